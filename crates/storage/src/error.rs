//! Storage errors. The web edge maps each variant to one response (web `error.rs`);
//! database errors are logged there once and never shown to users.

use serde::Serialize;
use zhenggai_domain::reason::{Blocking, Refused};
use zhenggai_domain::validate::{FieldError, Why};

/// What a storage operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist, or the actor may not know that it does.
    #[error("not found")]
    NotFound,
    /// The actor sees the record (or the page) but may not do this to it, and is told
    /// why and who may: there is no refusal without its reason.
    #[error("not allowed: {0:?}")]
    Refused(Refused),
    /// The step waits on other records: what blocks it and what to do, with each
    /// record named so that the person can go to it (the problems not yet approved
    /// when the plan is filed, the measures still open when closure is asked).
    #[error("blocked: {:?}", .0.why)]
    Blocked(Box<Blocked>),
    /// Input failed its checks; each error names its field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Someone else changed the record since the actor read it.
    #[error("the record was changed by someone else")]
    Conflict(Box<Conflict>),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// Anything else (files, serialisation).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// A concurrent edit: the second writer is told what changed, not overwritten.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Conflict {
    /// The version the writer had read.
    pub your_version: i64,
    /// The version now stored.
    pub current_version: i64,
    /// Who made the latest change, by display name.
    pub changed_by: Option<String>,
    /// When.
    pub changed_at: Option<String>,
    /// Each field that differs between the two versions.
    pub changes: Vec<FieldChange>,
}

/// One field changed by the other writer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    /// The column.
    pub field: String,
    /// Its value in the version the writer read.
    #[schema(value_type = Object)]
    pub was: serde_json::Value,
    /// Its value now.
    #[schema(value_type = Object)]
    pub now: serde_json::Value,
}

/// What blocks a step, and the records that block it.
#[derive(Debug, Clone)]
pub struct Blocked {
    /// What blocks it, as data; the web edge words it and says what to do.
    pub why: Blocking,
    /// The records that block it.
    pub records: Vec<Blocker>,
}

/// One record that blocks a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Blocker {
    /// `problem` or `measure`: its page is `/problems/{id}` or `/measures/{id}`.
    pub kind: String,
    /// Its id.
    pub id: i64,
    /// As people know it: its number and title.
    pub label: String,
    /// A problem's lifecycle state (its code).
    pub state: Option<String>,
}

impl Blocker {
    /// A problem that blocks.
    pub fn problem(id: i64, label: String, state: String) -> Self {
        Blocker {
            kind: "problem".into(),
            id,
            label,
            state: Some(state),
        }
    }

    /// A measure that blocks.
    pub fn measure(id: i64, label: String) -> Self {
        Blocker {
            kind: "measure".into(),
            id,
            label,
            state: None,
        }
    }

    /// Its page.
    pub fn href(&self) -> String {
        format!("/{}s/{}", self.kind, self.id)
    }
}

impl StoreError {
    /// A step blocked by records, each named.
    pub fn blocked(why: Blocking, records: Vec<Blocker>) -> Self {
        StoreError::Blocked(Box::new(Blocked { why, records }))
    }

    /// A refusal that says who may do it instead.
    pub fn refused(why: Refused) -> Self {
        StoreError::Refused(why)
    }

    /// One invalid field, and why.
    pub fn because(field: &str, why: Why) -> Self {
        StoreError::Invalid(vec![FieldError::because(field, why)])
    }
}

impl From<Vec<FieldError>> for StoreError {
    fn from(errors: Vec<FieldError>) -> Self {
        StoreError::Invalid(errors)
    }
}
