//! 三色预警 as listed: the open measures each person sees, coloured by their own
//! organisation's rules (`settings::warning_rules`), with who each warning reaches by
//! name.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use zhenggai_domain::access::Actor;
use zhenggai_domain::calendar::Calendar;
use zhenggai_domain::warning::{Colour, Recipient, Warning, WarningRules};
use zhenggai_domain::{Role, UnitId, UserId};

use super::measures::Measure;
use super::query;
use crate::accounts::users::{self, User};
use crate::db::Db;
use crate::error::StoreResult;
use crate::settings::warning_rules::{self, Settings};

/// Who one recipient of a warning is, by name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reached {
    /// Which recipient.
    pub recipient: Recipient,
    /// The accounts it means (empty when the organisation has none, e.g. no secretary
    /// named yet).
    pub names: Vec<String>,
    /// Their user ids.
    pub users: Vec<UserId>,
}

/// A coloured measure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Warned {
    /// The measure.
    pub measure: Measure,
    /// Its warning.
    pub warning: Warning,
    /// Who it reaches.
    pub reached: Vec<Reached>,
}

/// The warnings a person sees today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Board {
    /// Measures per colour, all of them.
    pub counts: Vec<(Colour, i64)>,
    /// A page of them, the most urgent first (most overdue, then nearest deadline).
    pub warned: Vec<Warned>,
    /// Which page.
    pub page: i64,
    /// Measures a page lists.
    pub per_page: i64,
    /// The rules each colour is counted by: those of every organisation whose measures
    /// the person reads (one for most; each below it for the upper level), by name.
    pub rules: Vec<OrgRules>,
}

/// An organisation's warning rules, named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgRules {
    /// The organisation.
    pub org: super::UnitRef,
    /// Its rules (the defaults where it has set none).
    pub rules: WarningRules,
}

impl Board {
    /// Measures warned, on all pages.
    pub fn total(&self) -> i64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }
}

/// An organisation's warning settings and accounts, read once per organisation.
pub(crate) async fn org_context<'a>(
    db: &Db,
    cache: &'a mut HashMap<UnitId, (Settings, Vec<User>)>,
    org: UnitId,
) -> StoreResult<&'a (Settings, Vec<User>)> {
    Ok(match cache.entry(org) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(v) => {
            let mut conn = db.pool().acquire().await?;
            let settings = warning_rules::get(&mut conn, org).await?;
            v.insert((settings, users::of_org(db, org).await?))
        }
    })
}

/// The accounts a recipient of a measure's warning means: the lead unit's accounts,
/// the measure's leader (or the leaders in charge of its unit), the secretary named.
pub fn resolve(
    recipient: Recipient,
    lead_unit: UnitId,
    leader: Option<UserId>,
    secretary: Option<UserId>,
    people: &[User],
) -> Reached {
    let chosen: Vec<&User> = match recipient {
        Recipient::Handler => people
            .iter()
            .filter(|u| u.role == Role::Unit && u.unit_id == lead_unit)
            .collect(),
        Recipient::LeaderInCharge => match leader {
            Some(l) => people.iter().filter(|u| u.id == l).collect(),
            None => people
                .iter()
                .filter(|u| u.role == Role::Leader && u.units_in_charge.contains(&lead_unit))
                .collect(),
        },
        Recipient::Secretary => people.iter().filter(|u| Some(u.id) == secretary).collect(),
    };
    Reached {
        recipient,
        names: chosen.iter().map(|u| u.display_name.clone()).collect(),
        users: chosen.iter().map(|u| u.id).collect(),
    }
}

/// The warnings the actor sees: the measures of their scope by colour, each by its
/// own organisation's rules (the rules shown are the actor's organisation's), a page
/// (`page`, from 1, of `per_page`) of them listed.
///
/// The list pages like every other: it once listed the 200 most urgent on one page,
/// whose reading and rendering were most of the board's cost (an office's board at a
/// million measures: 4 ms of 200 rows read by id, and as much again to render them),
/// and the rest could not be reached from it.
pub async fn board(
    db: &Db,
    actor: &Actor,
    calendar: &Calendar,
    today: NaiveDate,
    (page, per_page): (i64, i64),
) -> StoreResult<Board> {
    crate::scope::require_business(actor)?;
    // Settings and accounts of every organisation in scope, read at once: one by one
    // they were three statements for each of an upper level's forty organisations.
    let orgs = crate::scope::orgs(actor);
    let mut people: HashMap<UnitId, (Settings, Vec<User>)> = warning_rules::of_orgs(db, &orgs)
        .await?
        .into_iter()
        .map(|(org, settings)| (org, (settings, Vec::new())))
        .collect();
    for (org, user) in users::of_orgs(db, &orgs).await? {
        if let Some((_, list)) = people.get_mut(&org) {
            list.push(user);
        }
    }
    let mut rules = Vec::new();
    for unit in crate::accounts::units::orgs(db, &orgs).await? {
        rules.push(OrgRules {
            org: super::UnitRef {
                id: unit.id,
                name: unit.label().to_string(),
            },
            rules: org_context(db, &mut people, unit.id).await?.0.rules.clone(),
        });
    }
    let offset = page.saturating_sub(1).saturating_mul(per_page);
    let (counts, listed) = query::warned(db, actor, today, (per_page, offset)).await?;
    let mut warned = Vec::new();
    for measure in listed {
        // Each measure by its own organisation's rules, as its reminders go out.
        let (settings, list) = org_context(db, &mut people, measure.org_id).await?;
        let Some(warning) =
            settings
                .rules
                .assess(calendar, &measure.deadline, measure.state, today)
        else {
            continue;
        };
        let secretary = settings.secretary;
        let reached = settings
            .rules
            .recipients(warning.colour)
            .iter()
            .map(|r| {
                resolve(
                    *r,
                    measure.lead_unit.id,
                    measure.leader.as_ref().map(|l| l.id),
                    secretary,
                    list,
                )
            })
            .collect();
        warned.push(Warned {
            measure,
            warning,
            reached,
        });
    }
    Ok(Board {
        counts,
        warned,
        page,
        per_page,
        rules,
    })
}
