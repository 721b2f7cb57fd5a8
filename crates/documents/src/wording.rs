//! The fixed words of the documents: dates, figures and standings as offices write
//! them. Official documents are Chinese whatever the reader's page language.

use chrono::NaiveDate;
use zhenggai_domain::outcomes::format_wan;
use zhenggai_domain::statistics::ProblemStanding;
use zhenggai_domain::status::Standing;
use zhenggai_storage::statistics::{Figures, Results};

/// A day as documents write it: 2024年4月22日.
pub fn day(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// A percentage with one decimal, without a trailing ".0": 14.8%, 50%.
pub fn percent(value: Option<f64>) -> String {
    match value {
        None => "0%".to_string(),
        Some(v) if v.fract() == 0.0 => format!("{v:.0}%"),
        Some(v) => format!("{v:.1}%"),
    }
}

/// The overall figures in the one sentence every report opens with: "截至…，共反馈xx个
/// 方面xx项xx个问题，制定整改措施xx条；已完成整改xx个，正在按序时进度推进xx个，需长期坚
/// 持xx个；制定完善制度xx项；问责xx人；清退资金xx万元。"
pub fn overall_figures(f: &Figures) -> String {
    let r = &f.rectification;
    let items = if f.items > 0 {
        format!("{}项", f.items)
    } else {
        String::new()
    };
    let mut text = format!(
        "截至{}，共反馈{}个方面{items}{}个问题，制定整改措施{}条；已完成整改{}个，正在按序时进度推进{}个，需长期坚持{}个",
        day(f.as_of),
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
    text.push_str(&results(&f.results));
    let p = &f.petitions;
    if p.petitions > 0 {
        text.push_str(&format!(
            "；办理移交信访件{}件，已办结{}件",
            p.petitions, p.petitions_concluded
        ));
        if p.petitions_handling > 0 {
            text.push_str(&format!("，正在办理{}件", p.petitions_handling));
        }
    }
    text.push('。');
    text
}

/// "；制定完善制度xx项；问责xx人、单位xx个；清退资金xx万元" — what rectification produced.
pub fn results(x: &Results) -> String {
    let mut text = format!(
        "；制定完善制度{}项；问责{}人",
        x.institutions, x.people_held_accountable
    );
    if x.units_held_accountable > 0 {
        text.push_str(&format!("、单位{}个", x.units_held_accountable));
    }
    if x.money_recovered_fen != 0 {
        text.push_str(&format!(
            "；清退资金{}万元",
            format_wan(x.money_recovered_fen)
        ));
    }
    text
}

/// Accountability by the four forms (四种形态), the forms with none left out: "运用第一
/// 种形态处理2人次、第二种形态处理1人次".
pub fn by_form(x: &Results) -> Option<String> {
    let f = &x.accountability_by_form;
    let parts: Vec<String> = [
        ("第一种形态", f.first),
        ("第二种形态", f.second),
        ("第三种形态", f.third),
        ("第四种形态", f.fourth),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(form, n)| format!("{form}{n}人次"))
    .collect();
    (!parts.is_empty()).then(|| format!("运用监督执纪{}", parts.join("、")))
}

/// A problem's standing as a report writes it.
pub fn standing(s: ProblemStanding) -> &'static str {
    match s {
        ProblemStanding::Done => "已完成整改",
        ProblemStanding::OnSchedule => "正在按序时进度推进",
        ProblemStanding::LongTerm => "需长期坚持",
        ProblemStanding::Overdue => "逾期未完成",
    }
}

/// Chinese numerals for headings: 一 … 九十九.
pub fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".to_string(),
        1..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// The ledger's title row: 某某巡察整改台账.
pub fn ledger_title(inspection: &str) -> String {
    format!("{inspection}整改台账")
}

/// The ledger's date line: as of the day, with the audit code that proves the trail
/// reached this state (审计校验码).
pub fn ledger_as_of(today: NaiveDate, audit_code: &str) -> String {
    format!("截至{}　审计校验码：{audit_code}", day(today))
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
        day(monday),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_read_as_headings_write_them() {
        let got: Vec<String> = [1, 9, 10, 11, 19, 20, 21, 99, 100]
            .iter()
            .map(|n| numeral(*n))
            .collect();
        assert_eq!(
            got,
            [
                "一",
                "九",
                "十",
                "十一",
                "十九",
                "二十",
                "二十一",
                "九十九",
                "100"
            ]
        );
    }

    #[test]
    fn percentages_drop_a_trailing_zero() {
        assert_eq!(percent(Some(14.8)), "14.8%");
        assert_eq!(percent(Some(50.0)), "50%");
        assert_eq!(percent(None), "0%");
    }

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
