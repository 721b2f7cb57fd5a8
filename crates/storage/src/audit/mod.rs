//! The audit trail (D21): every change to a record appends one entry — who, when,
//! what, the record before and after — in the transaction of the change itself.
//!
//! Records are kept whole as JSON snapshots of their row, so that any version can be
//! compared with any other, and a concurrent edit can be answered with what changed.
//!
//! The trail is a hash chain (SM3, GB/T 32905): each entry's hash covers the hash of the
//! entry before it and the entry's content, so an entry changed, removed or reordered
//! breaks the chain, and a business row changed or removed behind the system's back no
//! longer matches its latest entry (`verify`). Entries wait in the transaction and are
//! appended at commit ([`chain::append`]).
//!
//! Its parts: [`hash`] (what an entry's hash and seal cover), [`key`] (the audit key),
//! [`chain`] (appending entries to the chains at commit, the keying marker),
//! [`write`] (recording the changes of a transaction), [`batch`] (an import's rows in
//! its one entry, by their digests), [`versions`] (updates that
//! carry the version the writer read, conflicts, withdrawal), [`trail`] (reading the
//! trail), [`rewind`] (rows as they stood at a past instant), [`checkpoint`] (the
//! trail's end, pinned outside) and [`verify`].

pub mod batch;
pub mod chain;
pub mod checkpoint;
pub mod hash;
pub mod key;
pub mod rewind;
pub mod trail;
pub mod verify;
pub mod versions;
pub mod write;

use chrono::{DateTime, Utc};
use zhenggai_domain::UserId;

/// A table whose rows the trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// 单位.
    Unit,
    /// 用户.
    User,
    /// API token.
    ApiToken,
    /// 巡察.
    Inspection,
    /// 方面.
    Aspect,
    /// 项.
    Item,
    /// 问题.
    Problem,
    /// 措施.
    Measure,
    /// 配合单位 of a measure.
    MeasureUnit,
    /// 进展.
    Progress,
    /// 附件.
    Attachment,
    /// A lifecycle step (认领, 审定, 销号 …).
    ProblemEvent,
    /// 问责.
    Accountability,
    /// 制度.
    Institution,
    /// 清退 / 追缴.
    Recovery,
    /// An outcome's link to a problem or measure.
    OutcomeLink,
    /// 回头看 round.
    LookbackRound,
    /// A problem in a look-back round, and its decision.
    LookbackItem,
    /// 延期申请 and its decision.
    ExtensionRequest,
    /// An organisation's 销号 rules.
    ClosureRules,
    /// 三方验收, 满意度测评 or 公示 recorded for a closure.
    ClosureCheck,
    /// A file sent with a lifecycle step.
    EventFile,
    /// A ledger imported from a spreadsheet.
    Import,
    /// A year of the working-day calendar, added or corrected by an administrator.
    CalendarYear,
    /// An organisation's 三色预警 rules.
    WarningRules,
    /// A 督办 notice issued on a measure.
    EscalationNotice,
    /// An organisation's weekly report rule.
    WeeklyRule,
    /// A unit's weekly report.
    WeeklyReport,
    /// A 督查 round.
    SupervisionRound,
    /// What a round found at a unit.
    RoundFinding,
    /// A leading group's progress hearing.
    Hearing,
    /// An organisation's reminder channels (e-mail, group-chat robot).
    OrgChannels,
    /// A person's e-mail address and whether they want reminders by e-mail.
    UserChannels,
    /// 阶段目标 of a long measure.
    Milestone,
    /// A header word an organisation taught the import (表头同义词).
    HeaderWord,
    /// The office's weekly summary (一周一汇总).
    WeeklySummary,
    /// 归档材料包: a package made, with its manifest's SM3.
    Archive,
    /// 信访件 handed over with the feedback.
    Petition,
    /// A problem a petition bears on.
    PetitionLink,
    /// 民主生活会.
    Meeting,
    /// A member of a meeting's leadership (班子成员).
    MeetingMember,
    /// An opinion solicited for a meeting (征求意见).
    Opinion,
    /// 谈心谈话.
    Talk,
    /// 对照检查材料.
    Material,
    /// A problem a meeting named, and the measure committed to (查摆问题).
    MeetingFinding,
    /// What was said at a meeting (批评与自我批评、上级点评).
    MeetingRemark,
}

impl Entity {
    /// Every recorded table, in the order `verify` checks them.
    pub const ALL: [Entity; 46] = [
        Entity::Unit,
        Entity::User,
        Entity::ApiToken,
        Entity::Inspection,
        Entity::Aspect,
        Entity::Item,
        Entity::Problem,
        Entity::Measure,
        Entity::MeasureUnit,
        Entity::Progress,
        Entity::Attachment,
        Entity::ProblemEvent,
        Entity::Accountability,
        Entity::Institution,
        Entity::Recovery,
        Entity::OutcomeLink,
        Entity::LookbackRound,
        Entity::LookbackItem,
        Entity::ExtensionRequest,
        Entity::ClosureRules,
        Entity::ClosureCheck,
        Entity::EventFile,
        Entity::Import,
        Entity::CalendarYear,
        Entity::WarningRules,
        Entity::EscalationNotice,
        Entity::WeeklyRule,
        Entity::WeeklyReport,
        Entity::SupervisionRound,
        Entity::RoundFinding,
        Entity::Hearing,
        Entity::OrgChannels,
        Entity::UserChannels,
        Entity::Milestone,
        Entity::HeaderWord,
        Entity::WeeklySummary,
        Entity::Archive,
        Entity::Petition,
        Entity::PetitionLink,
        Entity::Meeting,
        Entity::MeetingMember,
        Entity::Opinion,
        Entity::Talk,
        Entity::Material,
        Entity::MeetingFinding,
        Entity::MeetingRemark,
    ];

    /// The entity of a table name.
    pub fn from_table(table: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.table() == table)
    }

    /// The table (and the entity's name in the trail).
    pub fn table(self) -> &'static str {
        match self {
            Entity::Unit => "units",
            Entity::User => "users",
            Entity::ApiToken => "api_tokens",
            Entity::Inspection => "inspections",
            Entity::Aspect => "aspects",
            Entity::Item => "items",
            Entity::Problem => "problems",
            Entity::Measure => "measures",
            Entity::MeasureUnit => "measure_units",
            Entity::Progress => "progress",
            Entity::Attachment => "attachments",
            Entity::ProblemEvent => "problem_events",
            Entity::Accountability => "accountability",
            Entity::Institution => "institutions",
            Entity::Recovery => "recoveries",
            Entity::OutcomeLink => "outcome_links",
            Entity::LookbackRound => "lookback_rounds",
            Entity::LookbackItem => "lookback_items",
            Entity::ExtensionRequest => "extension_requests",
            Entity::ClosureRules => "closure_rules",
            Entity::ClosureCheck => "closure_checks",
            Entity::EventFile => "event_files",
            Entity::Import => "imports",
            Entity::CalendarYear => "calendar_years",
            Entity::WarningRules => "warning_rules",
            Entity::EscalationNotice => "escalation_notices",
            Entity::WeeklyRule => "weekly_rules",
            Entity::WeeklyReport => "weekly_reports",
            Entity::SupervisionRound => "supervision_rounds",
            Entity::RoundFinding => "round_findings",
            Entity::Hearing => "hearings",
            Entity::OrgChannels => "org_channels",
            Entity::UserChannels => "user_channels",
            Entity::Milestone => "milestones",
            Entity::HeaderWord => "header_words",
            Entity::WeeklySummary => "weekly_summaries",
            Entity::Archive => "archives",
            Entity::Petition => "petitions",
            Entity::PetitionLink => "petition_links",
            Entity::Meeting => "meetings",
            Entity::MeetingMember => "meeting_members",
            Entity::Opinion => "opinions",
            Entity::Talk => "talks",
            Entity::Material => "materials",
            Entity::MeetingFinding => "meeting_findings",
            Entity::MeetingRemark => "meeting_remarks",
        }
    }
}

/// Who makes a change, when, and why.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The person; `None` for the system itself (migrations, the demo loader, the CLI).
    pub actor: Option<UserId>,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, when the person said.
    pub reason: Option<&'a str>,
}
