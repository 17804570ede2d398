//! A local signing key in a PKCS#12 file (.p12 / .pfx), as a small installation keeps its
//! agency's key when it has no remote-signing service: the private key and its certificate
//! chain, protected by a password. Read through `p12-keystore` (PBES2 with AES, and the
//! legacy 3DES/RC2 files older tools write).

use x509_cert::Certificate;

use crate::make::{RingSigner, SignError};

/// A key and its chain (leaf first) read from a PKCS#12 file.
pub struct LocalKey {
    /// The signer over the private key.
    pub signer: RingSigner,
    /// The certificate chain, the key's own certificate first.
    pub chain: Vec<Certificate>,
}

impl std::fmt::Debug for LocalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("LocalKey")
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

/// Reads the first key entry of a PKCS#12 file; a wrong password or a file without a key is
/// named in Vietnamese.
pub fn read_pkcs12(bytes: &[u8], password: &str) -> Result<LocalKey, SignError> {
    let store = p12_keystore::KeyStore::from_pkcs12(bytes, password).map_err(|e| {
        SignError(format!(
            "không đọc được tệp PKCS#12 (sai mật khẩu hoặc tệp hỏng): {e}"
        ))
    })?;
    let (_, entry) = store
        .private_key_chain()
        .ok_or_else(|| SignError("tệp PKCS#12 không có khóa bí mật".into()))?;
    let signer = RingSigner::from_pkcs8(entry.key())?;
    let mut chain = Vec::new();
    for c in entry.chain() {
        chain.push(crate::certificate(c.as_der()).map_err(|e| SignError(e.to_string()))?);
    }
    if chain.is_empty() {
        return Err(SignError("tệp PKCS#12 không có chứng thư số".into()));
    }
    Ok(LocalKey { signer, chain })
}
