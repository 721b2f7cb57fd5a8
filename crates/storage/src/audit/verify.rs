//! `zhenggai audit verify`: the trail is an unbroken chain, and every business row is
//! what its latest entry says it is (D21). Finds a row changed or removed behind the
//! system's back, and an entry changed, removed or reordered.
//!
//! Entries written with the audit key are checked by their SM3-HMAC seal, those written
//! before the trail's keying marker by SM3 (`audit_key`); checkpoints taken outside the
//! database (`checkpoint`) prove the trail's end was not cut back or rewritten.
//!
//! Why one file of 760 lines: `verify_reaching` reads the trail once, entry by entry,
//! and checks the chains, the sealing rule and the business rows in that one pass (the
//! trail of a large organisation is millions of entries; reading it once per check would
//! multiply the time). Its report types and the files' check live beside it.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::Row;

use super::Entity;
use super::chain::{KeyingMarker, MARKER};
use super::checkpoint::{self, Claim};
use super::hash::{ChainEnd, EntryFields, GENESIS, entry_hash};
use super::key::{AuditKey, entry_mac};
use super::versions::diff;
use super::write::normalise;
use crate::db::Db;
use crate::db::migrate::{AddedColumn, added_columns};
use crate::error::StoreResult;

/// What verification found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Report {
    /// Entries checked.
    pub entries: i64,
    /// Business rows checked.
    pub rows: i64,
    /// SM3 over the last entry of every chain: note it down elsewhere, and a later run
    /// whose chains end earlier shows that the end of the trail was cut off.
    pub head: String,
    /// 审计校验码 of the head: the entries in the chains and the head's first 16 hex
    /// digits, as documents print it.
    pub code: String,
    /// Entries checked by their seal with the audit key.
    pub sealed: i64,
    /// The id of the key the trail is sealed with, when it is.
    pub key_id: Option<String>,
    /// The checkpoints proven: the trail still reaches each.
    pub checkpoints: Vec<String>,
    /// The last entry of the trail (its highest number): an intact trail is unbroken
    /// up to it.
    pub last_entry: i64,
    /// Everything that does not match, first problem first; empty when intact.
    pub problems: Vec<Finding>,
}

/// Where an audit entry stands: its number, the record it is about, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The entry.
    pub entry: i64,
    /// The record's table.
    pub table: String,
    /// The record.
    pub id: i64,
    /// When the entry says it was written (as stored).
    pub at: String,
}

impl Place {
    fn of(entry: i64, table: &str, id: i64, at: &str) -> Place {
        Place {
            entry,
            table: table.to_string(),
            id,
            at: at.to_string(),
        }
    }
}

/// One thing verification found wrong, as data: the command line prints it in English
/// (its `Display`, which is also what `--json` holds), the pages say it in the reader's
/// language from its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// An entry outside every chain.
    NotChained { entry: i64 },
    /// A chain that starts after its first position.
    MissingBefore { entry: i64, seq: i64 },
    /// Positions missing between two entries of a chain.
    MissingBetween { after: i64, entry: i64 },
    /// An entry numbered before the one it follows.
    OutOfOrder { entry: i64, after: i64 },
    /// An entry whose link to the one before is wrong.
    NotFollowing { entry: i64 },
    /// An entry whose content no longer gives its hash.
    Changed(Place),
    /// An entry with a plain hash where the trail is sealed.
    Unsealed(Place),
    /// An entry whose seal does not match.
    ChangedOrUnsealed(Place),
    /// Entries cut off a chain's end.
    CutOff { chain: i64, ends: i64, head: i64 },
    /// A chain's head row that does not name its last entry.
    HeadMismatch { chain: i64, seq: i64 },
    /// A whole chain gone.
    ChainRemoved { chain: i64, entries: i64 },
    /// Sealed entries not checked for want of the key.
    KeyMissing { entries: i64, key: String },
    /// The entries before sealing no longer end where the keying marker says.
    MarkerNotReached { chain: i64, seq: i64 },
    /// A checkpoint the database has no record of.
    CheckpointUnknown { checkpoint: String },
    /// An entry a checkpoint pinned that is no longer the same.
    CheckpointRewritten {
        checkpoint: String,
        entry: i64,
        chain: i64,
        seq: i64,
        now: String,
        was: String,
    },
    /// A chain that no longer reaches where a checkpoint saw it.
    CheckpointCutOff {
        checkpoint: String,
        chain: i64,
        seq: i64,
    },
    /// A business row with no entry.
    RowUnrecorded { table: String, id: i64 },
    /// A row whose latest entry removes it.
    RowRemovedByTrail { table: String, id: i64 },
    /// A row that differs from its latest entry in these columns.
    RowDiffers {
        table: String,
        id: i64,
        fields: Vec<String>,
    },
    /// A row the trail says exists, gone.
    RowDeleted { table: String, id: i64 },
    /// The keying marker cannot be read.
    MarkerUnreadable { entry: i64 },
    /// The key given is not the trail's.
    WrongKey { sealed_with: String, given: String },
    /// A key given for a trail without a keying marker.
    NoMarker,
    /// A stored file that is not what its record says.
    FileChanged {
        table: String,
        id: i64,
        what: String,
        found: String,
        sha: String,
    },
    /// A stored file that cannot be read.
    FileUnreadable {
        table: String,
        id: i64,
        what: String,
        sha: String,
        error: String,
    },
}

impl Finding {
    /// The audit entry the finding is about, when it is about one: where the chain
    /// is broken.
    pub fn entry(&self) -> Option<i64> {
        match self {
            Finding::NotChained { entry }
            | Finding::MissingBefore { entry, .. }
            | Finding::MissingBetween { entry, .. }
            | Finding::OutOfOrder { entry, .. }
            | Finding::NotFollowing { entry }
            | Finding::CheckpointRewritten { entry, .. }
            | Finding::MarkerUnreadable { entry } => Some(*entry),
            Finding::Changed(p) | Finding::Unsealed(p) | Finding::ChangedOrUnsealed(p) => {
                Some(p.entry)
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::NotChained { entry } => write!(
                f,
                "audit entry #{entry} is not chained: it was written behind the system's back"
            ),
            Finding::MissingBefore { entry, seq } => write!(
                f,
                "audit entries are missing before #{entry}: its chain starts at position {seq}"
            ),
            Finding::MissingBetween { after, entry } => {
                write!(f, "audit entries are missing between #{after} and #{entry}")
            }
            Finding::OutOfOrder { entry, after } => write!(
                f,
                "audit entry #{entry} is out of order in its chain (after #{after})"
            ),
            Finding::NotFollowing { entry } => write!(
                f,
                "audit entry #{entry} does not follow the entry before it (removed, inserted or reordered entries)"
            ),
            Finding::Changed(p) => write!(
                f,
                "audit entry #{} ({} #{}, {}) was changed after it was written",
                p.entry, p.table, p.id, p.at
            ),
            Finding::Unsealed(p) => write!(
                f,
                "audit entry #{} ({} #{}, {}) is not sealed with the audit key though the trail is sealed before it: it was written without the key",
                p.entry, p.table, p.id, p.at
            ),
            Finding::ChangedOrUnsealed(p) => write!(
                f,
                "audit entry #{} ({} #{}, {}) was changed after it was written, or written without the audit key",
                p.entry, p.table, p.id, p.at
            ),
            Finding::CutOff { chain, ends, head } => write!(
                f,
                "audit entries were cut off the end of chain {chain}: it ends at position {ends}, its head says {head}"
            ),
            Finding::HeadMismatch { chain, seq } => write!(
                f,
                "the head of audit chain {chain} does not match its last entry (position {seq})"
            ),
            Finding::ChainRemoved { chain, entries } => write!(
                f,
                "all {entries} entries of audit chain {chain} were removed"
            ),
            Finding::KeyMissing { entries, key } => write!(
                f,
                "{entries} audit entries are sealed with the audit key (key {key}) and were not checked: give the key file (audit_key_file)"
            ),
            Finding::MarkerNotReached { chain, seq } => write!(
                f,
                "chain {chain} no longer ends at position {seq} with the hash the keying marker recorded: entries written before the trail was sealed were changed or removed"
            ),
            Finding::CheckpointUnknown { checkpoint } => write!(
                f,
                "checkpoint {checkpoint}: the database holds no record of where the trail stood then (removed, or never taken on this database): it cannot be shown to still reach it"
            ),
            Finding::CheckpointRewritten {
                checkpoint,
                entry,
                chain,
                seq,
                now,
                was,
            } => write!(
                f,
                "checkpoint {checkpoint}: audit entry #{entry} (chain {chain}, position {seq}) is not the entry the checkpoint saw (its hash is now {now}…, was {was}…): the trail was rewritten up to there"
            ),
            Finding::CheckpointCutOff {
                checkpoint,
                chain,
                seq,
            } => write!(
                f,
                "checkpoint {checkpoint}: chain {chain} no longer reaches position {seq}: entries were cut off after the checkpoint was taken"
            ),
            Finding::RowUnrecorded { table, id } => write!(
                f,
                "{table} #{id} has no audit entry: it was written behind the system's back"
            ),
            Finding::RowRemovedByTrail { table, id } => write!(
                f,
                "{table} #{id} exists, but its latest audit entry removes it"
            ),
            Finding::RowDiffers { table, id, fields } => write!(
                f,
                "{table} #{id} differs from its latest audit entry in: {}",
                fields.join(", ")
            ),
            Finding::RowDeleted { table, id } => write!(
                f,
                "{table} #{id} was deleted: its audit entry says it exists"
            ),
            Finding::MarkerUnreadable { entry } => write!(
                f,
                "the keying marker, audit entry #{entry}, is unreadable: it was changed after it was written"
            ),
            Finding::WrongKey { sealed_with, given } => write!(
                f,
                "wrong audit key: the trail is sealed with key {sealed_with}, the key given is {given}"
            ),
            Finding::NoMarker => write!(
                f,
                "the trail has no keying marker though an audit key is given: the sealed entries were removed with it, or this trail was never sealed with this key"
            ),
            Finding::FileChanged {
                table,
                id,
                what,
                found,
                sha,
            } => write!(
                f,
                "{table} #{id}: the file of {what} was changed in the data directory (its SHA-256 is now {found}, the record holds {sha})"
            ),
            Finding::FileUnreadable {
                table,
                id,
                what,
                sha,
                error,
            } => write!(
                f,
                "{table} #{id}: the file of {what} ({sha}) cannot be read from the data directory: {error}"
            ),
        }
    }
}

/// `--json` holds each finding as the sentence the command line prints.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Report {
    /// Whether nothing was found.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the chain, then every business row against its latest entry, with the
/// database's audit key when it has one.
pub async fn verify(db: &Db) -> StoreResult<Report> {
    verify_reaching(db, &[]).await
}

/// [`verify`], and that the trail still reaches each checkpoint in `claims`.
pub async fn verify_reaching(db: &Db, claims: &[Claim]) -> StoreResult<Report> {
    let mut problems = Vec::new();
    let mut latest: HashMap<(String, i64), Option<String>> = HashMap::new();
    let rows = sqlx::query(
        "SELECT id, at, actor_id, action, entity, entity_id, entity_version, reason, before_json, after_json, chain, seq, prev_hash, hash \
         FROM audit_log ORDER BY chain, seq, id",
    )
    .fetch_all(db.pool())
    .await?;
    let sealing = Sealing::read(&rows, db.audit_key(), &mut problems)?;
    // Each chained entry's (id, hash) by its position, for the ends the keying marker
    // and the checkpoints pin.
    let mut found: HashMap<(i64, i64), (i64, String)> = HashMap::with_capacity(rows.len());
    let mut sealed = 0;
    let mut unchecked = 0;
    // Per chain: the last hash, position and id seen.
    let mut current_chain: Option<i64> = None;
    let (mut prev, mut expected_seq, mut prev_id) = (GENESIS.to_string(), 1, 0);
    let mut ends: Vec<ChainEnd> = Vec::new();
    let mut latest_id: HashMap<(String, i64), i64> = HashMap::new();
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let at: String = r.try_get(1)?;
        let entity: String = r.try_get(4)?;
        let entity_id: i64 = r.try_get(5)?;
        let before: Option<String> = r.try_get(8)?;
        let after: Option<String> = r.try_get(9)?;
        let (Some(chain), Some(seq)) = (
            r.try_get::<Option<i64>, _>(10)?,
            r.try_get::<Option<i64>, _>(11)?,
        ) else {
            problems.push(Finding::NotChained { entry: id });
            continue;
        };
        let prev_hash: Option<String> = r.try_get(12)?;
        let hash: Option<String> = r.try_get(13)?;
        if current_chain != Some(chain) {
            if let Some(c) = current_chain {
                ends.push((c, expected_seq - 1, prev.clone()));
            }
            current_chain = Some(chain);
            (prev, expected_seq, prev_id) = (GENESIS.to_string(), 1, 0);
        }
        if seq != expected_seq {
            problems.push(if prev_id == 0 {
                Finding::MissingBefore { entry: id, seq }
            } else {
                Finding::MissingBetween {
                    after: prev_id,
                    entry: id,
                }
            });
        }
        if id <= prev_id {
            problems.push(Finding::OutOfOrder {
                entry: id,
                after: prev_id,
            });
        }
        if prev_hash.as_deref() != Some(prev.as_str()) {
            problems.push(Finding::NotFollowing { entry: id });
        }
        let (action, reason): (String, Option<String>) = (r.try_get(3)?, r.try_get(7)?);
        let fields = EntryFields {
            id,
            chain,
            seq,
            prev_hash: prev_hash.as_deref().unwrap_or(""),
            at: &at,
            actor: r.try_get(2)?,
            action: &action,
            entity: &entity,
            entity_id,
            version: r.try_get(6)?,
            reason: reason.as_deref(),
            before: before.as_deref(),
            after: after.as_deref(),
        };
        match sealing.rule(chain, seq) {
            Rule::Unkeyed => {
                if hash.as_deref() != Some(entry_hash(&fields).as_str()) {
                    problems.push(Finding::Changed(Place::of(id, &entity, entity_id, &at)));
                }
            }
            Rule::Sealed(key) => {
                sealed += 1;
                if hash.as_deref() != Some(entry_mac(key, &fields).as_str()) {
                    let place = Place::of(id, &entity, entity_id, &at);
                    problems.push(if hash.as_deref() == Some(entry_hash(&fields).as_str()) {
                        Finding::Unsealed(place)
                    } else {
                        Finding::ChangedOrUnsealed(place)
                    });
                }
            }
            Rule::SealedWithoutKey => unchecked += 1,
        }
        let hash = hash.unwrap_or_default();
        found.insert((chain, seq), (id, hash.clone()));
        prev = hash;
        expected_seq = seq + 1;
        prev_id = id;
        let key = (entity, entity_id);
        if latest_id.get(&key).is_none_or(|known| *known < id) {
            latest_id.insert(key.clone(), id);
            latest.insert(key, after);
        }
    }
    if let Some(c) = current_chain {
        ends.push((c, expected_seq - 1, prev.clone()));
    }
    // Each chain ends where its head row says: entries cut off its end show here.
    let recorded: HashMap<i64, (i64, String)> =
        sqlx::query("SELECT chain, seq, hash FROM audit_heads")
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
            .collect::<Result<_, sqlx::Error>>()?;
    for (chain, seq, hash) in &ends {
        match recorded.get(chain) {
            Some((s, h)) if s == seq && h == hash => {}
            Some((s, _)) if s > seq => problems.push(Finding::CutOff {
                chain: *chain,
                ends: *seq,
                head: *s,
            }),
            _ => problems.push(Finding::HeadMismatch {
                chain: *chain,
                seq: *seq,
            }),
        }
    }
    for (chain, (s, _)) in &recorded {
        if *s > 0 && !ends.iter().any(|(c, _, _)| c == chain) {
            problems.push(Finding::ChainRemoved {
                chain: *chain,
                entries: *s,
            });
        }
    }
    if unchecked > 0 {
        problems.push(Finding::KeyMissing {
            entries: unchecked,
            key: sealing.marker_key().unwrap_or("?").to_string(),
        });
    }
    // The entries before the marker are pinned by it: rewritten with SM3 recomputed,
    // they no longer end where it says.
    for (chain, seq, hash) in sealing.unkeyed_ends() {
        match found.get(&(*chain, *seq)) {
            Some((_, now)) if now == hash => {}
            _ => problems.push(Finding::MarkerNotReached {
                chain: *chain,
                seq: *seq,
            }),
        }
    }
    let (_, head) = checkpoint::head_of(&ends);
    let code = checkpoint::code(ends.iter().map(|(_, s, _)| s).sum(), &head);
    let mut proven = Vec::new();
    // One at a time: a year's checkpoint file has tens of thousands of lines.
    for claim in claims {
        let Some(pins) = checkpoint::ends_of(db, claim).await? else {
            problems.push(Finding::CheckpointUnknown {
                checkpoint: claim.label.clone(),
            });
            continue;
        };
        let before = problems.len();
        for (chain, seq, hash) in &pins {
            match found.get(&(*chain, *seq)) {
                Some((_, now)) if now == hash => {}
                Some((id, now)) => problems.push(Finding::CheckpointRewritten {
                    checkpoint: claim.label.clone(),
                    entry: *id,
                    chain: *chain,
                    seq: *seq,
                    now: now.get(..16).unwrap_or(now).to_string(),
                    was: hash.get(..16).unwrap_or(hash).to_string(),
                }),
                _ => problems.push(Finding::CheckpointCutOff {
                    checkpoint: claim.label.clone(),
                    chain: *chain,
                    seq: *seq,
                }),
            }
        }
        if problems.len() == before {
            proven.push(claim.label.clone());
        }
    }
    let added = added_columns();
    let mut checked = 0;
    for entity in Entity::ALL {
        let table = entity.table();
        let added_here: Vec<&AddedColumn> = added.iter().filter(|a| a.table == table).collect();
        let current = sqlx::query(&format!("SELECT * FROM {table} ORDER BY id"))
            .fetch_all(db.pool())
            .await?;
        let mut seen = std::collections::HashSet::new();
        for row in &current {
            checked += 1;
            let id: i64 = row.try_get("id")?;
            seen.insert(id);
            let now = normalise(row);
            match latest.get(&(table.to_string(), id)) {
                None => problems.push(Finding::RowUnrecorded {
                    table: table.to_string(),
                    id,
                }),
                Some(None) => problems.push(Finding::RowRemovedByTrail {
                    table: table.to_string(),
                    id,
                }),
                Some(Some(recorded)) => {
                    let mut recorded: serde_json::Value =
                        serde_json::from_str(recorded).unwrap_or(serde_json::Value::Null);
                    as_migrated(&mut recorded, &now, &added_here);
                    if recorded != now {
                        let fields = diff(&recorded, &now)
                            .into_iter()
                            .map(|c| c.field)
                            .collect::<Vec<_>>();
                        problems.push(Finding::RowDiffers {
                            table: table.to_string(),
                            id,
                            fields,
                        });
                    }
                }
            }
        }
        let mut gone: Vec<i64> = latest
            .iter()
            .filter(|((t, id), after)| t == table && after.is_some() && !seen.contains(id))
            .map(|((_, id), _)| *id)
            .collect();
        gone.sort();
        for id in gone {
            problems.push(Finding::RowDeleted {
                table: table.to_string(),
                id,
            });
        }
    }
    let last_entry = rows
        .iter()
        .filter_map(|r| r.try_get::<i64, _>(0).ok())
        .max()
        .unwrap_or(0);
    Ok(Report {
        last_entry,
        entries: rows.len() as i64,
        rows: checked,
        head,
        code,
        sealed,
        key_id: sealing.marker_key().map(str::to_string),
        checkpoints: proven,
        problems,
    })
}

/// Which rule an entry's hash follows.
enum Rule<'k> {
    /// SM3, as before the trail was sealed.
    Unkeyed,
    /// SM3-HMAC with this key.
    Sealed(&'k AuditKey),
    /// Sealed, but verify has no usable key.
    SealedWithoutKey,
}

/// Where the trail's sealing begins (its keying marker) and the key to check it with.
struct Sealing<'k> {
    /// The key given, if it is the trail's.
    key: Option<&'k AuditKey>,
    marker: Option<KeyingMarker>,
    /// The marker's last unkeyed position of each chain, by chain (looked up per entry).
    unkeyed_until: HashMap<i64, i64>,
    /// Without a marker: whether every entry is sealed (a key was given).
    all_sealed: bool,
}

impl<'k> Sealing<'k> {
    fn read(
        rows: &[sqlx::any::AnyRow],
        key: Option<&'k AuditKey>,
        problems: &mut Vec<Finding>,
    ) -> StoreResult<Sealing<'k>> {
        let mut first: Option<(i64, Option<String>)> = None;
        for r in rows {
            // Record 0 first: the strings of other entries need not be read.
            if r.try_get::<i64, _>(5)? != MARKER.1 {
                continue;
            }
            let (id, entity, entity_id, action): (i64, String, i64, String) =
                (r.try_get(0)?, r.try_get(4)?, r.try_get(5)?, r.try_get(3)?);
            if (entity.as_str(), entity_id, action.as_str()) == MARKER
                && first.as_ref().is_none_or(|(f, _)| id < *f)
            {
                first = Some((id, r.try_get(9)?));
            }
        }
        let marker = match first {
            None => None,
            Some((id, after)) => {
                match serde_json::from_str::<KeyingMarker>(after.as_deref().unwrap_or("")) {
                    Ok(m) => Some(m),
                    Err(_) => {
                        problems.push(Finding::MarkerUnreadable { entry: id });
                        None
                    }
                }
            }
        };
        let key = match (&marker, key) {
            (Some(m), Some(k)) if m.key_id != k.id() => {
                problems.push(Finding::WrongKey {
                    sealed_with: m.key_id.clone(),
                    given: k.id().to_string(),
                });
                None
            }
            (None, Some(_)) if !rows.is_empty() => {
                problems.push(Finding::NoMarker);
                key
            }
            _ => key,
        };
        Ok(Sealing {
            all_sealed: marker.is_none() && key.is_some(),
            unkeyed_until: marker
                .iter()
                .flat_map(|m| m.heads.iter().map(|(c, s, _)| (*c, *s)))
                .collect(),
            key,
            marker,
        })
    }

    fn rule(&self, chain: i64, seq: i64) -> Rule<'k> {
        let sealed = match &self.marker {
            Some(_) => seq > self.unkeyed_until.get(&chain).copied().unwrap_or(0),
            None => self.all_sealed,
        };
        match (sealed, self.key) {
            (false, _) => Rule::Unkeyed,
            (true, Some(key)) => Rule::Sealed(key),
            (true, None) => Rule::SealedWithoutKey,
        }
    }

    /// Where each chain stood when sealing began.
    fn unkeyed_ends(&self) -> impl Iterator<Item = &ChainEnd> {
        self.marker.iter().flat_map(|m| m.heads.iter())
    }

    fn marker_key(&self) -> Option<&str> {
        self.marker.as_ref().map(|m| m.key_id.as_str())
    }
}

/// An entry written before a migration added a column does not name it: the row then
/// holds what the migration gave it, and a value other than that was set behind the
/// system's back. Without this, every upgrade that adds a column would read as rows
/// tampered with. `added` are the columns added to the row's table.
fn as_migrated(recorded: &mut serde_json::Value, now: &serde_json::Value, added: &[&AddedColumn]) {
    let Some(fields) = recorded.as_object_mut() else {
        return;
    };
    // Columns the trail leaves out (volatile ones) stay out.
    for column in added.iter().filter(|a| now.get(&a.column).is_some()) {
        fields
            .entry(column.column.clone())
            .or_insert_with(|| column.default.clone());
    }
}

/// The tables whose rows name a stored file by its SHA-256, and what a person calls it.
const FILE_TABLES: [(&str, &str); 3] = [
    ("attachments", "progress evidence"),
    ("event_files", "a lifecycle step's file"),
    ("imports", "an imported ledger"),
];

/// Checks every stored file a record names against the SHA-256 the record holds (and
/// the trail with it): a file replaced, changed or removed in the data directory behind
/// the system's back is reported, one line each. The records themselves are checked by
/// [`verify`].
pub async fn verify_files(
    db: &Db,
    files: &dyn crate::files::FileStore,
) -> StoreResult<Vec<Finding>> {
    use sha2::Digest;
    let mut problems = Vec::new();
    for (table, what) in FILE_TABLES {
        let rows = sqlx::query(&format!("SELECT id, sha256 FROM {table} ORDER BY id"))
            .fetch_all(db.pool())
            .await?;
        for row in rows {
            let id: i64 = row.try_get(0)?;
            let sha: String = row.try_get(1)?;
            match files.get(&sha).await {
                Ok(bytes) => {
                    let found = hex::encode(sha2::Sha256::digest(&bytes));
                    if found != sha {
                        problems.push(Finding::FileChanged {
                            table: table.to_string(),
                            id,
                            what: what.to_string(),
                            found,
                            sha,
                        });
                    }
                }
                Err(e) => problems.push(Finding::FileUnreadable {
                    table: table.to_string(),
                    id,
                    what: what.to_string(),
                    sha,
                    error: format!("{e:#}"),
                }),
            }
        }
    }
    Ok(problems)
}
