//! 督办 notices as stored: the office issues the next rung of the ladder on a measure of
//! its organisation (recorded and numbered); whoever reads the measure reads its
//! notices; the organisation's counts by kind.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::escalation::{self, NoticeKind};
use zhenggai_domain::reason::{Choose, Refused};
use zhenggai_domain::validate::Checker;
use zhenggai_domain::validate::{FieldError, Why};
use zhenggai_domain::{MeasureId, UnitId};

use super::measures::{self, Measure};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{day, parse_day, stamp};
use crate::error::{StoreError, StoreResult};
use crate::scope::require_ledger;

/// An issued notice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notice {
    /// Id.
    pub id: i64,
    /// The measure.
    pub measure_id: MeasureId,
    /// Which rung.
    pub kind: NoticeKind,
    /// 督办〔2024〕3号.
    pub number: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// 告诫书's final deadline.
    pub final_deadline: Option<NaiveDate>,
    /// What it says.
    pub content: String,
    /// Who issued it.
    pub issued_by: String,
}

/// A notice as [`SELECT`] reads it.
#[derive(sqlx::FromRow)]
struct NoticeRow {
    id: i64,
    measure_id: i64,
    kind: String,
    number: String,
    issued_on: String,
    final_deadline: Option<String>,
    content: String,
    issuer: String,
}

impl TryFrom<NoticeRow> for Notice {
    type Error = sqlx::Error;

    fn try_from(r: NoticeRow) -> Result<Notice, sqlx::Error> {
        Ok(Notice {
            id: r.id,
            measure_id: MeasureId(r.measure_id),
            kind: code_of("escalation_notices", "kind", &r.kind)?,
            number: r.number,
            issued_on: parse_day(&r.issued_on).unwrap_or_default(),
            final_deadline: r.final_deadline.as_deref().and_then(parse_day),
            content: r.content,
            issued_by: r.issuer,
        })
    }
}

const SELECT: &str = "SELECT n.id, n.measure_id, n.kind, n.number, n.issued_on, n.final_deadline, n.content, \
                      COALESCE(u.display_name, '') AS issuer FROM escalation_notices n LEFT JOIN users u ON u.id = n.issued_by";

/// The notices of a measure, in order (for a measure the caller has read for the actor).
pub async fn of_measure(db: &Db, id: MeasureId) -> StoreResult<Vec<Notice>> {
    let rows =
        sqlx::query_as::<_, NoticeRow>(&format!("{SELECT} WHERE n.measure_id = $1 ORDER BY n.id"))
            .bind(id.0)
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .into_iter()
        .map(Notice::try_from)
        .collect::<Result<_, _>>()?)
}

/// One notice with its measure, for printing, if the actor may read the measure.
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> StoreResult<(Notice, Measure)> {
    let row = sqlx::query_as::<_, NoticeRow>(&format!("{SELECT} WHERE n.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let notice = Notice::try_from(row)?;
    let (measure, _) = measures::get(db, actor, notice.measure_id, today).await?;
    Ok((notice, measure))
}

/// A notice as entered.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NoticeInput {
    /// supervision, reminder, admonition or accountability.
    pub kind: String,
    /// 告诫书's final deadline (YYYY-MM-DD).
    pub final_deadline: String,
    /// What it says.
    pub content: String,
}

/// Issues the next notice on a measure (the office of its organisation only).
pub async fn issue(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: MeasureId,
    input: &NoticeInput,
    today: NaiveDate,
) -> StoreResult<i64> {
    // Whoever sees the measure is told they may not; only its office issues.
    let (measure, _) = measures::get(db, actor, id, today).await?;
    if actor.ledger_access(measure.org_id) < Access::Edit {
        return Err(StoreError::refused(Refused::NoticesByOffice));
    }
    let mut c = Checker::default();
    let kind = NoticeKind::from_code(input.kind.trim());
    if kind.is_none() {
        c.push(FieldError::because("kind", Why::Choose(Choose::Notice)));
    }
    let final_deadline = c.optional_date("final_deadline", &input.final_deadline);
    let content = c.text("content", &input.content, 2000);
    c.finish()?;
    let kind = kind.ok_or_else(|| anyhow::anyhow!("the kind was checked above"))?;
    escalation::check_lagging(measure.standing).map_err(|e| StoreError::Invalid(vec![e]))?;
    db.write(async |tx| {
        let issued = sqlx::query_scalar::<_, String>(
            "SELECT kind FROM escalation_notices WHERE measure_id = $1",
        )
        .bind(id.0)
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|k| code_of::<NoticeKind>("escalation_notices", "kind", k))
        .collect::<Result<Vec<_>, _>>()?;
        escalation::check_issue(&issued, kind, final_deadline, today)
            .map_err(|e| StoreError::Invalid(vec![e]))?;
        let seq: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM escalation_notices WHERE org_id = $1 AND kind = $2 AND issued_on LIKE $3",
        )
        .bind(measure.org_id.0)
        .bind(kind.code())
        .bind(format!("{}-%", today.year()))
        .fetch_one(tx.conn())
        .await?;
        let notice: i64 = sqlx::query_scalar(
            "INSERT INTO escalation_notices (measure_id, org_id, kind, number, issued_on, final_deadline, content, issued_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(id.0)
        .bind(measure.org_id.0)
        .bind(kind.code())
        .bind(escalation::number(kind, today.year(), seq + 1))
        .bind(day(today))
        .bind(final_deadline.map(day))
        .bind(content)
        .bind(change.actor.map(|u| u.0))
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, change, Entity::EscalationNotice, notice).await?;
        Ok(notice)
    })
    .await
}

/// How many notices of each kind an organisation has issued (those who read its
/// ledger), every rung of the ladder in order.
pub async fn counts(db: &Db, actor: &Actor, org: UnitId) -> StoreResult<Vec<(NoticeKind, i64)>> {
    require_ledger(actor, org, Access::Read)?;
    let issued: std::collections::HashMap<String, i64> = sqlx::query_as::<_, KindCount>(
        "SELECT kind, COUNT(*) AS n FROM escalation_notices WHERE org_id = $1 GROUP BY kind",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| (r.kind, r.n))
    .collect();
    Ok(NoticeKind::LADDER
        .into_iter()
        .map(|k| (k, issued.get(k.code()).copied().unwrap_or(0)))
        .collect())
}

/// How many notices of a kind, as [`counts`] reads them.
#[derive(sqlx::FromRow)]
struct KindCount {
    kind: String,
    n: i64,
}
