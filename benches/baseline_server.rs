//! Helper of `scripts/bench-intake`, not a benchmark on its own.
//!
//! `baseline_server --serve` starts the real application (every real route, `/healthz` and
//! `POST /api/v1/reports` included) on the database named by the project's settings
//! (`config/`, `DESK_ENV`, `DESK__…` variables, exactly as `disinfo-desk serve` reads them), plus
//! two extra routes that read the body and store it with exactly one INSERT:
//!
//! - `POST /bench/baseline` through `Db::write`, like intake: on SQLite it goes through the same
//!   writer thread and is batched (group commit) like every other write;
//! - `POST /bench/baseline-single`: one INSERT committed on its own per request, which is what the
//!   issue calls "an endpoint that commits one INSERT per request" (one fsync each): a pooled
//!   connection in its own transaction (BEGIN IMMEDIATE on SQLite, one at a time behind a mutex,
//!   as main's writer lock did; on PostgreSQL without one).
//!
//! Once listening it prints `listening on 127.0.0.1:PORT`.
//!
//! `baseline_server --count` prints the row counts of `reports`, `bench_baseline` and
//! `bench_baseline_single` (one `table count` pair a line), so the script can check that nothing
//! acknowledged was lost.
//!
//! Without either flag (a plain `cargo bench`) it says what it is and exits.

use actix_web::{HttpResponse, web};
use anyhow::Context;
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use disinfo_desk::config::Settings;
use disinfo_desk::startup::Application;
use disinfo_desk::storage::{Backend, Db, DbConn, StorageError};
use disinfo_desk::telemetry;
use disinfo_desk::web::state::AppState;

diesel::table! {
    bench_baseline (id) {
        id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bench_baseline_single (id) {
        id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

const TABLES: [&str; 2] = ["bench_baseline", "bench_baseline_single"];
const CREATE_SQLITE: &str = "CREATE TABLE IF NOT EXISTS {table} (\
     id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL, created_at TIMESTAMP NOT NULL)";
const CREATE_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS {table} (\
     id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, created_at TIMESTAMP NOT NULL)";

/// SQLite: the one-at-a-time baseline's writers queue here, as they queued on main's writer lock.
static SINGLE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

enum Mode {
    Serve,
    Count,
    Help,
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` adds `--bench`; only our own flags matter.
    let mut mode = Mode::Help;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--serve" => mode = Mode::Serve,
            "--count" => mode = Mode::Count,
            _ => {}
        }
    }
    match mode {
        Mode::Help => {
            println!(
                "baseline_server: a helper of scripts/bench-intake (run that script); nothing to measure on its own"
            );
            Ok(())
        }
        Mode::Count => count(),
        Mode::Serve => serve(),
    }
}

fn open() -> anyhow::Result<(Settings, Db)> {
    let settings = Settings::load().context("configuration")?;
    telemetry::init(&settings.log);
    let db = Db::connect(&settings.database)?;
    db.migrate()?;
    let create = match db.backend() {
        Backend::Sqlite => CREATE_SQLITE,
        Backend::Postgres => CREATE_POSTGRES,
    };
    for table in TABLES {
        diesel::sql_query(create.replace("{table}", table)).execute(&mut db.get()?)?;
    }
    Ok((settings, db))
}

fn count() -> anyhow::Result<()> {
    let (_, db) = open()?;
    let mut conn = db.get()?;
    for table in ["reports", "bench_baseline", "bench_baseline_single"] {
        let row: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result(&mut conn)?;
        println!("{table} {}", row.n);
    }
    Ok(())
}

#[tokio::main]
async fn serve() -> anyhow::Result<()> {
    let (settings, db) = tokio::task::spawn_blocking(open).await??;
    let app = Application::build_with_db(settings, db, baseline_routes)?;
    println!("listening on 127.0.0.1:{}", app.port());
    app.run_until_stopped().await?;
    Ok(())
}

fn baseline_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/bench/baseline").route(web::post().to(baseline)))
        .service(web::resource("/bench/baseline-single").route(web::post().to(baseline_single)));
}

/// One INSERT of the body as received, in one `Db::write` transaction, like intake's.
async fn baseline(state: web::Data<AppState>, body: web::Bytes) -> actix_web::Result<HttpResponse> {
    let body = String::from_utf8(body.to_vec())
        .map_err(|_| actix_web::error::ErrorBadRequest("body is not UTF-8"))?;
    let now: NaiveDateTime = Utc::now().naive_utc();
    state
        .db
        .write(move |conn| -> Result<usize, StorageError> {
            Ok(diesel::insert_into(bench_baseline::table)
                .values((
                    bench_baseline::body.eq(&body),
                    bench_baseline::created_at.eq(now),
                ))
                .execute(conn)?)
        })
        .await
        .map_err(actix_web::error::ErrorInternalServerError)?;
    Ok(HttpResponse::Created().json(serde_json::json!({"status": "created"})))
}

/// One INSERT committed on its own: a pooled connection, its own transaction, one fsync.
async fn baseline_single(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> actix_web::Result<HttpResponse> {
    let body = String::from_utf8(body.to_vec())
        .map_err(|_| actix_web::error::ErrorBadRequest("body is not UTF-8"))?;
    let now: NaiveDateTime = Utc::now().naive_utc();
    let db = state.db.clone();
    tokio::task::spawn_blocking(move || -> Result<usize, StorageError> {
        let insert = diesel::insert_into(bench_baseline_single::table).values((
            bench_baseline_single::body.eq(&body),
            bench_baseline_single::created_at.eq(now),
        ));
        match db.backend() {
            Backend::Sqlite => {
                let _one = SINGLE_WRITER.lock().unwrap_or_else(|p| p.into_inner());
                let mut conn = db.get()?;
                match &mut *conn {
                    DbConn::Sqlite(c) => Ok(c.immediate_transaction(|c| insert.execute(c))?),
                    DbConn::Postgres(c) => Ok(c.transaction(|c| insert.execute(c))?),
                }
            }
            Backend::Postgres => {
                let mut conn = db.get()?;
                let conn: &mut DbConn = &mut conn;
                Ok(conn.transaction(|c| insert.execute(c))?)
            }
        }
    })
    .await
    .map_err(actix_web::error::ErrorInternalServerError)?
    .map_err(actix_web::error::ErrorInternalServerError)?;
    Ok(HttpResponse::Created().json(serde_json::json!({"status": "created"})))
}
