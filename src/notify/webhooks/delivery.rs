//! Sending one webhook: the outbox worker calls [`Webhooks::deliver`] for a row of kind
//! `webhook` and records the outcome as it does an email's (retries with backoff, dead, retry
//! button). Headers as Standard Webhooks define them; outbound HTTP through `crate::outbound`
//! (address checks after DNS resolution, https only in production, timeout, answer size cap).

use url::Url;

use super::payload;
use super::repo;
use super::secret::SecretBox;
use crate::config::{Environment, Settings};
use crate::notify::repo::OutboxRow;
use crate::outbound::{Client, OutboundError, Policy};
use crate::reports::repo as reports_repo;
use crate::storage::{Db, StorageError, now};

/// What one attempt came to, for the worker to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// A 2xx answer.
    Sent,
    /// Not wanted any more (the endpoint was removed or disabled).
    Cancelled(&'static str),
    /// Worth trying again later (408, 429, 5xx, timeouts, network errors, the database).
    Retry(String),
    /// Can never succeed as it is (any other answer, a refused address): dead, for an admin.
    Dead(String),
}

/// Why a row is cancelled, as recorded on it.
pub const ENDPOINT_REMOVED: &str = "the webhook endpoint was removed";
pub const ENDPOINT_DISABLED: &str = "the webhook endpoint is disabled";

/// The outbound client under the `[webhooks]` policy, and the key of the stored secrets.
pub struct Webhooks {
    client: Client,
    secrets: SecretBox,
}

impl Webhooks {
    pub fn from_settings(settings: &Settings) -> Result<Self, OutboundError> {
        let webhooks = &settings.webhooks;
        let client = Client::new(Policy {
            allowed_hosts: None,
            https_only: settings.environment == Environment::Production,
            allow_private_addresses: webhooks.allow_private_addresses,
            pinned: Vec::new(),
            timeout: std::time::Duration::from_secs(webhooks.timeout_secs.max(1)),
            max_body_bytes: webhooks.max_response_bytes,
            // A redirect is a failure (the specification's advice): update the endpoint instead.
            max_redirects: 0,
            user_agent: format!("disinfo-desk/{} webhooks", env!("CARGO_PKG_VERSION")),
        })?;
        Ok(Self {
            client,
            secrets: SecretBox::new(&settings.server.secret_key),
        })
    }

    /// The checks a URL gets when it is registered (no network): scheme, credentials, literal
    /// addresses. Host names are checked when each delivery connects.
    pub fn check_url(&self, url: &Url) -> Result<(), OutboundError> {
        self.client.check_url(url)
    }

    pub fn secrets(&self) -> &SecretBox {
        &self.secrets
    }

    /// POSTs the row's event to its endpoint, signed.
    pub async fn deliver(&self, db: &Db, row: &OutboxRow) -> Delivery {
        let Some(endpoint_id) = row.webhook_endpoint_id else {
            return Delivery::Dead("no endpoint recorded for this webhook".into());
        };
        let Some(stored) = row.payload.clone() else {
            return Delivery::Dead("no body recorded for this webhook".into());
        };
        let report_id = row.report_id;
        let loaded = db
            .read(move |conn| {
                let Some(endpoint) = repo::find_endpoint(conn, endpoint_id)? else {
                    return Ok::<_, StorageError>(None);
                };
                // A trusted endpoint's copy carries the report's personal data as it is now.
                let report = match report_id.filter(|_| endpoint.trusted) {
                    Some(id) => reports_repo::find_by_id(conn, id)?.map(|(report, _)| report),
                    None => None,
                };
                Ok(Some((endpoint, report)))
            })
            .await;
        let (endpoint, report) = match loaded {
            Ok(Some(found)) => found,
            Ok(None) => return Delivery::Cancelled(ENDPOINT_REMOVED),
            Err(error) => return Delivery::Retry(error.to_string()),
        };
        if !endpoint.enabled {
            return Delivery::Cancelled(ENDPOINT_DISABLED);
        }
        let body = if endpoint.trusted {
            match payload::with_personal_data(&stored, report.as_ref()) {
                Ok(body) => body,
                Err(error) => return Delivery::Dead(format!("unreadable stored body: {error}")),
            }
        } else {
            stored.into_bytes()
        };
        let secret = match self.secrets.open(&endpoint.secret) {
            Ok(secret) => secret,
            Err(error) => return Delivery::Dead(error.to_string()),
        };
        let url = match Url::parse(&endpoint.url) {
            Ok(url) => url,
            Err(error) => return Delivery::Dead(format!("the endpoint's address: {error}")),
        };
        // The same id on every attempt (receivers drop repeats); the time of this attempt.
        let message_id = webhook_id(&row.message_id);
        let timestamp = chrono::Utc::now().timestamp();
        let signature = secret.sign(&message_id, timestamp, &body);
        let headers = [
            ("webhook-id", message_id),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
            ("content-type", "application/json".to_string()),
        ];
        match self.client.post(&url, &headers, body).await {
            Ok(answer) => self.judge(db, endpoint.id, answer.status).await,
            Err(error) if error.is_permanent() => Delivery::Dead(without_address(&error, &url)),
            Err(error) => Delivery::Retry(without_address(&error, &url)),
        }
    }

    /// What an answer's status means; a 410 also disables the endpoint.
    async fn judge(&self, db: &Db, endpoint_id: i64, status: u16) -> Delivery {
        match status {
            200..=299 => Delivery::Sent,
            410 => {
                let reason = "it answered 410 Gone: it wants no more webhooks";
                let disabled = db
                    .write(move |conn| {
                        repo::disable_endpoint(conn, endpoint_id, reason, now())
                            .map_err(StorageError::from)
                    })
                    .await;
                if let Err(error) = disabled {
                    tracing::warn!(%error, endpoint_id, "could not disable a webhook endpoint that answered 410 Gone");
                } else {
                    tracing::warn!(endpoint_id, "webhook endpoint answered 410 Gone: disabled");
                }
                Delivery::Dead("the endpoint answered 410 Gone; it is disabled".into())
            }
            408 | 429 | 500..=599 => Delivery::Retry(format!("the endpoint answered {status}")),
            _ => Delivery::Dead(format!("the endpoint answered {status}")),
        }
    }
}

/// The `webhook-id` of an outbox row: its stable message token, prefixed as the specification's
/// examples do. Hex digits only, so it can hold no `.` (the signed content's separator).
pub fn webhook_id(message_token: &str) -> String {
    format!("msg_{message_token}")
}

/// An error as it is stored and logged: without the endpoint's address, whose path or query may
/// hold a token of the receiving system (the outbox page shows the address to admins anyway).
fn without_address(error: &OutboundError, url: &Url) -> String {
    error.to_string().replace(url.as_str(), "the endpoint")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_do_not_repeat_the_endpoints_address() {
        let url = Url::parse("https://hooks.example.com/services/T0/B0/s3cr3t").expect("url");
        let error = OutboundError::Network(format!(
            "error sending request for url ({url}): connection refused"
        ));
        let shown = without_address(&error, &url);
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("connection refused"), "{shown}");
    }
}
