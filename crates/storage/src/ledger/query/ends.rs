//! Where the warning rules' windows (三色预警) end today, organisation by organisation,
//! as SQL on measures: the ledgers' status filter, the warning board and the reminders'
//! planning read the same days.

use chrono::{Duration, NaiveDate};
use zhenggai_domain::clock::from_china_time;
use zhenggai_domain::warning::WarningRules;

use crate::db::Db;
use crate::db::sql::{Sql, day, stamp};
use crate::error::StoreResult;

/// The last deadline a window of the warning rules (三色预警) reaches today, for each
/// organisation: by its own rules, or the defaults where it set none. So that the
/// ledgers' filters and the warnings' counts agree with `Standing::of` and
/// `WarningRules::colour` measure by measure.
pub(crate) struct OrgEnds {
    /// Where an organisation has not set its own rules.
    default: NaiveDate,
    /// Organisations with their own.
    orgs: Vec<(i64, NaiveDate)>,
}

/// Where the green and the yellow windows end, and the day a long-term measure must
/// have had progress since (today less the review interval), read from the rules in
/// one query (one row per organisation that set its own).
pub(crate) struct WarningEnds {
    pub(crate) green: OrgEnds,
    pub(crate) yellow: OrgEnds,
    pub(crate) review: OrgEnds,
}

impl WarningEnds {
    pub(crate) async fn load(db: &Db, today: NaiveDate) -> StoreResult<WarningEnds> {
        let defaults = WarningRules::default();
        let end = |days: i64| today + Duration::days(days);
        let ends = |days: u32| OrgEnds {
            default: end(i64::from(days)),
            orgs: Vec::new(),
        };
        let mut green = ends(defaults.green_days);
        let mut yellow = ends(defaults.yellow_days);
        let mut review = OrgEnds {
            default: end(-i64::from(defaults.long_term_days)),
            orgs: Vec::new(),
        };
        let rows = sqlx::query_as::<_, RulesRow>(
            "SELECT org_id, green_days, yellow_days, long_term_days FROM warning_rules ORDER BY org_id",
        )
        .fetch_all(db.pool())
        .await?;
        for r in rows {
            green.orgs.push((r.org_id, end(r.green_days)));
            yellow.orgs.push((r.org_id, end(r.yellow_days)));
            review.orgs.push((r.org_id, end(-r.long_term_days)));
        }
        Ok(WarningEnds {
            green,
            yellow,
            review,
        })
    }
}

/// An organisation's windows, as [`WarningEnds::load`] reads them.
#[derive(sqlx::FromRow)]
struct RulesRow {
    org_id: i64,
    green_days: i64,
    yellow_days: i64,
    long_term_days: i64,
}

/// Every state of a measure but done (`MeasureState`; a test in `filter` holds it to that).
pub(super) const OPEN_MEASURES: &str = "m.state IN ('registered', 'in_progress')";

/// Open long-term measures quiet since before their organisation's cut-off (`review`
/// of [`WarningEnds`]): the last progress, or, without any, the registration — an
/// instant, compared with the cut-off's first instant in Beijing so that the
/// registration's Beijing day counts. `Activity::review_due` in SQL, for the ledgers'
/// filter and the reminders alike; measures alias `m`.
pub(crate) fn review_due(cutoffs: &OrgEnds) -> Sql {
    // The open states named as the lists name them, so that the index on open long-term
    // measures (migration 0041, whose condition is written the same way) serves both.
    let mut sql = Sql::new(OPEN_MEASURES);
    sql.push(concat!(
        " AND m.deadline_kind = 'long_term' AND COALESCE(",
        last_progress!(),
        " < "
    ))
    .append(&cutoffs.per_org(day))
    .push(", m.created_at < ")
    .append(&cutoffs.per_org(|d| stamp(from_china_time(d.and_time(chrono::NaiveTime::MIN)))))
    .push(")");
    sql
}

/// Open dated measures that carry a colour today (三色预警): overdue, or due within
/// their organisation's green window (`green` of [`WarningEnds`]); `WarningRules::colour`
/// is `None` for the others. Measures alias `m`.
pub(crate) fn warned_today(green: &OrgEnds) -> Sql {
    let mut sql =
        Sql::new("m.state <> 'done' AND m.deadline_kind = 'dated' AND m.deadline_date <= ");
    sql.append(&green.per_org(day));
    sql
}

impl OrgEnds {
    /// The same day for every organisation.
    pub(super) fn everywhere(day: NaiveDate) -> OrgEnds {
        OrgEnds {
            default: day,
            orgs: Vec::new(),
        }
    }

    /// The day as an expression on `m.org_id`, each written as `value` writes it.
    pub(crate) fn per_org(&self, value: impl Fn(NaiveDate) -> String) -> Sql {
        let mut sql = Sql::new("");
        if self.orgs.is_empty() {
            sql.bind(value(self.default));
            return sql;
        }
        sql.push("CASE m.org_id");
        for (org, end) in &self.orgs {
            sql.push(" WHEN ")
                .bind(*org)
                .push(" THEN ")
                .bind(value(*end));
        }
        sql.push(" ELSE ").bind(value(self.default)).push(" END");
        sql
    }
}
