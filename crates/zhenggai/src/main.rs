//! `zhenggai` — one binary; its roles are subcommands. `main` only parses and dispatches.

mod cli;
mod commands;
mod config;
mod logs;

use clap::Parser;

/// mimalloc instead of the system's allocator: rows are made on the database driver's
/// thread and freed on another, where glibc's per-thread arenas contend and keep freed
/// memory (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Output read by a program that stops early (`zhenggai user list | head -1`) ends the
/// command quietly, as Unix tools end on SIGPIPE (status 141), instead of with a panic
/// and a backtrace: Rust ignores SIGPIPE, so `println!` panics on the closed pipe.
fn quiet_on_closed_stdout() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        report(info);
    }));
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    quiet_on_closed_stdout();
    let cli = cli::Cli::parse();
    // Held to the end: dropping it flushes the log lines still queued.
    let _log_writer = logs::init(cli.common.log_format);
    match commands::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zhenggai: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
