//! One id per request, on every log line of it, and the access log line itself.
//!
//! The id comes from `X-Request-Id` when a trusted proxy sends one (so a request can be followed
//! from the proxy's log into ours), and is generated otherwise; the response echoes it. The access
//! line names the matched route pattern, never the path or query string (they carry tracking
//! codes, unsubscribe tokens and editors' searches), and no client address.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use tracing::Instrument;

use crate::web::state::AppState;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");
const MAX_ID_LEN: usize = 64;

/// An id a proxy may hand us: short, and only characters that cannot forge a log line.
fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn generate() -> String {
    let mut bytes = [0u8; 12];
    // Without randomness the id still has to be there; the time is unique enough to correlate.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
        bytes[..8].copy_from_slice(&nanos.to_le_bytes());
    }
    hex::encode(bytes)
}

/// The request's id: the trusted proxy's, or a new one.
pub fn request_id(req: &ServiceRequest) -> String {
    let from_proxy = req
        .app_data::<web::Data<AppState>>()
        .zip(req.peer_addr())
        .filter(|(state, peer)| state.settings.server.trusted_proxies.contains(&peer.ip()))
        .and_then(|_| req.headers().get(&HEADER))
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|id| acceptable(id))
        .map(str::to_string);
    from_proxy.unwrap_or_else(generate)
}

/// The middleware: a span carrying the id around the whole request, the access line at its end.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request_id(&req);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let span = tracing::info_span!("request", request_id = %id);
    let method = req.method().clone();
    let route = req.match_pattern();
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let _entered = span.enter();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let route = route.as_deref().unwrap_or("(no route)");
    if let (Some(state), Ok(response)) = (&state, &result) {
        state.metrics.http_request(
            method.as_str(),
            route,
            response.status().as_u16(),
            elapsed_ms / 1000.0,
        );
    }
    match result {
        Ok(mut response) => {
            tracing::info!(
                target: "access",
                "{method} {route} {} {elapsed_ms:.1}ms",
                response.status().as_u16()
            );
            if let Ok(value) = HeaderValue::from_str(&id) {
                response.headers_mut().insert(HEADER, value);
            }
            Ok(response)
        }
        Err(error) => {
            tracing::info!(target: "access", "{method} {route} error {elapsed_ms:.1}ms");
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_from_a_proxy() {
        assert!(acceptable("f3a1-77b0.proxy_9"));
        assert!(!acceptable(""));
        assert!(!acceptable(&"a".repeat(65)));
        assert!(!acceptable("id\r\nX-Injected: 1"));
        assert!(!acceptable("id with spaces"));
        assert!(!acceptable("ünïcode"));
        let generated = generate();
        assert_eq!(generated.len(), 24);
        assert!(acceptable(&generated));
        assert_ne!(generated, generate());
    }
}
