//! 信访件 (D20): the petitions handed over with an inspection's feedback — registered by
//! the office on the inspection's page, concluded by the handling unit on its own list
//! (`/petitions`), returned by the office when a result does not answer the petition.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Access;
use zhenggai_domain::reason::Rule;
use zhenggai_domain::validate::Why;
use zhenggai_storage::StoreError;
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::ledger::petitions::{
    self, Conclusion, PetitionEdit, PetitionInput, PetitionList, SendBack, Withdrawal,
};

use super::outcomes::ids;
use super::{Choice, Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::{FormData, PageForm};
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "petitions.html")]
struct PetitionsPage {
    t: Tr,
    nav: Nav,
    /// The inspection whose petitions these are; `None` on the list of all.
    inspection: Option<Inspection>,
    list: PetitionList,
    /// The petitions withdrawn, for those who read the whole ledger.
    withdrawn: Vec<petitions::WithdrawnPetition>,
    /// The office may register a petition of this inspection.
    can_register: bool,
    /// The organisation's departments, to hand a petition to (the office's forms).
    units: Vec<Choice>,
    /// The inspection's problems, to link a petition to.
    problems: Vec<Choice>,
    errors: Errors,
    today: String,
    /// The form sent and refused: `form` names it (register, conclude, return, edit)
    /// and `petition` the petition it was for.
    sent: FormData,
    /// The petition the register form is sent for: none yet (0).
    new_petition: i64,
}

/// Every field the forms show; an error elsewhere shows above them.
const FIELDS: [&str; 9] = [
    "number",
    "received_on",
    "summary",
    "handling_unit_id",
    "deadline",
    "problem_ids",
    "result",
    "concluded_on",
    "reason",
];

impl PetitionsPage {
    /// Whether the form sent back is `form` for petition `id` (0: the register form).
    fn is_sent(&self, form: &str, id: &i64) -> bool {
        self.sent.get("form") == form && self.sent.get("petition") == id.to_string()
    }

    /// What was typed into `field`, when that form came back refused.
    fn kept<'a>(&'a self, form: &str, id: &i64, field: &str) -> &'a str {
        if self.is_sent(form, id) {
            self.sent.get(field)
        } else {
            ""
        }
    }

    /// The same, or `default` on a fresh form.
    fn kept_or<'a>(&'a self, form: &str, id: &i64, field: &str, default: &'a str) -> &'a str {
        if self.is_sent(form, id) {
            self.sent.get(field)
        } else {
            default
        }
    }

    /// The error of `field` on that form.
    fn err(&self, form: &str, id: &i64, field: &str) -> Option<String> {
        if self.is_sent(form, id) {
            self.errors.of(field)
        } else {
            None
        }
    }

    /// Whether `unit` is chosen on the form: as sent back, else `current`.
    fn unit_chosen(&self, form: &str, id: &i64, unit: &i64, current: &i64) -> bool {
        if self.is_sent(form, id) {
            self.sent.get("handling_unit_id") == unit.to_string()
        } else {
            unit == current
        }
    }

    /// Whether problem `p` was ticked on the register form sent back.
    fn ticked(&self, p: &i64) -> bool {
        self.is_sent("register", &self.new_petition) && ids(&self.sent, "problem_ids").contains(p)
    }

    /// Every error of the form sent back, said above the list too: the form may sit far
    /// down a long page.
    fn all_errors(&self) -> Vec<String> {
        let mut all: Vec<String> = FIELDS.iter().filter_map(|f| self.errors.of(f)).collect();
        all.extend(super::measures::general_errors(&self.errors, &FIELDS));
        all
    }

    /// What was typed into a form whose petition is gone (reassigned, withdrawn), to copy.
    fn typed_for_gone(&self) -> Option<String> {
        self.errors.of("petition")?;
        ["result", "reason", "summary"]
            .iter()
            .map(|f| self.sent.get(f).trim())
            .find(|t| !t.is_empty())
            .map(str::to_string)
    }

    /// The petition whose form came back refused, to go to it.
    fn sent_row(&self) -> Option<i64> {
        self.sent
            .get("petition")
            .trim()
            .parse()
            .ok()
            .filter(|id| *id > 0)
    }
}

async fn page(
    app: &App,
    v: &Viewer,
    inspection: Option<InspectionId>,
    errors: Errors,
    sent: FormData,
) -> Result<PetitionsPage, PageError> {
    let today = app.clock.today();
    let list = petitions::list(&app.db, &v.actor, inspection, today).await?;
    let withdrawn = petitions::withdrawn(&app.db, &v.actor, inspection).await?;
    let inspection = match inspection {
        Some(id) => Some(inspections::get(&app.db, &v.actor, id).await?),
        None => None,
    };
    let can_register = inspection
        .as_ref()
        .is_some_and(|i| v.actor.ledger_access(i.org_id) >= Access::Edit);
    let manages = can_register || list.petitions.iter().any(|p| p.may_manage);
    let units = if manages {
        super::department_choices(app, v).await?
    } else {
        Vec::new()
    };
    let problems = match &inspection {
        Some(i) if can_register => super::outcomes::choices(app, v, i).await?.0,
        _ => Vec::new(),
    };
    let path = match &inspection {
        Some(i) => format!("/inspections/{}/petitions", i.id),
        None => "/petitions".into(),
    };
    let section = if inspection.is_some() {
        "inspections"
    } else {
        "petitions"
    };
    Ok(PetitionsPage {
        t: tr(v),
        nav: Nav::new(v, section, &path),
        inspection,
        list,
        withdrawn,
        can_register,
        units,
        problems,
        errors,
        today: today.to_string(),
        sent,
        new_petition: 0,
    })
}

/// GET /petitions — every petition the viewer may read.
pub async fn all(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    Ok(render(
        &page(&app, &v, None, Errors::none(v.lang), FormData::default()).await?,
    ))
}

/// GET /inspections/{id}/petitions
pub async fn of_inspection(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &page(
            &app,
            &v,
            Some(InspectionId(id)),
            Errors::none(v.lang),
            FormData::default(),
        )
        .await?,
    ))
}

/// POST /inspections/{id}/petitions — the office registers one.
pub async fn register(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let inspection = InspectionId(id);
    let input = PetitionInput {
        number: form.get("number").into(),
        received_on: form.get("received_on").into(),
        summary: form.get("summary").into(),
        handling_unit_id: form.get("handling_unit_id").trim().parse().ok(),
        deadline: form.get("deadline").into(),
        problem_ids: ids(&form, "problem_ids"),
    };
    match petitions::register(&app.db, &v.actor, v.change(&app), inspection, &input).await {
        Ok(p) => Ok(see_other(&format!(
            "/inspections/{id}/petitions#petition-{p}"
        ))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, Some(inspection), errors, form).await
            })
            .await
        }
    }
}

/// POST /petitions/{id} — the result (办结), a return (退回重办), a withdrawal (撤回) or
/// a change, by `form`;
/// back to the list it was sent from (`back`: the inspection's, or all).
pub async fn act(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let version = form.get("version").trim().parse().unwrap_or(-1);
    let change = v.change(&app);
    let result = match form.get("form") {
        "conclude" => {
            let input = Conclusion {
                version,
                result: form.get("result").into(),
                concluded_on: form.get("concluded_on").into(),
            };
            petitions::conclude(&app.db, &v.actor, change, id, &input).await
        }
        "return" => {
            let input = SendBack {
                version,
                reason: form.get("reason").into(),
            };
            petitions::send_back(&app.db, &v.actor, change, id, &input).await
        }
        "withdraw" => {
            let input = Withdrawal {
                version,
                reason: form.get("reason").into(),
            };
            petitions::withdraw(&app.db, &v.actor, change, id, &input).await
        }
        _ => {
            let input = PetitionEdit {
                version,
                number: form.get("number").into(),
                summary: form.get("summary").into(),
                handling_unit_id: form.get("handling_unit_id").trim().parse().ok(),
                deadline: form.get("deadline").into(),
            };
            petitions::edit(&app.db, &v.actor, change, id, &input).await
        }
    };
    // Reassigned or withdrawn meanwhile (or never the reader's): said in words, with what
    // was typed, rather than a page that is not there.
    let result = match result {
        Err(StoreError::NotFound) => Err(StoreError::because(
            "petition",
            Why::Rule(Rule::PetitionGone),
        )),
        other => other,
    };
    // Back to the inspection's list only when it was sent from there.
    let inspection = form.get("inspection").trim().parse().ok().map(InspectionId);
    match result {
        Ok(()) => Ok(see_other(&match inspection {
            Some(i) => format!("/inspections/{}/petitions#petition-{id}", i.0),
            None => format!("/petitions#petition-{id}"),
        })),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, inspection, errors, form).await
            })
            .await
        }
    }
}
