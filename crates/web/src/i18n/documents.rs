//! The fixed lines of the documents zhenggai writes for offices to hand on: the ledger's
//! `.xlsx` (整改台账), the weekly summary's `.docx` (周汇总) and the draft of a 督办
//! notice. They are official documents in Chinese whatever the reader's language, so
//! each line has its Chinese only; the spreadsheet crate lays them out and is handed
//! the words.

use chrono::NaiveDate;
use zhenggai_domain::status::Standing;

use super::zh_day;

/// The ledger's title row: 某某巡察整改台账.
pub fn ledger_title(inspection: &str) -> String {
    format!("{inspection}整改台账")
}

/// The ledger's date line: as of the day, with the audit code that proves the trail
/// reached this state (审计校验码).
pub fn ledger_as_of(today: NaiveDate, audit_code: &str) -> String {
    format!("截至{}　审计校验码：{audit_code}", zh_day(today))
}

/// The ledger's file name.
pub fn ledger_file_name(inspection: &str) -> String {
    format!("{}.xlsx", ledger_title(inspection))
}

/// The weekly summary's title: the organisation and the week, Monday to Sunday.
pub fn weekly_summary_title(org: &str, monday: NaiveDate) -> String {
    let sunday = monday + chrono::Duration::days(6);
    format!(
        "{org}整改工作周汇总（{}—{}）",
        zh_day(monday),
        sunday.format("%-m月%-d日")
    )
}

/// The weekly summary's file name: the organisation and the week's Monday.
pub fn weekly_summary_file_name(org: &str, monday: NaiveDate) -> String {
    format!("{org}整改工作周汇总-{monday}.docx")
}

/// The name of the audit code on the last row of the audit trail's CSV, in both
/// languages whatever the page's: the file is handed on, and whoever checks it finds
/// the code by this name.
pub const CSV_AUDIT_CODE: &str = "审计校验码 / audit code";

/// The draft of a 督办 notice the office may issue on a lagging measure: the measure, its
/// deadline as written, how late it is, and what the lead unit is to do. The office
/// edits it before issuing.
pub fn notice_draft(measure: &str, deadline: &str, standing: Standing) -> String {
    let lag = match standing {
        Standing::Overdue { days } => format!("已逾期{days}天"),
        _ => "进度滞后".to_string(),
    };
    format!(
        "你单位牵头的整改措施“{measure}”（整改时限：{deadline}）{lag}。请认真落实整改责任，加快推进，并于收到本通知后及时报告整改进展。"
    )
}

/// The overall figures as offices write them in reports (整改落实情况报告): "截至…，共反馈
/// xx个方面xx项xx个问题，制定整改措施xx条；已完成整改xx个，正在按序时进度推进xx个，需长期
/// 坚持xx个；制定完善制度xx项；问责xx人；清退资金xx万元。" The 项 level only where the
/// ledger uses it; overdue problems, units held accountable and money only where there
/// are any.
pub fn overall_figures(f: &zhenggai_storage::statistics::Figures) -> String {
    let r = &f.rectification;
    let items = if f.items > 0 {
        format!("{}项", f.items)
    } else {
        String::new()
    };
    let mut text = format!(
        "截至{}，共反馈{}个方面{items}{}个问题，制定整改措施{}条；已完成整改{}个，正在按序时进度推进{}个，需长期坚持{}个",
        zh_day(f.as_of),
        f.aspects,
        r.problems,
        r.measures,
        r.problems_done,
        r.problems_on_schedule,
        r.problems_long_term,
    );
    if r.problems_overdue > 0 {
        text.push_str(&format!("，逾期未完成{}个", r.problems_overdue));
    }
    let x = &f.results;
    text.push_str(&format!(
        "；制定完善制度{}项；问责{}人",
        x.institutions, x.people_held_accountable
    ));
    if x.units_held_accountable > 0 {
        text.push_str(&format!("、单位{}个", x.units_held_accountable));
    }
    if x.money_recovered_fen != 0 {
        text.push_str(&format!(
            "；清退资金{}万元",
            zhenggai_domain::outcomes::format_wan(x.money_recovered_fen)
        ));
    }
    text.push('。');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines as offices have been handed them (byte for byte: a changed title is a
    /// changed document).
    #[test]
    fn the_lines_read_as_before() {
        let day = NaiveDate::from_ymd_opt(2024, 4, 22).unwrap_or_default();
        assert_eq!(ledger_title("市委第一巡察组"), "市委第一巡察组整改台账");
        assert_eq!(
            ledger_file_name("市委第一巡察组"),
            "市委第一巡察组整改台账.xlsx"
        );
        assert_eq!(
            ledger_as_of(day, "12-ab"),
            "截至2024年4月22日　审计校验码：12-ab"
        );
        assert_eq!(
            weekly_summary_title("某市", day),
            "某市整改工作周汇总（2024年4月22日—4月28日）"
        );
        assert_eq!(
            weekly_summary_file_name("某市", day),
            "某市整改工作周汇总-2024-04-22.docx"
        );
        assert_eq!(
            notice_draft("公车管理", "2024年6月底前", Standing::Overdue { days: 3 }),
            "你单位牵头的整改措施“公车管理”（整改时限：2024年6月底前）已逾期3天。请认真落实整改责任，加快推进，并于收到本通知后及时报告整改进展。"
        );
    }
}
