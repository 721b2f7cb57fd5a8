//! Settings: flags and `ZHENGGAI_*` variables (through clap) over the TOML file over
//! the defaults. The README's configuration table lists every key.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Duration;
use serde::Deserialize;
use zhenggai_notify::{Security, SmtpConfig};
use zhenggai_storage::accounts::auth::AuthPolicy;
use zhenggai_storage::files::UploadLimits;
use zhenggai_storage::reminders::channels::RobotHosts;
use zhenggai_web::WebConfig;
use zhenggai_web::server::ServeLimits;

use crate::cli::Common;

/// The keys of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Data directory.
    pub data: Option<PathBuf>,
    /// Database URL.
    pub database_url: Option<String>,
    /// Listen address.
    pub listen: Option<String>,
    /// Minutes a session may stay unused.
    pub session_idle_minutes: Option<i64>,
    /// Failed logins before a lockout.
    pub lockout_failures: Option<i64>,
    /// Minutes a lockout lasts.
    pub lockout_minutes: Option<i64>,
    /// Largest upload, in MB.
    pub max_upload_mb: Option<usize>,
    /// Files per progress entry.
    pub max_upload_files: Option<usize>,
    /// Set `Secure` on cookies (behind HTTPS).
    pub secure_cookies: Option<bool>,
    /// Rows per page.
    pub page_size: Option<i64>,
    /// Database connections.
    pub max_connections: Option<u32>,
    /// Seconds a client has to send a request's headers.
    pub http_header_timeout_secs: Option<u64>,
    /// Seconds a request has to be read and answered.
    pub http_request_timeout_secs: Option<u64>,
    /// HTTP connections open at once.
    pub http_max_connections: Option<usize>,
    /// Seconds a request's body has to arrive, uploads and imports excepted.
    pub http_body_timeout_secs: Option<u64>,
    /// Uploads and imports whose bodies are read at once.
    pub http_concurrent_uploads: Option<usize>,
    /// Rows an imported sheet may have.
    pub import_max_rows: Option<usize>,
    /// Largest imported file, in MB.
    pub import_max_mb: Option<usize>,
    /// Sheets an imported workbook may have.
    pub import_max_sheets: Option<usize>,
    /// Cells an imported workbook may have.
    pub import_max_cells: Option<usize>,
    /// Characters an imported cell may have.
    pub import_max_cell_chars: Option<usize>,
    /// Characters an imported workbook may hold, merged cells counted in every cell.
    pub import_max_text_chars: Option<usize>,
    /// Header words an organisation adds, by field: `[import_synonyms] lead_unit = ["主办单位"]`.
    pub import_synonyms: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// The address people open zhenggai at, for the links in e-mails and robot messages.
    pub public_url: Option<String>,
    /// The SMTP server reminders are mailed through (none: no e-mail).
    pub smtp: Option<SmtpConfig>,
    /// The audit key's file (default `audit.key` in the data directory).
    pub audit_key_file: Option<PathBuf>,
    /// The file the server appends checkpoints of the audit trail's end to (default
    /// `audit-checkpoints.log` in the data directory).
    pub audit_checkpoint_file: Option<PathBuf>,
    /// Hosts group-robot webhooks may point at besides the vendors' (an intranet relay).
    pub robot_allowed_hosts: Option<Vec<String>>,
}

/// The SMTP server: the file's `[smtp]` table, each key overridden by its
/// `ZHENGGAI_SMTP_*` variable (the password best given only that way).
fn smtp(file: &FileConfig) -> anyhow::Result<Option<SmtpConfig>> {
    let host = env::<String>("ZHENGGAI_SMTP_HOST")?;
    let mut config = match (file.smtp.clone(), host) {
        (Some(mut c), Some(h)) => {
            c.host = h;
            c
        }
        (Some(c), None) => c,
        (None, Some(host)) => SmtpConfig {
            host,
            port: None,
            security: Security::default(),
            username: None,
            password: None,
            from: String::new(),
        },
        (None, None) => return Ok(None),
    };
    if let Some(port) = env("ZHENGGAI_SMTP_PORT")? {
        config.port = Some(port);
    }
    if let Some(code) = env::<String>("ZHENGGAI_SMTP_SECURITY")? {
        config.security = Security::from_code(&code).ok_or_else(|| {
            anyhow::anyhow!("ZHENGGAI_SMTP_SECURITY={code}: use tls, starttls or none")
        })?;
    }
    if let Some(user) = env("ZHENGGAI_SMTP_USERNAME")? {
        config.username = Some(user);
    }
    if let Some(password) = env("ZHENGGAI_SMTP_PASSWORD")? {
        config.password = Some(password);
    }
    if let Some(from) = env("ZHENGGAI_SMTP_FROM")? {
        config.from = from;
    }
    anyhow::ensure!(
        !config.from.trim().is_empty(),
        "smtp: give the sender as smtp.from or ZHENGGAI_SMTP_FROM, e.g. 整改办 <zhenggai@example.gov.cn>"
    );
    Ok(Some(config))
}

fn import_limits(file: &FileConfig) -> anyhow::Result<zhenggai_spreadsheet::Limits> {
    let d = zhenggai_spreadsheet::Limits::default();
    Ok(zhenggai_spreadsheet::Limits {
        max_rows: env("ZHENGGAI_IMPORT_MAX_ROWS")?
            .or(file.import_max_rows)
            .unwrap_or(d.max_rows),
        max_file_bytes: env::<usize>("ZHENGGAI_IMPORT_MAX_MB")?
            .or(file.import_max_mb)
            .map_or(d.max_file_bytes, |mb| mb * 1024 * 1024),
        max_sheets: env("ZHENGGAI_IMPORT_MAX_SHEETS")?
            .or(file.import_max_sheets)
            .unwrap_or(d.max_sheets),
        max_cells: env("ZHENGGAI_IMPORT_MAX_CELLS")?
            .or(file.import_max_cells)
            .unwrap_or(d.max_cells),
        max_cell_chars: env("ZHENGGAI_IMPORT_MAX_CELL_CHARS")?
            .or(file.import_max_cell_chars)
            .unwrap_or(d.max_cell_chars),
        max_text_chars: env("ZHENGGAI_IMPORT_MAX_TEXT_CHARS")?
            .or(file.import_max_text_chars)
            .unwrap_or(d.max_text_chars),
        ..d
    })
}

fn http_limits(file: &FileConfig) -> anyhow::Result<ServeLimits> {
    let d = ServeLimits::default();
    let secs = std::time::Duration::from_secs;
    let limits = ServeLimits {
        header_timeout: env("ZHENGGAI_HTTP_HEADER_TIMEOUT_SECS")?
            .or(file.http_header_timeout_secs)
            .map_or(d.header_timeout, secs),
        request_timeout: env("ZHENGGAI_HTTP_REQUEST_TIMEOUT_SECS")?
            .or(file.http_request_timeout_secs)
            .map_or(d.request_timeout, secs),
        body_timeout: env("ZHENGGAI_HTTP_BODY_TIMEOUT_SECS")?
            .or(file.http_body_timeout_secs)
            .map_or(d.body_timeout, secs),
        max_connections: env("ZHENGGAI_HTTP_MAX_CONNECTIONS")?
            .or(file.http_max_connections)
            .unwrap_or(d.max_connections),
    };
    anyhow::ensure!(
        !limits.header_timeout.is_zero()
            && !limits.request_timeout.is_zero()
            && !limits.body_timeout.is_zero()
            && limits.max_connections > 0,
        "http_header_timeout_secs, http_request_timeout_secs, http_body_timeout_secs and http_max_connections must be above 0"
    );
    Ok(limits)
}

fn synonyms(file: &FileConfig) -> anyhow::Result<zhenggai_spreadsheet::layout::Synonyms> {
    use zhenggai_spreadsheet::layout::{Field, Synonyms};
    let mut s = Synonyms::default();
    for (field, words) in file.import_synonyms.iter().flatten() {
        let f = Field::from_code(field).ok_or_else(|| {
            anyhow::anyhow!(
                "import_synonyms: “{field}” is not a ledger column; use seq, aspect, problem, measure, target, leader, lead_unit, cooperating, responsible, deadline, status or note"
            )
        })?;
        s = s.with(f, words.iter().cloned());
    }
    Ok(s)
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Data directory.
    pub data: PathBuf,
    /// Database URL.
    pub database_url: String,
    /// Listen address.
    pub listen: String,
    /// Web settings.
    pub web: WebConfig,
    /// Limits on HTTP connections and requests.
    pub http: ServeLimits,
    /// Database connections.
    pub max_connections: u32,
    /// The SMTP server, if reminders are mailed.
    pub smtp: Option<SmtpConfig>,
    /// The address people open zhenggai at.
    pub public_url: Option<String>,
    /// The key that seals the audit trail: outside the database, never in it.
    pub audit_key_file: PathBuf,
    /// Checkpoints of the audit trail's end, outside the database.
    pub audit_checkpoint_file: PathBuf,
}

impl Settings {
    /// The file store: `files` in the data directory.
    pub fn files(&self) -> zhenggai_storage::files::LocalFiles {
        zhenggai_storage::files::LocalFiles::new(self.data.join("files"))
    }

    /// The way reminders leave the process.
    pub fn outbound(&self) -> anyhow::Result<zhenggai_notify::Outbound> {
        zhenggai_notify::Outbound::new(
            self.smtp.as_ref(),
            self.public_url.clone(),
            self.web.robot_hosts.clone(),
            std::sync::Arc::new(zhenggai_domain::clock::SystemClock),
        )
    }
}

/// Database connections when none are configured: 10 for PostgreSQL; for SQLite twice
/// the processor's cores, at most 10. SQLite runs in the process, each connection on a
/// thread of its own with its own page cache and prepared statements (about 8 MB each
/// under load at 100,000 measures, docs/benchmarks.md): connections beyond what the
/// cores can run at once add memory, not speed.
fn default_connections(database_url: &str) -> u32 {
    match zhenggai_storage::db::dialect::Backend::from_url(database_url) {
        Ok(zhenggai_storage::db::dialect::Backend::Sqlite) => {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            u32::try_from(cores * 2).unwrap_or(10).clamp(2, 10)
        }
        _ => 10,
    }
}

fn env<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v
            .parse()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{name}={v} is not a valid value")),
        _ => Ok(None),
    }
}

impl Settings {
    /// Resolves the settings of a command.
    pub fn resolve(common: &Common, listen_flag: Option<&str>) -> anyhow::Result<Settings> {
        let file = match &common.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let import_limits = import_limits(&file)?;
        let http = http_limits(&file)?;
        let smtp = smtp(&file)?;
        let public_url = env::<String>("ZHENGGAI_PUBLIC_URL")?.or(file.public_url.clone());
        if let Some(url) = &public_url {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "public_url: “{url}” must start with http:// or https://"
            );
        }
        let synonyms = synonyms(&file)?;
        let robot_hosts = RobotHosts::new(match env::<String>("ZHENGGAI_ROBOT_ALLOWED_HOSTS")? {
            Some(list) => list.split(',').map(str::to_string).collect(),
            None => file.robot_allowed_hosts.clone().unwrap_or_default(),
        });
        let data = common
            .data
            .clone()
            .or(file.data)
            .unwrap_or_else(|| PathBuf::from("zhenggai-data"));
        let database_url = common
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data.join("zhenggai.db").display()));
        let listen = listen_flag
            .map(str::to_string)
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".to_string());
        let defaults = AuthPolicy::default();
        let auth = AuthPolicy {
            max_failures: env("ZHENGGAI_LOCKOUT_FAILURES")?
                .or(file.lockout_failures)
                .unwrap_or(defaults.max_failures),
            lockout: env::<i64>("ZHENGGAI_LOCKOUT_MINUTES")?
                .or(file.lockout_minutes)
                .map(Duration::minutes)
                .unwrap_or(defaults.lockout),
            idle_timeout: env::<i64>("ZHENGGAI_SESSION_IDLE_MINUTES")?
                .or(file.session_idle_minutes)
                .map(Duration::minutes)
                .unwrap_or(defaults.idle_timeout),
        };
        let upload_defaults = UploadLimits::default();
        let uploads = UploadLimits {
            max_file_bytes: env::<usize>("ZHENGGAI_MAX_UPLOAD_MB")?
                .or(file.max_upload_mb)
                .map(|mb| mb * 1024 * 1024)
                .unwrap_or(upload_defaults.max_file_bytes),
            max_files: env("ZHENGGAI_MAX_UPLOAD_FILES")?
                .or(file.max_upload_files)
                .unwrap_or(upload_defaults.max_files),
        };
        let concurrent_uploads = env::<usize>("ZHENGGAI_HTTP_CONCURRENT_UPLOADS")?
            .or(file.http_concurrent_uploads)
            .unwrap_or(WebConfig::default().concurrent_uploads);
        anyhow::ensure!(
            concurrent_uploads > 0,
            "http_concurrent_uploads must be above 0"
        );
        let web = WebConfig {
            auth,
            uploads,
            secure_cookies: env("ZHENGGAI_SECURE_COOKIES")?
                .or(file.secure_cookies)
                .unwrap_or(false),
            page_size: env("ZHENGGAI_PAGE_SIZE")?.or(file.page_size).unwrap_or(50),
            import_limits,
            synonyms,
            email_configured: smtp.is_some(),
            robot_hosts,
            concurrent_uploads,
        };
        let audit_key_file = env("ZHENGGAI_AUDIT_KEY_FILE")?
            .or(file.audit_key_file)
            .unwrap_or_else(|| data.join("audit.key"));
        let audit_checkpoint_file = env("ZHENGGAI_AUDIT_CHECKPOINT_FILE")?
            .or(file.audit_checkpoint_file)
            .unwrap_or_else(|| data.join("audit-checkpoints.log"));
        let max_connections = env("ZHENGGAI_MAX_CONNECTIONS")?
            .or(file.max_connections)
            .unwrap_or_else(|| default_connections(&database_url));
        Ok(Settings {
            data,
            database_url,
            listen,
            web,
            http,
            max_connections,
            smtp,
            public_url,
            audit_key_file,
            audit_checkpoint_file,
        })
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the settings file {}", path.display()))?;
    toml::from_str(&text).with_context(|| {
        format!(
            "{}: not a valid settings file (see the README's table of keys)",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_connections_by_cores_and_postgresql_ten() {
        assert_eq!(default_connections("postgres://u@h:5432/db"), 10);
        let sqlite = default_connections("sqlite:///tmp/x.db");
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        assert_eq!(sqlite as usize, (cores * 2).clamp(2, 10));
    }

    #[test]
    fn the_file_is_read_and_unknown_keys_are_refused() {
        let ok: FileConfig =
            toml::from_str("listen = \"0.0.0.0:80\"\nsession_idle_minutes = 10\n").unwrap();
        assert_eq!(ok.listen.as_deref(), Some("0.0.0.0:80"));
        assert_eq!(ok.session_idle_minutes, Some(10));
        assert!(toml::from_str::<FileConfig>("lisen = \"x\"").is_err());
        let mail: FileConfig = toml::from_str(
            "public_url = \"https://zg.example.cn\"\n[smtp]\nhost = \"mail.example.cn\"\nsecurity = \"starttls\"\nfrom = \"整改办 <zg@example.cn>\"\n",
        )
        .unwrap();
        let server = smtp(&mail).unwrap().unwrap();
        assert_eq!(server.host, "mail.example.cn");
        assert_eq!(server.security, Security::Starttls);
        assert!(
            toml::from_str::<FileConfig>(
                "[smtp]\nhost = \"m\"\nfrom = \"a@b.cn\"\nsecurity = \"ssl\"\n"
            )
            .is_err()
        );
        assert!(smtp(&FileConfig::default()).unwrap().is_none());
    }

    #[test]
    fn defaults_need_no_configuration() {
        let common = Common {
            config: None,
            data: None,
            database_url: None,
            log_format: crate::cli::LogFormat::Text,
        };
        let s = Settings::resolve(&common, None).unwrap();
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://zhenggai-data/zhenggai.db");
    }

    #[test]
    fn http_limits_come_from_the_file_and_must_be_above_zero() {
        let file: FileConfig = toml::from_str(
            "http_header_timeout_secs = 5\nhttp_request_timeout_secs = 60\nhttp_body_timeout_secs = 7\nhttp_max_connections = 200\n",
        )
        .unwrap();
        let limits = http_limits(&file).unwrap();
        assert_eq!(limits.header_timeout, std::time::Duration::from_secs(5));
        assert_eq!(limits.body_timeout, std::time::Duration::from_secs(7));
        assert_eq!(limits.request_timeout, std::time::Duration::from_secs(60));
        assert_eq!(limits.max_connections, 200);
        assert_eq!(
            http_limits(&FileConfig::default()).unwrap(),
            ServeLimits::default()
        );
        for zero in [
            "http_header_timeout_secs = 0\n",
            "http_body_timeout_secs = 0\n",
        ] {
            let zero: FileConfig = toml::from_str(zero).unwrap();
            assert!(http_limits(&zero).is_err());
        }
    }
}
