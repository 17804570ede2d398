//! Search synonyms (từ đồng nghĩa) for the public catalogue: people say "sang tên" where the
//! procedure says "chuyển nhượng" or "biến động", "tách thửa" where it says "tách thửa, hợp
//! thửa". The province keeps the list as plain lines, `người dân nói = tên trong thủ tục, …`;
//! a query matches a procedure when it matches as typed or with one spoken phrase replaced by
//! one of its official words.

use crate::text::{fold, matches};

/// At most this many lines; each line at most [`LINE_LIMIT`] characters.
pub const LINE_COUNT_LIMIT: usize = 200;
/// The longest line.
pub const LINE_LIMIT: usize = 200;

/// The list a new province starts with (land and environment first).
pub const DEFAULT: &str = "\
# Cách người dân gọi = từ trong tên thủ tục (mỗi dòng một cụm; cách nhau bằng dấu phẩy)
sang tên = chuyển nhượng, chuyển quyền, biến động
sang tên sổ đỏ = chuyển nhượng, chuyển quyền
sổ đỏ = giấy chứng nhận
sổ hồng = giấy chứng nhận
làm sổ = cấp giấy chứng nhận, đăng ký lần đầu
cấp sổ = cấp giấy chứng nhận, đăng ký lần đầu
tách thửa = tách thửa, hợp thửa
tách sổ = tách thửa
đổi tên sổ = thay đổi thông tin
xóa nợ = ghi nợ, nghĩa vụ tài chính
đánh giá tác động môi trường = ĐTM
";

/// One line: a spoken phrase (folded) and the official words it may stand for (folded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synonym {
    /// What people type, without diacritics.
    pub phrase: String,
    /// What the procedures say, without diacritics.
    pub means: Vec<String>,
}

/// Reads the list; an error names the line and what is wrong, in Vietnamese.
pub fn parse(text: &str) -> Result<Vec<Synonym>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line_no > LINE_COUNT_LIMIT {
            return Err(format!("Tối đa {LINE_COUNT_LIMIT} dòng."));
        }
        if line.chars().count() > LINE_LIMIT {
            return Err(format!("Dòng {line_no}: dài quá {LINE_LIMIT} ký tự."));
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((phrase, means)) = line.split_once('=') else {
            return Err(format!(
                "Dòng {line_no}: cần dạng \"cách gọi = từ trong tên thủ tục\"."
            ));
        };
        let phrase = words(phrase);
        let means: Vec<String> = means
            .split(',')
            .map(words)
            .filter(|m| !m.is_empty())
            .collect();
        if phrase.is_empty() || means.is_empty() {
            return Err(format!(
                "Dòng {line_no}: cả hai vế của dấu \"=\" đều phải có chữ."
            ));
        }
        out.push(Synonym { phrase, means });
    }
    Ok(out)
}

fn words(text: &str) -> String {
    fold(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `query` finds `text`: as typed, or with a spoken phrase it contains replaced by one
/// of the words the list gives for it.
pub fn matches_with(text: &str, query: &str, list: &[Synonym]) -> bool {
    if matches(text, query) {
        return true;
    }
    let query = words(query);
    list.iter().any(|s| {
        contains_phrase(&query, &s.phrase)
            && s.means.iter().any(|m| {
                let rest = replace_phrase(&query, &s.phrase, m);
                matches(text, &rest)
            })
    })
}

/// Whether the phrase occurs in the query on word boundaries.
fn contains_phrase(query: &str, phrase: &str) -> bool {
    format!(" {query} ").contains(&format!(" {phrase} "))
}

fn replace_phrase(query: &str, phrase: &str, with: &str) -> String {
    format!(" {query} ")
        .replacen(&format!(" {phrase} "), &format!(" {with} "), 1)
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSFER: &str = "Đăng ký biến động quyền sử dụng đất trong trường hợp chuyển nhượng";

    #[test]
    fn the_default_list_reads_and_finds_what_people_say() {
        let list = parse(DEFAULT).expect("the default list reads");
        assert!(list.len() >= 10);
        assert!(!matches(TRANSFER, "sang tên"));
        assert!(matches_with(TRANSFER, "sang tên", &list));
        assert!(matches_with(TRANSFER, "sang ten dat", &list));
        assert!(matches_with(
            "Tách thửa hoặc hợp thửa đất",
            "tach thua",
            &list
        ));
        assert!(!matches_with(TRANSFER, "tach thua", &list));
    }

    #[test]
    fn a_phrase_matches_on_whole_words_only() {
        let list = parse("so = giấy chứng nhận").expect("reads");
        // "so" inside "sổ đỏ" is a whole word; inside "số" after folding too, but not in "sonar".
        assert!(matches_with("Cấp giấy chứng nhận", "so", &list));
        assert!(!matches_with("Cấp giấy chứng nhận", "sonar", &list));
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            parse("sang tên chuyển nhượng"),
            Err("Dòng 1: cần dạng \"cách gọi = từ trong tên thủ tục\".".into())
        );
        assert!(parse("# ghi chú\n = chuyển nhượng").is_err_and(|e| e.starts_with("Dòng 2")));
        assert!(parse(&"a = b\n".repeat(LINE_COUNT_LIMIT + 1)).is_err());
        assert!(parse(&format!("a = {}", "b".repeat(LINE_LIMIT))).is_err());
    }
}
