//! The ledger's lists against the records one by one: the status filters against each
//! measure's standing, the warning board against the organisations' rules, the review
//! filter, and 待办 against each problem's own facts.

use super::*;

/// A filter on status alone (empty: every measure), all on one page of 200.
fn all_with_status(status: &str) -> query::Filter {
    query::FilterInput {
        status: status.into(),
        per_page: "200".into(),
        ..Default::default()
    }
    .check(200)
    .unwrap()
}

/// The ledger's status filters, stated in SQL, select exactly the measures whose
/// derived standing passes them; "due soon" follows the organisation's green window
/// and agrees with the warning colours.
#[tokio::test]
async fn status_filters_agree_with_the_standing_and_due_soon_with_the_warning_rules() {
    use zhenggai_domain::status::StandingFilter;
    use zhenggai_domain::warning::Colour;
    use zhenggai_storage::settings::warning_rules;

    let (t, actor, at) = demo_as_office().await;
    let list = |status: &str| {
        let filter = all_with_status(status);
        let (db, actor, status) = (&t.db, &actor, status.to_string());
        async move {
            let page = query::measure_list(db, actor, query::Within::All, &filter, today())
                .await
                .unwrap();
            let count = query::measure_count(db, actor, query::Within::All, &filter, today())
                .await
                .unwrap();
            assert_eq!(count, page.total, "{status}");
            assert!(page.total <= 200, "one page holds them all");
            page.measures
        }
    };
    let mut due_soon_by_window = Vec::new();
    for green_days in [None, Some(40), Some(5)] {
        if let Some(days) = green_days {
            t.office_sets_rules(&actor, at, (&days.to_string(), "3"), "")
                .await
                .unwrap();
        }
        let rules = warning_rules::of_org(&t.db, &actor, actor.org)
            .await
            .unwrap()
            .rules;
        let all = list("").await;
        for filter in StandingFilter::ALL {
            let mut expected: Vec<_> = all
                .iter()
                .filter(|m| m.standing.matches(filter))
                .map(|m| m.id)
                .collect();
            let mut got: Vec<_> = list(filter.code()).await.iter().map(|m| m.id).collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{} with {green_days:?}", filter.code());
        }
        for m in &all {
            let colour = rules.colour(&m.deadline, m.state, today());
            assert_eq!(
                m.standing.matches(StandingFilter::DueSoon),
                matches!(colour, Some(Colour::Green | Colour::Yellow)),
                "{m:?} with {green_days:?}"
            );
        }
        due_soon_by_window.push(
            all.iter()
                .filter(|m| m.standing.matches(StandingFilter::DueSoon))
                .count(),
        );
    }
    let [default, wide, narrow] = due_soon_by_window[..] else {
        panic!("three windows")
    };
    assert!(
        narrow < default && default < wide,
        "the demo has deadlines within 5, 20 and 40 days: {due_soon_by_window:?}"
    );
}

/// One generated organisation of `problems` problems with two measures each (one
/// inspection), and its office.
async fn one_organisation_generated(problems: i64) -> (TestDb, zhenggai_domain::access::Actor) {
    use zhenggai_demo::scale::{self, Scale};
    let t = TestDb::new().await.unwrap();
    let at = Utc.with_ymd_and_hms(2024, 4, 25, 1, 0, 0).unwrap();
    let made = scale::generate(
        &t.db,
        Scale {
            orgs: 1,
            depts_per_org: 3,
            inspections: 1,
            problems,
            first_inspection_problems: problems,
            measures_per_problem: 2,
        },
        today(),
        at,
    )
    .await
    .unwrap();
    let office = users::find(&t.db, &made.office_user)
        .await
        .unwrap()
        .unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
    (t, actor)
}

/// The warning board lists its measures a page at a time, the most urgent first: every
/// page together holds each warned measure once, in the order of urgency, as many as
/// it counts.
#[tokio::test]
async fn the_warning_board_pages_through_every_warned_measure_most_urgent_first() {
    use zhenggai_domain::calendar::Calendar;
    use zhenggai_storage::ledger::warnings;

    let (t, actor) = one_organisation_generated(900).await;
    let calendar = Calendar::official();
    let first = warnings::board(&t.db, &actor, &calendar, today(), (1, 50))
        .await
        .unwrap();
    assert!(first.total() > 200, "{:?}", first.counts);
    assert_eq!(
        (first.warned.len(), first.page, first.per_page),
        (50, 1, 50)
    );
    let mut listed = Vec::new();
    for page in 1.. {
        let board = warnings::board(&t.db, &actor, &calendar, today(), (page, 50))
            .await
            .unwrap();
        assert_eq!(board.counts, first.counts, "page {page}");
        if board.warned.is_empty() {
            break;
        }
        listed.extend(
            board
                .warned
                .iter()
                .map(|w| (w.measure.deadline.date, w.measure.id)),
        );
    }
    assert_eq!(i64::try_from(listed.len()).unwrap(), first.total());
    assert!(
        listed.windows(2).all(|w| w[0] < w[1]),
        "most urgent first, each once"
    );
}

/// The warning board counts each measure by its own organisation's rules, as its list
/// does: the upper level, whose own rules are the defaults, sees the same colours as
/// the office of an organisation that set its own, and the rules it is shown are that
/// organisation's, not its own.
#[tokio::test]
async fn the_warning_board_counts_each_measure_by_its_own_organisations_rules() {
    use std::collections::BTreeMap;
    use zhenggai_domain::calendar::Calendar;
    use zhenggai_storage::ledger::warnings;

    let (t, office, at) = demo_as_office().await;
    t.office_sets_rules(&office, at, ("40", "3"), "")
        .await
        .unwrap();
    let upper = t.actor("xunchaban").await;
    assert_ne!(upper.org, office.org);
    let mut seen = Vec::new();
    for actor in [&office, &upper] {
        let board = warnings::board(&t.db, actor, &Calendar::official(), today(), (1, 200))
            .await
            .unwrap();
        let mut listed: BTreeMap<&str, i64> = BTreeMap::new();
        for w in &board.warned {
            *listed.entry(w.warning.colour.code()).or_default() += 1;
        }
        let counted: BTreeMap<&str, i64> = board
            .counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| (c.code(), *n))
            .collect();
        assert_eq!(counted, listed, "{:?}", actor.role);
        let shown: Vec<(zhenggai_domain::UnitId, u32, u32)> = board
            .rules
            .iter()
            .map(|r| (r.org.id, r.rules.green_days, r.rules.yellow_days))
            .collect();
        assert_eq!(shown, [(office.org, 40, 3)], "{:?}", actor.role);
        assert_eq!(board.rules[0].org.name, "报社");
        seen.push(board.counts);
    }
    assert_eq!(
        seen[0], seen[1],
        "the upper level sees the office's colours"
    );
    assert!(
        seen[0].iter().any(|(c, n)| c.code() == "green" && *n > 2),
        "the 40-day window reaches beyond the default 20: {:?}",
        seen[0]
    );
}

/// "Long-term, progress overdue" (review_due), stated in SQL, selects exactly the
/// measures whose standing the ledger marks, by each organisation's interval: counted
/// from the last progress or, without any, from the day of the registration in Beijing
/// (a measure registered at 01:30 Beijing time, 17:30 UTC the day before, is of its
/// Beijing day).
#[tokio::test]
async fn the_review_filter_agrees_with_the_standing_from_progress_or_registration() {
    use zhenggai_domain::status::StandingFilter;
    use zhenggai_storage::ledger::measures::{self, MeasureInput};

    let (t, actor, at) = demo_as_office().await;
    let lead_unit = users::find(&t.db, "finance")
        .await
        .unwrap()
        .unwrap()
        .unit_id;
    // A long-term measure without progress, registered just after midnight in Beijing.
    let night = Utc.with_ymd_and_hms(2024, 4, 25, 17, 30, 0).unwrap();
    let problems: Vec<i64> = t.problems().await.iter().map(|p| p.id.0).collect();
    let mut quiet = None;
    for p in problems {
        let made = measures::create(
            &t.db,
            &actor,
            Change {
                actor: Some(actor.user),
                at: night,
                reason: None,
            },
            zhenggai_domain::ProblemId(p),
            &MeasureInput {
                content: "坚持每季度开展一次警示教育".into(),
                lead_unit_id: lead_unit.0,
                cooperating_unit_ids: vec![],
                leader_id: None,
                responsible_person: String::new(),
                target: "每季度至少一次".into(),
                deadline: "长期坚持".into(),
            },
        )
        .await;
        if let Ok(id) = made {
            quiet = Some(id);
            break;
        }
    }
    let quiet = quiet.expect("the office can add a measure to some problem");
    let list = |status: &'static str, on: NaiveDate| {
        let filter = all_with_status(status);
        let (db, actor) = (&t.db, &actor);
        async move {
            query::measure_list(db, actor, query::Within::All, &filter, on)
                .await
                .unwrap()
                .measures
        }
    };
    let days: Vec<NaiveDate> = (0..16)
        .chain(55..110)
        .map(|d| today() + chrono::Duration::days(d))
        .collect();
    let mut flagged = std::collections::BTreeSet::new();
    for interval in [None, Some(7), Some(30)] {
        if let Some(days) = interval {
            t.office_sets_rules(&actor, at, ("20", "10"), &days.to_string())
                .await
                .unwrap();
        }
        for on in &days {
            let all = list("", *on).await;
            let mut expected: Vec<_> = all
                .iter()
                .filter(|m| m.standing.matches(StandingFilter::ReviewDue))
                .map(|m| m.id)
                .collect();
            let mut got: Vec<_> = list("review_due", *on).await.iter().map(|m| m.id).collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{on} every {interval:?} days");
            flagged.extend(got);
        }
    }
    // The demo's long-term measures and the new one were each due at some point.
    let long_term = t
        .measures()
        .await
        .iter()
        .filter(|m| m.deadline.kind == zhenggai_domain::deadline::DeadlineKind::LongTerm)
        .count();
    assert_eq!(flagged.len(), long_term);
    // Every 30 days (the rules in force now): registered on 26 April in Beijing, so due
    // from 27 May — not from 26 May, as the UTC day (25 April) would have it.
    let due_on = |on: NaiveDate| {
        let list = &list;
        async move { list("review_due", on).await.iter().any(|m| m.id == quiet) }
    };
    assert!(!due_on(NaiveDate::from_ymd_opt(2024, 5, 26).unwrap()).await);
    assert!(due_on(NaiveDate::from_ymd_opt(2024, 5, 27).unwrap()).await);
}

/// 待办: the home page's list of problems waiting for a person, read for all of them at
/// once, gives what asking the lifecycle problem by problem gives (`facts`), for every
/// account of the demo, with the demo's problems in every state it has.
#[tokio::test]
async fn the_waiting_list_is_what_each_problems_own_facts_give() {
    use zhenggai_domain::ProblemId;
    use zhenggai_domain::lifecycle::ProblemState;
    use zhenggai_storage::ledger::lifecycle;
    let (t, office, at) = demo_as_office().await;
    // A problem whose lead unit is set and leads none of its measures (it has none yet):
    // it waits for that unit to claim it all the same.
    let finance = t.actor("finance").await.unit;
    let (aspect, inspection): (i64, i64) =
        sqlx::query_as("SELECT id, inspection_id FROM aspects ORDER BY id LIMIT 1")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    let own_lead = zhenggai_storage::ledger::problems::create(
        &t.db,
        &office,
        zhenggai_storage::audit::Change {
            actor: Some(office.user),
            at,
            reason: None,
        },
        zhenggai_domain::InspectionId(inspection),
        &zhenggai_storage::ledger::problems::ProblemInput {
            aspect_id: aspect,
            item_id: None,
            title: "财务档案管理不规范".into(),
            description: String::new(),
            source: "inspection".into(),
            lead_unit_id: Some(finance.0),
            leader_id: None,
            carry_measure_ids: None,
        },
    )
    .await
    .unwrap();
    let accounts = t.accounts().await;
    let states: std::collections::BTreeSet<&str> =
        t.problems().await.iter().map(|p| p.state.code()).collect();
    assert!(states.len() >= 5, "{states:?}");
    let mut conn = t.db.pool().acquire().await.unwrap();
    let mut listed = 0;
    for account in accounts {
        let actor = users::actor(&t.db, account).await.unwrap();
        let got: Vec<(i64, Vec<&str>)> = lifecycle::offered::waiting(&t.db, &actor, today())
            .await
            .unwrap()
            .into_iter()
            .map(|w| (w.problem_id.0, w.actions))
            .collect();
        // What is open, read from the rows themselves: the oracle the list is checked
        // against does not share its query.
        let open: Vec<i64> = sqlx::query_scalar(
            "SELECT p.id FROM problems p JOIN inspections i ON i.id = p.inspection_id \
             WHERE i.org_id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL \
             AND p.state NOT IN ('closed', 'consolidated') ORDER BY i.feedback_date, p.ordinal",
        )
        .bind(actor.org.0)
        .fetch_all(t.db.pool())
        .await
        .unwrap();
        let mut want = Vec::new();
        for id in open {
            let f = lifecycle::facts::facts(&mut conn, ProblemId(id), today())
                .await
                .unwrap();
            let actions: Vec<&str> = lifecycle::offered::available(&actor, &f.problem, f.policy)
                .into_iter()
                .filter(|a| !matches!(*a, "extend" | "reopen" | "confirm" | "add_measure"))
                .collect();
            let waits_for_measures =
                f.problem.state == ProblemState::InProgress && f.problem.measures_open > 0;
            if !actions.is_empty() && !waits_for_measures {
                want.push((id, actions));
            }
        }
        listed += got.len();
        assert_eq!(got, want, "account {} ({:?})", account.0, actor.role);
        if actor.unit == finance && actor.role == zhenggai_domain::Role::Unit {
            assert!(
                got.iter().any(|(id, _)| *id == own_lead.0),
                "the unit's own problem without measures waits for it"
            );
        }
    }
    assert!(listed > 0);
}

/// A keyword search finds a measure by its own text or its problem's title, and counts
/// its matches only four pages past the one shown (at least 200), saying when there are
/// more; counted in full, the count equals the measures found page by page.
#[tokio::test]
async fn a_keyword_search_finds_problem_titles_and_counts_up_to_a_cap() {
    let search = |q: &str, page: usize, per_page: usize| {
        query::FilterInput {
            q: q.into(),
            page: page.to_string(),
            per_page: per_page.to_string(),
            ..Default::default()
        }
        .check(200)
        .unwrap()
    };
    // By the problem's title: the measure's own text does not hold the word.
    let (t, office, _) = demo_as_office().await;
    let page = query::measure_list(
        &t.db,
        &office,
        query::Within::All,
        &search("第二职业", 1, 50),
        today(),
    )
    .await
    .unwrap();
    assert_eq!(page.measures.len(), 1);
    assert_eq!(page.measures[0].problem_title, "利用报社影响力从事第二职业");
    assert!(!page.measures[0].content.contains("第二职业"));
    assert_eq!((page.total, page.more), (1, false));

    let (t, office) = one_organisation_generated(600).await;
    let list = |q: &str, page: usize, per_page: usize| {
        let (db, office, filter) = (&t.db, &office, search(q, page, per_page));
        async move {
            query::measure_list(db, office, query::Within::All, &filter, today())
                .await
                .unwrap()
        }
    };
    // Every generated measure's text starts "针对": 1,200 match.
    let first = list("针对", 1, 50).await;
    assert_eq!(
        (first.total, first.more, first.measures.len()),
        (200, true, 50)
    );
    let second = list("针对", 2, 100).await;
    assert_eq!(
        (second.total, second.more),
        (500, true),
        "four pages past the second"
    );
    let last = list("针对", 12, 100).await;
    assert_eq!(
        (last.total, last.more, last.measures.len()),
        (1200, false, 100)
    );
    let beyond = list("针对", 13, 100).await;
    assert_eq!((beyond.total, beyond.more), (1200, false));
    assert!(beyond.measures.is_empty());

    // A word in part of them, counted in full: the count is what the pages hold.
    let word = "公车";
    let mut found = Vec::new();
    for n in 1.. {
        let page = list(word, n, 200).await;
        if page.measures.is_empty() {
            break;
        }
        assert!(!page.more, "{} on page {n}", page.total);
        found.extend(page.measures.iter().map(|m| m.id));
        assert!(
            page.measures
                .iter()
                .all(|m| m.content.contains(word) || m.problem_title.contains(word))
        );
    }
    let counted = list(word, 1, 200).await.total;
    assert!(found.len() > 50 && found.len() < 800, "{}", found.len());
    assert_eq!(counted, i64::try_from(found.len()).unwrap());
    found.sort();
    found.dedup();
    assert_eq!(
        i64::try_from(found.len()).unwrap(),
        counted,
        "no measure on two pages"
    );
}
