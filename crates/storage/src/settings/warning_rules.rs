//! 三色预警 rules an organisation sets (its office, recorded): from how many days before
//! the deadline a measure is green or yellow, whom each colour reaches, reminder days,
//! the months above which a measure needs milestones, how long a long-term measure may
//! go without progress, and the Party secretary red warnings reach.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::{Bounds, Choose, Foreign};
use zhenggai_domain::validate::{Checker, FieldError, Why};
use zhenggai_domain::warning::{Recipient, WarningRules};
use zhenggai_domain::{UnitId, UserId};

use super::require_settings;
use crate::accounts::users;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_list_of;
use crate::db::sql::{Param, Sql};
use crate::error::{StoreError, StoreResult};

/// An organisation's rules as shown and edited (the defaults until the office sets
/// them: version 0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Settings {
    /// The rules.
    pub rules: WarningRules,
    /// The Party secretary red warnings reach.
    pub secretary: Option<UserId>,
    /// Version (0 while the defaults apply), for the next save.
    pub version: i64,
}

/// The rules as entered (a form's fields or the API's JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsInput {
    /// Days before the deadline from which a measure is green.
    pub green_days: String,
    /// Days before the deadline from which it is yellow.
    pub yellow_days: String,
    /// Recipient codes of green (handler, leader, secretary).
    pub green_to: Vec<String>,
    /// Of yellow.
    pub yellow_to: Vec<String>,
    /// Of red.
    pub red_to: Vec<String>,
    /// Further reminder days before the deadline, separated by commas ("3,1").
    pub remind_days: String,
    /// Days between overdue reminders.
    pub repeat_days: String,
    /// Months above which a measure needs milestones.
    pub milestone_months: String,
    /// Days a long-term measure may go without progress.
    pub long_term_days: String,
    /// The secretary's user id, or empty.
    pub secretary: String,
    /// The version read.
    pub version: i64,
}

/// Reads reminder days as entered ("3, 1", "3，1"): largest first, each once; `None`
/// when one is not a whole number.
pub fn days_of(text: &str) -> Option<Vec<u32>> {
    let mut days = text
        .split([',', '，', '、', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u32>().ok())
        .collect::<Option<Vec<u32>>>()?;
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Some(days)
}

fn days_text(days: &[u32]) -> String {
    days.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn codes_of(list: &[Recipient]) -> String {
    list.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

/// An organisation's settings (the defaults until the office sets them).
pub async fn get(conn: &mut AnyConnection, org: UnitId) -> StoreResult<Settings> {
    let row = sqlx::query_as::<_, Stored>(&format!(
        "SELECT {STORED} FROM warning_rules WHERE org_id = $1"
    ))
    .bind(org.0)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(r) => r.settings(),
        None => Ok(Settings::default()),
    }
}

/// The settings of several organisations in one statement (the upper level's board
/// reads those of every organisation below it): each one's, or the defaults.
pub async fn of_orgs(db: &Db, orgs: &[UnitId]) -> StoreResult<HashMap<UnitId, Settings>> {
    let mut sql = Sql::new(&format!("SELECT {STORED} FROM warning_rules WHERE org_id"));
    sql.id_set(db.backend(), orgs.iter().map(|o| o.0));
    let mut out: HashMap<UnitId, Settings> = HashMap::new();
    for r in sql.query_as::<Stored>().fetch_all(db.pool()).await? {
        out.insert(UnitId(r.org_id), r.settings()?);
    }
    for org in orgs {
        out.entry(*org).or_default();
    }
    Ok(out)
}

/// The columns [`Stored`] reads.
const STORED: &str = "org_id, green_days, yellow_days, green_to, yellow_to, red_to, secretary_id, version, \
                      remind_days, repeat_days, milestone_months, long_term_days";

/// An organisation's settings as stored.
#[derive(sqlx::FromRow)]
struct Stored {
    org_id: i64,
    green_days: i64,
    yellow_days: i64,
    green_to: String,
    yellow_to: String,
    red_to: String,
    secretary_id: Option<i64>,
    version: i64,
    remind_days: String,
    repeat_days: i64,
    milestone_months: i64,
    long_term_days: i64,
}

impl Stored {
    fn settings(self) -> StoreResult<Settings> {
        let days = |v: i64| u32::try_from(v).unwrap_or(0);
        Ok(Settings {
            rules: WarningRules {
                green_days: days(self.green_days),
                yellow_days: days(self.yellow_days),
                green: code_list_of("warning_rules", "green_to", &self.green_to)?,
                yellow: code_list_of("warning_rules", "yellow_to", &self.yellow_to)?,
                red: code_list_of("warning_rules", "red_to", &self.red_to)?,
                remind_days: days_of(&self.remind_days).unwrap_or_default(),
                repeat_days: days(self.repeat_days),
                milestone_months: days(self.milestone_months),
                long_term_days: days(self.long_term_days),
            },
            secretary: self.secretary_id.map(UserId),
            version: self.version,
        })
    }
}

/// An organisation's settings, for reading: everyone in its business and those who
/// read its ledger from above.
pub async fn of_org(db: &Db, actor: &Actor, org: UnitId) -> StoreResult<Settings> {
    require_settings(actor, org, Access::Read)?;
    let mut conn = db.pool().acquire().await?;
    get(&mut conn, org).await
}

/// Sets an organisation's warning rules (its office only); recorded.
pub async fn save(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    org: UnitId,
    input: &SettingsInput,
) -> StoreResult<Settings> {
    require_settings(actor, org, Access::Edit)?;
    let mut c = Checker::default();
    let green_days = c.number("green_days", &input.green_days, 1, 180);
    let yellow_days = c.number("yellow_days", &input.yellow_days, 1, 179);
    // Left out (an older form or API client): the defaults.
    let defaults = WarningRules::default();
    let mut or_default = |field: &str, value: &str, default: u32, max: u32| {
        if value.trim().is_empty() {
            Some(default)
        } else {
            c.number(field, value, 1, max)
        }
    };
    let repeat_days = or_default("repeat_days", &input.repeat_days, defaults.repeat_days, 30);
    let milestone_months = or_default(
        "milestone_months",
        &input.milestone_months,
        defaults.milestone_months,
        36,
    );
    let long_term_days = or_default(
        "long_term_days",
        &input.long_term_days,
        defaults.long_term_days,
        366,
    );
    let remind_days = days_of(&input.remind_days);
    if remind_days.is_none() {
        c.push(FieldError::because(
            "remind_days",
            Why::Bounds(Bounds::RemindDaysWords),
        ));
    }
    let secretary = match input.secretary.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => Some(UserId(id)),
            Err(_) => {
                c.push(FieldError::because(
                    "secretary",
                    Why::Choose(Choose::Secretary),
                ));
                None
            }
        },
    };
    // A code this build does not know is refused at its field, not dropped: dropping
    // it would quietly take someone off the warnings.
    let mut pick = |field: &str, codes: &[String]| -> Vec<Recipient> {
        if codes
            .iter()
            .any(|code| Recipient::from_code(code).is_none())
        {
            c.push(FieldError::because(field, Why::UnknownChoice));
        }
        Recipient::ALL
            .into_iter()
            .filter(|r| codes.iter().any(|c| c == r.code()))
            .collect()
    };
    let rules = WarningRules {
        green_days: green_days.unwrap_or_default(),
        yellow_days: yellow_days.unwrap_or_default(),
        green: pick("green_to", &input.green_to),
        yellow: pick("yellow_to", &input.yellow_to),
        red: pick("red_to", &input.red_to),
        remind_days: remind_days.clone().unwrap_or_default(),
        repeat_days: repeat_days.unwrap_or(1),
        milestone_months: milestone_months.unwrap_or(defaults.milestone_months),
        long_term_days: long_term_days.unwrap_or(defaults.long_term_days),
    };
    if green_days.is_some()
        && yellow_days.is_some()
        && remind_days.is_some()
        && repeat_days.is_some()
        && milestone_months.is_some()
        && long_term_days.is_some()
        && let Err(errors) = rules.check()
    {
        for e in errors {
            c.push(e);
        }
    }
    c.finish()?;
    if let Some(id) = secretary {
        let leaders = users::leaders(db, org).await?;
        if !leaders.iter().any(|l| l.id == id) {
            return Err(StoreError::because(
                "secretary",
                Why::Foreign(Foreign::Secretary),
            ));
        }
    }
    let fields = [
        ("green_days", Param::from(i64::from(rules.green_days))),
        ("yellow_days", Param::from(i64::from(rules.yellow_days))),
        ("green_to", Param::from(codes_of(&rules.green))),
        ("yellow_to", Param::from(codes_of(&rules.yellow))),
        ("red_to", Param::from(codes_of(&rules.red))),
        ("secretary_id", Param::from(secretary.map(|s| s.0))),
        ("remind_days", Param::from(days_text(&rules.remind_days))),
        ("repeat_days", Param::from(i64::from(rules.repeat_days))),
        (
            "milestone_months",
            Param::from(i64::from(rules.milestone_months)),
        ),
        (
            "long_term_days",
            Param::from(i64::from(rules.long_term_days)),
        ),
    ];
    db.write(async |tx| {
        audit::versions::upsert(
            tx,
            change,
            Entity::WarningRules,
            ("org_id", org.0),
            Some(input.version),
            &fields,
        )
        .await?;
        get(tx.conn(), org).await
    })
    .await
}
