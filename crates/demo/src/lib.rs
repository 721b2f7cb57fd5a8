//! The demo organisation: the newspaper of speech S1, inspected by the city
//! committee's first inspection group, with the eight aspects, the problems the speech
//! lists and the measures it gives, owned by plausible departments and leaders.
//!
//! Dates are placed around "today" so that the ledger always shows a realistic mix:
//! measures done, due soon, overdue and long-term.
//!
//! Its parts: the script of the speech (`s1`), one problem written and stepped through
//! (`problem`), the inspection's outcomes (`outcomes`), and the large organisation for
//! benchmarks ([`scale`]). Used by the binary's `demo`, `serve --demo` and `bench`, and
//! by the tests; not part of the production library (`zhenggai-storage`).

pub mod meetings;
mod outcomes;
mod petitions;
mod problem;
mod s1;
pub mod scale;

use chrono::{Duration, NaiveDate};
use zhenggai_domain::access::Actor;
use zhenggai_domain::inspection::{InspectionKind, ProblemSource};
use zhenggai_domain::{Role, UnitId, UserId};

use zhenggai_domain::validate::Checker;
use zhenggai_storage::accounts::units::{self, UnitKind};
use zhenggai_storage::accounts::users::{self, NewUser};
use zhenggai_storage::audit::Change;
use zhenggai_storage::db::Db;
use zhenggai_storage::db::sql::day;
use zhenggai_storage::db::tx::Tx;
use zhenggai_storage::error::StoreResult;
use zhenggai_storage::files::{
    FileStore, Stored, Upload, UploadLimits, check_uploads, store_uploads,
};
use zhenggai_storage::ledger::aspects::{self, TitleInput};
use zhenggai_storage::ledger::inspections::{self, InspectionInput};

use self::outcomes::demo_outcomes;
use self::petitions::demo_petitions;
use self::problem::insert_problem;
use self::s1::{ASPECTS, DEPARTMENTS, M, P, SELF_FOUND, When};

/// The password of every demo account (printed by `serve --demo`).
pub const DEMO_PASSWORD: &str = "Zhenggai-demo-2024";

/// The demo's Party secretary (党委书记), named in its warning rules.
pub const DEMO_SECRETARY: &str = "secretary";

/// The demo accounts: username, name, unit short name, role, units in charge.
pub const DEMO_USERS: &[(&str, &str, &str, Role, &[&str])] = &[
    ("office", "李明", "办公室", Role::Office, &[]),
    // The Party secretary (党委书记): the first responsible person, whom red warnings
    // reach; in charge of the organisation itself, he reads its whole ledger, and signs
    // what the leaders in charge sign, as they divide the work.
    (DEMO_SECRETARY, "张卫东", "报社", Role::Leader, &["报社"]),
    (
        "leader_wang",
        "王建国",
        "报社",
        Role::Leader,
        &["财务部", "经营管理部", "行政后勤部"],
    ),
    (
        "leader_zhao",
        "赵志红",
        "报社",
        Role::Leader,
        &[
            "总编室",
            "新闻采访中心",
            "新媒体中心",
            "党群工作部",
            "人力资源部",
        ],
    ),
    ("finance", "陈静", "财务部", Role::Unit, &[]),
    ("hr", "刘洋", "人力资源部", Role::Unit, &[]),
    ("logistics", "孙强", "行政后勤部", Role::Unit, &[]),
    ("newsroom", "周敏", "总编室", Role::Unit, &[]),
    ("party", "黄丽", "党群工作部", Role::Unit, &[]),
    ("business", "何伟", "经营管理部", Role::Unit, &[]),
    ("general", "钱敏", "办公室", Role::Unit, &[]),
    ("discipline", "冯涛", "纪检监察室", Role::Unit, &[]),
    ("newmedia", "韩雪", "新媒体中心", Role::Unit, &[]),
    ("jijian", "吴刚", "纪检监察室", Role::Supervisor, &[]),
    ("xunchaban", "郑华", "市委巡察办", Role::Upper, &[]),
    ("sysadmin", "系统管理员", "办公室", Role::SysAdmin, &[]),
    ("secadmin", "安全管理员", "办公室", Role::SecAdmin, &[]),
    ("auditadmin", "审计管理员", "办公室", Role::AuditAdmin, &[]),
];

/// The demo accounts acting, and the evidence their closure requests carry.
struct Cast<'a> {
    actors: Vec<(&'a str, Actor)>,
    evidence: Vec<Stored>,
}

/// The file a demo closure request carries.
const DEMO_EVIDENCE: &str = "整改成果及佐证材料清单\n\n一、专项报告（经牵头责任领导审签）\n二、制度文件\n三、会议纪要\n四、清退款项凭证\n";

/// Whether the database holds no organisation yet.
pub async fn is_empty(db: &Db) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units")
        .fetch_one(db.pool())
        .await?;
    Ok(n == 0)
}

/// Loads the demo organisation, in one transaction. `today` places the dates.
pub async fn load(
    db: &Db,
    store: &dyn FileStore,
    today: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    let change = Change {
        actor: None,
        at,
        reason: Some("演示数据"),
    };
    let evidence = store_evidence(store).await?;
    db.write(async |tx| {
        let city = units::insert(
            tx,
            change,
            None,
            UnitKind::Org,
            "中共某市委员会",
            Some("市委"),
        )
        .await?;
        let xunchaban = units::insert(
            tx,
            change,
            Some(city),
            UnitKind::Dept,
            "市委巡察工作领导小组办公室",
            Some("市委巡察办"),
        )
        .await?;
        let paper = Org {
            parent: city,
            name: "某市日报社（报业集团）",
            short: "报社",
            prefix: "",
        };
        load_org(
            tx,
            change,
            evidence,
            paper,
            vec![("市委巡察办", xunchaban)],
            today,
        )
        .await?;
        Ok(())
    })
    .await
}

/// The organisation keeps the default warning rules with its Party secretary named, so
/// that red warnings reach him as the rules say (报党委书记).
async fn name_secretary(
    tx: &mut Tx,
    change: Change<'_>,
    org: UnitId,
    secretary: Option<UserId>,
) -> StoreResult<()> {
    use zhenggai_domain::warning::{Recipient, WarningRules};
    use zhenggai_storage::db::sql::Param;
    let rules = WarningRules::default();
    let codes = |list: &[Recipient]| list.iter().map(|r| r.code()).collect::<Vec<_>>().join(",");
    let days = rules
        .remind_days
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    zhenggai_storage::audit::versions::upsert(
        tx,
        change,
        zhenggai_storage::audit::Entity::WarningRules,
        ("org_id", org.0),
        None,
        &[
            ("green_days", Param::from(i64::from(rules.green_days))),
            ("yellow_days", Param::from(i64::from(rules.yellow_days))),
            ("green_to", Param::from(codes(&rules.green))),
            ("yellow_to", Param::from(codes(&rules.yellow))),
            ("red_to", Param::from(codes(&rules.red))),
            ("secretary_id", Param::from(secretary.map(|s| s.0))),
            ("remind_days", Param::from(days)),
            ("repeat_days", Param::from(i64::from(rules.repeat_days))),
            (
                "milestone_months",
                Param::from(i64::from(rules.milestone_months)),
            ),
            (
                "long_term_days",
                Param::from(i64::from(rules.long_term_days)),
            ),
        ],
    )
    .await?;
    Ok(())
}

/// The file the demo's closure requests carry, stored.
async fn store_evidence(store: &dyn FileStore) -> StoreResult<Vec<Stored>> {
    let report = Upload {
        filename: "整改成果及佐证材料清单.txt".into(),
        bytes: DEMO_EVIDENCE.as_bytes().to_vec(),
    };
    let mut c = Checker::default();
    let checked = check_uploads(
        &mut c,
        std::slice::from_ref(&report),
        UploadLimits::default(),
    );
    c.finish()?;
    let evidence = store_uploads(store, &checked).await?;
    Ok(evidence)
}

/// An organisation the demo loads: its place, its names, and what its accounts'
/// usernames begin with.
#[derive(Clone, Copy)]
struct Org<'a> {
    parent: UnitId,
    name: &'a str,
    short: &'a str,
    prefix: &'a str,
}

/// Loads the newspaper's ledger once more, as another organisation under the demo's
/// city, its accounts named `{prefix}office`, `{prefix}finance` … (not the upper
/// level's, who oversees both): for tests of the upper level over several organisations.
pub async fn load_another(
    db: &Db,
    store: &dyn FileStore,
    today: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
    name: &str,
    short: &str,
    prefix: &str,
) -> StoreResult<()> {
    let change = Change {
        actor: None,
        at,
        reason: Some("演示数据"),
    };
    let evidence = store_evidence(store).await?;
    let city: i64 =
        sqlx::query_scalar("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
            .fetch_one(db.pool())
            .await?;
    db.write(async |tx| {
        let org = Org {
            parent: UnitId(city),
            name,
            short,
            prefix,
        };
        load_org(tx, change, evidence, org, Vec::new(), today).await?;
        Ok(())
    })
    .await
}

/// The newspaper's departments, accounts and ledger, under `org.parent`.
async fn load_org(
    tx: &mut Tx,
    change: Change<'_>,
    evidence: Vec<Stored>,
    org: Org<'_>,
    mut unit_of: Vec<(&str, UnitId)>,
    today: NaiveDate,
) -> StoreResult<()> {
    let paper = units::insert(
        tx,
        change,
        Some(org.parent),
        UnitKind::Org,
        org.name,
        Some(org.short),
    )
    .await?;
    unit_of.push(("报社", paper));
    for (name, short) in DEPARTMENTS {
        unit_of.push((
            short,
            units::insert(tx, change, Some(paper), UnitKind::Dept, name, Some(short)).await?,
        ));
    }
    let unit = |short: &str| {
        unit_of
            .iter()
            .find(|(s, _)| *s == short)
            .map(|(_, id)| *id)
            .unwrap_or(paper)
    };
    let mut user_of = Vec::new();
    let hash = zhenggai_storage::accounts::auth::hash_password(DEMO_PASSWORD)?;
    for (username, name, short, role, in_charge) in DEMO_USERS {
        // The upper level belongs to the city, not to the organisation.
        if *role == Role::Upper && !org.prefix.is_empty() {
            continue;
        }
        let prefixed = format!("{}{username}", org.prefix);
        let id = users::insert_hashed(
            tx,
            change,
            &NewUser {
                username: &prefixed,
                display_name: name,
                unit: unit(short),
                role: *role,
                units_in_charge: in_charge.iter().map(|s| unit(s)).collect(),
                password: DEMO_PASSWORD,
                must_change_password: false,
            },
            &hash,
        )
        .await?;
        user_of.push((*username, id));
    }
    let user = |name: &str| user_of.iter().find(|(n, _)| *n == name).map(|(_, id)| *id);
    let office = user("office");
    name_secretary(tx, change, paper, user(DEMO_SECRETARY)).await?;
    let actors: Vec<(&str, Actor)> = DEMO_USERS
        .iter()
        .filter_map(|(username, _, short, role, in_charge)| {
            Some((
                *username,
                Actor {
                    user: user(username)?,
                    role: *role,
                    unit: unit(short),
                    org: paper,
                    units_in_charge: in_charge.iter().map(|s| unit(s)).collect(),
                    orgs_below: Vec::new(),
                },
            ))
        })
        .collect();
    let cast = Cast { actors, evidence };

    let feedback = today - Duration::days(40);
    let inspection = inspections::insert(
        tx,
        change,
        paper,
        &InspectionInput {
            kind: InspectionKind::Xuncha.code().into(),
            title: "市委第一巡察组对市日报社党委的专项巡察".into(),
            group_name: "市委第一巡察组".into(),
            period_start: day(feedback - Duration::days(120)),
            period_end: day(feedback - Duration::days(80)),
            feedback_date: day(feedback),
            notes: "巡察反馈意见及信访件已移交；须在收到反馈后15个工作日内提交整改方案，两个月内完成集中整改。".into(),
            plan_workdays: "15".into(),
            completion_months: "2".into(),
            concentrated_months: "2".into(),
        },
    )
    .await?;
    for (title, problems) in ASPECTS {
        let aspect = aspects::insert(
            tx,
            change,
            inspection,
            &TitleInput {
                title: title.to_string(),
            },
        )
        .await?;
        for p in *problems {
            insert_problem(
                tx,
                change,
                inspection,
                aspect,
                p,
                ProblemSource::Inspection,
                feedback,
                today,
                &unit,
                &user,
                office,
                &cast,
            )
            .await?;
        }
    }
    let last_aspect = aspects::insert(
        tx,
        change,
        inspection,
        &TitleInput {
            title: "举一反三自查问题".into(),
        },
    )
    .await?;
    insert_problem(
        tx,
        change,
        inspection,
        last_aspect,
        &SELF_FOUND,
        ProblemSource::SelfFound,
        feedback,
        today,
        &unit,
        &user,
        office,
        &cast,
    )
    .await?;

    demo_outcomes(tx, change, &cast, inspection, today).await?;
    demo_petitions(tx, change, &cast, inspection, feedback, today).await?;

    // A second source beside the inspection (D2: several live side by side).
    let audit_feedback = today - Duration::days(75);
    let audit = inspections::insert(
        tx,
        change,
        paper,
        &InspectionInput {
            kind: InspectionKind::Audit.code().into(),
            title: "市审计局对报社原社长任期经济责任审计".into(),
            group_name: "市审计局".into(),
            period_start: day(audit_feedback - Duration::days(60)),
            period_end: day(audit_feedback - Duration::days(20)),
            feedback_date: day(audit_feedback),
            notes: String::new(),
            ..InspectionInput::default()
        },
    )
    .await?;
    let aspect = aspects::insert(
        tx,
        change,
        audit,
        &TitleInput {
            title: "财务收支方面".into(),
        },
    )
    .await?;
    let p = P {
        title: "专项资金未专款专用",
        description: "融媒体建设专项资金部分用于日常办公支出。",
        measures: &[M {
            content: "收回挪用资金，归还专项资金账户，完善专项资金管理办法",
            lead: "财务部",
            coop: &["新媒体中心"],
            leader: "leader_wang",
            person: "陈静",
            target: "挪用资金全部归还；管理办法印发",
            when: When::MonthEnd(2),
            progress: &[(20, "已归还专项资金账户12.5万元。", false)],
        }],
    };
    insert_problem(
        tx,
        change,
        audit,
        aspect,
        &p,
        ProblemSource::Inspection,
        audit_feedback,
        today,
        &unit,
        &user,
        office,
        &cast,
    )
    .await?;
    // Last, so that the records above keep their ids from demo to demo.
    meetings::demo_meetings(tx, change, &cast, paper, today).await?;
    Ok(())
}
