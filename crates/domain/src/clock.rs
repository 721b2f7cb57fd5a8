//! Time is passed in: deadlines, reminders and reports depend on "today", so every
//! function that needs it takes a [`Clock`]. Only [`SystemClock`] reads the wall clock.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};

/// Where "now" comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in China (UTC+8), which is what deadlines are written against.
    fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

/// The date of an instant in China Standard Time (UTC+8, no daylight saving).
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    china_time(at).date()
}

/// The wall-clock time of an instant in China Standard Time (deadlines by the hour, as
/// weekly reports have, and times shown to people).
pub fn china_time(at: DateTime<Utc>) -> NaiveDateTime {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&cst).naive_local()
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "the one place the wall clock is read"
    )]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always answers the same instant (tests, reproducible reports).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_the_china_date() {
        // 2024-03-31 17:00 UTC is already 1 April in Beijing.
        let clock = FixedClock(Utc.with_ymd_and_hms(2024, 3, 31, 17, 0, 0).unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2024, 4, 1).unwrap());
        let clock = FixedClock(Utc.with_ymd_and_hms(2024, 3, 31, 15, 59, 59).unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    }
}
