//! What `audit verify` can find wrong, as data ([`Finding`]), and how the command line
//! says it in English: the pages word the same findings in the reader's language from
//! their parts (web `i18n/trail.rs`).

use serde::Serialize;

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
    pub(super) fn of(entry: i64, table: &str, id: i64, at: &str) -> Place {
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
    /// An imported row that is no longer the row whose digest its import's entry holds.
    RowDiffersFromImport { table: String, id: i64, entry: i64 },
    /// An import's digests that cannot be read.
    DigestsUnreadable { entry: i64 },
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
            | Finding::MarkerUnreadable { entry }
            | Finding::DigestsUnreadable { entry } => Some(*entry),
            Finding::Changed(p) | Finding::Unsealed(p) | Finding::ChangedOrUnsealed(p) => {
                Some(p.entry)
            }
            _ => None,
        }
    }
}

/// One match over every finding, longer than any other function of `verify`: split by
/// kind, the compiler would no longer check that each finding has its sentence.
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
            Finding::RowDiffersFromImport { table, id, entry } => write!(
                f,
                "{table} #{id} is no longer the row its import wrote (the digest in audit entry #{entry} does not match): it was changed behind the system's back"
            ),
            Finding::DigestsUnreadable { entry } => write!(
                f,
                "the row digests of audit entry #{entry} (an import) are unreadable: the rows it wrote cannot be checked"
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
