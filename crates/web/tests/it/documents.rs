//! 上报文件 (D16) through the API and the page: the documents carry the statistics
//! module's figures; the public notice leaves out what the office marked 不予公开; who
//! may generate and who may mark, and the refusals in the reader's words.

use axum::http::StatusCode;
use serde_json::json;
use zhenggai_documents::read::Layout;
use zhenggai_storage::audit::Entity;

use crate::util::*;

fn layout(r: &Resp) -> Layout {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    Layout::of(&r.bytes).unwrap()
}

async fn document(t: &TestApp, token: &str, kind: &str, body: serde_json::Value) -> Resp {
    let i = t.inspection().await;
    t.api(
        token,
        "POST",
        &format!("/api/v1/inspections/{i}/documents/{kind}"),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn the_final_report_quotes_the_figures_of_its_day_with_the_header_the_office_set() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let header = json!({"issuer": "中共某市日报社委员会", "number": "日报党〔2024〕9号", "signer": "王刚",
        "to": "市委巡察工作领导小组", "cc": "市纪委监委", "date": "2024-04-25"});
    let r = document(&t, &office, "final", header.clone()).await;
    let disposition = r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains(&*urlencoding::encode("整改落实情况的报告-2024-04-25.docx")),
        "{disposition}"
    );
    let l = layout(&r);
    let figures = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await
        .json();
    let overall = l.starting("截至").unwrap();
    assert!(
        overall.text.starts_with(&format!(
            "截至2024年4月25日，共反馈{}个方面",
            figures["aspects"]
        )),
        "{}",
        overall.text
    );
    assert!(overall.text.contains(&format!(
        "{}个问题，制定整改措施{}条；已完成整改{}个，正在按序时进度推进{}个，需长期坚持{}个",
        figures["problems"],
        figures["measures"],
        figures["problems_done"],
        figures["problems_on_schedule"],
        figures["problems_long_term"]
    )));
    assert!(overall.text.contains(&format!(
        "制定完善制度{}项；问责{}人",
        figures["institutions"], figures["people_held_accountable"]
    )));
    assert_eq!(
        l.starting("中共某市日报社委员会文件")
            .unwrap()
            .color
            .as_deref(),
        Some("FF0000")
    );
    assert!(l.text().contains("日报党〔2024〕9号\t签发人：王刚"));
    assert!(l.text().contains("市委巡察工作领导小组："));
    assert!(l.text().contains("2024年4月25日"));
    assert!(l.text().contains("抄送：市纪委监委。"));

    // The day before the ledger was entered there is nothing to report: refused at the
    // day, saying why, rather than a document of zeros.
    let mut before = header;
    before["as_of"] = json!("2024-04-24");
    let r = document(&t, &office, "final", before).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["fields"][0]["field"], "as_of");
    assert!(r.body.contains("还没有这一轮巡察的问题"), "{}", r.body);

    // Three days on, a third person is held accountable; the report as of the first day
    // still says two, as that day's statistics do, and today's says three.
    t.advance(chrono::Duration::days(3));
    let person = json!({"subject_kind": "person", "subject": "驾驶员 王某", "reason": "公车私用",
        "form": "first", "decided_on": "2024-04-28"});
    let recorded = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{i}/accountability"),
            Some(person),
        )
        .await;
    assert!(recorded.status.is_success(), "{}", recorded.body);
    let then = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics?as_of=2024-04-25"),
            None,
        )
        .await
        .json();
    assert_eq!(then["people_held_accountable"], 2);
    let l = layout(&document(&t, &office, "final", json!({"as_of": "2024-04-25"})).await);
    let overall = l.starting("截至").unwrap().text.clone();
    assert!(overall.starts_with("截至2024年4月25日"), "{overall}");
    assert!(overall.contains("问责2人"), "{overall}");
    let l = layout(&document(&t, &office, "final", json!({})).await);
    let overall = l.starting("截至").unwrap().text.clone();
    assert!(overall.starts_with("截至2024年4月28日"), "{overall}");
    assert!(overall.contains("问责3人"), "{overall}");
}

#[tokio::test]
async fn the_public_notice_leaves_out_what_the_office_marked_and_nothing_else_does() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let p = t.problem("多头开设银行账户").await;
    let before = layout(&document(&t, &office, "public", json!({})).await);
    assert!(
        before.text().contains("多头开设银行账户"),
        "{}",
        before.text()
    );

    // The office marks the problem and one accountability record.
    let problem = t
        .api(&office, "GET", &format!("/api/v1/problems/{p}"), None)
        .await
        .json();
    let marked = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/publication/problems/{p}"),
            Some(json!({"public": false, "version": problem["version"]})),
        )
        .await;
    assert_eq!(marked.status, StatusCode::NO_CONTENT, "{}", marked.body);
    let outcomes = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/outcomes"),
            None,
        )
        .await
        .json();
    let person = &outcomes["accountability"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["subject_kind"] == "person")
        .unwrap()
        .clone();
    let marked = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/publication/accountability/{}", person["id"]),
            Some(json!({"public": false, "version": person["version"]})),
        )
        .await;
    assert_eq!(marked.status, StatusCode::NO_CONTENT, "{}", marked.body);
    // A second mark at the old version is someone else's change: 409.
    let stale = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/publication/problems/{p}"),
            Some(json!({"public": true, "version": problem["version"]})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);

    let figures = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await
        .json();
    assert_eq!(
        figures["people_held_accountable"], 2,
        "every figure still counts it"
    );
    assert_eq!(figures["published"]["people_held_accountable"], 1);
    assert_eq!(figures["published"]["problems_withheld"], 1);

    let public = layout(&document(&t, &office, "public", json!({})).await);
    let text = public.text();
    assert!(!text.contains("多头开设银行账户"), "{text}");
    assert!(text.contains("另有1个问题按规定不予公开"), "{text}");
    assert!(text.contains("问责1人、单位1个"), "{text}");
    // The problem totals are the inspection's: the feedback named it.
    assert!(
        text.contains(&format!("反馈的{}个问题中", figures["problems"])),
        "{text}"
    );
    // The final report and the ledger keep it.
    let report = layout(&document(&t, &office, "final", json!({})).await);
    assert!(report.text().contains("多头开设银行账户"));
    assert!(report.text().contains("问责2人"));

    // The mark is in the problem's trail, in words.
    let trail = t
        .get(
            Some(&t.login("office").await),
            &format!("/records/problems/{p}/trail"),
        )
        .await;
    assert!(trail.body.contains("不予公开"), "{}", trail.body);
    let entries = t.audit_entries_of(Entity::Problem).await;
    assert!(entries.iter().any(|e| {
        e.entity_id == p
            && e.changes
                .iter()
                .any(|c| c.field == "not_public" && c.was == 0 && c.now == 1)
    }));
}

#[tokio::test]
async fn who_generates_and_who_marks_and_what_the_others_are_told() {
    let t = TestApp::two_organisations().await;
    let (office, jijian, finance, upper) = (
        t.token("office").await,
        t.token("jijian").await,
        t.token("finance").await,
        t.token("xunchaban").await,
    );
    // The office, 纪检 and the upper level generate the final report.
    for token in [&office, &jijian, &upper] {
        layout(&document(&t, token, "final", json!({})).await);
    }
    // A unit is told who reads the whole ledger's figures.
    let refused = document(&t, &finance, "final", json!({})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused.body.contains("上报文件由整改办"),
        "{}",
        refused.body
    );
    // The weekly summary and the circular are the organisation's own; the upper level
    // is told so, and what it may have instead.
    for kind in ["weekly", "monthly"] {
        layout(&document(&t, &office, kind, json!({})).await);
        let r = document(&t, &upper, kind, json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{kind}: {}", r.body);
        assert!(r.body.contains("整改落实情况报告"), "{}", r.body);
    }
    // Another organisation's office learns nothing of this inspection.
    let other = t.token("wb_office").await;
    assert_eq!(
        document(&t, &other, "final", json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    // An unknown kind is no address; a field too long or a day ahead is refused at it.
    assert_eq!(
        document(&t, &office, "annual", json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    let long = document(&t, &office, "final", json!({"number": "号".repeat(101)})).await;
    assert_eq!(
        long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        long.body
    );
    assert_eq!(long.json()["fields"][0]["field"], "number", "{}", long.body);
    let ahead = document(&t, &office, "public", json!({"as_of": "2024-04-26"})).await;
    assert_eq!(ahead.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        ahead.json()["fields"][0]["field"],
        "as_of",
        "{}",
        ahead.body
    );

    // Only the office marks: 纪检 and the unit are told the office does; another
    // organisation learns nothing.
    let p = t.problem("多头开设银行账户").await;
    for (token, status) in [
        (&jijian, StatusCode::FORBIDDEN),
        (&upper, StatusCode::FORBIDDEN),
        (&finance, StatusCode::FORBIDDEN),
        (&other, StatusCode::NOT_FOUND),
    ] {
        let r = t
            .api(
                token,
                "PUT",
                &format!("/api/v1/publication/problems/{p}"),
                Some(json!({"public": false, "version": 1})),
            )
            .await;
        assert_eq!(r.status, status, "{}", r.body);
    }
    let r = t
        .api(
            &office,
            "PUT",
            "/api/v1/publication/measures/1",
            Some(json!({"public": false, "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "measures are not marked");
}

#[tokio::test]
async fn the_page_offers_the_documents_and_answers_a_wrong_field_at_the_field() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let i = t.inspection().await;
    let ledger = t.get(Some(&office), &format!("/inspections/{i}")).await;
    assert!(ledger.body.contains(&format!("/inspections/{i}/documents")));
    let page = t
        .get(Some(&office), &format!("/inspections/{i}/documents"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("整改落实情况报告"));
    assert!(
        page.field("issuer").contains("日报社"),
        "the issuer is filled in"
    );

    let path = format!("/inspections/{i}/documents");
    let wrong = t
        .post(
            Some(&office),
            &path,
            &[
                ("kind", "public"),
                ("as_of", "2024-13-40"),
                ("number", "日报党〔2024〕9号"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains(r#"data-field="as_of""#),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains("日报党〔2024〕9号"),
        "what was typed stays"
    );
    let none = t.post(Some(&office), &path, &[("kind", "")]).await;
    assert!(none.body.contains(r#"data-field="kind""#));

    let docx = t
        .post(
            Some(&office),
            &path,
            &[("kind", "public"), ("as_of", "2024-04-25"), ("issuer", "")],
        )
        .await;
    let l = layout(&docx);
    assert!(!l.text().contains("文件\n"), "no issuer, no mark");
    assert!(l.text().contains("整改进展情况的通报"));

    // A unit reaching the page is told who generates documents.
    let finance = t.login("finance").await;
    let refused = t.get(Some(&finance), &path).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("整改办"));
}

#[tokio::test]
async fn a_notice_as_issued_downloads_as_a_word_document() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let lagging = t.overdue_measure_of("财务部").await;
    let notice = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/measures/{lagging}/notices"),
            Some(json!({"kind": "supervision", "content": "请加快推进整改。"})),
        )
        .await;
    assert!(notice.status.is_success(), "{}", notice.body);
    let id = notice.json()["id"].as_i64().unwrap();
    let l = layout(
        &t.api(
            &office,
            "GET",
            &format!("/api/v1/notices/{id}/notice.docx"),
            None,
        )
        .await,
    );
    assert!(l.starting("督办通知书").is_some(), "{}", l.text());
    assert!(l.text().contains("请加快推进整改。"));
    assert!(l.text().contains("整改时限："));
    let page = t
        .get(Some(&t.login("office").await), &format!("/notices/{id}"))
        .await;
    assert!(page.body.contains(&format!("/notices/{id}/notice.docx")));
}

#[tokio::test]
async fn the_office_downloads_the_archive_package_and_it_verifies() {
    use std::io::{Cursor, Read};
    let t = TestApp::two_organisations().await;
    let (office, finance) = (t.token("office").await, t.token("finance").await);
    let i = t.inspection().await;
    // Finance files a progress note with evidence: it goes into finance's volume.
    let open = t.measure_of(t.problem("多头开设银行账户").await).await;
    let sent = t
        .post_progress(
            Auth::Token(&finance),
            &format!("/api/v1/measures/{open}/progress"),
            &[("happened_on", "2024-04-24"), ("content", "已清理两个账户")],
            &[("账户清理报告.pdf", b"%PDF-1.4 evidence".as_slice())],
        )
        .await;
    assert!(sent.status.is_success(), "{}", sent.body);

    let r = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/archive.zip"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["content-type"], "application/zip");
    let disposition = r.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains(&*urlencoding::encode("归档材料-2024-04-25.zip")),
        "{disposition}"
    );
    let verified = zhenggai_documents::archive::verify(Cursor::new(r.bytes.clone())).unwrap();
    assert!(verified.mismatches.is_empty(), "{:?}", verified.mismatches);
    // The package is recorded in the trail with its manifest's digest, and the
    // documents page lists it: the anchor a forger cannot rewrite with the package.
    let made = t.audit_entries_of(Entity::Archive).await;
    assert_eq!(made.len(), 1);
    let documents = t
        .get(
            Some(&t.login("office").await),
            &format!("/inspections/{i}/documents"),
        )
        .await;
    assert!(
        documents.body.contains(&verified.manifest_digest),
        "the page shows the digest"
    );
    let mut zip = zip::ZipArchive::new(Cursor::new(r.bytes.clone())).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    for part in ["卷内目录.xlsx", "卷内目录.docx", "整改落实情况报告.docx"] {
        assert!(names.iter().any(|n| n == part), "{part}: {names:?}");
    }
    let evidence: Vec<&String> = names.iter().filter(|n| n.contains("卷 ")).collect();
    assert!(evidence.len() >= 4, "{names:?}");
    let pdf = names
        .iter()
        .find(|n| n.ends_with("账户清理报告.pdf"))
        .unwrap_or_else(|| panic!("{names:?}"));
    assert!(pdf.starts_with("市委第一巡察组/第"), "{pdf}");
    assert!(pdf.contains("财务部/") && pdf.contains("整改进展"), "{pdf}");
    let mut content = Vec::new();
    zip.by_name(pdf).unwrap().read_to_end(&mut content).unwrap();
    assert_eq!(content, b"%PDF-1.4 evidence");
    // The report inside is the final report.
    let mut report = Vec::new();
    zip.by_name("整改落实情况报告.docx")
        .unwrap()
        .read_to_end(&mut report)
        .unwrap();
    assert!(
        Layout::of(&report)
            .unwrap()
            .text()
            .contains("一、整改工作总体情况")
    );

    // Only the office makes it: 纪检 and the upper level are told so; a unit too;
    // another organisation learns nothing.
    for who in ["jijian", "xunchaban", "finance"] {
        let r = t
            .api(
                &t.token(who).await,
                "GET",
                &format!("/api/v1/inspections/{i}/archive.zip"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        assert!(
            r.body.contains("归档材料包由本单位整改办导出"),
            "{}",
            r.body
        );
    }
    let other = t.token("wb_office").await;
    let r = t
        .api(
            &other,
            "GET",
            &format!("/api/v1/inspections/{i}/archive.zip"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The ledger page offers it to the office only.
    let page = t
        .get(Some(&t.login("office").await), &format!("/inspections/{i}"))
        .await;
    assert!(page.body.contains(&format!("/inspections/{i}/archive.zip")));
    let page = t
        .get(Some(&t.login("jijian").await), &format!("/inspections/{i}"))
        .await;
    assert!(!page.body.contains("archive.zip"));
}
