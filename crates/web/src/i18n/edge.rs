//! The web edge's words that take a value, in both languages: who changed a record
//! first, and what the request's reader found wrong. The fixed ones are in the
//! `texts!` table (`error_…`, `api_…`); `error.rs` only picks them.

use super::Lang;

/// A page's change refused because someone else saved the record first (409): who, and
/// what to do.
pub fn conflict(lang: Lang, changed_by: Option<&str>) -> String {
    match lang {
        Lang::Zh => format!(
            "该记录已被{}修改，请刷新后在最新版本上修改。",
            changed_by.unwrap_or("他人")
        ),
        Lang::En => "Someone else changed this record: reload it and make your change on the latest version.".to_string(),
    }
}

/// A step refused on the page the person was on because the record changed meanwhile:
/// the page is shown again as it now stands.
pub fn changed_meanwhile(lang: Lang, changed_by: Option<&str>) -> String {
    match lang {
        Lang::Zh => format!(
            "该记录刚被{}改动，页面已按最新状态刷新，请在此基础上重新办理。",
            changed_by.unwrap_or("他人")
        ),
        Lang::En => "Someone else just changed this record: the page shows it as it now stands; do it again on that.".to_string(),
    }
}

/// An API request that cannot be read at all; the English carries the reader's own
/// words (a decoder's, in English) for what was wrong.
pub fn malformed(lang: Lang, detail: &str) -> String {
    match lang {
        Lang::Zh => {
            "请求格式有误，无法读取：请对照 API 文档（/api/v1/openapi.json）检查请求的格式。"
                .to_string()
        }
        Lang::En => format!("Malformed request: {detail}"),
    }
}
