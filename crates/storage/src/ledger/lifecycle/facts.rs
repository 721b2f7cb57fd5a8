//! The facts a step is decided on, read in one place: the problem as the domain's
//! state machine sees it, its organisation's closure rules, and what its state needs
//! besides — the measures lacking milestones while the plan is made, and the closure
//! checks (三方验收, 满意度测评, 公示) recorded since the latest closure request.

use chrono::NaiveDate;
use sqlx::AnyConnection;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::lifecycle::{
    self, ClosureChecks, Party, Policy, Posting, ProblemState, Survey,
};
use zhenggai_domain::schedule::needs_milestones;
use zhenggai_domain::{ProblemId, UnitId, UserId};

use crate::db::rows::{code_of, opt_code_of};
use crate::db::sql::parse_day;
use crate::error::{StoreError, StoreResult};
use crate::settings::closure_rules;

/// What the state machine decides on, read in one place.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The problem as the domain sees it.
    pub problem: lifecycle::Problem,
    /// Its organisation's rules.
    pub policy: Policy,
    /// Its inspection's feedback date (deadline words are read against it).
    pub feedback: NaiveDate,
    /// The problem row's version.
    pub version: i64,
    /// When the current posting period ends, if the result is posted.
    pub posted_until: Option<NaiveDate>,
}

/// A problem's lead unit (problems `p`): its own, or its first measure's.
macro_rules! lead_unit {
    () => {
        "COALESCE(p.lead_unit_id, (SELECT m.lead_unit_id FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL ORDER BY m.ordinal LIMIT 1))"
    };
}
pub(super) use lead_unit;

/// The columns of a problem the state machine decides on (problems `p`, inspections
/// `i`), named as [`FactsRow`] reads them.
pub(super) const FACT_COLUMNS: &str = concat!(
    "p.state, i.org_id, ",
    lead_unit!(),
    " AS lead_unit_id, \
    p.leader_id, p.extensions, i.feedback_date, p.version, \
    (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL) AS measures, \
    (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.state <> 'done') AS measures_open, \
    (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.deadline_kind = 'long_term') AS long_term_measures, \
    (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.deadline_kind = 'long_term' AND m.state <> 'done') AS long_term_open, \
    (SELECT COUNT(*) FROM extension_requests e WHERE e.problem_id = p.id AND e.decision IS NULL) AS extensions_pending"
);

/// The facts the state machine decides on, read in the transaction.
pub async fn facts(
    conn: &mut AnyConnection,
    id: ProblemId,
    today: NaiveDate,
) -> StoreResult<Facts> {
    let row = sqlx::query_as::<_, FactsRow>(&format!(
        "SELECT {FACT_COLUMNS} FROM problems p JOIN inspections i ON i.id = p.inspection_id \
         WHERE p.id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL"
    ))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let (problem, feedback, version) = row.read()?;
    let policy = closure_rules::get(&mut *conn, problem.org).await?.policy();
    complete_facts(conn, id, problem, policy, feedback, version, today).await
}

/// A problem's facts as [`FACT_COLUMNS`] selects them.
#[derive(sqlx::FromRow)]
pub(super) struct FactsRow {
    state: String,
    org_id: i64,
    lead_unit_id: Option<i64>,
    leader_id: Option<i64>,
    extensions: i64,
    feedback_date: String,
    version: i64,
    measures: i64,
    measures_open: i64,
    long_term_measures: i64,
    long_term_open: i64,
    extensions_pending: i64,
}

impl FactsRow {
    /// The problem as the state machine sees it, with its feedback date and version;
    /// what only some states need is read by [`complete_facts`].
    pub(super) fn read(self) -> Result<(lifecycle::Problem, NaiveDate, i64), sqlx::Error> {
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        let problem = lifecycle::Problem {
            state: code_of("problems", "state", &self.state)?,
            org: UnitId(self.org_id),
            lead_unit: UnitId(self.lead_unit_id.unwrap_or(0)),
            leader: self.leader_id.map(UserId),
            extensions: count(self.extensions),
            measures: count(self.measures),
            measures_open: count(self.measures_open),
            long_term_measures: count(self.long_term_measures),
            long_term_open: count(self.long_term_open),
            extension_pending: count(self.extensions_pending) > 0,
            lacking_milestones: 0,
            checks: ClosureChecks::default(),
        };
        let feedback = parse_day(&self.feedback_date).unwrap_or_default();
        Ok((problem, feedback, self.version))
    }
}

/// The facts of a problem read by [`FactsRow`], with what its state needs besides.
pub(super) async fn complete_facts(
    conn: &mut AnyConnection,
    id: ProblemId,
    problem: lifecycle::Problem,
    policy: Policy,
    feedback: NaiveDate,
    version: i64,
    today: NaiveDate,
) -> StoreResult<Facts> {
    // Milestones matter only while the plan is made (S10).
    let lacking_milestones = if matches!(
        problem.state,
        ProblemState::Claimed
            | ProblemState::PlanSubmitted
            | ProblemState::PlanSigned
            | ProblemState::PlanCompiled
    ) {
        lacking(&mut *conn, id, problem.org, feedback).await?
    } else {
        0
    };
    // Checks count only once the leader has signed the closure request off; the home
    // page's waiting list asks for every open problem and need not read them.
    let (checks, posted_until) = if matches!(
        problem.state,
        ProblemState::ClosureSigned | ProblemState::Closed | ProblemState::Consolidated
    ) {
        closure_checks(conn, id, today).await?
    } else {
        (ClosureChecks::default(), None)
    };
    Ok(Facts {
        problem: lifecycle::Problem {
            checks,
            lacking_milestones,
            ..problem
        },
        policy,
        feedback,
        version,
        posted_until,
    })
}

/// What was recorded for the closure rules since the problem's latest closure request,
/// with the end of the posting period if the result is posted.
async fn closure_checks(
    conn: &mut AnyConnection,
    id: ProblemId,
    today: NaiveDate,
) -> StoreResult<(ClosureChecks, Option<NaiveDate>)> {
    let rows = sqlx::query_as::<_, CheckRow>(
        "SELECT kind, party, surveyed, satisfied, posted_until FROM closure_checks \
         WHERE problem_id = $1 AND event_id > COALESCE((SELECT MAX(id) FROM problem_events WHERE problem_id = $1 AND action = 'request_closure'), 0) \
         ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    let mut checks = ClosureChecks::default();
    let mut until = None;
    for r in rows {
        match r.kind.as_str() {
            "acceptance" => {
                if let Some(p) =
                    opt_code_of::<Party>("closure_checks", "party", r.party.as_deref())?
                {
                    checks.accepted_by.push(p);
                }
            }
            "survey" => {
                let n = |v: Option<i64>| u32::try_from(v.unwrap_or(0)).unwrap_or(0);
                checks.survey = Some(Survey {
                    surveyed: n(r.surveyed),
                    satisfied: n(r.satisfied),
                });
            }
            "posting" => {
                let end = r.posted_until.as_deref().and_then(parse_day);
                // The period's last day is still a posting day.
                checks.posting = if end.is_some_and(|e| e < today) {
                    Posting::Over
                } else {
                    Posting::Running
                };
                until = end;
            }
            _ => {}
        }
    }
    Ok((checks, until))
}

/// A closure check as [`closure_checks`] reads it.
#[derive(sqlx::FromRow)]
struct CheckRow {
    kind: String,
    party: Option<String>,
    surveyed: Option<i64>,
    satisfied: Option<i64>,
    posted_until: Option<String>,
}

/// How many of a problem's measures run longer than the organisation's limit without
/// a milestone (for the lifecycle's plan steps).
pub(super) async fn lacking(
    conn: &mut AnyConnection,
    problem: ProblemId,
    org: zhenggai_domain::UnitId,
    feedback: NaiveDate,
) -> StoreResult<u32> {
    let list = lacking_measures(conn, problem, org, feedback).await?;
    Ok(u32::try_from(list.len()).unwrap_or(u32::MAX))
}

/// The measures of a problem that need milestones and have none, as the refusal names
/// them: id, number, content.
pub(super) async fn lacking_measures(
    conn: &mut AnyConnection,
    problem: ProblemId,
    org: zhenggai_domain::UnitId,
    feedback: NaiveDate,
) -> StoreResult<Vec<(i64, i64, String)>> {
    let months = crate::settings::warning_rules::get(&mut *conn, org)
        .await?
        .rules
        .milestone_months;
    let rows = sqlx::query_as::<_, LackingRow>(
        "SELECT m.deadline_text, m.deadline_date, \
         (SELECT COUNT(*) FROM milestones s WHERE s.measure_id = m.id AND s.withdrawn_at IS NULL) AS milestones, \
         m.id, m.ordinal, m.content \
         FROM measures m WHERE m.problem_id = $1 AND m.withdrawn_at IS NULL AND m.deadline_kind = 'dated' \
         ORDER BY m.ordinal, m.id",
    )
    .bind(problem.0)
    .fetch_all(conn)
    .await?;
    let mut list = Vec::new();
    for r in rows {
        let deadline = Deadline {
            text: r.deadline_text,
            kind: DeadlineKind::Dated,
            date: r.deadline_date.as_deref().and_then(parse_day),
            precision: None,
        };
        if needs_milestones(feedback, &deadline, months) && r.milestones == 0 {
            list.push((r.id, r.ordinal, r.content));
        }
    }
    Ok(list)
}

/// A dated measure with how many milestones it has, as [`lacking_measures`] reads it.
#[derive(sqlx::FromRow)]
struct LackingRow {
    deadline_text: String,
    deadline_date: Option<String>,
    milestones: i64,
    id: i64,
    ordinal: i64,
    content: String,
}
