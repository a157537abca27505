//! The edge of intake: what a reader sends (form or JSON, the same field names) becomes a
//! [`NewReport`] holding only valid, normalised values, or a per-field list of messages.

use std::collections::BTreeMap;

use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidateEmail, ValidationError};

use super::Category;
use crate::articles::{CanonicalUrl, HostCheck, UrlError, UrlPolicy};
use crate::i18n::Messages;

pub const MAX_PASSAGE_CHARS: u64 = 2_000;
pub const MIN_EXPLANATION_CHARS: u64 = 10;
pub const MAX_EXPLANATION_CHARS: u64 = 5_000;
pub const MAX_EVIDENCE_URLS: u64 = 5;
pub const MAX_NAME_CHARS: u64 = 200;
pub const MAX_EMAIL_CHARS: u64 = 254;

/// A report as submitted. Everything is optional here so that a missing field is reported as a
/// validation message beside that field, not as a parse failure of the whole body.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(
    example = json!({
        "article_url": "https://www.example.com/news/2026/05/12/city-budget",
        "category": "false_claim",
        "passage": "The budget doubled in 2025.",
        "explanation": "The council's published accounts show a 4% increase, not a doubling.",
        "evidence_urls": ["https://council.example.org/accounts-2025.pdf"],
        "language": "en",
        "wants_outcome": false
    })
)]
pub struct ReportInput {
    /// The article: an address on one of the publisher's hosts (its variants are folded into
    /// one article).
    #[schema(required = true, max_length = 2048, format = "uri")]
    pub article_url: String,
    #[validate(custom(function = "known_category"))]
    #[schema(required = true, value_type = super::Category)]
    pub category: String,
    /// The words in the article that are wrong.
    #[validate(length(max = MAX_PASSAGE_CHARS, code = "length_max"))]
    #[schema(max_length = 2000)]
    pub passage: Option<String>,
    /// What is wrong, and why (counted in characters, surrounding spaces left out).
    #[validate(length(
        min = MIN_EXPLANATION_CHARS,
        max = MAX_EXPLANATION_CHARS,
        code = "length_range"
    ))]
    #[schema(required = true, min_length = 10, max_length = 5000)]
    pub explanation: String,
    /// Links to sources that show it (http or https).
    #[validate(
        length(max = MAX_EVIDENCE_URLS, code = "too_many"),
        custom(function = "web_addresses")
    )]
    #[schema(max_items = 5, inline, value_type = Vec<EvidenceUrl>)]
    pub evidence_urls: Vec<String>,
    /// The report's language (a BCP 47 tag such as `en`, `zh-Hans`); the default language when
    /// none is given.
    #[validate(custom(function = "language_tag"))]
    #[schema(max_length = 35, example = "en")]
    pub language: Option<String>,
    /// Optional; kept only for the editors, and purged after the retention period.
    #[validate(length(max = MAX_NAME_CHARS, code = "length_max"))]
    #[schema(max_length = 200)]
    pub reporter_name: Option<String>,
    /// Optional; needed for `wants_outcome`.
    #[validate(
        length(max = MAX_EMAIL_CHARS, code = "length_max"),
        custom(function = "mailable_email")
    )]
    #[schema(max_length = 254, format = Email)]
    pub reporter_email: Option<String>,
    /// Send the outcome to `reporter_email` once the desk decides.
    pub wants_outcome: bool,
}

/// One evidence link: http or https, at most 2048 characters.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, max_length = 2048, format = "uri")]
#[allow(dead_code)]
pub struct EvidenceUrl(String);

/// A report that passed every check: only valid values from here on.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub article: CanonicalUrl,
    /// The link exactly as the reader gave it (trimmed), kept for the editors.
    pub submitted_url: String,
    pub category: Category,
    pub passage: Option<String>,
    pub explanation: String,
    pub evidence_urls: Vec<String>,
    pub language: String,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub wants_outcome: bool,
}

/// Messages per field name, in the order of the fields' names (stable output).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, field: &str) -> &[String] {
        self.0.get(field).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, messages) in other.0 {
            self.0.entry(field).or_default().extend(messages);
        }
    }
}

/// Context intake needs to judge a report: which hosts are ours, which languages we take.
pub struct IntakeRules<'a> {
    pub urls: &'a UrlPolicy,
    pub default_language: &'a str,
}

/// The form's evidence inputs: what was given, then empty ones up to the most a report takes,
/// so a form always offers every slot and keeps what was typed in the first ones.
pub fn evidence_slots(given: &[String]) -> Vec<String> {
    let mut slots = given.to_vec();
    slots.resize((MAX_EVIDENCE_URLS as usize).max(slots.len()), String::new());
    slots
}

impl ReportInput {
    /// Trims text, drops empty optional values and blank evidence lines, normalises line breaks and
    /// strips control characters, so that limits are checked on what will actually be stored.
    pub fn normalized(&self) -> Self {
        let text = |s: &str| clean_text(s).trim().to_string();
        let optional = |s: &Option<String>| s.as_deref().map(text).filter(|s| !s.is_empty());
        Self {
            article_url: text(&self.article_url),
            category: self.category.trim().to_string(),
            passage: optional(&self.passage),
            explanation: text(&self.explanation),
            evidence_urls: self
                .evidence_urls
                .iter()
                .map(|u| without_controls(u))
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .map(|u| with_scheme(&u))
                .collect(),
            language: self
                .language
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
            reporter_name: optional(&self.reporter_name),
            reporter_email: self
                .reporter_email
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            wants_outcome: self.wants_outcome,
        }
    }

    /// Parse, don't validate: the only way to get a [`NewReport`].
    pub fn parse(&self, rules: &IntakeRules<'_>, t: &Messages) -> Result<NewReport, FieldErrors> {
        let input = self.normalized();
        let mut errors = FieldErrors::default();
        if let Err(found) = input.validate() {
            for (field, list) in found.field_errors() {
                for error in list.iter() {
                    errors.add(&field, message_for(error, t));
                }
            }
        }
        if input.explanation.is_empty() {
            replace_with_required(&mut errors, "explanation", t);
        }
        if input.category.is_empty() {
            replace_with_required(&mut errors, "category", t);
        }
        let category = Category::parse(&input.category);
        let host_check = if category == Some(Category::Impersonation) {
            HostCheck::AnyHost
        } else {
            HostCheck::PublisherOnly
        };
        let article = match rules.urls.canonicalize(&input.article_url, host_check) {
            Ok(url) => Some(url),
            Err(e) => {
                errors.add("article_url", url_message(&e, t));
                None
            }
        };
        if input.wants_outcome && input.reporter_email.is_none() {
            errors.add("reporter_email", t.t("validation-email_needed_for_outcome"));
        }
        match (article, category) {
            (Some(article), Some(category)) if errors.is_empty() => Ok(NewReport {
                article,
                submitted_url: input.article_url,
                category,
                passage: input.passage,
                explanation: input.explanation,
                evidence_urls: input.evidence_urls,
                language: input
                    .language
                    .map(|l| normalize_language(&l))
                    .unwrap_or_else(|| rules.default_language.to_string()),
                reporter_name: input.reporter_name,
                reporter_email: input.reporter_email,
                wants_outcome: input.wants_outcome,
            }),
            _ => Err(errors),
        }
    }
}

fn replace_with_required(errors: &mut FieldErrors, field: &str, t: &Messages) {
    errors.0.insert(
        field.to_string(),
        vec![t.t("validation-required").to_string()],
    );
}

fn message_for(error: &ValidationError, t: &Messages) -> String {
    let param = |name: &str| {
        error
            .params
            .get(name)
            .map(|v| v.to_string().trim_matches('"').to_string())
            .unwrap_or_default()
    };
    let code: &str = &error.code;
    let id = match code {
        "length_max" => "validation-length_max",
        "length_range" => "validation-length_range",
        "too_many" => "validation-too_many_evidence_urls",
        "email" => "validation-email",
        "category" => "validation-category",
        "language" => "validation-language",
        "evidence_url" => "validation-evidence_url",
        _ => "validation-invalid",
    };
    t.t_with(
        id,
        &[
            ("min", &param("min")),
            ("max", &param("max")),
            ("value", &param("link")),
        ],
    )
}

pub(crate) fn url_message(error: &UrlError, t: &Messages) -> String {
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

fn known_category(value: &str) -> Result<(), ValidationError> {
    if value.is_empty() || Category::parse(value).is_some() {
        Ok(())
    } else {
        Err(ValidationError::new("category"))
    }
}

fn web_addresses(urls: &[String]) -> Result<(), ValidationError> {
    let valid = |u: &String| {
        u.chars().count() <= crate::articles::canonical::MAX_URL_LEN
            && url::Url::parse(u)
                .map(|p| matches!(p.scheme(), "http" | "https") && p.host().is_some())
                .unwrap_or(false)
    };
    match urls.iter().find(|u| !valid(u)) {
        None => Ok(()),
        Some(bad) => {
            let mut error = ValidationError::new("evidence_url");
            let shown: String = bad.chars().take(80).collect();
            // Not "value": validator sets that to the whole field.
            error.add_param("link".into(), &shown);
            Err(error)
        }
    }
}

/// An address validator accepts and the mailer (lettre) can write to: validator alone lets
/// through addresses such as `.@a` that lettre refuses, and every email to them would fail.
fn mailable_email(value: &str) -> Result<(), ValidationError> {
    if value.validate_email() && value.parse::<Mailbox>().is_ok() {
        Ok(())
    } else {
        Err(ValidationError::new("email"))
    }
}

/// A BCP 47 tag in its common forms: `en`, `pt-BR`, `zh-Hant`, `sr-Latn-RS`.
fn language_tag(value: &str) -> Result<(), ValidationError> {
    let mut parts = value.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok && value.len() <= 35 {
        Ok(())
    } else {
        Err(ValidationError::new("language"))
    }
}

fn normalize_language(tag: &str) -> String {
    let mut parts = tag.split('-');
    let mut out = parts.next().unwrap_or_default().to_ascii_lowercase();
    for part in parts {
        out.push('-');
        // Region subtags are conventionally upper case (pt-BR), scripts title case (zh-Hant).
        match part.len() {
            2 => out.push_str(&part.to_ascii_uppercase()),
            4 => {
                let mut chars = part.chars();
                if let Some(first) = chars.next() {
                    out.push(first.to_ascii_uppercase());
                    out.push_str(&chars.as_str().to_ascii_lowercase());
                }
            }
            _ => out.push_str(&part.to_ascii_lowercase()),
        }
    }
    out
}

/// Readers paste links as their browser shows them, often without `https://`.
/// Only something that starts like a host name (`www.example.org/...`) gets `https://`.
fn with_scheme(link: &str) -> String {
    let head = link.split(['/', '?', '#']).next().unwrap_or_default();
    if !link.contains("://") && head.contains('.') && !head.contains([':', '@', ' ']) {
        format!("https://{link}")
    } else {
        link.to_string()
    }
}

/// A link never holds control characters, and the URL parser ignores the ones at its ends and
/// any tab or line break, so a link stored with them would not be the link that was checked.
fn without_controls(link: &str) -> String {
    link.chars().filter(|c| !c.is_control()).collect()
}

/// Keeps line breaks and tabs, drops other control characters, and folds CRLF/CR into LF.
fn clean_text(input: &str) -> String {
    input
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::messages;

    fn policy() -> UrlPolicy {
        UrlPolicy::new(
            &["www.example.com".to_string()],
            &[("example.com".to_string(), "www.example.com".to_string())],
            &["/amp".to_string()],
            &[],
            &[],
        )
    }

    fn valid() -> ReportInput {
        ReportInput {
            article_url: "https://www.example.com/world/story?utm_source=x".into(),
            category: "false_claim".into(),
            explanation: "The figure in paragraph 3 is wrong by a factor of ten.".into(),
            ..ReportInput::default()
        }
    }

    fn parse(input: &ReportInput) -> Result<NewReport, FieldErrors> {
        let urls = policy();
        input.parse(
            &IntakeRules {
                urls: &urls,
                default_language: "en",
            },
            messages("en"),
        )
    }

    #[test]
    fn a_valid_report_parses_with_canonical_url_and_defaults() {
        let report = parse(&valid()).expect("valid");
        assert_eq!(
            report.article.as_str(),
            "https://www.example.com/world/story"
        );
        assert_eq!(report.language, "en");
        assert_eq!(report.category, Category::FalseClaim);
        assert!(report.reporter_email.is_none());
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = ReportInput {
            article_url: "ftp://www.example.com/x".into(),
            category: "gossip".into(),
            passage: Some("p".repeat(2_001)),
            explanation: "short".into(),
            evidence_urls: vec!["https://ok.test/a".into(), "javascript:alert(1)".into()],
            language: Some("english!".into()),
            reporter_name: Some("n".repeat(201)),
            reporter_email: Some("not-an-email".into()),
            wants_outcome: true,
        };
        let errors = parse(&input).expect_err("invalid");
        for field in [
            "article_url",
            "category",
            "passage",
            "explanation",
            "evidence_urls",
            "language",
            "reporter_name",
            "reporter_email",
        ] {
            assert!(errors.has(field), "{field} missing from {errors:?}");
        }
    }

    #[test]
    fn limits_count_characters_after_trimming() {
        let mut input = valid();
        input.explanation = format!("   {}   ", "é".repeat(10));
        assert!(
            parse(&input).is_ok(),
            "10 two-byte characters are 10 characters"
        );
        input.explanation = format!("{}\u{0007}", " ".repeat(20));
        let errors = parse(&input).expect_err("blank explanation");
        assert_eq!(
            errors.get("explanation"),
            [messages("en").t("validation-required")]
        );
        input.explanation = "x".repeat(5_001);
        assert!(parse(&input).expect_err("too long").has("explanation"));
    }

    #[test]
    fn outcome_needs_an_email() {
        let mut input = valid();
        input.wants_outcome = true;
        assert!(parse(&input).expect_err("no email").has("reporter_email"));
        input.reporter_email = Some(" reader@example.org ".into());
        let report = parse(&input).expect("with email");
        assert_eq!(report.reporter_email.as_deref(), Some("reader@example.org"));
    }

    #[test]
    fn impersonation_reports_may_name_other_hosts() {
        let mut input = valid();
        input.article_url = "https://examp1e-news.test/fake".into();
        assert!(parse(&input).expect_err("other host").has("article_url"));
        input.category = "impersonation".into();
        assert_eq!(
            parse(&input).expect("impersonation").article.as_str(),
            "https://examp1e-news.test/fake"
        );
    }

    #[test]
    fn evidence_is_limited_and_blank_lines_ignored() {
        let mut input = valid();
        input.evidence_urls = vec!["".into(), " https://a.test/1 ".into(), "  ".into()];
        assert_eq!(
            parse(&input).expect("ok").evidence_urls,
            ["https://a.test/1"]
        );
        input.evidence_urls = (0..6).map(|i| format!("https://a.test/{i}")).collect();
        assert!(parse(&input).expect_err("six").has("evidence_urls"));
        input.evidence_urls = vec!["https://ok.test/1".into(), "mailto:a@b.test".into()];
        assert!(parse(&input).expect_err("mailto").has("evidence_urls"));
        input.evidence_urls = vec!["https://ok.test/1".into(), "javascript:alert(1)".into()];
        let errors = parse(&input).expect_err("bad link");
        let message = &errors.get("evidence_urls")[0];
        assert!(
            message.contains("javascript:alert(1)") && !message.contains("ok.test"),
            "{message}"
        );
    }

    #[test]
    fn language_tags_are_checked_and_normalised() {
        let mut input = valid();
        input.language = Some("PT-br".into());
        assert_eq!(parse(&input).expect("ok").language, "pt-BR");
        input.language = Some("zh-hant".into());
        assert_eq!(parse(&input).expect("ok").language, "zh-Hant");
        input.language = Some("e".into());
        assert!(parse(&input).expect_err("bad").has("language"));
    }

    #[test]
    fn emails_the_mailer_cannot_address_are_refused() {
        // Found by parse_keeps_every_limit: validator's email check accepts these, lettre does
        // not, so the acknowledgement and the outcome could never be sent.
        let mut input = valid();
        for email in [".@a", "a.@example.org", "a..b@example.org"] {
            input.reporter_email = Some(email.into());
            let errors = parse(&input).expect_err(email);
            assert_eq!(
                errors.get("reporter_email"),
                [messages("en").t("validation-email")],
                "{email}"
            );
        }
        input.reporter_email = Some("a.b+c@example.org".into());
        assert!(parse(&input).is_ok());
    }

    #[test]
    fn evidence_links_lose_control_characters() {
        // Found by parse_keeps_every_limit: the URL parser skips a leading control character,
        // so "\u{1}https://..." passed the check and was stored as it was.
        let mut input = valid();
        input.evidence_urls = vec![
            "\u{1}https://a.test/".into(),
            "https://a.test/x\ny\t".into(),
            "\u{0}\u{7f}".into(),
            "\u{1b} b.test/2".into(),
        ];
        assert_eq!(
            parse(&input).expect("ok").evidence_urls,
            ["https://a.test/", "https://a.test/xy", "https://b.test/2"]
        );
    }

    #[test]
    fn text_is_cleaned() {
        assert_eq!(clean_text("a\r\nb\rc\u{0000}d\te"), "a\nb\ncd\te");
    }

    // ---- property tests (run in CI; the fuzz targets in tests/fuzz check the same) ----

    use proptest::prelude::*;

    const URLS: &[&str] = &[
        "https://www.example.com/world/story",
        "www.example.com/world/story/amp?utm_source=x",
        "HTTPS://M.Example.com/amp/x?amp=1#top",
        "https://examp1e-news.test/fake",
        "ftp://www.example.com/x",
        "javascript:alert(1)",
        "https://user@www.example.com/",
        "",
    ];

    const LINKS: &[&str] = &[
        "https://a.test/1",
        " gov.example.org/bulletin/42 ",
        "http://b.test",
        "mailto:a@b.test",
        "javascript:alert(1)",
        "a.test:80/x",
        "https://",
        "\u{1}https://a.test/",
        "https://a.test/x\ny",
        "",
        "  ",
    ];

    const EMAILS: &[&str] = &[
        "ana@example.org",
        " reader+tag@sub.example.co.uk ",
        "not-an-email",
        "a@b",
        "\"quoted\"@example.org",
        "ü@example.org",
        "a@exämple.org",
        "a@[127.0.0.1]",
        "a@example.org\u{AD}",
        "",
    ];

    /// Text around the limits, with the characters normalisation is about (CR, controls).
    fn text(max: usize) -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zé \\r\\n\\t\\x00-\\x08\\u{7f}\\u{85}\\u{a0}]{0,24}",
            "\\PC{0,24}",
            (
                prop::sample::select(&["x", "é", " ", "\r\n", "\u{0}"][..]),
                0..max + 3
            )
                .prop_map(|(c, n)| c.repeat(n)),
        ]
    }

    fn maybe(strategy: impl Strategy<Value = String>) -> impl Strategy<Value = Option<String>> {
        prop::option::of(strategy)
    }

    prop_compose! {
        fn report_input()(
            article_url in prop_oneof![prop::sample::select(URLS).prop_map(str::to_owned), "\\PC{0,30}"],
            category in prop::sample::select(
                &["false_claim", " impersonation ", "other", "Outdated", "gossip", ""][..]
            ),
            passage in maybe(text(MAX_PASSAGE_CHARS as usize)),
            explanation in text(MAX_EXPLANATION_CHARS as usize),
            evidence_urls in prop::collection::vec(
                prop_oneof![prop::sample::select(LINKS).prop_map(str::to_owned), "\\PC{0,12}"],
                0..8,
            ),
            language in maybe(prop_oneof![
                prop::sample::select(&["en", "PT-br", "zh-hant", "e", "sr-Latn-RS", " de ", ""][..])
                    .prop_map(str::to_owned),
                "[a-zA-Z0-9-]{0,12}",
            ]),
            reporter_name in maybe(text(MAX_NAME_CHARS as usize)),
            reporter_email in maybe(prop_oneof![
                prop::sample::select(EMAILS).prop_map(str::to_owned),
                "[a-z.+ ]{0,8}@[a-zé.\\[\\]0-9-]{0,10}",
                "\\PC{0,8}@\\PC{0,8}",
            ]),
            wants_outcome in any::<bool>(),
        ) -> ReportInput {
            ReportInput {
                article_url,
                category: category.to_owned(),
                passage,
                explanation,
                evidence_urls,
                language,
                reporter_name,
                reporter_email,
                wants_outcome,
            }
        }
    }

    const FIELDS: [&str; 9] = [
        "article_url",
        "category",
        "passage",
        "explanation",
        "evidence_urls",
        "language",
        "reporter_name",
        "reporter_email",
        "wants_outcome",
    ];

    fn assert_stored_text(value: &str) {
        assert_eq!(value, value.trim(), "{value:?}");
        assert!(!value.is_empty());
        assert!(
            !value
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{value:?}"
        );
    }

    fn chars(value: &str) -> u64 {
        value.chars().count() as u64
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Either a report within every documented limit, or messages on known fields.
        #[test]
        fn parse_keeps_every_limit(input in report_input()) {
            match parse(&input) {
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for field in errors.fields() {
                        prop_assert!(
                            FIELDS.contains(&field),
                            "unknown field {}", field
                        );
                    }
                }
                Ok(report) => {
                    prop_assert_eq!(Category::parse(input.category.trim()), Some(report.category));
                    let check = if report.category == Category::Impersonation {
                        HostCheck::AnyHost
                    } else {
                        HostCheck::PublisherOnly
                    };
                    let again = policy().canonicalize(&report.submitted_url, check);
                    prop_assert_eq!(again.as_ref(), Ok(&report.article));
                    assert_stored_text(&report.explanation);
                    let n = chars(&report.explanation);
                    prop_assert!((MIN_EXPLANATION_CHARS..=MAX_EXPLANATION_CHARS).contains(&n));
                    if let Some(passage) = &report.passage {
                        assert_stored_text(passage);
                        prop_assert!(chars(passage) <= MAX_PASSAGE_CHARS);
                    }
                    if let Some(name) = &report.reporter_name {
                        assert_stored_text(name);
                        prop_assert!(chars(name) <= MAX_NAME_CHARS);
                    }
                    prop_assert!(report.evidence_urls.len() as u64 <= MAX_EVIDENCE_URLS);
                    for link in &report.evidence_urls {
                        prop_assert!(!link.chars().any(char::is_control), "{:?}", link);
                        let lower = link.to_ascii_lowercase();
                        prop_assert!(
                            lower.starts_with("http:") || lower.starts_with("https:"),
                            "{:?}", link
                        );
                        let parsed = url::Url::parse(link);
                        prop_assert!(parsed.is_ok_and(|u| u.host().is_some()), "{:?}", link);
                    }
                    prop_assert!(language_tag(&report.language).is_ok());
                    prop_assert_eq!(normalize_language(&report.language), report.language.clone());
                    if let Some(email) = &report.reporter_email {
                        prop_assert!(chars(email) <= MAX_EMAIL_CHARS);
                        // The outbox addresses mail with lettre.
                        prop_assert!(
                            email.parse::<lettre::message::Mailbox>().is_ok(),
                            "{:?}", email
                        );
                    }
                    prop_assert!(!report.wants_outcome || report.reporter_email.is_some());
                }
            }
        }

        /// Normalising twice changes nothing, so limits are checked on what is stored.
        #[test]
        fn normalisation_is_idempotent(input in report_input()) {
            let once = input.normalized();
            prop_assert_eq!(format!("{:?}", once.normalized()), format!("{once:?}"));
        }
    }
}
