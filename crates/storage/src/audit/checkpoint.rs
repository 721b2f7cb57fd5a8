//! Checkpoints of the audit trail's end, kept outside the database: a line the server
//! appends to a file, and the 审计校验码 printed on every document and export, so that
//! paper sent upward pins how far the trail reached. `audit verify --checkpoint` proves
//! the trail still reaches a checkpoint: every chain still holds, at the position the
//! checkpoint saw, the entry it saw.
//!
//! A checkpoint's head is SM3 over each chain's end (`chain:position:hash`, one per
//! line, by chain), the same head `audit verify` reports; its code is the number of
//! entries and the head's first 16 hex digits (`1234-0123456789abcdef`). The ends
//! themselves are kept in the database (`audit_checkpoints`): the head outside pins
//! them, so that a row changed there no longer matches the code or the file.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::chain::HeadRow;
use super::hash::{ChainEnd, GENESIS, sm3_hex};
use crate::db::Db;
use crate::db::sql::stamp;
use crate::error::StoreResult;

/// Hex digits of the head a code carries.
pub const CODE_HEX: usize = 16;

/// Where the trail ended at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Entries in the chains (the sum of their last positions).
    pub entries: i64,
    /// SM3 over every chain's end.
    pub head: String,
}

impl Checkpoint {
    /// 审计校验码: entries, a dash, the head's first 16 hex digits.
    pub fn code(&self) -> String {
        code(self.entries, &self.head)
    }

    /// The checkpoint file's line: time, entries, code, head (tab-separated).
    pub fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}",
            self.at,
            self.entries,
            self.code(),
            self.head
        )
    }
}

/// 审计校验码 of a head.
pub fn code(entries: i64, head: &str) -> String {
    format!("{entries}-{}", head.get(..CODE_HEX).unwrap_or(head))
}

/// The ends as the checkpoint keeps them and the head over them, of every chain's
/// (chain, last position, last hash), in chain order.
pub fn head_of(ends: &[ChainEnd]) -> (String, String) {
    if ends.is_empty() {
        return (String::new(), GENESIS.to_string());
    }
    let text = ends
        .iter()
        .map(|(c, s, h)| format!("{c}:{s}:{h}"))
        .collect::<Vec<_>>()
        .join("\n");
    let head = sm3_hex(text.as_bytes());
    (text, head)
}

/// Reads the ends [`head_of`] wrote.
pub fn parse_ends(text: &str) -> Option<Vec<ChainEnd>> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, ':');
            Some((
                parts.next()?.parse().ok()?,
                parts.next()?.parse().ok()?,
                parts.next()?.to_string(),
            ))
        })
        .collect()
}

/// Notes where the trail ends now, in the database, and returns the checkpoint to print
/// or append to the file. The same end noted twice is kept once.
pub async fn take(db: &Db, at: DateTime<Utc>) -> StoreResult<Checkpoint> {
    let (text, head, entries) = ends_now(db).await?;
    let at = stamp(at);
    db.write(async |tx| {
        sqlx::query(
            "INSERT INTO audit_checkpoints (head, entries, at, ends) VALUES ($1, $2, $3, $4) ON CONFLICT (head) DO NOTHING",
        )
        .bind(&head)
        .bind(entries)
        .bind(&at)
        .bind(&text)
        .execute(tx.conn())
        .await?;
        Ok(())
    })
    .await?;
    Ok(Checkpoint { at, entries, head })
}

/// The head of the trail now, without noting it: to see whether it moved.
pub async fn head_now(db: &Db) -> StoreResult<String> {
    Ok(ends_now(db).await?.1)
}

/// Every chain's end as [`head_of`] writes them, the head, and the entries.
async fn ends_now(db: &Db) -> StoreResult<(String, String, i64)> {
    let ends: Vec<ChainEnd> = sqlx::query_as::<_, HeadRow>(
        "SELECT chain, seq, hash FROM audit_heads WHERE seq > 0 ORDER BY chain",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(HeadRow::end)
    .collect();
    let (text, head) = head_of(&ends);
    Ok((text, head, ends.iter().map(|(_, s, _)| s).sum()))
}

/// Appends a checkpoint's line to the checkpoint file (created, readable by the
/// server's account only, when missing), and makes it durable.
pub fn append_to_file(path: &Path, checkpoint: &Checkpoint) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("opening the audit checkpoint file {}", path.display()))?;
    writeln!(file, "{}", checkpoint.line())
        .and_then(|()| file.sync_data())
        .with_context(|| format!("writing the audit checkpoint file {}", path.display()))
}

/// A checkpoint to prove: from a line of the file, or a code read off a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Which one, for messages: the file and line, or the code.
    pub label: String,
    /// Entries the trail had.
    pub entries: i64,
    /// The head, whole (from the file) or its first 16 hex digits (a code).
    pub head: String,
}

impl Claim {
    /// A 审计校验码 as printed (`1234-0123456789abcdef`; spaces and case ignored).
    pub fn from_code(code: &str) -> Option<Claim> {
        let code: String = code
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let (entries, head) = code.split_once('-')?;
        let valid = head.len() >= CODE_HEX
            && head.len() <= GENESIS.len()
            && head.bytes().all(|b| b.is_ascii_hexdigit());
        Some(Claim {
            label: code.clone(),
            entries: entries.parse().ok().filter(|n: &i64| *n >= 0)?,
            head: valid.then(|| head.to_string())?,
        })
    }

    /// Every line of a checkpoint file, in order; refuses a line it cannot read.
    pub fn from_file(path: &Path) -> anyhow::Result<Vec<Claim>> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the checkpoint file {}", path.display()))?;
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|(i, l)| {
                let fields: Vec<&str> = l.split('\t').collect();
                let claim = match fields.as_slice() {
                    [_, entries, _, head] => entries.parse().ok().and_then(|entries| {
                        (head.len() == GENESIS.len() && head.bytes().all(|b| b.is_ascii_hexdigit()))
                            .then(|| Claim {
                                label: format!("{}:{} ({})", path.display(), i + 1, fields[2]),
                                entries,
                                head: head.to_ascii_lowercase(),
                            })
                    }),
                    _ => None,
                };
                claim.with_context(|| {
                    format!(
                        "{}:{}: not a checkpoint line (time, entries, code, head, tab-separated)",
                        path.display(),
                        i + 1
                    )
                })
            })
            .collect()
    }
}

/// The ends a claim names, as the database noted them when it was taken: `None` when
/// the database holds no checkpoint with that head (its record was removed, or it was
/// never taken on this database).
pub async fn ends_of(db: &Db, claim: &Claim) -> StoreResult<Option<Vec<ChainEnd>>> {
    #[derive(sqlx::FromRow)]
    struct Noted {
        head: String,
        ends: String,
    }
    let rows =
        sqlx::query_as::<_, Noted>("SELECT head, ends FROM audit_checkpoints WHERE entries = $1")
            .bind(claim.entries)
            .fetch_all(db.pool())
            .await?;
    for Noted { head, ends } in rows {
        // The record must be the one the head outside was taken over: SM3 of the ends.
        if head.starts_with(&claim.head) && head_of_text(&ends) == head {
            return Ok(parse_ends(&ends));
        }
    }
    if claim.entries == 0 && GENESIS.starts_with(&claim.head) {
        return Ok(Some(Vec::new()));
    }
    Ok(None)
}

fn head_of_text(text: &str) -> String {
    if text.is_empty() {
        GENESIS.to_string()
    } else {
        sm3_hex(text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn a_code_and_a_file_line_read_back() {
        let ends = vec![(0, 12, "ab".repeat(32)), (3, 4, "cd".repeat(32))];
        let (text, head) = head_of(&ends);
        assert_eq!(parse_ends(&text).unwrap(), ends);
        let c = Checkpoint {
            at: "2026-12-05T08:00:00Z".into(),
            entries: 16,
            head: head.clone(),
        };
        let claim = Claim::from_code(&c.code().to_uppercase()).unwrap();
        assert_eq!((claim.entries, claim.head.as_str()), (16, &head[..16]));
        assert!(Claim::from_code("16-xyz").is_none());
        assert!(Claim::from_code("16-0123").is_none());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit-checkpoints.log");
        append_to_file(&path, &c).unwrap();
        append_to_file(&path, &c).unwrap();
        let claims = Claim::from_file(&path).unwrap();
        assert_eq!(claims.len(), 2);
        assert_eq!(
            (claims[1].entries, claims[1].head.as_str()),
            (16, head.as_str())
        );
        std::fs::write(&path, "garbage\n").unwrap();
        assert!(Claim::from_file(&path).is_err());
    }
}
