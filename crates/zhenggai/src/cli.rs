//! The command line. Every setting is a flag, an environment variable (`ZHENGGAI_*`)
//! or a key of the TOML file given by `--config`, in that order of precedence.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// 整改 — the rectification ledger.
#[derive(Debug, Parser)]
#[command(
    name = "zhenggai",
    version,
    about = "整改台账 — carries every inspection problem to a verified closure"
)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub common: Common,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// A TOML file with settings (keys as in the README's table).
    #[arg(long, global = true, env = "ZHENGGAI_CONFIG")]
    pub config: Option<PathBuf>,
    /// The data directory: the embedded database and the files.
    #[arg(long, global = true, env = "ZHENGGAI_DATA")]
    pub data: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST:PORT/DB (default: SQLite in the data directory).
    #[arg(long, global = true, env = "ZHENGGAI_DATABASE_URL")]
    pub database_url: Option<String>,
    /// How log lines are written: text for a person, json (one object a line)
    /// for a log collector.
    #[arg(
        long,
        global = true,
        env = "ZHENGGAI_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line of text an event.
    Text,
    /// One JSON object an event, its fields at the top level.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the web server (pages and API).
    Serve(ServeArgs),
    /// Applies database migrations.
    Migrate,
    /// Manages user accounts from the shell.
    #[command(subcommand)]
    User(UserCommand),
    /// Loads demo data: the newspaper of speech S1, or a large generated organisation.
    Demo(DemoArgs),
    /// Measures page times over a generated large organisation.
    Bench(BenchArgs),
    /// Checks the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Prints the figures (整改统计, D15) of an inspection or an organisation, today or
    /// as of a past day.
    Stats(StatsArgs),
    /// Writes a document upward (D16) as .docx in official layout (GB/T 9704): the final
    /// report (整改落实情况报告), the public notice (整改情况公开), the weekly summary
    /// (一周一汇总) or the monthly circular (督查通报) of an inspection, as of a day.
    Report(ReportArgs),
    /// Writes an inspection's archive package (归档材料包, D17): the evidence filed by
    /// source, unit and order into volumes, the catalogue (.xlsx, .docx), the final
    /// report and a manifest of SM3 digests; `archive verify FILE.zip` checks one.
    Archive(ArchiveArgs),
    /// Reads a ledger spreadsheet (.xlsx, .xls, .csv) and imports it into an inspection;
    /// with --dry-run, only reads it (no database needed).
    Import(ImportArgs),
    /// The working-day calendar (工作日历): working days, and adding or correcting a year.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Reads a deadline phrase (整改时限) as an import or a form would: no database needed.
    Deadline(DeadlineArgs),
    /// Runs the reminder scheduler (提醒) on its own; `serve` runs it too unless
    /// --no-worker. Several workers may share one PostgreSQL.
    Worker(WorkerArgs),
}

/// `calendar`.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Prints `true` or `false`. A date in a year without holiday data is refused, unless
    /// --assume-ordinary-week (then a warning goes to stderr).
    IsWorkday {
        /// YYYY-MM-DD.
        date: chrono::NaiveDate,
        /// Answer by the ordinary week where the year has no data.
        #[arg(long)]
        assume_ordinary_week: bool,
    },
    /// Prints the N-th working day after DATE (before it when N is negative).
    AddWorkdays {
        /// YYYY-MM-DD.
        date: chrono::NaiveDate,
        /// Working days.
        #[arg(allow_negative_numbers = true)]
        n: i64,
        /// Answer by the ordinary week where a year has no data.
        #[arg(long)]
        assume_ordinary_week: bool,
    },
    /// Prints the working days after FROM up to and including TO.
    WorkdaysBetween {
        /// YYYY-MM-DD.
        from: chrono::NaiveDate,
        /// YYYY-MM-DD.
        to: chrono::NaiveDate,
        /// Answer by the ordinary week where a year has no data.
        #[arg(long)]
        assume_ordinary_week: bool,
    },
    /// Prints a year's notice in the calendar's data format, or the years known.
    Show {
        /// The year; all years' summary when omitted.
        year: Option<i32>,
    },
    /// Adds or corrects years from a file in the calendar's data format (recorded).
    Import {
        /// The file (`year 2027 address`, then `2027-01-01 休 元旦` lines).
        file: PathBuf,
    },
}

/// `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The inspection.
    #[arg(long, conflicts_with = "org", required_unless_present = "org")]
    pub inspection: Option<i64>,
    /// An organisation (unit id): all its inspections.
    #[arg(long)]
    pub org: Option<i64>,
    /// The day (YYYY-MM-DD): what the ledger held at its end, read from the audit
    /// trail. Default: today.
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Print one JSON object (aspects, items, problems, measures, problems_done,
    /// problems_on_schedule, problems_long_term, problems_overdue, institutions,
    /// people_held_accountable, money_recovered_yuan … and the breakdowns).
    #[arg(long)]
    pub json: bool,
}

/// `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// final, public, weekly or monthly.
    #[arg(value_parser = ["final", "public", "weekly", "monthly"])]
    pub kind: String,
    /// The inspection.
    #[arg(long)]
    pub inspection: i64,
    /// The day (YYYY-MM-DD) the figures are of, read from the audit trail; for weekly
    /// and monthly, the week and month that hold it. Default: today.
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Where to write the .docx.
    #[arg(short = 'o', long = "output")]
    pub output: std::path::PathBuf,
    /// 发文机关: the issuer (the red mark at the top and the signature). Default: the
    /// inspected organisation's name.
    #[arg(long)]
    pub issuer: Option<String>,
    /// 发文字号, e.g. 某巡改〔2026〕3号.
    #[arg(long, default_value = "")]
    pub number: String,
    /// 签发人 (named on documents sent upward).
    #[arg(long, default_value = "")]
    pub signer: String,
    /// 主送机关.
    #[arg(long, default_value = "")]
    pub to: String,
    /// 抄送机关.
    #[arg(long, default_value = "")]
    pub cc: String,
    /// 密级和保密期限, e.g. 秘密★1年.
    #[arg(long, default_value = "")]
    pub classification: String,
    /// 成文日期 (YYYY-MM-DD). Default: the day the figures are of.
    #[arg(long)]
    pub date: Option<chrono::NaiveDate>,
}

/// `archive`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ArchiveArgs {
    /// verify: check a package.
    #[command(subcommand)]
    pub command: Option<ArchiveCommand>,
    /// The inspection.
    #[arg(long, required = true)]
    pub inspection: Option<i64>,
    /// Where to write the .zip.
    #[arg(short = 'o', long = "output", required = true)]
    pub output: Option<std::path::PathBuf>,
}

/// `archive verify`.
#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Checks every file of a package against its manifest (SM3) and the manifest
    /// against its digest: exits 0 only when all match, and otherwise names each file
    /// that does not. Needs no database.
    Verify {
        /// The package (.zip).
        package: std::path::PathBuf,
    },
}

/// `deadline`.
#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// The words (2024年6月底前, 二季度末, 立行立改 …).
    pub phrase: String,
    /// The inspection's feedback date: words without a year take the first such date
    /// on or after it (default: today).
    #[arg(long)]
    pub reference: Option<chrono::NaiveDate>,
    /// The last day of the inspection's concentrated phase, for 集中整改期内.
    #[arg(long)]
    pub concentrated_until: Option<chrono::NaiveDate>,
    /// Print `{"text","kind","date","precision"}`.
    #[arg(long)]
    pub json: bool,
}

/// `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file.
    pub file: std::path::PathBuf,
    /// The sheet to read (default: the one that looks most like a ledger).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The inspection's feedback date (YYYY-MM-DD): deadline words without a year take
    /// the first such date on or after it. Default: the inspection's, or today.
    #[arg(long)]
    pub feedback_date: Option<chrono::NaiveDate>,
    /// Read and report only; write nothing and open no database.
    #[arg(long)]
    pub dry_run: bool,
    /// Print one JSON object (aspects, items, problems, measures, errors, warnings, rows).
    #[arg(long)]
    pub json: bool,
    /// The inspection to import into.
    #[arg(long, conflicts_with = "new_inspection")]
    pub inspection: Option<i64>,
    /// Create an inspection with this title to import into (with --org and --group).
    #[arg(long, requires_all = ["org", "group"])]
    pub new_inspection: Option<String>,
    /// The inspected organisation (unit id) of a new inspection.
    #[arg(long)]
    pub org: Option<i64>,
    /// The inspection group (巡察组) of a new inspection.
    #[arg(long)]
    pub group: Option<String>,
    /// Import a file imported before.
    #[arg(long)]
    pub again: bool,
    /// Create the units the organisation does not have yet.
    #[arg(long)]
    pub create_units: bool,
    /// Import without the columns that hold data under a header no field is read from
    /// (they are listed first; without this flag the import stops at them).
    #[arg(long)]
    pub ignore_unknown_columns: bool,
}

/// `audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Checks the chain of the audit trail (sealed with the audit key) and every business
    /// row against its latest entry; exits 1 and names the first mismatch when anything
    /// was tampered with.
    Verify {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Prove the trail still reaches a checkpoint: the checkpoint file the server
        /// writes (every line), or a 审计校验码 read off a document (`1234-0123456789abcdef`).
        /// May be given several times.
        #[arg(long, value_name = "FILE|CODE")]
        checkpoint: Vec<String>,
    },
}

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ZHENGGAI_LISTEN")]
    pub listen: Option<String>,
    /// Load the demo organisation if the database is empty.
    #[arg(long, env = "ZHENGGAI_DEMO")]
    pub demo: bool,
    /// With --demo on a new data directory: run the demonstration as of this day
    /// (YYYY-MM-DD), its clock starting at 10:00 Beijing time and running on — for
    /// training on a chosen day, and for tests that must not depend on the real date.
    #[arg(long, requires = "demo")]
    pub demo_day: Option<chrono::NaiveDate>,
    /// Do not run the reminder scheduler inside the server (run `zhenggai worker`
    /// separately instead).
    #[arg(long, env = "ZHENGGAI_NO_WORKER")]
    pub no_worker: bool,
}

/// `worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Run one round (plan today's reminders, deliver what is due), print what it did as
    /// JSON, and stop.
    #[arg(long)]
    pub once: bool,
    /// Seconds between rounds.
    #[arg(long, default_value_t = 60)]
    pub every: u64,
}

/// `user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates an account; prints its password when none is given.
    Add {
        /// Login name.
        username: String,
        /// Name shown on pages.
        #[arg(long)]
        name: String,
        /// Unit id or name.
        #[arg(long)]
        unit: String,
        /// office, leader, unit, supervisor, upper, sysadmin, secadmin, auditadmin.
        #[arg(long)]
        role: String,
        /// For a leader: unit ids or names in charge, comma-separated.
        #[arg(long, value_delimiter = ',')]
        in_charge: Vec<String>,
        /// The password (default: generated and printed; must be changed at first login).
        #[arg(long, env = "ZHENGGAI_NEW_PASSWORD")]
        password: Option<String>,
    },
    /// Sets a password; prints a generated one when none is given.
    Passwd {
        /// Login name.
        username: String,
        /// The new password (default: generated, to be changed at first login).
        #[arg(long, env = "ZHENGGAI_NEW_PASSWORD")]
        password: Option<String>,
    },
    /// Disables an account (its sessions end, its tokens are revoked): the only way for
    /// the three administrators' accounts, which no page or API disables.
    Disable {
        /// Login name.
        username: String,
        /// Why (recorded in the audit trail).
        #[arg(long)]
        reason: String,
    },
    /// Enables a disabled account again.
    Enable {
        /// Login name.
        username: String,
    },
    /// Lists accounts.
    List,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Generate 2,000 units, 200 inspections, 200,000 problems and 1,000,000 measures.
    #[arg(long)]
    pub scale: bool,
    /// Divide the generated size by this (1 = full size).
    #[arg(long, default_value_t = 1)]
    pub divide: i64,
}

/// `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Requests per measured page.
    #[arg(long, default_value_t = 300)]
    pub requests: usize,
    /// Instead of pages: this many audited writes, with and without the audit chain.
    #[arg(long)]
    pub writes: Option<usize>,
    /// Concurrent writers for `--writes`.
    #[arg(long, default_value_t = 8)]
    pub writers: usize,
    /// Instead of pages: import a generated ledger of this many rows (preview, then
    /// commit) into the demo organisation in the configured (empty) database, then export
    /// it.
    #[arg(long)]
    pub import_rows: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
