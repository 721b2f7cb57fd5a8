//! Where log lines go: standard output (as they always have), as text (the default) or as one JSON object a line for a
//! log collector (`--log-format json`, `ZHENGGAI_LOG_FORMAT=json`); which lines, by
//! `ZHENGGAI_LOG` (an `EnvFilter`, default `info,sqlx=warn`). The web layer writes one
//! line per request (`zhenggai_web::request_log`), the scheduler one per round that did
//! something; `ZHENGGAI_LOG=info,zhenggai_storage=debug` adds, inside each request's
//! span, how long each write waited to begin and took to commit.

use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;

/// Whether standard output carries JSON log lines (set once, at start).
static JSON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A line for the person at the terminal (the demo accounts, where the server listens):
/// on standard output, or on standard error when standard output carries JSON log lines,
/// so that a collector reading one object a line never meets plain text.
pub fn say_line(line: std::fmt::Arguments) {
    if JSON.load(std::sync::atomic::Ordering::Relaxed) {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

/// `say!("…", …)`: [`say_line`] with `format!`'s arguments.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::logs::say_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// Installs the process's logger.
pub fn init(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    JSON.store(
        format == LogFormat::Json,
        std::sync::atomic::Ordering::Relaxed,
    );
    let filter =
        EnvFilter::try_from_env("ZHENGGAI_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    // Lines are written by a thread of their own: a request does not wait on the
    // terminal or the pipe for its log line (about 50 µs a request on a static file,
    // docs/benchmarks.md). Not lossy: when the queue is full, requests wait rather
    // than lose lines.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stdout());
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => fmt.with_target(false).init(),
        // A collector reads the event's fields at the top level and the request's id
        // from its span.
        LogFormat::Json => fmt
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    guard
}
