//! The login throttle by address: at most so many login attempts from one address per
//! lockout window, across all accounts and unknown names, counted before any password is
//! checked. Kept in memory, never stored: it guards this instance's CPU against password
//! spraying, while the per-account lock (in the database) guards each account.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Addresses remembered at most; past this, finished windows are forgotten first and
/// then the oldest, so that a flood of addresses cannot exhaust memory.
const MAX_ADDRESSES: usize = 100_000;

/// Attempts per address and window.
#[derive(Debug)]
pub struct LoginThrottle {
    windows: Mutex<HashMap<String, Window>>,
    max_attempts: u32,
    window: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: DateTime<Utc>,
    attempts: u32,
}

impl LoginThrottle {
    /// A throttle allowing `max_attempts` per address in each `window`.
    pub fn new(max_attempts: u32, window: Duration) -> Self {
        Self {
            windows: Mutex::new(HashMap::new()),
            max_attempts,
            window,
        }
    }

    /// Counts an attempt from an address; `false` when the address has used up its
    /// window (nothing counted).
    pub fn reserve(&self, address: &str, now: DateTime<Utc>) -> bool {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= MAX_ADDRESSES && !windows.contains_key(address) {
            let window = self.window;
            windows.retain(|_, w| now - w.start < window);
            if windows.len() >= MAX_ADDRESSES {
                let oldest = windows
                    .iter()
                    .min_by_key(|(_, w)| w.start)
                    .map(|(a, _)| a.clone());
                if let Some(a) = oldest {
                    windows.remove(&a);
                }
            }
        }
        let w = windows.entry(address.to_string()).or_insert(Window {
            start: now,
            attempts: 0,
        });
        if now - w.start >= self.window {
            *w = Window {
                start: now,
                attempts: 0,
            };
        }
        if w.attempts >= self.max_attempts {
            return false;
        }
        w.attempts += 1;
        true
    }

    /// Gives back the attempt of a successful login: only failures use up a window.
    pub fn refund(&self, address: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = windows.get_mut(address) {
            w.attempts = w.attempts.saturating_sub(1);
        }
    }
}

/// The public opinion box's guard against floods and scripted spam (D18): opinions
/// left and receipts looked up, counted per address in a window, in memory only. An
/// address is held as a keyed hash whose key is drawn when the process starts and never
/// leaves it, so not even this memory holds an address, and nothing ties a count to an
/// opinion: the box stores none. One address's flood uses up its own window only, and
/// an honest submitter elsewhere is not blocked by it.
#[derive(Debug)]
pub struct BoxGuard {
    submissions: LoginThrottle,
    lookups: LoginThrottle,
    key: std::collections::hash_map::RandomState,
}

/// Opinions one address may leave per window: a person writes a few; a script, many.
pub const BOX_SUBMISSIONS: u32 = 5;

/// Receipts one address may look up per window: enough to check several, too few to
/// guess one (80 random bits).
pub const BOX_LOOKUPS: u32 = 30;

impl Default for BoxGuard {
    fn default() -> Self {
        Self::new(BOX_SUBMISSIONS, BOX_LOOKUPS, Duration::minutes(10))
    }
}

impl BoxGuard {
    /// A guard allowing `submissions` and `lookups` per address in each `window`.
    pub fn new(submissions: u32, lookups: u32, window: Duration) -> Self {
        Self {
            submissions: LoginThrottle::new(submissions, window),
            lookups: LoginThrottle::new(lookups, window),
            key: std::collections::hash_map::RandomState::new(),
        }
    }

    fn tag(&self, address: &str) -> String {
        use std::hash::BuildHasher;
        format!("{:016x}", self.key.hash_one(address))
    }

    /// Counts an opinion left from `address`; `false` when its window is used up.
    pub fn submit(&self, address: &str, now: DateTime<Utc>) -> bool {
        self.submissions.reserve(&self.tag(address), now)
    }

    /// Gives back the count of a submission the box refused (a field missing, the box
    /// closed): only opinions left use up a window, so that one sharing the address
    /// cannot count others' refusals, and a mistake corrected costs nothing.
    pub fn refund_submission(&self, address: &str) {
        self.submissions.refund(&self.tag(address));
    }

    /// Counts a receipt looked up from `address`; `false` when its window is used up.
    pub fn look_up(&self, address: &str, now: DateTime<Utc>) -> bool {
        self.lookups.reserve(&self.tag(address), now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn an_address_gets_its_attempts_per_window_and_no_more() {
        let t = LoginThrottle::new(3, Duration::minutes(15));
        assert!((0..3).all(|_| t.reserve("10.0.0.1", at(0))));
        assert!(!t.reserve("10.0.0.1", at(1)));
        assert!(
            t.reserve("10.0.0.2", at(1)),
            "another address is not throttled"
        );
        assert!(t.reserve("10.0.0.1", at(15)), "a new window");
    }

    #[test]
    fn successes_do_not_use_up_a_window() {
        let t = LoginThrottle::new(2, Duration::minutes(15));
        for _ in 0..10 {
            assert!(t.reserve("a", at(0)));
            t.refund("a");
        }
        assert!(t.reserve("a", at(0)) && t.reserve("a", at(0)) && !t.reserve("a", at(0)));
    }

    #[test]
    fn the_box_counts_each_address_apart_and_holds_no_address() {
        let g = BoxGuard::new(2, 3, Duration::minutes(10));
        assert!(g.submit("10.0.0.1", at(0)) && g.submit("10.0.0.1", at(0)));
        assert!(!g.submit("10.0.0.1", at(1)), "the flood stops");
        assert!(
            g.submit("10.0.0.2", at(1)),
            "an honest submitter elsewhere goes on"
        );
        assert!(g.submit("10.0.0.1", at(10)), "a new window");
        assert!((0..3).all(|_| g.look_up("10.0.0.1", at(0))));
        assert!(!g.look_up("10.0.0.1", at(0)));
        let held = g.submissions.windows.lock().unwrap();
        assert!(held.keys().all(|k| !k.contains("10.0.0")), "{held:?}");
    }

    #[test]
    fn a_flood_of_addresses_stays_bounded() {
        let t = LoginThrottle::new(1, Duration::minutes(15));
        for i in 0..(MAX_ADDRESSES + 10) {
            assert!(t.reserve(&format!("addr-{i}"), at(0)));
        }
        assert!(t.windows.lock().unwrap().len() <= MAX_ADDRESSES);
    }
}
