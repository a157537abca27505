//! The emails: each a subject, a plain-text body and an HTML body (askama templates under
//! `templates/email/<kind>/`), sent as multipart/alternative with a stable Message-ID.

use askama::Template;
use lettre::Message;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use crate::i18n::Messages;

/// An email ready to address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// For reporter emails: the one-click link that stops further emails about the report.
    pub unsubscribe_url: Option<String>,
    /// The language it is written in (`Content-Language`).
    pub language: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("could not render the email: {0}")]
    Render(#[from] askama::Error),
    #[error("invalid recipient {0:?}")]
    Recipient(String),
    #[error("no recipients")]
    NoRecipients,
    #[error("could not build the message: {0}")]
    Build(#[from] lettre::error::Error),
}

pub struct ReportAck<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub code: &'a str,
    pub status_url: &'a str,
    pub article_url: &'a str,
    /// The report came without a recognisable article address (`needs_url`): ask for it.
    pub needs_url: bool,
    pub wants_outcome: bool,
    pub unsubscribe_url: &'a str,
}

pub struct ReportSummary {
    pub code: String,
    /// The report's page in the dashboard, absolute (`server.public_url`).
    pub desk_url: String,
    pub category: String,
    pub passage: Option<String>,
    pub explanation: String,
    pub evidence_urls: Vec<String>,
    pub language: String,
    pub submitted_url: String,
}

/// How an editor's email names an article and links to it in the dashboard.
pub struct ArticleRef<'a> {
    /// The canonical URL (the live article).
    pub url: &'a str,
    /// A short name for subjects: the path on the publisher's own hosts, else host and path.
    pub label: &'a str,
    /// The article's page in the dashboard, absolute.
    pub desk_url: &'a str,
}

pub struct DeskAlert<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub desk: &'a str,
    pub article: ArticleRef<'a>,
    pub report_count: i64,
    pub window_minutes: u64,
    pub report: ReportSummary,
}

pub struct DeskDigest<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub desk: &'a str,
    pub article: ArticleRef<'a>,
    pub report_count: i64,
    /// The reports still open when the digest is written.
    pub reports: Vec<ReportSummary>,
    /// Reports of its window decided before it went out: counted, not listed.
    pub left_out: usize,
}

pub struct Escalation<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub desk: &'a str,
    pub article: ArticleRef<'a>,
    pub recent_count: i64,
    pub window_minutes: u64,
    pub report_count: i64,
}

pub struct ReportOutcome<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub code: &'a str,
    pub article_url: &'a str,
    pub status_label: &'a str,
    pub status_explanation: &'a str,
    pub outcome_note: Option<&'a str>,
    pub correction_url: Option<&'a str>,
    pub status_url: &'a str,
    pub unsubscribe_url: &'a str,
}

/// One article in a desk round-up: how many reports, and the first of them.
pub struct RoundupArticle {
    pub article_url: String,
    /// The article's page in the dashboard, absolute.
    pub desk_url: String,
    pub count: i64,
    pub first: ReportSummary,
}

/// To a desk: the reports on many different articles within one alert window, in one email.
pub struct DeskRoundup<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub desk: &'a str,
    pub window_minutes: u64,
    pub report_total: i64,
    pub articles: Vec<RoundupArticle>,
    /// Articles left out of this email (it lists at most a page).
    pub more_articles: usize,
}

/// To the address given with a report: the link that erases the reporter's data from it.
pub struct ErasureConfirm<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub code: &'a str,
    pub confirm_url: &'a str,
    pub valid_hours: u64,
}

pub struct ReportAssigned<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub code: &'a str,
    /// The report's page in the dashboard, absolute.
    pub report_desk_url: &'a str,
    pub article: ArticleRef<'a>,
    pub category: &'a str,
    pub explanation: &'a str,
}

/// To a desk: the reporter answered by email (the words are on the report's page only).
pub struct ReaderReply<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub code: &'a str,
    /// The report's page in the dashboard, absolute.
    pub report_desk_url: &'a str,
    pub article: ArticleRef<'a>,
}

/// To a desk: a reporter appealed a "no error found" decision; the report is reopened.
pub struct AppealReceived<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub desk: &'a str,
    pub code: &'a str,
    /// The report's page in the dashboard, absolute.
    pub report_desk_url: &'a str,
    pub article: ArticleRef<'a>,
    /// When the appeal came (UTC).
    pub appealed_at: &'a str,
    /// The appealed decision's note to the reader.
    pub decision_note: Option<&'a str>,
    /// The reporter's reason.
    pub reason: &'a str,
}

/// One report in a reminder of overdue reports.
pub struct OverdueItem {
    pub code: String,
    /// The report's page in the dashboard, absolute.
    pub report_desk_url: String,
    /// The article's name (see [`article_label`]) and its page in the dashboard.
    pub article: String,
    pub article_desk_url: String,
    /// "Triage overdue by 3 h".
    pub standing: String,
}

/// To a desk: its reports that passed a response target (`crate::targets`).
pub struct DeskOverdue<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub desk: &'a str,
    /// The most overdue first.
    pub items: Vec<OverdueItem>,
    /// Overdue reports of this reminder not listed (it lists at most a page).
    pub more: usize,
    /// Reports it was to list that were triaged or decided before it went out.
    pub left_out: usize,
    /// The desk's overdue reports in the dashboard's queue.
    pub queue_url: &'a str,
}

macro_rules! email_parts {
    ($data:ident, $subject:ident = $s:literal, $text:ident = $x:literal, $html:ident = $h:literal) => {
        #[derive(Template)]
        #[template(path = $s)]
        struct $subject<'a, 'b> {
            d: &'b $data<'a>,
        }
        #[derive(Template)]
        #[template(path = $x)]
        struct $text<'a, 'b> {
            d: &'b $data<'a>,
        }
        #[derive(Template)]
        #[template(path = $h)]
        struct $html<'a, 'b> {
            d: &'b $data<'a>,
        }
        impl $data<'_> {
            pub fn render(&self) -> Result<Email, EmailError> {
                Ok(Email {
                    subject: header_text(&$subject { d: self }.render()?),
                    text: $text { d: self }.render()?,
                    html: $html { d: self }.render()?,
                    unsubscribe_url: None,
                    language: self.t.tag(),
                })
            }
        }
    };
}

email_parts!(
    ReportAck,
    AckSubject = "email/report_ack/subject.txt",
    AckText = "email/report_ack/body.txt",
    AckHtml = "email/report_ack/body.html"
);
email_parts!(
    DeskAlert,
    AlertSubject = "email/desk_alert/subject.txt",
    AlertText = "email/desk_alert/body.txt",
    AlertHtml = "email/desk_alert/body.html"
);
email_parts!(
    DeskDigest,
    DigestSubject = "email/desk_digest/subject.txt",
    DigestText = "email/desk_digest/body.txt",
    DigestHtml = "email/desk_digest/body.html"
);
email_parts!(
    Escalation,
    EscalationSubject = "email/escalation/subject.txt",
    EscalationText = "email/escalation/body.txt",
    EscalationHtml = "email/escalation/body.html"
);

email_parts!(
    ReportOutcome,
    OutcomeSubject = "email/report_outcome/subject.txt",
    OutcomeText = "email/report_outcome/body.txt",
    OutcomeHtml = "email/report_outcome/body.html"
);
email_parts!(
    DeskRoundup,
    RoundupSubject = "email/desk_roundup/subject.txt",
    RoundupText = "email/desk_roundup/body.txt",
    RoundupHtml = "email/desk_roundup/body.html"
);
email_parts!(
    ErasureConfirm,
    ErasureSubject = "email/erasure_confirm/subject.txt",
    ErasureText = "email/erasure_confirm/body.txt",
    ErasureHtml = "email/erasure_confirm/body.html"
);
email_parts!(
    ReportAssigned,
    AssignedSubject = "email/report_assigned/subject.txt",
    AssignedText = "email/report_assigned/body.txt",
    AssignedHtml = "email/report_assigned/body.html"
);

email_parts!(
    DeskOverdue,
    OverdueSubject = "email/desk_overdue/subject.txt",
    OverdueText = "email/desk_overdue/body.txt",
    OverdueHtml = "email/desk_overdue/body.html"
);

email_parts!(
    ReaderReply,
    ReplySubject = "email/reader_reply/subject.txt",
    ReplyText = "email/reader_reply/body.txt",
    ReplyHtml = "email/reader_reply/body.html"
);

email_parts!(
    AppealReceived,
    AppealSubject = "email/appeal_received/subject.txt",
    AppealText = "email/appeal_received/body.txt",
    AppealHtml = "email/appeal_received/body.html"
);

impl ReportAck<'_> {
    pub fn email(&self) -> Result<Email, EmailError> {
        let mut email = self.render()?;
        email.unsubscribe_url = Some(self.unsubscribe_url.to_string());
        Ok(email)
    }
}

impl ReportOutcome<'_> {
    pub fn email(&self) -> Result<Email, EmailError> {
        let mut email = self.render()?;
        email.unsubscribe_url = Some(self.unsubscribe_url.to_string());
        Ok(email)
    }
}

/// The article's name in an editor's subject (there is no headline yet): its path and query on
/// the publisher's own hosts, where the host says nothing; with the host elsewhere (impersonation).
pub fn article_label(canonical_url: &str, host: &str, publisher_hosts: &[String]) -> String {
    let without_scheme = canonical_url
        .split_once("://")
        .map_or(canonical_url, |(_, rest)| rest);
    if publisher_hosts.iter().any(|h| h == host)
        && let Some(path) = without_scheme
            .strip_prefix(host)
            .filter(|p| p.starts_with('/'))
    {
        return path.to_string();
    }
    without_scheme.to_string()
}

/// A header value from user-influenced text: no CR/LF (header injection), whitespace folded.
pub fn header_text(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Content-Language: <tag>` (RFC 3282): the language the email is written in.
#[derive(Debug, Clone)]
struct ContentLanguage(&'static str);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        // Only ever written by us.
        Err("Content-Language is not read back".into())
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_string())
    }
}

/// `List-Unsubscribe: <url>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", header_text(&self.0)))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail clients may unsubscribe
/// with one POST, without opening a page.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

/// Addresses an email: From, To, a Message-ID that is the same on every retry, both bodies.
pub fn build_message(
    email: &Email,
    from: &Mailbox,
    recipients: &[String],
    message_token: &str,
) -> Result<Message, EmailError> {
    if recipients.is_empty() {
        return Err(EmailError::NoRecipients);
    }
    let domain = from.email.domain().to_string();
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(header_text(&email.subject))
        .message_id(Some(format!("<{message_token}@{domain}>")));
    for recipient in recipients {
        let mailbox: Mailbox = recipient
            .parse()
            .map_err(|_| EmailError::Recipient(recipient.clone()))?;
        builder = builder.to(mailbox);
    }
    builder = builder.header(ContentLanguage(email.language));
    if let Some(url) = &email.unsubscribe_url {
        builder = builder
            .header(ListUnsubscribe(url.clone()))
            .header(ListUnsubscribePost);
    }
    Ok(builder.multipart(MultiPart::alternative_plain_html(
        email.text.clone(),
        email.html.clone(),
    ))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::messages;

    fn alert() -> DeskAlert<'static> {
        DeskAlert {
            t: messages("en"),
            publisher: "The Example Times",
            desk: "World desk",
            article: ArticleRef {
                url: "https://www.example.com/world/story",
                label: "/world/story",
                desk_url: "https://desk.example.com/desk/articles/7",
            },
            report_count: 1,
            window_minutes: 10,
            report: ReportSummary {
                code: "K7QXM2-PDH9TA".into(),
                desk_url: "https://desk.example.com/desk/reports/K7QXM2-PDH9TA".into(),
                category: "A false claim".into(),
                passage: Some("<b>bold</b> claim".into()),
                explanation: "Line one\r\nBcc: victim@example.org".into(),
                evidence_urls: vec!["https://a.test/1".into()],
                language: "en".into(),
                submitted_url: "https://m.example.com/world/story".into(),
            },
        }
    }

    #[test]
    fn user_text_is_escaped_in_html_and_kept_in_text() {
        let email = alert().render().expect("renders");
        assert!(
            email.html.contains("&#60;b&#62;bold") || email.html.contains("&lt;b&gt;bold"),
            "{}",
            email.html
        );
        assert!(email.text.contains("<b>bold</b> claim"));
        assert_eq!(email.subject, "[World desk] New report: /world/story");
        let mut later = alert();
        later.report_count = 3;
        assert_eq!(
            later.render().expect("renders").subject,
            "[World desk] New report (3 in all): /world/story"
        );
        for body in [&email.text, &email.html] {
            assert!(body.contains("https://www.example.com/world/story"));
            assert!(body.contains("https://desk.example.com/desk/articles/7"));
            assert!(body.contains("https://desk.example.com/desk/reports/K7QXM2-PDH9TA"));
        }
    }

    #[test]
    fn articles_are_named_by_path_on_the_publishers_hosts() {
        let hosts = vec!["www.example.com".to_string()];
        assert_eq!(
            article_label(
                "https://www.example.com/world/2026/11/flood-figures",
                "www.example.com",
                &hosts
            ),
            "/world/2026/11/flood-figures"
        );
        assert_eq!(
            article_label(
                "https://www.example.com/story?id=4",
                "www.example.com",
                &hosts
            ),
            "/story?id=4"
        );
        assert_eq!(
            article_label("https://examp1e.test/fake", "examp1e.test", &hosts),
            "examp1e.test/fake"
        );
    }

    #[test]
    fn headers_never_carry_line_breaks() {
        assert_eq!(
            header_text("New report\r\nBcc: x@y.z\n on story"),
            "New report Bcc: x@y.z on story"
        );
        let email = Email {
            subject: "Hello\r\nBcc: evil@example.org".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
            unsubscribe_url: Some("https://desk.example/u\r\nX: y".into()),
            language: "en",
        };
        let from: Mailbox = "Desk <desk@example.com>".parse().expect("mailbox");
        let message =
            build_message(&email, &from, &["a@example.org".into()], "abc123").expect("builds");
        let raw = String::from_utf8(message.formatted()).expect("utf8");
        let headers = raw.split("\r\n\r\n").next().unwrap_or_default();
        assert!(!headers.lines().any(|l| l.starts_with("Bcc:")), "{headers}");
        assert!(!headers.lines().any(|l| l.starts_with("X: y")), "{headers}");
        assert!(
            headers.contains("Message-ID: <abc123@example.com>"),
            "{headers}"
        );
        assert!(headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }

    #[test]
    fn bad_recipients_are_refused() {
        let email = alert().render().expect("renders");
        let from: Mailbox = "desk@example.com".parse().expect("mailbox");
        assert!(matches!(
            build_message(&email, &from, &[], "t"),
            Err(EmailError::NoRecipients)
        ));
        assert!(matches!(
            build_message(&email, &from, &["not an address".into()], "t"),
            Err(EmailError::Recipient(_))
        ));
    }
}
