//! One id newtype per entity, so a problem id can never be passed where a measure id
//! is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// 单位 / 部门 — a node of the organisation tree.
    UnitId,
    /// A person who logs in.
    UserId,
    /// 巡视 / 巡察 轮次 — one inspection round or other source of problems.
    InspectionId,
    /// 方面 — the top grouping of problems.
    AspectId,
    /// 项 — the optional middle level between aspect and problem.
    ItemId,
    /// 问题 — one finding.
    ProblemId,
    /// 整改措施 — one concrete action.
    MeasureId,
    /// 整改进展 / 工作留痕 — a dated record of work done.
    ProgressId,
    /// A file attached to a progress entry.
    AttachmentId,
);
