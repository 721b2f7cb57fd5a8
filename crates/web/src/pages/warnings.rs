//! 三色预警 — the warning board every business role sees for its own scope, and the
//! rules the office sets: thresholds, who each colour reaches, the Party secretary,
//! when reminders go out, and the channels besides the bell (e-mail, a group robot).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use zhenggai_domain::access::Access;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::reminder::RobotKind;
use zhenggai_domain::warning::{Colour, Recipient};
use zhenggai_storage::accounts::users::{self, User};
use zhenggai_storage::error::StoreError;
use zhenggai_storage::ledger::query::FilterInput;
use zhenggai_storage::ledger::warnings::{self, Board};
use zhenggai_storage::reminders::channels::{self, OrgChannels, OrgChannelsInput};
use zhenggai_storage::settings::warning_rules::{self, Settings, SettingsInput};

use super::ledger::{Checked, checked_filter, filter_input, filter_pairs};
use super::{Errors, Nav, Pager, refused_form, render, render_status, see_other, tr};
use crate::error::PageError;
use crate::form::PageForm;
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
    /// The viewer's organisation.
    org: zhenggai_domain::UnitId,
    pager: Pager,
    /// A page number or size refused (and left out).
    errors: Errors,
}

impl BoardPage {
    /// Whether a line of rules names its organisation: when there are several, or when
    /// they are not the viewer's own (the upper level reading one organisation below).
    fn names_org(&self, r: &warnings::OrgRules) -> bool {
        self.board.rules.len() > 1 || r.org.id != self.org
    }
}

/// GET /warnings — `page` and `per_page` as the lists take them.
pub async fn board(
    State(app): State<App>,
    v: Viewer,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // The page and its size, as the lists read them; the board has no other filter.
    let asked = filter_input(&pairs);
    let paging = FilterInput {
        page: asked.page,
        per_page: asked.per_page,
        ..FilterInput::default()
    };
    let Checked {
        filter,
        shown,
        errors,
    } = checked_filter(&paging, app.config.page_size, &v, None)?;
    let calendar = zhenggai_storage::calendar::load(&app.db).await?;
    let board = warnings::board(
        &app.db,
        &v.actor,
        &calendar,
        app.clock.today(),
        (filter.page, filter.per_page),
    )
    .await?;
    let pager = Pager::new(
        "/warnings",
        &filter_pairs(&shown),
        board.page,
        board.per_page,
        board.total(),
    );
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
        org: v.actor.org,
        pager,
        errors,
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
    channels: ChannelsForm,
    robots: [RobotKind; 3],
    email_configured: bool,
}

/// The channels form as shown: the secret is never sent back to the page.
struct ChannelsForm {
    email_on: bool,
    robot_kind: String,
    robot_url: String,
    has_secret: bool,
    /// Colour codes the robot posts.
    robot_colours: Vec<String>,
    version: i64,
    errors: Errors,
}

impl ChannelsForm {
    /// Whether the robot posts this colour (ticked on the form).
    fn posts(&self, colour: &Colour) -> bool {
        let code = colour.code();
        self.robot_colours.iter().any(|c| c == code)
    }

    fn of(c: &OrgChannels, errors: Errors) -> ChannelsForm {
        ChannelsForm {
            email_on: c.email_on,
            robot_kind: c
                .robot
                .as_ref()
                .map(|r| r.kind.code().to_string())
                .unwrap_or_default(),
            robot_url: c.robot.as_ref().map(|r| r.url.clone()).unwrap_or_default(),
            has_secret: c.robot.as_ref().is_some_and(|r| !r.secret.is_empty()),
            robot_colours: c
                .robot_colours
                .iter()
                .map(|k| k.code().to_string())
                .collect(),
            version: c.version,
            errors,
        }
    }
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
        remind_days: s
            .rules
            .remind_days
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","),
        repeat_days: s.rules.repeat_days.to_string(),
        milestone_months: s.rules.milestone_months.to_string(),
        long_term_days: s.rules.long_term_days.to_string(),
        secretary: s.secretary.map(|u| u.0.to_string()).unwrap_or_default(),
        version: s.version,
    }
}

fn require_office(v: &Viewer) -> Result<(), PageError> {
    if v.actor.ledger_access(v.actor.org) < Access::Edit {
        return Err(StoreError::refused(Refused::SettingsByOffice).into());
    }
    Ok(())
}

async fn rules_page(
    app: &App,
    v: &Viewer,
    input: Option<SettingsInput>,
    errors: Errors,
    channels: Option<ChannelsForm>,
) -> Result<RulesPage, PageError> {
    let input = match input {
        Some(i) => i,
        None => input_of(&warning_rules::of_org(&app.db, &v.actor, v.actor.org).await?),
    };
    let channels = match channels {
        Some(c) => c,
        None => ChannelsForm::of(
            &channels::for_org(&app.db, v.actor.org).await?,
            Errors::none(v.lang),
        ),
    };
    Ok(RulesPage {
        t: tr(v),
        nav: Nav::new(v, "warnings", "/settings/warnings"),
        input,
        leaders: users::leaders(&app.db, v.actor.org).await?,
        colours: Colour::ALL,
        recipients: Recipient::ALL,
        errors,
        channels,
        robots: RobotKind::ALL,
        email_configured: app.config.email_configured,
    })
}

/// GET /settings/warnings
pub async fn show_rules(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    require_office(&v)?;
    let errors = Errors::none(v.lang);
    Ok(render(&rules_page(&app, &v, None, errors, None).await?))
}

/// POST /settings/channels
pub async fn save_channels(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    require_office(&v)?;
    let input = OrgChannelsInput {
        email_on: form.get("email_on") == "on",
        robot_kind: form.get("robot_kind").into(),
        robot_url: form.get("robot_url").into(),
        robot_secret: form.get("robot_secret").into(),
        // The form marks that it showed the colours, so that none ticked means none.
        robot_colours: (!form.get("robot_colours_shown").is_empty()).then(|| {
            form.all("robot_colours")
                .into_iter()
                .map(String::from)
                .collect()
        }),
        version: form.get("version").trim().parse().unwrap_or(-1),
    };
    match channels::save_org(
        &app.db,
        &v.actor,
        v.change(&app),
        v.actor.org,
        &input,
        &app.config.robot_hosts,
    )
    .await
    {
        Ok(_) => Ok(see_other("/settings/warnings#channels")),
        Err(e) => {
            let errors = Errors::refused(e, v.lang)?;
            let shown = ChannelsForm {
                email_on: input.email_on,
                robot_kind: input.robot_kind.clone(),
                robot_url: input.robot_url.clone(),
                has_secret: false,
                robot_colours: input.robot_colours.clone().unwrap_or_default(),
                version: input.version,
                errors,
            };
            let page = rules_page(&app, &v, None, Errors::none(v.lang), Some(shown)).await?;
            Ok(render_status(page.errors.status(), &page))
        }
    }
}

/// POST /settings/warnings
pub async fn save_rules(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let all = |name: &str| form.all(name).into_iter().map(str::to_string).collect();
    let input = SettingsInput {
        green_days: form.get("green_days").into(),
        yellow_days: form.get("yellow_days").into(),
        green_to: all("green_to"),
        yellow_to: all("yellow_to"),
        red_to: all("red_to"),
        remind_days: form.get("remind_days").into(),
        repeat_days: form.get("repeat_days").into(),
        milestone_months: form.get("milestone_months").into(),
        long_term_days: form.get("long_term_days").into(),
        secretary: form.get("secretary").into(),
        version: form.get("version").trim().parse().unwrap_or(-1),
    };
    match warning_rules::save(&app.db, &v.actor, v.change(&app), v.actor.org, &input).await {
        Ok(_) => Ok(see_other("/settings/warnings")),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                rules_page(&app, &v, Some(input), errors, None).await
            })
            .await
        }
    }
}
