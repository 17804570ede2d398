//! Revocation lists (CRL) as use cases: the administrator names where the CAs publish them
//! (the government CA's and each public CA's CRL distribution point); the signature service
//! replaces the lists it holds with what it fetched from there, after checking each one
//! parses. A list that cannot be fetched leaves the held ones in force: a stale list still
//! names the certificates revoked before it.

use motcua_core::dossier::{Actor, ExternalSystem};
use motcua_store::AdminChange;
use serde_json::json;

use crate::admin::{entry, require_admin};
use crate::signatures::{TRUST_ANCHORS, TRUST_CRLS, trust_store};
use crate::{App, AppError};

/// The setting holding the CRL addresses, one per line.
pub const TRUST_CRL_URLS: &str = "trust_crl_urls";

/// At most this many addresses.
pub const MAX_CRL_URLS: usize = 20;

impl App {
    /// Where the CAs publish their revocation lists.
    pub async fn crl_urls(&self) -> Result<Vec<String>, AppError> {
        Ok(self
            .db()
            .setting(TRUST_CRL_URLS)
            .await?
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect())
    }

    /// Replaces the CRL addresses (an administrator): `http(s)://` addresses, one per line.
    pub async fn set_crl_urls(&self, by: &Actor, text: &str) -> Result<Vec<String>, AppError> {
        require_admin(by)?;
        let urls: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if urls.len() > MAX_CRL_URLS {
            return Err(AppError::Invalid(format!(
                "tối đa {MAX_CRL_URLS} địa chỉ danh sách thu hồi"
            )));
        }
        for u in &urls {
            let ok = (u.starts_with("http://") || u.starts_with("https://"))
                && u.len() <= 500
                && !u.chars().any(char::is_whitespace);
            if !ok {
                return Err(AppError::Invalid(format!(
                    "\"{u}\" không phải địa chỉ http(s) hợp lệ"
                )));
            }
        }
        let before = self.crl_urls().await?;
        let log = entry(
            by,
            "settings.set",
            TRUST_CRL_URLS,
            json!(before),
            json!(urls),
        );
        let set = AdminChange::SetSetting {
            key: TRUST_CRL_URLS.into(),
            value: urls.join("\n"),
        };
        self.db().admin_change(&set, &log, self.now()).await?;
        Ok(urls)
    }

    /// Holds `pems` (CRLs just fetched) as the revocation lists, if each parses; returns how
    /// many are held. Per issuer, a fetched list replaces the held one unless it is older
    /// (an old list replayed); a held list of an issuer not fetched now stays (its CA did
    /// not answer): revocations are never forgotten for want of an answer.
    pub async fn replace_crls(&self, pems: &[String]) -> Result<usize, AppError> {
        let before = self.db().setting(TRUST_CRLS).await?.unwrap_or_default();
        let parse = |pem: &str| -> Result<_, AppError> {
            let store = trust_store("", pem)?;
            Ok(store.crls.into_iter().next().map(|c| {
                (
                    c.tbs_cert_list.issuer.clone(),
                    c.tbs_cert_list.this_update.to_unix_duration(),
                )
            }))
        };
        let mut kept: Vec<(String, Option<_>)> = Vec::new();
        for pem in pems {
            let id = parse(pem)?;
            kept.push((pem.clone(), id));
        }
        for old in crate::signatures::blocks(&before, "X509 CRL") {
            let Ok(Some((issuer, at))) = parse(old) else {
                continue;
            };
            match kept
                .iter_mut()
                .find(|(_, id)| id.as_ref().is_some_and(|(i, _)| *i == issuer))
            {
                Some(new) if new.1.as_ref().is_some_and(|(_, t)| *t < at) => {
                    tracing::warn!(%issuer, "an older revocation list was fetched; the newer one stays");
                    *new = (old.to_owned(), Some((issuer, at)));
                }
                Some(_) => {}
                None => kept.push((old.to_owned(), Some((issuer, at)))),
            }
        }
        let text = kept
            .iter()
            .map(|(pem, _)| pem.trim())
            .collect::<Vec<_>>()
            .join("\n");
        let anchors = self.db().setting(TRUST_ANCHORS).await?.unwrap_or_default();
        let held = trust_store(&anchors, &text)?.crls.len();
        if before == text {
            return Ok(held);
        }
        let service = Actor::system(ExternalSystem::SignatureService);
        let log = entry(
            &service,
            "settings.set",
            TRUST_CRLS,
            json!(before.matches("BEGIN X509 CRL").count()),
            json!(held),
        );
        let set = AdminChange::SetSetting {
            key: TRUST_CRLS.into(),
            value: text,
        };
        self.db().admin_change(&set, &log, self.now()).await?;
        Ok(held)
    }
}
