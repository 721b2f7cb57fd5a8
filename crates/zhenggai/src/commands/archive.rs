//! `zhenggai archive --inspection ID -o FILE.zip` writes an inspection's archive package
//! (D17) as its office would download it; `zhenggai archive verify FILE.zip` checks a
//! package against its manifest, without a database.

use std::process::ExitCode;

use zhenggai_documents::archive::verify;
use zhenggai_domain::InspectionId;
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_web::i18n::Lang;

use crate::cli::{ArchiveArgs, ArchiveCommand, Common};
use crate::config::Settings;

pub async fn run(common: &Common, args: ArchiveArgs) -> anyhow::Result<ExitCode> {
    if let Some(ArchiveCommand::Verify { package }) = args.command {
        return check(&package);
    }
    let (Some(id), Some(output)) = (args.inspection, args.output) else {
        anyhow::bail!("give --inspection ID and -o FILE.zip, or `archive verify FILE.zip`");
    };
    let settings = Settings::resolve(common, None)?;
    let db = super::open_to_read(&settings).await?;
    // The package is recorded in the trail: the schema must hold its table.
    db.migrate().await?;
    let files = settings.files();
    let org = super::org_of_inspection(&db, InspectionId(id)).await?;
    let out = std::fs::File::create(&output)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
    let actor = super::office_of(org);
    let change = zhenggai_storage::audit::Change {
        actor: None,
        at: SystemClock.now(),
        reason: Some("命令行生成归档材料包 made from the command line"),
    };
    let written = zhenggai_web::shared::archive::write(
        &db,
        &files,
        &actor,
        change,
        InspectionId(id),
        std::io::BufWriter::new(out),
        SystemClock.today(),
    )
    .await;
    db.close().await;
    let (out, written) = match written {
        Ok(w) => w,
        Err(e) => {
            // No half-written package is left behind under the name asked for.
            let _ = std::fs::remove_file(&output);
            return Err(super::explain_in(Lang::En, e));
        }
    };
    out.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?
        .sync_all()?;
    println!(
        "wrote {}: {} volumes, {} evidence files; manifest SM3 {}",
        output.display(),
        written.volumes,
        written.files,
        written.manifest_digest
    );
    Ok(ExitCode::SUCCESS)
}

/// Exit 0 when every file matches; 1, naming each that does not; 2 when the package
/// cannot be read as one.
fn check(package: &std::path::Path) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(package)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", package.display()))?;
    match verify(std::io::BufReader::new(file)) {
        Err(e) => {
            eprintln!("{}: {e}", package.display());
            Ok(ExitCode::from(2))
        }
        Ok(v) if v.mismatches.is_empty() => {
            println!(
                "{}: all {} files match the manifest (manifest SM3 {})",
                package.display(),
                v.listed,
                v.manifest_digest
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(v) => {
            for m in &v.mismatches {
                println!("{m}");
            }
            println!(
                "{}: does not match its manifest ({} found above; the manifest lists {} files)",
                package.display(),
                v.mismatches.len(),
                v.listed
            );
            Ok(ExitCode::from(1))
        }
    }
}
