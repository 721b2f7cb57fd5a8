//! Stored codes: each enum that is kept in the database or sent through the API as a
//! short code declares its codes once, with [`codes!`], which writes its `ALL`, `code`
//! and `from_code` and the [`Code`] trait that storage reads rows through. A code that
//! a newer or older build wrote and this one does not know is then one error in one
//! place (storage names the table, the column and the value) rather than a silent
//! default.

/// A value stored as a short code.
pub trait Code: Copy + Sized + 'static {
    /// What the values are called, for an error naming an unknown code.
    const KIND: &'static str;
    /// Every value, in the order lists show them.
    fn all() -> &'static [Self];
    /// The stored code.
    fn as_code(self) -> &'static str;
    /// Reads a stored code.
    fn parse_code(code: &str) -> Option<Self>;
}

/// Declares an enum's stored codes once: `codes! { Colour { Green = "green", … } }`
/// gives `Colour::ALL` (in the listed order), `Colour::code`, `Colour::from_code` and
/// `impl Code for Colour`.
#[macro_export]
macro_rules! codes {
    ($ty:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in the order lists show them.
            pub const ALL: [$ty; <[&str]>::len(&[$(stringify!($variant)),+])] = [$($ty::$variant),+];

            /// The stored code.
            pub const fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code),+
                }
            }

            /// Reads a stored code.
            pub fn from_code(code: &str) -> Option<$ty> {
                match code {
                    $($code => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::code::Code for $ty {
            const KIND: &'static str = stringify!($ty);
            fn all() -> &'static [$ty] {
                &$ty::ALL
            }
            fn as_code(self) -> &'static str {
                self.code()
            }
            fn parse_code(code: &str) -> Option<$ty> {
                $ty::from_code(code)
            }
        }
    };
}

/// Checks a [`Code`] type: every value has a distinct, non-empty code of lowercase
/// ASCII, digits and `_`, and reads back as itself. Used by each crate's tests over
/// all of its coded enums.
pub fn check_codes<T: Code + PartialEq + std::fmt::Debug>() -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for &v in T::all() {
        let c = v.as_code();
        if c.is_empty()
            || !c
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            return Err(format!("{}::{v:?} has code {c:?}", T::KIND));
        }
        if !seen.insert(c) {
            return Err(format!("{} repeats the code {c:?}", T::KIND));
        }
        if T::parse_code(c) != Some(v) {
            return Err(format!("{}: {c:?} does not read back as {v:?}", T::KIND));
        }
    }
    if T::parse_code("").is_some() || T::parse_code("no-such-code").is_some() {
        return Err(format!("{} reads a code it never writes", T::KIND));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_codes;
    use crate::deadline::{DeadlineKind, Precision};
    use crate::escalation::NoticeKind;
    use crate::inspection::{InspectionKind, ProblemSource};
    use crate::lifecycle::{Party, ProblemState};
    use crate::outcomes::{AccountabilityForm, InstitutionChange};
    use crate::reminder::RobotKind;
    use crate::role::Role;
    use crate::schedule::NodeKind;
    use crate::status::{MeasureState, ReportedStatus, StandingFilter};
    use crate::warning::{Colour, Recipient};
    use crate::weekly::ReportStatus;

    #[test]
    fn every_coded_enum_reads_back_its_codes() -> Result<(), String> {
        check_codes::<AccountabilityForm>()?;
        check_codes::<Colour>()?;
        check_codes::<DeadlineKind>()?;
        check_codes::<InspectionKind>()?;
        check_codes::<InstitutionChange>()?;
        check_codes::<MeasureState>()?;
        check_codes::<NodeKind>()?;
        check_codes::<NoticeKind>()?;
        check_codes::<Party>()?;
        check_codes::<Precision>()?;
        check_codes::<ProblemSource>()?;
        check_codes::<ProblemState>()?;
        check_codes::<Recipient>()?;
        check_codes::<ReportStatus>()?;
        check_codes::<ReportedStatus>()?;
        check_codes::<RobotKind>()?;
        check_codes::<Role>()?;
        check_codes::<StandingFilter>()
    }

    /// What the API sends (serde) is the stored code: a script reading a value back
    /// and sending it again must not find it refused or, worse, dropped.
    fn serde_is_code<T: super::Code + serde::Serialize + std::fmt::Debug>() -> Result<(), String> {
        for &v in T::all() {
            let sent = serde_json::to_value(v).map_err(|e| e.to_string())?;
            if sent != v.as_code() {
                return Err(format!(
                    "{}::{v:?} is sent as {sent} but stored as {:?}",
                    T::KIND,
                    v.as_code()
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn the_api_sends_the_stored_codes() -> Result<(), String> {
        serde_is_code::<AccountabilityForm>()?;
        serde_is_code::<Colour>()?;
        serde_is_code::<DeadlineKind>()?;
        serde_is_code::<InspectionKind>()?;
        serde_is_code::<InstitutionChange>()?;
        serde_is_code::<MeasureState>()?;
        serde_is_code::<NodeKind>()?;
        serde_is_code::<NoticeKind>()?;
        serde_is_code::<Party>()?;
        serde_is_code::<Precision>()?;
        serde_is_code::<ProblemSource>()?;
        serde_is_code::<ProblemState>()?;
        serde_is_code::<Recipient>()?;
        serde_is_code::<ReportStatus>()?;
        serde_is_code::<ReportedStatus>()?;
        serde_is_code::<RobotKind>()?;
        serde_is_code::<Role>()?;
        serde_is_code::<StandingFilter>()
    }
}
