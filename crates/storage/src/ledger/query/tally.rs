//! Counts read from `measure_tallies` (migration 0033) instead of from the measures:
//! the same number, summed over a few hundred rows kept by triggers in the same
//! transaction as each change, rather than counted over every measure in scope.
//!
//! A tally row knows a measure's organisation, one unit it counts for, its state and its
//! deadline (for a long-term measure, the day it has been quiet since, migration 0038)
//! — not its inspection, aspect, leader or words. So a count comes from the
//! tallies only when nothing else narrows it; any other filter counts the measures.
//!
//! When the conditions name one unit, the same conditions also find the list's page in
//! `unit_lists` (migration 0042), which holds each unit's measures with the tallies'
//! columns, in the lists' order.

use chrono::NaiveDate;
use zhenggai_domain::Role;
use zhenggai_domain::access::Actor;

use super::Within;
use super::ends::OrgEnds;
use super::filter::{Counted, Filter};
use crate::db::sql::Sql;
use crate::scope;

/// A list's conditions on its tallies.
#[derive(Clone)]
pub(super) struct Tallied {
    /// On `measure_tallies` alias `m`: they sum to the count of the list.
    pub(super) cond: Sql,
    /// Whether they name one unit (not the organisation's row, unit 0): then they hold
    /// on `unit_lists` alias `m` too, and select the list's measures there.
    pub(super) one_unit: bool,
}

/// The conditions on `measure_tallies` alias `m` that sum to the count of the list,
/// or `None` when the list narrows by something a tally does not know.
pub(super) fn conditions(
    actor: &Actor,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
    ends: &OrgEnds,
) -> Option<Tallied> {
    let tallied = within == Within::All
        && filter.aspect.is_none()
        && filter.leader.is_none()
        && filter.q.is_none();
    if !tallied {
        return None;
    }
    let mut sql = Sql::new("m.unit_id = ");
    let one_unit;
    if let Some(orgs) = scope::ledger_orgs(actor) {
        one_unit = filter.unit.is_some();
        sql.bind(filter.unit.map_or(0, |u| u.0))
            .push(" AND m.org_id IN ")
            .id_list(orgs);
    } else if actor.role == Role::Unit && filter.unit.is_none_or(|u| u == actor.unit) {
        one_unit = true;
        sql.bind(actor.unit.0)
            .push(" AND m.org_id = ")
            .bind(actor.org.0);
    } else {
        // A leader sees the measures he is responsible for as well as his units': no
        // tally row holds that union.
        return None;
    }
    if let Some(org) = filter.org {
        sql.push(" AND m.org_id = ").bind(org.0);
    }
    filter.standing_conditions(&mut sql, today, ends, Counted::Tallies);
    Some(Tallied {
        cond: sql,
        one_unit,
    })
}
