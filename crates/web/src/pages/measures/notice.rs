//! 督办 notices: the office issues the next one on a measure, and each prints as a document.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::MeasureId;
use zhenggai_storage::accounts::units::{self};
use zhenggai_storage::ledger::measures::Measure;
use zhenggai_storage::ledger::notices::{self, Notice, NoticeInput};

use super::refused;
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::pages::{Nav, render, see_other, tr};
use crate::session::Viewer;
use crate::state::App;

/// POST /measures/{id}/notices — the office issues the next 督办 notice.
pub async fn issue_notice(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let input = NoticeInput {
        kind: form.get("kind").into(),
        final_deadline: form.get("final_deadline").into(),
        content: form.get("content").into(),
    };
    let today = app.clock.today();
    match notices::issue(
        &app.db,
        &v.actor,
        v.change(&app),
        MeasureId(id),
        &input,
        today,
    )
    .await
    {
        Ok(notice) => Ok(see_other(&format!("/notices/{notice}"))),
        Err(e) => {
            refused(&app, &v, MeasureId(id), e, |page, errors| {
                page.notice_input = input;
                page.notice_errors = errors;
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    t: Tr,
    nav: Nav,
    notice: Notice,
    m: Measure,
    org_name: String,
    /// 审计校验码 as the notice is printed.
    audit_code: String,
}

/// GET /notices/{id} — the notice as a printable document.
pub async fn notice(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (notice, m) = notices::get(&app.db, &v.actor, id, app.clock.today()).await?;
    let org_name = units::get(&app.db, m.org_id).await?.name;
    Ok(render(&NoticePage {
        t: tr(&v),
        nav: Nav::new(&v, "measures", &format!("/notices/{id}")),
        notice,
        m,
        org_name,
        audit_code: app.audit_code().await?,
    }))
}
