//! The audit trail read as a record (issue 20, point 8): words for actions, states and
//! fields, names for ids, Beijing time, filters, the CSV, and `audit verify` on the page
//! and through the API for the audit administrator — and the refusals by role (D22).

use axum::http::StatusCode;
use serde_json::json;
use zhenggai_storage::audit::Entity;
use zhenggai_storage::audit::trail::{self, TrailFilter};
use zhenggai_web::i18n::{Lang, Tr};
use zhenggai_web::pages::trail::words;

use crate::util::*;

/// Every column of every recorded table, and every action the demo's trail holds, has
/// its words in both languages: a Chinese reader meets no column name and no code.
#[tokio::test]
async fn every_field_and_action_of_the_trail_has_its_words() {
    let t = TestApp::new().await;
    let backend = t.app.db.backend();
    for lang in [Lang::Zh, Lang::En] {
        let tr = Tr(lang);
        for entity in Entity::ALL {
            assert_ne!(words::entity(&tr, entity.table()), entity.table());
            // The schema's own catalogue: every column the table has, as migrated.
            let columns: Vec<String> =
                sqlx::query_scalar(zhenggai_storage::db::dialect::table_columns(backend))
                    .bind(entity.table())
                    .fetch_all(t.app.db.pool())
                    .await
                    .unwrap();
            for column in columns {
                if [
                    "id",
                    "version",
                    "failed_logins",
                    "locked_until",
                    "last_used_at",
                ]
                .contains(&column.as_str())
                {
                    continue;
                }
                assert_ne!(
                    words::field(&tr, &column),
                    column,
                    "{}.{column} has no label",
                    entity.table()
                );
            }
        }
        for action in words::actions(true) {
            assert_ne!(words::action(&tr, action), action, "{action}");
        }
    }
    let all = trail::read(&t.app.db, &TrailFilter::default(), true, 0, 100_000)
        .await
        .unwrap();
    for e in &all.entries {
        assert!(
            words::actions(true).any(|a| a == e.action),
            "the action {} of entry #{} has no words",
            e.action,
            e.id
        );
    }
}

/// The supervisor reads a problem's record: who, the step and the states in words,
/// fields by label, units and people by name, no column name or code.
#[tokio::test]
async fn a_problems_trail_reads_as_a_record() {
    let t = TestApp::new().await;
    let p = t.problem("公车私用、车辆维修把关不严").await;
    let jijian = t.login("jijian").await;
    let page = t
        .get(Some(&jijian), &format!("/records/problems/{p}/trail"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    for words in [
        "认领",
        "已挂号 → 已认领",
        "孙强",
        "牵头单位",
        "行政后勤部",
        "王建国",
        "22. 公车私用",
    ] {
        assert!(body.contains(words), "{words} missing");
    }
    let table = body.split("<table class=\"grid trail\">").nth(1).unwrap();
    for raw in [
        "lead_unit_id",
        "leader_id",
        ">claim<",
        "registered",
        "claimed",
        ">create<",
        "null",
    ] {
        assert!(!table.contains(raw), "{raw} shown");
    }
    // Filtered by action, then by a day with nothing on it, then by a date mistyped.
    let claim = t
        .get(
            Some(&jijian),
            &format!("/records/problems/{p}/trail?action=claim"),
        )
        .await;
    assert_eq!(claim.body.matches("data-entry=").count(), 1);
    let none = t
        .get(
            Some(&jijian),
            &format!("/records/problems/{p}/trail?from=2000-01-01&until=2000-01-01"),
        )
        .await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("没有符合筛选条件"));
    let bad = t
        .get(
            Some(&jijian),
            &format!("/records/problems/{p}/trail?from=2024-13-40"),
        )
        .await;
    assert!(
        bad.body.contains("开始日期：日期应写成“年-月-日”"),
        "{}",
        bad.body
    );
    // Tester's finding 10: a filter's dates are read as every form's, and dates the
    // wrong way round are said to be so, not answered with an empty list alone.
    for (query, says) in [
        ("from=garbage", "开始日期：日期应写成“年-月-日”"),
        ("from=2024-02-30", "开始日期：2024年2月没有30日"),
        ("until=9999-01-01", "结束日期：年份应在1949至2100年之间"),
        (
            "from=2024-12-10&until=2024-01-01",
            "结束日期早于开始日期，请对调。",
        ),
    ] {
        let r = t
            .get(
                Some(&jijian),
                &format!("/records/problems/{p}/trail?{query}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{query}");
        assert!(r.body.contains(says), "{query}: {}", r.body);
    }
    // The CSV: readable columns, then the raw ones, filtered as the page.
    let csv = t
        .get(
            Some(&jijian),
            &format!("/records/problems/{p}/trail.csv?action=claim"),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}\"序号\",\"时间\",\"操作人\",\"操作\",\"记录类别\",\"记录\",\"原因\",\"字段\",\"原值\",\"新值\",entry,at,actor,action,entity,entity_id,reason,field,was,now"
    );
    let state = lines.find(|l| l.contains("\"state\"")).unwrap();
    assert!(
        state.contains("\"认领（已挂号 → 已认领）\"")
            && state.contains("\"整改状态\",\"已挂号\",\"已认领\"")
            && state.contains("\"claim\",\"problems\""),
        "{state}"
    );
    // Whoever reads the problem reads its trail (D21); whoever may not, neither; the
    // system and security administrators read no ledger and no trail.
    for who in ["office", "logistics", "finance", "leader_wang", "xunchaban"] {
        let s = t.login(who).await;
        let page = t.get(Some(&s), &format!("/problems/{p}")).await.status;
        for path in [
            format!("/records/problems/{p}/trail"),
            format!("/records/problems/{p}/trail.csv"),
        ] {
            let trail = t.get(Some(&s), &path).await.status;
            assert_eq!(
                trail == StatusCode::OK,
                page == StatusCode::OK,
                "{who} {path}: {trail}"
            );
        }
    }
    let office = t.login("office").await;
    assert_eq!(
        t.get(Some(&office), &format!("/records/problems/{p}/trail"))
            .await
            .status,
        StatusCode::OK,
        "the office reads the trail of its own ledger"
    );
    for who in ["sysadmin", "secadmin"] {
        let s = t.login(who).await;
        for path in [
            format!("/records/problems/{p}/trail"),
            format!("/records/problems/{p}/trail.csv"),
        ] {
            assert_eq!(
                t.get(Some(&s), &path).await.status,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
    }
    for path in ["/records/users/1/trail", "/admin/audit", "/admin/audit.csv"] {
        assert_eq!(
            t.get(Some(&jijian), path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

/// The audit administrator filters the whole trail by person and searches it, in
/// English too.
#[tokio::test]
async fn the_whole_trail_is_filtered_by_person_action_day_and_words() {
    let t = TestApp::new().await;
    let audit = t.login("auditadmin").await;
    let finance = t.get_user("finance").await;
    let page = t
        .get(
            Some(&audit),
            &format!("/admin/audit?who={}&action=create", finance.id.0),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = page.body.matches("data-entry=").count();
    assert!(rows > 0);
    assert_eq!(
        page.body
            .matches("<td data-label=\"操作人\">陈静</td>")
            .count(),
        rows
    );
    let found = t
        .get(Some(&audit), "/admin/audit?q=%E5%85%AC%E8%BD%A6")
        .await;
    assert!(
        found.body.contains("/records/problems/"),
        "records link to their trail"
    );
    let later = t.get(Some(&audit), "/admin/audit?from=2099-01-01").await;
    assert!(later.body.contains("没有符合筛选条件"));
    let csv = t.get(Some(&audit), "/admin/audit.csv?action=claim").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body
            .lines()
            .skip(1)
            .all(|l| l.contains("\"认领") || l.starts_with("\"审计校验码"))
    );
}

/// `audit verify` on the page and through the API: intact up to the last entry; after
/// a row is changed behind the system's back, broken, naming the record and the field
/// in words, with what it means and what to do. Nobody but the audit administrator.
#[tokio::test]
async fn the_audit_administrator_verifies_the_trail_on_the_page_and_through_the_api() {
    let t = TestApp::new().await;
    let audit = t.login("auditadmin").await;
    let r = t
        .post(Some(&audit), "/admin/audit/verify", &[("codes", "")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("审计日志完整") && r.body.contains("自第1条至第"),
        "{}",
        r.body
    );
    let doc = t.get(None, "/api/v1/openapi.json").await.json();
    let documented = &doc["paths"]["/api/v1/audit/verify"];
    assert!(
        documented["get"].is_object() && documented["post"].is_object(),
        "{documented}"
    );
    let token = t.token("auditadmin").await;
    let ok = t.api(&token, "GET", "/api/v1/audit/verify", None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let answer = ok.json();
    assert_eq!(answer["intact"], true);
    let code = answer["code"].as_str().unwrap().to_string();
    // A code given is proven reached; a code mistyped is refused, naming it.
    let reached = t
        .api(
            &token,
            "POST",
            "/api/v1/audit/verify",
            Some(json!({"checkpoints": [code]})),
        )
        .await;
    assert_eq!(reached.status, StatusCode::OK, "{}", reached.body);
    assert_eq!(reached.json()["checkpoints"].as_array().unwrap().len(), 1);
    let bad = t
        .api(
            &token,
            "POST",
            "/api/v1/audit/verify",
            Some(json!({"checkpoints": ["12-xyz"]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let page = t
        .post(Some(&audit), "/admin/audit/verify", &[("codes", "12-xyz")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("12-xyz：不是有效的审计校验码"));

    // A deadline changed behind the system's back.
    let m = t.measure(FINANCE_LEAD).await;
    t.write_directly(&format!(
        "UPDATE measures SET deadline_text = '2099年底前' WHERE id = {m}"
    ))
    .await;
    let broken = t
        .post(Some(&audit), "/admin/audit/verify", &[("codes", "")])
        .await;
    assert!(
        broken.body.contains("审计日志校验未通过"),
        "{}",
        broken.body
    );
    assert!(
        broken.body.contains("不同的字段：整改时限")
            && broken
                .body
                .contains(&format!("href=\"/records/measures/{m}/trail\""))
            && broken.body.contains("不要修改或恢复数据库"),
        "{}",
        broken.body
    );
    let answer = t
        .api(&token, "GET", "/api/v1/audit/verify", None)
        .await
        .json();
    assert_eq!(answer["intact"], false);
    assert_eq!(answer["findings"][0]["record"], format!("measures/{m}"));
    assert!(
        answer["findings"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("deadline_text")
    );

    for who in ["office", "jijian", "sysadmin", "secadmin", "finance"] {
        let s = t.login(who).await;
        let r = t
            .post(Some(&s), "/admin/audit/verify", &[("codes", "")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        let token = t.token(who).await;
        for method in ["GET", "POST"] {
            let body = (method == "POST").then(|| json!({}));
            let r = t.api(&token, method, "/api/v1/audit/verify", body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {method}");
        }
    }
}
