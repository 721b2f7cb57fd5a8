//! The documents themselves: what each says, in which order, from what storage read.
//! Every figure comes from the statistics module (`storage::statistics::Figures`) as of
//! the chosen day, so a document never disagrees with the battle map or the API.

use chrono::{Datelike, NaiveDate};
use zhenggai_domain::escalation::NoticeKind;
use zhenggai_domain::statistics::ProblemStanding;
use zhenggai_storage::ledger::notices::Notice;
use zhenggai_storage::ledger::supervision::Round;
use zhenggai_storage::statistics::{Figures, ProblemText, ReportLedger};

use crate::official::{Block, Document, Header};
use crate::wording::{self, by_form, day, numeral, overall_figures, percent, standing};

/// The documents an inspection's office generates for a chosen day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 整改落实情况报告: the final report to the upper level.
    Final,
    /// 整改情况公开: the public notice.
    Public,
    /// 一周一汇总: the weekly summary.
    Weekly,
    /// 督查通报: the monthly circular from the supervision rounds.
    Monthly,
}

impl Kind {
    /// Every kind, in the order the page offers them.
    pub const ALL: [Kind; 4] = [Kind::Final, Kind::Public, Kind::Weekly, Kind::Monthly];

    /// Its code in addresses and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Final => "final",
            Kind::Public => "public",
            Kind::Weekly => "weekly",
            Kind::Monthly => "monthly",
        }
    }

    /// The kind of a code.
    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The final report's title: 某某关于某巡察反馈问题整改落实情况的报告.
pub fn final_title(org: &str, inspection: &str) -> String {
    format!("{org}关于{inspection}反馈问题整改落实情况的报告")
}

/// The public notice's title.
pub fn public_title(org: &str, inspection: &str) -> String {
    format!("{org}关于{inspection}整改进展情况的通报")
}

/// The monthly circular's title: 某某整改工作督查通报（2024年第5期）.
pub fn monthly_title(org: &str, month: NaiveDate) -> String {
    format!(
        "{org}整改工作督查通报（{}年第{}期）",
        month.year(),
        month.month()
    )
}

/// A document's file name: its title and the day, as `.docx`. Characters a file system
/// refuses are replaced.
pub fn file_name(title: &str, as_of: NaiveDate) -> String {
    format!("{}-{as_of}.docx", file_stem(title))
}

/// A title as a file name's stem: the characters a file system refuses replaced.
pub fn file_stem(title: &str) -> String {
    title
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect()
}

/// Text as a sentence: ending in a full stop unless it ends in punctuation already.
fn sentence(text: &str) -> String {
    let text = text.trim();
    match text.chars().last() {
        Some('。' | '！' | '？' | '；' | '.' | '”') | None => text.to_string(),
        Some(_) => format!("{text}。"),
    }
}

/// Measures in one paragraph: "（1）…（牵头单位：…；整改时限：…）；（2）…。"
fn measures_line(p: &ProblemText) -> Option<String> {
    if p.measures.is_empty() {
        return None;
    }
    let parts: Vec<String> = p
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| {
            format!(
                "（{}）{}（牵头单位：{}；整改时限：{}）",
                i + 1,
                m.content.trim().trim_end_matches(['。', '；']),
                m.lead_unit,
                m.deadline
            )
        })
        .collect();
    Some(format!("整改措施：{}。", parts.join("；")))
}

/// What was done, from the progress recorded: one paragraph a measure with progress.
fn progress_lines(p: &ProblemText) -> Vec<String> {
    p.measures
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.progress.is_empty())
        .map(|(i, m)| {
            let notes: Vec<String> = m
                .progress
                .iter()
                .map(|(d, text)| format!("{}，{}", day(*d), text.trim().trim_end_matches('。')))
                .collect();
            format!("措施（{}）进展：{}。", i + 1, notes.join("；"))
        })
        .collect()
}

fn evidence_line(p: &ProblemText) -> String {
    if p.evidence.is_empty() {
        return "佐证材料：暂无。".to_string();
    }
    let list: Vec<String> = p
        .evidence
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{}.{}", i + 1, f))
        .collect();
    format!("佐证材料：{}。", list.join("；"))
}

/// 下一步工作: what is left, by standing.
fn next_steps(f: &Figures) -> Vec<Block> {
    let r = &f.rectification;
    let open = r.problems - r.problems_done;
    if r.problems > 0 && open == 0 {
        return vec![Block::Paragraph(
            "反馈问题已全部完成整改。下一步，将适时开展“回头看”，防止问题反弹回潮，巩固拓展整改成果。"
                .to_string(),
        )];
    }
    let mut lines = Vec::new();
    if r.problems_on_schedule > 0 {
        lines.push(format!(
            "对正在按序时进度推进的{}个问题，严格按照整改方案和时限要求推进，确保按期完成。",
            r.problems_on_schedule
        ));
    }
    if r.problems_long_term > 0 {
        lines.push(format!(
            "对需长期坚持的{}个问题，建立健全长效机制，定期跟踪问效，做到常抓不懈。",
            r.problems_long_term
        ));
    }
    if r.problems_overdue > 0 {
        lines.push(format!(
            "对逾期未完成的{}个问题，逐一督办，查明原因，明确最终完成时限，对整改不力的严肃追责问责。",
            r.problems_overdue
        ));
    }
    lines.into_iter().map(Block::Paragraph).collect()
}

/// The final report (整改落实情况报告): the overall figures as offices write them, then
/// problem by problem under its aspect — the problem, its measures, what was done, the
/// outcome and the evidence — and what is left.
pub fn final_report(ledger: &ReportLedger, header: &Header) -> Document {
    let f = &ledger.map.figures;
    let mut body = vec![
        Block::Paragraph(format!(
            "{}反馈意见后，{}对反馈的问题逐条制定整改措施，明确牵头单位、责任领导和整改时限，推进整改落实。现将截至{}的整改落实情况报告如下。",
            ledger.inspection,
            ledger.org_name,
            day(f.as_of)
        )),
        Block::Heading("一、整改工作总体情况".to_string()),
        Block::Paragraph(overall_figures(f)),
    ];
    let r = &f.rectification;
    body.push(Block::Paragraph(format!(
        "问题整改完成率{}；整改措施已完成{}条，完成率{}。",
        percent(r.problems_done_percent()),
        r.measures_done,
        percent(r.measures_done_percent())
    )));
    if let Some(forms) = by_form(&f.results) {
        body.push(Block::Paragraph(format!("{forms}。")));
    }
    body.push(Block::Heading("二、反馈问题整改落实情况".to_string()));
    for (i, aspect) in ledger.aspects.iter().enumerate() {
        body.push(Block::Subheading(format!(
            "（{}）{}",
            numeral(i + 1),
            aspect.title
        )));
        if aspect.problems.is_empty() {
            body.push(Block::Paragraph("本方面暂无问题。".to_string()));
        }
        for p in &aspect.problems {
            body.push(Block::Paragraph(format!(
                "{}.{}（{}）",
                p.ordinal,
                p.title.trim().trim_end_matches('。'),
                standing(p.standing)
            )));
            if let Some(d) = p.description.as_deref().filter(|d| !d.trim().is_empty()) {
                body.push(Block::Paragraph(format!("问题表现：{}", d.trim())));
            }
            if let Some(line) = measures_line(p) {
                body.push(Block::Paragraph(line));
            }
            body.extend(progress_lines(p).into_iter().map(Block::Paragraph));
            let outcome = match p.closure_report.as_deref().map(str::trim) {
                Some(report) if !report.is_empty() => format!("整改成效：{}", sentence(report)),
                _ => format!("整改成效：{}。", standing(p.standing)),
            };
            body.push(Block::Paragraph(outcome));
            body.push(Block::Paragraph(evidence_line(p)));
        }
    }
    body.push(Block::Heading("三、下一步工作".to_string()));
    body.extend(next_steps(f));
    Document {
        header: header.clone(),
        title: final_title(&ledger.org_name, &ledger.inspection),
        body,
    }
}

/// The public notice (整改情况公开): the totals, the completion rate, accountability by
/// form, institutions and money — counting only what the office did not mark 不予公开 —
/// then each problem's outcome by aspect, leaving out the problems it marked.
pub fn public_notice(ledger: &ReportLedger, header: &Header) -> Document {
    let f = &ledger.map.figures;
    let r = &f.rectification;
    let published = &f.published;
    let x = &published.results;
    let mut body = vec![
        Block::Paragraph(format!(
            "按照巡视巡察整改工作要求，现将{}关于{}反馈问题的整改进展情况予以公开，接受干部群众监督。",
            ledger.org_name, ledger.inspection
        )),
        Block::Heading("一、整改总体情况".to_string()),
        Block::Paragraph(format!(
            "截至{}，{}反馈的{}个问题中，已完成整改{}个，正在按序时进度推进{}个，需长期坚持{}个{}，整改完成率{}。",
            day(f.as_of),
            ledger.inspection,
            r.problems,
            r.problems_done,
            r.problems_on_schedule,
            r.problems_long_term,
            if r.problems_overdue > 0 {
                format!("，逾期未完成{}个", r.problems_overdue)
            } else {
                String::new()
            },
            percent(r.problems_done_percent())
        )),
    ];
    let results = wording::results(x);
    body.push(Block::Paragraph(format!(
        "整改中{}。",
        results.trim_start_matches('；')
    )));
    if let Some(forms) = by_form(x) {
        body.push(Block::Paragraph(format!("{forms}。")));
    }
    if x.money_recovered_fen == 0 {
        body.push(Block::Paragraph("本次整改未涉及清退资金。".to_string()));
    }
    body.push(Block::Heading("二、具体问题整改情况".to_string()));
    // Numbered anew: a withheld problem leaves no gap that points at it.
    let mut number = 0;
    for (i, aspect) in ledger
        .aspects
        .iter()
        .filter(|a| a.problems.iter().any(|p| p.public))
        .enumerate()
    {
        body.push(Block::Subheading(format!(
            "（{}）{}",
            numeral(i + 1),
            aspect.title
        )));
        for p in aspect.problems.iter().filter(|p| p.public) {
            let outcome = match (p.standing, p.closure_report.as_deref().map(str::trim)) {
                (ProblemStanding::Done | ProblemStanding::LongTerm, Some(report))
                    if !report.is_empty() =>
                {
                    sentence(report)
                }
                _ => format!("{}。", standing(p.standing)),
            };
            number += 1;
            body.push(Block::Paragraph(format!(
                "{number}.{}。整改情况：{}",
                p.title.trim().trim_end_matches('。'),
                outcome
            )));
        }
    }
    if published.problems_withheld > 0 {
        body.push(Block::Paragraph(format!(
            "另有{}个问题按规定不予公开，其整改情况已按程序报告。",
            published.problems_withheld
        )));
    }
    body.push(Block::Heading("三、欢迎监督".to_string()));
    body.push(Block::Paragraph(format!(
        "欢迎广大干部群众对整改落实情况进行监督。如有意见建议，请通过来信、来访等方式向{}反映。",
        ledger.org_name
    )));
    Document {
        header: header.clone(),
        title: public_title(&ledger.org_name, &ledger.inspection),
        body,
    }
}

/// A first-level heading as offices number them: "一、" … "十、" at the start.
pub fn is_heading(line: &str) -> bool {
    let mut numerals = 0;
    for c in line.chars() {
        if "一二三四五六七八九十".contains(c) {
            numerals += 1;
        } else {
            return numerals > 0 && numerals <= 3 && c == '、';
        }
    }
    false
}

/// Text as blocks, one a non-empty line: "一、" lines as headings, "（一）" lines as
/// second-level ones.
pub fn blocks_of(text: &str) -> Vec<Block> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            if is_heading(l) {
                Block::Heading(l.to_string())
            } else if l.starts_with('（')
                && l.chars()
                    .nth(1)
                    .is_some_and(|c| "一二三四五六七八九十".contains(c))
            {
                Block::Subheading(l.to_string())
            } else {
                Block::Paragraph(l.to_string())
            }
        })
        .collect()
}

/// The weekly summary (一周一汇总): its title and the text as saved (or drafted from the
/// week's reports), in official layout.
pub fn weekly_summary(title: &str, text: &str, header: &Header) -> Document {
    Document {
        header: header.clone(),
        title: title.to_string(),
        body: blocks_of(text),
    }
}

/// The monthly circular (督查通报): the month's supervision rounds and the units each
/// named as slow, the figures at the month's end (or the chosen day), and what the units
/// named are to do.
pub fn monthly_circular(
    org: &str,
    rounds: &[Round],
    figures: &Figures,
    header: &Header,
) -> Document {
    let as_of = figures.as_of;
    let month: Vec<&Round> = rounds
        .iter()
        .filter(|r| {
            r.held_on.year() == as_of.year()
                && r.held_on.month() == as_of.month()
                && r.held_on <= as_of
        })
        .collect();
    let mut body = vec![Block::Paragraph(format!(
        "{}年{}月，整改办对各单位整改落实情况开展督查。现将有关情况通报如下。",
        as_of.year(),
        as_of.month()
    ))];
    body.push(Block::Heading("一、整改总体进展".to_string()));
    body.push(Block::Paragraph(overall_figures(figures)));
    body.push(Block::Heading("二、督查发现的问题".to_string()));
    if month.is_empty() {
        body.push(Block::Paragraph("本月未开展督查。".to_string()));
    }
    let mut slow: Vec<String> = Vec::new();
    for (i, round) in month.iter().enumerate() {
        body.push(Block::Subheading(format!(
            "（{}）{}（{}）",
            numeral(i + 1),
            round.title,
            day(round.held_on)
        )));
        if round.findings.is_empty() {
            body.push(Block::Paragraph("本轮督查未发现问题。".to_string()));
        }
        for (k, finding) in round.findings.iter().enumerate() {
            body.push(Block::Paragraph(format!(
                "{}.{}：{}{}",
                k + 1,
                finding.unit,
                finding.finding.trim(),
                if finding.slow {
                    "（进度滞后，予以通报）"
                } else {
                    ""
                }
            )));
            if finding.slow && !slow.contains(&finding.unit) {
                slow.push(finding.unit.clone());
            }
        }
    }
    body.push(Block::Heading("三、有关要求".to_string()));
    if slow.is_empty() {
        body.push(Block::Paragraph(
            "各单位要对照督查发现的问题，举一反三，持续推进整改落实。".to_string(),
        ));
    } else {
        body.push(Block::Paragraph(format!(
            "对整改进度滞后的{}予以通报。被通报单位要认真对照问题，限期整改到位，并将整改情况报整改办。",
            slow.join("、")
        )));
    }
    Document {
        header: header.clone(),
        title: monthly_title(org, as_of),
        body,
    }
}

/// A 督办 notice's title: 督办通知书, 提醒书, 告诫书, 问责建议书.
pub fn notice_title(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Supervision => "督办通知书",
        NoticeKind::Reminder => "提醒书",
        NoticeKind::Admonition => "告诫书",
        NoticeKind::Accountability => "问责建议书",
    }
}

/// A 督办 notice as issued: its number, the lead unit it goes to (and its leader in
/// charge), what it says, the measure and its deadline, and a 告诫书's final deadline.
pub fn escalation_notice(
    notice: &Notice,
    measure: &str,
    deadline: &str,
    lead_unit: &str,
    leader: Option<&str>,
    org: &str,
) -> Document {
    let mut body = vec![Block::Paragraph(notice.content.trim().to_string())];
    body.push(Block::Paragraph(format!("整改措施：{}", measure.trim())));
    body.push(Block::Paragraph(format!("整改时限：{deadline}")));
    if let Some(d) = notice.final_deadline {
        body.push(Block::Paragraph(format!("最终完成时限：{}", day(d))));
    }
    Document {
        header: Header {
            issuer: format!("{org}巡察整改办公室"),
            number: notice.number.clone(),
            to: match leader {
                Some(leader) => format!("{lead_unit}（责任领导：{leader}）"),
                None => lead_unit.to_string(),
            },
            date: Some(notice.issued_on),
            ..Header::default()
        },
        title: notice_title(notice.kind).to_string(),
        body,
    }
}
