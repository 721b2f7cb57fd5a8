//! Small pieces every query uses: a builder for queries assembled at run time (filters,
//! scope), the text forms of dates and instants, and reading rows.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow, AnyTypeInfoKind};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, Column, FromRow, Row};
use sqlx_core::any::{AnyArgumentBuffer, AnyValueKind};

use crate::db::dialect::{Backend, Placeholders};

/// `query` with `params` bound in order (the three kinds of query sqlx has share no
/// trait for `bind`).
macro_rules! bound {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Int(v) => q.bind(*v),
                Param::Text(v) => q.bind(v.as_str()),
                Param::NullText => q.bind(None::<String>),
                Param::NullInt => q.bind(None::<i64>),
            };
        }
        q
    }};
}

/// A bound value.
#[derive(Debug, Clone)]
pub enum Param {
    /// An integer.
    Int(i64),
    /// A text.
    Text(String),
    /// NULL in a text column.
    NullText,
    /// NULL in an integer column (PostgreSQL types its parameters).
    NullInt,
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}
impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(v.to_string())
    }
}
impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(v)
    }
}
impl From<Option<String>> for Param {
    fn from(v: Option<String>) -> Self {
        v.map_or(Param::NullText, Param::Text)
    }
}
impl From<Option<i64>> for Param {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Param::NullInt, Param::Int)
    }
}

/// SQL text with numbered placeholders and their values, built piece by piece.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    params: Vec<Param>,
}

impl Sql {
    /// Starts with a fragment.
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            params: Vec::new(),
        }
    }

    /// Appends literal SQL (never user input).
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to a value.
    pub fn bind(&mut self, value: impl Into<Param>) -> &mut Sql {
        self.params.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.params.len().to_string());
        self
    }

    /// Appends ` IN ` and a set of ids bound as one value: on PostgreSQL an array
    /// (`= ANY`), on SQLite a JSON array read by `json_each`. For the ids a request has
    /// just found (a page's measures, their problems): written into the text, each set
    /// made a statement of its own that the database parsed and planned again, and that
    /// filled each connection's cache of prepared statements with statements used once
    /// (on SQLite, memory). Bound, the statement is the same for every set.
    ///
    /// On PostgreSQL the array is read through a sub-select, which the planner does not
    /// look into: every plan estimates the set at ten ids, whatever its size. With the
    /// array's value in sight, the plan for a page of one or a few ids always looked
    /// cheaper than the generic plan, so the plan cache (`plan_cache_mode = auto`) made
    /// a new plan at each execution — 0.9 ms of planning for the 0.04 ms reading of the
    /// upper level's one-row page with its joins. A lookup by ids has one right plan.
    pub fn id_set(&mut self, backend: Backend, ids: impl IntoIterator<Item = i64>) -> &mut Sql {
        let list = ids
            .into_iter()
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        match backend {
            Backend::Postgres => self
                .push(" = ANY((SELECT CAST(")
                .bind(format!("{{{list}}}"))
                .push(" AS BIGINT[]))::BIGINT[])"),
            Backend::Sqlite => self
                .push(" IN (SELECT value FROM json_each(")
                .bind(format!("[{list}]"))
                .push("))"),
        }
    }

    /// Appends `(v1, v2, …)`; `(NULL)` for none, which matches nothing. The ids are
    /// written into the text (they cannot carry anything but digits): a list of
    /// thousands then costs neither a parameter each (sqlx's SQLite driver finds each
    /// by name, a cost that grows with the square of their number) nor a database's
    /// parameter limit. For lists that stay the same from one request to the next (an
    /// actor's organisations and units), whose values help the planner; a request's own
    /// findings go through [`Sql::id_set`].
    pub fn id_list(&mut self, values: impl IntoIterator<Item = i64>) -> &mut Sql {
        self.push("(");
        let mut any = false;
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text.push_str(&v.to_string());
            any = true;
        }
        if !any {
            self.push("NULL");
        }
        self.push(")")
    }

    /// Appends another builder's text and values.
    pub fn append(&mut self, other: &Sql) -> &mut Sql {
        let offset = self.params.len();
        let mut text = String::new();
        let mut chars = other.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' {
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(*d);
                    chars.next();
                }
                match n.parse::<usize>() {
                    Ok(i) => text.push_str(&format!("${}", i + offset)),
                    Err(_) => text.push('$'),
                }
            } else {
                text.push(c);
            }
        }
        self.text.push_str(&text);
        self.params.extend(other.params.iter().cloned());
        self
    }

    /// A multi-row insert, `INSERT … VALUES (…), (…)`, of thousands of rows in one
    /// statement. Their values are moved, not copied: an import's are a few hundred
    /// megabytes. Both databases limit the values of a statement (SQLite to 32,766).
    pub fn insert_rows(
        placeholders: Placeholders,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Param>>,
    ) -> Sql {
        let mut text = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        text.reserve(rows.len() * columns.len() * 8);
        let mut params = Vec::with_capacity(rows.len() * columns.len());
        for (k, row) in rows.into_iter().enumerate() {
            text.push_str(if k == 0 { "(" } else { ", (" });
            for (i, value) in row.into_iter().enumerate() {
                params.push(value);
                if i > 0 {
                    text.push_str(", ");
                }
                match placeholders {
                    Placeholders::Anonymous => text.push('?'),
                    Placeholders::Numbered => {
                        text.push('$');
                        text.push_str(&params.len().to_string());
                    }
                }
            }
            text.push(')');
        }
        Sql { text, params }
    }

    /// The query, ready to run.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        bound!(sqlx::query(&self.text), &self.params)
    }

    /// The query, its rows read by column name into `T` (a `#[derive(FromRow)]` struct).
    pub fn query_as<T>(&self) -> QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        bound!(sqlx::query_as(&self.text), &self.params)
    }

    /// The query of one column (a count, an id), read as `T`.
    pub fn query_scalar<T>(&self) -> QueryScalar<'_, Any, T, AnyArguments<'_>>
    where
        (T,): for<'r> FromRow<'r, AnyRow>,
    {
        bound!(sqlx::query_scalar(&self.text), &self.params)
    }

    /// The statement with its values moved into the driver's arguments, to be run later
    /// (see [`Ready`]).
    pub fn ready(self) -> Ready {
        let values = self
            .params
            .into_iter()
            .map(|p| match p {
                Param::Int(v) => AnyValueKind::BigInt(v),
                Param::Text(v) => AnyValueKind::Text(Cow::Owned(v)),
                Param::NullText => AnyValueKind::Null(AnyTypeInfoKind::Text),
                Param::NullInt => AnyValueKind::Null(AnyTypeInfoKind::BigInt),
            })
            .collect();
        Ready {
            text: self.text,
            args: AnyArguments {
                values: AnyArgumentBuffer(values),
            },
        }
    }

    /// The SQL text (for tests and logs).
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A bulk statement made ready on another thread while the database runs the one
/// before: its values are moved into the driver's arguments there, where
/// [`Sql::query`] binds (and the driver then copies) each one on the thread that waits
/// for the database — 65,000 values a statement in an import.
///
/// The arguments are built from sqlx's `AnyArguments` fields, public but hidden from its
/// documentation: the only way to hand it owned text without a copy. `sqlx-core` is
/// pinned to the exact version (crates/storage/Cargo.toml), and the import tests on both
/// databases read back every kind of value written this way.
pub struct Ready {
    text: String,
    args: AnyArguments<'static>,
}

impl Ready {
    /// Runs the statement.
    pub async fn execute(self, conn: &mut AnyConnection) -> Result<AnyQueryResult, sqlx::Error> {
        sqlx::query_with(&self.text, self.args).execute(conn).await
    }
}

/// An instant as stored: RFC 3339 UTC with microseconds, fixed width so it sorts.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Reads a stored instant.
pub fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The day a stored instant fell on in Beijing.
pub fn beijing_day(stamp: &str) -> Option<NaiveDate> {
    parse_stamp(stamp).map(zhenggai_domain::clock::china_date)
}

/// A stored instant as people read it: Beijing time to the minute.
pub fn beijing_minute(stamp: &str) -> String {
    match parse_stamp(stamp) {
        Some(at) => zhenggai_domain::clock::china_time(at)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => stamp.to_string(),
    }
}

/// A date as stored.
pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Reads a stored date.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Reads an optional stored date column.
pub fn opt_day(row: &AnyRow, col: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(col)?
        .as_deref()
        .and_then(parse_day))
}

/// A whole row as JSON, column by column: what the audit trail stores of a record.
pub fn row_json(row: &AnyRow) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (i, col) in row.columns().iter().enumerate() {
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map(serde_json::Value::from)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v.map(serde_json::Value::from)
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            v.map(serde_json::Value::from)
        } else {
            None
        };
        map.insert(
            col.name().to_string(),
            value.unwrap_or(serde_json::Value::Null),
        );
    }
    serde_json::Value::Object(map)
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_pattern(words: &str) -> String {
    let mut out = String::from("%");
    for c in words.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_and_renumbered_when_appended() {
        let mut inner = Sql::new("a = ");
        inner.bind(1).push(" AND b IN ").id_list([2, 3]);
        let mut outer = Sql::new("SELECT * FROM t WHERE x = ");
        outer.bind("x").push(" AND ").append(&inner);
        assert_eq!(
            outer.text(),
            "SELECT * FROM t WHERE x = $1 AND a = $2 AND b IN (2, 3)"
        );
        let mut empty = Sql::new("y IN ");
        empty.id_list([]);
        assert_eq!(empty.text(), "y IN (NULL)");
    }

    #[test]
    fn bulk_rows_bind_their_values_in_row_order() {
        let rows = || {
            vec![
                vec![Param::Int(1), Param::from("引号\"和\\")],
                vec![Param::Int(2), Param::NullText],
            ]
        };
        let sql = Sql::insert_rows(Placeholders::Anonymous, "t", &["a", "b"], rows());
        assert_eq!(sql.text(), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
        assert!(matches!(
            sql.params.as_slice(),
            [Param::Int(1), Param::Text(t), Param::Int(2), Param::NullText] if t == "引号\"和\\"
        ));
        let sql = Sql::insert_rows(Placeholders::Numbered, "t", &["a", "b"], rows());
        assert_eq!(sql.text(), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(sql.params.len(), 4);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("公车"), "%公车%");
        assert_eq!(like_pattern("10%_a\\"), "%10\\%\\_a\\\\%");
    }

    #[test]
    fn stamps_sort_as_text() {
        use chrono::TimeZone;
        let a = Utc.with_ymd_and_hms(2024, 3, 5, 9, 0, 0).unwrap();
        let b = Utc.with_ymd_and_hms(2024, 12, 25, 9, 0, 0).unwrap();
        assert!(stamp(a) < stamp(b));
        assert_eq!(parse_stamp(&stamp(a)), Some(a));
    }
}
