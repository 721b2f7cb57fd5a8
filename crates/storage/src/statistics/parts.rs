//! Each inspection's figures kept until the ledger changes that inspection (issue 23's
//! speed while the ledger is written): a scope's figures are the sum of its
//! inspections' (`domain::statistics::merge`), so after a progress note the upper
//! level's map over two hundred inspections recomputes the one inspection the note
//! changed, not every measure it oversees.
//!
//! What says an inspection changed: the trail. Every change to a record appends an
//! entry naming it to an audit chain, in the same transaction (D21), and an import's
//! one entry names its inspection. So the entries appended since the chains' positions
//! last read — found by chain and position, which only rise and are read as committed
//! — name every record changed since, and each record names its inspection ([`reach`]).
//! A part is kept under the positions it is known to be current at: it is dropped as
//! soon as an entry for its inspection is found, and a part computed while that entry
//! was being found is never filed (the generations below). Anything that cannot be
//! placed — an entry whose image does not name its inspection, a change to the
//! calendar, more entries than are worth reading — drops every part: never stale,
//! at worst computed again.
//!
//! In debug builds each scope's sum is also checked against its figures computed whole
//! (`super::gather`), so every test that reads a map or a figure after a change checks
//! this module too.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::NaiveDate;
use serde_json::Value as Json;
use sqlx::AnyConnection;
use zhenggai_domain::statistics::Statistics;
use zhenggai_domain::statistics::burn_down::ProblemHistory;

use super::facts::{AspectRow, ProblemTitle};
use crate::audit::Entity;
use crate::db::Db;
use crate::db::sql::Sql;
use crate::error::StoreResult;

/// More entries than this since the last look, and every part is dropped rather than
/// each entry placed (an import, a migration, a long quiet spell of the readers).
const MOST_ENTRIES: i64 = 5_000;

/// At most this many parts are kept (an inspection's figures for one day): every
/// inspection of a large upper level's scope, today and a past day or two.
const MOST_PARTS: usize = 2_000;

/// One inspection's figures on a day, with what the map names its rows by.
#[derive(Debug)]
pub(crate) struct Part {
    /// Its figures.
    pub(super) stats: Statistics,
    /// Its aspects as they stood, in the ledger's order.
    pub(super) aspects: Vec<AspectRow>,
    /// Its problems as they stood, in the ledger's order.
    pub(super) problems: Vec<ProblemTitle>,
}

/// Which part: an inspection's figures of `day`, asked on `today` (today's read the
/// rows as they are, a past day's rewinds them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PartKey {
    pub(super) inspection: i64,
    pub(super) day: NaiveDate,
    pub(super) today: NaiveDate,
}

impl PartKey {
    /// Whether the part is a past day's, which no change made since can alter: every
    /// entry written now is after the day's end, and a row's first entry after the day
    /// holds it as it stood then (`audit::rewind`), whether that entry was written
    /// before the part was computed or after. So a past day's parts outlive the
    /// changes that drop today's, and the upper level's report of 31 March is computed
    /// once, not again after every progress note. Only what is taken as a change to
    /// everything — the calendar, a trail not placed — drops them too.
    fn stands(&self) -> bool {
        self.day < self.today
    }
}

/// The parts of one database, kept in its memo ([`of`]).
#[derive(Debug, Default)]
pub(crate) struct Parts {
    /// One catch-up with the trail at a time: each reads the entries since the last.
    catching_up: tokio::sync::Mutex<()>,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Each chain's position up to which every part held is current; `None` before the
    /// first look.
    heads: Option<HashMap<i64, i64>>,
    /// The sum of `heads`.
    sum: i64,
    /// Rises with every catch-up that found a change.
    generation: u64,
    /// The generation at which each inspection was last found changed.
    changed: HashMap<i64, u64>,
    /// The generation at which every inspection was last taken as changed.
    all_changed: u64,
    parts: HashMap<PartKey, Arc<Part>>,
    /// Each inspection's problems with the days of their steps (the burn-down).
    histories: HashMap<i64, Arc<Vec<ProblemHistory>>>,
}

impl Inner {
    /// Whether a part read in `generation` may be filed: a past day's stands unless
    /// everything was taken as changed ([`PartKey::stands`]), today's unless its
    /// inspection changed since.
    fn fileable(&self, key: &PartKey, generation: Generation) -> bool {
        if key.stands() {
            self.all_changed <= generation.0
        } else {
            self.current(key.inspection, generation)
        }
    }

    /// Whether what was read in `generation` about `inspection` is still current.
    fn current(&self, inspection: i64, generation: Generation) -> bool {
        let changed = self
            .changed
            .get(&inspection)
            .copied()
            .unwrap_or(0)
            .max(self.all_changed);
        changed <= generation.0
    }
}

/// A generation: parts computed from facts read after it began are current in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Generation(u64);

/// The parts kept beside `db` (shared by its clones).
pub(crate) fn of(db: &Db) -> Arc<Parts> {
    db.memo().kept::<Parts>()
}

impl Parts {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock only means a holder panicked between plain assignments.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Catches up with the trail and answers the generation in which the parts now
    /// held are current; `None` where entries are not chained (nothing is kept then).
    /// `state` is the ledger's state (`cache::state`) read before the facts of anything
    /// computed to be filed, and before this.
    pub(crate) async fn catch_up(
        &self,
        conn: &mut AnyConnection,
        state: Option<i64>,
    ) -> StoreResult<Option<Generation>> {
        // Not chained: nothing is kept.
        let Some(sum) = state else {
            return Ok(None);
        };
        // Positions only rise, so an unchanged sum is an unchanged trail: no waiting for
        // another reader's catch-up while nothing is written.
        {
            let inner = self.inner();
            if inner.heads.is_some() && sum == inner.sum {
                return Ok(Some(Generation(inner.generation)));
            }
        }
        let _one = self.catching_up.lock().await;
        let now = heads(conn).await?;
        let since = self.inner().heads.clone();
        let touched = match since {
            None => Touched::All,
            Some(since) if since == now => {
                let mut inner = self.inner();
                inner.sum = now.values().sum();
                return Ok(Some(Generation(inner.generation)));
            }
            Some(since) => touched(conn, &since, &now).await?,
        };
        let mut inner = self.inner();
        inner.generation += 1;
        let generation = inner.generation;
        match touched {
            Touched::All => {
                inner.all_changed = generation;
                inner.changed.clear();
                inner.parts.clear();
                inner.histories.clear();
            }
            Touched::These(ids) => {
                for id in &ids {
                    inner.changed.insert(*id, generation);
                }
                inner
                    .parts
                    .retain(|k, _| k.stands() || !ids.contains(&k.inspection));
                inner.histories.retain(|k, _| !ids.contains(k));
            }
        }
        inner.sum = now.values().sum();
        inner.heads = Some(now);
        Ok(Some(Generation(generation)))
    }

    /// The part of `key`, if one is held.
    pub(crate) fn get(&self, key: &PartKey) -> Option<Arc<Part>> {
        self.inner().parts.get(key).cloned()
    }

    /// Files a part computed from facts read in `generation`, unless its inspection
    /// was found changed since.
    pub(crate) fn put(&self, key: PartKey, part: Arc<Part>, generation: Generation) {
        let mut inner = self.inner();
        if !inner.fileable(&key, generation) {
            return;
        }
        if inner.parts.len() >= MOST_PARTS {
            // Other days first; then everything, to be computed again as asked.
            inner
                .parts
                .retain(|k, _| k.day == key.day && k.today == key.today);
            if inner.parts.len() >= MOST_PARTS {
                inner.parts.clear();
            }
        }
        inner.parts.insert(key, part);
    }

    /// The histories of an inspection's problems, if held.
    pub(crate) fn histories(&self, inspection: i64) -> Option<Arc<Vec<ProblemHistory>>> {
        self.inner().histories.get(&inspection).cloned()
    }

    /// Files an inspection's histories read in `generation`, unless it was found
    /// changed since.
    pub(crate) fn put_histories(
        &self,
        inspection: i64,
        histories: Arc<Vec<ProblemHistory>>,
        generation: Generation,
    ) {
        let mut inner = self.inner();
        if !inner.current(inspection, generation) {
            return;
        }
        if inner.histories.len() >= MOST_PARTS {
            inner.histories.clear();
        }
        inner.histories.insert(inspection, histories);
    }
}

/// Each chain's position as committed.
async fn heads(conn: &mut AnyConnection) -> StoreResult<HashMap<i64, i64>> {
    Ok(
        sqlx::query_as::<_, (i64, i64)>("SELECT chain, seq FROM audit_heads")
            .fetch_all(conn)
            .await?
            .into_iter()
            .collect(),
    )
}

/// The inspections changed between two readings of the chains' positions.
#[derive(Debug, PartialEq, Eq)]
enum Touched {
    /// Some, by id.
    These(BTreeSet<i64>),
    /// Any of them, as far as is known.
    All,
}

/// How a record of an entity reaches the inspection whose figures it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reach {
    /// It is an inspection: the entry's own id.
    Itself,
    /// Its row names its inspection (`inspection_id`).
    Inspection,
    /// Its row names an aspect (`aspect_id`), which names the inspection.
    Aspect,
    /// Its row names a problem (`problem_id`), which names the inspection.
    Problem,
    /// Its row names an organisation (`org_id`): all its inspections.
    Organisation,
    /// Any inspection.
    Everything,
    /// No figure reads it.
    Nothing,
}

/// Which inspections' figures a change to a record of `entity` can change: the tables
/// `facts::read` reads, and an import's one entry for the rows it wrote in bulk. Every
/// entity is named, so a new one must be placed here before it compiles.
fn reach(entity: Entity) -> Reach {
    match entity {
        Entity::Inspection => Reach::Itself,
        Entity::Aspect
        | Entity::Problem
        | Entity::Measure
        | Entity::Accountability
        | Entity::Institution
        | Entity::Recovery
        | Entity::Petition
        | Entity::Import => Reach::Inspection,
        Entity::Item => Reach::Aspect,
        // The closure and look-back steps.
        Entity::ProblemEvent => Reach::Problem,
        // The due-soon window.
        Entity::WarningRules => Reach::Organisation,
        // Whether a day is a working day could move a window: rare enough to start over.
        Entity::CalendarYear => Reach::Everything,
        // Read by no figure: names are read with each answer, a measure's cooperating
        // units, progress, files and links are not counted, and every decision they
        // lead to changes a problem or measure with an entry of its own.
        Entity::Unit
        | Entity::User
        | Entity::ApiToken
        | Entity::MeasureUnit
        | Entity::Progress
        | Entity::Attachment
        | Entity::OutcomeLink
        | Entity::LookbackRound
        | Entity::LookbackItem
        | Entity::ExtensionRequest
        | Entity::ClosureRules
        | Entity::ClosureCheck
        | Entity::EventFile
        | Entity::EscalationNotice
        | Entity::WeeklyRule
        | Entity::WeeklyReport
        | Entity::SupervisionRound
        | Entity::RoundFinding
        | Entity::Hearing
        | Entity::OrgChannels
        | Entity::UserChannels
        | Entity::Milestone
        | Entity::HeaderWord
        | Entity::WeeklySummary
        | Entity::Archive
        | Entity::PetitionLink
        | Entity::Meeting
        | Entity::MeetingMember
        | Entity::Opinion
        | Entity::Talk
        | Entity::Material
        | Entity::MeetingFinding
        | Entity::MeetingRemark => Reach::Nothing,
    }
}

/// The column of a row's image that [`Reach`] follows.
fn column(reach: Reach) -> Option<&'static str> {
    match reach {
        Reach::Inspection => Some("inspection_id"),
        Reach::Aspect => Some("aspect_id"),
        Reach::Problem => Some("problem_id"),
        Reach::Organisation => Some("org_id"),
        Reach::Itself | Reach::Everything | Reach::Nothing => None,
    }
}

/// An id in a row's image, written as a number or as its digits.
fn id_in(image: &Json, column: &str) -> Option<i64> {
    match image.get(column)? {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The inspections the entries appended between `since` and `now` changed.
async fn touched(
    conn: &mut AnyConnection,
    since: &HashMap<i64, i64>,
    now: &HashMap<i64, i64>,
) -> StoreResult<Touched> {
    let mut ranges = Vec::new();
    let mut count = 0i64;
    for (chain, seq) in now {
        let from = since.get(chain).copied().unwrap_or(0);
        if *seq < from {
            // Positions only rise: a trail not as it was is not placed.
            return Ok(Touched::All);
        }
        if *seq > from {
            ranges.push((*chain, from, *seq));
            count = count.saturating_add(seq - from);
        }
    }
    if since.keys().any(|c| !now.contains_key(c)) || count > MOST_ENTRIES {
        return Ok(Touched::All);
    }

    // Only the images of what reaches an inspection through its row are read.
    let through_rows: Vec<String> = Entity::ALL
        .into_iter()
        .filter(|e| column(reach(*e)).is_some())
        .map(|e| format!("'{}'", e.table()))
        .collect();
    let mut by_row: HashMap<Reach, BTreeSet<i64>> = HashMap::new();
    let mut ids = BTreeSet::new();
    for chunk in ranges.chunks(100) {
        let mut sql = Sql::new(&format!(
            "SELECT entity, entity_id, \
             CASE WHEN entity IN ({list}) THEN before_json END, \
             CASE WHEN entity IN ({list}) THEN after_json END \
             FROM audit_log WHERE ",
            list = through_rows.join(", ")
        ));
        for (i, (chain, from, to)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("(chain = ")
                .bind(*chain)
                .push(" AND seq > ")
                .bind(*from)
                .push(" AND seq <= ")
                .bind(*to)
                .push(")");
        }
        let rows = sql
            .query_as::<(String, i64, Option<String>, Option<String>)>()
            .fetch_all(&mut *conn)
            .await?;
        for (entity, id, before, after) in rows {
            // An entry of no table (the trail's own markers) changes no figure.
            let Some(entity) = Entity::from_table(&entity) else {
                continue;
            };
            let reach = reach(entity);
            match (reach, column(reach)) {
                (Reach::Nothing, _) => {}
                (Reach::Everything, _) => return Ok(Touched::All),
                (Reach::Itself, _) => {
                    ids.insert(id);
                }
                (_, Some(column)) => {
                    // Both images: a row moved from one inspection changed both.
                    let named: Vec<i64> = [before, after]
                        .iter()
                        .flatten()
                        .filter_map(|text| serde_json::from_str::<Json>(text).ok())
                        .filter_map(|image| id_in(&image, column))
                        .collect();
                    if named.is_empty() {
                        return Ok(Touched::All);
                    }
                    by_row.entry(reach).or_default().extend(named);
                }
                (_, None) => return Ok(Touched::All),
            }
        }
    }
    for (reach, named) in by_row {
        let found = match reach {
            Reach::Inspection => {
                ids.extend(named);
                continue;
            }
            Reach::Aspect => "SELECT DISTINCT inspection_id FROM aspects WHERE id IN ",
            Reach::Problem => "SELECT DISTINCT inspection_id FROM problems WHERE id IN ",
            Reach::Organisation => "SELECT id FROM inspections WHERE org_id IN ",
            Reach::Itself | Reach::Everything | Reach::Nothing => continue,
        };
        let mut sql = Sql::new(found);
        sql.id_list(named.iter().copied());
        ids.extend(sql.query_scalar::<i64>().fetch_all(&mut *conn).await?);
    }
    Ok(Touched::These(ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_a_figure_reads_reaches_its_inspection() {
        for entity in Entity::ALL {
            let reach = reach(entity);
            // What reaches through a row names the column it follows.
            assert_eq!(
                column(reach).is_some(),
                matches!(
                    reach,
                    Reach::Inspection | Reach::Aspect | Reach::Problem | Reach::Organisation
                ),
                "{entity:?}"
            );
        }
        for read in [
            Entity::Inspection,
            Entity::Aspect,
            Entity::Item,
            Entity::Problem,
            Entity::Measure,
            Entity::ProblemEvent,
            Entity::Accountability,
            Entity::Institution,
            Entity::Recovery,
            Entity::Petition,
            Entity::WarningRules,
            Entity::Import,
        ] {
            assert_ne!(reach(read), Reach::Nothing, "{read:?}");
        }
    }

    #[test]
    fn ids_are_read_as_numbers_or_digits() {
        let image: Json = serde_json::json!({"inspection_id": 7, "aspect_id": "12", "x": null});
        assert_eq!(id_in(&image, "inspection_id"), Some(7));
        assert_eq!(id_in(&image, "aspect_id"), Some(12));
        assert_eq!(id_in(&image, "x"), None);
        assert_eq!(id_in(&image, "problem_id"), None);
    }
}
