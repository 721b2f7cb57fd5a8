//! The words around a ledger's titles: numbering offices put before aspects, items,
//! problems and measures, counts after section titles, and units listed in one cell.

/// Numbering offices put before aspects, items, problems and measures: 一、 （一） (1)
/// 1. 1、 1） ①.
pub(super) fn strip_numbering(text: &str) -> (&str, Numbering) {
    let t = text.trim();
    let chinese = |c: char| "一二三四五六七八九十".contains(c);
    // （一） / (一) / （1）
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(end) = rest.find(close)
        {
            let inner = &rest[..end];
            if !inner.is_empty() && inner.chars().all(|c| chinese(c) || c.is_ascii_digit()) {
                let kind = if inner.chars().all(chinese) {
                    Numbering::ChineseParen
                } else {
                    Numbering::Digit
                };
                return (rest[end + close.len_utf8()..].trim_start(), kind);
            }
        }
    }
    // 一、 / 第一、
    let body = t.strip_prefix('第').unwrap_or(t);
    let n = body.chars().take_while(|c| chinese(*c)).count();
    if n > 0 {
        let rest: String = body.chars().skip(n).collect();
        for sep in ["、", "，", ".", "．", "是"] {
            if rest.starts_with(sep) {
                let skip = body.char_indices().nth(n).map_or(body.len(), |(i, _)| i) + sep.len();
                return (body[skip..].trim_start(), Numbering::Chinese);
            }
        }
    }
    // 1. / 1、 / 1） / 1)
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 3 {
        let rest = &t[digits..];
        for sep in ["、", ".", "．", "）", ")", " "] {
            if let Some(r) = rest.strip_prefix(sep)
                && !r.starts_with(|c: char| c.is_ascii_digit())
            {
                return (r.trim_start(), Numbering::Digit);
            }
        }
    }
    // ① … ⑳
    if let Some(c) = t.chars().next()
        && ('\u{2460}'..='\u{2473}').contains(&c)
    {
        return (t[c.len_utf8()..].trim_start(), Numbering::Digit);
    }
    (t, Numbering::None)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Numbering {
    None,
    /// 一、
    Chinese,
    /// （一）
    ChineseParen,
    /// 1. （1） ①
    Digit,
}

/// A section title without its count: "班子建设方面（3个问题）" → "班子建设方面".
pub(super) fn strip_count(text: &str) -> &str {
    let t = text.trim();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if t.ends_with(close)
            && let Some(start) = t.rfind(open)
        {
            let inner = &t[start + open.len_utf8()..t.len() - close.len_utf8()];
            if inner
                .chars()
                .any(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
                && ["个", "项", "条", "问题", "共"]
                    .iter()
                    .any(|w| inner.contains(w))
            {
                return t[..start].trim_end();
            }
        }
    }
    t
}

/// A title as a section row shows it: numbering and count stripped.
pub(super) fn section_title(text: &str) -> (String, Numbering) {
    let (body, numbering) = strip_numbering(text);
    (strip_count(body).to_string(), numbering)
}

/// Splits 配合单位 written in one cell.
pub(super) fn split_units(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', '；', ';', '/', '\n', ' ', '　'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_stripped() {
        for (text, body) in [
            ("一、班子建设方面", "班子建设方面"),
            ("（一）思想建设", "思想建设"),
            ("(二)作风建设", "作风建设"),
            ("1.公车私用", "公车私用"),
            ("1、公车私用", "公车私用"),
            ("12．公车私用", "公车私用"),
            ("（3）建立台账", "建立台账"),
            ("①建立台账", "建立台账"),
            ("第一、政治建设", "政治建设"),
            ("2024年6月底前", "2024年6月底前"),
            ("三会一课", "三会一课"),
        ] {
            assert_eq!(strip_numbering(text).0, body, "{text}");
        }
        assert_eq!(strip_count("班子建设方面（3个问题）"), "班子建设方面");
        assert_eq!(strip_count("作风建设方面(共5项)"), "作风建设方面");
        assert_eq!(strip_count("“三会一课”（基层）"), "“三会一课”（基层）");
    }

    #[test]
    fn units_split_on_the_separators_offices_use() {
        assert_eq!(
            split_units("财务部、审计部，办公室; 总编室"),
            ["财务部", "审计部", "办公室", "总编室"]
        );
        assert!(split_units("  ").is_empty());
    }
}
