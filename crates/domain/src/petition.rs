//! 信访件 — petitions handed over with an inspection's feedback (D20, S1: "落实了巡察反馈
//! 意见及信访件移交手续"), each tracked to a result: received, handled by a unit by its
//! deadline, concluded (办结) with what came of it — or returned by the office to be
//! handled again (退回重办) when the result does not answer the petition.
//!
//! Who does what is decided here ([`Actor::petition_access`]); the storage layer loads
//! the facts and the pages only show it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::access::{Access, Actor};
use crate::{Role, UnitId};

/// Where a petition is in its handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PetitionState {
    /// 办理中 — with its handling unit (承办单位).
    Handling,
    /// 已办结 — concluded with its result.
    Concluded,
}

crate::codes! {
    PetitionState {
        Handling = "handling",
        Concluded = "concluded",
    }
}

/// Where a petition stands on a day: its state, and for one in handling whether its
/// deadline (办理时限) has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "standing")]
pub enum PetitionStanding {
    /// 已办结; `late` when concluded after its deadline (逾期办结).
    Concluded {
        /// Concluded after its deadline.
        late: bool,
    },
    /// 办理中, within its deadline.
    Handling {
        /// Days left until the deadline (0 on its last day).
        days_left: i64,
    },
    /// 逾期未办结 — in handling past its deadline.
    Overdue {
        /// Days past the deadline.
        days: i64,
    },
}

impl PetitionStanding {
    /// The standing of a petition in `state` with `deadline` (its last day), concluded on
    /// `concluded_on` if it is, on `day`.
    pub fn of(
        state: PetitionState,
        deadline: NaiveDate,
        concluded_on: Option<NaiveDate>,
        day: NaiveDate,
    ) -> Self {
        if state == PetitionState::Concluded {
            return Self::Concluded {
                late: concluded_on.is_some_and(|d| d > deadline),
            };
        }
        let left = (deadline - day).num_days();
        if left < 0 {
            Self::Overdue { days: -left }
        } else {
            Self::Handling { days_left: left }
        }
    }

    /// A short code for styling and the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Concluded { late: false } => "concluded",
            Self::Concluded { late: true } => "concluded_late",
            Self::Handling { .. } => "handling",
            Self::Overdue { .. } => "overdue",
        }
    }
}

/// The days a petition is given when the office sets no deadline of its own: a 信访事项
/// is concluded within sixty days of being accepted (《信访工作条例》).
pub const DEFAULT_DAYS: i64 = 60;

/// The deadline of a petition received on `received_on` when none is given.
pub fn default_deadline(received_on: NaiveDate) -> NaiveDate {
    received_on + chrono::Duration::days(DEFAULT_DAYS)
}

/// The latest deadline a petition may be given: a year after it was received. Sixty
/// days, extended by thirty where the case is complex, is the rule; a deadline years
/// away would keep a petition out of the overdue count for good.
pub fn latest_deadline(received_on: NaiveDate) -> NaiveDate {
    received_on + chrono::Duration::days(365)
}

/// What a person may do with one petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PetitionRights {
    /// Read it (its summary, result and trail).
    pub read: bool,
    /// Record its result (办结): its handling unit, or the office.
    pub conclude: bool,
    /// Change its words, handling unit or deadline, and return a result (退回重办): the
    /// office.
    pub manage: bool,
}

impl Actor {
    /// What the actor may do with a petition of `org` handled by `handling_unit`.
    ///
    /// A petition names people and what they reported, so it reaches no one beyond
    /// those who handle it and those who read the whole ledger: the office, 纪检, the
    /// Party secretary and the upper level read all of an organisation's; a unit reads
    /// and concludes those it handles; a leader reads those of the units in charge.
    pub fn petition_rights(&self, org: UnitId, handling_unit: UnitId) -> PetitionRights {
        let ledger = self.ledger_access(org);
        let manage = ledger >= Access::Edit;
        let handles = self.role == Role::Unit && self.org == org && self.unit == handling_unit;
        let in_charge = self.role == Role::Leader
            && self.org == org
            && self.units_in_charge.contains(&handling_unit);
        PetitionRights {
            read: ledger >= Access::Read || handles || in_charge,
            conclude: manage || handles,
            manage,
        }
    }
}

/// One petition in the figures (D15): as it stood on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PetitionFact {
    /// Its inspection.
    pub inspection: crate::InspectionId,
    /// Its state.
    pub state: PetitionState,
    /// Its deadline.
    pub deadline: NaiveDate,
    /// The day it was concluded, if it was.
    pub concluded_on: Option<NaiveDate>,
}

/// 信访件 in the figures: received, concluded, in handling, and of those in handling
/// the ones past their deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Petitions {
    /// 移交信访件 — petitions received.
    pub petitions: u64,
    /// 已办结 (the late ones included).
    pub petitions_concluded: u64,
    /// 逾期办结 — concluded after the deadline.
    pub petitions_concluded_late: u64,
    /// 办理中 (the overdue ones included).
    pub petitions_handling: u64,
    /// 逾期未办结.
    pub petitions_overdue: u64,
}

impl Petitions {
    /// Counts one petition by its standing.
    pub fn add(&mut self, standing: PetitionStanding) {
        self.petitions += 1;
        match standing {
            PetitionStanding::Concluded { late } => {
                self.petitions_concluded += 1;
                if late {
                    self.petitions_concluded_late += 1;
                }
            }
            PetitionStanding::Handling { .. } => self.petitions_handling += 1,
            PetitionStanding::Overdue { .. } => {
                self.petitions_handling += 1;
                self.petitions_overdue += 1;
            }
        }
    }
}

impl std::ops::AddAssign<&Petitions> for Petitions {
    fn add_assign(&mut self, o: &Petitions) {
        self.petitions += o.petitions;
        self.petitions_concluded += o.petitions_concluded;
        self.petitions_concluded_late += o.petitions_concluded_late;
        self.petitions_handling += o.petitions_handling;
        self.petitions_overdue += o.petitions_overdue;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserId;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn standing_turns_overdue_the_day_after_the_deadline() {
        let deadline = d(2026, 3, 31);
        let h = PetitionState::Handling;
        assert_eq!(
            PetitionStanding::of(h, deadline, None, d(2026, 3, 1)),
            PetitionStanding::Handling { days_left: 30 }
        );
        assert_eq!(
            PetitionStanding::of(h, deadline, None, deadline),
            PetitionStanding::Handling { days_left: 0 }
        );
        assert_eq!(
            PetitionStanding::of(h, deadline, None, d(2026, 4, 1)),
            PetitionStanding::Overdue { days: 1 }
        );
        let c = PetitionState::Concluded;
        for day in [d(2026, 1, 1), deadline, d(2027, 1, 1)] {
            assert_eq!(
                PetitionStanding::of(c, deadline, Some(deadline), day),
                PetitionStanding::Concluded { late: false }
            );
            // Concluded the day after its deadline: late, whatever the day of the figures.
            assert_eq!(
                PetitionStanding::of(c, deadline, Some(d(2026, 4, 1)), day),
                PetitionStanding::Concluded { late: true }
            );
        }
    }

    #[test]
    fn counts_add_up_to_the_total() {
        let mut p = Petitions::default();
        for s in [
            PetitionStanding::Concluded { late: false },
            PetitionStanding::Concluded { late: true },
            PetitionStanding::Handling { days_left: 3 },
            PetitionStanding::Overdue { days: 2 },
            PetitionStanding::Overdue { days: 9 },
        ] {
            p.add(s);
        }
        assert_eq!(
            p,
            Petitions {
                petitions: 5,
                petitions_concluded: 2,
                petitions_concluded_late: 1,
                petitions_handling: 3,
                petitions_overdue: 2,
            }
        );
        assert_eq!(p.petitions, p.petitions_concluded + p.petitions_handling);
        let mut twice = p;
        twice += &p;
        assert_eq!(twice.petitions, 10);
        assert_eq!(twice.petitions_concluded_late, 2);
        assert_eq!(twice.petitions_overdue, 4);
    }

    #[test]
    fn the_default_deadline_is_sixty_days_and_the_latest_a_year() {
        assert_eq!(default_deadline(d(2026, 1, 1)), d(2026, 3, 2));
        assert_eq!(latest_deadline(d(2026, 1, 1)), d(2027, 1, 1));
    }

    fn actor(role: Role, unit: i64, in_charge: &[i64], below: &[i64]) -> Actor {
        Actor {
            user: UserId(1),
            role,
            unit: UnitId(unit),
            org: UnitId(1),
            units_in_charge: in_charge.iter().map(|u| UnitId(*u)).collect(),
            orgs_below: below.iter().map(|u| UnitId(*u)).collect(),
        }
    }

    /// Every role against a petition of organisation 1 handled by unit 2, and one of
    /// another organisation: who reads, who concludes, who manages.
    #[test]
    fn rights_by_role() {
        let (org, handler) = (UnitId(1), UnitId(2));
        let rights = |a: &Actor| {
            let r = a.petition_rights(org, handler);
            (r.read, r.conclude, r.manage)
        };
        assert_eq!(
            rights(&actor(Role::Office, 1, &[], &[])),
            (true, true, true)
        );
        assert_eq!(
            rights(&actor(Role::Supervisor, 1, &[], &[])),
            (true, false, false)
        );
        // The Party secretary leads the organisation itself.
        assert_eq!(
            rights(&actor(Role::Leader, 1, &[1], &[])),
            (true, false, false)
        );
        assert_eq!(
            rights(&actor(Role::Leader, 1, &[2], &[])),
            (true, false, false)
        );
        assert_eq!(
            rights(&actor(Role::Leader, 1, &[3], &[])),
            (false, false, false)
        );
        assert_eq!(rights(&actor(Role::Unit, 2, &[], &[])), (true, true, false));
        assert_eq!(
            rights(&actor(Role::Unit, 3, &[], &[])),
            (false, false, false)
        );
        let mut upper = actor(Role::Upper, 9, &[], &[1]);
        upper.org = UnitId(9);
        assert_eq!(rights(&upper), (true, false, false));
        upper.orgs_below.clear();
        assert_eq!(rights(&upper), (false, false, false));
        // The same roles of another organisation reach nothing.
        for role in [Role::Office, Role::Supervisor, Role::Unit, Role::Leader] {
            let mut other = actor(role, 2, &[2], &[]);
            other.org = UnitId(5);
            assert_eq!(rights(&other), (false, false, false), "{role:?}");
        }
        for role in [
            Role::SysAdmin,
            Role::SecAdmin,
            Role::AuditAdmin,
            Role::Unassigned,
        ] {
            assert_eq!(rights(&actor(role, 2, &[], &[])), (false, false, false));
        }
    }
}
