//! A minimal POSIX ustar writer: the archival package of a finished dossier is one tar file
//! that any system can open (`tar -xf`), its files listed in `SHA256SUMS`.

/// Builds a tar archive of `(name, bytes)` entries (names of at most 100 ASCII bytes).
pub fn archive(entries: &[(String, Vec<u8>)], mtime: i64) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in entries {
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        let mtime = u64::try_from(mtime).unwrap_or(0);
        // The checksum is computed with its own field as eight spaces.
        let blank = header(name, size, mtime, b"        ");
        let sum: u64 = blank.iter().map(|b| u64::from(*b)).sum();
        out.extend(header(
            name,
            size,
            mtime,
            format!("{sum:06o}\0 ").as_bytes(),
        ));
        out.extend_from_slice(bytes);
        let pad = (512 - bytes.len() % 512) % 512;
        out.extend(std::iter::repeat_n(0u8, pad));
    }
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

/// One 512-byte ustar header, field by field.
fn header(name: &str, size: u64, mtime: u64, checksum: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(512);
    h.extend(field(name.as_bytes(), 100));
    h.extend(octal(0o644, 8));
    h.extend(octal(0, 8));
    h.extend(octal(0, 8));
    h.extend(octal(size, 12));
    h.extend(octal(mtime, 12));
    h.extend(field(checksum, 8));
    h.push(b'0');
    h.extend(field(b"", 100));
    h.extend(field(b"ustar\0", 6));
    h.extend(field(b"00", 2));
    h.extend(field(b"", 512 - h.len()));
    h
}

/// `text` in a field of `width` bytes, cut or padded with zeros.
fn field(text: &[u8], width: usize) -> Vec<u8> {
    text.iter()
        .copied()
        .chain(std::iter::repeat(0))
        .take(width)
        .collect()
}

/// A number in octal, zero-padded, ending with NUL, in `width` bytes.
fn octal(value: u64, width: usize) -> Vec<u8> {
    let digits = width.saturating_sub(1);
    field(format!("{value:0digits$o}").as_bytes(), digits)
        .into_iter()
        .chain(std::iter::once(0))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tar_tool_reads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let data = super::archive(
            &[
                ("a.txt".into(), b"hello".to_vec()),
                ("dir/b.bin".into(), vec![7u8; 1000]),
            ],
            1_700_000_000,
        );
        let path = dir.path().join("x.tar");
        std::fs::write(&path, data).unwrap();
        let out = std::process::Command::new("tar")
            .args([
                "-xf",
                path.to_str().unwrap(),
                "-C",
                dir.path().to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"hello");
        assert_eq!(
            std::fs::read(dir.path().join("dir/b.bin")).unwrap(),
            vec![7u8; 1000]
        );
    }
}
