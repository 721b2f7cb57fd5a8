//! 信访件 (D20): petitions handed over with an inspection's feedback, registered by the
//! office, handled by a unit of the organisation by a deadline, concluded (办结) with
//! their result, and returned by the office to be handled again (退回重办) when the
//! result does not answer them. Who may do what is `Actor::petition_rights`; every
//! change is a version in the trail.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::happened::{self, Event};
use zhenggai_domain::petition::{
    PetitionRights, PetitionStanding, PetitionState, Petitions, default_deadline, latest_deadline,
};
use zhenggai_domain::reason::{Choose, Refused, Rule};
use zhenggai_domain::validate::{Checker, FieldError, Why};
use zhenggai_domain::{InspectionId, Role, UnitId};

use super::{happened_on, inspection_org, inspection_start};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, day, parse_day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::scope::{ledger_orgs, require_business};

/// A petition as the office registers it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PetitionInput {
    /// Its number on the transfer list (移交清单编号), if it has one.
    pub number: String,
    /// The day it was received (YYYY-MM-DD).
    pub received_on: String,
    /// What it reports (反映内容摘要).
    pub summary: String,
    /// The department that handles it (承办单位).
    pub handling_unit_id: Option<i64>,
    /// Its deadline (办理时限, YYYY-MM-DD); sixty days after it was received when empty.
    pub deadline: String,
    /// The problems of the inspection it bears on.
    pub problem_ids: Vec<i64>,
}

/// A petition's words, handling unit or deadline changed by the office, at the version
/// it read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PetitionEdit {
    /// The version read.
    pub version: i64,
    /// Its number on the transfer list.
    pub number: String,
    /// What it reports.
    pub summary: String,
    /// The department that handles it.
    pub handling_unit_id: Option<i64>,
    /// Its deadline (YYYY-MM-DD).
    pub deadline: String,
}

/// A petition's result (办结), at the version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Conclusion {
    /// The version read.
    pub version: i64,
    /// What was done and found (办理结果).
    pub result: String,
    /// The day it was concluded (YYYY-MM-DD).
    pub concluded_on: String,
}

/// A result returned to be handled again (退回重办), at the version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SendBack {
    /// The version read.
    pub version: i64,
    /// Why the result does not answer the petition.
    pub reason: String,
}

/// A problem a petition bears on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinkedProblem {
    /// The problem.
    pub id: i64,
    /// Its number in its ledger.
    pub ordinal: i64,
    /// Its title.
    pub title: String,
}

/// One petition, with what the reader may do with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Petition {
    /// Id.
    pub id: i64,
    /// Its inspection.
    pub inspection_id: i64,
    /// The inspection's title.
    pub inspection: String,
    /// Its number on the transfer list.
    pub number: Option<String>,
    /// Received on.
    #[schema(value_type = String, format = Date)]
    pub received_on: NaiveDate,
    /// What it reports.
    pub summary: String,
    /// The handling unit.
    pub handling_unit_id: i64,
    /// Its name.
    pub handling_unit: String,
    /// Its deadline.
    #[schema(value_type = String, format = Date)]
    pub deadline: NaiveDate,
    /// Its state.
    pub state: PetitionState,
    /// Where it stands today.
    pub standing: PetitionStanding,
    /// Its result once concluded; while a returned petition is handled again, the result
    /// that was returned (for the unit to correct).
    pub result: Option<String>,
    /// The day concluded.
    #[schema(value_type = Option<String>, format = Date)]
    pub concluded_on: Option<NaiveDate>,
    /// How often a result was returned.
    pub returns: i64,
    /// The latest return's reason.
    pub returned_reason: Option<String>,
    /// The latest return's day.
    #[schema(value_type = Option<String>, format = Date)]
    pub returned_on: Option<NaiveDate>,
    /// The problems it bears on.
    pub problems: Vec<LinkedProblem>,
    /// Version, for a change.
    pub version: i64,
    /// Whether the reader may record its result.
    pub may_conclude: bool,
    /// Whether the reader may change it or return its result.
    pub may_manage: bool,
}

/// Petitions with their counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PetitionList {
    /// The petitions, the latest received first.
    pub petitions: Vec<Petition>,
    /// Counted as the statistics count them (D15).
    pub counts: Petitions,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    inspection_id: i64,
    inspection: String,
    org_id: i64,
    number: Option<String>,
    received_on: String,
    summary: String,
    handling_unit_id: i64,
    handling_unit: String,
    deadline: String,
    state: String,
    result: Option<String>,
    concluded_on: Option<String>,
    returns: i64,
    returned_reason: Option<String>,
    returned_on: Option<String>,
    version: i64,
}

const SELECT: &str = "SELECT p.id, p.inspection_id, i.title AS inspection, i.org_id, p.number, \
     p.received_on, p.summary, p.handling_unit_id, COALESCE(u.short_name, u.name) AS handling_unit, \
     p.deadline, p.state, p.result, p.concluded_on, p.returns, p.returned_reason, p.returned_on, \
     p.version \
     FROM petitions p JOIN inspections i ON i.id = p.inspection_id \
     JOIN units u ON u.id = p.handling_unit_id WHERE i.withdrawn_at IS NULL AND ";

impl Row {
    fn rights(&self, actor: &Actor) -> PetitionRights {
        actor.petition_rights(UnitId(self.org_id), UnitId(self.handling_unit_id))
    }

    fn petition(self, actor: &Actor, today: NaiveDate) -> StoreResult<Petition> {
        let rights = self.rights(actor);
        let state: PetitionState = code_of("petitions", "state", &self.state)?;
        let bad_day = |column: &str, value: &str| {
            StoreError::Other(anyhow::anyhow!(
                "petitions {} has {column} {value:?}, which is no date",
                self.id
            ))
        };
        let deadline =
            parse_day(&self.deadline).ok_or_else(|| bad_day("deadline", &self.deadline))?;
        let received_on = parse_day(&self.received_on)
            .ok_or_else(|| bad_day("received_on", &self.received_on))?;
        let concluded_on = self.concluded_on.as_deref().and_then(parse_day);
        Ok(Petition {
            id: self.id,
            inspection_id: self.inspection_id,
            inspection: self.inspection,
            number: self.number,
            received_on,
            summary: self.summary,
            handling_unit_id: self.handling_unit_id,
            handling_unit: self.handling_unit,
            deadline,
            state,
            standing: PetitionStanding::of(state, deadline, concluded_on, today),
            result: self.result,
            concluded_on,
            returns: self.returns,
            returned_reason: self.returned_reason,
            returned_on: self.returned_on.as_deref().and_then(parse_day),
            problems: Vec::new(),
            version: self.version,
            may_conclude: rights.conclude && state == PetitionState::Handling,
            may_manage: rights.manage,
        })
    }
}

/// The handling unit, if it is a department of the inspection's organisation.
async fn check_unit(
    tx: &mut Tx,
    c: &mut Checker,
    inspection: InspectionId,
    unit: Option<i64>,
) -> StoreResult<Option<i64>> {
    let found = match unit.filter(|u| *u > 0) {
        Some(unit) => sqlx::query(
            "SELECT 1 FROM units u JOIN inspections i ON i.org_id = u.org_id \
             WHERE u.id = $1 AND i.id = $2 AND u.kind = 'dept' AND u.withdrawn_at IS NULL",
        )
        .bind(unit)
        .bind(inspection.0)
        .fetch_optional(tx.conn())
        .await?
        .map(|_| unit),
        None => None,
    };
    if found.is_none() {
        c.push(FieldError::because(
            "handling_unit_id",
            Why::Choose(Choose::HandlingUnit),
        ));
    }
    Ok(found)
}

/// The deadline as given, or sixty days after `received_on` when empty; never before it.
fn check_deadline(
    c: &mut Checker,
    value: &str,
    received_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let deadline = if value.trim().is_empty() {
        received_on.map(default_deadline)
    } else {
        c.date("deadline", value)
    };
    match (deadline, received_on) {
        (Some(deadline), Some(received_on)) if deadline < received_on => {
            c.push(FieldError::because(
                "deadline",
                Why::Rule(Rule::PetitionDeadlineBeforeReceived { received_on }),
            ));
            None
        }
        (Some(deadline), Some(received_on)) if deadline > latest_deadline(received_on) => {
            c.push(FieldError::because(
                "deadline",
                Why::Rule(Rule::PetitionDeadlineTooLate {
                    latest: latest_deadline(received_on),
                }),
            ));
            None
        }
        _ => deadline,
    }
}

/// Refuses a number another petition of the inspection has (`except`: the one changed).
async fn check_number(
    tx: &mut Tx,
    c: &mut Checker,
    inspection: InspectionId,
    number: Option<&str>,
    except: i64,
) -> StoreResult<()> {
    let Some(number) = number else {
        return Ok(());
    };
    let taken = sqlx::query(
        "SELECT 1 FROM petitions WHERE inspection_id = $1 AND number = $2 AND id <> $3 \
         AND withdrawn_at IS NULL",
    )
    .bind(inspection.0)
    .bind(number)
    .bind(except)
    .fetch_optional(tx.conn())
    .await?
    .is_some();
    if taken {
        c.push(FieldError::because(
            "number",
            Why::Rule(Rule::PetitionNumberTaken),
        ));
    }
    Ok(())
}

/// Registers a petition of `inspection`: its organisation's office.
pub async fn register(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &PetitionInput,
) -> StoreResult<i64> {
    db.write(async |tx| register_in(tx, actor, change, inspection, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn register_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &PetitionInput,
) -> StoreResult<i64> {
    let org = inspection_org(tx.conn(), inspection).await?;
    super::office_does_for_inspection(
        tx.conn(),
        actor,
        org,
        inspection,
        Refused::PetitionsByOffice,
    )
    .await?;
    let mut c = Checker::default();
    let number = c.optional_text("number", &input.number, 50);
    let summary = c.text("summary", &input.summary, 2000);
    let mut received_on = happened_on(
        &mut c,
        Event::PetitionReceived,
        &input.received_on,
        change,
        inspection_start(tx.conn(), inspection).await?,
    );
    // Handed over with the feedback: not before it.
    let feedback: Option<String> =
        sqlx::query_scalar("SELECT feedback_date FROM inspections WHERE id = $1")
            .bind(inspection.0)
            .fetch_one(tx.conn())
            .await?;
    if let Some(on) = received_on
        && let Err(e) = happened::check_after(
            Event::PetitionReceived,
            on,
            feedback.as_deref().and_then(parse_day),
        )
    {
        c.push(e.field_error());
        received_on = None;
    }
    check_number(tx, &mut c, inspection, number.as_deref(), 0).await?;
    let deadline = check_deadline(&mut c, &input.deadline, received_on);
    let unit = check_unit(tx, &mut c, inspection, input.handling_unit_id).await?;
    super::outcomes::check_links(
        tx,
        &mut c,
        inspection,
        "problems",
        &input.problem_ids,
        "problem_ids",
    )
    .await?;
    c.finish()?;
    let (Some(received_on), Some(deadline), Some(unit)) = (received_on, deadline, unit) else {
        return Err(StoreError::Other(anyhow::anyhow!(
            "a petition passed its checks without a date or unit"
        )));
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO petitions (inspection_id, number, received_on, summary, handling_unit_id, deadline, \
         state, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, 'handling', $7, $8) RETURNING id",
    )
    .bind(inspection.0)
    .bind(number)
    .bind(day(received_on))
    .bind(summary)
    .bind(unit)
    .bind(day(deadline))
    .bind(stamp(change.at))
    .bind(actor.user.0)
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Petition, id).await?;
    let mut seen = std::collections::BTreeSet::new();
    for problem in input.problem_ids.iter().filter(|p| seen.insert(**p)) {
        let link: i64 = sqlx::query_scalar(
            "INSERT INTO petition_links (petition_id, problem_id, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(id)
        .bind(*problem)
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, change, Entity::PetitionLink, link).await?;
    }
    Ok(id)
}

/// One petition's row and the reader's rights, or `NotFound` when they may not read it.
async fn load(tx_conn: &mut sqlx::AnyConnection, actor: &Actor, id: i64) -> StoreResult<Row> {
    load_any(tx_conn, actor, id, false).await
}

/// [`load`], or with `withdrawn` a petition withdrawn too (its trail stays readable).
async fn load_any(
    tx_conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: i64,
    withdrawn: bool,
) -> StoreResult<Row> {
    require_business(actor)?;
    let mut sql = Sql::new(SELECT);
    if !withdrawn {
        sql.push("p.withdrawn_at IS NULL AND ");
    }
    sql.push("p.id = ").bind(id);
    let row: Row = sql
        .query_as::<Row>()
        .fetch_optional(tx_conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if row.rights(actor).read {
        Ok(row)
    } else {
        Err(StoreError::NotFound)
    }
}

/// Who may make a change to a petition.
#[derive(Clone, Copy)]
enum Need {
    /// Its result (办结): its handling unit or the office.
    Conclude,
    /// Anything else: the office.
    Manage,
}

/// A petition about to be changed, read at `version`: loaded (`NotFound` for who may
/// not read it), refused with who does it to who may read but not change it, and, when
/// someone else changed it since, answered with their change (409) before any rule of
/// the state it has come to.
async fn to_change(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    version: i64,
    need: Need,
) -> StoreResult<(Row, PetitionState)> {
    let row = load(tx.conn(), actor, id).await?;
    let rights = row.rights(actor);
    match need {
        Need::Conclude if !rights.conclude => {
            return Err(StoreError::refused(Refused::PetitionByHandlingUnit {
                unit: row.handling_unit.clone(),
            }));
        }
        Need::Manage if !rights.manage => {
            return Err(StoreError::refused(Refused::PetitionsByOffice));
        }
        _ => {}
    }
    audit::versions::require_current(tx, Entity::Petition, id, version).await?;
    let state = code_of("petitions", "state", &row.state)?;
    Ok((row, state))
}

/// Changes a petition's words, handling unit or deadline: the office, while it is in
/// handling.
pub async fn edit(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &PetitionEdit,
) -> StoreResult<()> {
    db.write(async |tx| {
        let (row, state) = to_change(tx, actor, id, input.version, Need::Manage).await?;
        if state == PetitionState::Concluded {
            return Err(StoreError::because(
                "state",
                Why::Rule(Rule::PetitionConcluded),
            ));
        }
        let inspection = InspectionId(row.inspection_id);
        let mut c = Checker::default();
        let number = c.optional_text("number", &input.number, 50);
        let summary = c.text("summary", &input.summary, 2000);
        check_number(tx, &mut c, inspection, number.as_deref(), id).await?;
        let deadline = check_deadline(&mut c, &input.deadline, parse_day(&row.received_on));
        let unit = check_unit(tx, &mut c, inspection, input.handling_unit_id).await?;
        c.finish()?;
        let mut set = Sql::new("number = ");
        set.bind(number)
            .push(", summary = ")
            .bind(summary)
            .push(", handling_unit_id = ")
            .bind(unit.unwrap_or(row.handling_unit_id))
            .push(", deadline = ")
            .bind(deadline.map_or(row.deadline.clone(), day));
        audit::versions::update(
            tx,
            change,
            "update",
            Entity::Petition,
            id,
            input.version,
            &set,
        )
        .await?;
        Ok(())
    })
    .await
}

/// Records a petition's result (办结): its handling unit or the office.
pub async fn conclude(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Conclusion,
) -> StoreResult<()> {
    db.write(async |tx| conclude_in(tx, actor, change, id, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn conclude_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Conclusion,
) -> StoreResult<()> {
    let (row, state) = to_change(tx, actor, id, input.version, Need::Conclude).await?;
    if state == PetitionState::Concluded {
        return Err(StoreError::because(
            "state",
            Why::Rule(Rule::PetitionConcluded),
        ));
    }
    let mut c = Checker::default();
    let result = c.text("result", &input.result, 2000);
    let concluded_on = happened_on(
        &mut c,
        Event::PetitionConcluded,
        &input.concluded_on,
        change,
        None,
    );
    // Not before it was received, nor before the result was last returned.
    let earliest = [
        parse_day(&row.received_on),
        row.returned_on.as_deref().and_then(parse_day),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(on) = concluded_on
        && let Err(e) = happened::check_after(Event::PetitionConcluded, on, earliest)
    {
        c.push(e.field_error());
    }
    c.finish()?;
    let mut set = Sql::new("state = 'concluded', result = ");
    set.bind(result)
        .push(", concluded_on = ")
        .bind(concluded_on.map(day));
    audit::versions::update(
        tx,
        change,
        "conclude",
        Entity::Petition,
        id,
        input.version,
        &set,
    )
    .await?;
    Ok(())
}

/// Returns a concluded petition to its handling unit (退回重办): the office, with the
/// reason, which the unit reads on the petition.
pub async fn send_back(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &SendBack,
) -> StoreResult<()> {
    db.write(async |tx| send_back_in(tx, actor, change, id, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn send_back_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &SendBack,
) -> StoreResult<()> {
    let (_, state) = to_change(tx, actor, id, input.version, Need::Manage).await?;
    if state != PetitionState::Concluded {
        return Err(StoreError::because(
            "state",
            Why::Rule(Rule::PetitionNotConcluded),
        ));
    }
    let mut c = Checker::default();
    let reason = c.text("reason", &input.reason, 1000);
    c.finish()?;
    // The result stays, for the unit to correct; the day it was returned bounds the next.
    let mut set = Sql::new(
        "state = 'handling', concluded_on = NULL, returns = returns + 1, returned_reason = ",
    );
    set.bind(reason)
        .push(", returned_on = ")
        .bind(day(zhenggai_domain::clock::china_date(change.at)));
    audit::versions::update(
        tx,
        change,
        "send_back",
        Entity::Petition,
        id,
        input.version,
        &set,
    )
    .await?;
    Ok(())
}

/// A petition's withdrawal (撤回): one registered twice or by mistake, at the version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Withdrawal {
    /// The version read.
    pub version: i64,
    /// Why: registered twice, not a petition of this inspection …
    pub reason: String,
}

/// Withdraws a petition registered twice or by mistake (撤回): the office, with the
/// reason. It stays in the trail; it leaves the lists and the figures.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Withdrawal,
) -> StoreResult<()> {
    db.write(async |tx| {
        to_change(tx, actor, id, input.version, Need::Manage).await?;
        let mut c = Checker::default();
        let reason = c.text("reason", &input.reason, 1000);
        c.finish()?;
        let change = Change {
            reason: Some(&reason),
            ..change
        };
        audit::versions::withdraw(tx, change, Entity::Petition, id, input.version).await?;
        Ok(())
    })
    .await
}

/// Whether the reader may read the trail of petition `id`, withdrawn or not: whoever
/// may read the petition (D21: a withdrawal stays verifiable, with who, when and why).
pub async fn record_readable(db: &Db, actor: &Actor, id: i64) -> StoreResult<()> {
    let mut conn = db.pool().acquire().await?;
    load_any(&mut conn, actor, id, true).await.map(drop)
}

/// A petition withdrawn (撤回), as the list shows it below the others.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WithdrawnPetition {
    /// Id (its trail).
    pub id: i64,
    /// Its number on the transfer list.
    pub number: Option<String>,
    /// What it reported.
    pub summary: String,
    /// Who withdrew it.
    pub withdrawn_by: String,
    /// When, Beijing time to the minute.
    pub withdrawn_at: String,
    /// Why.
    pub reason: String,
}

/// The petitions withdrawn of an inspection (or of every inspection the reader reaches),
/// for those who read the whole ledger: a withdrawal is seen by 纪检 and the upper level,
/// not only by the office that made it.
pub async fn withdrawn(
    db: &Db,
    actor: &Actor,
    inspection: Option<InspectionId>,
) -> StoreResult<Vec<WithdrawnPetition>> {
    let Some(orgs) = ledger_orgs(actor) else {
        return Ok(Vec::new());
    };
    #[derive(sqlx::FromRow)]
    struct Gone {
        id: i64,
        number: Option<String>,
        summary: String,
        withdrawn_by: Option<String>,
        withdrawn_at: String,
        withdrawn_reason: Option<String>,
    }
    let mut sql = Sql::new(
        "SELECT p.id, p.number, p.summary, w.display_name AS withdrawn_by, p.withdrawn_at, \
         p.withdrawn_reason FROM petitions p JOIN inspections i ON i.id = p.inspection_id \
         LEFT JOIN users w ON w.id = p.withdrawn_by \
         WHERE i.withdrawn_at IS NULL AND p.withdrawn_at IS NOT NULL AND i.org_id IN ",
    );
    sql.id_list(orgs);
    if let Some(id) = inspection {
        sql.push(" AND p.inspection_id = ").bind(id.0);
    }
    sql.push(" ORDER BY p.withdrawn_at DESC, p.id DESC");
    Ok(sql
        .query_as::<Gone>()
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|g| WithdrawnPetition {
            id: g.id,
            number: g.number,
            summary: g.summary,
            withdrawn_by: g.withdrawn_by.unwrap_or_default(),
            withdrawn_at: crate::db::sql::beijing_minute(&g.withdrawn_at),
            reason: g.withdrawn_reason.unwrap_or_default(),
        })
        .collect())
}

/// One petition, for whoever may read it.
pub async fn get(db: &Db, actor: &Actor, id: i64, today: NaiveDate) -> StoreResult<Petition> {
    let mut conn = db.pool().acquire().await?;
    let row = load(&mut conn, actor, id).await?;
    let mut p = vec![row.petition(actor, today)?];
    link_problems(&mut conn, &mut p).await?;
    p.pop().ok_or(StoreError::NotFound)
}

/// The petitions the reader may read — of one inspection, or of every inspection they
/// reach: the whole organisation's for those who read its ledger, a unit's own, the
/// units in charge for a leader.
pub async fn list(
    db: &Db,
    actor: &Actor,
    inspection: Option<InspectionId>,
    today: NaiveDate,
) -> StoreResult<PetitionList> {
    require_business(actor)?;
    let mut conn = db.pool().acquire().await?;
    let mut sql = Sql::new(SELECT);
    sql.push("p.withdrawn_at IS NULL AND ");
    if let Some(id) = inspection {
        let org = inspection_org(&mut conn, id).await?;
        // An organisation the reader neither belongs to nor oversees: nothing of it.
        if actor.ledger_access(org) == Access::None && actor.org != org {
            return Err(StoreError::NotFound);
        }
        sql.push("p.inspection_id = ").bind(id.0).push(" AND ");
    }
    sql.append(&readable(actor));
    sql.push(" ORDER BY p.received_on DESC, p.id DESC");
    let rows = sql.query_as::<Row>().fetch_all(&mut *conn).await?;
    let mut petitions = Vec::with_capacity(rows.len());
    let mut counts = Petitions::default();
    for row in rows {
        // The list's condition and the record's rule agree; the rule has the last word.
        if !row.rights(actor).read {
            continue;
        }
        let p = row.petition(actor, today)?;
        counts.add(p.standing);
        petitions.push(p);
    }
    link_problems(&mut conn, &mut petitions).await?;
    Ok(PetitionList { petitions, counts })
}

/// The petitions the reader may read, as a condition on `petitions p` joined to
/// `inspections i`: the rule of `Actor::petition_rights`, in SQL.
fn readable(actor: &Actor) -> Sql {
    match ledger_orgs(actor) {
        Some(orgs) => {
            let mut sql = Sql::new("i.org_id IN ");
            sql.id_list(orgs);
            sql
        }
        None => {
            // A unit its own; a leader the units in charge.
            let units: Vec<i64> = match actor.role {
                Role::Unit => vec![actor.unit.0],
                _ => actor.units_in_charge.iter().map(|u| u.0).collect(),
            };
            let mut sql = Sql::new("i.org_id = ");
            sql.bind(actor.org.0)
                .push(" AND p.handling_unit_id IN ")
                .id_list(units);
            sql
        }
    }
}

/// How many of the petitions the reader may read are in handling, and how many of
/// those are past their deadline (the home page's tile); none for a role that reads no
/// business data.
pub async fn in_handling(db: &Db, actor: &Actor, today: NaiveDate) -> StoreResult<Petitions> {
    // The administrators' home reads no business data: no petitions, not a refusal.
    if !actor.role.reads_business_data() {
        return Ok(Petitions::default());
    }
    let mut sql = Sql::new(
        "SELECT p.deadline FROM petitions p JOIN inspections i ON i.id = p.inspection_id \
         WHERE i.withdrawn_at IS NULL AND p.withdrawn_at IS NULL AND p.state = 'handling' AND ",
    );
    sql.append(&readable(actor));
    let mut counts = Petitions::default();
    for text in sql.query_scalar::<String>().fetch_all(db.pool()).await? {
        let deadline = parse_day(&text).ok_or_else(|| {
            StoreError::Other(anyhow::anyhow!("a petition's deadline {text:?} is no date"))
        })?;
        counts.add(PetitionStanding::of(
            PetitionState::Handling,
            deadline,
            None,
            today,
        ));
    }
    Ok(counts)
}

/// Fills each petition's linked problems.
async fn link_problems(
    conn: &mut sqlx::AnyConnection,
    petitions: &mut [Petition],
) -> StoreResult<()> {
    if petitions.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "SELECT l.petition_id, p.id, p.ordinal, p.title FROM petition_links l \
         JOIN problems p ON p.id = l.problem_id WHERE p.withdrawn_at IS NULL AND l.petition_id IN ",
    );
    sql.id_list(petitions.iter().map(|p| p.id))
        .push(" ORDER BY p.ordinal, p.id");
    let links = sql
        .query_as::<(i64, i64, i64, String)>()
        .fetch_all(conn)
        .await?;
    let mut by: std::collections::HashMap<i64, Vec<LinkedProblem>> = Default::default();
    for (petition, id, ordinal, title) in links {
        by.entry(petition)
            .or_default()
            .push(LinkedProblem { id, ordinal, title });
    }
    for p in petitions {
        p.problems = by.remove(&p.id).unwrap_or_default();
    }
    Ok(())
}
