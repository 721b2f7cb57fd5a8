//! `zhenggai audit verify`.

use std::path::Path;
use std::process::ExitCode;

use zhenggai_storage::audit::checkpoint::Claim;
use zhenggai_storage::audit::verify;

use crate::cli::{AuditCommand, Common};
use crate::config::Settings;

pub async fn run(common: &Common, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, None)?;
    let AuditCommand::Verify { json, checkpoint } = cmd;
    let mut claims = Vec::new();
    for given in &checkpoint {
        claims.extend(claims_of(given)?);
    }
    let db = super::open_to_read(&settings).await?;
    let mut report = verify::verify_reaching(&db, &claims).await?;
    // The files the records name, in the data directory beside the database.
    report
        .problems
        .extend(verify::verify_files(&db, &settings.files()).await?);
    db.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if report.intact() {
        println!(
            "audit trail intact: {} entries, {} rows match their latest entries",
            report.entries, report.rows
        );
        match &report.key_id {
            Some(id) => println!(
                "sealed with the audit key {id} (SM3-HMAC): {} entries",
                report.sealed
            ),
            None => println!("not sealed with an audit key (SM3 only)"),
        }
        for reached in &report.checkpoints {
            println!("checkpoint reached: {reached}");
        }
        println!("chain head (SM3): {}", report.head);
        println!("审计校验码 / audit code: {}", report.code);
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

/// A checkpoint file's lines, or one code.
fn claims_of(given: &str) -> anyhow::Result<Vec<Claim>> {
    let path = Path::new(given);
    if path.is_file() {
        let claims = Claim::from_file(path)?;
        anyhow::ensure!(
            !claims.is_empty(),
            "the checkpoint file {given} holds no checkpoint"
        );
        return Ok(claims);
    }
    Claim::from_code(given).map(|c| vec![c]).ok_or_else(|| {
        anyhow::anyhow!(
            "--checkpoint {given}: neither a checkpoint file nor a 审计校验码 (entries, a dash and 16 hexadecimal digits, e.g. 1234-0123456789abcdef)"
        )
    })
}
