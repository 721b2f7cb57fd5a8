//! The home page: what needs this person now.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use zhenggai_domain::Role;
use zhenggai_storage::ledger::lifecycle::{self, offered::Waiting};
use zhenggai_storage::ledger::query::{self, FilterInput, MeasurePage, Within};
use zhenggai_storage::statistics::{self, Scope};

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

/// The tiles' figures: overdue, due soon and done measures.
struct Tiles {
    overdue: i64,
    due_soon: i64,
    done: i64,
}

/// Whoever reads whole ledgers sees the statistics module's figures, the battle map's
/// and the reports' (the upper level's over every organisation it oversees); a unit or a
/// leader their own measures, led or cooperated on, as their lists count them. `None`
/// for the open measures: the list of them the page shows counts them.
async fn tiles(app: &App, v: &Viewer) -> Result<(Tiles, Option<i64>), PageError> {
    if v.actor.reads_whole_ledgers() {
        let today = app.clock.today();
        let r = statistics::totals(&app.db, &v.actor, Scope::Everything, None, today).await?;
        let n = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
        let tiles = Tiles {
            overdue: n(r.measures_overdue),
            due_soon: n(r.measures_due_soon),
            done: n(r.measures_done),
        };
        return Ok((tiles, Some(n(r.measures - r.measures_done))));
    }
    let tiles = Tiles {
        overdue: count(app, v, "overdue").await?,
        due_soon: count(app, v, "due_soon").await?,
        done: count(app, v, "done").await?,
    };
    Ok((tiles, None))
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
    let today = app.clock.today();
    let (
        Tiles {
            overdue,
            due_soon,
            done,
        },
        counted,
    ) = tiles(&app, &v).await?;
    // The open measures' figure, where there is one, counts the list too: the page never
    // gives two numbers for one thing while the ledger is written between its reads.
    let page = match counted {
        Some(open) => {
            query::measure_page_counted(&app.db, &v.actor, Within::All, &filter, today, open)
                .await?
        }
        None => query::measure_list(&app.db, &v.actor, Within::All, &filter, today).await?,
    };
    let open = page.total;
    // 长期坚持 measures due a progress report: the lists' own filter, not a figure.
    let review_due = count(&app, &v, "review_due").await?;
    let more = usize::try_from(open)
        .ok()
        .filter(|n| *n > page.measures.len())
        .unwrap_or(0);
    let waiting = lifecycle::offered::waiting(&app.db, &v.actor, today).await?;
    let petitions =
        zhenggai_storage::ledger::petitions::in_handling(&app.db, &v.actor, today).await?;
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
        // The Party secretary is a leader who reads the whole ledger: not "mine".
        own_measures: matches!(v.actor.role, Role::Unit | Role::Leader)
            && !v.actor.reads_whole_ledgers(),
        more,
        petitions,
    }))
}
