//! 工作留痕 — progress entries with their files (D7). A measure marks itself done
//! with its evidence.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use zhenggai_domain::access::{Access, Actor, MeasureOwners};
use zhenggai_domain::deadline::DeadlineKind;
use zhenggai_domain::happened;
use zhenggai_domain::lifecycle::{self, Action, Refusal};
use zhenggai_domain::reason::{Refused, Rule};
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{AttachmentId, MeasureId, ProblemId, ProgressId, UnitId, UserId};

use super::lifecycle::facts::{Facts, facts};
use super::measures;
use super::{UnitRef, UserRef};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::dialect::{Backend, lock_measure};
use crate::db::rows::code_of;
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
///
/// The measure is read, and the entry checked, inside the entry's transaction, under the
/// measure's lock: entries are appended and never conflict with each other, so what the
/// entry decides (the state it moves, whether "done" is allowed) is decided on the state
/// it will change, where two first entries both moved a registered measure "into
/// progress" from the same version and the second was refused as stale. An entry with
/// files is checked once more before its transaction, so that its files are written
/// only for an entry that will be accepted and the measure is not held while they are.
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
    let note = Note {
        actor,
        measure,
        input,
        uploads,
        limits,
        today,
    };
    let stored = if uploads.is_empty() {
        Vec::new()
    } else {
        let mut conn = db.pool().acquire().await?;
        let target = Target::read(&mut conn, db.backend(), measure, false).await?;
        let checked = note.check(&mut conn, &target).await?;
        store_uploads(files, &checked.uploads).await?
    };
    db.write(async |tx| {
        let backend = tx.backend();
        let target = Target::read(tx.conn(), backend, measure, true).await?;
        let checked = note.check(tx.conn(), &target).await?;
        let id = insert_entry(
            tx,
            change,
            target.at(measure),
            checked.happened_on,
            &checked.content,
            actor.user,
            input.mark_done,
        )
        .await?;
        for f in &stored {
            let row = sqlx::query(
                "INSERT INTO attachments (progress_id, sha256, filename, content_type, size, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
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
            audit::write::inserted(tx, change, Entity::Attachment, &row).await?;
        }
        Ok(id)
    })
    .await
}

/// A progress entry as sent, with what it is checked against.
struct Note<'a> {
    actor: &'a Actor,
    measure: MeasureId,
    input: &'a ProgressInput,
    uploads: &'a [Upload],
    limits: UploadLimits,
    today: NaiveDate,
}

/// A progress entry as checked: its day, its words, its files with their checked types.
struct Checked<'a> {
    happened_on: NaiveDate,
    content: String,
    uploads: Vec<(&'a Upload, &'static str)>,
}

impl<'a> Note<'a> {
    /// Refuses the entry, or gives it as it will be stored: the measure hidden from the
    /// actor is not found; then who may add entries and, for "done", who may mark it
    /// done, is said before the fields (asking someone to attach evidence and then
    /// refusing them the step wastes their time); then the fields and files.
    async fn check(&self, conn: &mut AnyConnection, target: &Target) -> StoreResult<Checked<'a>> {
        let (input, today) = (self.input, self.today);
        match self.actor.measure_access(&target.owners) {
            Access::None => return Err(StoreError::NotFound),
            access if access < Access::Contribute => {
                return Err(StoreError::refused(Refused::ProgressByOwners));
            }
            _ => {}
        }
        if input.mark_done && target.state != MeasureState::Done {
            check_measure_done(conn, self.actor, &target.done_by(), today).await?;
        }
        let mut c = Checker::default();
        let happened_on = c.date("happened_on", &input.happened_on);
        if happened_on.is_some_and(|d| d > today) {
            c.push(FieldError::because(
                "happened_on",
                Why::Rule(Rule::WorkAhead),
            ));
        }
        if let Some(on) = happened_on
            && let Err(e) =
                happened::check_since(happened::Event::ProgressMade, on, target.inspection_start)
        {
            c.push(e.field_error());
        }
        let content = c.text("content", &input.content, 5000);
        let uploads = check_uploads(&mut c, self.uploads, self.limits);
        if input.mark_done && uploads.is_empty() && !has_evidence(conn, self.measure).await? {
            c.push(FieldError::because(
                "files",
                Why::Rule(Rule::EvidenceNeeded),
            ));
        }
        c.finish()?;
        let happened_on =
            happened_on.ok_or_else(|| StoreError::because("happened_on", Why::RequiredDate))?;
        if input.mark_done && target.state == MeasureState::Done {
            return Err(StoreError::because(
                "mark_done",
                Why::Rule(Rule::MeasureDone),
            ));
        }
        Ok(Checked {
            happened_on,
            content,
            uploads,
        })
    }
}

/// The measure an entry is added to, as the entry needs it: its owners (for access), where
/// it stands, what marking it done asks, and when its inspection began; read in one
/// statement (a row a cooperating unit), under the transaction's lock when `locked`.
struct Target {
    owners: MeasureOwners,
    problem: ProblemId,
    lead_unit: UnitRef,
    kind: DeadlineKind,
    state: MeasureState,
    version: i64,
    inspection_start: Option<NaiveDate>,
}

/// A row of [`Target::read`].
#[derive(sqlx::FromRow)]
struct TargetRow {
    org_id: i64,
    problem_id: i64,
    lead_unit_id: i64,
    lead_unit_name: String,
    leader_id: Option<i64>,
    deadline_kind: String,
    state: String,
    version: i64,
    inspection_start: Option<String>,
    cooperating: Option<i64>,
}

impl Target {
    async fn read(
        conn: &mut AnyConnection,
        backend: Backend,
        measure: MeasureId,
        locked: bool,
    ) -> StoreResult<Target> {
        let lock = if locked { lock_measure(backend) } else { "" };
        let rows = sqlx::query_as::<_, TargetRow>(&format!(
            "SELECT m.org_id, m.problem_id, m.lead_unit_id, COALESCE(lu.short_name, lu.name) AS lead_unit_name, \
             m.leader_id, m.deadline_kind, m.state, m.version, \
             COALESCE(i.period_start, i.feedback_date) AS inspection_start, mu.unit_id AS cooperating \
             FROM measures m JOIN units lu ON lu.id = m.lead_unit_id JOIN inspections i ON i.id = m.inspection_id \
             LEFT JOIN measure_units mu ON mu.measure_id = m.id AND mu.withdrawn_at IS NULL \
             WHERE m.id = $1 AND m.withdrawn_at IS NULL{lock}"
        ))
        .bind(measure.0)
        .fetch_all(conn)
        .await?;
        let cooperating = rows
            .iter()
            .filter_map(|r| r.cooperating.map(UnitId))
            .collect();
        let r = rows.into_iter().next().ok_or(StoreError::NotFound)?;
        Ok(Target {
            owners: MeasureOwners {
                org: UnitId(r.org_id),
                lead_unit: UnitId(r.lead_unit_id),
                cooperating,
                leader: r.leader_id.map(UserId),
            },
            problem: ProblemId(r.problem_id),
            lead_unit: UnitRef {
                id: UnitId(r.lead_unit_id),
                name: r.lead_unit_name,
            },
            kind: code_of("measures", "deadline_kind", &r.deadline_kind)?,
            state: code_of("measures", "state", &r.state)?,
            version: r.version,
            inspection_start: r.inspection_start.as_deref().and_then(parse_day),
        })
    }

    fn at(&self, id: MeasureId) -> MeasureAt {
        MeasureAt {
            id,
            state: self.state,
            version: self.version,
        }
    }

    fn done_by(&self) -> DoneBy<'_> {
        DoneBy {
            problem: self.problem,
            lead_unit: &self.lead_unit,
            kind: self.kind,
        }
    }
}

/// Whether the actor may mark the measure done now (the progress form offers it only
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
    let done_by = DoneBy {
        problem: m.problem_id,
        lead_unit: &m.lead_unit,
        kind: m.deadline.kind,
    };
    match check_measure_done(&mut conn, actor, &done_by, today).await {
        Ok(()) => Ok(true),
        Err(StoreError::Refused(_) | StoreError::Invalid(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Where a measure stands when an entry is added to it: what the entry moves on.
#[derive(Debug, Clone, Copy)]
pub struct MeasureAt {
    /// The measure.
    pub id: MeasureId,
    /// Its stored state.
    pub state: MeasureState,
    /// Its version, which a state move is written over.
    pub version: i64,
}

impl From<&measures::Measure> for MeasureAt {
    fn from(m: &measures::Measure) -> MeasureAt {
        MeasureAt {
            id: m.id,
            state: m.state,
            version: m.version,
        }
    }
}

/// Inserts an entry and moves its measure on: registered becomes in progress, and
/// `done` marks it done on the entry's day (also the demo loader and the generator).
pub async fn insert_entry(
    tx: &mut Tx,
    change: Change<'_>,
    m: MeasureAt,
    happened_on: NaiveDate,
    content: &str,
    author: UserId,
    done: bool,
) -> StoreResult<ProgressId> {
    let row = sqlx::query(
        "INSERT INTO progress (measure_id, happened_on, content, author_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *",
    )
    .bind(m.id.0)
    .bind(day(happened_on))
    .bind(content)
    .bind(author.0)
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?;
    let id = audit::write::inserted(tx, change, Entity::Progress, &row).await?;
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

async fn has_evidence(conn: &mut AnyConnection, measure: MeasureId) -> StoreResult<bool> {
    Ok(sqlx::query(
        "SELECT 1 FROM attachments a JOIN progress p ON p.id = a.progress_id \
         WHERE p.measure_id = $1 AND a.withdrawn_at IS NULL AND p.withdrawn_at IS NULL",
    )
    .bind(measure.0)
    .fetch_optional(conn)
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

/// What marking a measure done is decided on: its problem, its own lead unit and
/// whether it is long-term.
struct DoneBy<'a> {
    problem: ProblemId,
    lead_unit: &'a UnitRef,
    kind: DeadlineKind,
}

/// Whether the actor may mark a measure done now: the state machine's rule for a done
/// measure (its lead unit, once the plan is approved), asked of the measure's problem
/// with the measure's own lead unit, since a problem's measures may be led by different
/// units. Contributors (cooperating units, the leader in charge) still report progress.
async fn check_measure_done(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &DoneBy<'_>,
    today: NaiveDate,
) -> StoreResult<()> {
    let Facts {
        problem, policy, ..
    } = facts(conn, m.problem, today).await?;
    let problem = lifecycle::Problem {
        lead_unit: m.lead_unit.id,
        ..problem
    };
    let action = if m.kind == DeadlineKind::LongTerm {
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
