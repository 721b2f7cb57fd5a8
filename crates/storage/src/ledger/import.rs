//! Committing a ledger read from a spreadsheet (`zhenggai_spreadsheet`) into an
//! inspection: units and leaders matched to the organisation's by name (and their
//! common short forms), unknown units listed so that the office maps or creates them
//! (never invented silently), a file imported once unless asked again, and all of it in
//! one transaction: one bad row and nothing is written.
//!
//! Why one file of 820 lines: the commit is one transaction over one reading, and its
//! matching of units and leaders feeds it directly; `commit` itself (350 lines) is to be
//! cut into named steps (issue 21, the long functions).

use serde::Serialize;
use sqlx::Row as _;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::inspection::ProblemSource;
use zhenggai_domain::reason::{Foreign, Import};
use zhenggai_domain::validate::FieldError;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{AspectId, InspectionId, ItemId, Role, UnitId, UserId};
use zhenggai_spreadsheet::Reading;

use super::aspects::{self, TitleInput};
use super::inspection_org;
use super::inspections::InspectionInput;
use crate::accounts::units::{self, UnitKind};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Param, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::scope::require_ledger;
use std::collections::{HashMap, HashSet};
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::status::MeasureState;

/// The file a reading came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its name as uploaded.
    pub filename: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// Where an import writes.
#[derive(Debug, Clone, Copy)]
pub enum Destination<'a> {
    /// An inspection that exists.
    Inspection(InspectionId),
    /// A new inspection of the organisation, created in the import's own transaction:
    /// an import refused leaves no empty inspection behind.
    New {
        /// The organisation.
        org: UnitId,
        /// The inspection.
        inspection: &'a InspectionInput,
    },
}

impl From<InspectionId> for Destination<'_> {
    fn from(id: InspectionId) -> Self {
        Destination::Inspection(id)
    }
}

/// What the office decided in the preview.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    /// Import a file imported before.
    pub again: bool,
    /// Create the units the organisation does not have yet.
    pub create_units: bool,
    /// Names in the file mapped to existing units.
    pub unit_map: Vec<(String, UnitId)>,
    /// Import without the columns the reading lists as holding data under a header no
    /// field is read from (the API and the command line, asked in so many words); the
    /// preview decides column by column instead.
    pub ignore_unknown_columns: bool,
}

/// How the names in a file match the organisation's units and leaders.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Matching {
    /// Names matched: (name in the file, unit id, unit's name).
    pub units: Vec<(String, i64, String)>,
    /// Names no unit has.
    pub unknown_units: Vec<String>,
    /// Leaders matched: (name in the file, user id).
    pub leaders: Vec<(String, i64)>,
    /// Leaders no account has (imported without a leader, with a warning).
    pub unknown_leaders: Vec<String>,
    /// When the same file was imported before, and by whom.
    pub imported_before: Option<String>,
}

/// What a commit wrote.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Imported {
    /// The import's record.
    pub import_id: i64,
    /// The inspection written into (new or existing).
    pub inspection_id: i64,
    /// Aspects created (existing ones with the same title are reused).
    pub aspects_created: usize,
    /// Problems created.
    pub problems: usize,
    /// Measures created.
    pub measures: usize,
    /// Units created at the office's request.
    pub units_created: usize,
}

/// A name as compared: no spaces, no parenthesised note (as header words are).
fn norm(name: &str) -> String {
    zhenggai_spreadsheet::layout::normalise(name)
}

/// The unit a name means: its full or short name, the same without spaces or notes, or
/// the one unit whose name ends with it (市日报社财务部 for 财务部), or whose short name it
/// ends with.
fn match_unit(name: &str, units: &[units::Unit]) -> Option<UnitId> {
    let n = norm(name);
    if n.is_empty() {
        return None;
    }
    let exact = units.iter().find(|u| {
        u.name == name
            || u.short_name.as_deref() == Some(name)
            || norm(&u.name) == n
            || u.short_name.as_deref().map(norm).as_deref() == Some(n.as_str())
    });
    if let Some(u) = exact {
        return Some(u.id);
    }
    let loose: Vec<&units::Unit> = units
        .iter()
        .filter(|u| {
            let full = norm(&u.name);
            let short = u.short_name.as_deref().map(norm).unwrap_or_default();
            full.ends_with(&n) || (!short.is_empty() && n.ends_with(&short)) || n.ends_with(&full)
        })
        .collect();
    match loose.as_slice() {
        [one] => Some(one.id),
        _ => None,
    }
}

/// Matches the names of a reading to the organisation of an inspection (the preview).
pub async fn matching(
    db: &Db,
    actor: &Actor,
    inspection: InspectionId,
    reading: &Reading,
    sha256: &str,
) -> StoreResult<Matching> {
    let org = {
        let mut conn = db.pool().acquire().await?;
        inspection_org(&mut conn, inspection).await?
    };
    matching_in(db, actor, org, reading, sha256).await
}

/// Matches the names of a reading to an organisation's units and leaders.
async fn matching_in(
    db: &Db,
    actor: &Actor,
    org: UnitId,
    reading: &Reading,
    sha256: &str,
) -> StoreResult<Matching> {
    require_ledger(actor, org, Access::Edit)?;
    let depts: Vec<units::Unit> = units::list(db, Some(org))
        .await?
        .into_iter()
        .filter(|u| u.id != org)
        .collect();
    let leaders = crate::accounts::users::leaders(db, org).await?;
    let mut m = Matching::default();
    for row in &reading.rows {
        for name in std::iter::once(&row.lead_unit).chain(&row.cooperating) {
            if name.is_empty()
                || m.units.iter().any(|(n, _, _)| n == name)
                || m.unknown_units.contains(name)
            {
                continue;
            }
            match match_unit(name, &depts) {
                Some(id) => {
                    let label = depts
                        .iter()
                        .find(|u| u.id == id)
                        .map(|u| u.label().to_string())
                        .unwrap_or_default();
                    m.units.push((name.clone(), id.0, label));
                }
                None => m.unknown_units.push(name.clone()),
            }
        }
        let leader = row.leader.trim();
        if !leader.is_empty()
            && !m.leaders.iter().any(|(n, _)| n == leader)
            && !m.unknown_leaders.iter().any(|n| n == leader)
        {
            match leaders.iter().find(|l| l.display_name == leader) {
                Some(l) => m.leaders.push((leader.to_string(), l.id.0)),
                None => m.unknown_leaders.push(leader.to_string()),
            }
        }
    }
    let before = sqlx::query(
        "SELECT i.created_at, COALESCE(u.display_name, '') FROM imports i LEFT JOIN users u ON u.id = i.created_by \
         WHERE i.org_id = $1 AND i.sha256 = $2 ORDER BY i.id DESC LIMIT 1",
    )
    .bind(org.0)
    .bind(sha256)
    .fetch_optional(db.pool())
    .await?;
    if let Some(r) = before {
        let at: String = r.try_get(0)?;
        let by: String = r.try_get(1)?;
        m.imported_before = Some(format!("{} {by}", crate::db::sql::beijing_minute(&at)));
    }
    Ok(m)
}

/// The reading's errors as field errors, each naming its sheet, row and column.
fn reading_errors(reading: &Reading) -> Vec<FieldError> {
    reading
        .errors
        .iter()
        .map(|e| {
            FieldError::because(
                "file",
                Why::Import(Box::new(Import::At {
                    place: e.place(),
                    finding: e.finding.clone(),
                })),
            )
        })
        .collect()
}

/// Writes a reading into an inspection, all or nothing.
pub async fn commit<'a>(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    into: impl Into<Destination<'a>>,
    source: &Source,
    reading: &Reading,
    decisions: &Decisions,
) -> StoreResult<Imported> {
    let into = into.into();
    let org = match into {
        Destination::Inspection(id) => {
            let mut conn = db.pool().acquire().await?;
            inspection_org(&mut conn, id).await?
        }
        Destination::New { org, .. } => org,
    };
    let m = matching_in(db, actor, org, reading, &source.sha256).await?;
    let mut errors = reading_errors(reading);
    if let Some(when) = &m.imported_before
        && !decisions.again
    {
        errors.push(FieldError::because(
            "again",
            Why::Import(Box::new(Import::Before { when: when.clone() })),
        ));
    }
    let unmapped: Vec<&String> = m
        .unknown_units
        .iter()
        .filter(|n| !decisions.unit_map.iter().any(|(k, _)| k == *n))
        .collect();
    if !unmapped.is_empty() && !decisions.create_units {
        let names: Vec<String> = unmapped.iter().map(|s| s.to_string()).collect();
        errors.push(FieldError::because(
            "units",
            Why::Import(Box::new(Import::UnknownUnits { names })),
        ));
    }
    let undecided: Vec<(String, String)> = reading
        .undecided()
        .map(|c| (c.column.clone(), c.header.clone()))
        .collect();
    if !undecided.is_empty() && !decisions.ignore_unknown_columns {
        errors.push(FieldError::because(
            "columns",
            Why::Import(Box::new(Import::Undecided { columns: undecided })),
        ));
    }
    if actor.role != Role::Office {
        return Err(StoreError::Forbidden);
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let inspection = match into {
        Destination::Inspection(id) => {
            // Still there, and still the organisation's, now that the writing starts.
            if inspection_org(tx.conn(), id).await? != org {
                return Err(StoreError::NotFound);
            }
            id
        }
        Destination::New { org, inspection } => {
            super::inspections::insert(&mut tx, change, org, inspection).await?
        }
    };
    // Mapped names must be this organisation's units.
    let depts: Vec<UnitId> = units::list(db, Some(org))
        .await?
        .into_iter()
        .map(|u| u.id)
        .filter(|u| *u != org)
        .collect();
    let mut unit_of: Vec<(String, UnitId)> = m
        .units
        .iter()
        .map(|(n, id, _)| (n.clone(), UnitId(*id)))
        .collect();
    for (name, id) in &decisions.unit_map {
        if !depts.contains(id) {
            return Err(StoreError::because(
                "units",
                Why::Foreign(Foreign::MappedUnit { name: name.clone() }),
            ));
        }
        unit_of.push((name.clone(), *id));
    }
    let mut units_created = 0;
    for name in unmapped {
        let id = units::insert(&mut tx, change, Some(org), UnitKind::Dept, name, None).await?;
        unit_of.push((name.clone(), id));
        units_created += 1;
    }
    let unit = |name: &str| unit_of.iter().find(|(n, _)| n == name).map(|(_, u)| *u);
    let leader = |name: &str| {
        m.leaders
            .iter()
            .find(|(n, _)| n == name.trim())
            .map(|(_, id)| UserId(*id))
    };
    let at = stamp(change.at);
    // The aspects the file adds, in its order, numbered after the inspection's last;
    // one with the title of an existing aspect goes into it.
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
    let aspects_created = fresh.len();
    if !fresh.is_empty() {
        let last = last_ordinal(&mut tx, "aspects", inspection).await?;
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
        let ids = audit::write::insert_many(
            &mut tx,
            change,
            Entity::Aspect,
            &["inspection_id", "ordinal", "title", "created_at", "version"],
            rows,
        )
        .await?;
        for (title, id) in fresh.into_iter().zip(ids) {
            aspect_of.insert(title.clone(), AspectId(id));
        }
    }
    let mut items: Vec<((AspectId, String), ItemId)> = Vec::new();
    // Problems in the order the file gives them, each with its measures' rows.
    let mut keys: HashMap<ProblemKey, usize> = HashMap::new();
    let mut groups: Vec<(ProblemKey, Vec<&zhenggai_spreadsheet::Row>)> = Vec::new();
    for row in &reading.rows {
        let aspect = *aspect_of
            .get(&row.aspect)
            .ok_or_else(|| anyhow::anyhow!("every aspect was found or made above"))?;
        let item = match &row.item {
            None => None,
            Some(title) => match items.iter().find(|((a, t), _)| *a == aspect && t == title) {
                Some((_, id)) => Some(*id),
                None => {
                    let title: String = title.chars().take(200).collect();
                    let id = aspects::insert_item(&mut tx, change, aspect, &title).await?;
                    items.push(((aspect, title.clone()), id));
                    Some(id)
                }
            },
        };
        if unit(&row.lead_unit).is_none() {
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
    // The problems, numbered after the inspection's last. One whose ledger says some
    // measure is done or under way has its plan behind it: it comes in 整改中, its
    // measures' deadlines frozen as the baseline, so that no measure is under way under a
    // problem still only registered.
    let started: Vec<bool> = groups
        .iter()
        .map(|(_, rows)| {
            rows.iter().any(|r| {
                r.reported
                    .is_some_and(|s| s.measure_state() != MeasureState::Registered)
            })
        })
        .collect();
    let last = last_ordinal(&mut tx, "problems", inspection).await?;
    let problem_rows: Vec<Vec<Param>> = groups
        .iter()
        .enumerate()
        .map(|(i, ((aspect, item, text), rows))| {
            let first = rows[0];
            let (title, description) = split_title(text);
            vec![
                Param::from(inspection.0),
                Param::from(aspect.0),
                Param::from(item.map(|i| i.0)),
                Param::from(last + 1 + i as i64),
                Param::from(title),
                Param::from(description),
                Param::from(ProblemSource::Inspection.code()),
                Param::from(unit(&first.lead_unit).map(|u| u.0)),
                Param::from(leader(&first.leader).map(|u| u.0)),
                Param::from(at.clone()),
                Param::from(format!("{}!{}", first.sheet, first.row)),
                Param::from(
                    if started[i] {
                        ProblemState::InProgress
                    } else {
                        ProblemState::Registered
                    }
                    .code(),
                ),
                Param::from(1),
                Param::from(0),
            ]
        })
        .collect();
    let problem_ids = audit::write::insert_many(
        &mut tx,
        change,
        Entity::Problem,
        &[
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
        ],
        problem_rows,
    )
    .await?;
    // Their measures, numbered within each problem.
    let mut measure_rows: Vec<Vec<Param>> = Vec::new();
    let mut coop_of: Vec<Vec<UnitId>> = Vec::new();
    for (((_, rows), problem), started) in groups.iter().zip(&problem_ids).zip(&started) {
        let problem = *problem;
        for (k, row) in rows.iter().enumerate() {
            let Some(deadline) = row.deadline.deadline() else {
                return Err(StoreError::because(
                    "file",
                    Why::Import(Box::new(Import::DeadlineUnread { row: row.row })),
                ));
            };
            let lead = unit(&row.lead_unit).ok_or_else(|| anyhow::anyhow!("matched above"))?;
            let ordinal = k as i64 + 1;
            let coop: Vec<UnitId> = row
                .cooperating
                .iter()
                .filter_map(|c| unit(c))
                .filter(|u| *u != lead)
                .collect();
            coop_of.push(coop);
            measure_rows.push(vec![
                Param::from(problem),
                Param::from(inspection.0),
                Param::from(org.0),
                Param::from(ordinal),
                Param::from(row.measure.chars().take(2000).collect::<String>()),
                Param::from(lead.0),
                Param::from(leader(&row.leader).map(|u| u.0)),
                Param::from(Some(row.responsible.clone()).filter(|s| !s.is_empty())),
                Param::from(Some(row.target.clone()).filter(|s| !s.is_empty())),
                Param::from(deadline.text.clone()),
                Param::from(deadline.kind.code()),
                Param::from(deadline.date.map(crate::db::sql::day)),
                Param::from(deadline.precision.map(|p| p.code().to_string())),
                Param::from(
                    row.reported
                        .map_or(MeasureState::Registered, |s| s.measure_state())
                        .code(),
                ),
                Param::from(at.clone()),
                Param::from(format!("{}!{}", row.sheet, row.row)),
                Param::from(1),
                Param::from(started.then(|| deadline.text.clone())),
                Param::from(
                    started
                        .then(|| deadline.date.map(crate::db::sql::day))
                        .flatten(),
                ),
            ]);
        }
    }
    let measures_created = measure_rows.len();
    let measure_ids = audit::write::insert_many(
        &mut tx,
        change,
        Entity::Measure,
        &[
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
        ],
        measure_rows,
    )
    .await?;
    let coop_rows: Vec<Vec<Param>> = measure_ids
        .iter()
        .zip(&coop_of)
        .flat_map(|(id, units)| {
            units
                .iter()
                .map(|u| vec![Param::from(*id), Param::from(u.0), Param::from(at.clone())])
        })
        .collect();
    audit::write::insert_many(
        &mut tx,
        change,
        Entity::MeasureUnit,
        &["measure_id", "unit_id", "created_at"],
        coop_rows,
    )
    .await?;
    let sheet = reading
        .rows
        .first()
        .map(|r| r.sheet.clone())
        .unwrap_or_default();
    let import_id: i64 = sqlx::query(
        "INSERT INTO imports (org_id, inspection_id, sha256, filename, sheet, problems, measures, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(org.0)
    .bind(inspection.0)
    .bind(&source.sha256)
    .bind(source.filename.chars().take(200).collect::<String>())
    .bind(sheet)
    .bind(i64::try_from(problem_ids.len()).unwrap_or(i64::MAX))
    .bind(i64::try_from(measures_created).unwrap_or(i64::MAX))
    .bind(change.actor.map(|a| a.0))
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    audit::write::created(&mut tx, change, Entity::Import, import_id).await?;
    tx.commit().await?;
    Ok(Imported {
        import_id,
        inspection_id: inspection.0,
        aspects_created,
        problems: problem_ids.len(),
        measures: measures_created,
        units_created,
    })
}

/// A ledger file imported into an inspection (导入记录): who imported it, when, and
/// what it added. The file itself is kept in the store under its SHA-256, so that the
/// office can show what a ledger was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportRecord {
    /// The import's id.
    pub id: i64,
    /// The inspection imported into.
    pub inspection_id: i64,
    /// The file's name as uploaded.
    pub filename: String,
    /// SHA-256 of its bytes: the key of the kept file.
    pub sha256: String,
    /// The sheet read.
    pub sheet: String,
    /// Problems it created.
    pub problems: i64,
    /// Measures it created.
    pub measures: i64,
    /// Who imported it (display name); `None` for the command line.
    pub by: Option<String>,
    /// When (stored instant).
    pub at: String,
    /// Whether the file read is kept (imports made before files were kept have none).
    pub kept: bool,
}

const IMPORT_COLUMNS: &str = "i.id, i.inspection_id, i.filename, i.sha256, i.sheet, i.problems, i.measures, u.display_name, i.created_at \
     FROM imports i LEFT JOIN users u ON u.id = i.created_by";

fn import_record(r: &sqlx::any::AnyRow) -> Result<ImportRecord, sqlx::Error> {
    Ok(ImportRecord {
        id: r.try_get(0)?,
        inspection_id: r.try_get(1)?,
        filename: r.try_get(2)?,
        sha256: r.try_get(3)?,
        sheet: r.try_get(4)?,
        problems: r.try_get(5)?,
        measures: r.try_get(6)?,
        by: r.try_get(7)?,
        at: r.try_get(8)?,
        kept: false,
    })
}

/// A connection for reading an inspection's imports, once the actor is found to be one
/// who imports into it: the office of its organisation.
async fn importer_conn(
    db: &Db,
    actor: &Actor,
    inspection: InspectionId,
) -> StoreResult<sqlx::pool::PoolConnection<sqlx::Any>> {
    let mut conn = db.pool().acquire().await?;
    require_ledger(
        actor,
        inspection_org(&mut conn, inspection).await?,
        Access::Edit,
    )?;
    Ok(conn)
}

/// The files imported into an inspection, newest first: for the office of its
/// organisation, who imports.
pub async fn list(
    db: &Db,
    files: &dyn crate::files::FileStore,
    actor: &Actor,
    inspection: InspectionId,
) -> StoreResult<Vec<ImportRecord>> {
    let mut conn = importer_conn(db, actor, inspection).await?;
    let rows = sqlx::query(&format!(
        "SELECT {IMPORT_COLUMNS} WHERE i.inspection_id = $1 ORDER BY i.id DESC"
    ))
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut list = rows
        .iter()
        .map(import_record)
        .collect::<Result<Vec<_>, _>>()?;
    for record in &mut list {
        record.kept = files.has(&record.sha256).await;
    }
    Ok(list)
}

/// One import of an inspection and the file it read, as kept, with its content type
/// (recognised from its bytes and name; a CSV is served as bytes).
pub async fn file(
    db: &Db,
    files: &dyn crate::files::FileStore,
    actor: &Actor,
    inspection: InspectionId,
    id: i64,
) -> StoreResult<(ImportRecord, &'static str, Vec<u8>)> {
    let mut conn = importer_conn(db, actor, inspection).await?;
    let row = sqlx::query(&format!(
        "SELECT {IMPORT_COLUMNS} WHERE i.id = $1 AND i.inspection_id = $2"
    ))
    .bind(id)
    .bind(inspection.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let mut record = import_record(&row)?;
    // An import made before the command line and the API kept the files they read
    // has no file to give back.
    let bytes = files
        .get(&record.sha256)
        .await
        .map_err(|_| StoreError::NotFound)?;
    record.kept = true;
    let content_type =
        crate::files::sniff(&record.filename, &bytes).unwrap_or("application/octet-stream");
    Ok((record, content_type, bytes))
}

/// The largest ordinal of the inspection's rows of `table` (aspects, problems): the
/// rows an import adds are numbered after it.
async fn last_ordinal(
    tx: &mut Tx,
    table: &'static str,
    inspection: InspectionId,
) -> StoreResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(ordinal), 0) FROM {table} WHERE inspection_id = $1");
    Ok(sqlx::query(&sql)
        .bind(inspection.0)
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?)
}

/// A problem as the file groups it: its aspect, item and text.
type ProblemKey = (AspectId, Option<ItemId>, String);

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

    fn unit(id: i64, name: &str, short: Option<&str>) -> units::Unit {
        units::Unit {
            id: UnitId(id),
            parent_id: None,
            org_id: UnitId(9),
            kind: UnitKind::Dept,
            name: name.into(),
            short_name: short.map(str::to_string),
            version: 1,
        }
    }

    #[test]
    fn names_match_by_full_short_and_common_forms() {
        let units = [
            unit(1, "报社办公室（巡察整改办）", Some("办公室")),
            unit(2, "市日报社财务部", Some("财务部")),
            unit(3, "党群工作部", None),
            unit(4, "新闻采访中心", None),
            unit(5, "新媒体中心", None),
        ];
        for (name, id) in [
            ("办公室", Some(1)),
            ("报社办公室", Some(1)),
            ("财务部", Some(2)),
            ("市日报社 财务部", Some(2)),
            ("党群工作部", Some(3)),
            ("报社党群工作部", Some(3)),
            ("新闻采访中心", Some(4)),
            ("中心", None),
            ("审计部", None),
            ("", None),
        ] {
            assert_eq!(match_unit(name, &units).map(|u| u.0), id, "{name}");
        }
    }

    #[test]
    fn a_long_problem_keeps_its_whole_text_as_description() {
        assert_eq!(split_title("公车私用"), ("公车私用".into(), None));
        let (t, d) = split_title("公车私用问题突出。个别领导干部长期占用公车。");
        assert_eq!(t, "公车私用问题突出");
        assert!(d.unwrap().contains("长期占用"));
    }
}
