//! The access rules said twice must say the same: `storage::scope` writes them as SQL
//! for lists, `domain::access` decides single records. For every demo account — every
//! role, the Party secretary, the upper level over two organisations, the
//! administrators — the measures and problems its lists hold are exactly those it may
//! open one by one.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use std::collections::BTreeSet;

use chrono::NaiveDate;
use zhenggai_domain::access::Actor;
use zhenggai_domain::{MeasureId, ProblemId};
use zhenggai_storage::ledger::query::{self, Filter, Within};
use zhenggai_storage::ledger::{inspections, measures, problems};
use zhenggai_storage::{Db, StoreError, accounts::users};
use zhenggai_testkit::TestDb;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()
}

async fn two_organisations() -> TestDb {
    TestDb::two_organisations(today()).await.unwrap()
}

/// Every row of a table, read as stored: the oracle the scoped reads are checked
/// against, so it shares none of their queries.
async fn every_id(t: &TestDb, table: &str) -> Vec<i64> {
    t.column(&format!(
        "SELECT id FROM {table} WHERE withdrawn_at IS NULL ORDER BY id"
    ))
    .await
    .unwrap()
}

/// What a single-record read says: readable, or not (never another error).
fn readable<T>(result: Result<T, StoreError>, what: &str) -> bool {
    match result {
        Ok(_) => true,
        Err(StoreError::NotFound | StoreError::Refused(_)) => false,
        Err(e) => panic!("{what}: {e}"),
    }
}

async fn listed_measures(db: &Db, actor: &Actor) -> BTreeSet<i64> {
    let filter = Filter {
        page: 1,
        per_page: 100_000,
        ..Filter::default()
    };
    query::measure_list(db, actor, Within::All, &filter, today())
        .await
        .unwrap()
        .measures
        .iter()
        .map(|m| m.id.0)
        .collect()
}

async fn listed_problems(db: &Db, actor: &Actor) -> BTreeSet<i64> {
    let filter = Filter {
        page: 1,
        per_page: 100_000,
        ..Filter::default()
    };
    let mut ids = BTreeSet::new();
    for inspection in inspections::list(db, actor).await.unwrap() {
        let page = query::ledger(
            db,
            actor,
            inspection.id,
            inspection.org_id,
            &filter,
            today(),
        )
        .await
        .unwrap();
        for aspect in page.aspects {
            ids.extend(aspect.problems.iter().map(|p| p.id.0));
        }
    }
    ids
}

#[tokio::test]
async fn every_accounts_lists_hold_exactly_what_it_may_open() {
    let t = two_organisations().await;
    let all_measures = every_id(&t, "measures").await;
    let all_problems = every_id(&t, "problems").await;
    let accounts = users::list(&t.db).await.unwrap();
    assert!(accounts.len() >= 20, "both organisations' accounts");
    let mut roles_seen = BTreeSet::new();
    let mut sizes = BTreeSet::new();
    for user in accounts {
        let actor = users::actor(&t.db, user.id).await.unwrap();
        roles_seen.insert(actor.role.code());
        let who = format!("{} ({})", user.username, actor.role.code());

        let mut openable = BTreeSet::new();
        for &id in &all_measures {
            if readable(
                measures::get(&t.db, &actor, MeasureId(id), today()).await,
                &who,
            ) {
                openable.insert(id);
            }
        }
        assert_eq!(
            listed_measures(&t.db, &actor).await,
            openable,
            "{who}: measures listed ≠ measures it may open"
        );
        // The comparison means something only if the rules cut: some see all, some
        // a part, some nothing.
        sizes.insert(match openable.len() {
            0 => "none",
            n if n == all_measures.len() => "all",
            _ => "part",
        });

        let mut openable = BTreeSet::new();
        for &id in &all_problems {
            if readable(problems::get(&t.db, &actor, ProblemId(id)).await, &who) {
                openable.insert(id);
            }
        }
        assert_eq!(
            listed_problems(&t.db, &actor).await,
            openable,
            "{who}: problems in its ledgers ≠ problems it may open"
        );
    }
    assert_eq!(sizes, BTreeSet::from(["all", "none", "part"]));
    for role in zhenggai_domain::Role::ALL {
        if role != zhenggai_domain::Role::Unassigned {
            assert!(
                roles_seen.contains(role.code()),
                "no demo account is {role:?}"
            );
        }
    }
}
