//! 工作日历 as stored: the calendar shipped in the binary, with the years an
//! administrator added or corrected (each change recorded in the audit trail).

use serde::Serialize;
use zhenggai_domain::access::Actor;
use zhenggai_domain::calendar::{Calendar, notice_text};
use zhenggai_domain::reason::{Refused, Rule};
use zhenggai_domain::validate::Why;

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Param, stamp};
use crate::error::{StoreError, StoreResult};

/// A year as the calendar page lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearRow {
    /// The year.
    pub year: i32,
    /// Where the notice was published.
    pub source: String,
    /// Days off it lists.
    pub days_off: usize,
    /// Weekend days it makes working days (调休).
    pub working_weekends: usize,
    /// Whether an administrator entered it (else it came with zhenggai).
    pub entered: bool,
    /// Version of the entered year (0 when shipped), for the next correction.
    pub version: i64,
}

/// The calendar in force: the shipped one, with each entered year replacing its own.
pub async fn load(db: &Db) -> StoreResult<Calendar> {
    Ok(load_with_versions(db).await?.0)
}

async fn load_with_versions(db: &Db) -> StoreResult<(Calendar, Vec<(i32, i64)>)> {
    let mut calendar = Calendar::official();
    let mut versions = Vec::new();
    #[derive(sqlx::FromRow)]
    struct Entered {
        year: i64,
        notice: String,
        version: i64,
    }
    for r in sqlx::query_as::<_, Entered>(
        "SELECT year, notice, version FROM calendar_years ORDER BY year",
    )
    .fetch_all(db.pool())
    .await?
    {
        let year = r.year;
        // Stored text was checked when it was saved.
        let stored = Calendar::parse(&r.notice)
            .map_err(|e| anyhow::anyhow!("calendar year {year} as stored: {e}"))?;
        for notice in stored.notices() {
            calendar.set_notice(notice.clone());
        }
        versions.push((i32::try_from(year).unwrap_or_default(), r.version));
    }
    Ok((calendar, versions))
}

/// The years of the calendar in force, for the calendar page.
pub async fn years(db: &Db) -> StoreResult<Vec<YearRow>> {
    let (calendar, versions) = load_with_versions(db).await?;
    Ok(calendar
        .notices()
        .map(|n| {
            let version = versions.iter().find(|(y, _)| *y == n.year).map(|(_, v)| *v);
            YearRow {
                year: n.year,
                source: n.source.clone(),
                days_off: n.changes.iter().filter(|c| c.off).count(),
                working_weekends: n.changes.iter().filter(|c| !c.off).count(),
                entered: version.is_some(),
                version: version.unwrap_or(0),
            }
        })
        .collect())
}

/// Adds or corrects the years written in calendar data: the system administrator on
/// the calendar page, or (`actor` `None`) whoever runs `zhenggai calendar import` on
/// the server. Each year is one record; a correction states the version it corrects,
/// so that two administrators do not overwrite each other. All or nothing.
pub async fn save(
    db: &Db,
    actor: Option<&Actor>,
    change: Change<'_>,
    text: &str,
    versions: &[(i32, i64)],
) -> StoreResult<Vec<i32>> {
    if actor.is_some_and(|a| !a.role.keeps_calendar()) {
        return Err(StoreError::refused(Refused::ByAdministrator {
            role: zhenggai_domain::Role::SysAdmin,
        }));
    }
    let parsed =
        Calendar::parse(text).map_err(|e| StoreError::because("notice", Why::Calendar(e)))?;
    let notices: Vec<_> = parsed.notices().cloned().collect();
    if notices.is_empty() {
        return Err(StoreError::because(
            "notice",
            Why::Rule(Rule::CalendarEmpty),
        ));
    }
    let today = zhenggai_domain::clock::china_time(change.at).date();
    if let Some(rule) = notices
        .iter()
        .find_map(|n| zhenggai_domain::calendar::check_entered_year(n.year, today).err())
    {
        return Err(StoreError::because("notice", Why::Rule(rule)));
    }
    db.write(async |tx| {
        let mut saved = Vec::new();
        for notice in &notices {
            let body = notice_text(notice);
            // The shell replaces what is stored; a page states the version it read.
            let version = actor.map(|_| {
                versions
                    .iter()
                    .find(|(y, _)| *y == notice.year)
                    .map_or(0, |(_, v)| *v)
            });
            audit::versions::upsert(
                tx,
                change,
                Entity::CalendarYear,
                ("year", i64::from(notice.year)),
                version,
                &[
                    ("notice", Param::from(body)),
                    ("updated_at", Param::from(stamp(change.at))),
                ],
            )
            .await?;
            saved.push(notice.year);
        }
        Ok(saved)
    })
    .await
}
