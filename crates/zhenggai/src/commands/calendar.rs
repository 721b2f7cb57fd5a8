//! `zhenggai calendar …` and `zhenggai deadline PHRASE`: the working-day calendar and
//! the deadline reader from the shell, as the office checks a plan before importing it.

use std::process::ExitCode;

use anyhow::Context;
use zhenggai_domain::calendar::{Answer, notice_text};
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_domain::deadline::{Deadline, Reference};

use crate::cli::{CalendarCommand, Common, DeadlineArgs};
use crate::config::Settings;

pub async fn run(common: &Common, cmd: CalendarCommand) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, None)?;
    let db = super::open(&settings).await?;
    db.migrate().await?;
    let calendar = zhenggai_storage::calendar::load(&db).await?;
    let code = match cmd {
        CalendarCommand::IsWorkday {
            date,
            assume_ordinary_week,
        } => answer(calendar.is_workday(date), assume_ordinary_week)?,
        CalendarCommand::AddWorkdays {
            date,
            n,
            assume_ordinary_week,
        } => answer(
            calendar.add_workdays(date, n).map(|d| d.format("%Y-%m-%d")),
            assume_ordinary_week,
        )?,
        CalendarCommand::WorkdaysBetween {
            from,
            to,
            assume_ordinary_week,
        } => answer(calendar.workdays_between(from, to), assume_ordinary_week)?,
        CalendarCommand::Show { year: Some(year) } => match calendar.notice(year) {
            Some(n) => {
                print!("{}", notice_text(n));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("{}", zhenggai_domain::calendar::NoData { year }.message());
                ExitCode::FAILURE
            }
        },
        CalendarCommand::Show { year: None } => {
            for row in zhenggai_storage::calendar::years(&db).await? {
                println!(
                    "{}  休 {:>2}  班 {:>2}  {}  {}",
                    row.year,
                    row.days_off,
                    row.working_weekends,
                    if row.entered { "entered" } else { "shipped" },
                    row.source
                );
            }
            ExitCode::SUCCESS
        }
        CalendarCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let clock = SystemClock;
            let change = zhenggai_storage::audit::Change {
                actor: None,
                at: clock.now(),
                reason: Some("zhenggai calendar import"),
            };
            match zhenggai_storage::calendar::save(&db, None, change, &text, &[]).await {
                Ok(years) => {
                    let years: Vec<String> = years.iter().map(i32::to_string).collect();
                    println!("calendar years saved: {}", years.join(", "));
                    ExitCode::SUCCESS
                }
                Err(zhenggai_storage::StoreError::Invalid(errors)) => {
                    for e in errors {
                        eprintln!(
                            "{}: {}",
                            file.display(),
                            zhenggai_web::i18n::field_message(zhenggai_web::i18n::Lang::Zh, &e)
                        );
                    }
                    ExitCode::FAILURE
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    db.close().await;
    Ok(code)
}

/// Prints an answer, or refuses it when it had to assume the ordinary week.
fn answer<T: std::fmt::Display>(a: Answer<T>, assume: bool) -> anyhow::Result<ExitCode> {
    let warnings = a.warnings();
    if !warnings.is_empty() && !assume {
        for w in &warnings {
            eprintln!("{}", w.message());
            eprintln!("{}", w.message_en());
        }
        eprintln!("(--assume-ordinary-week answers by Monday to Friday anyway)");
        return Ok(ExitCode::from(2));
    }
    for w in &warnings {
        eprintln!("warning: {}", w.message_en());
    }
    println!("{}", a.value);
    Ok(ExitCode::SUCCESS)
}

pub fn deadline(args: DeadlineArgs) -> anyhow::Result<ExitCode> {
    let reference = Reference {
        feedback: args.reference.unwrap_or_else(|| SystemClock.today()),
        concentrated_until: args.concentrated_until,
    };
    match Deadline::parse_in(&args.phrase, &reference) {
        Ok(d) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "text": d.text,
                        "kind": d.kind.code(),
                        "date": d.date.map(|x| x.format("%Y-%m-%d").to_string()),
                        "precision": d.precision.map(|p| p.code()),
                    })
                );
            } else {
                println!(
                    "{}\t{}\t{}\t{}",
                    d.text,
                    d.kind.code(),
                    d.date.map(|x| x.to_string()).unwrap_or_default(),
                    d.precision.map(|p| p.code()).unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"text": args.phrase.trim(), "error": e.to_string()})
                );
            } else {
                eprintln!("{e}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
