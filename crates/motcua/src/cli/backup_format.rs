//! The backup file: a header (`MOTCUA-BACKUP 1`, a random salt), then the archive sealed in
//! 1 MiB chunks with ChaCha20-Poly1305 under a key derived from the passphrase with argon2id.
//! Each chunk's nonce is its number, and the last chunk says it is last (in its associated
//! data), so a chunk that is changed, moved, dropped or cut off makes the whole file refuse to
//! open. Inside, the archive is a list of entries: a name (u16 length), a size (u64), the
//! bytes. Nothing is held whole in memory: entries stream through the chunks.

use std::io::{Read, Write};

use anyhow::{Context as _, Result, bail};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const MAGIC: &[u8; 16] = b"MOTCUA-BACKUP 1\n";
const CHUNK: usize = 1024 * 1024;

fn cipher(passphrase: &str, salt: &[u8]) -> Result<ChaCha20Poly1305> {
    if passphrase.chars().count() < 12 {
        bail!("khóa sao lưu phải dài ít nhất 12 ký tự (the backup key needs 12 characters)");
    }
    let mut key = [0u8; 32];
    argon2::Argon2::default()
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(ChaCha20Poly1305::new(&Key::from(key)))
}

fn nonce(n: u64) -> Nonce {
    let [a, b, c, d, e, f, g, h] = n.to_be_bytes();
    Nonce::from([0, 0, 0, 0, a, b, c, d, e, f, g, h])
}

/// Writes entries into a sealed file.
pub struct Sealer<W: Write> {
    out: W,
    cipher: ChaCha20Poly1305,
    buffer: Vec<u8>,
    chunks: u64,
}

impl<W: Write> Sealer<W> {
    /// Starts a sealed file on `out`.
    pub fn new(mut out: W, passphrase: &str) -> Result<Self> {
        let salt = *uuid::Uuid::new_v4().as_bytes();
        let cipher = cipher(passphrase, &salt)?;
        out.write_all(MAGIC)?;
        out.write_all(&salt)?;
        Ok(Self {
            out,
            cipher,
            buffer: Vec::with_capacity(CHUNK),
            chunks: 0,
        })
    }

    fn push(&mut self, mut bytes: &[u8]) -> Result<()> {
        while !bytes.is_empty() {
            let room = CHUNK - self.buffer.len();
            let (now, later) = bytes.split_at(room.min(bytes.len()));
            self.buffer.extend_from_slice(now);
            bytes = later;
            if self.buffer.len() == CHUNK {
                self.seal(false)?;
            }
        }
        Ok(())
    }

    fn seal(&mut self, last: bool) -> Result<()> {
        let sealed = self
            .cipher
            .encrypt(
                &nonce(self.chunks),
                Payload {
                    msg: &self.buffer,
                    aad: &[u8::from(last)],
                },
            )
            .map_err(|_| anyhow::anyhow!("không mã hóa được bản sao lưu"))?;
        self.out
            .write_all(&u32::try_from(sealed.len())?.to_be_bytes())?;
        self.out.write_all(&sealed)?;
        self.buffer.clear();
        self.chunks += 1;
        Ok(())
    }

    /// Adds an entry read from `from`, `size` bytes long.
    pub fn entry(&mut self, name: &str, size: u64, mut from: impl Read) -> Result<()> {
        self.push(&u16::try_from(name.len())?.to_be_bytes())?;
        self.push(name.as_bytes())?;
        self.push(&size.to_be_bytes())?;
        let mut left = size;
        let mut block = vec![0u8; 64 * 1024];
        while left > 0 {
            let want = usize::try_from(left.min(block.len() as u64))?;
            let n = from.read(block.get_mut(..want).unwrap_or_default())?;
            if n == 0 {
                bail!("{name} ngắn hơn dự kiến");
            }
            self.push(block.get(..n).unwrap_or_default())?;
            left -= n as u64;
        }
        Ok(())
    }

    /// Seals the last chunk.
    pub fn finish(mut self) -> Result<W> {
        self.seal(true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Reads the entries of a sealed file, checking every chunk.
pub struct Opener<R: Read> {
    from: R,
    cipher: ChaCha20Poly1305,
    plain: Vec<u8>,
    at: usize,
    chunks: u64,
    ended: bool,
}

impl<R: Read> Opener<R> {
    /// Opens a sealed file.
    pub fn new(mut from: R, passphrase: &str) -> Result<Self> {
        let mut magic = [0u8; 16];
        from.read_exact(&mut magic)
            .context("không phải tệp sao lưu motcua")?;
        if &magic != MAGIC {
            bail!("không phải tệp sao lưu motcua (not a motcua backup)");
        }
        let mut salt = [0u8; 16];
        from.read_exact(&mut salt)?;
        Ok(Self {
            from,
            cipher: cipher(passphrase, &salt)?,
            plain: Vec::new(),
            at: 0,
            chunks: 0,
            ended: false,
        })
    }

    fn refill(&mut self) -> Result<bool> {
        if self.ended {
            return Ok(false);
        }
        let mut len = [0u8; 4];
        self.from
            .read_exact(&mut len)
            .context("tệp sao lưu bị cắt cụt (truncated)")?;
        let mut sealed = vec![0u8; usize::try_from(u32::from_be_bytes(len))?];
        self.from
            .read_exact(&mut sealed)
            .context("tệp sao lưu bị cắt cụt (truncated)")?;
        let open = |last: bool| {
            self.cipher.decrypt(
                &nonce(self.chunks),
                Payload {
                    msg: &sealed,
                    aad: &[u8::from(last)],
                },
            )
        };
        let (plain, last) = match open(false) {
            Ok(p) => (p, false),
            Err(_) => (
                open(true).map_err(|_| {
                    anyhow::anyhow!(
                        "sai khóa hoặc tệp sao lưu đã bị sửa (wrong key, or the backup was altered)"
                    )
                })?,
                true,
            ),
        };
        self.plain = plain;
        self.at = 0;
        self.chunks += 1;
        self.ended = last;
        Ok(true)
    }

    fn take(&mut self, mut n: usize, mut sink: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        while n > 0 {
            if self.at == self.plain.len() && !self.refill()? {
                bail!("tệp sao lưu kết thúc giữa chừng");
            }
            let end = (self.at + n).min(self.plain.len());
            sink(self.plain.get(self.at..end).unwrap_or_default())?;
            n -= end - self.at;
            self.at = end;
        }
        Ok(())
    }

    /// The next entry's name and size, or none at the end (which must be the sealed end).
    pub fn next_entry(&mut self) -> Result<Option<(String, u64)>> {
        if self.at == self.plain.len() && !self.refill()? {
            return Ok(None);
        }
        if self.at == self.plain.len() {
            return if self.ended {
                Ok(None)
            } else {
                self.next_entry()
            };
        }
        let mut head = Vec::new();
        self.take(2, |b| {
            head.extend_from_slice(b);
            Ok(())
        })?;
        let name_len = usize::from(u16::from_be_bytes(
            head.try_into()
                .map_err(|_| anyhow::anyhow!("entry header"))?,
        ));
        let mut name = Vec::new();
        self.take(name_len, |b| {
            name.extend_from_slice(b);
            Ok(())
        })?;
        let mut size = Vec::new();
        self.take(8, |b| {
            size.extend_from_slice(b);
            Ok(())
        })?;
        let size = u64::from_be_bytes(size.try_into().map_err(|_| anyhow::anyhow!("size"))?);
        Ok(Some((String::from_utf8(name)?, size)))
    }

    /// Copies the current entry's bytes to `to`.
    pub fn copy_entry(&mut self, size: u64, mut to: impl Write) -> Result<()> {
        let mut left = size;
        while left > 0 {
            let step = usize::try_from(left.min(CHUNK as u64))?;
            self.take(step, |b| Ok(to.write_all(b)?))?;
            left -= step as u64;
        }
        Ok(())
    }

    /// Whether the sealed end was reached (a file cut at a chunk boundary is not complete).
    pub fn complete(&self) -> bool {
        self.ended && self.at == self.plain.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(entries: &[(&str, Vec<u8>)], key: &str) -> Vec<u8> {
        let mut s = Sealer::new(Vec::new(), key).unwrap();
        for (name, bytes) in entries {
            s.entry(name, bytes.len() as u64, bytes.as_slice()).unwrap();
        }
        s.finish().unwrap()
    }

    fn read_all(file: &[u8], key: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let mut o = Opener::new(file, key)?;
        let mut out = Vec::new();
        while let Some((name, size)) = o.next_entry()? {
            let mut bytes = Vec::new();
            o.copy_entry(size, &mut bytes)?;
            out.push((name, bytes));
        }
        if !o.complete() {
            bail!("incomplete");
        }
        Ok(out)
    }

    #[test]
    fn entries_come_back_and_any_change_or_cut_is_refused() {
        let big: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
        let key = "khóa sao lưu đủ dài";
        let file = sealed(
            &[
                ("a.txt", b"xin chao".to_vec()),
                ("big", big.clone()),
                ("empty", vec![]),
            ],
            key,
        );
        let back = read_all(&file, key).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back[1].1, big);
        assert!(back[2].1.is_empty());
        assert!(read_all(&file, "một khóa khác hẳn").is_err(), "wrong key");
        let mut flipped = file.clone();
        flipped[100] ^= 1;
        assert!(read_all(&flipped, key).is_err(), "a changed byte");
        // Cut at a chunk boundary: the last chunk is missing, so the end was never sealed.
        let first_chunk = 32 + 4 + CHUNK + 16;
        assert!(read_all(&file[..first_chunk], key).is_err(), "cut off");
        assert!(Sealer::new(Vec::new(), "ngắn").is_err(), "a short key");
    }
}
