//! An inspection's ledger (整改台账): problems grouped by aspect with their measures,
//! filtered, searched and paged.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Access;
use zhenggai_domain::inspection::ProblemSource;
use zhenggai_domain::schedule::{NodeKind, Timeline};
use zhenggai_domain::validate::{FieldError, Why};
use zhenggai_storage::accounts::units::{self, Unit};
use zhenggai_storage::accounts::users::{self, User};
use zhenggai_storage::ledger::aspects::{self, Aspect};
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::ledger::query::{self, Filter, FilterInput, LedgerPage};

use super::{Errors, Nav, Pager, STATUSES, render, tr};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

/// The filters of a query string (unknown names are ignored).
pub fn filter_input(pairs: &[(String, String)]) -> FilterInput {
    let mut f = FilterInput::default();
    for (k, v) in pairs {
        if let Some(slot) = filter_slot(&mut f, k) {
            *slot = v.clone();
        }
    }
    f
}

/// The values a list's form offers for its id filters. A value not among them (a unit
/// of another organisation, an aspect of another inspection, a number typed into the
/// address) is refused like any other bad value: it used to empty the list in silence
/// while the form showed "all".
#[derive(Debug, Default)]
pub struct Offered {
    /// Organisations.
    pub orgs: Vec<i64>,
    /// Units.
    pub units: Vec<i64>,
    /// Aspects.
    pub aspects: Vec<i64>,
    /// Responsible leaders.
    pub leaders: Vec<i64>,
}

/// A list's filters once checked.
pub struct Checked {
    /// What the list applies.
    pub filter: Filter,
    /// The same as the form shows it and its links keep: refused values left out, ids
    /// as the choices write them (`unit=012` is unit 12).
    pub shown: FilterInput,
    /// What was refused.
    pub errors: Errors,
}

/// Checks filters; bad ones are reported and left out, and the rest still apply: a list
/// that dropped every filter for one bad value showed, under the filters the form
/// still held, every measure of every unit. With `offered`, an id filter must be one of
/// the form's choices.
pub fn checked_filter(
    input: &FilterInput,
    per_page: i64,
    v: &Viewer,
    offered: Option<&Offered>,
) -> Result<Checked, PageError> {
    let mut errors = match input.check(per_page) {
        Ok(_) => Vec::new(),
        Err(e) => Errors::refused(e, v.lang)?.list,
    };
    let mut shown = input.clone();
    for e in &errors {
        if let Some(slot) = filter_slot(&mut shown, &e.field) {
            slot.clear();
        }
    }
    let mut filter = shown.check(per_page).or_else(|_| {
        FilterInput {
            per_page: per_page.to_string(),
            ..Default::default()
        }
        .check(per_page)
    })?;
    if let Some(offered) = offered {
        // Whether an id is given that is not among the choices (then refused).
        let mut not_offered = |field: &str, id: Option<i64>, choices: &[i64]| {
            let refused = id.is_some_and(|id| !choices.contains(&id));
            if refused {
                errors.push(FieldError::because(field, Why::UnknownChoice));
            }
            refused
        };
        if not_offered("org", filter.org.map(|o| o.0), &offered.orgs) {
            filter.org = None;
        }
        if not_offered("unit", filter.unit.map(|u| u.0), &offered.units) {
            filter.unit = None;
        }
        if not_offered("aspect", filter.aspect.map(|a| a.0), &offered.aspects) {
            filter.aspect = None;
        }
        if not_offered("leader", filter.leader.map(|l| l.0), &offered.leaders) {
            filter.leader = None;
        }
    }
    let written = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
    shown.org = written(filter.org.map(|o| o.0));
    shown.unit = written(filter.unit.map(|u| u.0));
    shown.aspect = written(filter.aspect.map(|a| a.0));
    shown.leader = written(filter.leader.map(|l| l.0));
    Ok(Checked {
        filter,
        shown,
        errors: Errors {
            list: errors,
            lang: v.lang,
        },
    })
}

/// The filters as query pairs, for the links that keep them (pager, export).
pub fn filter_pairs(f: &FilterInput) -> Vec<(String, String)> {
    let mut f = f.clone();
    FILTER_FIELDS
        .iter()
        .filter_map(|name| {
            let value = filter_slot(&mut f, name)?;
            (!value.is_empty()).then(|| (name.to_string(), value.clone()))
        })
        .collect()
}

/// The filter fields a list's address may carry.
const FILTER_FIELDS: [&str; 12] = [
    "aspect",
    "org",
    "unit",
    "lead_only",
    "leader",
    "status",
    "source",
    "due_from",
    "due_to",
    "q",
    "page",
    "per_page",
];

/// The value of a filter field by its name.
fn filter_slot<'a>(f: &'a mut FilterInput, field: &str) -> Option<&'a mut String> {
    Some(match field {
        "aspect" => &mut f.aspect,
        "org" => &mut f.org,
        "unit" => &mut f.unit,
        "lead_only" => &mut f.lead_only,
        "leader" => &mut f.leader,
        "status" => &mut f.status,
        "source" => &mut f.source,
        "due_from" => &mut f.due_from,
        "due_to" => &mut f.due_to,
        "q" => &mut f.q,
        "page" => &mut f.page,
        "per_page" => &mut f.per_page,
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerView {
    t: Tr,
    nav: Nav,
    inspection: Inspection,
    aspects: Vec<Aspect>,
    units: Vec<Unit>,
    leaders: Vec<User>,
    statuses: [(&'static str, &'static str); STATUSES.len()],
    filter: FilterInput,
    page: LedgerPage,
    pager: Pager,
    errors: Errors,
    can_edit: bool,
    /// Reads the whole ledger, so its figures and battle map (D14, D15).
    can_read_figures: bool,
    self_found: ProblemSource,
    export_query: String,
    timeline: Timeline,
    /// Each node's place against today: "past", "next" (the first still ahead) or "".
    node_states: Vec<&'static str>,
    /// 序时进度: time elapsed to the report against measures done (those who read the
    /// whole ledger).
    pace: Option<zhenggai_domain::warning::Pace>,
    /// The filing of the plan (报上级备案), refused: what blocks it, the problems not ready.
    plan_refused: Option<super::Refusal>,
    /// What was typed as the plan document, kept when the filing is refused.
    plan_document: String,
}

/// The filters of the page as the export link's query (every row, not one page).
fn export_query(shown: &FilterInput) -> String {
    let kept: Vec<String> = filter_pairs(shown)
        .iter()
        .filter(|(k, _)| k != "page" && k != "per_page")
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

fn node_states(timeline: &Timeline, today: chrono::NaiveDate) -> Vec<&'static str> {
    let next = timeline.nodes.iter().position(|n| n.date >= today);
    timeline
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| match n.date < today {
            true => "past",
            false if Some(i) == next => "next",
            false => "",
        })
        .collect()
}

/// GET /inspections/{id}
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let page = ledger_page(&app, &v, id, &pairs, None).await?;
    Ok(render(&page))
}

/// The ledger refused to file its plan (报上级备案), on the ledger itself: what blocks
/// it, the problems not ready each linked, and the document's name as typed.
pub async fn plan_refused(
    app: &App,
    v: &Viewer,
    id: i64,
    document: &str,
    e: zhenggai_storage::StoreError,
) -> Result<Response, PageError> {
    let (status, refusal, _) = super::refusal_of(e, v.lang)?;
    let mut page = ledger_page(app, v, id, &[], Some(refusal)).await?;
    page.plan_document = document.to_string();
    Ok(super::render_status(status, &page))
}

async fn ledger_page(
    app: &App,
    v: &Viewer,
    id: i64,
    pairs: &[(String, String)],
    plan_refused: Option<super::Refusal>,
) -> Result<LedgerView, PageError> {
    let inspection = inspections::get(&app.db, &v.actor, InspectionId(id)).await?;
    let units: Vec<Unit> = units::list(&app.db, Some(inspection.org_id))
        .await?
        .into_iter()
        .filter(|u| u.id != inspection.org_id)
        .collect();
    let leaders = users::leaders(&app.db, inspection.org_id).await?;
    let aspects = aspects::list(&app.db, inspection.id).await?;
    let offered = Offered {
        orgs: Vec::new(),
        units: units.iter().map(|u| u.id.0).collect(),
        aspects: aspects.iter().map(|a| a.id.0).collect(),
        leaders: leaders.iter().map(|l| l.id.0).collect(),
    };
    let Checked {
        filter,
        shown,
        errors,
    } = checked_filter(
        &filter_input(pairs),
        app.config.page_size,
        v,
        Some(&offered),
    )?;
    let page = query::ledger(
        &app.db,
        &v.actor,
        inspection.id,
        inspection.org_id,
        &filter,
        app.clock.today(),
    )
    .await?;
    let path = format!("/inspections/{id}");
    let pager = Pager::new(
        &path,
        &filter_pairs(&shown),
        page.page,
        page.per_page,
        page.total_problems,
    );
    let can_edit = v.actor.ledger_access(inspection.org_id) >= Access::Edit;
    let can_read_figures = v.actor.ledger_access(inspection.org_id) >= Access::Read;
    let nav = Nav::new(v, "inspections", &path);
    let calendar = zhenggai_storage::calendar::load(&app.db).await?;
    let timeline = Timeline::of(inspection.feedback_date, &inspection.terms, &calendar);
    let pace = inspection
        .counts
        .as_ref()
        .zip(timeline.date(NodeKind::ReportDue))
        .and_then(|(c, due)| {
            zhenggai_domain::warning::pace(
                inspection.feedback_date,
                due,
                app.clock.today(),
                u32::try_from(c.measures_done).unwrap_or(0),
                u32::try_from(c.measures).unwrap_or(0),
            )
        });
    Ok(LedgerView {
        t: tr(v),
        nav,
        inspection,
        aspects,
        units,
        leaders,
        statuses: STATUSES,
        export_query: export_query(&shown),
        filter: shown,
        page,
        pager,
        errors,
        can_edit,
        can_read_figures,
        self_found: ProblemSource::SelfFound,
        node_states: node_states(&timeline, app.clock.today()),
        pace,
        timeline,
        plan_refused,
        plan_document: String::new(),
    })
}
