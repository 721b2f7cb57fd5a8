//! The S1 inspection's petitions (D20, S1: "落实了巡察反馈意见及信访件移交手续"): one
//! concluded, one returned and in handling again, one overdue, one in handling.

use chrono::{Datelike, Duration, NaiveDate};
use zhenggai_domain::InspectionId;
use zhenggai_storage::audit::Change;
use zhenggai_storage::db::sql::day;
use zhenggai_storage::db::tx::Tx;
use zhenggai_storage::error::StoreResult;
use zhenggai_storage::ledger::petitions::{self, Conclusion, PetitionInput, SendBack};

use crate::Cast;

/// The petitions handed over with the S1 inspection's feedback, received the day of
/// the feedback (`feedback`).
pub(crate) async fn demo_petitions(
    tx: &mut Tx,
    change: Change<'_>,
    cast: &Cast<'_>,
    inspection: InspectionId,
    feedback: NaiveDate,
    today: NaiveDate,
) -> StoreResult<()> {
    let actor = |who: &str| {
        cast.actors
            .iter()
            .find(|(n, _)| *n == who)
            .map(|(_, a)| a.clone())
            .ok_or_else(|| anyhow::anyhow!("no demo actor {who}"))
    };
    let (office, finance) = (actor("office")?, actor("finance")?);
    let as_office = Change {
        actor: Some(office.user),
        ..change
    };
    let unit = async |tx: &mut Tx, short: &str| -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT u.id FROM units u JOIN inspections i ON i.org_id = u.org_id \
             WHERE i.id = $1 AND u.short_name = $2",
        )
        .bind(inspection.0)
        .bind(short)
        .fetch_one(tx.conn())
        .await?)
    };
    let problem = async |tx: &mut Tx, title: &str| -> StoreResult<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM problems WHERE inspection_id = $1 AND title = $2")
                .bind(inspection.0)
                .bind(title)
                .fetch_all(tx.conn())
                .await?,
        )
    };
    let on = |d: NaiveDate| day(d);
    // (number, summary, unit, deadline, problem it bears on)
    let handed_over = [
        (
            format!("巡信〔{}〕1号", feedback.year()),
            "反映经营管理部以汽油费发票报销的名义发放广告提成，要求核查清退。",
            "经营管理部",
            feedback + Duration::days(30),
            "经营部门自行发放薪酬、自行制订报销制度",
        ),
        (
            format!("巡信〔{}〕2号", feedback.year()),
            "反映报社公务车辆节假日停放在个人住所、长期由个人使用。",
            "行政后勤部",
            today - Duration::days(5),
            "公车私用、车辆维修把关不严",
        ),
        (
            format!("巡信〔{}〕3号", feedback.year()),
            "反映财务报销审批把关不严，有以虚构会议名义报销的情况。",
            "财务部",
            feedback + Duration::days(60),
            "报销审批把关不严、虚构内容报销",
        ),
        (
            format!("巡信〔{}〕4号", feedback.year()),
            "反映部分职工差旅费报销超出标准、票据不全。",
            "财务部",
            feedback + Duration::days(60),
            "报销审批把关不严、虚构内容报销",
        ),
    ];
    let mut ids = Vec::new();
    for (number, summary, short, deadline, about) in handed_over {
        let input = PetitionInput {
            number,
            received_on: on(feedback),
            summary: summary.into(),
            handling_unit_id: Some(unit(tx, short).await?),
            deadline: on(deadline),
            problem_ids: problem(tx, about).await?,
        };
        ids.push(petitions::register_in(tx, &office, as_office, inspection, &input).await?);
    }
    let concluded = [
        (
            ids[0],
            &office,
            "经核查，反映问题属实。已责令经营管理部停止以汽油费发票报销提成的做法，清退违规发放款项42,350元，对部门负责人予以诫勉谈话。",
        ),
        (ids[3], &finance, "已对差旅费报销情况进行了自查。"),
    ];
    for (id, who, result) in concluded {
        let input = Conclusion {
            version: 1,
            result: result.into(),
            concluded_on: on(today - Duration::days(12)),
        };
        let by = Change {
            actor: Some(who.user),
            ..change
        };
        petitions::conclude_in(tx, who, by, id, &input).await?;
    }
    // The self-check names no amount and no one: the office sends it back.
    let input = SendBack {
        version: 2,
        reason:
            "办理结果过于笼统：请写明核查的范围、超标准报销的金额和人数，以及清退和整改的情况。"
                .into(),
    };
    petitions::send_back_in(tx, &office, as_office, ids[3], &input).await?;
    Ok(())
}
