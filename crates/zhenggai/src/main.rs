//! `zhenggai` — one binary; its roles are subcommands. `main` only parses and dispatches.

mod cli;
mod commands;
mod config;

use clap::Parser;

/// mimalloc instead of the system's allocator: rows are made on the database driver's
/// thread and freed on another, where glibc's per-thread arenas contend and keep freed
/// memory (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ZHENGGAI_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_target(false)
        .init();
    match commands::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zhenggai: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
