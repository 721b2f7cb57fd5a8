//! Parse at the edge: what arrives from outside becomes a checked value here, or a
//! [`FieldError`] that names the field and says what to do.

use serde::Serialize;

/// One field that failed, with a message for the person who filled it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name, as in the form and the API.
    pub field: String,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
    /// The same in English.
    pub message_en: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &str, message: impl Into<String>, message_en: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
            message_en: message_en.into(),
        }
    }
}

/// Collects field errors while a form is checked, so that all of them are shown at once.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    /// A text that must be present and at most `max` characters; returns it trimmed.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.errors.push(FieldError::new(
                field,
                "此项必填，请填写。",
                "Required: please fill this in.",
            ));
        } else if v.chars().count() > max {
            self.errors.push(FieldError::new(
                field,
                format!("不能超过{max}个字，请精简。"),
                format!("At most {max} characters: please shorten it."),
            ));
        }
        v.to_string()
    }

    /// A text that may be empty; at most `max` characters.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        if v.chars().count() > max {
            self.errors.push(FieldError::new(
                field,
                format!("不能超过{max}个字，请精简。"),
                format!("At most {max} characters: please shorten it."),
            ));
        }
        Some(v.to_string())
    }

    /// A date in YYYY-MM-DD form, or nothing.
    pub fn optional_date(&mut self, field: &str, value: &str) -> Option<chrono::NaiveDate> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.errors.push(FieldError::new(
                    field,
                    "日期格式应为 YYYY-MM-DD，例如 2024-03-15。",
                    "Write the date as YYYY-MM-DD, e.g. 2024-03-15.",
                ));
                None
            }
        }
    }

    /// A date that must be present.
    pub fn date(&mut self, field: &str, value: &str) -> Option<chrono::NaiveDate> {
        if value.trim().is_empty() {
            self.errors.push(FieldError::new(
                field,
                "此项必填，请选择日期。",
                "Required: please pick a date.",
            ));
            return None;
        }
        self.optional_date(field, value)
    }

    /// A whole number from `min` to `max` written in a form field, or nothing when empty.
    pub fn optional_number(&mut self, field: &str, value: &str, min: u32, max: u32) -> Option<u32> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.errors.push(FieldError::new(
                    field,
                    format!("请填写{min}到{max}之间的整数。"),
                    format!("Give a whole number from {min} to {max}."),
                ));
                None
            }
        }
    }

    /// A whole number from `min` to `max` that must be present.
    pub fn number(&mut self, field: &str, value: &str, min: u32, max: u32) -> Option<u32> {
        if value.trim().is_empty() {
            self.errors.push(FieldError::new(
                field,
                "此项必填，请填写数字。",
                "Required: please give a number.",
            ));
            return None;
        }
        self.optional_number(field, value, min, max)
    }

    /// Adds an error found by other means.
    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// The errors, or `Ok` when there are none.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_range_or_an_error_at_their_field() {
        let mut c = Checker::default();
        assert_eq!(c.number("a", " 5 ", 0, 10), Some(5));
        assert_eq!(c.optional_number("b", "", 0, 10), None);
        assert_eq!(c.number("c", "", 0, 10), None);
        assert_eq!(c.number("d", "11", 0, 10), None);
        assert_eq!(c.number("e", "-1", 0, 10), None);
        assert_eq!(c.number("f", "五", 0, 10), None);
        let errors = c.finish().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["c", "d", "e", "f"]);
    }

    #[test]
    fn collects_every_error_with_its_field() {
        let mut c = Checker::default();
        assert_eq!(c.text("title", "  整改  ", 10), "整改");
        c.text("group", " ", 10);
        c.text("name", "一二三四五六", 5);
        assert_eq!(c.optional_date("feedback_date", "2024-02-30"), None);
        assert_eq!(c.optional_date("start", ""), None);
        let errors = c.finish().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["group", "name", "feedback_date"]);
    }
}
