//! The response targets in the dashboard: the figures per desk (`/desk/targets`, every editor)
//! and a desk's own targets (`/desk/admin/routing/desks/{slug}/targets`, admins, linked from the
//! routing page's list of desks).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::service::{DeskFigures, Median, TargetChangeError, TargetInput};
use super::{DeskTargets, span_words};
use crate::dashboard::auth::{self, SignedIn};
use crate::dashboard::pages::DeskNav;
use crate::error::{AppError, HtmlError};
use crate::i18n::{Messages, messages};
use crate::reports::FieldErrors;
use crate::routing::http::{ROUTING_PAGE, require_admin};
use crate::web::state::AppState;
use crate::web::{body, page, see_other};

const PAGE_LANGUAGE: &str = "en";

impl From<TargetChangeError> for AppError {
    fn from(error: TargetChangeError) -> Self {
        match error {
            TargetChangeError::Invalid(fields) => Self::Validation(fields),
            TargetChangeError::NotFound => {
                Self::NotFound(messages(PAGE_LANGUAGE).t("desk-targets-error-no_desk"))
            }
            TargetChangeError::Storage(e) => e.into(),
        }
    }
}

/// A target in words: "24 h", and whether it is the desk's own.
pub fn target_words(t: &Messages, targets: &DeskTargets, step: super::Step) -> String {
    let span = span_words(t, i64::from(targets.minutes(step)));
    let own = match step {
        super::Step::Triage => targets.triage_own,
        super::Step::Decision => targets.decision_own,
    };
    if own {
        t.t_with("desk-targets-own", &[("span", &span)])
    } else {
        t.t_with("desk-targets-default", &[("span", &span)])
    }
}

pub struct FigureRow {
    pub slug: String,
    pub name: String,
    pub triage_target: String,
    pub decision_target: String,
    pub triage_median: String,
    pub decision_median: String,
    pub overdue_triage: i64,
    pub overdue_decision: i64,
    /// The desk's overdue reports in the queue.
    pub overdue_link: String,
}

fn median_words(t: &Messages, median: Option<Median>) -> String {
    match median {
        Some(m) => t.t_with(
            "desk-targets-median",
            &[
                ("span", &span_words(t, (m.seconds / 60.0).round() as i64)),
                ("reports", &m.reports.to_string()),
            ],
        ),
        None => t.t("desk-targets-no_median"),
    }
}

fn figure_row(t: &Messages, desk: &DeskFigures) -> FigureRow {
    FigureRow {
        slug: desk.slug.clone(),
        name: desk.name.clone(),
        triage_target: target_words(t, &desk.targets, super::Step::Triage),
        decision_target: target_words(t, &desk.targets, super::Step::Decision),
        triage_median: median_words(t, desk.triage),
        decision_median: median_words(t, desk.decision),
        overdue_triage: desk.overdue_triage,
        overdue_decision: desk.overdue_decision,
        overdue_link: format!("/desk?desk={}&overdue=1", desk.slug),
    }
}

#[derive(Template)]
#[template(path = "dashboard/targets.html")]
pub struct TargetsPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub rows: Vec<FigureRow>,
    pub days: i64,
    pub at: String,
}

/// `GET /desk/targets`: per desk, its targets, the median time to triage and to decision over the
/// last 30 days, and how many reports are overdue now.
pub async fn targets_page(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, HtmlError> {
    let t = messages(PAGE_LANGUAGE);
    let figures = state
        .targets
        .figures(&state.db, &state.intake.routing)
        .await
        .map_err(AppError::from)?;
    let view = TargetsPage {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(&state, &signed_in, "targets", None).await?,
        rows: figures.desks.iter().map(|d| figure_row(t, d)).collect(),
        days: super::service::FIGURE_DAYS,
        at: crate::dashboard::pages::time(figures.at),
    };
    Ok(page(StatusCode::OK, &view)?)
}

#[derive(Template)]
#[template(path = "dashboard/desk_targets.html")]
pub struct DeskTargetsPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub slug: String,
    pub name: String,
    pub input: TargetInput,
    /// The configured defaults, in words, for the hints.
    pub default_triage: String,
    pub default_decision: String,
    pub errors: FieldErrors,
}

fn desk_page<'a>(
    state: &'a AppState,
    nav: DeskNav,
    slug: &str,
    input: TargetInput,
    errors: FieldErrors,
) -> Result<DeskTargetsPage<'a>, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let desk = state
        .intake
        .routing
        .desk(slug)
        .ok_or_else(|| AppError::from(TargetChangeError::NotFound))?;
    let defaults = state.targets.settings();
    let default = |minutes: u32| {
        t.t_with(
            "desk-targets-field-default",
            &[
                ("minutes", &minutes.to_string()),
                ("span", &span_words(t, i64::from(minutes))),
            ],
        )
    };
    Ok(DeskTargetsPage {
        t,
        publisher: &state.settings.publisher.name,
        nav,
        slug: desk.slug.clone(),
        name: desk.name.clone(),
        input,
        default_triage: default(defaults.triage_minutes),
        default_decision: default(defaults.decision_minutes),
        errors,
    })
}

/// `GET /desk/admin/routing/desks/{slug}/targets` (admins): the desk's own targets.
pub async fn desk_targets_form(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let slug = path.into_inner();
    let desk_id = state
        .intake
        .routing
        .desk_id(&slug)
        .ok_or_else(|| AppError::from(TargetChangeError::NotFound))?;
    let own = state
        .targets
        .table(&state.db)
        .await
        .map_err(AppError::from)?
        .own(desk_id);
    let shown = |m: Option<u32>| m.map(|m| m.to_string()).unwrap_or_default();
    let input = TargetInput {
        triage_minutes: shown(own.triage_minutes),
        decision_minutes: shown(own.decision_minutes),
    };
    let nav = DeskNav::new(&state, &signed_in, "routing", None).await?;
    let view = desk_page(&state, nav, &slug, input, FieldErrors::default())?;
    Ok(page(StatusCode::OK, &view)?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskTargetsForm {
    csrf: String,
    #[serde(default)]
    triage_minutes: String,
    #[serde(default)]
    decision_minutes: String,
}

/// `POST /desk/admin/routing/desks/{slug}/targets` (admins): saves them (recorded in the routing
/// change log); a refused value comes back beside its field, as typed.
pub async fn save_desk_targets(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let form: DeskTargetsForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let slug = path.into_inner();
    let input = TargetInput {
        triage_minutes: form.triage_minutes,
        decision_minutes: form.decision_minutes,
    };
    let saved = super::service::set_desk_targets(
        &state.db,
        &state.intake.routing,
        &state.targets,
        &slug,
        &input,
        signed_in.editor.actor(),
    )
    .await;
    match saved {
        Ok(()) => Ok(see_other(&format!(
            "{ROUTING_PAGE}?done=targets#desk-{slug}"
        ))),
        Err(TargetChangeError::Invalid(errors)) => {
            let nav = DeskNav::new(&state, &signed_in, "routing", None).await?;
            let view = desk_page(&state, nav, &slug, input, errors)?;
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &view)?)
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}
