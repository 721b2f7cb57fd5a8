//! A problem's page, and the forms to add and edit problems.

mod form;

pub use form::{create, edit, new, update, withdraw};

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::ProblemId;
use zhenggai_domain::access::Access;
use zhenggai_domain::lifecycle::{Party, Posting, ProblemState};
use zhenggai_storage::error::Blocker;
use zhenggai_storage::ledger::lifecycle::{self, history::Event, input::StepInput};
use zhenggai_storage::ledger::problems::{self, Problem};
use zhenggai_storage::ledger::query::{self, FilterInput, MeasurePage, Within};

use super::{Choice, Errors, Nav, render, render_status, see_other, tr};
use crate::error::PageError;
use crate::form::PageFiles;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;
use zhenggai_storage::files::Sent;

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage {
    t: Tr,
    nav: Nav,
    problem: Problem,
    page: MeasurePage,
    can_edit: bool,
    events: Vec<Event>,
    actions: Vec<&'static str>,
    can_add_measure: bool,
    units: Vec<Choice>,
    errors: Errors,
    today: String,
    closure: ClosurePanel,
    refused: Option<StepRefusal>,
    /// The measures the former lead unit leads, offered to go along with a decision
    /// on who leads (assign).
    carried: Vec<Choice>,
    /// The last 留号 or 回炉 while its work is still open: the lead unit is told its
    /// measures were reopened and what to do before asking again.
    returned: Option<Returned>,
    /// The extension asked for and not yet decided: what the leader decides on.
    pending: Option<lifecycle::history::PendingExtension>,
}

/// Work sent back to the lead unit — a plan returned (退回修改), a closure returned
/// (留号), a closed problem reopened (回炉) — as the page tells it until the unit sends
/// it up again.
struct Returned {
    /// return_plan, return_closure or reopen.
    action: String,
    /// Who decided, by name.
    actor: String,
    /// When (RFC 3339).
    at: String,
    /// The new deadline, until an extension approved since changes it.
    deadline: Option<chrono::NaiveDate>,
    /// Why.
    reason: String,
}

impl Returned {
    /// The last return among `events`, unless the unit has sent the work up since.
    fn of(events: &[Event], state: ProblemState) -> Option<Returned> {
        let at = events.iter().rposition(|e| {
            matches!(
                e.action.as_str(),
                "return_plan" | "return_closure" | "reopen" | "request_closure" | "submit_plan"
            )
        })?;
        let last = &events[at];
        let open = match last.action.as_str() {
            "return_plan" => state == ProblemState::Claimed,
            "return_closure" | "reopen" => state == ProblemState::InProgress,
            _ => false,
        };
        if !open {
            return None;
        }
        let note = last.note.as_deref().unwrap_or_default();
        let (deadline, reason) = match last.action.as_str() {
            "return_plan" => (None, note),
            _ => zhenggai_domain::lifecycle::read_return_note(note),
        };
        let extended = events[at..].iter().any(|e| e.action == "extend");
        Some(Returned {
            action: last.action.clone(),
            actor: last.actor.clone(),
            at: last.at.clone(),
            deadline: deadline.filter(|_| !extended),
            reason: reason.to_string(),
        })
    }
}

/// A step refused, as the problem's page shows it above everything else: what blocks it
/// and what to do, the records concerned (linked), and whether its form is gone (a
/// stale page: the problem moved on). Each field's message also shows at its field,
/// with what was typed kept.
struct StepRefusal {
    /// The action tried, by code.
    action: String,
    /// What blocks it and what to do, in the reader's language.
    messages: Vec<String>,
    /// The records concerned.
    records: Vec<Blocker>,
    /// The action is no longer offered to this person.
    stale: bool,
    /// What was sent, to fill its form again.
    input: StepInput,
}

impl ProblemPage {
    /// A measure's words as a choice in a list shows them.
    fn clip(&self, text: &str, max: usize) -> String {
        zhenggai_domain::text::clip(text, max)
    }

    /// The refusal of `field` on the form of `action`, if that form was refused.
    fn step_error(&self, action: &str, field: &str) -> Option<String> {
        match &self.refused {
            Some(r) if r.action == action => self.errors.of(field),
            _ => None,
        }
    }

    /// Whether this reader decides the extension asked for: its request then heads the
    /// steps they take, where a phone keeps them at hand.
    fn decides_extension(&self) -> bool {
        self.actions.contains(&"extend")
    }

    /// The same, or `default` on a fresh form.
    fn kept_or<'a>(&'a self, action: &str, field: &str, default: &'a str) -> &'a str {
        match self.kept(action, field) {
            "" => default,
            kept => kept,
        }
    }

    /// What was typed into `field` of the form of `action`, when it comes back refused.
    fn kept(&self, action: &str, field: &str) -> &str {
        let Some(r) = self.refused.as_ref().filter(|r| r.action == action) else {
            return "";
        };
        let i = &r.input;
        match field {
            "reason" => &i.reason,
            "deadline" => &i.deadline,
            "meeting" => &i.meeting,
            "meeting_date" => &i.meeting_date,
            "report" => &i.report,
            "signer" => &i.signer,
            "method" => &i.method,
            "place" => &i.place,
            _ => "",
        }
    }
}

/// The measures a change of lead unit hands over, each ticked: the office or the
/// leader unticks those that stay.
async fn carried(app: &App, problem: &Problem) -> Result<Vec<Choice>, PageError> {
    let Some(lead) = &problem.lead_unit else {
        return Ok(Vec::new());
    };
    Ok(
        zhenggai_storage::ledger::measures::led_by(&app.db, problem.id, lead.id)
            .await?
            .into_iter()
            .map(|(id, ordinal, content)| Choice {
                id: id.0,
                label: format!("{ordinal}. {content}"),
                selected: true,
            })
            .collect(),
    )
}

/// The organisation's closure rules and what is recorded for this problem's current
/// closure request (三方验收, 满意度测评, 公示).
struct ClosurePanel {
    /// Whether the organisation uses any of the rules.
    any: bool,
    /// Each party when three-party acceptance is required: its code, and whether it signed.
    parties: Vec<(&'static str, bool)>,
    /// The parties the viewer may record now.
    to_sign: Vec<&'static str>,
    /// The required share satisfied, in percent.
    min_satisfaction: Option<u8>,
    /// The latest survey: satisfied / asked.
    survey: Option<(u32, u32)>,
    /// Posting days required (0: none).
    posting_days: u32,
    /// The posting's state code: not_posted, running, over.
    posting: &'static str,
    /// The last day of the posting period.
    posted_until: String,
}

impl ClosurePanel {
    fn new(f: &lifecycle::facts::Facts, to_sign: Vec<Party>) -> Self {
        let p = f.policy;
        let checks = &f.problem.checks;
        // Checks count for the current closure request only.
        let current = matches!(
            f.problem.state,
            ProblemState::ClosureSigned | ProblemState::Closed | ProblemState::Consolidated
        );
        ClosurePanel {
            any: p.three_party || p.min_satisfaction.is_some() || p.posting_days > 0,
            parties: if p.three_party {
                Party::ALL
                    .into_iter()
                    .map(|party| (party.code(), current && checks.accepted_by.contains(&party)))
                    .collect()
            } else {
                Vec::new()
            },
            to_sign: to_sign.into_iter().map(Party::code).collect(),
            min_satisfaction: p.min_satisfaction,
            survey: checks
                .survey
                .filter(|_| current)
                .map(|s| (s.satisfied, s.surveyed)),
            posting_days: p.posting_days,
            posting: match checks.posting {
                _ if !current => "not_posted",
                Posting::NotPosted => "not_posted",
                Posting::Running => "running",
                Posting::Over => "over",
            },
            posted_until: f
                .posted_until
                .filter(|_| current)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }
}

async fn problem_page(
    app: &App,
    v: &Viewer,
    id: ProblemId,
    errors: Errors,
) -> Result<ProblemPage, PageError> {
    let problem = problems::get(&app.db, &v.actor, id).await?;
    let page = problem_measures(app, v, &problem).await?;
    let can_edit = v.actor.ledger_access(problem.org_id) >= Access::Edit;
    let (facts, mut actions) =
        lifecycle::offered::actions_for(&app.db, &v.actor, id, app.clock.today()).await?;
    let can_add_measure = actions.contains(&"add_measure");
    actions.retain(|a| *a != "add_measure");
    // An extension is asked for a measure still open: with none, there is nothing to ask.
    if !page
        .measures
        .iter()
        .any(|m| m.state != zhenggai_domain::status::MeasureState::Done)
    {
        actions.retain(|a| *a != "request_extension");
    }
    let closure = ClosurePanel::new(
        &facts,
        lifecycle::offered::parties_to_sign(&v.actor, &facts),
    );
    let events = lifecycle::history::events(&app.db, id).await?;
    let returned = Returned::of(&events, problem.state);
    let pending = if facts.problem.extension_pending {
        lifecycle::history::pending_extension_of(&app.db, id).await?
    } else {
        None
    };
    let units = zhenggai_storage::accounts::units::list(&app.db, Some(problem.org_id))
        .await?
        .into_iter()
        .filter(|u| u.id != problem.org_id)
        .map(|u| Choice {
            id: u.id.0,
            label: u.label().to_string(),
            selected: false,
        })
        .collect();
    let carried = if actions.contains(&"assign") {
        carried(app, &problem).await?
    } else {
        Vec::new()
    };
    let path = format!("/problems/{id}");
    Ok(ProblemPage {
        carried,
        returned,
        pending,
        t: tr(v),
        nav: Nav::new(v, "inspections", &path),
        problem,
        page,
        can_edit,
        events,
        actions,
        can_add_measure,
        units,
        errors,
        today: app.clock.today().to_string(),
        closure,
        refused: None,
    })
}

/// POST /problems/{id}/step — one lifecycle step (认领、审定、销号 …).
pub async fn step(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageFiles(sent): PageFiles,
) -> Result<Response, PageError> {
    let form = &sent.form;
    let change = v.change_because(&app, form.get("reason"));
    let files = Sent {
        files: &sent.files,
        limits: app.config.uploads,
    };
    let input = form.step();
    match lifecycle::step(
        &app.db,
        app.files.as_ref(),
        &v.actor,
        change,
        ProblemId(id),
        &input,
        files,
    )
    .await
    {
        Ok(_) => {
            // A step taken from a look-back round returns there.
            let back = super::login::safe_next(form.get("back"));
            Ok(see_other(&if back == "/" {
                format!("/problems/{id}")
            } else {
                back
            }))
        }
        Err(e) => {
            let (status, refusal, fields) = super::refusal_of(e, v.lang)?;
            let errors = Errors {
                list: fields,
                lang: v.lang,
            };
            let mut page = problem_page(&app, &v, ProblemId(id), errors).await?;
            let action = input.action.trim().to_string();
            page.refused = Some(StepRefusal {
                stale: !page.actions.contains(&action.as_str()),
                action,
                messages: refusal.messages,
                records: refusal.records,
                input,
            });
            Ok(render_status(status, &page))
        }
    }
}

/// GET /step-files/{id} — a file sent with a step (a closure request's evidence).
pub async fn step_file(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (f, bytes) = lifecycle::history::file(&app.db, app.files.as_ref(), &v.actor, id).await?;
    Ok(crate::download::download(
        &f.filename,
        &f.content_type,
        bytes,
    ))
}

/// The measures of one problem that the viewer sees.
pub async fn problem_measures(
    app: &App,
    v: &Viewer,
    problem: &Problem,
) -> Result<MeasurePage, PageError> {
    let filter = FilterInput {
        per_page: "200".into(),
        ..Default::default()
    }
    .check(200)?;
    Ok(query::measure_list(
        &app.db,
        &v.actor,
        Within::Problem(problem.id),
        &filter,
        app.clock.today(),
    )
    .await?)
}

/// GET /problems/{id}
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let page = problem_page(&app, &v, ProblemId(id), Errors::none(v.lang)).await?;
    Ok(render(&page))
}
