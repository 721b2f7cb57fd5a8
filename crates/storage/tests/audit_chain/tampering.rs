//! Tampering done in the database behind the system's back, each kind caught by
//! `audit verify`: business rows changed, deleted or inserted, entries changed, deleted,
//! reordered or cut off the end; and an upgrade that adds columns is not mistaken for it.

use super::*;

#[tokio::test]
async fn a_business_row_changed_in_the_database_is_caught() {
    let t = demo_db().await;
    let m = t.first_measure().await.0;
    tamper(
        &t,
        &format!("UPDATE measures SET deadline_text = '长期坚持' WHERE id = {m}"),
    )
    .await;
    let p = first_problem(&t).await;
    assert!(
        p.contains(&format!("measures #{m}")) && p.contains("deadline_text"),
        "{p}"
    );
}

#[tokio::test]
async fn a_business_row_deleted_is_caught() {
    let t = demo_db().await;
    let p = t.last_progress().await.0;
    tamper(&t, &format!("DELETE FROM progress WHERE id = {p}")).await;
    let found = first_problem(&t).await;
    assert_eq!(
        found,
        format!("progress #{p} was deleted: its audit entry says it exists")
    );
}

#[tokio::test]
async fn a_business_row_inserted_behind_the_systems_back_is_caught() {
    let t = demo_db().await;
    let inspection = t.first_inspection().await;
    let aspect = t.first_aspect(inspection).await.0;
    let inspection = inspection.0;
    tamper(&t, &format!(
        "INSERT INTO problems (inspection_id, aspect_id, ordinal, title, source, created_at) VALUES ({inspection}, {aspect}, 99, '伪造的问题', 'inspection', '2024-04-25T00:00:00.000000Z')"
    )).await;
    assert!(first_problem(&t).await.contains("has no audit entry"));
}

#[tokio::test]
async fn a_password_hash_replaced_in_the_database_is_caught() {
    let t = demo_db().await;
    tamper(
        &t,
        "UPDATE users SET password_hash = 'x' WHERE username = 'office'",
    )
    .await;
    let p = first_problem(&t).await;
    assert!(
        p.starts_with("users #") && p.contains("password_hash"),
        "{p}"
    );
}

#[tokio::test]
async fn an_audit_entry_changed_is_caught() {
    let t = demo_db().await;
    tamper(
        &t,
        "UPDATE audit_log SET reason = '看起来无害' WHERE id = 5",
    )
    .await;
    assert!(first_problem(&t).await.starts_with("audit entry #5 "));
    let t = demo_db().await;
    // Rewriting the content and recomputing nothing: the entry's hash no longer fits.
    let last = id(
        &t,
        "SELECT MAX(id) FROM audit_log WHERE entity = 'measures' AND after_json LIKE '%in_progress%'",
    )
    .await;
    tamper(&t, &format!("UPDATE audit_log SET after_json = REPLACE(after_json, 'in_progress', 'done') WHERE id = {last}")).await;
    let report = verify::verify(&t.db).await.unwrap();
    assert!(
        report
            .problems
            .iter()
            .map(ToString::to_string)
            .any(|p| p.starts_with(&format!("audit entry #{last} "))),
        "{:#?}",
        report.problems
    );
}

#[tokio::test]
async fn an_audit_entry_deleted_is_caught() {
    let t = demo_db().await;
    tamper(&t, "DELETE FROM audit_log WHERE id = 7").await;
    assert_eq!(
        first_problem(&t).await,
        "audit entries are missing between #6 and #8"
    );
}

#[tokio::test]
async fn audit_entries_reordered_are_caught() {
    let t = demo_db().await;
    tamper(&t, "UPDATE audit_log SET id = -1 WHERE id = 10").await;
    tamper(&t, "UPDATE audit_log SET id = 10 WHERE id = 11").await;
    tamper(&t, "UPDATE audit_log SET id = 11 WHERE id = -1").await;
    let p = first_problem(&t).await;
    assert!(
        p.starts_with("audit entry #11 ") || p.starts_with("audit entry #10 "),
        "{p}"
    );
}

#[tokio::test]
async fn the_chain_survives_later_writes_after_tampering_is_repaired() {
    // Writes after verification extend the same chain.
    let t = demo_db().await;
    let before = verify::verify(&t.db).await.unwrap();
    let change = zhenggai_storage::audit::Change {
        actor: None,
        at: Utc.with_ymd_and_hms(2024, 4, 26, 1, 0, 0).unwrap(),
        reason: None,
    };
    t.db.write(async |tx| {
        zhenggai_storage::accounts::units::insert(
            tx,
            change,
            None,
            zhenggai_storage::accounts::units::UnitKind::Org,
            "另一单位",
            None,
        )
        .await
    })
    .await
    .unwrap();
    let after = verify::verify(&t.db).await.unwrap();
    assert!(after.intact(), "{:#?}", after.problems);
    assert_eq!(after.entries, before.entries + 1);
    assert_ne!(after.head, before.head);
}

#[tokio::test]
async fn entries_cut_off_the_end_of_the_trail_are_caught() {
    let t = demo_db().await;
    // The last entry records the last change; removing it and the change's row would
    // otherwise leave a consistent-looking trail.
    let last = id(&t, "SELECT MAX(id) FROM audit_log").await;
    tamper(&t, &format!("DELETE FROM audit_log WHERE id = {last}")).await;
    let report = verify::verify(&t.db).await.unwrap();
    assert!(
        report
            .problems
            .iter()
            .map(ToString::to_string)
            .any(|p| p.starts_with("audit entries were cut off the end of chain")),
        "{:#?}",
        report.problems
    );
}

/// An upgrade whose migrations add columns to tables of recorded rows (0017 gave the
/// warning rules their reminder days, 0018 the robot its colours) leaves the trail
/// verifiable: the rows hold what the migrations gave them. A value changed afterwards behind the
/// system's back is still caught.
#[tokio::test]
async fn an_upgrade_that_adds_columns_keeps_the_trail_verifiable() {
    use zhenggai_storage::audit::{self, Change, Entity};
    let t = TestDb::migrated_until(16).await.unwrap();
    let at = Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap();
    let change = || Change {
        actor: None,
        at,
        reason: None,
    };
    t.db.write(async |tx| {
        tx.conn()
            .execute(
                "INSERT INTO units (id, kind, name, created_at) VALUES (1, 'org', '市日报社', '2024-04-25T01:00:00Z')",
            )
            .await?;
        tx.conn()
            .execute(
                "INSERT INTO warning_rules (id, org_id, green_days, yellow_days, green_to, yellow_to, red_to, created_at) \
                 VALUES (1, 1, 30, 10, 'handler', 'handler,leader', 'handler,leader', '2024-04-25T01:00:00Z')",
            )
            .await?;
        audit::write::created(tx, change(), Entity::Unit, 1).await?;
        audit::write::created(tx, change(), Entity::WarningRules, 1).await
    })
    .await
    .unwrap();

    // 0017 adds the channels; 0018 gives them the robot's colours.
    assert_eq!(t.db.migrate_until(17).await.unwrap(), 1);
    t.db.write(async |tx| {
        tx.conn()
            .execute(
                "INSERT INTO org_channels (id, org_id, email_on, robot_kind, robot_url, robot_secret, created_at) \
                 VALUES (1, 1, 0, 'wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', '', '2024-04-25T01:00:00Z')",
            )
            .await?;
        audit::write::created(tx, change(), Entity::OrgChannels, 1).await
    })
    .await
    .unwrap();

    assert!(
        t.db.migrate().await.unwrap() >= 1,
        "the upgrade to the latest"
    );
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:?}", report.problems);

    tamper(
        &t,
        "UPDATE warning_rules SET remind_days = '2' WHERE id = 1",
    )
    .await;
    tamper(
        &t,
        "UPDATE org_channels SET robot_colours = 'red' WHERE id = 1",
    )
    .await;
    let report = verify::verify(&t.db).await.unwrap();
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    for (row, column) in [
        ("warning_rules #1", "remind_days"),
        ("org_channels #1", "robot_colours"),
    ] {
        assert!(
            report
                .problems
                .iter()
                .map(ToString::to_string)
                .any(|p| p.contains(row) && p.contains(column)),
            "{row}: {:?}",
            report.problems
        );
    }
}
