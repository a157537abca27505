//! Building the application: one way to start it, used by `main` and by every test.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{NormalizePath, TrailingSlash};
use actix_web::{App, HttpRequest, HttpServer, web};
use anyhow::Context;
use tokio_util::sync::CancellationToken;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_actix_web::scope::{Scope, scope};

use crate::articles::UrlPolicy;
use crate::articles::corrections::http as corrections;
use crate::config::Settings;
use crate::dashboard::api;
use crate::dashboard::entry;
use crate::dashboard::http as desk;
use crate::dashboard::pages;
use crate::dashboard::password;
use crate::error::{AppError, HtmlError};
use crate::notify::Wakeup;
use crate::notify::mailer::Mailer;
use crate::notify::webhooks::{self, Webhooks};
use crate::notify::worker::{RenderContext, Worker};
use crate::privacy::http as privacy;
use crate::reports;
use crate::reports::service::IntakeContext;
use crate::routing::http as routing;
use crate::storage::Db;
use crate::web::api_docs::{self, ApiDoc, Document};
use crate::web::limits::IntakeLimits;
use crate::web::metrics::{self, Metrics};
use crate::web::state::AppState;
use crate::web::{assets, health, no_store, request_log, security_headers};

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    worker: Option<WorkerTask>,
    purge: tokio::task::JoinHandle<()>,
    /// The response-target sweep (`targets::service::run_sweep`): queues reminders only, so it
    /// stops like the purge, at once.
    sweep: tokio::task::JoinHandle<()>,
}

/// The outbox worker running beside the server, and how to stop it.
struct WorkerTask {
    task: tokio::task::JoinHandle<()>,
    stop: CancellationToken,
    /// How long it may take to finish its sends in flight and record them once stopped.
    grace: Duration,
}

impl WorkerTask {
    async fn stop(mut self) {
        self.stop.cancel();
        if tokio::time::timeout(self.grace, &mut self.task)
            .await
            .is_err()
        {
            tracing::warn!(
                grace_secs = self.grace.as_secs(),
                "the outbox worker did not stop in time; its claims wait for this instance's next start or their lease"
            );
            self.task.abort();
        }
    }
}

impl Application {
    /// Opens the database, applies migrations and binds `server.bind` (port 0: a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let database = settings.database.clone();
        let db = tokio::task::spawn_blocking(move || -> anyhow::Result<Db> {
            let db = Db::connect(&database)?;
            let applied = db.migrate()?;
            if !applied.is_empty() {
                tracing::info!(?applied, "applied database migrations");
            }
            crate::reports::search_index::index_backlog(&db)?;
            Ok(db)
        })
        .await
        .context("database start-up task failed")??;
        Self::build_with_db(settings, db, |_| {})
    }

    /// Like [`Application::build`] on an open database, with extra routes (benchmarks use this to
    /// add a baseline endpoint beside the real ones).
    pub fn build_with_db(
        settings: Settings,
        db: Db,
        extra_routes: fn(&mut web::ServiceConfig),
    ) -> anyhow::Result<Self> {
        crate::outbound::install_crypto_provider();
        let routing = Arc::new(crate::routing::load_and_sync(&db, &settings.routing.file)?);
        let wakeup = Wakeup::default();
        let listener = TcpListener::bind(&settings.server.bind)
            .with_context(|| format!("could not listen on {}", settings.server.bind))?;
        let listening = listener.local_addr()?;
        let port = listening.port();
        let metrics = Arc::new(Metrics::new());
        let targets = Arc::new(crate::targets::service::Targets::new(settings.targets));
        let sweep = tokio::spawn(crate::targets::service::run_sweep(
            db.clone(),
            routing.clone(),
            targets.clone(),
            wakeup.clone(),
            metrics.clone(),
        ));
        let worker = if settings.notify.worker {
            let mailer = Mailer::from_settings(&settings.mail)?;
            let context =
                RenderContext::new(&settings, routing.clone()).map_err(anyhow::Error::msg)?;
            let instance_id = settings.notify.resolved_instance_id(listening);
            tracing::info!(instance_id, "outbox worker starting");
            let worker = Worker::new(
                db.clone(),
                Arc::new(mailer),
                Arc::new(context),
                settings.notify.clone(),
                wakeup.clone(),
                instance_id,
            )
            .with_metrics(metrics.clone())
            .with_snapshots(Arc::new(crate::evidence::Snapshotter::new(
                &settings,
                db.clone(),
            )?));
            let stop = CancellationToken::new();
            Some(WorkerTask {
                task: tokio::spawn(worker.run(stop.clone())),
                stop,
                // The sends in flight end within the SMTP deadline (or the webhook timeout);
                // then one write records them and one hands back the rest.
                grace: Duration::from_secs(
                    settings.slowest_delivery().1.max(1) + WORKER_RECORD_GRACE_SECS,
                ),
            })
        } else {
            None
        };

        let document = web::Data::new(Document::new(&api_document())?);
        let https = settings.server.public_url.starts_with("https://");
        let purge_settings = Arc::new(settings.clone());
        let state = web::Data::new(AppState {
            urls: Arc::new(UrlPolicy::from_settings(&settings.publisher)),
            db: db.clone(),
            intake: Arc::new(IntakeContext {
                routing,
                notify: settings.notify.clone(),
                recipient_key: settings.server.secret_key.clone(),
                snapshots: settings.evidence.enabled,
                webhooks: Default::default(),
            }),
            limits: Arc::new(IntakeLimits::new(&settings.limits)),
            metrics,
            webhooks: Arc::new(Webhooks::from_settings(&settings).context("webhooks")?),
            wakeup,
            targets,
            settings: Arc::new(settings),
        });
        let server = HttpServer::new(move || {
            App::new()
                .into_utoipa_app()
                .service(api())
                .into_app()
                // Innermost: HTML error pages get the publisher's name and their place.
                .wrap(actix_web::middleware::from_fn(
                    crate::error::error_page_context,
                ))
                .wrap(actix_web::middleware::from_fn(
                    crate::web::language::remember_language,
                ))
                .wrap(security_headers(https))
                .wrap(NormalizePath::new(TrailingSlash::Trim))
                // Outermost: the request's id is on every line logged while serving it.
                .wrap(actix_web::middleware::from_fn(request_log::log_requests))
                .app_data(state.clone())
                .app_data(document.clone())
                .configure(routes)
                .configure(|cfg| desk_pages(cfg, &state.db, &state.settings))
                .configure(extra_routes)
                .default_service(web::to(not_found))
        })
        // Signals are handled by `run_until_signalled`: actix's own handling stops at once on
        // SIGINT, and would install handlers in every test process.
        .disable_signals()
        .listen(listener)?
        .run();
        let purge = tokio::spawn(crate::privacy::service::run_purge_job(
            db.clone(),
            purge_settings,
        ));
        Ok(Self {
            port,
            server,
            db,
            worker,
            purge,
            sweep,
        })
    }

    /// Stops the server (and so the worker) from another task.
    pub fn stop_handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until the server is stopped (through [`Application::stop_handle`]), then stops
    /// the outbox worker: it finishes and records its sends in flight and hands back the rest of
    /// its claims.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some(worker) = self.worker {
            worker.stop().await;
        }
        self.purge.abort();
        self.sweep.abort();
        result
    }

    /// [`Application::run_until_stopped`], stopping gracefully on SIGTERM or SIGINT: no new
    /// connections, requests in flight answered (within actix's shutdown timeout, 30 s), then the
    /// worker stopped as above.
    pub async fn run_until_signalled(self) -> std::io::Result<()> {
        let server = self.server.handle();
        let signalled = tokio::spawn(async move {
            match shutdown_signal().await {
                Ok(name) => {
                    tracing::info!(
                        signal = name,
                        "stopping: finishing requests in flight and the outbox worker's sends"
                    );
                    server.stop(true).await;
                }
                Err(error) => tracing::error!(%error, "cannot listen for shutdown signals"),
            }
        });
        let result = self.run_until_stopped().await;
        signalled.abort();
        result
    }
}

/// Beyond the SMTP deadline: rendering the last message, recording the results, handing back.
const WORKER_RECORD_GRACE_SECS: u64 = 10;

#[cfg(unix)]
async fn shutdown_signal() -> std::io::Result<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = terminate.recv() => Ok("SIGTERM"),
        _ = interrupt.recv() => Ok("SIGINT"),
    }
}

#[cfg(not(unix))]
async fn shutdown_signal() -> std::io::Result<&'static str> {
    tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
}

/// The route table.
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(web::resource("/metrics").route(web::get().to(metrics::metrics)))
        .service(assets::site_css)
        .service(
            web::resource("/static/brand.css").route(web::get().to(crate::web::brand::brand_css)),
        )
        .service(
            web::resource("/embed/report-button.js")
                .route(web::get().to(crate::web::embed::report_button_js)),
        )
        .service(
            web::resource("/embed/report-button.css")
                .route(web::get().to(crate::web::embed::report_button_css)),
        )
        .service(assets::favicon_svg)
        .service(assets::favicon_ico)
        .service(web::resource("/").route(web::get().to(reports::http::home)))
        .service(
            web::resource("/report")
                .route(web::get().to(reports::http::report_form))
                .route(web::post().to(reports::http::submit_form)),
        )
        .service(web::resource("/report/thanks/{code}").route(web::get().to(reports::http::thanks)))
        .service(web::resource("/corrections").route(web::get().to(corrections::corrections_page)))
        .service(
            web::resource("/corrections.atom").route(web::get().to(corrections::corrections_feed)),
        )
        .service(web::resource("/status").route(web::get().to(reports::http::status_lookup)))
        .service(web::resource("/status/{code}").route(web::get().to(reports::http::status_page)))
        .service(
            web::resource("/status/{code}/appeal")
                .route(web::post().to(reports::http::appeal_form)),
        )
        .service(
            web::resource("/status/{code}/unsubscribe")
                .route(web::get().to(reports::http::unsubscribe_page))
                .route(web::post().to(reports::http::unsubscribe)),
        )
        .service(
            web::resource("/status/{code}/erase")
                .route(web::get().to(privacy::erase_form))
                .route(web::post().to(privacy::request_erasure)),
        )
        .service(
            web::resource("/status/{code}/erase/confirm")
                .route(web::get().to(privacy::confirm_page))
                .route(web::post().to(privacy::confirm)),
        )
        // The API's reference page (the document itself is in `api`).
        .service(web::resource("/api/docs").route(web::get().to(api_docs::docs_page)))
        .service(web::resource("/api/docs/{file}").route(web::get().to(api_docs::docs_asset)));
}

/// The JSON API, public and editors': each route is registered with its OpenAPI description
/// (utoipa-actix-web takes both from the handler's `#[utoipa::path]`), so none can exist
/// undocumented. Only `.service(handler)` here: a plain `.route(...)` would be served but not
/// described.
fn api() -> Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    scope("/api/v1")
        .service(api_docs::openapi_json)
        .service(reports::http::api_create)
        .service(reports::http::api_get)
        .service(reports::http::api_appeal)
        .service(corrections::api_list)
        .service(corrections::api_lookup)
        .service(
            scope("/desk")
                // Editors' answers carry reports and personal data: no cache keeps them, errors
                // included.
                .wrap(no_store())
                .service(api::list_reports)
                .service(entry::api_create)
                .service(api::list_articles)
                .service(api::get_report)
                .service(api::erase_reporter)
                .service(api::transition)
                .service(api::assign)
                .service(api::add_note)
                .service(api::complete_address)
                .service(api::resolve_article)
                .service(api::dead_messages)
                .service(api::retry_message),
        )
}

/// The OpenAPI document of [`api`], as `GET /api/v1/openapi.json` serves it.
pub fn api_document() -> utoipa::openapi::OpenApi {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api())
        .split_for_parts()
        .1
}

/// The dashboard's pages, behind server-side sessions (public pages set no cookie).
fn desk_pages(cfg: &mut web::ServiceConfig, db: &Db, settings: &Settings) {
    use actix_session::SessionMiddleware;
    use actix_session::config::{BrowserSession, TtlExtensionPolicy};
    use actix_web::cookie::{Key, SameSite};
    use sha2::{Digest, Sha512};

    let dashboard = &settings.dashboard;
    // The session cookie holds only a random key; this signing key is derived from our secret.
    let key = Key::from(&Sha512::digest(
        format!("session-cookie:{}", settings.server.secret_key.expose()).as_bytes(),
    ));
    let cookie_name = if dashboard.cookie_secure {
        "__Host-desk_session"
    } else {
        "desk_session"
    };
    let lifecycle = BrowserSession::default()
        .state_ttl(actix_web::cookie::time::Duration::seconds(
            dashboard.idle_timeout_secs as i64,
        ))
        .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest);
    let sessions = SessionMiddleware::builder(
        crate::dashboard::sessions::DbSessionStore::new(db.clone()),
        key,
    )
    .cookie_name(cookie_name.to_string())
    .cookie_secure(dashboard.cookie_secure)
    .cookie_http_only(true)
    .cookie_same_site(SameSite::Strict)
    .cookie_path("/".to_string())
    .session_lifecycle(lifecycle)
    .build();
    cfg.service(
        web::scope("/desk")
            .wrap(sessions)
            .route("/login", web::get().to(desk::login_form))
            .route("/login", web::post().to(desk::login))
            .route("/logout", web::post().to(desk::logout))
            .route("/account/password", web::get().to(password::form))
            .route("/account/password", web::post().to(password::change))
            .route("/outbox", web::get().to(desk::outbox))
            .route("/mail", web::get().to(desk::received_mail))
            .route("/mail/{id}", web::get().to(desk::received_mail_raw))
            .route("/outbox/retry-all", web::post().to(desk::retry))
            .route("/outbox/{id}/retry", web::post().to(desk::retry))
            .route("/webhooks", web::get().to(webhooks::http::webhooks_page))
            .route("/webhooks", web::post().to(webhooks::http::add))
            .route(
                "/webhooks/{id}/remove",
                web::post().to(webhooks::http::remove),
            )
            .route(
                "/webhooks/{id}/enable",
                web::post().to(webhooks::http::enable),
            )
            .route("", web::get().to(pages::queue_page))
            .route("/reports", web::get().to(pages::list_page))
            .route("/reports.csv", web::get().to(pages::export_csv))
            .route("/reports/bulk", web::post().to(pages::bulk))
            // Before `/reports/{code}`: "new" is no tracking code.
            .route("/reports/new", web::get().to(entry::form))
            .route("/reports/new", web::post().to(entry::create))
            .route("/reports/{code}", web::get().to(pages::report_page))
            .route("/reports/{code}/entered", web::get().to(entry::entered))
            .route(
                "/targets",
                web::get().to(crate::targets::http::targets_page),
            )
            .route(
                "/admin/routing/desks/{slug}/targets",
                web::get().to(crate::targets::http::desk_targets_form),
            )
            .route(
                "/admin/routing/desks/{slug}/targets",
                web::post().to(crate::targets::http::save_desk_targets),
            )
            .route("/admin/routing", web::get().to(routing::routing))
            .route("/admin/routing/rules", web::post().to(routing::add_rule))
            .route(
                "/admin/routing/rules/{id}/edit",
                web::get().to(routing::edit_form_page),
            )
            .route(
                "/admin/routing/rules/{id}",
                web::post().to(routing::update_rule),
            )
            .route(
                "/admin/routing/rules/{id}/delete",
                web::post().to(routing::delete_rule),
            )
            .route(
                "/reports/{code}/transition",
                web::post().to(pages::transition),
            )
            .route("/reports/{code}/assign", web::post().to(pages::assign))
            .route("/reports/{code}/notes", web::post().to(pages::add_note))
            .route(
                "/reports/{code}/erase",
                web::post().to(pages::erase_reporter),
            )
            .route(
                "/reports/{code}/article",
                web::post().to(pages::complete_address),
            )
            .route("/reports/{code}/mail/{id}", web::get().to(pages::raw_mail))
            .route("/articles/{id}", web::get().to(pages::article_page))
            .route(
                "/articles/{id}/resolve",
                web::post().to(pages::resolve_article),
            )
            .route(
                "/articles/{id}/snapshot",
                web::post().to(pages::fetch_again),
            ),
    );
}

async fn not_found(
    req: HttpRequest,
    lang: crate::web::language::PageLanguage,
) -> actix_web::Result<actix_web::HttpResponse> {
    let error = AppError::NotFound(lang.messages.t("error-not_found-message"));
    if req.path().starts_with("/api/") {
        Err(error.into())
    } else {
        Err(HtmlError(error).into())
    }
}
