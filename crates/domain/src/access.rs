//! Who may see and change what (D22), decided from facts the caller loads.
//!
//! Storage filters lists with the same rules in SQL (`storage::scope`); single records
//! are checked here after they are loaded, so a route that forgets the list filter
//! still cannot hand out a record. Both are tested against each other.

use crate::{Role, UnitId, UserId};

/// The person acting, with the facts about them that access depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Who.
    pub user: UserId,
    /// Their role.
    pub role: Role,
    /// Their own unit (a department, or the organisation itself).
    pub unit: UnitId,
    /// The organisation (tenant) their unit belongs to.
    pub org: UnitId,
    /// For a leader: the units in charge (分管单位).
    pub units_in_charge: Vec<UnitId>,
    /// For the upper level: the organisations under theirs (their own excluded).
    pub orgs_below: Vec<UnitId>,
}

/// How far an actor may go with a record. Ordered: each level includes the ones before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Not even its existence (answered as 404).
    None,
    /// May read it.
    Read,
    /// May add progress entries and files (工作留痕).
    Contribute,
    /// May change its content.
    Edit,
}

/// The owners of one measure, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureOwners {
    /// The inspected organisation whose ledger holds the measure.
    pub org: UnitId,
    /// 牵头单位.
    pub lead_unit: UnitId,
    /// 配合单位.
    pub cooperating: Vec<UnitId>,
    /// 责任领导, when one is set.
    pub leader: Option<UserId>,
}

/// What of a measure a person may change, beyond adding progress (整改进展).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MeasureEdit {
    /// Nothing.
    None,
    /// Its working details: the responsible person (责任人) and the target (检验指标).
    Working,
    /// The draft (拟定措施): also its content, deadline, cooperating units and
    /// responsible leader, not who leads it.
    Draft,
    /// Everything, the lead unit included (整改办).
    All,
}

impl MeasureEdit {
    /// Whether a field of the measure form may be changed at this level.
    pub fn allows(self, field: &str) -> bool {
        match field {
            "responsible_person" | "target" => self >= MeasureEdit::Working,
            "content" | "deadline" | "cooperating_unit_ids" | "leader_id" => {
                self >= MeasureEdit::Draft
            }
            _ => self >= MeasureEdit::All,
        }
    }
}

impl Actor {
    /// Access to an organisation's ledger as a whole: inspections, aspects, problems
    /// and creating measures. Leaders and units reach a ledger only through their
    /// measures, so this is `None` for them.
    pub fn ledger_access(&self, org: UnitId) -> Access {
        match self.role {
            Role::Office if org == self.org => Access::Edit,
            Role::Supervisor if org == self.org => Access::Read,
            Role::Leader if org == self.org && self.leads_whole_organisation() => Access::Read,
            Role::Upper if self.orgs_below.contains(&org) => Access::Read,
            _ => Access::None,
        }
    }

    /// Whether the actor reads whole ledgers — their own organisation's (the office,
    /// 纪检, the Party secretary) or those of the organisations below (the upper level)
    /// — and so the statistics module's figures of them.
    pub fn reads_whole_ledgers(&self) -> bool {
        self.role == Role::Upper || self.ledger_access(self.org) >= Access::Read
    }

    /// A leader in charge of the organisation itself (its Party secretary, 党委书记: the
    /// first responsible person) reads its whole ledger; they take the steps of the
    /// problems they lead themselves, as any leader does.
    pub fn leads_whole_organisation(&self) -> bool {
        self.role == Role::Leader && self.units_in_charge.contains(&self.org)
    }

    /// What the actor may change of one measure. The lead unit drafts its measures
    /// until it submits the plan (`drafting`: the problem is registered, disputed or
    /// claimed); after that the office sets content, owners and deadline (D5).
    pub fn measure_edit(&self, m: &MeasureOwners, drafting: bool) -> MeasureEdit {
        match self.measure_access(m) {
            Access::Edit if self.ledger_access(m.org) >= Access::Edit => MeasureEdit::All,
            Access::Edit if drafting => MeasureEdit::Draft,
            Access::Edit => MeasureEdit::Working,
            _ => MeasureEdit::None,
        }
    }

    /// Access to one measure.
    pub fn measure_access(&self, m: &MeasureOwners) -> Access {
        let ledger = self.ledger_access(m.org);
        if ledger > Access::None {
            return ledger;
        }
        match self.role {
            Role::Unit if m.org == self.org => {
                if m.lead_unit == self.unit {
                    Access::Edit
                } else if m.cooperating.contains(&self.unit) {
                    Access::Contribute
                } else {
                    Access::None
                }
            }
            Role::Leader if m.org == self.org => {
                let in_charge = self.units_in_charge.contains(&m.lead_unit)
                    || m.cooperating
                        .iter()
                        .any(|u| self.units_in_charge.contains(u));
                if in_charge || m.leader == Some(self.user) {
                    Access::Contribute
                } else {
                    Access::None
                }
            }
            _ => Access::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: UnitId = UnitId(1);
    const OTHER_ORG: UnitId = UnitId(100);
    const FINANCE: UnitId = UnitId(2);
    const HR: UnitId = UnitId(3);
    const NEWS: UnitId = UnitId(4);

    fn actor(role: Role, unit: UnitId) -> Actor {
        Actor {
            user: UserId(7),
            role,
            unit,
            org: ORG,
            units_in_charge: vec![],
            orgs_below: vec![],
        }
    }

    fn measure() -> MeasureOwners {
        MeasureOwners {
            org: ORG,
            lead_unit: FINANCE,
            cooperating: vec![HR],
            leader: None,
        }
    }

    #[test]
    fn unit_users_reach_only_their_own_measures() {
        assert_eq!(
            actor(Role::Unit, FINANCE).measure_access(&measure()),
            Access::Edit
        );
        assert_eq!(
            actor(Role::Unit, HR).measure_access(&measure()),
            Access::Contribute
        );
        assert_eq!(
            actor(Role::Unit, NEWS).measure_access(&measure()),
            Access::None
        );
        assert_eq!(actor(Role::Unit, FINANCE).ledger_access(ORG), Access::None);
    }

    #[test]
    fn a_unit_of_another_organisation_with_the_same_unit_id_is_refused() {
        let mut a = actor(Role::Unit, FINANCE);
        a.org = OTHER_ORG;
        assert_eq!(a.measure_access(&measure()), Access::None);
    }

    #[test]
    fn leaders_see_the_units_in_charge_and_their_own_measures() {
        let mut leader = actor(Role::Leader, ORG);
        assert_eq!(leader.measure_access(&measure()), Access::None);
        leader.units_in_charge = vec![HR];
        assert_eq!(leader.measure_access(&measure()), Access::Contribute);
        leader.units_in_charge = vec![];
        let mut m = measure();
        m.leader = Some(leader.user);
        assert_eq!(leader.measure_access(&m), Access::Contribute);
    }

    #[test]
    fn office_edits_its_organisation_only() {
        let office = actor(Role::Office, ORG);
        assert_eq!(office.measure_access(&measure()), Access::Edit);
        assert_eq!(office.ledger_access(OTHER_ORG), Access::None);
    }

    #[test]
    fn supervisors_and_upper_level_read_only() {
        assert_eq!(
            actor(Role::Supervisor, ORG).measure_access(&measure()),
            Access::Read
        );
        let mut upper = actor(Role::Upper, OTHER_ORG);
        upper.org = OTHER_ORG;
        assert_eq!(upper.measure_access(&measure()), Access::None);
        upper.orgs_below = vec![ORG];
        assert_eq!(upper.measure_access(&measure()), Access::Read);
    }

    #[test]
    fn the_lead_unit_drafts_until_submission_and_the_office_sets_everything() {
        let m = measure();
        let lead = actor(Role::Unit, FINANCE);
        assert_eq!(lead.measure_edit(&m, true), MeasureEdit::Draft);
        assert_eq!(lead.measure_edit(&m, false), MeasureEdit::Working);
        let office = actor(Role::Office, ORG);
        for drafting in [true, false] {
            assert_eq!(office.measure_edit(&m, drafting), MeasureEdit::All);
            for role_unit in [
                (Role::Unit, HR),
                (Role::Unit, NEWS),
                (Role::Supervisor, ORG),
            ] {
                assert_eq!(
                    actor(role_unit.0, role_unit.1).measure_edit(&m, drafting),
                    MeasureEdit::None,
                    "{role_unit:?}"
                );
            }
            let mut leader = actor(Role::Leader, ORG);
            leader.units_in_charge = vec![FINANCE];
            assert_eq!(leader.measure_edit(&m, drafting), MeasureEdit::None);
        }
        let draft = MeasureEdit::Draft;
        for field in [
            "content",
            "deadline",
            "cooperating_unit_ids",
            "leader_id",
            "target",
        ] {
            assert!(draft.allows(field), "{field}");
        }
        assert!(!draft.allows("lead_unit_id"));
        assert!(!MeasureEdit::Working.allows("content"));
        assert!(MeasureEdit::Working.allows("responsible_person"));
        assert!(MeasureEdit::All.allows("lead_unit_id"));
        assert!(!MeasureEdit::None.allows("target"));
    }

    #[test]
    fn administrators_see_no_business_data() {
        for role in [
            Role::SysAdmin,
            Role::SecAdmin,
            Role::AuditAdmin,
            Role::Unassigned,
        ] {
            let mut a = actor(role, FINANCE);
            a.units_in_charge = vec![FINANCE, HR];
            a.orgs_below = vec![ORG];
            assert_eq!(a.measure_access(&measure()), Access::None, "{role:?}");
            assert_eq!(a.ledger_access(ORG), Access::None, "{role:?}");
        }
    }

    #[test]
    fn the_party_secretary_reads_the_whole_ledger_and_signs_only_what_he_leads() {
        let mut secretary = actor(Role::Leader, ORG);
        secretary.units_in_charge = vec![ORG];
        assert!(secretary.leads_whole_organisation());
        assert_eq!(secretary.ledger_access(ORG), Access::Read);
        assert_eq!(secretary.ledger_access(UnitId(99)), Access::None);
        let mut leader = actor(Role::Leader, ORG);
        leader.units_in_charge = vec![UnitId(2)];
        assert!(!leader.leads_whole_organisation());
        assert_eq!(leader.ledger_access(ORG), Access::None);
        let mut office = actor(Role::Office, ORG);
        office.units_in_charge = vec![ORG];
        assert!(!office.leads_whole_organisation(), "only a leader");
    }
}
