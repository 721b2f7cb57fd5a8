//! The application state every handler shares.

use std::sync::Arc;

use zhenggai_domain::clock::Clock;
use zhenggai_storage::Db;
use zhenggai_storage::auth::AuthPolicy;
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
    pub robot_hosts: zhenggai_storage::channels::RobotHosts,
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
            robot_hosts: zhenggai_storage::channels::RobotHosts::default(),
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
}

impl App {
    /// The state from its parts.
    pub fn new(db: Db, files: Arc<dyn FileStore>, clock: Arc<dyn Clock>, config: WebConfig) -> App {
        App {
            db,
            files,
            clock,
            config: Arc::new(config),
            readings: Arc::default(),
        }
    }
}
