//! The record an accepted action leaves, and the closure rules an organisation sets.

use super::{ClosureChecks, Party, Posting, ProblemState, Unmet};
use crate::UserId;

/// What an accepted action leaves: exactly one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The action's code.
    pub action: &'static str,
    /// Who.
    pub actor: UserId,
    /// State before.
    pub from: ProblemState,
    /// State after.
    pub to: ProblemState,
    /// What the action carried (reason, report, meeting, new deadline).
    pub note: Option<String>,
}

/// Rules an organisation sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Approved extensions allowed per problem.
    pub max_extensions: u32,
    /// 三方验收 — closure needs the acceptance of all three parties.
    pub three_party: bool,
    /// 满意度测评 — closure needs a survey of the people affected with at least this
    /// share satisfied, in percent.
    pub min_satisfaction: Option<u8>,
    /// 整改结果公示 — closure needs the result posted for this many days (0: no posting).
    pub posting_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_extensions: 2,
            three_party: false,
            min_satisfaction: None,
            posting_days: 0,
        }
    }
}

impl Policy {
    /// The first closure rule the checks do not yet meet.
    pub fn unmet(&self, checks: &ClosureChecks) -> Option<Unmet> {
        if self.three_party
            && let Some(p) = Party::ALL
                .into_iter()
                .find(|p| !checks.accepted_by.contains(p))
        {
            return Some(Unmet::Acceptance(p));
        }
        if let Some(min) = self.min_satisfaction {
            match checks.survey {
                None => return Some(Unmet::NoSurvey),
                Some(s) if !s.meets(min) => {
                    return Some(Unmet::LowSatisfaction {
                        satisfied: s.satisfied,
                        surveyed: s.surveyed,
                        min,
                    });
                }
                Some(_) => {}
            }
        }
        if self.posting_days > 0 {
            match checks.posting {
                Posting::NotPosted => return Some(Unmet::NotPosted),
                Posting::Running => return Some(Unmet::PostingRunning),
                Posting::Over => {}
            }
        }
        None
    }
}
