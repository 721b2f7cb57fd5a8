//! When an organisation's weekly reports (周报, D8) are due: a weekday and an hour,
//! set by its office (recorded); Friday 10:00 until it does.

use chrono::Weekday;
use zhenggai_domain::UnitId;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::Refused;
use zhenggai_domain::validate::Checker;
use zhenggai_domain::weekly::WeeklyRule;

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::Param;
use crate::error::StoreResult;

/// An organisation's rule and its version (0 while the default applies).
pub async fn get(db: &Db, org: UnitId) -> StoreResult<(WeeklyRule, i64)> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        weekday: i64,
        hour: i64,
        version: i64,
    }
    let row = sqlx::query_as::<_, Stored>(
        "SELECT weekday, hour, version FROM weekly_rules WHERE org_id = $1",
    )
    .bind(org.0)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else {
        return Ok((WeeklyRule::default(), 0));
    };
    let weekday = Weekday::try_from(u8::try_from(r.weekday).unwrap_or(4)).unwrap_or(Weekday::Fri);
    let hour = u32::try_from(r.hour).unwrap_or(10);
    Ok((WeeklyRule { weekday, hour }, r.version))
}

/// Sets when reports are due (the office); recorded.
pub async fn save(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    weekday: &str,
    hour: &str,
    version: i64,
) -> StoreResult<()> {
    // Every role of the organisation knows of its rule: refused with who sets it.
    if actor.ledger_access(actor.org) < Access::Edit {
        crate::scope::require_business(actor)?;
        return Err(crate::error::StoreError::refused(Refused::SettingsByOffice));
    }
    let mut c = Checker::default();
    let weekday = c.number("weekday", weekday, 1, 7);
    let hour = c.number("hour", hour, 0, 23);
    c.finish()?;
    let (weekday, hour) = (
        i64::from(weekday.unwrap_or(5)) - 1,
        i64::from(hour.unwrap_or(10)),
    );
    db.write(async |tx| {
        audit::versions::upsert(
            tx,
            change,
            Entity::WeeklyRule,
            ("org_id", actor.org.0),
            Some(version),
            &[
                ("weekday", Param::from(weekday)),
                ("hour", Param::from(hour)),
            ],
        )
        .await?;
        Ok(())
    })
    .await
}
