use anyhow::Context;
use clap::{Parser, Subcommand};

use disinfo_desk::config::Settings;
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
        Command::CheckConfig => {
            println!("# environment: {}", settings.environment.as_str());
            print!("{}", settings.to_masked_toml());
        }
    }
    Ok(())
}
