//! `zhenggai audit verify`: the trail is an unbroken chain, and every business row is
//! what its latest entry says it is (D21). Finds a row changed or removed behind the
//! system's back, and an entry changed, removed or reordered.
//!
//! Entries written with the audit key are checked by their SM3-HMAC seal, those written
//! before the trail's keying marker by SM3 (`audit_key`); checkpoints taken outside the
//! database (`checkpoint`) prove the trail's end was not cut back or rewritten.
//!
//! [`verify_reaching`] reads the trail once, entry by entry, and checks the chains and
//! the sealing rule in that one pass (`walk`); the checks after it use what the pass
//! gathered: the chains' head rows, the keying marker, the checkpoints, the business
//! rows. What it finds is data (`finding`); the stored files are checked apart
//! (`files`).

mod files;
mod finding;
mod walk;

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sqlx::Row;

pub use self::files::verify_files;
pub use self::finding::{Finding, Place};
use self::walk::{EntryRow, Recorded, Sealing, Walk, Walked};
use super::Entity;
use super::batch::differs;
use super::chain::HeadRow;
use super::checkpoint::{self, Claim};
use super::hash::ChainEnd;
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
///
/// The findings come in the order of the checks: the keying marker and the key, each
/// entry in its chain, the chains' head rows, the sealed entries left unchecked and the
/// marker's ends, the checkpoints, the business rows.
pub async fn verify_reaching(db: &Db, claims: &[Claim]) -> StoreResult<Report> {
    let mut problems = Vec::new();
    let entries = EntryRow::all(db).await?;
    let count = entries.len();
    let last_entry = entries.iter().map(|e| e.id).max().unwrap_or(0);
    let sealing = Sealing::read(&entries, db.audit_key(), &mut problems);
    let mut walk = Walk::new(&sealing, count);
    for entry in entries {
        walk.entry(entry, &mut problems);
    }
    let walked = walk.finish();
    check_heads(db, &walked.ends, &mut problems).await?;
    check_sealing(&sealing, &walked, &mut problems);
    let (_, head) = checkpoint::head_of(&walked.ends);
    let code = checkpoint::code(walked.ends.iter().map(|(_, s, _)| s).sum(), &head);
    let proven = check_claims(db, claims, &walked.found, &mut problems).await?;
    let rows = check_rows(db, &walked.latest, &mut problems).await?;
    Ok(Report {
        last_entry,
        entries: count as i64,
        rows,
        head,
        code,
        sealed: walked.sealed,
        key_id: sealing.marker_key().map(str::to_string),
        checkpoints: proven,
        problems,
    })
}

/// Each chain ends where its head row says: entries cut off its end show here, and a
/// chain whose entries are all gone.
async fn check_heads(db: &Db, ends: &[ChainEnd], problems: &mut Vec<Finding>) -> StoreResult<()> {
    let recorded: HashMap<i64, (i64, String)> =
        sqlx::query_as::<_, HeadRow>("SELECT chain, seq, hash FROM audit_heads")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|h| {
                let (chain, seq, hash) = h.end();
                (chain, (seq, hash))
            })
            .collect();
    for (chain, seq, hash) in ends {
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
    Ok(())
}

/// The sealed entries left unchecked for want of the key, and the ends the keying
/// marker pins: the entries before it, rewritten with SM3 recomputed, no longer end
/// where it says.
fn check_sealing(sealing: &Sealing<'_>, walked: &Walked, problems: &mut Vec<Finding>) {
    if walked.unchecked > 0 {
        problems.push(Finding::KeyMissing {
            entries: walked.unchecked,
            key: sealing.marker_key().unwrap_or("?").to_string(),
        });
    }
    for (chain, seq, hash) in sealing.unkeyed_ends() {
        match walked.found.get(&(*chain, *seq)) {
            Some((_, now)) if now == hash => {}
            _ => problems.push(Finding::MarkerNotReached {
                chain: *chain,
                seq: *seq,
            }),
        }
    }
}

/// The checkpoints the trail still reaches, each holding at every chain's position it
/// saw the entry it saw; one at a time (a year's checkpoint file has tens of thousands
/// of lines).
async fn check_claims(
    db: &Db,
    claims: &[Claim],
    found: &HashMap<(i64, i64), (i64, String)>,
    problems: &mut Vec<Finding>,
) -> StoreResult<Vec<String>> {
    let mut proven = Vec::new();
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
    Ok(proven)
}

/// Every business row against its record's latest entry, table by table; the rows
/// checked.
async fn check_rows(
    db: &Db,
    latest: &HashMap<(String, i64), (i64, Recorded)>,
    problems: &mut Vec<Finding>,
) -> StoreResult<i64> {
    let added = added_columns();
    let mut checked = 0;
    for entity in Entity::ALL {
        let table = entity.table();
        let added_here: Vec<&AddedColumn> = added.iter().filter(|a| a.table == table).collect();
        checked += check_table(db, table, latest, &added_here, problems).await?;
    }
    Ok(checked)
}

/// One table's rows against their latest entries: a row with none, one its entry
/// removes, one that differs from it, and a row the trail says exists that is gone.
async fn check_table(
    db: &Db,
    table: &str,
    latest: &HashMap<(String, i64), (i64, Recorded)>,
    added: &[&AddedColumn],
    problems: &mut Vec<Finding>,
) -> StoreResult<i64> {
    let current = sqlx::query(&format!("SELECT * FROM {table} ORDER BY id"))
        .fetch_all(db.pool())
        .await?;
    let mut seen = HashSet::new();
    // Every business table, read whole: only the id by name, the rest as the trail
    // keeps a row.
    for row in &current {
        let id: i64 = row.try_get("id")?;
        seen.insert(id);
        let now = normalise(row);
        let table = table.to_string();
        match latest.get(&(table.clone(), id)) {
            None => problems.push(Finding::RowUnrecorded { table, id }),
            Some((_, Recorded::Row(None))) => {
                problems.push(Finding::RowRemovedByTrail { table, id })
            }
            Some((entry, Recorded::Digest(recorded))) => {
                let defaults: Vec<(&str, &serde_json::Value)> = added
                    .iter()
                    .map(|a| (a.column.as_str(), &a.default))
                    .collect();
                if differs(recorded, &now, &defaults) {
                    problems.push(Finding::RowDiffersFromImport {
                        table,
                        id,
                        entry: *entry,
                    });
                }
            }
            Some((_, Recorded::Row(Some(recorded)))) => {
                let mut recorded: serde_json::Value =
                    serde_json::from_str(recorded).unwrap_or(serde_json::Value::Null);
                as_migrated(&mut recorded, &now, added);
                if recorded != now {
                    let fields = diff(&recorded, &now)
                        .into_iter()
                        .map(|c| c.field)
                        .collect::<Vec<_>>();
                    problems.push(Finding::RowDiffers { table, id, fields });
                }
            }
        }
    }
    let mut gone: Vec<i64> = latest
        .iter()
        .filter(|((t, id), (_, recorded))| {
            t == table && !matches!(recorded, Recorded::Row(None)) && !seen.contains(id)
        })
        .map(|((_, id), _)| *id)
        .collect();
    gone.sort();
    for id in gone {
        problems.push(Finding::RowDeleted {
            table: table.to_string(),
            id,
        });
    }
    Ok(current.len() as i64)
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
