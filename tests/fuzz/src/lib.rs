//! Shared set-up and invariant checks for the fuzz targets in `fuzz_targets/`.
//!
//! Every check panics (so libFuzzer records a crash) when a property of the library is broken;
//! the properties are the ones the library documents (see `src/articles/canonical.rs` and
//! `src/reports/input.rs`).

use std::sync::OnceLock;

use disinfo_desk::articles::canonical::{MAX_URL_LEN, TRACKING_PARAMS, TRACKING_PREFIXES};
use disinfo_desk::articles::{CanonicalUrl, HostCheck, UrlPolicy};
use disinfo_desk::config::PublisherSettings;
use disinfo_desk::i18n::messages;
use disinfo_desk::reports::input::{
    IntakeRules, MAX_EMAIL_CHARS, MAX_EVIDENCE_URLS, MAX_EXPLANATION_CHARS, MAX_NAME_CHARS,
    MAX_PASSAGE_CHARS, MIN_EXPLANATION_CHARS,
};
use disinfo_desk::reports::{Category, FieldErrors, NewReport, ReportInput};
use serde::Deserialize;
use url::Url;

/// The shipped configuration, so the targets fuzz the policy readers actually meet.
const DEFAULT_CONFIG: &str = include_str!("../../../config/default.toml");

#[derive(Deserialize)]
struct Config {
    publisher: PublisherSettings,
}

/// The URL policy of `config/default.toml`.
pub fn policy() -> &'static UrlPolicy {
    static POLICY: OnceLock<UrlPolicy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let config: Config = toml::from_str(DEFAULT_CONFIG).expect("config/default.toml");
        UrlPolicy::from_settings(&config.publisher)
    })
}

pub fn rules() -> IntakeRules<'static> {
    IntakeRules {
        urls: policy(),
        default_language: "en",
    }
}

/// The field names a report can have errors on.
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

fn is_tracking_key(key: &str) -> bool {
    TRACKING_PREFIXES.iter().any(|p| {
        key.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    }) || TRACKING_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(key))
}

/// Canonicalises `raw` and checks every documented property of an accepted URL, idempotence and
/// agreement between the two host checks.
pub fn check_canonicalize(raw: &str, check: HostCheck) {
    let policy = policy();
    let Ok(canonical) = policy.canonicalize(raw, check) else {
        // A refusal under AnyHost is never lifted by PublisherOnly.
        if check == HostCheck::AnyHost {
            assert!(policy.canonicalize(raw, HostCheck::PublisherOnly).is_err());
        }
        return;
    };
    assert_canonical(&canonical, check);
    let again = policy.canonicalize(canonical.as_str(), check);
    assert_eq!(again.as_ref(), Ok(&canonical), "not idempotent: {raw:?}");
    match check {
        HostCheck::PublisherOnly => {
            assert_eq!(
                policy.canonicalize(raw, HostCheck::AnyHost).as_ref(),
                Ok(&canonical),
                "AnyHost differs for a publisher URL: {raw:?}"
            );
        }
        HostCheck::AnyHost => {
            let only = policy.canonicalize(raw, HostCheck::PublisherOnly);
            if policy.is_publisher_host(canonical.host()) {
                assert_eq!(only.as_ref(), Ok(&canonical), "{raw:?}");
            } else {
                assert!(only.is_err(), "{raw:?}");
            }
        }
    }
}

/// The properties of a canonical URL (module documentation of `articles::canonical`).
pub fn assert_canonical(canonical: &CanonicalUrl, check: HostCheck) {
    let s = canonical.as_str();
    assert!(s.len() <= MAX_URL_LEN, "too long: {s:?}");
    assert!(s.is_ascii(), "not ASCII: {s:?}");
    assert!(
        !s.chars().any(|c| c.is_control() || c.is_whitespace()),
        "control character or whitespace: {s:?}"
    );
    assert!(!s.contains('#'), "fragment: {s:?}");
    assert!(!s.ends_with('?'), "empty query: {s:?}");
    let url = Url::parse(s).unwrap_or_else(|e| panic!("does not parse ({e}): {s:?}"));
    assert!(matches!(url.scheme(), "http" | "https"), "{s:?}");
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "{s:?}"
    );
    // Already in the url crate's own serialisation: nothing left to normalise.
    assert_eq!(
        url.as_str(),
        s,
        "the url crate re-serialises it differently"
    );
    assert_eq!(url.host_str(), Some(canonical.host()), "host: {s:?}");
    assert_eq!(url.path(), canonical.path(), "path: {s:?}");
    assert!(!canonical.host().ends_with('.'), "trailing dot: {s:?}");
    let path = canonical.path();
    assert!(path.starts_with('/'), "{s:?}");
    assert!(path == "/" || !path.ends_with('/'), "trailing slash: {s:?}");
    assert!(!path.contains("//"), "empty segment: {s:?}");
    assert!(
        path.split('/').all(|seg| seg != "." && seg != ".."),
        "dot segment: {s:?}"
    );
    let mut previous: Option<(String, String)> = None;
    for (key, value) in url.query_pairs() {
        assert!(!key.is_empty(), "empty key: {s:?}");
        assert!(!is_tracking_key(&key), "tracking parameter {key:?}: {s:?}");
        let pair = (key.into_owned(), value.into_owned());
        if let Some(previous) = &previous {
            assert!(previous <= &pair, "query not sorted: {s:?}");
        }
        previous = Some(pair);
    }
    let publisher = policy().is_publisher_host(canonical.host());
    if check == HostCheck::PublisherOnly {
        assert!(publisher, "not a publisher host: {s:?}");
    }
    if publisher {
        // config/default.toml: AMP affixes /amp and /amp.html, AMP query keys amp and outputType.
        assert!(
            !path.ends_with("/amp") && !path.ends_with("/amp.html") && !path.starts_with("/amp/"),
            "AMP path left: {s:?}"
        );
        for (key, _) in url.query_pairs() {
            assert!(
                !key.eq_ignore_ascii_case("amp") && !key.eq_ignore_ascii_case("outputType"),
                "AMP parameter left: {s:?}"
            );
        }
        // Aliases are folded: m./amp./bare example.com all become www.example.com.
        assert!(
            !matches!(
                canonical.host(),
                "example.com" | "m.example.com" | "amp.example.com"
            ),
            "alias not folded: {s:?}"
        );
    }
}

/// Text as intake stores it: trimmed, LF line breaks, no control characters but LF and tab.
fn assert_clean_text(field: &str, value: &str) {
    assert_eq!(value, value.trim(), "{field} not trimmed: {value:?}");
    assert!(!value.is_empty(), "{field} empty: {value:?}");
    assert!(
        !value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{field} has control characters: {value:?}"
    );
}

fn chars(value: &str) -> u64 {
    value.chars().count() as u64
}

/// Parses `input` as intake does and checks the result: either a report whose every field keeps
/// the documented limits, or a non-empty list of messages on known fields.
pub fn check_report(input: &ReportInput) {
    let result = input.parse(&rules(), messages("en"));
    match result {
        Ok(report) => assert_report(input, &report),
        Err(errors) => assert_errors(&errors),
    }
}

fn assert_errors(errors: &FieldErrors) {
    assert!(!errors.is_empty(), "refused without a message");
    for field in errors.fields() {
        assert!(FIELDS.contains(&field), "unknown field {field:?}");
        for message in errors.get(field) {
            assert!(!message.trim().is_empty(), "empty message on {field}");
        }
    }
}

fn assert_report(input: &ReportInput, report: &NewReport) {
    assert_eq!(
        Category::parse(input.category.trim()),
        Some(report.category),
        "category"
    );
    let check = if report.category == Category::Impersonation {
        HostCheck::AnyHost
    } else {
        HostCheck::PublisherOnly
    };
    assert_canonical(&report.article, check);
    assert_clean_text("submitted_url", &report.submitted_url);
    assert_eq!(
        policy().canonicalize(&report.submitted_url, check).as_ref(),
        Ok(&report.article),
        "article is not the submitted URL's canonical form"
    );

    assert_clean_text("explanation", &report.explanation);
    let n = chars(&report.explanation);
    assert!((MIN_EXPLANATION_CHARS..=MAX_EXPLANATION_CHARS).contains(&n));
    if let Some(passage) = &report.passage {
        assert_clean_text("passage", passage);
        assert!(chars(passage) <= MAX_PASSAGE_CHARS);
    }
    if let Some(name) = &report.reporter_name {
        assert_clean_text("reporter_name", name);
        assert!(chars(name) <= MAX_NAME_CHARS);
    }

    assert!(report.evidence_urls.len() as u64 <= MAX_EVIDENCE_URLS);
    for link in &report.evidence_urls {
        assert!(
            !link.is_empty() && chars(link) <= MAX_URL_LEN as u64,
            "{link:?}"
        );
        assert!(
            !link.chars().any(char::is_control),
            "evidence link with control characters: {link:?}"
        );
        // Links are kept as given: `https:host/x` (no slashes) is an https URL too.
        let lower = link.to_ascii_lowercase();
        assert!(
            lower.starts_with("http:") || lower.starts_with("https:"),
            "evidence link not http(s): {link:?}"
        );
        let url = Url::parse(link).unwrap_or_else(|e| panic!("evidence {link:?}: {e}"));
        assert!(matches!(url.scheme(), "http" | "https") && url.host().is_some());
    }

    let language = &report.language;
    let primary = language.split('-').next().unwrap_or_default();
    assert!(
        (2..=3).contains(&primary.len())
            && primary.chars().all(|c| c.is_ascii_lowercase())
            && language.len() <= 35
            && language.is_ascii(),
        "language {language:?}"
    );

    if let Some(email) = &report.reporter_email {
        assert_eq!(email, email.trim());
        assert!(
            chars(email) <= MAX_EMAIL_CHARS && email.contains('@'),
            "{email:?}"
        );
        // The outbox addresses mail with lettre: an address it cannot parse could never be
        // written to.
        assert!(
            email.parse::<lettre::message::Mailbox>().is_ok(),
            "accepted email that the mailer cannot address: {email:?}"
        );
    }
    if report.wants_outcome {
        assert!(report.reporter_email.is_some(), "outcome without an email");
    }
}
