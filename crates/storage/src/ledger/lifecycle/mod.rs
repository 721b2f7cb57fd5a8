//! Taking lifecycle steps on a problem (认领 … 销号 … 回头看): reads the facts, asks the
//! domain's state machine (`zhenggai_domain::lifecycle`), and writes the outcome — the
//! new state, its side effects, one event — in one transaction with its audit entries.
//!
//! Its parts: [`input`] (the step as sent, read into the domain's action), [`facts`]
//! (what the state machine decides on, with the closure checks recorded), [`refusals`]
//! (a refused step, with what blocks it), [`effects`] (what an accepted step writes
//! besides the state), [`history`] (the steps taken, as the page shows them) and
//! [`offered`] (what a person may do now, and the problems waiting for them).

mod effects;
pub mod facts;
pub mod history;
pub mod input;
pub mod offered;
mod refusals;

use chrono::NaiveDate;
use zhenggai_domain::access::Actor;
use zhenggai_domain::clock::china_date;
use zhenggai_domain::deadline::Deadline;
use zhenggai_domain::lifecycle::{self, Action, ProblemState};
use zhenggai_domain::reason::{Choose, Foreign, Rule};
use zhenggai_domain::validate::{Checker, Why};
use zhenggai_domain::{ProblemId, UnitId};
use zhenggai_domain::{happened, new_deadline};

use self::effects::Accepted;
use self::facts::{Facts, facts};
use self::input::{StepInput, action_of, opinion_of};
use self::refusals::refused_step;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, beijing_day, parse_day};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::files::{FileStore, Sent, Stored, check_uploads, store_uploads};
use crate::ledger::problems;

/// Takes a step with the files sent with it. Returns the problem's new state.
pub async fn step(
    db: &Db,
    store: &dyn FileStore,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    input: &StepInput,
    sent: Sent<'_>,
) -> StoreResult<ProblemState> {
    // Reading the problem first answers 404 for those who may not know of it; a refusal
    // after that is a 403.
    problems::get(db, actor, id).await?;
    let mut c = Checker::default();
    let checked = check_uploads(&mut c, sent.files, sent.limits);
    c.finish()?;
    let stored = store_uploads(store, &checked).await?;
    db.write(async |tx| step_in(tx, actor, change, id, input, &stored).await)
        .await
}

/// Takes a step inside a transaction the caller commits (also the demo loader). The
/// caller has checked that the actor may read the problem.
pub async fn step_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    input: &StepInput,
    files: &[Stored],
) -> StoreResult<ProblemState> {
    let today = china_date(change.at);
    let Facts {
        problem,
        policy,
        feedback,
        version,
        ..
    } = facts(tx.conn(), id, today).await?;
    let (action, extension) = action_of(input, feedback, files.len())?;
    let opinion = opinion_of(input)?;
    check_assignee(tx, &action, problem.org).await?;
    let pending = history::pending_extension(tx, id).await?;
    let action = with_deadline_asked(action, pending.as_ref());
    let (next, mut record) = match lifecycle::apply(&problem, actor, &action, policy) {
        Ok(decided) => decided,
        Err(r) => return Err(refused_step(tx.conn(), &problem, feedback, id, &action, r).await),
    };
    check_dates(tx, id, &action, today).await?;
    check_extended_measure(tx, id, extension.as_ref()).await?;
    write_state(tx, change, id, version, (&problem, &next), record.action).await?;
    let step = Accepted {
        actor,
        change,
        id,
        problem: &problem,
        action: &action,
        code: record.action,
    };
    if let Some(note) =
        effects::apply(tx, &step, input, extension.as_ref(), pending.as_ref()).await?
    {
        record.note = Some(note);
    }
    let event = effects::record_event(tx, actor, change, id, &record, opinion.as_deref()).await?;
    effects::record_checks(tx, change, id, event, &action, policy).await?;
    effects::attach_files(tx, &step, event, files).await?;
    Ok(next.state)
}

/// A problem is assigned only to a department of its own organisation.
async fn check_assignee(tx: &mut Tx, action: &Action, org: UnitId) -> StoreResult<()> {
    let Action::Assign { unit, .. } = action else {
        return Ok(());
    };
    let ok = sqlx::query("SELECT 1 FROM units WHERE id = $1 AND org_id = $2 AND kind = 'dept' AND withdrawn_at IS NULL")
        .bind(unit.0)
        .bind(org.0)
        .fetch_optional(tx.conn())
        .await?
        .is_some();
    if ok {
        Ok(())
    } else {
        Err(StoreError::because(
            "unit_id",
            Why::Choose(Choose::Department),
        ))
    }
}

/// Approving an extension applies the pending request: its measure and its deadline.
fn with_deadline_asked(action: Action, pending: Option<&(i64, i64, Deadline)>) -> Action {
    match (action, pending) {
        (Action::Extend { reason, .. }, Some((_, _, d))) => Action::Extend {
            to: d.date.unwrap_or_default(),
            reason,
        },
        (other, _) => other,
    }
}

/// The days a step names: a new deadline (留号, 回炉, 延期) lies on or after the day of
/// the step; the meeting that approved the plan has been held, after the plan was
/// compiled.
async fn check_dates(
    tx: &mut Tx,
    id: ProblemId,
    action: &Action,
    today: NaiveDate,
) -> StoreResult<()> {
    new_deadline::check_action(action, today)
        .map_err(|e| StoreError::Invalid(vec![e.field_error()]))?;
    if let Action::ApprovePlan { on, .. } = action {
        happened::check(happened::Event::PlanApproved, *on, today)
            .map_err(|e| StoreError::Invalid(vec![e.field_error()]))?;
        let compiled: Option<String> = sqlx::query_scalar(
            "SELECT MAX(at) FROM problem_events WHERE problem_id = $1 AND action = 'compile_plan'",
        )
        .bind(id.0)
        .fetch_one(tx.conn())
        .await?;
        let earliest = compiled.as_deref().and_then(beijing_day);
        happened::check_after(happened::Event::PlanApproved, *on, earliest)
            .map_err(|e| StoreError::Invalid(vec![e.field_error()]))?;
    }
    Ok(())
}

/// The measure an extension is asked for belongs to the problem, and the deadline asked
/// for is later than the measure's: an earlier day is no extension (延期), and would move
/// an overdue measure out of the red by a leader's approval.
async fn check_extended_measure(
    tx: &mut Tx,
    id: ProblemId,
    extension: Option<&(i64, Deadline)>,
) -> StoreResult<()> {
    let Some((measure, asked)) = extension else {
        return Ok(());
    };
    let current: Option<Option<String>> = sqlx::query_scalar(
        "SELECT deadline_date FROM measures WHERE id = $1 AND problem_id = $2 AND withdrawn_at IS NULL",
    )
    .bind(*measure)
    .bind(id.0)
    .fetch_optional(tx.conn())
    .await?;
    let Some(current) = current else {
        return Err(StoreError::because(
            "measure_id",
            Why::Foreign(Foreign::MeasureOfProblem),
        ));
    };
    match (current.as_deref().and_then(parse_day), asked.date) {
        (Some(current), Some(asked)) if asked <= current => Err(StoreError::because(
            "deadline",
            Why::Rule(Rule::ExtensionNotLater { current }),
        )),
        _ => Ok(()),
    }
}

/// The problem's new state, extensions and lead unit, over the version its facts were
/// read at.
async fn write_state(
    tx: &mut Tx,
    change: Change<'_>,
    id: ProblemId,
    version: i64,
    (was, next): (&lifecycle::Problem, &lifecycle::Problem),
    code: &str,
) -> StoreResult<()> {
    let mut set = Sql::new("state = ");
    set.bind(next.state.code())
        .push(", extensions = ")
        .bind(i64::from(next.extensions));
    if next.lead_unit != was.lead_unit {
        set.push(", lead_unit_id = ").bind(next.lead_unit.0);
    }
    audit::versions::update(tx, change, code, Entity::Problem, id.0, version, &set).await?;
    Ok(())
}

/// A measure joins a problem's plan (拟定措施, or the office's 补充措施 after approval):
/// the state machine decides, and the step is recorded. Answers whether the plan is
/// approved, so that the new measure's deadline is frozen as its baseline at once.
pub(crate) async fn add_measure(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    long_term: bool,
) -> StoreResult<bool> {
    let f = facts(tx.conn(), id, china_date(change.at)).await?;
    let action = if long_term {
        Action::AddLongTermMeasure
    } else {
        Action::AddMeasure
    };
    let record = match lifecycle::apply(&f.problem, actor, &action, f.policy) {
        Ok((_, record)) => record,
        Err(r) => {
            return Err(refused_step(tx.conn(), &f.problem, f.feedback, id, &action, r).await);
        }
    };
    effects::record_event(tx, actor, change, id, &record, None).await?;
    Ok(f.problem.state.baseline_frozen())
}

/// Why a new measure's form is refused on a problem (the state machine's refusal, who may
/// add one named), or `Ok` when a measure may be added now.
pub async fn may_add_measure(
    db: &Db,
    actor: &Actor,
    id: ProblemId,
    today: NaiveDate,
) -> StoreResult<()> {
    let mut conn = db.pool().acquire().await?;
    let f = facts(&mut conn, id, today).await?;
    match lifecycle::apply(&f.problem, actor, &Action::AddMeasure, f.policy) {
        Ok(_) => Ok(()),
        Err(r) => Err(refused_step(
            &mut conn,
            &f.problem,
            f.feedback,
            id,
            &Action::AddMeasure,
            r,
        )
        .await),
    }
}
