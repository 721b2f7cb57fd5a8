//! Ledger spreadsheets as the import's pages and the API read them: the inspection an
//! office imports into, and a workbook read against it with the header words it taught;
//! and the ledger written as the `.xlsx` offices hand upward (`export`).

pub mod export;

use zhenggai_domain::InspectionId;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::{Import, Refused};
use zhenggai_domain::validate::FieldError;
use zhenggai_domain::validate::Why;
use zhenggai_spreadsheet::layout::Synonyms;
use zhenggai_spreadsheet::ledger::Options;
use zhenggai_spreadsheet::{Reading, read_ledger};
use zhenggai_storage::error::StoreError;
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::settings::header_words::{self};

use crate::state::App;
use std::sync::Arc;

/// Reads a workbook's bytes as a ledger against an inspection's feedback date. A large
/// ledger is a second of work for a core, so it runs on a blocking thread rather than on
/// one the server's other requests are waiting for.
pub async fn read_bytes(
    bytes: Arc<[u8]>,
    sheet: Option<String>,
    ignore_columns: Vec<String>,
    inspection: &Inspection,
    app: &App,
) -> Result<Result<Reading, FieldError>, StoreError> {
    let limits = app.config.import_limits.clone();
    let options = Options {
        sheet,
        reference: inspection.reference(),
        synonyms: import_synonyms(app, inspection).await?,
        ignore_columns,
    };
    tokio::task::spawn_blocking(move || {
        let sheets = zhenggai_spreadsheet::read::read(&bytes, &limits).map_err(|e| {
            FieldError::because("file", Why::Import(Box::new(Import::Workbook(e.reason()))))
        })?;
        Ok(read_ledger(&sheets, &options))
    })
    .await
    .map_err(|e| StoreError::Other(anyhow::Error::from(e)))
}

/// The header words an import into an inspection reads with: the configured ones and
/// those its organisation's office taught.
pub async fn import_synonyms(app: &App, inspection: &Inspection) -> Result<Synonyms, StoreError> {
    header_words::synonyms(&app.db, inspection.org_id, &app.config.synonyms).await
}

/// The inspection, when the actor is the office that imports into it; checked on the
/// import's pages and the API before a byte of an upload is read.
pub async fn office_inspection(
    app: &App,
    actor: &Actor,
    id: i64,
) -> Result<Inspection, StoreError> {
    let inspection = inspections::get(&app.db, actor, InspectionId(id)).await?;
    if actor.ledger_access(inspection.org_id) < Access::Edit {
        return Err(StoreError::refused(Refused::ImportByOffice));
    }
    Ok(inspection)
}
