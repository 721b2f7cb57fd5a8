//! `audit verify` for the audit administrator, on the page and through the API: the
//! same check as the command line (the chains, every business row, the stored files,
//! and the 审计校验码 given), its result in words — intact up to entry N, or broken at
//! entry N — with what that means, what to do, and each finding naming its record.

use serde::Serialize;
use zhenggai_storage::audit::Entity;
use zhenggai_storage::audit::checkpoint::Claim;
use zhenggai_storage::audit::verify::{self, Finding};

use super::words::{self, Reader, Shown};
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;
use zhenggai_storage::StoreError;

/// One finding in words.
#[derive(Debug, Clone)]
pub struct FindingWords {
    /// The audit entry it is about, when it is about one.
    pub entry: Option<i64>,
    /// What was found, in the reader's language.
    pub text: String,
    /// The record concerned, by its kind and name.
    pub record: Option<(String, Shown)>,
}

/// What verification found, in words.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Nothing found.
    pub intact: bool,
    /// Intact up to entry N, or broken at entry N.
    pub summary: String,
    /// What the result means.
    pub meaning: &'static str,
    /// What the audit administrator does now.
    pub todo: &'static str,
    /// 审计校验码 of the trail as verified.
    pub code: String,
    /// The codes given that the trail still reaches.
    pub reached: Vec<String>,
    /// What was found, first first.
    pub findings: Vec<FindingWords>,
    /// The report as the command line gives it.
    pub report: verify::Report,
}

/// The record a finding is about: its table and id.
fn record_of(f: &Finding) -> Option<(&str, i64)> {
    match f {
        Finding::Changed(p) | Finding::Unsealed(p) | Finding::ChangedOrUnsealed(p) => {
            Some((p.table.as_str(), p.id))
        }
        Finding::RowUnrecorded { table, id }
        | Finding::RowRemovedByTrail { table, id }
        | Finding::RowDiffers { table, id, .. }
        | Finding::RowDiffersFromImport { table, id, .. }
        | Finding::RowDeleted { table, id }
        | Finding::FileChanged { table, id, .. }
        | Finding::FileUnreadable { table, id, .. } => Some((table.as_str(), *id)),
        _ => None,
    }
}

/// The 审计校验码 typed (separated by spaces, commas or lines), and those that are not
/// codes.
pub fn claims(codes: &str) -> (Vec<Claim>, Vec<String>) {
    let mut claims = Vec::new();
    let mut bad = Vec::new();
    for code in codes
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';'))
        .filter(|c| !c.is_empty())
    {
        match Claim::from_code(code) {
            Some(claim) => claims.push(claim),
            None => bad.push(code.to_string()),
        }
    }
    (claims, bad)
}

/// Verifies the trail, proving it still reaches each of `claims`, and says the result
/// in the viewer's language.
pub async fn run(app: &App, v: &Viewer, claims: &[Claim]) -> Result<Verified, StoreError> {
    let t = Tr(v.lang);
    let mut report = verify::verify_reaching(&app.db, claims).await?;
    report
        .problems
        .extend(verify::verify_files(&app.db, app.files.as_ref()).await?);
    if report.intact() {
        // Noted in the database, the code shown can be proven reached later (the same
        // end is kept once; a trail that moved on meanwhile is proven by the next run).
        app.audit_code().await?;
    }
    let wanted = report
        .problems
        .iter()
        .filter_map(record_of)
        .filter_map(|(table, id)| Entity::from_table(table).map(|e| (e, id)))
        .collect();
    let reader = Reader::new(app, t, v.actor.role, wanted).await?;
    let findings = report
        .problems
        .iter()
        .map(|f| {
            let fields: Vec<String> = match f {
                Finding::RowDiffers { fields, .. } => {
                    fields.iter().map(|c| words::field(&t, c)).collect()
                }
                _ => Vec::new(),
            };
            FindingWords {
                entry: f.entry(),
                text: t.verify_finding(f, &fields),
                record: record_of(f).map(|(table, id)| {
                    let shown = match Entity::from_table(table) {
                        Some(e) => reader.named(e, id),
                        None => Shown {
                            text: format!("{table} {id}"),
                            href: None,
                        },
                    };
                    (words::entity(&t, table), shown)
                }),
            }
        })
        .collect();
    Ok(words_of(t, report, findings))
}

fn words_of(t: Tr, report: verify::Report, findings: Vec<FindingWords>) -> Verified {
    let intact = report.intact();
    Verified {
        intact,
        summary: if intact {
            t.verify_intact_summary(&report)
        } else {
            t.verify_broken_summary(&report)
        },
        meaning: if intact {
            t.verify_intact_meaning()
        } else {
            t.verify_broken_meaning()
        },
        todo: if intact {
            t.verify_intact_todo()
        } else {
            t.verify_broken_todo()
        },
        code: report.code.clone(),
        reached: report.checkpoints.clone(),
        findings,
        report,
    }
}

/// The API's answer: the report as the command line's `--json` gives it, and the same
/// result in words.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerifyAnswer {
    /// Nothing found.
    pub intact: bool,
    /// Entries checked.
    pub entries: i64,
    /// The trail's last entry: intact up to it.
    pub last_entry: i64,
    /// The first entry found broken, when a finding is about an entry.
    pub broken_at: Option<i64>,
    /// Business rows checked.
    pub rows: i64,
    /// Entries checked by their seal.
    pub sealed: i64,
    /// The audit key's id, when the trail is sealed.
    pub key_id: Option<String>,
    /// 审计校验码 of the trail as verified.
    pub code: String,
    /// The audit codes given that the trail still reaches.
    pub checkpoints: Vec<String>,
    /// The result in the reader's language.
    pub summary: String,
    /// What it means.
    pub meaning: String,
    /// What to do.
    pub todo: String,
    /// Each finding: its entry, what it is in words, and as the command line says it.
    pub findings: Vec<FindingAnswer>,
}

/// One finding in the API's answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FindingAnswer {
    /// The audit entry concerned.
    pub entry: Option<i64>,
    /// The record concerned: its table and id.
    pub record: Option<String>,
    /// In the reader's language.
    pub text: String,
    /// As `zhenggai audit verify` prints it.
    pub detail: String,
}

impl Verified {
    /// The API's answer.
    pub fn answer(&self) -> VerifyAnswer {
        let r = &self.report;
        VerifyAnswer {
            intact: self.intact,
            entries: r.entries,
            last_entry: r.last_entry,
            broken_at: r.problems.iter().filter_map(Finding::entry).min(),
            rows: r.rows,
            sealed: r.sealed,
            key_id: r.key_id.clone(),
            code: r.code.clone(),
            checkpoints: r.checkpoints.clone(),
            summary: self.summary.clone(),
            meaning: self.meaning.to_string(),
            todo: self.todo.to_string(),
            findings: r
                .problems
                .iter()
                .zip(&self.findings)
                .map(|(f, w)| FindingAnswer {
                    entry: w.entry,
                    record: record_of(f).map(|(table, id)| format!("{table}/{id}")),
                    text: w.text.clone(),
                    detail: f.to_string(),
                })
                .collect(),
        }
    }
}
