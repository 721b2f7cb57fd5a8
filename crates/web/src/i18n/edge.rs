//! The web edge's words that take a value, in both languages: who changed a record
//! first, and what the request's reader found wrong. The fixed ones are in the
//! `texts!` table (`error_…`, `api_…`); `error.rs` only picks them.

use zhenggai_domain::reason::Rule;
use zhenggai_domain::validate::{FieldError, Why, YEARS};

use super::{Lang, zh_day};
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

/// A week given in a page's address (`/weekly?week=…`, the summary's `.docx`) that does
/// not read or is out of range: nothing was submitted, so the address is named, not a
/// form, and the way on is this week's page (linked under the message).
pub fn address_week(lang: Lang, asked: &str, e: &FieldError) -> String {
    let zh = lang == Lang::Zh;
    let what = match &e.why {
        Why::NoSuchDay { year, month, day } if zh => {
            format!("网址中的日期“{asked}”不存在（{year}年{month}月没有{day}日）")
        }
        Why::NoSuchDay { .. } => format!("The date in the address, “{asked}”, does not exist"),
        Why::YearOutOfRange if zh => format!(
            "网址中的周“{asked}”超出范围（年份应在{}至{}年之间）",
            YEARS.start(),
            YEARS.end()
        ),
        Why::YearOutOfRange => format!(
            "The week in the address, “{asked}”, is out of range (years {} to {})",
            YEARS.start(),
            YEARS.end()
        ),
        Why::Rule(Rule::WeekAhead) if zh => {
            format!("网址中的周“{asked}”还没有到，没有可查看或汇总的内容")
        }
        Why::Rule(Rule::WeekAhead) => {
            format!("The week in the address, “{asked}”, has not come yet: there is nothing to see")
        }
        Why::Rule(Rule::WeekBeforeLedger { first }) if zh => format!(
            "网址中的周“{asked}”早于本单位第一次巡视巡察反馈的那一周（{}起），没有可查看或汇总的内容",
            zh_day(*first)
        ),
        Why::Rule(Rule::WeekBeforeLedger { first }) => format!(
            "The week in the address, “{asked}”, is before the week of the first inspection's feedback ({first}): there is nothing to see"
        ),
        _ if zh => format!("网址中的周“{asked}”不是日期（应为“年-月-日”，例如 2024-03-15）"),
        _ => format!(
            "The week in the address, “{asked}”, is not a date (YYYY-MM-DD, e.g. 2024-03-15)"
        ),
    };
    if zh {
        format!("{what}。请打开本周的周报，再用“上一周”翻到要看的周。")
    } else {
        format!(
            "{what}. Open this week's page and go back with “Previous week” to the week you want."
        )
    }
}

/// A year given in the calendar page's address that does not read or is outside the
/// years dates may have: the address is named, and the way on is this year's page.
pub fn address_year(lang: Lang, asked: &str) -> String {
    let (from, to) = (YEARS.start(), YEARS.end());
    match lang {
        Lang::Zh => format!(
            "网址中的年份“{asked}”不是{from}至{to}年之间的年份。请打开今年的工作日历，再从年份列表中选择要看的一年。"
        ),
        Lang::En => format!(
            "The year in the address, “{asked}”, is not a year from {from} to {to}. Open this year's calendar and pick the year you want from the list."
        ),
    }
}
