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
use zhenggai_storage::accounts::{auth, users};
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
    db.migrate().await?;
    if let Some(writes) = args.writes {
        return writes_bench(&db, writes, args.writers.max(1)).await;
    }
    if let Some(rows) = args.import_rows {
        return import_bench(&db, &settings, rows).await;
    }
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
        Arc::new(settings.files()),
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

/// Audited writes per second, without the chain and then with it: each write is one
/// transaction that changes a measure's target and records the change.
async fn writes_bench(
    db: &zhenggai_storage::Db,
    writes: usize,
    writers: usize,
) -> anyhow::Result<ExitCode> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM measures ORDER BY id LIMIT $1")
        .bind(i64::try_from(writes * 2).unwrap_or(i64::MAX))
        .fetch_all(db.pool())
        .await?;
    anyhow::ensure!(
        ids.len() >= writes * 2,
        "fill the database with `zhenggai demo --scale` first"
    );
    if let Some(sql) = zhenggai_storage::db::dialect::after_explicit_ids(db.backend(), "audit_log")
    {
        sqlx::query(&sql).execute(db.pool()).await?;
    }
    println!(
        "backend: {:?}; {writes} audited writes each way, {writers} concurrent writers, in 4 alternating rounds",
        db.backend()
    );
    // Alternating rounds, so that drift (a growing trail, a warming cache) falls on both.
    const ROUNDS: usize = 4;
    let per_round = writes / ROUNDS;
    let mut elapsed = [Duration::ZERO; 2];
    for round in 0..ROUNDS {
        for (way, target) in [db.without_chain(), db.clone()].into_iter().enumerate() {
            let start = (round * 2 + way) * per_round;
            let ids = &ids[start..start + per_round];
            let started = Instant::now();
            let mut tasks = Vec::new();
            for chunk in ids.chunks(per_round.div_ceil(writers)) {
                let db = target.clone();
                let chunk = chunk.to_vec();
                tasks.push(tokio::spawn(async move { write_some(&db, &chunk).await }));
            }
            for t in tasks {
                t.await??;
            }
            elapsed[way] += started.elapsed();
        }
    }
    let rate = |d: Duration| (per_round * ROUNDS) as f64 / d.as_secs_f64();
    let (without, with) = (rate(elapsed[0]), rate(elapsed[1]));
    println!("{:<20} {without:>9.0} writes/s", "without the chain");
    println!("{:<20} {with:>9.0} writes/s", "with the SM3 chain");
    println!(
        "the chain costs {:.1} % of write throughput",
        (1.0 - with / without) * 100.0
    );
    Ok(ExitCode::SUCCESS)
}

async fn write_some(db: &zhenggai_storage::Db, ids: &[i64]) -> anyhow::Result<()> {
    use zhenggai_storage::audit::{self, Change, Entity};
    for id in ids {
        let mut set = zhenggai_storage::db::sql::Sql::new("target = ");
        set.bind(format!("基准写入 {id}"));
        let change = Change {
            actor: None,
            at: SystemClock.now(),
            reason: Some("benchmark"),
        };
        db.write(async |tx| {
            let version: i64 = sqlx::query_scalar("SELECT version FROM measures WHERE id = $1")
                .bind(*id)
                .fetch_one(tx.conn())
                .await?;
            audit::versions::update(tx, change, "update", Entity::Measure, *id, version, &set).await
        })
        .await?;
    }
    Ok(())
}

/// Peak resident memory of this process so far, in MB (Linux).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A ledger of `rows` measures over the demo's departments: three measures a problem,
/// fifty problems an aspect, deadlines in the words offices write.
fn generated_ledger(rows: usize) -> zhenggai_spreadsheet::export::Ledger {
    use zhenggai_spreadsheet::export::{Aspect, Ledger, Measure, Problem};
    const UNITS: [&str; 8] = [
        "办公室",
        "财务部",
        "人力资源部",
        "总编室",
        "党群工作部",
        "行政后勤部",
        "经营管理部",
        "新媒体中心",
    ];
    const WORDS: [&str; 6] = [
        "立行立改",
        "2024年6月底前",
        "5月中旬",
        "二季度末",
        "年底前",
        "长期坚持",
    ];
    let mut aspects = Vec::new();
    let mut n = 0;
    while n < rows {
        let a = aspects.len();
        let mut problems = Vec::new();
        while problems.len() < 50 && n < rows {
            let p = problems.len();
            let measures = (0..3.min(rows - n))
                .map(|k| {
                    let i = n + k;
                    Measure {
                        content: format!(
                            "第{}条整改措施：建立健全制度，明确责任分工，按期完成整改",
                            i + 1
                        ),
                        leader: if i % 2 == 0 { "王建国" } else { "赵志红" }.into(),
                        lead_unit: UNITS[i % UNITS.len()].into(),
                        cooperating: vec![UNITS[(i + 3) % UNITS.len()].into()],
                        responsible: format!("责任人{}", i % 97),
                        deadline: WORDS[i % WORDS.len()].into(),
                        ..Measure::default()
                    }
                })
                .collect::<Vec<_>>();
            n += measures.len();
            problems.push(Problem {
                text: format!(
                    "第{}方面第{}个问题：制度执行不严格，监督检查不到位",
                    a + 1,
                    p + 1
                ),
                measures,
            });
        }
        aspects.push(Aspect {
            title: format!("第{}个方面", a + 1),
            problems,
        });
    }
    Ledger {
        title: "基准测试台账".into(),
        date_line: String::new(),
        aspects,
    }
}

async fn import_bench(
    db: &zhenggai_storage::Db,
    settings: &Settings,
    rows: usize,
) -> anyhow::Result<ExitCode> {
    use sha2::Digest;
    anyhow::ensure!(
        zhenggai_demo::is_empty(db).await?,
        "the import benchmark needs an empty database (it loads the demo organisation)"
    );
    let clock = Arc::new(SystemClock);
    let files = Arc::new(settings.files());
    zhenggai_demo::load(db, files.as_ref(), clock.today(), clock.now()).await?;
    let office = users::find(db, "office")
        .await?
        .context("the demo's office")?;
    let actor = users::actor(db, office.id).await?;
    let inspection: i64 =
        sqlx::query_scalar("SELECT id FROM inspections WHERE group_name = '市委第一巡察组'")
            .fetch_one(db.pool())
            .await?;
    let inspection = zhenggai_domain::InspectionId(inspection);
    let bytes = zhenggai_spreadsheet::export::write(&generated_ledger(rows))?;
    println!(
        "generated ledger: {rows} rows, {:.1} MB .xlsx; peak memory so far {:.0} MB",
        bytes.len() as f64 / 1e6,
        peak_mb()
    );

    // The import as the office runs it: the upload and its preview page, then the
    // commit, through the same router `serve` uses.
    let app = App::new(db.clone(), files, clock.clone(), settings.web.clone());
    let router = zhenggai_web::router(app.clone());
    let session = auth::start_session(db, office.id, clock.now()).await?;
    let cookie = format!("zg_session={}", session.token.0);
    let boundary = "zhenggai-bench-boundary";
    let mut upload = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"bench.xlsx\"\r\n\
         Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n",
        session.csrf
    )
    .into_bytes();
    upload.extend_from_slice(&bytes);
    upload.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
    drop(bytes);
    let import_path = format!("/inspections/{}/import", inspection.0);

    let started = Instant::now();
    let req = Request::post(&import_path)
        .header(header::COOKIE, &cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(upload))?;
    let resp = router.clone().oneshot(req).await?;
    let status = resp.status();
    let page = resp.into_body().collect().await?.to_bytes();
    let preview = started.elapsed();
    let page = String::from_utf8_lossy(&page);
    anyhow::ensure!(
        status == StatusCode::OK && page.contains("<span class=\"ok\">0处错误</span>"),
        "the generated ledger did not read cleanly ({status})"
    );
    anyhow::ensure!(
        !page.contains("unknown-units"),
        "the generated ledger names units the demo lacks"
    );
    println!(
        "preview (upload, read, match, first page of rows): {:.2} s, a {} KB page; peak memory {:.0} MB",
        preview.as_secs_f64(),
        page.len() / 1024,
        peak_mb()
    );

    let started = Instant::now();
    let form = format!(
        "csrf={}&sha256={sha256}&filename=bench.xlsx&sheet=",
        session.csrf
    );
    let req = Request::post(format!("{import_path}/commit"))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))?;
    let resp = router.clone().oneshot(req).await?;
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let commit = started.elapsed();
    anyhow::ensure!(
        status == StatusCode::SEE_OTHER && location.ends_with(&format!("imported={rows}")),
        "the commit answered {status} {location}"
    );
    println!(
        "commit (one transaction, audited): {:.2} s for {rows} measures; peak memory {:.0} MB",
        commit.as_secs_f64(),
        peak_mb()
    );

    let inspection = zhenggai_storage::ledger::inspections::get(db, &actor, inspection).await?;
    let filter = zhenggai_storage::ledger::query::FilterInput::default().check(50)?;
    // Three times: the export only reads, so each run sees the same ledger.
    for run in 1..=3 {
        let started = Instant::now();
        let file = zhenggai_web::shared::spreadsheets::export::ledger_file(
            &app,
            &actor,
            &inspection,
            filter.clone(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let export = started.elapsed();
        println!(
            "export {run} (query, write .xlsx): {:.2} s, {:.1} MB; peak memory {:.0} MB",
            export.as_secs_f64(),
            file.len() as f64 / 1e6,
            peak_mb()
        );
    }
    Ok(ExitCode::SUCCESS)
}
