//! What the final report and the public notice (D16) read beside the figures: the
//! ledger's words as they stood at the end of the day — each problem under its aspect
//! with its standing from the figures, its measures, the progress recorded, the closure
//! report (整改情况) and the evidence filed. Rewound from the trail like the figures, so
//! a report for 31 March made in May says what the ledger said on 31 March.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;
use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::statistics::ProblemStanding;

use super::{BattleMap, Scope, battle_map, end_of};
use crate::audit::Entity;
use crate::audit::rewind::{Rewound, rows_at};
use crate::db::Db;
use crate::db::sql::{Sql, parse_day, stamp};
use crate::error::{StoreError, StoreResult};

/// An inspection's ledger in words, as of a day.
#[derive(Debug, Clone)]
pub struct ReportLedger {
    /// The figures and each problem's standing.
    pub map: Arc<BattleMap>,
    /// The inspected organisation's full name.
    pub org_name: String,
    /// The inspection's title, e.g. 市委第一巡察组巡察反馈.
    pub inspection: String,
    /// The aspects in the ledger's order, each with its problems.
    pub aspects: Vec<AspectText>,
}

/// An aspect (方面) and its problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectText {
    /// Its title.
    pub title: String,
    /// Its problems in the ledger's order.
    pub problems: Vec<ProblemText>,
}

/// A problem as the report tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemText {
    /// Its id.
    pub id: i64,
    /// Its number in the ledger.
    pub ordinal: i64,
    /// The problem in one line.
    pub title: String,
    /// The problem as the feedback describes it.
    pub description: Option<String>,
    /// Where it stood in the figures.
    pub standing: ProblemStanding,
    /// Whether the public notice may name it (不予公开 when false).
    pub public: bool,
    /// Its measures in order.
    pub measures: Vec<MeasureText>,
    /// What the lead unit reported when it asked for closure (整改情况), the latest.
    pub closure_report: Option<String>,
    /// The files filed as evidence: with the progress of its measures and with its
    /// closure, by name, in the order filed.
    pub evidence: Vec<String>,
}

/// A measure as the report tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureText {
    /// Its number under its problem.
    pub ordinal: i64,
    /// What is to be done.
    pub content: String,
    /// The lead unit's name.
    pub lead_unit: String,
    /// The deadline as written in the plan.
    pub deadline: String,
    /// The progress recorded, by day.
    pub progress: Vec<(NaiveDate, String)>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct ProblemRow {
    id: i64,
    description: Option<String>,
    /// Added by migration 0047; older images lack it.
    #[serde(default)]
    not_public: i64,
    withdrawn_at: Option<String>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct MeasureRow {
    id: i64,
    problem_id: i64,
    ordinal: i64,
    content: String,
    lead_unit_id: i64,
    deadline_text: String,
    withdrawn_at: Option<String>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct ProgressRow {
    id: i64,
    measure_id: i64,
    happened_on: String,
    content: String,
    withdrawn_at: Option<String>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct FileRow {
    id: i64,
    filename: String,
    /// The progress entry (attachments) or problem (closure files) it belongs to; the
    /// trail's images name it by its column.
    #[serde(alias = "progress_id", alias = "problem_id")]
    owner: i64,
    withdrawn_at: Option<String>,
}

rewound!(ProblemRow, MeasureRow, ProgressRow, FileRow);

/// The ledger of `inspection` in words as of the end of `as_of` (today when `None`),
/// for those who read its figures (the same refusals as [`super::figures`]).
pub async fn report_ledger(
    db: &Db,
    actor: &Actor,
    inspection: InspectionId,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> StoreResult<ReportLedger> {
    // The map checks who asks and for which day, and places each problem.
    let map = battle_map(db, actor, Scope::Inspection(inspection), as_of, today).await?;
    let day = map.figures.as_of;
    let at = (day < today).then(|| end_of(day));
    let mut conn = db.pool().acquire().await?;
    let conn = &mut *conn;

    let (org_name, title): (String, String) = sqlx::query_as(
        "SELECT u.name, i.title FROM inspections i JOIN units u ON u.id = i.org_id \
         WHERE i.id = $1",
    )
    .bind(inspection.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;

    let mut by_inspection = Sql::new("inspection_id = ");
    by_inspection.bind(inspection.0);
    let problems: HashMap<i64, ProblemRow> = rows_at::<ProblemRow>(
        conn,
        Entity::Problem,
        "id, description, not_public, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?
    .into_iter()
    .map(|p| (p.id, p))
    .collect();
    let mut measures: Vec<MeasureRow> = rows_at(
        conn,
        Entity::Measure,
        "id, problem_id, ordinal, content, lead_unit_id, deadline_text, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?;
    measures.sort_by_key(|m| (m.problem_id, m.ordinal, m.id));

    let mut of_inspection =
        Sql::new("measure_id IN (SELECT id FROM measures WHERE inspection_id = ");
    of_inspection.bind(inspection.0).push(")");
    let mut progress: Vec<ProgressRow> = rows_at(
        conn,
        Entity::Progress,
        "id, measure_id, happened_on, content, withdrawn_at",
        &of_inspection,
        at,
    )
    .await?;
    progress.sort_by_key(|p| (p.measure_id, p.happened_on.clone(), p.id));
    let mut progress_files = Sql::new(
        "progress_id IN (SELECT p.id FROM progress p JOIN measures m ON m.id = p.measure_id \
         WHERE m.inspection_id = ",
    );
    progress_files.bind(inspection.0).push(")");
    let attachments: Vec<FileRow> = rows_at(
        conn,
        Entity::Attachment,
        "id, filename, progress_id AS owner, withdrawn_at",
        &progress_files,
        at,
    )
    .await?;
    let mut closure_files =
        Sql::new("problem_id IN (SELECT id FROM problems WHERE inspection_id = ");
    closure_files.bind(inspection.0).push(")");
    let event_files: Vec<FileRow> = rows_at(
        conn,
        Entity::EventFile,
        "id, filename, problem_id AS owner, withdrawn_at",
        &closure_files,
        at,
    )
    .await?;

    // The latest closure report of each problem by the day (steps are never changed).
    let mut reports = Sql::new(
        "SELECT problem_id, note FROM problem_events WHERE action = 'request_closure' \
         AND note IS NOT NULL AND problem_id IN (SELECT id FROM problems WHERE inspection_id = ",
    );
    reports.bind(inspection.0).push(")");
    if let Some(at) = at {
        reports.push(" AND at <= ").bind(stamp(at));
    }
    reports.push(" ORDER BY id");
    let closure_reports: HashMap<i64, String> = reports
        .query_as::<(i64, String)>()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();

    let mut unit_ids: Vec<i64> = measures.iter().map(|m| m.lead_unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units: HashMap<i64, (String, String, String)> = if unit_ids.is_empty() {
        HashMap::new()
    } else {
        super::unit_names(conn, &unit_ids).await?
    };

    // Evidence by problem: the progress files of its measures, then its closure files.
    let measure_of_progress: HashMap<i64, i64> =
        progress.iter().map(|p| (p.id, p.measure_id)).collect();
    let problem_of_measure: HashMap<i64, i64> =
        measures.iter().map(|m| (m.id, m.problem_id)).collect();
    let mut evidence: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    for f in attachments {
        if let Some(problem) = measure_of_progress
            .get(&f.owner)
            .and_then(|m| problem_of_measure.get(m))
        {
            evidence
                .entry(*problem)
                .or_default()
                .push((f.id, f.filename));
        }
    }
    for f in event_files {
        evidence
            .entry(f.owner)
            .or_default()
            .push((i64::MAX / 2 + f.id, f.filename));
    }
    let mut progress_of: HashMap<i64, Vec<(NaiveDate, String)>> = HashMap::new();
    for p in progress {
        if let Some(day) = parse_day(&p.happened_on) {
            progress_of
                .entry(p.measure_id)
                .or_default()
                .push((day, p.content));
        }
    }
    let mut measures_of: HashMap<i64, Vec<MeasureText>> = HashMap::new();
    for m in measures {
        measures_of
            .entry(m.problem_id)
            .or_default()
            .push(MeasureText {
                ordinal: m.ordinal,
                content: m.content,
                lead_unit: units
                    .get(&m.lead_unit_id)
                    .map(|u| u.2.clone())
                    .unwrap_or_default(),
                deadline: m.deadline_text,
                progress: progress_of.remove(&m.id).unwrap_or_default(),
            });
    }

    let aspects = map
        .rows
        .iter()
        .map(|row| AspectText {
            title: row.title.clone(),
            problems: row
                .cells
                .iter()
                .map(|cell| {
                    let row = problems.get(&cell.problem_id);
                    let mut files = evidence.remove(&cell.problem_id).unwrap_or_default();
                    files.sort_by_key(|f| f.0);
                    ProblemText {
                        id: cell.problem_id,
                        ordinal: cell.ordinal,
                        title: cell.title.clone(),
                        description: row.and_then(|r| r.description.clone()),
                        standing: cell.standing,
                        public: row.is_some_and(|r| r.not_public == 0),
                        measures: measures_of.remove(&cell.problem_id).unwrap_or_default(),
                        closure_report: closure_reports.get(&cell.problem_id).cloned(),
                        evidence: files.into_iter().map(|f| f.1).collect(),
                    }
                })
                .collect(),
        })
        .collect();
    Ok(ReportLedger {
        map,
        org_name,
        inspection: title,
        aspects,
    })
}
