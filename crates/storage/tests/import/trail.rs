//! An import is one audit entry that carries the digest of every row it wrote (issue 22,
//! `audit/batch.rs`): `audit verify` still checks each imported row, catches one changed
//! behind the system's back, and checks a row a person changed later against that
//! later entry.

use serde_json::Value;
use zhenggai_storage::audit::verify::Finding;
use zhenggai_storage::audit::{Entity, trail, versions, write};
use zhenggai_storage::db::sql::{Param, Sql};

use super::*;

/// The rows an entry's digests name, by table.
fn digested(text: &str) -> Vec<(String, usize)> {
    let tables: Vec<Value> = serde_json::from_str(text).unwrap();
    tables
        .iter()
        .map(|t| {
            (
                t["table"].as_str().unwrap().to_string(),
                t["rows"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_import_is_one_entry_and_verify_still_checks_each_row() {
    let (t, office, inspection) = setup().await;
    let entries_before = count(&t, "SELECT COUNT(*) FROM audit_log").await;
    let create = Decisions {
        create_units: true,
        ..Decisions::default()
    };
    let done = import_as(&t, &office, inspection.into(), &reading(LEDGER), &create)
        .await
        .unwrap();
    assert_eq!(
        (done.problems, done.measures, done.units_created),
        (2, 3, 1)
    );

    // Two entries: the unit the office asked for, and the import's own, which names the
    // file and holds the digest of every row written from it.
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM audit_log").await,
        entries_before + 2
    );
    let (entry, entity, actor, digests): (i64, String, Option<i64>, String) = sqlx::query_as(
        "SELECT id, entity, actor_id, digests FROM audit_log WHERE digests IS NOT NULL",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!((entity.as_str(), actor), ("imports", Some(office.user.0)));
    let tables = digested(&digests);
    for (table, rows) in [("problems", 2), ("measures", 3), ("measure_units", 3)] {
        assert!(
            tables.contains(&(table.to_string(), rows)),
            "{table}: {tables:?}"
        );
    }
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:#?}", report.problems);

    // A person changes an imported measure: a conflict over the version imported says
    // what changed, and verify checks the row against the person's entry from then on.
    let measure = |origin: &str| {
        format!(
            "SELECT id FROM measures WHERE origin = '{origin}' AND inspection_id = {}",
            inspection.0
        )
    };
    let edited = count(&t, &measure("CSV!4")).await;
    let mut set = Sql::new("content = ");
    set.bind(Param::from("开展印章全面清查"));
    t.db.write(async |tx| {
        versions::update(
            tx,
            change(&office),
            "update",
            Entity::Measure,
            edited,
            1,
            &set,
        )
        .await
    })
    .await
    .unwrap();
    let mut stale = Sql::new("target = ");
    stale.bind(Param::from("无"));
    let conflict =
        t.db.write(async |tx| {
            versions::update(
                tx,
                change(&office),
                "update",
                Entity::Measure,
                edited,
                1,
                &stale,
            )
            .await
        })
        .await;
    let Err(StoreError::Conflict(c)) = conflict else {
        panic!("{conflict:?}");
    };
    let fields: Vec<&str> = c.changes.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["content"],
        "what the other writer changed, and only that"
    );
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:#?}", report.problems);

    // A record's own trail starts with the import that wrote it.
    let untouched = count(&t, &measure("CSV!5")).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    for (id, story) in [
        (untouched, vec!["imports"]),
        (edited, vec!["imports", "measures"]),
    ] {
        let trail = trail::of_record(&mut conn, Entity::Measure, id)
            .await
            .unwrap();
        let entities: Vec<&str> = trail.iter().map(|e| e.entity.as_str()).collect();
        assert_eq!(entities, story);
        assert_eq!(trail[0].id, entry);
    }
    drop(conn);

    // Behind the system's back: an imported row changed, and the row the person changed.
    t.execute(&format!(
        "UPDATE measures SET state = 'done' WHERE id = {untouched}"
    ))
    .await
    .unwrap();
    t.execute(&format!(
        "UPDATE measures SET target = '改过' WHERE id = {edited}"
    ))
    .await
    .unwrap();
    let link = count(
        &t,
        &format!("SELECT MIN(id) FROM measure_units WHERE measure_id = {untouched}"),
    )
    .await;
    t.execute(&format!("DELETE FROM measure_units WHERE id = {link}"))
        .await
        .unwrap();
    let report = verify::verify(&t.db).await.unwrap();
    assert!(
        report.problems.contains(&Finding::RowDiffersFromImport {
            table: "measures".into(),
            id: untouched,
            entry,
        }),
        "{:#?}",
        report.problems
    );
    assert!(
        report.problems.contains(&Finding::RowDiffers {
            table: "measures".into(),
            id: edited,
            fields: vec!["target".into()],
        }),
        "{:#?}",
        report.problems
    );
    assert!(
        report.problems.contains(&Finding::RowDeleted {
            table: "measure_units".into(),
            id: link,
        }),
        "{:#?}",
        report.problems
    );
    assert_eq!(report.problems.len(), 3, "{:#?}", report.problems);

    // The digests themselves are covered by the entry's hash (or seal: the test
    // databases are sealed).
    t.execute(&format!("UPDATE audit_log SET digests = REPLACE(digests, '\"measures\"', '\"aspects\"') WHERE id = {entry}")).await.unwrap();
    let report = verify::verify(&t.db).await.unwrap();
    assert!(
        report.problems.iter().any(
            |f| matches!(f, Finding::Changed(p) | Finding::ChangedOrUnsealed(p) if p.entry == entry)
        ),
        "{:#?}",
        report.problems
    );
}

#[tokio::test]
async fn rows_written_in_bulk_without_their_import_entry_are_not_committed() {
    let (t, _, inspection) = setup().await;
    let aspects = count(&t, "SELECT COUNT(*) FROM aspects").await;
    let written =
        t.db.write(async |tx| {
            write::insert_many(
                tx,
                Entity::Aspect,
                &["inspection_id", "ordinal", "title", "created_at", "version"],
                vec![vec![
                    Param::from(inspection.0),
                    Param::from(99),
                    Param::from("无人记录的方面"),
                    Param::from("2024-04-25T02:00:00.000000Z"),
                    Param::from(1),
                ]],
            )
            .await
        })
        .await;
    assert!(written.is_err(), "{written:?}");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM aspects").await, aspects);
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}
