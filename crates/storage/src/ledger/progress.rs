//! 工作留痕 — progress entries with their files (D7). A measure marks itself done
//! with its evidence.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::deadline::DeadlineKind;
use zhenggai_domain::happened;
use zhenggai_domain::lifecycle::{self, Action, Refusal};
use zhenggai_domain::reason::{Refused, Rule};
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{AttachmentId, MeasureId, ProgressId, UserId};

use super::UserRef;
use super::lifecycle::facts::{Facts, facts};
use super::measures;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, day, parse_day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::files::{FileStore, Upload, UploadLimits, check_uploads, store_uploads};

/// A progress entry as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProgressInput {
    /// The day the work was done (YYYY-MM-DD), not in the future.
    pub happened_on: String,
    /// What was done: meetings held, rules drafted, money returned …
    pub content: String,
    /// This entry completes the measure; it, or an earlier entry, must carry evidence.
    pub mark_done: bool,
}

/// A progress entry as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    /// Id.
    pub id: ProgressId,
    /// Its measure.
    pub measure_id: MeasureId,
    /// The day of the work.
    pub happened_on: NaiveDate,
    /// What was done.
    pub content: String,
    /// Who wrote it.
    pub author: UserRef,
    /// When it was written (RFC 3339).
    pub created_at: String,
    /// Its files.
    pub attachments: Vec<Attachment>,
}

/// A file of a progress entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    /// Id (the download address uses it, never the name).
    pub id: AttachmentId,
    /// The original name.
    pub filename: String,
    /// The checked type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content.
    pub sha256: String,
}

/// Adds a progress entry with its files, and moves the measure on: registered becomes
/// in progress; "done" marks it done on the entry's day.
#[expect(
    clippy::too_many_arguments,
    reason = "the entry, its files and their limits"
)]
pub async fn add(
    db: &Db,
    files: &dyn FileStore,
    actor: &Actor,
    change: Change<'_>,
    measure: MeasureId,
    input: &ProgressInput,
    uploads: &[Upload],
    limits: UploadLimits,
    today: NaiveDate,
) -> StoreResult<ProgressId> {
    let (m, access) = measures::get(db, actor, measure, today).await?;
    if access < Access::Contribute {
        return Err(StoreError::refused(Refused::ProgressByOwners));
    }
    // Whether this person may mark it done at all is said first: asking someone to
    // attach evidence and then refusing them the step wastes their time. Decided again
    // under the transaction's lock below.
    if input.mark_done && m.state != MeasureState::Done {
        let mut conn = db.pool().acquire().await?;
        check_measure_done(&mut conn, actor, &m, today).await?;
    }
    let mut c = Checker::default();
    let happened_on = c.date("happened_on", &input.happened_on);
    if happened_on.is_some_and(|d| d > today) {
        c.push(FieldError::because(
            "happened_on",
            Why::Rule(Rule::WorkAhead),
        ));
    }
    let made = happened::Event::ProgressMade;
    super::check_since_inspection(db, &mut c, made, happened_on, m.inspection_id).await?;
    let content = c.text("content", &input.content, 5000);
    let checked = check_uploads(&mut c, uploads, limits);
    if input.mark_done && checked.is_empty() && !has_evidence(db, measure).await? {
        c.push(FieldError::because(
            "files",
            Why::Rule(Rule::EvidenceNeeded),
        ));
    }
    c.finish()?;
    let happened_on =
        happened_on.ok_or_else(|| StoreError::because("happened_on", Why::RequiredDate))?;
    let stored = store_uploads(files, &checked).await?;
    db.write(async |tx| {
        // Entries are appended and never conflict with each other: the measure's state
        // is read again under the transaction's lock, not taken from before it, where
        // two first entries both moved a registered measure "into progress" from the
        // same version and the second was refused as stale.
        let m = measures::load_locked(tx, m.id, today).await?;
        if input.mark_done {
            if m.state == MeasureState::Done {
                return Err(StoreError::because(
                    "mark_done",
                    Why::Rule(Rule::MeasureDone),
                ));
            }
            check_measure_done(tx.conn(), actor, &m, today).await?;
        }
        let id = insert_entry(
            tx,
            change,
            &m,
            happened_on,
            &content,
            actor.user,
            input.mark_done,
        )
        .await?;
        for f in &stored {
            let att: i64 = sqlx::query_scalar(
                "INSERT INTO attachments (progress_id, sha256, filename, content_type, size, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(id.0)
            .bind(&f.sha256)
            .bind(&f.filename)
            .bind(f.content_type)
            .bind(f.size)
            .bind(actor.user.0)
            .bind(stamp(change.at))
            .fetch_one(tx.conn())
            .await?;
            audit::write::created(tx, change, Entity::Attachment, att).await?;
        }
        Ok(id)
    })
    .await
}

/// Whether the actor may mark this measure done now (the progress form offers it only
/// then; [`add`] decides again when it is sent).
pub async fn may_mark_done(
    db: &Db,
    actor: &Actor,
    m: &measures::Measure,
    today: NaiveDate,
) -> StoreResult<bool> {
    if m.state == MeasureState::Done {
        return Ok(false);
    }
    let mut conn = db.pool().acquire().await?;
    match check_measure_done(&mut conn, actor, m, today).await {
        Ok(()) => Ok(true),
        Err(StoreError::Refused(_) | StoreError::Invalid(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Inserts an entry and moves its measure on: registered becomes in progress, and
/// `done` marks it done on the entry's day (also the demo loader and the generator).
pub async fn insert_entry(
    tx: &mut Tx,
    change: Change<'_>,
    m: &measures::Measure,
    happened_on: NaiveDate,
    content: &str,
    author: UserId,
    done: bool,
) -> StoreResult<ProgressId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO progress (measure_id, happened_on, content, author_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(m.id.0)
    .bind(day(happened_on))
    .bind(content)
    .bind(author.0)
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Progress, id).await?;
    let next = if done {
        Some(MeasureState::Done)
    } else if m.state == MeasureState::Registered {
        Some(MeasureState::InProgress)
    } else {
        None
    };
    if let Some(state) = next {
        let mut set = Sql::new("state = ");
        set.bind(state.code());
        if state == MeasureState::Done {
            set.push(", done_on = ").bind(day(happened_on));
        }
        audit::versions::update(
            tx,
            change,
            "progress",
            Entity::Measure,
            m.id.0,
            m.version,
            &set,
        )
        .await?;
    }
    Ok(ProgressId(id))
}

async fn has_evidence(db: &Db, measure: MeasureId) -> StoreResult<bool> {
    Ok(sqlx::query(
        "SELECT 1 FROM attachments a JOIN progress p ON p.id = a.progress_id \
         WHERE p.measure_id = $1 AND a.withdrawn_at IS NULL AND p.withdrawn_at IS NULL",
    )
    .bind(measure.0)
    .fetch_optional(db.pool())
    .await?
    .is_some())
}

/// The timeline of a measure, newest first. The caller has checked read access.
pub async fn list(db: &Db, measure: MeasureId) -> StoreResult<Vec<Progress>> {
    let mut entries: Vec<Progress> = sqlx::query_as::<_, ProgressRow>(
        "SELECT p.id, p.measure_id, p.happened_on, p.content, p.author_id, u.display_name AS author_name, p.created_at \
         FROM progress p JOIN users u ON u.id = p.author_id \
         WHERE p.measure_id = $1 AND p.withdrawn_at IS NULL ORDER BY p.happened_on DESC, p.id DESC",
    )
    .bind(measure.0)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(Progress::from)
    .collect();
    let atts = sqlx::query_as::<_, EntryFile>(
        "SELECT a.id, a.progress_id, a.filename, a.content_type, a.size, a.sha256 FROM attachments a \
         JOIN progress p ON p.id = a.progress_id WHERE p.measure_id = $1 AND a.withdrawn_at IS NULL ORDER BY a.id",
    )
    .bind(measure.0)
    .fetch_all(db.pool())
    .await?;
    for r in atts {
        let progress = ProgressId(r.progress_id);
        if let Some(e) = entries.iter_mut().find(|e| e.id == progress) {
            e.attachments.push(r.file.into());
        }
    }
    Ok(entries)
}

/// A progress entry as [`list`] reads it.
#[derive(sqlx::FromRow)]
struct ProgressRow {
    id: i64,
    measure_id: i64,
    happened_on: String,
    content: String,
    author_id: i64,
    author_name: String,
    created_at: String,
}

impl From<ProgressRow> for Progress {
    fn from(r: ProgressRow) -> Progress {
        Progress {
            id: ProgressId(r.id),
            measure_id: MeasureId(r.measure_id),
            happened_on: parse_day(&r.happened_on).unwrap_or_default(),
            content: r.content,
            author: UserRef {
                id: UserId(r.author_id),
                name: r.author_name,
            },
            created_at: r.created_at,
            attachments: Vec::new(),
        }
    }
}

/// An attachment as stored.
#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: i64,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Attachment {
        Attachment {
            id: AttachmentId(r.id),
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
        }
    }
}

/// An attachment with its entry, as [`list`] reads them.
#[derive(sqlx::FromRow)]
struct EntryFile {
    progress_id: i64,
    #[sqlx(flatten)]
    file: AttachmentRow,
}

/// An attachment with its measure, as [`attachment`] reads it.
#[derive(sqlx::FromRow)]
struct MeasureFile {
    measure_id: i64,
    #[sqlx(flatten)]
    file: AttachmentRow,
}

/// An attachment's description and bytes, if the actor may read its measure.
pub async fn attachment(
    db: &Db,
    files: &dyn FileStore,
    actor: &Actor,
    id: AttachmentId,
    today: NaiveDate,
) -> StoreResult<(Attachment, Vec<u8>)> {
    let row = sqlx::query_as::<_, MeasureFile>(
        "SELECT a.id, a.filename, a.content_type, a.size, a.sha256, p.measure_id FROM attachments a \
         JOIN progress p ON p.id = a.progress_id WHERE a.id = $1 AND a.withdrawn_at IS NULL",
    )
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    measures::get(db, actor, MeasureId(row.measure_id), today).await?;
    let att = Attachment::from(row.file);
    let bytes = files.get(&att.sha256).await?;
    Ok((att, bytes))
}

/// The latest progress entry of each measure of an inspection (the ledger's 整改进展
/// column). The caller has checked read access to the measures it shows.
pub async fn latest_by_measure(
    db: &Db,
    inspection: zhenggai_domain::InspectionId,
) -> StoreResult<std::collections::HashMap<MeasureId, String>> {
    let rows = sqlx::query_as::<_, LatestRow>(
        "SELECT p.measure_id, p.content FROM progress p JOIN measures m ON m.id = p.measure_id \
         WHERE m.inspection_id = $1 AND p.withdrawn_at IS NULL ORDER BY p.measure_id, p.happened_on, p.id",
    )
    .bind(inspection.0)
    .fetch_all(db.pool())
    .await?;
    // Rows come oldest first: the last one of each measure stays.
    Ok(rows
        .into_iter()
        .map(|r| (MeasureId(r.measure_id), r.content))
        .collect())
}

/// A progress entry's text by measure, as [`latest_by_measure`] reads it.
#[derive(sqlx::FromRow)]
struct LatestRow {
    measure_id: i64,
    content: String,
}

/// Whether the actor may mark a measure done now: the state machine's rule for a done
/// measure (its lead unit, once the plan is approved), asked of the measure's problem
/// with the measure's own lead unit, since a problem's measures may be led by different
/// units. Contributors (cooperating units, the leader in charge) still report progress.
async fn check_measure_done(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &measures::Measure,
    today: NaiveDate,
) -> StoreResult<()> {
    let Facts {
        problem, policy, ..
    } = facts(conn, m.problem_id, today).await?;
    let problem = lifecycle::Problem {
        lead_unit: m.lead_unit.id,
        ..problem
    };
    let action = if m.deadline.kind == DeadlineKind::LongTerm {
        Action::LongTermMeasureDone
    } else {
        Action::MeasureDone
    };
    match lifecycle::apply(&problem, actor, &action, policy) {
        Ok(_) => Ok(()),
        Err(Refusal::NotYours(_)) => Err(StoreError::refused(Refused::DoneByLead {
            lead_unit: m.lead_unit.name.clone(),
        })),
        Err(other) => Err(StoreError::Invalid(vec![FieldError::because(
            "mark_done",
            Why::Refused(other),
        )])),
    }
}
