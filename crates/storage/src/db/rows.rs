//! Reading values out of rows where the database holds less than the domain type
//! says: stored codes. A code this build does not know (written by a newer build, or
//! by hand) fails loudly, naming the table, the column and the value, instead of
//! turning into a default that would then be written back as if it were true.

use sqlx::any::AnyRow;
use sqlx::{Column, ColumnIndex, Row};
use zhenggai_domain::code::Code;

/// Reads a stored code: `code::<ProblemState, _>(&row, "problems", "state")`.
pub fn code<T: Code, I>(row: &AnyRow, table: &str, index: I) -> Result<T, sqlx::Error>
where
    I: ColumnIndex<AnyRow> + Copy,
{
    let value: String = row.try_get(index)?;
    parse(row, table, index, &value)
}

/// Reads a stored code that may be absent: NULL, or empty where "none" is stored as ""
/// (an organisation's robot).
pub fn opt_code<T: Code, I>(row: &AnyRow, table: &str, index: I) -> Result<Option<T>, sqlx::Error>
where
    I: ColumnIndex<AnyRow> + Copy,
{
    match row.try_get::<Option<String>, _>(index)? {
        Some(value) if !value.is_empty() => parse(row, table, index, &value).map(Some),
        _ => Ok(None),
    }
}

fn parse<T: Code, I>(row: &AnyRow, table: &str, index: I, value: &str) -> Result<T, sqlx::Error>
where
    I: ColumnIndex<AnyRow> + Copy,
{
    let column = index
        .index(row)
        .map(|i| row.column(i).name().to_string())
        .unwrap_or_default();
    stored(table, &column, value)
}

/// Reads a stored code already read by name into a row struct's field (a
/// `#[derive(sqlx::FromRow)]` struct holds it as text):
/// `stored::<ProblemState>("problems", "state", &row.state)`.
pub fn stored<T: Code>(table: &str, column: &str, value: &str) -> Result<T, sqlx::Error> {
    T::parse_code(value).ok_or_else(|| {
        sqlx::Error::Decode(
            format!(
                "{table}.{column} holds {value:?}, which is not a {} this build knows",
                T::KIND
            )
            .into(),
        )
    })
}

/// [`stored`] for a code that may be absent: NULL, or empty where "none" is stored as "".
pub fn stored_opt<T: Code>(
    table: &str,
    column: &str,
    value: Option<&str>,
) -> Result<Option<T>, sqlx::Error> {
    match value {
        Some(value) if !value.is_empty() => stored(table, column, value).map(Some),
        _ => Ok(None),
    }
}

/// Reads a stored list of codes, comma-separated ("office,lead"); empty is none.
pub fn code_list<T: Code, I>(row: &AnyRow, table: &str, index: I) -> Result<Vec<T>, sqlx::Error>
where
    I: ColumnIndex<AnyRow> + Copy,
{
    let value: String = row.try_get(index)?;
    value
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| parse(row, table, index, c))
        .collect()
}
