//! The language of a public page: `?lang=`, then the cookie the language chooser sets, then the
//! browser's `Accept-Language` (by quality), then the publisher's default (`[i18n] default`).
//! Only the languages the site offers (`[i18n] languages`) are ever chosen.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, web};

use crate::config::Settings;
use crate::i18n::{self, Messages};
use crate::web::state::AppState;

/// The cookie that remembers a reader's choice (a preference, nothing else: one year).
pub const COOKIE: &str = "desk_lang";
/// The query parameter that picks a language, as the language chooser's links and the
/// publisher's "Report this article" links do.
pub const PARAM: &str = "lang";

/// Where the page's language came from (logged at debug, asserted in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Query,
    Cookie,
    AcceptLanguage,
    Default,
}

/// The negotiated language of this request's page, and its chooser.
pub struct PageLanguage {
    pub messages: &'static Messages,
    pub source: Source,
    pub chooser: Chooser,
}

impl PageLanguage {
    pub fn tag(&self) -> &'static str {
        self.messages.tag()
    }

    /// The language negotiated for `req` among the languages `settings` offers.
    pub fn of(req: &HttpRequest, settings: &Settings) -> Self {
        let offered: Vec<&'static str> = offered(settings);
        let from_query = query_language(req.query_string());
        let from_cookie = req.cookie(COOKIE).map(|c| c.value().to_string());
        let accept = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (tag, source) = from_query
            .as_deref()
            .and_then(|q| i18n::negotiate([q], &offered))
            .map(|tag| (tag, Source::Query))
            .or_else(|| {
                from_cookie
                    .as_deref()
                    .and_then(|c| i18n::negotiate([c], &offered))
                    .map(|tag| (tag, Source::Cookie))
            })
            .or_else(|| {
                i18n::negotiate(i18n::accept_language(accept), &offered)
                    .map(|tag| (tag, Source::AcceptLanguage))
            })
            .unwrap_or_else(|| (default_language(settings), Source::Default));
        let messages = i18n::messages(tag);
        Self {
            messages,
            source,
            chooser: Chooser::new(req, &offered, messages.tag()),
        }
    }
}

impl FromRequest for PageLanguage {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.app_data::<web::Data<AppState>>() {
            Some(state) => Ok(Self::of(req, &state.settings)),
            None => Err(actix_web::error::ErrorInternalServerError(
                "the application state is missing",
            )),
        })
    }
}

/// The shipped languages the site offers, in its order (config validation keeps them shipped).
pub fn offered(settings: &Settings) -> Vec<&'static str> {
    settings
        .i18n
        .languages
        .iter()
        .filter_map(|tag| i18n::SHIPPED.iter().find(|s| *s == tag).copied())
        .collect()
}

fn default_language(settings: &Settings) -> &'static str {
    i18n::SHIPPED
        .iter()
        .find(|s| **s == settings.i18n.default)
        .copied()
        .unwrap_or(i18n::FALLBACK)
}

fn query_language(query: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == PARAM)
        .map(|(_, value)| value.into_owned())
}

/// The language chooser: a plain list of links to this page in each offered language, each
/// named in its own language. No JavaScript: following a link sets the cookie.
pub struct Chooser {
    pub links: Vec<LanguageLink>,
}

pub struct LanguageLink {
    pub tag: &'static str,
    pub name: String,
    pub href: String,
    pub current: bool,
}

impl Chooser {
    /// No chooser (the dashboard's error pages).
    pub fn none() -> Self {
        Self { links: Vec::new() }
    }

    fn new(req: &HttpRequest, offered: &[&'static str], current: &str) -> Self {
        if offered.len() < 2 {
            return Self::none();
        }
        // The same page and query, with `lang` replaced: a reader keeps their place.
        let kept: Vec<(String, String)> =
            url::form_urlencoded::parse(req.query_string().as_bytes())
                .filter(|(name, _)| name != PARAM)
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
        let links = offered
            .iter()
            .map(|tag| {
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                query.extend_pairs(kept.iter());
                query.append_pair(PARAM, tag);
                LanguageLink {
                    tag,
                    name: i18n::messages(tag).t(&format!("language-{tag}")),
                    href: format!("{}?{}", req.path(), query.finish()),
                    current: *tag == current,
                }
            })
            .collect();
        Self { links }
    }
}

/// Middleware: a page asked for with `?lang=` (a chooser link, a publisher's link) sets the
/// cookie, so the reader's next pages keep the language; pages say which language they are in
/// and that it depends on the request's language headers and cookie.
pub async fn remember_language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let chosen = query_language(req.query_string()).and_then(|q| {
        let state = req.app_data::<web::Data<AppState>>()?;
        i18n::negotiate([q.as_str()], &offered(&state.settings))
    });
    let cookie_now = req.cookie(COOKIE).map(|c| c.value().to_string());
    let secure = req.connection_info().scheme() == "https";
    let mut res = next.call(req).await?;
    if let Some(tag) = chosen.filter(|tag| cookie_now.as_deref() != Some(*tag)) {
        let cookie = Cookie::build(COOKIE, tag)
            .path("/")
            .max_age(actix_web::cookie::time::Duration::days(365))
            .same_site(SameSite::Lax)
            .http_only(true)
            .secure(secure)
            .finish();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page {
        res.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    Ok(res)
}
