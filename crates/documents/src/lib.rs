//! The documents the office hands upward (D16), as Word files in official-document
//! layout (GB/T 9704-2012): [`official`] lays out any document; [`reports`] writes the
//! final report (整改落实情况报告), the public notice (整改情况公开), the weekly summary
//! (一周一汇总), the monthly circular (督查通报) and the 督办 notices from what storage
//! read, their figures from the statistics module; [`wording`] holds the fixed words;
//! [`read`] reads a written document back, for tests; [`archive`] files the evidence into
//! volumes with their catalogue and writes and verifies the archive package.

pub mod archive;
pub mod meeting;
pub mod official;
pub mod read;
pub mod reports;
pub mod wording;

pub use official::{Block, Document, Header, WriteError};
