//! The rule form: raw text in, a checked rule out (or every problem, by field). Pure: the page
//! re-renders with the input kept and each message beside its field.

use serde::Deserialize;

use super::{RouteInput, RoutingTable};
use crate::articles::{CanonicalUrl, HostCheck, UrlError, UrlPolicy};
use crate::i18n::Messages;
use crate::reports::{Category, FieldErrors};

/// Priorities an admin may give. The shipped file uses 10 to 100; the room either side lets a
/// dashboard rule go above or below any of them.
pub const PRIORITY_MIN: i32 = -1000;
pub const PRIORITY_MAX: i32 = 1000;
const HOST_MAX: usize = 253;
const PATH_MAX: usize = 500;
const LANGUAGE_MAX: usize = 35;

/// The form's fields as typed (all text, so that a bad value can be shown back).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleInput {
    #[serde(default)]
    pub desk: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub path_prefix: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub priority: String,
}

/// A checked rule: a desk that exists, and conditions in the form routing compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    pub desk: String,
    pub host: Option<String>,
    pub path_prefix: Option<String>,
    pub category: Option<Category>,
    pub language: Option<String>,
    pub priority: i32,
}

impl RuleInput {
    /// Checks every field and reports every problem at once.
    ///
    /// A rule with no condition is refused: it would match every report, overriding
    /// `default_desk` and every rule of lower priority, including the file's. Where everything
    /// else goes is the file's `default_desk`, reviewed with the rest of the file; on the page, an
    /// empty form sent by mistake must not reroute the whole newsroom.
    pub fn parse(
        &self,
        table: &RoutingTable,
        urls: &UrlPolicy,
        t: &Messages,
    ) -> Result<RuleSpec, FieldErrors> {
        let mut errors = FieldErrors::default();
        let desk = self.desk.trim();
        if desk.is_empty() {
            errors.add("desk", t.t("desk-routing-error-desk_required"));
        } else if table.desk(desk).is_none() {
            errors.add(
                "desk",
                t.t_with("desk-routing-error-desk_unknown", &[("desk", desk)]),
            );
        }
        let host = optional(&self.host).and_then(|h| match canonical_host(h, urls) {
            Some(host) => Some(host),
            None => {
                errors.add("host", t.t("desk-routing-error-host"));
                None
            }
        });
        let path_prefix = optional(&self.path_prefix).and_then(|p| {
            if !p.starts_with('/') {
                errors.add("path_prefix", t.t("desk-routing-error-path_slash"));
                None
            } else if p.len() > PATH_MAX
                || p.chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
            {
                errors.add(
                    "path_prefix",
                    t.t_with(
                        "desk-routing-error-path_chars",
                        &[("max", &PATH_MAX.to_string())],
                    ),
                );
                None
            } else {
                Some(p.to_string())
            }
        });
        let category = optional(&self.category).and_then(|c| match Category::parse(c) {
            Some(category) => Some(category),
            None => {
                errors.add(
                    "category",
                    t.t_with("desk-routing-error-category", &[("category", c)]),
                );
                None
            }
        });
        let language = optional(&self.language).and_then(|l| match normalize_language(l) {
            Some(language) => Some(language),
            None => {
                errors.add("language", t.t("desk-routing-error-language"));
                None
            }
        });
        let priority = match self.priority.trim() {
            "" => Some(0),
            text => text
                .parse::<i32>()
                .ok()
                .filter(|p| (PRIORITY_MIN..=PRIORITY_MAX).contains(p))
                .or_else(|| {
                    errors.add(
                        "priority",
                        t.t_with(
                            "desk-routing-error-priority",
                            &[
                                ("min", &PRIORITY_MIN.to_string()),
                                ("max", &PRIORITY_MAX.to_string()),
                            ],
                        ),
                    );
                    None
                }),
        };
        let no_condition = optional(&self.host).is_none()
            && optional(&self.path_prefix).is_none()
            && optional(&self.category).is_none()
            && optional(&self.language).is_none();
        if no_condition {
            errors.add("conditions", t.t("desk-routing-error-no_condition"));
        }
        match priority {
            Some(priority) if errors.is_empty() => Ok(RuleSpec {
                desk: desk.to_string(),
                host,
                path_prefix,
                category,
                language,
                priority,
            }),
            _ => Err(errors),
        }
    }
}

impl RuleSpec {
    /// The form filled in with this rule (for editing).
    pub fn to_input(&self) -> RuleInput {
        RuleInput {
            desk: self.desk.clone(),
            host: self.host.clone().unwrap_or_default(),
            path_prefix: self.path_prefix.clone().unwrap_or_default(),
            category: self
                .category
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            language: self.language.clone().unwrap_or_default(),
            priority: self.priority.to_string(),
        }
    }
}

/// The "test a URL" box: what a report would say, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RouteTestInput {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub language: String,
}

/// A URL, category and language as intake would see them.
#[derive(Debug, Clone)]
pub struct RouteTest {
    pub url: CanonicalUrl,
    pub category: Category,
    pub language: String,
}

impl RouteTestInput {
    /// Canonicalises the URL exactly as intake does (an impersonation report may name any host).
    pub fn parse(
        &self,
        urls: &UrlPolicy,
        default_language: &str,
        t: &Messages,
    ) -> Result<RouteTest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let category = Category::parse(self.category.trim());
        if category.is_none() {
            errors.add("test_category", t.t("validation-category"));
        }
        let check = if category == Some(Category::Impersonation) {
            HostCheck::AnyHost
        } else {
            HostCheck::PublisherOnly
        };
        let url = match urls.canonicalize(&self.url, check) {
            Ok(url) => Some(url),
            Err(e) => {
                errors.add("test_url", url_message(&e, t));
                None
            }
        };
        let language = match optional(&self.language) {
            None => Some(default_language.to_string()),
            Some(l) => normalize_language(l).or_else(|| {
                errors.add("test_language", t.t("desk-routing-error-language"));
                None
            }),
        };
        match (url, category, language) {
            (Some(url), Some(category), Some(language)) => Ok(RouteTest {
                url,
                category,
                language,
            }),
            _ => Err(errors),
        }
    }
}

impl RouteTest {
    pub fn route_input(&self) -> RouteInput<'_> {
        RouteInput {
            host: self.url.host(),
            path: self.url.path(),
            category: self.category,
            language: &self.language,
        }
    }
}

fn url_message(error: &UrlError, t: &Messages) -> String {
    match error {
        UrlError::Empty => t.t("validation-article_url-empty").to_string(),
        UrlError::TooLong => t.t_with(
            "validation-article_url-too_long",
            &[("max", &crate::articles::canonical::MAX_URL_LEN.to_string())],
        ),
        UrlError::Invalid => t.t("validation-article_url-invalid").to_string(),
        UrlError::UnsupportedScheme(scheme) => {
            t.t_with("validation-article_url-scheme", &[("scheme", scheme)])
        }
        UrlError::Credentials => t.t("validation-article_url-credentials").to_string(),
        UrlError::NotPublisherHost(host) => {
            t.t_with("validation-article_url-not_publisher", &[("host", host)])
        }
    }
}

fn optional(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// The host as routing sees it: lower case, punycode, aliases folded (`m.example.com` is
/// `www.example.com`), so that a rule never names a host no article URL can have.
fn canonical_host(host: &str, urls: &UrlPolicy) -> Option<String> {
    let plain = host.trim_end_matches('.');
    let shape_ok = !plain.is_empty()
        && plain.len() <= HOST_MAX
        && !plain.starts_with('.')
        && !plain.contains("..")
        && plain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if !shape_ok {
        return None;
    }
    urls.canonicalize(&format!("https://{plain}/"), HostCheck::AnyHost)
        .ok()
        .map(|url| url.host().to_string())
}

/// A BCP 47 tag in its common forms (`de`, `pt-BR`, `zh-Hant`), in its usual case. The same
/// shape intake accepts for a report's language.
fn normalize_language(tag: &str) -> Option<String> {
    if tag.len() > LANGUAGE_MAX {
        return None;
    }
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = primary.to_ascii_lowercase();
    for part in parts {
        if !(1..=8).contains(&part.len()) || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        out.push('-');
        match part.len() {
            2 => out.push_str(&part.to_ascii_uppercase()),
            4 => {
                out.push_str(&part[..1].to_ascii_uppercase());
                out.push_str(&part[1..].to_ascii_lowercase());
            }
            _ => out.push_str(&part.to_ascii_lowercase()),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::messages;

    fn table() -> RoutingTable {
        RoutingTable::parse(
            "default_desk = \"newsroom\"\n[desks.newsroom]\nname = \"N\"\n[desks.world]\nname = \"W\"",
        )
        .expect("valid")
    }

    fn urls() -> UrlPolicy {
        UrlPolicy::new(
            &["www.example.com".into(), "m.example.com".into()],
            &[("m.example.com".into(), "www.example.com".into())],
            &[],
            &[],
            &[],
        )
    }

    fn input(pairs: &[(&str, &str)]) -> RuleInput {
        let mut input = RuleInput::default();
        for (field, value) in pairs {
            let slot = match *field {
                "desk" => &mut input.desk,
                "host" => &mut input.host,
                "path_prefix" => &mut input.path_prefix,
                "category" => &mut input.category,
                "language" => &mut input.language,
                "priority" => &mut input.priority,
                other => panic!("no field {other}"),
            };
            *slot = value.to_string();
        }
        input
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<RuleSpec, FieldErrors> {
        input(pairs).parse(&table(), &urls(), messages("en"))
    }

    #[test]
    fn a_good_rule_is_normalised() {
        let spec = parse(&[
            ("desk", "world"),
            ("host", " M.Example.com. "),
            ("path_prefix", "/world/africa/"),
            ("category", "outdated"),
            ("language", "PT-br"),
            ("priority", " 25 "),
        ])
        .expect("valid");
        assert_eq!(
            spec,
            RuleSpec {
                desk: "world".into(),
                host: Some("www.example.com".into()),
                path_prefix: Some("/world/africa/".into()),
                category: Some(Category::Outdated),
                language: Some("pt-BR".into()),
                priority: 25,
            }
        );
        assert_eq!(
            parse(&[("desk", "world"), ("path_prefix", "/x")])
                .expect("valid")
                .priority,
            0,
            "an empty priority is 0"
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = parse(&[
            ("desk", "sport"),
            ("host", "https://www.example.com/x"),
            ("path_prefix", "world"),
            ("category", "rumour"),
            ("language", "english!"),
            ("priority", "high"),
        ])
        .expect_err("invalid");
        let fields: Vec<_> = errors.fields().collect();
        assert_eq!(
            fields,
            [
                "category",
                "desk",
                "host",
                "language",
                "path_prefix",
                "priority"
            ]
        );
        assert!(errors.get("desk")[0].contains("sport"));
        for priority in ["1001", "-1001", "2.5", "99999999999"] {
            let errors = parse(&[
                ("desk", "world"),
                ("path_prefix", "/x"),
                ("priority", priority),
            ])
            .expect_err(priority);
            assert!(errors.has("priority"), "{priority}");
        }
        for path in ["/a b", "/a?b=1", "/a#b"] {
            assert!(
                parse(&[("desk", "world"), ("path_prefix", path)])
                    .expect_err(path)
                    .has("path_prefix")
            );
        }
        assert!(
            parse(&[("path_prefix", "/x")])
                .expect_err("no desk")
                .has("desk")
        );
    }

    #[test]
    fn a_rule_needs_a_condition() {
        let errors = parse(&[("desk", "world"), ("priority", "5"), ("host", "  ")])
            .expect_err("no condition");
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["conditions"]);
    }

    #[test]
    fn the_test_box_reads_urls_as_intake_does() {
        let test = RouteTestInput {
            url: "https://m.example.com/world/x?utm_source=a".into(),
            category: "other".into(),
            language: String::new(),
        }
        .parse(&urls(), "en", messages("en"))
        .expect("valid");
        assert_eq!(test.url.host(), "www.example.com");
        assert_eq!(test.url.path(), "/world/x");
        assert_eq!(test.language, "en");
        let errors = RouteTestInput {
            url: "https://elsewhere.test/x".into(),
            category: "nope".into(),
            language: "??".into(),
        }
        .parse(&urls(), "en", messages("en"))
        .expect_err("invalid");
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            ["test_category", "test_language", "test_url"]
        );
    }

    #[test]
    fn a_rule_fills_its_form_back() {
        let spec =
            parse(&[("desk", "world"), ("category", "other"), ("priority", "-3")]).expect("valid");
        let again = spec
            .to_input()
            .parse(&table(), &urls(), messages("en"))
            .expect("still valid");
        assert_eq!(again, spec);
    }
}
