//! An inspection's outcomes (D13): accountability by the four forms, institutions,
//! money recovered — with their counts, and the forms to record them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::access::Access;
use zhenggai_domain::outcomes::{AccountabilityForm, InstitutionChange};
use zhenggai_domain::{InspectionId, Role};
use zhenggai_storage::ledger::inspections::{self, Inspection};
use zhenggai_storage::ledger::outcomes::{
    self, AccountabilityInput, InstitutionInput, Outcomes, RecoveryInput,
};

use zhenggai_storage::ledger::query::{self, FilterInput};

use super::{Choice, Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::{FormData, PageForm};
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "outcomes.html")]
struct OutcomesPage {
    t: Tr,
    nav: Nav,
    inspection: Inspection,
    outcomes: Outcomes,
    forms: [AccountabilityForm; 4],
    changes: [InstitutionChange; 3],
    can_hold_accountable: bool,
    can_record: bool,
    errors: Errors,
    today: String,
    /// The inspection's problems, to link an outcome to by ticking them.
    problems: Vec<Choice>,
    /// Its measures, to link money recovered to.
    measures: Vec<Choice>,
    /// The form sent and refused, to fill it again with each error at its field.
    sent: FormData,
}

/// Every field the three forms show; an error elsewhere shows above them.
const FIELDS: [&str; 14] = [
    "subject_kind",
    "subject",
    "reason",
    "form",
    "decided_on",
    "problem_ids",
    "title",
    "doc_number",
    "change_kind",
    "issued_on",
    "amount",
    "what",
    "recovered_on",
    "measure_ids",
];

impl OutcomesPage {
    fn is_sent(&self, kind: &str) -> bool {
        self.sent.get("kind") == kind
    }

    /// What was typed into `field` of the form of `kind`, when it came back refused.
    fn kept<'a>(&'a self, kind: &str, field: &str) -> &'a str {
        if self.is_sent(kind) {
            self.sent.get(field)
        } else {
            ""
        }
    }

    /// The same, or `default` on a fresh form.
    fn kept_or<'a>(&'a self, kind: &str, field: &str, default: &'a str) -> &'a str {
        if self.is_sent(kind) {
            self.sent.get(field)
        } else {
            default
        }
    }

    /// Whether `id` was ticked in `field` of the form of `kind`.
    fn ticked(&self, kind: &str, field: &str, id: &i64) -> bool {
        self.is_sent(kind) && ids(&self.sent, field).contains(id)
    }

    /// The error of `field` on the form of `kind`.
    fn err(&self, kind: &str, field: &str) -> Option<String> {
        if self.is_sent(kind) {
            self.errors.of(field)
        } else {
            None
        }
    }

    /// The errors that no field shows.
    fn general(&self) -> Vec<String> {
        super::measures::general_errors(&self.errors, &FIELDS)
    }
}

/// The problems and measures of an inspection as choices ("3. 公车私用…", "3.1 …"), so
/// that an outcome is linked by picking them, never by typing internal numbers.
pub(super) async fn choices(
    app: &App,
    v: &Viewer,
    inspection: &Inspection,
) -> Result<(Vec<Choice>, Vec<Choice>), PageError> {
    let (mut problems, mut measures) = (Vec::new(), Vec::new());
    let mut page = 1;
    loop {
        let filter = FilterInput {
            page: page.to_string(),
            per_page: "200".into(),
            ..Default::default()
        }
        .check(200)?;
        let ledger = query::ledger(
            &app.db,
            &v.actor,
            inspection.id,
            inspection.org_id,
            &filter,
            app.clock.today(),
        )
        .await?;
        for p in ledger.aspects.iter().flat_map(|a| &a.problems) {
            problems.push(Choice {
                id: p.id.0,
                label: format!("{}. {}", p.ordinal, p.title),
                selected: false,
            });
            for m in &p.measures {
                measures.push(Choice {
                    id: m.id.0,
                    label: format!("{}.{} {}", p.ordinal, m.ordinal, m.content),
                    selected: false,
                });
            }
        }
        if page * ledger.per_page >= ledger.total_problems || ledger.per_page <= 0 {
            break;
        }
        page += 1;
    }
    Ok((problems, measures))
}

async fn page(
    app: &App,
    v: &Viewer,
    id: InspectionId,
    errors: Errors,
    sent: FormData,
) -> Result<OutcomesPage, PageError> {
    let inspection = inspections::get(&app.db, &v.actor, id).await?;
    let outcomes = outcomes::list(&app.db, &v.actor, id).await?;
    let can_record = v.actor.ledger_access(inspection.org_id) >= Access::Edit;
    let can_hold_accountable =
        can_record || (v.actor.role == Role::Supervisor && v.actor.org == inspection.org_id);
    let path = format!("/inspections/{id}/outcomes");
    let (problems, measures) = choices(app, v, &inspection).await?;
    Ok(OutcomesPage {
        t: tr(v),
        nav: Nav::new(v, "inspections", &path),
        inspection,
        outcomes,
        forms: AccountabilityForm::ALL,
        changes: InstitutionChange::ALL,
        can_hold_accountable,
        can_record,
        errors,
        today: app.clock.today().to_string(),
        problems,
        measures,
        sent,
    })
}

/// GET /inspections/{id}/outcomes
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &page(
            &app,
            &v,
            InspectionId(id),
            Errors::none(v.lang),
            FormData::default(),
        )
        .await?,
    ))
}

/// The ids ticked in a list (one value each), or typed with commas by an older form.
pub(super) fn ids(form: &FormData, name: &str) -> Vec<i64> {
    form.all(name)
        .into_iter()
        .flat_map(|v| v.split([',', '，', ' ']))
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// POST /inspections/{id}/outcomes — one of the three kinds, by `kind`.
pub async fn record(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let change = v.change(&app);
    let inspection = InspectionId(id);
    let result = match form.get("kind") {
        "accountability" => {
            let input = AccountabilityInput {
                subject_kind: form.get("subject_kind").into(),
                subject: form.get("subject").into(),
                reason: form.get("reason").into(),
                form: form.get("form").into(),
                decided_on: form.get("decided_on").into(),
                problem_ids: ids(&form, "problem_ids"),
            };
            outcomes::record_accountability(&app.db, &v.actor, change, inspection, &input).await
        }
        "institution" => {
            let input = InstitutionInput {
                title: form.get("title").into(),
                doc_number: form.get("doc_number").into(),
                change_kind: form.get("change_kind").into(),
                issued_on: form.get("issued_on").into(),
                problem_ids: ids(&form, "problem_ids"),
            };
            outcomes::record_institution(&app.db, &v.actor, change, inspection, &input).await
        }
        _ => {
            let input = RecoveryInput {
                amount: form.get("amount").into(),
                what: form.get("what").into(),
                recovered_on: form.get("recovered_on").into(),
                measure_ids: ids(&form, "measure_ids"),
            };
            outcomes::record_recovery(&app.db, &v.actor, change, inspection, &input).await
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/inspections/{id}/outcomes"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                page(&app, &v, inspection, errors, form).await
            })
            .await
        }
    }
}
