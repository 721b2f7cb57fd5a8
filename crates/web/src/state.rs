//! The application state every handler shares.

use std::sync::Arc;

use zhenggai_domain::clock::Clock;
use zhenggai_storage::Db;
use zhenggai_storage::accounts::auth::AuthPolicy;
use zhenggai_storage::files::FileStore;
use zhenggai_storage::files::UploadLimits;

/// Settings of the web layer (see the README's configuration table).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Login lockout and session idle time.
    pub auth: AuthPolicy,
    /// Upload size and count.
    pub uploads: UploadLimits,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Problems per ledger page, measures per list page.
    pub page_size: i64,
    /// Caps on imported spreadsheets.
    pub import_limits: zhenggai_spreadsheet::Limits,
    /// Header words of imported ledgers, with the organisation's own.
    pub synonyms: zhenggai_spreadsheet::layout::Synonyms,
    /// Whether an SMTP server is configured (reminders can be mailed).
    pub email_configured: bool,
    /// Where group-robot webhooks may point.
    pub robot_hosts: zhenggai_storage::reminders::channels::RobotHosts,
    /// Uploads and imports whose bodies are read at once (`http_concurrent_uploads`):
    /// each may hold its files in memory, up to the route's limit.
    pub concurrent_uploads: usize,
}

impl WebConfig {
    /// The largest body of a route that takes files (progress, lifecycle steps): every
    /// file at its largest and the form's fields.
    pub fn upload_body_limit(&self) -> usize {
        self.uploads
            .max_file_bytes
            .saturating_mul(self.uploads.max_files)
            .saturating_add(crate::form::MAX_FIELDS_BYTES)
    }

    /// The largest body of a ledger import: the file and the form around it.
    pub fn import_body_limit(&self) -> usize {
        self.import_limits
            .max_file_bytes
            .saturating_add(crate::form::MAX_FIELDS_BYTES)
    }

    /// What an import takes: one ledger file up to the import's size.
    pub fn import_files(&self) -> UploadLimits {
        UploadLimits {
            max_file_bytes: self.import_limits.max_file_bytes,
            max_files: 1,
        }
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            auth: AuthPolicy::default(),
            uploads: UploadLimits::default(),
            secure_cookies: false,
            page_size: 50,
            import_limits: zhenggai_spreadsheet::Limits::default(),
            synonyms: zhenggai_spreadsheet::layout::Synonyms::default(),
            email_configured: false,
            robot_hosts: zhenggai_storage::reminders::channels::RobotHosts::default(),
            concurrent_uploads: 4,
        }
    }
}

/// Everything a request needs. Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    /// The database.
    pub db: Db,
    /// Where files are kept.
    pub files: Arc<dyn FileStore>,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub config: Arc<WebConfig>,
    /// Uploaded ledgers as read, between an import's preview and its commit.
    pub readings: Arc<crate::readings::Readings>,
    /// Login attempts by address, in memory.
    pub login_throttle: Arc<crate::throttle::LoginThrottle>,
    /// The login form's tokens.
    pub login_tokens: crate::login_guard::LoginTokens,
    /// The public opinion box's flood guard, in memory.
    pub box_guard: Arc<crate::throttle::BoxGuard>,
    /// A permit for each upload or import whose body may be read at once.
    pub upload_slots: Arc<tokio::sync::Semaphore>,
}

impl App {
    /// The state from its parts.
    pub fn new(db: Db, files: Arc<dyn FileStore>, clock: Arc<dyn Clock>, config: WebConfig) -> App {
        // Four accounts' worth of failures from one address per lockout window: an
        // office sharing one address still logs in, a script spraying names does not.
        let per_address =
            u32::try_from(config.auth.max_failures.saturating_mul(4)).unwrap_or(u32::MAX);
        // Instances sharing a database share its audit key: a login page served by one
        // is accepted by another. Without a key (tests, benchmarks), this process's own.
        let login_key = db
            .audit_key()
            .map_or_else(zhenggai_storage::accounts::auth::new_secret, |k| {
                k.seal(b"zhenggai login form tokens")
            });
        App {
            login_tokens: crate::login_guard::LoginTokens::new(login_key.as_bytes()),
            db,
            files,
            clock,
            login_throttle: Arc::new(crate::throttle::LoginThrottle::new(
                per_address.max(1),
                config.auth.lockout,
            )),
            box_guard: Arc::default(),
            upload_slots: Arc::new(tokio::sync::Semaphore::new(
                config.concurrent_uploads.max(1),
            )),
            config: Arc::new(config),
            readings: Arc::default(),
        }
    }

    /// 审计校验码 of the audit trail's end now, noted in the database (`checkpoint`), for
    /// a document or export to print: paper sent upward then pins how far the trail
    /// reached, and `zhenggai audit verify --checkpoint CODE` proves it still does.
    pub async fn audit_code(&self) -> Result<String, zhenggai_storage::StoreError> {
        let taken = zhenggai_storage::audit::checkpoint::take(&self.db, self.clock.now()).await?;
        Ok(taken.code())
    }
}
