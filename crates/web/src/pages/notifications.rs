//! 消息提醒 — the bell's list: a person's own notifications, newest first, and marking
//! them read; and the person's own e-mail setting. Nobody reads, marks or sets
//! another's.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use zhenggai_storage::reminders::bell::{self, Notification};
use zhenggai_storage::reminders::channels::{self, UserChannel};

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    t: Tr,
    nav: Nav,
    list: Vec<Notification>,
    email: UserChannel,
    email_configured: bool,
    errors: Errors,
}

async fn page(
    app: &App,
    v: &Viewer,
    email: Option<UserChannel>,
    errors: Errors,
) -> Result<NotificationsPage, PageError> {
    let email = match email {
        Some(e) => e,
        None => channels::of_user(&app.db, v.user.id).await?,
    };
    Ok(NotificationsPage {
        t: tr(v),
        nav: Nav::new(v, "notifications", "/notifications"),
        list: bell::list(&app.db, v.user.id, 200).await?,
        email,
        email_configured: app.config.email_configured,
        errors,
    })
}

/// GET /notifications
pub async fn list(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    let errors = Errors::none(v.lang);
    Ok(render(&page(&app, &v, None, errors).await?))
}

/// POST /notifications/email — the person's own address and choice.
pub async fn save_email(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let email = form.get("email").to_string();
    let email_on = form.get("email_on") == "on";
    let version = form.get("version").trim().parse().unwrap_or(-1);
    match channels::save_user(&app.db, &v.actor, v.change(&app), &email, email_on, version).await {
        Ok(_) => Ok(see_other("/notifications")),
        Err(e) => {
            let shown = UserChannel {
                email,
                email_on,
                version,
            };
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, Some(shown), errors).await
            })
            .await
        }
    }
}

/// POST /notifications/read — one (`id`) or all.
pub async fn mark_read(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let id = form.get("id").trim().parse::<i64>().ok();
    bell::mark_read(&app.db, v.user.id, id, app.clock.now()).await?;
    Ok(see_other("/notifications"))
}
