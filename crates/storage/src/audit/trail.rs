//! The audit trail as people read it (D21): chosen by person, action, day and words,
//! a page at a time, and the names the ids in its entries point to, so that a reader
//! sees "行政后勤部" where the entry holds unit 13.
//!
//! Who may read which part is decided by the caller (the web layer's rules by role,
//! D22): these queries only read.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

use super::Entity;
use super::versions::diff;
use crate::db::Db;
use crate::db::sql::{Sql, like_pattern, stamp};
use crate::error::FieldChange;
use crate::error::StoreResult;

/// One entry of the trail, as shown to those who may read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Position in the trail.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who, by display name; `None` for the system.
    pub actor: Option<String>,
    /// create, update, withdraw, …
    pub action: String,
    /// The table.
    pub entity: String,
    /// The record.
    pub entity_id: i64,
    /// Why, when given.
    pub reason: Option<String>,
    /// The fields changed.
    pub changes: Vec<FieldChange>,
}

/// What [`entry`] reads, in its order: the trail `a` with its person `u`.
pub(crate) const READ_COLUMNS: &str = "a.id, a.at, u.display_name, a.action, a.entity, a.entity_id, a.reason, a.before_json, a.after_json";

/// The trail of one record, oldest first.
pub async fn of_record(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT a.id, a.at, u.display_name, a.action, a.entity, a.entity_id, a.reason, a.before_json, a.after_json \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id",
    )
    .bind(entity.table())
    .bind(id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(entry).collect()
}

/// The latest entries of the whole trail, newest first (the audit administrator's view).
pub async fn recent(pool: &AnyPool, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT a.id, a.at, u.display_name, a.action, a.entity, a.entity_id, a.reason, a.before_json, a.after_json \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id ORDER BY a.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(entry).collect()
}

/// An entry as read by [`READ_COLUMNS`].
pub(crate) fn entry(r: &AnyRow) -> StoreResult<AuditEntry> {
    let parse = |s: Option<String>| {
        s.and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .unwrap_or(Value::Null)
    };
    let before = parse(r.try_get(7)?);
    let after = parse(r.try_get(8)?);
    Ok(AuditEntry {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        entity: r.try_get(4)?,
        entity_id: r.try_get(5)?,
        reason: r.try_get(6)?,
        changes: diff(&before, &after),
    })
}

/// Which entries to read; every part left `None` reads them all.
#[derive(Debug, Clone, Default)]
pub struct TrailFilter {
    /// Only the entries of this record.
    pub record: Option<(Entity, i64)>,
    /// Only what this person did.
    pub actor: Option<i64>,
    /// Only entries with this action code.
    pub action: Option<String>,
    /// From this instant on.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only entries whose reason, values or person's name hold these words.
    pub words: Option<String>,
}

impl TrailFilter {
    fn conditions(&self) -> Sql {
        let mut cond = Sql::new("1 = 1");
        if let Some((entity, id)) = self.record {
            cond.push(" AND a.entity = ")
                .bind(entity.table())
                .push(" AND a.entity_id = ")
                .bind(id);
        }
        if let Some(actor) = self.actor {
            cond.push(" AND a.actor_id = ").bind(actor);
        }
        if let Some(action) = &self.action {
            cond.push(" AND a.action = ").bind(action.as_str());
        }
        // Stored instants are one fixed-width text (`stamp`): they sort as they fall.
        if let Some(from) = self.from {
            cond.push(" AND a.at >= ").bind(stamp(from));
        }
        if let Some(until) = self.until {
            cond.push(" AND a.at < ").bind(stamp(until));
        }
        if let Some(words) = self.words.as_deref().filter(|w| !w.trim().is_empty()) {
            let pattern = like_pattern(words.trim());
            cond.push(" AND (a.reason LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR a.after_json LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR a.before_json LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR u.display_name LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
        cond
    }
}

/// One page of entries and how many match in all.
#[derive(Debug, Clone)]
pub struct TrailPage {
    /// The entries of the page.
    pub entries: Vec<AuditEntry>,
    /// Entries matching the filter.
    pub total: i64,
}

/// The entries matching `filter`: a page of `limit` after `offset`, newest first or
/// oldest first (a record's story reads from its beginning).
pub async fn read(
    db: &Db,
    filter: &TrailFilter,
    newest_first: bool,
    offset: i64,
    limit: i64,
) -> StoreResult<TrailPage> {
    let cond = filter.conditions();
    let mut count =
        Sql::new("SELECT COUNT(*) FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE ");
    count.append(&cond);
    let total: i64 = count.query().fetch_one(db.pool()).await?.try_get(0)?;
    let mut sql = Sql::new(&format!(
        "SELECT {READ_COLUMNS} FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE "
    ));
    sql.append(&cond)
        .push(if newest_first {
            " ORDER BY a.id DESC LIMIT "
        } else {
            " ORDER BY a.id LIMIT "
        })
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let entries = sql
        .query()
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(entry)
        .collect::<StoreResult<_>>()?;
    Ok(TrailPage { entries, total })
}

/// The people who appear in a record's trail, or everyone with an account for the
/// whole trail, by name: the choices of the person filter.
pub async fn people(db: &Db, record: Option<(Entity, i64)>) -> StoreResult<Vec<(i64, String)>> {
    let rows = match record {
        Some((entity, id)) => {
            sqlx::query(
                "SELECT DISTINCT u.id, u.display_name FROM audit_log a JOIN users u ON u.id = a.actor_id \
                 WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY u.display_name",
            )
            .bind(entity.table())
            .bind(id)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query("SELECT id, display_name FROM users ORDER BY display_name, id")
                .fetch_all(db.pool())
                .await?
        }
    };
    Ok(rows
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?)
}

/// What a record is called, from its own row (and its parent's, for a measure's
/// problem): one text column, `t` the record's table.
fn name_sql(entity: Entity) -> &'static str {
    match entity {
        Entity::Unit => "SELECT t.id, COALESCE(t.short_name, t.name) FROM units t",
        Entity::User => "SELECT t.id, t.display_name FROM users t",
        Entity::ApiToken => "SELECT t.id, t.name FROM api_tokens t",
        Entity::Inspection => "SELECT t.id, t.title FROM inspections t",
        Entity::Aspect => "SELECT t.id, CAST(t.ordinal AS TEXT) || '. ' || t.title FROM aspects t",
        Entity::Item => "SELECT t.id, CAST(t.ordinal AS TEXT) || '. ' || t.title FROM items t",
        Entity::Problem => {
            "SELECT t.id, CAST(t.ordinal AS TEXT) || '. ' || t.title FROM problems t"
        }
        Entity::Measure => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '.' || CAST(t.ordinal AS TEXT) || ' ' || t.content \
             FROM measures t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::MeasureUnit => {
            "SELECT t.id, COALESCE(u.short_name, u.name) FROM measure_units t JOIN units u ON u.id = t.unit_id"
        }
        Entity::Progress => "SELECT t.id, t.happened_on || ' ' || t.content FROM progress t",
        Entity::Attachment => "SELECT t.id, t.filename FROM attachments t",
        Entity::ProblemEvent => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title FROM problem_events t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::Accountability => "SELECT t.id, t.subject FROM accountability t",
        Entity::Institution => "SELECT t.id, t.title FROM institutions t",
        Entity::Recovery => "SELECT t.id, t.what FROM recoveries t",
        Entity::OutcomeLink => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title FROM outcome_links t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::LookbackRound => "SELECT t.id, t.title FROM lookback_rounds t",
        Entity::LookbackItem => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title FROM lookback_items t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::ExtensionRequest => "SELECT t.id, t.proposed_text FROM extension_requests t",
        Entity::ClosureCheck => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title FROM closure_checks t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::EventFile => "SELECT t.id, t.filename FROM event_files t",
        Entity::Import => "SELECT t.id, t.filename FROM imports t",
        Entity::CalendarYear => "SELECT t.id, CAST(t.year AS TEXT) FROM calendar_years t",
        Entity::EscalationNotice => "SELECT t.id, t.number FROM escalation_notices t",
        Entity::WeeklyReport => {
            "SELECT t.id, COALESCE(u.short_name, u.name) || ' ' || t.week FROM weekly_reports t JOIN units u ON u.id = t.unit_id"
        }
        Entity::SupervisionRound => "SELECT t.id, t.title FROM supervision_rounds t",
        Entity::RoundFinding => {
            "SELECT t.id, COALESCE(u.short_name, u.name) FROM round_findings t JOIN units u ON u.id = t.unit_id"
        }
        Entity::Hearing => "SELECT t.id, t.held_on FROM hearings t",
        Entity::HeaderWord => "SELECT t.id, t.word FROM header_words t",
        Entity::WeeklySummary => "SELECT t.id, t.week FROM weekly_summaries t",
        Entity::ClosureRules => {
            "SELECT t.id, COALESCE(u.short_name, u.name) FROM closure_rules t JOIN units u ON u.id = t.org_id"
        }
        Entity::WarningRules => {
            "SELECT t.id, COALESCE(u.short_name, u.name) FROM warning_rules t JOIN units u ON u.id = t.org_id"
        }
        Entity::WeeklyRule => {
            "SELECT t.id, COALESCE(u.short_name, u.name) FROM weekly_rules t JOIN units u ON u.id = t.org_id"
        }
        Entity::OrgChannels => {
            "SELECT t.id, COALESCE(u.short_name, u.name) FROM org_channels t JOIN units u ON u.id = t.org_id"
        }
        Entity::UserChannels => {
            "SELECT t.id, u.display_name FROM user_channels t JOIN users u ON u.id = t.user_id"
        }
        Entity::Milestone => "SELECT t.id, t.content FROM milestones t",
    }
}

/// The names of the records `wanted` points to, by entity and id; a record that does
/// not exist (an id written behind the system's back) has none.
pub async fn names(
    db: &Db,
    wanted: impl IntoIterator<Item = (Entity, i64)>,
) -> StoreResult<HashMap<(Entity, i64), String>> {
    let mut by_entity: HashMap<Entity, HashSet<i64>> = HashMap::new();
    for (entity, id) in wanted {
        by_entity.entry(entity).or_default().insert(id);
    }
    let mut names = HashMap::new();
    for entity in Entity::ALL {
        let Some(ids) = by_entity.get(&entity) else {
            continue;
        };
        let mut sql = Sql::new(name_sql(entity));
        sql.push(" WHERE t.id IN ").id_list(ids.iter().copied());
        for r in sql.query().fetch_all(db.pool()).await? {
            let name: Option<String> = r.try_get(1)?;
            names.insert((entity, r.try_get(0)?), name.unwrap_or_default());
        }
    }
    Ok(names)
}
