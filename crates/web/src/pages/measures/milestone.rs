//! A long measure's 阶段目标: added, and marked reached.

use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::MeasureId;
use zhenggai_storage::ledger::milestones::{self, MilestoneInput};

use super::refused;
use crate::error::PageError;
use crate::form::PageForm;
use crate::pages::see_other;
use crate::session::Viewer;
use crate::state::App;

/// POST /measures/{id}/milestones — adds a 阶段目标.
pub async fn add_milestone(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let input = MilestoneInput {
        content: form.get("content").into(),
        due_text: form.get("due_text").into(),
    };
    let today = app.clock.today();
    match milestones::add(
        &app.db,
        &v.actor,
        v.change(&app),
        MeasureId(id),
        &input,
        today,
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/measures/{id}#milestones"))),
        Err(e) => {
            refused(&app, &v, MeasureId(id), e, |page, errors| {
                page.milestone_input = input;
                page.milestone_errors = errors;
            })
            .await
        }
    }
}

/// POST /measures/{id}/milestones/{milestone} — marks it reached (`done_on`) or
/// withdraws it (`withdraw` with a `reason`).
pub async fn change_milestone(
    State(app): State<App>,
    v: Viewer,
    Path((id, milestone)): Path<(i64, i64)>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let today = app.clock.today();
    let version = form.get("version").trim().parse().unwrap_or(-1);
    let reason = form.get("reason").trim().to_string();
    let result = if form.get("withdraw") == "1" {
        let change = zhenggai_storage::audit::Change {
            reason: Some(reason.as_str()),
            ..v.change(&app)
        };
        milestones::withdraw(&app.db, &v.actor, change, milestone, version, today).await
    } else {
        milestones::mark_done(
            &app.db,
            &v.actor,
            v.change(&app),
            milestone,
            form.get("done_on"),
            version,
            today,
        )
        .await
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/measures/{id}#milestones"))),
        Err(e) => {
            refused(&app, &v, MeasureId(id), e, |page, errors| {
                page.milestone_errors = errors;
            })
            .await
        }
    }
}
