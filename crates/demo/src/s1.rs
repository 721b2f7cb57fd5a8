//! The S1 script: the newspaper's departments, and the eight aspects with the problems
//! the speech lists and the measures it gives, each owned, dated and progressed as an
//! office would have it, and how far each problem has come (every state shows).

use chrono::{Datelike, NaiveDate};

pub(crate) const DEPARTMENTS: &[(&str, &str)] = &[
    ("报社办公室（巡察整改办）", "办公室"),
    ("党群工作部", "党群工作部"),
    ("纪检监察室", "纪检监察室"),
    ("总编室", "总编室"),
    ("新闻采访中心", "新闻采访中心"),
    ("新媒体中心", "新媒体中心"),
    ("经营管理部", "经营管理部"),
    ("人力资源部", "人力资源部"),
    ("财务部", "财务部"),
    ("行政后勤部", "行政后勤部"),
];

/// A deadline relative to the feedback date, written the way offices write it.
#[derive(Clone, Copy)]
pub(crate) enum When {
    Now,
    LongTerm,
    /// End of the month `n` months after feedback: "2024年4月底前".
    MonthEnd(u32),
    /// A 旬 of the month `n` months after feedback: "5月中旬".
    Xun(u32, &'static str),
}

pub(crate) struct M {
    pub(crate) content: &'static str,
    pub(crate) lead: &'static str,
    pub(crate) coop: &'static [&'static str],
    pub(crate) leader: &'static str,
    pub(crate) person: &'static str,
    pub(crate) target: &'static str,
    pub(crate) when: When,
    /// Progress: days after feedback, what was done, whether it finished the measure.
    pub(crate) progress: &'static [(i64, &'static str, bool)],
}

pub(crate) struct P {
    pub(crate) title: &'static str,
    pub(crate) description: &'static str,
    pub(crate) measures: &'static [M],
}

pub(crate) const ASPECTS: &[(&str, &[P])] = &[
    (
        "班子建设方面",
        &[
            P {
                title: "缺乏大局意识、执行党委决策不到位",
                description: "班子成员缺乏大局意识，执行党委决策不到位，凡是集体讨论决定的事情落实不够有力。",
                measures: &[
                    M {
                        content: "制订并落实报社党委理论中心组学习制度、年度学习计划，结合主题教育加强理想信念教育",
                        lead: "党群工作部",
                        coop: &["办公室"],
                        leader: "leader_zhao",
                        person: "黄丽",
                        target: "印发学习制度1项、年度学习计划1份；中心组每月集中学习不少于1次",
                        when: When::MonthEnd(1),
                        progress: &[
                            (
                                5,
                                "起草《报社党委理论学习中心组学习制度》初稿，征求班子成员意见。",
                                false,
                            ),
                            (
                                20,
                                "党委会审议通过学习制度和年度学习计划，已印发（报社党发〔2024〕3号）。",
                                true,
                            ),
                        ],
                    },
                    M {
                        content: "科学界定党委会、编委会、总经理办公会职责范围，落实议事规则和决策程序，“三重一大”事项集体决策",
                        lead: "办公室",
                        coop: &["纪检监察室"],
                        leader: "leader_zhao",
                        person: "李明",
                        target: "修订三项会议议事规则；“三重一大”事项100%集体决策并留存记录",
                        when: When::Xun(2, "中旬"),
                        progress: &[(
                            12,
                            "梳理近三年“三重一大”事项决策记录，形成问题清单12条。",
                            false,
                        )],
                    },
                ],
            },
            P {
                title: "主体责任传导层层递减",
                description: "“一岗双责”落实不到位，主体责任传导层层递减。",
                measures: &[M {
                    content: "班子成员签订党风廉政建设责任书，对分管口开展领导、指导和监督，做到同研究、同部署、同落实",
                    lead: "纪检监察室",
                    coop: &["办公室"],
                    leader: "leader_zhao",
                    person: "吴刚",
                    target: "责任书签订率100%；每季度听取分管部门汇报1次",
                    when: When::LongTerm,
                    progress: &[(15, "组织班子成员与分管部门签订责任书14份。", false)],
                }],
            },
        ],
    ),
    (
        "党的建设方面",
        &[
            P {
                title: "抓党建的时间和精力不足",
                description: "党委抓党建的时间和精力不足，党建与业务“两张皮”。",
                measures: &[M {
                    content: "纪委对主题学习教育开展立项监督，重点督查党支部落实主体责任情况",
                    lead: "纪检监察室",
                    coop: &["党群工作部"],
                    leader: "leader_zhao",
                    person: "吴刚",
                    target: "完成对全部党支部的督查，形成督查报告1份",
                    when: When::MonthEnd(2),
                    progress: &[],
                }],
            },
            P {
                title: "“三会一课”制度在基层组织落实不到位",
                description: "部分党支部“三会一课”记录不全，组织生活不规范。",
                measures: &[
                    M {
                        content: "严格执行“周一夜学”制度，各党支部每月集中学习不少于一次，不定期抽查抽考并公开通报",
                        lead: "党群工作部",
                        coop: &[],
                        leader: "leader_zhao",
                        person: "黄丽",
                        target: "每月集中学习记录齐全；每季度抽查1次并通报",
                        when: When::LongTerm,
                        progress: &[
                            (10, "印发《关于严格执行“周一夜学”制度的通知》。", false),
                            (
                                32,
                                "第一次抽查：抽查党支部5个、党员40名，通报2个支部。",
                                false,
                            ),
                        ],
                    },
                    M {
                        content: "对组织关系转移进行全面摸排，正式签约员工党组织关系一律转入报社",
                        lead: "党群工作部",
                        coop: &["人力资源部"],
                        leader: "leader_zhao",
                        person: "黄丽",
                        target: "摸排全部在职党员；应转尽转",
                        when: When::Now,
                        progress: &[(7, "完成摸排，需转入11人，已全部办理转入手续。", true)],
                    },
                ],
            },
            P {
                title: "发展党员缺少规划",
                description: "发展党员工作缺少规划，业务骨干中党员比例偏低。",
                measures: &[M {
                    content: "开展“双培双推”，把党员培养成业务骨干，把业务骨干培养为党员，将中层干部纳入党员发展对象",
                    lead: "党群工作部",
                    coop: &["人力资源部"],
                    leader: "leader_zhao",
                    person: "黄丽",
                    target: "制定三年发展党员规划；年度发展对象中业务骨干不少于60%",
                    when: When::Xun(1, "下旬"),
                    progress: &[],
                }],
            },
        ],
    ),
    (
        "纪律作风方面",
        &[
            P {
                title: "接待费用超标、接待列支烟酒",
                description: "部分公务接待超标准，接待费用中列支烟酒。",
                measures: &[
                    M {
                        content: "制订报社（集团）公务接待管理规定，由行政各综合管理部门对八项规定精神落实情况开展经常性督查",
                        lead: "办公室",
                        coop: &["财务部", "纪检监察室"],
                        leader: "leader_wang",
                        person: "李明",
                        target: "印发接待管理规定1项；每季度督查1次",
                        when: When::MonthEnd(1),
                        progress: &[(18, "《公务接待管理规定》经党委会审议通过并印发。", true)],
                    },
                    M {
                        content: "对超标准接待费用和列支烟酒费用逐笔核查，责任人个人承担并清退",
                        lead: "财务部",
                        coop: &["纪检监察室"],
                        leader: "leader_wang",
                        person: "陈静",
                        target: "核查近三年接待费用凭证；清退金额全部到账",
                        when: When::Now,
                        progress: &[(
                            9,
                            "核查凭证326笔，发现超标准接待9笔，清退金额1.86万元已全部到账。",
                            true,
                        )],
                    },
                ],
            },
            P {
                title: "利用报社影响力从事第二职业",
                description: "一些人员利用报社影响力和个人荣誉从事第二职业。",
                measures: &[M {
                    content: "严肃查处违规从事、参与营利性活动或兼任职务领取报酬行为",
                    lead: "纪检监察室",
                    coop: &["人力资源部"],
                    leader: "leader_zhao",
                    person: "吴刚",
                    target: "全员签订承诺书；对查实问题依纪依规处理",
                    when: When::MonthEnd(2),
                    progress: &[(25, "全员签订不从事第二职业承诺书，排查线索3条。", false)],
                }],
            },
            P {
                title: "出国出境不请假不报备",
                description: "个别中层干部出国出境不请假、不报备，证照未按规定上交。",
                measures: &[
                    M {
                        content: "规范因私出国境审批制度，对中层干部及副高职称员工证照上交情况进行专项清理",
                        lead: "人力资源部",
                        coop: &["纪检监察室"],
                        leader: "leader_zhao",
                        person: "刘洋",
                        target: "证照集中保管率100%",
                        when: When::Xun(1, "上旬"),
                        progress: &[],
                    },
                    M {
                        content: "升级采编大楼门禁系统，实行员工考勤制度，定期公示出勤情况并与绩效考核挂钩",
                        lead: "行政后勤部",
                        coop: &["人力资源部"],
                        leader: "leader_wang",
                        person: "孙强",
                        target: "门禁考勤系统上线；每月公示出勤",
                        when: When::MonthEnd(3),
                        progress: &[(30, "完成门禁系统招标，供应商进场安装。", false)],
                    },
                ],
            },
        ],
    ),
    (
        "新闻采编方面",
        &[
            P {
                title: "新闻报道吸引力不够",
                description: "新闻报道吸引力不够，融合传播力不强。",
                measures: &[M {
                    content: "进一步制订完善新闻移动媒体平台建设方案，强化纸媒与新媒沟通协作",
                    lead: "新媒体中心",
                    coop: &["总编室", "新闻采访中心"],
                    leader: "leader_zhao",
                    person: "周敏",
                    target: "印发平台建设方案；新媒体首发稿件占比不低于50%",
                    when: When::MonthEnd(3),
                    progress: &[],
                }],
            },
            P {
                title: "新闻把关不够严格",
                description: "编辑、校对、审读岗位责任落实不严，出现差错。",
                measures: &[M {
                    content: "形成覆盖全媒体、各环节的全流程舆论导向管理机制，严格落实编辑、校对、审读岗位责任",
                    lead: "总编室",
                    coop: &[],
                    leader: "leader_zhao",
                    person: "周敏",
                    target: "制定导向管理实施细则；差错率同比下降50%",
                    when: When::Xun(2, "下旬"),
                    progress: &[(
                        14,
                        "起草《舆论导向管理实施细则》，已提交编委会讨论。",
                        false,
                    )],
                }],
            },
            P {
                title: "少数人员插手版面安排编发“人情稿”",
                description: "少数人员插手版面安排，编发“人情稿”。",
                measures: &[M {
                    content: "建立版面安排审批留痕制度，对“人情稿”问题开展专项清查",
                    lead: "总编室",
                    coop: &["纪检监察室"],
                    leader: "leader_zhao",
                    person: "周敏",
                    target: "版面审批全程留痕；专项清查报告1份",
                    when: When::Now,
                    progress: &[],
                }],
            },
        ],
    ),
    (
        "经营管理方面",
        &[
            P {
                title: "投资决策缺少风险评估",
                description: "对外投资决策缺少风险评估，个别项目损失较大。",
                measures: &[M {
                    content: "制订《日报社（报业集团）重大经营决策风险评估办法》，对重大经营决策事项确定风险等级和防范措施",
                    lead: "经营管理部",
                    coop: &["财务部"],
                    leader: "leader_wang",
                    person: "何伟",
                    target: "印发风险评估办法1项；重大决策评估率100%",
                    when: When::MonthEnd(1),
                    progress: &[(21, "风险评估办法初稿完成，征求法律顾问意见。", false)],
                }],
            },
            P {
                title: "经营部门自行发放薪酬、自行制订报销制度",
                description: "一些经营部门自行发放薪酬，自行制订差旅费和手机费报销制度。",
                measures: &[M {
                    content: "对违规报销和发放的费用全面清退，取消以汽油费发票报销提成的方式，业务提成全部以工资形式发放并按实缴纳个税",
                    lead: "财务部",
                    coop: &["经营管理部", "人力资源部"],
                    leader: "leader_wang",
                    person: "陈静",
                    target: "废止部门自定报销制度；清退金额全部到账",
                    when: When::Xun(1, "中旬"),
                    progress: &[(16, "废止部门自定报销办法4项，清退工作正在推进。", false)],
                }],
            },
        ],
    ),
    (
        "人力资源方面",
        &[
            P {
                title: "人员招聘缺乏整体规划和程序",
                description: "人员招聘缺乏整体规划，程序不规范。",
                measures: &[M {
                    content: "制订人才发展规划，对人才引进、培养、使用和激励进行系统谋划",
                    lead: "人力资源部",
                    coop: &[],
                    leader: "leader_zhao",
                    person: "刘洋",
                    target: "印发人才发展规划（三年）",
                    when: When::MonthEnd(3),
                    progress: &[],
                }],
            },
            P {
                title: "违规将相关人员转为事业编制",
                description: "违反程序将相关人员转为事业编制。",
                measures: &[M {
                    content: "对违反程序非公开招聘及违规进入事业编制的人员逐一核查，作出相应处理",
                    lead: "人力资源部",
                    coop: &["纪检监察室"],
                    leader: "leader_zhao",
                    person: "刘洋",
                    target: "核查全部涉及人员；处理结果报市委组织部备案",
                    when: When::MonthEnd(1),
                    progress: &[],
                }],
            },
            P {
                title: "人事档案管理不规范",
                description: "人事档案管理不规范，下属公司员工档案未纳入统一管理。",
                measures: &[M {
                    content: "制订人事档案管理规定，将下属公司员工档案全面纳入报社人事部门管理，开展专项清理",
                    lead: "人力资源部",
                    coop: &["办公室"],
                    leader: "leader_zhao",
                    person: "刘洋",
                    target: "档案专项审核率100%，材料齐全完整",
                    when: When::Xun(2, "上旬"),
                    progress: &[(28, "完成在职人员档案审核120卷，补充材料35份。", false)],
                }],
            },
        ],
    ),
    (
        "财务管理方面",
        &[
            P {
                title: "广告应收款管理薄弱",
                description: "广告应收款管理薄弱，长期挂账金额较大。",
                measures: &[M {
                    content: "建立应收款台账和催收责任制，严把合同、票据审核关和到款指标预警关",
                    lead: "财务部",
                    coop: &["经营管理部"],
                    leader: "leader_wang",
                    person: "陈静",
                    target: "应收款台账建立；逾期一年以上应收款压降30%",
                    when: When::MonthEnd(2),
                    progress: &[],
                }],
            },
            P {
                title: "多头开设银行账户",
                description: "报社及下属公司多头开设银行账户，资金管理分散。",
                measures: &[M {
                    content: "规范各类金融账户管理，清理撤并多余银行账户，强化资金内部控制",
                    lead: "财务部",
                    coop: &[],
                    leader: "leader_wang",
                    person: "陈静",
                    target: "撤并多余账户；账户数量压减至核定数",
                    when: When::Now,
                    progress: &[(11, "清理银行账户23个，撤销9个，其余纳入统一管理。", true)],
                }],
            },
            P {
                title: "报销审批把关不严、虚构内容报销",
                description: "报销审批把关不严，存在虚构内容报销现象。",
                measures: &[M {
                    content: "强化财务部门对经济活动真实性、合法性和合理性的审查，对虚构内容报销问题逐笔核查并追责",
                    lead: "财务部",
                    coop: &["纪检监察室"],
                    leader: "leader_wang",
                    person: "陈静",
                    target: "核查近两年报销凭证；问题线索移交纪检",
                    when: When::Xun(1, "下旬"),
                    progress: &[],
                }],
            },
        ],
    ),
    (
        "物业管理方面",
        &[
            P {
                title: "房产出租流程不规范",
                description: "房产出租流程不规范，部分租金低于评估价。",
                measures: &[M {
                    content: "对报社房产进行全面排查，修订房产出租工作流程，对内外出租一律上党委会讨论，出租价格不得低于评估价",
                    lead: "行政后勤部",
                    coop: &["财务部"],
                    leader: "leader_wang",
                    person: "孙强",
                    target: "房产台账建立；出租合同100%经党委会审议",
                    when: When::MonthEnd(2),
                    progress: &[(19, "完成房产全面排查，建立房产台账，共47处。", false)],
                }],
            },
            P {
                title: "物资采购流程不规范",
                description: "物资采购未严格执行招投标制度。",
                measures: &[M {
                    content: "健全报社物资采购招投标制度，杜绝设置不合理前置条件排斥潜在投标人",
                    lead: "行政后勤部",
                    coop: &["纪检监察室"],
                    leader: "leader_wang",
                    person: "孙强",
                    target: "修订采购管理办法1项",
                    when: When::MonthEnd(1),
                    progress: &[],
                }],
            },
            P {
                title: "公车私用、车辆维修把关不严",
                description: "存在公车私用现象，车辆维修审核把关不严。",
                measures: &[M {
                    content: "禁止使用公车参与公务活动以外的一切活动，严格执行公务车辆定点维修制度，加强车辆维修审核",
                    lead: "行政后勤部",
                    coop: &[],
                    leader: "leader_wang",
                    person: "孙强",
                    target: "公车全部安装定位；维修单100%审核",
                    when: When::Now,
                    progress: &[(6, "公车全部安装北斗定位，维修实行定点审批。", true)],
                }],
            },
        ],
    ),
];

/// A self-found problem (自查自纠、举一反三) joins the same ledger.
pub(crate) const SELF_FOUND: P = P {
    title: "档案室消防设施老化",
    description: "举一反三自查发现：档案室消防设施老化，存在安全隐患。",
    measures: &[M {
        content: "更换档案室消防设施，建立定期巡检制度",
        lead: "行政后勤部",
        coop: &["办公室"],
        leader: "leader_wang",
        person: "孙强",
        target: "消防设施全部更换；每月巡检记录",
        when: When::Xun(1, "中旬"),
        progress: &[],
    }],
};

/// How far each demo problem has come, so that the demo shows every state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    /// 挂号, not yet claimed.
    Registered,
    /// Disputed by its unit, awaiting the leader.
    Disputed,
    /// Plan with the leader in charge.
    Submitted,
    /// Plan approved, work in progress.
    Approved,
    /// Approved, with an extension granted.
    Extended,
    /// 销号, then confirmed by a look-back.
    Consolidated,
    /// Closure requested and returned (留号).
    Returned,
    /// 销号, then reopened by a look-back (回炉).
    Reopened,
    /// Dated measures done, the phase closed; long-term measures under review.
    PhaseClosed,
}

pub(crate) fn script(title: &str) -> Script {
    match title {
        "档案室消防设施老化" => Script::Registered,
        "违规将相关人员转为事业编制" => Script::Disputed,
        "少数人员插手版面安排编发“人情稿”" => Script::Submitted,
        "人事档案管理不规范" => Script::Extended,
        "接待费用超标、接待列支烟酒" => Script::Consolidated,
        "多头开设银行账户" => Script::Returned,
        "公车私用、车辆维修把关不严" => Script::Reopened,
        "“三会一课”制度在基层组织落实不到位" => Script::PhaseClosed,
        _ => Script::Approved,
    }
}

pub(crate) fn month_after(d: NaiveDate, n: u32) -> (i32, u32) {
    let m0 = d.month0() + n;
    (d.year() + (m0 / 12) as i32, m0 % 12 + 1)
}

pub(crate) fn words(when: When, feedback: NaiveDate) -> String {
    match when {
        When::Now => "立行立改".to_string(),
        When::LongTerm => "长期坚持".to_string(),
        When::MonthEnd(n) => {
            let (y, m) = month_after(feedback, n);
            format!("{y}年{m}月底前")
        }
        When::Xun(n, xun) => {
            let (_, m) = month_after(feedback, n);
            format!("{m}月{xun}")
        }
    }
}
