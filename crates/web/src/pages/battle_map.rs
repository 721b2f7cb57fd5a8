//! 挂图作战 (D14): an inspection's battle map on a day — the figures the speeches quote,
//! every problem a coloured cell under its aspect, each lead unit's measures as a bar,
//! and today's overdue and due-soon measures with their owners. Every figure and cell
//! links to the list behind it. The figures are the statistics module's (D15), so the
//! map and the reports never disagree.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use zhenggai_domain::InspectionId;
use zhenggai_domain::statistics::{ProblemStanding, Rectification};
use zhenggai_domain::status::StandingFilter;
use zhenggai_domain::validate::{Checker, FieldError, Why};
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::ledger::query::{self, Filter, MeasurePage, Within};
use zhenggai_storage::statistics::{self, BattleMap, Scope};

use super::{Nav, render_status, tr};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

/// The day asked for in the address (`?as_of=YYYY-MM-DD`, empty for today).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AsOfQuery {
    /// The day.
    pub as_of: String,
    /// `1`: the big screen of the leading group's meeting room (large type, no menus,
    /// today's map refreshed every five minutes without a click).
    pub screen: String,
}

/// The width of a bar in the chart's drawing units (its labels take the rest).
const BAR_WIDTH: u64 = 560;

/// The height of a bar's row in the drawing.
const ROW_HEIGHT: usize = 34;

/// One part of a bar: a standing's share of the unit's measures.
pub struct Segment {
    /// done, on-schedule, long-term or overdue (colour and print pattern).
    pub class: &'static str,
    /// Where it starts and how wide it is, in drawing units.
    pub x: u64,
    /// Its width.
    pub width: u64,
    /// The measures it stands for.
    pub count: u64,
}

/// One lead unit's measures as a bar.
pub struct Bar {
    /// The unit.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its measures, by standing.
    pub r: Rectification,
    /// Its parts, done first.
    pub segments: Vec<Segment>,
    /// Where its row starts in the drawing.
    pub top: usize,
}

impl Bar {
    fn of(row: usize, id: i64, name: String, r: Rectification) -> Bar {
        let total = r.measures.max(1);
        let mut segments = Vec::with_capacity(4);
        let mut x = 0;
        for (class, count) in [
            ("done", r.measures_done),
            ("on-schedule", r.measures_on_schedule),
            ("long-term", r.measures_long_term),
            ("overdue", r.measures_overdue),
        ] {
            let width = count * BAR_WIDTH / total;
            if count > 0 {
                segments.push(Segment {
                    class,
                    x,
                    width,
                    count,
                });
            }
            x += width;
        }
        Bar {
            id,
            name,
            r,
            segments,
            top: row * ROW_HEIGHT,
        }
    }
}

#[derive(Template)]
#[template(path = "battle_map.html")]
struct MapPage {
    t: Tr,
    nav: Nav,
    inspection: Inspection,
    map: BattleMap,
    bars: Vec<Bar>,
    /// Today's overdue measures and those due soon, the most urgent first (only on
    /// today's map: the lists are today's).
    overdue: Option<MeasurePage>,
    due_soon: Option<MeasurePage>,
    /// The day shown, and today (the latest day that may be asked for).
    day: String,
    today: String,
    is_today: bool,
    /// Why the day asked for was refused.
    refused: Option<String>,
    /// The big screen.
    screen: bool,
}

impl MapPage {
    /// The class of a cell: its standing, for colour and pattern.
    fn cell_class(&self, s: &ProblemStanding) -> &'static str {
        match s {
            ProblemStanding::Done => "done",
            ProblemStanding::OnSchedule => "on-schedule",
            ProblemStanding::LongTerm => "long-term",
            ProblemStanding::Overdue => "overdue",
        }
    }

    /// A standing in the page's language.
    fn standing_words(&self, s: &ProblemStanding) -> &'static str {
        match s {
            ProblemStanding::Done => self.t.fig_problems_done(),
            ProblemStanding::OnSchedule => self.t.fig_on_schedule(),
            ProblemStanding::LongTerm => self.t.fig_long_term(),
            ProblemStanding::Overdue => self.t.fig_overdue(),
        }
    }

    /// A percentage as shown, or a dash when there is nothing to count.
    fn percent(&self, p: &Option<f64>) -> String {
        p.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
    }

    /// The height of the bar chart's drawing.
    fn chart_height(&self) -> usize {
        self.bars.len() * ROW_HEIGHT + 8
    }
}

/// GET /inspections/{id}/map — the battle map, today or as of `?as_of=`.
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> Result<Response, PageError> {
    let id = InspectionId(id);
    let today = app.clock.today();
    let inspection = inspections::get(&app.db, &v.actor, id).await?;
    // A day that does not read, or is ahead, is said at the date field; the map shows
    // today's meanwhile.
    let mut c = Checker::default();
    let asked = c.optional_date("as_of", &q.as_of);
    let mut refused = c.finish().err().and_then(|list| list.into_iter().next());
    let screen = q.screen == "1";
    // The big screen shows today, always: it refreshes itself.
    let mut day = if screen {
        today
    } else {
        asked.unwrap_or(today)
    };
    if day > today {
        refused = Some(FieldError::because("as_of", Why::AsOfAhead { today }));
        day = today;
    }
    let map =
        statistics::battle_map(&app.db, &v.actor, Scope::Inspection(id), Some(day), today).await?;
    let bars = map
        .figures
        .by_unit
        .iter()
        .filter(|u| u.rectification.measures > 0)
        .enumerate()
        .map(|(row, u)| Bar::of(row, u.id, u.name.clone(), u.rectification))
        .collect();
    let mut lists = [None, None];
    if day == today {
        for (list, status) in lists
            .iter_mut()
            .zip([StandingFilter::Overdue, StandingFilter::DueSoon])
        {
            let filter = Filter {
                status: Some(status),
                page: 1,
                per_page: 10,
                ..Filter::default()
            };
            *list = Some(
                query::measure_list(&app.db, &v.actor, Within::Inspection(id), &filter, today)
                    .await?,
            );
        }
    }
    let [overdue, due_soon] = lists;
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let refused = refused.map(|f| crate::i18n::field_message(v.lang, &f));
    let path = format!("/inspections/{}/map", id.0);
    Ok(render_status(
        status,
        &MapPage {
            t: tr(&v),
            nav: Nav::new(&v, "inspections", &path),
            inspection,
            map,
            bars,
            overdue,
            due_soon,
            day: day.to_string(),
            today: today.to_string(),
            is_today: day == today,
            refused,
            screen,
        },
    ))
}
