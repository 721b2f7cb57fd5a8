//! Importing the office's own ledger (upload → preview → commit) and exporting the one
//! it hands upward, with the refusals.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use zhenggai_domain::InspectionId;
use zhenggai_storage::audit::Entity;
use zhenggai_storage::ledger::query::Within;
use zhenggai_storage::settings::header_words::{self, HeaderWord};

use crate::util::*;

/// The header words the S1 organisation's imports learnt.
async fn header_words(t: &TestApp) -> Vec<HeaderWord> {
    let office = t.actor("office").await;
    header_words::list(&t.app.db, &office, office.org)
        .await
        .unwrap()
}

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
    assert!(page.body.contains("还没有导入过台账文件"));

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
    let sha = preview.field("sha256");
    let before = t.rows_in("measures").await;
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
    assert_eq!(t.rows_in("measures").await, before, "nothing written");
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
    assert_eq!(t.rows_in("measures").await, before + 3);

    // The import page lists the file, when (Beijing time) and by whom, and gives it
    // back as it was read — to the office only.
    let import = t.imports(i).await[0].id;
    let page = t
        .get(Some(&office), &format!("/inspections/{i}/import"))
        .await;
    let link = format!("/inspections/{i}/imports/{import}/file");
    for shown in [link.as_str(), "台账.csv", "2024-04-25 10:00", "李明"] {
        assert!(page.body.contains(shown), "the import page lacks {shown}");
    }
    assert!(!page.body.contains("data-not-kept"));
    let kept = t.get(Some(&office), &link).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert_eq!(kept.bytes, LEDGER.as_bytes());
    let disposition = kept
        .headers
        .get(axum::http::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("%E5%8F%B0%E8%B4%A6.csv"),
        "{disposition}"
    );
    for who in ["finance", "leader_wang", "jijian", "xunchaban", "sysadmin"] {
        let s = t.login(who).await;
        let r = t.get(Some(&s), &link).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {}",
            r.status
        );
        assert_ne!(r.bytes, LEDGER.as_bytes());
    }
    let elsewhere = t
        .inspections()
        .await
        .iter()
        .find(|other| other.id.0 != i)
        .unwrap()
        .id
        .0;
    assert_eq!(
        t.get(
            Some(&office),
            &format!("/inspections/{elsewhere}/imports/{import}/file")
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "an import is found under its own inspection only"
    );

    // An import whose file was not kept (made before the command line and the API kept
    // files) is listed without a link that could only answer 404.
    t.write_directly(&format!(
        "INSERT INTO imports (org_id, inspection_id, sha256, filename, sheet, problems, measures, created_at) \
         SELECT org_id, id, '{}', '旧台账.xls', 'Sheet1', 1, 1, '2024-04-01T02:00:00Z' FROM inspections WHERE id = {i}",
        "0".repeat(64)
    ))
    .await;
    let page = t
        .get(Some(&office), &format!("/inspections/{i}/import"))
        .await;
    let row = page
        .body
        .split("<tr")
        .find(|r| r.contains("旧台账.xls"))
        .unwrap_or_default();
    assert!(
        row.contains("data-not-kept") && !row.contains("/file\""),
        "{row}"
    );

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
            ignore_columns: Vec::new(),
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
        reading.measures,
        t.measures_as("office", Within::Inspection(InspectionId(i)))
            .await
            .len()
    );
}

/// A ledger of `n` problems with a measure each; the measure of problem `bad` has no
/// lead unit. Problem k's measure sits on the sheet's row k + 2.
fn long_ledger(n: usize, bad: usize) -> String {
    let mut csv = String::from("序号,问题描述,整改措施,责任领导,牵头单位,配合单位,完成时限\n");
    csv.push_str(&format!("一、新增巡察反馈问题（{n}个问题）,,,,,,\n"));
    for k in 1..=n {
        let unit = if k == bad { "" } else { "办公室" };
        csv.push_str(&format!(
            "{k},第{k}个问题,第{k}条措施,王建国,{unit},,立行立改\n"
        ));
    }
    csv
}

#[tokio::test]
async fn a_long_ledger_is_previewed_a_page_at_a_time_and_its_errors_link_to_their_rows() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.login("office").await;
    let preview = t
        .post_progress(
            Auth::Session(&office),
            &format!("/inspections/{i}/import"),
            &[("csrf", office.csrf.as_str())],
            &[("长台账.csv", long_ledger(450, 428).as_bytes())],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let body = &preview.body;
    assert!(body.contains("450条措施") && body.contains("1处错误"));
    assert!(body.contains("第1条措施") && body.contains("第200条措施"));
    assert!(!body.contains("第201条措施"), "only the first page of rows");
    assert!(body.contains("1 / 3"));
    let sha = preview.field("sha256");
    // askama writes `&` in an attribute as `&#38;`.
    let base = format!("/inspections/{i}/import/preview?sha256={sha}&#38;filename=");
    assert!(body.contains(&base), "the pager keeps the upload");
    assert!(
        body.contains(&format!(
            "action=\"/inspections/{i}/import/preview\" class=\"pager-jump\""
        )),
        "a page can be asked for by its number"
    );
    assert!(
        body.contains("page=3#r430\""),
        "the error links to its row's page"
    );

    let page3 =
        format!("/inspections/{i}/import/preview?sha256={sha}&filename=%E9%95%BF.csv&page=3");
    let r = t.get(Some(&office), &page3).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("第401条措施") && r.body.contains("第450条措施"));
    assert!(!r.body.contains("第400条措施"));
    assert!(r.body.contains("id=\"r430\""));
    assert!(
        r.body.contains("#r430\""),
        "on its own page the link stays there"
    );
    assert!(r.body.contains("3 / 3"));
    assert!(
        r.body.contains("name=\"sha256\""),
        "any page commits the whole file"
    );
    // A page past the end shows the last.
    let r = t
        .get(
            Some(&office),
            &format!("/inspections/{i}/import/preview?sha256={sha}&page=99"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("第450条措施") && r.body.contains("3 / 3"));

    // An upload that is not stored is said so; others' offices and units are refused.
    let gone = format!("/inspections/{i}/import/preview?sha256={}", "0".repeat(64));
    let r = t.get(Some(&office), &gone).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("上传的文件已失效"));
    let r = t
        .get(
            Some(&office),
            &format!("/inspections/{i}/import/preview?sha256=../../etc"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for who in ["finance", "leader_wang", "xunchaban"] {
        let s = t.login(who).await;
        let r = t.get(Some(&s), &page3).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {}",
            r.status
        );
    }
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
    let before = t.rows_in("measures").await;
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
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(LEDGER.as_bytes()));
    assert!(
        t.app.files.get(&sha).await.is_err(),
        "a dry run keeps nothing"
    );
    assert_eq!(v["reading"]["measures"], 3);
    assert_eq!(v["reading"]["rows"][0]["deadline"]["precision"], "xun");
    assert_eq!(
        v["matching"]["unknown_units"],
        serde_json::json!(["法务部"])
    );
    assert_eq!(t.rows_in("measures").await, before);
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
    assert_eq!(t.rows_in("measures").await, before + 3);
    // The file imported is kept, under the hash its import record names.
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(LEDGER.as_bytes()));
    assert_eq!(t.app.files.get(&sha).await.unwrap(), LEDGER.as_bytes());
    // The imports are listed, and the file read is given back, to the office only.
    let listed = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/imports"),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let listed = listed.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["sha256"], sha);
    assert_eq!(listed[0]["filename"], "台账.csv");
    assert_eq!(listed[0]["measures"], 3);
    let file = format!(
        "/api/v1/inspections/{i}/imports/{}/file",
        listed[0]["id"].as_i64().unwrap()
    );
    let kept = t.api(&office, "GET", &file, None).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert_eq!(kept.bytes, LEDGER.as_bytes());
    for who in ["finance", "jijian", "xunchaban"] {
        let token = t.token(who).await;
        for path in [format!("/api/v1/inspections/{i}/imports"), file.clone()] {
            let r = t.api(&token, "GET", &path, None).await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{who} {path}: {}",
                r.status
            );
        }
    }
}

#[tokio::test]
async fn whoever_may_not_import_is_refused_before_the_file_is_read() {
    // A unit that reads the inspection may not import into it: refused, whatever the
    // body holds, before a byte of it is read (a body that is no multipart at all gets
    // the same 403, not a complaint about the body).
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let session = t.login("finance").await;
    let token = t.token("finance").await;
    let garbage = || {
        Body::from(
            b"--zgboundary\r\nnot a part at all\xff\xfe"
                .repeat(1000)
                .to_vec(),
        )
    };
    for (auth, path) in [
        (Auth::Session(&session), format!("/inspections/{i}/import")),
        (
            Auth::Token(&token),
            format!("/api/v1/inspections/{i}/import"),
        ),
    ] {
        let req = auth
            .apply(Request::post(&path))
            .header(
                header::CONTENT_TYPE,
                "multipart/form-data; boundary=zgboundary",
            )
            .body(garbage())
            .unwrap();
        let r = t.send(req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert!(
            r.body.contains("只有本单位整改办可以导入台账"),
            "{path}: {}",
            r.body
        );
    }
    // The office itself gets as far as the body, and is told what is wrong with it.
    let office = t.token("office").await;
    let req = Auth::Token(&office)
        .apply(Request::post(format!("/api/v1/inspections/{i}/import")))
        .header(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=zgboundary",
        )
        .body(garbage())
        .unwrap();
    assert_eq!(t.send(req).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_upload_is_previewed_and_committed_only_by_the_session_that_made_it() {
    // The office uploads; the hash its preview carries is no key for anyone else: the
    // office of another organisation (on its own inspection) and another office
    // account of the same organisation hear for it exactly what they hear for a hash
    // that names nothing, on the preview and on the commit.
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.login("office").await;
    let preview = t
        .post_progress(
            Auth::Session(&office),
            &format!("/inspections/{i}/import"),
            &[("csrf", office.csrf.as_str())],
            &[("台账.csv", LEDGER.as_bytes())],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let sha = preview.field("sha256");
    let page = |inspection: i64, sha: &str| {
        format!(
            "/inspections/{inspection}/import/preview?sha256={sha}&filename=a.csv&sheet=&page=2"
        )
    };
    let own = t.get(Some(&office), &page(i, &sha)).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(own.body.contains("印章管理不规范"));

    let elsewhere = t.other_organisation("office_tv").await;
    let org = t.get_user("office").await.unit_id.0;
    t.add_user("office_two", org, zhenggai_domain::Role::Office)
        .await;
    let nothing = "0".repeat(64);
    for (who, inspection) in [("office_tv", elsewhere), ("office_two", i)] {
        let s = t.login(who).await;
        let named = t.get(Some(&s), &page(inspection, &sha)).await;
        let unknown = t.get(Some(&s), &page(inspection, &nothing)).await;
        assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY, "{who}");
        assert!(named.body.contains("上传的文件已失效，请重新上传"), "{who}");
        assert!(!named.body.contains("印章管理不规范"), "{who}");
        assert_eq!(
            (named.status, &named.body),
            (unknown.status, &unknown.body),
            "{who}"
        );
        let commit = |sha: &str| {
            let fields = [
                ("sha256", sha.to_string()),
                ("filename", "台账.csv".to_string()),
                ("sheet", String::new()),
                ("create_units", "on".to_string()),
            ];
            let (t, s, path) = (&t, &s, format!("/inspections/{inspection}/import/commit"));
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                t.post(Some(s), &path, &fields).await
            }
        };
        let before = t.rows_in("measures").await;
        let named = commit(&sha).await;
        let unknown = commit(&nothing).await;
        assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY, "{who}");
        assert_eq!(
            (named.status, &named.body),
            (unknown.status, &unknown.body),
            "{who}"
        );
        assert_eq!(t.rows_in("measures").await, before);
    }
}

#[tokio::test]
async fn the_office_uploading_a_hostile_workbook_is_told_what_to_do() {
    // The outside probe's file and its variants (fuzz/corpus/read_ledger/hostile-*,
    // built by the spreadsheet crate's tests/hostile.rs): refused on the form, in
    // Chinese, while the server goes on answering.
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.login("office").await;
    for (file, said) in [
        (
            &include_bytes!(
                "../../../../fuzz/corpus/read_ledger/hostile-merge-over-sparse-sheet.xlsx"
            )[..],
            "单元格超过4000000个：请拆分后导入。",
        ),
        (
            &include_bytes!("../../../../fuzz/corpus/read_ledger/hostile-merges-overlapping.xlsx")
                [..],
            "请拆分台账或取消大范围的合并后导入。",
        ),
    ] {
        let r = t
            .post_progress(
                Auth::Session(&office),
                &format!("/inspections/{i}/import"),
                &[("csrf", office.csrf.as_str())],
                &[("台账.xlsx", file)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{said}");
        assert!(r.body.contains(said), "{said}: {}", r.body);
    }
    let page = t
        .get(Some(&office), &format!("/inspections/{i}/import"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
}

/// A ledger with a column the import does not know (督办意见), one without a header,
/// and a status column.
const ODD_LEDGER: &str = "序号,问题描述,整改措施,牵头单位,完成时限,督办意见,,完成情况\n\
1,印章管理不规范,建立用印登记制度,办公室,5月中旬,抓紧办理,A档,已完成\n\
,,开展印章清查,办公室,长期坚持,,B档,长期坚持\n\
2,网站信息发布审核不严,完善三审三校,新媒体中心,二季度末,,,正在推进\n";

#[tokio::test]
async fn an_unknown_column_is_shown_then_mapped_or_ignored_before_the_import() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.login("office").await;
    let preview = t
        .post_progress(
            Auth::Session(&office),
            &format!("/inspections/{i}/import"),
            &[("csrf", office.csrf.as_str())],
            &[("台账.csv", ODD_LEDGER.as_bytes())],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let body = &preview.body;
    for shown in [
        "未识别的列",
        "督办意见",
        "抓紧办理",
        "（无列名）",
        "A档",
        "name=\"col_F\"",
        "name=\"col_G\"",
        "id=\"columns-undecided\"",
        "读作：已完成",
        "读作：长期坚持",
        "读作：正在推进",
    ] {
        assert!(body.contains(shown), "the preview lacks {shown}");
    }
    // The headerless column may only be ignored: no field can be remembered for it.
    let g = body.split("name=\"col_G\"").nth(1).unwrap();
    let g = g.split("</select>").next().unwrap();
    assert!(g.contains("value=\"ignore\"") && !g.contains("value=\"target\""));
    // A column is mapped only to a field the import keeps.
    let f = body.split("name=\"col_F\"").nth(1).unwrap();
    let f = f.split("</select>").next().unwrap();
    assert!(f.contains("value=\"target\"") && !f.contains("value=\"note\""));
    assert!(
        body.contains("disabled>确认导入"),
        "nothing is imported while a column is undecided"
    );
    let sha = preview.field("sha256");
    let upload = |ignore: &str| {
        vec![
            ("sha256", sha.clone()),
            ("filename", "台账.csv".to_string()),
            ("sheet", String::new()),
            ("ignore", ignore.to_string()),
        ]
    };
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let t = &t;
        let office = &office;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.post(Some(office), &path, &fields).await
        }
    };

    // The commit refuses, naming the column; nothing is written.
    let before = t.rows_in("measures").await;
    let refused = post(format!("/inspections/{i}/import/commit"), upload("")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("F（督办意见）"), "{}", refused.body);
    assert_eq!(t.rows_in("measures").await, before);

    // Nothing chosen: asked to choose.
    let nothing = post(format!("/inspections/{i}/import/columns"), upload("")).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.body.contains("请为每一列选择"));

    // A unit may not decide the office's columns.
    let finance = t.login("finance").await;
    let mut decided = upload("");
    decided.push(("col_F", "target".into()));
    decided.push(("col_G", "ignore".into()));
    let fields: Vec<(&str, &str)> = decided.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = t
        .post(
            Some(&finance),
            &format!("/inspections/{i}/import/columns"),
            &fields,
        )
        .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    assert!(header_words(&t).await.is_empty());

    // The office maps 督办意见 to the note and ignores the headerless column.
    let applied = post(format!("/inspections/{i}/import/columns"), decided).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let again = applied.location().to_string();
    assert!(again.contains("ignore=G"), "{again}");
    let page = t.get(Some(&office), &again).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("已确认忽略"));
    assert!(
        !page.body.contains("name=\"col_F\""),
        "督办意见 is read as the target now"
    );
    assert!(!page.body.contains("id=\"columns-undecided\""));
    assert_eq!(t.audit_entries_of(Entity::HeaderWord).await.len(), 1);

    // Imported, the states as the ledger said.
    let done = post(format!("/inspections/{i}/import/commit"), upload("G")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // As stored: a record's origin (the sheet's row it came from) is kept for the
    // trail, and no list shows it.
    let imported = |table: &str, state: &str| {
        format!("SELECT COUNT(*) FROM {table} WHERE origin IS NOT NULL AND state = '{state}'")
    };
    assert_eq!(t.stored::<i64>(&imported("measures", "done")).await, 1);
    assert_eq!(
        t.stored::<i64>(&imported("measures", "in_progress")).await,
        2
    );
    assert_eq!(
        t.stored::<i64>(&imported("problems", "in_progress")).await,
        2
    );

    // The settings page shows the word, in Chinese and in English, and it is changed
    // and removed there.
    let settings = t.get(Some(&office), "/settings/import-columns").await;
    assert_eq!(settings.status, StatusCode::OK);
    assert!(settings.body.contains("data-word=\"督办意见\""));
    assert!(settings.body.contains("value=\"target\" selected"));
    let en = Session {
        cookie: format!("{}; zg_lang=en", office.cookie),
        csrf: office.csrf.clone(),
    };
    let english = t.get(Some(&en), "/settings/import-columns").await;
    assert!(english.body.contains("Import header words") && english.body.contains(">Target<"));
    let refused = t.get(Some(&finance), "/settings/import-columns").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let id = header_words(&t).await.iter().map(|w| w.id).max().unwrap();
    let changed = t
        .post(
            Some(&office),
            &format!("/settings/import-columns/{id}"),
            &[("op", "save"), ("version", "1"), ("meaning", "responsible")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let stale = t
        .post(
            Some(&office),
            &format!("/settings/import-columns/{id}"),
            &[("op", "save"), ("version", "1"), ("meaning", "ignore")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("刚被别人修改过"));
    let removed = t
        .post(
            Some(&office),
            &format!("/settings/import-columns/{id}"),
            &[("op", "remove"), ("version", "2"), ("reason", "")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let settings = t.get(Some(&office), "/settings/import-columns").await;
    assert!(settings.body.contains("id=\"no-words\""));
    assert_eq!(
        t.audit_entries_of(Entity::HeaderWord)
            .await
            .iter()
            .filter(|e| {
                e.action == "withdraw" && e.reason.as_deref() == Some("整改办在导入列名设置中删除")
            })
            .count(),
        1
    );
    // Added by hand; an empty word is refused at its field.
    let empty = t
        .post(
            Some(&office),
            "/settings/import-columns",
            &[("word", " "), ("meaning", "lead_unit")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("data-field=\"word\""));
    let added = t
        .post(
            Some(&office),
            "/settings/import-columns",
            &[("word", "主办科室"), ("meaning", "lead_unit")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
}
