//! 挂图作战 (D14): an inspection's battle map on a day — the figures the speeches quote,
//! every problem a coloured cell under its aspect, each lead unit's measures as a bar,
//! and today's overdue and due-soon measures with their owners. Every figure and cell
//! links to the list behind it. The figures are the statistics module's (D15), so the
//! map and the reports never disagree.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use zhenggai_domain::schedule::{NodeKind, Timeline};
use zhenggai_domain::statistics::burn_down::{self, ProblemHistory};
use zhenggai_domain::statistics::{ProblemStanding, Rectification};
use zhenggai_domain::status::StandingFilter;
use zhenggai_domain::validate::{Checker, FieldError, Why};
use zhenggai_domain::{InspectionId, UnitId};
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::ledger::query::{self, Filter, MeasurePage, Within};
use zhenggai_storage::statistics::{self, BattleMap, Figures as BattleMapFigures, Scope};

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
    /// the day's map refreshed every five minutes without a click).
    pub screen: String,
}

/// The width of a bar in the chart's drawing units (its labels take the rest).
const BAR_WIDTH: u64 = 480;

/// The height of a bar's row in the drawing.
const ROW_HEIGHT: usize = 34;

/// One part of a bar: a standing's share of what the bar counts.
pub struct Segment {
    /// done, on-schedule, long-term or overdue (colour and print pattern).
    pub class: &'static str,
    /// Where it starts, in drawing units.
    pub x: u64,
    /// Its width.
    pub width: u64,
    /// How many it stands for.
    pub count: u64,
    /// What they are, in the page's language (the part's tooltip).
    pub words: &'static str,
}

impl Segment {
    /// Whether it is drawn with a pattern (long-term dots, overdue hatching), so that
    /// it reads on paper in black and white.
    pub fn patterned(&self) -> bool {
        matches!(self.class, "long-term" | "overdue")
    }
}

/// What a bar counts.
#[derive(Clone, Copy)]
enum Counting {
    Problems,
    Measures,
}

/// One bar: a lead unit's measures, or an inspection's or organisation's problems.
pub struct Bar {
    /// What it stands for (a unit, inspection or organisation id).
    pub id: i64,
    /// Its name, whole (the label's tooltip).
    pub name: String,
    /// Its name as the chart's label: one or two lines, cut to what the label's room
    /// holds.
    pub lines: Vec<String>,
    /// The list or map behind it: none for a list on a past day's map, since the lists
    /// show today.
    pub href: Option<String>,
    /// Done, and in all.
    pub done: u64,
    /// In all.
    pub total: u64,
    /// Overdue.
    pub overdue: u64,
    /// Its parts, done first.
    pub segments: Vec<Segment>,
    /// Where its row starts in the drawing.
    pub top: usize,
}

impl Bar {
    fn of(
        row: usize,
        id: i64,
        name: String,
        href: Option<String>,
        r: &Rectification,
        what: Counting,
        t: Tr,
    ) -> Bar {
        let (total, parts) = match what {
            Counting::Problems => (
                r.problems,
                [
                    r.problems_done,
                    r.problems_on_schedule,
                    r.problems_long_term,
                    r.problems_overdue,
                ],
            ),
            Counting::Measures => (
                r.measures,
                [
                    r.measures_done,
                    r.measures_on_schedule,
                    r.measures_long_term,
                    r.measures_overdue,
                ],
            ),
        };
        let mut segments = Vec::with_capacity(4);
        let mut x = 0;
        let words = [
            t.fig_problems_done(),
            t.fig_on_schedule(),
            t.fig_long_term(),
            t.fig_overdue(),
        ];
        for ((class, count), words) in ["done", "on-schedule", "long-term", "overdue"]
            .into_iter()
            .zip(parts)
            .zip(words)
        {
            let width = count * BAR_WIDTH / total.max(1);
            if count > 0 {
                segments.push(Segment {
                    class,
                    x,
                    width,
                    count,
                    words,
                });
            }
            x += width;
        }
        Bar {
            id,
            lines: label_lines(&name),
            name,
            href,
            done: parts[0],
            total,
            overdue: parts[3],
            segments,
            top: row * ROW_HEIGHT,
        }
    }
}

/// The characters of CJK text a bar's label holds (its room is 300 drawing units of
/// 15-unit type).
const LABEL_CHARS: usize = 18;

/// A name as a label of one line of [`LABEL_CHARS`], or two, the second cut with an
/// ellipsis when even two do not hold it (the tooltip and the list behind it have it
/// whole; on paper two lines are enough to tell one inspection from another).
fn label_lines(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= LABEL_CHARS {
        return vec![name.to_string()];
    }
    let first: String = chars[..LABEL_CHARS].iter().collect();
    let rest = &chars[LABEL_CHARS..];
    let second: String = if rest.len() <= LABEL_CHARS {
        rest.iter().collect()
    } else {
        let mut cut: String = rest[..LABEL_CHARS - 1].iter().collect();
        cut.push('…');
        cut
    };
    vec![first, second]
}

/// A marker on the burn-down: nodes of the inspection's timeline falling on one day,
/// or (with none) the day shown.
pub struct Marker {
    /// Where it stands across the drawing.
    pub x: i64,
    /// What it marks.
    pub kinds: Vec<NodeKind>,
    /// Its day.
    pub date: NaiveDate,
    /// How its label hangs from it: `start`, `middle` or `end`, so that it stays in
    /// the drawing.
    pub anchor: &'static str,
}

/// 燃尽图: the open problems day by day from the feedback to the day shown, against the
/// straight line to none open by the report's due day; the end of the concentrated
/// phase and the report's due day marked.
pub struct BurnDownChart {
    /// The line's points (`x,y x,y …`), in drawing units.
    pub line: String,
    /// The straight line from the most open to none at the report's due day.
    pub ideal: (i64, i64, i64, i64),
    /// The marked days.
    pub markers: Vec<Marker>,
    /// The top of the scale: the most problems open.
    pub top: u64,
    /// Open at the end of the day shown.
    pub open_now: u64,
    /// The first and last day of the axis.
    pub from: NaiveDate,
    /// The last day of the axis.
    pub to: NaiveDate,
}

/// The drawing's plot area: left, right, top and bottom, in drawing units.
const PLOT: (i64, i64, i64, i64) = (56, 980, 16, 196);

impl BurnDownChart {
    fn of(
        histories: &[ProblemHistory],
        timeline: &Timeline,
        day: NaiveDate,
    ) -> Option<BurnDownChart> {
        let from = timeline.date(NodeKind::Feedback)?;
        // Problems count from the day they were entered, as every figure of the map
        // does for a past day, so that the line and the figures above it agree.
        let due = timeline.date(NodeKind::ReportDue)?;
        if day < from {
            return None;
        }
        let to = due.max(day);
        let points = burn_down::burn_down(histories, from, day);
        let top = points.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let span = (to - from).num_days().max(1);
        let (left, right, up, down) = PLOT;
        let x = |d: NaiveDate| left + (d - from).num_days() * (right - left) / span;
        let y = |n: u64| {
            down - i64::try_from(n).unwrap_or(0) * (down - up) / i64::try_from(top).unwrap_or(1)
        };
        let line = points
            .iter()
            .map(|(d, n)| format!("{},{}", x(*d), y(*n)))
            .collect::<Vec<_>>()
            .join(" ");
        let anchor = |x: i64| match x {
            x if x > right - 160 => "end",
            x if x < left + 160 => "start",
            _ => "middle",
        };
        let mut markers: Vec<Marker> = Vec::new();
        for kind in [NodeKind::ConcentratedEnd, NodeKind::ReportDue] {
            let Some(date) = timeline.date(kind) else {
                continue;
            };
            // Nodes on the same day share one line and one label.
            match markers.iter_mut().find(|m| m.date == date) {
                Some(m) => m.kinds.push(kind),
                None => markers.push(Marker {
                    x: x(date),
                    kinds: vec![kind],
                    date,
                    anchor: anchor(x(date)),
                }),
            }
        }
        markers.push(Marker {
            x: x(day),
            kinds: Vec::new(),
            date: day,
            anchor: anchor(x(day)),
        });
        Some(BurnDownChart {
            line,
            ideal: (x(from), y(top), x(due), y(0)),
            markers,
            top,
            open_now: points.last().map_or(0, |(_, n)| *n),
            from,
            to,
        })
    }
}

/// Where a map's figures lead: the lists behind them, which are today's, so a past
/// day's figures lead nowhere.
pub struct Links {
    /// The problems behind the problem figures.
    pub problems: Option<String>,
    /// The problems behind the overdue problems' figure: the ledger narrowed to them on
    /// an inspection's map; on a map over many, where no list names problems, the
    /// problems' own place on the page.
    pub problems_overdue: Option<String>,
    /// The overdue measures (and their problems).
    pub overdue: Option<String>,
    /// Every measure.
    pub measures: Option<String>,
    /// The measures done.
    pub done: Option<String>,
    /// The measures due soon.
    pub due_soon: Option<String>,
    /// The outcomes.
    pub outcomes: Option<String>,
    /// The petitions (信访件).
    pub petitions: Option<String>,
}

impl Links {
    /// The links of a map whose measure list is `list` (its address, without a query
    /// or with one; `Listed::WithProblems` when it lists them under their problems),
    /// problems at `problems`, outcomes at `outcomes`, petitions at `petitions`; none on
    /// a past day.
    fn new(
        today: bool,
        problems: &str,
        (list, listed): (&str, Listed),
        outcomes: &str,
        petitions: &str,
    ) -> Links {
        let sep = if list.contains('?') { '&' } else { '?' };
        let status = |s: &str| today.then(|| format!("{list}{sep}status={s}"));
        Links {
            problems: today.then(|| problems.to_string()),
            problems_overdue: match listed {
                Listed::WithProblems => status("overdue"),
                Listed::MeasuresOnly => today.then(|| problems.to_string()),
            },
            overdue: status("overdue"),
            measures: today.then(|| list.to_string()),
            done: status("done"),
            due_soon: status("due_soon"),
            outcomes: today.then(|| outcomes.to_string()),
            petitions: today.then(|| petitions.to_string()),
        }
    }
}

/// What a map's measure list shows.
#[derive(Debug, Clone, Copy)]
enum Listed {
    /// The ledger: measures under their problems.
    WithProblems,
    /// Measures alone.
    MeasuresOnly,
}

/// Reads the day asked for in the address: a day that does not read, or is ahead, is
/// refused at its field and today's map shown meanwhile. The big screen shows today.
fn asked_day(q: &AsOfQuery, today: NaiveDate) -> (NaiveDate, Option<FieldError>) {
    let mut c = Checker::default();
    let asked = c.optional_date("as_of", &q.as_of);
    if let Err(list) = c.finish() {
        return (today, list.into_iter().next());
    }
    match asked {
        Some(day) if day > today => (
            today,
            Some(FieldError::because("as_of", Why::AsOfAhead { today })),
        ),
        Some(day) => (day, None),
        None => (today, None),
    }
}

/// Each lead unit's measures as bars, linking to `list` narrowed to the unit when the
/// map is of today (the lists show today only).
fn unit_bars(map: &BattleMapFigures, list: &str, is_today: bool, t: &Tr) -> Vec<Bar> {
    let sep = if list.contains('?') { '&' } else { '?' };
    map.by_unit
        .iter()
        .filter(|u| u.rectification.measures > 0)
        .enumerate()
        .map(|(row, u)| {
            Bar::of(
                row,
                u.id,
                u.name.clone(),
                is_today.then(|| format!("{list}{sep}unit={}&lead_only=1", u.id)),
                &u.rectification,
                Counting::Measures,
                *t,
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "battle_map.html")]
struct MapPage {
    t: Tr,
    nav: Nav,
    inspection: Inspection,
    map: Arc<BattleMap>,
    unit_bars: Vec<Bar>,
    links: Links,
    /// The burn-down, once the inspection has been fed back.
    burn: Option<BurnDownChart>,
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
}

/// GET /inspections/{id}/map — the battle map, today or as of `?as_of=`.
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> Result<Response, PageError> {
    let id = InspectionId(id);
    let t = tr(&v);
    let today = app.clock.today();
    let inspection = inspections::get(&app.db, &v.actor, id).await?;
    let (day, refused) = asked_day(&q, today);
    let screen = q.screen == "1";
    let map =
        statistics::battle_map(&app.db, &v.actor, Scope::Inspection(id), Some(day), today).await?;
    let list = format!("/inspections/{}", id.0);
    let unit_bars = unit_bars(&map.figures, &list, day == today, &t);
    let calendar = zhenggai_storage::calendar::load(&app.db).await?;
    let timeline = Timeline::of(inspection.feedback_date, &inspection.terms, &calendar);
    let histories = statistics::histories(&app.db, &v.actor, id).await?;
    let burn = BurnDownChart::of(&histories, &timeline, day);
    let links = Links::new(
        day == today,
        "#grid",
        (&list, Listed::WithProblems),
        &format!("/inspections/{}/outcomes", id.0),
        &format!("/inspections/{}/petitions", id.0),
    );
    let mut lists = [None, None];
    if day == today {
        let r = &map.figures.rectification;
        for (list, (status, total)) in lists.iter_mut().zip([
            (StandingFilter::Overdue, r.measures_overdue),
            (StandingFilter::DueSoon, r.measures_due_soon),
        ]) {
            let filter = Filter {
                status: Some(status),
                page: 1,
                per_page: 10,
                ..Filter::default()
            };
            // Counted by the figures above: whoever reads the map reads the whole
            // ledger, whose list holds exactly the measures the figures count.
            *list = Some(
                query::measure_page_counted(
                    &app.db,
                    &v.actor,
                    Within::Inspection(id),
                    &filter,
                    today,
                    i64::try_from(total).unwrap_or(i64::MAX),
                )
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
    // The language switch comes back to the same day and screen.
    let mut query = Vec::new();
    if day != today {
        query.push(format!("as_of={day}"));
    }
    if screen {
        query.push("screen=1".to_string());
    }
    let path = match query.is_empty() {
        true => format!("/inspections/{}/map", id.0),
        false => format!("/inspections/{}/map?{}", id.0, query.join("&")),
    };
    Ok(render_status(
        status,
        &MapPage {
            t,
            nav: Nav::new(&v, "inspections", &path),
            inspection,
            map,
            unit_bars,
            links,
            burn,
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

#[derive(Template)]
#[template(path = "overview_map.html")]
struct OverviewPage {
    t: Tr,
    nav: Nav,
    /// What the map covers: the organisation's name, or the upper level's.
    scope_name: String,
    /// The one organisation narrowed to (the upper level's `?org=`).
    org: Option<i64>,
    f: Arc<BattleMapFigures>,
    inspection_bars: Vec<Bar>,
    org_bars: Vec<Bar>,
    unit_bars: Vec<Bar>,
    links: Links,
    day: String,
    today: String,
    is_today: bool,
    refused: Option<String>,
    screen: bool,
}

impl OverviewPage {
    /// The address of this map, of its organisation and day, on the big screen or not.
    fn address(&self, screen: bool) -> String {
        overview_address(self.org, (!self.is_today).then_some(&self.day), screen)
    }
}

/// The address of the map of one organisation (`None`: all the reader's), of a past
/// day (`None`: today), on the big screen or not: what its links and language switch
/// keep.
fn overview_address(org: Option<i64>, past: Option<&String>, screen: bool) -> String {
    let mut query = Vec::new();
    if let Some(o) = org {
        query.push(format!("org={o}"));
    }
    if let Some(day) = past {
        query.push(format!("as_of={day}"));
    }
    if screen {
        query.push("screen=1".to_string());
    }
    if query.is_empty() {
        "/map".to_string()
    } else {
        format!("/map?{}", query.join("&"))
    }
}

/// The upper level's choice of one organisation.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverviewQuery {
    /// The day.
    pub as_of: String,
    /// `1`: the big screen.
    pub screen: String,
    /// One organisation's id (the upper level); empty for all it reads.
    pub org: String,
}

/// GET /map — the battle map of the organisation (the office, 纪检, the Party
/// secretary) or of every organisation the upper level oversees, or one of them
/// (`?org=`): its figures, each inspection's and organisation's problems as bars (each
/// leading to its own map), each lead unit's measures, and the figures by source.
pub async fn overview(
    State(app): State<App>,
    v: Viewer,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, PageError> {
    let t = tr(&v);
    let today = app.clock.today();
    let asked = AsOfQuery {
        as_of: q.as_of.clone(),
        screen: q.screen.clone(),
    };
    let (day, refused) = asked_day(&asked, today);
    let org = match q.org.trim() {
        "" => None,
        o => Some(o.parse::<i64>().map_err(|_| PageError::BadAddress)?),
    };
    let scope = org.map_or(Scope::Everything, |o| Scope::Organisation(UnitId(o)));
    let f = statistics::figures(&app.db, &v.actor, scope, Some(day), today).await?;
    let list = match org {
        Some(o) => format!("/measures?org={o}"),
        None => "/measures".to_string(),
    };
    // A past day's bars lead to the maps of the same day.
    let past = |sep: char| {
        if day == today {
            String::new()
        } else {
            format!("{sep}as_of={day}")
        }
    };
    let inspection_bars = f
        .by_inspection
        .iter()
        .enumerate()
        .map(|(row, i)| {
            Bar::of(
                row,
                i.inspection_id,
                i.title.clone(),
                Some(format!("/inspections/{}/map{}", i.inspection_id, past('?'))),
                &i.figures.rectification,
                Counting::Problems,
                t,
            )
        })
        .collect();
    let several = f.by_organisation.len() > 1;
    let org_bars = if several {
        f.by_organisation
            .iter()
            .enumerate()
            .map(|(row, o)| {
                Bar::of(
                    row,
                    o.org_id,
                    o.name.clone(),
                    Some(format!("/map?org={}{}", o.org_id, past('&'))),
                    &o.figures.rectification,
                    Counting::Problems,
                    t,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    // A lead unit's measures only where the map is of one organisation: over many,
    // the units are the organisations' own business.
    let unit_bars = if several {
        Vec::new()
    } else {
        unit_bars(&f, &list, day == today, &t)
    };
    // One organisation's map is named after it; the upper level's over several after
    // the upper level's office.
    let scope_name = match f.organisations.as_slice() {
        [one] => one.name.clone(),
        _ => v.user.unit_name.clone(),
    };
    let links = Links::new(
        day == today,
        "#inspections",
        (&list, Listed::MeasuresOnly),
        "#sources",
        "/petitions",
    );
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_status(
        status,
        &OverviewPage {
            t,
            nav: Nav::new(
                &v,
                "inspections",
                &overview_address(
                    org,
                    (day != today).then_some(&day.to_string()),
                    q.screen == "1",
                ),
            ),
            scope_name,
            org,
            f,
            inspection_bars,
            org_bars,
            unit_bars,
            links,
            day: day.to_string(),
            today: today.to_string(),
            is_today: day == today,
            refused: refused.map(|e| crate::i18n::field_message(v.lang, &e)),
            screen: q.screen == "1",
        },
    ))
}
