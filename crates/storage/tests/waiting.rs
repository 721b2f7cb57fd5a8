//! The waiting list (待办) leaves out in SQL the problems that cannot wait for a person,
//! for speed; the lifecycle decides what each person may do. The two must agree: for
//! every demo account of both organisations and every problem, the problem is listed
//! exactly when the steps the person may take on it, as the problem's own page offers
//! them, include one that waits for them.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use zhenggai_domain::ProblemId;
use zhenggai_storage::StoreError;
use zhenggai_storage::accounts::users;
use zhenggai_storage::ledger::lifecycle::offered;
use zhenggai_testkit::TestDb;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()
}

#[tokio::test]
async fn each_persons_waiting_list_is_what_the_lifecycle_offers_them() {
    let t = TestDb::two_organisations(today()).await.unwrap();
    agree(&t, "the demo").await;
    // The demo's problems take their lead unit from their first measure and their
    // leader from it too; an imported ledger or a ruled dispute names them on the
    // problem itself, where the list also looks. Every third problem gets a lead unit
    // that leads none of its first measure, every other one a leader of its
    // organisation (set behind the system's back: this is the data, not the workflow).
    t.execute("UPDATE problems SET lead_unit_id = (SELECT MAX(u.id) FROM units u \
           JOIN inspections i ON i.id = problems.inspection_id \
           WHERE u.org_id = i.org_id AND u.id <> i.org_id AND u.id <> COALESCE((SELECT m.lead_unit_id \
             FROM measures m WHERE m.problem_id = problems.id ORDER BY m.ordinal LIMIT 1), 0)) \
         WHERE id % 3 = 0").await.unwrap();
    t.execute("UPDATE problems SET leader_id = (SELECT MAX(s.id) FROM users s JOIN units u ON u.id = s.unit_id \
           JOIN inspections i ON i.id = problems.inspection_id \
           WHERE s.role = 'leader' AND COALESCE(u.org_id, u.id) = i.org_id \
             AND s.id <> COALESCE(problems.leader_id, 0)) \
         WHERE id % 2 = 1").await.unwrap();
    agree(&t, "problems naming their own lead unit and leader").await;
}

/// Every account's waiting list against the lifecycle, problem by problem.
async fn agree(t: &TestDb, data: &str) {
    let problems: Vec<i64> = t
        .column("SELECT id FROM problems WHERE withdrawn_at IS NULL ORDER BY id")
        .await
        .unwrap();
    let mut listed_by_role: BTreeMap<&str, usize> = BTreeMap::new();
    for user in users::list(&t.db).await.unwrap() {
        let actor = users::actor(&t.db, user.id).await.unwrap();
        let who = format!("{} ({})", user.username, actor.role.code());
        let listed: BTreeSet<i64> = offered::waiting(&t.db, &actor, today())
            .await
            .unwrap()
            .iter()
            .map(|w| w.problem_id.0)
            .collect();
        let mut expected = BTreeSet::new();
        for &id in &problems {
            match offered::actions_for(&t.db, &actor, ProblemId(id), today()).await {
                Ok((facts, actions)) => {
                    if facts.problem.org == actor.org
                        && !offered::waiting_actions(&facts.problem, actions).is_empty()
                    {
                        expected.insert(id);
                    }
                }
                Err(StoreError::NotFound | StoreError::Refused(_)) => {}
                Err(e) => panic!("{who}: problem {id}: {e}"),
            }
        }
        assert_eq!(
            listed, expected,
            "{data}: {who}: waiting list ≠ what waits for them"
        );
        *listed_by_role.entry(actor.role.code()).or_default() += listed.len();
    }
    // The comparison means something only where lists are not empty: the lead units
    // (claims), the leaders (disputes, sign-offs) and the office (compiling, closure).
    for role in ["unit", "leader", "office"] {
        assert!(
            listed_by_role.get(role).copied().unwrap_or(0) > 0,
            "{data}: no {role} has anything waiting: {listed_by_role:?}"
        );
    }
}
