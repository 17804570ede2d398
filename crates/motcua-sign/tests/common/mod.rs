//! A small PKI made with the openssl command, shared by the signature tests.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use motcua_sign::{DigestKind, RingSigner, TrustStore, certificate, sign_detached};

/// A small PKI made with the openssl command in a temporary folder.
pub struct Pki {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `openssl cms -verify` of the detached signature file `sig` over the file `content`,
/// trusting the test root.
pub fn cms_verify(dir: &Path, sig: &str, content: &str) -> std::process::Output {
    openssl(
        dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            sig,
            "-content",
            content,
            "-CAfile",
            "ca.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    )
}

pub fn ok(dir: &Path, args: &[&str]) {
    let out = openssl(dir, args);
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub const CA_CONF: &str = "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\n\
default_md = sha256\ndefault_crl_days = 30\n";

impl Pki {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let p = Self { _dir: dir, path };
        for (ca, cn) in [("ca", "Test Root CA"), ("other", "Other Root CA")] {
            ok(
                &p.path,
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    &format!("{ca}.key"),
                    "-out",
                    &format!("{ca}.pem"),
                    "-days",
                    "3650",
                    "-subj",
                    &format!("/CN={cn}/O=motcua"),
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ],
            );
        }
        std::fs::write(
            p.path.join("ext.cnf"),
            "keyUsage=critical,digitalSignature,nonRepudiation\n",
        )
        .unwrap();
        p.issue("signer", "rsa:2048", "ca");
        p
    }

    /// A leaf certificate `name` issued by `ca`, with its key as PKCS#8 DER.
    pub fn issue(&self, name: &str, key: &str, ca: &str) {
        let keygen: Vec<String> = if key == "ec" {
            ok(
                &self.path,
                &[
                    "ecparam",
                    "-name",
                    "prime256v1",
                    "-genkey",
                    "-noout",
                    "-out",
                    &format!("{name}.key"),
                ],
            );
            vec![]
        } else {
            vec![
                "-newkey".into(),
                key.into(),
                "-nodes".into(),
                "-keyout".into(),
                format!("{name}.key"),
            ]
        };
        let mut req: Vec<String> = vec!["req".into()];
        req.extend(keygen.iter().cloned());
        if key == "ec" {
            req.extend(["-new".into(), "-key".into(), format!("{name}.key")]);
        }
        req.extend([
            "-out".into(),
            format!("{name}.csr"),
            "-subj".into(),
            format!("/CN=Nguyễn Văn {name}/O=Sở Nông nghiệp và Môi trường"),
        ]);
        let req: Vec<&str> = req.iter().map(String::as_str).collect();
        ok(&self.path, &[&req[..], &["-utf8"]].concat());
        ok(
            &self.path,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                &format!("{ca}.pem"),
                "-CAkey",
                &format!("{ca}.key"),
                "-CAcreateserial",
                "-out",
                &format!("{name}.pem"),
                "-days",
                "365",
                "-extfile",
                "ext.cnf",
            ],
        );
        ok(
            &self.path,
            &[
                "pkcs8",
                "-topk8",
                "-nocrypt",
                "-in",
                &format!("{name}.key"),
                "-outform",
                "DER",
                "-out",
                &format!("{name}.p8"),
            ],
        );
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path.join(name)).unwrap()
    }

    pub fn trust(&self, ca: &str) -> TrustStore {
        TrustStore::default()
            .with_anchor(&self.read(&format!("{ca}.pem")))
            .unwrap()
    }

    /// Our signature over `doc` with `name`'s key at `at`.
    pub fn ours(&self, name: &str, doc: &[u8], at: DateTime<Utc>) -> Vec<u8> {
        let signer = RingSigner::from_pkcs8(&self.read(&format!("{name}.p8"))).unwrap();
        let cert = certificate(&self.read(&format!("{name}.pem"))).unwrap();
        sign_detached(&DigestKind::Sha256.digest(doc), at, &[cert], &signer).unwrap()
    }

    pub fn not_before(&self, name: &str) -> DateTime<Utc> {
        let c = certificate(&self.read(&format!("{name}.pem"))).unwrap();
        let secs = c
            .tbs_certificate
            .validity
            .not_before
            .to_unix_duration()
            .as_secs();
        DateTime::from_timestamp(i64::try_from(secs).unwrap(), 0).unwrap()
    }
}
