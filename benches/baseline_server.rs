//! Helper of `scripts/bench-intake`, not a benchmark on its own.
//!
//! `baseline_server --serve` starts the real application (every real route, `/healthz` and
//! `POST /api/v1/reports` included) on the database named by the project's settings
//! (`config/`, `DESK_ENV`, `DESK__…` variables, exactly as `disinfo-desk serve` reads them), plus
//! one extra route, `POST /bench/baseline`: it reads the body and stores it with exactly one
//! INSERT through `Db::write`, so it shares the pool, the SQLite pragmas and the writer lock with
//! intake. That endpoint is the floor intake is measured against. Once listening it prints
//! `listening on 127.0.0.1:PORT`.
//!
//! `baseline_server --count` prints the row counts of `reports` and `bench_baseline` (one
//! `table count` pair a line), so the script can check that nothing acknowledged was lost.
//!
//! Without either flag (a plain `cargo bench`) it says what it is and exits.

use actix_web::{HttpResponse, web};
use anyhow::Context;
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use disinfo_desk::config::Settings;
use disinfo_desk::startup::Application;
use disinfo_desk::storage::{Backend, Db, StorageError};
use disinfo_desk::telemetry;
use disinfo_desk::web::state::AppState;

diesel::table! {
    bench_baseline (id) {
        id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

const CREATE_SQLITE: &str = "CREATE TABLE IF NOT EXISTS bench_baseline (\
     id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL, created_at TIMESTAMP NOT NULL)";
const CREATE_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS bench_baseline (\
     id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, created_at TIMESTAMP NOT NULL)";

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
    diesel::sql_query(create).execute(&mut db.get()?)?;
    Ok((settings, db))
}

fn count() -> anyhow::Result<()> {
    let (_, db) = open()?;
    let mut conn = db.get()?;
    for table in ["reports", "bench_baseline"] {
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
    cfg.service(web::resource("/bench/baseline").route(web::post().to(baseline)));
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
