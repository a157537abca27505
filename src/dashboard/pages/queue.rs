//! `GET /desk`: the queue of articles with reports to work.

use super::*;

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
    /// Where its most pressing report stands against its response target ("Triage overdue by
    /// 3 h"), and `overdue` or `due`; empty when none of its reports waits for a step.
    pub standing: String,
    pub standing_state: &'static str,
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
            let page = article_queue::queue(&state.db, filter.clone(), order, cursor, filter.limit)
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
    let table = state
        .targets
        .table(&state.db)
        .await
        .map_err(AppError::from)?;
    let rows = found
        .entries
        .into_iter()
        .map(|e| {
            // The most overdue report decides (or the one due soonest).
            let standing = table.most_pressing(e.clocks.iter().copied());
            (e, standing)
        })
        .map(|(e, standing)| QueueRow {
            standing: standing.map(|s| s.describe(t, now)).unwrap_or_default(),
            standing_state: standing.map_or("", |s| s.state(now)),
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
