//! `zhenggai user add|passwd|list`: accounts from the shell (which is trusted: it can
//! assign any role, including the three administrators).

use std::process::ExitCode;

use anyhow::Context;
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_domain::{Role, UnitId};
use zhenggai_storage::accounts::users::{self, NewUser};
use zhenggai_storage::audit::Change;
use zhenggai_storage::{
    Db, StoreError,
    accounts::{auth, units},
};

use crate::cli::{Common, UserCommand};
use crate::config::Settings;

async fn find_unit(db: &Db, key: &str) -> anyhow::Result<UnitId> {
    let all = units::list(db, None).await?;
    let found = match key.parse::<i64>() {
        Ok(id) => all.iter().find(|u| u.id.0 == id),
        Err(_) => all
            .iter()
            .find(|u| u.name == key || u.short_name.as_deref() == Some(key)),
    };
    found.map(|u| u.id).with_context(|| {
        format!("no unit “{key}”: give a unit id or its name (see the units page)")
    })
}

fn explain(e: StoreError) -> anyhow::Error {
    super::explain_in(zhenggai_web::i18n::Lang::En, e)
}

pub async fn run(common: &Common, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, None)?;
    let db = super::open(&settings).await?;
    db.migrate().await?;
    let change = Change {
        actor: None,
        at: SystemClock.now(),
        reason: Some("zhenggai user (shell)"),
    };
    match cmd {
        UserCommand::Add {
            username,
            name,
            unit,
            role,
            in_charge,
            password,
        } => {
            let role = Role::from_code(&role).with_context(|| format!("unknown role “{role}”: use office, leader, unit, supervisor, upper, sysadmin, secadmin or auditadmin"))?;
            let unit = find_unit(&db, &unit).await?;
            let mut units_in_charge = Vec::new();
            for u in &in_charge {
                units_in_charge.push(find_unit(&db, u).await?);
            }
            let generated = password.is_none();
            let password = password.unwrap_or_else(auth::generate_password);
            let new = NewUser {
                username: &username,
                display_name: &name,
                unit,
                role,
                units_in_charge,
                password: &password,
                must_change_password: generated,
            };
            db.write(async |tx| users::insert(tx, change, &new).await)
                .await
                .map_err(explain)?;
            println!("created {username} ({})", role.code());
            if generated {
                println!("one-time password (to be changed at first login): {password}");
            }
        }
        UserCommand::Passwd { username, password } => {
            let user = users::find(&db, &username)
                .await?
                .with_context(|| format!("no user “{username}”"))?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(auth::generate_password);
            users::set_password(&db, change, user.id, &password, generated, None)
                .await
                .map_err(explain)?;
            println!("password of {username} set");
            if generated {
                println!("one-time password (to be changed at first login): {password}");
            }
        }
        UserCommand::Disable { username, reason } => {
            set_disabled(&db, change, &username, Some(&reason)).await?;
            println!("{username} disabled");
        }
        UserCommand::Enable { username } => {
            set_disabled(&db, change, &username, None).await?;
            println!("{username} enabled");
        }
        UserCommand::List => {
            for u in users::list(&db).await? {
                println!(
                    "{:<6} {:<16} {:<12} {:<12} {}{}",
                    u.id,
                    u.username,
                    u.role.code(),
                    u.display_name,
                    u.unit_name,
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
        }
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Disables (with its reason) or enables an account from the shell.
async fn set_disabled(
    db: &Db,
    change: Change<'_>,
    username: &str,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    let user = users::find(db, username)
        .await?
        .with_context(|| format!("no user “{username}”"))?;
    let change = Change {
        reason: reason.or(change.reason),
        ..change
    };
    users::set_disabled(db, None, change, user.id, user.version, reason.is_some())
        .await
        .map_err(explain)
}
