//! Starts the real application on a random port, against a fresh database of the backend chosen by
//! `DESK_TEST_BACKEND` (`sqlite`, the default, or `postgres` with `DESK_TEST_POSTGRES_URL`).

use std::path::Path;

use diesel::prelude::*;
use disinfo_desk::config::{Environment, Secret, Settings};
use disinfo_desk::startup::Application;
use disinfo_desk::storage::Db;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

pub fn backend() -> TestBackend {
    match std::env::var("DESK_TEST_BACKEND").as_deref() {
        Ok("postgres") => TestBackend::Postgres,
        Ok("sqlite") | Err(_) => TestBackend::Sqlite,
        Ok(other) => panic!("DESK_TEST_BACKEND={other}: use sqlite or postgres"),
    }
}

pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub database_url: String,
    pub client: reqwest::Client,
    stop: actix_web::dev::ServerHandle,
    _dir: tempfile::TempDir,
}

pub fn test_settings() -> Settings {
    let config_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    Settings::load_from(&config_dir, Environment::Test).expect("test configuration loads")
}

/// A fresh database URL for one test: a new SQLite file, or a new PostgreSQL database.
pub fn fresh_database_url(dir: &Path) -> String {
    match backend() {
        TestBackend::Sqlite => format!("sqlite://{}", dir.join("desk.db").display()),
        TestBackend::Postgres => {
            let admin = std::env::var("DESK_TEST_POSTGRES_URL")
                .expect("DESK_TEST_POSTGRES_URL must point at a PostgreSQL server for DESK_TEST_BACKEND=postgres");
            let mut conn =
                PgConnection::establish(&admin).expect("connect to the test PostgreSQL server");
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).expect("randomness");
            let name = format!("desk_test_{}", hex::encode(bytes));
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create the test database");
            let (base, _) = admin.rsplit_once('/').expect("URL has a database name");
            format!("{base}/{name}")
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = test_settings();
    settings.server.bind = "127.0.0.1:0".into();
    settings.database.url = Secret::new(fresh_database_url(dir.path()));
    settings.mail.file_dir = dir.path().join("mail");
    customize(&mut settings);
    let database_url = settings.database.url.expose().to_string();
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let port = app.port();
    let db = app.db().clone();
    let stop = app.stop_handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        db,
        database_url,
        stop,
        client: http_client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        _dir: dir,
    }
}

/// The password of accounts made by [`TestApp::editor`].
pub const PASSWORD: &str = "a long and unusual passphrase";

/// A report every check accepts.
pub fn valid_report() -> Value {
    json!({
        "article_url": "https://www.example.com/world/2026/11/flood-figures",
        "category": "false_claim",
        "passage": "More than 10,000 people were evacuated.",
        "explanation": "The regional authority's bulletin says 1,000 people were evacuated, not 10,000.",
        "evidence_urls": ["https://gov.example.org/bulletin/42"],
        "language": "en",
        "reporter_name": "Ana Reader",
        "reporter_email": "ana@example.org",
        "wants_outcome": true
    })
}

/// Settings that deliver mail over SMTP (no TLS) to 127.0.0.1:`port`.
pub fn smtp_to(settings: &mut Settings, port: u16) {
    settings.mail.transport = disinfo_desk::config::MailTransport::Smtp;
    settings.mail.smtp.host = "127.0.0.1".into();
    settings.mail.smtp.port = port;
    settings.mail.smtp.tls = disinfo_desk::config::SmtpTls::None;
}

impl TestApp {
    /// Stops the server and its outbox worker, as a shutdown or a crash of this instance would.
    pub async fn stop(&self) {
        self.stop.stop(false).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_report(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/reports"))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Loads the form (as a reader's browser does), then sends it back with `pairs` and the
    /// form's own token.
    pub async fn post_form(&self, pairs: &[(&str, &str)]) -> reqwest::Response {
        let token = self.form_token().await;
        let mut fields: Vec<(&str, &str)> = vec![("form_token", &token)];
        fields.extend_from_slice(pairs);
        self.post_form_raw(&fields).await
    }

    /// The signed token of a freshly served report form.
    pub async fn form_token(&self) -> String {
        let html = self.get("/report").await.text().await.expect("form html");
        hidden_value(&html, "form_token").expect("the form carries a token")
    }

    /// Sends the form body exactly as given (no token unless `pairs` has one).
    pub async fn post_form_raw(&self, pairs: &[(&str, &str)]) -> reqwest::Response {
        let body = serde_html_form::to_string(pairs).expect("form encodes");
        self.client
            .post(self.url("/report"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// Creates an account (password [`PASSWORD`]) on the app's database, member of `desks`;
    /// returns a live API token for it.
    pub async fn editor(
        &self,
        email: &str,
        role: disinfo_desk::dashboard::accounts::Role,
        desks: &[&str],
    ) -> String {
        let db = self.db.clone();
        let email = email.to_string();
        let desks: Vec<String> = desks.iter().map(|d| d.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let routing =
                disinfo_desk::routing::load_and_sync(&db, Path::new("config/routing.toml"))
                    .expect("routing");
            disinfo_desk::dashboard::create_user(
                &db,
                &routing,
                &email,
                "Test Editor",
                role,
                PASSWORD,
                &desks,
            )
            .expect("user created");
            disinfo_desk::dashboard::create_token(&db, &email, "tests")
                .expect("token")
                .1
        })
        .await
        .expect("task")
    }

    /// Runs a query on the app's database (tests inspect what was stored).
    pub async fn query<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut disinfo_desk::storage::DbConn) -> QueryResult<T> + Send + 'static,
    ) -> T {
        self.db
            .read(move |conn| work(conn).map_err(disinfo_desk::storage::StorageError::from))
            .await
            .expect("query runs")
    }
}

/// The value of the hidden input `name` in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// A browser: keeps its cookies (a small jar: the session's and the sign-in form's), reads the
/// CSRF token from pages.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    /// Cookie name to value.
    pub cookies: std::collections::BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: Default::default(),
        }
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap_or_default();
            let Some((name, value)) = text.split(';').next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let removed = value.is_empty()
                || text
                    .split(';')
                    .any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
            if removed {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_string(), value.to_string());
            }
        }
    }

    /// The `Cookie` header this browser sends, if any.
    pub fn cookie_header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let mut request = self.app.client.get(self.app.url(path));
        if let Some(cookie) = self.cookie_header() {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("sent");
        self.keep_cookies(&response);
        response
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .post(self.app.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(serde_html_form::to_string(form).expect("form"));
        if let Some(cookie) = self.cookie_header() {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("sent");
        self.keep_cookies(&response);
        response
    }

    pub async fn csrf(&mut self, path: &str) -> String {
        let html = self.get(path).await.text().await.expect("html");
        let start = html.find(r#"name="csrf" value=""#).expect("csrf field")
            + r#"name="csrf" value=""#.len();
        html[start..start + 48].to_string()
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> reqwest::Response {
        let csrf = self.csrf("/desk/login").await;
        self.post(
            "/desk/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/desk/outbox"),
            ],
        )
        .await
    }
}

/// A reqwest client builder for the tests' own requests. reqwest shares the application's
/// features, which leave the TLS crypto provider to the program: installed here first.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    disinfo_desk::outbound::install_crypto_provider();
    reqwest::Client::builder()
}
