//! Data builders: a test makes its fixtures in the domain's words
//! (`t.new_problem().lead("财务部").claimed().measure("…", "2024年5月底前").create()`)
//! through the product's own storage functions, so that a fixture is what a person could
//! have made on the pages, with its audit entries, never by INSERT. What no person could
//! make — a row an older release left, a tamperer's change — is written by
//! [`TestApp::write_directly`] alone.

use zhenggai_domain::access::Actor;
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::{InspectionId, ProblemId, Role, UnitId};
use zhenggai_storage::accounts::{units, users};
use zhenggai_storage::audit::Change;
use zhenggai_storage::files::{Sent, Upload};
use zhenggai_storage::ledger::inspections;
use zhenggai_storage::ledger::lifecycle::{self, input::StepInput};
use zhenggai_storage::ledger::measures::{self, MeasureInput};
use zhenggai_storage::ledger::problems::{self, ProblemInput};
use zhenggai_storage::ledger::progress::{self, ProgressInput};
use zhenggai_storage::ledger::query::Within;

use crate::util::TestApp;

impl TestApp {
    /// A change made now by `actor` (the system when `None`), as the pages record one.
    pub fn change_by(&self, actor: Option<&Actor>) -> Change<'static> {
        Change {
            actor: actor.map(|a| a.user),
            at: self.app.clock.now(),
            reason: None,
        }
    }

    /// Writes behind the product's back, as no storage function would: a row an older
    /// release left, or a tamperer's change that `audit verify` must find.
    pub async fn write_directly(&self, sql: &str) {
        sqlx::query(sql)
            .execute(self.app.db.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Every measure of a problem that `unit` sees and is not done yet, marked done by
    /// that unit with a progress entry and its evidence (工作留痕), as its page would.
    pub async fn finish_measures_of(&self, problem: i64, unit: &str) {
        let actor = self.actor(unit).await;
        let evidence = [Upload {
            filename: "凭证.pdf".into(),
            bytes: crate::util::PDF.to_vec(),
        }];
        let done = ProgressInput {
            happened_on: "2024-04-24".into(),
            content: "整改完成".into(),
            mark_done: true,
        };
        for m in self
            .measures_as(unit, Within::Problem(ProblemId(problem)))
            .await
        {
            if m.state == MeasureState::Done {
                continue;
            }
            progress::add(
                &self.app.db,
                self.app.files.as_ref(),
                &actor,
                self.change_by(Some(&actor)),
                m.id,
                &done,
                &evidence,
                self.app.config.uploads,
                self.today_now(),
            )
            .await
            .unwrap_or_else(|e| panic!("{unit} cannot finish measure {}: {e}", m.id.0));
        }
    }

    /// An account made as the server's shell makes one, with its role set at once (the
    /// administrators' pages, which split the two, have their own tests).
    pub async fn add_user(&self, username: &str, unit: i64, role: Role) {
        let new = users::NewUser {
            username,
            display_name: username,
            unit: UnitId(unit),
            role,
            units_in_charge: Vec::new(),
            password: crate::util::PASSWORD,
            must_change_password: false,
        };
        let change = self.change_by(None);
        self.app
            .db
            .write(async |tx| users::insert(tx, change, &new).await)
            .await
            .unwrap();
    }

    /// A second organisation with an office account `username` and one inspection;
    /// answers the inspection's id.
    pub async fn other_organisation(&self, username: &str) -> i64 {
        let change = self.change_by(None);
        let (org, inspection) = self
            .app
            .db
            .write(async |tx| {
                let org =
                    units::insert(tx, change, None, units::UnitKind::Org, "市广播电视台", None)
                        .await?;
                let input = inspections::InspectionInput {
                    kind: "xuncha".into(),
                    title: "市委第二巡察组对市广播电视台党委的巡察".into(),
                    group_name: "市委第二巡察组".into(),
                    feedback_date: "2024-03-01".into(),
                    ..inspections::InspectionInput::default()
                };
                Ok((org, inspections::insert(tx, change, org, &input).await?))
            })
            .await
            .unwrap();
        self.add_user(username, org.0, Role::Office).await;
        inspection.0
    }

    /// A problem to build: distributed by the office in the S1 inspection, then taken
    /// as far along its lifecycle as asked.
    pub fn new_problem(&self) -> ProblemBuilder<'_> {
        ProblemBuilder {
            t: self,
            title: "测试问题".into(),
            lead: None,
            leader: None,
            measures: Vec::new(),
            claimed: false,
        }
    }
}

/// A problem to build through the product's own steps (see [`TestApp::new_problem`]).
#[must_use = "a builder makes nothing until `create`"]
pub struct ProblemBuilder<'a> {
    t: &'a TestApp,
    title: String,
    lead: Option<String>,
    leader: Option<String>,
    measures: Vec<(String, String)>,
    claimed: bool,
}

impl ProblemBuilder<'_> {
    /// Its one line.
    pub fn titled(mut self, title: &str) -> Self {
        self.title = title.into();
        self
    }

    /// 牵头单位, by its short name: the office distributes the problem to it.
    pub fn lead(mut self, unit: &str) -> Self {
        self.lead = Some(unit.into());
        self
    }

    /// 责任领导, by username.
    pub fn leader(mut self, username: &str) -> Self {
        self.leader = Some(username.into());
        self
    }

    /// A measure the lead unit leads, with its deadline as written; drafted by the
    /// lead unit once it has claimed the problem, else entered by the office.
    pub fn measure(mut self, content: &str, deadline: &str) -> Self {
        self.measures.push((content.into(), deadline.into()));
        self
    }

    /// 认领: the lead unit claims it.
    pub fn claimed(mut self) -> Self {
        self.claimed = true;
        self
    }

    /// Makes it; answers the problem's id.
    pub async fn create(self) -> i64 {
        let t = self.t;
        let db = &t.app.db;
        let office = t.actor("office").await;
        let inspection = t.inspection().await;
        let lead = match &self.lead {
            Some(name) => Some(t.unit(name).await),
            None => None,
        };
        let leader = match &self.leader {
            Some(username) => Some(t.user(username).await),
            None => None,
        };
        let input = ProblemInput {
            aspect_id: t.first_aspect(inspection).await,
            title: self.title.clone(),
            source: "inspection".into(),
            lead_unit_id: lead,
            leader_id: leader,
            ..ProblemInput::default()
        };
        let id = problems::create(
            db,
            &office,
            t.change_by(Some(&office)),
            InspectionId(inspection),
            &input,
        )
        .await
        .unwrap();
        let unit = match lead {
            Some(unit) if self.claimed => {
                let account = t
                    .unit_user(unit)
                    .await
                    .expect("the lead unit has an account");
                Some(users::actor_of(db, &account).await.unwrap())
            }
            _ => None,
        };
        if let Some(unit) = &unit {
            let claim = StepInput {
                action: "claim".into(),
                ..StepInput::default()
            };
            lifecycle::step(
                db,
                t.app.files.as_ref(),
                unit,
                t.change_by(Some(unit)),
                id,
                &claim,
                Sent::none(),
            )
            .await
            .unwrap();
        }
        let author = unit.as_ref().unwrap_or(&office);
        for (content, deadline) in &self.measures {
            let input = MeasureInput {
                content: content.clone(),
                lead_unit_id: lead.expect("a measure needs the problem's lead unit"),
                deadline: deadline.clone(),
                ..MeasureInput::default()
            };
            measures::create(db, author, t.change_by(Some(author)), id, &input)
                .await
                .unwrap();
        }
        id.0
    }
}
