//! Response targets at work: each desk's targets (defaults and the desks' own), the figures, an
//! admin changing a desk's targets (audited in the routing change log), and the sweep that
//! queues reminders.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{DeskTargets, OverdueCutoffs, OwnTargets, Step, TargetTable, repo, whole_seconds};
use crate::config::{MAX_TARGET_MINUTES, TargetSettings};
use crate::i18n::messages;
use crate::notify::Wakeup;
use crate::notify::outbox::{self, DeskRef};
use crate::reports::FieldErrors;
use crate::routing::Routing;
use crate::storage::{Db, DbConn, StorageError, now};
use crate::web::metrics::Metrics;

/// The figures cover the reports that completed a step in this many days.
pub const FIGURE_DAYS: i64 = 30;
/// Reports one sweep marks per desk and step; more wait for the next sweep (and join the same
/// reminder while it has not gone out).
const SWEEP_BATCH: i64 = 1_000;

/// The configured defaults, and the figures as last computed.
pub struct Targets {
    settings: TargetSettings,
    figures: Mutex<Option<(Instant, Arc<Figures>)>>,
}

/// A step's median duration over the last [`FIGURE_DAYS`] days, and over how many reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Median {
    pub seconds: f64,
    pub reports: i64,
}

/// One desk's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskFigures {
    pub desk_id: i64,
    pub slug: String,
    pub name: String,
    pub targets: DeskTargets,
    pub triage: Option<Median>,
    pub decision: Option<Median>,
    /// Reports past the target of the step they wait for, now.
    pub overdue_triage: i64,
    pub overdue_decision: i64,
}

/// Every desk's figures, as of `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub at: chrono::NaiveDateTime,
    pub desks: Vec<DeskFigures>,
}

impl Targets {
    pub fn new(settings: TargetSettings) -> Self {
        Self {
            settings,
            figures: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> TargetSettings {
        self.settings
    }

    /// Every desk's targets as stored now (one read of the desks).
    pub async fn table(&self, db: &Db) -> Result<TargetTable, StorageError> {
        let defaults = self.settings;
        db.read(move |conn| Ok(TargetTable::new(defaults, repo::own_targets(conn)?)))
            .await
    }

    /// What "overdue" means now, for the filters.
    pub async fn cutoffs(&self, db: &Db) -> Result<OverdueCutoffs, StorageError> {
        Ok(self.table(db).await?.cutoffs(now()))
    }

    /// Every desk's figures, at most `figures_cache_secs` old.
    pub async fn figures(&self, db: &Db, routing: &Routing) -> Result<Arc<Figures>, StorageError> {
        let ttl = Duration::from_secs(self.settings.figures_cache_secs);
        if !ttl.is_zero()
            && let Some((at, figures)) = self.lock().as_ref()
            && at.elapsed() < ttl
        {
            return Ok(figures.clone());
        }
        let figures = Arc::new(compute_figures(db, routing, self.settings).await?);
        if !ttl.is_zero() {
            *self.lock() = Some((Instant::now(), figures.clone()));
        }
        Ok(figures)
    }

    /// Forgets the figures (a desk's targets changed).
    fn forget_figures(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Instant, Arc<Figures>)>> {
        // A poisoned lock only means a panic elsewhere while replacing an Arc.
        self.figures.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn compute_figures(
    db: &Db,
    routing: &Routing,
    defaults: TargetSettings,
) -> Result<Figures, StorageError> {
    let at = now();
    let since = at - chrono::Duration::days(FIGURE_DAYS);
    let desk_ids: Vec<i64> = routing
        .desks()
        .filter_map(|d| routing.desk_id(&d.slug))
        .collect();
    let (table, triage, decision, overdue) = db
        .read(move |conn| {
            let table = TargetTable::new(defaults, repo::own_targets(conn)?);
            let triage = repo::medians(conn, Step::Triage, since)?;
            let decision = repo::medians(conn, Step::Decision, since)?;
            let overdue = repo::overdue_counts(conn, &table.cutoffs(at), &desk_ids)?;
            Ok::<_, StorageError>((table, triage, decision, overdue))
        })
        .await?;
    let median_of = |rows: &[repo::MedianRow], desk: i64| {
        rows.iter()
            .find(|r| r.desk_id == Some(desk))
            .map(|r| Median {
                seconds: whole_seconds(r.seconds),
                reports: r.reports,
            })
    };
    let desks = routing
        .desks()
        .filter_map(|desk| {
            let id = routing.desk_id(&desk.slug)?;
            let count = |step: Step| {
                overdue
                    .iter()
                    .filter(|(d, s, _)| *d == id && *s == step)
                    .map(|(_, _, n)| n)
                    .sum()
            };
            Some(DeskFigures {
                desk_id: id,
                slug: desk.slug.clone(),
                name: desk.name.clone(),
                targets: table.for_desk(Some(id)),
                triage: median_of(&triage, id),
                decision: median_of(&decision, id),
                overdue_triage: count(Step::Triage),
                overdue_decision: count(Step::Decision),
            })
        })
        .collect();
    Ok(Figures { at, desks })
}

/// A desk's targets as an admin typed them: whole minutes, empty for the default.
#[derive(Debug, Clone, Default)]
pub struct TargetInput {
    pub triage_minutes: String,
    pub decision_minutes: String,
}

impl TargetInput {
    /// The desk's own targets, or every field's problem. The decision may not come before the
    /// triage, counting the defaults where a field is empty.
    pub fn parse(&self, defaults: &TargetSettings) -> Result<OwnTargets, FieldErrors> {
        let t = messages("en");
        let mut errors = FieldErrors::default();
        let mut minutes = |field: &str, value: &str| {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            match value.parse::<u32>() {
                Ok(n) if (1..=MAX_TARGET_MINUTES).contains(&n) => Some(n),
                _ => {
                    errors.add(
                        field,
                        t.t_with(
                            "desk-targets-error-minutes",
                            &[("max", &MAX_TARGET_MINUTES.to_string())],
                        ),
                    );
                    None
                }
            }
        };
        let own = OwnTargets {
            triage_minutes: minutes("triage_minutes", &self.triage_minutes),
            decision_minutes: minutes("decision_minutes", &self.decision_minutes),
        };
        if errors.is_empty() {
            let triage = own.triage_minutes.unwrap_or(defaults.triage_minutes);
            let decision = own.decision_minutes.unwrap_or(defaults.decision_minutes);
            if decision < triage {
                let field = if own.decision_minutes.is_some() {
                    "decision_minutes"
                } else {
                    "triage_minutes"
                };
                errors.add(
                    field,
                    t.t_with(
                        "desk-targets-error-order",
                        &[
                            ("triage", &triage.to_string()),
                            ("decision", &decision.to_string()),
                        ],
                    ),
                );
            }
        }
        if errors.is_empty() {
            Ok(own)
        } else {
            Err(errors)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TargetChangeError {
    #[error("the targets have invalid fields")]
    Invalid(FieldErrors),
    #[error("no desk has that name")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for TargetChangeError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

/// The routing change log's action for a desk's targets.
pub const TARGETS_CHANGED: &str = "targets_changed";

/// What the change log keeps of a desk's targets (JSON in `before_json` / `after_json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetsSnapshot {
    pub desk: String,
    pub triage_minutes: Option<u32>,
    pub decision_minutes: Option<u32>,
}

/// Sets a desk's own targets (empty fields: the defaults), recorded in the routing change log
/// with who, when, before and after. Applies at once on every instance (each reads the desks'
/// targets when it needs them).
pub async fn set_desk_targets(
    db: &Db,
    routing: &Routing,
    targets: &Targets,
    slug: &str,
    input: &TargetInput,
    actor: String,
) -> Result<(), TargetChangeError> {
    let desk_id = routing.desk_id(slug).ok_or(TargetChangeError::NotFound)?;
    let own = input
        .parse(&targets.settings)
        .map_err(TargetChangeError::Invalid)?;
    let slug = slug.to_string();
    db.write(move |conn| {
        let now = now();
        let before = repo::own_targets(conn)?
            .into_iter()
            .find(|(id, _)| *id == desk_id)
            .map(|(_, own)| own)
            .unwrap_or_default();
        if !repo::set_own_targets(conn, desk_id, own)? {
            return Err(TargetChangeError::NotFound);
        }
        let snapshot = |own: OwnTargets| {
            serde_json::to_string(&TargetsSnapshot {
                desk: slug.clone(),
                triage_minutes: own.triage_minutes,
                decision_minutes: own.decision_minutes,
            })
            .unwrap_or_default()
        };
        let version = crate::routing::repo::version(conn)?;
        crate::routing::repo::insert_change(
            conn,
            &crate::routing::repo::NewChange {
                rule_id: None,
                action: TARGETS_CHANGED,
                actor: &actor,
                before_json: Some(&snapshot(before)),
                after_json: Some(&snapshot(own)),
                version,
                created_at: now,
            },
        )?;
        Ok(())
    })
    .await?;
    targets.forget_figures();
    Ok(())
}

/// Runs [`sweep`] every `sweep_interval_secs` until the task is aborted. Any number of instances
/// may run it on one database: a report's reminder is marked once, by whoever marks it first.
pub async fn run_sweep(
    db: Db,
    routing: Arc<Routing>,
    targets: Arc<Targets>,
    wakeup: Wakeup,
    metrics: Arc<Metrics>,
) {
    let every = Duration::from_secs(targets.settings.sweep_interval_secs.max(1));
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match sweep(&db, &routing, &targets).await {
            Ok(reminded) => {
                metrics.target_sweep(&reminded);
                if reminded.iter().any(|(_, n)| *n > 0) {
                    wakeup.wake();
                }
            }
            Err(StorageError::Unreachable(_)) => {
                // The outage itself was logged once when it began.
                tracing::debug!("the response-target sweep waits for the database");
            }
            Err(error) => tracing::warn!(%error, "response-target sweep failed; will try again"),
        }
    }
}

/// One sweep: for each desk with editors, the reports past a target whose reminder has not gone
/// out are marked with the desk's reminder digest (queued or joined) in one transaction per desk.
/// Returns how many were marked per step.
pub async fn sweep(
    db: &Db,
    routing: &Routing,
    targets: &Targets,
) -> Result<Vec<(Step, usize)>, StorageError> {
    let desks: Vec<(i64, crate::routing::Desk)> = routing
        .desks()
        .filter(|d| !d.editors.is_empty())
        .filter_map(|d| routing.desk_id(&d.slug).map(|id| (id, d.clone())))
        .collect();
    let defaults = targets.settings;
    let ids: Vec<i64> = desks.iter().map(|(id, _)| *id).collect();
    // A read first: most sweeps find nothing, and need not take the writer for it.
    let due: Vec<i64> = db
        .read(move |conn| {
            let table = TargetTable::new(defaults, repo::own_targets(conn)?);
            let now = now();
            let mut due = Vec::new();
            for id in ids {
                for step in Step::ALL {
                    if !waiting(conn, &table, step, id, now, 1)?.is_empty() {
                        due.push(id);
                        break;
                    }
                }
            }
            Ok::<_, StorageError>(due)
        })
        .await?;
    let mut marked = vec![(Step::Triage, 0), (Step::Decision, 0)];
    for (id, desk) in desks.into_iter().filter(|(id, _)| due.contains(id)) {
        let counts = db
            .write(move |conn| remind_desk(conn, defaults, id, &desk))
            .await?;
        for (step, n) in counts {
            if let Some(entry) = marked.iter_mut().find(|(s, _)| *s == step) {
                entry.1 += n;
            }
        }
    }
    Ok(marked)
}

fn waiting(
    conn: &mut DbConn,
    table: &TargetTable,
    step: Step,
    desk_id: i64,
    now: chrono::NaiveDateTime,
    limit: i64,
) -> diesel::QueryResult<Vec<i64>> {
    let minutes = table.for_desk(Some(desk_id)).minutes(step);
    let cutoff = now - chrono::Duration::minutes(i64::from(minutes));
    repo::due_for_reminder(conn, step, desk_id, cutoff, limit)
}

/// One desk's part of a sweep, in its own transaction: the desk's lock first (sweeps of other
/// instances wait, then find these reports marked), then the reports past a target and not yet
/// reminded, the reminder digest they join, and the marks.
fn remind_desk(
    conn: &mut DbConn,
    defaults: TargetSettings,
    desk_id: i64,
    desk: &crate::routing::Desk,
) -> Result<Vec<(Step, usize)>, StorageError> {
    repo::lock_desk(conn, desk_id)?;
    let table = TargetTable::new(defaults, repo::own_targets(conn)?);
    let now = now();
    let mut found = Vec::new();
    for step in Step::ALL {
        found.push((
            step,
            waiting(conn, &table, step, desk_id, now, SWEEP_BATCH)?,
        ));
    }
    if found.iter().all(|(_, ids)| ids.is_empty()) {
        return Ok(Vec::new());
    }
    let digest = outbox::overdue_digest(conn, &DeskRef { id: desk_id, desk }, now)?;
    let mut marked = Vec::new();
    for (step, ids) in found {
        let done = repo::mark_reminded(conn, step, &ids, digest)?;
        if !done.is_empty() {
            tracing::info!(
                desk = %desk.slug,
                step = step.as_str(),
                reports = done.len(),
                digest,
                "reports past their response target: the desk's reminder lists them"
            );
        }
        marked.push((step, done.len()));
    }
    Ok(marked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> TargetSettings {
        TargetSettings {
            triage_minutes: 60,
            decision_minutes: 600,
            sweep_interval_secs: 60,
            figures_cache_secs: 0,
        }
    }

    fn input(triage: &str, decision: &str) -> TargetInput {
        TargetInput {
            triage_minutes: triage.into(),
            decision_minutes: decision.into(),
        }
    }

    #[test]
    fn targets_are_whole_positive_minutes_or_empty_for_the_default() {
        let own = input(" 30 ", "").parse(&defaults()).expect("valid");
        assert_eq!(own.triage_minutes, Some(30));
        assert_eq!(own.decision_minutes, None);
        assert_eq!(input("", "").parse(&defaults()), Ok(OwnTargets::default()));
        for bad in ["0", "-5", "1.5", "ten", "525601"] {
            let errors = input(bad, "").parse(&defaults()).expect_err(bad);
            assert!(errors.has("triage_minutes"), "{bad}");
            assert!(!errors.has("decision_minutes"), "{bad}");
        }
        let errors = input("x", "y").parse(&defaults()).expect_err("both");
        assert!(errors.has("triage_minutes") && errors.has("decision_minutes"));
    }

    #[test]
    fn the_decision_may_not_come_before_the_triage() {
        let errors = input("", "30").parse(&defaults()).expect_err("30 < 60");
        assert!(errors.has("decision_minutes"), "{errors:?}");
        // The default decision (600) is sooner than this triage: the triage field is at fault.
        let errors = input("700", "").parse(&defaults()).expect_err("700 > 600");
        assert!(errors.has("triage_minutes"), "{errors:?}");
        assert!(input("700", "700").parse(&defaults()).is_ok());
    }
}
