//! 周报 — a lead unit sends its weekly report (pre-filled from the week's progress); the
//! office sees who reported on time, late or not at all (叫号), a summary draft (一周一
//! 汇总), and sets when reports are due.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use zhenggai_domain::Role;
use zhenggai_domain::access::Access;
use zhenggai_domain::clock::china_time;
use zhenggai_domain::weekly::{ReportStatus, WeeklyRule, week_of};
use zhenggai_storage::ledger::weekly::{self, Roster};

use super::{Errors, Nav, field_errors, render, render_status, see_other, tr};
use crate::error::PageError;
use crate::form::FormData;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "weekly.html")]
struct WeeklyPage {
    t: Tr,
    nav: Nav,
    week: NaiveDate,
    prev: NaiveDate,
    next: Option<NaiveDate>,
    due: Option<String>,
    /// The unit's own report form.
    unit_form: Option<UnitForm>,
    /// The office's view.
    roster: Option<Roster>,
    summary: String,
    rule: WeeklyRule,
    rule_version: i64,
    can_set_rule: bool,
    errors: Errors,
}

struct UnitForm {
    content: String,
    version: i64,
    status: ReportStatus,
    sent_at: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WeekQuery {
    week: Option<NaiveDate>,
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
    errors: Errors,
) -> Result<WeeklyPage, PageError> {
    if !shows_page(&v.actor) {
        return Err(zhenggai_storage::StoreError::refused(
            "整改周报由各责任单位报送、本单位整改办汇总；您的角色不报送也不汇总周报。",
            "Weekly reports are sent by the units and gathered by the organisation's office; your role does neither.",
        )
        .into());
    }
    let now = app.clock.now();
    let this_week = weekly::this_week(now);
    let week = week_of(week.unwrap_or(this_week)).min(this_week);
    let calendar = zhenggai_storage::calendar::load(&app.db).await?;
    let (rule, rule_version) = weekly::rule(&app.db, v.actor.org).await?;
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
    let (roster, summary) = if v.actor.ledger_access(v.actor.org) >= Access::Read {
        let roster = weekly::roster(&app.db, &v.actor, week, &calendar, now).await?;
        let summary = weekly::summary(&app.db, &v.actor, &roster, app.clock.today()).await?;
        (Some(roster), summary)
    } else {
        (None, String::new())
    };
    Ok(WeeklyPage {
        t: tr(v),
        nav: Nav::new(v, "weekly", "/weekly"),
        week,
        prev: week - Duration::days(7),
        next: (week < this_week).then(|| week + Duration::days(7)),
        due: due.map(|d| d.format("%Y-%m-%d %H:%M").to_string()),
        unit_form,
        roster,
        summary,
        rule,
        rule_version,
        can_set_rule: v.actor.ledger_access(v.actor.org) >= Access::Edit,
        errors,
    })
}

/// GET /weekly?week=YYYY-MM-DD
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Query(q): Query<WeekQuery>,
) -> Result<Response, PageError> {
    Ok(render(
        &page(&app, &v, q.week, None, Errors::none(v.lang)).await?,
    ))
}

/// POST /weekly — a unit sends or corrects its report.
pub async fn submit(
    State(app): State<App>,
    v: Viewer,
    form: FormData,
) -> Result<Response, PageError> {
    v.check_csrf(form.get("csrf"))?;
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
        None => Err(zhenggai_storage::StoreError::invalid(
            "week",
            "请选择周次。",
            "Choose the week.",
        )),
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/weekly?week={}",
            week.unwrap_or_default()
        ))),
        Err(e) => {
            let errors = Errors {
                list: field_errors(e)?,
                lang: v.lang,
            };
            let page = page(&app, &v, week, Some(content), errors).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

/// POST /weekly/rule — the office sets the weekday and hour reports are due.
pub async fn save_rule(
    State(app): State<App>,
    v: Viewer,
    form: FormData,
) -> Result<Response, PageError> {
    v.check_csrf(form.get("csrf"))?;
    let version = form.get("version").trim().parse().unwrap_or(-1);
    match weekly::save_rule(
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
            let errors = Errors {
                list: field_errors(e)?,
                lang: v.lang,
            };
            let page = page(&app, &v, None, None, errors).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
