//! 周报 as stored (D8): each lead unit's report of a week
//! (pre-filled from the week's progress entries), the office's roster of who reported
//! on time, late or not at all (叫号), and its weekly summary draft (一周一汇总).

use std::collections::HashMap;
use zhenggai_domain::reason::{Refused, Rule};
use zhenggai_domain::validate::Why;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::calendar::Calendar;
use zhenggai_domain::clock::china_time;
use zhenggai_domain::validate::Checker;
use zhenggai_domain::weekly::{ReportStatus, check_summary_week, excerpt, week_of};
use zhenggai_domain::{Role, UnitId};

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, day, parse_day, parse_stamp, stamp};
use crate::error::{StoreError, StoreResult};
use crate::scope::require_ledger;
use crate::settings::weekly_rule;

/// The units that report: those leading an open measure of the organisation. Found
/// through the organisation's inspections, so that the index on measures' inspection
/// answers it: the scheduler asks for every organisation at each round after the
/// reports' hour, and a scan of every measure per organisation took a round at the
/// large organisation to 13 s (docs/benchmarks.md).
pub async fn reporting_units(db: &Db, org: UnitId) -> StoreResult<Vec<(UnitId, String)>> {
    let rows = sqlx::query_as::<_, NamedUnit>(
        "SELECT u.id, COALESCE(u.short_name, u.name) AS name FROM units u WHERE u.id IN (\
         SELECT m.lead_unit_id FROM measures m WHERE m.org_id = $1 AND m.withdrawn_at IS NULL AND m.state <> 'done' \
         AND m.inspection_id IN (SELECT id FROM inspections WHERE withdrawn_at IS NULL AND org_id = $1)) ORDER BY u.id",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|r| (UnitId(r.id), r.name)).collect())
}

/// A unit by the name records give it.
#[derive(sqlx::FromRow)]
struct NamedUnit {
    id: i64,
    name: String,
}

/// A draft of a unit's report from the progress entries of its measures that week.
pub async fn prefill(db: &Db, unit: UnitId, week: NaiveDate) -> StoreResult<String> {
    let monday = week_of(week);
    let rows = sqlx::query_as::<_, WeekEntry>(
        "SELECT m.content AS measure, p.happened_on, p.content FROM progress p JOIN measures m ON m.id = p.measure_id \
         WHERE m.lead_unit_id = $1 AND p.withdrawn_at IS NULL AND m.withdrawn_at IS NULL \
         AND p.happened_on >= $2 AND p.happened_on <= $3 ORDER BY p.happened_on, p.id",
    )
    .bind(unit.0)
    .bind(day(monday))
    .bind(day(monday + Duration::days(6)))
    .fetch_all(db.pool())
    .await?;
    let mut out = String::new();
    for r in &rows {
        let measure: String = r.measure.chars().take(30).collect();
        out.push_str(&format!("{} {measure}：{}\n", r.happened_on, r.content));
    }
    if out.is_empty() {
        out.push_str("本周无新的整改进展记录。\n");
    }
    out.push_str("下周计划：\n");
    Ok(out)
}

/// A progress entry of the week with its measure, as [`prefill`] reads it.
#[derive(sqlx::FromRow)]
struct WeekEntry {
    measure: String,
    happened_on: String,
    content: String,
}

/// A report as sent: what it says, when it was first sent, its version.
pub type Sent = (String, DateTime<Utc>, i64);

/// A report as stored.
#[derive(sqlx::FromRow)]
struct SentRow {
    content: String,
    submitted_at: String,
    version: i64,
}

impl From<SentRow> for Sent {
    fn from(r: SentRow) -> Sent {
        (
            r.content,
            parse_stamp(&r.submitted_at).unwrap_or_default(),
            r.version,
        )
    }
}

/// A report with its unit, as [`reports_of_week`] reads them.
#[derive(sqlx::FromRow)]
struct UnitSent {
    unit_id: i64,
    #[sqlx(flatten)]
    sent: SentRow,
}

/// A unit's report of a week, if sent.
pub async fn report_of(db: &Db, unit: UnitId, week: NaiveDate) -> StoreResult<Option<Sent>> {
    let row = sqlx::query_as::<_, SentRow>(
        "SELECT content, submitted_at, version FROM weekly_reports WHERE unit_id = $1 AND week = $2",
    )
    .bind(unit.0)
    .bind(day(week_of(week)))
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Sent::from))
}

/// Every report of an organisation's week, by unit, in one query.
pub async fn reports_of_week(
    db: &Db,
    org: UnitId,
    week: NaiveDate,
) -> StoreResult<HashMap<UnitId, Sent>> {
    let rows = sqlx::query_as::<_, UnitSent>(
        "SELECT unit_id, content, submitted_at, version FROM weekly_reports WHERE org_id = $1 AND week = $2",
    )
    .bind(org.0)
    .bind(day(week_of(week)))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (UnitId(r.unit_id), Sent::from(r.sent)))
        .collect())
}

/// A unit sends (or corrects) its report of the week of `week` — this week or the one
/// before (a late report), never a future one.
pub async fn submit(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    week: NaiveDate,
    content: &str,
    version: i64,
    calendar: &Calendar,
) -> StoreResult<()> {
    if actor.role != Role::Unit {
        crate::scope::require_business(actor)?;
        return Err(StoreError::refused(Refused::WeeklyNotYourRole));
    }
    let monday = week_of(week);
    let this_week = week_of(china_time(change.at).date());
    if monday > this_week || monday < this_week - Duration::days(7) {
        return Err(StoreError::because("week", Why::Rule(Rule::ReportWeek)));
    }
    let (rule, _) = weekly_rule::get(db, actor.org).await?;
    if rule.due(monday, calendar).value.is_none() {
        return Err(StoreError::because("week", Why::Rule(Rule::HolidayWeek)));
    }
    let mut c = Checker::default();
    let content = c.text("content", content, 5000);
    c.finish()?;
    db.write(async |tx| {
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM weekly_reports WHERE unit_id = $1 AND week = $2")
                .bind(actor.unit.0)
                .bind(day(monday))
                .fetch_optional(tx.conn())
                .await?;
        match existing {
            Some(id) => {
                // A correction keeps the time first sent: lateness is not undone by editing.
                let mut set = Sql::new("content = ");
                set.bind(content);
                audit::versions::update(
                    tx,
                    change,
                    "update",
                    Entity::WeeklyReport,
                    id,
                    version,
                    &set,
                )
                .await?;
            }
            None => {
                audit::versions::first_save(Some(version))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO weekly_reports (org_id, unit_id, week, content, submitted_by, submitted_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(actor.org.0)
                .bind(actor.unit.0)
                .bind(day(monday))
                .bind(content)
                .bind(change.actor.map(|u| u.0))
                .bind(stamp(change.at))
                .fetch_one(tx.conn())
                .await?;
                audit::write::created(tx, change, Entity::WeeklyReport, id).await?;
            }
        }
        Ok(())
    })
    .await
}

/// A unit's line in the office's roster.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterLine {
    /// The unit.
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// Where its report stands.
    pub status: ReportStatus,
    /// When it was sent (Beijing time, YYYY-MM-DD HH:MM).
    pub sent_at: Option<String>,
    /// What it says.
    pub content: Option<String>,
}

/// The office's view of a week: when reports were due and each unit's standing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Roster {
    /// The Monday of the week.
    pub week: NaiveDate,
    /// When reports are due (Beijing time); `None` in a holiday week.
    pub due: Option<NaiveDateTime>,
    /// Every reporting unit.
    pub lines: Vec<RosterLine>,
}

/// The roster of a week for those who read the organisation's ledger.
pub async fn roster(
    db: &Db,
    actor: &Actor,
    week: NaiveDate,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> StoreResult<Roster> {
    require_ledger(actor, actor.org, Access::Read)?;
    let monday = week_of(week);
    let (rule, _) = weekly_rule::get(db, actor.org).await?;
    let due = rule.due(monday, calendar).value;
    let mut sent = reports_of_week(db, actor.org, monday).await?;
    let mut lines = Vec::new();
    for (unit, name) in reporting_units(db, actor.org).await? {
        let report = sent.remove(&unit);
        let status = match (due, &report) {
            (Some(due), r) => ReportStatus::of(
                r.as_ref().map(|(_, at, _)| china_time(*at)),
                due,
                china_time(now),
            ),
            (None, Some(_)) => ReportStatus::OnTime,
            (None, None) => ReportStatus::Pending,
        };
        lines.push(RosterLine {
            unit,
            name,
            status,
            sent_at: report
                .as_ref()
                .map(|(_, at, _)| china_time(*at).format("%Y-%m-%d %H:%M").to_string()),
            content: report.map(|(c, _, _)| c),
        });
    }
    Ok(Roster {
        week: monday,
        due,
        lines,
    })
}

/// About how much of each unit's report the summary draft quotes, in characters.
const EXCERPT_CHARS: usize = 200;

/// 一周一汇总: a draft of the office's weekly summary from the roster and `figures`,
/// the statistics module's as of the week's last day (today for the week in progress;
/// read by the caller, as this module sits below `statistics`), so that a past week's
/// summary says what the ledger held that week, as every other document upward does,
/// and does not move with today's changes.
pub fn summary(
    actor: &Actor,
    roster: &Roster,
    figures: &zhenggai_domain::statistics::Rectification,
) -> StoreResult<String> {
    require_ledger(actor, actor.org, Access::Read)?;
    let (done, open, overdue) = (
        figures.measures_done,
        figures.measures - figures.measures_done,
        figures.measures_overdue,
    );
    let of = |s: ReportStatus| {
        roster
            .lines
            .iter()
            .filter(|l| l.status == s)
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>()
    };
    let mut out = format!(
        "本周（{}起）整改工作汇总\n一、总体进展：整改措施已完成{done}条，未完成{open}条，其中逾期{overdue}条。\n",
        roster.week.format("%Y年%-m月%-d日")
    );
    let named = |list: Vec<&str>| {
        if list.is_empty() {
            "0个单位".to_string()
        } else {
            format!("{}个单位（{}）", list.len(), list.join("、"))
        }
    };
    // Units whose report is not yet due are said as such, not left out of the count.
    let pending = of(ReportStatus::Pending).len();
    let pending = if pending > 0 {
        format!("，尚未到报送时间{pending}个单位")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "二、周报报送：按时报送{}个单位，逾时报送{}，未报送{}{pending}。\n",
        of(ReportStatus::OnTime).len(),
        named(of(ReportStatus::Late)),
        named(of(ReportStatus::Missing)),
    ));
    out.push_str("三、各单位进展：\n");
    for l in &roster.lines {
        if let Some(c) = &l.content {
            // Whole sentences only: a sentence cut in the middle says something else.
            let (quoted, cut) = excerpt(c, EXCERPT_CHARS);
            let more = if cut {
                "（余见该单位周报）"
            } else {
                ""
            };
            out.push_str(&format!("（{}）{quoted}{more}\n", l.name));
        }
    }
    out.push_str("四、下一步工作：\n");
    Ok(out)
}

/// Whether a week's report is due: its time, by the organisation's rule.
pub async fn due_of(
    db: &Db,
    org: UnitId,
    week: NaiveDate,
    calendar: &Calendar,
) -> StoreResult<Option<NaiveDateTime>> {
    let (rule, _) = weekly_rule::get(db, org).await?;
    Ok(rule.due(week, calendar).value)
}

/// The Monday of the current week in Beijing.
pub fn this_week(now: DateTime<Utc>) -> NaiveDate {
    week_of(china_time(now).date())
}

/// The office's weekly summary of a week as saved: what it says, its version, when
/// and by whom it was last saved (Beijing time, YYYY-MM-DD HH:MM).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedSummary {
    /// The text.
    pub content: String,
    /// Its version (1 at the first save).
    pub version: i64,
    /// When it was last saved.
    pub saved_at: String,
    /// Who saved it last.
    pub saved_by: Option<String>,
}

/// Who reads an organisation's weekly summaries: its own people who read its whole
/// ledger (the office, the supervisor, the Party secretary).
fn require_summary_reader(actor: &Actor, org: UnitId) -> StoreResult<()> {
    if org != actor.org {
        return Err(StoreError::NotFound);
    }
    require_ledger(actor, org, Access::Read)
}

/// The saved summary of an organisation's week, for those who read its ledger.
pub async fn saved_summary(
    db: &Db,
    actor: &Actor,
    week: NaiveDate,
) -> StoreResult<Option<SavedSummary>> {
    require_summary_reader(actor, actor.org)?;
    let row = sqlx::query_as::<_, SummaryRow>(
        "SELECT s.content, s.version, s.saved_at, u.display_name AS saved_by FROM weekly_summaries s \
         LEFT JOIN users u ON u.id = s.saved_by WHERE s.org_id = $1 AND s.week = $2",
    )
    .bind(actor.org.0)
    .bind(day(week_of(week)))
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| SavedSummary {
        content: r.content,
        version: r.version,
        saved_at: parse_stamp(&r.saved_at)
            .map(|at| china_time(at).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        saved_by: r.saved_by,
    }))
}

/// The week of a saved summary, by its id, if the actor may read it (as
/// [`saved_summary`]): for its change record (修改记录).
pub async fn summary_week_of(db: &Db, actor: &Actor, id: i64) -> StoreResult<NaiveDate> {
    let row =
        sqlx::query_as::<_, SummaryOf>("SELECT org_id, week FROM weekly_summaries WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
    require_summary_reader(actor, UnitId(row.org_id))?;
    parse_day(&row.week).ok_or(StoreError::NotFound)
}

/// A summary's organisation and week.
#[derive(sqlx::FromRow)]
struct SummaryOf {
    org_id: i64,
    week: String,
}

/// A saved summary as [`saved_summary`] reads it.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    content: String,
    version: i64,
    saved_at: String,
    saved_by: Option<String>,
}

/// Whether the organisation's office may summarise the week of `week` (from the week of
/// its first inspection's feedback to this week), refused at the week if not: for a
/// summary saved, and for one downloaded (whose draft would otherwise put today's
/// figures under a title of 1990).
pub async fn summary_week(
    db: &Db,
    org: UnitId,
    week: NaiveDate,
    today: NaiveDate,
) -> StoreResult<()> {
    check_summary_week(week, today, first_feedback(db, org).await?)
        .map_err(|e| StoreError::Invalid(vec![e]))
}

/// The day of the organisation's first inspection feedback still on the books: its
/// weekly summaries start that week.
pub async fn first_feedback(db: &Db, org: UnitId) -> StoreResult<Option<NaiveDate>> {
    let first: Option<String> = sqlx::query_scalar(
        "SELECT MIN(feedback_date) FROM inspections WHERE org_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(org.0)
    .fetch_one(db.pool())
    .await?;
    Ok(first.as_deref().and_then(parse_day))
}

/// The office saves its weekly summary of a week (一周一汇总), as edited: the first
/// save creates it (`version` 0), each later one needs the version the writer read, so
/// that two people editing at once do not overwrite each other; every version is kept
/// in the audit trail.
pub async fn save_summary(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    week: NaiveDate,
    content: &str,
    version: i64,
) -> StoreResult<()> {
    if actor.ledger_access(actor.org) < Access::Edit {
        return Err(StoreError::refused(Refused::SummaryByOffice));
    }
    let monday = week_of(week);
    summary_week(db, actor.org, monday, china_time(change.at).date()).await?;
    let mut c = Checker::default();
    let content = c.text("content", content, 20000);
    c.finish()?;
    db.write(async |tx| {
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM weekly_summaries WHERE org_id = $1 AND week = $2")
                .bind(actor.org.0)
                .bind(day(monday))
                .fetch_optional(tx.conn())
                .await?;
        match existing {
            Some(id) => {
                let mut set = Sql::new("content = ");
                set.bind(content.clone())
                    .push(", saved_by = ")
                    .bind(change.actor.map(|u| u.0))
                    .push(", saved_at = ")
                    .bind(stamp(change.at));
                audit::versions::update(
                    tx,
                    change,
                    "update",
                    Entity::WeeklySummary,
                    id,
                    version,
                    &set,
                )
                .await?;
            }
            None => {
                audit::versions::first_save(Some(version))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO weekly_summaries (org_id, week, content, saved_by, saved_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(actor.org.0)
                .bind(day(monday))
                .bind(content)
                .bind(change.actor.map(|u| u.0))
                .bind(stamp(change.at))
                .fetch_one(tx.conn())
                .await?;
                audit::write::created(tx, change, Entity::WeeklySummary, id).await?;
            }
        }
        Ok(())
    })
    .await
}
