//! One module per subcommand.

mod archive;
mod audit;
mod bench;
mod calendar;
mod demo;
mod import;
mod report;
mod serve;
mod stats;
mod user;
pub mod worker;

use std::process::ExitCode;

use anyhow::Context;
use zhenggai_storage::Db;
use zhenggai_storage::audit::key::AuditKey;

use crate::cli::{Cli, Command};
use crate::config::Settings;

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(&cli.common, args).await,
        Command::Migrate => {
            let settings = Settings::resolve(&cli.common, None)?;
            let db = open(&settings).await?;
            let ran = db.migrate().await?;
            println!("migrations applied: {ran}");
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::User(cmd) => user::run(&cli.common, cmd).await,
        Command::Demo(args) => demo::run(&cli.common, args).await,
        Command::Bench(args) => bench::run(&cli.common, args).await,
        Command::Audit(cmd) => audit::run(&cli.common, cmd).await,
        Command::Import(args) => import::run(&cli.common, args).await,
        Command::Stats(args) => stats::run(&cli.common, args).await,
        Command::Report(args) => report::run(&cli.common, args).await,
        Command::Archive(args) => archive::run(&cli.common, args).await,
        Command::Calendar(cmd) => calendar::run(&cli.common, cmd).await,
        Command::Deadline(args) => calendar::deadline(args),
        Command::Worker(args) => worker::run(&cli.common, args).await,
    }
}

/// A refusal from storage as the shell prints it: each field's reason in `lang`.
pub fn explain_in(
    lang: zhenggai_web::i18n::Lang,
    e: zhenggai_storage::StoreError,
) -> anyhow::Error {
    match e {
        zhenggai_storage::StoreError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!(
                    "{}: {}",
                    f.field,
                    zhenggai_web::i18n::field_message(lang, f)
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

/// The organisation's office, as the commands act for it: the shell's operator runs
/// the server and may do what its office does.
pub fn office_of(org: zhenggai_domain::UnitId) -> zhenggai_domain::access::Actor {
    zhenggai_domain::access::Actor {
        user: zhenggai_domain::UserId(0),
        role: zhenggai_domain::Role::Office,
        unit: org,
        org,
        units_in_charge: Vec::new(),
        orgs_below: Vec::new(),
    }
}

/// The organisation an inspection belongs to, or an error naming the id that is none.
pub async fn org_of_inspection(
    db: &zhenggai_storage::Db,
    id: zhenggai_domain::InspectionId,
) -> anyhow::Result<zhenggai_domain::UnitId> {
    let mut conn = db.pool().acquire().await?;
    let (org, _) = zhenggai_storage::ledger::inspections::org_and_reference(&mut conn, id)
        .await
        .map_err(|e| match e {
            zhenggai_storage::StoreError::NotFound => {
                anyhow::anyhow!("no inspection {}: see the inspections page for ids", id.0)
            }
            other => other.into(),
        })?;
    Ok(org)
}

/// Opens the configured database, creating the data directory for SQLite, its audit
/// entries sealed with the audit key (created at first start when missing).
pub async fn open(settings: &Settings) -> anyhow::Result<Db> {
    let key = AuditKey::load_or_create(&settings.audit_key_file)?;
    Ok(connect(settings).await?.with_audit_key(key))
}

/// Opens the configured database to read it, with the audit key if its file exists
/// (never creating one).
pub async fn open_to_read(settings: &Settings) -> anyhow::Result<Db> {
    // Reading makes nothing: a data directory mistyped is said, not created empty.
    if let Some(path) = settings.database_url.strip_prefix("sqlite://") {
        let file = std::path::Path::new(path.split('?').next().unwrap_or(path));
        anyhow::ensure!(
            file.exists(),
            "no database at {}: give --data the data directory of a zhenggai installation",
            file.display()
        );
    }
    let db = connect(settings).await?;
    Ok(if settings.audit_key_file.exists() {
        db.with_audit_key(AuditKey::load(&settings.audit_key_file)?)
    } else {
        db
    })
}

async fn connect(settings: &Settings) -> anyhow::Result<Db> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data)
            .with_context(|| format!("creating the data directory {}", settings.data.display()))?;
    }
    Db::connect(&settings.database_url, settings.max_connections).await
}

/// Ctrl-C or SIGTERM, whichever comes first. The handlers are installed when this is
/// called, before `serve` or `worker` says it is up: installed when the server first
/// polled its shutdown task, a SIGTERM sent just after start killed the process instead
/// of stopping it (seen in CI, as a test stopped the server it had just started).
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
            println!("shutting down: finishing requests in flight");
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        println!("shutting down: finishing requests in flight");
    })
}
