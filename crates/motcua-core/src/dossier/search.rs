//! The words staff find a dossier by (tra cứu hồ sơ): its code, the applicant's name without
//! tones or diacritics, their CCCD or tax code, their phone. The store keeps one row per word
//! and dossier, so a search is an index lookup, never a scan of the dossiers.

use super::model::{Applicant, Dossier};
use crate::text::fold;

/// At most this many words of a name are kept (names have two to five).
const NAME_WORDS: usize = 8;
/// A query of more words than this is cut (each word is one index lookup).
pub const QUERY_WORDS: usize = 6;

/// The search terms of a dossier, each once.
pub fn terms(d: &Dossier) -> Vec<String> {
    let mut out: Vec<String> = words(d.applicant.name()).take(NAME_WORDS).collect();
    out.push(d.applicant.number().to_ascii_lowercase());
    if let Some(phone) = phone_of(&d.applicant) {
        out.push(phone);
    }
    out.push(d.code.as_str().to_ascii_lowercase());
    if let Some(external) = &d.external_code {
        out.push(external.trim().to_ascii_lowercase());
    }
    out.retain(|t| !t.is_empty() && t.len() <= 64);
    out.sort();
    out.dedup();
    out
}

/// The terms a query asks for, all of which a dossier must carry: folded words; a phone written
/// with +84, spaces or dots becomes its ten digits.
pub fn query_terms(query: &str) -> Vec<String> {
    let compact: String = query.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(phone) = normal_phone(&compact) {
        return vec![phone];
    }
    let mut out: Vec<String> = words(query).take(QUERY_WORDS).collect();
    out.dedup();
    out
}

/// Folded words: letters, digits and the dots and hyphens of codes.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    fold(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map(|w| w.trim_matches(|c| c == '.' || c == '-').to_owned())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
}

fn phone_of(a: &Applicant) -> Option<String> {
    let phone = match a {
        Applicant::Person { phone, .. } | Applicant::Organisation { phone, .. } => phone.as_ref(),
    }?;
    let compact: String = phone.chars().filter(|c| !c.is_whitespace()).collect();
    normal_phone(&compact)
}

/// A Vietnamese phone number as its ten digits starting with 0 ("+84 905 123 456",
/// "0905.123.456" → "0905123456"), or none if it is not one.
fn normal_phone(text: &str) -> Option<String> {
    let digits: String = text
        .strip_prefix("+84")
        .map_or_else(|| text.to_owned(), |rest| format!("0{rest}"))
        .chars()
        .filter(|c| *c != '.' && *c != '-')
        .collect();
    let valid =
        digits.len() == 10 && digits.starts_with('0') && digits.chars().all(|c| c.is_ascii_digit());
    valid.then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_fold_tones_and_phones_in_any_writing() {
        assert_eq!(query_terms("Nguyễn  Thị LAN"), ["nguyen", "thi", "lan"]);
        assert_eq!(query_terms("nguyen thi lan"), ["nguyen", "thi", "lan"]);
        assert_eq!(query_terms("+84 905 123 456"), ["0905123456"]);
        assert_eq!(query_terms("0905.123.456"), ["0905123456"]);
        assert_eq!(query_terms("048085000123"), ["048085000123"]);
        assert_eq!(
            query_terms(" 000.00.20.H48-261203-0001 "),
            ["000.00.20.h48-261203-0001"]
        );
        assert_eq!(query_terms("Đặng, Văn"), ["dang", "van"]);
        assert!(query_terms("  ").is_empty());
        assert_eq!(query_terms("a b c d e f g h").len(), QUERY_WORDS);
    }

    #[test]
    fn a_phone_is_ten_digits_from_zero() {
        assert_eq!(normal_phone("0905123456").as_deref(), Some("0905123456"));
        assert_eq!(normal_phone("+84905123456").as_deref(), Some("0905123456"));
        assert_eq!(normal_phone("905123456"), None);
        assert_eq!(normal_phone("09051234567"), None);
        assert_eq!(normal_phone("abc"), None);
    }
}
