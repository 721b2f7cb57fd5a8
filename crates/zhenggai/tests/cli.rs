#![expect(clippy::unwrap_used, reason = "a failing unwrap is a failing test")]
//! The binary itself: `serve` on an empty data directory prints the one-time admin
//! password, answers `/healthz`, and stops cleanly on SIGTERM; `user` and `migrate`
//! work from the shell.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_zhenggai");

fn zhenggai(data: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data")
        .arg(data)
        .env_remove("ZHENGGAI_DATABASE_URL")
        .env_remove("ZHENGGAI_CONFIG");
    c
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serve_starts_with_no_configuration_and_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = zhenggai(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut password = None;
    let mut addr = None;
    let started = Instant::now();
    while addr.is_none() && started.elapsed() < Duration::from_secs(60) {
        let line = lines.next().unwrap().unwrap();
        // The first start speaks Chinese: "admin 的一次性密码：…（只显示这一次…）".
        if let Some(p) = line.split("admin 的一次性密码：").nth(1) {
            password = p.split('（').next().map(|p| p.trim().to_string());
        }
        if let Some(a) = line.split("listening on http://").nth(1) {
            addr = Some(a.split('/').next().unwrap().to_string());
        }
    }
    let addr = addr.expect("serve printed its address");
    assert_eq!(
        password.as_deref().map(str::len),
        Some(16),
        "the first start prints a generated password"
    );
    assert!(http_get(&addr, "/healthz").starts_with("HTTP/1.1 200"));
    assert!(
        dir.path().join("zhenggai.db").exists(),
        "the embedded database is created in the data directory"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "serve exited with {exit:?} on SIGTERM");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.contains("zhenggai stopped")),
        "{rest:?}"
    );
}

#[test]
fn users_are_managed_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        zhenggai(dir.path())
            .arg("migrate")
            .status()
            .unwrap()
            .success()
    );
    assert!(
        zhenggai(dir.path())
            .arg("demo")
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = zhenggai(dir.path())
        .args([
            "user",
            "add",
            "zhaoliu",
            "--name",
            "赵六",
            "--unit",
            "财务部",
            "--role",
            "unit",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("one-time password"));
    let bad = zhenggai(dir.path())
        .args([
            "user",
            "add",
            "x",
            "--name",
            "X",
            "--unit",
            "不存在的部门",
            "--role",
            "unit",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("不存在的部门"));
    let bad_role = zhenggai(dir.path())
        .args([
            "user",
            "add",
            "y",
            "--name",
            "Y",
            "--unit",
            "财务部",
            "--role",
            "root",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role"));
    // A leader is put in charge of departments of their own organisation only.
    let add_leader = |in_charge: &str| {
        zhenggai(dir.path())
            .args([
                "user", "add", "zhangsan", "--name", "张三", "--unit", "报社",
            ])
            .args(["--role", "leader", "--in-charge", in_charge])
            .output()
            .unwrap()
    };
    let foreign = add_leader("市委巡察办,财务部");
    assert!(!foreign.status.success());
    assert!(
        String::from_utf8_lossy(&foreign.stderr).contains("own organisation"),
        "{}",
        String::from_utf8_lossy(&foreign.stderr)
    );
    let leader = add_leader("财务部,人力资源部");
    assert!(
        leader.status.success(),
        "{}",
        String::from_utf8_lossy(&leader.stderr)
    );
    let list = zhenggai(dir.path())
        .args(["user", "list"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.contains("zhaoliu") && list.contains("赵六") && list.contains("finance"));
    // Piped into a reader that has already stopped: a quiet end, as Unix tools end on
    // SIGPIPE, not a panic.
    let mut child = zhenggai(dir.path())
        .args(["user", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let closed = child.wait_with_output().unwrap();
    assert_eq!(closed.status.code(), Some(141));
    assert!(
        !String::from_utf8_lossy(&closed.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&closed.stderr)
    );
    let weak = zhenggai(dir.path())
        .args(["user", "passwd", "zhaoliu", "--password", "short"])
        .output()
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));
    // The three administrators' accounts are disabled and enabled from the shell only
    // (no page or API does it); disabling says why.
    let disabled = |args: &[&str]| {
        let out = zhenggai(dir.path())
            .args(["user"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let list = zhenggai(dir.path())
            .args(["user", "list"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .any(|l| l.contains("auditadmin") && l.contains("(disabled)"))
    };
    assert!(disabled(&["disable", "auditadmin", "--reason", "调离"]));
    assert!(!disabled(&["enable", "auditadmin"]));
    let no_reason = zhenggai(dir.path())
        .args(["user", "disable", "auditadmin"])
        .output()
        .unwrap();
    assert!(!no_reason.status.success());
}

#[test]
fn audit_verify_passes_on_the_demo_and_fails_naming_a_tampered_row() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        zhenggai(dir.path())
            .arg("demo")
            .output()
            .unwrap()
            .status
            .success()
    );
    let ok = zhenggai(dir.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("audit trail intact"));
    // Tamper with the database file directly, as someone with file access could.
    let url = format!("sqlite://{}", dir.path().join("zhenggai.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = zhenggai_storage::Db::connect(&url, 1).await.unwrap();
        sqlx_exec(
            &db,
            "UPDATE measures SET responsible_person = '无关人员' WHERE id = 3",
        )
        .await;
        db.close().await;
    });
    let bad = zhenggai(dir.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(
        out.contains(
            "first problem: measures #3 differs from its latest audit entry in: responsible_person"
        ),
        "{out}"
    );
}

async fn sqlx_exec(db: &zhenggai_storage::Db, sql: &str) {
    use sqlx::Executor;
    db.pool().execute(sql).await.unwrap();
}

#[test]
fn import_dry_run_reads_a_ledger_without_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("台账.csv");
    let text = "序号,问题描述,整改措施,责任部门,配合部门,完成时限\n\
                一、班子建设方面（1个问题）,,,,,\n\
                1,民主集中制执行不严格,①完善议事规则,办公室,财务部、审计部,5月中旬\n\
                ,,②规范决策程序,办公室,,尽快\n";
    std::fs::write(&csv, text).unwrap();
    let out = Command::new(BIN)
        .args([
            "import",
            "--dry-run",
            "--json",
            "--feedback-date",
            "2024-03-15",
        ])
        .arg(&csv)
        .env("ZHENGGAI_DATABASE_URL", "postgres://nowhere.invalid/none")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unreadable deadline fails the run"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["aspects"], 1);
    assert_eq!(v["problems"], 1);
    assert_eq!(v["measures"], 2);
    let row = &v["rows"][0];
    assert_eq!(row["sheet"], "CSV");
    assert_eq!(row["row"], 3);
    assert_eq!(row["aspect"], "班子建设方面");
    assert_eq!(row["measure"], "完善议事规则");
    assert_eq!(row["lead_unit"], "办公室");
    assert_eq!(row["cooperating"], serde_json::json!(["财务部", "审计部"]));
    assert_eq!(
        row["deadline"],
        serde_json::json!({"text": "5月中旬", "kind": "dated", "date": "2024-05-20", "precision": "xun"})
    );
    assert_eq!(v["errors"][0]["row"], 4);
    assert_eq!(v["errors"][0]["column"], "F");
    assert_eq!(v["errors"][0]["field"], "deadline");
    assert!(!dir.path().join("zhenggai-data").exists());
}

fn run(data: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = zhenggai(data).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_calendar_answers_from_the_shell_and_refuses_to_guess_a_year_without_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // National Day 2024: 1–7 October off, Sunday 29 September and Saturday 12 October worked.
    assert_eq!(
        run(data, &["calendar", "is-workday", "2024-10-01"]).1,
        "false\n"
    );
    assert_eq!(
        run(data, &["calendar", "is-workday", "2024-09-29"]).1,
        "true\n"
    );
    assert_eq!(
        run(data, &["calendar", "add-workdays", "2024-09-30", "1"]).1,
        "2024-10-08\n"
    );
    assert_eq!(
        run(data, &["calendar", "add-workdays", "2024-10-08", "-1"]).1,
        "2024-09-30\n"
    );
    assert_eq!(
        run(
            data,
            &["calendar", "workdays-between", "2024-09-27", "2024-10-12"]
        )
        .1,
        "7\n"
    );
    // 2027 has no notice yet: refused with the reason, unless asked to assume.
    let (code, out, err) = run(data, &["calendar", "is-workday", "2027-01-01"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("2027年的节假日安排尚未录入"), "{err}");
    let (code, out, err) = run(
        data,
        &[
            "calendar",
            "is-workday",
            "--assume-ordinary-week",
            "2027-01-01",
        ],
    );
    assert_eq!((code, out.as_str()), (0, "true\n"));
    assert!(err.contains("warning"), "{err}");
    // A bad file is refused at its line, and nothing is saved.
    let bad = data.join("bad.txt");
    std::fs::write(
        &bad,
        "year 2027 https://www.gov.cn/x\n2027-01-01 放假 元旦\n",
    )
    .unwrap();
    let (code, _, err) = run(data, &["calendar", "import", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("第2行"), "{err}");
    assert_eq!(run(data, &["calendar", "is-workday", "2027-01-01"]).0, 2);
    // The administrator adds 2027; the answer follows it.
    let good = data.join("2027.txt");
    std::fs::write(
        &good,
        "year 2027 https://www.gov.cn/x\n2027-01-01 休 元旦\n2027-02-06 班 春节\n",
    )
    .unwrap();
    let (code, out, err) = run(data, &["calendar", "import", good.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2027"), "{out}");
    assert_eq!(
        run(data, &["calendar", "is-workday", "2027-01-01"]).1,
        "false\n"
    );
    assert_eq!(
        run(data, &["calendar", "is-workday", "2027-02-06"]).1,
        "true\n"
    );
    let (_, out, _) = run(data, &["calendar", "show"]);
    assert!(out.contains("2027") && out.contains("entered"), "{out}");
    assert!(out.contains("2015") && out.contains("shipped"), "{out}");
    let (_, out, _) = run(data, &["audit", "verify"]);
    assert!(out.contains("audit trail intact"), "{out}");
}

#[test]
fn deadline_phrases_are_read_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    for (phrase, json) in [
        (
            "6月中旬",
            r#"{"date":"2024-06-20","kind":"dated","precision":"xun","text":"6月中旬"}"#,
        ),
        (
            "2024年4月底前",
            r#"{"date":"2024-04-30","kind":"dated","precision":"month","text":"2024年4月底前"}"#,
        ),
        (
            "立行立改",
            r#"{"date":null,"kind":"immediate","precision":null,"text":"立行立改"}"#,
        ),
        (
            "长期坚持",
            r#"{"date":null,"kind":"long_term","precision":null,"text":"长期坚持"}"#,
        ),
    ] {
        let (code, out, _) = run(
            data,
            &["deadline", phrase, "--reference", "2024-03-15", "--json"],
        );
        assert_eq!((code, out.trim()), (0, json), "{phrase}");
    }
    let (code, out, _) = run(
        data,
        &[
            "deadline",
            "集中整改期内",
            "--reference",
            "2024-03-15",
            "--concentrated-until",
            "2024-06-14",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    assert!(out.contains(r#""date":"2024-06-14""#), "{out}");
    let (code, out, _) = run(data, &["deadline", "尽快", "--json"]);
    assert_eq!(code, 1);
    assert!(out.contains(r#""error""#) && out.contains("尽快"), "{out}");
    // Reading a phrase opens no database.
    assert!(!data.join("zhenggai.db").exists());
}

/// One number as a data directory's database stores it: rows a refused command must
/// leave as they were, or entries of the trail, which are what is checked.
fn sqlite_count(data: &std::path::Path, sql: &str) -> i64 {
    use sqlx::Row;
    let url = format!("sqlite://{}", data.join("zhenggai.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = zhenggai_storage::Db::connect(&url, 1).await.unwrap();
        let n: i64 = sqlx::query(sql)
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        db.close().await;
        n
    })
}

/// The organisation of the demo in a data directory, as its office reads it.
fn demo_org(data: &std::path::Path) -> i64 {
    use zhenggai_testkit::Finders;
    let url = format!("sqlite://{}", data.join("zhenggai.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = zhenggai_storage::Db::connect(&url, 1).await.unwrap();
        let org = db.actor("office").await.org.0;
        db.close().await;
        org
    })
}

#[test]
fn import_into_a_new_inspection_leaves_none_behind_when_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert_eq!(run(data, &["demo"]).0, 0);
    let org = demo_org(data).to_string();
    let inspections = sqlite_count(data, "SELECT COUNT(*) FROM inspections");
    let good = "序号,问题描述,整改措施,责任领导,牵头单位,配合单位,完成时限\n\
                一、新增巡察反馈问题（1个问题）,,,,,,\n\
                1,印章管理不规范,建立用印登记制度,王建国,办公室,法务部,5月中旬\n";
    let bad = format!("{good},,开展印章清查,王建国,办公室,,尽快\n");
    let file = data.join("台账.csv");
    let import = |text: &str, more: &[&str]| {
        std::fs::write(&file, text).unwrap();
        let mut args = vec![
            "import",
            file.to_str().unwrap(),
            "--new-inspection",
            "市委第二巡察组专项巡察",
            "--org",
            &org,
            "--group",
            "市委第二巡察组",
            "--feedback-date",
            "2024-03-15",
        ];
        args.extend_from_slice(more);
        run(data, &args)
    };
    let (code, out, _) = import(&bad, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("尽快"), "the refused row is named: {out}");
    assert_eq!(
        sqlite_count(data, "SELECT COUNT(*) FROM inspections"),
        inspections,
        "a refused file leaves no new inspection"
    );
    let (code, _, err) = import(good, &[]);
    assert_ne!(code, 0, "an unknown unit is refused without --create-units");
    assert!(err.contains("法务部"), "{err}");
    assert_eq!(
        sqlite_count(data, "SELECT COUNT(*) FROM inspections"),
        inspections
    );
    let (code, out, err) = import(good, &["--create-units"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("imported into inspection"), "{out}");
    // The file imported is kept in the data directory's store.
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(good.as_bytes()));
    let files = zhenggai_storage::files::LocalFiles::new(data.join("files"));
    let kept = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(zhenggai_storage::files::FileStore::get(&files, &sha))
        .unwrap();
    assert_eq!(kept, good.as_bytes());
    assert_eq!(
        sqlite_count(data, "SELECT COUNT(*) FROM inspections"),
        inspections + 1
    );
}

/// Starts `serve` with `args`, waits for its address, stops it with SIGTERM.
fn serve_once(data: &std::path::Path, args: &[&str]) {
    let mut child = zhenggai(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut addr = None;
    while addr.is_none() && started.elapsed() < Duration::from_secs(60) {
        let line = lines.next().unwrap().unwrap();
        addr = line
            .split("listening on http://")
            .nth(1)
            .map(|a| a.split('/').next().unwrap().to_string());
    }
    let addr = addr.expect("serve printed its address");
    assert!(http_get(&addr, "/healthz").starts_with("HTTP/1.1 200"));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_demonstration_runs_on_a_chosen_day_only_on_a_new_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    // Not without the demo.
    let (code, _, err) = run(dir.path(), &["serve", "--demo-day", "2024-04-25"]);
    assert_ne!(code, 0);
    assert!(err.contains("--demo"), "{err}");
    // A new demonstration as of 25 April 2024: everything it records is of that day or
    // before (the demo's own history), nothing of the real date.
    serve_once(dir.path(), &["--demo", "--demo-day", "2024-04-25"]);
    assert!(
        sqlite_count(
            dir.path(),
            "SELECT COUNT(*) FROM audit_log WHERE at LIKE '2024-04-25%' OR at LIKE '2024-04-24T%'"
        ) > 0
    );
    assert_eq!(
        sqlite_count(
            dir.path(),
            "SELECT COUNT(*) FROM audit_log WHERE at >= '2024-04-26'"
        ),
        0
    );
    // Not on a database that holds data: its trail would get instants out of order.
    let (code, _, err) = run(
        dir.path(),
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--demo",
            "--demo-day",
            "2024-05-20",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("new data directory"), "{err}");
}

/// The audit trail's end, proven from outside the database (issue 19, item 8): the
/// server seals the trail with a key file of its own and notes checkpoints in a file;
/// `audit verify --checkpoint` proves the trail still reaches them, and fails loudly,
/// naming the checkpoint, once the trail was cut back behind one.
#[test]
fn audit_verify_proves_checkpoints_and_fails_loudly_when_the_trail_was_cut_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    serve_once(data, &["--demo"]);
    let key = data.join("audit.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key is readable by its owner only");
    }
    let file = data.join("audit-checkpoints.log");
    let lines = std::fs::read_to_string(&file).unwrap();
    assert!(
        lines.lines().count() >= 2,
        "at start and at shutdown: {lines}"
    );
    let file = file.to_str().unwrap();
    let (code, out, err) = run(data, &["audit", "verify", "--checkpoint", file]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("checkpoint reached"), "{out}");
    assert!(out.contains("sealed with the audit key"), "{out}");
    let printed = out
        .lines()
        .find_map(|l| l.strip_prefix("审计校验码 / audit code: "))
        .unwrap()
        .to_string();
    let (code, out, _) = run(data, &["audit", "verify", "--checkpoint", &printed]);
    assert_eq!(code, 0, "{out}");
    // A code no checkpoint was taken of is not proven.
    let (code, out, _) = run(
        data,
        &["audit", "verify", "--checkpoint", "5-0123456789abcdef"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("checkpoint 5-0123456789abcdef: the database holds no record"),
        "{out}"
    );
    let (code, _, err) = run(data, &["audit", "verify", "--checkpoint", "nonsense"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("neither a checkpoint file nor a 审计校验码"),
        "{err}"
    );

    // Cut the last entry off the trail and move the head back with it.
    let url = format!("sqlite://{}", data.join("zhenggai.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = zhenggai_storage::Db::connect(&url, 1).await.unwrap();
        sqlx_exec(&db, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)").await;
        sqlx_exec(
            &db,
            "UPDATE audit_heads SET seq = seq - 1, hash = (SELECT hash FROM audit_log a WHERE a.chain = audit_heads.chain AND a.seq = audit_heads.seq - 1)",
        )
        .await;
        db.close().await;
    });
    let (code, out, _) = run(data, &["audit", "verify", "--checkpoint", &printed]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("AUDIT TRAIL BROKEN"), "{out}");
    assert!(
        out.contains(&format!(
            "checkpoint {printed}: chain 0 no longer reaches position"
        )),
        "{out}"
    );

    // Another key: named as wrong, and the server refuses to start with it.
    std::fs::write(&key, "ab".repeat(32)).unwrap();
    let (code, out, _) = run(data, &["audit", "verify"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("wrong audit key: the trail is sealed with key"),
        "{out}"
    );
    let (code, _, err) = run(data, &["serve", "--listen", "127.0.0.1:0"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("审计密钥不符") && err.contains("Wrong audit key"),
        "{err}"
    );
    // No key at all: the sealed entries are not passed unchecked.
    std::fs::remove_file(&key).unwrap();
    let (code, out, _) = run(data, &["audit", "verify"]);
    assert_eq!(code, 1);
    assert!(out.contains("were not checked: give the key file"), "{out}");
}

#[test]
fn the_figures_are_printed_as_offices_write_them_and_as_json() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        zhenggai(dir.path())
            .arg("demo")
            .output()
            .unwrap()
            .status
            .success()
    );
    let (code, out, err) = run(dir.path(), &["stats", "--inspection", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("截至"), "{out}");
    assert!(
        out.contains("共反馈9个方面23个问题，制定整改措施27条；已完成整改1个，正在按序时进度推进"),
        "{out}"
    );
    assert!(
        out.contains(
            "；制定完善制度3项；问责2人、单位1个；清退资金6.1万元；办理移交信访件4件，已办结1件，正在办理3件。"
        ),
        "{out}"
    );
    let (code, out, err) = run(dir.path(), &["stats", "--inspection", "1", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "aspects",
        "items",
        "problems",
        "measures",
        "problems_done",
        "problems_on_schedule",
        "problems_long_term",
        "problems_overdue",
        "institutions",
        "people_held_accountable",
        "money_recovered_yuan",
        "petitions",
        "petitions_concluded",
    ] {
        assert!(v[key].is_number(), "{key}: {out}");
    }
    assert_eq!(v["money_recovered_yuan"], 60_950.0);
    // Before the ledger was entered there was nothing; a day ahead is refused.
    let (code, out, _) = run(
        dir.path(),
        &[
            "stats",
            "--inspection",
            "1",
            "--as-of",
            "2000-01-01",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["problems"], 0);
    let (code, _, err) = run(
        dir.path(),
        &["stats", "--inspection", "1", "--as-of", "2999-01-01"],
    );
    assert_ne!(code, 0);
    assert!(err.contains("as_of"), "{err}");
    let (code, _, err) = run(dir.path(), &["stats", "--inspection", "999"]);
    assert_ne!(code, 0);
    assert!(err.contains("no inspection 999"), "{err}");
    // An organisation's figures, by its id; a department is refused, naming its
    // organisation.
    let org = demo_org(dir.path());
    let (code, out, err) = run(dir.path(), &["stats", "--org", &org.to_string(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // S1's 23, the self-inspection's one, last year's democratic life meeting's four.
    assert_eq!(v["problems"], 28);
    let (code, _, err) = run(dir.path(), &["stats", "--org", &(org + 1).to_string()]);
    assert_ne!(code, 0);
    assert!(
        err.contains("is a department") && err.contains(&org.to_string()),
        "{err}"
    );
}
