//! The state every handler shares. It lives here, not in `startup`, so that `startup` is the
//! only module that knows every route, and no handler module imports it.

use std::sync::Arc;

use crate::articles::UrlPolicy;
use crate::config::Settings;
use crate::notify::Wakeup;
use crate::notify::webhooks::Webhooks;
use crate::reports::service::IntakeContext;
use crate::storage::Db;
use crate::web::limits::IntakeLimits;
use crate::web::metrics::Metrics;

/// What every handler may use.
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub urls: Arc<UrlPolicy>,
    pub intake: Arc<IntakeContext>,
    /// Tells the outbox worker that a commit queued mail.
    pub wakeup: Wakeup,
    /// Rate limits on public intake (per instance).
    pub limits: Arc<IntakeLimits>,
    /// What `/metrics` shows (per instance).
    pub metrics: Arc<Metrics>,
    /// Checks the addresses of webhook endpoints as they are registered, and seals their secrets.
    pub webhooks: Arc<Webhooks>,
    /// The response targets' defaults and figures.
    pub targets: Arc<crate::targets::service::Targets>,
}
