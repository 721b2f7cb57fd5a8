//! Roles (D22). Business roles see business data within their scope; the three
//! administrators (三员分立) see none of it and cannot do each other's work.

use serde::{Deserialize, Serialize};

/// What a user is to the system. One role per account; a person who needs two
/// (rare, and discouraged by 三员分立) gets two accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 整改办 — the rectification office: manages its organisation's whole ledger.
    Office,
    /// 责任领导 / 分管领导 — sees and approves the units in charge.
    Leader,
    /// 牵头 / 配合单位 — sees and works on its own unit's measures.
    Unit,
    /// 纪检 — reads all of the organisation.
    Supervisor,
    /// 上级巡察办 — reads the organisations under its own.
    Upper,
    /// 系统管理员 — users and settings, no business data.
    SysAdmin,
    /// 安全管理员 — roles and permissions, no business data.
    SecAdmin,
    /// 审计管理员 — reads the audit trail, nothing else.
    AuditAdmin,
    /// An account whose role the security administrator has not yet assigned.
    Unassigned,
}

crate::codes! {
    Role {
        Office = "office",
        Leader = "leader",
        Unit = "unit",
        Supervisor = "supervisor",
        Upper = "upper",
        SysAdmin = "sysadmin",
        SecAdmin = "secadmin",
        AuditAdmin = "auditadmin",
        Unassigned = "unassigned",
    }
}

impl Role {
    /// Whether the role sees any business data (inspections, problems, measures).
    pub fn reads_business_data(self) -> bool {
        matches!(
            self,
            Self::Office | Self::Leader | Self::Unit | Self::Supervisor | Self::Upper
        )
    }

    /// 系统管理员: creates accounts, resets passwords, keeps the unit tree.
    pub fn manages_accounts(self) -> bool {
        self == Self::SysAdmin
    }

    /// 系统管理员 also keeps the working-day calendar: a system setting every
    /// organisation shares, with no business data in it.
    pub fn keeps_calendar(self) -> bool {
        self == Self::SysAdmin
    }

    /// 安全管理员: assigns roles and the units a leader is in charge of.
    pub fn assigns_roles(self) -> bool {
        self == Self::SecAdmin
    }

    /// 审计管理员: reads the audit trail.
    pub fn reads_audit_trail(self) -> bool {
        self == Self::AuditAdmin
    }

    /// Administrators are the three 三员 roles.
    pub fn is_admin(self) -> bool {
        matches!(self, Self::SysAdmin | Self::SecAdmin | Self::AuditAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_administrators_are_separate_and_blind_to_business_data() {
        for role in Role::ALL {
            let powers = [
                role.manages_accounts(),
                role.assigns_roles(),
                role.reads_audit_trail(),
            ];
            assert!(powers.iter().filter(|p| **p).count() <= 1, "{role:?}");
            if role.is_admin() {
                assert!(!role.reads_business_data(), "{role:?}");
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
