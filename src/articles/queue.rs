//! The editors' queue: articles with reports to work, each with how many reports match, when the
//! newest and oldest of them came in, its desk and its main category; ordered and paginated by
//! keyset so that a deep page costs what the first one does.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::Article;
use super::repo::{self, QueueCursor, QueueKey, QueueOrder, time_to_micros};
use crate::reports::ReportStatus;
use crate::reports::repo::{self as reports_repo, AssigneeFilter, ReportFilter};
use crate::reports::search::Search;
use crate::storage::{Db, StorageError};
use crate::targets::Step;

impl QueueOrder {
    pub const ALL: [QueueOrder; 3] = [Self::Most, Self::Newest, Self::Waiting];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Most => "most",
            Self::Newest => "newest",
            Self::Waiting => "waiting",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value)
    }
}

impl QueueKey {
    /// The opaque `after` cursor of the next page's link.
    pub fn encode(self) -> String {
        format!("{}.{}", self.key, self.id)
    }

    pub fn parse(value: &str) -> Option<Self> {
        let (key, id) = value.split_once('.')?;
        Some(Self {
            key: key.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

/// One article in the queue.
#[derive(Debug, Clone)]
pub struct QueueEntry {
    pub article: Article,
    /// Its reports that match the filter (by default: its open reports).
    pub reports: i64,
    pub newest: NaiveDateTime,
    pub oldest: NaiveDateTime,
    /// The desk and the category most of those reports have.
    pub desk_id: Option<i64>,
    pub category: Option<String>,
    /// The oldest clock of those reports per step they wait for and desk: where the article
    /// stands against its response targets (`crate::targets::TargetTable::most_pressing`).
    pub clocks: Vec<(Step, Option<i64>, NaiveDateTime)>,
}

#[derive(Debug, Clone, Default)]
pub struct QueuePage {
    pub entries: Vec<QueueEntry>,
    /// Where the next page starts, if there is one.
    pub next: Option<QueueKey>,
    /// Where the previous page ends (it is read back from here), if there is one.
    pub previous: Option<QueueKey>,
    /// How many articles the whole queue has, on every page.
    pub total: i64,
}

pub fn open_statuses() -> Vec<String> {
    ReportStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str().to_string())
        .collect()
}

/// The default view (open reports, nothing else narrowed) is answered from the articles' own
/// open counts; anything narrower groups the matching reports.
fn is_open_queue(filter: &ReportFilter) -> bool {
    let mut statuses = filter.statuses.clone();
    statuses.sort();
    let mut open = open_statuses();
    open.sort();
    statuses == open
        && filter.desk_id.is_none()
        && filter.category.is_none()
        && filter.language.is_none()
        && filter.channel.is_none()
        && filter.assignee == AssigneeFilter::Anyone
        && filter.search.is_none()
        && filter.from.is_none()
        && filter.to.is_none()
        && filter.article_id.is_none()
        && filter.overdue.is_none()
}

fn sort_key(order: QueueOrder, entry: &QueueEntry) -> QueueKey {
    let key = match order {
        QueueOrder::Most => entry.reports,
        QueueOrder::Newest => time_to_micros(entry.newest),
        QueueOrder::Waiting => time_to_micros(entry.oldest),
    };
    QueueKey {
        key,
        id: entry.article.id,
    }
}

/// The value with the largest count; ties go to the smallest value, so the choice is stable.
fn most_common<K: Ord + Clone>(counts: HashMap<K, i64>) -> Option<K> {
    counts
        .into_iter()
        .max_by(|(ka, a), (kb, b)| a.cmp(b).then_with(|| kb.cmp(ka)))
        .map(|(k, _)| k)
}

/// One page of the queue, from `cursor` (the first page without one).
pub async fn queue(
    db: &Db,
    filter: ReportFilter,
    order: QueueOrder,
    cursor: Option<QueueCursor>,
    limit: i64,
) -> Result<QueuePage, StorageError> {
    db.read(move |conn| {
        let open_queue = is_open_queue(&filter);
        let total = if open_queue {
            repo::count_open_queue(conn)?
        } else {
            reports_repo::count_articles(conn, &filter)?
        };
        let mut entries: Vec<QueueEntry> = if open_queue {
            repo::open_queue(conn, order, cursor, limit + 1)?
                .into_iter()
                .map(|article| QueueEntry {
                    reports: article.open_report_count,
                    newest: article.newest_open_at.unwrap_or(article.last_reported_at),
                    oldest: article.oldest_open_at.unwrap_or(article.first_reported_at),
                    article,
                    desk_id: None,
                    category: None,
                    clocks: Vec::new(),
                })
                .collect()
        } else {
            let groups = reports_repo::group_by_article(conn, &filter, order, cursor, limit + 1)?;
            let ids: Vec<i64> = groups.iter().map(|g| g.article_id).collect();
            let mut articles: HashMap<i64, Article> = repo::find_many(conn, &ids)?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
            groups
                .into_iter()
                .filter_map(|g| {
                    Some(QueueEntry {
                        article: articles.remove(&g.article_id)?,
                        reports: g.reports,
                        newest: g.newest,
                        oldest: g.oldest,
                        desk_id: None,
                        category: None,
                        clocks: Vec::new(),
                    })
                })
                .collect()
        };
        // One row more than a page tells whether the queue goes on in the direction read.
        let more = entries.len() as i64 > limit;
        entries.truncate(limit.max(0) as usize);
        let back = matches!(cursor, Some(QueueCursor::Before(_)));
        if back {
            entries.reverse();
        }
        let ids: Vec<i64> = entries.iter().map(|e| e.article.id).collect();
        let mut desks: HashMap<i64, HashMap<Option<i64>, i64>> = HashMap::new();
        let mut categories: HashMap<i64, HashMap<String, i64>> = HashMap::new();
        let mut clocks: HashMap<i64, HashMap<(Step, Option<i64>), NaiveDateTime>> = HashMap::new();
        for (article, desk, category, status, count, opened) in
            reports_repo::desk_and_category_mix(conn, &filter, &ids)?
        {
            *desks.entry(article).or_default().entry(desk).or_default() += count;
            *categories
                .entry(article)
                .or_default()
                .entry(category)
                .or_default() += count;
            if let (Some(step), Some(opened)) =
                (ReportStatus::parse(&status).and_then(Step::of), opened)
            {
                clocks
                    .entry(article)
                    .or_default()
                    .entry((step, desk))
                    .and_modify(|oldest| *oldest = (*oldest).min(opened))
                    .or_insert(opened);
            }
        }
        for entry in &mut entries {
            let id = entry.article.id;
            entry.desk_id = desks.remove(&id).and_then(most_common).flatten();
            entry.category = categories.remove(&id).and_then(most_common);
            entry.clocks = clocks
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|((step, desk), opened)| (step, desk, opened))
                .collect();
        }
        // Forward: a next page if there was more, a previous one unless this is the first.
        // Back: a previous page if there was more, and the next one is where we came from.
        let (has_previous, has_next) = match cursor {
            None => (false, more),
            Some(QueueCursor::After(_)) => (true, more),
            Some(QueueCursor::Before(_)) => (more, true),
        };
        let next = has_next
            .then(|| entries.last().map(|e| sort_key(order, e)))
            .flatten();
        let previous = has_previous
            .then(|| entries.first().map(|e| sort_key(order, e)))
            .flatten();
        Ok(QueuePage {
            entries,
            next,
            previous,
            total,
        })
    })
    .await
}

/// The navigation's counts of the reports in each status under a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusCounts {
    /// Every status in lifecycle order, each counted exactly.
    Exact(Vec<(ReportStatus, i64)>),
    /// The filter's words are in more than the given number of reports: the counts would cost
    /// a read of every one of them on each page view, so they are not taken.
    TooManyMatches(i64),
}

/// How many reports matching `filter` (its statuses aside) are in each status, in lifecycle order.
/// The navigation shows them on every page: a filter of at most a desk (the queue's, the lists'
/// plain views) reads `report_counts`, a few rows whatever the number of reports, exact at once;
/// any other filter (category, language, words, dates, assignee, article) counts the matching
/// reports, and a word search only when its words are in at most `counted_word_matches` reports
/// (found from the word index alone, which stops counting there).
pub async fn status_counts(
    db: &Db,
    mut filter: ReportFilter,
    counted_word_matches: i64,
) -> Result<StatusCounts, StorageError> {
    filter.statuses.clear();
    filter.limit = 0;
    filter.before_id = None;
    let desk_only = ReportFilter {
        desk_id: filter.desk_id,
        ..ReportFilter::default()
    };
    let counts = db
        .read(move |conn| {
            if filter == desk_only {
                return Ok::<_, StorageError>(Some(reports_repo::counted_by_status(
                    conn,
                    filter.desk_id,
                )?));
            }
            if let Some(Search::Words(words)) = &filter.search
                && reports_repo::word_matches_up_to(
                    conn,
                    words,
                    counted_word_matches.saturating_add(1),
                )? > counted_word_matches
            {
                return Ok(None);
            }
            Ok(Some(reports_repo::status_counts(conn, &filter)?))
        })
        .await?;
    let Some(counts) = counts else {
        return Ok(StatusCounts::TooManyMatches(counted_word_matches));
    };
    let counts: HashMap<String, i64> = counts.into_iter().collect();
    Ok(StatusCounts::Exact(
        ReportStatus::ALL
            .into_iter()
            .map(|s| (s, counts.get(s.as_str()).copied().unwrap_or(0)))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let key = QueueKey {
            key: 1_764_000_000_123_456,
            id: 42,
        };
        assert_eq!(QueueKey::parse(&key.encode()), Some(key));
        assert_eq!(QueueKey::parse("-3.7"), Some(QueueKey { key: -3, id: 7 }));
        for bad in ["", "12", "a.b", "1.2.3", ".5"] {
            assert_eq!(QueueKey::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_most_common_value_wins_and_ties_are_stable() {
        let counts = HashMap::from([("b", 2), ("a", 2), ("c", 1)]);
        assert_eq!(most_common(counts), Some("a"));
        assert_eq!(most_common(HashMap::<&str, i64>::new()), None);
    }

    #[test]
    fn only_the_plain_open_view_takes_the_fast_path() {
        let open = ReportFilter {
            statuses: open_statuses(),
            ..ReportFilter::default()
        };
        assert!(is_open_queue(&open));
        let mut reordered = open.clone();
        reordered.statuses.reverse();
        assert!(is_open_queue(&reordered));
        assert!(!is_open_queue(&ReportFilter::default()));
        assert!(!is_open_queue(&ReportFilter {
            desk_id: Some(1),
            ..open.clone()
        }));
        assert!(!is_open_queue(&ReportFilter {
            search: crate::reports::search::parse("x").ok(),
            ..open
        }));
    }
}
