//! 导入列名设置 — the header words the office taught the import (in a preview, or here):
//! listed with what each is read as, changed, removed (withdrawn, recorded) or added.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use zhenggai_domain::access::Access;
use zhenggai_domain::reason::{Choose, Import, Refused};
use zhenggai_domain::validate::FieldError;
use zhenggai_domain::validate::Why;
use zhenggai_spreadsheet::layout::{Field, SYNONYMS};
use zhenggai_storage::error::StoreError;
use zhenggai_storage::settings::header_words::{self, HeaderWord, Meaning};

use super::{Errors, Nav, field_errors, render, render_status, see_other, tr};
use crate::error::PageError;
use crate::form::{FormData, PageForm};
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

const PATH: &str = "/settings/import-columns";

#[derive(Template)]
#[template(path = "header_words.html")]
struct HeaderWordsPage {
    t: Tr,
    nav: Nav,
    words: Vec<HeaderWord>,
    errors: Errors,
    /// The word being added, as typed.
    word: String,
}

impl HeaderWordsPage {
    /// What a word may be read as: every field, then nothing.
    fn fields(&self) -> [Field; 10] {
        Field::IMPORTED
    }

    /// Whether a word is read as a field (for its select).
    fn means(&self, w: &HeaderWord, f: &Field) -> bool {
        w.meaning == Meaning::Field(*f)
    }

    /// Whether a word's columns are ignored.
    fn ignores(&self, w: &HeaderWord) -> bool {
        w.meaning == Meaning::Ignore
    }

    /// Every field, for the built-in words.
    fn all_fields(&self) -> [Field; 12] {
        Field::ALL
    }

    /// The built-in words of a field, as the reader knows them.
    fn builtin(&self, field: &Field) -> String {
        let sep = if self.t.en() { ", " } else { "、" };
        SYNONYMS
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, words)| words.join(sep))
            .unwrap_or_default()
    }
}

fn require_office(v: &Viewer) -> Result<(), PageError> {
    if v.actor.ledger_access(v.actor.org) < Access::Edit {
        return Err(StoreError::refused(Refused::HeaderWordsByOffice).into());
    }
    Ok(())
}

async fn page(
    app: &App,
    v: &Viewer,
    errors: Vec<FieldError>,
    word: String,
) -> Result<HeaderWordsPage, PageError> {
    Ok(HeaderWordsPage {
        t: tr(v),
        nav: Nav::new(v, "rules", PATH),
        words: header_words::list(&app.db, &v.actor, v.actor.org).await?,
        errors: Errors {
            list: errors,
            lang: v.lang,
        },
        word,
    })
}

/// GET /settings/import-columns
pub async fn show(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    require_office(&v)?;
    Ok(render(&page(&app, &v, Vec::new(), String::new()).await?))
}

/// The meaning a form chose, or why it cannot be read.
fn meaning_of(form: &FormData) -> Result<Meaning, FieldError> {
    Meaning::from_code(form.get("meaning").trim())
        .ok_or_else(|| FieldError::because("meaning", Why::Choose(Choose::HeaderMeaning)))
}

/// POST /settings/import-columns — adds a word.
pub async fn add(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    require_office(&v)?;
    let word = form.get("word").trim().to_string();
    let result = match meaning_of(&form) {
        Ok(meaning) => crate::shared::header_words::teach_one(&app, &v, &word, meaning).await,
        Err(e) => Err(StoreError::Invalid(vec![e])),
    };
    match result {
        Ok(()) => Ok(see_other(PATH)),
        Err(e) => Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&app, &v, field_errors(e)?, word).await?,
        )),
    }
}

/// POST /settings/import-columns/{id} — `op=save` changes what the word is read as,
/// `op=remove` withdraws it (with the reason given, or a standard one).
pub async fn change(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    require_office(&v)?;
    let version = form.get("version").trim().parse::<i64>().unwrap_or(-1);
    let result = match form.get("op") {
        "remove" => {
            let t = tr(&v);
            let given = form.get("reason").trim();
            let reason = if given.is_empty() {
                t.header_word_removed_reason()
            } else {
                given
            };
            header_words::withdraw(
                &app.db,
                &v.actor,
                v.change_because(&app, reason),
                id,
                version,
            )
            .await
        }
        _ => match meaning_of(&form) {
            Ok(meaning) => {
                header_words::change_meaning(
                    &app.db,
                    &v.actor,
                    v.change(&app),
                    id,
                    version,
                    meaning,
                )
                .await
            }
            Err(e) => Err(StoreError::Invalid(vec![e])),
        },
    };
    match result {
        Ok(()) => Ok(see_other(PATH)),
        Err(StoreError::Conflict(_)) => Ok(render_status(
            StatusCode::CONFLICT,
            &page(
                &app,
                &v,
                vec![FieldError::because(
                    "meaning",
                    Why::Import(Box::new(Import::WordChanged)),
                )],
                String::new(),
            )
            .await?,
        )),
        Err(e) => {
            let errors = field_errors(e)?;
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&app, &v, errors, String::new()).await?,
            ))
        }
    }
}
