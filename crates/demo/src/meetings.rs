//! The newspaper's democratic life meetings (D18, D19): last year's, held, its problems
//! carried into the ledger; and this year's in preparation, its opinion box open (the
//! link `serve --demo` prints).

use chrono::{Datelike, Duration, NaiveDate};
use zhenggai_domain::UnitId;
use zhenggai_domain::access::Actor;
use zhenggai_storage::audit::Change;
use zhenggai_storage::db::Db;
use zhenggai_storage::db::sql::day;
use zhenggai_storage::db::tx::Tx;
use zhenggai_storage::error::StoreResult;
use zhenggai_storage::meetings::carry::{self, Carry};
use zhenggai_storage::meetings::materials::{self, FindingInput, MaterialInput};
use zhenggai_storage::meetings::opinions::{self, Acknowledgement, OpinionInput, Sorting};
use zhenggai_storage::meetings::public_box::{self, Submission};
use zhenggai_storage::meetings::{self, MeetingInput, Member, Minutes, RemarkInput, TalkInput};

use crate::Cast;

/// The public box of the demo's meeting in preparation, if there is one.
pub async fn open_box_key(db: &Db) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT box_key FROM meetings WHERE state = 'preparing' ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?)
}

/// Acts as one demo person.
fn as_person(change: Change<'_>, a: &Actor) -> Change<'static> {
    Change {
        actor: Some(a.user),
        at: change.at,
        reason: None,
    }
}

/// The opinion just recorded or opened whose words begin with `start`.
async fn opinion(tx: &mut Tx, meeting: i64, start: &str) -> StoreResult<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT id, version FROM opinions WHERE meeting_id = $1 AND text LIKE $2 ORDER BY id LIMIT 1",
    )
    .bind(meeting)
    .bind(format!("{start}%"))
    .fetch_one(tx.conn())
    .await?)
}

/// A meeting's version now.
async fn version(tx: &mut Tx, meeting: i64) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT version FROM meetings WHERE id = $1")
            .bind(meeting)
            .fetch_one(tx.conn())
            .await?,
    )
}

/// Both meetings of the newspaper (`paper`).
pub(crate) async fn demo_meetings(
    tx: &mut Tx,
    change: Change<'_>,
    cast: &Cast<'_>,
    paper: UnitId,
    today: NaiveDate,
) -> StoreResult<()> {
    let actor = |who: &str| {
        cast.actors
            .iter()
            .find(|(n, _)| *n == who)
            .map(|(_, a)| a.clone())
            .ok_or_else(|| anyhow::anyhow!("no demo actor {who}"))
    };
    let (office, secretary, wang, zhao) = (
        actor("office")?,
        actor(crate::DEMO_SECRETARY)?,
        actor("leader_wang")?,
        actor("leader_zhao")?,
    );
    let by_office = as_person(change, &office);
    let leaders: Vec<Member> = [&secretary, &wang, &zhao]
        .iter()
        .map(|a| Member {
            user_id: a.user.0,
            name: String::new(),
            title: None,
        })
        .collect();
    let ids: Vec<i64> = leaders.iter().map(|m| m.user_id).collect();
    let on = |d: NaiveDate| day(d);

    // Last year's, held forty days ago.
    let held = today - Duration::days(40);
    let last = meetings::create_in(
        tx,
        by_office,
        paper,
        &leaders,
        &MeetingInput {
            topic: format!(
                "{}年度巡察整改专题民主生活会",
                held.year() - i32::from(held.month() > 3)
            ),
            held_on: on(held),
            place: "报社三楼会议室".into(),
            chair_id: Some(secretary.user.0),
            member_ids: ids.clone(),
            attendees: "市委第二督导组 李某某".into(),
            confidential: false,
            box_opens_on: on(held - Duration::days(30)),
            box_closes_on: on(held - Duration::days(10)),
        },
    )
    .await?;
    for (text, about, category) in [
        (
            "报社领导班子深入一线调研不够，对采编一线的困难了解不深。",
            None,
            "style",
        ),
        (
            "分管经营的领导对广告提成发放把关不严，建议从制度上堵住漏洞。",
            Some(wang.user.0),
            "integrity",
        ),
        (
            "公车管理长期松散，节假日车辆去向无人过问。",
            Some(wang.user.0),
            "style",
        ),
    ] {
        public_box::leave_in(
            tx,
            last,
            held - Duration::days(20),
            &Submission {
                text: text.into(),
                about,
                category: category.into(),
                anonymous: true,
                signed: String::new(),
            },
        )
        .await?;
    }
    opinions::record_in(
        tx,
        &office,
        by_office,
        last,
        &OpinionInput {
            channel: "forum".into(),
            category: "work".into(),
            text: "新闻采访中心座谈会：建议班子成员分工更明确，新媒体转型要有时间表。".into(),
            about_member_id: Some(zhao.user.0),
            received_on: on(held - Duration::days(15)),
            signed: "新闻采访中心职工座谈会".into(),
        },
    )
    .await?;
    public_box::open_in(tx, &office, by_office, last).await?;
    for (start, to) in [
        ("报社领导班子", None),
        ("分管经营", Some(wang.user.0)),
        ("公车管理", Some(wang.user.0)),
        ("新闻采访中心", Some(zhao.user.0)),
    ] {
        let (id, v) = opinion(tx, last, start).await?;
        opinions::sort_in(
            tx,
            &office,
            by_office,
            id,
            &Sorting {
                version: v,
                member_id: to,
                summary: String::new(),
            },
        )
        .await?;
    }
    for (start, who) in [
        ("分管经营", &wang),
        ("公车管理", &wang),
        ("新闻采访中心", &zhao),
    ] {
        let (id, v) = opinion(tx, last, start).await?;
        // Read before the meeting: the day of the acknowledgement is the change's.
        let before = Change {
            at: change.at - Duration::days(45),
            ..as_person(change, who)
        };
        opinions::acknowledge_in(tx, who, before, id, &Acknowledgement { version: v }).await?;
    }
    for (talker, listener, days, topics, outcome) in [
        (
            &secretary,
            &wang,
            35,
            "经营收入分配和广告提成管理",
            "王建国同志表示牵头修订经营收入分配办法",
        ),
        (
            &secretary,
            &zhao,
            34,
            "新媒体转型进度和班子分工",
            "明确新媒体中心由赵志红同志牵头推进",
        ),
        (
            &wang,
            &zhao,
            33,
            "相互提醒：落实一岗双责",
            "约定每季度交流一次分管领域风险",
        ),
    ] {
        meetings::record_talk_in(
            tx,
            &office,
            by_office,
            last,
            &TalkInput {
                talker_id: Some(talker.user.0),
                listener_id: Some(listener.user.0),
                held_on: on(held - Duration::days(days - 40 + 10)),
                topics: topics.into(),
                outcome: outcome.into(),
            },
        )
        .await?;
    }
    materials::save_in(
        tx,
        &office,
        by_office,
        last,
        &MaterialInput {
            member_id: None,
            version: 0,
            text: "一、存在的主要问题\n（一）深入基层调研不够……\n二、原因分析\n三、整改措施".into(),
            finalise: true,
        },
    )
    .await?;
    for (who, text) in [
        (&secretary, "作为党委书记，履行第一责任人职责不够到位……"),
        (&wang, "分管经营工作，对广告提成发放和公车管理把关不严……"),
        (&zhao, "推动新媒体转型的紧迫感不强……"),
    ] {
        materials::save_in(
            tx,
            who,
            as_person(change, who),
            last,
            &MaterialInput {
                member_id: Some(who.user.0),
                version: 0,
                text: text.into(),
                finalise: true,
            },
        )
        .await?;
    }
    let due = today + Duration::days(50);
    let by = format!("{}年{}月底前", due.year(), due.month());
    let (leadership_opinion, _) = opinion(tx, last, "报社领导班子").await?;
    let (commission_opinion, _) = opinion(tx, last, "分管经营").await?;
    let (car_opinion, _) = opinion(tx, last, "公车管理").await?;
    for (who, problem, measure, deadline, from) in [
        (
            None,
            "深入基层调研不够，联系服务职工不紧",
            "班子成员每季度到采编一线调研不少于一次，建立联系点制度",
            by.clone(),
            Some(leadership_opinion),
        ),
        (
            Some(&wang),
            "对广告提成发放把关不严",
            "修订经营收入分配办法，清理违规发放的提成",
            by.clone(),
            Some(commission_opinion),
        ),
        (
            Some(&wang),
            "公车管理制度执行不严",
            "落实公车集中停放和使用登记制度",
            by.clone(),
            Some(car_opinion),
        ),
        (
            Some(&zhao),
            "推进新媒体转型紧迫感不强",
            "制定新媒体转型三年计划并按季度督办",
            by.clone(),
            None,
        ),
    ] {
        let (actor, person) = match who {
            Some(a) => (a, as_person(change, a)),
            None => (&office, by_office),
        };
        materials::add_finding_in(
            tx,
            actor,
            person,
            last,
            &FindingInput {
                member_id: who.map(|a| a.user.0),
                problem: problem.into(),
                measure: measure.into(),
                deadline,
                opinion_id: from,
                remark_id: None,
            },
        )
        .await?;
    }
    let v = version(tx, last).await?;
    meetings::record_minutes_in(
        tx,
        &office,
        by_office,
        last,
        &Minutes {
            version: v,
            minutes: "会议由党委书记张卫东同志主持。张卫东同志代表班子作对照检查，班子成员逐一作个人对照检查，开展批评和自我批评。市委第二督导组李某某同志到会指导并点评。".into(),
            held_on: String::new(),
        },
    )
    .await?;
    for (kind, from, to, speaker, points) in [
        (
            "self_criticism",
            Some(&secretary),
            None,
            "",
            "履行第一责任人职责不够到位，对班子成员分管领域的监督不够",
        ),
        (
            "self_criticism",
            Some(&wang),
            None,
            "",
            "对分管部门的经营收入分配把关不严",
        ),
        (
            "criticism",
            Some(&secretary),
            Some(&wang),
            "",
            "对广告提成问题发现晚、整改慢，要从制度上堵漏洞",
        ),
        (
            "criticism",
            Some(&zhao),
            Some(&secretary),
            "",
            "听取一线意见的渠道还不够多",
        ),
        (
            "upper_remarks",
            None,
            None,
            "市委第二督导组 李某某",
            "会前准备充分，查摆问题具体，批评有辣味；要抓好整改落实",
        ),
    ] {
        meetings::record_remark_in(
            tx,
            &office,
            by_office,
            last,
            &RemarkInput {
                kind: kind.into(),
                from_member_id: from.map(|a| a.user.0),
                to_member_id: to.map(|a| a.user.0),
                speaker: speaker.into(),
                points: points.into(),
            },
        )
        .await?;
    }
    let lead: i64 =
        sqlx::query_scalar("SELECT id FROM units WHERE org_id = $1 AND short_name = $2")
            .bind(paper.0)
            .bind("党群工作部")
            .fetch_one(tx.conn())
            .await?;
    let v = version(tx, last).await?;
    carry::carry_in(
        tx,
        &office,
        by_office,
        last,
        &Carry {
            version: v,
            lead_unit_id: Some(lead),
        },
    )
    .await?;

    // This year's, in preparation: its box open, some opinions left, one fed back.
    let this = meetings::create_in(
        tx,
        by_office,
        paper,
        &leaders,
        &MeetingInput {
            topic: format!("{}年度民主生活会", today.year()),
            held_on: on(today + Duration::days(14)),
            place: "报社三楼会议室".into(),
            chair_id: Some(secretary.user.0),
            member_ids: ids,
            attendees: String::new(),
            confidential: true,
            box_opens_on: on(today - Duration::days(3)),
            box_closes_on: on(today + Duration::days(10)),
        },
    )
    .await?;
    for (text, about, category, days_ago) in [
        (
            "希望班子对去年民主生活会查摆问题的整改情况向职工通报。",
            None,
            "work",
            3,
        ),
        (
            "分管领导对行政后勤部的整改督促不够，车辆问题仍有反复。",
            Some(wang.user.0),
            "style",
            2,
        ),
    ] {
        public_box::leave_in(
            tx,
            this,
            today - Duration::days(days_ago),
            &Submission {
                text: text.into(),
                about,
                category: category.into(),
                anonymous: true,
                signed: String::new(),
            },
        )
        .await?;
    }
    // The box is opened once it closes; meanwhile a letter has come and been fed back.
    opinions::record_in(
        tx,
        &office,
        by_office,
        this,
        &OpinionInput {
            channel: "letter".into(),
            category: "style".into(),
            text: "来信反映：分管领导对行政后勤部的整改督促不够，车辆问题仍有反复。".into(),
            about_member_id: Some(wang.user.0),
            received_on: on(today - Duration::days(2)),
            signed: String::new(),
        },
    )
    .await?;
    let (id, v) = opinion(tx, this, "来信反映").await?;
    opinions::sort_in(
        tx,
        &office,
        by_office,
        id,
        &Sorting {
            version: v,
            member_id: Some(wang.user.0),
            summary: "车辆管理整改有反复".into(),
        },
    )
    .await?;
    public_box::leave_in(
        tx,
        this,
        today - Duration::days(1),
        &Submission {
            text: "建议班子成员多到新媒体中心听取年轻职工的意见。".into(),
            about: Some(zhao.user.0),
            category: "work".into(),
            anonymous: true,
            signed: String::new(),
        },
    )
    .await?;
    Ok(())
}
