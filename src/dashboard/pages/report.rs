//! `GET /desk/reports/{code}`: one report; moving it, assigning it, notes, completing its
//! article address, the emails it came from.

use super::*;

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
    /// Where it stands against the response target of the step it waits for ("Triage overdue
    /// by 3 h"), and `overdue` or `due`; empty when it waits for none.
    pub standing: String,
    pub standing_state: &'static str,
    /// When it was first triaged.
    pub triaged: String,
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
    /// Admins, while the report holds contact details: the erasure form is shown.
    pub can_erase: bool,
    /// The erasure form's account of the request, as typed.
    pub erase_how: String,
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
    erase_how: String,
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
    let roster = crate::dashboard::roster(&state.db).await?;
    let duplicate_of = match report.duplicate_of_id {
        Some(id) => editorial::tracking_code_of(&state.db, id)
            .await?
            .unwrap_or_default(),
        None => String::new(),
    };
    let from = ReportStatus::parse(&report.status).unwrap_or(ReportStatus::New);
    let moves = editorial::moves_from(from, &article);
    let targets = transition_choices(t, moves.iter().copied(), Some(kept.decision.to.as_str()));
    let assignees = assignee_choices(&roster, report.desk_id, &signed_in.editor);
    let editor = &signed_in.editor;
    let contact = ContactView::of(editor, &report, &state.intake.routing);
    if contact.is_shown() {
        contact::record_read(&state.db, editor, report.id, Place::Page).await?;
    }
    let can_erase = editor.is_admin()
        && (report.reporter_name.is_some()
            || report.reporter_email.is_some()
            || report.reporter_phone.is_some());
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
    let now = crate::storage::now();
    let standing = state.targets.table(&state.db).await?.standing(
        &report.status,
        report.desk_id,
        report.opened_at,
    );
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
        triaged_at,
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
        standing: standing.map(|s| s.describe(t, now)).unwrap_or_default(),
        standing_state: standing.map_or("", |s| s.state(now)),
        triaged: triaged_at.map(time).unwrap_or_default(),
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
        offers: Offers::of(&moves),
        assignees,
        input: kept.decision,
        note: kept.note,
        article_url: kept.article_url,
        can_erase,
        erase_how: kept.erase_how,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EraseForm {
    csrf: String,
    #[serde(default)]
    how: String,
}

/// `POST /desk/reports/{code}/erase`: an admin erases the reporter's contact details because the
/// reporter asked by phone, letter or in person.
pub async fn erase_reporter(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, HtmlError> {
    let code = tracking_code(&path)?;
    let form: EraseForm =
        body::form_body(&req, payload, state.settings.server.max_body_bytes).await?;
    auth::check_csrf(&signed_in.session, &form.csrf)?;
    let t = messages(PAGE_LANGUAGE);
    if !signed_in.editor.is_admin() {
        return Err(AppError::Forbidden(t.t("desk-erase-admins_only")).into());
    }
    let result = crate::privacy::service::erase_for_reporter(
        &state.db,
        &signed_in.editor,
        code.clone(),
        &form.how,
    )
    .await
    .map(|erased| {
        t.t(if erased {
            "desk-erase-done"
        } else {
            "desk-erase-nothing"
        })
    })
    .map_err(ReportError::from);
    let kept = Kept {
        erase_how: form.how,
        ..Kept::default()
    };
    after_report_change(&state, &signed_in, code, result, kept).await
}
