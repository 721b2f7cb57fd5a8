//! Inspections: the list, registering one, editing it, adding aspects.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::access::Access;
use zhenggai_domain::inspection::InspectionKind;
use zhenggai_domain::reason::Choose;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{AspectId, InspectionId, Role};
use zhenggai_storage::ledger::aspects::{self, TitleInput};
use zhenggai_storage::ledger::inspections::{self, Inspection, InspectionInput};

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::{PageForm, PageInput};
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "inspections.html")]
struct ListPage {
    t: Tr,
    nav: Nav,
    list: Vec<Inspection>,
    can_create: bool,
    /// Reads whole ledgers, so the battle map of them (D14).
    can_read_figures: bool,
}

/// GET /inspections
pub async fn list(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    let list = inspections::list(&app.db, &v.actor).await?;
    let can_create = v.actor.role == Role::Office;
    let can_read_figures = zhenggai_storage::scope::orgs(&v.actor)
        .iter()
        .any(|o| v.actor.ledger_access(*o) >= zhenggai_domain::access::Access::Read);
    Ok(render(&ListPage {
        t: tr(&v),
        nav: Nav::new(&v, "inspections", "/inspections"),
        list,
        can_create,
        can_read_figures,
    }))
}

#[derive(Template)]
#[template(path = "inspection_form.html")]
struct FormPage {
    t: Tr,
    nav: Nav,
    id: Option<InspectionId>,
    version: i64,
    input: InspectionInput,
    kinds: [InspectionKind; 7],
    errors: Errors,
}

/// GET /inspections/new
pub async fn new(v: Viewer) -> Result<Response, PageError> {
    if v.actor.ledger_access(v.actor.org) < Access::Edit {
        return Err(zhenggai_storage::StoreError::refused(Refused::LedgerByOffice).into());
    }
    let input = InspectionInput {
        kind: "xuncha".into(),
        ..Default::default()
    };
    Ok(render(&FormPage {
        t: tr(&v),
        nav: Nav::new(&v, "inspections", "/inspections/new"),
        id: None,
        version: 0,
        input,
        kinds: InspectionKind::ALL,
        errors: Errors::none(v.lang),
    }))
}

/// POST /inspections
pub async fn create(
    State(app): State<App>,
    v: Viewer,
    PageInput { input, .. }: PageInput<InspectionInput>,
) -> Result<Response, PageError> {
    let change = v.change(&app);
    match inspections::create(&app.db, &v.actor, change, &input).await {
        Ok(id) => Ok(see_other(&format!("/inspections/{id}"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                Ok(FormPage {
                    t: tr(&v),
                    nav: Nav::new(&v, "inspections", "/inspections/new"),
                    id: None,
                    version: 0,
                    input,
                    kinds: InspectionKind::ALL,
                    errors,
                })
            })
            .await
        }
    }
}

/// GET /inspections/{id}/edit
pub async fn edit(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let i = inspections::get(&app.db, &v.actor, InspectionId(id)).await?;
    if v.actor.ledger_access(i.org_id) < Access::Edit {
        return Err(zhenggai_storage::StoreError::refused(Refused::LedgerByOffice).into());
    }
    let path = format!("/inspections/{id}/edit");
    Ok(render(&FormPage {
        t: tr(&v),
        nav: Nav::new(&v, "inspections", &path),
        id: Some(i.id),
        version: i.version,
        input: inspections::input_of(&i),
        kinds: InspectionKind::ALL,
        errors: Errors::none(v.lang),
    }))
}

/// POST /inspections/{id}/edit
pub async fn update(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageInput { input, version }: PageInput<InspectionInput>,
) -> Result<Response, PageError> {
    let change = v.change(&app);
    match inspections::update(&app.db, &v.actor, change, InspectionId(id), version, &input).await {
        Ok(()) => Ok(see_other(&format!("/inspections/{id}"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                Ok(FormPage {
                    t: tr(&v),
                    nav: Nav::new(&v, "inspections", &format!("/inspections/{id}/edit")),
                    id: Some(InspectionId(id)),
                    version,
                    input,
                    kinds: InspectionKind::ALL,
                    errors,
                })
            })
            .await
        }
    }
}

/// POST /inspections/{id}/aspects
pub async fn add_aspect(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageInput { input, .. }: PageInput<TitleInput>,
) -> Result<Response, PageError> {
    let change = v.change(&app);
    aspects::create(&app.db, &v.actor, change, InspectionId(id), &input).await?;
    Ok(see_other(&format!("/inspections/{id}")))
}

/// POST /inspections/{id}/items — adds an item (项) under one of the inspection's aspects.
pub async fn add_item(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let aspect = AspectId(form.id("aspect_id").unwrap_or(0));
    if aspects::list(&app.db, InspectionId(id))
        .await?
        .iter()
        .all(|a| a.id != aspect)
    {
        return Err(zhenggai_storage::StoreError::because(
            "aspect_id",
            Why::Choose(Choose::Aspect),
        )
        .into());
    }
    let change = v.change(&app);
    aspects::create_item(
        &app.db,
        &v.actor,
        change,
        aspect,
        &TitleInput {
            title: form.get("title").into(),
        },
    )
    .await?;
    Ok(see_other(&format!("/inspections/{id}")))
}

/// POST /aspects/{id}/edit — renames an aspect read at `version`.
pub async fn rename_aspect(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageInput { input, version }: PageInput<TitleInput>,
) -> Result<Response, PageError> {
    let change = v.change(&app);
    aspects::update(&app.db, &v.actor, change, AspectId(id), version, &input).await?;
    let inspection = aspects::inspection_of(&app.db, AspectId(id)).await?;
    Ok(see_other(&format!("/inspections/{inspection}")))
}

/// POST /inspections/{id}/file-plan — 备案: the approved plan filed with the upper level.
pub async fn file_plan(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    match inspections::file_plan(
        &app.db,
        &v.actor,
        v.change(&app),
        InspectionId(id),
        form.get("plan_document"),
        app.clock.today(),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("/inspections/{id}"))),
        Err(e) => super::ledger::plan_refused(&app, &v, id, form.get("plan_document"), e).await,
    }
}
