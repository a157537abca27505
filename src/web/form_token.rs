//! Bot friction without third parties: the public form carries a signed token with the time it was
//! served, and a honeypot field that people never see. A form sent back sooner than a person could
//! fill it, or long after, is refused with a clear message and the input kept.

use chrono::NaiveDateTime;

use crate::config::Secret;
use crate::signing::{keyed_hex, tokens_match};

/// The hidden field that carries the token.
pub const FIELD: &str = "form_token";
/// The honeypot: hidden from people (and from screen readers); bots fill every field.
pub const HONEYPOT: &str = "website";
const PURPOSE: &str = "report-form";

/// What is wrong with a returned form's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// No token, or one we did not sign: the form was not loaded from us.
    Missing,
    /// Sent back sooner than `form_min_secs` after it was served.
    TooFast,
    /// Older than `form_max_age_secs`.
    Expired,
}

impl TokenProblem {
    /// Catalog id of the message shown above the form.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Missing => "form-token_missing",
            Self::TooFast => "form-too_fast",
            Self::Expired => "form-expired",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::TooFast => "too_fast",
            Self::Expired => "expired",
        }
    }
}

/// A token for a form served at `at`.
pub fn issue(secret: &Secret, at: NaiveDateTime) -> String {
    let issued = at.and_utc().timestamp();
    format!(
        "{issued}.{}",
        keyed_hex(secret, PURPOSE, issued.to_string().as_bytes())
    )
}

/// Checks a returned token at `now`.
pub fn check(
    secret: &Secret,
    token: Option<&str>,
    now: NaiveDateTime,
    min_secs: u64,
    max_age_secs: u64,
) -> Result<(), TokenProblem> {
    let (issued, mac) = token
        .and_then(|t| t.trim().split_once('.'))
        .ok_or(TokenProblem::Missing)?;
    let expected = keyed_hex(secret, PURPOSE, issued.as_bytes());
    if !tokens_match(mac, &expected) {
        return Err(TokenProblem::Missing);
    }
    let issued: i64 = issued.parse().map_err(|_| TokenProblem::Missing)?;
    let age = now.and_utc().timestamp() - issued;
    if age < min_secs as i64 {
        return Err(TokenProblem::TooFast);
    }
    if age > max_age_secs as i64 {
        return Err(TokenProblem::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_780_000_000 + secs, 0)
            .expect("time")
            .naive_utc()
    }

    #[test]
    fn a_token_passes_between_the_minimum_and_the_maximum_age() {
        let key = Secret::new("k");
        let token = issue(&key, at(0));
        assert_eq!(
            check(&key, Some(&token), at(1), 3, 60),
            Err(TokenProblem::TooFast)
        );
        assert_eq!(check(&key, Some(&token), at(3), 3, 60), Ok(()));
        assert_eq!(check(&key, Some(&token), at(60), 3, 60), Ok(()));
        assert_eq!(
            check(&key, Some(&token), at(61), 3, 60),
            Err(TokenProblem::Expired)
        );
    }

    #[test]
    fn forged_or_missing_tokens_are_refused() {
        let key = Secret::new("k");
        let token = issue(&key, at(0));
        assert_eq!(check(&key, None, at(10), 3, 60), Err(TokenProblem::Missing));
        assert_eq!(
            check(&key, Some(""), at(10), 3, 60),
            Err(TokenProblem::Missing)
        );
        assert_eq!(
            check(&Secret::new("other"), Some(&token), at(10), 3, 60),
            Err(TokenProblem::Missing)
        );
        // An older issue time with the same signature is not accepted.
        let (_, mac) = token.split_once('.').expect("dot");
        let backdated = format!("{}.{mac}", at(-30).and_utc().timestamp());
        assert_eq!(
            check(&key, Some(&backdated), at(10), 3, 60),
            Err(TokenProblem::Missing)
        );
    }
}
