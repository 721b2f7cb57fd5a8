//! What a person may do now: the actions a problem's page offers them, the parties who
//! may still sign its acceptance, and the problems waiting for a step of theirs (待办).

use chrono::NaiveDate;
use serde::Serialize;
use zhenggai_domain::ProblemId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::lifecycle::{self, Action, Party, Policy, ProblemState, Survey};

use super::facts::{FACT_COLUMNS, Facts, FactsRow, complete_facts, facts};
use crate::db::Db;
use crate::db::sql::Sql;
use crate::error::StoreResult;
use crate::settings::closure_rules;

/// The actions the person may take on a problem now, by code (for the page's buttons).
pub fn available(actor: &Actor, problem: &lifecycle::Problem, policy: Policy) -> Vec<&'static str> {
    let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let text = || "x".to_string();
    let candidates = [
        Action::AddMeasure,
        Action::Claim,
        Action::Dispute { reason: text() },
        Action::Assign {
            unit: problem.lead_unit,
            reason: text(),
        },
        Action::SubmitPlan,
        Action::SignPlan,
        Action::CompilePlan,
        Action::ApprovePlan {
            meeting: text(),
            on: day,
        },
        Action::ReturnPlan { reason: text() },
        Action::RequestExtension {
            to: day,
            reason: text(),
        },
        Action::Extend {
            to: day,
            reason: text(),
        },
        Action::RefuseExtension { reason: text() },
        Action::RequestClosure {
            report: text(),
            evidence: 1,
        },
        Action::ClosePhase { summary: text() },
        Action::SignClosure,
        Action::RecordAcceptance {
            party: Party::InspectionOffice,
            signer: text(),
        },
        Action::RecordAcceptance {
            party: Party::InspectionGroup,
            signer: text(),
        },
        Action::RecordAcceptance {
            party: Party::InspectedUnit,
            signer: text(),
        },
        Action::RecordSurvey {
            survey: Survey {
                surveyed: 1,
                satisfied: 1,
            },
            method: text(),
        },
        Action::PostResult { place: text() },
        Action::AcceptClosure,
        Action::ReturnClosure {
            reason: text(),
            deadline: day,
        },
        Action::Confirm,
        Action::Reopen {
            reason: text(),
            deadline: day,
        },
    ];
    let mut codes: Vec<&'static str> = candidates
        .iter()
        .filter(|a| lifecycle::apply(problem, actor, a, policy).is_ok())
        .map(Action::code)
        .collect();
    codes.dedup();
    codes
}

/// The parties that may still sign the acceptance, for this person (the page's choice).
pub fn parties_to_sign(actor: &Actor, f: &Facts) -> Vec<Party> {
    Party::ALL
        .into_iter()
        .filter(|party| {
            let sign = Action::RecordAcceptance {
                party: *party,
                signer: "x".into(),
            };
            lifecycle::apply(&f.problem, actor, &sign, f.policy).is_ok()
        })
        .collect()
}

/// What the page shows of a problem's lifecycle: its facts and the actions the person
/// may take now.
pub async fn actions_for(
    db: &Db,
    actor: &Actor,
    id: ProblemId,
    today: NaiveDate,
) -> StoreResult<(Facts, Vec<&'static str>)> {
    let mut conn = db.pool().acquire().await?;
    let f = facts(&mut conn, id, today).await?;
    let actions = available(actor, &f.problem, f.policy);
    Ok((f, actions))
}

/// A problem waiting for the person, with the steps they may take on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Waiting {
    /// The problem.
    pub problem_id: ProblemId,
    /// Its one line.
    pub title: String,
    /// Its inspection's title.
    pub inspection_title: String,
    /// Where it is.
    pub state: ProblemState,
    /// What the person may do now.
    pub actions: Vec<&'static str>,
}

/// The problems on which the person has a step to take now (待办): claims for lead units,
/// disputes and sign-offs for leaders, compiling, approval and closure for the office.
pub async fn waiting(db: &Db, actor: &Actor, today: NaiveDate) -> StoreResult<Vec<Waiting>> {
    if !matches!(
        actor.role,
        zhenggai_domain::Role::Office | zhenggai_domain::Role::Unit | zhenggai_domain::Role::Leader
    ) {
        return Ok(Vec::new());
    }
    // One query for the facts of them all, and the organisation's rules once: asked
    // problem by problem, a large organisation's home page waited over a second for
    // this list (docs/benchmarks.md). Reading the facts of every open problem still
    // cost 110 ms of each home page at 100,000 measures, so the problems that cannot
    // wait for this person are left out first, by the lifecycle's own rules:
    // - a problem being carried out, with measures still open and no extension asked,
    //   waits for no one (the rule below);
    // - a registered problem waits only for its lead unit (to claim or dispute it);
    // - a unit takes steps only on the problems it leads, a leader only on those he is
    //   responsible for or whose lead unit he has in charge (`lifecycle::apply`).
    let lead = super::facts::lead_unit!();
    let mut sql = Sql::new(&format!(
        "SELECT p.id AS problem_id, p.title, i.title AS inspection_title, {FACT_COLUMNS} FROM problems p JOIN inspections i ON i.id = p.inspection_id \
         WHERE i.org_id = "
    ));
    sql.bind(actor.org.0).push(
        " AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL \
           AND p.state IN ('registered', 'disputed', 'claimed', 'plan_submitted', 'plan_signed', 'plan_compiled', 'in_progress', 'long_term_review', 'closure_requested', 'closure_signed') \
           AND NOT (p.state = 'in_progress' \
             AND EXISTS (SELECT 1 FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL AND m.state <> 'done') \
             AND NOT EXISTS (SELECT 1 FROM extension_requests e WHERE e.problem_id = p.id AND e.decision IS NULL))",
    );
    // Led by one of `units`: its own lead unit, or (none set) its first measure's, which
    // only a problem with a measure the unit leads can have. The candidates are named as
    // one set of ids, read from the indexes of problems and measures by lead unit (and
    // of problems by leader), so that both databases start from those few and look the
    // first measure up for them alone: written as `lead_unit_id IN … OR id IN …`,
    // PostgreSQL read every open problem of the organisation instead (9 ms of a unit's
    // home page at 100,000 measures, docs/benchmarks.md).
    let candidates = |sql: &mut Sql, units: &[i64]| {
        sql.push("SELECT m.problem_id FROM measures m WHERE m.withdrawn_at IS NULL AND m.lead_unit_id IN ")
            .id_list(units.iter().copied())
            .push(" UNION ALL SELECT q.id FROM problems q WHERE q.lead_unit_id IN ")
            .id_list(units.iter().copied());
    };
    let led_by = |sql: &mut Sql, units: &[i64]| {
        sql.push(lead).push(" IN ").id_list(units.iter().copied());
    };
    match actor.role {
        zhenggai_domain::Role::Unit => {
            sql.push(" AND p.id IN (");
            candidates(&mut sql, &[actor.unit.0]);
            sql.push(") AND ");
            led_by(&mut sql, &[actor.unit.0]);
        }
        zhenggai_domain::Role::Leader => {
            let units: Vec<i64> = actor.units_in_charge.iter().map(|u| u.0).collect();
            // No units in charge: `id_list` writes `(NULL)`, which matches nothing.
            sql.push(" AND p.state <> 'registered' AND p.id IN (SELECT q.id FROM problems q WHERE q.leader_id = ")
                .bind(actor.user.0)
                .push(" UNION ALL ");
            candidates(&mut sql, &units);
            sql.push(") AND (p.leader_id = ")
                .bind(actor.user.0)
                .push(" OR ");
            led_by(&mut sql, &units);
            sql.push(")");
        }
        _ => {
            sql.push(" AND p.state <> 'registered'");
        }
    }
    sql.push(" ORDER BY i.feedback_date, p.ordinal LIMIT 2000");
    let rows: Vec<WaitingRow> = sql.query_as().fetch_all(db.pool()).await?;
    let mut conn = db.pool().acquire().await?;
    let policy = closure_rules::get(&mut conn, actor.org).await?.policy();
    let mut out = Vec::new();
    for r in rows {
        let id = ProblemId(r.problem_id);
        let (problem, feedback, version) = r.facts.read()?;
        let Facts { problem, .. } =
            complete_facts(&mut conn, id, problem, policy, feedback, version, today).await?;
        let actions = waiting_actions(&problem, available(actor, &problem, policy));
        if !actions.is_empty() {
            out.push(Waiting {
                problem_id: id,
                title: r.title,
                inspection_title: r.inspection_title,
                state: problem.state,
                actions,
            });
        }
    }
    Ok(out)
}

/// Of the steps a person may take on a problem, those that wait for them (待办): an
/// extension asked for waits for the leader who decides it, and until then the unit may
/// ask no other and the deadline runs; an approved problem waits for its lead unit only
/// once every measure is done; look-backs are decided when the round comes, and adding
/// a measure is never waiting work. [`waiting`] lists the problems where this is not
/// empty.
pub fn waiting_actions(
    problem: &lifecycle::Problem,
    offered: Vec<&'static str>,
) -> Vec<&'static str> {
    if problem.extension_pending && offered.contains(&"extend") {
        offered
            .into_iter()
            .filter(|a| matches!(*a, "extend" | "refuse_extension"))
            .collect()
    } else if problem.state == ProblemState::InProgress && problem.measures_open > 0 {
        Vec::new()
    } else {
        offered
            .into_iter()
            .filter(|a| {
                !matches!(
                    *a,
                    "extend" | "refuse_extension" | "reopen" | "confirm" | "add_measure"
                )
            })
            .collect()
    }
}

/// A problem with its facts, as [`waiting`] reads them.
#[derive(sqlx::FromRow)]
struct WaitingRow {
    problem_id: i64,
    title: String,
    inspection_title: String,
    #[sqlx(flatten)]
    facts: FactsRow,
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhenggai_domain::lifecycle::ClosureChecks;
    use zhenggai_domain::{Role, UnitId, UserId};

    /// What [`waiting`] leaves out in SQL, held to the lifecycle: whatever else is true
    /// of a registered problem, only its lead unit has a step to take on it that waits
    /// (adding a measure is not waiting work).
    #[test]
    fn a_registered_problem_waits_only_for_its_lead_unit() {
        let (org, lead) = (UnitId(1), UnitId(2));
        let actor = |role: Role, unit: UnitId| Actor {
            user: UserId(7),
            role,
            unit,
            org,
            units_in_charge: vec![lead],
            orgs_below: vec![org],
        };
        for measures_open in [0, 1] {
            for extension_pending in [false, true] {
                let problem = lifecycle::Problem {
                    state: ProblemState::Registered,
                    org,
                    lead_unit: lead,
                    leader: Some(UserId(7)),
                    measures: 1,
                    measures_open,
                    long_term_measures: 0,
                    long_term_open: 0,
                    extensions: 0,
                    extension_pending,
                    lacking_milestones: 0,
                    checks: ClosureChecks::default(),
                };
                for role in [Role::Office, Role::Leader, Role::Upper] {
                    let offered = available(&actor(role, org), &problem, Policy::default());
                    assert!(
                        offered.iter().all(|a| *a == "add_measure"),
                        "{role:?} offered {offered:?}"
                    );
                }
                let lead_unit = available(&actor(Role::Unit, lead), &problem, Policy::default());
                assert!(lead_unit.contains(&"claim"), "{lead_unit:?}");
            }
        }
    }
}
