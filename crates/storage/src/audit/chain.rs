//! Appending entries to the chains: all of a transaction's entries in one chain, under
//! that chain's lock, at commit (see [`crate::db::tx::Tx::commit`]); with a key, sealed,
//! after the trail's keying marker (密钥启用标记).

use serde::Serialize;
use sqlx::AnyConnection;

use super::hash::{ChainEnd, EntryFields, GENESIS, entry_hash};
use super::key::{AuditKey, entry_mac};
use crate::db::dialect::{self, Backend};
use crate::db::sql::{Param, Ready, Sql};
use crate::error::{StoreError, StoreResult};

/// One entry waiting in its transaction.
#[derive(Debug, Clone)]
pub struct Pending {
    pub(super) at: String,
    pub(super) actor: Option<i64>,
    pub(super) action: String,
    pub(super) entity: &'static str,
    pub(super) entity_id: i64,
    pub(super) version: Option<i64>,
    pub(super) reason: Option<String>,
    pub(super) before: Option<String>,
    pub(super) after: Option<String>,
    /// An import's entry: the digests of the rows it wrote ([`super::batch`]).
    pub(super) digests: Option<String>,
}

/// The key a transaction's entries are sealed with.
#[derive(Debug, Clone, Copy)]
pub struct Seal<'a> {
    /// The audit key.
    pub key: &'a AuditKey,
    /// Whether this process has already found (or written) the keying marker.
    pub marked: bool,
}

/// The entry that starts sealing (密钥启用标记): the key's id, and where each chain
/// stood before it — entries up to there keep the unkeyed rule, all later ones are
/// sealed. Its own place in the trail: table `audit_log`, record 0, action `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct KeyingMarker {
    /// [`AuditKey::id`] of the key the trail is sealed with.
    pub key_id: String,
    /// Each chain's (chain, position, hash) as the marker found it: unkeyed up to there.
    pub heads: Vec<ChainEnd>,
}

/// The marker's table, record and action.
pub const MARKER: (&str, i64, &str) = ("audit_log", 0, "key");

/// A chain's end as its head row (`audit_heads`) holds it.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct HeadRow {
    chain: i64,
    seq: i64,
    hash: String,
}

impl HeadRow {
    /// The end as the keying marker and checkpoints keep it.
    pub(super) fn end(self) -> ChainEnd {
        (self.chain, self.seq, self.hash)
    }
}

/// The trail's keying marker, the first one written (a later one, written by a process
/// that raced the first, changes nothing).
pub async fn keying_marker(conn: &mut AnyConnection) -> StoreResult<Option<(i64, KeyingMarker)>> {
    #[derive(sqlx::FromRow)]
    struct MarkerRow {
        id: i64,
        after_json: Option<String>,
    }
    let row = sqlx::query_as::<_, MarkerRow>(
        "SELECT id, after_json FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action = $3 ORDER BY id LIMIT 1",
    )
    .bind(MARKER.0)
    .bind(MARKER.1)
    .bind(MARKER.2)
    .fetch_optional(conn)
    .await?;
    let Some(MarkerRow { id, after_json }) = row else {
        return Ok(None);
    };
    let marker = serde_json::from_str(after_json.as_deref().unwrap_or(""))
        .map_err(|e| anyhow::anyhow!("the audit trail's keying marker #{id} is unreadable: {e}"))?;
    Ok(Some((id, marker)))
}

fn wrong_key(sealed_with: &str, given: &str) -> StoreError {
    anyhow::anyhow!(
        "审计密钥不符：审计记录以密钥 {sealed_with} 封存，给出的是 {given}；请恢复原密钥文件（audit_key_file）。 / \
         Wrong audit key: the trail is sealed with key {sealed_with}, the key given is {given}; restore the original key file (audit_key_file)."
    )
    .into()
}

/// The keying marker to write before a transaction's first sealed entries, when the
/// trail has none yet. Locks every chain's head first, so that the positions it pins
/// are final and a racing process finds this marker once it may write.
pub(super) async fn marker_to_write(
    conn: &mut AnyConnection,
    backend: Backend,
    key: &AuditKey,
    at: &str,
) -> StoreResult<Option<Pending>> {
    let heads = sqlx::query_as::<_, HeadRow>(dialect::all_chain_heads(backend))
        .fetch_all(&mut *conn)
        .await?;
    if let Some((_, marker)) = keying_marker(&mut *conn).await? {
        return if marker.key_id == key.id() {
            Ok(None)
        } else {
            Err(wrong_key(&marker.key_id, key.id()))
        };
    }
    let marker = KeyingMarker {
        key_id: key.id().to_string(),
        heads: heads
            .into_iter()
            .filter(|h| h.seq > 0)
            .map(HeadRow::end)
            .collect(),
    };
    Ok(Some(Pending {
        at: at.to_string(),
        actor: None,
        action: MARKER.2.to_string(),
        entity: MARKER.0,
        entity_id: MARKER.1,
        version: None,
        reason: Some(
            "审计记录自此以审计密钥封存（SM3-HMAC） / audit entries sealed with the audit key from here on"
                .into(),
        ),
        before: None,
        after: Some(serde_json::to_string(&marker).map_err(anyhow::Error::from)?),
        digests: None,
    }))
}

/// Chains and inserts a transaction's entries: all in one chain (chosen by the first
/// entry's record, so that one record's history stays in one chain), under that chain's
/// lock, after its last entry, with consecutive positions (a gap is a removed entry).
///
/// With a key, the entries are sealed (SM3-HMAC); the trail's first sealed entry is its
/// keying marker, written here when this process has not seen one.
pub async fn append(
    conn: &mut AnyConnection,
    backend: Backend,
    chain: bool,
    seal: Option<Seal<'_>>,
    pending: Vec<Pending>,
) -> StoreResult<()> {
    if !chain {
        return append_unchained(conn, pending).await;
    }
    let Some(first) = pending.first() else {
        return Ok(());
    };
    let key = seal.map(|s| s.key);
    if let Some(Seal { key, marked: false }) = seal
        && let Some(marker) = marker_to_write(conn, backend, key, &first.at).await?
    {
        append_chained(conn, backend, Some(key), vec![marker]).await?;
    }
    append_chained(conn, backend, key, pending).await
}

pub(super) async fn append_chained(
    conn: &mut AnyConnection,
    backend: Backend,
    key: Option<&AuditKey>,
    pending: Vec<Pending>,
) -> StoreResult<()> {
    let Some(first) = pending.first() else {
        return Ok(());
    };
    /// A chain's end and the id its next entry gets ([`dialect::chain_head`]).
    #[derive(sqlx::FromRow)]
    struct ChainHead {
        seq: i64,
        hash: String,
        next_id: i64,
    }
    let chain_no = first.entity_id.rem_euclid(dialect::audit_chains(backend));
    let head = match sqlx::query_as::<_, ChainHead>(dialect::chain_head(backend))
        .bind(chain_no)
        .fetch_optional(&mut *conn)
        .await?
    {
        Some(head) => head,
        None => {
            // The chain's first entry: its head row appears once.
            sqlx::query("INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING")
                .bind(chain_no)
                .bind(GENESIS)
                .execute(&mut *conn)
                .await?;
            sqlx::query_as::<_, ChainHead>(dialect::chain_head(backend))
                .bind(chain_no)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    let ChainHead {
        mut seq,
        hash: mut prev,
        next_id: first_id,
    } = head;
    let count = pending.len();
    // An import's entry (with digests) takes the path below, which names the column
    // only when an entry fills it: a database not yet migrated still takes the others.
    if count == 1 && pending[0].digests.is_none() {
        // One entry (most transactions): one statement, which on PostgreSQL also moves
        // the head.
        let p = &pending[0];
        let hash = hash_of(key, first_id, chain_no, seq + 1, &prev, p);
        bind_entry(
            sqlx::query(dialect::insert_entry(backend, true)),
            first_id,
            chain_no,
            seq + 1,
            &prev,
            &hash,
            p,
        )
        .execute(&mut *conn)
        .await?;
        if !dialect::head_moves_with_last_entry(backend) {
            move_head(conn, chain_no, seq + 1, &hash).await?;
        }
        return Ok(());
    }
    // Many entries (an import): their ids at once, their hashes in order, and the rows
    // in as few statements as the parameter limit allows.
    let ids: Vec<i64> = match dialect::new_ids(backend) {
        // SQLite's one writer: the rest follow the first.
        dialect::NewIds::Following(_) => (0..count as i64).map(|k| first_id + k).collect(),
        dialect::NewIds::Drawn(_) => std::iter::once(first_id)
            .chain(new_ids(conn, backend, "audit_log", count - 1).await?)
            .collect(),
    };
    // Hashing is sequential and the statements wait on the database: a thread hashes
    // and writes the next statement while the database runs this one.
    let placeholders = dialect::bulk_placeholders(backend);
    let with_digests = pending.iter().any(|p| p.digests.is_some());
    let columns: Vec<&str> = ENTRY_COLUMNS
        .into_iter()
        .chain(with_digests.then_some("digests"))
        .collect();
    let (send, mut statements) = tokio::sync::mpsc::channel::<Ready>(2);
    let key = key.cloned();
    let hasher = tokio::task::spawn_blocking(move || {
        let mut ids = ids.into_iter();
        for chunk in statements_of(pending, columns.len()) {
            let mut values = Vec::with_capacity(chunk.len());
            for (p, id) in chunk.into_iter().zip(&mut ids) {
                seq += 1;
                let hash = hash_of(key.as_ref(), id, chain_no, seq, &prev, &p);
                let mut row = vec![
                    Param::Int(id),
                    Param::from(p.at),
                    Param::from(p.actor),
                    Param::from(p.action),
                    Param::from(p.entity),
                    Param::Int(p.entity_id),
                    Param::from(p.version),
                    Param::from(p.reason),
                    Param::from(p.before),
                    Param::from(p.after),
                    Param::Int(chain_no),
                    Param::Int(seq),
                    Param::from(std::mem::replace(&mut prev, hash.clone())),
                    Param::from(hash),
                ];
                if with_digests {
                    row.push(Param::from(p.digests));
                }
                values.push(row);
            }
            let sql = Sql::insert_rows(placeholders, "audit_log", &columns, values);
            if send.blocking_send(sql.ready()).is_err() {
                break;
            }
        }
        (seq, prev)
    });
    while let Some(statement) = statements.recv().await {
        statement.execute(&mut *conn).await?;
    }
    let (seq, prev) = hasher.await.map_err(anyhow::Error::from)?;
    move_head(conn, chain_no, seq, &prev).await
}

/// The columns of an audit entry as a bulk insert writes them (and `digests` after them
/// when an entry has any).
const ENTRY_COLUMNS: [&str; 14] = [
    "id",
    "at",
    "actor_id",
    "action",
    "entity",
    "entity_id",
    "entity_version",
    "reason",
    "before_json",
    "after_json",
    "chain",
    "seq",
    "prev_hash",
    "hash",
];

/// Rows per bulk statement (`Sql::insert_rows`): a megabyte or two of values, so that a
/// large import needs few statements and little memory beside them.
const ROWS_PER_STATEMENT: usize = 2_000;

/// `rows` of `columns` columns in the groups a bulk statement takes: [`ROWS_PER_STATEMENT`],
/// or fewer where bound values would pass SQLite's limit of 32,766 a statement.
pub(super) fn statements_of<T>(rows: Vec<T>, columns: usize) -> impl Iterator<Item = Vec<T>> {
    let per = ROWS_PER_STATEMENT.min(32_766 / columns.max(1));
    let mut rows = rows.into_iter();
    std::iter::from_fn(move || {
        let chunk: Vec<T> = rows.by_ref().take(per).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
}

fn hash_of(
    key: Option<&AuditKey>,
    id: i64,
    chain: i64,
    seq: i64,
    prev: &str,
    p: &Pending,
) -> String {
    let fields = EntryFields {
        id,
        chain,
        seq,
        prev_hash: prev,
        at: &p.at,
        actor: p.actor,
        action: &p.action,
        entity: p.entity,
        entity_id: p.entity_id,
        version: p.version,
        reason: p.reason.as_deref(),
        before: p.before.as_deref(),
        after: p.after.as_deref(),
        digests: p.digests.as_deref(),
    };
    match key {
        Some(key) => entry_mac(key, &fields),
        None => entry_hash(&fields),
    }
}

fn bind_entry<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    id: i64,
    chain: i64,
    seq: i64,
    prev: &'q str,
    hash: &'q str,
    p: &'q Pending,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(id)
        .bind(&p.at)
        .bind(p.actor)
        .bind(&p.action)
        .bind(p.entity)
        .bind(p.entity_id)
        .bind(p.version)
        .bind(p.reason.as_deref())
        .bind(p.before.as_deref())
        .bind(p.after.as_deref())
        .bind(chain)
        .bind(seq)
        .bind(prev)
        .bind(hash)
}

async fn move_head(conn: &mut AnyConnection, chain: i64, seq: i64, hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE audit_heads SET seq = $1, hash = $2 WHERE chain = $3")
        .bind(seq)
        .bind(hash)
        .bind(chain)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The same entries without the chain: what the chain's cost is measured against (an
/// import's digests are left out: verify rejects these entries anyway).
async fn append_unchained(conn: &mut AnyConnection, pending: Vec<Pending>) -> StoreResult<()> {
    for p in pending {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, entity_version, reason, before_json, after_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&p.at)
        .bind(p.actor)
        .bind(&p.action)
        .bind(p.entity)
        .bind(p.entity_id)
        .bind(p.version)
        .bind(p.reason.as_deref())
        .bind(p.before.as_deref())
        .bind(p.after.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The ids `count` new rows of `table` get (see [`dialect::NewIds`]), in order.
pub(super) async fn new_ids(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    count: usize,
) -> StoreResult<Vec<i64>> {
    let count = i64::try_from(count).map_err(anyhow::Error::from)?;
    match dialect::new_ids(backend) {
        dialect::NewIds::Following(sql) => {
            let last: i64 = sqlx::query_scalar(sql)
                .bind(table)
                .fetch_one(&mut *conn)
                .await?;
            Ok((1..=count).map(|k| last + k).collect())
        }
        dialect::NewIds::Drawn(sql) => {
            let mut ids: Vec<i64> = sqlx::query_scalar(sql)
                .bind(table)
                .bind(count)
                .fetch_all(&mut *conn)
                .await?;
            ids.sort_unstable();
            Ok(ids)
        }
    }
}
