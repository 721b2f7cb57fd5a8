//! Where a problem is, and what it carries through its lifecycle: its counts of
//! measures, its extensions and its closure checks.

use serde::{Deserialize, Serialize};

use crate::{UnitId, UserId};

/// Where a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemState {
    /// 挂号 — distributed to a lead unit, not yet claimed.
    Registered,
    /// 有异议 — the unit disputes it; the leader in charge decides.
    Disputed,
    /// 已认领 — claimed: the lead unit drafts its measures.
    Claimed,
    /// 方案已报 — the draft measures are with the leader in charge.
    PlanSubmitted,
    /// 领导审定 — signed off by the leader in charge.
    PlanSigned,
    /// 整改办汇总 — compiled by the office into the plan.
    PlanCompiled,
    /// 整改中 — the plan is approved: the baseline is frozen and work goes on.
    InProgress,
    /// 阶段性销号 — every dated measure is done; the long-term ones (长期坚持) go on
    /// under periodic review.
    LongTermReview,
    /// 销号申请 — every measure done; the request waits for the leader's signature.
    ClosureRequested,
    /// 领导已签字 — the leader in charge signed the request off; it is with the office.
    ClosureSigned,
    /// 已销号 — closure accepted.
    Closed,
    /// 已巩固 — confirmed by a look-back.
    Consolidated,
}

crate::codes! {
    ProblemState {
        Registered = "registered",
        Disputed = "disputed",
        Claimed = "claimed",
        PlanSubmitted = "plan_submitted",
        PlanSigned = "plan_signed",
        PlanCompiled = "plan_compiled",
        InProgress = "in_progress",
        LongTermReview = "long_term_review",
        ClosureRequested = "closure_requested",
        ClosureSigned = "closure_signed",
        Closed = "closed",
        Consolidated = "consolidated",
    }
}

impl ProblemState {
    /// Whether the problem is off the ledger (销号).
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Closed | Self::Consolidated)
    }

    /// Whether the lead unit is still drafting its measures (拟定措施): before it
    /// submits the plan, and again after a return.
    pub fn drafting(self) -> bool {
        matches!(self, Self::Registered | Self::Disputed | Self::Claimed)
    }

    /// Whether the plan is approved, so that deadlines are a frozen baseline.
    pub fn baseline_frozen(self) -> bool {
        matches!(
            self,
            Self::InProgress
                | Self::LongTermReview
                | Self::ClosureRequested
                | Self::ClosureSigned
                | Self::Closed
                | Self::Consolidated
        )
    }
}

/// The facts about one problem that the lifecycle decides on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub state: ProblemState,
    /// The organisation whose ledger holds it.
    pub org: UnitId,
    /// 牵头单位.
    pub lead_unit: UnitId,
    /// 责任领导 (the leader in charge), when assigned.
    pub leader: Option<UserId>,
    /// Measures in all.
    pub measures: u32,
    /// Measures not yet done.
    pub measures_open: u32,
    /// Long-term measures (长期坚持), of all the measures.
    pub long_term_measures: u32,
    /// Long-term measures not yet done, of the open ones.
    pub long_term_open: u32,
    /// Approved deadline extensions so far.
    pub extensions: u32,
    /// Whether an extension request waits for the leader's decision.
    pub extension_pending: bool,
    /// Measures running longer than the organisation's limit without milestones of
    /// their own (分阶段目标, S10).
    pub lacking_milestones: u32,
    /// What the organisation's closure rules have recorded since the latest closure
    /// request (三方验收, 满意度, 公示).
    pub checks: ClosureChecks,
}

/// 验收方 — a party to three-party acceptance (三方验收).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// 巡视巡察办 — the inspection office.
    InspectionOffice,
    /// 巡视巡察组 — the inspection group that found the problem.
    InspectionGroup,
    /// 被巡视巡察单位 — the inspected organisation.
    InspectedUnit,
}

crate::codes! {
    Party {
        InspectionOffice = "inspection_office",
        InspectionGroup = "inspection_group",
        InspectedUnit = "inspected_unit",
    }
}

/// 满意度测评 — how many of the people affected were asked and how many were satisfied
/// ("群众不认可不罢休").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Survey {
    /// People asked.
    pub surveyed: u32,
    /// Of them, satisfied.
    pub satisfied: u32,
}

impl Survey {
    /// Whether the satisfied share reaches `min_percent`, in whole numbers so that
    /// 80 of 100 meets 80%.
    pub fn meets(self, min_percent: u8) -> bool {
        u64::from(self.satisfied) * 100 >= u64::from(self.surveyed) * u64::from(min_percent)
    }
}

/// 整改结果公示 — where the public posting of the result stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Posting {
    /// Not posted yet.
    #[default]
    NotPosted,
    /// Posted; the period (公示期) is still running.
    Running,
    /// Posted and the period is over.
    Over,
}

/// What has been recorded for the organisation's closure rules since the latest closure
/// request. A return (留号) or a reopening starts them again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClosureChecks {
    /// The parties that have signed the acceptance.
    pub accepted_by: Vec<Party>,
    /// The latest satisfaction survey.
    pub survey: Option<Survey>,
    /// The public posting.
    pub posting: Posting,
}
