//! Server-rendered pages (askama; htmx only boosts links and forms). Vietnamese first, an
//! English switch (`?lang=en`, remembered in a cookie). Every form carries the session's CSRF
//! token; a page that needs a signed-in user sends others to `/login`.

mod admin;
mod admin_calendar;
mod admin_catalog;
mod admin_plans;
mod admin_trust;
mod archive;
mod auth;
mod catalog;
mod certify;
mod dossier;
mod feedback;
mod fields;
mod forms;
mod forms_sheet;
mod home;
mod intake;
mod land;
mod land_map;
mod lookup;
mod notices;
mod outbox;
mod portal;
mod public_stats;
mod queues;
mod records;
mod register;
mod report;
mod report_charts;
mod report_dossiers;
mod report_export;
mod result_signing;
mod reuse;
mod scans;
mod signin_steps;
mod tickets;
mod upload;
mod work;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use motcua_core::catalog::Role;

use crate::auth::{Credential, Principal, principal_of};
use crate::citizen::{CitizenPrincipal, citizen_of};
use crate::{ApiError, AppState};

pub(crate) use public_stats::PublicStatsCache;

/// Page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt.
    Vi,
    /// English.
    En,
}

/// What every page template knows: language, the user, the CSRF token.
#[derive(Debug, Clone)]
pub struct Ui {
    /// Language.
    pub lang: Lang,
    /// The signed-in user's name ("" when signed out).
    pub user_name: String,
    /// The user's role.
    pub role: Option<Role>,
    /// CSRF token for forms.
    pub csrf: String,
    /// The signed-in citizen's name, on the citizen portal.
    pub citizen: Option<String>,
}

impl Ui {
    /// Vietnamese or English.
    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
    /// `vi` or `en`.
    pub fn lang_code(&self) -> &'static str {
        match self.lang {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    /// Whether someone is signed in.
    pub fn signed_in(&self) -> bool {
        self.role.is_some()
    }
    /// Whether a citizen is signed in.
    pub fn citizen_signed_in(&self) -> bool {
        self.citizen.is_some()
    }
    /// The citizen's name.
    pub fn citizen_name(&self) -> &str {
        self.citizen.as_deref().unwrap_or_default()
    }
    /// Whether the user administers the system.
    pub fn is_admin(&self) -> bool {
        self.role == Some(Role::Administrator)
    }
    /// Whether the user reads reports (leaders, supervisors, administrators).
    pub fn sees_reports(&self) -> bool {
        matches!(
            self.role,
            Some(Role::Leader | Role::Supervisor | Role::Administrator)
        )
    }
    /// Whether the user works at a desk.
    pub fn is_desk(&self) -> bool {
        self.role == Some(Role::DeskOfficer)
    }
    /// The role's name in the page language.
    pub fn role_label(&self) -> &'static str {
        role_label(self.role, self.lang)
    }
}

/// A role's name.
pub fn role_label(role: Option<Role>, lang: Lang) -> &'static str {
    let (vi, en) = match role {
        Some(Role::DeskOfficer) => ("Bộ phận Một cửa", "Desk officer"),
        Some(Role::Specialist) => ("Chuyên viên", "Specialist"),
        Some(Role::Leader) => ("Lãnh đạo", "Leader"),
        Some(Role::Supervisor) => ("Giám sát", "Supervisor"),
        Some(Role::Administrator) => ("Quản trị", "Administrator"),
        None => ("Khách", "Guest"),
    };
    if lang == Lang::Vi { vi } else { en }
}

/// The caller of a page, if signed in, and the page context.
pub struct Page {
    /// The caller, once their sign-in is complete.
    pub principal: Option<Principal>,
    /// A caller who gave their password and has a step left (new password, second factor).
    pub signing_in: Option<Principal>,
    /// The signed-in citizen, if any.
    pub citizen: Option<CitizenPrincipal>,
    /// Template context.
    pub ui: Ui,
}

impl Page {
    /// The caller, or a redirect to the sign-in page (or to the step left of it).
    pub fn user(&self) -> Result<&Principal, PageError> {
        if let Some(step) = self.signing_in.as_ref().and_then(|p| p.pending) {
            return Err(PageError::Step(step));
        }
        self.principal.as_ref().ok_or(PageError::SignIn)
    }

    /// The caller, complete or with a step of sign-in left.
    pub fn anyone_signing_in(&self) -> Result<&Principal, PageError> {
        self.principal
            .as_ref()
            .or(self.signing_in.as_ref())
            .ok_or(PageError::SignIn)
    }

    /// The signed-in citizen, or a redirect to the e-ID sign-in.
    pub fn citizen(&self) -> Result<&CitizenPrincipal, PageError> {
        self.citizen.as_ref().ok_or(PageError::CitizenSignIn)
    }

    /// Checks a citizen form's CSRF token; an ended session goes back to sign-in.
    pub fn check_citizen_csrf(&self, sent: &str) -> Result<&CitizenPrincipal, PageError> {
        let c = self.citizen()?;
        if c.csrf == sent {
            Ok(c)
        } else {
            Err(PageError::Api(ApiError::Forbidden(
                "phiên làm việc không hợp lệ; hãy tải lại trang".into(),
            )))
        }
    }

    /// The caller, who must be an administrator.
    pub fn admin(&self) -> Result<&Principal, PageError> {
        let p = self.user()?;
        if p.role == Role::Administrator {
            Ok(p)
        } else {
            Err(PageError::Api(ApiError::Forbidden(
                "chỉ quản trị hệ thống được dùng trang này".into(),
            )))
        }
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, sent: &str) -> Result<&Principal, PageError> {
        let p = self.user()?;
        Self::same_csrf(p, sent)
    }

    /// [`Page::check_csrf`] for the steps of signing in.
    pub fn check_signing_in_csrf(&self, sent: &str) -> Result<&Principal, PageError> {
        Self::same_csrf(self.anyone_signing_in()?, sent)
    }

    fn same_csrf<'a>(p: &'a Principal, sent: &str) -> Result<&'a Principal, PageError> {
        match &p.credential {
            Credential::Session { csrf, .. } if csrf == sent => Ok(p),
            _ => Err(PageError::Api(ApiError::Forbidden(
                "phiên làm việc không hợp lệ; hãy tải lại trang".into(),
            ))),
        }
    }
}

const LANG_COOKIE: &str = "motcua_lang";

impl FromRequestParts<AppState> for Page {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (principal, signing_in) = match principal_of(state, &parts.headers).await {
            Ok(Some(p)) if p.pending.is_some() => (None, Some(p)),
            Ok(p) => (p, None),
            Err(_) => (None, None),
        };
        let citizen = citizen_of(state, &parts.headers).await.unwrap_or(None);
        let from_query = parts
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")));
        let from_cookie = parts
            .headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| {
                c.split(';')
                    .find_map(|kv| kv.trim().strip_prefix("motcua_lang="))
            });
        let lang = match from_query.or(from_cookie) {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        };
        let (user_name, role, csrf) = match &principal {
            Some(p) => (
                p.name.clone(),
                Some(p.role),
                match &p.credential {
                    Credential::Session { csrf, .. } => csrf.clone(),
                    Credential::ApiToken { .. } => String::new(),
                },
            ),
            None => (
                String::new(),
                None,
                signing_in
                    .as_ref()
                    .and_then(|p| match &p.credential {
                        Credential::Session { csrf, .. } => Some(csrf.clone()),
                        Credential::ApiToken { .. } => None,
                    })
                    .or_else(|| citizen.as_ref().map(|c| c.csrf.clone()))
                    .unwrap_or_default(),
            ),
        };
        Ok(Self {
            ui: Ui {
                lang,
                user_name,
                role,
                csrf,
                citizen: citizen.as_ref().map(|c| c.name.clone()),
            },
            principal,
            signing_in,
            citizen,
        })
    }
}

/// Remembers `?lang=` in a cookie.
async fn remember_lang(req: Request, next: Next) -> Response {
    let chosen = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .filter(|l| *l == "vi" || *l == "en")
        .map(str::to_owned);
    let mut response = next.run(req).await;
    if let Some(lang) = chosen
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={lang}; Path=/; SameSite=Lax; Max-Age=31536000"
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page.
    SignIn,
    /// Signed in with a password, a step left: go to its page.
    Step(crate::auth::Pending),
    /// No citizen signed in (or the session ended): go to the e-ID sign-in.
    CitizenSignIn,
    /// Anything else, shown as an error page.
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<motcua_integrations::SystemError> for PageError {
    fn from(e: motcua_integrations::SystemError) -> Self {
        Self::Api(e.into())
    }
}

impl From<motcua_app::AppError> for PageError {
    fn from(e: motcua_app::AppError) -> Self {
        Self::Api(e.into())
    }
}

impl From<motcua_store::StoreError> for PageError {
    fn from(e: motcua_store::StoreError) -> Self {
        Self::Api(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ui: Ui,
    title: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn => Redirect::to("/login").into_response(),
            Self::Step(step) => Redirect::to(step.page()).into_response(),
            Self::CitizenSignIn => Redirect::to("/cong-dan/dang-nhap").into_response(),
            Self::Api(ApiError::Unauthenticated) => Redirect::to("/login").into_response(),
            Self::Api(e) => {
                let status = match &e {
                    ApiError::NotFound => StatusCode::NOT_FOUND,
                    ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
                    ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                    ApiError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
                    ApiError::Internal(cause) => {
                        tracing::error!(%cause, "page error");
                        StatusCode::INTERNAL_SERVER_ERROR
                    }
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let ui = Ui {
                    lang: Lang::Vi,
                    user_name: String::new(),
                    role: None,
                    csrf: String::new(),
                    citizen: None,
                };
                let message = match &e {
                    ApiError::Internal(_) => {
                        "Đã xảy ra lỗi hệ thống; vui lòng thử lại sau.".to_owned()
                    }
                    other => other.to_string(),
                };
                let page = ErrorPage {
                    ui,
                    title: "Không thực hiện được".into(),
                    message,
                };
                (status, render(&page)).into_response()
            }
        }
    }
}

/// Any URL no route answers: a problem document under `/api`, a Vietnamese page elsewhere.
pub(crate) async fn not_found(page: Page, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    let page_ui = page.ui;
    let body = ErrorPage {
        title: page_ui.t("Không tìm thấy trang", "Page not found").into(),
        message: page_ui
            .t(
                "Địa chỉ này không có trong hệ thống. Hãy kiểm tra lại đường dẫn hoặc quay về trang chủ.",
                "There is no such page. Check the address or go back to the home page.",
            )
            .into(),
        ui: page_ui,
    };
    (StatusCode::NOT_FOUND, render(&body)).into_response()
}

/// A redirect that sets (or clears) a cookie.
pub fn redirect_setting(to: &str, cookie: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Renders a template, or a plain error if the template itself fails.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Lỗi hiển thị trang").into_response()
        }
    }
}

async fn static_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

async fn static_htmx() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        include_str!("../../static/htmx.min.js"),
    )
        .into_response()
}

async fn static_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
        .into_response()
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(signin_steps::routes())
        .merge(tickets::routes())
        .merge(feedback::routes())
        .merge(admin::routes())
        .merge(admin_calendar::routes())
        .merge(admin_catalog::routes())
        .merge(admin_trust::routes())
        .merge(result_signing::routes())
        .merge(scans::routes())
        .merge(certify::routes())
        .merge(records::routes())
        .merge(land::routes())
        .merge(archive::routes())
        .merge(admin_plans::routes())
        .merge(catalog::routes())
        .merge(home::routes())
        .merge(intake::routes())
        .merge(work::routes())
        .merge(dossier::routes())
        .merge(forms::routes())
        .merge(register::routes())
        .merge(report::routes())
        .merge(public_stats::routes())
        .merge(lookup::routes())
        .merge(portal::routes())
        .merge(notices::routes())
        .merge(outbox::routes())
        .route("/static/app.css", get(static_css))
        .route("/static/htmx.min.js", get(static_htmx))
        .route("/static/app.js", get(static_js))
        .layer(axum::middleware::from_fn(remember_lang))
}

/// Formats an instant in Vietnam time, "HH:MM dd/mm/yyyy".
pub fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    motcua_core::calendar::deadline::local(t)
        .format("%H:%M %d/%m/%Y")
        .to_string()
}

/// Formats an optional instant.
pub fn when_opt(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(when).unwrap_or_default()
}

/// Đồng with thousands dots: "1.234.000 đ".
pub fn money(amount: i64) -> String {
    format!("{} đ", motcua_core::notify::thousands(amount))
}
