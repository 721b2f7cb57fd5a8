//! Chinese first, English available: every fixed text a page shows is a method of
//! [`Tr`] declared once in [`texts`], so a template naming a missing text does not compile.

use std::borrow::Borrow;

use axum::http::HeaderMap;
use zhenggai_domain::Role;
use zhenggai_domain::inspection::{InspectionKind, ProblemSource};
use zhenggai_domain::lifecycle::{Party, ProblemState};
use zhenggai_domain::outcomes::{AccountabilityForm, InstitutionChange};
use zhenggai_domain::petition::PetitionStanding;
use zhenggai_domain::status::Standing;

use crate::session::{LANG_COOKIE, cookie};

/// Declares every text: one method of [`Tr`] each, and the table [`TEXTS`] for the few
/// texts chosen at run time by a code (a state filter, a deadline's kind).
macro_rules! texts {
    ($($key:ident: $zh:expr, $en:expr;)*) => {
        impl Tr {
            $(
                #[doc = $zh]
                pub fn $key(&self) -> &'static str {
                    self.0.pick($zh, $en)
                }
            )*
        }

        /// key, 中文, English.
        pub const TEXTS: &[(&str, &str, &str)] = &[$((stringify!($key), $zh, $en)),*];
    };
}

pub mod edge;
mod labels;
mod texts;
mod trail;
pub use labels::Labelled;
pub use texts::TEXTS;
mod why;
pub use why::{blocking, field_message, finding, refusal, refused, why};

/// A day as Chinese text writes it (2024年3月15日).
pub fn zh_day(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

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
    /// The text named by a code chosen at run time (a filter's state, a deadline's kind);
    /// fixed texts are methods. A code without a text shows as "—", and a test walks
    /// every code that reaches here.
    pub fn s(&self, key: &str) -> &'static str {
        match TEXTS.iter().find(|(k, _, _)| *k == key) {
            Some((_, zh, en)) => self.0.pick(zh, en),
            None => "—",
        }
    }

    /// Whether the page is in English.
    pub fn en(&self) -> bool {
        self.0 == Lang::En
    }

    /// The name a list's filter field goes by on its form, for a refusal listed above
    /// the list rather than beside the field.
    pub fn filter_field(&self, field: &str) -> &'static str {
        match field {
            "aspect" => self.aspect(),
            "org" => self.org_below(),
            "unit" => self.unit(),
            "leader" => self.leader(),
            "status" => self.status(),
            "source" => self.source_label(),
            "due_from" => self.due_from(),
            "due_to" => self.due_to(),
            "q" => self.keywords(),
            "page" => self.page_number(),
            "per_page" => self.per_page(),
            _ => self.filter(),
        }
    }

    /// A page asked for past a list's last (an old link, a hand-typed number); the
    /// filters are named only when some apply.
    pub fn page_beyond(
        &self,
        page: impl std::borrow::Borrow<i64>,
        pages: impl std::borrow::Borrow<i64>,
        filtered: impl std::borrow::Borrow<bool>,
    ) -> String {
        let (page, pages, filtered) = (*page.borrow(), *pages.borrow(), *filtered.borrow());
        let plural = if pages == 1 { "" } else { "s" };
        match (self.0, filtered) {
            (Lang::Zh, true) => format!("没有第{page}页：按当前筛选条件，列表共{pages}页。"),
            (Lang::Zh, false) => format!("没有第{page}页：列表共{pages}页。"),
            (Lang::En, true) => format!(
                "There is no page {page}: with these filters the list has {pages} page{plural}."
            ),
            (Lang::En, false) => {
                format!("There is no page {page}: the list has {pages} page{plural}.")
            }
        }
    }

    /// A number with what it counts: "3个问题", "3 problems", "1 problem". The English
    /// nouns counted (`n_…` keys) are regular plurals, so one drops the final "s".
    pub fn count(&self, n: impl std::borrow::Borrow<usize>, word: &str) -> String {
        let n = *n.borrow();
        if !self.en() {
            return format!("{n}{word}");
        }
        let word = word.trim_start();
        match (n, word.strip_suffix('s')) {
            (1, Some(one)) => format!("1 {one}"),
            _ => format!("{n} {word}"),
        }
    }

    /// More than a number of what it counts, where a list counted only so far:
    /// "超过500条措施", "more than 500 measures".
    pub fn count_more(&self, n: impl std::borrow::Borrow<usize>, word: &str) -> String {
        let n = *n.borrow();
        if self.en() {
            format!("more than {n} {}", word.trim_start())
        } else {
            format!("超过{n}{word}")
        }
    }

    /// A ledger's size as offices write it ("8个方面23个问题，整改措施45条"), or in
    /// English with each noun singular or plural by its number ("1 aspect, 3 problems").
    pub fn ledger_counts(&self, c: &zhenggai_domain::counts::LedgerCounts) -> String {
        if !self.en() {
            return c.phrase_zh();
        }
        let n = |x: i64, word: &str| self.count(usize::try_from(x).unwrap_or(0), word);
        let mut parts = vec![n(c.aspects, self.n_aspects())];
        if c.items > 0 {
            parts.push(n(c.items, self.n_items()));
        }
        parts.push(n(c.problems, self.n_problems()));
        parts.push(n(c.measures, self.n_measures()));
        parts.join(", ")
    }

    /// A rate in percent with one decimal ("4.3%"), or a dash when there was nothing to
    /// count (the statistics' completion rates).
    pub fn percent(&self, p: &Option<f64>) -> String {
        p.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
    }

    /// An amount of money from fen: "18,600.50元", in English "18,600.50 yuan".
    pub fn yuan(&self, fen: impl Borrow<i64>) -> String {
        let fen = *fen.borrow();
        match self.0 {
            Lang::Zh => zhenggai_domain::outcomes::format_yuan(fen),
            Lang::En => format!("{} yuan", zhenggai_domain::outcomes::group_fen(fen)),
        }
    }

    /// A holiday's name in the calendar shipped with zhenggai, in the page's language:
    /// its names are fixed ("元旦", "中秋节、国庆节"), so an English page names them in
    /// English. A name typed by an administrator, or one the table does not hold, stays as
    /// it is.
    pub fn shipped_holiday(&self, name: &str) -> String {
        /// A text of the table, by its method.
        type Text = fn(&Tr) -> &'static str;
        const HOLIDAYS: [(&str, Text); 8] = [
            ("元旦", Tr::hol_new_year),
            ("春节", Tr::hol_spring),
            ("清明节", Tr::hol_qingming),
            ("劳动节", Tr::hol_labour),
            ("端午节", Tr::hol_dragon_boat),
            ("中秋节", Tr::hol_mid_autumn),
            ("国庆节", Tr::hol_national),
            (
                "抗日战争暨世界反法西斯战争胜利70周年纪念日",
                Tr::hol_victory_70,
            ),
        ];
        if !self.en() {
            return name.to_string();
        }
        let words: Option<Vec<&str>> = name
            .split('、')
            .map(|part| {
                HOLIDAYS
                    .iter()
                    .find(|(zh, _)| *zh == part)
                    .map(|(_, en)| en(self))
            })
            .collect();
        words.map_or_else(|| name.to_string(), |w| w.join(" and "))
    }

    /// A measure's deadline as written. The words are data, shown as written, but those
    /// the system writes itself when a closure is returned or a problem reopened
    /// ("2026年12月19日前", by the day) read in English on an English page.
    pub fn deadline_words(&self, d: &zhenggai_domain::deadline::Deadline) -> String {
        if self.en()
            && let (Some(date), Some(zhenggai_domain::deadline::Precision::Day)) =
                (d.date, d.precision)
            && d.text == format!("{}前", zh_day(date))
        {
            return format!("by {date}");
        }
        d.text.clone()
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
            Standing::DoneOnTime => self.standing_done_on_time().to_string(),
            Standing::DoneLate => self.standing_done_late().to_string(),
            Standing::LongTerm => self.standing_long_term().to_string(),
            Standing::Immediate => self.standing_immediate().to_string(),
            Standing::NotDue => self.standing_not_due().to_string(),
        }
    }

    /// 长期坚持 — when a long-term measure's next progress is due.
    pub fn review(&self, r: &zhenggai_domain::status::Review) -> String {
        match self.0 {
            Lang::Zh => format!("应于{}前报送进展（每{}天一次）", r.by, r.every_days),
            Lang::En => format!("Progress due by {} (every {} days)", r.by, r.every_days),
        }
    }

    /// What precedes a reset account's new one-time password (shown once).
    pub fn new_password_of(&self, name: &str) -> String {
        match self.0 {
            Lang::Zh => format!("{name}的新一次性密码："),
            Lang::En => format!("{name}'s new one-time password: "),
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

    /// A day as the reader's language writes it (2024年3月15日, 2024-03-15).
    pub fn date(&self, d: &chrono::NaiveDate) -> String {
        match self.0 {
            Lang::Zh => zh_day(*d),
            Lang::En => d.to_string(),
        }
    }

    /// An instant as people read it: Beijing time to the minute.
    pub fn when(&self, at: impl AsRef<str>) -> String {
        zhenggai_storage::db::sql::beijing_minute(at.as_ref())
    }

    /// One of the four forms (四种形态), by its code.
    pub fn form(&self, code: impl AsRef<str>) -> &'static str {
        match AccountabilityForm::from_code(code.as_ref()) {
            Some(f) => self.label(f),
            None => "—",
        }
    }

    /// Where a petition stands: 已办结, 办理中（剩N天）, 逾期N天.
    pub fn petition_standing(&self, s: impl Borrow<PetitionStanding>) -> String {
        match (self.0, *s.borrow()) {
            (Lang::Zh, PetitionStanding::Concluded { late: false }) => "已办结".into(),
            (Lang::Zh, PetitionStanding::Concluded { late: true }) => "逾期办结".into(),
            (Lang::Zh, PetitionStanding::Handling { days_left: 0 }) => "办理中，今天到期".into(),
            (Lang::Zh, PetitionStanding::Handling { days_left }) => {
                format!("办理中，剩{days_left}天")
            }
            (Lang::Zh, PetitionStanding::Overdue { days }) => format!("逾期{days}天"),
            (Lang::En, PetitionStanding::Concluded { late: false }) => "Concluded".into(),
            (Lang::En, PetitionStanding::Concluded { late: true }) => "Concluded late".into(),
            (Lang::En, PetitionStanding::Handling { days_left: 0 }) => {
                "In handling, due today".into()
            }
            (Lang::En, PetitionStanding::Handling { days_left }) => {
                format!("In handling, {days_left} days left")
            }
            (Lang::En, PetitionStanding::Overdue { days }) => format!("{days} days overdue"),
        }
    }

    /// Opinions waiting in the box: "意见箱中有3条意见待开箱".
    pub fn meeting_unopened(&self, n: impl Borrow<i64>) -> String {
        match self.0 {
            Lang::Zh => format!("意见箱中有{}条意见待开箱", n.borrow()),
            Lang::En => format!("{} opinions wait in the box", n.borrow()),
        }
    }

    /// No talk the reader may read, of `n` held.
    pub fn meeting_no_talks(&self, n: impl Borrow<i64>) -> String {
        match (self.0, *n.borrow()) {
            (Lang::Zh, 0) => "还没有登记谈心谈话。".into(),
            (Lang::Zh, n) => format!("已登记谈心谈话{n}次，仅谈话双方和整改办可见。"),
            (Lang::En, 0) => "No talk recorded yet.".into(),
            (Lang::En, 1) => {
                "One talk recorded, read only by its two parties and the office.".into()
            }
            (Lang::En, n) => {
                format!("{n} talks recorded, read only by their two parties and the office.")
            }
        }
    }

    /// No self-examination the reader may read, of `n` written.
    pub fn meeting_no_materials(&self, n: impl Borrow<i64>) -> String {
        match (self.0, *n.borrow()) {
            (Lang::Zh, 0) => "还没有对照检查材料。".into(),
            (Lang::Zh, n) => format!("已有对照检查材料{n}份，仅本人和整改办可见。"),
            (Lang::En, 0) => "No self-examination yet.".into(),
            (Lang::En, 1) => {
                "One self-examination written, read only by its author and the office.".into()
            }
            (Lang::En, n) => {
                format!("{n} self-examinations written, read only by their authors and the office.")
            }
        }
    }

    /// What was said, counted for one who may not read it.
    pub fn meeting_remarks_counted(&self, n: impl Borrow<i64>) -> String {
        match self.0 {
            Lang::Zh => format!("会上批评和自我批评{}条，仅整改办和本人可见。", n.borrow()),
            Lang::En => format!(
                "{} remarks of criticism and self-criticism, read only by the office and the member concerned.",
                n.borrow()
            ),
        }
    }

    /// A material's versions, linking its trail: "第3稿 · 修改记录".
    pub fn meeting_versions(&self, v: impl Borrow<i64>) -> String {
        match self.0 {
            Lang::Zh => format!("第{}稿 · 修改记录", v.borrow()),
            Lang::En => format!("version {} · change record", v.borrow()),
        }
    }

    /// The carry's hint, with how many problems join the ledger.
    pub fn meeting_carry_hint(&self, n: impl Borrow<usize>) -> String {
        match self.0 {
            Lang::Zh => format!(
                "将{}个查摆的问题一次纳入整改台账（巡察类别：民主生活会）：领导班子一个方面，每位班子成员一个方面，每个问题带其整改措施，责任领导为本人（班子问题为主持人）。",
                n.borrow()
            ),
            Lang::En => format!(
                "Carries the {} problems named into a ledger of kind democratic life meeting at once: one aspect for the leadership and one per member, each problem with its measure, its leader the member (the chair for the leadership's).",
                n.borrow()
            ),
        }
    }

    /// ", acknowledged on 2026-12-05".
    pub fn box_acknowledged_on(&self, d: impl Borrow<chrono::NaiveDate>) -> String {
        match self.0 {
            Lang::Zh => format!("，本人已于{}阅知", zh_day(*d.borrow())),
            Lang::En => format!(", acknowledged on {}", d.borrow()),
        }
    }

    /// Of the petitions in handling, how many are overdue: "（逾期3件）".
    pub fn home_petitions_overdue(&self, n: impl Borrow<u64>) -> String {
        match self.0 {
            Lang::Zh => format!("（逾期{}件）", n.borrow()),
            Lang::En => format!(" ({} overdue)", n.borrow()),
        }
    }

    /// The heading of the petitions withdrawn: "已撤回的信访件（2件）".
    pub fn petitions_withdrawn(&self, n: impl Borrow<usize>) -> String {
        match self.0 {
            Lang::Zh => format!("已撤回的信访件（{}件）", n.borrow()),
            Lang::En => format!("Petitions withdrawn ({})", n.borrow()),
        }
    }

    /// How often a petition's result was returned (退回重办N次).
    pub fn petition_returned(&self, n: impl Borrow<i64>) -> String {
        match self.0 {
            Lang::Zh => format!("退回重办{}次", n.borrow()),
            Lang::En if *n.borrow() == 1 => "Returned once".to_string(),
            Lang::En => format!("Returned {} times", n.borrow()),
        }
    }

    /// Made, revised or abolished, by its code.
    pub fn change(&self, code: impl AsRef<str>) -> &'static str {
        InstitutionChange::from_code(code.as_ref()).map_or("—", |c| self.label(c))
    }

    /// A lifecycle state.
    pub fn state(&self, s: impl Borrow<ProblemState>) -> &'static str {
        self.label(*s.borrow())
    }

    /// A lifecycle state by its code.
    pub fn state_code(&self, code: impl AsRef<str>) -> &'static str {
        ProblemState::from_code(code.as_ref()).map_or("—", |s| self.label(s))
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
            "measure_done" => ("措施完成", "Measure done"),
            "long_term_measure_done" => ("长期措施办结", "Long-term measure done"),
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
        Party::from_code(code.as_ref()).map_or("—", |p| self.label(p))
    }

    /// An inspection kind.
    pub fn kind(&self, k: impl Borrow<InspectionKind>) -> &'static str {
        self.label(*k.borrow())
    }

    /// A problem source.
    pub fn source(&self, s: impl Borrow<ProblemSource>) -> &'static str {
        match s.borrow() {
            ProblemSource::Inspection => self.source_inspection(),
            ProblemSource::SelfFound => self.source_self_found(),
        }
    }

    /// A role.
    pub fn role(&self, r: impl Borrow<Role>) -> &'static str {
        self.label(*r.borrow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_right_in_both_languages() {
        let zh = Tr(Lang::Zh);
        let en = Tr(Lang::En);
        assert_eq!(zh.count(3, zh.n_problems()), "3个问题");
        assert_eq!(zh.count(1, zh.n_measures()), "1条措施");
        assert_eq!(en.count(3, en.n_problems()), "3 problems");
        assert_eq!(en.count(1, en.n_problems()), "1 problem");
        assert_eq!(en.count(0, en.n_errors()), "0 errors");
        assert_eq!(en.count(1, en.n_aspects()), "1 aspect");
        assert_eq!(zh.count_more(500, zh.n_measures()), "超过500条措施");
        assert_eq!(
            en.count_more(500, en.n_measures()),
            "more than 500 measures"
        );
        let one = zhenggai_domain::counts::LedgerCounts {
            aspects: 1,
            items: 0,
            problems: 1,
            measures: 1,
            ..Default::default()
        };
        assert_eq!(en.ledger_counts(&one), "1 aspect, 1 problem, 1 measure");
        assert_eq!(en.yuan(6_095_000), "60,950.00 yuan");
        assert_eq!(zh.yuan(6_095_000), "60,950.00元");
    }

    /// The words the system writes for a renewed deadline read in English; a person's
    /// words stay as written.
    #[test]
    fn system_written_deadlines_read_in_english() {
        use zhenggai_domain::deadline::Deadline;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default();
        let en = Tr(Lang::En);
        let system = Deadline::parse("2026年12月19日前", today).ok();
        let system = system.as_ref().map(|d| en.deadline_words(d));
        assert_eq!(system.as_deref(), Some("by 2026-12-19"));
        let person = Deadline::parse("2026年12月底前", today).ok();
        let person = person.as_ref().map(|d| en.deadline_words(d));
        assert_eq!(person.as_deref(), Some("2026年12月底前"));
        let zh = Deadline::parse("2026年12月19日前", today).ok();
        let zh = zh.as_ref().map(|d| Tr(Lang::Zh).deadline_words(d));
        assert_eq!(zh.as_deref(), Some("2026年12月19日前"));
    }

    /// Every name the shipped calendar gives a day has its English name.
    #[test]
    fn the_shipped_calendars_holidays_are_named_in_english() {
        let en = Tr(Lang::En);
        for notice in zhenggai_domain::calendar::Calendar::official().notices() {
            for change in &notice.changes {
                let named = en.shipped_holiday(&change.name);
                assert!(named.is_ascii(), "{}: {named}", change.name);
            }
        }
        assert_eq!(
            en.shipped_holiday("中秋节、国庆节"),
            "Mid-Autumn Festival and National Day"
        );
        assert_eq!(en.shipped_holiday("单位运动会"), "单位运动会");
        assert_eq!(Tr(Lang::Zh).shipped_holiday("元旦"), "元旦");
    }

    /// Every step of the lifecycle has its name in both languages.
    #[test]
    fn every_action_has_words() {
        for code in zhenggai_domain::lifecycle::ACTION_CODES {
            for lang in [Lang::Zh, Lang::En] {
                assert_ne!(Tr(lang).act(code), "—", "{code}");
            }
        }
    }

    /// Every code that reaches [`Tr::s`] has its text in both languages.
    #[test]
    fn every_code_shown_by_its_code_has_a_text() {
        let mut codes: Vec<&str> = crate::pages::STATUSES.iter().map(|(_, k)| *k).collect();
        codes.extend(["not_posted", "running", "over"]);
        for code in codes {
            assert!(
                TEXTS
                    .iter()
                    .any(|(k, zh, en)| *k == code && !zh.is_empty() && !en.is_empty()),
                "{code}"
            );
        }
    }
}
