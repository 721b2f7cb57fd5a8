//! The caller's own account, as the password page and the API change it.

use zhenggai_domain::reason::Account;
use zhenggai_domain::validate::Why;
use zhenggai_storage::StoreError;
use zhenggai_storage::accounts::{auth, users};

use crate::session::Viewer;
use crate::state::App;

/// Changes a person's own password after checking the current one; the page and the
/// API share it.
pub async fn change_own_password(
    app: &App,
    v: &Viewer,
    address: &str,
    current: &str,
    new: &str,
) -> Result<(), StoreError> {
    let now = app.clock.now();
    let ok = auth::login(
        &app.db,
        &v.user.username,
        current,
        address,
        now,
        app.config.auth,
    )
    .await?
    .is_ok();
    if !ok {
        return Err(StoreError::because(
            "old_password",
            Why::Account(Account::WrongPassword),
        ));
    }
    users::set_password(&app.db, v.change(app), v.user.id, new, false, v.session_id).await
}
