//! The demo organisation: the newspaper of speech S1, inspected by the city
//! committee's first inspection group, with the eight aspects, the problems the speech
//! lists and the measures it gives, owned by plausible departments and leaders.
//!
//! Dates are placed around "today" so that the ledger always shows a realistic mix:
//! measures done, due soon, overdue and long-term.

pub mod scale;

use chrono::{Datelike, Duration, NaiveDate};
use zhenggai_domain::access::Actor;
use zhenggai_domain::deadline::Deadline;
use zhenggai_domain::inspection::{InspectionKind, ProblemSource};
use zhenggai_domain::{InspectionId, Role, UnitId, UserId};

use zhenggai_domain::validate::Checker;
use zhenggai_storage::accounts::units::{self, UnitKind};
use zhenggai_storage::accounts::users::{self, NewUser};
use zhenggai_storage::audit::Change;
use zhenggai_storage::db::Db;
use zhenggai_storage::db::sql::day;
use zhenggai_storage::db::tx::Tx;
use zhenggai_storage::error::StoreResult;
use zhenggai_storage::files::{
    FileStore, Stored, Upload, UploadLimits, check_uploads, store_uploads,
};
use zhenggai_storage::ledger::aspects::{self, TitleInput};
use zhenggai_storage::ledger::inspections::{self, InspectionInput};
use zhenggai_storage::ledger::lifecycle::{self, input::StepInput};
use zhenggai_storage::ledger::measures::{self, NewMeasure};
use zhenggai_storage::ledger::{problems, progress};

/// The password of every demo account (printed by `serve --demo`).
pub const DEMO_PASSWORD: &str = "Zhenggai-demo-2024";

/// The demo's Party secretary (党委书记), named in its warning rules.
pub const DEMO_SECRETARY: &str = "secretary";

/// The demo accounts: username, name, unit short name, role, units in charge.
pub const DEMO_USERS: &[(&str, &str, &str, Role, &[&str])] = &[
    ("office", "李明", "办公室", Role::Office, &[]),
    // The Party secretary (党委书记): the first responsible person, whom red warnings
    // reach; in charge of the organisation itself, he reads its whole ledger, and signs
    // what the leaders in charge sign, as they divide the work.
    (DEMO_SECRETARY, "张卫东", "报社", Role::Leader, &["报社"]),
    (
        "leader_wang",
        "王建国",
        "报社",
        Role::Leader,
        &["财务部", "经营管理部", "行政后勤部"],
    ),
    (
        "leader_zhao",
        "赵志红",
        "报社",
        Role::Leader,
        &[
            "总编室",
            "新闻采访中心",
            "新媒体中心",
            "党群工作部",
            "人力资源部",
        ],
    ),
    ("finance", "陈静", "财务部", Role::Unit, &[]),
    ("hr", "刘洋", "人力资源部", Role::Unit, &[]),
    ("logistics", "孙强", "行政后勤部", Role::Unit, &[]),
    ("newsroom", "周敏", "总编室", Role::Unit, &[]),
    ("party", "黄丽", "党群工作部", Role::Unit, &[]),
    ("business", "何伟", "经营管理部", Role::Unit, &[]),
    ("general", "钱敏", "办公室", Role::Unit, &[]),
    ("discipline", "冯涛", "纪检监察室", Role::Unit, &[]),
    ("newmedia", "韩雪", "新媒体中心", Role::Unit, &[]),
    ("jijian", "吴刚", "纪检监察室", Role::Supervisor, &[]),
    ("xunchaban", "郑华", "市委巡察办", Role::Upper, &[]),
    ("sysadmin", "系统管理员", "办公室", Role::SysAdmin, &[]),
    ("secadmin", "安全管理员", "办公室", Role::SecAdmin, &[]),
    ("auditadmin", "审计管理员", "办公室", Role::AuditAdmin, &[]),
];

const DEPARTMENTS: &[(&str, &str)] = &[
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
enum When {
    Now,
    LongTerm,
    /// End of the month `n` months after feedback: "2024年4月底前".
    MonthEnd(u32),
    /// A 旬 of the month `n` months after feedback: "5月中旬".
    Xun(u32, &'static str),
}

struct M {
    content: &'static str,
    lead: &'static str,
    coop: &'static [&'static str],
    leader: &'static str,
    person: &'static str,
    target: &'static str,
    when: When,
    /// Progress: days after feedback, what was done, whether it finished the measure.
    progress: &'static [(i64, &'static str, bool)],
}

struct P {
    title: &'static str,
    description: &'static str,
    measures: &'static [M],
}

const ASPECTS: &[(&str, &[P])] = &[
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
const SELF_FOUND: P = P {
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
enum Script {
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

fn script(title: &str) -> Script {
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

fn month_after(d: NaiveDate, n: u32) -> (i32, u32) {
    let m0 = d.month0() + n;
    (d.year() + (m0 / 12) as i32, m0 % 12 + 1)
}

fn words(when: When, feedback: NaiveDate) -> String {
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

/// The demo accounts acting, and the evidence their closure requests carry.
struct Cast<'a> {
    actors: Vec<(&'a str, Actor)>,
    evidence: Vec<Stored>,
}

/// The file a demo closure request carries.
const DEMO_EVIDENCE: &str = "整改成果及佐证材料清单\n\n一、专项报告（经牵头责任领导审签）\n二、制度文件\n三、会议纪要\n四、清退款项凭证\n";

/// Whether the database holds no organisation yet.
pub async fn is_empty(db: &Db) -> StoreResult<bool> {
    use sqlx::Row;
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM units")
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    Ok(n == 0)
}

/// Loads the demo organisation, in one transaction. `today` places the dates.
pub async fn load(
    db: &Db,
    store: &dyn FileStore,
    today: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    let change = Change {
        actor: None,
        at,
        reason: Some("演示数据"),
    };
    let evidence = store_evidence(store).await?;
    let mut tx = db.begin().await?;
    let city = units::insert(
        &mut tx,
        change,
        None,
        UnitKind::Org,
        "中共某市委员会",
        Some("市委"),
    )
    .await?;
    let xunchaban = units::insert(
        &mut tx,
        change,
        Some(city),
        UnitKind::Dept,
        "市委巡察工作领导小组办公室",
        Some("市委巡察办"),
    )
    .await?;
    let paper = Org {
        parent: city,
        name: "某市日报社（报业集团）",
        short: "报社",
        prefix: "",
    };
    load_org(
        &mut tx,
        change,
        evidence,
        paper,
        vec![("市委巡察办", xunchaban)],
        today,
    )
    .await?;
    tx.commit().await
}

/// The organisation keeps the default warning rules with its Party secretary named, so
/// that red warnings reach him as the rules say (报党委书记).
async fn name_secretary(
    tx: &mut Tx,
    change: Change<'_>,
    org: UnitId,
    secretary: Option<UserId>,
) -> StoreResult<()> {
    use zhenggai_domain::warning::{Recipient, WarningRules};
    use zhenggai_storage::db::sql::Param;
    let rules = WarningRules::default();
    let codes = |list: &[Recipient]| list.iter().map(|r| r.code()).collect::<Vec<_>>().join(",");
    let days = rules
        .remind_days
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    zhenggai_storage::audit::versions::upsert(
        tx,
        change,
        zhenggai_storage::audit::Entity::WarningRules,
        ("org_id", org.0),
        None,
        &[
            ("green_days", Param::from(i64::from(rules.green_days))),
            ("yellow_days", Param::from(i64::from(rules.yellow_days))),
            ("green_to", Param::from(codes(&rules.green))),
            ("yellow_to", Param::from(codes(&rules.yellow))),
            ("red_to", Param::from(codes(&rules.red))),
            ("secretary_id", Param::from(secretary.map(|s| s.0))),
            ("remind_days", Param::from(days)),
            ("repeat_days", Param::from(i64::from(rules.repeat_days))),
            (
                "milestone_months",
                Param::from(i64::from(rules.milestone_months)),
            ),
            (
                "long_term_days",
                Param::from(i64::from(rules.long_term_days)),
            ),
        ],
    )
    .await?;
    Ok(())
}

/// The file the demo's closure requests carry, stored.
async fn store_evidence(store: &dyn FileStore) -> StoreResult<Vec<Stored>> {
    let report = Upload {
        filename: "整改成果及佐证材料清单.txt".into(),
        bytes: DEMO_EVIDENCE.as_bytes().to_vec(),
    };
    let mut c = Checker::default();
    let checked = check_uploads(
        &mut c,
        std::slice::from_ref(&report),
        UploadLimits::default(),
    );
    c.finish()?;
    let evidence = store_uploads(store, &checked).await?;
    Ok(evidence)
}

/// An organisation the demo loads: its place, its names, and what its accounts'
/// usernames begin with.
#[derive(Clone, Copy)]
struct Org<'a> {
    parent: UnitId,
    name: &'a str,
    short: &'a str,
    prefix: &'a str,
}

/// Loads the newspaper's ledger once more, as another organisation under the demo's
/// city, its accounts named `{prefix}office`, `{prefix}finance` … (not the upper
/// level's, who oversees both): for tests of the upper level over several organisations.
pub async fn load_another(
    db: &Db,
    store: &dyn FileStore,
    today: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
    name: &str,
    short: &str,
    prefix: &str,
) -> StoreResult<()> {
    use sqlx::Row;
    let change = Change {
        actor: None,
        at,
        reason: Some("演示数据"),
    };
    let evidence = store_evidence(store).await?;
    let city: i64 = sqlx::query("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    let mut tx = db.begin().await?;
    let org = Org {
        parent: UnitId(city),
        name,
        short,
        prefix,
    };
    load_org(&mut tx, change, evidence, org, Vec::new(), today).await?;
    tx.commit().await
}

/// The newspaper's departments, accounts and ledger, under `org.parent`.
async fn load_org(
    tx: &mut Tx,
    change: Change<'_>,
    evidence: Vec<Stored>,
    org: Org<'_>,
    mut unit_of: Vec<(&str, UnitId)>,
    today: NaiveDate,
) -> StoreResult<()> {
    let paper = units::insert(
        tx,
        change,
        Some(org.parent),
        UnitKind::Org,
        org.name,
        Some(org.short),
    )
    .await?;
    unit_of.push(("报社", paper));
    for (name, short) in DEPARTMENTS {
        unit_of.push((
            short,
            units::insert(tx, change, Some(paper), UnitKind::Dept, name, Some(short)).await?,
        ));
    }
    let unit = |short: &str| {
        unit_of
            .iter()
            .find(|(s, _)| *s == short)
            .map(|(_, id)| *id)
            .unwrap_or(paper)
    };
    let mut user_of = Vec::new();
    let hash = zhenggai_storage::accounts::auth::hash_password(DEMO_PASSWORD)?;
    for (username, name, short, role, in_charge) in DEMO_USERS {
        // The upper level belongs to the city, not to the organisation.
        if *role == Role::Upper && !org.prefix.is_empty() {
            continue;
        }
        let prefixed = format!("{}{username}", org.prefix);
        let id = users::insert_hashed(
            tx,
            change,
            &NewUser {
                username: &prefixed,
                display_name: name,
                unit: unit(short),
                role: *role,
                units_in_charge: in_charge.iter().map(|s| unit(s)).collect(),
                password: DEMO_PASSWORD,
                must_change_password: false,
            },
            &hash,
        )
        .await?;
        user_of.push((*username, id));
    }
    let user = |name: &str| user_of.iter().find(|(n, _)| *n == name).map(|(_, id)| *id);
    let office = user("office");
    name_secretary(tx, change, paper, user(DEMO_SECRETARY)).await?;
    let actors: Vec<(&str, Actor)> = DEMO_USERS
        .iter()
        .filter_map(|(username, _, short, role, in_charge)| {
            Some((
                *username,
                Actor {
                    user: user(username)?,
                    role: *role,
                    unit: unit(short),
                    org: paper,
                    units_in_charge: in_charge.iter().map(|s| unit(s)).collect(),
                    orgs_below: Vec::new(),
                },
            ))
        })
        .collect();
    let cast = Cast { actors, evidence };

    let feedback = today - Duration::days(40);
    let inspection = inspections::insert(
        tx,
        change,
        paper,
        &InspectionInput {
            kind: InspectionKind::Xuncha.code().into(),
            title: "市委第一巡察组对市日报社党委的专项巡察".into(),
            group_name: "市委第一巡察组".into(),
            period_start: day(feedback - Duration::days(120)),
            period_end: day(feedback - Duration::days(80)),
            feedback_date: day(feedback),
            notes: "巡察反馈意见及信访件已移交；须在收到反馈后15个工作日内提交整改方案，两个月内完成集中整改。".into(),
            plan_workdays: "15".into(),
            completion_months: "2".into(),
            concentrated_months: "2".into(),
        },
    )
    .await?;
    for (title, problems) in ASPECTS {
        let aspect = aspects::insert(
            tx,
            change,
            inspection,
            &TitleInput {
                title: title.to_string(),
            },
        )
        .await?;
        for p in *problems {
            insert_problem(
                tx,
                change,
                inspection,
                aspect,
                p,
                ProblemSource::Inspection,
                feedback,
                today,
                &unit,
                &user,
                office,
                &cast,
            )
            .await?;
        }
    }
    let last_aspect = aspects::insert(
        tx,
        change,
        inspection,
        &TitleInput {
            title: "举一反三自查问题".into(),
        },
    )
    .await?;
    insert_problem(
        tx,
        change,
        inspection,
        last_aspect,
        &SELF_FOUND,
        ProblemSource::SelfFound,
        feedback,
        today,
        &unit,
        &user,
        office,
        &cast,
    )
    .await?;

    demo_outcomes(tx, change, &cast, inspection, today).await?;

    // A second source beside the inspection (D2: several live side by side).
    let audit_feedback = today - Duration::days(75);
    let audit = inspections::insert(
        tx,
        change,
        paper,
        &InspectionInput {
            kind: InspectionKind::Audit.code().into(),
            title: "市审计局对报社原社长任期经济责任审计".into(),
            group_name: "市审计局".into(),
            period_start: day(audit_feedback - Duration::days(60)),
            period_end: day(audit_feedback - Duration::days(20)),
            feedback_date: day(audit_feedback),
            notes: String::new(),
            ..InspectionInput::default()
        },
    )
    .await?;
    let aspect = aspects::insert(
        tx,
        change,
        audit,
        &TitleInput {
            title: "财务收支方面".into(),
        },
    )
    .await?;
    let p = P {
        title: "专项资金未专款专用",
        description: "融媒体建设专项资金部分用于日常办公支出。",
        measures: &[M {
            content: "收回挪用资金，归还专项资金账户，完善专项资金管理办法",
            lead: "财务部",
            coop: &["新媒体中心"],
            leader: "leader_wang",
            person: "陈静",
            target: "挪用资金全部归还；管理办法印发",
            when: When::MonthEnd(2),
            progress: &[(20, "已归还专项资金账户12.5万元。", false)],
        }],
    };
    insert_problem(
        tx,
        change,
        audit,
        aspect,
        &p,
        ProblemSource::Inspection,
        audit_feedback,
        today,
        &unit,
        &user,
        office,
        &cast,
    )
    .await?;
    Ok(())
}

#[expect(
    clippy::too_many_arguments,
    reason = "the demo's lookups travel together"
)]
async fn insert_problem(
    tx: &mut Tx,
    change: Change<'_>,
    inspection: InspectionId,
    aspect: zhenggai_domain::AspectId,
    p: &P,
    source: ProblemSource,
    feedback: NaiveDate,
    today: NaiveDate,
    unit: &dyn Fn(&str) -> UnitId,
    user: &dyn Fn(&str) -> Option<UserId>,
    office: Option<UserId>,
    cast: &Cast<'_>,
) -> StoreResult<()> {
    let new = problems::NewProblem {
        title: p.title.to_string(),
        description: Some(p.description.to_string()),
        aspect,
        item: None,
        source,
        lead_unit: p.measures.first().map(|m| unit(m.lead)),
        leader: p.measures.first().and_then(|m| user(m.leader)),
        origin: None,
    };
    let problem = problems::insert(tx, change, inspection, &new).await?;
    let mut measure_ids = Vec::new();
    for m in p.measures {
        let text = words(m.when, feedback);
        let deadline = Deadline::parse(&text, feedback)
            .map_err(|e| anyhow::anyhow!("demo deadline {text}: {e}"))?;
        let id = measures::insert(
            tx,
            change,
            problem,
            &NewMeasure {
                content: m.content.to_string(),
                lead_unit: unit(m.lead),
                cooperating: m.coop.iter().map(|c| unit(c)).collect(),
                leader: user(m.leader),
                responsible_person: Some(m.person.to_string()),
                target: Some(m.target.to_string()),
                deadline,
                origin: None,
            },
        )
        .await?;
        measure_ids.push(id);
    }
    let plan = script(p.title);
    let lead = p
        .measures
        .first()
        .and_then(|m| {
            DEMO_USERS
                .iter()
                .find(|u| u.2 == m.lead && u.3 == Role::Unit)
        })
        .map_or("office", |u| u.0);
    let leader = p.measures.first().map_or("leader_wang", |m| m.leader);
    let step = |who: &'static str, input: StepInput| (who, input);
    let act = |action: &str| StepInput {
        action: action.to_string(),
        ..Default::default()
    };
    let mut steps = Vec::new();
    match plan {
        Script::Registered => {}
        Script::Disputed => steps.push(step(
            lead,
            StepInput {
                reason: "该问题涉及编制管理，应由组织人事部门牵头".into(),
                ..act("dispute")
            },
        )),
        Script::Submitted => {
            steps.extend([step(lead, act("claim")), step(lead, act("submit_plan"))])
        }
        _ => steps.extend([
            step(lead, act("claim")),
            step(lead, act("submit_plan")),
            step(leader, act("sign_plan")),
            step("office", act("compile_plan")),
            step(
                "office",
                StepInput {
                    meeting: "报社党委会2024年第6次会议".into(),
                    // Every step of the demo is recorded as of its loading: the meeting
                    // approves what was compiled that day.
                    meeting_date: day(today),
                    ..act("approve_plan")
                },
            ),
        ]),
    }
    for (who, input) in &steps {
        take(tx, change, cast, who, problem, input).await?;
    }
    for (m, id) in p.measures.iter().zip(&measure_ids) {
        let id = *id;
        let author = user(
            DEMO_USERS
                .iter()
                .find(|u| u.2 == m.lead)
                .map_or("office", |u| u.0),
        )
        .or(office);
        for (days, text, done) in m.progress {
            let on = (feedback + Duration::days(*days)).min(today);
            let current = measures::load(tx, id, today).await?;
            if let Some(author) = author {
                progress::insert_entry(tx, change, &current, on, text, author, *done).await?;
            }
        }
    }
    let report = || StepInput {
        report: format!("关于“{}”问题整改情况的专项报告", p.title),
        ..act("request_closure")
    };
    let new_deadline = day(today + Duration::days(15));
    let after: Vec<(&str, StepInput)> = match plan {
        Script::Consolidated => vec![
            step(lead, report()),
            step(leader, act("sign_closure")),
            step("office", act("accept_closure")),
            step("office", act("confirm")),
        ],
        Script::Returned => vec![
            step(lead, report()),
            step(leader, act("sign_closure")),
            step(
                "office",
                StepInput {
                    reason: "佐证材料不全，缺少撤销账户的银行回单".into(),
                    deadline: new_deadline.clone(),
                    ..act("return_closure")
                },
            ),
        ],
        Script::Reopened => vec![
            step(lead, report()),
            step(leader, act("sign_closure")),
            step("office", act("accept_closure")),
            step(
                "office",
                StepInput {
                    reason: "回头看发现仍有公车节假日停放在私人小区".into(),
                    deadline: new_deadline.clone(),
                    ..act("reopen")
                },
            ),
        ],
        Script::PhaseClosed => vec![step(
            "office",
            StepInput {
                report: "党建方面阶段性整改总结：组织关系已全部转入，“周一夜学”长期坚持".into(),
                ..act("close_phase")
            },
        )],
        Script::Extended => {
            let (y, mo) = month_after(today, 2);
            vec![
                step(
                    lead,
                    StepInput {
                        measure_id: measure_ids.first().map(|m| m.0),
                        deadline: format!("{y}年{mo}月底前"),
                        reason: "下属公司档案移交需公司化改造完成后进行".into(),
                        ..act("request_extension")
                    },
                ),
                step(
                    leader,
                    StepInput {
                        reason: "同意延期，须按月报告进度".into(),
                        ..act("extend")
                    },
                ),
            ]
        }
        _ => vec![],
    };
    for (who, input) in &after {
        take(tx, change, cast, who, problem, input).await?;
    }
    Ok(())
}

/// Outcomes of the S1 inspection (D13): accountability, institutions, money recovered.
async fn demo_outcomes(
    tx: &mut Tx,
    change: Change<'_>,
    cast: &Cast<'_>,
    inspection: InspectionId,
    today: NaiveDate,
) -> StoreResult<()> {
    use sqlx::Row;
    use zhenggai_storage::ledger::outcomes::{
        self, AccountabilityInput, InstitutionInput, RecoveryInput,
    };
    let actor = |who: &str| {
        cast.actors
            .iter()
            .find(|(n, _)| *n == who)
            .map(|(_, a)| a.clone())
            .ok_or_else(|| anyhow::anyhow!("no demo actor {who}"))
    };
    let (jijian, office) = (actor("jijian")?, actor("office")?);
    let problem = |title: &str, rows: &[sqlx::any::AnyRow]| -> Vec<i64> {
        rows.iter()
            .filter(|r| r.try_get::<String, _>(1).ok().as_deref() == Some(title))
            .filter_map(|r| r.try_get(0).ok())
            .collect()
    };
    let rows = sqlx::query("SELECT id, title FROM problems WHERE inspection_id = $1")
        .bind(inspection.0)
        .fetch_all(tx.conn())
        .await?;
    let at = |days: i64| day(today - Duration::days(days));
    let people = [
        (
            "person",
            "原行政后勤部副主任 张某",
            "公车私用、车辆维修把关不严",
            "second",
            problem("公车私用、车辆维修把关不严", &rows),
        ),
        (
            "person",
            "原广告部主任 刘某",
            "接待费用超标、列支烟酒",
            "first",
            problem("接待费用超标、接待列支烟酒", &rows),
        ),
        (
            "unit",
            "经营管理部",
            "自行制订报销制度、违规发放提成",
            "first",
            problem("经营部门自行发放薪酬、自行制订报销制度", &rows),
        ),
    ];
    for (kind, subject, reason, form, problem_ids) in people {
        let input = AccountabilityInput {
            subject_kind: kind.into(),
            subject: subject.into(),
            reason: reason.into(),
            form: form.into(),
            decided_on: at(10),
            problem_ids,
        };
        outcomes::record_accountability_in(
            tx,
            &jijian,
            Change {
                actor: Some(jijian.user),
                ..change
            },
            inspection,
            &input,
        )
        .await?;
    }
    let institutions = [
        (
            "《日报社（报业集团）公务接待管理规定》",
            "报社党发〔2024〕5号",
            "made",
            "接待费用超标、接待列支烟酒",
        ),
        (
            "《报社党委理论学习中心组学习制度》",
            "报社党发〔2024〕3号",
            "made",
            "缺乏大局意识、执行党委决策不到位",
        ),
        (
            "《报社财务报销管理办法》",
            "报社发〔2024〕12号",
            "revised",
            "报销审批把关不严、虚构内容报销",
        ),
        (
            "《广告部差旅费及手机费报销办法》",
            "广告部〔2019〕1号",
            "abolished",
            "经营部门自行发放薪酬、自行制订报销制度",
        ),
    ];
    let office_change = Change {
        actor: Some(office.user),
        ..change
    };
    for (title, number, kind, answers) in institutions {
        let input = InstitutionInput {
            title: title.into(),
            doc_number: number.into(),
            change_kind: kind.into(),
            issued_on: at(20),
            problem_ids: problem(answers, &rows),
        };
        outcomes::record_institution_in(tx, &office, office_change, inspection, &input).await?;
    }
    for (amount, what) in [
        ("1.86万元", "超标准接待费用个人承担部分"),
        ("42,350", "违规发放的津补贴、以汽油费发票报销的提成"),
    ] {
        let input = RecoveryInput {
            amount: amount.into(),
            what: what.into(),
            recovered_on: at(15),
            measure_ids: Vec::new(),
        };
        outcomes::record_recovery_in(tx, &office, office_change, inspection, &input).await?;
    }
    Ok(())
}

/// One lifecycle step by a demo account.
async fn take(
    tx: &mut Tx,
    change: Change<'_>,
    cast: &Cast<'_>,
    who: &str,
    problem: zhenggai_domain::ProblemId,
    input: &StepInput,
) -> StoreResult<()> {
    let actor = cast
        .actors
        .iter()
        .find(|(n, _)| *n == who)
        .map(|(_, a)| a)
        .ok_or_else(|| anyhow::anyhow!("no demo actor {who}"))?;
    let change = Change {
        actor: Some(actor.user),
        ..change
    };
    // A closure request goes with its report as a file, as the office would receive it.
    let files = if input.action == "request_closure" {
        cast.evidence.as_slice()
    } else {
        &[]
    };
    lifecycle::step_in(tx, actor, change, problem, input, files)
        .await
        .map_err(|e| anyhow::anyhow!("demo step {} by {who}: {e:?}", input.action))?;
    Ok(())
}
