//! Routing: which desk's editors hear of a report. The rules are pure data, matched without I/O;
//! the desks are mirrored into the database so that reports can name theirs.
//!
//! Rules come from two places: the rules file (`config/routing.toml`, copied into the
//! `routing_rules` table at start as source `file`) and the admins' dashboard (source
//! `dashboard`, kept across restarts). Every instance matches against one table built from both,
//! in one order: highest priority first; on equal priority the file's rules before the
//! dashboard's, the file's in file order and the dashboard's oldest first. So a dashboard rule
//! overrides a file rule only by saying so with a higher priority, and the order is the same on
//! every instance (ids come from the shared database).
//!
//! Reload: every change bumps `routing_version` in its own transaction. Intake reads that number
//! inside its transaction (one primary-key read) and rebuilds the table when it moved, so a report
//! is routed by the rules committed before it, whichever instance made the change. Changes to the
//! webhook endpoints bump it too (by trigger), for the same reason: intake keeps the endpoints it
//! tells of each new report until the number moves (`webhooks::service::Subscriptions`).

pub mod http;
pub mod input;
pub mod repo;
pub mod service;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, RwLock};

use serde::Deserialize;

use crate::reports::Category;

#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    #[error("could not read the routing file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the routing file {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

/// The file format (see config/routing.toml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutingFile {
    default_desk: String,
    escalation_desk: Option<String>,
    desks: BTreeMap<String, DeskFile>,
    #[serde(default)]
    rules: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeskFile {
    name: String,
    #[serde(default)]
    editors: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    desk: String,
    host: Option<String>,
    path_prefix: Option<String>,
    category: Option<String>,
    language: Option<String>,
    #[serde(default)]
    priority: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desk {
    /// Stable short name used in files and URLs, e.g. `world`.
    pub slug: String,
    pub name: String,
    /// Addresses that receive this desk's alerts.
    pub editors: Vec<String>,
}

/// Where a rule was written. The order matters: on equal priority, file rules come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleSource {
    File,
    Dashboard,
}

impl RuleSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Dashboard => "dashboard",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "file" => Some(Self::File),
            "dashboard" => Some(Self::Dashboard),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The database id; `None` for a rule read from the file and not stored yet.
    pub id: Option<i64>,
    pub source: RuleSource,
    pub desk: String,
    pub host: Option<String>,
    pub path_prefix: Option<String>,
    pub category: Option<Category>,
    pub language: Option<String>,
    pub priority: i32,
}

/// What routing looks at.
#[derive(Debug, Clone, Copy)]
pub struct RouteInput<'a> {
    pub host: &'a str,
    pub path: &'a str,
    pub category: Category,
    pub language: &'a str,
}

/// Which desk a report goes to, and why.
#[derive(Debug, Clone, Copy)]
pub struct Routed<'a> {
    pub desk: &'a Desk,
    /// The deciding rule and its place in the match order (1-based); `None`: the default desk.
    pub rule: Option<(usize, &'a Rule)>,
}

#[derive(Debug, Clone)]
pub struct RoutingTable {
    desks: BTreeMap<String, Desk>,
    /// In match order (see [`match_order`]).
    rules: Vec<Rule>,
    default_desk: String,
    escalation_desk: Option<String>,
}

impl Rule {
    pub fn matches(&self, input: &RouteInput<'_>) -> bool {
        self.host
            .as_deref()
            .is_none_or(|h| h.eq_ignore_ascii_case(input.host))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| path_in_section(input.path, p))
            && self.category.is_none_or(|c| c == input.category)
            && self
                .language
                .as_deref()
                .is_none_or(|l| language_matches(input.language, l))
    }
}

/// `/world/` and `/world` both cover `/world` and `/world/...`, never `/worldcup`.
fn path_in_section(path: &str, prefix: &str) -> bool {
    let section = prefix.trim_end_matches('/');
    if section.is_empty() {
        return true;
    }
    path == section
        || path
            .strip_prefix(section)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A rule for `de` takes `de` and `de-AT`; a rule for `pt-BR` only `pt-BR`.
fn language_matches(language: &str, rule: &str) -> bool {
    language.eq_ignore_ascii_case(rule)
        || language.get(..rule.len()).is_some_and(|head| {
            head.eq_ignore_ascii_case(rule) && language[rule.len()..].starts_with('-')
        })
}

impl RoutingTable {
    pub fn load(path: &Path) -> Result<Self, RoutingError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RoutingError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&text).map_err(|message| RoutingError::Invalid {
            path: shown,
            message,
        })
    }

    /// Parses and checks a routing file; the message says what is wrong and where.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: RoutingFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut desks = BTreeMap::new();
        for (slug, desk) in file.desks {
            if slug.is_empty()
                || !slug
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(format!("desk name {slug:?}: use letters, digits, - and _"));
            }
            for editor in &desk.editors {
                if editor.parse::<lettre::message::Mailbox>().is_err() {
                    return Err(format!("desk {slug}: {editor:?} is not an email address"));
                }
            }
            desks.insert(
                slug.clone(),
                Desk {
                    slug,
                    name: desk.name,
                    editors: desk.editors,
                },
            );
        }
        let known = |slug: &str, what: &str| {
            if desks.contains_key(slug) {
                Ok(())
            } else {
                Err(format!(
                    "{what} names the desk {slug:?}, which is not defined under [desks]"
                ))
            }
        };
        known(&file.default_desk, "default_desk")?;
        if let Some(slug) = &file.escalation_desk {
            known(slug, "escalation_desk")?;
        }
        let mut rules = Vec::with_capacity(file.rules.len());
        for (i, rule) in file.rules.into_iter().enumerate() {
            let at = format!("rule {} (desk {:?})", i + 1, rule.desk);
            known(&rule.desk, &at)?;
            let category = match rule.category.as_deref() {
                None => None,
                Some(c) => Some(
                    Category::parse(c).ok_or_else(|| format!("{at}: unknown category {c:?}"))?,
                ),
            };
            if let Some(prefix) = &rule.path_prefix
                && !prefix.starts_with('/')
            {
                return Err(format!(
                    "{at}: path_prefix must start with '/' (got {prefix:?})"
                ));
            }
            rules.push(Rule {
                id: None,
                source: RuleSource::File,
                desk: rule.desk,
                host: rule
                    .host
                    .map(|h| h.trim_end_matches('.').to_ascii_lowercase()),
                path_prefix: rule.path_prefix,
                category,
                language: rule.language,
                priority: rule.priority,
            });
        }
        match_order(&mut rules);
        Ok(Self {
            desks,
            rules,
            default_desk: file.default_desk,
            escalation_desk: file.escalation_desk,
        })
    }

    /// The same desks with other rules (the file's and the dashboard's, from the database),
    /// put in match order.
    pub fn with_rules(&self, rules: Vec<Rule>) -> Self {
        let mut rules = rules;
        match_order(&mut rules);
        Self {
            desks: self.desks.clone(),
            rules,
            default_desk: self.default_desk.clone(),
            escalation_desk: self.escalation_desk.clone(),
        }
    }

    /// The desk for a report: the first matching rule in match order, else the default desk.
    pub fn route(&self, input: &RouteInput<'_>) -> &Desk {
        self.explain(input).desk
    }

    /// Like [`RoutingTable::route`], also naming the deciding rule. A rule whose desk is not in
    /// the rules file (a desk since removed from it) is passed over: its reports go on down the list.
    pub fn explain(&self, input: &RouteInput<'_>) -> Routed<'_> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.matches(input))
            .find_map(|(i, rule)| {
                self.desk(&rule.desk).map(|desk| Routed {
                    desk,
                    rule: Some((i + 1, rule)),
                })
            })
            .unwrap_or_else(|| Routed {
                desk: self.default_desk(),
                rule: None,
            })
    }

    pub fn desk(&self, slug: &str) -> Option<&Desk> {
        self.desks.get(slug)
    }

    /// Where reports go that no rule matches.
    pub fn default_desk(&self) -> &Desk {
        // parse() guarantees the default desk exists, and with_rules() keeps the desks.
        &self.desks[&self.default_desk]
    }

    /// The rules in match order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn escalation_desk(&self) -> Option<&Desk> {
        self.escalation_desk
            .as_deref()
            .and_then(|slug| self.desk(slug))
    }

    pub fn desks(&self) -> impl Iterator<Item = &Desk> {
        self.desks.values()
    }
}

/// The order rules are tried in: highest priority first; on a tie the file's rules before the
/// dashboard's, then by database id (the file's are stored in file order, the dashboard's get
/// theirs when created). The sort is stable, so rules not stored yet keep the order given.
pub fn match_order(rules: &mut [Rule]) {
    rules.sort_by_key(|r| (std::cmp::Reverse(r.priority), r.source, r.id));
}

/// Loads the routing file, mirrors its desks into the database, replaces the stored file rules
/// when the file changed, and loads the effective rules (at start, and for the CLI).
pub fn load_and_sync(db: &crate::storage::Db, path: &Path) -> anyhow::Result<Routing> {
    let file = RoutingTable::load(path)?;
    let actor = format!("file:{}", path.display());
    let now = crate::storage::now();
    let (desk_ids, version, stored) = db.write_blocking(|conn| {
        let desk_ids = repo::sync_desks(conn, file.desks(), now)?;
        service::sync_file_rules(conn, &file, &desk_ids, &actor, now)?;
        let version = repo::version(conn)?;
        let stored = repo::load_rules(conn)?;
        Ok::<_, crate::storage::StorageError>((desk_ids, version, stored))
    })?;
    let routing = Routing::new(file, desk_ids);
    routing.install(version, routing.table_from_rows(&stored));
    Ok(routing)
}

/// The effective rules as of one `routing_version`.
#[derive(Debug)]
pub struct LiveRules {
    pub version: i64,
    pub table: RoutingTable,
}

/// Desks (fixed at start, from the file) and the effective rules (swapped when they change).
#[derive(Debug)]
pub struct Routing {
    /// The file as loaded: desks, default and escalation desk, and the file's own rules.
    file: RoutingTable,
    desk_ids: HashMap<String, i64>,
    slugs: HashMap<i64, String>,
    /// Readers clone the Arc and drop the lock at once; a reload swaps in a whole new table.
    live: RwLock<Arc<LiveRules>>,
}

impl Routing {
    /// Starts with the file's rules alone (version -1: the first [`Routing::refresh`] loads the
    /// stored ones).
    pub fn new(file: RoutingTable, desk_ids: HashMap<String, i64>) -> Self {
        let slugs = desk_ids
            .iter()
            .map(|(slug, id)| (*id, slug.clone()))
            .collect();
        let live = RwLock::new(Arc::new(LiveRules {
            version: -1,
            table: file.clone(),
        }));
        Self {
            file,
            desk_ids,
            slugs,
            live,
        }
    }

    pub fn desk_id(&self, slug: &str) -> Option<i64> {
        self.desk_ids.get(slug).copied()
    }

    pub fn desk_by_id(&self, id: i64) -> Option<&Desk> {
        self.slugs.get(&id).and_then(|slug| self.file.desk(slug))
    }

    pub fn desk(&self, slug: &str) -> Option<&Desk> {
        self.file.desk(slug)
    }

    pub fn desks(&self) -> impl Iterator<Item = &Desk> {
        self.file.desks()
    }

    pub fn default_desk(&self) -> &Desk {
        self.file.default_desk()
    }

    pub fn escalation_desk(&self) -> Option<&Desk> {
        self.file.escalation_desk()
    }

    /// The rules as this instance last loaded them (no I/O).
    pub fn current(&self) -> Arc<LiveRules> {
        // A poisoned lock only means a panic elsewhere while swapping an Arc: the value is whole.
        self.live
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Makes `table` current if it is newer than what this instance has; returns what is current.
    /// Never goes back: two reloads racing cannot leave the older one in place.
    pub fn install(&self, version: i64, table: RoutingTable) -> Arc<LiveRules> {
        let mut live = self
            .live
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if version > live.version {
            *live = Arc::new(LiveRules { version, table });
        }
        live.clone()
    }

    /// The current rules, reloaded first if another transaction (on any instance) changed them.
    /// Costs one primary-key read when nothing changed; intake calls it inside its transaction,
    /// so each report is routed by the rules committed before it.
    pub fn refresh(
        &self,
        conn: &mut crate::storage::DbConn,
    ) -> diesel::QueryResult<Arc<LiveRules>> {
        let version = repo::version(conn)?;
        self.refresh_to(conn, version)
    }

    /// [`Routing::refresh`] when the caller has read the stored version already (intake reads
    /// it in its own statement).
    pub fn refresh_to(
        &self,
        conn: &mut crate::storage::DbConn,
        version: i64,
    ) -> diesel::QueryResult<Arc<LiveRules>> {
        let current = self.current();
        // Not newer (unchanged, or this instance already has a later table): nothing to load.
        if version <= current.version {
            return Ok(current);
        }
        // The version is read before the rules: a change committed in between makes the rules
        // newer than their label, never older, and the next refresh reloads again.
        let stored = repo::load_rules(conn)?;
        Ok(self.install(version, self.table_from_rows(&stored)))
    }

    /// The effective table from stored rules (pure). A row this instance cannot read (an unknown
    /// category, written by something else) is left out, with a warning in the log.
    pub fn table_from_rows(&self, stored: &[repo::StoredRule]) -> RoutingTable {
        let rules = stored.iter().filter_map(|row| match row.to_rule() {
            Ok(rule) => Some(rule),
            Err(problem) => {
                tracing::warn!(rule = row.id, %problem, "routing rule ignored");
                None
            }
        });
        self.file.with_rules(rules.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
default_desk = "newsroom"
escalation_desk = "standards"
[desks.newsroom]
name = "Newsroom"
editors = ["news@example.com"]
[desks.world]
name = "World"
editors = ["world@example.com"]
[desks.europe]
name = "Europe"
editors = ["europe@example.com"]
[desks.standards]
name = "Standards"
editors = ["standards@example.com"]
[desks.german]
name = "German service"
[[rules]]
desk = "world"
path_prefix = "/world/"
priority = 10
[[rules]]
desk = "europe"
path_prefix = "/world/europe"
priority = 20
[[rules]]
desk = "standards"
category = "impersonation"
priority = 100
[[rules]]
desk = "german"
language = "de"
host = "www.example.com"
priority = 15
"#;

    fn input<'a>(path: &'a str, category: Category, language: &'a str) -> RouteInput<'a> {
        RouteInput {
            host: "www.example.com",
            path,
            category,
            language,
        }
    }

    fn routed(table: &RoutingTable, i: RouteInput<'_>) -> String {
        table.route(&i).slug.clone()
    }

    #[test]
    fn the_highest_priority_matching_rule_wins() {
        let table = RoutingTable::parse(FILE).expect("valid");
        assert_eq!(
            routed(
                &table,
                input("/world/asia/story", Category::FalseClaim, "en")
            ),
            "world"
        );
        assert_eq!(
            routed(
                &table,
                input("/world/europe/story", Category::FalseClaim, "en")
            ),
            "europe"
        );
        assert_eq!(
            routed(
                &table,
                input("/world/europe/story", Category::Impersonation, "en")
            ),
            "standards"
        );
        assert_eq!(
            routed(
                &table,
                input("/world/asia/story", Category::Outdated, "de-AT")
            ),
            "german"
        );
        assert_eq!(
            routed(&table, input("/sport/story", Category::Outdated, "en")),
            "newsroom"
        );
    }

    #[test]
    fn sections_match_whole_segments() {
        assert!(path_in_section("/world", "/world/"));
        assert!(path_in_section("/world/a", "/world"));
        assert!(!path_in_section("/worldcup/final", "/world/"));
        assert!(path_in_section("/anything", "/"));
    }

    #[test]
    fn languages_match_by_primary_subtag() {
        assert!(language_matches("de", "de"));
        assert!(language_matches("de-AT", "de"));
        assert!(!language_matches("dev", "de"));
        assert!(!language_matches("pt-PT", "pt-BR"));
    }

    #[test]
    fn host_conditions_use_the_canonical_host() {
        let table = RoutingTable::parse(FILE).expect("valid");
        let other = RouteInput {
            host: "fake.test",
            path: "/x",
            category: Category::Other,
            language: "de",
        };
        assert_eq!(
            routed(&table, other),
            "newsroom",
            "the German rule is for www.example.com only"
        );
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let cases = [
            (
                "default_desk = \"nope\"\n[desks.a]\nname = \"A\"",
                "not defined",
            ),
            (
                "default_desk = \"a\"\n[desks.a]\nname = \"A\"\neditors = [\"not an address\"]",
                "not an email",
            ),
            (
                "default_desk = \"a\"\n[desks.a]\nname = \"A\"\n[[rules]]\ndesk = \"b\"",
                "rule 1",
            ),
            (
                "default_desk = \"a\"\n[desks.a]\nname = \"A\"\n[[rules]]\ndesk = \"a\"\ncategory = \"rumour\"",
                "unknown category",
            ),
            (
                "default_desk = \"a\"\n[desks.a]\nname = \"A\"\n[[rules]]\ndesk = \"a\"\npath_prefix = \"world\"",
                "must start with",
            ),
            (
                "default_desk = \"a\"\n[desks.a]\nname = \"A\"\ncolour = \"red\"",
                "unknown field",
            ),
        ];
        for (text, needle) in cases {
            let err = RoutingTable::parse(text).expect_err(text);
            assert!(err.contains(needle), "{needle:?} not in {err:?}");
        }
    }

    fn dashboard(id: i64, desk: &str, path: &str, priority: i32) -> Rule {
        Rule {
            id: Some(id),
            source: RuleSource::Dashboard,
            desk: desk.into(),
            host: None,
            path_prefix: Some(path.into()),
            category: None,
            language: None,
            priority,
        }
    }

    /// The file's rules as stored (ids in file match order) plus some dashboard rules.
    fn merged(extra: Vec<Rule>) -> RoutingTable {
        let file = RoutingTable::parse(FILE).expect("valid");
        let mut rules: Vec<Rule> = file
            .rules()
            .iter()
            .zip(100..)
            .map(|(rule, id)| Rule {
                id: Some(id),
                ..rule.clone()
            })
            .collect();
        rules.extend(extra);
        file.with_rules(rules)
    }

    #[test]
    fn on_equal_priority_file_rules_win_then_older_dashboard_rules() {
        // /world/ is a file rule at priority 10: a dashboard rule at 10 comes after it...
        let table = merged(vec![
            dashboard(7, "newsroom", "/world/asia", 10),
            dashboard(3, "standards", "/world/asia", 10),
        ]);
        let asia = input("/world/asia/story", Category::FalseClaim, "en");
        assert_eq!(routed(&table, asia), "world");
        // ...and among dashboard rules of one priority, the older (lower id) is tried first.
        let order: Vec<_> = table.rules().iter().map(|r| (r.priority, r.id)).collect();
        assert_eq!(
            order,
            [
                (100, Some(100)),
                (20, Some(101)),
                (15, Some(102)),
                (10, Some(103)),
                (10, Some(3)),
                (10, Some(7))
            ]
        );
        // A higher priority overrides the file's rule, and explain() names the rule.
        let table = merged(vec![dashboard(8, "newsroom", "/world/asia", 11)]);
        let routed = table.explain(&asia);
        assert_eq!(routed.desk.slug, "newsroom");
        let (position, rule) = routed.rule.expect("a rule decided");
        assert_eq!((position, rule.id), (4, Some(8)));
        let sport = input("/sport/x", Category::Other, "en");
        assert!(table.explain(&sport).rule.is_none(), "the default desk");
    }

    #[test]
    fn a_rule_for_a_desk_gone_from_the_file_is_passed_over() {
        let table = merged(vec![dashboard(9, "culture", "/world/asia", 50)]);
        assert_eq!(table.rules()[1].desk, "culture", "still listed");
        assert_eq!(
            routed(&table, input("/world/asia/x", Category::FalseClaim, "en")),
            "world",
            "the next matching rule decides"
        );
    }

    #[test]
    fn the_live_table_only_moves_forward() {
        let file = RoutingTable::parse(FILE).expect("valid");
        let routing = Routing::new(file.clone(), HashMap::new());
        assert_eq!(routing.current().version, -1);
        let newer = file.with_rules(vec![dashboard(1, "standards", "/sport", 1)]);
        assert_eq!(routing.install(5, newer).version, 5);
        let older = file.with_rules(Vec::new());
        let kept = routing.install(4, older);
        assert_eq!(kept.version, 5, "an older table never replaces a newer one");
        assert_eq!(kept.table.rules().len(), 1);
        assert_eq!(
            routed(
                &routing.current().table,
                input("/sport/final", Category::Other, "en")
            ),
            "standards"
        );
    }

    #[test]
    fn the_shipped_routing_file_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/routing.toml");
        let table = RoutingTable::load(&path).expect("shipped file loads");
        assert_eq!(
            table.escalation_desk().map(|d| d.slug.as_str()),
            Some("standards")
        );
        assert_eq!(
            routed(&table, input("/world/x", Category::FalseClaim, "en")),
            "world"
        );
    }
}
