//! `zhenggai serve`: configuration → state → router → graceful shutdown.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use zhenggai_demo as demo;
use zhenggai_domain::Role;
use zhenggai_domain::clock::{Clock, ShiftedClock, SystemClock, from_china_time};
use zhenggai_storage::accounts::units::{self, UnitKind};
use zhenggai_storage::accounts::users::{self, NewUser};
use zhenggai_storage::audit::checkpoint;
use zhenggai_storage::audit::{self, Change};
use zhenggai_storage::{Db, accounts::auth};
use zhenggai_web::App;

use crate::cli::{Common, ServeArgs};
use crate::config::Settings;

pub async fn run(common: &Common, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, args.listen.as_deref())?;
    let db = super::open(&settings).await?;
    db.migrate().await.context("migrating the database")?;
    let empty = demo::is_empty(&db).await?;
    // A new demonstration shown on a day off would show a Saturday's ledger: no report
    // due, no reminder sent. It runs on the last working day instead, unless a day is given.
    let demo_day = match args.demo_day {
        None if args.demo && empty => demo_workday(SystemClock.today()),
        given => given,
    };
    let clock: Arc<dyn Clock> = match demo_day {
        None => Arc::new(SystemClock),
        // Only a new demonstration runs on another day: every record it holds is then
        // made by that clock, and no real ledger's trail gets instants out of order.
        Some(_) if !empty && args.demo_day.is_some() => anyhow::bail!(
            "--demo-day 只用于新的演示数据目录：这个数据库已有数据 / --demo-day needs a new data directory: this database already holds data"
        ),
        // The demonstration day starts in office hours: 10:00 Beijing time.
        Some(day) => {
            let start = day
                .and_hms_opt(10, 0, 0)
                .context("10:00 is a time of day")?;
            Arc::new(ShiftedClock::starting_at(from_china_time(start)))
        }
    };
    // A wrong key is refused before anything is written with it.
    audit::write::start_sealing(&db, clock.now())
        .await
        .context("the audit key")?;
    let files = Arc::new(settings.files());
    if empty {
        if args.demo {
            demo::load(&db, files.as_ref(), clock.today(), clock.now())
                .await
                .context("loading the demo data")?;
            print_demo_accounts();
        } else {
            first_start(&db, clock.as_ref(), &settings.listen).await?;
        }
    } else if args.demo {
        crate::logs::say!(
            "数据库已有数据，未重复载入演示数据 / the database already holds data: demo not loaded again"
        );
        print_demo_accounts();
    }
    let courier: Arc<dyn zhenggai_storage::reminders::courier::Courier> =
        Arc::new(settings.outbound()?);
    let scheduler = (!args.no_worker).then(|| {
        tokio::spawn(super::worker::scheduler(
            db.clone(),
            courier,
            clock.clone(),
            std::time::Duration::from_secs(60),
        ))
    });
    let checkpoint_file = settings.audit_checkpoint_file.clone();
    let head = note_checkpoint(&db, clock.as_ref(), &checkpoint_file).await?;
    let checkpoints = tokio::spawn(checkpoints(
        db.clone(),
        clock.clone(),
        checkpoint_file.clone(),
        head,
    ));
    let warming = tokio::spawn(warm_figures(db.clone(), clock.clone()));
    let app = App::new(db.clone(), files, clock.clone(), settings.web.clone());
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    let shutdown = super::shutdown_signal()?;
    crate::logs::say!(
        "zhenggai 整改台账 listening on http://{addr}/  (database: {})",
        zhenggai_storage::db::redact(&settings.database_url)
    );
    if args.demo
        && let Some(key) = demo::meetings::open_box_key(&db).await?
    {
        crate::logs::say!(
            "演示民主生活会的意见箱（无需登录）/ the demo meeting's public opinion box (no login): http://{addr}/box/{key}"
        );
    }
    let mut limits = settings.http;
    if let Some(files) = raise_file_limit() {
        // Room for the database, the log and the files being read and written.
        let room = usize::try_from(files.saturating_sub(256)).unwrap_or(usize::MAX);
        if room < limits.max_connections {
            crate::logs::say!(
                "打开文件数上限为 {files}，同时连接数降为 {room} / the open-file limit is {files}: at most {room} connections at once"
            );
            limits.max_connections = room.max(1);
        }
    }
    zhenggai_web::server::serve(listener, zhenggai_web::router(app), limits, shutdown).await?;
    // A job cut off here keeps its lease and is taken again after it runs out.
    if let Some(s) = scheduler {
        s.abort();
    }
    checkpoints.abort();
    warming.abort();
    note_checkpoint(&db, clock.as_ref(), &checkpoint_file).await?;
    // In-flight requests have finished; their transactions are committed. Close cleanly.
    db.close().await;
    crate::logs::say!("zhenggai stopped");
    Ok(ExitCode::SUCCESS)
}

/// Raises the process's soft limit on open files to its hard limit, where the system
/// allows it: every connection is a file, and the usual soft limit (1024) is below the
/// connection cap. Returns the soft limit in force (`None`: unlimited or unknown).
#[cfg(unix)]
fn raise_file_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    if now.current != now.maximum {
        let raised = Rlimit {
            current: now.maximum,
            maximum: now.maximum,
        };
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            tracing::warn!(error = %e, "raising the open-file limit");
        }
    }
    getrlimit(Resource::Nofile).current
}

#[cfg(not(unix))]
fn raise_file_limit() -> Option<u64> {
    None
}

/// How often the checkpoint file gets a line while the trail's end moves.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Today's figures of every inspection (`statistics::warm`), at start and again as each
/// day begins in China, so that the first map or home page of the day is not the one
/// that waits for them.
async fn warm_figures(db: Db, clock: Arc<dyn Clock>) {
    loop {
        let today = clock.today();
        let started = std::time::Instant::now();
        let span = tracing::info_span!("warm_figures");
        match tracing::Instrument::instrument(
            zhenggai_storage::statistics::warm(&db, today),
            span.clone(),
        )
        .await
        {
            Ok(inspections) => {
                let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                span.in_scope(|| tracing::info!(inspections, ms, "figures warmed"));
            }
            Err(e) => span.in_scope(|| tracing::warn!("warming the figures: {e:#}")),
        }
        // A few seconds into the next day, when today's figures are asked anew.
        let next =
            from_china_time((today + chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN))
                + chrono::Duration::seconds(5);
        let wait = (next - clock.now())
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(60));
        tokio::time::sleep(wait).await;
    }
}

/// Notes the audit trail's end in the checkpoint file (outside the database), and
/// returns its head.
async fn note_checkpoint(db: &Db, clock: &dyn Clock, file: &Path) -> anyhow::Result<String> {
    let taken = checkpoint::take(db, clock.now()).await?;
    checkpoint::append_to_file(file, &taken)?;
    Ok(taken.head)
}

/// Every [`CHECKPOINT_EVERY`], a line in the checkpoint file when the trail's end moved.
async fn checkpoints(db: Db, clock: Arc<dyn Clock>, file: PathBuf, mut last: String) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.tick().await;
    loop {
        every.tick().await;
        let span = tracing::info_span!("audit_checkpoint");
        let noted = tracing::Instrument::instrument(
            note_if_moved(&db, clock.as_ref(), &file, &mut last),
            span.clone(),
        )
        .await;
        if let Err(e) = noted {
            span.in_scope(|| tracing::warn!("audit checkpoint: {e:#}"));
        }
    }
}

/// A line in the checkpoint file if the trail's end is no longer `last` (then moved on).
async fn note_if_moved(
    db: &Db,
    clock: &dyn Clock,
    file: &Path,
    last: &mut String,
) -> anyhow::Result<bool> {
    if checkpoint::head_now(db).await? == *last {
        return Ok(false);
    }
    *last = note_checkpoint(db, clock, file).await?;
    Ok(true)
}

fn print_demo_accounts() {
    crate::logs::say!(
        "演示账户 / demo accounts (password: {}):",
        demo::DEMO_PASSWORD
    );
    let zh = zhenggai_web::i18n::Tr(zhenggai_web::i18n::Lang::Zh);
    for (username, name, unit, role, _) in demo::DEMO_USERS {
        let title = if *username == demo::DEMO_SECRETARY {
            zh.secretary()
        } else {
            zh.role(role)
        };
        crate::logs::say!("  {username:<12} {name}（{unit}，{title}）");
    }
}

/// The day a new demonstration runs on when none is given: today if it is a working
/// day (`None`: the system clock), else the last working day before it, said aloud.
fn demo_workday(today: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
    let calendar = zhenggai_domain::calendar::Calendar::official();
    if calendar.is_workday(today).value {
        return None;
    }
    let day = calendar
        .workday_on_or_before(today - chrono::Duration::days(1))
        .value;
    crate::logs::say!(
        "今天（{today}）是休息日：演示按最近的工作日 {day} 10:00 开始（要用别的日子，加 --demo-day 年-月-日）/ today is a day off: the demo runs as of {day}"
    );
    Some(day)
}

/// An empty database gets one organisation and a system administrator whose password
/// is printed once and must be changed at first login.
async fn first_start(db: &Db, clock: &dyn Clock, listen: &str) -> anyhow::Result<()> {
    let password = auth::generate_password();
    let change = Change {
        actor: None,
        at: clock.now(),
        reason: Some("first start"),
    };
    db.write(async |tx| {
        let org = units::insert(tx, change, None, UnitKind::Org, "本单位", None).await?;
        let admin = NewUser {
            username: "admin",
            display_name: "系统管理员",
            unit: org,
            role: Role::SysAdmin,
            units_in_charge: vec![],
            password: &password,
            must_change_password: true,
        };
        users::insert(tx, change, &admin).await
    })
    .await?;
    crate::logs::say!("{}", first_start_steps(&password, listen));
    Ok(())
}

/// What a first start without `--demo` prints: the administrator's one-time password
/// and the steps that follow, in Chinese (the README's 从零开始 in short).
fn first_start_steps(password: &str, listen: &str) -> String {
    format!(
        "首次启动：已建立单位“本单位”和系统管理员账户 admin。
  admin 的一次性密码：{password}（只显示这一次，首次登录后须修改）
接下来：
  1. 建立另外两名管理员（三员分立），在本机命令行运行：
       zhenggai user add secadmin --name 安全管理员 --unit 本单位 --role secadmin
       zhenggai user add auditadmin --name 审计管理员 --unit 本单位 --role auditadmin
     各自打印一次性密码，交本人登录后修改。
  2. 浏览器打开 http://{listen}/ ，以 admin 登录：在“单位管理”页建立被巡察单位（类别选“单位”）及其各部门；
     在“用户管理”页为整改办、各责任单位、分管领导、纪检建立账户（一次性密码只显示一次）。
  3. 以 secadmin 登录，在“用户管理”页为每个新账户分配角色（整改办、责任单位、责任领导、纪检监督）。
  4. 以整改办账户登录：新建巡察轮次，导入原有的整改台账（Excel/WPS），再通知各单位登录认领、报送。
  详见 README 的“从零开始”。"
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use zhenggai_domain::clock::FixedClock;
    use zhenggai_testkit::TestDb;

    /// The first start's steps are Chinese, name the three administrators and the
    /// address, and carry no English sentence.
    #[test]
    fn a_first_start_says_in_chinese_what_to_do_next() {
        let text = first_start_steps("Abc-123-xyz", "127.0.0.1:8080");
        for step in [
            "三员分立",
            "--role secadmin",
            "--role auditadmin",
            "http://127.0.0.1:8080/",
            "新建巡察轮次",
            "导入",
            "从零开始",
        ] {
            assert!(text.contains(step), "{step}");
        }
        assert!(!text.contains("password"), "no English words");
    }

    /// A demonstration asked for on a day off runs on the working day before.
    #[test]
    fn the_demo_runs_on_a_working_day() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2024, m, day).unwrap();
        assert_eq!(demo_workday(d(6, 12)), None, "a Wednesday");
        assert_eq!(demo_workday(d(6, 15)), Some(d(6, 14)), "a Saturday");
        assert_eq!(demo_workday(d(10, 3)), Some(d(9, 30)), "National Day");
        assert_eq!(demo_workday(d(10, 12)), None, "a working Saturday (调休)");
    }

    /// The interval's line: only when the trail's end moved since the last one.
    #[tokio::test]
    async fn the_checkpoint_file_gets_a_line_when_the_trail_moved_only() {
        let t = TestDb::new().await.unwrap();
        let clock = FixedClock(chrono::DateTime::from_timestamp(1_714_010_400, 0).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("audit-checkpoints.log");
        let lines = || {
            std::fs::read_to_string(&file)
                .unwrap_or_default()
                .lines()
                .count()
        };
        let mut last = note_checkpoint(&t.db, &clock, &file).await.unwrap();
        assert_eq!(lines(), 1, "at start");
        assert!(
            !note_if_moved(&t.db, &clock, &file, &mut last)
                .await
                .unwrap()
        );
        assert_eq!(lines(), 1, "nothing written, no line");
        first_start(&t.db, &clock, "127.0.0.1:8080").await.unwrap();
        assert!(
            note_if_moved(&t.db, &clock, &file, &mut last)
                .await
                .unwrap()
        );
        assert_eq!(lines(), 2);
        assert!(
            !note_if_moved(&t.db, &clock, &file, &mut last)
                .await
                .unwrap()
        );
        assert_eq!(lines(), 2);
        let claims = checkpoint::Claim::from_file(&file).unwrap();
        let report = zhenggai_storage::audit::verify::verify_reaching(&t.db, &claims)
            .await
            .unwrap();
        assert!(report.intact(), "{:?}", report.problems);
        assert_eq!(report.checkpoints.len(), 2);
    }
}
