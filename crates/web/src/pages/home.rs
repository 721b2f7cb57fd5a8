//! The home page: what needs this person now.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use zhenggai_domain::Role;
use zhenggai_storage::ledger::lifecycle::{self, offered::Waiting};
use zhenggai_storage::ledger::query::{self, FilterInput, MeasurePage, Within};

use super::{Nav, render, tr};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Tr,
    nav: Nav,
    page: MeasurePage,
    waiting: Vec<Waiting>,
    overdue: i64,
    due_soon: i64,
    /// 长期坚持 measures whose progress is overdue: a tile only when there are some.
    review_due: i64,
    open: i64,
    done: i64,
    /// Whether the measures listed are the person's own (a unit's, a leader's): the
    /// office, the supervisors and the upper level have none, they read everyone's.
    own_measures: bool,
    /// How many open measures there are when the page shows only the nearest of them
    /// (the list stops at 15 and says so, with a link to the rest); 0 when it shows all.
    more: usize,
    /// 信访件 in handling that the person reads (a unit: those it handles), and how many
    /// are overdue: a tile only when there are some.
    petitions: zhenggai_domain::petition::Petitions,
}

async fn count(app: &App, v: &Viewer, status: &str) -> Result<i64, PageError> {
    let filter = FilterInput {
        status: status.into(),
        ..Default::default()
    }
    .check(1)?;
    Ok(query::measure_count(&app.db, &v.actor, Within::All, &filter, app.clock.today()).await?)
}

/// GET /
pub async fn home(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    let filter = FilterInput {
        status: "open".into(),
        per_page: "15".into(),
        ..Default::default()
    }
    .check(15)?;
    let page =
        query::measure_list(&app.db, &v.actor, Within::All, &filter, app.clock.today()).await?;
    let (overdue, due_soon, review_due, done) = (
        count(&app, &v, "overdue").await?,
        count(&app, &v, "due_soon").await?,
        count(&app, &v, "review_due").await?,
        count(&app, &v, "done").await?,
    );
    let open = page.total;
    let more = usize::try_from(open)
        .ok()
        .filter(|n| *n > page.measures.len())
        .unwrap_or(0);
    let waiting = lifecycle::offered::waiting(&app.db, &v.actor, app.clock.today()).await?;
    let petitions =
        zhenggai_storage::ledger::petitions::in_handling(&app.db, &v.actor, app.clock.today())
            .await?;
    Ok(render(&HomePage {
        t: tr(&v),
        nav: Nav::new(&v, "home", "/"),
        page,
        waiting,
        overdue,
        due_soon,
        review_due,
        open,
        done,
        own_measures: matches!(v.actor.role, Role::Unit | Role::Leader),
        more,
        petitions,
    }))
}
