//! The counts the lists head with ("共xx条", the tiles, the warning board's colours) come
//! from `measure_tallies`, kept by triggers (migration 0033). Whatever happens to the
//! measures — done, withdrawn, reassigned, moved in time, cooperating units joining and
//! leaving, a whole inspection withdrawn and restored — every count must still be the
//! number of measures the list holds, for every account and every filter, and the
//! tallies must equal a count made afresh from the measures.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use zhenggai_domain::InspectionId;
use zhenggai_domain::UnitId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::counts::LedgerCounts;
use zhenggai_domain::status::StandingFilter;
use zhenggai_storage::accounts::users;
use zhenggai_storage::db::dialect;
use zhenggai_storage::ledger::inspections;
use zhenggai_storage::ledger::query::{self, Filter, Within};
use zhenggai_testkit::{Finders, TestDb};

fn today() -> NaiveDate {
    day(2024, 4, 25)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn two_organisations() -> TestDb {
    TestDb::two_organisations(today()).await.unwrap()
}

/// The tallies as stored, and as counted afresh from the measures (zero rows dropped).
type Tally = BTreeMap<(i64, i64, String, String, String), i64>;

async fn stored(t: &TestDb) -> Tally {
    tally_of(
        t,
        "SELECT unit_id, org_id, state, deadline_kind, day_key, n FROM measure_tallies WHERE n <> 0",
    )
    .await
}

async fn tally_of(t: &TestDb, sql: &str) -> Tally {
    let rows: Vec<(i64, i64, String, String, String, i64)> =
        sqlx::query_as(sql).fetch_all(t.db.pool()).await.unwrap();
    rows.into_iter()
        .map(|(u, o, s, k, d, n)| ((u, o, s, k, d), n))
        .collect()
}

/// A measure once per unit it counts for: unit, measure, organisation, state, deadline
/// kind, deadline day, registration instant, last progress.
type FreshRow = (
    i64,
    i64,
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

/// A measure in a unit's list: organisation, state, deadline kind, deadline day, the day
/// it is filed under.
type Entry = (i64, String, String, Option<String>, String);

/// Each unit's list (`unit_lists`) by unit and measure.
type Lists = BTreeMap<(i64, i64), Entry>;

/// A row of `unit_lists`: unit, measure, then the entry's columns.
type ListRow = (i64, i64, i64, String, String, Option<String>, String);

async fn stored_lists(t: &TestDb) -> Lists {
    let rows: Vec<ListRow> = sqlx::query_as(
        "SELECT unit_id, id, org_id, state, deadline_kind, deadline_date, day_key FROM unit_lists",
    )
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(u, id, o, s, k, d, day)| ((u, id), (o, s, k, d, day)))
        .collect()
}

/// Counted from the measures themselves: each live measure once for its organisation
/// (unit 0) and once for each unit leading or cooperating on it, filed under its deadline
/// day or, long-term, the day it has been quiet since — its last progress, or the Beijing
/// day of its registration — worked out here in Rust rather than in SQL.
async fn afresh(t: &TestDb) -> (Tally, Lists, Tally) {
    let rows: Vec<FreshRow> =
        sqlx::query_as(
            "SELECT u, c.id, org_id, state, deadline_kind, deadline_date, created_at, last FROM ( \
               SELECT m.id, 0 AS u FROM measures m \
               UNION SELECT m.id, m.lead_unit_id FROM measures m \
               UNION SELECT mu.measure_id, mu.unit_id FROM measure_units mu WHERE mu.withdrawn_at IS NULL) c \
             JOIN (SELECT m.id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END AS state, \
                          m.deadline_kind, m.deadline_date, m.created_at, \
                          (SELECT MAX(p.happened_on) FROM progress p \
                           WHERE p.measure_id = m.id AND p.withdrawn_at IS NULL) AS last \
                   FROM measures m JOIN inspections i ON i.id = m.inspection_id \
                   WHERE m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL) m ON m.id = c.id",
        )
        .fetch_all(t.db.pool())
        .await
        .unwrap();
    let mut tally = Tally::new();
    let mut lists = Lists::new();
    let mut months = Tally::new();
    for (u, id, org, state, kind, deadline, created, last) in rows {
        let month = deadline.as_deref().map_or("", |d| &d[..7]).to_owned();
        *months
            .entry((u, org, state.clone(), kind.clone(), month))
            .or_default() += 1;
        let day = if kind == "long_term" {
            last.unwrap_or_else(|| {
                let at = chrono::DateTime::parse_from_rfc3339(&created).unwrap();
                zhenggai_domain::clock::china_date(at.with_timezone(&chrono::Utc)).to_string()
            })
        } else {
            deadline.clone().unwrap_or_default()
        };
        if u != 0 {
            lists.insert(
                (u, id),
                (org, state.clone(), kind.clone(), deadline, day.clone()),
            );
        }
        *tally.entry((u, org, state, kind, day)).or_default() += 1;
    }
    (tally, lists, months)
}

const FILTERS: [Option<StandingFilter>; 7] = [
    None,
    Some(StandingFilter::Open),
    Some(StandingFilter::Done),
    Some(StandingFilter::Overdue),
    Some(StandingFilter::DueSoon),
    Some(StandingFilter::LongTerm),
    Some(StandingFilter::ReviewDue),
];

/// For every account, every status filter, with and without a unit and a deadline
/// range, and for each organisation: the count equals the measures listed.
async fn counts_agree_with_lists(t: &TestDb, units: &[i64], step: &str) {
    let all = |status, org, unit, due_to| Filter {
        status,
        org,
        unit,
        due_to,
        page: 1,
        per_page: 100_000,
        ..Filter::default()
    };
    let orgs: Vec<UnitId> = zhenggai_storage::accounts::units::list(&t.db, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.id == u.org_id)
        .map(|u| u.id)
        .collect();
    let mut filters = Vec::new();
    for status in FILTERS {
        for unit in std::iter::once(None).chain(units.iter().map(|u| Some(UnitId(*u)))) {
            // Ranges that end and start inside a month, and one of whole months.
            for (due_from, due_to) in [
                (None, None),
                (None, Some(today())),
                (Some(day(2024, 3, 10)), None),
                (Some(day(2024, 3, 10)), Some(day(2024, 6, 15))),
                (Some(day(2024, 2, 1)), Some(day(2024, 5, 31))),
            ] {
                filters.push(Filter {
                    due_from,
                    ..all(status, None, unit, due_to)
                });
            }
        }
        // One organisation of those the account reads (the upper level reads both).
        for org in &orgs {
            filters.push(all(status, Some(*org), None, None));
        }
    }
    for user in users::list(&t.db).await.unwrap() {
        let actor = users::actor(&t.db, user.id).await.unwrap();
        for filter in &filters {
            check(
                t,
                &actor,
                filter,
                &format!("{step}: {} {filter:?}", user.username),
            )
            .await;
        }
        let (colours, _) = query::warned(&t.db, &actor, today(), (5, 0)).await.unwrap();
        let listed = query::warned(&t.db, &actor, today(), (100_000, 0))
            .await
            .unwrap()
            .1;
        let total: i64 = colours.iter().map(|(_, n)| n).sum();
        assert_eq!(
            total,
            listed.len() as i64,
            "{step}: {} warnings",
            user.username
        );
    }
}

async fn check(t: &TestDb, actor: &Actor, filter: &Filter, what: &str) {
    let page = query::measure_list(&t.db, actor, Within::All, filter, today())
        .await
        .unwrap();
    assert_eq!(page.total, page.measures.len() as i64, "{what}");
    let count = query::measure_count(&t.db, actor, Within::All, filter, today())
        .await
        .unwrap();
    assert_eq!(count, page.total, "{what}");
    let listed: Vec<i64> = page.measures.iter().map(|m| m.id.0).collect();
    // The lists' order: nearest deadline first, those without a date last, then by id.
    let mut ordered = page.measures.clone();
    ordered.sort_by_key(|m| (m.deadline.date.is_none(), m.deadline.date, m.id.0));
    let in_order: Vec<i64> = ordered.iter().map(|m| m.id.0).collect();
    assert_eq!(listed, in_order, "{what}: out of order");
    // One organisation's list is the list without it, narrowed to its measures.
    if let Some(org) = filter.org {
        let whole = Filter {
            org: None,
            ..filter.clone()
        };
        let expected = narrowed(t, actor, &whole, |m| m.org_id == org).await;
        assert_eq!(listed, expected, "{what}: the organisation's list");
    }
    // One unit's list (read from `unit_lists`) is the list without the unit, narrowed to
    // the measures the unit leads or cooperates on.
    if let Some(unit) = filter.unit {
        let whole = Filter {
            unit: None,
            ..filter.clone()
        };
        let expected = narrowed(t, actor, &whole, |m| {
            m.lead_unit.id == unit || m.cooperating.iter().any(|c| c.id == unit)
        })
        .await;
        assert_eq!(listed, expected, "{what}: the unit's list");
    }
}

/// The ids of the list `whole` gives, narrowed in Rust to the measures `keep` takes.
async fn narrowed(
    t: &TestDb,
    actor: &Actor,
    whole: &Filter,
    keep: impl Fn(&zhenggai_storage::ledger::measures::Measure) -> bool,
) -> Vec<i64> {
    query::measure_list(&t.db, actor, Within::All, whole, today())
        .await
        .unwrap()
        .measures
        .iter()
        .filter(|m| keep(m))
        .map(|m| m.id.0)
        .collect()
}

/// The tallies equal a fresh count after each step; the counts read from them are
/// checked against the lists as loaded and after the last step (the reading does not
/// depend on what changed, and every account × filter is a few thousand queries).
async fn agree(t: &TestDb, step: &str) {
    let (tally, lists, months) = afresh(t).await;
    assert_eq!(stored(t).await, tally, "{step}: tallies ≠ a fresh count");
    if dialect::tally_months(t.db.backend()) {
        let stored_months = tally_of(
            t,
            "SELECT unit_id, org_id, state, deadline_kind, month, n FROM measure_tally_months WHERE n <> 0",
        )
        .await;
        assert_eq!(stored_months, months, "{step}: months ≠ a fresh count");
    }
    assert_eq!(
        stored_lists(t).await,
        lists,
        "{step}: the units' lists ≠ the measures afresh"
    );
    inspections_agree(t, step).await;
}

/// Each inspection's counts as kept (`inspection_tallies`, what the inspection lists
/// show) equal the same counted afresh from its ledger.
async fn inspections_agree(t: &TestDb, step: &str) {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM inspections ORDER BY id")
        .fetch_all(t.db.pool())
        .await
        .unwrap();
    let kept = inspections::counts_of(&t.db, ids.iter().map(|i| InspectionId(*i)))
        .await
        .unwrap();
    for id in ids {
        let (aspects, items, problems, measures, measures_done): (i64, i64, i64, i64, i64) =
            sqlx::query_as(
                "SELECT \
                   (SELECT COUNT(*) FROM aspects WHERE inspection_id = $1 AND withdrawn_at IS NULL), \
                   (SELECT COUNT(*) FROM items it JOIN aspects a ON a.id = it.aspect_id \
                    WHERE a.inspection_id = $1 AND it.withdrawn_at IS NULL), \
                   (SELECT COUNT(*) FROM problems WHERE inspection_id = $1 AND withdrawn_at IS NULL), \
                   (SELECT COUNT(*) FROM measures WHERE inspection_id = $1 AND withdrawn_at IS NULL), \
                   (SELECT COUNT(*) FROM measures WHERE inspection_id = $1 AND withdrawn_at IS NULL AND state = 'done')",
            )
            .bind(id)
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        let fresh = LedgerCounts {
            aspects,
            items,
            problems,
            measures,
            measures_done,
        };
        assert_eq!(
            kept.get(&InspectionId(id)),
            Some(&fresh),
            "{step}: inspection {id}'s counts ≠ a fresh count"
        );
    }
}

#[tokio::test]
async fn counts_follow_every_change_to_the_measures() {
    let t = two_organisations().await;
    let mut units = Vec::new();
    for name in ["财务部", "党群工作部", "人力资源部"] {
        units.push(t.unit(name).await.0);
    }
    let measures: Vec<i64> = t.measures().await.iter().map(|m| m.id.0).collect();
    assert!(measures.len() > 20 && units.len() == 3);
    agree(&t, "as loaded").await;
    counts_agree_with_lists(&t, &units[..1], "as loaded").await;

    // The triggers watch the tables, whichever code path writes them: each change below
    // is written as the storage writes it, one column at a time.
    let m = |i: usize| measures[i];
    t.execute(&format!(
        "UPDATE measures SET state = 'done', done_on = '2024-04-20' WHERE id = {}",
        m(0)
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measures SET state = 'in_progress', done_on = NULL WHERE id = {}",
        m(1)
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measures SET deadline_kind = 'dated', deadline_date = '2024-01-31' WHERE id = {}",
        m(2)
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measures SET deadline_kind = 'long_term', deadline_date = NULL WHERE id = {}",
        m(3)
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measures SET withdrawn_at = '2024-04-25T01:00:00Z' WHERE id = {}",
        m(4)
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measures SET lead_unit_id = {} WHERE id = {}",
        units[0],
        m(5)
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measures SET content = content || '。' WHERE id = {}",
        m(6)
    ))
    .await
    .unwrap();
    agree(&t, "after changes to measures").await;

    // Long-term measures move with their progress (the day they are quiet since, which
    // "review due" compares with the cut-off): a recent entry, an older one that moves
    // nothing, one on a measure done, then entries withdrawn, redated and moved to
    // another measure, as a later feature or a hand in the database might.
    let long_term: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM measures WHERE deadline_kind = 'long_term' AND withdrawn_at IS NULL ORDER BY id",
    )
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert!(long_term.len() >= 3, "{long_term:?}");
    let author: i64 = sqlx::query_scalar("SELECT MIN(id) FROM users")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    let note = |measure: i64, day: &str| {
        format!(
            "INSERT INTO progress (measure_id, happened_on, content, author_id, created_at) \
             VALUES ({measure}, '{day}', '进展', {author}, '2024-04-25T01:00:00Z')"
        )
    };
    t.execute(&note(long_term[0], "2024-04-20")).await.unwrap();
    agree(&t, "after a recent entry").await;
    t.execute(&note(long_term[0], "2024-01-05")).await.unwrap();
    t.execute(&note(long_term[1], "2024-01-05")).await.unwrap();
    agree(&t, "after older entries").await;
    // Two entries to one measure in one statement, each later than the last.
    t.execute(&format!(
        "INSERT INTO progress (measure_id, happened_on, content, author_id, created_at) VALUES \
         ({m}, '2024-02-01', '进展', {author}, '2024-04-25T01:00:00Z'), \
         ({m}, '2024-02-03', '进展', {author}, '2024-04-25T01:00:00Z')",
        m = long_term[1]
    ))
    .await
    .unwrap();
    agree(&t, "after two entries in one statement").await;
    t.execute(&format!(
        "UPDATE measures SET state = 'done' WHERE id = {}",
        long_term[2]
    ))
    .await
    .unwrap();
    t.execute(&note(long_term[2], "2024-04-24")).await.unwrap();
    agree(&t, "after an entry on a measure done").await;
    t.execute(&format!(
        "UPDATE progress SET withdrawn_at = '2024-04-25T02:00:00Z' WHERE measure_id = {} AND happened_on = '2024-04-20'",
        long_term[0]
    )).await.unwrap();
    agree(&t, "after the latest entry withdrawn").await;
    t.execute(&format!(
        "UPDATE progress SET happened_on = '2024-04-22' WHERE measure_id = {}",
        long_term[1]
    ))
    .await
    .unwrap();
    agree(&t, "after an entry redated").await;
    t.execute(&format!(
        "UPDATE progress SET measure_id = {} WHERE measure_id = {}",
        long_term[0], long_term[1]
    ))
    .await
    .unwrap();
    agree(&t, "after an entry moved to another measure").await;
    // Several entries of one measure in one statement: PostgreSQL runs row triggers only
    // once the statement is done, so each must not read the others as already changed.
    t.execute(&format!(
            "UPDATE progress SET happened_on = '2024-04-23' WHERE measure_id = {} AND withdrawn_at IS NULL",
            long_term[0]
        )).await.unwrap();
    agree(&t, "after entries redated together").await;
    counts_agree_with_lists(&t, &units[..1], "after progress").await;

    // A cooperating unit joins, joins twice, leaves once, leaves again; a lead unit
    // also listed as cooperating counts once, before and after it stops leading.
    for unit in [units[1], units[1], units[0]] {
        t.execute(&format!(
            "INSERT INTO measure_units (measure_id, unit_id, created_at) VALUES ({}, {unit}, '2024-04-25T01:00:00Z')",
            m(5)
        )).await.unwrap();
    }
    agree(&t, "after links").await;
    t.execute(&format!(
        "UPDATE measure_units SET withdrawn_at = '2024-04-25T02:00:00Z' WHERE id = (SELECT MIN(id) FROM measure_units WHERE measure_id = {} AND unit_id = {})",
        m(5), units[1]
    )).await.unwrap();
    agree(&t, "after one of two links left").await;
    t.execute(&format!(
        "UPDATE measures SET lead_unit_id = {} WHERE id = {}",
        units[2],
        m(5)
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measures SET state = 'done' WHERE id = {}",
        m(5)
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measure_units SET withdrawn_at = '2024-04-25T03:00:00Z' WHERE measure_id = {} AND withdrawn_at IS NULL",
        m(5)
    )).await.unwrap();
    agree(&t, "after the lead moved and the links left").await;

    // Many rows in one statement, as an import or a withdrawn problem writes them.
    t.execute("UPDATE measures SET deadline_date = '2024-05-01' WHERE deadline_kind = 'dated' AND id % 3 = 0").await.unwrap();
    agree(&t, "after a statement over many rows").await;

    // The rest of a ledger, as the inspection lists count it: an aspect and an item
    // added, an item withdrawn, a problem withdrawn, an aspect withdrawn (its items
    // still count until withdrawn themselves), a problem moved to another inspection.
    t.execute(
        "INSERT INTO aspects (inspection_id, ordinal, title, created_at) \
              SELECT MIN(id), 99, '新方面', '2024-04-25T01:00:00Z' FROM inspections",
    )
    .await
    .unwrap();
    t.execute(
        "INSERT INTO items (aspect_id, ordinal, title, created_at) \
              SELECT MAX(id), 1, '新条目', '2024-04-25T01:00:00Z' FROM aspects",
    )
    .await
    .unwrap();
    t.execute(
        "INSERT INTO items (aspect_id, ordinal, title, created_at) \
              SELECT MAX(id), 2, '又一条目', '2024-04-25T01:00:00Z' FROM aspects",
    )
    .await
    .unwrap();
    agree(&t, "after an aspect and items added").await;
    t.execute("UPDATE items SET withdrawn_at = '2024-04-25T02:00:00Z' WHERE id = (SELECT MAX(id) FROM items)").await.unwrap();
    t.execute("UPDATE problems SET withdrawn_at = '2024-04-25T02:00:00Z' WHERE id = (SELECT MIN(id) FROM problems)").await.unwrap();
    t.execute("UPDATE aspects SET withdrawn_at = '2024-04-25T02:00:00Z' WHERE id = (SELECT MAX(id) FROM aspects)").await.unwrap();
    agree(&t, "after an item, a problem and an aspect withdrawn").await;
    t.execute("UPDATE problems SET inspection_id = (SELECT MAX(id) FROM inspections) WHERE id = (SELECT MAX(id) FROM problems)").await.unwrap();
    t.execute("UPDATE problems SET state = 'in_progress' WHERE inspection_id = (SELECT MIN(id) FROM inspections)").await.unwrap();
    agree(&t, "after a problem moved and problems stepped").await;

    // A whole inspection leaves the books and comes back.
    t.execute("UPDATE inspections SET withdrawn_at = '2024-04-25T04:00:00Z' WHERE id = (SELECT MIN(id) FROM inspections)").await.unwrap();
    agree(&t, "with the first inspection withdrawn").await;
    t.execute(
        "UPDATE inspections SET withdrawn_at = NULL WHERE id = (SELECT MIN(id) FROM inspections)",
    )
    .await
    .unwrap();
    agree(&t, "with it restored").await;
    counts_agree_with_lists(&t, &units[..1], "at the end").await;
}

/// An import writes its measures and their cooperating units in bulk statements, each
/// thousands of rows (on PostgreSQL the statement-level triggers then see them all at
/// once, the cooperating units after their measures): the tallies must count them as a
/// fresh count does, and a refused import must leave them as they were.
#[tokio::test]
async fn an_import_keeps_the_tallies() {
    use chrono::{TimeZone, Utc};
    use zhenggai_storage::audit::Change;
    use zhenggai_storage::ledger::import::{self, Decisions, Source};
    let t = TestDb::new().await.unwrap();
    zhenggai_demo::load(
        &t.db,
        &t.files,
        today(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    agree(&t, "as loaded").await;
    let office = t.actor("office").await;
    let inspection = t.inspection_by("市委第一巡察组").await;
    // Every kind of deadline, leads cooperating on their own measures (not counted
    // twice), several cooperating units, and measures reported done.
    let mut ledger =
        String::from("序号,问题描述,整改措施,责任领导,牵头单位,配合单位,完成时限,完成情况\n");
    let units = ["办公室", "财务部", "总编室"];
    let deadlines = [
        "5月中旬",
        "立行立改",
        "长期坚持",
        "二季度末",
        "2024年3月1日",
    ];
    for p in 0..12 {
        for k in 0..3 {
            let n = p * 3 + k;
            let lead = units[n % 3];
            let coop = [units[(n + 1) % 3], lead, units[(n + 2) % 3]][..(n % 4).min(3)].join("、");
            let state = if n % 5 == 0 { "已完成" } else { "" };
            let number = if k == 0 {
                (p + 1).to_string()
            } else {
                String::new()
            };
            let problem = if k == 0 {
                format!("问题{p}")
            } else {
                String::new()
            };
            ledger.push_str(&format!(
                "{number},{problem},措施{n},王建国,{lead},{coop},{},{state}\n",
                deadlines[n % deadlines.len()]
            ));
        }
    }
    let reading =
        zhenggai_testkit::csv_reading(&ledger, NaiveDate::from_ymd_opt(2024, 3, 15).unwrap())
            .unwrap();
    assert!(reading.ok(), "{:#?}", reading.errors);
    let source = Source {
        filename: "台账.csv".into(),
        sha256: "cd".repeat(32),
    };
    let change = Change {
        actor: Some(office.user),
        at: Utc.with_ymd_and_hms(2024, 4, 25, 2, 0, 0).unwrap(),
        reason: None,
    };
    let done = import::commit(
        &t.db,
        &office,
        change,
        inspection,
        &source,
        &reading,
        &Decisions::default(),
    )
    .await
    .unwrap();
    assert_eq!(done.measures, 36);
    agree(&t, "after an import").await;
    // The same file again, not asked for: refused, and nothing counted.
    let before = stored(&t).await;
    assert!(
        import::commit(
            &t.db,
            &office,
            change,
            inspection,
            &source,
            &reading,
            &Decisions::default()
        )
        .await
        .is_err()
    );
    assert_eq!(stored(&t).await, before, "a refused import counts nothing");
}
