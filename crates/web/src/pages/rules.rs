//! 销号规则 — the office sets its organisation's closure rules: the maximum of
//! extensions, three-party acceptance, the satisfaction survey, public posting.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use zhenggai_domain::access::Access;
use zhenggai_domain::reason::Refused;
use zhenggai_storage::error::StoreError;
use zhenggai_storage::ledger::postings::{self, PostedResult};
use zhenggai_storage::settings::closure_rules::{self as rules, ClosureRules, RulesInput};

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    t: Tr,
    nav: Nav,
    rules: ClosureRules,
    input: RulesInput,
    errors: Errors,
}

fn input_of(r: &ClosureRules) -> RulesInput {
    RulesInput {
        max_extensions: r.max_extensions.to_string(),
        three_party: r.three_party,
        min_satisfaction: r
            .min_satisfaction
            .map(|m| m.to_string())
            .unwrap_or_default(),
        posting_days: r.posting_days.to_string(),
        version: r.version,
    }
}

async fn require_office(v: &Viewer) -> Result<(), PageError> {
    if v.actor.ledger_access(v.actor.org) < Access::Edit {
        return Err(StoreError::refused(Refused::SettingsByOffice).into());
    }
    Ok(())
}

/// GET /settings/closure
pub async fn show(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    require_office(&v).await?;
    let rules = rules::of_org(&app.db, &v.actor, v.actor.org).await?;
    Ok(render(&RulesPage {
        t: tr(&v),
        nav: Nav::new(&v, "rules", "/settings/closure"),
        input: input_of(&rules),
        rules,
        errors: Errors::none(v.lang),
    }))
}

/// POST /settings/closure
pub async fn save(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let input = RulesInput {
        max_extensions: form.get("max_extensions").into(),
        three_party: form.flag("three_party")?,
        min_satisfaction: form.get("min_satisfaction").into(),
        posting_days: form.get("posting_days").into(),
        version: form.get("version").trim().parse().unwrap_or(-1),
    };
    match rules::save(&app.db, &v.actor, v.change(&app), v.actor.org, &input).await {
        Ok(_) => Ok(see_other("/settings/closure")),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                Ok(RulesPage {
                    t: tr(&v),
                    nav: Nav::new(&v, "rules", "/settings/closure"),
                    rules: rules::of_org(&app.db, &v.actor, v.actor.org).await?,
                    input,
                    errors,
                })
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "postings.html")]
struct PostingsPage {
    t: Tr,
    nav: Nav,
    postings: Vec<PostedResult>,
}

/// GET /postings — 整改结果公示.
pub async fn postings(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    let postings = postings::list(&app.db, &v.actor, app.clock.today()).await?;
    Ok(render(&PostingsPage {
        t: tr(&v),
        nav: Nav::new(&v, "postings", "/postings"),
        postings,
    }))
}
