//! `GET /desk/reports`: the flat list of reports; bulk actions on a selection; the CSV export.

use super::*;

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
    /// "Triage overdue by 3 h" (see `crate::targets::Standing`), and `overdue` or `due`.
    pub standing: String,
    pub standing_state: &'static str,
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
    let roster = crate::dashboard::roster(&state.db)
        .await
        .map_err(AppError::from)?;
    let name_of = assignee_names(&roster);
    let links = query.to_query_string(false);
    let table = state
        .targets
        .table(&state.db)
        .await
        .map_err(AppError::from)?;
    let now = crate::storage::now();
    let list_rows = rows
        .into_iter()
        .map(|(r, a)| {
            let standing = table.standing(&r.status, r.desk_id, r.opened_at);
            (r, a, standing)
        })
        .map(|(r, a, standing)| ListRow {
            standing: standing.map(|s| s.describe(t, now)).unwrap_or_default(),
            standing_state: standing.map_or("", |s| s.state(now)),
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
    let roster = crate::dashboard::roster(&state.db)
        .await
        .map_err(AppError::from)?;
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
