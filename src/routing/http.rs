//! The admins' routing page: desks, every rule in match order, add / edit / delete for dashboard
//! rules, the change log, and a "test a URL" box. Server-rendered; no script needed.

use std::collections::HashSet;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::input::{RouteTestInput, RuleInput};
use super::repo::{ChangeRow, StoredRule};
use super::service::{self, Overview, RuleChangeError, RuleSnapshot};
use super::{Rule, RuleSource};
use crate::dashboard::auth::{self, SignedIn};
use crate::dashboard::pages::DeskNav;
use crate::error::{AppError, HtmlError};
use crate::i18n::{Messages, messages};
use crate::reports::{Category, FieldErrors};
use crate::web::state::AppState;
use crate::web::{Choice, body, page, see_other};

const PAGE_LANGUAGE: &str = "en";
pub const ROUTING_PAGE: &str = "/desk/admin/routing";
/// How many changes the page lists (all are kept in `routing_rule_changes`).
const CHANGES_SHOWN: i64 = 50;
/// How `seen` (a rule's `updated_at`) travels in forms: to the microsecond, as stored.
const SEEN_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

impl From<RuleChangeError> for AppError {
    fn from(error: RuleChangeError) -> Self {
        let t = messages(PAGE_LANGUAGE);
        match error {
            RuleChangeError::Invalid(fields) => Self::Validation(fields),
            RuleChangeError::NotFound => Self::NotFound(t.t("desk-routing-error-not_found")),
            RuleChangeError::FromFile => Self::Conflict {
                kind: "rule_from_file",
                message: t.t("desk-routing-error-from_file"),
            },
            RuleChangeError::ChangedMeanwhile => Self::Conflict {
                kind: "conflict",
                message: t.t("desk-routing-error-changed_meanwhile"),
            },
            RuleChangeError::Storage(e) => e.into(),
        }
    }
}

pub(crate) fn require_admin(signed_in: &SignedIn) -> Result<(), AppError> {
    if signed_in.editor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            messages(PAGE_LANGUAGE).t("desk-routing-forbidden"),
        ))
    }
}

/// The rule form (add on the main page, edit on its own page).
pub struct RuleForm {
    pub action: String,
    pub submit: &'static str,
    pub input: RuleInput,
    pub seen: String,
    pub errors: FieldErrors,
    pub desks: Vec<Choice>,
    pub categories: Vec<Choice>,
}

impl RuleForm {
    fn new(
        state: &AppState,
        action: String,
        submit: &'static str,
        input: RuleInput,
        seen: String,
        errors: FieldErrors,
    ) -> Self {
        let t = messages(PAGE_LANGUAGE);
        let desks = state
            .intake
            .routing
            .desks()
            .map(|d| Choice {
                value: d.slug.clone(),
                label: format!("{} ({})", d.name, d.slug),
                selected: d.slug == input.desk.trim(),
            })
            .collect();
        let categories = category_choices(t, input.category.trim());
        Self {
            action,
            submit,
            input,
            seen,
            errors,
            desks,
            categories,
        }
    }
}

fn category_choices(t: &Messages, selected: &str) -> Vec<Choice> {
    Category::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str().to_string(),
            label: format!("{} ({})", t.t(c.label_id()), c.as_str()),
            selected: c.as_str() == selected,
        })
        .collect()
}

pub struct DeskView {
    pub slug: String,
    pub name: String,
    pub editors: String,
    pub is_default: bool,
    pub is_escalation: bool,
    /// Its response targets in words ("triage 24 h (default) · decision 3 d (this desk's own)").
    pub targets: String,
}

pub struct RuleView {
    pub position: usize,
    pub id: i64,
    pub priority: i32,
    pub desk: String,
    pub conditions: String,
    pub from_file: bool,
    /// Its desk is no longer in the rules file: passed over when matching.
    pub inactive: bool,
    pub origin: String,
    pub seen: String,
}

pub struct TestView {
    pub input: RouteTestInput,
    pub errors: FieldErrors,
    pub categories: Vec<Choice>,
    pub result: Option<TestResult>,
}

pub struct TestResult {
    pub canonical_url: String,
    pub desk: String,
    pub reason: String,
}

pub struct ChangeView {
    pub when: String,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "dashboard/routing.html")]
pub struct RoutingPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub notice: Option<String>,
    pub file: String,
    pub desks: Vec<DeskView>,
    pub rules: Vec<RuleView>,
    /// Stored rules this instance cannot use (e.g. an unknown category), with the reason.
    pub ignored: Vec<String>,
    pub form: RuleForm,
    pub test: TestView,
    pub changes: Vec<ChangeView>,
}

#[derive(Template)]
#[template(path = "dashboard/routing_edit.html")]
pub struct EditPage<'a> {
    pub t: &'a Messages,
    pub publisher: &'a str,
    pub nav: DeskNav,
    pub id: i64,
    pub message: Option<String>,
    pub form: RuleForm,
}

fn when(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `editor:ana@example.com` → `ana@example.com`; `file:config/routing.toml` → the path.
fn who(actor: &str) -> &str {
    actor
        .strip_prefix("editor:")
        .or_else(|| actor.strip_prefix("file:"))
        .unwrap_or(actor)
}

fn conditions(t: &Messages, rule: &RuleSnapshot) -> String {
    let mut parts = Vec::new();
    if let Some(host) = &rule.host {
        parts.push(t.t_with("desk-routing-cond-host", &[("host", host)]));
    }
    if let Some(path) = &rule.path_prefix {
        parts.push(t.t_with("desk-routing-cond-path", &[("path", path)]));
    }
    if let Some(category) = &rule.category {
        // The short name, as in the form's list and the rules file: the labels are for readers.
        parts.push(t.t_with("desk-routing-cond-category", &[("category", category)]));
    }
    if let Some(language) = &rule.language {
        parts.push(t.t_with("desk-routing-cond-language", &[("language", language)]));
    }
    if parts.is_empty() {
        t.t("desk-routing-cond-any").to_string()
    } else {
        parts.join(&t.t("desk-routing-cond-and"))
    }
}

fn desk_label(state: &AppState, slug: &str) -> String {
    match state.intake.routing.desk(slug) {
        Some(desk) => format!("{} ({})", desk.name, desk.slug),
        None => slug.to_string(),
    }
}

fn rule_view(
    state: &AppState,
    t: &Messages,
    file: &str,
    position: usize,
    rule: &Rule,
    row: Option<&StoredRule>,
) -> RuleView {
    let from_file = rule.source == RuleSource::File;
    let origin = match row {
        _ if from_file => t.t_with("desk-routing-from_file", &[("file", file)]),
        Some(row) if row.updated_at != row.created_at => t.t_with(
            "desk-routing-changed_by",
            &[
                ("who", who(&row.updated_by)),
                ("when", &when(row.updated_at)),
            ],
        ),
        Some(row) => t.t_with(
            "desk-routing-added_by",
            &[
                ("who", who(&row.created_by)),
                ("when", &when(row.created_at)),
            ],
        ),
        None => String::new(),
    };
    RuleView {
        position,
        id: rule.id.unwrap_or_default(),
        priority: rule.priority,
        desk: desk_label(state, &rule.desk),
        conditions: conditions(t, &RuleSnapshot::from(rule)),
        from_file,
        inactive: state.intake.routing.desk(&rule.desk).is_none(),
        origin,
        seen: row
            .map(|r| r.updated_at.format(SEEN_FORMAT).to_string())
            .unwrap_or_default(),
    }
}

fn change_view(t: &Messages, change: &ChangeRow) -> ChangeView {
    let parse = |json: &Option<String>| {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<RuleSnapshot>(j).ok())
    };
    let rule = |snapshot: Option<RuleSnapshot>| {
        snapshot
            .map(|r| {
                t.t_with(
                    "desk-routing-change-rule",
                    &[
                        ("desk", &r.desk),
                        ("conditions", &conditions(t, &r)),
                        ("priority", &r.priority.to_string()),
                    ],
                )
            })
            .unwrap_or_default()
    };
    let id = change.rule_id.unwrap_or_default().to_string();
    let what = match change.action.as_str() {
        service::CREATED => t.t_with(
            "desk-routing-change-created",
            &[("id", &id), ("rule", &rule(parse(&change.after_json)))],
        ),
        service::UPDATED => t.t_with(
            "desk-routing-change-updated",
            &[
                ("id", &id),
                ("before", &rule(parse(&change.before_json))),
                ("after", &rule(parse(&change.after_json))),
            ],
        ),
        service::DELETED => t.t_with(
            "desk-routing-change-deleted",
            &[("id", &id), ("rule", &rule(parse(&change.before_json)))],
        ),
        service::FILE_SYNCED => {
            let count = |json: &Option<String>| {
                json.as_deref()
                    .and_then(|j| serde_json::from_str::<Vec<RuleSnapshot>>(j).ok())
                    .map_or(0, |rules| rules.len())
            };
            match count(&change.before_json) {
                0 => t.t_with(
                    "desk-routing-change-file_imported",
                    &[("after", &count(&change.after_json).to_string())],
                ),
                before => t.t_with(
                    "desk-routing-change-file_synced",
                    &[
                        ("before", &before.to_string()),
                        ("after", &count(&change.after_json).to_string()),
                    ],
                ),
            }
        }
        crate::targets::service::TARGETS_CHANGED => {
            let parse = |json: &Option<String>| {
                json.as_deref().and_then(|j| {
                    serde_json::from_str::<crate::targets::service::TargetsSnapshot>(j).ok()
                })
            };
            let words = |snapshot: &Option<crate::targets::service::TargetsSnapshot>| {
                let minutes = |m: Option<u32>| match m {
                    Some(m) => t.t_with(
                        "desk-routing-change-minutes",
                        &[("minutes", &m.to_string())],
                    ),
                    None => t.t("desk-routing-change-default"),
                };
                let (triage, decision) = snapshot
                    .as_ref()
                    .map_or((None, None), |s| (s.triage_minutes, s.decision_minutes));
                t.t_with(
                    "desk-routing-change-targets_pair",
                    &[
                        ("triage", &minutes(triage)),
                        ("decision", &minutes(decision)),
                    ],
                )
            };
            let (before, after) = (parse(&change.before_json), parse(&change.after_json));
            let desk = after
                .as_ref()
                .or(before.as_ref())
                .map(|s| s.desk.clone())
                .unwrap_or_default();
            t.t_with(
                "desk-routing-change-targets",
                &[
                    ("desk", &desk),
                    ("before", &words(&before)),
                    ("after", &words(&after)),
                ],
            )
        }
        other => other.to_string(),
    };
    ChangeView {
        when: when(change.created_at),
        who: who(&change.actor).to_string(),
        what,
    }
}

fn test_view(state: &AppState, overview: &Overview, input: Option<RouteTestInput>) -> TestView {
    let t = messages(PAGE_LANGUAGE);
    let Some(input) = input else {
        return TestView {
            input: RouteTestInput {
                language: state.settings.intake.default_language.clone(),
                ..RouteTestInput::default()
            },
            errors: FieldErrors::default(),
            categories: category_choices(t, Category::FalseClaim.as_str()),
            result: None,
        };
    };
    let categories = category_choices(t, input.category.trim());
    match input.parse(&state.urls, &state.settings.intake.default_language, t) {
        Ok(test) => {
            let routed = overview.table.explain(&test.route_input());
            let reason = match routed.rule {
                Some((position, rule)) => t.t_with(
                    "desk-routing-test-by_rule",
                    &[
                        ("position", &position.to_string()),
                        ("conditions", &conditions(t, &RuleSnapshot::from(rule))),
                        ("priority", &rule.priority.to_string()),
                    ],
                ),
                None => t.t("desk-routing-test-by_default").to_string(),
            };
            TestView {
                result: Some(TestResult {
                    canonical_url: test.url.as_str().to_string(),
                    desk: desk_label(state, &routed.desk.slug),
                    reason,
                }),
                input,
                errors: FieldErrors::default(),
                categories,
            }
        }
        Err(errors) => TestView {
            input,
            errors,
            categories,
            result: None,
        },
    }
}

/// Builds the main page; `form` is the add form (kept input and errors after a refused post).
async fn routing_page<'a>(
    state: &'a AppState,
    signed_in: &SignedIn,
    notice: Option<String>,
    form: RuleForm,
    test: Option<RouteTestInput>,
) -> Result<RoutingPage<'a>, AppError> {
    let t = messages(PAGE_LANGUAGE);
    let routing = &state.intake.routing;
    let overview = service::overview(&state.db, routing, CHANGES_SHOWN).await?;
    let file = state.settings.routing.file.display().to_string();
    let rows: std::collections::HashMap<i64, &StoredRule> =
        overview.stored.iter().map(|r| (r.id, r)).collect();
    let rules: Vec<RuleView> = overview
        .table
        .rules()
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let row = rule.id.and_then(|id| rows.get(&id).copied());
            rule_view(state, t, &file, i + 1, rule, row)
        })
        .collect();
    let used: HashSet<i64> = overview.table.rules().iter().filter_map(|r| r.id).collect();
    let ignored = overview
        .stored
        .iter()
        .filter(|row| !used.contains(&row.id))
        .map(|row| {
            t.t_with(
                "desk-routing-ignored_rule",
                &[
                    ("id", &row.id.to_string()),
                    ("problem", &row.to_rule().err().unwrap_or_default()),
                ],
            )
        })
        .collect();
    let escalation = routing.escalation_desk().map(|d| d.slug.clone());
    let targets = state.targets.table(&state.db).await?;
    let desks = routing
        .desks()
        .map(|d| {
            let own = targets.for_desk(routing.desk_id(&d.slug));
            DeskView {
                slug: d.slug.clone(),
                name: d.name.clone(),
                editors: d.editors.join(", "),
                is_default: d.slug == routing.default_desk().slug,
                is_escalation: escalation.as_deref() == Some(d.slug.as_str()),
                targets: t.t_with(
                    "desk-routing-desk-targets_are",
                    &[
                        (
                            "triage",
                            &crate::targets::http::target_words(
                                t,
                                &own,
                                crate::targets::Step::Triage,
                            ),
                        ),
                        (
                            "decision",
                            &crate::targets::http::target_words(
                                t,
                                &own,
                                crate::targets::Step::Decision,
                            ),
                        ),
                    ],
                ),
            }
        })
        .collect();
    let test = test_view(state, &overview, test);
    let changes = overview.changes.iter().map(|c| change_view(t, c)).collect();
    Ok(RoutingPage {
        t,
        publisher: &state.settings.publisher.name,
        nav: DeskNav::new(state, signed_in, "routing", None).await?,
        notice,
        file,
        desks,
        rules,
        ignored,
        form,
        test,
        changes,
    })
}

fn add_form(state: &AppState, input: RuleInput, errors: FieldErrors) -> RuleForm {
    RuleForm::new(
        state,
        format!("{ROUTING_PAGE}/rules"),
        "desk-routing-form-add",
        input,
        String::new(),
        errors,
    )
}

fn edit_form(
    state: &AppState,
    id: i64,
    input: RuleInput,
    seen: String,
    errors: FieldErrors,
) -> RuleForm {
    RuleForm::new(
        state,
        format!("{ROUTING_PAGE}/rules/{id}"),
        "desk-routing-form-save",
        input,
        seen,
        errors,
    )
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
    /// The "test a URL" box (a GET form: it changes nothing).
    url: Option<String>,
    category: Option<String>,
    language: Option<String>,
}

/// `GET /desk/admin/routing` (admins).
pub async fn routing(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let t = messages(PAGE_LANGUAGE);
    let query = query.into_inner();
    let notice = match query.done.as_deref() {
        Some("added") => Some(t.t("desk-routing-done-added").to_string()),
        Some("updated") => Some(t.t("desk-routing-done-updated").to_string()),
        Some("deleted") => Some(t.t("desk-routing-done-deleted").to_string()),
        Some("targets") => Some(t.t("desk-routing-done-targets").to_string()),
        _ => None,
    };
    let test = query.url.map(|url| RouteTestInput {
        url,
        category: query.category.unwrap_or_default(),
        language: query.language.unwrap_or_default(),
    });
    let form = add_form(
        &state,
        RuleInput {
            priority: "0".into(),
            ..RuleInput::default()
        },
        FieldErrors::default(),
    );
    let page_ = routing_page(&state, &signed_in, notice, form, test).await?;
    Ok(page(StatusCode::OK, &page_)?)
}

/// The rule form as posted (unknown fields refused, like every dashboard form).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFormBody {
    csrf: String,
    #[serde(default)]
    seen: String,
    #[serde(default)]
    desk: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    path_prefix: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    priority: String,
}

impl RuleFormBody {
    fn input(&self) -> RuleInput {
        RuleInput {
            desk: self.desk.clone(),
            host: self.host.clone(),
            path_prefix: self.path_prefix.clone(),
            category: self.category.clone(),
            language: self.language.clone(),
            priority: self.priority.clone(),
        }
    }
}

/// Reads and checks a posted form: admins only, CSRF first.
async fn read_form<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    state: &AppState,
    signed_in: &SignedIn,
    payload: web::Payload,
    csrf: impl Fn(&T) -> &str,
) -> Result<T, AppError> {
    require_admin(signed_in)?;
    let form: T = body::form_body(req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, csrf(&form))?;
    Ok(form)
}

fn parse_seen(seen: &str) -> Result<NaiveDateTime, AppError> {
    NaiveDateTime::parse_from_str(seen.trim(), SEEN_FORMAT)
        .map_err(|_| AppError::malformed(messages(PAGE_LANGUAGE).t("desk-routing-error-seen")))
}

/// `POST /desk/admin/routing/rules`: adds a dashboard rule.
pub async fn add_rule(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let form: RuleFormBody = read_form(&req, &state, &signed_in, payload, |f: &RuleFormBody| {
        &f.csrf
    })
    .await?;
    let input = form.input();
    let t = messages(PAGE_LANGUAGE);
    let routing = &state.intake.routing;
    let refused = match input.parse(&routing.current().table, &state.urls, t) {
        Ok(spec) => {
            match service::add_rule(&state.db, routing, spec, signed_in.editor.actor()).await {
                Ok(id) => return Ok(see_other(&format!("{ROUTING_PAGE}?done=added#rule-{id}"))),
                Err(RuleChangeError::Invalid(errors)) => errors,
                Err(e) => return Err(AppError::from(e).into()),
            }
        }
        Err(errors) => errors,
    };
    let form = add_form(&state, input, refused);
    let page_ = routing_page(&state, &signed_in, None, form, None).await?;
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &page_)?)
}

/// `GET /desk/admin/routing/rules/{id}/edit`: a dashboard rule's form.
pub async fn edit_form_page(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, HtmlError> {
    require_admin(&signed_in)?;
    let id = path.into_inner();
    let row = service::find_rule(&state.db, id)
        .await
        .map_err(AppError::from)?;
    if row.source != RuleSource::Dashboard.as_str() {
        return Err(AppError::from(RuleChangeError::FromFile).into());
    }
    let form = edit_form(
        &state,
        id,
        stored_input(&row),
        row.updated_at.format(SEEN_FORMAT).to_string(),
        FieldErrors::default(),
    );
    render_edit(&state, &signed_in, StatusCode::OK, id, None, form).await
}

fn stored_input(row: &StoredRule) -> RuleInput {
    RuleInput {
        desk: row.desk.clone(),
        host: row.host.clone().unwrap_or_default(),
        path_prefix: row.path_prefix.clone().unwrap_or_default(),
        category: row.category.clone().unwrap_or_default(),
        language: row.language.clone().unwrap_or_default(),
        priority: row.priority.to_string(),
    }
}

async fn render_edit(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    id: i64,
    message: Option<String>,
    form: RuleForm,
) -> Result<HttpResponse, HtmlError> {
    Ok(page(
        status,
        &EditPage {
            t: messages(PAGE_LANGUAGE),
            publisher: &state.settings.publisher.name,
            nav: DeskNav::new(state, signed_in, "routing", None).await?,
            id,
            message,
            form,
        },
    )?)
}

/// `POST /desk/admin/routing/rules/{id}`: changes a dashboard rule.
pub async fn update_rule(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let id = path.into_inner();
    let form: RuleFormBody = read_form(&req, &state, &signed_in, payload, |f: &RuleFormBody| {
        &f.csrf
    })
    .await?;
    let seen = parse_seen(&form.seen)?;
    let input = form.input();
    let t = messages(PAGE_LANGUAGE);
    let routing = &state.intake.routing;
    let spec = match input.parse(&routing.current().table, &state.urls, t) {
        Ok(spec) => spec,
        Err(errors) => {
            let form = edit_form(&state, id, input, form.seen, errors);
            return render_edit(
                &state,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                None,
                form,
            )
            .await;
        }
    };
    let result =
        service::update_rule(&state.db, routing, id, seen, spec, signed_in.editor.actor()).await;
    match result {
        Ok(()) => Ok(see_other(&format!("{ROUTING_PAGE}?done=updated#rule-{id}"))),
        Err(RuleChangeError::Invalid(errors)) => {
            let form = edit_form(&state, id, input, form.seen, errors);
            render_edit(
                &state,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                None,
                form,
            )
            .await
        }
        Err(RuleChangeError::ChangedMeanwhile) => {
            // Keep what this admin typed; show what the rule is now, and let a second save
            // (knowingly) replace it.
            let current = service::find_rule(&state.db, id)
                .await
                .map_err(AppError::from)?;
            let message = t.t_with(
                "desk-routing-error-changed_meanwhile_now",
                &[
                    ("rule", &conditions(t, &RuleSnapshot::from(&current))),
                    ("who", who(&current.updated_by)),
                ],
            );
            let seen = current.updated_at.format(SEEN_FORMAT).to_string();
            let form = edit_form(&state, id, input, seen, FieldErrors::default());
            render_edit(
                &state,
                &signed_in,
                StatusCode::CONFLICT,
                id,
                Some(message),
                form,
            )
            .await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteForm {
    csrf: String,
    seen: String,
}

/// `POST /desk/admin/routing/rules/{id}/delete`: deletes a dashboard rule (the change log keeps it).
pub async fn delete_rule(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let id = path.into_inner();
    let form: DeleteForm =
        read_form(&req, &state, &signed_in, payload, |f: &DeleteForm| &f.csrf).await?;
    let seen = parse_seen(&form.seen)?;
    service::delete_rule(
        &state.db,
        &state.intake.routing,
        id,
        seen,
        signed_in.editor.actor(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(see_other(&format!("{ROUTING_PAGE}?done=deleted")))
}
