//! `zhenggai report final|public|weekly|monthly`: a document upward (D16) as `.docx`,
//! written as the inspected organisation's office would download it from the documents
//! page, with the header fields given on the command line.

use std::process::ExitCode;

use zhenggai_documents::Header;
use zhenggai_documents::reports::Kind;
use zhenggai_domain::InspectionId;
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_storage::accounts::units;
use zhenggai_web::i18n::Lang;
use zhenggai_web::shared::documents::{Asked, generate};

use crate::cli::{Common, ReportArgs};
use crate::config::Settings;

pub async fn run(common: &Common, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let kind = Kind::from_code(&args.kind)
        .ok_or_else(|| anyhow::anyhow!("give final, public, weekly or monthly"))?;
    let settings = Settings::resolve(common, None)?;
    let db = super::open_to_read(&settings).await?;
    let id = InspectionId(args.inspection);
    let org = super::org_of_inspection(&db, id).await?;
    let issuer = match args.issuer {
        Some(issuer) => issuer,
        None => units::get(&db, org).await?.name,
    };
    let asked = Asked {
        kind,
        as_of: args.as_of,
        header: Header {
            issuer,
            number: args.number,
            signer: args.signer,
            to: args.to,
            cc: args.cc,
            classification: args.classification,
            date: args.date,
        },
    };
    let actor = super::office_of(org);
    let generated = generate(
        &db,
        &actor,
        id,
        &asked,
        SystemClock.now(),
        SystemClock.today(),
    )
    .await
    .map_err(|e| super::explain_in(Lang::En, e))?;
    db.close().await;
    std::fs::write(&args.output, &generated.bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.output.display()))?;
    eprintln!(
        "wrote {} ({} bytes; offered on the page as {})",
        args.output.display(),
        generated.bytes.len(),
        generated.file_name
    );
    Ok(ExitCode::SUCCESS)
}
