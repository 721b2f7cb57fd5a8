//! Measures: the filtered list, a measure's page with its timeline (工作留痕), the
//! forms to add and edit measures, progress entries with files, and downloads.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenggai_domain::access::{Access, MeasureEdit};
use zhenggai_domain::escalation::NoticeKind;
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::{AttachmentId, MeasureId, ProblemId, Role};
use zhenggai_storage::ledger::measures::{self, Measure, MeasureInput};
use zhenggai_storage::ledger::milestones::{self, MilestoneInput, Milestones};
use zhenggai_storage::ledger::notices::{self, Notice, NoticeInput};
use zhenggai_storage::ledger::problems::{self, Problem};
use zhenggai_storage::ledger::progress::{self, Progress, ProgressInput};
use zhenggai_storage::ledger::query::{self, FilterInput, MeasurePage, Within};
use zhenggai_storage::units::{self, Unit};
use zhenggai_storage::{StoreError, users};

use super::ledger::{checked_filter, filter_input};
use super::{
    Choice, Errors, Nav, Pager, STATUSES, refused_form, render, render_status, see_other, tr,
};
use crate::download::download;
use crate::error::PageError;
use crate::form::{FormData, PageFiles, PageForm};
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;
use zhenggai_storage::ledger::lifecycle;

#[derive(Template)]
#[template(path = "measures.html")]
struct ListPage {
    t: Tr,
    nav: Nav,
    units: Vec<Unit>,
    statuses: [(&'static str, &'static str); STATUSES.len()],
    filter: FilterInput,
    page: MeasurePage,
    pager: Pager,
    errors: Errors,
}

/// GET /measures — every measure the person sees, nearest deadline first.
pub async fn list(
    State(app): State<App>,
    v: Viewer,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let input = filter_input(&pairs);
    let (filter, errors) = checked_filter(&input, app.config.page_size, &v)?;
    let page =
        query::measure_list(&app.db, &v.actor, Within::All, &filter, app.clock.today()).await?;
    let pager = Pager::new("/measures", &pairs, page.page, page.per_page, page.total);
    let units = if v.actor.role.reads_business_data() {
        units::list(&app.db, Some(v.actor.org))
            .await?
            .into_iter()
            .filter(|u| u.id != v.actor.org)
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&ListPage {
        t: tr(&v),
        nav: Nav::new(&v, "measures", "/measures"),
        units,
        statuses: STATUSES,
        filter: input,
        page,
        pager,
        errors,
    }))
}

#[derive(Template)]
#[template(path = "measure.html")]
struct MeasurePageView {
    t: Tr,
    nav: Nav,
    m: Measure,
    timeline: Vec<Progress>,
    can_edit: bool,
    can_withdraw: bool,
    can_contribute: bool,
    input: ProgressInput,
    errors: Errors,
    today: String,
    /// Whether the progress form offers to mark the measure done.
    can_mark_done: bool,
    /// 督办 notices issued on the measure.
    notices: Vec<Notice>,
    /// The rung the office may issue next (the office only).
    next_notice: Option<NoticeKind>,
    notice_input: NoticeInput,
    notice_errors: Errors,
    /// 阶段目标 (S10).
    milestones: Milestones,
    milestone_input: MilestoneInput,
    milestone_errors: Errors,
}

async fn measure_page(
    app: &App,
    v: &Viewer,
    id: MeasureId,
    input: ProgressInput,
    errors: Errors,
) -> Result<MeasurePageView, PageError> {
    let today = app.clock.today();
    let (m, access) = measures::get(&app.db, &v.actor, id, today).await?;
    let timeline = progress::list(&app.db, m.id).await?;
    let can_withdraw = v.actor.ledger_access(m.org_id) >= Access::Edit;
    let path = format!("/measures/{id}");
    let notices = notices::of_measure(&app.db, m.id).await?;
    let issued: Vec<NoticeKind> = notices.iter().map(|n| n.kind).collect();
    let next_notice = can_withdraw
        .then(|| zhenggai_domain::escalation::next(&issued))
        .flatten()
        .filter(|_| m.state != MeasureState::Done);
    let notice_input = NoticeInput {
        kind: next_notice
            .map(|k| k.code().to_string())
            .unwrap_or_default(),
        final_deadline: String::new(),
        content: format!(
            "你单位牵头的整改措施“{}”（整改时限：{}）{}。请认真落实整改责任，加快推进，并于收到本通知后及时报告整改进展。",
            m.content,
            m.deadline.text,
            match m.standing {
                zhenggai_domain::status::Standing::Overdue { days } => format!("已逾期{days}天"),
                _ => "进度滞后".to_string(),
            }
        ),
    };
    let can_mark_done = access >= Access::Contribute
        && progress::may_mark_done(&app.db, &v.actor, &m, today).await?;
    Ok(MeasurePageView {
        can_mark_done,
        t: tr(v),
        nav: Nav::new(v, "measures", &path),
        m,
        timeline,
        can_edit: access >= Access::Edit,
        can_withdraw,
        can_contribute: access >= Access::Contribute,
        input,
        errors,
        today: today.to_string(),
        notices,
        next_notice,
        notice_input,
        notice_errors: Errors::none(v.lang),
        milestones: milestones::of_measure(&app.db, &v.actor, id, today).await?,
        milestone_input: MilestoneInput::default(),
        milestone_errors: Errors::none(v.lang),
    })
}

/// The measure page again after one of its side forms (a notice, a milestone) was
/// refused: the progress form fresh, the refused form as sent with its errors.
async fn refused(
    app: &App,
    v: &Viewer,
    id: MeasureId,
    e: zhenggai_storage::error::StoreError,
    keep: impl FnOnce(&mut MeasurePageView, Errors),
) -> Result<Response, PageError> {
    let errors = Errors::refused(e, v.lang)?;
    let progress = ProgressInput {
        happened_on: app.clock.today().to_string(),
        ..Default::default()
    };
    let mut page = measure_page(app, v, id, progress, Errors::none(v.lang)).await?;
    keep(&mut page, errors);
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// POST /measures/{id}/milestones — adds a 阶段目标.
pub async fn add_milestone(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let input = MilestoneInput {
        content: form.get("content").into(),
        due_text: form.get("due_text").into(),
    };
    let today = app.clock.today();
    match milestones::add(
        &app.db,
        &v.actor,
        v.change(&app),
        MeasureId(id),
        &input,
        today,
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/measures/{id}#milestones"))),
        Err(e) => {
            refused(&app, &v, MeasureId(id), e, |page, errors| {
                page.milestone_input = input;
                page.milestone_errors = errors;
            })
            .await
        }
    }
}

/// POST /measures/{id}/milestones/{milestone} — marks it reached (`done_on`) or
/// withdraws it (`withdraw` with a `reason`).
pub async fn change_milestone(
    State(app): State<App>,
    v: Viewer,
    Path((id, milestone)): Path<(i64, i64)>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let today = app.clock.today();
    let version = form.get("version").trim().parse().unwrap_or(-1);
    let reason = form.get("reason").trim().to_string();
    let result = if form.get("withdraw") == "1" {
        let change = zhenggai_storage::audit::Change {
            reason: Some(reason.as_str()),
            ..v.change(&app)
        };
        milestones::withdraw(&app.db, &v.actor, change, milestone, version, today).await
    } else {
        milestones::mark_done(
            &app.db,
            &v.actor,
            v.change(&app),
            milestone,
            form.get("done_on"),
            version,
            today,
        )
        .await
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/measures/{id}#milestones"))),
        Err(e) => {
            refused(&app, &v, MeasureId(id), e, |page, errors| {
                page.milestone_errors = errors;
            })
            .await
        }
    }
}

/// POST /measures/{id}/notices — the office issues the next 督办 notice.
pub async fn issue_notice(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let input = NoticeInput {
        kind: form.get("kind").into(),
        final_deadline: form.get("final_deadline").into(),
        content: form.get("content").into(),
    };
    let today = app.clock.today();
    match notices::issue(
        &app.db,
        &v.actor,
        v.change(&app),
        MeasureId(id),
        &input,
        today,
    )
    .await
    {
        Ok(notice) => Ok(see_other(&format!("/notices/{notice}"))),
        Err(e) => {
            refused(&app, &v, MeasureId(id), e, |page, errors| {
                page.notice_input = input;
                page.notice_errors = errors;
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    t: Tr,
    nav: Nav,
    notice: Notice,
    m: Measure,
    org_name: String,
    /// 审计校验码 as the notice is printed.
    audit_code: String,
}

/// GET /notices/{id} — the notice as a printable document.
pub async fn notice(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (notice, m) = notices::get(&app.db, &v.actor, id, app.clock.today()).await?;
    let org_name = units::get(&app.db, m.org_id).await?.name;
    Ok(render(&NoticePage {
        t: tr(&v),
        nav: Nav::new(&v, "measures", &format!("/notices/{id}")),
        notice,
        m,
        org_name,
        audit_code: app.audit_code().await?,
    }))
}

/// GET /measures/{id}
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let input = ProgressInput {
        happened_on: app.clock.today().to_string(),
        ..Default::default()
    };
    let page = measure_page(&app, &v, MeasureId(id), input, Errors::none(v.lang)).await?;
    Ok(render(&page))
}

/// POST /measures/{id}/progress (multipart: the entry and its files)
pub async fn add_progress(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageFiles(sent): PageFiles,
) -> Result<Response, PageError> {
    let input = sent.form.progress()?;
    let change = v.change(&app);
    let result = progress::add(
        &app.db,
        app.files.as_ref(),
        &v.actor,
        change,
        MeasureId(id),
        &input,
        &sent.files,
        app.config.uploads,
        app.clock.today(),
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/measures/{id}"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                measure_page(&app, &v, MeasureId(id), input, errors).await
            })
            .await
        }
    }
}

/// GET /attachments/{id} — served by id from the content store, never by a path the
/// person wrote; always as a download, with the type checked on upload.
pub async fn attachment(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (att, bytes) = progress::attachment(
        &app.db,
        app.files.as_ref(),
        &v.actor,
        AttachmentId(id),
        app.clock.today(),
    )
    .await?;
    Ok(download(&att.filename, &att.content_type, bytes))
}

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
pub(super) struct OwnerChoices {
    pub depts: Vec<Unit>,
    pub leaders: Vec<(i64, String)>,
}

impl OwnerChoices {
    pub(super) async fn of(app: &App, problem: &Problem) -> Result<OwnerChoices, PageError> {
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

    pub(super) fn lead(&self, input: &MeasureInput) -> Vec<Choice> {
        self.depts
            .iter()
            .map(|u| Choice {
                id: u.id.0,
                label: u.label().to_string(),
                selected: u.id.0 == input.lead_unit_id,
            })
            .collect()
    }

    pub(super) fn cooperating(&self, input: &MeasureInput) -> Vec<Choice> {
        self.depts
            .iter()
            .map(|u| Choice {
                id: u.id.0,
                label: u.label().to_string(),
                selected: input.cooperating_unit_ids.contains(&u.id.0),
            })
            .collect()
    }

    pub(super) fn leaders(&self, input: &MeasureInput) -> Vec<Choice> {
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
pub(super) fn new_measure_level(v: &Viewer, problem: &Problem) -> MeasureEdit {
    if v.actor.ledger_access(problem.org_id) >= Access::Edit {
        MeasureEdit::All
    } else {
        MeasureEdit::Draft
    }
}

/// A new measure's form as it first shows: a lead unit leads what it drafts, the
/// office starts from the problem's lead unit and leader.
pub(super) fn blank_measure(v: &Viewer, problem: &Problem) -> MeasureInput {
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
pub(super) fn general_errors(errors: &Errors, fields: &[&str]) -> Vec<String> {
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
pub(super) async fn require_add_measure(
    app: &App,
    v: &Viewer,
    problem: &Problem,
) -> Result<(), PageError> {
    let (_, actions) =
        lifecycle::actions_for(&app.db, &v.actor, problem.id, app.clock.today()).await?;
    if actions.contains(&"add_measure") {
        Ok(())
    } else {
        Err(StoreError::Forbidden.into())
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
        return Err(StoreError::Forbidden.into());
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
