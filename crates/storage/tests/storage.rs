//! Storage against a real database: SQLite by default, PostgreSQL when
//! `ZHENGGAI_TEST_DATABASE_URL` is set (the CI runs both).
//!
//! Here: migrations, search, stale versions, the generator, and writes that run
//! together or are cut off. In the folder beside it (`storage/`, without a `main.rs`,
//! so one test binary): the ledger's lists (`filters`), refused lifecycle steps
//! (`steps`) and unknown stored codes (`codes`).
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use chrono::{NaiveDate, TimeZone, Utc};
use zhenggai_demo as demo;
use zhenggai_domain::status::MeasureState;
use zhenggai_storage::audit::{self, Change, Entity};
use zhenggai_storage::ledger::{inspections, query};
use zhenggai_storage::{StoreError, accounts::users};
use zhenggai_testkit::{Finders, TestDb};

// In a folder without a `main.rs`: part of this test binary, not one of its own.
#[path = "storage/codes.rs"]
mod codes;
#[path = "storage/filters.rs"]
mod filters;
#[path = "storage/steps.rs"]
mod steps;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_demo_loads_once() {
    let t = TestDb::new().await.unwrap();
    assert_eq!(
        t.db.migrate().await.unwrap(),
        0,
        "a second migrate runs nothing"
    );
    assert!(demo::is_empty(&t.db).await.unwrap());
    demo::load(
        &t.db,
        &t.files,
        today(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    assert!(!demo::is_empty(&t.db).await.unwrap());
    let actor = t.actor("office").await;
    let list = inspections::list(&t.db, &actor).await.unwrap();
    // S1's inspection, the audit, and last year's democratic life meeting's ledger.
    assert_eq!(list.len(), 3);
    let main = list
        .iter()
        .find(|i| i.group_name == "市委第一巡察组")
        .unwrap();
    let counts = main.counts.unwrap();
    assert_eq!(
        counts.aspects, 9,
        "eight aspects of S1 and the self-found one"
    );
    assert_eq!((counts.problems, counts.measures), (23, 27), "{counts:?}");
    assert_eq!(
        counts.phrase_zh(),
        format!(
            "9个方面{}个问题，整改措施{}条",
            counts.problems, counts.measures
        )
    );
}

#[tokio::test]
async fn search_finds_two_character_words() {
    let t = TestDb::new().await.unwrap();
    demo::load(
        &t.db,
        &t.files,
        today(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    let actor = t.actor("office").await;
    let main = inspections::list(&t.db, &actor)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.group_name == "市委第一巡察组")
        .unwrap();
    for (words, expect) in [
        ("公车", "公车私用、车辆维修把关不严"),
        ("档案", "人事档案管理不规范"),
        ("第二职业", "利用报社影响力从事第二职业"),
    ] {
        let filter = query::FilterInput {
            q: words.into(),
            ..Default::default()
        }
        .check(50)
        .unwrap();
        let page = query::ledger(&t.db, &actor, main.id, main.org_id, &filter, today())
            .await
            .unwrap();
        let titles: Vec<_> = page
            .aspects
            .iter()
            .flat_map(|a| a.problems.iter().map(|p| p.title.as_str()))
            .collect();
        assert!(titles.contains(&expect), "{words}: {titles:?}");
    }
    let filter = query::FilterInput {
        q: "100%_".into(),
        ..Default::default()
    }
    .check(50)
    .unwrap();
    let page = query::ledger(&t.db, &actor, main.id, main.org_id, &filter, today())
        .await
        .unwrap();
    assert_eq!(page.total_problems, 0, "wildcards are searched as text");
}

#[tokio::test]
async fn a_stale_version_is_refused_with_what_changed() {
    let t = TestDb::new().await.unwrap();
    demo::load(
        &t.db,
        &t.files,
        today(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    let actor = t.actor("office").await;
    let i = inspections::list(&t.db, &actor).await.unwrap().remove(0);
    let at = Utc.with_ymd_and_hms(2024, 4, 25, 2, 0, 0).unwrap();
    let change = Change {
        actor: Some(actor.user),
        at,
        reason: None,
    };
    let mut input = inspections::input_of(&i);
    input.group_name = "市委第二巡察组".into();
    inspections::update(&t.db, &actor, change, i.id, i.version, &input)
        .await
        .unwrap();
    let mut second = inspections::input_of(&i);
    second.title = "另一个标题".into();
    let Err(StoreError::Conflict(c)) =
        inspections::update(&t.db, &actor, change, i.id, i.version, &second).await
    else {
        panic!("the second writer overwrote the first");
    };
    assert_eq!(c.current_version, i.version + 1);
    assert_eq!(c.changed_by.as_deref(), Some("李明"));
    let fields: Vec<_> = c.changes.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["group_name"]);
    let now = inspections::get(&t.db, &actor, i.id).await.unwrap();
    assert_eq!(now.title, i.title, "nothing of the second write was stored");
    let mut conn = t.db.pool().acquire().await.unwrap();
    let trail = audit::trail::of_record(&mut conn, Entity::Inspection, i.id.0)
        .await
        .unwrap();
    assert_eq!(trail.len(), 2, "create and one update");
}

/// The benchmark generator writes through the same one-JSON-parameter bulk statements
/// as an import; a small organisation reads back whole.
#[tokio::test]
async fn the_generator_fills_an_empty_database_through_bulk_statements() {
    use zhenggai_demo::scale::{self, Scale};
    let t = TestDb::new().await.unwrap();
    let small = Scale {
        orgs: 2,
        depts_per_org: 3,
        inspections: 2,
        problems: 30,
        first_inspection_problems: 20,
        measures_per_problem: 3,
    };
    scale::generate(
        &t.db,
        small,
        today(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    // What the generator wrote is what is checked: its rows, as stored.
    let db = &t.db;
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    assert_eq!(count("SELECT COUNT(*) FROM problems").await, 30);
    assert_eq!(count("SELECT COUNT(*) FROM measures").await, 90);
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM problems WHERE inspection_id = (SELECT MIN(id) FROM inspections)"
        )
        .await,
        20
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM measures WHERE content IS NULL OR content = ''").await,
        0
    );
    // A past for the figures as of a day to rewind: the measures finished in the last
    // month were finished through the trail, one entry each, and a month ago they were
    // open; before the inspections' feedback there was nothing.
    let finished = count("SELECT COUNT(*) FROM audit_log WHERE entity = 'measures'").await;
    assert!(finished > 0, "no measure finished lately");
    assert_eq!(
        count("SELECT COUNT(*) FROM measures WHERE version = 2 AND state = 'done'").await,
        finished
    );
    let upper = users::find(db, "bench_upper").await.unwrap().unwrap();
    let upper = users::actor(db, upper.id).await.unwrap();
    let as_of = |day: Option<NaiveDate>| {
        let upper = upper.clone();
        async move {
            zhenggai_storage::statistics::figures(
                db,
                &upper,
                zhenggai_storage::statistics::Scope::Everything,
                day,
                today(),
            )
            .await
            .unwrap()
        }
    };
    let now = as_of(None).await;
    let month_ago = as_of(Some(today() - chrono::Duration::days(30))).await;
    assert_eq!(now.rectification.measures, 90);
    assert_eq!(month_ago.rectification.measures, 90);
    assert_eq!(
        now.rectification.measures_done - month_ago.rectification.measures_done,
        u64::try_from(finished).unwrap()
    );
    let before = as_of(Some(today() - chrono::Duration::days(401))).await;
    assert_eq!(before.rectification.measures, 0);
}

/// The demo as of `today()`, loaded at 09:00 Beijing time, and its office.
async fn demo_as_office() -> (
    TestDb,
    zhenggai_domain::access::Actor,
    chrono::DateTime<Utc>,
) {
    let t = TestDb::new().await.unwrap();
    let at = Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap();
    demo::load(&t.db, &t.files, today(), at).await.unwrap();
    let actor = t.actor("office").await;
    (t, actor, at)
}

/// A unit user of the demo and the measures it leads in a given state.
async fn lead_measures(
    t: &TestDb,
    username: &str,
    state: MeasureState,
) -> (
    zhenggai_domain::access::Actor,
    Vec<zhenggai_domain::MeasureId>,
) {
    let actor = t.actor(username).await;
    let ids = t.measures_led_by(actor.unit, state).await;
    (actor, ids)
}

fn entry(content: &str) -> zhenggai_storage::ledger::progress::ProgressInput {
    zhenggai_storage::ledger::progress::ProgressInput {
        happened_on: today().to_string(),
        content: content.into(),
        mark_done: false,
    }
}

/// Issue 19 item 15: first progress entries arriving together on a registered measure
/// each move it "into progress"; none may be refused as a stale version, since an
/// entry is appended and changes nothing another wrote.
#[tokio::test]
async fn simultaneous_first_progress_entries_all_succeed() {
    use zhenggai_storage::ledger::{measures, progress};
    let (t, _, at) = demo_as_office().await;
    let (actor, registered) = lead_measures(&t, "logistics", MeasureState::Registered).await;
    let measure = *registered
        .first()
        .expect("a registered measure of 行政后勤部");
    let change = Change {
        actor: Some(actor.user),
        at,
        reason: None,
    };
    let mut writes = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (db, files, actor) = (t.db.clone(), t.files.clone(), actor.clone());
        writes.spawn(async move {
            progress::add(
                &db,
                &files,
                &actor,
                change,
                measure,
                &entry(&format!("第{i}次同时报送的进展")),
                &[],
                Default::default(),
                today(),
            )
            .await
        });
    }
    while let Some(written) = writes.join_next().await {
        written.unwrap().unwrap();
    }
    assert_eq!(progress::list(&t.db, measure).await.unwrap().len(), 8);
    let (m, _) = measures::get(&t.db, &actor, measure, today())
        .await
        .unwrap();
    assert_eq!(m.state, zhenggai_domain::status::MeasureState::InProgress);
    assert!(
        zhenggai_storage::audit::verify::verify(&t.db)
            .await
            .unwrap()
            .intact()
    );
}

/// A future dropped after it has waited `waits` times: a request whose client goes
/// away at that point, whatever it was waiting for (a connection, `BEGIN`, a statement,
/// `COMMIT`). `None` when it was cut.
struct CutAfter<F> {
    inner: std::pin::Pin<Box<F>>,
    waits: usize,
}

impl<F: std::future::Future> std::future::Future for CutAfter<F> {
    type Output = Option<F::Output>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match self.inner.as_mut().poll(cx) {
            std::task::Poll::Ready(out) => std::task::Poll::Ready(Some(out)),
            std::task::Poll::Pending if self.waits == 0 => std::task::Poll::Ready(None),
            std::task::Poll::Pending => {
                self.waits -= 1;
                std::task::Poll::Pending
            }
        }
    }
}

/// Takes every connection of the test pool (5) at once, so that each has been returned
/// and made ready, and checks that none is inside a transaction.
async fn no_pooled_connection_in_a_transaction(t: &TestDb, after: &str) {
    use sqlx::{Executor, Row};
    let mut conns = Vec::new();
    for _ in 0..5 {
        conns.push(t.db.pool().acquire().await.unwrap());
    }
    for conn in &mut conns {
        let clean = match t.db.backend() {
            // A transaction's start is the statement's own only outside a transaction.
            zhenggai_storage::db::dialect::Backend::Postgres => {
                // A plain query, not a prepared one: sent as Parse, Bind and Execute,
                // its implicit transaction starts before the statement's own time.
                conn.fetch_one(
                    "SELECT CAST(transaction_timestamp() = statement_timestamp() AS INTEGER) AS clean",
                )
                .await
                .unwrap()
                .try_get::<i32, _>("clean")
                .unwrap()
                    == 1
            }
            // SQLite refuses a BEGIN inside a transaction.
            zhenggai_storage::db::dialect::Backend::Sqlite => {
                let clean = conn.execute("BEGIN").await.is_ok();
                conn.execute("ROLLBACK").await.unwrap();
                clean
            }
        };
        assert!(
            clean,
            "{after}: a pooled connection is inside a transaction"
        );
    }
}

/// Issue 19 item 11: writes cut off at random points (a client that goes away drops its
/// request wherever it waits: before `BEGIN`, inside it, between statements, inside
/// `COMMIT`) leave nothing half-written, every row with its audit entry and every
/// entry with its row, every acknowledged write present, and no connection of the pool
/// inside a transaction it would hand to the next request.
#[tokio::test]
async fn writes_cut_off_anywhere_leave_no_half_write_and_no_open_transaction() {
    use rand::{Rng, SeedableRng};
    use zhenggai_storage::ledger::progress;
    let (t, _, at) = demo_as_office().await;
    let (actor, measures) = lead_measures(&t, "finance", MeasureState::InProgress).await;
    assert!(!measures.is_empty());
    let change = Change {
        actor: Some(actor.user),
        at,
        reason: None,
    };
    let write = |measure, content: String| {
        let (db, files, actor) = (t.db.clone(), t.files.clone(), actor.clone());
        async move {
            progress::add(
                &db,
                &files,
                &actor,
                change,
                measure,
                &entry(&content),
                &[],
                Default::default(),
                today(),
            )
            .await
        }
    };
    // Cuts fall anywhere in a write as long as this machine takes for one, and beyond.
    let started = tokio::time::Instant::now();
    write(measures[0], "计时用的进展".into()).await.unwrap();
    let span = u64::try_from(started.elapsed().as_micros())
        .unwrap()
        .max(1_000)
        * 4;
    let mut acknowledged = Vec::new();
    // One write cut at each of its waits in turn, until one runs to its end; three
    // times, since whether an answer is already there when a wait begins varies.
    for sweep in 0..3 {
        for waits in 0.. {
            let cut = CutAfter {
                inner: Box::pin(write(
                    measures[0],
                    format!("第{sweep}遍第{waits}次等待时断开"),
                )),
                waits,
            };
            let finished = cut.await;
            no_pooled_connection_in_a_transaction(&t, &format!("cut at wait {waits}")).await;
            if let Some(written) = finished {
                acknowledged.push(written.unwrap());
                break;
            }
        }
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    let (mut cut, mut done) = (0, 0);
    for round in 0..12 {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..10 {
            let measure = measures[rng.gen_range(0..measures.len())];
            let written = write(measure, format!("第{round}轮第{i}条"));
            // Every third runs to its end; the others are cut from before anything is
            // sent to after the whole write.
            let after = std::time::Duration::from_micros(if i % 3 == 0 {
                u64::MAX / 4
            } else {
                rng.gen_range(0..span)
            });
            tasks.spawn(tokio::time::timeout(after, written));
        }
        while let Some(joined) = tasks.join_next().await {
            match joined.unwrap() {
                Ok(written) => {
                    acknowledged.push(written.unwrap());
                    done += 1;
                }
                Err(_) => cut += 1,
            }
        }
    }
    assert!(cut > 0 && done > 0, "cut {cut}, done {done}");
    no_pooled_connection_in_a_transaction(&t, "cuts at random").await;

    // Half-writes are rows without their audit entry or the reverse: read as stored.
    for id in &acknowledged {
        assert_eq!(
            t.column::<i64>(&format!(
                "SELECT COUNT(*) FROM progress WHERE id = {}",
                id.0
            ))
            .await
            .unwrap(),
            vec![1i64],
            "acknowledged entry {} lost",
            id.0
        );
    }
    let orphans = t
        .column::<i64>(
            "SELECT COUNT(*) FROM progress p WHERE NOT EXISTS \
             (SELECT 1 FROM audit_log a WHERE a.entity = 'progress' AND a.entity_id = p.id)",
        )
        .await
        .unwrap();
    let ghosts = t
        .column::<i64>(
            "SELECT COUNT(*) FROM audit_log a WHERE a.entity = 'progress' AND NOT EXISTS \
             (SELECT 1 FROM progress p WHERE p.id = a.entity_id)",
        )
        .await
        .unwrap();
    assert_eq!((orphans, ghosts), (vec![0i64], vec![0i64]));
    let report = zhenggai_storage::audit::verify::verify(&t.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:?}", report.problems);
    // And the pool still writes.
    progress::add(
        &t.db,
        &t.files,
        &actor,
        change,
        measures[0],
        &entry("断开之后的进展"),
        &[],
        Default::default(),
        today(),
    )
    .await
    .unwrap();
}

/// A set of ids bound as one value (`Sql::id_set`) selects exactly those ids on either
/// database — none, one, many — and the statement's text does not depend on the set.
#[tokio::test]
async fn an_id_set_is_one_value_and_selects_exactly_its_ids() {
    use zhenggai_storage::db::sql::Sql;
    let t = TestDb::two_organisations(today()).await.unwrap();
    let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM units ORDER BY id")
        .fetch_all(t.db.pool())
        .await
        .unwrap();
    assert!(all.len() > 3, "two organisations have units");
    let mut texts = std::collections::BTreeSet::new();
    for set in [
        vec![],
        vec![all[1]],
        all.clone(),
        vec![all[0], all[2], 999_999],
    ] {
        let mut sql = Sql::new("SELECT id FROM units WHERE id");
        sql.id_set(t.db.backend(), set.iter().copied())
            .push(" ORDER BY id");
        texts.insert(sql.text().to_string());
        let got: Vec<i64> = sql.query_scalar().fetch_all(t.db.pool()).await.unwrap();
        let mut want: Vec<i64> = set.into_iter().filter(|id| all.contains(id)).collect();
        want.sort();
        assert_eq!(got, want);
    }
    assert_eq!(texts.len(), 1, "one statement for every set: {texts:?}");
}
