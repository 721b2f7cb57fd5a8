//! 提醒 (D10) with a fake clock: a month of working days, warnings reaching the right
//! people on the right days, nothing sent twice, and a worker that dies in the middle
//! (after planning, and after delivering but before marking done) changing nothing.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use zhenggai_domain::calendar::Calendar;
use zhenggai_domain::deadline::DeadlineKind;
use zhenggai_domain::status::MeasureState;
use zhenggai_storage::reminders::{self, courier::BellOnly};
use zhenggai_storage::{Db, accounts::users};
use zhenggai_testkit::{Finders, TestDb, beijing_morning as morning};

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()
}

/// 15:00 in Beijing (after they fell due).
fn afternoon(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(7, 0, 0).unwrap())
}

async fn prepared() -> (TestDb, i64) {
    let t = TestDb::new().await.unwrap();
    let secretary = t.demo_with_secretary(start()).await.unwrap();
    (t, secretary.0)
}

/// Every notification: (user, key, subject), as stored: what the reminders wrote is what
/// is checked, withdrawn or read ones too.
async fn sent(db: &Db) -> BTreeSet<(i64, String, String)> {
    #[derive(sqlx::FromRow)]
    struct Sent {
        user_id: i64,
        dedup_key: String,
        subject: String,
    }
    sqlx::query_as::<_, Sent>("SELECT user_id, dedup_key, subject FROM notifications")
        .fetch_all(db.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.user_id, r.dedup_key, r.subject))
        .collect()
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

#[tokio::test]
async fn a_month_of_reminders_reaches_the_right_people_once_even_across_a_restart() {
    let calendar = Calendar::official();
    let (steady, secretary) = prepared().await;
    let (broken, _) = prepared().await;
    for offset in 0..31 {
        let day = start() + Duration::days(offset);
        let now = morning(day);
        reminders::tick(&steady.db, &BellOnly, &calendar, day, now)
            .await
            .unwrap();
        reminders::tick(&steady.db, &BellOnly, &calendar, day, afternoon(day))
            .await
            .unwrap();
        // Ticking again in the same part of the day sends nothing more.
        let again = reminders::tick(
            &steady.db,
            &BellOnly,
            &calendar,
            day,
            afternoon(day) + Duration::minutes(1),
        )
        .await
        .unwrap();
        assert_eq!(again.planned + again.delivered, 0, "{day}");
        if offset == 12 {
            // The worker dies after planning, before delivering …
            reminders::planning::plan(&broken.db, &BellOnly, &calendar, day, now)
                .await
                .unwrap();
            // … and, for the jobs of the day before, after delivering but before
            // marking them done: their lease is still running.
            sqlx::query("UPDATE jobs SET state = 'running', leased_until = $1 WHERE done_at < $2")
                .bind(zhenggai_storage::db::sql::stamp(now + Duration::minutes(3)))
                .bind(zhenggai_storage::db::sql::stamp(now))
                .execute(broken.db.pool())
                .await
                .unwrap();
            // A new worker starts after the leases ran out.
            let later = now + Duration::minutes(10);
            reminders::tick(&broken.db, &BellOnly, &calendar, day, later)
                .await
                .unwrap();
        } else {
            reminders::tick(&broken.db, &BellOnly, &calendar, day, now)
                .await
                .unwrap();
        }
        reminders::tick(&broken.db, &BellOnly, &calendar, day, afternoon(day))
            .await
            .unwrap();
    }
    let steady_sent = sent(&steady.db).await;
    assert!(!steady_sent.is_empty());
    assert_eq!(
        sent(&broken.db).await,
        steady_sent,
        "the restart changed what was sent"
    );
    assert_eq!(
        count(
            &steady.db,
            "SELECT COUNT(*) FROM jobs WHERE state <> 'done'"
        )
        .await,
        0
    );
    assert_eq!(
        count(&steady.db, "SELECT COUNT(*) FROM jobs").await,
        i64::try_from(steady_sent.len()).unwrap(),
        "one notification per job, none twice"
    );

    // A measure due within the month: its colours reach the right people, on working
    // days only.
    let due_within = |m: &&zhenggai_storage::ledger::measures::Measure| {
        let (from, to) = (
            NaiveDate::from_ymd_opt(2024, 5, 6).unwrap(),
            NaiveDate::from_ymd_opt(2024, 5, 20).unwrap(),
        );
        m.state != MeasureState::Done
            && m.deadline.kind == DeadlineKind::Dated
            && m.deadline.date.is_some_and(|d| from <= d && d <= to)
            && m.leader.as_ref().is_some_and(|l| l.id.0 != secretary)
    };
    let all = steady.measures().await;
    // The latest due, the first entered among those due that day.
    let row = all
        .iter()
        .filter(due_within)
        .min_by_key(|m| (std::cmp::Reverse(m.deadline.date), m.id))
        .unwrap();
    let measure = row.id.0;
    let due = row.deadline.date.unwrap();
    let leader = row.leader.as_ref().unwrap().id.0;
    let of = |prefix: &str| -> BTreeSet<i64> {
        steady_sent
            .iter()
            .filter(|(_, k, _)| k.starts_with(prefix))
            .map(|(u, _, _)| *u)
            .collect()
    };
    let green = of(&format!("warning:{measure}:green:"));
    let yellow = of(&format!("warning:{measure}:yellow:"));
    // Yellow reminds on turning yellow, 3 days and 1 day before, and on the day —
    // each mark once, and a mark that fell on a day off is overtaken by the next.
    let marks: BTreeSet<String> = steady_sent
        .iter()
        .filter(|(u, k, _)| *u == leader && k.starts_with(&format!("warning:{measure}:yellow:")))
        .map(|(_, k, _)| k.rsplit(':').next().unwrap().to_string())
        .collect();
    let mut expected_marks = BTreeSet::new();
    let rules = zhenggai_domain::warning::WarningRules::default();
    let mut d = due - Duration::days(10);
    while d <= due {
        if calendar.is_workday(d).value {
            expected_marks.insert(rules.mark((due - d).num_days()).unwrap().to_string());
        }
        d = d.succ_opt().unwrap();
    }
    assert!(expected_marks.len() >= 3, "{expected_marks:?}");
    assert_eq!(marks, expected_marks, "yellow at each mark, once");
    assert!(!green.is_empty(), "the lead unit was warned green");
    assert!(
        !green.contains(&leader) && !green.contains(&secretary),
        "green reaches the unit only"
    );
    assert!(
        yellow.contains(&leader) && yellow.is_superset(&green),
        "yellow adds the leader"
    );
    assert!(!yellow.contains(&secretary));
    // Red: once each working day after the deadline, to the secretary too.
    let reds: Vec<&(i64, String, String)> = steady_sent
        .iter()
        .filter(|(u, k, _)| *u == secretary && k.starts_with(&format!("warning:{measure}:red:")))
        .collect();
    let end = start() + Duration::days(30);
    let mut working_days_overdue = 0;
    let mut d = due.succ_opt().unwrap();
    while d <= end {
        if calendar.is_workday(d).value {
            working_days_overdue += 1;
        }
        d = d.succ_opt().unwrap();
    }
    assert_eq!(
        reds.len(),
        working_days_overdue,
        "one red reminder a working day"
    );
    assert!(reds.iter().any(|(_, _, s)| s.contains("已逾期1个工作日")));
    // When the green reminder went out: the first working day within 20 days.
    let first_green: String =
        sqlx::query_scalar("SELECT MIN(created_at) FROM notifications WHERE dedup_key = $1")
            .bind(format!("warning:{measure}:green:20"))
            .fetch_one(steady.db.pool())
            .await
            .unwrap();
    let mut expected = due - Duration::days(20);
    while !calendar.is_workday(expected).value || expected < start() {
        expected = expected.succ_opt().unwrap();
    }
    assert_eq!(
        &first_green[..10],
        expected.to_string(),
        "green on the first working day in its window"
    );

    // Weekly reports: nobody reported, so every reporting unit was told on each report
    // day before the hour and chased once after it (叫号), week by week.
    let keys = |suffix: &str| -> BTreeSet<String> {
        steady_sent
            .iter()
            .filter(|(_, k, _)| k.starts_with("weekly:") && k.ends_with(suffix))
            .map(|(_, k, _)| k.trim_end_matches(suffix).to_string())
            .collect()
    };
    let due = keys(":due");
    assert!(!due.is_empty());
    assert_eq!(
        due,
        keys(":missing"),
        "each report told before and chased after"
    );
    // The weeks of 29 April to 20 May lie within the walk. In the May Day week Friday
    // 3 May is off (1–5 May), so its report fell due on Tuesday 30 April.
    let weeks: BTreeSet<&str> = due.iter().map(|k| k.rsplit(':').next().unwrap()).collect();
    assert!(
        weeks.contains("2024-04-29") && weeks.contains("2024-05-20"),
        "{weeks:?}"
    );
    let first: String = sqlx::query_scalar(
        "SELECT MIN(created_at) FROM notifications WHERE dedup_key LIKE 'weekly:%:2024-04-29:due'",
    )
    .fetch_one(steady.db.pool())
    .await
    .unwrap();
    assert_eq!(
        &first[..10],
        "2024-04-30",
        "May Day week: due on Tuesday 30 April"
    );
}

#[tokio::test]
async fn notifications_are_read_and_marked_only_by_their_owner() {
    let calendar = Calendar::official();
    let (t, secretary) = prepared().await;
    let day = NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
    reminders::tick(&t.db, &BellOnly, &calendar, day, morning(day))
        .await
        .unwrap();
    let me = zhenggai_domain::UserId(secretary);
    let mine = reminders::bell::list(&t.db, me, 500).await.unwrap();
    assert!(!mine.is_empty());
    assert_eq!(
        reminders::bell::unread(&t.db, me).await.unwrap(),
        i64::try_from(mine.len()).unwrap()
    );
    // Someone else cannot mark the secretary's notification read.
    let other = t.user("finance").await;
    assert_eq!(
        reminders::bell::mark_read(&t.db, other, Some(mine[0].id), morning(day))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        reminders::bell::mark_read(&t.db, me, Some(mine[0].id), morning(day))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        reminders::bell::unread(&t.db, me).await.unwrap(),
        i64::try_from(mine.len()).unwrap() - 1
    );
    // The bell a page shows is counted with the session it finds, the same count.
    let session = zhenggai_storage::accounts::auth::start_session(&t.db, me, morning(day))
        .await
        .unwrap();
    let signed_in = zhenggai_storage::accounts::users::signed_in(
        &t.db,
        &session.token.0,
        morning(day),
        zhenggai_storage::accounts::auth::AuthPolicy::default(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(signed_in.unread, i64::try_from(mine.len()).unwrap() - 1);
    // A holiday plans nothing: 1 October 2024.
    let holiday = NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    assert_eq!(
        reminders::planning::plan(&t.db, &BellOnly, &calendar, holiday, morning(holiday))
            .await
            .unwrap(),
        0
    );
}

/// 长期坚持: a long-term measure that goes longer than the organisation's interval
/// without progress reminds whom green warnings reach (here its lead unit's handlers),
/// once per interval, on working days; progress starts the count afresh, and the group
/// is left alone. Eight months of working days, walked one by one.
#[tokio::test]
async fn long_term_measures_are_reminded_once_per_interval_without_progress() {
    use zhenggai_domain::status::Activity;
    use zhenggai_storage::ledger::progress::{self, ProgressInput};
    let calendar = Calendar::official();
    let (t, _) = prepared().await;
    let mut long_term: Vec<(i64, i64, Option<NaiveDate>)> = Vec::new();
    for m in t.measures().await {
        if m.deadline.kind == DeadlineKind::LongTerm && m.state != MeasureState::Done {
            let last = t
                .progress_of(m.id)
                .await
                .iter()
                .map(|p| p.happened_on)
                .max();
            long_term.push((m.id.0, m.lead_unit.id.0, last));
        }
    }
    assert!(long_term.len() >= 2, "{long_term:?}");
    assert!(
        long_term
            .iter()
            .all(|(_, _, last)| last.is_some_and(|d| d < start()))
    );
    // The first measure's unit reports progress on 2 September.
    let (busy, busy_unit, _) = long_term[0];
    let progress_on = NaiveDate::from_ymd_opt(2024, 9, 2).unwrap();
    let handlers = |unit: i64| {
        let t = &t;
        async move {
            t.handlers_of(zhenggai_domain::UnitId(unit))
                .await
                .into_iter()
                .map(|u| u.0)
                .collect::<Vec<i64>>()
        }
    };
    let reporter = handlers(busy_unit).await[0];
    let walk = 240;
    for offset in 0..walk {
        let day = start() + Duration::days(offset);
        if day == progress_on {
            let actor = users::actor(&t.db, zhenggai_domain::UserId(reporter))
                .await
                .unwrap();
            progress::add(
                &t.db,
                &t.files,
                &actor,
                zhenggai_storage::audit::Change {
                    actor: Some(actor.user),
                    at: morning(day),
                    reason: None,
                },
                zhenggai_domain::MeasureId(busy),
                &ProgressInput {
                    happened_on: day.to_string(),
                    content: "召开专题会议，通报上一阶段学习情况。".into(),
                    mark_done: false,
                },
                &[],
                Default::default(),
                day,
            )
            .await
            .unwrap();
        }
        reminders::planning::plan(&t.db, &BellOnly, &calendar, day, afternoon(day))
            .await
            .unwrap();
    }
    let end = start() + Duration::days(walk - 1);
    reminders::queue::run_due(&t.db, &BellOnly, afternoon(end))
        .await
        .unwrap();
    let sent = sent(&t.db).await;
    for (measure, unit, last) in &long_term {
        // What the rules say, working day by working day.
        let mut expected = BTreeSet::new();
        for offset in 0..walk {
            let day = start() + Duration::days(offset);
            if !calendar.is_workday(day).value {
                continue;
            }
            let last_progress = if *measure == busy && day >= progress_on {
                Some(progress_on)
            } else {
                *last
            };
            let activity = Activity {
                registered_on: start(),
                last_progress,
            };
            if let Some(due) = activity.review_due(day, 90) {
                expected.insert(format!(
                    "review:{measure}:{}:{}",
                    due.since, due.interval_count
                ));
            }
        }
        let to = handlers(*unit).await;
        let got: BTreeSet<(i64, String)> = sent
            .iter()
            .filter(|(_, k, _)| k.starts_with(&format!("review:{measure}:")))
            .map(|(u, k, _)| (*u, k.clone()))
            .collect();
        let want: BTreeSet<(i64, String)> = to
            .iter()
            .flat_map(|u| expected.iter().map(move |k| (*u, k.clone())))
            .collect();
        assert!(!expected.is_empty(), "{measure}");
        assert_eq!(got, want, "measure {measure}");
    }
    // The busy measure: reminded before its progress; the progress started afresh,
    // and 90 days later it was reminded again, counted from 2 September.
    let keys: Vec<&String> = sent
        .iter()
        .filter(|(u, k, _)| *u == reporter && k.starts_with(&format!("review:{busy}:")))
        .map(|(_, k, _)| k)
        .collect();
    assert!(
        keys.iter()
            .any(|k| k.ends_with(":1") && !k.contains("2024-09-02"))
    );
    assert!(
        keys.contains(&&format!("review:{busy}:2024-09-02:1")),
        "{keys:?}"
    );
    assert!(sent.iter().any(|(_, k, s)| k.starts_with("review:")
        && s.starts_with("【长期坚持】整改措施已")
        && s.ends_with("天未报送进展")));
    // Nobody but the lead units' handlers (green reaches the unit only), and no group.
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM jobs WHERE dedup_key LIKE '%:review:%' AND kind <> 'notify'"
        )
        .await,
        0
    );
}

/// 三色预警 by the organisation's own window, over more measures than a round reads at
/// once: 5,100 measures due in 41 days are not warned under the 20-day green window,
/// and every one of them is, once, when the office widens the window to 60 days.
#[tokio::test]
async fn warnings_follow_the_organisations_window_across_pages() {
    use zhenggai_storage::ledger::import::{self, Decisions, Source};
    use zhenggai_testkit::csv_reading;
    let calendar = Calendar::official();
    let (t, _) = prepared().await;
    let office = t.actor("office").await;
    let day = start();
    let due = NaiveDate::from_ymd_opt(2024, 6, 5).unwrap();
    assert_eq!((due - day).num_days(), 41);
    let mut ledger = String::from("序号,问题描述,整改措施,责任领导,牵头单位,配合单位,完成时限\n");
    for k in 1..=5_100 {
        ledger.push_str(&format!(
            "{k},批量问题{k},批量措施{k},王建国,财务部,,2024年6月5日\n"
        ));
    }
    let inspection = t.first_inspection().await;
    import::commit(
        &t.db,
        &office,
        zhenggai_storage::audit::Change {
            actor: Some(office.user),
            at: morning(day),
            reason: None,
        },
        inspection,
        &Source {
            filename: "批量.csv".into(),
            sha256: "0".repeat(64),
        },
        &csv_reading(&ledger, day).unwrap(),
        &Decisions::default(),
    )
    .await
    .unwrap();
    let imported: BTreeSet<i64> = t
        .measures()
        .await
        .iter()
        .filter(|m| m.content.starts_with("批量措施"))
        .map(|m| m.id.0)
        .collect();
    assert_eq!(imported.len(), 5_100);
    // The warnings planned for them: (measure, key of the warning) per job.
    let warned = || async {
        sqlx::query_scalar::<_, String>("SELECT dedup_key FROM jobs WHERE kind = 'notify'")
            .fetch_all(t.db.pool())
            .await
            .unwrap()
            .iter()
            .filter_map(|key| {
                let parts: Vec<&str> = key.split(':').collect();
                let measure: i64 = parts.get(3)?.parse().ok()?;
                (parts.get(2) == Some(&"warning") && imported.contains(&measure))
                    .then(|| (measure, parts[4..].join(":")))
            })
            .collect::<Vec<(i64, String)>>()
    };
    reminders::planning::plan(&t.db, &BellOnly, &calendar, day, afternoon(day))
        .await
        .unwrap();
    assert_eq!(warned().await, Vec::new(), "41 days out of a 20-day window");
    t.office_sets_rules(&office, morning(day), ("60", "10"), "")
        .await
        .unwrap();
    for _ in 0..2 {
        reminders::planning::plan(&t.db, &BellOnly, &calendar, day, afternoon(day))
            .await
            .unwrap();
    }
    let got = warned().await;
    let measures: BTreeSet<i64> = got.iter().map(|(m, _)| *m).collect();
    assert_eq!(measures, imported, "every measure in the 60-day window");
    // To each of 财务部's handlers, once, at the window's mark.
    let handlers = t.handlers_of(t.unit("财务部").await).await.len();
    assert!(handlers >= 1);
    assert_eq!(got.len(), imported.len() * handlers);
    assert!(
        got.iter().all(|(_, key)| key == "green:60"),
        "{:?}",
        &got[..3]
    );
}
