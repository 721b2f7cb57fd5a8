//! 销号 rules an organisation sets: the maximum of approved extensions, and whether
//! closure needs three-party acceptance (三方验收), a satisfaction survey of the people
//! affected ("群众不认可不罢休") and public posting of the result (整改结果公示).

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use zhenggai_domain::UnitId;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::lifecycle::Policy;
use zhenggai_domain::validate::Checker;

use super::require_settings;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::Param;
use crate::error::StoreResult;

/// An organisation's rules as shown and edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClosureRules {
    /// Approved extensions allowed per problem.
    pub max_extensions: u32,
    /// 三方验收 required.
    pub three_party: bool,
    /// 满意度测评 required, with at least this share satisfied (percent).
    pub min_satisfaction: Option<u8>,
    /// 整改结果公示 for this many days before closure (0: no posting).
    pub posting_days: u32,
    /// Version (0 while the defaults apply), for the next save.
    pub version: i64,
}

impl ClosureRules {
    /// The domain's policy.
    pub fn policy(&self) -> Policy {
        Policy {
            max_extensions: self.max_extensions,
            three_party: self.three_party,
            min_satisfaction: self.min_satisfaction,
            posting_days: self.posting_days,
        }
    }
}

impl Default for ClosureRules {
    fn default() -> Self {
        let p = Policy::default();
        Self {
            max_extensions: p.max_extensions,
            three_party: p.three_party,
            min_satisfaction: p.min_satisfaction,
            posting_days: p.posting_days,
            version: 0,
        }
    }
}

/// The rules as entered (a form's fields or the API's JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RulesInput {
    /// 0 to 10.
    pub max_extensions: String,
    /// Three-party acceptance.
    pub three_party: bool,
    /// Empty for no survey, else 1 to 100.
    pub min_satisfaction: String,
    /// 0 (no posting) to 60.
    pub posting_days: String,
    /// The version read, so that a concurrent change is not overwritten.
    pub version: i64,
}

/// An organisation's rules (the defaults until the office sets them).
pub async fn get(conn: &mut AnyConnection, org: UnitId) -> StoreResult<ClosureRules> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        max_extensions: i64,
        three_party: i64,
        min_satisfaction: Option<i64>,
        posting_days: i64,
        version: i64,
    }
    let row = sqlx::query_as::<_, Stored>(
        "SELECT max_extensions, three_party, min_satisfaction, posting_days, version FROM closure_rules WHERE org_id = $1",
    )
    .bind(org.0)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else {
        return Ok(ClosureRules::default());
    };
    let small = |v: i64| u32::try_from(v).unwrap_or(0);
    Ok(ClosureRules {
        max_extensions: small(r.max_extensions),
        three_party: r.three_party != 0,
        min_satisfaction: r.min_satisfaction.and_then(|v| u8::try_from(v).ok()),
        posting_days: small(r.posting_days),
        version: r.version,
    })
}

/// An organisation's rules, for reading: everyone in its business and those who read
/// its ledger from above.
pub async fn of_org(db: &Db, actor: &Actor, org: UnitId) -> StoreResult<ClosureRules> {
    require_settings(actor, org, Access::Read)?;
    let mut conn = db.pool().acquire().await?;
    get(&mut conn, org).await
}

/// Sets an organisation's rules (the office of that organisation only); recorded.
pub async fn save(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    org: UnitId,
    input: &RulesInput,
) -> StoreResult<ClosureRules> {
    require_settings(actor, org, Access::Edit)?;
    let mut c = Checker::default();
    let max_extensions = c.number("max_extensions", &input.max_extensions, 0, 10);
    let min_satisfaction = c.optional_number("min_satisfaction", &input.min_satisfaction, 1, 100);
    let posting_days = c.number("posting_days", &input.posting_days, 0, 60);
    c.finish()?;
    let max_extensions = i64::from(max_extensions.unwrap_or_default());
    let min_satisfaction = min_satisfaction.map(i64::from);
    let posting_days = i64::from(posting_days.unwrap_or_default());
    let three_party = i64::from(input.three_party);
    let fields = [
        ("max_extensions", Param::from(max_extensions)),
        ("three_party", Param::from(three_party)),
        ("min_satisfaction", Param::from(min_satisfaction)),
        ("posting_days", Param::from(posting_days)),
    ];
    db.write(async |tx| {
        audit::versions::upsert(
            tx,
            change,
            Entity::ClosureRules,
            ("org_id", org.0),
            Some(input.version),
            &fields,
        )
        .await?;
        get(tx.conn(), org).await
    })
    .await
}
