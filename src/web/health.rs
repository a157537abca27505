//! Liveness and readiness for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::web::state::AppState;

/// The process is up and serving HTTP.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The database answers; a load balancer should not send traffic otherwise.
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok()
            .json(json!({"status": "ready", "database": state.db.backend().as_str()})),
        Err(error) => {
            // A known outage was logged once when it began; probes come every few seconds.
            if !matches!(error, crate::storage::StorageError::Unreachable(_)) {
                tracing::warn!(%error, "readiness check failed");
            }
            // The probe is public: the cause (it names the database's host and port) stays in
            // the log.
            let reason = if error.is_unavailable() {
                "the database cannot be reached"
            } else {
                "the database answered with an error"
            };
            HttpResponse::ServiceUnavailable()
                .insert_header(("Retry-After", "5"))
                .json(json!({
                    "status": "unavailable",
                    "database": state.db.backend().as_str(),
                    "reason": reason,
                }))
        }
    }
}
