use super::*;

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

fn options(synonyms: Synonyms, ignore_columns: &[&str]) -> Options {
    Options {
        sheet: None,
        reference: NaiveDate::from_ymd_opt(2024, 3, 15).unwrap().into(),
        synonyms,
        ignore_columns: ignore_columns.iter().map(|c| c.to_string()).collect(),
    }
}

/// A ledger with a column zhenggai does not know (督办意见), one without a header,
/// a second deadline column (实际完成时间) and an empty unknown column.
fn ledger_with_odd_columns() -> Sheet {
    sheet(&[
        &["某局巡察整改台账"],
        &[
            "序号",
            "存在的问题",
            "整改措施",
            "责任科室",
            "完成时限",
            "督办意见",
            "",
            "实际完成时间",
            "审核人",
            "整改落实情况",
        ],
        &["一、班子建设方面"],
        &[
            "1",
            "公车私用",
            "建立台账",
            "办公室",
            "2024年6月底前",
            "抓紧",
            "A档",
            "2024-05-30",
            "",
            "已完成",
        ],
        &[
            "2",
            "公车私用",
            "定期检查",
            "办公室",
            "长期坚持",
            "",
            "B档",
            "",
            "",
            "长期坚持",
        ],
        &[
            "3",
            "会议费超标",
            "清退",
            "财务科",
            "2024年8月",
            "抓紧",
            "",
            "",
            "",
            "正在推进",
        ],
        &[
            "4",
            "会议费超标",
            "修订办法",
            "财务科",
            "2024年9月",
            "",
            "",
            "",
            "",
            "制度已起草",
        ],
    ])
}

#[test]
fn columns_holding_data_under_an_unknown_header_are_listed_with_samples() {
    let r = read_ledger(
        &[ledger_with_odd_columns()],
        &options(Synonyms::default(), &[]),
    );
    assert!(r.ok(), "{:?}", r.errors);
    let listed: Vec<(&str, &str, usize)> = r
        .columns
        .iter()
        .map(|c| (c.column.as_str(), c.header.as_str(), c.cells))
        .collect();
    // 审核人 (column I) is empty under its header: nothing to lose, not listed.
    assert_eq!(
        listed,
        [("F", "督办意见", 2), ("G", "", 2), ("H", "实际完成时间", 1)]
    );
    assert_eq!(r.columns[0].samples, ["抓紧"]);
    assert_eq!(r.columns[1].samples, ["A档", "B档"]);
    assert_eq!(r.columns[2].duplicate_of, Some(Field::Deadline));
    assert_eq!(r.columns[0].duplicate_of, None);
    assert_eq!(r.undecided().count(), 3);
}

#[test]
fn a_remembered_word_maps_a_column_and_ignored_ones_are_decided() {
    let synonyms = Synonyms::default()
        .with(Field::Note, ["督办意见".to_string()])
        .ignoring(["实际完成时间".to_string()]);
    let r = read_ledger(&[ledger_with_odd_columns()], &options(synonyms, &["G"]));
    assert!(r.ok(), "{:?}", r.errors);
    // 督办意见 is read as the note now; G is ignored by its letter, H by its word.
    assert_eq!(
        r.columns
            .iter()
            .map(|c| (c.column.as_str(), c.ignored))
            .collect::<Vec<_>>(),
        [("G", true), ("H", true)]
    );
    assert_eq!(r.undecided().count(), 0);
}

#[test]
fn the_status_column_is_read_into_each_measure() {
    use zhenggai_domain::status::ReportedStatus;
    let r = read_ledger(
        &[ledger_with_odd_columns()],
        &options(Synonyms::default(), &[]),
    );
    let reported: Vec<Option<ReportedStatus>> = r.rows.iter().map(|row| row.reported).collect();
    assert_eq!(
        reported,
        [
            Some(ReportedStatus::Done),
            Some(ReportedStatus::LongTerm),
            Some(ReportedStatus::Ongoing),
            None
        ]
    );
    // The one it cannot read is named, once, with its row.
    let unread: Vec<&Issue> = r
        .warnings
        .iter()
        .filter(|w| w.field == Some("status"))
        .collect();
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0].row, 7);
    assert!(
        matches!(&unread[0].finding, Finding::StatusUnread { rows, .. } if rows == &[7]),
        "{:?}",
        unread[0]
    );
}

#[test]
fn the_vocabulary_of_published_ledgers_is_read() {
    let s = Synonyms::default();
    for (word, field) in [
        ("存在的问题", Field::Problem),
        ("问题具体表现", Field::Problem),
        ("巡视反馈问题", Field::Problem),
        ("审计查出问题", Field::Problem),
        ("整改任务", Field::Measure),
        ("整改措施及要求", Field::Measure),
        ("整改标准", Field::Target),
        ("销号标准", Field::Target),
        ("牵头校领导", Field::Leader),
        ("分管负责人", Field::Leader),
        ("主办单位", Field::LeadUnit),
        ("责任科室", Field::LeadUnit),
        ("整改责任单位", Field::LeadUnit),
        ("协办单位", Field::Cooperating),
        ("整改责任人", Field::Responsible),
        ("办结时限", Field::Deadline),
        ("时间节点", Field::Deadline),
        ("计划完成时间", Field::Deadline),
        ("整改落实情况", Field::Status),
        ("整改完成情况", Field::Status),
        ("目前进展", Field::Status),
        ("是否完成", Field::Status),
        ("办理状态", Field::Status),
        ("责任人员", Field::Responsible),
        ("问题内容", Field::Problem),
        ("问题分类", Field::Aspect),
        ("问题编号", Field::Seq),
    ] {
        assert_eq!(s.field_of(word), Some(field), "{word}");
    }
    // An organisation's word wins over a built-in one, and an ignored word names
    // nothing.
    let own = Synonyms::default()
        .with(Field::Target, ["整改情况".to_string()])
        .ignoring(["进度".to_string()]);
    assert_eq!(own.field_of("整改情况"), Some(Field::Target));
    assert_eq!(own.field_of("进度"), None);
    assert!(own.is_ignored(" 进 度 "));
    assert!(!own.is_ignored(""));
}
