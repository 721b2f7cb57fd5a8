//! The words of the domain's reasons: a field's error ([`Why`]), a lifecycle refusal
//! ([`Refusal`]) and what it tells to do ([`Hint`]), a refusal to a role or unit that
//! says who may ([`Refused`]) and a step blocked by other records ([`Blocking`]), each
//! with its Chinese and English here and nowhere else. The domain returns them as data; storage passes them on.
//!
//! Why this file stays whole (about 1,300 lines without its tests): it is one `match`
//! per reason type, each arm a reason's two wordings side by side, so that the compiler
//! proves every reason the domain can return is worded in both languages. Split by
//! feature, a reason's wording would be looked for in several files, and a translator
//! reads the file top to bottom as one glossary; the functions are long only because
//! the enums are, and each arm stands alone.

use zhenggai_domain::escalation::Misstep;
use zhenggai_domain::lifecycle::{ClosureRule, Hint, Missing, Party, Refusal, Unmet};
use zhenggai_domain::new_deadline::{Setting, TooEarly};
use zhenggai_domain::password::Weak;
use zhenggai_domain::reason::{
    Account, ApiRequest, Blocking, Bounds, Channel, Choose, FieldProblem, Files, Finding, Foreign,
    Import, NeededColumn, Refused, Rule, StepParty, Unreadable,
};
use zhenggai_domain::validate::{FieldError, Why, YEARS};

use super::{Labelled, Lang, Tr, zh_day};

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
        Why::NoSuchDay { year, month, day } if zh => {
            format!("{year}年{month}月没有{day}日：请检查日期，填写这个月里有的一天。")
        }
        Why::NoSuchDay { year, month, day } => format!(
            "{year}-{month:02} has no day {day}: check the date and give a day the month has."
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
        Why::AsOfAhead { today } if zh => format!(
            "统计截止日期不能晚于今天（{}）：台账只记录已经发生的事，请选择今天或以前的日期。",
            zh_day(*today)
        ),
        Why::AsOfAhead { today } => format!(
            "Figures are given as of today ({today}) or an earlier day: the ledger records only what has happened."
        ),
        Why::NothingAsOf { day } if zh => format!(
            "截至{}，台账中还没有这一轮巡察的问题，文件无可报告：请选择录入台账之后的日期。",
            zh_day(*day)
        ),
        Why::NothingAsOf { day } => format!(
            "On {day} the ledger held no problem of this inspection, so there is nothing to report: choose a day after it was entered."
        ),
        Why::BeforeInspection(b) => before_inspection(lang, b),
        Why::StartAfterRecorded(s) => start_after_recorded(lang, s),
        Why::Stale {
            changed_by,
            changed_at,
            columns,
        } => stale(lang, changed_by.as_deref(), changed_at.as_deref(), columns),
        Why::TooSoon(n) => too_soon(lang, n),
        Why::Refused(r) => refusal(lang, r),
        Why::TooEarly(e) => too_early(lang, e),
        Why::Escalation(m) => misstep(lang, *m),
        Why::Password(w) => weak(lang, *w),
        Why::Choose(c) => pick(choose(*c).0, choose(*c).1),
        Why::Foreign(f) => foreign(lang, f),
        Why::Rule(r) => rule(lang, r),
        Why::Bounds(b) => bounds(lang, *b),
        Why::Account(a) => pick(account(*a).0, account(*a).1),
        Why::Channel(c) => channel(lang, c),
        Why::Files(f) => files(lang, f),
        Why::Import(i) => import(lang, i),
        Why::Request(r) => request(lang, r),
        Why::Calendar(e) if zh => format!("第{}行：{}", e.line, e.message),
        Why::Calendar(e) => format!("Line {}: {}", e.line, e.message_en),
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

/// A step or page refused to the person's role or unit, and who may take it instead.
pub fn refused(lang: Lang, r: &Refused) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match r {
        Refused::ProgressByOwners => pick(
            "整改进展由该措施的牵头单位、配合单位和责任领导报送；您可以查看，不能报送。",
            "Progress is reported by the measure's lead unit, cooperating units and responsible leader: you may read it, not report it.",
        ),
        Refused::DoneByLead { lead_unit } if zh => format!(
            "只有该措施的牵头单位（{lead_unit}）可以标记完成。您可以报送进展，由牵头单位标记完成。"
        ),
        Refused::DoneByLead { lead_unit } => format!(
            "Only the measure's lead unit ({lead_unit}) marks it done. You may report progress; the lead unit marks it done."
        ),
        Refused::SummaryByOffice => pick(
            "一周一汇总由本单位整改办编辑保存；您可以阅读和下载。",
            "The weekly summary is edited and saved by the organisation's office; you may read and download it.",
        ),
        Refused::LedgerByOffice => pick(
            "只有本单位整改办可以修改台账（巡察、方面、问题、整改成效和回头看）；您可以查看。如需修改，请联系整改办。",
            "Only the organisation's office changes its ledger (inspections, aspects, problems, outcomes, look-backs); you may read it. Ask the office for a change.",
        ),
        Refused::DocumentsByLedgerReaders => pick(
            "上报文件由整改办、纪检监督、党委书记和上级巡察办生成；本单位或分管单位的整改情况请看首页和措施列表，需要文件时请联系整改办。",
            "The documents upward are generated by the office, the discipline supervisors, the Party secretary and the upper level; your own units' rectification is on your home page and measure list; ask the office for a document.",
        ),
        Refused::PetitionsByOffice => pick(
            "信访件由被巡察单位的整改办登记、改派和退回重办；承办单位在“信访件”页面登记办理结果。",
            "Petitions are registered, reassigned and returned by the inspected organisation's office; the handling unit records the result on the Petitions page.",
        ),
        Refused::MeetingByOffice => pick(
            "民主生活会由本单位整改办组织：意见的梳理反馈、谈心谈话、会议记录和问题纳入台账都由整改办办理；班子成员在本页阅知意见、撰写对照检查材料。",
            "The democratic life meeting is run by the organisation's office: it sorts and feeds back the opinions, records the talks and what was said, and carries the problems into the ledger; members acknowledge their opinions and write their self-examination on this page.",
        ),
        Refused::MaterialByItsMember => pick(
            "对照检查材料由班子成员本人撰写，班子的对照检查材料由整改办起草；如需修改他人的材料，请联系本人。",
            "A member writes their own self-examination, and the office drafts the leadership's; ask the member to change theirs.",
        ),
        Refused::PetitionByHandlingUnit { unit } => match lang {
            Lang::Zh => format!(
                "该信访件由{unit}承办，办理结果由{unit}或整改办登记；如需改派，请联系整改办。"
            ),
            Lang::En => format!(
                "This petition is handled by {unit}: {unit} or the office records its result; ask the office to reassign it."
            ),
        },
        Refused::ArchiveByOffice => pick(
            "归档材料包由本单位整改办导出；佐证材料可在各问题和措施页面查看。",
            "The archive package is made by the organisation's office; the evidence is on each problem's and measure's page.",
        ),
        Refused::OrganisationDocumentsByItsOffice => pick(
            "周汇总和督查通报是被巡察单位自己的文件，由该单位整改办根据本单位的周报和督查生成；请选择整改落实情况报告或整改情况公开，或查看该单位的挂图作战。",
            "The weekly summary and the monthly circular are the inspected organisation's own documents, made by its office from its weekly reports and supervision rounds; choose the final report or the public notice, or see its battle map.",
        ),
        Refused::FiguresByLedgerReaders => pick(
            "整改统计（全部台账的数字）由整改办、纪检监督、党委书记和上级巡察办查看；本单位或分管单位的整改情况请看首页和措施列表。",
            "The whole ledger's figures are read by the office, the discipline supervisors, the Party secretary and the upper level; your own unit's figures are on your home page and measure list.",
        ),
        Refused::HeaderWordsByOffice => pick(
            "只有本单位整改办可以设置导入列名。",
            "Only the organisation's rectification office sets the import's header words.",
        ),
        Refused::WeeklyNotYourRole => pick(
            "整改周报由各责任单位报送、本单位整改办汇总；您的角色不报送也不汇总周报。",
            "Weekly reports are sent by the units and gathered by the organisation's office; your role does neither.",
        ),
        Refused::ImportByOffice => pick(
            "只有本单位整改办可以导入台账。如需导入，请把台账文件交给整改办。",
            "Only the organisation's rectification office imports ledgers: hand the file to the office.",
        ),
        Refused::StepBy { party, lead_unit } => {
            let who = step_party(lang, *party, lead_unit);
            if zh {
                format!("这一步只能由{who}办理，您的角色或单位不能办理。如需推进，请联系{who}。")
            } else {
                format!("Only {who} takes this step, not your role or unit: ask them to.")
            }
        }
        Refused::MeasureByLead {
            lead_unit,
            contributes,
        } if zh => {
            let you = if *contributes {
                "您参与该措施（配合单位或责任领导），请在措施页报送整改进展；如需修改措施内容，请联系牵头单位或整改办。"
            } else {
                "您可以查看；如需修改，请联系整改办。"
            };
            format!("整改措施由牵头单位（{lead_unit}）拟定、本单位整改办修改。{you}")
        }
        Refused::MeasureByLead {
            lead_unit,
            contributes,
        } => {
            let you = if *contributes {
                "You cooperate on it (as a cooperating unit or responsible leader): report progress on the measure's page instead, and ask the lead unit or the office to change it."
            } else {
                "You may read it; ask the office for a change."
            };
            format!(
                "Only the measure's lead unit ({lead_unit}) drafts it and the organisation's office changes it. {you}"
            )
        }
        Refused::NoticesByOffice => pick(
            "督办文书（督办通知、提醒函、告诫书、问责建议）由本单位整改办签发；您可以查看。如认为需要督办，请联系整改办。",
            "Notices (supervision, reminder, admonition, accountability) are issued by the organisation's rectification office; you may read them. Ask the office if one is needed.",
        ),
        Refused::SettingsByOffice => pick(
            "本单位的设置（销号规则、预警规则、提醒渠道、周报时间）由整改办设定；如需调整，请联系整改办。",
            "The organisation's settings (closure rules, warning rules, reminder channels, weekly report times) are set by its rectification office: ask the office for a change.",
        ),
        Refused::SupervisionByOffice => pick(
            "督查和听取汇报由本单位整改办记录；您可以查看。",
            "Supervision rounds and hearings are recorded by the organisation's rectification office; you may read them.",
        ),
        Refused::SupervisionNotYourRole { upper: false } => pick(
            "督查和听取汇报由本单位整改办组织和记录，只有整改办和纪检监督可以查看这一页。如需了解督查对本单位的意见，请向本单位整改办询问。",
            "Supervision rounds and hearings are run and recorded by your organisation's rectification office; only the office and the discipline supervisor see this page. Ask the office for what a round found about your unit.",
        ),
        Refused::SupervisionNotYourRole { upper: true } => pick(
            "督查和听取汇报由被巡察单位的整改办组织和记录，上级巡察办不查看这一页。如需了解督查情况，请向被巡察单位的整改办询问，或查看其周报汇总。",
            "Supervision rounds and hearings are run and recorded by the inspected organisation's rectification office; the upper level does not see this page. Ask that office, or read its weekly summaries.",
        ),
        Refused::WithdrawByOffice => pick(
            "只有台账所属单位的整改办可以撤回整改措施；您可以查看。如需撤回，请联系该单位整改办并说明原因。",
            "Only the rectification office of the organisation whose ledger holds this measure can withdraw it; you may read it. Ask that office, saying why.",
        ),
        Refused::MilestonesByOwners => pick(
            "阶段目标由该措施的牵头单位、配合单位和责任领导设定和标记完成；您可以查看。",
            "Milestones are set and marked reached by the measure's lead unit, cooperating units and responsible leader; you may read them.",
        ),
        Refused::AdministratorsReadNoLedger => pick(
            "管理员账号负责账号、角色和审计日志，不查看整改台账（三员分立）。如需查看台账，请退出后用整改台账的账号登录。",
            "Administrator accounts manage accounts, roles and the audit trail, and do not read the ledger. To read the ledger, sign out and sign in with a ledger account.",
        ),
        Refused::NoRoleYet => pick(
            "您的账号尚未分配角色，还不能查看整改台账。请联系安全管理员分配角色。",
            "Your account has no role yet, so it reads no ledger. Ask the security administrator to assign you one.",
        ),
        Refused::ByAdministrator { role } if zh => format!(
            "这项工作由{}办理（三员分立），您的账号不能办理。如需办理，请联系{}。",
            role.zh(),
            role.zh()
        ),
        Refused::ByAdministrator { role } => format!(
            "This is the {}'s work (the three administrators are kept apart); your account may not do it. Ask the {} to.",
            role.en().to_lowercase(),
            role.en().to_lowercase()
        ),
        Refused::NotYourStep => pick(
            "您的角色或单位不能办理这一步。",
            "Your role or unit may not take this step.",
        ),
    }
}

/// Who takes a lifecycle step, named within a sentence.
fn step_party(lang: Lang, p: StepParty, lead: &str) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match p {
        StepParty::LeadUnit if zh => format!("该问题的牵头单位（{lead}）"),
        StepParty::LeadUnit => format!("the problem's lead unit ({lead})"),
        StepParty::Leader => pick("分管该问题的领导", "the leader in charge of the problem"),
        StepParty::LeaderOrOffice => pick("分管领导或整改办", "the leader in charge or the office"),
        StepParty::LeadUnitOrOffice if zh => format!("牵头单位（{lead}）或整改办"),
        StepParty::LeadUnitOrOffice => format!("the lead unit ({lead}) or the office"),
        StepParty::OfficeOrInspectors => pick(
            "整改办（巡察办、巡察组也可签本方）",
            "the office (the inspecting side may sign its own parts)",
        ),
        StepParty::Office => pick("整改办", "the office"),
    }
}

/// What blocks a step and what to do; the records that block it are listed apart.
pub fn blocking(lang: Lang, b: &Blocking) -> String {
    let zh = lang == Lang::Zh;
    match b {
        Blocking::PlanAlreadyFiled => lang
            .pick(
                "整改方案已经备案，无须再次报备。",
                "The plan is already filed: nothing more to do.",
            )
            .to_string(),
        Blocking::ProblemsNotApproved { n } if zh => format!(
            "还有{n}个问题的整改措施未经党委审批，不能报上级备案。请逐个推进下列问题（认领、拟定措施、领导审定、整改办汇总、党委审批），全部批准后再备案。"
        ),
        Blocking::ProblemsNotApproved { n } => format!(
            "{n} problems are not approved yet, so the plan cannot be filed. Take each one below through its plan (claim, measures, sign-off, compilation, approval), then file the plan."
        ),
        Blocking::MeasuresOpen { n, dated_only } if zh => format!(
            "还有{n}条措施未完成，不能{}。请由各措施的牵头单位在措施页面报送进展并标记完成，全部完成后再办理。",
            if *dated_only {
                "阶段性销号"
            } else {
                "申请销号"
            }
        ),
        Blocking::MeasuresOpen { n, .. } => format!(
            "{n} measure(s) are still open. Their lead units report progress and mark each done on the measure's page; then try again."
        ),
        Blocking::MilestonesMissing { n } if zh => format!(
            "有{n}条措施的整改期限超过本单位规定的月数，须先在措施页面分解阶段目标，然后再报送或审批方案。"
        ),
        Blocking::MilestonesMissing { n } => format!(
            "{n} measure(s) run longer than the organisation's limit: give each milestones on its page, then submit or approve the plan."
        ),
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

/// A date of what happened that lies before its inspection began.
fn before_inspection(lang: Lang, b: &zhenggai_domain::happened::BeforeInspection) -> String {
    use zhenggai_domain::happened::Event;
    let what = match (lang, b.event) {
        (Lang::Zh, Event::PlanApproved | Event::HearingHeld) => "会议日期",
        (Lang::Zh, Event::AccountabilityDecided) => "决定日期",
        (Lang::Zh, Event::InstitutionIssued) => "印发日期",
        (Lang::Zh, Event::MoneyRecovered) => "清退（追缴）日期",
        (Lang::Zh, Event::RoundHeld) => "督查日期",
        (Lang::Zh, Event::ProgressMade) => "进展日期",
        (Lang::Zh, Event::MilestoneReached) => "完成日期",
        (Lang::Zh, Event::FeedbackGiven) => "反馈日期",
        (Lang::Zh, Event::PetitionReceived) => "接收日期",
        (Lang::Zh, Event::PetitionConcluded) => "办结日期",
        (Lang::Zh, Event::MeetingHeld) => "召开日期",
        (Lang::En, Event::PlanApproved | Event::HearingHeld) => "The meeting date",
        (Lang::En, Event::AccountabilityDecided) => "The decision date",
        (Lang::En, Event::InstitutionIssued) => "The issue date",
        (Lang::En, Event::MoneyRecovered) => "The date recovered",
        (Lang::En, Event::RoundHeld) => "The round's date",
        (Lang::En, Event::ProgressMade) => "The date of the work",
        (Lang::En, Event::MilestoneReached) => "The day reached",
        (Lang::En, Event::FeedbackGiven) => "The feedback date",
        (Lang::En, Event::PetitionReceived) => "The day received",
        (Lang::En, Event::PetitionConcluded) => "The day concluded",
        (Lang::En, Event::MeetingHeld) => "The day the meeting was held",
    };
    match lang {
        Lang::Zh => format!(
            "{what}（{}）早于巡视巡察开始的日期（{}）：整改的事不会发生在巡视巡察之前，请核对年份，填写实际的日期。",
            zh_day(b.date),
            zh_day(b.start)
        ),
        Lang::En => format!(
            "{what} ({}) is before the inspection began ({}): check the year and give the actual date.",
            b.date, b.start
        ),
    }
}

/// An inspection's start moved past the earliest of what its rectification recorded as
/// happened: names that record and its date, and the two ways out.
fn start_after_recorded(lang: Lang, s: &zhenggai_domain::happened::StartAfterRecorded) -> String {
    use zhenggai_domain::happened::Event;
    let words = zhenggai_domain::text::clip(&s.record, 30);
    let (date, start) = (s.first.date, s.first.start);
    match lang {
        Lang::Zh => {
            let what = match s.first.event {
                Event::ProgressMade => format!("措施“{words}”的整改进展"),
                Event::MilestoneReached => format!("阶段目标“{words}”的完成"),
                Event::AccountabilityDecided => format!("对“{words}”的问责决定"),
                Event::InstitutionIssued => format!("制度“{words}”的印发"),
                _ => format!("“{words}”的清退（追缴）"),
            };
            format!(
                "已登记的{what}在{}，早于改后的开始日期（{}）：巡视巡察开始后才有整改的事。请把开始日期改为{}或更早；如那条记录的日期有误，请先更正那条记录。",
                zh_day(date),
                zh_day(start),
                zh_day(date)
            )
        }
        Lang::En => {
            let what = match s.first.event {
                Event::ProgressMade => format!("progress on the measure “{words}”"),
                Event::MilestoneReached => format!("the milestone “{words}” reached"),
                Event::AccountabilityDecided => format!("the accountability decision on “{words}”"),
                Event::InstitutionIssued => format!("the rule “{words}” issued"),
                _ => format!("the money recovered “{words}”"),
            };
            format!(
                "Already recorded: {what} on {date}, before the new start ({start}); nothing of the rectification happens before the inspection. Give {date} or earlier, or first correct that record's date if it is wrong."
            )
        }
    }
}

/// A date of what happened that lies before the step it follows, by what the date records.
fn too_soon(lang: Lang, n: &zhenggai_domain::happened::TooSoon) -> String {
    use zhenggai_domain::happened::Event;
    let (date, earliest) = (zh_day(n.date), zh_day(n.earliest));
    match (lang, n.event) {
        (Lang::Zh, Event::PetitionConcluded) => format!(
            "办结日期（{date}）早于该信访件接收或最近一次退回重办的日期（{earliest}）：请填写实际办结的日期。"
        ),
        (Lang::En, Event::PetitionConcluded) => format!(
            "The day concluded ({}) is before the petition was received or last returned ({}): give the day it was actually concluded.",
            n.date, n.earliest
        ),
        (Lang::Zh, Event::PetitionReceived) => format!(
            "接收日期（{date}）早于巡视巡察反馈的日期（{earliest}）：信访件随反馈意见移交，请填写实际接收的日期。"
        ),
        (Lang::En, Event::PetitionReceived) => format!(
            "The day received ({}) is before the inspection's feedback ({}): petitions are handed over with it; give the day it was received.",
            n.date, n.earliest
        ),
        // The one other step with an earliest day: a plan approved after it was compiled.
        (Lang::Zh, _) => format!(
            "会议日期（{date}）早于整改措施汇总入方案的日期（{earliest}）：党委（党组）会议审批须在汇总之后，请填写实际开会的日期。"
        ),
        (Lang::En, _) => format!(
            "The meeting date ({}) is before the plan was compiled ({}): the Party committee approves it afterwards; give the day it met.",
            n.date, n.earliest
        ),
    }
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
        (Lang::Zh, Event::HearingHeld) => {
            format!("会议日期（{date}）晚于今天（{day}）：请在调度会开过后登记，填写开会的日期。")
        }
        (Lang::Zh, Event::RoundHeld) => {
            format!("督查日期（{date}）晚于今天（{day}）：请在督查之后登记，填写督查的日期。")
        }
        (Lang::Zh, Event::ProgressMade) => {
            format!("进展日期（{date}）晚于今天（{day}）：请登记已经做了的工作，填写实际的日期。")
        }
        (Lang::Zh, Event::MilestoneReached) => {
            format!("完成日期（{date}）晚于今天（{day}）：请在阶段目标完成后标记，填写完成的日期。")
        }
        (Lang::Zh, Event::FeedbackGiven) => {
            format!(
                "反馈日期（{date}）晚于今天（{day}）：请在巡视巡察组反馈后登记，填写实际反馈的日期，并核对年份。"
            )
        }
        (Lang::Zh, Event::PetitionReceived) => {
            format!(
                "接收日期（{date}）晚于今天（{day}）：请在信访件移交后登记，填写实际接收的日期。"
            )
        }
        (Lang::Zh, Event::PetitionConcluded) => {
            format!(
                "办结日期（{date}）晚于今天（{day}）：请在办理完毕后登记结果，填写实际办结的日期。"
            )
        }
        (Lang::En, Event::PetitionReceived) => format!(
            "The day received ({}) is after today ({}): register the petition once it is handed over, with the day it was received.",
            n.date, n.day
        ),
        (Lang::Zh, Event::MeetingHeld) => {
            format!("召开日期（{date}）晚于今天（{day}）：请在会议召开后登记，填写实际召开的日期。")
        }
        (Lang::En, Event::MeetingHeld) => format!(
            "The day held ({}) is after today ({}): record the meeting once it is held, with the day it was held.",
            n.date, n.day
        ),
        (Lang::En, Event::PetitionConcluded) => format!(
            "The day concluded ({}) is after today ({}): record the result once the petition is concluded, with that day.",
            n.date, n.day
        ),
        (Lang::En, Event::FeedbackGiven) => format!(
            "The feedback date ({}) is after today ({}): register the inspection once its findings are handed over, with the actual day (check the year).",
            n.date, n.day
        ),
        (Lang::En, Event::ProgressMade) => format!(
            "The date of the work ({}) is after today ({}): record work once it is done, with its day.",
            n.date, n.day
        ),
        (Lang::En, Event::MilestoneReached) => format!(
            "The day reached ({}) is after today ({}): mark the milestone once it is reached, with its day.",
            n.date, n.day
        ),
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
        (Lang::En, Event::HearingHeld) => format!(
            "The hearing's date ({}) is after today ({}): record the hearing once it has been held, with the day it met.",
            n.date, n.day
        ),
        (Lang::En, Event::RoundHeld) => format!(
            "The round's date ({}) is after today ({}): record the supervision round once it has been held, with its day.",
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

/// Joins names in one language: 、 between Chinese ones, commas between English ones.
fn join<T: std::fmt::Display>(lang: Lang, items: &[T]) -> String {
    let sep = Tr(lang).enum_sep();
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// A new deadline set before the day it is set.
fn too_early(lang: Lang, e: &TooEarly) -> String {
    let (deadline, day) = (zh_day(e.deadline), zh_day(e.day));
    match (lang, e.setting) {
        (Lang::Zh, Setting::ApproveExtension) => format!(
            "延期申请提出的新时限（{deadline}）已早于今天（{day}），批准后措施会立即逾期：请不予延期，由牵头单位重新申请{day}或以后的时限。"
        ),
        // A measure being drafted has its first deadline, not a new one.
        (Lang::Zh, Setting::DraftMeasure) => format!(
            "整改时限（{deadline}）早于今天（{day}）：整改措施是要做的事，请填写{day}或以后的时限；已过去的历史台账请由整改办导入。"
        ),
        (Lang::Zh, s) => format!(
            "{}的新时限（{deadline}）早于今天（{day}）：请填写{day}或以后的日期。",
            setting(lang, s)
        ),
        (Lang::En, Setting::DraftMeasure) => format!(
            "The deadline ({}) is before today ({}): a measure is work still to do, so give {} or later; a past ledger comes in by the office's import.",
            e.deadline, e.day, e.day
        ),
        (Lang::En, Setting::ApproveExtension) => format!(
            "The deadline the extension asks for ({}) is before today ({}): approved, the measure would be overdue at once. Refuse it, and let the lead unit ask for {} or later.",
            e.deadline, e.day, e.day
        ),
        (Lang::En, s) => format!(
            "The new deadline of {} ({}) falls before {}, the day it is set: choose {} or later.",
            setting(lang, s),
            e.deadline,
            e.day,
            e.day
        ),
    }
}

/// Where a deadline is set after the fact.
fn setting(lang: Lang, s: Setting) -> &'static str {
    match s {
        Setting::ReturnClosure => lang.pick("留号（限时办结）", "the returned closure"),
        Setting::Reopen => lang.pick("回炉", "the reopened problem"),
        Setting::RequestExtension => lang.pick("延期申请", "the extension asked for"),
        Setting::ApproveExtension => lang.pick("批准延期", "the extension approved"),
        Setting::Milestone => lang.pick("阶段目标", "the milestone"),
        Setting::SupplementaryMeasure => lang.pick("补充措施", "the supplementary measure"),
        Setting::DraftMeasure => lang.pick("整改措施", "the measure"),
    }
}

/// A notice out of its turn.
fn misstep(lang: Lang, m: Misstep) -> String {
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match m {
        Misstep::AllIssued => pick(
            "督办文书已全部发出（已提出问责建议）。",
            "Every notice has been issued (accountability already proposed).",
        ),
        Misstep::OutOfOrder { next, kind } if lang == Lang::Zh => {
            format!("应先发{}，再发{}。", next.zh(), kind.zh())
        }
        Misstep::OutOfOrder { next, kind } => {
            format!("Issue the {} before the {}.", next.en(), kind.en())
        }
        Misstep::FinalDeadlineMissing => pick(
            "告诫书须写明最后期限。",
            "An admonition states a final deadline.",
        ),
        Misstep::FinalDeadlineNotAhead => pick(
            "最后期限应在今天之后。",
            "The final deadline must be after today.",
        ),
        Misstep::FinalDeadlineOnlyAdmonition => pick(
            "只有告诫书写最后期限。",
            "Only an admonition states a final deadline.",
        ),
        Misstep::FinalDeadlineTooFar { latest } if lang == Lang::Zh => format!(
            "最后期限是最后一次整改机会，最晚可定到{}：请核对年份。",
            zh_day(latest)
        ),
        Misstep::FinalDeadlineTooFar { latest } => format!(
            "A final deadline is a last chance: set it no later than {latest} (check the year)."
        ),
        Misstep::MeasureDone => pick(
            "该措施已完成，无需督办。",
            "This measure is done: there is nothing to press for.",
        ),
        Misstep::NotLagging => pick(
            "该措施尚未到预警期，也没有逾期，不需要督办：督办用于逾期、临期、立行立改未完成或长期无进展的措施。",
            "This measure is on schedule: notices are for measures overdue, due soon, 立行立改 not yet done, or long-term without progress.",
        ),
    }
}

/// A password too weak.
fn weak(lang: Lang, w: Weak) -> String {
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match w {
        Weak::TooShort { min } if lang == Lang::Zh => format!("密码至少{min}位，请加长。"),
        Weak::TooShort { min } => format!("Use at least {min} characters."),
        Weak::OnlyDigits => pick(
            "密码不能只由数字和空格组成，请加入字母和符号。",
            "A password of only digits and spaces is refused: add letters and symbols.",
        ),
        Weak::FewKinds => pick(
            "密码须包含大写字母、小写字母、数字、符号中的至少三类。",
            "Use at least three of: upper case, lower case, digits, symbols.",
        ),
        Weak::HasUsername => pick(
            "密码不能包含用户名，请另选。",
            "The password must not contain the username: choose another.",
        ),
        Weak::Common => pick(
            "这是常见密码，容易被猜中，请另选。",
            "This is a common password, easily guessed: choose another.",
        ),
    }
}

/// A choice to make.
fn choose(c: Choose) -> (&'static str, &'static str) {
    match c {
        Choose::Source => ("请选择问题来源。", "Choose where the problem came from."),
        Choose::Aspect => (
            "请选择本轮巡察的一个方面。",
            "Choose an aspect of this inspection.",
        ),
        Choose::LeadDepartment => (
            "请选择本单位的一个部门作为牵头单位。",
            "Choose a department of this organisation as the lead unit.",
        ),
        Choose::Department => (
            "请选择本单位的一个部门。",
            "Choose a department of this organisation.",
        ),
        Choose::InspectionKind => ("请选择巡察类别。", "Choose the kind of inspection."),
        Choose::Notice => ("请选择督办文书。", "Choose the notice."),
        Choose::SubjectKind => ("请选择问责对象是个人还是单位。", "Choose person or unit."),
        Choose::DisciplineForm => (
            "请选择“四种形态”中的一种。",
            "Choose one of the four forms.",
        ),
        Choose::ChangeKind => (
            "请选择制定、修订或废止。",
            "Choose made, revised or abolished.",
        ),
        Choose::Member => (
            "请从本次民主生活会的班子成员中选择。",
            "Choose one of the meeting's members.",
        ),
        Choose::OpinionCategory => (
            "请选择意见的类别（政治建设、思想理论、担当作为、工作作风、廉洁自律或其他）。",
            "Choose what the opinion is about (political, ideological, work, style, integrity or other).",
        ),
        Choose::OpinionChannel => (
            "请选择意见的来源渠道（来信、座谈会或意见邮箱）。",
            "Choose how the opinion came (letter, forum or mailbox).",
        ),
        Choose::RemarkKind => (
            "请选择自我批评、相互批评或上级点评。",
            "Choose self-criticism, criticism or the upper level's remarks.",
        ),
        Choose::HandlingUnit => (
            "请从本单位的部门中选择承办单位。",
            "Choose the handling unit from the organisation's departments.",
        ),
        Choose::LeadingUnit => ("请选择由哪个单位牵头。", "Choose the unit that will lead."),
        Choose::MeasureToExtend => ("请选择要延期的措施。", "Choose the measure to extend."),
        Choose::Party => (
            "请选择验收方：巡察办、巡察组或被巡察单位。",
            "Choose the party: inspection office, inspection group or inspected unit.",
        ),
        Choose::Action => (
            "未知的操作：请使用页面上的按钮。",
            "Unknown action: use the buttons on the page.",
        ),
        Choose::Secretary => (
            "请从列表中选择党委书记。",
            "Pick the Party secretary from the list.",
        ),
        Choose::Week => ("请选择周次。", "Choose the week."),
        Choose::Role => ("请选择角色。", "Choose a role."),
        Choose::UnknownRole => (
            "未知角色：请从角色列表中选择。",
            "Unknown role: choose one of the roles.",
        ),
        Choose::UnitsInCharge => (
            "请从列表中选择分管单位。",
            "Choose the units in charge from the list.",
        ),
        Choose::UnitKind => (
            "类别应为 org（单位）或 dept（部门）。",
            "kind is org or dept.",
        ),
        Choose::RobotKind => (
            "请选择企业微信、钉钉或飞书群机器人，或选择“不使用”。",
            "Choose the WeCom, DingTalk or Feishu robot, or none.",
        ),
        Choose::RobotColours => (
            "群内推送的预警只能选绿色、黄色或红色。",
            "The group gets green, yellow or red warnings only.",
        ),
        Choose::LedgerFile => (
            "请选择要导入的台账文件。",
            "Choose the ledger file to import.",
        ),
        Choose::AttachLedger => ("请附上台账文件。", "Attach the ledger file."),
        Choose::HeaderMeaning => (
            "请从列表中选择这个列名识别为哪一栏。",
            "Choose from the list what the word is read as.",
        ),
        Choose::FindingUnit => (
            "请为这条督查发现选择单位。",
            "Choose the unit of this finding.",
        ),
        Choose::ColumnFields => (
            "请为每一列选择对应的栏目，或选择“忽略此列”。",
            "Choose a field for each column, or “ignore this column”.",
        ),
        Choose::StatusFilter => (
            "无法识别：请从页面上的“状态”下拉框中选择。",
            "Not a status the list knows: pick one from the Status list.",
        ),
        Choose::SourceFilter => (
            "无法识别：请从页面上的“来源”下拉框中选择。",
            "Not a source the list knows: pick one from the Source list.",
        ),
        Choose::ClosedProblem => (
            "请至少选择一个已销号的问题。",
            "Choose at least one closed problem.",
        ),
        Choose::DocumentKind => (
            "请选择要生成的文件：整改落实情况报告、整改情况公开、周汇总或督查通报。",
            "Choose the document: the final report, the public notice, the weekly summary or the circular.",
        ),
    }
}

/// A record the form may not name.
fn foreign(lang: Lang, f: &Foreign) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match f {
        Foreign::NotOfMeeting => pick(
            "所选的意见或发言不属于本次民主生活会，请从本页列出的内容中选择。",
            "That opinion or remark is not one of this meeting's: choose one listed on this page.",
        ),
        Foreign::ItemOfAspect => pick(
            "所选的项不属于该方面，请重新选择。",
            "That item is not under the chosen aspect.",
        ),
        Foreign::Leader => pick(
            "责任领导须是本单位的领导，请重新选择。",
            "The responsible leader must be a leader of this organisation.",
        ),
        Foreign::CooperatingUnits => pick(
            "配合单位须是本单位的部门，请重新选择。",
            "Cooperating units must be departments of this organisation.",
        ),
        Foreign::NotInInspection { id } if zh => format!("编号{id}不属于本轮巡察，请重新选择。"),
        Foreign::NotInInspection { id } => format!("#{id} is not part of this inspection."),
        Foreign::NotClosedHere { id } if zh => format!("问题{id}不是本轮巡察已销号的问题。"),
        Foreign::NotClosedHere { id } => {
            format!("Problem {id} is not a closed problem of this inspection.")
        }
        Foreign::UnitsInCharge { ids } if zh => format!(
            "分管单位须是本人所在单位的部门；编号为{}的单位不是。",
            join(lang, ids)
        ),
        Foreign::UnitsInCharge { ids } => format!(
            "Units in charge are departments of the person's own organisation; unit {} is not.",
            join(lang, ids)
        ),
        Foreign::ParentUnit => pick(
            "上级单位不存在，请重新选择。",
            "The parent unit does not exist: choose another.",
        ),
        Foreign::Unit => pick(
            "所选单位不存在，请重新选择。",
            "That unit does not exist: choose another.",
        ),
        Foreign::MeasureOfProblem => pick(
            "所选措施不属于该问题。",
            "That measure is not one of this problem's.",
        ),
        Foreign::Secretary => pick(
            "党委书记应为本单位的领导账号。",
            "The Party secretary must be one of the organisation's leaders.",
        ),
        Foreign::NotInRound => pick(
            "该问题不在这一轮“回头看”中。",
            "This problem is not in that look-back round.",
        ),
        Foreign::CarryMeasures => pick(
            "所选措施须是该问题中由原牵头单位牵头的措施，请刷新页面后重新选择。",
            "Choose measures of this problem that the former lead unit leads (reload the page and choose again).",
        ),
        Foreign::MappedUnit { name } if zh => format!("“{name}”对应的单位不属于本单位。"),
        Foreign::MappedUnit { name } => {
            format!("The unit chosen for “{name}” is not one of this organisation's.")
        }
    }
}

/// A rule of the ledger's records.
fn rule(lang: Lang, r: &Rule) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match r {
        Rule::PeriodReversed => pick(
            "结束日期早于开始日期：请把结束日期改为开始日期当天或之后，或核对开始日期的年份。",
            "The period ends before it starts: give an end on or after the start, or check the start's year.",
        ),
        Rule::StationedAhead { today } if zh => format!(
            "进驻日期晚于今天（{}）：巡视巡察组进驻过后才登记，请核对年份，填写实际进驻的日期。",
            zh_day(*today)
        ),
        Rule::StationedAhead { today } => format!(
            "The stationed period is after today ({today}): it is recorded once the group has been stationed; check the year and give the actual days."
        ),
        Rule::WorkAhead => pick(
            "日期不能晚于今天，请填写工作实际发生的日期。",
            "The date cannot be after today: give the day the work was done.",
        ),
        Rule::EvidenceNeeded => pick(
            "标记完成须附佐证材料，请上传文件。",
            "Marking it done needs evidence: attach a file.",
        ),
        Rule::MeasureDone => pick("该措施已标记完成。", "This measure is already marked done."),
        Rule::MilestoneUndated => pick(
            "阶段目标须写明完成时间（如“2024年9月底前”“三季度末”），不能是“立行立改”或“长期坚持”。",
            "A milestone needs a date or period (e.g. 2024年9月底前, 三季度末), not 立行立改 or 长期坚持.",
        ),
        Rule::MilestoneAfterDeadline { due, end } if zh => format!(
            "阶段目标的完成时间（{}）不能晚于措施的整改时限（{}）。",
            zh_day(*due),
            zh_day(*end)
        ),
        Rule::MilestoneAfterDeadline { due, end } => {
            format!("A milestone ({due}) cannot fall after the measure's deadline ({end}).")
        }
        Rule::ReachedAhead => pick(
            "完成日期不能晚于今天。",
            "The day it was reached cannot be after today.",
        ),
        Rule::MilestoneReached => pick(
            "该阶段目标已标记完成。",
            "This milestone is already marked reached.",
        ),
        Rule::MilestoneNotOpen => pick(
            "该措施已完成或属立行立改，不再设阶段目标。",
            "This measure is done or immediate (立行立改): it takes no milestones.",
        ),
        Rule::ExtensionUndated => pick(
            "延期后的时限须是具体日期或期间，如2024年7月底前。",
            "An extension needs a dated deadline, e.g. 2024年7月底前.",
        ),
        Rule::ExtensionNotLater { current } if zh => format!(
            "延期后的时限须晚于现在的整改时限（{}）。如需提前完成，不必申请延期。",
            zh_day(*current)
        ),
        Rule::ExtensionNotLater { current } => format!(
            "An extension must end after the measure's present deadline ({current}). To finish earlier, no extension is needed."
        ),
        Rule::NoOpinion => pick(
            "这一步不填写意见，请把说明写在原因或备注里。",
            "This step takes no opinion: put it in the reason or the note.",
        ),
        Rule::LeadSetByOffice => pick(
            "牵头单位由整改办确定（有异议的由分管领导裁定），如需调整请联系整改办。",
            "The rectification office sets the lead unit (the leader in charge decides a dispute): ask them to change it.",
        ),
        Rule::SetByOffice => pick(
            "方案已报送，此项由整改办确定，如需调整请联系整改办。",
            "The plan is submitted: the rectification office sets this now; ask them to change it.",
        ),
        Rule::DeadlineByExtension => pick(
            "整改方案已批准，时限只能通过延期申请调整。",
            "The plan is approved: the deadline changes only through an extension.",
        ),
        Rule::LeadCooperates => pick(
            "牵头单位不必再列为配合单位。",
            "The lead unit need not cooperate with itself.",
        ),
        Rule::NoMeasures => pick(
            "请至少填写一条措施（措施内容和整改时限必填）。",
            "Fill in at least one measure (its content and deadline are required).",
        ),
        Rule::TooManyMeasures { max } if zh => format!("一次最多录入{max}条措施，请分批保存。"),
        Rule::TooManyMeasures { max } => {
            format!("At most {max} measures at a time: save them in batches.")
        }
        Rule::LeadDraftsOwn => pick(
            "牵头单位拟定的措施由本单位牵头。",
            "A lead unit drafts measures it leads itself.",
        ),
        Rule::Amount => pick(
            "金额应写作18600、18,600.50或1.86万元。",
            "Write the amount as 18600, 18,600.50 or 1.86万元.",
        ),
        Rule::PetitionConcluded => pick(
            "该信访件已办结。办理结果需要补充或纠正的，由整改办“退回重办”后再登记。",
            "This petition is concluded. A result that needs more work is returned by the office first, then recorded again.",
        ),
        Rule::PetitionDeadlineTooLate { latest } => match lang {
            Lang::Zh => format!(
                "办理时限不能晚于接收后一年（{}）：信访件一般60日内办结，情况复杂的可适当延长。",
                zh_day(*latest)
            ),
            Lang::En => format!(
                "The deadline cannot be more than a year after the day received ({latest}): petitions are concluded within sixty days, a little longer when complex."
            ),
        },
        Rule::PetitionGone => pick(
            "这件信访件已不在您可以办理的列表中：整改办可能已将它改派给其他单位或撤回。您填写的内容没有保存，已列在下面，请复制后联系整改办。",
            "This petition is no longer among those you may act on: the office may have reassigned it to another unit or withdrawn it. What you typed was not saved; it is below: copy it and ask the office.",
        ),
        Rule::BoxNotYetOpen { opens } => match lang {
            Lang::Zh => format!("意见箱{}开放，请届时再提交。", zh_day(*opens)),
            Lang::En => format!("The opinion box opens on {opens}; please submit then."),
        },
        Rule::BoxClosed { closed } => match lang {
            Lang::Zh => format!(
                "意见征求已于{}结束，意见箱不再接收意见。如仍有意见，请通过来信或意见邮箱反映。",
                zh_day(*closed)
            ),
            Lang::En => format!(
                "The solicitation ended on {closed}: the box takes no more opinions. Send a letter or write to the mailbox instead."
            ),
        },
        Rule::BoxDays { max_days } => match lang {
            Lang::Zh => format!(
                "意见箱的截止日期不能早于开放日期、不能晚于会议召开日期，开放时间不超过{max_days}天。"
            ),
            Lang::En => format!(
                "The box's last day cannot come before its first or after the meeting, and it stays open at most {max_days} days."
            ),
        },
        Rule::BoxStillOpen { closes } => match lang {
            Lang::Zh => format!(
                "意见箱还在接收意见（截止{}）：截止后才能开箱，以免从开箱时间推断出提交时间。需要提前结束征求意见的，请先点“截止征求意见”。",
                zh_day(*closes)
            ),
            Lang::En => format!(
                "The box still takes opinions (until {closes}): it is opened once closed, so that no one can tell from an opening when an opinion arrived. To end the solicitation early, close the box first."
            ),
        },
        Rule::MeetingPast => pick(
            "会议已召开（或问题已纳入整改台账），会前的意见、谈话和材料不再修改；会议记录在纳入台账前可以补充。",
            "The meeting has been held (or its problems have joined the ledger): what was prepared before it no longer changes; what was said may be added until the problems join the ledger.",
        ),
        Rule::MeetingNotHeld => pick(
            "会议召开后才能将查摆的问题纳入整改台账，且只纳入一次：请先登记会议已召开。",
            "The problems join the ledger after the meeting is held, and once: record that the meeting was held first.",
        ),
        Rule::NothingToCarry => pick(
            "还没有查摆的问题可以纳入整改台账：请先在对照检查材料中列出问题和整改措施。",
            "No problem is named yet for the ledger: list the problems and measures in the self-examinations first.",
        ),
        Rule::MaterialFinal => pick(
            "对照检查材料已定稿，不再修改；如需修改，请联系整改办退回起草。",
            "The self-examination is final and no longer changes; ask the office to reopen it.",
        ),
        Rule::NotToAcknowledge => pick(
            "这条意见没有反馈给您，或您已阅知。",
            "This opinion was not fed back to you, or you have acknowledged it.",
        ),
        Rule::MergeTarget => pick(
            "请选择另一条未被合并的意见作为合并对象。",
            "Choose another opinion, not itself merged, to merge into.",
        ),
        Rule::RemarkMembers => pick(
            "自我批评只涉及本人；相互批评请选择提出批评和被批评的两位不同成员。",
            "Self-criticism concerns one member; for criticism choose two different members, who criticises and who is criticised.",
        ),
        Rule::PetitionNumberTaken => pick(
            "本轮已有信访件使用这个编号：请核对移交清单上的编号，或留空。",
            "Another petition of this inspection has this number: check the transfer list, or leave it empty.",
        ),
        Rule::PetitionNotConcluded => pick(
            "该信访件尚未办结，没有可退回的办理结果。",
            "This petition is not concluded: there is no result to return.",
        ),
        Rule::PetitionDeadlineBeforeReceived { received_on } => match lang {
            Lang::Zh => format!(
                "办理时限不能早于接收日期（{}）：请填写{}或之后的日期，或留空按接收后60日计。",
                zh_day(*received_on),
                zh_day(*received_on)
            ),
            Lang::En => format!(
                "The deadline cannot be before the day received ({received_on}): give that day or later, or leave it empty for sixty days after it."
            ),
        },
        Rule::NoFindings => pick(
            "至少记录一个单位的督查发现。",
            "Record what was found at one unit at least.",
        ),
        Rule::LookbackDecided => pick(
            "本轮“回头看”已对该问题作出结论。",
            "This round has already decided on the problem.",
        ),
        Rule::ReportWeek => pick(
            "只能报送本周或上周的周报。",
            "Report this week or last week only.",
        ),
        Rule::HolidayWeek => pick(
            "这一周放假，无需报送周报。",
            "This week is a holiday week: no report is due.",
        ),
        Rule::WeekAhead => pick(
            "这一周还没有到，不能汇总：请选择本周或之前的一周。",
            "That week has not come yet: choose this week or an earlier one.",
        ),
        Rule::WeekBeforeLedger { first } if zh => format!(
            "这一周早于本单位第一次巡视巡察，没有整改情况可汇总：请从{}那一周起选择，并核对年份。",
            zh_day(*first)
        ),
        Rule::WeekBeforeLedger { first } => format!(
            "That week comes before the organisation's first inspection: choose a week from {first} on (check the year)."
        ),
        Rule::WithdrawReason => pick("撤回须说明原因。", "Say why it is withdrawn."),
        Rule::FeedbackBeforeStationed { last } if zh => format!(
            "反馈日期早于巡视巡察组进驻的最后一天（{}）：反馈在进驻结束之后，请核对日期和年份。",
            zh_day(*last)
        ),
        Rule::FeedbackBeforeStationed { last } => format!(
            "The feedback date is before the last day the group was stationed ({last}): feedback comes after the stationed period; check the dates and the year."
        ),
        Rule::UnsavedVersion => pick(
            "这条记录还没有保存过，版本号应为 0：请重新打开后再保存。",
            "This record has not been saved yet, so its version is 0: open it again and save.",
        ),
        Rule::PlanDocument => pick(
            "请填写报备的整改方案文件名称或文号。",
            "Name the plan document (title or number).",
        ),
        Rule::Title { max } if zh => format!("请填写名称（不超过{max}字）。"),
        Rule::Title { max } => format!("Give a title (at most {max} characters)."),
        Rule::Checkpoint { code } => format!(
            "{code}{}{}",
            lang.pick("：", ": "),
            Tr(lang).verify_bad_code()
        ),
        Rule::CalendarYearAhead { year, latest } if zh => {
            format!("{year}年的放假安排还没有发布（最晚可录入{latest}年）：请核对年份。")
        }
        Rule::CalendarYearAhead { year, latest } => format!(
            "The holidays of {year} are not published yet (at most {latest} may be entered): check the year."
        ),
        Rule::CalendarEmpty => pick(
            "没有读到任何年份。请按“year 2027 通知网址”开头，逐行写“2027-01-01 休 元旦”。",
            "No year was read. Start with “year 2027 address-of-notice”, then one line per date: “2027-01-01 休 元旦”.",
        ),
    }
}

/// The organisation's terms and warning rules.
fn bounds(lang: Lang, b: Bounds) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match b {
        Bounds::PlanWorkdays => pick(
            "整改方案报送期限应在1到120个工作日之间。",
            "The plan is due within 1 to 120 working days.",
        ),
        Bounds::CompletionMonths => pick(
            "完成整改的期限应在1到12个月之间（反馈问题原则上不超过一年）。",
            "Completion is due within 1 to 12 months (feedback problems close within a year).",
        ),
        Bounds::ConcentratedMonths => pick(
            "集中整改期应至少1个月，且不长于完成整改的期限。",
            "The concentrated phase is at least a month and no longer than the completion period.",
        ),
        Bounds::GreenDays => pick(
            "绿色预警天数应在1到180之间。",
            "Green days must be between 1 and 180.",
        ),
        Bounds::YellowDays => pick(
            "黄色预警天数应至少为1，且少于绿色预警天数。",
            "Yellow days must be at least 1 and fewer than green days.",
        ),
        Bounds::NoRecipient(c) if zh => format!("{}至少要通知一方。", c.zh()),
        Bounds::NoRecipient(c) => format!("{} must reach someone.", c.en()),
        Bounds::NarrowerThanMilder(c) if zh => format!(
            "{}应至少通知上一级预警通知的各方（预警越重，范围越大）。",
            c.zh()
        ),
        Bounds::NarrowerThanMilder(c) => format!(
            "{} must reach at least everyone the milder colour reaches.",
            c.en()
        ),
        Bounds::RemindDays => pick(
            "提前提醒天数应少于绿色预警天数，最多10个，以逗号分隔，如“3,1”。",
            "Reminder days must be fewer than the green days, at most 10, separated by commas, e.g. “3,1”.",
        ),
        Bounds::RemindDaysWords => pick(
            "提前提醒天数应为整数，以逗号分隔，如“3,1”；不需要时留空。",
            "Reminder days are whole numbers separated by commas, e.g. “3,1”; leave empty for none.",
        ),
        Bounds::RepeatDays => pick(
            "逾期重复提醒间隔应在1到30天之间。",
            "Overdue reminders repeat every 1 to 30 days.",
        ),
        Bounds::MilestoneMonths => pick(
            "需分阶段目标的期限应在1到36个月之间。",
            "Milestones are required above 1 to 36 months.",
        ),
        Bounds::LongTermDays => pick(
            "长期坚持措施的进展间隔应在7到366天之间。",
            "Long-term measures report progress every 7 to 366 days.",
        ),
    }
}

/// Accounts, units and tokens.
fn account(a: Account) -> (&'static str, &'static str) {
    match a {
        Account::UsernameForm => (
            "用户名为2–32位字母、数字或 . _ -，请修改。",
            "A username is 2–32 letters, digits, '.', '_' or '-'.",
        ),
        Account::UsernameTaken => (
            "该用户名已被使用，请换一个。",
            "That username is taken: choose another.",
        ),
        Account::DisplayName => (
            "请填写姓名（不超过50字）。",
            "Give the person's name (at most 50 characters).",
        ),
        Account::SamePassword => (
            "新密码不能与当前密码相同，请另选。",
            "The new password must differ from the current one.",
        ),
        Account::WrongPassword => (
            "原密码不正确（连续输错多次将暂时锁定）。",
            "The current password is wrong (several wrong tries in a row lock it for a while).",
        ),
        Account::ThreeAdministrators => (
            "三员（系统管理员、安全管理员、审计管理员）的密码和角色不能在页面或接口上重置或分配，以免一员取得另一员的权限；请由服务器管理人员用命令行 zhenggai user passwd / zhenggai user add 办理。",
            "The three administrators' passwords and roles are not reset or assigned on pages or the API, so that no administrator takes over another's powers: the server's operator uses the command line (zhenggai user passwd / zhenggai user add).",
        ),
        Account::DisableAdministrator => (
            "三员（系统管理员、安全管理员、审计管理员）的账号不能在页面或接口上停用或启用，以免一员使另一员（如审计管理员）无法履职；请由服务器管理人员用命令行 zhenggai user disable / zhenggai user enable 办理。",
            "The three administrators' accounts are not disabled or enabled on pages or the API, so that no administrator can silence another (the auditor): the server's operator uses the command line (zhenggai user disable / zhenggai user enable).",
        ),
        Account::DisableSelf => (
            "不能停用自己的账户。",
            "You cannot disable your own account.",
        ),
        Account::DisableReason => (
            "停用账户须说明原因（如调离、离职），原因记入审计。",
            "Say why the account is disabled (moved, left): the reason is recorded.",
        ),
        Account::AssignSelf => (
            "不能给自己分配角色。",
            "You cannot assign a role to yourself.",
        ),
        Account::TokenName => (
            "请为令牌起一个名称（不超过100字），说明用途。",
            "Name the token (at most 100 characters) after its use.",
        ),
        Account::TokenNameControl => (
            "令牌名称不能含有控制字符（如换行、制表符或不可见字符），请只用文字、数字和标点。",
            "The token's name must not contain control characters (line breaks, tabs, invisible characters): use letters, digits and punctuation.",
        ),
        Account::UnitName => (
            "请填写单位名称（不超过100字）。",
            "Give the unit a name (at most 100 characters).",
        ),
        Account::DepartmentParent => (
            "部门须属于一个单位，请选择上级单位。",
            "A department belongs to an organisation: choose its parent.",
        ),
    }
}

/// Where reminders go.
fn channel(lang: Lang, c: &Channel) -> String {
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match c {
        Channel::RobotUrl => pick(
            "请粘贴群机器人的完整 Webhook 地址（以 https:// 开头）。",
            "Paste the robot's whole webhook address (starting with https://).",
        ),
        Channel::RobotUrlClear => pick(
            "企业微信、钉钉、飞书的 Webhook 地址以 https:// 开头、不带端口号（其中含机器人密钥，不能明文发送）：请从群机器人设置中完整复制。",
            "WeCom, DingTalk and Feishu webhooks start with https:// and name no port (they carry the robot's key, which must not travel in clear): copy it whole from the robot's settings.",
        ),
        Channel::RobotHost { allowed, host } if lang == Lang::Zh => format!(
            "群机器人只能发往 {}，不能发往 {host}。如需经内网中转服务器发送，请系统管理员在配置文件 robot_allowed_hosts（或环境变量 ZHENGGAI_ROBOT_ALLOWED_HOSTS）中加入该服务器的主机名。",
            join(lang, allowed)
        ),
        Channel::RobotHost { allowed, host } => format!(
            "Robots post only to {}, not to {host}. To send through an intranet relay, the system administrator adds its host to robot_allowed_hosts in the configuration file (or ZHENGGAI_ROBOT_ALLOWED_HOSTS).",
            join(lang, allowed)
        ),
        Channel::DingTalkSecret => pick(
            "钉钉机器人请使用“加签”安全设置，并填写以 SEC 开头的密钥。",
            "Set the DingTalk robot to signed mode and give its secret (starting with SEC).",
        ),
        Channel::Email => pick(
            "电子邮箱地址格式不正确，请检查（如 zhangsan@example.gov.cn）。",
            "This is not an e-mail address; check it (e.g. zhangsan@example.gov.cn).",
        ),
        Channel::EmailNeeded => pick(
            "要接收邮件提醒，请先填写电子邮箱地址。",
            "Give an e-mail address to get reminders by e-mail.",
        ),
    }
}

/// Files sent with a form.
fn files(lang: Lang, f: &Files) -> String {
    let zh = lang == Lang::Zh;
    match f {
        Files::TooMany { max } if zh => format!("每次最多上传{max}个文件，请分次上传。"),
        Files::TooMany { max } => {
            format!("At most {max} files at a time: upload the rest separately.")
        }
        Files::TooLarge { name, mb } if zh => {
            format!("文件“{name}”超过{mb}MB，请压缩或拆分后上传。")
        }
        Files::TooLarge { name, mb } => {
            format!("“{name}” is larger than {mb} MB: compress or split it.")
        }
        Files::Type { name } if zh => format!(
            "文件“{name}”的类型不受支持：请上传 PDF、图片（PNG/JPG）、Word、Excel、OFD 或文本文件。"
        ),
        Files::Type { name } => format!(
            "“{name}” is not an accepted type: upload PDF, PNG/JPG, Word, Excel, OFD or text."
        ),
        Files::UploadGone => lang
            .pick(
                "上传的文件已失效，请重新上传。",
                "The upload is gone: upload the file again.",
            )
            .to_string(),
        Files::Unreadable => lang
            .pick(
                "文件无法读取，请重新上传。",
                "The file cannot be read: upload it again.",
            )
            .to_string(),
    }
}

/// A ledger import.
fn import(lang: Lang, i: &Import) -> String {
    let zh = lang == Lang::Zh;
    match i {
        Import::Before { when } if zh => {
            format!("这个文件已于{when}导入过。确需再次导入，请勾选“再次导入”。")
        }
        Import::Before { when } => format!(
            "This file was imported before ({when}). To import it again, tick “import again”."
        ),
        Import::UnknownUnits { names } if zh => format!(
            "本单位没有这些单位：{}。请逐一对应到已有单位，或勾选“新建这些单位”。",
            join(lang, names)
        ),
        Import::UnknownUnits { names } => format!(
            "The organisation has no unit named: {}. Map each to an existing unit, or tick “create these units”.",
            join(lang, names)
        ),
        Import::Undecided { columns } => {
            let named: Vec<String> = columns
                .iter()
                .map(|(column, header)| match (header.as_str(), zh) {
                    ("", _) => column.clone(),
                    (h, true) => format!("{column}（{h}）"),
                    (h, false) => format!("{column} ({h})"),
                })
                .collect();
            if zh {
                format!(
                    "这些列有内容，但没有对应到台账的任何一栏：{}。请逐列选择对应的栏目，或确认忽略，再导入。",
                    join(lang, &named)
                )
            } else {
                format!(
                    "These columns hold data but are read as no field of the ledger: {}. Map each to a field, or confirm it is ignored, then import.",
                    join(lang, &named)
                )
            }
        }
        Import::Headerless { column: Some(c) } if zh => format!(
            "第{c}列没有列名，无法记住对应的栏目：请在台账中为这一列写上列名后重新上传，或确认忽略。"
        ),
        Import::Headerless { column: Some(c) } => format!(
            "Column {c} has no header, so its field cannot be remembered: give it a header in the ledger and upload again, or confirm it is ignored."
        ),
        Import::Headerless { column: None } => lang
            .pick(
                "没有列名的列无法记住：请在台账中为这一列写上列名，或确认忽略。",
                "A column without a header cannot be remembered: give it a header in the ledger, or confirm it is ignored.",
            )
            .to_string(),
        Import::Word { max } if zh => format!("列名不能超过{max}字，也不能含有控制字符。"),
        Import::Word { max } => {
            format!("A header word is at most {max} characters, without control characters.")
        }
        Import::WordChanged => lang
            .pick(
                "这个列名刚被别人修改过：下面是现在的设置，请确认后再改。",
                "Someone changed this word just now: below is how it stands; check it and change it again.",
            )
            .to_string(),
        Import::LeadUnitUnmapped { row, name } if zh => {
            format!("第{row}行的牵头单位“{name}”没有对应的单位。")
        }
        Import::LeadUnitUnmapped { row, name } => {
            format!("Row {row}: the lead unit “{name}” has no unit.")
        }
        Import::DeadlineUnread { row } if zh => format!("第{row}行的整改时限无法识别。"),
        Import::DeadlineUnread { row } => format!("Row {row}: the deadline cannot be read."),
        Import::Workbook(u) => unreadable(lang, u),
        Import::At { place, finding: f } => {
            let at = match (&place.column, place.row, zh) {
                (_, 0, true) => format!("工作表“{}”", place.sheet),
                (Some(c), r, true) => format!("工作表“{}”第{r}行{c}列", place.sheet),
                (None, r, true) => format!("工作表“{}”第{r}行", place.sheet),
                (_, 0, false) => format!("Sheet “{}”", place.sheet),
                (Some(c), r, false) => format!("Sheet “{}” row {r} column {c}", place.sheet),
                (None, r, false) => format!("Sheet “{}” row {r}", place.sheet),
            };
            format!("{at}{}{}", lang.pick("：", ": "), finding(lang, f))
        }
    }
}

/// Why a workbook cannot be read, and what to do.
fn unreadable(lang: Lang, u: &Unreadable) -> String {
    let zh = lang == Lang::Zh;
    match u {
        Unreadable::TooLarge { limit, .. } if zh => {
            format!("文件超过{}MB，请拆分台账后分批导入。", limit / 1024 / 1024)
        }
        Unreadable::TooLarge { size, limit } => format!(
            "The file is {size} bytes, more than the {limit} allowed: split the ledger or raise the limit."
        ),
        Unreadable::Unpacks { .. } if zh => "工作簿解压后过大，不是正常的台账文件。".into(),
        Unreadable::Unpacks { limit } => format!(
            "The workbook unpacks to more than {limit} bytes: it is not an ordinary ledger."
        ),
        Unreadable::Encrypted => lang
            .pick(
                "工作簿设有密码：请另存一份不带密码的文件再导入。",
                "The workbook is encrypted (password protected): save a copy without the password and import that.",
            )
            .to_string(),
        Unreadable::Malformed { .. } if zh => {
            "无法读取这个文件：请在 Excel 或 WPS 中另存为 .xlsx 后再导入。".into()
        }
        Unreadable::Malformed { detail } => format!(
            "The file cannot be read as .xlsx, .xls or .csv ({detail}): save it again from Excel or WPS as .xlsx."
        ),
        Unreadable::TooManySheets { limit, .. } if zh => {
            format!("工作表超过{limit}个：请只保留台账及填表说明。")
        }
        Unreadable::TooManySheets { count, limit } => format!(
            "The workbook has {count} sheets, more than the {limit} allowed: keep the ledger and its instructions only."
        ),
        Unreadable::TooManyRows { sheet, limit } if zh => {
            format!("工作表“{sheet}”超过{limit}行：请拆分后导入。")
        }
        Unreadable::TooManyRows { sheet, limit } => format!(
            "Sheet “{sheet}” has more than {limit} rows: split the ledger or raise the limit."
        ),
        Unreadable::TooManyCells { limit } if zh => format!("单元格超过{limit}个：请拆分后导入。"),
        Unreadable::TooManyCells { limit } => format!(
            "The workbook has more than {limit} cells: split the ledger or raise the limit."
        ),
        Unreadable::TooMuchText { limit } if zh => format!(
            "工作簿的文字超过{limit}字（合并单元格按其覆盖的每个单元格计）：请拆分台账或取消大范围的合并后导入。"
        ),
        Unreadable::TooMuchText { limit } => format!(
            "The workbook holds more than {limit} characters of text (merged cells counted once for every cell they cover): split the ledger or unmerge large regions."
        ),
        Unreadable::CellTooLong {
            sheet,
            row,
            col,
            limit,
        } if zh => format!("工作表“{sheet}”第{row}行{col}列超过{limit}字，请精简。"),
        Unreadable::CellTooLong {
            sheet,
            row,
            col,
            limit,
        } => format!(
            "Sheet “{sheet}” row {row} column {col} holds more than {limit} characters: shorten it."
        ),
    }
}

/// What reading a ledger found, and what to do, in one language.
pub fn finding(lang: Lang, f: &Finding) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| lang.pick(z, e).to_string();
    match f {
        Finding::NoSuchSheet { name, sheets } if zh => format!(
            "没有名为“{name}”的工作表；本文件的工作表：{}。",
            join(lang, sheets)
        ),
        Finding::NoSuchSheet { name, sheets } => format!(
            "There is no sheet “{name}”; this file has: {}.",
            join(lang, sheets)
        ),
        Finding::FormulasWithoutValues { count } if zh => format!(
            "工作表中有{count}个公式没有计算结果：请在 Excel 或 WPS 中打开并保存一次，或将公式粘贴为数值后再导入。"
        ),
        Finding::FormulasWithoutValues { count } => format!(
            "{count} formulas have no computed values: open and save the file in Excel or WPS, or paste them as values, then import."
        ),
        Finding::NoHeader => pick(
            "没有找到台账表头：表头须至少写明“反馈问题”和“整改措施”“牵头单位”“整改时限”之一。",
            "No ledger header found: a header row must name at least 反馈问题 and one of 整改措施, 牵头单位, 整改时限.",
        ),
        Finding::DroppedColumns {
            columns,
            more,
            header_rows,
        } => {
            let mut letters = columns.clone();
            if *more {
                letters.push("…".into());
            }
            if zh {
                format!(
                    "第{}列有内容，但在读取的列之外，表头（前{header_rows}行）中也没有列名，未读取：如需导入，请在表头中为这些列写明列名。",
                    join(lang, &letters)
                )
            } else {
                format!(
                    "Column(s) {} hold text beyond the columns read and have no heading in the first {header_rows} rows, so they were not read: give them a heading to import them.",
                    join(lang, &letters)
                )
            }
        }
        Finding::NoMeasureColumn => pick(
            "表头没有“整改措施”列：每个问题按一条措施导入，措施内容与问题相同，请导入后补充。",
            "The header has no 整改措施 column: each problem comes in with one measure repeating it; add the measures after importing.",
        ),
        Finding::NoColumn(c) => {
            let word = match c {
                NeededColumn::LeadUnit => "牵头单位",
                NeededColumn::Deadline => "整改时限",
            };
            if zh {
                format!(
                    "表头没有“{word}”列：请在表头中加上这一列（也可写作同义词，如“责任单位”“完成时限”）。"
                )
            } else {
                format!(
                    "The header has no {word} column: add it (a synonym such as 责任单位 or 完成时限 also works)."
                )
            }
        }
        Finding::ControlCharacters => pick(
            "这个单元格含有不可见的控制字符：请删除后重新输入（可从纯文本粘贴），再导入。",
            "This cell holds invisible control characters: delete them and type it again (or paste plain text), then import again.",
        ),
        Finding::NoAspects { aspect } if zh => {
            format!("台账没有“方面”列或分类行：问题归入“{aspect}”，导入后可调整。")
        }
        Finding::NoAspects { aspect } => format!(
            "The ledger names no aspects: problems go under “{aspect}”; adjust after importing."
        ),
        Finding::NoProblem => pick(
            "这一行没有“反馈问题”，上方也没有可以归属的问题：请填写问题，或删除这一行。",
            "This row has no problem, and none above it to belong to: write the problem, or delete the row.",
        ),
        Finding::NoMeasure => pick(
            "这一行没有整改措施：问题将没有措施导入，请导入后补充。",
            "This row has no measure: the problem comes in without it; add it after importing.",
        ),
        Finding::NoLeadUnit => pick(
            "牵头单位为空：每条措施须有一个牵头单位，请填写。",
            "The lead unit is empty: every measure needs one; fill it in.",
        ),
        Finding::SeveralLeadUnits { count, first } if zh => {
            format!("牵头单位写了{count}个单位：由“{first}”牵头，其余作为配合单位。")
        }
        Finding::SeveralLeadUnits { count, first } => {
            format!("{count} lead units given: “{first}” leads, the others cooperate.")
        }
        Finding::NoDeadline => pick(
            "整改时限为空：请填写，如“2024年6月底前”“立行立改”“长期坚持”。",
            "The deadline is empty: fill it in, e.g. 2024年6月底前, 立行立改, 长期坚持.",
        ),
        Finding::Deadline(e) if zh => e.zh(),
        Finding::Deadline(e) => e.to_string(),
        Finding::StatusUnread { count, rows, more } => {
            let more = if *more { "…" } else { "" };
            if zh {
                format!(
                    "{count}行的完成情况没有写明完成与否（第{}{more}行）：这些措施按“已挂号”导入；已完成或正在推进的，请导入后登记进展。",
                    join(lang, rows)
                )
            } else {
                format!(
                    "The status of {count} row(s) says neither done nor under way (rows {}{more}): those measures come in as registered; record progress for them after importing.",
                    join(lang, rows)
                )
            }
        }
        Finding::NoRows => pick(
            "表头下没有措施行：请检查是否选对了工作表。",
            "No measure rows under the header: check that this is the right sheet.",
        ),
    }
}

/// A request to the API not in its documented form. The Chinese names the fields and
/// values as the request sends them (codes are what the caller must write).
fn request(lang: Lang, r: &ApiRequest) -> String {
    let zh = lang == Lang::Zh;
    match r {
        ApiRequest::NotAFlag { value, .. } if zh => {
            format!("勾选项的值只能是 true、false、on、1 或 0，收到的是“{value}”，请改正后重试。")
        }
        ApiRequest::NotAFlag { name, value } => {
            format!("`{name}` is a yes/no field: send true, false, on, 1 or 0, not “{value}”.")
        }
        ApiRequest::UnknownFormField { name, allowed } if zh => format!(
            "表单字段“{name}”不是这个接口的字段（可用的有：{}），请改正后重试，或对照 API 文档（/api/v1/openapi.json）。",
            join(lang, allowed)
        ),
        ApiRequest::UnknownFormField { name, allowed } => format!(
            "`{name}` is not a field of this route; it takes {}.",
            join(lang, allowed)
        ),
        ApiRequest::PathSegment {
            key,
            value,
            expected,
        } => {
            let number = expected.starts_with('i') || expected.starts_with('u');
            match (number, zh) {
                (true, true) => {
                    format!("地址中的“{key}”应为记录的数字编号（正整数），收到的是“{value}”。")
                }
                (true, false) => format!(
                    "The address's `{key}` must be a record's number (a positive integer); it is “{value}”."
                ),
                (false, true) => format!("地址中的“{key}”格式不对，收到的是“{value}”。"),
                (false, false) => format!(
                    "The address's `{key}` is not in the expected form ({expected}); it is “{value}”."
                ),
            }
        }
        ApiRequest::Field {
            part,
            problem,
            field,
            detail,
        } if !zh => {
            let at = match part {
                zhenggai_domain::reason::RequestPart::Query => "query parameter",
                zhenggai_domain::reason::RequestPart::Json => "JSON field",
                zhenggai_domain::reason::RequestPart::Form => "form field",
            };
            match problem {
                FieldProblem::Missing => format!("The {at} `{field}` is required: send it."),
                FieldProblem::Duplicate => {
                    format!("The {at} `{field}` is sent more than once: send it once.")
                }
                FieldProblem::Unknown { allowed } if allowed.is_empty() => {
                    format!("`{field}` is not a {at} of this route, which takes none.")
                }
                FieldProblem::Unknown { allowed } => format!(
                    "`{field}` is not a {at} of this route; it takes {}.",
                    join(lang, allowed)
                ),
                // A date's decoder says only what it tripped on: say what it takes.
                FieldProblem::Value if CHRONO_WORDS.contains(&detail.as_str()) => {
                    format!("`{field}` is not a date ({detail}): write it as YYYY-MM-DD.")
                }
                // So does a whole number's.
                FieldProblem::Value if INTEGER_WORDS.contains(&detail.as_str()) => {
                    format!("`{field}` is not a whole number ({detail}): write it in digits.")
                }
                // The decoder's words name the type expected and the value sent.
                FieldProblem::Value => format!("`{field}`: {detail}"),
            }
        }
        ApiRequest::Field {
            part,
            problem,
            field,
            ..
        } => {
            let at = match part {
                zhenggai_domain::reason::RequestPart::Query => "查询参数",
                zhenggai_domain::reason::RequestPart::Json => "JSON 字段",
                zhenggai_domain::reason::RequestPart::Form => "表单字段",
            };
            match problem {
                FieldProblem::Missing => format!("{at}缺少必填项“{field}”，请补上后重试。"),
                FieldProblem::Duplicate => format!("{at}“{field}”给了不止一次，请只给一次。"),
                FieldProblem::Unknown { allowed } => {
                    let allowed = if allowed.is_empty() {
                        format!("这个接口不接受任何{at}")
                    } else {
                        format!("可用的有：{}", join(lang, allowed))
                    };
                    format!(
                        "{at}“{field}”不是这个接口的字段（{allowed}），请改正后重试，或对照 API 文档（/api/v1/openapi.json）。"
                    )
                }
                FieldProblem::Value => format!(
                    "{at}“{field}”的值格式不对，请对照 API 文档（/api/v1/openapi.json）填写。"
                ),
            }
        }
    }
}

/// What chrono's parser says of a date that does not read (`chrono::format::ParseError`).
const CHRONO_WORDS: [&str; 7] = [
    "input is out of range",
    "no possible date and time matching input",
    "input is not enough for unique date and time",
    "input contains invalid characters",
    "premature end of input",
    "trailing input",
    "bad or unsupported format string",
];

/// What Rust's integer parser says of a number that does not read
/// (`std::num::ParseIntError`).
const INTEGER_WORDS: [&str; 4] = [
    "invalid digit found in string",
    "cannot parse integer from empty string",
    "number too large to fit in target type",
    "number too small to fit in target type",
];

/// Issue 20, point 7: every reason has its words in both languages, and the Chinese
/// shows no English.
#[cfg(test)]
mod every_reason {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;
    use zhenggai_domain::calendar::ParseError;
    use zhenggai_domain::deadline::DeadlineError;
    use zhenggai_domain::escalation::{Misstep, NoticeKind};
    use zhenggai_domain::happened::{BeforeInspection, Event, NotYet, StartAfterRecorded, TooSoon};
    use zhenggai_domain::lifecycle::{Hint, ProblemState, Refusal};
    use zhenggai_domain::new_deadline::{Setting, TooEarly};
    use zhenggai_domain::password::Weak;
    use zhenggai_domain::reason::{
        Account, ApiRequest, Blocking, Bounds, Channel, Choose, FieldProblem, Files, Finding,
        Foreign, Import, NeededColumn, Place, Refused, RequestPart, Rule, StepParty, Unreadable,
    };
    use zhenggai_domain::validate::Why;
    use zhenggai_domain::warning::Colour;

    use super::{Lang, blocking, refused, why};

    /// A reason of any of the types worded here: a field's, a refusal to a role or unit,
    /// a step blocked by records.
    #[derive(Debug)]
    enum Sample {
        Why(Why),
        Refused(Refused),
        Blocking(Blocking),
    }

    impl Sample {
        fn words(&self, lang: Lang) -> String {
            match self {
                Sample::Why(w) => why(lang, w),
                Sample::Refused(r) => refused(lang, r),
                Sample::Blocking(b) => blocking(lang, b),
            }
        }

        fn kind(&self) -> (&'static str, usize) {
            match self {
                Sample::Why(w) => kind(w),
                Sample::Refused(r) => ("refused", refused_index(r)),
                Sample::Blocking(b) => ("blocking", blocking_index(b)),
            }
        }

        fn speaks_codes(&self) -> bool {
            matches!(self, Sample::Why(w) if speaks_codes(w))
        }
    }

    /// Every sample: the fields' reasons, then the refusals (each party of a step) and
    /// the blockings.
    fn all_samples() -> Vec<Sample> {
        let lead_unit = "财务处".to_string();
        let mut all: Vec<Sample> = samples().into_iter().map(Sample::Why).collect();
        all.extend(
            [
                Refused::ProgressByOwners,
                Refused::DoneByLead {
                    lead_unit: lead_unit.clone(),
                },
                Refused::SummaryByOffice,
                Refused::LedgerByOffice,
                Refused::FiguresByLedgerReaders,
                Refused::OrganisationDocumentsByItsOffice,
                Refused::ArchiveByOffice,
                Refused::DocumentsByLedgerReaders,
                Refused::PetitionsByOffice,
                Refused::MeetingByOffice,
                Refused::MaterialByItsMember,
                Refused::PetitionByHandlingUnit {
                    unit: lead_unit.clone(),
                },
                Refused::HeaderWordsByOffice,
                Refused::WeeklyNotYourRole,
                Refused::ImportByOffice,
                Refused::MeasureByLead {
                    lead_unit: lead_unit.clone(),
                    contributes: true,
                },
                Refused::MeasureByLead {
                    lead_unit: lead_unit.clone(),
                    contributes: false,
                },
                Refused::NoticesByOffice,
                Refused::SettingsByOffice,
                Refused::SupervisionByOffice,
                Refused::SupervisionNotYourRole { upper: false },
                Refused::SupervisionNotYourRole { upper: true },
                Refused::WithdrawByOffice,
                Refused::MilestonesByOwners,
                Refused::AdministratorsReadNoLedger,
                Refused::NoRoleYet,
                Refused::ByAdministrator {
                    role: zhenggai_domain::Role::SysAdmin,
                },
                Refused::ByAdministrator {
                    role: zhenggai_domain::Role::AuditAdmin,
                },
                Refused::NotYourStep,
            ]
            .into_iter()
            .map(Sample::Refused),
        );
        all.extend(
            [
                StepParty::LeadUnit,
                StepParty::Leader,
                StepParty::LeaderOrOffice,
                StepParty::LeadUnitOrOffice,
                StepParty::OfficeOrInspectors,
                StepParty::Office,
            ]
            .into_iter()
            .map(|party| {
                Sample::Refused(Refused::StepBy {
                    party,
                    lead_unit: lead_unit.clone(),
                })
            }),
        );
        all.extend(
            [
                Blocking::PlanAlreadyFiled,
                Blocking::ProblemsNotApproved { n: 2 },
                Blocking::MeasuresOpen {
                    n: 3,
                    dated_only: false,
                },
                Blocking::MeasuresOpen {
                    n: 1,
                    dated_only: true,
                },
                Blocking::MilestonesMissing { n: 2 },
            ]
            .into_iter()
            .map(Sample::Blocking),
        );
        all
    }

    fn refused_index(r: &Refused) -> usize {
        match r {
            Refused::ProgressByOwners => 0,
            Refused::DoneByLead { .. } => 1,
            Refused::SummaryByOffice => 2,
            Refused::LedgerByOffice => 3,
            Refused::HeaderWordsByOffice => 4,
            Refused::WeeklyNotYourRole => 5,
            Refused::ImportByOffice => 6,
            Refused::StepBy { .. } => 7,
            Refused::NotYourStep => 8,
            Refused::MeasureByLead { .. } => 9,
            Refused::NoticesByOffice => 10,
            Refused::SettingsByOffice => 11,
            Refused::SupervisionByOffice => 12,
            Refused::MilestonesByOwners => 13,
            Refused::AdministratorsReadNoLedger => 14,
            Refused::NoRoleYet => 15,
            Refused::ByAdministrator { .. } => 16,
            Refused::SupervisionNotYourRole { .. } => 17,
            Refused::WithdrawByOffice => 18,
            Refused::FiguresByLedgerReaders => 19,
            Refused::OrganisationDocumentsByItsOffice => 20,
            Refused::ArchiveByOffice => 21,
            Refused::DocumentsByLedgerReaders => 22,
            Refused::PetitionsByOffice => 23,
            Refused::PetitionByHandlingUnit { .. } => 24,
            Refused::MeetingByOffice => 25,
            Refused::MaterialByItsMember => 26,
        }
    }

    fn blocking_index(b: &Blocking) -> usize {
        match b {
            Blocking::PlanAlreadyFiled => 0,
            Blocking::ProblemsNotApproved { .. } => 1,
            Blocking::MeasuresOpen { .. } => 2,
            Blocking::MilestonesMissing { .. } => 3,
        }
    }

    /// The Latin words Chinese wording may hold, as `tests/it/latin.rs` allows them on
    /// a page (names of products and formats, units, the calendar's keyword), and the
    /// formats of pictures; and the samples' column letters, which are data: the
    /// spreadsheet names its columns so.
    const ALLOWED: &[&str] = &[
        "Excel", "WPS", "CSV", "PDF", "Word", "OFD", "OpenAPI", "KB", "MB", "B", "SMTP", "Webhook",
        "SEC", "API", "zhenggai", "year", "PNG", "JPG", "xlsx", "F", "G", "BX",
    ];

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn place() -> Place {
        Place {
            sheet: "台账".into(),
            row: 6,
            column: Some("G".into()),
        }
    }

    /// Latin words in a text that are not allowed; addresses are written as they are.
    fn latin(text: &str) -> Vec<String> {
        text.split_whitespace()
            .filter(|w| !w.contains("://") && !w.contains('@'))
            .flat_map(|w| {
                w.split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|w| !ALLOWED.contains(&w.as_str()))
            .collect()
    }

    /// Reasons that name the codes people write as they are: the fields, values and keys
    /// an API caller sends (`true`, `org`), a configuration key, a command, the form of
    /// an audit checkpoint (hexadecimal).
    fn speaks_codes(w: &Why) -> bool {
        matches!(
            w,
            Why::Request(_)
                | Why::Choose(Choose::UnitKind)
                | Why::Channel(Channel::RobotHost { .. })
                | Why::Account(Account::ThreeAdministrators)
                | Why::Account(Account::DisableAdministrator)
                | Why::Rule(Rule::Checkpoint { .. })
        )
    }

    fn samples() -> Vec<Why> {
        let mut all = vec![
            Why::Required,
            Why::RequiredDate,
            Why::RequiredNumber,
            Why::TooLong { max: 100 },
            Why::ControlCharacters,
            Why::YearOutOfRange,
            Why::NotADate,
            Why::NoSuchDay {
                year: 2026,
                month: 2,
                day: 30,
            },
            Why::OutOfRange { min: 1, max: 10 },
            Why::UnknownChoice,
            Why::Deadline(DeadlineError::Empty),
            Why::NotYet(NotYet {
                event: Event::PlanApproved,
                date: day(2024, 6, 3),
                day: day(2024, 6, 1),
            }),
            Why::AsOfAhead {
                today: day(2024, 6, 1),
            },
            Why::NothingAsOf {
                day: day(2024, 6, 1),
            },
            Why::TooSoon(TooSoon {
                event: Event::PlanApproved,
                date: day(2024, 5, 3),
                earliest: day(2024, 6, 1),
            }),
            Why::TooSoon(TooSoon {
                event: Event::PetitionConcluded,
                date: day(2024, 5, 3),
                earliest: day(2024, 6, 1),
            }),
            Why::TooSoon(TooSoon {
                event: Event::PetitionReceived,
                date: day(2024, 5, 3),
                earliest: day(2024, 6, 1),
            }),
            Why::BeforeInspection(BeforeInspection {
                event: Event::ProgressMade,
                date: day(1990, 5, 3),
                start: day(2024, 6, 1),
            }),
            Why::StartAfterRecorded(Box::new(StartAfterRecorded {
                first: BeforeInspection {
                    event: Event::ProgressMade,
                    date: day(2024, 5, 3),
                    start: day(2024, 6, 1),
                },
                record: "规范各类金融账户管理".into(),
                field: "period_start",
            })),
            Why::Stale {
                changed_by: Some("李明".into()),
                changed_at: Some("2024-06-01 10:00".into()),
                columns: vec!["content".into()],
            },
            Why::Refused(Refusal::WrongState {
                state: ProblemState::Claimed,
                hint: Hint::AwaitSubmission,
            }),
            Why::InRow {
                row: 3,
                why: Box::new(Why::Required),
            },
            Why::Calendar(ParseError {
                line: 3,
                message: "日期不对。".into(),
                message_en: "Not a date.".into(),
            }),
            Why::Escalation(Misstep::AllIssued),
            Why::Escalation(Misstep::OutOfOrder {
                next: NoticeKind::Supervision,
                kind: NoticeKind::Reminder,
            }),
            Why::Escalation(Misstep::FinalDeadlineMissing),
            Why::Escalation(Misstep::FinalDeadlineNotAhead),
            Why::Escalation(Misstep::FinalDeadlineOnlyAdmonition),
            Why::Escalation(Misstep::FinalDeadlineTooFar {
                latest: NaiveDate::from_ymd_opt(2025, 6, 3).unwrap_or_default(),
            }),
            Why::Escalation(Misstep::MeasureDone),
            Why::Escalation(Misstep::NotLagging),
            Why::Password(Weak::TooShort { min: 10 }),
            Why::Password(Weak::OnlyDigits),
            Why::Password(Weak::FewKinds),
            Why::Password(Weak::HasUsername),
            Why::Password(Weak::Common),
        ];
        for setting in Setting::ALL {
            all.push(Why::TooEarly(TooEarly {
                setting,
                deadline: day(2024, 6, 1),
                day: day(2024, 6, 3),
            }));
        }
        for problem in [
            FieldProblem::Duplicate,
            FieldProblem::Unknown { allowed: vec![] },
            FieldProblem::Unknown {
                allowed: vec!["内容".into()],
            },
            FieldProblem::Value,
        ] {
            all.push(Why::Request(ApiRequest::Field {
                part: RequestPart::Query,
                problem,
                field: "页".into(),
                detail: "invalid digit found in string".into(),
            }));
        }
        all.push(Why::Import(Box::new(Import::Headerless { column: None })));
        all.extend(generated_samples());
        all
    }

    fn generated_samples() -> Vec<Why> {
        vec![
            Why::Choose(Choose::Source),
            Why::Choose(Choose::Aspect),
            Why::Choose(Choose::LeadDepartment),
            Why::Choose(Choose::Department),
            Why::Choose(Choose::InspectionKind),
            Why::Choose(Choose::Notice),
            Why::Choose(Choose::SubjectKind),
            Why::Choose(Choose::DisciplineForm),
            Why::Choose(Choose::ChangeKind),
            Why::Choose(Choose::LeadingUnit),
            Why::Choose(Choose::MeasureToExtend),
            Why::Choose(Choose::Party),
            Why::Choose(Choose::Action),
            Why::Choose(Choose::Secretary),
            Why::Choose(Choose::Week),
            Why::Choose(Choose::Role),
            Why::Choose(Choose::UnknownRole),
            Why::Choose(Choose::UnitsInCharge),
            Why::Choose(Choose::UnitKind),
            Why::Choose(Choose::RobotKind),
            Why::Choose(Choose::RobotColours),
            Why::Choose(Choose::LedgerFile),
            Why::Choose(Choose::AttachLedger),
            Why::Choose(Choose::HeaderMeaning),
            Why::Choose(Choose::FindingUnit),
            Why::Choose(Choose::ColumnFields),
            Why::Choose(Choose::StatusFilter),
            Why::Choose(Choose::SourceFilter),
            Why::Choose(Choose::ClosedProblem),
            Why::Choose(Choose::DocumentKind),
            Why::Choose(Choose::HandlingUnit),
            Why::Choose(Choose::Member),
            Why::Choose(Choose::OpinionCategory),
            Why::Choose(Choose::OpinionChannel),
            Why::Choose(Choose::RemarkKind),
            Why::Foreign(Foreign::ItemOfAspect),
            Why::Foreign(Foreign::NotOfMeeting),
            Why::Foreign(Foreign::Leader),
            Why::Foreign(Foreign::CooperatingUnits),
            Why::Foreign(Foreign::NotInInspection { id: 12 }),
            Why::Foreign(Foreign::NotClosedHere { id: 12 }),
            Why::Foreign(Foreign::UnitsInCharge { ids: vec![3, 4] }),
            Why::Foreign(Foreign::ParentUnit),
            Why::Foreign(Foreign::Unit),
            Why::Foreign(Foreign::MeasureOfProblem),
            Why::Foreign(Foreign::Secretary),
            Why::Foreign(Foreign::NotInRound),
            Why::Foreign(Foreign::CarryMeasures),
            Why::Foreign(Foreign::MappedUnit {
                name: "法务部".into(),
            }),
            Why::Rule(Rule::PeriodReversed),
            Why::Rule(Rule::StationedAhead {
                today: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default(),
            }),
            Why::Rule(Rule::WorkAhead),
            Why::Rule(Rule::EvidenceNeeded),
            Why::Rule(Rule::MeasureDone),
            Why::Rule(Rule::MilestoneUndated),
            Why::Rule(Rule::MilestoneAfterDeadline {
                due: day(2024, 9, 30),
                end: day(2024, 6, 30),
            }),
            Why::Rule(Rule::ReachedAhead),
            Why::Rule(Rule::MilestoneReached),
            Why::Rule(Rule::ExtensionUndated),
            Why::Rule(Rule::ExtensionNotLater {
                current: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap_or_default(),
            }),
            Why::Rule(Rule::NoOpinion),
            Why::Rule(Rule::LeadSetByOffice),
            Why::Rule(Rule::SetByOffice),
            Why::Rule(Rule::DeadlineByExtension),
            Why::Rule(Rule::LeadCooperates),
            Why::Rule(Rule::NoMeasures),
            Why::Rule(Rule::TooManyMeasures { max: 200 }),
            Why::Rule(Rule::LeadDraftsOwn),
            Why::Rule(Rule::Amount),
            Why::Rule(Rule::NoFindings),
            Why::Rule(Rule::PetitionConcluded),
            Why::Rule(Rule::PetitionNotConcluded),
            Why::Rule(Rule::PetitionDeadlineTooLate {
                latest: NaiveDate::from_ymd_opt(2025, 3, 11).unwrap_or_default(),
            }),
            Why::Rule(Rule::PetitionNumberTaken),
            Why::Rule(Rule::PetitionGone),
            Why::Rule(Rule::BoxNotYetOpen {
                opens: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            }),
            Why::Rule(Rule::BoxClosed {
                closed: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            }),
            Why::Rule(Rule::BoxDays { max_days: 90 }),
            Why::Rule(Rule::BoxStillOpen {
                closes: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            }),
            Why::Rule(Rule::MeetingPast),
            Why::Rule(Rule::MeetingNotHeld),
            Why::Rule(Rule::NothingToCarry),
            Why::Rule(Rule::MaterialFinal),
            Why::Rule(Rule::NotToAcknowledge),
            Why::Rule(Rule::MergeTarget),
            Why::Rule(Rule::RemarkMembers),
            Why::Rule(Rule::PetitionDeadlineBeforeReceived {
                received_on: NaiveDate::from_ymd_opt(2024, 3, 11).unwrap_or_default(),
            }),
            Why::Rule(Rule::LookbackDecided),
            Why::Rule(Rule::ReportWeek),
            Why::Rule(Rule::HolidayWeek),
            Why::Rule(Rule::WeekAhead),
            Why::Rule(Rule::WeekBeforeLedger {
                first: NaiveDate::from_ymd_opt(2024, 3, 11).unwrap_or_default(),
            }),
            Why::Rule(Rule::MilestoneNotOpen),
            Why::Rule(Rule::WithdrawReason),
            Why::Rule(Rule::PlanDocument),
            Why::Rule(Rule::Title { max: 200 }),
            Why::Rule(Rule::Checkpoint {
                code: "123-456".into(),
            }),
            Why::Rule(Rule::CalendarEmpty),
            Why::Rule(Rule::UnsavedVersion),
            Why::Rule(Rule::FeedbackBeforeStationed {
                last: NaiveDate::from_ymd_opt(2024, 1, 12).unwrap_or_default(),
            }),
            Why::Rule(Rule::CalendarYearAhead {
                year: 2062,
                latest: 2027,
            }),
            Why::Bounds(Bounds::PlanWorkdays),
            Why::Bounds(Bounds::CompletionMonths),
            Why::Bounds(Bounds::ConcentratedMonths),
            Why::Bounds(Bounds::GreenDays),
            Why::Bounds(Bounds::YellowDays),
            Why::Bounds(Bounds::NoRecipient(Colour::Green)),
            Why::Bounds(Bounds::NarrowerThanMilder(Colour::Red)),
            Why::Bounds(Bounds::RemindDays),
            Why::Bounds(Bounds::RemindDaysWords),
            Why::Bounds(Bounds::RepeatDays),
            Why::Bounds(Bounds::MilestoneMonths),
            Why::Bounds(Bounds::LongTermDays),
            Why::Account(Account::UsernameForm),
            Why::Account(Account::UsernameTaken),
            Why::Account(Account::DisplayName),
            Why::Account(Account::SamePassword),
            Why::Account(Account::WrongPassword),
            Why::Account(Account::ThreeAdministrators),
            Why::Account(Account::DisableSelf),
            Why::Account(Account::DisableAdministrator),
            Why::Account(Account::DisableReason),
            Why::Account(Account::AssignSelf),
            Why::Account(Account::TokenName),
            Why::Account(Account::TokenNameControl),
            Why::Account(Account::UnitName),
            Why::Account(Account::DepartmentParent),
            Why::Channel(Channel::RobotUrl),
            Why::Channel(Channel::RobotUrlClear),
            Why::Channel(Channel::RobotHost {
                allowed: vec!["内网中转".into()],
                host: "中转二号".into(),
            }),
            Why::Channel(Channel::DingTalkSecret),
            Why::Channel(Channel::Email),
            Why::Channel(Channel::EmailNeeded),
            Why::Files(Files::TooMany { max: 10 }),
            Why::Files(Files::TooLarge {
                name: "佐证材料".into(),
                mb: 20,
            }),
            Why::Files(Files::Type {
                name: "程序文件".into(),
            }),
            Why::Files(Files::UploadGone),
            Why::Files(Files::Unreadable),
            Why::Import(Box::new(Import::Before {
                when: "2024-04-25 10:00 李明".into(),
            })),
            Why::Import(Box::new(Import::UnknownUnits {
                names: vec!["法务部".into(), "审计部".into()],
            })),
            Why::Import(Box::new(Import::Undecided {
                columns: vec![("F".into(), "督办意见".into()), ("G".into(), String::new())],
            })),
            Why::Import(Box::new(Import::Headerless {
                column: Some("G".into()),
            })),
            Why::Import(Box::new(Import::Word { max: 30 })),
            Why::Import(Box::new(Import::WordChanged)),
            Why::Import(Box::new(Import::LeadUnitUnmapped {
                row: 6,
                name: "法务部".into(),
            })),
            Why::Import(Box::new(Import::DeadlineUnread { row: 6 })),
            Why::Request(ApiRequest::NotAFlag {
                name: "标记".into(),
                value: "也许".into(),
            }),
            Why::Request(ApiRequest::UnknownFormField {
                name: "附件".into(),
                allowed: vec!["内容".into()],
            }),
            Why::Request(ApiRequest::PathSegment {
                key: "编号".into(),
                value: "一".into(),
                expected: "i64".into(),
            }),
            Why::Request(ApiRequest::Field {
                part: RequestPart::Json,
                problem: FieldProblem::Missing,
                field: "内容".into(),
                detail: "missing field `内容`".into(),
            }),
            Why::Import(Box::new(Import::Workbook(Unreadable::TooLarge {
                size: 30_000_000,
                limit: 20 * 1024 * 1024,
            }))),
            Why::Import(Box::new(Import::Workbook(Unreadable::Unpacks {
                limit: 200_000_000,
            }))),
            Why::Import(Box::new(Import::Workbook(Unreadable::Encrypted))),
            Why::Import(Box::new(Import::Workbook(Unreadable::Malformed {
                detail: String::new(),
            }))),
            Why::Import(Box::new(Import::Workbook(Unreadable::TooManySheets {
                count: 80,
                limit: 50,
            }))),
            Why::Import(Box::new(Import::Workbook(Unreadable::TooManyRows {
                sheet: "台账".into(),
                limit: 20000,
            }))),
            Why::Import(Box::new(Import::Workbook(Unreadable::TooManyCells {
                limit: 1_000_000,
            }))),
            Why::Import(Box::new(Import::Workbook(Unreadable::TooMuchText {
                limit: 5_000_000,
            }))),
            Why::Import(Box::new(Import::Workbook(Unreadable::CellTooLong {
                sheet: "台账".into(),
                row: 6,
                col: "G".into(),
                limit: 5000,
            }))),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoSuchSheet {
                    name: "台账2".into(),
                    sheets: vec!["整改台账".into()],
                },
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::FormulasWithoutValues { count: 5 },
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoHeader,
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::DroppedColumns {
                    columns: vec!["BX".into()],
                    more: true,
                    header_rows: 12,
                },
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoMeasureColumn,
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoColumn(NeededColumn::LeadUnit),
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::ControlCharacters,
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoAspects {
                    aspect: "反馈问题".into(),
                },
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoProblem,
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoMeasure,
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoLeadUnit,
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::SeveralLeadUnits {
                    count: 2,
                    first: "财务部".into(),
                },
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoDeadline,
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::Deadline(DeadlineError::Unreadable("尽快".into())),
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::StatusUnread {
                    count: 12,
                    rows: vec![7, 9],
                    more: true,
                },
            })),
            Why::Import(Box::new(Import::At {
                place: place(),
                finding: Finding::NoRows,
            })),
        ]
    }

    /// Which reason a sample is, as (group, variant): every match is exhaustive, so a
    /// new reason does not build until it is numbered here, and the test below fails
    /// until it has a sample.
    fn kind(w: &Why) -> (&'static str, usize) {
        match w {
            Why::Required => ("why", 0),
            Why::RequiredDate => ("why", 1),
            Why::RequiredNumber => ("why", 2),
            Why::TooLong { .. } => ("why", 3),
            Why::ControlCharacters => ("why", 4),
            Why::YearOutOfRange => ("why", 5),
            Why::NotADate => ("why", 6),
            Why::OutOfRange { .. } => ("why", 7),
            Why::UnknownChoice => ("why", 8),
            Why::Deadline(_) => ("why", 9),
            Why::NotYet(_) => ("why", 10),
            Why::Stale { .. } => ("why", 11),
            Why::TooSoon(_) => ("why", 15),
            Why::BeforeInspection(_) => ("why", 16),
            Why::StartAfterRecorded(_) => ("why", 17),
            Why::NoSuchDay { .. } => ("why", 18),
            Why::AsOfAhead { .. } => ("why", 19),
            Why::NothingAsOf { .. } => ("why", 20),
            Why::Refused(_) => ("why", 12),
            Why::InRow { .. } => ("why", 13),
            Why::Calendar(_) => ("why", 14),
            Why::TooEarly(e) => ("too_early", setting_index(e.setting)),
            Why::Escalation(m) => (
                "escalation",
                match m {
                    Misstep::AllIssued => 0,
                    Misstep::OutOfOrder { .. } => 1,
                    Misstep::FinalDeadlineMissing => 2,
                    Misstep::FinalDeadlineNotAhead => 3,
                    Misstep::FinalDeadlineOnlyAdmonition => 4,
                    Misstep::FinalDeadlineTooFar { .. } => 5,
                    Misstep::MeasureDone => 6,
                    Misstep::NotLagging => 7,
                },
            ),
            Why::Password(p) => (
                "password",
                match p {
                    Weak::TooShort { .. } => 0,
                    Weak::OnlyDigits => 1,
                    Weak::FewKinds => 2,
                    Weak::HasUsername => 3,
                    Weak::Common => 4,
                },
            ),
            Why::Choose(c) => ("choose", choose_index(c)),
            Why::Foreign(f) => ("foreign", foreign_index(f)),
            Why::Rule(r) => ("rule", rule_index(r)),
            Why::Bounds(b) => ("bounds", bounds_index(b)),
            Why::Account(a) => ("account", account_index(a)),
            Why::Channel(c) => ("channel", channel_index(c)),
            Why::Files(f) => ("files", files_index(f)),
            Why::Request(r) => ("request", apirequest_index(r)),
            Why::Import(i) => match &**i {
                Import::Workbook(u) => ("unreadable", unreadable_index(u)),
                Import::At { finding, .. } => ("finding", finding_index(finding)),
                other => ("import", import_index(other)),
            },
        }
    }

    fn setting_index(s: Setting) -> usize {
        match s {
            Setting::ReturnClosure => 0,
            Setting::Reopen => 1,
            Setting::RequestExtension => 2,
            Setting::ApproveExtension => 3,
            Setting::Milestone => 4,
            Setting::SupplementaryMeasure => 5,
            Setting::DraftMeasure => 6,
        }
    }

    fn choose_index(x: &Choose) -> usize {
        match x {
            Choose::Source => 0,
            Choose::Aspect => 1,
            Choose::LeadDepartment => 2,
            Choose::Department => 3,
            Choose::InspectionKind => 4,
            Choose::Notice => 5,
            Choose::SubjectKind => 6,
            Choose::DisciplineForm => 7,
            Choose::ChangeKind => 8,
            Choose::LeadingUnit => 9,
            Choose::MeasureToExtend => 10,
            Choose::Party => 11,
            Choose::Action => 12,
            Choose::Secretary => 13,
            Choose::Week => 14,
            Choose::Role => 15,
            Choose::UnknownRole => 16,
            Choose::UnitsInCharge => 17,
            Choose::UnitKind => 18,
            Choose::RobotKind => 19,
            Choose::RobotColours => 20,
            Choose::LedgerFile => 21,
            Choose::AttachLedger => 22,
            Choose::HeaderMeaning => 23,
            Choose::FindingUnit => 24,
            Choose::ColumnFields => 25,
            Choose::StatusFilter => 26,
            Choose::SourceFilter => 27,
            Choose::ClosedProblem => 28,
            Choose::DocumentKind => 29,
            Choose::HandlingUnit => 30,
            Choose::Member => 31,
            Choose::OpinionCategory => 32,
            Choose::OpinionChannel => 33,
            Choose::RemarkKind => 34,
        }
    }

    fn foreign_index(x: &Foreign) -> usize {
        match x {
            Foreign::ItemOfAspect => 0,
            Foreign::Leader => 1,
            Foreign::CooperatingUnits => 2,
            Foreign::NotInInspection { .. } => 3,
            Foreign::NotClosedHere { .. } => 4,
            Foreign::UnitsInCharge { .. } => 5,
            Foreign::ParentUnit => 6,
            Foreign::Unit => 7,
            Foreign::MeasureOfProblem => 8,
            Foreign::Secretary => 9,
            Foreign::NotInRound => 10,
            Foreign::CarryMeasures => 11,
            Foreign::MappedUnit { .. } => 12,
            Foreign::NotOfMeeting => 13,
        }
    }

    fn rule_index(x: &Rule) -> usize {
        match x {
            Rule::PeriodReversed => 0,
            Rule::WorkAhead => 1,
            Rule::EvidenceNeeded => 2,
            Rule::MeasureDone => 3,
            Rule::MilestoneUndated => 4,
            Rule::MilestoneAfterDeadline { .. } => 5,
            Rule::ReachedAhead => 6,
            Rule::MilestoneReached => 7,
            Rule::ExtensionUndated => 8,
            Rule::NoOpinion => 9,
            Rule::LeadSetByOffice => 10,
            Rule::SetByOffice => 11,
            Rule::DeadlineByExtension => 12,
            Rule::LeadCooperates => 13,
            Rule::NoMeasures => 14,
            Rule::TooManyMeasures { .. } => 15,
            Rule::LeadDraftsOwn => 16,
            Rule::Amount => 17,
            Rule::NoFindings => 18,
            Rule::LookbackDecided => 19,
            Rule::ReportWeek => 20,
            Rule::HolidayWeek => 21,
            Rule::WeekAhead => 22,
            Rule::WithdrawReason => 23,
            Rule::PlanDocument => 24,
            Rule::Title { .. } => 25,
            Rule::Checkpoint { .. } => 26,
            Rule::CalendarEmpty => 27,
            Rule::WeekBeforeLedger { .. } => 28,
            Rule::MilestoneNotOpen => 29,
            Rule::CalendarYearAhead { .. } => 30,
            Rule::UnsavedVersion => 31,
            Rule::FeedbackBeforeStationed { .. } => 32,
            Rule::StationedAhead { .. } => 33,
            Rule::ExtensionNotLater { .. } => 34,
            Rule::PetitionConcluded => 35,
            Rule::PetitionNotConcluded => 36,
            Rule::PetitionDeadlineBeforeReceived { .. } => 37,
            Rule::PetitionDeadlineTooLate { .. } => 38,
            Rule::PetitionNumberTaken => 39,
            Rule::PetitionGone => 40,
            Rule::BoxNotYetOpen { .. } => 41,
            Rule::BoxClosed { .. } => 42,
            Rule::BoxDays { .. } => 43,
            Rule::BoxStillOpen { .. } => 44,
            Rule::MeetingPast => 45,
            Rule::MeetingNotHeld => 46,
            Rule::NothingToCarry => 47,
            Rule::MaterialFinal => 48,
            Rule::NotToAcknowledge => 49,
            Rule::MergeTarget => 50,
            Rule::RemarkMembers => 51,
        }
    }

    fn bounds_index(x: &Bounds) -> usize {
        match x {
            Bounds::PlanWorkdays => 0,
            Bounds::CompletionMonths => 1,
            Bounds::ConcentratedMonths => 2,
            Bounds::GreenDays => 3,
            Bounds::YellowDays => 4,
            Bounds::NoRecipient(..) => 5,
            Bounds::NarrowerThanMilder(..) => 6,
            Bounds::RemindDays => 7,
            Bounds::RemindDaysWords => 8,
            Bounds::RepeatDays => 9,
            Bounds::MilestoneMonths => 10,
            Bounds::LongTermDays => 11,
        }
    }

    fn account_index(x: &Account) -> usize {
        match x {
            Account::UsernameForm => 0,
            Account::UsernameTaken => 1,
            Account::DisplayName => 2,
            Account::SamePassword => 3,
            Account::WrongPassword => 4,
            Account::ThreeAdministrators => 5,
            Account::DisableSelf => 6,
            Account::DisableReason => 7,
            Account::AssignSelf => 8,
            Account::TokenName => 9,
            Account::TokenNameControl => 10,
            Account::UnitName => 11,
            Account::DepartmentParent => 12,
            Account::DisableAdministrator => 13,
        }
    }

    fn channel_index(x: &Channel) -> usize {
        match x {
            Channel::RobotUrl => 0,
            Channel::RobotUrlClear => 1,
            Channel::RobotHost { .. } => 2,
            Channel::DingTalkSecret => 3,
            Channel::Email => 4,
            Channel::EmailNeeded => 5,
        }
    }

    fn files_index(x: &Files) -> usize {
        match x {
            Files::TooMany { .. } => 0,
            Files::TooLarge { .. } => 1,
            Files::Type { .. } => 2,
            Files::UploadGone => 3,
            Files::Unreadable => 4,
        }
    }

    fn import_index(x: &Import) -> usize {
        match x {
            Import::Before { .. } => 0,
            Import::UnknownUnits { .. } => 1,
            Import::Undecided { .. } => 2,
            Import::Headerless { .. } => 3,
            Import::Word { .. } => 4,
            Import::WordChanged => 5,
            Import::LeadUnitUnmapped { .. } => 6,
            Import::DeadlineUnread { .. } => 7,
            Import::Workbook(..) => 8,
            Import::At { .. } => 9,
        }
    }

    fn finding_index(x: &Finding) -> usize {
        match x {
            Finding::NoSuchSheet { .. } => 0,
            Finding::FormulasWithoutValues { .. } => 1,
            Finding::NoHeader => 2,
            Finding::DroppedColumns { .. } => 3,
            Finding::NoMeasureColumn => 4,
            Finding::NoColumn(..) => 5,
            Finding::ControlCharacters => 6,
            Finding::NoAspects { .. } => 7,
            Finding::NoProblem => 8,
            Finding::NoMeasure => 9,
            Finding::NoLeadUnit => 10,
            Finding::SeveralLeadUnits { .. } => 11,
            Finding::NoDeadline => 12,
            Finding::Deadline(..) => 13,
            Finding::StatusUnread { .. } => 14,
            Finding::NoRows => 15,
        }
    }

    fn unreadable_index(x: &Unreadable) -> usize {
        match x {
            Unreadable::TooLarge { .. } => 0,
            Unreadable::Unpacks { .. } => 1,
            Unreadable::Encrypted => 2,
            Unreadable::Malformed { .. } => 3,
            Unreadable::TooManySheets { .. } => 4,
            Unreadable::TooManyRows { .. } => 5,
            Unreadable::TooManyCells { .. } => 6,
            Unreadable::TooMuchText { .. } => 7,
            Unreadable::CellTooLong { .. } => 8,
        }
    }

    fn apirequest_index(x: &ApiRequest) -> usize {
        match x {
            ApiRequest::NotAFlag { .. } => 0,
            ApiRequest::UnknownFormField { .. } => 1,
            ApiRequest::PathSegment { .. } => 2,
            ApiRequest::Field { .. } => 3,
        }
    }

    /// How many variants each group has.
    const SIZES: &[(&str, usize)] = &[
        ("why", 21),
        ("too_early", 7),
        ("escalation", 8),
        ("password", 5),
        ("choose", 35),
        ("foreign", 14),
        ("rule", 52),
        ("bounds", 12),
        ("account", 14),
        ("channel", 6),
        ("files", 5),
        ("request", 4),
        ("import", 8),
        ("unreadable", 9),
        ("finding", 16),
        ("refused", 27),
        ("blocking", 4),
    ];

    #[test]
    fn every_reason_has_a_sample() {
        let seen: BTreeSet<(&str, usize)> = all_samples().iter().map(Sample::kind).collect();
        for (group, size) in SIZES {
            for i in 0..*size {
                assert!(seen.contains(&(group, i)), "no sample of {group} #{i}");
            }
        }
        for (group, i) in &seen {
            let size = SIZES
                .iter()
                .find(|(g, _)| g == group)
                .map_or(0, |(_, n)| *n);
            assert!(*i < size, "{group} #{i}: count it in SIZES");
        }
    }

    /// Every reason has words in Chinese and in English, different, and the Chinese
    /// holds no English (but the names the pages allow, and the codes an API caller
    /// writes).
    #[test]
    fn every_reason_is_worded_in_both_languages() {
        for w in all_samples() {
            let zh = w.words(Lang::Zh);
            let en = w.words(Lang::En);
            assert!(!zh.trim().is_empty(), "{w:?}");
            assert!(!en.trim().is_empty(), "{w:?}");
            assert_ne!(zh, en, "{w:?}");
            assert!(en.chars().any(|c| c.is_ascii_alphabetic()), "{w:?}: {en}");
            if !w.speaks_codes() {
                assert!(latin(&zh).is_empty(), "{w:?}: {zh} ({:?})", latin(&zh));
            }
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
