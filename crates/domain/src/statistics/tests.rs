#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::petition::PetitionState;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const WINDOWS: Windows = Windows {
    due_soon_days: 7,
    long_term_days: 90,
};

const XUNCHA: InspectionId = InspectionId(1);
const AUDIT: InspectionId = InspectionId(2);
const FINANCE: UnitId = UnitId(10);
const HR: UnitId = UnitId(11);
const ZHAO: UserId = UserId(20);

fn measure(problem: i64, inspection: InspectionId, deadline: Option<NaiveDate>) -> MeasureFact {
    MeasureFact {
        problem: ProblemId(problem),
        inspection,
        lead_unit: FINANCE,
        leader: None,
        deadline_kind: if deadline.is_some() {
            DeadlineKind::Dated
        } else {
            DeadlineKind::Immediate
        },
        deadline,
        state: MeasureState::InProgress,
        done_on: None,
        activity: Activity {
            registered_on: d(2024, 3, 1),
            last_progress: None,
        },
    }
}

fn problem(id: i64, inspection: InspectionId, aspect: i64, state: ProblemState) -> ProblemFact {
    ProblemFact {
        id: ProblemId(id),
        inspection,
        aspect: AspectId(aspect),
        lead_unit: Some(FINANCE),
        leader: None,
        state,
        public: true,
        registered_on: d(2024, 3, 1),
    }
}

#[test]
fn the_counted_steps_are_lifecycle_actions() {
    for step in Step::ALL {
        assert!(
            crate::lifecycle::ACTION_CODES.contains(&step.action()),
            "{step:?}"
        );
        assert_eq!(Step::of_action(step.action()), Some(step));
    }
    assert_eq!(Step::of_action("claim"), None);
}

#[test]
fn percentages_round_half_up_to_one_decimal() {
    assert_eq!(percent(0, 0), None);
    assert_eq!(percent(0, 5), Some(0.0));
    assert_eq!(percent(5, 5), Some(100.0));
    assert_eq!(percent(2, 3), Some(66.7));
    assert_eq!(percent(1, 3), Some(33.3));
    assert_eq!(percent(1, 16), Some(6.3));
    assert_eq!(percent(1, 8), Some(12.5));
    assert_eq!(percent(19, 23), Some(82.6));
}

#[test]
fn a_problem_stands_by_its_state_then_its_measures() {
    let overdue = Standing::Overdue { days: 3 };
    let not_due = Standing::NotDue;
    for state in ProblemState::ALL {
        for measures in [vec![], vec![not_due], vec![not_due, overdue]] {
            let any_overdue = measures.contains(&overdue);
            let expected = if state.is_closed() {
                ProblemStanding::Done
            } else if state == ProblemState::LongTermReview {
                ProblemStanding::LongTerm
            } else if any_overdue {
                ProblemStanding::Overdue
            } else {
                ProblemStanding::OnSchedule
            };
            assert_eq!(
                ProblemStanding::of(state, measures.iter().copied()),
                expected,
                "{state:?} with {measures:?}"
            );
        }
    }
}

#[test]
fn every_measure_standing_falls_in_one_figure() {
    let cases = [
        (Standing::DoneOnTime, MeasureStanding::Done),
        (Standing::DoneLate, MeasureStanding::Done),
        (Standing::LongTerm, MeasureStanding::LongTerm),
        (
            Standing::LongTermStale {
                days_without_progress: Some(100),
            },
            MeasureStanding::LongTerm,
        ),
        (
            Standing::Immediate,
            MeasureStanding::OnSchedule { due_soon: false },
        ),
        (
            Standing::NotDue,
            MeasureStanding::OnSchedule { due_soon: false },
        ),
        (
            Standing::DueSoon { days_left: 0 },
            MeasureStanding::OnSchedule { due_soon: true },
        ),
        (Standing::Overdue { days: 1 }, MeasureStanding::Overdue),
    ];
    for (standing, figure) in cases {
        assert_eq!(MeasureStanding::of(standing), figure, "{standing:?}");
    }
}

/// A small ledger counted by hand: two inspections, three aspects, six problems.
fn ledger() -> Facts {
    let day = d(2024, 6, 10);
    let mut done = measure(1, XUNCHA, Some(d(2024, 5, 31)));
    done.state = MeasureState::Done;
    done.done_on = Some(d(2024, 5, 20));
    let mut long_term = measure(2, XUNCHA, None);
    long_term.deadline_kind = DeadlineKind::LongTerm;
    long_term.lead_unit = HR;
    long_term.leader = Some(ZHAO);
    let overdue = measure(3, XUNCHA, Some(d(2024, 5, 31)));
    let mut due_soon = measure(3, XUNCHA, Some(day + chrono::Duration::days(3)));
    due_soon.leader = Some(ZHAO);
    let not_due = measure(4, XUNCHA, Some(d(2024, 12, 31)));
    let immediate = measure(5, AUDIT, None);
    // Outside the scope: its inspection is not among the facts.
    let stray = measure(99, InspectionId(9), Some(d(2024, 1, 1)));
    Facts {
        inspections: vec![
            InspectionFact {
                id: XUNCHA,
                kind: InspectionKind::Xuncha,
                org: UnitId(1),
                windows: WINDOWS,
            },
            InspectionFact {
                id: AUDIT,
                kind: InspectionKind::Audit,
                org: UnitId(1),
                windows: WINDOWS,
            },
        ],
        aspects: vec![
            AspectFact {
                id: AspectId(1),
                inspection: XUNCHA,
            },
            AspectFact {
                id: AspectId(2),
                inspection: XUNCHA,
            },
            AspectFact {
                id: AspectId(3),
                inspection: AUDIT,
            },
            AspectFact {
                id: AspectId(9),
                inspection: InspectionId(9),
            },
        ],
        items: vec![XUNCHA, XUNCHA, InspectionId(9)],
        problems: vec![
            problem(1, XUNCHA, 1, ProblemState::Closed),
            ProblemFact {
                lead_unit: Some(HR),
                leader: Some(ZHAO),
                ..problem(2, XUNCHA, 1, ProblemState::LongTermReview)
            },
            problem(3, XUNCHA, 2, ProblemState::InProgress),
            ProblemFact {
                public: false,
                ..problem(4, XUNCHA, 2, ProblemState::InProgress)
            },
            problem(5, AUDIT, 3, ProblemState::Claimed),
            // A problem without measures yet, and without a lead unit.
            ProblemFact {
                lead_unit: None,
                ..problem(6, AUDIT, 3, ProblemState::Registered)
            },
            problem(99, InspectionId(9), 9, ProblemState::InProgress),
        ],
        measures: vec![
            done, long_term, overdue, due_soon, not_due, immediate, stray,
        ],
        steps: vec![
            StepFact {
                inspection: XUNCHA,
                step: Step::ClosureReturned,
            },
            StepFact {
                inspection: XUNCHA,
                step: Step::ClosureAccepted,
            },
            StepFact {
                inspection: AUDIT,
                step: Step::Reopened,
            },
        ],
        accountability: vec![
            AccountabilityFact {
                inspection: XUNCHA,
                person: true,
                form: AccountabilityForm::First,
                public: true,
            },
            AccountabilityFact {
                inspection: XUNCHA,
                person: true,
                form: AccountabilityForm::Second,
                public: false,
            },
            AccountabilityFact {
                inspection: AUDIT,
                person: false,
                form: AccountabilityForm::First,
                public: true,
            },
        ],
        institutions: vec![
            InstitutionFact {
                inspection: XUNCHA,
                change: InstitutionChange::Made,
                public: true,
            },
            InstitutionFact {
                inspection: XUNCHA,
                change: InstitutionChange::Revised,
                public: false,
            },
            InstitutionFact {
                inspection: AUDIT,
                change: InstitutionChange::Abolished,
                public: true,
            },
        ],
        recoveries: vec![
            RecoveryFact {
                inspection: XUNCHA,
                fen: 1_860_000,
                public: true,
            },
            RecoveryFact {
                inspection: AUDIT,
                fen: 50,
                public: false,
            },
            RecoveryFact {
                inspection: InspectionId(9),
                fen: 1,
                public: true,
            },
        ],
        petitions: vec![
            // Concluded after its deadline: concluded all the same.
            PetitionFact {
                inspection: XUNCHA,
                state: PetitionState::Concluded,
                deadline: d(2024, 5, 1),
                concluded_on: Some(d(2024, 5, 9)),
            },
            // Its last day is the day of the figures: in handling, not overdue.
            PetitionFact {
                inspection: XUNCHA,
                state: PetitionState::Handling,
                deadline: day,
                concluded_on: None,
            },
            PetitionFact {
                inspection: AUDIT,
                state: PetitionState::Handling,
                deadline: d(2024, 6, 9),
                concluded_on: None,
            },
            PetitionFact {
                inspection: InspectionId(9),
                state: PetitionState::Handling,
                deadline: d(2024, 1, 1),
                concluded_on: None,
            },
        ],
    }
}

#[test]
fn a_small_ledger_counts_as_by_hand() {
    let s = compute(&ledger(), d(2024, 6, 10));
    assert_eq!((s.inspections, s.aspects, s.items), (2, 3, 2));
    let r = s.rectification;
    assert_eq!(r.problems, 6);
    assert_eq!(r.problems_done, 1, "problem 1 closed");
    assert_eq!(r.problems_long_term, 1, "problem 2 in 阶段性销号");
    assert_eq!(r.problems_overdue, 1, "problem 3 has an overdue measure");
    assert_eq!(r.problems_on_schedule, 3, "problems 4, 5 and 6");
    assert_eq!(r.measures, 6);
    assert_eq!(r.measures_done, 1);
    assert_eq!(r.measures_long_term, 1);
    assert_eq!(r.measures_overdue, 1);
    assert_eq!(r.measures_on_schedule, 3);
    assert_eq!(r.measures_due_soon, 1);
    assert_eq!(r.problems_done_percent(), Some(16.7));
    assert_eq!(
        s.reviews,
        Reviews {
            closures_accepted: 1,
            closures_returned: 1,
            lookbacks_confirmed: 0,
            problems_reopened: 1,
        }
    );
    assert_eq!(
        s.institutions,
        Institutions {
            made: 1,
            revised: 1,
            abolished: 1
        }
    );
    assert_eq!(s.institutions.made_or_revised(), 2);
    assert_eq!(
        s.accountability,
        Accountability {
            people: 2,
            units: 1,
            // The unit's record counts as a unit, not by its form.
            by_form: [1, 1, 0, 0],
        }
    );
    assert_eq!(s.money_recovered_fen, 1_860_050);
    assert_eq!(
        s.petitions,
        Petitions {
            petitions: 3,
            petitions_concluded: 1,
            petitions_concluded_late: 1,
            petitions_handling: 2,
            petitions_overdue: 1,
        },
        "the petition of inspection 9 is outside the scope"
    );

    let inspections: Vec<(InspectionId, u64, u64)> = s
        .by_inspection
        .iter()
        .map(|(i, src)| {
            (
                *i,
                src.rectification.problems,
                src.money_recovered_fen as u64,
            )
        })
        .collect();
    assert_eq!(inspections, [(XUNCHA, 4, 1_860_000), (AUDIT, 2, 50)]);
    let kinds: Vec<InspectionKind> = s.by_source.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, [InspectionKind::Xuncha, InspectionKind::Audit]);
    let audit = s.by_source[1].1;
    assert_eq!(audit.rectification.problems, 2);
    assert_eq!(audit.rectification.measures, 1);
    assert_eq!(audit.money_recovered_fen, 50);
    assert_eq!(audit.accountability.units, 1);

    let aspects: Vec<(i64, u64, u64)> = s
        .by_aspect
        .iter()
        .map(|(a, r)| (a.0, r.problems, r.measures))
        .collect();
    assert_eq!(aspects, [(1, 2, 2), (2, 2, 3), (3, 2, 1)]);

    let units: Vec<(UnitId, u64, u64)> = s
        .by_unit
        .iter()
        .map(|(u, r)| (*u, r.problems, r.measures))
        .collect();
    assert_eq!(units, [(FINANCE, 4, 5), (HR, 1, 1)]);
    let zhao = s.by_leader.iter().find(|(l, _)| *l == ZHAO).unwrap().1;
    assert_eq!((zhao.problems, zhao.problems_long_term), (1, 1));
    assert_eq!((zhao.measures, zhao.measures_due_soon), (2, 1));
    let cells: Vec<(i64, ProblemStanding, bool)> = s
        .problems
        .iter()
        .map(|c| (c.id.0, c.standing, c.due_soon))
        .collect();
    assert_eq!(
        cells,
        [
            (1, ProblemStanding::Done, false),
            (2, ProblemStanding::LongTerm, false),
            (3, ProblemStanding::Overdue, true),
            (4, ProblemStanding::OnSchedule, false),
            (5, ProblemStanding::OnSchedule, false),
            (6, ProblemStanding::OnSchedule, false),
        ]
    );
}

#[test]
fn the_same_ledger_a_month_earlier_has_nothing_overdue() {
    let s = compute(&ledger(), d(2024, 5, 10));
    assert_eq!(s.rectification.measures_overdue, 0);
    assert_eq!(s.rectification.problems_overdue, 0);
    assert_eq!(s.rectification.problems_on_schedule, 4);
}

#[test]
fn an_empty_scope_has_no_rates() {
    let s = compute(&Facts::default(), d(2024, 5, 10));
    assert_eq!(s.rectification, Rectification::default());
    assert_eq!(s.rectification.problems_done_percent(), None);
    assert!(s.by_source.is_empty() && s.by_aspect.is_empty() && s.by_unit.is_empty());
}

fn arb_state() -> impl Strategy<Value = ProblemState> {
    proptest::sample::select(ProblemState::ALL.to_vec())
}

fn arb_facts() -> impl Strategy<Value = Facts> {
    let problems = proptest::collection::vec((1i64..4, 1i64..7, arb_state(), 0i64..4), 0..20);
    let measures = proptest::collection::vec(
        (0usize..20, 0u8..3, -40i64..40, any::<bool>(), 0i64..4),
        0..40,
    );
    (problems, measures).prop_map(|(problems, measures)| {
        let kinds = [
            InspectionKind::Xuncha,
            InspectionKind::Audit,
            InspectionKind::Xunshi,
        ];
        let inspections = (1..4)
            .map(|i| InspectionFact {
                id: InspectionId(i),
                kind: kinds[(i as usize) % kinds.len()],
                org: UnitId(i % 2),
                windows: WINDOWS,
            })
            .collect();
        // Aspect a belongs to inspection (a % 3) + 1; aspect 6 is out of scope.
        let aspects = (1..7)
            .map(|a| AspectFact {
                id: AspectId(a),
                inspection: InspectionId(if a == 6 { 9 } else { a % 3 + 1 }),
            })
            .collect::<Vec<_>>();
        let problems: Vec<ProblemFact> = problems
            .into_iter()
            .enumerate()
            .map(|(i, (_, aspect, state, unit))| ProblemFact {
                id: ProblemId(i as i64 + 1),
                inspection: InspectionId(if aspect == 6 { 9 } else { aspect % 3 + 1 }),
                aspect: AspectId(aspect),
                lead_unit: (unit > 0).then_some(UnitId(unit)),
                leader: (unit > 1).then_some(UserId(unit)),
                state,
                public: unit != 2,
                registered_on: d(2024, 3, 1) + chrono::Duration::days(unit * 20),
            })
            .collect();
        let measures = measures
            .into_iter()
            .filter_map(|(p, kind, days, done, unit)| {
                let p = problems.get(p)?;
                Some(MeasureFact {
                    problem: p.id,
                    inspection: p.inspection,
                    lead_unit: UnitId(unit),
                    leader: (unit > 2).then_some(UserId(unit)),
                    deadline_kind: [
                        DeadlineKind::Immediate,
                        DeadlineKind::Dated,
                        DeadlineKind::LongTerm,
                    ][kind as usize],
                    deadline: (kind == 1).then(|| d(2024, 6, 1) + chrono::Duration::days(days)),
                    state: if done {
                        MeasureState::Done
                    } else {
                        MeasureState::InProgress
                    },
                    done_on: done.then(|| d(2024, 5, 1)),
                    activity: Activity {
                        registered_on: d(2024, 3, 1),
                        last_progress: None,
                    },
                })
            })
            .collect();
        Facts {
            inspections,
            aspects,
            problems,
            measures,
            ..Facts::default()
        }
    })
}

proptest! {
    /// The four figures add up to the total, for problems and measures, in the whole
    /// scope and in each breakdown; the sources and the aspects add up to the whole.
    #[test]
    fn the_figures_add_up(facts in arb_facts()) {
        let s = compute(&facts, d(2024, 6, 1));
        let adds_up = |r: &Rectification| {
            r.problems_done + r.problems_on_schedule + r.problems_long_term + r.problems_overdue
                == r.problems
                && r.measures_done + r.measures_on_schedule + r.measures_long_term
                    + r.measures_overdue == r.measures
                && r.measures_due_soon <= r.measures_on_schedule
                && r.problems_open_by_age.iter().sum::<u64>() == r.problems - r.problems_done
                && r.measures_overdue_by_age.iter().sum::<u64>() == r.measures_overdue
        };
        prop_assert!(adds_up(&s.rectification));
        let in_scope = |i: InspectionId| i.0 != 9;
        prop_assert_eq!(
            s.rectification.problems,
            facts.problems.iter().filter(|p| in_scope(p.inspection)).count() as u64
        );
        prop_assert_eq!(
            s.rectification.measures,
            facts.measures.iter().filter(|m| in_scope(m.inspection)).count() as u64
        );
        let mut sources = Rectification::default();
        for (_, src) in &s.by_source {
            prop_assert!(adds_up(&src.rectification));
            sources += &src.rectification;
        }
        prop_assert_eq!(sources, s.rectification);
        let mut orgs = Rectification::default();
        for (_, src) in &s.by_organisation {
            orgs += &src.rectification;
        }
        prop_assert_eq!(orgs, s.rectification);
        let mut aspects = Rectification::default();
        for (_, r) in &s.by_aspect {
            prop_assert!(adds_up(r));
            aspects += r;
        }
        prop_assert_eq!(aspects, s.rectification);
        for r in s.by_unit.iter().map(|(_, r)| r).chain(s.by_leader.iter().map(|(_, r)| r)) {
            prop_assert!(adds_up(r));
        }
        // Every measure has a lead unit: the units' measures are all the measures.
        let unit_measures: u64 = s.by_unit.iter().map(|(_, r)| r.measures).sum();
        prop_assert_eq!(unit_measures, s.rectification.measures);
    }
}

/// 不予公开 takes a record out of what the public notice may say and out of nothing
/// else; an out-of-scope record counts in neither.
#[test]
fn what_is_marked_not_public_leaves_only_the_public_figures() {
    let s = compute(&ledger(), d(2024, 6, 10));
    assert_eq!(s.rectification.problems, 6, "problem 4 still counts");
    assert_eq!(s.accountability.people, 2);
    let p = s.published;
    assert_eq!(p.problems_withheld, 1, "problem 4");
    assert_eq!(
        p.accountability,
        Accountability {
            people: 1,
            units: 1,
            by_form: [1, 0, 0, 0],
        }
    );
    assert_eq!(
        p.institutions,
        Institutions {
            made: 1,
            revised: 0,
            abolished: 1,
        }
    );
    assert_eq!(
        p.money_recovered_fen, 1_860_000,
        "AUDIT's 50 fen marked; 9 out of scope"
    );
}

/// 账龄: open problems by days in the ledger, overdue measures by days past their
/// deadline; the buckets add up to the open and the overdue.
#[test]
fn ageing_buckets_open_problems_and_overdue_measures() {
    assert_eq!(
        [0, 30, 31, 90, 91].map(|d| age_bucket(d, OPEN_AGES)),
        [0, 0, 1, 1, 2]
    );
    assert_eq!(
        [1, 7, 8, 30, 31].map(|d| age_bucket(d, OVERDUE_AGES)),
        [0, 0, 1, 1, 2]
    );
    let mut facts = ledger();
    // Problem 5 entered nine days before the day; the others on 1 March (101 days).
    facts.problems[4].registered_on = d(2024, 6, 1);
    let s = compute(&facts, d(2024, 6, 10));
    let r = s.rectification;
    assert_eq!(r.problems_open_by_age, [1, 0, 4], "problem 1 is done");
    assert_eq!(
        r.problems_open_by_age.iter().sum::<u64>(),
        r.problems - r.problems_done
    );
    assert_eq!(
        r.measures_overdue_by_age.iter().sum::<u64>(),
        r.measures_overdue
    );
    // By unit and aspect as well: the breakdowns carry the same buckets.
    let by_aspect: u64 = s
        .by_aspect
        .iter()
        .map(|(_, a)| a.problems_open_by_age.iter().sum::<u64>())
        .sum();
    assert_eq!(by_aspect, r.problems - r.problems_done);
}

/// The ledger of [`arb_facts`] with outcomes, steps and petitions, in inspection order
/// (as storage reads it).
fn arb_whole_facts() -> impl Strategy<Value = Facts> {
    let outcomes =
        proptest::collection::vec((1i64..5, 0usize..4, any::<bool>(), -30i64..30), 0..12);
    (arb_facts(), outcomes).prop_map(|(mut facts, outcomes)| {
        let forms = AccountabilityForm::ALL;
        let changes = [
            InstitutionChange::Made,
            InstitutionChange::Revised,
            InstitutionChange::Abolished,
        ];
        for (n, (inspection, k, flag, days)) in outcomes.into_iter().enumerate() {
            // Inspection 4 is out of scope: its records count nowhere.
            let inspection = InspectionId(inspection);
            facts.steps.push(StepFact {
                inspection,
                step: Step::ALL[k],
            });
            facts.accountability.push(AccountabilityFact {
                inspection,
                person: flag,
                form: forms[k],
                public: n % 3 != 0,
            });
            facts.institutions.push(InstitutionFact {
                inspection,
                change: changes[k % 3],
                public: !flag,
            });
            facts.recoveries.push(RecoveryFact {
                inspection,
                fen: days.abs() * 1_000 + 7,
                public: flag,
            });
            facts.petitions.push(PetitionFact {
                inspection,
                state: if flag {
                    PetitionState::Concluded
                } else {
                    PetitionState::Handling
                },
                deadline: d(2024, 6, 1) + chrono::Duration::days(days),
                concluded_on: flag.then(|| d(2024, 5, 20)),
            });
            facts.items.push(inspection);
        }
        facts.aspects.sort_by_key(|a| a.inspection);
        facts.problems.sort_by_key(|p| p.inspection);
        facts
    })
}

proptest! {
    /// A scope's figures are the sum of its inspections' (storage computes each
    /// inspection once and adds them up): every figure, breakdown and cell, on days
    /// before, at and after the deadlines.
    #[test]
    fn the_figures_of_a_scope_are_its_inspections_added_up(
        facts in arb_whole_facts(),
        day in 0i64..60,
    ) {
        let day = d(2024, 5, 10) + chrono::Duration::days(day);
        let whole = compute(&facts, day);
        let parts: Vec<Statistics> = facts
            .clone()
            .by_inspection()
            .iter()
            .map(|part| compute(part, day))
            .collect();
        prop_assert_eq!(parts.len(), facts.inspections.len());
        // The cells stay with their parts, in the parts' order.
        let cells: Vec<ProblemCell> = parts.iter().flat_map(|p| p.problems.clone()).collect();
        prop_assert_eq!(&cells, &whole.problems);
        prop_assert_eq!(merge(day, &parts), Statistics { problems: Vec::new(), ..whole });
        // Nothing at all is nothing.
        prop_assert_eq!(merge(day, &[]), compute(&Facts::default(), day));
    }
}
