//! `seed-demo`: a development database with desks, editors and realistic reports, so a newcomer
//! sees a working desk at once and benchmarks have their data. Refused in production.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use crate::articles::repo::{self as articles_repo, NewArticle};
use crate::dashboard::{self, accounts::Role};
use crate::reports::repo::{self as reports_repo, BulkReport};
use crate::reports::{Category, ReportStatus, TrackingCode};
use crate::routing::{RouteInput, Routing};
use crate::storage::{Db, StorageError, now};

pub mod texts;

const SECTIONS: [&str; 8] = [
    "world", "politics", "science", "business", "health", "sport", "culture", "climate",
];
/// Report languages, weighted: three in seven in English, the rest in the other languages of
/// [`texts`] (Chinese among them, so that word search meets text without spaces).
const LANGUAGES: [&str; 7] = ["en", "en", "en", "de", "fr", "es", "zh"];
/// Reports per transaction: few commits (each one an fsync with synchronous=FULL, and on SQLite a
/// rewrite of every index page it touched), while the rows in memory stay bounded.
const TRANSACTION_ROWS: usize = 50_000;

/// A small, fast, seeded generator: demo data is reproducible, and needs no cryptography.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const OUTCOME_NOTES: [&str; 4] = [
    "Checked against the original source.",
    "The desk reviewed the figures with the author.",
    "Confirmed with the agency that supplied the material.",
    "Compared with the transcript and the recording.",
];

pub struct Seeded {
    pub articles: usize,
    pub reports: usize,
    /// (email, desk, password) of each editor created.
    pub editors: Vec<(String, String, String)>,
}

/// One report as planned before anything is written: its article (an index into the URLs), its
/// time and its status, so that the articles' counts and times agree with the reports.
struct Planned {
    article: usize,
    at: NaiveDateTime,
    status: ReportStatus,
}

/// Seeds `reports` reports over about a tenth as many articles, with a few hot articles: most older
/// reports decided (by their desk's editor, with an event), the recent ones mostly open.
pub fn seed(db: &Db, routing: &Routing, reports: usize, seed: u64) -> anyhow::Result<Seeded> {
    let mut rng = Rng(seed | 1);
    let mut editors = Vec::new();
    // The user id of each desk's demo editor: the assignee of that desk's reports.
    let mut desk_editor: HashMap<i64, i64> = HashMap::new();
    for desk in routing.desks() {
        let email = format!("{}-editor@demo.example", desk.slug);
        let password = dashboard::accounts::generate_password()
            .map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
        let user_id = match dashboard::create_user(
            db,
            routing,
            &email,
            &format!("{} editor", desk.name),
            Role::Editor,
            &password,
            std::slice::from_ref(&desk.slug),
        ) {
            Ok(editor) => {
                editors.push((email, desk.slug.clone(), password));
                Some(editor.id)
            }
            Err(dashboard::AccountError::Exists(_)) => db
                .write_blocking(|conn| {
                    dashboard::repo::find_user_by_email(conn, &email).map_err(StorageError::from)
                })?
                .map(|user| user.id),
            Err(e) => return Err(e.into()),
        };
        if let (Some(desk_id), Some(user_id)) = (routing.desk_id(&desk.slug), user_id) {
            desk_editor.insert(desk_id, user_id);
        }
    }
    let admin_password =
        dashboard::accounts::generate_password().map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
    if dashboard::create_user(
        db,
        routing,
        "admin@demo.example",
        "Demo admin",
        Role::Admin,
        &admin_password,
        &[],
    )
    .is_ok()
    {
        editors.push(("admin@demo.example".into(), "admin".into(), admin_password));
    }

    let article_count = (reports / 10).max(1);
    let now = now();
    let start = now - Duration::days(60);
    let span_secs = 60 * 24 * 3600;
    let mut plan: Vec<Planned> = (0..reports)
        .map(|_| {
            // A few articles draw most reports: a rough power law.
            let r = rng.below(1_000_000) as f64 / 1_000_000.0;
            let article = ((r * r * r) * article_count as f64) as usize;
            Planned {
                article: article.min(article_count - 1),
                at: start + Duration::seconds(rng.below(span_secs) as i64),
                status: ReportStatus::New,
            }
        })
        .collect();
    plan.sort_by_key(|p| p.at);
    let mut reported = vec![false; article_count];
    for planned in &mut plan {
        let first_on_article = !std::mem::replace(&mut reported[planned.article], true);
        planned.status = demo_status(&mut rng, (now - planned.at).num_days(), first_on_article);
    }

    let urls: Vec<(String, String)> = (0..article_count)
        .map(|i| {
            let section = SECTIONS[i % SECTIONS.len()];
            (
                format!("https://www.example.com/{section}/2026/story-{i}"),
                format!("/{section}/2026/story-{i}"),
            )
        })
        .collect();
    // Each article's report count and first and last report time, from the plan. Its open count
    // and times are counted from the reports by `refresh_open_all` once they are in: until then the
    // queue must not list reports that do not exist yet.
    let mut stats: Vec<Option<(i64, NaiveDateTime, NaiveDateTime)>> = vec![None; article_count];
    for planned in &plan {
        let entry = stats[planned.article].get_or_insert((0, planned.at, planned.at));
        entry.0 += 1;
        entry.2 = planned.at;
    }
    let used: Vec<usize> = (0..article_count).filter(|i| stats[*i].is_some()).collect();
    let rows: Vec<NewArticle<'_>> = used
        .iter()
        .filter_map(|i| {
            let (count, first, last) = stats[*i]?;
            Some(NewArticle {
                canonical_url: &urls[*i].0,
                host: "www.example.com",
                path: &urls[*i].1,
                report_count: count,
                open_report_count: 0,
                first_reported_at: first,
                last_reported_at: last,
                oldest_open_at: None,
                newest_open_at: None,
            })
        })
        .collect();
    let ids = db.write_blocking(|conn| {
        articles_repo::insert_many(conn, &rows).map_err(StorageError::from)
    })?;
    let mut article_ids = vec![0_i64; article_count];
    for (i, id) in used.iter().zip(ids) {
        article_ids[*i] = id;
    }

    let first_new_id =
        db.write_blocking(|conn| reports_repo::max_id(conn).map_err(StorageError::from))?;
    let rules = routing.current();
    for (chunk_index, chunk) in plan.chunks(TRANSACTION_ROWS).enumerate() {
        let mut owned = Vec::with_capacity(chunk.len());
        for (offset, planned) in chunk.iter().enumerate() {
            let number = chunk_index * TRANSACTION_ROWS + offset;
            let category = *rng.pick(&Category::ALL[..]);
            let language = *rng.pick(&LANGUAGES);
            let sample = rng.pick(texts::samples(category, language));
            let (url, path) = &urls[planned.article];
            let desk = rules.table.route(&RouteInput {
                host: "www.example.com",
                path,
                category,
                language,
            });
            let desk_id = routing.desk_id(&desk.slug);
            let status = planned.status;
            let age_secs = (now - planned.at).num_seconds().max(1) as u64;
            // Decisions come within days of the report; intermediate steps within hours.
            let decided_at = (!status.is_open()).then(|| {
                planned.at + Duration::seconds(rng.below(age_secs.min(5 * 86_400)) as i64)
            });
            let updated_at = decided_at.unwrap_or_else(|| {
                if status == ReportStatus::New {
                    planned.at
                } else {
                    planned.at + Duration::seconds(rng.below(age_secs.min(86_400)) as i64)
                }
            });
            let assigned_percent = match status {
                ReportStatus::New => 5,
                s if s.is_open() => 70,
                _ => 90,
            };
            let assignee_id = desk_id
                .and_then(|d| desk_editor.get(&d).copied())
                .filter(|_| rng.below(100) < assigned_percent);
            let email =
                (rng.below(3) == 0).then(|| format!("reader{}@demo.example", rng.below(100_000)));
            owned.push(DemoReport {
                code: TrackingCode::generate()
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .to_string(),
                article_id: article_ids[planned.article],
                url: url.clone(),
                category,
                // Not every reader quotes the passage they mean.
                passage: sample.passage.filter(|_| rng.below(4) > 0),
                explanation: sample.explanation,
                language,
                email,
                status,
                desk_id,
                assignee_id,
                outcome_note: (!status.is_open()).then(|| *rng.pick(&OUTCOME_NOTES)),
                correction_url: matches!(status, ReportStatus::Corrected | ReportStatus::Clarified)
                    .then(|| format!("https://www.example.com/corrections/2026/{number}")),
                at: planned.at,
                updated_at,
                decided_at,
            });
        }
        let rows: Vec<BulkReport<'_>> = owned.iter().map(DemoReport::row).collect();
        db.write_blocking(|conn| {
            let before = reports_repo::max_id(conn)?;
            reports_repo::insert_many(conn, &rows)?;
            crate::reports::search_index::index_after(conn, before).map_err(StorageError::from)
        })?;
    }
    db.write_blocking(|conn| {
        reports_repo::add_created_events_after(conn, first_new_id, "demo")?;
        reports_repo::add_decision_events_after(conn, first_new_id, "demo")?;
        reports_repo::link_duplicates_after(conn, first_new_id)?;
        reports_repo::recount_status_counts(conn)?;
        articles_repo::refresh_open_all(conn)?;
        reports_repo::analyze_after_bulk_load(conn)?;
        crate::articles::corrections::repo::refresh_all(conn)?;
        reports_repo::optimize_search_index(conn).map_err(StorageError::from)
    })?;
    Ok(Seeded {
        articles: used.len(),
        reports,
        editors,
    })
}

/// A report's status from its age: most reports older than a few weeks are decided, most of
/// today's are open. An article's first report is never a duplicate (it has nothing to duplicate).
fn demo_status(rng: &mut Rng, age_days: i64, first_on_article: bool) -> ReportStatus {
    let open_percent = match age_days {
        0 => 90,
        1..=6 => 60,
        7..=20 => 20,
        _ => 5,
    };
    if rng.below(100) < open_percent {
        // Reports still open after a week are mostly being investigated.
        let new_percent = if age_days < 7 { 60 } else { 20 };
        let roll = rng.below(100);
        return if roll < new_percent {
            ReportStatus::New
        } else if roll < new_percent + (100 - new_percent) / 2 {
            ReportStatus::Triaged
        } else {
            ReportStatus::Investigating
        };
    }
    match rng.below(100) {
        0..=24 => ReportStatus::Corrected,
        25..=39 => ReportStatus::Clarified,
        40..=74 => ReportStatus::NoError,
        75..=84 if !first_on_article => ReportStatus::Duplicate,
        75..=84 => ReportStatus::NoError,
        _ => ReportStatus::Rejected,
    }
}

struct DemoReport {
    code: String,
    article_id: i64,
    url: String,
    category: Category,
    passage: Option<&'static str>,
    explanation: &'static str,
    language: &'static str,
    email: Option<String>,
    status: ReportStatus,
    desk_id: Option<i64>,
    assignee_id: Option<i64>,
    outcome_note: Option<&'static str>,
    correction_url: Option<String>,
    at: NaiveDateTime,
    updated_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
}

impl DemoReport {
    fn row(&self) -> BulkReport<'_> {
        BulkReport {
            tracking_code: &self.code,
            article_id: self.article_id,
            submitted_url: &self.url,
            channel: "demo",
            category: self.category.as_str(),
            passage: self.passage,
            explanation: self.explanation,
            evidence_urls: "[]",
            language: self.language,
            reporter_name: None,
            reporter_email: self.email.as_deref(),
            wants_outcome: self.email.is_some(),
            status: self.status.as_str(),
            client_hash: None,
            created_at: self.at,
            updated_at: self.updated_at,
            desk_id: self.desk_id,
            reporter_unsubscribed: false,
            assignee_id: self.assignee_id,
            outcome_note: self.outcome_note,
            correction_url: self.correction_url.as_deref(),
            decided_at: self.decided_at,
            // Every report but a new one was triaged, at its first step.
            triaged_at: (self.status != ReportStatus::New).then_some(self.updated_at),
            opened_at: self.at,
            // Invented history: no reminder is due for it.
            triage_reminder_id: Some(crate::targets::NOT_REMINDED),
            decision_reminder_id: Some(crate::targets::NOT_REMINDED),
        }
    }
}
