//! 消息提醒 — the bell's list: a person's own notifications, newest first, and marking
//! them read. Nobody reads or marks another's.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use zhenggai_storage::reminders::{self, Notification};

use super::{Nav, render, see_other, tr};
use crate::error::PageError;
use crate::form::FormData;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    t: Tr,
    nav: Nav,
    list: Vec<Notification>,
}

/// GET /notifications
pub async fn list(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    let list = reminders::list(&app.db, v.user.id, 200).await?;
    Ok(render(&NotificationsPage {
        t: tr(&v),
        nav: Nav::new(&v, "notifications", "/notifications"),
        list,
    }))
}

/// POST /notifications/read — one (`id`) or all.
pub async fn mark_read(
    State(app): State<App>,
    v: Viewer,
    form: FormData,
) -> Result<Response, PageError> {
    v.check_csrf(form.get("csrf"))?;
    let id = form.get("id").trim().parse::<i64>().ok();
    reminders::mark_read(&app.db, v.user.id, id, app.clock.now()).await?;
    Ok(see_other("/notifications"))
}
