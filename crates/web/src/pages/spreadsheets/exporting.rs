//! Exporting the ledger as the `.xlsx` offices hand upward, with the ledger page's
//! filters (written by `shared::spreadsheets::export`, as the API's is).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use zhenggai_domain::InspectionId;
use zhenggai_storage::error::StoreError;
use zhenggai_storage::ledger::inspections;

use crate::error::PageError;
use crate::pages::ledger::{checked_filter, filter_input};
use crate::session::Viewer;
use crate::shared::spreadsheets::export::ledger_download;
use crate::state::App;

/// GET /inspections/{id}/ledger.xlsx — with the ledger page's filters.
pub async fn download(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let inspection = inspections::get(&app.db, &v.actor, InspectionId(id)).await?;
    let checked = checked_filter(&filter_input(&pairs), app.config.page_size, &v, None)?;
    if checked.errors.any() {
        return Err(StoreError::Invalid(checked.errors.list).into());
    }
    Ok(ledger_download(&app, &v.actor, &inspection, checked.filter).await?)
}
