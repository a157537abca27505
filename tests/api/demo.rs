//! `seed-demo`: consistent demo data on both backends, never in production.

use std::path::Path;

use diesel::prelude::*;
use disinfo_desk::storage::schema::{articles, report_events, reports, users};

use crate::helpers::spawn_app;

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
    let (reports, counts, open_reports, events, users, routed): (
        i64,
        Vec<(i64, i64)>,
        i64,
        i64,
        i64,
        i64,
    ) = app
        .query(|conn| {
            Ok((
                reports::table.count().get_result(conn)?,
                articles::table
                    .select((articles::report_count, articles::open_report_count))
                    .load(conn)?,
                reports::table
                    .filter(reports::status.eq_any(["new", "triaged", "investigating", "reopened"]))
                    .count()
                    .get_result(conn)?,
                report_events::table.count().get_result(conn)?,
                users::table.count().get_result(conn)?,
                reports::table
                    .filter(reports::desk_id.is_not_null())
                    .count()
                    .get_result(conn)?,
            ))
        })
        .await;
    assert_eq!(reports, 2_500);
    let total: i64 = counts.iter().map(|c| c.0).sum();
    let open: i64 = counts.iter().map(|c| c.1).sum();
    assert_eq!(total, 2_500, "article counts add up to the reports");
    assert_eq!(open, open_reports, "open counts agree with the statuses");
    assert!(
        counts.iter().map(|c| c.0).max().unwrap_or(0) > 50,
        "some articles are hot"
    );
    assert!(
        open_reports > 1_500 && open_reports < 2_400,
        "mostly open, some decided: {open_reports}"
    );
    assert_eq!(events, 2_500, "every report has its created event");
    assert_eq!(users, 5);
    assert_eq!(routed, 2_500, "every report has a desk");
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
