//! The pages and the API stand side by side: `src/api/` names nothing of `pages::` and
//! `src/pages/` nothing of `api::`. What both need lives in `src/shared/` (or below
//! both: `session`, `form`, `error`, `i18n`), so that a change to a page cannot break
//! the API, nor the other way round. This test reads the source, outside comments.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The lines of `text` that name the module `other` (`pages`, `api`) as a path, with
/// their numbers; comments are left out.
fn naming(text: &str, other: &str) -> Vec<(usize, String)> {
    let wanted = format!("{other}::");
    text.lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let code = line.split("//").next().unwrap_or("");
            let named = code.match_indices(&wanted).any(|(at, _)| {
                // `pages::` itself, not `my_pages::` or `"pages::"` in a word.
                code[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
            });
            named.then(|| (n + 1, line.trim().to_string()))
        })
        .collect()
}

/// Where files of `folder` name `other`.
fn crossings(folder: &str, other: &str) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = sources(&src.join(folder));
    assert!(files.len() > 10, "{folder}: {files:?}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in naming(&text, other) {
            found.push(format!("{}:{n}: {line}", file.display()));
        }
    }
    found
}

#[test]
fn the_api_names_nothing_of_the_pages_nor_the_pages_of_the_api() {
    // The reader finds what it looks for, and passes over what is not a path to it.
    assert_eq!(
        naming(
            "use crate::pages::trail;\n// crate::pages::x\nlet x = 1;",
            "pages"
        )
        .len(),
        1
    );
    assert_eq!(naming("use super::super::pages::login;", "pages").len(), 1);
    assert!(naming("use crate::shared::pages_of::x; my_pages::y", "pages").is_empty());

    let api = crossings("api", "pages");
    assert!(
        api.is_empty(),
        "src/api names pages (move what both use to src/shared):\n{}",
        api.join("\n")
    );
    let pages = crossings("pages", "api");
    assert!(
        pages.is_empty(),
        "src/pages names api (move what both use to src/shared):\n{}",
        pages.join("\n")
    );
}
