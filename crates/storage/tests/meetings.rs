//! 民主生活会 against a real database (SQLite, and PostgreSQL when
//! `ZHENGGAI_TEST_DATABASE_URL` is set): the whole course of a meeting from the public
//! box to the ledger, what an anonymous opinion leaves behind, who sees what, and every
//! refusal.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use chrono::{Duration, NaiveDate};
use zhenggai_domain::access::Actor;
use zhenggai_domain::meeting::OpinionState;
use zhenggai_domain::reason::{Refused, Rule};
use zhenggai_domain::validate::Why;
use zhenggai_storage::StoreError;
use zhenggai_storage::audit::Change;
use zhenggai_storage::meetings::carry::{self, Carry};
use zhenggai_storage::meetings::materials::{self, FindingInput, MaterialInput};
use zhenggai_storage::meetings::opinions::{self, Acknowledgement, Sorting};
use zhenggai_storage::meetings::public_box::{self, BoxClosing, ReceiptStanding, Submission};
use zhenggai_storage::meetings::view;
use zhenggai_storage::meetings::{self, MeetingInput, Minutes, RemarkInput};
use zhenggai_testkit::{Finders, TestDb, beijing_morning};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

fn change(a: &Actor) -> Change<'static> {
    Change {
        actor: Some(a.user),
        at: beijing_morning(today()),
        reason: None,
    }
}

async fn demo() -> TestDb {
    TestDb::two_organisations(today()).await.unwrap()
}

/// A new meeting of the newspaper, its box open today, with the secretary and the two
/// leaders as members; answers its id and key.
async fn new_meeting(t: &TestDb, confidential: bool) -> (i64, String) {
    let office = t.actor("office").await;
    let ids = [
        t.account("secretary").await.id.0,
        t.account("leader_wang").await.id.0,
        t.account("leader_zhao").await.id.0,
    ];
    let id = meetings::create(
        &t.db,
        &office,
        change(&office),
        &MeetingInput {
            topic: "测试民主生活会".into(),
            held_on: (today() + Duration::days(10)).to_string(),
            chair_id: Some(ids[0]),
            member_ids: ids.to_vec(),
            confidential,
            box_opens_on: today().to_string(),
            box_closes_on: (today() + Duration::days(5)).to_string(),
            ..MeetingInput::default()
        },
    )
    .await
    .unwrap();
    let key = t
        .column::<String>(&format!("SELECT box_key FROM meetings WHERE id = {id}"))
        .await
        .unwrap()
        .remove(0);
    (id, key)
}

fn anonymous(text: &str, about: Option<i64>) -> Submission {
    Submission {
        text: text.into(),
        about,
        category: "style".into(),
        anonymous: true,
        signed: String::new(),
    }
}

/// The office ends the solicitation and opens the box.
async fn close_and_open(t: &TestDb, office: &Actor, id: i64) {
    let version = view::get(&t.db, office, id, today()).await.unwrap().version;
    public_box::close(&t.db, office, change(office), id, &BoxClosing { version })
        .await
        .unwrap();
    public_box::open(&t.db, office, change(office), id)
        .await
        .unwrap();
}

fn rule(e: StoreError) -> Rule {
    match e {
        StoreError::Invalid(list) => match &list[0].why {
            Why::Rule(r) => r.clone(),
            other => panic!("not a rule: {other:?}"),
        },
        other => panic!("not refused as invalid: {other:?}"),
    }
}

#[tokio::test]
async fn an_anonymous_opinion_goes_from_the_box_to_the_ledger_and_its_receipt_follows_it() {
    let t = demo().await;
    let (id, key) = new_meeting(&t, false).await;
    let office = t.actor("office").await;
    let wang = t.actor("leader_wang").await;

    let receipt = public_box::submit(
        &t.db,
        &key,
        today(),
        &anonymous("分管领导对车辆管理督促不够。", Some(wang.user.0)),
    )
    .await
    .unwrap();
    let status = public_box::status(&t.db, &key, &receipt.to_lowercase())
        .await
        .unwrap();
    assert_eq!(status.standing, ReceiptStanding::InBox);

    // While the box takes opinions, no one learns how many it holds, nor opens it.
    let m = view::get(&t.db, &office, id, today()).await.unwrap();
    assert_eq!((m.counts.unopened, m.opinions.len()), (None, 0));
    let early = public_box::open(&t.db, &office, change(&office), id).await;
    assert!(matches!(
        rule(early.unwrap_err()),
        Rule::BoxStillOpen { .. }
    ));
    // Closed early: then counted, then opened; nothing more goes in.
    let version = m.version;
    public_box::close(&t.db, &office, change(&office), id, &BoxClosing { version })
        .await
        .unwrap();
    let m = view::get(&t.db, &office, id, today()).await.unwrap();
    assert_eq!(m.counts.unopened, Some(1));
    let late = public_box::submit(&t.db, &key, today(), &anonymous("截止后", None)).await;
    assert!(matches!(rule(late.unwrap_err()), Rule::BoxClosed { .. }));
    assert_eq!(
        public_box::open(&t.db, &office, change(&office), id)
            .await
            .unwrap(),
        1
    );
    let m = view::get(&t.db, &office, id, today()).await.unwrap();
    let o = &m.opinions[0];
    assert_eq!(
        (o.state, o.anonymous, o.signed.as_deref()),
        (OpinionState::New, true, None)
    );
    assert_eq!(
        public_box::status(&t.db, &key, &receipt)
            .await
            .unwrap()
            .standing,
        ReceiptStanding::Opened
    );

    // Fed back to the member, who alone acknowledges it.
    opinions::sort(
        &t.db,
        &office,
        change(&office),
        o.id,
        &Sorting {
            version: o.version,
            member_id: Some(wang.user.0),
            summary: "车辆管理".into(),
        },
    )
    .await
    .unwrap();
    let zhao = t.actor("leader_zhao").await;
    let seen_by_zhao = view::get(&t.db, &zhao, id, today()).await.unwrap();
    assert!(
        seen_by_zhao.opinions.is_empty(),
        "a colleague's opinion is not another member's"
    );
    assert!(matches!(
        opinions::acknowledge(
            &t.db,
            &zhao,
            change(&zhao),
            o.id,
            &Acknowledgement { version: 2 }
        )
        .await,
        Err(StoreError::NotFound)
    ));
    let mine = view::get(&t.db, &wang, id, today()).await.unwrap();
    assert_eq!(mine.opinions.len(), 1);
    assert!(mine.opinions[0].may_acknowledge);
    opinions::acknowledge(
        &t.db,
        &wang,
        change(&wang),
        o.id,
        &Acknowledgement { version: 2 },
    )
    .await
    .unwrap();
    let status = public_box::status(&t.db, &key, &receipt).await.unwrap();
    assert_eq!(status.standing, ReceiptStanding::Acknowledged);
    assert_eq!(status.member.as_deref(), Some("王建国"));

    // The member's self-examination names the problem, answering the opinion.
    materials::save(
        &t.db,
        &wang,
        change(&wang),
        id,
        &MaterialInput {
            member_id: Some(wang.user.0),
            version: 0,
            text: "草稿".into(),
            finalise: false,
        },
    )
    .await
    .unwrap();
    materials::save(
        &t.db,
        &wang,
        change(&wang),
        id,
        &MaterialInput {
            member_id: Some(wang.user.0),
            version: 1,
            text: "定稿".into(),
            finalise: true,
        },
    )
    .await
    .unwrap();
    materials::add_finding(
        &t.db,
        &wang,
        change(&wang),
        id,
        &FindingInput {
            member_id: Some(wang.user.0),
            problem: "对车辆管理督促不够".into(),
            measure: "每月检查公车使用登记".into(),
            deadline: "2027年3月底前".into(),
            opinion_id: Some(o.id),
            remark_id: None,
        },
    )
    .await
    .unwrap();

    // Held, criticism heard, then carried.
    let v = view::get(&t.db, &office, id, today())
        .await
        .unwrap()
        .version;
    let not_yet = carry::carry(
        &t.db,
        &office,
        change(&office),
        id,
        &Carry {
            version: v,
            lead_unit_id: None,
        },
    )
    .await;
    assert_eq!(rule(not_yet.unwrap_err()), Rule::MeetingNotHeld);
    meetings::record_minutes(
        &t.db,
        &office,
        change(&office),
        id,
        &Minutes {
            version: v,
            minutes: "会议记录".into(),
            held_on: today().to_string(),
        },
    )
    .await
    .unwrap();
    meetings::record_remark(
        &t.db,
        &office,
        change(&office),
        id,
        &RemarkInput {
            kind: "criticism".into(),
            from_member_id: Some(zhao.user.0),
            to_member_id: Some(wang.user.0),
            points: "督促要更及时".into(),
            ..RemarkInput::default()
        },
    )
    .await
    .unwrap();
    let lead = t
        .column::<i64>("SELECT id FROM units WHERE short_name = '党群工作部' AND org_id = (SELECT org_id FROM units WHERE short_name = '财务部' LIMIT 1)")
        .await
        .unwrap()[0];
    let v = view::get(&t.db, &office, id, today())
        .await
        .unwrap()
        .version;
    let inspection = carry::carry(
        &t.db,
        &office,
        change(&office),
        id,
        &Carry {
            version: v,
            lead_unit_id: Some(lead),
        },
    )
    .await
    .unwrap();
    let m = view::get(&t.db, &office, id, today()).await.unwrap();
    assert_eq!(m.inspection_id, Some(inspection.0));
    let problem = m.findings[0].problem_id.unwrap();
    let (kind, leader): (String, i64) = sqlx::query_as(
        "SELECT i.kind, p.leader_id FROM problems p JOIN inspections i ON i.id = p.inspection_id WHERE p.id = $1",
    )
    .bind(problem)
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!((kind.as_str(), leader), ("democratic_meeting", wang.user.0));
    let status = public_box::status(&t.db, &key, &receipt).await.unwrap();
    assert_eq!(status.problems.len(), 1);
    assert!(
        status.problems[0].state.is_some(),
        "what it became in the ledger"
    );
    // Once carried, nothing more is carried or said.
    let again = carry::carry(
        &t.db,
        &office,
        change(&office),
        id,
        &Carry {
            version: m.version,
            lead_unit_id: Some(lead),
        },
    )
    .await;
    assert_eq!(rule(again.unwrap_err()), Rule::MeetingNotHeld);

    let report = zhenggai_storage::audit::verify::verify(&t.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn an_anonymous_opinion_keeps_its_day_and_nothing_of_its_sender_not_even_its_place_in_the_trail()
 {
    let t = demo().await;
    let (id, key) = new_meeting(&t, false).await;
    let entries = async || {
        t.column::<i64>("SELECT COUNT(*) FROM audit_log")
            .await
            .unwrap()[0]
    };
    let before = entries().await;
    public_box::submit(&t.db, &key, today(), &anonymous("第一条匿名意见", None))
        .await
        .unwrap();
    public_box::submit(&t.db, &key, today(), &anonymous("第二条匿名意见", None))
        .await
        .unwrap();
    assert_eq!(
        entries().await,
        before,
        "the box writes nothing to the trail: no place among the day's work"
    );
    let slips: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT received_on, signed, receipt_digest FROM box_slips WHERE meeting_id = $1",
    )
    .bind(id)
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    for (day, signed, digest) in &slips {
        assert_eq!(day, "2026-12-07", "a day, not a time");
        assert!(signed.is_none());
        assert_eq!(digest.len(), 64, "the receipt kept only as its digest");
    }
    let office = t.actor("office").await;
    close_and_open(&t, &office, id).await;
    let left = t
        .column::<i64>(&format!(
            "SELECT COUNT(*) FROM box_slips WHERE meeting_id = {id}"
        ))
        .await
        .unwrap()[0];
    assert_eq!(
        left, 0,
        "the envelopes, which kept the order of arrival, are gone"
    );
    let rows: Vec<(Option<String>, Option<i64>, String, i64)> = sqlx::query_as(
        "SELECT created_at, created_by, received_on, anonymous FROM opinions WHERE meeting_id = $1",
    )
    .bind(id)
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    for (created_at, created_by, received_on, anon) in rows {
        assert_eq!(
            (created_at, created_by, received_on.as_str(), anon),
            (None, None, "2026-12-07", 1)
        );
    }
    // The trail records the office's opening, by the office, at its time.
    let actors: Vec<Option<i64>> = sqlx::query_scalar(
        "SELECT a.actor_id FROM audit_log a JOIN opinions o ON o.id = a.entity_id \
         WHERE a.entity = 'opinions' AND a.action = 'create' AND o.meeting_id = $1 ORDER BY a.id",
    )
    .bind(id)
    .fetch_all(t.db.pool())
    .await
    .unwrap_or_default();
    assert!(
        actors.iter().all(|a| *a == Some(office.user.0)),
        "{actors:?}"
    );
}

#[tokio::test]
async fn the_box_takes_opinions_only_in_its_days_once_each_and_about_its_members() {
    let t = demo().await;
    let (_, key) = new_meeting(&t, false).await;
    let early = public_box::submit(
        &t.db,
        &key,
        today() - Duration::days(1),
        &anonymous("早", None),
    )
    .await;
    assert!(matches!(
        rule(early.unwrap_err()),
        Rule::BoxNotYetOpen { .. }
    ));
    let late = public_box::submit(
        &t.db,
        &key,
        today() + Duration::days(6),
        &anonymous("晚", None),
    )
    .await;
    assert!(matches!(rule(late.unwrap_err()), Rule::BoxClosed { .. }));
    // The same words twice are taken twice (the office merges them): refused, they
    // would tell anyone what the box already holds.
    for _ in 0..2 {
        public_box::submit(&t.db, &key, today(), &anonymous("同一条", None))
            .await
            .unwrap();
    }
    for about in [-1, 0] {
        let wrong =
            public_box::submit(&t.db, &key, today(), &anonymous("无此人", Some(about))).await;
        assert!(matches!(wrong, Err(StoreError::Invalid(e)) if e[0].field == "about"));
    }
    let stranger = t.account("finance").await.id.0;
    let wrong =
        public_box::submit(&t.db, &key, today(), &anonymous("不是成员", Some(stranger))).await;
    assert!(matches!(wrong, Err(StoreError::Invalid(e)) if e[0].field == "about"));
    let unsigned = public_box::submit(
        &t.db,
        &key,
        today(),
        &Submission {
            anonymous: false,
            ..anonymous("要署名", None)
        },
    )
    .await;
    assert!(matches!(unsigned, Err(StoreError::Invalid(e)) if e[0].field == "signed"));
    for bad in ["", "nothex", &"0".repeat(32)] {
        assert!(matches!(
            public_box::submit(&t.db, bad, today(), &anonymous("x", None)).await,
            Err(StoreError::NotFound)
        ));
    }
    assert!(matches!(
        public_box::status(&t.db, &key, "0000-0000-0000-0000").await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn each_role_sees_its_part_and_is_refused_the_rest() {
    let t = demo().await;
    let (id, key) = new_meeting(&t, true).await;
    let office = t.actor("office").await;
    let wang = t.actor("leader_wang").await;
    let zhao = t.actor("leader_zhao").await;
    public_box::submit(
        &t.db,
        &key,
        today(),
        &anonymous("对王的意见", Some(wang.user.0)),
    )
    .await
    .unwrap();
    let refused = public_box::open(&t.db, &wang, change(&wang), id).await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(Refused::MeetingByOffice))
    ));
    close_and_open(&t, &office, id).await;
    let o = view::get(&t.db, &office, id, today())
        .await
        .unwrap()
        .opinions
        .remove(0);

    // Who reads nothing of it.
    for who in ["finance", "wb_office", "wb_leader_wang"] {
        let a = t.actor(who).await;
        assert!(
            matches!(
                view::get(&t.db, &a, id, today()).await,
                Err(StoreError::NotFound)
            ),
            "{who}"
        );
    }
    for who in ["sysadmin", "auditadmin"] {
        let a = t.actor(who).await;
        assert!(
            matches!(
                view::get(&t.db, &a, id, today()).await,
                Err(StoreError::Refused(_))
            ),
            "{who}"
        );
    }
    // Confidential: 纪检 and the upper level read the meeting and its counts, not the words.
    for who in ["jijian", "xunchaban"] {
        let a = t.actor(who).await;
        let m = view::get(&t.db, &a, id, today()).await.unwrap();
        assert_eq!(
            (m.counts.total, m.opinions.len(), m.may_manage),
            (1, 0, false),
            "{who}"
        );
        assert!(m.box_key.is_none(), "{who}");
        let refused = opinions::sort(
            &t.db,
            &a,
            change(&a),
            o.id,
            &Sorting {
                version: o.version,
                ..Sorting::default()
            },
        )
        .await;
        assert!(
            matches!(refused, Err(StoreError::Refused(Refused::MeetingByOffice))),
            "{who}"
        );
    }
    // A member: not the office's work, and not a colleague's material.
    let refused = opinions::sort(
        &t.db,
        &wang,
        change(&wang),
        o.id,
        &Sorting {
            version: o.version,
            ..Sorting::default()
        },
    )
    .await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(Refused::MeetingByOffice))
    ));
    let refused = public_box::open(&t.db, &wang, change(&wang), id).await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(Refused::MeetingByOffice))
    ));
    let refused = materials::save(
        &t.db,
        &wang,
        change(&wang),
        id,
        &MaterialInput {
            member_id: Some(zhao.user.0),
            version: 0,
            text: "代写".into(),
            finalise: false,
        },
    )
    .await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(Refused::MaterialByItsMember))
    ));
    let refused = materials::save(
        &t.db,
        &wang,
        change(&wang),
        id,
        &MaterialInput {
            member_id: None,
            version: 0,
            text: "班子".into(),
            finalise: false,
        },
    )
    .await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(Refused::MaterialByItsMember))
    ));
    // Not yet fed back: the member does not see it.
    assert!(
        view::get(&t.db, &wang, id, today())
            .await
            .unwrap()
            .opinions
            .is_empty()
    );
    // Nor names a problem answering it: an opinion they do not read is none of theirs.
    let answering = materials::add_finding(
        &t.db,
        &wang,
        change(&wang),
        id,
        &FindingInput {
            member_id: Some(wang.user.0),
            problem: "问题".into(),
            measure: "措施".into(),
            deadline: "长期坚持".into(),
            opinion_id: Some(o.id),
            remark_id: None,
        },
    )
    .await;
    assert!(matches!(answering, Err(StoreError::Invalid(e)) if e[0].field == "opinion_id"));
    // A final material is not revised; a stale version is told who changed it.
    materials::save(
        &t.db,
        &wang,
        change(&wang),
        id,
        &MaterialInput {
            member_id: Some(wang.user.0),
            version: 0,
            text: "定稿".into(),
            finalise: true,
        },
    )
    .await
    .unwrap();
    let revised = materials::save(
        &t.db,
        &wang,
        change(&wang),
        id,
        &MaterialInput {
            member_id: Some(wang.user.0),
            version: 1,
            text: "再改".into(),
            finalise: false,
        },
    )
    .await;
    assert_eq!(rule(revised.unwrap_err()), Rule::MaterialFinal);
    let stale = opinions::sort(
        &t.db,
        &office,
        change(&office),
        o.id,
        &Sorting {
            version: o.version + 5,
            ..Sorting::default()
        },
    )
    .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    // The office corrects the details while preparing; a member may not, and the day
    // is not set before the box closes.
    let v = view::get(&t.db, &office, id, today())
        .await
        .unwrap()
        .version;
    let edit = |held_on: &str| meetings::MeetingEdit {
        version: v,
        topic: "更正后的主题".into(),
        held_on: held_on.into(),
        confidential: true,
        ..meetings::MeetingEdit::default()
    };
    let refused = meetings::edit(&t.db, &wang, change(&wang), id, &edit("2026-12-20")).await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(Refused::MeetingByOffice))
    ));
    let early = meetings::edit(&t.db, &office, change(&office), id, &edit("2026-12-01")).await;
    assert!(matches!(early, Err(StoreError::Invalid(e)) if e[0].field == "held_on"));
    meetings::edit(&t.db, &office, change(&office), id, &edit("2026-12-20"))
        .await
        .unwrap();
    assert_eq!(
        view::get(&t.db, &office, id, today()).await.unwrap().topic,
        "更正后的主题"
    );
    // Nothing to carry until a problem is named.
    let v = view::get(&t.db, &office, id, today())
        .await
        .unwrap()
        .version;
    meetings::record_minutes(
        &t.db,
        &office,
        change(&office),
        id,
        &Minutes {
            version: v,
            minutes: "记录".into(),
            held_on: today().to_string(),
        },
    )
    .await
    .unwrap();
    let lead = t
        .column::<i64>("SELECT id FROM units WHERE short_name = '财务部' ORDER BY id LIMIT 1")
        .await
        .unwrap()[0];
    let nothing = carry::carry(
        &t.db,
        &office,
        change(&office),
        id,
        &Carry {
            version: v + 1,
            lead_unit_id: Some(lead),
        },
    )
    .await;
    assert!(
        matches!(nothing, Err(StoreError::Invalid(e)) if e.iter().any(|e| e.field == "findings"))
    );
    // Once held, the opinions the box still held are fed back all the same; what was
    // prepared for the meeting (a letter recorded, a material) no longer changes.
    opinions::sort(
        &t.db,
        &office,
        change(&office),
        o.id,
        &Sorting {
            version: o.version,
            ..Sorting::default()
        },
    )
    .await
    .unwrap();
    let late = opinions::record(
        &t.db,
        &office,
        change(&office),
        id,
        &opinions::OpinionInput {
            channel: "letter".into(),
            category: "work".into(),
            text: "会后来信".into(),
            received_on: today().to_string(),
            ..opinions::OpinionInput::default()
        },
    )
    .await;
    assert_eq!(rule(late.unwrap_err()), Rule::MeetingPast);
}

#[tokio::test]
async fn the_demo_holds_a_meeting_carried_into_the_ledger_and_one_with_its_box_open() {
    let t = demo().await;
    let office = t.actor("office").await;
    let list = view::list(&t.db, &office).await.unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let held = list.iter().find(|m| m.inspection_id.is_some()).unwrap();
    let m = view::get(&t.db, &office, held.id, today()).await.unwrap();
    assert!(
        m.counts.total >= 4 && m.counts.acknowledged >= 3,
        "{:?}",
        m.counts
    );
    assert!(
        m.talks.len() >= 3 && m.materials.len() == 4,
        "talks and materials"
    );
    assert!(m.counts.criticisms >= 2 && m.counts.self_criticisms >= 2);
    assert!(
        m.findings.iter().all(|f| f.problem_id.is_some()),
        "every problem in the ledger"
    );
    // Talks are their two parties' and the office's: 纪检 reads the rest, not them.
    let jijian = t.actor("jijian").await;
    let read = view::get(&t.db, &jijian, held.id, today()).await.unwrap();
    assert!(read.talks.is_empty() && read.counts.talks >= 3);
    assert_eq!(
        read.opinions.len(),
        m.opinions.len(),
        "not confidential: every opinion"
    );
    let zhao = t.actor("leader_zhao").await;
    let own = view::get(&t.db, &zhao, held.id, today()).await.unwrap();
    assert!(own.talks.len() == 2, "the two zhao took part in");
    let talk = m.talks[0].id;
    assert!(matches!(
        zhenggai_storage::meetings::record_readable(
            &t.db,
            &jijian,
            zhenggai_storage::audit::Entity::Talk,
            talk
        )
        .await,
        Err(StoreError::NotFound)
    ));
    let key = zhenggai_demo::meetings::open_box_key(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert!(public_box::info(&t.db, &key, today()).await.unwrap().open);
}
