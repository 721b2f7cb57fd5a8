//! 督查 (D9): supervision rounds record what they found at each unit, and a circular
//! (通报) names the slow ones; the leading group hears progress at least a set number
//! of times a month.

use chrono::{Datelike, NaiveDate};

/// Hearings the leading group holds each month unless the organisation sets otherwise.
pub const HEARINGS_PER_MONTH: usize = 2;

/// How many of the dates fall in the month of `month`.
pub fn hearings_in_month(dates: &[NaiveDate], month: NaiveDate) -> usize {
    dates
        .iter()
        .filter(|d| d.year() == month.year() && d.month() == month.month())
        .count()
}

/// Whether a month is short of hearings: a past month with fewer than `per_month`, or the
/// current month whose remaining hearings can no longer all be held by its end at one a
/// week.
pub fn short_of_hearings(
    dates: &[NaiveDate],
    month: NaiveDate,
    today: NaiveDate,
    per_month: usize,
) -> bool {
    let held = hearings_in_month(dates, month);
    if held >= per_month {
        return false;
    }
    let this_month = today.year() == month.year() && today.month() == month.month();
    if !this_month {
        return month < today;
    }
    let days_left = crate::deadline::last_day_of_month(today.year(), today.month())
        .map_or(0, |end| (end - today).num_days());
    let weeks_left = usize::try_from(days_left / 7 + 1).unwrap_or(0);
    per_month - held > weeks_left
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_month_needs_its_hearings() {
        let held = [d(2024, 5, 6), d(2024, 5, 20), d(2024, 6, 3)];
        assert_eq!(hearings_in_month(&held, d(2024, 5, 1)), 2);
        assert!(!short_of_hearings(&held, d(2024, 5, 1), d(2024, 7, 1), 2));
        assert!(
            short_of_hearings(&held, d(2024, 6, 1), d(2024, 7, 1), 2),
            "June ended with one"
        );
        // Early in June one more can still be held; on its last day not.
        assert!(!short_of_hearings(&held, d(2024, 6, 1), d(2024, 6, 10), 2));
        assert!(
            !short_of_hearings(&held, d(2024, 6, 1), d(2024, 6, 30), 2),
            "one today still fits"
        );
        assert!(short_of_hearings(&held, d(2024, 6, 1), d(2024, 6, 30), 3));
        // A future month is never short.
        assert!(!short_of_hearings(&held, d(2024, 8, 1), d(2024, 7, 1), 2));
    }
}
