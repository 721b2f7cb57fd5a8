//! The weekly summary (一周一汇总) as a Word document in official-document layout, for
//! the weekly page's download and the API's: the summary as saved, or the draft while
//! none is. Who may have it is decided by storage, as for the summary's text (whoever
//! reads the organisation's ledger).

use axum::response::Response;
use chrono::NaiveDate;
use zhenggai_domain::access::Actor;
use zhenggai_domain::weekly::week_of;
use zhenggai_storage::StoreError;
use zhenggai_storage::calendar;
use zhenggai_storage::ledger::weekly;

use crate::download::download;
use crate::i18n::documents;
use crate::state::App;

/// The type of a `.docx` file.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The Monday of the week asked for (any day of it), this week when none is, and never
/// a week ahead.
pub fn monday(app: &App, week: Option<NaiveDate>) -> NaiveDate {
    let this_week = weekly::this_week(app.clock.now());
    week_of(week.unwrap_or(this_week)).min(this_week)
}

/// The Monday of the week asked for (any day of it), this week when none is. A week
/// ahead, or before the organisation's first inspection (a year mistyped: 1900, 9999),
/// is refused at `week` by the summary's own rule: there is nothing to report or sum up
/// for it.
pub async fn asked_week(
    app: &App,
    actor: &Actor,
    week: Option<NaiveDate>,
) -> Result<NaiveDate, StoreError> {
    let Some(day) = week else {
        return Ok(weekly::this_week(app.clock.now()));
    };
    let monday = week_of(day);
    weekly::summary_week(&app.db, actor.org, monday, app.clock.today()).await?;
    Ok(monday)
}

/// The summary of the week asked for as a `.docx` download, named after the
/// organisation and the week.
pub async fn summary_download(
    app: &App,
    actor: &Actor,
    week: Option<NaiveDate>,
) -> Result<Response, StoreError> {
    let week = monday(app, week);
    // Who may have it first (storage refuses whoever does not read the ledger), then
    // whether the week is one the office may summarise.
    let saved = weekly::saved_summary(&app.db, actor, week).await?;
    weekly::summary_week(&app.db, actor.org, week, app.clock.today()).await?;
    let body = match saved {
        Some(saved) => saved.content,
        None => {
            let calendar = calendar::load(&app.db).await?;
            let roster = weekly::roster(&app.db, actor, week, &calendar, app.clock.now()).await?;
            weekly::summary(&app.db, actor, &roster, app.clock.today()).await?
        }
    };
    let org = zhenggai_storage::accounts::units::get(&app.db, actor.org).await?;
    let title = documents::weekly_summary_title(&org.name, week);
    let bytes = zhenggai_spreadsheet::docx::document(&title, &body)
        .map_err(|e| StoreError::Other(anyhow::anyhow!(e)))?;
    Ok(download(
        &documents::weekly_summary_file_name(&org.name, week),
        DOCX,
        bytes,
    ))
}
