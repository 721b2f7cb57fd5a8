//! Server-rendered pages, grouped by what the person does. Every page handler takes a
//! [`Viewer`], checks the form's CSRF token before it changes anything, and renders an
//! askama template (auto-escaped; no HTML is built by hand).

pub mod admin;
pub mod battle_map;
pub mod calendar;
pub mod documents;
pub mod header_words;
pub mod home;
pub mod inspections;
pub mod ledger;
pub mod login;
pub mod lookbacks;
pub mod measure_grid;
pub mod measures;
pub mod meetings;
pub mod notifications;
pub mod opinion_box;
pub mod outcomes;
pub mod petitions;
pub mod problems;
pub mod rules;
pub mod spreadsheets;
pub mod supervision;
pub mod trail;
pub mod warnings;
pub mod weekly;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use zhenggai_domain::Role;
use zhenggai_domain::validate::FieldError;
use zhenggai_storage::StoreError;

use crate::error::PageError;
use crate::i18n::{Lang, Tr};
use crate::session::Viewer;

/// What the page frame shows: who is logged in, which menu entries they have.
#[derive(Debug, Clone)]
pub struct Nav {
    /// Display name.
    pub user_name: String,
    /// Unit name.
    pub unit_name: String,
    /// Role, in the page's language.
    pub role_label: &'static str,
    /// The session's CSRF token.
    pub csrf: String,
    /// Sees business data.
    pub business: bool,
    /// Is one of the three administrators.
    pub admin: bool,
    /// 系统管理员.
    pub sysadmin: bool,
    /// 安全管理员.
    pub secadmin: bool,
    /// 审计管理员.
    pub auditadmin: bool,
    /// 纪检 (reads change records of what they read).
    pub supervisor: bool,
    /// 整改办 (sets the organisation's rules).
    pub office: bool,
    /// Connects other systems through the API, so keeps its tokens at hand: the office,
    /// the upper level, the discipline supervisor (whose case systems read the ledger)
    /// and the administrators (a unit or a leader works on the pages).
    pub tokens: bool,
    /// Has the democratic life meetings: those who run or sit on them and those who read
    /// the organisation's whole ledger.
    pub meetings: bool,
    /// Has the weekly reports page: a unit reporting, or whoever reads its
    /// organisation's whole ledger (the roll call). The same rule as the page's.
    pub weekly: bool,
    /// The menu entry to highlight.
    pub section: &'static str,
    /// This page's address, for the language switch to return to.
    pub path_encoded: String,
    /// Unread notifications.
    pub unread: i64,
}

impl Nav {
    /// The frame of a page.
    pub fn new(v: &Viewer, section: &'static str, path: &str) -> Nav {
        let role = v.actor.role;
        Nav {
            user_name: v.user.display_name.clone(),
            unit_name: v.user.unit_name.clone(),
            role_label: tr(v).role(role),
            csrf: v.csrf_token().to_string(),
            business: role.reads_business_data(),
            admin: role.is_admin(),
            sysadmin: role == Role::SysAdmin,
            secadmin: role == Role::SecAdmin,
            auditadmin: role == Role::AuditAdmin,
            supervisor: role == Role::Supervisor,
            office: role == Role::Office,
            tokens: role.is_admin()
                || matches!(role, Role::Office | Role::Upper | Role::Supervisor),
            weekly: weekly::shows_page(&v.actor),
            meetings: matches!(
                role,
                Role::Office | Role::Leader | Role::Supervisor | Role::Upper
            ),
            section,
            path_encoded: urlencoding::encode(path).into_owned(),
            unread: v.unread,
        }
    }
}

/// Field errors of a form, in the page's language.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    /// The errors.
    pub list: Vec<FieldError>,
    /// The language to show them in.
    pub lang: Lang,
}

impl Errors {
    /// No errors.
    pub fn none(lang: Lang) -> Errors {
        Errors {
            list: Vec::new(),
            lang,
        }
    }

    /// The field errors of a refused form, in `lang`; what is not a refusal of the
    /// input goes on as the error it is.
    pub fn refused(e: StoreError, lang: Lang) -> Result<Errors, PageError> {
        Ok(Errors {
            list: field_errors(e)?,
            lang,
        })
    }

    /// The status a form sent back answers with: 409 when someone else saved the record
    /// meanwhile, 422 otherwise.
    pub fn status(&self) -> StatusCode {
        if self
            .list
            .iter()
            .any(|e| matches!(e.why, zhenggai_domain::validate::Why::Stale { .. }))
        {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// Whether there are any.
    pub fn any(&self) -> bool {
        !self.list.is_empty()
    }

    /// The message for a field, if it failed.
    pub fn of(&self, field: &str) -> Option<String> {
        self.list
            .iter()
            .find(|e| e.field == field)
            .map(|e| self.message(e))
    }

    /// One error's message.
    pub fn message(&self, e: &FieldError) -> String {
        crate::i18n::field_message(self.lang, e)
    }
}

/// An option of a select or a checkbox list.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Its value.
    pub id: i64,
    /// What the person reads.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// The departments of the reader's organisation (the organisation itself left out), to
/// hand something to: a petition's handling unit, the unit that follows up a meeting's
/// problems.
pub async fn department_choices(
    app: &crate::state::App,
    v: &Viewer,
) -> Result<Vec<Choice>, PageError> {
    Ok(
        zhenggai_storage::accounts::units::list(&app.db, Some(v.actor.org))
            .await?
            .into_iter()
            .filter(|u| u.id != v.actor.org)
            .map(|u| Choice {
                id: u.id.0,
                label: u.label().to_string(),
                selected: false,
            })
            .collect(),
    )
}

/// Page links that keep the filters, and a form to go to a page by its number.
#[derive(Debug, Clone)]
pub struct Pager {
    /// This page.
    pub page: i64,
    /// Pages in all.
    pub pages: i64,
    /// The list's path, where the page form goes.
    pub path: String,
    /// The filters kept, as the page form's hidden fields.
    pub kept: Vec<(String, String)>,
    /// Rows in all.
    pub total: i64,
    /// Whether the list holds more rows than `total` (a keyword search counts only so
    /// far): the page number may go past the pages counted.
    pub more: bool,
}

impl Pager {
    /// A pager over `total` rows.
    pub fn new(
        base_path: &str,
        query: &[(String, String)],
        page: i64,
        per_page: i64,
        total: i64,
    ) -> Pager {
        Pager {
            page,
            pages: ((total + per_page - 1) / per_page.max(1)).max(1),
            path: base_path.to_string(),
            total,
            more: false,
            kept: query
                .iter()
                .filter(|(k, v)| k != "page" && !v.is_empty())
                .cloned()
                .collect(),
        }
    }

    /// The same pager over a list that holds more rows than it counted.
    pub fn counted_to(self, more: bool) -> Pager {
        Pager { more, ..self }
    }

    /// Whether the page asked for lies past the last, while the list has rows: the
    /// empty table then says so and links back, rather than reading as "nothing found".
    pub fn beyond(&self) -> bool {
        self.total > 0 && self.page > self.pages
    }

    /// Whether filters narrow the list (anything kept but the page size).
    pub fn filtered(&self) -> bool {
        self.kept.iter().any(|(k, _)| k != "per_page")
    }

    /// The address of the last page.
    pub fn last(&self) -> String {
        self.link(self.pages)
    }

    /// The address of a page.
    pub fn link(&self, page: i64) -> String {
        let mut link = format!("{}?", self.path);
        for (k, v) in &self.kept {
            link.push_str(&format!(
                "{}={}&",
                urlencoding::encode(k),
                urlencoding::encode(v)
            ));
        }
        link.push_str(&format!("page={page}"));
        link
    }
}

/// The status filters offered on lists: URL code (`StandingFilter::code`) and text key.
pub const STATUSES: [(&str, &str); 6] = [
    ("open", "st_open"),
    ("done", "st_done"),
    ("overdue", "st_overdue"),
    ("due_soon", "st_due_soon"),
    ("long_term", "st_long_term"),
    ("review_due", "st_review_due"),
];

/// Renders a template.
pub fn render<T: Template>(page: &T) -> Response {
    render_status(StatusCode::OK, page)
}

/// Renders a template with a status (422 for a form returned with errors).
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => PageError::Store(StoreError::Other(anyhow::anyhow!("rendering a page: {e}")))
            .into_response(),
    }
}

/// After a successful POST: to the page that shows the result.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Re-renders a refused form: the store's refusal as field errors (a stale save as one
/// above the fields), the page built around them by `page` with what was typed kept,
/// answered with their status ([`Errors::status`]). What is not a refusal of the input
/// goes on as the error it is.
pub async fn refused_form<T: Template>(
    e: StoreError,
    lang: Lang,
    page: impl AsyncFnOnce(Errors) -> Result<T, PageError>,
) -> Result<Response, PageError> {
    let errors = Errors::refused(e, lang)?;
    let status = errors.status();
    Ok(render_status(status, &page(errors).await?))
}

/// Splits an error into the form's field errors, or passes it on.
pub fn field_errors(e: StoreError) -> Result<Vec<FieldError>, PageError> {
    match e {
        StoreError::Invalid(list) => Ok(list),
        // Saved by someone else meanwhile: the form comes back with what was typed.
        StoreError::Conflict(c) => Ok(vec![stale(&c)]),
        other => Err(PageError::Store(other)),
    }
}

/// A concurrent save as the form shows it, above the fields (on `version`).
pub fn stale(c: &zhenggai_storage::error::Conflict) -> FieldError {
    FieldError::because(
        "version",
        zhenggai_domain::validate::Why::Stale {
            changed_by: c.changed_by.clone(),
            changed_at: c
                .changed_at
                .as_deref()
                .map(zhenggai_storage::db::sql::beijing_minute),
            columns: c
                .changes
                .iter()
                .map(|f| f.field.clone())
                .filter(|f| !matches!(f.as_str(), "updated_at" | "version"))
                .collect(),
        },
    )
}

/// The translator of a viewer.
pub fn tr(v: &Viewer) -> Tr {
    Tr(v.lang)
}

/// A refused action as the page the person was on shows it: what blocks it and what to
/// do, in their language, with the records concerned, each linked.
#[derive(Debug, Clone, Default)]
pub struct Refusal {
    /// What blocks it and what to do.
    pub messages: Vec<String>,
    /// The records concerned.
    pub records: Vec<zhenggai_storage::error::Blocker>,
}

/// Splits a refusal into its status, what the page shows and the fields refused (also
/// shown at each field). What is not a refusal (a record the person may not know of, a
/// failure of the system) goes on as the error it is.
pub fn refusal_of(
    e: StoreError,
    lang: Lang,
) -> Result<(StatusCode, Refusal, Vec<FieldError>), PageError> {
    let one = |m: String| Refusal {
        messages: vec![m],
        records: Vec::new(),
    };
    Ok(match e {
        StoreError::Invalid(list) => {
            let messages = list
                .iter()
                .map(|f| crate::i18n::field_message(lang, f))
                .collect();
            let refusal = Refusal {
                messages,
                records: Vec::new(),
            };
            (StatusCode::UNPROCESSABLE_ENTITY, refusal, list)
        }
        StoreError::Blocked(b) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Refusal {
                messages: vec![crate::i18n::blocking(lang, &b.why)],
                records: b.records,
            },
            Vec::new(),
        ),
        StoreError::Refused(why) => (
            StatusCode::FORBIDDEN,
            one(crate::i18n::refused(lang, &why)),
            Vec::new(),
        ),
        StoreError::Conflict(c) => (
            StatusCode::CONFLICT,
            one(crate::i18n::edge::changed_meanwhile(
                lang,
                c.changed_by.as_deref(),
            )),
            Vec::new(),
        ),
        other => return Err(PageError::Store(other)),
    })
}
