//! Importing the ledger an office already keeps: upload → preview of how every row was
//! read (with the columns no field is read from, to decide) → commit, all or nothing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenggai_domain::InspectionId;
use zhenggai_domain::UnitId;
use zhenggai_domain::reason::{Choose, Files, Import};
use zhenggai_domain::validate::FieldError;
use zhenggai_domain::validate::Why;
use zhenggai_spreadsheet::layout::{Field, Synonyms};
use zhenggai_spreadsheet::{Issue, Reading, Row};
use zhenggai_storage::accounts::units;
use zhenggai_storage::error::StoreError;
use zhenggai_storage::ledger::import::{self, Decisions, ImportRecord, Matching, Source};
use zhenggai_storage::ledger::inspections::Inspection;
use zhenggai_storage::settings::header_words::{self, Meaning};

use crate::error::PageError;
use crate::form::{FormData, PageFiles, PageForm};
use crate::i18n::Tr;
use crate::pages::{
    Choice, Errors, Nav, Pager, field_errors, render, render_status, see_other, tr,
};
use crate::readings::ReadingKey;
use crate::session::Viewer;
use crate::state::App;
use std::sync::Arc;
use zhenggai_storage::accounts::uploads::{self, Uploader};

use crate::shared::spreadsheets::{import_synonyms, office_inspection, read_bytes};

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    t: Tr,
    nav: Nav,
    inspection: Inspection,
    errors: Errors,
    preview: Option<Preview>,
    /// The files imported before, newest first (shown with the upload form).
    imports: Vec<ImportRecord>,
}

/// Rows of the reading one preview page shows. All of a 100,000-row ledger's rows on
/// one page made 42 MB of HTML that Chromium took 70 s to show; a page of this many is
/// read at a glance, and every row is a link away (the errors link to theirs).
const PREVIEW_ROWS: usize = 200;

/// Errors and warnings listed at most; the rest are counted. A file with more than this
/// is mended and uploaded again before its other issues matter.
const PREVIEW_ISSUES: usize = 500;

/// What the preview shows and the commit form carries.
struct Preview {
    reading: Arc<Reading>,
    matching: Matching,
    sha256: String,
    filename: String,
    sheet: String,
    /// The headerless columns confirmed ignored, by letter.
    ignore: Vec<String>,
    units: Vec<Choice>,
    /// The page of rows shown.
    pager: Pager,
}

/// An error or warning as the preview lists it, with the page that shows its row.
struct IssueLine<'a> {
    issue: &'a Issue,
    error: bool,
    link: Option<String>,
}

impl IssueLine<'_> {
    /// What it found and what to do, in the page's language.
    fn message(&self, t: &Tr) -> String {
        crate::i18n::finding(t.0, &self.issue.finding)
    }

    /// Sheet · row and column, as the office finds it in its file.
    fn place(&self) -> String {
        let i = self.issue;
        let mut place = i.sheet.clone();
        if i.row > 0 {
            place.push_str(&format!(" · {}", i.row));
        }
        if let Some(c) = &i.column {
            place.push_str(c);
        }
        place
    }
}

impl Preview {
    /// The headerless columns ignored, as the forms and links carry them.
    fn ignore_list(&self) -> String {
        self.ignore.join(",")
    }

    /// Whether the status column said something of a measure.
    fn any_reported(&self) -> bool {
        self.reading.rows.iter().any(|r| r.reported.is_some())
    }

    /// The columns still to be decided.
    fn undecided(&self) -> usize {
        self.reading.undecided().count()
    }

    /// What a column may be mapped to: every field, in a ledger's order.
    fn fields(&self) -> [Field; 10] {
        Field::IMPORTED
    }

    fn unknown(&self) -> Vec<(usize, &str)> {
        self.matching
            .unknown_units
            .iter()
            .enumerate()
            .map(|(i, n)| (i, n.as_str()))
            .collect()
    }

    /// The rows of this page.
    fn rows(&self) -> &[Row] {
        let start = usize::try_from(self.pager.page - 1).unwrap_or(0) * PREVIEW_ROWS;
        let rows = self.reading.rows.get(start..).unwrap_or_default();
        &rows[..rows.len().min(PREVIEW_ROWS)]
    }

    /// The errors, then the warnings, as many as are listed.
    fn issues(&self) -> Vec<IssueLine<'_>> {
        let errors = self.reading.errors.iter().map(|e| (e, true));
        let warnings = self.reading.warnings.iter().map(|w| (w, false));
        errors
            .chain(warnings)
            .take(PREVIEW_ISSUES)
            .map(|(issue, error)| IssueLine {
                issue,
                error,
                link: (issue.row > 0).then(|| {
                    // The reading's rows are in the sheet's order.
                    let before = self.reading.rows.partition_point(|r| r.row < issue.row);
                    let page = ((before / PREVIEW_ROWS + 1) as i64).min(self.pager.pages);
                    let here = if page == self.pager.page {
                        String::new()
                    } else {
                        self.pager.link(page)
                    };
                    format!("{here}#r{}", issue.row)
                }),
            })
            .collect()
    }

    /// The errors and warnings not listed.
    fn unlisted(&self) -> usize {
        (self.reading.errors.len() + self.reading.warnings.len()).saturating_sub(PREVIEW_ISSUES)
    }
}

fn page(
    v: &Viewer,
    inspection: Inspection,
    errors: Vec<FieldError>,
    preview: Option<Preview>,
) -> ImportPage {
    let path = format!("/inspections/{}/import", inspection.id);
    ImportPage {
        t: tr(v),
        nav: Nav::new(v, "inspections", &path),
        inspection,
        errors: Errors {
            list: errors,
            lang: v.lang,
        },
        preview,
        imports: Vec::new(),
    }
}

/// The upload form, with why the last upload was refused and the files imported before.
async fn form_page(
    app: &App,
    v: &Viewer,
    inspection: Inspection,
    errors: Vec<FieldError>,
) -> Result<ImportPage, PageError> {
    let imports = import::list(&app.db, app.files.as_ref(), &v.actor, inspection.id).await?;
    Ok(ImportPage {
        imports,
        ..page(v, inspection, errors, None)
    })
}

/// GET /inspections/{id}/import
pub async fn form(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let inspection = office_inspection(&app, &v.actor, id).await?;
    Ok(render(&form_page(&app, &v, inspection, Vec::new()).await?))
}

/// GET /inspections/{id}/imports/{import}/file — a file imported before, as it was read.
pub async fn imported_file(
    State(app): State<App>,
    v: Viewer,
    Path((id, import_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (record, content_type, bytes) = import::file(
        &app.db,
        app.files.as_ref(),
        &v.actor,
        InspectionId(id),
        import_id,
    )
    .await?;
    Ok(crate::download::download(
        &record.filename,
        content_type,
        bytes,
    ))
}

/// An upload as the import's steps name it.
struct Upload {
    /// SHA-256 of the stored file.
    sha256: String,
    /// Its name as uploaded.
    filename: String,
    /// The sheet asked for ("" to find it).
    sheet: String,
    /// The headerless columns confirmed ignored, by letter.
    ignore: Vec<String>,
}

impl Upload {
    /// The upload as a form or a link names it.
    fn of(form: &FormData) -> Upload {
        Upload {
            sha256: form.get("sha256").trim().to_string(),
            filename: form.get("filename").to_string(),
            sheet: form.get("sheet").trim().to_string(),
            ignore: letters(form.get("ignore")),
        }
    }
}

/// Column letters from a comma-separated list, anything else dropped.
fn letters(list: &str) -> Vec<String> {
    let mut out: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.len() <= 3 && l.chars().all(|c| c.is_ascii_uppercase()))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The upload as read (the reading kept, or the file read and kept) with its names
/// matched: the preview's page `page` of rows. `bytes` are the upload's when they are at
/// hand; otherwise the store is read only when no reading is kept.
async fn preview(
    app: &App,
    v: &Viewer,
    inspection: &Inspection,
    upload: Upload,
    bytes: Option<Arc<[u8]>>,
    page: i64,
) -> Result<Result<Preview, FieldError>, PageError> {
    let Upload {
        sha256,
        filename,
        sheet,
        ignore,
    } = upload;
    // The hash comes back from the browser: only the session that uploaded the file
    // into this inspection may name it, and anyone else hears what a hash that names
    // nothing hears.
    let uploader = v.session_id.map(|session| Uploader {
        session,
        inspection: inspection.id.0,
    });
    let now = app.clock.now();
    match (uploader, &bytes) {
        (Some(by), Some(_)) => uploads::uploaded(&app.db, by, &sha256, now).await?,
        (Some(by), None) if uploads::may_name(&app.db, by, &sha256, now).await? => {}
        _ => return Err(upload_gone().into()),
    }
    let key = ReadingKey {
        synonyms: import_synonyms(app, inspection).await?,
        ignore_columns: ignore.clone(),
        ..reading_key(&sha256, &sheet, inspection)
    };
    let reading = match app.readings.get(&key, now) {
        Some(kept) => kept,
        None => {
            let bytes = match bytes {
                Some(b) => b,
                None => stored_upload(app, &sha256).await?,
            };
            match read_bytes(
                bytes,
                key.sheet.clone(),
                key.ignore_columns.clone(),
                inspection,
                app,
            )
            .await?
            {
                Ok(r) => {
                    let r = Arc::new(r);
                    app.readings.keep(key, r.clone(), app.clock.now());
                    r
                }
                Err(e) => return Ok(Err(e)),
            }
        }
    };
    let matching = import::matching(&app.db, &v.actor, inspection.id, &reading, &sha256).await?;
    let units = units::list(&app.db, Some(inspection.org_id))
        .await?
        .into_iter()
        .filter(|u| u.id != inspection.org_id)
        .map(|u| Choice {
            id: u.id.0,
            label: u.label().to_string(),
            selected: false,
        })
        .collect();
    let mut pager = Pager::new(
        &format!("/inspections/{}/import/preview", inspection.id.0),
        &[
            ("sha256".to_string(), sha256.clone()),
            ("filename".to_string(), filename.clone()),
            ("sheet".to_string(), sheet.clone()),
            ("ignore".to_string(), ignore.join(",")),
        ],
        page,
        PREVIEW_ROWS as i64,
        i64::try_from(reading.rows.len()).unwrap_or(i64::MAX),
    );
    pager.page = pager.page.clamp(1, pager.pages);
    Ok(Ok(Preview {
        reading,
        matching,
        sha256,
        filename,
        sheet,
        ignore,
        units,
        pager,
    }))
}

/// What an upload's reading against an inspection is kept under.
fn reading_key(sha256: &str, sheet: &str, inspection: &Inspection) -> ReadingKey {
    ReadingKey {
        sha256: sha256.to_string(),
        sheet: Some(sheet.to_string()).filter(|s| !s.is_empty()),
        reference: inspection.reference(),
        synonyms: Synonyms::default(),
        ignore_columns: Vec::new(),
    }
}

/// The stored upload an import's later steps name by its hash.
async fn stored_upload(app: &App, sha256: &str) -> Result<Arc<[u8]>, StoreError> {
    app.files
        .get(sha256)
        .await
        .map(Arc::from)
        .map_err(|_| upload_gone())
}

/// The answer to an import step naming an upload that is gone, or that is not the
/// asker's to name: the same, so that nobody learns which files exist.
fn upload_gone() -> StoreError {
    StoreError::because("file", Why::Files(Files::UploadGone))
}

/// Renders the preview, or the form with the reason the file could not be read.
async fn preview_response(
    app: &App,
    v: &Viewer,
    inspection: Inspection,
    read: Result<Preview, FieldError>,
) -> Result<Response, PageError> {
    Ok(match read {
        Ok(p) => render(&page(v, inspection, Vec::new(), Some(p))),
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(app, v, inspection, vec![e]).await?,
        ),
    })
}

/// POST /inspections/{id}/import — the upload: the file is kept by its hash and read;
/// the page shows how. Whoever may not import is refused before the body is read.
pub async fn upload(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Response, PageError> {
    let inspection = office_inspection(&app, &v.actor, id).await?;
    let PageFiles(sent) = PageFiles::read(
        request,
        &app,
        app.config.import_files(),
        app.config.import_body_limit(),
    )
    .await?;
    let Some(file) = sent.files.into_iter().next() else {
        let e = FieldError::because("file", Why::Choose(Choose::LedgerFile));
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&app, &v, inspection, vec![e]).await?,
        ));
    };
    let sha256 = app.files.put(&file.bytes).await?;
    let sheet = sent.form.get("sheet").trim().to_string();
    let upload = Upload {
        sha256,
        filename: file.filename,
        sheet,
        ignore: Vec::new(),
    };
    let read = preview(
        &app,
        &v,
        &inspection,
        upload,
        Some(Arc::from(file.bytes)),
        1,
    )
    .await?;
    preview_response(&app, &v, inspection, read).await
}

/// GET /inspections/{id}/import/preview?sha256=…&filename=…&sheet=…&page=N — another
/// page of an upload's preview: the reading kept since the upload, or the stored file
/// read again.
pub async fn preview_page(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let inspection = office_inspection(&app, &v.actor, id).await?;
    let q = FormData(pairs);
    let page = q.get("page").trim().parse::<i64>().unwrap_or(1);
    let upload = Upload::of(&q);
    let read = preview(&app, &v, &inspection, upload, None, page).await?;
    preview_response(&app, &v, inspection, read).await
}

/// POST /inspections/{id}/import/commit — the office's decisions on the preview; the
/// reading kept since the preview (or the stored file read again) is written all or
/// nothing.
pub async fn commit(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let inspection = office_inspection(&app, &v.actor, id).await?;
    let upload = Upload::of(&form);
    let Ok(p) = preview(&app, &v, &inspection, upload, None, 1).await? else {
        return Err(StoreError::because("file", Why::Files(Files::Unreadable)).into());
    };
    let mut unit_map = Vec::new();
    for (i, name) in p.matching.unknown_units.iter().enumerate() {
        if let Some(u) = form.id(&format!("map_{i}")) {
            unit_map.push((name.clone(), UnitId(u)));
        }
    }
    let decisions = Decisions {
        again: form.flag("again")?,
        create_units: form.flag("create_units")?,
        unit_map,
        ignore_unknown_columns: false,
    };
    let source = Source {
        filename: p.filename.clone(),
        sha256: p.sha256.clone(),
    };
    match import::commit(
        &app.db,
        &v.actor,
        v.change(&app),
        inspection.id,
        &source,
        &p.reading,
        &decisions,
    )
    .await
    {
        Ok(done) => {
            app.readings.forget(&ReadingKey {
                synonyms: import_synonyms(&app, &inspection).await?,
                ignore_columns: p.ignore.clone(),
                ..reading_key(&p.sha256, &p.sheet, &inspection)
            });
            Ok(see_other(&format!(
                "/inspections/{}?imported={}",
                inspection.id, done.measures
            )))
        }
        Err(e) => {
            let errors = field_errors(e)?;
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&v, inspection, errors, Some(p)),
            ))
        }
    }
}

/// POST /inspections/{id}/import/columns — the office's decision on each column of the
/// preview that holds data under a header no field is read from: a field (remembered
/// for the organisation under the column's header word, so that its ledgers are read so
/// from now on) or ignored (remembered too; a column without a header is ignored for
/// this upload only). The preview is shown again, read with them.
pub async fn decide_columns(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let inspection = office_inspection(&app, &v.actor, id).await?;
    let upload = Upload::of(&form);
    let Ok(p) = preview(&app, &v, &inspection, upload, None, 1).await? else {
        return Err(upload_gone().into());
    };
    let mut words: Vec<(String, Meaning)> = Vec::new();
    let mut ignore = p.ignore.clone();
    let reading = p.reading.clone();
    for c in reading.undecided() {
        let Some(meaning) = Meaning::from_code(form.get(&format!("col_{}", c.column))) else {
            continue;
        };
        match (c.word.is_empty(), meaning) {
            (true, Meaning::Ignore) => ignore.push(c.column.clone()),
            (true, Meaning::Field(_)) => {
                let e = FieldError::because(
                    "columns",
                    Why::Import(Box::new(Import::Headerless {
                        column: Some(c.column.clone()),
                    })),
                );
                return Ok(render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &page(&v, inspection, vec![e], Some(p)),
                ));
            }
            (false, meaning) => words.push((c.word.clone(), meaning)),
        }
    }
    if words.is_empty() && ignore.len() == p.ignore.len() {
        let e = FieldError::because("columns", Why::Choose(Choose::ColumnFields));
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&v, inspection, vec![e], Some(p)),
        ));
    }
    if let Err(e) =
        header_words::teach(&app.db, &v.actor, v.change(&app), inspection.org_id, &words).await
    {
        let errors = field_errors(e)?;
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&v, inspection, errors, Some(p)),
        ));
    }
    ignore.sort();
    ignore.dedup();
    let query = serde_urlencoded::to_string([
        ("sha256", p.sha256.as_str()),
        ("filename", p.filename.as_str()),
        ("sheet", p.sheet.as_str()),
        ("ignore", ignore.join(",").as_str()),
    ])
    .map_err(anyhow::Error::from)?;
    Ok(see_other(&format!(
        "/inspections/{}/import/preview?{query}#columns",
        inspection.id
    )))
}
