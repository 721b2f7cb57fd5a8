//! 提醒 (D10) — what a reminder says and when it counts as the same reminder. A
//! reminder is keyed so that the same event never reaches the same person twice: a
//! warning once per mark before the deadline (turning green, turning yellow, each
//! reminder day, the day itself), an overdue one once per repeat period (daily by
//! default) until the measure is done, a long-term measure's review once per interval
//! that passes without progress.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::{china_time, from_china_time};
use crate::status::ReviewDue;
use crate::warning::{Colour, WarningRules};

/// When a message that leaves zhenggai (e-mail, a group-chat robot) may go out, for one
/// planned at `now`. A working day's reminders are planned by the first round after
/// midnight; sent then, they would ring phones and group chats at night. In the early
/// hours they wait until 08:00 Beijing time; the bell inside zhenggai shows them at once.
pub fn sends_from(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = china_time(now);
    match local.date().and_hms_opt(8, 0, 0) {
        Some(workday_starts) if local < workday_starts => from_china_time(workday_starts),
        _ => now,
    }
}

/// A reminder to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// Never sent twice: the person and this key identify it.
    pub key: String,
    /// Who (a user id).
    pub user: i64,
    /// The line a bell or an e-mail subject shows.
    pub subject: String,
    /// The text.
    pub body: String,
    /// Where to act on it.
    pub link: String,
}

/// 群机器人 — the group-chat robots these offices use, each with its own webhook format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RobotKind {
    /// 企业微信 — WeCom.
    Wecom,
    /// 钉钉 — DingTalk (signed with the robot's secret).
    Dingtalk,
    /// 飞书 — Feishu (signed with the robot's secret).
    Feishu,
}

crate::codes! {
    RobotKind {
        Wecom = "wecom",
        Dingtalk = "dingtalk",
        Feishu = "feishu",
    }
}

// What reminders say. Reminders are messages in Chinese that the domain composes for
// the scheduler, which sends them (the bell, e-mail, group robots) without the web
// layer: their words are their own, written here, and not the web's i18n tables.

/// A measure as a reminder names it.
#[derive(Debug, Clone, Copy)]
pub struct MeasureFacts<'a> {
    /// The measure.
    pub measure: i64,
    /// Its words.
    pub content: &'a str,
    /// Its lead unit's name.
    pub unit: &'a str,
    /// Its deadline as written (2024年6月底前, 长期坚持, …).
    pub deadline: &'a str,
}

impl MeasureFacts<'_> {
    /// A reminder's text: the measure's words (at most 40 characters), its lead unit,
    /// its deadline with how it stands, and what to do.
    fn body(&self, standing: &str, ask: &str) -> String {
        let content = crate::text::clip(self.content, 40);
        format!(
            "{content}\n牵头单位：{}\n整改时限：{}（{standing}）\n{ask}",
            self.unit, self.deadline
        )
    }

    /// Where to act on it.
    fn link(&self) -> String {
        format!("/measures/{}", self.measure)
    }
}

/// The facts of one warning.
#[derive(Debug, Clone, Copy)]
pub struct WarningFacts<'a> {
    /// The measure.
    pub of: MeasureFacts<'a>,
    /// The colour today.
    pub colour: Colour,
    /// Calendar days left (negative: overdue).
    pub days_left: i64,
    /// Working days overdue.
    pub overdue_workdays: i64,
}

/// The key of a warning reminder on a day: one per mark before the deadline, and once
/// overdue one per repeat period counted from the deadline.
pub fn warning_key(f: &WarningFacts<'_>, rules: &WarningRules) -> String {
    match f.colour {
        Colour::Red => {
            let period = (-f.days_left)
                .max(1)
                .div_euclid(i64::from(rules.repeat_days.max(1)));
            format!("warning:{}:red:{period}", f.of.measure)
        }
        other => format!(
            "warning:{}:{}:{}",
            f.of.measure,
            other.code(),
            rules.mark(f.days_left).unwrap_or(0)
        ),
    }
}

/// The reminder a warning sends to one person.
pub fn warning_reminder(f: &WarningFacts<'_>, user: i64, rules: &WarningRules) -> Reminder {
    let (subject, when) = match f.colour {
        Colour::Green if f.days_left == 0 => (
            "【绿色预警】整改措施今天到期".to_string(),
            "今天到期".to_string(),
        ),
        Colour::Yellow if f.days_left == 0 => (
            "【黄色预警】整改措施今天到期".to_string(),
            "今天到期".to_string(),
        ),
        Colour::Red => (
            format!("【红色预警】整改措施已逾期{}个工作日", f.overdue_workdays),
            format!("已逾期{}个工作日，共{}天", f.overdue_workdays, -f.days_left),
        ),
        Colour::Yellow => (
            format!("【黄色预警】整改措施还剩{}天到期", f.days_left),
            format!("还剩{}天", f.days_left),
        ),
        Colour::Green => (
            format!("【绿色预警】整改措施还剩{}天到期", f.days_left),
            format!("还剩{}天", f.days_left),
        ),
    };
    Reminder {
        key: warning_key(f, rules),
        user,
        subject,
        body: f.of.body(&when, "请及时推进并在系统中报送进展。"),
        link: f.of.link(),
    }
}

/// A long-term measure (长期坚持) that has gone longer than its organisation's interval
/// without progress.
#[derive(Debug, Clone, Copy)]
pub struct ReviewFacts<'a> {
    /// The measure.
    pub of: MeasureFacts<'a>,
    /// The interval the organisation set (days).
    pub interval_days: u32,
    /// Whether the measure has any progress (else the spell runs from its registration).
    pub progressed: bool,
    /// How long and since when.
    pub due: ReviewDue,
}

/// The reminder of a long-term measure due for review: once per interval that passes
/// without progress, keyed by the day the spell began, so that progress starts afresh.
pub fn review_reminder(f: &ReviewFacts<'_>, user: i64) -> Reminder {
    let quiet = if f.progressed {
        format!("已{}天未报送进展", f.due.quiet_days)
    } else {
        format!("登记{}天尚无进展", f.due.quiet_days)
    };
    Reminder {
        key: format!(
            "review:{}:{}:{}",
            f.of.measure, f.due.since, f.due.interval_count
        ),
        user,
        subject: format!("【长期坚持】整改措施{quiet}"),
        body: f.of.body(
            &quiet,
            &format!(
                "长期坚持的措施须每{}天报送一次进展，请在系统中报送阶段性进展。",
                f.interval_days
            ),
        ),
        link: f.of.link(),
    }
}

/// The reminder of a weekly report: on its day before the hour, or — once — after the
/// hour passed without it (叫号).
pub fn weekly_reminder(
    unit: i64,
    week: chrono::NaiveDate,
    due: chrono::NaiveDateTime,
    missing: bool,
    user: i64,
) -> Reminder {
    let when = due.format("%m月%d日%H:%M");
    let (key, subject, body) = if missing {
        (
            format!("weekly:{unit}:{week}:missing"),
            "【叫号】本周整改周报尚未报送".to_string(),
            format!("本周整改周报应于{when}前报送，目前尚未收到。请立即报送。"),
        )
    } else {
        (
            format!("weekly:{unit}:{week}:due"),
            format!("【周报】本周整改周报请于{when}前报送"),
            format!("请于{when}前在系统中报送本周整改周报（已按本周进展记录预填）。"),
        )
    };
    Reminder {
        key,
        user,
        subject,
        body,
        link: "/weekly".to_string(),
    }
}

/// A step that sends a problem's work back to its lead unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    /// 方案退回 — the plan goes back to be redrafted.
    Plan,
    /// 留号 — closure refused, with a new deadline (限时办结).
    Closure,
    /// 回炉 — a look-back reopens a closed problem.
    Reopened,
}

impl Returned {
    /// The step of a recorded action code, if it returns work.
    pub fn of_action(code: &str) -> Option<Returned> {
        match code {
            "return_plan" => Some(Returned::Plan),
            "return_closure" => Some(Returned::Closure),
            "reopen" => Some(Returned::Reopened),
            _ => None,
        }
    }
}

/// The reminder of a step that sent a problem back (D10: "on returned closures"), to
/// one person of its lead unit or its leader; `note` is the step's record ("date:
/// reason" for a closure returned or reopened, the reason for a plan).
pub fn returned_reminder(
    returned: Returned,
    event: i64,
    problem: i64,
    title: &str,
    note: &str,
    user: i64,
) -> Reminder {
    let (deadline, reason) = match returned {
        Returned::Plan => (None, note),
        _ => crate::lifecycle::read_return_note(note),
    };
    let (subject, ask) = match returned {
        Returned::Plan => (
            "【退回】整改方案被退回，请修改后重新报送",
            "请按退回意见修改措施后重新报送方案。",
        ),
        Returned::Closure => (
            "【留号】销号申请未通过，请限时办结",
            "各项措施已重新打开：请按意见继续整改，逐项报告进展并标记完成，在新的期限前全部完成后再申请销号。",
        ),
        Returned::Reopened => (
            "【回炉】回头看发现问题反弹，请重新整改",
            "各项措施已重新打开：请重新整改（需要时补充措施），逐项标记完成，在新的期限前整改到位后再申请销号。",
        ),
    };
    let mut body = format!("问题：{title}\n意见：{reason}");
    if let Some(d) = deadline {
        let d = d.format("%Y年%-m月%-d日");
        body.push_str(&format!("\n新的期限：{d}"));
    }
    body.push('\n');
    body.push_str(ask);
    Reminder {
        key: format!("returned:{event}"),
        user,
        subject: subject.to_string(),
        body,
        link: format!("/problems/{problem}"),
    }
}

/// 延期申请 to the leader in charge who decides it: until then the deadline runs and the
/// unit may ask no other.
pub fn extension_asked_reminder(event: i64, problem: i64, title: &str, user: i64) -> Reminder {
    Reminder {
        key: format!("extension:{event}"),
        user,
        subject: "【延期申请】牵头单位申请延期，请审批".to_string(),
        body: format!(
            "问题：{title}\n牵头单位申请延长措施的整改时限。请在问题页查看申请（哪条措施、现时限、申请延至何时、理由），批准或不予延期。"
        ),
        link: format!("/problems/{problem}"),
    }
}

/// 叫号 to the group: the units whose weekly report is missing after the hour.
pub fn weekly_roll_call(
    week: chrono::NaiveDate,
    due: chrono::NaiveDateTime,
    units: &[String],
) -> Reminder {
    Reminder {
        key: format!("weekly:{week}:missing"),
        user: 0,
        subject: "【叫号】本周整改周报未按时报送".to_string(),
        body: format!(
            "以下单位未在{}前报送本周整改周报，请立即报送：{}",
            due.format("%m月%d日%H:%M"),
            units.join("、")
        ),
        link: "/weekly".to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn facts(colour: Colour, days_left: i64) -> WarningFacts<'static> {
        WarningFacts {
            of: MeasureFacts {
                measure: 7,
                content: "清理违规发放的费用",
                unit: "财务部",
                deadline: "6月底前",
            },
            colour,
            days_left,
            overdue_workdays: (-days_left).max(0),
        }
    }

    #[test]
    fn each_mark_is_sent_once_and_red_repeats_each_period() {
        let rules = WarningRules::default();
        // Every day of the green window gives the same key: sent once.
        let greens: Vec<String> = (11..=20)
            .map(|d| warning_key(&facts(Colour::Green, d), &rules))
            .collect();
        assert!(greens.iter().all(|k| k == "warning:7:green:20"));
        // Yellow: on turning yellow, 3 days before, the day before and on the day.
        let mut yellows: Vec<String> = (0..=10)
            .rev()
            .map(|d| warning_key(&facts(Colour::Yellow, d), &rules))
            .collect();
        yellows.dedup();
        assert_eq!(
            yellows,
            [
                "warning:7:yellow:10",
                "warning:7:yellow:3",
                "warning:7:yellow:1",
                "warning:7:yellow:0"
            ]
        );
        // Red: a new key each day with daily repeats, each week with weekly ones.
        let daily: Vec<String> = (1..=7)
            .map(|d| warning_key(&facts(Colour::Red, -d), &rules))
            .collect();
        let mut unique = daily.clone();
        unique.dedup();
        assert_eq!(unique.len(), 7);
        let weekly_rules = WarningRules {
            repeat_days: 7,
            ..WarningRules::default()
        };
        let weekly: Vec<String> = (1..=13)
            .map(|d| warning_key(&facts(Colour::Red, -d), &weekly_rules))
            .collect();
        let mut unique = weekly.clone();
        unique.dedup();
        assert_eq!(unique.len(), 2);
    }

    #[test]
    fn a_long_term_review_is_reminded_once_per_interval_and_afresh_after_progress() {
        use crate::status::Activity;
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        let content = "坚持每周一开展集中学习，建立学习台账并定期通报学习情况，确保全体班子成员参学率不低于百分之九十五以上";
        let key_on = |activity: Activity, today| {
            activity.review_due(today, 30).map(|due| {
                review_reminder(
                    &ReviewFacts {
                        of: MeasureFacts {
                            measure: 7,
                            content,
                            unit: "办公室",
                            deadline: "长期坚持",
                        },
                        interval_days: 30,
                        progressed: activity.last_progress.is_some(),
                        due,
                    },
                    9,
                )
            })
        };
        let quiet = Activity {
            registered_on: day(3, 1),
            last_progress: None,
        };
        assert!(
            key_on(quiet, day(3, 31)).is_none(),
            "30 days is within the interval"
        );
        let first = key_on(quiet, day(4, 1)).unwrap();
        assert_eq!(first.key, "review:7:2024-03-01:1");
        assert_eq!(first.subject, "【长期坚持】整改措施登记31天尚无进展");
        assert!(first.body.starts_with("坚持每周一开展集中学习，建立学习台账并定期通报学习情况，确保全体班子成员参学率…\n牵头单位：办公室\n"));
        assert!(first.body.contains("每30天报送一次进展"));
        assert_eq!(first.link, "/measures/7");
        // The same interval on any later day: the same key, so sent once.
        assert_eq!(key_on(quiet, day(4, 29)).unwrap().key, first.key);
        assert_eq!(
            key_on(quiet, day(4, 30)).unwrap().key,
            "review:7:2024-03-01:2"
        );
        // Progress on 4 May starts afresh: nothing until 30 days have passed again.
        let progressed = Activity {
            last_progress: Some(day(5, 4)),
            ..quiet
        };
        assert!(key_on(progressed, day(6, 3)).is_none());
        let again = key_on(progressed, day(6, 4)).unwrap();
        assert_eq!(again.key, "review:7:2024-05-04:1");
        assert_eq!(again.subject, "【长期坚持】整改措施已31天未报送进展");
    }

    #[test]
    fn a_weekly_report_is_reminded_once_before_and_chased_once_after() {
        let week = chrono::NaiveDate::from_ymd_opt(2024, 6, 10).unwrap();
        let due = chrono::NaiveDate::from_ymd_opt(2024, 6, 14)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let before = weekly_reminder(3, week, due, false, 9);
        let after = weekly_reminder(3, week, due, true, 9);
        assert_eq!(before.key, "weekly:3:2024-06-10:due");
        assert_eq!(after.key, "weekly:3:2024-06-10:missing");
        assert!(before.subject.contains("06月14日10:00"));
        assert!(after.subject.contains("叫号"));
        let call = weekly_roll_call(week, due, &["财务部".into(), "人事部".into()]);
        assert_eq!(call.key, "weekly:2024-06-10:missing");
        assert!(call.body.contains("06月14日10:00") && call.body.ends_with("财务部、人事部"));
    }

    #[test]
    fn returned_work_says_why_and_by_when() {
        let r = returned_reminder(
            Returned::Closure,
            12,
            5,
            "小金库问题",
            "2024-06-30: 佐证材料不足",
            9,
        );
        assert_eq!(r.key, "returned:12");
        assert!(r.subject.contains("留号"));
        assert!(
            r.body.contains("意见：佐证材料不足") && r.body.contains("新的期限：2024年6月30日")
        );
        assert_eq!(r.link, "/problems/5");
        let p = returned_reminder(Returned::Plan, 13, 5, "小金库问题", "措施不具体: 请量化", 9);
        assert!(p.body.contains("意见：措施不具体: 请量化") && !p.body.contains("新的期限"));
        assert_eq!(Returned::of_action("reopen"), Some(Returned::Reopened));
        assert_eq!(Returned::of_action("claim"), None);
        let x = extension_asked_reminder(14, 5, "小金库问题", 3);
        assert_eq!(
            (x.key.as_str(), x.user, x.link.as_str()),
            ("extension:14", 3, "/problems/5")
        );
        assert!(x.subject.contains("延期申请") && x.body.contains("小金库问题"));
    }

    #[test]
    fn messages_planned_in_the_early_hours_wait_for_eight_in_beijing() {
        use chrono::TimeZone;
        let utc = |d: u32, h: u32, m: u32, sec: u32| {
            Utc.with_ymd_and_hms(2024, 4, d, h, m, sec)
                .single()
                .unwrap_or_default()
        };
        for (planned, goes) in [
            // 00:00:30 Beijing on the 26th (16:00:30 UTC on the 25th): 08:00 that day.
            (utc(25, 16, 0, 30), utc(26, 0, 0, 0)),
            // 07:59:59 Beijing: a second later.
            (utc(25, 23, 59, 59), utc(26, 0, 0, 0)),
            // 08:00 and later: at once.
            (utc(26, 0, 0, 0), utc(26, 0, 0, 0)),
            (utc(26, 1, 30, 0), utc(26, 1, 30, 0)),
            // 23:30 Beijing: at once (a step someone took in the evening).
            (utc(26, 15, 30, 0), utc(26, 15, 30, 0)),
            // 02:00 UTC is 10:00 Beijing: at once.
            (utc(25, 2, 0, 0), utc(25, 2, 0, 0)),
        ] {
            assert_eq!(sends_from(planned), goes, "{planned}");
        }
    }

    #[test]
    fn the_message_says_what_where_and_by_when() {
        let rules = WarningRules::default();
        let r = warning_reminder(&facts(Colour::Red, -3), 42, &rules);
        assert_eq!(r.user, 42);
        assert_eq!(r.subject, "【红色预警】整改措施已逾期3个工作日");
        assert!(r.body.contains("财务部") && r.body.contains("6月底前") && r.body.contains("3天"));
        assert_eq!(r.link, "/measures/7");
        let y = warning_reminder(&facts(Colour::Yellow, 5), 42, &rules);
        assert_eq!(y.subject, "【黄色预警】整改措施还剩5天到期");
        let today = warning_reminder(&facts(Colour::Yellow, 0), 42, &rules);
        assert_eq!(today.subject, "【黄色预警】整改措施今天到期");
    }
}
