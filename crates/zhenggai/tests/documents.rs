#![expect(clippy::unwrap_used, reason = "a failing unwrap is a failing test")]
//! `zhenggai report`: the four documents upward of the demo inspection are written,
//! read back (page, margins, fonts, words) with the statistics module's figures, and
//! converted by LibreOffice without error. LibreOffice is required: `.ci/run` installs
//! it (Debian's libreoffice-writer-nogui), and without it this test fails, saying so.

use std::path::Path;
use std::process::Command;

use zhenggai_documents::official::{A4, BODY_FONT, MARGINS, TITLE_FONT};
use zhenggai_documents::read::Layout;

const BIN: &str = env!("CARGO_BIN_EXE_zhenggai");

fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .env_remove("ZHENGGAI_DATABASE_URL")
        .env_remove("ZHENGGAI_CONFIG")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn report(data: &Path, kind: &str, extra: &[&str]) -> (std::path::PathBuf, Layout) {
    let file = data.join(format!("{kind}.docx"));
    let mut args = vec![
        "report",
        kind,
        "--inspection",
        "1",
        "-o",
        file.to_str().unwrap(),
        "--number",
        "日报社党委〔2026〕12号",
        "--signer",
        "王刚",
        "--to",
        "市委巡察工作领导小组",
        "--cc",
        "市纪委监委",
    ];
    args.extend_from_slice(extra);
    let (code, _, err) = run(data, &args);
    assert_eq!(code, 0, "{kind}: {err}");
    let layout = Layout::of(&std::fs::read(&file).unwrap()).unwrap();
    (file, layout)
}

#[test]
fn the_four_documents_carry_the_figures_in_official_layout_and_libreoffice_opens_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert_eq!(run(data, &["demo"]).0, 0);
    let (_, sentence, _) = run(data, &["stats", "--inspection", "1"]);
    let sentence = sentence.trim();

    let mut files = Vec::new();
    for kind in ["final", "public", "weekly", "monthly"] {
        let (file, l) = report(data, kind, &[]);
        assert_eq!(l.page, (u64::from(A4.0), u64::from(A4.1)), "{kind}");
        assert_eq!(
            l.margins,
            (
                MARGINS.top as u64,
                MARGINS.right as u64,
                MARGINS.bottom as u64,
                MARGINS.left as u64
            ),
            "{kind}"
        );
        assert_eq!(l.footers.len(), 2, "{kind}: odd and even page numbers");
        let mark = l.starting("某市日报社（报业集团）文件").unwrap();
        assert_eq!(mark.color.as_deref(), Some("FF0000"), "{kind}");
        assert!(
            l.text().contains("日报社党委〔2026〕12号\t签发人：王刚"),
            "{kind}"
        );
        assert!(l.text().contains("抄送：市纪委监委。"), "{kind}");
        files.push(file);

        match kind {
            "final" => {
                let title = l.starting("某市日报社（报业集团）关于").unwrap();
                assert!(title.text.ends_with("整改落实情况的报告"));
                assert_eq!(title.font.as_deref(), Some(TITLE_FONT));
                // The overall sentence is the statistics module's, word for word.
                let overall = l.starting("截至").unwrap();
                assert_eq!(overall.text, sentence);
                assert_eq!(overall.font.as_deref(), Some(BODY_FONT));
                for heading in [
                    "一、整改工作总体情况",
                    "二、反馈问题整改落实情况",
                    "三、下一步工作",
                ] {
                    assert!(l.starting(heading).is_some(), "{heading}");
                }
                // Every problem under its aspect, with measures and evidence.
                assert!(l.starting("（一）班子建设方面").is_some());
                assert!(l.starting("1.缺乏大局意识、执行党委决策不到位").is_some());
                assert!(l.text().contains("整改措施：（1）"));
                assert!(l.text().contains("佐证材料："));
            }
            "public" => {
                assert!(l.text().contains("整改进展情况的通报"));
                assert!(l.text().contains("反馈的23个问题中，已完成整改1个"));
                assert!(l.text().contains("清退资金6.1万元"));
                assert!(l.starting("三、欢迎监督").is_some());
                // What only the office reads stays out of the public notice.
                assert!(!l.text().contains("佐证材料"));
                assert!(!l.text().contains("问题表现"));
            }
            "weekly" => assert!(l.text().contains("整改工作周汇总（")),
            _ => {
                // The circular is the organisation's: its figures are the organisation's.
                assert!(l.text().contains("整改工作督查通报（"));
                let (_, json, _) = run(data, &["stats", "--inspection", "1", "--json"]);
                let v: serde_json::Value = serde_json::from_str(&json).unwrap();
                let org = v["organisations"][0]["id"].to_string();
                let (_, whole, _) = run(data, &["stats", "--org", &org]);
                assert_eq!(l.starting("截至").unwrap().text, whole.trim());
                assert_ne!(whole.trim(), sentence, "the self-inspection counts too");
            }
        }
    }

    // Before the ledger was entered there is nothing to report: refused at the day.
    let (code, _, err) = run(
        data,
        &[
            "report",
            "final",
            "--inspection",
            "1",
            "-o",
            "x.docx",
            "--as-of",
            "2026-01-05",
        ],
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("as_of") && err.contains("nothing to report"),
        "{err}"
    );

    // A header field too long is refused at its field; a day ahead at as_of.
    let long = "号".repeat(101);
    let (code, _, err) = run(
        data,
        &[
            "report",
            "final",
            "--inspection",
            "1",
            "-o",
            "x.docx",
            "--number",
            &long,
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("number"), "{err}");
    let (code, _, err) = run(
        data,
        &[
            "report",
            "public",
            "--inspection",
            "1",
            "-o",
            "x.docx",
            "--as-of",
            "2999-01-01",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("as_of"), "{err}");

    // LibreOffice opens and converts each one.
    let pdfs = data.join("pdf");
    let status = Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdfs)
        .args(&files)
        .env("HOME", data)
        .output()
        .unwrap_or_else(|e| {
            panic!("LibreOffice (soffice) is needed to check the documents open: apt-get install libreoffice-writer-nogui ({e})")
        });
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for kind in ["final", "public", "weekly", "monthly"] {
        let pdf = std::fs::read(pdfs.join(format!("{kind}.pdf"))).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{kind}");
        assert!(pdf.len() > 10_000, "{kind}: {} bytes", pdf.len());
    }
}

#[test]
fn the_archive_package_verifies_and_names_a_file_changed_inside_it() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert_eq!(run(data, &["demo"]).0, 0);
    let package = data.join("归档.zip");
    let (code, out, err) = run(
        data,
        &[
            "archive",
            "--inspection",
            "1",
            "-o",
            package.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("volumes") && out.contains("manifest SM3"),
        "{out}"
    );
    let (code, out, _) = run(data, &["archive", "verify", package.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("files match the manifest"), "{out}");

    // One evidence file changed inside the package, the zip rewritten around it as a
    // tool would: verify fails and names that file, and only it.
    let bytes = std::fs::read(&package).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out_zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut changed = None;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if changed.is_none() && name.contains("卷 ") {
            content.extend_from_slice("（后补）".as_bytes());
            changed = Some(name.clone());
        }
        out_zip
            .start_file(
                name,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored),
            )
            .unwrap();
        out_zip.write_all(&content).unwrap();
    }
    let tampered = data.join("改过的.zip");
    std::fs::write(&tampered, out_zip.finish().unwrap().into_inner()).unwrap();
    let changed = changed.expect("the demo's package holds evidence");
    let (code, out, _) = run(data, &["archive", "verify", tampered.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("changed: {changed}")), "{out}");
    assert!(out.contains("(1 found above"), "only the one file: {out}");

    // Not a package at all; no inspection of that id.
    let (code, _, err) = run(
        data,
        &[
            "archive",
            "verify",
            data.join("zhenggai.db").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("not a zip package"), "{err}");
    let (code, _, err) = run(data, &["archive", "--inspection", "999", "-o", "x.zip"]);
    assert_ne!(code, 0);
    assert!(err.contains("no inspection 999"), "{err}");
    // A data directory mistyped is said, not created empty.
    let wrong = data.join("mistyped");
    let (code, _, err) = run(&wrong, &["archive", "--inspection", "1", "-o", "x.zip"]);
    assert_ne!(code, 0);
    assert!(err.contains("no database at"), "{err}");
    assert!(!wrong.exists(), "nothing made where nothing was");
}
