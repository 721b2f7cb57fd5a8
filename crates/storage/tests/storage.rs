//! Storage against a real database: SQLite by default, PostgreSQL when
//! `ZHENGGAI_TEST_DATABASE_URL` is set (the CI runs both).
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use chrono::{NaiveDate, TimeZone, Utc};
use zhenggai_demo as demo;
use zhenggai_storage::audit::{self, Change, Entity};
use zhenggai_storage::ledger::{inspections, query};
use zhenggai_storage::{StoreError, accounts::users};
use zhenggai_testkit::TestDb;

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

/// A filter on status alone (empty: every measure), all on one page of 200.
fn all_with_status(status: &str) -> query::Filter {
    query::FilterInput {
        status: status.into(),
        per_page: "200".into(),
        ..Default::default()
    }
    .check(200)
    .unwrap()
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
    let office = users::find(&t.db, "office").await.unwrap().unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
    (t, actor, at)
}

/// The ledger's status filters, stated in SQL, select exactly the measures whose
/// derived standing passes them; "due soon" follows the organisation's green window
/// and agrees with the warning colours.
#[tokio::test]
async fn status_filters_agree_with_the_standing_and_due_soon_with_the_warning_rules() {
    use zhenggai_domain::status::StandingFilter;
    use zhenggai_domain::warning::Colour;
    use zhenggai_storage::settings::warning_rules;

    let (t, actor, at) = demo_as_office().await;
    let list = |status: &str| {
        let filter = all_with_status(status);
        let (db, actor, status) = (&t.db, &actor, status.to_string());
        async move {
            let page = query::measure_list(db, actor, query::Within::All, &filter, today())
                .await
                .unwrap();
            let count = query::measure_count(db, actor, query::Within::All, &filter, today())
                .await
                .unwrap();
            assert_eq!(count, page.total, "{status}");
            assert!(page.total <= 200, "one page holds them all");
            page.measures
        }
    };
    let mut due_soon_by_window = Vec::new();
    for green_days in [None, Some(40), Some(5)] {
        if let Some(days) = green_days {
            t.office_sets_rules(&actor, at, (&days.to_string(), "3"), "")
                .await
                .unwrap();
        }
        let rules = warning_rules::of_org(&t.db, &actor, actor.org)
            .await
            .unwrap()
            .rules;
        let all = list("").await;
        for filter in StandingFilter::ALL {
            let mut expected: Vec<_> = all
                .iter()
                .filter(|m| m.standing.matches(filter))
                .map(|m| m.id)
                .collect();
            let mut got: Vec<_> = list(filter.code()).await.iter().map(|m| m.id).collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{} with {green_days:?}", filter.code());
        }
        for m in &all {
            let colour = rules.colour(&m.deadline, m.state, today());
            assert_eq!(
                m.standing.matches(StandingFilter::DueSoon),
                matches!(colour, Some(Colour::Green | Colour::Yellow)),
                "{m:?} with {green_days:?}"
            );
        }
        due_soon_by_window.push(
            all.iter()
                .filter(|m| m.standing.matches(StandingFilter::DueSoon))
                .count(),
        );
    }
    let [default, wide, narrow] = due_soon_by_window[..] else {
        panic!("three windows")
    };
    assert!(
        narrow < default && default < wide,
        "the demo has deadlines within 5, 20 and 40 days: {due_soon_by_window:?}"
    );
}

/// The warning board lists the 200 most urgent measures and says so only when more are
/// warned than listed.
#[tokio::test]
async fn the_warning_board_says_when_it_lists_only_the_most_urgent() {
    use zhenggai_demo::scale::{self, Scale};
    use zhenggai_domain::calendar::Calendar;
    use zhenggai_storage::ledger::warnings;

    let t = TestDb::new().await.unwrap();
    let at = Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap();
    let made = scale::generate(
        &t.db,
        Scale {
            orgs: 1,
            depts_per_org: 3,
            inspections: 1,
            problems: 900,
            first_inspection_problems: 900,
            measures_per_problem: 2,
        },
        today(),
        at,
    )
    .await
    .unwrap();
    let office = users::find(&t.db, &made.office_user)
        .await
        .unwrap()
        .unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
    let board = warnings::board(&t.db, &actor, &Calendar::official(), today())
        .await
        .unwrap();
    let warned: i64 = board.counts.iter().map(|(_, n)| n).sum();
    assert!(warned > 200, "{:?}", board.counts);
    assert_eq!(board.warned.len(), 200);
    assert!(board.more_than_listed());

    let t = TestDb::new().await.unwrap();
    demo::load(&t.db, &t.files, today(), at).await.unwrap();
    let office = users::find(&t.db, "office").await.unwrap().unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
    let board = warnings::board(&t.db, &actor, &Calendar::official(), today())
        .await
        .unwrap();
    assert!(!board.warned.is_empty() && board.warned.len() < 200);
    assert!(!board.more_than_listed());
}

/// The warning board counts each measure by its own organisation's rules, as its list
/// does: the upper level, whose own rules are the defaults, sees the same colours as
/// the office of an organisation that set its own, and the rules it is shown are that
/// organisation's, not its own.
#[tokio::test]
async fn the_warning_board_counts_each_measure_by_its_own_organisations_rules() {
    use std::collections::BTreeMap;
    use zhenggai_domain::calendar::Calendar;
    use zhenggai_storage::ledger::warnings;

    let (t, office, at) = demo_as_office().await;
    t.office_sets_rules(&office, at, ("40", "3"), "")
        .await
        .unwrap();
    let upper = users::find(&t.db, "xunchaban").await.unwrap().unwrap();
    let upper = users::actor(&t.db, upper.id).await.unwrap();
    assert_ne!(upper.org, office.org);
    let mut seen = Vec::new();
    for actor in [&office, &upper] {
        let board = warnings::board(&t.db, actor, &Calendar::official(), today())
            .await
            .unwrap();
        let mut listed: BTreeMap<&str, i64> = BTreeMap::new();
        for w in &board.warned {
            *listed.entry(w.warning.colour.code()).or_default() += 1;
        }
        let counted: BTreeMap<&str, i64> = board
            .counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| (c.code(), *n))
            .collect();
        assert_eq!(counted, listed, "{:?}", actor.role);
        let shown: Vec<(zhenggai_domain::UnitId, u32, u32)> = board
            .rules
            .iter()
            .map(|r| (r.org.id, r.rules.green_days, r.rules.yellow_days))
            .collect();
        assert_eq!(shown, [(office.org, 40, 3)], "{:?}", actor.role);
        assert_eq!(board.rules[0].org.name, "报社");
        seen.push(board.counts);
    }
    assert_eq!(
        seen[0], seen[1],
        "the upper level sees the office's colours"
    );
    assert!(
        seen[0].iter().any(|(c, n)| c.code() == "green" && *n > 2),
        "the 40-day window reaches beyond the default 20: {:?}",
        seen[0]
    );
}

/// "Long-term, progress overdue" (review_due), stated in SQL, selects exactly the
/// measures whose standing the ledger marks, by each organisation's interval: counted
/// from the last progress or, without any, from the day of the registration in Beijing
/// (a measure registered at 01:30 Beijing time, 17:30 UTC the day before, is of its
/// Beijing day).
#[tokio::test]
async fn the_review_filter_agrees_with_the_standing_from_progress_or_registration() {
    use zhenggai_domain::status::StandingFilter;
    use zhenggai_storage::ledger::measures::{self, MeasureInput};

    let (t, actor, at) = demo_as_office().await;
    let lead_unit = users::find(&t.db, "finance")
        .await
        .unwrap()
        .unwrap()
        .unit_id;
    // A long-term measure without progress, registered just after midnight in Beijing.
    let night = Utc.with_ymd_and_hms(2024, 4, 25, 17, 30, 0).unwrap();
    let problems: Vec<i64> = t
        .column("SELECT id FROM problems ORDER BY id")
        .await
        .unwrap();
    let mut quiet = None;
    for p in problems {
        let made = measures::create(
            &t.db,
            &actor,
            Change {
                actor: Some(actor.user),
                at: night,
                reason: None,
            },
            zhenggai_domain::ProblemId(p),
            &MeasureInput {
                content: "坚持每季度开展一次警示教育".into(),
                lead_unit_id: lead_unit.0,
                cooperating_unit_ids: vec![],
                leader_id: None,
                responsible_person: String::new(),
                target: "每季度至少一次".into(),
                deadline: "长期坚持".into(),
            },
        )
        .await;
        if let Ok(id) = made {
            quiet = Some(id);
            break;
        }
    }
    let quiet = quiet.expect("the office can add a measure to some problem");
    let list = |status: &'static str, on: NaiveDate| {
        let filter = all_with_status(status);
        let (db, actor) = (&t.db, &actor);
        async move {
            query::measure_list(db, actor, query::Within::All, &filter, on)
                .await
                .unwrap()
                .measures
        }
    };
    let days: Vec<NaiveDate> = (0..16)
        .chain(55..110)
        .map(|d| today() + chrono::Duration::days(d))
        .collect();
    let mut flagged = std::collections::BTreeSet::new();
    for interval in [None, Some(7), Some(30)] {
        if let Some(days) = interval {
            t.office_sets_rules(&actor, at, ("20", "10"), &days.to_string())
                .await
                .unwrap();
        }
        for on in &days {
            let all = list("", *on).await;
            let mut expected: Vec<_> = all
                .iter()
                .filter(|m| m.standing.matches(StandingFilter::ReviewDue))
                .map(|m| m.id)
                .collect();
            let mut got: Vec<_> = list("review_due", *on).await.iter().map(|m| m.id).collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{on} every {interval:?} days");
            flagged.extend(got);
        }
    }
    // The demo's long-term measures and the new one were each due at some point.
    let long_term = sqlx::query("SELECT id FROM measures WHERE deadline_kind = 'long_term'")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .len();
    assert_eq!(flagged.len(), long_term);
    // Every 30 days (the rules in force now): registered on 26 April in Beijing, so due
    // from 27 May — not from 26 May, as the UTC day (25 April) would have it.
    let due_on = |on: NaiveDate| {
        let list = &list;
        async move { list("review_due", on).await.iter().any(|m| m.id == quiet) }
    };
    assert!(!due_on(NaiveDate::from_ymd_opt(2024, 5, 26).unwrap()).await);
    assert!(due_on(NaiveDate::from_ymd_opt(2024, 5, 27).unwrap()).await);
}

/// 待办: the home page's list of problems waiting for a person, read for all of them at
/// once, gives what asking the lifecycle problem by problem gives (`facts`), for every
/// account of the demo, with the demo's problems in every state it has.
#[tokio::test]
async fn the_waiting_list_is_what_each_problems_own_facts_give() {
    use zhenggai_domain::lifecycle::ProblemState;
    use zhenggai_domain::{ProblemId, UserId};
    use zhenggai_storage::ledger::lifecycle;
    let (t, _, _) = demo_as_office().await;
    let accounts: Vec<i64> = t.column("SELECT id FROM users ORDER BY id").await.unwrap();
    let states: Vec<String> = t
        .column("SELECT DISTINCT state FROM problems")
        .await
        .unwrap();
    assert!(states.len() >= 5, "{states:?}");
    let mut conn = t.db.pool().acquire().await.unwrap();
    let mut listed = 0;
    for account in accounts {
        let actor = users::actor(&t.db, UserId(account)).await.unwrap();
        let got: Vec<(i64, Vec<&str>)> = lifecycle::offered::waiting(&t.db, &actor, today())
            .await
            .unwrap()
            .into_iter()
            .map(|w| (w.problem_id.0, w.actions))
            .collect();
        let open: Vec<i64> = sqlx::query_scalar(
            "SELECT p.id FROM problems p JOIN inspections i ON i.id = p.inspection_id \
             WHERE i.org_id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL \
             AND p.state NOT IN ('closed', 'consolidated') ORDER BY i.feedback_date, p.ordinal",
        )
        .bind(actor.org.0)
        .fetch_all(t.db.pool())
        .await
        .unwrap();
        let mut want = Vec::new();
        for id in open {
            let f = lifecycle::facts::facts(&mut conn, ProblemId(id), today())
                .await
                .unwrap();
            let actions: Vec<&str> = lifecycle::offered::available(&actor, &f.problem, f.policy)
                .into_iter()
                .filter(|a| !matches!(*a, "extend" | "reopen" | "confirm" | "add_measure"))
                .collect();
            let waits_for_measures =
                f.problem.state == ProblemState::InProgress && f.problem.measures_open > 0;
            if !actions.is_empty() && !waits_for_measures {
                want.push((id, actions));
            }
        }
        listed += got.len();
        assert_eq!(got, want, "account {account} ({:?})", actor.role);
    }
    assert!(listed > 0);
}

/// A unit user of the demo and the measures it leads in a given state.
async fn lead_measures(
    t: &TestDb,
    username: &str,
    state: &str,
) -> (
    zhenggai_domain::access::Actor,
    Vec<zhenggai_domain::MeasureId>,
) {
    let user = users::find(&t.db, username).await.unwrap().unwrap();
    let actor = users::actor(&t.db, user.id).await.unwrap();
    let ids = t
        .column::<i64>(&format!(
            "SELECT id FROM measures WHERE lead_unit_id = {} AND state = '{state}' AND withdrawn_at IS NULL ORDER BY id",
            actor.unit.0
        ))
        .await
        .unwrap()
        .into_iter()
        .map(zhenggai_domain::MeasureId)
        .collect();
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
    let (actor, registered) = lead_measures(&t, "logistics", "registered").await;
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
    let (actor, measures) = lead_measures(&t, "finance", "in_progress").await;
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

/// A new deadline set after the fact (留号, 回炉) before the day of the step is refused
/// at its field and nothing is written; the day itself is taken (issue 20).
#[tokio::test]
async fn a_new_deadline_before_the_day_of_the_step_is_refused_and_nothing_written() {
    use zhenggai_storage::ledger::lifecycle::{self, input::StepInput};
    let (t, office, at) = demo_as_office().await;
    let closed: i64 = sqlx::query_scalar::<_, i64>(
        "SELECT id FROM problems WHERE title = '接待费用超标、接待列支烟酒'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    let change = Change {
        actor: Some(office.user),
        at,
        reason: None,
    };
    let reopen = |deadline: &str| StepInput {
        action: "reopen".into(),
        reason: "回头看发现仍有超标接待".into(),
        deadline: deadline.into(),
        ..Default::default()
    };
    let id = zhenggai_domain::ProblemId(closed);
    let sent = || zhenggai_storage::files::Sent::none();
    let refused = lifecycle::step(
        &t.db,
        &t.files,
        &office,
        change,
        id,
        &reopen("2024-04-24"),
        sent(),
    )
    .await;
    let Err(StoreError::Invalid(fields)) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(fields[0].field, "deadline");
    assert!(
        matches!(&fields[0].why, zhenggai_domain::validate::Why::TooEarly(e)
            if e.day == chrono::NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()),
        "{:?}",
        fields[0]
    );
    let events = |db: zhenggai_storage::Db| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM problem_events")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let before = events(t.db.clone()).await;
    assert!(
        lifecycle::step(
            &t.db,
            &t.files,
            &office,
            change,
            id,
            &reopen("2024-01-31"),
            sent()
        )
        .await
        .is_err()
    );
    assert_eq!(events(t.db.clone()).await, before, "nothing written");
    assert_eq!(
        lifecycle::step(
            &t.db,
            &t.files,
            &office,
            change,
            id,
            &reopen("2024-04-25"),
            sent()
        )
        .await
        .unwrap(),
        zhenggai_domain::lifecycle::ProblemState::InProgress
    );
}

/// 报上级备案 before every problem is approved names each problem that blocks it.
#[tokio::test]
async fn filing_the_plan_early_names_each_problem_not_yet_approved() {
    let (t, office, at) = demo_as_office().await;
    let main = inspections::list(&t.db, &office)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.group_name == "市委第一巡察组")
        .unwrap();
    let change = Change {
        actor: Some(office.user),
        at,
        reason: None,
    };
    let refused = inspections::file_plan(
        &t.db,
        &office,
        change,
        main.id,
        "报社党发〔2024〕8号",
        today(),
    )
    .await;
    let Err(StoreError::Blocked(b)) = refused else {
        panic!("{refused:?}")
    };
    let titles: Vec<&str> = b.records.iter().map(|r| r.label.as_str()).collect();
    for title in ["档案室消防设施老化", "违规将相关人员转为事业编制"] {
        assert!(titles.iter().any(|l| l.ends_with(title)), "{titles:?}");
    }
    assert!(
        b.records
            .iter()
            .all(|r| r.kind == "problem" && r.state.is_some())
    );
    assert_eq!(
        b.why,
        zhenggai_domain::reason::Blocking::ProblemsNotApproved { n: b.records.len() }
    );
}

/// A stored code this build does not know (a newer build wrote it, or someone edited
/// the database) is an error naming the table, the column and the value, never read as
/// some default that the next save would write back as if it were true.
#[tokio::test]
async fn an_unknown_stored_code_names_its_table_column_and_value() {
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
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM problems")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE problems SET state = 'signed_by_martians' WHERE id = $1")
        .bind(id)
        .execute(t.db.pool())
        .await
        .unwrap();
    let err =
        zhenggai_storage::ledger::problems::get(&t.db, &actor, zhenggai_domain::ProblemId(id))
            .await
            .unwrap_err();
    let said = err.to_string();
    assert!(
        said.contains("problems.state") && said.contains("signed_by_martians"),
        "{said}"
    );
}
