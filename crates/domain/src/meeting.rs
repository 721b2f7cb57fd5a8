//! 专题民主生活会 — the democratic life meeting of an organisation's leadership (D18, D19;
//! S4–S7): before it, opinions solicited openly (征求意见) and fed back to each member
//! "原汁原味", talks (谈心谈话) and each member's self-examination (对照检查材料); at it,
//! criticism and self-criticism; after it, the problems named carried into the ledger.
//!
//! Who reads and does what is decided here ([`Actor::meeting_rights`]); storage loads
//! the facts and the pages show them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::access::{Access, Actor};
use crate::{UnitId, UserId};

/// Where a meeting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingState {
    /// 会前准备 — opinions solicited, talks held, materials written.
    Preparing,
    /// 已召开 — held: what was said is recorded; its problems wait to join the ledger.
    Held,
    /// 已纳入整改 — its problems carried into the ledger; rectified there.
    Closed,
}

crate::codes! {
    MeetingState {
        Preparing = "preparing",
        Held = "held",
        Closed = "closed",
    }
}

/// How an opinion reached the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpinionChannel {
    /// 意见箱 — the public box (online).
    Box,
    /// 来信 — a letter.
    Letter,
    /// 座谈会 — said at a forum.
    Forum,
    /// 意见邮箱 — the mailbox.
    Mailbox,
}

crate::codes! {
    OpinionChannel {
        Box = "box",
        Letter = "letter",
        Forum = "forum",
        Mailbox = "mailbox",
    }
}

/// What an opinion is about: the six sides a self-examination answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpinionCategory {
    /// 政治建设 — political loyalty and discipline.
    Political,
    /// 思想理论 — study and conviction.
    Ideological,
    /// 担当作为 — taking responsibility, getting work done.
    Work,
    /// 工作作风 — style: formalism, bureaucratism, touch with the people.
    Style,
    /// 廉洁自律 — integrity.
    Integrity,
    /// 其他.
    Other,
}

crate::codes! {
    OpinionCategory {
        Political = "political",
        Ideological = "ideological",
        Work = "work",
        Style = "style",
        Integrity = "integrity",
        Other = "other",
    }
}

/// Where an opinion is in its handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpinionState {
    /// 待梳理 — received, not yet sorted.
    New,
    /// 已反馈 — sorted and fed back to a member or to the leadership.
    Sorted,
    /// 已阅知 — the member acknowledged it.
    Acknowledged,
    /// 已合并 — the same as another opinion, merged into it.
    Merged,
}

crate::codes! {
    OpinionState {
        New = "new",
        Sorted = "sorted",
        Acknowledged = "acknowledged",
        Merged = "merged",
    }
}

impl OpinionState {
    /// Whether the opinion has reached its member or the leadership (fed back, perhaps
    /// acknowledged): a member reads only those.
    pub fn fed_back(self) -> bool {
        matches!(self, Self::Sorted | Self::Acknowledged)
    }
}

/// A self-examination's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaterialState {
    /// 起草中 — drafted and revised.
    Draft,
    /// 已定稿 — finalised.
    Final,
}

crate::codes! {
    MaterialState {
        Draft = "draft",
        Final = "final",
    }
}

/// What was said at the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemarkKind {
    /// 自我批评 — a member on themself.
    SelfCriticism,
    /// 相互批评 — one member's criticism of another.
    Criticism,
    /// 上级点评 — the upper level's representative's remarks.
    UpperRemarks,
}

crate::codes! {
    RemarkKind {
        SelfCriticism = "self_criticism",
        Criticism = "criticism",
        UpperRemarks = "upper_remarks",
    }
}

/// The longest opinion the box takes, in characters: a page of writing.
pub const MAX_OPINION_CHARS: usize = 2000;

/// The longest a box stays open: a solicitation lasts weeks, not a year.
pub const MAX_BOX_DAYS: i64 = 90;

/// Whether the public box takes opinions on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxOpen {
    /// Open.
    Open,
    /// Not yet: it opens on that day.
    NotYet(NaiveDate),
    /// Closed since the day after that one, or the meeting has been held.
    Closed(NaiveDate),
}

/// Whether a meeting in `state` with its box open from `opens` to `closes` (both
/// included) takes opinions on `today`: only before the meeting is held.
pub fn box_open(
    state: MeetingState,
    opens: NaiveDate,
    closes: NaiveDate,
    today: NaiveDate,
) -> BoxOpen {
    if state != MeetingState::Preparing || today > closes {
        BoxOpen::Closed(closes)
    } else if today < opens {
        BoxOpen::NotYet(opens)
    } else {
        BoxOpen::Open
    }
}

/// Whether what the box holds may be counted and opened (开箱) on `today`: once it has
/// closed (its last day passed, the office closed it early, or the meeting was held). A
/// box opened, or only counted, while it still takes opinions would date each one to the
/// moment it arrived — the time anonymity keeps back.
pub fn box_may_be_opened(state: MeetingState, closes: NaiveDate, today: NaiveDate) -> bool {
    state != MeetingState::Preparing || today > closes
}

/// What a person may do with one meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingRights {
    /// Read the meeting: its topic, members, what it found and how it is rectified,
    /// its report.
    pub read: bool,
    /// Run it: record opinions, sort and merge them, talks, what was said, carry its
    /// problems into the ledger (the office).
    pub manage: bool,
    /// A member of the leadership the meeting hears (班子成员).
    pub member: bool,
    /// Read every opinion, material and criticism, not only those about oneself (a talk
    /// stays its two parties' and the office's):
    /// the office always; 纪检, the Party secretary and the upper level unless the
    /// meeting is confidential; members only their own (and the leadership's, unless
    /// confidential).
    pub read_all: bool,
}

impl MeetingRights {
    /// Whether the reader sees an opinion fed back to `member` (None: the leadership);
    /// `fed_back`: sorted, so that a member sees what the office gave them, not what it
    /// is still sorting.
    pub fn sees_opinion(&self, me: UserId, member: Option<UserId>, fed_back: bool) -> bool {
        self.read_all
            || (self.member
                && fed_back
                && match member {
                    Some(m) => m == me,
                    // The leadership's concern every member, even when confidential.
                    None => true,
                })
    }

    /// Whether the reader sees what concerns `members` (a material's author, a
    /// criticism's two members; None for the leadership's, which concerns every member).
    pub fn sees_about(&self, me: UserId, members: &[Option<UserId>]) -> bool {
        self.read_all || (self.member && members.iter().any(|m| m.is_none_or(|m| m == me)))
    }
}

impl Actor {
    /// What the actor may do with a meeting of `org`; `member`: the actor is one of its
    /// members.
    ///
    /// Opinions name people and are given in trust, so they go no further than the
    /// office, the member they concern and — unless the meeting is confidential — those
    /// who read the whole ledger (纪检, the Party secretary, the upper level, who also
    /// read the report and how the problems are rectified).
    pub fn meeting_rights(&self, org: UnitId, member: bool, confidential: bool) -> MeetingRights {
        let ledger = self.ledger_access(org);
        let member = member && self.org == org;
        MeetingRights {
            read: ledger >= Access::Read || member,
            manage: ledger >= Access::Edit,
            member,
            read_all: ledger >= Access::Edit || (ledger >= Access::Read && !confidential),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;
    use crate::code::check_codes;

    fn actor(role: Role, org: i64) -> Actor {
        Actor {
            user: UserId(7),
            role,
            unit: UnitId(org),
            org: UnitId(org),
            units_in_charge: Vec::new(),
            orgs_below: if role == Role::Upper {
                vec![UnitId(3)]
            } else {
                Vec::new()
            },
        }
    }

    #[test]
    fn codes_read_back() {
        check_codes::<MeetingState>().unwrap();
        check_codes::<OpinionChannel>().unwrap();
        check_codes::<OpinionCategory>().unwrap();
        check_codes::<OpinionState>().unwrap();
        check_codes::<MaterialState>().unwrap();
        check_codes::<RemarkKind>().unwrap();
    }

    #[test]
    fn the_box_is_open_from_its_first_to_its_last_day_and_only_before_the_meeting() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        let (opens, closes) = (d(5), d(10));
        assert_eq!(
            box_open(MeetingState::Preparing, opens, closes, d(4)),
            BoxOpen::NotYet(opens)
        );
        for day in 5..=10 {
            assert_eq!(
                box_open(MeetingState::Preparing, opens, closes, d(day)),
                BoxOpen::Open
            );
        }
        assert_eq!(
            box_open(MeetingState::Preparing, opens, closes, d(11)),
            BoxOpen::Closed(closes)
        );
        for state in [MeetingState::Held, MeetingState::Closed] {
            assert_eq!(
                box_open(state, opens, closes, d(7)),
                BoxOpen::Closed(closes)
            );
        }
    }

    #[test]
    fn the_box_is_opened_and_counted_only_once_it_has_closed() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        assert!(!box_may_be_opened(MeetingState::Preparing, d(10), d(10)));
        assert!(!box_may_be_opened(MeetingState::Preparing, d(10), d(3)));
        assert!(box_may_be_opened(MeetingState::Preparing, d(10), d(11)));
        assert!(box_may_be_opened(MeetingState::Held, d(10), d(5)));
        // Closed early: its last day set to the day before.
        assert!(box_may_be_opened(MeetingState::Preparing, d(4), d(5)));
    }

    #[test]
    fn the_office_runs_its_own_meetings_and_readers_see_all_unless_confidential() {
        let org = UnitId(3);
        for confidential in [false, true] {
            let office = actor(Role::Office, 3).meeting_rights(org, false, confidential);
            assert!(office.read && office.manage && office.read_all);
            let other_office = actor(Role::Office, 4).meeting_rights(org, false, confidential);
            assert!(!other_office.read && !other_office.manage);
            for role in [Role::Supervisor, Role::Upper] {
                let r = actor(role, if role == Role::Upper { 1 } else { 3 }).meeting_rights(
                    org,
                    false,
                    confidential,
                );
                assert!(r.read && !r.manage);
                assert_eq!(r.read_all, !confidential, "{role:?}");
            }
            let unit = actor(Role::Unit, 3).meeting_rights(org, false, confidential);
            assert!(!unit.read && !unit.manage && !unit.read_all);
            for role in [
                Role::SysAdmin,
                Role::SecAdmin,
                Role::AuditAdmin,
                Role::Unassigned,
            ] {
                let r = actor(role, 3).meeting_rights(org, true, confidential);
                assert!(!r.manage && !r.read_all, "{role:?}");
            }
        }
    }

    #[test]
    fn a_member_sees_what_was_fed_back_to_them_and_the_leaderships_unless_confidential() {
        let me = UserId(7);
        let colleague = Some(UserId(8));
        for confidential in [false, true] {
            let r = actor(Role::Leader, 3).meeting_rights(UnitId(3), true, confidential);
            assert!(r.read && r.member && !r.manage && !r.read_all);
            assert!(r.sees_opinion(me, Some(me), true));
            assert!(!r.sees_opinion(me, Some(me), false), "not while sorted");
            assert!(!r.sees_opinion(me, colleague, true));
            assert!(r.sees_opinion(me, None, true), "the leadership's");
            assert!(r.sees_about(me, &[colleague, Some(me)]));
            assert!(!r.sees_about(me, &[colleague]));
            assert!(r.sees_about(me, &[None]), "the leadership's");
        }
        // A member of another organisation's meeting is no member here.
        let r = actor(Role::Leader, 4).meeting_rights(UnitId(3), true, false);
        assert!(!r.read && !r.member);
    }
}
