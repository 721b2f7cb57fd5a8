//! 上报文件 (D16): the office chooses a document, the day its figures are of and the
//! header fields, and downloads the `.docx`; a 督办 notice downloads as `.docx` from its
//! page; and the office marks a problem or a result 不予公开 for the public notice.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_documents::Header;
use zhenggai_documents::reports::Kind;
use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Access;
use zhenggai_domain::reason::{Choose, Refused};
use zhenggai_domain::validate::{Checker, FieldError, Why};
use zhenggai_storage::StoreError;
use zhenggai_storage::ledger::archive::{self, Made};
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::ledger::publication::{self, Publishable};

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::download::download;
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::shared::documents::{Asked, generate, notice_docx};
use crate::shared::weekly::DOCX;
use crate::state::App;

/// One document the page offers.
pub struct Choice {
    /// Its code (final, public, weekly, monthly).
    pub code: &'static str,
    /// Whether the reader may generate it (the weekly summary and the circular are the
    /// inspected organisation's own).
    pub allowed: bool,
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct DocumentForm {
    /// The document's code.
    pub kind: String,
    /// The day, as typed.
    pub as_of: String,
    /// 发文机关.
    pub issuer: String,
    /// 发文字号.
    pub number: String,
    /// 签发人.
    pub signer: String,
    /// 主送机关.
    pub to: String,
    /// 抄送机关.
    pub cc: String,
    /// 密级.
    pub classification: String,
    /// 成文日期, as typed.
    pub date: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    t: Tr,
    nav: Nav,
    inspection: Inspection,
    choices: Vec<Choice>,
    form: DocumentForm,
    errors: Errors,
    /// Whether the reader makes the archive package (the office).
    can_archive: bool,
    /// The packages made so far, the latest first (the office's).
    made: Vec<Made>,
}

impl DocumentsPage {
    /// A choice's name in the page's language.
    fn name(&self, code: &str) -> &'static str {
        self.t.s(&format!("docs_{code}"))
    }

    /// What a choice holds, in the page's language.
    fn note(&self, code: &str) -> &'static str {
        self.t.s(&format!("docs_{code}_note"))
    }
}

/// The inspection, if the reader may generate its documents: those who read its whole
/// ledger (the office, 纪检, the Party secretary, the upper level); a unit or leader is
/// told who does.
async fn inspection(app: &App, v: &Viewer, id: i64) -> Result<Inspection, PageError> {
    let inspection = inspections::get(&app.db, &v.actor, InspectionId(id)).await?;
    if v.actor.ledger_access(inspection.org_id) < Access::Read {
        return Err(StoreError::Refused(Refused::DocumentsByLedgerReaders).into());
    }
    Ok(inspection)
}

async fn page(
    app: &App,
    v: &Viewer,
    inspection: Inspection,
    form: DocumentForm,
    errors: Errors,
) -> Result<DocumentsPage, PageError> {
    let can_archive = v.actor.ledger_access(inspection.org_id) >= Access::Edit;
    let made = if can_archive {
        archive::made(&app.db, &v.actor, inspection.id).await?
    } else {
        Vec::new()
    };
    let own = inspection.org_id == v.actor.org;
    let path = format!("/inspections/{}/documents", inspection.id.0);
    Ok(DocumentsPage {
        t: tr(v),
        nav: Nav::new(v, "inspections", &path),
        choices: Kind::ALL
            .into_iter()
            .map(|k| Choice {
                code: k.code(),
                allowed: own || matches!(k, Kind::Final | Kind::Public),
            })
            .collect(),
        can_archive,
        made,
        inspection,
        form,
        errors,
    })
}

/// GET /inspections/{id}/documents — the form, the issuer set to the inspected
/// organisation and the final report chosen.
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let inspection = inspection(&app, &v, id).await?;
    let form = DocumentForm {
        kind: Kind::Final.code().to_string(),
        issuer: inspection.org_name.clone(),
        ..DocumentForm::default()
    };
    let errors = Errors::none(v.lang);
    Ok(render(&page(&app, &v, inspection, form, errors).await?))
}

/// POST /inspections/{id}/documents — the `.docx`, or the form again with what is wrong
/// at each field.
pub async fn generate_document(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(f): PageForm,
) -> Result<Response, PageError> {
    let inspection = inspection(&app, &v, id).await?;
    let form = DocumentForm {
        kind: f.get("kind").trim().to_string(),
        as_of: f.get("as_of").trim().to_string(),
        issuer: f.get("issuer").to_string(),
        number: f.get("number").to_string(),
        signer: f.get("signer").to_string(),
        to: f.get("to").to_string(),
        cc: f.get("cc").to_string(),
        classification: f.get("classification").to_string(),
        date: f.get("date").trim().to_string(),
    };
    let mut c = Checker::default();
    let kind = Kind::from_code(&form.kind);
    if kind.is_none() {
        c.push(FieldError::because(
            "kind",
            Why::Choose(Choose::DocumentKind),
        ));
    }
    let as_of = c.optional_date("as_of", &form.as_of);
    let date = c.optional_date("date", &form.date);
    let result = match (c.finish(), kind) {
        (Ok(()), Some(kind)) => {
            let asked = Asked {
                kind,
                as_of,
                header: Header {
                    issuer: form.issuer.clone(),
                    number: form.number.clone(),
                    signer: form.signer.clone(),
                    to: form.to.clone(),
                    cc: form.cc.clone(),
                    classification: form.classification.clone(),
                    date,
                },
            };
            generate(
                &app.db,
                &v.actor,
                inspection.id,
                &asked,
                app.clock.now(),
                app.clock.today(),
            )
            .await
        }
        (Err(list), _) => Err(StoreError::Invalid(list)),
        (Ok(()), None) => Err(StoreError::because(
            "kind",
            Why::Choose(Choose::DocumentKind),
        )),
    };
    match result {
        Ok(generated) => Ok(download(&generated.file_name, DOCX, generated.bytes)),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, inspection, form, errors).await
            })
            .await
        }
    }
}

/// GET /inspections/{id}/archive.zip — the archive package (归档材料包), written to an
/// unnamed temporary file and streamed from it (the office's).
pub async fn archive(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(crate::shared::archive::download(&app, &v.actor, v.change(&app), InspectionId(id)).await?)
}

/// GET /notices/{id}/notice.docx — a 督办 notice as issued, as `.docx`.
pub async fn notice(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let generated = notice_docx(&app.db, &v.actor, id, app.clock.today()).await?;
    Ok(download(&generated.file_name, DOCX, generated.bytes))
}

/// POST /publication/{kind}/{id} — the office marks a problem or a result 不予公开, or
/// clears the mark, and returns to the problem or the outcomes page.
pub async fn set_publication(
    State(app): State<App>,
    v: Viewer,
    Path((kind, id)): Path<(String, i64)>,
    PageForm(f): PageForm,
) -> Result<Response, PageError> {
    let what = Publishable::from_code(&kind).ok_or(StoreError::NotFound)?;
    let version = f.get("version").trim().parse().unwrap_or(-1);
    let public = f.get("public").trim() == "1";
    let inspection =
        publication::set(&app.db, &v.actor, v.change(&app), what, id, version, public).await?;
    Ok(see_other(&match what {
        Publishable::Problem => format!("/problems/{id}#publication"),
        _ => format!(
            "/inspections/{}/outcomes#{}-{id}",
            inspection.0,
            what.code()
        ),
    }))
}
