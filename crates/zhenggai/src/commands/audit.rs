//! `zhenggai audit verify`.

use std::process::ExitCode;

use zhenggai_storage::verify;

use crate::cli::{AuditCommand, Common};
use crate::config::Settings;

pub async fn run(common: &Common, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, None)?;
    let db = super::open(&settings).await?;
    let AuditCommand::Verify { json } = cmd;
    let report = verify::verify(&db).await?;
    db.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if report.intact() {
        println!(
            "audit trail intact: {} entries, {} rows match their latest entries",
            report.entries, report.rows
        );
        println!("chain head (SM3): {}", report.head);
    } else {
        println!("AUDIT TRAIL BROKEN — first problem: {}", report.problems[0]);
        for p in &report.problems[1..] {
            println!("  also: {p}");
        }
        println!(
            "{} entries, {} rows checked, {} problems",
            report.entries,
            report.rows,
            report.problems.len()
        );
    }
    Ok(if report.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
