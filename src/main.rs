use anyhow::Context;
use clap::{Parser, Subcommand};

use disinfo_desk::config::{DatabaseSettings, Environment, Settings};
use disinfo_desk::dashboard::{self, accounts};
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
    /// Manage editor accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Manage API tokens for the editor API.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Fill a development database with desks, editors and realistic reports (never in production).
    SeedDemo {
        #[arg(long, default_value_t = 1000)]
        reports: usize,
        /// Same seed, same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write every report with its events to standard output, for archives and research: JSON
    /// lines or CSV. A progress bar shows on a terminal. Reporters' names, emails and phone
    /// numbers only with --with-personal-data.
    Export {
        #[arg(long, value_parser = ["jsonl", "csv"], default_value = "jsonl")]
        format: String,
        /// Only reports received on or after this day (YYYY-MM-DD, UTC).
        #[arg(long)]
        since: Option<chrono::NaiveDate>,
        /// Include the reporters' names, emails and phone numbers (mind where the file goes: it
        /// is personal data, and the retention settings no longer apply to it).
        #[arg(long)]
        with_personal_data: bool,
    },
    /// Remove the personal data the retention settings ([privacy]) no longer allow us to keep,
    /// once, and print what was removed (counts only). The server also runs this by itself.
    Purge,
    /// Read one email (RFC 5322) on standard input, as a mail server's pipe delivers it, and
    /// store it as a report (printing its tracking code), as the reporter's reply to one, or not
    /// at all (printing `ignored: <reason>`). Exit codes follow sysexits: 0 stored or ignored,
    /// 65 unreadable or too large (bounce), 75 try again later, 78 bad configuration.
    IngestMail,
    /// Fetch an article's page now and keep what it shows (a snapshot, as the article page shows
    /// it), then print the result; exits 1 when the fetch failed. The article is named by its id
    /// (as in /desk/articles/<id>) or by any address of it.
    Snapshot {
        /// The article's id or address.
        article: String,
    },
    /// Inspect the outbox (emails and webhooks) and send dead messages again.
    Outbox {
        #[command(subcommand)]
        action: OutboxCommand,
    },
    /// Manage webhook endpoints: signed HTTP POSTs of events (docs/WEBHOOKS.md).
    Webhook {
        #[command(subcommand)]
        action: WebhookCommand,
    },
}

#[derive(Subcommand)]
enum WebhookCommand {
    /// Register an endpoint; prints its id and its signing secret (shown this once).
    Add {
        url: String,
        /// An event to send it: report.created, report.status_changed, article.resolved,
        /// article.escalated; repeat for several.
        #[arg(long = "event", required = true)]
        events: Vec<String>,
        /// Also send the reporter's name, email and phone number and the texts the reader
        /// wrote (only to a system of your own newsroom that may hold them).
        #[arg(long)]
        trusted: bool,
    },
    /// List the endpoints (never their secrets).
    List,
    /// Remove an endpoint and its secret; what was still waiting for it is not sent.
    Remove { id: i64 },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; prints a generated password unless --password-stdin is given.
    Add {
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "editor", value_parser = ["editor", "admin"])]
        role: String,
        /// A desk (from the routing file) the editor works for; repeat for several.
        #[arg(long = "desk")]
        desks: Vec<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password; prints a generated one unless --password-stdin is given. Ends every
    /// session of the account and revokes its API tokens.
    Passwd {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: it can no longer sign in; its sessions end and its tokens are revoked.
    Disable { email: String },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for a user; it is printed once and stored only hashed.
    Create {
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by its id.
    Revoke { id: i64 },
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
    if let Command::IngestMail = cli.command {
        // The mail server reads the exit code (sysexits) and the one line on stderr.
        std::process::exit(i32::from(ingest_mail().await));
    }
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
            app.run_until_signalled().await?;
        }
        Command::Migrate => {
            let database = settings.database.clone();
            let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
                let db = Db::connect(&database)?;
                let applied = db.migrate()?;
                disinfo_desk::reports::search_index::index_backlog(&db)?;
                Ok(applied)
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
        Command::User { action } => {
            tokio::task::spawn_blocking(move || user_command(&settings, action)).await??;
        }
        Command::Token { action } => {
            tokio::task::spawn_blocking(move || token_command(&settings, action)).await??;
        }
        Command::SeedDemo { reports, seed } => {
            if settings.environment == Environment::Production {
                anyhow::bail!(
                    "seed-demo refuses to run with DESK_ENV=production: it would mix invented reports into real ones"
                );
            }
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let db = open_database(&settings.database)?;
                let routing = disinfo_desk::routing::load_and_sync(&db, &settings.routing.file)?;
                let seeded = disinfo_desk::demo::seed(&db, &routing, reports, seed)?;
                println!(
                    "seeded {} reports on {} articles",
                    seeded.reports, seeded.articles
                );
                for (email, desk, password) in seeded.editors {
                    println!("editor {email} ({desk}) password: {password}");
                }
                Ok(())
            })
            .await??;
        }
        Command::Outbox { action } => {
            outbox_command(&settings.database, action).await?;
        }
        Command::Snapshot { article } => snapshot_command(&settings, &article).await?,
        Command::Webhook { action } => {
            webhook_command(&settings, action).await?;
        }
        Command::Export {
            format,
            since,
            with_personal_data,
        } => {
            tokio::task::spawn_blocking(move || {
                export_command(&settings, &format, since, with_personal_data)
            })
            .await??;
        }
        Command::Purge => {
            let database = settings.database.clone();
            let db = tokio::task::spawn_blocking(move || open_database(&database)).await??;
            let counts = disinfo_desk::privacy::purge(&db, std::sync::Arc::new(settings)).await?;
            println!(
                "reporter names, emails and phone numbers erased: {}",
                counts.reporter_data
            );
            println!(
                "client-address hashes erased: {} reports, {} sign-in events",
                counts.report_client_hashes, counts.auth_event_client_hashes
            );
            println!("sign-in events deleted: {}", counts.auth_events);
            println!("failed sign-in records deleted: {}", counts.login_failures);
            println!("idempotency keys deleted: {}", counts.idempotency_keys);
            println!("expired sessions deleted: {}", counts.expired_sessions);
            println!("email recipients erased: {}", counts.outbox_recipients);
            println!("raw received emails erased: {}", counts.raw_emails);
        }
        Command::IngestMail => unreachable!("handled before the configuration is loaded"),
        Command::CheckConfig => {
            println!("# environment: {}", settings.environment.as_str());
            print!("{}", settings.to_masked_toml());
        }
    }
    Ok(())
}

/// One line on standard error: what the mail server puts in its bounce or its log.
macro_rules! say_why {
    ($($arg:tt)*) => {{
        let why = format!($($arg)*);
        eprintln!("{}", why.split_whitespace().collect::<Vec<_>>().join(" "));
    }};
}

/// `ingest-mail`: one message from standard input; returns the sysexits code.
async fn ingest_mail() -> u8 {
    use disinfo_desk::channels::{self, Ingested, exit};
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            say_why!("ingest-mail: bad configuration: {error}");
            return exit::CONFIG;
        }
    };
    // The mail server keeps standard error for its bounce or its log: the one line saying why,
    // with warnings only (RUST_LOG shows more).
    let mut log = settings.log.clone();
    log.filter = "warn".into();
    telemetry::init(&log);
    let limit = settings.mail_intake.max_message_bytes;
    let raw = match tokio::task::spawn_blocking(move || {
        channels::read_message(&mut std::io::stdin().lock(), limit)
    })
    .await
    {
        Ok(Ok(raw)) => raw,
        Ok(Err(error)) => {
            say_why!("ingest-mail: could not read the message from standard input: {error}");
            return exit::TEMPFAIL;
        }
        Err(error) => {
            say_why!("ingest-mail: {error}");
            return exit::TEMPFAIL;
        }
    };
    let opened = {
        let settings = settings.clone();
        tokio::task::spawn_blocking(move || -> Result<_, (u8, String)> {
            let db = open_database(&settings.database).map_err(|e| {
                (
                    exit::TEMPFAIL,
                    format!("the database is unavailable: {e:#}"),
                )
            })?;
            let routing = disinfo_desk::routing::load_and_sync(&db, &settings.routing.file)
                .map_err(|e| {
                    let code = if e
                        .downcast_ref::<disinfo_desk::storage::StorageError>()
                        .is_some()
                    {
                        exit::TEMPFAIL
                    } else {
                        exit::CONFIG
                    };
                    (code, format!("routing: {e:#}"))
                })?;
            Ok((db, routing))
        })
        .await
    };
    let (db, routing) = match opened {
        Ok(Ok(opened)) => opened,
        Ok(Err((code, why))) => {
            say_why!("ingest-mail: {why}");
            return code;
        }
        Err(error) => {
            say_why!("ingest-mail: {error}");
            return exit::TEMPFAIL;
        }
    };
    let intake = std::sync::Arc::new(disinfo_desk::reports::service::IntakeContext {
        routing: std::sync::Arc::new(routing),
        notify: settings.notify.clone(),
        recipient_key: settings.server.secret_key.clone(),
        snapshots: settings.evidence.enabled,
        webhooks: Default::default(),
    });
    let gateway = channels::MailGateway::new(db, intake, &settings);
    match gateway.ingest(raw).await {
        Ok(Ingested::Report { tracking_code, .. })
        | Ok(Ingested::Reply { tracking_code })
        | Ok(Ingested::AlreadyStored { tracking_code }) => {
            println!("{tracking_code}");
            exit::OK
        }
        Ok(Ingested::Ignored(reason)) => {
            println!("ignored: {reason}");
            exit::OK
        }
        Err(error) => {
            say_why!("ingest-mail: {error}");
            error.exit_code()
        }
    }
}

fn password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
    } else {
        let generated = accounts::generate_password()
            .map_err(|e| anyhow::anyhow!("the system random number generator failed: {e}"))?;
        Ok((generated, true))
    }
}

/// Opens the configured database, migrated: what every operator command starts with.
fn open_database(database: &DatabaseSettings) -> anyhow::Result<Db> {
    let db = Db::connect(database)?;
    db.migrate()?;
    disinfo_desk::reports::search_index::index_backlog(&db)?;
    Ok(db)
}

fn user_command(settings: &Settings, action: UserCommand) -> anyhow::Result<()> {
    let db = open_database(&settings.database)?;
    match action {
        UserCommand::Add {
            email,
            name,
            role,
            desks,
            password_stdin,
        } => {
            let routing = disinfo_desk::routing::load_and_sync(&db, &settings.routing.file)?;
            let role = accounts::Role::parse(&role).unwrap_or(accounts::Role::Editor);
            let (password, generated) = password(password_stdin)?;
            let editor =
                dashboard::create_user(&db, &routing, &email, &name, role, &password, &desks)?;
            println!(
                "created {} ({}), id {}",
                editor.email,
                role.as_str(),
                editor.id
            );
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::Passwd {
            email,
            password_stdin,
        } => {
            let (password, generated) = password(password_stdin)?;
            let ended = dashboard::change_password(&db, &email, &password)?;
            println!(
                "password changed for {email}; ended {} session(s), revoked {} token(s)",
                ended.sessions, ended.tokens
            );
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::Disable { email } => {
            let ended = dashboard::disable_user(&db, &email)?;
            println!(
                "disabled {email}; ended {} session(s), revoked {} token(s)",
                ended.sessions, ended.tokens
            );
        }
    }
    Ok(())
}

fn export_command(
    settings: &Settings,
    format: &str,
    since: Option<chrono::NaiveDate>,
    with_personal_data: bool,
) -> anyhow::Result<()> {
    use disinfo_desk::reports::archive::{self, ExportOptions, Format};
    use std::io::IsTerminal;
    let db = open_database(&settings.database)?;
    let routing = disinfo_desk::routing::load_and_sync(&db, &settings.routing.file)?;
    let options = ExportOptions {
        format: if format == "csv" {
            Format::Csv
        } else {
            Format::JsonLines
        },
        since: since.and_then(|day| day.and_hms_opt(0, 0, 0)),
        with_personal_data,
    };
    // On a terminal only: a bar in a log file or a pipe is noise.
    let bar = if std::io::stderr().is_terminal() {
        let total = archive::count(&db, options.since)?;
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} reports ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = archive::write(&db, &routing, &options, &mut out, |n| bar.set_position(n))?;
    bar.finish_and_clear();
    tracing::info!(reports = written, with_personal_data, "export written");
    Ok(())
}

fn token_command(settings: &Settings, action: TokenCommand) -> anyhow::Result<()> {
    let db = open_database(&settings.database)?;
    match action {
        TokenCommand::Create { email, name } => {
            let (id, token) = dashboard::create_token(&db, &email, &name)?;
            println!("token {id} for {email} (shown once; keep it secret):");
            println!("{token}");
        }
        TokenCommand::Revoke { id } => {
            dashboard::revoke_token(&db, id)?;
            println!("revoked token {id}");
        }
    }
    Ok(())
}

async fn snapshot_command(settings: &Settings, article: &str) -> anyhow::Result<()> {
    use disinfo_desk::evidence::{Reason, Snapshotter, service};
    let database = settings.database.clone();
    let db = tokio::task::spawn_blocking(move || open_database(&database)).await??;
    let urls = disinfo_desk::articles::UrlPolicy::from_settings(&settings.publisher);
    let Some(found) = service::find_article(&db, &urls, article).await? else {
        anyhow::bail!(
            "no article {article:?}: name a reported article by its id or by its address"
        );
    };
    let taken = Snapshotter::new(settings, db)?
        .take(found.id, Reason::OnDemand)
        .await?;
    print!("{}", taken.report(&found));
    if let Some(failure) = taken.failure {
        anyhow::bail!("the fetch failed: {}", failure.message());
    }
    Ok(())
}

async fn outbox_command(database: &DatabaseSettings, action: OutboxCommand) -> anyhow::Result<()> {
    let database = database.clone();
    let db = tokio::task::spawn_blocking(move || open_database(&database)).await??;
    match action {
        OutboxCommand::Status => {
            for (state, count) in outbox::admin::counts(&db).await? {
                println!("{state:<10} {count}");
            }
        }
        OutboxCommand::Dead { limit } => {
            for row in outbox::admin::dead(&db, limit).await? {
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
            let retried = outbox::admin::retry(&db, ids).await?;
            println!("queued {retried} message(s) again");
        }
    }
    Ok(())
}

async fn webhook_command(settings: &Settings, action: WebhookCommand) -> anyhow::Result<()> {
    use disinfo_desk::notify::webhooks::{Webhooks, service};
    let database = settings.database.clone();
    let db = tokio::task::spawn_blocking(move || open_database(&database)).await??;
    match action {
        WebhookCommand::Add {
            url,
            events,
            trusted,
        } => {
            let webhooks = Webhooks::from_settings(settings)?;
            let input = service::Registration {
                url,
                events,
                trusted,
            };
            let registered = service::register(&db, &webhooks, input, "cli".into())
                .await
                .map_err(|e| anyhow::anyhow!(e.for_command_line()))?;
            println!("id: {}", registered.endpoint.id);
            println!("secret: {}", registered.secret);
        }
        WebhookCommand::List => {
            for line in service::list(&db).await?.iter().map(service::list_line) {
                println!("{line}");
            }
        }
        WebhookCommand::Remove { id } => {
            let removed = service::remove(&db, id)
                .await
                .map_err(|e| anyhow::anyhow!(e.for_command_line()))?;
            println!("removed {id} ({})", removed.url);
        }
    }
    Ok(())
}
