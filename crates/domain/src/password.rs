//! The rules a new password must meet, checked before anything is hashed (the form
//! states them: `password_rule` in the web layer's texts). Each refusal says what to
//! do. Whether it equals the current password needs the stored hash, so the caller
//! checks that (storage).

use crate::validate::{FieldError, Why};

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 10;

const COMMON: &str = include_str!("../data/common-passwords.txt");

/// Words people build passwords from by adding digits and symbols around them
/// (`Passw0rd!2024`, `Qwerty123456!`, `Admin@2024`): refused whatever decorates them.
const BASE_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "qwerty",
    "qwert",
    "qwer",
    "qwertyuiop",
    "asdf",
    "asdfgh",
    "asdfghjkl",
    "zxcv",
    "zxcvbnm",
    "qaz",
    "qazwsx",
    "qazwsxedc",
    "wsx",
    "qwe",
    "qweasd",
    "qweasdzxc",
    "abc",
    "abcd",
    "abcde",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "admin",
    "administrator",
    "root",
    "test",
    "guest",
    "user",
    "login",
    "welcome",
    "letmein",
    "changeme",
    "iloveyou",
    "woaini",
    "aini",
    "monkey",
    "dragon",
    "master",
    "sunshine",
    "huawei",
    "zhenggai",
    "china",
    "beijing",
    "system",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "office",
    "xunchaban",
    "jijian",
    "aaaa",
    "aaaaa",
    "aaaaaa",
    "qq",
    "aa",
    "aaa",
];

/// Full-width Latin letters, digits and symbols (as typed with a Chinese input method)
/// read as their ASCII selves.
fn fold_width(c: char) -> char {
    match u32::from(c) {
        0xFF01..=0xFF5E => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// A text as compared: full-width folded, in lower case.
fn folded(text: &str) -> String {
    text.chars()
        .map(fold_width)
        .flat_map(char::to_lowercase)
        .collect()
}

/// The word a password is built on: from its first letter to its last, full-width
/// folded, in lower case, with the usual substitutions undone (`P@$$w0rd` → `password`),
/// once reading `1` as `i` and once as `l`.
fn base_words(password: &str) -> [String; 2] {
    let folded: Vec<char> = folded(password).chars().collect();
    let first = folded.iter().position(|c| c.is_alphabetic());
    let last = folded.iter().rposition(|c| c.is_alphabetic());
    let core: &[char] = match (first, last) {
        (Some(a), Some(b)) => &folded[a..=b],
        _ => &[],
    };
    let undo = |one: char| -> String {
        core.iter()
            .map(|c| match c {
                '@' | '4' => 'a',
                '0' => 'o',
                '1' | '!' => one,
                '3' => 'e',
                '$' | '5' => 's',
                '7' => 't',
                other => *other,
            })
            .collect()
    };
    [undo('i'), undo('l')]
}

/// Whether a password is on the shipped list of the commonest ones (without case), or
/// is one of the words they are built on with digits and symbols around it, or hides
/// no more than two letters among its digits and symbols (`1234567890a!`).
pub fn is_common(password: &str) -> bool {
    let lower = folded(password);
    if COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lower)
    {
        return true;
    }
    if lower.chars().filter(|c| c.is_alphabetic()).count() <= 2 {
        return true;
    }
    base_words(password)
        .iter()
        .any(|w| BASE_WORDS.contains(&w.as_str()))
}

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weak {
    /// Shorter than allowed.
    TooShort {
        /// The fewest characters.
        min: usize,
    },
    /// Only digits and spaces.
    OnlyDigits,
    /// Fewer than three kinds of characters.
    FewKinds,
    /// Holds the username.
    HasUsername,
    /// A common password.
    Common,
}

/// Checks a new password for an account. Letters and digits count by Unicode (a
/// full-width digit is a digit); spaces are not symbols.
pub fn check(password: &str, username: &str) -> Result<(), FieldError> {
    let refuse = |w: Weak| Err(FieldError::because("password", Why::Password(w)));
    if password.chars().count() < MIN_CHARS {
        return refuse(Weak::TooShort { min: MIN_CHARS });
    }
    if password
        .chars()
        .all(|c| c.is_whitespace() || c.is_numeric())
    {
        return refuse(Weak::OnlyDigits);
    }
    let classes = [
        password.chars().any(char::is_lowercase),
        password.chars().any(char::is_uppercase),
        password.chars().any(char::is_numeric),
        password
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return refuse(Weak::FewKinds);
    }
    let name = folded(username.trim());
    if name.chars().count() >= 3 && folded(password).contains(&name) {
        return refuse(Weak::HasUsername);
    }
    if is_common(password) {
        return refuse(Weak::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_refuses_with_its_reason() {
        let refused = |pw: &str, user: &str, weak: Weak| {
            let e = check(pw, user).expect_err(pw);
            assert_eq!(e.field, "password");
            assert_eq!(e.why, Why::Password(weak), "{pw}");
        };
        refused("Ab1!", "x", Weak::TooShort { min: MIN_CHARS });
        refused("1234 5678 90", "x", Weak::OnlyDigits);
        refused("１２３４５６７８９０１", "x", Weak::OnlyDigits);
        refused("          ", "x", Weak::OnlyDigits);
        refused("alllowercaseletters", "x", Weak::FewKinds);
        refused("Zhangsan-2024!", "zhangsan", Weak::HasUsername);
        refused("my-OFFICE-pass1", "office", Weak::HasUsername);
        refused("P@ssw0rd123", "x", Weak::Common);
        refused("1qaz@WSX3edc", "x", Weak::Common);
        refused("Admin@123456", "x", Weak::Common);
        // Common words with digits and symbols around them (found by an outside probe).
        for pw in [
            "Passw0rd!2024",
            "Qwerty123456!",
            "Abcd1234!@#",
            "P@$$w0rd123",
            "Admin@2024",
            "1234567890a!",
            "Welcome#2026",
            "!!Zhenggai2024",
        ] {
            refused(pw, "x", Weak::Common);
        }
        refused("ＧＥＮＥＲＡＬ-pass-1", "general", Weak::HasUsername);
    }

    #[test]
    fn good_passwords_pass() {
        for pw in [
            "Zhenggai-demo-2024",
            "Zhenggai2024x",
            "correct Horse 7 battery",
            "整改落实Ab12345",
        ] {
            assert_eq!(check(pw, "office"), Ok(()), "{pw}");
        }
        // A short name would refuse too much if it counted.
        assert_eq!(check("Lz-Winter-2031", "lz"), Ok(()));
    }

    #[test]
    fn the_shipped_list_holds_only_passwords_the_other_rules_let_through() {
        for line in COMMON
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            // Every entry would otherwise pass length; entries are lower case.
            assert_eq!(line, line.to_lowercase());
            assert!(line.chars().count() >= 7, "{line}");
        }
        assert!(is_common("PASSWORD123"));
        assert!(!is_common("Zhenggai-demo-2024"));
    }
}
