//! A problem's history as its page shows it: the steps taken, the files sent with them,
//! and the extension request waiting for a decision.

use serde::Serialize;
use sqlx::Row;
use zhenggai_domain::ProblemId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};

use crate::db::Db;
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::files::FileStore;
use crate::ledger::problems;

/// One step taken, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    pub files: Vec<EventFile>,
}

/// A file sent with a step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    let row = sqlx::query(
        "SELECT m.id, m.ordinal, m.content, m.deadline_text, x.proposed_text, x.reason, u.display_name, x.requested_at \
         FROM extension_requests x JOIN measures m ON m.id = x.measure_id JOIN users u ON u.id = x.requested_by \
         WHERE x.problem_id = $1 AND x.decision IS NULL ORDER BY x.id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(PendingExtension {
        measure_id: r.try_get(0)?,
        measure_ordinal: r.try_get(1)?,
        measure_content: r.try_get(2)?,
        deadline_now: r.try_get(3)?,
        proposed: r.try_get(4)?,
        reason: r.try_get(5)?,
        requested_by: r.try_get(6)?,
        requested_at: r.try_get(7)?,
    }))
}

/// The extension request waiting for a decision, if any: its id, measure and deadline.
pub(super) async fn pending_extension(
    tx: &mut Tx,
    id: ProblemId,
) -> StoreResult<Option<(i64, i64, Deadline)>> {
    let row = sqlx::query(
        "SELECT id, measure_id, proposed_text, proposed_date FROM extension_requests WHERE problem_id = $1 AND decision IS NULL ORDER BY id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(tx.conn())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let deadline = Deadline {
        text: r.try_get(2)?,
        kind: DeadlineKind::Dated,
        date: crate::db::sql::opt_day(&r, "proposed_date")?,
        precision: None,
    };
    Ok(Some((r.try_get(0)?, r.try_get(1)?, deadline)))
}

/// The steps taken on a problem, oldest first. The caller has checked read access.
pub async fn events(db: &Db, id: ProblemId) -> StoreResult<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT e.id, e.action, e.from_state, e.to_state, e.note, u.display_name, e.at, e.opinion FROM problem_events e \
         JOIN users u ON u.id = e.actor_id WHERE e.problem_id = $1 ORDER BY e.id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?;
    let mut events: Vec<Event> = rows
        .iter()
        .map(|r| {
            Ok(Event {
                id: r.try_get(0)?,
                action: r.try_get(1)?,
                from_state: r.try_get(2)?,
                to_state: r.try_get(3)?,
                note: r.try_get(4)?,
                actor: r.try_get(5)?,
                at: r.try_get(6)?,
                opinion: r.try_get(7)?,
                files: Vec::new(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let files = sqlx::query(
        "SELECT id, event_id, filename, content_type, size, sha256 FROM event_files \
         WHERE problem_id = $1 AND withdrawn_at IS NULL ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?;
    for r in &files {
        let event: i64 = r.try_get(1)?;
        let file = event_file(r)?;
        if let Some(e) = events.iter_mut().find(|e| e.id == event) {
            e.files.push(file);
        }
    }
    Ok(events)
}

fn event_file(r: &sqlx::any::AnyRow) -> Result<EventFile, sqlx::Error> {
    Ok(EventFile {
        id: r.try_get("id")?,
        filename: r.try_get("filename")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
    })
}

/// A step's file with its bytes, if the person may read its problem.
pub async fn file(
    db: &Db,
    store: &dyn FileStore,
    actor: &Actor,
    id: i64,
) -> StoreResult<(EventFile, Vec<u8>)> {
    let row = sqlx::query(
        "SELECT id, filename, content_type, size, sha256, problem_id FROM event_files WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    problems::get(db, actor, ProblemId(row.try_get("problem_id")?)).await?;
    let f = event_file(&row)?;
    let bytes = store.get(&f.sha256).await?;
    Ok((f, bytes))
}
