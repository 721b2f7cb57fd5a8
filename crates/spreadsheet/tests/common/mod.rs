//! Helpers the spreadsheet tests share.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use std::path::Path;
use std::process::Command;

/// LibreOffice, as an office would have it (Debian `libreoffice-calc`); the test fails
/// when it is missing rather than passing without it.
pub fn soffice(input: &Path, format: &str, out: &Path) -> Vec<u8> {
    let status = Command::new("soffice")
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(out)
        .arg(input)
        .env("HOME", out)
        .status()
        .expect("LibreOffice (soffice) is needed for this test: apt-get install libreoffice-calc");
    assert!(status.success(), "soffice --convert-to {format} failed");
    let ext = format.split(':').next().unwrap();
    let stem = input.file_stem().unwrap().to_string_lossy();
    std::fs::read(out.join(format!("{stem}.{ext}"))).unwrap()
}
