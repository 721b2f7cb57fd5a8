//! 三色预警 — the warning board every business role sees for its own scope, and the
//! rules the office sets: thresholds, who each colour reaches, the Party secretary.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use zhenggai_domain::access::Access;
use zhenggai_domain::warning::{Colour, Recipient};
use zhenggai_storage::error::StoreError;
use zhenggai_storage::ledger::warnings::{self, Board, Settings, SettingsInput};
use zhenggai_storage::users::{self, User};

use super::{Errors, Nav, field_errors, render, render_status, see_other, tr};
use crate::error::PageError;
use crate::form::FormData;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "warnings.html")]
struct BoardPage {
    t: Tr,
    nav: Nav,
    board: Board,
    /// 督办 notices issued by the organisation, for those who read its ledger.
    notices: Vec<(zhenggai_domain::escalation::NoticeKind, i64)>,
}

/// GET /warnings
pub async fn board(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    let calendar = zhenggai_storage::calendar::load(&app.db).await?;
    let board = warnings::board(&app.db, &v.actor, &calendar, app.clock.today()).await?;
    let notices = if v.actor.ledger_access(v.actor.org) >= Access::Read {
        zhenggai_storage::ledger::notices::counts(&app.db, &v.actor, v.actor.org).await?
    } else {
        Vec::new()
    };
    Ok(render(&BoardPage {
        t: tr(&v),
        nav: Nav::new(&v, "warnings", "/warnings"),
        board,
        notices,
    }))
}

#[derive(Template)]
#[template(path = "warning_rules.html")]
struct RulesPage {
    t: Tr,
    nav: Nav,
    input: SettingsInput,
    leaders: Vec<User>,
    colours: [Colour; 3],
    recipients: [Recipient; 3],
    errors: Errors,
}

impl RulesPage {
    fn ticked(&self, colour: &Colour, recipient: &Recipient) -> bool {
        let list = match colour {
            Colour::Green => &self.input.green_to,
            Colour::Yellow => &self.input.yellow_to,
            Colour::Red => &self.input.red_to,
        };
        list.iter().any(|c| c == recipient.code())
    }
}

fn input_of(s: &Settings) -> SettingsInput {
    let codes = |list: &[Recipient]| list.iter().map(|r| r.code().to_string()).collect();
    SettingsInput {
        green_days: s.rules.green_days.to_string(),
        yellow_days: s.rules.yellow_days.to_string(),
        green_to: codes(&s.rules.green),
        yellow_to: codes(&s.rules.yellow),
        red_to: codes(&s.rules.red),
        secretary: s.secretary.map(|u| u.0.to_string()).unwrap_or_default(),
        version: s.version,
    }
}

fn require_office(v: &Viewer) -> Result<(), PageError> {
    if v.actor.ledger_access(v.actor.org) < Access::Edit {
        return Err(StoreError::Forbidden.into());
    }
    Ok(())
}

async fn rules_page(
    app: &App,
    v: &Viewer,
    input: SettingsInput,
    errors: Errors,
) -> Result<RulesPage, PageError> {
    Ok(RulesPage {
        t: tr(v),
        nav: Nav::new(v, "warnings", "/settings/warnings"),
        input,
        leaders: users::leaders(&app.db, v.actor.org).await?,
        colours: Colour::ALL,
        recipients: Recipient::ALL,
        errors,
    })
}

/// GET /settings/warnings
pub async fn show_rules(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    require_office(&v)?;
    let settings = warnings::of_org(&app.db, &v.actor, v.actor.org).await?;
    let errors = Errors::none(v.lang);
    Ok(render(
        &rules_page(&app, &v, input_of(&settings), errors).await?,
    ))
}

/// POST /settings/warnings
pub async fn save_rules(
    State(app): State<App>,
    v: Viewer,
    form: FormData,
) -> Result<Response, PageError> {
    v.check_csrf(form.get("csrf"))?;
    let all = |name: &str| form.all(name).into_iter().map(str::to_string).collect();
    let input = SettingsInput {
        green_days: form.get("green_days").into(),
        yellow_days: form.get("yellow_days").into(),
        green_to: all("green_to"),
        yellow_to: all("yellow_to"),
        red_to: all("red_to"),
        secretary: form.get("secretary").into(),
        version: form.get("version").trim().parse().unwrap_or(-1),
    };
    match warnings::save(&app.db, &v.actor, v.change(&app), v.actor.org, &input).await {
        Ok(_) => Ok(see_other("/settings/warnings")),
        Err(e) => {
            let errors = Errors {
                list: field_errors(e)?,
                lang: v.lang,
            };
            let page = rules_page(&app, &v, input, errors).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
