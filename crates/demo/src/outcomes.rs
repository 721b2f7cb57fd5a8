//! The S1 inspection's outcomes (D13): accountability, institutions, money recovered.

use chrono::{Duration, NaiveDate};
use zhenggai_domain::InspectionId;
use zhenggai_storage::audit::Change;
use zhenggai_storage::db::sql::day;
use zhenggai_storage::db::tx::Tx;
use zhenggai_storage::error::StoreResult;

use crate::Cast;

/// Outcomes of the S1 inspection (D13): accountability, institutions, money recovered.
pub(crate) async fn demo_outcomes(
    tx: &mut Tx,
    change: Change<'_>,
    cast: &Cast<'_>,
    inspection: InspectionId,
    today: NaiveDate,
) -> StoreResult<()> {
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
    #[derive(sqlx::FromRow)]
    struct Titled {
        id: i64,
        title: String,
    }
    let problem = |title: &str, rows: &[Titled]| -> Vec<i64> {
        rows.iter()
            .filter(|r| r.title == title)
            .map(|r| r.id)
            .collect()
    };
    let rows =
        sqlx::query_as::<_, Titled>("SELECT id, title FROM problems WHERE inspection_id = $1")
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
