//! 专题民主生活会 (D18, D19): the meeting of an organisation's leadership, run by its
//! office — its members, the talks (谈心谈话), what was said at it (批评与自我批评、上级
//! 点评) and its minutes — with the opinions solicited before it ([`opinions`], the
//! public box in [`public_box`]), the self-examinations and the problems they name
//! ([`materials`]), and the problems carried into the ledger afterwards ([`carry`]).
//!
//! Who reads and does what is `Actor::meeting_rights`; every change is a version in the
//! trail, but for what the public box holds before the office opens it (see
//! [`public_box`]).

pub mod carry;
pub mod materials;
pub mod opinions;
pub mod public_box;
pub mod view;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::meeting::{MAX_BOX_DAYS, MeetingRights, MeetingState, RemarkKind};
use zhenggai_domain::reason::{Choose, Refused, Rule};
use zhenggai_domain::validate::{Checker, FieldError, Why};
use zhenggai_domain::{Role, UnitId, UserId};

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, day, parse_day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::scope::{require_business, require_ledger};

pub use view::{MeetingSummary, MeetingView};

/// A meeting as the office sets it up.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingInput {
    /// 会议主题, e.g. 2026年度巡察整改专题民主生活会.
    pub topic: String,
    /// The day it is held (YYYY-MM-DD).
    pub held_on: String,
    /// Where.
    pub place: String,
    /// Who chairs it (主持人): one of its members.
    pub chair_id: Option<i64>,
    /// The members of the leadership (班子成员): leaders of the organisation.
    pub member_ids: Vec<i64>,
    /// Who attends from above (上级督导、列席), as written.
    pub attendees: String,
    /// Opinions and criticism read only by the office and the member concerned.
    pub confidential: bool,
    /// The public box's first day (YYYY-MM-DD).
    pub box_opens_on: String,
    /// Its last day.
    pub box_closes_on: String,
}

/// A meeting's details corrected by the office before it is held, at the version read.
/// Its members and chair stay (what was fed back to whom rests on them), and so do the
/// box's days: a box reopened after it closed would let its openings date what came.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingEdit {
    /// The version read.
    pub version: i64,
    /// 会议主题.
    pub topic: String,
    /// The day it is held (YYYY-MM-DD): not before the box closes.
    pub held_on: String,
    /// Where.
    pub place: String,
    /// Who attends from above.
    pub attendees: String,
    /// Opinions and criticism read only by the office and the member concerned.
    pub confidential: bool,
}

/// The meeting held (已召开), with its minutes, at the version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Minutes {
    /// The version read.
    pub version: i64,
    /// 会议记录: how it went, as the office writes it.
    pub minutes: String,
    /// The day it was held (YYYY-MM-DD), when not the day planned.
    pub held_on: String,
}

/// A talk (谈心谈话).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TalkInput {
    /// Who held the talk: a member.
    pub talker_id: Option<i64>,
    /// With whom: another member.
    pub listener_id: Option<i64>,
    /// The day (YYYY-MM-DD).
    pub held_on: String,
    /// What was talked about.
    pub topics: String,
    /// What came of it.
    pub outcome: String,
}

/// What was said at the meeting.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RemarkInput {
    /// self_criticism, criticism or upper_remarks.
    pub kind: String,
    /// Who spoke: a member (self-criticism, criticism).
    pub from_member_id: Option<i64>,
    /// Of whom: the member criticised.
    pub to_member_id: Option<i64>,
    /// For the upper level's remarks: who spoke, as written.
    pub speaker: String,
    /// The points (要点).
    pub points: String,
}

/// A meeting's row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct Row {
    pub id: i64,
    pub org_id: i64,
    pub org: String,
    pub topic: String,
    pub held_on: String,
    pub place: Option<String>,
    pub chair_id: i64,
    pub attendees: Option<String>,
    pub state: String,
    pub confidential: i64,
    pub box_key: String,
    pub box_opens_on: String,
    pub box_closes_on: String,
    pub minutes: Option<String>,
    pub inspection_id: Option<i64>,
    pub version: i64,
}

pub(crate) const SELECT: &str = "SELECT m.id, m.org_id, COALESCE(o.short_name, o.name) AS org, \
     m.topic, m.held_on, m.place, m.chair_id, m.attendees, m.state, m.confidential, m.box_key, \
     m.box_opens_on, m.box_closes_on, m.minutes, m.inspection_id, m.version \
     FROM meetings m JOIN units o ON o.id = m.org_id WHERE ";

/// A member of the meeting's leadership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Member {
    /// The person.
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Their title (职务), as the minutes write it.
    pub title: Option<String>,
}

/// A meeting read for a person: its row, members and what they may do.
pub(crate) struct Loaded {
    pub row: Row,
    pub members: Vec<Member>,
    pub rights: MeetingRights,
    pub state: MeetingState,
}

impl Loaded {
    /// The day the meeting is held.
    pub fn held_on(&self) -> StoreResult<NaiveDate> {
        stored_day("held_on", &self.row.held_on)
    }

    /// Whether `user` is one of its members.
    pub fn is_member(&self, user: i64) -> bool {
        self.members.iter().any(|m| m.user_id == user)
    }

    /// The member `id` as chosen on a form (`field`), or an error there.
    pub fn member(&self, c: &mut Checker, field: &str, id: Option<i64>) -> Option<i64> {
        let found = id.filter(|id| self.is_member(*id));
        if found.is_none() {
            c.push(FieldError::because(field, Why::Choose(Choose::Member)));
        }
        found
    }

    /// Refuses a change that needs the office.
    pub fn require_manage(&self) -> StoreResult<()> {
        if self.rights.manage {
            Ok(())
        } else {
            Err(StoreError::refused(Refused::MeetingByOffice))
        }
    }

    /// Refuses what is prepared before the meeting once it is held.
    pub fn require_preparing(&self) -> StoreResult<()> {
        if self.state == MeetingState::Preparing {
            Ok(())
        } else {
            Err(StoreError::because("meeting", Why::Rule(Rule::MeetingPast)))
        }
    }

    /// Refuses what is recorded of the meeting once its problems joined the ledger.
    pub fn require_open(&self) -> StoreResult<()> {
        if self.state == MeetingState::Closed {
            Err(StoreError::because("meeting", Why::Rule(Rule::MeetingPast)))
        } else {
            Ok(())
        }
    }
}

/// A day as stored, or an error naming the column.
pub(crate) fn stored_day(column: &str, value: &str) -> StoreResult<NaiveDate> {
    parse_day(value)
        .ok_or_else(|| StoreError::Other(anyhow::anyhow!("meetings {column} {value:?} is no date")))
}

/// The meeting `id` with the reader's rights, or `NotFound` for who may not read it.
pub(crate) async fn load(conn: &mut AnyConnection, actor: &Actor, id: i64) -> StoreResult<Loaded> {
    require_business(actor)?;
    let mut sql = Sql::new(SELECT);
    sql.push("m.id = ").bind(id);
    let row: Row = sql
        .query_as::<Row>()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let members = members_of(conn, id).await?;
    let is_member = members.iter().any(|m| m.user_id == actor.user.0);
    let rights = actor.meeting_rights(UnitId(row.org_id), is_member, row.confidential != 0);
    if !rights.read {
        return Err(StoreError::NotFound);
    }
    let state = code_of("meetings", "state", &row.state)?;
    Ok(Loaded {
        row,
        members,
        rights,
        state,
    })
}

/// A meeting's members in their order.
pub(crate) async fn members_of(conn: &mut AnyConnection, meeting: i64) -> StoreResult<Vec<Member>> {
    Ok(sqlx::query_as::<_, Member>(
        "SELECT mm.user_id, u.display_name AS name, mm.title FROM meeting_members mm \
         JOIN users u ON u.id = mm.user_id WHERE mm.meeting_id = $1 ORDER BY mm.ordinal",
    )
    .bind(meeting)
    .fetch_all(conn)
    .await?)
}

/// The leaders of `org` who may sit on its meeting: its leaders, the Party secretary
/// among them.
pub async fn leaders(db: &Db, org: UnitId) -> StoreResult<Vec<Member>> {
    Ok(sqlx::query_as::<_, Member>(
        "SELECT u.id AS user_id, u.display_name AS name, NULL AS title FROM users u \
         JOIN units un ON un.id = u.unit_id \
         WHERE (un.org_id = $1 OR un.id = $1) AND u.role = $2 AND u.withdrawn_at IS NULL \
         AND u.disabled = 0 ORDER BY u.id",
    )
    .bind(org.0)
    .bind(Role::Leader.code())
    .fetch_all(db.pool())
    .await?)
}

/// A new public box key: 128 random bits, so that the link cannot be guessed.
fn new_box_key() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Sets up a meeting of the office's organisation.
pub async fn create(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    input: &MeetingInput,
) -> StoreResult<i64> {
    if require_ledger(actor, actor.org, Access::Edit).is_err() {
        require_business(actor)?;
        return Err(StoreError::refused(Refused::MeetingByOffice));
    }
    let leaders = leaders(db, actor.org).await?;
    db.write(async |tx| create_in(tx, change, actor.org, &leaders, input).await)
        .await
}

/// Checks and inserts a meeting of `org` whose leaders are `leaders` (also the demo).
pub async fn create_in(
    tx: &mut Tx,
    change: Change<'_>,
    org: UnitId,
    leaders: &[Member],
    input: &MeetingInput,
) -> StoreResult<i64> {
    let mut c = Checker::default();
    let topic = c.text("topic", &input.topic, 200);
    let held_on = c.date("held_on", &input.held_on);
    let place = c.optional_text("place", &input.place, 200);
    let attendees = c.optional_text("attendees", &input.attendees, 500);
    let opens = c.date("box_opens_on", &input.box_opens_on);
    let closes = c.date("box_closes_on", &input.box_closes_on);
    // Opinions are solicited before the meeting, for the members to answer at it.
    if let (Some(opens), Some(closes)) = (opens, closes)
        && (closes < opens
            || (closes - opens).num_days() >= MAX_BOX_DAYS
            || held_on.is_some_and(|held| closes > held))
    {
        c.push(FieldError::because(
            "box_closes_on",
            Why::Rule(Rule::BoxDays {
                max_days: MAX_BOX_DAYS,
            }),
        ));
    }
    let mut members: Vec<i64> = Vec::new();
    for id in &input.member_ids {
        if !members.contains(id) {
            members.push(*id);
        }
    }
    if members.is_empty()
        || members
            .iter()
            .any(|m| !leaders.iter().any(|l| l.user_id == *m))
    {
        c.push(FieldError::because(
            "member_ids",
            Why::Choose(Choose::Member),
        ));
    }
    let chair = input.chair_id.filter(|id| members.contains(id));
    if chair.is_none() {
        c.push(FieldError::because("chair_id", Why::Choose(Choose::Member)));
    }
    c.finish()?;
    let (Some(held_on), Some(opens), Some(closes), Some(chair)) = (held_on, opens, closes, chair)
    else {
        return Err(StoreError::Other(anyhow::anyhow!(
            "a meeting passed its checks without its dates or chair"
        )));
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meetings (org_id, topic, held_on, place, chair_id, attendees, state, confidential, \
         box_key, box_opens_on, box_closes_on, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(org.0)
    .bind(topic)
    .bind(day(held_on))
    .bind(place)
    .bind(chair)
    .bind(attendees)
    .bind(MeetingState::Preparing.code())
    .bind(i64::from(input.confidential))
    .bind(new_box_key())
    .bind(day(opens))
    .bind(day(closes))
    .bind(stamp(change.at))
    .bind(change.actor.map(|u| u.0))
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Meeting, id).await?;
    for (i, member) in members.iter().enumerate() {
        let row: i64 = sqlx::query_scalar(
            "INSERT INTO meeting_members (meeting_id, user_id, ordinal, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(id)
        .bind(*member)
        .bind(i64::try_from(i).unwrap_or(i64::MAX) + 1)
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, change, Entity::MeetingMember, row).await?;
    }
    Ok(id)
}

/// Corrects a meeting's details: the office, before it is held.
pub async fn edit(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &MeetingEdit,
) -> StoreResult<()> {
    db.write(async |tx| {
        let m = load(tx.conn(), actor, id).await?;
        m.require_manage()?;
        audit::versions::require_current(tx, Entity::Meeting, id, input.version).await?;
        m.require_preparing()?;
        let mut c = Checker::default();
        let topic = c.text("topic", &input.topic, 200);
        let held_on = c.date("held_on", &input.held_on);
        let place = c.optional_text("place", &input.place, 200);
        let attendees = c.optional_text("attendees", &input.attendees, 500);
        let closes = stored_day("box_closes_on", &m.row.box_closes_on)?;
        if held_on.is_some_and(|held| held < closes) {
            c.push(FieldError::because(
                "held_on",
                Why::Rule(Rule::BoxDays {
                    max_days: MAX_BOX_DAYS,
                }),
            ));
        }
        c.finish()?;
        let mut set = Sql::new("topic = ");
        set.bind(topic)
            .push(", held_on = ")
            .bind(held_on.map_or(m.row.held_on.clone(), day))
            .push(", place = ")
            .bind(place)
            .push(", attendees = ")
            .bind(attendees)
            .push(", confidential = ")
            .bind(i64::from(input.confidential));
        audit::versions::update(
            tx,
            change,
            "update",
            Entity::Meeting,
            id,
            input.version,
            &set,
        )
        .await?;
        Ok(())
    })
    .await
}

/// Records the meeting held (已召开) with its minutes, or corrects the minutes of one
/// held: the office, until its problems join the ledger.
pub async fn record_minutes(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Minutes,
) -> StoreResult<()> {
    db.write(async |tx| record_minutes_in(tx, actor, change, id, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn record_minutes_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Minutes,
) -> StoreResult<()> {
    let m = load(tx.conn(), actor, id).await?;
    m.require_manage()?;
    audit::versions::require_current(tx, Entity::Meeting, id, input.version).await?;
    m.require_open()?;
    let mut c = Checker::default();
    let minutes = c.text("minutes", &input.minutes, 20_000);
    let held_on = if input.held_on.trim().is_empty() {
        Some(m.held_on()?)
    } else {
        c.date("held_on", &input.held_on)
    };
    // Recorded once it has happened: its day is the ledger's feedback date.
    if let Some(day) = held_on
        && let Err(e) = zhenggai_domain::happened::check(
            zhenggai_domain::happened::Event::MeetingHeld,
            day,
            zhenggai_domain::clock::china_date(change.at),
        )
    {
        c.push(e.field_error());
    }
    c.finish()?;
    let mut set = Sql::new("state = ");
    set.bind(MeetingState::Held.code())
        .push(", minutes = ")
        .bind(minutes)
        .push(", held_on = ")
        .bind(held_on.map_or(m.row.held_on.clone(), day));
    let action = if m.state == MeetingState::Preparing {
        // The box closes with the meeting: what it still holds is opened now, so
        // that nothing left in it goes unread.
        public_box::open_slips(tx, change, id).await?;
        "hold"
    } else {
        "update"
    };
    audit::versions::update(tx, change, action, Entity::Meeting, id, input.version, &set).await?;
    Ok(())
}

/// Records a talk: the office, or the member who held it, before the meeting.
pub async fn record_talk(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &TalkInput,
) -> StoreResult<i64> {
    db.write(async |tx| record_talk_in(tx, actor, change, meeting, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn record_talk_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &TalkInput,
) -> StoreResult<i64> {
    let m = load(tx.conn(), actor, meeting).await?;
    let own = m.rights.member && input.talker_id == Some(actor.user.0);
    if !m.rights.manage && !own {
        return Err(StoreError::refused(Refused::MeetingByOffice));
    }
    m.require_preparing()?;
    let mut c = Checker::default();
    let talker = m.member(&mut c, "talker_id", input.talker_id);
    let listener = m.member(&mut c, "listener_id", input.listener_id);
    if talker.is_some() && talker == listener {
        c.push(FieldError::because(
            "listener_id",
            Why::Rule(Rule::RemarkMembers),
        ));
    }
    let held_on = c.date("held_on", &input.held_on);
    let topics = c.text("topics", &input.topics, 2000);
    let outcome = c.optional_text("outcome", &input.outcome, 2000);
    c.finish()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO talks (meeting_id, talker_id, listener_id, held_on, topics, outcome, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(meeting)
    .bind(talker)
    .bind(listener)
    .bind(held_on.map(day))
    .bind(topics)
    .bind(outcome)
    .bind(stamp(change.at))
    .bind(actor.user.0)
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Talk, id).await?;
    Ok(id)
}

/// Records what was said at the meeting: the office, once it is held and until its
/// problems join the ledger.
pub async fn record_remark(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &RemarkInput,
) -> StoreResult<i64> {
    db.write(async |tx| record_remark_in(tx, actor, change, meeting, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn record_remark_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &RemarkInput,
) -> StoreResult<i64> {
    let m = load(tx.conn(), actor, meeting).await?;
    m.require_manage()?;
    m.require_open()?;
    let mut c = Checker::default();
    let kind = RemarkKind::from_code(input.kind.trim());
    let points = c.text("points", &input.points, 5000);
    let (mut from, mut to, mut speaker) = (None, None, None);
    match kind {
        None => c.push(FieldError::because("kind", Why::Choose(Choose::RemarkKind))),
        Some(RemarkKind::SelfCriticism) => {
            from = m.member(&mut c, "from_member_id", input.from_member_id);
            to = from;
        }
        Some(RemarkKind::Criticism) => {
            from = m.member(&mut c, "from_member_id", input.from_member_id);
            to = m.member(&mut c, "to_member_id", input.to_member_id);
            if from.is_some() && from == to {
                c.push(FieldError::because(
                    "to_member_id",
                    Why::Rule(Rule::RemarkMembers),
                ));
            }
        }
        Some(RemarkKind::UpperRemarks) => {
            speaker = c.optional_text("speaker", &input.speaker, 200);
            to = input.to_member_id.filter(|id| m.is_member(*id));
        }
    }
    c.finish()?;
    let Some(kind) = kind else {
        return Err(StoreError::Other(anyhow::anyhow!(
            "a remark passed its checks without its kind"
        )));
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meeting_remarks (meeting_id, kind, from_member_id, to_member_id, speaker, points, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(meeting)
    .bind(kind.code())
    .bind(from)
    .bind(to)
    .bind(speaker)
    .bind(points)
    .bind(stamp(change.at))
    .bind(actor.user.0)
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::MeetingRemark, id).await?;
    Ok(id)
}

/// Whether the trail of a meeting's record (`entity`, `id`) is readable by the actor:
/// its meeting is, and the record is one they see on its page.
pub async fn record_readable(db: &Db, actor: &Actor, entity: Entity, id: i64) -> StoreResult<()> {
    let mut conn = db.pool().acquire().await.map_err(anyhow::Error::from)?;
    let meeting: Option<i64> = match entity {
        Entity::Meeting => Some(id),
        _ => {
            let sql = format!("SELECT meeting_id FROM {} WHERE id = $1", entity.table());
            sqlx::query_scalar(&sql)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    let m = load(&mut conn, actor, meeting.ok_or(StoreError::NotFound)?).await?;
    // Any other record is readable as the meeting's page shows it to the reader: the
    // page's rules, in `view`, decide.
    if m.rights.manage || entity == Entity::Meeting {
        return Ok(());
    }
    let view = view::get(db, actor, m.row.id, NaiveDate::MIN).await?;
    let seen = match entity {
        Entity::Opinion => view.opinions.iter().any(|o| o.id == id),
        Entity::Talk => view.talks.iter().any(|t| t.id == id),
        Entity::Material => view.materials.iter().any(|t| t.id == id),
        Entity::MeetingFinding => view.findings.iter().any(|t| t.id == id),
        Entity::MeetingRemark => view.remarks.iter().any(|t| t.id == id),
        _ => false,
    };
    if seen {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// The user id of a member as stored.
pub(crate) fn user(id: Option<i64>) -> Option<UserId> {
    id.map(UserId)
}
