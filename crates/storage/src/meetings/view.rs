//! A meeting as a person reads it: the list of meetings, and one meeting with what the
//! reader may see of its opinions, talks, materials, problems and what was said.

use chrono::NaiveDate;
use serde::Serialize;
use zhenggai_domain::UnitId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::meeting::{
    BoxOpen, MaterialState, MeetingState, OpinionCategory, OpinionChannel, OpinionState,
    RemarkKind, box_may_be_opened, box_open,
};

use super::{Member, Row, SELECT, load, stored_day, user};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, parse_day};
use crate::error::StoreResult;
use crate::scope::{ledger_orgs, require_business};

/// A meeting in the list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingSummary {
    /// Id.
    pub id: i64,
    /// Its organisation.
    pub org: String,
    /// 会议主题.
    pub topic: String,
    /// The day it is held.
    #[schema(value_type = String, format = Date)]
    pub held_on: NaiveDate,
    /// Where it is.
    pub state: MeetingState,
    /// The ledger its problems were carried into.
    pub inspection_id: Option<i64>,
}

/// Whether the public box is open today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoxStanding {
    /// Open.
    Open,
    /// Opens later.
    NotYet,
    /// Closed.
    Closed,
}

impl BoxStanding {
    /// A short code for the page.
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::NotYet => "not_yet",
            Self::Closed => "closed",
        }
    }
}

impl From<BoxOpen> for BoxStanding {
    fn from(b: BoxOpen) -> Self {
        match b {
            BoxOpen::Open => Self::Open,
            BoxOpen::NotYet(_) => Self::NotYet,
            BoxOpen::Closed(_) => Self::Closed,
        }
    }
}

/// An opinion as the reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpinionView {
    /// Id.
    pub id: i64,
    /// How it came.
    pub channel: OpinionChannel,
    /// What it is about.
    pub category: OpinionCategory,
    /// Its words, as written (原汁原味).
    pub text: String,
    /// The day received.
    #[schema(value_type = String, format = Date)]
    pub received_on: NaiveDate,
    /// Sent without a name.
    pub anonymous: bool,
    /// The name the submitter gave, if they signed.
    pub signed: Option<String>,
    /// Where it is.
    pub state: OpinionState,
    /// The member it is fed back to (None: the leadership, or not yet sorted).
    pub member_id: Option<i64>,
    /// Their name.
    pub member: Option<String>,
    /// The opinion it was merged into.
    pub merged_into: Option<i64>,
    /// The office's summary.
    pub summary: Option<String>,
    /// The day the member acknowledged it.
    #[schema(value_type = Option<String>, format = Date)]
    pub acknowledged_on: Option<NaiveDate>,
    /// Version, for a change.
    pub version: i64,
    /// The reader is the member it is fed back to and has not acknowledged it.
    pub may_acknowledge: bool,
}

/// A talk.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalkView {
    /// Id.
    pub id: i64,
    /// Who held it.
    pub talker: String,
    /// With whom.
    pub listener: String,
    /// The day.
    #[schema(value_type = String, format = Date)]
    pub held_on: NaiveDate,
    /// What was talked about.
    pub topics: String,
    /// What came of it.
    pub outcome: Option<String>,
}

/// A self-examination.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MaterialView {
    /// Id.
    pub id: i64,
    /// Its member (None: the leadership's).
    pub member_id: Option<i64>,
    /// Their name.
    pub member: Option<String>,
    /// Its text.
    pub text: String,
    /// Draft or final.
    pub state: MaterialState,
    /// Version: each save is one, readable in its trail.
    pub version: i64,
    /// The reader may revise it.
    pub may_edit: bool,
}

/// A problem the meeting named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    /// Id.
    pub id: i64,
    /// Its member (None: the leadership's).
    pub member_id: Option<i64>,
    /// Their name.
    pub member: Option<String>,
    /// The problem.
    pub problem: String,
    /// The measure committed to.
    pub measure: String,
    /// Its deadline, as written.
    pub deadline: String,
    /// The opinion it answers.
    pub opinion_id: Option<i64>,
    /// The criticism it answers.
    pub remark_id: Option<i64>,
    /// The ledger's problem, once carried.
    pub problem_id: Option<i64>,
    /// Its number in the ledger.
    pub problem_ordinal: Option<i64>,
    /// Its state in the ledger.
    pub problem_state: Option<ProblemState>,
    /// Version.
    pub version: i64,
    /// The reader may withdraw it (not yet carried).
    pub may_withdraw: bool,
}

/// What was said.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RemarkView {
    /// Id.
    pub id: i64,
    /// Self-criticism, criticism or the upper level's remarks.
    pub kind: RemarkKind,
    /// Who spoke (a member).
    pub from: Option<String>,
    /// Of whom.
    pub to: Option<String>,
    /// Who spoke from above.
    pub speaker: Option<String>,
    /// The points.
    pub points: String,
}

/// What the meeting gathered, counted for every reader (and its report), whatever they
/// may read of the records themselves.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MeetingCounts {
    /// All opinions opened or recorded, duplicates merged counted once.
    pub total: i64,
    /// Through the public box.
    pub by_box: i64,
    /// By letter, at forums and through the mailbox.
    pub by_other: i64,
    /// Fed back to a member or the leadership.
    pub fed_back: i64,
    /// Acknowledged by their member.
    pub acknowledged: i64,
    /// Waiting in the box for the office to open it; none while the box takes opinions
    /// (a count watched then would date each arrival).
    pub unopened: Option<i64>,
    /// Talks held.
    pub talks: i64,
    /// Self-examinations written (the leadership's and the members').
    pub materials: i64,
    /// Of them, finalised.
    pub materials_final: i64,
    /// Self-criticisms heard.
    pub self_criticisms: i64,
    /// Criticisms of one member by another.
    pub criticisms: i64,
}

/// One meeting as the reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    /// Id.
    pub id: i64,
    /// Its organisation.
    pub org_id: i64,
    /// Its name.
    pub org: String,
    /// 会议主题.
    pub topic: String,
    /// The day held.
    #[schema(value_type = String, format = Date)]
    pub held_on: NaiveDate,
    /// Where.
    pub place: Option<String>,
    /// Who chairs it.
    pub chair_id: i64,
    /// Who attends from above.
    pub attendees: Option<String>,
    /// Where it is.
    pub state: MeetingState,
    /// Opinions and criticism read only by the office and the member concerned.
    pub confidential: bool,
    /// The public box's key (its link), for the office only.
    pub box_key: Option<String>,
    /// The box's first day.
    #[schema(value_type = String, format = Date)]
    pub box_opens_on: NaiveDate,
    /// Its last day.
    #[schema(value_type = String, format = Date)]
    pub box_closes_on: NaiveDate,
    /// Whether it is open today.
    pub box_standing: BoxStanding,
    /// 会议记录.
    pub minutes: Option<String>,
    /// The ledger its problems were carried into.
    pub inspection_id: Option<i64>,
    /// Version.
    pub version: i64,
    /// Its members.
    pub members: Vec<Member>,
    /// The reader runs it (the office).
    pub may_manage: bool,
    /// The reader is one of its members.
    pub is_member: bool,
    /// The reader reads every opinion, talk, material and remark.
    pub reads_all: bool,
    /// Counted for every reader.
    pub counts: MeetingCounts,
    /// The chair's name.
    pub chair: String,
    /// The opinions the reader may read.
    pub opinions: Vec<OpinionView>,
    /// The talks the reader may read.
    pub talks: Vec<TalkView>,
    /// The self-examinations the reader may read.
    pub materials: Vec<MaterialView>,
    /// The problems named, as far as the reader may read them.
    pub findings: Vec<FindingView>,
    /// What was said, as far as the reader may read it.
    pub remarks: Vec<RemarkView>,
}

/// Every meeting the reader may read: their organisation's (or those below, for the
/// upper level) and those they sit on; the latest first.
pub async fn list(db: &Db, actor: &Actor) -> StoreResult<Vec<MeetingSummary>> {
    require_business(actor)?;
    let sits_on: Vec<i64> =
        sqlx::query_scalar("SELECT meeting_id FROM meeting_members WHERE user_id = $1")
            .bind(actor.user.0)
            .fetch_all(db.pool())
            .await?;
    let mut sql = Sql::new(SELECT);
    sql.push("(m.id IN ").id_list(sits_on.iter().copied());
    if let Some(orgs) = ledger_orgs(actor) {
        sql.push(" OR m.org_id IN ").id_list(orgs);
    }
    sql.push(") ORDER BY m.held_on DESC, m.id DESC LIMIT 500");
    let rows: Vec<Row> = sql.query_as::<Row>().fetch_all(db.pool()).await?;
    let mut out = Vec::new();
    for r in rows {
        // The rule decides, not the query: a member of another organisation's meeting
        // (moved since) reads it no more.
        let read = actor
            .meeting_rights(
                UnitId(r.org_id),
                sits_on.contains(&r.id),
                r.confidential != 0,
            )
            .read;
        if !read {
            continue;
        }
        out.push(MeetingSummary {
            id: r.id,
            org: r.org,
            topic: r.topic,
            held_on: stored_day("held_on", &r.held_on)?,
            state: code_of("meetings", "state", &r.state)?,
            inspection_id: r.inspection_id,
        });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct OpinionRow {
    id: i64,
    channel: String,
    category: String,
    text: String,
    received_on: String,
    anonymous: i64,
    signed: Option<String>,
    state: String,
    member_id: Option<i64>,
    member: Option<String>,
    merged_into: Option<i64>,
    summary: Option<String>,
    acknowledged_on: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct TalkRow {
    id: i64,
    talker_id: i64,
    talker: String,
    listener_id: i64,
    listener: String,
    held_on: String,
    topics: String,
    outcome: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MaterialRow {
    id: i64,
    member_id: Option<i64>,
    member: Option<String>,
    text: String,
    state: String,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct FindingRow {
    id: i64,
    member_id: Option<i64>,
    member: Option<String>,
    problem: String,
    measure: String,
    deadline_text: String,
    opinion_id: Option<i64>,
    remark_id: Option<i64>,
    problem_id: Option<i64>,
    problem_ordinal: Option<i64>,
    problem_state: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct RemarkRow {
    id: i64,
    kind: String,
    from_member_id: Option<i64>,
    from_name: Option<String>,
    to_member_id: Option<i64>,
    to_name: Option<String>,
    speaker: Option<String>,
    points: String,
}

/// One meeting as `actor` may read it on `today` (the box's standing).
pub async fn get(db: &Db, actor: &Actor, id: i64, today: NaiveDate) -> StoreResult<MeetingView> {
    let mut conn = db.pool().acquire().await.map_err(anyhow::Error::from)?;
    let m = load(&mut conn, actor, id).await?;
    let rights = m.rights;
    let me = actor.user;
    let confidential = m.row.confidential != 0;
    let held_on = m.held_on()?;
    let opens = stored_day("box_opens_on", &m.row.box_opens_on)?;
    let closes = stored_day("box_closes_on", &m.row.box_closes_on)?;

    let opinion_rows: Vec<OpinionRow> = sqlx::query_as(
        "SELECT o.id, o.channel, o.category, o.text, o.received_on, o.anonymous, o.signed, o.state, \
         o.member_id, u.display_name AS member, o.merged_into, o.summary, o.acknowledged_on, o.version \
         FROM opinions o LEFT JOIN users u ON u.id = o.member_id WHERE o.meeting_id = $1 \
         ORDER BY o.received_on, o.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let unopened: Option<i64> = if box_may_be_opened(m.state, closes, today) {
        Some(
            sqlx::query_scalar("SELECT COUNT(*) FROM box_slips WHERE meeting_id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?,
        )
    } else {
        None
    };
    let mut counts = MeetingCounts {
        unopened,
        ..MeetingCounts::default()
    };
    let mut opinions = Vec::new();
    for r in opinion_rows {
        let state: OpinionState = code_of("opinions", "state", &r.state)?;
        let channel: OpinionChannel = code_of("opinions", "channel", &r.channel)?;
        if state != OpinionState::Merged {
            counts.total += 1;
            if channel == OpinionChannel::Box {
                counts.by_box += 1;
            } else {
                counts.by_other += 1;
            }
            if state.fed_back() {
                counts.fed_back += 1;
            }
            if state == OpinionState::Acknowledged {
                counts.acknowledged += 1;
            }
        }
        let fed_back = state.fed_back();
        if !rights.sees_opinion(me, user(r.member_id), fed_back) {
            continue;
        }
        opinions.push(OpinionView {
            id: r.id,
            channel,
            category: code_of("opinions", "category", &r.category)?,
            text: r.text,
            received_on: stored_day("received_on", &r.received_on)?,
            anonymous: r.anonymous != 0,
            signed: r.signed,
            state,
            member_id: r.member_id,
            member: r.member,
            merged_into: r.merged_into,
            summary: r.summary,
            acknowledged_on: r.acknowledged_on.as_deref().and_then(parse_day),
            version: r.version,
            may_acknowledge: state == OpinionState::Sorted
                && rights.member
                && r.member_id == Some(me.0),
        });
    }

    let talk_rows: Vec<TalkRow> = sqlx::query_as(
        "SELECT t.id, t.talker_id, a.display_name AS talker, t.listener_id, b.display_name AS listener, \
         t.held_on, t.topics, t.outcome FROM talks t JOIN users a ON a.id = t.talker_id \
         JOIN users b ON b.id = t.listener_id WHERE t.meeting_id = $1 ORDER BY t.held_on, t.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    counts.talks = i64::try_from(talk_rows.len()).unwrap_or(i64::MAX);
    let mut talks = Vec::new();
    for r in talk_rows {
        // A talk is between its two parties and the office that records it (D18): no
        // one else reads it, however much of the meeting they read.
        if !(rights.manage || r.talker_id == me.0 || r.listener_id == me.0) {
            continue;
        }
        talks.push(TalkView {
            id: r.id,
            talker: r.talker,
            listener: r.listener,
            held_on: stored_day("held_on", &r.held_on)?,
            topics: r.topics,
            outcome: r.outcome,
        });
    }

    let material_rows: Vec<MaterialRow> = sqlx::query_as(
        "SELECT t.id, t.member_id, u.display_name AS member, t.text, t.state, t.version \
         FROM materials t LEFT JOIN users u ON u.id = t.member_id WHERE t.meeting_id = $1 \
         ORDER BY t.member_id IS NOT NULL, t.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut materials = Vec::new();
    for r in material_rows {
        counts.materials += 1;
        if r.state == MaterialState::Final.code() {
            counts.materials_final += 1;
        }
        if !rights.sees_about(me, &[user(r.member_id)]) {
            continue;
        }
        let state: MaterialState = code_of("materials", "state", &r.state)?;
        let own = match r.member_id {
            Some(member) => member == me.0 && rights.member,
            None => rights.manage,
        };
        materials.push(MaterialView {
            id: r.id,
            member_id: r.member_id,
            member: r.member,
            text: r.text,
            state,
            version: r.version,
            may_edit: own && state == MaterialState::Draft && m.state == MeetingState::Preparing,
        });
    }

    let finding_rows: Vec<FindingRow> = sqlx::query_as(
        "SELECT f.id, f.member_id, u.display_name AS member, f.problem, f.measure, f.deadline_text, \
         f.opinion_id, f.remark_id, f.problem_id, p.ordinal AS problem_ordinal, p.state AS problem_state, f.version \
         FROM meeting_findings f LEFT JOIN users u ON u.id = f.member_id \
         LEFT JOIN problems p ON p.id = f.problem_id \
         WHERE f.meeting_id = $1 AND f.withdrawn_at IS NULL ORDER BY f.member_id IS NOT NULL, f.member_id, f.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut findings = Vec::new();
    for r in finding_rows {
        // The problems named are what the meeting reports upward: every reader sees
        // them, as they will see them in the ledger.
        let own = match r.member_id {
            Some(member) => member == me.0 && rights.member,
            None => false,
        };
        findings.push(FindingView {
            id: r.id,
            member_id: r.member_id,
            member: r.member,
            problem: r.problem,
            measure: r.measure,
            deadline: r.deadline_text,
            opinion_id: r.opinion_id,
            remark_id: r.remark_id,
            problem_id: r.problem_id,
            problem_ordinal: r.problem_ordinal,
            problem_state: match r.problem_state {
                Some(s) => Some(code_of("problems", "state", &s)?),
                None => None,
            },
            version: r.version,
            may_withdraw: r.problem_id.is_none()
                && (rights.manage || own)
                && m.state != MeetingState::Closed,
        });
    }

    let remark_rows: Vec<RemarkRow> = sqlx::query_as(
        "SELECT r.id, r.kind, r.from_member_id, a.display_name AS from_name, r.to_member_id, \
         b.display_name AS to_name, r.speaker, r.points FROM meeting_remarks r \
         LEFT JOIN users a ON a.id = r.from_member_id LEFT JOIN users b ON b.id = r.to_member_id \
         WHERE r.meeting_id = $1 ORDER BY r.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut remarks = Vec::new();
    for r in remark_rows {
        let kind: RemarkKind = code_of("meeting_remarks", "kind", &r.kind)?;
        match kind {
            RemarkKind::SelfCriticism => counts.self_criticisms += 1,
            RemarkKind::Criticism => counts.criticisms += 1,
            RemarkKind::UpperRemarks => {}
        }
        let about = [user(r.from_member_id), user(r.to_member_id)];
        // Said before every member: each reads it unless the meeting is confidential,
        // then their own. The upper level's remarks on the whole leadership are read by
        // whoever reads the meeting.
        let visible = rights.read_all
            || (kind == RemarkKind::UpperRemarks && r.to_member_id.is_none())
            || (rights.member && (!confidential || about.contains(&Some(me))));
        if !visible {
            continue;
        }
        remarks.push(RemarkView {
            id: r.id,
            kind,
            from: r.from_name,
            to: r.to_name,
            speaker: r.speaker,
            points: r.points,
        });
    }

    Ok(MeetingView {
        id,
        org_id: m.row.org_id,
        org: m.row.org.clone(),
        topic: m.row.topic.clone(),
        held_on,
        place: m.row.place.clone(),
        chair_id: m.row.chair_id,
        attendees: m.row.attendees.clone(),
        state: m.state,
        confidential,
        box_key: rights.manage.then(|| m.row.box_key.clone()),
        box_opens_on: opens,
        box_closes_on: closes,
        box_standing: box_open(m.state, opens, closes, today).into(),
        minutes: m.row.minutes.clone(),
        inspection_id: m.row.inspection_id,
        version: m.row.version,
        members: m.members.clone(),
        may_manage: rights.manage,
        is_member: rights.member,
        reads_all: rights.read_all,
        chair: m
            .members
            .iter()
            .find(|x| x.user_id == m.row.chair_id)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        counts,
        opinions,
        talks,
        materials,
        findings,
        remarks,
    })
}
