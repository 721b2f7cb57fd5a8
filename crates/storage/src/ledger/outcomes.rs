//! 问责、制度、清退 — what rectification produced (D13), linked to the problems and
//! measures it came from, and counted per inspection (D15).

use serde::{Deserialize, Serialize};
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::happened;
use zhenggai_domain::outcomes::{AccountabilityForm, InstitutionChange, format_yuan, parse_fen};
use zhenggai_domain::reason::{Choose, Foreign, Rule};
use zhenggai_domain::statistics;
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{InspectionId, Role};

use super::{happened_on, inspection_org, inspection_start, require_inspection_edit};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{day, stamp};
use crate::db::tx::Tx;
use crate::error::StoreResult;
use crate::scope::require_ledger;

/// An accountability record as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccountabilityInput {
    /// person or unit.
    pub subject_kind: String,
    /// Who: a person's name and post, or a unit.
    pub subject: String,
    /// Why: 整改不力、敷衍了事、弄虚作假 …
    pub reason: String,
    /// first, second, third, fourth (四种形态).
    pub form: String,
    /// The day of the decision (YYYY-MM-DD).
    pub decided_on: String,
    /// The problems it concerns.
    pub problem_ids: Vec<i64>,
}

/// An institution as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InstitutionInput {
    /// Its title, e.g. 《公务接待管理规定》.
    pub title: String,
    /// Its document number, e.g. 报社党发〔2024〕3号.
    pub doc_number: String,
    /// made, revised or abolished.
    pub change_kind: String,
    /// The day it was issued (YYYY-MM-DD).
    pub issued_on: String,
    /// The problems it answers.
    pub problem_ids: Vec<i64>,
}

/// Money recovered, as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RecoveryInput {
    /// The amount as written: 18600, 18,600.50, 1.86万元.
    pub amount: String,
    /// What it was: 违规发放津补贴、超标准接待费用 …
    pub what: String,
    /// The day it was recovered (YYYY-MM-DD).
    pub recovered_on: String,
    /// The measures it came from.
    pub measure_ids: Vec<i64>,
}

/// One accountability record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Accountability {
    /// Id.
    pub id: i64,
    /// person or unit.
    pub subject_kind: String,
    /// Who.
    pub subject: String,
    /// Why.
    pub reason: String,
    /// The form.
    pub form: AccountabilityForm,
    /// When decided.
    pub decided_on: String,
    /// Whether the public notice may count it (the office marks it 不予公开 otherwise).
    pub public: bool,
    /// Version, for the mark.
    pub version: i64,
}

/// One institution.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Institution {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Document number.
    pub doc_number: Option<String>,
    /// Made, revised or abolished.
    pub change_kind: InstitutionChange,
    /// Issued on.
    pub issued_on: String,
    /// Whether the public notice may count it (the office marks it 不予公开 otherwise).
    pub public: bool,
    /// Version, for the mark.
    pub version: i64,
}

/// One recovery.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Recovery {
    /// Id.
    pub id: i64,
    /// Amount in fen (分).
    pub amount_fen: i64,
    /// The amount for people, e.g. 18,600.00元.
    pub amount: String,
    /// What it was.
    pub what: String,
    /// When recovered.
    pub recovered_on: String,
    /// Whether the public notice may count it (the office marks it 不予公开 otherwise).
    pub public: bool,
    /// Version, for the mark.
    pub version: i64,
}

/// The counts the speeches quote (S7, S8).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OutcomeCounts {
    /// People held accountable.
    pub people: i64,
    /// Units held accountable.
    pub units: i64,
    /// People by form (四种形态 are for people): first, second, third, fourth.
    pub by_form: [i64; 4],
    /// Institutions made.
    pub made: i64,
    /// Institutions revised.
    pub revised: i64,
    /// Institutions abolished.
    pub abolished: i64,
    /// Money recovered, in fen.
    pub recovered_fen: i64,
    /// The same for people.
    pub recovered: String,
}

/// An inspection's outcomes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Outcomes {
    /// 问责.
    pub accountability: Vec<Accountability>,
    /// 制度.
    pub institutions: Vec<Institution>,
    /// 清退 / 追缴.
    pub recoveries: Vec<Recovery>,
    /// Counts.
    pub counts: OutcomeCounts,
}

/// Refuses, at `field`, any of `ids` that is not a record of `table` in the inspection.
pub(super) async fn check_links(
    tx: &mut Tx,
    c: &mut Checker,
    inspection: InspectionId,
    table: &str,
    ids: &[i64],
    field: &str,
) -> StoreResult<()> {
    for id in ids {
        let ok = sqlx::query(&format!(
            "SELECT 1 FROM {table} WHERE id = $1 AND inspection_id = $2 AND withdrawn_at IS NULL"
        ))
        .bind(*id)
        .bind(inspection.0)
        .fetch_optional(tx.conn())
        .await?
        .is_some();
        if !ok {
            c.push(FieldError::because(
                field,
                Why::Foreign(Foreign::NotInInspection { id: *id }),
            ));
        }
    }
    Ok(())
}

async fn link(
    tx: &mut Tx,
    change: Change<'_>,
    outcome: &str,
    outcome_id: i64,
    problems: &[i64],
    measures: &[i64],
) -> StoreResult<()> {
    for (problem, measure) in problems
        .iter()
        .map(|p| (Some(*p), None))
        .chain(measures.iter().map(|m| (None, Some(*m))))
    {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outcome_links (outcome, outcome_id, problem_id, measure_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(outcome)
        .bind(outcome_id)
        .bind(problem)
        .bind(measure)
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, change, Entity::OutcomeLink, id).await?;
    }
    Ok(())
}

/// Records accountability: supervisors (纪检) and the office of the organisation.
pub async fn record_accountability(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &AccountabilityInput,
) -> StoreResult<i64> {
    db.write(async |tx| record_accountability_in(tx, actor, change, inspection, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn record_accountability_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &AccountabilityInput,
) -> StoreResult<i64> {
    let org = inspection_org(tx.conn(), inspection).await?;
    let may = match actor.role {
        Role::Supervisor => actor.org == org,
        _ => actor.ledger_access(org) >= Access::Edit,
    };
    if !may {
        require_inspection_edit(tx.conn(), actor, org, inspection).await?;
    }
    let mut c = Checker::default();
    if !matches!(input.subject_kind.as_str(), "person" | "unit") {
        c.push(FieldError::because(
            "subject_kind",
            Why::Choose(Choose::SubjectKind),
        ));
    }
    let subject = c.text("subject", &input.subject, 100);
    let reason = c.text("reason", &input.reason, 1000);
    let form = AccountabilityForm::from_code(&input.form);
    if form.is_none() {
        c.push(FieldError::because(
            "form",
            Why::Choose(Choose::DisciplineForm),
        ));
    }
    let decided_on = happened_on(
        &mut c,
        happened::Event::AccountabilityDecided,
        &input.decided_on,
        change,
        inspection_start(tx.conn(), inspection).await?,
    );
    check_links(
        tx,
        &mut c,
        inspection,
        "problems",
        &input.problem_ids,
        "problem_ids",
    )
    .await?;
    c.finish()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accountability (inspection_id, subject_kind, subject, reason, form, decided_on, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(inspection.0)
    .bind(&input.subject_kind)
    .bind(subject)
    .bind(reason)
    .bind(form.map(AccountabilityForm::code).unwrap_or_default())
    .bind(decided_on.map(day).unwrap_or_default())
    .bind(stamp(change.at))
    .bind(actor.user.0)
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Accountability, id).await?;
    link(tx, change, "accountability", id, &input.problem_ids, &[]).await?;
    Ok(id)
}

/// Records an institution made, revised or abolished: the office.
pub async fn record_institution(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &InstitutionInput,
) -> StoreResult<i64> {
    db.write(async |tx| record_institution_in(tx, actor, change, inspection, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn record_institution_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &InstitutionInput,
) -> StoreResult<i64> {
    let org = inspection_org(tx.conn(), inspection).await?;
    require_inspection_edit(tx.conn(), actor, org, inspection).await?;
    let mut c = Checker::default();
    let title = c.text("title", &input.title, 200);
    let doc_number = c.optional_text("doc_number", &input.doc_number, 100);
    let change_kind = InstitutionChange::from_code(&input.change_kind);
    if change_kind.is_none() {
        c.push(FieldError::because(
            "change_kind",
            Why::Choose(Choose::ChangeKind),
        ));
    }
    let issued_on = happened_on(
        &mut c,
        happened::Event::InstitutionIssued,
        &input.issued_on,
        change,
        inspection_start(tx.conn(), inspection).await?,
    );
    check_links(
        tx,
        &mut c,
        inspection,
        "problems",
        &input.problem_ids,
        "problem_ids",
    )
    .await?;
    c.finish()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO institutions (inspection_id, title, doc_number, change_kind, issued_on, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(inspection.0)
    .bind(title)
    .bind(doc_number)
    .bind(change_kind.map(InstitutionChange::code).unwrap_or_default())
    .bind(issued_on.map(day).unwrap_or_default())
    .bind(stamp(change.at))
    .bind(actor.user.0)
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Institution, id).await?;
    link(tx, change, "institution", id, &input.problem_ids, &[]).await?;
    Ok(id)
}

/// Records money recovered: the office.
pub async fn record_recovery(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &RecoveryInput,
) -> StoreResult<i64> {
    db.write(async |tx| record_recovery_in(tx, actor, change, inspection, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn record_recovery_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &RecoveryInput,
) -> StoreResult<i64> {
    let org = inspection_org(tx.conn(), inspection).await?;
    require_inspection_edit(tx.conn(), actor, org, inspection).await?;
    let mut c = Checker::default();
    let fen = parse_fen(&input.amount).filter(|f| *f > 0);
    if fen.is_none() {
        c.push(FieldError::because("amount", Why::Rule(Rule::Amount)));
    }
    let what = c.text("what", &input.what, 500);
    let recovered_on = happened_on(
        &mut c,
        happened::Event::MoneyRecovered,
        &input.recovered_on,
        change,
        inspection_start(tx.conn(), inspection).await?,
    );
    check_links(
        tx,
        &mut c,
        inspection,
        "measures",
        &input.measure_ids,
        "measure_ids",
    )
    .await?;
    c.finish()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO recoveries (inspection_id, amount_fen, what, recovered_on, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(inspection.0)
    .bind(fen.unwrap_or_default())
    .bind(what)
    .bind(recovered_on.map(day).unwrap_or_default())
    .bind(stamp(change.at))
    .bind(actor.user.0)
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Recovery, id).await?;
    link(tx, change, "recovery", id, &[], &input.measure_ids).await?;
    Ok(id)
}

/// An inspection's outcomes, for those who read its whole ledger.
pub async fn list(db: &Db, actor: &Actor, inspection: InspectionId) -> StoreResult<Outcomes> {
    let mut conn = db.pool().acquire().await?;
    let org = inspection_org(&mut conn, inspection).await?;
    require_ledger(actor, org, Access::Read)?;
    let accountability = sqlx::query_as::<_, AccountabilityRow>(
        "SELECT id, subject_kind, subject, reason, form, decided_on, not_public, version FROM accountability WHERE inspection_id = $1 AND withdrawn_at IS NULL ORDER BY decided_on, id",
    )
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(Accountability::try_from)
    .collect::<Result<Vec<_>, _>>()?;
    let institutions = sqlx::query_as::<_, InstitutionRow>(
        "SELECT id, title, doc_number, change_kind, issued_on, not_public, version FROM institutions WHERE inspection_id = $1 AND withdrawn_at IS NULL ORDER BY issued_on, id",
    )
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(Institution::try_from)
    .collect::<Result<Vec<_>, _>>()?;
    let recoveries: Vec<Recovery> = sqlx::query_as::<_, RecoveryRow>(
        "SELECT id, amount_fen, what, recovered_on, not_public, version FROM recoveries WHERE inspection_id = $1 AND withdrawn_at IS NULL ORDER BY recovered_on, id",
    )
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(Recovery::from)
    .collect();
    // Counted as the statistics count them (D15), so that the two never disagree.
    let mut people = statistics::Accountability::default();
    for a in &accountability {
        people.add(a.subject_kind != "unit", a.form);
    }
    let mut rules = statistics::Institutions::default();
    for i in &institutions {
        rules.add(i.change_kind);
    }
    let recovered_fen = recoveries.iter().map(|r| r.amount_fen).sum();
    let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let counts = OutcomeCounts {
        people: as_i64(people.people),
        units: as_i64(people.units),
        by_form: people.by_form.map(as_i64),
        made: as_i64(rules.made),
        revised: as_i64(rules.revised),
        abolished: as_i64(rules.abolished),
        recovered_fen,
        recovered: format_yuan(recovered_fen),
    };
    Ok(Outcomes {
        accountability,
        institutions,
        recoveries,
        counts,
    })
}

/// An accountability record as [`list`] reads it.
#[derive(sqlx::FromRow)]
struct AccountabilityRow {
    id: i64,
    subject_kind: String,
    subject: String,
    reason: String,
    form: String,
    decided_on: String,
    not_public: i64,
    version: i64,
}

impl TryFrom<AccountabilityRow> for Accountability {
    type Error = sqlx::Error;

    fn try_from(r: AccountabilityRow) -> Result<Accountability, sqlx::Error> {
        Ok(Accountability {
            id: r.id,
            subject_kind: r.subject_kind,
            subject: r.subject,
            reason: r.reason,
            form: code_of("accountability", "form", &r.form)?,
            decided_on: r.decided_on,
            public: r.not_public == 0,
            version: r.version,
        })
    }
}

/// An institution as [`list`] reads it.
#[derive(sqlx::FromRow)]
struct InstitutionRow {
    id: i64,
    title: String,
    doc_number: Option<String>,
    change_kind: String,
    issued_on: String,
    not_public: i64,
    version: i64,
}

impl TryFrom<InstitutionRow> for Institution {
    type Error = sqlx::Error;

    fn try_from(r: InstitutionRow) -> Result<Institution, sqlx::Error> {
        Ok(Institution {
            id: r.id,
            title: r.title,
            doc_number: r.doc_number,
            change_kind: code_of("institutions", "change_kind", &r.change_kind)?,
            issued_on: r.issued_on,
            public: r.not_public == 0,
            version: r.version,
        })
    }
}

/// A recovery as [`list`] reads it.
#[derive(sqlx::FromRow)]
struct RecoveryRow {
    id: i64,
    amount_fen: i64,
    what: String,
    recovered_on: String,
    not_public: i64,
    version: i64,
}

impl From<RecoveryRow> for Recovery {
    fn from(r: RecoveryRow) -> Recovery {
        Recovery {
            id: r.id,
            amount_fen: r.amount_fen,
            amount: format_yuan(r.amount_fen),
            what: r.what,
            recovered_on: r.recovered_on,
            public: r.not_public == 0,
            version: r.version,
        }
    }
}

/// Whether the actor reads the outcome record `id` of `table` (accountability,
/// institutions, recoveries): whoever reads its inspection's outcomes (its trail is
/// theirs to verify, D21).
pub async fn record_readable(db: &Db, actor: &Actor, table: &str, id: i64) -> StoreResult<()> {
    if !matches!(table, "accountability" | "institutions" | "recoveries") {
        return Err(crate::StoreError::NotFound);
    }
    let mut conn = db.pool().acquire().await?;
    let inspection: i64 =
        sqlx::query_scalar(&format!("SELECT inspection_id FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(crate::StoreError::NotFound)?;
    let org = inspection_org(&mut conn, InspectionId(inspection)).await?;
    require_ledger(actor, org, Access::Read)
}
