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
    fn a_flood_of_addresses_stays_bounded() {
        let t = LoginThrottle::new(1, Duration::minutes(15));
        for i in 0..(MAX_ADDRESSES + 10) {
            assert!(t.reserve(&format!("addr-{i}"), at(0)));
        }
        assert!(t.windows.lock().unwrap().len() <= MAX_ADDRESSES);
    }
}
