//! The mail gateway's rules: one raw message becomes a report (through the same intake as the
//! form: canonicalisation, grouping, routing, acknowledgement), a reply on a report's timeline,
//! or nothing (automatic mail, logged); each is recorded with its raw bytes in the same
//! transaction, so a message is stored once or not at all.

use std::io::Read;
use std::sync::Arc;

use chrono::Duration;

use super::READER_COMMENT;
use super::mail::{self, IncomingMail, MailError};
use super::repo::{self, InsertMailMessage, outcome};
use crate::articles::{CanonicalUrl, HostCheck, UrlPolicy};
use crate::config::{MailIntakeSettings, Secret, Settings};
use crate::notify::{outbox, repo as outbox_repo};
use crate::reports::input::{
    MAX_EMAIL_CHARS, MAX_EVIDENCE_URLS, MAX_EXPLANATION_CHARS, MAX_NAME_CHARS,
    MIN_EXPLANATION_CHARS,
};
use crate::reports::service::{IntakeContext, Submission, submit_in_transaction, write_with_retry};
use crate::reports::{
    Category, Channel, NewReport, ReportError, TrackingCode, repo as reports_repo,
};
use crate::signing::keyed_hex;
use crate::storage::{Db, DbConn, StorageError, now};

/// The most kept of an oversized message: its header block, so an editor sees who sent what.
const REFUSED_KEEP_BYTES: usize = 64 * 1024;
/// Shown to editors when a message had no words of its own.
const NO_TEXT: &str = "(The email had no text of its own besides its subject and links.)";

/// What the gateway did with a message (printed on standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// A new report: its tracking code and status (`new`, or `needs_url` without an address).
    Report {
        tracking_code: String,
        status: String,
    },
    /// The reporter's reply, added to that report's timeline.
    Reply { tracking_code: String },
    /// The same message again (a mail server's retry after we had stored it).
    AlreadyStored { tracking_code: String },
    /// Not stored as a report nor answered: why.
    Ignored(String),
}

/// Why a message was not stored; each has its sysexits code.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("message refused: {0}")]
    Unreadable(#[from] MailError),
    #[error("message refused: it is {size} bytes, more than the {limit} bytes this desk accepts")]
    TooLarge { size: usize, limit: usize },
    #[error(
        "deferred: this sender already sent {limit} messages in the last hour; try again later"
    )]
    RateLimited { limit: u32 },
    #[error("could not read the message from standard input: {0}")]
    Input(#[from] std::io::Error),
    #[error("the database is unavailable: {0}")]
    Storage(#[from] StorageError),
    #[error("could not store the report: {0}")]
    Report(ReportError),
}

impl From<ReportError> for IngestError {
    fn from(error: ReportError) -> Self {
        match error {
            ReportError::Storage(e) => Self::Storage(e),
            other => Self::Report(other),
        }
    }
}

impl From<diesel::result::Error> for IngestError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

/// sysexits(3) codes, so the mail server bounces a permanent failure and retries a temporary one.
pub mod exit {
    pub const OK: u8 = 0;
    /// EX_DATAERR: the message cannot be taken (unreadable, too large).
    pub const DATAERR: u8 = 65;
    /// EX_TEMPFAIL: try again later (the database is unavailable, a sender's flood).
    pub const TEMPFAIL: u8 = 75;
    /// EX_CONFIG: the configuration is invalid.
    pub const CONFIG: u8 = 78;
}

impl IngestError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Unreadable(_) | Self::TooLarge { .. } => exit::DATAERR,
            Self::RateLimited { .. } | Self::Input(_) | Self::Storage(_) => exit::TEMPFAIL,
            // Intake refused what the gateway built: a fault of ours, so the mail server keeps the
            // message and tries again rather than losing it.
            Self::Report(_) => exit::TEMPFAIL,
        }
    }
}

/// A message as read from standard input: at most `limit + 1` bytes are kept, the rest counted.
pub struct RawMessage {
    pub bytes: Vec<u8>,
    pub size: usize,
}

/// Reads a whole message, keeping no more than one byte past `limit` (the rest is drained, so the
/// mail server's write does not fail).
pub fn read_message(input: &mut dyn Read, limit: usize) -> std::io::Result<RawMessage> {
    let mut bytes = Vec::new();
    input.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    let mut size = bytes.len();
    if size > limit {
        size += std::io::copy(input, &mut std::io::sink())? as usize;
    }
    Ok(RawMessage { bytes, size })
}

/// Everything the gateway needs, built once per run.
pub struct MailGateway {
    pub db: Db,
    pub intake: Arc<IntakeContext>,
    pub settings: MailIntakeSettings,
    pub urls: Arc<UrlPolicy>,
    pub default_language: String,
    /// Keys the stored hash of a sender's address.
    pub secret: Secret,
    /// Our From address, and its domain: the right part of our Message-IDs.
    pub our_address: String,
    pub our_domain: String,
}

impl MailGateway {
    pub fn new(db: Db, intake: Arc<IntakeContext>, settings: &Settings) -> Self {
        let our_address = settings
            .mail
            .from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.to_string())
            .unwrap_or_else(|_| settings.mail.from.clone());
        let our_domain = our_address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        Self {
            db,
            intake,
            settings: settings.mail_intake.clone(),
            urls: Arc::new(UrlPolicy::from_settings(&settings.publisher)),
            default_language: settings.intake.default_language.clone(),
            secret: settings.server.secret_key.clone(),
            our_address: our_address.to_ascii_lowercase(),
            our_domain,
        }
    }

    fn sender_hash(&self, address: &str) -> String {
        keyed_hex(
            &self.secret,
            "mail-sender",
            address.trim().to_lowercase().as_bytes(),
        )
    }

    /// Takes one message.
    pub async fn ingest(&self, raw: RawMessage) -> Result<Ingested, IngestError> {
        let limit = self.settings.max_message_bytes;
        if raw.size > limit {
            let head = header_block(&raw.bytes, REFUSED_KEEP_BYTES).to_vec();
            let error = IngestError::TooLarge {
                size: raw.size,
                limit,
            };
            self.keep_refused(head, raw.size, &error.to_string()).await;
            return Err(error);
        }
        let mail = match mail::parse(&raw.bytes) {
            Ok(mail) => mail,
            Err(error) => {
                let error = IngestError::Unreadable(error);
                self.keep_refused(raw.bytes, raw.size, &error.to_string())
                    .await;
                return Err(error);
            }
        };
        let sender_hash = self.sender_hash(&mail.sender);
        if let Some(reason) = self.automatic(&mail).await? {
            tracing::info!(reason = %reason, "mail ignored");
            let row = Kept {
                message_id: mail.message_id.clone(),
                sender_hash: Some(sender_hash),
                size: raw.size,
                outcome: outcome::IGNORED,
                reason: Some(reason.clone()),
                raw: raw.bytes,
            };
            self.db.write(move |conn| row.insert(conn, None)).await?;
            return Ok(Ingested::Ignored(reason));
        }
        let gateway = GatewayRules {
            intake: self.intake.clone(),
            rules: ReportRules {
                urls: self.urls.clone(),
                default_language: self.default_language.clone(),
            },
            our_domain: self.our_domain.clone(),
            sender_per_hour: self.settings.sender_per_hour,
            report: self.report_of(&mail),
        };
        let mail = Arc::new(mail);
        let raw = Arc::new(raw);
        let sender_hash = Arc::new(sender_hash);
        let result = write_with_retry(&self.db, move |conn| {
            gateway.store(conn, &mail, &raw, &sender_hash)
        })
        .await;
        match result {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(error)) => Err(error),
            Err(error) => Err(error.into()),
        }
    }

    /// Why the message is machine-made or ours, if it is.
    async fn automatic(&self, mail: &IncomingMail) -> Result<Option<String>, IngestError> {
        if let Some(signal) = &mail.automatic {
            return Ok(Some(signal.reason()));
        }
        if mail.sender.eq_ignore_ascii_case(&self.our_address) {
            return Ok(Some("from our own address (a mail loop)".to_string()));
        }
        let Some((token, domain)) = mail
            .message_id
            .as_deref()
            .and_then(|id| id.rsplit_once('@'))
        else {
            return Ok(None);
        };
        if !domain.eq_ignore_ascii_case(&self.our_domain) {
            return Ok(None);
        }
        let token = token.to_string();
        let ours = self
            .db
            .read(move |conn| {
                outbox_repo::is_our_message(conn, &token).map_err(StorageError::Query)
            })
            .await?;
        Ok(ours.then(|| "one of our own messages came back (a mail loop)".to_string()))
    }

    /// The report this message answers, as intake will look it up.
    fn report_of(&self, mail: &IncomingMail) -> ThreadKeys {
        ThreadKeys {
            replies_to: mail.replies_to.clone(),
            code_in_subject: codes_in(&mail.subject),
        }
    }

    /// Keeps what was refused, so an editor can see it arrived; a failure to keep it is logged and
    /// does not change the answer (the mail server bounces it either way).
    async fn keep_refused(&self, raw: Vec<u8>, size: usize, reason: &str) {
        let row = Kept {
            message_id: None,
            sender_hash: None,
            size,
            outcome: outcome::REFUSED,
            reason: Some(reason.to_string()),
            raw,
        };
        if let Err(error) = self.db.write(move |conn| row.insert(conn, None)).await {
            tracing::warn!(%error, "could not keep a refused message");
        }
    }
}

/// A row of `mail_messages` about to be written.
struct Kept {
    message_id: Option<String>,
    sender_hash: Option<String>,
    size: usize,
    outcome: &'static str,
    reason: Option<String>,
    raw: Vec<u8>,
}

impl Kept {
    fn insert(&self, conn: &mut DbConn, report_id: Option<i64>) -> Result<(), StorageError> {
        repo::insert(
            conn,
            &InsertMailMessage {
                received_at: now(),
                message_id: self.message_id.as_deref(),
                sender_hash: self.sender_hash.as_deref(),
                size_bytes: self.size as i64,
                outcome: self.outcome,
                reason: self.reason.as_deref(),
                report_id,
                raw: Some(&self.raw),
            },
        )?;
        Ok(())
    }
}

/// What identifies the report a reply belongs to.
struct ThreadKeys {
    replies_to: Vec<String>,
    code_in_subject: Vec<TrackingCode>,
}

/// The part of the gateway that runs inside the write transaction (retried on a unique race).
struct GatewayRules {
    intake: Arc<IntakeContext>,
    rules: ReportRules,
    our_domain: String,
    sender_per_hour: u32,
    report: ThreadKeys,
}

impl GatewayRules {
    fn store(
        &self,
        conn: &mut DbConn,
        mail: &IncomingMail,
        raw: &RawMessage,
        sender_hash: &str,
    ) -> Result<Result<Ingested, IngestError>, ReportError> {
        let at = now();
        if let Some(id) = &mail.message_id {
            for kind in [outcome::REPORT, outcome::COMMENT] {
                if let Some(report_id) = repo::seen(conn, id, kind)? {
                    let code = reports_repo::tracking_code_of(conn, report_id)?.unwrap_or_default();
                    return Ok(Ok(Ingested::AlreadyStored {
                        tracking_code: code,
                    }));
                }
            }
        }
        if self.sender_per_hour > 0
            && repo::stored_from_sender_since(conn, sender_hash, at - Duration::hours(1))?
                >= i64::from(self.sender_per_hour)
        {
            return Ok(Err(IngestError::RateLimited {
                limit: self.sender_per_hour,
            }));
        }
        let kept = Kept {
            message_id: mail.message_id.clone(),
            sender_hash: Some(sender_hash.to_string()),
            size: raw.size,
            outcome: outcome::REPORT,
            reason: None,
            raw: raw.bytes.clone(),
        };
        if self.answers_a_desk_email(conn)? {
            let reason = "a reply to one of our emails to editors (they answer in the dashboard)";
            Kept {
                outcome: outcome::IGNORED,
                reason: Some(reason.to_string()),
                ..kept
            }
            .insert(conn, None)?;
            return Ok(Ok(Ingested::Ignored(reason.to_string())));
        }
        if let Some(report) = self.thread(conn)? {
            let text = clip(
                if mail.text.is_empty() {
                    NO_TEXT
                } else {
                    &mail.text
                },
                crate::reports::editorial::MAX_NOTE_CHARS,
            );
            // The reporter, when it comes from the address they gave; else whoever wrote.
            let actor = if report
                .reporter_email
                .as_deref()
                .is_some_and(|e| e.trim().eq_ignore_ascii_case(&mail.sender))
            {
                READER_ACTOR
            } else {
                Channel::Email.as_str()
            };
            reports_repo::insert_event(
                conn,
                &reports_repo::InsertEvent {
                    report_id: report.id,
                    actor,
                    kind: READER_COMMENT,
                    from_status: None,
                    to_status: None,
                    note: Some(&text),
                    created_at: at,
                    public_note: None,
                },
            )?;
            let desk = report
                .desk_id
                .and_then(|id| self.intake.routing.desk_by_id(id));
            outbox::on_reader_reply(conn, &report, desk, at)?;
            Kept {
                outcome: outcome::COMMENT,
                ..kept
            }
            .insert(conn, Some(report.id))?;
            tracing::info!(report_id = report.id, "emailed reply added to the report");
            return Ok(Ok(Ingested::Reply {
                tracking_code: report.tracking_code,
            }));
        }
        let submission = Submission {
            report: report_from(mail, &self.rules),
            channel: Channel::Email,
            client_hash: Some(sender_hash.to_string()),
            idempotency: None,
            spam: None,
            entered: None,
        };
        let (submitted, _) = submit_in_transaction(conn, &self.intake, &submission)?;
        let report_id =
            reports_repo::find_row_by_code(conn, &submitted.tracking_code)?.map(|r| r.id);
        kept.insert(conn, report_id)?;
        Ok(Ok(Ingested::Report {
            tracking_code: submitted.tracking_code,
            status: submitted.status,
        }))
    }

    /// It answers one of our emails, and none of those a reporter receives.
    fn answers_a_desk_email(&self, conn: &mut DbConn) -> Result<bool, ReportError> {
        let mut ours = false;
        for id in &self.report.replies_to {
            if let Some((token, domain)) = id.rsplit_once('@')
                && domain.eq_ignore_ascii_case(&self.our_domain)
                && outbox_repo::is_our_message(conn, token)?
            {
                if outbox_repo::report_of_message(
                    conn,
                    token,
                    &crate::privacy::service::REPORTER_KINDS,
                )?
                .is_some()
                {
                    return Ok(false);
                }
                ours = true;
            }
        }
        Ok(ours)
    }

    /// The report this message answers: one of our emails it replies to, an earlier message of
    /// the sender's that became a report, or a tracking code in its subject.
    fn thread(&self, conn: &mut DbConn) -> Result<Option<reports_repo::ReportRow>, ReportError> {
        for id in &self.report.replies_to {
            let report_id = match id.rsplit_once('@') {
                Some((token, domain)) if domain.eq_ignore_ascii_case(&self.our_domain) => {
                    // Only the emails a reporter receives: an editor answering a desk alert is
                    // not the reporter writing back.
                    outbox_repo::report_of_message(
                        conn,
                        token,
                        &crate::privacy::service::REPORTER_KINDS,
                    )?
                }
                _ => repo::report_of_message_id(conn, id)?,
            };
            if let Some(report_id) = report_id
                && let Some((report, _)) = reports_repo::find_by_id(conn, report_id)?
            {
                return Ok(Some(report));
            }
        }
        for code in &self.report.code_in_subject {
            if let Some(report) = reports_repo::find_row_by_code(conn, code.as_str())? {
                return Ok(Some(report));
            }
        }
        Ok(None)
    }
}

/// Who the timeline says wrote an emailed reply from the reporter's own address.
pub const READER_ACTOR: &str = "reporter";

struct ReportRules {
    urls: Arc<UrlPolicy>,
    default_language: String,
}

/// Tracking codes in a subject ("Re: We received your report K7QXM2-PDH9TA").
fn codes_in(subject: &str) -> Vec<TrackingCode> {
    subject
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.len() == 13 && word.as_bytes().get(6) == Some(&b'-'))
        .filter_map(TrackingCode::parse)
        .collect()
}

/// The longest prefix of `text` of at most `max` characters.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_string(),
        None => text.to_string(),
    }
}

/// The header block of a raw message (up to the first empty line), at most `max` bytes.
fn header_block(raw: &[u8], max: usize) -> &[u8] {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| i + 2))
        .unwrap_or(raw.len());
    &raw[..end.min(max)]
}

/// The report a message makes: the first link on the publisher's hosts is the article (none:
/// `needs_url`), the other links are evidence, the text is the explanation, the sender the
/// reporter, who hears the outcome (every email to them carries a one-click stop).
fn report_from(mail: &IncomingMail, rules: &ReportRules) -> NewReport {
    let article = mail.links.iter().find_map(|link| {
        rules
            .urls
            .canonicalize(link, HostCheck::PublisherOnly)
            .ok()
            .map(|url| (link.clone(), url))
    });
    let evidence: Vec<String> = mail
        .links
        .iter()
        .filter(|l| article.as_ref().is_none_or(|(raw, _)| raw != *l))
        .filter(|l| l.parse::<url::Url>().is_ok())
        .take(MAX_EVIDENCE_URLS as usize)
        .cloned()
        .collect();
    // Line breaks and tabs stay; other control characters go, as from the form.
    let words: String = mail
        .text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let mut explanation = words.trim().to_string();
    if explanation.chars().count() < MIN_EXPLANATION_CHARS as usize {
        explanation = format!("{}\n\n{}", mail.subject, explanation)
            .trim()
            .to_string();
    }
    if explanation.chars().count() < MIN_EXPLANATION_CHARS as usize {
        explanation = NO_TEXT.to_string();
    }
    let explanation = clip(&explanation, MAX_EXPLANATION_CHARS as usize);
    let email = Some(mail.sender.clone()).filter(|e| {
        use validator::ValidateEmail;
        e.len() <= MAX_EMAIL_CHARS as usize
            && e.validate_email()
            && e.parse::<lettre::message::Mailbox>().is_ok()
    });
    let (submitted_url, article) = match article {
        Some((raw, url)) => (raw, url),
        None => (String::new(), CanonicalUrl::awaiting_address()),
    };
    NewReport {
        article,
        submitted_url,
        category: Category::Other,
        passage: None,
        explanation,
        evidence_urls: evidence,
        language: mail
            .language
            .clone()
            .unwrap_or_else(|| rules.default_language.clone()),
        reporter_name: mail
            .sender_name
            .as_deref()
            .map(|n| clip(n, MAX_NAME_CHARS as usize)),
        wants_outcome: email.is_some(),
        reporter_email: email,
    }
}

/// A received email of a report, as its page lists it.
pub struct ReportMail {
    pub row: repo::MailMessageRow,
    /// Its raw bytes are still kept.
    pub kept: bool,
}

pub async fn mails_of_report(db: &Db, report_id: i64) -> Result<Vec<ReportMail>, StorageError> {
    db.read(move |conn| {
        Ok(repo::messages_of_report(conn, report_id)?
            .into_iter()
            .map(|(row, kept)| ReportMail { row, kept })
            .collect())
    })
    .await
}

/// The raw bytes of email `id` of the report with this code, while they are kept.
pub async fn raw_of_report(
    db: &Db,
    code: TrackingCode,
    id: i64,
) -> Result<Option<Vec<u8>>, StorageError> {
    db.read(move |conn| {
        let Some(report) = reports_repo::find_row_by_code(conn, code.as_str())? else {
            return Ok(None);
        };
        Ok(repo::raw_of(conn, id)?
            .filter(|(row, _)| row.report_id == Some(report.id))
            .map(|(_, raw)| raw))
    })
    .await
}

/// The latest received emails, newest first (admins see what arrived, stored or not).
pub async fn recent_mail(db: &Db, limit: i64) -> Result<Vec<ReportMail>, StorageError> {
    db.read(move |conn| {
        Ok(repo::recent(conn, limit)?
            .into_iter()
            .map(|(row, kept)| ReportMail { row, kept })
            .collect())
    })
    .await
}

/// One received email's raw bytes, while they are kept.
pub async fn raw_mail(db: &Db, id: i64) -> Result<Option<Vec<u8>>, StorageError> {
    db.read(move |conn| Ok(repo::raw_of(conn, id)?.map(|(_, raw)| raw)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> ReportRules {
        ReportRules {
            urls: Arc::new(UrlPolicy::new(
                &["www.example.com".to_string()],
                &[("example.com".to_string(), "www.example.com".to_string())],
                &[],
                &[],
                &[],
            )),
            default_language: "en".into(),
        }
    }

    fn mail(text: &str, links: &[&str]) -> IncomingMail {
        IncomingMail {
            sender: "ana@example.org".into(),
            sender_name: Some("Ana".into()),
            subject: "About your article".into(),
            message_id: None,
            replies_to: Vec::new(),
            language: None,
            text: text.into(),
            links: links.iter().map(|l| l.to_string()).collect(),
            automatic: None,
        }
    }

    #[test]
    fn the_first_publisher_link_is_the_article_and_the_rest_evidence() {
        let report = report_from(
            &mail(
                "The figures are wrong, see the sources.",
                &[
                    "https://stats.example.org/a",
                    "https://example.com/world/story?utm_source=mail",
                    "https://www.example.com/world/other",
                ],
            ),
            &rules(),
        );
        assert_eq!(
            report.article.as_str(),
            "https://www.example.com/world/story"
        );
        assert_eq!(
            report.submitted_url,
            "https://example.com/world/story?utm_source=mail"
        );
        assert_eq!(
            report.evidence_urls,
            vec![
                "https://stats.example.org/a",
                "https://www.example.com/world/other"
            ]
        );
        assert_eq!(report.reporter_email.as_deref(), Some("ana@example.org"));
        assert!(report.wants_outcome);
        assert_eq!(report.language, "en");
    }

    #[test]
    fn without_a_publisher_link_the_report_awaits_its_address() {
        let report = report_from(&mail("", &["https://other.example.net/x"]), &rules());
        assert!(report.article.is_awaiting_address());
        assert_eq!(report.submitted_url, "");
        // Too short to explain anything: the subject joins, as the editors would read it.
        assert_eq!(report.explanation, "About your article");
        let control = report_from(
            &mail("wrong\u{7}\u{202e} figures, twice over", &[]),
            &rules(),
        );
        assert!(!control.explanation.contains('\u{7}'));
    }

    #[test]
    fn explanations_are_clipped_to_the_form_limit() {
        let long = "x".repeat(MAX_EXPLANATION_CHARS as usize + 50);
        let report = report_from(&mail(&long, &[]), &rules());
        assert_eq!(
            report.explanation.chars().count(),
            MAX_EXPLANATION_CHARS as usize
        );
    }

    #[test]
    fn tracking_codes_are_found_in_subjects() {
        let codes = codes_in("Re: We received your report K7QXM2-PDH9TA (and STRENGTHENED)");
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].as_str(), "K7QXM2-PDH9TA");
        assert!(codes_in("Re: hello").is_empty());
    }

    #[test]
    fn the_header_block_is_what_a_refused_message_keeps() {
        assert_eq!(
            header_block(b"A: 1\r\nB: 2\r\n\r\nbody", 100),
            b"A: 1\r\nB: 2\r\n\r\n"
        );
        assert_eq!(header_block(b"A: 1\n\nbody", 100), b"A: 1\n\n");
        assert_eq!(header_block(b"A: 1\r\nB: 2", 4), b"A: 1");
    }

    #[test]
    fn reading_stops_past_the_limit_and_counts_the_rest() {
        let input = vec![b'a'; 1000];
        let raw = read_message(&mut input.as_slice(), 100).expect("reads");
        assert_eq!(raw.bytes.len(), 101);
        assert_eq!(raw.size, 1000);
        let raw = read_message(&mut &b"short"[..], 100).expect("reads");
        assert_eq!((raw.bytes.as_slice(), raw.size), (&b"short"[..], 5));
    }

    #[test]
    fn permanent_and_temporary_failures_have_their_sysexits_codes() {
        assert_eq!(IngestError::Unreadable(MailError::NoSender).exit_code(), 65);
        assert_eq!(IngestError::TooLarge { size: 2, limit: 1 }.exit_code(), 65);
        assert_eq!(IngestError::RateLimited { limit: 1 }.exit_code(), 75);
        assert_eq!(
            IngestError::Storage(StorageError::Unreachable("down".into())).exit_code(),
            75
        );
    }
}
