//! Deciding an action: who may take it, the state it leads to and what it changes, the
//! checks it must pass, and the one record it leaves.

use super::{
    Action, ClosureChecks, ClosureRule, Hint, Missing, Party, Policy, Posting, Problem,
    ProblemState, Record, Refusal,
};
use crate::Role;
use crate::access::Actor;

/// Refuses when a text the action must carry is blank.
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
    if !may_take(actor, problem, action) {
        return Err(Refusal::NotYours(action.code()));
    }
    let mut next = problem.clone();
    next.state = transition(problem, actor, action, policy, &mut next)?;
    let record = Record {
        action: action.code(),
        actor: actor.user,
        from: problem.state,
        to: next.state,
        note: action.note(),
    };
    Ok((next, record))
}

/// Whether the actor's role and unit may take the action on this problem.
fn may_take(actor: &Actor, problem: &Problem, action: &Action) -> bool {
    match action {
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
    }
}

/// The state the action leads to from the problem's state, with what it changes in
/// `next`. Only the states an action applies in are listed; in any other the action is
/// refused with its hint ([`Action::wrong_state_hint`], which names one for every
/// action).
fn transition(
    problem: &Problem,
    actor: &Actor,
    action: &Action,
    policy: Policy,
    next: &mut Problem,
) -> Result<ProblemState, Refusal> {
    use ProblemState as S;
    let state = problem.state;
    let wrong = |hint: Hint| Refusal::WrongState { state, hint };
    Ok(match (action, state) {
        (Action::Claim, S::Registered) => S::Claimed,
        (Action::Dispute { reason }, S::Registered) => {
            required(reason, Missing::Reason)?;
            S::Disputed
        }
        (Action::Assign { unit, reason }, S::Disputed) => {
            required(reason, Missing::Reason)?;
            next.lead_unit = *unit;
            // The leader's decision binds: the assigned unit leads without a second claim.
            S::Claimed
        }
        (Action::AddMeasure | Action::AddLongTermMeasure, _) if may_add_measure(problem, actor) => {
            add_measure(next, matches!(action, Action::AddLongTermMeasure));
            state
        }
        (Action::SubmitPlan, S::Claimed) => {
            check_plan_complete(problem)?;
            S::PlanSubmitted
        }
        (Action::SignPlan, S::PlanSubmitted) => S::PlanSigned,
        (Action::CompilePlan, S::PlanSigned) => S::PlanCompiled,
        (Action::ApprovePlan { meeting, .. }, S::PlanCompiled) => {
            required(meeting, Missing::Meeting)?;
            // The office may have added a long measure after the unit submitted.
            if problem.lacking_milestones > 0 {
                return Err(Refusal::MilestonesMissing(problem.lacking_milestones));
            }
            S::InProgress
        }
        (Action::ReturnPlan { reason }, S::PlanSubmitted | S::PlanSigned | S::PlanCompiled) => {
            required(reason, Missing::Reason)?;
            S::Claimed
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
            check_phase_closes(problem)?;
            S::LongTermReview
        }
        (Action::RequestExtension { reason, .. }, S::InProgress) => {
            required(reason, Missing::Reason)?;
            if problem.extension_pending {
                return Err(wrong(Hint::ExtensionPending));
            }
            check_extensions_left(problem, policy)?;
            next.extension_pending = true;
            state
        }
        (Action::Extend { reason, .. }, S::InProgress) => {
            required(reason, Missing::Reason)?;
            if !problem.extension_pending {
                return Err(wrong(Hint::RequestExtensionFirst));
            }
            check_extensions_left(problem, policy)?;
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
        (Action::RequestClosure { report, evidence }, S::InProgress | S::LongTermReview) => {
            check_closure_request(problem, report, *evidence)?;
            S::ClosureRequested
        }
        (Action::SignClosure, S::ClosureRequested) => S::ClosureSigned,
        (Action::RecordAcceptance { party, signer }, S::ClosureSigned) => {
            record_acceptance(problem, policy, *party, signer, next)?;
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
        (Action::AcceptClosure, S::ClosureSigned) => {
            if let Some(unmet) = policy.unmet(&problem.checks) {
                return Err(Refusal::Unmet(unmet));
            }
            S::Closed
        }
        // 留号: back to work on every measure, by the new deadline.
        (Action::ReturnClosure { reason, .. }, S::ClosureRequested | S::ClosureSigned) => {
            required(reason, Missing::Reason)?;
            back_to_work(problem, next);
            S::InProgress
        }
        (Action::Confirm, S::Closed) => S::Consolidated,
        // 回炉.
        (Action::Reopen { reason, .. }, S::Closed | S::Consolidated | S::LongTermReview) => {
            required(reason, Missing::Reason)?;
            back_to_work(problem, next);
            S::InProgress
        }
        _ => return Err(wrong(action.wrong_state_hint())),
    })
}

/// The lead unit drafts until it submits; the office also completes a plan under
/// review and supplements one in progress (补充措施, as after a look-back's 回炉), the
/// frozen deadlines of the others staying as they are.
fn may_add_measure(problem: &Problem, actor: &Actor) -> bool {
    use ProblemState as S;
    problem.state.drafting()
        || (is_office(actor, problem)
            && matches!(
                problem.state,
                S::PlanSubmitted | S::PlanSigned | S::PlanCompiled | S::InProgress
            ))
}

fn add_measure(next: &mut Problem, long_term: bool) {
    next.measures += 1;
    next.measures_open += 1;
    if long_term {
        next.long_term_measures += 1;
        next.long_term_open += 1;
    }
}

/// A plan is submitted with at least one measure, each long one with its milestones.
fn check_plan_complete(problem: &Problem) -> Result<(), Refusal> {
    if problem.measures == 0 {
        return Err(Refusal::NoMeasures);
    }
    if problem.lacking_milestones > 0 {
        return Err(Refusal::MilestonesMissing(problem.lacking_milestones));
    }
    Ok(())
}

/// A phase closes (进入长期整改) with long-term measures open and every dated one done.
fn check_phase_closes(problem: &Problem) -> Result<(), Refusal> {
    if problem.long_term_open == 0 {
        return Err(Refusal::WrongState {
            state: problem.state,
            hint: Hint::PhaseOnlyWithLongTerm,
        });
    }
    if problem.measures_open > problem.long_term_open {
        return Err(Refusal::MeasuresOpen(
            problem.measures_open - problem.long_term_open,
        ));
    }
    Ok(())
}

fn check_extensions_left(problem: &Problem, policy: Policy) -> Result<(), Refusal> {
    if problem.extensions >= policy.max_extensions {
        return Err(Refusal::TooManyExtensions(policy.max_extensions));
    }
    Ok(())
}

/// Closure is requested with every measure done, a report and at least one file of
/// evidence.
fn check_closure_request(problem: &Problem, report: &str, evidence: u32) -> Result<(), Refusal> {
    if problem.measures == 0 {
        return Err(Refusal::NoMeasures);
    }
    if problem.measures_open > 0 {
        return Err(Refusal::MeasuresOpen(problem.measures_open));
    }
    required(report, Missing::Report)?;
    if evidence == 0 {
        return Err(Refusal::Missing(Missing::Evidence));
    }
    Ok(())
}

/// 三方验收: one signature per party, where the organisation asks for it.
fn record_acceptance(
    problem: &Problem,
    policy: Policy,
    party: Party,
    signer: &str,
    next: &mut Problem,
) -> Result<(), Refusal> {
    if !policy.three_party {
        return Err(Refusal::NotRequired(ClosureRule::Acceptance));
    }
    required(signer, Missing::Signer)?;
    if problem.checks.accepted_by.contains(&party) {
        return Err(Refusal::WrongState {
            state: problem.state,
            hint: Hint::OneSignaturePerParty,
        });
    }
    next.checks.accepted_by.push(party);
    Ok(())
}

/// Every measure open again and the closure checks cleared.
fn back_to_work(problem: &Problem, next: &mut Problem) {
    next.measures_open = problem.measures;
    next.long_term_open = problem.long_term_measures;
    next.checks = ClosureChecks::default();
}
