//! The citizen portal (Cổng dịch vụ công của tỉnh), phone first: sign in with the national
//! e-ID, file a dossier on an e-form prefilled from the population registry, keep drafts,
//! reuse documents already accepted, follow and pay for one's dossiers, answer supplement
//! requests, download results and rate the service.
//!
//! Must not: decide (the decider does, through `service::command_as`) or show a dossier to
//! anyone but its applicant.

mod eform;
mod land;
mod track;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::TimeDelta;
use motcua_core::dossier::Dossier;
use serde::Deserialize;

use super::{Page, PageError, Ui, redirect_setting, render, when};
use crate::auth::new_token;
use crate::citizen::{self, CitizenPrincipal};
use crate::{ApiError, AppState};

/// How long a sign-in may take at the e-ID provider.
const LOGIN_WINDOW: TimeDelta = TimeDelta::minutes(10);

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/cong-dan", get(home))
        .route("/cong-dan/dang-nhap", get(sign_in))
        .route("/cong-dan/oidc/callback", get(callback))
        .route("/cong-dan/dang-xuat", post(sign_out))
        .route("/cong-dan/lien-he", post(contact))
        .merge(eform::routes())
        .merge(land::routes())
        .merge(track::routes())
}

/// The redirect URI registered with the e-ID provider.
fn redirect_uri(state: &AppState) -> Result<String, ApiError> {
    Ok(format!(
        "{}/cong-dan/oidc/callback",
        state.systems()?.config.public_url
    ))
}

#[derive(Deserialize)]
struct SignInQuery {
    #[serde(default)]
    next: String,
}

async fn sign_in(
    State(state): State<AppState>,
    Query(q): Query<SignInQuery>,
) -> Result<Response, PageError> {
    let systems = state.systems()?;
    let login_state = new_token();
    let nonce = new_token();
    // Only back into the portal: never an open redirect to another site.
    let next = if q.next.starts_with("/cong-dan/") && !q.next.contains("//") {
        q.next.as_str()
    } else {
        "/cong-dan"
    };
    state
        .db
        .begin_oidc_login(&login_state, &nonce, next, state.clock.now())
        .await?;
    let url = systems
        .authorize_url(&login_state, &nonce, &redirect_uri(&state)?)
        .await?;
    Ok(Redirect::to(&url).into_response())
}

#[derive(Deserialize)]
struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
}

/// Back from the e-ID provider: the state is used once, the ID token is verified, the
/// registry's data fill the account, and a citizen session starts.
async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let systems = state.systems()?;
    if !q.error.is_empty() {
        return Err(
            ApiError::Forbidden(format!("đăng nhập không thành công ({})", q.error)).into(),
        );
    }
    let now = state.clock.now();
    let login = state
        .db
        .take_oidc_login(&q.state)
        .await?
        .filter(|l| now - l.created_at <= LOGIN_WINDOW)
        .ok_or_else(|| {
            ApiError::Forbidden(
                "phiên đăng nhập đã hết hạn hoặc không hợp lệ; hãy đăng nhập lại".into(),
            )
        })?;
    let identity = systems
        .sign_in_citizen(&q.code, &redirect_uri(&state)?, &login.nonce, now)
        .await
        .map_err(|e| {
            ApiError::Forbidden(format!("không xác thực được tài khoản định danh: {e}"))
        })?;
    if identity.level < 2 {
        return Err(ApiError::Forbidden(
            "cần tài khoản định danh điện tử mức độ 2 để nộp hồ sơ".into(),
        )
        .into());
    }
    let resident = systems.resident(&identity.id_number).await?;
    let existing = state.db.citizen(&identity.id_number).await?;
    let account = motcua_store::Citizen {
        id_number: identity.id_number.clone(),
        full_name: resident
            .as_ref()
            .map_or_else(|| identity.name.clone(), |r| r.ho_va_ten.clone()),
        birth_date: resident
            .as_ref()
            .and_then(|r| r.birth_date())
            .or(identity.birth_date),
        gender: resident
            .as_ref()
            .map(|r| r.gioi_tinh.clone())
            .unwrap_or_default(),
        address: resident
            .as_ref()
            .map(|r| r.noi_thuong_tru.clone())
            .unwrap_or_default(),
        phone: existing.as_ref().and_then(|c| c.phone.clone()),
        email: existing.as_ref().and_then(|c| c.email.clone()),
        notify_channel: existing.map_or_else(|| "sms".to_owned(), |c| c.notify_channel),
        identity_level: identity.level,
        in_registry: resident.is_some(),
    };
    state.db.upsert_citizen(&account, now).await?;
    let cookie = citizen::open_session(&state, &identity.id_number, &headers).await?;
    Ok(redirect_setting(&login.return_to, &cookie))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let c = page.check_citizen_csrf(&f.csrf)?;
    state.db.delete_citizen_session(&c.token_hash).await?;
    Ok(redirect_setting("/", &citizen::clear_cookie()))
}

/// A row of "my dossiers".
struct DossierRow {
    id: String,
    code: String,
    procedure: String,
    status: String,
    submitted: String,
    due: String,
    action: String,
}

struct DraftRow {
    id: String,
    procedure_code: String,
    procedure: String,
    saved: String,
}

#[derive(Template)]
#[template(path = "portal_home.html")]
struct Home {
    ui: Ui,
    name: String,
    id_number: String,
    phone: String,
    email: String,
    channel: String,
    dossiers: Vec<DossierRow>,
    drafts: Vec<DraftRow>,
    saved: bool,
}

/// What the citizen should do next on a dossier, if anything.
fn next_action(d: &Dossier, ui: &Ui) -> String {
    use motcua_core::dossier::{PaymentPurpose, Status};
    use motcua_core::notify::outstanding;
    let owes = outstanding(d, PaymentPurpose::Fees) + outstanding(d, PaymentPurpose::Obligation);
    let text = match d.status {
        Status::SupplementRequested => ui.t("Cần bổ sung hồ sơ", "Supplement needed"),
        Status::AwaitingObligation if owes > 0 => {
            ui.t("Cần nộp nghĩa vụ tài chính", "Obligation to pay")
        }
        Status::Returned if d.rating.is_none() => ui.t("Mời đánh giá", "Please rate"),
        Status::ResultReady => ui.t("Đã có kết quả", "Result ready"),
        s if !s.is_terminal() && owes > 0 => ui.t("Cần nộp phí, lệ phí", "Fees to pay"),
        _ => "",
    };
    text.to_owned()
}

async fn procedure_names(state: &AppState) -> Result<Vec<(String, String)>, ApiError> {
    Ok(state
        .app
        .current_procedures()
        .await?
        .iter()
        .map(|p| (p.code.to_string(), p.name.clone()))
        .collect())
}

#[derive(Deserialize)]
struct HomeQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<HomeQuery>,
) -> Result<Response, PageError> {
    let c = page.citizen()?;
    let account = state
        .db
        .citizen(&c.id_number)
        .await?
        .ok_or(PageError::CitizenSignIn)?;
    let names = procedure_names(&state).await?;
    let name_of = |code: &str| {
        names
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_owned(), |(_, n)| n.clone())
    };
    let dossiers = state
        .db
        .dossiers_of_applicant(&c.id_number)
        .await?
        .iter()
        .map(|d| DossierRow {
            id: d.id.0.to_string(),
            code: d.code.to_string(),
            procedure: name_of(d.procedure.as_str()),
            status: d.status.label_vi().to_owned(),
            submitted: when(d.submitted_at),
            due: d
                .appointment
                .as_ref()
                .map(|a| when(a.current_due))
                .unwrap_or_default(),
            action: next_action(d, &page.ui),
        })
        .collect();
    let drafts = state
        .db
        .drafts(&c.id_number)
        .await?
        .into_iter()
        .map(|d| DraftRow {
            id: d.id.to_string(),
            procedure: name_of(&d.procedure_code),
            procedure_code: d.procedure_code,
            saved: when(d.updated_at),
        })
        .collect();
    Ok(render(&Home {
        ui: page.ui.clone(),
        name: account.full_name,
        id_number: account.id_number,
        phone: account.phone.unwrap_or_default(),
        email: account.email.unwrap_or_default(),
        channel: account.notify_channel,
        dossiers,
        drafts,
        saved: q.saved.is_some(),
    }))
}

#[derive(Deserialize)]
struct ContactForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    channel: String,
}

/// Field errors: the field's name and the message shown beside it.
pub(super) type FieldErrors = Vec<(&'static str, String)>;

/// A citizen's checked contacts: phone, e-mail, and the channel they chose.
pub(super) type Contact = (Option<String>, Option<String>, String);

/// A citizen's contacts and chosen notification channel, checked.
pub(super) fn check_contact(
    phone: &str,
    email: &str,
    channel: &str,
) -> Result<Contact, FieldErrors> {
    let mut errors = Vec::new();
    let phone = super::fields::phone(phone).unwrap_or_else(|m| {
        errors.push(("phone", m));
        None
    });
    let email = super::fields::email(email).unwrap_or_else(|m| {
        errors.push(("email", m));
        None
    });
    let channel = match channel {
        "email" | "zalo" | "sms" => channel.to_owned(),
        _ => "sms".to_owned(),
    };
    // A field already refused keeps its first message.
    let refused = |field: &str, errors: &FieldErrors| errors.iter().any(|(f, _)| *f == field);
    if channel == "email" && email.is_none() && !refused("email", &errors) {
        errors.push((
            "email",
            "Cần địa chỉ thư điện tử để nhận thông báo qua thư.".to_owned(),
        ));
    }
    if channel != "email" && phone.is_none() && !refused("phone", &errors) {
        errors.push((
            "phone",
            "Cần số điện thoại để nhận thông báo qua SMS hoặc Zalo.".to_owned(),
        ));
    }
    if errors.is_empty() {
        Ok((phone, email, channel))
    } else {
        Err(errors)
    }
}

async fn contact(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<ContactForm>,
) -> Result<Response, PageError> {
    let c: &CitizenPrincipal = page.check_citizen_csrf(&f.csrf)?;
    let (phone, email, channel) = check_contact(&f.phone, &f.email, &f.channel).map_err(|e| {
        ApiError::Invalid(e.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" "))
    })?;
    state
        .db
        .set_citizen_contact(
            &c.id_number,
            phone.as_deref(),
            email.as_deref(),
            &channel,
            state.clock.now(),
        )
        .await?;
    Ok(Redirect::to("/cong-dan?saved=1").into_response())
}
