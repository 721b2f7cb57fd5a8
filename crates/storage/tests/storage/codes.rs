//! Stored codes this build does not know: an error naming the table, the column and
//! the value, wherever the row is read.

use super::*;

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
    let actor = t.actor("office").await;
    let id = t.first_problem().await.0;
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

/// The same for the rows of accounts, settings and reminders, read by column name into
/// their row structs: a role, one code of a list, and a code that may be absent.
#[tokio::test]
async fn unknown_codes_outside_the_ledger_name_their_table_column_and_value() {
    use zhenggai_storage::reminders::channels;
    use zhenggai_storage::settings::warning_rules;
    let (t, actor, _) = demo_as_office().await;
    use zhenggai_storage::accounts::units;
    let said = |e: StoreError| e.to_string();
    let tamper = async |sql: &str, id: i64| {
        sqlx::query(sql)
            .bind(id)
            .execute(t.db.pool())
            .await
            .unwrap();
    };

    let finance = users::find(&t.db, "finance").await.unwrap().unwrap();
    tamper(
        "UPDATE users SET role = 'astronaut' WHERE id = $1",
        finance.id.0,
    )
    .await;
    let err = said(users::get(&t.db, finance.id).await.unwrap_err());
    assert!(
        err.contains("users.role") && err.contains("astronaut"),
        "{err}"
    );

    tamper(
        "UPDATE units SET kind = 'moon_base' WHERE id = $1",
        finance.unit_id.0,
    )
    .await;
    let err = said(units::get(&t.db, finance.unit_id).await.unwrap_err());
    assert!(
        err.contains("units.kind") && err.contains("moon_base"),
        "{err}"
    );

    let mut conn = t.db.pool().acquire().await.unwrap();
    tamper(
        "UPDATE warning_rules SET red_to = 'handler,astrologer' WHERE org_id = $1",
        actor.org.0,
    )
    .await;
    let err = said(warning_rules::get(&mut conn, actor.org).await.unwrap_err());
    assert!(
        err.contains("warning_rules.red_to") && err.contains("astrologer"),
        "{err}"
    );

    tamper(
        "INSERT INTO org_channels (org_id, email_on, robot_kind, robot_url, robot_secret, created_at) \
         VALUES ($1, 0, 'pigeon', 'https://qyapi.weixin.qq.com/x', '', '2024-04-25T01:00:00Z') \
         ON CONFLICT (org_id) DO UPDATE SET robot_kind = 'pigeon'",
        actor.org.0,
    )
    .await;
    let err = said(channels::of_org(&mut conn, actor.org).await.unwrap_err());
    assert!(
        err.contains("org_channels.robot_kind") && err.contains("pigeon"),
        "{err}"
    );
}

/// The ledger's rows are read by column name into row structs and then into their
/// types: a code stored there that this build does not know still fails naming the
/// table, the column and the value, whichever struct reads it.
#[tokio::test]
async fn an_unknown_code_in_a_ledger_row_names_its_table_column_and_value() {
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
    let measure = t.first_measure().await.0;
    sqlx::query("UPDATE measures SET deadline_kind = 'when_pigs_fly' WHERE id = $1")
        .bind(measure)
        .execute(t.db.pool())
        .await
        .unwrap();
    let err = zhenggai_storage::ledger::measures::get(
        &t.db,
        &actor,
        zhenggai_domain::MeasureId(measure),
        today(),
    )
    .await
    .unwrap_err();
    let said = err.to_string();
    assert!(
        said.contains("measures.deadline_kind") && said.contains("when_pigs_fly"),
        "{said}"
    );
    sqlx::query("UPDATE inspections SET kind = 'tea_party' WHERE id = $1")
        .bind(t.first_inspection().await.0)
        .execute(t.db.pool())
        .await
        .unwrap();
    let said = inspections::list(&t.db, &actor)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        said.contains("inspections.kind") && said.contains("tea_party"),
        "{said}"
    );
}
