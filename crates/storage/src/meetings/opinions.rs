//! 征求意见 (D18): the opinions a meeting collects — opened from the public box, or
//! recorded by the office from a letter, a forum (座谈会) or the mailbox — sorted by the
//! office to the leadership or to a member, duplicates merged, a summary written, and
//! fed back to each member "原汁原味", who acknowledges them (阅知).

use serde::Deserialize;
use zhenggai_domain::access::Actor;
use zhenggai_domain::meeting::{MAX_OPINION_CHARS, OpinionCategory, OpinionChannel, OpinionState};
use zhenggai_domain::reason::{Choose, Rule};
use zhenggai_domain::validate::{Checker, FieldError, Why};

use super::load;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// An opinion the office records from a letter, a forum or the mailbox.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OpinionInput {
    /// letter, forum or mailbox (the box's come by themselves).
    pub channel: String,
    /// political, ideological, work, style, integrity or other.
    pub category: String,
    /// Its words, as written or said.
    pub text: String,
    /// The member it is about (None: the leadership).
    pub about_member_id: Option<i64>,
    /// The day received (YYYY-MM-DD).
    pub received_on: String,
    /// Who gave it, if they gave their name.
    pub signed: String,
}

/// An opinion sorted (梳理) to a member or the leadership, at the version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Sorting {
    /// The version read.
    pub version: i64,
    /// The member it is fed back to; None: the leadership as a whole.
    pub member_id: Option<i64>,
    /// The office's summary of it (归纳).
    pub summary: String,
}

/// An opinion merged into another that says the same (合并), at the version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Merge {
    /// The version read.
    pub version: i64,
    /// The opinion it is merged into.
    pub into: i64,
}

/// An opinion acknowledged by its member (阅知), at the version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Acknowledgement {
    /// The version read.
    pub version: i64,
}

/// Records an opinion that came by letter, forum or mailbox: the office, before the
/// meeting.
pub async fn record(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &OpinionInput,
) -> StoreResult<i64> {
    db.write(async |tx| record_in(tx, actor, change, meeting, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn record_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &OpinionInput,
) -> StoreResult<i64> {
    let m = load(tx.conn(), actor, meeting).await?;
    m.require_manage()?;
    m.require_preparing()?;
    let mut c = Checker::default();
    let channel =
        OpinionChannel::from_code(input.channel.trim()).filter(|ch| *ch != OpinionChannel::Box);
    if channel.is_none() {
        c.push(FieldError::because(
            "channel",
            Why::Choose(Choose::OpinionChannel),
        ));
    }
    let category = OpinionCategory::from_code(input.category.trim());
    if category.is_none() {
        c.push(FieldError::because(
            "category",
            Why::Choose(Choose::OpinionCategory),
        ));
    }
    let text = c.text("text", &input.text, MAX_OPINION_CHARS);
    let about = match input.about_member_id.filter(|id| *id > 0) {
        Some(id) => m.member(&mut c, "about_member_id", Some(id)),
        None => None,
    };
    let received_on = c.date("received_on", &input.received_on);
    if let Some(on) = received_on
        && on > zhenggai_domain::clock::china_date(change.at)
    {
        c.push(FieldError::because(
            "received_on",
            Why::Rule(Rule::WorkAhead),
        ));
    }
    let signed = c.optional_text("signed", &input.signed, 100);
    c.finish()?;
    let (Some(channel), Some(category)) = (channel, category) else {
        return Err(StoreError::Other(anyhow::anyhow!(
            "an opinion passed its checks without channel or category"
        )));
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO opinions (meeting_id, channel, category, text, received_on, anonymous, signed, \
         state, member_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(meeting)
    .bind(channel.code())
    .bind(category.code())
    .bind(text)
    .bind(received_on.map(day))
    .bind(i64::from(signed.is_none()))
    .bind(signed)
    .bind(OpinionState::New.code())
    .bind(about)
    .bind(stamp(change.at))
    .bind(actor.user.0)
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Opinion, id).await?;
    Ok(id)
}

/// One opinion's meeting, state and member, for a change.
struct Target {
    meeting: i64,
    state: OpinionState,
    member: Option<i64>,
}

async fn target(tx: &mut Tx, id: i64) -> StoreResult<Target> {
    let row: Option<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT meeting_id, state, member_id FROM opinions WHERE id = $1")
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
    let (meeting, state, member) = row.ok_or(StoreError::NotFound)?;
    Ok(Target {
        meeting,
        state: code_of("opinions", "state", &state)?,
        member,
    })
}

/// An opinion the office is about to change at `version`, with its meeting: refused to
/// anyone else who reads the meeting, answered with the other change when stale, and
/// refused once the meeting's problems joined the ledger.
async fn office_changes(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    version: i64,
) -> StoreResult<(Target, super::Loaded)> {
    let t = target(tx, id).await?;
    let m = load(tx.conn(), actor, t.meeting).await?;
    m.require_manage()?;
    audit::versions::require_current(tx, Entity::Opinion, id, version).await?;
    m.require_open()?;
    Ok((t, m))
}

/// Sorts an opinion to a member or the leadership, with the office's summary, feeding it
/// back: the office, before the meeting. Sorting again moves it, until acknowledged.
pub async fn sort(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Sorting,
) -> StoreResult<()> {
    db.write(async |tx| sort_in(tx, actor, change, id, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn sort_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Sorting,
) -> StoreResult<()> {
    let (t, m) = office_changes(tx, actor, id, input.version).await?;
    let mut c = Checker::default();
    let member = match input.member_id.filter(|id| *id > 0) {
        Some(id) => m.member(&mut c, "member_id", Some(id)),
        None => None,
    };
    let summary = c.optional_text("summary", &input.summary, 1000);
    if matches!(t.state, OpinionState::Acknowledged | OpinionState::Merged) {
        c.push(FieldError::because(
            "member_id",
            Why::Rule(Rule::MeetingPast),
        ));
    }
    c.finish()?;
    let mut set = Sql::new("state = ");
    set.bind(OpinionState::Sorted.code())
        .push(", member_id = ")
        .bind(member)
        .push(", summary = ")
        .bind(summary);
    audit::versions::update(tx, change, "sort", Entity::Opinion, id, input.version, &set).await?;
    Ok(())
}

/// Merges an opinion into another of the meeting that says the same: the office. The
/// merged one stays, marked, and is counted once.
pub async fn merge(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Merge,
) -> StoreResult<()> {
    db.write(async |tx| {
        let (t, _) = office_changes(tx, actor, id, input.version).await?;
        let into = target(tx, input.into).await.ok();
        let fits = input.into != id
            && into
                .as_ref()
                .is_some_and(|i| i.meeting == t.meeting && i.state != OpinionState::Merged)
            && t.state != OpinionState::Acknowledged;
        if !fits {
            return Err(StoreError::because("into", Why::Rule(Rule::MergeTarget)));
        }
        let mut set = Sql::new("state = ");
        set.bind(OpinionState::Merged.code())
            .push(", merged_into = ")
            .bind(input.into);
        audit::versions::update(
            tx,
            change,
            "merge",
            Entity::Opinion,
            id,
            input.version,
            &set,
        )
        .await?;
        Ok(())
    })
    .await
}

/// The member acknowledges an opinion fed back to them (阅知).
pub async fn acknowledge(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Acknowledgement,
) -> StoreResult<()> {
    db.write(async |tx| acknowledge_in(tx, actor, change, id, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn acknowledge_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &Acknowledgement,
) -> StoreResult<()> {
    let t = target(tx, id).await?;
    let m = load(tx.conn(), actor, t.meeting).await?;
    let fed_back = t.state.fed_back();
    if !m
        .rights
        .sees_opinion(actor.user, super::user(t.member), fed_back)
    {
        return Err(StoreError::NotFound);
    }
    if !(m.rights.member && t.member == Some(actor.user.0)) {
        return Err(StoreError::because(
            "opinion",
            Why::Rule(Rule::NotToAcknowledge),
        ));
    }
    audit::versions::require_current(tx, Entity::Opinion, id, input.version).await?;
    if t.state != OpinionState::Sorted {
        return Err(StoreError::because(
            "opinion",
            Why::Rule(Rule::NotToAcknowledge),
        ));
    }
    let mut set = Sql::new("state = ");
    set.bind(OpinionState::Acknowledged.code())
        .push(", acknowledged_on = ")
        .bind(day(zhenggai_domain::clock::china_date(change.at)));
    audit::versions::update(
        tx,
        change,
        "acknowledge",
        Entity::Opinion,
        id,
        input.version,
        &set,
    )
    .await?;
    Ok(())
}
