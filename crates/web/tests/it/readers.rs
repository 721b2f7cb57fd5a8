//! Readers: a test finds its fixtures in the domain's words (`t.unit("财务部")`,
//! `t.measure_of(problem)`) and reads what it checks the same way (`t.events_of(p)`,
//! `t.notifications_of("finance")`, `t.audit_entries_of(Entity::WeeklyReport)`), through
//! the product's own storage functions, so that a test sees what the product keeps.
//!
//! What no storage function shows — that a refused request wrote nothing anywhere, or a
//! value exactly as its row stores it — is read by [`TestApp::stored`], the one place the
//! suite reads SQL, and each caller says why.

use chrono::NaiveDate;
use zhenggai_domain::access::Actor;
use zhenggai_domain::deadline::DeadlineKind;
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::{InspectionId, MeasureId, ProblemId, Role, UnitId};
use zhenggai_storage::accounts::{units, users};
use zhenggai_storage::audit::Entity;
use zhenggai_storage::audit::trail::{self, AuditEntry, TrailFilter};
use zhenggai_storage::ledger::lifecycle::history::{self, Event};
use zhenggai_storage::ledger::measures::{self, Measure};
use zhenggai_storage::ledger::milestones::{self, Milestone};
use zhenggai_storage::ledger::problems::{self, Problem};
use zhenggai_storage::ledger::progress::{self, Progress};
use zhenggai_storage::ledger::query::{self, Filter, Within};
use zhenggai_storage::ledger::{aspects, import, inspections, lookbacks, supervision};
use zhenggai_storage::reminders::bell::{self, Notification};

use crate::util::TestApp;

/// The account the readers read as: the S1 office reads its whole organisation.
const READER: &str = "office";

/// More rows than any list of a test's database holds.
const ALL: i64 = 100_000;

/// A list's filter that keeps every row, on one page.
fn everything() -> Filter {
    Filter {
        page: 1,
        per_page: ALL,
        ..Filter::default()
    }
}

impl TestApp {
    /// "Today" on the test's clock, in Beijing.
    pub fn today_now(&self) -> NaiveDate {
        self.app.clock.today()
    }

    /// A demo user as the storage functions see them acting.
    pub async fn actor(&self, username: &str) -> Actor {
        users::actor_of(&self.app.db, &self.get_user(username).await)
            .await
            .unwrap()
    }

    /// The id of a demo user.
    pub async fn user(&self, username: &str) -> i64 {
        self.get_user(username).await.id.0
    }

    /// The unit called `name`, by its short name (财务部) or its full name.
    pub async fn unit(&self, name: &str) -> i64 {
        units::list(&self.app.db, None)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.short_name.as_deref() == Some(name) || u.name == name)
            .unwrap_or_else(|| panic!("no unit {name}"))
            .id
            .0
    }

    /// The account a department works under (its `unit` role), if it has one.
    pub async fn unit_user(&self, unit: i64) -> Option<users::User> {
        users::list(&self.app.db)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.unit_id == UnitId(unit) && u.role == Role::Unit)
    }

    /// The inspections the S1 office reads, oldest first.
    pub async fn inspections(&self) -> Vec<inspections::Inspection> {
        let mut list = inspections::list(&self.app.db, &self.actor(READER).await)
            .await
            .unwrap();
        list.sort_by_key(|i| i.id.0);
        list
    }

    /// The id of the demo inspection by this group (市委第一巡察组, 市审计局).
    pub async fn inspection_by(&self, group: &str) -> i64 {
        self.inspections()
            .await
            .into_iter()
            .find(|i| i.group_name == group)
            .unwrap_or_else(|| panic!("no inspection by {group}"))
            .id
            .0
    }

    /// An inspection as the office reads it.
    pub async fn inspection_record(&self, id: i64) -> inspections::Inspection {
        inspections::get(&self.app.db, &self.actor(READER).await, InspectionId(id))
            .await
            .unwrap()
    }

    /// The aspects (方面) of an inspection, in their order.
    pub async fn aspects(&self, inspection: i64) -> Vec<i64> {
        aspects::list(&self.app.db, InspectionId(inspection))
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id.0)
            .collect()
    }

    /// The first aspect entered in an inspection.
    pub async fn first_aspect(&self, inspection: i64) -> i64 {
        self.aspects(inspection)
            .await
            .into_iter()
            .min()
            .unwrap_or_else(|| panic!("inspection {inspection} has no aspect"))
    }

    /// The problems of an inspection as `username` reads its ledger, in id order.
    pub async fn problems_in_as(&self, username: &str, inspection: i64) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .ledger_as(username, inspection)
            .await
            .iter()
            .map(|p| p.id.0)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The rows of an inspection's ledger as `username` reads them, aspect by aspect.
    async fn ledger_as(&self, username: &str, inspection: i64) -> Vec<query::LedgerProblem> {
        let actor = self.actor(username).await;
        let i = inspections::get(&self.app.db, &actor, InspectionId(inspection))
            .await
            .unwrap();
        let filter = everything();
        query::ledger(
            &self.app.db,
            &actor,
            i.id,
            i.org_id,
            &filter,
            self.today_now(),
        )
        .await
        .unwrap()
        .aspects
        .into_iter()
        .flat_map(|a| a.problems)
        .collect()
    }

    /// Every problem of the S1 organisation, in id order.
    pub async fn problems(&self) -> Vec<Problem> {
        let office = self.actor(READER).await;
        let mut list = Vec::new();
        for i in self.inspections().await {
            for p in self.problems_in_as(READER, i.id.0).await {
                list.push(
                    problems::get(&self.app.db, &office, ProblemId(p))
                        .await
                        .unwrap(),
                );
            }
        }
        list.sort_by_key(|p| p.id.0);
        list
    }

    /// The id of the first problem titled so among those `username` reads.
    pub async fn problem_as(&self, username: &str, title: &str) -> i64 {
        let actor = self.actor(username).await;
        let mut found = Vec::new();
        for i in inspections::list(&self.app.db, &actor).await.unwrap() {
            let ledger = self.ledger_as(username, i.id.0).await;
            found.extend(ledger.iter().filter(|p| p.title == title).map(|p| p.id.0));
        }
        found
            .into_iter()
            .min()
            .unwrap_or_else(|| panic!("{username} reads no problem titled {title}"))
    }

    /// A problem as the office reads it.
    pub async fn problem_record(&self, id: i64) -> Problem {
        problems::get(&self.app.db, &self.actor(READER).await, ProblemId(id))
            .await
            .unwrap()
    }

    /// The steps taken on a problem, oldest first (its events).
    pub async fn events_of(&self, problem: i64) -> Vec<Event> {
        history::events(&self.app.db, ProblemId(problem))
            .await
            .unwrap()
    }

    /// The measures `username` sees, in id order (withdrawn ones are gone).
    pub async fn measures_as(&self, username: &str, within: Within) -> Vec<Measure> {
        let filter = everything();
        let mut list = query::measure_list(
            &self.app.db,
            &self.actor(username).await,
            within,
            &filter,
            self.today_now(),
        )
        .await
        .unwrap()
        .measures;
        list.sort_by_key(|m| m.id.0);
        list
    }

    /// Every measure of the S1 organisation, in id order.
    pub async fn measures(&self) -> Vec<Measure> {
        self.measures_as(READER, Within::All).await
    }

    /// The measures of a problem still on its plan, in id order.
    pub async fn measures_of(&self, problem: i64) -> Vec<Measure> {
        self.measures_as(READER, Within::Problem(ProblemId(problem)))
            .await
    }

    /// The first (by id) open, dated measure `unit` leads whose deadline has passed.
    pub async fn overdue_measure_of(&self, unit: &str) -> i64 {
        let unit = self.unit(unit).await;
        let today = self.today_now();
        self.measures()
            .await
            .iter()
            .find(|m| {
                m.lead_unit.id.0 == unit
                    && m.state != MeasureState::Done
                    && m.deadline.kind == DeadlineKind::Dated
                    && m.deadline.date.is_some_and(|d| d < today)
            })
            .unwrap_or_else(|| panic!("unit {unit} leads no overdue measure"))
            .id
            .0
    }

    /// The first measure entered for a problem (and not withdrawn).
    pub async fn measure_of(&self, problem: i64) -> i64 {
        self.measures_of(problem)
            .await
            .first()
            .unwrap_or_else(|| panic!("problem {problem} has no measure"))
            .id
            .0
    }

    /// A measure as the office reads it.
    pub async fn measure_record(&self, id: i64) -> Measure {
        measures::get(
            &self.app.db,
            &self.actor(READER).await,
            MeasureId(id),
            self.today_now(),
        )
        .await
        .unwrap()
        .0
    }

    /// The progress entries of a measure, as its page lists them.
    pub async fn progress_of(&self, measure: i64) -> Vec<Progress> {
        progress::list(&self.app.db, MeasureId(measure))
            .await
            .unwrap()
    }

    /// The last file attached to a measure's progress.
    pub async fn latest_attachment(&self, measure: i64) -> i64 {
        self.progress_of(measure)
            .await
            .iter()
            .flat_map(|p| p.attachments.iter().map(|a| a.id.0))
            .max()
            .unwrap_or_else(|| panic!("measure {measure} has no file"))
    }

    /// The milestones (阶段目标) of a measure still standing, earliest first.
    pub async fn milestones_of(&self, measure: i64) -> Vec<Milestone> {
        milestones::of_measure(
            &self.app.db,
            &self.actor(READER).await,
            MeasureId(measure),
            self.today_now(),
        )
        .await
        .unwrap()
        .list
    }

    /// The look-back rounds (回头看) of an inspection, newest first.
    pub async fn lookback_rounds(&self, inspection: i64) -> Vec<lookbacks::Round> {
        lookbacks::list(
            &self.app.db,
            &self.actor(READER).await,
            InspectionId(inspection),
        )
        .await
        .unwrap()
    }

    /// The supervision rounds (督查) of the S1 organisation, newest first.
    pub async fn supervision_rounds(&self) -> Vec<supervision::Round> {
        let mut rounds = supervision::rounds(&self.app.db, &self.actor(READER).await)
            .await
            .unwrap();
        rounds.sort_by_key(|r| std::cmp::Reverse(r.id));
        rounds
    }

    /// The ledger files imported into an inspection, newest first.
    pub async fn imports(&self, inspection: i64) -> Vec<import::ImportRecord> {
        import::list(
            &self.app.db,
            self.app.files.as_ref(),
            &self.actor(READER).await,
            InspectionId(inspection),
        )
        .await
        .unwrap()
    }

    /// How many of a user's notifications are unread (the bell's count).
    pub async fn unread_of(&self, username: &str) -> i64 {
        bell::unread(&self.app.db, self.get_user(username).await.id)
            .await
            .unwrap()
    }

    /// What the bell holds for a user, newest first.
    pub async fn notifications_of(&self, username: &str) -> Vec<Notification> {
        bell::list(&self.app.db, self.get_user(username).await.id, ALL)
            .await
            .unwrap()
    }

    /// The whole audit trail, oldest first.
    pub async fn audit_trail(&self) -> Vec<AuditEntry> {
        trail::read(&self.app.db, &TrailFilter::default(), false, 0, ALL)
            .await
            .unwrap()
            .entries
    }

    /// The audit entries of one kind of record (every weekly report's), oldest first.
    pub async fn audit_entries_of(&self, entity: Entity) -> Vec<AuditEntry> {
        let mut all = self.audit_trail().await;
        all.retain(|e| e.entity == entity.table());
        all
    }

    /// The audit entries of one record, oldest first.
    pub async fn audit_entries_for(&self, entity: Entity, id: i64) -> Vec<AuditEntry> {
        let mut conn = self.app.db.pool().acquire().await.unwrap();
        trail::of_record(&mut conn, entity, id).await.unwrap()
    }

    /// Reads one value straight from the database, for what no product function
    /// shows: that a refused request wrote nothing anywhere (rows of a table), or a
    /// value exactly as its row stores it. The caller says which.
    pub async fn stored<T>(&self, sql: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + Unpin,
    {
        sqlx::query_scalar(sql)
            .fetch_one(self.app.db.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// How many rows a table holds, withdrawn ones too: what a refused request must
    /// leave as it was.
    pub async fn rows_in(&self, table: &str) -> i64 {
        self.stored(&format!("SELECT COUNT(*) FROM {table}")).await
    }
}
