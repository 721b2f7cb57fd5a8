//! Taking lifecycle steps on a problem (认领 … 销号 … 回头看): reads the facts, asks the
//! domain's state machine (`zhenggai_domain::lifecycle`), and writes the outcome — the
//! new state, its side effects, one event — in one transaction with its audit entries.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use zhenggai_domain::access::Actor;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::lifecycle::{self, Action, Policy, ProblemState, Refusal};
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{ProblemId, UnitId, UserId};

use super::problems;
use crate::audit::{self, Change, Entity};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::sql::{Sql, day, parse_day, stamp};

/// A step as sent by a form or the API: the action and what it carries.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
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
}

/// One step taken, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Event {
    /// Id.
    pub id: i64,
    /// The action's code.
    pub action: String,
    /// State before.
    pub from_state: String,
    /// State after.
    pub to_state: String,
    /// What the step carried.
    pub note: Option<String>,
    /// Who, by display name.
    pub actor: String,
    /// When (RFC 3339).
    pub at: String,
}

/// The actions the person may take on a problem now, by code (for the page's buttons).
pub fn available(actor: &Actor, problem: &lifecycle::Problem) -> Vec<&'static str> {
    let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let text = || "x".to_string();
    let candidates = [
        Action::Claim,
        Action::Dispute { reason: text() },
        Action::Assign {
            unit: problem.lead_unit,
            reason: text(),
        },
        Action::SubmitPlan,
        Action::SignPlan,
        Action::CompilePlan,
        Action::ApprovePlan {
            meeting: text(),
            on: day,
        },
        Action::ReturnPlan { reason: text() },
        Action::RequestExtension {
            to: day,
            reason: text(),
        },
        Action::Extend {
            to: day,
            reason: text(),
        },
        Action::RefuseExtension { reason: text() },
        Action::RequestClosure { report: text() },
        Action::ClosePhase { summary: text() },
        Action::SignClosure,
        Action::AcceptClosure,
        Action::ReturnClosure {
            reason: text(),
            deadline: day,
        },
        Action::Confirm,
        Action::Reopen {
            reason: text(),
            deadline: day,
        },
    ];
    candidates
        .iter()
        .filter(|a| lifecycle::apply(problem, actor, a, Policy::default()).is_ok())
        .map(Action::code)
        .collect()
}

/// The facts the state machine decides on, read in the transaction.
pub async fn facts(
    conn: &mut AnyConnection,
    id: ProblemId,
) -> StoreResult<(lifecycle::Problem, NaiveDate, i64)> {
    let row = sqlx::query(
        "SELECT p.state, i.org_id, COALESCE(p.lead_unit_id, \
              (SELECT m.lead_unit_id FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL ORDER BY m.ordinal LIMIT 1)), \
            p.leader_id, p.extensions, i.feedback_date, p.version, \
            (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL), \
            (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.state <> 'done'), \
            (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.deadline_kind = 'long_term'), \
            (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.deadline_kind = 'long_term' AND m.state <> 'done'), \
            (SELECT COUNT(*) FROM extension_requests e WHERE e.problem_id = p.id AND e.decision IS NULL) \
         FROM problems p JOIN inspections i ON i.id = p.inspection_id \
         WHERE p.id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let count = |i: usize| -> Result<u32, sqlx::Error> {
        Ok(u32::try_from(row.try_get::<i64, _>(i)?).unwrap_or(u32::MAX))
    };
    let problem = lifecycle::Problem {
        state: ProblemState::from_code(&row.try_get::<String, _>(0)?)
            .unwrap_or(ProblemState::Registered),
        org: UnitId(row.try_get(1)?),
        lead_unit: UnitId(row.try_get::<Option<i64>, _>(2)?.unwrap_or(0)),
        leader: row.try_get::<Option<i64>, _>(3)?.map(UserId),
        extensions: count(4)?,
        measures: count(7)?,
        measures_open: count(8)?,
        long_term_measures: count(9)?,
        long_term_open: count(10)?,
        extension_pending: count(11)? > 0,
    };
    let feedback = parse_day(&row.try_get::<String, _>(5)?).unwrap_or_default();
    Ok((problem, feedback, row.try_get(6)?))
}

fn refusal(r: Refusal) -> StoreError {
    match r {
        Refusal::NotYours(_) => StoreError::Forbidden,
        Refusal::Missing(what) => {
            let field = match what {
                "special report" | "phase summary" => "report",
                other => other,
            };
            StoreError::Invalid(vec![FieldError::new(
                field,
                format!("请填写{}。", zh(field)),
                format!("The {what} is required."),
            )])
        }
        other => StoreError::invalid("action", zh_refusal(&other), other.to_string()),
    }
}

fn zh(field: &str) -> &'static str {
    match field {
        "reason" => "原因",
        "report" => "专项报告",
        "meeting" => "审批会议",
        _ => "此项",
    }
}

fn zh_refusal(r: &Refusal) -> String {
    match r {
        Refusal::WrongState { hint, state, .. } => {
            format!("当前状态（{state}）下不能进行此操作：{hint}")
        }
        Refusal::MeasuresOpen(n) => format!("还有{n}条措施未完成：全部措施完成后才能申请销号。"),
        Refusal::NoMeasures => "该问题还没有整改措施，请先拟定措施。".to_string(),
        Refusal::TooManyExtensions(n) => format!("已达到延期次数上限（{n}次）。"),
        Refusal::NotYours(_) => "您的角色或单位无权进行此操作。".to_string(),
        Refusal::Missing(_) => "缺少必填内容。".to_string(),
    }
}

/// A step read into the domain's action, with the extension's measure and deadline.
type ReadStep = (Action, Option<(i64, Deadline)>);

/// Reads a step's input into a domain action; each bad field is named.
fn action_of(input: &StepInput, feedback: NaiveDate) -> Result<ReadStep, Vec<FieldError>> {
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
                c.push(FieldError::new(
                    "unit_id",
                    "请选择由哪个单位牵头。",
                    "Choose the unit that will lead.",
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
                c.push(FieldError::new(
                    "measure_id",
                    "请选择要延期的措施。",
                    "Choose the measure to extend.",
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
                    c.push(FieldError::new(
                        "deadline",
                        "延期后的时限须是具体日期或期间，如2024年7月底前。",
                        "An extension needs a dated deadline, e.g. 2024年7月底前.",
                    ));
                    NaiveDate::default()
                }
                Err(e) => {
                    c.push(FieldError::new("deadline", e.to_string(), e.to_string()));
                    NaiveDate::default()
                }
            };
            Action::RequestExtension { to, reason }
        }
        "request_closure" => Action::RequestClosure {
            report: input.report.trim().to_string(),
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
            c.push(FieldError::new("action", "未知的操作。", "Unknown action."));
            Action::Claim
        }
    };
    c.finish()?;
    Ok((action, extension))
}

/// Takes a step. Returns the problem's new state.
pub async fn step(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    input: &StepInput,
) -> StoreResult<ProblemState> {
    // Reading the problem first answers 404 for those who may not know of it; a refusal
    // after that is a 403.
    problems::get(db, actor, id).await?;
    let mut tx = db.begin().await?;
    let state = step_in(&mut tx, actor, change, id, input).await?;
    tx.commit().await?;
    Ok(state)
}

/// Takes a step inside a transaction the caller commits (also the demo loader). The
/// caller has checked that the actor may read the problem.
pub async fn step_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    input: &StepInput,
) -> StoreResult<ProblemState> {
    let (problem, feedback, version) = facts(tx.conn(), id).await?;
    let (action, extension) = action_of(input, feedback)?;
    if let Action::Assign { unit, .. } = &action {
        let ok = sqlx::query("SELECT 1 FROM units WHERE id = $1 AND org_id = $2 AND kind = 'dept' AND withdrawn_at IS NULL")
            .bind(unit.0)
            .bind(problem.org.0)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
        if !ok {
            return Err(StoreError::invalid(
                "unit_id",
                "请选择本单位的一个部门。",
                "Choose a department of this organisation.",
            ));
        }
    }
    // Approving applies the pending request: its measure and its deadline.
    let pending = pending_extension(tx, id).await?;
    let action = match (action, &pending) {
        (Action::Extend { reason, .. }, Some((_, _, d))) => Action::Extend {
            to: d.date.unwrap_or_default(),
            reason,
        },
        (other, _) => other,
    };
    let (next, record) =
        lifecycle::apply(&problem, actor, &action, Policy::default()).map_err(refusal)?;
    if let Some((measure, _)) = &extension {
        let belongs = sqlx::query(
            "SELECT 1 FROM measures WHERE id = $1 AND problem_id = $2 AND withdrawn_at IS NULL",
        )
        .bind(*measure)
        .bind(id.0)
        .fetch_optional(tx.conn())
        .await?
        .is_some();
        if !belongs {
            return Err(StoreError::invalid(
                "measure_id",
                "所选措施不属于该问题。",
                "That measure is not one of this problem's.",
            ));
        }
    }
    let mut set = Sql::new("state = ");
    set.bind(next.state.code())
        .push(", extensions = ")
        .bind(i64::from(next.extensions));
    if next.lead_unit != problem.lead_unit {
        set.push(", lead_unit_id = ").bind(next.lead_unit.0);
    }
    audit::update(
        tx,
        change,
        record.action,
        Entity::Problem,
        id.0,
        version,
        &set,
    )
    .await?;
    match &action {
        Action::ApprovePlan { .. } => freeze_baseline(tx, change, id).await?,
        Action::RequestExtension { reason, .. } => {
            if let Some((measure, deadline)) = &extension {
                let req: i64 = sqlx::query(
                    "INSERT INTO extension_requests (problem_id, measure_id, proposed_text, proposed_date, reason, requested_by, requested_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(id.0)
                .bind(*measure)
                .bind(&deadline.text)
                .bind(deadline.date.map(day))
                .bind(reason)
                .bind(actor.user.0)
                .bind(stamp(change.at))
                .fetch_one(tx.conn())
                .await?
                .try_get(0)?;
                audit::created(tx, change, Entity::ExtensionRequest, req).await?;
            }
        }
        Action::Extend { reason, .. } | Action::RefuseExtension { reason } => {
            if let Some((req, measure, deadline)) = &pending {
                let approved = matches!(action, Action::Extend { .. });
                let version: i64 =
                    sqlx::query("SELECT version FROM extension_requests WHERE id = $1")
                        .bind(*req)
                        .fetch_one(tx.conn())
                        .await?
                        .try_get(0)?;
                let mut set = Sql::new("decision = ");
                set.bind(if approved { "approved" } else { "refused" })
                    .push(", decided_by = ")
                    .bind(actor.user.0)
                    .push(", decided_at = ")
                    .bind(stamp(change.at))
                    .push(", decision_note = ")
                    .bind(reason.clone());
                audit::update(
                    tx,
                    change,
                    record.action,
                    Entity::ExtensionRequest,
                    *req,
                    version,
                    &set,
                )
                .await?;
                if approved {
                    set_deadline(tx, change, "extend", *measure, deadline, false).await?;
                }
            }
        }
        Action::ReturnClosure { deadline, .. } | Action::Reopen { deadline, .. } => {
            let words = format!("{}前", deadline.format("%Y年%-m月%-d日"));
            let new = Deadline::parse(&words, *deadline).map_err(|e| anyhow::anyhow!("{e}"))?;
            let measures = sqlx::query(
                "SELECT id FROM measures WHERE problem_id = $1 AND withdrawn_at IS NULL",
            )
            .bind(id.0)
            .fetch_all(tx.conn())
            .await?;
            for m in &measures {
                set_deadline(tx, change, record.action, m.try_get(0)?, &new, true).await?;
            }
        }
        _ => {}
    }
    if let (Some(round), Action::Confirm | Action::Reopen { .. }) = (input.round_id, &action) {
        super::lookbacks::decide(tx, change, round, id, record.action).await?;
    }
    let event: i64 = sqlx::query(
        "INSERT INTO problem_events (problem_id, action, from_state, to_state, note, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(id.0)
    .bind(record.action)
    .bind(record.from.code())
    .bind(record.to.code())
    .bind(record.note.as_deref())
    .bind(actor.user.0)
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    audit::created(tx, change, Entity::ProblemEvent, event).await?;
    Ok(next.state)
}

/// The extension request waiting for a decision, if any: its id, measure and deadline.
async fn pending_extension(
    tx: &mut Tx,
    id: ProblemId,
) -> StoreResult<Option<(i64, i64, Deadline)>> {
    let row = sqlx::query(
        "SELECT id, measure_id, proposed_text, proposed_date FROM extension_requests WHERE problem_id = $1 AND decision IS NULL ORDER BY id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(tx.conn())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let deadline = Deadline {
        text: r.try_get(2)?,
        kind: DeadlineKind::Dated,
        date: crate::sql::opt_day(&r, "proposed_date")?,
        precision: None,
    };
    Ok(Some((r.try_get(0)?, r.try_get(1)?, deadline)))
}

/// Approval freezes the baseline: each measure keeps its deadline as approved.
async fn freeze_baseline(tx: &mut Tx, change: Change<'_>, id: ProblemId) -> StoreResult<()> {
    let rows = sqlx::query(
        "SELECT id, version, deadline_text, deadline_date FROM measures WHERE problem_id = $1 AND withdrawn_at IS NULL AND original_deadline_text IS NULL",
    )
    .bind(id.0)
    .fetch_all(tx.conn())
    .await?;
    for r in &rows {
        let mut set = Sql::new("original_deadline_text = ");
        set.bind(r.try_get::<String, _>(2)?)
            .push(", original_deadline_date = ")
            .bind(r.try_get::<Option<String>, _>(3)?);
        audit::update(
            tx,
            change,
            "freeze_baseline",
            Entity::Measure,
            r.try_get(0)?,
            r.try_get(1)?,
            &set,
        )
        .await?;
    }
    Ok(())
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
    let version: i64 = sqlx::query("SELECT version FROM measures WHERE id = $1")
        .bind(measure)
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
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
    audit::update(tx, change, action, Entity::Measure, measure, version, &set).await?;
    Ok(())
}

/// What the page shows of a problem's lifecycle: its facts and the actions the person
/// may take now.
pub async fn actions_for(
    db: &Db,
    actor: &Actor,
    id: ProblemId,
) -> StoreResult<(lifecycle::Problem, Vec<&'static str>)> {
    let mut conn = db.pool().acquire().await?;
    let (problem, _, _) = facts(&mut conn, id).await?;
    let actions = available(actor, &problem);
    Ok((problem, actions))
}

/// The steps taken on a problem, oldest first. The caller has checked read access.
pub async fn events(db: &Db, id: ProblemId) -> StoreResult<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT e.id, e.action, e.from_state, e.to_state, e.note, u.display_name, e.at FROM problem_events e \
         JOIN users u ON u.id = e.actor_id WHERE e.problem_id = $1 ORDER BY e.id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Event {
                id: r.try_get(0)?,
                action: r.try_get(1)?,
                from_state: r.try_get(2)?,
                to_state: r.try_get(3)?,
                note: r.try_get(4)?,
                actor: r.try_get(5)?,
                at: r.try_get(6)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// A problem waiting for the person, with the steps they may take on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Waiting {
    /// The problem.
    pub problem_id: ProblemId,
    /// Its one line.
    pub title: String,
    /// Its inspection's title.
    pub inspection_title: String,
    /// Where it is.
    pub state: ProblemState,
    /// What the person may do now.
    pub actions: Vec<&'static str>,
}

/// The problems on which the person has a step to take now (待办): claims for lead units,
/// disputes and sign-offs for leaders, compiling, approval and closure for the office.
pub async fn waiting(db: &Db, actor: &Actor) -> StoreResult<Vec<Waiting>> {
    if !matches!(
        actor.role,
        zhenggai_domain::Role::Office | zhenggai_domain::Role::Unit | zhenggai_domain::Role::Leader
    ) {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT p.id, p.title, i.title FROM problems p JOIN inspections i ON i.id = p.inspection_id \
         WHERE i.org_id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL \
           AND p.state IN ('registered', 'disputed', 'claimed', 'plan_submitted', 'plan_signed', 'plan_compiled', 'in_progress', 'long_term_review', 'closure_requested', 'closure_signed') \
         ORDER BY i.feedback_date, p.ordinal LIMIT 2000",
    )
    .bind(actor.org.0)
    .fetch_all(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    let mut out = Vec::new();
    for r in &rows {
        let id = ProblemId(r.try_get(0)?);
        let (problem, _, _) = facts(&mut conn, id).await?;
        // Extensions and look-backs are decided when asked for, not waiting work.
        let actions: Vec<&'static str> = available(actor, &problem)
            .into_iter()
            .filter(|a| !matches!(*a, "extend" | "reopen" | "confirm"))
            .collect();
        // An approved problem waits for its lead unit only once every measure is done.
        let actions: Vec<&'static str> =
            if problem.state == ProblemState::InProgress && problem.measures_open > 0 {
                Vec::new()
            } else {
                actions
            };
        if !actions.is_empty() {
            out.push(Waiting {
                problem_id: id,
                title: r.try_get(1)?,
                inspection_title: r.try_get(2)?,
                state: problem.state,
                actions,
            });
        }
    }
    Ok(out)
}
