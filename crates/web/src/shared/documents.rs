//! The documents upward (D16) as the documents page, the API and `zhenggai report`
//! generate them: one inspection, a kind, a day and the header fields the office set,
//! read and written in one place so that the three give the same file.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use zhenggai_documents::reports::{self, Kind};
use zhenggai_documents::{Header, wording};
use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::weekly::week_of;
use zhenggai_storage::StoreError;
use zhenggai_storage::accounts::units;
use zhenggai_storage::db::Db;
use zhenggai_storage::ledger::{inspections, notices, supervision};
use zhenggai_storage::statistics::{self, Scope};

use super::weekly::summary_text;

/// A generated document: its file name and its bytes.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file name to offer, e.g. 某某关于…的报告-2024-03-31.docx.
    pub file_name: String,
    /// The `.docx`.
    pub bytes: Vec<u8>,
}

/// What the office asks for: a kind, the day its figures are of, and the header.
#[derive(Debug, Clone)]
pub struct Asked {
    /// Which document.
    pub kind: Kind,
    /// The day (today when `None`): the figures as of its end; the week and the month
    /// that hold it for the weekly summary and the monthly circular.
    pub as_of: Option<NaiveDate>,
    /// 版头 and 版记; its date, when none is set, is the day the figures are of.
    pub header: Header,
}

/// Generates `asked` for `inspection`. The header's fields are checked first (each at
/// its field); then storage refuses whoever may not read the figures, and a day after
/// today. The weekly summary and the monthly circular are the inspected organisation's
/// own: another organisation's reader (the upper level) is told so.
pub async fn generate(
    db: &Db,
    actor: &Actor,
    inspection: InspectionId,
    asked: &Asked,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Generated, StoreError> {
    asked.header.check().map_err(StoreError::Invalid)?;
    let mut header = asked.header.clone();
    let as_of = asked.as_of.unwrap_or(today);
    header.date.get_or_insert(as_of);
    let (document, file_name) = match asked.kind {
        Kind::Final | Kind::Public => {
            let ledger = statistics::report_ledger(db, actor, inspection, asked.as_of, today)
                .await
                .map_err(documents_refusal)?;
            nothing_as_of(&ledger.map.figures)?;
            let document = if asked.kind == Kind::Final {
                reports::final_report(&ledger, &header)
            } else {
                reports::public_notice(&ledger, &header)
            };
            let name = reports::file_name(&document.title, as_of);
            (document, name)
        }
        Kind::Weekly | Kind::Monthly => {
            // Both are the organisation's, over all its inspections: the figures of the
            // organisation first, which refuse who may not read them and a day ahead.
            let mut conn = db.pool().acquire().await?;
            let (org, _) = inspections::org_and_reference(&mut conn, inspection).await?;
            drop(conn);
            let figures =
                statistics::figures(db, actor, Scope::Organisation(org), asked.as_of, today)
                    .await
                    .map_err(documents_refusal)?;
            if org != actor.org {
                return Err(StoreError::Refused(
                    Refused::OrganisationDocumentsByItsOffice,
                ));
            }
            nothing_as_of(&figures)?;
            let org_name = units::get(db, org).await?.name;
            if asked.kind == Kind::Weekly {
                let monday = week_of(as_of);
                let text = summary_text(db, actor, monday, now, today).await?;
                let title = wording::weekly_summary_title(&org_name, monday);
                (
                    reports::weekly_summary(&title, &text, &header),
                    wording::weekly_summary_file_name(&org_name, monday),
                )
            } else {
                let rounds = supervision::rounds(db, actor).await?;
                let document = reports::monthly_circular(&org_name, &rounds, &figures, &header);
                let month = as_of.with_day(1).unwrap_or(as_of);
                let name = reports::file_name(&document.title, month);
                (document, name)
            }
        }
    };
    let bytes = document
        .to_docx()
        .map_err(|e| StoreError::Other(anyhow::anyhow!(e)))?;
    Ok(Generated { file_name, bytes })
}

/// Who may not read the figures is told who generates the documents.
fn documents_refusal(e: StoreError) -> StoreError {
    match e {
        StoreError::Refused(Refused::FiguresByLedgerReaders) => {
            StoreError::Refused(Refused::DocumentsByLedgerReaders)
        }
        other => other,
    }
}

/// A document of a day when the ledger held no problem yet is refused at the day: it
/// would report nothing.
fn nothing_as_of(figures: &statistics::Figures) -> Result<(), StoreError> {
    if figures.rectification.problems == 0 {
        return Err(StoreError::because(
            "as_of",
            zhenggai_domain::validate::Why::NothingAsOf { day: figures.as_of },
        ));
    }
    Ok(())
}

/// A 督办 notice as issued (督办通知书, 提醒书, 告诫书, 问责建议书), as a `.docx` in
/// official layout: for whoever may read the notice (storage decides).
pub async fn notice_docx(
    db: &Db,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<Generated, StoreError> {
    let (notice, m) = notices::get(db, actor, id, today).await?;
    let org = units::get(db, m.org_id).await?.name;
    let document = reports::escalation_notice(
        &notice,
        &m.content,
        &m.deadline.text,
        &m.lead_unit.name,
        m.leader.as_ref().map(|l| l.name.as_str()),
        &org,
    );
    let bytes = document
        .to_docx()
        .map_err(|e| StoreError::Other(anyhow::anyhow!(e)))?;
    Ok(Generated {
        file_name: reports::file_name(
            &format!("{}（{}）", document.title, notice.number),
            notice.issued_on,
        ),
        bytes,
    })
}

/// 会议情况报告 of a meeting, for whoever reads it (the upper level among them), dated
/// `today`.
pub async fn meeting_docx(
    db: &Db,
    actor: &Actor,
    meeting: i64,
    today: NaiveDate,
) -> Result<Generated, StoreError> {
    let m = zhenggai_storage::meetings::view::get(db, actor, meeting, today).await?;
    let header = Header {
        issuer: format!("{}党委", m.org),
        date: Some(today),
        ..Header::default()
    };
    let document = zhenggai_documents::meeting::meeting_report(&m, &header);
    let bytes = document
        .to_docx()
        .map_err(|e| StoreError::Other(anyhow::anyhow!(e)))?;
    Ok(Generated {
        file_name: reports::file_name(&document.title, today),
        bytes,
    })
}
