//! 意见箱 — the public opinion box of a meeting (D18): open without login for its days,
//! reached by a link whose key cannot be guessed; anyone leaves an opinion on the
//! leadership or on a member, signed or anonymous, and keeps a receipt number (回执号)
//! to see later how it was handled.
//!
//! Anonymity is kept by what is not stored: a slip holds no account, no address and no
//! time, only its day. The slip waits in the box, outside the trail, until the box has
//! closed and the office opens it (开箱); then every slip becomes an opinion in one
//! transaction, in an order drawn at random, its entry in the trail the office's
//! opening, and the slips (whose table keeps their arrival order) are gone. Until the
//! box closes no one — the office included — learns even how many it holds: a count
//! watched, or a box opened, while it takes opinions would date each one. So nothing
//! in the database or the trail places an anonymous opinion closer than its day, or
//! among what the people of the organisation did that day. The receipt is kept only as
//! its SM3 digest: the database cannot be searched by it, and it names no one.

use chrono::NaiveDate;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use zhenggai_domain::access::Actor;
use zhenggai_domain::clock::china_date;
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::meeting::{
    BoxOpen, MAX_OPINION_CHARS, MeetingState, OpinionCategory, OpinionChannel, OpinionState,
    box_may_be_opened, box_open,
};
use zhenggai_domain::reason::{Choose, Rule};
use zhenggai_domain::validate::{Checker, FieldError, Why};

use super::{Member, load, members_of, stored_day};
use crate::audit::hash::sm3_hex;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::day;
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// What the box's page shows: the meeting, its members, whether it is open.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoxInfo {
    /// The meeting's topic.
    pub topic: String,
    /// Its organisation.
    pub org: String,
    /// The members an opinion may be about.
    pub members: Vec<Member>,
    /// The box's first day.
    #[schema(value_type = String, format = Date)]
    pub opens_on: NaiveDate,
    /// Its last day.
    #[schema(value_type = String, format = Date)]
    pub closes_on: NaiveDate,
    /// Whether it takes opinions today.
    pub open: bool,
}

/// An opinion left in the box.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Submission {
    /// The opinion.
    pub text: String,
    /// The member it is about; null: the leadership as a whole.
    pub about: Option<i64>,
    /// political, ideological, work, style, integrity or other.
    pub category: String,
    /// Anonymous: nothing that names the submitter is kept.
    pub anonymous: bool,
    /// The name (and, if they wish, a way to reach them) of one who signs.
    pub signed: String,
}

/// How an opinion was handled, as its receipt shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReceiptStatus {
    /// The meeting's topic.
    pub topic: String,
    /// The day it was left.
    #[schema(value_type = String, format = Date)]
    pub received_on: NaiveDate,
    /// Where it is.
    pub standing: ReceiptStanding,
    /// The member it was fed back to, once sorted (None: the leadership).
    pub member: Option<String>,
    /// The day that member acknowledged it.
    #[schema(value_type = Option<String>, format = Date)]
    pub acknowledged_on: Option<NaiveDate>,
    /// What it became in the rectification ledger.
    pub problems: Vec<ReceiptProblem>,
}

/// Where an opinion left in the box stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStanding {
    /// In the box, not yet opened.
    InBox,
    /// Opened; being sorted.
    Opened,
    /// Fed back to a member or the leadership.
    FedBack,
    /// Acknowledged by the member.
    Acknowledged,
    /// The same as another opinion, handled with it.
    Merged,
}

impl ReceiptStanding {
    /// A short code for the page.
    pub fn code(self) -> &'static str {
        match self {
            Self::InBox => "in_box",
            Self::Opened => "opened",
            Self::FedBack => "fed_back",
            Self::Acknowledged => "acknowledged",
            Self::Merged => "merged",
        }
    }
}

/// A problem of the ledger an opinion led to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReceiptProblem {
    /// The problem as the meeting named it.
    pub problem: String,
    /// The measure committed to.
    pub measure: String,
    /// Its state in the ledger, once carried.
    pub state: Option<ProblemState>,
}

#[derive(sqlx::FromRow)]
struct BoxRow {
    id: i64,
    topic: String,
    org: String,
    state: String,
    box_opens_on: String,
    box_closes_on: String,
}

async fn box_row(db: &Db, key: &str) -> StoreResult<BoxRow> {
    // A key of another shape is no box: not looked up.
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::NotFound);
    }
    sqlx::query_as::<_, BoxRow>(
        "SELECT m.id, m.topic, COALESCE(o.short_name, o.name) AS org, m.state, m.box_opens_on, \
         m.box_closes_on FROM meetings m JOIN units o ON o.id = m.org_id WHERE m.box_key = $1",
    )
    .bind(key)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)
}

impl BoxRow {
    fn open(&self, today: NaiveDate) -> StoreResult<BoxOpen> {
        let state: MeetingState = code_of("meetings", "state", &self.state)?;
        Ok(box_open(
            state,
            stored_day("box_opens_on", &self.box_opens_on)?,
            stored_day("box_closes_on", &self.box_closes_on)?,
            today,
        ))
    }
}

/// The box of link `key`, or `NotFound`.
pub async fn info(db: &Db, key: &str, today: NaiveDate) -> StoreResult<BoxInfo> {
    let row = box_row(db, key).await?;
    let mut conn = db.pool().acquire().await.map_err(anyhow::Error::from)?;
    let members = members_of(&mut conn, row.id).await?;
    Ok(BoxInfo {
        open: row.open(today)? == BoxOpen::Open,
        opens_on: stored_day("box_opens_on", &row.box_opens_on)?,
        closes_on: stored_day("box_closes_on", &row.box_closes_on)?,
        topic: row.topic,
        org: row.org,
        members,
    })
}

/// Crockford's base32: no I, L, O or U to misread.
const RECEIPT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new receipt number: 80 random bits as four groups of four (7KQ2-M9XD-4HRT-WC3P).
fn new_receipt() -> String {
    let bits: u128 = rand::random::<u128>() >> 48;
    let chars: Vec<char> = (0..16)
        .map(|i| char::from(RECEIPT_ALPHABET[((bits >> (5 * (15 - i))) & 31) as usize]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A receipt as typed, read as issued: case, spaces and dashes ignored, and the letters
/// people mistake for digits read as them. None when it cannot be one.
pub fn normalise_receipt(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(16);
    for ch in typed.chars() {
        if ch == '-' || ch.is_whitespace() {
            continue;
        }
        let ch = match ch.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !RECEIPT_ALPHABET.contains(&(ch as u8)) || !ch.is_ascii() || out.len() >= 16 {
            return None;
        }
        out.push(ch);
    }
    (out.len() == 16).then_some(out)
}

/// What is kept of a receipt: its digest.
fn receipt_digest(normalised: &str) -> String {
    sm3_hex(normalised.as_bytes())
}

/// Leaves an opinion in the box of link `key` on `today`; answers its receipt number.
/// Nothing but the opinion, its category and member, its day and — when signed — the
/// name given is kept.
pub async fn submit(
    db: &Db,
    key: &str,
    today: NaiveDate,
    input: &Submission,
) -> StoreResult<String> {
    let row = box_row(db, key).await?;
    match row.open(today)? {
        BoxOpen::Open => {}
        BoxOpen::NotYet(opens) => {
            return Err(StoreError::because(
                "box",
                Why::Rule(Rule::BoxNotYetOpen { opens }),
            ));
        }
        BoxOpen::Closed(closed) => {
            return Err(StoreError::because(
                "box",
                Why::Rule(Rule::BoxClosed { closed }),
            ));
        }
    }
    db.write(async |tx| leave_in(tx, row.id, today, input).await)
        .await
}

/// Leaves an opinion in the box of meeting `meeting` on `today`, inside a transaction the
/// caller commits (also the demo loader); the box's days are the caller's to check.
pub async fn leave_in(
    tx: &mut Tx,
    meeting: i64,
    today: NaiveDate,
    input: &Submission,
) -> StoreResult<String> {
    let members = members_of(tx.conn(), meeting).await?;
    let mut c = Checker::default();
    let text = c.text("text", &input.text, MAX_OPINION_CHARS);
    let category = OpinionCategory::from_code(input.category.trim());
    if category.is_none() {
        c.push(FieldError::because(
            "category",
            Why::Choose(Choose::OpinionCategory),
        ));
    }
    // None is the leadership; any other value must be one of its members.
    let about = input.about;
    if about.is_some_and(|id| !members.iter().any(|m| m.user_id == id)) {
        c.push(FieldError::because("about", Why::Choose(Choose::Member)));
    }
    let signed = if input.anonymous {
        None
    } else {
        Some(c.text("signed", &input.signed, 100))
    };
    c.finish()?;
    let category = category.unwrap_or(OpinionCategory::Other);
    let receipt = new_receipt();
    let digest = receipt_digest(&receipt.replace('-', ""));
    sqlx::query(
        "INSERT INTO box_slips (meeting_id, receipt_digest, received_on, category, about_member_id, \
         text, anonymous, signed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(meeting)
    .bind(&digest)
    .bind(day(today))
    .bind(category.code())
    .bind(about)
    .bind(&text)
    .bind(i64::from(input.anonymous))
    .bind(signed.as_deref())
    .execute(tx.conn())
    .await?;
    Ok(receipt)
}

#[derive(sqlx::FromRow)]
struct SlipRow {
    meeting_id: i64,
    receipt_digest: String,
    received_on: String,
    category: String,
    about_member_id: Option<i64>,
    text: String,
    anonymous: i64,
    signed: Option<String>,
}

/// Opens the box (开箱): every slip waiting becomes an opinion to sort, in an order
/// drawn at random, recorded as the office's opening. The office, before the meeting.
/// Answers how many were opened.
pub async fn open(db: &Db, actor: &Actor, change: Change<'_>, meeting: i64) -> StoreResult<usize> {
    db.write(async |tx| open_in(tx, actor, change, meeting).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn open_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
) -> StoreResult<usize> {
    let m = load(tx.conn(), actor, meeting).await?;
    m.require_manage()?;
    m.require_preparing()?;
    let closes = stored_day("box_closes_on", &m.row.box_closes_on)?;
    if !box_may_be_opened(m.state, closes, china_date(change.at)) {
        return Err(StoreError::because(
            "box",
            Why::Rule(Rule::BoxStillOpen { closes }),
        ));
    }
    open_slips(tx, change, meeting).await
}

/// The box closed early, at the meeting's version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BoxClosing {
    /// The meeting's version read.
    pub version: i64,
}

/// Ends the solicitation early (截止征求意见): the box's last day becomes yesterday, so
/// that it takes no more and may be opened. The office, before the meeting; a box
/// already closed stays as it is.
pub async fn close(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &BoxClosing,
) -> StoreResult<()> {
    let version = input.version;
    db.write(async |tx| {
        let m = load(tx.conn(), actor, meeting).await?;
        m.require_manage()?;
        audit::versions::require_current(tx, Entity::Meeting, meeting, version).await?;
        m.require_preparing()?;
        let today = china_date(change.at);
        let closes = stored_day("box_closes_on", &m.row.box_closes_on)?;
        let yesterday = today - chrono::Duration::days(1);
        if closes <= yesterday {
            return Ok(());
        }
        let mut set = crate::db::sql::Sql::new("box_closes_on = ");
        set.bind(day(yesterday));
        audit::versions::update(
            tx,
            change,
            "close_box",
            Entity::Meeting,
            meeting,
            version,
            &set,
        )
        .await?;
        Ok(())
    })
    .await
}

/// Opens what the box holds, for a caller that checked the office and the meeting.
pub(crate) async fn open_slips(
    tx: &mut Tx,
    change: Change<'_>,
    meeting: i64,
) -> StoreResult<usize> {
    let mut slips: Vec<SlipRow> = sqlx::query_as(
        "SELECT meeting_id, receipt_digest, received_on, category, about_member_id, text, \
         anonymous, signed FROM box_slips WHERE meeting_id = $1",
    )
    .bind(meeting)
    .fetch_all(tx.conn())
    .await?;
    slips.shuffle(&mut rand::thread_rng());
    for slip in &slips {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO opinions (meeting_id, channel, category, text, received_on, anonymous, signed, \
             state, member_id, receipt_digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(slip.meeting_id)
        .bind(OpinionChannel::Box.code())
        .bind(&slip.category)
        .bind(&slip.text)
        .bind(&slip.received_on)
        .bind(slip.anonymous)
        .bind(slip.signed.as_deref())
        .bind(OpinionState::New.code())
        .bind(slip.about_member_id)
        .bind(&slip.receipt_digest)
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, change, Entity::Opinion, id).await?;
    }
    // The slips were the envelopes: what they held is now the opinions, in the trail.
    // Kept, their order (the table's own, by arrival) would undo the shuffle.
    sqlx::query("DELETE FROM box_slips WHERE meeting_id = $1")
        .bind(meeting)
        .execute(tx.conn())
        .await?;
    Ok(slips.len())
}

/// How the opinion with `receipt` in the box of link `key` was handled; `NotFound` for
/// a receipt of no opinion there.
pub async fn status(db: &Db, key: &str, receipt: &str) -> StoreResult<ReceiptStatus> {
    let row = box_row(db, key).await?;
    let normalised = normalise_receipt(receipt).ok_or(StoreError::NotFound)?;
    let digest = receipt_digest(&normalised);
    let in_box: Option<String> = sqlx::query_scalar(
        "SELECT received_on FROM box_slips WHERE meeting_id = $1 AND receipt_digest = $2",
    )
    .bind(row.id)
    .bind(&digest)
    .fetch_optional(db.pool())
    .await?;
    let opened: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, received_on FROM opinions WHERE meeting_id = $1 AND receipt_digest = $2",
    )
    .bind(row.id)
    .bind(&digest)
    .fetch_optional(db.pool())
    .await?;
    let (received_on, opinion) = match (in_box, opened) {
        (_, Some((id, on))) => (on, Some(id)),
        (Some(on), None) => (on, None),
        (None, None) => return Err(StoreError::NotFound),
    };
    let mut status = ReceiptStatus {
        topic: row.topic,
        received_on: stored_day("received_on", &received_on)?,
        standing: ReceiptStanding::InBox,
        member: None,
        acknowledged_on: None,
        problems: Vec::new(),
    };
    let Some(mut opinion) = opinion else {
        return Ok(status);
    };
    // A merged opinion is handled as the one it was merged into.
    let mut merged = false;
    let (state, member, acknowledged_on) = loop {
        let (state, member, acknowledged_on, into): (
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
        ) = sqlx::query_as(
            "SELECT o.state, u.display_name, o.acknowledged_on, o.merged_into FROM opinions o \
                 LEFT JOIN users u ON u.id = o.member_id WHERE o.id = $1",
        )
        .bind(opinion)
        .fetch_one(db.pool())
        .await?;
        match into {
            Some(into) if !merged => {
                merged = true;
                opinion = into;
            }
            _ => break (state, member, acknowledged_on),
        }
    };
    let state: OpinionState = code_of("opinions", "state", &state)?;
    status.standing = match state {
        _ if merged => ReceiptStanding::Merged,
        OpinionState::New | OpinionState::Merged => ReceiptStanding::Opened,
        OpinionState::Sorted => ReceiptStanding::FedBack,
        OpinionState::Acknowledged => ReceiptStanding::Acknowledged,
    };
    if state.fed_back() {
        status.member = member;
        status.acknowledged_on = acknowledged_on
            .as_deref()
            .and_then(crate::db::sql::parse_day);
    }
    let problems: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT f.problem, f.measure, p.state FROM meeting_findings f LEFT JOIN problems p ON p.id = f.problem_id \
         WHERE f.opinion_id = $1 AND f.withdrawn_at IS NULL ORDER BY f.id",
    )
    .bind(opinion)
    .fetch_all(db.pool())
    .await?;
    for (problem, measure, state) in problems {
        status.problems.push(ReceiptProblem {
            problem,
            measure,
            state: match state {
                Some(s) => Some(code_of("problems", "state", &s)?),
                None => None,
            },
        });
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_reads_back_however_it_is_typed() {
        for _ in 0..200 {
            let r = new_receipt();
            assert_eq!(r.len(), 19, "{r}");
            let plain = r.replace('-', "");
            assert_eq!(normalise_receipt(&r).as_deref(), Some(plain.as_str()));
            assert_eq!(
                normalise_receipt(&r.to_lowercase()).as_deref(),
                Some(plain.as_str())
            );
            assert_eq!(
                normalise_receipt(&format!(" {plain} ")).as_deref(),
                Some(plain.as_str())
            );
        }
        assert_eq!(
            normalise_receipt("oooo-iiii-llll-0000").as_deref(),
            Some("0000111111110000")
        );
        assert_eq!(normalise_receipt("UUUU-0000-0000-0000"), None);
        assert_eq!(normalise_receipt("0000-0000-0000"), None);
        assert_eq!(normalise_receipt("0000-0000-0000-00000"), None);
        assert_eq!(normalise_receipt("０000-0000-0000-0000"), None);
    }
}
