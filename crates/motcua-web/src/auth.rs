//! Who is calling: staff signed in with a session cookie, or an external system with an API
//! token. Sessions are server-side (only the token's SHA-256 is stored), expire after 15
//! minutes idle, and carry a CSRF token that every state-changing request made with the
//! cookie must echo. Five failed sign-ins from one address lock that name there for 15 minutes
//! (see [`sign_in`] for the other limits).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::catalog::Role;
use uuid::Uuid;

use crate::{ApiError, AppState};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "motcua_session";
/// Idle time after which a session ends.
pub const IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(15);
/// Failed sign-ins that lock an account.
pub const MAX_FAILED_SIGN_INS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT: TimeDelta = TimeDelta::minutes(15);

/// How the caller proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A staff session.
    Session {
        /// The account.
        account_id: Uuid,
        /// Digest of the session token.
        token_hash: String,
        /// The CSRF token of the session.
        csrf: String,
    },
    /// An external system's API token.
    ApiToken {
        /// The token's id.
        token_id: Uuid,
    },
}

/// A step left before a session may be used (a password alone opened it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// The password was set by someone else: its owner chooses their own.
    ChangePassword,
    /// The account has a second factor: a code is asked.
    SecondFactor,
    /// The role needs a second factor the account does not have yet: enrol first.
    Enrol,
}

impl Pending {
    /// Where the page for this step is.
    pub fn page(self) -> &'static str {
        match self {
            Self::ChangePassword => "/login/password",
            Self::SecondFactor => "/login/otp",
            Self::Enrol => "/login/mfa-setup",
        }
    }

    /// The step's name in the API (`next` of a sign-in).
    pub fn name(self) -> &'static str {
        match self {
            Self::ChangePassword => "change_password",
            Self::SecondFactor => "second_factor",
            Self::Enrol => "enrol_second_factor",
        }
    }

    /// What is left, in Vietnamese.
    pub fn explain(self) -> &'static str {
        match self {
            Self::ChangePassword => "cần đặt mật khẩu mới trước khi làm việc",
            Self::SecondFactor => "cần nhập mã xác thực hai lớp",
            Self::Enrol => "vai trò này phải đăng ký xác thực hai lớp trước khi làm việc",
        }
    }
}

/// The step left for a session, from its account.
pub fn pending_step(
    account: &motcua_store::Account,
    second_factor_passed: bool,
) -> Option<Pending> {
    if account.must_change_password {
        Some(Pending::ChangePassword)
    } else if second_factor_passed {
        None
    } else if account.totp_secret.is_some() {
        Some(Pending::SecondFactor)
    } else if motcua_app::second_factor_required(&account.role) {
        Some(Pending::Enrol)
    } else {
        None
    }
}

/// A signed-in caller with its role and the units it works for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// How it signed in.
    pub credential: Credential,
    /// Display name.
    pub name: String,
    /// Account id or token name, for audit.
    pub id: String,
    /// Role.
    pub role: Role,
    /// Province.
    pub province: String,
    /// Agency codes it works for.
    pub units: Vec<String>,
    /// A step left before the session may be used; `None` for a complete sign-in.
    pub pending: Option<Pending>,
    /// What an API token may read beyond its role (`land.read`); none for a session.
    pub scopes: Vec<String>,
}

impl Principal {
    /// Supervisors and administrators see their whole province; others their units.
    pub fn sees_whole_province(&self) -> bool {
        matches!(self.role, Role::Supervisor | Role::Administrator)
    }

    /// Whether a dossier handled by these agencies, in this province, is visible.
    pub fn can_see(&self, province: &str, receiving: &str, resolving: &str) -> bool {
        if self.sees_whole_province() {
            return province == self.province;
        }
        self.units.iter().any(|u| u == receiving || u == resolving)
    }

    /// Identity used to scope Idempotency-Keys.
    pub fn key(&self) -> String {
        match &self.credential {
            Credential::Session { account_id, .. } => format!("account:{account_id}"),
            Credential::ApiToken { token_id } => format!("token:{token_id}"),
        }
    }
}

pub use motcua_app::secrets::{digest, new_token};

/// Hashes a password with argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    motcua_app::secrets::hash_password(password).map_err(|e| ApiError::Internal(e.to_string()))
}

pub use motcua_app::secrets::verify_password;

/// A cookie's value.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Finds the caller, ending idle sessions. `None`: not signed in.
pub async fn principal_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    let now = state.clock.now();
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        let Some(t) = state.db.api_token(&digest(token.trim())).await? else {
            return Err(ApiError::Unauthenticated);
        };
        if t.revoked_at.is_some() {
            return Err(ApiError::Unauthenticated);
        }
        // Last use to the minute: enough to find forgotten tokens, one write a minute at most.
        if t.last_used_at
            .is_none_or(|at| now - at > TimeDelta::minutes(1))
        {
            state.db.touch_api_token(t.id, now).await?;
        }
        let role = Role::parse(&t.role)
            .ok_or_else(|| ApiError::Internal(format!("unknown role {}", t.role)))?;
        return Ok(Some(Principal {
            credential: Credential::ApiToken { token_id: t.id },
            id: format!("token:{}", t.name),
            name: t.name,
            role,
            province: t.province_code,
            units: t.units.0,
            pending: None,
            scopes: t.scopes.0,
        }));
    }
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let token_hash = digest(&token);
    let Some(session) = state.db.session(&token_hash).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at > IDLE_TIMEOUT {
        state.db.delete_session(&token_hash).await?;
        return Ok(None);
    }
    let Some(account) = state.db.account(session.account_id).await? else {
        return Ok(None);
    };
    if !account.active {
        return Ok(None);
    }
    // Refresh the idle clock, but not on every request.
    if now - session.last_seen_at > TimeDelta::seconds(30) {
        state.db.touch_session(&token_hash, now).await?;
    }
    let role = Role::parse(&account.role)
        .ok_or_else(|| ApiError::Internal(format!("unknown role {}", account.role)))?;
    let pending = pending_step(&account, session.second_factor);
    Ok(Some(Principal {
        credential: Credential::Session {
            account_id: account.id,
            token_hash,
            csrf: session.csrf_token,
        },
        id: account.id.to_string(),
        name: account.full_name,
        role,
        province: account.province_code,
        units: account.units.0,
        pending,
        scopes: Vec::new(),
    }))
}

/// Requires a signed-in caller whose sign-in is complete; for cookie sessions, state-changing
/// methods must carry the CSRF token in `X-CSRF-Token`.
impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = SigningIn::from_request_parts(parts, state).await?.0;
        match principal.pending {
            Some(step) => Err(ApiError::SignInIncomplete(step.explain().into())),
            None => Ok(principal),
        }
    }
}

/// A caller signed in with a password, whose sign-in may still have a step left: what the
/// steps themselves (new password, second factor) accept. CSRF is checked as for
/// [`Principal`].
pub struct SigningIn(pub Principal);

impl FromRequestParts<AppState> for SigningIn {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = principal_of(state, &parts.headers)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if let Credential::Session { csrf, .. } = &principal.credential {
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if !safe && sent != Some(csrf.as_str()) {
                return Err(ApiError::Forbidden(
                    "thiếu hoặc sai mã chống giả mạo (CSRF)".into(),
                ));
            }
        }
        Ok(Self(principal))
    }
}

/// The outcome of a sign-in attempt.
pub enum SignIn {
    /// Signed in: the cookie token and the CSRF token, and the step left, if any.
    Ok {
        /// Session token for the cookie.
        token: String,
        /// CSRF token.
        csrf: String,
        /// What must happen before the session may be used.
        pending: Option<Pending>,
    },
    /// Wrong name or password.
    Refused,
    /// Locked until then.
    Locked(DateTime<Utc>),
}

/// Attempts within [`LOCKOUT`] before sign-in is refused without checking the password:
/// from one address for one name (a mistyping officer), from one address for any names (one
/// machine trying many), and for one name from anywhere (a guess spread over many machines;
/// high, so that one attacker cannot lock an officer out from everywhere).
const PER_PAIR: i64 = MAX_FAILED_SIGN_INS;
const PER_ADDRESS: i64 = 30;
const PER_NAME: i64 = 50;

fn limit(key: &str) -> i64 {
    if key.starts_with("pair:") {
        PER_PAIR
    } else if key.starts_with("addr:") {
        PER_ADDRESS
    } else {
        PER_NAME
    }
}

/// Checks a name and password from `source` (the caller's address). The attempt is counted
/// before the password is checked, in one statement per key (see `motcua_store`'s throttle),
/// so parallel guesses cannot pass the limit; a success gives its attempt back but clears
/// nothing. Names that exist and names that do not are counted and answered alike.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    source: &str,
) -> Result<SignIn, ApiError> {
    use motcua_core::limits;
    let now = state.clock.now();
    let name: String = username
        .trim()
        .to_lowercase()
        .chars()
        .take(limits::USERNAME.max)
        .collect();
    let keys = vec![
        format!("pair:{source}|{name}"),
        format!("addr:{source}"),
        format!("user:{name}"),
    ];
    let counts = state
        .db
        .count_sign_in_attempt(&keys, now.timestamp(), LOCKOUT.num_seconds())
        .await?;
    let until = |start: i64| DateTime::from_timestamp(start, 0).unwrap_or(now) + LOCKOUT;
    if let Some(c) = counts.iter().find(|c| c.failures > limit(&c.key)) {
        return Ok(SignIn::Locked(until(c.window_start)));
    }
    let well_formed =
        limits::USERNAME.check(username.trim()).is_ok() && limits::PASSWORD.check(password).is_ok();
    let account = if well_formed {
        state.db.account_by_username(username.trim()).await?
    } else {
        None
    };
    let checked = match &account {
        Some(a) => a.active && verify_password(password, &a.password_hash),
        None => {
            // Same work as a real check, so timing does not reveal which names exist.
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let dummy = DUMMY.get_or_init(|| hash_password("motcua").unwrap_or_default());
            let _ = verify_password(password.get(..256).unwrap_or(password), dummy);
            false
        }
    };
    let Some(account) = account.filter(|_| checked) else {
        // The attempt that reaches a limit says so: the next one would not be checked.
        return Ok(match counts.iter().find(|c| c.failures >= limit(&c.key)) {
            Some(c) => {
                if let Some(a) = state
                    .db
                    .account_by_username(username.trim())
                    .await
                    .ok()
                    .flatten()
                    && c.key.starts_with("pair:")
                {
                    // Shown to administrators on the account's page.
                    state
                        .db
                        .record_login_failure(a.id, Some(until(c.window_start)))
                        .await?;
                }
                SignIn::Locked(until(c.window_start))
            }
            None => SignIn::Refused,
        });
    };
    state.db.give_back_sign_in_attempt(&keys).await?;
    let token = new_token();
    let csrf = new_token();
    // A password alone passes the second factor only for an account that has none and
    // whose role does not need one.
    let needs_factor =
        account.totp_secret.is_some() || motcua_app::second_factor_required(&account.role);
    state
        .db
        .create_session(&digest(&token), account.id, &csrf, !needs_factor, now)
        .await?;
    Ok(SignIn::Ok {
        token,
        csrf,
        pending: pending_step(&account, !needs_factor),
    })
}

/// The `Set-Cookie` value for a session; `Secure` when served behind TLS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that clears the session cookie.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// Whether the request came over TLS (directly or through a proxy that says so).
pub fn is_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// Where a request came from, for counting sign-in attempts and lookups per address: the
/// peer's address; when the peer is a proxy on this host (or the request came in-process),
/// the last address that proxy appended to `X-Forwarded-For`.
pub struct SourceAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SourceAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
        let addr = match (peer, forwarded) {
            (Some(ip), Some(f)) if ip.is_loopback() => f.to_string(),
            (Some(ip), _) => ip.to_string(),
            (None, Some(f)) => f.to_string(),
            (None, None) => "local".to_owned(),
        };
        Ok(Self(addr))
    }
}
