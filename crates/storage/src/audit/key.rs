//! The audit key (审计密钥): the secret that seals the trail's entries (SM3-HMAC), held
//! outside the database — a file in the data directory or one the configuration names
//! — so that someone who can write the database cannot write entries that verify.
//!
//! A trail written before the key existed stays verifiable: its first keyed entry is a
//! marker (the *keying marker*) that names the key by its id and pins where every chain
//! stood when sealing began. Entries up to those positions follow the unkeyed rule
//! (SM3), every later one the keyed rule; a chain never goes back to unkeyed.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use hmac::{Hmac, Mac};
use sm3::Sm3;

use super::hash::{EntryFields, canonical, sm3_hex};

/// A loaded audit key.
#[derive(Clone)]
pub struct AuditKey {
    /// HMAC-SM3 keyed once; cloned for every entry (keying costs two SM3 blocks).
    mac: Hmac<Sm3>,
    id: String,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key itself never reaches a log.
        f.debug_struct("AuditKey").field("id", &self.id).finish()
    }
}

/// Bytes of a new key.
const KEY_BYTES: usize = 32;

impl AuditKey {
    /// A key from its bytes.
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<AuditKey> {
        anyhow::ensure!(
            bytes.len() >= 16,
            "an audit key has at least 16 bytes (32 hexadecimal digits)"
        );
        let mac = <Hmac<Sm3> as Mac>::new_from_slice(bytes)
            .map_err(|e| anyhow::anyhow!("audit key: {e}"))?;
        let labelled = [b"zhenggai-audit-key-id\n".as_slice(), bytes].concat();
        let id = sm3_hex(&labelled)[..16].to_string();
        Ok(AuditKey { mac, id })
    }

    /// The key's id: the first 16 hex digits of SM3 over a label and the key. It names
    /// the key in the trail and in messages without revealing it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// SM3-HMAC of `bytes`, in lower-case hex.
    pub fn seal(&self, bytes: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(bytes);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Reads a key file: hexadecimal digits (whitespace around them ignored).
    pub fn load(path: &Path) -> anyhow::Result<AuditKey> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the audit key {}", path.display()))?;
        let bytes = hex::decode(text.trim()).with_context(|| {
            format!(
                "the audit key {} must hold hexadecimal digits only",
                path.display()
            )
        })?;
        AuditKey::from_bytes(&bytes).with_context(|| format!("audit key {}", path.display()))
    }

    /// Reads the key file, or creates it (mode 0600, readable by the server's account
    /// only) with a new random key when there is none.
    pub fn load_or_create(path: &Path) -> anyhow::Result<AuditKey> {
        if path.exists() {
            return AuditKey::load(path);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating {} for the audit key", dir.display()))?;
        }
        let bytes: [u8; KEY_BYTES] = rand::random();
        let mut options = std::fs::OpenOptions::new();
        // create_new: two processes starting at once never overwrite each other's key.
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                writeln!(file, "{}", hex::encode(bytes))
                    .and_then(|()| file.sync_all())
                    .with_context(|| format!("writing the audit key {}", path.display()))?;
                AuditKey::from_bytes(&bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => AuditKey::load(path),
            Err(e) => Err(e).with_context(|| format!("creating the audit key {}", path.display())),
        }
    }
}

/// The seal of an entry written with the audit key: SM3-HMAC over the same fields as
/// [`super::hash::entry_hash`] under another label, so that neither rule's value can
/// pass for the other's.
pub fn entry_mac(key: &AuditKey, f: &EntryFields<'_>) -> String {
    key.seal(canonical("zhenggai-audit-2-hmac-sm3", f).as_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn a_new_key_file_is_private_and_reads_back_as_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("audit.key");
        let made = AuditKey::load_or_create(&path).unwrap();
        let read = AuditKey::load_or_create(&path).unwrap();
        assert_eq!(made.id(), read.id());
        assert_eq!(made.seal(b"x"), read.seal(b"x"));
        assert_eq!(made.id().len(), 16);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn keys_differ_and_a_bad_file_is_refused() {
        let a = AuditKey::from_bytes(&[1; 32]).unwrap();
        let b = AuditKey::from_bytes(&[2; 32]).unwrap();
        assert_ne!(a.id(), b.id());
        assert_ne!(a.seal(b"x"), b.seal(b"x"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        std::fs::write(&path, "not hex").unwrap();
        assert!(AuditKey::load(&path).is_err());
        std::fs::write(&path, "abcd").unwrap();
        assert!(AuditKey::load(&path).is_err());
    }
}
