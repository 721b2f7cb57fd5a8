//! What an entry's hash covers: its fields, hashed with SM3 (entries written before
//! the trail was keyed) or sealed with the audit key (SM3-HMAC, see [`super::key`]).

use serde_json::Value;
use sm3::{Digest, Sm3};

/// SM3 of bytes, in lower-case hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

/// The digest of a row as the trail keeps it (its JSON text): what an entry's hash
/// covers of the row before and after, and what an import's one entry holds of each
/// row it wrote (see [`super::batch`]).
pub fn row_digest(text: &str) -> String {
    sm3_hex(text.as_bytes())
}

/// One column's value in a row's text for the trail.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// An integer.
    Int(i64),
    /// A text.
    Text(&'a str),
    /// NULL.
    Null,
    /// As the trail's JSON holds it (what `normalise` read).
    Json(&'a Value),
}

/// A row's text for the trail: a JSON object of `cells` in their order. The one way
/// the text an import's digest is taken of is written, when the row is inserted and
/// when `verify` recomputes it from the stored row ([`super::batch`]); the same object
/// as `write::normalise` gives, with the keys in the table's order.
pub fn row_text<'a>(
    cells: impl Iterator<Item = (&'a str, Cell<'a>)>,
    capacity: usize,
) -> Result<String, serde_json::Error> {
    let mut out: Vec<u8> = Vec::with_capacity(capacity);
    out.push(b'{');
    for (k, (column, cell)) in cells.enumerate() {
        if k > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, column)?;
        out.push(b':');
        match cell {
            Cell::Int(v) => serde_json::to_writer(&mut out, &v)?,
            Cell::Text(t) => serde_json::to_writer(&mut out, t)?,
            Cell::Null => out.extend_from_slice(b"null"),
            Cell::Json(v) => serde_json::to_writer(&mut out, v)?,
        }
    }
    out.push(b'}');
    String::from_utf8(out)
        .map_err(|e| serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A chain's end: the chain, its last position, that entry's hash.
pub type ChainEnd = (i64, i64, String);

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
    /// The digests of the rows an import wrote (an import's one entry, [`super::batch`]).
    pub digests: Option<&'a str>,
}

/// The SM3 hash of an entry written without a key (before the trail was keyed): the
/// fields as one JSON array (unambiguous), with the row contents by their own SM3.
pub fn entry_hash(f: &EntryFields<'_>) -> String {
    sm3_hex(canonical("zhenggai-audit-1", f).as_bytes())
}

pub(crate) fn canonical(label: &str, f: &EntryFields<'_>) -> String {
    let content = |c: Option<&str>| c.map(row_digest);
    let mut fields = serde_json::json!([
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
    ]);
    // Only an import's entry has a fifteenth field: every other entry, and every entry
    // written before imports were recorded this way, keeps the hash it has.
    if let (Some(digests), Some(fields)) = (f.digests, fields.as_array_mut()) {
        fields.push(serde_json::Value::from(sm3_hex(digests.as_bytes())));
    }
    fields.to_string()
}
