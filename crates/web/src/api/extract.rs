//! What the API reads from a request — the address's ids, the query string, a JSON
//! body — with every refusal in the API's error format: a malformed id, query or body
//! is 400 naming the field (the address's segment, the query's or the body's field) and
//! what it should be, as is a body that is not JSON at all, and a JSON body that is not
//! an object (naming no field, saying what the body must be); a body over the route's
//! limit is 413, refused as soon as the limit is passed, before the rest is read. (422
//! stays for values that read but are refused, such as a deadline before the start.)
//!
//! The handlers name these `Path` and `Query`, as axum's: the same extraction, with
//! answers a script can read.

use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use zhenggai_domain::reason::{ApiRequest, FieldProblem, RequestPart};
use zhenggai_domain::validate::{FieldError, Why};

use crate::error::{ApiError, Malformed};

/// Ids and other values from the address (`/measures/{id}`).
#[derive(Debug, Clone, Copy)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let raw = RawPathParams::from_request_parts(parts, state).await.ok();
                let raw: Vec<(&str, &str)> = raw.iter().flat_map(|r| r.iter()).collect();
                let (key, value, expected) = match e.kind() {
                    ErrorKind::ParseErrorAtKey {
                        key,
                        value,
                        expected_type,
                    } => (key.as_str(), value.as_str(), *expected_type),
                    ErrorKind::ParseErrorAtIndex {
                        index,
                        value,
                        expected_type,
                    } => (
                        raw.get(*index).map_or("", |(k, _)| *k),
                        value.as_str(),
                        *expected_type,
                    ),
                    ErrorKind::ParseError {
                        value,
                        expected_type,
                    } => (
                        raw.iter().find(|(_, v)| v == value).map_or("", |(k, _)| *k),
                        value.as_str(),
                        *expected_type,
                    ),
                    ErrorKind::InvalidUtf8InPathParam { key } => (key.as_str(), "", "UTF-8"),
                    _ => return Err(ApiError::BadRequest(Malformed::Reader(e.body_text()))),
                };
                Err(path_segment(key, value, expected))
            }
            Err(other) => Err(ApiError::BadRequest(Malformed::Reader(other.body_text()))),
        }
    }
}

/// A segment of the address that is not what the route takes: which, and what it
/// should be.
fn path_segment(key: &str, value: &str, expected: &str) -> ApiError {
    ApiError::BadField(FieldError::because(
        key,
        Why::Request(ApiRequest::PathSegment {
            key: key.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }),
    ))
}

/// The query string (`?status=overdue&page=2`).
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let field = e.path().to_string();
                field_error(&field, &e.inner().to_string(), RequestPart::Query)
            })
    }
}

/// A query parameter sent to a route that takes none.
pub fn no_query(key: &str) -> ApiError {
    ApiError::BadField(FieldError::because(
        key,
        Why::Request(ApiRequest::Field {
            part: RequestPart::Query,
            problem: FieldProblem::Unknown {
                allowed: Vec::new(),
            },
            field: key.to_string(),
            detail: String::new(),
        }),
    ))
}

/// A JSON body, an object of the route's fields, whose errors are answered in the API's
/// error format.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::BadRequest(Malformed::NotJson));
        }
        // A declared length over any JSON body's limit is refused before a byte of
        // the body is waited for.
        if crate::form::declares_more_than(&req, crate::router::MAX_BODY_BYTES) {
            return Err(ApiError::TooLarge);
        }
        // Read up to the route's limit (`DefaultBodyLimit`), and no further.
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        // Every route's body is an object of its fields. Anything else is refused as a
        // whole, naming no field: serde would read an array into a struct's fields in
        // order, and name the root "" for `null`.
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err(
                match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                    Ok(_) => ApiError::NotAnObject,
                    Err(e) => ApiError::BadRequest(Malformed::BadJson(e.to_string())),
                },
            );
        }
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            if inner.is_data() {
                field_error(&e.path().to_string(), &inner.to_string(), RequestPart::Json)
            } else {
                ApiError::BadRequest(Malformed::BadJson(inner.to_string()))
            }
        })?;
        de.end()
            .map_err(|e| ApiError::BadRequest(Malformed::AfterJson(e.to_string())))?;
        Ok(ApiJson(value))
    }
}

/// A field of the query or the body that does not read as its type, in the API's
/// error format.
fn field_error(path: &str, detail: &str, part: RequestPart) -> ApiError {
    ApiError::BadField(field_problem(path, detail, part))
}

/// A field of the query, the body or a page's form that does not read as its type: the
/// field, and serde's words for what it expected (which name the type and the value).
pub(crate) fn field_problem(path: &str, detail: &str, part: RequestPart) -> FieldError {
    let parent = if path == "." { "" } else { path };
    // serde names a missing, repeated or unknown field in its words, not in the path.
    let named = ["missing field `", "duplicate field `", "unknown field `"]
        .iter()
        .enumerate()
        .find_map(|(kind, prefix)| {
            let name = detail.strip_prefix(prefix)?.split('`').next()?;
            Some((kind, name))
        });
    let (field, problem) = match named {
        Some((kind, name)) => {
            // The path of an unknown field already ends with it (its key was being read).
            let ends_with_name = parent == name || parent.ends_with(&format!(".{name}"));
            let field = if parent.is_empty() || (kind == 2 && ends_with_name) {
                if parent.is_empty() { name } else { parent }.to_string()
            } else {
                format!("{parent}.{name}")
            };
            let problem = match kind {
                0 => FieldProblem::Missing,
                1 => FieldProblem::Duplicate,
                // serde lists the fields the type takes after the unknown one's name.
                _ => FieldProblem::Unknown {
                    allowed: detail
                        .split_once(", expected ")
                        .map(|(_, rest)| {
                            rest.split('`')
                                .skip(1)
                                .step_by(2)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                },
            };
            (field, problem)
        }
        None => (parent.to_string(), FieldProblem::Value),
    };
    FieldError::because(
        &field,
        Why::Request(ApiRequest::Field {
            part,
            problem,
            field: field.clone(),
            detail: detail.to_string(),
        }),
    )
}

/// A body that could not be read: over the route's limit, or cut off.
fn body_error(e: BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge
    } else {
        ApiError::BadRequest(Malformed::Reader(e.body_text()))
    }
}

/// A `multipart/form-data` body that could not be read: over the route's limit (413),
/// or malformed (400).
pub fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge
    } else {
        ApiError::BadRequest(Malformed::Reader(e.body_text()))
    }
}

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
                f.write_str(crate::i18n::edge::VERSIONED_EXPECTED)
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
