//! `seed-demo`: a development database with desks, editors and realistic reports, so a newcomer
//! sees a working desk at once and benchmarks have their data. Refused in production.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use crate::articles::repo::{self as articles_repo, NewArticle};
use crate::dashboard::{self, accounts::Role};
use crate::reports::repo::{self as reports_repo, InsertReport};
use crate::reports::{Category, ReportStatus, TrackingCode};
use crate::routing::{RouteInput, Routing};
use crate::storage::{Db, StorageError, now};

const SECTIONS: [&str; 8] = [
    "world", "politics", "science", "business", "health", "sport", "culture", "climate",
];
const LANGUAGES: [&str; 5] = ["en", "en", "en", "de", "fr"];
const BATCH: usize = 1_000;

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

const CLAIMS: [&str; 6] = [
    "The article says the unemployment rate doubled, but the statistics office reports a rise from 5.1% to 5.4%.",
    "The photo is captioned as this week's protest but it was taken in 2019 in another city.",
    "The quote attributed to the minister does not appear in the transcript of the press conference.",
    "The chart's axis starts at 90, which makes a 2% change look like a collapse.",
    "The study cited was retracted in March; the article presents it as current evidence.",
    "The headline says 'all' hospitals, the text says three out of forty.",
];

pub struct Seeded {
    pub articles: usize,
    pub reports: usize,
    /// (email, desk, password) of each editor created.
    pub editors: Vec<(String, String, String)>,
}

/// Seeds `reports` reports over about a tenth as many articles, with a few hot articles.
pub fn seed(db: &Db, routing: &Routing, reports: usize, seed: u64) -> anyhow::Result<Seeded> {
    let mut rng = Rng(seed | 1);
    let mut editors = Vec::new();
    for desk in routing.desks() {
        let email = format!("{}-editor@demo.example", desk.slug);
        let password = dashboard::accounts::generate_password()
            .map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
        match dashboard::create_user(
            db,
            routing,
            &email,
            &format!("{} editor", desk.name),
            Role::Editor,
            &password,
            std::slice::from_ref(&desk.slug),
        ) {
            Ok(_) => editors.push((email, desk.slug.clone(), password)),
            Err(dashboard::AccountError::Exists(_)) => {}
            Err(e) => return Err(e.into()),
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
        editors.push((
            "admin@demo.example".into(),
            "(admin)".into(),
            admin_password,
        ));
    }

    let article_count = (reports / 10).max(1);
    let start = now() - Duration::days(60);
    let span_secs = 60 * 24 * 3600;
    // Report times first, so that article counts and first/last times agree with the reports.
    let mut plan: Vec<(usize, NaiveDateTime)> = (0..reports)
        .map(|_| {
            // A few articles draw most reports: a rough power law.
            let r = rng.below(1_000_000) as f64 / 1_000_000.0;
            let article = ((r * r * r) * article_count as f64) as usize;
            (
                article.min(article_count - 1),
                start + Duration::seconds(rng.below(span_secs) as i64),
            )
        })
        .collect();
    plan.sort_by_key(|(_, at)| *at);
    let statuses: Vec<ReportStatus> = plan.iter().map(|_| demo_status(&mut rng)).collect();

    let urls: Vec<(String, String)> = (0..article_count)
        .map(|i| {
            let section = SECTIONS[i % SECTIONS.len()];
            (
                format!("https://www.example.com/{section}/2026/story-{i}"),
                format!("/{section}/2026/story-{i}"),
            )
        })
        .collect();
    let mut stats: HashMap<usize, (i64, i64, NaiveDateTime, NaiveDateTime)> = HashMap::new();
    for ((article, at), status) in plan.iter().zip(&statuses) {
        let entry = stats.entry(*article).or_insert((0, 0, *at, *at));
        entry.0 += 1;
        entry.1 += i64::from(status.is_open());
        entry.3 = *at;
    }
    let mut article_ids: HashMap<usize, i64> = HashMap::new();
    let used: Vec<usize> = {
        let mut v: Vec<usize> = stats.keys().copied().collect();
        v.sort_unstable();
        v
    };
    for chunk in used.chunks(BATCH) {
        let rows: Vec<NewArticle<'_>> = chunk
            .iter()
            .map(|i| {
                let (count, _open, first, last) = stats[i];
                NewArticle {
                    canonical_url: &urls[*i].0,
                    host: "www.example.com",
                    path: &urls[*i].1,
                    report_count: count,
                    // Counted from the reports by `refresh_open_all` once they are in: until then
                    // the queue must not list reports that do not exist yet.
                    open_report_count: 0,
                    first_reported_at: first,
                    last_reported_at: last,
                    oldest_open_at: None,
                    newest_open_at: None,
                }
            })
            .collect();
        let ids = db.write_blocking(|conn| {
            articles_repo::insert_many(conn, &rows).map_err(StorageError::from)
        })?;
        article_ids.extend(chunk.iter().copied().zip(ids));
    }

    let first_new_id =
        db.write_blocking(|conn| reports_repo::max_id(conn).map_err(StorageError::from))?;
    let rules = routing.current();
    for (chunk_index, chunk) in plan.chunks(BATCH).enumerate() {
        let mut owned = Vec::with_capacity(chunk.len());
        for (offset, (article, at)) in chunk.iter().enumerate() {
            let status = statuses[chunk_index * BATCH + offset];
            let category = *rng.pick(&Category::ALL[..]);
            let language = *rng.pick(&LANGUAGES);
            let (url, path) = &urls[*article];
            let desk = rules.table.route(&RouteInput {
                host: "www.example.com",
                path,
                category,
                language,
            });
            owned.push(DemoReport {
                code: TrackingCode::generate()
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .to_string(),
                article_id: article_ids[article],
                url: url.clone(),
                category,
                passage: (rng.below(3) > 0).then(|| {
                    format!(
                        "“{}”",
                        rng.pick(&CLAIMS).split('.').next().unwrap_or_default()
                    )
                }),
                explanation: format!(
                    "{} Report {}.",
                    rng.pick(&CLAIMS),
                    chunk_index * BATCH + offset
                ),
                language,
                email: (rng.below(3) == 0)
                    .then(|| format!("reader{}@demo.example", rng.below(100_000))),
                status,
                desk_id: routing.desk_id(&desk.slug),
                at: *at,
            });
        }
        let rows: Vec<InsertReport<'_>> = owned.iter().map(DemoReport::row).collect();
        db.write_blocking(|conn| {
            reports_repo::insert_many(conn, &rows).map_err(StorageError::from)
        })?;
    }
    db.write_blocking(|conn| {
        reports_repo::add_created_events_after(conn, first_new_id, "demo")
            .map_err(StorageError::from)
    })?;
    db.write_blocking(|conn| articles_repo::refresh_open_all(conn).map_err(StorageError::from))?;
    Ok(Seeded {
        articles: used.len(),
        reports,
        editors,
    })
}

fn demo_status(rng: &mut Rng) -> ReportStatus {
    match rng.below(100) {
        0..=59 => ReportStatus::New,
        60..=74 => ReportStatus::Triaged,
        75..=84 => ReportStatus::Investigating,
        85..=89 => ReportStatus::Corrected,
        90..=93 => ReportStatus::NoError,
        94..=96 => ReportStatus::Clarified,
        97..=98 => ReportStatus::Duplicate,
        _ => ReportStatus::Rejected,
    }
}

struct DemoReport {
    code: String,
    article_id: i64,
    url: String,
    category: Category,
    passage: Option<String>,
    explanation: String,
    language: &'static str,
    email: Option<String>,
    status: ReportStatus,
    desk_id: Option<i64>,
    at: NaiveDateTime,
}

impl DemoReport {
    fn row(&self) -> InsertReport<'_> {
        InsertReport {
            tracking_code: &self.code,
            article_id: self.article_id,
            submitted_url: &self.url,
            channel: "demo",
            category: self.category.as_str(),
            passage: self.passage.as_deref(),
            explanation: &self.explanation,
            evidence_urls: "[]",
            language: self.language,
            reporter_name: None,
            reporter_email: self.email.as_deref(),
            wants_outcome: self.email.is_some(),
            status: self.status.as_str(),
            client_hash: None,
            created_at: self.at,
            updated_at: self.at,
            desk_id: self.desk_id,
        }
    }
}
