//! A written document read back by docx-rs's reader: its page, grid, page numbers and
//! paragraphs with their fonts, so that tests (here, of the pages and of the command
//! line) check the layout and the words of what an office receives, not of what we
//! meant to write.

use serde_json::Value;

/// A paragraph as read: its text, and the East Asian font, size (half-points) and
/// alignment of its first run with text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// All its text.
    pub text: String,
    /// The East Asian font of its first run, if named.
    pub font: Option<String>,
    /// The size of its first run in half-points, if set.
    pub size: Option<u64>,
    /// Its alignment, if set (left, center, right, both).
    pub align: Option<String>,
    /// Its text colour, if set (the issuer's red mark).
    pub color: Option<String>,
    /// The character spacing of its first run, in twentieths of a point, if set.
    pub spacing: Option<i64>,
}

/// What a document holds, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The page's width and height in twentieths of a point.
    pub page: (u64, u64),
    /// The margins: top, right, bottom, left.
    pub margins: (u64, u64, u64, u64),
    /// The document grid: type, line pitch and character space (0 when none).
    pub grid: Option<(String, u64, i64)>,
    /// Whether odd and even pages have their own footers.
    pub even_and_odd: bool,
    /// The odd and even pages' footers, as paragraphs.
    pub footers: Vec<Paragraph>,
    /// The body's paragraphs, outside tables, in order.
    pub paragraphs: Vec<Paragraph>,
    /// Each table's rows of cell texts.
    pub tables: Vec<Vec<Vec<String>>>,
}

/// Why a document could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("reading the Word document back: {0}")]
pub struct ReadError(String);

fn number(v: &Value) -> u64 {
    v.as_u64().unwrap_or_default()
}

/// The text of a run's or paragraph's children, recursively.
fn text_of(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("text") {
                if let Some(t) = map
                    .get("data")
                    .and_then(|d| d.get("text"))
                    .and_then(Value::as_str)
                {
                    out.push_str(t);
                }
                return;
            }
            if map.get("type").and_then(Value::as_str) == Some("tab") {
                out.push('\t');
                return;
            }
            for (key, child) in map {
                if key != "property" && key != "runProperty" {
                    text_of(child, out);
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|c| text_of(c, out)),
        _ => {}
    }
}

fn paragraph(p: &Value) -> Paragraph {
    let data = &p["data"];
    let mut text = String::new();
    text_of(&data["children"], &mut text);
    let first = data["children"].as_array().into_iter().flatten().find(|r| {
        let mut t = String::new();
        text_of(r, &mut t);
        r["type"] == "run" && !t.trim().is_empty()
    });
    let run = first.map(|r| &r["data"]["runProperty"]);
    Paragraph {
        text,
        font: run
            .and_then(|r| r["fonts"]["eastAsia"].as_str())
            .map(str::to_string),
        size: run.and_then(|r| r["sz"].as_u64()),
        align: data["property"]["alignment"].as_str().map(str::to_string),
        color: run.and_then(|r| r["color"].as_str()).map(str::to_string),
        spacing: run.and_then(|r| r["characterSpacing"].as_i64()),
    }
}

fn cell_texts(table: &Value) -> Vec<Vec<String>> {
    table["data"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            row["data"]["cells"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|cell| {
                    let mut t = String::new();
                    text_of(&cell["data"]["children"], &mut t);
                    t
                })
                .collect()
        })
        .collect()
}

impl Layout {
    /// Reads a `.docx`.
    pub fn of(bytes: &[u8]) -> Result<Layout, ReadError> {
        let docx = docx_rs::read_docx(bytes).map_err(|e| ReadError(e.to_string()))?;
        let json = serde_json::to_value(&docx).map_err(|e| ReadError(e.to_string()))?;
        let section = &json["document"]["sectionProperty"];
        let grid = section.get("docGrid").filter(|g| !g.is_null()).map(|g| {
            (
                g["gridType"].as_str().unwrap_or_default().to_string(),
                number(&g["linePitch"]),
                g["charSpace"].as_i64().unwrap_or_default(),
            )
        });
        let mut footers = Vec::new();
        for key in ["footer", "evenFooter"] {
            // Read as [relationship id, footer].
            if let Some(footer) = section[key].get(1) {
                footers.extend(
                    footer["children"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|c| c["type"] == "paragraph")
                        .map(paragraph),
                );
            }
        }
        let children = json["document"]["children"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok(Layout {
            page: (
                number(&section["pageSize"]["w"]),
                number(&section["pageSize"]["h"]),
            ),
            margins: (
                number(&section["pageMargin"]["top"]),
                number(&section["pageMargin"]["right"]),
                number(&section["pageMargin"]["bottom"]),
                number(&section["pageMargin"]["left"]),
            ),
            grid,
            even_and_odd: json["settings"]["evenAndOddHeaders"].as_bool() == Some(true),
            footers,
            paragraphs: children
                .iter()
                .filter(|c| c["type"] == "paragraph")
                .map(paragraph)
                .collect(),
            tables: children
                .iter()
                .filter(|c| c["type"] == "table")
                .map(cell_texts)
                .collect(),
        })
    }

    /// Every paragraph's text, one a line.
    pub fn text(&self) -> String {
        self.paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first paragraph whose text starts with `start`.
    pub fn starting(&self, start: &str) -> Option<&Paragraph> {
        self.paragraphs.iter().find(|p| p.text.starts_with(start))
    }
}
