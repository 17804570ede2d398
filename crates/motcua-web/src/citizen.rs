//! Citizens signed in through the national e-ID. Their sessions are separate from staff
//! sessions (another cookie, another table, no staff rights whatever the cookie says), idle
//! out after 15 minutes like staff sessions, and carry a CSRF token every form must echo.

use axum::http::HeaderMap;
use chrono::TimeDelta;
use motcua_core::dossier::{Actor, Dossier};

use crate::auth::{IDLE_TIMEOUT, digest, is_tls, new_token};
use crate::{ApiError, AppState};

/// The citizen session cookie's name.
pub const CITIZEN_COOKIE: &str = "motcua_citizen";

/// A signed-in citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenPrincipal {
    /// Personal identification number (CCCD).
    pub id_number: String,
    /// Full name.
    pub name: String,
    /// CSRF token of the session.
    pub csrf: String,
    /// Digest of the session token.
    pub token_hash: String,
}

impl CitizenPrincipal {
    /// The citizen as the actor of a dossier command: the applicant.
    pub fn actor(&self) -> Actor {
        Actor::applicant(format!("citizen:{}", self.id_number), self.name.clone())
    }

    /// Whether the dossier is theirs (they are its applicant).
    pub fn owns(&self, d: &Dossier) -> bool {
        d.applicant.number() == self.id_number && !d.is_sub_dossier()
    }
}

/// Finds the signed-in citizen, ending idle sessions.
pub async fn citizen_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<CitizenPrincipal>, ApiError> {
    let Some(token) = crate::auth::cookie(headers, CITIZEN_COOKIE) else {
        return Ok(None);
    };
    let now = state.clock.now();
    let token_hash = digest(&token);
    let Some(session) = state.db.citizen_session(&token_hash).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at > IDLE_TIMEOUT {
        state.db.delete_citizen_session(&token_hash).await?;
        return Ok(None);
    }
    let Some(citizen) = state.db.citizen(&session.id_number).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at > TimeDelta::seconds(30) {
        state.db.touch_citizen_session(&token_hash, now).await?;
    }
    Ok(Some(CitizenPrincipal {
        id_number: citizen.id_number,
        name: citizen.full_name,
        csrf: session.csrf_token,
        token_hash,
    }))
}

/// Opens a session for a citizen; returns the `Set-Cookie` value.
pub async fn open_session(
    state: &AppState,
    id_number: &str,
    headers: &HeaderMap,
) -> Result<String, ApiError> {
    let token = new_token();
    let csrf = new_token();
    state
        .db
        .create_citizen_session(&digest(&token), id_number, &csrf, state.clock.now())
        .await?;
    // Lax, not Strict: the e-ID provider sends the citizen back here by a top-level redirect
    // from another site, and the first page after it must see the session.
    Ok(format!(
        "{CITIZEN_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/{}",
        if is_tls(headers) { "; Secure" } else { "" }
    ))
}

/// The `Set-Cookie` value that clears the citizen cookie.
pub fn clear_cookie() -> String {
    format!("{CITIZEN_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0")
}
