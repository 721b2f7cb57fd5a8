//! Teaching the import one header word (导入列名), as the settings page and the API do.

use zhenggai_storage::StoreError;
use zhenggai_storage::settings::header_words::{self, Meaning};

use crate::session::Viewer;
use crate::state::App;

/// Teaches the import `word` for the viewer's organisation. Storage checks a word
/// under the import's field (`columns`, as a preview's headers are taught); here the
/// word is its own field, `word`, and is named so.
pub async fn teach_one(
    app: &App,
    v: &Viewer,
    word: &str,
    meaning: Meaning,
) -> Result<(), StoreError> {
    let words = [(word.to_string(), meaning)];
    header_words::teach(&app.db, &v.actor, v.change(app), v.actor.org, &words)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(mut fields) => {
                for f in &mut fields {
                    if f.field == "columns" {
                        f.field = "word".into();
                    }
                }
                StoreError::Invalid(fields)
            }
            other => other,
        })
}
