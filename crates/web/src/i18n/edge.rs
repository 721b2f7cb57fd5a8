//! The web edge's words that take a value, in both languages: who changed a record
//! first, and what the request's reader found wrong. The fixed ones are in the
//! `texts!` table (`error_…`, `api_…`); `error.rs` only picks them.

use super::Lang;
use crate::error::Malformed;

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

/// An API request that cannot be read at all: what to send instead. The English of a
/// decoder's refusal carries the decoder's own words (in English) for what was wrong;
/// the Chinese says what to check.
pub fn malformed(lang: Lang, why: &Malformed) -> String {
    match (lang, why) {
        (Lang::Zh, Malformed::NotJson) => {
            "请求体应为 JSON，并带请求头 Content-Type: application/json：请补上后重新发送。"
                .to_string()
        }
        (Lang::En, Malformed::NotJson) => {
            "Send the body as JSON, with Content-Type: application/json.".to_string()
        }
        (Lang::Zh, Malformed::NotMultipart) => {
            "这个接口接收带附件的表单：请以 multipart/form-data 格式发送。".to_string()
        }
        (Lang::En, Malformed::NotMultipart) => {
            "Send this as multipart/form-data: the route takes files.".to_string()
        }
        (Lang::Zh, Malformed::BadJson(_)) => {
            "请求体不是有效的 JSON：请检查括号、引号和逗号是否完整后重新发送。".to_string()
        }
        (Lang::En, Malformed::BadJson(detail)) => {
            format!("The body is not valid JSON: {detail}")
        }
        (Lang::Zh, Malformed::AfterJson(_)) => {
            "请求体在 JSON 对象之后还有多余的内容：请只发送一个 JSON 对象。".to_string()
        }
        (Lang::En, Malformed::AfterJson(detail)) => {
            format!("The body has more after its JSON value: {detail}")
        }
        (Lang::Zh, Malformed::Reader(_)) => {
            "请求格式有误，无法读取：请对照 API 文档（/api/v1/openapi.json）检查请求的格式。"
                .to_string()
        }
        (Lang::En, Malformed::Reader(detail)) => format!("Malformed request: {detail}"),
    }
}

/// What a `Versioned` body was expected to be, in the decoder's words: serde asks each
/// reader for them, and they reach only the English message's detail.
pub const VERSIONED_EXPECTED: &str = "an object with `version` and the record's fields";
