//! Word documents (.docx) the office hands upward, laid out as an official document
//! (GB/T 9704): A4, the title in 小标宋 二号 centred, the body in 仿宋_GB2312 三号 with a
//! two-character first-line indent at a fixed 28.95 pt line, headings "一、" in 黑体.
//! Word, WPS and LibreOffice open it; the office finishes it there (文号, 落款, 印章).
//!
//! Written by hand as WordprocessingML inside a zip (the crate that already writes the
//! ledger's .xlsx carries the zip writer): four small parts, no template file.

use std::io::{Cursor, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

/// A document that could not be written (only an I/O failure of the in-memory zip).
#[derive(Debug, thiserror::Error)]
#[error("writing the Word document: {0}")]
pub struct DocxError(String);

impl From<zip::result::ZipError> for DocxError {
    fn from(e: zip::result::ZipError) -> Self {
        DocxError(e.to_string())
    }
}

impl From<std::io::Error> for DocxError {
    fn from(e: std::io::Error) -> Self {
        DocxError(e.to_string())
    }
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// 仿宋_GB2312 三号 (16 pt) by default, at the fixed line of an official document.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="579" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>"#;

/// A4 with the margins of GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
const SECTION: &str = r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>"#;

/// Text as XML character data: escaped, and without the characters XML cannot hold.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push(' '),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A first-level heading of an official document: "一、" … "十、".
fn is_heading(line: &str) -> bool {
    let mut chars = line.chars();
    let mut numerals = 0;
    for c in chars.by_ref() {
        if "一二三四五六七八九十".contains(c) {
            numerals += 1;
        } else {
            return numerals > 0 && numerals <= 3 && c == '、';
        }
    }
    false
}

fn paragraph(line: &str) -> String {
    let text = escape(line.trim());
    if is_heading(line.trim()) {
        format!(
            r#"<w:p><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
        )
    } else {
        format!(
            r#"<w:p><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
        )
    }
}

/// The document.xml of a title and its body, one paragraph per non-empty line.
pub fn document_xml(title: &str, body: &str) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    xml.push_str(&format!(
        r#"<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:after="579" w:line="579" w:lineRule="exact"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape(title.trim())
    ));
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        xml.push_str(&paragraph(line));
    }
    xml.push_str(SECTION);
    xml.push_str("</w:body></w:document>");
    xml
}

/// A .docx of a title and its body text (one paragraph per line).
pub fn document(title: &str, body: &str) -> Result<Vec<u8>, DocxError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", RELS.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", STYLES.to_string()),
        ("word/document.xml", document_xml(title, body)),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_document_holds_its_title_and_each_line_as_a_paragraph() {
        let bytes = document(
            "整改工作周汇总",
            "本周（2024-04-22起）整改工作汇总\n一、总体进展：完成3条。\n\n（财务部）销户<2个>&\u{1}。\n",
        )
        .unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert_eq!(xml.matches("<w:p>").count(), 4, "title and three lines");
        assert!(xml.contains("整改工作周汇总"));
        assert!(
            xml.contains("销户&lt;2个&gt;&amp;。"),
            "escaped, control dropped"
        );
        assert!(
            xml.contains(r#"w:eastAsia="黑体"/></w:rPr><w:t xml:space="preserve">一、总体进展"#)
        );
        for part in ["[Content_Types].xml", "_rels/.rels", "word/styles.xml"] {
            assert!(archive.by_name(part).is_ok(), "{part}");
        }
    }

    #[test]
    fn headings_are_chinese_numerals_and_a_pause_mark() {
        assert!(is_heading("一、总体进展"));
        assert!(is_heading("十二、其他"));
        assert!(!is_heading("（一）分项"));
        assert!(!is_heading("一是加强领导"));
        assert!(!is_heading("本周"));
    }
}
