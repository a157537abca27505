//! The review dashboard's pages: the queue of articles, the flat list of reports, an article, a
//! report, bulk actions and the CSV export. Handlers are thin: they read the request, call the
//! same `reports::editorial` and `articles::queue` functions the editor API calls, and render.
//!
//! One file per page family: `queue` (the queue of articles), `list` (the flat list, bulk
//! actions, the CSV export), `article` (an article and deciding it as a whole), `report` (one
//! report and what editors do on it); what they share is here.

mod article;
mod list;
mod queue;
mod report;

pub use article::{ArticleView, ResolveConfirmView, article_page, fetch_again, resolve_article};
pub use list::{BulkForm, ListView, bulk, export_csv, list_page};
pub use queue::{QueueView, queue_page};
pub use report::{
    ReportView, add_note, assign, complete_address, erase_reporter, raw_mail, report_page,
    transition,
};

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::Editor;
use super::auth::{self, SignedIn};
use super::contact::{self, ContactView, Place};
use super::export;
use super::filters::{self, FilterQuery};
use crate::articles::queue::{self as article_queue, QueuePage, StatusCounts};
use crate::articles::repo::QueueOrder;
use crate::error::{AppError, HtmlError};
use crate::i18n::{Messages, messages};
use crate::reports::editorial::{
    self, BulkAction, Decision, DecisionText, Resolution, ResolutionCounts,
};
use crate::reports::repo::{EventRow, ReportFilter, ReportRow};
use crate::reports::{Category, Channel, FieldErrors, ReportError, ReportStatus, TrackingCode};
use crate::web::state::AppState;
use crate::web::{Choice, body, page, see_other};

const PAGE_LANGUAGE: &str = "en";
const FLASH: &str = "flash";
/// Set with [`FLASH`] when the message tells of something refused: shown as a warning.
const FLASH_WARNING: &str = "flash_warning";

pub fn time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// How long ago `then` was, shortly: "just now", "12 min", "3 h", "2 d".
pub fn age(t: &Messages, now: NaiveDateTime, then: NaiveDateTime) -> String {
    let minutes = (now - then).num_minutes().max(0);
    let (id, n) = match minutes {
        0 => return t.t("desk-age-now").to_string(),
        1..=59 => ("desk-age-minutes", minutes),
        60..=2879 => ("desk-age-hours", minutes / 60),
        _ => ("desk-age-days", minutes / 1440),
    };
    t.t_with(id, &[("n", &n.to_string())])
}

/// The parts every dashboard page shares: who is signed in, the form token, the navigation
/// with the count of reports in each status, and a one-time message after a redirect.
pub struct DeskNav {
    pub csrf: String,
    pub user: String,
    pub is_admin: bool,
    pub section: &'static str,
    /// (status, label, count, link to the list of those reports under the same filters).
    /// The count is left out when it is not taken (`counts_note` says why).
    pub counts: Vec<(String, String, Option<i64>, String)>,
    pub counts_note: Option<String>,
    pub flash: Option<String>,
    /// The flash tells of something refused or left undone: a warning, not a success.
    pub flash_warning: bool,
}

impl DeskNav {
    /// `counts_for`: the filter the page shows and its query string; the navigation then counts
    /// the reports in each status under the same filter, linking to each list.
    pub async fn new(
        state: &AppState,
        signed_in: &SignedIn,
        section: &'static str,
        counts_for: Option<(ReportFilter, &FilterQuery)>,
    ) -> Result<Self, AppError> {
        let t = messages(PAGE_LANGUAGE);
        let (counts, counts_note) = match counts_for {
            Some((filter, query)) => {
                let others = FilterQuery {
                    status: Vec::new(),
                    ..query.clone()
                }
                .to_query_string(false);
                let link = |status: ReportStatus| {
                    with_param(
                        &format!("/desk/reports?{others}"),
                        "status",
                        status.as_str(),
                    )
                };
                let entry = |status: ReportStatus, count: Option<i64>| {
                    (
                        status.as_str().to_string(),
                        t.t(&status_label_id(status)).to_string(),
                        count,
                        link(status),
                    )
                };
                match crate::articles::queue::status_counts(
                    &state.db,
                    filter,
                    state.settings.dashboard.counted_word_matches,
                )
                .await?
                {
                    StatusCounts::Exact(counts) => (
                        counts
                            .into_iter()
                            .map(|(status, count)| entry(status, Some(count)))
                            .collect(),
                        None,
                    ),
                    StatusCounts::TooManyMatches(limit) => (
                        ReportStatus::ALL
                            .into_iter()
                            .map(|status| entry(status, None))
                            .collect(),
                        Some(t.t_count(
                            "desk-counts-too-many",
                            usize::try_from(limit).unwrap_or(usize::MAX),
                            &[],
                        )),
                    ),
                }
            }
            None => (Vec::new(), None),
        };
        let flash = signed_in
            .session
            .remove_as::<String>(FLASH)
            .and_then(Result::ok);
        let flash_warning = signed_in
            .session
            .remove_as::<bool>(FLASH_WARNING)
            .and_then(Result::ok)
            .unwrap_or(false);
        Ok(Self {
            csrf: auth::csrf_token(&signed_in.session)?,
            user: signed_in.editor.email.clone(),
            is_admin: signed_in.editor.is_admin(),
            section,
            counts,
            counts_note,
            flash,
            flash_warning,
        })
    }
}

fn status_label_id(status: ReportStatus) -> String {
    format!("desk-status-{}", status.as_str())
}

fn status_label(t: &Messages, status: &str) -> String {
    match ReportStatus::parse(status) {
        Some(s) => t.t(&status_label_id(s)).to_string(),
        None => status.to_string(),
    }
}

fn category_label(t: &Messages, category: &str) -> String {
    match Category::parse(category) {
        Some(c) => t.t(c.label_id()).to_string(),
        None => category.to_string(),
    }
}

/// Every message of `errors`, as one line.
fn messages_of(errors: &FieldErrors) -> String {
    errors
        .fields()
        .flat_map(|f| errors.get(f).iter().cloned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn set_flash(session: &Session, message: String) -> Result<(), AppError> {
    session
        .insert(FLASH, message)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))
}

/// A one-time message that something was refused or left undone.
pub(crate) fn set_warning(session: &Session, message: String) -> Result<(), AppError> {
    set_flash(session, message)?;
    session
        .insert(FLASH_WARNING, true)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))
}

/// A language tag in words: `en` → "English" (the public form's names), else the tag itself.
pub(crate) fn language_label(t: &Messages, tag: &str) -> String {
    let id = format!("language-{tag}");
    if t.has(&id) {
        t.t(&id).to_string()
    } else {
        let primary = tag.split('-').next().unwrap_or(tag);
        let id = format!("language-{primary}");
        if t.has(&id) {
            format!("{} ({tag})", t.t(&id))
        } else {
            tag.to_string()
        }
    }
}

/// How the report reached us, in words.
pub(crate) fn channel_label(t: &Messages, channel: &str) -> String {
    let id = format!("desk-channel-{channel}");
    if t.has(&id) {
        t.t(&id).to_string()
    } else {
        channel.to_string()
    }
}

/// Who did something, in words: an editor by name (their email when unknown), the channels,
/// the system and the reporter by what they are.
pub(crate) fn actor_label(t: &Messages, roster: &[(Editor, bool)], actor: &str) -> String {
    if let Some(email) = actor.strip_prefix("editor:") {
        return roster
            .iter()
            .find(|(e, _)| e.email == email)
            .map(|(e, _)| e.display_name.trim())
            .filter(|name| !name.is_empty())
            .unwrap_or(email)
            .to_string();
    }
    let id = format!("desk-actor-{actor}");
    if t.has(&id) {
        t.t(&id).to_string()
    } else {
        actor.to_string()
    }
}

/// The filter form, with what the editor asked for kept.
pub struct FilterForm {
    pub action: &'static str,
    pub statuses: Vec<Choice>,
    pub desks: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub assignees: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub language: String,
    pub assignee_email: String,
    pub q: String,
    pub from: String,
    pub to: String,
    /// Kept as a hidden field: the list of one article's reports stays that list.
    pub article: String,
    /// Only reports past their response target.
    pub overdue: bool,
    pub errors: FieldErrors,
}

impl FilterForm {
    /// A channel is filtered on (the "more filters" then start open).
    pub fn channel_chosen(&self) -> bool {
        self.channels
            .iter()
            .any(|c| c.selected && !c.value.is_empty())
    }

    fn new(
        state: &AppState,
        action: &'static str,
        query: &FilterQuery,
        filter: Option<&ReportFilter>,
        errors: FieldErrors,
    ) -> Self {
        let t = messages(PAGE_LANGUAGE);
        let checked: Vec<String> = match filter {
            Some(f) => f.statuses.clone(),
            None => query.statuses().iter().map(|s| s.to_string()).collect(),
        };
        // A filter on no status in particular (`status=all`) shows every box ticked, so that
        // submitting the form again keeps meaning "all".
        let all = filter.is_some_and(|f| f.statuses.is_empty());
        let statuses = ReportStatus::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_string(),
                label: t.t(&status_label_id(*s)).to_string(),
                selected: all || checked.iter().any(|c| c == s.as_str()),
            })
            .collect();
        let mut desks = vec![Choice {
            value: String::new(),
            label: t.t("desk-filter-any_desk").to_string(),
            selected: matches!(query.text("desk"), "" | "any"),
        }];
        desks.extend(state.intake.routing.desks().map(|d| Choice {
            value: d.slug.clone(),
            label: d.name.clone(),
            selected: query.text("desk") == d.slug,
        }));
        let mut categories = vec![Choice {
            value: String::new(),
            label: t.t("desk-filter-any_category").to_string(),
            selected: query.text("category").is_empty(),
        }];
        categories.extend(Category::ALL.iter().map(|c| Choice {
            value: c.as_str().to_string(),
            label: t.t(c.label_id()).to_string(),
            selected: query.text("category") == c.as_str(),
        }));
        let mut channels = vec![Choice {
            value: String::new(),
            label: t.t("desk-filter-any_channel").to_string(),
            selected: query.text("channel").is_empty(),
        }];
        channels.extend(Channel::ALL.iter().map(|c| Choice {
            value: c.as_str().to_string(),
            label: t.t(c.label_id()).to_string(),
            selected: query.text("channel") == c.as_str(),
        }));
        let assignee = query.text("assignee");
        let named = !matches!(assignee, "" | "anyone" | "me" | "unassigned");
        let assignees = [
            ("anyone", "desk-filter-assignee-anyone"),
            ("me", "desk-filter-assignee-me"),
            ("unassigned", "desk-filter-assignee-unassigned"),
        ]
        .iter()
        .map(|(value, label)| Choice {
            value: value.to_string(),
            label: t.t(label).to_string(),
            selected: assignee == *value || (assignee.is_empty() && *value == "anyone"),
        })
        .collect();
        let sort = query.order().unwrap_or(QueueOrder::Most);
        let sorts = QueueOrder::ALL
            .iter()
            .map(|o| Choice {
                value: o.as_str().to_string(),
                label: t.t(&format!("desk-sort-{}", o.as_str())).to_string(),
                selected: *o == sort,
            })
            .collect();
        Self {
            action,
            statuses,
            desks,
            categories,
            channels,
            assignees,
            sorts,
            language: query.text("language").to_string(),
            assignee_email: if named {
                assignee.to_string()
            } else {
                String::new()
            },
            q: query.text("q").to_string(),
            from: query.text("from").to_string(),
            to: query.text("to").to_string(),
            article: query.text("article").to_string(),
            overdue: query.overdue().unwrap_or(false),
            errors,
        }
    }
}

/// Reads the query string and the filter it asks for; a bad filter is shown on the page.
async fn read_filter(
    req: &HttpRequest,
    state: &AppState,
    editor: &Editor,
) -> Result<(FilterQuery, Result<ReportFilter, FieldErrors>), AppError> {
    let query = FilterQuery::parse(req.query_string()).map_err(AppError::malformed)?;
    filter_of(state, editor, query).await
}

async fn filter_of(
    state: &AppState,
    editor: &Editor,
    query: FilterQuery,
) -> Result<(FilterQuery, Result<ReportFilter, FieldErrors>), AppError> {
    let filter = filters::to_filter(
        &state.db,
        &state.intake.routing,
        &state.targets,
        editor,
        &query,
        &article_queue::open_statuses(),
    )
    .await?;
    Ok((query, filter))
}

fn desk_name(state: &AppState, desk_id: Option<i64>) -> String {
    desk_id
        .and_then(|id| state.intake.routing.desk_by_id(id))
        .map(|d| d.name.clone())
        .unwrap_or_default()
}

fn with_param(link: &str, name: &str, value: &str) -> String {
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let joiner = if link.ends_with('?') { "" } else { "&" };
    format!("{link}{joiner}{name}={value}")
}

fn transition_choices(
    t: &Messages,
    statuses: impl Iterator<Item = ReportStatus>,
    selected: Option<&str>,
) -> Vec<Choice> {
    statuses
        .map(|s| Choice {
            value: s.as_str().to_string(),
            label: t.t(&status_label_id(s)).to_string(),
            selected: selected == Some(s.as_str()),
        })
        .collect()
}

/// Who a report can go to: the editors of its desk and the admins (or everyone, for a list
/// spanning desks); the service checks again.
fn assignee_choices(roster: &[(Editor, bool)], desk_id: Option<i64>, me: &Editor) -> Vec<Choice> {
    roster
        .iter()
        .filter(|(e, disabled)| !disabled && e.id != me.id)
        .filter(|(e, _)| desk_id.is_none_or(|d| e.desk_ids.contains(&d) || e.is_admin()))
        .map(|(e, _)| Choice {
            value: e.email.clone(),
            label: format!("{} ({})", e.display_name, e.email),
            selected: false,
        })
        .collect()
}

pub struct EventView {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub change: String,
    /// Editors only.
    pub note: String,
    /// What the reader was told.
    pub public_note: String,
    /// What the reporter wrote to us (an emailed reply, an appeal's reason).
    pub reader_words: String,
    /// How the timeline introduces them.
    pub reader_label: String,
    pub code: String,
}

fn event_view(t: &Messages, roster: &[(Editor, bool)], event: EventRow, code: String) -> EventView {
    let change = match (&event.from_status, &event.to_status) {
        (Some(from), Some(to)) => format!("{} → {}", status_label(t, from), status_label(t, to)),
        (None, Some(to)) => status_label(t, to),
        _ => String::new(),
    };
    let reader_label = match event.kind.as_str() {
        crate::channels::READER_COMMENT => t.t("desk-timeline-from_reader"),
        crate::reports::appeal::APPEALED => t.t("desk-timeline-appeal_reason"),
        _ => String::new(),
    };
    let (note, reader_words) = if reader_label.is_empty() {
        (event.note.unwrap_or_default(), String::new())
    } else {
        (String::new(), event.note.unwrap_or_default())
    };
    EventView {
        at: time(event.created_at),
        actor: actor_label(t, roster, &event.actor),
        kind: t.t(&format!("desk-event-{}", event.kind)).to_string(),
        change,
        note,
        public_note: event.public_note.unwrap_or_default(),
        reader_words,
        reader_label,
        code,
    }
}

/// What the editor typed into a decision form, kept when it is refused.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DecisionForm {
    pub csrf: String,
    pub to: String,
    pub public_note: String,
    pub internal_note: String,
    pub correction_url: String,
    pub duplicate_of: String,
}

impl DecisionForm {
    fn decision(&self) -> Result<Decision, FieldErrors> {
        Decision::requested(
            &self.to,
            DecisionText {
                public_note: Some(self.public_note.clone()),
                internal_note: Some(self.internal_note.clone()),
                correction_url: Some(self.correction_url.clone()),
                duplicate_of: Some(self.duplicate_of.clone()),
            },
        )
    }
}

/// Reader-written text as editors see it: bidirectional and invisible format controls are shown
/// as marks (`[U+202E]`), never applied, so a passage cannot read differently from what it holds.
fn visible(text: String) -> String {
    crate::privacy::show_bidi_controls(&text).0
}

fn assignee_names(roster: &[(Editor, bool)]) -> impl Fn(Option<i64>) -> String + '_ {
    move |id| {
        id.and_then(|id| roster.iter().find(|(e, _)| e.id == id))
            .map(|(e, _)| e.email.clone())
            .unwrap_or_default()
    }
}

/// An error the page shows beside the form (bad input, a refused move) rather than on its own.
fn shown_on_page(
    error: ReportError,
) -> Result<(StatusCode, FieldErrors, Option<String>), AppError> {
    match error {
        ReportError::Invalid(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, errors, None)),
        e @ (ReportError::IllegalTransition { .. } | ReportError::Conflict) => {
            let app = AppError::from(e);
            Ok((
                StatusCode::CONFLICT,
                FieldErrors::default(),
                Some(app.to_string()),
            ))
        }
        other => Err(other.into()),
    }
}
