//! The commit: what the office decided in the preview, the refusals before anything is
//! written, and the transaction that writes the reading step by step ([`super::steps`]).

use serde::Serialize;
use zhenggai_domain::access::Actor;
use zhenggai_domain::reason::{Foreign, Import};
use zhenggai_domain::validate::{FieldError, Why};
use zhenggai_domain::{InspectionId, Role, UnitId};
use zhenggai_spreadsheet::Reading;

use super::matching::{Matching, matching_in};
use super::records::{self, Source};
use super::steps::{self, Names};
use crate::accounts::units::{self, UnitKind};
use crate::audit::Change;
use crate::db::Db;
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::ledger::inspection_org;
use crate::ledger::inspections::{self, InspectionInput};

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
    let unmapped = refuse_undecided(actor, reading, decisions, &m)?;
    db.write(async |tx| {
        let inspection = inspection_found_or_made(tx, change, org, into).await?;
        let (units, units_created) =
            units_mapped_or_created(db, tx, change, org, &m, decisions, &unmapped).await?;
        let names = Names {
            units,
            leaders: &m.leaders,
        };
        let (aspect_of, aspects_created) =
            steps::aspects_found_or_made(db, tx, change, inspection, reading).await?;
        let groups = steps::problems_grouped(tx, change, reading, &aspect_of, &names).await?;
        let started = steps::started(&groups);
        let problem_ids =
            steps::problems_inserted(tx, change, inspection, &groups, &started, &names).await?;
        let measures = steps::measures_inserted(
            tx,
            change,
            (org, inspection),
            (&groups, &problem_ids),
            &started,
            &names,
        )
        .await?;
        let counts = (problem_ids.len(), measures);
        let import_id =
            records::record(tx, change, (org, inspection), source, reading, counts).await?;
        Ok(Imported {
            import_id,
            inspection_id: inspection.0,
            aspects_created,
            problems: problem_ids.len(),
            measures,
            units_created,
        })
    })
    .await
}

/// Refuses what the office has not decided yet, before anything is written: the
/// reading's own errors, a file imported before (unless asked again), names no unit has
/// (unless units are to be created), columns no field reads (unless they are to be
/// left out); and anyone but the office. Answers the names to create units for.
fn refuse_undecided<'m>(
    actor: &Actor,
    reading: &Reading,
    decisions: &Decisions,
    m: &'m Matching,
) -> StoreResult<Vec<&'m String>> {
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
        return Err(StoreError::refused(
            zhenggai_domain::reason::Refused::ImportByOffice,
        ));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    Ok(unmapped)
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

/// The inspection written into: the one named, still there and still the
/// organisation's now that the writing starts, or a new one.
async fn inspection_found_or_made(
    tx: &mut Tx,
    change: Change<'_>,
    org: UnitId,
    into: Destination<'_>,
) -> StoreResult<InspectionId> {
    match into {
        Destination::Inspection(id) => {
            if inspection_org(tx.conn(), id).await? != org {
                return Err(StoreError::NotFound);
            }
            Ok(id)
        }
        Destination::New { org, inspection } => {
            inspections::insert(tx, change, org, inspection).await
        }
    }
}

/// The units the file's names mean: those matched, those the office mapped (which must
/// be the organisation's), and those created at its request. Answers them with how
/// many were created.
async fn units_mapped_or_created(
    db: &Db,
    tx: &mut Tx,
    change: Change<'_>,
    org: UnitId,
    m: &Matching,
    decisions: &Decisions,
    unmapped: &[&String],
) -> StoreResult<(Vec<(String, UnitId)>, usize)> {
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
    for name in unmapped {
        let id = units::insert(tx, change, Some(org), UnitKind::Dept, name, None).await?;
        unit_of.push(((*name).clone(), id));
    }
    Ok((unit_of, unmapped.len()))
}
