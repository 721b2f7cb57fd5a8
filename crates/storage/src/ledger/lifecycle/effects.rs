//! What an accepted step leaves besides the problem's new state: its event, the closure
//! check it records, the files sent with it, and its side effects on the measures (handed
//! over, frozen as approved, given new deadlines), on extension requests and look-backs.

use zhenggai_domain::ProblemId;
use zhenggai_domain::UnitId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::clock::china_date;
use zhenggai_domain::deadline::Deadline;
use zhenggai_domain::lifecycle::{self, Action, Policy};

use super::input::StepInput;
use crate::audit::{self, Change, Entity};
use crate::db::sql::{Sql, day, stamp};
use crate::db::tx::Tx;
use crate::error::StoreResult;
use crate::files::Stored;
use crate::ledger::{lead, lookbacks};

/// A step the state machine accepted, as its side effects need it.
pub(super) struct Accepted<'a> {
    /// Who takes it.
    pub actor: &'a Actor,
    /// When, and why.
    pub change: Change<'a>,
    /// The problem.
    pub id: ProblemId,
    /// The problem before the step.
    pub problem: &'a lifecycle::Problem,
    /// The action.
    pub action: &'a Action,
    /// The action's code, as its audit entries and event name it.
    pub code: &'static str,
}

/// What an accepted step does besides moving the problem: the measures it hands over,
/// freezes or gives new deadlines, the extension request it files or decides, and the
/// look-back item it decides. Answers the note an assignment records instead of the
/// domain's (the units by name).
pub(super) async fn apply(
    tx: &mut Tx,
    step: &Accepted<'_>,
    input: &StepInput,
    extension: Option<&(i64, Deadline)>,
    pending: Option<&(i64, i64, Deadline)>,
) -> StoreResult<Option<String>> {
    let mut note = None;
    match step.action {
        Action::Assign { unit, reason } => {
            note =
                Some(reassign(tx, step, *unit, reason, input.carry_measure_ids.as_deref()).await?);
        }
        Action::ApprovePlan { .. } => freeze_baseline(tx, step.change, step.id).await?,
        Action::RequestExtension { reason, .. } => {
            if let Some(extension) = extension {
                request_extension(tx, step, extension, reason).await?;
            }
        }
        Action::Extend { reason, .. } | Action::RefuseExtension { reason } => {
            if let Some(pending) = pending {
                decide_extension(tx, step, pending, reason).await?;
            }
        }
        Action::ReturnClosure { deadline, .. } | Action::Reopen { deadline, .. } => {
            renew_deadlines(tx, step, *deadline).await?;
        }
        _ => {}
    }
    if let (Some(round), Action::Confirm | Action::Reopen { .. }) = (input.round_id, step.action) {
        lookbacks::decide(tx, step.change, round, step.id, step.code).await?;
    }
    Ok(note)
}

/// The decision binds the measures too: the assigned unit leads them. Answers the
/// note, the former and the new lead unit by name.
async fn reassign(
    tx: &mut Tx,
    step: &Accepted<'_>,
    unit: UnitId,
    reason: &str,
    carry: Option<&[i64]>,
) -> StoreResult<String> {
    let from = step.problem.lead_unit;
    lead::carry_lead(tx, step.actor, step.change, step.id, from, unit, carry).await?;
    Ok(format!(
        "{} → {}: {reason}",
        unit_name(tx, from).await?,
        unit_name(tx, unit).await?
    ))
}

/// Files the extension a unit asks for (延期申请), for the leader to decide.
async fn request_extension(
    tx: &mut Tx,
    step: &Accepted<'_>,
    (measure, deadline): &(i64, Deadline),
    reason: &str,
) -> StoreResult<()> {
    let req: i64 = sqlx::query_scalar(
        "INSERT INTO extension_requests (problem_id, measure_id, proposed_text, proposed_date, reason, requested_by, requested_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(step.id.0)
    .bind(*measure)
    .bind(&deadline.text)
    .bind(deadline.date.map(day))
    .bind(reason)
    .bind(step.actor.user.0)
    .bind(stamp(step.change.at))
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, step.change, Entity::ExtensionRequest, req).await
}

/// Decides the extension request waiting: approved, its measure gets the deadline
/// asked for; refused, the deadline stands.
async fn decide_extension(
    tx: &mut Tx,
    step: &Accepted<'_>,
    (req, measure, deadline): &(i64, i64, Deadline),
    reason: &str,
) -> StoreResult<()> {
    let approved = matches!(step.action, Action::Extend { .. });
    let version: i64 = sqlx::query_scalar("SELECT version FROM extension_requests WHERE id = $1")
        .bind(*req)
        .fetch_one(tx.conn())
        .await?;
    let mut set = Sql::new("decision = ");
    set.bind(if approved { "approved" } else { "refused" })
        .push(", decided_by = ")
        .bind(step.actor.user.0)
        .push(", decided_at = ")
        .bind(stamp(step.change.at))
        .push(", decision_note = ")
        .bind(reason.to_string());
    audit::versions::update(
        tx,
        step.change,
        step.code,
        Entity::ExtensionRequest,
        *req,
        version,
        &set,
    )
    .await?;
    if approved {
        set_deadline(tx, step.change, "extend", *measure, deadline, false).await?;
    }
    Ok(())
}

/// A closure returned (留号) or a problem reopened (回炉): every measure goes back to
/// work with the new deadline (限时办结).
async fn renew_deadlines(
    tx: &mut Tx,
    step: &Accepted<'_>,
    deadline: chrono::NaiveDate,
) -> StoreResult<()> {
    // The web's English pages read these words back as "by <date>" (Tr::deadline_words).
    let words = format!("{}前", deadline.format("%Y年%-m月%-d日"));
    let new = Deadline::parse(&words, deadline).map_err(|e| anyhow::anyhow!("{e}"))?;
    let measures: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM measures WHERE problem_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(step.id.0)
    .fetch_all(tx.conn())
    .await?;
    for m in measures {
        set_deadline(tx, step.change, step.code, m, &new, true).await?;
    }
    Ok(())
}

/// Keeps the files sent with the step (the closure request's report and evidence).
pub(super) async fn attach_files(
    tx: &mut Tx,
    step: &Accepted<'_>,
    event: i64,
    files: &[Stored],
) -> StoreResult<()> {
    for f in files {
        let file: i64 = sqlx::query_scalar(
            "INSERT INTO event_files (problem_id, event_id, sha256, filename, content_type, size, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(step.id.0)
        .bind(event)
        .bind(&f.sha256)
        .bind(&f.filename)
        .bind(f.content_type)
        .bind(f.size)
        .bind(step.actor.user.0)
        .bind(stamp(step.change.at))
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, step.change, Entity::EventFile, file).await?;
    }
    Ok(())
}

/// A unit as records name it (its short name where it has one); a problem not yet
/// distributed has no former lead unit, named by a dash.
async fn unit_name(tx: &mut Tx, unit: UnitId) -> StoreResult<String> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT COALESCE(short_name, name) FROM units WHERE id = $1")
            .bind(unit.0)
            .fetch_optional(tx.conn())
            .await?;
    Ok(name.unwrap_or_else(|| "—".to_string()))
}

/// Writes the one record an accepted action leaves.
pub(super) async fn record_event(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    record: &lifecycle::Record,
    opinion: Option<&str>,
) -> StoreResult<i64> {
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO problem_events (problem_id, action, from_state, to_state, note, opinion, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(id.0)
    .bind(record.action)
    .bind(record.from.code())
    .bind(record.to.code())
    .bind(record.note.as_deref())
    .bind(opinion)
    .bind(actor.user.0)
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::ProblemEvent, event).await?;
    Ok(event)
}

/// What a closure check carries beyond its event: the party, the survey, the period.
pub(super) async fn record_checks(
    tx: &mut Tx,
    change: Change<'_>,
    problem: ProblemId,
    event: i64,
    action: &Action,
    policy: Policy,
) -> StoreResult<()> {
    let mut row = Sql::new(
        "INSERT INTO closure_checks (problem_id, event_id, created_at, kind, party, signer, surveyed, satisfied, method, place, posted_from, posted_until) VALUES (",
    );
    row.bind(problem.0)
        .push(", ")
        .bind(event)
        .push(", ")
        .bind(stamp(change.at))
        .push(", ");
    match action {
        Action::RecordAcceptance { party, signer } => {
            row.bind("acceptance")
                .push(", ")
                .bind(party.code())
                .push(", ")
                .bind(signer.clone());
            row.push(", NULL, NULL, NULL, NULL, NULL, NULL");
        }
        Action::RecordSurvey { survey, method } => {
            row.bind("survey")
                .push(", NULL, NULL, ")
                .bind(i64::from(survey.surveyed))
                .push(", ")
                .bind(i64::from(survey.satisfied))
                .push(", ")
                .bind(method.clone())
                .push(", NULL, NULL, NULL");
        }
        Action::PostResult { place } => {
            // The period counts the posting day itself: five days posted on the 1st
            // run to the 5th.
            let from = china_date(change.at);
            let until = from + chrono::Duration::days(i64::from(policy.posting_days.max(1)) - 1);
            row.bind("posting")
                .push(", NULL, NULL, NULL, NULL, NULL, ")
                .bind(place.clone())
                .push(", ")
                .bind(day(from))
                .push(", ")
                .bind(day(until));
        }
        _ => return Ok(()),
    }
    row.push(") RETURNING id");
    let id: i64 = row.query_scalar().fetch_one(tx.conn()).await?;
    audit::write::created(tx, change, Entity::ClosureCheck, id).await
}

/// Approval freezes the baseline: each measure keeps its deadline as approved.
async fn freeze_baseline(tx: &mut Tx, change: Change<'_>, id: ProblemId) -> StoreResult<()> {
    let rows = sqlx::query_as::<_, Baseline>(
        "SELECT id, version, deadline_text, deadline_date FROM measures WHERE problem_id = $1 AND withdrawn_at IS NULL AND original_deadline_text IS NULL",
    )
    .bind(id.0)
    .fetch_all(tx.conn())
    .await?;
    for r in rows {
        let mut set = Sql::new("original_deadline_text = ");
        set.bind(r.deadline_text)
            .push(", original_deadline_date = ")
            .bind(r.deadline_date);
        audit::versions::update(
            tx,
            change,
            "freeze_baseline",
            Entity::Measure,
            r.id,
            r.version,
            &set,
        )
        .await?;
    }
    Ok(())
}

/// A measure's deadline as approved, to be kept as its baseline.
#[derive(sqlx::FromRow)]
struct Baseline {
    id: i64,
    version: i64,
    deadline_text: String,
    deadline_date: Option<String>,
}

/// A new deadline for a measure (an extension, or 限时办结 after a return or reopening,
/// which also sends the measure back to work).
async fn set_deadline(
    tx: &mut Tx,
    change: Change<'_>,
    action: &str,
    measure: i64,
    d: &Deadline,
    reopen: bool,
) -> StoreResult<()> {
    let version: i64 = sqlx::query_scalar("SELECT version FROM measures WHERE id = $1")
        .bind(measure)
        .fetch_one(tx.conn())
        .await?;
    let mut set = Sql::new("deadline_text = ");
    set.bind(d.text.clone())
        .push(", deadline_kind = ")
        .bind(d.kind.code())
        .push(", deadline_date = ")
        .bind(d.date.map(day))
        .push(", deadline_precision = ")
        .bind(d.precision.map(|p| p.code().to_string()));
    if reopen {
        set.push(", state = 'in_progress', done_on = NULL");
    }
    audit::versions::update(tx, change, action, Entity::Measure, measure, version, &set).await?;
    Ok(())
}
