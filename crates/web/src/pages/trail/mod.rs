//! The audit trail read as a record (D21): the trail of one record for whoever reads
//! the ledger (the inspections, problems and measures they can read: "verifiable by
//! anyone with read access to it") and the audit administrator (any record), and the
//! whole trail for the audit administrator
//! with `audit verify` a button away. Filtered by person, action, day and words, a page
//! at a time, and downloadable as CSV with the readable columns beside the raw ones.
//!
//! Who reads what is decided by role (D22) in `shared::trail`, for the pages and the
//! API alike; everyone else is refused.

// The trail's words are the API's too; `words` stays reachable here for the tests that
// read an entry as the page does.
pub use crate::shared::trail::words;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeZone};
use zhenggai_storage::StoreError;
use zhenggai_storage::audit::Entity;
use zhenggai_storage::audit::trail::{self, TrailFilter, Who};

use super::{Nav, Pager, render, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::shared::trail::{check, may_read_record, whole_trail};
use crate::state::App;
use words::{Line, Reader};

/// The filter as typed, kept to fill the form again.
#[derive(Debug, Clone, Default)]
pub struct FilterInput {
    /// The person's id.
    pub who: String,
    /// The action's code.
    pub action: String,
    /// The first day (Beijing).
    pub from: String,
    /// The last day (Beijing).
    pub until: String,
    /// Words.
    pub q: String,
}

impl FilterInput {
    fn of(pairs: &[(String, String)]) -> FilterInput {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        FilterInput {
            who: get("who"),
            action: get("action"),
            from: get("from"),
            until: get("until"),
            q: get("q"),
        }
    }

    /// Whether anything narrows the list.
    pub fn any(&self) -> bool {
        [&self.who, &self.action, &self.from, &self.until, &self.q]
            .iter()
            .any(|s| !s.is_empty())
    }

    /// The storage filter, and what could not be read (said in the reader's language;
    /// what cannot be read does not narrow the list).
    fn checked(&self, t: &Tr, record: Option<(Entity, i64)>) -> (TrailFilter, Vec<String>) {
        let mut errors = Vec::new();
        // Read as every form's date (the year's range, a day the month lacks), each
        // refusal after the filter's label; what does not read does not narrow the list.
        let mut day = |s: &str, label: &str| {
            let mut c = zhenggai_domain::validate::Checker::default();
            let d = c.optional_date("day", s);
            if let Err(list) = c.finish() {
                for e in list {
                    errors.push(format!("{label}：{}", crate::i18n::why(t.0, &e.why)));
                }
            }
            d
        };
        let from = day(&self.from, t.trail_from());
        let mut until = day(&self.until, t.trail_until());
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            errors.push(t.trail_dates_reversed().to_string());
            until = None;
        }
        let filter = TrailFilter {
            record,
            actor: match self.who.as_str() {
                SYSTEM => Some(Who::System),
                who => who.parse().ok().map(Who::Person),
            },
            action: words::actions(record.is_none())
                .find(|a| *a == self.action)
                .map(str::to_string),
            from: from.map(beijing_midnight),
            until: until.and_then(|d| d.succ_opt()).map(beijing_midnight),
            words: (!self.q.is_empty()).then(|| self.q.clone()),
        };
        (filter, errors)
    }
}

/// The person filter's value for the entries the system made itself.
const SYSTEM: &str = "system";

/// The instant a Beijing day begins.
fn beijing_midnight(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    china
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// An option of the filter's selects.
#[derive(Debug, Clone)]
pub struct Opt {
    /// Its value.
    pub value: String,
    /// What the person reads.
    pub label: String,
}

#[derive(Template)]
#[template(path = "trail.html")]
struct TrailPage {
    t: Tr,
    nav: Nav,
    heading: String,
    /// The record's own page, for a supervisor.
    record_href: Option<String>,
    /// The whole trail (a column naming each entry's record, the verify form).
    whole: bool,
    path: String,
    csv_href: String,
    filter: FilterInput,
    people: Vec<Opt>,
    actions: Vec<Opt>,
    errors: Vec<String>,
    total: i64,
    lines: Vec<Line>,
    pager: Pager,
    verified: Option<check::Verified>,
    codes: String,
    /// Audit codes typed that are not codes.
    code_errors: Vec<String>,
}

/// Entries a page shows.
const PER_PAGE: i64 = 50;
/// Entries a CSV holds at most: a filter narrows a larger trail.
const CSV_LIMIT: i64 = 100_000;

fn page_of(pairs: &[(String, String)]) -> i64 {
    pairs
        .iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn query_string(pairs: &[(String, String)]) -> String {
    let kept: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| k != "page" && !v.is_empty())
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// The page of a trail, whole or of one record.
async fn trail_page(
    app: &App,
    v: &Viewer,
    record: Option<(Entity, i64)>,
    pairs: &[(String, String)],
    verified: Option<check::Verified>,
    codes: String,
) -> Result<TrailPage, PageError> {
    let t = tr(v);
    let input = FilterInput::of(pairs);
    let (filter, errors) = input.checked(&t, record);
    let page = page_of(pairs);
    let read = trail::read(
        &app.db,
        &filter,
        record.is_none(),
        (page - 1) * PER_PAGE,
        PER_PAGE,
    )
    .await?;
    let mut wanted = words::pointed_to(&read.entries);
    wanted.extend(record);
    let reader = Reader::new(app, t, v.actor.role, wanted).await?;
    let (path, heading, record_href) = match record {
        Some((entity, id)) => {
            let named = reader.named(entity, id);
            (
                format!("/records/{}/{id}/trail", entity.table()),
                format!(
                    "{} · {} · {}",
                    t.trail(),
                    words::entity(&t, entity.table()),
                    named.text
                ),
                named.href.filter(|h| !h.contains("/trail")),
            )
        }
        None => ("/admin/audit".to_string(), t.audit().to_string(), None),
    };
    let mut people: Vec<Opt> = trail::people(&app.db, record)
        .await?
        .into_iter()
        .map(|(id, name)| Opt {
            value: id.to_string(),
            label: name,
        })
        .collect();
    if trail::system_acted(&app.db, record).await? {
        people.push(Opt {
            value: SYSTEM.to_string(),
            label: t.system().to_string(),
        });
    }
    // A record's trail offers the actions its entries hold (and the one chosen, so that
    // the filter still shows it); the whole trail offers every action.
    let present = match record {
        Some((entity, id)) => Some(trail::record_actions(&app.db, entity, id).await?),
        None => None,
    };
    let actions = words::actions(record.is_none())
        .filter(|a| {
            present
                .as_ref()
                .is_none_or(|p| p.contains(*a) || *a == input.action)
        })
        .map(|a| Opt {
            value: a.to_string(),
            label: words::action(&t, a),
        })
        .collect();
    Ok(TrailPage {
        t,
        nav: Nav::new(v, "audit", &path),
        heading,
        record_href,
        whole: record.is_none(),
        csv_href: if record.is_some() {
            format!("{path}.csv{}", query_string(pairs))
        } else {
            format!("/admin/audit.csv{}", query_string(pairs))
        },
        pager: Pager::new(&path, pairs, page, PER_PAGE, read.total),
        path,
        filter: input,
        people,
        actions,
        errors,
        total: read.total,
        lines: read.entries.into_iter().map(|e| reader.line(e)).collect(),
        verified,
        codes,
        code_errors: Vec::new(),
    })
}

/// GET /records/{table}/{id}/trail
pub async fn page(
    State(app): State<App>,
    v: Viewer,
    Path((table, id)): Path<(String, i64)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let entity = may_read_record(&app, &v, &table, id).await?;
    let page = trail_page(&app, &v, Some((entity, id)), &pairs, None, String::new()).await?;
    if page.total == 0 && !page.filter.any() {
        return Err(StoreError::NotFound.into());
    }
    Ok(render(&page))
}

/// GET /admin/audit — the whole trail, newest first (audit administrator).
pub async fn whole(
    State(app): State<App>,
    v: Viewer,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    whole_trail(&v)?;
    Ok(render(
        &trail_page(&app, &v, None, &pairs, None, String::new()).await?,
    ))
}

/// POST /admin/audit/verify — `audit verify` from the page (audit administrator), its
/// result in words above the whole trail.
pub async fn verify(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    whole_trail(&v)?;
    let codes = form.get("codes").trim().to_string();
    let (claims, bad) = check::claims(&codes);
    if !bad.is_empty() {
        let mut page = trail_page(&app, &v, None, &[], None, codes).await?;
        page.code_errors = bad
            .iter()
            .map(|c| format!("{c}：{}", page.t.verify_bad_code()))
            .collect();
        return Ok(super::render_status(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &page,
        ));
    }
    let verified = check::run(&app, &v, &claims).await?;
    Ok(render(
        &trail_page(&app, &v, None, &[], Some(verified), codes).await?,
    ))
}

/// The CSV of lines: the readable columns in the reader's language, then the raw ones
/// as stored; one line per changed field; a BOM so that Excel reads UTF-8, and no field
/// that Excel or WPS would run as a formula.
pub fn csv(t: &Tr, lines: &[Line]) -> String {
    use zhenggai_spreadsheet::export::csv_field as cell;
    let readable = [
        t.trail_entry_no(),
        t.when_label(),
        t.who(),
        t.action(),
        t.trail_record_kind(),
        t.record(),
        t.reason(),
        t.trail_field(),
        t.trail_was(),
        t.trail_now(),
    ];
    let mut out = String::from("\u{feff}");
    out.push_str(&readable.map(cell).join(","));
    out.push_str(",entry,at,actor,action,entity,entity_id,reason,field,was,now\r\n");
    for l in lines {
        let e = &l.raw;
        let record = [
            l.id.to_string(),
            cell(&l.at),
            cell(&l.actor),
            cell(&match &l.transition {
                Some((a, b)) => format!("{}（{a} → {b}）", l.action),
                None => l.action.clone(),
            }),
            cell(&l.kind),
            cell(&l.record.text),
            cell(e.reason.as_deref().unwrap_or("")),
        ]
        .join(",");
        let raw = [
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
            out.push_str(&format!("{record},,,,{raw},,,\r\n"));
        }
        for (c, f) in e.changes.iter().zip(&l.changes) {
            out.push_str(&format!(
                "{record},{},{},{},{raw},{},{},{}\r\n",
                cell(&f.label),
                cell(f.was.as_ref().map_or("", |w| w.text.as_str())),
                cell(&f.now.text),
                cell(&c.field),
                cell(&c.was.to_string()),
                cell(&c.now.to_string())
            ));
        }
    }
    out
}

/// A CSV download with the audit code in a last row of its own, so that the entries'
/// columns stay as they are.
async fn csv_download(
    app: &App,
    v: &Viewer,
    record: Option<(Entity, i64)>,
    pairs: &[(String, String)],
    name: &str,
) -> Result<Response, PageError> {
    let t = tr(v);
    let (filter, _) = FilterInput::of(pairs).checked(&t, record);
    let read = trail::read(&app.db, &filter, record.is_none(), 0, CSV_LIMIT).await?;
    let reader = Reader::new(app, t, v.actor.role, words::pointed_to(&read.entries)).await?;
    let lines: Vec<Line> = read.entries.into_iter().map(|e| reader.line(e)).collect();
    let code = app.audit_code().await?;
    let mut resp = format!(
        "{}\"{}\",\"{code}\"\r\n",
        csv(&t, &lines),
        zhenggai_documents::wording::CSV_AUDIT_CODE
    )
    .into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(resp)
}

/// GET /records/{table}/{id}/trail.csv
pub async fn export(
    State(app): State<App>,
    v: Viewer,
    Path((table, id)): Path<(String, i64)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let entity = may_read_record(&app, &v, &table, id).await?;
    let name = format!("trail-{}-{id}.csv", entity.table());
    csv_download(&app, &v, Some((entity, id)), &pairs, &name).await
}

/// GET /admin/audit.csv — the whole trail as filtered (audit administrator).
pub async fn export_whole(
    State(app): State<App>,
    v: Viewer,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    whole_trail(&v)?;
    csv_download(&app, &v, None, &pairs, "audit-trail.csv").await
}
