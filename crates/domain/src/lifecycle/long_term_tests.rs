use super::*;
use crate::access::Actor;
use crate::{Role, UnitId, UserId};

#[test]
fn a_phase_closes_while_long_term_measures_go_on() {
    let office = Actor {
        user: UserId(1),
        role: Role::Office,
        unit: UnitId(1),
        org: UnitId(1),
        units_in_charge: vec![],
        orgs_below: vec![],
    };
    let unit = Actor {
        user: UserId(2),
        role: Role::Unit,
        unit: UnitId(2),
        ..office.clone()
    };
    let mut p = Problem {
        state: ProblemState::InProgress,
        org: UnitId(1),
        lead_unit: UnitId(2),
        leader: None,
        measures: 2,
        measures_open: 2,
        long_term_measures: 1,
        long_term_open: 1,
        extensions: 0,
        extension_pending: false,
        lacking_milestones: 0,
        checks: ClosureChecks::default(),
    };
    let close = Action::ClosePhase {
        summary: "阶段性整改总结".into(),
    };
    assert_eq!(
        apply(&p, &office, &close, Policy::default()),
        Err(Refusal::MeasuresOpen(1))
    );
    p = apply(&p, &unit, &Action::MeasureDone, Policy::default())
        .unwrap()
        .0;
    assert!(
        apply(&p, &unit, &Action::MeasureDone, Policy::default()).is_err(),
        "the long-term measure is not done by the dated path"
    );
    assert_eq!(
        apply(&p, &unit, &close, Policy::default()),
        Err(Refusal::NotYours("close_phase"))
    );
    p = apply(&p, &office, &close, Policy::default()).unwrap().0;
    assert_eq!(p.state, ProblemState::LongTermReview);
    assert!(
        !p.state.is_closed(),
        "a long-term problem stays on the ledger"
    );
    p = apply(&p, &unit, &Action::LongTermMeasureDone, Policy::default())
        .unwrap()
        .0;
    let (p, _) = apply(
        &p,
        &unit,
        &Action::RequestClosure {
            report: "报告".into(),
            evidence: 1,
        },
        Policy::default(),
    )
    .unwrap();
    assert_eq!(p.state, ProblemState::ClosureRequested);
}
