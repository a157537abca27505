//! What editors ask of the lists, read from a query string: one parser for the pages and the API,
//! so a filter means the same thing everywhere (and a page's links reproduce it exactly).

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::Editor;
use crate::articles::repo::{QueueCursor, QueueKey, QueueOrder};
use crate::reports::repo::{AssigneeFilter, ReportFilter};
use crate::reports::search;
use crate::reports::{Category, Channel, FieldErrors, ReportStatus};
use crate::routing::Routing;
use crate::storage::{Db, StorageError};
use crate::targets::service::Targets;

pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

/// The query string of the queue, the report list, their CSV export and the editor API.
/// Statuses may repeat (`status=new&status=triaged`, as checkboxes send them) or be
/// comma-separated; `open` means every open status, `all` none in particular.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FilterQuery {
    pub status: Vec<String>,
    pub desk: Option<String>,
    pub category: Option<String>,
    pub language: Option<String>,
    /// `web_form`, `api`, `email`, `phone`, `letter` or `in_person`.
    pub channel: Option<String>,
    /// `me`, `unassigned`, `anyone`, or an editor's email.
    pub assignee: Option<String>,
    pub q: Option<String>,
    /// `YYYY-MM-DD` (inclusive) or RFC 3339.
    pub from: Option<String>,
    pub to: Option<String>,
    /// An article's id. The numbers are read as text so that a bad one is named, not a 400.
    pub article: Option<String>,
    /// `true` (or `1`, `on`, `yes`): only reports past their response target now.
    pub overdue: Option<String>,
    /// The report list's cursor: reports older than this id.
    pub before: Option<String>,
    /// The queue's cursor: the page after this key.
    pub after: Option<String>,
    /// The queue's cursor going back: the page before this key.
    pub prev: Option<String>,
    /// The queue's order: `most`, `newest`, `waiting`.
    pub sort: Option<String>,
    pub limit: Option<String>,
}

impl FilterQuery {
    pub fn parse(query_string: &str) -> Result<Self, String> {
        serde_html_form::from_str(query_string).map_err(|e| e.to_string())
    }

    /// Empty form fields mean "not filtered".
    fn given(value: &Option<String>) -> Option<&str> {
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }

    pub fn text(&self, field: &str) -> &str {
        let value = match field {
            "desk" => &self.desk,
            "category" => &self.category,
            "language" => &self.language,
            "channel" => &self.channel,
            "assignee" => &self.assignee,
            "q" => &self.q,
            "from" => &self.from,
            "to" => &self.to,
            "article" => &self.article,
            "overdue" => &self.overdue,
            "before" => &self.before,
            _ => return "",
        };
        Self::given(value).unwrap_or("")
    }

    /// The statuses asked for, `open` expanded; empty when none was asked for.
    pub fn statuses(&self) -> Vec<&str> {
        self.status
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Whether only overdue reports are asked for; `Err` names a value that is neither.
    pub fn overdue(&self) -> Result<bool, FieldErrors> {
        match Self::given(&self.overdue)
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("0" | "false" | "off" | "no") => Ok(false),
            Some("1" | "true" | "on" | "yes") => Ok(true),
            Some(_) => Err(FieldErrors::single(
                "overdue",
                crate::i18n::messages("en").t("desk-filter-overdue_invalid"),
            )),
        }
    }

    pub fn order(&self) -> Result<QueueOrder, FieldErrors> {
        match Self::given(&self.sort) {
            None => Ok(QueueOrder::Most),
            Some(sort) => QueueOrder::parse(sort).ok_or_else(|| {
                FieldErrors::single("sort", "Sort by most, newest or waiting.".to_string())
            }),
        }
    }

    /// Where the queue page starts: `after` a key, or going back from `prev`.
    pub fn cursor(&self) -> Result<Option<QueueCursor>, FieldErrors> {
        let key = |field: &str, value: &str| {
            QueueKey::parse(value).ok_or_else(|| {
                FieldErrors::single(field, "This page link is damaged; start again.")
            })
        };
        match (Self::given(&self.after), Self::given(&self.prev)) {
            (None, None) => Ok(None),
            (Some(after), None) => key("after", after).map(|k| Some(QueueCursor::After(k))),
            (None, Some(prev)) => key("prev", prev).map(|k| Some(QueueCursor::Before(k))),
            (Some(_), Some(_)) => Err(FieldErrors::single(
                "prev",
                "Give one page cursor: after or prev, not both.",
            )),
        }
    }

    /// The same filters as a query string (no cursor), for links: next page, sort, export.
    pub fn to_query_string(&self, with_sort: bool) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for status in &self.status {
            out.append_pair("status", status);
        }
        for (name, value) in [
            ("desk", &self.desk),
            ("category", &self.category),
            ("language", &self.language),
            ("channel", &self.channel),
            ("assignee", &self.assignee),
            ("q", &self.q),
            ("from", &self.from),
            ("to", &self.to),
            ("article", &self.article),
            ("overdue", &self.overdue),
            ("limit", &self.limit),
        ] {
            if let Some(value) = Self::given(value) {
                out.append_pair(name, value);
            }
        }
        if with_sort && let Some(sort) = Self::given(&self.sort) {
            out.append_pair("sort", sort);
        }
        out.finish()
    }
}

fn parse_time(
    field: &str,
    value: &str,
    end_of_day: bool,
    errors: &mut FieldErrors,
) -> Option<NaiveDateTime> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(value) {
        return Some(t.naive_utc());
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => {
            let d = if end_of_day {
                d.succ_opt().unwrap_or(d)
            } else {
                d
            };
            d.and_hms_opt(0, 0, 0)
        }
        Err(_) => {
            errors.add(field, "Use a date like 2026-11-27 or an RFC 3339 time.");
            None
        }
    }
}

/// Turns the query into a filter, naming every field it cannot use. `default_statuses` applies
/// when the query names none (the pages show open reports by default; the API everything).
pub async fn to_filter(
    db: &Db,
    routing: &Routing,
    targets: &Targets,
    editor: &Editor,
    query: &FilterQuery,
    default_statuses: &[String],
) -> Result<Result<ReportFilter, FieldErrors>, StorageError> {
    let mut errors = FieldErrors::default();
    let mut number = |field: &str, value: &Option<String>, message: &str| {
        let value = FilterQuery::given(value)?;
        match value.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.add(field, message);
                None
            }
        }
    };
    let limit = number(
        "limit",
        &query.limit,
        "Give the page size as a whole number.",
    );
    let before_id = number(
        "before",
        &query.before,
        "This page link is damaged; start again.",
    );
    let article_id = number("article", &query.article, "Give an article's number.");
    let mut filter = ReportFilter {
        limit: limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE),
        before_id,
        article_id,
        ..ReportFilter::default()
    };
    if let Some(text) = FilterQuery::given(&query.q) {
        match search::parse(text) {
            Ok(search) => filter.search = Some(search),
            Err(error) => errors.add("q", crate::i18n::messages("en").t(error.message_id())),
        }
    }
    let asked = query.statuses();
    if asked.is_empty() {
        filter.statuses = default_statuses.to_vec();
    }
    for part in asked {
        match part {
            "all" => {}
            "open" => filter.statuses.extend(
                ReportStatus::ALL
                    .iter()
                    .filter(|s| s.is_open())
                    .map(|s| s.as_str().to_string()),
            ),
            other if ReportStatus::parse(other).is_some() => {
                filter.statuses.push(other.to_string())
            }
            other => errors.add("status", format!("Unknown status {other:?}.")),
        }
    }
    filter.statuses.sort();
    filter.statuses.dedup();
    // `any`: every desk (the queue otherwise opens on a desk editor's own desk).
    if let Some(desk) = FilterQuery::given(&query.desk).filter(|d| *d != "any") {
        match routing.desk_id(desk) {
            Some(id) => filter.desk_id = Some(id),
            None => errors.add("desk", format!("No desk is called {desk:?}.")),
        }
    }
    if let Some(category) = FilterQuery::given(&query.category) {
        if Category::parse(category).is_some() {
            filter.category = Some(category.to_string());
        } else {
            errors.add("category", format!("Unknown category {category:?}."));
        }
    }
    filter.language = FilterQuery::given(&query.language).map(str::to_string);
    if let Some(channel) = FilterQuery::given(&query.channel) {
        if Channel::parse(channel).is_some() {
            filter.channel = Some(channel.to_string());
        } else {
            let known: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
            errors.add(
                "channel",
                format!(
                    "Unknown channel {channel:?}: use one of {}.",
                    known.join(", ")
                ),
            );
        }
    }
    if let Some(from) = FilterQuery::given(&query.from) {
        filter.from = parse_time("from", from, false, &mut errors);
    }
    if let Some(to) = FilterQuery::given(&query.to) {
        filter.to = parse_time("to", to, true, &mut errors);
    }
    match query.overdue() {
        Ok(true) => filter.overdue = Some(targets.cutoffs(db).await?),
        Ok(false) => {}
        Err(e) => errors.merge(e),
    }
    filter.assignee = match FilterQuery::given(&query.assignee) {
        None | Some("anyone") => AssigneeFilter::Anyone,
        Some("me") => AssigneeFilter::User(editor.id),
        Some("unassigned") => AssigneeFilter::Unassigned,
        Some(email) => match super::find_editor(db, email.to_string()).await? {
            Some(other) => AssigneeFilter::User(other.id),
            None => {
                errors.add(
                    "assignee",
                    format!("No active editor has the email {email}."),
                );
                AssigneeFilter::Anyone
            }
        },
    };
    Ok(if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    })
}

/// `me`, an editor's email, or nothing (take the report back).
pub async fn assignee(
    db: &Db,
    editor: &Editor,
    requested: Option<&str>,
) -> Result<Result<Option<Editor>, FieldErrors>, StorageError> {
    Ok(match requested.map(str::trim) {
        None | Some("") => Ok(None),
        Some("me") => Ok(Some(editor.clone())),
        Some(email) => match super::find_editor(db, email.to_string()).await? {
            Some(found) => Ok(Some(found)),
            None => Err(FieldErrors::single(
                "assignee",
                format!("No active editor has the email {email}."),
            )),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_repeat_or_are_comma_separated() {
        let q = FilterQuery::parse("status=new&status=triaged,investigating&status=").unwrap();
        assert_eq!(q.statuses(), ["new", "triaged", "investigating"]);
    }

    #[test]
    fn unknown_parameters_are_refused_by_name() {
        let error = FilterQuery::parse("stauts=new").unwrap_err();
        assert!(error.contains("stauts"), "{error}");
    }

    #[test]
    fn links_keep_the_filters_but_not_the_cursor() {
        let q = FilterQuery::parse(
            "status=open&desk=world&q=a+b%26c&desk_unused=&sort=newest&after=3.4&before=9",
        );
        assert!(q.is_err(), "desk_unused is not a filter");
        let q =
            FilterQuery::parse("status=open&desk=world&q=a+b%26c&sort=newest&after=3.4&language=")
                .unwrap();
        assert_eq!(
            q.to_query_string(true),
            "status=open&desk=world&q=a+b%26c&sort=newest"
        );
        assert_eq!(q.to_query_string(false), "status=open&desk=world&q=a+b%26c");
        assert_eq!(
            FilterQuery::parse(&q.to_query_string(true))
                .unwrap()
                .text("q"),
            "a b&c"
        );
    }

    #[test]
    fn the_channel_is_a_filter_kept_in_links() {
        let q = FilterQuery::parse("channel=phone&status=open").unwrap();
        assert_eq!(q.text("channel"), "phone");
        assert_eq!(q.to_query_string(false), "status=open&channel=phone");
    }

    #[test]
    fn overdue_is_a_yes_or_no_kept_in_links() {
        let q = FilterQuery::parse("overdue=1&status=open").unwrap();
        assert_eq!(q.overdue(), Ok(true));
        assert_eq!(q.to_query_string(false), "status=open&overdue=1");
        assert_eq!(FilterQuery::parse("overdue=").unwrap().overdue(), Ok(false));
        assert_eq!(FilterQuery::default().overdue(), Ok(false));
        assert_eq!(
            FilterQuery::parse("overdue=TRUE").unwrap().overdue(),
            Ok(true)
        );
        assert!(
            FilterQuery::parse("overdue=maybe")
                .unwrap()
                .overdue()
                .unwrap_err()
                .has("overdue")
        );
    }

    #[test]
    fn sort_and_cursor_are_checked() {
        assert_eq!(FilterQuery::default().order().unwrap(), QueueOrder::Most);
        let q = FilterQuery::parse("sort=oldest&after=x").unwrap();
        assert!(q.order().unwrap_err().has("sort"));
        assert!(q.cursor().unwrap_err().has("after"));
        let q = FilterQuery::parse("prev=x").unwrap();
        assert!(q.cursor().unwrap_err().has("prev"));
        let q = FilterQuery::parse("after=3.4&prev=5.6").unwrap();
        assert!(q.cursor().unwrap_err().has("prev"), "one cursor at a time");
        let q = FilterQuery::parse("prev=5.6").unwrap();
        assert_eq!(
            q.cursor().unwrap(),
            Some(QueueCursor::Before(QueueKey { key: 5, id: 6 }))
        );
    }
}
