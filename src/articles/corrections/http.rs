//! Thin handlers of the corrections log: the page, its Atom feed, its JSON, and the notice of one
//! article (cacheable, for any site: `Access-Control-Allow-Origin: *`).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, web};
use askama::Template;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::service::{self, Cursor, Notice, Outcome};
use super::{CorrectionError, rfc3339};
use crate::error::{AppError, HtmlError};
use crate::i18n::{Messages, messages};
use crate::reports::FieldErrors;
use crate::web::api_docs::ErrorResponse;
use crate::web::language::PageLanguage;
use crate::web::state::AppState;
use crate::web::{Frame, page};

/// Where the log is on this site, relative to `server.public_url`.
pub const PAGE_PATH: &str = "/corrections";
pub const FEED_PATH: &str = "/corrections.atom";

fn public_url(state: &AppState) -> &str {
    state.settings.server.public_url.trim_end_matches('/')
}

/// The first value of the query parameter `name`. Read by hand: a repeated parameter
/// (`?limit=1&limit=2`) takes its first value instead of failing the whole request.
fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn cursor_param(
    t: &Messages,
    field: &str,
    value: Option<&str>,
) -> Result<Option<Cursor>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => Cursor::parse(text).map(Some).ok_or_else(|| {
            AppError::Validation(FieldErrors::single(
                field,
                t.t("corrections-cursor_invalid"),
            ))
        }),
    }
}

// ---------------------------------------------------------------- the page

/// One notice as the page shows it.
pub struct NoticeView {
    pub article_url: String,
    pub outcome: &'static str,
    pub outcome_label: String,
    pub date: String,
    pub datetime: String,
    pub note: Option<String>,
    pub correction_url: Option<String>,
}

impl NoticeView {
    fn of(t: &Messages, notice: Notice) -> Self {
        Self {
            outcome: notice.outcome.as_str(),
            outcome_label: t.t(notice.outcome.label_id()),
            date: notice.decided_at.format("%Y-%m-%d").to_string(),
            datetime: rfc3339(notice.decided_at),
            article_url: notice.canonical_url,
            note: notice.public_note,
            correction_url: notice.correction_url,
        }
    }
}

#[derive(Template)]
#[template(path = "public/corrections.html")]
pub struct CorrectionsPage<'a> {
    pub t: &'a Messages,
    pub frame: Frame,
    pub publisher: &'a str,
    /// Reporter data is kept this many days after the decision (the privacy footer).
    pub privacy_days: u32,
    pub notices: Vec<NoticeView>,
    /// The next (older) page, if any.
    pub next: Option<String>,
    /// Whether this is the first (newest) page.
    pub first_page: bool,
}

/// `GET /corrections?before=…`: newest first, a page at a time (`rel="next"` for older ones).
pub async fn corrections_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: PageLanguage,
) -> Result<HttpResponse, HtmlError> {
    let t = lang.messages;
    let before = cursor_param(t, "before", query_param(&req, "before").as_deref())?;
    let limit = i64::from(state.settings.corrections.page_size);
    let (notices, next) = service::page(&state.db, before, limit)
        .await
        .map_err(AppError::from)?;
    Ok(page(
        StatusCode::OK,
        &CorrectionsPage {
            t,
            frame: Frame::new(&state.settings, lang.chooser),
            publisher: &state.settings.publisher.name,
            privacy_days: state.settings.privacy.reporter_retention_days,
            notices: notices.into_iter().map(|n| NoticeView::of(t, n)).collect(),
            next: next.map(|c| format!("{PAGE_PATH}?before={}", c.encode())),
            first_page: before.is_none(),
        },
    )?)
}

// ---------------------------------------------------------------- the Atom feed

pub struct FeedEntry {
    pub id: String,
    pub title: String,
    pub updated: String,
    /// The correction, or the article when there is no link to one.
    pub link: String,
    pub article_url: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "public/corrections.atom", escape = "html")]
pub struct CorrectionsFeed {
    pub lang: &'static str,
    pub title: String,
    pub subtitle: String,
    pub author: String,
    pub feed_url: String,
    pub page_url: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

/// Text without the characters XML 1.0 cannot carry (control characters a note may hold).
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// An entry's id: a tag URI (RFC 4151) on our host, dated by the decision, naming its event, so
/// a later decision on the same article is a new entry.
fn entry_id(host: &str, notice: &Notice) -> String {
    format!(
        "tag:{host},{}:correction-{}",
        notice.decided_at.format("%Y-%m-%d"),
        notice.event_id
    )
}

/// `GET /corrections.atom`: the newest page of the log as an Atom 1.0 feed.
pub async fn corrections_feed(
    state: web::Data<AppState>,
    lang: PageLanguage,
) -> Result<HttpResponse, HtmlError> {
    let t = lang.messages;
    let limit = i64::from(state.settings.corrections.page_size);
    let (notices, _) = service::page(&state.db, None, limit)
        .await
        .map_err(AppError::from)?;
    let base = public_url(&state);
    let host = url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".into());
    let publisher = &state.settings.publisher.name;
    let updated = notices
        .first()
        .map(|n| n.decided_at)
        .unwrap_or_else(crate::storage::now);
    let entries = notices
        .iter()
        .map(|n| {
            let label = t.t(n.outcome.label_id());
            FeedEntry {
                id: entry_id(&host, n),
                title: xml_text(&format!("{label}: {}", n.canonical_url)),
                updated: rfc3339(n.decided_at),
                link: n
                    .correction_url
                    .clone()
                    .unwrap_or_else(|| n.canonical_url.clone()),
                article_url: n.canonical_url.clone(),
                summary: xml_text(n.public_note.as_deref().unwrap_or(&label)),
            }
        })
        .collect();
    let feed = CorrectionsFeed {
        lang: t.tag(),
        title: if publisher.is_empty() {
            t.t("corrections-title")
        } else {
            format!("{} · {publisher}", t.t("corrections-title"))
        },
        subtitle: t.t("corrections-intro"),
        author: if publisher.is_empty() {
            t.t("brand-desk_name")
        } else {
            publisher.clone()
        },
        feed_url: format!("{base}{FEED_PATH}"),
        page_url: format!("{base}{PAGE_PATH}"),
        updated: rfc3339(updated),
        entries,
    };
    let body = feed
        .render()
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((
            header::CACHE_CONTROL,
            cache_control(state.settings.corrections.max_age_secs),
        ))
        .body(body))
}

// ---------------------------------------------------------------- JSON

fn cache_control(max_age_secs: u64) -> String {
    format!("public, max-age={max_age_secs}")
}

/// Public data for any site: readable from another origin's script.
fn allow_any_origin(response: &mut HttpResponse) {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("ETag"),
    );
}

/// An error answer with the same CORS headers (a page can read the 404 too).
fn public_error(error: AppError, cache: Option<&str>) -> HttpResponse {
    let mut response = error.error_response();
    allow_any_origin(&mut response);
    if let Some(cache) = cache.and_then(|c| HeaderValue::from_str(c).ok()) {
        response.headers_mut().insert(header::CACHE_CONTROL, cache);
        // Its message is in the client's language.
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    }
    response
}

/// A published correction or clarification.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CorrectionNotice)]
pub struct NoticeBody {
    /// The article's one address, its variants folded into it.
    canonical_url: String,
    outcome: Outcome,
    /// When the editors decided (RFC 3339).
    #[schema(format = DateTime)]
    decided_at: String,
    /// The editors' note to readers on this decision.
    public_note: Option<String>,
    /// The published correction or clarification.
    correction_url: Option<String>,
}

impl NoticeBody {
    fn of(notice: &Notice) -> Self {
        Self {
            canonical_url: notice.canonical_url.clone(),
            outcome: notice.outcome,
            decided_at: rfc3339(notice.decided_at),
            public_note: notice.public_note.clone(),
            correction_url: notice.correction_url.clone(),
        }
    }
}

/// A page of the corrections log.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CorrectionLog)]
pub struct LogBody {
    /// Newest decision first.
    corrections: Vec<NoticeBody>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    next_cursor: Option<String>,
}

/// The log's query (documentation: the handler reads the query string itself).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct LogQuery {
    /// `next_cursor` of the page before.
    cursor: Option<String>,
    /// Notices per page, 1 to 100 (the configured page size by default).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
}

/// `GET /api/v1/corrections`.
#[utoipa::path(
    tag = "corrections",
    operation_id = "list_corrections",
    summary = "The corrections log",
    description = "Every article whose latest decision is a correction or a clarification, newest \
        decision first, a page at a time. An article leaves the log when a later decision on it \
        finds no error.",
    params(LogQuery),
    responses(
        (status = 200, description = "A page of notices.", body = LogBody),
        (status = 422, description = "`cursor` or `limit` not valid (`fields` names it).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse,
            headers(("Retry-After" = i64, description = "Seconds to wait."))),
    )
)]
#[get("/corrections")]
pub async fn api_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: PageLanguage,
) -> HttpResponse {
    let t = lang.messages;
    let listed = async {
        let cursor = cursor_param(t, "cursor", query_param(&req, "cursor").as_deref())?;
        let limit = query_param(&req, "limit");
        let limit = match limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => i64::from(state.settings.corrections.page_size),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=service::MAX_PAGE).contains(n))
                .ok_or_else(|| {
                    AppError::Validation(FieldErrors::single(
                        "limit",
                        t.t_with(
                            "corrections-limit_invalid",
                            &[("max", &service::MAX_PAGE.to_string())],
                        ),
                    ))
                })?,
        };
        Ok::<_, AppError>(service::page(&state.db, cursor, limit).await?)
    };
    match listed.await {
        Ok((notices, next)) => {
            let mut response = HttpResponse::Ok()
                .insert_header((
                    header::CACHE_CONTROL,
                    cache_control(state.settings.corrections.max_age_secs),
                ))
                .json(LogBody {
                    corrections: notices.iter().map(NoticeBody::of).collect(),
                    next_cursor: next.map(|c| c.encode()),
                });
            allow_any_origin(&mut response);
            response
        }
        Err(error) => public_error(error, None),
    }
}

/// schema.org's `CorrectionComment`: the notice as the article page states it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CorrectionComment {
    #[serde(rename = "@type")]
    #[schema(example = "CorrectionComment")]
    kind: &'static str,
    /// The editors' note to readers.
    text: String,
    /// When the editors decided (ISO 8601).
    #[serde(rename = "datePublished")]
    #[schema(format = DateTime)]
    date_published: String,
    /// The published correction, when there is a link to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    url: Option<String>,
}

/// schema.org JSON-LD for the article page: a `NewsArticle` with its `correction`. Put it in a
/// `<script type="application/ld+json">` element of the article.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CorrectionJsonLd {
    #[serde(rename = "@context")]
    #[schema(example = "https://schema.org")]
    context: &'static str,
    #[serde(rename = "@type")]
    #[schema(example = "NewsArticle")]
    kind: &'static str,
    /// The article.
    url: String,
    correction: CorrectionComment,
}

/// The public notice of one article.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ArticleCorrection)]
pub struct ArticleCorrectionBody {
    #[serde(flatten)]
    notice: NoticeBody,
    json_ld: CorrectionJsonLd,
}

fn json_ld(notice: &Notice) -> CorrectionJsonLd {
    CorrectionJsonLd {
        context: "https://schema.org",
        kind: "NewsArticle",
        url: notice.canonical_url.clone(),
        correction: CorrectionComment {
            kind: "CorrectionComment",
            // Every resolution carries a note to readers; older data may not: the outcome then.
            text: notice
                .public_note
                .clone()
                .unwrap_or_else(|| messages("en").t(notice.outcome.label_id())),
            date_published: rfc3339(notice.decided_at),
            url: notice.correction_url.clone(),
        },
    }
}

/// A strong validator from the answer's own bytes: it changes exactly when the answer does.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

/// Whether `If-None-Match` names `etag` (or `*`): the client's copy is current. The comparison is
/// the weak one RFC 9110 prescribes for this header.
pub fn none_match(req: &HttpRequest, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == opaque(etag))
}

/// The lookup's query (documentation: the handler reads the query string itself).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct LookupQuery {
    /// Any address of the article (tracking parameters, mobile and AMP variants and the like
    /// are folded as intake folds them).
    #[param(max_length = 2048, format = "uri")]
    url: Option<String>,
}

/// `GET /api/v1/articles/correction?url=…`.
#[utoipa::path(
    tag = "corrections",
    operation_id = "get_article_correction",
    summary = "An article's correction notice",
    description = "For any address of an article, canonicalised as intake does: its published \
        correction or clarification, with schema.org JSON-LD (`NewsArticle` with a \
        `CorrectionComment`) to embed on the article page, or 404. No personal data and no \
        internal notes. Cacheable: a strong `ETag` (send it back in `If-None-Match` for a 304) and \
        `Cache-Control: public`; readable from any origin.",
    params(
        LookupQuery,
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of a copy you hold."),
    ),
    responses(
        (status = 200, description = "The notice.", body = ArticleCorrectionBody,
            headers(
                ("ETag" = String, description = "Changes when the notice does."),
                ("Cache-Control" = String, description = "`public, max-age=…`"),
            )),
        (status = 304, description = "Your copy (`If-None-Match`) is current."),
        (status = 404, description = "No correction or clarification is published for this article.", body = ErrorResponse),
        (status = 422, description = "`url` missing or not a web address (`fields.url` says why).", body = ErrorResponse),
        (status = 503, description = "Temporarily unavailable.", body = ErrorResponse,
            headers(("Retry-After" = i64, description = "Seconds to wait."))),
    )
)]
#[get("/articles/correction")]
pub async fn api_lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: PageLanguage,
) -> HttpResponse {
    let t = lang.messages;
    let cache = cache_control(state.settings.corrections.max_age_secs);
    let url = query_param(&req, "url");
    let notice = match service::lookup(&state.db, &state.urls, url.as_deref(), t).await {
        Ok(notice) => notice,
        Err(CorrectionError::NotFound) => {
            // Most articles have none: a CDN may keep that answer as long as a notice.
            return public_error(
                AppError::NotFound(t.t("corrections-not_found")),
                Some(&cache),
            );
        }
        Err(other) => return public_error(other.into(), None),
    };
    let body = ArticleCorrectionBody {
        notice: NoticeBody::of(&notice),
        json_ld: json_ld(&notice),
    };
    let bytes = match serde_json::to_vec(&body) {
        Ok(bytes) => bytes,
        Err(e) => return public_error(AppError::Internal(e.into()), None),
    };
    let etag = etag_of(&bytes);
    let mut response = if none_match(&req, &etag) {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok()
            .content_type("application/json")
            .body(bytes)
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&cache) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    allow_any_origin(&mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_strong_and_follow_the_bytes() {
        let a = etag_of(b"{\"a\":1}");
        assert!(
            a.starts_with('"') && a.ends_with('"') && a.len() == 34,
            "{a}"
        );
        assert_eq!(a, etag_of(b"{\"a\":1}"));
        assert_ne!(a, etag_of(b"{\"a\":2}"));
    }

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_the_star() {
        let etag = "\"abc\"";
        let with = |value: &str| {
            actix_web::test::TestRequest::default()
                .insert_header((header::IF_NONE_MATCH, value))
                .to_http_request()
        };
        assert!(none_match(&with("\"abc\""), etag));
        assert!(none_match(&with("\"x\", W/\"abc\""), etag));
        assert!(none_match(&with("*"), etag));
        assert!(!none_match(&with("\"abd\""), etag));
        assert!(!none_match(
            &actix_web::test::TestRequest::default().to_http_request(),
            etag
        ));
    }
}
