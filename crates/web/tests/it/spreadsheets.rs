//! Importing the office's own ledger (upload → preview → commit) and exporting the one
//! it hands upward, with the refusals.

use axum::http::StatusCode;

use crate::util::*;

const LEDGER: &str = "序号,问题描述,整改措施,责任领导,牵头单位,配合单位,完成时限\n\
一、新增巡察反馈问题（2个问题）,,,,,,\n\
1,印章管理不规范,建立用印登记制度,王建国,报社办公室,财务部,5月中旬\n\
,,开展印章清查,王建国,办公室,,立行立改\n\
2,网站信息发布审核不严,完善三审三校,赵志红,新媒体中心,法务部,二季度末\n";

#[tokio::test]
async fn the_office_previews_then_imports_its_ledger() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.login("office").await;
    let page = t
        .get(Some(&office), &format!("/inspections/{i}/import"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("type=\"file\""));

    let preview = t
        .post_progress(
            Auth::Session(&office),
            &format!("/inspections/{i}/import"),
            &[("csrf", office.csrf.as_str())],
            &[("台账.csv", LEDGER.as_bytes())],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    for shown in [
        "印章管理不规范",
        "开展印章清查",
        "2024-05-20",
        "法务部",
        "1个方面",
        "2个问题",
        "3条措施",
    ] {
        assert!(preview.body.contains(shown), "the preview lacks {shown}");
    }
    let sha = preview
        .body
        .split("name=\"sha256\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let before = t.count("SELECT COUNT(*) FROM measures").await;
    let commit = |create: bool| {
        let mut fields = vec![
            ("sha256", sha.clone()),
            ("filename", "台账.csv".to_string()),
            ("sheet", String::new()),
        ];
        if create {
            fields.push(("create_units", "on".to_string()));
        }
        fields
    };
    let refused = t
        .post(
            Some(&office),
            &format!("/inspections/{i}/import/commit"),
            &commit(false)
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("法务部"));
    assert_eq!(
        t.count("SELECT COUNT(*) FROM measures").await,
        before,
        "nothing written"
    );
    let done = t
        .post(
            Some(&office),
            &format!("/inspections/{i}/import/commit"),
            &commit(true)
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), format!("/inspections/{i}?imported=3"));
    assert_eq!(t.count("SELECT COUNT(*) FROM measures").await, before + 3);

    // The export holds the imported rows, and reads back as a ledger.
    let file = t
        .get(Some(&office), &format!("/inspections/{i}/ledger.xlsx"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    let bytes = file.bytes.clone();
    let sheets =
        zhenggai_spreadsheet::read::read(&bytes, &zhenggai_spreadsheet::Limits::default()).unwrap();
    let reading = zhenggai_spreadsheet::read_ledger(
        &sheets,
        &zhenggai_spreadsheet::ledger::Options {
            sheet: None,
            reference: today().into(),
            synonyms: Default::default(),
        },
    );
    assert!(reading.ok(), "{:#?}", reading.errors);
    assert!(
        reading
            .rows
            .iter()
            .any(|r| r.measure == "开展印章清查" && r.deadline.text == "立行立改")
    );
    assert_eq!(
        reading.measures as i64,
        t.count(&format!(
            "SELECT COUNT(*) FROM measures WHERE inspection_id = {i} AND withdrawn_at IS NULL"
        ))
        .await
    );
}

#[tokio::test]
async fn only_the_office_imports_and_each_sees_only_its_rows_in_the_export() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    for who in ["finance", "leader_wang", "jijian", "xunchaban"] {
        let s = t.login(who).await;
        let r = t.get(Some(&s), &format!("/inspections/{i}/import")).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {}",
            r.status
        );
        let token = t.token(who).await;
        let r = t
            .post_progress(
                Auth::Token(&token),
                &format!("/api/v1/inspections/{i}/import"),
                &[("dry_run", "true")],
                &[("台账.csv", LEDGER.as_bytes())],
            )
            .await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who} via the API: {}",
            r.status
        );
    }
    let finance = t.login("finance").await;
    let file = t
        .get(Some(&finance), &format!("/inspections/{i}/ledger.xlsx"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    let sheets =
        zhenggai_spreadsheet::read::read(&file.bytes, &zhenggai_spreadsheet::Limits::default())
            .unwrap();
    let text: String = sheets[0].rows.iter().flatten().cloned().collect();
    assert!(text.contains(FINANCE_LEAD));
    assert!(
        !text.contains(HR_ONLY),
        "another unit's measure in finance's export"
    );
    let admin = t.login("sysadmin").await;
    assert!(matches!(
        t.get(Some(&admin), &format!("/inspections/{i}/ledger.xlsx"))
            .await
            .status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
}

#[tokio::test]
async fn the_api_reads_a_ledger_without_writing_on_a_dry_run() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.token("office").await;
    let before = t.count("SELECT COUNT(*) FROM measures").await;
    let r = t
        .post_progress(
            Auth::Token(&office),
            &format!("/api/v1/inspections/{i}/import"),
            &[("dry_run", "true")],
            &[("台账.csv", LEDGER.as_bytes())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["committed"], false);
    assert_eq!(v["reading"]["measures"], 3);
    assert_eq!(v["reading"]["rows"][0]["deadline"]["precision"], "xun");
    assert_eq!(
        v["matching"]["unknown_units"],
        serde_json::json!(["法务部"])
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM measures").await, before);
    let r = t
        .post_progress(
            Auth::Token(&office),
            &format!("/api/v1/inspections/{i}/import"),
            &[("create_units", "true")],
            &[("台账.csv", LEDGER.as_bytes())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["imported"]["measures"], 3);
    assert_eq!(t.count("SELECT COUNT(*) FROM measures").await, before + 3);
}
