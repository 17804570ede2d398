//! The sample PDF (built in the core, where the simulator can reach it too), and the check
//! that it passes the content check every stored file must pass.

pub use motcua_core::sample_pdf::one_page_pdf;

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_is_a_pdf_whose_cross_reference_points_at_its_objects() {
        let pdf = super::one_page_pdf("mau");
        assert!(crate::content::check(&pdf).is_ok());
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.starts_with("%PDF-1.4"));
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[start..].starts_with("xref"));
        for (n, line) in text[start..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(text[offset..].starts_with(&format!("{} 0 obj", n + 1)));
        }
    }
}
