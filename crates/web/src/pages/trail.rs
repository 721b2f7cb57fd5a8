//! The trail of one record (who changed what, when, why), on a page and as a CSV
//! download: for the audit administrator (any record) and for supervisors (the
//! inspections, problems and measures they can read).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use zhenggai_domain::{InspectionId, MeasureId, ProblemId, Role};
use zhenggai_storage::StoreError;
use zhenggai_storage::audit::{self, AuditEntry, Entity};
use zhenggai_storage::ledger::{inspections, measures, problems};

use super::{Nav, render, tr};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

/// Loads the trail of a record if the viewer may read it.
pub async fn readable_trail(
    app: &App,
    v: &Viewer,
    table: &str,
    id: i64,
) -> Result<(Entity, Vec<AuditEntry>), StoreError> {
    let entity = Entity::from_table(table).ok_or(StoreError::NotFound)?;
    match v.actor.role {
        Role::AuditAdmin => {}
        Role::Supervisor => {
            // A supervisor reads the trail of what they can read: the record must load.
            match entity {
                Entity::Inspection => {
                    drop(inspections::get(&app.db, &v.actor, InspectionId(id)).await?)
                }
                Entity::Problem => drop(problems::get(&app.db, &v.actor, ProblemId(id)).await?),
                Entity::Measure => {
                    drop(measures::get(&app.db, &v.actor, MeasureId(id), app.clock.today()).await?)
                }
                _ => return Err(StoreError::Forbidden),
            }
        }
        _ => return Err(StoreError::Forbidden),
    }
    let mut tx = app.db.begin().await?;
    let trail = audit::trail(tx.conn(), entity, id).await?;
    drop(tx);
    if trail.is_empty() {
        return Err(StoreError::NotFound);
    }
    Ok((entity, trail))
}

#[derive(Template)]
#[template(path = "trail.html")]
struct TrailPage {
    t: Tr,
    nav: Nav,
    table: String,
    id: i64,
    entries: Vec<AuditEntry>,
}

/// GET /records/{table}/{id}/trail
pub async fn page(
    State(app): State<App>,
    v: Viewer,
    Path((table, id)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let (entity, entries) = readable_trail(&app, &v, &table, id).await?;
    let path = format!("/records/{}/{id}/trail", entity.table());
    Ok(render(&TrailPage {
        t: tr(&v),
        nav: Nav::new(&v, "audit", &path),
        table: entity.table().to_string(),
        id,
        entries,
    }))
}

/// CSV of a trail: one line per changed field, with a BOM so that Excel reads UTF-8,
/// and no field that Excel or WPS would run as a formula.
pub fn csv(entries: &[AuditEntry]) -> String {
    use zhenggai_spreadsheet::export::csv_field as cell;
    let mut out =
        String::from("\u{feff}entry,at,actor,action,entity,entity_id,reason,field,was,now\r\n");
    for e in entries {
        let head = [
            e.id.to_string(),
            cell(&e.at),
            cell(e.actor.as_deref().unwrap_or("system")),
            cell(&e.action),
            cell(&e.entity),
            e.entity_id.to_string(),
            cell(e.reason.as_deref().unwrap_or("")),
        ]
        .join(",");
        if e.changes.is_empty() {
            out.push_str(&format!("{head},,,\r\n"));
        }
        for c in &e.changes {
            out.push_str(&format!(
                "{head},{},{},{}\r\n",
                cell(&c.field),
                cell(&c.was.to_string()),
                cell(&c.now.to_string())
            ));
        }
    }
    out
}

/// GET /records/{table}/{id}/trail.csv
pub async fn export(
    State(app): State<App>,
    v: Viewer,
    Path((table, id)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let (entity, entries) = readable_trail(&app, &v, &table, id).await?;
    // The code last, in a row of its own, so that the entries' columns stay as they are.
    let code = app.audit_code().await?;
    let mut resp = format!(
        "{}\"审计校验码 / audit code\",\"{code}\"\r\n",
        csv(&entries)
    )
    .into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"trail-{}-{id}.csv\"",
        entity.table()
    )) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(resp)
}
