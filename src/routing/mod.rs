//! Routing: which desk's editors hear of a report. The rules are pure data, matched without I/O;
//! the desks are mirrored into the database so that reports can name theirs.

pub mod repo;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
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

#[derive(Debug, Clone)]
pub struct RoutingTable {
    desks: BTreeMap<String, Desk>,
    /// Highest priority first; ties keep file order (a stable sort).
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
        rules.sort_by_key(|r| std::cmp::Reverse(r.priority));
        Ok(Self {
            desks,
            rules,
            default_desk: file.default_desk,
            escalation_desk: file.escalation_desk,
        })
    }

    /// The desk for a report: the first matching rule by priority, else the default desk.
    pub fn route(&self, input: &RouteInput<'_>) -> &Desk {
        let slug = self
            .rules
            .iter()
            .find(|rule| rule.matches(input))
            .map(|rule| rule.desk.as_str())
            .unwrap_or(&self.default_desk);
        self.desk(slug).unwrap_or_else(|| self.default())
    }

    pub fn desk(&self, slug: &str) -> Option<&Desk> {
        self.desks.get(slug)
    }

    fn default(&self) -> &Desk {
        // parse() guarantees the default desk exists.
        &self.desks[&self.default_desk]
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

/// Loads the routing file and mirrors its desks into the database (at start, and for the CLI).
pub fn load_and_sync(db: &crate::storage::Db, path: &Path) -> anyhow::Result<Routing> {
    let table = RoutingTable::load(path)?;
    let now = crate::storage::now();
    let desk_ids = db.write_blocking(|conn| {
        repo::sync_desks(conn, table.desks(), now).map_err(crate::storage::StorageError::from)
    })?;
    Ok(Routing::new(table, desk_ids))
}

/// The routing table plus the database ids of its desks, built once at start.
#[derive(Debug, Clone)]
pub struct Routing {
    pub table: RoutingTable,
    desk_ids: HashMap<String, i64>,
    slugs: HashMap<i64, String>,
}

impl Routing {
    pub fn new(table: RoutingTable, desk_ids: HashMap<String, i64>) -> Self {
        let slugs = desk_ids
            .iter()
            .map(|(slug, id)| (*id, slug.clone()))
            .collect();
        Self {
            table,
            desk_ids,
            slugs,
        }
    }

    pub fn desk_id(&self, slug: &str) -> Option<i64> {
        self.desk_ids.get(slug).copied()
    }

    pub fn desk_by_id(&self, id: i64) -> Option<&Desk> {
        self.slugs.get(&id).and_then(|slug| self.table.desk(slug))
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
