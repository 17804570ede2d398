//! Validated identifiers: parse, don't validate. A value of one of these types is known good.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// A citizen id number (số định danh cá nhân / CCCD) must be 12 digits.
    #[error("số định danh cá nhân phải gồm 12 chữ số: \"{0}\"")]
    CitizenIdShape(String),
    /// The first three digits name a province of birth registration (001–096).
    #[error("mã tỉnh nơi đăng ký khai sinh không hợp lệ trong số định danh \"{0}\"")]
    CitizenIdProvince(String),
    /// The fourth digit (sex and century) disagrees with the year of birth.
    #[error("số định danh \"{id}\" không khớp với năm sinh {year}")]
    CitizenIdBirthYear {
        /// The id.
        id: String,
        /// The year of birth given.
        year: i32,
    },
    /// A tax code is 10 digits, or 10 digits, a dash and 3 digits (or 13 digits).
    #[error("mã số thuế không hợp lệ: \"{0}\"")]
    TaxCode(String),
    /// An agency identifier is letters, digits and dots.
    #[error("mã định danh cơ quan không hợp lệ: \"{0}\"")]
    AgencyCode(String),
    /// A procedure code is the national form (1.003877) or a local code.
    #[error("mã thủ tục không hợp lệ: \"{0}\"")]
    ProcedureCode(String),
    /// A dossier code is `<agency>-YYMMDD-NNNN`.
    #[error("mã hồ sơ không hợp lệ: \"{0}\"")]
    DossierCode(String),
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(text: String) -> Result<Self, IdError> {
                Self::parse(&text)
            }
        }
    };
}

string_id!(
    /// A personal identification number (số định danh cá nhân, printed on the CCCD card):
    /// 3 digits of the province of birth registration, 1 of sex and century, 2 of the year
    /// of birth, 6 random.
    CitizenId
);

impl CitizenId {
    /// Checks the shape and the province prefix.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let t = text.trim();
        if t.len() != 12 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::CitizenIdShape(t.to_owned()));
        }
        let province: u32 = t.get(..3).and_then(|p| p.parse().ok()).unwrap_or(0);
        if !(1..=96).contains(&province) {
            return Err(IdError::CitizenIdProvince(t.to_owned()));
        }
        Ok(Self(t.to_owned()))
    }

    /// The century and the last two digits of the year of birth the number encodes.
    pub fn birth_year(&self) -> Option<i32> {
        let century_digit = self.0.get(3..4)?.parse::<i32>().ok()?;
        let yy = self.0.get(4..6)?.parse::<i32>().ok()?;
        Some(1900 + 100 * (century_digit / 2) + yy)
    }

    /// Whether the holder is female (odd sex-and-century digit).
    pub fn is_female(&self) -> Option<bool> {
        Some(self.0.get(3..4)?.parse::<u32>().ok()? % 2 == 1)
    }

    /// Checks the number against a known date of birth.
    pub fn check_birth(&self, born: NaiveDate) -> Result<(), IdError> {
        if self.birth_year() == Some(born.year()) {
            Ok(())
        } else {
            Err(IdError::CitizenIdBirthYear {
                id: self.0.clone(),
                year: born.year(),
            })
        }
    }
}

string_id!(
    /// An organisation's tax code (mã số thuế): 10 digits, or a branch's 10-3 / 13 digits.
    TaxCode
);

impl TaxCode {
    /// Checks the shape.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let t = text.trim();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let ok = digits(t, 10)
            || digits(t, 13)
            || t.split_once('-')
                .is_some_and(|(a, b)| digits(a, 10) && digits(b, 3));
        if ok {
            Ok(Self(t.to_owned()))
        } else {
            Err(IdError::TaxCode(t.to_owned()))
        }
    }
}

string_id!(
    /// An agency's electronic identifier (mã định danh điện tử), e.g. `000.00.31.H41` or
    /// `H41.22`. Two styles coexist, so it is kept opaque: letters, digits and dots.
    AgencyCode
);

impl AgencyCode {
    /// Checks the characters and length.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let t = text.trim();
        let ok = !t.is_empty()
            && t.len() <= 40
            && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
            && !t.starts_with('.')
            && !t.ends_with('.');
        if ok {
            Ok(Self(t.to_owned()))
        } else {
            Err(IdError::AgencyCode(t.to_owned()))
        }
    }
}

string_id!(
    /// A procedure code: the national database's `1.003877` form, or a local code of
    /// letters, digits, dots and dashes for procedures not (yet) in it.
    ProcedureCode
);

impl ProcedureCode {
    /// Checks the characters and length.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let t = text.trim();
        let ok = !t.is_empty()
            && t.len() <= 40
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if ok {
            Ok(Self(t.to_owned()))
        } else {
            Err(IdError::ProcedureCode(t.to_owned()))
        }
    }

    /// Whether the code has the national database's shape (d.dddddd).
    pub fn is_national(&self) -> bool {
        let b = self.0.as_bytes();
        b.len() == 8
            && b.get(1) == Some(&b'.')
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 1 || c.is_ascii_digit())
    }
}

string_id!(
    /// A dossier code (mã số hồ sơ, Circular 01/2018/TT-VPCP Art. 19):
    /// `<agency identifier>-YYMMDD-NNNN`, the sequence at least 4 digits and growing past 9999.
    DossierCode
);

impl DossierCode {
    /// Builds the code of the `sequence`-th receipt of `agency` on `day` (Vietnam date).
    pub fn new(agency: &AgencyCode, day: NaiveDate, sequence: u32) -> Self {
        Self(format!("{agency}-{}-{sequence:04}", day.format("%y%m%d")))
    }

    /// Checks the shape.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let t = text.trim();
        let bad = || IdError::DossierCode(t.to_owned());
        let mut parts = t.rsplitn(3, '-');
        let (seq, date, agency) = (
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
        );
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if seq.len() < 4 || !digits(seq) || date.len() != 6 || !digits(date) {
            return Err(bad());
        }
        NaiveDate::parse_from_str(date, "%y%m%d").map_err(|_| bad())?;
        AgencyCode::parse(agency).map_err(|_| bad())?;
        Ok(Self(t.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizen_ids_are_checked_for_shape_province_and_birth_year() {
        let id = CitizenId::parse("001203012345").unwrap();
        assert_eq!(id.birth_year(), Some(2003));
        assert_eq!(id.is_female(), Some(false));
        assert!(
            id.check_birth(NaiveDate::from_ymd_opt(2003, 5, 1).unwrap())
                .is_ok()
        );
        assert!(
            id.check_birth(NaiveDate::from_ymd_opt(1903, 5, 1).unwrap())
                .is_err()
        );
        assert_eq!(
            CitizenId::parse("079185000001").unwrap().birth_year(),
            Some(1985)
        );
        assert!(CitizenId::parse("00120301234").is_err());
        assert!(CitizenId::parse("00120301234a").is_err());
        assert!(CitizenId::parse("000203012345").is_err());
        assert!(CitizenId::parse("099203012345").is_err());
    }

    #[test]
    fn tax_codes_accept_the_three_shapes() {
        assert!(TaxCode::parse("0101234567").is_ok());
        assert!(TaxCode::parse("0101234567-001").is_ok());
        assert!(TaxCode::parse("0101234567001").is_ok());
        assert!(TaxCode::parse("010123456").is_err());
    }

    #[test]
    fn dossier_codes_follow_circular_01_2018() {
        let agency = AgencyCode::parse("000.00.31.H41").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            DossierCode::new(&agency, day, 7).as_str(),
            "000.00.31.H41-261123-0007"
        );
        assert_eq!(
            DossierCode::new(&agency, day, 12345).as_str(),
            "000.00.31.H41-261123-12345"
        );
        assert!(DossierCode::parse("H41.22-261123-0001").is_ok());
        assert!(DossierCode::parse("H41.22-261323-0001").is_err());
        assert!(DossierCode::parse("H41.22-261123-001").is_err());
        assert!(DossierCode::parse("261123-0001").is_err());
    }

    #[test]
    fn procedure_codes_know_the_national_shape() {
        assert!(ProcedureCode::parse("1.003877").unwrap().is_national());
        assert!(!ProcedureCode::parse("DN-LOCAL-01").unwrap().is_national());
        assert!(ProcedureCode::parse("a b").is_err());
    }
}
