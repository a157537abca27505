//! Reports taken by phone, letter or in person, recorded by an editor: the page
//! `GET/POST /desk/reports/new`, the page that then reads the tracking code aloud
//! (`GET /desk/reports/{code}/entered`), and the editor API's `POST /api/v1/desk/reports`.
//! Thin: the entry is checked by `reports::entry` (the public form's own checks inside) and
//! stored by the same `reports::service::submit` as every other report, so it is canonicalised,
//! grouped, routed and acknowledged like them; the editor is the actor of its `created` event.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, post, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::Editor;
use super::api::Authenticated;
use super::auth::{self, SignedIn};
use super::pages::{DeskNav, language_label};
use crate::error::{AppError, HtmlError};
use crate::i18n::{Messages, messages};
use crate::reports::entry::{Entry, EntryInput, MAX_PHONE_CHARS};
use crate::reports::input::{IntakeRules, evidence_slots};
use crate::reports::service::{
    self, Acknowledgement, EditorEntry, IdempotencyKey, Submission, SubmitOutcome, Submitted,
};
use crate::reports::tracking::Spoken;
use crate::reports::{Category, Channel, FieldErrors, ReportError, TrackingCode};
use crate::web::api_docs::ErrorResponse;
use crate::web::state::AppState;
use crate::web::{Choice, body, page, see_other};

const PAGE_LANGUAGE: &str = "en";

fn rules(state: &AppState) -> IntakeRules<'_> {
    IntakeRules {
        urls: &state.urls,
        default_language: &state.settings.intake.default_language,
    }
}

/// Stores a checked entry as a report of its channel, entered by `editor`.
async fn store(
    state: &AppState,
    editor: &Editor,
    entry: Entry,
    idempotency: Option<IdempotencyKey>,
) -> Result<(Submitted, SubmitOutcome), ReportError> {
    let Entry {
        channel,
        report,
        reporter_phone,
        contact_consent,
    } = entry;
    let category = report.category.as_str();
    let submission = Submission {
        report,
        channel,
        // The editor's own address says nothing about the reader: no client hash.
        client_hash: None,
        idempotency,
        spam: None,
        entered: Some(EditorEntry {
            actor: editor.actor(),
            reporter_phone,
            contact_consent,
        }),
    };
    let stored = service::submit(&state.db, state.intake.clone(), submission).await?;
    state.wakeup.wake();
    if stored.1 == SubmitOutcome::Created {
        state.metrics.report_received(category, channel.as_str());
    }
    Ok(stored)
}

// ---------------------------------------------------------------- the page

/// The form's fields in the order the editor meets them (the error summary's order).
const FORM_ORDER: [&str; 12] = [
    "channel",
    "article_url",
    "category",
    "passage",
    "explanation",
    "evidence_urls",
    "language",
    "contact_consent",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "wants_outcome",
];

pub struct SummaryItem {
    pub anchor: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "dashboard/report_new.html")]
pub struct NewReportPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub input: EntryInput,
    pub errors: FieldErrors,
    pub summary: Vec<SummaryItem>,
    pub channels: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub evidence_slots: Vec<String>,
    pub max_phone: usize,
}

impl NewReportPage<'_> {
    pub fn value<'v>(&self, field: &'v Option<String>) -> &'v str {
        field.as_deref().unwrap_or("")
    }
}

/// The dashboard's label of a field (`desk-entry-<field>`).
fn label(t: &Messages, field: &str) -> String {
    t.t(&format!("desk-entry-{field}"))
}

fn summary(t: &Messages, errors: &FieldErrors) -> Vec<SummaryItem> {
    FORM_ORDER
        .iter()
        .flat_map(|field| {
            let anchor = match *field {
                "channel" => format!("channel-{}", Channel::ENTERED_BY_EDITORS[0].as_str()),
                "category" => format!("category-{}", Category::ALL[0].as_str()),
                "evidence_urls" => "evidence_urls-1".to_string(),
                other => other.to_string(),
            };
            errors.get(field).iter().map(move |message| SummaryItem {
                anchor: anchor.clone(),
                text: format!("{}: {message}", label(t, field)),
            })
        })
        .collect()
}

async fn new_report_page<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    input: EntryInput,
    errors: FieldErrors,
) -> Result<NewReportPage<'a>, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let channels = Channel::ENTERED_BY_EDITORS
        .into_iter()
        .map(|c| Choice {
            value: c.as_str().to_string(),
            label: t.t(c.label_id()),
            selected: input.channel == c.as_str(),
        })
        .collect();
    let categories = Choice::categories(t, &input.category);
    let intake = &state.settings.intake;
    let chosen = input
        .language
        .clone()
        .unwrap_or_else(|| intake.default_language.clone());
    let languages = intake
        .languages
        .iter()
        .map(|tag| Choice {
            value: tag.clone(),
            label: language_label(t, tag),
            selected: tag.eq_ignore_ascii_case(&chosen),
        })
        .collect();
    let evidence_slots = evidence_slots(&input.evidence_urls);
    Ok(NewReportPage {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(state, signed_in, "new_report", None).await?,
        summary: summary(t, &errors),
        input,
        errors,
        channels,
        categories,
        languages,
        evidence_slots,
        max_phone: MAX_PHONE_CHARS,
    })
}

#[derive(Deserialize)]
pub struct NewReportQuery {
    channel: Option<String>,
    url: Option<String>,
}

/// `GET /desk/reports/new?channel=letter&url=…`: the form, on the phone unless asked otherwise.
pub async fn form(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<NewReportQuery>,
) -> Result<HttpResponse, HtmlError> {
    let query = query.into_inner();
    let channel = query
        .channel
        .as_deref()
        .and_then(Channel::parse)
        .filter(|c| c.is_entered_by_editors())
        .unwrap_or(Channel::Phone);
    let input = EntryInput {
        channel: channel.as_str().to_string(),
        article_url: query.url.unwrap_or_default(),
        ..EntryInput::default()
    };
    let view = new_report_page(&state, &signed_in, input, FieldErrors::default()).await?;
    Ok(page(StatusCode::OK, &view)?)
}

/// The form's body: the entry and the CSRF token.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct EntryForm {
    csrf: String,
    channel: String,
    article_url: String,
    category: String,
    passage: Option<String>,
    explanation: String,
    evidence_urls: Vec<String>,
    language: Option<String>,
    reporter_name: Option<String>,
    reporter_email: Option<String>,
    reporter_phone: Option<String>,
    wants_outcome: bool,
    contact_consent: bool,
}

impl From<EntryForm> for EntryInput {
    fn from(form: EntryForm) -> Self {
        Self {
            channel: form.channel,
            article_url: form.article_url,
            category: form.category,
            passage: form.passage,
            explanation: form.explanation,
            evidence_urls: form.evidence_urls,
            language: form.language,
            reporter_name: form.reporter_name,
            reporter_email: form.reporter_email,
            reporter_phone: form.reporter_phone,
            wants_outcome: form.wants_outcome,
            contact_consent: form.contact_consent,
        }
    }
}

/// `POST /desk/reports/new`: bad input comes back with the messages beside each field and
/// everything typed kept; a saved report goes to the page that reads its code aloud (a
/// redirect, so a reload cannot save it twice).
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let form: EntryForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let input = EntryInput::from(form);
    let entry = match input.parse(&rules(&state), t, t) {
        Ok(entry) => entry,
        Err(errors) => {
            let view = new_report_page(&state, &signed_in, input, errors).await?;
            return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &view)?);
        }
    };
    let (submitted, _) = store(&state, &signed_in.editor, entry, None)
        .await
        .map_err(AppError::from)?;
    Ok(see_other(&format!(
        "/desk/reports/{}/entered",
        submitted.tracking_code
    )))
}

/// One group of a code read aloud: its symbols and how each is said.
pub struct SpokenGroup {
    pub symbols: String,
    pub said: Vec<String>,
}

/// The code for reading aloud, in words: "K as in Kilo", "seven", ...
pub fn spelled(t: &Messages, code: &TrackingCode) -> Vec<SpokenGroup> {
    code.spoken()
        .into_iter()
        .map(|group| SpokenGroup {
            symbols: group.iter().map(|s| s.symbol()).collect(),
            said: group
                .iter()
                .map(|s| match *s {
                    Spoken::Letter(letter, word) => t.t_with(
                        "desk-spell-letter",
                        &[("letter", &letter.to_string()), ("word", word)],
                    ),
                    Spoken::Digit(digit) => {
                        t.t_with("desk-spell-digit", &[("digit", &digit.to_string())])
                    }
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard/report_entered.html")]
pub struct EnteredPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub code: String,
    pub groups: Vec<SpokenGroup>,
    pub article_url: String,
    pub status_url: String,
    /// Whether an acknowledgement goes to the reader, in words.
    pub acknowledgement: String,
    pub another_link: String,
}

/// `GET /desk/reports/{code}/entered`: the tracking code large, in groups of three, spelled for
/// reading aloud; whether the reader is emailed; and on to the next call.
pub async fn entered(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, HtmlError> {
    let t = messages(PAGE_LANGUAGE);
    let not_found = || AppError::NotFound("No report has that tracking code.".into());
    let code = TrackingCode::parse(&path).ok_or_else(not_found)?;
    let thanks = match service::thanks_view(&state.db, code.clone()).await {
        Err(ReportError::NotFound) => return Err(not_found().into()),
        other => other.map_err(AppError::from)?,
    };
    let (report, _, _) = crate::reports::editorial::detail(&state.db, code.clone())
        .await
        .map_err(AppError::from)?;
    // The next report is most likely taken the same way.
    let channel = Channel::parse(&report.channel)
        .filter(|c| c.is_entered_by_editors())
        .unwrap_or(Channel::Phone);
    let acknowledgement = t.t(match thanks.acknowledgement {
        Acknowledgement::Emailed => "desk-entered-ack-emailed",
        Acknowledgement::NoAddress => "desk-entered-ack-no_address",
        Acknowledgement::DailyCapReached => "desk-entered-ack-daily_cap",
        Acknowledgement::Undelivered => "desk-entered-ack-undelivered",
    });
    let view = EnteredPage {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(&state, &signed_in, "new_report", None).await?,
        groups: spelled(t, &code),
        code: code.to_string(),
        article_url: thanks.status.canonical_url,
        status_url: format!(
            "{}/status/{code}",
            state.settings.server.public_url.trim_end_matches('/')
        ),
        acknowledgement,
        another_link: format!("/desk/reports/new?channel={}", channel.as_str()),
    };
    Ok(page(StatusCode::OK, &view)?)
}

// ---------------------------------------------------------------- the editor API

/// `POST /api/v1/desk/reports`: the public API's fields plus `channel` (`phone`, `letter`,
/// `in_person`), `reporter_phone` and `contact_consent`; unknown fields refused. → 201 with the
/// tracking code. An `Idempotency-Key` makes a call-centre tool's retry safe, as on the public
/// API.
#[utoipa::path(
    tag = "desk",
    operation_id = "enter_report",
    summary = "Enter a report taken by phone, letter or in person",
    request_body(content = EntryInput, content_type = "application/json"),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255,
            description = "1 to 255 printable ASCII characters: the same key and body never make two reports."),
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored.", body = Entered,
            headers(("Location" = String, description = "`/api/v1/desk/reports/{tracking_code}`"))),
        (status = 400, description = "Malformed JSON, a field of the wrong type, an unknown field or a bad Idempotency-Key.", body = ErrorResponse),
        (status = 401, description = "No live bearer token.", body = ErrorResponse),
        (status = 413, description = "The body is larger than the configured limit.", body = ErrorResponse),
        (status = 415, description = "Not sent as `application/json`.", body = ErrorResponse),
        (status = 422, description = "Fields not valid (`fields` names each), or an Idempotency-Key reused with another body.", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse),
    )
)]
#[post("/reports")]
pub async fn api_create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Authenticated(editor): Authenticated,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let input: EntryInput =
        body::json_body(&req, payload, state.settings.server.max_body_bytes).await?;
    let idempotency = match req.headers().get("idempotency-key") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|key| IdempotencyKey::for_request(key, &input.normalized()))
                .ok_or_else(|| {
                    AppError::malformed(format!(
                        "The Idempotency-Key header must be 1 to {} printable ASCII characters.",
                        service::MAX_IDEMPOTENCY_KEY_LEN
                    ))
                })?,
        ),
    };
    let entry = input
        .parse(&rules(&state), t, t)
        .map_err(AppError::Validation)?;
    let channel = entry.channel;
    let (submitted, outcome) = store(&state, &editor, entry, idempotency).await?;
    let status = submitted.public_status();
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/desk/reports/{}", submitted.tracking_code),
    ));
    if outcome == SubmitOutcome::Replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(Entered {
        status_url: format!(
            "{}/status/{}",
            state.settings.server.public_url.trim_end_matches('/'),
            submitted.tracking_code
        ),
        status: status.as_str(),
        public_status: t.t(status.label_id()),
        channel: channel.as_str(),
        article: EnteredArticle {
            canonical_url: submitted.canonical_url,
            report_count: submitted.report_count,
        },
        tracking_code: submitted.tracking_code,
    }))
}

/// A report entered for a reader.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Entered {
    tracking_code: String,
    #[schema(value_type = crate::reports::PublicStatus)]
    status: &'static str,
    /// The same, worded for people.
    public_status: String,
    status_url: String,
    #[schema(value_type = crate::reports::entry::EnteredChannel)]
    channel: &'static str,
    article: EnteredArticle,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EnteredArticle {
    canonical_url: String,
    report_count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_spelled_in_english_words() {
        let t = messages("en");
        let code = TrackingCode::parse("K7QXM2-PDH9TA").expect("code");
        let groups = spelled(t, &code);
        assert_eq!(groups.len(), 4);
        assert_eq!(groups[0].symbols, "K7Q");
        assert_eq!(groups[0].said, ["K as in Kilo", "seven", "Q as in Quebec"]);
        assert_eq!(groups[3].said, ["nine", "T as in Tango", "A as in Alfa"]);
        for digit in "23456789".chars() {
            let said = t.t_with("desk-spell-digit", &[("digit", &digit.to_string())]);
            assert!(
                said.chars().all(|c| c.is_ascii_lowercase()),
                "{digit}: {said}"
            );
        }
    }

    #[test]
    fn every_field_has_a_label() {
        let t = messages("en");
        for field in FORM_ORDER {
            let id = format!("desk-entry-{field}");
            assert!(t.has(&id), "{id}");
        }
    }
}
