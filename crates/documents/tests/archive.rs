//! The archive package (D17): files filed into volumes by unit in the ledger's order,
//! every name safe as a path; a package verifies; a changed, missing, added or damaged
//! file, or a changed manifest, is named.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use std::io::{Cursor, Read, Write};

use chrono::NaiveDate;
use zhenggai_documents::archive::{MANIFEST, MANIFEST_DIGEST, Mismatch, Packer, plan, verify};
use zhenggai_storage::ledger::archive::{Evidence, EvidenceFile, Filed};
use zip::ZipArchive;
use zip::write::SimpleFileOptions;

fn file(unit: (i64, &str), problem: i64, measure: Option<i64>, name: &str) -> EvidenceFile {
    EvidenceFile {
        unit_id: unit.0,
        unit: unit.1.into(),
        problem_ordinal: problem,
        problem_title: format!("问题{problem}"),
        measure_ordinal: measure,
        filed: if measure.is_some() {
            Filed::Progress
        } else {
            Filed::Closure
        },
        filename: name.into(),
        sha256: format!("{problem:064}"),
        size: 10,
        date: NaiveDate::from_ymd_opt(2024, 4, 25),
        id: problem,
    }
}

/// As zhenggai writes entries: stored, not compressed.
fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
}

fn evidence() -> Evidence {
    Evidence {
        org_name: "某市日报社".into(),
        inspection: "市委第一巡察组专项巡察".into(),
        group: "市委第一巡察组".into(),
        files: vec![
            file((7, "财务部"), 3, Some(1), "银行账户清单.pdf"),
            file((7, "财务部"), 5, None, "专项报告.docx"),
            file((9, "行政后勤部"), 4, Some(2), "../../etc/passwd"),
            file(
                (9, "行政后勤部"),
                6,
                Some(1),
                &format!("{}.jpg", "长".repeat(120)),
            ),
        ],
    }
}

#[test]
fn each_unit_is_a_volume_and_every_name_is_a_safe_path() {
    let p = plan(&evidence());
    assert_eq!(p.volumes.len(), 2);
    assert_eq!(
        (p.volumes[0].number, p.volumes[0].unit.as_str()),
        (1, "财务部")
    );
    assert_eq!(p.volumes[0].items.len(), 2);
    assert_eq!(
        p.volumes[1].items[0].number, 1,
        "numbered within the volume"
    );
    assert_eq!(
        p.files[0].path,
        "市委第一巡察组/第01卷 财务部/0001 问题3措施1整改进展-银行账户清单.pdf"
    );
    assert_eq!(
        p.files[1].path,
        "市委第一巡察组/第01卷 财务部/0002 问题5销号材料-专项报告.docx"
    );
    for f in &p.files {
        assert!(!f.path.contains(".."), "{}", f.path);
        assert_eq!(f.path.matches('/').count(), 2, "{}", f.path);
        let name = f.path.rsplit('/').next().unwrap();
        assert!(name.chars().count() <= 86, "{name}");
    }
    assert!(p.files[3].path.ends_with(".jpg"), "the extension is kept");
    // A name that reads backwards (U+202E) is written as it is stored, without the mark.
    let mut e = evidence();
    e.files[0].filename = "a\u{202E}gpj.exe.txt".into();
    assert!(plan(&e).files[0].path.ends_with("a_gpj.exe.txt"));
    assert_eq!(p.volumes[0].items[0].remarks, p.files[0].path);
}

fn package() -> Vec<u8> {
    let mut packer = Packer::new(
        Cursor::new(Vec::new()),
        NaiveDate::from_ymd_opt(2024, 4, 25)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap(),
    );
    packer.add("卷内目录.xlsx", b"catalogue").unwrap();
    packer
        .add(
            "市委第一巡察组/第01卷 财务部/0001 清单.pdf",
            b"evidence one",
        )
        .unwrap();
    packer
        .add(
            "市委第一巡察组/第02卷 行政后勤部/0001 报告.docx",
            b"evidence two",
        )
        .unwrap();
    packer.finish().unwrap().0.into_inner()
}

/// The package with its entries rewritten: `change` may alter, drop or add entries.
fn rewritten(
    bytes: &[u8],
    change: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>,
    add: &[(&str, &[u8])],
) -> Vec<u8> {
    let mut zip = ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if let Some(content) = change(&name, content) {
            out.start_file(name, stored()).unwrap();
            out.write_all(&content).unwrap();
        }
    }
    for (name, content) in add {
        out.start_file(*name, stored()).unwrap();
        out.write_all(content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_package_as_written_verifies() {
    let v = verify(Cursor::new(package())).unwrap();
    assert_eq!(v.listed, 3);
    assert!(v.mismatches.is_empty(), "{:?}", v.mismatches);
    assert_eq!(v.manifest_digest.len(), 64);
}

#[test]
fn a_changed_file_is_named_and_so_are_missing_added_and_damaged_ones() {
    let bytes = package();
    let changed = rewritten(
        &bytes,
        |name, content| {
            Some(if name.ends_with("清单.pdf") {
                b"evidence 1".to_vec()
            } else {
                content
            })
        },
        &[],
    );
    let v = verify(Cursor::new(changed)).unwrap();
    assert_eq!(
        v.mismatches,
        [Mismatch::Changed(
            "市委第一巡察组/第01卷 财务部/0001 清单.pdf".into()
        )]
    );
    assert!(v.mismatches[0].to_string().contains("0001 清单.pdf"));

    let dropped_and_added = rewritten(
        &bytes,
        |name, content| (!name.ends_with("报告.docx")).then_some(content),
        &[("另加的文件.txt", b"x")],
    );
    let v = verify(Cursor::new(dropped_and_added)).unwrap();
    assert_eq!(
        v.mismatches,
        [
            Mismatch::Unlisted("另加的文件.txt".into()),
            Mismatch::Missing("市委第一巡察组/第02卷 行政后勤部/0001 报告.docx".into()),
        ]
    );

    // Changing a file and the manifest to match is caught by the manifest's digest.
    let forged = rewritten(
        &bytes,
        |name, content| {
            if name.ends_with("清单.pdf") {
                return Some(b"forged".to_vec());
            }
            if name == MANIFEST {
                let text = String::from_utf8(content).unwrap();
                let old = zhenggai_documents::archive::sm3_hex(b"evidence one");
                let new = zhenggai_documents::archive::sm3_hex(b"forged");
                return Some(text.replace(&old, &new).into_bytes());
            }
            Some(content)
        },
        &[],
    );
    let v = verify(Cursor::new(forged)).unwrap();
    assert_eq!(v.mismatches, [Mismatch::Manifest]);

    // A byte changed in place fails the entry's own check, and is named.
    let mut flipped = bytes.clone();
    let at = flipped
        .windows(12)
        .position(|w| w == b"evidence two")
        .unwrap();
    flipped[at] = b'E';
    let v = verify(Cursor::new(flipped)).unwrap();
    assert!(
        matches!(&v.mismatches[..], [Mismatch::Unreadable(p, _)] if p.ends_with("报告.docx")),
        "{:?}",
        v.mismatches
    );
}

#[test]
fn a_package_made_by_another_tool_is_not_read_into_memory() {
    // Compressed entries, names that climb out of their folder, and two names for one
    // span of bytes are named without being read.
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let manifest = format!(
        "{}  ../../evil.txt\n{}  a.txt\n{}  b.txt\n",
        zhenggai_documents::archive::sm3_hex(b"x"),
        zhenggai_documents::archive::sm3_hex(b"y"),
        zhenggai_documents::archive::sm3_hex(b"y"),
    );
    for (name, content) in [
        ("../../evil.txt", b"x".as_slice()),
        ("a.txt", b"y"),
        ("b.txt", b"y"),
        (MANIFEST, manifest.as_bytes()),
    ] {
        out.start_file(name, stored()).unwrap();
        out.write_all(content).unwrap();
    }
    let digest = format!(
        "{}  {MANIFEST}\n",
        zhenggai_documents::archive::sm3_hex(manifest.as_bytes())
    );
    out.start_file(MANIFEST_DIGEST, stored()).unwrap();
    out.write_all(digest.as_bytes()).unwrap();
    let bytes = out.finish().unwrap().into_inner();
    let v = verify(Cursor::new(bytes)).unwrap();
    assert_eq!(
        v.mismatches,
        [Mismatch::UnsafeName("../../evil.txt".into())]
    );
}

#[test]
fn what_is_not_a_package_is_said_to_be_so() {
    assert!(verify(Cursor::new(b"not a zip".to_vec())).is_err());
    let no_manifest = rewritten(
        &package(),
        |name, content| (name != MANIFEST && name != MANIFEST_DIGEST).then_some(content),
        &[],
    );
    let e = verify(Cursor::new(no_manifest)).unwrap_err();
    assert!(e.to_string().contains(MANIFEST), "{e}");
}

#[test]
fn a_compressed_manifest_or_file_is_not_inflated() {
    let bytes = rewritten_compressed(&package());
    // The manifest itself compressed: the package is not one zhenggai made.
    assert!(verify(Cursor::new(bytes)).is_err());
}

/// The package re-zipped by a tool that compresses.
fn rewritten_compressed(bytes: &[u8]) -> Vec<u8> {
    let mut zip = ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        out.start_file(
            name,
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}
