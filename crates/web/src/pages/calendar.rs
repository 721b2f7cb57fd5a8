//! 工作日历 — the working-day calendar: every signed-in person sees which years it
//! holds and each year's days off and working weekends; the system administrator adds
//! a year when the State Council publishes its notice, or corrects one (recorded).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;
use zhenggai_domain::calendar::{Calendar, NoData};
use zhenggai_storage::calendar::{self, YearRow};

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

/// A listed date of the chosen year.
pub struct DayRow {
    /// YYYY-MM-DD.
    pub date: String,
    /// 周一 … 周日.
    pub weekday: &'static str,
    /// A day off (else a working weekend day).
    pub off: bool,
    /// The holiday.
    pub name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    t: Tr,
    nav: Nav,
    years: Vec<YearRow>,
    year: i32,
    days: Vec<DayRow>,
    source: String,
    /// The notice as text, for the administrator to correct.
    text: String,
    version: i64,
    /// What the administrator wrote, when it was refused.
    draft: String,
    warning: Option<String>,
    /// The first year after the last one held: from it on, the ordinary week is assumed.
    assumed_from: Option<i32>,
    can_edit: bool,
    errors: Errors,
}

/// The year asked for, as written in the address: read here, so that one that does not
/// read is answered as the address's rather than by the query's reader.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    year: String,
}

/// The year written in the address, this year when none is: one that does not read or
/// is outside the years dates may have (1800, 99999) is refused as the address's.
fn address_year(asked: &str) -> Result<Option<i32>, PageError> {
    let asked = asked.trim();
    if asked.is_empty() {
        return Ok(None);
    }
    match asked.parse::<i32>() {
        Ok(y) if zhenggai_domain::validate::YEARS.contains(&y) => Ok(Some(y)),
        _ => Err(PageError::AddressYear {
            asked: asked.to_string(),
        }),
    }
}

/// The year the calendar is missing that people will soon need: the next one, from
/// November (when the notice usually appears) or the current one.
fn coming_gap(calendar: &Calendar, today: chrono::NaiveDate) -> Option<NoData> {
    let this = today.year();
    if calendar.notice(this).is_none() {
        return Some(NoData { year: this });
    }
    (today.month() >= 11 && calendar.notice(this + 1).is_none())
        .then_some(NoData { year: this + 1 })
}

async fn page(
    app: &App,
    v: &Viewer,
    year: Option<i32>,
    draft: String,
    errors: Errors,
) -> Result<CalendarPage, PageError> {
    let calendar = calendar::load(&app.db).await?;
    let years = calendar::years(&app.db).await?;
    let today = app.clock.today();
    let year = year.unwrap_or_else(|| today.year());
    let notice = calendar.notice(year);
    // The shipped calendar's names are fixed words, named in the page's language; an
    // entered year's are as the administrator typed them.
    let shipped = !years.iter().any(|y| y.year == year && y.entered);
    let days = notice
        .map(|n| {
            n.changes
                .iter()
                .map(|c| DayRow {
                    date: c.date.format("%Y-%m-%d").to_string(),
                    weekday: tr(v).label(c.date.weekday()),
                    off: c.off,
                    name: if shipped {
                        tr(v).shipped_holiday(&c.name)
                    } else {
                        c.name.clone()
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let warning = coming_gap(&calendar, today)
        .map(|gap| v.lang.pick(&gap.message(), &gap.message_en()).to_string());
    let assumed_from = calendar.notices().map(|n| n.year).max().map(|y| y + 1);
    Ok(CalendarPage {
        assumed_from,
        t: tr(v),
        nav: Nav::new(v, "calendar", "/calendar"),
        year,
        source: notice.map(|n| n.source.clone()).unwrap_or_default(),
        text: notice
            .map(zhenggai_domain::calendar::notice_text)
            .unwrap_or_else(|| format!("year {year} \n")),
        version: years
            .iter()
            .find(|y| y.year == year)
            .map_or(0, |y| y.version),
        years,
        days,
        draft,
        warning,
        can_edit: v.actor.role.keeps_calendar(),
        errors,
    })
}

/// GET /calendar?year=2024
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let year = address_year(&q.year)?;
    Ok(render(
        &page(&app, &v, year, String::new(), Errors::none(v.lang)).await?,
    ))
}

/// POST /calendar — the system administrator adds or corrects years.
pub async fn save(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let text = form.get("notice").to_string();
    let year: Option<i32> = form.get("year").trim().parse().ok();
    let versions: Vec<(i32, i64)> = year
        .map(|y| (y, form.get("version").trim().parse().unwrap_or(-1)))
        .into_iter()
        .collect();
    match calendar::save(&app.db, Some(&v.actor), v.change(&app), &text, &versions).await {
        Ok(saved) => Ok(see_other(&format!(
            "/calendar?year={}",
            saved.first().copied().or(year).unwrap_or_default()
        ))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, year, text, errors).await
            })
            .await
        }
    }
}
