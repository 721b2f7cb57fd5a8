//! `zhenggai audit verify`: the trail is an unbroken SM3 chain, and every business row
//! is what its latest entry says it is (D21). Finds a row changed or removed behind the
//! system's back, and an entry changed, removed or reordered.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::Row;

use crate::audit::{Entity, EntryFields, GENESIS, entry_hash, normalise};
use crate::db::{AddedColumn, Db};
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
    /// Everything that does not match, first problem first; empty when intact.
    pub problems: Vec<String>,
}

impl Report {
    /// Whether nothing was found.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the chain, then every business row against its latest entry.
pub async fn verify(db: &Db) -> StoreResult<Report> {
    let mut problems = Vec::new();
    let mut latest: HashMap<(String, i64), Option<String>> = HashMap::new();
    let rows = sqlx::query(
        "SELECT id, at, actor_id, action, entity, entity_id, entity_version, reason, before_json, after_json, chain, seq, prev_hash, hash \
         FROM audit_log ORDER BY chain, seq, id",
    )
    .fetch_all(db.pool())
    .await?;
    // Per chain: the last hash, position and id seen.
    let mut current_chain: Option<i64> = None;
    let (mut prev, mut expected_seq, mut prev_id) = (GENESIS.to_string(), 1, 0);
    let mut ends: Vec<(i64, i64, String)> = Vec::new();
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
            problems.push(format!(
                "audit entry #{id} is not chained: it was written behind the system's back"
            ));
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
                format!(
                    "audit entries are missing before #{id}: its chain starts at position {seq}"
                )
            } else {
                format!("audit entries are missing between #{prev_id} and #{id}")
            });
        }
        if id <= prev_id {
            problems.push(format!(
                "audit entry #{id} is out of order in its chain (after #{prev_id})"
            ));
        }
        if prev_hash.as_deref() != Some(prev.as_str()) {
            problems.push(format!("audit entry #{id} does not follow the entry before it (removed, inserted or reordered entries)"));
        }
        let computed = entry_hash(&EntryFields {
            id,
            chain,
            seq,
            prev_hash: prev_hash.as_deref().unwrap_or(""),
            at: &at,
            actor: r.try_get(2)?,
            action: &r.try_get::<String, _>(3)?,
            entity: &entity,
            entity_id,
            version: r.try_get(6)?,
            reason: r.try_get::<Option<String>, _>(7)?.as_deref(),
            before: before.as_deref(),
            after: after.as_deref(),
        });
        if hash.as_deref() != Some(computed.as_str()) {
            problems.push(format!(
                "audit entry #{id} ({entity} #{entity_id}, {at}) was changed after it was written"
            ));
        }
        prev = hash.unwrap_or_default();
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
            Some((s, _)) if s > seq => problems.push(format!("audit entries were cut off the end of chain {chain}: it ends at position {seq}, its head says {s}")),
            _ => problems.push(format!("the head of audit chain {chain} does not match its last entry (position {seq})")),
        }
    }
    for (chain, (s, _)) in &recorded {
        if *s > 0 && !ends.iter().any(|(c, _, _)| c == chain) {
            problems.push(format!(
                "all {s} entries of audit chain {chain} were removed"
            ));
        }
    }
    let head = if ends.is_empty() {
        GENESIS.to_string()
    } else {
        let joined: Vec<String> = ends
            .iter()
            .map(|(c, s, h)| format!("{c}:{s}:{h}"))
            .collect();
        crate::audit::sm3_hex(joined.join("\n").as_bytes())
    };
    let added = crate::db::added_columns();
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
                None => problems.push(format!(
                    "{table} #{id} has no audit entry: it was written behind the system's back"
                )),
                Some(None) => problems.push(format!(
                    "{table} #{id} exists, but its latest audit entry removes it"
                )),
                Some(Some(recorded)) => {
                    let mut recorded: serde_json::Value =
                        serde_json::from_str(recorded).unwrap_or(serde_json::Value::Null);
                    as_migrated(&mut recorded, &now, &added_here);
                    if recorded != now {
                        let fields = crate::audit::diff(&recorded, &now)
                            .into_iter()
                            .map(|c| c.field)
                            .collect::<Vec<_>>()
                            .join(", ");
                        problems.push(format!(
                            "{table} #{id} differs from its latest audit entry in: {fields}"
                        ));
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
            problems.push(format!(
                "{table} #{id} was deleted: its audit entry says it exists"
            ));
        }
    }
    Ok(Report {
        entries: rows.len() as i64,
        rows: checked,
        head,
        problems,
    })
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
