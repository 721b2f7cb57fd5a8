//! `zhenggai stats`: the figures of an inspection or an organisation (D15), today or as
//! of a past day, as the office's sentence or as one JSON object.

use std::process::ExitCode;

use zhenggai_documents::wording as documents;
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_domain::{InspectionId, UnitId};
use zhenggai_storage::accounts::units::{self, UnitKind};
use zhenggai_storage::statistics::{self, Scope};
use zhenggai_web::i18n::Lang;

use crate::cli::{Common, StatsArgs};
use crate::config::Settings;

pub async fn run(common: &Common, args: StatsArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, None)?;
    let db = super::open_to_read(&settings).await?;
    let (scope, org) = match (args.inspection, args.org) {
        (Some(id), _) => {
            let org = super::org_of_inspection(&db, InspectionId(id)).await?;
            (Scope::Inspection(InspectionId(id)), org)
        }
        (None, Some(org)) => {
            // A department's figures would be zeros: its measures are its organisation's.
            let unit = units::get(&db, UnitId(org)).await.ok();
            match unit {
                Some(u) if u.kind == UnitKind::Org => {}
                Some(u) => anyhow::bail!(
                    "unit {org} ({}) is a department, not an organisation: give its organisation's id, {}",
                    u.name,
                    u.org_id
                ),
                None => anyhow::bail!("no unit {org}: give the id of an organisation"),
            }
            (Scope::Organisation(UnitId(org)), UnitId(org))
        }
        (None, None) => anyhow::bail!("give --inspection ID or --org ID"),
    };
    let actor = super::office_of(org);
    let figures = statistics::figures(&db, &actor, scope, args.as_of, SystemClock.today())
        .await
        .map_err(|e| match e {
            zhenggai_storage::StoreError::NotFound => {
                anyhow::anyhow!("no organisation {}: give the id of an organisation", org.0)
            }
            other => super::explain_in(Lang::En, other),
        })?;
    db.close().await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        println!("{}", documents::overall_figures(&figures));
    }
    Ok(ExitCode::SUCCESS)
}
