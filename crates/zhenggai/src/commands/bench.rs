//! `zhenggai bench`: server time of the pages the benchmark names, measured in process
//! through the same router `serve` uses, over a database filled by `demo --scale`.
//! It also prints a session cookie so that a load tool (wrk) can hit a running server.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_storage::files::LocalFiles;
use zhenggai_storage::{auth, users};
use zhenggai_web::App;

use crate::cli::{BenchArgs, Common};
use crate::config::Settings;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn run(common: &Common, args: BenchArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, None)?;
    let db = super::open(&settings).await?;
    let clock = Arc::new(SystemClock);
    let office = users::find(&db, "bench_office")
        .await?
        .context("no bench_office user: fill the database with `zhenggai demo --scale` first")?;
    let unit_user = users::find(&db, "bench_unit")
        .await?
        .context("no bench_unit user")?;
    let session = auth::start_session(&db, office.id, clock.now()).await?;
    let unit_session = auth::start_session(&db, unit_user.id, clock.now()).await?;
    let app = App::new(
        db.clone(),
        Arc::new(LocalFiles::new(settings.data.join("files"))),
        clock,
        settings.web.clone(),
    );
    let router = zhenggai_web::router(app);
    let unit = unit_user.unit_id;
    let cases = [
        (
            "ledger page, inspection of 2,000 problems (office)",
            "/inspections/1".to_string(),
            &session.token.0,
        ),
        (
            "ledger page, filtered to overdue (office)",
            "/inspections/1?status=overdue".to_string(),
            &session.token.0,
        ),
        (
            "measure list, one unit, overdue, whole data set (office)",
            format!("/measures?unit={unit}&status=overdue"),
            &session.token.0,
        ),
        (
            "measure list, own measures, overdue (unit user)",
            "/measures?status=overdue".to_string(),
            &unit_session.token.0,
        ),
        (
            "API ledger JSON, inspection of 2,000 problems (office)",
            "/api/v1/inspections/1/ledger".to_string(),
            &session.token.0,
        ),
    ];
    println!(
        "backend: {:?}; {} requests per case, sequential, in process",
        db.backend(),
        args.requests
    );
    println!(
        "{:<58} {:>9} {:>9} {:>9} {:>9}",
        "case", "p50 ms", "p99 ms", "max ms", "KB"
    );
    for (name, uri, token) in cases {
        let mut times = Vec::with_capacity(args.requests);
        let mut size = 0;
        for i in 0..args.requests + 5 {
            let req = Request::get(&uri)
                .header(header::COOKIE, format!("zg_session={token}"))
                .body(Body::empty())?;
            let started = Instant::now();
            let resp = router.clone().oneshot(req).await?;
            let status = resp.status();
            let body = resp.into_body().collect().await?.to_bytes();
            let elapsed = started.elapsed();
            anyhow::ensure!(status == StatusCode::OK, "{uri} answered {status}");
            size = body.len();
            if i >= 5 {
                times.push(elapsed);
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{name:<58} {:>9.2} {:>9.2} {:>9.2} {:>9}",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            size / 1024
        );
    }
    println!("for a load tool against `zhenggai serve` on the same database:");
    println!("  cookie: zg_session={}", session.token.0);
    println!("  paths:  /inspections/1   /measures?unit={unit}&status=overdue");
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
