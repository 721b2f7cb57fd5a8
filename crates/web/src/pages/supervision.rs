//! 督查 — supervision rounds with their findings per unit and the circular (通报) on
//! slow units, and the leading group's progress hearings (D9).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Datelike;
use zhenggai_domain::access::Access;
use zhenggai_domain::supervision::{HEARINGS_PER_MONTH, hearings_in_month, short_of_hearings};
use zhenggai_domain::validate::FieldError;
use zhenggai_storage::accounts::units::{self, Unit};
use zhenggai_storage::ledger::supervision::{self, Hearing, Round};

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

/// Finding rows the round form offers.
const FINDING_ROWS: usize = 5;

#[derive(Template)]
#[template(path = "supervision.html")]
struct SupervisionPage {
    t: Tr,
    nav: Nav,
    rounds: Vec<Round>,
    hearings: Vec<Hearing>,
    units: Vec<Unit>,
    rows: Vec<usize>,
    this_month: usize,
    per_month: usize,
    short: bool,
    can_edit: bool,
    today: String,
    errors: Errors,
    /// Which form came back refused ("rounds" or "hearings"): both carry a date field
    /// of the same name, and its refusal belongs beside the one that was sent.
    sent: &'static str,
}

async fn page(
    app: &App,
    v: &Viewer,
    errors: Errors,
    sent: &'static str,
) -> Result<SupervisionPage, PageError> {
    let rounds = supervision::rounds(&app.db, &v.actor).await?;
    let hearings = supervision::hearings(&app.db, &v.actor).await?;
    let today = app.clock.today();
    let dates: Vec<_> = hearings.iter().map(|h| h.held_on).collect();
    let month = today.with_day(1).unwrap_or(today);
    Ok(SupervisionPage {
        t: tr(v),
        nav: Nav::new(v, "supervision", "/supervision"),
        rounds,
        this_month: hearings_in_month(&dates, month),
        short: short_of_hearings(&dates, month, today, HEARINGS_PER_MONTH),
        per_month: HEARINGS_PER_MONTH,
        hearings,
        units: units::list(&app.db, Some(v.actor.org))
            .await?
            .into_iter()
            .filter(|u| u.id != v.actor.org)
            .collect(),
        rows: (0..FINDING_ROWS).collect(),
        can_edit: v.actor.ledger_access(v.actor.org) >= Access::Edit,
        today: today.to_string(),
        errors,
        sent,
    })
}

/// GET /supervision
pub async fn show(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    Ok(render(&page(&app, &v, Errors::none(v.lang), "").await?))
}

async fn refused(
    app: &App,
    v: &Viewer,
    e: zhenggai_storage::StoreError,
    sent: &'static str,
) -> Result<Response, PageError> {
    refused_form(e, v.lang, async |errors| page(app, v, errors, sent).await).await
}

/// POST /supervision/rounds
pub async fn record_round(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let findings: Vec<(String, String, bool)> = (0..FINDING_ROWS)
        .map(|i| {
            Ok((
                form.get(&format!("unit_{i}")).to_string(),
                form.get(&format!("finding_{i}")).to_string(),
                form.flag(&format!("slow_{i}"))?,
            ))
        })
        .collect::<Result<_, FieldError>>()?;
    match supervision::record_round(
        &app.db,
        &v.actor,
        v.change(&app),
        form.get("title"),
        form.get("held_on"),
        &findings,
    )
    .await
    {
        Ok(_) => Ok(see_other("/supervision")),
        Err(e) => refused(&app, &v, e, "rounds").await,
    }
}

/// POST /supervision/hearings
pub async fn record_hearing(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    match supervision::record_hearing(
        &app.db,
        &v.actor,
        v.change(&app),
        form.get("held_on"),
        form.get("attendees"),
        form.get("notes"),
    )
    .await
    {
        Ok(()) => Ok(see_other("/supervision")),
        Err(e) => refused(&app, &v, e, "hearings").await,
    }
}

#[derive(Template)]
#[template(path = "circular.html")]
struct CircularPage {
    t: Tr,
    nav: Nav,
    round: Round,
    org_name: String,
    /// 审计校验码 as the circular is printed.
    audit_code: String,
}

/// GET /supervision/rounds/{id}/circular — 通报 on the slow units, printable.
pub async fn circular(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let round = supervision::rounds(&app.db, &v.actor)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(zhenggai_storage::StoreError::NotFound)?;
    let org_name = units::get(&app.db, v.actor.org).await?.name;
    Ok(render(&CircularPage {
        t: tr(&v),
        nav: Nav::new(
            &v,
            "supervision",
            &format!("/supervision/rounds/{id}/circular"),
        ),
        round,
        org_name,
        audit_code: app.audit_code().await?,
    }))
}
