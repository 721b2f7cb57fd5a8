//! The access rules of `zhenggai_domain::access`, as SQL conditions for lists, and the
//! refusal every operation on an organisation's ledger or settings starts from
//! ([`require_ledger`]).
//!
//! Each function returns a condition on a table alias; a list query ANDs it in. The
//! rules must agree with `Actor::measure_access` — the test suite checks every role
//! against both.

use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::Refused;
use zhenggai_domain::{Role, UnitId};

use crate::db::sql::Sql;
use crate::error::{StoreError, StoreResult};

/// The organisations whose whole ledger the actor reads (office, supervisor, upper).
pub(crate) fn ledger_orgs(actor: &Actor) -> Option<Vec<i64>> {
    match actor.role {
        Role::Office | Role::Supervisor => Some(vec![actor.org.0]),
        Role::Leader if actor.leads_whole_organisation() => Some(vec![actor.org.0]),
        Role::Upper => Some(actor.orgs_below.iter().map(|o| o.0).collect()),
        _ => None,
    }
}

/// The organisations whose measures the actor may read any of: the upper level's below
/// it, everyone else's own.
pub fn orgs(actor: &Actor) -> Vec<zhenggai_domain::UnitId> {
    ledger_orgs(actor).map_or_else(
        || vec![actor.org],
        |orgs| orgs.into_iter().map(zhenggai_domain::UnitId).collect(),
    )
}

/// The measures of one unit (lead or cooperating), as an `IN` list that the indexes
/// on lead unit and on measure_units can answer without scanning.
pub fn measures_of_units(units: &[i64]) -> Sql {
    let mut sql = Sql::new("(SELECT id FROM measures WHERE lead_unit_id IN ");
    sql.id_list(units.iter().copied())
        .push(" UNION SELECT measure_id FROM measure_units WHERE withdrawn_at IS NULL AND unit_id IN ")
        .id_list(units.iter().copied())
        .push(")");
    sql
}

/// How a list reaches the measures it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Through {
    /// A list over whole organisations (the office's home page, its measure list, the
    /// warnings board): the index on measures(org_id, state, deadline_date).
    Organisations,
    /// An inspection's, a problem's or a unit's measures, which their own indexes find.
    Narrower,
}

/// Condition on measures alias `m`: the measures the actor may read.
///
/// Reached through something narrower, the organisation is written `+m.org_id`, which
/// no index answers: given the choice, SQLite without statistics (a new database after
/// its first import) took the organisation's index for an inspection's measures and
/// read a whole organisation to export one inspection. Units and leaders always reach
/// theirs through their units.
pub fn measures(actor: &Actor, through: Through) -> Sql {
    if let Some(orgs) = ledger_orgs(actor) {
        let mut sql = Sql::new(match through {
            Through::Organisations => "m.org_id IN ",
            Through::Narrower => "+m.org_id IN ",
        });
        sql.id_list(orgs);
        return sql;
    }
    match actor.role {
        Role::Unit => {
            let mut sql = Sql::new("(+m.org_id = ");
            sql.bind(actor.org.0)
                .push(" AND m.id IN ")
                .append(&measures_of_units(&[actor.unit.0]))
                .push(")");
            sql
        }
        Role::Leader => {
            let units: Vec<i64> = actor.units_in_charge.iter().map(|u| u.0).collect();
            let mut sql = Sql::new("(+m.org_id = ");
            sql.bind(actor.org.0)
                .push(" AND (m.leader_id = ")
                .bind(actor.user.0)
                .push(" OR m.id IN ")
                .append(&measures_of_units(&units))
                .push("))");
            sql
        }
        _ => Sql::new("1 = 0"),
    }
}

/// Condition on inspections alias `i`: the inspections the actor may read — whole
/// ledgers for office, supervisor and upper level; for leaders and units, those
/// holding at least one of their measures.
pub fn inspections(actor: &Actor) -> Sql {
    if let Some(orgs) = ledger_orgs(actor) {
        let mut sql = Sql::new("i.org_id IN ");
        sql.id_list(orgs);
        return sql;
    }
    if !actor.role.reads_business_data() {
        return Sql::new("1 = 0");
    }
    let mut sql = Sql::new(
        "EXISTS (SELECT 1 FROM measures m WHERE m.inspection_id = i.id AND m.withdrawn_at IS NULL AND ",
    );
    sql.append(&measures(actor, Through::Narrower)).push(")");
    sql
}

/// Refuses unless the actor may change the organisation's ledger (who may not is told
/// the office does); hides it entirely from those who may not read it.
pub(crate) fn require_ledger(actor: &Actor, org: UnitId, need: Access) -> StoreResult<()> {
    office_does(actor, org, need, Refused::LedgerByOffice)
}

/// [`require_ledger`] for what the office alone does, refused with `why` (its settings,
/// its imports, its header words) to those who read the ledger.
pub(crate) fn office_does(
    actor: &Actor,
    org: UnitId,
    need: Access,
    why: Refused,
) -> StoreResult<()> {
    let has = actor.ledger_access(org);
    if has >= need {
        Ok(())
    } else if has >= Access::Read {
        Err(StoreError::Refused(why))
    } else {
        Err(StoreError::NotFound)
    }
}

/// Refuses a role that reads no business data (the administrators, an account without
/// a role), saying whom to turn to.
pub fn require_business(actor: &Actor) -> StoreResult<()> {
    match Refused::without_ledger(actor.role) {
        Some(why) => Err(StoreError::Refused(why)),
        None => Ok(()),
    }
}
