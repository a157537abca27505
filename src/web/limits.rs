//! Rate limits on public intake (governor's GCRA): per client, per article and for the whole desk.
//!
//! State is in memory, per instance: with several instances behind a load balancer each applies
//! the limits on its own (docs/SECURITY.md). Keyed state is bounded: idle keys are forgotten
//! first, and past `max_tracked_keys` the table is cleared rather than allowed to grow.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::RwLock;
use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::header;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::LimitsSettings;
use crate::i18n::Messages;

/// Which limit refused a request (for logs and tests; the reader sees one message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Client,
    Article,
    Global,
}

impl Limit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Article => "article",
            Self::Global => "global",
        }
    }
}

/// A refusal: which limit, and how long until a retry can pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub limit: Limit,
    pub retry_after: Duration,
}

impl Refused {
    /// Whole seconds for `Retry-After`, never 0 (a client retrying at once would be refused again).
    pub fn retry_after_secs(&self) -> u64 {
        self.retry_after.as_secs_f64().ceil().max(1.0) as u64
    }

    /// The notice above a form sent back with its input: how long to wait.
    pub fn notice(&self, t: &Messages) -> String {
        t.t_with(
            "form-rate_limited",
            &[("seconds", &self.retry_after_secs().to_string())],
        )
    }

    /// Tells the client when to try again (on a 429 page or answer).
    pub fn set_retry_after(&self, response: &mut HttpResponse) {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(self.retry_after_secs()),
        );
    }
}

struct Keyed<K: Hash + Eq + Clone> {
    quota: Quota,
    /// Replaced whole when it must be emptied (governor has no `clear`); checks share the lock.
    limiter: RwLock<DefaultKeyedRateLimiter<K>>,
    max_keys: usize,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn new(quota: Quota, max_keys: usize) -> Self {
        Self {
            quota,
            limiter: RwLock::new(RateLimiter::keyed(quota)),
            max_keys,
        }
    }

    fn check(&self, key: &K, clock: &DefaultClock) -> Result<(), Duration> {
        if self.len() >= self.max_keys {
            self.evict();
        }
        let limiter = self.limiter.read().unwrap_or_else(|p| p.into_inner());
        limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(clock.now()))
    }

    fn evict(&self) {
        let mut limiter = self.limiter.write().unwrap_or_else(|p| p.into_inner());
        // Forget the keys whose state has fully recovered: they behave as new anyway.
        limiter.retain_recent();
        limiter.shrink_to_fit();
        if limiter.len() >= self.max_keys {
            // Still full: a flood of distinct keys. Starting afresh lets them all through once,
            // which the per-article and global limits still bound; growing without end would not.
            tracing::warn!(
                keys = limiter.len(),
                "rate-limit table full; forgetting every key"
            );
            *limiter = RateLimiter::keyed(self.quota);
        }
    }

    fn len(&self) -> usize {
        self.limiter.read().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// The limits of one instance's public intake.
pub struct IntakeLimits {
    enabled: bool,
    clock: DefaultClock,
    clients: Keyed<String>,
    articles: Keyed<String>,
    global: DefaultDirectRateLimiter,
}

fn quota_per_minute(per_minute: u32, burst: u32) -> Quota {
    Quota::per_minute(non_zero(per_minute)).allow_burst(non_zero(burst))
}

fn non_zero(value: u32) -> NonZeroU32 {
    // Config validation refuses 0; the fallback keeps this total anyway.
    NonZeroU32::new(value).unwrap_or(NonZeroU32::MIN)
}

impl IntakeLimits {
    pub fn new(settings: &LimitsSettings) -> Self {
        Self {
            enabled: settings.enabled,
            clock: DefaultClock::default(),
            clients: Keyed::new(
                quota_per_minute(settings.client_per_minute, settings.client_burst),
                settings.max_tracked_keys,
            ),
            articles: Keyed::new(
                quota_per_minute(settings.article_per_minute, settings.article_burst),
                settings.max_tracked_keys,
            ),
            global: RateLimiter::direct(
                Quota::per_second(non_zero(settings.global_per_second))
                    .allow_burst(non_zero(settings.global_burst)),
            ),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Before the body is read: the desk's ceiling, then the client's own limit.
    pub fn check_client(&self, client_hash: Option<&str>) -> Result<(), Refused> {
        if !self.enabled {
            return Ok(());
        }
        self.global.check().map_err(|not_until| Refused {
            limit: Limit::Global,
            retry_after: not_until.wait_time_from(self.clock.now()),
        })?;
        if let Some(hash) = client_hash {
            self.clients
                .check(&hash.to_string(), &self.clock)
                .map_err(|retry_after| Refused {
                    limit: Limit::Client,
                    retry_after,
                })?;
        }
        Ok(())
    }

    /// Once the article is known (its canonical URL): reports on one article from everyone.
    pub fn check_article(&self, canonical_url: &str) -> Result<(), Refused> {
        if !self.enabled {
            return Ok(());
        }
        self.articles
            .check(&canonical_url.to_string(), &self.clock)
            .map_err(|retry_after| Refused {
                limit: Limit::Article,
                retry_after,
            })
    }

    /// Keys held now (clients, articles): what the bound on memory applies to.
    pub fn tracked_keys(&self) -> (usize, usize) {
        (self.clients.len(), self.articles.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LimitsSettings {
        LimitsSettings {
            enabled: true,
            client_per_minute: 1,
            client_burst: 3,
            article_per_minute: 1,
            article_burst: 5,
            global_per_second: 1000,
            global_burst: 1000,
            max_tracked_keys: 50,
            form_min_secs: 3,
            form_max_age_secs: 3600,
        }
    }

    #[test]
    fn a_client_gets_its_burst_then_waits() {
        let limits = IntakeLimits::new(&settings());
        for _ in 0..3 {
            limits.check_client(Some("a")).expect("within the burst");
        }
        let refused = limits.check_client(Some("a")).expect_err("over the burst");
        assert_eq!(refused.limit, Limit::Client);
        // One report a minute: the next one is allowed within a minute.
        assert!(
            (1..=60).contains(&refused.retry_after_secs()),
            "{refused:?}"
        );
        limits
            .check_client(Some("b"))
            .expect("another client is not slowed");
    }

    #[test]
    fn an_article_is_limited_across_clients() {
        let limits = IntakeLimits::new(&settings());
        for _ in 0..5 {
            limits
                .check_article("https://x/a")
                .expect("within the burst");
        }
        assert_eq!(
            limits.check_article("https://x/a").map_err(|r| r.limit),
            Err(Limit::Article)
        );
        limits
            .check_article("https://x/b")
            .expect("another article is not slowed");
    }

    #[test]
    fn the_global_ceiling_applies_to_everyone() {
        let limits = IntakeLimits::new(&LimitsSettings {
            global_per_second: 1,
            global_burst: 2,
            ..settings()
        });
        limits.check_client(Some("a")).expect("1");
        limits.check_client(Some("b")).expect("2");
        assert_eq!(
            limits.check_client(Some("c")).map_err(|r| r.limit),
            Err(Limit::Global)
        );
    }

    #[test]
    fn keyed_state_stays_bounded() {
        let limits = IntakeLimits::new(&settings());
        for i in 0..1000 {
            let _ = limits.check_client(Some(&format!("client-{i}")));
            let (clients, _) = limits.tracked_keys();
            assert!(clients <= 50, "{clients} keys after {i}");
        }
    }

    #[test]
    fn disabled_limits_refuse_nothing() {
        let limits = IntakeLimits::new(&LimitsSettings {
            enabled: false,
            ..settings()
        });
        for _ in 0..100 {
            limits.check_client(Some("a")).expect("off");
            limits.check_article("https://x/a").expect("off");
        }
    }
}
