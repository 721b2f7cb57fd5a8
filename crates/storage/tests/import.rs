//! Importing a ledger spreadsheet into an inspection, on SQLite and PostgreSQL: names
//! matched, unknown units refused until mapped or created, all or nothing, each file
//! once, every row's origin kept, the audit trail intact. Columns the import does not
//! know, and the header words an office teaches it, are in `import/columns.rs`.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use chrono::{NaiveDate, TimeZone, Utc};
use zhenggai_demo as demo;
use zhenggai_domain::reason::Import;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{InspectionId, MeasureId};
use zhenggai_spreadsheet::Reading;
use zhenggai_storage::audit::Change;
use zhenggai_storage::files::FileStore;
use zhenggai_storage::ledger::import::{self, Decisions, Destination, Source};
use zhenggai_storage::ledger::inspections::InspectionInput;
use zhenggai_storage::ledger::measures;
use zhenggai_storage::{StoreError, audit::verify};
use zhenggai_testkit::{Finders, TestDb, csv_reading};

// In a folder without a `main.rs`: part of this test binary, not one of its own.
#[path = "import/columns.rs"]
mod columns;
#[path = "import/trail.rs"]
mod trail;

const LEDGER: &str = "序号,问题描述,整改措施,责任领导,牵头单位,配合单位,完成时限\n\
一、新增巡察反馈问题（2个问题）,,,,,,\n\
1,印章管理不规范,建立用印登记制度,王建国,报社办公室,财务部,5月中旬\n\
,,开展印章清查,王建国,办公室,,立行立改\n\
2,网站信息发布审核不严,完善三审三校,赵志红,新媒体中心,总编室、法务部,二季度末\n";

fn reading(text: &str) -> Reading {
    csv_reading(text, NaiveDate::from_ymd_opt(2024, 3, 15).unwrap()).unwrap()
}

async fn setup() -> (TestDb, zhenggai_domain::access::Actor, InspectionId) {
    let t = TestDb::new().await.unwrap();
    demo::load(
        &t.db,
        &t.files,
        NaiveDate::from_ymd_opt(2024, 4, 25).unwrap(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    let actor = t.actor("office").await;
    let id = t.inspection_by("市委第一巡察组").await;
    (t, actor, id)
}

fn change(actor: &zhenggai_domain::access::Actor) -> Change<'static> {
    Change {
        actor: Some(actor.user),
        at: Utc.with_ymd_and_hms(2024, 4, 25, 2, 0, 0).unwrap(),
        reason: None,
    }
}

/// One value as stored: rows of a table, to show a refused import wrote nothing.
async fn count(t: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
}

fn source() -> Source {
    Source {
        filename: "台账.csv".into(),
        sha256: "ab".repeat(32),
    }
}

#[tokio::test]
async fn a_ledger_is_imported_all_or_nothing_and_once() {
    let (t, office, inspection) = setup().await;
    let r = reading(LEDGER);
    assert!(r.ok(), "{:#?}", r.errors);
    let m = import::matching(&t.db, &office, inspection, &r, &source().sha256)
        .await
        .unwrap();
    assert_eq!(m.unknown_units, ["法务部"], "{m:?}");
    assert!(
        m.units
            .iter()
            .any(|(n, _, label)| n == "报社办公室" && label == "办公室")
    );
    assert_eq!(m.leaders.len(), 2);
    let problems_before = count(&t, "SELECT COUNT(*) FROM problems").await;
    let audit_before = count(&t, "SELECT COUNT(*) FROM audit_log").await;

    // An unknown unit: refused, and nothing is written.
    let refused = import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source(),
        &r,
        &Decisions::default(),
    )
    .await;
    match refused {
        Err(StoreError::Invalid(fields)) => {
            assert_eq!(fields[0].field, "units");
            assert!(
                matches!(&fields[0].why, Why::Import(i)
                    if matches!(&**i, Import::UnknownUnits { names } if names.iter().any(|n| n == "法务部"))),
                "{:?}",
                fields[0]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM problems").await,
        problems_before
    );
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );

    // A unit user may not import.
    let finance = t.actor("finance").await;
    let create = Decisions {
        create_units: true,
        ..Decisions::default()
    };
    assert!(matches!(
        import::commit(
            &t.db,
            &finance,
            change(&finance),
            inspection,
            &source(),
            &r,
            &create
        )
        .await,
        Err(StoreError::NotFound | StoreError::Refused(_))
    ));

    // Creating the unknown unit, as the office asked.
    let done = import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source(),
        &r,
        &create,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            done.problems,
            done.measures,
            done.units_created,
            done.aspects_created
        ),
        (2, 3, 1, 1)
    );
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM problems").await,
        problems_before + 2
    );
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM (SELECT ordinal FROM aspects GROUP BY inspection_id, ordinal HAVING COUNT(*) > 1) d"
        )
        .await,
        0,
        "a new aspect is numbered after the inspection's last"
    );
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM measures WHERE origin = 'CSV!4' AND deadline_kind = 'immediate'"
        )
        .await,
        1,
        "each measure keeps its sheet and row"
    );
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM problems WHERE origin = 'CSV!3' AND title = '印章管理不规范'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM measure_units mu JOIN units u ON u.id = mu.unit_id WHERE u.name = '法务部'").await,
        1
    );

    // Each measure is read with its cooperating units, in the ledger's order.
    let today = NaiveDate::from_ymd_opt(2024, 4, 25).unwrap();
    for (origin, expected) in [("CSV!5", vec!["总编室", "法务部"]), ("CSV!4", vec![])] {
        // The ledger row a measure came from is kept only in its stored origin.
        let id = count(
            &t,
            &format!("SELECT id FROM measures WHERE origin = '{origin}'"),
        )
        .await;
        let (measure, _) = measures::get(&t.db, &office, MeasureId(id), today)
            .await
            .unwrap();
        let names: Vec<&str> = measure
            .cooperating
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(names, expected, "{origin}");
    }

    // The same file again: refused unless asked.
    let again = import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source(),
        &r,
        &create,
    )
    .await;
    assert!(
        matches!(again, Err(StoreError::Invalid(ref f)) if f[0].field == "again"),
        "{again:?}"
    );
    // When, as the office reads it: Beijing time (the change was at 02:00 UTC).
    assert!(
        matches!(again, Err(StoreError::Invalid(ref f))
            if f[0].why == Why::Import(Box::new(Import::Before { when: "2024-04-25 10:00 李明".into() }))),
        "{again:?}"
    );
    let asked = Decisions {
        again: true,
        ..create
    };
    let twice = import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source(),
        &r,
        &asked,
    )
    .await
    .unwrap();
    assert_eq!(
        twice.aspects_created, 0,
        "an aspect with the same title is reused"
    );
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn a_reading_with_errors_writes_nothing_and_names_each_row() {
    let (t, office, inspection) = setup().await;
    let bad = format!("{LEDGER}3,会议记录不全,补齐记录,王建国,办公室,,尽快\n");
    let r = reading(&bad);
    let before = count(&t, "SELECT COUNT(*) FROM measures").await;
    let decisions = Decisions {
        create_units: true,
        ..Decisions::default()
    };
    match import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source(),
        &r,
        &decisions,
    )
    .await
    {
        Err(StoreError::Invalid(fields)) => {
            assert!(
                matches!(&fields[0].why, Why::Import(i)
                    if matches!(&**i, Import::At { place, .. } if place.row == 6 && place.column.as_deref() == Some("G"))),
                "{:?}",
                fields[0]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&t, "SELECT COUNT(*) FROM measures").await, before);
}

/// Commits a reading as `actor` with the test's change and source.
async fn import_as(
    t: &TestDb,
    actor: &zhenggai_domain::access::Actor,
    into: Destination<'_>,
    reading: &Reading,
    decisions: &Decisions,
) -> Result<import::Imported, StoreError> {
    import::commit(
        &t.db,
        actor,
        change(actor),
        into,
        &source(),
        reading,
        decisions,
    )
    .await
}

#[tokio::test]
async fn a_new_inspection_is_made_with_its_import_or_not_at_all() {
    let (t, office, inspection) = setup().await;
    let org = t.inspection(inspection).await.org_id;
    let input = InspectionInput {
        kind: "xuncha".into(),
        title: "市委第二巡察组专项巡察".into(),
        group_name: "市委第二巡察组".into(),
        feedback_date: "2024-03-15".into(),
        ..InspectionInput::default()
    };
    let into = Destination::New {
        org,
        inspection: &input,
    };
    let inspections = count(&t, "SELECT COUNT(*) FROM inspections").await;
    let audit_before = count(&t, "SELECT COUNT(*) FROM audit_log").await;

    // Refused (an unknown unit, then errors in the file): no inspection is left behind.
    let refused = import_as(&t, &office, into, &reading(LEDGER), &Decisions::default()).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    let create = Decisions {
        create_units: true,
        ..Decisions::default()
    };
    let bad = format!("{LEDGER}3,会议记录不全,补齐记录,王建国,办公室,,尽快\n");
    let refused = import_as(&t, &office, into, &reading(&bad), &create).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    // A unit user may not make one either.
    let finance = t.actor("finance").await;
    let refused = import_as(&t, &finance, into, &reading(LEDGER), &create).await;
    assert!(
        matches!(refused, Err(StoreError::NotFound | StoreError::Refused(_))),
        "{refused:?}"
    );
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM inspections").await,
        inspections
    );
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );

    // Accepted: the inspection and its ledger, in one transaction.
    let done = import_as(&t, &office, into, &reading(LEDGER), &create)
        .await
        .unwrap();
    assert_ne!(done.inspection_id, inspection.0);
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM inspections").await,
        inspections + 1
    );
    assert_eq!(
        t.inspection(InspectionId(done.inspection_id)).await.title,
        "市委第二巡察组专项巡察"
    );
    let measures = count(
        &t,
        &format!(
            "SELECT COUNT(*) FROM measures WHERE inspection_id = {}",
            done.inspection_id
        ),
    )
    .await;
    assert_eq!((done.problems, done.measures, measures), (2, 3, 3));
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn the_office_sees_what_was_imported_and_gets_the_file_back() {
    let (t, office, inspection) = setup().await;
    assert!(
        import::list(&t.db, &t.files, &office, inspection)
            .await
            .unwrap()
            .is_empty()
    );
    let sha256 = t.files.put(LEDGER.as_bytes()).await.unwrap();
    let source = Source {
        filename: "第一轮台账.csv".into(),
        sha256,
    };
    let create = Decisions {
        create_units: true,
        ..Decisions::default()
    };
    let done = import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source,
        &reading(LEDGER),
        &create,
    )
    .await
    .unwrap();

    let listed = import::list(&t.db, &t.files, &office, inspection)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let record = &listed[0];
    assert_eq!(record.id, done.import_id);
    assert_eq!(
        (
            record.filename.as_str(),
            record.sheet.as_str(),
            record.problems,
            record.measures,
            record.by.as_deref()
        ),
        ("第一轮台账.csv", "CSV", 2, 3, Some("李明"))
    );
    let (kept, content_type, bytes) = import::file(&t.db, &t.files, &office, inspection, record.id)
        .await
        .unwrap();
    assert_eq!(kept, *record);
    assert_eq!(content_type, "application/octet-stream");
    assert_eq!(bytes, LEDGER.as_bytes(), "the file as it was read");

    // Only the office of the organisation: a unit, the supervisor and the upper level
    // are refused, and the import is found only under its own inspection.
    for name in ["finance", "jijian", "xunchaban"] {
        let actor = t.actor(name).await;
        assert!(
            matches!(
                import::list(&t.db, &t.files, &actor, inspection).await,
                Err(StoreError::Refused(_) | StoreError::NotFound)
            ),
            "{name} lists"
        );
        assert!(
            matches!(
                import::file(&t.db, &t.files, &actor, inspection, record.id).await,
                Err(StoreError::Refused(_) | StoreError::NotFound)
            ),
            "{name} downloads"
        );
    }
    let other = t
        .inspections()
        .await
        .into_iter()
        .map(|i| i.id)
        .find(|i| *i != inspection)
        .unwrap();
    assert!(matches!(
        import::file(&t.db, &t.files, &office, other, record.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        import::file(&t.db, &t.files, &office, inspection, record.id + 1000).await,
        Err(StoreError::NotFound)
    ));
    assert!(record.kept);

    // An import whose file was not kept (the command line and the API kept none before
    // they did) is listed as such and has nothing to download.
    let older = import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &Source {
            filename: "旧台账.csv".into(),
            sha256: "0".repeat(64),
        },
        &reading(LEDGER),
        &Decisions {
            again: true,
            ..create
        },
    )
    .await
    .unwrap();
    let listed = import::list(&t.db, &t.files, &office, inspection)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|r| (r.id, r.kept)).collect::<Vec<_>>(),
        [(older.import_id, false), (done.import_id, true)]
    );
    assert!(matches!(
        import::file(&t.db, &t.files, &office, inspection, older.import_id).await,
        Err(StoreError::NotFound)
    ));
}
