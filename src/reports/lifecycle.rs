//! The editorial lifecycle of a report, as pure rules (ARCHITECTURE "Report lifecycle"):
//!
//! ```text
//! new → triaged → investigating → corrected | clarified | no_error      (resolved)
//! new | triaged | investigating → duplicate | rejected                  (closed)
//! resolved | closed → reopened → triaged | investigating               (an appeal or a mistake)
//! new | triaged | investigating → spam → new | rejected                 (held by abuse rules)
//! needs_url → rejected                                                  (no article address)
//! ```
//! `needs_url → new` is not a plain move: it happens only when an editor completes the article's
//! address (`editorial::complete_address`), which groups and routes the report as intake would.
//! An open report (new, triaged, investigating) may also be resolved directly: an editor can
//! settle an obvious report on sight, and "resolve all" on an article must take its new reports too.

use super::ReportStatus::{self, *};

impl ReportStatus {
    /// The reader hears of this move (the outcome email, the status page): the moves that may
    /// carry a note to the reader.
    pub fn reaches_reader(self) -> bool {
        self.is_resolved() || self.is_closed()
    }

    /// Still waiting for an editorial decision.
    pub fn is_open(self) -> bool {
        matches!(self, New | Triaged | Investigating | Reopened)
    }

    /// An outcome the public is told of.
    pub fn is_resolved(self) -> bool {
        matches!(self, Corrected | Clarified | NoError)
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Duplicate | Rejected)
    }

    /// The statuses an editor may move a report to from this one.
    pub fn next(self) -> &'static [ReportStatus] {
        match self {
            New => &[
                Triaged,
                Investigating,
                Corrected,
                Clarified,
                NoError,
                Duplicate,
                Rejected,
                Spam,
            ],
            Triaged => &[
                Investigating,
                Corrected,
                Clarified,
                NoError,
                Duplicate,
                Rejected,
                Spam,
            ],
            Investigating => &[
                Triaged, Corrected, Clarified, NoError, Duplicate, Rejected, Spam,
            ],
            Reopened => &[Triaged, Investigating],
            // Restored to the queue as if just received, or closed for good.
            Spam => &[New, Rejected],
            // The address is completed through its own action (it must carry a URL), or closed.
            NeedsUrl => &[Rejected],
            Corrected | Clarified | NoError | Duplicate | Rejected => &[Reopened],
        }
    }

    pub fn can_become(self, to: ReportStatus) -> bool {
        self.next().contains(&to)
    }

    /// What a move to this status must carry.
    pub fn requires(self) -> Requirements {
        Requirements {
            public_note: self.is_resolved(),
            reason: self == Reopened || self == Rejected,
            correction_url: matches!(self, Corrected | Clarified),
            duplicate_of: self == Duplicate,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirements {
    /// A note to the reader: what an outcome says to them (resolved).
    pub public_note: bool,
    /// A reason, to the reader or internal (rejected, reopened).
    pub reason: bool,
    /// The URL of the correction or clarification.
    pub correction_url: bool,
    /// The earlier report this one duplicates.
    pub duplicate_of: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_documented_paths_are_allowed() {
        assert!(New.can_become(Triaged));
        assert!(Triaged.can_become(Investigating));
        assert!(Investigating.can_become(Corrected));
        assert!(Corrected.can_become(Reopened));
        assert!(Reopened.can_become(Investigating));
        assert!(New.can_become(Duplicate));
    }

    #[test]
    fn the_rest_is_refused() {
        assert!(!New.can_become(New));
        assert!(
            !New.can_become(Reopened),
            "only a decided report can be reopened"
        );
        assert!(
            !Corrected.can_become(Clarified),
            "a decision changes only through reopening"
        );
        assert!(
            !Reopened.can_become(Corrected),
            "a reopened report is reviewed again first"
        );
        assert!(!Duplicate.can_become(Triaged));
        assert!(Spam.can_become(New) && Spam.can_become(Rejected));
        assert!(!Spam.can_become(Corrected), "restored first, then reviewed");
        assert!(!Reopened.can_become(Spam));
    }

    #[test]
    fn a_report_without_an_address_is_completed_or_closed() {
        assert!(NeedsUrl.can_become(Rejected));
        assert!(
            !NeedsUrl.can_become(New),
            "only completing the address makes it new"
        );
        assert!(!NeedsUrl.can_become(Corrected) && !NeedsUrl.can_become(Triaged));
        assert!(!NeedsUrl.is_open(), "it is in no article's queue");
        assert_eq!(NeedsUrl.public(), crate::reports::PublicStatus::NeedsUrl);
    }

    #[test]
    fn requirements_follow_the_outcome() {
        assert!(Corrected.requires().correction_url && Corrected.requires().public_note);
        assert!(!NoError.requires().correction_url && NoError.requires().public_note);
        assert!(Duplicate.requires().duplicate_of);
        assert!(!Triaged.requires().public_note && !Triaged.requires().reason);
        assert!(Rejected.requires().reason && !Rejected.requires().public_note);
        assert!(Reopened.requires().reason && !Reopened.reaches_reader());
    }

    fn status() -> impl Strategy<Value = ReportStatus> {
        proptest::sample::select(ReportStatus::ALL.to_vec())
    }

    proptest! {
        /// Walking random requested moves, applying only the allowed ones: the report is always
        /// in a known state, every decided report can be reopened, and every state is reachable
        /// back to a decision (no dead ends).
        #[test]
        fn random_walks_stay_within_the_lifecycle(moves in proptest::collection::vec(status(), 1..60)) {
            let mut current = New;
            for to in moves {
                if current.can_become(to) {
                    prop_assert_ne!(current, to);
                    current = to;
                } else {
                    prop_assert!(!current.next().contains(&to));
                }
                prop_assert!(
                    current.is_open() ^ (current.is_resolved() || current.is_closed() || current == Spam || current == NeedsUrl)
                );
                if current.is_resolved() || current.is_closed() {
                    prop_assert_eq!(current.next(), &[Reopened]);
                }
                prop_assert!(reaches_decision(current));
            }
        }
    }

    fn reaches_decision(from: ReportStatus) -> bool {
        let mut seen = vec![from];
        let mut frontier = vec![from];
        while let Some(s) = frontier.pop() {
            if s.is_resolved() {
                return true;
            }
            for &n in s.next() {
                if !seen.contains(&n) {
                    seen.push(n);
                    frontier.push(n);
                }
            }
        }
        false
    }
}
