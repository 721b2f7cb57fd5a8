//! 问题 — the findings of an inspection, and those the organisation found itself.

use serde::{Deserialize, Serialize};
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::inspection::ProblemSource;
use zhenggai_domain::reason::{Choose, Foreign};
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{AspectId, InspectionId, ItemId, ProblemId, UnitId};

use super::{inspection_org, require_inspection_edit};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::scope::require_ledger;

/// A problem as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProblemInput {
    /// The aspect (方面) it belongs to.
    pub aspect_id: i64,
    /// The item (项), when the ledger uses items.
    pub item_id: Option<i64>,
    /// The problem in one line, e.g. 公车私用.
    pub title: String,
    /// The problem as the feedback describes it.
    pub description: String,
    /// inspection (巡察反馈) or self_found (自查发现).
    pub source: String,
    /// 牵头单位 the problem is distributed to (D3), which then claims it.
    pub lead_unit_id: Option<i64>,
    /// 责任领导: the one leader in charge of the problem.
    pub leader_id: Option<i64>,
    /// When the lead unit changes: the measures that go with the problem to the new
    /// one (chosen measure by measure); absent, every measure the former lead unit led.
    pub carry_measure_ids: Option<Vec<i64>>,
}

struct Checked {
    lead_unit: Option<i64>,
    leader: Option<i64>,
    aspect: AspectId,
    item: Option<ItemId>,
    title: String,
    description: Option<String>,
    source: ProblemSource,
}

impl ProblemInput {
    async fn check(&self, tx: &mut Tx, inspection: InspectionId) -> StoreResult<Checked> {
        let mut c = Checker::default();
        let title = c.text("title", &self.title, 500);
        let description = c.optional_text("description", &self.description, 5000);
        let source = ProblemSource::from_code(self.source.trim());
        if source.is_none() {
            c.push(FieldError::because("source", Why::Choose(Choose::Source)));
        }
        let aspect_ok = sqlx::query(
            "SELECT 1 FROM aspects WHERE id = $1 AND inspection_id = $2 AND withdrawn_at IS NULL",
        )
        .bind(self.aspect_id)
        .bind(inspection.0)
        .fetch_optional(tx.conn())
        .await?
        .is_some();
        if !aspect_ok {
            c.push(FieldError::because(
                "aspect_id",
                Why::Choose(Choose::Aspect),
            ));
        }
        if let Some(item) = self.item_id.filter(|i| *i > 0) {
            let item_ok = sqlx::query(
                "SELECT 1 FROM items WHERE id = $1 AND aspect_id = $2 AND withdrawn_at IS NULL",
            )
            .bind(item)
            .bind(self.aspect_id)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
            if !item_ok {
                c.push(FieldError::because(
                    "item_id",
                    Why::Foreign(Foreign::ItemOfAspect),
                ));
            }
        }
        let lead_unit = self.lead_unit_id.filter(|u| *u > 0);
        if let Some(unit) = lead_unit {
            let ok = sqlx::query(
                "SELECT 1 FROM units u JOIN inspections i ON i.org_id = u.org_id WHERE u.id = $1 AND i.id = $2 AND u.kind = 'dept' AND u.withdrawn_at IS NULL",
            )
            .bind(unit)
            .bind(inspection.0)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
            if !ok {
                c.push(FieldError::because(
                    "lead_unit_id",
                    Why::Choose(Choose::LeadDepartment),
                ));
            }
        }
        let leader = self.leader_id.filter(|l| *l > 0);
        if let Some(leader) = leader {
            let ok = sqlx::query(
                "SELECT 1 FROM users u JOIN units un ON un.id = u.unit_id JOIN inspections i ON i.org_id = un.org_id \
                 WHERE u.id = $1 AND i.id = $2 AND u.role = 'leader' AND u.withdrawn_at IS NULL",
            )
            .bind(leader)
            .bind(inspection.0)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
            if !ok {
                c.push(FieldError::because(
                    "leader_id",
                    Why::Foreign(Foreign::Leader),
                ));
            }
        }
        c.finish()?;
        Ok(Checked {
            lead_unit,
            leader,
            aspect: AspectId(self.aspect_id),
            item: self.item_id.filter(|i| *i > 0).map(ItemId),
            title,
            description,
            source: source.unwrap_or(ProblemSource::Inspection),
        })
    }
}

/// A problem as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Id.
    pub id: ProblemId,
    /// Its inspection.
    pub inspection_id: InspectionId,
    /// The inspection's title.
    pub inspection_title: String,
    /// The inspected organisation.
    pub org_id: UnitId,
    /// Its aspect.
    pub aspect_id: AspectId,
    /// The aspect's title.
    pub aspect_title: String,
    /// Its item, if any.
    pub item_id: Option<ItemId>,
    /// Number within the inspection.
    pub ordinal: i64,
    /// One line.
    pub title: String,
    /// As the feedback describes it.
    pub description: Option<String>,
    /// Where it came from.
    pub source: ProblemSource,
    /// Where it is in its lifecycle.
    pub state: zhenggai_domain::lifecycle::ProblemState,
    /// 牵头单位: as distributed, else the first measure's lead unit.
    pub lead_unit: Option<super::UnitRef>,
    /// 责任领导.
    pub leader: Option<super::UserRef>,
    /// Approved deadline extensions.
    pub extensions: i64,
    /// Whether the public notice may name it (the office marks it 不予公开 otherwise).
    pub public: bool,
    /// Version, for concurrent edits.
    pub version: i64,
}

/// Adds a problem to an inspection.
pub async fn create(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &ProblemInput,
) -> StoreResult<ProblemId> {
    db.write(async |tx| {
        let org = inspection_org(tx.conn(), inspection).await?;
        require_inspection_edit(tx.conn(), actor, org, inspection).await?;
        let c = input.check(tx, inspection).await?;
        let new = NewProblem {
            title: c.title,
            description: c.description,
            aspect: c.aspect,
            item: c.item,
            source: c.source,
            lead_unit: c.lead_unit.map(UnitId),
            leader: c.leader.map(zhenggai_domain::UserId),
            origin: None,
        };
        insert(tx, change, inspection, &new).await
    })
    .await
}

/// A checked problem, ready to store.
#[derive(Debug, Clone)]
pub struct NewProblem {
    /// One line.
    pub title: String,
    /// As the feedback describes it.
    pub description: Option<String>,
    /// Its aspect.
    pub aspect: AspectId,
    /// Its item, if any.
    pub item: Option<ItemId>,
    /// Where it came from.
    pub source: ProblemSource,
    /// 牵头单位 it is distributed to.
    pub lead_unit: Option<UnitId>,
    /// 责任领导.
    pub leader: Option<zhenggai_domain::UserId>,
    /// Where it was imported from ("台账!5"), if it was.
    pub origin: Option<String>,
}

/// Inserts a checked problem, registered (挂号) (also the demo loader).
pub async fn insert(
    tx: &mut Tx,
    change: Change<'_>,
    inspection: InspectionId,
    p: &NewProblem,
) -> StoreResult<ProblemId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO problems (inspection_id, aspect_id, item_id, ordinal, title, description, source, lead_unit_id, leader_id, created_at, origin) \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM problems WHERE inspection_id = $1), $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(inspection.0)
    .bind(p.aspect.0)
    .bind(p.item.map(|i| i.0))
    .bind(&p.title)
    .bind(p.description.as_deref())
    .bind(p.source.code())
    .bind(p.lead_unit.map(|u| u.0))
    .bind(p.leader.map(|u| u.0))
    .bind(stamp(change.at))
    .bind(p.origin.as_deref())
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Problem, id).await?;
    Ok(ProblemId(id))
}

/// Refuses a change to a problem's record (its wording, its withdrawal) unless the
/// actor may change the ledger: one who reads the problem is told who may (403).
async fn require_problem_edit(
    db: &Db,
    actor: &Actor,
    org: UnitId,
    id: ProblemId,
) -> StoreResult<()> {
    match require_ledger(actor, org, Access::Edit) {
        Err(StoreError::NotFound) if get(db, actor, id).await.is_ok() => {
            Err(super::office_changes_the_ledger())
        }
        other => other,
    }
}

/// Changes a problem read at `version`.
pub async fn update(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    version: i64,
    input: &ProblemInput,
) -> StoreResult<()> {
    db.write(async |tx| {
        let inspection = problem_inspection(tx, id).await?;
        let org = inspection_org(tx.conn(), inspection).await?;
        require_problem_edit(db, actor, org, id).await?;
        let c = input.check(tx, inspection).await?;
        // The lead unit as it stands (as distributed, else the first measure's).
        let former: Option<i64> = sqlx::query_scalar(
            "SELECT COALESCE(p.lead_unit_id, (SELECT m.lead_unit_id FROM measures m \
               WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL ORDER BY m.ordinal LIMIT 1)) \
             FROM problems p WHERE p.id = $1",
        )
        .bind(id.0)
        .fetch_one(tx.conn())
        .await?;
        if let (Some(from), Some(to)) = (former.map(UnitId), c.lead_unit.map(UnitId)) {
            let carried = input.carry_measure_ids.as_deref();
            super::lead::carry_lead(tx, actor, change, id, from, to, carried).await?;
        }
        let mut set = Sql::new("aspect_id = ");
        set.bind(c.aspect.0)
            .push(", item_id = ")
            .bind(c.item.map(|i| i.0))
            .push(", title = ")
            .bind(c.title)
            .push(", description = ")
            .bind(c.description)
            .push(", source = ")
            .bind(c.source.code())
            .push(", lead_unit_id = ")
            .bind(c.lead_unit)
            .push(", leader_id = ")
            .bind(c.leader);
        audit::versions::update(tx, change, "update", Entity::Problem, id.0, version, &set).await?;
        Ok(())
    })
    .await
}

async fn problem_inspection(tx: &mut Tx, id: ProblemId) -> StoreResult<InspectionId> {
    let inspection: i64 = sqlx::query_scalar(
        "SELECT inspection_id FROM problems WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id.0)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(InspectionId(inspection))
}

/// One problem, if the actor may read it: the whole ledger's readers, or those who
/// see one of its measures.
pub async fn get(db: &Db, actor: &Actor, id: ProblemId) -> StoreResult<Problem> {
    let row = sqlx::query_as::<_, ProblemRow>(
        "SELECT p.id, p.inspection_id, i.title AS inspection_title, i.org_id, p.aspect_id, a.title AS aspect_title, \
                p.item_id, p.ordinal, p.title, p.description, p.source, p.version, p.state, \
                lu.id AS lead_unit_id, COALESCE(lu.short_name, lu.name) AS lead_unit_name, \
                ld.id AS leader_id, ld.display_name AS leader_name, p.extensions, p.not_public \
         FROM problems p JOIN inspections i ON i.id = p.inspection_id JOIN aspects a ON a.id = p.aspect_id \
         LEFT JOIN units lu ON lu.id = COALESCE(p.lead_unit_id, \
             (SELECT m.lead_unit_id FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL ORDER BY m.ordinal LIMIT 1)) \
         LEFT JOIN users ld ON ld.id = p.leader_id \
         WHERE p.id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL",
    )
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let problem = Problem::try_from(row)?;
    if actor.ledger_access(problem.org_id) >= Access::Read || owns(actor, &problem) {
        return Ok(problem);
    }
    let mut sql = Sql::new("SELECT 1 FROM measures m WHERE m.problem_id = ");
    sql.bind(id.0)
        .push(" AND m.withdrawn_at IS NULL AND ")
        .append(&crate::scope::measures(
            actor,
            crate::scope::Through::Narrower,
        ));
    match sql.query().fetch_optional(db.pool()).await? {
        Some(_) => Ok(problem),
        None => Err(StoreError::NotFound),
    }
}

/// A problem as [`get`] selects it.
#[derive(sqlx::FromRow)]
struct ProblemRow {
    id: i64,
    inspection_id: i64,
    inspection_title: String,
    org_id: i64,
    aspect_id: i64,
    aspect_title: String,
    item_id: Option<i64>,
    ordinal: i64,
    title: String,
    description: Option<String>,
    source: String,
    version: i64,
    state: String,
    lead_unit_id: Option<i64>,
    lead_unit_name: Option<String>,
    leader_id: Option<i64>,
    leader_name: Option<String>,
    extensions: i64,
    not_public: i64,
}

impl TryFrom<ProblemRow> for Problem {
    type Error = sqlx::Error;

    fn try_from(r: ProblemRow) -> Result<Problem, sqlx::Error> {
        Ok(Problem {
            id: ProblemId(r.id),
            inspection_id: InspectionId(r.inspection_id),
            inspection_title: r.inspection_title,
            org_id: UnitId(r.org_id),
            aspect_id: AspectId(r.aspect_id),
            aspect_title: r.aspect_title,
            item_id: r.item_id.map(ItemId),
            ordinal: r.ordinal,
            title: r.title,
            description: r.description,
            source: code_of("problems", "source", &r.source)?,
            state: code_of("problems", "state", &r.state)?,
            lead_unit: r.lead_unit_id.map(|u| super::UnitRef {
                id: UnitId(u),
                name: r.lead_unit_name.unwrap_or_default(),
            }),
            leader: r.leader_id.map(|u| super::UserRef {
                id: zhenggai_domain::UserId(u),
                name: r.leader_name.unwrap_or_default(),
            }),
            extensions: r.extensions,
            public: r.not_public == 0,
            version: r.version,
        })
    }
}

/// Whether the actor is the problem's lead unit or its leader in charge (who must see a
/// problem distributed to them before it has measures, to claim or decide it).
pub fn owns(actor: &Actor, p: &Problem) -> bool {
    if actor.org != p.org_id {
        return false;
    }
    let lead = p.lead_unit.as_ref().map(|u| u.id);
    match actor.role {
        zhenggai_domain::Role::Unit => lead == Some(actor.unit),
        zhenggai_domain::Role::Leader => {
            p.leader.as_ref().map(|l| l.id) == Some(actor.user)
                || lead.is_some_and(|u| actor.units_in_charge.contains(&u))
        }
        _ => false,
    }
}

/// The input that would recreate a problem (to fill an edit form).
pub fn input_of(p: &Problem) -> ProblemInput {
    ProblemInput {
        aspect_id: p.aspect_id.0,
        item_id: p.item_id.map(|i| i.0),
        title: p.title.clone(),
        description: p.description.clone().unwrap_or_default(),
        source: p.source.code().to_string(),
        lead_unit_id: p.lead_unit.as_ref().map(|u| u.id.0),
        leader_id: p.leader.as_ref().map(|l| l.id.0),
        carry_measure_ids: None,
    }
}

/// Withdraws a problem read at `version` (撤回, D21): it and its measures stay in the
/// database, marked with who, when and why, and leave the ledger.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: ProblemId,
    version: i64,
) -> StoreResult<()> {
    db.write(async |tx| {
        let inspection = problem_inspection(tx, id).await?;
        let org = inspection_org(tx.conn(), inspection).await?;
        require_problem_edit(db, actor, org, id).await?;
        audit::versions::withdraw(tx, change, Entity::Problem, id.0, version).await?;
        let measures = sqlx::query_as::<_, VersionRow>(
            "SELECT id, version FROM measures WHERE problem_id = $1 AND withdrawn_at IS NULL",
        )
        .bind(id.0)
        .fetch_all(tx.conn())
        .await?;
        for m in measures {
            audit::versions::withdraw(tx, change, Entity::Measure, m.id, m.version).await?;
        }
        Ok(())
    })
    .await
}

/// A record's id and the version read.
#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    version: i64,
}
