//! Reading values out of rows where the database holds less than the domain type
//! says: stored codes. A code this build does not know (written by a newer build, or
//! by hand) fails loudly, naming the table, the column and the value, instead of
//! turning into a default that would then be written back as if it were true.
//!
//! Rows are read by column name into small `#[derive(sqlx::FromRow)]` structs; their
//! codes are held as text and read here with [`code_of`] (and its optional and list
//! forms) when the struct becomes the domain's type. [`code`] reads one straight off a
//! row.

use sqlx::any::AnyRow;
use sqlx::{Column, ColumnIndex, Row};
use zhenggai_domain::code::Code;

/// Reads a stored code: `code::<ProblemState, _>(&row, "problems", "state")`.
pub fn code<T: Code, I>(row: &AnyRow, table: &str, index: I) -> Result<T, sqlx::Error>
where
    I: ColumnIndex<AnyRow> + Copy,
{
    let value: String = row.try_get(index)?;
    parse(table, || column_name(row, index), &value)
}

/// Reads a stored code that may be absent: NULL, or empty where "none" is stored as ""
/// (an organisation's robot).
pub fn opt_code<T: Code, I>(row: &AnyRow, table: &str, index: I) -> Result<Option<T>, sqlx::Error>
where
    I: ColumnIndex<AnyRow> + Copy,
{
    match row.try_get::<Option<String>, _>(index)? {
        Some(value) if !value.is_empty() => {
            parse(table, || column_name(row, index), &value).map(Some)
        }
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
        .map(|c| parse(table, || column_name(row, index), c))
        .collect()
}

/// Reads a code a row struct holds as text: `code_of::<Role>("users", "role", &row.role)`.
pub fn code_of<T: Code>(table: &str, column: &str, value: &str) -> Result<T, sqlx::Error> {
    parse(table, || column.to_string(), value)
}

/// [`code_of`] of a code that may be absent: NULL, or empty where "none" is stored as
/// "" (an organisation's robot).
pub fn opt_code_of<T: Code>(
    table: &str,
    column: &str,
    value: Option<&str>,
) -> Result<Option<T>, sqlx::Error> {
    match value {
        Some(value) if !value.is_empty() => code_of(table, column, value).map(Some),
        _ => Ok(None),
    }
}

/// [`code_of`] of a comma-separated list ("office,lead"); empty is none.
pub fn code_list_of<T: Code>(
    table: &str,
    column: &str,
    value: &str,
) -> Result<Vec<T>, sqlx::Error> {
    value
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| code_of(table, column, c))
        .collect()
}

fn column_name<I: ColumnIndex<AnyRow>>(row: &AnyRow, index: I) -> String {
    index
        .index(row)
        .map(|i| row.column(i).name().to_string())
        .unwrap_or_default()
}

/// The column is named only when the code is unknown: [`code`] reads hundreds of
/// thousands of rows in a ledger's lists.
fn parse<T: Code>(
    table: &str,
    column: impl FnOnce() -> String,
    value: &str,
) -> Result<T, sqlx::Error> {
    T::parse_code(value).ok_or_else(|| {
        sqlx::Error::Decode(
            format!(
                "{table}.{} holds {value:?}, which is not a {} this build knows",
                column(),
                T::KIND
            )
            .into(),
        )
    })
}
