//! Every generated document and export prints the 审计校验码 of the audit trail's end as
//! it was generated, and `audit verify --checkpoint CODE` proves the trail still
//! reaches it (issue 19, item 8).

use axum::http::StatusCode;
use zhenggai_storage::audit::checkpoint::Claim;
use zhenggai_storage::audit::verify;

use crate::util::*;

/// The code after `label` in a text.
fn code_after<'a>(text: &'a str, label: &str) -> &'a str {
    let rest = text
        .split(label)
        .nth(1)
        .unwrap_or_else(|| panic!("no {label} in {text}"));
    let end = rest
        .find(|c: char| c != '-' && !c.is_ascii_hexdigit())
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The code is of the trail as it stands, and verify proves the trail reaches it.
async fn proven(t: &TestApp, code: &str) {
    let now = verify::verify(&t.app.db).await.unwrap();
    assert_eq!(code, now.code, "the code printed is the trail's end");
    let claim = Claim::from_code(code).unwrap();
    let report = verify::verify_reaching(&t.app.db, &[claim]).await.unwrap();
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.checkpoints.len(), 1);
}

#[tokio::test]
async fn every_document_and_export_prints_the_audit_code_of_the_trail() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let i = t.inspection().await;

    // The ledger as handed upward (.xlsx), on the page and through the API.
    let file = t
        .get(Some(&office), &format!("/inspections/{i}/ledger.xlsx"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    let sheets =
        zhenggai_spreadsheet::read::read(&file.bytes, &zhenggai_spreadsheet::Limits::default())
            .unwrap();
    let date_line = sheets[0].cell(1, 0).to_string();
    proven(&t, code_after(&date_line, "审计校验码：")).await;
    let token = t.token("office").await;
    let api = t
        .api(
            &token,
            "GET",
            &format!("/api/v1/inspections/{i}/ledger.xlsx"),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let sheets =
        zhenggai_spreadsheet::read::read(&api.bytes, &zhenggai_spreadsheet::Limits::default())
            .unwrap();
    proven(&t, code_after(sheets[0].cell(1, 0), "审计校验码：")).await;

    // A 督办 notice, printable: the code of the trail with the notice in it.
    let measure = t.overdue_measure_of("财务部").await;
    let r = t
        .post(
            Some(&office),
            &format!("/measures/{measure}/notices"),
            &[
                ("kind", "supervision"),
                ("final_deadline", ""),
                ("content", "请加快推进整改"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let notice = t.get(Some(&office), r.location()).await;
    assert!(notice.body.contains("审计校验码"), "{}", notice.body);
    proven(&t, code_after(&notice.body, "data-audit-code>")).await;

    // A circular of a supervision round.
    let finance = t.unit("财务部").await;
    let r = t
        .post(
            Some(&office),
            "/supervision/rounds",
            &[
                ("title", "第一轮督查"),
                ("held_on", "2024-04-20"),
                ("unit_0", &finance.to_string()),
                ("finding_0", "销户进度慢"),
                ("slow_0", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let round = t.supervision_rounds().await[0].id;
    let circular = t
        .get(
            Some(&office),
            &format!("/supervision/rounds/{round}/circular"),
        )
        .await;
    assert_eq!(circular.status, StatusCode::OK);
    proven(&t, code_after(&circular.body, "data-audit-code>")).await;

    // The trail's CSV export: the code in a last row of its own.
    let audit = t.login("auditadmin").await;
    let csv = t
        .get(
            Some(&audit),
            &format!("/records/measures/{measure}/trail.csv"),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let last = csv.body.trim_end().lines().last().unwrap();
    assert!(last.starts_with("\"审计校验码 / audit code\",\""), "{last}");
    proven(&t, code_after(last, "audit code\",\"")).await;
}
