//! Columns an import does not know: they stop it until the office decides each (read as
//! a field, learnt as the organisation's header word, or not imported), or the API and
//! the command line leave them out in so many words.

use super::*;

/// A ledger with a column zhenggai does not know (督办意见) and a status column.
const WITH_ODD_COLUMN: &str = "序号,问题描述,整改措施,牵头单位,完成时限,督办意见,完成情况\n\
1,印章管理不规范,建立用印登记制度,办公室,5月中旬,抓紧办理,已完成\n\
,,开展印章清查,办公室,长期坚持,,长期坚持\n\
2,网站信息发布审核不严,完善三审三校,新媒体中心,二季度末,,\n";

fn reading_with(text: &str, synonyms: zhenggai_spreadsheet::layout::Synonyms) -> Reading {
    let sheets =
        zhenggai_spreadsheet::read::read(text.as_bytes(), &zhenggai_spreadsheet::Limits::default())
            .unwrap();
    zhenggai_spreadsheet::read_ledger(
        &sheets,
        &zhenggai_spreadsheet::ledger::Options {
            sheet: None,
            reference: NaiveDate::from_ymd_opt(2024, 3, 15).unwrap().into(),
            synonyms,
            ignore_columns: Vec::new(),
        },
    )
}

#[tokio::test]
async fn a_column_nobody_decided_stops_the_import_until_the_office_maps_it() {
    use zhenggai_spreadsheet::layout::{Field, Synonyms};
    use zhenggai_storage::settings::header_words::{self, Meaning};
    let (t, office, inspection) = setup().await;
    let org = office.org;
    let r = reading_with(WITH_ODD_COLUMN, Synonyms::default());
    assert!(r.ok(), "{:#?}", r.errors);
    assert_eq!(r.undecided().count(), 1);
    let problems_before = count(&t, "SELECT COUNT(*) FROM problems").await;
    match import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source(),
        &r,
        &Decisions::default(),
    )
    .await
    {
        Err(StoreError::Invalid(fields)) => {
            let f = fields.iter().find(|f| f.field == "columns").unwrap();
            assert!(
                matches!(&f.why, Why::Import(i)
                    if matches!(&**i, Import::Undecided { columns } if columns.iter().any(|(c, h)| c == "F" && h == "督办意见"))),
                "{:?}",
                f
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM problems").await,
        problems_before
    );

    // A unit may not teach the organisation words; the office may, and it is recorded.
    let finance = t.actor("finance").await;
    let words = [("督办意见".to_string(), Meaning::Field(Field::Note))];
    assert!(matches!(
        header_words::teach(&t.db, &finance, change(&finance), org, &words).await,
        Err(StoreError::NotFound | StoreError::Refused(_))
    ));
    header_words::teach(&t.db, &office, change(&office), org, &words)
        .await
        .unwrap();
    // Taught twice: one word still.
    header_words::teach(&t.db, &office, change(&office), org, &words)
        .await
        .unwrap();
    let listed = header_words::list(&t.db, &office, org).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].meaning, Meaning::Field(Field::Note));
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'header_words' AND action = 'create'"
        )
        .await,
        1
    );
    let empty = header_words::teach(
        &t.db,
        &office,
        change(&office),
        org,
        &[(" ".to_string(), Meaning::Ignore)],
    )
    .await;
    assert!(matches!(empty, Err(StoreError::Invalid(_))));

    // Read with the organisation's words, the column is the note's: nothing undecided,
    // and the status column sets the states.
    let synonyms = header_words::synonyms(&t.db, org, &Synonyms::default())
        .await
        .unwrap();
    let r = reading_with(WITH_ODD_COLUMN, synonyms);
    assert_eq!(r.undecided().count(), 0, "{:?}", r.columns);
    let done = import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source(),
        &r,
        &Decisions::default(),
    )
    .await
    .unwrap();
    #[derive(sqlx::FromRow)]
    struct Stated {
        state: String,
        deadline: Option<String>,
    }
    let states = |sql: &'static str| {
        let db = t.db.clone();
        async move {
            sqlx::query_as::<_, Stated>(sql)
                .fetch_all(db.pool())
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.state, r.deadline))
                .collect::<Vec<_>>()
        }
    };
    let measures = states(
        "SELECT state, original_deadline_text AS deadline FROM measures WHERE origin IS NOT NULL ORDER BY id",
    )
    .await;
    assert_eq!(
        measures,
        [
            ("done".to_string(), Some("5月中旬".to_string())),
            ("in_progress".to_string(), Some("长期坚持".to_string())),
            ("registered".to_string(), None),
        ]
    );
    let problems =
        states("SELECT state, NULL AS deadline FROM problems WHERE origin IS NOT NULL ORDER BY id")
            .await;
    assert_eq!(
        problems.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["in_progress", "registered"]
    );
    assert_eq!(done.measures, 3);

    // Changed, then withdrawn (with why): the next reading lists the column again.
    let word = &header_words::list(&t.db, &office, org).await.unwrap()[0];
    header_words::change_meaning(
        &t.db,
        &office,
        change(&office),
        word.id,
        word.version,
        Meaning::Ignore,
    )
    .await
    .unwrap();
    let stale = header_words::change_meaning(
        &t.db,
        &office,
        change(&office),
        word.id,
        word.version,
        Meaning::Field(Field::Target),
    )
    .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let synonyms = header_words::synonyms(&t.db, org, &Synonyms::default())
        .await
        .unwrap();
    let r = reading_with(WITH_ODD_COLUMN, synonyms);
    assert_eq!(
        r.columns.iter().map(|c| c.ignored).collect::<Vec<_>>(),
        [true]
    );
    let word = &header_words::list(&t.db, &office, org).await.unwrap()[0];
    let because = Change {
        reason: Some("列名写错了"),
        ..change(&office)
    };
    header_words::withdraw(&t.db, &office, because, word.id, word.version)
        .await
        .unwrap();
    assert!(
        header_words::list(&t.db, &office, org)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM header_words").await,
        1,
        "withdrawn, not deleted"
    );
    let synonyms = header_words::synonyms(&t.db, org, &Synonyms::default())
        .await
        .unwrap();
    assert_eq!(
        reading_with(WITH_ODD_COLUMN, synonyms).undecided().count(),
        1
    );
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn the_api_and_the_command_line_may_leave_unknown_columns_out_in_so_many_words() {
    let (t, office, inspection) = setup().await;
    let r = reading_with(WITH_ODD_COLUMN, Default::default());
    let done = import::commit(
        &t.db,
        &office,
        change(&office),
        inspection,
        &source(),
        &r,
        &Decisions {
            ignore_unknown_columns: true,
            ..Decisions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(done.measures, 3);
}
