//! Articles: the canonical URL every report is tied to, so that all reports on one article group
//! together, and the per-article counts.

pub mod canonical;
pub mod queue;
pub mod repo;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::config::PublisherSettings;
use crate::storage::schema::articles;

pub use canonical::{CanonicalUrl, HostCheck, UrlError, UrlPolicy};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = articles)]
pub struct Article {
    pub id: i64,
    pub canonical_url: String,
    pub host: String,
    pub path: String,
    pub report_count: i64,
    pub open_report_count: i64,
    pub first_reported_at: NaiveDateTime,
    pub last_reported_at: NaiveDateTime,
    /// When the oldest / newest of its open reports arrived; `None` while it has none open.
    pub oldest_open_at: Option<NaiveDateTime>,
    pub newest_open_at: Option<NaiveDateTime>,
}

impl Article {
    /// The shared row of reports that arrived without an article address (`needs_url`).
    pub fn is_awaiting_address(&self) -> bool {
        self.canonical_url == repo::AWAITING_ADDRESS_URL
    }
}

impl UrlPolicy {
    pub fn from_settings(publisher: &PublisherSettings) -> Self {
        let aliases: Vec<(String, String)> = publisher
            .host_aliases
            .iter()
            .map(|(alias, target)| (alias.clone(), target.clone()))
            .collect();
        UrlPolicy::new(
            &publisher.hosts,
            &aliases,
            &publisher.amp_path_suffixes,
            &publisher.amp_path_prefixes,
            &publisher.amp_query_params,
        )
    }
}
