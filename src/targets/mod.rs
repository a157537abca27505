//! Response targets: per desk, how soon a report should be triaged (its first move out of `new`)
//! and decided (resolved or closed), counted from when it entered the queue (`opened_at`:
//! received, restored from spam, its article address completed, or reopened).
//!
//! A report has one step ahead of it at a time: triage while it is `new`, the decision while it
//! is triaged, investigated or reopened. It is overdue when that step's target has passed. The
//! defaults come from `[targets]`; admins may give a desk its own (`desks.triage_minutes`,
//! `desks.decision_minutes`, in minutes). What is overdue is read from indexed columns kept by the
//! transition service (`opened_at`, `triaged_at`, `decided_at`), never from the events.
//!
//! A periodic sweep (`service::run_sweep`) notices reports passing their target and queues their
//! desk's reminder: once per report and step, coalesced into at most one digest per desk per hour
//! (`notify::outbox::overdue_digest`); the report is marked in the same transaction.

pub mod http;
pub mod reminder;
pub mod repo;
pub mod service;

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use crate::config::TargetSettings;
use crate::i18n::Messages;
use crate::reports::ReportStatus;

/// The reminder column value meaning "no reminder is due": the report was already waiting when
/// targets were introduced (migration 000050), or is invented demo history.
pub const NOT_REMINDED: i64 = 0;

/// The step a report waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Triage,
    Decision,
}

impl Step {
    pub const ALL: [Step; 2] = [Step::Triage, Step::Decision];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Triage => "triage",
            Self::Decision => "decision",
        }
    }

    /// The step a report in `status` waits for; `None` when it waits for none (decided, held as
    /// spam, without an article address).
    pub fn of(status: ReportStatus) -> Option<Self> {
        match status {
            ReportStatus::New => Some(Self::Triage),
            ReportStatus::Triaged | ReportStatus::Investigating | ReportStatus::Reopened => {
                Some(Self::Decision)
            }
            _ => None,
        }
    }

    /// The statuses that wait for this step.
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            Self::Triage => &["new"],
            Self::Decision => &["triaged", "investigating", "reopened"],
        }
    }
}

/// One desk's targets, in minutes, and whether each is the desk's own (else the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskTargets {
    pub triage_minutes: u32,
    pub decision_minutes: u32,
    pub triage_own: bool,
    pub decision_own: bool,
}

impl DeskTargets {
    pub fn minutes(&self, step: Step) -> u32 {
        match step {
            Step::Triage => self.triage_minutes,
            Step::Decision => self.decision_minutes,
        }
    }
}

/// A desk's own targets as stored (`None`: the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OwnTargets {
    pub triage_minutes: Option<u32>,
    pub decision_minutes: Option<u32>,
}

/// Every desk's targets: the configured defaults and the desks' own.
#[derive(Debug, Clone)]
pub struct TargetTable {
    defaults: TargetSettings,
    own: HashMap<i64, OwnTargets>,
}

/// Where a report stands against its current step's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub step: Step,
    pub due: NaiveDateTime,
}

impl Standing {
    /// The target has passed.
    pub fn is_overdue(&self, now: NaiveDateTime) -> bool {
        now > self.due
    }

    /// "Triage overdue by 3 h", "Decision due in 5 h".
    pub fn describe(&self, t: &Messages, now: NaiveDateTime) -> String {
        let (id, minutes) = if self.is_overdue(now) {
            ("overdue", (now - self.due).num_minutes())
        } else {
            ("due", (self.due - now).num_minutes())
        };
        t.t_with(
            &format!("desk-target-{}-{id}", self.step.as_str()),
            &[("span", &span_words(t, minutes))],
        )
    }

    /// `overdue` or `due`: a class for the page.
    pub fn state(&self, now: NaiveDateTime) -> &'static str {
        if self.is_overdue(now) {
            "overdue"
        } else {
            "due"
        }
    }
}

/// The clock cut-offs of "overdue now" for one step: a report of a desk whose clock started
/// before its cut-off has passed that step's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepCutoffs {
    /// Desks with their own target for this step, and their cut-off.
    pub by_desk: Vec<(i64, NaiveDateTime)>,
    /// Every other desk (and reports without one).
    pub default: NaiveDateTime,
}

/// What "overdue now" means for each step, at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueCutoffs {
    pub triage: StepCutoffs,
    pub decision: StepCutoffs,
}

impl OverdueCutoffs {
    pub fn of(&self, step: Step) -> &StepCutoffs {
        match step {
            Step::Triage => &self.triage,
            Step::Decision => &self.decision,
        }
    }
}

impl TargetTable {
    pub fn new(defaults: TargetSettings, own: impl IntoIterator<Item = (i64, OwnTargets)>) -> Self {
        Self {
            defaults,
            own: own.into_iter().collect(),
        }
    }

    pub fn defaults(&self) -> &TargetSettings {
        &self.defaults
    }

    pub fn own(&self, desk_id: i64) -> OwnTargets {
        self.own.get(&desk_id).copied().unwrap_or_default()
    }

    pub fn for_desk(&self, desk_id: Option<i64>) -> DeskTargets {
        let own = desk_id.map(|id| self.own(id)).unwrap_or_default();
        DeskTargets {
            triage_minutes: own.triage_minutes.unwrap_or(self.defaults.triage_minutes),
            decision_minutes: own
                .decision_minutes
                .unwrap_or(self.defaults.decision_minutes),
            triage_own: own.triage_minutes.is_some(),
            decision_own: own.decision_minutes.is_some(),
        }
    }

    /// When the step ahead of a report is due, if one is.
    pub fn standing(
        &self,
        status: &str,
        desk_id: Option<i64>,
        opened_at: NaiveDateTime,
    ) -> Option<Standing> {
        let step = Step::of(ReportStatus::parse(status)?)?;
        Some(self.due(step, desk_id, opened_at))
    }

    pub fn due(&self, step: Step, desk_id: Option<i64>, opened_at: NaiveDateTime) -> Standing {
        let minutes = self.for_desk(desk_id).minutes(step);
        Standing {
            step,
            due: opened_at + Duration::minutes(i64::from(minutes)),
        }
    }

    /// The most pressing of several clocks (e.g. an article's reports): the earliest due.
    pub fn most_pressing(
        &self,
        clocks: impl IntoIterator<Item = (Step, Option<i64>, NaiveDateTime)>,
    ) -> Option<Standing> {
        clocks
            .into_iter()
            .map(|(step, desk, opened)| self.due(step, desk, opened))
            .min_by_key(|s| (s.due, std::cmp::Reverse(s.step)))
    }

    /// What "overdue" means at `now`.
    pub fn cutoffs(&self, now: NaiveDateTime) -> OverdueCutoffs {
        let step = |step: Step| {
            let minutes = |m: u32| now - Duration::minutes(i64::from(m));
            let mut by_desk: Vec<(i64, NaiveDateTime)> = self
                .own
                .iter()
                .filter_map(|(id, own)| {
                    let m = match step {
                        Step::Triage => own.triage_minutes,
                        Step::Decision => own.decision_minutes,
                    };
                    m.map(|m| (*id, minutes(m)))
                })
                .collect();
            by_desk.sort();
            StepCutoffs {
                by_desk,
                default: minutes(match step {
                    Step::Triage => self.defaults.triage_minutes,
                    Step::Decision => self.defaults.decision_minutes,
                }),
            }
        };
        OverdueCutoffs {
            triage: step(Step::Triage),
            decision: step(Step::Decision),
        }
    }
}

/// A span of minutes in words, as precise as an editor needs: "under a minute", "25 min",
/// "3 h 10 min", "2 d 4 h".
pub fn span_words(t: &Messages, minutes: i64) -> String {
    let minutes = minutes.max(0);
    let n = |v: i64| v.to_string();
    match minutes {
        0 => t.t("desk-span-under_minute"),
        1..=59 => t.t_with("desk-span-minutes", &[("n", &n(minutes))]),
        60..=2879 if minutes % 60 == 0 => t.t_with("desk-span-hours", &[("n", &n(minutes / 60))]),
        60..=2879 => t.t_with(
            "desk-span-hours_minutes",
            &[("h", &n(minutes / 60)), ("m", &n(minutes % 60))],
        ),
        _ if (minutes / 60) % 24 == 0 => t.t_with("desk-span-days", &[("n", &n(minutes / 1440))]),
        _ => t.t_with(
            "desk-span-days_hours",
            &[("d", &n(minutes / 1440)), ("h", &n((minutes / 60) % 24))],
        ),
    }
}

/// The median of values in ascending order, as PostgreSQL's `percentile_cont(0.5)` gives it: the
/// middle value, or the mean of the two middle ones. `None` for no values.
pub fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// A figure in seconds as shown and exported: whole seconds (the backends measure durations with
/// different precision below a millisecond).
pub fn whole_seconds(seconds: f64) -> f64 {
    seconds.round()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::messages;

    fn at(hour: u32, minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .expect("a time")
    }

    fn table() -> TargetTable {
        TargetTable::new(
            TargetSettings {
                triage_minutes: 60,
                decision_minutes: 600,
                sweep_interval_secs: 60,
                figures_cache_secs: 0,
            },
            [(
                7,
                OwnTargets {
                    triage_minutes: Some(15),
                    decision_minutes: None,
                },
            )],
        )
    }

    #[test]
    fn a_report_waits_for_one_step_at_a_time() {
        assert_eq!(Step::of(ReportStatus::New), Some(Step::Triage));
        assert_eq!(Step::of(ReportStatus::Reopened), Some(Step::Decision));
        assert_eq!(Step::of(ReportStatus::Investigating), Some(Step::Decision));
        for decided in [
            ReportStatus::Corrected,
            ReportStatus::Rejected,
            ReportStatus::Spam,
            ReportStatus::NeedsUrl,
        ] {
            assert_eq!(Step::of(decided), None, "{decided:?}");
        }
        for step in Step::ALL {
            for status in step.statuses() {
                assert_eq!(
                    ReportStatus::parse(status).and_then(Step::of),
                    Some(step),
                    "{status}"
                );
            }
        }
    }

    #[test]
    fn a_desk_has_its_own_targets_or_the_defaults() {
        let table = table();
        let own = table.for_desk(Some(7));
        assert_eq!((own.triage_minutes, own.decision_minutes), (15, 600));
        assert!(own.triage_own && !own.decision_own);
        let other = table.for_desk(Some(8));
        assert_eq!((other.triage_minutes, other.decision_minutes), (60, 600));
        assert_eq!(table.for_desk(None), other);
    }

    #[test]
    fn standing_counts_from_the_clock_and_says_how_late() {
        let table = table();
        let t = messages("en");
        let new = table.standing("new", Some(8), at(9, 0)).expect("a step");
        assert_eq!(new.due, at(10, 0));
        assert!(!new.is_overdue(at(10, 0)), "due at, not past");
        assert!(new.is_overdue(at(10, 1)));
        assert_eq!(new.describe(t, at(13, 0)), "Triage overdue by 3 h");
        assert_eq!(new.describe(t, at(9, 35)), "Triage due in 25 min");
        let review = table
            .standing("investigating", Some(7), at(9, 0))
            .expect("a step");
        assert_eq!(review.describe(t, at(14, 0)), "Decision due in 5 h");
        assert_eq!(table.standing("corrected", Some(7), at(9, 0)), None);
        assert_eq!(table.standing("nonsense", Some(7), at(9, 0)), None);
    }

    #[test]
    fn the_most_pressing_clock_is_the_earliest_due() {
        let table = table();
        let worst = table
            .most_pressing([
                (Step::Decision, Some(8), at(8, 0)), // due 18:00
                (Step::Triage, Some(7), at(9, 0)),   // due 09:15 (the desk's own 15 min)
                (Step::Triage, Some(8), at(9, 0)),   // due 10:00
            ])
            .expect("one");
        assert_eq!((worst.step, worst.due), (Step::Triage, at(9, 15)));
        assert_eq!(table.most_pressing([]), None);
    }

    #[test]
    fn cutoffs_follow_each_desk() {
        let cutoffs = table().cutoffs(at(12, 0));
        assert_eq!(cutoffs.triage.default, at(11, 0));
        assert_eq!(cutoffs.triage.by_desk, vec![(7, at(11, 45))]);
        assert_eq!(cutoffs.decision.default, at(2, 0));
        assert!(
            cutoffs.decision.by_desk.is_empty(),
            "desk 7 keeps the default"
        );
    }

    #[test]
    fn spans_read_as_an_editor_would_say_them() {
        let t = messages("en");
        let cases = [
            (0, "under a minute"),
            (25, "25 min"),
            (60, "1 h"),
            (190, "3 h 10 min"),
            (2880, "2 d"),
            (3120, "2 d 4 h"),
            (-5, "under a minute"),
        ];
        for (minutes, words) in cases {
            assert_eq!(span_words(t, minutes), words, "{minutes}");
        }
    }

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5.0]), Some(5.0));
        assert_eq!(median(&[1.0, 2.0, 10.0]), Some(2.0));
        assert_eq!(median(&[600.0, 1200.0, 1800.0, 2400.0]), Some(1500.0));
        assert_eq!(whole_seconds(1499.9996), 1500.0);
    }
}
