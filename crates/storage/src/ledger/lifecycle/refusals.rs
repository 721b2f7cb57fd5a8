//! A refused step as the person reads it: the records that block it named (the measures
//! still open, those lacking milestones) and, when their role or unit may not take it,
//! who may.

use chrono::NaiveDate;
use sqlx::{AnyConnection, Row};
use zhenggai_domain::ProblemId;
use zhenggai_domain::lifecycle::{self, Action, Refusal};
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
            let rows = sqlx::query(
                "SELECT id, ordinal, content FROM measures WHERE problem_id = $1 AND withdrawn_at IS NULL \
                 AND state <> 'done' AND (deadline_kind <> 'long_term' OR $2 = 0) ORDER BY ordinal, id",
            )
            .bind(id.0)
            .bind(i64::from(dated_only))
            .fetch_all(&mut *conn)
            .await?;
            let records = rows
                .iter()
                .map(|r| Ok(measure((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))))
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            StoreError::blocked(
                format!(
                    "还有{n}条措施未完成，不能{}。请由各措施的牵头单位在措施页面报送进展并标记完成，全部完成后再办理。",
                    if dated_only {
                        "阶段性销号"
                    } else {
                        "申请销号"
                    }
                ),
                format!(
                    "{n} measure(s) are still open. Their lead units report progress and mark each done on the measure's page; then try again."
                ),
                records,
            )
        }
        Refusal::MilestonesMissing(n) => {
            let list = lacking_measures(conn, id, problem.org, feedback).await?;
            StoreError::blocked(
                format!(
                    "有{n}条措施的整改期限超过本单位规定的月数，须先在措施页面分解阶段目标，然后再报送或审批方案。"
                ),
                format!(
                    "{n} measure(s) run longer than the organisation's limit: give each milestones on its page, then submit or approve the plan."
                ),
                list.into_iter().map(measure).collect(),
            )
        }
        Refusal::NotYours(_) => {
            let lead: Option<String> = sqlx::query("SELECT name FROM units WHERE id = $1")
                .bind(problem.lead_unit.0)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
            let lead = lead.unwrap_or_default();
            let (zh, en) = match action {
                Action::Claim
                | Action::Dispute { .. }
                | Action::SubmitPlan
                | Action::MeasureDone
                | Action::LongTermMeasureDone
                | Action::RequestExtension { .. }
                | Action::RequestClosure { .. } => (
                    format!("该问题的牵头单位（{lead}）"),
                    format!("the problem's lead unit ({lead})"),
                ),
                Action::Assign { .. }
                | Action::SignPlan
                | Action::SignClosure
                | Action::Extend { .. }
                | Action::RefuseExtension { .. } => (
                    "分管该问题的领导".to_string(),
                    "the leader in charge of the problem".to_string(),
                ),
                Action::ReturnPlan { .. } | Action::ReturnClosure { .. } => (
                    "分管领导或整改办".to_string(),
                    "the leader in charge or the office".to_string(),
                ),
                Action::AddMeasure | Action::AddLongTermMeasure => (
                    format!("牵头单位（{lead}）或整改办"),
                    format!("the lead unit ({lead}) or the office"),
                ),
                Action::RecordAcceptance { .. } => (
                    "整改办（巡察办、巡察组也可签本方）".to_string(),
                    "the office (the inspecting side may sign its own parts)".to_string(),
                ),
                _ => ("整改办".to_string(), "the office".to_string()),
            };
            StoreError::refused(
                format!("这一步只能由{zh}办理，您的角色或单位不能办理。如需推进，请联系{zh}。"),
                format!("Only {en} takes this step, not your role or unit: ask them to."),
            )
        }
        _ => return Ok(None),
    }))
}

/// A refusal as data, at the field it concerns; the web layer words it.
pub(super) fn refusal(r: Refusal) -> StoreError {
    match r {
        Refusal::NotYours(_) => StoreError::Forbidden,
        Refusal::Missing(what) => {
            StoreError::Invalid(vec![FieldError::because(what.field(), Why::Refused(r))])
        }
        other => StoreError::Invalid(vec![FieldError::because("action", Why::Refused(other))]),
    }
}
