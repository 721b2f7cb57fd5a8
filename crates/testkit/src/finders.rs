//! Finders: a storage or CLI test finds its fixtures in the domain's words
//! (`t.unit("财务部")`, `t.user("leader_wang")`, `t.problem("档案室消防设施老化")`,
//! `t.first_measure_of(p)`) through storage's own read functions, as the web suite's
//! readers (crates/web/tests/it/readers.rs) do, never by a SQL look-up. A test that is
//! about what is stored — audit rows, the jobs queue, counts proving nothing was
//! half-written, a tamperer's change — still reads SQL, and says so.
//!
//! One set for every suite: implemented for a [`TestDb`] and for a plain [`Db`] (the CLI
//! tests open the database of a data directory).

use chrono::NaiveDate;
use zhenggai_domain::access::Actor;
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::{
    AspectId, InspectionId, MeasureId, ProblemId, ProgressId, Role, UnitId, UserId,
};
use zhenggai_storage::Db;
use zhenggai_storage::accounts::{units, users};
use zhenggai_storage::ledger::measures::{self, Measure};
use zhenggai_storage::ledger::problems::{self, Problem};
use zhenggai_storage::ledger::query::{self, Filter, Within};
use zhenggai_storage::ledger::{aspects, inspections, progress};

use crate::TestDb;

/// The account the finders read as: the demo's office reads its whole organisation.
const READER: &str = "office";

/// More rows than any list of a test's database holds.
const ALL: i64 = 100_000;

/// The day the finders read lists as of. A finder looks at what is stored, never at a
/// measure's standing (which alone depends on the day); the demo's day will do.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 25).unwrap_or_default()
}

/// A list's filter that keeps every row, on one page.
fn everything() -> Filter {
    Filter {
        page: 1,
        per_page: ALL,
        ..Filter::default()
    }
}

/// Finds a test's fixtures by name or position through storage's read functions; every
/// finder panics, naming what it looked for, when there is none.
#[allow(
    async_fn_in_trait,
    reason = "test helpers awaited where they are called; no caller needs their futures Send"
)]
pub trait Finders {
    /// The database looked in.
    fn database(&self) -> &Db;

    /// A user as the storage functions see them acting.
    async fn actor(&self, username: &str) -> Actor {
        let user = self.account(username).await;
        users::actor_of(self.database(), &user)
            .await
            .unwrap_or_else(|e| panic!("{username} cannot act: {e}"))
    }

    /// A user's account, by username.
    async fn account(&self, username: &str) -> users::User {
        users::find(self.database(), username)
            .await
            .unwrap_or_else(|e| panic!("{username}: {e}"))
            .unwrap_or_else(|| panic!("no user {username}"))
    }

    /// The id of a user, by username.
    async fn user(&self, username: &str) -> UserId {
        self.account(username).await.id
    }

    /// Every account, in id order.
    async fn accounts(&self) -> Vec<UserId> {
        let mut ids: Vec<UserId> = users::list(self.database())
            .await
            .unwrap_or_else(|e| panic!("accounts: {e}"))
            .into_iter()
            .map(|u| u.id)
            .collect();
        ids.sort();
        ids
    }

    /// The unit called `name`, by its short name (财务部) or its full name.
    async fn unit(&self, name: &str) -> UnitId {
        units::list(self.database(), None)
            .await
            .unwrap_or_else(|e| panic!("units: {e}"))
            .into_iter()
            .find(|u| u.short_name.as_deref() == Some(name) || u.name == name)
            .unwrap_or_else(|| panic!("no unit {name}"))
            .id
    }

    /// The accounts a department works under (its `unit` role: its handlers), in id
    /// order.
    async fn handlers_of(&self, unit: UnitId) -> Vec<UserId> {
        let mut ids: Vec<UserId> = users::list(self.database())
            .await
            .unwrap_or_else(|e| panic!("accounts: {e}"))
            .into_iter()
            .filter(|u| u.unit_id == unit && u.role == Role::Unit)
            .map(|u| u.id)
            .collect();
        ids.sort();
        ids
    }

    /// The inspections the demo's office reads, oldest first.
    async fn inspections(&self) -> Vec<inspections::Inspection> {
        let office = self.actor(READER).await;
        let mut list = inspections::list(self.database(), &office)
            .await
            .unwrap_or_else(|e| panic!("inspections: {e}"));
        list.sort_by_key(|i| i.id);
        list
    }

    /// The first inspection entered.
    async fn first_inspection(&self) -> InspectionId {
        self.inspections()
            .await
            .first()
            .unwrap_or_else(|| panic!("no inspection"))
            .id
    }

    /// The inspection by this group (市委第一巡察组, 市审计局).
    async fn inspection_by(&self, group: &str) -> InspectionId {
        self.inspections()
            .await
            .into_iter()
            .find(|i| i.group_name == group)
            .unwrap_or_else(|| panic!("no inspection by {group}"))
            .id
    }

    /// An inspection as the office reads it.
    async fn inspection(&self, id: InspectionId) -> inspections::Inspection {
        inspections::get(self.database(), &self.actor(READER).await, id)
            .await
            .unwrap_or_else(|e| panic!("inspection {}: {e}", id.0))
    }

    /// The first aspect (方面) entered in an inspection.
    async fn first_aspect(&self, inspection: InspectionId) -> AspectId {
        aspects::list(self.database(), inspection)
            .await
            .unwrap_or_else(|e| panic!("aspects of {}: {e}", inspection.0))
            .into_iter()
            .map(|a| a.id)
            .min()
            .unwrap_or_else(|| panic!("inspection {} has no aspect", inspection.0))
    }

    /// Every problem of the office's organisation (withdrawn ones are gone), in id
    /// order.
    async fn problems(&self) -> Vec<Problem> {
        let db = self.database();
        let office = self.actor(READER).await;
        let mut list = Vec::new();
        for i in self.inspections().await {
            let ledger = query::ledger(db, &office, i.id, i.org_id, &everything(), as_of())
                .await
                .unwrap_or_else(|e| panic!("ledger of {}: {e}", i.id.0));
            for p in ledger.aspects.into_iter().flat_map(|a| a.problems) {
                list.push(
                    problems::get(db, &office, p.id)
                        .await
                        .unwrap_or_else(|e| panic!("problem {}: {e}", p.id.0)),
                );
            }
        }
        list.sort_by_key(|p| p.id);
        list
    }

    /// The first problem entered.
    async fn first_problem(&self) -> ProblemId {
        self.problems()
            .await
            .first()
            .unwrap_or_else(|| panic!("no problem"))
            .id
    }

    /// The first problem titled so.
    async fn problem(&self, title: &str) -> ProblemId {
        self.problems()
            .await
            .into_iter()
            .find(|p| p.title == title)
            .unwrap_or_else(|| panic!("no problem titled {title}"))
            .id
    }

    /// Every measure of the office's organisation (withdrawn ones are gone), in id
    /// order.
    async fn measures(&self) -> Vec<Measure> {
        self.measures_within(Within::All).await
    }

    /// The measures of a problem still on its plan, in id order.
    async fn measures_of(&self, problem: ProblemId) -> Vec<Measure> {
        self.measures_within(Within::Problem(problem)).await
    }

    /// The measures the office reads within all inspections, one, or one problem, in
    /// id order.
    async fn measures_within(&self, within: Within) -> Vec<Measure> {
        let office = self.actor(READER).await;
        let mut list =
            query::measure_list(self.database(), &office, within, &everything(), as_of())
                .await
                .unwrap_or_else(|e| panic!("measures: {e}"))
                .measures;
        list.sort_by_key(|m| m.id);
        list
    }

    /// The first measure entered.
    async fn first_measure(&self) -> MeasureId {
        self.measures()
            .await
            .first()
            .unwrap_or_else(|| panic!("no measure"))
            .id
    }

    /// The first measure entered for a problem.
    async fn first_measure_of(&self, problem: ProblemId) -> MeasureId {
        self.measures_of(problem)
            .await
            .first()
            .unwrap_or_else(|| panic!("problem {} has no measure", problem.0))
            .id
    }

    /// The first measure whose content begins so.
    async fn measure_beginning(&self, words: &str) -> MeasureId {
        self.measures()
            .await
            .into_iter()
            .find(|m| m.content.starts_with(words))
            .unwrap_or_else(|| panic!("no measure begins {words}"))
            .id
    }

    /// The measures a unit leads in a state, in id order.
    async fn measures_led_by(&self, unit: UnitId, state: MeasureState) -> Vec<MeasureId> {
        self.measures()
            .await
            .into_iter()
            .filter(|m| m.lead_unit.id == unit && m.state == state)
            .map(|m| m.id)
            .collect()
    }

    /// A measure as the office reads it.
    async fn measure(&self, id: MeasureId) -> Measure {
        measures::get(self.database(), &self.actor(READER).await, id, as_of())
            .await
            .unwrap_or_else(|e| panic!("measure {}: {e}", id.0))
            .0
    }

    /// The progress entries of a measure, as its page lists them.
    async fn progress_of(&self, measure: MeasureId) -> Vec<progress::Progress> {
        progress::list(self.database(), measure)
            .await
            .unwrap_or_else(|e| panic!("progress of {}: {e}", measure.0))
    }

    /// The progress entry reported last (the highest id), of any measure.
    async fn last_progress(&self) -> ProgressId {
        let mut last = None;
        for m in self.measures().await {
            last = last.max(self.progress_of(m.id).await.iter().map(|p| p.id).max());
        }
        last.unwrap_or_else(|| panic!("no progress entry"))
    }
}

impl Finders for Db {
    fn database(&self) -> &Db {
        self
    }
}

impl Finders for TestDb {
    fn database(&self) -> &Db {
        &self.db
    }
}
