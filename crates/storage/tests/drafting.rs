//! The lead unit drafts its measures, several at once (issue 20, point 1), and a
//! problem's measures follow it to a new lead unit (point 4): against a real database,
//! SQLite by default, PostgreSQL when `ZHENGGAI_TEST_DATABASE_URL` is set.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use zhenggai_demo as demo;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::{MeasureId, ProblemId};
use zhenggai_storage::StoreError;
use zhenggai_storage::audit::Change;
use zhenggai_storage::ledger::lifecycle::{self, input::StepInput};
use zhenggai_storage::ledger::measures::{self, MeasureInput};
use zhenggai_storage::ledger::problems;
use zhenggai_testkit::{Finders, TestDb};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 4, 25, 2, 0, 0).unwrap()
}

async fn demo() -> TestDb {
    let t = TestDb::new().await.unwrap();
    demo::load(&t.db, &t.files, today(), at()).await.unwrap();
    t
}

fn change(a: &Actor) -> Change<'static> {
    Change {
        actor: Some(a.user),
        at: at(),
        reason: None,
    }
}

/// Rows of a problem in a table: what a refused save must leave as it was.
async fn count(t: &TestDb, sql: &str, p: ProblemId) -> i64 {
    sqlx::query_scalar(sql)
        .bind(p.0)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
}

fn row(content: &str, deadline: &str) -> MeasureInput {
    MeasureInput {
        content: content.into(),
        deadline: deadline.into(),
        ..MeasureInput::default()
    }
}

/// Each field refused, with the row its reason is found in (0 when not in a row).
fn fields(e: StoreError) -> Vec<(String, usize)> {
    match e {
        StoreError::Invalid(list) => list
            .into_iter()
            .map(|f| {
                let row = match f.why {
                    zhenggai_domain::validate::Why::InRow { row, .. } => row,
                    _ => 0,
                };
                (f.field, row)
            })
            .collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

async fn step(t: &TestDb, a: &Actor, p: ProblemId, input: StepInput) -> Result<(), StoreError> {
    t.db.write(async |tx| lifecycle::step_in(tx, a, change(a), p, &input, &[]).await)
        .await
        .map(drop)
}

fn act(action: &str) -> StepInput {
    StepInput {
        action: action.into(),
        ..StepInput::default()
    }
}

#[tokio::test]
async fn a_lead_unit_saves_several_measures_together_and_each_bad_row_is_named() {
    let t = demo().await;
    let logistics = t.actor("logistics").await;
    let p = t.problem("档案室消防设施老化").await; // registered, led by 行政后勤部
    let measures_now = "SELECT COUNT(*) FROM measures WHERE problem_id = $1";
    let events_now = "SELECT COUNT(*) FROM problem_events WHERE problem_id = $1";
    let (m0, e0) = (
        count(&t, measures_now, p).await,
        count(&t, events_now, p).await,
    );

    let all_blank = measures::create_many(
        &t.db,
        &logistics,
        change(&logistics),
        p,
        &[MeasureInput::default(), MeasureInput::default()],
    )
    .await
    .unwrap_err();
    assert_eq!(fields(all_blank)[0].0, "rows");

    let mut with_itself = row("更换老化灭火器", "2024年6月底前");
    with_itself.cooperating_unit_ids = vec![logistics.unit.0];
    let rows = [
        row("全面排查档案室消防设施", "2024年5月底前"),
        MeasureInput::default(), // a spare row left blank
        row("", "明年某个时候"),
        with_itself,
    ];
    let errors = fields(
        measures::create_many(&t.db, &logistics, change(&logistics), p, &rows)
            .await
            .unwrap_err(),
    );
    let named: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
    assert!(named.contains(&"rows.2.content"), "{errors:?}");
    assert!(named.contains(&"rows.2.deadline"), "{errors:?}");
    assert!(named.contains(&"rows.3.cooperating_unit_ids"), "{errors:?}");
    assert!(
        !named
            .iter()
            .any(|f| f.starts_with("rows.0.") || f.starts_with("rows.1."))
    );
    for (field, row) in &errors {
        let n = field.split('.').nth(1).unwrap().parse::<usize>().unwrap() + 1;
        assert_eq!(*row, n, "{field}");
    }
    assert_eq!(count(&t, measures_now, p).await, m0, "nothing was saved");
    assert_eq!(count(&t, events_now, p).await, e0, "nor recorded");

    // Corrected, the rows are saved together, led by the unit that drafted them.
    let mut rows = rows;
    rows[2] = row("修订档案室消防安全管理制度", "2024年6月底前");
    rows[3].cooperating_unit_ids = vec![t.unit("办公室").await.0];
    let ids = measures::create_many(&t.db, &logistics, change(&logistics), p, &rows)
        .await
        .unwrap();
    assert_eq!(ids.len(), 3, "the blank row is skipped");
    for id in &ids {
        let (m, access) = measures::get(&t.db, &logistics, *id, today())
            .await
            .unwrap();
        assert_eq!(m.lead_unit.id, logistics.unit);
        assert_eq!(access, Access::Edit);
    }
    assert_eq!(
        count(&t, events_now, p).await,
        e0 + 3,
        "one 拟定措施 a measure"
    );

    // A lead unit drafts only measures it leads itself; another unit does not see the problem.
    let mut for_finance = row("由财务部落实", "2024年6月底前");
    for_finance.lead_unit_id = t.unit("财务部").await.0;
    let refused = measures::create_many(&t.db, &logistics, change(&logistics), p, &[for_finance])
        .await
        .unwrap_err();
    assert_eq!(fields(refused)[0].0, "rows.0.lead_unit_id");
    let finance = t.actor("finance").await;
    assert!(matches!(
        measures::create_many(
            &t.db,
            &finance,
            change(&finance),
            p,
            &[row("x", "立行立改")]
        )
        .await,
        Err(StoreError::NotFound)
    ));
    // After submission the lead unit's draft is closed: the refusal is about the problem.
    step(&t, &logistics, p, act("claim")).await.unwrap();
    step(&t, &logistics, p, act("submit_plan")).await.unwrap();
    let late = fields(
        measures::create_many(
            &t.db,
            &logistics,
            change(&logistics),
            p,
            &[row("补充", "立行立改")],
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(late[0].0, "action", "{late:?}");
    let report = zhenggai_storage::audit::verify::verify(&t.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn the_lead_unit_changes_its_draft_until_it_submits_the_plan() {
    let t = demo().await;
    let logistics = t.actor("logistics").await;
    let p = t.problem("档案室消防设施老化").await;
    let id = measures::create(
        &t.db,
        &logistics,
        change(&logistics),
        p,
        &row("排查消防设施", "2024年5月底前"),
    )
    .await
    .unwrap();
    let edit = |content: &str, deadline: &str, m: &measures::Measure| MeasureInput {
        content: content.into(),
        deadline: deadline.into(),
        ..measures::input_of(m)
    };
    let (m, _) = measures::get(&t.db, &logistics, id, today()).await.unwrap();
    measures::update(
        &t.db,
        &logistics,
        change(&logistics),
        id,
        m.version,
        &MeasureInput {
            leader_id: Some(t.user("leader_wang").await.0),
            ..edit("全面排查档案室消防设施", "2024年6月中旬", &m)
        },
        today(),
    )
    .await
    .unwrap();
    let (m, _) = measures::get(&t.db, &logistics, id, today()).await.unwrap();
    assert_eq!(m.content, "全面排查档案室消防设施");
    assert_eq!(m.deadline.text, "2024年6月中旬");
    // Who leads is not the unit's to change.
    let moved = MeasureInput {
        lead_unit_id: t.unit("财务部").await.0,
        ..measures::input_of(&m)
    };
    let refused = measures::update(
        &t.db,
        &logistics,
        change(&logistics),
        id,
        m.version,
        &moved,
        today(),
    )
    .await
    .unwrap_err();
    assert_eq!(fields(refused)[0].0, "lead_unit_id");
    // Submitted, the content is the office's; the target stays the unit's.
    step(&t, &logistics, p, act("claim")).await.unwrap();
    step(&t, &logistics, p, act("submit_plan")).await.unwrap();
    let refused = measures::update(
        &t.db,
        &logistics,
        change(&logistics),
        id,
        m.version,
        &edit("改写", "2024年6月中旬", &m),
        today(),
    )
    .await
    .unwrap_err();
    assert_eq!(fields(refused)[0].0, "content");
    let target = MeasureInput {
        target: "消防设施全部检测合格".into(),
        ..measures::input_of(&m)
    };
    measures::update(
        &t.db,
        &logistics,
        change(&logistics),
        id,
        m.version,
        &target,
        today(),
    )
    .await
    .unwrap();
}

async fn lead_of(t: &TestDb, m: MeasureId) -> i64 {
    t.measure(m).await.lead_unit.id.0
}

#[tokio::test]
async fn a_decided_dispute_takes_the_measures_to_the_assigned_unit_named_in_the_record() {
    let t = demo().await;
    let zhao = t.actor("leader_zhao").await;
    let p = t.problem("违规将相关人员转为事业编制").await; // disputed by 人力资源部
    let m = t.first_measure_of(p).await;
    let party = t.unit("党群工作部").await.0;
    step(
        &t,
        &zhao,
        p,
        StepInput {
            unit_id: Some(party),
            reason: "编制问题由党群工作部牵头".into(),
            ..act("assign")
        },
    )
    .await
    .unwrap();
    assert_eq!(lead_of(&t, m).await, party);
    let party_user = t.actor("party").await;
    let (_, access) = measures::get(&t.db, &party_user, m, today()).await.unwrap();
    assert_eq!(access, Access::Edit, "the assigned unit leads the measure");
    let hr = t.actor("hr").await;
    assert!(matches!(
        measures::get(&t.db, &hr, m, today()).await,
        Err(StoreError::NotFound)
    ));
    let events = lifecycle::history::events(&t.db, p).await.unwrap();
    let note = events.last().unwrap().note.clone().unwrap();
    assert_eq!(note, "人力资源部 → 党群工作部: 编制问题由党群工作部牵头");
    // The trail itself is what is checked: its rows, as stored.
    let reassigned: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'measures' AND entity_id = $1 AND action = 'reassign'",
    )
    .bind(m.0)
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(reassigned, 1, "the change is in the audit trail");
    let report = zhenggai_storage::audit::verify::verify(&t.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn the_assigned_unit_no_longer_cooperates_with_itself_and_a_measure_may_stay() {
    let t = demo().await;
    let zhao = t.actor("leader_zhao").await;
    let office = t.actor("office").await;
    let p = t.problem("违规将相关人员转为事业编制").await;
    let first = t.first_measure_of(p).await;
    // The office adds a second measure to the draft, also led by 人力资源部.
    let hr_unit = t.unit("人力资源部").await.0;
    let second = measures::create(
        &t.db,
        &office,
        change(&office),
        p,
        &MeasureInput {
            lead_unit_id: hr_unit,
            ..row("完善编制管理制度", "2024年6月底前")
        },
    )
    .await
    .unwrap();
    // 纪检监察室 cooperates on the first; it is assigned and takes the first only.
    let discipline = t.unit("纪检监察室").await.0;
    step(
        &t,
        &zhao,
        p,
        StepInput {
            unit_id: Some(discipline),
            reason: "涉及违规进人核查".into(),
            carry_measure_ids: Some(vec![first.0]),
            ..act("assign")
        },
    )
    .await
    .unwrap();
    assert_eq!(lead_of(&t, first).await, discipline);
    assert_eq!(
        lead_of(&t, second).await,
        hr_unit,
        "the unticked measure stays"
    );
    let (m, _) = measures::get(&t.db, &office, first, today()).await.unwrap();
    assert!(
        m.cooperating.iter().all(|u| u.id.0 != discipline),
        "{:?}",
        m.cooperating
    );
}

#[tokio::test]
async fn the_office_changing_a_problems_lead_unit_chooses_measure_by_measure() {
    let t = demo().await;
    let office = t.actor("office").await;
    let p = t.problem("违规将相关人员转为事业编制").await;
    let hr_unit = t.unit("人力资源部").await.0;
    let first = t.first_measure_of(p).await;
    let second = measures::create(
        &t.db,
        &office,
        change(&office),
        p,
        &MeasureInput {
            lead_unit_id: hr_unit,
            ..row("完善编制管理制度", "2024年6月底前")
        },
    )
    .await
    .unwrap();
    let party = t.unit("党群工作部").await.0;
    let view = problems::get(&t.db, &office, p).await.unwrap();
    let mut input = problems::input_of(&view);
    input.lead_unit_id = Some(party);
    // A measure of another problem cannot be carried: nothing changes.
    let other = t.measure_beginning("制订人才发展规划").await;
    input.carry_measure_ids = Some(vec![other.0]);
    let refused = problems::update(&t.db, &office, change(&office), p, view.version, &input)
        .await
        .unwrap_err();
    assert_eq!(fields(refused)[0].0, "carry_measure_ids");
    assert_eq!(lead_of(&t, first).await, hr_unit);
    input.carry_measure_ids = Some(vec![second.0]);
    problems::update(&t.db, &office, change(&office), p, view.version, &input)
        .await
        .unwrap();
    assert_eq!(lead_of(&t, first).await, hr_unit);
    assert_eq!(lead_of(&t, second).await, party);
    assert_eq!(
        problems::get(&t.db, &office, p)
            .await
            .unwrap()
            .lead_unit
            .unwrap()
            .id
            .0,
        party
    );
    // Without a choice, every measure the former lead unit led goes along.
    let view = problems::get(&t.db, &office, p).await.unwrap();
    let mut input = problems::input_of(&view);
    input.lead_unit_id = Some(hr_unit);
    problems::update(&t.db, &office, change(&office), p, view.version, &input)
        .await
        .unwrap();
    assert_eq!(lead_of(&t, second).await, hr_unit);
    let report = zhenggai_storage::audit::verify::verify(&t.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}
