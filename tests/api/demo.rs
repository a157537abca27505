//! `seed-demo`: consistent demo data on both backends, never in production.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{Duration, NaiveDateTime};

use diesel::prelude::*;
use disinfo_desk::storage::schema::{articles, desk_members, report_events, reports, users};

use crate::helpers::spawn_app;

const OPEN: [&str; 4] = ["new", "triaged", "investigating", "reopened"];

/// One report as the checks below need it.
type Row = (
    i64,                   // id
    i64,                   // article_id
    String,                // status
    NaiveDateTime,         // created_at
    Option<i64>,           // desk_id
    Option<i64>,           // assignee_id
    Option<NaiveDateTime>, // decided_at
    Option<String>,        // outcome_note
    Option<String>,        // correction_url
    Option<i64>,           // duplicate_of_id
);

/// (id, reports, open reports, first, last, oldest open, newest open report time).
type ArticleRow = (
    i64,
    i64,
    i64,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

#[tokio::test]
async fn demo_data_is_consistent() {
    let app = spawn_app().await;
    let db = app.db.clone();
    let seeded = tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        disinfo_desk::demo::seed(&db, &routing, 2_500, 7).expect("seeded")
    })
    .await
    .expect("task");
    assert_eq!(seeded.reports, 2_500);
    assert_eq!(seeded.editors.len(), 5, "one editor per desk and an admin");
    let (rows, articles, events, members, languages, categories, users) = app
        .query(|conn| {
            Ok((
                reports::table
                    .select((
                        reports::id,
                        reports::article_id,
                        reports::status,
                        reports::created_at,
                        reports::desk_id,
                        reports::assignee_id,
                        reports::decided_at,
                        reports::outcome_note,
                        reports::correction_url,
                        reports::duplicate_of_id,
                    ))
                    .load::<Row>(conn)?,
                articles::table
                    .select((
                        articles::id,
                        articles::report_count,
                        articles::open_report_count,
                        articles::first_reported_at,
                        articles::last_reported_at,
                        articles::oldest_open_at,
                        articles::newest_open_at,
                    ))
                    .load::<ArticleRow>(conn)?,
                report_events::table
                    .select((
                        report_events::report_id,
                        report_events::kind,
                        report_events::to_status,
                    ))
                    .load::<(i64, String, Option<String>)>(conn)?,
                desk_members::table
                    .select((desk_members::user_id, desk_members::desk_id))
                    .load::<(i64, i64)>(conn)?,
                reports::table
                    .select(reports::language)
                    .distinct()
                    .load::<String>(conn)?,
                reports::table
                    .select(reports::category)
                    .distinct()
                    .load::<String>(conn)?,
                users::table.count().get_result::<i64>(conn)?,
            ))
        })
        .await;
    assert_eq!(rows.len(), 2_500);
    assert_eq!(users, 5);

    // Each article's counts and times are those of its reports.
    let mut per_article: HashMap<i64, ArticleRow> = HashMap::new();
    for r in &rows {
        let e = per_article
            .entry(r.1)
            .or_insert((r.1, 0, 0, r.3, r.3, None, None));
        e.1 += 1;
        e.3 = e.3.min(r.3);
        e.4 = e.4.max(r.3);
        if OPEN.contains(&r.2.as_str()) {
            e.2 += 1;
            e.5 = Some(e.5.map_or(r.3, |t| t.min(r.3)));
            e.6 = Some(e.6.map_or(r.3, |t| t.max(r.3)));
        }
    }
    assert_eq!(
        articles.len(),
        per_article.len(),
        "no article without reports"
    );
    for article in &articles {
        assert_eq!(
            per_article.get(&article.0),
            Some(article),
            "stored counts and times agree with the article's reports"
        );
    }
    assert!(
        articles.iter().map(|a| a.1).max().unwrap_or(0) > 50,
        "some articles are hot"
    );

    // A minority is open: most older reports are decided, most of the last day's are open.
    let now = disinfo_desk::storage::now();
    let open_share = |rows: Vec<&Row>| {
        let open = rows.iter().filter(|r| OPEN.contains(&r.2.as_str())).count();
        (open, rows.len())
    };
    let (open, all) = open_share(rows.iter().collect());
    assert!(
        open * 20 > all && open * 4 < all,
        "between 5% and 25% open: {open} of {all}"
    );
    let (old_open, old) = open_share(
        rows.iter()
            .filter(|r| now - r.3 > Duration::days(21))
            .collect(),
    );
    assert!(
        old_open * 10 < old,
        "older reports mostly decided: {old_open} of {old} open"
    );
    let (new_open, recent) = open_share(
        rows.iter()
            .filter(|r| now - r.3 < Duration::days(1))
            .collect(),
    );
    assert!(
        new_open * 2 > recent,
        "recent reports mostly open: {new_open} of {recent}"
    );

    // Decisions carry what the lifecycle asks of them.
    let ids: HashMap<i64, &Row> = rows.iter().map(|r| (r.0, r)).collect();
    for r in &rows {
        let open = OPEN.contains(&r.2.as_str());
        assert_eq!(
            r.6.is_none(),
            open,
            "report {}: decided_at iff decided",
            r.0
        );
        assert_eq!(
            r.7.is_none(),
            open,
            "report {}: an outcome note iff decided",
            r.0
        );
        assert_eq!(
            r.8.is_some(),
            r.2 == "corrected" || r.2 == "clarified",
            "report {}: a correction URL iff corrected or clarified",
            r.0
        );
        if let Some(decided) = r.6 {
            assert!(
                decided >= r.3 && decided <= now,
                "report {}: decided in order",
                r.0
            );
        }
        if r.2 == "duplicate" {
            let original =
                r.9.and_then(|id| ids.get(&id))
                    .expect("duplicate of a report");
            assert!(
                original.0 < r.0 && original.1 == r.1,
                "an earlier report, same article"
            );
        } else {
            assert_eq!(r.9, None);
        }
    }
    for status in [
        "new",
        "triaged",
        "investigating",
        "corrected",
        "no_error",
        "duplicate",
    ] {
        assert!(
            rows.iter().any(|r| r.2 == status),
            "some reports are {status}"
        );
    }

    // Every report has a desk; some have an assignee, always a member of that desk.
    assert!(
        rows.iter().all(|r| r.4.is_some()),
        "every report has a desk"
    );
    let assigned: Vec<&Row> = rows.iter().filter(|r| r.5.is_some()).collect();
    assert!(
        assigned.len() > 250 && assigned.len() < 2_500,
        "some reports assigned: {}",
        assigned.len()
    );
    for r in assigned {
        assert!(
            members.contains(&(r.5.unwrap_or_default(), r.4.unwrap_or_default())),
            "report {}: assigned to a member of its desk",
            r.0
        );
    }
    let desks: HashSet<i64> = rows.iter().filter_map(|r| r.4).collect();
    assert!(desks.len() >= 3, "several desks: {desks:?}");
    assert!(languages.len() >= 3, "several languages: {languages:?}");
    assert!(categories.len() >= 5, "several categories: {categories:?}");

    // A created event for every report, and one status event for every report no longer new.
    let created = events.iter().filter(|e| e.1 == "created").count();
    assert_eq!(created, 2_500, "every report has its created event");
    let changed: HashMap<i64, &Option<String>> = events
        .iter()
        .filter(|e| e.1 == "status_changed")
        .map(|e| (e.0, &e.2))
        .collect();
    let moved = rows.iter().filter(|r| r.2 != "new").count();
    assert_eq!(changed.len(), moved, "one status event per report moved");
    for r in rows.iter().filter(|r| r.2 != "new") {
        assert_eq!(
            changed.get(&r.0),
            Some(&&Some(r.2.clone())),
            "report {}",
            r.0
        );
    }
}

/// Demo reports read like real ones: each text is written in the report's language and fits its
/// category, and nothing numbers them ("Report 17 on the … story").
#[tokio::test]
async fn demo_reports_are_written_in_their_language_and_fit_their_category() {
    use disinfo_desk::demo::texts;
    use disinfo_desk::reports::Category;

    let app = spawn_app().await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let routing = disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
            .expect("routing");
        disinfo_desk::demo::seed(&db, &routing, 600, 11).expect("seeded")
    })
    .await
    .expect("task");
    let rows: Vec<(String, String, Option<String>, String)> = app
        .query(|conn| {
            reports::table
                .select((
                    reports::category,
                    reports::language,
                    reports::passage,
                    reports::explanation,
                ))
                .load(conn)
        })
        .await;
    let mut languages = HashSet::new();
    let mut quoted = 0;
    for (category, language, passage, explanation) in &rows {
        let samples = texts::samples(
            Category::parse(category).expect("a known category"),
            language,
        );
        assert!(texts::LANGUAGES.contains(&language.as_str()), "{language}");
        let sample = samples
            .iter()
            .find(|s| s.explanation == explanation)
            .unwrap_or_else(|| {
                panic!("{category}/{language}: not one of its texts: {explanation}")
            });
        if let Some(passage) = passage {
            assert_eq!(
                sample.passage,
                Some(passage.as_str()),
                "the passage goes with the text"
            );
            quoted += 1;
        }
        assert!(!explanation.contains(" story."), "{explanation}");
        languages.insert(language.clone());
    }
    assert_eq!(languages.len(), texts::LANGUAGES.len(), "{languages:?}");
    assert!(
        quoted > 100 && quoted < rows.len(),
        "most, not all, quote a passage: {quoted}"
    );
}

/// What `seed-demo` prints: the accounts, each once, with its desk (no "((admin))").
#[test]
fn seed_demo_prints_each_account_with_its_desk() {
    let dir = tempfile::tempdir().expect("tmp");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .args(["seed-demo", "--reports", "20"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DESK_ENV")
        .env(
            "DESK__DATABASE__URL",
            format!("sqlite://{}", dir.path().join("demo.db").display()),
        )
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("seeded 20 reports"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("editor admin@demo.example (admin) password: ")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("editor world-editor@demo.example (world) password: ")),
        "{stdout}"
    );
    assert!(!stdout.contains("(("), "{stdout}");
}

#[test]
fn seed_demo_refuses_production() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_disinfo-desk"))
        .args(["seed-demo", "--reports", "10"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DESK_ENV", "production")
        .env(
            "DESK__SERVER__SECRET_KEY",
            "a-long-random-production-secret-value-1234567890",
        )
        .env(
            "DESK__DATABASE__URL",
            "sqlite:///nonexistent/never-created.db",
        )
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("refuses to run with DESK_ENV=production")
    );
}
