//! A large organisation for benchmarks: `zhenggai demo --scale` fills a database with
//! thousands of units and a million measures, fast, with multi-row inserts.
//!
//! These rows are test data: they are written without audit records, which is why the
//! generator refuses a database that already holds anything. They have a past, so that
//! the figures as of a past day (D15) rewind something: each inspection's rows are dated
//! on its feedback day, and one done measure in ten was finished in the last 29 days
//! through a recorded change ([`finish_recent`]), as progress is reported.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Executor;
use zhenggai_domain::Role;
use zhenggai_domain::clock::from_china_time;

use zhenggai_storage::accounts::users::{self, NewUser};
use zhenggai_storage::audit::{Change, Entity, versions};
use zhenggai_storage::db::Db;
use zhenggai_storage::db::dialect;
use zhenggai_storage::db::sql::{Param, Sql, day, stamp};

/// How big.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Organisations under the root (each with its departments).
    pub orgs: i64,
    /// Departments per organisation.
    pub depts_per_org: i64,
    /// Inspections in all.
    pub inspections: i64,
    /// Problems in all; the first inspection gets `first_inspection_problems`.
    pub problems: i64,
    /// Problems of the first inspection (the benchmark's ledger page).
    pub first_inspection_problems: i64,
    /// Measures per problem.
    pub measures_per_problem: i64,
}

impl Scale {
    /// 2,000 units, 200 inspections, 200,000 problems, 1,000,000 measures.
    pub const FULL: Scale = Scale {
        orgs: 40,
        depts_per_org: 49,
        inspections: 200,
        problems: 200_000,
        first_inspection_problems: 2_000,
        measures_per_problem: 5,
    };
}

/// What the generator made, for the benchmark to use.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The first inspection (2,000 problems).
    pub inspection: i64,
    /// A department with measures, for the filtered list.
    pub unit: i64,
    /// Users: office of the first organisation, and a unit user of `unit`.
    pub office_user: String,
    /// A unit user.
    pub unit_user: String,
    /// The upper level (省委巡视办) over every generated organisation.
    pub upper_user: String,
    /// Their password.
    pub password: String,
}

const WORDS: &[&str] = &[
    "公车",
    "档案",
    "财务",
    "接待",
    "采购",
    "招聘",
    "房产",
    "报销",
    "合同",
    "津贴",
    "补贴",
    "考勤",
    "选人用人",
    "三会一课",
    "主体责任",
    "意识形态",
    "资金",
    "账户",
    "审批",
    "评估",
    "监督",
    "廉政",
    "会议",
    "学习",
    "制度",
    "台账",
    "招投标",
    "维修",
];

fn phrase(rng: &mut StdRng, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(WORDS[rng.gen_range(0..WORDS.len())]);
        s.push_str(if i + 1 == n { "问题" } else { "、" });
    }
    s
}

async fn flush(
    db: &Db,
    table: &str,
    columns: &str,
    rows: &mut Vec<Vec<Param>>,
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let columns: Vec<&str> = columns.split(", ").collect();
    let sql = Sql::insert_rows(
        dialect::bulk_placeholders(db.backend()),
        table,
        &columns,
        std::mem::take(rows),
    );
    db.write(async |tx| {
        if let Some(bulk) = dialect::bulk_writes(db.backend()) {
            sqlx::query(bulk).execute(tx.conn()).await?;
        }
        sql.query().execute(tx.conn()).await?;
        Ok(())
    })
    .await?;
    Ok(())
}

/// When an inspection's rows entered the ledger: 09:00 in China on its feedback day.
fn entered_on(feedback: NaiveDate) -> anyhow::Result<String> {
    let nine = feedback
        .and_hms_opt(9, 0, 0)
        .ok_or_else(|| anyhow::anyhow!("09:00 is a time of day"))?;
    Ok(stamp(from_china_time(nine)))
}

/// Marks `measures` done, one change each with its entry in the trail, spread evenly
/// over the 29 days before `at` in the order given (so the trail's instants rise): the
/// progress of the last month, which the figures as of a month ago rewind.
async fn finish_recent(
    db: &Db,
    measures: &[i64],
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let span = Duration::days(29);
    let start = at - span;
    let step = span.num_milliseconds() / (measures.len().max(1) as i64);
    for (chunk_index, chunk) in measures.chunks(500).enumerate() {
        db.write(async |tx| {
            for (k, id) in chunk.iter().enumerate() {
                let n = (chunk_index * 500 + k) as i64;
                let when = start + Duration::milliseconds(step * n);
                let mut set = Sql::new("state = ");
                set.bind("done")
                    .push(", done_on = ")
                    .bind(day(zhenggai_domain::clock::china_date(when)));
                versions::update(
                    tx,
                    Change {
                        actor: None,
                        at: when,
                        reason: Some("benchmark data"),
                    },
                    "progress",
                    Entity::Measure,
                    *id,
                    1,
                    &set,
                )
                .await?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// Fills an empty database. `today` places the deadlines around it.
pub async fn generate(
    db: &Db,
    scale: Scale,
    today: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Generated> {
    anyhow::ensure!(
        crate::is_empty(db).await?,
        "the database already holds data: generate into an empty one"
    );
    let mut rng = StdRng::seed_from_u64(2024);
    let now = stamp(at);
    const BATCH: usize = 400;

    // Units: a root organisation with its inspection office, then the inspected
    // organisations, each with its departments.
    let mut rows = Vec::new();
    let unit_cols = "id, parent_id, org_id, kind, name, short_name, sort_order, created_at";
    rows.push(vec![
        Param::Int(1),
        Param::NullInt,
        Param::Int(1),
        "org".into(),
        "省委".into(),
        "省委".into(),
        Param::Int(0),
        now.clone().into(),
    ]);
    rows.push(vec![
        Param::Int(2),
        Param::Int(1),
        Param::Int(1),
        "dept".into(),
        "省委巡视办".into(),
        "巡视办".into(),
        Param::Int(0),
        now.clone().into(),
    ]);
    let mut next_id = 3;
    let mut orgs: Vec<(i64, Vec<i64>)> = Vec::new();
    for o in 0..scale.orgs {
        let org = next_id;
        next_id += 1;
        rows.push(vec![
            Param::Int(org),
            Param::Int(1),
            Param::Int(org),
            "org".into(),
            format!("第{}单位", o + 1).into(),
            Param::NullText,
            Param::Int(0),
            now.clone().into(),
        ]);
        let mut depts = Vec::new();
        for d in 0..scale.depts_per_org {
            let id = next_id;
            next_id += 1;
            rows.push(vec![
                Param::Int(id),
                Param::Int(org),
                Param::Int(org),
                "dept".into(),
                format!("第{}单位第{}部门", o + 1, d + 1).into(),
                format!("部门{}", d + 1).into(),
                Param::Int(d),
                now.clone().into(),
            ]);
            depts.push(id);
            if rows.len() >= BATCH {
                flush(db, "units", unit_cols, &mut rows).await?;
            }
        }
        orgs.push((org, depts));
    }
    flush(db, "units", unit_cols, &mut rows).await?;

    let (first_org, first_depts) = orgs
        .first()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no organisations"))?;
    let password = zhenggai_storage::accounts::auth::generate_password();
    let change = Change {
        actor: None,
        at,
        reason: Some("benchmark data"),
    };
    // The office and a unit of the first organisation, and the upper level (省委巡视办)
    // over every generated one.
    let accounts = [
        ("bench_office", "基准整改办", first_org, Role::Office),
        ("bench_unit", "基准部门", first_depts[0], Role::Unit),
        ("bench_upper", "基准巡视办", 2, Role::Upper),
    ];
    db.write(async |tx| {
        for (username, display_name, unit, role) in accounts {
            users::insert(
                tx,
                change,
                &NewUser {
                    username,
                    display_name,
                    unit: zhenggai_domain::UnitId(unit),
                    role,
                    units_in_charge: vec![],
                    password: &password,
                    must_change_password: false,
                },
            )
            .await?;
        }
        Ok(())
    })
    .await?;

    // Inspections, spread over the organisations; the first one has 2,000 problems.
    let insp_cols =
        "id, org_id, kind, title, group_name, period_start, period_end, feedback_date, created_at";
    let mut inspections = Vec::new();
    for i in 0..scale.inspections {
        let (org, _) = &orgs[(i as usize) % orgs.len()];
        let feedback = today - Duration::days(rng.gen_range(30..400));
        let entered = entered_on(feedback)?;
        rows.push(vec![
            Param::Int(i + 1),
            Param::Int(*org),
            "xunshi".into(),
            format!(
                "省委第{}巡视组巡视第{}单位",
                i % 12 + 1,
                (i as usize) % orgs.len() + 1
            )
            .into(),
            format!("省委第{}巡视组", i % 12 + 1).into(),
            day(feedback - Duration::days(90)).into(),
            day(feedback - Duration::days(30)).into(),
            day(feedback).into(),
            entered.clone().into(),
        ]);
        inspections.push((i + 1, (i as usize) % orgs.len(), entered));
    }
    flush(db, "inspections", insp_cols, &mut rows).await?;

    let aspect_cols = "id, inspection_id, ordinal, title, created_at";
    const ASPECTS: [&str; 8] = [
        "班子建设方面",
        "党的建设方面",
        "纪律作风方面",
        "业务工作方面",
        "经营管理方面",
        "人力资源方面",
        "财务管理方面",
        "资产管理方面",
    ];
    for (insp, _, entered) in &inspections {
        for (k, title) in ASPECTS.iter().enumerate() {
            rows.push(vec![
                Param::Int((insp - 1) * 8 + k as i64 + 1),
                Param::Int(*insp),
                Param::Int(k as i64 + 1),
                (*title).into(),
                entered.clone().into(),
            ]);
        }
    }
    flush(db, "aspects", aspect_cols, &mut rows).await?;

    let problem_cols =
        "id, inspection_id, aspect_id, ordinal, title, description, source, created_at";
    let measure_cols = "id, problem_id, inspection_id, org_id, ordinal, content, lead_unit_id, responsible_person, target, \
                        deadline_text, deadline_kind, deadline_date, deadline_precision, state, done_on, created_at";
    let coop_cols = "measure_id, unit_id, created_at";
    let mut mrows = Vec::new();
    let mut crows = Vec::new();
    let rest = (scale.problems - scale.first_inspection_problems).max(0);
    let others = (scale.inspections - 1).max(1);
    let mut problem_id = 0;
    let mut measure_id = 0;
    // Done measures finished lately, written open here and finished by a change.
    let mut recent = Vec::new();
    for (insp, org_index, entered) in &inspections {
        let count = if *insp == 1 {
            scale.first_inspection_problems
        } else {
            rest / others + i64::from(*insp - 2 < rest % others)
        };
        let (org, depts) = &orgs[*org_index];
        for n in 0..count {
            problem_id += 1;
            let aspect = (insp - 1) * 8 + (n * 8 / count.max(1)) + 1;
            let title = phrase(&mut rng, 2);
            rows.push(vec![
                Param::Int(problem_id),
                Param::Int(*insp),
                Param::Int(aspect),
                Param::Int(n + 1),
                title.clone().into(),
                format!("巡视发现：{}", phrase(&mut rng, 4)).into(),
                if n % 10 == 9 {
                    "self_found".into()
                } else {
                    "inspection".into()
                },
                entered.clone().into(),
            ]);
            for k in 0..scale.measures_per_problem {
                measure_id += 1;
                let lead = depts[rng.gen_range(0..depts.len())];
                let (text, kind, date, precision) = match rng.gen_range(0..10) {
                    0 => ("立行立改".to_string(), "immediate", None, None),
                    1 => ("长期坚持".to_string(), "long_term", None, None),
                    _ => {
                        let due = today + Duration::days(rng.gen_range(-180..180));
                        (
                            format!("{}前", due.format("%Y年%-m月%-d日")),
                            "dated",
                            Some(day(due)),
                            Some("day"),
                        )
                    }
                };
                let mut done = rng.gen_bool(0.4);
                if done && measure_id % 10 == 0 {
                    recent.push(measure_id);
                    done = false;
                }
                let done_on = date.clone().filter(|_| done);
                mrows.push(vec![
                    Param::Int(measure_id),
                    Param::Int(problem_id),
                    Param::Int(*insp),
                    Param::Int(*org),
                    Param::Int(k + 1),
                    format!("针对{title}，{}", phrase(&mut rng, 3)).into(),
                    Param::Int(lead),
                    "张三".into(),
                    "建立台账，按期销号".into(),
                    text.into(),
                    kind.into(),
                    date.into(),
                    precision.map(str::to_string).into(),
                    if done {
                        "done".into()
                    } else {
                        "in_progress".into()
                    },
                    done_on.into(),
                    entered.clone().into(),
                ]);
                for _ in 0..rng.gen_range(0..3) {
                    let coop = depts[rng.gen_range(0..depts.len())];
                    if coop != lead {
                        crows.push(vec![
                            Param::Int(measure_id),
                            Param::Int(coop),
                            entered.clone().into(),
                        ]);
                    }
                }
            }
            // Measures refer to their problem: problems go first.
            if mrows.len() >= BATCH || crows.len() >= BATCH {
                flush(db, "problems", problem_cols, &mut rows).await?;
                flush(db, "measures", measure_cols, &mut mrows).await?;
                flush(db, "measure_units", coop_cols, &mut crows).await?;
            }
        }
        flush(db, "problems", problem_cols, &mut rows).await?;
        flush(db, "measures", measure_cols, &mut mrows).await?;
        flush(db, "measure_units", coop_cols, &mut crows).await?;
    }
    for table in ["units", "inspections", "aspects", "problems", "measures"] {
        if let Some(sql) = dialect::after_explicit_ids(db.backend(), table) {
            db.pool().execute(sql.as_str()).await?;
        }
    }
    finish_recent(db, &recent, at).await?;
    // Fresh statistics, so that both planners pick the indexes.
    db.pool().execute("ANALYZE").await?;
    Ok(Generated {
        inspection: 1,
        unit: first_depts[0],
        office_user: "bench_office".into(),
        unit_user: "bench_unit".into(),
        upper_user: "bench_upper".into(),
        password,
    })
}
