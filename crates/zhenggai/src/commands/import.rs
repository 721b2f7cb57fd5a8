//! `zhenggai import FILE`: read a ledger spreadsheet and print how it was read
//! (`--dry-run`, no database), or import it into an inspection, all or nothing.

use std::process::ExitCode;

use anyhow::Context;
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_domain::deadline::Reference;
use zhenggai_domain::{InspectionId, UnitId};
use zhenggai_spreadsheet::ledger::Options;
use zhenggai_spreadsheet::{Reading, read_ledger};
use zhenggai_storage::audit::Change;
use zhenggai_storage::error::StoreError;
use zhenggai_storage::files::FileStore;
use zhenggai_storage::ledger::import::{self, Decisions, Destination, Source};
use zhenggai_storage::ledger::inspections::{self, InspectionInput};

use crate::cli::{Common, ImportArgs};
use crate::config::Settings;

pub async fn run(common: &Common, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let clock = SystemClock;
    // The configuration's limits and header words apply on a dry run too; no database
    // is opened for it.
    let settings = Settings::resolve(common, None)?;
    if args.dry_run {
        return dry_run(&bytes, &args, &settings, &clock);
    }
    let db = super::open(&settings).await?;
    db.migrate().await?;
    let change = Change {
        actor: None,
        at: clock.now(),
        reason: Some("命令行导入 imported from the command line"),
    };
    let mut new_inspection = None;
    let (into, org, reference) = destination(&db, &args, &clock, &mut new_inspection).await?;
    // The organisation's own header words, as its office taught them in a preview.
    let synonyms =
        zhenggai_storage::settings::header_words::synonyms(&db, org, &settings.web.synonyms)
            .await
            .map_err(explain)?;
    let reading = read(&bytes, &args, reference, &settings, synonyms)?;
    if !reading.ok() {
        report(&reading, args.json)?;
        return Ok(ExitCode::FAILURE);
    }
    // The file imported is kept in the data directory's store, as an upload through the
    // page is: the import's record names it by its hash.
    let source = Source {
        filename: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256: settings.files().put(&bytes).await?,
    };
    let decisions = Decisions {
        again: args.again,
        create_units: args.create_units,
        unit_map: Vec::new(),
        ignore_unknown_columns: args.ignore_unknown_columns,
    };
    let actor = super::office_of(org);
    let done = import::commit(&db, &actor, change, into, &source, &reading, &decisions)
        .await
        .map_err(explain)?;
    db.close().await;
    print_done(&done, args.json)?;
    Ok(ExitCode::SUCCESS)
}

/// `--dry-run`: reads the file and prints how it was read, without a database.
fn dry_run(
    bytes: &[u8],
    args: &ImportArgs,
    settings: &Settings,
    clock: &SystemClock,
) -> anyhow::Result<ExitCode> {
    let feedback = args.feedback_date.unwrap_or_else(|| clock.today());
    let reading = read(
        bytes,
        args,
        feedback.into(),
        settings,
        settings.web.synonyms.clone(),
    )?;
    report(&reading, args.json)?;
    Ok(if reading.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Where the import goes (an inspection, or a new one described in `new_inspection`),
/// its organisation, and the dates its deadline words are read against. A new
/// inspection is created in the import's transaction, so a file refused for any reason
/// leaves none behind.
async fn destination<'a>(
    db: &zhenggai_storage::Db,
    args: &ImportArgs,
    clock: &SystemClock,
    new_inspection: &'a mut Option<InspectionInput>,
) -> anyhow::Result<(Destination<'a>, UnitId, Reference)> {
    match (&args.inspection, &args.new_inspection) {
        (Some(id), _) => {
            let mut conn = db.pool().acquire().await?;
            let (org, mut reference) =
                inspections::org_and_reference(&mut conn, InspectionId(*id)).await?;
            if let Some(f) = args.feedback_date {
                reference.feedback = f;
            }
            Ok((Destination::Inspection(InspectionId(*id)), org, reference))
        }
        (None, Some(title)) => {
            let org = UnitId(
                args.org
                    .context("--org is required with --new-inspection")?,
            );
            let feedback = args.feedback_date.unwrap_or_else(|| clock.today());
            let inspection = new_inspection.insert(InspectionInput {
                kind: "xuncha".into(),
                title: title.clone(),
                group_name: args.group.clone().unwrap_or_default(),
                feedback_date: feedback.to_string(),
                ..InspectionInput::default()
            });
            let terms = zhenggai_domain::schedule::Terms::default();
            let reference = Reference {
                feedback,
                concentrated_until: terms.concentrated_until(feedback),
            };
            let into = Destination::New {
                org,
                inspection: &*inspection,
            };
            Ok((into, org, reference))
        }
        (None, None) => {
            anyhow::bail!("give --inspection ID or --new-inspection TITLE (or --dry-run)")
        }
    }
}

/// The command line acts as the organisation's office, recorded as the system.
/// What was imported, as JSON or as a line.
fn print_done(done: &import::Imported, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(done)?);
    } else {
        println!(
            "imported into inspection {}: {} problems, {} measures ({} aspects and {} units created)",
            done.inspection_id,
            done.problems,
            done.measures,
            done.aspects_created,
            done.units_created
        );
    }
    Ok(())
}

fn read(
    bytes: &[u8],
    args: &ImportArgs,
    reference: Reference,
    settings: &Settings,
    synonyms: zhenggai_spreadsheet::layout::Synonyms,
) -> anyhow::Result<Reading> {
    let sheets = zhenggai_spreadsheet::read::read(bytes, &settings.web.import_limits)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    Ok(read_ledger(
        &sheets,
        &Options {
            sheet: args.sheet.clone(),
            reference,
            synonyms,
            ignore_columns: Vec::new(),
        },
    ))
}

fn report(reading: &Reading, json: bool) -> anyhow::Result<()> {
    use zhenggai_web::i18n::{Lang, finding};
    if json {
        // The findings are data; the JSON carries their words in both languages, as
        // `message` and `message_en`, next to where they are.
        let mut value = serde_json::to_value(reading)?;
        for (key, list) in [("errors", &reading.errors), ("warnings", &reading.warnings)] {
            if let Some(items) = value.get_mut(key).and_then(|v| v.as_array_mut()) {
                for (item, issue) in items.iter_mut().zip(list) {
                    if let Some(o) = item.as_object_mut() {
                        o.insert("message".into(), finding(Lang::Zh, &issue.finding).into());
                        o.insert(
                            "message_en".into(),
                            finding(Lang::En, &issue.finding).into(),
                        );
                    }
                }
            }
        }
        println!("{value}");
        return Ok(());
    }
    println!(
        "{} aspects, {} items, {} problems, {} measures; {} errors, {} warnings",
        reading.aspects,
        reading.items,
        reading.problems,
        reading.measures,
        reading.errors.len(),
        reading.warnings.len()
    );
    for c in &reading.columns {
        println!(
            "column {} “{}”: {} cells not read ({}){}",
            c.column,
            c.header,
            c.cells,
            c.samples.join(" | "),
            if c.ignored { ", ignored" } else { "" }
        );
    }
    for (label, list) in [("error", &reading.errors), ("warning", &reading.warnings)] {
        for e in list {
            let at = match (&e.column, e.row) {
                (_, 0) => e.sheet.clone(),
                (Some(c), r) => format!("{}!{c}{r}", e.sheet),
                (None, r) => format!("{} row {r}", e.sheet),
            };
            println!(
                "{label}: {at}: {} / {}",
                finding(Lang::Zh, &e.finding),
                finding(Lang::En, &e.finding)
            );
        }
    }
    Ok(())
}

/// A storage refusal as a message naming its fields.
fn explain(e: StoreError) -> anyhow::Error {
    super::explain_in(zhenggai_web::i18n::Lang::Zh, e)
}
