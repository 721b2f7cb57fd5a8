//! 整改统计 (D15) against the ledger: the demo's figures counted by hand, the same
//! figures as the lists count them, who may read them, and the figures of a past day
//! equal to those of the ledger replayed up to that day.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use zhenggai_domain::access::Actor;
use zhenggai_domain::status::StandingFilter;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{MeasureId, ProblemId, Role, UnitId};
use zhenggai_storage::StoreError;
use zhenggai_storage::accounts::users;
use zhenggai_storage::audit::Change;
use zhenggai_storage::files::{Sent, Upload, UploadLimits};
use zhenggai_storage::ledger::lifecycle::{self, input::StepInput, offered};
use zhenggai_storage::ledger::outcomes::{
    self, AccountabilityInput, InstitutionInput, RecoveryInput,
};
use zhenggai_storage::ledger::petitions::{self, Conclusion, PetitionInput, SendBack};
use zhenggai_storage::ledger::progress::{self, ProgressInput};
use zhenggai_storage::ledger::publication::{self, Publishable};
use zhenggai_storage::ledger::query::{self, Filter, Within};
use zhenggai_storage::ledger::{inspections, measures};
use zhenggai_storage::statistics::{self, Figures, Scope};
use zhenggai_testkit::{Finders, TestDb, beijing_morning};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()
}

async fn figures(t: &TestDb, who: &str, scope: Scope) -> Arc<Figures> {
    let actor = t.actor(who).await;
    statistics::figures(&t.db, &actor, scope, None, today())
        .await
        .unwrap()
}

/// The demo as its script makes it (crates/demo: `s1`, `problem`, `outcomes`).
#[tokio::test]
async fn the_demo_counts_as_its_script_says() {
    let t = TestDb::two_organisations(today()).await.unwrap();
    let f = figures(&t, "office", Scope::Everything).await;
    // The inspection of S1: eight aspects, 23 problems; the self-inspection beside it:
    // one problem (档案室消防设施老化) under its own aspects; last year's democratic life
    // meeting: four problems carried into its ledger, registered.
    let xuncha = &f.by_source[0];
    assert_eq!(xuncha.figures.rectification.problems, 23);
    assert_eq!(f.inspections, 3);
    assert_eq!(f.rectification.problems, 28);
    // 接待费用超标 closed and confirmed by a look-back: the one problem done.
    assert_eq!(f.rectification.problems_done, 1);
    // “三会一课” closed its phase: its long-term measure goes on.
    assert_eq!(f.rectification.problems_long_term, 1);
    // Closures accepted: the consolidated problem and the reopened one (回炉 after
    // 销号); returned: 多头开设银行账户. One look-back confirmed, one reopened.
    assert_eq!(f.reviews.closures_accepted, 2);
    assert_eq!(f.reviews.closures_returned, 1);
    assert_eq!(f.reviews.lookbacks_confirmed, 1);
    assert_eq!(f.reviews.problems_reopened, 1);
    // 纪检 held two people (a second and a first form) and one unit (first form)
    // accountable; the office made two rules, revised one, abolished one, and
    // recovered 1.86万元 and 42,350元.
    let r = &f.results;
    assert_eq!(
        (r.people_held_accountable, r.units_held_accountable),
        (2, 1)
    );
    assert_eq!(
        (
            r.accountability_by_form.first,
            r.accountability_by_form.second
        ),
        (1, 1),
        "the four forms count people: the unit held accountable is not among them"
    );
    assert_eq!(r.institutions, 3, "made and revised");
    assert_eq!(r.institutions_abolished, 1);
    assert_eq!(r.money_recovered_fen, 6_095_000);
    assert_eq!(r.money_recovered_yuan, 60_950.0);
    // The four figures add up, for problems and for measures.
    let x = &f.rectification;
    assert_eq!(
        x.problems_done + x.problems_on_schedule + x.problems_long_term + x.problems_overdue,
        x.problems
    );
    assert_eq!(
        x.measures_done + x.measures_on_schedule + x.measures_long_term + x.measures_overdue,
        x.measures
    );
    // The other organisation's ledger is the same script: the upper level over both
    // counts twice as much, by organisation.
    let upper = figures(&t, "xunchaban", Scope::Everything).await;
    assert_eq!(upper.by_organisation.len(), 2);
    assert_eq!(upper.rectification.problems, 56);
    assert_eq!(upper.results.money_recovered_fen, 2 * 6_095_000);
    for org in &upper.by_organisation {
        assert_eq!(org.figures.rectification, f.rectification, "{}", org.name);
    }
}

/// The figures and the lists never disagree: the measures the office's list counts for
/// each standing, and the counts the inspection list shows.
#[tokio::test]
async fn the_figures_are_what_the_lists_count() {
    let t = TestDb::two_organisations(today()).await.unwrap();
    for who in ["office", "jijian", "xunchaban"] {
        let actor = t.actor(who).await;
        let f = figures(&t, who, Scope::Everything).await;
        let count = |status: Option<StandingFilter>| {
            let actor = actor.clone();
            let db = t.db.clone();
            async move {
                let filter = Filter {
                    status,
                    page: 1,
                    per_page: 1,
                    ..Filter::default()
                };
                query::measure_list(&db, &actor, Within::All, &filter, today())
                    .await
                    .unwrap()
                    .total as u64
            }
        };
        let r = &f.rectification;
        assert_eq!(count(None).await, r.measures, "{who}: measures");
        assert_eq!(
            count(Some(StandingFilter::Done)).await,
            r.measures_done,
            "{who}: done"
        );
        assert_eq!(
            count(Some(StandingFilter::Overdue)).await,
            r.measures_overdue,
            "{who}: overdue"
        );
        assert_eq!(
            count(Some(StandingFilter::DueSoon)).await,
            r.measures_due_soon,
            "{who}: due soon"
        );
        assert_eq!(
            count(Some(StandingFilter::LongTerm)).await,
            r.measures_long_term,
            "{who}: long-term"
        );
        assert_eq!(
            count(Some(StandingFilter::Open)).await,
            r.measures_on_schedule + r.measures_long_term + r.measures_overdue,
            "{who}: open"
        );
        // Each lead unit's figures are its list of the measures it leads (the battle
        // map's bars link there).
        for u in &f.by_unit {
            for (status, expected) in [
                (None, u.rectification.measures),
                (Some(StandingFilter::Done), u.rectification.measures_done),
                (
                    Some(StandingFilter::Overdue),
                    u.rectification.measures_overdue,
                ),
                (
                    Some(StandingFilter::LongTerm),
                    u.rectification.measures_long_term,
                ),
            ] {
                let filter = Filter {
                    unit: Some(zhenggai_domain::UnitId(u.id)),
                    lead_only: true,
                    status,
                    page: 1,
                    per_page: 1,
                    ..Filter::default()
                };
                let listed = query::measure_list(&t.db, &actor, Within::All, &filter, today())
                    .await
                    .unwrap()
                    .total as u64;
                assert_eq!(listed, expected, "{who}: {} {status:?}", u.name);
            }
        }
    }
    let office = t.actor("office").await;
    for i in inspections::list(&t.db, &office).await.unwrap() {
        let f = figures(&t, "office", Scope::Inspection(i.id)).await;
        let c = inspections::counts_of(&t.db, [i.id]).await.unwrap()[&i.id];
        assert_eq!(
            (
                f.aspects as i64,
                f.items as i64,
                f.rectification.problems as i64,
                f.rectification.measures as i64,
                f.rectification.measures_done as i64
            ),
            (c.aspects, c.items, c.problems, c.measures, c.measures_done),
            "{}",
            i.title
        );
        // The battle map's lists of overdue and due-soon measures are counted by its
        // figures: the lists of the inspection hold exactly as many.
        for (status, expected) in [
            (StandingFilter::Overdue, f.rectification.measures_overdue),
            (StandingFilter::DueSoon, f.rectification.measures_due_soon),
        ] {
            let filter = Filter {
                status: Some(status),
                page: 1,
                per_page: 1,
                ..Filter::default()
            };
            let listed =
                query::measure_list(&t.db, &office, Within::Inspection(i.id), &filter, today())
                    .await
                    .unwrap()
                    .total as u64;
            assert_eq!(listed, expected, "{} {status:?}", i.title);
        }
        let outcomes = outcomes::list(&t.db, &office, i.id).await.unwrap().counts;
        assert_eq!(f.results.people_held_accountable as i64, outcomes.people);
        assert_eq!(f.results.money_recovered_fen, outcomes.recovered_fen);
    }
}

/// The figures are computed once for each state of the ledger: asked again unchanged,
/// they come from the cache; after any change they are computed anew and equal what a
/// database without the cache computes; a refusal is never answered from it.
#[tokio::test]
async fn the_figures_are_computed_once_for_each_state_of_the_ledger() {
    let t = TestDb::two_organisations(today()).await.unwrap();
    let office = t.actor("office").await;
    let inspection = inspections::list(&t.db, &office).await.unwrap()[0].id;
    let uncached = t.db.without_chain();
    let first = figures(&t, "office", Scope::Everything).await;
    assert_eq!(t.db.memo().len(), 1);
    assert_eq!(figures(&t, "office", Scope::Everything).await, first);
    assert_eq!(t.db.memo().len(), 1, "asked again, computed again");
    let map = statistics::battle_map(&t.db, &office, Scope::Inspection(inspection), None, today())
        .await
        .unwrap();
    assert_eq!(t.db.memo().len(), 2);
    // A change: the figures and the map are computed anew, equal to uncached ones.
    let at = beijing_morning(today());
    outcomes::record_recovery(
        &t.db,
        &office,
        Change {
            actor: Some(office.user),
            at,
            reason: None,
        },
        inspection,
        &RecoveryInput {
            amount: "100".into(),
            what: "违规发放的津补贴".into(),
            recovered_on: today().to_string(),
            measure_ids: Vec::new(),
        },
    )
    .await
    .unwrap();
    let after = figures(&t, "office", Scope::Everything).await;
    assert_eq!(
        after.results.money_recovered_fen,
        first.results.money_recovered_fen + 10_000
    );
    let fresh = statistics::figures(&uncached, &office, Scope::Everything, None, today())
        .await
        .unwrap();
    assert_eq!(after, fresh);
    let map_after =
        statistics::battle_map(&t.db, &office, Scope::Inspection(inspection), None, today())
            .await
            .unwrap();
    assert_ne!(map_after, map);
    assert_eq!(
        map_after,
        statistics::battle_map(
            &uncached,
            &office,
            Scope::Inspection(inspection),
            None,
            today()
        )
        .await
        .unwrap()
    );
    // The older states' results are dropped, not kept beside the new.
    assert_eq!(t.db.memo().len(), 2);
    // Whoever may not read the figures is refused, cached or not.
    let finance = t.actor("finance").await;
    assert!(matches!(
        statistics::figures(&t.db, &finance, Scope::Everything, None, today()).await,
        Err(StoreError::Refused(_))
    ));
    let other = t.actor("wb_office").await;
    assert!(matches!(
        statistics::figures(&t.db, &other, Scope::Inspection(inspection), None, today()).await,
        Err(StoreError::NotFound)
    ));
}

/// The server computes today's figures of every inspection before anyone asks
/// (`statistics::warm`): every inspection of every organisation, and what is read
/// after is the ledger's; where nothing is kept, nothing is computed.
#[tokio::test]
async fn warming_computes_every_inspection_ahead_of_its_readers() {
    let t = TestDb::two_organisations(today()).await.unwrap();
    let all: Vec<i64> = t.column("SELECT id FROM inspections").await.unwrap();
    assert!(all.len() >= 2);
    let uncached = t.db.without_chain();
    assert_eq!(statistics::warm(&uncached, today()).await.unwrap(), 0);
    assert_eq!(statistics::warm(&t.db, today()).await.unwrap(), all.len());
    for who in ["office", "wb_office"] {
        let actor = t.actor(who).await;
        let kept = statistics::figures(&t.db, &actor, Scope::Everything, None, today())
            .await
            .unwrap();
        let fresh = statistics::figures(&uncached, &actor, Scope::Everything, None, today())
            .await
            .unwrap();
        assert_eq!(kept, fresh, "{who}");
    }
}

/// An import writes its rows in bulk with one entry for the whole file: the figures
/// kept for its inspection are dropped by that entry, the other inspections' kept.
#[tokio::test(flavor = "multi_thread")]
async fn an_import_reaches_the_figures_kept_for_its_inspection() {
    use zhenggai_storage::ledger::import::{self, Decisions, Source};
    let t = TestDb::new().await.unwrap();
    zhenggai_demo::load(&t.db, &t.files, today(), beijing_morning(today()))
        .await
        .unwrap();
    let office = t.actor("office").await;
    kept_equals_afresh(&t, &office, today(), &Op::Recovery(0), false).await;
    let inspection = t.inspection_by("市委第一巡察组").await;
    let ledger = "序号,问题描述,整改措施,责任领导,牵头单位,完成时限,完成情况\n\
                  1,新发现的问题一,措施一,王建国,财务部,2024年3月1日,\n\
                  ,,措施二,王建国,办公室,长期坚持,\n\
                  2,新发现的问题二,措施三,王建国,财务部,立行立改,已完成\n";
    let reading =
        zhenggai_testkit::csv_reading(ledger, NaiveDate::from_ymd_opt(2024, 3, 15).unwrap())
            .unwrap();
    assert!(reading.ok(), "{:#?}", reading.errors);
    let before = figures(&t, "office", Scope::Inspection(inspection)).await;
    import::commit(
        &t.db,
        &office,
        Change {
            actor: Some(office.user),
            at: beijing_morning(today()),
            reason: None,
        },
        inspection,
        &Source {
            filename: "台账.csv".into(),
            sha256: "ab".repeat(32),
        },
        &reading,
        &Decisions::default(),
    )
    .await
    .unwrap();
    kept_equals_afresh(&t, &office, today(), &Op::Recovery(0), true).await;
    let after = figures(&t, "office", Scope::Inspection(inspection)).await;
    assert_eq!(
        after.rectification.problems,
        before.rectification.problems + 2
    );
    assert_eq!(
        after.rectification.measures,
        before.rectification.measures + 3
    );
    assert_eq!(
        after.rectification.measures_overdue,
        before.rectification.measures_overdue + 1
    );
}

/// The whole ledger's figures are for those who read the whole ledger; a unit or a
/// leader in charge of departments is told who reads them, another organisation's
/// office learns nothing, and a day ahead is refused at its field.
#[tokio::test]
async fn only_whole_ledger_readers_get_the_figures() {
    let t = TestDb::two_organisations(today()).await.unwrap();
    let inspection = inspections::list(&t.db, &t.actor("office").await)
        .await
        .unwrap()[0]
        .id;
    let org = t.actor("office").await.org;
    for who in ["finance", "leader_wang"] {
        let actor = t.actor(who).await;
        for scope in [
            Scope::Inspection(inspection),
            Scope::Organisation(org),
            Scope::Everything,
        ] {
            let refused = statistics::figures(&t.db, &actor, scope, None, today()).await;
            assert!(
                matches!(
                    refused,
                    Err(StoreError::Refused(
                        zhenggai_domain::reason::Refused::FiguresByLedgerReaders
                    ))
                ),
                "{who} {scope:?}: {refused:?}"
            );
        }
    }
    let other = t.actor("wb_office").await;
    for scope in [Scope::Inspection(inspection), Scope::Organisation(org)] {
        let refused = statistics::figures(&t.db, &other, scope, None, today()).await;
        assert!(
            matches!(refused, Err(StoreError::NotFound)),
            "{scope:?}: {refused:?}"
        );
    }
    let ahead = statistics::figures(
        &t.db,
        &t.actor("office").await,
        Scope::Everything,
        Some(today() + Duration::days(1)),
        today(),
    )
    .await;
    match ahead {
        Err(StoreError::Invalid(fields)) => {
            assert_eq!(fields[0].field, "as_of");
            assert!(matches!(fields[0].why, Why::AsOfAhead { .. }));
        }
        other => panic!("a day ahead: {other:?}"),
    }
}

/// What happens in the replayed ledger, after the demo's day.
#[derive(Debug, Clone)]
enum Op {
    /// A lifecycle step on the k-th problem: the first person of the office, 纪检, the
    /// leaders and the units with a step offered takes the (n-th) one offered.
    Step(usize, usize),
    /// The k-th open measure marked done by its lead unit, with evidence.
    Done(usize),
    /// The office withdraws the k-th measure.
    Withdraw(usize),
    /// 纪检 holds a person (or a unit) accountable, by form.
    Accountability(bool, usize),
    /// The office records a rule made, revised or abolished.
    Institution(usize),
    /// The office records money recovered, in yuan.
    Recovery(u32),
    /// The office sets its warning rules' green window (days).
    Rules(u32),
    /// The office marks the k-th problem, or the k-th accountability record, 不予公开
    /// (or clears the mark).
    Publication(bool, usize),
    /// The office registers a petition (信访件) due the given days after it arrives.
    Petition(i64),
    /// The k-th petition in handling is concluded (办结) by the office.
    Conclude(usize),
    /// The k-th concluded petition is returned to be handled again (退回重办).
    SendBack(usize),
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..40, 0usize..4).prop_map(|(k, n)| Op::Step(k, n)),
        3 => (0usize..60).prop_map(Op::Done),
        1 => (0usize..60).prop_map(Op::Withdraw),
        1 => (any::<bool>(), 0usize..4).prop_map(|(p, f)| Op::Accountability(p, f)),
        1 => (0usize..3).prop_map(Op::Institution),
        1 => (1u32..100_000).prop_map(Op::Recovery),
        1 => (4u32..60).prop_map(Op::Rules),
        1 => (any::<bool>(), 0usize..30).prop_map(|(p, k)| Op::Publication(p, k)),
        1 => (0i64..20).prop_map(Op::Petition),
        1 => (0usize..6).prop_map(Op::Conclude),
        1 => (0usize..6).prop_map(Op::SendBack),
    ]
}

/// Ops on days after the demo's (1 to 40), in order.
fn arb_history() -> impl Strategy<Value = Vec<(i64, Op)>> {
    proptest::collection::vec((1i64..40, arb_op()), 5..30).prop_map(|mut ops| {
        ops.sort_by_key(|(day, _)| *day);
        ops
    })
}

/// The demo, then `history` up to and including day `until` after it. Returns the ops
/// that took effect. With `check`, every figure is read before and after each op, and
/// after it must equal the figures computed afresh (`statistics::parts` keeps each
/// inspection's until a change reaches it).
async fn replay(t: &TestDb, history: &[(i64, Op)], until: i64, check: bool) -> Vec<Op> {
    zhenggai_demo::load(&t.db, &t.files, today(), beijing_morning(today()))
        .await
        .unwrap();
    let people: Vec<Actor> = {
        let mut v = Vec::new();
        for u in users::list(&t.db).await.unwrap() {
            if matches!(
                u.role,
                Role::Office | Role::Supervisor | Role::Leader | Role::Unit
            ) {
                v.push(users::actor(&t.db, u.id).await.unwrap());
            }
        }
        // The office and 纪检 first, then leaders, then units: the step is taken by the
        // first who is offered one.
        v.sort_by_key(|a| {
            (
                a.role != Role::Office,
                a.role != Role::Supervisor,
                a.role != Role::Leader,
                a.user,
            )
        });
        v
    };
    let office = people[0].clone();
    let jijian = people
        .iter()
        .find(|a| a.role == Role::Supervisor)
        .unwrap()
        .clone();
    let handler_of: BTreeMap<UnitId, Actor> = people
        .iter()
        .filter(|a| a.role == Role::Unit)
        .map(|a| (a.unit, a.clone()))
        .collect();
    let inspection = inspections::list(&t.db, &office).await.unwrap()[0].id;
    let evidence = [Upload {
        filename: "佐证材料.txt".into(),
        bytes: "整改佐证材料".as_bytes().to_vec(),
    }];
    let mut applied = Vec::new();
    for (seq, (offset, op)) in history.iter().enumerate() {
        if *offset > until {
            break;
        }
        let day = today() + Duration::days(*offset);
        let at = beijing_morning(day) + Duration::minutes(seq as i64);
        let change = |actor: &Actor| Change {
            actor: Some(actor.user),
            at,
            reason: None,
        };
        if check {
            kept_equals_afresh(t, &office, day, op, false).await;
        }
        let ok = match op {
            Op::Step(k, n) => {
                let problems: Vec<i64> = t
                    .column("SELECT id FROM problems WHERE withdrawn_at IS NULL ORDER BY id")
                    .await
                    .unwrap();
                let id = ProblemId(problems[k % problems.len()]);
                let mut taken = false;
                for actor in &people {
                    let Ok((_, mut actions)) = offered::actions_for(&t.db, actor, id, day).await
                    else {
                        continue;
                    };
                    // Adding a measure is the measure form's, not a step's.
                    actions.retain(|a| !a.starts_with("add_"));
                    let Some(action) = actions.get(n % actions.len().max(1)) else {
                        continue;
                    };
                    let measure: Option<i64> = t
                        .column(&format!(
                            "SELECT id FROM measures WHERE problem_id = {} AND withdrawn_at IS NULL ORDER BY id",
                            id.0
                        ))
                        .await
                        .unwrap()
                        .first()
                        .copied();
                    let input = StepInput {
                        action: (*action).to_string(),
                        reason: "回放测试".into(),
                        unit_id: Some(handler_of.keys().next().unwrap().0),
                        meeting: "党委会".into(),
                        meeting_date: day.to_string(),
                        report: "专项报告".into(),
                        measure_id: measure,
                        deadline: (day + Duration::days(30)).to_string(),
                        party: "inspection_office".into(),
                        signer: "张三".into(),
                        surveyed: Some(10),
                        satisfied: Some(9),
                        ..StepInput::default()
                    };
                    let with_files = matches!(*action, "request_closure" | "close_phase");
                    let sent = Sent {
                        files: if with_files { &evidence } else { &[] },
                        limits: UploadLimits::default(),
                    };
                    taken =
                        lifecycle::step(&t.db, &t.files, actor, change(actor), id, &input, sent)
                            .await
                            .is_ok();
                    break;
                }
                taken
            }
            Op::Done(k) => {
                let open: Vec<i64> = t
                    .column("SELECT id FROM measures WHERE withdrawn_at IS NULL AND state <> 'done' ORDER BY id")
                    .await
                    .unwrap();
                if open.is_empty() {
                    false
                } else {
                    let id = MeasureId(open[k % open.len()]);
                    let lead: Vec<i64> = t
                        .column(&format!(
                            "SELECT lead_unit_id FROM measures WHERE id = {}",
                            id.0
                        ))
                        .await
                        .unwrap();
                    match handler_of.get(&UnitId(lead[0])) {
                        Some(actor) => progress::add(
                            &t.db,
                            &t.files,
                            actor,
                            change(actor),
                            id,
                            &ProgressInput {
                                happened_on: day.to_string(),
                                content: "完成整改".into(),
                                mark_done: true,
                            },
                            &evidence,
                            UploadLimits::default(),
                            day,
                        )
                        .await
                        .is_ok(),
                        None => false,
                    }
                }
            }
            Op::Withdraw(k) => {
                let all: Vec<i64> = t
                    .column("SELECT id FROM measures WHERE withdrawn_at IS NULL ORDER BY id")
                    .await
                    .unwrap();
                let id = all[k % all.len()];
                let version: Vec<i64> = t
                    .column(&format!("SELECT version FROM measures WHERE id = {id}"))
                    .await
                    .unwrap();
                let change = Change {
                    reason: Some("回放测试：撤回措施"),
                    ..change(&office)
                };
                measures::withdraw(&t.db, &office, change, MeasureId(id), version[0], day)
                    .await
                    .is_ok()
            }
            Op::Publication(problem, k) => {
                let (what, table) = if *problem {
                    (Publishable::Problem, "problems")
                } else {
                    (Publishable::Accountability, "accountability")
                };
                let rows: Vec<i64> = t
                    .column(&format!(
                        "SELECT id FROM {table} WHERE withdrawn_at IS NULL ORDER BY id"
                    ))
                    .await
                    .unwrap();
                let id = rows[k % rows.len()];
                let state: Vec<i64> = t
                    .column(&format!("SELECT not_public FROM {table} WHERE id = {id}"))
                    .await
                    .unwrap();
                let version: Vec<i64> = t
                    .column(&format!("SELECT version FROM {table} WHERE id = {id}"))
                    .await
                    .unwrap();
                publication::set(
                    &t.db,
                    &office,
                    change(&office),
                    what,
                    id,
                    version[0],
                    state[0] == 1,
                )
                .await
                .is_ok()
            }
            Op::Accountability(person, form) => outcomes::record_accountability(
                &t.db,
                &jijian,
                change(&jijian),
                inspection,
                &AccountabilityInput {
                    subject_kind: if *person { "person" } else { "unit" }.into(),
                    subject: "某某".into(),
                    reason: "整改不力".into(),
                    form: ["first", "second", "third", "fourth"][*form].into(),
                    decided_on: day.to_string(),
                    problem_ids: Vec::new(),
                },
            )
            .await
            .is_ok(),
            Op::Institution(kind) => outcomes::record_institution(
                &t.db,
                &office,
                change(&office),
                inspection,
                &InstitutionInput {
                    title: "《某某管理办法》".into(),
                    doc_number: String::new(),
                    change_kind: ["made", "revised", "abolished"][*kind].into(),
                    issued_on: day.to_string(),
                    problem_ids: Vec::new(),
                },
            )
            .await
            .is_ok(),
            Op::Recovery(yuan) => outcomes::record_recovery(
                &t.db,
                &office,
                change(&office),
                inspection,
                &RecoveryInput {
                    amount: yuan.to_string(),
                    what: "违规发放的津补贴".into(),
                    recovered_on: day.to_string(),
                    measure_ids: Vec::new(),
                },
            )
            .await
            .is_ok(),
            Op::Petition(days) => petitions::register(
                &t.db,
                &office,
                change(&office),
                inspection,
                &PetitionInput {
                    number: String::new(),
                    received_on: day.to_string(),
                    summary: "反映某某问题".into(),
                    handling_unit_id: Some(handler_of.keys().next().unwrap().0),
                    deadline: (day + Duration::days(*days)).to_string(),
                    problem_ids: Vec::new(),
                },
            )
            .await
            .is_ok(),
            Op::Conclude(k) | Op::SendBack(k) => {
                let concluding = matches!(op, Op::Conclude(_));
                let rows: Vec<i64> = t
                    .column(&format!(
                        "SELECT id FROM petitions WHERE state = '{}' ORDER BY id",
                        if concluding { "handling" } else { "concluded" }
                    ))
                    .await
                    .unwrap();
                if rows.is_empty() {
                    false
                } else {
                    let id = rows[k % rows.len()];
                    let version: Vec<i64> = t
                        .column(&format!("SELECT version FROM petitions WHERE id = {id}"))
                        .await
                        .unwrap();
                    if concluding {
                        let input = Conclusion {
                            version: version[0],
                            result: "经核查，已处理".into(),
                            concluded_on: day.to_string(),
                        };
                        petitions::conclude(&t.db, &office, change(&office), id, &input)
                            .await
                            .is_ok()
                    } else {
                        let input = SendBack {
                            version: version[0],
                            reason: "请补充核查情况".into(),
                        };
                        petitions::send_back(&t.db, &office, change(&office), id, &input)
                            .await
                            .is_ok()
                    }
                }
            }
            Op::Rules(green) => {
                let yellow = (green / 2).max(1).to_string();
                t.office_sets_rules(&office, at, (&green.to_string(), &yellow), "")
                    .await
                    .is_ok()
            }
        };
        if ok {
            applied.push(op.clone());
        }
        if check {
            kept_equals_afresh(t, &office, day, op, true).await;
        }
    }
    applied
}

/// Every scope's figures and the maps on `day` and as of the day before, as kept, and
/// (`compare`) equal to those computed afresh. Called before and after each op, so a
/// past day's maps kept through a change (`statistics::parts`) are checked too.
async fn kept_equals_afresh(t: &TestDb, office: &Actor, day: NaiveDate, op: &Op, compare: bool) {
    let mut scopes = vec![Scope::Everything, Scope::Organisation(office.org)];
    let afresh = t.db.without_chain();
    for i in inspections::list(&t.db, office).await.unwrap() {
        scopes.push(Scope::Inspection(i.id));
        // The burn-down's histories are kept the same way.
        let kept = statistics::histories(&t.db, office, i.id).await.unwrap();
        if compare {
            let fresh = statistics::histories(&afresh, office, i.id).await.unwrap();
            assert_eq!(kept, fresh, "after {op:?}, the histories of {:?}", i.id);
        }
    }
    for scope in scopes {
        for as_of in [None, Some(day - Duration::days(1))] {
            let kept = statistics::battle_map(&t.db, office, scope, as_of, day)
                .await
                .unwrap();
            if compare {
                let fresh = statistics::battle_map(&afresh, office, scope, as_of, day)
                    .await
                    .unwrap();
                assert_eq!(kept, fresh, "after {op:?}, {scope:?} as of {as_of:?}");
            }
        }
    }
}

/// The figures as of a day equal the figures, that day, of the ledger replayed up to it.
async fn as_of_equals_replayed(history: Vec<(i64, Op)>) -> Result<(), TestCaseError> {
    let last = history.last().map_or(1, |(d, _)| *d);
    let whole = TestDb::new().await.unwrap();
    replay(&whole, &history, last, false).await;
    let office = whole.actor("office").await;
    let final_day = today() + Duration::days(last);
    // Before any op (the demo's own day), in the middle, and the day before the last.
    let mut cuts = vec![0, last / 2, last - 1];
    cuts.dedup();
    for cut in cuts {
        let day = today() + Duration::days(cut);
        let part = TestDb::new().await.unwrap();
        replay(&part, &history, cut, false).await;
        let inspections_then = inspections::list(&part.db, &part.actor("office").await)
            .await
            .unwrap();
        let mut scopes = vec![Scope::Everything];
        scopes.extend(inspections_then.iter().map(|i| Scope::Inspection(i.id)));
        for scope in scopes {
            let rewound = statistics::figures(&whole.db, &office, scope, Some(day), final_day)
                .await
                .unwrap();
            let live = statistics::figures(&part.db, &part.actor("office").await, scope, None, day)
                .await
                .unwrap();
            prop_assert_eq!(rewound, live, "as of {} ({:?})", day, scope);
        }
        // The words the documents read, too: each problem, its measures, progress,
        // closure report, evidence and mark as they stood.
        for i in &inspections_then {
            let rewound = statistics::report_ledger(&whole.db, &office, i.id, Some(day), final_day)
                .await
                .unwrap();
            let live =
                statistics::report_ledger(&part.db, &part.actor("office").await, i.id, None, day)
                    .await
                    .unwrap();
            prop_assert_eq!(rewound.aspects, live.aspects, "as of {}", day);
        }
    }
    Ok(())
}

/// A history that takes every kind of op, checked first.
fn every_kind() -> Vec<(i64, Op)> {
    vec![
        (1, Op::Step(0, 0)),
        (2, Op::Done(3)),
        (3, Op::Rules(40)),
        (4, Op::Accountability(true, 1)),
        (5, Op::Withdraw(2)),
        (6, Op::Institution(0)),
        (7, Op::Recovery(1200)),
        (8, Op::Step(5, 1)),
        (9, Op::Done(0)),
        (10, Op::Step(12, 0)),
        (20, Op::Done(7)),
        (25, Op::Step(3, 2)),
        (31, Op::Rules(10)),
        (32, Op::Publication(true, 3)),
        (33, Op::Publication(false, 0)),
        (34, Op::Step(3, 0)),
        (35, Op::Publication(true, 3)),
        (36, Op::Petition(2)),
        (37, Op::Conclude(0)),
        (38, Op::SendBack(0)),
        (39, Op::Conclude(1)),
    ]
}

/// Every kind of op takes effect, and after each the figures and maps kept for each
/// inspection are those of the ledger.
#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_change_takes_effect_in_the_replay() {
    let t = TestDb::new().await.unwrap();
    let history = every_kind();
    let applied = replay(&t, &history, 40, true).await;
    assert!(
        applied.len() >= history.len() - 2,
        "only {applied:?} of {history:?} took effect: the replay would prove little"
    );
}

#[test]
fn figures_as_of_a_day_are_the_ledger_replayed_up_to_it() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(as_of_equals_replayed(every_kind())).unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 4,
        max_shrink_iters: 16,
        ..Config::default()
    });
    runner
        .run(&arb_history(), |history| {
            rt.block_on(as_of_equals_replayed(history))
        })
        .unwrap();
}

/// An inspection that did not exist yet has nothing to count; the figures of its
/// organisation as of that day leave it out.
#[tokio::test]
async fn before_the_ledger_there_is_nothing_to_count() {
    let t = TestDb::new().await.unwrap();
    zhenggai_demo::load(&t.db, &t.files, today(), beijing_morning(today()))
        .await
        .unwrap();
    let office = t.actor("office").await;
    let before = statistics::figures(
        &t.db,
        &office,
        Scope::Everything,
        Some(today() - Duration::days(1)),
        today(),
    )
    .await
    .unwrap();
    assert_eq!(before.inspections, 0);
    assert_eq!(before.rectification.problems, 0);
    assert_eq!(before.results.money_recovered_fen, 0);
}
