//! The reasons a form, a request or an import is refused, as data: each names what is
//! wrong with the records' own names, dates and counts as its fields, and zhenggai-web
//! (`i18n::why`) alone puts it into the reader's language. Grouped by what they are
//! about; each group is one variant of [`crate::validate::Why`], but for the refusals
//! to a role or unit ([`Refused`]) and the steps that wait on other records
//! ([`Blocking`]), which storage returns as errors of their own.
//!
//! Why this file stays whole (past 600 lines): it is the one list of reasons, read as a
//! glossary top to bottom; each enum stands alone, and split it would be looked for in
//! several files.

use chrono::NaiveDate;

use crate::Role;
use crate::deadline::DeadlineError;
use crate::warning::Colour;

/// A choice the form needs, missing or not one of the page's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choose {
    /// Where the problem came from (巡察 or 自查).
    Source,
    /// An aspect of this inspection.
    Aspect,
    /// A department of the organisation as the lead unit.
    LeadDepartment,
    /// A department of the organisation.
    Department,
    /// The kind of inspection.
    InspectionKind,
    /// The notice (督办文书) to issue.
    Notice,
    /// Person or unit held accountable.
    SubjectKind,
    /// One of the four forms (四种形态).
    DisciplineForm,
    /// Made, revised or abolished.
    ChangeKind,
    /// A department of the organisation to handle a petition (承办单位).
    HandlingUnit,
    /// A member of the meeting's leadership (班子成员).
    Member,
    /// What an opinion is about (政治建设、担当作为 …).
    OpinionCategory,
    /// How an opinion reached the office (来信、座谈会 …).
    OpinionChannel,
    /// Self-criticism, criticism or the upper level's remarks.
    RemarkKind,
    /// The unit that will lead.
    LeadingUnit,
    /// The measure to extend.
    MeasureToExtend,
    /// The party to acceptance.
    Party,
    /// A step no button sends.
    Action,
    /// The Party secretary.
    Secretary,
    /// The week.
    Week,
    /// A role.
    Role,
    /// A role none of the roles is called.
    UnknownRole,
    /// Units in charge, from the list.
    UnitsInCharge,
    /// Organisation or department.
    UnitKind,
    /// The robot of a group chat.
    RobotKind,
    /// The colours a group is told of.
    RobotColours,
    /// The ledger file to import, on the page.
    LedgerFile,
    /// The ledger file, attached to a request.
    AttachLedger,
    /// What a header word is read as.
    HeaderMeaning,
    /// The unit of a finding.
    FindingUnit,
    /// A field for each column, or "ignore".
    ColumnFields,
    /// A status filter the list does not offer.
    StatusFilter,
    /// A source filter the list does not offer.
    SourceFilter,
    /// At least one closed problem.
    ClosedProblem,
    /// A document upward (final report, public notice, weekly summary, circular).
    DocumentKind,
}

/// A record named that is not one the form may name: another organisation's, another
/// problem's, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Foreign {
    /// An opinion or remark that is not one of this meeting's.
    NotOfMeeting,
    /// An item not under the aspect chosen.
    ItemOfAspect,
    /// A responsible leader who is not a leader of the organisation.
    Leader,
    /// Cooperating units that are not departments of the organisation.
    CooperatingUnits,
    /// A record not part of this inspection.
    NotInInspection {
        /// Its number.
        id: i64,
    },
    /// A problem that is not a closed problem of this inspection.
    NotClosedHere {
        /// Its number.
        id: i64,
    },
    /// Units in charge that are not departments of the person's own organisation.
    UnitsInCharge {
        /// Their numbers.
        ids: Vec<i64>,
    },
    /// A parent unit that does not exist.
    ParentUnit,
    /// A unit that does not exist.
    Unit,
    /// A measure that is not the problem's.
    MeasureOfProblem,
    /// A Party secretary who is not a leader of the organisation.
    Secretary,
    /// A problem not in the look-back round.
    NotInRound,
    /// Measures to carry that the former lead unit does not lead on this problem.
    CarryMeasures,
    /// The unit an import maps a name to, of another organisation.
    MappedUnit {
        /// The name in the ledger.
        name: String,
    },
}

/// A rule of the ledger's records that the values break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A period that ends before it starts.
    PeriodReversed,
    /// An inspection group's stationed period (进驻) starting or ending after the day
    /// the inspection is recorded: registered after the feedback, it has happened.
    StationedAhead {
        /// The day it is recorded: the latest date allowed.
        today: NaiveDate,
    },
    /// Work recorded on a day ahead.
    WorkAhead,
    /// Marked done without evidence.
    EvidenceNeeded,
    /// A measure already marked done.
    MeasureDone,
    /// A milestone without a date or period.
    MilestoneUndated,
    /// A milestone after its measure's deadline.
    MilestoneAfterDeadline {
        /// The milestone's date.
        due: NaiveDate,
        /// The measure's deadline.
        end: NaiveDate,
    },
    /// A milestone reached on a day ahead.
    ReachedAhead,
    /// A milestone already reached.
    MilestoneReached,
    /// An extension to a deadline that is not dated.
    ExtensionUndated,
    /// An extension (延期) to a day not after the measure's present deadline.
    ExtensionNotLater {
        /// The measure's deadline now.
        current: NaiveDate,
    },
    /// An opinion on a step that takes none.
    NoOpinion,
    /// The lead unit, which the office sets.
    LeadSetByOffice,
    /// A field of a submitted plan, which the office sets.
    SetByOffice,
    /// A deadline of an approved plan, which changes by extension only.
    DeadlineByExtension,
    /// The lead unit named as cooperating too.
    LeadCooperates,
    /// No measure in a grid.
    NoMeasures,
    /// More measures than a grid saves at once.
    TooManyMeasures {
        /// The most at once.
        max: usize,
    },
    /// A lead unit drafting a measure another unit leads.
    LeadDraftsOwn,
    /// An amount in words that do not read.
    Amount,
    /// A petition already concluded (已办结): the office returns it before it changes.
    PetitionConcluded,
    /// A petition returned (退回重办) that has no result yet.
    PetitionNotConcluded,
    /// A petition's deadline before the day it was received.
    PetitionDeadlineBeforeReceived {
        /// The day received: the earliest deadline.
        received_on: NaiveDate,
    },
    /// A petition's deadline more than a year after it was received.
    PetitionDeadlineTooLate {
        /// The latest deadline allowed.
        latest: NaiveDate,
    },
    /// A petition's number already given to another petition of the inspection.
    PetitionNumberTaken,
    /// A petition no longer among those the person may act on (reassigned to another
    /// unit, or withdrawn) — or one that never was.
    PetitionGone,
    /// The public opinion box (意见箱) opens on a later day.
    BoxNotYetOpen {
        /// Its first day.
        opens: NaiveDate,
    },
    /// The public opinion box has closed (its last day passed, or the meeting was held).
    BoxClosed {
        /// Its last day.
        closed: NaiveDate,
    },
    /// The box's days: the last before the first, or open longer than allowed.
    BoxDays {
        /// The most days it may stay open.
        max_days: i64,
    },
    /// The box is opened (开箱) only once it has closed.
    BoxStillOpen {
        /// Its last day.
        closes: NaiveDate,
    },
    /// A change to what the meeting prepares (opinions, talks, materials) after it was
    /// held, or to what was said at it after its problems joined the ledger.
    MeetingPast,
    /// The problems join the ledger after the meeting is held, once.
    MeetingNotHeld,
    /// No problem named for the ledger.
    NothingToCarry,
    /// A finalised self-examination (已定稿) is not revised.
    MaterialFinal,
    /// An opinion not sorted to the reader, or already acknowledged.
    NotToAcknowledge,
    /// An opinion merged into itself or into one already merged.
    MergeTarget,
    /// Criticism names two different members; self-criticism one.
    RemarkMembers,
    /// A supervision round without findings.
    NoFindings,
    /// A look-back round that has decided on the problem already.
    LookbackDecided,
    /// A weekly report for a week other than this or the last.
    ReportWeek,
    /// A weekly report for a holiday week.
    HolidayWeek,
    /// A summary of a week that has not come.
    WeekAhead,
    /// A summary of a week before the organisation's first inspection.
    WeekBeforeLedger {
        /// The Monday of the first week that may be summarised.
        first: NaiveDate,
    },
    /// A milestone on a measure done (立行立改 or already marked done).
    MilestoneNotOpen,
    /// A withdrawal without a reason.
    WithdrawReason,
    /// A plan filed without its document.
    PlanDocument,
    /// A title missing or too long.
    Title {
        /// The most characters.
        max: usize,
    },
    /// A checkpoint code that does not read.
    Checkpoint {
        /// The code as given.
        code: String,
    },
    /// Calendar data in which no year was read.
    CalendarEmpty,
    /// An inspection's feedback dated before its stationed period ended: the findings
    /// are handed over after the group has left.
    FeedbackBeforeStationed {
        /// The last day of the stationed period given (its end, or its start alone).
        last: NaiveDate,
    },
    /// A first save (nothing stored yet) sent with a version other than 0: the writer
    /// read something else, or made the number up.
    UnsavedVersion,
    /// A calendar year further ahead than the State Council has published.
    CalendarYearAhead {
        /// The year entered.
        year: i32,
        /// The latest year that may be entered now.
        latest: i32,
    },
}

/// The organisation's terms and warning rules, out of their bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounds {
    /// Working days to the plan.
    PlanWorkdays,
    /// Months to completion.
    CompletionMonths,
    /// Months of the concentrated phase.
    ConcentratedMonths,
    /// Days of the green warning.
    GreenDays,
    /// Days of the yellow warning.
    YellowDays,
    /// A colour that tells no one.
    NoRecipient(Colour),
    /// A colour that tells fewer than the milder one.
    NarrowerThanMilder(Colour),
    /// Reminder days out of bounds.
    RemindDays,
    /// Reminder days that do not read.
    RemindDaysWords,
    /// Days between overdue reminders.
    RepeatDays,
    /// Months above which milestones are required.
    MilestoneMonths,
    /// Days between long-term progress reports.
    LongTermDays,
}

/// Accounts, units and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    /// A username not in its form.
    UsernameForm,
    /// A username taken.
    UsernameTaken,
    /// A person's name missing or too long.
    DisplayName,
    /// A new password the same as the current one.
    SamePassword,
    /// The current password, wrong.
    WrongPassword,
    /// The three administrators are changed on the command line only.
    ThreeAdministrators,
    /// One's own account disabled.
    DisableSelf,
    /// An administrator's account disabled or enabled on a page or the API: one of the
    /// three could silence another (the auditor), so only the shell does it.
    DisableAdministrator,
    /// An account disabled without a reason.
    DisableReason,
    /// A role assigned to oneself.
    AssignSelf,
    /// A token without a name, or with too long a one.
    TokenName,
    /// A token's name with control characters.
    TokenNameControl,
    /// A unit's name missing or too long.
    UnitName,
    /// A department without its organisation.
    DepartmentParent,
}

/// Where reminders go: group robots and e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// A robot's address missing or not whole.
    RobotUrl,
    /// A robot's address in clear or with a port.
    RobotUrlClear,
    /// A robot's address on a host robots do not post to.
    RobotHost {
        /// The hosts allowed.
        allowed: Vec<String>,
        /// The host given.
        host: String,
    },
    /// A DingTalk robot without its signing secret.
    DingTalkSecret,
    /// Not an e-mail address.
    Email,
    /// E-mail reminders without an address.
    EmailNeeded,
}

/// Files sent with a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Files {
    /// More files than at once.
    TooMany {
        /// The most at once.
        max: usize,
    },
    /// A file too large.
    TooLarge {
        /// Its name.
        name: String,
        /// The limit in MB.
        mb: usize,
    },
    /// A file of a type not accepted.
    Type {
        /// Its name.
        name: String,
    },
    /// An upload kept for a while and gone.
    UploadGone,
    /// A file that cannot be read.
    Unreadable,
}

/// A ledger import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Import {
    /// The same file imported before.
    Before {
        /// When and by whom, as the trail shows it.
        when: String,
    },
    /// Units the ledger names that the organisation does not have.
    UnknownUnits {
        /// Their names.
        names: Vec<String>,
    },
    /// Columns holding data that are mapped to no field and not ignored.
    Undecided {
        /// Each column's letter and header (empty when it has none).
        columns: Vec<(String, String)>,
    },
    /// A column without a header, whose meaning cannot be remembered.
    Headerless {
        /// Its letter, when known.
        column: Option<String>,
    },
    /// A header word too long or with control characters.
    Word {
        /// The most characters.
        max: usize,
    },
    /// A header word changed by someone else meanwhile.
    WordChanged,
    /// A row whose lead unit maps to no unit.
    LeadUnitUnmapped {
        /// The row.
        row: usize,
        /// The lead unit as written.
        name: String,
    },
    /// A row whose deadline does not read.
    DeadlineUnread {
        /// The row.
        row: usize,
    },
    /// The workbook cannot be read.
    Workbook(Unreadable),
    /// What reading found at a place of the workbook.
    At {
        /// Where.
        place: Place,
        /// What.
        finding: Finding,
    },
}

/// A place in a workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The sheet.
    pub sheet: String,
    /// Row, counted from 1 as the spreadsheet shows it (0 for the whole sheet).
    pub row: usize,
    /// Column letter, when one cell is meant.
    pub column: Option<String>,
}

/// A column every ledger needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeededColumn {
    /// 牵头单位.
    LeadUnit,
    /// 整改时限.
    Deadline,
}

/// What reading a ledger found: an error to fix or a warning to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// No sheet of the name asked for.
    NoSuchSheet {
        /// The name asked for.
        name: String,
        /// The workbook's sheets.
        sheets: Vec<String>,
    },
    /// Formulas saved without their values.
    FormulasWithoutValues {
        /// How many.
        count: usize,
    },
    /// No header found.
    NoHeader,
    /// Columns beyond those read, without a header.
    DroppedColumns {
        /// Their letters (the first few).
        columns: Vec<String>,
        /// Whether there are more.
        more: bool,
        /// The rows a header is looked for in.
        header_rows: usize,
    },
    /// No 整改措施 column.
    NoMeasureColumn,
    /// A needed column missing.
    NoColumn(NeededColumn),
    /// A cell with control characters.
    ControlCharacters,
    /// No aspects: problems go under one.
    NoAspects {
        /// The aspect they go under.
        aspect: String,
    },
    /// A row without a problem, and none above.
    NoProblem,
    /// A row without a measure.
    NoMeasure,
    /// A row without a lead unit.
    NoLeadUnit,
    /// Several lead units in one cell.
    SeveralLeadUnits {
        /// How many.
        count: usize,
        /// The first, which leads.
        first: String,
    },
    /// A row without a deadline.
    NoDeadline,
    /// A deadline that does not read.
    Deadline(DeadlineError),
    /// Statuses that say neither done nor under way.
    StatusUnread {
        /// How many rows.
        count: usize,
        /// The first few rows.
        rows: Vec<usize>,
        /// Whether there are more.
        more: bool,
    },
    /// No measure rows.
    NoRows,
}

/// Why a workbook cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Larger than allowed.
    TooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Unpacks to more than allowed.
    Unpacks {
        /// The limit in bytes.
        limit: u64,
    },
    /// Protected by a password.
    Encrypted,
    /// Not a workbook, or broken.
    Malformed {
        /// What the reader found, in its words (for the English and logs).
        detail: String,
    },
    /// More sheets than allowed.
    TooManySheets {
        /// Sheets.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A sheet longer than allowed.
    TooManyRows {
        /// The sheet.
        sheet: String,
        /// The limit.
        limit: usize,
    },
    /// More cells than allowed.
    TooManyCells {
        /// The limit.
        limit: usize,
    },
    /// More text than allowed.
    TooMuchText {
        /// The limit.
        limit: usize,
    },
    /// A cell longer than allowed.
    CellTooLong {
        /// The sheet.
        sheet: String,
        /// Row, from 1.
        row: usize,
        /// Column letter.
        col: String,
        /// The limit.
        limit: usize,
    },
}

/// A request to the API not in the form its documentation gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRequest {
    /// A yes/no field with another value.
    NotAFlag {
        /// The field.
        name: String,
        /// The value sent.
        value: String,
    },
    /// A form field the route does not take.
    UnknownFormField {
        /// The field.
        name: String,
        /// The fields it takes.
        allowed: Vec<String>,
    },
    /// A segment of the address not in its form.
    PathSegment {
        /// The segment's name.
        key: String,
        /// The value sent.
        value: String,
        /// What was expected, in the type's name.
        expected: String,
    },
    /// A field of the query or the JSON body.
    Field {
        /// Query or JSON body.
        part: RequestPart,
        /// What is wrong with it.
        problem: FieldProblem,
        /// The field's path.
        field: String,
        /// The decoder's words (naming the type expected), for the English of a value
        /// not in its form.
        detail: String,
    },
}

/// Where in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestPart {
    /// The query string.
    Query,
    /// The JSON body.
    Json,
    /// A page's form (read into the same input struct as the JSON body).
    Form,
}

/// What is wrong with a field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    /// Missing.
    Missing,
    /// Given more than once.
    Duplicate,
    /// Not a field of the route.
    Unknown {
        /// The fields it takes.
        allowed: Vec<String>,
    },
    /// A value not in its form.
    Value,
}

/// A step or page refused to the person's role or unit, with who may take it instead
/// (拒绝办理): the web edge answers 403 with these words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Progress (整改进展) is reported by the measure's owners only.
    ProgressByOwners,
    /// Only the measure's lead unit (牵头单位) marks it done (标记完成).
    DoneByLead {
        /// The lead unit's name.
        lead_unit: String,
    },
    /// The weekly summary (一周一汇总) is edited by the organisation's office (整改办).
    SummaryByOffice,
    /// The ledger (台账) is changed by the organisation's office only.
    LedgerByOffice,
    /// The whole ledger's figures (整改统计) are read by those who read the whole
    /// ledger: the office, 纪检, the Party secretary and the upper level. A unit or a
    /// leader finds its own on its home page and measure list.
    FiguresByLedgerReaders,
    /// The weekly summary and the monthly circular are the inspected organisation's own
    /// documents, made by its office from its weekly reports and supervision rounds; the
    /// upper level reads that organisation's final report and figures instead.
    OrganisationDocumentsByItsOffice,
    /// The archive package (归档材料) of an inspection is made by its organisation's
    /// office; others read the evidence on the problems' and measures' pages.
    ArchiveByOffice,
    /// 信访件 are registered, reassigned and returned by the organisation's office.
    PetitionsByOffice,
    /// A democratic life meeting (民主生活会) is run by its organisation's office: the
    /// opinions sorted, the talks and what was said recorded, its problems carried.
    MeetingByOffice,
    /// A member's self-examination (对照检查材料) is written by the member, or by the
    /// office for the leadership's.
    MaterialByItsMember,
    /// A petition's result (办结) is recorded by its handling unit (承办单位) or the office.
    PetitionByHandlingUnit {
        /// The handling unit's name.
        unit: String,
    },
    /// The documents upward (上报文件) are generated by those who read the whole ledger;
    /// a unit or an ordinary leader asks the office.
    DocumentsByLedgerReaders,
    /// The import's header words (导入列名) are set by the office only.
    HeaderWordsByOffice,
    /// Weekly reports (整改周报) are neither sent nor gathered by this role.
    WeeklyNotYourRole,
    /// Ledgers are imported (导入台账) by the office only.
    ImportByOffice,
    /// A lifecycle step only another party takes (这一步只能由……办理).
    StepBy {
        /// Who takes it.
        party: StepParty,
        /// The problem's lead unit, by name (named when the party includes it).
        lead_unit: String,
    },
    /// A measure's content is changed by its lead unit (牵头单位, while drafting) and the
    /// office; those who cooperate on it (配合单位, 责任领导) report progress instead.
    MeasureByLead {
        /// The lead unit's name.
        lead_unit: String,
        /// Whether the person cooperates on the measure (may report progress), or only
        /// reads it.
        contributes: bool,
    },
    /// 督办 notices (督办文书) are issued by the organisation's office (整改办).
    NoticesByOffice,
    /// The organisation's settings (销号规则, 预警规则, 提醒渠道, 周报时间) are set by its
    /// office.
    SettingsByOffice,
    /// 督查 rounds and hearings are recorded by the organisation's office.
    SupervisionByOffice,
    /// The 督查 page is kept by the organisation's office and read by it and the
    /// discipline supervisor (纪检监督); a unit or the upper level (上级巡察办) is told
    /// whom to ask.
    SupervisionNotYourRole {
        /// The reader is the upper level, for whom "the office" is the inspected
        /// organisation's, not their own.
        upper: bool,
    },
    /// A measure (整改措施) is withdrawn (撤回) by the office of the organisation whose
    /// ledger holds it; its lead unit asks that office.
    WithdrawByOffice,
    /// 阶段目标 are set and marked by the measure's owners (牵头单位、配合单位、责任领导).
    MilestonesByOwners,
    /// The administrators (三员: 系统管理员、安全管理员、审计管理员) manage accounts, roles
    /// and the audit trail, and read no ledger: sign in with a ledger account.
    AdministratorsReadNoLedger,
    /// An account without a role yet (未分配角色): the security administrator assigns it.
    NoRoleYet,
    /// The work of one administrator (三员分立): accounts and units, the calendar (系统
    /// 管理员), roles (安全管理员), the whole audit trail (审计管理员).
    ByAdministrator {
        /// The administrator who does it.
        role: Role,
    },
    /// Not the role's or unit's step, who may unsaid (不能办理这一步).
    NotYourStep,
}

impl Refused {
    /// Why a role that reads no business data is refused the ledger: the administrators
    /// and an account without a role are told whom to turn to; `None` for the roles that
    /// read one.
    pub fn without_ledger(role: Role) -> Option<Refused> {
        if role.reads_business_data() {
            None
        } else if role.is_admin() {
            Some(Refused::AdministratorsReadNoLedger)
        } else {
            Some(Refused::NoRoleYet)
        }
    }
}

/// Who takes a lifecycle step, as a refusal names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepParty {
    /// The problem's lead unit (牵头单位).
    LeadUnit,
    /// The leader in charge of the problem (分管领导).
    Leader,
    /// The leader in charge or the office (分管领导或整改办).
    LeaderOrOffice,
    /// The lead unit or the office (牵头单位或整改办).
    LeadUnitOrOffice,
    /// The office, the inspecting side signing its own parts (整改办，巡察办、巡察组签本方).
    OfficeOrInspectors,
    /// The organisation's office (整改办).
    Office,
}

/// A step that waits on other records (办理受阻), which the refusal lists by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocking {
    /// The plan (整改方案) is filed (备案) already.
    PlanAlreadyFiled,
    /// Problems whose measures the Party committee (党委) has not approved yet.
    ProblemsNotApproved {
        /// How many.
        n: usize,
    },
    /// Measures still open, so the problem cannot close (销号).
    MeasuresOpen {
        /// How many (counted as the lifecycle counts them).
        n: u32,
        /// A phase closes (阶段性销号): its long-term measures may go on.
        dated_only: bool,
    },
    /// Measures longer than the organisation's limit without milestones (阶段目标).
    MilestonesMissing {
        /// How many (counted as the lifecycle counts them).
        n: u32,
    },
}
