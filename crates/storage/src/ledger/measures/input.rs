//! A measure as entered (its form, a grid's rows) and as checked against its
//! organisation (owners, D3; deadline, D4), ready to store.

use serde::Deserialize;
use zhenggai_domain::access::Actor;
use zhenggai_domain::deadline::{Deadline, Reference};
use zhenggai_domain::reason::{Choose, Foreign, Rule};
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{Role, UnitId, UserId};

use super::read::Measure;
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// A measure as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MeasureInput {
    /// What will be done.
    pub content: String,
    /// 牵头单位.
    pub lead_unit_id: i64,
    /// 配合单位.
    pub cooperating_unit_ids: Vec<i64>,
    /// 责任领导 (a user with the leader role), if set.
    pub leader_id: Option<i64>,
    /// 责任人, by name.
    pub responsible_person: String,
    /// 整改目标 / 检验指标: a number where possible, else a visible check (D4).
    pub target: String,
    /// 整改时限 as written: 立行立改, 2024年4月底前, 5月中旬, 长期坚持 …
    pub deadline: String,
}

/// A measure ready to store.
#[derive(Debug, Clone)]
pub struct NewMeasure {
    /// What will be done.
    pub content: String,
    /// 牵头单位.
    pub lead_unit: UnitId,
    /// 配合单位.
    pub cooperating: Vec<UnitId>,
    /// 责任领导.
    pub leader: Option<UserId>,
    /// 责任人.
    pub responsible_person: Option<String>,
    /// 检验指标.
    pub target: Option<String>,
    /// 整改时限.
    pub deadline: Deadline,
    /// Where it was imported from ("台账!5"), if it was.
    pub origin: Option<String>,
}

impl MeasureInput {
    /// Checks the input against the organisation: its units, its leaders, the
    /// deadline's words read against the inspection.
    pub(super) async fn check(
        &self,
        tx: &mut Tx,
        org: UnitId,
        reference: &Reference,
    ) -> StoreResult<NewMeasure> {
        let mut c = Checker::default();
        let content = c.text("content", &self.content, 2000);
        let responsible_person =
            c.optional_text("responsible_person", &self.responsible_person, 50);
        let target = c.optional_text("target", &self.target, 1000);
        let deadline = match Deadline::parse_in(&self.deadline, reference) {
            Ok(d) => Some(d),
            Err(e) => {
                c.push(e.at("deadline"));
                None
            }
        };
        let units: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM units WHERE org_id = $1 AND withdrawn_at IS NULL")
                .bind(org.0)
                .fetch_all(tx.conn())
                .await?;
        if !units.contains(&self.lead_unit_id) {
            c.push(FieldError::because(
                "lead_unit_id",
                Why::Choose(Choose::LeadDepartment),
            ));
        }
        let mut cooperating: Vec<UnitId> = Vec::new();
        for u in &self.cooperating_unit_ids {
            if !units.contains(u) {
                c.push(FieldError::because(
                    "cooperating_unit_ids",
                    Why::Foreign(Foreign::CooperatingUnits),
                ));
            } else if *u == self.lead_unit_id {
                c.push(FieldError::because(
                    "cooperating_unit_ids",
                    Why::Rule(Rule::LeadCooperates),
                ));
            } else if !cooperating.contains(&UnitId(*u)) {
                cooperating.push(UnitId(*u));
            }
        }
        if let Some(leader) = self.leader_id.filter(|l| *l > 0) {
            let ok = sqlx::query(
                "SELECT 1 FROM users u JOIN units un ON un.id = u.unit_id \
                 WHERE u.id = $1 AND u.role = 'leader' AND un.org_id = $2 AND u.withdrawn_at IS NULL",
            )
            .bind(leader)
            .bind(org.0)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
            if !ok {
                c.push(FieldError::because(
                    "leader_id",
                    Why::Foreign(Foreign::Leader),
                ));
            }
        }
        c.finish()?;
        Ok(NewMeasure {
            content,
            lead_unit: UnitId(self.lead_unit_id),
            cooperating,
            leader: self.leader_id.filter(|l| *l > 0).map(UserId),
            responsible_person,
            target,
            deadline: deadline.ok_or_else(|| StoreError::because("deadline", Why::Required))?,
            origin: None,
        })
    }
}

impl MeasureInput {
    /// Whether nothing was typed in the row (a grid's spare rows). The lead unit and
    /// the leader a grid fills in beforehand do not count.
    pub fn is_blank(&self) -> bool {
        self.content.trim().is_empty()
            && self.deadline.trim().is_empty()
            && self.responsible_person.trim().is_empty()
            && self.target.trim().is_empty()
            && self.cooperating_unit_ids.is_empty()
    }

    /// The input as a lead unit means it: a measure it drafts is led by itself when
    /// it names no lead unit.
    pub(super) fn for_actor(&self, actor: &Actor) -> MeasureInput {
        let mut row = self.clone();
        if actor.role == Role::Unit && row.lead_unit_id <= 0 {
            row.lead_unit_id = actor.unit.0;
        }
        row
    }
}

/// The most rows one grid saves.
pub const MAX_ROWS: usize = 100;

/// A row's field errors, named by the row; any other error as it is.
pub(super) fn at_row(i: usize, e: StoreError) -> StoreResult<Vec<FieldError>> {
    let StoreError::Invalid(list) = e else {
        return Err(e);
    };
    let n = i + 1;
    Ok(list
        .into_iter()
        // A refused step (the plan already submitted …) is about the problem, not the row.
        .map(|f| {
            if f.field == "action" {
                f
            } else {
                FieldError {
                    field: format!("rows.{i}.{}", f.field),
                    why: zhenggai_domain::validate::Why::InRow {
                        row: n,
                        why: Box::new(f.why),
                    },
                }
            }
        })
        .collect())
}

/// The input that would recreate a measure (to fill an edit form).
pub fn input_of(m: &Measure) -> MeasureInput {
    MeasureInput {
        content: m.content.clone(),
        lead_unit_id: m.lead_unit.id.0,
        cooperating_unit_ids: m.cooperating.iter().map(|u| u.id.0).collect(),
        leader_id: m.leader.as_ref().map(|l| l.id.0),
        responsible_person: m.responsible_person.clone().unwrap_or_default(),
        target: m.target.clone().unwrap_or_default(),
        deadline: m.deadline.text.clone(),
    }
}
