//! 表头同义词 — the header words an organisation's office taught the import: a column of
//! its ledgers that it mapped to a field in an import's preview (read as that field on
//! every later import, before the built-in words), or one it confirmed it does not
//! import. Its settings page lists them; changing or removing one is recorded, and a
//! removed word is withdrawn, never deleted.

use serde::Serialize;
use zhenggai_domain::UnitId;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::{Import, Refused};
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{FieldError, is_forbidden_char};
use zhenggai_spreadsheet::layout::{Field, Synonyms, normalise};

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::scope::{office_does, require_ledger};

/// What a header word means to an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    /// Its column is read as this field.
    Field(Field),
    /// Its column is not imported.
    Ignore,
}

impl Meaning {
    /// The stored code: a field's code, or `ignore`.
    pub fn code(self) -> &'static str {
        match self {
            Meaning::Field(f) => f.code(),
            Meaning::Ignore => "ignore",
        }
    }

    /// Reads a stored code (or a form's choice).
    pub fn from_code(code: &str) -> Option<Meaning> {
        match code {
            "ignore" => Some(Meaning::Ignore),
            other => Field::from_code(other).map(Meaning::Field),
        }
    }
}

/// One word an organisation taught the import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderWord {
    /// Its id.
    pub id: i64,
    /// The header word, without spaces or notes in brackets (as headers are compared).
    pub word: String,
    /// What it means.
    pub meaning: Meaning,
    /// Its version (for changing it).
    pub version: i64,
    /// When it was taught (stored instant).
    pub created_at: String,
}

/// Longest word remembered: longer than any header a ledger writes over a column.
const MAX_WORD_CHARS: usize = 100;

/// The words an organisation's office taught, alphabetically: for the office, and for
/// those who read its ledger.
pub async fn list(db: &Db, actor: &Actor, org: UnitId) -> StoreResult<Vec<HeaderWord>> {
    require_ledger(actor, org, Access::Read)?;
    of_org(db, org).await
}

async fn of_org(db: &Db, org: UnitId) -> StoreResult<Vec<HeaderWord>> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        id: i64,
        word: String,
        field: String,
        version: i64,
        created_at: String,
    }
    let rows = sqlx::query_as::<_, Stored>(
        "SELECT id, word, field, version, created_at FROM header_words \
         WHERE org_id = $1 AND withdrawn_at IS NULL ORDER BY word, id",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(HeaderWord {
                meaning: Meaning::from_code(&r.field).ok_or_else(|| {
                    StoreError::Other(anyhow::anyhow!("header word of unknown field {}", r.field))
                })?,
                id: r.id,
                word: r.word,
                version: r.version,
                created_at: r.created_at,
            })
        })
        .collect()
}

/// The header words an import of the organisation reads with: `base` (the built-in and
/// configured ones) and the organisation's own.
pub async fn synonyms(db: &Db, org: UnitId, base: &Synonyms) -> StoreResult<Synonyms> {
    let words = of_org(db, org).await?;
    let mut synonyms = base.clone();
    for w in words {
        synonyms = match w.meaning {
            Meaning::Field(f) => synonyms.with(f, [w.word]),
            Meaning::Ignore => synonyms.ignoring([w.word]),
        };
    }
    Ok(synonyms)
}

/// A word as it is remembered, or why it cannot be.
fn checked_word(field: &str, word: &str) -> Result<String, FieldError> {
    let word = normalise(word);
    if word.is_empty() {
        return Err(FieldError::because(
            field,
            Why::Import(Box::new(Import::Headerless { column: None })),
        ));
    }
    if word.chars().count() > MAX_WORD_CHARS || word.chars().any(is_forbidden_char) {
        return Err(FieldError::because(
            field,
            Why::Import(Box::new(Import::Word {
                max: MAX_WORD_CHARS,
            })),
        ));
    }
    Ok(word)
}

/// Teaches the organisation words at once (an import's preview): each new word is
/// added, a known one changed to its new meaning; all of it or nothing, recorded.
pub async fn teach(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    org: UnitId,
    words: &[(String, Meaning)],
) -> StoreResult<()> {
    office_does(actor, org, Access::Edit, Refused::HeaderWordsByOffice)?;
    let mut checked = Vec::new();
    let mut errors = Vec::new();
    for (word, meaning) in words {
        match checked_word("columns", word) {
            Ok(w) => checked.push((w, *meaning)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    db.write(async |tx| {
        for (word, meaning) in checked {
            put(tx, change, org, &word, meaning).await?;
        }
        Ok(())
    })
    .await
}

/// Adds a word, or changes the organisation's word of that spelling.
async fn put(
    tx: &mut Tx,
    change: Change<'_>,
    org: UnitId,
    word: &str,
    meaning: Meaning,
) -> StoreResult<()> {
    #[derive(sqlx::FromRow)]
    struct Known {
        id: i64,
        version: i64,
        field: String,
    }
    let existing = sqlx::query_as::<_, Known>(
        "SELECT id, version, field FROM header_words WHERE org_id = $1 AND word = $2 AND withdrawn_at IS NULL",
    )
    .bind(org.0)
    .bind(word)
    .fetch_optional(tx.conn())
    .await?;
    match existing {
        Some(r) => {
            if r.field != meaning.code() {
                let mut set = Sql::new("field = ");
                set.bind(meaning.code());
                audit::versions::update(
                    tx,
                    change,
                    "update",
                    Entity::HeaderWord,
                    r.id,
                    r.version,
                    &set,
                )
                .await?;
            }
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO header_words (org_id, word, field, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(org.0)
            .bind(word)
            .bind(meaning.code())
            .bind(stamp(change.at))
            .fetch_one(tx.conn())
            .await?;
            audit::write::created(tx, change, Entity::HeaderWord, id).await?;
        }
    }
    Ok(())
}

/// The organisation of a word still in use.
async fn org_of(tx: &mut Tx, id: i64) -> StoreResult<UnitId> {
    let org: Option<i64> = sqlx::query_scalar(
        "SELECT org_id FROM header_words WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    org.map(UnitId).ok_or(StoreError::NotFound)
}

/// Changes what a word means (the settings page); recorded.
pub async fn change_meaning(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    version: i64,
    meaning: Meaning,
) -> StoreResult<()> {
    let mut set = Sql::new("field = ");
    set.bind(meaning.code());
    db.write(async |tx| {
        office_does(
            actor,
            org_of(tx, id).await?,
            Access::Edit,
            Refused::HeaderWordsByOffice,
        )?;
        audit::versions::update(tx, change, "update", Entity::HeaderWord, id, version, &set)
            .await?;
        Ok(())
    })
    .await
}

/// Stops reading a word (the settings page): withdrawn with the change's reason, so
/// that the next import lists its column again.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    version: i64,
) -> StoreResult<()> {
    db.write(async |tx| {
        office_does(
            actor,
            org_of(tx, id).await?,
            Access::Edit,
            Refused::HeaderWordsByOffice,
        )?;
        audit::versions::withdraw(tx, change, Entity::HeaderWord, id, version).await?;
        Ok(())
    })
    .await
}
