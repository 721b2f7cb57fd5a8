//! 督办 — the escalation ladder of notices the office issues on a lagging measure:
//! 督办通知书 → 提醒书 → 告诫书 (with a final deadline) → 问责建议. Each rung once, in
//! order; each is recorded, numbered and counted, and printed as a document.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::status::Standing;
use crate::validate::{FieldError, Why};

/// A rung of the ladder.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 督办通知书.
    Supervision,
    /// 提醒书.
    Reminder,
    /// 告诫书 — with a final deadline.
    Admonition,
    /// 问责建议 — to the discipline inspection body.
    Accountability,
}

crate::codes! {
    NoticeKind {
        Supervision = "supervision",
        Reminder = "reminder",
        Admonition = "admonition",
        Accountability = "accountability",
    }
}

impl NoticeKind {
    /// The ladder, first rung first.
    /// (Its codes are declared in that order, so this is `ALL`.)
    pub const LADDER: [NoticeKind; 4] = NoticeKind::ALL;

    /// The word of its document number (督办〔2024〕3号).
    pub fn number_word(self) -> &'static str {
        match self {
            NoticeKind::Supervision => "督办",
            NoticeKind::Reminder => "督提",
            NoticeKind::Admonition => "督诫",
            NoticeKind::Accountability => "问建",
        }
    }

    /// Whether it carries a final deadline.
    pub fn needs_final_deadline(self) -> bool {
        self == NoticeKind::Admonition
    }
}

/// The rung that comes next after the notices already issued on a measure; `None`
/// once the ladder is climbed.
pub fn next(issued: &[NoticeKind]) -> Option<NoticeKind> {
    NoticeKind::LADDER.into_iter().find(|k| !issued.contains(k))
}

/// Why a notice cannot be issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misstep {
    /// Every rung is climbed (accountability already proposed).
    AllIssued,
    /// A rung before its turn.
    OutOfOrder {
        /// The rung whose turn it is.
        next: NoticeKind,
        /// The rung asked for.
        kind: NoticeKind,
    },
    /// An admonition without its final deadline.
    FinalDeadlineMissing,
    /// A final deadline not after today.
    FinalDeadlineNotAhead,
    /// A final deadline on a notice other than an admonition.
    FinalDeadlineOnlyAdmonition,
    /// A final deadline further ahead than a last chance allows.
    FinalDeadlineTooFar {
        /// The latest final deadline that may be set today.
        latest: NaiveDate,
    },
    /// A measure already done: nothing left to press for.
    MeasureDone,
    /// A measure on schedule (not due soon, not overdue, not stalled): nothing lags yet.
    NotLagging,
}

/// How far ahead a 告诫书's final deadline may lie: it is a last chance, counted in days
/// or weeks; a date years ahead (a typing slip for 2100) would quietly stop the ladder.
pub const FINAL_DEADLINE_MAX_DAYS: i64 = 366;

/// 督办 presses a measure that lags: past its deadline, due within the warning window,
/// 立行立改 not yet done, or long-term without progress for longer than its review
/// interval. A measure done, or on schedule, is refused at the notice's kind.
pub fn check_lagging(standing: Standing) -> Result<(), FieldError> {
    let refuse = |m: Misstep| Err(FieldError::because("kind", Why::Escalation(m)));
    match standing {
        Standing::DoneOnTime | Standing::DoneLate => refuse(Misstep::MeasureDone),
        Standing::NotDue | Standing::LongTerm => refuse(Misstep::NotLagging),
        Standing::Overdue { .. }
        | Standing::DueSoon { .. }
        | Standing::Immediate
        | Standing::LongTermStale { .. } => Ok(()),
    }
}

/// Checks issuing `kind` on a measure with `issued` notices, today: the next rung only,
/// with a final deadline after today exactly when the rung needs one.
pub fn check_issue(
    issued: &[NoticeKind],
    kind: NoticeKind,
    final_deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), FieldError> {
    let refuse = |field: &str, m: Misstep| Err(FieldError::because(field, Why::Escalation(m)));
    match next(issued) {
        None => return refuse("kind", Misstep::AllIssued),
        Some(n) if n != kind => return refuse("kind", Misstep::OutOfOrder { next: n, kind }),
        Some(_) => {}
    }
    match (kind.needs_final_deadline(), final_deadline) {
        (true, None) => refuse("final_deadline", Misstep::FinalDeadlineMissing),
        (true, Some(d)) if d <= today => refuse("final_deadline", Misstep::FinalDeadlineNotAhead),
        (true, Some(d)) if d > today + chrono::Duration::days(FINAL_DEADLINE_MAX_DAYS) => refuse(
            "final_deadline",
            Misstep::FinalDeadlineTooFar {
                latest: today + chrono::Duration::days(FINAL_DEADLINE_MAX_DAYS),
            },
        ),
        (false, Some(_)) => refuse("final_deadline", Misstep::FinalDeadlineOnlyAdmonition),
        _ => Ok(()),
    }
}

/// A document number: 督办〔2024〕3号.
pub fn number(kind: NoticeKind, year: i32, seq: i64) -> String {
    format!("{}〔{year}〕{seq}号", kind.number_word())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_ladder_is_climbed_one_rung_at_a_time() {
        let today = d(2024, 6, 3);
        let mut issued = Vec::new();
        for kind in NoticeKind::LADDER {
            // Every other rung is refused now.
            for other in NoticeKind::LADDER.into_iter().filter(|k| *k != kind) {
                let deadline = other.needs_final_deadline().then_some(d(2024, 6, 20));
                assert_eq!(
                    check_issue(&issued, other, deadline, today)
                        .unwrap_err()
                        .field,
                    "kind"
                );
            }
            let deadline = kind.needs_final_deadline().then_some(d(2024, 6, 20));
            assert_eq!(check_issue(&issued, kind, deadline, today), Ok(()));
            assert_eq!(next(&issued), Some(kind));
            issued.push(kind);
        }
        assert_eq!(next(&issued), None);
        assert!(check_issue(&issued, NoticeKind::Supervision, None, today).is_err());
    }

    #[test]
    fn an_admonition_states_a_final_deadline_after_today() {
        let today = d(2024, 6, 3);
        let issued = [NoticeKind::Supervision, NoticeKind::Reminder];
        let field = |deadline| {
            check_issue(&issued, NoticeKind::Admonition, deadline, today)
                .unwrap_err()
                .field
        };
        assert_eq!(field(None), "final_deadline");
        assert_eq!(field(Some(today)), "final_deadline");
        assert_eq!(
            check_issue(&issued, NoticeKind::Admonition, Some(d(2024, 6, 4)), today),
            Ok(())
        );
        assert_eq!(
            check_issue(&[], NoticeKind::Supervision, Some(d(2024, 6, 4)), today)
                .unwrap_err()
                .field,
            "final_deadline"
        );
    }

    #[test]
    fn a_final_deadline_is_a_last_chance_not_a_date_years_ahead() {
        let today = d(2024, 6, 3);
        let issued = [NoticeKind::Supervision, NoticeKind::Reminder];
        let latest = today + chrono::Duration::days(FINAL_DEADLINE_MAX_DAYS);
        assert_eq!(
            check_issue(&issued, NoticeKind::Admonition, Some(latest), today),
            Ok(())
        );
        for far in [latest + chrono::Duration::days(1), d(2100, 1, 1)] {
            assert_eq!(
                check_issue(&issued, NoticeKind::Admonition, Some(far), today),
                Err(FieldError::because(
                    "final_deadline",
                    Why::Escalation(Misstep::FinalDeadlineTooFar { latest })
                ))
            );
        }
    }

    #[test]
    fn only_a_lagging_measure_is_pressed() {
        let lagging = [
            Standing::Overdue { days: 1 },
            Standing::DueSoon { days_left: 0 },
            Standing::Immediate,
            Standing::LongTermStale {
                days_without_progress: None,
            },
        ];
        for s in lagging {
            assert_eq!(check_lagging(s), Ok(()), "{s:?}");
        }
        let why = |s| check_lagging(s).unwrap_err().why;
        assert_eq!(
            why(Standing::DoneOnTime),
            Why::Escalation(Misstep::MeasureDone)
        );
        assert_eq!(
            why(Standing::DoneLate),
            Why::Escalation(Misstep::MeasureDone)
        );
        assert_eq!(why(Standing::NotDue), Why::Escalation(Misstep::NotLagging));
        assert_eq!(
            why(Standing::LongTerm),
            Why::Escalation(Misstep::NotLagging)
        );
    }

    #[test]
    fn numbers_and_codes() {
        assert_eq!(number(NoticeKind::Supervision, 2024, 3), "督办〔2024〕3号");
        for k in NoticeKind::LADDER {
            assert_eq!(NoticeKind::from_code(k.code()), Some(k));
        }
    }
}
