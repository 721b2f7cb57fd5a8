//! Evidence and attachments, stored by content (SHA-256) behind [`FileStore`], so that
//! an object store can stand in for the local directory when several instances serve
//! one organisation. Names and types come from the database, never from a user's path.

use std::path::PathBuf;
use zhenggai_domain::reason::Files;
use zhenggai_domain::validate::Why;

use anyhow::Context;
use sha2::{Digest, Sha256};
use zhenggai_domain::validate::{Checker, FieldError};

/// A file that arrived with a form (a progress entry, a closure request).
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name it had on the sender's machine (shown, never used as a path).
    pub filename: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Limits on uploads.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// Largest file, in bytes.
    pub max_file_bytes: usize,
    /// Most files in one form.
    pub max_files: usize,
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            max_files: 10,
        }
    }
}

/// More files than one submission may carry, and what to do.
pub fn too_many_files(limits: UploadLimits) -> FieldError {
    FieldError::because(
        "files",
        Why::Files(Files::TooMany {
            max: limits.max_files,
        }),
    )
}

/// A file over the size limit, and what to do.
pub fn file_too_large(filename: &str, limits: UploadLimits) -> FieldError {
    let mb = limits.max_file_bytes / 1024 / 1024;
    FieldError::because(
        "files",
        Why::Files(Files::TooLarge {
            name: filename.to_string(),
            mb,
        }),
    )
}

/// Checks uploads against the limits and the accepted kinds; each refusal is a field
/// error on `files` naming the file and what to do. Empty parts (a file input left
/// empty) are skipped.
pub fn check_uploads<'a>(
    c: &mut Checker,
    uploads: &'a [Upload],
    limits: UploadLimits,
) -> Vec<(&'a Upload, &'static str)> {
    if uploads.len() > limits.max_files {
        c.push(too_many_files(limits));
    }
    let mut checked = Vec::new();
    for u in uploads.iter().filter(|u| !u.bytes.is_empty()) {
        if u.bytes.len() > limits.max_file_bytes {
            c.push(file_too_large(&u.filename, limits));
            continue;
        }
        match sniff(&u.filename, &u.bytes) {
            Some(kind) => checked.push((u, kind)),
            None => c.push(FieldError::because(
                "files",
                Why::Files(Files::Type {
                    name: u.filename.clone(),
                }),
            )),
        }
    }
    checked
}

/// Files that arrived with a form, and the limits they are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Sent<'a> {
    /// The files.
    pub files: &'a [Upload],
    /// The limits.
    pub limits: UploadLimits,
}

impl Sent<'_> {
    /// No files.
    pub fn none() -> Sent<'static> {
        Sent {
            files: &[],
            limits: UploadLimits::default(),
        }
    }
}

/// A checked file whose contents are stored: what its row records.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The name it had, at most 200 characters.
    pub filename: String,
    /// The checked type.
    pub content_type: &'static str,
    /// SHA-256 of the content (where the store keeps it).
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
}

/// Stores checked uploads' contents, before the rows that name them are written: a
/// stored blob without a row is harmless, a row without its blob is not.
pub async fn store_uploads(
    files: &dyn FileStore,
    checked: &[(&Upload, &'static str)],
) -> anyhow::Result<Vec<Stored>> {
    let mut stored = Vec::new();
    for (u, kind) in checked {
        stored.push(Stored {
            filename: u.filename.chars().take(200).collect(),
            content_type: kind,
            sha256: files.put(&u.bytes).await?,
            size: i64::try_from(u.bytes.len()).unwrap_or(i64::MAX),
        });
    }
    Ok(stored)
}

/// A place to keep file contents by their hash.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync + std::fmt::Debug {
    /// Stores the bytes; returns their SHA-256 in hex. Storing the same bytes twice is
    /// harmless and keeps one copy.
    async fn put(&self, bytes: &[u8]) -> anyhow::Result<String>;
    /// The bytes stored under a hash.
    async fn get(&self, sha256: &str) -> anyhow::Result<Vec<u8>>;
    /// Whether bytes are stored under a hash (without reading them).
    async fn has(&self, sha256: &str) -> bool;
}

/// Files in a directory, fanned out by the first two bytes of the hash.
#[derive(Debug, Clone)]
pub struct LocalFiles {
    root: PathBuf,
}

impl LocalFiles {
    /// Files under `root` (created when the first file arrives).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, sha256: &str) -> anyhow::Result<PathBuf> {
        // The hash is the only part of the path, and it must be exactly a hash.
        anyhow::ensure!(
            sha256.len() == 64
                && sha256
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "not a SHA-256 hash: {sha256}"
        );
        Ok(self
            .root
            .join(&sha256[..2])
            .join(&sha256[2..4])
            .join(sha256))
    }
}

#[async_trait::async_trait]
impl FileStore for LocalFiles {
    async fn put(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        if self.has(&sha).await {
            return Ok(sha);
        }
        let path = self.path(&sha)?;
        let dir = path.parent().context("a hash path has a parent")?;
        tokio::fs::create_dir_all(dir)
            .await
            .with_context(|| format!("creating {}", dir.display()))?;
        // Write beside, then rename: a reader never sees half a file.
        let tmp = dir.join(format!(".{sha}.{}.tmp", rand::random::<u64>()));
        tokio::fs::write(&tmp, bytes)
            .await
            .with_context(|| format!("writing {}", tmp.display()))?;
        tokio::fs::rename(&tmp, &path)
            .await
            .with_context(|| format!("storing {}", path.display()))?;
        Ok(sha)
    }

    async fn get(&self, sha256: &str) -> anyhow::Result<Vec<u8>> {
        let path = self.path(sha256)?;
        tokio::fs::read(&path)
            .await
            .with_context(|| format!("reading {}", path.display()))
    }

    async fn has(&self, sha256: &str) -> bool {
        match self.path(sha256) {
            Ok(path) => tokio::fs::try_exists(&path).await.unwrap_or(false),
            Err(_) => false,
        }
    }
}

/// The kinds of file accepted as evidence, recognised by their first bytes and
/// their extension together: a renamed executable is refused.
pub fn sniff(filename: &str, bytes: &[u8]) -> Option<&'static str> {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    match ext.as_str() {
        "pdf" if starts(b"%PDF-") => Some("application/pdf"),
        "png" if starts(b"\x89PNG\r\n\x1a\n") => Some("image/png"),
        "jpg" | "jpeg" if starts(b"\xff\xd8\xff") => Some("image/jpeg"),
        "docx" if starts(b"PK\x03\x04") => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        "xlsx" if starts(b"PK\x03\x04") => {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        "doc" if starts(b"\xd0\xcf\x11\xe0") => Some("application/msword"),
        "xls" if starts(b"\xd0\xcf\x11\xe0") => Some("application/vnd.ms-excel"),
        "ofd" if starts(b"PK\x03\x04") => Some("application/ofd"),
        "txt" if std::str::from_utf8(bytes).is_ok() => Some("text/plain; charset=utf-8"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_by_content_once() {
        let dir = tempfile::tempdir().unwrap();
        let files = LocalFiles::new(dir.path());
        let a = files.put(b"%PDF-1.4 evidence").await.unwrap();
        let b = files.put(b"%PDF-1.4 evidence").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(files.get(&a).await.unwrap(), b"%PDF-1.4 evidence");
        assert!(files.get("../../etc/passwd").await.is_err());
        assert!(files.get(&a.to_uppercase()).await.is_err());
    }

    #[test]
    fn sniffs_type_from_bytes_and_name_together() {
        assert_eq!(sniff("报告.pdf", b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff("报告.PDF", b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff("报告.pdf", b"MZ\x90\x00"), None);
        assert_eq!(sniff("run.exe", b"MZ\x90\x00"), None);
        assert_eq!(
            sniff("说明.txt", "整改说明".as_bytes()),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(sniff("noext", b"%PDF-1.7"), None);
    }
}
