//! Inspections and the sources of problems.

use serde::{Deserialize, Serialize};

/// The kind of an inspection round (巡视、巡察、审计 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 巡视 — by a central or provincial inspection group.
    Xunshi,
    /// 巡察 — by a city or county inspection group.
    Xuncha,
    /// 审计 — an audit.
    Audit,
    /// 督查 — a supervision round.
    Supervision,
    /// 自查 — self-inspection.
    SelfInspection,
    /// 民主生活会 — a democratic life meeting.
    DemocraticMeeting,
    /// 其他 — any other source.
    Other,
}

crate::codes! {
    InspectionKind {
        Xunshi = "xunshi",
        Xuncha = "xuncha",
        Audit = "audit",
        Supervision = "supervision",
        SelfInspection = "self_inspection",
        DemocraticMeeting = "democratic_meeting",
        Other = "other",
    }
}

/// Where a problem came from (D2): handed over by the inspection, or found by the
/// organisation itself (自查自纠、举一反三).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemSource {
    /// 巡察反馈 — in the feedback.
    Inspection,
    /// 自查发现 — found by the organisation itself.
    SelfFound,
}

crate::codes! {
    ProblemSource {
        Inspection = "inspection",
        SelfFound = "self_found",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in InspectionKind::ALL {
            assert_eq!(InspectionKind::from_code(k.code()), Some(k));
        }
        for s in ProblemSource::ALL {
            assert_eq!(ProblemSource::from_code(s.code()), Some(s));
        }
        assert_eq!(InspectionKind::from_code("巡视"), None);
    }
}
