//! How long each text field may be, declared once. The decider refuses a command whose text is
//! over its limit or carries a control character, so every edge (pages, API, CLI, pull,
//! import) is held to the same rule; the edges check the same limits first to answer early,
//! before anything is stored. Lengths count characters, not bytes: a Vietnamese name with
//! its diacritics is as long as it reads.

/// One field's limit and its name in the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The field as people call it (the error names it).
    pub label: &'static str,
    /// Characters at most.
    pub max: usize,
    /// Whether line breaks and tabs belong (reasons, notes).
    pub multiline: bool,
}

const fn line(label: &'static str, max: usize) -> Limit {
    Limit {
        label,
        max,
        multiline: false,
    }
}

const fn text(label: &'static str, max: usize) -> Limit {
    Limit {
        label,
        max,
        multiline: true,
    }
}

/// A person's full name (the longest on the population register is well under 100).
pub const PERSON_NAME: Limit = line("Họ và tên", 100);
/// An organisation's name, as registered.
pub const ORGANISATION_NAME: Limit = line("Tên tổ chức", 300);
/// A postal address.
pub const ADDRESS: Limit = line("Địa chỉ", 300);
/// A phone number.
pub const PHONE: Limit = line("Số điện thoại", 20);
/// An e-mail address (RFC 5321's path limit).
pub const EMAIL: Limit = line("Thư điện tử", 254);
/// The number of an identity paper (CCCD 12 digits, a passport's 8–9 characters).
pub const ID_PAPER: Limit = line("Số giấy tờ tùy thân", 20);
/// A legal representative's name.
pub const REPRESENTATIVE: Limit = line("Người đại diện", 100);
/// A document's name in the dossier.
pub const DOCUMENT_NAME: Limit = line("Tên giấy tờ", 300);
/// A document's code in the procedure, a fee's code.
pub const DOCUMENT_CODE: Limit = line("Mã giấy tờ", 50);
/// A file's content hash, a reused document's origin.
pub const FILE_REFERENCE: Limit = line("Tệp đính kèm", 100);
/// A file's path inside an import's folder of documents (TepTin).
pub const FILE_PATH: Limit = line("Đường dẫn tệp", 260);
/// A code another system gave the dossier.
pub const EXTERNAL_CODE: Limit = line("Mã hồ sơ của hệ thống khác", 100);
/// A reason (refusal, supplement, return, withdrawal, delay).
pub const REASON: Limit = text("Lý do", 2000);
/// One item of a supplement request.
pub const MISSING_ITEM: Limit = line("Nội dung cần bổ sung", 500);
/// A remark on a step.
pub const NOTE: Limit = text("Ý kiến", 2000);
/// A payment's or notice's reference.
pub const REFERENCE: Limit = line("Số tham chiếu", 100);
/// A charge's or result's name.
pub const TITLE: Limit = line("Tên", 300);
/// A sign-in name.
pub const USERNAME: Limit = line("Tên đăng nhập", 64);
/// A password (long passphrases welcome; the hash costs the same).
pub const PASSWORD: Limit = line("Mật khẩu", 256);
/// A search or filter term, a code typed to look up.
pub const QUERY: Limit = line("Từ khóa", 200);

/// A column heading, an old system's value or a constant in an import mapping.
pub const MAPPING_TEXT: Limit = line("Giá trị trong tệp ánh xạ", 300);
/// A date pattern (chrono strftime) in an import mapping.
pub const DATE_FORMAT: Limit = line("Định dạng ngày", 50);
/// A worksheet's name (Excel allows 31 characters).
pub const SHEET_NAME: Limit = line("Tên trang tính", 31);
/// Entries in one of an import mapping's value tables, date patterns in it.
pub const MAX_MAPPED_VALUES: usize = 1000;

/// Items in a list field (documents, missing items, charges).
pub const MAX_ITEMS: usize = 100;

impl Limit {
    /// The value, or why it is refused (Vietnamese, naming the field).
    pub fn check(&self, value: &str) -> Result<(), String> {
        if let Some(c) = value.chars().find(|c| is_refused(*c, self.multiline)) {
            return Err(format!(
                "{} chứa ký tự điều khiển (mã {}), không được phép",
                self.label,
                u32::from(c)
            ));
        }
        let n = value.chars().count();
        if n > self.max {
            return Err(format!(
                "{} dài {n} ký tự, tối đa {} ký tự",
                self.label, self.max
            ));
        }
        Ok(())
    }

    /// [`Limit::check`] for a value that may be absent.
    pub fn check_opt(&self, value: Option<&str>) -> Result<(), String> {
        value.map_or(Ok(()), |v| self.check(v))
    }
}

/// Whether `c` may not appear in text: NUL and the other C0/C1 controls, and the bidi
/// overrides that make a printed name read other than it is stored. Tabs and line breaks
/// only in multi-line fields.
pub fn is_refused(c: char, multiline: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => !multiline,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        c => c.is_control(),
    }
}

/// Whether a whole text (a query string, a JSON body) holds a character no field accepts:
/// NUL or a control other than tab and line breaks.
pub fn has_forbidden(value: &str) -> bool {
    value.chars().any(|c| is_refused(c, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_and_controls_are_named() {
        assert!(PERSON_NAME.check(&"Ữ".repeat(100)).is_ok());
        assert_eq!(
            PERSON_NAME.check(&"a".repeat(101)).unwrap_err(),
            "Họ và tên dài 101 ký tự, tối đa 100 ký tự"
        );
        assert_eq!(
            ADDRESS.check("a\u{0}b").unwrap_err(),
            "Địa chỉ chứa ký tự điều khiển (mã 0), không được phép"
        );
        assert!(ADDRESS.check("dòng 1\ndòng 2").is_err());
        assert!(REASON.check("dòng 1\ndòng 2\tx").is_ok());
        assert!(REASON.check("x\u{202E}y").is_err());
        assert!(has_forbidden("a\u{1}"));
        assert!(!has_forbidden("Nguyễn Văn A\r\n"));
    }
}
