//! "xx个方面xx项xx个问题，措施xx条" (D2, S8): the counts every inspection shows.

use serde::Serialize;

/// The size of one inspection's ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LedgerCounts {
    /// 方面.
    pub aspects: i64,
    /// 项 (optional level; 0 when not used).
    pub items: i64,
    /// 问题.
    pub problems: i64,
    /// 措施.
    pub measures: i64,
    /// Measures done.
    pub measures_done: i64,
}

impl LedgerCounts {
    /// The phrase offices write, e.g. "8个方面23个问题，措施45条"; the 项 level only
    /// when the ledger uses it.
    pub fn phrase_zh(&self) -> String {
        if self.items > 0 {
            format!(
                "{}个方面{}项{}个问题，整改措施{}条",
                self.aspects, self.items, self.problems, self.measures
            )
        } else {
            format!(
                "{}个方面{}个问题，整改措施{}条",
                self.aspects, self.problems, self.measures
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_follow_the_speeches() {
        let c = LedgerCounts {
            aspects: 8,
            items: 0,
            problems: 23,
            measures: 45,
            measures_done: 0,
        };
        assert_eq!(c.phrase_zh(), "8个方面23个问题，整改措施45条");
        let c = LedgerCounts { items: 12, ..c };
        assert_eq!(c.phrase_zh(), "8个方面12项23个问题，整改措施45条");
    }
}
