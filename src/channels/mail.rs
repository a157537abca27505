//! One raw RFC 5322 message as the mail gateway reads it, without a database: who sent it, what
//! it says (quoted replies and signatures trimmed), the links in it, its language, what marks it
//! as automatic mail (a loop or bulk), and what it replies to.
//!
//! MIME is mail-parser's (multipart, quoted-printable, base64, legacy charsets such as GB2312,
//! Big5 and windows-1252 through its `full_encoding` feature; an HTML-only body is turned into
//! text).

use mail_parser::{HeaderValue, MessageParser};

/// The longest link kept; longer ones are not what a reader pastes.
const MAX_LINK_CHARS: usize = 2_048;

/// Why a message cannot be read as mail at all (the gateway answers EX_DATAERR).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    #[error("the message is empty")]
    Empty,
    #[error("the input is not an RFC 5322 message: it has no header fields")]
    NoHeaders,
    #[error("the message has no From address")]
    NoSender,
}

/// What marks a message as written by a machine: it is logged and neither stored as a report nor
/// answered, so two autoresponders never mail each other for ever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutomaticMail {
    /// `Auto-Submitted` other than `no` (RFC 3834).
    AutoSubmitted(String),
    /// `Precedence: bulk`, `junk` or `list`.
    Precedence(String),
    /// `X-Autoreply`, `X-Autorespond` or `X-Auto-Response-Suppress: All`-style markers.
    AutoReply,
    /// A mailing list's message (`List-Id`).
    MailingList,
    /// From a mail system itself (MAILER-DAEMON, postmaster).
    MailSystem(String),
    /// A delivery status notification (`multipart/report`).
    Bounce,
}

impl AutomaticMail {
    /// Said on standard output after `ignored: ` and kept with the message.
    pub fn reason(&self) -> String {
        match self {
            Self::AutoSubmitted(value) => format!("automatic mail (Auto-Submitted: {value})"),
            Self::Precedence(value) => format!("bulk mail (Precedence: {value})"),
            Self::AutoReply => "an auto-reply (X-Autoreply)".to_string(),
            Self::MailingList => "mailing-list mail (List-Id)".to_string(),
            Self::MailSystem(sender) => format!("from the mail system ({sender})"),
            Self::Bounce => "a delivery status notification (bounce)".to_string(),
        }
    }
}

/// A message as the desk reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMail {
    /// The From address, lowercased domain and all (`None` never: see [`MailError::NoSender`]).
    pub sender: String,
    pub sender_name: Option<String>,
    pub subject: String,
    /// Its own Message-ID, without the angle brackets.
    pub message_id: Option<String>,
    /// What it answers: `In-Reply-To` then `References`, without angle brackets, nearest first.
    pub replies_to: Vec<String>,
    /// From `Content-Language`, else guessed from the text (a BCP 47 tag).
    pub language: Option<String>,
    /// The text, with quoted replies and the signature trimmed.
    pub text: String,
    /// Every http(s) link in the body (text and HTML), in order, each once.
    pub links: Vec<String>,
    pub automatic: Option<AutomaticMail>,
}

/// Reads one raw message.
pub fn parse(raw: &[u8]) -> Result<IncomingMail, MailError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MailError::Empty);
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(MailError::NoHeaders)?;
    if message.headers().is_empty() {
        return Err(MailError::NoHeaders);
    }
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|addr| addr.address().map(|a| (a.trim().to_string(), addr.name())))
        .filter(|(a, _)| a.contains('@'))
        .ok_or(MailError::NoSender)?;
    let (sender, name) = from;
    let sender_name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());

    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let automatic = automatic_mail(&sender, &header);

    let mut text = String::new();
    let mut links = Vec::new();
    for i in 0..message.text_body_count().max(1) {
        if let Some(part) = message.body_text(i) {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&part);
        }
    }
    for i in 0..message.html_body_count() {
        if let Some(html) = message.body_html(i) {
            links.extend(html_links(&html));
        }
    }
    let text = trim_reply(&text);
    let mut all_links = find_links(&text);
    all_links.extend(links);
    let mut links: Vec<String> = Vec::new();
    for link in all_links {
        if !links.contains(&link) {
            links.push(link);
        }
    }

    let mut replies_to = ids(message.in_reply_to());
    for id in ids(message.references()).into_iter().rev() {
        if !replies_to.contains(&id) {
            replies_to.push(id);
        }
    }
    let language = header("Content-Language")
        .and_then(|v| v.split(',').next().map(|t| t.trim().to_string()))
        .filter(|t| is_language_tag(t))
        .or_else(|| detect_language(own_words(&text)));
    Ok(IncomingMail {
        sender,
        sender_name,
        subject: message.subject().unwrap_or_default().trim().to_string(),
        message_id: message
            .message_id()
            .map(bare_id)
            .filter(|id| !id.is_empty()),
        replies_to,
        language,
        text,
        links,
        automatic,
    })
}

fn automatic_mail(sender: &str, header: &dyn Fn(&str) -> Option<String>) -> Option<AutomaticMail> {
    // A bounce usually says Auto-Submitted too: name it for what it is.
    if header("Content-Type")
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/report"))
    {
        return Some(AutomaticMail::Bounce);
    }
    if let Some(value) = header("Auto-Submitted")
        && !value.to_ascii_lowercase().starts_with("no")
    {
        return Some(AutomaticMail::AutoSubmitted(value));
    }
    if let Some(value) = header("Precedence") {
        let lower = value.to_ascii_lowercase();
        if ["bulk", "junk", "list", "auto_reply"].contains(&lower.as_str()) {
            return Some(AutomaticMail::Precedence(value));
        }
    }
    if header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("X-Auto-Response-Suppress").is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("all") || v.contains("autoreply")
        })
    {
        return Some(AutomaticMail::AutoReply);
    }
    if header("List-Id").is_some() {
        return Some(AutomaticMail::MailingList);
    }
    let local = sender
        .rsplit_once('@')
        .map(|(l, _)| l)
        .unwrap_or(sender)
        .to_ascii_lowercase();
    if ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"].contains(&local.as_str()) {
        return Some(AutomaticMail::MailSystem(sender.to_string()));
    }
    None
}

/// Message ids in a header value, without angle brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<String> = match value {
        HeaderValue::Text(text) => vec![text.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    raw.iter()
        .flat_map(|v| v.split_whitespace().map(bare_id).collect::<Vec<_>>())
        .filter(|id| !id.is_empty())
        .collect()
}

fn bare_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// The writer's own words: quoted lines (`>`), the "On … wrote:" line above them, a forwarded
/// reply's old history after "-----Original Message-----", and the signature after `-- ` go.
/// A forwarded message ("---------- Forwarded message") is kept: it holds what is reported.
pub fn trim_reply(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut kept: Vec<&str> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_end();
        if trimmed == "--" && line.starts_with("--") && line.len() <= 3 {
            break;
        }
        if trimmed.starts_with("-----Original Message-----")
            || trimmed.starts_with("________________________________")
        {
            break;
        }
        if trimmed.trim_start().starts_with('>') {
            // A quote's introduction ("On Tue, … wrote:") is part of the quote.
            if kept.last().is_some_and(|l| {
                l.trim_end().ends_with("wrote:") || l.trim_end().ends_with("écrit :")
            }) {
                kept.pop();
            }
            continue;
        }
        kept.push(trimmed);
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let joined = kept.join("\n");
    // No more than one empty line in a row.
    let mut out = String::with_capacity(joined.len());
    let mut blank = 0;
    for line in joined.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

/// What the sender wrote above a forwarded message (all of it when that is empty).
fn own_words(text: &str) -> &str {
    let above = text
        .find("---------- Forwarded message")
        .or_else(|| text.find("-------- Original Message"))
        .or_else(|| text.find("Begin forwarded message:"))
        .map(|i| text[..i].trim())
        .unwrap_or(text);
    if above.is_empty() { text } else { above }
}

/// http(s) links in text, in order: up to whitespace or a delimiter, without trailing punctuation.
pub fn find_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| lower[from..].find(scheme).map(|i| from + i))
        .min()
    {
        let rest = &text[found..];
        let end = rest
            .find(|c: char| c.is_whitespace() || "<>\"'`()[]{}|\\^".contains(c))
            .unwrap_or(rest.len());
        let link = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '*']);
        if link.len() > "https://".len() && link.chars().count() <= MAX_LINK_CHARS {
            links.push(link.to_string());
        }
        from = found + end.max(1);
    }
    links
}

/// The targets of `href` attributes (HTML-only mails often hide the address behind a word).
fn html_links(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut links = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("href=") {
        let start = from + i + "href=".len();
        let rest = &html[start..];
        let (quote, body) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &rest[1..]),
            _ => (None, rest),
        };
        let end = match quote {
            Some(q) => body.find(q).unwrap_or(body.len()),
            None => body
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(body.len()),
        };
        let link = body[..end].replace("&amp;", "&");
        let link = link.trim();
        let scheme = link.to_ascii_lowercase();
        if (scheme.starts_with("https://") || scheme.starts_with("http://"))
            && link.chars().count() <= MAX_LINK_CHARS
        {
            links.push(link.to_string());
        }
        from = start;
    }
    links
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    primary
        && tag.len() <= 35
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The languages a guess may give, with the tags intake records. Simplified Chinese is what
/// mainland senders write; an editor can correct the rest.
const GUESSABLE: [(whatlang::Lang, &str); 15] = {
    use whatlang::Lang::*;
    [
        (Eng, "en"),
        (Cmn, "zh-Hans"),
        (Spa, "es"),
        (Fra, "fr"),
        (Rus, "ru"),
        (Ara, "ar"),
        (Deu, "de"),
        (Ita, "it"),
        (Nld, "nl"),
        (Pol, "pl"),
        (Por, "pt"),
        (Ukr, "uk"),
        (Tur, "tr"),
        (Jpn, "ja"),
        (Kor, "ko"),
    ]
};

/// The language of the text, when the guess is confident enough, as the tag intake records.
pub fn detect_language(text: &str) -> Option<String> {
    let detector =
        whatlang::Detector::with_allowlist(GUESSABLE.iter().map(|(lang, _)| *lang).collect());
    let info = detector.detect(text)?;
    if !(info.is_reliable() || info.confidence() >= 0.3) {
        return None;
    }
    GUESSABLE
        .iter()
        .find(|(lang, _)| *lang == info.lang())
        .map(|(_, tag)| (*tag).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(headers: &str, body: &str) -> Vec<u8> {
        format!("{headers}\r\n\r\n{body}").into_bytes()
    }

    const PLAIN: &str = "From: Ana Lima <ana@example.org>\r\nTo: reports@news.example\r\nSubject: Wrong figures\r\nMessage-ID: <abc@example.org>";

    #[test]
    fn a_plain_message_gives_sender_text_links_and_language() {
        let got = parse(&mail(
            PLAIN,
            "The article https://news.example/world/story, says the bridge cost 3 million, but the council's own budget says 30 million.\r\n\r\n-- \r\nAna\r\nhttps://ana.example/blog",
        ))
        .expect("parses");
        assert_eq!(got.sender, "ana@example.org");
        assert_eq!(got.sender_name.as_deref(), Some("Ana Lima"));
        assert_eq!(got.subject, "Wrong figures");
        assert_eq!(got.message_id.as_deref(), Some("abc@example.org"));
        assert_eq!(got.links, vec!["https://news.example/world/story"]);
        assert!(!got.text.contains("ana.example"), "signature trimmed");
        assert_eq!(got.language.as_deref(), Some("en"));
        assert_eq!(got.automatic, None);
    }

    #[test]
    fn quoted_replies_are_trimmed() {
        let text = "Here is the link you asked for: https://news.example/a\n\nOn Tue, 1 Dec 2026, Desk <desk@news.example> wrote:\n> We could not find the address.\n> Reply with it.\n";
        assert_eq!(
            trim_reply(text),
            "Here is the link you asked for: https://news.example/a"
        );
    }

    #[test]
    fn links_stop_at_delimiters_and_lose_trailing_punctuation() {
        assert_eq!(
            find_links(
                "see (https://a.example/x?y=1). And <http://b.example/z>, HTTPS://C.example/!"
            ),
            vec![
                "https://a.example/x?y=1",
                "http://b.example/z",
                "HTTPS://C.example/"
            ]
        );
        assert!(find_links("no links, just https:// alone").is_empty());
    }

    #[test]
    fn html_hrefs_are_found() {
        assert_eq!(
            html_links(
                r#"<p>Read <a href="https://news.example/a?x=1&amp;y=2">this</a> and <A HREF='http://b.example/'>that</A> <a href="mailto:x@y">m</a></p>"#
            ),
            vec!["https://news.example/a?x=1&y=2", "http://b.example/"]
        );
    }

    #[test]
    fn machines_are_recognised() {
        let cases = [
            ("Auto-Submitted: auto-replied", true),
            ("Auto-Submitted: no", false),
            ("Precedence: bulk", true),
            ("Precedence: list", true),
            ("X-Autoreply: yes", true),
            ("List-Id: <news.lists.example>", true),
        ];
        for (extra, automatic) in cases {
            let got = parse(&mail(&format!("{PLAIN}\r\n{extra}"), "hello there, a text"))
                .expect("parses");
            assert_eq!(got.automatic.is_some(), automatic, "{extra}");
        }
        let daemon = parse(&mail(
            "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered",
            "x",
        ))
        .expect("parses");
        assert!(matches!(
            daemon.automatic,
            Some(AutomaticMail::MailSystem(_))
        ));
    }

    #[test]
    fn replies_name_what_they_answer_nearest_first() {
        let got = parse(&mail(
            &format!("{PLAIN}\r\nIn-Reply-To: <t2@news.example>\r\nReferences: <t1@news.example> <t2@news.example>"),
            "thanks",
        ))
        .expect("parses");
        assert_eq!(got.replies_to, vec!["t2@news.example", "t1@news.example"]);
    }

    #[test]
    fn short_or_ambiguous_texts_give_no_guess() {
        assert_eq!(detect_language("ok"), None);
        assert_eq!(
            detect_language(
                "Der Artikel nennt die falsche Zahl der Opfer, es waren nicht zwanzig, sondern zwei."
            ),
            Some("de".to_string())
        );
    }

    #[test]
    fn content_language_wins_over_the_guess() {
        let got = parse(&mail(
            &format!("{PLAIN}\r\nContent-Language: fr-CA"),
            "The article is wrong about the date of the election and the figures.",
        ))
        .expect("parses");
        assert_eq!(got.language.as_deref(), Some("fr-CA"));
    }

    #[test]
    fn what_is_not_mail_is_refused() {
        assert_eq!(parse(b"  \r\n"), Err(MailError::Empty));
        assert_eq!(
            parse(&mail("Subject: no sender", "body")),
            Err(MailError::NoSender)
        );
    }
}
