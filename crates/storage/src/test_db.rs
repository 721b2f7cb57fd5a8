//! Fresh databases for tests: a temporary SQLite file, or — when
//! `ZHENGGAI_TEST_DATABASE_URL` names a PostgreSQL server — a new database on it,
//! dropped again when the test ends. Every test gets its own.

use anyhow::Context;
use sqlx::Executor;

use crate::db::{Backend, Db};

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
    pub files: crate::files::LocalFiles,
    _files_dir: tempfile::TempDir,
    drop_pg: Option<(String, String)>,
}

impl TestDb {
    /// A fresh, migrated database on the backend the environment selects.
    pub async fn new() -> anyhow::Result<TestDb> {
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
        let db = Db::connect(&url, 5).await?;
        db.migrate().await?;
        let files_dir = tempfile::tempdir()?;
        Ok(TestDb {
            db,
            url,
            _dir: dir,
            files: crate::files::LocalFiles::new(files_dir.path()),
            _files_dir: files_dir,
            drop_pg,
        })
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
