//! The forms to add and edit a problem, and withdrawing one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::access::Access;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::{InspectionId, ProblemId};
use zhenggai_storage::ledger::aspects::{self, Aspect};
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::ledger::problems::{self, ProblemInput};

use super::carried;
use crate::error::PageError;
use crate::form::{FormData, PageForm};
use crate::i18n::Tr;
use crate::pages::{Choice, Errors, Nav, refused_form, render, see_other, tr};
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "problem_form.html")]
struct FormPage {
    t: Tr,
    nav: Nav,
    id: Option<ProblemId>,
    version: i64,
    inspection: Inspection,
    aspects: Vec<Aspect>,
    items: Vec<Choice>,
    lead_units: Vec<Choice>,
    leaders: Vec<Choice>,
    input: ProblemInput,
    errors: Errors,
    /// The measures that would go with a change of lead unit (editing only).
    carried: Vec<Choice>,
}

fn input_from(form: &FormData) -> ProblemInput {
    ProblemInput {
        aspect_id: form.id("aspect_id").unwrap_or(0),
        item_id: form.id("item_id"),
        title: form.get("title").into(),
        description: form.get("description").into(),
        source: form.get("source").into(),
        lead_unit_id: form.id("lead_unit_id"),
        leader_id: form.id("leader_id"),
        carry_measure_ids: form.chosen_ids("carry_measure_ids", "carry_listed"),
    }
}

async fn form_page(
    app: &App,
    v: &Viewer,
    inspection: InspectionId,
    id: Option<ProblemId>,
    version: i64,
    input: ProblemInput,
    errors: Errors,
) -> Result<FormPage, PageError> {
    let inspection = inspections::get(&app.db, &v.actor, inspection).await?;
    if v.actor.ledger_access(inspection.org_id) < Access::Edit {
        return Err(zhenggai_storage::StoreError::refused(Refused::LedgerByOffice).into());
    }
    let aspects = aspects::list(&app.db, inspection.id).await?;
    let path = match id {
        Some(p) => format!("/problems/{p}/edit"),
        None => format!("/inspections/{}/problems/new", inspection.id),
    };
    let lead_units = zhenggai_storage::accounts::units::list(&app.db, Some(inspection.org_id))
        .await?
        .into_iter()
        .filter(|u| u.id != inspection.org_id)
        .map(|u| Choice {
            id: u.id.0,
            label: u.label().to_string(),
            selected: input.lead_unit_id == Some(u.id.0),
        })
        .collect();
    let leaders = zhenggai_storage::accounts::users::leaders(&app.db, inspection.org_id)
        .await?
        .into_iter()
        .map(|l| Choice {
            id: l.id.0,
            label: l.display_name,
            selected: input.leader_id == Some(l.id.0),
        })
        .collect();
    let items = aspects
        .iter()
        .flat_map(|a| a.items.iter().map(move |it| (a, it)))
        .map(|(a, it)| Choice {
            id: it.id.0,
            label: format!("{} › {}", a.title, it.title),
            selected: input.item_id == Some(it.id.0),
        })
        .collect();
    let carried = match id {
        Some(p) => {
            let problem = problems::get(&app.db, &v.actor, p).await?;
            let mut list = carried(app, &problem).await?;
            if let Some(chosen) = &input.carry_measure_ids {
                for c in &mut list {
                    c.selected = chosen.contains(&c.id);
                }
            }
            list
        }
        None => Vec::new(),
    };
    Ok(FormPage {
        carried,
        t: tr(v),
        nav: Nav::new(v, "inspections", &path),
        id,
        version,
        inspection,
        aspects,
        items,
        lead_units,
        leaders,
        input,
        errors,
    })
}

/// GET /inspections/{id}/problems/new
pub async fn new(
    State(app): State<App>,
    v: Viewer,
    Path(inspection): Path<i64>,
) -> Result<Response, PageError> {
    let input = ProblemInput {
        source: "inspection".into(),
        ..Default::default()
    };
    let page = form_page(
        &app,
        &v,
        InspectionId(inspection),
        None,
        0,
        input,
        Errors::none(v.lang),
    )
    .await?;
    Ok(render(&page))
}

/// POST /inspections/{id}/problems
pub async fn create(
    State(app): State<App>,
    v: Viewer,
    Path(inspection): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let input = input_from(&form);
    let change = v.change(&app);
    match problems::create(&app.db, &v.actor, change, InspectionId(inspection), &input).await {
        Ok(id) => Ok(see_other(&format!("/problems/{id}"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                form_page(&app, &v, InspectionId(inspection), None, 0, input, errors).await
            })
            .await
        }
    }
}

/// GET /problems/{id}/edit
pub async fn edit(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let p = problems::get(&app.db, &v.actor, ProblemId(id)).await?;
    let page = form_page(
        &app,
        &v,
        p.inspection_id,
        Some(p.id),
        p.version,
        problems::input_of(&p),
        Errors::none(v.lang),
    )
    .await?;
    Ok(render(&page))
}

/// POST /problems/{id}/edit
pub async fn update(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let p = problems::get(&app.db, &v.actor, ProblemId(id)).await?;
    let input = input_from(&form);
    let version = form.id("version").unwrap_or(0);
    let change = v.change(&app);
    match problems::update(&app.db, &v.actor, change, p.id, version, &input).await {
        Ok(()) => Ok(see_other(&format!("/problems/{id}"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                form_page(
                    &app,
                    &v,
                    p.inspection_id,
                    Some(p.id),
                    version,
                    input,
                    errors,
                )
                .await
            })
            .await
        }
    }
}

/// POST /problems/{id}/withdraw — the office withdraws a problem, saying why.
pub async fn withdraw(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let p = problems::get(&app.db, &v.actor, ProblemId(id)).await?;
    let reason = form.get("reason").trim().to_string();
    let change = v.change_because(&app, &reason);
    problems::withdraw(
        &app.db,
        &v.actor,
        change,
        p.id,
        form.id("version").unwrap_or(0),
    )
    .await?;
    Ok(see_other(&format!("/inspections/{}", p.inspection_id)))
}
