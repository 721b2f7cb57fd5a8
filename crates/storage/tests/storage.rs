//! Storage against a real database: SQLite by default, PostgreSQL when
//! `ZHENGGAI_TEST_DATABASE_URL` is set (the CI runs both).
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use chrono::{NaiveDate, TimeZone, Utc};
use zhenggai_storage::audit::{self, Change, Entity};
use zhenggai_storage::ledger::{inspections, query};
use zhenggai_storage::test_db::TestDb;
use zhenggai_storage::{StoreError, demo, users};

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
    let office = users::find(&t.db, "office").await.unwrap().unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
    let list = inspections::list(&t.db, &actor).await.unwrap();
    assert_eq!(list.len(), 2);
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
    let office = users::find(&t.db, "office").await.unwrap().unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
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
    let office = users::find(&t.db, "office").await.unwrap().unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
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
    let mut tx = t.db.begin().await.unwrap();
    let trail = audit::trail(tx.conn(), Entity::Inspection, i.id.0)
        .await
        .unwrap();
    assert_eq!(trail.len(), 2, "create and one update");
}

/// The benchmark generator writes through the same one-JSON-parameter bulk statements
/// as an import; a small organisation reads back whole.
#[tokio::test]
async fn the_generator_fills_an_empty_database_through_bulk_statements() {
    use zhenggai_storage::scale::{self, Scale};
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
}
