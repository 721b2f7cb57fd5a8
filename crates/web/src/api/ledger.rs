//! The ledger through the API: inspections, aspects, problems, measures, progress.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use zhenggai_domain::reason::Choose;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{AspectId, AttachmentId, InspectionId, MeasureId, ProblemId};
use zhenggai_storage::ledger::aspects::{self, Aspect, TitleInput};
use zhenggai_storage::ledger::import::{self, ImportRecord};
use zhenggai_storage::ledger::inspections::{self, Inspection, InspectionInput};
use zhenggai_storage::ledger::lifecycle::{self, history::Event, input::StepInput};
use zhenggai_storage::ledger::lookbacks::{self, Round, RoundInput};
use zhenggai_storage::ledger::measures::{self, Measure, MeasureInput};
use zhenggai_storage::ledger::milestones::{self, MilestoneInput, Milestones};
use zhenggai_storage::ledger::outcomes::{
    self, AccountabilityInput, InstitutionInput, Outcomes, RecoveryInput,
};
use zhenggai_storage::ledger::problems::{self, Problem, ProblemInput};
use zhenggai_storage::ledger::progress::{self, Progress};
use zhenggai_storage::ledger::query::{self, FilterInput, LedgerPage, MeasurePage, Within};

use super::extract::{Path, Query};
use super::{ApiJson, Created};
use crate::download::download;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;
use zhenggai_storage::files::Sent;
use zhenggai_storage::ledger::postings::{self, PostedResult};
use zhenggai_storage::settings::closure_rules::{self as rules, ClosureRules, RulesInput};

/// A change to a record read at `version`.
///
/// Read by hand rather than with `#[serde(flatten)]`: flatten hands the content's
/// fields over as a bag in which an unknown field is silently dropped, whatever the
/// content's `deny_unknown_fields`. Here `version` is taken out and every other field
/// goes to the content as it arrives, so a misspelt field is refused by name.
#[derive(Debug, utoipa::ToSchema)]
pub struct Versioned<T> {
    /// The version read; a newer stored version answers 409 with what changed.
    pub version: i64,
    /// The new content.
    #[serde(flatten)]
    pub input: T,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Versioned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, Visitor};

        struct Fields<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for Fields<T> {
            type Value = Versioned<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object with `version` and the record's fields")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let mut version = None;
                let input =
                    T::deserialize(de::value::MapAccessDeserializer::new(WithoutVersion {
                        map,
                        version: &mut version,
                    }))?;
                let version = version.ok_or_else(|| de::Error::missing_field("version"))?;
                Ok(Versioned { version, input })
            }
        }

        d.deserialize_map(Fields(std::marker::PhantomData))
    }
}

/// The fields of a [`Versioned`] body less `version`, which it keeps aside.
struct WithoutVersion<'a, A> {
    map: A,
    version: &'a mut Option<i64>,
}

impl<'de, A: serde::de::MapAccess<'de>> serde::de::MapAccess<'de> for WithoutVersion<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        use serde::de::{Error, IntoDeserializer};
        while let Some(key) = self.map.next_key::<String>()? {
            if key != "version" {
                return seed
                    .deserialize(IntoDeserializer::<A::Error>::into_deserializer(key))
                    .map(Some);
            }
            if self.version.is_some() {
                return Err(A::Error::duplicate_field("version"));
            }
            *self.version = Some(self.map.next_value()?);
        }
        Ok(None)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// The inspections the caller may read.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "ledger", responses((status = 200, body = Vec<Inspection>), (status = 401, body = ApiErrorBody)))]
pub async fn list_inspections(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<Inspection>>, ApiError> {
    Ok(Json(inspections::list(&app.db, &v.0.actor).await?))
}

/// Registers an inspection of the caller's organisation (office).
#[utoipa::path(post, path = "/api/v1/inspections", tag = "ledger", request_body = InspectionInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_inspection(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<InspectionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = inspections::create(&app.db, &v.0.actor, v.0.change(&app), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// One inspection, with its counts (xx个方面xx个问题，措施xx条).
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Inspection), (status = 404, body = ApiErrorBody)))]
pub async fn get_inspection(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Inspection>, ApiError> {
    Ok(Json(
        inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// Changes an inspection.
#[utoipa::path(put, path = "/api/v1/inspections/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = Versioned<InspectionInput>,
    responses((status = 200, body = Inspection), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_inspection(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Versioned<InspectionInput>>,
) -> Result<Json<Inspection>, ApiError> {
    inspections::update(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        body.version,
        &body.input,
    )
    .await?;
    Ok(Json(
        inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// The aspects (方面) of an inspection with their items (项).
#[utoipa::path(get, path = "/api/v1/inspections/{id}/aspects", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Vec<Aspect>), (status = 404, body = ApiErrorBody)))]
pub async fn list_aspects(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Aspect>>, ApiError> {
    let i = inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?;
    Ok(Json(aspects::list(&app.db, i.id).await?))
}

/// Adds an aspect.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/aspects", tag = "ledger", params(("id" = i64, Path)), request_body = TitleInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_aspect(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TitleInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = aspects::create(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Renames an aspect.
#[utoipa::path(put, path = "/api/v1/aspects/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = Versioned<TitleInput>,
    responses((status = 204), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_aspect(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Versioned<TitleInput>>,
) -> Result<StatusCode, ApiError> {
    aspects::update(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        AspectId(id),
        body.version,
        &body.input,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of an inspection's ledger: problems by aspect with the measures the caller sees.
#[utoipa::path(get, path = "/api/v1/inspections/{id}/ledger", tag = "ledger", params(("id" = i64, Path), FilterInput),
    responses((status = 200, body = LedgerPage), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_ledger(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    Query(filter): Query<FilterInput>,
) -> Result<Json<LedgerPage>, ApiError> {
    let i = inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?;
    let filter = filter.check(app.config.page_size)?;
    Ok(Json(
        query::ledger(
            &app.db,
            &v.0.actor,
            i.id,
            i.org_id,
            &filter,
            app.clock.today(),
        )
        .await?,
    ))
}

/// Adds a problem to an inspection.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/problems", tag = "ledger", params(("id" = i64, Path)), request_body = ProblemInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_problem(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ProblemInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = problems::create(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// One problem.
#[utoipa::path(get, path = "/api/v1/problems/{id}", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Problem), (status = 404, body = ApiErrorBody)))]
pub async fn get_problem(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Problem>, ApiError> {
    Ok(Json(
        problems::get(&app.db, &v.0.actor, ProblemId(id)).await?,
    ))
}

/// Changes a problem.
#[utoipa::path(put, path = "/api/v1/problems/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = Versioned<ProblemInput>,
    responses((status = 200, body = Problem), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_problem(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Versioned<ProblemInput>>,
) -> Result<Json<Problem>, ApiError> {
    problems::update(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        ProblemId(id),
        body.version,
        &body.input,
    )
    .await?;
    Ok(Json(
        problems::get(&app.db, &v.0.actor, ProblemId(id)).await?,
    ))
}

/// The measures of a problem that the caller sees.
#[utoipa::path(get, path = "/api/v1/problems/{id}/measures", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = MeasurePage), (status = 404, body = ApiErrorBody)))]
pub async fn problem_measures(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<MeasurePage>, ApiError> {
    let p = problems::get(&app.db, &v.0.actor, ProblemId(id)).await?;
    let filter = FilterInput {
        per_page: "200".into(),
        ..Default::default()
    }
    .check(200)?;
    Ok(Json(
        query::measure_list(
            &app.db,
            &v.0.actor,
            Within::Problem(p.id),
            &filter,
            app.clock.today(),
        )
        .await?,
    ))
}

/// Adds a measure to a problem, with its owners and deadline (office).
#[utoipa::path(post, path = "/api/v1/problems/{id}/measures", tag = "ledger", params(("id" = i64, Path)), request_body = MeasureInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_measure(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MeasureInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = measures::create(&app.db, &v.0.actor, v.0.change(&app), ProblemId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Several measures for one problem at once (批量录入).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRows {
    /// The rows, as a sheet holds them; a wholly blank row is skipped.
    pub rows: Vec<MeasureInput>,
}

/// The ids of the measures just created, in the order of their rows.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedMany {
    /// Their ids.
    pub ids: Vec<i64>,
}

/// Adds several measures to a problem in one transaction: every row is checked, and
/// all are saved or none. A lead unit drafts its own (a row naming no lead unit is
/// led by the caller's unit). An error names its row: `rows.{i}.{field}`, `i` from 0.
#[utoipa::path(post, path = "/api/v1/problems/{id}/measures/batch", tag = "ledger", params(("id" = i64, Path)), request_body = MeasureRows,
    responses((status = 201, body = CreatedMany), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_measures(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MeasureRows>,
) -> Result<(StatusCode, Json<CreatedMany>), ApiError> {
    let ids = measures::create_many(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        ProblemId(id),
        &input.rows,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedMany {
            ids: ids.into_iter().map(|m| m.0).collect(),
        }),
    ))
}

/// Measures the caller sees across inspections, nearest deadline first.
#[utoipa::path(get, path = "/api/v1/measures", tag = "ledger", params(FilterInput), responses((status = 200, body = MeasurePage), (status = 422, body = ApiErrorBody)))]
pub async fn list_measures(
    State(app): State<App>,
    v: ApiViewer,
    Query(filter): Query<FilterInput>,
) -> Result<Json<MeasurePage>, ApiError> {
    let filter = filter.check(app.config.page_size)?;
    Ok(Json(
        query::measure_list(&app.db, &v.0.actor, Within::All, &filter, app.clock.today()).await?,
    ))
}

/// One measure.
#[utoipa::path(get, path = "/api/v1/measures/{id}", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Measure), (status = 404, body = ApiErrorBody)))]
pub async fn get_measure(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Measure>, ApiError> {
    Ok(Json(
        measures::get(&app.db, &v.0.actor, MeasureId(id), app.clock.today())
            .await?
            .0,
    ))
}

/// Changes a measure (office: everything; lead unit: target and responsible person).
#[utoipa::path(put, path = "/api/v1/measures/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = Versioned<MeasureInput>,
    responses((status = 200, body = Measure), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_measure(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Versioned<MeasureInput>>,
) -> Result<Json<Measure>, ApiError> {
    let today = app.clock.today();
    measures::update(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        MeasureId(id),
        body.version,
        &body.input,
        today,
    )
    .await?;
    Ok(Json(
        measures::get(&app.db, &v.0.actor, MeasureId(id), today)
            .await?
            .0,
    ))
}

/// A measure's milestones (阶段目标, S10) and whether its length requires them.
#[utoipa::path(get, path = "/api/v1/measures/{id}/milestones", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Milestones), (status = 404, body = ApiErrorBody)))]
pub async fn list_milestones(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Milestones>, ApiError> {
    Ok(Json(
        milestones::of_measure(&app.db, &v.0.actor, MeasureId(id), app.clock.today()).await?,
    ))
}

/// Adds a milestone: what is to be reached and by when (a date or a period on or
/// before the measure's deadline). A measure longer than the organisation's limit
/// needs one before its plan is submitted.
#[utoipa::path(post, path = "/api/v1/measures/{id}/milestones", tag = "ledger", params(("id" = i64, Path)), request_body = MilestoneInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_milestone(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = milestones::add(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        MeasureId(id),
        &input,
        app.clock.today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The progress timeline of a measure, newest first.
#[utoipa::path(get, path = "/api/v1/measures/{id}/progress", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Vec<Progress>), (status = 404, body = ApiErrorBody)))]
pub async fn list_progress(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Progress>>, ApiError> {
    let (m, _) = measures::get(&app.db, &v.0.actor, MeasureId(id), app.clock.today()).await?;
    Ok(Json(progress::list(&app.db, m.id).await?))
}

/// Adds a progress entry: `multipart/form-data` with `happened_on`, `content`,
/// optional `mark_done` and any number of `files`.
#[utoipa::path(post, path = "/api/v1/measures/{id}/progress", tag = "ledger", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "fields happened_on, content, mark_done (true/false, on, 1/0; left out is false); files. No other field."),
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 503, description = "as many uploads as the server reads at once are being read: send again after Retry-After", body = ApiErrorBody)))]
pub async fn add_progress(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    if !crate::form::is_multipart(&request) {
        return Err(ApiError::BadRequest(
            "send the entry as multipart/form-data".into(),
        ));
    }
    let sent = crate::form::read_files(
        request,
        &app,
        app.config.uploads,
        app.config.upload_body_limit(),
    )
    .await?;
    sent.form.only(&["happened_on", "content", "mark_done"])?;
    let input = sent.form.progress()?;
    let id = progress::add(
        &app.db,
        app.files.as_ref(),
        &v.0.actor,
        v.0.change(&app),
        MeasureId(id),
        &input,
        &sent.files,
        app.config.uploads,
        app.clock.today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// The bytes of an attachment.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ApiErrorBody)))]
pub async fn get_attachment(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (att, bytes) = progress::attachment(
        &app.db,
        app.files.as_ref(),
        &v.0.actor,
        AttachmentId(id),
        app.clock.today(),
    )
    .await?;
    Ok(download(&att.filename, &att.content_type, bytes))
}

/// The bytes of a file sent with a lifecycle step (a closure request's evidence).
#[utoipa::path(get, path = "/api/v1/step-files/{id}", tag = "lifecycle", params(("id" = i64, Path)), responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ApiErrorBody)))]
pub async fn get_step_file(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (f, bytes) = lifecycle::history::file(&app.db, app.files.as_ref(), &v.0.actor, id).await?;
    Ok(download(&f.filename, &f.content_type, bytes))
}

/// A withdrawal: the version read and why.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    /// The version read.
    pub version: i64,
    /// Why it is withdrawn (required; kept in the audit trail).
    pub reason: String,
}

/// Withdraws a problem and its measures (office); nothing is deleted.
#[utoipa::path(post, path = "/api/v1/problems/{id}/withdraw", tag = "ledger", params(("id" = i64, Path)), request_body = WithdrawInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn withdraw_problem(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    let change = v.0.change_because(&app, &input.reason);
    problems::withdraw(&app.db, &v.0.actor, change, ProblemId(id), input.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraws a measure (office); nothing is deleted.
#[utoipa::path(post, path = "/api/v1/measures/{id}/withdraw", tag = "ledger", params(("id" = i64, Path)), request_body = WithdrawInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn withdraw_measure(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    let change = v.0.change_because(&app, &input.reason);
    measures::withdraw(
        &app.db,
        &v.0.actor,
        change,
        MeasureId(id),
        input.version,
        app.clock.today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds an item (项) under an aspect.
#[utoipa::path(post, path = "/api/v1/aspects/{id}/items", tag = "ledger", params(("id" = i64, Path)), request_body = TitleInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_item(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TitleInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id =
        aspects::create_item(&app.db, &v.0.actor, v.0.change(&app), AspectId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Takes a lifecycle step on a problem (认领、审定、销号、回头看 …); answers its new state
/// and the steps the caller may take next. Send JSON, or `multipart/form-data` with the
/// same fields and any number of `files`: a closure request carries at least one (the
/// special report and evidence).
#[utoipa::path(post, path = "/api/v1/problems/{id}/steps", tag = "lifecycle", params(("id" = i64, Path)),
    request_body(content(
        (StepInput = "application/json"),
        (StepInput = "multipart/form-data")
    )),
    responses((status = 200, body = StepResult), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 503, description = "as many uploads as the server reads at once are being read: send again after Retry-After", body = ApiErrorBody)))]
pub async fn take_step(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    body: StepBody,
) -> Result<Json<StepResult>, ApiError> {
    let input = &body.input;
    let change = v.0.change_because(&app, &input.reason);
    let sent = Sent {
        files: &body.sent.files,
        limits: app.config.uploads,
    };
    let state = lifecycle::step(
        &app.db,
        app.files.as_ref(),
        &v.0.actor,
        change,
        ProblemId(id),
        input,
        sent,
    )
    .await?;
    let (_, next) =
        lifecycle::offered::actions_for(&app.db, &v.0.actor, ProblemId(id), app.clock.today())
            .await?;
    Ok(Json(StepResult {
        state,
        next: next.into_iter().map(str::to_string).collect(),
    }))
}

/// A step as JSON, or as `multipart/form-data` with the same fields and `files` (the
/// closure request's report and evidence).
pub struct StepBody {
    input: StepInput,
    /// The form and files as read (none for JSON), holding the upload's slot while the
    /// files are in memory.
    sent: crate::form::WithFiles,
}

impl axum::extract::FromRequest<App> for StepBody {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, app: &App) -> Result<Self, Self::Rejection> {
        if crate::form::is_multipart(&req) {
            let sent = crate::form::read_files(
                req,
                app,
                app.config.uploads,
                app.config.upload_body_limit(),
            )
            .await?;
            sent.form.only(crate::form::STEP_FIELDS)?;
            return Ok(StepBody {
                input: sent.form.step(),
                sent,
            });
        }
        let ApiJson(input) = ApiJson::<StepInput>::from_request(req, app).await?;
        Ok(StepBody {
            input,
            sent: crate::form::WithFiles::default(),
        })
    }
}

/// The outcome of a step.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StepResult {
    /// The problem's state now.
    pub state: zhenggai_domain::lifecycle::ProblemState,
    /// The actions the caller may take next.
    pub next: Vec<String>,
}

/// The steps taken on a problem, oldest first.
#[utoipa::path(get, path = "/api/v1/problems/{id}/steps", tag = "lifecycle", params(("id" = i64, Path)), responses((status = 200, body = Vec<Event>), (status = 404, body = ApiErrorBody)))]
pub async fn list_steps(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Event>>, ApiError> {
    let p = problems::get(&app.db, &v.0.actor, ProblemId(id)).await?;
    Ok(Json(lifecycle::history::events(&app.db, p.id).await?))
}

/// An inspection's outcomes with their counts (D13, D15).
#[utoipa::path(get, path = "/api/v1/inspections/{id}/outcomes", tag = "outcomes", params(("id" = i64, Path)), responses((status = 200, body = Outcomes), (status = 404, body = ApiErrorBody)))]
pub async fn get_outcomes(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Outcomes>, ApiError> {
    Ok(Json(
        outcomes::list(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// Records accountability (supervisors and the office).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/accountability", tag = "outcomes", params(("id" = i64, Path)), request_body = AccountabilityInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_accountability(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AccountabilityInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = outcomes::record_accountability(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Records an institution made, revised or abolished (the office).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/institutions", tag = "outcomes", params(("id" = i64, Path)), request_body = InstitutionInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_institution(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<InstitutionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = outcomes::record_institution(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Records money recovered (the office).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/recoveries", tag = "outcomes", params(("id" = i64, Path)), request_body = RecoveryInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_recovery(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RecoveryInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = outcomes::record_recovery(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The look-back rounds of an inspection (回头看), newest first.
#[utoipa::path(get, path = "/api/v1/inspections/{id}/lookbacks", tag = "lifecycle", params(("id" = i64, Path)), responses((status = 200, body = Vec<Round>), (status = 404, body = ApiErrorBody)))]
pub async fn list_lookbacks(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(
        lookbacks::list(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// Opens a look-back round over closed problems (the office). Each problem is then
/// confirmed or reopened by a step with `round_id`.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/lookbacks", tag = "lifecycle", params(("id" = i64, Path)), request_body = RoundInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn open_lookback(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = lookbacks::open(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
        app.clock.today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// 备案 — what the office files.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilePlanInput {
    /// The plan's document: title or number.
    pub plan_document: String,
}

/// Files the approved plan of an inspection with the upper level (the office), once every
/// problem's plan is approved.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/file-plan", tag = "lifecycle", params(("id" = i64, Path)), request_body = FilePlanInput,
    responses((status = 200, body = Inspection), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn file_plan(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<FilePlanInput>,
) -> Result<Json<Inspection>, ApiError> {
    inspections::file_plan(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input.plan_document,
        app.clock.today(),
    )
    .await?;
    Ok(Json(
        inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// The closure rules of the caller's organisation (销号规则).
#[utoipa::path(get, path = "/api/v1/closure-rules", tag = "lifecycle", responses((status = 200, body = ClosureRules), (status = 403, body = ApiErrorBody)))]
pub async fn get_closure_rules(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<ClosureRules>, ApiError> {
    let actor = &v.0.actor;
    Ok(Json(rules::of_org(&app.db, actor, actor.org).await?))
}

/// Sets the closure rules of the caller's organisation (the office only): numbers as
/// text as a form sends them, `version` as read (0 while the defaults apply).
#[utoipa::path(put, path = "/api/v1/closure-rules", tag = "lifecycle", request_body = RulesInput,
    responses((status = 200, body = ClosureRules), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn set_closure_rules(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<RulesInput>,
) -> Result<Json<ClosureRules>, ApiError> {
    let actor = &v.0.actor;
    Ok(Json(
        rules::save(&app.db, actor, v.0.change(&app), actor.org, &input).await?,
    ))
}

/// The results posted publicly before closure (整改结果公示), newest first.
#[utoipa::path(get, path = "/api/v1/postings", tag = "lifecycle", responses((status = 200, body = Vec<PostedResult>), (status = 403, body = ApiErrorBody)))]
pub async fn list_postings(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<PostedResult>>, ApiError> {
    Ok(Json(
        postings::list(&app.db, &v.0.actor, app.clock.today()).await?,
    ))
}

/// The ledger files imported into an inspection, newest first (the office).
#[utoipa::path(get, path = "/api/v1/inspections/{id}/imports", tag = "ledger", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ImportRecord>), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn list_imports(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ImportRecord>>, ApiError> {
    Ok(Json(
        import::list(&app.db, app.files.as_ref(), &v.0.actor, InspectionId(id)).await?,
    ))
}

/// The file an import read, as it was uploaded (the office).
#[utoipa::path(get, path = "/api/v1/inspections/{id}/imports/{import}/file", tag = "ledger",
    params(("id" = i64, Path), ("import" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ApiErrorBody)))]
pub async fn get_import_file(
    State(app): State<App>,
    v: ApiViewer,
    Path((id, import_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (record, content_type, bytes) = import::file(
        &app.db,
        app.files.as_ref(),
        &v.0.actor,
        InspectionId(id),
        import_id,
    )
    .await?;
    Ok(download(&record.filename, content_type, bytes))
}

/// How a spreadsheet was read and how its names match, or what the import wrote.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    /// Whether anything was written.
    pub committed: bool,
    /// How the file was read: counts, errors and warnings by sheet, row and column, and
    /// one row per measure.
    #[schema(value_type = Object)]
    pub reading: zhenggai_spreadsheet::Reading,
    /// How its units and leaders match the organisation's.
    pub matching: import::Matching,
    /// What was written, when committed.
    pub imported: Option<import::Imported>,
}

/// Imports a ledger spreadsheet into an inspection (the office): `multipart/form-data`
/// with `files` (one .xlsx, .xls or .csv), optional `sheet`, and `dry_run`, `again`,
/// `create_units`, `ignore_unknown_columns` as true/false. Columns holding data under a
/// header no field is read from (the reading's `columns`) stop the import unless
/// `ignore_unknown_columns` confirms they are left out; the preview page maps them. A
/// dry run (or a file with errors) answers how it was read and writes nothing;
/// otherwise all or nothing. Whoever may not import is refused
/// (403) before the body is read.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/import", tag = "ledger", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "files, sheet, dry_run, again, create_units, ignore_unknown_columns (yes/no fields: true/false, on, 1/0; left out is false). No other field."),
    responses((status = 200, body = ImportResult), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 503, description = "as many uploads as the server reads at once are being read: send again after Retry-After", body = ApiErrorBody)))]
pub async fn import_ledger(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Json<ImportResult>, ApiError> {
    use sha2::Digest;
    let inspection = crate::pages::spreadsheets::office_inspection(&app, &v.0.actor, id).await?;
    let sent = crate::form::read_files(
        request,
        &app,
        app.config.import_files(),
        app.config.import_body_limit(),
    )
    .await?;
    sent.form.only(&[
        "sheet",
        "dry_run",
        "again",
        "create_units",
        "ignore_unknown_columns",
    ])?;
    // Read before the file is looked at: `dry_run=maybe` must not import.
    let dry_run = sent.form.flag("dry_run")?;
    let again = sent.form.flag("again")?;
    let create_units = sent.form.flag("create_units")?;
    let ignore_unknown_columns = sent.form.flag("ignore_unknown_columns")?;
    let Some(file) = sent.files.first() else {
        return Err(zhenggai_storage::error::StoreError::because(
            "files",
            Why::Choose(Choose::AttachLedger),
        )
        .into());
    };
    let sheet = Some(sent.form.get("sheet").trim().to_string()).filter(|s| !s.is_empty());
    let sha256 = hex::encode(sha2::Sha256::digest(&file.bytes));
    let reading = crate::pages::spreadsheets::read_bytes(
        std::sync::Arc::from(file.bytes.as_slice()),
        sheet,
        Vec::new(),
        &inspection,
        &app,
    )
    .await?
    .map_err(|e| zhenggai_storage::error::StoreError::Invalid(vec![e]))?;
    let matching = import::matching(&app.db, &v.0.actor, inspection.id, &reading, &sha256).await?;
    if dry_run || !reading.ok() {
        return Ok(Json(ImportResult {
            committed: false,
            reading,
            matching,
            imported: None,
        }));
    }
    let decisions = import::Decisions {
        again,
        create_units,
        unit_map: Vec::new(),
        ignore_unknown_columns,
    };
    // The file imported is kept, as an upload through the page is: the import's record
    // names it by its hash.
    app.files
        .put(&file.bytes)
        .await
        .map_err(zhenggai_storage::error::StoreError::Other)?;
    let source = import::Source {
        filename: file.filename.clone(),
        sha256,
    };
    let imported = import::commit(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        inspection.id,
        &source,
        &reading,
        &decisions,
    )
    .await?;
    Ok(Json(ImportResult {
        committed: true,
        reading,
        matching,
        imported: Some(imported),
    }))
}

/// The ledger as the `.xlsx` offices hand upward, with the ledger's filters as query
/// parameters (aspect, unit, leader, status, source, due_from, due_to, q).
#[utoipa::path(get, path = "/api/v1/inspections/{id}/ledger.xlsx", tag = "ledger", params(("id" = i64, Path), FilterInput),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ApiErrorBody)))]
pub async fn export_ledger(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    Query(input): Query<FilterInput>,
) -> Result<Response, ApiError> {
    let inspection = inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?;
    let filter = input.check(app.config.page_size)?;
    let bytes = crate::pages::spreadsheets::ledger_file(&app, &v.0.actor, &inspection, filter)
        .await
        .map_err(|e| match e {
            crate::error::PageError::Store(s) => ApiError::from(s),
            other => ApiError::BadRequest(format!("{other:?}")),
        })?;
    Ok(download(
        &format!("{}整改台账.xlsx", inspection.title),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}
