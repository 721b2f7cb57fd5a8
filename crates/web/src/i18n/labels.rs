//! The name of every domain value people see, in each language: one place for each
//! enum's labels (the domain names its values by code only). Each is an exhaustive
//! `match`, so a variant added to the domain does not compile until it has its words.

use chrono::Weekday;
use zhenggai_domain::Role;
use zhenggai_domain::deadline::{DeadlineKind, Precision};
use zhenggai_domain::escalation::NoticeKind;
use zhenggai_domain::inspection::InspectionKind;
use zhenggai_domain::lifecycle::{Party, ProblemState};
use zhenggai_domain::meeting::{
    MaterialState, MeetingState, OpinionCategory, OpinionChannel, OpinionState, RemarkKind,
};
use zhenggai_domain::outcomes::{AccountabilityForm, InstitutionChange};
use zhenggai_domain::reminder::RobotKind;
use zhenggai_domain::schedule::NodeKind;
use zhenggai_domain::status::ReportedStatus;
use zhenggai_domain::warning::{Colour, Recipient};
use zhenggai_domain::weekly::ReportStatus;
use zhenggai_spreadsheet::layout::Field;
use zhenggai_storage::meetings::public_box::ReceiptStanding;

/// A domain value with a name in each language (through any number of references,
/// as templates hand them over).
pub trait Labelled {
    /// Its Chinese name.
    fn zh(&self) -> &'static str;
    /// Its English name.
    fn en(&self) -> &'static str;
}

impl<T: Labelled + ?Sized> Labelled for &T {
    fn zh(&self) -> &'static str {
        (**self).zh()
    }
    fn en(&self) -> &'static str {
        (**self).en()
    }
}

/// Writes `impl Labelled` from one `match` arm per variant: `Variant => "中文", "English"`.
macro_rules! labels {
    ($($t:ty { $($variant:path => $zh:literal, $en:literal;)+ })+) => {$(
        impl Labelled for $t {
            fn zh(&self) -> &'static str {
                match self {
                    $($variant => $zh,)+
                }
            }
            fn en(&self) -> &'static str {
                match self {
                    $($variant => $en,)+
                }
            }
        }
    )+};
}

labels! {
    InspectionKind {
        InspectionKind::Xunshi => "巡视", "Inspection tour";
        InspectionKind::Xuncha => "巡察", "Circuit inspection";
        InspectionKind::Audit => "审计", "Audit";
        InspectionKind::Supervision => "督查", "Supervision";
        InspectionKind::SelfInspection => "自查", "Self-inspection";
        InspectionKind::DemocraticMeeting => "民主生活会", "Democratic life meeting";
        InspectionKind::Other => "其他", "Other";
    }
    DeadlineKind {
        DeadlineKind::Immediate => "立行立改", "Immediate";
        DeadlineKind::Dated => "限期", "By a date";
        DeadlineKind::LongTerm => "长期坚持", "Long-term";
    }
    Precision {
        Precision::Day => "精确到日", "to the day";
        Precision::Xun => "精确到旬", "to the ten-day period";
        Precision::Month => "精确到月", "to the month";
        Precision::Quarter => "精确到季度", "to the quarter";
        Precision::Year => "精确到年", "to the year";
    }
    Role {
        Role::Office => "整改办", "Rectification office";
        Role::Leader => "责任领导", "Responsible leader";
        Role::Unit => "责任单位", "Responsible unit";
        Role::Supervisor => "纪检监督", "Discipline supervisor";
        Role::Upper => "上级巡察办", "Upper-level office";
        Role::SysAdmin => "系统管理员", "System administrator";
        Role::SecAdmin => "安全管理员", "Security administrator";
        Role::AuditAdmin => "审计管理员", "Audit administrator";
        Role::Unassigned => "未分配角色", "No role yet";
    }
    ProblemState {
        ProblemState::Registered => "已挂号", "Registered";
        ProblemState::Disputed => "有异议", "Disputed";
        ProblemState::Claimed => "已认领", "Claimed";
        ProblemState::PlanSubmitted => "方案待审定", "Plan submitted";
        ProblemState::PlanSigned => "领导已审定", "Plan signed off";
        ProblemState::PlanCompiled => "整改办已汇总", "Plan compiled";
        ProblemState::InProgress => "整改中", "In progress";
        ProblemState::LongTermReview => "阶段性销号·长期坚持", "Phase closed, long-term review";
        ProblemState::ClosureRequested => "销号待领导签字", "Closure requested";
        ProblemState::ClosureSigned => "销号待整改办审核", "Closure signed off";
        ProblemState::Closed => "已销号", "Closed";
        ProblemState::Consolidated => "已巩固", "Consolidated";
    }
    Party {
        Party::InspectionOffice => "巡察办", "Inspection office";
        Party::InspectionGroup => "巡察组", "Inspection group";
        Party::InspectedUnit => "被巡察单位", "Inspected unit";
    }
    AccountabilityForm {
        AccountabilityForm::First => "第一种形态（批评教育、谈话提醒）", "First form (criticism, reminder talk)";
        AccountabilityForm::Second => "第二种形态（轻处分、组织调整）", "Second form (light sanction, reassignment)";
        AccountabilityForm::Third => "第三种形态（重处分、重大职务调整）", "Third form (heavy sanction, major demotion)";
        AccountabilityForm::Fourth => "第四种形态（立案审查）", "Fourth form (case investigation)";
    }
    InstitutionChange {
        InstitutionChange::Made => "制定", "Made";
        InstitutionChange::Revised => "修订", "Revised";
        InstitutionChange::Abolished => "废止", "Abolished";
    }
    MeetingState {
        MeetingState::Preparing => "会前准备", "Preparing";
        MeetingState::Held => "已召开", "Held";
        MeetingState::Closed => "问题已纳入整改", "Problems in the ledger";
    }
    OpinionChannel {
        OpinionChannel::Box => "意见箱", "Opinion box";
        OpinionChannel::Letter => "来信", "Letter";
        OpinionChannel::Forum => "座谈会", "Forum";
        OpinionChannel::Mailbox => "意见邮箱", "Mailbox";
    }
    OpinionCategory {
        OpinionCategory::Political => "政治建设", "Political";
        OpinionCategory::Ideological => "思想理论", "Ideological";
        OpinionCategory::Work => "担当作为", "Taking responsibility";
        OpinionCategory::Style => "工作作风", "Style of work";
        OpinionCategory::Integrity => "廉洁自律", "Integrity";
        OpinionCategory::Other => "其他", "Other";
    }
    OpinionState {
        OpinionState::New => "待梳理", "To sort";
        OpinionState::Sorted => "已反馈", "Fed back";
        OpinionState::Acknowledged => "已阅知", "Acknowledged";
        OpinionState::Merged => "已合并", "Merged";
    }
    MaterialState {
        MaterialState::Draft => "起草中", "Draft";
        MaterialState::Final => "已定稿", "Final";
    }
    RemarkKind {
        RemarkKind::SelfCriticism => "自我批评", "Self-criticism";
        RemarkKind::Criticism => "相互批评", "Criticism";
        RemarkKind::UpperRemarks => "上级点评", "Upper level's remarks";
    }
    ReceiptStanding {
        ReceiptStanding::InBox => "已收到，在意见箱中等待开箱", "Received; in the box, waiting to be opened";
        ReceiptStanding::Opened => "已开箱，正在梳理", "Opened; being sorted";
        ReceiptStanding::FedBack => "已梳理并反馈", "Sorted and fed back";
        ReceiptStanding::Acknowledged => "已反馈，本人已阅知", "Fed back and acknowledged";
        ReceiptStanding::Merged => "与内容相同的意见合并处理", "Handled with an opinion saying the same";
    }
    ReportStatus {
        ReportStatus::OnTime => "按时报送", "On time";
        ReportStatus::Late => "逾时报送", "Late";
        ReportStatus::Missing => "未报送", "Missing";
        ReportStatus::Pending => "待报送", "Not yet due";
    }
    NodeKind {
        NodeKind::Feedback => "巡察反馈", "Feedback";
        NodeKind::PlanDue => "报送整改方案", "Plan due";
        NodeKind::ConcentratedEnd => "集中整改期结束", "Concentrated phase ends";
        NodeKind::UnitsSubmit => "各责任单位报送整改情况", "Units submit their results";
        NodeKind::OfficeDraft => "整改办形成报告初稿、开始预审", "Office drafts the report; pre-review opens";
        NodeKind::ReportDue => "完成整改、报送整改报告", "Rectification complete; report due";
    }
    NoticeKind {
        NoticeKind::Supervision => "督办通知书", "Supervision notice";
        NoticeKind::Reminder => "提醒书", "Reminder";
        NoticeKind::Admonition => "告诫书", "Admonition";
        NoticeKind::Accountability => "问责建议", "Accountability proposal";
    }
    ReportedStatus {
        ReportedStatus::NotStarted => "未启动", "Not started";
        ReportedStatus::Ongoing => "正在推进", "Under way";
        ReportedStatus::LongTerm => "长期坚持", "Kept up long-term";
        ReportedStatus::Done => "已完成", "Done";
    }
    RobotKind {
        RobotKind::Wecom => "企业微信群机器人", "WeCom group robot";
        RobotKind::Dingtalk => "钉钉群机器人", "DingTalk group robot";
        RobotKind::Feishu => "飞书群机器人", "Feishu group robot";
    }
    Colour {
        Colour::Green => "绿色预警", "Green";
        Colour::Yellow => "黄色预警", "Yellow";
        Colour::Red => "红色预警", "Red";
    }
    Recipient {
        Recipient::Handler => "责任单位", "Lead unit";
        Recipient::LeaderInCharge => "分管领导", "Leader in charge";
        Recipient::Secretary => "党委书记", "Party secretary";
    }
    Weekday {
        Weekday::Mon => "周一", "Monday";
        Weekday::Tue => "周二", "Tuesday";
        Weekday::Wed => "周三", "Wednesday";
        Weekday::Thu => "周四", "Thursday";
        Weekday::Fri => "周五", "Friday";
        Weekday::Sat => "周六", "Saturday";
        Weekday::Sun => "周日", "Sunday";
    }
}

/// A column of the ledger's workbook: its Chinese name is the spreadsheet's own header
/// word (the one an import matches and the export writes), so the spreadsheet crate
/// keeps both of its names beside its table of header words.
impl Labelled for Field {
    fn zh(&self) -> &'static str {
        self.label_zh()
    }
    fn en(&self) -> &'static str {
        self.label_en()
    }
}

#[cfg(test)]
mod tests {
    use zhenggai_domain::code::Code;

    use super::*;

    /// Every value of a coded enum, with its code.
    fn all<T: Code + Labelled>() -> Vec<(String, &'static str, &'static str)> {
        T::all()
            .iter()
            .map(|v| (format!("{}::{}", T::KIND, v.as_code()), v.zh(), v.en()))
            .collect()
    }

    /// Every label has its words in both languages, the Chinese with no Latin letter
    /// (a Chinese page shows no English), and no two values of an enum share a name.
    #[test]
    fn every_label_has_its_words() {
        let weekdays: Vec<_> = zhenggai_domain::weekly::WEEKDAYS
            .iter()
            .map(|d| (format!("Weekday::{d}"), d.zh(), d.en()))
            .collect();
        let enums = [
            all::<InspectionKind>(),
            all::<DeadlineKind>(),
            all::<Precision>(),
            all::<Role>(),
            all::<ProblemState>(),
            all::<Party>(),
            all::<AccountabilityForm>(),
            all::<InstitutionChange>(),
            all::<ReportStatus>(),
            all::<NodeKind>(),
            all::<NoticeKind>(),
            all::<ReportedStatus>(),
            all::<RobotKind>(),
            all::<Colour>(),
            all::<Recipient>(),
            all::<Field>(),
            weekdays,
        ];
        for labels in enums {
            for (i, (what, zh, en)) in labels.iter().enumerate() {
                assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{what}");
                assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{what}: {zh}");
                assert!(en.is_ascii(), "{what}: {en}");
                for (other, zh2, en2) in &labels[i + 1..] {
                    assert!(zh != zh2 && en != en2, "{what} and {other}");
                }
            }
        }
    }
}
