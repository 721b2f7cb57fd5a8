//! 导入列名设置 through the API: the header words the office taught the import, what
//! each is read as, adding, changing and withdrawing them (recorded) — what
//! `pages/header_words` does.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::reason::Choose;
use zhenggai_domain::validate::Why;
use zhenggai_storage::StoreError;
use zhenggai_storage::settings::header_words::{self, HeaderWord, Meaning};

use super::extract::Path;
use super::{ApiJson, WithdrawInput};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of header words.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_words, add_word))
        .routes(routes!(change_word))
        .routes(routes!(withdraw_word))
}

/// A header word the organisation taught the import.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaughtWord {
    /// Its id.
    pub id: i64,
    /// The header word, without spaces or notes in brackets (as headers are compared).
    pub word: String,
    /// What its columns are read as: a field's code, or `ignore`.
    pub meaning: String,
    /// Its version, for changing it.
    pub version: i64,
    /// When it was taught.
    pub created_at: String,
}

impl From<HeaderWord> for TaughtWord {
    fn from(w: HeaderWord) -> TaughtWord {
        TaughtWord {
            id: w.id,
            word: w.word,
            meaning: w.meaning.code().to_string(),
            version: w.version,
            created_at: w.created_at,
        }
    }
}

/// A field's code or `ignore`, as the request names it.
fn meaning_of(code: &str) -> Result<Meaning, ApiError> {
    Meaning::from_code(code.trim())
        .ok_or_else(|| StoreError::because("meaning", Why::Choose(Choose::HeaderMeaning)).into())
}

/// The header words the caller's organisation taught the import (导入列名), alphabetically.
#[utoipa::path(get, path = "/header-words", tag = "ledger",
    responses((status = 200, body = Vec<TaughtWord>), (status = 403, body = ApiErrorBody)))]
pub async fn list_words(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<TaughtWord>>, ApiError> {
    let actor = &v.0.actor;
    let words = header_words::list(&app.db, actor, actor.org).await?;
    Ok(Json(words.into_iter().map(TaughtWord::from).collect()))
}

/// A word to teach.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WordInput {
    /// The header word as a ledger writes it over a column.
    pub word: String,
    /// What its columns are read as: a field's code, or `ignore`.
    pub meaning: String,
}

/// Teaches the import a header word (导入列名; the office; recorded): a known word is
/// changed to the new meaning.
#[utoipa::path(post, path = "/header-words", tag = "ledger", request_body = WordInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_word(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<WordInput>,
) -> Result<StatusCode, ApiError> {
    let meaning = meaning_of(&input.meaning)?;
    crate::shared::header_words::teach_one(&app, &v.0, input.word.trim(), meaning).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new meaning for a word read at `version`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeaningInput {
    /// The version read.
    pub version: i64,
    /// A field's code, or `ignore`.
    pub meaning: String,
}

/// Changes what a header word is read as (the office; recorded).
#[utoipa::path(put, path = "/header-words/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = MeaningInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn change_word(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MeaningInput>,
) -> Result<StatusCode, ApiError> {
    let meaning = meaning_of(&input.meaning)?;
    header_words::change_meaning(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        id,
        input.version,
        meaning,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops reading a header word (the office): withdrawn with the reason, so that the
/// next import lists its column again.
#[utoipa::path(post, path = "/header-words/{id}/withdraw", tag = "ledger", params(("id" = i64, Path)), request_body = WithdrawInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn withdraw_word(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    let change = v.0.change_because(&app, &input.reason);
    header_words::withdraw(&app.db, &v.0.actor, change, id, input.version).await?;
    Ok(StatusCode::NO_CONTENT)
}
