//! Response-target storage: the desks' own targets, what the sweep looks for and marks, a
//! reminder's reports, and the figures (medians over 30 days, overdue now).

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Timestamp};

use super::{OverdueCutoffs, OwnTargets, Step};
use crate::articles::Article;
use crate::reports::repo::ReportRow;
use crate::storage::DbConn;
use crate::storage::schema::{articles, desks, reports};

/// Every desk's own targets (desks without any are left out).
pub fn own_targets(conn: &mut DbConn) -> QueryResult<Vec<(i64, OwnTargets)>> {
    let rows: Vec<(i64, Option<i32>, Option<i32>)> = desks::table
        .filter(
            desks::triage_minutes
                .is_not_null()
                .or(desks::decision_minutes.is_not_null()),
        )
        .select((desks::id, desks::triage_minutes, desks::decision_minutes))
        .load(conn)?;
    let minutes = |m: Option<i32>| m.and_then(|m| u32::try_from(m).ok()).filter(|m| *m > 0);
    Ok(rows
        .into_iter()
        .map(|(id, triage, decision)| {
            (
                id,
                OwnTargets {
                    triage_minutes: minutes(triage),
                    decision_minutes: minutes(decision),
                },
            )
        })
        .collect())
}

/// Sets a desk's own targets (`None`: back to the default); false when there is no such desk.
pub fn set_own_targets(conn: &mut DbConn, desk_id: i64, own: OwnTargets) -> QueryResult<bool> {
    let as_column = |m: Option<u32>| m.and_then(|m| i32::try_from(m).ok());
    diesel::update(desks::table.find(desk_id))
        .set((
            desks::triage_minutes.eq(as_column(own.triage_minutes)),
            desks::decision_minutes.eq(as_column(own.decision_minutes)),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Takes the desk row's lock until the transaction ends (PostgreSQL; SQLite has one writer at a
/// time already): sweeps of one desk by several instances take turns, so the second sees what
/// the first marked and joins the digest it queued.
pub fn lock_desk(conn: &mut DbConn, desk_id: i64) -> QueryResult<()> {
    match conn {
        DbConn::Postgres(c) => desks::table
            .find(desk_id)
            .select(desks::id)
            .for_update()
            .first::<i64>(c)
            .optional()
            .map(|_| ()),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// The predicate of a step's "not reminded yet" partial index, written as the index says it (a
/// literal, so that SQLite can match it against the index's WHERE).
fn unreminded(step: Step) -> &'static str {
    match step {
        Step::Triage => "reports.status = 'new' AND reports.triage_reminder_id IS NULL",
        Step::Decision => {
            "reports.status IN ('triaged', 'investigating', 'reopened') \
             AND reports.decision_reminder_id IS NULL"
        }
    }
}

/// A desk's reports waiting for `step` whose clock started before `cutoff` (so past its target)
/// and whose reminder has not gone out: the oldest first, at most `limit`.
pub fn due_for_reminder(
    conn: &mut DbConn,
    step: Step,
    desk_id: i64,
    cutoff: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    reports::table
        .filter(sql::<Bool>(unreminded(step)))
        .filter(reports::desk_id.eq(desk_id))
        .filter(reports::opened_at.lt(cutoff))
        .order(reports::opened_at.asc())
        .limit(limit)
        .select(reports::id)
        .load(conn)
}

/// Marks reports as reminded of `step` by the digest `digest_id`, only those still waiting for
/// that step and not reminded yet (a conditional UPDATE: whoever marks a report first owns its
/// reminder). Returns the ids marked.
pub fn mark_reminded(
    conn: &mut DbConn,
    step: Step,
    ids: &[i64],
    digest_id: i64,
) -> QueryResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let target = reports::table
        .filter(reports::id.eq_any(ids))
        .filter(reports::status.eq_any(step.statuses()));
    match step {
        Step::Triage => diesel::update(target.filter(reports::triage_reminder_id.is_null()))
            .set(reports::triage_reminder_id.eq(digest_id))
            .returning(reports::id)
            .get_results(conn),
        Step::Decision => diesel::update(target.filter(reports::decision_reminder_id.is_null()))
            .set(reports::decision_reminder_id.eq(digest_id))
            .returning(reports::id)
            .get_results(conn),
    }
}

/// The reports a reminder digest told of for `step`, with their articles, oldest clock first.
pub fn reminded_in(
    conn: &mut DbConn,
    step: Step,
    digest_id: i64,
    limit: i64,
) -> QueryResult<Vec<(ReportRow, Article)>> {
    let query = reports::table
        .inner_join(articles::table)
        .order((reports::opened_at.asc(), reports::id.asc()))
        .limit(limit)
        .select((ReportRow::as_select(), Article::as_select()))
        .into_boxed();
    match step {
        Step::Triage => query.filter(reports::triage_reminder_id.eq(digest_id)),
        Step::Decision => query.filter(reports::decision_reminder_id.eq(digest_id)),
    }
    .load(conn)
}

fn literal(at: NaiveDateTime) -> String {
    // Our own clock's value, never input: safe to write into the statement.
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// "Past the target of the step it waits for, now" as SQL over `reports`: for each step, its
/// statuses and, per desk, the clock's cut-off. Desk ids and times are ours, never input.
pub fn overdue_sql(cutoffs: &OverdueCutoffs) -> String {
    let step = |step: Step| {
        let c = cutoffs.of(step);
        let statuses: Vec<String> = step.statuses().iter().map(|s| format!("'{s}'")).collect();
        let mut parts: Vec<String> = c
            .by_desk
            .iter()
            .map(|(desk, at)| {
                format!(
                    "(reports.desk_id = {desk} AND reports.opened_at < {})",
                    literal(*at)
                )
            })
            .collect();
        if c.by_desk.is_empty() {
            parts.push(format!("reports.opened_at < {}", literal(c.default)));
        } else {
            let own: Vec<String> = c.by_desk.iter().map(|(d, _)| d.to_string()).collect();
            parts.push(format!(
                "((reports.desk_id IS NULL OR reports.desk_id NOT IN ({})) AND reports.opened_at < {})",
                own.join(", "),
                literal(c.default)
            ));
        }
        format!(
            "(reports.status IN ({}) AND ({}))",
            statuses.join(", "),
            parts.join(" OR ")
        )
    };
    format!("({} OR {})", step(Step::Triage), step(Step::Decision))
}

/// How many of each desk's reports are past the target of the step they wait for, now: per step
/// and desk, a range of clocks in the `(status, desk_id, opened_at)` index for each of the
/// step's statuses, counted from the index alone.
pub fn overdue_counts(
    conn: &mut DbConn,
    cutoffs: &OverdueCutoffs,
    desk_ids: &[i64],
) -> QueryResult<Vec<(i64, Step, i64)>> {
    let mut out = Vec::new();
    for step in Step::ALL {
        let c = cutoffs.of(step);
        for desk in desk_ids {
            let cutoff = c
                .by_desk
                .iter()
                .find(|(id, _)| id == desk)
                .map_or(c.default, |(_, at)| *at);
            let mut total = 0;
            for status in step.statuses() {
                let n: i64 = reports::table
                    .filter(reports::status.eq(*status))
                    .filter(reports::desk_id.eq(*desk))
                    .filter(reports::opened_at.lt(cutoff))
                    .count()
                    .get_result(conn)?;
                total += n;
            }
            out.push((*desk, step, total));
        }
    }
    Ok(out)
}

/// A desk's median duration of a step and how many reports it is taken over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianRow {
    pub desk_id: Option<i64>,
    pub reports: i64,
    pub seconds: f64,
}

#[derive(QueryableByName)]
struct PgMedian {
    #[diesel(sql_type = Nullable<BigInt>)]
    desk_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    reports: i64,
    #[diesel(sql_type = Double)]
    seconds: f64,
}

#[derive(QueryableByName)]
struct SqliteDuration {
    #[diesel(sql_type = Nullable<BigInt>)]
    desk_id: Option<i64>,
    #[diesel(sql_type = Double)]
    seconds: f64,
}

/// Per desk, the median time of `step` over the reports that completed it since `since`: time to
/// triage from receipt to the first move out of `new` (`triaged_at - created_at`), time to
/// decision from entering the queue to the decision (`decided_at - opened_at`). PostgreSQL takes
/// the median itself (`percentile_cont`); SQLite has none, so its durations come in order and
/// the middle is taken here, the same way ([`super::median`]).
pub fn medians(conn: &mut DbConn, step: Step, since: NaiveDateTime) -> QueryResult<Vec<MedianRow>> {
    let (end, start) = match step {
        Step::Triage => ("triaged_at", "created_at"),
        Step::Decision => ("decided_at", "opened_at"),
    };
    match conn {
        DbConn::Postgres(c) => {
            let rows: Vec<PgMedian> = diesel::sql_query(format!(
                "SELECT desk_id, COUNT(*) AS reports, \
                        percentile_cont(0.5) WITHIN GROUP \
                            (ORDER BY CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION)) \
                            AS seconds \
                 FROM reports WHERE {end} >= $1 GROUP BY desk_id"
            ))
            .bind::<Timestamp, _>(since)
            .load(c)?;
            Ok(rows
                .into_iter()
                .map(|r| MedianRow {
                    desk_id: r.desk_id,
                    reports: r.reports,
                    seconds: r.seconds,
                })
                .collect())
        }
        DbConn::Sqlite(c) => {
            let rows: Vec<SqliteDuration> = diesel::sql_query(format!(
                "SELECT desk_id, (julianday({end}) - julianday({start})) * 86400.0 AS seconds \
                 FROM reports WHERE {end} >= $1 ORDER BY desk_id, seconds"
            ))
            .bind::<Timestamp, _>(since)
            .load(c)?;
            let mut out = Vec::new();
            let mut durations: Vec<f64> = Vec::new();
            let mut rows = rows.into_iter().peekable();
            while let Some(row) = rows.next() {
                durations.push(row.seconds);
                if rows.peek().is_none_or(|next| next.desk_id != row.desk_id) {
                    if let Some(seconds) = super::median(&durations) {
                        out.push(MedianRow {
                            desk_id: row.desk_id,
                            reports: durations.len() as i64,
                            seconds,
                        });
                    }
                    durations.clear();
                }
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::StepCutoffs;

    fn at(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_micro_opt(10, minute, 0, 250))
            .expect("a time")
    }

    #[test]
    fn overdue_is_each_steps_statuses_past_each_desks_cutoff() {
        let plain = OverdueCutoffs {
            triage: StepCutoffs {
                by_desk: vec![],
                default: at(1),
            },
            decision: StepCutoffs {
                by_desk: vec![],
                default: at(2),
            },
        };
        assert_eq!(
            overdue_sql(&plain),
            "((reports.status IN ('new') AND (reports.opened_at < '2026-12-01 10:01:00.000250')) \
             OR (reports.status IN ('triaged', 'investigating', 'reopened') \
             AND (reports.opened_at < '2026-12-01 10:02:00.000250')))"
        );
        let own = OverdueCutoffs {
            triage: StepCutoffs {
                by_desk: vec![(3, at(5)), (9, at(6))],
                default: at(1),
            },
            decision: plain.decision.clone(),
        };
        let text = overdue_sql(&own);
        assert!(
            text.contains(
                "(reports.desk_id = 3 AND reports.opened_at < '2026-12-01 10:05:00.000250') OR \
                 (reports.desk_id = 9 AND reports.opened_at < '2026-12-01 10:06:00.000250') OR \
                 ((reports.desk_id IS NULL OR reports.desk_id NOT IN (3, 9)) \
                 AND reports.opened_at < '2026-12-01 10:01:00.000250')"
            ),
            "{text}"
        );
    }
}
