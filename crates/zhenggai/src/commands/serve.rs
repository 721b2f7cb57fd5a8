//! `zhenggai serve`: configuration → state → router → graceful shutdown.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use zhenggai_domain::Role;
use zhenggai_domain::clock::{Clock, ShiftedClock, SystemClock, from_china_time};
use zhenggai_storage::audit::{self, Change};
use zhenggai_storage::checkpoint;
use zhenggai_storage::units::{self, UnitKind};
use zhenggai_storage::users::{self, NewUser};
use zhenggai_storage::{Db, auth, demo};
use zhenggai_web::App;

use crate::cli::{Common, ServeArgs};
use crate::config::Settings;

pub async fn run(common: &Common, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, args.listen.as_deref())?;
    let db = super::open(&settings).await?;
    db.migrate().await.context("migrating the database")?;
    let empty = demo::is_empty(&db).await?;
    let clock: Arc<dyn Clock> = match args.demo_day {
        None => Arc::new(SystemClock),
        // Only a new demonstration runs on another day: every record it holds is then
        // made by that clock, and no real ledger's trail gets instants out of order.
        Some(_) if !empty => anyhow::bail!(
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
    audit::start_sealing(&db, clock.now())
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
            first_start(&db, clock.as_ref()).await?;
        }
    } else if args.demo {
        println!(
            "数据库已有数据，未重复载入演示数据 / the database already holds data: demo not loaded again"
        );
        print_demo_accounts();
    }
    let courier: Arc<dyn zhenggai_storage::reminders::Courier> = Arc::new(settings.outbound()?);
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
    let app = App::new(db.clone(), files, clock.clone(), settings.web.clone());
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    let shutdown = super::shutdown_signal()?;
    println!(
        "zhenggai 整改台账 listening on http://{addr}/  (database: {})",
        zhenggai_storage::db::redact(&settings.database_url)
    );
    let mut limits = settings.http;
    if let Some(files) = raise_file_limit() {
        // Room for the database, the log and the files being read and written.
        let room = usize::try_from(files.saturating_sub(256)).unwrap_or(usize::MAX);
        if room < limits.max_connections {
            println!(
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
    note_checkpoint(&db, clock.as_ref(), &checkpoint_file).await?;
    // In-flight requests have finished; their transactions are committed. Close cleanly.
    db.close().await;
    println!("zhenggai stopped");
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
        if let Err(e) = note_if_moved(&db, clock.as_ref(), &file, &mut last).await {
            tracing::warn!("audit checkpoint: {e:#}");
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
    println!(
        "演示账户 / demo accounts (password: {}):",
        demo::DEMO_PASSWORD
    );
    for (username, name, unit, role, _) in demo::DEMO_USERS {
        println!("  {username:<12} {name}（{unit}，{}）", role.label_zh());
    }
}

/// An empty database gets one organisation and a system administrator whose password
/// is printed once and must be changed at first login.
async fn first_start(db: &Db, clock: &dyn Clock) -> anyhow::Result<()> {
    let password = auth::generate_password();
    let change = Change {
        actor: None,
        at: clock.now(),
        reason: Some("first start"),
    };
    let mut tx = db.begin().await?;
    let org = units::insert(&mut tx, change, None, UnitKind::Org, "本单位", None).await?;
    users::insert(
        &mut tx,
        change,
        &NewUser {
            username: "admin",
            display_name: "系统管理员",
            unit: org,
            role: Role::SysAdmin,
            units_in_charge: vec![],
            password: &password,
            must_change_password: true,
        },
    )
    .await?;
    tx.commit().await?;
    print!("{}", first_start_hint(&password));
    Ok(())
}

/// What a first start without `--demo` prints: the one-time password, and in Chinese
/// (English after it) what to do next, in order.
fn first_start_hint(password: &str) -> String {
    format!(
        "\
首次启动：已建立系统管理员账户 admin，一次性密码：{password}
接下来请按顺序：
  1. 用浏览器打开下方显示的地址，以 admin 和上面的密码登录，按提示设置新密码。
  2. 建立另外两名管理员（三员分立），在命令行执行：
       zhenggai user add 登录名 --name 姓名 --unit 本单位 --role secadmin
       zhenggai user add 登录名 --name 姓名 --unit 本单位 --role auditadmin
  3. 在“单位与部门”页把“本单位”改为贵单位全称，并建立各部门；
     在“用户”页为整改办建立账户，由安全管理员授予“整改办”角色。
  4. 整改办登录后新建巡察，导入台账（Excel、WPS 或 CSV），再为各责任单位建立账户。
  不想从空库开始、只想先看看：用一个新的数据目录执行 zhenggai serve --demo。
First start: one-time password of admin: {password}
Next: log in at the address below and set a new password; add the security and audit
administrators (zhenggai user add NAME --name … --unit 本单位 --role secadmin|auditadmin);
name the organisation and its departments, create the office's account, then the
office creates the inspection, imports its ledger and invites the units.
"
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use zhenggai_domain::clock::FixedClock;
    use zhenggai_storage::test_db::TestDb;

    /// The first start says in Chinese, first, what to do next.
    #[test]
    fn the_first_start_says_in_chinese_what_to_do_next() {
        let hint = first_start_hint("pw");
        let chinese = hint.split("First start").next().unwrap();
        for step in [
            "admin",
            "pw",
            "--role secadmin",
            "--role auditadmin",
            "导入台账",
            "--demo",
        ] {
            assert!(chinese.contains(step), "{step}");
        }
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
        first_start(&t.db, &clock).await.unwrap();
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
        let report = zhenggai_storage::verify::verify_reaching(&t.db, &claims)
            .await
            .unwrap();
        assert!(report.intact(), "{:?}", report.problems);
        assert_eq!(report.checkpoints.len(), 2);
    }
}
