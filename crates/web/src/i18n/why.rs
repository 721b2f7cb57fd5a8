//! The words of the domain's reasons: a field's error ([`Why`]), a lifecycle refusal
//! ([`Refusal`]) and what it tells to do ([`Hint`]), each with its Chinese and English
//! here and nowhere else. The domain returns them as data; storage passes them on.

use zhenggai_domain::lifecycle::{ClosureRule, Hint, Missing, Party, Refusal, Unmet};
use zhenggai_domain::validate::{FieldError, Why, YEARS};

use super::{Lang, Tr, zh_day};

/// What is wrong with a field and what to do, in one language.
pub fn field_message(lang: Lang, e: &FieldError) -> String {
    why(lang, &e.why)
}

/// A reason in one language.
pub fn why(lang: Lang, w: &Why) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match w {
        Why::Required => pick("此项必填，请填写。", "Required: please fill this in."),
        Why::RequiredDate => pick("此项必填，请选择日期。", "Required: please pick a date."),
        Why::RequiredNumber => pick("此项必填，请填写数字。", "Required: please give a number."),
        Why::TooLong { max } if zh => format!("不能超过{max}个字，请精简。"),
        Why::TooLong { max } => format!("At most {max} characters: please shorten it."),
        Why::ControlCharacters => pick(
            "含有不可见的控制字符，请删除后重新输入（可从纯文本粘贴）。",
            "Contains invisible control characters: delete them and type it again (or paste plain text).",
        ),
        Why::YearOutOfRange if zh => format!(
            "年份应在{}至{}年之间，请检查日期。",
            YEARS.start(),
            YEARS.end()
        ),
        Why::YearOutOfRange => format!(
            "The year must be from {} to {}: check the date.",
            YEARS.start(),
            YEARS.end()
        ),
        Why::NotADate => pick(
            "日期应写成“年-月-日”，例如 2024-03-15。",
            "Write the date as YYYY-MM-DD, e.g. 2024-03-15.",
        ),
        Why::OutOfRange { min, max } if zh => format!("请填写{min}到{max}之间的整数。"),
        Why::OutOfRange { min, max } => format!("Give a whole number from {min} to {max}."),
        Why::UnknownChoice => pick(
            "这一项的取值无法识别：请从页面上的选项中选择。",
            "This value is not one of the choices: pick one on the page.",
        ),
        Why::Deadline(e) if zh => e.zh(),
        Why::Deadline(e) => e.to_string(),
        Why::NotYet(n) => not_yet(lang, n),
        Why::TooSoon(n) if zh => format!(
            "会议日期（{}）早于整改措施汇总入方案的日期（{}）：党委（党组）会议审批须在汇总之后，请填写实际开会的日期。",
            zh_day(n.date),
            zh_day(n.earliest)
        ),
        Why::TooSoon(n) => format!(
            "The meeting date ({}) is before the plan was compiled ({}): the Party committee approves it afterwards; give the day it met.",
            n.date, n.earliest
        ),
        Why::Stale {
            changed_by,
            changed_at,
            columns,
        } => stale(lang, changed_by.as_deref(), changed_at.as_deref(), columns),
        Why::Refused(r) => refusal(lang, r),
        Why::Said { zh: z, en } => pick(z, en),
        Why::InRow { row, why: inner } if zh => format!("第{row}行：{}", why(lang, inner)),
        Why::InRow { row, why: inner } => format!("Row {row}: {}", why(lang, inner)),
    }
}

/// A refused lifecycle step: what blocks it and what to do.
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match r {
        Refusal::NotYours(_) => pick(
            "您的角色或单位无权进行此操作。",
            "Your role or unit may not do this.",
        ),
        Refusal::WrongState { state, hint } if zh => format!(
            "问题当前“{}”，不能进行此操作：{}",
            Tr(lang).state(*state),
            hint_words(lang, *hint)
        ),
        Refusal::WrongState { state, hint } => format!(
            "The problem is “{}” and cannot take this step: {}",
            Tr(lang).state(*state),
            hint_words(lang, *hint)
        ),
        Refusal::Missing(m) if zh => format!("请填写{}。", missing(lang, *m)),
        Refusal::Missing(m) => format!("The {} is required.", missing(lang, *m)),
        Refusal::MeasuresOpen(n) if zh => {
            format!("还有{n}条措施未完成：全部措施完成后才能申请销号。")
        }
        Refusal::MeasuresOpen(n) => {
            format!("{n} measure(s) still open: closure is requested once every measure is done.")
        }
        Refusal::NoMeasures => pick(
            "该问题还没有整改措施，请先拟定措施。",
            "The problem has no measures yet: draft them first.",
        ),
        Refusal::MilestonesMissing(n) if zh => {
            format!("有{n}条措施的整改期限超过本单位规定的月数，须先在措施页面分解阶段目标。")
        }
        Refusal::MilestonesMissing(n) => format!(
            "{n} measure(s) run longer than the organisation allows without milestones: set them on the measure's page first."
        ),
        Refusal::TooManyExtensions(n) if zh => format!("已达到延期次数上限（{n}次）。"),
        Refusal::TooManyExtensions(n) => {
            format!("The maximum of {n} approved extensions is reached.")
        }
        Refusal::BadSurvey => pick(
            "测评人数至少为1，满意人数不能多于测评人数。",
            "A survey asks at least one person, and no more are satisfied than were asked.",
        ),
        Refusal::NotRequired(rule) if zh => {
            format!("本单位的销号规则不要求{}。", closure_rule(lang, *rule))
        }
        Refusal::NotRequired(rule) => format!(
            "The organisation's closure rules do not require {}.",
            closure_rule(lang, *rule)
        ),
        Refusal::Unmet(u) => unmet(lang, *u),
    }
}

fn unmet(lang: Lang, u: Unmet) -> String {
    let zh = lang == Lang::Zh;
    match u {
        Unmet::Acceptance(p) if zh => format!("尚不能销号：{}尚未验收签字。", party(lang, p)),
        Unmet::Acceptance(p) => format!(
            "Closure cannot be accepted yet: the {} has not signed the acceptance.",
            party(lang, p)
        ),
        Unmet::NoSurvey => lang
            .pick(
                "尚不能销号：须先进行群众满意度测评。",
                "Closure cannot be accepted yet: the satisfaction survey comes first.",
            )
            .to_string(),
        Unmet::LowSatisfaction {
            satisfied,
            surveyed,
            min,
        } if zh => format!(
            "尚不能销号：满意度测评{surveyed}人中满意{satisfied}人，低于要求的{min}%，请退回限时办结（留号）。"
        ),
        Unmet::LowSatisfaction {
            satisfied,
            surveyed,
            min,
        } => format!(
            "Closure cannot be accepted yet: {satisfied} of {surveyed} satisfied is below the required {min}%; return it with a new deadline."
        ),
        Unmet::NotPosted => lang
            .pick(
                "尚不能销号：整改结果须先公示。",
                "Closure cannot be accepted yet: the result is posted publicly first.",
            )
            .to_string(),
        Unmet::PostingRunning => lang
            .pick(
                "尚不能销号：公示期尚未结束。",
                "Closure cannot be accepted yet: the posting period is still running.",
            )
            .to_string(),
    }
}

/// A party to three-party acceptance.
fn party(lang: Lang, p: Party) -> &'static str {
    Tr(lang).party(p.code())
}

fn missing(lang: Lang, m: Missing) -> &'static str {
    match m {
        Missing::Reason => lang.pick("原因", "reason"),
        Missing::Meeting => lang.pick("审批会议", "approving meeting"),
        Missing::Report => lang.pick("专项报告", "special report"),
        Missing::PhaseSummary => lang.pick("阶段小结", "phase summary"),
        Missing::Evidence => lang.pick(
            "佐证材料（至少上传一个文件）",
            "evidence (at least one file)",
        ),
        Missing::Signer => lang.pick("签字人", "signer"),
        Missing::SurveyMethod => lang.pick("测评方式", "survey method"),
        Missing::PostingPlace => lang.pick("公示地点", "posting place"),
    }
}

fn closure_rule(lang: Lang, r: ClosureRule) -> &'static str {
    match r {
        ClosureRule::Acceptance => lang.pick("三方验收", "three-party acceptance"),
        ClosureRule::Survey => lang.pick("满意度测评", "a satisfaction survey"),
        ClosureRule::Posting => lang.pick("整改结果公示", "public posting"),
    }
}

/// What to do instead, in one language.
pub fn hint_words(lang: Lang, h: Hint) -> &'static str {
    let (zh, en) = match h {
        Hint::OnlyRegisteredClaimed => (
            "只有已挂号的问题才能认领。",
            "Only a registered problem is claimed.",
        ),
        Hint::DisputeBeforeClaiming => {
            ("异议须在认领前提出。", "A dispute comes before the claim.")
        }
        Hint::LeaderDecidesDisputes => (
            "分管领导只裁定有异议的问题。",
            "The leader in charge decides only disputed problems.",
        ),
        Hint::MeasuresAfterSubmission => (
            "方案报送后，牵头单位不再增加措施；整改办可在申请销号前补充措施，已销号的问题经回头看回炉后再补充。",
            "After submission the lead unit's draft comes back by a return; the office supplements a plan until closure is requested, and a closed problem after a look-back reopens it.",
        ),
        Hint::ClaimAndDraftFirst => (
            "请先认领并拟定整改措施。",
            "Claim it and draft its measures first.",
        ),
        Hint::AwaitSubmission => (
            "请等待牵头单位报送整改措施。",
            "The lead unit submits the plan first.",
        ),
        Hint::AwaitSignature => (
            "请等待分管领导审定签字。",
            "The leader in charge signs it off first.",
        ),
        Hint::CompileFirst => (
            "请先由整改办汇总入方案。",
            "The office compiles the plan first.",
        ),
        Hint::OnlyPlanUnderReviewReturns => (
            "只有审核中的方案才能退回。",
            "Only a plan under review goes back.",
        ),
        Hint::DatedMeasuresDone => (
            "有时限的措施均已完成。",
            "Every dated measure is already done.",
        ),
        Hint::NoLongTermOpen => ("没有未完成的长期措施。", "No long-term measure is open."),
        Hint::PhaseOnlyWithLongTerm => (
            "仅在长期措施继续推进时阶段性销号；否则请申请销号。",
            "A phase closes when long-term measures go on; otherwise request closure.",
        ),
        Hint::PhaseWhileInProgress => (
            "阶段性销号须在整改中进行。",
            "A phase closes while work is in progress.",
        ),
        Hint::MeasuresAfterApproval => (
            "方案批准后才能完成措施。",
            "Measures are done after the plan is approved.",
        ),
        Hint::ExtensionPending => (
            "请等待分管领导先对待批的延期申请作出决定。",
            "The leader in charge decides the pending request first.",
        ),
        Hint::RequestExtensionFirst => (
            "请先由牵头单位提出延期申请。",
            "The lead unit requests the extension first.",
        ),
        Hint::NoExtensionPending => ("没有待批的延期申请。", "No extension is pending."),
        Hint::ExtendWhileInProgress => (
            "时限只能在整改中通过延期申请调整。",
            "Deadlines change by extension only while work is in progress.",
        ),
        Hint::ClosureWhileInProgress => (
            "销号须在整改中申请。",
            "Closure is requested while work is in progress.",
        ),
        Hint::RequestClosureFirst => (
            "请先由牵头单位申请销号。",
            "The lead unit requests closure first.",
        ),
        Hint::OneSignaturePerParty => (
            "每次销号申请，各方只签一次。",
            "Each party signs once per closure request.",
        ),
        Hint::AlreadyPosted => ("整改结果已公示。", "The result is already posted."),
        Hint::ChecksAfterSignature => (
            "三方验收、满意度测评和公示须在分管领导签字后进行。",
            "Acceptance, survey and posting follow the leader's signature on the closure request.",
        ),
        Hint::SignClosureFirst => (
            "请先由分管领导对销号申请签字。",
            "The leader in charge signs the closure request off first.",
        ),
        Hint::OnlyClosureRequestReturns => (
            "只有销号申请才能退回。",
            "Only a closure request goes back.",
        ),
        Hint::ConfirmClosedOnly => (
            "回头看只巩固已销号的问题。",
            "A look-back confirms closed problems.",
        ),
        Hint::ReopenClosedOnly => (
            "回头看只对已销号的问题回炉。",
            "A look-back reopens closed problems.",
        ),
    };
    lang.pick(zh, en)
}

/// A date of what happened that lies ahead of the day it is recorded.
fn not_yet(lang: Lang, n: &zhenggai_domain::happened::NotYet) -> String {
    use zhenggai_domain::happened::Event;
    let (date, day) = (zh_day(n.date), zh_day(n.day));
    match (lang, n.event) {
        (Lang::Zh, Event::PlanApproved) => format!(
            "会议日期（{date}）晚于今天（{day}）：请在党委（党组）会议审批后登记，填写实际开会的日期。"
        ),
        (Lang::Zh, Event::AccountabilityDecided) => {
            format!("决定日期（{date}）晚于今天（{day}）：请在问责决定作出后登记，填写决定的日期。")
        }
        (Lang::Zh, Event::InstitutionIssued) => {
            format!("印发日期（{date}）晚于今天（{day}）：请在制度印发后登记，填写印发的日期。")
        }
        (Lang::Zh, Event::MoneyRecovered) => {
            format!("清退（追缴）日期（{date}）晚于今天（{day}）：请在款项实际清退（追缴）后登记。")
        }
        (Lang::En, Event::InstitutionIssued) => format!(
            "The issue date ({}) is after today ({}): record the rule once it is issued, with the day of issue.",
            n.date, n.day
        ),
        (Lang::En, Event::MoneyRecovered) => format!(
            "The date recovered ({}) is after today ({}): record the money once it has been recovered.",
            n.date, n.day
        ),
        (Lang::En, Event::PlanApproved) => format!(
            "The meeting date ({}) is after today ({}): record the approval once the Party committee has met, with the day it met.",
            n.date, n.day
        ),
        (Lang::En, Event::AccountabilityDecided) => format!(
            "The decision date ({}) is after today ({}): record the accountability once it is decided, with the day of the decision.",
            n.date, n.day
        ),
    }
}

/// Saved by someone else while the form was open: who, when, what, and what to do.
fn stale(lang: Lang, by: Option<&str>, at: Option<&str>, columns: &[String]) -> String {
    let t = Tr(lang);
    let mut labels: Vec<&str> = columns
        .iter()
        .map(|c| t.s(&format!("fld_{c}")))
        .filter(|l| *l != "—")
        .collect();
    labels.dedup();
    match lang {
        Lang::Zh => {
            let who = by.unwrap_or("其他人");
            let when = at.map(|a| format!("于{a}")).unwrap_or_default();
            let what = if labels.is_empty() {
                String::new()
            } else {
                format!("（改动了：{}）", labels.join("、"))
            };
            format!(
                "您编辑期间，{who}{when}保存了这条记录{what}。您填写的内容仍在下方，尚未保存：请打开原记录核对，确认后再次点击保存，即以您的内容为准。"
            )
        }
        Lang::En => {
            let who = by.unwrap_or("someone else");
            let when = at.map(|a| format!(" at {a}")).unwrap_or_default();
            let what = if labels.is_empty() {
                String::new()
            } else {
                format!(" (changed: {})", labels.join(", "))
            };
            format!(
                "While you were editing, {who} saved this record{when}{what}. What you typed is kept below, not yet saved: check the record as it now stands, then save again to replace it with yours."
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhenggai_domain::deadline::Deadline;

    /// Every hint has its words in both languages; none is left to a fallback.
    #[test]
    fn every_hint_has_words_in_both_languages() {
        for h in Hint::ALL {
            let zh = hint_words(Lang::Zh, h);
            assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{h:?}: {zh}");
            assert!(hint_words(Lang::En, h).is_ascii(), "{h:?}");
        }
    }

    /// A deadline that does not read says in Chinese, without Latin letters, what to write.
    #[test]
    fn every_deadline_refusal_says_in_chinese_what_to_write() {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 4, 25).unwrap_or_default();
        for words in [
            "9999年12月31日前",
            "2026年13月底前",
            "0000年1月1日前",
            "",
            "集中整改期内",
        ] {
            let Err(e) = Deadline::parse(words, day) else {
                panic!("{words} was read");
            };
            let zh = field_message(Lang::Zh, &e.at("deadline"));
            assert!(
                !zh.chars().any(|c| c.is_ascii_alphabetic()),
                "{words}: {zh}"
            );
            assert!(zh.contains('请'), "{words}: {zh}");
            let en = field_message(Lang::En, &e.at("deadline"));
            assert!(en.is_ascii() || en.contains(words), "{words}: {en}");
        }
    }

    /// Refusals name states and parties by their names, never by their codes.
    #[test]
    fn refusals_name_states_and_parties_in_chinese() {
        use zhenggai_domain::lifecycle::ProblemState;
        let r = Refusal::WrongState {
            state: ProblemState::Claimed,
            hint: Hint::AwaitSubmission,
        };
        assert_eq!(
            refusal(Lang::Zh, &r),
            "问题当前“已认领”，不能进行此操作：请等待牵头单位报送整改措施。"
        );
        let u = Refusal::Unmet(Unmet::Acceptance(Party::InspectionOffice));
        assert_eq!(refusal(Lang::Zh, &u), "尚不能销号：巡察办尚未验收签字。");
        assert!(!refusal(Lang::En, &u).contains("inspection_office"));
    }
}
