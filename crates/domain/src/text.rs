//! Shortening text for a glance (a list's choice, a reminder's first line).

/// `text` as it is when it has at most `max` characters, else its first `max - 1`
/// followed by "…", so that a reader sees it goes on.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars()
            .take(max.saturating_sub(1))
            .chain(['…'])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_text_is_kept_long_text_ends_with_an_ellipsis() {
        assert_eq!(clip("整改措施", 4), "整改措施");
        assert_eq!(clip("全面排查档案室消防设施", 5), "全面排查…");
        assert_eq!(clip("", 3), "");
    }

    proptest! {
        #[test]
        fn never_longer_than_max(s in "\\PC{0,60}", max in 1usize..50) {
            let c = clip(&s, max);
            prop_assert!(c.chars().count() <= max);
            prop_assert!(c == s || c.ends_with('…'));
        }
    }
}
