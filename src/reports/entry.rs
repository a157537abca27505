//! Reports an editor records for a reader who called, wrote a letter or came in: the public
//! form's fields, checked by the same [`ReportInput::parse`], plus the channel, the reader's phone
//! number and whether the reader agreed to their contact details being kept.
//!
//! Consent: without it, a name, an email or a phone number is refused (the form comes back with
//! the message beside each of them), never silently dropped: the editor typed it, so either the
//! reader agreed and the box was forgotten, or it must not be kept; only the editor knows which.

use serde::{Deserialize, Serialize};

use super::Channel;
use super::input::{FieldErrors, IntakeRules, NewReport, ReportInput};
use crate::i18n::Messages;

pub const MAX_PHONE_CHARS: usize = 40;
const MIN_PHONE_DIGITS: usize = 5;
/// E.164 allows 15 digits; an extension or a trunk prefix adds a few.
const MAX_PHONE_DIGITS: usize = 20;

/// What an editor sends (the dashboard's form or the editor API, the same names). Everything is
/// optional here so that a missing field gets its message beside it, as on the public form.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EntryInput {
    /// `phone`, `letter` or `in_person`.
    #[schema(required = true, value_type = EnteredChannel)]
    pub channel: String,
    /// As in the public API.
    #[schema(required = true, max_length = 2048, format = "uri")]
    pub article_url: String,
    #[schema(required = true, value_type = super::Category)]
    pub category: String,
    #[schema(max_length = 2000)]
    pub passage: Option<String>,
    #[schema(required = true, min_length = 10, max_length = 5000)]
    pub explanation: String,
    #[schema(max_items = 5, inline, value_type = Vec<super::input::EvidenceUrl>)]
    pub evidence_urls: Vec<String>,
    #[schema(max_length = 35, example = "en")]
    pub language: Option<String>,
    #[schema(max_length = 200)]
    pub reporter_name: Option<String>,
    #[schema(max_length = 254, format = Email)]
    pub reporter_email: Option<String>,
    /// The number the caller agreed to leave (at most 40 characters, 20 digits).
    #[schema(max_length = 40)]
    pub reporter_phone: Option<String>,
    pub wants_outcome: bool,
    /// The reader agreed that their contact details are kept for this report.
    pub contact_consent: bool,
}

/// The ways in an editor enters for a reader.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum EnteredChannel {
    Phone,
    Letter,
    InPerson,
}

/// A checked entry: only valid values.
#[derive(Debug, Clone)]
pub struct Entry {
    pub channel: Channel,
    pub report: NewReport,
    pub reporter_phone: Option<String>,
    pub contact_consent: bool,
}

impl EntryInput {
    /// The part the public form has too.
    pub fn report_input(&self) -> ReportInput {
        ReportInput {
            article_url: self.article_url.clone(),
            category: self.category.clone(),
            passage: self.passage.clone(),
            explanation: self.explanation.clone(),
            evidence_urls: self.evidence_urls.clone(),
            language: self.language.clone(),
            reporter_name: self.reporter_name.clone(),
            reporter_email: self.reporter_email.clone(),
            wants_outcome: self.wants_outcome,
        }
    }

    /// What was asked for, whatever its spelling (for the Idempotency-Key's hash).
    pub fn normalized(&self) -> Self {
        let report = self.report_input().normalized();
        Self {
            channel: self.channel.trim().to_string(),
            article_url: report.article_url,
            category: report.category,
            passage: report.passage,
            explanation: report.explanation,
            evidence_urls: report.evidence_urls,
            language: report.language,
            reporter_name: report.reporter_name,
            reporter_email: report.reporter_email,
            reporter_phone: self
                .reporter_phone
                .as_deref()
                .map(|p| normalize_phone(p).unwrap_or_else(|_| p.trim().to_string()))
                .filter(|p| !p.is_empty()),
            wants_outcome: report.wants_outcome,
            contact_consent: self.contact_consent,
        }
    }

    /// Parse, don't validate: every bad field named, with the public form's messages for the
    /// fields it shares (`t`) and the dashboard's for the others (`desk`).
    pub fn parse(
        &self,
        rules: &IntakeRules<'_>,
        t: &Messages,
        desk: &Messages,
    ) -> Result<Entry, FieldErrors> {
        let mut errors = FieldErrors::default();
        let channel = Channel::parse(self.channel.trim()).filter(|c| c.is_entered_by_editors());
        if channel.is_none() {
            let names: Vec<&str> = Channel::ENTERED_BY_EDITORS
                .iter()
                .map(|c| c.as_str())
                .collect();
            errors.add(
                "channel",
                desk.t_with(
                    "desk-entry-channel_invalid",
                    &[("channels", &names.join(", "))],
                ),
            );
        }
        let phone = match self.reporter_phone.as_deref().map(normalize_phone) {
            None => None,
            Some(Ok(phone)) => Some(phone).filter(|p| !p.is_empty()),
            Some(Err(PhoneError::TooLong)) => {
                errors.add(
                    "reporter_phone",
                    desk.t_with(
                        "desk-entry-phone_too_long",
                        &[("max", &MAX_PHONE_CHARS.to_string())],
                    ),
                );
                None
            }
            Some(Err(PhoneError::NotANumber)) => {
                errors.add("reporter_phone", desk.t("desk-entry-phone_invalid"));
                None
            }
        };
        let report = self.report_input().parse(rules, t);
        if !self.contact_consent {
            let given = self.report_input().normalized();
            let contact = [
                ("reporter_name", given.reporter_name.is_some()),
                ("reporter_email", given.reporter_email.is_some()),
                (
                    "reporter_phone",
                    self.reporter_phone
                        .as_deref()
                        .is_some_and(|p| !p.trim().is_empty()),
                ),
            ];
            let mut refused = false;
            for (field, present) in contact {
                if present {
                    errors.add(field, desk.t("desk-entry-no_consent"));
                    refused = true;
                }
            }
            if refused {
                errors.add("contact_consent", desk.t("desk-entry-consent_missing"));
            }
        }
        match report {
            Err(found) => {
                errors.merge(found);
                Err(errors)
            }
            Ok(report) if errors.is_empty() => Ok(Entry {
                // Checked above: no error means a channel.
                channel: channel.unwrap_or(Channel::Phone),
                report,
                reporter_phone: phone,
                contact_consent: self.contact_consent,
            }),
            Ok(_) => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    TooLong,
    NotANumber,
}

/// A phone number as people write it: digits, spaces, dashes, dots, slashes and brackets, a `+`
/// only in front. Runs of spaces become one; an empty value stays empty (no number given).
pub fn normalize_phone(input: &str) -> Result<String, PhoneError> {
    // Control characters (a pasted tab or line break) separate like spaces.
    let cleaned: String = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if cleaned.is_empty() {
        return Ok(cleaned);
    }
    if cleaned.chars().count() > MAX_PHONE_CHARS {
        return Err(PhoneError::TooLong);
    }
    let allowed = |(i, c): (usize, char)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '/' | '(' | ')') || (c == '+' && i == 0)
    };
    let digits = cleaned.chars().filter(char::is_ascii_digit).count();
    if !cleaned.chars().enumerate().all(allowed)
        || !(MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits)
    {
        return Err(PhoneError::NotANumber);
    }
    Ok(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::articles::UrlPolicy;
    use crate::i18n::messages;

    fn policy() -> UrlPolicy {
        UrlPolicy::new(&["www.example.com".to_string()], &[], &[], &[], &[])
    }

    fn valid() -> EntryInput {
        EntryInput {
            channel: "phone".into(),
            article_url: "https://www.example.com/world/story?utm_source=x".into(),
            category: "false_claim".into(),
            explanation: "The caller says the figure in paragraph 3 is wrong.".into(),
            ..EntryInput::default()
        }
    }

    fn parse(input: &EntryInput) -> Result<Entry, FieldErrors> {
        let urls = policy();
        input.parse(
            &IntakeRules {
                urls: &urls,
                default_language: "en",
            },
            messages("en"),
            messages("en"),
        )
    }

    #[test]
    fn an_anonymous_call_is_a_report_like_the_forms() {
        let entry = parse(&valid()).expect("valid");
        assert_eq!(entry.channel, Channel::Phone);
        assert_eq!(
            entry.report.article.as_str(),
            "https://www.example.com/world/story"
        );
        assert_eq!(entry.reporter_phone, None);
        assert!(!entry.contact_consent);
    }

    #[test]
    fn only_the_editors_channels_are_taken() {
        for channel in ["phone", "letter", "in_person", " letter "] {
            let mut input = valid();
            input.channel = channel.into();
            assert!(parse(&input).is_ok(), "{channel}");
        }
        for channel in ["web_form", "api", "email", "fax", ""] {
            let mut input = valid();
            input.channel = channel.into();
            let errors = parse(&input).expect_err(channel);
            assert!(
                errors.get("channel")[0].contains("phone, letter, in_person"),
                "{errors:?}"
            );
        }
    }

    #[test]
    fn contact_details_need_the_readers_consent() {
        let mut input = valid();
        input.reporter_name = Some("Ana Caller".into());
        input.reporter_phone = Some("+44 20 7946 0000".into());
        let errors = parse(&input).expect_err("no consent");
        let refused = messages("en").t("desk-entry-no_consent");
        assert_eq!(errors.get("reporter_name"), std::slice::from_ref(&refused));
        assert_eq!(errors.get("reporter_phone"), [refused]);
        assert!(!errors.has("reporter_email"));
        assert!(errors.has("contact_consent"));
        input.contact_consent = true;
        let entry = parse(&input).expect("with consent");
        assert_eq!(entry.reporter_phone.as_deref(), Some("+44 20 7946 0000"));
        assert_eq!(entry.report.reporter_name.as_deref(), Some("Ana Caller"));
        assert!(entry.contact_consent);
    }

    #[test]
    fn the_public_forms_messages_come_with_the_entrys_own() {
        let mut input = valid();
        input.explanation = "short".into();
        input.channel = "web_form".into();
        input.reporter_phone = Some("call me".into());
        input.contact_consent = true;
        let errors = parse(&input).expect_err("invalid");
        for field in ["explanation", "channel", "reporter_phone"] {
            assert!(errors.has(field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn phone_numbers_are_written_as_people_write_them() {
        assert_eq!(
            normalize_phone("  +44  20 7946\t0000 ").as_deref(),
            Ok("+44 20 7946 0000")
        );
        assert_eq!(
            normalize_phone("(030) 123-45.67/8").as_deref(),
            Ok("(030) 123-45.67/8")
        );
        assert_eq!(normalize_phone(" ").as_deref(), Ok(""));
        for bad in ["call me", "0800-FLOWERS", "12+34567", "1234", "++441234567"] {
            assert_eq!(normalize_phone(bad), Err(PhoneError::NotANumber), "{bad}");
        }
        assert_eq!(normalize_phone(&"1".repeat(41)), Err(PhoneError::TooLong));
        assert_eq!(
            normalize_phone(&"1".repeat(21)),
            Err(PhoneError::NotANumber)
        );
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        let mut input = valid();
        input.reporter_phone = Some(" +44  20 ".into());
        input.channel = " phone ".into();
        let once = input.normalized();
        assert_eq!(format!("{:?}", once.normalized()), format!("{once:?}"));
    }
}
