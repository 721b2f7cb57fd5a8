//! A refused step as the person reads it: the records that block it named (the measures
//! still open, those lacking milestones) and, when their role or unit may not take it,
//! who may.

use chrono::NaiveDate;
use sqlx::AnyConnection;
use zhenggai_domain::ProblemId;
use zhenggai_domain::lifecycle::{self, Action, Refusal};
use zhenggai_domain::reason::{Blocking, Refused, StepParty};
use zhenggai_domain::validate::{FieldError, Why};

use super::facts::lacking_measures;
use crate::error::{StoreError, StoreResult};

/// A refused step, with the records that block it named (the measures still open, those
/// lacking milestones) and, when the role or unit may not take it, who may.
pub(super) async fn refused_step(
    conn: &mut AnyConnection,
    problem: &lifecycle::Problem,
    feedback: NaiveDate,
    id: ProblemId,
    action: &Action,
    r: Refusal,
) -> StoreError {
    match blockers(conn, problem, feedback, id, action, &r).await {
        Ok(Some(e)) => e,
        Ok(None) => refusal(r),
        Err(e) => e,
    }
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

async fn blockers(
    conn: &mut AnyConnection,
    problem: &lifecycle::Problem,
    feedback: NaiveDate,
    id: ProblemId,
    action: &Action,
    r: &Refusal,
) -> StoreResult<Option<StoreError>> {
    let measure = |(id, ordinal, content): (i64, i64, String)| {
        crate::error::Blocker::measure(id, format!("{ordinal}. {}", short(&content)))
    };
    Ok(Some(match r {
        Refusal::MeasuresOpen(n) => {
            // A phase closes with its long-term measures still going on.
            let dated_only = matches!(action, Action::ClosePhase { .. });
            let rows = sqlx::query_as::<_, OpenMeasure>(
                "SELECT id, ordinal, content FROM measures WHERE problem_id = $1 AND withdrawn_at IS NULL \
                 AND state <> 'done' AND (deadline_kind <> 'long_term' OR $2 = 0) ORDER BY ordinal, id",
            )
            .bind(id.0)
            .bind(i64::from(dated_only))
            .fetch_all(&mut *conn)
            .await?;
            let records = rows
                .into_iter()
                .map(|r| measure((r.id, r.ordinal, r.content)))
                .collect();
            StoreError::blocked(Blocking::MeasuresOpen { n: *n, dated_only }, records)
        }
        Refusal::MilestonesMissing(n) => {
            let list = lacking_measures(conn, id, problem.org, feedback).await?;
            StoreError::blocked(
                Blocking::MilestonesMissing { n: *n },
                list.into_iter().map(measure).collect(),
            )
        }
        Refusal::NotYours(_) => {
            let lead: Option<String> = sqlx::query_scalar("SELECT name FROM units WHERE id = $1")
                .bind(problem.lead_unit.0)
                .fetch_optional(&mut *conn)
                .await?;
            StoreError::refused(Refused::StepBy {
                party: party_of(action),
                lead_unit: lead.unwrap_or_default(),
            })
        }
        _ => return Ok(None),
    }))
}

/// A measure still open, named in the refusal.
#[derive(sqlx::FromRow)]
struct OpenMeasure {
    id: i64,
    ordinal: i64,
    content: String,
}

/// Who takes a step, as the refusal names them.
fn party_of(action: &Action) -> StepParty {
    match action {
        Action::Claim
        | Action::Dispute { .. }
        | Action::SubmitPlan
        | Action::MeasureDone
        | Action::LongTermMeasureDone
        | Action::RequestExtension { .. }
        | Action::RequestClosure { .. } => StepParty::LeadUnit,
        Action::Assign { .. }
        | Action::SignPlan
        | Action::SignClosure
        | Action::Extend { .. }
        | Action::RefuseExtension { .. } => StepParty::Leader,
        Action::ReturnPlan { .. } | Action::ReturnClosure { .. } => StepParty::LeaderOrOffice,
        Action::AddMeasure | Action::AddLongTermMeasure => StepParty::LeadUnitOrOffice,
        Action::RecordAcceptance { .. } => StepParty::OfficeOrInspectors,
        _ => StepParty::Office,
    }
}

/// A refusal as data, at the field it concerns; the web layer words it.
fn refusal(r: Refusal) -> StoreError {
    match r {
        Refusal::NotYours(_) => StoreError::refused(Refused::NotYourStep),
        Refusal::Missing(what) => {
            StoreError::Invalid(vec![FieldError::because(what.field(), Why::Refused(r))])
        }
        other => StoreError::Invalid(vec![FieldError::because("action", Why::Refused(other))]),
    }
}
