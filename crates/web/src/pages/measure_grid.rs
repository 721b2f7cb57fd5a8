//! 批量录入措施: several measures of one problem entered at once, row by row as in a
//! sheet (pasted from Excel or WPS too), checked row by row and saved together in one
//! transaction, or not at all.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use zhenggai_domain::ProblemId;
use zhenggai_domain::access::MeasureEdit;
use zhenggai_storage::ledger::measures::{self, MAX_ROWS, MeasureInput};
use zhenggai_storage::ledger::problems::{self, Problem};

use super::measures::{OwnerChoices, blank_measure, new_measure_level, require_add_measure};
use super::{Choice, Errors, Nav, render, render_status, see_other, tr};
use crate::error::PageError;
use crate::form::{FormData, PageForm};
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

/// Rows a new grid shows.
const FIRST_ROWS: usize = 5;

/// One row of the grid as shown, with its errors.
struct GridRow {
    /// Its index in the form (0 first).
    i: usize,
    input: MeasureInput,
    lead_units: Vec<Choice>,
    coop_units: Vec<Choice>,
    leaders: Vec<Choice>,
    /// Field → message, for this row.
    errors: Vec<(String, String)>,
}

impl GridRow {
    /// The row's number as people count.
    fn n(&self) -> usize {
        self.i + 1
    }

    /// A field's name in the form.
    fn name(&self, field: &str) -> String {
        format!("rows.{}.{field}", self.i)
    }

    /// The message for one of the row's fields, if it failed.
    fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn failed(&self) -> bool {
        !self.errors.is_empty()
    }
}

#[derive(Template)]
#[template(path = "measure_grid.html")]
struct GridPage {
    t: Tr,
    nav: Nav,
    problem: Problem,
    /// The office chooses each row's lead unit; a lead unit leads what it drafts.
    choose_lead: bool,
    /// The lead unit's name, when it is fixed.
    own_unit: String,
    rows: Vec<GridRow>,
    /// Every error, row by row, for the list above the grid.
    summary: Vec<String>,
    /// The address that shows five more rows (without the script).
    more: String,
    max_rows: usize,
}

#[derive(serde::Deserialize)]
pub struct RowsQuery {
    rows: Option<usize>,
}

/// Reads the grid's rows: fields `rows.{i}.{field}`, `i` from 0; a row missing in the
/// middle is blank.
fn rows_from(form: &FormData) -> Vec<MeasureInput> {
    let count = form
        .0
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix("rows.")?
                .split('.')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .filter(|i| *i < MAX_ROWS * 2)
        .max()
        .map_or(0, |i| i + 1);
    (0..count)
        .map(|i| {
            let f = |name: &str| form.get(&format!("rows.{i}.{name}")).to_string();
            let id = |name: &str| f(name).trim().parse::<i64>().ok().filter(|v| *v > 0);
            MeasureInput {
                content: f("content"),
                lead_unit_id: id("lead_unit_id").unwrap_or(0),
                cooperating_unit_ids: form
                    .all(&format!("rows.{i}.cooperating_unit_ids"))
                    .iter()
                    .filter_map(|s| s.trim().parse().ok())
                    .collect(),
                leader_id: id("leader_id"),
                responsible_person: f("responsible_person"),
                target: f("target"),
                deadline: f("deadline"),
            }
        })
        .collect()
}

async fn grid_page(
    app: &App,
    v: &Viewer,
    problem: Problem,
    inputs: Vec<MeasureInput>,
    errors: Errors,
) -> Result<GridPage, PageError> {
    let choices = OwnerChoices::of(app, &problem).await?;
    let choose_lead = new_measure_level(v, &problem) >= MeasureEdit::All;
    let own_unit = choices
        .depts
        .iter()
        .find(|u| u.id == v.actor.unit)
        .map(|u| u.label().to_string())
        .unwrap_or_default();
    let rows: Vec<GridRow> = inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| {
            let prefix = format!("rows.{i}.");
            GridRow {
                i,
                lead_units: choices.lead(&input),
                coop_units: choices.cooperating(&input),
                leaders: choices.leaders(&input),
                errors: errors
                    .list
                    .iter()
                    .filter_map(|e| {
                        let field = e.field.strip_prefix(&prefix)?;
                        // Beside its cell the message needs no row number.
                        let bare = match &e.why {
                            zhenggai_domain::validate::Why::InRow { why, .. } => {
                                crate::i18n::why(errors.lang, why)
                            }
                            _ => errors.message(e),
                        };
                        Some((field.to_string(), bare))
                    })
                    .collect(),
                input,
            }
        })
        .collect();
    let path = format!("/problems/{}/measures/batch", problem.id);
    Ok(GridPage {
        t: tr(v),
        nav: Nav::new(v, "measures", &path),
        summary: errors
            .list
            .iter()
            .map(|e| errors.message(e).to_string())
            .collect(),
        more: format!("{path}?rows={}", (rows.len() + FIRST_ROWS).min(MAX_ROWS)),
        max_rows: MAX_ROWS,
        problem,
        choose_lead,
        own_unit,
        rows,
    })
}

/// GET /problems/{id}/measures/batch — the grid, five rows (`?rows=` for more).
pub async fn new(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<RowsQuery>,
) -> Result<Response, PageError> {
    let problem = problems::get(&app.db, &v.actor, ProblemId(id)).await?;
    require_add_measure(&app, &v, &problem).await?;
    let n = q.rows.unwrap_or(FIRST_ROWS).clamp(1, MAX_ROWS);
    let blank = blank_measure(&v, &problem);
    let page = grid_page(&app, &v, problem, vec![blank; n], Errors::none(v.lang)).await?;
    Ok(render(&page))
}

/// POST /problems/{id}/measures/batch — saves every filled row, or none.
pub async fn create(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let problem = problems::get(&app.db, &v.actor, ProblemId(id)).await?;
    let rows = rows_from(&form);
    match measures::create_many(&app.db, &v.actor, v.change(&app), problem.id, &rows).await {
        Ok(_) => Ok(see_other(&format!("/problems/{id}#measures"))),
        Err(e) => {
            let errors = Errors::refused(e, v.lang)?;
            let rows = if rows.is_empty() {
                vec![blank_measure(&v, &problem); FIRST_ROWS]
            } else {
                rows
            };
            let status = errors.status();
            let page = grid_page(&app, &v, problem, rows, errors).await?;
            Ok(render_status(status, &page))
        }
    }
}
