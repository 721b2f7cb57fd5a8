//! An organisation's settings, kept by its office in one place: the closure rules
//! (`closure_rules`: 销号 conditions), the warning rules (`warning_rules`: 三色预警 and
//! whom each colour reaches), when weekly reports are due (`weekly_rule`), and the
//! header words its imports learnt (`header_words`). Where its reminders go (e-mail,
//! the group robot) is with the reminders (`reminders::channels`).

pub mod closure_rules;
pub mod header_words;
pub mod warning_rules;
pub mod weekly_rule;

use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::Refused;
use zhenggai_domain::{Role, UnitId};

use crate::error::{StoreError, StoreResult};
use crate::scope::office_does;

/// Whether the person works in the organisation's business (its office, leaders,
/// units and supervisors): they may know its rules, since closure depends on them.
pub(crate) fn of_the_org(actor: &Actor, org: UnitId) -> bool {
    actor.org == org && actor.role.reads_business_data() && actor.role != Role::Upper
}

/// Access to an organisation's settings (closure rules, warning rules, channels):
/// everyone in its business reads them and its office sets them; the levels above read
/// them as they read its ledger. Its own people are refused outright, others as the
/// ledger refuses them.
pub(crate) fn require_settings(actor: &Actor, org: UnitId, need: Access) -> StoreResult<()> {
    if of_the_org(actor, org) {
        if need == Access::Read {
            return Ok(());
        }
        if actor.ledger_access(org) < need {
            return Err(StoreError::refused(Refused::SettingsByOffice));
        }
    }
    office_does(actor, org, need, Refused::SettingsByOffice)
}
