//! Layered configuration: `config/default.toml`, then `config/<DESK_ENV>.toml`, then `DESK__SECTION__KEY`
//! environment variables. Secrets are wrapped so they never reach logs or `check-config` output.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize, Serializer};

/// The development key shipped in `config/default.toml`; production refuses it.
pub const DEV_SECRET_KEY: &str = "dev-only-secret-key-do-not-use-in-production-0000";
const MIN_SECRET_KEY_LEN: usize = 32;
/// What a worker's lease must cover besides the sends themselves: the claim's commit, each
/// message's render (one indexed read), and the last results' write, up to 0.25 s after the last
/// send (`RECORD_WITHIN` in the worker) plus its commit. These take milliseconds; even with intake
/// saturating the SQLite writer, a write waited well under a second (p99) in the outbox benchmark.
pub const LEASE_MARGIN_SECS: u64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("unknown DESK_ENV {0:?}: use development, test or production")]
    UnknownEnvironment(String),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Test,
    Production,
}

impl Environment {
    pub fn from_env_var() -> Result<Self, ConfigError> {
        match std::env::var("DESK_ENV") {
            Ok(value) => value.parse(),
            Err(_) => Ok(Self::Development),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Production => "production",
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = ConfigError;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" | "" => Ok(Self::Development),
            "test" => Ok(Self::Test),
            "production" | "prod" => Ok(Self::Production),
            other => Err(ConfigError::UnknownEnvironment(other.to_string())),
        }
    }
}

/// A secret string: shown as `********` in Debug and when serialised (check-config).
#[derive(Clone, Deserialize, Default)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("********")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if self.0.is_empty() { "" } else { "********" })
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    #[serde(skip_deserializing, default = "default_environment")]
    pub environment: Environment,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub publisher: PublisherSettings,
    pub intake: IntakeSettings,
    #[serde(default)]
    pub i18n: I18nSettings,
    pub routing: RoutingSettings,
    pub mail: MailSettings,
    pub notify: NotifySettings,
    pub dashboard: DashboardSettings,
    pub log: LogSettings,
    pub limits: LimitsSettings,
    pub privacy: PrivacySettings,
    pub metrics: MetricsSettings,
    pub mail_intake: MailIntakeSettings,
    pub evidence: EvidenceSettings,
    pub webhooks: WebhookSettings,
    #[serde(default)]
    pub corrections: CorrectionsSettings,
    pub targets: TargetSettings,
}

fn default_environment() -> Environment {
    Environment::Development
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ServerSettings {
    pub bind: String,
    pub public_url: String,
    pub secret_key: Secret,
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
    pub max_body_bytes: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DatabaseSettings {
    pub url: Secret,
    pub pool_size: u32,
    pub connect_timeout_secs: u64,
    pub sqlite_synchronous: SqliteSynchronous,
    pub sqlite_busy_timeout_ms: u32,
    /// The most writes the writer commits in one transaction (group commit; on PostgreSQL the
    /// replayable ones only).
    #[serde(default = "default_write_batch_max")]
    pub write_batch_max: usize,
    /// The most writes waiting for the writer; one more is refused at once (503).
    #[serde(default = "default_write_queue_max")]
    pub write_queue_max: usize,
    /// SQLite: the writer checkpoints the WAL into the database file once it holds this many
    /// pages (`wal_autocheckpoint`).
    #[serde(default = "default_write_checkpoint_pages")]
    pub write_checkpoint_pages: u32,
    /// PostgreSQL: the writer threads (each with its own connection) that take batches of
    /// intake's writes from the one queue. SQLite always has one.
    #[serde(default = "default_write_threads_postgres")]
    pub write_threads_postgres: usize,
}

fn default_write_threads_postgres() -> usize {
    2
}

fn default_write_batch_max() -> usize {
    256
}

fn default_write_queue_max() -> usize {
    1024
}

fn default_write_checkpoint_pages() -> u32 {
    10_000
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    Full,
    Normal,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PublisherSettings {
    pub name: String,
    /// The publisher's logo on every public page (an absolute URL or a path on this host), shown
    /// instead of the name, which becomes its alternative text.
    #[serde(default)]
    pub logo_url: Option<String>,
    /// The accent colour of links and buttons, `#rrggbb`; it must keep a contrast of 4.5:1 with
    /// white (checked at start).
    #[serde(default = "default_accent_color")]
    pub accent_color: String,
    pub hosts: Vec<String>,
    #[serde(default)]
    pub host_aliases: BTreeMap<String, String>,
    #[serde(default)]
    pub amp_path_suffixes: Vec<String>,
    #[serde(default)]
    pub amp_path_prefixes: Vec<String>,
    #[serde(default)]
    pub amp_query_params: Vec<String>,
}

fn default_accent_color() -> String {
    "#0b5cad".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IntakeSettings {
    pub languages: Vec<String>,
    pub default_language: String,
    /// How many days the desk usually takes to answer a report, told to readers on the
    /// thank-you page; 0 leaves the sentence out.
    #[serde(default = "default_usual_response_days")]
    pub usual_response_days: u32,
}

fn default_usual_response_days() -> u32 {
    3
}

/// The languages of the public pages and of the emails to reporters.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct I18nSettings {
    /// Offered in the language chooser, in this order: shipped languages only
    /// (`crate::i18n::SHIPPED`).
    pub languages: Vec<String>,
    /// For a reader whose browser asks for none of them.
    pub default: String,
}

impl Default for I18nSettings {
    fn default() -> Self {
        Self {
            languages: crate::i18n::SHIPPED.iter().map(|s| s.to_string()).collect(),
            default: crate::i18n::FALLBACK.to_string(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RoutingSettings {
    /// The desks and rules file (TOML), relative to the working directory.
    pub file: PathBuf,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MailSettings {
    pub transport: MailTransport,
    /// The From address of every email, e.g. `Example Times <corrections@example.com>`.
    pub from: String,
    /// Where the `file` transport writes .eml files.
    pub file_dir: PathBuf,
    pub smtp: SmtpSettings,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    File,
    Smtp,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: Secret,
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct NotifySettings {
    /// Run the outbox worker in this process (several instances may all run one on PostgreSQL).
    pub worker: bool,
    /// Later reports on an article within this window after its first alert go out as one digest.
    pub alert_window_secs: u64,
    /// An article with this many reports within `escalation_window_secs` is escalated.
    pub escalation_threshold: u32,
    pub escalation_window_secs: u64,
    /// Delivery attempts before a message is dead.
    pub max_attempts: u32,
    /// First retry delay; doubles per attempt up to `max_backoff_secs`, with jitter.
    pub base_backoff_ms: u64,
    pub max_backoff_secs: u64,
    /// How often an idle worker looks for due messages (new ones wake it at once).
    pub poll_interval_ms: u64,
    pub batch_size: u32,
    /// Messages sent at once by one worker.
    pub concurrency: u32,
    /// A claimed message not marked sent within this time is claimed again (a crashed instance).
    /// Must exceed the time a whole batch can take: see [`NotifySettings::longest_batch_secs`].
    pub lease_secs: u64,
    /// Acknowledgements sent to one address in 24 hours; later reports naming it are stored but
    /// not acknowledged (recorded on their timeline), so nobody can use the desk to mail a stranger.
    pub acks_per_address_per_day: u32,
    /// Alerts for different articles one desk gets at once within `alert_window_secs`; further
    /// articles in that window go out together in one desk round-up when the window closes.
    pub desk_alerts_per_window: u32,
    /// Names this instance on the messages its worker claims, so that when it starts again after
    /// a crash it takes its unfinished claims back at once instead of waiting for their lease.
    /// Must stay the same across restarts and differ between instances sharing a database.
    /// Empty: the host name and the address the server listens on (see
    /// [`NotifySettings::resolved_instance_id`]).
    #[serde(default)]
    pub instance_id: String,
}

impl NotifySettings {
    /// `instance_id`, or when it is empty `<host name>:<listening address>`: stable across
    /// restarts when the bind address is fixed, and distinct for instances on one host.
    pub fn resolved_instance_id(&self, listening: std::net::SocketAddr) -> String {
        let configured = self.instance_id.trim();
        if !configured.is_empty() {
            return configured.to_string();
        }
        let host = hostname::get()
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "localhost".to_string());
        format!("{host}:{listening}")
    }

    /// The longest a claimed batch can take before its last result is written: its messages go
    /// out `concurrency` at a time, each bounded by the SMTP deadline, plus [`LEASE_MARGIN_SECS`].
    pub fn longest_batch_secs(&self, smtp_timeout_secs: u64) -> u64 {
        let rounds = u64::from(self.batch_size).div_ceil(u64::from(self.concurrency.max(1)));
        rounds
            .saturating_mul(smtp_timeout_secs.max(1))
            .saturating_add(LEASE_MARGIN_SECS)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DashboardSettings {
    /// Send the session cookie only over HTTPS (and name it `__Host-…`). Off only for plain-http
    /// development: browsers drop `__Host-` cookies that are not Secure.
    pub cookie_secure: bool,
    /// A session unused this long ends.
    pub idle_timeout_secs: u64,
    /// A session ends this long after sign-in, however active.
    pub absolute_timeout_secs: u64,
    /// Failed sign-ins allowed per account from one client (and per client across accounts,
    /// times four) within `login_window_secs` before each further try must wait.
    pub login_free_attempts: u32,
    /// Failed sign-ins allowed per account from all clients together within the window: higher
    /// than `login_free_attempts`, so one stranger's guesses never keep the editor waiting, while
    /// guesses spread over many addresses are still slowed.
    pub login_account_free_attempts: u32,
    pub login_window_secs: u64,
    /// The longest wait imposed on an account: a stranger cannot lock an editor out for long.
    pub login_max_delay_secs: u64,
    /// How long a sign-in form stays valid (its CSRF token lives in a signed cookie, not in a
    /// session: no row is stored before a sign-in succeeds).
    pub login_form_ttl_secs: u64,
    /// The most reports a word search counts by status for the navigation: beyond it the counts
    /// would read every matching report on each page view, and are left out (the page says so).
    pub counted_word_matches: i64,
}

/// Abuse limits on public intake (see docs/SECURITY.md). Per instance: with several instances
/// behind a load balancer each applies them on its own.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LimitsSettings {
    /// Off turns the rate limits and the form's timing check off (load tests, benchmarks); the
    /// honeypot, the acknowledgement cap and the alert coalescing stay.
    pub enabled: bool,
    /// Reports per client (the keyed hash of its address): a sustained rate and a burst.
    pub client_per_minute: u32,
    pub client_burst: u32,
    /// Reports per article (canonical URL), from all clients together.
    pub article_per_minute: u32,
    pub article_burst: u32,
    /// Reports per second to the whole desk, a ceiling that protects the database.
    pub global_per_second: u32,
    pub global_burst: u32,
    /// Keys (clients, articles) remembered at most; the idle ones are evicted first.
    pub max_tracked_keys: usize,
    /// A form sent back sooner than this after it was served is refused (bots fill forms at once).
    pub form_min_secs: u64,
    /// ...and one older than this (a stale or replayed page).
    pub form_max_age_secs: u64,
}

/// Who may read `/metrics`: a bearer token, or the listed client addresses (after the
/// trusted-proxy rule).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MetricsSettings {
    #[serde(default)]
    pub token: Secret,
    #[serde(default)]
    pub allow: Vec<IpAddr>,
}

/// `[privacy] reporter_retention_days` as shipped in `config/default.toml`: for pages shown
/// without the settings at hand.
pub const DEFAULT_REPORTER_RETENTION_DAYS: u32 = 180;

/// How long personal data is kept (see docs/SECURITY.md, "Retention").
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PrivacySettings {
    /// The key of the client-address hashes changes this often: a hash links a client's requests
    /// within one period only.
    pub client_key_rotation_hours: u64,
    /// Client-address hashes are erased from reports and sign-in events after this many days.
    pub client_hash_retention_days: u32,
    /// Reporter name and email are erased this many days after the report was decided.
    pub reporter_retention_days: u32,
    /// ...and this many days after a report was received when it sits in spam.
    pub spam_retention_days: u32,
    /// Sign-in events (with the addresses typed) are deleted after this many days.
    pub auth_event_retention_days: u32,
    /// Stored API answers for Idempotency-Key retries are deleted after this many hours.
    pub idempotency_retention_hours: u64,
    /// Recipients of delivered, cancelled or dead emails are erased after this many days.
    pub outbox_retention_days: u32,
    /// How often the server runs the purge (at least daily); `disinfo-desk purge` runs it once.
    pub purge_interval_secs: u64,
    /// An erasure confirmation link is valid this long.
    pub erasure_link_hours: u64,
}

/// The mail gateway, `disinfo-desk ingest-mail` (README: "Reports by email").
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MailIntakeSettings {
    /// A larger message is refused (EX_DATAERR, so the mail server bounces it with the reason).
    pub max_message_bytes: usize,
    /// The raw messages (personal data) are erased this many days after they arrived; what
    /// became of each (report, comment, ignored, refused) is kept without them.
    pub raw_retention_days: u32,
    /// Messages one sender address may have stored per hour; more are deferred (EX_TEMPFAIL:
    /// the mail server tries again later). 0: no limit.
    pub sender_per_hour: u32,
}

/// Article snapshots (`src/evidence`): how their pages are fetched. Only the publisher's hosts
/// (`publisher.hosts`) are contacted, over https only in production, with our User-Agent and no
/// cookies (see `crate::evidence::service::policy`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct EvidenceSettings {
    /// Snapshot each article when it gets its first report and when it is resolved. Off, the
    /// desk fetches only when an editor asks ("Fetch again", `disinfo-desk snapshot`).
    pub enabled: bool,
    /// Allow loopback, private, link-local and other non-public addresses (a publisher on an
    /// intranet; tests). Off: a host that resolves to one, or a redirect to one, is refused.
    pub allow_private_addresses: bool,
    /// Host → `address:port` used instead of DNS for that host, and trusted as configured (not
    /// checked against the address rules): for tests, or a publisher reached at a fixed address.
    /// Every host named must be one of `publisher.hosts`.
    #[serde(default)]
    pub pinned: BTreeMap<String, std::net::SocketAddr>,
    /// The whole fetch, connecting to the last byte; the outbox retries a fetch that timed out.
    pub timeout_secs: u64,
    /// A larger page is refused (and not retried).
    pub max_bytes: usize,
    /// Redirects followed, each checked like the first address.
    pub max_redirects: usize,
}

/// Outbound webhook deliveries (docs/WEBHOOKS.md). Only `https://` endpoints in production.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WebhookSettings {
    /// Let endpoints be on loopback, private, link-local and other internal addresses. Off by
    /// default: anyone who may register an endpoint could otherwise make this server call the
    /// services of its own network (SSRF). For tests and an intranet only.
    pub allow_private_addresses: bool,
    /// The longest one delivery may take, connecting to the last byte of the answer.
    pub timeout_secs: u64,
    /// The most of an endpoint's answer read; a longer one counts as a failed delivery.
    pub max_response_bytes: usize,
}

/// The public corrections log (`/corrections`, its feed and JSON, the per-article notice).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct CorrectionsSettings {
    /// Notices per page of the log and entries in its feed (1 to 100).
    pub page_size: u32,
    /// `Cache-Control: public, max-age=…` of the feed, the JSON and an article's notice: how long
    /// a CDN or a browser may keep them (at most a day).
    pub max_age_secs: u64,
}

impl Default for CorrectionsSettings {
    fn default() -> Self {
        Self {
            page_size: 25,
            max_age_secs: 300,
        }
    }
}

/// The longest response target accepted, in minutes (a year): anything longer is no target.
pub const MAX_TARGET_MINUTES: u32 = 525_600;

/// Response targets (README: "Response targets"): how soon a desk should triage a report (its
/// first move out of `new`) and decide it (resolved or closed), in minutes, counted from when the
/// report entered the queue. Admins may set other values per desk on the routing page.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub struct TargetSettings {
    pub triage_minutes: u32,
    pub decision_minutes: u32,
    /// How often each instance looks for reports that passed a target and queues their desk's
    /// reminder (at most one digest per desk per hour).
    pub sweep_interval_secs: u64,
    /// The figures (medians, overdue counts) of `/desk/targets` and `/metrics` are reused this
    /// long per instance: a median over a month of reports is not worth reading on every scrape.
    pub figures_cache_secs: u64,
}

impl TargetSettings {
    /// Why a pair of targets is refused, if it is: both whole minutes from 1 to a year, and the
    /// decision no sooner than the triage (a report is triaged on the way to its decision).
    pub fn check(triage_minutes: u32, decision_minutes: u32) -> Result<(), String> {
        for (name, value) in [("triage", triage_minutes), ("decision", decision_minutes)] {
            if !(1..=MAX_TARGET_MINUTES).contains(&value) {
                return Err(format!(
                    "the {name} target must be from 1 to {MAX_TARGET_MINUTES} minutes, not {value}"
                ));
            }
        }
        if decision_minutes < triage_minutes {
            return Err(format!(
                "the decision target ({decision_minutes} minutes) must be at least the triage \
                 target ({triage_minutes} minutes)"
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Settings {
    /// Loads from `$DESK_CONFIG_DIR` (default `./config`) for the environment named by `DESK_ENV`.
    pub fn load() -> Result<Self, ConfigError> {
        let dir = std::env::var_os("DESK_CONFIG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("config"));
        Self::load_from(&dir, Environment::from_env_var()?)
    }

    pub fn load_from(dir: &Path, environment: Environment) -> Result<Self, ConfigError> {
        let env_source = config::Environment::with_prefix("DESK")
            .prefix_separator("__")
            .separator("__")
            .list_separator(",")
            .with_list_parse_key("publisher.hosts")
            .with_list_parse_key("publisher.amp_path_suffixes")
            .with_list_parse_key("publisher.amp_path_prefixes")
            .with_list_parse_key("publisher.amp_query_params")
            .with_list_parse_key("intake.languages")
            .with_list_parse_key("i18n.languages")
            .with_list_parse_key("server.trusted_proxies")
            .with_list_parse_key("metrics.allow")
            .try_parsing(true);
        let loaded = config::Config::builder()
            .add_source(config::File::from(dir.join("default.toml")).required(true))
            .add_source(
                config::File::from(dir.join(format!("{}.toml", environment.as_str())))
                    .required(false),
            )
            .add_source(env_source)
            .build()?;
        let mut settings: Settings = loaded.try_deserialize()?;
        settings.environment = environment;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks that would otherwise fail later, or silently: refuse them at start.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let key = self.server.secret_key.expose();
        if self.environment == Environment::Production {
            if key == DEV_SECRET_KEY {
                return Err(ConfigError::Invalid(
                    "server.secret_key is the development key; set DESK__SERVER__SECRET_KEY to a random value of at least 32 characters".into(),
                ));
            }
            if key.chars().count() < MIN_SECRET_KEY_LEN {
                return Err(ConfigError::Invalid(format!(
                    "server.secret_key must be at least {MIN_SECRET_KEY_LEN} characters in production (set DESK__SERVER__SECRET_KEY)"
                )));
            }
        } else if key.is_empty() {
            return Err(ConfigError::Invalid("server.secret_key is empty".into()));
        }
        if self.publisher.hosts.is_empty() {
            return Err(ConfigError::Invalid(
                "publisher.hosts must list at least one host".into(),
            ));
        }
        if self.dashboard.counted_word_matches < 0 {
            return Err(ConfigError::Invalid(
                "dashboard.counted_word_matches must be 0 or more (0: a word search is never counted by status)"
                    .into(),
            ));
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError::Invalid(
                "database.pool_size must be at least 1".into(),
            ));
        }
        if !(1..=10_000).contains(&self.database.write_batch_max) {
            return Err(ConfigError::Invalid(
                "database.write_batch_max must be between 1 and 10000".into(),
            ));
        }
        if !(100..=1_000_000).contains(&self.database.write_checkpoint_pages) {
            return Err(ConfigError::Invalid(
                "database.write_checkpoint_pages must be between 100 and 1000000".into(),
            ));
        }
        if !(1..=1_000_000).contains(&self.database.write_queue_max) {
            return Err(ConfigError::Invalid(
                "database.write_queue_max must be between 1 and 1000000".into(),
            ));
        }
        if self.server.max_body_bytes < 1024 {
            return Err(ConfigError::Invalid(
                "server.max_body_bytes must be at least 1024".into(),
            ));
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid(format!(
                "mail.from {:?} is not an email address (e.g. \"Desk <desk@example.com>\")",
                self.mail.from
            )));
        }
        if self.notify.max_attempts == 0
            || self.notify.batch_size == 0
            || self.notify.concurrency == 0
        {
            return Err(ConfigError::Invalid(
                "notify.max_attempts, notify.batch_size and notify.concurrency must be at least 1"
                    .into(),
            ));
        }
        // A lease that runs out while its worker is still sending lets another instance (or this
        // one) claim the same messages and send them again.
        if self.webhooks.timeout_secs == 0 || self.webhooks.max_response_bytes == 0 {
            return Err(ConfigError::Invalid(
                "webhooks.timeout_secs and webhooks.max_response_bytes must be at least 1".into(),
            ));
        }
        // A batch may hold emails, webhooks and article fetches: each is allowed the longest.
        let (slowest_key, slowest_secs) = self.slowest_delivery();
        let longest_batch = self.notify.longest_batch_secs(slowest_secs);
        if self.notify.lease_secs <= longest_batch {
            return Err(ConfigError::Invalid(format!(
                "notify.lease_secs ({}) must be more than {longest_batch}: a batch of \
                 notify.batch_size ({}) messages sent notify.concurrency ({}) at a time, each \
                 allowed {slowest_key} ({}), can take {} s, plus {LEASE_MARGIN_SECS} s \
                 to claim and record them; raise notify.lease_secs or lower the others",
                self.notify.lease_secs,
                self.notify.batch_size,
                self.notify.concurrency,
                slowest_secs,
                longest_batch - LEASE_MARGIN_SECS,
            )));
        }
        self.validate_evidence()?;
        let limits = &self.limits;
        if [
            limits.client_per_minute,
            limits.client_burst,
            limits.article_per_minute,
            limits.article_burst,
            limits.global_per_second,
            limits.global_burst,
        ]
        .contains(&0)
            || limits.max_tracked_keys == 0
        {
            return Err(ConfigError::Invalid(
                "limits.*_per_minute, *_per_second, *_burst and max_tracked_keys must be at least 1 \
                 (turn the limits off with limits.enabled = false)"
                    .into(),
            ));
        }
        if limits.form_max_age_secs <= limits.form_min_secs {
            return Err(ConfigError::Invalid(
                "limits.form_max_age_secs must be more than limits.form_min_secs".into(),
            ));
        }
        let privacy = &self.privacy;
        if privacy.client_key_rotation_hours == 0 || privacy.purge_interval_secs == 0 {
            return Err(ConfigError::Invalid(
                "privacy.client_key_rotation_hours and privacy.purge_interval_secs must be at least 1"
                    .into(),
            ));
        }
        if privacy.purge_interval_secs > 86_400 {
            return Err(ConfigError::Invalid(
                "privacy.purge_interval_secs must be at most 86400: the purge runs at least daily"
                    .into(),
            ));
        }
        if !self
            .intake
            .languages
            .iter()
            .any(|l| l == &self.intake.default_language)
        {
            return Err(ConfigError::Invalid(
                "intake.default_language must be one of intake.languages".into(),
            ));
        }
        let corrections = &self.corrections;
        if !(1..=100).contains(&corrections.page_size) || corrections.max_age_secs > 86_400 {
            return Err(ConfigError::Invalid(
                "corrections.page_size must be 1 to 100 and corrections.max_age_secs at most 86400"
                    .into(),
            ));
        }
        if self.mail_intake.max_message_bytes < 1024 {
            return Err(ConfigError::Invalid(
                "mail_intake.max_message_bytes must be at least 1024".into(),
            ));
        }
        let targets = &self.targets;
        TargetSettings::check(targets.triage_minutes, targets.decision_minutes).map_err(|e| {
            ConfigError::Invalid(format!(
                "targets.triage_minutes / targets.decision_minutes: {e}"
            ))
        })?;
        if !(1..=3600).contains(&targets.sweep_interval_secs) {
            return Err(ConfigError::Invalid(
                "targets.sweep_interval_secs must be from 1 to 3600".into(),
            ));
        }
        self.validate_i18n()?;
        self.validate_brand()
    }

    fn validate_evidence(&self) -> Result<(), ConfigError> {
        let evidence = &self.evidence;
        if evidence.timeout_secs == 0 || evidence.max_bytes < 1024 || evidence.max_redirects > 20 {
            return Err(ConfigError::Invalid(
                "evidence.timeout_secs must be at least 1, evidence.max_bytes at least 1024 and \
                 evidence.max_redirects at most 20"
                    .into(),
            ));
        }
        for host in evidence.pinned.keys() {
            if !self
                .publisher
                .hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(host))
            {
                return Err(ConfigError::Invalid(format!(
                    "evidence.pinned names {host:?}, which is not one of publisher.hosts: only \
                     the publisher's hosts are fetched"
                )));
            }
        }
        // Snapshot fetches are claimed in the outbox's batches like emails: the lease must cover
        // a batch of them too.
        let longest = self.notify.longest_batch_secs(evidence.timeout_secs);
        if self.notify.lease_secs <= longest {
            return Err(ConfigError::Invalid(format!(
                "notify.lease_secs ({}) must be more than {longest}: a batch of \
                 notify.batch_size ({}) article snapshots fetched notify.concurrency ({}) at a \
                 time, each allowed evidence.timeout_secs ({}), can take that long; raise \
                 notify.lease_secs or lower the others",
                self.notify.lease_secs,
                self.notify.batch_size,
                self.notify.concurrency,
                evidence.timeout_secs,
            )));
        }
        Ok(())
    }

    fn validate_brand(&self) -> Result<(), ConfigError> {
        let accent = &self.publisher.accent_color;
        let Some(rgb) = crate::web::brand::parse_hex_color(accent) else {
            return Err(ConfigError::Invalid(format!(
                "publisher.accent_color must be a colour like #0b5cad, not {accent:?}"
            )));
        };
        let contrast = crate::web::brand::contrast_with_white(rgb);
        if contrast < 4.5 {
            return Err(ConfigError::Invalid(format!(
                "publisher.accent_color {accent} has a contrast of {contrast:.2}:1 with white; \
                 links and button text need at least 4.5:1 (WCAG 2.2 AA): choose a darker colour"
            )));
        }
        if let Some(logo) = &self.publisher.logo_url {
            let ok = logo.starts_with('/') && !logo.starts_with("//")
                || url::Url::parse(logo).is_ok_and(|u| u.scheme() == "https");
            if !ok {
                return Err(ConfigError::Invalid(format!(
                    "publisher.logo_url must be a path on this host (/static/...) or an https URL, not {logo:?}"
                )));
            }
        }
        Ok(())
    }

    fn validate_i18n(&self) -> Result<(), ConfigError> {
        let i18n = &self.i18n;
        if let Some(unknown) = i18n
            .languages
            .iter()
            .find(|l| !crate::i18n::SHIPPED.contains(&l.as_str()))
        {
            return Err(ConfigError::Invalid(format!(
                "i18n.languages: {unknown} has no translation; shipped are {}",
                crate::i18n::SHIPPED.join(", ")
            )));
        }
        if !i18n.languages.contains(&i18n.default) {
            return Err(ConfigError::Invalid(
                "i18n.default must be one of i18n.languages".into(),
            ));
        }
        // A reader's report is in the page's language unless they pick another: the form's
        // list must hold every page language.
        if let Some(missing) = i18n
            .languages
            .iter()
            .find(|l| !self.intake.languages.contains(l))
        {
            return Err(ConfigError::Invalid(format!(
                "intake.languages must include every i18n language; {missing} is missing"
            )));
        }
        Ok(())
    }

    /// The longest one outbox delivery may take, and the key that sets it: the SMTP deadline, the
    /// webhook timeout or the article fetch's, whichever is longest.
    pub fn slowest_delivery(&self) -> (&'static str, u64) {
        [
            ("mail.smtp.timeout_secs", self.mail.smtp.timeout_secs),
            ("webhooks.timeout_secs", self.webhooks.timeout_secs),
            ("evidence.timeout_secs", self.evidence.timeout_secs),
        ]
        .into_iter()
        .fold(("mail.smtp.timeout_secs", 0), |slowest, next| {
            if next.1 > slowest.1 { next } else { slowest }
        })
    }

    /// The effective configuration as TOML, secrets masked (for `check-config`).
    pub fn to_masked_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# could not render: {e}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(environment: Environment) -> Result<Settings, ConfigError> {
        Settings::load_from(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("config")
                .as_path(),
            environment,
        )
    }

    #[test]
    fn the_instance_id_is_the_configured_one_or_host_and_address() {
        let mut notify = shipped(Environment::Development).expect("loads").notify;
        let address: std::net::SocketAddr = "127.0.0.1:8080".parse().expect("address");
        notify.instance_id = "  desk-2 ".into();
        assert_eq!(notify.resolved_instance_id(address), "desk-2");
        notify.instance_id = String::new();
        let default = notify.resolved_instance_id(address);
        assert!(default.ends_with(":127.0.0.1:8080"), "{default}");
        // Stable: the same instance on the same address gets the same id after a restart.
        assert_eq!(notify.resolved_instance_id(address), default);
        let other: std::net::SocketAddr = "127.0.0.1:8081".parse().expect("address");
        assert_ne!(notify.resolved_instance_id(other), default);
    }

    #[test]
    fn languages_and_brand_are_checked() {
        let base = shipped(Environment::Development).expect("loads");
        assert!(base.validate().is_ok());
        let refused = |change: &dyn Fn(&mut Settings)| {
            let mut settings = base.clone();
            change(&mut settings);
            settings.validate().expect_err("refused").to_string()
        };
        let e = refused(&|s| s.i18n.languages.push("de".into()));
        assert!(e.contains("i18n.languages: de has no translation"), "{e}");
        let e = refused(&|s| s.i18n.default = "de".into());
        assert!(e.contains("i18n.default"), "{e}");
        let e = refused(&|s| {
            s.i18n.languages = vec!["en".into(), "ru".into()];
            s.i18n.default = "en".into();
            s.intake.languages = vec!["en".into()];
        });
        assert!(
            e.contains("intake.languages must include every i18n language; ru"),
            "{e}"
        );
        // Too light for white text and links: #3b9dff is about 2.9:1.
        let e = refused(&|s| s.publisher.accent_color = "#3b9dff".into());
        assert!(e.contains("contrast of 2.") && e.contains("4.5:1"), "{e}");
        let e = refused(&|s| s.publisher.accent_color = "blue".into());
        assert!(e.contains("publisher.accent_color must be a colour"), "{e}");
        let e = refused(&|s| s.publisher.logo_url = Some("http://cdn.example/logo.png".into()));
        assert!(e.contains("publisher.logo_url"), "{e}");
        let mut fine = base.clone();
        fine.publisher.accent_color = "#7a1f3d".into();
        fine.publisher.logo_url = Some("/static/logo.svg".into());
        assert!(fine.validate().is_ok());
    }

    #[test]
    fn shipped_default_config_loads() {
        let settings = shipped(Environment::Development).expect("default config loads");
        assert_eq!(settings.server.bind, "127.0.0.1:8080");
        assert!(settings.database.url.expose().starts_with("sqlite://data/"));
        assert!(!settings.publisher.hosts.is_empty());
    }

    #[test]
    fn production_refuses_development_secret() {
        let mut settings = shipped(Environment::Development).expect("loads");
        settings.environment = Environment::Production;
        settings.server.secret_key = Secret::new(DEV_SECRET_KEY);
        let err = settings.validate().expect_err("dev key refused");
        assert!(err.to_string().contains("development key"), "{err}");
        settings.server.secret_key = Secret::new("short");
        assert!(settings.validate().is_err());
        settings.server.secret_key = Secret::new("x".repeat(40));
        settings.validate().expect("a long random key is accepted");
    }

    #[test]
    fn shipped_production_file_without_secret_is_refused() {
        // production.toml blanks the key, so it must come from the environment.
        let err = shipped(Environment::Production).expect_err("no secret in production");
        assert!(err.to_string().contains("secret_key"), "{err}");
    }

    #[test]
    fn masked_output_hides_secrets() {
        let settings = shipped(Environment::Development).expect("loads");
        let shown = settings.to_masked_toml();
        assert!(!shown.contains(DEV_SECRET_KEY));
        assert!(shown.contains("********"));
        assert!(shown.contains("[publisher]"));
    }

    #[test]
    fn shipped_configs_leave_the_lease_longer_than_a_batch() {
        for environment in [Environment::Development, Environment::Test] {
            let settings = shipped(environment).expect("loads");
            let notify = &settings.notify;
            assert!(
                notify.lease_secs > notify.longest_batch_secs(settings.slowest_delivery().1),
                "{environment:?}"
            );
        }
        let default = shipped(Environment::Development).expect("loads");
        assert_eq!(default.notify.concurrency, 8);
    }

    #[test]
    fn a_negative_count_of_word_matches_is_refused_by_name() {
        let mut settings = shipped(Environment::Development).expect("loads");
        assert_eq!(settings.dashboard.counted_word_matches, 5000);
        settings.dashboard.counted_word_matches = -1;
        let err = settings.validate().expect_err("negative");
        assert!(
            err.to_string().contains("dashboard.counted_word_matches"),
            "{err}"
        );
        settings.dashboard.counted_word_matches = 0;
        settings
            .validate()
            .expect("0 turns the counts of word searches off");
    }

    #[test]
    fn a_checkpoint_interval_out_of_range_is_refused_by_name() {
        let mut settings = shipped(Environment::Development).expect("loads");
        for pages in [0, 99, 1_000_001] {
            settings.database.write_checkpoint_pages = pages;
            let err = settings.validate().expect_err("out of range");
            assert!(
                err.to_string().contains("database.write_checkpoint_pages"),
                "{pages}: {err}"
            );
        }
        settings.database.write_checkpoint_pages = 100;
        settings.validate().expect("the smallest allowed");
    }

    #[test]
    fn a_lease_shorter_than_a_batch_is_refused() {
        let mut settings = shipped(Environment::Development).expect("loads");
        settings.notify.batch_size = 50;
        settings.notify.concurrency = 8;
        settings.mail.smtp.timeout_secs = 30;
        // ceil(50 / 8) = 7 rounds of at most 30 s, plus the margin.
        let longest = 7 * 30 + LEASE_MARGIN_SECS;
        settings.notify.lease_secs = longest;
        let err = settings.validate().expect_err("a lease equal to the bound");
        let message = err.to_string();
        for key in [
            "notify.lease_secs",
            "notify.batch_size",
            "notify.concurrency",
            "mail.smtp.timeout_secs",
        ] {
            assert!(message.contains(key), "{key} named in: {message}");
        }
        assert!(message.contains(&format!("({longest})")), "{message}");
        settings.notify.lease_secs = longest + 1;
        settings.validate().expect("one second more is enough");

        // Rounds are whole: 49 messages 8 at a time are still 7 rounds, 48 are 6.
        settings.notify.batch_size = 49;
        settings.notify.lease_secs = longest;
        assert!(settings.validate().is_err());
        settings.notify.batch_size = 48;
        settings.validate().expect("6 rounds fit");

        // A slower server needs a longer lease; more concurrency a shorter one.
        settings.notify.batch_size = 50;
        settings.notify.lease_secs = longest + 1;
        settings.mail.smtp.timeout_secs = 31;
        assert!(settings.validate().is_err());
        settings.notify.concurrency = 50;
        settings.validate().expect("one round of 31 s");

        // A webhook slower than the SMTP deadline sets the bound, and is named.
        settings.notify.lease_secs = 40 + LEASE_MARGIN_SECS;
        settings.webhooks.timeout_secs = 40;
        let message = settings.validate().expect_err("a 40 s webhook").to_string();
        assert!(message.contains("webhooks.timeout_secs (40)"), "{message}");
        settings.notify.lease_secs += 1;
        settings.validate().expect("one round of 40 s fits");
        settings.webhooks.timeout_secs = 0;
        let message = settings.validate().expect_err("no time at all").to_string();
        assert!(message.contains("webhooks.timeout_secs"), "{message}");
    }

    #[test]
    fn evidence_settings_are_checked() {
        let base = shipped(Environment::Development).expect("loads");
        assert!(base.evidence.enabled);
        assert!(!base.evidence.allow_private_addresses);
        let refused = |change: &dyn Fn(&mut Settings)| {
            let mut settings = base.clone();
            change(&mut settings);
            settings.validate().expect_err("refused").to_string()
        };
        let addr: std::net::SocketAddr = "127.0.0.1:8081".parse().expect("addr");
        let e = refused(&|s| {
            s.evidence
                .pinned
                .insert("news.elsewhere.example".into(), addr);
        });
        assert!(
            e.contains("evidence.pinned") && e.contains("news.elsewhere.example"),
            "{e}"
        );
        let e = refused(&|s| s.evidence.timeout_secs = 0);
        assert!(e.contains("evidence.timeout_secs"), "{e}");
        let e = refused(&|s| s.evidence.max_bytes = 10);
        assert!(e.contains("evidence.max_bytes"), "{e}");
        // A fetch may take the whole timeout: a batch of them must fit in the lease.
        let e = refused(&|s| s.evidence.timeout_secs = s.notify.lease_secs);
        assert!(
            e.contains("evidence.timeout_secs") && e.contains("notify.lease_secs"),
            "{e}"
        );
        let mut fine = base.clone();
        fine.evidence.pinned.insert("WWW.example.com".into(), addr);
        fine.validate().expect("a pin of a publisher host");
        let test = shipped(Environment::Test).expect("the test config loads");
        assert!(!test.evidence.enabled, "only the snapshot tests turn it on");
    }

    #[test]
    fn response_targets_are_checked() {
        let base = shipped(Environment::Development).expect("loads");
        assert_eq!(base.targets.triage_minutes, 24 * 60);
        assert_eq!(base.targets.decision_minutes, 72 * 60);
        let refused = |change: &dyn Fn(&mut TargetSettings)| {
            let mut settings = base.clone();
            change(&mut settings.targets);
            settings.validate().expect_err("refused").to_string()
        };
        let e = refused(&|t| t.triage_minutes = 0);
        assert!(
            e.contains("targets.triage_minutes") && e.contains("from 1"),
            "{e}"
        );
        let e = refused(&|t| t.decision_minutes = t.triage_minutes - 1);
        assert!(e.contains("at least the triage target"), "{e}");
        let e = refused(&|t| t.decision_minutes = MAX_TARGET_MINUTES + 1);
        assert!(e.contains("decision target must be from 1"), "{e}");
        let e = refused(&|t| t.sweep_interval_secs = 0);
        assert!(e.contains("targets.sweep_interval_secs"), "{e}");
        assert!(TargetSettings::check(30, 30).is_ok());
    }

    #[test]
    fn environment_names_parse() {
        assert_eq!(
            "production".parse::<Environment>().ok(),
            Some(Environment::Production)
        );
        assert!("staging".parse::<Environment>().is_err());
    }
}
