//! Time is passed in: deadlines, reminders and reports depend on "today", so every
//! function that needs it takes a [`Clock`]. Only [`SystemClock`] reads the wall clock.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Utc};

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

/// The instant of a wall-clock time in China Standard Time.
pub fn from_china_time(local: NaiveDateTime) -> DateTime<Utc> {
    // UTC+8 all year: no gaps or repeated hours to choose between.
    (local - TimeDelta::hours(8)).and_utc()
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

/// The real clock moved to another day: it reads `start` when created and runs on from
/// there. Only for a demonstration on a chosen day (`serve --demo --demo-day`), whose
/// records are all made by it.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    offset: TimeDelta,
}

impl ShiftedClock {
    /// A clock that reads `start` now.
    pub fn starting_at(start: DateTime<Utc>) -> ShiftedClock {
        ShiftedClock {
            offset: start - SystemClock.now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        SystemClock.now() + self.offset
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

    #[test]
    fn china_time_goes_there_and_back() {
        let at = Utc.with_ymd_and_hms(2024, 3, 31, 17, 30, 5).unwrap();
        assert_eq!(from_china_time(china_time(at)), at);
        let ten = NaiveDate::from_ymd_opt(2024, 4, 25)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(
            from_china_time(ten),
            Utc.with_ymd_and_hms(2024, 4, 25, 2, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_shifted_clock_starts_where_asked_and_runs_on() {
        let start = Utc.with_ymd_and_hms(2024, 4, 25, 2, 0, 0).unwrap();
        let clock = ShiftedClock::starting_at(start);
        let first = clock.now();
        assert!(first >= start && first - start < TimeDelta::seconds(5));
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2024, 4, 25).unwrap());
        assert!(clock.now() >= first, "it runs on");
    }
}
