//! The migrations, embedded in the binary and applied in order, and the columns they
//! add to existing tables (which `audit verify` needs to read older entries).

use anyhow::Context;
use sqlx::Executor;

use super::Db;
use super::dialect::{self, Backend};

/// The versioned migrations, embedded in the binary. Append only.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "audit_chain",
        include_str!("../../migrations/0002_audit_chain.sql"),
    ),
    (
        3,
        "lifecycle",
        include_str!("../../migrations/0003_lifecycle.sql"),
    ),
    (
        4,
        "outcomes",
        include_str!("../../migrations/0004_outcomes.sql"),
    ),
    (
        5,
        "lookbacks",
        include_str!("../../migrations/0005_lookbacks.sql"),
    ),
    (
        6,
        "extension_requests",
        include_str!("../../migrations/0006_extension_requests.sql"),
    ),
    (
        7,
        "plan_filing",
        include_str!("../../migrations/0007_plan_filing.sql"),
    ),
    (
        8,
        "closure_rules",
        include_str!("../../migrations/0008_closure_rules.sql"),
    ),
    (
        9,
        "imports",
        include_str!("../../migrations/0009_imports.sql"),
    ),
    (
        10,
        "calendar",
        include_str!("../../migrations/0010_calendar.sql"),
    ),
    (
        11,
        "warnings",
        include_str!("../../migrations/0011_warnings.sql"),
    ),
    (
        12,
        "inspection_terms",
        include_str!("../../migrations/0012_inspection_terms.sql"),
    ),
    (
        13,
        "reminders",
        include_str!("../../migrations/0013_reminders.sql"),
    ),
    (
        14,
        "notices",
        include_str!("../../migrations/0014_notices.sql"),
    ),
    (
        15,
        "weekly",
        include_str!("../../migrations/0015_weekly.sql"),
    ),
    (
        16,
        "supervision",
        include_str!("../../migrations/0016_supervision.sql"),
    ),
    (
        17,
        "channels_milestones",
        include_str!("../../migrations/0017_channels_milestones.sql"),
    ),
    (
        18,
        "robot_colours",
        include_str!("../../migrations/0018_robot_colours.sql"),
    ),
    (
        19,
        "long_term_review",
        include_str!("../../migrations/0019_long_term_review.sql"),
    ),
    (
        20,
        "measures_by_organisation",
        include_str!("../../migrations/0020_measures_by_organisation.sql"),
    ),
    (
        21,
        "login_security",
        include_str!("../../migrations/0021_login_security.sql"),
    ),
    (
        22,
        "audit_checkpoints",
        include_str!("../../migrations/0022_audit_checkpoints.sql"),
    ),
    (
        23,
        "import_uploads",
        include_str!("../../migrations/0023_import_uploads.sql"),
    ),
    (
        28,
        "step_opinions",
        include_str!("../../migrations/0028_step_opinions.sql"),
    ),
    (
        29,
        "header_words",
        include_str!("../../migrations/0029_header_words.sql"),
    ),
    (
        31,
        "weekly_summaries",
        include_str!("../../migrations/0031_weekly_summaries.sql"),
    ),
    (
        33,
        "measure_tallies",
        include_str!("../../migrations/0033_measure_tallies.sql"),
    ),
    (
        34,
        "measure_list_indexes",
        include_str!("../../migrations/0034_measure_list_indexes.sql"),
    ),
    (
        35,
        "import_digests",
        include_str!("../../migrations/0035_import_digests.sql"),
    ),
    (
        36,
        "tally_links_by_measure",
        include_str!("../../migrations/0036_tally_links_by_measure.sql"),
    ),
    (
        37,
        "tally_days",
        include_str!("../../migrations/0037_tally_days.sql"),
    ),
    (
        38,
        "tally_quiet_days",
        include_str!("../../migrations/0038_tally_quiet_days.sql"),
    ),
    (
        39,
        "inspection_tallies",
        include_str!("../../migrations/0039_inspection_tallies.sql"),
    ),
    (
        40,
        "sqlite_deadline_order",
        include_str!("../../migrations/0040_sqlite_deadline_order.sql"),
    ),
    (
        41,
        "long_term_by_deadline",
        include_str!("../../migrations/0041_long_term_by_deadline.sql"),
    ),
    (
        42,
        "unit_lists",
        include_str!("../../migrations/0042_unit_lists.sql"),
    ),
    (
        43,
        "tally_months",
        include_str!("../../migrations/0043_tally_months.sql"),
    ),
    (
        44,
        "sqlite_tallies_by_organisation",
        include_str!("../../migrations/0044_sqlite_tallies_by_organisation.sql"),
    ),
    (
        45,
        "problems_by_lead",
        include_str!("../../migrations/0045_problems_by_lead.sql"),
    ),
    (
        46,
        "tally_new_measures",
        include_str!("../../migrations/0046_tally_new_measures.sql"),
    ),
    (
        47,
        "publication",
        include_str!("../../migrations/0047_publication.sql"),
    ),
    (
        48,
        "archives",
        include_str!("../../migrations/0048_archives.sql"),
    ),
    (
        49,
        "petitions",
        include_str!("../../migrations/0049_petitions.sql"),
    ),
    (
        50,
        "meetings",
        include_str!("../../migrations/0050_meetings.sql"),
    ),
];

/// A column a migration added to an existing table, with the value it gave the rows
/// already there (its `DEFAULT`, or NULL).
#[derive(Debug, Clone, PartialEq)]
pub struct AddedColumn {
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// The value existing rows got.
    pub default: serde_json::Value,
}

/// Every column the migrations add with `ALTER TABLE … ADD COLUMN`. An audit entry
/// written before such a migration does not name the column; `audit verify` reads it
/// as the migration left the row (see `verify`).
pub fn added_columns() -> Vec<AddedColumn> {
    MIGRATIONS
        .iter()
        .flat_map(|(_, _, sql)| sql.lines())
        .filter_map(added_column)
        .collect()
}

/// Reads `ALTER TABLE t ADD COLUMN c TYPE [NOT NULL] [DEFAULT literal] …;`.
fn added_column(line: &str) -> Option<AddedColumn> {
    let rest = line.trim().strip_prefix("ALTER TABLE ")?;
    let (table, rest) = rest.split_once(' ')?;
    let rest = rest.trim_start().strip_prefix("ADD COLUMN ")?;
    let (column, rest) = rest.trim_start().split_once(' ')?;
    let default = match rest.split_once("DEFAULT ") {
        None => serde_json::Value::Null,
        Some((_, literal)) => {
            let literal = literal.trim_end_matches(';').trim();
            if let Some(text) = literal.strip_prefix('\'') {
                serde_json::Value::from(text.split('\'').next()?)
            } else {
                let number = literal.split([' ', ',', ';']).next()?;
                serde_json::Value::from(number.parse::<i64>().ok()?)
            }
        }
    };
    Some(AddedColumn {
        table: table.to_string(),
        column: column.to_string(),
        default,
    })
}

impl Db {
    /// Applies the migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> anyhow::Result<usize> {
        self.migrate_until(i64::MAX).await
    }

    /// Applies the migrations up to and including version `last`: an older release's
    /// schema, for tests of upgrades.
    pub async fn migrate_until(&self, last: i64) -> anyhow::Result<usize> {
        let ran = self
            .write(async |tx| {
                if let Some(lock) = dialect::migration_lock(self.backend()) {
                    tx.conn().execute(lock).await?;
                }
                tx.conn()
                    .execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations \
                     (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                    )
                    .await?;
                let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
                    .fetch_all(tx.conn())
                    .await?;
                let mut ran = 0;
                for (version, name, sql) in MIGRATIONS {
                    if applied.contains(version) || *version > last {
                        continue;
                    }
                    let sql = dialect::expand(sql, self.backend());
                    tx.conn()
                        .execute(sqlx::raw_sql(&sql))
                        .await
                        .with_context(|| format!("migration {version} {name}"))?;
                    sqlx::query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                )
                .bind(*version)
                .bind(*name)
                .bind(crate::db::sql::stamp(zhenggai_domain::clock::Clock::now(
                    &zhenggai_domain::clock::SystemClock,
                )))
                .execute(tx.conn())
                .await?;
                    ran += 1;
                }
                Ok(ran)
            })
            .await?;
        if self.backend() == Backend::Sqlite {
            // Fresh planner statistics for tables that have grown since the last start.
            sqlx::query("PRAGMA optimize=0x10002")
                .execute(self.pool())
                .await?;
        }
        Ok(ran)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_added_by_migrations_are_read_with_what_existing_rows_got() {
        let added = added_columns();
        let find = |table: &str, column: &str| {
            added
                .iter()
                .find(|a| a.table == table && a.column == column)
                .map(|a| a.default.clone())
        };
        assert_eq!(
            find("warning_rules", "remind_days"),
            Some(serde_json::json!("3,1"))
        );
        assert_eq!(
            find("warning_rules", "repeat_days"),
            Some(serde_json::json!(1))
        );
        assert_eq!(
            find("problems", "state"),
            Some(serde_json::json!("registered"))
        );
        assert_eq!(
            find("problems", "lead_unit_id"),
            Some(serde_json::Value::Null)
        );
        assert_eq!(find("measures", "origin"), Some(serde_json::Value::Null));
        // Every ADD COLUMN of every migration is read, none skipped by the parser.
        let written = MIGRATIONS
            .iter()
            .flat_map(|(_, _, sql)| sql.lines())
            .filter(|l| l.contains("ADD COLUMN"))
            .count();
        assert_eq!(added.len(), written);
        assert_eq!(
            added_column("ALTER TABLE t ADD COLUMN c BIGINT NOT NULL DEFAULT 0;"),
            Some(AddedColumn {
                table: "t".into(),
                column: "c".into(),
                default: serde_json::json!(0)
            })
        );
    }

    /// Every file in `migrations/` is in [`MIGRATIONS`], numbered in order: a migration
    /// written but not listed would never run. Numbers rise but may skip: engineers
    /// working side by side each reserve one, and not every reserved one gets used.
    #[test]
    fn every_migration_file_is_listed_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len());
        let mut last = 0;
        for (file, (n, name, _)) in files.iter().zip(MIGRATIONS) {
            assert!(*n > last, "{file}: numbers rise");
            last = *n;
            assert_eq!(file, &format!("{n:04}_{name}.sql"));
        }
    }
}
