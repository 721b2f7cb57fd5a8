//! 三员分立: the three administrators do each other's work no more than business data.

use axum::http::StatusCode;
use serde_json::json;

use zhenggai_storage::audit::Entity;

use crate::util::*;

#[tokio::test]
async fn the_system_administrator_creates_accounts_and_the_security_administrator_assigns_roles() {
    let t = TestApp::new().await;
    let sys = t.token("sysadmin").await;
    let sec = t.token("secadmin").await;
    let units = t.api(&sys, "GET", "/api/v1/units", None).await.json();
    let finance = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["short_name"] == "财务部")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let created = t
        .api(
            &sys,
            "POST",
            "/api/v1/users",
            Some(json!({"username": "zhangsan", "display_name": "张三", "unit_id": finance})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let user = t.api(&sys, "GET", "/api/v1/users", None).await.json();
    let user = user
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(
        user["role"], "unassigned",
        "the system administrator assigned a role"
    );

    // The system administrator may not assign roles; the security administrator may.
    let body = json!({"version": user["version"], "role": "unit"});
    assert_eq!(
        t.api(
            &sys,
            "PUT",
            &format!("/api/v1/users/{id}/role"),
            Some(body.clone())
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.api(&sec, "PUT", &format!("/api/v1/users/{id}/role"), Some(body))
            .await
            .status,
        StatusCode::NO_CONTENT
    );

    // The security administrator may not create accounts, nor raise their own role.
    let r = t
        .api(
            &sec,
            "POST",
            "/api/v1/users",
            Some(json!({"username": "lisi", "display_name": "李四", "unit_id": finance})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let me = t.api(&sec, "GET", "/api/v1/me", None).await.json();
    let own = t
        .api(
            &sec,
            "PUT",
            &format!("/api/v1/users/{}/role", me["id"]),
            Some(json!({"version": me["version"], "role": "office"})),
        )
        .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn only_the_audit_administrator_reads_the_trail_and_nobody_else_reaches_administration() {
    let t = TestApp::new().await;
    let audit = t.login("auditadmin").await;
    let page = t.get(Some(&audit), "/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("整改措施") && page.body.contains("审计日志校验"));
    for who in ["office", "finance", "jijian", "sysadmin", "secadmin"] {
        let s = t.login(who).await;
        assert_eq!(
            t.get(Some(&s), "/admin/audit").await.status,
            StatusCode::FORBIDDEN,
            "{who} read the trail"
        );
        let token = t.token(who).await;
        assert_eq!(
            t.api(&token, "GET", "/api/v1/audit", None).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    for who in ["office", "finance", "jijian", "auditadmin"] {
        let s = t.login(who).await;
        assert_eq!(
            t.get(Some(&s), "/admin/users").await.status,
            StatusCode::FORBIDDEN,
            "{who} reached users"
        );
        assert_eq!(
            t.get(Some(&s), "/admin/units").await.status,
            StatusCode::FORBIDDEN,
            "{who} reached units"
        );
        let r = t
            .post(
                Some(&s),
                "/admin/users",
                &[("username", "x1"), ("display_name", "x"), ("unit_id", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} created a user");
    }
}

#[tokio::test]
async fn a_new_account_must_change_its_one_time_password() {
    let t = TestApp::new().await;
    let sys = t.login("sysadmin").await;
    let r = t
        .post(
            Some(&sys),
            "/admin/users",
            &[
                ("username", "wangwu"),
                ("display_name", "王五"),
                ("unit_id", "4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let password = r
        .body
        .split("首次登录须修改）：<kbd>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .trim()
        .to_string();
    let login = t.submit_login("wangwu", &password, "/").await;
    let cookie = login
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let s = Session {
        cookie,
        csrf: String::new(),
    };
    let home = t.get(Some(&s), "/").await;
    assert_eq!(home.location(), "/password");
}

#[tokio::test]
async fn a_trail_exported_as_csv_holds_no_formula_a_spreadsheet_would_run() {
    // The office gives a reason typed as a formula; the audit administrator opens the
    // trail in Excel or WPS: every field is text.
    let t = TestApp::new().await;
    let m = t.measure(FINANCE_LEAD).await;
    let office = t.login("office").await;
    let reason = "=HYPERLINK(\"http://evil.example/\",\"点此查看\")";
    let version = t.measure_record(m).await.version.to_string();
    let r = t
        .post(
            Some(&office),
            &format!("/measures/{m}/withdraw"),
            &[("version", &version), ("reason", reason)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let audit = t.login("auditadmin").await;
    let csv = t
        .get(Some(&audit), &format!("/records/measures/{m}/trail.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body
            .contains(",\"'=HYPERLINK(\"\"http://evil.example/\"\""),
        "{}",
        csv.body
    );
    let sheets =
        zhenggai_spreadsheet::read::read(&csv.bytes, &zhenggai_spreadsheet::Limits::default())
            .unwrap();
    for cell in sheets[0].rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@']),
            "a field a spreadsheet would run: {cell}"
        );
    }
}

#[tokio::test]
async fn supervisors_and_the_audit_administrator_read_and_export_a_records_trail() {
    let t = TestApp::new().await;
    let m = t.measure(FINANCE_LEAD).await;
    // A change to read back.
    let finance = t.token("finance").await;
    let r = t
        .post_progress(
            Auth::Token(&finance),
            &format!("/api/v1/measures/{m}/progress"),
            &[("happened_on", "2024-04-20"), ("content", "补充账户清单")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    for who in ["jijian", "auditadmin"] {
        let s = t.login(who).await;
        let page = t
            .get(Some(&s), &format!("/records/measures/{m}/trail"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{who}");
        assert!(
            page.body.contains("陈静") && page.body.contains("新建"),
            "{who}"
        );
        let csv = t
            .get(Some(&s), &format!("/records/measures/{m}/trail.csv"))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.headers
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(
            csv.body.starts_with("\u{feff}\"序号\",")
                && csv.body.contains(",entry,at,actor,action,")
                && csv.body.contains("\"state\""),
            "{}",
            csv.body
        );
        let token = t.token(who).await;
        let json = t
            .api(&token, "GET", &format!("/api/v1/audit/measures/{m}"), None)
            .await;
        assert_eq!(json.status, StatusCode::OK, "{who}");
        assert!(json.json().as_array().unwrap().len() >= 2);
    }
    let jijian = t.login("jijian").await;
    let page = t.get(Some(&jijian), &format!("/measures/{m}")).await;
    assert!(
        page.body.contains(&format!("/records/measures/{m}/trail")),
        "the supervisor is offered the trail on the record's page"
    );
    // Supervisors read trails of ledger records, not of accounts.
    assert_eq!(
        t.get(Some(&jijian), "/records/users/1/trail").await.status,
        StatusCode::FORBIDDEN
    );
    // Whoever reads the measure reads its trail (D21); the system and security
    // administrators, who read no ledger, read none.
    for who in ["office", "finance", "logistics"] {
        let s = t.login(who).await;
        let page = t.get(Some(&s), &format!("/measures/{m}")).await.status;
        for path in [
            format!("/records/measures/{m}/trail"),
            format!("/records/measures/{m}/trail.csv"),
        ] {
            let trail = t.get(Some(&s), &path).await.status;
            assert_eq!(
                trail == StatusCode::OK,
                page == StatusCode::OK,
                "{who} {path}: {trail}"
            );
        }
    }
    for who in ["sysadmin", "secadmin"] {
        let s = t.login(who).await;
        for path in [
            format!("/records/measures/{m}/trail"),
            format!("/records/measures/{m}/trail.csv"),
        ] {
            assert_eq!(
                t.get(Some(&s), &path).await.status,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
    }
    let audit = t.login("auditadmin").await;
    assert_eq!(
        t.get(Some(&audit), "/records/users/1/trail").await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(Some(&audit), "/records/sessions/1/trail")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// 分管单位 are shown by name and chosen from the departments of the leader's own
/// organisation; another organisation's unit, or one that does not exist, is refused
/// and the stored choice kept — on the page and through the API.
#[tokio::test]
async fn a_leader_is_put_in_charge_of_departments_of_their_own_organisation_only() {
    let t = TestApp::new().await;
    let sec = t.login("secadmin").await;
    let leader = t.user("leader_wang").await;
    let (finance, hr) = (t.unit("财务部").await, t.unit("人力资源部").await);
    let elsewhere = t.unit("市委巡察工作领导小组办公室").await;
    let stored = || async {
        t.get_user("leader_wang")
            .await
            .units_in_charge
            .iter()
            .map(|u| u.0)
            .collect::<Vec<i64>>()
    };
    let before = stored().await;

    // The units page names each unit's parent too.
    let sys = t.login("sysadmin").await;
    let units_page = t.get(Some(&sys), "/admin/units").await;
    let finance_row = units_page
        .body
        .split("<tr")
        .find(|r| r.contains("<td>财务部</td>"))
        .unwrap_or_default();
    assert!(
        finance_row.contains("<td class=\"parent\">报社</td>"),
        "{finance_row}"
    );

    let page = t.get(Some(&sec), "/admin/users").await;
    let row = page
        .body
        .split("<tr")
        .find(|r| r.contains("leader_wang"))
        .unwrap_or_default()
        .to_string();
    let shown = row
        .split("class=\"in-charge\">")
        .nth(1)
        .and_then(|c| c.split("</td>").next())
        .unwrap_or_default();
    assert!(
        !shown.is_empty() && !shown.chars().any(|c| c.is_ascii_digit()),
        "names, not ids: {shown}"
    );
    assert!(row.contains(&format!("name=\"units_in_charge\" value=\"{finance}\"")));
    assert!(
        !row.contains(&format!("name=\"units_in_charge\" value=\"{elsewhere}\"")),
        "only the leader's own organisation's departments are offered"
    );

    let version = || async { t.get_user("leader_wang").await.version.to_string() };
    let path = format!("/admin/users/{leader}/role");
    for (units, says) in [
        (
            vec![finance.to_string(), elsewhere.to_string()],
            "分管单位须是本人所在单位的部门",
        ),
        (vec!["财务部".to_string()], "请从列表中选择分管单位"),
    ] {
        let v = version().await;
        let mut form = vec![("role", "leader"), ("version", v.as_str())];
        form.extend(units.iter().map(|u| ("units_in_charge", u.as_str())));
        let r = t.post(Some(&sec), &path, &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{units:?}");
        assert!(r.body.contains(says), "{units:?}");
        assert_eq!(stored().await, before, "nothing changed");
    }
    let v = version().await;
    let (f, h) = (finance.to_string(), hr.to_string());
    let r = t
        .post(
            Some(&sec),
            &path,
            &[
                ("role", "leader"),
                ("version", v.as_str()),
                ("units_in_charge", f.as_str()),
                ("units_in_charge", h.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(stored().await, [finance, hr]);

    let token = t.token("secadmin").await;
    let v: i64 = version().await.parse().unwrap();
    let api = t
        .api(
            &token,
            "PUT",
            &format!("/api/v1/users/{leader}/role"),
            Some(json!({"version": v, "role": "leader", "units_in_charge": [elsewhere]})),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    assert_eq!(stored().await, [finance, hr]);
}

/// Sets a one-time password for a demo account as the system administrator would, and
/// gives that account a token made before the reset would have revoked it.
async fn one_time_password(t: &TestApp, username: &str) -> (String, String) {
    let sys = t.login("sysadmin").await;
    let user = t.get_user(username).await;
    let r = t
        .post(
            Some(&sys),
            &format!("/admin/users/{}/password", user.id.0),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let password = r
        .body
        .split("的新一次性密码：<kbd>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .trim()
        .to_string();
    // A token made afterwards (e.g. by a script holding a session) stays refused too.
    (password, t.token(username).await)
}

#[tokio::test]
async fn until_a_one_time_password_is_changed_the_api_allows_only_the_change() {
    let t = TestApp::new().await;
    let m = t.measure(FINANCE_LEAD).await;
    let (password, token) = one_time_password(&t, "finance").await;
    for (method, path, body) in [
        ("GET", format!("/api/v1/measures/{m}"), None),
        ("GET", "/api/v1/me".to_string(), None),
        (
            "POST",
            "/api/v1/tokens".to_string(),
            Some(serde_json::json!({"name": "forever"})),
        ),
        ("GET", format!("/api/v1/measures/{m}/progress"), None),
    ] {
        let r = t.api(&token, method, &path, body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(r.json()["error"], "must_change_password", "{path}");
    }
    let r = t
        .api(
            &token,
            "POST",
            "/api/v1/password",
            Some(serde_json::json!({"old_password": password, "password": "Ledger-new-pass-42"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // The change revoked every token, this one too: a new one works.
    assert_eq!(
        t.api(&token, "GET", "/api/v1/me", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let fresh = t.token("finance").await;
    assert_eq!(
        t.api(&fresh, "GET", &format!("/api/v1/measures/{m}"), None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_password_change_on_the_page_states_the_rule_refuses_weak_ones_and_ends_other_sessions() {
    let t = TestApp::new().await;
    let here = t.login("finance").await;
    let there = t.login("finance").await;
    let token = t.token("finance").await;
    let page = t.get(Some(&here), "/password").await;
    assert!(page.body.contains("不能含用户名，不能是常见密码"));
    for (new, says) in [
        ("Finance-2024!x", "用户名"),
        ("P@ssw0rd2024", "常见密码"),
        ("1234 5678 9012", "数字和空格"),
        (PASSWORD, "当前密码"),
    ] {
        let r = t
            .post(
                Some(&here),
                "/password",
                &[("old_password", PASSWORD), ("password", new)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        assert!(r.body.contains(says), "{new}: {}", r.body);
    }
    let r = t
        .post(
            Some(&here),
            "/password",
            &[
                ("old_password", PASSWORD),
                ("password", "Ledger-new-pass-42"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.get(Some(&here), "/").await.status, StatusCode::OK);
    assert_eq!(
        t.get(Some(&there), "/").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(
        t.api(&token, "GET", "/api/v1/me", None).await.status,
        StatusCode::UNAUTHORIZED,
        "the token was revoked"
    );
}

#[tokio::test]
async fn people_list_and_revoke_their_own_tokens_and_no_one_elses() {
    let t = TestApp::new().await;
    let finance = t.login("finance").await;
    let r = t
        .post(Some(&finance), "/tokens", &[("name", "周报脚本")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let token = r
        .body
        .split("<code class=\"token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        t.api(&token, "GET", "/api/v1/me", None).await.status,
        StatusCode::OK
    );
    let list = t.api(&token, "GET", "/api/v1/tokens", None).await.json();
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["name"], "周报脚本");
    assert!(list[0]["last_used_at"].is_string());
    let page = t.get(Some(&finance), "/tokens").await;
    assert!(page.body.contains("周报脚本") && page.body.contains("撤销"));
    // Another person cannot revoke it, on the page or through the API.
    let hr = t.login("hr").await;
    assert_eq!(
        t.post(Some(&hr), &format!("/tokens/{id}/revoke"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let hr_token = t.token("hr").await;
    assert_eq!(
        t.api(
            &hr_token,
            "POST",
            &format!("/api/v1/tokens/{id}/revoke"),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.api(&token, "GET", "/api/v1/me", None).await.status,
        StatusCode::OK
    );
    let r = t
        .post(Some(&finance), &format!("/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.api(&token, "GET", "/api/v1/me", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        t.get(Some(&finance), "/tokens")
            .await
            .body
            .contains("已撤销")
    );
}

#[tokio::test]
async fn the_security_administrator_disables_and_enables_accounts_and_no_one_else_may() {
    let t = TestApp::new().await;
    let finance = t.login("finance").await;
    let token = t.token("finance").await;
    let user = t.get_user("finance").await;
    let fields = [
        ("disabled", "1"),
        ("version", &user.version.to_string()),
        ("reason", "调离本单位"),
    ];
    let path = format!("/admin/users/{}/disabled", user.id.0);
    for who in ["sysadmin", "office", "auditadmin"] {
        let s = t.login(who).await;
        assert_eq!(
            t.post(Some(&s), &path, &fields).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let sec = t.login("secadmin").await;
    let page = t.get(Some(&sec), "/admin/users").await;
    assert!(page.body.contains("停用"));
    assert_eq!(
        t.post(Some(&sec), &path, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        t.get(Some(&sec), "/admin/users")
            .await
            .body
            .contains("已停用")
    );
    assert_eq!(
        t.get(Some(&finance), "/").await.status,
        StatusCode::SEE_OTHER,
        "the session ended"
    );
    assert_eq!(
        t.api(&token, "GET", "/api/v1/me", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.submit_login("finance", PASSWORD, "/").await.status,
        StatusCode::UNAUTHORIZED
    );
    // The security administrator may not disable their own account.
    let me = t.get_user("secadmin").await;
    let r = t
        .post(
            Some(&sec),
            &format!("/admin/users/{}/disabled", me.id.0),
            &[("disabled", "1"), ("version", &me.version.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能停用自己的账户"));
    let user = t.get_user("finance").await;
    let r = t
        .post(
            Some(&sec),
            &path,
            &[("disabled", "0"), ("version", &user.version.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.submit_login("finance", PASSWORD, "/").await.status,
        StatusCode::SEE_OTHER
    );
    // Through the API as well, recorded with the reason.
    let sec_token = t.token("secadmin").await;
    let user = t.get_user("finance").await;
    let r = t
        .api(
            &sec_token,
            "PUT",
            &format!("/api/v1/users/{}/disabled", user.id.0),
            Some(serde_json::json!({"disabled": true, "version": user.version, "reason": "离职"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let reasons: Vec<Option<String>> = t
        .audit_entries_of(Entity::User)
        .await
        .into_iter()
        .filter(|e| e.action == "disable")
        .map(|e| e.reason)
        .collect();
    assert_eq!(
        reasons,
        vec![Some("调离本单位".to_string()), Some("离职".to_string())]
    );
}

#[tokio::test]
async fn no_administrator_takes_over_another_or_makes_a_new_one() {
    let t = TestApp::new().await;
    let sys = t.login("sysadmin").await;
    for who in ["secadmin", "auditadmin"] {
        let target = t.get_user(who).await;
        let r = t
            .post(
                Some(&sys),
                &format!("/admin/users/{}/password", target.id.0),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{who}");
        assert!(r.body.contains("三员"), "{who}: {}", r.body);
        assert!(!r.body.contains("一次性密码："), "{who}");
    }
    let sec = t.token("secadmin").await;
    let sysadmin = t.get_user("sysadmin").await;
    let finance = t.get_user("finance").await;
    for (user, role) in [
        (&sysadmin, "unit"),
        (&finance, "secadmin"),
        (&finance, "sysadmin"),
    ] {
        let r = t
            .api(
                &sec,
                "PUT",
                &format!("/api/v1/users/{}/role", user.id.0),
                Some(json!({"role": role, "version": user.version, "units_in_charge": []})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{role}: {}",
            r.body
        );
        assert!(
            r.json()["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("三员")
        );
    }
    assert_eq!(t.get_user("sysadmin").await.role, sysadmin.role);
    assert_eq!(t.get_user("finance").await.role, finance.role);
    // Nor silences another: the security administrator disables no administrator's
    // account (the auditor's above all), on the page or through the API; the page does
    // not offer it.
    let sec_page = t.login("secadmin").await;
    let auditadmin = t.get_user("auditadmin").await;
    let page = t.get(Some(&sec_page), "/admin/users").await;
    assert!(
        !page
            .body
            .contains(&format!("/admin/users/{}/disabled", auditadmin.id.0)),
        "{}",
        page.body
    );
    let r = t
        .post(
            Some(&sec_page),
            &format!("/admin/users/{}/disabled", auditadmin.id.0),
            &[
                ("disabled", "1"),
                ("version", &auditadmin.version.to_string()),
                ("reason", "审计太严"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("zhenggai user disable"), "{}", r.body);
    let r = t
        .api(
            &sec,
            "PUT",
            &format!("/api/v1/users/{}/disabled", auditadmin.id.0),
            Some(json!({"disabled": true, "version": auditadmin.version, "reason": "审计太严"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!t.get_user("auditadmin").await.disabled);
    assert_eq!(
        t.submit_login("auditadmin", PASSWORD, "/").await.status,
        StatusCode::SEE_OTHER
    );
}

/// Evidence is stored by its SHA-256 beside the database; a file swapped in the data
/// directory behind the system's back is reported by `audit verify` (an outside tester
/// replaced an attachment and the download served the forgery while verify said intact).
#[tokio::test]
async fn a_stored_file_changed_behind_the_systems_back_is_reported() {
    let t = TestApp::new().await;
    let m = t.measure(FINANCE_LEAD).await;
    let finance = t.token("finance").await;
    let r = t
        .post_progress(
            Auth::Token(&finance),
            &format!("/api/v1/measures/{m}/progress"),
            &[("happened_on", "2024-04-20"), ("content", "补充账户清单")],
            &[("清单.pdf", PDF)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let files = zhenggai_storage::files::LocalFiles::new(t.files_root());
    let verify = || zhenggai_storage::audit::verify::verify_files(&t.app.db, &files);
    assert!(verify().await.unwrap().is_empty());
    let sha = t
        .progress_of(m)
        .await
        .iter()
        .flat_map(|p| p.attachments.iter())
        .max_by_key(|a| a.id.0)
        .unwrap()
        .sha256
        .clone();
    let path = t.files_root().join(&sha[..2]).join(&sha[2..4]).join(&sha);
    std::fs::write(&path, b"%PDF-1.4\n% forged\n").unwrap();
    let problems: Vec<String> = verify()
        .await
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("attachments #") && problems[0].contains("changed"));
    std::fs::remove_file(&path).unwrap();
    assert!(
        verify().await.unwrap()[0]
            .to_string()
            .contains("cannot be read")
    );
}

/// The accounts page offers only what may be done, asks before a reset, and shows an
/// account locked somewhere by failed logins (the lockout message sends people there).
#[tokio::test]
async fn the_accounts_page_offers_resets_only_where_allowed_and_shows_locks() {
    let t = TestApp::new().await;
    for _ in 0..5 {
        t.submit_login_from("10.3.3.3", "hr", "wrong-password", "/")
            .await;
    }
    let sys = t.login("sysadmin").await;
    let page = t.get(Some(&sys), "/admin/users").await;
    let secadmin = t.get_user("secadmin").await;
    let finance = t.get_user("finance").await;
    assert!(
        !page
            .body
            .contains(&format!("/admin/users/{}/password", secadmin.id.0))
    );
    assert!(
        page.body
            .contains(&format!("/admin/users/{}/password", finance.id.0))
    );
    assert!(page.body.contains("data-confirm=\"重置后此人的所有会话"));
    assert_eq!(page.body.matches(">已锁定<").count(), 1, "hr only");
    // Once the lock has run out, no badge.
    t.advance(chrono::Duration::minutes(16));
    let page = t
        .get(Some(&t.login("sysadmin").await), "/admin/users")
        .await;
    assert!(!page.body.contains(">已锁定<"));
}
