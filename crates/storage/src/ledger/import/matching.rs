//! The names of a reading matched to the organisation (the preview, and again at
//! commit): units by their full or short name and the common short forms offices
//! write, leaders by name, and whether the same file was imported before.

use serde::Serialize;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::Refused;
use zhenggai_domain::{InspectionId, UnitId};
use zhenggai_spreadsheet::Reading;

use crate::accounts::units;
use crate::db::Db;
use crate::error::StoreResult;
use crate::ledger::inspection_org;
use crate::scope::office_does;

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
pub(super) async fn matching_in(
    db: &Db,
    actor: &Actor,
    org: UnitId,
    reading: &Reading,
    sha256: &str,
) -> StoreResult<Matching> {
    office_does(actor, org, Access::Edit, Refused::ImportByOffice)?;
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
    let before = sqlx::query_as::<_, Before>(
        "SELECT i.created_at, COALESCE(u.display_name, '') AS created_by FROM imports i LEFT JOIN users u ON u.id = i.created_by \
         WHERE i.org_id = $1 AND i.sha256 = $2 ORDER BY i.id DESC LIMIT 1",
    )
    .bind(org.0)
    .bind(sha256)
    .fetch_optional(db.pool())
    .await?;
    if let Some(r) = before {
        let at = crate::db::sql::beijing_minute(&r.created_at);
        m.imported_before = Some(format!("{at} {}", r.created_by));
    }
    Ok(m)
}

/// The same file imported before: when, and by whom.
#[derive(sqlx::FromRow)]
struct Before {
    created_at: String,
    created_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::units::UnitKind;

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
}
