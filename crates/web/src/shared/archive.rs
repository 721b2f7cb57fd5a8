//! The archive package (归档材料包, D17) as the inspection page downloads it and
//! `zhenggai archive` writes it: the evidence filed into volumes, the catalogue as
//! `.xlsx` and `.docx`, the final report, and the manifest of SM3 digests — written one
//! file at a time to a file on disk.

use std::io::{Seek, Write};

use chrono::NaiveDate;
use zhenggai_documents::Header;
use zhenggai_documents::archive::{
    CATALOGUE_DOCX, CATALOGUE_XLSX, Packer, REPORT, catalogue_document, plan,
};
use zhenggai_documents::reports::Kind;
use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Actor;
use zhenggai_storage::StoreError;
use zhenggai_storage::db::Db;
use zhenggai_storage::files::FileStore;
use zhenggai_storage::ledger::archive;

use super::documents::{Asked, generate};

/// What a package holds.
#[derive(Debug, Clone)]
pub struct Written {
    /// The file name to offer: 某巡察归档材料-2024-04-25.zip.
    pub file_name: String,
    /// Volumes.
    pub volumes: usize,
    /// Evidence files.
    pub files: usize,
    /// The manifest's SM3: noted down, it proves the whole package.
    pub manifest_digest: String,
}

fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Other(anyhow::anyhow!("writing the archive package: {e}"))
}

/// Writes the archive package of `inspection` to `out`, for its organisation's office
/// (others are refused before anything is read). A file the store no longer holds
/// fails the package, naming it: an archive with a hole is not an archive.
pub async fn write<W: Write + Seek>(
    db: &Db,
    files: &dyn FileStore,
    actor: &Actor,
    change: zhenggai_storage::audit::Change<'_>,
    inspection: InspectionId,
    out: W,
    today: NaiveDate,
) -> Result<(W, Written), StoreError> {
    let now = change.at;
    let evidence = archive::evidence(db, actor, inspection).await?;
    let plan = plan(&evidence);
    let header = Header {
        issuer: evidence.org_name.clone(),
        date: Some(today),
        ..Header::default()
    };
    let mut packer = Packer::new(out, zhenggai_domain::clock::china_time(now));
    let catalogue = zhenggai_spreadsheet::catalogue::write(&evidence.inspection, &plan.volumes)
        .map_err(failed)?;
    packer.add(CATALOGUE_XLSX, &catalogue).map_err(failed)?;
    // The catalogue is the archive's own list, not a document issued: no 版头.
    let catalogue_header = Header {
        date: Some(today),
        ..Header::default()
    };
    let catalogue = catalogue_document(&evidence.inspection, &plan.volumes, &catalogue_header)
        .to_docx()
        .map_err(failed)?;
    packer.add(CATALOGUE_DOCX, &catalogue).map_err(failed)?;
    let report = generate(
        db,
        actor,
        inspection,
        &Asked {
            kind: Kind::Final,
            as_of: None,
            header: header.clone(),
        },
        now,
        today,
    )
    .await?;
    packer.add(REPORT, &report.bytes).map_err(failed)?;
    for placed in &plan.files {
        let bytes = files.get(&placed.sha256).await.map_err(|e| {
            failed(format!(
                "{} is not in the file store ({e}); `zhenggai audit verify` checks every stored file",
                placed.path
            ))
        })?;
        packer.add(&placed.path, &bytes).map_err(failed)?;
    }
    let (out, manifest_digest) = packer.finish().map_err(failed)?;
    // Recorded once the package is whole: its digest is in the trail from now on.
    archive::record_made(
        db,
        change,
        inspection,
        &manifest_digest,
        plan.volumes.len(),
        plan.files.len(),
    )
    .await?;
    let safe = zhenggai_documents::reports::file_stem(&evidence.inspection);
    Ok((
        out,
        Written {
            file_name: format!("{safe}归档材料-{today}.zip"),
            volumes: plan.volumes.len(),
            files: plan.files.len(),
            manifest_digest,
        },
    ))
}

/// The package of `inspection` as a download: written to an unnamed temporary file
/// (gone once sent), then streamed from it, so that its size costs no memory.
pub async fn download(
    app: &crate::state::App,
    actor: &Actor,
    change: zhenggai_storage::audit::Change<'_>,
    inspection: InspectionId,
) -> Result<axum::response::Response, StoreError> {
    let file = tempfile::tempfile().map_err(failed)?;
    let (file, written) = write(
        &app.db,
        app.files.as_ref(),
        actor,
        change,
        inspection,
        std::io::BufWriter::new(file),
        app.clock.today(),
    )
    .await?;
    let mut file = file.into_inner().map_err(failed)?;
    file.seek(std::io::SeekFrom::Start(0)).map_err(failed)?;
    Ok(crate::download::download_file(
        &written.file_name,
        "application/zip",
        file,
    ))
}
