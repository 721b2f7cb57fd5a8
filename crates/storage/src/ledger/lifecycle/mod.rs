//! Taking lifecycle steps on a problem (认领 … 销号 … 回头看): reads the facts, asks the
//! domain's state machine (`zhenggai_domain::lifecycle`), and writes the outcome — the
//! new state, its side effects, one event — in one transaction with its audit entries.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use zhenggai_domain::access::Actor;
use zhenggai_domain::clock::china_date;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::lifecycle::{
    self, Action, ClosureChecks, Party, Policy, Posting, ProblemState, Refusal, Survey,
};
use zhenggai_domain::reason::{Choose, Foreign, Rule};
use zhenggai_domain::validate::{Checker, FieldError, Why};
use zhenggai_domain::{ProblemId, UnitId, UserId};
use zhenggai_domain::{happened, new_deadline};

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, day, parse_day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::files::{FileStore, Sent, Stored, check_uploads, store_uploads};
use crate::ledger::problems;

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
    /// The signer's opinion written with the step (审定签字、销号审核、留号).
    pub opinion: Option<String>,
    /// Who, by display name.
    pub actor: String,
    /// When (RFC 3339).
    pub at: String,
    /// Files sent with the step (the closure request's report and evidence).
    pub files: Vec<EventFile>,
}

/// A file sent with a step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventFile {
    /// Id (the download address uses it).
    pub id: i64,
    /// The original name.
    pub filename: String,
    /// The checked type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content.
    pub sha256: String,
}

/// The actions the person may take on a problem now, by code (for the page's buttons).
pub fn available(actor: &Actor, problem: &lifecycle::Problem, policy: Policy) -> Vec<&'static str> {
    let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let text = || "x".to_string();
    let candidates = [
        Action::AddMeasure,
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
        Action::RequestClosure {
            report: text(),
            evidence: 1,
        },
        Action::ClosePhase { summary: text() },
        Action::SignClosure,
        Action::RecordAcceptance {
            party: Party::InspectionOffice,
            signer: text(),
        },
        Action::RecordAcceptance {
            party: Party::InspectionGroup,
            signer: text(),
        },
        Action::RecordAcceptance {
            party: Party::InspectedUnit,
            signer: text(),
        },
        Action::RecordSurvey {
            survey: Survey {
                surveyed: 1,
                satisfied: 1,
            },
            method: text(),
        },
        Action::PostResult { place: text() },
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
    let mut codes: Vec<&'static str> = candidates
        .iter()
        .filter(|a| lifecycle::apply(problem, actor, a, policy).is_ok())
        .map(Action::code)
        .collect();
    codes.dedup();
    codes
}

/// The parties that may still sign the acceptance, for this person (the page's choice).
pub fn parties_to_sign(actor: &Actor, f: &Facts) -> Vec<Party> {
    Party::ALL
        .into_iter()
        .filter(|party| {
            let sign = Action::RecordAcceptance {
                party: *party,
                signer: "x".into(),
            };
            lifecycle::apply(&f.problem, actor, &sign, f.policy).is_ok()
        })
        .collect()
}

/// The columns of a problem the state machine decides on (problems `p`, inspections
/// `i`), in the order [`read_facts`] reads them.
const FACT_COLUMNS: &str = "p.state, i.org_id, COALESCE(p.lead_unit_id, \
      (SELECT m.lead_unit_id FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL ORDER BY m.ordinal LIMIT 1)), \
    p.leader_id, p.extensions, i.feedback_date, p.version, \
    (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL), \
    (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.state <> 'done'), \
    (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.deadline_kind = 'long_term'), \
    (SELECT COUNT(*) FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.deadline_kind = 'long_term' AND m.state <> 'done'), \
    (SELECT COUNT(*) FROM extension_requests e WHERE e.problem_id = p.id AND e.decision IS NULL)";

/// The facts the state machine decides on, read in the transaction.
pub async fn facts(
    conn: &mut AnyConnection,
    id: ProblemId,
    today: NaiveDate,
) -> StoreResult<Facts> {
    let row = sqlx::query(&format!(
        "SELECT {FACT_COLUMNS} FROM problems p JOIN inspections i ON i.id = p.inspection_id \
         WHERE p.id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL"
    ))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let (problem, feedback, version) = read_facts(&row, 0)?;
    let policy = crate::settings::closure_rules::get(&mut *conn, problem.org)
        .await?
        .policy();
    complete_facts(conn, id, problem, policy, feedback, version, today).await
}

/// A problem as [`FACT_COLUMNS`] read it, from column `at` of the row, with its
/// feedback date and version; what only some states need is read by [`complete_facts`].
fn read_facts(
    row: &sqlx::any::AnyRow,
    at: usize,
) -> StoreResult<(lifecycle::Problem, NaiveDate, i64)> {
    let count = |i: usize| -> Result<u32, sqlx::Error> {
        Ok(u32::try_from(row.try_get::<i64, _>(at + i)?).unwrap_or(u32::MAX))
    };
    let problem = lifecycle::Problem {
        state: ProblemState::from_code(&row.try_get::<String, _>(at)?)
            .unwrap_or(ProblemState::Registered),
        org: UnitId(row.try_get(at + 1)?),
        lead_unit: UnitId(row.try_get::<Option<i64>, _>(at + 2)?.unwrap_or(0)),
        leader: row.try_get::<Option<i64>, _>(at + 3)?.map(UserId),
        extensions: count(4)?,
        measures: count(7)?,
        measures_open: count(8)?,
        long_term_measures: count(9)?,
        long_term_open: count(10)?,
        extension_pending: count(11)? > 0,
        lacking_milestones: 0,
        checks: ClosureChecks::default(),
    };
    let feedback = parse_day(&row.try_get::<String, _>(at + 5)?).unwrap_or_default();
    Ok((problem, feedback, row.try_get(at + 6)?))
}

/// The facts of a problem read by [`read_facts`], with what its state needs besides.
async fn complete_facts(
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
        crate::ledger::milestones::lacking(&mut *conn, id, problem.org, feedback).await?
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
    let rows = sqlx::query(
        "SELECT kind, party, surveyed, satisfied, posted_until FROM closure_checks \
         WHERE problem_id = $1 AND event_id > COALESCE((SELECT MAX(id) FROM problem_events WHERE problem_id = $1 AND action = 'request_closure'), 0) \
         ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    let mut checks = ClosureChecks::default();
    let mut until = None;
    for r in &rows {
        match r.try_get::<String, _>(0)?.as_str() {
            "acceptance" => {
                if let Some(p) = r
                    .try_get::<Option<String>, _>(1)?
                    .as_deref()
                    .and_then(Party::from_code)
                {
                    checks.accepted_by.push(p);
                }
            }
            "survey" => {
                let n = |i: usize| -> Result<u32, sqlx::Error> {
                    Ok(u32::try_from(r.try_get::<Option<i64>, _>(i)?.unwrap_or(0)).unwrap_or(0))
                };
                checks.survey = Some(Survey {
                    surveyed: n(2)?,
                    satisfied: n(3)?,
                });
            }
            "posting" => {
                let end = r
                    .try_get::<Option<String>, _>(4)?
                    .as_deref()
                    .and_then(parse_day);
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

/// Whether the actor may mark a measure done now: the state machine's rule for a done
/// measure (its lead unit, once the plan is approved), asked of the measure's problem
/// with the measure's own lead unit, since a problem's measures may be led by different
/// units. Contributors (cooperating units, the leader in charge) still report progress.
pub(crate) async fn check_measure_done(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &crate::ledger::measures::Measure,
    today: NaiveDate,
) -> StoreResult<()> {
    let Facts {
        problem, policy, ..
    } = facts(conn, m.problem_id, today).await?;
    let problem = lifecycle::Problem {
        lead_unit: m.lead_unit.id,
        ..problem
    };
    let action = if m.deadline.kind == DeadlineKind::LongTerm {
        Action::LongTermMeasureDone
    } else {
        Action::MeasureDone
    };
    match lifecycle::apply(&problem, actor, &action, policy) {
        Ok(_) => Ok(()),
        Err(Refusal::NotYours(_)) => Err(StoreError::refused(
            format!(
                "只有该措施的牵头单位（{}）可以标记完成。您可以报送进展，由牵头单位标记完成。",
                m.lead_unit.name
            ),
            format!(
                "Only the measure's lead unit ({}) marks it done. You may report progress; the lead unit marks it done.",
                m.lead_unit.name
            ),
        )),
        Err(other) => Err(StoreError::Invalid(vec![FieldError::because(
            "mark_done",
            Why::Refused(other),
        )])),
    }
}

/// A refused step, with the records that block it named (the measures still open, those
/// lacking milestones) and, when the role or unit may not take it, who may.
async fn refused_step(
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
            let list = crate::ledger::milestones::lacking_measures(conn, id, problem.org, feedback)
                .await?;
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
fn refusal(r: Refusal) -> StoreError {
    match r {
        Refusal::NotYours(_) => StoreError::Forbidden,
        Refusal::Missing(what) => {
            StoreError::Invalid(vec![FieldError::because(what.field(), Why::Refused(r))])
        }
        other => StoreError::Invalid(vec![FieldError::because("action", Why::Refused(other))]),
    }
}

/// A step read into the domain's action, with the extension's measure and deadline.
type ReadStep = (Action, Option<(i64, Deadline)>);

/// Reads a step's input into a domain action; each bad field is named.
fn action_of(
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
fn opinion_of(input: &StepInput) -> Result<Option<String>, Vec<FieldError>> {
    let mut c = Checker::default();
    let opinion = c.optional_text("opinion", &input.opinion, 500);
    if opinion.is_some() && !OPINION_STEPS.contains(&input.action.trim()) {
        c.push(FieldError::because("opinion", Why::Rule(Rule::NoOpinion)));
    }
    c.finish()?;
    Ok(opinion)
}

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
    let mut tx = db.begin().await?;
    let state = step_in(&mut tx, actor, change, id, input, &stored).await?;
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
    files: &[Stored],
) -> StoreResult<ProblemState> {
    let Facts {
        problem,
        policy,
        feedback,
        version,
        ..
    } = facts(tx.conn(), id, china_date(change.at)).await?;
    let (action, extension) = action_of(input, feedback, files.len())?;
    let opinion = opinion_of(input)?;
    if let Action::Assign { unit, .. } = &action {
        let ok = sqlx::query("SELECT 1 FROM units WHERE id = $1 AND org_id = $2 AND kind = 'dept' AND withdrawn_at IS NULL")
            .bind(unit.0)
            .bind(problem.org.0)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
        if !ok {
            return Err(StoreError::because(
                "unit_id",
                Why::Choose(Choose::Department),
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
    let (next, mut record) = match lifecycle::apply(&problem, actor, &action, policy) {
        Ok(decided) => decided,
        Err(r) => return Err(refused_step(tx.conn(), &problem, feedback, id, &action, r).await),
    };
    // A new deadline (留号, 回炉, 延期) lies on or after the day of the step.
    new_deadline::check_action(&action, china_date(change.at))
        .map_err(|e| StoreError::Invalid(vec![e.field_error()]))?;
    // The meeting that approved the plan has been held, after the plan was compiled.
    if let Action::ApprovePlan { on, .. } = &action {
        happened::check(happened::Event::PlanApproved, *on, china_date(change.at))
            .map_err(|e| StoreError::Invalid(vec![e.field_error()]))?;
        let compiled: Option<String> = sqlx::query_scalar(
            "SELECT MAX(at) FROM problem_events WHERE problem_id = $1 AND action = 'compile_plan'",
        )
        .bind(id.0)
        .fetch_one(tx.conn())
        .await?;
        let earliest = compiled.as_deref().and_then(crate::db::sql::beijing_day);
        happened::check_after(happened::Event::PlanApproved, *on, earliest)
            .map_err(|e| StoreError::Invalid(vec![e.field_error()]))?;
    }
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
            return Err(StoreError::because(
                "measure_id",
                Why::Foreign(Foreign::MeasureOfProblem),
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
    audit::versions::update(
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
        Action::Assign { unit, reason } => {
            // The decision binds the measures too: the assigned unit leads them.
            crate::ledger::measures::carry_lead(
                tx,
                actor,
                change,
                id,
                problem.lead_unit,
                *unit,
                input.carry_measure_ids.as_deref(),
            )
            .await?;
            record.note = Some(format!(
                "{} → {}: {reason}",
                unit_name(tx, problem.lead_unit).await?,
                unit_name(tx, *unit).await?
            ));
        }
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
                audit::write::created(tx, change, Entity::ExtensionRequest, req).await?;
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
                audit::versions::update(
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
        crate::ledger::lookbacks::decide(tx, change, round, id, record.action).await?;
    }
    let event = record_event(tx, actor, change, id, &record, opinion.as_deref()).await?;
    record_checks(tx, change, id, event, &action, policy).await?;
    for f in files {
        let file: i64 = sqlx::query(
            "INSERT INTO event_files (problem_id, event_id, sha256, filename, content_type, size, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(id.0)
        .bind(event)
        .bind(&f.sha256)
        .bind(&f.filename)
        .bind(f.content_type)
        .bind(f.size)
        .bind(actor.user.0)
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
        audit::write::created(tx, change, Entity::EventFile, file).await?;
    }
    Ok(next.state)
}

/// A unit as records name it (its short name where it has one); a problem not yet
/// distributed has no former lead unit, named by a dash.
async fn unit_name(tx: &mut Tx, unit: UnitId) -> StoreResult<String> {
    let row = sqlx::query("SELECT COALESCE(short_name, name) FROM units WHERE id = $1")
        .bind(unit.0)
        .fetch_optional(tx.conn())
        .await?;
    Ok(match row {
        Some(r) => r.try_get(0)?,
        None => "—".to_string(),
    })
}

/// Writes the one record an accepted action leaves.
async fn record_event(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    record: &lifecycle::Record,
    opinion: Option<&str>,
) -> StoreResult<i64> {
    let event: i64 = sqlx::query(
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
    .await?
    .try_get(0)?;
    audit::write::created(tx, change, Entity::ProblemEvent, event).await?;
    Ok(event)
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
    let (_, record) = lifecycle::apply(&f.problem, actor, &action, f.policy).map_err(refusal)?;
    record_event(tx, actor, change, id, &record, None).await?;
    Ok(f.problem.state.baseline_frozen())
}

/// What a closure check carries beyond its event: the party, the survey, the period.
async fn record_checks(
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
    let id: i64 = row.query().fetch_one(tx.conn()).await?.try_get(0)?;
    audit::write::created(tx, change, Entity::ClosureCheck, id).await
}

/// An extension request waiting for the leader's decision (延期申请待审批), as the
/// problem's page shows it to whoever decides or waits.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingExtension {
    /// The measure's id.
    pub measure_id: i64,
    /// Its number within the problem.
    pub measure_ordinal: i64,
    /// What the measure is.
    pub measure_content: String,
    /// Its deadline now, as written.
    pub deadline_now: String,
    /// The deadline asked for, as written.
    pub proposed: String,
    /// Why.
    pub reason: String,
    /// Who asked, by name.
    pub requested_by: String,
    /// When (RFC 3339).
    pub requested_at: String,
}

/// The extension request of a problem waiting for a decision, if any. The caller has
/// checked read access.
pub async fn pending_extension_of(db: &Db, id: ProblemId) -> StoreResult<Option<PendingExtension>> {
    let row = sqlx::query(
        "SELECT m.id, m.ordinal, m.content, m.deadline_text, x.proposed_text, x.reason, u.display_name, x.requested_at \
         FROM extension_requests x JOIN measures m ON m.id = x.measure_id JOIN users u ON u.id = x.requested_by \
         WHERE x.problem_id = $1 AND x.decision IS NULL ORDER BY x.id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(PendingExtension {
        measure_id: r.try_get(0)?,
        measure_ordinal: r.try_get(1)?,
        measure_content: r.try_get(2)?,
        deadline_now: r.try_get(3)?,
        proposed: r.try_get(4)?,
        reason: r.try_get(5)?,
        requested_by: r.try_get(6)?,
        requested_at: r.try_get(7)?,
    }))
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
        date: crate::db::sql::opt_day(&r, "proposed_date")?,
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
        audit::versions::update(
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
    audit::versions::update(tx, change, action, Entity::Measure, measure, version, &set).await?;
    Ok(())
}

/// What the page shows of a problem's lifecycle: its facts and the actions the person
/// may take now.
pub async fn actions_for(
    db: &Db,
    actor: &Actor,
    id: ProblemId,
    today: NaiveDate,
) -> StoreResult<(Facts, Vec<&'static str>)> {
    let mut conn = db.pool().acquire().await?;
    let f = facts(&mut conn, id, today).await?;
    let actions = available(actor, &f.problem, f.policy);
    Ok((f, actions))
}

/// The steps taken on a problem, oldest first. The caller has checked read access.
pub async fn events(db: &Db, id: ProblemId) -> StoreResult<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT e.id, e.action, e.from_state, e.to_state, e.note, u.display_name, e.at, e.opinion FROM problem_events e \
         JOIN users u ON u.id = e.actor_id WHERE e.problem_id = $1 ORDER BY e.id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?;
    let mut events: Vec<Event> = rows
        .iter()
        .map(|r| {
            Ok(Event {
                id: r.try_get(0)?,
                action: r.try_get(1)?,
                from_state: r.try_get(2)?,
                to_state: r.try_get(3)?,
                note: r.try_get(4)?,
                actor: r.try_get(5)?,
                at: r.try_get(6)?,
                opinion: r.try_get(7)?,
                files: Vec::new(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let files = sqlx::query(
        "SELECT id, event_id, filename, content_type, size, sha256 FROM event_files \
         WHERE problem_id = $1 AND withdrawn_at IS NULL ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?;
    for r in &files {
        let event: i64 = r.try_get(1)?;
        let file = event_file(r)?;
        if let Some(e) = events.iter_mut().find(|e| e.id == event) {
            e.files.push(file);
        }
    }
    Ok(events)
}

fn event_file(r: &sqlx::any::AnyRow) -> Result<EventFile, sqlx::Error> {
    Ok(EventFile {
        id: r.try_get("id")?,
        filename: r.try_get("filename")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
    })
}

/// A step's file with its bytes, if the person may read its problem.
pub async fn file(
    db: &Db,
    store: &dyn FileStore,
    actor: &Actor,
    id: i64,
) -> StoreResult<(EventFile, Vec<u8>)> {
    let row = sqlx::query(
        "SELECT id, filename, content_type, size, sha256, problem_id FROM event_files WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    problems::get(db, actor, ProblemId(row.try_get("problem_id")?)).await?;
    let f = event_file(&row)?;
    let bytes = store.get(&f.sha256).await?;
    Ok((f, bytes))
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
pub async fn waiting(db: &Db, actor: &Actor, today: NaiveDate) -> StoreResult<Vec<Waiting>> {
    if !matches!(
        actor.role,
        zhenggai_domain::Role::Office | zhenggai_domain::Role::Unit | zhenggai_domain::Role::Leader
    ) {
        return Ok(Vec::new());
    }
    // One query for the facts of them all, and the organisation's rules once: asked
    // problem by problem, a large organisation's home page waited over a second for
    // this list (docs/benchmarks.md).
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.title, i.title, {FACT_COLUMNS} FROM problems p JOIN inspections i ON i.id = p.inspection_id \
         WHERE i.org_id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL \
           AND p.state IN ('registered', 'disputed', 'claimed', 'plan_submitted', 'plan_signed', 'plan_compiled', 'in_progress', 'long_term_review', 'closure_requested', 'closure_signed') \
         ORDER BY i.feedback_date, p.ordinal LIMIT 2000"
    ))
    .bind(actor.org.0)
    .fetch_all(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    let policy = crate::settings::closure_rules::get(&mut conn, actor.org)
        .await?
        .policy();
    let mut out = Vec::new();
    for r in &rows {
        let id = ProblemId(r.try_get(0)?);
        let (problem, feedback, version) = read_facts(r, 3)?;
        let Facts { problem, .. } =
            complete_facts(&mut conn, id, problem, policy, feedback, version, today).await?;
        let offered = available(actor, &problem, policy);
        // An extension asked for waits for the leader who decides it: until then the
        // unit may ask no other, and the deadline runs.
        let actions: Vec<&'static str> = if problem.extension_pending && offered.contains(&"extend")
        {
            offered
                .into_iter()
                .filter(|a| matches!(*a, "extend" | "refuse_extension"))
                .collect()
        } else if problem.state == ProblemState::InProgress && problem.measures_open > 0 {
            // An approved problem waits for its lead unit only once every measure is done.
            Vec::new()
        } else {
            // Look-backs are decided when the round comes, not waiting work.
            offered
                .into_iter()
                .filter(|a| {
                    !matches!(
                        *a,
                        "extend" | "refuse_extension" | "reopen" | "confirm" | "add_measure"
                    )
                })
                .collect()
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
