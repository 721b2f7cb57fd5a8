//! The actions that move a problem, their codes and the note each records.

use super::{Party, Survey};
use crate::UnitId;
use chrono::NaiveDate;

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
    pub(super) fn note(&self) -> Option<String> {
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
