//! The pages and the JSON API of zhenggai, served by one axum router.
//!
//! `App::new` builds the state; [`router::router`] lists every route; [`server::serve`]
//! serves it with limits on slow and numerous clients; `serve` in the binary only wires
//! configuration → state → router → server. Tests use the same router in process.

pub mod api;
pub mod download;
pub mod error;
pub mod form;
pub mod i18n;
pub mod login_guard;
pub mod pages;
pub mod readings;
pub mod request_log;
pub mod router;
pub mod server;
pub mod session;
pub mod shared;
pub mod state;
pub mod throttle;

pub use router::router;
pub use state::{App, WebConfig};
