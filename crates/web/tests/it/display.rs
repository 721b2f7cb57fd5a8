//! What the outside tester found on the pages (6 Dec 2026): English pages name values
//! by their labels (no codes, no Chinese), refusals say who does the thing and whom to
//! ask, a record's trail offers the people and actions its entries hold, and the menu
//! links the pages a role opens.

use axum::http::StatusCode;

use crate::util::*;

/// A session reading in English.
fn in_english(s: &Session) -> Session {
    Session {
        cookie: format!("{}; zg_lang=en", s.cookie),
        csrf: s.csrf.clone(),
    }
}

/// The options of a select on a page, by the select's name: (value, label).
fn options(html: &str, name: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("<select name=\"{name}\""))
        .unwrap_or_else(|| panic!("no select {name}"));
    let select = &html[start..start + html[start..].find("</select>").unwrap()];
    select
        .split("<option value=\"")
        .skip(1)
        .map(|o| {
            let value = o[..o.find('"').unwrap()].to_string();
            let label = o[o.find('>').unwrap() + 1..]
                .trim_end_matches("</option>")
                .to_string();
            (value, label)
        })
        .collect()
}

/// The inspection's kind by its label, the ledger's size with singulars, a measure's
/// deadline kind and precision in the trail by their labels: no code, no Chinese word.
#[tokio::test]
async fn english_pages_name_values_by_their_labels() {
    let t = TestApp::new().await;
    let office = in_english(&t.login("office").await);
    let list = t.get(Some(&office), "/inspections").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("xuncha"), "{}", list.body);
    assert!(list.body.contains("Circuit inspection"), "{}", list.body);
    for plural in ["1 aspects", "1 problems", "1 measures", "1 items"] {
        assert!(!list.body.contains(plural), "{plural}: {}", list.body);
    }
    let m = t.measure(FINANCE_LEAD).await;
    let audit = in_english(&t.login("auditadmin").await);
    let trail = t
        .get(Some(&audit), &format!("/records/measures/{m}/trail"))
        .await;
    assert_eq!(trail.status, StatusCode::OK);
    assert!(trail.body.contains("Deadline kind"), "{}", trail.body);
    for code in [">dated<", ": dated", "旬", ">immediate<", ">long_term<"] {
        assert!(!trail.body.contains(code), "{code}: {}", trail.body);
    }
    assert!(trail.body.contains("By a date"), "{}", trail.body);
}

/// A unit or the upper level opening 督查 by its address is told who keeps it and whom
/// to ask, not that the page does not exist.
#[tokio::test]
async fn supervision_refuses_a_unit_and_the_upper_level_saying_whom_to_ask() {
    let t = TestApp::new().await;
    let unit = t.login("finance").await;
    let r = t.get(Some(&unit), "/supervision").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("由本单位整改办组织和记录"), "{}", r.body);
    assert!(r.body.contains("请向本单位整改办询问"), "{}", r.body);
    let upper = t.login("xunchaban").await;
    let r = t.get(Some(&upper), "/supervision").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("被巡察单位的整改办"), "{}", r.body);
    assert!(!r.body.contains("本单位整改办"), "{}", r.body);
    let r = t.get(Some(&in_english(&upper)), "/supervision").await;
    assert!(r.body.contains("inspected organisation"), "{}", r.body);
    assert!(r.body.contains("Could not be done"), "{}", r.body);
    // Those who keep and read it still do.
    for who in ["office", "jijian"] {
        let s = t.login(who).await;
        assert_eq!(t.get(Some(&s), "/supervision").await.status, StatusCode::OK);
    }
}

/// Withdrawing a measure is refused naming measures and the office of the ledger's
/// organisation, to the lead unit and to the upper level alike.
#[tokio::test]
async fn withdrawing_a_measure_is_refused_naming_who_withdraws_measures() {
    let t = TestApp::new().await;
    let m = t.measure(FINANCE_LEAD).await;
    let version = t.measure_record(m).await.version.to_string();
    for who in ["finance", "xunchaban"] {
        let s = t.login(who).await;
        let r = t
            .post(
                Some(&s),
                &format!("/measures/{m}/withdraw"),
                &[("version", &version), ("reason", "重复")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        assert!(
            r.body.contains("只有台账所属单位的整改办可以撤回整改措施"),
            "{who}: {}",
            r.body
        );
        assert!(!r.body.contains("回头看"), "{who}: {}", r.body);
    }
}

/// A record's trail offers the people its entries name, the system among them when it
/// wrote one, and only the actions its entries hold; the whole trail offers all.
#[tokio::test]
async fn a_records_trail_filters_offer_what_its_entries_hold() {
    let t = TestApp::new().await;
    let m = t.measure(FINANCE_LEAD).await;
    let audit = t.login("auditadmin").await;
    let path = format!("/records/measures/{m}/trail");
    let page = t.get(Some(&audit), &path).await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = page.body.matches("data-entry=").count();
    let actions = options(&page.body, "action");
    // "全部" and one option per action the record's entries hold, at most one per entry.
    assert!(actions.len() >= 2, "{actions:?}");
    assert!(actions.len() <= rows + 1, "{rows} entries: {actions:?}");
    let whole = t.get(Some(&audit), "/admin/audit").await;
    assert!(options(&whole.body, "action").len() > actions.len());
    // Each action offered finds entries.
    for (value, label) in actions.iter().skip(1) {
        let r = t.get(Some(&audit), &format!("{path}?action={value}")).await;
        assert!(r.body.contains("data-entry="), "{label} finds nothing");
    }
    // The system is offered where it wrote an entry, and chooses only its entries.
    let whole_people = options(&whole.body, "who");
    let system = whole_people.iter().find(|(v, _)| v == "system");
    if let Some((_, label)) = system {
        assert_eq!(label, "系统");
        let r = t.get(Some(&audit), "/admin/audit?who=system").await;
        let rows = r.body.matches("data-entry=").count();
        assert!(rows > 0);
        assert_eq!(
            r.body
                .matches("<td data-label=\"操作人\">系统</td>")
                .count(),
            rows
        );
    }
}

/// The menu links what the role opens: the discipline supervisor's API tokens, and the
/// calendar for every administrator.
#[tokio::test]
async fn the_menu_links_the_pages_a_role_opens() {
    let t = TestApp::new().await;
    let jijian = t.login("jijian").await;
    let home = t.get(Some(&jijian), "/").await;
    assert!(home.body.contains("href=\"/tokens\""), "{}", home.body);
    for admin in ["sysadmin", "secadmin", "auditadmin"] {
        let s = t.login(admin).await;
        let page = t.get(Some(&s), "/password").await;
        assert!(page.body.contains("href=\"/calendar\""), "{admin}");
    }
}

/// English outcomes write amounts with "yuan" and ASCII punctuation; the shipped
/// calendar's holidays are named in English.
#[tokio::test]
async fn english_amounts_and_holidays_read_in_english() {
    let t = TestApp::new().await;
    let office = in_english(&t.login("office").await);
    let i = t.inspection().await;
    let outcomes = t
        .get(Some(&office), &format!("/inspections/{i}/outcomes"))
        .await;
    assert_eq!(outcomes.status, StatusCode::OK);
    assert!(outcomes.body.contains(" yuan<"), "{}", outcomes.body);
    for zh in ["元<", "：", "；"] {
        assert!(!outcomes.body.contains(zh), "{zh}: {}", outcomes.body);
    }
    let calendar = t.get(Some(&office), "/calendar?year=2026").await;
    assert!(
        calendar.body.contains("Spring Festival"),
        "{}",
        calendar.body
    );
    assert!(calendar.body.contains("Built in"), "{}", calendar.body);
    for zh in ["春节", "元旦", "国庆节"] {
        assert!(!calendar.body.contains(zh), "{zh}");
    }
}
