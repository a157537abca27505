//! The review dashboard's pages: the queue of articles, the flat list of reports, an article, a
//! report, bulk actions and the CSV export. Handlers are thin: they read the request, call the
//! same `reports::editorial` and `articles::queue` functions the editor API calls, and render.

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
use crate::articles::queue::{self, QueuePage};
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
    pub counts: Vec<(String, String, i64, String)>,
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
        let counts = match counts_for {
            Some((filter, query)) => {
                let others = FilterQuery {
                    status: Vec::new(),
                    ..query.clone()
                }
                .to_query_string(false);
                state
                    .status_counts
                    .get(&state.db, filter)
                    .await?
                    .into_iter()
                    .map(|(status, count)| {
                        let link = with_param(
                            &format!("/desk/reports?{others}"),
                            "status",
                            status.as_str(),
                        );
                        (
                            status.as_str().to_string(),
                            t.t(&status_label_id(status)).to_string(),
                            count,
                            link,
                        )
                    })
                    .collect()
            }
            None => Vec::new(),
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
        editor,
        &query,
        &queue::open_statuses(),
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

pub struct QueueRow {
    pub id: i64,
    pub url: String,
    pub host: String,
    pub path: String,
    pub reports: i64,
    pub total: i64,
    pub newest: String,
    pub oldest: String,
    /// How long ago: "12 min", "3 h", "2 d" (the exact time goes in a `title`).
    pub newest_age: String,
    pub oldest_age: String,
    pub desk: String,
    pub category: String,
}

#[derive(Template)]
#[template(path = "dashboard/queue.html")]
pub struct QueueView<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub form: FilterForm,
    pub rows: Vec<QueueRow>,
    /// Articles on this page, and in the whole queue.
    pub shown: usize,
    pub total: i64,
    pub next_link: Option<String>,
    pub previous_link: Option<String>,
    pub first_link: Option<String>,
    pub list_link: String,
    /// When the queue opened on the editor's own desk: the same queue for every desk.
    pub all_desks_link: Option<String>,
}

/// `GET /desk`: articles with reports to work, grouped, filtered, sorted, paginated.
pub async fn queue_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, HtmlError> {
    let t = messages(PAGE_LANGUAGE);
    let mut query = FilterQuery::parse(req.query_string()).map_err(AppError::malformed)?;
    // A desk's editor starts on their own desk (`desk=any` shows every desk).
    let own_desk = match signed_in.editor.desk_ids.as_slice() {
        [only] if query.desk.is_none() => state.intake.routing.desk_by_id(*only),
        _ => None,
    };
    if let Some(desk) = own_desk {
        query.desk = Some(desk.slug.clone());
    }
    let (query, filter) = filter_of(&state, &signed_in.editor, query).await?;
    let all_desks_link = own_desk.map(|_| {
        let mut all = query.clone();
        all.desk = Some("any".into());
        format!("/desk?{}", all.to_query_string(true))
    });
    let now = crate::storage::now();
    let mut errors = FieldErrors::default();
    let order = query.order().unwrap_or_else(|e| {
        errors.merge(e);
        QueueOrder::Most
    });
    let cursor = query.cursor().unwrap_or_else(|e| {
        errors.merge(e);
        None
    });
    let (filter, found) = match filter {
        Ok(filter) if errors.is_empty() => {
            let page = queue::queue(&state.db, filter.clone(), order, cursor, filter.limit)
                .await
                .map_err(AppError::from)?;
            (Some(filter), page)
        }
        Ok(_) => (None, empty_page()),
        Err(e) => {
            errors.merge(e);
            (None, empty_page())
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let links = query.to_query_string(true);
    let shown = found.entries.len();
    let rows = found
        .entries
        .into_iter()
        .map(|e| QueueRow {
            id: e.article.id,
            host: e.article.host.clone(),
            path: e.article.path.clone(),
            url: e.article.canonical_url,
            reports: e.reports,
            total: e.article.report_count,
            newest: time(e.newest),
            oldest: time(e.oldest),
            newest_age: age(t, now, e.newest),
            oldest_age: age(t, now, e.oldest),
            desk: desk_name(&state, e.desk_id),
            category: e
                .category
                .map(|c| category_label(t, &c))
                .unwrap_or_default(),
        })
        .collect();
    let view = QueueView {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(
            &state,
            &signed_in,
            "queue",
            filter.clone().map(|f| (f, &query)),
        )
        .await?,
        form: FilterForm::new(&state, "/desk", &query, filter.as_ref(), errors),
        rows,
        shown,
        total: found.total,
        next_link: found
            .next
            .map(|k| with_param(&format!("/desk?{links}"), "after", &k.encode())),
        previous_link: found
            .previous
            .map(|k| with_param(&format!("/desk?{links}"), "prev", &k.encode())),
        first_link: found.previous.map(|_| format!("/desk?{links}")),
        list_link: format!("/desk/reports?{}", query.to_query_string(false)),
        all_desks_link,
    };
    Ok(page(status, &view)?)
}

fn empty_page() -> QueuePage {
    QueuePage::default()
}

fn with_param(link: &str, name: &str, value: &str) -> String {
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let joiner = if link.ends_with('?') { "" } else { "&" };
    format!("{link}{joiner}{name}={value}")
}

pub struct ListRow {
    pub code: String,
    pub article_id: i64,
    pub article: String,
    pub category: String,
    pub channel: String,
    pub status: String,
    pub status_label: String,
    pub desk: String,
    pub assignee: String,
    pub received: String,
}

#[derive(Template)]
#[template(path = "dashboard/reports.html")]
pub struct ListView<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub form: FilterForm,
    pub rows: Vec<ListRow>,
    pub next_link: Option<String>,
    pub first_link: Option<String>,
    pub export_link: String,
    pub queue_link: String,
    pub return_to: String,
    pub targets: Vec<Choice>,
    pub assignees: Vec<Choice>,
}

fn assignee_names(roster: &[(Editor, bool)]) -> impl Fn(Option<i64>) -> String + '_ {
    move |id| {
        id.and_then(|id| roster.iter().find(|(e, _)| e.id == id))
            .map(|(e, _)| e.email.clone())
            .unwrap_or_default()
    }
}

/// `GET /desk/reports`: the flat list, newest first, with bulk actions.
pub async fn list_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, HtmlError> {
    let t = messages(PAGE_LANGUAGE);
    let (query, filter) = read_filter(&req, &state, &signed_in.editor).await?;
    let (filter, rows, next, errors) = match filter {
        Ok(filter) => {
            let (rows, next) = editorial::list_page(&state.db, filter.clone()).await?;
            (Some(filter), rows, next, FieldErrors::default())
        }
        Err(errors) => (None, Vec::new(), None, errors),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let roster = super::roster(&state.db).await.map_err(AppError::from)?;
    let name_of = assignee_names(&roster);
    let links = query.to_query_string(false);
    let list_rows = rows
        .into_iter()
        .map(|(r, a)| ListRow {
            article: a.path,
            article_id: a.id,
            category: category_label(t, &r.category),
            channel: channel_label(t, &r.channel),
            status_label: status_label(t, &r.status),
            desk: desk_name(&state, r.desk_id),
            assignee: name_of(r.assignee_id),
            received: time(r.created_at),
            status: r.status,
            code: r.tracking_code,
        })
        .collect();
    let return_to = match req.query_string() {
        "" => "/desk/reports".to_string(),
        q => format!("/desk/reports?{q}"),
    };
    let view = ListView {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(
            &state,
            &signed_in,
            "reports",
            filter.clone().map(|f| (f, &query)),
        )
        .await?,
        form: FilterForm::new(&state, "/desk/reports", &query, filter.as_ref(), errors),
        rows: list_rows,
        next_link: next
            .map(|id| with_param(&format!("/desk/reports?{links}"), "before", &id.to_string())),
        first_link: (!query.text("before").is_empty()).then(|| format!("/desk/reports?{links}")),
        export_link: format!("/desk/reports.csv?{links}"),
        queue_link: format!("/desk?{links}"),
        return_to,
        // Nothing moves back to new, and a duplicate names its original one report at a time.
        targets: transition_choices(
            t,
            ReportStatus::ALL
                .into_iter()
                .filter(|s| !matches!(s, ReportStatus::New | ReportStatus::Duplicate)),
            None,
        ),
        assignees: assignee_choices(&roster, None, &signed_in.editor),
    };
    Ok(page(status, &view)?)
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
    /// What the reporter wrote to us (an emailed reply).
    pub reader_words: String,
    pub code: String,
}

fn event_view(t: &Messages, roster: &[(Editor, bool)], event: EventRow, code: String) -> EventView {
    let change = match (&event.from_status, &event.to_status) {
        (Some(from), Some(to)) => format!("{} → {}", status_label(t, from), status_label(t, to)),
        (None, Some(to)) => status_label(t, to),
        _ => String::new(),
    };
    let (note, reader_words) = if event.kind == crate::channels::READER_COMMENT {
        (String::new(), event.note.unwrap_or_default())
    } else {
        (event.note.unwrap_or_default(), String::new())
    };
    EventView {
        at: time(event.created_at),
        actor: actor_label(t, roster, &event.actor),
        kind: t.t(&format!("desk-event-{}", event.kind)).to_string(),
        change,
        note,
        public_note: event.public_note.unwrap_or_default(),
        reader_words,
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

pub struct ArticleReport {
    pub code: String,
    pub status: String,
    pub status_label: String,
    pub category: String,
    pub passage: String,
    pub explanation: String,
    pub received: String,
}

#[derive(Template)]
#[template(path = "dashboard/article.html")]
pub struct ArticleView<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub id: i64,
    pub url: String,
    pub report_count: i64,
    pub open_count: i64,
    pub first: String,
    pub last: String,
    pub reports: Vec<ArticleReport>,
    /// Counts of this article's reports by status and by category: (label, count).
    pub by_status: Vec<(String, i64)>,
    pub by_category: Vec<(String, i64)>,
    /// The reports' page (1-based), how many pages, and links to the neighbours.
    pub page: i64,
    pub pages: i64,
    pub prev_link: Option<String>,
    pub next_link: Option<String>,
    pub timeline: Vec<EventView>,
    pub event_total: usize,
    pub events_prev_link: Option<String>,
    pub events_next_link: Option<String>,
    pub outcomes: Vec<Choice>,
    pub input: DecisionForm,
    pub errors: FieldErrors,
    pub message: Option<String>,
}

/// Which page of an article's reports and of its timeline to show (`?page=2&events=3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticlePaging {
    pub reports: i64,
    pub events: i64,
}

impl Default for ArticlePaging {
    fn default() -> Self {
        Self {
            reports: 1,
            events: 1,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ArticleQuery {
    page: Option<String>,
    events: Option<String>,
}

impl ArticlePaging {
    /// Reads the query string; an unknown parameter or a page that is not a positive number is
    /// refused by name.
    fn parse(query_string: &str) -> Result<Self, AppError> {
        let query: ArticleQuery = serde_html_form::from_str(query_string)
            .map_err(|e| AppError::malformed(e.to_string()))?;
        let mut errors = FieldErrors::default();
        let mut number = |field: &str, value: &Option<String>| -> i64 {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => 1,
                Some(v) => match v.parse::<i64>() {
                    Ok(n) if (1..=1_000_000).contains(&n) => n,
                    _ => {
                        errors.merge(FieldErrors::single(field, "Give a page number: 1, 2, 3…"));
                        1
                    }
                },
            }
        };
        let paging = Self {
            reports: number("page", &query.page),
            events: number("events", &query.events),
        };
        if errors.is_empty() {
            Ok(paging)
        } else {
            Err(AppError::Validation(errors))
        }
    }

    fn link(&self, id: i64, reports: i64, events: i64) -> String {
        let mut link = format!("/desk/articles/{id}");
        let mut sep = '?';
        if reports != 1 {
            link.push_str(&format!("{sep}page={reports}"));
            sep = '&';
        }
        if events != 1 {
            link.push_str(&format!("{sep}events={events}"));
        }
        if events != self.events {
            link.push_str("#timeline");
        }
        link
    }
}

async fn article_view<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    article_id: i64,
    paging: ArticlePaging,
    input: DecisionForm,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<ArticleView<'a>, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let detail = editorial::article_detail(&state.db, article_id, paging.reports, paging.events)
        .await
        .map_err(article_error)?;
    let roster = super::roster(&state.db).await?;
    let article = detail.article;
    let outcomes = transition_choices(
        t,
        ReportStatus::ALL.into_iter().filter(|s| s.is_resolved()),
        Some(input.to.as_str()),
    );
    let per = editorial::ARTICLE_PAGE_REPORTS;
    let total: i64 = detail.by_status.iter().map(|(_, n)| n).sum();
    let pages = ((total + per - 1) / per).max(1);
    let (page_no, events_no) = (paging.reports, paging.events);
    Ok(ArticleView {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(state, signed_in, "queue", None).await?,
        id: article.id,
        url: article.canonical_url,
        report_count: article.report_count,
        open_count: article.open_report_count,
        first: time(article.first_reported_at),
        last: time(article.last_reported_at),
        by_status: detail
            .by_status
            .into_iter()
            .map(|(s, n)| (status_label(t, &s), n))
            .collect(),
        by_category: detail
            .by_category
            .into_iter()
            .map(|(c, n)| (category_label(t, &c), n))
            .collect(),
        page: page_no,
        pages,
        prev_link: (page_no > 1).then(|| paging.link(article.id, page_no - 1, events_no)),
        next_link: (page_no < pages).then(|| paging.link(article.id, page_no + 1, events_no)),
        reports: detail
            .reports
            .into_iter()
            .map(|r| ArticleReport {
                status_label: status_label(t, &r.status),
                category: category_label(t, &r.category),
                passage: visible(r.passage.unwrap_or_default()),
                explanation: visible(r.explanation),
                received: time(r.created_at),
                status: r.status,
                code: r.tracking_code,
            })
            .collect(),
        timeline: detail
            .events
            .into_iter()
            .map(|(e, code)| event_view(t, &roster, e, code))
            .collect(),
        event_total: usize::try_from(detail.event_total).unwrap_or_default(),
        events_prev_link: (events_no > 1).then(|| paging.link(article.id, page_no, events_no - 1)),
        events_next_link: detail
            .more_events
            .then(|| paging.link(article.id, page_no, events_no + 1)),
        outcomes,
        input,
        errors,
        message,
    })
}

/// `GET /desk/articles/{id}` (`?page=` for the reports, `?events=` for the timeline).
pub async fn article_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, HtmlError> {
    let paging = ArticlePaging::parse(req.query_string())?;
    let view = article_view(
        &state,
        &signed_in,
        path.into_inner(),
        paging,
        DecisionForm::default(),
        FieldErrors::default(),
        None,
    )
    .await?;
    Ok(page(StatusCode::OK, &view)?)
}

/// The article pages' own wording for an unknown id.
fn article_error(error: ReportError) -> AppError {
    match error {
        ReportError::NotFound => AppError::NotFound("No article has that id.".into()),
        other => other.into(),
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

/// The "resolve all" form: the decision, and on the confirmation page the counts confirmed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResolveForm {
    csrf: String,
    to: String,
    public_note: String,
    internal_note: String,
    correction_url: String,
    /// `yes` from the confirmation page's button: only then is anything changed.
    confirm: String,
    /// `yes` from the confirmation page's "change" button: back to the form, input kept.
    edit: String,
    /// The counts the confirmation page showed.
    expected_reports: String,
    expected_emails: String,
}

impl ResolveForm {
    fn input(&self) -> DecisionForm {
        DecisionForm {
            csrf: self.csrf.clone(),
            to: self.to.clone(),
            public_note: self.public_note.clone(),
            internal_note: self.internal_note.clone(),
            correction_url: self.correction_url.clone(),
            duplicate_of: String::new(),
        }
    }

    /// The counts confirmed, when this is the confirming step and they can be read.
    fn confirmed(&self) -> Option<ResolutionCounts> {
        if self.confirm != "yes" {
            return None;
        }
        Some(ResolutionCounts {
            reports: self.expected_reports.trim().parse().ok()?,
            emails: self.expected_emails.trim().parse().ok()?,
        })
    }
}

#[derive(Template)]
#[template(path = "dashboard/resolve_confirm.html")]
pub struct ResolveConfirmView<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub id: i64,
    pub url: String,
    pub input: DecisionForm,
    pub outcome_label: String,
    pub counts: ResolutionCounts,
    /// "N open reports will become …", "M readers … will be emailed", the button's words.
    pub reports_line: String,
    pub emails_line: String,
    pub confirm_label: String,
    /// Why the editor is asked again (the article changed since the last confirmation).
    pub message: Option<String>,
}

/// `text_id`, or `text_id.one` when `n` is 1, with `{count}` and `args` filled in.
/// A message about `n` things, its plural form chosen by the language's rules.
fn counted(t: &Messages, id: &str, n: usize, args: &[(&str, &str)]) -> String {
    t.t_count(id, n, args)
}

async fn confirm_view<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    article_id: i64,
    input: DecisionForm,
    counts: ResolutionCounts,
    message: Option<String>,
) -> Result<ResolveConfirmView<'a>, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let article = editorial::article_of(&state.db, article_id)
        .await
        .map_err(article_error)?;
    let outcome_label = status_label(t, &input.to);
    let outcome = [("outcome", outcome_label.as_str())];
    Ok(ResolveConfirmView {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(state, signed_in, "queue", None).await?,
        id: article.id,
        url: article.canonical_url,
        reports_line: counted(t, "desk-resolve-reports", counts.reports, &outcome),
        emails_line: counted(t, "desk-resolve-emails", counts.emails, &[]),
        confirm_label: counted(t, "desk-resolve-confirm", counts.reports, &outcome),
        outcome_label,
        counts,
        input,
        message,
    })
}

/// `POST /desk/articles/{id}/resolve`: one outcome for every open report of the article, in two
/// steps. The first checks the decision and shows what it will do (how many reports change, how
/// many readers are emailed); only the confirming post (`confirm=yes` with the counts shown)
/// changes anything, and only if the article still matches those counts: otherwise the editor
/// is asked again with the counts as they are now.
pub async fn resolve_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let article_id = path.into_inner();
    let form: ResolveForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let input = form.input();
    let back = ArticleAgain {
        state: &state,
        signed_in: &signed_in,
        article_id,
    };
    let decision = match input.decision() {
        Ok(decision) => decision,
        Err(errors) => return back.refused(input, ReportError::Invalid(errors)).await,
    };
    if form.edit == "yes" {
        return back
            .show(StatusCode::OK, input, FieldErrors::default(), None)
            .await;
    }
    let nothing_open = Some(t.t("desk-resolve-nothing_open").to_string());
    let Some(expected) = form.confirmed() else {
        // The first step: check and count, change nothing.
        return match editorial::preview_resolution(&state.db, article_id, decision).await {
            Ok(counts) if counts.reports == 0 => {
                back.show(
                    StatusCode::CONFLICT,
                    input,
                    FieldErrors::default(),
                    nothing_open,
                )
                .await
            }
            Ok(counts) => {
                let view =
                    confirm_view(&state, &signed_in, article_id, input, counts, None).await?;
                Ok(page(StatusCode::OK, &view)?)
            }
            Err(error) => back.refused(input, error).await,
        };
    };
    let result = editorial::resolve_article(
        &state.db,
        state.intake.clone(),
        signed_in.editor.clone(),
        article_id,
        decision,
        Some(expected),
    )
    .await;
    match result {
        Ok(Resolution::Applied(done)) => {
            state.wakeup.wake();
            set_flash(
                &signed_in.session,
                counted(
                    t,
                    "desk-article-resolved",
                    done.reports,
                    &[(
                        "emailed",
                        &counted(t, "desk-article-emailed", done.emails, &[]),
                    )],
                ),
            )?;
            Ok(see_other(&format!("/desk/articles/{article_id}")))
        }
        Ok(Resolution::Changed(now)) if now.reports == 0 => {
            back.show(
                StatusCode::CONFLICT,
                input,
                FieldErrors::default(),
                nothing_open,
            )
            .await
        }
        Ok(Resolution::Changed(now)) => {
            let message = t.t("desk-resolve-changed").to_string();
            let view =
                confirm_view(&state, &signed_in, article_id, input, now, Some(message)).await?;
            Ok(page(StatusCode::CONFLICT, &view)?)
        }
        Err(error) => back.refused(input, error).await,
    }
}

/// The article page again, with the editor's input kept and what went wrong.
struct ArticleAgain<'a> {
    state: &'a AppState,
    signed_in: &'a SignedIn,
    article_id: i64,
}

impl ArticleAgain<'_> {
    async fn show(
        &self,
        status: StatusCode,
        input: DecisionForm,
        errors: FieldErrors,
        message: Option<String>,
    ) -> Result<HttpResponse, HtmlError> {
        let view = article_view(
            self.state,
            self.signed_in,
            self.article_id,
            ArticlePaging::default(),
            input,
            errors,
            message,
        )
        .await?;
        Ok(page(status, &view)?)
    }

    async fn refused(
        &self,
        input: DecisionForm,
        error: ReportError,
    ) -> Result<HttpResponse, HtmlError> {
        let (status, errors, message) = shown_on_page(error).map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("No article has that id.".into()),
            other => other,
        })?;
        self.show(status, input, errors, message).await
    }
}

pub struct ReportFacts {
    pub code: String,
    pub article_id: i64,
    pub article_url: String,
    pub submitted_url: String,
    pub channel: String,
    pub category: String,
    pub language: String,
    /// The report's own language tag, for `lang` on what the reader wrote (WCAG 3.1.2).
    pub language_tag: String,
    pub status: String,
    pub status_label: String,
    pub desk: String,
    pub assignee: String,
    pub received: String,
    pub updated: String,
    pub passage: String,
    pub explanation: String,
    pub evidence: Vec<String>,
    /// `shown`, `withheld` or `none` (see [`ContactView`]).
    pub contact_state: &'static str,
    /// The contact details given, when this editor may see them.
    pub contact: Vec<String>,
    /// Who may see withheld details, in words.
    pub contact_withheld: String,
    pub wants_outcome: bool,
    pub unsubscribed: bool,
    /// An editor recorded that the reader agreed to their contact details being kept.
    pub contact_consent: bool,
    pub outcome_note: String,
    pub correction_url: String,
    pub duplicate_of: String,
    pub decided: String,
}

#[derive(Template)]
#[template(path = "dashboard/report.html")]
pub struct ReportView<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub r: ReportFacts,
    pub timeline: Vec<EventView>,
    /// Admins only: who was shown the reporter's contact details (None: not an admin).
    pub contact_reads: Option<Vec<ContactReadView>>,
    pub targets: Vec<Choice>,
    /// Which parts of the decision form the moves on offer can use.
    pub offers: Offers,
    pub assignees: Vec<Choice>,
    pub input: DecisionForm,
    pub note: String,
    /// The article address form (for a `needs_url` report), as typed.
    pub article_url: String,
    /// The emails behind the report (the mail gateway), oldest first.
    pub mails: Vec<MailView>,
    pub errors: FieldErrors,
    pub message: Option<String>,
}

/// A received email in the report's page.
pub struct MailView {
    pub id: i64,
    pub at: String,
    pub outcome: String,
    pub size: i64,
    /// Its raw bytes are still kept (`[mail_intake] raw_retention_days`).
    pub kept: bool,
}

/// The decision form's fields that some move on offer uses: no correction link for a report
/// that can only be reopened.
pub struct Offers {
    pub public_note: bool,
    pub correction_url: bool,
    pub duplicate_of: bool,
}

impl Offers {
    fn of(moves: &[ReportStatus]) -> Self {
        Self {
            public_note: moves.iter().any(|s| s.reaches_reader()),
            correction_url: moves
                .iter()
                .any(|s| matches!(s, ReportStatus::Corrected | ReportStatus::Clarified)),
            duplicate_of: moves.contains(&ReportStatus::Duplicate),
        }
    }
}

pub struct ContactReadView {
    pub reader: String,
    pub place: String,
    pub at: String,
}

/// What the report page's forms held when one of them was refused.
#[derive(Default)]
struct Kept {
    decision: DecisionForm,
    note: String,
    /// The article address typed for a `needs_url` report.
    article_url: String,
}

async fn report_view<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    code: TrackingCode,
    kept: Kept,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<ReportView<'a>, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let (report, article, events) = editorial::detail(&state.db, code).await?;
    let mails = crate::channels::service::mails_of_report(&state.db, report.id)
        .await?
        .into_iter()
        .map(|m| MailView {
            id: m.row.id,
            at: time(m.row.received_at),
            outcome: m.row.outcome,
            size: m.row.size_bytes,
            kept: m.kept,
        })
        .collect();
    let roster = super::roster(&state.db).await?;
    let duplicate_of = match report.duplicate_of_id {
        Some(id) => editorial::tracking_code_of(&state.db, id)
            .await?
            .unwrap_or_default(),
        None => String::new(),
    };
    let from = ReportStatus::parse(&report.status).unwrap_or(ReportStatus::New);
    let targets = transition_choices(
        t,
        from.next().iter().copied(),
        Some(kept.decision.to.as_str()),
    );
    let assignees = assignee_choices(&roster, report.desk_id, &signed_in.editor);
    let editor = &signed_in.editor;
    let contact = ContactView::of(editor, &report, &state.intake.routing);
    if contact.is_shown() {
        contact::record_read(&state.db, editor, report.id, Place::Page).await?;
    }
    let contact_reads = if editor.is_admin() {
        Some(
            contact::reads_of(&state.db, report.id)
                .await?
                .into_iter()
                .map(|read| ContactReadView {
                    reader: read.reader,
                    place: read.place,
                    at: time(read.at),
                })
                .collect(),
        )
    } else {
        None
    };
    let ReportRow {
        tracking_code,
        submitted_url,
        channel,
        category,
        passage,
        explanation,
        evidence_urls,
        language,
        wants_outcome,
        status,
        created_at,
        updated_at,
        desk_id,
        reporter_unsubscribed,
        assignee_id,
        outcome_note,
        correction_url,
        decided_at,
        contact_consent,
        ..
    } = report;
    let r = ReportFacts {
        code: tracking_code.clone(),
        article_id: article.id,
        article_url: article.canonical_url,
        submitted_url: visible(submitted_url),
        channel: channel_label(t, &channel),
        category: category_label(t, &category),
        language: language_label(t, &language),
        language_tag: language.clone(),
        status_label: status_label(t, &status),
        status,
        desk: desk_name(state, desk_id),
        assignee: assignee_names(&roster)(assignee_id),
        received: time(created_at),
        updated: time(updated_at),
        passage: visible(passage.unwrap_or_default()),
        explanation: visible(explanation),
        evidence: serde_json::from_str::<Vec<String>>(&evidence_urls)
            .unwrap_or_default()
            .into_iter()
            .map(visible)
            .collect(),
        contact_state: contact.state(),
        contact: contact
            .contact()
            .values()
            .map(|v| visible(v.to_string()))
            .collect(),
        contact_withheld: contact.withheld_note(t),
        wants_outcome,
        unsubscribed: reporter_unsubscribed,
        contact_consent,
        outcome_note: outcome_note.unwrap_or_default(),
        correction_url: correction_url.unwrap_or_default(),
        duplicate_of,
        decided: decided_at.map(time).unwrap_or_default(),
    };
    Ok(ReportView {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(state, signed_in, "reports", None).await?,
        r,
        timeline: events
            .into_iter()
            .map(|e| event_view(t, &roster, e, tracking_code.clone()))
            .collect(),
        contact_reads,
        targets,
        offers: Offers::of(from.next()),
        assignees,
        input: kept.decision,
        note: kept.note,
        article_url: kept.article_url,
        mails,
        errors,
        message,
    })
}

fn tracking_code(path: &str) -> Result<TrackingCode, AppError> {
    TrackingCode::parse(path)
        .ok_or_else(|| AppError::NotFound("No report has that tracking code.".into()))
}

/// `GET /desk/reports/{code}`.
pub async fn report_page(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, HtmlError> {
    let code = tracking_code(&path)?;
    let view = report_view(
        &state,
        &signed_in,
        code,
        Kept::default(),
        FieldErrors::default(),
        None,
    )
    .await?;
    Ok(page(StatusCode::OK, &view)?)
}

/// After a change: back to the report, or the refusal shown beside the form that caused it.
async fn after_report_change(
    state: &AppState,
    signed_in: &SignedIn,
    code: TrackingCode,
    result: Result<String, ReportError>,
    kept: Kept,
) -> Result<HttpResponse, HtmlError> {
    match result {
        Ok(done) => {
            state.wakeup.wake();
            set_flash(&signed_in.session, done)?;
            Ok(see_other(&format!("/desk/reports/{}", code.as_str())))
        }
        Err(error) => {
            let (status, errors, message) = shown_on_page(error)?;
            let view = report_view(state, signed_in, code, kept, errors, message).await?;
            Ok(page(status, &view)?)
        }
    }
}

/// `POST /desk/reports/{code}/transition`: an illegal move is refused with 409 and the reason.
pub async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let code = tracking_code(&path)?;
    let form: DecisionForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let result = match form.decision() {
        Ok(decision) => editorial::decide(
            &state.db,
            state.intake.clone(),
            signed_in.editor.clone(),
            code.clone(),
            decision,
        )
        .await
        .map(|r| {
            t.t_with(
                "desk-report-moved",
                &[("status", &status_label(t, &r.status))],
            )
        }),
        Err(errors) => Err(ReportError::Invalid(errors)),
    };
    let kept = Kept {
        decision: form,
        ..Kept::default()
    };
    after_report_change(&state, &signed_in, code, result, kept).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignForm {
    csrf: String,
    /// `me`, an editor's email, or empty to take the report back.
    #[serde(default)]
    assignee: String,
}

/// `POST /desk/reports/{code}/assign`.
pub async fn assign(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let code = tracking_code(&path)?;
    let form: AssignForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let result = match filters::assignee(&state.db, &signed_in.editor, Some(&form.assignee))
        .await
        .map_err(AppError::from)?
    {
        Ok(assignee) => editorial::assign(
            &state.db,
            signed_in.editor.clone(),
            code.clone(),
            assignee.clone(),
        )
        .await
        .map(|_| match assignee {
            Some(a) => t.t_with("desk-report-assigned", &[("email", &a.email)]),
            None => t.t("desk-report-unassigned").to_string(),
        }),
        Err(errors) => Err(ReportError::Invalid(errors)),
    };
    after_report_change(&state, &signed_in, code, result, Kept::default()).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteForm {
    csrf: String,
    #[serde(default)]
    note: String,
}

/// `POST /desk/reports/{code}/notes`: an internal note, never shown to the reporter.
pub async fn add_note(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let code = tracking_code(&path)?;
    let form: NoteForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let result = editorial::add_note(
        &state.db,
        signed_in.editor.clone(),
        code.clone(),
        form.note.clone(),
    )
    .await
    .map(|_| t.t("desk-report-noted").to_string())
    .map_err(|e| match e {
        // The page has two note fields: say which one was refused.
        ReportError::Invalid(errors) => ReportError::Invalid(FieldErrors::single(
            "added_note",
            errors.get("note").join(" "),
        )),
        other => other,
    });
    let kept = Kept {
        note: form.note,
        ..Kept::default()
    };
    after_report_change(&state, &signed_in, code, result, kept).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleForm {
    csrf: String,
    #[serde(default)]
    article_url: String,
}

/// `POST /desk/reports/{code}/article`: completes a `needs_url` report's article address.
pub async fn complete_address(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let code = tracking_code(&path)?;
    let form: ArticleForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let result = editorial::complete_address(
        &state.db,
        state.intake.clone(),
        state.urls.clone(),
        signed_in.editor.clone(),
        code.clone(),
        form.article_url.clone(),
    )
    .await
    .map(|_| t.t("desk-address-completed").to_string());
    let kept = Kept {
        article_url: form.article_url,
        ..Kept::default()
    };
    after_report_change(&state, &signed_in, code, result, kept).await
}

/// `GET /desk/reports/{code}/mail/{id}`: a received email as it arrived (plain text, never
/// rendered), while it is kept.
pub async fn raw_mail(
    state: web::Data<AppState>,
    _signed_in: SignedIn,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, HtmlError> {
    let (code, id) = path.into_inner();
    let code = tracking_code(&code)?;
    let raw = crate::channels::service::raw_of_report(&state.db, code, id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| AppError::NotFound("That email is not kept (any more).".into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Content-Disposition", "inline"))
        .body(String::from_utf8_lossy(&raw).into_owned()))
}

/// The bulk form: the selected reports and one action for all of them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkForm {
    csrf: String,
    #[serde(default)]
    code: Vec<String>,
    /// `transition` or `assign`.
    action: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    public_note: String,
    #[serde(default)]
    internal_note: String,
    #[serde(default)]
    correction_url: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    return_to: String,
}

/// `POST /desk/reports/bulk`: each report is moved on its own; the editor is told how many
/// succeeded and why any were refused.
pub async fn bulk(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let form: BulkForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    let back = Some(form.return_to.as_str())
        .filter(|r| {
            r.starts_with("/desk/reports") && !r.contains("//") && !r.chars().any(char::is_control)
        })
        .unwrap_or("/desk/reports")
        .to_string();
    let (codes, unreadable): (Vec<&String>, Vec<&String>) = form
        .code
        .iter()
        .partition(|c| TrackingCode::parse(c).is_some());
    let codes: Vec<TrackingCode> = codes
        .into_iter()
        .filter_map(|c| TrackingCode::parse(c))
        .collect();
    let refused = |message: String| -> Result<HttpResponse, HtmlError> {
        // The list is where the editor chose: back there, with the reason on top.
        set_warning(&signed_in.session, message)?;
        Ok(see_other(&back))
    };
    if !unreadable.is_empty() {
        let listed: Vec<&str> = unreadable.iter().map(|c| c.as_str()).collect();
        return refused(t.t_with("desk-bulk-unreadable", &[("codes", &listed.join(", "))]));
    }
    if codes.is_empty() {
        return refused(t.t("desk-bulk-none_selected").to_string());
    }
    let action = match form.action.as_str() {
        "assign" => {
            match filters::assignee(&state.db, &signed_in.editor, Some(&form.assignee))
                .await
                .map_err(AppError::from)?
            {
                Ok(assignee) => BulkAction::Assign(assignee),
                Err(errors) => return refused(messages_of(&errors)),
            }
        }
        "transition" => match Decision::requested(
            &form.to,
            DecisionText {
                public_note: Some(form.public_note.clone()),
                internal_note: Some(form.internal_note.clone()),
                correction_url: Some(form.correction_url.clone()),
                duplicate_of: None,
            },
        ) {
            Ok(decision) => BulkAction::Decide(decision),
            Err(errors) => return refused(messages_of(&errors)),
        },
        _ => return refused(t.t("desk-bulk-choose_action").to_string()),
    };
    let outcomes = editorial::bulk(
        &state.db,
        state.intake.clone(),
        signed_in.editor.clone(),
        codes,
        action,
    )
    .await;
    state.wakeup.wake();
    let done = outcomes.iter().filter(|(_, r)| r.is_ok()).count();
    let mut message = t.t_with(
        "desk-bulk-done",
        &[
            ("done", &done.to_string()),
            ("total", &outcomes.len().to_string()),
        ],
    );
    let refusals = outcomes.len() - done;
    for (code, result) in outcomes {
        if let Err(error) = result {
            let reason = match AppError::from(error) {
                AppError::Validation(fields) => messages_of(&fields),
                other => other.to_string(),
            };
            message.push_str(&format!(" {}: {reason}", code.as_str()));
        }
    }
    if refusals > 0 {
        set_warning(&signed_in.session, message)?;
    } else {
        set_flash(&signed_in.session, message)?;
    }
    Ok(see_other(&back))
}

/// `GET /desk/reports.csv`: the current filtered list, streamed page by page; reporters' contact
/// details on need to know (see `export`), each export that carries some recorded.
pub async fn export_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, HtmlError> {
    let (_, filter) = read_filter(&req, &state, &signed_in.editor).await?;
    let filter = filter.map_err(AppError::Validation)?;
    let roster = super::roster(&state.db).await.map_err(AppError::from)?;
    let record = contact::ExportRecord::new(&signed_in.editor, req.query_string().to_string());
    let stream = export::csv_stream(
        state.db.clone(),
        state.intake.clone(),
        roster,
        filter,
        signed_in.editor.clone(),
        record,
    );
    let filename = format!(
        "reports-{}.csv",
        crate::storage::now().format("%Y%m%d-%H%M%S")
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(stream))
}
