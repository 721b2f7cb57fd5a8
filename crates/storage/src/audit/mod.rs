//! The audit trail (D21): every change to a record appends one entry — who, when,
//! what, the record before and after — in the transaction of the change itself.
//!
//! Records are kept whole as JSON snapshots of their row, so that any version can be
//! compared with any other, and a concurrent edit can be answered with what changed.
//!
//! The trail is a hash chain (SM3, GB/T 32905): each entry's hash covers the hash of the
//! entry before it and the entry's content, so an entry changed, removed or reordered
//! breaks the chain, and a business row changed or removed behind the system's back no
//! longer matches its latest entry (`verify`). Entries wait in the transaction and are
//! appended at commit ([`append`]).

pub mod checkpoint;
pub mod key;
pub mod trail;
pub mod verify;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sm3::{Digest, Sm3};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use zhenggai_domain::UserId;
use zhenggai_domain::reason::Rule;
use zhenggai_domain::validate::Why;

use crate::audit::key::AuditKey;
use crate::db::dialect;
use crate::db::dialect::Backend;
use crate::db::sql::{Param, Sql, row_json, stamp};
use crate::db::tx::Tx;
use crate::error::{Conflict, FieldChange, StoreError, StoreResult};

/// A table whose rows the trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// 单位.
    Unit,
    /// 用户.
    User,
    /// API token.
    ApiToken,
    /// 巡察.
    Inspection,
    /// 方面.
    Aspect,
    /// 项.
    Item,
    /// 问题.
    Problem,
    /// 措施.
    Measure,
    /// 配合单位 of a measure.
    MeasureUnit,
    /// 进展.
    Progress,
    /// 附件.
    Attachment,
    /// A lifecycle step (认领, 审定, 销号 …).
    ProblemEvent,
    /// 问责.
    Accountability,
    /// 制度.
    Institution,
    /// 清退 / 追缴.
    Recovery,
    /// An outcome's link to a problem or measure.
    OutcomeLink,
    /// 回头看 round.
    LookbackRound,
    /// A problem in a look-back round, and its decision.
    LookbackItem,
    /// 延期申请 and its decision.
    ExtensionRequest,
    /// An organisation's 销号 rules.
    ClosureRules,
    /// 三方验收, 满意度测评 or 公示 recorded for a closure.
    ClosureCheck,
    /// A file sent with a lifecycle step.
    EventFile,
    /// A ledger imported from a spreadsheet.
    Import,
    /// A year of the working-day calendar, added or corrected by an administrator.
    CalendarYear,
    /// An organisation's 三色预警 rules.
    WarningRules,
    /// A 督办 notice issued on a measure.
    EscalationNotice,
    /// An organisation's weekly report rule.
    WeeklyRule,
    /// A unit's weekly report.
    WeeklyReport,
    /// A 督查 round.
    SupervisionRound,
    /// What a round found at a unit.
    RoundFinding,
    /// A leading group's progress hearing.
    Hearing,
    /// An organisation's reminder channels (e-mail, group-chat robot).
    OrgChannels,
    /// A person's e-mail address and whether they want reminders by e-mail.
    UserChannels,
    /// 阶段目标 of a long measure.
    Milestone,
    /// A header word an organisation taught the import (表头同义词).
    HeaderWord,
    /// The office's weekly summary (一周一汇总).
    WeeklySummary,
}

impl Entity {
    /// Every recorded table, in the order `verify` checks them.
    pub const ALL: [Entity; 36] = [
        Entity::Unit,
        Entity::User,
        Entity::ApiToken,
        Entity::Inspection,
        Entity::Aspect,
        Entity::Item,
        Entity::Problem,
        Entity::Measure,
        Entity::MeasureUnit,
        Entity::Progress,
        Entity::Attachment,
        Entity::ProblemEvent,
        Entity::Accountability,
        Entity::Institution,
        Entity::Recovery,
        Entity::OutcomeLink,
        Entity::LookbackRound,
        Entity::LookbackItem,
        Entity::ExtensionRequest,
        Entity::ClosureRules,
        Entity::ClosureCheck,
        Entity::EventFile,
        Entity::Import,
        Entity::CalendarYear,
        Entity::WarningRules,
        Entity::EscalationNotice,
        Entity::WeeklyRule,
        Entity::WeeklyReport,
        Entity::SupervisionRound,
        Entity::RoundFinding,
        Entity::Hearing,
        Entity::OrgChannels,
        Entity::UserChannels,
        Entity::Milestone,
        Entity::HeaderWord,
        Entity::WeeklySummary,
    ];

    /// The entity of a table name.
    pub fn from_table(table: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.table() == table)
    }

    /// The table (and the entity's name in the trail).
    pub fn table(self) -> &'static str {
        match self {
            Entity::Unit => "units",
            Entity::User => "users",
            Entity::ApiToken => "api_tokens",
            Entity::Inspection => "inspections",
            Entity::Aspect => "aspects",
            Entity::Item => "items",
            Entity::Problem => "problems",
            Entity::Measure => "measures",
            Entity::MeasureUnit => "measure_units",
            Entity::Progress => "progress",
            Entity::Attachment => "attachments",
            Entity::ProblemEvent => "problem_events",
            Entity::Accountability => "accountability",
            Entity::Institution => "institutions",
            Entity::Recovery => "recoveries",
            Entity::OutcomeLink => "outcome_links",
            Entity::LookbackRound => "lookback_rounds",
            Entity::LookbackItem => "lookback_items",
            Entity::ExtensionRequest => "extension_requests",
            Entity::ClosureRules => "closure_rules",
            Entity::ClosureCheck => "closure_checks",
            Entity::EventFile => "event_files",
            Entity::Import => "imports",
            Entity::CalendarYear => "calendar_years",
            Entity::WarningRules => "warning_rules",
            Entity::EscalationNotice => "escalation_notices",
            Entity::WeeklyRule => "weekly_rules",
            Entity::WeeklyReport => "weekly_reports",
            Entity::SupervisionRound => "supervision_rounds",
            Entity::RoundFinding => "round_findings",
            Entity::Hearing => "hearings",
            Entity::OrgChannels => "org_channels",
            Entity::UserChannels => "user_channels",
            Entity::Milestone => "milestones",
            Entity::HeaderWord => "header_words",
            Entity::WeeklySummary => "weekly_summaries",
        }
    }
}

/// Who makes a change, when, and why.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The person; `None` for the system itself (migrations, the demo loader, the CLI).
    pub actor: Option<UserId>,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, when the person said.
    pub reason: Option<&'a str>,
}

/// Columns that change without being business data (login counters) stay out of the
/// trail; secrets enter it only as their SM3, so that auditors can read the trail and a
/// secret changed behind the system's back is still detected.
const VOLATILE: [&str; 3] = ["failed_logins", "locked_until", "last_used_at"];
const SECRETS: [&str; 4] = ["password_hash", "token_hash", "robot_url", "robot_secret"];

/// A row as the trail stores it.
pub fn normalise(row: &AnyRow) -> Value {
    let mut value = row_json(row);
    if let Some(obj) = value.as_object_mut() {
        for col in VOLATILE {
            obj.remove(col);
        }
        for secret in SECRETS {
            if let Some(Value::String(s)) = obj.get(secret) {
                let digest = format!("sm3:{}", sm3_hex(s.as_bytes()));
                obj.insert(secret.to_string(), Value::from(digest));
            }
        }
    }
    value
}

/// The current row of a record, as the trail stores it.
pub async fn snapshot(conn: &mut AnyConnection, entity: Entity, id: i64) -> StoreResult<Value> {
    let sql = format!("SELECT * FROM {} WHERE id = $1", entity.table());
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(normalise(&row))
}

/// SM3 of bytes, in lower-case hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry waiting in its transaction.
#[derive(Debug, Clone)]
pub struct Pending {
    at: String,
    actor: Option<i64>,
    action: String,
    entity: &'static str,
    entity_id: i64,
    version: Option<i64>,
    reason: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

/// The fields of an entry that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct EntryFields<'a> {
    /// The entry's id.
    pub id: i64,
    /// Which chain.
    pub chain: i64,
    /// Position in its chain, from 1.
    pub seq: i64,
    /// The previous entry's hash.
    pub prev_hash: &'a str,
    /// When.
    pub at: &'a str,
    /// Who.
    pub actor: Option<i64>,
    /// What.
    pub action: &'a str,
    /// Which table.
    pub entity: &'a str,
    /// Which row.
    pub entity_id: i64,
    /// The row's version after the change.
    pub version: Option<i64>,
    /// Why.
    pub reason: Option<&'a str>,
    /// The row before, as JSON.
    pub before: Option<&'a str>,
    /// The row after, as JSON.
    pub after: Option<&'a str>,
}

/// The SM3 hash of an entry written without a key (before the trail was keyed): the
/// fields as one JSON array (unambiguous), with the row contents by their own SM3.
pub fn entry_hash(f: &EntryFields<'_>) -> String {
    sm3_hex(canonical("zhenggai-audit-1", f).as_bytes())
}

/// The seal of an entry written with the audit key: SM3-HMAC over the same fields under
/// another label, so that neither rule's value can pass for the other's.
pub fn entry_mac(key: &AuditKey, f: &EntryFields<'_>) -> String {
    key.seal(canonical("zhenggai-audit-2-hmac-sm3", f).as_bytes())
}

fn canonical(label: &str, f: &EntryFields<'_>) -> String {
    let content = |c: Option<&str>| c.map(|c| sm3_hex(c.as_bytes()));
    serde_json::json!([
        label,
        f.id,
        f.chain,
        f.seq,
        f.prev_hash,
        f.at,
        f.actor,
        f.action,
        f.entity,
        f.entity_id,
        f.version,
        f.reason,
        content(f.before),
        content(f.after),
    ])
    .to_string()
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
    pub heads: Vec<crate::audit::checkpoint::ChainEnd>,
}

/// The marker's table, record and action.
pub const MARKER: (&str, i64, &str) = ("audit_log", 0, "key");

/// The trail's keying marker, the first one written (a later one, written by a process
/// that raced the first, changes nothing).
pub async fn keying_marker(conn: &mut AnyConnection) -> StoreResult<Option<(i64, KeyingMarker)>> {
    let row = sqlx::query(
        "SELECT id, after_json FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action = $3 ORDER BY id LIMIT 1",
    )
    .bind(MARKER.0)
    .bind(MARKER.1)
    .bind(MARKER.2)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let id: i64 = row.try_get(0)?;
    let after: Option<String> = row.try_get(1)?;
    let marker = serde_json::from_str(after.as_deref().unwrap_or(""))
        .map_err(|e| anyhow::anyhow!("the audit trail's keying marker #{id} is unreadable: {e}"))?;
    Ok(Some((id, marker)))
}

/// Starts sealing, at start and after migrations: refuses a key other than the one the
/// trail is sealed with (entries sealed with it would read as forged), and writes the
/// keying marker now when the trail has none, so that `audit verify` with the key reads
/// the trail whole from the start.
pub async fn start_sealing(db: &crate::Db, at: DateTime<Utc>) -> StoreResult<()> {
    let Some(key) = db.audit_key() else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    let backend = tx.backend();
    if let Some(marker) = marker_to_write(tx.conn(), backend, key, &stamp(at)).await? {
        append_chained(tx.conn(), backend, Some(key), vec![marker]).await?;
    }
    tx.commit().await
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
async fn marker_to_write(
    conn: &mut AnyConnection,
    backend: Backend,
    key: &AuditKey,
    at: &str,
) -> StoreResult<Option<Pending>> {
    let heads = sqlx::query(dialect::all_chain_heads(backend))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<crate::audit::checkpoint::ChainEnd>, sqlx::Error>>()?;
    if let Some((_, marker)) = keying_marker(&mut *conn).await? {
        return if marker.key_id == key.id() {
            Ok(None)
        } else {
            Err(wrong_key(&marker.key_id, key.id()))
        };
    }
    let marker = KeyingMarker {
        key_id: key.id().to_string(),
        heads: heads.into_iter().filter(|(_, seq, _)| *seq > 0).collect(),
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

async fn append_chained(
    conn: &mut AnyConnection,
    backend: Backend,
    key: Option<&AuditKey>,
    pending: Vec<Pending>,
) -> StoreResult<()> {
    let Some(first) = pending.first() else {
        return Ok(());
    };
    let chain_no = first.entity_id.rem_euclid(dialect::audit_chains(backend));
    let head = match sqlx::query(dialect::chain_head(backend))
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
            sqlx::query(dialect::chain_head(backend))
                .bind(chain_no)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    let mut seq: i64 = head.try_get(0)?;
    let mut prev: String = head.try_get(1)?;
    let first_id: i64 = head.try_get(2)?;
    let count = pending.len();
    if count == 1 {
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
    let (send, mut statements) = tokio::sync::mpsc::channel::<crate::db::sql::Ready>(2);
    let key = key.cloned();
    let hasher = tokio::task::spawn_blocking(move || {
        let mut ids = ids.into_iter();
        for chunk in statements_of(pending, ENTRY_COLUMNS.len()) {
            let mut values = Vec::with_capacity(chunk.len());
            for (p, id) in chunk.into_iter().zip(&mut ids) {
                seq += 1;
                let hash = hash_of(key.as_ref(), id, chain_no, seq, &prev, &p);
                values.push(vec![
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
                ]);
            }
            let sql = Sql::insert_rows(placeholders, "audit_log", &ENTRY_COLUMNS, values);
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

/// The columns of an audit entry as a bulk insert writes them.
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
fn statements_of<T>(rows: Vec<T>, columns: usize) -> impl Iterator<Item = Vec<T>> {
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

/// The same entries without the chain: what the chain's cost is measured against.
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

/// Records one change; it joins the chain when the transaction commits.
pub async fn record(
    tx: &mut Tx,
    change: Change<'_>,
    action: &str,
    entity: Entity,
    id: i64,
    before: Option<&Value>,
    after: Option<&Value>,
) -> StoreResult<()> {
    let version = after
        .or(before)
        .and_then(|v| v.get("version"))
        .and_then(Value::as_i64);
    tx.pending.push(Pending {
        at: stamp(change.at),
        actor: change.actor.map(|u| u.0),
        action: action.to_string(),
        entity: entity.table(),
        entity_id: id,
        version,
        reason: change.reason.map(str::to_string),
        before: before.map(Value::to_string),
        after: after.map(Value::to_string),
    });
    Ok(())
}

/// Inserts many new rows into an entity's table in a few bulk statements, each recorded
/// as created, and returns their ids in the order of `rows`.
///
/// The ids are taken before the insert ([`dialect::NewIds`]) and each row's JSON for the
/// trail is written from the values given, so nothing is read back: a thread writes the
/// next statement while the database runs this one. The JSON is the object `normalise`
/// makes of the stored row (which `audit verify` checks). For that, every column with a
/// default value must be given; the others not given are NULL.
pub async fn insert_many(
    tx: &mut Tx,
    change: Change<'_>,
    entity: Entity,
    columns: &[&str],
    rows: Vec<Vec<crate::db::sql::Param>>,
) -> StoreResult<Vec<i64>> {
    let backend = tx.backend();
    let table = entity.table();
    let described: Vec<(String, bool)> = sqlx::query(dialect::table_columns(backend))
        .bind(table)
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)? != 0)))
        .collect::<Result<_, sqlx::Error>>()?;
    let trail = trail_columns(table, &described, columns)?;
    let ids = new_ids(tx.conn(), backend, table, rows.len()).await?;
    if let Some(sql) = dialect::bulk_writes(backend) {
        sqlx::query(sql).execute(tx.conn()).await?;
    }
    let version = columns.iter().position(|c| *c == "version");
    let with_id: Vec<String> = std::iter::once("id")
        .chain(columns.iter().copied())
        .map(str::to_string)
        .collect();
    let placeholders = dialect::bulk_placeholders(backend);
    let (at, actor) = (stamp(change.at), change.actor.map(|u| u.0));
    let reason = change.reason.map(str::to_string);
    let (send, mut statements) =
        tokio::sync::mpsc::channel::<StoreResult<(crate::db::sql::Ready, Vec<Pending>)>>(2);
    let given = ids.clone();
    let writer = tokio::task::spawn_blocking(move || {
        let with_id: Vec<&str> = with_id.iter().map(String::as_str).collect();
        let mut ids = given.into_iter();
        for chunk in statements_of(rows, with_id.len()) {
            let mut values = Vec::with_capacity(chunk.len());
            let mut pending = Vec::with_capacity(chunk.len());
            let written = chunk
                .into_iter()
                .zip(&mut ids)
                .try_for_each(|(row, id)| {
                    let after = row_after(&trail, id, &row)?;
                    pending.push(Pending {
                        at: at.clone(),
                        actor,
                        action: "create".to_string(),
                        entity: table,
                        entity_id: id,
                        version: version.and_then(|i| match row.get(i) {
                            Some(Param::Int(v)) => Some(*v),
                            _ => None,
                        }),
                        reason: reason.clone(),
                        before: None,
                        after: Some(after),
                    });
                    let mut with = Vec::with_capacity(row.len() + 1);
                    with.push(Param::Int(id));
                    with.extend(row);
                    values.push(with);
                    Ok::<(), serde_json::Error>(())
                })
                .map(|()| {
                    (
                        Sql::insert_rows(placeholders, table, &with_id, values).ready(),
                        pending,
                    )
                })
                .map_err(|e| StoreError::from(anyhow::Error::from(e)));
            if send.blocking_send(written).is_err() {
                break;
            }
        }
    });
    while let Some(statement) = statements.recv().await {
        let (ready, pending) = statement?;
        ready.execute(tx.conn()).await?;
        tx.pending.extend(pending);
    }
    writer.await.map_err(anyhow::Error::from)?;
    Ok(ids)
}

/// Where each column of a row's trail JSON comes from, in the table's order.
#[derive(Debug, Clone, Copy)]
enum TrailColumn {
    Id,
    Given(usize),
    Null,
}

/// The trail's columns of a table a bulk insert gives `columns` of; refuses a table
/// holding secrets (they enter the trail only as digests) and a column left to its
/// default (the trail could not know its value).
fn trail_columns(
    table: &str,
    described: &[(String, bool)],
    columns: &[&str],
) -> StoreResult<Vec<(String, TrailColumn)>> {
    if let Some((secret, _)) = described
        .iter()
        .find(|(c, _)| SECRETS.contains(&c.as_str()))
    {
        return Err(anyhow::anyhow!(
            "{table} holds a secret ({secret}): insert its rows one by one"
        )
        .into());
    }
    if let Some(unknown) = columns
        .iter()
        .find(|c| !described.iter().any(|(d, _)| d == *c))
    {
        return Err(anyhow::anyhow!("{table} has no column {unknown}").into());
    }
    described
        .iter()
        .filter(|(c, _)| !VOLATILE.contains(&c.as_str()))
        .map(|(c, has_default)| {
            let source = match columns.iter().position(|g| g == c) {
                _ if c == "id" => TrailColumn::Id,
                Some(i) => TrailColumn::Given(i),
                None if *has_default => {
                    return Err(anyhow::anyhow!(
                        "{table}.{c} has a default value: a bulk insert must give it"
                    )
                    .into());
                }
                None => TrailColumn::Null,
            };
            Ok((c.clone(), source))
        })
        .collect()
}

/// A new row's JSON for the trail, as `normalise` makes it of the stored row: written
/// directly, since an import writes a few hundred thousand.
fn row_after(
    trail: &[(String, TrailColumn)],
    id: i64,
    row: &[Param],
) -> Result<String, serde_json::Error> {
    // Sized to the row: a few hundred thousand of these wait for the commit.
    let texts: usize = row
        .iter()
        .map(|p| match p {
            Param::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    let mut out: Vec<u8> = Vec::with_capacity(texts + 24 * trail.len());
    out.push(b'{');
    for (k, (column, source)) in trail.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, column)?;
        out.push(b':');
        match source {
            TrailColumn::Id => serde_json::to_writer(&mut out, &id)?,
            TrailColumn::Given(i) => match row.get(*i) {
                Some(Param::Int(v)) => serde_json::to_writer(&mut out, v)?,
                Some(Param::Text(t)) => serde_json::to_writer(&mut out, t)?,
                _ => out.extend_from_slice(b"null"),
            },
            TrailColumn::Null => out.extend_from_slice(b"null"),
        }
    }
    out.push(b'}');
    String::from_utf8(out)
        .map_err(|e| serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// The ids `count` new rows of `table` get (see [`dialect::NewIds`]), in order.
async fn new_ids(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    count: usize,
) -> StoreResult<Vec<i64>> {
    let count = i64::try_from(count).map_err(anyhow::Error::from)?;
    match dialect::new_ids(backend) {
        dialect::NewIds::Following(sql) => {
            let last: i64 = sqlx::query(sql)
                .bind(table)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            Ok((1..=count).map(|k| last + k).collect())
        }
        dialect::NewIds::Drawn(sql) => {
            let mut ids = sqlx::query(sql)
                .bind(table)
                .bind(count)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<Result<Vec<i64>, _>>()?;
            ids.sort_unstable();
            Ok(ids)
        }
    }
}

/// Records a row just inserted.
pub async fn created(tx: &mut Tx, change: Change<'_>, entity: Entity, id: i64) -> StoreResult<()> {
    let after = snapshot(tx.conn(), entity, id).await?;
    record(tx, change, "create", entity, id, None, Some(&after)).await
}

/// Creates the one record of `entity` whose `key` column holds the given value, or
/// changes it when it exists, and records either. `version` is the version the writer
/// read (a stale one is refused as in [`update`]); `None` replaces whatever is stored
/// (the system itself, from the shell). Two first saves at once: the key's unique index
/// refuses the second.
pub async fn upsert(
    tx: &mut Tx,
    change: Change<'_>,
    entity: Entity,
    key: (&str, i64),
    version: Option<i64>,
    fields: &[(&str, Param)],
) -> StoreResult<i64> {
    let table = entity.table();
    let existing = sqlx::query(&format!(
        "SELECT id, version FROM {table} WHERE {} = $1",
        key.0
    ))
    .bind(key.1)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(row) = existing {
        let id: i64 = row.try_get(0)?;
        let mut set = Sql::default();
        for (i, (column, value)) in fields.iter().enumerate() {
            set.push(if i == 0 { "" } else { ", " })
                .push(column)
                .push(" = ")
                .bind(value.clone());
        }
        let version = match version {
            Some(v) => v,
            None => row.try_get(1)?,
        };
        update(tx, change, "update", entity, id, version, &set).await?;
        return Ok(id);
    }
    let columns: Vec<&str> = std::iter::once(key.0)
        .chain(fields.iter().map(|(c, _)| *c))
        .chain(["created_at"])
        .collect();
    let mut insert = Sql::new(&format!(
        "INSERT INTO {table} ({}) VALUES (",
        columns.join(", ")
    ));
    insert.bind(key.1);
    for (_, value) in fields {
        insert.push(", ").bind(value.clone());
    }
    insert
        .push(", ")
        .bind(stamp(change.at))
        .push(") RETURNING id");
    let id: i64 = insert.query().fetch_one(tx.conn()).await?.try_get(0)?;
    created(tx, change, entity, id).await?;
    Ok(id)
}

/// Updates a record if it is still at `expected_version`, bumps its version and records
/// the change. `set` is the `SET` list (`title = $1, …`). When someone else changed the
/// record first, nothing is written and the answer says what they changed.
pub async fn update(
    tx: &mut Tx,
    change: Change<'_>,
    action: &str,
    entity: Entity,
    id: i64,
    expected_version: i64,
    set: &Sql,
) -> StoreResult<Value> {
    let conn = tx.conn();
    let before = snapshot(conn, entity, id).await?;
    let mut sql = Sql::new(&format!("UPDATE {} SET ", entity.table()));
    sql.append(set)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(expected_version);
    let done = sql.query().execute(&mut *conn).await?;
    if done.rows_affected() == 0 {
        return Err(conflict(conn, entity, id, expected_version, &before).await);
    }
    let after = snapshot(conn, entity, id).await?;
    record(tx, change, action, entity, id, Some(&before), Some(&after)).await?;
    Ok(after)
}

/// Withdraws a record (撤回): it stays, marked with who, when and why (D21).
pub async fn withdraw(
    tx: &mut Tx,
    change: Change<'_>,
    entity: Entity,
    id: i64,
    expected_version: i64,
) -> StoreResult<Value> {
    let Some(reason) = change.reason.filter(|r| !r.trim().is_empty()) else {
        return Err(StoreError::because(
            "reason",
            Why::Rule(Rule::WithdrawReason),
        ));
    };
    let mut set = Sql::new("withdrawn_at = ");
    set.bind(stamp(change.at)).push(", withdrawn_by = ");
    set.bind(change.actor.map(|u| u.0).unwrap_or(0))
        .push(", withdrawn_reason = ")
        .bind(reason);
    update(tx, change, "withdraw", entity, id, expected_version, &set).await
}

async fn conflict(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
    seen: i64,
    current: &Value,
) -> StoreError {
    let current_version = current.get("version").and_then(Value::as_i64).unwrap_or(0);
    let row = sqlx::query(
        "SELECT after_json FROM audit_log WHERE entity = $1 AND entity_id = $2 AND entity_version = $3 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(entity.table())
    .bind(id)
    .bind(seen)
    .fetch_optional(&mut *conn)
    .await;
    let was: Value = match row {
        Ok(Some(r)) => r
            .try_get::<Option<String>, _>(0)
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Value::Null),
        Ok(None) => Value::Null,
        Err(e) => return StoreError::Db(e),
    };
    let last = sqlx::query(
        "SELECT a.at, u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id DESC LIMIT 1",
    )
    .bind(entity.table())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .ok()
    .flatten();
    let changes = diff(&was, current);
    StoreError::Conflict(Box::new(Conflict {
        your_version: seen,
        current_version,
        changed_by: last
            .as_ref()
            .and_then(|r| r.try_get::<Option<String>, _>(1).ok().flatten()),
        changed_at: last.as_ref().and_then(|r| r.try_get::<String, _>(0).ok()),
        changes,
    }))
}

/// The fields that differ between two snapshots (version excluded).
pub fn diff(was: &Value, now: &Value) -> Vec<FieldChange> {
    let (Some(now_obj), was_obj) = (now.as_object(), was.as_object()) else {
        return Vec::new();
    };
    now_obj
        .iter()
        .filter(|(k, _)| k.as_str() != "version")
        .filter_map(|(k, v)| {
            let old = was_obj
                .and_then(|o| o.get(k))
                .cloned()
                .unwrap_or(Value::Null);
            (old != *v).then(|| FieldChange {
                field: k.clone(),
                was: old,
                now: v.clone(),
            })
        })
        .collect()
}

/// One entry of the trail, as shown to those who may read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Position in the trail.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who, by display name; `None` for the system.
    pub actor: Option<String>,
    /// create, update, withdraw, …
    pub action: String,
    /// The table.
    pub entity: String,
    /// The record.
    pub entity_id: i64,
    /// Why, when given.
    pub reason: Option<String>,
    /// The fields changed.
    pub changes: Vec<FieldChange>,
}

/// What [`entry`] reads, in its order: the trail `a` with its person `u`.
pub(crate) const READ_COLUMNS: &str = "a.id, a.at, u.display_name, a.action, a.entity, a.entity_id, a.reason, a.before_json, a.after_json";

/// The trail of one record, oldest first.
pub async fn trail(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT a.id, a.at, u.display_name, a.action, a.entity, a.entity_id, a.reason, a.before_json, a.after_json \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id",
    )
    .bind(entity.table())
    .bind(id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(entry).collect()
}

/// The latest entries of the whole trail, newest first (the audit administrator's view).
pub async fn recent(pool: &sqlx::AnyPool, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT a.id, a.at, u.display_name, a.action, a.entity, a.entity_id, a.reason, a.before_json, a.after_json \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id ORDER BY a.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(entry).collect()
}

/// An entry as read by [`READ_COLUMNS`].
pub(crate) fn entry(r: &sqlx::any::AnyRow) -> StoreResult<AuditEntry> {
    let parse = |s: Option<String>| {
        s.and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .unwrap_or(Value::Null)
    };
    let before = parse(r.try_get(7)?);
    let after = parse(r.try_get(8)?);
    Ok(AuditEntry {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        entity: r.try_get(4)?,
        entity_id: r.try_get(5)?,
        reason: r.try_get(6)?,
        changes: diff(&before, &after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_changed_fields_only() {
        let was = json!({"id": 1, "title": "a", "version": 1, "target": null});
        let now = json!({"id": 1, "title": "b", "version": 2, "target": "x"});
        let d = diff(&was, &now);
        let fields: Vec<_> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["target", "title"]);
    }

    fn described(columns: &[(&str, bool)]) -> Vec<(String, bool)> {
        columns.iter().map(|(c, d)| (c.to_string(), *d)).collect()
    }

    #[test]
    fn a_bulk_row_is_recorded_as_the_database_stores_it() {
        let table = described(&[
            ("id", false),
            ("title", false),
            ("version", true),
            ("failed_logins", true),
            ("withdrawn_at", false),
        ]);
        let trail = trail_columns("t", &table, &["version", "title", "failed_logins"]).unwrap();
        let after = row_after(
            &trail,
            7,
            &[Param::Int(1), Param::from("“引号”\n\\"), Param::Int(3)],
        )
        .unwrap();
        // Volatile columns stay out, columns not given are NULL, texts are escaped.
        let parsed: Value = serde_json::from_str(&after).unwrap();
        assert_eq!(
            parsed,
            json!({"id": 7, "title": "“引号”\n\\", "version": 1, "withdrawn_at": null})
        );
    }

    #[test]
    fn a_bulk_insert_gives_every_defaulted_column_and_no_secret() {
        let table = described(&[("id", false), ("title", false), ("state", true)]);
        let err = trail_columns("problems", &table, &["title"]).unwrap_err();
        assert!(
            format!("{err:?}").contains("problems.state has a default"),
            "{err:?}"
        );
        let err = trail_columns("problems", &table, &["title", "state", "nope"]).unwrap_err();
        assert!(format!("{err:?}").contains("no column nope"), "{err:?}");
        let users = described(&[("id", false), ("password_hash", false)]);
        let err = trail_columns("users", &users, &["password_hash"]).unwrap_err();
        assert!(format!("{err:?}").contains("holds a secret"), "{err:?}");
        assert!(trail_columns("problems", &table, &["title", "state"]).is_ok());
    }
}
