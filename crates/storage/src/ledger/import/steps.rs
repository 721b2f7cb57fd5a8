//! The steps a commit takes in its transaction, in order: the aspects found or made,
//! the rows grouped into problems (their items found or made on the way), the problems,
//! then their measures with the units cooperating on them. Each writes its rows in bulk
//! statements with their audit entries.

use std::collections::{HashMap, HashSet};

use zhenggai_domain::inspection::ProblemSource;
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::reason::Import;
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{AspectId, InspectionId, ItemId, UnitId, UserId};
use zhenggai_spreadsheet::{Reading, Row};

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Param, day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::ledger::aspects::{self, TitleInput};

/// The units and leaders the file's names mean.
pub(super) struct Names<'a> {
    /// Each name with its unit: matched, mapped or created.
    pub units: Vec<(String, UnitId)>,
    /// Each leader's name with the account's id.
    pub leaders: &'a [(String, i64)],
}

impl Names<'_> {
    fn unit(&self, name: &str) -> Option<UnitId> {
        self.units.iter().find(|(n, _)| n == name).map(|(_, u)| *u)
    }

    fn leader(&self, name: &str) -> Option<UserId> {
        self.leaders
            .iter()
            .find(|(n, _)| n == name.trim())
            .map(|(_, id)| UserId(*id))
    }
}

/// A problem as the file groups it: its aspect, item and text.
type ProblemKey = (AspectId, Option<ItemId>, String);

/// A problem with its measures' rows, in the file's order.
pub(super) type Group<'r> = (ProblemKey, Vec<&'r Row>);

/// The aspects the rows name: the inspection's own with the same title, and the others
/// created in the file's order, numbered after the inspection's last. Answers the
/// aspect of each title, and how many were created.
pub(super) async fn aspects_found_or_made(
    db: &Db,
    tx: &mut Tx,
    change: Change<'_>,
    inspection: InspectionId,
    reading: &Reading,
) -> StoreResult<(HashMap<String, AspectId>, usize)> {
    let mut aspect_of: HashMap<String, AspectId> = aspects::list(db, inspection)
        .await?
        .into_iter()
        .map(|a| (a.title, a.id))
        .collect();
    let mut fresh: Vec<&String> = Vec::new();
    let mut seen: HashSet<&String> = HashSet::new();
    for row in &reading.rows {
        if !aspect_of.contains_key(&row.aspect) && seen.insert(&row.aspect) {
            fresh.push(&row.aspect);
        }
    }
    let created = fresh.len();
    if fresh.is_empty() {
        return Ok((aspect_of, created));
    }
    let last = last_ordinal(tx, "aspects", inspection).await?;
    let at = stamp(change.at);
    let rows = fresh
        .iter()
        .enumerate()
        .map(|(k, title)| {
            let title = TitleInput {
                title: title.to_string(),
            }
            .check()?;
            Ok(vec![
                Param::from(inspection.0),
                Param::from(last + 1 + k as i64),
                Param::from(title),
                Param::from(at.clone()),
                Param::from(1),
            ])
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let columns = ["inspection_id", "ordinal", "title", "created_at", "version"];
    let ids = audit::write::insert_many(tx, Entity::Aspect, &columns, rows).await?;
    for (title, id) in fresh.into_iter().zip(ids) {
        aspect_of.insert(title.clone(), AspectId(id));
    }
    Ok((aspect_of, created))
}

/// The rows grouped into problems in the order the file gives them (by aspect, item and
/// text), each with its measures' rows. The items (项) the rows name are found or made
/// on the way; a row whose lead unit no name maps refuses the import.
pub(super) async fn problems_grouped<'r>(
    tx: &mut Tx,
    change: Change<'_>,
    reading: &'r Reading,
    aspect_of: &HashMap<String, AspectId>,
    names: &Names<'_>,
) -> StoreResult<Vec<Group<'r>>> {
    let mut items: Vec<((AspectId, String), ItemId)> = Vec::new();
    let mut keys: HashMap<ProblemKey, usize> = HashMap::new();
    let mut groups: Vec<Group<'r>> = Vec::new();
    for row in &reading.rows {
        let aspect = *aspect_of
            .get(&row.aspect)
            .ok_or_else(|| anyhow::anyhow!("every aspect was found or made above"))?;
        let item = match &row.item {
            None => None,
            Some(title) => Some(item_found_or_made(tx, change, &mut items, aspect, title).await?),
        };
        if names.unit(&row.lead_unit).is_none() {
            return Err(StoreError::because(
                "units",
                Why::Import(Box::new(Import::LeadUnitUnmapped {
                    row: row.row,
                    name: row.lead_unit.clone(),
                })),
            ));
        }
        let key = (aspect, item, row.problem.clone());
        match keys.get(&key) {
            Some(i) => groups[*i].1.push(row),
            None => {
                keys.insert(key.clone(), groups.len());
                groups.push((key, vec![row]));
            }
        }
    }
    Ok(groups)
}

/// The item of an aspect with a title: one this import made already, or a new one
/// (its title cut to 200 characters).
async fn item_found_or_made(
    tx: &mut Tx,
    change: Change<'_>,
    items: &mut Vec<((AspectId, String), ItemId)>,
    aspect: AspectId,
    title: &str,
) -> StoreResult<ItemId> {
    if let Some((_, id)) = items.iter().find(|((a, t), _)| *a == aspect && t == title) {
        return Ok(*id);
    }
    let title: String = title.chars().take(200).collect();
    let id = aspects::insert_item(tx, change, aspect, &title).await?;
    items.push(((aspect, title), id));
    Ok(id)
}

/// Whether each problem's ledger says some measure is done or under way: its plan is
/// then behind it, and it comes in 整改中 with its measures' deadlines frozen as the
/// baseline, so that no measure is under way under a problem still only registered.
pub(super) fn started(groups: &[Group<'_>]) -> Vec<bool> {
    groups
        .iter()
        .map(|(_, rows)| {
            rows.iter().any(|r| {
                r.reported
                    .is_some_and(|s| s.measure_state() != MeasureState::Registered)
            })
        })
        .collect()
}

/// The columns of a problem's row, in the order [`problem_row`] gives its values.
const PROBLEM_COLUMNS: [&str; 15] = [
    "inspection_id",
    "aspect_id",
    "item_id",
    "ordinal",
    "title",
    "description",
    "source",
    "lead_unit_id",
    "leader_id",
    "created_at",
    "origin",
    "state",
    "version",
    "extensions",
    "not_public",
];

/// The problems, numbered after the inspection's last; those [`started`] come in
/// 整改中. Answers their ids, in the groups' order.
pub(super) async fn problems_inserted(
    tx: &mut Tx,
    change: Change<'_>,
    inspection: InspectionId,
    groups: &[Group<'_>],
    started: &[bool],
    names: &Names<'_>,
) -> StoreResult<Vec<i64>> {
    let last = last_ordinal(tx, "problems", inspection).await?;
    let at = stamp(change.at);
    let rows: Vec<Vec<Param>> = groups
        .iter()
        .zip(started)
        .enumerate()
        .map(|(i, (group, started))| {
            let ordinal = last + 1 + i as i64;
            problem_row(inspection, ordinal, group, *started, names, &at)
        })
        .collect();
    audit::write::insert_many(tx, Entity::Problem, &PROBLEM_COLUMNS, rows).await
}

/// A problem's values: its text split into a title and description, the lead unit and
/// leader of its first row, where in the file it came from.
fn problem_row(
    inspection: InspectionId,
    ordinal: i64,
    ((aspect, item, text), rows): &Group<'_>,
    started: bool,
    names: &Names<'_>,
    at: &str,
) -> Vec<Param> {
    let first = rows[0];
    let (title, description) = split_title(text);
    let state = if started {
        ProblemState::InProgress
    } else {
        ProblemState::Registered
    };
    vec![
        Param::from(inspection.0),
        Param::from(aspect.0),
        Param::from(item.map(|i| i.0)),
        Param::from(ordinal),
        Param::from(title),
        Param::from(description),
        Param::from(ProblemSource::Inspection.code()),
        Param::from(names.unit(&first.lead_unit).map(|u| u.0)),
        Param::from(names.leader(&first.leader).map(|u| u.0)),
        Param::from(at.to_string()),
        Param::from(format!("{}!{}", first.sheet, first.row)),
        Param::from(state.code()),
        Param::from(1),
        Param::from(0),
        // An imported problem may be published until the office marks it.
        Param::from(0),
    ]
}

/// The columns of a measure's row, in the order [`measure_row`] gives its values.
const MEASURE_COLUMNS: [&str; 19] = [
    "problem_id",
    "inspection_id",
    "org_id",
    "ordinal",
    "content",
    "lead_unit_id",
    "leader_id",
    "responsible_person",
    "target",
    "deadline_text",
    "deadline_kind",
    "deadline_date",
    "deadline_precision",
    "state",
    "created_at",
    "origin",
    "version",
    "original_deadline_text",
    "original_deadline_date",
];

/// The problems' measures, numbered within each problem, with the units cooperating on
/// them. Answers how many measures were made.
pub(super) async fn measures_inserted(
    tx: &mut Tx,
    change: Change<'_>,
    (org, inspection): (UnitId, InspectionId),
    (groups, problem_ids): (&[Group<'_>], &[i64]),
    started: &[bool],
    names: &Names<'_>,
) -> StoreResult<usize> {
    let at = stamp(change.at);
    let mut rows: Vec<Vec<Param>> = Vec::new();
    let mut coop_of: Vec<Vec<UnitId>> = Vec::new();
    for (((_, group), problem), started) in groups.iter().zip(problem_ids).zip(started) {
        for (k, row) in group.iter().enumerate() {
            // Every row's lead unit was mapped as the rows were grouped.
            let lead = names
                .unit(&row.lead_unit)
                .ok_or_else(|| anyhow::anyhow!("matched above"))?;
            let measure = MeasureOf {
                problem: *problem,
                inspection,
                org,
                ordinal: k as i64 + 1,
                lead,
                started: *started,
            };
            rows.push(measure_row(&measure, row, names, &at)?);
            coop_of.push(
                row.cooperating
                    .iter()
                    .filter_map(|c| names.unit(c))
                    .filter(|u| *u != lead)
                    .collect(),
            );
        }
    }
    let made = rows.len();
    let ids = audit::write::insert_many(tx, Entity::Measure, &MEASURE_COLUMNS, rows).await?;
    cooperating_inserted(tx, change, &ids, &coop_of).await?;
    Ok(made)
}

/// Where a measure goes: its problem, inspection and organisation, its number within
/// the problem, its lead unit, and whether the problem's plan is behind it.
struct MeasureOf {
    problem: i64,
    inspection: InspectionId,
    org: UnitId,
    ordinal: i64,
    lead: UnitId,
    started: bool,
}

/// A measure's values from its row: the deadline as read (a row whose deadline was not
/// read refuses the import), frozen as the baseline when its problem has started.
fn measure_row(of: &MeasureOf, row: &Row, names: &Names<'_>, at: &str) -> StoreResult<Vec<Param>> {
    let Some(deadline) = row.deadline.deadline() else {
        return Err(StoreError::because(
            "file",
            Why::Import(Box::new(Import::DeadlineUnread { row: row.row })),
        ));
    };
    let state = row
        .reported
        .map_or(MeasureState::Registered, |s| s.measure_state());
    Ok(vec![
        Param::from(of.problem),
        Param::from(of.inspection.0),
        Param::from(of.org.0),
        Param::from(of.ordinal),
        Param::from(row.measure.chars().take(2000).collect::<String>()),
        Param::from(of.lead.0),
        Param::from(names.leader(&row.leader).map(|u| u.0)),
        Param::from(Some(row.responsible.clone()).filter(|s| !s.is_empty())),
        Param::from(Some(row.target.clone()).filter(|s| !s.is_empty())),
        Param::from(deadline.text.clone()),
        Param::from(deadline.kind.code()),
        Param::from(deadline.date.map(day)),
        Param::from(deadline.precision.map(|p| p.code().to_string())),
        Param::from(state.code()),
        Param::from(at.to_string()),
        Param::from(format!("{}!{}", row.sheet, row.row)),
        Param::from(1),
        Param::from(of.started.then(|| deadline.text.clone())),
        Param::from(of.started.then(|| deadline.date.map(day)).flatten()),
    ])
}

/// The units cooperating on each new measure (配合单位), in the measures' order.
async fn cooperating_inserted(
    tx: &mut Tx,
    change: Change<'_>,
    measure_ids: &[i64],
    coop_of: &[Vec<UnitId>],
) -> StoreResult<()> {
    let at = stamp(change.at);
    let rows: Vec<Vec<Param>> = measure_ids
        .iter()
        .zip(coop_of)
        .flat_map(|(id, units)| {
            units
                .iter()
                .map(|u| vec![Param::from(*id), Param::from(u.0), Param::from(at.clone())])
        })
        .collect();
    let columns = ["measure_id", "unit_id", "created_at"];
    audit::write::insert_many(tx, Entity::MeasureUnit, &columns, rows).await?;
    Ok(())
}

/// The largest ordinal of the inspection's rows of `table` (aspects, problems): the
/// rows an import adds are numbered after it.
async fn last_ordinal(
    tx: &mut Tx,
    table: &'static str,
    inspection: InspectionId,
) -> StoreResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(ordinal), 0) FROM {table} WHERE inspection_id = $1");
    Ok(sqlx::query_scalar(&sql)
        .bind(inspection.0)
        .fetch_one(tx.conn())
        .await?)
}

/// A problem's one line and, when the feedback is longer, the whole text as its
/// description.
fn split_title(text: &str) -> (String, Option<String>) {
    let first = text.split(['。', '\n', '；']).next().unwrap_or(text).trim();
    if first.chars().count() <= 200 && first.len() == text.trim().len() {
        return (first.to_string(), None);
    }
    let title: String = first.chars().take(200).collect();
    (title, Some(text.chars().take(5000).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_problem_keeps_its_whole_text_as_description() {
        assert_eq!(split_title("公车私用"), ("公车私用".into(), None));
        let (t, d) = split_title("公车私用问题突出。个别领导干部长期占用公车。");
        assert_eq!(t, "公车私用问题突出");
        assert!(d.unwrap().contains("长期占用"));
    }
}
