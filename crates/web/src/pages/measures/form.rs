//! The forms to add and edit a measure (who owns it, what each person may change), and
//! withdrawing one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::access::{Access, MeasureEdit};
use zhenggai_domain::{MeasureId, ProblemId, Role};
use zhenggai_storage::accounts::units::{self, Unit};
use zhenggai_storage::ledger::measures::{self, MeasureInput};
use zhenggai_storage::ledger::problems::{self, Problem};
use zhenggai_storage::{StoreError, accounts::users};

use crate::error::PageError;
use crate::form::{FormData, PageForm};
use crate::i18n::Tr;
use crate::pages::{Choice, Errors, Nav, refused_form, render, see_other, tr};
use crate::session::Viewer;
use crate::state::App;
use zhenggai_storage::ledger::lifecycle;

#[derive(Template)]
#[template(path = "measure_form.html")]
struct FormPage {
    t: Tr,
    nav: Nav,
    id: Option<MeasureId>,
    version: i64,
    problem: Problem,
    /// What the person may change (the lead unit drafts; the office sets everything).
    level: MeasureEdit,
    lead_units: Vec<Choice>,
    coop_units: Vec<Choice>,
    leaders: Vec<Choice>,
    input: MeasureInput,
    errors: Errors,
    /// Errors about the problem rather than a field (a refused step), shown on top.
    general: Vec<String>,
    /// The grid for several measures at once is offered (a new measure).
    grid: bool,
}

impl FormPage {
    /// Whether a field may be changed here.
    fn may(&self, field: &str) -> bool {
        self.level.allows(field)
    }
}

fn input_from(form: &FormData) -> MeasureInput {
    MeasureInput {
        content: form.get("content").into(),
        lead_unit_id: form.id("lead_unit_id").unwrap_or(0),
        cooperating_unit_ids: form
            .all("cooperating_unit_ids")
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect(),
        leader_id: form.id("leader_id"),
        responsible_person: form.get("responsible_person").into(),
        target: form.get("target").into(),
        deadline: form.get("deadline").into(),
    }
}

/// The choices a measure form offers: the organisation's departments (as lead and
/// cooperating units) and its leaders.
pub(crate) struct OwnerChoices {
    pub depts: Vec<Unit>,
    pub leaders: Vec<(i64, String)>,
}

impl OwnerChoices {
    pub(crate) async fn of(app: &App, problem: &Problem) -> Result<OwnerChoices, PageError> {
        let depts = units::list(&app.db, Some(problem.org_id))
            .await?
            .into_iter()
            .filter(|u| u.id != problem.org_id)
            .collect();
        let leaders = users::leaders(&app.db, problem.org_id)
            .await?
            .into_iter()
            .map(|l| (l.id.0, l.display_name))
            .collect();
        Ok(OwnerChoices { depts, leaders })
    }

    pub(crate) fn lead(&self, input: &MeasureInput) -> Vec<Choice> {
        self.depts
            .iter()
            .map(|u| Choice {
                id: u.id.0,
                label: u.label().to_string(),
                selected: u.id.0 == input.lead_unit_id,
            })
            .collect()
    }

    pub(crate) fn cooperating(&self, input: &MeasureInput) -> Vec<Choice> {
        self.depts
            .iter()
            .map(|u| Choice {
                id: u.id.0,
                label: u.label().to_string(),
                selected: input.cooperating_unit_ids.contains(&u.id.0),
            })
            .collect()
    }

    pub(crate) fn leaders(&self, input: &MeasureInput) -> Vec<Choice> {
        self.leaders
            .iter()
            .map(|(id, name)| Choice {
                id: *id,
                label: name.clone(),
                selected: Some(*id) == input.leader_id,
            })
            .collect()
    }
}

/// What a person may set on a new measure of this problem: the office everything, the
/// lead unit its draft (led by itself).
pub(crate) fn new_measure_level(v: &Viewer, problem: &Problem) -> MeasureEdit {
    if v.actor.ledger_access(problem.org_id) >= Access::Edit {
        MeasureEdit::All
    } else {
        MeasureEdit::Draft
    }
}

/// A new measure's form as it first shows: a lead unit leads what it drafts, the
/// office starts from the problem's lead unit and leader.
pub(crate) fn blank_measure(v: &Viewer, problem: &Problem) -> MeasureInput {
    MeasureInput {
        lead_unit_id: if v.actor.role == Role::Unit {
            v.actor.unit.0
        } else {
            problem.lead_unit.as_ref().map_or(0, |u| u.id.0)
        },
        leader_id: problem.leader.as_ref().map(|l| l.id.0),
        ..MeasureInput::default()
    }
}

/// The messages of errors that no field of a form shows.
pub(crate) fn general_errors(errors: &Errors, fields: &[&str]) -> Vec<String> {
    errors
        .list
        .iter()
        .filter(|e| !fields.contains(&e.field.as_str()))
        .map(|e| errors.message(e).to_string())
        .collect()
}

const FORM_FIELDS: [&str; 7] = [
    "content",
    "lead_unit_id",
    "cooperating_unit_ids",
    "leader_id",
    "responsible_person",
    "target",
    "deadline",
];

#[expect(clippy::too_many_arguments, reason = "the form's parts, each needed")]
async fn form_page(
    app: &App,
    v: &Viewer,
    problem: Problem,
    id: Option<MeasureId>,
    version: i64,
    level: MeasureEdit,
    input: MeasureInput,
    errors: Errors,
) -> Result<FormPage, PageError> {
    let choices = OwnerChoices::of(app, &problem).await?;
    let path = match id {
        Some(m) => format!("/measures/{m}/edit"),
        None => format!("/problems/{}/measures/new", problem.id),
    };
    Ok(FormPage {
        t: tr(v),
        nav: Nav::new(v, "measures", &path),
        id,
        version,
        level,
        lead_units: choices.lead(&input),
        coop_units: choices.cooperating(&input),
        leaders: choices.leaders(&input),
        general: general_errors(&errors, &FORM_FIELDS),
        grid: id.is_none(),
        problem,
        input,
        errors,
    })
}

/// Refuses a new measure's form when the person may not add one now, saying why.
pub(crate) async fn require_add_measure(
    app: &App,
    v: &Viewer,
    problem: &Problem,
) -> Result<(), PageError> {
    let (_, actions) =
        lifecycle::offered::actions_for(&app.db, &v.actor, problem.id, app.clock.today()).await?;
    if actions.contains(&"add_measure") {
        Ok(())
    } else {
        // Not offered: the state machine says why (who adds one, or what waits).
        lifecycle::may_add_measure(&app.db, &v.actor, problem.id, app.clock.today()).await?;
        Ok(())
    }
}

/// GET /problems/{id}/measures/new
pub async fn new(
    State(app): State<App>,
    v: Viewer,
    Path(problem): Path<i64>,
) -> Result<Response, PageError> {
    let problem = problems::get(&app.db, &v.actor, ProblemId(problem)).await?;
    require_add_measure(&app, &v, &problem).await?;
    let level = new_measure_level(&v, &problem);
    let input = blank_measure(&v, &problem);
    let page = form_page(
        &app,
        &v,
        problem,
        None,
        0,
        level,
        input,
        Errors::none(v.lang),
    )
    .await?;
    Ok(render(&page))
}

/// POST /problems/{id}/measures
pub async fn create(
    State(app): State<App>,
    v: Viewer,
    Path(problem): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let problem = problems::get(&app.db, &v.actor, ProblemId(problem)).await?;
    let input = input_from(&form);
    let change = v.change(&app);
    match measures::create(&app.db, &v.actor, change, problem.id, &input).await {
        Ok(id) => Ok(see_other(&format!("/measures/{id}"))),
        Err(e) => {
            let level = new_measure_level(&v, &problem);
            refused_form(e, v.lang, async |errors| {
                form_page(&app, &v, problem, None, 0, level, input, errors).await
            })
            .await
        }
    }
}

/// GET /measures/{id}/edit
pub async fn edit(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (m, access) = measures::get(&app.db, &v.actor, MeasureId(id), app.clock.today()).await?;
    if access < Access::Edit {
        return Err(measures::edit_refused(&m, access).into());
    }
    let problem = problems::get(&app.db, &v.actor, m.problem_id).await?;
    let level = v.actor.measure_edit(&m.owners(), problem.state.drafting());
    let page = form_page(
        &app,
        &v,
        problem,
        Some(m.id),
        m.version,
        level,
        measures::input_of(&m),
        Errors::none(v.lang),
    )
    .await?;
    Ok(render(&page))
}

/// POST /measures/{id}/edit
pub async fn update(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let (m, _) = measures::get(&app.db, &v.actor, MeasureId(id), app.clock.today()).await?;
    let input = input_from(&form);
    let version = form.id("version").unwrap_or(0);
    let change = v.change(&app);
    match measures::update(
        &app.db,
        &v.actor,
        change,
        m.id,
        version,
        &input,
        app.clock.today(),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("/measures/{id}"))),
        Err(e) => {
            // Saved meanwhile by someone else: the typed input comes back on the version
            // now stored, so that saving again, once checked, replaces it knowingly.
            let version = match &e {
                StoreError::Conflict(c) => c.current_version,
                _ => version,
            };
            let problem = problems::get(&app.db, &v.actor, m.problem_id).await?;
            let level = v.actor.measure_edit(&m.owners(), problem.state.drafting());
            refused_form(e, v.lang, async |errors| {
                form_page(&app, &v, problem, Some(m.id), version, level, input, errors).await
            })
            .await
        }
    }
}

/// POST /measures/{id}/withdraw — the office withdraws a measure, saying why.
pub async fn withdraw(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let today = app.clock.today();
    let (m, _) = measures::get(&app.db, &v.actor, MeasureId(id), today).await?;
    let reason = form.get("reason").trim().to_string();
    let change = v.change_because(&app, &reason);
    measures::withdraw(
        &app.db,
        &v.actor,
        change,
        m.id,
        form.id("version").unwrap_or(0),
        today,
    )
    .await?;
    Ok(see_other(&format!("/problems/{}", m.problem_id)))
}
