//! 统计 — every figure the speeches and reports quote (D15), computed from the facts of a
//! ledger as they stood on one day: "共反馈xx个方面xx项xx个问题，制定整改措施xx条；已完成
//! 整改xx个，正在按序时进度推进xx个，需长期坚持xx个；制定完善制度xx项；问责xx人；清退
//! 资金xx万元". Broken down by source, aspect, unit and responsible leader.
//!
//! Why one module: a report, the battle map, the warning board and the home tiles must
//! never quote two different numbers for the same thing. The storage layer reads the
//! facts (live, or as they stood on a past day from the audit trail) and nothing else
//! decides what a figure counts.
//!
//! What each figure counts:
//! - a **measure** is done (已完成) when its state is done, long-term (需长期坚持) while
//!   it is 长期坚持 and not done, overdue while it is dated, past its deadline and not
//!   done, and on schedule (正在按序时进度推进) otherwise — its [`Standing`] on the day;
//! - a **problem** is done when its closure was accepted (已销号, or confirmed by a
//!   look-back), long-term while it is in 阶段性销号 (its dated measures done, the
//!   long-term ones going on), overdue when one of its measures is overdue, and on
//!   schedule otherwise;
//! - aspects, items, problems and measures each count what is not withdrawn, as the
//!   inspection list's counts do;
//! - 制定完善制度 counts the institutions made and revised, not those abolished;
//! - money recovered is kept in fen and written in yuan.

use std::collections::BTreeMap;
use std::ops::AddAssign;

use chrono::NaiveDate;
use serde::Serialize;

use crate::deadline::{Deadline, DeadlineKind};
use crate::inspection::InspectionKind;
use crate::lifecycle::ProblemState;
use crate::outcomes::{AccountabilityForm, InstitutionChange};
use crate::petition::{PetitionFact, PetitionStanding, Petitions};
use crate::status::{Activity, MeasureState, Standing, Windows};
use crate::{AspectId, InspectionId, ProblemId, UnitId, UserId};

pub mod burn_down;
#[cfg(test)]
mod tests;

/// One inspection (or other source) in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionFact {
    /// Its id.
    pub id: InspectionId,
    /// 巡视、巡察、审计 … — the source the figures are broken down by.
    pub kind: InspectionKind,
    /// The inspected organisation.
    pub org: UnitId,
    /// The windows of its organisation's warning rules on the day (due soon, the
    /// long-term review interval).
    pub windows: Windows,
}

/// One aspect (方面).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectFact {
    /// Its id.
    pub id: AspectId,
    /// Its inspection.
    pub inspection: InspectionId,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemFact {
    /// Its id.
    pub id: ProblemId,
    /// Its inspection.
    pub inspection: InspectionId,
    /// Its aspect.
    pub aspect: AspectId,
    /// Its lead unit (牵头单位): named on the problem, or else its first measure's.
    pub lead_unit: Option<UnitId>,
    /// Its responsible leader (责任领导): named on the problem, or else its first
    /// measure's.
    pub leader: Option<UserId>,
    /// Where it stood.
    pub state: ProblemState,
    /// Whether the public notice may name it (false when the office marked it 不予公开).
    pub public: bool,
    /// The day it entered the ledger (its age counts from it).
    pub registered_on: NaiveDate,
}

/// One measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureFact {
    /// Its problem.
    pub problem: ProblemId,
    /// Its inspection.
    pub inspection: InspectionId,
    /// 牵头单位.
    pub lead_unit: UnitId,
    /// 责任领导.
    pub leader: Option<UserId>,
    /// Immediate, dated or long-term.
    pub deadline_kind: DeadlineKind,
    /// Its deadline's last day, when dated.
    pub deadline: Option<NaiveDate>,
    /// Its progress state.
    pub state: MeasureState,
    /// The day it was done.
    pub done_on: Option<NaiveDate>,
    /// Its registration and latest progress (for the long-term review).
    pub activity: Activity,
}

impl MeasureFact {
    /// Its standing on `day`.
    pub fn standing(&self, day: NaiveDate, windows: Windows) -> Standing {
        let deadline = Deadline {
            text: String::new(),
            kind: self.deadline_kind,
            date: self.deadline,
            precision: None,
        };
        Standing::of(
            self.state,
            &deadline,
            self.done_on,
            self.activity,
            day,
            windows,
        )
    }
}

/// A lifecycle step counted by the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// 销号 — closure accepted by the office.
    ClosureAccepted,
    /// 留号 — closure returned.
    ClosureReturned,
    /// 巩固 — confirmed by a look-back (回头看).
    Confirmed,
    /// 回炉 — reopened by a look-back.
    Reopened,
}

impl Step {
    /// Every step the figures count.
    pub const ALL: [Step; 4] = [
        Step::ClosureAccepted,
        Step::ClosureReturned,
        Step::Confirmed,
        Step::Reopened,
    ];

    /// The lifecycle action's code it is recorded under
    /// ([`crate::lifecycle::ACTION_CODES`]).
    pub fn action(self) -> &'static str {
        match self {
            Step::ClosureAccepted => "accept_closure",
            Step::ClosureReturned => "return_closure",
            Step::Confirmed => "confirm",
            Step::Reopened => "reopen",
        }
    }

    /// The step recorded under an action's code, if the figures count it.
    pub fn of_action(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.action() == code)
    }
}

/// One step taken on a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepFact {
    /// The problem's inspection.
    pub inspection: InspectionId,
    /// The step.
    pub step: Step,
}

/// One accountability record (问责).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountabilityFact {
    /// Its inspection.
    pub inspection: InspectionId,
    /// A person (true) or a unit (false).
    pub person: bool,
    /// Which of the four forms (四种形态).
    pub form: AccountabilityForm,
    /// Whether the public notice may count it (false when marked 不予公开).
    pub public: bool,
}

/// One institution made, revised or abolished (建章立制).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstitutionFact {
    /// Its inspection.
    pub inspection: InspectionId,
    /// What happened to it.
    pub change: InstitutionChange,
    /// Whether the public notice may count it (false when marked 不予公开).
    pub public: bool,
}

/// Money recovered (清退 / 追缴).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryFact {
    /// Its inspection.
    pub inspection: InspectionId,
    /// The amount in fen.
    pub fen: i64,
    /// Whether the public notice may count it (false when marked 不予公开).
    pub public: bool,
}

/// Everything the figures are computed from, as it stood on `day`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The inspections in scope.
    pub inspections: Vec<InspectionFact>,
    /// Their aspects.
    pub aspects: Vec<AspectFact>,
    /// Their items (项), by inspection.
    pub items: Vec<InspectionId>,
    /// Their problems.
    pub problems: Vec<ProblemFact>,
    /// Their measures.
    pub measures: Vec<MeasureFact>,
    /// The closure and look-back steps taken.
    pub steps: Vec<StepFact>,
    /// Accountability.
    pub accountability: Vec<AccountabilityFact>,
    /// Institutions.
    pub institutions: Vec<InstitutionFact>,
    /// Money recovered.
    pub recoveries: Vec<RecoveryFact>,
    /// 信访件 handed over with the feedback.
    pub petitions: Vec<PetitionFact>,
}

impl Facts {
    /// The facts of each inspection apart, in the order of [`Facts::inspections`]:
    /// [`merge`] of their figures is the figures of the whole. Facts naming an
    /// inspection not among them are left out, as [`compute`] leaves them out.
    pub fn by_inspection(self) -> Vec<Facts> {
        let at: BTreeMap<InspectionId, usize> = self
            .inspections
            .iter()
            .enumerate()
            .map(|(n, i)| (i.id, n))
            .collect();
        let mut parts: Vec<Facts> = self
            .inspections
            .into_iter()
            .map(|i| Facts {
                inspections: vec![i],
                ..Facts::default()
            })
            .collect();
        macro_rules! split {
            ($field:ident, $of:expr) => {
                for x in self.$field {
                    if let Some(n) = at.get(&$of(&x)) {
                        parts[*n].$field.push(x);
                    }
                }
            };
        }
        split!(aspects, |a: &AspectFact| a.inspection);
        split!(items, |i: &InspectionId| *i);
        split!(problems, |p: &ProblemFact| p.inspection);
        split!(measures, |m: &MeasureFact| m.inspection);
        split!(steps, |s: &StepFact| s.inspection);
        split!(accountability, |a: &AccountabilityFact| a.inspection);
        split!(institutions, |i: &InstitutionFact| i.inspection);
        split!(recoveries, |r: &RecoveryFact| r.inspection);
        split!(petitions, |p: &PetitionFact| p.inspection);
        parts
    }
}

/// How far rectification has come, for problems and measures: the four figures the
/// speeches quote, which add up to the total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rectification {
    /// 问题 — problems.
    pub problems: u64,
    /// 已完成整改 — closure accepted.
    pub problems_done: u64,
    /// 正在按序时进度推进 — open, none of its measures overdue.
    pub problems_on_schedule: u64,
    /// 需长期坚持 — in 阶段性销号.
    pub problems_long_term: u64,
    /// 逾期 — open with a measure overdue.
    pub problems_overdue: u64,
    /// 整改措施 — measures.
    pub measures: u64,
    /// Measures done.
    pub measures_done: u64,
    /// Measures open and not past their deadline.
    pub measures_on_schedule: u64,
    /// 长期坚持 measures not done.
    pub measures_long_term: u64,
    /// Measures past their deadline and not done.
    pub measures_overdue: u64,
    /// Of those on schedule, the ones due within the warning window (临期).
    pub measures_due_soon: u64,
    /// 账龄: problems not done by how long they have been in the ledger — up to 30
    /// days, 31 to 90, over 90 (calendar days since registration).
    pub problems_open_by_age: [u64; 3],
    /// Overdue measures by how long past their deadline — up to 7 days, 8 to 30, over
    /// 30 (calendar days, as the warning board counts them).
    pub measures_overdue_by_age: [u64; 3],
}

/// The upper ends of the first two buckets of [`Rectification::problems_open_by_age`].
pub const OPEN_AGES: [i64; 2] = [30, 90];
/// The upper ends of the first two buckets of [`Rectification::measures_overdue_by_age`].
pub const OVERDUE_AGES: [i64; 2] = [7, 30];

/// The bucket of `days` by the upper ends of the first two.
pub fn age_bucket(days: i64, ends: [i64; 2]) -> usize {
    if days <= ends[0] {
        0
    } else if days <= ends[1] {
        1
    } else {
        2
    }
}

impl Rectification {
    /// Problems done in percent of all, one decimal; `None` when there are none.
    pub fn problems_done_percent(&self) -> Option<f64> {
        percent(self.problems_done, self.problems)
    }

    /// Measures done in percent of all, one decimal; `None` when there are none.
    pub fn measures_done_percent(&self) -> Option<f64> {
        percent(self.measures_done, self.measures)
    }

    fn add_problem(&mut self, standing: ProblemStanding, days_open: i64) {
        self.problems += 1;
        if standing != ProblemStanding::Done {
            self.problems_open_by_age[age_bucket(days_open, OPEN_AGES)] += 1;
        }
        match standing {
            ProblemStanding::Done => self.problems_done += 1,
            ProblemStanding::LongTerm => self.problems_long_term += 1,
            ProblemStanding::Overdue => self.problems_overdue += 1,
            ProblemStanding::OnSchedule => self.problems_on_schedule += 1,
        }
    }

    fn add_measure(&mut self, standing: Standing) {
        self.measures += 1;
        if let Standing::Overdue { days } = standing {
            self.measures_overdue_by_age[age_bucket(days, OVERDUE_AGES)] += 1;
        }
        match MeasureStanding::of(standing) {
            MeasureStanding::Done => self.measures_done += 1,
            MeasureStanding::LongTerm => self.measures_long_term += 1,
            MeasureStanding::Overdue => self.measures_overdue += 1,
            MeasureStanding::OnSchedule { due_soon } => {
                self.measures_on_schedule += 1;
                if due_soon {
                    self.measures_due_soon += 1;
                }
            }
        }
    }
}

/// `part` of `whole` in percent, rounded to one decimal.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    // Tenths of a percent, rounded half up in integers so that 2 of 3 is 66.7.
    let tenths = (part * 2000 + whole) / (whole * 2);
    Some(tenths as f64 / 10.0)
}

/// Where a problem stands in the figures on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemStanding {
    /// 已完成整改.
    Done,
    /// 正在按序时进度推进.
    OnSchedule,
    /// 需长期坚持.
    LongTerm,
    /// 逾期.
    Overdue,
}

impl ProblemStanding {
    /// A problem's standing from its state and its measures' standings on the day.
    pub fn of(state: ProblemState, measures: impl IntoIterator<Item = Standing>) -> Self {
        if state.is_closed() {
            return Self::Done;
        }
        if state == ProblemState::LongTermReview {
            return Self::LongTerm;
        }
        if measures
            .into_iter()
            .any(|s| matches!(s, Standing::Overdue { .. }))
        {
            Self::Overdue
        } else {
            Self::OnSchedule
        }
    }
}

/// Where a measure stands in the figures on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureStanding {
    /// Done.
    Done,
    /// Open and not past its deadline; `due_soon` within the warning window.
    OnSchedule {
        /// 临期.
        due_soon: bool,
    },
    /// 长期坚持, not done.
    LongTerm,
    /// Past its deadline, not done.
    Overdue,
}

impl MeasureStanding {
    /// The figure a standing falls in.
    pub fn of(standing: Standing) -> Self {
        match standing {
            Standing::DoneOnTime | Standing::DoneLate => Self::Done,
            Standing::LongTerm | Standing::LongTermStale { .. } => Self::LongTerm,
            Standing::Overdue { .. } => Self::Overdue,
            Standing::DueSoon { .. } => Self::OnSchedule { due_soon: true },
            Standing::Immediate | Standing::NotDue => Self::OnSchedule { due_soon: false },
        }
    }
}

/// 建章立制.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Institutions {
    /// 制定.
    pub made: u64,
    /// 修订.
    pub revised: u64,
    /// 废止.
    pub abolished: u64,
}

impl Institutions {
    /// Counts one institution (the outcome page's counts too).
    pub fn add(&mut self, change: InstitutionChange) {
        match change {
            InstitutionChange::Made => self.made += 1,
            InstitutionChange::Revised => self.revised += 1,
            InstitutionChange::Abolished => self.abolished += 1,
        }
    }

    /// 制定完善制度xx项: made and revised.
    pub fn made_or_revised(&self) -> u64 {
        self.made + self.revised
    }
}

/// 问责: people and units, and records by the four forms (四种形态).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Accountability {
    /// People held accountable.
    pub people: u64,
    /// Units held accountable.
    pub units: u64,
    /// People by form: the first, second, third and fourth.
    pub by_form: [u64; 4],
}

impl Accountability {
    /// Counts one record: a person's or a unit's. The four forms (四种形态) are how
    /// Party members are dealt with, so only a person's record counts by its form; a
    /// unit held accountable counts as a unit (the outcome page's counts too).
    pub fn add(&mut self, person: bool, form: AccountabilityForm) {
        if !person {
            self.units += 1;
            return;
        }
        self.people += 1;
        let i = AccountabilityForm::ALL
            .iter()
            .position(|f| *f == form)
            .unwrap_or_default();
        self.by_form[i] += 1;
    }
}

/// What the closure reviews and look-backs decided (挂号/销号/留号, 回头看).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Reviews {
    /// 销号 — closures accepted.
    pub closures_accepted: u64,
    /// 留号 — closures returned.
    pub closures_returned: u64,
    /// 巩固 — problems confirmed by a look-back.
    pub lookbacks_confirmed: u64,
    /// 回炉 — problems reopened by a look-back.
    pub problems_reopened: u64,
}

/// Every figure of a scope on one day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    /// The day the figures are of.
    pub day: NaiveDate,
    /// Inspections (and other sources) in scope.
    pub inspections: u64,
    /// 方面.
    pub aspects: u64,
    /// 项.
    pub items: u64,
    /// Problems and measures.
    pub rectification: Rectification,
    /// Closure reviews and look-backs.
    pub reviews: Reviews,
    /// 建章立制.
    pub institutions: Institutions,
    /// 问责.
    pub accountability: Accountability,
    /// 清退 / 追缴, in fen.
    pub money_recovered_fen: i64,
    /// 信访件.
    pub petitions: Petitions,
    /// By source (inspection kind), in the kinds' order.
    pub by_source: Vec<(InspectionKind, Source)>,
    /// By inspected organisation, by id (the upper level's scope holds several).
    pub by_organisation: Vec<(UnitId, Source)>,
    /// By inspection, in the facts' order.
    pub by_inspection: Vec<(InspectionId, Source)>,
    /// By aspect, in the order of the facts' aspects.
    pub by_aspect: Vec<(AspectId, Rectification)>,
    /// By lead unit, by id.
    pub by_unit: Vec<(UnitId, Rectification)>,
    /// By responsible leader, by id.
    pub by_leader: Vec<(UserId, Rectification)>,
    /// Each problem's standing, in the facts' order (the battle map's cells).
    pub problems: Vec<ProblemCell>,
    /// What the public notice may say.
    pub published: Published,
}

/// What the public notice (整改情况公开) may say: the results the office did not mark
/// 不予公开, and how many problems it withholds. The marks change no other figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    /// 建章立制 that may be published.
    pub institutions: Institutions,
    /// 问责 that may be published.
    pub accountability: Accountability,
    /// 清退 / 追缴 that may be published, in fen.
    pub money_recovered_fen: i64,
    /// Problems marked 不予公开.
    pub problems_withheld: u64,
}

/// One problem on the day: its standing, and whether a measure of it is due soon (the
/// three-colour warning short of red).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemCell {
    /// The problem.
    pub id: ProblemId,
    /// Where it stands.
    pub standing: ProblemStanding,
    /// Whether one of its open measures is due within the warning window.
    pub due_soon: bool,
}

/// The figures of one source (inspection kind).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Source {
    /// Inspections of the kind.
    pub inspections: u64,
    /// Problems and measures.
    pub rectification: Rectification,
    /// Closure reviews and look-backs.
    pub reviews: Reviews,
    /// 建章立制.
    pub institutions: Institutions,
    /// 问责.
    pub accountability: Accountability,
    /// 清退 / 追缴, in fen.
    pub money_recovered_fen: i64,
    /// 信访件.
    pub petitions: Petitions,
}

impl Source {
    fn add_step(&mut self, step: Step) {
        let r = &mut self.reviews;
        match step {
            Step::ClosureAccepted => r.closures_accepted += 1,
            Step::ClosureReturned => r.closures_returned += 1,
            Step::Confirmed => r.lookbacks_confirmed += 1,
            Step::Reopened => r.problems_reopened += 1,
        }
    }
}

/// Computes every figure of `facts` on `day`. Facts that name an inspection, aspect
/// or problem not among the facts are left out (they are outside the scope).
pub fn compute(facts: &Facts, day: NaiveDate) -> Statistics {
    let inspections: BTreeMap<InspectionId, &InspectionFact> =
        facts.inspections.iter().map(|i| (i.id, i)).collect();
    let mut sources: BTreeMap<InspectionId, Source> = facts
        .inspections
        .iter()
        .map(|i| {
            (
                i.id,
                Source {
                    inspections: 1,
                    ..Source::default()
                },
            )
        })
        .collect();

    // Each measure's standing once; problems read their measures' standings.
    let mut of_problem: BTreeMap<ProblemId, Vec<Standing>> = BTreeMap::new();
    let mut by_unit: BTreeMap<UnitId, Rectification> = BTreeMap::new();
    let mut by_leader: BTreeMap<UserId, Rectification> = BTreeMap::new();
    for m in &facts.measures {
        let (Some(inspection), Some(source)) = (
            inspections.get(&m.inspection),
            sources.get_mut(&m.inspection),
        ) else {
            continue;
        };
        let standing = m.standing(day, inspection.windows);
        source.rectification.add_measure(standing);
        by_unit
            .entry(m.lead_unit)
            .or_default()
            .add_measure(standing);
        if let Some(leader) = m.leader {
            by_leader.entry(leader).or_default().add_measure(standing);
        }
        of_problem.entry(m.problem).or_default().push(standing);
    }

    let mut by_aspect: BTreeMap<AspectId, Rectification> = BTreeMap::new();
    let mut published = Published::default();
    let mut cells = Vec::with_capacity(facts.problems.len());
    for p in &facts.problems {
        let Some(source) = sources.get_mut(&p.inspection) else {
            continue;
        };
        let measures = of_problem.get(&p.id).map(Vec::as_slice).unwrap_or_default();
        let standing = ProblemStanding::of(p.state, measures.iter().copied());
        cells.push(ProblemCell {
            id: p.id,
            standing,
            due_soon: standing != ProblemStanding::Done
                && measures
                    .iter()
                    .any(|s| matches!(s, Standing::DueSoon { .. })),
        });
        let days_open = (day - p.registered_on).num_days().max(0);
        source.rectification.add_problem(standing, days_open);
        if !p.public {
            published.problems_withheld += 1;
        }
        by_aspect
            .entry(p.aspect)
            .or_default()
            .add_problem(standing, days_open);
        if let Some(unit) = p.lead_unit {
            by_unit
                .entry(unit)
                .or_default()
                .add_problem(standing, days_open);
        }
        if let Some(leader) = p.leader {
            by_leader
                .entry(leader)
                .or_default()
                .add_problem(standing, days_open);
        }
    }
    // Measures by the aspect of their problem.
    let aspect_of: BTreeMap<ProblemId, AspectId> =
        facts.problems.iter().map(|p| (p.id, p.aspect)).collect();
    for m in &facts.measures {
        let (Some(inspection), Some(aspect)) =
            (inspections.get(&m.inspection), aspect_of.get(&m.problem))
        else {
            continue;
        };
        by_aspect
            .entry(*aspect)
            .or_default()
            .add_measure(m.standing(day, inspection.windows));
    }

    for s in &facts.steps {
        if let Some(source) = sources.get_mut(&s.inspection) {
            source.add_step(s.step);
        }
    }
    for a in &facts.accountability {
        if let Some(source) = sources.get_mut(&a.inspection) {
            source.accountability.add(a.person, a.form);
            if a.public {
                published.accountability.add(a.person, a.form);
            }
        }
    }
    for i in &facts.institutions {
        if let Some(source) = sources.get_mut(&i.inspection) {
            source.institutions.add(i.change);
            if i.public {
                published.institutions.add(i.change);
            }
        }
    }
    for p in &facts.petitions {
        if let Some(source) = sources.get_mut(&p.inspection) {
            source.petitions.add(PetitionStanding::of(
                p.state,
                p.deadline,
                p.concluded_on,
                day,
            ));
        }
    }
    for r in &facts.recoveries {
        if let Some(source) = sources.get_mut(&r.inspection) {
            source.money_recovered_fen += r.fen;
            if r.public {
                published.money_recovered_fen += r.fen;
            }
        }
    }

    let aspects: Vec<&AspectFact> = facts
        .aspects
        .iter()
        .filter(|a| inspections.contains_key(&a.inspection))
        .collect();
    let items = facts
        .items
        .iter()
        .filter(|i| inspections.contains_key(i))
        .count();

    // By source: the inspections of each kind together, in the kinds' order.
    let mut by_source: Vec<(InspectionKind, Source)> = Vec::new();
    for kind in InspectionKind::ALL {
        let mut sum = Source::default();
        let mut any = false;
        for (id, s) in &sources {
            if inspections.get(id).is_some_and(|i| i.kind == kind) {
                sum += s;
                any = true;
            }
        }
        if any {
            by_source.push((kind, sum));
        }
    }
    let mut by_organisation: BTreeMap<UnitId, Source> = BTreeMap::new();
    let mut total = Source::default();
    for (id, s) in &sources {
        total += s;
        if let Some(i) = inspections.get(id) {
            *by_organisation.entry(i.org).or_default() += s;
        }
    }
    // Aspects in the facts' order, each present even without problems.
    let by_aspect = aspects
        .iter()
        .map(|a| (a.id, by_aspect.get(&a.id).copied().unwrap_or_default()))
        .collect();

    Statistics {
        day,
        inspections: total.inspections,
        aspects: aspects.len() as u64,
        items: items as u64,
        rectification: total.rectification,
        reviews: total.reviews,
        institutions: total.institutions,
        accountability: total.accountability,
        money_recovered_fen: total.money_recovered_fen,
        petitions: total.petitions,
        by_source,
        by_organisation: by_organisation.into_iter().collect(),
        by_inspection: facts
            .inspections
            .iter()
            .filter_map(|i| Some((i.id, *sources.get(&i.id)?)))
            .collect(),
        by_aspect,
        by_unit: by_unit.into_iter().collect(),
        by_leader: by_leader.into_iter().collect(),
        problems: cells,
        published,
    }
}

/// The figures of several scopes with no inspection in common, as one: what
/// [`compute`] gives for all their facts together, when each part was computed on the
/// same day and the facts are in inspection order (as storage reads them), except for
/// the cells: those stay with their parts (the merged `problems` is empty), since only
/// an inspection's own map shows them and copying an upper level's two hundred thousand
/// for every sum was most of its cost. The other lists (by inspection, by aspect) follow
/// the parts' order; the sums by source, organisation, unit and leader are summed.
///
/// Why: a scope's figures are then the sum of its inspections', so a change to one
/// inspection costs the computation of that inspection only, not of every measure
/// an upper level oversees.
pub fn merge<'a>(day: NaiveDate, parts: impl IntoIterator<Item = &'a Statistics>) -> Statistics {
    let mut total = Source::default();
    let (mut aspects, mut items) = (0, 0);
    let mut by_source: BTreeMap<usize, Source> = BTreeMap::new();
    let mut by_organisation: BTreeMap<UnitId, Source> = BTreeMap::new();
    let mut by_unit: BTreeMap<UnitId, Rectification> = BTreeMap::new();
    let mut by_leader: BTreeMap<UserId, Rectification> = BTreeMap::new();
    let mut published = Published::default();
    let (mut by_inspection, mut by_aspect) = (Vec::new(), Vec::new());
    for s in parts {
        total += &s.total();
        aspects += s.aspects;
        items += s.items;
        for (kind, src) in &s.by_source {
            let at = InspectionKind::ALL
                .iter()
                .position(|k| k == kind)
                .unwrap_or(usize::MAX);
            *by_source.entry(at).or_default() += src;
        }
        for (org, src) in &s.by_organisation {
            *by_organisation.entry(*org).or_default() += src;
        }
        for (unit, r) in &s.by_unit {
            *by_unit.entry(*unit).or_default() += r;
        }
        for (leader, r) in &s.by_leader {
            *by_leader.entry(*leader).or_default() += r;
        }
        published += &s.published;
        by_inspection.extend_from_slice(&s.by_inspection);
        by_aspect.extend_from_slice(&s.by_aspect);
    }
    Statistics {
        day,
        inspections: total.inspections,
        aspects,
        items,
        rectification: total.rectification,
        reviews: total.reviews,
        institutions: total.institutions,
        accountability: total.accountability,
        money_recovered_fen: total.money_recovered_fen,
        petitions: total.petitions,
        by_source: by_source
            .into_iter()
            .filter_map(|(at, src)| Some((*InspectionKind::ALL.get(at)?, src)))
            .collect(),
        by_organisation: by_organisation.into_iter().collect(),
        by_inspection,
        by_aspect,
        by_unit: by_unit.into_iter().collect(),
        by_leader: by_leader.into_iter().collect(),
        problems: Vec::new(),
        published,
    }
}

impl Statistics {
    /// The scope's totals as one source.
    fn total(&self) -> Source {
        Source {
            inspections: self.inspections,
            rectification: self.rectification,
            reviews: self.reviews,
            institutions: self.institutions,
            accountability: self.accountability,
            money_recovered_fen: self.money_recovered_fen,
            petitions: self.petitions,
        }
    }
}

impl AddAssign<&Published> for Published {
    fn add_assign(&mut self, o: &Published) {
        self.institutions += &o.institutions;
        self.accountability += &o.accountability;
        self.money_recovered_fen += o.money_recovered_fen;
        self.problems_withheld += o.problems_withheld;
    }
}

impl AddAssign<&Institutions> for Institutions {
    fn add_assign(&mut self, z: &Institutions) {
        self.made += z.made;
        self.revised += z.revised;
        self.abolished += z.abolished;
    }
}

impl AddAssign<&Accountability> for Accountability {
    fn add_assign(&mut self, w: &Accountability) {
        self.people += w.people;
        self.units += w.units;
        for (f, g) in self.by_form.iter_mut().zip(w.by_form) {
            *f += g;
        }
    }
}

impl AddAssign<&Rectification> for Rectification {
    fn add_assign(&mut self, x: &Rectification) {
        self.problems += x.problems;
        self.problems_done += x.problems_done;
        self.problems_on_schedule += x.problems_on_schedule;
        self.problems_long_term += x.problems_long_term;
        self.problems_overdue += x.problems_overdue;
        self.measures += x.measures;
        self.measures_done += x.measures_done;
        self.measures_on_schedule += x.measures_on_schedule;
        self.measures_long_term += x.measures_long_term;
        self.measures_overdue += x.measures_overdue;
        self.measures_due_soon += x.measures_due_soon;
        for i in 0..3 {
            self.problems_open_by_age[i] += x.problems_open_by_age[i];
            self.measures_overdue_by_age[i] += x.measures_overdue_by_age[i];
        }
    }
}

impl AddAssign<&Source> for Source {
    fn add_assign(&mut self, o: &Source) {
        self.inspections += o.inspections;
        self.rectification += &o.rectification;
        let (v, y) = (&mut self.reviews, &o.reviews);
        v.closures_accepted += y.closures_accepted;
        v.closures_returned += y.closures_returned;
        v.lookbacks_confirmed += y.lookbacks_confirmed;
        v.problems_reopened += y.problems_reopened;
        self.institutions += &o.institutions;
        self.accountability += &o.accountability;
        self.money_recovered_fen += o.money_recovered_fen;
        self.petitions += &o.petitions;
    }
}
