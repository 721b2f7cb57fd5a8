//! 回头看 — the look-back rounds of an inspection: open one over chosen closed
//! problems, then confirm (巩固) or reopen (回炉) each.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Access;
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::ledger::lookbacks::{self, Round, RoundInput, RoundItem};

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "lookbacks.html")]
struct LookbacksPage {
    t: Tr,
    nav: Nav,
    inspection: Inspection,
    rounds: Vec<Round>,
    candidates: Vec<RoundItem>,
    can_edit: bool,
    errors: Errors,
    today: String,
    back: String,
}

async fn page(
    app: &App,
    v: &Viewer,
    id: InspectionId,
    errors: Errors,
) -> Result<LookbacksPage, PageError> {
    let inspection = inspections::get(&app.db, &v.actor, id).await?;
    let rounds = lookbacks::list(&app.db, &v.actor, id).await?;
    let candidates = lookbacks::candidates(&app.db, &v.actor, id).await?;
    let can_edit = v.actor.ledger_access(inspection.org_id) >= Access::Edit;
    let back = format!("/inspections/{id}/lookbacks");
    Ok(LookbacksPage {
        t: tr(v),
        nav: Nav::new(v, "inspections", &back),
        inspection,
        rounds,
        candidates,
        can_edit,
        errors,
        today: app.clock.today().to_string(),
        back,
    })
}

/// GET /inspections/{id}/lookbacks
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &page(&app, &v, InspectionId(id), Errors::none(v.lang)).await?,
    ))
}

/// POST /inspections/{id}/lookbacks — opens a round.
pub async fn open(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let input = RoundInput {
        title: form.get("title").into(),
        problem_ids: form
            .all("problem_ids")
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect(),
    };
    match lookbacks::open(
        &app.db,
        &v.actor,
        v.change(&app),
        InspectionId(id),
        &input,
        app.clock.today(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/inspections/{id}/lookbacks"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, InspectionId(id), errors).await
            })
            .await
        }
    }
}
