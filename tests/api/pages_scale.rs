//! Pages that scale (issue 9, item 5): an article with many reports is paged (open reports
//! first, counts by status and category), its timeline paged and in time order.

use std::collections::HashSet;
use std::path::Path;

use diesel::prelude::*;
use disinfo_desk::dashboard::accounts::Role;
use disinfo_desk::storage::schema::{report_events, reports};

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app};

async fn seed(app: &TestApp, count: usize) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        disinfo_desk::demo::seed(&db, &routing, count, 7).expect("seeded");
    })
    .await
    .expect("task");
}

/// 120 or more reports on one article (a few of the seed's own may be there too): 45 decided
/// (`corrected`), the rest open (`new`); the timeline's times
/// run against the ids, so an id order would show up as the wrong order.
async fn big_article(app: &TestApp) -> (i64, Vec<(String, bool)>) {
    seed(app, 130).await;
    app.query(|conn| {
        let ids: Vec<i64> = reports::table
            .order(reports::id.asc())
            .limit(120)
            .select(reports::id)
            .load(conn)?;
        let article: i64 = reports::table
            .find(ids[0])
            .select(reports::article_id)
            .first(conn)?;
        diesel::update(reports::table.filter(reports::id.eq_any(&ids)))
            .set(reports::article_id.eq(article))
            .execute(conn)?;
        diesel::update(reports::table.filter(reports::article_id.eq(article)))
            .set(reports::status.eq("new"))
            .execute(conn)?;
        diesel::update(reports::table.filter(reports::id.eq_any(&ids[..45])))
            .set(reports::status.eq("corrected"))
            .execute(conn)?;
        let base = chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("a time");
        let events: Vec<i64> = report_events::table.select(report_events::id).load(conn)?;
        for id in events {
            diesel::update(report_events::table.find(id))
                .set(report_events::created_at.eq(base - chrono::Duration::minutes(id)))
                .execute(conn)?;
        }
        disinfo_desk::articles::repo::refresh_open_all(conn)?;
        let codes: Vec<(String, String)> = reports::table
            .filter(reports::article_id.eq(article))
            .select((reports::tracking_code, reports::status))
            .load(conn)?;
        Ok((
            article,
            codes.into_iter().map(|(c, s)| (c, s == "new")).collect(),
        ))
    })
    .await
}

async fn signed_in(app: &TestApp) -> Browser<'_> {
    app.editor("chief@example.com", Role::Admin, &[]).await;
    let mut browser = Browser::new(app);
    assert_eq!(
        browser
            .sign_in("chief@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    browser
}

fn cards(html: &str) -> Vec<String> {
    html.split(r#"<li class="report-card" data-code=""#)
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect()
}

fn link(html: &str, class: &str, rel: &str) -> Option<String> {
    let nav = html
        .split(&format!(r#"<nav class="pager {class}""#))
        .nth(1)?;
    let nav = nav.split("</nav>").next()?;
    let at = nav.split(&format!(r#"rel="{rel}" href=""#)).nth(1)?;
    Some(
        at.split('"')
            .next()?
            .replace("&amp;", "&")
            .replace("&#x2F;", "/"),
    )
}

#[tokio::test]
async fn an_article_with_many_reports_is_paged_open_first_with_counts() {
    let app = spawn_app().await;
    let (article, codes) = big_article(&app).await;
    let n = codes.len();
    assert!((120..130).contains(&n), "{n} reports");
    let open: HashSet<String> = codes.iter().filter(|c| c.1).map(|c| c.0.clone()).collect();
    let mut browser = signed_in(&app).await;

    let mut path = format!("/desk/articles/{article}");
    let mut pages = Vec::new();
    loop {
        let response = browser.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.expect("body");
        pages.push(html.clone());
        match link(&html, "pager-reports", "next") {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(pages.len(), 3, "{n} reports, 50 a page");
    let first = &pages[0];
    assert!(first.contains("Page 1 of 3"), "page number shown");
    assert!(
        link(first, "pager-reports", "prev").is_none(),
        "no previous page on the first"
    );
    assert!(
        first.contains(">Corrected</th><td>45</td>"),
        "count by status: {first}"
    );
    assert!(
        first.contains(&format!("<td>{}</td>", n - 45)),
        "open count by status"
    );
    assert!(first.contains("By category"), "counts by category");
    let seen: Vec<String> = pages.iter().flat_map(|p| cards(p)).collect();
    assert_eq!(seen.len(), n, "every report once");
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        n,
        "no report twice"
    );
    assert_eq!(open.len(), n - 45);
    assert!(
        seen[..n - 45].iter().all(|c| open.contains(c)),
        "open reports first"
    );
    assert!(
        seen[n - 45..].iter().all(|c| !open.contains(c)),
        "decided reports after"
    );
    for page in &pages {
        assert!(cards(page).len() <= 50);
    }
    // Back from the last page.
    let prev = link(&pages[2], "pager-reports", "prev").expect("a previous page");
    let html = browser.get(&prev).await.text().await.expect("body");
    assert_eq!(cards(&html), cards(&pages[1]), "previous page is page 2");

    // Bad and unknown parameters are refused by name.
    let response = browser
        .get(&format!("/desk/articles/{article}?page=zero"))
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("body").contains("page"));
    let response = browser
        .get(&format!("/desk/articles/{article}?pgae=2"))
        .await;
    assert!(response.status().is_client_error());
    assert!(response.text().await.expect("body").contains("pgae"));
}

fn event_times(html: &str) -> Vec<String> {
    html.split(r#"<li class="event">"#)
        .skip(1)
        .filter_map(|s| {
            s.split("<time>")
                .nth(1)?
                .split("</time>")
                .next()
                .map(str::to_string)
        })
        .collect()
}

#[tokio::test]
async fn an_articles_timeline_is_paged_in_time_order() {
    let app = spawn_app().await;
    let (article, _) = big_article(&app).await;
    let total: i64 = app
        .query(move |conn| {
            report_events::table
                .inner_join(reports::table)
                .filter(reports::article_id.eq(article))
                .count()
                .get_result(conn)
        })
        .await;
    assert!(total > 100, "enough events to page: {total}");
    let mut browser = signed_in(&app).await;
    let mut path = format!("/desk/articles/{article}");
    let mut times = Vec::new();
    let mut pages = 0;
    loop {
        let html = browser.get(&path).await.text().await.expect("body");
        pages += 1;
        let page = event_times(&html);
        assert!(page.len() <= 50);
        assert!(
            html.contains(&format!("{total} events")),
            "the total is said"
        );
        times.extend(page);
        match link(&html, "pager-timeline", "next") {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(
        times.len() as i64,
        total,
        "every event once, over {pages} pages"
    );
    assert!(pages > 1, "says when there are more");
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first, by time (not by id)");
}

fn queue_rows(html: &str) -> Vec<String> {
    html.split(r#"<tr class="queue-row" data-article=""#)
        .skip(1)
        .filter_map(|s| s.split("</tr>").next().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_desk_editor_starts_on_their_own_desk_and_can_see_every_desk() {
    let app = spawn_app().await;
    seed(&app, 150).await;
    app.editor("writer@example.com", Role::Editor, &["world"])
        .await;
    let mut browser = Browser::new(&app);
    assert_eq!(
        browser
            .sign_in("writer@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    let html = browser
        .get("/desk?limit=200")
        .await
        .text()
        .await
        .expect("html");
    let own = queue_rows(&html);
    assert!(!own.is_empty(), "the world desk has articles");
    let desk_name = "World desk";
    assert!(
        own.iter()
            .all(|r| r.contains(&format!(">{desk_name}</td>"))),
        "only the own desk"
    );
    assert!(
        html.contains(r#"<option value="world" selected>"#),
        "the desk is chosen visibly"
    );
    let all = between(&html, r#"class="own-desk"><a href=""#, "\"")
        .expect("a link to every desk")
        .replace("&amp;", "&");
    assert!(all.contains("desk=any"), "{all}");
    let html = browser.get(&all).await.text().await.expect("html");
    let every = queue_rows(&html);
    assert!(every.len() > own.len(), "every desk has more");
    assert!(
        every
            .iter()
            .any(|r| !r.contains(&format!(">{desk_name}</td>")))
    );
    assert!(
        !html.contains(r#"class="own-desk""#),
        "no own-desk note when all are shown"
    );
    // An admin (no desk) starts on every desk.
    let mut admin = signed_in(&app).await;
    let html = admin
        .get("/desk?limit=200")
        .await
        .text()
        .await
        .expect("html");
    assert_eq!(queue_rows(&html).len(), every.len());
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let len = html[from..].find(end)?;
    Some(&html[from..from + len])
}

#[tokio::test]
async fn the_queue_shows_ages_with_the_exact_time_and_folds_rare_filters() {
    let app = spawn_app().await;
    seed(&app, 60).await;
    let now = disinfo_desk::storage::now();
    app.query(move |conn| {
        // Every report of an article the same age: an article's newest and oldest show it.
        let ids: Vec<(i64, i64)> = reports::table
            .select((reports::id, reports::article_id))
            .load(conn)?;
        let mut articles: Vec<i64> = ids.iter().map(|r| r.1).collect();
        articles.sort();
        articles.dedup();
        assert!(articles.len() >= 3, "articles of three ages");
        for (i, (id, article)) in ids.into_iter().enumerate() {
            let ago = match articles.binary_search(&article).unwrap_or(0) % 3 {
                0 => chrono::Duration::minutes(12),
                1 => chrono::Duration::hours(3),
                _ => chrono::Duration::days(2),
            };
            diesel::update(reports::table.find(id))
                .set((
                    reports::created_at.eq(now - ago - chrono::Duration::seconds(i as i64)),
                    reports::status.eq("new"),
                ))
                .execute(conn)?;
        }
        disinfo_desk::articles::repo::refresh_open_all(conn)
    })
    .await;
    let mut browser = signed_in(&app).await;
    let html = browser
        .get("/desk?limit=200")
        .await
        .text()
        .await
        .expect("html");
    for age in [">12 min</time>", ">3 h</time>", ">2 d</time>"] {
        assert!(html.contains(age), "{age} in {html}");
    }
    let exact = between(&html, r#"<time class="age" title=""#, "\"").expect("a title");
    assert!(
        exact.ends_with(" UTC") && exact.starts_with("20"),
        "{exact}"
    );
    let folded = between(&html, r#"<details class="more-filters">"#, "</details>")
        .expect("rare filters folded (closed when unused)");
    assert!(folded.contains(r#"name="language""#) && folded.contains(r#"name="from""#));
    let html = browser
        .get("/desk?language=en")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        html.contains(r#"<details class="more-filters" open>"#),
        "open when used"
    );
}

async fn articles_page(app: &TestApp, token: &str, path: &str) -> serde_json::Value {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("json")
}

fn ids_of(page: &serde_json::Value) -> Vec<i64> {
    page["articles"]
        .as_array()
        .expect("articles")
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect()
}

/// Forward with `after`, then back with `prev` from the last page: the same pages in reverse,
/// the total on each, in every order, on the open queue (answered from the articles' counts)
/// and on a filtered one (grouped from the reports).
#[tokio::test]
async fn the_queue_pages_forward_and_back_and_tells_its_total() {
    let app = spawn_app().await;
    seed(&app, 150).await;
    let token = app.editor("chief@example.com", Role::Admin, &[]).await;
    for filter in [
        "",
        "&status=new,corrected",
        "&status=new,triaged,investigating,corrected,clarified,no_error,rejected",
    ] {
        for sort in ["most", "newest", "waiting"] {
            let base = format!("/api/v1/desk/articles?limit=2&sort={sort}{filter}");
            let first = articles_page(&app, &token, &base).await;
            let total = first["total"].as_i64().expect("a total");
            assert!(
                total > 4,
                "{sort}{filter}: enough articles for three pages: {total}"
            );
            assert!(
                first["prev"].is_null(),
                "the first page has no previous one"
            );
            let mut pages = vec![ids_of(&first)];
            let mut last = first;
            while let Some(next) = last["next"].as_str().map(str::to_string) {
                last = articles_page(&app, &token, &format!("{base}&after={next}")).await;
                assert_eq!(
                    last["total"].as_i64(),
                    Some(total),
                    "the same total on every page"
                );
                pages.push(ids_of(&last));
            }
            let seen: Vec<i64> = pages.iter().flatten().copied().collect();
            assert_eq!(
                seen.len() as i64,
                total,
                "{sort}{filter}: every article once"
            );
            assert_eq!(
                seen.iter().collect::<HashSet<_>>().len(),
                seen.len(),
                "no article twice"
            );

            let mut back = Vec::new();
            let mut page = last;
            while let Some(prev) = page["prev"].as_str().map(str::to_string) {
                page = articles_page(&app, &token, &format!("{base}&prev={prev}")).await;
                assert!(page["next"].is_string(), "a page read back has a next page");
                back.push(ids_of(&page));
            }
            back.reverse();
            assert_eq!(
                back,
                pages[..pages.len() - 1].to_vec(),
                "{sort}{filter}: back through the same pages"
            );
        }
    }
}

#[tokio::test]
async fn the_queue_page_shows_its_total_and_previous_and_next_links() {
    let app = spawn_app().await;
    seed(&app, 150).await;
    app.editor("chief@example.com", Role::Admin, &[]).await;
    let mut browser = Browser::new(&app);
    assert_eq!(
        browser
            .sign_in("chief@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    let first = browser
        .get("/desk?limit=5")
        .await
        .text()
        .await
        .expect("html");
    let total: i64 = app
        .query(|conn| {
            use disinfo_desk::storage::schema::articles;
            articles::table
                .filter(articles::open_report_count.gt(0))
                .count()
                .get_result(conn)
        })
        .await;
    assert!(
        first.contains(&format!("5 of {total} articles in this queue")),
        "{first}"
    );
    assert!(
        !first.contains(r#"rel="prev""#),
        "no previous page on the first"
    );
    // Each row says how many of the article's reports match, of how many in all.
    let row = &queue_rows(&first)[0];
    assert!(row.contains("</strong> <span class=\"muted\""), "{row}");
    assert!(row.contains(">of "), "the total in words: {row}");
    let next = first
        .split(r#"rel="next" href=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next page")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let second = browser.get(&next).await.text().await.expect("html");
    assert!(
        second.contains(r#"rel="prev""#),
        "the second page links back"
    );
    let prev = second
        .split(r#"rel="prev" href=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a previous page")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let back = browser.get(&prev).await.text().await.expect("html");
    assert_eq!(
        queue_rows(&back),
        queue_rows(&first),
        "back to the first page's rows"
    );
}
