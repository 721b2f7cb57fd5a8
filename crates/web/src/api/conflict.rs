//! A stale version's answer (409) names what the other writer changed. Storage names
//! the changes by stored column, and a record's columns hold what no client sends (its
//! id, `org_id`, `created_at`) and what none may read back (a robot's signing secret);
//! when the version read was never stored, every column differs. Through the API a
//! conflict names only the fields its route's body takes, by the API's names: which
//! those are is read from the OpenAPI document, so what is named is what is documented.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use zhenggai_storage::error::{Conflict, FieldChange};

use crate::error::{StoredConflict, conflict_response};

/// Stored columns the API's bodies name otherwise.
const API_NAMES: &[(&str, &str)] = &[
    // A measure's deadline as written; its kind, day and precision are read from it.
    ("deadline_text", "deadline"),
    ("secretary_id", "secretary"),
];

/// Fields a client sends and never reads back: never named, even when they changed.
const SECRETS: &[&str] = &["robot_secret", "password", "old_password"];

/// The fields each route's body takes, by `(method, path)` as the router matches it.
static TAKEN: LazyLock<HashMap<(String, String), BTreeSet<String>>> = LazyLock::new(|| {
    let doc = serde_json::to_value(super::document()).unwrap_or_default();
    let mut taken = HashMap::new();
    let Some(paths) = doc["paths"].as_object() else {
        return taken;
    };
    for (path, ops) in paths {
        for (method, op) in ops.as_object().into_iter().flatten() {
            let mut fields = BTreeSet::new();
            for content in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                properties(&doc, &content.1["schema"], 0, &mut fields);
            }
            taken.insert((method.to_uppercase(), path.clone()), fields);
        }
    }
    taken
});

/// The property names of a schema: an object's, each of an `allOf`'s, a reference's
/// (a few levels deep: the bodies are flat objects, or a version beside one).
fn properties(doc: &Value, schema: &Value, depth: usize, into: &mut BTreeSet<String>) {
    if depth > 4 {
        return;
    }
    if let Some(at) = schema["$ref"].as_str() {
        let name = at.trim_start_matches("#/components/schemas/");
        properties(doc, &doc["components"]["schemas"][name], depth + 1, into);
    }
    into.extend(
        schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone()),
    );
    for part in schema["allOf"].as_array().into_iter().flatten() {
        properties(doc, part, depth + 1, into);
    }
}

/// A stored column by the API's name.
fn api_name(column: &str) -> &str {
    API_NAMES
        .iter()
        .find(|(c, _)| *c == column)
        .map_or(column, |(_, name)| name)
}

/// The changes a client of the route may be told of, by the API's names, each once.
fn named(changes: Vec<FieldChange>, taken: Option<&BTreeSet<String>>) -> Vec<FieldChange> {
    let mut seen = BTreeSet::new();
    changes
        .into_iter()
        .filter_map(|mut change| {
            let name = api_name(&change.field).to_string();
            let shown = taken.is_some_and(|t| t.contains(&name))
                && !SECRETS.contains(&name.as_str())
                && seen.insert(name.clone());
            change.field = name;
            shown.then_some(change)
        })
        .collect()
}

/// Answers a conflict with the changes the route's client may be told of (the error
/// answers none until then).
pub async fn name_changes(req: Request, next: Next) -> Response {
    let route = (
        req.method().as_str().to_string(),
        req.extensions()
            .get::<MatchedPath>()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
    );
    let resp = next.run(req).await;
    if resp.status() != StatusCode::CONFLICT {
        return resp;
    }
    let Some(StoredConflict(stored)) = resp.extensions().get::<StoredConflict>().cloned() else {
        return resp;
    };
    let changes = named(stored.changes, TAKEN.get(&route));
    conflict_response(Conflict { changes, ..stored })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(field: &str) -> FieldChange {
        FieldChange {
            field: field.into(),
            was: Value::Null,
            now: Value::Null,
        }
    }

    #[test]
    fn only_the_routes_fields_are_named_by_their_api_names() {
        let taken = &TAKEN[&("PUT".to_string(), "/api/v1/measures/{id}".to_string())];
        assert!(
            taken.contains("deadline") && taken.contains("version"),
            "{taken:?}"
        );
        let shown = named(
            [
                "id",
                "org_id",
                "content",
                "deadline_text",
                "deadline_kind",
                "created_at",
            ]
            .map(change)
            .to_vec(),
            Some(taken),
        );
        let names: Vec<&str> = shown.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(names, ["content", "deadline"]);

        let channels = &TAKEN[&("PUT".to_string(), "/api/v1/channels".to_string())];
        let shown = named(
            ["robot_kind", "robot_secret", "org_id"]
                .map(change)
                .to_vec(),
            Some(channels),
        );
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].field, "robot_kind");
        // A route the document does not know names nothing.
        assert!(named(vec![change("title")], None).is_empty());
    }
}
