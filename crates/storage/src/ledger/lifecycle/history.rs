//! A problem's history as its page shows it: the steps taken, the files sent with them,
//! and the extension request waiting for a decision.

use serde::Serialize;
use zhenggai_domain::ProblemId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};

use crate::db::Db;
use crate::db::sql::parse_day;
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::files::FileStore;
use crate::ledger::problems;

/// One step taken, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Event {
    /// Id.
    pub id: i64,
    /// The action's code.
    pub action: String,
    /// State before.
    pub from_state: String,
    /// State after.
    pub to_state: String,
    /// What the step carried.
    pub note: Option<String>,
    /// The signer's opinion written with the step (审定签字、销号审核、留号).
    pub opinion: Option<String>,
    /// Who, by display name.
    pub actor: String,
    /// When (RFC 3339).
    pub at: String,
    /// Files sent with the step (the closure request's report and evidence).
    #[sqlx(skip)]
    pub files: Vec<EventFile>,
}

/// A file sent with a step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct EventFile {
    /// Id (the download address uses it).
    pub id: i64,
    /// The original name.
    pub filename: String,
    /// The checked type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content.
    pub sha256: String,
}

/// An extension request waiting for the leader's decision (延期申请待审批), as the
/// problem's page shows it to whoever decides or waits.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PendingExtension {
    /// The measure's id.
    pub measure_id: i64,
    /// Its number within the problem.
    pub measure_ordinal: i64,
    /// What the measure is.
    pub measure_content: String,
    /// Its deadline now, as written.
    pub deadline_now: String,
    /// The deadline asked for, as written.
    pub proposed: String,
    /// Why.
    pub reason: String,
    /// Who asked, by name.
    pub requested_by: String,
    /// When (RFC 3339).
    pub requested_at: String,
}

/// The extension request of a problem waiting for a decision, if any. The caller has
/// checked read access.
pub async fn pending_extension_of(db: &Db, id: ProblemId) -> StoreResult<Option<PendingExtension>> {
    Ok(sqlx::query_as::<_, PendingExtension>(
        "SELECT m.id AS measure_id, m.ordinal AS measure_ordinal, m.content AS measure_content, \
                m.deadline_text AS deadline_now, x.proposed_text AS proposed, x.reason, \
                u.display_name AS requested_by, x.requested_at \
         FROM extension_requests x JOIN measures m ON m.id = x.measure_id JOIN users u ON u.id = x.requested_by \
         WHERE x.problem_id = $1 AND x.decision IS NULL ORDER BY x.id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?)
}

/// The extension request waiting for a decision, if any: its id, measure and deadline.
pub(super) async fn pending_extension(
    tx: &mut Tx,
    id: ProblemId,
) -> StoreResult<Option<(i64, i64, Deadline)>> {
    let row = sqlx::query_as::<_, RequestRow>(
        "SELECT id, measure_id, proposed_text, proposed_date FROM extension_requests WHERE problem_id = $1 AND decision IS NULL ORDER BY id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(tx.conn())
    .await?;
    Ok(row.map(|r| {
        let deadline = Deadline {
            text: r.proposed_text,
            kind: DeadlineKind::Dated,
            date: r.proposed_date.as_deref().and_then(parse_day),
            precision: None,
        };
        (r.id, r.measure_id, deadline)
    }))
}

/// An extension request as [`pending_extension`] reads it.
#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    measure_id: i64,
    proposed_text: String,
    proposed_date: Option<String>,
}

/// The steps taken on a problem, oldest first. The caller has checked read access.
pub async fn events(db: &Db, id: ProblemId) -> StoreResult<Vec<Event>> {
    let mut events = sqlx::query_as::<_, Event>(
        "SELECT e.id, e.action, e.from_state, e.to_state, e.note, u.display_name AS actor, e.at, e.opinion FROM problem_events e \
         JOIN users u ON u.id = e.actor_id WHERE e.problem_id = $1 ORDER BY e.id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?;
    let files = sqlx::query_as::<_, StepFile>(
        "SELECT id, event_id, filename, content_type, size, sha256 FROM event_files \
         WHERE problem_id = $1 AND withdrawn_at IS NULL ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?;
    for r in files {
        if let Some(e) = events.iter_mut().find(|e| e.id == r.event_id) {
            e.files.push(r.file);
        }
    }
    Ok(events)
}

/// A file with the step it was sent with, as [`events`] reads them.
#[derive(sqlx::FromRow)]
struct StepFile {
    event_id: i64,
    #[sqlx(flatten)]
    file: EventFile,
}

/// A file with its problem, as [`file`] reads it.
#[derive(sqlx::FromRow)]
struct ProblemFile {
    problem_id: i64,
    #[sqlx(flatten)]
    file: EventFile,
}

/// A step's file with its bytes, if the person may read its problem.
pub async fn file(
    db: &Db,
    store: &dyn FileStore,
    actor: &Actor,
    id: i64,
) -> StoreResult<(EventFile, Vec<u8>)> {
    let row = sqlx::query_as::<_, ProblemFile>(
        "SELECT id, filename, content_type, size, sha256, problem_id FROM event_files WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    problems::get(db, actor, ProblemId(row.problem_id)).await?;
    let bytes = store.get(&row.file.sha256).await?;
    Ok((row.file, bytes))
}
