//! Logins, sessions, tokens and disabled accounts against a real database: SQLite by
//! default, PostgreSQL when `ZHENGGAI_TEST_DATABASE_URL` is set (the CI runs both).
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use zhenggai_demo as demo;
use zhenggai_domain::Role;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::validate::Why;
use zhenggai_storage::accounts::auth::{self, AuthPolicy, LoginRefused};
use zhenggai_storage::audit::Change;
use zhenggai_storage::{StoreError, accounts::users};
use zhenggai_testkit::{Finders, TestDb};

const PASSWORD: &str = demo::DEMO_PASSWORD;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 4, 25, 2, 0, 0).unwrap()
}

async fn demo_db() -> TestDb {
    let t = TestDb::new().await.unwrap();
    demo::load(
        &t.db,
        &t.files,
        NaiveDate::from_ymd_opt(2024, 4, 25).unwrap(),
        now(),
    )
    .await
    .unwrap();
    t
}

fn system(at: DateTime<Utc>) -> Change<'static> {
    Change {
        actor: None,
        at,
        reason: None,
    }
}

async fn assert_intact(t: &TestDb) {
    assert!(
        zhenggai_storage::audit::verify::verify(&t.db)
            .await
            .unwrap()
            .intact()
    );
}

#[tokio::test]
async fn parallel_guesses_check_no_more_wrong_passwords_than_the_lockout_allows() {
    let t = demo_db().await;
    let policy = AuthPolicy::default();
    let guesses: Vec<_> = (0..24)
        .map(|i| {
            let db = t.db.clone();
            tokio::spawn(async move {
                auth::login(
                    &db,
                    "finance",
                    &format!("Wrong-guess-{i}"),
                    "203.0.113.9",
                    now(),
                    policy,
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut checked = 0;
    for g in guesses {
        match g.await.unwrap() {
            Err(LoginRefused::WrongPassword(_)) => checked += 1,
            Err(LoginRefused::Locked(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        checked, policy.max_failures,
        "wrong passwords actually checked in one lockout window"
    );
    // The right password from there is now refused without being checked …
    assert!(matches!(
        auth::login(&t.db, "finance", PASSWORD, "203.0.113.9", now(), policy)
            .await
            .unwrap(),
        Err(LoginRefused::Locked(_))
    ));
    // … but not from the owner's own desk: nobody locks an account out from anywhere.
    assert!(
        auth::login(&t.db, "finance", PASSWORD, "10.1.1.20", now(), policy)
            .await
            .unwrap()
            .is_ok()
    );
    // When the lock runs out, the count starts afresh.
    let later = now() + policy.lockout + Duration::seconds(1);
    assert!(
        auth::login(&t.db, "finance", PASSWORD, "203.0.113.9", later, policy)
            .await
            .unwrap()
            .is_ok()
    );
}

#[tokio::test]
async fn a_success_clears_the_count_of_its_address_only() {
    let t = demo_db().await;
    let policy = AuthPolicy::default();
    for _ in 0..policy.max_failures - 1 {
        for addr in ["10.0.0.1", "10.0.0.2"] {
            auth::login(&t.db, "office", "Not-the-one-1", addr, now(), policy)
                .await
                .unwrap()
                .unwrap_err();
        }
    }
    assert!(
        auth::login(&t.db, "office", PASSWORD, "10.0.0.1", now(), policy)
            .await
            .unwrap()
            .is_ok()
    );
    // 10.0.0.1 starts again; 10.0.0.2 has one try left, and the next failure locks it.
    assert_eq!(
        auth::login(&t.db, "office", "Not-the-one-1", "10.0.0.2", now(), policy)
            .await
            .unwrap(),
        Err(LoginRefused::WrongPassword(Some(now() + policy.lockout)))
    );
    assert_eq!(
        auth::login(&t.db, "office", "Not-the-one-1", "10.0.0.1", now(), policy)
            .await
            .unwrap(),
        Err(LoginRefused::WrongPassword(None))
    );
}

/// A page request reads the session, its person and their bell in one statement: the
/// person acting is the one `users::actor` builds, for every role (the upper level's
/// organisations below included), and a session of a disabled person finds no one.
#[tokio::test]
async fn a_session_finds_its_person_as_they_act() {
    let t = demo_db().await;
    let policy = AuthPolicy::default();
    for name in ["office", "finance", "leader_wang", "jijian", "xunchaban"] {
        let id = t.user(name).await;
        let s = auth::start_session(&t.db, id, now()).await.unwrap();
        let found = users::signed_in(&t.db, &s.token.0, now(), policy)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.user.id, id, "{name}");
        assert_eq!(found.session.user, id, "{name}");
        assert_eq!(found.session.csrf, s.csrf, "{name}");
        assert_eq!(
            found.actor,
            users::actor(&t.db, id).await.unwrap(),
            "{name}"
        );
        if name == "xunchaban" {
            assert!(!found.actor.orgs_below.is_empty());
        }
    }
    assert!(
        users::signed_in(&t.db, "no-such-token", now(), policy)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_and_token() {
    let t = demo_db().await;
    let policy = AuthPolicy::default();
    let finance = t.user("finance").await;
    let kept = auth::start_session(&t.db, finance, now()).await.unwrap();
    let other = auth::start_session(&t.db, finance, now()).await.unwrap();
    let token = auth::create_api_token(&t.db, finance, "script", now())
        .await
        .unwrap();
    let office = t.user("office").await;
    let bystander = auth::start_session(&t.db, office, now()).await.unwrap();
    let kept_id = users::signed_in(&t.db, &kept.token.0, now(), policy)
        .await
        .unwrap()
        .unwrap()
        .session
        .id;
    users::set_password(
        &t.db,
        Change {
            actor: Some(finance),
            ..system(now())
        },
        finance,
        "New-ledger-pass-7",
        false,
        Some(kept_id),
    )
    .await
    .unwrap();
    let alive = |token: String| {
        let db = t.db.clone();
        async move {
            users::signed_in(&db, &token, now(), policy)
                .await
                .unwrap()
                .is_some()
        }
    };
    assert!(
        alive(kept.token.0.clone()).await,
        "the session that changed it"
    );
    assert!(!alive(other.token.0.clone()).await, "another session");
    assert!(alive(bystander.token.0.clone()).await, "another person's");
    assert!(
        users::by_api_token(&t.db, &token.0, now())
            .await
            .unwrap()
            .is_none()
    );
    let listed = auth::tokens(&t.db, finance).await.unwrap();
    assert!(listed[0].revoked_at.is_some());
    // Recorded: the password change and the token's revocation.
    let actions = t
        .column::<String>(&format!(
            "SELECT action FROM audit_log WHERE actor_id = {} ORDER BY id",
            finance.0
        ))
        .await
        .unwrap();
    assert!(
        actions.ends_with(&["set_password".into(), "revoke".into()]),
        "{actions:?}"
    );
    // A reset by the administrator ends every session, the one kept above too.
    let sysadmin = users::actor(&t.db, t.user("sysadmin").await).await.unwrap();
    users::reset_password(&t.db, &sysadmin, system(now()), finance, "Reset-by-admin-9")
        .await
        .unwrap();
    assert!(!alive(kept.token.0).await);
}

#[tokio::test]
async fn a_new_password_may_not_be_the_current_one_nor_contain_the_name() {
    let t = demo_db().await;
    let finance = t.user("finance").await;
    use zhenggai_domain::password::Weak;
    use zhenggai_domain::reason::Account;
    use zhenggai_domain::validate::Why;
    for (pw, why) in [
        (PASSWORD, Why::Account(Account::SamePassword)),
        ("Finance-2024-ok", Why::Password(Weak::HasUsername)),
        ("P@ssw0rd2024", Why::Password(Weak::Common)),
        ("1234567890 12", Why::Password(Weak::OnlyDigits)),
    ] {
        match users::set_password(&t.db, system(now()), finance, pw, false, None).await {
            Err(StoreError::Invalid(e)) => {
                assert_eq!(e[0].field, "password");
                assert_eq!(e[0].why, why, "{pw}");
            }
            other => panic!("{pw}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn tokens_are_listed_and_revoked_by_their_owner_only() {
    let t = demo_db().await;
    let finance = t.user("finance").await;
    let hr = t.user("hr").await;
    let token = auth::create_api_token(&t.db, finance, "周报脚本", now())
        .await
        .unwrap();
    let id = auth::tokens(&t.db, finance).await.unwrap()[0].id;
    assert!(
        users::by_api_token(&t.db, &token.0, now())
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        auth::tokens(&t.db, finance).await.unwrap()[0]
            .last_used_at
            .is_some(),
        "use is seen"
    );
    let as_hr = Change {
        actor: Some(hr),
        ..system(now())
    };
    assert!(matches!(
        auth::revoke_api_token(&t.db, as_hr, hr, id).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        users::by_api_token(&t.db, &token.0, now())
            .await
            .unwrap()
            .is_some()
    );
    let as_finance = Change {
        actor: Some(finance),
        ..system(now())
    };
    auth::revoke_api_token(&t.db, as_finance, finance, id)
        .await
        .unwrap();
    assert!(
        users::by_api_token(&t.db, &token.0, now())
            .await
            .unwrap()
            .is_none()
    );
    assert_intact(&t).await;
}

#[tokio::test]
async fn a_disabled_account_has_no_login_no_session_and_no_token_until_enabled() {
    let t = demo_db().await;
    let policy = AuthPolicy::default();
    let finance = users::find(&t.db, "finance").await.unwrap().unwrap();
    let session = auth::start_session(&t.db, finance.id, now()).await.unwrap();
    let token = auth::create_api_token(&t.db, finance.id, "script", now())
        .await
        .unwrap();
    let secadmin = users::actor(&t.db, t.user("secadmin").await).await.unwrap();
    let office = users::actor(&t.db, t.user("office").await).await.unwrap();
    let because = Change {
        reason: Some("调离"),
        ..system(now())
    };
    // Only the security administrator, and not on their own account.
    assert!(matches!(
        users::set_disabled(
            &t.db,
            Some(&office),
            because,
            finance.id,
            finance.version,
            true
        )
        .await,
        Err(StoreError::Refused(Refused::ByAdministrator {
            role: Role::SecAdmin
        }))
    ));
    assert!(matches!(
        users::set_disabled(&t.db, Some(&secadmin), because, secadmin.user, 1, true).await,
        Err(StoreError::Invalid(_))
    ));
    // No administrator's account from a page or the API: one of the three could
    // silence another (the auditor). The shell may.
    let auditadmin = users::find(&t.db, "auditadmin").await.unwrap().unwrap();
    match users::set_disabled(
        &t.db,
        Some(&secadmin),
        because,
        auditadmin.id,
        auditadmin.version,
        true,
    )
    .await
    {
        Err(StoreError::Invalid(e)) => assert_eq!(
            e[0].why,
            Why::Account(zhenggai_domain::reason::Account::DisableAdministrator)
        ),
        other => panic!("{other:?}"),
    }
    users::set_disabled(
        &t.db,
        None,
        because,
        auditadmin.id,
        auditadmin.version,
        true,
    )
    .await
    .unwrap();
    assert!(users::get(&t.db, auditadmin.id).await.unwrap().disabled);
    // Disabling says why (recorded); without a reason it is refused at the field.
    match users::set_disabled(
        &t.db,
        Some(&secadmin),
        system(now()),
        finance.id,
        finance.version,
        true,
    )
    .await
    {
        Err(StoreError::Invalid(e)) => assert_eq!(e[0].field, "reason"),
        other => panic!("{other:?}"),
    }
    users::set_disabled(
        &t.db,
        Some(&secadmin),
        because,
        finance.id,
        finance.version,
        true,
    )
    .await
    .unwrap();
    assert_eq!(
        auth::login(&t.db, "finance", PASSWORD, "10.1.1.20", now(), policy)
            .await
            .unwrap(),
        Err(LoginRefused::BadCredentials)
    );
    assert!(
        users::signed_in(&t.db, &session.token.0, now(), policy)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        users::by_api_token(&t.db, &token.0, now())
            .await
            .unwrap()
            .is_none()
    );
    let disabled = users::get(&t.db, finance.id).await.unwrap();
    assert!(disabled.disabled);
    users::set_disabled(
        &t.db,
        Some(&secadmin),
        system(now()),
        finance.id,
        disabled.version,
        false,
    )
    .await
    .unwrap();
    assert!(
        auth::login(&t.db, "finance", PASSWORD, "10.1.1.20", now(), policy)
            .await
            .unwrap()
            .is_ok()
    );
    // Enabling does not bring back what disabling ended.
    assert!(
        users::by_api_token(&t.db, &token.0, now())
            .await
            .unwrap()
            .is_none()
    );
    let actions = t
        .column::<String>(&format!(
            "SELECT action FROM audit_log WHERE entity = 'users' AND entity_id = {} ORDER BY id",
            finance.id.0
        ))
        .await
        .unwrap();
    assert!(
        actions.ends_with(&["disable".into(), "enable".into()]),
        "{actions:?}"
    );
    assert_intact(&t).await;
}

#[tokio::test]
async fn an_idle_session_ends_exactly_its_timeout_after_the_last_request() {
    let t = demo_db().await;
    let policy = AuthPolicy::default();
    let office = t.user("office").await;
    let s = auth::start_session(&t.db, office, now()).await.unwrap();
    let seen = |at: DateTime<Utc>| {
        let db = t.db.clone();
        let token = s.token.0.clone();
        async move {
            users::signed_in(&db, &token, at, policy)
                .await
                .unwrap()
                .is_some()
        }
    };
    // A request 50 seconds in, then nothing for 29 minutes 40 seconds: still alive,
    // because the idle time counts from that last request.
    assert!(seen(now() + Duration::seconds(50)).await);
    let last = now() + Duration::seconds(50);
    assert!(seen(last + policy.idle_timeout - Duration::seconds(20)).await);
    let last = last + policy.idle_timeout - Duration::seconds(20);
    assert!(!seen(last + policy.idle_timeout + Duration::seconds(1)).await);
}

#[tokio::test]
async fn an_upload_is_named_only_by_the_session_that_made_it_into_its_inspection() {
    use zhenggai_storage::accounts::uploads::{self, UPLOAD_HOURS, Uploader};
    let t = demo_db().await;
    let office = t.user("office").await;
    let mine = auth::start_session(&t.db, office, now()).await.unwrap();
    let other = auth::start_session(&t.db, office, now()).await.unwrap();
    let id = |s: &auth::NewSession| {
        let db = t.db.clone();
        let token = s.token.0.clone();
        async move {
            users::signed_in(&db, &token, now(), AuthPolicy::default())
                .await
                .unwrap()
                .unwrap()
                .session
                .id
        }
    };
    let inspections: Vec<i64> = t.inspections().await.iter().map(|i| i.id.0).collect();
    let by = Uploader {
        session: id(&mine).await,
        inspection: inspections[0],
    };
    uploads::uploaded(&t.db, by, "a", now()).await.unwrap();
    // Another instance reads the same database: the record is there, not in a process.
    let again = t.db.clone();
    assert!(uploads::may_name(&again, by, "a", now()).await.unwrap());
    assert!(!uploads::may_name(&t.db, by, "b", now()).await.unwrap());
    for stranger in [
        Uploader {
            session: id(&other).await,
            ..by
        },
        Uploader {
            inspection: inspections[1],
            ..by
        },
    ] {
        assert!(
            !uploads::may_name(&t.db, stranger, "a", now())
                .await
                .unwrap(),
            "{stranger:?}"
        );
    }
    // Named within the hours, it stays; after them, it is uploaded again.
    let later = now() + Duration::hours(UPLOAD_HOURS);
    assert!(uploads::may_name(&t.db, by, "a", later).await.unwrap());
    let too_late = later + Duration::hours(UPLOAD_HOURS) + Duration::minutes(1);
    assert!(!uploads::may_name(&t.db, by, "a", too_late).await.unwrap());
}

/// The upper level reads every organisation below its own, however deep and through
/// departments between them, and none beside or above it.
#[tokio::test]
async fn the_organisations_below_are_found_through_departments_and_at_any_depth() {
    use zhenggai_storage::accounts::units::{self, UnitKind};
    let t = demo_db().await;
    let admin = users::actor(&t.db, t.user("sysadmin").await).await.unwrap();
    let add = |parent: Option<zhenggai_domain::UnitId>, kind: UnitKind, name: &'static str| {
        let (db, admin) = (t.db.clone(), admin.clone());
        async move {
            units::create(&db, &admin, system(now()), parent, kind, name, None)
                .await
                .unwrap()
        }
    };
    let province = add(None, UnitKind::Org, "某省").await;
    let office = add(Some(province), UnitKind::Dept, "某省巡视办").await;
    let city = add(Some(office), UnitKind::Org, "某市").await;
    let county = add(Some(city), UnitKind::Org, "某县").await;
    let county_dept = add(Some(county), UnitKind::Dept, "某县财政局").await;
    let village = add(Some(county_dept), UnitKind::Org, "某乡").await;
    let elsewhere = add(None, UnitKind::Org, "另一省").await;
    let beside = add(Some(elsewhere), UnitKind::Org, "另一市").await;

    let below = |org| {
        let db = t.db.clone();
        async move {
            let mut ids = units::orgs_below(&db, org).await.unwrap();
            ids.sort();
            ids
        }
    };
    assert_eq!(below(province).await, vec![city, county, village]);
    assert_eq!(below(city).await, vec![county, village]);
    assert_eq!(below(village).await, vec![]);
    assert_eq!(below(elsewhere).await, vec![beside]);
    assert!(!below(province).await.contains(&province));
}
