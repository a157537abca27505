//! Privacy by default: retention (the purge, by command and by a job in the server), erasure of a
//! reporter's data on request, and keeping personal data out of logs.

pub mod http;
pub mod repo;
pub mod service;

use chrono::NaiveDateTime;

use crate::config::Secret;
use crate::signing::{keyed_hex, tokens_match};

pub use service::{PurgeCounts, purge};

/// Replaces every email address in `text` (an SMTP server's answer quotes the recipient) by
/// `[email]`, so error messages can be logged and stored without the address.
pub fn redact_emails(text: &str) -> String {
    let is_local = |c: char| c.is_alphanumeric() || "._%+-'!#$&*/=?^`{|}~".contains(c);
    let is_domain = |c: char| c.is_alphanumeric() || c == '.' || c == '-';
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            // Walk back over the local part already copied, forward over the domain.
            let mut start = i;
            while start > 0 && is_local(chars[start - 1]) {
                start -= 1;
            }
            let mut end = i + 1;
            while end < chars.len() && is_domain(chars[end]) {
                end += 1;
            }
            // Trailing dots and dashes belong to the sentence, not the domain.
            while end > i + 1 && matches!(chars[end - 1], '.' | '-') {
                end -= 1;
            }
            if start < i && end > i + 1 {
                let local_len: usize = chars[start..i].iter().map(|c| c.len_utf8()).sum();
                out.truncate(out.len() - local_len);
                out.push_str("[email]");
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Bidirectional controls (RLO, LRI, ...) and other invisible format characters, which can make
/// a report's text read differently from what it holds. The dashboard shows them, never applies them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c,
        '\u{200E}' | '\u{200F}' | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// The text with each control replaced by a visible mark naming it, like `[U+202E]`.
pub fn show_bidi_controls(text: &str) -> (String, bool) {
    if !text.chars().any(is_bidi_control) {
        return (text.to_string(), false);
    }
    let shown = text
        .chars()
        .map(|c| {
            if is_bidi_control(c) {
                format!("[U+{:04X}]", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect();
    (shown, true)
}

/// The signed part of an erasure link: the report, and until when the link is valid.
pub fn erasure_token(secret: &Secret, tracking_code: &str, expires: i64) -> String {
    keyed_hex(
        secret,
        "erase-reporter-data",
        format!("{tracking_code}:{expires}").as_bytes(),
    )
}

/// Checks an erasure link at `now`.
pub fn erasure_link_valid(
    secret: &Secret,
    tracking_code: &str,
    expires: i64,
    token: &str,
    now: NaiveDateTime,
) -> bool {
    tokens_match(token, &erasure_token(secret, tracking_code, expires))
        && now.and_utc().timestamp() <= expires
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_redacted_from_server_answers() {
        assert_eq!(
            redact_emails("550 5.1.1 <ana.reader+desk@example.org>: Recipient address rejected"),
            "550 5.1.1 <[email]>: Recipient address rejected"
        );
        assert_eq!(
            redact_emails("invalid recipient \"zoë@exämple.org\". Then b@c.d."),
            "invalid recipient \"[email]\". Then [email]."
        );
        assert_eq!(
            redact_emails("no address @ here, a@ nor @b"),
            "no address @ here, a@ nor @b"
        );
        assert_eq!(redact_emails(""), "");
    }

    #[test]
    fn bidi_controls_are_shown_not_applied() {
        let (shown, found) = show_bidi_controls("invoice\u{202E}gpj.exe");
        assert!(found);
        assert_eq!(shown, "invoice[U+202E]gpj.exe");
        assert!(!shown.chars().any(is_bidi_control));
        let (plain, found) = show_bidi_controls("مرحبا hello");
        assert!(!found);
        assert_eq!(plain, "مرحبا hello");
    }

    #[test]
    fn erasure_links_are_signed_and_expire() {
        let key = Secret::new("k");
        let now = chrono::DateTime::from_timestamp(1_780_000_000, 0)
            .expect("time")
            .naive_utc();
        let expires = now.and_utc().timestamp() + 60;
        let token = erasure_token(&key, "ABCDEF-GHJKLM", expires);
        assert!(erasure_link_valid(
            &key,
            "ABCDEF-GHJKLM",
            expires,
            &token,
            now
        ));
        assert!(!erasure_link_valid(
            &key,
            "ABCDEF-GHJKLN",
            expires,
            &token,
            now
        ));
        assert!(!erasure_link_valid(
            &key,
            "ABCDEF-GHJKLM",
            expires + 1,
            &token,
            now
        ));
        let later = now + chrono::Duration::seconds(61);
        assert!(!erasure_link_valid(
            &key,
            "ABCDEF-GHJKLM",
            expires,
            &token,
            later
        ));
    }
}
