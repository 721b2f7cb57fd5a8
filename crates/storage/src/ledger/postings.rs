//! 整改结果公示 — the results posted publicly before closure: every person of the
//! organisation may read them, whichever unit they work in, since that is what posting
//! means; the inspecting side reads those of the organisations under it.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::FromRow;
use zhenggai_domain::access::Actor;
use zhenggai_domain::{ProblemId, Role};

use crate::db::Db;
use crate::db::sql::{Sql, parse_day};
use crate::error::StoreResult;

/// One posted result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostedResult {
    /// The problem.
    pub problem_id: ProblemId,
    /// Its one line.
    pub problem: String,
    /// Its aspect.
    pub aspect: String,
    /// Its inspection.
    pub inspection: String,
    /// The lead unit.
    pub lead_unit: String,
    /// The special report (专项报告) of the closure request posted.
    pub report: String,
    /// Where it is posted.
    pub place: String,
    /// First day of the period.
    pub posted_from: NaiveDate,
    /// Last day of the period.
    pub posted_until: NaiveDate,
    /// Whether the period is still running.
    pub running: bool,
    /// The problem's state now (closed once accepted).
    pub state: String,
}

/// The posted results the person may read, newest first.
pub async fn list(db: &Db, actor: &Actor, today: NaiveDate) -> StoreResult<Vec<PostedResult>> {
    let orgs = match actor.role {
        Role::Office | Role::Leader | Role::Unit | Role::Supervisor => vec![actor.org.0],
        Role::Upper => actor.orgs_below.iter().map(|o| o.0).collect(),
        // The administrators and an account without a role read no ledger.
        _ => return crate::scope::require_business(actor).map(|()| Vec::new()),
    };
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT p.id AS problem_id, p.title AS problem, a.title AS aspect, i.title AS inspection, \
           COALESCE(u.short_name, u.name, '') AS lead_unit, \
           COALESCE((SELECT e.note FROM problem_events e WHERE e.problem_id = p.id AND e.action = 'request_closure' AND e.id < c.event_id ORDER BY e.id DESC LIMIT 1), '') AS report, \
           COALESCE(c.place, '') AS place, c.posted_from, c.posted_until, p.state \
         FROM closure_checks c JOIN problems p ON p.id = c.problem_id \
         JOIN inspections i ON i.id = p.inspection_id JOIN aspects a ON a.id = p.aspect_id \
         LEFT JOIN units u ON u.id = COALESCE(p.lead_unit_id, (SELECT m.lead_unit_id FROM measures m WHERE m.problem_id = p.id AND m.withdrawn_at IS NULL ORDER BY m.ordinal LIMIT 1)) \
         WHERE c.kind = 'posting' AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL AND i.org_id IN ",
    );
    // `id_list` writes its own parentheses: `IN ((3, 14))` was a row value, which
    // both databases refuse as soon as there are two organisations.
    sql.id_list(orgs).push(" ORDER BY c.id DESC LIMIT 500");
    let rows = sql.query().fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| Ok(PostedRow::from_row(r)?.posted(today)))
        .collect()
}

/// A posted result as [`list`] selects it.
#[derive(sqlx::FromRow)]
struct PostedRow {
    problem_id: i64,
    problem: String,
    aspect: String,
    inspection: String,
    lead_unit: String,
    report: String,
    place: String,
    posted_from: String,
    posted_until: String,
    state: String,
}

impl PostedRow {
    fn posted(self, today: NaiveDate) -> PostedResult {
        let until = parse_day(&self.posted_until).unwrap_or_default();
        PostedResult {
            problem_id: ProblemId(self.problem_id),
            problem: self.problem,
            aspect: self.aspect,
            inspection: self.inspection,
            lead_unit: self.lead_unit,
            report: self.report,
            place: self.place,
            posted_from: parse_day(&self.posted_from).unwrap_or_default(),
            posted_until: until,
            running: until >= today,
            state: self.state,
        }
    }
}
