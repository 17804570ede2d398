//! Sign-in and sign-out pages.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Page, PageError, Ui, redirect_setting, render};
use crate::AppState;
use crate::auth::{self, Credential, SignIn};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ui: Ui,
    error: Option<String>,
    username: String,
    changed: bool,
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    changed: Option<String>,
}

async fn login_page(page: Page, Query(q): Query<LoginQuery>) -> Response {
    if page.principal.is_some() {
        return Redirect::to("/").into_response();
    }
    if let Some(step) = page.signing_in.as_ref().and_then(|p| p.pending) {
        return Redirect::to(step.page()).into_response();
    }
    render(&LoginPage {
        ui: page.ui,
        error: None,
        username: String::new(),
        changed: q.changed.is_some(),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    page: Page,
    auth::SourceAddr(source): auth::SourceAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let ui = page.ui;
    let error = match auth::sign_in(&state, &form.username, &form.password, &source).await? {
        SignIn::Ok { token, pending, .. } => {
            let cookie = auth::session_cookie(&token, auth::is_tls(&headers));
            let next = pending.map_or("/", auth::Pending::page);
            return Ok(redirect_setting(next, &cookie));
        }
        SignIn::Refused => ui
            .t(
                "Sai tên đăng nhập hoặc mật khẩu.",
                "Wrong username or password.",
            )
            .to_owned(),
        SignIn::Locked(until) => format!(
            "{} {}",
            ui.t(
                "Tài khoản tạm khóa do đăng nhập sai nhiều lần, đến",
                "Account locked after repeated failures, until"
            ),
            super::when(until)
        ),
    };
    Ok(render(&LoginPage {
        ui,
        error: Some(error),
        username: form.username,
        changed: false,
    }))
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    // Also from a sign-in left half way (a new password or a second factor still due).
    let p = page.check_signing_in_csrf(&form.csrf)?;
    if let Credential::Session { token_hash, .. } = &p.credential {
        state.db.delete_session(token_hash).await?;
    }
    Ok(redirect_setting("/login", &auth::clear_cookie()))
}
