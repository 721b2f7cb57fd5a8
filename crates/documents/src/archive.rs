//! 归档材料包 (D17): an inspection's evidence filed by source (the inspection group), unit
//! and order into volumes (卷), with the catalogue (卷内目录) as `.xlsx` and `.docx`, the
//! final report, and a manifest of the SM3 digest of every file; `verify` checks a
//! package against its manifest and names each file that does not match.
//!
//! Files are stored, not compressed: evidence is mostly PDF and pictures, already
//! compressed, and an office's archive tool opens a stored zip anywhere. The package is
//! written one file at a time to any `Write + Seek` (a file on disk), so its size costs
//! no memory.

use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};

use sm3::{Digest, Sm3};
use zhenggai_spreadsheet::catalogue::{Item, Volume};
use zhenggai_storage::ledger::archive::{Evidence, EvidenceFile, Filed};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::official::{Block, Document, Header};

/// The manifest: one line a file, `SM3-hex  path`, in the package's order.
pub const MANIFEST: &str = "文件清单（SM3）.txt";
/// The SM3 of the manifest itself, `SM3-hex  文件清单（SM3）.txt`.
pub const MANIFEST_DIGEST: &str = "文件清单校验值（SM3）.txt";
/// The catalogue as a spreadsheet.
pub const CATALOGUE_XLSX: &str = "卷内目录.xlsx";
/// The catalogue as a Word document.
pub const CATALOGUE_DOCX: &str = "卷内目录.docx";
/// The final report, generated with the package.
pub const REPORT: &str = "整改落实情况报告.docx";

/// A stored file's place in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Its path in the package.
    pub path: String,
    /// Its SHA-256, by which the store keeps it.
    pub sha256: String,
}

/// The package's plan: its volumes (for the catalogue) and where each stored file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The volumes in order.
    pub volumes: Vec<Volume>,
    /// The stored files in order.
    pub files: Vec<Placed>,
}

/// A name as one path component: no separators, no characters a file system refuses,
/// no "..", no leading dots, at most 80 characters (the extension kept).
fn component(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control()
                || zhenggai_domain::validate::is_forbidden_char(c)
                || "/\\:*?\"<>|".contains(c)
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    // No "..": an extracting tool that splits on other separators finds no way up.
    let cleaned = cleaned
        .replace("..", "_")
        .trim_start_matches(['.', ' '])
        .to_string();
    let cleaned = if cleaned.is_empty() {
        "_".to_string()
    } else {
        cleaned
    };
    if cleaned.chars().count() <= 80 {
        return cleaned;
    }
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 10 => (stem.to_string(), format!(".{ext}")),
        _ => (cleaned.clone(), String::new()),
    };
    let keep = 80 - ext.chars().count();
    format!("{}{ext}", stem.chars().take(keep).collect::<String>())
}

fn what(f: &EvidenceFile) -> String {
    match (f.filed, f.measure_ordinal) {
        (Filed::Progress, Some(m)) => format!("问题{}措施{}整改进展", f.problem_ordinal, m),
        (Filed::Progress, None) => format!("问题{}整改进展", f.problem_ordinal),
        (Filed::Closure, _) => format!("问题{}销号材料", f.problem_ordinal),
    }
}

/// Files the evidence into volumes: one a lead unit, under the inspection group, the
/// items numbered in the ledger's order.
pub fn plan(evidence: &Evidence) -> Plan {
    let source = component(&evidence.group);
    let mut volumes: Vec<Volume> = Vec::new();
    let mut files = Vec::new();
    let mut by_unit: BTreeMap<i64, usize> = BTreeMap::new();
    for f in &evidence.files {
        let v = *by_unit.entry(f.unit_id).or_insert_with(|| {
            volumes.push(Volume {
                number: volumes.len() + 1,
                source: evidence.group.clone(),
                unit: f.unit.clone(),
                items: Vec::new(),
            });
            volumes.len() - 1
        });
        let volume = &mut volumes[v];
        let number = volume.items.len() + 1;
        let path = format!(
            "{source}/第{:02}卷 {}/{:04} {}",
            volume.number,
            component(&volume.unit),
            number,
            component(&format!("{}-{}", what(f), f.filename))
        );
        volume.items.push(Item {
            number,
            unit: f.unit.clone(),
            title: format!(
                "{}（问题{}：{}）",
                f.filename, f.problem_ordinal, f.problem_title
            ),
            date: f.date.map(|d| d.to_string()).unwrap_or_default(),
            files: 1,
            remarks: path.clone(),
        });
        files.push(Placed {
            path,
            sha256: f.sha256.clone(),
        });
    }
    Plan { volumes, files }
}

/// The catalogue as an official document: one table a volume.
pub fn catalogue_document(title: &str, volumes: &[Volume], header: &Header) -> Document {
    let mut body = Vec::new();
    if volumes.is_empty() {
        body.push(Block::Paragraph("本次整改尚无归档的佐证材料。".to_string()));
    }
    for v in volumes {
        body.push(Block::Heading(format!(
            "第{}卷　{}（{}，{}件）",
            v.number,
            v.unit,
            v.source,
            v.items.len()
        )));
        body.push(Block::Table {
            // 31 characters of 小四 and the cells' padding: the 156 mm type area.
            columns: vec![
                ("件号".into(), 2),
                ("责任者".into(), 4),
                ("题名".into(), 11),
                ("日期".into(), 5),
                ("件数".into(), 2),
                ("备注".into(), 7),
            ],
            rows: v
                .items
                .iter()
                .map(|i| {
                    vec![
                        i.number.to_string(),
                        i.unit.clone(),
                        i.title.clone(),
                        i.date.clone(),
                        i.files.to_string(),
                        i.remarks.clone(),
                    ]
                })
                .collect(),
        });
    }
    Document {
        header: header.clone(),
        title: format!("{title}归档材料卷内目录"),
        body,
    }
}

/// Writes a package one file at a time, keeping each file's SM3 for the manifest.
pub struct Packer<W: Write + Seek> {
    zip: ZipWriter<W>,
    manifest: Vec<(String, String)>,
    /// Every entry's modification time: when the package was made, in China.
    time: zip::DateTime,
}

/// The SM3 of bytes, in hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

impl<W: Write + Seek> Packer<W> {
    /// A package written to `out`, its entries dated `made` (China time).
    pub fn new(out: W, made: chrono::NaiveDateTime) -> Packer<W> {
        use chrono::{Datelike, Timelike};
        let time = zip::DateTime::from_date_and_time(
            u16::try_from(made.year()).unwrap_or(1980),
            made.month() as u8,
            made.day() as u8,
            made.hour() as u8,
            made.minute() as u8,
            made.second() as u8,
        )
        .unwrap_or_default();
        Packer {
            zip: ZipWriter::new(out),
            manifest: Vec::new(),
            time,
        }
    }

    fn options(&self, len: usize) -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(self.time)
            .large_file(len as u64 >= u64::from(u32::MAX))
    }

    /// Adds a file at `path`, listed in the manifest.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> zip::result::ZipResult<()> {
        let options = self.options(bytes.len());
        self.zip.start_file(path, options)?;
        self.zip.write_all(bytes)?;
        self.manifest.push((sm3_hex(bytes), path.to_string()));
        Ok(())
    }

    /// Writes the manifest and its digest and closes the package; answers the writer and
    /// the manifest's SM3 (to be noted down: it proves the whole package).
    pub fn finish(mut self) -> zip::result::ZipResult<(W, String)> {
        let manifest: String = self
            .manifest
            .iter()
            .map(|(digest, path)| format!("{digest}  {path}\n"))
            .collect();
        let digest = sm3_hex(manifest.as_bytes());
        let options = self.options(manifest.len());
        self.zip.start_file(MANIFEST, options)?;
        self.zip.write_all(manifest.as_bytes())?;
        let line = format!("{digest}  {MANIFEST}\n");
        let options = self.options(line.len());
        self.zip.start_file(MANIFEST_DIGEST, options)?;
        self.zip.write_all(line.as_bytes())?;
        Ok((self.zip.finish()?, digest))
    }
}

/// What is wrong with one file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// Its content is not what the manifest says.
    Changed(String),
    /// The manifest lists it; the package does not hold it.
    Missing(String),
    /// The package holds it; the manifest does not list it.
    Unlisted(String),
    /// It cannot be read (an unsupported compression, a damaged entry).
    Unreadable(String, String),
    /// Its name could land outside the folder it is extracted to (absolute, `..`, a
    /// drive, a backslash): zhenggai writes no such name.
    UnsafeName(String),
    /// The manifest itself is not what its digest says.
    Manifest,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::Changed(p) => write!(f, "changed: {p} (its SM3 differs from the manifest's)"),
            Mismatch::Missing(p) => write!(
                f,
                "missing: {p} (listed in the manifest, not in the package)"
            ),
            Mismatch::Unlisted(p) => write!(f, "added: {p} (in the package, not in the manifest)"),
            Mismatch::Unreadable(p, why) => write!(f, "unreadable: {p} ({why})"),
            Mismatch::UnsafeName(p) => write!(
                f,
                "unsafe name: {p} (it would extract outside its folder; zhenggai writes no such name)"
            ),
            Mismatch::Manifest => write!(
                f,
                "changed: {MANIFEST} (its SM3 differs from {MANIFEST_DIGEST})"
            ),
        }
    }
}

/// What checking a package found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Files the manifest lists.
    pub listed: usize,
    /// The manifest's SM3 as the package holds it.
    pub manifest_digest: String,
    /// What does not match, file by file.
    pub mismatches: Vec<Mismatch>,
}

/// Why a package could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Not a zip file.
    #[error("not a zip package: {0}")]
    NotZip(String),
    /// No manifest, or one that does not read.
    #[error("the package has no readable {0}: it was not made by zhenggai archive, or was changed")]
    NoManifest(&'static str),
}

/// The most a manifest may hold: a line of about 200 bytes a file, for a few hundred
/// thousand files.
pub const MANIFEST_LIMIT: u64 = 64 * 1024 * 1024;

/// An entry as zhenggai writes it is stored, not compressed: one that is compressed
/// was made or remade by another tool, and is not read (a few kilobytes can inflate to
/// gigabytes).
fn read_entry<R: Read + Seek>(zip: &mut ZipArchive<R>, name: &str) -> Result<Vec<u8>, String> {
    let entry = zip.by_name(name).map_err(|e| e.to_string())?;
    if entry.compression() != CompressionMethod::Stored {
        return Err("compressed by another tool".into());
    }
    let mut out = Vec::new();
    entry
        .take(MANIFEST_LIMIT + 1)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    if out.len() as u64 > MANIFEST_LIMIT {
        return Err(format!("larger than {MANIFEST_LIMIT} bytes"));
    }
    Ok(out)
}

/// Whether an entry's name could land outside the folder it is extracted to.
fn unsafe_name(name: &str) -> bool {
    name.starts_with('/')
        || name.contains('\\')
        || name.split('/').any(|part| part == ".." || part == ".")
        || name.chars().nth(1) == Some(':')
}

/// Checks every file of a package against its manifest, and the manifest against its
/// digest, reading each file through SM3 as it streams.
pub fn verify<R: Read + Seek>(package: R) -> Result<Verified, VerifyError> {
    let mut zip = ZipArchive::new(package).map_err(|e| VerifyError::NotZip(e.to_string()))?;
    let manifest = read_entry(&mut zip, MANIFEST).map_err(|_| VerifyError::NoManifest(MANIFEST))?;
    let manifest = String::from_utf8(manifest).map_err(|_| VerifyError::NoManifest(MANIFEST))?;
    let stated = read_entry(&mut zip, MANIFEST_DIGEST)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .ok_or(VerifyError::NoManifest(MANIFEST_DIGEST))?;
    let mut mismatches = Vec::new();
    if sm3_hex(manifest.as_bytes()) != stated {
        mismatches.push(Mismatch::Manifest);
    }
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let Some((digest, path)) = line.split_once("  ") else {
            return Err(VerifyError::NoManifest(MANIFEST));
        };
        listed.insert(path.to_string(), digest.to_string());
    }
    let mut names: Vec<String> = Vec::new();
    for name in zip.file_names() {
        match name {
            Ok(name) => names.push(name.into_owned()),
            Err(e) => mismatches.push(Mismatch::Unreadable("?".into(), e.to_string())),
        }
    }
    // Entries that share their bytes (a zip's central directory may point several
    // names at one span: a few megabytes read as hundreds of gigabytes) are named, not
    // read twice.
    let mut starts = std::collections::HashSet::new();
    for name in &names {
        if name == MANIFEST || name == MANIFEST_DIGEST || name.ends_with('/') {
            continue;
        }
        if unsafe_name(name) {
            mismatches.push(Mismatch::UnsafeName(name.clone()));
            continue;
        }
        let Some(expected) = listed.get(name) else {
            mismatches.push(Mismatch::Unlisted(name.clone()));
            continue;
        };
        let digest = zip
            .by_name(name)
            .map_err(|e| e.to_string())
            .and_then(|entry| {
                if entry.compression() != CompressionMethod::Stored {
                    return Err(
                        "compressed by another tool: zhenggai stores every file as it is".into(),
                    );
                }
                if !entry.data_start().is_none_or(|start| starts.insert(start)) {
                    return Err("shares its bytes with another entry".into());
                }
                Ok(entry)
            })
            .and_then(|mut entry| {
                let mut hasher = Sm3::new();
                let mut buffer = [0u8; 64 * 1024];
                loop {
                    let n = entry.read(&mut buffer).map_err(|e| e.to_string())?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buffer[..n]);
                }
                Ok(hex::encode(hasher.finalize()))
            });
        match digest {
            Ok(d) if &d == expected => {}
            Ok(_) => mismatches.push(Mismatch::Changed(name.clone())),
            Err(why) => mismatches.push(Mismatch::Unreadable(name.clone(), why)),
        }
    }
    for path in listed.keys() {
        if !names.contains(path) {
            mismatches.push(Mismatch::Missing(path.clone()));
        }
    }
    Ok(Verified {
        listed: listed.len(),
        manifest_digest: stated,
        mismatches,
    })
}
