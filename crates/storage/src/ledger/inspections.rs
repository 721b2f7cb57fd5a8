//! 巡视 / 巡察 轮次 — inspections and their counts (D1, D2).
//!
//! Why this file stays whole (just past 600 lines): the inspection as entered, the
//! checks of its dates against what is already recorded under it, and its writes are
//! read together; the plan's filing (`file_plan`) is the part to move out when it grows.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::clock::china_time;
use zhenggai_domain::counts::LedgerCounts;
use zhenggai_domain::deadline::Reference;
use zhenggai_domain::inspection::{InspectionKind, check_dates};
use zhenggai_domain::reason::{Blocking, Choose, Rule};
use zhenggai_domain::schedule::Terms;
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{InspectionId, UnitId};

use super::{inspection_org, require_inspection_edit};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, day, parse_day, stamp};
use crate::db::tx::Tx;
use crate::error::{Blocker, StoreError, StoreResult};
use crate::scope;
use crate::scope::require_ledger;

/// An inspection as entered in a form or sent to the API; every field as written.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InspectionInput {
    /// xunshi, xuncha, audit, supervision, self_inspection, democratic_meeting, other.
    pub kind: String,
    /// e.g. 市委第一巡察组对市日报社的专项巡察.
    pub title: String,
    /// 巡察组, e.g. 市委第一巡察组.
    pub group_name: String,
    /// First day on site (YYYY-MM-DD), if known.
    pub period_start: String,
    /// Last day on site.
    pub period_end: String,
    /// 反馈日期 (YYYY-MM-DD): deadlines without a year count from it.
    pub feedback_date: String,
    /// Anything else.
    pub notes: String,
    /// 整改方案 within this many working days of feedback (empty: 30).
    pub plan_workdays: String,
    /// Completion and the report within this many months (empty: 2).
    pub completion_months: String,
    /// 集中整改期 in months (empty: 2).
    pub concentrated_months: String,
}

struct Checked {
    kind: InspectionKind,
    title: String,
    group_name: String,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    feedback_date: NaiveDate,
    notes: Option<String>,
    terms: Terms,
}

impl InspectionInput {
    /// Checks the input recorded on `today` (Beijing time).
    fn check(&self, today: NaiveDate) -> Result<Checked, Vec<FieldError>> {
        let mut c = Checker::default();
        let kind = InspectionKind::from_code(self.kind.trim());
        if kind.is_none() {
            c.push(FieldError::because(
                "kind",
                Why::Choose(Choose::InspectionKind),
            ));
        }
        let title = c.text("title", &self.title, 200);
        let group_name = c.text("group_name", &self.group_name, 100);
        let period_start = c.optional_date("period_start", &self.period_start);
        let period_end = c.optional_date("period_end", &self.period_end);
        let feedback_date = c.date("feedback_date", &self.feedback_date);
        if let Some(feedback) = feedback_date {
            for e in check_dates(period_start, period_end, feedback, today) {
                c.push(e);
            }
        }
        let notes = c.optional_text("notes", &self.notes, 2000);
        let defaults = Terms::default();
        let term = |c: &mut Checker, field: &str, v: &str, default: u32, max: u32| {
            c.optional_number(field, v, 1, max).unwrap_or(default)
        };
        let terms = Terms {
            plan_workdays: term(
                &mut c,
                "plan_workdays",
                &self.plan_workdays,
                defaults.plan_workdays,
                120,
            ),
            completion_months: term(
                &mut c,
                "completion_months",
                &self.completion_months,
                defaults.completion_months,
                12,
            ),
            concentrated_months: term(
                &mut c,
                "concentrated_months",
                &self.concentrated_months,
                defaults.concentrated_months,
                12,
            ),
        };
        if let Err(errors) = terms.check() {
            for e in errors {
                c.push(e);
            }
        }
        c.finish()?;
        match (kind, feedback_date) {
            (Some(kind), Some(feedback_date)) => Ok(Checked {
                kind,
                title,
                group_name,
                period_start,
                period_end,
                feedback_date,
                notes,
                terms,
            }),
            _ => Err(vec![FieldError::because(
                "feedback_date",
                Why::RequiredDate,
            )]),
        }
    }
}

/// An inspection as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    /// Id.
    pub id: InspectionId,
    /// The inspected organisation.
    pub org_id: UnitId,
    /// Its name.
    pub org_name: String,
    /// Kind.
    pub kind: InspectionKind,
    /// Title.
    pub title: String,
    /// 巡察组.
    pub group_name: String,
    /// On site from.
    pub period_start: Option<NaiveDate>,
    /// On site until.
    pub period_end: Option<NaiveDate>,
    /// 反馈日期.
    pub feedback_date: NaiveDate,
    /// Notes.
    pub notes: Option<String>,
    /// Version, for concurrent edits.
    pub version: i64,
    /// "xx个方面xx项xx个问题，措施xx条" — for those who read the whole ledger.
    pub counts: Option<LedgerCounts>,
    /// 备案: when the approved plan was filed with the upper level.
    pub plan_filed_on: Option<NaiveDate>,
    /// The filed plan's document (title or number).
    pub plan_document: Option<String>,
    /// Its terms: plan, completion, concentrated phase.
    pub terms: Terms,
}

impl Inspection {
    /// What its deadline words are read against: the feedback date, and the end of
    /// the concentrated phase for 集中整改期内.
    pub fn reference(&self) -> Reference {
        Reference {
            feedback: self.feedback_date,
            concentrated_until: self.terms.concentrated_until(self.feedback_date),
        }
    }
}

const COLUMNS: &str = "i.id, i.org_id, o.name AS org_name, i.kind, i.title, i.group_name, i.period_start, \
                       i.period_end, i.feedback_date, i.notes, i.version, i.plan_filed_on, i.plan_document, \
                       i.plan_workdays, i.completion_months, i.concentrated_months";

/// An inspection as [`COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
struct InspectionRow {
    id: i64,
    org_id: i64,
    org_name: String,
    kind: String,
    title: String,
    group_name: String,
    period_start: Option<String>,
    period_end: Option<String>,
    feedback_date: String,
    notes: Option<String>,
    version: i64,
    plan_filed_on: Option<String>,
    plan_document: Option<String>,
    #[sqlx(flatten)]
    terms: TermsRow,
}

impl TryFrom<InspectionRow> for Inspection {
    type Error = sqlx::Error;

    fn try_from(r: InspectionRow) -> Result<Inspection, sqlx::Error> {
        Ok(Inspection {
            id: InspectionId(r.id),
            org_id: UnitId(r.org_id),
            org_name: r.org_name,
            kind: code_of("inspections", "kind", &r.kind)?,
            title: r.title,
            group_name: r.group_name,
            period_start: r.period_start.as_deref().and_then(parse_day),
            period_end: r.period_end.as_deref().and_then(parse_day),
            feedback_date: parse_day(&r.feedback_date).unwrap_or_default(),
            notes: r.notes,
            version: r.version,
            counts: None,
            plan_filed_on: r.plan_filed_on.as_deref().and_then(parse_day),
            plan_document: r.plan_document,
            terms: r.terms.terms(),
        })
    }
}

/// An inspection's terms as stored (NULL: the default).
#[derive(sqlx::FromRow)]
struct TermsRow {
    plan_workdays: Option<i64>,
    completion_months: Option<i64>,
    concentrated_months: Option<i64>,
}

impl TermsRow {
    fn terms(&self) -> Terms {
        let d = Terms::default();
        let or =
            |v: Option<i64>, default: u32| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(default);
        Terms {
            plan_workdays: or(self.plan_workdays, d.plan_workdays),
            completion_months: or(self.completion_months, d.completion_months),
            concentrated_months: or(self.concentrated_months, d.concentrated_months),
        }
    }
}

/// Registers an inspection of the office's own organisation.
pub async fn create(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    input: &InspectionInput,
) -> StoreResult<InspectionId> {
    require_ledger(actor, actor.org, Access::Edit)?;
    db.write(async |tx| insert(tx, change, actor.org, input).await)
        .await
}

/// Checks and inserts an inspection of `org` (also the demo loader and the generator).
pub async fn insert(
    tx: &mut Tx,
    change: Change<'_>,
    org: UnitId,
    input: &InspectionInput,
) -> StoreResult<InspectionId> {
    let c = input.check(china_time(change.at).date())?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO inspections (org_id, kind, title, group_name, period_start, period_end, feedback_date, notes, created_at, created_by, \
         plan_workdays, completion_months, concentrated_months) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(org.0)
    .bind(c.kind.code())
    .bind(&c.title)
    .bind(&c.group_name)
    .bind(c.period_start.map(day))
    .bind(c.period_end.map(day))
    .bind(day(c.feedback_date))
    .bind(c.notes.as_deref())
    .bind(stamp(change.at))
    .bind(change.actor.map(|u| u.0))
    .bind(i64::from(c.terms.plan_workdays))
    .bind(i64::from(c.terms.completion_months))
    .bind(i64::from(c.terms.concentrated_months))
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Inspection, id).await?;
    Ok(InspectionId(id))
}

/// Changes an inspection read at `version`.
pub async fn update(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: InspectionId,
    version: i64,
    input: &InspectionInput,
) -> StoreResult<()> {
    db.write(async |tx| {
        let org = inspection_org(tx.conn(), id).await?;
        require_inspection_edit(tx.conn(), actor, org, id).await?;
        let c = input.check(china_time(change.at).date())?;
        check_start_moved(tx, id, &c).await?;
        update_set(tx, change, id, version, c).await
    })
    .await
}

/// Refuses, at the field carrying it, a start moved past the earliest of what the
/// inspection's rectification recorded as happened (progress, milestones reached,
/// outcomes): those records were checked against the start when entered
/// (`happened::check_since`), and would otherwise lie before their inspection. A start
/// kept or moved earlier is not checked, so that records older than this rule do not
/// block an edit of the title.
async fn check_start_moved(tx: &mut Tx, id: InspectionId, c: &Checked) -> StoreResult<()> {
    use zhenggai_domain::happened::{self, Event};
    let (field, start) = match c.period_start {
        Some(s) => ("period_start", s),
        None => ("feedback_date", c.feedback_date),
    };
    let was = super::inspection_start(tx.conn(), id).await?;
    if was.is_some_and(|was| start <= was) {
        return Ok(());
    }
    let first: Option<(String, String, String)> = sqlx::query_as(
        "SELECT kind, happened, words FROM ( \
           SELECT 'progress' AS kind, p.happened_on AS happened, m.content AS words \
             FROM progress p JOIN measures m ON m.id = p.measure_id \
            WHERE m.inspection_id = $1 AND p.withdrawn_at IS NULL AND m.withdrawn_at IS NULL \
           UNION ALL \
           SELECT 'milestone', ms.done_on, ms.content \
             FROM milestones ms JOIN measures m ON m.id = ms.measure_id \
            WHERE m.inspection_id = $1 AND ms.done_on IS NOT NULL \
              AND ms.withdrawn_at IS NULL AND m.withdrawn_at IS NULL \
           UNION ALL \
           SELECT 'accountability', decided_on, subject FROM accountability \
            WHERE inspection_id = $1 AND withdrawn_at IS NULL \
           UNION ALL \
           SELECT 'institution', issued_on, title FROM institutions \
            WHERE inspection_id = $1 AND withdrawn_at IS NULL \
           UNION ALL \
           SELECT 'recovery', recovered_on, what FROM recoveries \
            WHERE inspection_id = $1 AND withdrawn_at IS NULL \
         ) recorded ORDER BY happened, kind LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(tx.conn())
    .await?;
    let first = first.and_then(|(kind, on, words)| {
        let event = match kind.as_str() {
            "progress" => Event::ProgressMade,
            "milestone" => Event::MilestoneReached,
            "accountability" => Event::AccountabilityDecided,
            "institution" => Event::InstitutionIssued,
            _ => Event::MoneyRecovered,
        };
        Some((event, parse_day(&on)?, words))
    });
    happened::check_start(field, start, first).map_err(|e| StoreError::from(vec![e.field_error()]))
}

/// Writes an inspection's checked fields over the version read.
async fn update_set(
    tx: &mut Tx,
    change: Change<'_>,
    id: InspectionId,
    version: i64,
    c: Checked,
) -> StoreResult<()> {
    let mut set = Sql::new("kind = ");
    set.bind(c.kind.code())
        .push(", title = ")
        .bind(c.title)
        .push(", group_name = ")
        .bind(c.group_name)
        .push(", period_start = ")
        .bind(c.period_start.map(day))
        .push(", period_end = ")
        .bind(c.period_end.map(day))
        .push(", feedback_date = ")
        .bind(day(c.feedback_date))
        .push(", notes = ")
        .bind(c.notes)
        .push(", plan_workdays = ")
        .bind(i64::from(c.terms.plan_workdays))
        .push(", completion_months = ")
        .bind(i64::from(c.terms.completion_months))
        .push(", concentrated_months = ")
        .bind(i64::from(c.terms.concentrated_months));
    audit::versions::update(
        tx,
        change,
        "update",
        Entity::Inspection,
        id.0,
        version,
        &set,
    )
    .await?;
    Ok(())
}

/// One inspection, if the actor may read it.
pub async fn get(db: &Db, actor: &Actor, id: InspectionId) -> StoreResult<Inspection> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM inspections i JOIN units o ON o.id = i.org_id WHERE i.withdrawn_at IS NULL AND i.id = "
    ));
    sql.bind(id.0)
        .push(" AND ")
        .append(&scope::inspections(actor));
    let row = sql
        .query()
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut inspection = Inspection::try_from(InspectionRow::from_row(&row)?)?;
    if actor.ledger_access(inspection.org_id) >= Access::Read {
        inspection.counts = counts_of(db, [id]).await?.remove(&id);
    }
    Ok(inspection)
}

/// The inspections the actor may read, newest feedback first.
pub async fn list(db: &Db, actor: &Actor) -> StoreResult<Vec<Inspection>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM inspections i JOIN units o ON o.id = i.org_id WHERE i.withdrawn_at IS NULL AND "
    ));
    sql.append(&scope::inspections(actor))
        .push(" ORDER BY i.feedback_date DESC, i.id DESC");
    let rows = sql.query().fetch_all(db.pool()).await?;
    let mut out = rows
        .iter()
        .map(|r| Ok(Inspection::try_from(InspectionRow::from_row(r)?)?))
        .collect::<StoreResult<Vec<_>>>()?;
    let readable = out
        .iter()
        .filter(|i| actor.ledger_access(i.org_id) >= Access::Read)
        .map(|i| i.id);
    let mut counts = counts_of(db, readable).await?;
    for inspection in &mut out {
        inspection.counts = counts.remove(&inspection.id);
    }
    Ok(out)
}

/// The counts of inspections' ledgers (D2), read from `inspection_tallies` (migration
/// 0039), which triggers keep with every change: counted from the ledgers, the upper
/// level's list of 200 inspections counted a million measures on each request
/// (docs/benchmarks.md). An inspection without a row has nothing to count yet.
pub async fn counts_of(
    db: &Db,
    ids: impl IntoIterator<Item = InspectionId>,
) -> StoreResult<HashMap<InspectionId, LedgerCounts>> {
    let ids: Vec<i64> = ids.into_iter().map(|i| i.0).collect();
    let mut out: HashMap<InspectionId, LedgerCounts> = ids
        .iter()
        .map(|id| (InspectionId(*id), LedgerCounts::default()))
        .collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut sql =
        Sql::new("SELECT inspection_id, what, n FROM inspection_tallies WHERE inspection_id");
    sql.id_set(db.backend(), ids);
    for r in sql.query().fetch_all(db.pool()).await? {
        let row = CountsRow::from_row(&r)?;
        let Some(c) = out.get_mut(&InspectionId(row.inspection_id)) else {
            continue;
        };
        let count = match row.what.as_str() {
            "aspects" => &mut c.aspects,
            "items" => &mut c.items,
            "problems" => &mut c.problems,
            "measures" => &mut c.measures,
            "measures_done" => &mut c.measures_done,
            _ => continue,
        };
        *count = row.n;
    }
    Ok(out)
}

/// One count of [`counts_of`] as read.
#[derive(sqlx::FromRow)]
struct CountsRow {
    inspection_id: i64,
    what: String,
    n: i64,
}

/// The input that would recreate an inspection (to fill an edit form).
pub fn input_of(i: &Inspection) -> InspectionInput {
    InspectionInput {
        kind: i.kind.code().to_string(),
        title: i.title.clone(),
        group_name: i.group_name.clone(),
        period_start: i.period_start.map(day).unwrap_or_default(),
        period_end: i.period_end.map(day).unwrap_or_default(),
        feedback_date: day(i.feedback_date),
        notes: i.notes.clone().unwrap_or_default(),
        plan_workdays: i.terms.plan_workdays.to_string(),
        completion_months: i.terms.completion_months.to_string(),
        concentrated_months: i.terms.concentrated_months.to_string(),
    }
}

/// 备案: the office files the approved plan with the upper level, once every problem's
/// plan is approved (D5).
pub async fn file_plan(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: InspectionId,
    document: &str,
    on: NaiveDate,
) -> StoreResult<()> {
    db.write(async |tx| {
        let org = inspection_org(tx.conn(), id).await?;
        require_inspection_edit(tx.conn(), actor, org, id).await?;
        let document = document.trim();
        if document.is_empty() || document.chars().count() > 200 {
            return Err(StoreError::because(
                "plan_document",
                Why::Rule(Rule::PlanDocument),
            ));
        }
        let filed = sqlx::query_as::<_, FiledRow>(
            "SELECT version, plan_filed_on FROM inspections WHERE id = $1",
        )
        .bind(id.0)
        .fetch_one(tx.conn())
        .await?;
        if filed.plan_filed_on.is_some() {
            return Err(StoreError::blocked(Blocking::PlanAlreadyFiled, Vec::new()));
        }
        let unapproved = sqlx::query_as::<_, UnapprovedRow>(
            "SELECT id, ordinal, title, state FROM problems WHERE inspection_id = $1 AND withdrawn_at IS NULL \
             AND state IN ('registered', 'disputed', 'claimed', 'plan_submitted', 'plan_signed', 'plan_compiled') \
             ORDER BY ordinal, id",
        )
        .bind(id.0)
        .fetch_all(tx.conn())
        .await?;
        if !unapproved.is_empty() {
            let n = unapproved.len();
            let records = unapproved
                .into_iter()
                .map(|r| Blocker::problem(r.id, format!("{}. {}", r.ordinal, r.title), r.state))
                .collect();
            return Err(StoreError::blocked(
                Blocking::ProblemsNotApproved { n },
                records,
            ));
        }
        let mut set = Sql::new("plan_filed_on = ");
        set.bind(day(on)).push(", plan_document = ").bind(document);
        audit::versions::update(
            tx,
            change,
            "file_plan",
            Entity::Inspection,
            id.0,
            filed.version,
            &set,
        )
        .await?;
        Ok(())
    })
    .await
}

/// Whether an inspection's plan is filed, and the version read.
#[derive(sqlx::FromRow)]
struct FiledRow {
    version: i64,
    plan_filed_on: Option<String>,
}

/// A problem whose plan is not approved yet, named in the refusal to file.
#[derive(sqlx::FromRow)]
struct UnapprovedRow {
    id: i64,
    ordinal: i64,
    title: String,
    state: String,
}

/// The organisation of an inspection and what its deadline words are read against
/// (the command line acts as the system; forms check access before).
pub async fn org_and_reference(
    conn: &mut sqlx::AnyConnection,
    id: InspectionId,
) -> StoreResult<(UnitId, Reference)> {
    let row = sqlx::query_as::<_, ReferenceRow>(
        "SELECT org_id, feedback_date, plan_workdays, completion_months, concentrated_months FROM inspections \
         WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let feedback = parse_day(&row.feedback_date).unwrap_or_default();
    Ok((
        UnitId(row.org_id),
        Reference {
            feedback,
            concentrated_until: row.terms.terms().concentrated_until(feedback),
        },
    ))
}

/// What [`org_and_reference`] reads.
#[derive(sqlx::FromRow)]
struct ReferenceRow {
    org_id: i64,
    feedback_date: String,
    #[sqlx(flatten)]
    terms: TermsRow,
}
