//! The ledger written as the `.xlsx` offices hand upward, in Chinese (an official
//! document whatever the reader's language), for the page's download and the API's.

use std::collections::HashMap;

use axum::response::Response;
use zhenggai_domain::MeasureId;
use zhenggai_domain::access::Actor;
use zhenggai_spreadsheet::export;
use zhenggai_storage::error::StoreError;
use zhenggai_storage::ledger::inspections::Inspection;
use zhenggai_storage::ledger::progress;
use zhenggai_storage::ledger::query::{self, Filter, LedgerAspect, LedgerPage};

use crate::download::download;
use crate::i18n::{Lang, Tr};
use crate::state::App;
use zhenggai_documents::wording as documents;

/// The type of an `.xlsx` file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The ledger (or the filtered part of it the person sees) as the `.xlsx` offices hand
/// upward, in Chinese: status and progress as of today.
pub async fn ledger_file(
    app: &App,
    actor: &Actor,
    inspection: &Inspection,
    mut filter: Filter,
) -> Result<Vec<u8>, StoreError> {
    // Page by page, so that the rows of a large ledger are not all read at once, and
    // written on a thread of its own while the next page is read.
    filter.per_page = 5000;
    let today = app.clock.today();
    let latest = progress::latest_by_measure(&app.db, inspection.id).await?;
    let title = documents::ledger_title(&inspection.title);
    let date_line = documents::ledger_as_of(today, &app.audit_code().await?);
    let (send, writer) = spawn_writer(title, date_line);
    let to_sheet = |a: LedgerAspect| sheet_aspect(a, &latest);
    let pages = PageReader {
        app,
        actor,
        inspection,
        filter,
        today,
    };
    pages.send_aspects(&send, to_sheet).await?;
    drop(send);
    Ok(writer.await.map_err(anyhow::Error::from)??)
}

/// The ledger file as a download, named after its inspection.
pub async fn ledger_download(
    app: &App,
    actor: &Actor,
    inspection: &Inspection,
    filter: Filter,
) -> Result<Response, StoreError> {
    let bytes = ledger_file(app, actor, inspection, filter).await?;
    Ok(download(
        &documents::ledger_file_name(&inspection.title),
        XLSX,
        bytes,
    ))
}

/// Where the reader hands the writer a page's aspects.
type AspectQueue = tokio::sync::mpsc::Sender<Vec<export::Aspect>>;

/// The file, once the writer has it.
type WrittenFile = tokio::task::JoinHandle<Result<Vec<u8>, anyhow::Error>>;

/// The writer on a blocking thread of its own, and the queue it takes aspects from. It
/// is handed a page's aspects at once: handed them one by one through a short queue, the
/// reader waited for the writer at the end of every page (1.1 s of a 5.7 s export of
/// 100,000 rows, docs/benchmarks.md).
fn spawn_writer(title: String, date_line: String) -> (AspectQueue, WrittenFile) {
    let (send, written) = tokio::sync::mpsc::channel::<Vec<export::Aspect>>(1);
    let writer = tokio::task::spawn_blocking(move || {
        write_aspects(&title, &date_line, written)
            .map_err(|e| anyhow::anyhow!("writing the ledger: {e}"))
    });
    (send, writer)
}

/// Writes the aspects as they come, until the queue is closed.
fn write_aspects(
    title: &str,
    date_line: &str,
    mut written: tokio::sync::mpsc::Receiver<Vec<export::Aspect>>,
) -> Result<Vec<u8>, impl std::fmt::Display> {
    let mut writer = export::LedgerWriter::new(title, date_line)?;
    while let Some(aspects) = written.blocking_recv() {
        for aspect in &aspects {
            writer.aspect(aspect)?;
        }
    }
    writer.finish()
}

/// An aspect as the sheet shows it, in Chinese, with each measure's latest progress.
fn sheet_aspect(a: LedgerAspect, latest: &HashMap<MeasureId, String>) -> export::Aspect {
    let t = Tr(Lang::Zh);
    export::Aspect {
        title: a.title,
        problems: a
            .problems
            .into_iter()
            .map(|p| export::Problem {
                text: p
                    .description
                    .filter(|d| d.starts_with(&p.title))
                    .unwrap_or(p.title),
                measures: p
                    .measures
                    .into_iter()
                    .map(|m| export::Measure {
                        progress: latest.get(&m.id).cloned().unwrap_or_default(),
                        status: t.standing(m.standing),
                        content: m.content,
                        leader: m.leader.map(|l| l.name).unwrap_or_default(),
                        lead_unit: m.lead_unit.name,
                        cooperating: m.cooperating.into_iter().map(|u| u.name).collect(),
                        responsible: m.responsible_person.unwrap_or_default(),
                        deadline: m.deadline.text,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Reads the ledger a page at a time for the writer.
struct PageReader<'a> {
    app: &'a App,
    actor: &'a Actor,
    inspection: &'a Inspection,
    filter: Filter,
    today: chrono::NaiveDate,
}

impl PageReader<'_> {
    /// Each page is read by a task of its own, the next one while this one is handed to
    /// the writer: on SQLite the driver hands each row from its connection's thread to
    /// the reader's, and two pages come through side by side (SQLite's export about
    /// 12 % faster; PostgreSQL's the same within the noise, docs/benchmarks.md).
    fn read(&self, page_no: i64) -> tokio::task::JoinHandle<Result<LedgerPage, StoreError>> {
        let (db, actor, mut filter) =
            (self.app.db.clone(), self.actor.clone(), self.filter.clone());
        let (id, org, today) = (self.inspection.id, self.inspection.org_id, self.today);
        filter.page = page_no;
        tokio::spawn(async move { query::ledger(&db, &actor, id, org, &filter, today).await })
    }

    /// Hands every aspect to the writer, each whole: the last aspect read may go on on
    /// the next page. Stops reading when the writer stops (its error is the answer).
    async fn send_aspects(
        &self,
        send: &AspectQueue,
        to_sheet: impl Fn(LedgerAspect) -> export::Aspect,
    ) -> Result<(), StoreError> {
        let mut open: Option<LedgerAspect> = None;
        let mut reading = Some(self.read(1));
        while let Some(task) = reading.take() {
            let page = task.await.map_err(anyhow::Error::from)??;
            if page.page * page.per_page < page.total_problems {
                reading = Some(self.read(page.page + 1));
            }
            let mut done = Vec::new();
            for a in page.aspects {
                match &mut open {
                    Some(last) if last.id == a.id => last.problems.extend(a.problems),
                    _ => done.extend(open.replace(a).map(&to_sheet)),
                }
            }
            if send.send(done).await.is_err()
                && let Some(task) = reading.take()
            {
                task.abort();
            }
        }
        if let Some(done) = open {
            // An error here is the writer's, answered below.
            let _ = send.send(vec![to_sheet(done)]).await;
        }
        Ok(())
    }
}
