//! Why an action is refused, and the hints that say what would make it possible.

use super::{Action, Party, ProblemState};

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

impl Action {
    /// What a problem in a state the action does not apply in is told: one hint for
    /// every action, so that a new action cannot go without one.
    pub fn wrong_state_hint(&self) -> Hint {
        match self {
            Action::Claim => Hint::OnlyRegisteredClaimed,
            Action::Dispute { .. } => Hint::DisputeBeforeClaiming,
            Action::Assign { .. } => Hint::LeaderDecidesDisputes,
            Action::AddMeasure | Action::AddLongTermMeasure => Hint::MeasuresAfterSubmission,
            Action::SubmitPlan => Hint::ClaimAndDraftFirst,
            Action::SignPlan => Hint::AwaitSubmission,
            Action::CompilePlan => Hint::AwaitSignature,
            Action::ApprovePlan { .. } => Hint::CompileFirst,
            Action::ReturnPlan { .. } => Hint::OnlyPlanUnderReviewReturns,
            Action::ClosePhase { .. } => Hint::PhaseWhileInProgress,
            Action::MeasureDone | Action::LongTermMeasureDone => Hint::MeasuresAfterApproval,
            Action::RequestExtension { .. }
            | Action::Extend { .. }
            | Action::RefuseExtension { .. } => Hint::ExtendWhileInProgress,
            Action::RequestClosure { .. } => Hint::ClosureWhileInProgress,
            Action::SignClosure => Hint::RequestClosureFirst,
            Action::RecordAcceptance { .. }
            | Action::RecordSurvey { .. }
            | Action::PostResult { .. } => Hint::ChecksAfterSignature,
            Action::AcceptClosure => Hint::SignClosureFirst,
            Action::ReturnClosure { .. } => Hint::OnlyClosureRequestReturns,
            Action::Confirm => Hint::ConfirmClosedOnly,
            Action::Reopen { .. } => Hint::ReopenClosedOnly,
        }
    }
}
