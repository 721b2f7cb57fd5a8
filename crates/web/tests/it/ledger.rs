//! The ledger pages: the demo as a newcomer sees it, filters, search, paging, forms
//! with errors at their fields, progress with evidence, concurrent edits.

use axum::http::StatusCode;

use crate::util::*;

#[tokio::test]
async fn the_demo_ledger_shows_the_eight_aspects_of_s1_with_counts() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let inspection = t.inspection().await;
    let page = t.get(Some(&s), &format!("/inspections/{inspection}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for aspect in [
        "班子建设方面",
        "党的建设方面",
        "纪律作风方面",
        "新闻采编方面",
        "经营管理方面",
        "人力资源方面",
    ] {
        assert!(page.body.contains(aspect), "{aspect}");
    }
    assert!(page.body.contains("9个方面23个问题，整改措施27条"));
    let all = t
        .get(Some(&s), &format!("/inspections/{inspection}?per_page=200"))
        .await;
    for aspect in ["财务管理方面", "物业管理方面", "举一反三自查问题"] {
        assert!(all.body.contains(aspect), "{aspect}");
    }
    for words in ["立行立改", "长期坚持", "中旬"] {
        assert!(all.body.contains(words), "{words}");
    }
    let list = t.get(Some(&s), "/inspections").await;
    assert!(list.body.contains("市委第一巡察组") && list.body.contains("市审计局"));
    let home = t.get(Some(&s), "/").await;
    assert!(home.body.contains("逾期") || home.body.contains("剩"));
}

#[tokio::test]
async fn filters_and_two_character_search_narrow_the_ledger() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let i = t.inspection().await;
    let car = t
        .get(Some(&s), &format!("/inspections/{i}?q=%E5%85%AC%E8%BD%A6"))
        .await; // 公车
    assert!(car.body.contains("公车私用") && !car.body.contains("人事档案管理不规范"));
    let files = t
        .get(Some(&s), &format!("/inspections/{i}?q=%E6%A1%A3%E6%A1%88"))
        .await; // 档案
    assert!(files.body.contains("人事档案管理不规范") && !files.body.contains("公车私用"));
    let finance = t.unit("财务部").await;
    let by_unit = t
        .get(
            Some(&s),
            &format!("/inspections/{i}?unit={finance}&per_page=200"),
        )
        .await;
    assert!(
        by_unit.body.contains(FINANCE_LEAD)
            && by_unit.body.contains(FINANCE_COOP)
            && !by_unit.body.contains(HR_ONLY)
    );
    let done = t
        .get(
            Some(&s),
            &format!("/inspections/{i}?status=done&per_page=200"),
        )
        .await;
    assert!(
        done.body.contains("对超标准接待费用和列支烟酒费用逐笔核查")
            && !done.body.contains(HR_ONLY)
    );
    let self_found = t
        .get(Some(&s), &format!("/inspections/{i}?source=self_found"))
        .await;
    assert!(
        self_found.body.contains("档案室消防设施老化") && !self_found.body.contains("公车私用")
    );
    let bad = t
        .get(
            Some(&s),
            &format!("/inspections/{i}?status=late&due_to=2024-13-01"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("状态：无法识别") && bad.body.contains("年-月-日"));
    // What was refused is left out of the form and of every link that keeps the
    // filters (the export, the pager), so it does not come back on the next click.
    assert!(
        !bad.body.contains("status=late") && !bad.body.contains("value=\"late\""),
        "the refused status is not kept"
    );
    assert!(
        bad.body
            .contains(&format!("href=\"/inspections/{i}/ledger.xlsx\""))
    );
    // An id the form does not offer (the organisation itself, an aspect of another
    // inspection, a leader who is no one) is refused by name instead of emptying the
    // list; a reversed range says it is reversed; `012` is unit 12 as the choices write it.
    let other_inspection = t
        .inspections()
        .await
        .into_iter()
        .find(|x| x.id.0 != i)
        .unwrap()
        .id
        .0;
    let foreign_aspect = zhenggai_storage::ledger::aspects::list(
        &t.app.db,
        zhenggai_domain::InspectionId(other_inspection),
    )
    .await
    .unwrap()[0]
        .id
        .0;
    let org = t.actor("office").await.org.0;
    for (query, field) in [
        (format!("unit={org}"), "所在单位"),
        (format!("aspect={foreign_aspect}"), "方面"),
        ("leader=999999".to_string(), "责任领导"),
        (
            "due_from=2024-01-01&due_to=2023-12-31".to_string(),
            "时限至",
        ),
    ] {
        let page = t.get(Some(&s), &format!("/inspections/{i}?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert!(
            page.body.contains(&format!("<li>{field}：")),
            "{query}: refused by name"
        );
        assert!(
            page.body.contains("公车私用"),
            "{query}: the ledger is still listed"
        );
    }
    let measures = t.get(Some(&s), &format!("/measures?unit={org}")).await;
    assert!(measures.body.contains("<li>所在单位："));
    let padded = t.get(Some(&s), &format!("/measures?unit=0{finance}")).await;
    assert!(
        padded
            .body
            .contains(&format!("<option value=\"{finance}\" selected")),
        "the unit filtered on is the one the form shows"
    );
    // A bad value is left out and said; the filters beside it still apply (the list
    // used to drop them all while the form still showed them).
    for (bad, field) in [
        ("page=0", "第几页"),
        ("status=late", "状态"),
        ("due_from=abc", "时限自"),
        ("per_page=abc", "每页条数"),
    ] {
        for path in [
            format!("/inspections/{i}?unit={finance}&{bad}"),
            format!("/measures?unit={finance}&{bad}"),
        ] {
            let page = t.get(Some(&s), &path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let alert = page
                .body
                .split("id=\"filter-errors\">")
                .nth(1)
                .and_then(|a| a.split("</ul>").next())
                .unwrap_or_default();
            assert!(
                alert.contains(&format!("<li>{field}：")) && alert.contains("此项未生效"),
                "{path}: the error names its filter and says it was left out: {alert}"
            );
            assert!(
                page.body.contains(FINANCE_LEAD)
                    && page.body.contains(FINANCE_COOP)
                    && !page.body.contains(HR_ONLY),
                "{path}: still the unit's measures"
            );
        }
    }
}

#[tokio::test]
async fn paging_keeps_the_filters() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let i = t.inspection().await;
    let first = t
        .get(
            Some(&s),
            &format!("/inspections/{i}?per_page=10&source=inspection"),
        )
        .await;
    assert!(
        first.body.contains("1 / 3"),
        "22 inspection problems at 10 a page"
    );
    let pager = first
        .body
        .split("class=\"pager\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        pager.contains("source=inspection&#38;per_page=10&#38;page=2"),
        "{pager}"
    );
    let third = t
        .get(
            Some(&s),
            &format!("/inspections/{i}?per_page=10&source=inspection&page=3"),
        )
        .await;
    assert!(third.body.contains("3 / 3") && third.body.contains("公车私用"));
    // A page past the last (an old link, a typed number) says so and links to the last
    // page, on the ledger and on the measure list, instead of an empty table.
    for (path, last) in [
        (
            format!("/inspections/{i}?per_page=10&source=inspection&page=99"),
            format!("/inspections/{i}?source=inspection&#38;per_page=10&#38;page=3"),
        ),
        (
            "/measures?per_page=10&page=999".to_string(),
            "/measures?per_page=10&#38;page=".to_string(),
        ),
    ] {
        let beyond = t.get(Some(&s), &path).await;
        assert_eq!(beyond.status, StatusCode::OK, "{path}");
        let said = beyond
            .body
            .split("id=\"page-beyond\">")
            .nth(1)
            .unwrap_or_default();
        assert!(
            said.starts_with("没有第99") || said.starts_with("没有第999"),
            "{path}: {said}"
        );
        assert!(
            said.contains(&last),
            "{path}: links to the last page: {said}"
        );
        assert!(!beyond.body.contains("id=\"empty-list\""), "{path}");
    }
}

#[tokio::test]
async fn forms_show_errors_at_the_field_and_store_nothing() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    // Stored rows: a refused form writes nothing, not even a withdrawn record.
    let before = t.rows_in("inspections").await;
    let r = t
        .post(
            Some(&s),
            "/inspections",
            &[
                ("kind", "xuncha"),
                ("title", ""),
                ("group_name", "市委第二巡察组"),
                ("feedback_date", "2024-02-30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("data-field=\"title\"") && r.body.contains("data-field=\"feedback_date\"")
    );
    assert!(r.body.contains("市委第二巡察组"), "what was typed is kept");
    assert_eq!(t.rows_in("inspections").await, before);

    let problem = t.problem("多头开设银行账户").await;
    let finance = t.unit("财务部").await.to_string();
    let r = t
        .post(
            Some(&s),
            &format!("/problems/{problem}/measures"),
            &[
                ("content", "再次核查"),
                ("lead_unit_id", &finance),
                ("deadline", "尽快"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("data-field=\"deadline\"") && r.body.contains("尽快"));
}

#[tokio::test]
async fn the_office_builds_a_ledger_and_a_unit_reports_progress_with_evidence() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let r = t
        .post(
            Some(&office),
            "/inspections",
            &[
                ("kind", "supervision"),
                ("title", "2024年一季度督查"),
                ("group_name", "市委督查室"),
                ("feedback_date", "2024-04-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ledger = r.location().to_string();
    let id = ledger.rsplit('/').next().unwrap().to_string();
    assert_eq!(
        t.post(
            Some(&office),
            &format!("/inspections/{id}/aspects"),
            &[("title", "作风建设方面")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let aspect = t.first_aspect(id.parse().unwrap()).await.to_string();
    let r = t
        .post(
            Some(&office),
            &format!("/inspections/{id}/problems"),
            &[
                ("aspect_id", &aspect),
                ("title", "会议室空调长开"),
                ("source", "inspection"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let problem = r.location().rsplit('/').next().unwrap().to_string();
    let logistics = t.unit("行政后勤部").await.to_string();
    let finance = t.unit("财务部").await.to_string();
    let r = t
        .post(
            Some(&office),
            &format!("/problems/{problem}/measures"),
            &[
                ("content", "安装空调定时控制"),
                ("lead_unit_id", &logistics),
                ("cooperating_unit_ids", &finance),
                ("responsible_person", "孙强"),
                ("target", "全部会议室安装"),
                ("deadline", "5月中旬"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let measure = r.location().to_string();
    let page = t.get(Some(&office), &measure).await;
    assert!(page.body.contains("5月中旬") && page.body.contains("2024-05-20"));

    let unit = t.login("logistics").await;
    let bad = t
        .post_progress(
            Auth::Session(&unit),
            &format!("{measure}/progress"),
            &[
                ("csrf", &unit.csrf),
                ("happened_on", "2024-04-24"),
                ("content", "完成安装"),
            ],
            &[("setup.exe", b"MZ\x90\x00")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("data-field=\"files\"") && bad.body.contains("setup.exe"));
    let ok = t
        .post_progress(
            Auth::Session(&unit),
            &format!("{measure}/progress"),
            &[
                ("csrf", &unit.csrf),
                ("happened_on", "2024-04-24"),
                ("content", "完成全部会议室定时控制安装"),
            ],
            &[("验收单.pdf", PDF)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = t.get(Some(&unit), &measure).await;
    assert!(page.body.contains("完成全部会议室定时控制安装") && page.body.contains("验收单.pdf"));
    let m: i64 = measure.trim_start_matches("/measures/").parse().unwrap();
    let att = t.latest_attachment(m).await;
    let file = t.get(Some(&unit), &format!("/attachments/{att}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, PDF);
    assert_eq!(file.headers.get("content-type").unwrap(), "application/pdf");
    assert!(
        file.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let hr = t.login("hr").await;
    assert_eq!(
        t.get(Some(&hr), &format!("/attachments/{att}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_says_who_changed_it() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let i = t.inspection().await;
    let fields = |title: &'static str| {
        vec![
            ("version", "1"),
            ("kind", "xuncha"),
            ("title", title),
            ("group_name", "市委第一巡察组"),
            ("feedback_date", "2024-03-16"),
        ]
    };
    assert_eq!(
        t.post(
            Some(&s),
            &format!("/inspections/{i}/edit"),
            &fields("第一次修改")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let second = t
        .post(
            Some(&s),
            &format!("/inspections/{i}/edit"),
            &fields("第二次修改"),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("李明"));
    assert_eq!(t.inspection_record(i).await.version, 2);
}

#[tokio::test]
async fn every_page_of_the_demo_renders_for_its_roles() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let p = t.problem("多头开设银行账户").await;
    let m = t.measure(FINANCE_LEAD).await;
    let office = t.login("office").await;
    for path in [
        "/".to_string(),
        "/inspections".into(),
        "/inspections/new".into(),
        format!("/inspections/{i}"),
        format!("/inspections/{i}/edit"),
        format!("/inspections/{i}/problems/new"),
        format!("/problems/{p}"),
        format!("/problems/{p}/edit"),
        format!("/problems/{p}/measures/new"),
        format!("/measures/{m}"),
        format!("/measures/{m}/edit"),
        "/measures".into(),
        "/tokens".into(),
        "/password".into(),
    ] {
        let r = t.get(Some(&office), &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.contains("??"), "{path} has a missing text");
    }
    for (who, path) in [
        ("sysadmin", "/admin/units"),
        ("sysadmin", "/admin/users"),
        ("secadmin", "/admin/users"),
        ("auditadmin", "/admin/audit"),
        ("sysadmin", "/"),
    ] {
        let s = t.login(who).await;
        assert_eq!(
            t.get(Some(&s), path).await.status,
            StatusCode::OK,
            "{who} {path}"
        );
    }
}

#[tokio::test]
async fn withdrawing_keeps_the_record_with_who_and_why() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let p = t.problem("多头开设银行账户").await;
    let m = t.measure(FINANCE_LEAD).await;
    let i = t.inspection().await;
    let no_reason = t
        .post(
            Some(&office),
            &format!("/problems/{p}/withdraw"),
            &[("version", "1"), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let finance = t.login("finance").await;
    assert_eq!(
        t.post(
            Some(&finance),
            &format!("/measures/{m}/withdraw"),
            &[("version", "1"), ("reason", "x")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let version = t.problem_record(p).await.version.to_string();
    let r = t
        .post(
            Some(&office),
            &format!("/problems/{p}/withdraw"),
            &[("version", &version), ("reason", "与第16个问题重复")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ledger = t
        .get(Some(&office), &format!("/inspections/{i}?per_page=200"))
        .await;
    assert!(!ledger.body.contains("多头开设银行账户") && !ledger.body.contains(FINANCE_LEAD));
    assert_eq!(
        t.get(Some(&office), &format!("/measures/{m}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Withdrawn records leave every list and page: read them as stored, kept.
    assert_eq!(
        t.stored::<Option<String>>(&format!(
            "SELECT withdrawn_reason FROM problems WHERE id = {p}"
        ))
        .await
        .as_deref(),
        Some("与第16个问题重复")
    );
    assert!(
        t.stored::<Option<String>>(&format!("SELECT withdrawn_at FROM measures WHERE id = {m}"))
            .await
            .is_some()
    );
    assert_eq!(
        t.audit_trail()
            .await
            .iter()
            .filter(|e| e.action == "withdraw" && e.reason.as_deref() == Some("与第16个问题重复"))
            .count(),
        2
    );
}

#[tokio::test]
async fn items_group_problems_between_aspects_and_problems() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let aspects = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/aspects"),
            None,
        )
        .await
        .json();
    let aspect = aspects[0]["id"].as_i64().unwrap();
    let item = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/aspects/{aspect}/items"),
            Some(serde_json::json!({"title": "理论学习"})),
        )
        .await;
    assert_eq!(item.status, StatusCode::CREATED, "{}", item.body);
    let item = item.json()["id"].as_i64().unwrap();
    let other_aspect = aspects[1]["id"].as_i64().unwrap();
    let wrong = t.api(&office, "POST", &format!("/api/v1/inspections/{i}/problems"), Some(serde_json::json!({"aspect_id": other_aspect, "item_id": item, "title": "x", "source": "inspection"}))).await;
    assert_eq!(wrong.json()["fields"][0]["field"], "item_id");
    let ok = t.api(&office, "POST", &format!("/api/v1/inspections/{i}/problems"), Some(serde_json::json!({"aspect_id": aspect, "item_id": item, "title": "学习流于形式", "source": "inspection"}))).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let counts = t
        .api(&office, "GET", &format!("/api/v1/inspections/{i}"), None)
        .await
        .json()["counts"]
        .clone();
    assert_eq!(counts["items"], 1);
    let s = t.login("office").await;
    let page = t.get(Some(&s), &format!("/inspections/{i}")).await;
    assert!(page.body.contains("9个方面1项24个问题，整改措施27条"));
}

#[tokio::test]
async fn the_office_renames_an_aspect_and_others_may_not() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let aspect = t.first_aspect(i).await;
    let jijian = t.login("jijian").await;
    let refused = t
        .post(
            Some(&jijian),
            &format!("/aspects/{aspect}/edit"),
            &[("version", "1"), ("title", "改名")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let office = t.login("office").await;
    let r = t
        .post(
            Some(&office),
            &format!("/aspects/{aspect}/edit"),
            &[("version", "1"), ("title", "领导班子建设方面")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/inspections/{i}"));
    assert!(
        t.get(Some(&office), &format!("/inspections/{i}"))
            .await
            .body
            .contains("领导班子建设方面")
    );
}

/// A problem's page lists its measures without a column naming the problem again;
/// lists across problems keep it.
#[tokio::test]
async fn a_problems_measures_are_listed_without_naming_the_problem_again() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let problem = t
        .measures()
        .await
        .iter()
        .map(|m| m.problem_id.0)
        .min()
        .unwrap();
    let page = t.get(Some(&s), &format!("/problems/{problem}")).await;
    assert!(page.body.contains("table class=\"grid measures\""));
    assert!(!page.body.contains("th class=\"problem\""));
    for path in ["/", "/measures"] {
        let list = t.get(Some(&s), path).await;
        assert!(list.body.contains("th class=\"problem\""), "{path}");
    }
}

/// Issue 19 ("Also"): year 0 and other years outside 1949–2100, and control characters
/// in titles, are refused at their field on the page's form and through the API.
#[tokio::test]
async fn absurd_years_and_control_characters_are_refused_at_the_field() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    for (field, value) in [
        ("feedback_date", "0000-01-01"),
        ("feedback_date", "1900-06-30"),
        ("title", "整改\u{0007}专项巡察"),
        ("title", "专项\u{202E}察巡"),
    ] {
        let mut fields = vec![
            ("kind", "supervision"),
            ("title", "2024年一季度督查"),
            ("group_name", "市委督查室"),
            ("feedback_date", "2024-04-01"),
        ];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let r = t.post(Some(&office), "/inspections", &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value:?}"
        );
        assert!(
            r.body.contains(&format!("data-field=\"{field}\"")),
            "{field}: {}",
            r.body
        );
    }
    let token = t.token("office").await;
    let i = t.inspection().await;
    let aspect = t.first_aspect(i).await;
    let r = t
        .api(
            &token,
            "POST",
            &format!("/api/v1/inspections/{i}/problems"),
            Some(serde_json::json!({"aspect_id": aspect, "title": "标题\u{0000}含控制字符", "source": "inspection"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["fields"][0]["field"], "title");
    let finance = t.token("finance").await;
    let m = t.measure(FINANCE_LEAD).await;
    let r = t
        .post_progress(
            Auth::Token(&finance),
            &format!("/api/v1/measures/{m}/progress"),
            &[("happened_on", "0001-01-01"), ("content", "年份有误")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["fields"][0]["field"], "happened_on");
    assert!(
        r.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1949")
    );
}

/// A refusal that ends on the bare error page (the form could not be read back) names no
/// field code and says how to get back to what was typed (outside tester).
#[tokio::test]
async fn a_refused_upload_page_says_what_to_do_without_field_codes() {
    let t = TestApp::new().await;
    let m = t.measure(FINANCE_LEAD).await;
    let s = t.login("finance").await;
    let files: Vec<(String, &[u8])> = (0..11).map(|i| (format!("证据{i}.pdf"), PDF)).collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let r = t
        .post_progress(
            Auth::Session(&s),
            &format!("/measures/{m}/progress"),
            &[
                ("csrf", &s.csrf),
                ("happened_on", "2024-04-20"),
                ("content", "上传太多文件"),
            ],
            &files,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!r.body.contains("<code>files</code>"), "{}", r.body);
    assert!(r.body.contains("请返回上一页修改后重新提交"), "{}", r.body);
}

/// Outside tester: an inspection's dates were not checked against each other or today
/// (feedback in 2100, feedback before the group was stationed). Each is refused at its
/// field, on the page's form and through the API alike.
#[tokio::test]
async fn an_inspections_dates_keep_their_order_and_feedback_is_not_ahead() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let cases = [
        // (period_start, period_end, feedback_date, the field refused, words said)
        ("", "", "2100-01-01", "feedback_date", "晚于今天"),
        (
            "2024-02-01",
            "2024-03-20",
            "2024-03-10",
            "feedback_date",
            "进驻",
        ),
        ("2024-03-20", "", "2024-03-10", "feedback_date", "进驻"),
        (
            "2024-03-20",
            "2024-02-01",
            "2024-04-01",
            "period_end",
            "结束日期早于开始日期",
        ),
    ];
    for (start, end, feedback, field, says) in cases {
        let fields = [
            ("kind", "supervision"),
            ("title", "2024年一季度督查"),
            ("group_name", "市委督查室"),
            ("period_start", start),
            ("period_end", end),
            ("feedback_date", feedback),
        ];
        let r = t.post(Some(&office), "/inspections", &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{feedback}: {}",
            r.body
        );
        assert!(
            r.body.contains(&format!("data-field=\"{field}\"")) && r.body.contains(says),
            "{field}: {}",
            r.body
        );
    }
    // In order, the day itself included: registered.
    let ok = [
        ("kind", "supervision"),
        ("title", "2024年一季度督查"),
        ("group_name", "市委督查室"),
        ("period_start", "2024-02-01"),
        ("period_end", "2024-03-20"),
        ("feedback_date", "2024-03-20"),
    ];
    let r = t.post(Some(&office), "/inspections", &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Through the API, a change of the S1 inspection is refused the same way.
    let token = t.token("office").await;
    let i = t.inspection().await;
    let path = format!("/api/v1/inspections/{i}");
    let cur = t.api(&token, "GET", &path, None).await.json();
    for (feedback, field) in [
        ("2100-01-01", "feedback_date"),
        ("2023-12-01", "feedback_date"),
    ] {
        let body = serde_json::json!({
            "version": cur["version"], "kind": cur["kind"], "title": cur["title"],
            "group_name": cur["group_name"], "period_start": cur["period_start"],
            "period_end": cur["period_end"], "feedback_date": feedback,
        });
        let r = t.api(&token, "PUT", &path, Some(body)).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{feedback}: {}",
            r.body
        );
        assert_eq!(r.json()["fields"][0]["field"], field, "{}", r.body);
    }
}

/// A keyword search over many measures says "more than" what it counted, counting four
/// pages past the one shown; the API says the same with `more`.
#[tokio::test]
async fn a_search_with_many_matches_says_more_than_it_counted_and_pages_on() {
    use zhenggai_demo::scale::{self, Scale};
    let t = TestApp::empty().await;
    let made = scale::generate(
        &t.app.db,
        Scale {
            orgs: 1,
            depts_per_org: 3,
            inspections: 1,
            problems: 300,
            first_inspection_problems: 300,
            measures_per_problem: 2,
        },
        today(),
        start(),
    )
    .await
    .unwrap();
    let s = t.login(&made.office_user).await;
    // Every generated measure's text starts "针对": 600 match.
    let q = "%E9%92%88%E5%AF%B9";
    let first = t.get(Some(&s), &format!("/measures?q={q}")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("超过200条措施"), "{}", first.body);
    assert!(first.body.contains("1 / 4+"));
    // Ten pages on, the count reaches them all.
    let tenth = t.get(Some(&s), &format!("/measures?q={q}&page=10")).await;
    assert!(tenth.body.contains("600条措施") && tenth.body.contains("10 / 12"));
    let twelfth = t.get(Some(&s), &format!("/measures?q={q}&page=12")).await;
    assert!(twelfth.body.contains("600条措施") && !twelfth.body.contains("超过"));
    assert!(twelfth.body.contains("12 / 12") && !twelfth.body.contains("page=13"));
    let beyond = t.get(Some(&s), &format!("/measures?q={q}&page=99")).await;
    assert!(
        beyond
            .body
            .contains("没有第99页：按当前筛选条件，列表共12页。")
    );
    let english = in_english(&s);
    let en = t.get(Some(&english), &format!("/measures?q={q}")).await;
    assert!(en.body.contains("more than 200 measures"));

    let token = t.token(&made.office_user).await;
    let api = t
        .api(
            &token,
            "GET",
            &format!("/api/v1/measures?q={q}&per_page=1"),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let body = api.json();
    assert_eq!(
        (body["total"].as_i64(), body["more"].as_bool()),
        (Some(200), Some(true))
    );
}

/// The ledger's count of problems, read from the inspection's tallies when nothing
/// narrows it, is what its pages hold, before and after a problem is withdrawn, and
/// agrees with a filter's count.
#[tokio::test]
async fn the_whole_ledgers_count_is_what_its_pages_hold_after_a_withdrawal() {
    let t = TestApp::new().await;
    let token = t.token("office").await;
    let i = t.inspection().await;
    let ledger = async |query: &str| {
        let r = t
            .api(
                &token,
                "GET",
                &format!("/api/v1/inspections/{i}/ledger?per_page=200{query}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let j = r.json();
        let listed: Vec<i64> = j["aspects"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["problems"].as_array().unwrap().iter())
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        (j["total_problems"].as_i64().unwrap(), listed)
    };
    let (total, listed) = ledger("").await;
    assert_eq!(total, i64::try_from(listed.len()).unwrap());
    let (inspection_only, _) = ledger("&source=inspection").await;
    let (self_found, _) = ledger("&source=self_found").await;
    assert_eq!(inspection_only + self_found, total);

    let p = t.problem("公车私用、车辆维修把关不严").await;
    let version = t.problem_record(p).await.version;
    let r = t
        .api(
            &token,
            "POST",
            &format!("/api/v1/problems/{p}/withdraw"),
            Some(serde_json::json!({ "version": version, "reason": "重复登记" })),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let (after, listed) = ledger("").await;
    assert_eq!(after, total - 1);
    assert_eq!(after, i64::try_from(listed.len()).unwrap());
    assert!(!listed.contains(&p));
}
