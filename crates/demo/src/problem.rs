//! One problem of the script written as the office would have entered it: its measures
//! with their owners and deadlines, their progress, and the lifecycle steps that bring it
//! to the state the script gives it, each taken by the demo account whose step it is.

use chrono::{Duration, NaiveDate};
use zhenggai_domain::deadline::Deadline;
use zhenggai_domain::inspection::ProblemSource;
use zhenggai_domain::{InspectionId, Role, UnitId, UserId};
use zhenggai_storage::audit::Change;
use zhenggai_storage::db::sql::day;
use zhenggai_storage::db::tx::Tx;
use zhenggai_storage::error::StoreResult;
use zhenggai_storage::ledger::lifecycle::{self, input::StepInput};
use zhenggai_storage::ledger::measures::{self, NewMeasure};
use zhenggai_storage::ledger::{problems, progress};

use crate::s1::{P, Script, month_after, script, words};
use crate::{Cast, DEMO_USERS};

/// Inserts a problem of the script with its measures and progress, and takes the steps
/// its script gives it.
#[expect(
    clippy::too_many_arguments,
    reason = "the demo's lookups travel together"
)]
pub(crate) async fn insert_problem(
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
                progress::insert_entry(tx, change, (&current).into(), on, text, author, *done)
                    .await?;
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

/// One lifecycle step by a demo account.
pub(crate) async fn take(
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
