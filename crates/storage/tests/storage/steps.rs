//! Lifecycle steps refused with what blocks them, and nothing written.

use super::*;

/// A new deadline set after the fact (留号, 回炉) before the day of the step is refused
/// at its field and nothing is written; the day itself is taken (issue 20).
#[tokio::test]
async fn a_new_deadline_before_the_day_of_the_step_is_refused_and_nothing_written() {
    use zhenggai_storage::ledger::lifecycle::{self, input::StepInput};
    let (t, office, at) = demo_as_office().await;
    let change = Change {
        actor: Some(office.user),
        at,
        reason: None,
    };
    let reopen = |deadline: &str| StepInput {
        action: "reopen".into(),
        reason: "回头看发现仍有超标接待".into(),
        deadline: deadline.into(),
        ..Default::default()
    };
    let id = t.problem("接待费用超标、接待列支烟酒").await;
    let sent = || zhenggai_storage::files::Sent::none();
    let refused = lifecycle::step(
        &t.db,
        &t.files,
        &office,
        change,
        id,
        &reopen("2024-04-24"),
        sent(),
    )
    .await;
    let Err(StoreError::Invalid(fields)) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(fields[0].field, "deadline");
    assert!(
        matches!(&fields[0].why, zhenggai_domain::validate::Why::TooEarly(e)
            if e.day == chrono::NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()),
        "{:?}",
        fields[0]
    );
    // Rows of every problem's events: a refused step writes none anywhere.
    let events = |db: zhenggai_storage::Db| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM problem_events")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let before = events(t.db.clone()).await;
    assert!(
        lifecycle::step(
            &t.db,
            &t.files,
            &office,
            change,
            id,
            &reopen("2024-01-31"),
            sent()
        )
        .await
        .is_err()
    );
    assert_eq!(events(t.db.clone()).await, before, "nothing written");
    assert_eq!(
        lifecycle::step(
            &t.db,
            &t.files,
            &office,
            change,
            id,
            &reopen("2024-04-25"),
            sent()
        )
        .await
        .unwrap(),
        zhenggai_domain::lifecycle::ProblemState::InProgress
    );
}

/// 报上级备案 before every problem is approved names each problem that blocks it.
#[tokio::test]
async fn filing_the_plan_early_names_each_problem_not_yet_approved() {
    let (t, office, at) = demo_as_office().await;
    let main = inspections::list(&t.db, &office)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.group_name == "市委第一巡察组")
        .unwrap();
    let change = Change {
        actor: Some(office.user),
        at,
        reason: None,
    };
    let refused = inspections::file_plan(
        &t.db,
        &office,
        change,
        main.id,
        "报社党发〔2024〕8号",
        today(),
    )
    .await;
    let Err(StoreError::Blocked(b)) = refused else {
        panic!("{refused:?}")
    };
    let titles: Vec<&str> = b.records.iter().map(|r| r.label.as_str()).collect();
    for title in ["档案室消防设施老化", "违规将相关人员转为事业编制"] {
        assert!(titles.iter().any(|l| l.ends_with(title)), "{titles:?}");
    }
    assert!(
        b.records
            .iter()
            .all(|r| r.kind == "problem" && r.state.is_some())
    );
    assert_eq!(
        b.why,
        zhenggai_domain::reason::Blocking::ProblemsNotApproved { n: b.records.len() }
    );
}
