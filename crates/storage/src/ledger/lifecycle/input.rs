//! A step as a form or the API sends it ([`StepInput`]), read into the domain's action;
//! each bad field is named.

use chrono::NaiveDate;
use serde::Deserialize;
use zhenggai_domain::UnitId;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::lifecycle::{Action, Party, Survey};
use zhenggai_domain::reason::{Choose, Rule};
use zhenggai_domain::validate::{Checker, FieldError, Why};

/// A step as sent by a form or the API: the action and what it carries.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StepInput {
    /// claim, dispute, assign, submit_plan, sign_plan, compile_plan, approve_plan,
    /// return_plan, extend, close_phase, request_closure, sign_closure, accept_closure,
    /// return_closure, confirm, reopen.
    pub action: String,
    /// Why (dispute, assign, return_plan, extend, return_closure, reopen).
    pub reason: String,
    /// The unit the leader assigns (assign).
    pub unit_id: Option<i64>,
    /// The Party committee meeting that approved the plan (approve_plan).
    pub meeting: String,
    /// Its date, YYYY-MM-DD (approve_plan).
    pub meeting_date: String,
    /// The special report (request_closure), or the phase summary (close_phase).
    pub report: String,
    /// The measure to extend (extend).
    pub measure_id: Option<i64>,
    /// The new deadline: words for an extension (2024年7月底前), a date YYYY-MM-DD for a
    /// return or a reopening (限时办结).
    pub deadline: String,
    /// The look-back round a confirm or reopen decides for (回头看).
    pub round_id: Option<i64>,
    /// The party signing the acceptance (record_acceptance): inspection_office,
    /// inspection_group or inspected_unit.
    pub party: String,
    /// Who signed for the party (record_acceptance).
    pub signer: String,
    /// People asked (record_survey).
    pub surveyed: Option<u32>,
    /// Of them, satisfied (record_survey).
    pub satisfied: Option<u32>,
    /// How they were asked: 问卷、座谈、走访 … (record_survey).
    pub method: String,
    /// Where the result is posted (post_result).
    pub place: String,
    /// The signer's opinion (审定意见、销号审核意见), optional, kept with the step's
    /// record (sign_plan, sign_closure, accept_closure, return_closure).
    pub opinion: String,
    /// The measures that go with the problem to the assigned unit (assign); absent,
    /// every measure the former lead unit led goes.
    pub carry_measure_ids: Option<Vec<i64>>,
}

/// A step read into the domain's action, with the extension's measure and deadline.
pub(super) type ReadStep = (Action, Option<(i64, Deadline)>);

/// Reads a step's input into a domain action; each bad field is named.
pub(super) fn action_of(
    input: &StepInput,
    feedback: NaiveDate,
    evidence: usize,
) -> Result<ReadStep, Vec<FieldError>> {
    let mut c = Checker::default();
    let reason = input.reason.trim().to_string();
    let date = |c: &mut Checker, field: &str, v: &str| c.date(field, v).unwrap_or_default();
    let mut extension = None;
    let action = match input.action.trim() {
        "claim" => Action::Claim,
        "dispute" => Action::Dispute { reason },
        "assign" => match input.unit_id.filter(|u| *u > 0) {
            Some(u) => Action::Assign {
                unit: UnitId(u),
                reason,
            },
            None => {
                c.push(FieldError::because(
                    "unit_id",
                    Why::Choose(Choose::LeadingUnit),
                ));
                Action::Assign {
                    unit: UnitId(0),
                    reason,
                }
            }
        },
        "submit_plan" => Action::SubmitPlan,
        "sign_plan" => Action::SignPlan,
        "compile_plan" => Action::CompilePlan,
        "approve_plan" => {
            let on = date(&mut c, "meeting_date", &input.meeting_date);
            Action::ApprovePlan {
                meeting: input.meeting.trim().to_string(),
                on,
            }
        }
        "return_plan" => Action::ReturnPlan { reason },
        "extend" => Action::Extend {
            to: NaiveDate::default(),
            reason,
        },
        "refuse_extension" => Action::RefuseExtension { reason },
        "request_extension" => {
            let measure = input.measure_id.filter(|m| *m > 0);
            if measure.is_none() {
                c.push(FieldError::because(
                    "measure_id",
                    Why::Choose(Choose::MeasureToExtend),
                ));
            }
            let to = match Deadline::parse(&input.deadline, feedback) {
                Ok(d) if d.kind == DeadlineKind::Dated && d.date.is_some() => {
                    let to = d.date.unwrap_or_default();
                    if let Some(m) = measure {
                        extension = Some((m, d));
                    }
                    to
                }
                Ok(_) => {
                    c.push(FieldError::because(
                        "deadline",
                        Why::Rule(Rule::ExtensionUndated),
                    ));
                    NaiveDate::default()
                }
                Err(e) => {
                    c.push(e.at("deadline"));
                    NaiveDate::default()
                }
            };
            Action::RequestExtension { to, reason }
        }
        "request_closure" => Action::RequestClosure {
            report: input.report.trim().to_string(),
            evidence: u32::try_from(evidence).unwrap_or(u32::MAX),
        },
        "record_acceptance" => match Party::from_code(input.party.trim()) {
            Some(party) => Action::RecordAcceptance {
                party,
                signer: input.signer.trim().to_string(),
            },
            None => {
                c.push(FieldError::because("party", Why::Choose(Choose::Party)));
                Action::SignClosure
            }
        },
        "record_survey" => {
            for (field, v) in [("surveyed", input.surveyed), ("satisfied", input.satisfied)] {
                if v.is_none() {
                    c.push(FieldError::because(field, Why::RequiredNumber));
                }
            }
            Action::RecordSurvey {
                survey: Survey {
                    surveyed: input.surveyed.unwrap_or(0),
                    satisfied: input.satisfied.unwrap_or(0),
                },
                method: input.method.trim().to_string(),
            }
        }
        "post_result" => Action::PostResult {
            place: input.place.trim().to_string(),
        },
        "close_phase" => Action::ClosePhase {
            summary: input.report.trim().to_string(),
        },
        "sign_closure" => Action::SignClosure,
        "accept_closure" => Action::AcceptClosure,
        "return_closure" => Action::ReturnClosure {
            reason,
            deadline: date(&mut c, "deadline", &input.deadline),
        },
        "confirm" => Action::Confirm,
        "reopen" => Action::Reopen {
            reason,
            deadline: date(&mut c, "deadline", &input.deadline),
        },
        _ => {
            c.push(FieldError::because("action", Why::Choose(Choose::Action)));
            Action::Claim
        }
    };
    c.finish()?;
    Ok((action, extension))
}

/// The steps a signer writes an opinion with: the sign-offs and the return of a
/// closure request (留号).
pub const OPINION_STEPS: [&str; 4] = [
    "sign_plan",
    "sign_closure",
    "accept_closure",
    "return_closure",
];

/// The opinion sent with a step, checked: optional, at most 500 characters, and only
/// for the steps that carry one (any other step's is refused rather than dropped).
pub(super) fn opinion_of(input: &StepInput) -> Result<Option<String>, Vec<FieldError>> {
    let mut c = Checker::default();
    let opinion = c.optional_text("opinion", &input.opinion, 500);
    if opinion.is_some() && !OPINION_STEPS.contains(&input.action.trim()) {
        c.push(FieldError::because("opinion", Why::Rule(Rule::NoOpinion)));
    }
    c.finish()?;
    Ok(opinion)
}
