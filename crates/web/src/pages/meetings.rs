//! 专题民主生活会 (D18, D19): the list of meetings with the office's form to set one up,
//! and one meeting's page — the opinions solicited and fed back, the talks, the
//! self-examinations and the problems they name, what was said at the meeting, the
//! problems carried into the ledger, and the report upward. Each role sees its part:
//! the office runs it, a member acknowledges their opinions and writes their material,
//! 纪检 and the upper level read it.

use std::borrow::Borrow;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use zhenggai_domain::meeting::{OpinionCategory, OpinionChannel, RemarkKind};
use zhenggai_storage::StoreError;
use zhenggai_storage::meetings::carry::{self, Carry};
use zhenggai_storage::meetings::materials::{self, FindingInput, FindingWithdrawal, MaterialInput};
use zhenggai_storage::meetings::opinions::{self, Acknowledgement, Merge, OpinionInput, Sorting};
use zhenggai_storage::meetings::view::{self, MaterialView, MeetingSummary, MeetingView};
use zhenggai_storage::meetings::{
    self, MeetingInput, Member, Minutes, RemarkInput, TalkInput, public_box,
};

use super::{Choice, Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::{FormData, PageForm};
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

#[derive(Template)]
#[template(path = "meetings.html")]
struct ListPage {
    t: Tr,
    nav: Nav,
    meetings: Vec<MeetingSummary>,
    /// The office sets meetings up: its organisation's leaders to choose from.
    leaders: Option<Vec<Member>>,
    errors: Errors,
    sent: FormData,
    today: String,
}

impl ListPage {
    fn kept<'a>(&'a self, field: &str) -> &'a str {
        self.sent.get(field)
    }

    fn member_ticked(&self, id: &i64) -> bool {
        self.sent
            .all("member_ids")
            .iter()
            .any(|v| *v == id.to_string())
    }

    fn chair_chosen(&self, id: &i64) -> bool {
        self.sent.get("chair_id") == id.to_string()
    }
}

async fn list_page(
    app: &App,
    v: &Viewer,
    errors: Errors,
    sent: FormData,
) -> Result<ListPage, PageError> {
    let meetings = view::list(&app.db, &v.actor).await?;
    let leaders = if v.actor.ledger_access(v.actor.org) >= zhenggai_domain::access::Access::Edit {
        Some(meetings::leaders(&app.db, v.actor.org).await?)
    } else {
        None
    };
    Ok(ListPage {
        t: tr(v),
        nav: Nav::new(v, "meetings", "/meetings"),
        meetings,
        leaders,
        errors,
        sent,
        today: app.clock.today().to_string(),
    })
}

/// GET /meetings
pub async fn list(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    Ok(render(
        &list_page(&app, &v, Errors::none(v.lang), FormData::default()).await?,
    ))
}

/// POST /meetings — the office sets one up.
pub async fn create(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let input = MeetingInput {
        topic: form.get("topic").into(),
        held_on: form.get("held_on").into(),
        place: form.get("place").into(),
        chair_id: form.get("chair_id").trim().parse().ok(),
        member_ids: super::outcomes::ids(&form, "member_ids"),
        attendees: form.get("attendees").into(),
        confidential: form.flag("confidential").unwrap_or(false),
        box_opens_on: form.get("box_opens_on").into(),
        box_closes_on: form.get("box_closes_on").into(),
    };
    match meetings::create(&app.db, &v.actor, v.change(&app), &input).await {
        Ok(id) => Ok(see_other(&format!("/meetings/{id}"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                list_page(&app, &v, errors, form).await
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    t: Tr,
    nav: Nav,
    m: MeetingView,
    /// The reader.
    me: i64,
    /// The box's public address, whole, for the office to post or print.
    box_link: Option<String>,
    /// The organisation's departments, to lead the problems in the ledger (the office).
    units: Vec<Choice>,
    errors: Errors,
    sent: FormData,
    today: String,
    categories: Vec<OpinionCategory>,
    channels: Vec<OpinionChannel>,
    remark_kinds: Vec<RemarkKind>,
}

impl MeetingPage {
    /// Whether the form sent back is `form` (for record `id`, 0 for none).
    fn is_sent(&self, form: &str, id: impl Borrow<i64>) -> bool {
        let record = match self.sent.get("record").trim() {
            "" => "0",
            r => r,
        };
        self.sent.get("form") == form && record == id.borrow().to_string()
    }

    /// Whether `a` is `b`.
    fn same(&self, a: &Option<i64>, b: &i64) -> bool {
        *a == Some(*b)
    }

    /// Whether `id` is the reader.
    fn is_me(&self, id: &i64) -> bool {
        *id == self.me
    }

    /// Whether the reader writes the leadership's self-examination (the office).
    fn writes_leadership(&self) -> bool {
        self.writes_for() == Some(0)
    }

    /// What was typed into `field` on that form, when it came back refused.
    fn kept<'a>(&'a self, form: &str, id: impl Borrow<i64>, field: &str) -> &'a str {
        if self.is_sent(form, id) {
            self.sent.get(field)
        } else {
            ""
        }
    }

    /// The same, or `default` on a fresh form.
    fn kept_or<'a>(
        &'a self,
        form: &str,
        id: impl Borrow<i64>,
        field: &str,
        default: &'a str,
    ) -> &'a str {
        if self.is_sent(form, id) {
            self.sent.get(field)
        } else {
            default
        }
    }

    /// The error of `field` on that form.
    fn err(&self, form: &str, id: impl Borrow<i64>, field: &str) -> Option<String> {
        if self.is_sent(form, id) {
            self.errors.of(field)
        } else {
            None
        }
    }

    /// Every error of the form sent back, said at the top too: the form may sit far down.
    fn all_errors(&self) -> Vec<String> {
        self.errors
            .list
            .iter()
            .map(|e| self.errors.message(e))
            .collect()
    }

    /// The self-examination the reader writes: a member their own, the office the
    /// leadership's; None when they write none (or it is final).
    fn writes_for(&self) -> Option<i64> {
        if self.m.state.code() != "preparing" {
            return None;
        }
        let who = if self.m.may_manage { 0 } else { self.me };
        if !self.m.may_manage && !self.m.is_member {
            return None;
        }
        let done = self
            .m
            .materials
            .iter()
            .any(|x| x.member_id.unwrap_or(0) == who && !x.may_edit);
        (!done).then_some(who)
    }

    /// The reader's draft, if they have one.
    fn own_draft(&self) -> Option<&MaterialView> {
        let who = self.writes_for()?;
        self.m
            .materials
            .iter()
            .find(|x| x.member_id.unwrap_or(0) == who)
    }

    /// The day held on the minutes' form: as sent back, else the day planned.
    fn held_on_value(&self) -> String {
        if self.is_sent("minutes", 0) {
            self.sent.get("held_on").to_string()
        } else {
            // The day planned, unless it is still ahead: recorded once held.
            let planned = self.m.held_on.to_string();
            if planned > self.today {
                self.today.clone()
            } else {
                planned
            }
        }
    }

    /// Whether the reader names problems here: the office any member's or the
    /// leadership's, a member their own; until the problems join the ledger.
    fn names_findings(&self) -> bool {
        self.m.state.code() != "closed" && (self.m.may_manage || self.m.is_member)
    }

    /// Whether `id` was the member chosen on the form sent back.
    fn chosen(&self, form: &str, id: impl Borrow<i64>, field: &str, member: &i64) -> bool {
        self.is_sent(form, id) && self.sent.get(field) == member.to_string()
    }
}

async fn meeting_page(
    app: &App,
    v: &Viewer,
    headers: &HeaderMap,
    id: i64,
    errors: Errors,
    sent: FormData,
) -> Result<MeetingPage, PageError> {
    let today = app.clock.today();
    let m = view::get(&app.db, &v.actor, id, today).await?;
    let box_link = m.box_key.as_ref().map(|key| public_link(headers, key));
    let units = if m.may_manage && m.state.code() == "held" {
        super::department_choices(app, v).await?
    } else {
        Vec::new()
    };
    Ok(MeetingPage {
        t: tr(v),
        nav: Nav::new(v, "meetings", &format!("/meetings/{id}")),
        m,
        me: v.actor.user.0,
        box_link,
        units,
        errors,
        sent,
        today: today.to_string(),
        categories: OpinionCategory::ALL.to_vec(),
        channels: OpinionChannel::ALL
            .into_iter()
            .filter(|c| *c != OpinionChannel::Box)
            .collect(),
        remark_kinds: RemarkKind::ALL.to_vec(),
    })
}

/// The box's address as people outside reach it: this server's, as the request named
/// it (behind a proxy, the name the proxy was asked for).
fn public_link(headers: &HeaderMap, key: &str) -> String {
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(axum::http::header::HOST))
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    if host.is_empty() {
        format!("/box/{key}")
    } else {
        format!("{scheme}://{host}/box/{key}")
    }
}

/// GET /meetings/{id}
pub async fn show(
    State(app): State<App>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &meeting_page(
            &app,
            &v,
            &headers,
            id,
            Errors::none(v.lang),
            FormData::default(),
        )
        .await?,
    ))
}

/// A number from a form field, or none.
fn number(form: &FormData, field: &str) -> Option<i64> {
    form.get(field).trim().parse().ok().filter(|n| *n > 0)
}

/// POST /meetings/{id} — every change to a meeting, by `form`; `record` names the
/// opinion or finding a form is for.
pub async fn act(
    State(app): State<App>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let (db, actor, change) = (&app.db, &v.actor, v.change(&app));
    let version = form.get("version").trim().parse().unwrap_or(-1);
    let record = number(&form, "record").unwrap_or(0);
    // Back to the part of the page the form was in.
    let mut anchor = match form.get("form") {
        "talk" => "talks",
        "material" => "materials",
        "finding" | "withdraw_finding" => "findings",
        "minutes" | "remark" => "held",
        "carry" => "ledger",
        "edit" => "meeting-facts",
        _ => "opinions",
    }
    .to_string();
    let result: Result<(), StoreError> = match form.get("form") {
        "open_box" => public_box::open(db, actor, change, id).await.map(drop),
        "edit" => {
            meetings::edit(
                db,
                actor,
                change,
                id,
                &meetings::MeetingEdit {
                    version,
                    topic: form.get("topic").into(),
                    held_on: form.get("held_on").into(),
                    place: form.get("place").into(),
                    attendees: form.get("attendees").into(),
                    confidential: form.flag("confidential")?,
                },
            )
            .await
        }
        "close_box" => {
            public_box::close(db, actor, change, id, &public_box::BoxClosing { version }).await
        }
        "opinion" => opinions::record(
            db,
            actor,
            change,
            id,
            &OpinionInput {
                channel: form.get("channel").into(),
                category: form.get("category").into(),
                text: form.get("text").into(),
                about_member_id: number(&form, "about_member_id"),
                received_on: form.get("received_on").into(),
                signed: form.get("signed").into(),
            },
        )
        .await
        .map(drop),
        "sort" => {
            anchor = format!("opinion-{record}");
            opinions::sort(
                db,
                actor,
                change,
                record,
                &Sorting {
                    version,
                    member_id: number(&form, "member_id"),
                    summary: form.get("summary").into(),
                },
            )
            .await
        }
        "merge" => {
            anchor = format!("opinion-{record}");
            opinions::merge(
                db,
                actor,
                change,
                record,
                &Merge {
                    version,
                    into: number(&form, "into").unwrap_or(0),
                },
            )
            .await
        }
        "acknowledge" => {
            anchor = format!("opinion-{record}");
            opinions::acknowledge(db, actor, change, record, &Acknowledgement { version }).await
        }
        "talk" => meetings::record_talk(
            db,
            actor,
            change,
            id,
            &TalkInput {
                talker_id: number(&form, "talker_id"),
                listener_id: number(&form, "listener_id"),
                held_on: form.get("held_on").into(),
                topics: form.get("topics").into(),
                outcome: form.get("outcome").into(),
            },
        )
        .await
        .map(drop),
        "material" => materials::save(
            db,
            actor,
            change,
            id,
            &MaterialInput {
                member_id: number(&form, "member_id"),
                version: form.get("version").trim().parse().unwrap_or(0),
                text: form.get("text").into(),
                finalise: form.get("finalise") == "1",
            },
        )
        .await
        .map(drop),
        "finding" => materials::add_finding(
            db,
            actor,
            change,
            id,
            &FindingInput {
                member_id: number(&form, "member_id"),
                problem: form.get("problem").into(),
                measure: form.get("measure").into(),
                deadline: form.get("deadline").into(),
                opinion_id: number(&form, "opinion_id"),
                remark_id: number(&form, "remark_id"),
            },
        )
        .await
        .map(drop),
        "withdraw_finding" => {
            materials::withdraw_finding(
                db,
                actor,
                change,
                record,
                &FindingWithdrawal {
                    version,
                    reason: form.get("reason").into(),
                },
            )
            .await
        }
        "minutes" => {
            meetings::record_minutes(
                db,
                actor,
                change,
                id,
                &Minutes {
                    version,
                    minutes: form.get("minutes").into(),
                    held_on: form.get("held_on").into(),
                },
            )
            .await
        }
        "remark" => meetings::record_remark(
            db,
            actor,
            change,
            id,
            &RemarkInput {
                kind: form.get("kind").into(),
                from_member_id: number(&form, "from_member_id"),
                to_member_id: number(&form, "to_member_id"),
                speaker: form.get("speaker").into(),
                points: form.get("points").into(),
            },
        )
        .await
        .map(drop),
        "carry" => carry::carry(
            db,
            actor,
            change,
            id,
            &Carry {
                version,
                lead_unit_id: number(&form, "lead_unit_id"),
            },
        )
        .await
        .map(drop),
        _ => Err(StoreError::because(
            "form",
            zhenggai_domain::validate::Why::Choose(zhenggai_domain::reason::Choose::Action),
        )),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/meetings/{id}#{anchor}"))),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                meeting_page(&app, &v, &headers, id, errors, form).await
            })
            .await
        }
    }
}

/// GET /meetings/{id}/report.docx — 会议情况报告, for whoever reads the meeting.
pub async fn report(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let generated =
        crate::shared::documents::meeting_docx(&app.db, &v.actor, id, app.clock.today()).await?;
    Ok(crate::download::download(
        &generated.file_name,
        crate::shared::weekly::DOCX,
        generated.bytes,
    ))
}
