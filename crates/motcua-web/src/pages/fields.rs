//! Checking what people type into staff and citizen forms: one message per field, in
//! Vietnamese, in the order the form shows them, so a page can list them in its summary and
//! mark each field (the pattern of the citizen e-form).

use motcua_core::limits::{self, Limit};

/// The errors of one submitted form: the field's name (its `id` on the page) and the message
/// shown beside it. The first message for a field wins.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// Records a message for a field that has none yet.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push((field, capitalised(&message.into())));
        }
    }

    /// The message for a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether nothing was found wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Field and message, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }

    /// Keeps the value when it is valid; records the message otherwise.
    pub fn take<T>(&mut self, field: &str, checked: Result<T, String>) -> Option<T> {
        match checked {
            Ok(v) => Some(v),
            Err(m) => {
                self.add(field, m);
                None
            }
        }
    }
}

/// A message as a sentence: the decider writes its reasons in lower case, to follow
/// "không thể …"; shown alone they start with a capital.
pub fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A one-line text within its limit; `required` is the message when it is empty.
pub fn text(limit: Limit, value: &str, required: Option<&str>) -> Result<String, String> {
    let value = value.trim();
    limit.check(value)?;
    match required {
        Some(message) if value.is_empty() => Err(message.to_owned()),
        _ => Ok(value.to_owned()),
    }
}

/// A Vietnamese phone number (10 digits from 0; spaces, dots and dashes ignored), or nothing.
pub fn phone(value: &str) -> Result<Option<String>, String> {
    let digits = value.trim().replace([' ', '.', '-'], "");
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.len() == 10 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(digits))
    } else {
        Err("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0905123456).".to_owned())
    }
}

/// An e-mail address (a name, an "@", a domain with a dot), or nothing.
pub fn email(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let shaped = value
        .split_once('@')
        .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.'))
        && !value.contains(char::is_whitespace);
    if shaped && limits::EMAIL.check(value).is_ok() {
        Ok(Some(value.to_owned()))
    } else {
        Err("Địa chỉ thư điện tử không hợp lệ (ví dụ ten@example.vn).".to_owned())
    }
}

/// A whole number of at least zero, people's way (dots or commas between thousands); empty is
/// zero unless `required`.
pub fn amount(value: &str, label: &str, required: bool) -> Result<i64, String> {
    let text = value.trim().replace(['.', ',', ' '], "");
    if text.is_empty() && !required {
        return Ok(0);
    }
    match text.parse::<i64>() {
        Ok(n) if n >= 0 && (n > 0 || !required) => Ok(n),
        _ if required => Err(format!("{label} phải là số nguyên dương.")),
        _ => Err(format!("{label} phải là số nguyên không âm.")),
    }
}

/// A count of copies (0–99); empty takes the default.
pub fn count(value: &str, default: u32) -> Result<u32, String> {
    let text = value.trim();
    if text.is_empty() {
        return Ok(default);
    }
    match text.parse::<u32>() {
        Ok(n) if n < 100 => Ok(n),
        _ => Err("Số bản phải là số nguyên từ 0 đến 99.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desk_examples_are_refused_with_a_message_people_can_act_on() {
        assert!(phone("abc").is_err());
        assert_eq!(phone("0905 123 456"), Ok(Some("0905123456".into())));
        assert_eq!(phone(" "), Ok(None));
        assert!(email("not-an-email").is_err());
        assert!(email("a b@c.vn").is_err());
        assert_eq!(email("an@hue.gov.vn"), Ok(Some("an@hue.gov.vn".into())));
        assert!(amount("-5", "Diện tích (m²)", false).is_err());
        assert_eq!(amount("1.250", "x", false), Ok(1250));
        assert_eq!(amount("", "x", false), Ok(0));
        assert!(amount("", "x", true).is_err());
        assert!(count("100", 1).is_err());
        assert_eq!(count("", 2), Ok(2));
        let long = "A".repeat(101);
        assert!(text(limits::PERSON_NAME, &long, None).is_err());
        assert!(text(limits::PERSON_NAME, " ", Some("Cần nhập họ tên.")).is_err());
        let mut e = FieldErrors::default();
        e.add("name", "one");
        e.add("name", "two");
        assert_eq!(
            e.get("name"),
            Some("One"),
            "the first message stands, capitalised"
        );
    }
}
