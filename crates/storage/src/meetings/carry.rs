//! After the meeting: with one action the problems it named — the leadership's and each
//! member's — enter the rectification ledger as an inspection of kind 民主生活会, one
//! aspect for the leadership and one for each member, each problem with its measure and
//! linked back to its finding (and so to the opinion or criticism it answers). From
//! there they follow the ledger's lifecycle like any other.

use serde::Deserialize;
use zhenggai_domain::access::Actor;
use zhenggai_domain::deadline::Deadline;
use zhenggai_domain::inspection::{InspectionKind, ProblemSource};
use zhenggai_domain::meeting::MeetingState;
use zhenggai_domain::reason::{Choose, Rule};
use zhenggai_domain::validate::{Checker, FieldError, Why};
use zhenggai_domain::{InspectionId, UnitId, UserId};

use super::load;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, day};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::ledger::aspects::{self, TitleInput};
use crate::ledger::inspections::{self, InspectionInput};
use crate::ledger::measures::{self, NewMeasure};
use crate::ledger::problems::{self, NewProblem};

/// The problems carried into the ledger, at the meeting's version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Carry {
    /// The meeting's version read.
    pub version: i64,
    /// The department that leads their rectification (usually the Party office, 党办):
    /// it follows them up in the ledger; each problem's leader is its member.
    pub lead_unit_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct FindingRow {
    id: i64,
    member_id: Option<i64>,
    member: Option<String>,
    problem: String,
    measure: String,
    deadline_text: String,
    opinion: Option<String>,
    version: i64,
}

/// Carries the meeting's problems into a new ledger: the office, once the meeting is
/// held. Answers the ledger's inspection.
pub async fn carry(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &Carry,
) -> StoreResult<InspectionId> {
    db.write(async |tx| carry_in(tx, actor, change, meeting, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn carry_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &Carry,
) -> StoreResult<InspectionId> {
    let m = load(tx.conn(), actor, meeting).await?;
    m.require_manage()?;
    audit::versions::require_current(tx, Entity::Meeting, meeting, input.version).await?;
    if m.state != MeetingState::Held {
        return Err(StoreError::because(
            "meeting",
            Why::Rule(Rule::MeetingNotHeld),
        ));
    }
    let org = UnitId(m.row.org_id);
    let mut c = Checker::default();
    let lead = match input.lead_unit_id.filter(|u| *u > 0) {
        Some(unit) => sqlx::query(
            "SELECT 1 FROM units WHERE id = $1 AND org_id = $2 AND kind = 'dept' AND withdrawn_at IS NULL",
        )
        .bind(unit)
        .bind(org.0)
        .fetch_optional(tx.conn())
        .await?
        .map(|_| UnitId(unit)),
        None => None,
    };
    if lead.is_none() {
        c.push(FieldError::because(
            "lead_unit_id",
            Why::Choose(Choose::LeadDepartment),
        ));
    }
    let findings: Vec<FindingRow> = sqlx::query_as(
        "SELECT f.id, f.member_id, u.display_name AS member, f.problem, f.measure, f.deadline_text, \
         o.text AS opinion, f.version FROM meeting_findings f LEFT JOIN users u ON u.id = f.member_id \
         LEFT JOIN opinions o ON o.id = f.opinion_id \
         WHERE f.meeting_id = $1 AND f.withdrawn_at IS NULL AND f.problem_id IS NULL \
         ORDER BY f.member_id IS NOT NULL, f.id",
    )
    .bind(meeting)
    .fetch_all(tx.conn())
    .await?;
    if findings.is_empty() {
        c.push(FieldError::because(
            "findings",
            Why::Rule(Rule::NothingToCarry),
        ));
    }
    c.finish()?;
    let Some(lead) = lead else {
        return Err(StoreError::Other(anyhow::anyhow!(
            "the carry passed its checks without a lead unit"
        )));
    };
    let held_on = m.held_on()?;
    let inspection = inspections::insert(
        tx,
        change,
        org,
        &InspectionInput {
            kind: InspectionKind::DemocraticMeeting.code().into(),
            title: m.row.topic.clone(),
            group_name: format!("{}领导班子", m.row.org),
            feedback_date: day(held_on),
            notes: "由民主生活会查摆问题纳入".into(),
            ..InspectionInput::default()
        },
    )
    .await?;
    // One aspect for the leadership, then one per member in the meeting's order.
    let mut aspect_of: Vec<(Option<i64>, zhenggai_domain::AspectId)> = Vec::new();
    let mut order: Vec<Option<i64>> = Vec::new();
    if findings.iter().any(|f| f.member_id.is_none()) {
        order.push(None);
    }
    for member in &m.members {
        if findings.iter().any(|f| f.member_id == Some(member.user_id)) {
            order.push(Some(member.user_id));
        }
    }
    for member in order {
        let title = match member.and_then(|id| m.members.iter().find(|x| x.user_id == id)) {
            Some(x) => format!("{}同志查摆的问题", x.name),
            None => "领导班子查摆的问题".to_string(),
        };
        let aspect = aspects::insert(tx, change, inspection, &TitleInput { title }).await?;
        aspect_of.push((member, aspect));
    }
    for f in &findings {
        let Some((_, aspect)) = aspect_of.iter().find(|(m, _)| *m == f.member_id) else {
            continue;
        };
        let leader = f.member_id.unwrap_or(m.row.chair_id);
        let mut description = match &f.member {
            Some(name) => format!("来源：{}，{}同志对照检查材料。", m.row.topic, name),
            None => format!("来源：{}，领导班子对照检查材料。", m.row.topic),
        };
        // Which opinion, not its words: those were given in trust, and the ledger is
        // read more widely than the meeting.
        if f.opinion.is_some() {
            description.push_str("回应征求到的意见。");
        }
        let problem = problems::insert(
            tx,
            change,
            inspection,
            &NewProblem {
                title: f.problem.clone(),
                description: Some(description),
                aspect: *aspect,
                item: None,
                source: ProblemSource::SelfFound,
                lead_unit: Some(lead),
                leader: Some(UserId(leader)),
                // Its origin is the finding that names it (`meeting_findings.problem_id`)
                // and its description; `origin` is an import's row.
                origin: None,
            },
        )
        .await?;
        let deadline = Deadline::parse(&f.deadline_text, held_on)
            .map_err(|e| StoreError::Invalid(vec![e.at(&format!("findings.{}.deadline", f.id))]))?;
        measures::insert(
            tx,
            change,
            problem,
            &NewMeasure {
                content: f.measure.clone(),
                lead_unit: lead,
                cooperating: Vec::new(),
                leader: Some(UserId(leader)),
                responsible_person: f.member.clone(),
                target: None,
                deadline,
                origin: None,
            },
        )
        .await?;
        let mut set = Sql::new("problem_id = ");
        set.bind(problem.0);
        audit::versions::update(
            tx,
            change,
            "carry",
            Entity::MeetingFinding,
            f.id,
            f.version,
            &set,
        )
        .await?;
    }
    let mut set = Sql::new("state = ");
    set.bind(MeetingState::Closed.code())
        .push(", inspection_id = ")
        .bind(inspection.0);
    audit::versions::update(
        tx,
        change,
        "carry",
        Entity::Meeting,
        meeting,
        input.version,
        &set,
    )
    .await?;
    Ok(inspection)
}
