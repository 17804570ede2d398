//! The steps after a password: choosing one's own password (after a one-time one), the second
//! factor (a TOTP code or a recovery code), and enrolling one (a QR code for the authenticator
//! app, a first code, then the recovery codes shown once). `/account/mfa` offers enrolment to
//! anyone signed in.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use super::{Page, PageError, Ui, redirect_setting, render};
use crate::auth::{self, Credential, Pending, Principal};
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/login/password", get(password_page).post(change_password))
        .route("/login/otp", get(otp_page).post(check_otp))
        .route("/login/mfa-setup", get(setup_page).post(confirm_setup))
        .route("/account/mfa", get(setup_page).post(confirm_setup))
}

#[derive(Template)]
#[template(path = "signin_password.html")]
struct PasswordPage {
    ui: Ui,
    error: Option<String>,
    forced: bool,
}

#[derive(Template)]
#[template(path = "signin_otp.html")]
struct OtpPage {
    ui: Ui,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "signin_mfa.html")]
struct SetupPage {
    ui: Ui,
    error: Option<String>,
    qr_svg: String,
    secret: String,
    recovery: Vec<String>,
    action: String,
}

fn account_of(p: &Principal) -> Result<uuid::Uuid, PageError> {
    match p.credential {
        Credential::Session { account_id, .. } => Ok(account_id),
        Credential::ApiToken { .. } => Err(PageError::SignIn),
    }
}

async fn password_page(page: Page) -> Result<Response, PageError> {
    let p = page.anyone_signing_in()?;
    Ok(render(&PasswordPage {
        forced: p.pending == Some(Pending::ChangePassword),
        ui: page.ui,
        error: None,
    }))
}

#[derive(Deserialize)]
struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

async fn change_password(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let p = page.check_signing_in_csrf(&form.csrf)?;
    let forced = p.pending == Some(Pending::ChangePassword);
    let account = account_of(p)?;
    let result = if form.new == form.repeat {
        state
            .app
            .change_own_password(account, &form.current, &form.new)
            .await
            .map_err(|e| e.to_string())
    } else {
        Err("hai lần nhập mật khẩu mới không giống nhau".to_owned())
    };
    match result {
        // Every session of the account ended: sign in again with the new password.
        Ok(()) => Ok(redirect_setting("/login?changed=1", &auth::clear_cookie())),
        Err(e) => Ok(render(&PasswordPage {
            ui: page.ui,
            error: Some(capitalise(&e)),
            forced,
        })),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn otp_page(page: Page) -> Result<Response, PageError> {
    page.anyone_signing_in()?;
    Ok(render(&OtpPage {
        ui: page.ui,
        error: None,
    }))
}

#[derive(Deserialize)]
struct CodeForm {
    csrf: String,
    code: String,
}

async fn check_otp(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let p = page.check_signing_in_csrf(&form.csrf)?;
    if p.pending != Some(Pending::SecondFactor) {
        return Ok(Redirect::to("/").into_response());
    }
    if state
        .app
        .pass_second_factor(account_of(p)?, &form.code)
        .await?
    {
        if let Credential::Session { token_hash, .. } = &p.credential {
            state.db.pass_second_factor(token_hash).await?;
        }
        return Ok(Redirect::to("/").into_response());
    }
    Ok(render(&OtpPage {
        ui: page.ui.clone(),
        error: Some(
            page.ui
                .t(
                    "Mã xác thực không đúng hoặc đã được dùng.",
                    "Wrong or already used code.",
                )
                .into(),
        ),
    }))
}

fn qr(uri: &str) -> String {
    QrCode::new(uri.as_bytes())
        .map(|q| {
            q.render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build()
        })
        .unwrap_or_default()
}

async fn setup_page(
    State(state): State<AppState>,
    page: Page,
    uri: axum::http::Uri,
) -> Result<Response, PageError> {
    let p = page.anyone_signing_in()?;
    if matches!(
        p.pending,
        Some(Pending::ChangePassword | Pending::SecondFactor)
    ) {
        return Err(PageError::Step(p.pending.unwrap_or(Pending::SecondFactor)));
    }
    let secret = state.app.offer_second_factor(account_of(p)?).await?;
    let otpauth = crate::api::otpauth(&state, p, &secret).await?;
    Ok(render(&SetupPage {
        ui: page.ui.clone(),
        error: None,
        qr_svg: qr(&otpauth),
        secret,
        recovery: vec![],
        action: uri.path().to_owned(),
    }))
}

async fn confirm_setup(
    State(state): State<AppState>,
    page: Page,
    uri: axum::http::Uri,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let p = page.check_signing_in_csrf(&form.csrf)?;
    let account = account_of(p)?;
    match state.app.confirm_second_factor(account, &form.code).await {
        Ok(codes) => {
            if let Credential::Session { token_hash, .. } = &p.credential {
                state.db.pass_second_factor(token_hash).await?;
            }
            Ok(render(&SetupPage {
                ui: page.ui.clone(),
                error: None,
                qr_svg: String::new(),
                secret: String::new(),
                recovery: codes,
                action: uri.path().to_owned(),
            }))
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            let secret = state.app.offer_second_factor(account).await?;
            let otpauth = crate::api::otpauth(&state, p, &secret).await?;
            Ok(render(&SetupPage {
                ui: page.ui.clone(),
                error: Some(capitalise(&e)),
                qr_svg: qr(&otpauth),
                secret,
                recovery: vec![],
                action: uri.path().to_owned(),
            }))
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}
