//! The bodies of webhooks, in the Standard Webhooks shape `{"type", "timestamp", "data"}`
//! (docs/WEBHOOKS.md documents every field).
//!
//! What is stored on the outbox row is what any endpoint may receive: no personal data. A
//! trusted endpoint's copy is completed when it is sent ([`with_personal_data`]) from the report
//! as it is then: the reporter's name, email and phone number and the texts the reader wrote,
//! which can hold personal data too. Editors' notes are sent to nobody.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serialize;
use serde_json::{Value, json};

use super::EventType;
use crate::articles::Article;
use crate::articles::repo::AWAITING_ADDRESS_URL;
use crate::reports::ReportStatus;
use crate::reports::repo::ReportRow;

/// RFC 3339 in UTC to the microsecond, as stored: `2026-12-01T15:20:23.123456Z`.
pub fn timestamp(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[derive(Debug, Serialize)]
struct Envelope<T> {
    #[serde(rename = "type")]
    event: &'static str,
    timestamp: String,
    data: T,
}

fn envelope<T: Serialize>(event: EventType, at: NaiveDateTime, data: T) -> String {
    let body = Envelope {
        event: event.as_str(),
        timestamp: timestamp(at),
        data,
    };
    // Plain structs of strings and numbers: serialising them cannot fail.
    serde_json::to_string(&body).unwrap_or_default()
}

/// A report, without personal data.
#[derive(Debug, Serialize)]
pub struct ReportFacts {
    pub tracking_code: String,
    pub status: String,
    pub public_status: &'static str,
    pub category: String,
    pub channel: String,
    pub language: String,
    /// The desk's slug, when it has one.
    pub desk: Option<String>,
    pub received_at: String,
    pub updated_at: String,
    pub decided_at: Option<String>,
    /// The published correction or clarification.
    pub correction_url: Option<String>,
}

impl ReportFacts {
    pub fn of(report: &ReportRow, desk: Option<&str>) -> Self {
        let status = ReportStatus::parse(&report.status);
        Self {
            tracking_code: report.tracking_code.clone(),
            status: report.status.clone(),
            public_status: status
                .map(ReportStatus::public)
                .unwrap_or(crate::reports::PublicStatus::UnderReview)
                .as_str(),
            category: report.category.clone(),
            channel: report.channel.clone(),
            language: report.language.clone(),
            desk: desk.map(str::to_string),
            received_at: timestamp(report.created_at),
            updated_at: timestamp(report.updated_at),
            decided_at: report.decided_at.map(timestamp),
            correction_url: report.correction_url.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ArticleFacts {
    pub id: i64,
    pub canonical_url: String,
    pub host: String,
    pub report_count: i64,
    pub open_report_count: i64,
}

impl ArticleFacts {
    /// `None` for the placeholder of reports still waiting for their article's address.
    pub fn of(article: &Article) -> Option<Self> {
        (article.canonical_url != AWAITING_ADDRESS_URL).then(|| Self {
            id: article.id,
            canonical_url: article.canonical_url.clone(),
            host: article.host.clone(),
            report_count: article.report_count,
            open_report_count: article.open_report_count,
        })
    }
}

#[derive(Debug, Serialize)]
struct Transition<'a> {
    from: &'a str,
    to: &'a str,
}

#[derive(Debug, Serialize)]
struct ReportData<'a> {
    report: ReportFacts,
    article: Option<ArticleFacts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transition: Option<Transition<'a>>,
}

/// `report.created`.
pub fn report_created(
    report: &ReportRow,
    article: &Article,
    desk: Option<&str>,
    at: NaiveDateTime,
) -> String {
    envelope(
        EventType::ReportCreated,
        at,
        ReportData {
            report: ReportFacts::of(report, desk),
            article: ArticleFacts::of(article),
            transition: None,
        },
    )
}

/// `report.status_changed`: `report` as it is after the move.
pub fn report_status_changed(
    report: &ReportRow,
    article: &Article,
    desk: Option<&str>,
    from: &str,
    to: &str,
    at: NaiveDateTime,
) -> String {
    envelope(
        EventType::ReportStatusChanged,
        at,
        ReportData {
            report: ReportFacts::of(report, desk),
            article: ArticleFacts::of(article),
            transition: Some(Transition { from, to }),
        },
    )
}

#[derive(Debug, Serialize)]
struct ArticleResolvedData<'a> {
    article: Option<ArticleFacts>,
    status: &'a str,
    public_status: &'static str,
    correction_url: Option<&'a str>,
    /// The tracking codes of the reports the decision moved.
    reports: &'a [String],
    /// The desks of those reports.
    desks: &'a [String],
}

/// `article.resolved`: `article` after the decision; `reports` the tracking codes it moved.
pub fn article_resolved(
    article: &Article,
    status: ReportStatus,
    correction_url: Option<&str>,
    reports: &[String],
    desks: &[String],
    at: NaiveDateTime,
) -> String {
    envelope(
        EventType::ArticleResolved,
        at,
        ArticleResolvedData {
            article: ArticleFacts::of(article),
            status: status.as_str(),
            public_status: status.public().as_str(),
            correction_url,
            reports,
            desks,
        },
    )
}

/// What an escalation found.
#[derive(Debug)]
pub struct Escalation<'a> {
    /// The escalation desk's slug.
    pub desk: &'a str,
    /// The report that crossed the threshold.
    pub tracking_code: &'a str,
    /// Distinct reporters on the article within the window.
    pub recent_reports: i64,
    pub threshold: u32,
    pub window_secs: u64,
}

#[derive(Debug, Serialize)]
struct ArticleEscalatedData<'a> {
    article: Option<ArticleFacts>,
    desk: &'a str,
    tracking_code: &'a str,
    recent_reports: i64,
    threshold: u32,
    window_secs: u64,
}

/// `article.escalated`.
pub fn article_escalated(
    article: &Article,
    escalation: &Escalation<'_>,
    at: NaiveDateTime,
) -> String {
    envelope(
        EventType::ArticleEscalated,
        at,
        ArticleEscalatedData {
            article: ArticleFacts::of(article),
            desk: escalation.desk,
            tracking_code: escalation.tracking_code,
            recent_reports: escalation.recent_reports,
            threshold: escalation.threshold,
            window_secs: escalation.window_secs,
        },
    )
}

/// A trusted endpoint's body: the stored one with, in `data.report`, the reporter's contact
/// details and the reader's texts as the report holds them now (`null` once erased or purged).
/// Bodies without a `data.report` (article events) are sent as stored.
pub fn with_personal_data(
    stored: &str,
    report: Option<&ReportRow>,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut body: Value = serde_json::from_str(stored)?;
    if let Some(facts) = body
        .get_mut("data")
        .and_then(|d| d.get_mut("report"))
        .and_then(Value::as_object_mut)
    {
        let evidence: Vec<String> = report
            .and_then(|r| serde_json::from_str(&r.evidence_urls).ok())
            .unwrap_or_default();
        facts.insert(
            "reporter".into(),
            json!({
                "name": report.and_then(|r| r.reporter_name.as_deref()),
                "email": report.and_then(|r| r.reporter_email.as_deref()),
                "phone": report.and_then(|r| r.reporter_phone.as_deref()),
            }),
        );
        facts.insert(
            "passage".into(),
            json!(report.and_then(|r| r.passage.as_deref())),
        );
        facts.insert(
            "explanation".into(),
            json!(report.map(|r| r.explanation.as_str())),
        );
        facts.insert("evidence_urls".into(), json!(evidence));
    }
    serde_json::to_vec(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").expect("time")
    }

    fn article(url: &str) -> Article {
        Article {
            id: 7,
            canonical_url: url.into(),
            host: "www.example.com".into(),
            path: "/world/flood".into(),
            report_count: 3,
            open_report_count: 2,
            first_reported_at: at("2026-12-01 10:00:00"),
            last_reported_at: at("2026-12-01 11:00:00"),
            oldest_open_at: None,
            newest_open_at: None,
        }
    }

    fn report() -> ReportRow {
        ReportRow {
            id: 1,
            tracking_code: "K7QXM2-PDH9TA".into(),
            article_id: 7,
            submitted_url: "https://www.example.com/world/flood?utm_source=x".into(),
            channel: "api".into(),
            category: "false_claim".into(),
            passage: Some("Passage Quoted Zebra".into()),
            explanation: "Explanation Written Quokka".into(),
            evidence_urls: r#"["https://gov.example.org/b/42"]"#.into(),
            language: "en".into(),
            reporter_name: Some("Nadia Unusualname".into()),
            reporter_email: Some("nadia.unusual@example.org".into()),
            wants_outcome: true,
            status: "corrected".into(),
            client_hash: Some("hash".into()),
            created_at: at("2026-12-01 10:00:00.5"),
            updated_at: at("2026-12-01 12:00:00"),
            desk_id: Some(1),
            reporter_unsubscribed: false,
            assignee_id: None,
            outcome_note: Some("Dear Nadia, we corrected it.".into()),
            correction_url: Some("https://www.example.com/corrections/1".into()),
            duplicate_of_id: None,
            decided_at: Some(at("2026-12-01 12:00:00")),
            reporter_phone: Some("+44 20 7946 0000".into()),
            contact_consent: true,
            triaged_at: Some(at("2026-12-01 11:00:00")),
            opened_at: at("2026-12-01 10:00:00.5"),
            triage_reminder_id: None,
            decision_reminder_id: None,
        }
    }

    const PERSONAL: [&str; 7] = [
        "Nadia",
        "nadia.unusual@example.org",
        "7946",
        "Quokka",
        "Zebra",
        "gov.example.org",
        "utm_source",
    ];

    #[test]
    fn a_status_change_carries_the_report_the_article_and_the_move_without_personal_data() {
        let body = report_status_changed(
            &report(),
            &article("https://www.example.com/world/flood"),
            Some("world"),
            "investigating",
            "corrected",
            at("2026-12-01 12:00:00"),
        );
        for text in PERSONAL {
            assert!(!body.contains(text), "{text} in {body}");
        }
        let value: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(value["type"], "report.status_changed");
        assert_eq!(value["timestamp"], "2026-12-01T12:00:00.000000Z");
        let data = &value["data"];
        assert_eq!(data["report"]["tracking_code"], "K7QXM2-PDH9TA");
        assert_eq!(data["report"]["public_status"], "corrected");
        assert_eq!(data["report"]["desk"], "world");
        assert_eq!(data["report"]["received_at"], "2026-12-01T10:00:00.500000Z");
        assert_eq!(
            data["report"]["correction_url"],
            "https://www.example.com/corrections/1"
        );
        assert_eq!(data["article"]["id"], 7);
        assert_eq!(
            data["transition"],
            json!({"from": "investigating", "to": "corrected"})
        );
    }

    #[test]
    fn a_trusted_copy_adds_the_reporter_and_the_texts_as_the_report_holds_them() {
        let stored = report_created(
            &report(),
            &article("https://www.example.com/world/flood"),
            None,
            at("2026-12-01 10:00:00.5"),
        );
        assert!(!stored.contains("transition"), "{stored}");
        let full = with_personal_data(&stored, Some(&report())).expect("json");
        let value: Value = serde_json::from_slice(&full).expect("json");
        let facts = &value["data"]["report"];
        assert_eq!(facts["reporter"]["name"], "Nadia Unusualname");
        assert_eq!(facts["reporter"]["email"], "nadia.unusual@example.org");
        assert_eq!(facts["reporter"]["phone"], "+44 20 7946 0000");
        assert_eq!(facts["explanation"], "Explanation Written Quokka");
        assert_eq!(facts["passage"], "Passage Quoted Zebra");
        assert_eq!(
            facts["evidence_urls"],
            json!(["https://gov.example.org/b/42"])
        );
        assert!(facts["desk"].is_null());
        // Erased meanwhile: the contact details are gone from the copy too.
        let mut erased = report();
        erased.reporter_name = None;
        erased.reporter_email = None;
        erased.reporter_phone = None;
        let value: Value =
            serde_json::from_slice(&with_personal_data(&stored, Some(&erased)).expect("json"))
                .expect("json");
        assert_eq!(
            value["data"]["report"]["reporter"],
            json!({"name": null, "email": null, "phone": null})
        );
        // Editors' notes go to nobody.
        assert!(!String::from_utf8_lossy(&full).contains("Dear Nadia"));
    }

    #[test]
    fn a_report_waiting_for_its_address_has_no_article() {
        let mut waiting = report();
        waiting.status = "needs_url".into();
        let body = report_created(
            &waiting,
            &article(AWAITING_ADDRESS_URL),
            None,
            at("2026-12-01 10:00:00"),
        );
        let value: Value = serde_json::from_str(&body).expect("json");
        assert!(value["data"]["article"].is_null(), "{body}");
        assert_eq!(value["data"]["report"]["public_status"], "needs_url");
    }

    #[test]
    fn article_events_name_the_article_and_what_happened() {
        let resolved = article_resolved(
            &article("https://www.example.com/world/flood"),
            ReportStatus::Corrected,
            Some("https://www.example.com/corrections/1"),
            &["AAAAAA-BBBBBB".into()],
            &["world".into()],
            at("2026-12-01 12:00:00"),
        );
        let value: Value = serde_json::from_str(&resolved).expect("json");
        assert_eq!(value["type"], "article.resolved");
        assert_eq!(value["data"]["status"], "corrected");
        assert_eq!(value["data"]["reports"], json!(["AAAAAA-BBBBBB"]));
        // Sent as stored to a trusted endpoint too: there is nothing personal to add.
        assert_eq!(
            serde_json::from_slice::<Value>(&with_personal_data(&resolved, None).expect("json"))
                .expect("json"),
            value
        );
        let escalated = article_escalated(
            &article("https://www.example.com/world/flood"),
            &Escalation {
                desk: "standards",
                tracking_code: "AAAAAA-BBBBBB",
                recent_reports: 25,
                threshold: 25,
                window_secs: 3600,
            },
            at("2026-12-01 12:00:00"),
        );
        let value: Value = serde_json::from_str(&escalated).expect("json");
        assert_eq!(value["type"], "article.escalated");
        assert_eq!(value["data"]["desk"], "standards");
        assert_eq!(value["data"]["recent_reports"], 25);
    }
}
