//! The installation's signing key (Ed25519, through ring, which TLS already links): it signs
//! each row of the message log. The private key lives in a file beside the service (PKCS#8,
//! created on first start, readable by the service alone); the public key is registered in the
//! database, so `verify-audit` can check every signature without the private key — and a
//! different key file is refused rather than silently starting a second chain of trust.

use std::path::Path;

use ring::rand::SystemRandom;

use crate::payment::hex_decode;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

/// The purpose the key is registered under.
pub const PURPOSE: &str = "message-log";

/// A loaded signing key.
pub struct Signer {
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Reads the key file, or makes a new key there if it does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, String> {
        let pkcs8 = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                    .map_err(|_| "không tạo được khóa ký".to_owned())?;
                write_private(path, doc.as_ref())?;
                doc.as_ref().to_vec()
            }
            Err(e) => return Err(format!("không đọc được khóa ký {}: {e}", path.display())),
        };
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8)
            .map_err(|_| format!("tệp khóa ký {} không hợp lệ", path.display()))?;
        Ok(Self { pair })
    }

    /// The public key, hex.
    pub fn public_key(&self) -> String {
        crate::hex(self.pair.public_key().as_ref())
    }

    /// Signs a text (a hash), hex.
    pub fn sign(&self, text: &str) -> String {
        crate::hex(self.pair.sign(text.as_bytes()).as_ref())
    }
}

/// Whether `signature` (hex) is the key's signature of `text`.
pub fn verify(public_key_hex: &str, text: &str, signature: &str) -> bool {
    let (Some(key), Some(sig)) = (hex_decode(public_key_hex), hex_decode(signature)) else {
        return false;
    };
    UnparsedPublicKey::new(&ED25519, key)
        .verify(text.as_bytes(), &sig)
        .is_ok()
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("không ghi được khóa ký {}: {e}", path.display()))?;
    file.write_all(bytes)
        .map_err(|e| format!("không ghi được khóa ký {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_signs_and_only_its_signature_verifies() {
        let dir = std::env::temp_dir().join(format!("motcua-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k");
        let signer = Signer::load_or_create(&path).unwrap();
        let again = Signer::load_or_create(&path).unwrap();
        assert_eq!(
            signer.public_key(),
            again.public_key(),
            "the file is reused"
        );
        let sig = signer.sign("abc");
        assert!(verify(&signer.public_key(), "abc", &sig));
        assert!(!verify(&signer.public_key(), "abd", &sig));
        let other = Signer::load_or_create(&dir.join("other")).unwrap();
        assert!(!verify(&other.public_key(), "abc", &sig));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
