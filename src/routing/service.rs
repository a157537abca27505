//! Changing the rules: the file's at start, the admins' from the dashboard. Each change is one
//! transaction that bumps `routing_version` (so every instance reloads), writes the rule and records
//! who did what in `routing_rule_changes`; the instance that made it uses the new rules at once.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::input::RuleSpec;
use super::repo::{self, ChangeRow, NewChange, RuleValues, StoredRule};
use super::{LiveRules, Routing, RoutingTable, Rule, RuleSource};
use crate::reports::FieldErrors;
use crate::storage::{Db, DbConn, StorageError, now};

#[derive(Debug, thiserror::Error)]
pub enum RuleChangeError {
    #[error("the rule has invalid fields")]
    Invalid(FieldErrors),
    #[error("no rule has that id")]
    NotFound,
    #[error("rules from the routing file are changed in the file, not in the dashboard")]
    FromFile,
    #[error("someone else changed or deleted this rule meanwhile")]
    ChangedMeanwhile,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for RuleChangeError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

/// What the change log keeps of a rule (JSON in `before_json` / `after_json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSnapshot {
    pub desk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub priority: i32,
}

impl From<&StoredRule> for RuleSnapshot {
    fn from(row: &StoredRule) -> Self {
        Self {
            desk: row.desk.clone(),
            host: row.host.clone(),
            path_prefix: row.path_prefix.clone(),
            category: row.category.clone(),
            language: row.language.clone(),
            priority: row.priority,
        }
    }
}

impl From<&Rule> for RuleSnapshot {
    fn from(rule: &Rule) -> Self {
        Self {
            desk: rule.desk.clone(),
            host: rule.host.clone(),
            path_prefix: rule.path_prefix.clone(),
            category: rule.category.map(|c| c.as_str().to_string()),
            language: rule.language.clone(),
            priority: rule.priority,
        }
    }
}

impl From<&RuleSpec> for RuleSnapshot {
    fn from(spec: &RuleSpec) -> Self {
        Self {
            desk: spec.desk.clone(),
            host: spec.host.clone(),
            path_prefix: spec.path_prefix.clone(),
            category: spec.category.map(|c| c.as_str().to_string()),
            language: spec.language.clone(),
            priority: spec.priority,
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Plain strings and numbers: serialising cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// The change-log actions.
pub const CREATED: &str = "created";
pub const UPDATED: &str = "updated";
pub const DELETED: &str = "deleted";
pub const FILE_SYNCED: &str = "file_synced";

/// Replaces the stored file rules with the file's when they differ (in the caller's transaction).
/// An unchanged file changes nothing: no new ids, no version bump, no log entry. Returns whether
/// the rules changed.
pub fn sync_file_rules(
    conn: &mut DbConn,
    file: &RoutingTable,
    desk_ids: &HashMap<String, i64>,
    actor: &str,
    now: NaiveDateTime,
) -> Result<bool, StorageError> {
    // Instances starting together take turns here.
    repo::lock_version(conn)?;
    let before: Vec<RuleSnapshot> = repo::load_rules(conn)?
        .iter()
        .filter(|row| row.source == RuleSource::File.as_str())
        .map(RuleSnapshot::from)
        .collect();
    // file.rules() is in match order (priority, then file order); inserting in that order gives
    // ids in that order, which is how equal priorities are ordered once stored.
    let after: Vec<RuleSnapshot> = file.rules().iter().map(RuleSnapshot::from).collect();
    if before == after {
        return Ok(false);
    }
    repo::delete_file_rules(conn)?;
    for rule in file.rules() {
        let desk_id = desk_ids.get(&rule.desk).copied().ok_or_else(|| {
            // parse() checked every rule's desk, and sync_desks stored them all.
            StorageError::Corrupt(format!("desk {:?} was not stored", rule.desk))
        })?;
        let category = rule.category.map(|c| c.as_str());
        repo::insert_rule(
            conn,
            &RuleValues {
                desk_id,
                host: rule.host.as_deref(),
                path_prefix: rule.path_prefix.as_deref(),
                category,
                language: rule.language.as_deref(),
                priority: rule.priority,
            },
            RuleSource::File,
            actor,
            now,
        )?;
    }
    let version = repo::bump_version(conn, now)?;
    repo::insert_change(
        conn,
        &NewChange {
            rule_id: None,
            action: FILE_SYNCED,
            actor,
            before_json: Some(&to_json(&before)),
            after_json: Some(&to_json(&after)),
            version,
            created_at: now,
        },
    )?;
    tracing::info!(
        version,
        rules = after.len(),
        "routing rules from the file replaced the stored ones"
    );
    Ok(true)
}

fn values<'a>(routing: &Routing, spec: &'a RuleSpec) -> Result<RuleValues<'a>, RuleChangeError> {
    let desk_id = routing.desk_id(&spec.desk).ok_or_else(|| {
        // The form checked the desk against the file, and start-up stored every desk of it; this
        // is only a guard.
        RuleChangeError::Invalid(FieldErrors::single(
            "desk",
            crate::i18n::messages("en")
                .t_with("desk-routing-error-desk_unknown", &[("desk", &spec.desk)]),
        ))
    })?;
    Ok(RuleValues {
        desk_id,
        host: spec.host.as_deref(),
        path_prefix: spec.path_prefix.as_deref(),
        category: spec.category.map(|c| c.as_str()),
        language: spec.language.as_deref(),
        priority: spec.priority,
    })
}

/// Why a dashboard rule could not be changed: it is gone, from the file, or changed meanwhile.
fn why_not(conn: &mut DbConn, id: i64) -> RuleChangeError {
    match repo::find_rule(conn, id) {
        Ok(None) => RuleChangeError::NotFound,
        Ok(Some(row)) if row.source == RuleSource::File.as_str() => RuleChangeError::FromFile,
        Ok(Some(_)) => RuleChangeError::ChangedMeanwhile,
        Err(e) => e.into(),
    }
}

/// Runs one change: bumps the version first (which also orders concurrent changes), then `work`,
/// then reads the rules back; after the commit this instance switches to them.
async fn change<F>(
    db: &Db,
    routing: &Arc<Routing>,
    work: F,
) -> Result<(i64, Arc<LiveRules>), RuleChangeError>
where
    F: FnOnce(&mut DbConn, i64, NaiveDateTime) -> Result<i64, RuleChangeError> + Send + 'static,
{
    let (rule_id, version, stored) = db
        .write(move |conn| {
            let now = now();
            let version = repo::bump_version(conn, now)?;
            let rule_id = work(conn, version, now)?;
            let stored = repo::load_rules(conn)?;
            Ok::<_, RuleChangeError>((rule_id, version, stored))
        })
        .await?;
    // Only after COMMIT: never route by rules that might still roll back.
    let live = routing.install(version, routing.table_from_rows(&stored));
    Ok((rule_id, live))
}

/// Adds a dashboard rule; returns its id.
pub async fn add_rule(
    db: &Db,
    routing: &Arc<Routing>,
    spec: RuleSpec,
    actor: String,
) -> Result<i64, RuleChangeError> {
    let routing_for_values = routing.clone();
    let (id, _) = change(db, routing, move |conn, version, now| {
        let values = values(&routing_for_values, &spec)?;
        let id = repo::insert_rule(conn, &values, RuleSource::Dashboard, &actor, now)?;
        repo::insert_change(
            conn,
            &NewChange {
                rule_id: Some(id),
                action: CREATED,
                actor: &actor,
                before_json: None,
                after_json: Some(&to_json(&RuleSnapshot::from(&spec))),
                version,
                created_at: now,
            },
        )?;
        Ok(id)
    })
    .await?;
    Ok(id)
}

/// Changes a dashboard rule, if nobody changed it since the editor loaded it (`seen`).
pub async fn update_rule(
    db: &Db,
    routing: &Arc<Routing>,
    id: i64,
    seen: NaiveDateTime,
    spec: RuleSpec,
    actor: String,
) -> Result<(), RuleChangeError> {
    let routing_for_values = routing.clone();
    change(db, routing, move |conn, version, now| {
        let values = values(&routing_for_values, &spec)?;
        let before = repo::find_rule(conn, id)?;
        if repo::update_dashboard_rule(conn, id, seen, &values, &actor, now)? == 0 {
            return Err(why_not(conn, id));
        }
        repo::insert_change(
            conn,
            &NewChange {
                rule_id: Some(id),
                action: UPDATED,
                actor: &actor,
                before_json: before
                    .as_ref()
                    .map(|row| to_json(&RuleSnapshot::from(row)))
                    .as_deref(),
                after_json: Some(&to_json(&RuleSnapshot::from(&spec))),
                version,
                created_at: now,
            },
        )?;
        Ok(id)
    })
    .await
    .map(|_| ())
}

/// Deletes a dashboard rule, if nobody changed it since the editor loaded it (`seen`). The change
/// log keeps what it was.
pub async fn delete_rule(
    db: &Db,
    routing: &Arc<Routing>,
    id: i64,
    seen: NaiveDateTime,
    actor: String,
) -> Result<(), RuleChangeError> {
    change(db, routing, move |conn, version, now| {
        let before = repo::find_rule(conn, id)?;
        if repo::delete_dashboard_rule(conn, id, seen)? == 0 {
            return Err(why_not(conn, id));
        }
        repo::insert_change(
            conn,
            &NewChange {
                rule_id: Some(id),
                action: DELETED,
                actor: &actor,
                before_json: before
                    .as_ref()
                    .map(|row| to_json(&RuleSnapshot::from(row)))
                    .as_deref(),
                after_json: None,
                version,
                created_at: now,
            },
        )?;
        Ok(id)
    })
    .await
    .map(|_| ())
}

/// Everything the admin page shows, read together.
pub struct Overview {
    /// The effective table built from `stored` (what intake uses, in match order).
    pub table: RoutingTable,
    pub stored: Vec<StoredRule>,
    pub changes: Vec<ChangeRow>,
}

/// Reads the stored rules and the latest changes; this instance also switches to those rules if
/// they are newer than its own.
pub async fn overview(
    db: &Db,
    routing: &Arc<Routing>,
    changes: i64,
) -> Result<Overview, StorageError> {
    let (version, stored, changes) = db
        .read(move |conn| {
            let version = repo::version(conn)?;
            let stored = repo::load_rules(conn)?;
            let changes = repo::recent_changes(conn, changes)?;
            Ok::<_, StorageError>((version, stored, changes))
        })
        .await?;
    let table = routing.table_from_rows(&stored);
    routing.install(version, table.clone());
    Ok(Overview {
        table,
        stored,
        changes,
    })
}

/// One stored rule (for its edit form).
pub async fn find_rule(db: &Db, id: i64) -> Result<StoredRule, RuleChangeError> {
    db.read(move |conn| repo::find_rule(conn, id).map_err(RuleChangeError::from))
        .await?
        .ok_or(RuleChangeError::NotFound)
}
