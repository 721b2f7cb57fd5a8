//! What rectification produced (D13): accountability by the four forms, institutions,
//! money recovered — and the amounts as offices write them.

use serde::{Deserialize, Serialize};

/// 四种形态 — the four forms of discipline supervision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountabilityForm {
    /// 第一种形态：批评教育、谈话提醒。
    First,
    /// 第二种形态：轻处分、组织调整。
    Second,
    /// 第三种形态：重处分、重大职务调整。
    Third,
    /// 第四种形态：严重违纪涉嫌违法立案审查。
    Fourth,
}

crate::codes! {
    AccountabilityForm {
        First = "first",
        Second = "second",
        Third = "third",
        Fourth = "fourth",
    }
}

/// What happened to an institution (制度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionChange {
    /// 制定 — made.
    Made,
    /// 修订 — revised.
    Revised,
    /// 废止 — abolished.
    Abolished,
}

crate::codes! {
    InstitutionChange {
        Made = "made",
        Revised = "revised",
        Abolished = "abolished",
    }
}

/// Reads an amount of money as offices write it — 18600, 18,600.50, 1.86万, 1.86万元,
/// 18600元 — into fen (分). `None` when it is not an amount.
pub fn parse_fen(text: &str) -> Option<i64> {
    // Full-width digits and point (１２００．５), as Chinese input methods type them.
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            other => other,
        })
        .collect();
    let t = t.strip_suffix('元').unwrap_or(&t);
    let (number, scale) = match t.strip_suffix('万') {
        Some(n) => (n, 10_000_i64),
        None => (t, 1),
    };
    let (whole, frac) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Fen of one unit (元 or 万元): fractional digits beyond what fen can hold must be 0.
    let unit_fen = scale.checked_mul(100)?;
    let digits = unit_fen.to_string().len() - 1;
    if frac.len() > digits && frac[digits..].bytes().any(|b| b != b'0') {
        return None;
    }
    let mut frac_fen: i64 = 0;
    for (i, b) in frac.bytes().take(digits).enumerate() {
        frac_fen += i64::from(b - b'0') * 10_i64.pow(u32::try_from(digits - 1 - i).ok()?);
    }
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(unit_fen)?
        .checked_add(frac_fen)
}

/// Fen as yuan for people: 18600.50 → "18,600.50元".
pub fn format_yuan(fen: i64) -> String {
    format!("{}元", group_fen(fen))
}

/// Fen as 万元, as offices write money recovered in reports ("清退资金1.86万元"): rounded
/// half up to two decimals, without trailing zeros.
pub fn format_wan(fen: i64) -> String {
    // Hundredths of 万元: 10,000 fen each.
    let hundredths = (fen.unsigned_abs() + 5_000) / 10_000;
    let sign = if fen < 0 && hundredths > 0 { "-" } else { "" };
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// Fen as a number of yuan with thousands grouped, without the unit: 18600.50 →
/// "18,600.50" (an English page writes "yuan" after it).
pub fn group_fen(fen: i64) -> String {
    let yuan = fen / 100;
    let cents = (fen % 100).abs();
    let digits = yuan.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{cents:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_in_wan_as_reports_write_it() {
        assert_eq!(format_wan(0), "0");
        assert_eq!(format_wan(1_860_050), "1.86");
        assert_eq!(format_wan(1_000_000), "1");
        assert_eq!(format_wan(1_500_000), "1.5");
        assert_eq!(format_wan(123_456_789), "123.46");
        assert_eq!(format_wan(4_999), "0");
        assert_eq!(format_wan(5_000), "0.01");
        assert_eq!(format_wan(-1_860_050), "-1.86");
    }

    #[test]
    fn amounts_as_offices_write_them() {
        let cases = [
            ("18600", Some(1_860_000)),
            ("18,600.50", Some(1_860_050)),
            ("1.86万", Some(1_860_000)),
            ("1.86万元", Some(1_860_000)),
            ("12.5万元", Some(12_500_000)),
            ("0.0001万", Some(100)),
            ("18600元", Some(1_860_000)),
            ("3.5", Some(350)),
            ("3.505", None),
            ("3.500", Some(350)),
            ("", None),
            ("万元", None),
            ("十万", None),
            ("-5", None),
            ("1.2.3", None),
        ];
        for (text, fen) in cases {
            assert_eq!(parse_fen(text), fen, "{text}");
        }
    }

    #[test]
    fn yuan_for_people() {
        assert_eq!(format_yuan(1_860_050), "18,600.50元");
        assert_eq!(format_yuan(350), "3.50元");
        assert_eq!(format_yuan(12_345_678_900), "123,456,789.00元");
    }

    #[test]
    fn codes_round_trip() {
        for f in AccountabilityForm::ALL {
            assert_eq!(AccountabilityForm::from_code(f.code()), Some(f));
        }
        for c in InstitutionChange::ALL {
            assert_eq!(InstitutionChange::from_code(c.code()), Some(c));
        }
    }

    #[test]
    fn full_width_digits_read_as_digits() {
        assert_eq!(parse_fen("１２００"), parse_fen("1200"));
        assert_eq!(parse_fen("１．５万元"), parse_fen("1.5万元"));
    }
}
