//! 周报 — a lead unit sends its weekly report (pre-filled from the week's progress); the
//! office sees who reported on time, late or not at all (叫号), drafts, edits and saves
//! its summary (一周一汇总) and downloads it as a Word document, and chooses the day and
//! hour reports are due.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use zhenggai_domain::Role;
use zhenggai_domain::access::Access;
use zhenggai_domain::clock::china_time;
use zhenggai_domain::reason::{Choose, Refused};
use zhenggai_domain::validate::Why;
use zhenggai_domain::weekly::{ReportStatus, WEEKDAYS, WeeklyRule, first_summary_week, week_of};
use zhenggai_storage::ledger::weekly::{self, Roster, SavedSummary};
use zhenggai_storage::settings::weekly_rule;

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "weekly.html")]
struct WeeklyPage {
    t: Tr,
    nav: Nav,
    week: NaiveDate,
    /// The week before, when there is one to show (not before the first feedback).
    prev: Option<NaiveDate>,
    next: Option<NaiveDate>,
    due: Option<String>,
    /// The unit's own report form.
    unit_form: Option<UnitForm>,
    /// The office's view.
    roster: Option<Roster>,
    /// What the summary box holds: the saved text, the draft, or what was refused.
    summary: String,
    /// The draft made now from the reports and the ledger.
    draft_summary: String,
    /// The summary as last saved.
    saved: Option<SavedSummary>,
    /// Whether this person edits and saves the summary (the office).
    can_edit_summary: bool,
    /// The days a report may be due on, with their names in the page's language.
    weekdays: Vec<WeekdayOption>,
    rule: WeeklyRule,
    rule_version: i64,
    can_set_rule: bool,
    errors: Errors,
}

/// A day the report may be due on, as the rule's form offers it (周一 … 周日).
struct WeekdayOption {
    number: u32,
    name: &'static str,
    selected: bool,
}

struct UnitForm {
    content: String,
    version: i64,
    status: ReportStatus,
    sent_at: Option<String>,
}

/// The week the page is asked for, as typed in the address: read here, so that a date
/// that does not read is refused at the field rather than by the query's reader.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AskedWeek {
    week: String,
}

/// Whether a person has the weekly reports page: the unit form for a reporting unit,
/// the roll call for whoever reads the organisation's whole ledger.
pub fn shows_page(actor: &zhenggai_domain::access::Actor) -> bool {
    actor.role == Role::Unit || actor.ledger_access(actor.org) >= Access::Read
}

async fn page(
    app: &App,
    v: &Viewer,
    week: Option<NaiveDate>,
    draft: Option<String>,
    summary_draft: Option<String>,
    errors: Errors,
) -> Result<WeeklyPage, PageError> {
    if !shows_page(&v.actor) {
        return Err(zhenggai_storage::StoreError::refused(Refused::WeeklyNotYourRole).into());
    }
    let now = app.clock.now();
    let this_week = weekly::this_week(now);
    let week = week_of(week.unwrap_or(this_week)).min(this_week);
    let calendar = zhenggai_storage::calendar::load(&app.db).await?;
    let (rule, rule_version) = weekly_rule::get(&app.db, v.actor.org).await?;
    let due = rule.due(week, &calendar).value;
    let unit_form = if v.actor.role == Role::Unit {
        let report = weekly::report_of(&app.db, v.actor.unit, week).await?;
        let status = match due {
            Some(due) => ReportStatus::of(
                report.as_ref().map(|(_, at, _)| china_time(*at)),
                due,
                china_time(now),
            ),
            None => ReportStatus::Pending,
        };
        let content = match (&draft, &report) {
            (Some(d), _) => d.clone(),
            (None, Some((c, _, _))) => c.clone(),
            (None, None) => weekly::prefill(&app.db, v.actor.unit, week).await?,
        };
        Some(UnitForm {
            content,
            version: report.as_ref().map_or(0, |(_, _, v)| *v),
            status,
            sent_at: report.map(|(_, at, _)| china_time(at).format("%Y-%m-%d %H:%M").to_string()),
        })
    } else {
        None
    };
    let (roster, draft_summary, saved) = if v.actor.ledger_access(v.actor.org) >= Access::Read {
        let roster = weekly::roster(&app.db, &v.actor, week, &calendar, now).await?;
        let draft =
            crate::shared::weekly::summary_draft(&app.db, &v.actor, &roster, app.clock.today())
                .await?;
        let saved = weekly::saved_summary(&app.db, &v.actor, week).await?;
        (Some(roster), draft, saved)
    } else {
        (None, String::new(), None)
    };
    let summary = match (summary_draft, &saved) {
        (Some(refused), _) => refused,
        (None, Some(s)) => s.content.clone(),
        (None, None) => draft_summary.clone(),
    };
    let before = week - Duration::days(7);
    let first = weekly::first_feedback(&app.db, v.actor.org).await?;
    let prev = (before >= first_summary_week(first, app.clock.today())).then_some(before);
    Ok(WeeklyPage {
        t: tr(v),
        nav: Nav::new(v, "weekly", "/weekly"),
        week,
        prev,
        next: (week < this_week).then(|| week + Duration::days(7)),
        due: due.map(|d| d.format("%Y-%m-%d %H:%M").to_string()),
        unit_form,
        roster,
        summary,
        draft_summary,
        saved,
        can_edit_summary: v.actor.ledger_access(v.actor.org) >= Access::Edit,
        weekdays: WEEKDAYS
            .iter()
            .map(|d| WeekdayOption {
                number: d.number_from_monday(),
                name: tr(v).label(d),
                selected: *d == rule.weekday,
            })
            .collect(),
        rule,
        rule_version,
        can_set_rule: v.actor.ledger_access(v.actor.org) >= Access::Edit,
        errors,
    })
}

/// GET /weekly?week=YYYY-MM-DD — a week in the address that does not read, or out of
/// range (ahead, before the first inspection), is answered as the address's: named,
/// with a link to this week and without the week's forms (nothing was submitted).
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Query(q): Query<AskedWeek>,
) -> Result<Response, PageError> {
    let week = crate::shared::weekly::address_week(&app, &v.actor, &q.week).await?;
    Ok(render(
        &page(&app, &v, Some(week), None, None, Errors::none(v.lang)).await?,
    ))
}

/// POST /weekly — a unit sends or corrects its report.
pub async fn submit(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let week: Option<NaiveDate> = form.get("week").trim().parse().ok();
    let content = form.get("content").to_string();
    let version = form.get("version").trim().parse().unwrap_or(-1);
    let calendar = zhenggai_storage::calendar::load(&app.db).await?;
    let result = match week {
        Some(w) => {
            weekly::submit(
                &app.db,
                &v.actor,
                v.change(&app),
                w,
                &content,
                version,
                &calendar,
            )
            .await
        }
        None => Err(zhenggai_storage::StoreError::because(
            "week",
            Why::Choose(Choose::Week),
        )),
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/weekly?week={}",
            week.unwrap_or_default()
        ))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, week, Some(content), None, errors).await
            })
            .await
        }
    }
}

/// POST /weekly/rule — the office sets the weekday and hour reports are due.
pub async fn save_rule(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let version = form.get("version").trim().parse().unwrap_or(-1);
    match weekly_rule::save(
        &app.db,
        &v.actor,
        v.change(&app),
        form.get("weekday"),
        form.get("hour"),
        version,
    )
    .await
    {
        Ok(()) => Ok(see_other("/weekly")),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, None, None, None, errors).await
            })
            .await
        }
    }
}

/// POST /weekly/summary — the office saves its summary of a week, as edited.
pub async fn save_summary(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let week: Option<NaiveDate> = form.get("week").trim().parse().ok();
    let content = form.get("content").to_string();
    let version = form.get("version").trim().parse().unwrap_or(-1);
    let result = match week {
        Some(w) => {
            weekly::save_summary(&app.db, &v.actor, v.change(&app), w, &content, version).await
        }
        None => Err(zhenggai_storage::StoreError::because(
            "week",
            Why::Choose(Choose::Week),
        )),
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/weekly?week={}#weekly-summary",
            week.unwrap_or_default()
        ))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, week, None, Some(content), errors).await
            })
            .await
        }
    }
}

/// GET /weekly/summary.docx?week=YYYY-MM-DD — the summary as saved (the draft while
/// none is), as a Word document in official-document layout; the week read and checked
/// as the weekly page's.
pub async fn download_summary(
    State(app): State<App>,
    v: Viewer,
    Query(q): Query<AskedWeek>,
) -> Result<Response, PageError> {
    let week = crate::shared::weekly::address_week(&app, &v.actor, &q.week).await?;
    Ok(crate::shared::weekly::summary_download(&app, &v.actor, week).await?)
}
