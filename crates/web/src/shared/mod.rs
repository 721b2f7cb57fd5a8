//! What the pages and the API both do, so that neither imports the other: `pages/`
//! renders and `api/` answers in JSON, each over the same checks and the same work
//! here. A test (`tests/it/layers.rs`) fails when `api/` names `pages::` or `pages/`
//! names `api::`.

pub mod accounts;
pub mod archive;
pub mod documents;
pub mod header_words;
pub mod opinion_box;
pub mod spreadsheets;
pub mod trail;
pub mod weekly;
