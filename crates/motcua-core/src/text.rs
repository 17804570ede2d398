//! Vietnamese text for search: fold away tones and diacritics so "chuyen nhuong" finds
//! "chuyển nhượng", whether the input is precomposed (NFC) or decomposed (NFD).

/// Lower-cases and removes Vietnamese diacritics (đ → d).
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(fold_char)
        .collect()
}

fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ' | 'ẩ'
        | 'ẫ' | 'ậ' => 'a',
        'đ' => 'd',
        'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => 'e',
        'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' => 'i',
        'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ' | 'ở'
        | 'ỡ' | 'ợ' => 'o',
        'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => 'u',
        'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' => 'y',
        other => other,
    }
}

/// An ASCII key for a name: folded, runs of anything but letters and digits as one hyphen
/// ("Đất đai" → "dat-dai").
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Whether every word of `query` occurs in `text`, ignoring case and diacritics.
pub fn matches(text: &str, query: &str) -> bool {
    let haystack = fold(text);
    fold(query)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_keys() {
        assert_eq!(slug("Đất đai"), "dat-dai");
        assert_eq!(
            slug("  Tài nguyên  nước / khoáng sản "),
            "tai-nguyen-nuoc-khoang-san"
        );
    }

    #[test]
    fn diacritics_and_case_are_folded() {
        assert_eq!(
            fold("Chuyển Nhượng Quyền Sử Dụng Đất"),
            "chuyen nhuong quyen su dung dat"
        );
        assert_eq!(fold("Giỗ Tổ Hùng Vương"), "gio to hung vuong");
        // Decomposed input (base letters followed by combining marks) folds the same way.
        assert_eq!(
            fold("chuye\u{0302}\u{0309}n nhu\u{031B}o\u{031B}\u{0323}ng"),
            "chuyen nhuong"
        );
    }

    #[test]
    fn every_query_word_must_match() {
        let name = "Đăng ký biến động quyền sử dụng đất trong trường hợp chuyển nhượng, thừa kế";
        assert!(matches(name, "chuyen nhuong"));
        assert!(matches(name, "THỪA KẾ đất"));
        assert!(
            !matches(name, "chuyen nhuong cho thue"),
            "each word must occur"
        );
        assert!(matches(name, ""));
    }
}
