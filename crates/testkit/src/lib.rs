//! Fresh databases for tests: a temporary SQLite file, or — when
//! `ZHENGGAI_TEST_DATABASE_URL` names a PostgreSQL server — a new database on it,
//! dropped again when the test ends. Every test gets its own.

use anyhow::Context;
use sqlx::Executor;

use zhenggai_storage::db::Db;
use zhenggai_storage::db::dialect::Backend;

mod finders;
pub use finders::Finders;

/// The environment variable that turns the suite onto PostgreSQL.
pub const POSTGRES_ENV: &str = "ZHENGGAI_TEST_DATABASE_URL";

/// A database that lives as long as the test.
pub struct TestDb {
    /// The migrated database.
    pub db: Db,
    /// Its URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    /// A file store of its own, in a temporary directory.
    pub files: zhenggai_storage::files::LocalFiles,
    _files_dir: tempfile::TempDir,
    drop_pg: Option<(String, String)>,
}

impl TestDb {
    /// A fresh, migrated database on the backend the environment selects, its audit
    /// entries sealed with [`TestDb::key`].
    pub async fn new() -> anyhow::Result<TestDb> {
        Self::migrated_until(i64::MAX).await
    }

    /// The audit key test databases seal their trail with.
    pub fn key() -> zhenggai_storage::audit::key::AuditKey {
        zhenggai_storage::audit::key::AuditKey::from_bytes(&[7; 32]).expect("a 32-byte key")
    }

    /// A fresh, migrated database writing its trail without a key, as releases before
    /// the audit key did.
    pub async fn unsealed() -> anyhow::Result<TestDb> {
        let mut t = Self::migrated_until(i64::MAX).await?;
        t.db = t.db.without_audit_key();
        Ok(t)
    }

    /// A fresh database with the migrations up to version `last` only: an older
    /// release's schema, to test an upgrade.
    pub async fn migrated_until(last: i64) -> anyhow::Result<TestDb> {
        let (url, dir, drop_pg) = match std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty()) {
            Some(server) => {
                anyhow::ensure!(
                    Backend::from_url(&server)? == Backend::Postgres,
                    "{POSTGRES_ENV} must be a postgres:// URL"
                );
                let name = format!("zg_test_{}_{}", std::process::id(), rand::random::<u32>());
                let admin = Db::connect(&server, 1)
                    .await
                    .with_context(|| format!("{POSTGRES_ENV}: PostgreSQL is not reachable"))?;
                admin
                    .pool()
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await?;
                admin.close().await;
                let base = server
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(server.clone());
                (format!("{base}/{name}"), None, Some((server, name)))
            }
            None => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                (url, Some(dir), None)
            }
        };
        let db = Db::connect(&url, 5).await?.with_audit_key(Self::key());
        db.migrate_until(last).await?;
        let files_dir = tempfile::tempdir()?;
        Ok(TestDb {
            db,
            url,
            _dir: dir,
            files: zhenggai_storage::files::LocalFiles::new(files_dir.path()),
            _files_dir: files_dir,
            drop_pg,
        })
    }
}

/// 09:00 in Beijing on a day: the instant reminder tests tick at (before weekly
/// reports fall due at 10:00).
pub fn beijing_morning(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let nine = day.and_hms_opt(1, 0, 0).unwrap_or_default();
    chrono::Utc.from_utc_datetime(&nine)
}

/// How a ledger saved as CSV reads (the synonyms and limits by default), with phrases
/// without a year taken after `reference` (the feedback date).
pub fn csv_reading(
    text: &str,
    reference: chrono::NaiveDate,
) -> anyhow::Result<zhenggai_spreadsheet::Reading> {
    use zhenggai_spreadsheet::ledger::Options;
    let sheets =
        zhenggai_spreadsheet::read::read(text.as_bytes(), &zhenggai_spreadsheet::Limits::default())
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(zhenggai_spreadsheet::read_ledger(
        &sheets,
        &Options {
            sheet: None,
            reference: reference.into(),
            synonyms: zhenggai_spreadsheet::layout::Synonyms::default(),
            ignore_columns: Vec::new(),
        },
    ))
}

impl TestDb {
    /// The S1 demo and a second organisation beside it (某市晚报社, accounts prefixed
    /// `wb_`), both as of `day` at 09:00 Beijing time: for rules that must hold across
    /// organisations (the lists' scope, the counts of the upper level over both).
    pub async fn two_organisations(day: chrono::NaiveDate) -> anyhow::Result<TestDb> {
        let t = TestDb::new().await?;
        let at = beijing_morning(day);
        zhenggai_demo::load(&t.db, &t.files, day, at).await?;
        zhenggai_demo::load_another(&t.db, &t.files, day, at, "某市晚报社", "晚报社", "wb_")
            .await?;
        Ok(t)
    }

    /// Loads the S1 demo as of `start`, and has its office keep the default warning
    /// rules with leader_zhao named Party secretary (whom red warnings reach). The
    /// secretary.
    pub async fn demo_with_secretary(
        &self,
        start: chrono::NaiveDate,
    ) -> anyhow::Result<zhenggai_domain::UserId> {
        use zhenggai_storage::settings::warning_rules::{self, SettingsInput};
        let at = beijing_morning(start);
        zhenggai_demo::load(&self.db, &self.files, start, at).await?;
        let office = zhenggai_storage::accounts::users::find(&self.db, "office")
            .await?
            .context("the demo has an office")?;
        let actor = zhenggai_storage::accounts::users::actor(&self.db, office.id).await?;
        let secretary = zhenggai_storage::accounts::users::find(&self.db, "leader_zhao")
            .await?
            .context("the demo has leader_zhao")?;
        let codes = |list: &[&str]| list.iter().map(|c| c.to_string()).collect();
        warning_rules::save(
            &self.db,
            &actor,
            zhenggai_storage::audit::Change {
                actor: Some(office.id),
                at,
                reason: None,
            },
            actor.org,
            &SettingsInput {
                green_days: "20".into(),
                yellow_days: "10".into(),
                green_to: codes(&["handler"]),
                yellow_to: codes(&["handler", "leader"]),
                red_to: codes(&["handler", "leader", "secretary"]),
                remind_days: "3,1".into(),
                repeat_days: "1".into(),
                milestone_months: "6".into(),
                long_term_days: "90".into(),
                secretary: secretary.id.0.to_string(),
                // The demo already keeps rules (naming its own secretary).
                version: warning_rules::get(&mut *self.db.pool().acquire().await?, actor.org)
                    .await?
                    .version,
            },
        )
        .await?;
        Ok(secretary.id)
    }

    /// Runs a statement straight on the database, behind the system's back: tests that
    /// shape data no workflow makes, or tamper with what is stored.
    pub async fn execute(&self, sql: &str) -> anyhow::Result<()> {
        sqlx::query(sql).execute(self.db.pool()).await?;
        Ok(())
    }

    /// The first column of every row a query returns.
    pub async fn column<T>(&self, sql: &str) -> anyhow::Result<Vec<T>>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + Unpin,
    {
        Ok(sqlx::query_scalar(sql).fetch_all(self.db.pool()).await?)
    }

    /// The office saves its warning rules over the version in force: green and yellow
    /// from these many days before the deadline, every colour to the lead unit's
    /// handlers, and long-term measures reviewed every `long_term_days` (empty: the
    /// default).
    pub async fn office_sets_rules(
        &self,
        office: &zhenggai_domain::access::Actor,
        at: chrono::DateTime<chrono::Utc>,
        (green_days, yellow_days): (&str, &str),
        long_term_days: &str,
    ) -> anyhow::Result<()> {
        use zhenggai_storage::settings::warning_rules::{self, SettingsInput};
        let version = warning_rules::of_org(&self.db, office, office.org)
            .await?
            .version;
        warning_rules::save(
            &self.db,
            office,
            zhenggai_storage::audit::Change {
                actor: Some(office.user),
                at,
                reason: None,
            },
            office.org,
            &SettingsInput {
                green_days: green_days.into(),
                yellow_days: yellow_days.into(),
                green_to: vec!["handler".into()],
                yellow_to: vec!["handler".into()],
                red_to: vec!["handler".into()],
                long_term_days: long_term_days.into(),
                version,
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, name)) = self.drop_pg.take() else {
            return;
        };
        // Drop runs outside async: a thread with its own runtime drops the database, so
        // that test runs leave nothing behind. FORCE ends the test's own connections,
        // which belong to the test's runtime and cannot be closed from here.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = Db::connect(&server, 1).await {
                    let _ = admin
                        .pool()
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}
