//! The life of a problem, from 挂号 to 销号 and back (DOMAIN "the lifecycle"; D3, D5,
//! D11, D12): states, the actions that move between them, who may take each, what each
//! must carry, and the one record each leaves. Pure: storage applies the outcome.
//!
//! ```text
//! registered ─claim─► claimed ─submit─► plan submitted ─sign─► plan signed ─compile─► plan compiled ─approve─► in progress
//!     │  ▲                ▲                 │ return              │ return               │ return               │
//!     dispute │ assign    └─────────────────┴─────────────────────┴──────────────────────┘                      │
//!     ▼  │                                                                                                     ▼
//!   disputed                                in progress ◄─return (留号)── closure requested ◄─request── (all measures done)
//!                                                ▲                             │ accept
//!                                                └──── reopen (回炉) ──── closed (销号) ─confirm─► consolidated (巩固)
//! ```
//! Overdue and on-schedule are derived elsewhere (`status`), never stored here.

mod action;
mod apply;
mod policy;
mod refusal;
mod state;

pub use action::{ACTION_CODES, Action, read_return_note};
pub use apply::apply;
pub use policy::{Policy, Record};
pub use refusal::{ClosureRule, Hint, Missing, Refusal, Unmet};
pub use state::{ClosureChecks, Party, Posting, Problem, ProblemState, Survey};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod long_term_tests;
