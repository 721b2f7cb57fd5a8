//! 会议情况报告 — the report on a democratic life meeting to the upper level (D19): how
//! it was prepared (opinions solicited and fed back, talks, self-examinations), how it
//! went (who chaired and attended, self-criticism and criticism heard, the upper level's
//! remarks), the problems it named with their measures, and that they have joined the
//! rectification ledger. Counts, not the opinions' words: those were given in trust.

use zhenggai_domain::meeting::MeetingState;
use zhenggai_storage::meetings::view::MeetingView;

use crate::official::{Block, Document, Header};
use crate::wording::day as zh_date;

/// The report's title.
pub fn meeting_title(org: &str, topic: &str) -> String {
    format!("{org}关于召开{topic}情况的报告")
}

/// The report of meeting `m` as of its record, dated `date` by `header`.
pub fn meeting_report(m: &MeetingView, header: &Header) -> Document {
    let mut body = Vec::new();
    let c = &m.counts;
    let names: Vec<&str> = m.members.iter().map(|x| x.name.as_str()).collect();
    let held = m.state != MeetingState::Preparing;
    body.push(Block::Paragraph(if held {
        format!(
            "按照上级党组织的部署，{}领导班子于{}召开{}。现将有关情况报告如下。",
            m.org,
            zh_date(m.held_on),
            m.topic
        )
    } else {
        format!(
            "按照上级党组织的部署，{}领导班子拟于{}召开{}。现将会前准备情况报告如下。",
            m.org,
            zh_date(m.held_on),
            m.topic
        )
    }));
    body.push(Block::Heading("一、会前准备情况".into()));
    body.push(Block::Paragraph(format!(
        "广泛征求意见。{}至{}通过意见箱、来信、座谈会和意见邮箱征求意见建议，共收到意见{}条（意见箱{}条，其他渠道{}条，重复意见已合并）。经梳理归纳，向班子和班子成员反馈{}条，班子成员已逐条阅知{}条。",
        zh_date(m.box_opens_on),
        zh_date(m.box_closes_on),
        c.total,
        c.by_box,
        c.by_other,
        c.fed_back,
        c.acknowledged
    )));
    body.push(Block::Paragraph(format!(
        "深入谈心谈话。班子成员之间、班子成员与分管部门负责人之间开展谈心谈话{}人次。",
        c.talks
    )));
    body.push(Block::Paragraph(format!(
        "认真撰写对照检查材料。班子和班子成员共撰写对照检查材料{}份，其中已定稿{}份。",
        c.materials, c.materials_final
    )));
    body.push(Block::Heading("二、会议召开情况".into()));
    if !held {
        body.push(Block::Paragraph(format!(
            "会议定于{}召开，由{}同志主持。",
            zh_date(m.held_on),
            m.chair
        )));
    }
    let mut went = format!(
        "会议由{}同志主持，班子成员{}同志参加",
        m.chair,
        names.join("、")
    );
    if let Some(a) = m.attendees.as_deref().filter(|a| !a.trim().is_empty()) {
        went.push_str(&format!("，{a}到会指导"));
    }
    if let Some(place) = m.place.as_deref().filter(|p| !p.trim().is_empty()) {
        went.push_str(&format!("，会议地点{place}"));
    }
    went.push_str(&format!(
        "。班子成员逐一作对照检查，开展自我批评{}人次、相互批评{}条。",
        c.self_criticisms, c.criticisms
    ));
    if held {
        body.push(Block::Paragraph(went));
    }
    for r in m
        .remarks
        .iter()
        .filter(|r| r.kind == zhenggai_domain::meeting::RemarkKind::UpperRemarks)
    {
        let who = r.speaker.as_deref().unwrap_or("上级党组织");
        body.push(Block::Paragraph(format!(
            "{who}点评指出：{}",
            r.points.trim()
        )));
    }
    body.push(Block::Heading("三、查摆的问题和整改措施".into()));
    if m.findings.is_empty() {
        body.push(Block::Paragraph("会议未列出需纳入整改台账的问题。".into()));
    } else {
        body.push(Block::Paragraph(format!(
            "会议共查摆问题{}个，逐项制定整改措施，明确整改时限。",
            m.findings.len()
        )));
        let rows = m
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                vec![
                    (i + 1).to_string(),
                    f.member.clone().unwrap_or_else(|| "领导班子".into()),
                    f.problem.clone(),
                    f.measure.clone(),
                    f.deadline.clone(),
                ]
            })
            .collect();
        body.push(Block::Table {
            columns: vec![
                ("序号".into(), 3),
                ("责任人".into(), 6),
                ("问题".into(), 14),
                ("整改措施".into(), 16),
                ("时限".into(), 7),
            ],
            rows,
        });
    }
    body.push(Block::Heading("四、下一步工作".into()));
    body.push(Block::Paragraph(if m.inspection_id.is_some() {
        "会议查摆的问题已全部纳入整改台账，实行挂号销号管理，明确责任领导和完成时限，定期报告整改进展，整改完成后按程序销号，确保件件有着落、事事有回音。".into()
    } else {
        "会后将把查摆的问题纳入整改台账，实行挂号销号管理，明确责任领导和完成时限，定期报告整改进展，确保件件有着落、事事有回音。".into()
    }));
    body.push(Block::Paragraph("特此报告。".into()));
    Document {
        header: header.clone(),
        title: meeting_title(&m.org, &m.topic),
        body,
    }
}
