//! 督查 as stored (D9): the office records supervision rounds and what each found at a
//! unit (slow units named for the circular, 通报), and the leading group's progress
//! hearings with date and attendees. Those who read the organisation's ledger read them.

use chrono::NaiveDate;
use serde::Serialize;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::happened::Event;
use zhenggai_domain::reason::{Choose, Refused, Rule};
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{Role, UnitId};

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{day, parse_day, stamp};
use crate::error::{StoreError, StoreResult};
use crate::scope::require_business;

/// A finding of a round at a unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Finding {
    /// The unit's name.
    pub unit: String,
    /// What was found.
    pub finding: String,
    /// Named as slow in the circular.
    pub slow: bool,
}

/// A round and its findings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
// Named apart from a look-back round (回头看) in the API's document.
#[schema(as = SupervisionRound)]
pub struct Round {
    /// Id.
    pub id: i64,
    /// e.g. 第三轮督查.
    pub title: String,
    /// When.
    pub held_on: NaiveDate,
    /// What it found, unit by unit.
    pub findings: Vec<Finding>,
}

/// A progress hearing of the leading group.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hearing {
    /// When.
    pub held_on: NaiveDate,
    /// Who attended.
    pub attendees: String,
    /// What was heard and decided.
    pub notes: String,
}

/// The office and the discipline supervisor read the organisation's 督查; a unit or the
/// upper level, who reach the page by its address, are told who keeps it and whom to
/// ask (403), not that it does not exist.
fn read(actor: &Actor) -> StoreResult<()> {
    require_business(actor)?;
    if actor.ledger_access(actor.org) < Access::Read {
        return Err(StoreError::refused(Refused::SupervisionNotYourRole {
            upper: actor.role == Role::Upper,
        }));
    }
    Ok(())
}

fn edit(actor: &Actor) -> StoreResult<()> {
    if actor.ledger_access(actor.org) < Access::Edit {
        return Err(StoreError::refused(Refused::SupervisionByOffice));
    }
    Ok(())
}

/// Records a round with its findings, all at once. Each finding line is
/// `unit id, finding, slow` as the form sends them.
pub async fn record_round(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    title: &str,
    held_on: &str,
    findings: &[(String, String, bool)],
) -> StoreResult<i64> {
    edit(actor)?;
    let mut c = Checker::default();
    let title = c.text("title", title, 200);
    let since = {
        let mut conn = db.pool().acquire().await?;
        super::first_inspection_start(&mut conn, actor.org).await?
    };
    let held_on = super::happened_on(&mut c, Event::RoundHeld, held_on, change, since);
    let units: Vec<UnitId> = crate::accounts::units::list(db, Some(actor.org))
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let mut kept = Vec::new();
    for (i, (unit, finding, slow)) in findings.iter().enumerate() {
        if unit.trim().is_empty() && finding.trim().is_empty() {
            continue;
        }
        let field = format!("finding_{i}");
        match unit
            .trim()
            .parse::<i64>()
            .ok()
            .map(UnitId)
            .filter(|u| units.contains(u) && *u != actor.org)
        {
            None => c.push(FieldError::because(
                &field,
                Why::Choose(Choose::FindingUnit),
            )),
            Some(u) => {
                let text = c.text(&field, finding, 1000);
                kept.push((u, text, *slow));
            }
        }
    }
    if kept.is_empty() {
        c.push(FieldError::because(
            "finding_0",
            Why::Rule(Rule::NoFindings),
        ));
    }
    c.finish()?;
    let held_on = held_on.ok_or_else(|| anyhow::anyhow!("the date was checked above"))?;
    db.write(async |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO supervision_rounds (org_id, title, held_on, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(actor.org.0)
        .bind(title)
        .bind(day(held_on))
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, change, Entity::SupervisionRound, id).await?;
        for (unit, finding, slow) in kept {
            let f: i64 = sqlx::query_scalar(
                "INSERT INTO round_findings (round_id, unit_id, finding, slow, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(id)
            .bind(unit.0)
            .bind(finding)
            .bind(i64::from(slow))
            .bind(stamp(change.at))
            .fetch_one(tx.conn())
            .await?;
            audit::write::created(tx, change, Entity::RoundFinding, f).await?;
        }
        Ok(id)
    })
    .await
}

/// The organisation's rounds, newest first, with their findings.
pub async fn rounds(db: &Db, actor: &Actor) -> StoreResult<Vec<Round>> {
    read(actor)?;
    let rows = sqlx::query_as::<_, RoundRow>("SELECT id, title, held_on FROM supervision_rounds WHERE org_id = $1 ORDER BY held_on DESC, id DESC")
        .bind(actor.org.0)
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let findings = sqlx::query_as::<_, FindingRow>(
            "SELECT COALESCE(u.short_name, u.name) AS unit, f.finding, f.slow FROM round_findings f JOIN units u ON u.id = f.unit_id \
             WHERE f.round_id = $1 ORDER BY f.id",
        )
        .bind(r.id)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|f| Finding {
            unit: f.unit,
            finding: f.finding,
            slow: f.slow != 0,
        })
        .collect();
        out.push(Round {
            id: r.id,
            title: r.title,
            held_on: parse_day(&r.held_on).unwrap_or_default(),
            findings,
        });
    }
    Ok(out)
}

/// A round as [`rounds`] reads it.
#[derive(sqlx::FromRow)]
struct RoundRow {
    id: i64,
    title: String,
    held_on: String,
}

/// A finding as [`rounds`] reads it.
#[derive(sqlx::FromRow)]
struct FindingRow {
    unit: String,
    finding: String,
    slow: i64,
}

/// Records a progress hearing.
pub async fn record_hearing(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    held_on: &str,
    attendees: &str,
    notes: &str,
) -> StoreResult<()> {
    edit(actor)?;
    let mut c = Checker::default();
    let since = {
        let mut conn = db.pool().acquire().await?;
        super::first_inspection_start(&mut conn, actor.org).await?
    };
    let held_on = super::happened_on(&mut c, Event::HearingHeld, held_on, change, since);
    let attendees = c.text("attendees", attendees, 500);
    let notes = c.text("notes", notes, 2000);
    c.finish()?;
    let held_on = held_on.ok_or_else(|| anyhow::anyhow!("the date was checked above"))?;
    db.write(async |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO hearings (org_id, held_on, attendees, notes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(actor.org.0)
        .bind(day(held_on))
        .bind(attendees)
        .bind(notes)
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, change, Entity::Hearing, id).await
    })
    .await
}

/// The organisation's hearings, newest first.
pub async fn hearings(db: &Db, actor: &Actor) -> StoreResult<Vec<Hearing>> {
    read(actor)?;
    let rows = sqlx::query_as::<_, HearingRow>("SELECT held_on, attendees, notes FROM hearings WHERE org_id = $1 ORDER BY held_on DESC, id DESC")
        .bind(actor.org.0)
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Hearing {
            held_on: parse_day(&r.held_on).unwrap_or_default(),
            attendees: r.attendees,
            notes: r.notes,
        })
        .collect())
}

/// A hearing as [`hearings`] reads it.
#[derive(sqlx::FromRow)]
struct HearingRow {
    held_on: String,
    attendees: String,
    notes: String,
}
