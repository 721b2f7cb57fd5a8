//! An audit entry as a person reads it: the action and the states in words, each field
//! by its label, each id by the name of what it points to (linked where the reader may
//! go), instants in Beijing time. The raw entry stays beside it for the CSV.

use std::collections::HashMap;

use serde_json::Value;
use zhenggai_domain::Role;
use zhenggai_domain::deadline::{DeadlineKind, Precision};
use zhenggai_domain::escalation::NoticeKind;
use zhenggai_domain::inspection::{InspectionKind, ProblemSource};
// The lifecycle's steps: their words are `Tr::act`.
use zhenggai_domain::lifecycle::ACTION_CODES as STEPS;
use zhenggai_domain::reminder::RobotKind;
use zhenggai_domain::warning::{Colour, Recipient};
use zhenggai_storage::StoreError;
use zhenggai_storage::audit::trail;
use zhenggai_storage::audit::{Entity, trail::AuditEntry};

use crate::i18n::Tr;
use crate::state::App;

/// The other changes to the ledger's records the trail holds (their words are the
/// `aud_…` texts).
const CHANGES: [&str; 16] = [
    "create",
    "update",
    "withdraw",
    "progress",
    "done",
    "freeze_baseline",
    "file_plan",
    "conclude",
    "send_back",
    "hold",
    "sort",
    "merge",
    "acknowledge",
    "finalise",
    "carry",
    "close_box",
];

/// The changes to accounts and the trail's own key: only the whole trail holds them.
const ACCOUNT_CHANGES: [&str; 6] = [
    "set_role",
    "set_password",
    "disable",
    "enable",
    "revoke",
    "key",
];

/// Every action code a trail holds, steps first: the action filter's choices. The
/// trail of one ledger record holds no change to an account.
pub fn actions(whole: bool) -> impl Iterator<Item = &'static str> {
    let accounts: &'static [&'static str] = if whole { &ACCOUNT_CHANGES } else { &[] };
    STEPS
        .into_iter()
        .chain(CHANGES)
        .chain(accounts.iter().copied())
}

/// An action in words; a code without words (written by a newer version) as it is.
pub fn action(t: &Tr, code: &str) -> String {
    if STEPS.contains(&code) {
        return t.act(code).to_string();
    }
    match t.s(&format!("aud_{code}")) {
        "—" => code.to_string(),
        words => words.to_string(),
    }
}

/// What a kind of record is called ("问题", "整改措施").
pub fn entity(t: &Tr, table: &str) -> String {
    match t.s(&format!("ent_{table}")) {
        "—" => table.to_string(),
        words => words.to_string(),
    }
}

/// A field's label in `table`: its own where the same column means another thing
/// there (a petition's number, a meeting's state), else [`field`].
pub fn field_in(t: &Tr, table: &str, column: &str) -> String {
    match t.s(&format!("fld_{table}_{column}")) {
        "—" => field(t, column),
        words => words.to_string(),
    }
}

/// A field's label ("牵头单位" for `lead_unit_id`); a column without one as it is.
pub fn field(t: &Tr, column: &str) -> String {
    match t.s(&format!("fld_{column}")) {
        "—" => column.to_string(),
        words => words.to_string(),
    }
}

/// A value as shown, linked when it names a record the reader may open.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// What the reader reads.
    pub text: String,
    /// Where it leads.
    pub href: Option<String>,
}

impl Shown {
    fn text(text: impl Into<String>) -> Shown {
        Shown {
            text: text.into(),
            href: None,
        }
    }
}

/// One changed field.
#[derive(Debug, Clone)]
pub struct FieldLine {
    /// Whether the page shows it (the record's number, its creation time and a state
    /// said in the transition are not worth a line; the CSV has every field).
    pub shown: bool,
    /// Its label.
    pub label: String,
    /// Before; `None` when the record was created.
    pub was: Option<Shown>,
    /// After.
    pub now: Shown,
}

/// One entry as read.
#[derive(Debug, Clone)]
pub struct Line {
    /// Its number in the trail.
    pub id: i64,
    /// When, in Beijing time.
    pub at: String,
    /// Who, or the system.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// What kind of record.
    pub kind: String,
    /// Which record.
    pub record: Shown,
    /// The state it went from and to ("已认领 → 方案待审定").
    pub transition: Option<(String, String)>,
    /// Why, when said.
    pub reason: Option<String>,
    /// The fields changed, in the order of the entry's.
    pub changes: Vec<FieldLine>,
    /// The entry as stored, for the CSV's raw columns.
    pub raw: AuditEntry,
}

/// Columns not worth a line: the record's own number, and its creation time, which is
/// the entry's own time.
const UNSHOWN: [&str; 4] = ["id", "created_at", "receipt_digest", "box_key"];

/// Columns holding a secret's digest only (`audit::SECRETS`).
const SECRET: [&str; 4] = ["password_hash", "token_hash", "robot_url", "robot_secret"];

/// Yes/no columns.
const FLAGS: [&str; 8] = [
    "confidential",
    "anonymous",
    "disabled",
    "not_public",
    "must_change_password",
    "three_party",
    "email_on",
    "slow",
];

/// The record an id column points to, in a row of `table`; `outcome` is the row's
/// outcome kind (an outcome link's `outcome_id` points by it).
fn points_to(table: &str, column: &str, outcome: Option<&str>) -> Option<Entity> {
    Some(match column {
        "parent_id" | "org_id" | "unit_id" | "lead_unit_id" | "handling_unit_id" => Entity::Unit,
        "petition_id" => Entity::Petition,
        "withdrawn_by" | "created_by" | "author_id" | "uploaded_by" | "actor_id"
        | "requested_by" | "decided_by" | "issued_by" | "submitted_by" | "leader_id"
        | "secretary_id" | "user_id" | "chair_id" | "member_id" | "talker_id" | "listener_id"
        | "from_member_id" | "to_member_id" => Entity::User,
        "meeting_id" => Entity::Meeting,
        "opinion_id" | "merged_into" => Entity::Opinion,
        "remark_id" => Entity::MeetingRemark,
        "inspection_id" => Entity::Inspection,
        "aspect_id" => Entity::Aspect,
        "item_id" => Entity::Item,
        "problem_id" => Entity::Problem,
        "measure_id" => Entity::Measure,
        "progress_id" => Entity::Progress,
        "event_id" => Entity::ProblemEvent,
        "round_id" if table == "lookback_items" => Entity::LookbackRound,
        "round_id" if table == "round_findings" => Entity::SupervisionRound,
        "outcome_id" => match outcome? {
            "accountability" => Entity::Accountability,
            "institution" => Entity::Institution,
            "recovery" => Entity::Recovery,
            _ => return None,
        },
        _ => return None,
    })
}

/// The unit ids of a `units_in_charge` value ("[12,10,13]").
fn unit_list(v: &Value) -> Vec<i64> {
    match v {
        Value::String(s) => serde_json::from_str::<Vec<i64>>(s).unwrap_or_default(),
        Value::Array(a) => a.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    }
}

/// The records the entries point to: each entry's own, and those its fields name.
pub fn pointed_to<'e>(entries: impl IntoIterator<Item = &'e AuditEntry>) -> Vec<(Entity, i64)> {
    let mut wanted = Vec::new();
    for e in entries {
        if let Some(entity) = Entity::from_table(&e.entity) {
            wanted.push((entity, e.entity_id));
        }
        let outcome = outcome_of(e);
        for c in &e.changes {
            if c.field == "units_in_charge" {
                for v in [&c.was, &c.now] {
                    wanted.extend(unit_list(v).into_iter().map(|id| (Entity::Unit, id)));
                }
                continue;
            }
            if let Some(to) = points_to(&e.entity, &c.field, outcome.as_deref()) {
                wanted.extend(
                    [&c.was, &c.now]
                        .into_iter()
                        .filter_map(Value::as_i64)
                        .map(|id| (to, id)),
                );
            }
        }
    }
    wanted
}

/// Turns entries into lines for a reader of `role`, with the names of the records
/// they point to.
pub struct Reader {
    t: Tr,
    role: Role,
    names: HashMap<(Entity, i64), String>,
}

impl Reader {
    /// Reads the names of the records `wanted` (see [`pointed_to`]) in a few queries.
    pub async fn new(
        app: &App,
        t: Tr,
        role: Role,
        wanted: Vec<(Entity, i64)>,
    ) -> Result<Reader, StoreError> {
        Ok(Reader {
            t,
            role,
            names: trail::names(&app.db, wanted).await?,
        })
    }

    /// Where a record's name leads: a supervisor to the ledger's pages, the audit
    /// administrator (who reads no ledger) to the record's trail.
    fn href(&self, entity: Entity, id: i64) -> Option<String> {
        match self.role {
            Role::AuditAdmin => Some(format!("/records/{}/{id}/trail", entity.table())),
            r if r.reads_business_data() => match entity {
                Entity::Inspection => Some(format!("/inspections/{id}")),
                Entity::Problem => Some(format!("/problems/{id}")),
                Entity::Measure => Some(format!("/measures/{id}")),
                _ => None,
            },
            _ => None,
        }
    }

    /// A record by its name; one without a name (gone, or never there) by its kind and
    /// number, which is then all there is to say.
    pub fn named(&self, entity: Entity, id: i64) -> Shown {
        match self.names.get(&(entity, id)) {
            Some(name) if !name.trim().is_empty() => Shown {
                text: name.clone(),
                href: self.href(entity, id),
            },
            _ => Shown::text(format!("{} {id}", entity_label(&self.t, entity))),
        }
    }

    /// One entry as read.
    pub fn line(&self, e: AuditEntry) -> Line {
        let t = &self.t;
        let record = match Entity::from_table(&e.entity) {
            Some(entity) => self.named(entity, e.entity_id),
            None => Shown::text(entity(t, &e.entity)),
        };
        let outcome = outcome_of(&e);
        let state_of = |field: &str| {
            e.changes
                .iter()
                .find(|c| c.field == field)
                .map(|c| (c.was.as_str(), c.now.as_str()))
        };
        let mut transition = match (e.entity.as_str(), state_of("state")) {
            ("problems" | "measures", Some((Some(was), Some(now)))) => {
                Some((state(t, &e.entity, was), state(t, &e.entity, now)))
            }
            _ => None,
        };
        if e.entity == "problem_events"
            && let (Some((_, Some(from))), Some((_, Some(to)))) =
                (state_of("from_state"), state_of("to_state"))
        {
            transition = Some((state(t, "problems", from), state(t, "problems", to)));
        }
        let changes = e
            .changes
            .iter()
            .map(|c| FieldLine {
                shown: !(UNSHOWN.contains(&c.field.as_str())
                    || (transition.is_some() && c.field == "state")),
                label: field_in(t, &e.entity, &c.field),
                was: (!e.action.eq("create") || !c.was.is_null())
                    .then(|| self.value(&e.entity, &c.field, &c.was, outcome.as_deref())),
                now: self.value(&e.entity, &c.field, &c.now, outcome.as_deref()),
            })
            .collect();
        Line {
            id: e.id,
            at: t.when(&e.at),
            actor: e.actor.clone().unwrap_or_else(|| t.system().to_string()),
            action: action(t, &e.action),
            kind: entity(t, &e.entity),
            record,
            transition,
            reason: e.reason.clone(),
            changes,
            raw: e,
        }
    }

    /// A field's value in words.
    fn value(&self, table: &str, column: &str, v: &Value, outcome: Option<&str>) -> Shown {
        let t = &self.t;
        if SECRET.contains(&column) {
            return Shown::text(if v.is_null() {
                t.trail_empty_value()
            } else {
                t.trail_secret_changed()
            });
        }
        if v.is_null() {
            return Shown::text(t.trail_empty_value());
        }
        if column == "units_in_charge" {
            let units = unit_list(v);
            if units.is_empty() {
                return Shown::text(t.trail_empty_value());
            }
            let names: Vec<String> = units
                .into_iter()
                .map(|id| self.named(Entity::Unit, id).text)
                .collect();
            return Shown::text(names.join("、"));
        }
        if let (Some(to), Some(id)) = (points_to(table, column, outcome), v.as_i64()) {
            return self.named(to, id);
        }
        if FLAGS.contains(&column) {
            let yes = matches!(v, Value::Bool(true)) || v.as_i64().is_some_and(|n| n != 0);
            return Shown::text(if yes { t.trail_yes() } else { t.trail_no() });
        }
        match (column, v) {
            ("amount_fen", Value::Number(n)) => {
                if let Some(fen) = n.as_i64() {
                    return Shown::text(t.yuan(fen));
                }
            }
            ("size", Value::Number(n)) => {
                if let Some(bytes) = n.as_i64() {
                    return Shown::text(t.size(bytes));
                }
            }
            ("weekday", Value::Number(n)) => {
                if let Some(words) = n.as_i64().and_then(|d| t.weekday(d)) {
                    return Shown::text(words);
                }
            }
            _ => {}
        }
        let Some(s) = v.as_str() else {
            return Shown::text(v.to_string());
        };
        if let Some(words) = code_words(t, table, column, s) {
            return Shown::text(words);
        }
        if (column == "at" || column.ends_with("_at"))
            && zhenggai_storage::db::sql::parse_stamp(s).is_some()
        {
            return Shown::text(t.when(s));
        }
        Shown::text(s)
    }
}

/// An outcome link's kind, which says what its `outcome_id` is.
fn outcome_of(e: &AuditEntry) -> Option<String> {
    (e.entity == "outcome_links")
        .then(|| e.changes.iter().find(|c| c.field == "outcome"))
        .flatten()
        .and_then(|c| c.now.as_str().or(c.was.as_str()).map(str::to_string))
}

/// What a kind of record is called, from its entity.
fn entity_label(t: &Tr, e: Entity) -> String {
    entity(t, e.table())
}

/// A problem's or a measure's state in words.
fn state(t: &Tr, table: &str, code: &str) -> String {
    if table == "measures" && code == "done" {
        return t.st_done().to_string();
    }
    if let Some(words) = meeting_state(t, table, code) {
        return words;
    }
    if table == "petitions" {
        return match code {
            "concluded" => t.petitions_concluded().to_string(),
            "handling" => t.petitions_handling().to_string(),
            _ => code.to_string(),
        };
    }
    match t.state_code(code) {
        "—" => code.to_string(),
        words => words.to_string(),
    }
}

/// The state of a meeting's record in words.
fn meeting_state(t: &Tr, table: &str, code: &str) -> Option<String> {
    use zhenggai_domain::meeting::{MaterialState, MeetingState, OpinionState};
    Some(
        match table {
            "meetings" => t.label(MeetingState::from_code(code)?),
            "opinions" => t.label(OpinionState::from_code(code)?),
            "materials" => t.label(MaterialState::from_code(code)?),
            _ => return None,
        }
        .to_string(),
    )
}

/// A stored code in words, for the columns that hold one.
fn code_words(t: &Tr, table: &str, column: &str, s: &str) -> Option<String> {
    let words: String = match (table, column) {
        (_, "state" | "from_state" | "to_state") => state(t, table, s),
        ("problem_events", "action") => action(t, s),
        ("lookback_items", "decision") => t.act(s).to_string(),
        ("extension_requests", "decision") => match s {
            "approved" => t.act("extend").to_string(),
            "refused" => t.act("refuse_extension").to_string(),
            _ => return None,
        },
        (_, "deadline_kind") => t.label(DeadlineKind::from_code(s)?).to_string(),
        (_, "deadline_precision") => t.label(Precision::from_code(s)?).to_string(),
        (_, "role") => t.role(Role::from_code(s)?).to_string(),
        ("inspections", "kind") => t.kind(InspectionKind::from_code(s)?).to_string(),
        ("escalation_notices", "kind") => t.label(NoticeKind::from_code(s)?).to_string(),
        ("meeting_remarks", "kind") => t
            .label(zhenggai_domain::meeting::RemarkKind::from_code(s)?)
            .to_string(),
        ("opinions", "channel") => t
            .label(zhenggai_domain::meeting::OpinionChannel::from_code(s)?)
            .to_string(),
        ("opinions", "category") => t
            .label(zhenggai_domain::meeting::OpinionCategory::from_code(s)?)
            .to_string(),
        ("units", "kind") => match s {
            "org" => t.trail_org().to_string(),
            "dept" => t.trail_dept().to_string(),
            _ => return None,
        },
        ("closure_checks", "kind") => match s {
            "acceptance" => t.act("record_acceptance").to_string(),
            "survey" => t.act("record_survey").to_string(),
            "posting" => t.act("post_result").to_string(),
            _ => return None,
        },
        (_, "source") => t.source(ProblemSource::from_code(s)?).to_string(),
        (_, "form") => t.form(s).to_string(),
        (_, "change_kind") => t.change(s).to_string(),
        (_, "party") => t.party(s).to_string(),
        (_, "subject_kind") => match s {
            "person" => t.person_subject().to_string(),
            "unit" => t.unit_subject().to_string(),
            _ => return None,
        },
        (_, "outcome") => entity(t, outcome_table(s)?),
        (_, "robot_kind") => t.label(RobotKind::from_code(s)?).to_string(),
        (_, "content_type") => file_kind(t, s)?.to_string(),
        (_, "green_to" | "yellow_to" | "red_to") => s
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| Recipient::from_code(c).map(|r| t.label(r)))
            .collect::<Option<Vec<_>>>()?
            .join("、"),
        (_, "robot_colours") => s
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| Colour::from_code(c).map(|r| t.label(r)))
            .collect::<Option<Vec<_>>>()?
            .join("、"),
        _ => return None,
    };
    (words != "—").then_some(words)
}

/// A file's checked type as people name it (the types the upload accepts).
fn file_kind(t: &Tr, content_type: &str) -> Option<&'static str> {
    Some(match content_type.split(';').next().unwrap_or("").trim() {
        "application/pdf" => t.file_pdf(),
        "image/png" | "image/jpeg" => t.file_image(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/msword" => t.file_word(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.ms-excel" => t.file_excel(),
        "application/ofd" => t.file_ofd(),
        "text/plain" => t.file_text(),
        _ => return None,
    })
}

/// The table of an outcome kind.
fn outcome_table(code: &str) -> Option<&'static str> {
    Some(match code {
        "accountability" => "accountability",
        "institution" => "institutions",
        "recovery" => "recoveries",
        _ => return None,
    })
}
