use anyhow::Context;
use clap::{Parser, Subcommand};

use disinfo_desk::config::Settings;
use disinfo_desk::notify as outbox;
use disinfo_desk::startup::Application;
use disinfo_desk::storage::Db;
use disinfo_desk::telemetry;

/// disinfo-desk: an intake desk for disinformation reports.
///
/// Configuration is read from ./config (or $DESK_CONFIG_DIR): default.toml, then <DESK_ENV>.toml,
/// then DESK__SECTION__KEY environment variables.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations and serve HTTP.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the effective configuration (secrets masked) and exit; fails on an invalid one.
    CheckConfig,
    /// Inspect the email outbox and send dead messages again.
    Outbox {
        #[command(subcommand)]
        action: OutboxCommand,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Count messages per state (pending, sending, sent, dead, cancelled).
    Status,
    /// List dead messages with their last error.
    Dead {
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Queue dead messages again: the given ids, or all of them with --all.
    Retry {
        ids: Vec<i64>,
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load().context("configuration")?;
    telemetry::init(&settings.log);
    match cli.command {
        Command::Serve => {
            let public_url = settings.server.public_url.trim_end_matches('/').to_string();
            let environment = settings.environment;
            let app = Application::build(settings).await?;
            tracing::info!(
                port = app.port(),
                environment = environment.as_str(),
                backend = app.db().backend().as_str(),
                "disinfo-desk started"
            );
            println!(
                "disinfo-desk is serving on port {}: open {public_url}/report",
                app.port()
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let database = settings.database.clone();
            let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
                Ok(Db::connect(&database)?.migrate()?)
            })
            .await??;
            if applied.is_empty() {
                println!("database is up to date");
            } else {
                for name in applied {
                    println!("applied {name}");
                }
            }
        }
        Command::Outbox { action } => {
            let database = settings.database.clone();
            tokio::task::spawn_blocking(move || outbox_command(&database, action)).await??;
        }
        Command::CheckConfig => {
            println!("# environment: {}", settings.environment.as_str());
            print!("{}", settings.to_masked_toml());
        }
    }
    Ok(())
}

fn outbox_command(
    database: &disinfo_desk::config::DatabaseSettings,
    action: OutboxCommand,
) -> anyhow::Result<()> {
    let db = Db::connect(database)?;
    db.migrate()?;
    match action {
        OutboxCommand::Status => {
            for (state, count) in outbox::admin::counts(&db)? {
                println!("{state:<10} {count}");
            }
        }
        OutboxCommand::Dead { limit } => {
            for row in outbox::admin::dead(&db, limit)? {
                println!(
                    "{}\t{}\t{} attempts\t{}",
                    row.id,
                    row.kind,
                    row.attempts,
                    row.last_error.unwrap_or_default()
                );
            }
        }
        OutboxCommand::Retry { ids, all } => {
            if ids.is_empty() && !all {
                anyhow::bail!("name the messages to retry, or pass --all");
            }
            let retried = outbox::admin::retry(&db, &ids)?;
            println!("queued {retried} message(s) again");
        }
    }
    Ok(())
}
