//! The weekly summary (一周一汇总) as a Word document in official-document layout, for
//! the weekly page's download and the API's: the summary as saved, or the draft while
//! none is. Who may have it is decided by storage, as for the summary's text (whoever
//! reads the organisation's ledger).

use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use zhenggai_domain::access::Actor;
use zhenggai_domain::weekly::week_of;
use zhenggai_storage::StoreError;
use zhenggai_storage::calendar;
use zhenggai_storage::db::Db;
use zhenggai_storage::ledger::weekly;

use zhenggai_domain::validate::{Checker, FieldError};

use crate::download::download;
use crate::error::PageError;
use crate::state::App;
use zhenggai_documents::wording as documents;

/// The type of a `.docx` file.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

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

/// The week written in a page's address (`?week=`, empty for this week), read and
/// checked by [`asked_week`]: one that does not read or is out of range is answered as
/// the address's, not as a form's ([`PageError::AddressWeek`]), by the weekly page and
/// its `.docx` alike.
pub async fn address_week(app: &App, actor: &Actor, asked: &str) -> Result<NaiveDate, PageError> {
    let mut c = Checker::default();
    let day = c.optional_date("week", asked);
    let refused = |mut list: Vec<FieldError>| match list.pop() {
        Some(why) => PageError::AddressWeek {
            asked: asked.trim().to_string(),
            why: Box::new(why),
        },
        None => PageError::BadAddress,
    };
    c.finish().map_err(refused)?;
    match asked_week(app, actor, day).await {
        Ok(week) => Ok(week),
        Err(StoreError::Invalid(list)) => Err(refused(list)),
        Err(e) => Err(e.into()),
    }
}

/// The text of `week`'s summary: as saved, or the draft from the week's reports while
/// none is. Storage refuses whoever does not read the organisation's ledger.
pub async fn summary_text(
    db: &Db,
    actor: &Actor,
    week: NaiveDate,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<String, StoreError> {
    if let Some(saved) = weekly::saved_summary(db, actor, week).await? {
        return Ok(saved.content);
    }
    let calendar = calendar::load(db).await?;
    let roster = weekly::roster(db, actor, week, &calendar, now).await?;
    summary_draft(db, actor, &roster, today).await
}

/// The draft of a week's summary (`weekly::summary`) with the statistics module's
/// figures as of the week's last day, or today for the week in progress.
pub async fn summary_draft(
    db: &Db,
    actor: &Actor,
    roster: &weekly::Roster,
    today: NaiveDate,
) -> Result<String, StoreError> {
    let as_of = (roster.week + chrono::Duration::days(6)).min(today);
    let figures = zhenggai_storage::statistics::totals(
        db,
        actor,
        zhenggai_storage::statistics::Scope::Organisation(actor.org),
        Some(as_of),
        today,
    )
    .await?;
    weekly::summary(actor, roster, &figures)
}

/// The summary of `week` (a Monday checked by [`asked_week`]) as a `.docx` download,
/// named after the organisation and the week.
pub async fn summary_download(
    app: &App,
    actor: &Actor,
    week: NaiveDate,
) -> Result<Response, StoreError> {
    let body = summary_text(&app.db, actor, week, app.clock.now(), app.clock.today()).await?;
    let org = zhenggai_storage::accounts::units::get(&app.db, actor.org).await?;
    let title = documents::weekly_summary_title(&org.name, week);
    // The weekly page's download has no 版头: the documents page sets one.
    let header = zhenggai_documents::Header {
        date: Some(app.clock.today()),
        ..Default::default()
    };
    let bytes = zhenggai_documents::reports::weekly_summary(&title, &body, &header)
        .to_docx()
        .map_err(|e| StoreError::Other(anyhow::anyhow!(e)))?;
    Ok(download(
        &documents::weekly_summary_file_name(&org.name, week),
        DOCX,
        bytes,
    ))
}
