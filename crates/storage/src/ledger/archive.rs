//! 归档 (D17): the evidence of an inspection as an archive files it — every file filed
//! with a measure's progress or a problem's closure, with the unit that leads it, the
//! problem and measure it belongs to and its date, in the ledger's order. The office of
//! the organisation makes the package; others are told so.

use chrono::NaiveDate;
use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::reason::Refused;

use super::{inspection_org, office_does_for_inspection};
use crate::db::Db;
use crate::db::sql::{parse_day, parse_stamp};
use crate::error::StoreResult;

/// What was filed, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// With a progress note of a measure (整改进展).
    Progress,
    /// With a lifecycle step of the problem (专项报告, 销号材料).
    Closure,
}

/// One file of the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    /// The lead unit's id (the volume).
    pub unit_id: i64,
    /// Its full name.
    pub unit: String,
    /// The problem's number in the ledger.
    pub problem_ordinal: i64,
    /// The problem in one line.
    pub problem_title: String,
    /// The measure's number under its problem, for progress files.
    pub measure_ordinal: Option<i64>,
    /// What it was filed with.
    pub filed: Filed,
    /// The file's name as uploaded.
    pub filename: String,
    /// Its SHA-256, by which the store keeps it.
    pub sha256: String,
    /// Its size in bytes.
    pub size: i64,
    /// The day of the progress it came with, or of the step.
    pub date: Option<NaiveDate>,
    /// Its id among the files of its kind (an order for files of one day).
    pub id: i64,
}

/// An inspection's evidence, in the ledger's order: by lead unit (as the units first
/// appear in the ledger), then problem, measure, date and upload.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The inspected organisation's full name.
    pub org_name: String,
    /// The inspection's title.
    pub inspection: String,
    /// 巡察组: the source the archive files it under.
    pub group: String,
    /// The files.
    pub files: Vec<EvidenceFile>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    unit_id: i64,
    unit: String,
    problem_ordinal: i64,
    problem_title: String,
    measure_ordinal: Option<i64>,
    filename: String,
    sha256: String,
    size: i64,
    day: Option<String>,
}

/// The evidence of `inspection`, for its organisation's office.
pub async fn evidence(db: &Db, actor: &Actor, inspection: InspectionId) -> StoreResult<Evidence> {
    let mut conn = db.pool().acquire().await?;
    let org = inspection_org(&mut conn, inspection).await?;
    office_does_for_inspection(&mut conn, actor, org, inspection, Refused::ArchiveByOffice).await?;
    let (org_name, title, group): (String, String, String) = sqlx::query_as(
        "SELECT u.name, i.title, i.group_name FROM inspections i JOIN units u ON u.id = i.org_id \
         WHERE i.id = $1",
    )
    .bind(inspection.0)
    .fetch_one(&mut *conn)
    .await?;
    let progress = sqlx::query_as::<_, Row>(
        "SELECT a.id, m.lead_unit_id AS unit_id, u.name AS unit, pr.ordinal AS problem_ordinal, \
                pr.title AS problem_title, m.ordinal AS measure_ordinal, a.filename, a.sha256, a.size, \
                p.happened_on AS day \
         FROM attachments a JOIN progress p ON p.id = a.progress_id \
         JOIN measures m ON m.id = p.measure_id JOIN problems pr ON pr.id = m.problem_id \
         JOIN units u ON u.id = m.lead_unit_id \
         WHERE m.inspection_id = $1 AND a.withdrawn_at IS NULL AND p.withdrawn_at IS NULL \
           AND m.withdrawn_at IS NULL AND pr.withdrawn_at IS NULL",
    )
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?;
    let closure = sqlx::query_as::<_, Row>(
        "SELECT f.id, u.id AS unit_id, u.name AS unit, pr.ordinal AS problem_ordinal, \
                pr.title AS problem_title, NULL AS measure_ordinal, f.filename, f.sha256, f.size, \
                e.at AS day \
         FROM event_files f JOIN problem_events e ON e.id = f.event_id \
         JOIN problems pr ON pr.id = f.problem_id JOIN inspections i ON i.id = pr.inspection_id \
         JOIN units u ON u.id = COALESCE(pr.lead_unit_id, (SELECT m.lead_unit_id FROM measures m \
             WHERE m.problem_id = pr.id AND m.withdrawn_at IS NULL ORDER BY m.ordinal LIMIT 1), i.org_id) \
         WHERE pr.inspection_id = $1 AND f.withdrawn_at IS NULL AND pr.withdrawn_at IS NULL",
    )
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?;
    // A progress note's day as written; a step's instant as its day in China.
    let day = |text: Option<&str>| {
        text.and_then(|t| {
            parse_day(t)
                .or_else(|| parse_stamp(t).map(|s| zhenggai_domain::clock::china_time(s).date()))
        })
    };
    let mut files: Vec<EvidenceFile> = progress
        .into_iter()
        .map(|r| (r, Filed::Progress))
        .chain(closure.into_iter().map(|r| (r, Filed::Closure)))
        .map(|(r, filed)| EvidenceFile {
            date: day(r.day.as_deref()),
            unit_id: r.unit_id,
            unit: r.unit,
            problem_ordinal: r.problem_ordinal,
            problem_title: r.problem_title,
            measure_ordinal: r.measure_ordinal,
            filed,
            filename: r.filename,
            sha256: r.sha256,
            size: r.size,
            id: r.id,
        })
        .collect();
    // Volumes in the order their units first lead in the ledger.
    let mut first: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for f in &files {
        let e = first.entry(f.unit_id).or_insert(f.problem_ordinal);
        *e = (*e).min(f.problem_ordinal);
    }
    files.sort_by_key(|f| {
        (
            first.get(&f.unit_id).copied().unwrap_or_default(),
            f.unit_id,
            f.problem_ordinal,
            f.filed == Filed::Closure,
            f.measure_ordinal,
            f.date,
            f.id,
        )
    });
    Ok(Evidence {
        org_name,
        inspection: title,
        group,
        files,
    })
}

/// A package made: when, by whom, and its manifest's SM3.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Made {
    /// When it was made (UTC, as stored).
    pub at: String,
    /// Who made it (none from the command line).
    pub by: Option<String>,
    /// The SM3 of its manifest (文件清单校验值).
    pub manifest_sm3: String,
    /// Its volumes.
    pub volumes: i64,
    /// Its evidence files.
    pub files: i64,
}

/// Records a package made of `inspection`, in the trail like any record: the digest a
/// forger would have to match is then known from outside the package.
pub async fn record_made(
    db: &Db,
    change: crate::audit::Change<'_>,
    inspection: InspectionId,
    manifest_sm3: &str,
    volumes: usize,
    files: usize,
) -> StoreResult<()> {
    db.write(async |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO archives (inspection_id, manifest_sm3, volumes, files, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(inspection.0)
        .bind(manifest_sm3)
        .bind(volumes as i64)
        .bind(files as i64)
        .bind(crate::db::sql::stamp(change.at))
        .bind(change.actor.map(|a| a.0))
        .fetch_one(tx.conn())
        .await?;
        crate::audit::write::created(tx, change, crate::audit::Entity::Archive, id).await?;
        Ok(())
    })
    .await
}

/// The packages made of `inspection`, the latest first, for its office.
pub async fn made(db: &Db, actor: &Actor, inspection: InspectionId) -> StoreResult<Vec<Made>> {
    let mut conn = db.pool().acquire().await?;
    let org = inspection_org(&mut conn, inspection).await?;
    office_does_for_inspection(&mut conn, actor, org, inspection, Refused::ArchiveByOffice).await?;
    let rows: Vec<(String, Option<String>, String, i64, i64)> = sqlx::query_as(
        "SELECT a.created_at, u.display_name, a.manifest_sm3, a.volumes, a.files FROM archives a \
         LEFT JOIN users u ON u.id = a.created_by WHERE a.inspection_id = $1 ORDER BY a.id DESC",
    )
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, by, manifest_sm3, volumes, files)| Made {
            at,
            by,
            manifest_sm3,
            volumes,
            files,
        })
        .collect())
}
