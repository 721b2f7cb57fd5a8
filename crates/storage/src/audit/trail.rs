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
use sqlx::{AnyConnection, AnyPool};

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

/// An entry as [`EntryRow`] reads it: the trail `a` with its person `u`, from `audit_log a
/// LEFT JOIN users u ON u.id = a.actor_id`.
const READ: &str = "SELECT a.id, a.at, u.display_name AS actor, a.action, a.entity, a.entity_id, a.reason, \
                    a.before_json, a.after_json FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

/// An entry as stored, with its person's name.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: String,
    actor: Option<String>,
    action: String,
    entity: String,
    entity_id: i64,
    reason: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl From<EntryRow> for AuditEntry {
    fn from(r: EntryRow) -> AuditEntry {
        let parse = |s: Option<String>| {
            s.and_then(|s| serde_json::from_str::<Value>(&s).ok())
                .unwrap_or(Value::Null)
        };
        let (before, after) = (parse(r.before_json), parse(r.after_json));
        AuditEntry {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            reason: r.reason,
            changes: diff(&before, &after),
        }
    }
}

/// The trail of one record, oldest first. A row an import wrote has no entry of its
/// own for its creation: its trail starts with the import's entry (who, when, which
/// file), which holds its digest ([`super::batch`]).
pub async fn of_record(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let mut rows = sqlx::query_as::<_, EntryRow>(&format!(
        "{READ} WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id"
    ))
    .bind(entity.table())
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    if rows.first().is_none_or(|r| r.action != "create")
        && let Some(import) = import_of(conn, entity, id).await?
    {
        rows.insert(0, import);
    }
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// The entry of the import that wrote a record, if one did: the import into the
/// record's inspection at the instant the record was made (an import stamps its rows
/// with its own instant), whose digests name the record.
async fn import_of(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
) -> StoreResult<Option<EntryRow>> {
    let made = match entity {
        Entity::Aspect | Entity::Problem | Entity::Measure => format!(
            "SELECT inspection_id, created_at FROM {} WHERE id = $1",
            entity.table()
        ),
        Entity::MeasureUnit => "SELECT m.inspection_id, mu.created_at FROM measure_units mu \
             JOIN measures m ON m.id = mu.measure_id WHERE mu.id = $1"
            .to_string(),
        _ => return Ok(None),
    };
    let Some((inspection, at)) = sqlx::query_as::<_, (i64, String)>(&made)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    #[derive(sqlx::FromRow)]
    struct Batch {
        id: i64,
        digests: Option<String>,
    }
    let batches = sqlx::query_as::<_, Batch>(
        "SELECT a.id, a.digests FROM audit_log a JOIN imports i ON i.id = a.entity_id \
         WHERE a.entity = 'imports' AND a.digests IS NOT NULL AND i.inspection_id = $1 AND i.created_at = $2",
    )
    .bind(inspection)
    .bind(at)
    .fetch_all(&mut *conn)
    .await?;
    let Some(batch) = batches.into_iter().find(|b| {
        b.digests
            .as_deref()
            .is_some_and(|d| super::batch::names(d, entity.table(), id))
    }) else {
        return Ok(None);
    };
    Ok(
        sqlx::query_as::<_, EntryRow>(&format!("{READ} WHERE a.id = $1"))
            .bind(batch.id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The latest entries of the whole trail, newest first (the audit administrator's view).
pub async fn recent(pool: &AnyPool, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query_as::<_, EntryRow>(&format!("{READ} ORDER BY a.id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// Which entries to read; every part left `None` reads them all.
#[derive(Debug, Clone, Default)]
pub struct TrailFilter {
    /// Only the entries of this record.
    pub record: Option<(Entity, i64)>,
    /// Only what this person, or the system, did.
    pub actor: Option<Who>,
    /// Only entries with this action code.
    pub action: Option<String>,
    /// From this instant on.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only entries whose reason, values or person's name hold these words.
    pub words: Option<String>,
}

/// Who made an entry, as the filter chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A person, by account id.
    Person(i64),
    /// The system itself (系统): entries without a person, such as those written by the
    /// reminders and the warnings.
    System,
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
        match self.actor {
            Some(Who::Person(actor)) => {
                cond.push(" AND a.actor_id = ").bind(actor);
            }
            Some(Who::System) => {
                cond.push(" AND a.actor_id IS NULL");
            }
            None => {}
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
    let total: i64 = count.query_scalar().fetch_one(db.pool()).await?;
    let mut sql = Sql::new(&format!("{READ} WHERE "));
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
        .query_as::<EntryRow>()
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(AuditEntry::from)
        .collect();
    Ok(TrailPage { entries, total })
}

/// The people who appear in a record's trail, or everyone with an account for the
/// whole trail, by name: the choices of the person filter.
pub async fn people(db: &Db, record: Option<(Entity, i64)>) -> StoreResult<Vec<(i64, String)>> {
    #[derive(sqlx::FromRow)]
    struct Person {
        id: i64,
        display_name: String,
    }
    let rows = match record {
        Some((entity, id)) => {
            sqlx::query_as::<_, Person>(
                "SELECT DISTINCT u.id, u.display_name FROM audit_log a JOIN users u ON u.id = a.actor_id \
                 WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY u.display_name",
            )
            .bind(entity.table())
            .bind(id)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query_as::<_, Person>("SELECT id, display_name FROM users ORDER BY display_name, id")
                .fetch_all(db.pool())
                .await?
        }
    };
    Ok(rows.into_iter().map(|p| (p.id, p.display_name)).collect())
}

/// Whether the system itself (no person) made any of a record's entries, or any entry
/// of the whole trail: the person filter offers it then.
pub async fn system_acted(db: &Db, record: Option<(Entity, i64)>) -> StoreResult<bool> {
    // One such entry answers: the whole trail is not counted.
    let mut sql =
        Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM audit_log a WHERE a.actor_id IS NULL");
    if let Some((entity, id)) = record {
        sql.push(" AND a.entity = ")
            .bind(entity.table())
            .push(" AND a.entity_id = ")
            .bind(id);
    }
    sql.push(" LIMIT 1) x");
    let n: i64 = sql.query_scalar().fetch_one(db.pool()).await?;
    Ok(n > 0)
}

/// The actions a record's entries hold, so that its trail's action filter offers only
/// what happened to it.
pub async fn record_actions(db: &Db, entity: Entity, id: i64) -> StoreResult<HashSet<String>> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT action FROM audit_log WHERE entity = $1 AND entity_id = $2",
    )
    .bind(entity.table())
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().collect())
}

/// What a record is called, from its own row (and its parent's, for a measure's
/// problem): its `id` and one text column, `name`, `t` the record's table.
fn name_sql(entity: Entity) -> &'static str {
    match entity {
        Entity::Unit => "SELECT t.id, COALESCE(t.short_name, t.name) AS name FROM units t",
        Entity::User => "SELECT t.id, t.display_name AS name FROM users t",
        Entity::ApiToken => "SELECT t.id, t.name AS name FROM api_tokens t",
        Entity::Inspection => "SELECT t.id, t.title AS name FROM inspections t",
        Entity::Aspect => {
            "SELECT t.id, CAST(t.ordinal AS TEXT) || '. ' || t.title AS name FROM aspects t"
        }
        Entity::Item => {
            "SELECT t.id, CAST(t.ordinal AS TEXT) || '. ' || t.title AS name FROM items t"
        }
        Entity::Problem => {
            "SELECT t.id, CAST(t.ordinal AS TEXT) || '. ' || t.title AS name FROM problems t"
        }
        Entity::Measure => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '.' || CAST(t.ordinal AS TEXT) || ' ' || t.content \
             AS name FROM measures t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::MeasureUnit => {
            "SELECT t.id, COALESCE(u.short_name, u.name) AS name FROM measure_units t JOIN units u ON u.id = t.unit_id"
        }
        Entity::Progress => {
            "SELECT t.id, t.happened_on || ' ' || t.content AS name FROM progress t"
        }
        Entity::Attachment => "SELECT t.id, t.filename AS name FROM attachments t",
        Entity::ProblemEvent => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title AS name FROM problem_events t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::Accountability => "SELECT t.id, t.subject AS name FROM accountability t",
        Entity::Institution => "SELECT t.id, t.title AS name FROM institutions t",
        Entity::Recovery => "SELECT t.id, t.what AS name FROM recoveries t",
        Entity::OutcomeLink => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title AS name FROM outcome_links t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::LookbackRound => "SELECT t.id, t.title AS name FROM lookback_rounds t",
        Entity::LookbackItem => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title AS name FROM lookback_items t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::ExtensionRequest => {
            "SELECT t.id, t.proposed_text AS name FROM extension_requests t"
        }
        Entity::ClosureCheck => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title AS name FROM closure_checks t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::EventFile => "SELECT t.id, t.filename AS name FROM event_files t",
        Entity::Import => "SELECT t.id, t.filename AS name FROM imports t",
        Entity::CalendarYear => "SELECT t.id, CAST(t.year AS TEXT) AS name FROM calendar_years t",
        Entity::EscalationNotice => "SELECT t.id, t.number AS name FROM escalation_notices t",
        Entity::WeeklyReport => {
            "SELECT t.id, COALESCE(u.short_name, u.name) || ' ' || t.week AS name FROM weekly_reports t JOIN units u ON u.id = t.unit_id"
        }
        Entity::SupervisionRound => "SELECT t.id, t.title AS name FROM supervision_rounds t",
        Entity::RoundFinding => {
            "SELECT t.id, COALESCE(u.short_name, u.name) AS name FROM round_findings t JOIN units u ON u.id = t.unit_id"
        }
        Entity::Hearing => "SELECT t.id, t.held_on AS name FROM hearings t",
        Entity::HeaderWord => "SELECT t.id, t.word AS name FROM header_words t",
        Entity::WeeklySummary => "SELECT t.id, t.week AS name FROM weekly_summaries t",
        Entity::Archive => "SELECT t.id, t.manifest_sm3 AS name FROM archives t",
        Entity::Petition => {
            "SELECT t.id, COALESCE(t.number, t.received_on) AS name FROM petitions t"
        }
        Entity::Meeting => "SELECT t.id, t.topic AS name FROM meetings t",
        Entity::MeetingMember => {
            "SELECT t.id, u.display_name AS name FROM meeting_members t JOIN users u ON u.id = t.user_id"
        }
        Entity::Opinion => "SELECT t.id, t.received_on AS name FROM opinions t",
        Entity::Talk => "SELECT t.id, t.held_on AS name FROM talks t",
        Entity::Material => {
            "SELECT t.id, COALESCE(u.display_name, '') AS name FROM materials t LEFT JOIN users u ON u.id = t.member_id"
        }
        Entity::MeetingFinding => "SELECT t.id, t.problem AS name FROM meeting_findings t",
        Entity::MeetingRemark => "SELECT t.id, t.points AS name FROM meeting_remarks t",
        Entity::PetitionLink => {
            "SELECT t.id, CAST(p.ordinal AS TEXT) || '. ' || p.title AS name FROM petition_links t JOIN problems p ON p.id = t.problem_id"
        }
        Entity::ClosureRules => {
            "SELECT t.id, COALESCE(u.short_name, u.name) AS name FROM closure_rules t JOIN units u ON u.id = t.org_id"
        }
        Entity::WarningRules => {
            "SELECT t.id, COALESCE(u.short_name, u.name) AS name FROM warning_rules t JOIN units u ON u.id = t.org_id"
        }
        Entity::WeeklyRule => {
            "SELECT t.id, COALESCE(u.short_name, u.name) AS name FROM weekly_rules t JOIN units u ON u.id = t.org_id"
        }
        Entity::OrgChannels => {
            "SELECT t.id, COALESCE(u.short_name, u.name) AS name FROM org_channels t JOIN units u ON u.id = t.org_id"
        }
        Entity::UserChannels => {
            "SELECT t.id, u.display_name AS name FROM user_channels t JOIN users u ON u.id = t.user_id"
        }
        Entity::Milestone => "SELECT t.id, t.content AS name FROM milestones t",
    }
}

/// A record's name as [`name_sql`] reads it.
#[derive(sqlx::FromRow)]
struct NameRow {
    id: i64,
    name: Option<String>,
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
        sql.push(" WHERE t.id")
            .id_set(db.backend(), ids.iter().copied());
        for r in sql.query_as::<NameRow>().fetch_all(db.pool()).await? {
            names.insert((entity, r.id), r.name.unwrap_or_default());
        }
    }
    Ok(names)
}
