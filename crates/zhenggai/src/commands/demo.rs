//! `zhenggai demo [--scale]`: the S1 newspaper, or a large generated organisation.

use std::process::ExitCode;
use std::time::Instant;

use zhenggai_demo as demo;
use zhenggai_demo::scale::{self, Scale};
use zhenggai_domain::clock::{Clock, SystemClock};

use crate::cli::{Common, DemoArgs};
use crate::config::Settings;

pub async fn run(common: &Common, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, None)?;
    let db = super::open(&settings).await?;
    db.migrate().await?;
    let clock = SystemClock;
    if args.scale {
        let d = args.divide.max(1);
        let full = Scale::FULL;
        let scale = Scale {
            orgs: (full.orgs / d).max(1),
            inspections: (full.inspections / d).max(2),
            problems: (full.problems / d).max(full.first_inspection_problems + 1),
            ..full
        };
        let started = Instant::now();
        let g = scale::generate(&db, scale, clock.today(), clock.now()).await?;
        println!(
            "generated {} units, {} inspections, {} problems, {} measures in {:.1} s",
            scale.orgs * (scale.depts_per_org + 1) + 2,
            scale.inspections,
            scale.problems,
            scale.problems * scale.measures_per_problem,
            started.elapsed().as_secs_f64()
        );
        println!(
            "users {}, {} (unit {}) and {} (upper level), password: {}",
            g.office_user, g.unit_user, g.unit, g.upper_user, g.password
        );
    } else {
        anyhow::ensure!(
            demo::is_empty(&db).await?,
            "the database already holds data: the demo loads into an empty one"
        );
        let files = settings.files();
        demo::load(&db, &files, clock.today(), clock.now()).await?;
        println!(
            "demo loaded; accounts use the password {}",
            demo::DEMO_PASSWORD
        );
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
