//! The rules a new password must meet, checked before anything is hashed (the form
//! states them: `password_rule` in the web layer's texts). Each refusal says what to
//! do. Whether it equals the current password needs the stored hash, so the caller
//! checks that (storage).

use crate::validate::FieldError;

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 10;

const COMMON: &str = include_str!("../data/common-passwords.txt");

/// Whether a password is on the shipped list of the commonest ones (without case).
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lower)
}

/// Checks a new password for an account. Letters and digits count by Unicode (a
/// full-width digit is a digit); spaces are not symbols.
pub fn check(password: &str, username: &str) -> Result<(), FieldError> {
    let refuse = |zh: &str, en: &str| Err(FieldError::new("password", zh, en));
    if password.chars().count() < MIN_CHARS {
        return refuse("密码至少10位，请加长。", "Use at least 10 characters.");
    }
    if password
        .chars()
        .all(|c| c.is_whitespace() || c.is_numeric())
    {
        return refuse(
            "密码不能只由数字和空格组成，请加入字母和符号。",
            "A password of only digits and spaces is refused: add letters and symbols.",
        );
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
        return refuse(
            "密码须包含大写字母、小写字母、数字、符号中的至少三类。",
            "Use at least three of: upper case, lower case, digits, symbols.",
        );
    }
    let name = username.trim().to_lowercase();
    if name.chars().count() >= 3 && password.to_lowercase().contains(&name) {
        return refuse(
            "密码不能包含用户名，请另选。",
            "The password must not contain the username: choose another.",
        );
    }
    if is_common(password) {
        return refuse(
            "这是常见密码，容易被猜中，请另选。",
            "This is a common password, easily guessed: choose another.",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_refuses_with_its_reason() {
        let refused = |pw: &str, user: &str, words: &str| {
            let e = check(pw, user).expect_err(pw);
            assert_eq!(e.field, "password");
            assert!(e.message.contains(words), "{pw}: {}", e.message);
        };
        refused("Ab1!", "x", "至少10位");
        refused("1234 5678 90", "x", "数字和空格");
        refused("１２３４５６７８９０１", "x", "数字和空格");
        refused("          ", "x", "数字和空格");
        refused("alllowercaseletters", "x", "至少三类");
        refused("Zhangsan-2024!", "zhangsan", "用户名");
        refused("my-OFFICE-pass1", "office", "用户名");
        refused("P@ssw0rd123", "x", "常见密码");
        refused("1qaz@WSX3edc", "x", "常见密码");
        refused("Admin@123456", "x", "常见密码");
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
