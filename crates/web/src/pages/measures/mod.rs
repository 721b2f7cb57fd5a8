//! Measures: the filtered list, a measure's page with its timeline (工作留痕), the
//! forms to add and edit measures, progress entries with files, and downloads.

mod form;
mod milestone;
mod notice;

pub(crate) use form::{
    OwnerChoices, blank_measure, general_errors, new_measure_level, require_add_measure,
};
pub use form::{create, edit, new, update, withdraw};
pub use milestone::{add_milestone, change_milestone};
pub use notice::{issue_notice, notice};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenggai_domain::access::Access;
use zhenggai_domain::escalation::NoticeKind;
use zhenggai_domain::{AttachmentId, MeasureId};
use zhenggai_storage::accounts::units::{self, Unit};
use zhenggai_storage::ledger::measures::{self, Measure};
use zhenggai_storage::ledger::milestones::{self, MilestoneInput, Milestones};
use zhenggai_storage::ledger::notices::{self, Notice, NoticeInput};
use zhenggai_storage::ledger::progress::{self, Progress, ProgressInput};
use zhenggai_storage::ledger::query::{self, FilterInput, MeasurePage, Within};

use super::ledger::{Checked, Offered, checked_filter, filter_input, filter_pairs};
use super::{Errors, Nav, Pager, STATUSES, refused_form, render, render_status, see_other, tr};
use crate::download::download;
use crate::error::PageError;
use crate::form::PageFiles;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "measures.html")]
struct ListPage {
    t: Tr,
    nav: Nav,
    orgs: Vec<Unit>,
    units: Vec<Unit>,
    statuses: [(&'static str, &'static str); STATUSES.len()],
    filter: FilterInput,
    page: MeasurePage,
    pager: Pager,
    errors: Errors,
}

/// The organisation and unit filters' choices.
struct UnitChoices {
    /// The organisations the person reads, when they read several (the upper level):
    /// the departments of one are listed once it is chosen, rather than the thousands
    /// of every organisation below at once.
    orgs: Vec<Unit>,
    /// The departments of the organisation chosen, or of the person's own.
    units: Vec<Unit>,
    /// The organisations an `org` filter may name: those listed, or the one the person
    /// reads (not listed, but named by a link or through the API all the same).
    accepted_orgs: Vec<i64>,
}

/// The choices of the organisation and unit filters; none for a unit, which sees its
/// own measures.
async fn unit_choices(app: &App, v: &Viewer, org: &str) -> Result<UnitChoices, PageError> {
    if !v.actor.role.reads_business_data() {
        return Ok(UnitChoices {
            orgs: Vec::new(),
            units: Vec::new(),
            accepted_orgs: Vec::new(),
        });
    }
    let readable = zhenggai_storage::scope::orgs(&v.actor);
    let (orgs, departments_of, accepted_orgs) = match readable.as_slice() {
        [one] => (Vec::new(), Some(*one), vec![one.0]),
        several => {
            let orgs = units::orgs(&app.db, several).await?;
            let chosen = orgs.iter().map(|o| o.id).find(|id| id.to_string() == org);
            let accepted = orgs.iter().map(|o| o.id.0).collect();
            (orgs, chosen, accepted)
        }
    };
    let units = match departments_of {
        Some(org) => units::list(&app.db, Some(org))
            .await?
            .into_iter()
            .filter(|u| u.id != org)
            .collect(),
        None => Vec::new(),
    };
    Ok(UnitChoices {
        orgs,
        units,
        accepted_orgs,
    })
}

/// GET /measures — every measure the person sees, nearest deadline first.
pub async fn list(
    State(app): State<App>,
    v: Viewer,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let input = filter_input(&pairs);
    let choices = unit_choices(&app, &v, input.org.trim()).await?;
    let offered = Offered {
        orgs: choices.accepted_orgs.clone(),
        units: choices.units.iter().map(|u| u.id.0).collect(),
        ..Offered::default()
    };
    let Checked {
        filter,
        shown,
        errors,
    } = checked_filter(&input, app.config.page_size, &v, Some(&offered))?;
    let page =
        query::measure_list(&app.db, &v.actor, Within::All, &filter, app.clock.today()).await?;
    let pager = Pager::new(
        "/measures",
        &filter_pairs(&shown),
        page.page,
        page.per_page,
        page.total,
    )
    .counted_to(page.more);
    Ok(render(&ListPage {
        t: tr(&v),
        nav: Nav::new(&v, "measures", "/measures"),
        orgs: choices.orgs,
        units: choices.units,
        statuses: STATUSES,
        filter: shown,
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
    /// Whether the milestone form is offered: to whoever contributes, on an open measure.
    can_add_milestone: bool,
    /// The latest final deadline a 告诫书 may set today (the date field's `max`).
    latest_final_deadline: String,
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
        .filter(|_| zhenggai_domain::escalation::check_lagging(m.standing).is_ok());
    let notice_input = NoticeInput {
        kind: next_notice
            .map(|k| k.code().to_string())
            .unwrap_or_default(),
        final_deadline: String::new(),
        content: zhenggai_documents::wording::notice_draft(
            &m.content,
            &m.deadline.text,
            m.standing,
        ),
    };
    let can_mark_done = access >= Access::Contribute
        && progress::may_mark_done(&app.db, &v.actor, &m, today).await?;
    let can_add_milestone = access >= Access::Contribute
        && zhenggai_domain::schedule::check_milestone_measure(m.standing).is_ok();
    Ok(MeasurePageView {
        can_mark_done,
        t: tr(v),
        nav: Nav::new(v, "measures", &path),
        m,
        timeline,
        can_edit: access >= Access::Edit,
        can_withdraw,
        can_contribute: access >= Access::Contribute,
        can_add_milestone,
        latest_final_deadline: (today
            + chrono::Duration::days(zhenggai_domain::escalation::FINAL_DEADLINE_MAX_DAYS))
        .to_string(),
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
