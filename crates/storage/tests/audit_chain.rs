//! The audit trail is a hash chain and `verify` catches every kind of tampering, on a
//! real SQLite file and on PostgreSQL (`ZHENGGAI_TEST_DATABASE_URL`): here the intact
//! trail, and the trail sealed with a key and pinned by checkpoints; tampering without
//! a key in `audit_chain/tampering.rs`.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use chrono::{NaiveDate, TimeZone, Utc};
use sqlx::Executor;
use zhenggai_demo as demo;
use zhenggai_storage::audit::verify;
use zhenggai_testkit::{Finders, TestDb};

// In a folder without a `main.rs`: part of this test binary, not one of its own.
#[path = "audit_chain/tampering.rs"]
mod tampering;

async fn demo_db() -> TestDb {
    let t = TestDb::new().await.unwrap();
    let today = NaiveDate::from_ymd_opt(2024, 4, 25).unwrap();
    demo::load(
        &t.db,
        &t.files,
        today,
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    t
}

/// One value of the trail (or its heads) as stored: what the chain is checked on.
async fn id(t: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
}

async fn tamper(t: &TestDb, sql: &str) {
    t.db.pool()
        .execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn first_problem(t: &TestDb) -> String {
    let report = verify::verify(&t.db).await.unwrap();
    assert!(!report.intact(), "tampering went unnoticed");
    report.problems[0].to_string()
}

#[tokio::test]
async fn an_intact_trail_verifies_and_chains_every_entry() {
    let t = demo_db().await;
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
    assert!(report.entries > 100 && report.rows > 50, "{report:?}");
    assert_eq!(report.head.len(), 64);
    let unchained = id(
        &t,
        "SELECT COUNT(*) FROM audit_log WHERE hash IS NULL OR prev_hash IS NULL",
    )
    .await;
    assert_eq!(unchained, 0);
}

// The end of the trail, proven from outside the database (issue 19, item 8): the entries
// are sealed with a key the database does not hold, and checkpoints of the head kept
// outside it pin how far the trail reached.

use zhenggai_storage::audit::checkpoint::{self, Claim};
use zhenggai_storage::audit::hash::{EntryFields, entry_hash};
use zhenggai_storage::audit::key::AuditKey;

/// A write after the demo: one new unit, and the chain its entry went into.
async fn write_a_unit(t: &TestDb, name: &str) -> (i64, i64) {
    let change = zhenggai_storage::audit::Change {
        actor: None,
        at: Utc.with_ymd_and_hms(2024, 4, 26, 1, 0, 0).unwrap(),
        reason: None,
    };
    let unit =
        t.db.write(async |tx| {
            zhenggai_storage::accounts::units::insert(
                tx,
                change,
                None,
                zhenggai_storage::accounts::units::UnitKind::Org,
                name,
                None,
            )
            .await
        })
        .await
        .unwrap();
    let chain = id(
        t,
        &format!(
            "SELECT chain FROM audit_log WHERE entity = 'units' AND entity_id = {}",
            unit.0
        ),
    )
    .await;
    (unit.0, chain)
}

/// What an attacker with the database but not the key does to make a change of history
/// look consistent: recomputes, by the unkeyed rule, the hash of every entry of `chain`
/// from position `from` on, each after the one before, and moves the chain's head.
async fn rehash_unkeyed(t: &TestDb, chain: i64, from: i64) {
    #[derive(sqlx::FromRow)]
    struct Entry {
        id: i64,
        at: String,
        actor_id: Option<i64>,
        action: String,
        entity: String,
        entity_id: i64,
        entity_version: Option<i64>,
        reason: Option<String>,
        before_json: Option<String>,
        after_json: Option<String>,
        digests: Option<String>,
        seq: i64,
    }
    let rows = sqlx::query_as::<_, Entry>(
        "SELECT id, at, actor_id, action, entity, entity_id, entity_version, reason, before_json, after_json, digests, seq \
         FROM audit_log WHERE chain = $1 ORDER BY seq",
    )
    .bind(chain)
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    let mut prev = zhenggai_storage::audit::hash::GENESIS.to_string();
    let mut last = (0, prev.clone());
    for r in &rows {
        if r.seq >= from {
            let hash = entry_hash(&EntryFields {
                id: r.id,
                chain,
                seq: r.seq,
                prev_hash: &prev,
                at: &r.at,
                actor: r.actor_id,
                action: &r.action,
                entity: &r.entity,
                entity_id: r.entity_id,
                version: r.entity_version,
                reason: r.reason.as_deref(),
                before: r.before_json.as_deref(),
                after: r.after_json.as_deref(),
                digests: r.digests.as_deref(),
            });
            sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
                .bind(&prev)
                .bind(&hash)
                .bind(r.id)
                .execute(t.db.pool())
                .await
                .unwrap();
        }
        prev = id_hash(t, r.id).await;
        last = (r.seq, prev.clone());
    }
    sqlx::query("UPDATE audit_heads SET seq = $1, hash = $2 WHERE chain = $3")
        .bind(last.0)
        .bind(&last.1)
        .bind(chain)
        .execute(t.db.pool())
        .await
        .unwrap();
}

async fn id_hash(t: &TestDb, id: i64) -> String {
    sqlx::query_scalar("SELECT hash FROM audit_log WHERE id = $1")
        .bind(id)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
}

/// The attack of item 8: the last change (a new unit) is cut off the trail and replaced
/// by another history (the unit named otherwise), the row changed to match, the hashes
/// recomputed and `audit_heads` rewritten with them.
async fn rewrite_the_last_change(t: &TestDb) {
    let (unit, chain) = write_a_unit(t, "真实单位").await;
    let entry = id(
        t,
        &format!("SELECT MAX(id) FROM audit_log WHERE entity = 'units' AND entity_id = {unit}"),
    )
    .await;
    let seq = id(t, &format!("SELECT seq FROM audit_log WHERE id = {entry}")).await;
    tamper(
        t,
        &format!("UPDATE units SET name = '伪造单位' WHERE id = {unit}"),
    )
    .await;
    tamper(
        t,
        &format!(
            "UPDATE audit_log SET after_json = REPLACE(after_json, '真实单位', '伪造单位') WHERE id = {entry}"
        ),
    )
    .await;
    rehash_unkeyed(t, chain, seq).await;
}

#[tokio::test]
async fn without_a_key_a_rewritten_end_of_the_trail_goes_unnoticed() {
    // The defect, as releases before the key had it: kept here so that the README's
    // statement of what the key adds stays true.
    let t = TestDb::unsealed().await.unwrap();
    demo::load(
        &t.db,
        &t.files,
        NaiveDate::from_ymd_opt(2024, 4, 25).unwrap(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    rewrite_the_last_change(&t).await;
    let report = verify::verify(&t.db).await.unwrap();
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.sealed, 0);
}

#[tokio::test]
async fn with_the_key_a_rewritten_end_of_the_trail_is_caught() {
    let t = demo_db().await;
    let before = verify::verify(&t.db).await.unwrap();
    assert!(before.intact(), "{:?}", before.problems);
    assert_eq!(
        before.sealed, before.entries,
        "a new trail is sealed throughout"
    );
    assert_eq!(before.key_id.as_deref(), Some(TestDb::key().id()));
    rewrite_the_last_change(&t).await;
    let p = first_problem(&t).await;
    assert!(
        p.contains("is not sealed with the audit key") && p.contains("units #"),
        "{p}"
    );
}

#[tokio::test]
async fn a_wrong_key_is_reported_as_such_and_refused_for_writing() {
    let t = demo_db().await;
    let other = AuditKey::from_bytes(&[9; 32]).unwrap();
    let wrong = t.db.clone().with_audit_key(other.clone());
    let report = verify::verify(&wrong).await.unwrap();
    assert_eq!(
        report.problems[0].to_string(),
        format!(
            "wrong audit key: the trail is sealed with key {}, the key given is {}",
            TestDb::key().id(),
            other.id()
        )
    );
    let refused = zhenggai_storage::audit::write::start_sealing(
        &wrong,
        Utc.with_ymd_and_hms(2024, 4, 26, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap_err();
    assert!(
        format!("{refused}").contains("Wrong audit key"),
        "{refused}"
    );
    // Without any key, the sealed entries are named as unchecked, not passed.
    let keyless = t.db.without_audit_key();
    let report = verify::verify(&keyless).await.unwrap();
    assert!(
        report
            .problems
            .iter()
            .map(ToString::to_string)
            .any(|p| p.contains("were not checked: give the key file")),
        "{:?}",
        report.problems
    );
}

#[tokio::test]
async fn a_trail_written_before_the_key_stays_verifiable_and_is_pinned_by_the_marker() {
    let mut t = TestDb::unsealed().await.unwrap();
    demo::load(
        &t.db,
        &t.files,
        NaiveDate::from_ymd_opt(2024, 4, 25).unwrap(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    let unkeyed = verify::verify(&t.db).await.unwrap();
    assert!(unkeyed.intact(), "{:?}", unkeyed.problems);
    // The upgrade: the server starts with a key, and writes on.
    t.db = t.db.clone().with_audit_key(TestDb::key());
    zhenggai_storage::audit::write::start_sealing(
        &t.db,
        Utc.with_ymd_and_hms(2024, 4, 26, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    let sealed = t;
    write_a_unit(&sealed, "升级后的单位").await;
    let report = verify::verify(&sealed.db).await.unwrap();
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(
        report.entries,
        unkeyed.entries + 2,
        "the marker and the unit"
    );
    assert_eq!(report.sealed, 2);
    // An unkeyed entry before the marker rewritten, its chain rehashed to the end.
    let chain = id(&sealed, "SELECT chain FROM audit_log WHERE id = 5").await;
    let seq = id(&sealed, "SELECT seq FROM audit_log WHERE id = 5").await;
    tamper(&sealed, "UPDATE audit_log SET reason = '改写' WHERE id = 5").await;
    rehash_unkeyed(&sealed, chain, seq).await;
    let report = verify::verify(&sealed.db).await.unwrap();
    assert!(
        report
            .problems
            .iter()
            .map(ToString::to_string)
            .any(|p| p.contains("the keying marker recorded")),
        "{:?}",
        report.problems
    );
}

#[tokio::test]
async fn a_removed_keying_marker_is_caught_with_the_key() {
    let t = demo_db().await;
    tamper(
        &t,
        "DELETE FROM audit_log WHERE entity = 'audit_log' AND entity_id = 0",
    )
    .await;
    assert!(
        first_problem(&t)
            .await
            .starts_with("the trail has no keying marker though an audit key is given")
    );
}

/// The chain and position of the last entry written so far.
async fn last_position(t: &TestDb) -> (i64, i64) {
    let last = id(t, "SELECT MAX(id) FROM audit_log").await;
    (
        id(t, &format!("SELECT chain FROM audit_log WHERE id = {last}")).await,
        id(t, &format!("SELECT seq FROM audit_log WHERE id = {last}")).await,
    )
}

#[tokio::test]
async fn a_checkpoint_proves_the_trail_still_reaches_it() {
    let t = demo_db().await;
    let at = Utc.with_ymd_and_hms(2024, 4, 26, 2, 0, 0).unwrap();
    let taken = checkpoint::take(&t.db, at).await.unwrap();
    let report = verify::verify(&t.db).await.unwrap();
    assert_eq!(report.code, taken.code(), "verify reports the same head");
    let (chain, seq) = last_position(&t).await;
    write_a_unit(&t, "检查点之后").await;
    let by_code = Claim::from_code(&taken.code()).unwrap();
    let report = verify::verify_reaching(&t.db, std::slice::from_ref(&by_code))
        .await
        .unwrap();
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.checkpoints, std::slice::from_ref(&by_code.label));

    // Cut back to before the checkpoint's last entry, the head moved back with it:
    // consistent, and sealed entries need no key to be removed.
    tamper(
        &t,
        &format!("DELETE FROM audit_log WHERE chain = {chain} AND seq >= {seq}"),
    )
    .await;
    tamper(
        &t,
        &format!(
            "UPDATE audit_heads SET seq = {back}, hash = COALESCE((SELECT hash FROM audit_log WHERE chain = {chain} AND seq = {back}), '{genesis}') WHERE chain = {chain}",
            back = seq - 1,
            genesis = zhenggai_storage::audit::hash::GENESIS
        ),
    )
    .await;
    let report = verify::verify_reaching(&t.db, &[by_code]).await.unwrap();
    assert!(report.checkpoints.is_empty());
    assert!(
        report
            .problems
            .iter()
            .map(ToString::to_string)
            .any(|p| p.starts_with("checkpoint ")
                && p.contains(&format!("chain {chain} no longer reaches position {seq}"))),
        "{:?}",
        report.problems
    );
}

#[tokio::test]
async fn a_checkpoint_catches_a_history_rewritten_before_it_even_without_a_key() {
    let t = TestDb::unsealed().await.unwrap();
    demo::load(
        &t.db,
        &t.files,
        NaiveDate::from_ymd_opt(2024, 4, 25).unwrap(),
        Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    let taken = checkpoint::take(&t.db, Utc.with_ymd_and_hms(2024, 4, 26, 2, 0, 0).unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit-checkpoints.log");
    checkpoint::append_to_file(&file, &taken).unwrap();
    write_a_unit(&t, "检查点之后").await;
    // The last entry the checkpoint saw, rewritten and its chain rehashed to its end.
    let (chain, seq) = last_position(&t).await;
    let (chain, seq) = if seq == 1 {
        // The unit opened a chain of its own: take the entry before it.
        let before = id(&t, "SELECT MAX(id) FROM audit_log WHERE entity <> 'units' OR entity_id < (SELECT MAX(id) FROM units)").await;
        (
            id(
                &t,
                &format!("SELECT chain FROM audit_log WHERE id = {before}"),
            )
            .await,
            id(
                &t,
                &format!("SELECT seq FROM audit_log WHERE id = {before}"),
            )
            .await,
        )
    } else {
        (chain, seq - 1)
    };
    tamper(
        &t,
        &format!("UPDATE audit_log SET reason = '改写' WHERE chain = {chain} AND seq = {seq}"),
    )
    .await;
    rehash_unkeyed(&t, chain, seq).await;
    assert!(
        verify::verify(&t.db).await.unwrap().intact(),
        "without a key, the rewrite is consistent"
    );
    let claims = Claim::from_file(&file).unwrap();
    let report = verify::verify_reaching(&t.db, &claims).await.unwrap();
    assert!(report.checkpoints.is_empty());
    assert!(
        report
            .problems
            .iter()
            .map(ToString::to_string)
            .any(|p| p.starts_with("checkpoint ")
                && p.contains(&format!("(chain {chain}, position {seq})"))
                && p.contains("is not the entry the checkpoint saw")),
        "{:?}",
        report.problems
    );
    // A checkpoint the database holds no record of cannot be proven.
    let unknown = Claim::from_code("999999-0123456789abcdef").unwrap();
    let report = verify::verify_reaching(&t.db, &[unknown]).await.unwrap();
    assert!(
        report.problems[0].to_string().contains("holds no record"),
        "{:?}",
        report.problems
    );
}
