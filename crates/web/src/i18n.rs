//! Chinese first, English available: every text a page shows comes from [`TEXTS`].
//! A test reads the templates and fails if one uses a key this table lacks.

use std::borrow::Borrow;

use axum::http::HeaderMap;
use zhenggai_domain::Role;
use zhenggai_domain::inspection::{InspectionKind, ProblemSource};
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::outcomes::{AccountabilityForm, InstitutionChange};
use zhenggai_domain::status::Standing;

use crate::session::{LANG_COOKIE, cookie};

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

/// Domain values that carry their own `label_zh` and `label_en`.
macro_rules! labelled {
    ($($t:ty),* $(,)?) => {$(
        impl Labelled for $t {
            fn zh(&self) -> &'static str {
                self.label_zh()
            }
            fn en(&self) -> &'static str {
                self.label_en()
            }
        }
    )*};
}

labelled!(
    zhenggai_domain::warning::Colour,
    zhenggai_domain::schedule::NodeKind,
    zhenggai_domain::escalation::NoticeKind,
    zhenggai_domain::weekly::ReportStatus,
    zhenggai_domain::warning::Recipient,
    zhenggai_domain::reminder::RobotKind,
);

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// From the language cookie; Chinese unless English was chosen.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        match cookie(headers, LANG_COOKIE) {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// The `lang` attribute of the page.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the text of this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The translator handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    /// The text of a key; the key itself when missing (the template test prevents it).
    pub fn s(&self, key: &str) -> &'static str {
        match TEXTS.iter().find(|(k, _, _)| *k == key) {
            Some((_, zh, en)) => self.0.pick(zh, en),
            None => "??",
        }
    }

    /// Whether the page is in English.
    pub fn en(&self) -> bool {
        self.0 == Lang::En
    }

    /// A number with what it counts: "3个问题", "3 problems", "1 problem". The English
    /// nouns counted (`n_…` keys) are regular plurals, so one drops the final "s".
    pub fn count(&self, n: impl std::borrow::Borrow<usize>, key: &str) -> String {
        let n = *n.borrow();
        let word = self.s(key);
        if !self.en() {
            return format!("{n}{word}");
        }
        let word = word.trim_start();
        match (n, word.strip_suffix('s')) {
            (1, Some(one)) => format!("1 {one}"),
            _ => format!("{n} {word}"),
        }
    }

    /// The `lang` attribute.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Where a measure stands, with its days.
    pub fn standing(&self, s: impl Borrow<Standing>) -> String {
        match *s.borrow() {
            Standing::Overdue { days } => match self.0 {
                Lang::Zh => format!("逾期{days}天"),
                Lang::En => format!("Overdue {days} d"),
            },
            Standing::DueSoon { days_left } => match self.0 {
                Lang::Zh => format!("剩{days_left}天"),
                Lang::En => format!("{days_left} d left"),
            },
            Standing::LongTermStale {
                days_without_progress,
            } => match (self.0, days_without_progress) {
                (Lang::Zh, Some(d)) => format!("长期坚持·{d}天未报进展"),
                (Lang::Zh, None) => "长期坚持·尚无进展".to_string(),
                (Lang::En, Some(d)) => format!("Long-term, no progress for {d} d"),
                (Lang::En, None) => "Long-term, no progress yet".to_string(),
            },
            other => self.s(&format!("standing_{}", other.code())).to_string(),
        }
    }

    /// 长期坚持 — when a long-term measure's next progress is due.
    pub fn review(&self, r: &zhenggai_domain::status::Review) -> String {
        match self.0 {
            Lang::Zh => format!("应于{}前报送进展（每{}天一次）", r.by, r.every_days),
            Lang::En => format!("Progress due by {} (every {} days)", r.by, r.every_days),
        }
    }

    /// The name of a domain value that has one in each language.
    pub fn label(&self, x: impl Labelled) -> &'static str {
        self.0.pick(x.zh(), x.en())
    }

    /// How near or late a warning is: days left, or working days (and days) overdue.
    pub fn warning_when(&self, w: impl Borrow<zhenggai_domain::warning::Warning>) -> String {
        let w = w.borrow();
        match (self.0, w.days_left) {
            (Lang::Zh, left) if left >= 0 => format!("剩{left}天"),
            (Lang::En, left) if left >= 0 => format!("{left} d left"),
            (Lang::Zh, left) => format!("逾期{}个工作日（{}天）", w.overdue_workdays, -left),
            (Lang::En, left) => {
                format!("{} working days overdue ({} d)", w.overdue_workdays, -left)
            }
        }
    }

    /// A file size for people: bytes, KB or MB.
    pub fn size(&self, bytes: impl Borrow<i64>) -> String {
        let b = *bytes.borrow();
        if b < 1024 {
            format!("{b} B")
        } else if b < 1024 * 1024 {
            format!("{:.0} KB", b as f64 / 1024.0)
        } else {
            format!("{:.1} MB", b as f64 / 1024.0 / 1024.0)
        }
    }

    /// A stored instant as people read it: Beijing time to the minute.
    pub fn when(&self, at: impl AsRef<str>) -> String {
        zhenggai_storage::sql::beijing_minute(at.as_ref())
    }

    /// One of the four forms (四种形态), by its code.
    pub fn form(&self, code: impl AsRef<str>) -> &'static str {
        match AccountabilityForm::from_code(code.as_ref()) {
            Some(f) => self.0.pick(f.label_zh(), f.label_en()),
            None => "—",
        }
    }

    /// Made, revised or abolished, by its code.
    pub fn change(&self, code: impl AsRef<str>) -> &'static str {
        match InstitutionChange::from_code(code.as_ref()) {
            Some(InstitutionChange::Made) => self.0.pick("制定", "Made"),
            Some(InstitutionChange::Revised) => self.0.pick("修订", "Revised"),
            Some(InstitutionChange::Abolished) => self.0.pick("废止", "Abolished"),
            None => "—",
        }
    }

    /// A lifecycle state.
    pub fn state(&self, s: impl Borrow<ProblemState>) -> &'static str {
        self.state_code(s.borrow().code())
    }

    /// A lifecycle state by its code.
    pub fn state_code(&self, code: impl AsRef<str>) -> &'static str {
        let (zh, en) = match code.as_ref() {
            "registered" => ("已挂号", "Registered"),
            "disputed" => ("有异议", "Disputed"),
            "claimed" => ("已认领", "Claimed"),
            "plan_submitted" => ("方案待审定", "Plan submitted"),
            "plan_signed" => ("领导已审定", "Plan signed off"),
            "plan_compiled" => ("整改办已汇总", "Plan compiled"),
            "in_progress" => ("整改中", "In progress"),
            "long_term_review" => ("阶段性销号·长期坚持", "Phase closed, long-term review"),
            "closure_requested" => ("销号待领导签字", "Closure requested"),
            "closure_signed" => ("销号待整改办审核", "Closure signed off"),
            "closed" => ("已销号", "Closed"),
            "consolidated" => ("已巩固", "Consolidated"),
            _ => ("—", "—"),
        };
        self.0.pick(zh, en)
    }

    /// A lifecycle action by its code.
    pub fn act(&self, code: impl AsRef<str>) -> &'static str {
        let (zh, en) = match code.as_ref() {
            "claim" => ("认领", "Claim"),
            "dispute" => ("提出异议", "Dispute"),
            "assign" => ("裁定牵头单位", "Assign the lead unit"),
            "submit_plan" => ("报送整改措施", "Submit the plan"),
            "sign_plan" => ("审定签字", "Sign off"),
            "compile_plan" => ("汇总入方案", "Compile"),
            "approve_plan" => ("登记党委审批", "Record the committee's approval"),
            "return_plan" => ("退回修改", "Return the plan"),
            "request_extension" => ("申请延期", "Request an extension"),
            "extend" => ("批准延期", "Approve the extension"),
            "refuse_extension" => ("不予延期", "Refuse the extension"),
            "request_closure" => ("申请销号", "Request closure"),
            "close_phase" => ("阶段性销号", "Close the phase"),
            "sign_closure" => ("销号签字", "Sign off the closure"),
            "accept_closure" => ("同意销号", "Accept closure"),
            "return_closure" => ("留号（限时办结）", "Keep open (new deadline)"),
            "confirm" => ("回头看：巩固", "Look-back: confirm"),
            "reopen" => ("回头看：回炉", "Look-back: reopen"),
            "add_measure" => ("拟定措施", "Add a measure"),
            "add_long_term_measure" => ("拟定长期措施", "Add a long-term measure"),
            "record_acceptance" => ("三方验收签字", "Record acceptance"),
            "record_survey" => ("登记满意度测评", "Record the satisfaction survey"),
            "post_result" => ("整改结果公示", "Post the result publicly"),
            _ => ("—", "—"),
        };
        self.0.pick(zh, en)
    }

    /// A party to three-party acceptance (三方验收) by its code.
    pub fn party(&self, code: impl AsRef<str>) -> &'static str {
        let (zh, en) = match code.as_ref() {
            "inspection_office" => ("巡察办", "Inspection office"),
            "inspection_group" => ("巡察组", "Inspection group"),
            "inspected_unit" => ("被巡察单位", "Inspected unit"),
            _ => ("—", "—"),
        };
        self.0.pick(zh, en)
    }

    /// An inspection kind.
    pub fn kind(&self, k: impl Borrow<InspectionKind>) -> &'static str {
        let k = *k.borrow();
        self.0.pick(k.label_zh(), k.label_en())
    }

    /// A problem source.
    pub fn source(&self, s: impl Borrow<ProblemSource>) -> &'static str {
        match s.borrow() {
            ProblemSource::Inspection => self.s("source_inspection"),
            ProblemSource::SelfFound => self.s("source_self_found"),
        }
    }

    /// A role.
    pub fn role(&self, r: impl Borrow<Role>) -> &'static str {
        let r = *r.borrow();
        self.0.pick(r.label_zh(), r.label_en())
    }
}

/// key, 中文, English.
pub const TEXTS: &[(&str, &str, &str)] = &[
    ("import_title", "导入整改台账", "Import a ledger"),
    (
        "import_hint",
        "选择本单位现有的台账文件（Excel .xlsx/.xls、WPS 或 CSV）。先预览每一行的识别结果，确认无误后再导入；有错误时不会写入任何内容。",
        "Choose the ledger file you keep (Excel .xlsx/.xls, WPS or CSV). Every row's reading is shown first; nothing is written while there are errors.",
    ),
    ("import_file", "台账文件", "Ledger file"),
    ("import_sheet", "工作表（可不填）", "Sheet (optional)"),
    (
        "import_sheet_auto",
        "自动识别台账所在工作表",
        "found automatically",
    ),
    ("import_read", "读取并预览", "Read and preview"),
    ("n_aspects", "个方面", " aspects"),
    ("n_items", "个项", " items"),
    ("n_problems", "个问题", " problems"),
    ("n_measures", "条措施", " measures"),
    ("n_errors", "处错误", " errors"),
    ("n_warnings", "处提示", " warnings"),
    (
        "import_where",
        "位置（工作表·行列）",
        "Where (sheet · row, column)",
    ),
    ("import_what", "问题及处理办法", "What and what to do"),
    (
        "import_unknown_units",
        "本单位没有的单位：请对应到已有单位，或新建",
        "Units the organisation lacks: map each, or create them",
    ),
    (
        "import_create_or_choose",
        "（新建或选择）",
        "(create, or choose)",
    ),
    (
        "import_create_units",
        "新建未对应的单位",
        "Create the units not mapped",
    ),
    (
        "import_unknown_leaders",
        "以下责任领导没有对应的账号，将不填责任领导",
        "These leaders have no account and are left out",
    ),
    (
        "import_before",
        "这个文件已经导入过",
        "This file was imported before",
    ),
    ("import_again", "再次导入", "Import it again"),
    ("import_commit", "确认导入", "Import"),
    ("import_other", "换一个文件", "Another file"),
    ("import_row", "行", "Row"),
    ("import_unlisted", "未列出的还有", "Not listed: "),
    (
        "import_unlisted_end",
        "处：请先改正以上各处，重新上传后再看其余。",
        " more; mend those above and upload the file again to see them.",
    ),
    ("import_ledger", "导入台账", "Import"),
    (
        "imports_before",
        "已导入的台账文件",
        "Ledger files imported",
    ),
    (
        "imports_none",
        "这次巡察还没有导入过台账文件。",
        "No ledger file has been imported into this inspection yet.",
    ),
    ("import_sheet_read", "工作表", "Sheet"),
    ("export_ledger", "导出台账（Excel）", "Export (Excel)"),
    ("day", "精确到日", "to the day"),
    ("xun", "精确到旬", "to the 旬"),
    ("month", "精确到月", "to the month"),
    ("quarter", "精确到季度", "to the quarter"),
    ("year", "精确到年", "to the year"),
    ("immediate", "立行立改", "immediate"),
    ("dated", "限期", "dated"),
    ("long_term", "长期坚持", "long-term"),
    ("original_deadline", "原定时限", "Approved deadline"),
    ("nav_postings", "结果公示", "Posted results"),
    ("nav_rules", "销号规则", "Closure rules"),
    ("nav_calendar", "工作日历", "Calendar"),
    ("nav_warnings", "三色预警", "Warnings"),
    ("colon", "：", ": "),
    (
        "long_term_days",
        "长期坚持措施每隔几天须报送进展",
        "Long-term measures report progress every … days",
    ),
    (
        "long_term_days_hint",
        "长期坚持的措施不会逾期，但超过这个天数没有新进展，台账上会标出“未报进展”。",
        "A long-term measure is never overdue, but the ledgers mark it once it has gone this long without progress.",
    ),
    ("import_not_kept", "未保存原文件", "file not kept"),
    ("paren_open", "（", " ("),
    ("paren_close", "）", ")"),
    ("nav_supervision", "督查", "Supervision"),
    (
        "supervision_title",
        "督查与进度听取",
        "Supervision rounds and hearings",
    ),
    ("rounds", "督查轮次", "Rounds"),
    ("rounds_none", "尚未记录督查。", "No round recorded yet."),
    ("circular", "通报", "Circular"),
    (
        "circular_title",
        "整改督查情况通报",
        "Circular on the supervision round",
    ),
    (
        "circular_intro",
        "本轮督查发现以下单位整改进度滞后，现予通报：",
        "This round found the following units slow; they are named here:",
    ),
    (
        "circular_outro",
        "请被通报单位认真对照问题，限期整改到位，并将整改情况报整改办。",
        "The units named are to put this right within the time set and report to the office.",
    ),
    ("slow", "进度滞后", "Slow"),
    ("hearings", "领导小组听取进展", "Leading group hearings"),
    (
        "remind_days",
        "提前提醒天数",
        "Reminder days before the deadline",
    ),
    (
        "remind_days_hint",
        "除转为绿色、黄色预警当天外，再于到期前这些天各提醒一次，以逗号分隔，如“3,1”；到期当天总会提醒。",
        "Besides the days a measure turns green and yellow, remind once on each of these days before the deadline, separated by commas, e.g. “3,1”; the day itself is always reminded.",
    ),
    (
        "repeat_days",
        "逾期后每隔几天重复提醒",
        "Repeat overdue reminders every … days",
    ),
    (
        "milestone_months",
        "期限超过几个月的措施须设阶段目标",
        "Measures longer than … months need milestones",
    ),
    (
        "milestone_months_hint",
        "从反馈之日起算，整改期限超过此月数的措施须分解阶段目标，否则不能提交审定。",
        "Counted from the feedback date; a longer measure must carry milestones before its plan is submitted.",
    ),
    ("channels_title", "提醒渠道", "Reminder channels"),
    (
        "channels_hint",
        "站内消息总会发送；还可通过电子邮件和工作群机器人提醒。群机器人每批提醒合并为一条消息。",
        "Reminders always reach the bell; they can also go by e-mail and to a group-chat robot, which gets each batch as one message.",
    ),
    (
        "email_on_org",
        "同时通过电子邮件提醒本单位人员（本人已填写邮箱且未关闭的）",
        "Also e-mail our people (those who gave an address and did not opt out)",
    ),
    (
        "email_not_configured",
        "服务器尚未配置邮件发送（SMTP），邮件提醒暂不会发出；请联系系统管理员。",
        "The server has no SMTP server configured, so no e-mail goes out yet; ask the system administrator.",
    ),
    ("robot_kind", "工作群机器人", "Group-chat robot"),
    ("robot_none", "不使用", "None"),
    ("robot_url", "机器人 Webhook 地址", "Robot webhook address"),
    (
        "robot_secret",
        "签名密钥（钉钉、飞书）",
        "Signing secret (DingTalk, Feishu)",
    ),
    (
        "robot_secret_hint",
        "钉钉“加签”的 SEC 密钥或飞书的签名校验密钥；留空则保留已保存的密钥。",
        "DingTalk's SEC secret or Feishu's signature secret; leave empty to keep the one saved.",
    ),
    (
        "robot_secret_kept",
        "已保存（留空则不变）",
        "Saved (leave empty to keep)",
    ),
    ("my_email", "我的邮件提醒", "My e-mail reminders"),
    ("milestones_title", "阶段目标", "Milestones"),
    (
        "milestones_required",
        "本措施整改期限较长，须分解阶段目标后方可报送方案",
        "This measure runs long: it needs milestones before the plan is submitted",
    ),
    (
        "milestones_limit",
        "本单位规定期限超过",
        "Our limit: longer than",
    ),
    ("months_unit", "个月", "months"),
    ("milestone_content", "阶段目标", "Milestone"),
    ("milestone_due", "完成时限", "Due"),
    ("milestone_done", "完成日期", "Reached on"),
    ("milestone_mark_done", "标记完成", "Mark reached"),
    ("milestone_add", "添加阶段目标", "Add milestone"),
    (
        "milestone_due_hint",
        "如：9月底前、三季度末、2025年3月31日",
        "e.g. 9月底前, 三季度末, 2025-03-31",
    ),
    (
        "my_email_hint",
        "填写邮箱后，本单位开启邮件提醒时，您也会收到邮件。",
        "With an address here, you also get reminders by e-mail when your organisation mails them.",
    ),
    ("email_address", "电子邮箱", "E-mail address"),
    (
        "email_on_mine",
        "通过电子邮件接收提醒",
        "Get reminders by e-mail",
    ),
    ("hearings_this_month", "本月已听取", "Held this month"),
    (
        "hearings_short",
        "本月听取次数不足",
        "fewer than required this month",
    ),
    ("record_round", "记录督查", "Record a round"),
    ("round_title", "督查名称", "Round"),
    ("held_on", "日期", "Date"),
    ("choose_unit", "选择单位", "Choose a unit"),
    ("finding", "督查发现", "Finding"),
    ("record_hearing", "记录听取进展", "Record a hearing"),
    ("attendees", "出席人员", "Attendees"),
    (
        "hearing_notes",
        "听取内容与要求",
        "What was heard and decided",
    ),
    ("pace", "序时进度", "Pace"),
    ("pace_elapsed", "时间已过", "time elapsed"),
    ("pace_done", "措施完成", "measures done"),
    ("pace_behind", "进度滞后于时间", "work lags the time"),
    ("nav_weekly", "周报", "Weekly reports"),
    ("weekly_title", "整改周报", "Weekly reports"),
    ("weekly_week", "本周（周一）", "Week of"),
    ("weekly_due", "报送截止", "Due"),
    (
        "weekly_holiday",
        "本周放假，无需报送",
        "Holiday week: no report due",
    ),
    ("weekly_prev", "上一周", "Previous week"),
    ("weekly_next", "下一周", "Next week"),
    ("weekly_status", "报送情况", "Status"),
    ("weekly_content", "周报内容", "Report"),
    ("weekly_send", "报送周报", "Send the report"),
    ("weekly_correct", "更正周报", "Correct the report"),
    (
        "weekly_roster",
        "各单位报送情况（叫号）",
        "Who reported (roll call)",
    ),
    ("weekly_sent_at", "报送时间", "Sent at"),
    (
        "weekly_summary",
        "一周一汇总（草稿）",
        "Weekly summary (draft)",
    ),
    ("weekly_rule", "报送时间规则", "When reports are due"),
    ("weekly_weekday", "每周星期（1–7）", "Weekday (1–7)"),
    ("weekly_hour", "时（北京时间）", "Hour (Beijing)"),
    (
        "weekly_rule_hint",
        "遇节假日提前到此前最后一个工作日；整周放假则当周不报。",
        "A holiday moves it to the working day before; a week off has no report.",
    ),
    ("notices_title", "督办", "Supervision notices"),
    ("back", "返回", "Back"),
    ("notice_content", "督办内容", "What it says"),
    ("final_deadline", "最后期限", "Final deadline"),
    ("issue", "发出", "Issue "),
    ("notice_to", "致", "To"),
    ("notice_measure", "整改措施", "Measure"),
    ("notice_issued_on", "发文日期", "Issued on"),
    ("notice_issuer", "巡察整改办公室", "Rectification office"),
    // Printed on every document and export: pins the audit trail's end (`audit verify
    // --checkpoint`).
    ("audit_code", "审计校验码", "Audit code"),
    ("notices_counts", "督办文书", "Notices issued"),
    ("nav_notifications", "消息提醒", "Notifications"),
    ("notifications_title", "消息提醒", "Notifications"),
    (
        "notifications_hint",
        "预警提醒在工作日发出：转为绿色、黄色时，到期前的提醒日和到期当天各一次，逾期后按整改办设定的间隔重复，直至完成；方案退回、留号和回炉也会提醒。消息即时显示在这里，邮件和工作群消息在北京时间8:00以后发出。",
        "Reminders go out on working days: on turning green and yellow, on the reminder days before the deadline and on the day, then repeatedly as the office set once overdue, until done; a plan sent back, a closure returned or a problem reopened is reminded too. They show here at once; e-mail and group-chat messages go out from 08:00 Beijing time.",
    ),
    ("notifications_none", "暂无消息。", "No notifications."),
    ("mark_all_read", "全部标为已读", "Mark all read"),
    ("mark_read", "标为已读", "Mark read"),
    ("unread", "未读", "Unread"),
    ("open_link", "去处理", "Open"),
    (
        "plan_workdays",
        "整改方案报送期限（工作日）",
        "Plan due (working days)",
    ),
    (
        "completion_months",
        "完成整改期限（月）",
        "Completion (months)",
    ),
    (
        "concentrated_months",
        "集中整改期（月）",
        "Concentrated phase (months)",
    ),
    (
        "timeline_title",
        "时间节点（倒排）",
        "Timeline (scheduled backwards)",
    ),
    (
        "timeline_hint",
        "按工作日历从反馈日期推算整改方案、集中整改和整改报告的期限，并从报告期限倒排各单位报送、整改办起草和不少于一周的预审时间。",
        "Plan, concentrated phase and report deadlines counted from the feedback date by the working-day calendar; units' submission, the office's draft and a pre-review of at least a week are scheduled back from the report.",
    ),
    ("timeline_done", "已过", "Past"),
    ("timeline_next", "下一节点", "Next"),
    ("warnings_title", "三色预警", "Three-colour warnings"),
    (
        "warnings_hint",
        "未完成的整改措施按时限临近程度亮灯：绿色提醒责任单位，黄色同时提醒分管领导，逾期亮红灯并报党委书记。逾期天数按工作日历计算工作日。",
        "Open measures light up as their deadlines near: green reaches the lead unit, yellow the leader in charge too, red (overdue) the Party secretary as well. Days overdue are counted in working days by the calendar.",
    ),
    ("warnings_rules_now", "当前规则", "Rules in force"),
    ("warnings_green_from", "绿色：截止前", "Green from"),
    ("warnings_yellow_from", "黄色：截止前", "Yellow from"),
    ("warnings_red", "红色：已逾期", "Red: overdue"),
    (
        "warnings_none",
        "目前没有需要预警的整改措施。",
        "No measure needs a warning now.",
    ),
    (
        "warnings_shown",
        "按紧急程度列出前200条；更多请用整改措施列表筛选。",
        "The 200 most urgent are listed; filter the measure list for the rest.",
    ),
    ("warning_colour", "预警", "Warning"),
    (
        "robot_colours",
        "群内推送的预警",
        "Warnings posted to the group",
    ),
    (
        "robot_colours_hint",
        "例如只选红色，群里只通报已逾期的措施；各色预警仍按预警规则提醒到人。每周报送叫号总会推送到群里。",
        "E.g. red only, to name only overdue measures in the group; every colour still reaches its people as the warning rules say. The weekly roll call always goes to the group.",
    ),
    ("warning_deadline", "整改时限", "Deadline"),
    ("warning_when", "时间", "When"),
    ("warning_reaches", "通知对象", "Reaches"),
    ("warning_nobody", "（未指定）", "(not named)"),
    (
        "warning_assumed",
        "含未录入节假日安排的年份，按常规周推算",
        "counts a year without holiday data by the ordinary week",
    ),
    ("warning_settings", "预警规则", "Warning rules"),
    (
        "warning_settings_hint",
        "预警越重，通知范围越大：黄色至少通知绿色的各方，红色至少通知黄色的各方。",
        "The later, the wider: yellow reaches at least everyone green reaches, red at least everyone yellow reaches.",
    ),
    (
        "green_days",
        "绿色预警：截止前天数",
        "Green: days before the deadline",
    ),
    (
        "yellow_days",
        "黄色预警：截止前天数",
        "Yellow: days before the deadline",
    ),
    ("green_to", "绿色预警通知", "Green reaches"),
    ("yellow_to", "黄色预警通知", "Yellow reaches"),
    ("red_to", "红色预警通知", "Red reaches"),
    ("secretary", "党委书记", "Party secretary"),
    ("days_before", "天", " days before"),
    ("calendar_title", "工作日历", "Working-day calendar"),
    (
        "calendar_hint",
        "法定节假日和调休上班日按国务院办公厅每年的通知执行；未列出的日期周一至周五上班、周六周日休息。整改时限、预警和周报都按这份日历计算工作日。",
        "Public holidays and the weekend days made working days follow the State Council's yearly notice; any other date is a working day Monday to Friday. Deadlines, warnings and weekly reports count working days by this calendar.",
    ),
    ("calendar_years", "已录入的年份", "Years held"),
    ("calendar_year", "年份", "Year"),
    ("calendar_days_off", "放假天数", "Days off"),
    ("calendar_working_weekends", "调休上班", "Working weekends"),
    ("calendar_origin", "来源", "Origin"),
    ("calendar_shipped", "随系统提供", "Shipped"),
    ("calendar_entered", "管理员录入", "Entered"),
    ("calendar_notice", "通知", "Notice"),
    (
        "calendar_no_notice",
        "这一年尚无节假日安排，按常规周推算的日期都会标注提醒。",
        "This year has no holiday arrangements: dates counted in it are marked as assumed.",
    ),
    ("calendar_date", "日期", "Date"),
    ("calendar_weekday", "星期", "Weekday"),
    ("calendar_kind", "安排", "Arrangement"),
    ("calendar_off", "休", "Off"),
    ("calendar_work", "班", "Working"),
    ("calendar_holiday", "节日", "Holiday"),
    ("calendar_edit", "录入或更正", "Add or correct"),
    (
        "calendar_edit_hint",
        "第一行写“year 年份 通知网址”，以下每行一个日期：“2027-01-01 休 元旦”或“2027-02-06 班 春节”。可一次粘贴多个年份；保存后记入审计记录。命令行也可导入文件：zhenggai calendar import 文件。",
        "First line “year YYYY address-of-notice”, then one date a line: “2027-01-01 休 元旦” (day off) or “2027-02-06 班 春节” (working day). Several years may be pasted at once; saving is recorded in the audit trail. From the shell: zhenggai calendar import FILE.",
    ),
    ("closure_rules_title", "销号规则", "Closure rules"),
    (
        "closure_rules_hint",
        "本单位问题销号前须满足的条件。修改会被记录，只对此后的销号审核生效。",
        "What closure needs in this organisation. Changes are recorded and apply to closures reviewed from now on.",
    ),
    (
        "max_extensions",
        "每个问题最多批准延期次数",
        "Approved extensions allowed per problem",
    ),
    (
        "three_party_required",
        "销号须经三方验收（巡察办、巡察组、被巡察单位）",
        "Closure needs three-party acceptance (inspection office, inspection group, inspected unit)",
    ),
    (
        "min_satisfaction",
        "群众满意度测评：满意比例不低于（%）",
        "Satisfaction survey: at least this share satisfied (%)",
    ),
    (
        "min_satisfaction_none",
        "不填则不要求测评",
        "Empty: no survey",
    ),
    (
        "posting_days",
        "整改结果公示天数（0为不公示）",
        "Days the result is posted (0: no posting)",
    ),
    ("rules_current", "现行规则", "Rules now"),
    (
        "postings_title",
        "整改结果公示",
        "Rectification results posted",
    ),
    (
        "postings_hint",
        "销号前公示的整改结果，本单位全体人员可见。对公示结果有异议的，请向整改办反映。",
        "Results posted before closure, visible to everyone in the organisation. Objections go to the rectification office.",
    ),
    ("special_report_short", "专项报告", "Special report"),
    ("posting_place_short", "公示地点", "Posted at"),
    ("posting_period", "公示期", "Posting period"),
    (
        "closure_evidence",
        "专项报告及佐证材料",
        "Report and evidence files",
    ),
    ("signer", "签字人", "Signed by"),
    ("surveyed", "测评人数", "People asked"),
    ("satisfied", "满意人数", "Satisfied"),
    (
        "survey_method",
        "测评方式（问卷、座谈、走访）",
        "How (questionnaire, meeting, visits)",
    ),
    (
        "posting_place",
        "公示地点（公示栏、内网）",
        "Where posted (notice board, intranet)",
    ),
    ("closure_rules", "销号条件", "Closure conditions"),
    ("three_party", "三方验收", "Three-party acceptance"),
    (
        "satisfaction",
        "群众满意度",
        "Satisfaction of those affected",
    ),
    ("not_yet", "尚未进行", "Not yet"),
    ("posting", "整改结果公示", "Public posting of the result"),
    ("days", "天", " days"),
    ("not_posted", "尚未公示", "Not posted"),
    ("running", "公示中", "Posting"),
    ("over", "公示期满", "Posting period over"),
    ("posted_until", "公示至", "until"),
    ("app", "整改台账", "Rectification ledger"),
    (
        "app_long",
        "巡视巡察整改管理系统",
        "Inspection rectification system",
    ),
    ("nav_home", "首页", "Home"),
    ("nav_inspections", "巡察整改", "Inspections"),
    ("nav_measures", "整改措施", "Measures"),
    ("nav_units", "单位管理", "Units"),
    ("nav_users", "用户管理", "Users"),
    ("nav_audit", "审计日志", "Audit trail"),
    ("nav_tokens", "API 令牌", "API tokens"),
    ("logout", "退出", "Log out"),
    ("switch_lang", "English", "中文"),
    ("login", "登录", "Log in"),
    ("username", "用户名", "Username"),
    ("password", "密码", "Password"),
    (
        "login_failed",
        "用户名或密码不正确，或账户已停用；同一地址连续失败多次后，账户会在该地址暂时锁定。请核对后再试，或稍后再试、联系系统管理员。",
        "Wrong username or password, or the account is disabled; after several failures in a row from one address the account is locked there for a while. Check and try again, try later, or ask the system administrator.",
    ),
    (
        "login_expired",
        "登录页面已过期，请重新输入用户名和密码。",
        "The login page had expired: enter your username and password again.",
    ),
    ("change_password", "修改密码", "Change password"),
    ("old_password", "原密码", "Current password"),
    ("new_password", "新密码", "New password"),
    (
        "password_rule",
        "至少10位，含大写字母、小写字母、数字、符号中的至少三类；不能含用户名，不能是常见密码，不能与当前密码相同。",
        "At least 10 characters with three of: upper case, lower case, digits, symbols; not containing the username, not a common password, not the current one.",
    ),
    (
        "must_change",
        "首次登录请先设置自己的密码。",
        "Set your own password before you go on.",
    ),
    ("save", "保存", "Save"),
    ("cancel", "取消", "Cancel"),
    ("edit", "修改", "Edit"),
    ("create", "新建", "Create"),
    ("search", "查询", "Search"),
    ("reset", "重置", "Reset"),
    ("all", "全部", "All"),
    ("none", "无", "None"),
    ("prev", "上一页", "Previous"),
    ("next", "下一页", "Next"),
    ("page_number", "第几页", "Page"),
    ("go_to_page", "跳转", "Go"),
    ("page_of", "页，共", "page, total"),
    ("print", "打印", "Print"),
    ("home_title", "我的待办", "What needs you"),
    ("home_waiting", "待我处理的问题", "Problems waiting for you"),
    ("phase_summary", "阶段性整改总结", "Phase summary"),
    ("lookbacks", "整改“回头看”", "Look-backs"),
    ("plan_filed", "整改方案已备案", "Plan filed"),
    (
        "plan_document",
        "整改方案文件名称或文号，如报社党发〔2024〕8号",
        "Plan document (title or number)",
    ),
    ("file_plan", "报上级备案", "File with the upper level"),
    ("lookback_decision", "结论", "Decision"),
    (
        "open_lookback",
        "开展新一轮“回头看”",
        "Open a look-back round",
    ),
    (
        "no_closed_problems",
        "本轮巡察尚无已销号的问题。",
        "No closed problems yet.",
    ),
    ("closed_problems", "已销号的问题", "Closed problems"),
    (
        "home_open",
        "我的未完成措施（按时限排序）",
        "My open measures, nearest deadline first",
    ),
    (
        "home_nothing",
        "暂无待办的整改措施。",
        "No open measures for you.",
    ),
    (
        "home_admin",
        "您是管理员：管理员不查看业务数据（三员分立）。请从上方菜单进入管理功能。",
        "You are an administrator: administrators do not see business data. Use the menu above.",
    ),
    (
        "home_unassigned",
        "您的账户尚未分配角色，请联系安全管理员。",
        "Your account has no role yet: ask the security administrator.",
    ),
    ("overdue_count", "已逾期", "Overdue"),
    ("due_soon_count", "即将到期", "Due soon"),
    (
        "review_due_count",
        "长期措施待报进展",
        "Long-term, progress overdue",
    ),
    ("open_count", "未完成", "Open"),
    ("done_count", "已完成", "Done"),
    (
        "inspections",
        "巡察（整改来源）",
        "Inspections and other sources",
    ),
    ("new_inspection", "登记新一轮巡察", "Register an inspection"),
    ("edit_inspection", "修改巡察信息", "Edit inspection"),
    ("kind", "类别", "Kind"),
    ("title", "名称", "Title"),
    ("group_name", "巡察组", "Inspection group"),
    ("org", "被巡察单位", "Inspected organisation"),
    ("period", "巡察时间", "On site"),
    ("period_start", "进驻日期", "On site from"),
    ("period_end", "结束日期", "On site until"),
    ("feedback_date", "反馈日期", "Feedback date"),
    ("notes", "备注", "Notes"),
    ("counts", "问题数量", "Size"),
    ("progress_rate", "措施完成率", "Measures done"),
    ("open_ledger", "查看台账", "Open ledger"),
    (
        "no_inspections",
        "暂无可查看的巡察。",
        "No inspections to show.",
    ),
    ("ledger", "整改台账", "Rectification ledger"),
    ("aspect", "方面", "Aspect"),
    ("add_aspect", "新增方面", "Add aspect"),
    ("aspect_title", "方面名称", "Aspect title"),
    ("problem", "问题", "Problem"),
    ("problems", "问题", "Problems"),
    ("add_problem", "新增问题", "Add problem"),
    ("edit_problem", "修改问题", "Edit problem"),
    ("problem_title", "问题概述", "Problem in one line"),
    ("description", "问题描述", "Description"),
    ("source", "来源", "Source"),
    ("source_inspection", "巡察反馈", "Inspection feedback"),
    ("source_self_found", "自查发现", "Found by ourselves"),
    ("item", "项", "Item"),
    ("measure", "整改措施", "Measure"),
    ("measures", "整改措施", "Measures"),
    ("add_measure", "新增整改措施", "Add measure"),
    ("edit_measure", "修改整改措施", "Edit measure"),
    ("content", "措施内容", "What will be done"),
    ("lead_unit", "牵头单位", "Lead unit"),
    ("cooperating", "配合单位", "Cooperating units"),
    ("leader", "责任领导", "Responsible leader"),
    ("person", "责任人", "Responsible person"),
    ("target", "检验指标", "Target / check"),
    ("deadline", "整改时限", "Deadline"),
    (
        "deadline_hint",
        "按方案原文填写，如：立行立改、2024年4月底前、5月中旬、二季度末、长期坚持",
        "As written in the plan, e.g. 立行立改, 2024年4月底前, 5月中旬, 二季度末, 长期坚持",
    ),
    ("deadline_read", "识别为", "Read as"),
    ("status", "状态", "Status"),
    ("due_from", "时限自", "Due from"),
    ("due_to", "时限至", "Due until"),
    ("keywords", "关键词", "Words"),
    ("keywords_hint", "如：公车、档案", "e.g. 公车, 档案"),
    ("st_open", "未完成", "Open"),
    ("st_done", "已完成", "Done"),
    ("st_overdue", "已逾期", "Overdue"),
    ("st_due_soon", "即将到期", "Due soon"),
    ("st_long_term", "长期坚持", "Long-term"),
    (
        "st_review_due",
        "长期坚持·待报进展",
        "Long-term: review due",
    ),
    ("standing_done_on_time", "按期完成", "Done on time"),
    ("standing_done_late", "逾期完成", "Done late"),
    ("standing_long_term", "长期坚持", "Long-term"),
    ("standing_immediate", "立行立改", "Immediate"),
    ("standing_not_due", "整改中", "In progress"),
    ("standing_due_soon", "即将到期", "Due soon"),
    ("standing_overdue", "已逾期", "Overdue"),
    ("days_left", "天后到期", "days left"),
    ("days_overdue", "逾期天数", "days overdue"),
    ("no_rows", "没有符合条件的记录。", "Nothing matches."),
    ("timeline", "工作留痕", "Progress timeline"),
    ("add_progress", "填报整改进展", "Report progress"),
    ("happened_on", "日期", "Date"),
    ("progress_content", "工作内容", "What was done"),
    ("files", "佐证材料", "Evidence files"),
    (
        "files_hint",
        "PDF、图片、Word、Excel、OFD、文本，每个不超过20MB",
        "PDF, images, Word, Excel, OFD, text; at most 20 MB each",
    ),
    (
        "mark_done",
        "本措施已完成（须附佐证材料）",
        "This measure is done (attach evidence)",
    ),
    ("no_progress", "尚无进展记录。", "No progress yet."),
    ("author", "填报人", "By"),
    ("submit", "提交", "Submit"),
    ("done_on", "完成日期", "Done on"),
    ("back_to_ledger", "返回台账", "Back to the ledger"),
    ("version", "版本", "Version"),
    ("units", "单位与部门", "Organisations and departments"),
    ("add_unit", "新增单位或部门", "Add a unit"),
    ("unit_name", "名称", "Name"),
    ("short_name", "简称", "Short name"),
    ("parent", "上级", "Parent"),
    ("kind_org", "单位", "Organisation"),
    ("kind_dept", "部门", "Department"),
    ("users", "用户", "Users"),
    ("add_user", "新建用户", "Add user"),
    ("display_name", "姓名", "Name"),
    ("unit", "所在单位", "Unit"),
    ("role", "角色", "Role"),
    ("units_in_charge", "分管单位", "Units in charge"),
    ("set_role", "分配角色", "Assign role"),
    ("reset_password", "重置密码", "Reset password"),
    ("account_disabled", "已停用", "Disabled"),
    ("locked", "已锁定", "Locked"),
    (
        "locked_hint",
        "在某个地址连续登录失败，账户在该地址暂时锁定；到时自动解除，重置密码也可解除。",
        "Failed logins in a row from one address locked the account there for a while; it unlocks by itself, or when the password is reset.",
    ),
    (
        "confirm_reset_password",
        "重置后此人的所有会话和 API 令牌都将失效，须用新的一次性密码登录。确定重置吗？",
        "Resetting ends all of this person's sessions and API tokens; they log in with the new one-time password. Reset?",
    ),
    ("disable_account", "停用", "Disable"),
    ("enable_account", "启用", "Enable"),
    ("disable_reason", "停用原因", "Reason for disabling"),
    ("my_tokens", "我的令牌", "My tokens"),
    ("token_created_at", "创建时间", "Created"),
    ("token_last_used", "最近使用", "Last used"),
    ("never", "未使用", "Never"),
    ("token_revoked", "已撤销", "Revoked"),
    ("revoke", "撤销", "Revoke"),
    (
        "token_revoke_note",
        "撤销后该令牌立即失效。修改或重置密码时，本人的全部令牌都会被撤销。",
        "A revoked token stops working at once. Changing or resetting the password revokes all of one's tokens.",
    ),
    (
        "new_user_note",
        "新用户的角色由安全管理员分配（三员分立）。",
        "The security administrator assigns the new user's role.",
    ),
    ("audit", "审计日志", "Audit trail"),
    ("when", "时间", "When"),
    ("who", "操作人", "Who"),
    ("action", "操作", "Action"),
    ("record", "记录", "Record"),
    ("changes", "变更内容", "Changes"),
    ("system", "系统", "System"),
    ("tokens", "API 令牌", "API tokens"),
    ("token_name", "用途", "Use"),
    (
        "token_created",
        "令牌已生成，只显示这一次，请妥善保存：",
        "Your token, shown only this once: keep it safe.",
    ),
    (
        "token_note",
        "脚本通过 Authorization: Bearer 令牌 调用 /api/v1，权限与您本人相同。",
        "Scripts call /api/v1 with Authorization: Bearer TOKEN, with exactly your access.",
    ),
    ("api_docs", "接口文档（OpenAPI）", "API document (OpenAPI)"),
    (
        "form_has_errors",
        "提交的内容有误，请按红色提示修改。",
        "Please correct the fields marked in red.",
    ),
    ("saved", "已保存。", "Saved."),
    ("withdraw", "撤回", "Withdraw"),
    ("withdraw_problem", "撤回该问题", "Withdraw this problem"),
    ("withdraw_measure", "撤回该措施", "Withdraw this measure"),
    ("withdraw_reason", "撤回原因（必填）", "Why (required)"),
    (
        "withdraw_hint",
        "撤回的记录不会删除：它连同撤回人、时间和原因保存在审计日志中。",
        "Nothing is deleted: the record stays, with who withdrew it, when and why.",
    ),
    ("add_item", "新增项", "Add item"),
    ("export_csv", "导出 CSV", "Export CSV"),
    ("state", "整改状态", "State"),
    ("extensions", "已延期次数", "Extensions"),
    ("next_steps", "可进行的操作", "What you can do next"),
    ("reason", "原因", "Reason"),
    (
        "meeting",
        "审批会议（如：党委会2024年第6次会议）",
        "Approving meeting",
    ),
    (
        "new_deadline_words",
        "延期后的时限，如2024年7月底前",
        "New deadline, e.g. 2024年7月底前",
    ),
    ("new_deadline", "新的整改时限", "New deadline"),
    (
        "special_report",
        "专项报告名称或文号",
        "Special report (title or number)",
    ),
    ("lifecycle_record", "整改流程记录", "Steps taken"),
    ("outcomes", "整改成效", "Outcomes"),
    ("people_accountable", "问责人数", "People held accountable"),
    ("units_accountable", "问责单位", "Units held accountable"),
    (
        "institutions_made_revised",
        "建章立制（制定、修订）",
        "Institutions made or revised",
    ),
    ("money_recovered", "清退追缴金额", "Money recovered"),
    ("accountability", "问责情况", "Accountability"),
    ("subject", "问责对象", "Who"),
    ("form_of_four", "四种形态", "Form"),
    ("decided_on", "决定日期", "Decided on"),
    ("person_subject", "个人", "Person"),
    ("unit_subject", "单位", "Unit"),
    ("problem_numbers", "问题编号（逗号分隔）", "Problem ids"),
    ("measure_numbers", "措施编号（逗号分隔）", "Measure ids"),
    ("institutions", "建章立制", "Institutions"),
    ("made", "制定", "Made"),
    ("revised", "修订", "Revised"),
    ("abolished", "废止", "Abolished"),
    ("doc_number", "文号", "Document number"),
    ("change_kind", "类别", "Change"),
    ("issued_on", "印发日期", "Issued on"),
    ("recoveries", "清退追缴", "Money recovered"),
    ("amount", "金额", "Amount"),
    (
        "amount_hint",
        "金额，如18600或1.86万元",
        "Amount, e.g. 18600 or 1.86万元",
    ),
    ("what", "款项内容", "What it was"),
    ("recovered_on", "到账日期", "Recovered on"),
    ("trail", "修改记录", "Change record"),
    ("edit_aspects", "方面名称与顺序", "Aspects"),
    ("item_title", "项的名称", "Item title"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_used_by_a_template_exists_in_both_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let said = text.split("t.s(\"").skip(1);
            let counted = text
                .split("t.count(")
                .skip(1)
                .filter_map(|call| call.split('"').nth(1));
            for part in said.chain(counted) {
                let key = part.split('"').next().unwrap();
                if !TEXTS
                    .iter()
                    .any(|(k, zh, en)| *k == key && !zh.is_empty() && !en.is_empty())
                {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn counts_read_right_in_both_languages() {
        let zh = Tr(Lang::Zh);
        let en = Tr(Lang::En);
        assert_eq!(zh.count(3, "n_problems"), "3个问题");
        assert_eq!(zh.count(1, "n_measures"), "1条措施");
        assert_eq!(en.count(3, "n_problems"), "3 problems");
        assert_eq!(en.count(1, "n_problems"), "1 problem");
        assert_eq!(en.count(0, "n_errors"), "0 errors");
        assert_eq!(en.count(1, "n_aspects"), "1 aspect");
    }

    #[test]
    fn keys_are_unique() {
        for (i, (k, _, _)) in TEXTS.iter().enumerate() {
            assert!(!TEXTS[i + 1..].iter().any(|(k2, _, _)| k2 == k), "{k}");
        }
    }
}
