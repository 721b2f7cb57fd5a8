//! Ledger readings kept between the steps of an import.
//!
//! An office uploads its ledger, looks through the preview's pages, then commits; each
//! step used to read the stored file again, and reading a 100,000-row ledger is a second
//! of a core. A reading is a function of the file's bytes (named by their SHA-256), the
//! sheet asked for and the inspection's dates, so one kept under those can never be
//! stale: it is only ever too old to be worth its memory (about 1 KB a row).
//!
//! Who may name an upload by its hash is not decided here but in the database
//! (`zhenggai_storage::accounts::uploads`), so that every instance agrees.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use zhenggai_domain::deadline::Reference;
use zhenggai_spreadsheet::Reading;

/// What a reading was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingKey {
    /// The file's SHA-256, hex.
    pub sha256: String,
    /// The sheet asked for (`None`: found by the reader).
    pub sheet: Option<String>,
    /// The inspection's dates the deadlines were read against.
    pub reference: Reference,
    /// The header words it was read with (the organisation's own among them): a word
    /// taught since makes it another reading.
    pub synonyms: zhenggai_spreadsheet::layout::Synonyms,
    /// The headerless columns confirmed ignored.
    pub ignore_columns: Vec<String>,
}

/// The readings kept, the most recently used last, bounded by their rows and age.
#[derive(Debug)]
pub struct Readings {
    kept: Mutex<VecDeque<Kept>>,
    max_rows: usize,
    max_age: Duration,
}

#[derive(Debug)]
struct Kept {
    key: ReadingKey,
    used: DateTime<Utc>,
    reading: Arc<Reading>,
}

/// Rows kept at most: two of the benchmark's 100,000-row ledgers, or many offices'
/// ordinary ones.
const MAX_ROWS: usize = 200_000;

/// An upload not looked at for this long is read again if it comes back.
const MAX_AGE_MINUTES: i64 = 30;

impl Default for Readings {
    fn default() -> Self {
        Readings::new(MAX_ROWS, Duration::minutes(MAX_AGE_MINUTES))
    }
}

impl Readings {
    /// Keeps at most `max_rows` rows in all, each reading for `max_age` after its last use.
    pub fn new(max_rows: usize, max_age: Duration) -> Readings {
        Readings {
            kept: Mutex::new(VecDeque::new()),
            max_rows,
            max_age,
        }
    }

    /// The reading kept for `key`, if any; it counts as used `now`.
    pub fn get(&self, key: &ReadingKey, now: DateTime<Utc>) -> Option<Arc<Reading>> {
        let mut kept = self.lock();
        self.expire(&mut kept, now);
        let i = kept.iter().position(|k| &k.key == key)?;
        let mut hit = kept.remove(i)?;
        hit.used = now;
        let reading = hit.reading.clone();
        kept.push_back(hit);
        Some(reading)
    }

    /// Keeps a reading, making room by dropping the least recently used. One larger
    /// than the whole bound is not kept.
    pub fn keep(&self, key: ReadingKey, reading: Arc<Reading>, now: DateTime<Utc>) {
        if weight(&reading) > self.max_rows {
            return;
        }
        let mut kept = self.lock();
        self.expire(&mut kept, now);
        kept.retain(|k| k.key != key);
        kept.push_back(Kept {
            key,
            used: now,
            reading,
        });
        while kept.iter().map(|k| weight(&k.reading)).sum::<usize>() > self.max_rows {
            kept.pop_front();
        }
    }

    /// Drops the reading of `key`: its file was imported.
    pub fn forget(&self, key: &ReadingKey) {
        self.lock().retain(|k| &k.key != key);
    }

    fn expire(&self, kept: &mut VecDeque<Kept>, now: DateTime<Utc>) {
        kept.retain(|k| now - k.used <= self.max_age);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Kept>> {
        lock(&self.kept)
    }
}

fn lock<T>(list: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves a list that is still whole.
    list.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a reading costs to keep, in rows (an empty one still costs one).
fn weight(reading: &Reading) -> usize {
    reading.rows.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};
    use zhenggai_spreadsheet::Row;
    use zhenggai_spreadsheet::ledger::DeadlineReading;

    fn key(sha: &str) -> ReadingKey {
        ReadingKey {
            sha256: sha.to_string(),
            sheet: None,
            reference: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().into(),
            synonyms: Default::default(),
            ignore_columns: Vec::new(),
        }
    }

    fn reading(rows: usize) -> Arc<Reading> {
        let row = Row {
            sheet: "台账".into(),
            row: 3,
            aspect: "方面".into(),
            item: None,
            problem: "问题".into(),
            measure: "措施".into(),
            target: String::new(),
            leader: String::new(),
            lead_unit: "办公室".into(),
            cooperating: Vec::new(),
            responsible: String::new(),
            deadline: DeadlineReading {
                text: "立行立改".into(),
                kind: None,
                date: None,
                precision: None,
            },
            status: String::new(),
            reported: None,
        };
        Arc::new(Reading {
            measures: rows,
            rows: vec![row; rows],
            ..Reading::default()
        })
    }

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 4, 25, 2, minute, 0).unwrap()
    }

    #[test]
    fn a_kept_reading_is_found_only_under_its_whole_key() {
        let readings = Readings::new(100, Duration::minutes(30));
        readings.keep(key("a"), reading(10), at(0));
        assert_eq!(readings.get(&key("a"), at(1)).unwrap().measures, 10);
        assert!(readings.get(&key("b"), at(1)).is_none());
        let other_sheet = ReadingKey {
            sheet: Some("说明".into()),
            ..key("a")
        };
        assert!(readings.get(&other_sheet, at(1)).is_none());
        let other_dates = ReadingKey {
            reference: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap().into(),
            ..key("a")
        };
        assert!(readings.get(&other_dates, at(1)).is_none());
        // A word taught, or a column ignored, since: read again.
        let other_words = ReadingKey {
            synonyms: zhenggai_spreadsheet::layout::Synonyms::default().with(
                zhenggai_spreadsheet::layout::Field::Note,
                ["督办意见".into()],
            ),
            ..key("a")
        };
        assert!(readings.get(&other_words, at(1)).is_none());
        let other_columns = ReadingKey {
            ignore_columns: vec!["G".into()],
            ..key("a")
        };
        assert!(readings.get(&other_columns, at(1)).is_none());
    }

    #[test]
    fn the_least_recently_used_make_room_and_a_reading_too_large_is_not_kept() {
        let readings = Readings::new(100, Duration::minutes(30));
        readings.keep(key("a"), reading(40), at(0));
        readings.keep(key("b"), reading(40), at(1));
        // Using "a" makes "b" the one to go when "c" needs room.
        assert!(readings.get(&key("a"), at(2)).is_some());
        readings.keep(key("c"), reading(40), at(3));
        assert!(readings.get(&key("b"), at(4)).is_none());
        assert!(readings.get(&key("a"), at(4)).is_some());
        assert!(readings.get(&key("c"), at(4)).is_some());
        readings.keep(key("d"), reading(101), at(5));
        assert!(readings.get(&key("d"), at(5)).is_none());
        assert!(
            readings.get(&key("a"), at(5)).is_some(),
            "nothing was evicted for it"
        );
    }

    #[test]
    fn a_reading_not_used_for_its_age_is_dropped_and_an_imported_one_forgotten() {
        let readings = Readings::new(100, Duration::minutes(30));
        readings.keep(key("a"), reading(1), at(0));
        readings.keep(key("b"), reading(1), at(0));
        assert!(
            readings.get(&key("a"), at(30)).is_some(),
            "30 minutes is kept"
        );
        assert!(readings.get(&key("b"), at(31)).is_none(), "31 is not");
        readings.keep(key("a"), reading(2), at(31));
        assert_eq!(
            readings.get(&key("a"), at(32)).unwrap().measures,
            2,
            "kept again, the new reading replaces the old"
        );
        readings.forget(&key("a"));
        assert!(readings.get(&key("a"), at(32)).is_none());
    }
}
