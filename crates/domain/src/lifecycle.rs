//! The life of a problem, from 挂号 to 销号 and back (DOMAIN "the lifecycle"; D3, D5,
//! D11, D12): states, the actions that move between them, who may take each, what each
//! must carry, and the one record each leaves. Pure: storage applies the outcome.
//!
//! ```text
//! registered ─claim─► claimed ─submit─► plan submitted ─sign─► plan signed ─compile─► plan compiled ─approve─► in progress
//!     │  ▲                ▲                 │ return              │ return               │ return               │
//!     dispute │ assign    └─────────────────┴─────────────────────┴──────────────────────┘                      │
//!     ▼  │                                                                                                     ▼
//!   disputed                                in progress ◄─return (留号)── closure requested ◄─request── (all measures done)
//!                                                ▲                             │ accept
//!                                                └──── reopen (回炉) ──── closed (销号) ─confirm─► consolidated (巩固)
//! ```
//! Overdue and on-schedule are derived elsewhere (`status`), never stored here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::{Role, UnitId, UserId};

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

/// What someone does to a problem, with what the action must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// 认领 — the lead unit takes the problem.
    Claim,
    /// 提出异议 — the unit says it is not theirs, and why.
    Dispute {
        /// Why.
        reason: String,
    },
    /// 领导裁定 — the leader in charge decides who leads.
    Assign {
        /// The unit that will lead.
        unit: UnitId,
        /// Why.
        reason: String,
    },
    /// 拟定措施 — the lead unit adds a measure to its draft (or the office, any time
    /// before approval).
    AddMeasure,
    /// 报送方案 — the lead unit submits its measures.
    SubmitPlan,
    /// 审定签字 — the leader in charge signs them off.
    SignPlan,
    /// 汇总 — the office compiles them into the plan.
    CompilePlan,
    /// 党委审批 — the Party committee approved the plan at a meeting (recorded by the office).
    ApprovePlan {
        /// The meeting.
        meeting: String,
        /// Its date.
        on: NaiveDate,
    },
    /// 退回 — the draft goes back to the lead unit, with the reason.
    ReturnPlan {
        /// Why.
        reason: String,
    },
    /// A long-term measure (长期坚持) joins the draft.
    AddLongTermMeasure,
    /// A measure is done, with its evidence.
    MeasureDone,
    /// A long-term measure is done for good.
    LongTermMeasureDone,
    /// 阶段性销号 — every dated measure done, the office closes the phase; the
    /// long-term measures stay under periodic review.
    ClosePhase {
        /// The phase summary (阶段性总结).
        summary: String,
    },
    /// 延期申请 — the lead unit asks for a later deadline, with the date and the reason.
    RequestExtension {
        /// The proposed date.
        to: NaiveDate,
        /// Why.
        reason: String,
    },
    /// 批准延期 — the leader in charge approves the pending request.
    Extend {
        /// The new date (the request's).
        to: NaiveDate,
        /// The leader's comment.
        reason: String,
    },
    /// 不予延期 — the leader in charge refuses the pending request, saying why.
    RefuseExtension {
        /// Why.
        reason: String,
    },
    /// 销号申请 — every measure done: the special report, signed off by the leader.
    RequestClosure {
        /// The special report (专项报告), by its title or number.
        report: String,
        /// Evidence files sent with the request (整改成果): at least one.
        evidence: u32,
    },
    /// 三方验收 — one party signs the acceptance (where the organisation requires it).
    RecordAcceptance {
        /// The party.
        party: Party,
        /// Who signed for it.
        signer: String,
    },
    /// 满意度测评 — the people affected were asked (where the organisation requires it).
    RecordSurvey {
        /// The result.
        survey: Survey,
        /// How they were asked (问卷、座谈、走访 …).
        method: String,
    },
    /// 整改结果公示 — the result is posted publicly (where the organisation requires it).
    PostResult {
        /// Where it is posted (公示栏、内网 …).
        place: String,
    },
    /// 领导签字 — the leader in charge signs the closure request off (D11).
    SignClosure,
    /// 销号 — the office accepts the closure.
    AcceptClosure,
    /// 留号 — the office returns it with the reason and a new deadline (限时办结).
    ReturnClosure {
        /// Why.
        reason: String,
        /// The new deadline.
        deadline: NaiveDate,
    },
    /// 回头看·巩固 — a look-back confirms the closure.
    Confirm,
    /// 回头看·回炉 — a look-back reopens it, with the reason and a new deadline.
    Reopen {
        /// Why.
        reason: String,
        /// The new deadline.
        deadline: NaiveDate,
    },
}

/// Every action's code, in the order of the lifecycle: the one list that the pages'
/// filters and words go by.
pub const ACTION_CODES: [&str; 25] = [
    "claim",
    "dispute",
    "assign",
    "submit_plan",
    "sign_plan",
    "compile_plan",
    "approve_plan",
    "return_plan",
    "measure_done",
    "long_term_measure_done",
    "request_extension",
    "extend",
    "refuse_extension",
    "request_closure",
    "close_phase",
    "sign_closure",
    "accept_closure",
    "return_closure",
    "confirm",
    "reopen",
    "add_measure",
    "add_long_term_measure",
    "record_acceptance",
    "record_survey",
    "post_result",
];

impl Action {
    /// The action's code in records (one of [`ACTION_CODES`]).
    pub fn code(&self) -> &'static str {
        match self {
            Action::Claim => "claim",
            Action::Dispute { .. } => "dispute",
            Action::Assign { .. } => "assign",
            Action::AddMeasure => "add_measure",
            Action::SubmitPlan => "submit_plan",
            Action::SignPlan => "sign_plan",
            Action::CompilePlan => "compile_plan",
            Action::ApprovePlan { .. } => "approve_plan",
            Action::ReturnPlan { .. } => "return_plan",
            Action::MeasureDone => "measure_done",
            Action::AddLongTermMeasure => "add_long_term_measure",
            Action::LongTermMeasureDone => "long_term_measure_done",
            Action::ClosePhase { .. } => "close_phase",
            Action::RequestExtension { .. } => "request_extension",
            Action::Extend { .. } => "extend",
            Action::RefuseExtension { .. } => "refuse_extension",
            Action::RequestClosure { .. } => "request_closure",
            Action::RecordAcceptance { .. } => "record_acceptance",
            Action::RecordSurvey { .. } => "record_survey",
            Action::PostResult { .. } => "post_result",
            Action::SignClosure => "sign_closure",
            Action::AcceptClosure => "accept_closure",
            Action::ReturnClosure { .. } => "return_closure",
            Action::Confirm => "confirm",
            Action::Reopen { .. } => "reopen",
        }
    }

    /// What the action says, for its record.
    fn note(&self) -> Option<String> {
        match self {
            Action::Dispute { reason } | Action::ReturnPlan { reason } => Some(reason.clone()),
            // The units are named by the storage layer, which knows their names: a
            // record never shows an internal id.
            Action::Assign { reason, .. } => Some(reason.clone()),
            Action::ApprovePlan { meeting, on } => Some(format!("{meeting} ({on})")),
            Action::Extend { to, reason } | Action::RequestExtension { to, reason } => {
                Some(format!("{to}: {reason}"))
            }
            Action::RefuseExtension { reason } => Some(reason.clone()),
            Action::RequestClosure { report, .. } | Action::ClosePhase { summary: report } => {
                Some(report.clone())
            }
            Action::RecordAcceptance { party, signer } => {
                Some(format!("{}: {signer}", party.code()))
            }
            Action::RecordSurvey { survey, method } => Some(format!(
                "{}/{}: {method}",
                survey.satisfied, survey.surveyed
            )),
            Action::PostResult { place } => Some(place.clone()),
            Action::ReturnClosure { reason, deadline } | Action::Reopen { reason, deadline } => {
                Some(format!("{deadline}: {reason}"))
            }
            _ => None,
        }
    }
}

/// Reads back the note that 留号 and 回炉 record ("2024-06-30: reason", see
/// [`Action::note`]): the new deadline and the reason. Another note is all reason.
pub fn read_return_note(note: &str) -> (Option<NaiveDate>, &str) {
    match note.split_once(": ") {
        Some((d, reason)) => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(day) => (Some(day), reason),
            Err(_) => (None, note),
        },
        None => (None, note),
    }
}

/// Why an action was refused. Each says what would make it possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor's role or unit may not take this action on this problem.
    #[error("this role or unit may not {0} this problem")]
    NotYours(&'static str),
    /// The problem is not in a state where the action applies.
    #[error("a problem that is {} cannot take this step: {hint}", .state.code())]
    WrongState {
        /// The current state.
        state: ProblemState,
        /// What to do instead.
        hint: Hint,
    },
    /// A required text (a reason, a report, a meeting) is empty.
    #[error("the {0:?} is required")]
    Missing(Missing),
    /// Measures are still open.
    #[error("{0} measure(s) are still open: every measure must be done before closure")]
    MeasuresOpen(u32),
    /// No measures yet.
    #[error("the problem has no measures: draft them first")]
    NoMeasures,
    /// Long measures without milestones (S10).
    #[error(
        "{0} measure(s) run longer than the organisation's limit and need milestones of their own first"
    )]
    MilestonesMissing(u32),
    /// Too many extensions.
    #[error("the maximum of {0} approved extensions is reached")]
    TooManyExtensions(u32),
    /// The organisation's closure rules are not yet met.
    #[error("closure cannot be accepted yet: {0}")]
    Unmet(Unmet),
    /// A survey whose numbers do not add up.
    #[error("a survey asks at least one person, and no more are satisfied than were asked")]
    BadSurvey,
    /// The organisation does not use this closure rule.
    #[error("this organisation does not require {0:?}")]
    NotRequired(ClosureRule),
}

/// What a step carries that was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Why (dispute, assignment, return, extension, reopening).
    Reason,
    /// The Party committee meeting that approved the plan.
    Meeting,
    /// The special report of a closure request (销号专项报告).
    Report,
    /// The summary of a phase closed (阶段性销号).
    PhaseSummary,
    /// At least one file of evidence (佐证材料).
    Evidence,
    /// Who signed the acceptance.
    Signer,
    /// How the survey asked people.
    SurveyMethod,
    /// Where the result is posted.
    PostingPlace,
}

impl Missing {
    /// The form's field that carries it.
    pub fn field(self) -> &'static str {
        match self {
            Missing::Reason => "reason",
            Missing::Meeting => "meeting",
            Missing::Report | Missing::PhaseSummary => "report",
            Missing::Evidence => "files",
            Missing::Signer => "signer",
            Missing::SurveyMethod => "method",
            Missing::PostingPlace => "place",
        }
    }
}

/// A closure rule an organisation may or may not use (销号规则).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureRule {
    /// Three-party acceptance (三方验收).
    Acceptance,
    /// The satisfaction survey (满意度测评).
    Survey,
    /// Public posting of the result (整改结果公示).
    Posting,
}

/// What to do instead of a step the problem's state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Hint {
    /// only a registered problem is claimed
    #[error("only a registered problem is claimed")]
    OnlyRegisteredClaimed,
    /// dispute before claiming
    #[error("dispute before claiming")]
    DisputeBeforeClaiming,
    /// the leader decides only disputed problems
    #[error("the leader decides only disputed problems")]
    LeaderDecidesDisputes,
    /// after submission the lead unit's draft comes back by a return; the office supplements a plan until closure is requested, and a closed problem by a look-back
    #[error(
        "after submission the lead unit's draft comes back by a return; the office supplements a plan until closure is requested, and a closed problem by a look-back"
    )]
    MeasuresAfterSubmission,
    /// claim it and draft its measures first
    #[error("claim it and draft its measures first")]
    ClaimAndDraftFirst,
    /// the lead unit submits the plan first
    #[error("the lead unit submits the plan first")]
    AwaitSubmission,
    /// the leader in charge signs it off first
    #[error("the leader in charge signs it off first")]
    AwaitSignature,
    /// the office compiles the plan first
    #[error("the office compiles the plan first")]
    CompileFirst,
    /// only a plan under review goes back
    #[error("only a plan under review goes back")]
    OnlyPlanUnderReviewReturns,
    /// every dated measure is already done
    #[error("every dated measure is already done")]
    DatedMeasuresDone,
    /// no long-term measure is open
    #[error("no long-term measure is open")]
    NoLongTermOpen,
    /// a phase closes when long-term measures go on; otherwise request closure
    #[error("a phase closes when long-term measures go on; otherwise request closure")]
    PhaseOnlyWithLongTerm,
    /// a phase closes while work is in progress
    #[error("a phase closes while work is in progress")]
    PhaseWhileInProgress,
    /// measures are done after the plan is approved
    #[error("measures are done after the plan is approved")]
    MeasuresAfterApproval,
    /// the leader in charge decides the pending request first
    #[error("the leader in charge decides the pending request first")]
    ExtensionPending,
    /// the lead unit requests the extension first
    #[error("the lead unit requests the extension first")]
    RequestExtensionFirst,
    /// no extension is pending
    #[error("no extension is pending")]
    NoExtensionPending,
    /// deadlines change by extension only while work is in progress
    #[error("deadlines change by extension only while work is in progress")]
    ExtendWhileInProgress,
    /// closure is requested while in progress
    #[error("closure is requested while in progress")]
    ClosureWhileInProgress,
    /// the lead unit requests closure first
    #[error("the lead unit requests closure first")]
    RequestClosureFirst,
    /// each party signs once per closure request
    #[error("each party signs once per closure request")]
    OneSignaturePerParty,
    /// the result is already posted
    #[error("the result is already posted")]
    AlreadyPosted,
    /// acceptance, survey and posting follow the leader's signature on the closure request
    #[error("acceptance, survey and posting follow the leader's signature on the closure request")]
    ChecksAfterSignature,
    /// the leader in charge signs the closure request off first
    #[error("the leader in charge signs the closure request off first")]
    SignClosureFirst,
    /// only a closure request goes back
    #[error("only a closure request goes back")]
    OnlyClosureRequestReturns,
    /// a look-back confirms closed problems
    #[error("a look-back confirms closed problems")]
    ConfirmClosedOnly,
    /// a look-back reopens closed problems
    #[error("a look-back reopens closed problems")]
    ReopenClosedOnly,
}

impl Hint {
    /// Every hint (for the test that each has its words).
    pub const ALL: [Hint; 27] = [
        Hint::OnlyRegisteredClaimed,
        Hint::DisputeBeforeClaiming,
        Hint::LeaderDecidesDisputes,
        Hint::MeasuresAfterSubmission,
        Hint::ClaimAndDraftFirst,
        Hint::AwaitSubmission,
        Hint::AwaitSignature,
        Hint::CompileFirst,
        Hint::OnlyPlanUnderReviewReturns,
        Hint::DatedMeasuresDone,
        Hint::NoLongTermOpen,
        Hint::PhaseOnlyWithLongTerm,
        Hint::PhaseWhileInProgress,
        Hint::MeasuresAfterApproval,
        Hint::ExtensionPending,
        Hint::RequestExtensionFirst,
        Hint::NoExtensionPending,
        Hint::ExtendWhileInProgress,
        Hint::ClosureWhileInProgress,
        Hint::RequestClosureFirst,
        Hint::OneSignaturePerParty,
        Hint::AlreadyPosted,
        Hint::ChecksAfterSignature,
        Hint::SignClosureFirst,
        Hint::OnlyClosureRequestReturns,
        Hint::ConfirmClosedOnly,
        Hint::ReopenClosedOnly,
    ];
}

/// A closure rule not yet met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unmet {
    /// A party has not signed the acceptance.
    #[error("the {} has not signed the acceptance", .0.code())]
    Acceptance(Party),
    /// Nobody has been asked.
    #[error("the satisfaction survey is not recorded")]
    NoSurvey,
    /// Too few were satisfied: return the closure (留号).
    #[error("{satisfied} of {surveyed} satisfied is below the required {min}%: return it")]
    LowSatisfaction {
        /// Satisfied.
        satisfied: u32,
        /// Asked.
        surveyed: u32,
        /// The organisation's minimum share, in percent.
        min: u8,
    },
    /// The result is not posted.
    #[error("the result has not been posted publicly")]
    NotPosted,
    /// The posting period is still running.
    #[error("the posting period is still running")]
    PostingRunning,
}

/// What an accepted action leaves: exactly one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The action's code.
    pub action: &'static str,
    /// Who.
    pub actor: UserId,
    /// State before.
    pub from: ProblemState,
    /// State after.
    pub to: ProblemState,
    /// What the action carried (reason, report, meeting, new deadline).
    pub note: Option<String>,
}

/// Rules an organisation sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Approved extensions allowed per problem.
    pub max_extensions: u32,
    /// 三方验收 — closure needs the acceptance of all three parties.
    pub three_party: bool,
    /// 满意度测评 — closure needs a survey of the people affected with at least this
    /// share satisfied, in percent.
    pub min_satisfaction: Option<u8>,
    /// 整改结果公示 — closure needs the result posted for this many days (0: no posting).
    pub posting_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_extensions: 2,
            three_party: false,
            min_satisfaction: None,
            posting_days: 0,
        }
    }
}

impl Policy {
    /// The first closure rule the checks do not yet meet.
    pub fn unmet(&self, checks: &ClosureChecks) -> Option<Unmet> {
        if self.three_party
            && let Some(p) = Party::ALL
                .into_iter()
                .find(|p| !checks.accepted_by.contains(p))
        {
            return Some(Unmet::Acceptance(p));
        }
        if let Some(min) = self.min_satisfaction {
            match checks.survey {
                None => return Some(Unmet::NoSurvey),
                Some(s) if !s.meets(min) => {
                    return Some(Unmet::LowSatisfaction {
                        satisfied: s.satisfied,
                        surveyed: s.surveyed,
                        min,
                    });
                }
                Some(_) => {}
            }
        }
        if self.posting_days > 0 {
            match checks.posting {
                Posting::NotPosted => return Some(Unmet::NotPosted),
                Posting::Running => return Some(Unmet::PostingRunning),
                Posting::Over => {}
            }
        }
        None
    }
}

fn required(text: &str, what: Missing) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        Err(Refusal::Missing(what))
    } else {
        Ok(())
    }
}

/// Who may act: the office of the problem's organisation, the lead unit, the leader in
/// charge (the problem's leader, or a leader with the lead unit in charge).
fn is_office(a: &Actor, p: &Problem) -> bool {
    a.role == Role::Office && a.org == p.org
}
fn is_lead_unit(a: &Actor, p: &Problem) -> bool {
    a.role == Role::Unit && a.org == p.org && a.unit == p.lead_unit
}
/// The inspecting side (上级巡察办) signs for itself and for its group.
fn is_upper(a: &Actor, p: &Problem) -> bool {
    a.role == Role::Upper && a.orgs_below.contains(&p.org)
}
fn is_leader(a: &Actor, p: &Problem) -> bool {
    a.role == Role::Leader
        && a.org == p.org
        && (p.leader == Some(a.user) || a.units_in_charge.contains(&p.lead_unit))
}

/// Decides an action: the problem as it will be and the one record it leaves, or why not.
pub fn apply(
    problem: &Problem,
    actor: &Actor,
    action: &Action,
    policy: Policy,
) -> Result<(Problem, Record), Refusal> {
    use ProblemState as S;
    let state = problem.state;
    let wrong = |hint: Hint| Refusal::WrongState { state, hint };
    let mut next = problem.clone();
    let allowed = match action {
        Action::Claim
        | Action::Dispute { .. }
        | Action::SubmitPlan
        | Action::MeasureDone
        | Action::LongTermMeasureDone
        | Action::RequestExtension { .. }
        | Action::RequestClosure { .. } => is_lead_unit(actor, problem),
        Action::Assign { .. }
        | Action::SignPlan
        | Action::SignClosure
        | Action::Extend { .. }
        | Action::RefuseExtension { .. } => is_leader(actor, problem),
        Action::ReturnPlan { .. } | Action::ReturnClosure { .. } => {
            is_leader(actor, problem) || is_office(actor, problem)
        }
        Action::AddMeasure | Action::AddLongTermMeasure => {
            is_lead_unit(actor, problem) || is_office(actor, problem)
        }
        Action::CompilePlan
        | Action::ApprovePlan { .. }
        | Action::AcceptClosure
        | Action::ClosePhase { .. }
        | Action::Confirm
        | Action::RecordSurvey { .. }
        | Action::PostResult { .. }
        | Action::Reopen { .. } => is_office(actor, problem),
        // The office records the signed acceptance form; the inspecting side may sign
        // its own parts itself.
        Action::RecordAcceptance { party, .. } => {
            is_office(actor, problem)
                || (is_upper(actor, problem) && *party != Party::InspectedUnit)
        }
    };
    if !allowed {
        return Err(Refusal::NotYours(action.code()));
    }
    next.state = match (action, state) {
        (Action::Claim, S::Registered) => S::Claimed,
        (Action::Claim, _) => return Err(wrong(Hint::OnlyRegisteredClaimed)),
        (Action::Dispute { reason }, S::Registered) => {
            required(reason, Missing::Reason)?;
            S::Disputed
        }
        (Action::Dispute { .. }, _) => return Err(wrong(Hint::DisputeBeforeClaiming)),
        (Action::Assign { unit, reason }, S::Disputed) => {
            required(reason, Missing::Reason)?;
            next.lead_unit = *unit;
            // The leader's decision binds: the assigned unit leads without a second claim.
            S::Claimed
        }
        (Action::Assign { .. }, _) => {
            return Err(wrong(Hint::LeaderDecidesDisputes));
        }
        // The lead unit drafts until it submits; the office also completes a plan under
        // review and supplements one in progress (补充措施, as after a look-back's 回炉),
        // the frozen deadlines of the others staying as they are.
        (Action::AddMeasure | Action::AddLongTermMeasure, _)
            if state.drafting()
                || (is_office(actor, problem)
                    && matches!(
                        state,
                        S::PlanSubmitted | S::PlanSigned | S::PlanCompiled | S::InProgress
                    )) =>
        {
            next.measures += 1;
            next.measures_open += 1;
            if matches!(action, Action::AddLongTermMeasure) {
                next.long_term_measures += 1;
                next.long_term_open += 1;
            }
            state
        }
        (Action::AddMeasure | Action::AddLongTermMeasure, _) => {
            return Err(wrong(Hint::MeasuresAfterSubmission));
        }
        (Action::SubmitPlan, S::Claimed) => {
            if problem.measures == 0 {
                return Err(Refusal::NoMeasures);
            }
            if problem.lacking_milestones > 0 {
                return Err(Refusal::MilestonesMissing(problem.lacking_milestones));
            }
            S::PlanSubmitted
        }
        (Action::SubmitPlan, _) => {
            return Err(wrong(Hint::ClaimAndDraftFirst));
        }
        (Action::SignPlan, S::PlanSubmitted) => S::PlanSigned,
        (Action::SignPlan, _) => {
            return Err(wrong(Hint::AwaitSubmission));
        }
        (Action::CompilePlan, S::PlanSigned) => S::PlanCompiled,
        (Action::CompilePlan, _) => {
            return Err(wrong(Hint::AwaitSignature));
        }
        (Action::ApprovePlan { meeting, .. }, S::PlanCompiled) => {
            required(meeting, Missing::Meeting)?;
            // The office may have added a long measure after the unit submitted.
            if problem.lacking_milestones > 0 {
                return Err(Refusal::MilestonesMissing(problem.lacking_milestones));
            }
            S::InProgress
        }
        (Action::ApprovePlan { .. }, _) => {
            return Err(wrong(Hint::CompileFirst));
        }
        (Action::ReturnPlan { reason }, S::PlanSubmitted | S::PlanSigned | S::PlanCompiled) => {
            required(reason, Missing::Reason)?;
            S::Claimed
        }
        (Action::ReturnPlan { .. }, _) => {
            return Err(wrong(Hint::OnlyPlanUnderReviewReturns));
        }
        (Action::MeasureDone, S::InProgress) => {
            if problem.measures_open <= problem.long_term_open {
                return Err(wrong(Hint::DatedMeasuresDone));
            }
            next.measures_open -= 1;
            state
        }
        (Action::LongTermMeasureDone, S::InProgress | S::LongTermReview) => {
            if problem.long_term_open == 0 {
                return Err(wrong(Hint::NoLongTermOpen));
            }
            next.measures_open -= 1;
            next.long_term_open -= 1;
            state
        }
        (Action::ClosePhase { summary }, S::InProgress) => {
            required(summary, Missing::PhaseSummary)?;
            if problem.long_term_open == 0 {
                return Err(wrong(Hint::PhaseOnlyWithLongTerm));
            }
            if problem.measures_open > problem.long_term_open {
                return Err(Refusal::MeasuresOpen(
                    problem.measures_open - problem.long_term_open,
                ));
            }
            S::LongTermReview
        }
        (Action::ClosePhase { .. }, _) => {
            return Err(wrong(Hint::PhaseWhileInProgress));
        }
        (Action::LongTermMeasureDone, _) | (Action::MeasureDone, _) => {
            return Err(wrong(Hint::MeasuresAfterApproval));
        }
        (Action::RequestExtension { reason, .. }, S::InProgress) => {
            required(reason, Missing::Reason)?;
            if problem.extension_pending {
                return Err(wrong(Hint::ExtensionPending));
            }
            if problem.extensions >= policy.max_extensions {
                return Err(Refusal::TooManyExtensions(policy.max_extensions));
            }
            next.extension_pending = true;
            state
        }
        (Action::Extend { reason, .. }, S::InProgress) => {
            required(reason, Missing::Reason)?;
            if !problem.extension_pending {
                return Err(wrong(Hint::RequestExtensionFirst));
            }
            if problem.extensions >= policy.max_extensions {
                return Err(Refusal::TooManyExtensions(policy.max_extensions));
            }
            next.extensions += 1;
            next.extension_pending = false;
            state
        }
        (Action::RefuseExtension { reason }, S::InProgress) => {
            required(reason, Missing::Reason)?;
            if !problem.extension_pending {
                return Err(wrong(Hint::NoExtensionPending));
            }
            next.extension_pending = false;
            state
        }
        (
            Action::Extend { .. }
            | Action::RequestExtension { .. }
            | Action::RefuseExtension { .. },
            _,
        ) => {
            return Err(wrong(Hint::ExtendWhileInProgress));
        }
        (Action::RequestClosure { report, evidence }, S::InProgress | S::LongTermReview) => {
            if problem.measures == 0 {
                return Err(Refusal::NoMeasures);
            }
            if problem.measures_open > 0 {
                return Err(Refusal::MeasuresOpen(problem.measures_open));
            }
            required(report, Missing::Report)?;
            if *evidence == 0 {
                return Err(Refusal::Missing(Missing::Evidence));
            }
            S::ClosureRequested
        }
        (Action::RequestClosure { .. }, _) => {
            return Err(wrong(Hint::ClosureWhileInProgress));
        }
        (Action::SignClosure, S::ClosureRequested) => S::ClosureSigned,
        (Action::SignClosure, _) => {
            return Err(wrong(Hint::RequestClosureFirst));
        }
        (Action::RecordAcceptance { party, signer }, S::ClosureSigned) => {
            if !policy.three_party {
                return Err(Refusal::NotRequired(ClosureRule::Acceptance));
            }
            required(signer, Missing::Signer)?;
            if problem.checks.accepted_by.contains(party) {
                return Err(wrong(Hint::OneSignaturePerParty));
            }
            next.checks.accepted_by.push(*party);
            state
        }
        (Action::RecordSurvey { survey, method }, S::ClosureSigned) => {
            if policy.min_satisfaction.is_none() {
                return Err(Refusal::NotRequired(ClosureRule::Survey));
            }
            required(method, Missing::SurveyMethod)?;
            if survey.surveyed == 0 || survey.satisfied > survey.surveyed {
                return Err(Refusal::BadSurvey);
            }
            next.checks.survey = Some(*survey);
            state
        }
        (Action::PostResult { place }, S::ClosureSigned) => {
            if policy.posting_days == 0 {
                return Err(Refusal::NotRequired(ClosureRule::Posting));
            }
            required(place, Missing::PostingPlace)?;
            if problem.checks.posting != Posting::NotPosted {
                return Err(wrong(Hint::AlreadyPosted));
            }
            next.checks.posting = Posting::Running;
            state
        }
        (
            Action::RecordAcceptance { .. }
            | Action::RecordSurvey { .. }
            | Action::PostResult { .. },
            _,
        ) => {
            return Err(wrong(Hint::ChecksAfterSignature));
        }
        (Action::AcceptClosure, S::ClosureSigned) => {
            if let Some(unmet) = policy.unmet(&problem.checks) {
                return Err(Refusal::Unmet(unmet));
            }
            S::Closed
        }
        (Action::AcceptClosure, _) => {
            return Err(wrong(Hint::SignClosureFirst));
        }
        (Action::ReturnClosure { reason, .. }, S::ClosureRequested | S::ClosureSigned) => {
            required(reason, Missing::Reason)?;
            // 留号: back to work on every measure, by the new deadline.
            next.measures_open = problem.measures;
            next.long_term_open = problem.long_term_measures;
            next.checks = ClosureChecks::default();
            S::InProgress
        }
        (Action::ReturnClosure { .. }, _) => {
            return Err(wrong(Hint::OnlyClosureRequestReturns));
        }
        (Action::Confirm, S::Closed) => S::Consolidated,
        (Action::Confirm, _) => {
            return Err(wrong(Hint::ConfirmClosedOnly));
        }
        (Action::Reopen { reason, .. }, S::Closed | S::Consolidated | S::LongTermReview) => {
            required(reason, Missing::Reason)?;
            next.measures_open = problem.measures;
            next.long_term_open = problem.long_term_measures;
            next.checks = ClosureChecks::default();
            S::InProgress
        }
        (Action::Reopen { .. }, _) => {
            return Err(wrong(Hint::ReopenClosedOnly));
        }
    };
    let record = Record {
        action: action.code(),
        actor: actor.user,
        from: state,
        to: next.state,
        note: action.note(),
    };
    Ok((next, record))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ORG: UnitId = UnitId(1);
    const FINANCE: UnitId = UnitId(2);
    const HR: UnitId = UnitId(3);

    fn actor(user: i64, role: Role, unit: UnitId) -> Actor {
        Actor {
            user: UserId(user),
            role,
            unit,
            org: ORG,
            units_in_charge: vec![],
            orgs_below: vec![],
        }
    }
    fn office() -> Actor {
        actor(1, Role::Office, ORG)
    }
    fn finance() -> Actor {
        actor(2, Role::Unit, FINANCE)
    }
    fn hr() -> Actor {
        actor(3, Role::Unit, HR)
    }
    fn leader() -> Actor {
        Actor {
            units_in_charge: vec![FINANCE, HR],
            ..actor(4, Role::Leader, ORG)
        }
    }
    fn supervisor() -> Actor {
        actor(5, Role::Supervisor, ORG)
    }
    fn other_office() -> Actor {
        Actor {
            org: UnitId(99),
            ..actor(6, Role::Office, UnitId(99))
        }
    }
    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()
    }
    fn new_problem() -> Problem {
        Problem {
            state: ProblemState::Registered,
            org: ORG,
            lead_unit: FINANCE,
            leader: None,
            measures: 0,
            measures_open: 0,
            long_term_measures: 0,
            long_term_open: 0,
            extensions: 0,
            extension_pending: false,
            lacking_milestones: 0,
            checks: ClosureChecks::default(),
        }
    }

    fn run(p: &mut Problem, steps: &[(Actor, Action)]) {
        for (a, act) in steps {
            let (next, _) = apply(p, a, act, Policy::default())
                .unwrap_or_else(|e| panic!("{act:?} by {:?}: {e}", a.role));
            *p = next;
        }
    }

    #[test]
    fn the_whole_road_from_registration_to_consolidation() {
        let mut p = new_problem();
        run(
            &mut p,
            &[
                (finance(), Action::Claim),
                (finance(), Action::AddMeasure),
                (finance(), Action::AddMeasure),
                (finance(), Action::SubmitPlan),
                (leader(), Action::SignPlan),
                (office(), Action::CompilePlan),
                (
                    office(),
                    Action::ApprovePlan {
                        meeting: "党委会2024年第5次会议".into(),
                        on: day(),
                    },
                ),
            ],
        );
        assert_eq!(p.state, ProblemState::InProgress);
        assert!(p.state.baseline_frozen());
        run(
            &mut p,
            &[
                (
                    finance(),
                    Action::RequestExtension {
                        to: day(),
                        reason: "招标流程".into(),
                    },
                ),
                (
                    leader(),
                    Action::Extend {
                        to: day(),
                        reason: "同意".into(),
                    },
                ),
                (finance(), Action::MeasureDone),
            ],
        );
        assert_eq!(
            apply(
                &p,
                &finance(),
                &Action::RequestClosure {
                    report: "专项报告".into(),
                    evidence: 1,
                },
                Policy::default()
            ),
            Err(Refusal::MeasuresOpen(1))
        );
        run(
            &mut p,
            &[
                (finance(), Action::MeasureDone),
                (
                    finance(),
                    Action::RequestClosure {
                        report: "关于问题整改情况的专项报告".into(),
                        evidence: 1,
                    },
                ),
                (
                    office(),
                    Action::ReturnClosure {
                        reason: "佐证材料不全".into(),
                        deadline: day(),
                    },
                ),
            ],
        );
        assert_eq!(
            (p.state, p.measures_open),
            (ProblemState::InProgress, 2),
            "留号 sends every measure back"
        );
        run(
            &mut p,
            &[
                (finance(), Action::MeasureDone),
                (finance(), Action::MeasureDone),
                (
                    finance(),
                    Action::RequestClosure {
                        report: "补充报告".into(),
                        evidence: 1,
                    },
                ),
                (leader(), Action::SignClosure),
                (office(), Action::AcceptClosure),
                (
                    office(),
                    Action::Reopen {
                        reason: "回头看发现反弹".into(),
                        deadline: day(),
                    },
                ),
            ],
        );
        assert_eq!(p.state, ProblemState::InProgress);
        run(
            &mut p,
            &[
                (finance(), Action::MeasureDone),
                (finance(), Action::MeasureDone),
                (
                    finance(),
                    Action::RequestClosure {
                        report: "再次报告".into(),
                        evidence: 1,
                    },
                ),
                (leader(), Action::SignClosure),
                (office(), Action::AcceptClosure),
                (office(), Action::Confirm),
            ],
        );
        assert_eq!(p.state, ProblemState::Consolidated);
    }

    #[test]
    fn a_disputed_problem_is_assigned_by_the_leader() {
        let mut p = new_problem();
        assert_eq!(
            apply(
                &p,
                &finance(),
                &Action::Dispute { reason: " ".into() },
                Policy::default()
            ),
            Err(Refusal::Missing(Missing::Reason))
        );
        run(
            &mut p,
            &[(
                finance(),
                Action::Dispute {
                    reason: "属人事管理".into(),
                },
            )],
        );
        assert_eq!(
            apply(
                &p,
                &office(),
                &Action::Assign {
                    unit: HR,
                    reason: "x".into()
                },
                Policy::default()
            ),
            Err(Refusal::NotYours("assign"))
        );
        run(
            &mut p,
            &[(
                leader(),
                Action::Assign {
                    unit: HR,
                    reason: "人事档案归人力资源部".into(),
                },
            )],
        );
        assert_eq!((p.state, p.lead_unit), (ProblemState::Claimed, HR));
        assert_eq!(
            apply(&p, &finance(), &Action::AddMeasure, Policy::default()),
            Err(Refusal::NotYours("add_measure"))
        );
        run(&mut p, &[(hr(), Action::AddMeasure)]);
    }

    #[test]
    fn wrong_roles_and_units_are_refused() {
        let p = new_problem();
        for a in [hr(), office(), leader(), supervisor(), other_office()] {
            assert_eq!(
                apply(&p, &a, &Action::Claim, Policy::default()),
                Err(Refusal::NotYours("claim")),
                "{:?}",
                a.role
            );
        }
        let mut closing = new_problem();
        run(
            &mut closing,
            &[
                (finance(), Action::Claim),
                (finance(), Action::AddMeasure),
                (finance(), Action::SubmitPlan),
                (leader(), Action::SignPlan),
                (office(), Action::CompilePlan),
                (
                    office(),
                    Action::ApprovePlan {
                        meeting: "党委会".into(),
                        on: day(),
                    },
                ),
                (finance(), Action::MeasureDone),
                (
                    finance(),
                    Action::RequestClosure {
                        report: "报告".into(),
                        evidence: 1,
                    },
                ),
                (leader(), Action::SignClosure),
            ],
        );
        for a in [finance(), leader(), supervisor(), other_office()] {
            assert_eq!(
                apply(&closing, &a, &Action::AcceptClosure, Policy::default()),
                Err(Refusal::NotYours("accept_closure"))
            );
        }
    }

    #[test]
    fn extensions_are_counted_against_the_maximum() {
        let mut p = new_problem();
        run(
            &mut p,
            &[
                (finance(), Action::Claim),
                (office(), Action::AddMeasure),
                (finance(), Action::SubmitPlan),
                (leader(), Action::SignPlan),
                (office(), Action::CompilePlan),
                (
                    office(),
                    Action::ApprovePlan {
                        meeting: "党委会".into(),
                        on: day(),
                    },
                ),
            ],
        );
        let ask = Action::RequestExtension {
            to: day(),
            reason: "客观原因".into(),
        };
        let extend = Action::Extend {
            to: day(),
            reason: "同意".into(),
        };
        assert!(
            apply(&p, &leader(), &extend, Policy::default()).is_err(),
            "no request, no extension"
        );
        assert_eq!(
            apply(&p, &leader(), &ask, Policy::default()),
            Err(Refusal::NotYours("request_extension"))
        );
        run(&mut p, &[(finance(), ask.clone())]);
        assert!(
            apply(&p, &finance(), &ask, Policy::default()).is_err(),
            "one request at a time"
        );
        run(
            &mut p,
            &[(
                leader(),
                Action::RefuseExtension {
                    reason: "理由不充分".into(),
                },
            )],
        );
        assert_eq!(p.extensions, 0, "a refusal is not counted");
        run(
            &mut p,
            &[
                (finance(), ask.clone()),
                (leader(), extend.clone()),
                (finance(), ask.clone()),
                (leader(), extend.clone()),
            ],
        );
        assert_eq!(
            apply(&p, &finance(), &ask, Policy::default()),
            Err(Refusal::TooManyExtensions(2))
        );
        assert!(
            apply(
                &p,
                &finance(),
                &ask,
                Policy {
                    max_extensions: 3,
                    ..Policy::default()
                }
            )
            .is_ok()
        );
    }

    /// 分阶段目标 (S10): a plan with a long measure lacking milestones is neither
    /// submitted nor approved until they are added.
    #[test]
    fn long_measures_need_milestones_before_the_plan_moves_on() {
        let lacking = Problem {
            state: ProblemState::Claimed,
            measures: 2,
            measures_open: 2,
            lacking_milestones: 1,
            ..new_problem()
        };
        assert_eq!(
            apply(&lacking, &finance(), &Action::SubmitPlan, Policy::default()).unwrap_err(),
            Refusal::MilestonesMissing(1)
        );
        let compiled = Problem {
            state: ProblemState::PlanCompiled,
            ..lacking.clone()
        };
        let approve = Action::ApprovePlan {
            meeting: "党委会2024年第5次会议".into(),
            on: NaiveDate::from_ymd_opt(2024, 5, 6).unwrap(),
        };
        assert_eq!(
            apply(&compiled, &office(), &approve, Policy::default()).unwrap_err(),
            Refusal::MilestonesMissing(1)
        );
        let ready = Problem {
            lacking_milestones: 0,
            ..lacking
        };
        let (next, _) = apply(&ready, &finance(), &Action::SubmitPlan, Policy::default()).unwrap();
        assert_eq!(next.state, ProblemState::PlanSubmitted);
    }

    /// A problem whose closure request the leader has signed.
    fn signed_for_closure() -> Problem {
        Problem {
            state: ProblemState::ClosureSigned,
            measures: 1,
            ..new_problem()
        }
    }

    fn upper() -> Actor {
        Actor {
            orgs_below: vec![ORG],
            ..actor(7, Role::Upper, UnitId(50))
        }
    }

    #[test]
    fn closure_rules_of_the_organisation_come_before_acceptance() {
        let policy = Policy::strict();
        let mut p = signed_for_closure();
        let accept = |p: &Problem| apply(p, &office(), &Action::AcceptClosure, policy);
        assert_eq!(
            accept(&p),
            Err(Refusal::Unmet(Unmet::Acceptance(Party::InspectionOffice)))
        );
        let sign = |party| Action::RecordAcceptance {
            party,
            signer: "王某".into(),
        };
        // The inspecting side signs its own parts, never the inspected unit's.
        assert_eq!(
            apply(&p, &upper(), &sign(Party::InspectedUnit), policy),
            Err(Refusal::NotYours("record_acceptance"))
        );
        assert!(apply(&p, &finance(), &sign(Party::InspectionOffice), policy).is_err());
        p = apply(&p, &upper(), &sign(Party::InspectionOffice), policy)
            .unwrap()
            .0;
        assert!(matches!(
            apply(&p, &upper(), &sign(Party::InspectionOffice), policy),
            Err(Refusal::WrongState { .. })
        ));
        p = apply(&p, &upper(), &sign(Party::InspectionGroup), policy)
            .unwrap()
            .0;
        p = apply(&p, &office(), &sign(Party::InspectedUnit), policy)
            .unwrap()
            .0;
        assert_eq!(accept(&p), Err(Refusal::Unmet(Unmet::NoSurvey)));
        let survey = |surveyed, satisfied| Action::RecordSurvey {
            survey: Survey {
                surveyed,
                satisfied,
            },
            method: "问卷调查".into(),
        };
        assert_eq!(
            apply(&p, &office(), &survey(0, 0), policy),
            Err(Refusal::BadSurvey)
        );
        assert_eq!(
            apply(&p, &office(), &survey(5, 6), policy),
            Err(Refusal::BadSurvey)
        );
        // 群众不认可不罢休: too few satisfied, and closure waits.
        p = apply(&p, &office(), &survey(50, 39), policy).unwrap().0;
        assert_eq!(
            accept(&p),
            Err(Refusal::Unmet(Unmet::LowSatisfaction {
                satisfied: 39,
                surveyed: 50,
                min: 80
            }))
        );
        p = apply(&p, &office(), &survey(50, 40), policy).unwrap().0;
        assert_eq!(accept(&p), Err(Refusal::Unmet(Unmet::NotPosted)));
        let post = Action::PostResult {
            place: "单位公示栏".into(),
        };
        p = apply(&p, &office(), &post, policy).unwrap().0;
        assert_eq!(accept(&p), Err(Refusal::Unmet(Unmet::PostingRunning)));
        p.checks.posting = Posting::Over;
        let (closed, record) = accept(&p).unwrap();
        assert_eq!(closed.state, ProblemState::Closed);
        assert_eq!(record.action, "accept_closure");
        // A return starts the checks again.
        let (back, _) = apply(
            &p,
            &office(),
            &Action::ReturnClosure {
                reason: "群众不满意".into(),
                deadline: day(),
            },
            policy,
        )
        .unwrap();
        assert_eq!(back.checks, ClosureChecks::default());
    }

    #[test]
    fn rules_an_organisation_does_not_use_are_refused() {
        let p = signed_for_closure();
        let d = Policy::default();
        let sign = Action::RecordAcceptance {
            party: Party::InspectedUnit,
            signer: "王某".into(),
        };
        assert_eq!(
            apply(&p, &office(), &sign, d),
            Err(Refusal::NotRequired(ClosureRule::Acceptance))
        );
        assert!(apply(&p, &office(), &Action::AcceptClosure, d).is_ok());
        // Checks follow the leader's signature, not before.
        let requested = Problem {
            state: ProblemState::ClosureRequested,
            ..p
        };
        assert!(matches!(
            apply(&requested, &office(), &sign, Policy::strict()),
            Err(Refusal::WrongState { .. })
        ));
    }

    #[test]
    fn a_closure_request_carries_evidence() {
        let p = Problem {
            state: ProblemState::InProgress,
            measures: 1,
            ..new_problem()
        };
        let ask = |evidence| Action::RequestClosure {
            report: "专项报告".into(),
            evidence,
        };
        assert_eq!(
            apply(&p, &finance(), &ask(0), Policy::default()),
            Err(Refusal::Missing(Missing::Evidence))
        );
        assert!(apply(&p, &finance(), &ask(2), Policy::default()).is_ok());
    }

    #[test]
    fn after_submission_only_the_office_adds_measures_and_never_to_a_closure() {
        use ProblemState as S;
        for state in ProblemState::ALL {
            let p = Problem {
                state,
                measures: 1,
                ..new_problem()
            };
            let by_unit = apply(&p, &finance(), &Action::AddMeasure, Policy::default());
            let by_office = apply(&p, &office(), &Action::AddMeasure, Policy::default());
            let drafting = matches!(state, S::Registered | S::Disputed | S::Claimed);
            let supplementing = matches!(
                state,
                S::PlanSubmitted | S::PlanSigned | S::PlanCompiled | S::InProgress
            );
            assert_eq!(by_unit.is_ok(), drafting, "{state:?} by the unit");
            assert_eq!(
                by_office.is_ok(),
                drafting || supplementing,
                "{state:?} by the office"
            );
            if let Ok((next, _)) = by_office {
                assert_eq!(next.state, state);
                assert_eq!(next.measures_open, 1);
            }
        }
    }

    #[test]
    fn survey_share_is_whole_percent() {
        let s = |surveyed, satisfied| Survey {
            surveyed,
            satisfied,
        };
        assert!(s(100, 80).meets(80));
        assert!(!s(100, 79).meets(80));
        assert!(s(3, 3).meets(100));
        assert!(!s(3, 2).meets(67));
        assert!(s(u32::MAX, u32::MAX).meets(100));
    }

    #[test]
    fn the_baseline_stays_frozen_from_approval_on() {
        use ProblemState as S;
        for state in ProblemState::ALL {
            let before_approval = matches!(
                state,
                S::Registered
                    | S::Disputed
                    | S::Claimed
                    | S::PlanSubmitted
                    | S::PlanSigned
                    | S::PlanCompiled
            );
            assert_eq!(state.baseline_frozen(), !before_approval, "{state:?}");
        }
    }

    #[test]
    fn party_codes_round_trip() {
        for p in Party::ALL {
            assert_eq!(Party::from_code(p.code()), Some(p));
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in ProblemState::ALL {
            assert_eq!(ProblemState::from_code(s.code()), Some(s));
        }
    }

    fn any_actor() -> impl Strategy<Value = Actor> {
        prop_oneof![
            Just(office()),
            Just(finance()),
            Just(hr()),
            Just(leader()),
            Just(supervisor()),
            Just(other_office())
        ]
    }

    fn any_action() -> impl Strategy<Value = Action> {
        let text = prop_oneof![Just(String::new()), Just("原因".to_string())];
        prop_oneof![
            Just(Action::Claim),
            text.clone().prop_map(|reason| Action::Dispute { reason }),
            (prop_oneof![Just(FINANCE), Just(HR)], text.clone())
                .prop_map(|(unit, reason)| Action::Assign { unit, reason }),
            Just(Action::AddMeasure),
            Just(Action::AddLongTermMeasure),
            Just(Action::LongTermMeasureDone),
            text.clone()
                .prop_map(|summary| Action::ClosePhase { summary }),
            Just(Action::SubmitPlan),
            Just(Action::SignPlan),
            Just(Action::CompilePlan),
            text.clone()
                .prop_map(|meeting| Action::ApprovePlan { meeting, on: day() }),
            text.clone()
                .prop_map(|reason| Action::ReturnPlan { reason }),
            Just(Action::MeasureDone),
            Just(Action::MeasureDone),
            Just(Action::MeasureDone),
            text.clone()
                .prop_map(|reason| Action::Extend { to: day(), reason }),
            text.clone()
                .prop_map(|reason| Action::RequestExtension { to: day(), reason }),
            text.clone()
                .prop_map(|reason| Action::RefuseExtension { reason }),
            text.clone().prop_map(|report| Action::RequestClosure {
                report,
                evidence: 1
            }),
            Just(Action::RequestClosure {
                report: "专项报告".into(),
                evidence: 0
            }),
            Just(Action::SignClosure),
            Just(Action::AcceptClosure),
            (prop::sample::select(Party::ALL.to_vec()), text.clone())
                .prop_map(|(party, signer)| Action::RecordAcceptance { party, signer }),
            (0u32..5, 0u32..5, text.clone()).prop_map(|(surveyed, satisfied, method)| {
                Action::RecordSurvey {
                    survey: Survey {
                        surveyed,
                        satisfied,
                    },
                    method,
                }
            }),
            text.clone().prop_map(|place| Action::PostResult { place }),
            text.clone().prop_map(|reason| Action::ReturnClosure {
                reason,
                deadline: day()
            }),
            Just(Action::Confirm),
            text.prop_map(|reason| Action::Reopen {
                reason,
                deadline: day()
            }),
        ]
    }

    /// A step that moves the problem on from where it is, so that random histories
    /// reach closure, returns and look-backs often rather than by luck.
    fn natural(p: &Problem, pick: u8) -> (Actor, Action) {
        use ProblemState as S;
        let lead = if p.lead_unit == HR { hr() } else { finance() };
        let reason = "原因".to_string();
        match (p.state, pick % 3) {
            (S::Registered, 0) => (lead, Action::Dispute { reason }),
            (S::Registered, _) => (lead, Action::Claim),
            (S::Disputed, _) => (
                leader(),
                Action::Assign {
                    unit: if pick.is_multiple_of(2) { FINANCE } else { HR },
                    reason,
                },
            ),
            (S::Claimed, 0) if p.measures > 0 => (lead, Action::SubmitPlan),
            (S::Claimed, 1) if pick.is_multiple_of(2) => (lead, Action::AddLongTermMeasure),
            (S::Claimed, _) => (lead, Action::AddMeasure),
            (S::PlanSubmitted, 0) => (leader(), Action::ReturnPlan { reason }),
            (S::PlanSubmitted, _) => (leader(), Action::SignPlan),
            (S::PlanSigned, _) => (office(), Action::CompilePlan),
            (S::PlanCompiled, _) => (
                office(),
                Action::ApprovePlan {
                    meeting: "党委会".into(),
                    on: day(),
                },
            ),
            (S::InProgress, 0) if p.extension_pending && pick.is_multiple_of(2) => {
                (leader(), Action::RefuseExtension { reason })
            }
            (S::InProgress, 0) if p.extension_pending => {
                (leader(), Action::Extend { to: day(), reason })
            }
            (S::InProgress, 0) => (lead, Action::RequestExtension { to: day(), reason }),
            (S::InProgress, _) if p.measures_open > p.long_term_open => (lead, Action::MeasureDone),
            (S::InProgress, 1) if p.long_term_open > 0 => (
                office(),
                Action::ClosePhase {
                    summary: "阶段性总结".into(),
                },
            ),
            (S::InProgress | S::LongTermReview, _) if p.long_term_open > 0 => {
                (lead, Action::LongTermMeasureDone)
            }
            (S::LongTermReview, _) => (
                lead,
                Action::RequestClosure {
                    report: "专项报告".into(),
                    evidence: 1,
                },
            ),
            (S::InProgress, _) => (
                lead,
                Action::RequestClosure {
                    report: "专项报告".into(),
                    evidence: 1,
                },
            ),
            (S::ClosureRequested, 0) => (
                leader(),
                Action::ReturnClosure {
                    reason,
                    deadline: day(),
                },
            ),
            (S::ClosureRequested, _) => (leader(), Action::SignClosure),
            (S::ClosureSigned, 0) => (
                office(),
                Action::ReturnClosure {
                    reason,
                    deadline: day(),
                },
            ),
            (S::ClosureSigned, _) => match Policy::strict().unmet(&p.checks) {
                Some(Unmet::Acceptance(party)) => (
                    office(),
                    Action::RecordAcceptance {
                        party,
                        signer: "签字人".into(),
                    },
                ),
                Some(Unmet::NoSurvey | Unmet::LowSatisfaction { .. }) => (
                    office(),
                    Action::RecordSurvey {
                        survey: Survey {
                            surveyed: 10,
                            satisfied: if pick.is_multiple_of(2) { 9 } else { 5 },
                        },
                        method: "问卷".into(),
                    },
                ),
                Some(Unmet::NotPosted) => (
                    office(),
                    Action::PostResult {
                        place: "公示栏".into(),
                    },
                ),
                Some(Unmet::PostingRunning) | None => (office(), Action::AcceptClosure),
            },
            (S::Closed, 0) => (office(), Action::Confirm),
            (S::Closed | S::Consolidated, _) => (
                office(),
                Action::Reopen {
                    reason,
                    deadline: day(),
                },
            ),
        }
    }

    impl Policy {
        /// Every closure rule on.
        fn strict() -> Self {
            Self {
                max_extensions: 1,
                three_party: true,
                min_satisfaction: Some(80),
                posting_days: 5,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Every action's code is in the one list the pages go by.
        #[test]
        fn every_action_code_is_in_the_one_list(action in any_action()) {
            prop_assert!(ACTION_CODES.contains(&action.code()), "{}", action.code());
        }

        /// Over random sequences of actions by random actors: no illegal state, never
        /// closed with an open measure, reopened only by a look-back, and exactly one
        /// record per accepted action.
        #[test]
        fn random_histories_keep_the_invariants(strict in any::<bool>(), posting_over in any::<bool>(), steps in proptest::collection::vec((any::<u8>(), any_actor(), any_action()), 1..150)) {
            let policy = if strict { Policy::strict() } else { Policy::default() };
            let mut p = new_problem();
            let mut records = Vec::new();
            let mut accepted = 0;
            for (pick, random_actor, random_action) in &steps {
                // Three steps in four move the problem on; the fourth is anyone doing anything.
                let (actor, action) = if pick % 4 == 0 { (random_actor.clone(), random_action.clone()) } else { natural(&p, pick / 4) };
                let (actor, action) = (&actor, &action);
                let before = p.clone();
                match apply(&p, actor, action, policy) {
                    Ok((mut next, record)) => {
                        if before.state == ProblemState::ClosureSigned && next.state == ProblemState::Closed {
                            prop_assert_eq!(policy.unmet(&before.checks), None, "closed with a closure rule unmet");
                        }
                        // Storage reads the posting period against the calendar; here the
                        // period ends at random.
                        if posting_over && next.checks.posting == Posting::Running {
                            next.checks.posting = Posting::Over;
                        }
                        accepted += 1;
                        prop_assert_eq!(record.from, before.state);
                        prop_assert_eq!(record.to, next.state);
                        prop_assert_eq!(record.actor, actor.user);
                        records.push(record);
                        if before.state.is_closed() && !next.state.is_closed() {
                            prop_assert!(matches!(action, Action::Reopen { .. }), "left closure by {:?}", action);
                        }
                        if next.state != before.state {
                            prop_assert!(matches!(actor.role, Role::Office | Role::Unit | Role::Leader));
                        }
                        p = next;
                    }
                    Err(_) => prop_assert_eq!(&p, &before),
                }
                prop_assert!(p.measures_open <= p.measures);
                prop_assert!(p.long_term_open <= p.measures_open && p.long_term_open <= p.long_term_measures);
                prop_assert!(p.long_term_measures <= p.measures);
                if p.state == ProblemState::LongTermReview {
                    // Under review only long-term measures are open (possibly none, once they
                    // are done and the closure is still to be requested).
                    prop_assert!(p.measures_open == p.long_term_open, "a phase closed with dated measures open");
                }
                prop_assert!(p.extensions <= policy.max_extensions);
                if !matches!(p.state, ProblemState::ClosureSigned | ProblemState::Closed | ProblemState::Consolidated) {
                    prop_assert_eq!(&p.checks, &ClosureChecks::default(), "checks left from an earlier closure");
                }
                if matches!(p.state, ProblemState::ClosureRequested | ProblemState::ClosureSigned | ProblemState::Closed | ProblemState::Consolidated) {
                    prop_assert_eq!(p.measures_open, 0, "closed with open measures");
                    prop_assert!(p.measures > 0);
                }
                if p.state.baseline_frozen() {
                    prop_assert!(p.measures > 0);
                }
            }
            prop_assert_eq!(records.len(), accepted);
        }
    }
}

#[cfg(test)]
mod long_term_tests {
    use super::*;

    #[test]
    fn a_phase_closes_while_long_term_measures_go_on() {
        let office = Actor {
            user: UserId(1),
            role: Role::Office,
            unit: UnitId(1),
            org: UnitId(1),
            units_in_charge: vec![],
            orgs_below: vec![],
        };
        let unit = Actor {
            user: UserId(2),
            role: Role::Unit,
            unit: UnitId(2),
            ..office.clone()
        };
        let mut p = Problem {
            state: ProblemState::InProgress,
            org: UnitId(1),
            lead_unit: UnitId(2),
            leader: None,
            measures: 2,
            measures_open: 2,
            long_term_measures: 1,
            long_term_open: 1,
            extensions: 0,
            extension_pending: false,
            lacking_milestones: 0,
            checks: ClosureChecks::default(),
        };
        let close = Action::ClosePhase {
            summary: "阶段性整改总结".into(),
        };
        assert_eq!(
            apply(&p, &office, &close, Policy::default()),
            Err(Refusal::MeasuresOpen(1))
        );
        p = apply(&p, &unit, &Action::MeasureDone, Policy::default())
            .unwrap()
            .0;
        assert!(
            apply(&p, &unit, &Action::MeasureDone, Policy::default()).is_err(),
            "the long-term measure is not done by the dated path"
        );
        assert_eq!(
            apply(&p, &unit, &close, Policy::default()),
            Err(Refusal::NotYours("close_phase"))
        );
        p = apply(&p, &office, &close, Policy::default()).unwrap().0;
        assert_eq!(p.state, ProblemState::LongTermReview);
        assert!(
            !p.state.is_closed(),
            "a long-term problem stays on the ledger"
        );
        p = apply(&p, &unit, &Action::LongTermMeasureDone, Policy::default())
            .unwrap()
            .0;
        let (p, _) = apply(
            &p,
            &unit,
            &Action::RequestClosure {
                report: "报告".into(),
                evidence: 1,
            },
            Policy::default(),
        )
        .unwrap();
        assert_eq!(p.state, ProblemState::ClosureRequested);
    }
}
