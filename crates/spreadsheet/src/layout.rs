//! Where the ledger is in a workbook: which sheet, which rows are the header (one row,
//! or two with 责任主体 over 责任领导/牵头单位/配合单位), and which column holds what, by
//! the words offices write over them (a table of synonyms, extendable in configuration).
//!
//! Why this file passes 600 lines: the synonyms table and the header reading are one
//! piece (about 540 lines); the rest is their tests, kept beside the table they check so
//! that a word added to it comes with its case.

use serde::Serialize;

use crate::read::Sheet;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 序号.
    Seq,
    /// 方面 / 问题类别.
    Aspect,
    /// 反馈问题.
    Problem,
    /// 整改措施.
    Measure,
    /// 整改目标 / 检验指标.
    Target,
    /// 责任领导.
    Leader,
    /// 牵头单位.
    LeadUnit,
    /// 配合单位.
    Cooperating,
    /// 责任人.
    Responsible,
    /// 整改时限.
    Deadline,
    /// 完成情况.
    Status,
    /// 备注.
    Note,
}

zhenggai_domain::codes! {
    Field {
        Seq = "seq",
        Aspect = "aspect",
        Problem = "problem",
        Measure = "measure",
        Target = "target",
        Leader = "leader",
        LeadUnit = "lead_unit",
        Cooperating = "cooperating",
        Responsible = "responsible",
        Deadline = "deadline",
        Status = "status",
        Note = "note",
    }
}

impl Field {
    /// The fields an import keeps, and so those a column may be mapped to: the 序号 is
    /// the ledger's own numbering and a 备注 is not kept.
    pub const IMPORTED: [Field; 10] = [
        Field::Aspect,
        Field::Problem,
        Field::Measure,
        Field::Target,
        Field::Leader,
        Field::LeadUnit,
        Field::Cooperating,
        Field::Responsible,
        Field::Deadline,
        Field::Status,
    ];

    /// Its name in Chinese: the usual header word. Unlike the domain's values, whose
    /// names are the web layer's, a column's names are the spreadsheet's own format: the
    /// Chinese is the header the export writes and the first word an import matches
    /// (`SYNONYMS`), so both names stay here beside that table, and the web reads them
    /// through its `Labelled`.
    pub fn label_zh(self) -> &'static str {
        self.zh()
    }

    /// Its name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Field::Seq => "No.",
            Field::Aspect => "Aspect",
            Field::Problem => "Problem",
            Field::Measure => "Measure",
            Field::Target => "Target",
            Field::Leader => "Leader in charge",
            Field::LeadUnit => "Lead unit",
            Field::Cooperating => "Cooperating units",
            Field::Responsible => "Person responsible",
            Field::Deadline => "Deadline",
            Field::Status => "Status",
            Field::Note => "Note",
        }
    }

    /// The usual header word, for messages and the export.
    pub fn zh(self) -> &'static str {
        SYNONYMS
            .iter()
            .find(|(f, _)| *f == self)
            .and_then(|(_, words)| words.first())
            .copied()
            .unwrap_or("")
    }
}

/// The words offices write over each column. The first is the one zhenggai writes. The
/// others are the usual words of such columns and those found over the columns of
/// published ledgers (`docs/ledger-headers.md` lists the sources and which words they
/// bear out); a cell that is none of them is read by the longest of them it contains.
/// No word belongs to two fields.
pub const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::Seq,
        &["序号", "编号", "问题序号", "问题编号", "序列号"],
    ),
    (
        Field::Aspect,
        &[
            "方面",
            "问题类别",
            "问题类型",
            "类别",
            "所属方面",
            "问题方面",
            "领域",
            "问题分类",
            "问题领域",
            "反馈意见方面",
            "板块",
        ],
    ),
    (
        Field::Problem,
        &[
            "反馈问题",
            "问题描述",
            "存在问题",
            "存在的问题",
            "具体问题",
            "问题表现",
            "问题清单",
            "主要问题",
            "巡察反馈问题",
            "巡视反馈问题",
            "巡察发现问题",
            "巡视发现问题",
            "审计发现问题",
            "审计查出问题",
            "反馈意见",
            "问题内容",
            "问题事项",
            "问题具体表现",
            "具体表现",
            "整改问题",
            "整改事项",
            "整改具体事项",
            "具体内容",
            "问题",
        ],
    ),
    (
        Field::Measure,
        &[
            "整改措施",
            "具体措施",
            "整改举措",
            "措施",
            "整改任务",
            "具体整改措施",
            "整改措施及要求",
            "工作措施",
            "落实措施",
            "整改方式",
            "整改要求",
            "任务清单",
            "主要任务",
            "工作要求",
        ],
    ),
    (
        Field::Target,
        &[
            "整改目标",
            "检验指标",
            "目标",
            "预期目标",
            "整改成效",
            "整改标准",
            "完成标准",
            "目标要求",
            "预期成效",
            "销号标准",
            "验收标准",
        ],
    ),
    (
        Field::Leader,
        &[
            "责任领导",
            "牵头领导",
            "分管领导",
            "牵头责任领导",
            "领导责任人",
            "责任校领导",
            "牵头校领导",
            "分管校领导",
            "牵头局领导",
            "分管局领导",
            "分管负责人",
            "包保领导",
            "督办领导",
            "责任领导签字",
        ],
    ),
    (
        Field::LeadUnit,
        &[
            "牵头单位",
            "责任单位",
            "责任部门",
            "牵头部门",
            "牵头责任单位",
            "主责单位",
            "主办单位",
            "承办单位",
            "主责部门",
            "整改责任单位",
            "整改单位",
            "责任科室",
            "责任处室",
            "责任股室",
            "牵头科室",
            "牵头处室",
            "落实单位",
            "实施单位",
            "责任主体",
            "整改实施主体",
            "牵头股室",
        ],
    ),
    (
        Field::Cooperating,
        &[
            "配合单位",
            "配合部门",
            "协同单位",
            "协助单位",
            "参与单位",
            "协办单位",
            "配合科室",
            "配合处室",
            "协作单位",
            "责任配合单位",
        ],
    ),
    (
        Field::Responsible,
        &[
            "责任人",
            "具体责任人",
            "经办人",
            "联系人",
            "直接责任人",
            "整改责任人",
            "具体负责人",
            "负责人",
        ],
    ),
    (
        Field::Deadline,
        &[
            "整改时限",
            "完成时限",
            "整改期限",
            "时限",
            "完成时间",
            "整改时间",
            "时限要求",
            "办结时限",
            "完成期限",
            "时间节点",
            "完成时间节点",
            "整改完成时限",
            "计划完成时间",
            "预计完成时间",
            "整改完成时间",
        ],
    ),
    (
        Field::Status,
        &[
            "完成情况",
            "整改情况",
            "进展情况",
            "整改进展",
            "整改进度",
            "进度",
            "整改落实情况",
            "整改完成情况",
            "目前进展",
            "当前进展",
            "推进情况",
            "落实情况",
            "整改结果",
            "整改状态",
            "完成状态",
            "是否完成",
            "办结情况",
            "销号情况",
            "办理状态",
            "办理情况",
        ],
    ),
    (Field::Note, &["备注", "说明"]),
];

/// The synonyms, with those an organisation adds (in configuration, or remembered when
/// its office maps a column in an import's preview) and the header words it ignores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    extra: Vec<(Field, String)>,
    ignored: Vec<String>,
}

impl Synonyms {
    /// Adds words for a field (configuration: `[import.synonyms] lead_unit = ["主办单位"]`,
    /// or the organisation's own). An organisation's word is read before the built-in
    /// ones, so that its office may take a built-in word for another column.
    pub fn with(mut self, field: Field, words: impl IntoIterator<Item = String>) -> Self {
        for w in words {
            let w = normalise(&w);
            if !w.is_empty() {
                self.extra.push((field, w));
            }
        }
        self
    }

    /// Adds header words whose columns the organisation has confirmed it does not import.
    pub fn ignoring(mut self, words: impl IntoIterator<Item = String>) -> Self {
        for w in words {
            let w = normalise(&w);
            if !w.is_empty() {
                self.ignored.push(w);
            }
        }
        self
    }

    /// Whether a header cell is one the organisation ignores.
    pub fn is_ignored(&self, cell: &str) -> bool {
        let cell = normalise(cell);
        !cell.is_empty() && self.ignored.contains(&cell)
    }

    /// The field a header cell names, if any: the organisation's exact word first, then
    /// a built-in one, else the longest word it contains ("具体整改措施（含时限）" is a
    /// measure column). A word the organisation ignores names nothing.
    pub fn field_of(&self, cell: &str) -> Option<Field> {
        let cell = normalise(cell);
        if cell.is_empty() || cell.chars().count() > 24 || self.ignored.contains(&cell) {
            return None;
        }
        if let Some((f, _)) = self.extra.iter().find(|(_, w)| *w == cell) {
            return Some(*f);
        }
        let all = SYNONYMS
            .iter()
            .flat_map(|(f, words)| words.iter().map(move |w| (*f, (*w).to_string())))
            .chain(self.extra.iter().cloned());
        let mut best: Option<(Field, usize)> = None;
        for (field, word) in all {
            if cell == word {
                return Some(field);
            }
            let len = word.chars().count();
            if cell.contains(&word) && best.is_none_or(|(_, l)| len > l) {
                best = Some((field, len));
            }
        }
        best.map(|(f, _)| f)
    }
}

/// A header cell (or a unit's name) without spaces, line breaks, a parenthesised note
/// or the asterisk of a required column.
pub fn normalise(cell: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in cell.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = (depth - 1).max(0),
            c if c.is_whitespace() || c == '*' || c == '＊' => {}
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The header of a ledger sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Its first row (zero-based).
    pub row: usize,
    /// One or two rows.
    pub height: usize,
    /// The columns that hold something known, left to right.
    pub columns: Vec<(usize, Field)>,
}

impl Header {
    /// The column of a field.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns
            .iter()
            .find(|(_, f)| *f == field)
            .map(|(c, _)| *c)
    }

    /// The first data row (zero-based).
    pub fn data_row(&self) -> usize {
        self.row + self.height
    }

    /// A column's header as written: its cell in the header row, or in a two-row
    /// header both cells when they differ ("责任主体/责任领导").
    pub fn text(&self, sheet: &Sheet, column: usize) -> String {
        let upper = sheet.cell(self.row, column).trim();
        if self.height < 2 {
            return upper.to_string();
        }
        let lower = sheet.cell(self.row + 1, column).trim();
        match (upper, lower) {
            (u, "") => u.to_string(),
            ("", l) => l.to_string(),
            (u, l) if u == l => u.to_string(),
            (u, l) => format!("{u}/{l}"),
        }
    }

    /// The word a column's header is matched by: its lower cell in a two-row header
    /// (where the upper one groups several columns), else its cell.
    pub fn word(&self, sheet: &Sheet, column: usize) -> String {
        let lower = if self.height > 1 {
            sheet.cell(self.row + 1, column).trim()
        } else {
            ""
        };
        if lower.is_empty() {
            sheet.cell(self.row, column).trim().to_string()
        } else {
            lower.to_string()
        }
    }

    fn score(&self) -> usize {
        self.columns.len()
    }
}

/// Rows searched for the header (the reader keeps the columns these rows name, however
/// far right they stand).
pub(crate) const HEADER_SEARCH: usize = 30;

/// Finds the header: the row (or two rows) naming the most known columns, with a
/// problem column and at least one of measure, lead unit and deadline.
pub fn find_header(sheet: &Sheet, synonyms: &Synonyms) -> Option<Header> {
    let width = sheet.width();
    let fields = |r: usize| -> Vec<Option<Field>> {
        (0..width)
            .map(|c| synonyms.field_of(sheet.cell(r, c)))
            .collect()
    };
    let mut best: Option<Header> = None;
    for r in 0..sheet.rows.len().min(HEADER_SEARCH) {
        let upper = fields(r);
        let lower = fields(r + 1);
        let one = header_of(r, 1, upper.iter().copied());
        // A second header row counts when it names a column the first does not
        // (责任领导 under 责任主体), and is not itself a data row.
        let two = header_of(r, 2, upper.iter().zip(&lower).map(|(u, l)| l.or(*u)));
        let lower_names_new = lower.iter().zip(&upper).any(|(l, u)| l.is_some() && l != u);
        let candidate = if lower_names_new && two.score() > one.score() {
            two
        } else {
            one
        };
        let usable = candidate.column(Field::Problem).is_some()
            && [Field::Measure, Field::LeadUnit, Field::Deadline]
                .iter()
                .any(|f| candidate.column(*f).is_some());
        if usable && best.as_ref().is_none_or(|b| candidate.score() > b.score()) {
            best = Some(candidate);
        }
    }
    best
}

fn header_of(row: usize, height: usize, cells: impl Iterator<Item = Option<Field>>) -> Header {
    let mut columns: Vec<(usize, Field)> = Vec::new();
    for (c, f) in cells.enumerate() {
        if let Some(f) = f
            && !columns.iter().any(|(_, g)| *g == f)
        {
            columns.push((c, f));
        }
    }
    Header {
        row,
        height,
        columns,
    }
}

/// The ledger sheet of a workbook and its header: the named sheet, or the visible
/// sheet whose header names the most columns (an instructions sheet before it is
/// passed over).
pub fn choose_sheet(
    sheets: &[Sheet],
    name: Option<&str>,
    synonyms: &Synonyms,
) -> Option<(usize, Header)> {
    let candidates = sheets
        .iter()
        .enumerate()
        .filter(|(_, s)| name.is_none_or(|n| s.name == n));
    let mut best: Option<(usize, Header, bool)> = None;
    for (i, s) in candidates {
        if let Some(h) = find_header(s, synonyms) {
            let better = match &best {
                None => true,
                Some((_, b, hidden)) => (*hidden && !s.hidden) || h.score() > b.score(),
            };
            if better {
                best = Some((i, h, s.hidden));
            }
        }
    }
    best.map(|(i, h, _)| (i, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_reads_back_its_code_and_has_synonyms() {
        assert_eq!(zhenggai_domain::code::check_codes::<Field>(), Ok(()));
        for f in Field::ALL {
            assert!(
                SYNONYMS.iter().any(|(g, _)| *g == f),
                "{f:?} has no synonyms"
            );
        }
    }

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "台账".into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            hidden: false,
            formulas_without_values: 0,
            dropped_columns: Vec::new(),
        }
    }

    #[test]
    fn header_words_vary() {
        let s = Synonyms::default();
        for (word, field) in [
            ("反馈问题", Field::Problem),
            ("问题描述", Field::Problem),
            ("存在问题", Field::Problem),
            ("牵头单位", Field::LeadUnit),
            ("责任单位", Field::LeadUnit),
            ("责任部门", Field::LeadUnit),
            ("整改时限", Field::Deadline),
            ("完成时限", Field::Deadline),
            ("整改期限", Field::Deadline),
            ("完成情况", Field::Status),
            ("整改情况", Field::Status),
            ("整改\n措施", Field::Measure),
            ("具体整改措施（含阶段目标）", Field::Measure),
            ("问题类别", Field::Aspect),
            ("*责任领导", Field::Leader),
        ] {
            assert_eq!(s.field_of(word), Some(field), "{word}");
        }
        assert_eq!(s.field_of("某市日报社巡察整改台账"), None);
        assert_eq!(s.field_of(""), None);
        let custom = Synonyms::default().with(Field::LeadUnit, ["主办单位".to_string()]);
        assert_eq!(custom.field_of("主办单位"), Some(Field::LeadUnit));
    }

    #[test]
    fn finds_a_two_row_header_under_a_title_and_a_date_line() {
        let s = sheet(&[
            &["某市日报社党委巡察整改台账"],
            &["填报日期：2024年5月10日"],
            &[
                "序号",
                "反馈问题",
                "整改措施",
                "责任主体",
                "责任主体",
                "责任主体",
                "整改时限",
                "完成情况",
            ],
            &["", "", "", "责任领导", "牵头单位", "配合单位", "", ""],
            &[
                "1",
                "公车私用",
                "建立台账",
                "王建国",
                "行政后勤部",
                "财务部",
                "立行立改",
                "已完成",
            ],
        ]);
        let h = find_header(&s, &Synonyms::default()).unwrap();
        assert_eq!((h.row, h.height, h.data_row()), (2, 2, 4));
        assert_eq!(h.column(Field::Leader), Some(3));
        assert_eq!(h.column(Field::LeadUnit), Some(4));
        assert_eq!(h.column(Field::Cooperating), Some(5));
        assert_eq!(h.column(Field::Deadline), Some(6));
    }

    #[test]
    fn a_one_row_header_is_not_taken_for_two_when_data_follows() {
        let s = sheet(&[
            &["问题描述", "整改措施", "责任单位", "完成时限"],
            &["公车私用", "建立台账", "行政后勤部", "2024年6月底前"],
        ]);
        let h = find_header(&s, &Synonyms::default()).unwrap();
        assert_eq!((h.row, h.height), (0, 1));
    }

    /// A column's header word as a source writes it, and the field it is read as.
    type Column = (&'static str, Option<Field>);

    /// The columns of the published ledgers and lists in `docs/ledger-headers.md`, one
    /// row per source (numbered as there), each word as the source writes it with the
    /// field the built-in table reads it as; `None` where the column is nothing zhenggai
    /// imports (or a list's name that does not say which field it is).
    const PUBLISHED: &[(&str, &[Column])] = &[
        (
            "1 开封市鼓楼区",
            &[
                ("问题内容", Some(Field::Problem)),
                ("整改措施", Some(Field::Measure)),
                ("整改时限", Some(Field::Deadline)),
                ("责任人", Some(Field::Responsible)),
            ],
        ),
        (
            "2 惠济区行政审批和政务信息管理局党组",
            &[
                ("整改措施", Some(Field::Measure)),
                ("责任领导", Some(Field::Leader)),
                ("责任部门", Some(Field::LeadUnit)),
                ("完成时限", Some(Field::Deadline)),
            ],
        ),
        (
            "3 千阳县委巡察工作领导小组",
            &[
                ("反馈问题", Some(Field::Problem)),
                ("整改事项", Some(Field::Problem)),
            ],
        ),
        (
            "4 红河州",
            &[
                ("问题清单", Some(Field::Problem)),
                ("措施清单", Some(Field::Measure)),
                ("任务清单", Some(Field::Measure)),
                ("责任清单", None),
                ("整改时间节点", Some(Field::Deadline)),
            ],
        ),
        (
            "5 国控建设集团",
            &[
                ("问题事项", Some(Field::Problem)),
                ("分管领导", Some(Field::Leader)),
                ("责任部门", Some(Field::LeadUnit)),
                ("责任人员", Some(Field::Responsible)),
                ("完成时限", Some(Field::Deadline)),
                ("完成情况", Some(Field::Status)),
            ],
        ),
        (
            "7 通城县（表头）",
            &[
                ("问题序号", Some(Field::Seq)),
                ("具体内容", Some(Field::Problem)),
                ("整改目标", Some(Field::Target)),
                ("整改措施", Some(Field::Measure)),
                ("完成情况", Some(Field::Status)),
                ("责任 单位", Some(Field::LeadUnit)),
                ("完成 时限", Some(Field::Deadline)),
            ],
        ),
        (
            "8 宿州马鞍山现代产业园区（公示栏目）",
            &[
                ("整改问题", Some(Field::Problem)),
                ("整改实施主体", Some(Field::LeadUnit)),
                ("重点措施", Some(Field::Measure)),
                ("目标任务", Some(Field::Target)),
                ("完成时限", Some(Field::Deadline)),
                ("整改完成情况", Some(Field::Status)),
            ],
        ),
        (
            // Its 整改任务 holds the problem's wording; the table reads it as the
            // measure, and the office maps it in the preview.
            "9 四平市铁东区（公示栏目）",
            &[
                ("整改任务", Some(Field::Measure)),
                ("整改目标", Some(Field::Target)),
                ("整改完成情况", Some(Field::Status)),
            ],
        ),
        (
            "10 大同市审计局",
            &[
                ("整改问题", Some(Field::Problem)),
                ("整改标准", Some(Field::Target)),
                ("整改时限", Some(Field::Deadline)),
                ("责任部门", Some(Field::LeadUnit)),
                ("责任人", Some(Field::Responsible)),
            ],
        ),
        (
            // Two unit columns: the first is read as the lead unit, the second reads
            // nothing more and the preview shows it to be mapped (配合单位).
            "11 婺城区委",
            &[
                ("牵头领导", Some(Field::Leader)),
                ("牵头单位", Some(Field::LeadUnit)),
                ("整改举措", Some(Field::Measure)),
                ("责任单位", Some(Field::LeadUnit)),
                ("完成时限", Some(Field::Deadline)),
            ],
        ),
        (
            "12 广元市朝天区",
            &[
                ("问题内容", Some(Field::Problem)),
                ("责任主体", Some(Field::LeadUnit)),
                ("整改标准", Some(Field::Target)),
                ("整改措施", Some(Field::Measure)),
                ("办结时限", Some(Field::Deadline)),
            ],
        ),
        (
            "13 安徽检验检疫局",
            &[
                ("整改措施", Some(Field::Measure)),
                ("主办单位", Some(Field::LeadUnit)),
                ("协办单位", Some(Field::Cooperating)),
                ("责任人", Some(Field::Responsible)),
                ("办结时限", Some(Field::Deadline)),
            ],
        ),
        (
            "14 镇安县",
            &[
                ("具体问题", Some(Field::Problem)),
                ("分管领导", Some(Field::Leader)),
                ("牵头股室", Some(Field::LeadUnit)),
                ("整改措施", Some(Field::Measure)),
            ],
        ),
        (
            "15 慈溪市审计局",
            &[
                ("整改具体事项", Some(Field::Problem)),
                ("责任单位", Some(Field::LeadUnit)),
                ("工作要求", Some(Field::Measure)),
            ],
        ),
        (
            "16 成都空港城市发展集团党委",
            &[
                ("整改措施", Some(Field::Measure)),
                ("整改时限", Some(Field::Deadline)),
                ("责任领导", Some(Field::Leader)),
                ("责任部门", Some(Field::LeadUnit)),
            ],
        ),
        (
            "17 生态环境部",
            &[
                ("整改目标", Some(Field::Target)),
                ("主要任务", Some(Field::Measure)),
                ("具体措施", Some(Field::Measure)),
                ("责任单位", Some(Field::LeadUnit)),
                ("完成时限", Some(Field::Deadline)),
            ],
        ),
        (
            "18 环境保护部",
            &[
                ("责任单位", Some(Field::LeadUnit)),
                ("整改目标", Some(Field::Target)),
                ("整改措施", Some(Field::Measure)),
                ("整改时限", Some(Field::Deadline)),
            ],
        ),
        (
            "19 南宁市人民政府",
            &[
                ("整改措施", Some(Field::Measure)),
                ("整改时限", Some(Field::Deadline)),
                ("责任单位", Some(Field::LeadUnit)),
            ],
        ),
        (
            "20 黄山市教育局",
            &[
                ("问题清单", Some(Field::Problem)),
                ("整改措施", Some(Field::Measure)),
                ("责任部门", Some(Field::LeadUnit)),
                ("责任人", Some(Field::Responsible)),
                ("整改时限", Some(Field::Deadline)),
            ],
        ),
        (
            "21 湟中县",
            &[
                ("责任单位", Some(Field::LeadUnit)),
                ("责任人", Some(Field::Responsible)),
                ("整改措施", Some(Field::Measure)),
                ("整改时限", Some(Field::Deadline)),
            ],
        ),
        (
            "22 鞍山市自然资源局",
            &[
                ("整改责任单位", Some(Field::LeadUnit)),
                ("责任人", Some(Field::Responsible)),
            ],
        ),
        (
            "23 泗县审计局",
            &[
                ("编号", Some(Field::Seq)),
                ("责任主体", Some(Field::LeadUnit)),
                ("整改时限", Some(Field::Deadline)),
                ("目标", Some(Field::Target)),
            ],
        ),
        (
            "24 南乐县审计局",
            &[
                ("整改要求", Some(Field::Measure)),
                ("整改时限", Some(Field::Deadline)),
                ("整改进度", Some(Field::Status)),
            ],
        ),
        (
            "25 宜城市",
            &[
                ("问题清单", Some(Field::Problem)),
                ("整改措施", Some(Field::Measure)),
                ("完成时限", Some(Field::Deadline)),
            ],
        ),
        (
            // 整改责任 says neither unit, leader nor person: left for the office.
            "26 双鸭山市宝山区委巡察机构",
            &[
                ("问题清单", Some(Field::Problem)),
                ("任务清单", Some(Field::Measure)),
                ("责任清单", None),
                ("整改措施", Some(Field::Measure)),
                ("整改责任", None),
                ("整改时限", Some(Field::Deadline)),
            ],
        ),
        (
            "27 岳阳市屈原管理区",
            &[
                ("牵头部门", Some(Field::LeadUnit)),
                ("牵头单位", Some(Field::LeadUnit)),
                ("责任单位", Some(Field::LeadUnit)),
                ("整改时限", Some(Field::Deadline)),
            ],
        ),
        (
            "28 湖南省",
            &[
                ("整改目标", Some(Field::Target)),
                ("整改措施", Some(Field::Measure)),
                ("责任主体", Some(Field::LeadUnit)),
                ("时限要求", Some(Field::Deadline)),
            ],
        ),
        (
            "29 淄川区安委会（隐患）",
            &[
                ("整改责任单位", Some(Field::LeadUnit)),
                ("督办单位", None),
                ("措施", Some(Field::Measure)),
                ("时限", Some(Field::Deadline)),
                ("资金", None),
                ("预案", None),
            ],
        ),
        (
            "30 广元市安委会（隐患）",
            &[
                ("隐患整改责任单位", Some(Field::LeadUnit)),
                ("隐患整改督办单位", None),
                ("措施", Some(Field::Measure)),
                ("资金", None),
                ("时限", Some(Field::Deadline)),
                ("预案", None),
            ],
        ),
        (
            "31 郑州大学",
            &[
                ("问题清单", Some(Field::Problem)),
                ("责任清单", None),
                ("时限清单", Some(Field::Deadline)),
                ("整改时限", Some(Field::Deadline)),
                ("责任人", Some(Field::Responsible)),
            ],
        ),
        (
            "32 山东大学",
            &[
                ("问题", Some(Field::Problem)),
                ("措施", Some(Field::Measure)),
                ("责任人", Some(Field::Responsible)),
            ],
        ),
    ];

    #[test]
    fn reads_the_columns_of_published_ledgers() {
        let s = Synonyms::default();
        for (source, row) in PUBLISHED {
            for (word, field) in *row {
                assert_eq!(s.field_of(word), *field, "{source}: {word}");
            }
        }
    }

    #[test]
    fn finds_the_header_rows_published_as_tables() {
        // 通城县's table and 宿马园区's notice, as header rows over a line of data.
        let tongcheng = sheet(&[
            &[
                "问题序号",
                "具体内容",
                "整改目标",
                "整改措施",
                "完成情况",
                "责任 单位",
                "完成 时限",
            ],
            &[
                "序号8",
                "信访投诉办理不及时",
                "100%受理",
                "领导包案",
                "已完成",
                "县信访局",
                "长期坚持",
            ],
        ]);
        let h = find_header(&tongcheng, &Synonyms::default()).unwrap();
        assert_eq!((h.row, h.height), (0, 1));
        assert_eq!(
            h.columns,
            vec![
                (0, Field::Seq),
                (1, Field::Problem),
                (2, Field::Target),
                (3, Field::Measure),
                (4, Field::Status),
                (5, Field::LeadUnit),
                (6, Field::Deadline),
            ]
        );
        let suma = sheet(&[
            &[
                "整改问题",
                "整改实施主体",
                "重点措施",
                "目标任务",
                "完成时限",
                "整改完成情况",
            ],
            &[
                "砂石物料露天未覆盖",
                "园区管委会",
                "覆盖、洒水",
                "无扬尘",
                "9月底前",
                "已完成整改",
            ],
        ]);
        let h = find_header(&suma, &Synonyms::default()).unwrap();
        assert_eq!(
            h.columns,
            vec![
                (0, Field::Problem),
                (1, Field::LeadUnit),
                (2, Field::Measure),
                (3, Field::Target),
                (4, Field::Deadline),
                (5, Field::Status),
            ]
        );
    }

    #[test]
    fn a_merged_responsibility_cell_over_three_columns_is_still_a_two_row_header() {
        // 责任主体 is read as the lead unit when it heads one column; merged over three
        // (the cells after it empty), the row under it names the three.
        let s = sheet(&[
            &[
                "序号",
                "反馈问题",
                "整改措施",
                "责任主体",
                "",
                "",
                "整改时限",
            ],
            &["", "", "", "责任领导", "牵头单位", "配合单位", ""],
            &[
                "1",
                "公车私用",
                "建立台账",
                "王建国",
                "行政后勤部",
                "财务部",
                "立行立改",
            ],
        ]);
        let h = find_header(&s, &Synonyms::default()).unwrap();
        assert_eq!((h.row, h.height), (0, 2));
        assert_eq!(h.column(Field::Leader), Some(3));
        assert_eq!(h.column(Field::LeadUnit), Some(4));
        assert_eq!(h.column(Field::Cooperating), Some(5));
    }

    #[test]
    fn no_word_names_two_fields() {
        let mut seen: Vec<(&str, Field)> = Vec::new();
        for (field, words) in SYNONYMS {
            for word in *words {
                let other = seen.iter().find(|(w, _)| w == word);
                assert!(other.is_none(), "{word}: {other:?} and {field:?}");
                seen.push((word, *field));
            }
        }
    }

    #[test]
    fn the_ledger_sheet_is_chosen_over_instructions() {
        let notes = Sheet {
            name: "填表说明".into(),
            ..sheet(&[&["填表说明：问题一栏填写反馈问题"], &["整改措施要具体"]])
        };
        let ledger = sheet(&[&["反馈问题", "整改措施", "牵头单位"], &["a", "b", "c"]]);
        let (i, _) = choose_sheet(&[notes, ledger], None, &Synonyms::default()).unwrap();
        assert_eq!(i, 1);
    }
}
