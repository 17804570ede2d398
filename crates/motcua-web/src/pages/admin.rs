//! Administration pages (quản trị): staff accounts, the province's agencies, and the
//! administrative log. Each action is the same use case as in the CLI and the API.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use motcua_app::NewStaff;
use motcua_core::catalog::Role;
use motcua_core::units::parse_agency_file;
use serde::Deserialize;

use super::{Page, PageError, Ui, render, role_label, when, when_opt};
use crate::service::actor;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/admin", get(home))
        .route("/admin/tai-khoan", get(accounts).post(create_account))
        .route(
            "/admin/tai-khoan/{username}",
            get(account).post(update_account),
        )
        .route("/admin/tai-khoan/{username}/{action}", post(account_action))
        .route(
            "/admin/co-quan",
            get(agencies)
                .post(import_agencies)
                .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024)),
        )
        .route("/admin/nhat-ky", get(log))
        .route("/admin/co-quan/{code}", get(agency))
        .route("/admin/co-quan/{code}/{action}", post(agency_action))
        .route("/admin/ma-truy-cap", get(tokens).post(create_token))
        .route("/admin/ma-truy-cap/{id}/thu-hoi", post(revoke_token))
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct Home {
    ui: Ui,
    province: String,
}

async fn home(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    let province = state
        .app
        .province()
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(render(&Home {
        ui: page.ui,
        province,
    }))
}

struct AccountRow {
    username: String,
    full_name: String,
    role: String,
    units: String,
    status: String,
}

struct AgencyChoice {
    code: String,
    name: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct Accounts {
    ui: Ui,
    rows: Vec<AccountRow>,
    agencies: Vec<AgencyChoice>,
    roles: Vec<(String, String)>,
    error: Option<String>,
    issued: Option<(String, String)>,
    form: NewAccountForm,
}

#[derive(Deserialize, Default, Clone)]
struct NewAccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    units: Vec<String>,
    /// A token's scopes (`land.read`).
    #[serde(default)]
    scopes: Vec<String>,
}

fn roles(ui: &Ui) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                role_label(Some(*r), ui.lang).to_owned(),
            )
        })
        .collect()
}

fn status(ui: &Ui, a: &motcua_store::Account, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut parts = Vec::new();
    if !a.active {
        parts.push(ui.t("đã khóa", "disabled").to_owned());
    }
    if let Some(until) = a.locked_until.filter(|u| *u > now) {
        parts.push(format!(
            "{} {}",
            ui.t("tạm khóa đến", "locked until"),
            when(until)
        ));
    }
    if a.must_change_password {
        parts.push(ui.t("chờ đổi mật khẩu", "must change password").to_owned());
    }
    if a.totp_secret.is_some() {
        parts.push(ui.t("xác thực hai lớp", "two-step on").to_owned());
    }
    if parts.is_empty() {
        ui.t("hoạt động", "active").to_owned()
    } else {
        parts.join(" · ")
    }
}

async fn agency_choices(
    state: &AppState,
    province: &str,
    chosen: &[String],
) -> Result<Vec<AgencyChoice>, PageError> {
    Ok(state
        .db
        .agencies(province)
        .await?
        .into_iter()
        .map(|a| AgencyChoice {
            chosen: chosen.contains(&a.code),
            code: a.code,
            name: a.name,
        })
        .collect())
}

async fn province_code(state: &AppState) -> Result<String, PageError> {
    Ok(state
        .app
        .province()
        .await?
        .map(|p| p.code)
        .unwrap_or_default())
}

async fn accounts_page(
    state: &AppState,
    page: &Page,
    error: Option<String>,
    issued: Option<(String, String)>,
    form: NewAccountForm,
) -> Result<Response, PageError> {
    let province = province_code(state).await?;
    let now = state.clock.now();
    let rows = state
        .db
        .all_accounts(&province)
        .await?
        .iter()
        .map(|a| AccountRow {
            username: a.username.clone(),
            full_name: a.full_name.clone(),
            role: role_label(Role::parse(&a.role), page.ui.lang).to_owned(),
            units: a.units.0.join(", "),
            status: status(&page.ui, a, now),
        })
        .collect();
    let agencies = agency_choices(state, &province, &form.units).await?;
    Ok(render(&Accounts {
        roles: roles(&page.ui),
        ui: page.ui.clone(),
        rows,
        agencies,
        error,
        issued,
        form,
    }))
}

async fn accounts(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    accounts_page(&state, &page, None, None, NewAccountForm::default()).await
}

/// A form's fields in order; `units` may come once or many times.
fn form_fields(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn new_account_form(body: &str) -> NewAccountForm {
    let mut f = NewAccountForm::default();
    for (k, v) in form_fields(body) {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "username" => f.username = v.trim().to_owned(),
            "full_name" => f.full_name = v,
            "role" => f.role = v,
            "units" => f.units.push(v),
            "scopes" => f.scopes.push(v),
            _ => {}
        }
    }
    f
}

async fn create_account(
    State(state): State<AppState>,
    page: Page,
    body: String,
) -> Result<Response, PageError> {
    let form = new_account_form(&body);
    page.admin()?;
    let p = page.check_csrf(&form.csrf)?;
    let Some(role) = Role::parse(&form.role) else {
        let e = page.ui.t("Cần chọn vai trò.", "Choose a role.").to_owned();
        return accounts_page(&state, &page, Some(e), None, form).await;
    };
    let staff = NewStaff {
        username: form.username.clone(),
        full_name: form.full_name.clone(),
        role,
        units: form.units.clone(),
    };
    match state.app.create_staff(&actor(p), staff).await {
        Ok(issued) => {
            let shown = Some((issued.username, issued.one_time_password));
            accounts_page(&state, &page, None, shown, NewAccountForm::default()).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            accounts_page(&state, &page, Some(e), None, form).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Template)]
#[template(path = "admin_account.html")]
struct AccountPage {
    ui: Ui,
    username: String,
    full_name: String,
    role: String,
    roles: Vec<(String, String)>,
    agencies: Vec<AgencyChoice>,
    status: String,
    active: bool,
    mfa: bool,
    created: String,
    error: Option<String>,
    issued: Option<String>,
    done: Option<String>,
}

async fn account_page(
    state: &AppState,
    page: &Page,
    username: &str,
    error: Option<String>,
    issued: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let a = state
        .db
        .account_by_username(username)
        .await?
        .ok_or(ApiError::NotFound)?;
    if a.province_code != province_code(state).await? {
        return Err(ApiError::NotFound.into());
    }
    let agencies = agency_choices(state, &a.province_code, &a.units.0).await?;
    Ok(render(&AccountPage {
        roles: roles(&page.ui),
        status: status(&page.ui, &a, state.clock.now()),
        ui: page.ui.clone(),
        username: a.username,
        full_name: a.full_name,
        role: a.role,
        agencies,
        active: a.active,
        mfa: a.totp_secret.is_some(),
        created: when_opt(Some(a.password_changed_at)),
        error,
        issued,
        done,
    }))
}

async fn account(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    page.admin()?;
    account_page(&state, &page, &username, None, None, None).await
}

async fn update_account(
    State(state): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    body: String,
) -> Result<Response, PageError> {
    let form = new_account_form(&body);
    page.admin()?;
    let p = page.check_csrf(&form.csrf)?;
    let Some(role) = Role::parse(&form.role) else {
        return Err(ApiError::Invalid("vai trò không hợp lệ".into()).into());
    };
    let result = state
        .app
        .update_staff(&actor(p), &username, &form.full_name, role, form.units)
        .await;
    match result {
        Ok(()) => {
            let done = page.ui.t("Đã lưu.", "Saved.").to_owned();
            account_page(&state, &page, &username, None, None, Some(done)).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            account_page(&state, &page, &username, Some(e), None, None).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn account_action(
    State(state): State<AppState>,
    page: Page,
    Path((username, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&form.csrf)?);
    // The account must be of this province before anything is done to it.
    account_page(&state, &page, &username, None, None, None).await?;
    let app = &state.app;
    let ui = &page.ui;
    let (issued, done) = match action.as_str() {
        "khoa" => app
            .set_staff_active(&by, &username, false)
            .await
            .map(|()| (None, ui.t("Đã khóa tài khoản.", "Account disabled."))),
        "mo" => app
            .set_staff_active(&by, &username, true)
            .await
            .map(|()| (None, ui.t("Đã mở lại tài khoản.", "Account enabled."))),
        "mo-khoa-dang-nhap" => app
            .unlock_staff(&by, &username)
            .await
            .map(|()| (None, ui.t("Đã mở khóa đăng nhập.", "Sign-in unlocked."))),
        "dat-lai-mat-khau" => app.reset_staff_password(&by, &username).await.map(|i| {
            (
                Some(i.one_time_password),
                ui.t("Đã cấp mật khẩu dùng một lần.", "One-time password issued."),
            )
        }),
        "go-xac-thuc-hai-lop" => app.reset_staff_mfa(&by, &username).await.map(|()| {
            (
                None,
                ui.t(
                    "Đã gỡ xác thực hai lớp; người dùng đăng ký lại khi đăng nhập.",
                    "Two-step removed; they enrol again at sign-in.",
                ),
            )
        }),
        _ => return Err(ApiError::NotFound.into()),
    }
    .map_err(ApiError::from)?;
    account_page(
        &state,
        &page,
        &username,
        None,
        issued,
        Some(done.to_owned()),
    )
    .await
}

struct AgencyRow {
    code: String,
    name: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct Agencies {
    ui: Ui,
    province: String,
    rows: Vec<AgencyRow>,
    error: Option<String>,
    done: Option<String>,
}

async fn agencies_page(
    state: &AppState,
    page: &Page,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let province = state.app.province().await?;
    let rows = match &province {
        Some(p) => state.db.agencies(&p.code).await?,
        None => vec![],
    }
    .into_iter()
    .map(|a| AgencyRow {
        code: a.code,
        name: a.name,
        kind: a.kind,
    })
    .collect();
    Ok(render(&Agencies {
        ui: page.ui.clone(),
        province: province.map(|p| p.name).unwrap_or_default(),
        rows,
        error,
        done,
    }))
}

async fn agencies(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    agencies_page(&state, &page, None, None).await
}

async fn import_agencies(
    State(state): State<AppState>,
    page: Page,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    page.admin()?;
    let (csrf, name, text) = text_file_form(&mut multipart, "co-quan.toml").await;
    let by = actor(page.check_csrf(&csrf)?);
    let outcome = match parse_agency_file(&name, &text) {
        Err(e) => Err(e),
        Ok(file) => state
            .app
            .import_agency_file(&by, file)
            .await
            .map_err(|e| e.to_string()),
    };
    match outcome {
        Ok(n) => {
            let done = format!(
                "{} {n} {}",
                page.ui.t("Đã nạp", "Loaded"),
                page.ui.t("cơ quan.", "agencies.")
            );
            agencies_page(&state, &page, None, Some(done)).await
        }
        Err(e) => agencies_page(&state, &page, Some(e), None).await,
    }
}

/// A form with a CSRF token and one text file (TOML): the token, the file's name, its text.
pub(super) async fn text_file_form(
    multipart: &mut Multipart,
    default_name: &str,
) -> (String, String, String) {
    let (mut csrf, mut name, mut text) = (String::new(), default_name.to_owned(), String::new());
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                if let Some(n) = field.file_name() {
                    name = n.to_owned();
                }
                text = field.text().await.unwrap_or_default();
            }
            _ => {}
        }
    }
    (csrf, name, text)
}

struct LogRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    object: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "admin_log.html")]
struct Log {
    ui: Ui,
    rows: Vec<LogRow>,
    verdict: String,
    intact: bool,
    next: Option<i64>,
}

#[derive(Deserialize)]
struct LogQuery {
    before: Option<i64>,
}

const LOG_PAGE: u64 = 50;

async fn log(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<LogQuery>,
) -> Result<Response, PageError> {
    page.admin()?;
    let entries = state.db.admin_log(q.before, LOG_PAGE).await?;
    let next = (entries.len() as u64 == LOG_PAGE)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    let (intact, verdict) = match state.db.verify_admin_log().await? {
        Ok(n) => (
            true,
            format!(
                "{} {n} {}",
                page.ui.t("Toàn vẹn:", "Intact:"),
                page.ui.t("thay đổi", "changes")
            ),
        ),
        Err((seq, why)) => (
            false,
            format!(
                "{} {seq}: {why}",
                page.ui.t("Hỏng tại dòng", "Broken at row")
            ),
        ),
    };
    let rows = entries
        .into_iter()
        .map(|e| LogRow {
            seq: e.seq,
            at: when(e.recorded_at),
            actor: e.actor_name,
            action: e.action,
            object: e.object,
            before: e.before,
            after: e.after,
        })
        .collect();
    Ok(render(&Log {
        ui: page.ui,
        rows,
        verdict,
        intact,
        next,
    })
    .into_response())
}

struct TokenRow {
    id: String,
    name: String,
    role: String,
    units: String,
    created: String,
    last_used: String,
    revoked: bool,
    scopes: String,
}

#[derive(Template)]
#[template(path = "admin_tokens.html")]
struct Tokens {
    ui: Ui,
    rows: Vec<TokenRow>,
    agencies: Vec<AgencyChoice>,
    roles: Vec<(String, String)>,
    error: Option<String>,
    issued: Option<(String, String)>,
    form: NewAccountForm,
}

async fn tokens_page(
    state: &AppState,
    page: &Page,
    error: Option<String>,
    issued: Option<(String, String)>,
    form: NewAccountForm,
) -> Result<Response, PageError> {
    let province = province_code(state).await?;
    let rows = state
        .db
        .api_tokens(&province)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            name: t.name,
            role: role_label(Role::parse(&t.role), page.ui.lang).to_owned(),
            units: t.units.0.join(", "),
            created: when(t.created_at),
            last_used: when_opt(t.last_used_at),
            revoked: t.revoked_at.is_some(),
            scopes: t.scopes.0.join(", "),
        })
        .collect();
    Ok(render(&Tokens {
        agencies: agency_choices(state, &province, &form.units).await?,
        roles: roles(&page.ui),
        ui: page.ui.clone(),
        rows,
        error,
        issued,
        form,
    }))
}

async fn tokens(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    tokens_page(&state, &page, None, None, NewAccountForm::default()).await
}

async fn create_token(
    State(state): State<AppState>,
    page: Page,
    body: String,
) -> Result<Response, PageError> {
    let form = new_account_form(&body);
    page.admin()?;
    let p = page.check_csrf(&form.csrf)?;
    let Some(role) = Role::parse(&form.role) else {
        let e = page.ui.t("Cần chọn vai trò.", "Choose a role.").to_owned();
        return tokens_page(&state, &page, Some(e), None, form).await;
    };
    if form
        .scopes
        .iter()
        .any(|x| !motcua_app::TOKEN_SCOPES.contains(&x.as_str()))
    {
        let e = page
            .ui
            .t("Phạm vi không hợp lệ.", "Unknown scope.")
            .to_owned();
        return tokens_page(&state, &page, Some(e), None, form).await;
    }
    let made = state
        .app
        .create_api_token(&actor(p), &form.full_name, role, form.units.clone())
        .await;
    let made = match made {
        Ok((id, token)) if !form.scopes.is_empty() => state
            .app
            .set_token_scopes(&actor(p), id, form.scopes.clone())
            .await
            .map(|()| (id, token)),
        other => other,
    };
    match made {
        Ok((_, token)) => {
            let shown = Some((form.full_name.trim().to_owned(), token));
            tokens_page(&state, &page, None, shown, NewAccountForm::default()).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            tokens_page(&state, &page, Some(e), None, form).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<uuid::Uuid>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&form.csrf)?);
    state.app.revoke_api_token(&by, id).await?;
    tokens_page(&state, &page, None, None, NewAccountForm::default()).await
}

#[derive(Template)]
#[template(path = "admin_agency.html")]
struct AgencyPage {
    ui: Ui,
    code: String,
    name: String,
    kind: String,
    parent: String,
    periods: String,
    saturday: bool,
    cutoff: String,
    custom_hours: bool,
    others: Vec<AgencyChoice>,
    history: Vec<(String, String)>,
    error: Option<String>,
    done: Option<String>,
}

async fn agency_page(
    state: &AppState,
    page: &Page,
    code: &str,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let province = province_code(state).await?;
    let a = state
        .db
        .agency(code)
        .await?
        .filter(|a| a.province_code == province)
        .ok_or(ApiError::NotFound)?;
    let all = state.db.agencies(&province).await?;
    let parent = all
        .iter()
        .find(|x| Some(x.id) == a.parent_id)
        .map(|x| x.code.clone())
        .unwrap_or_default();
    let others = all
        .into_iter()
        .filter(|x| x.id != a.id)
        .map(|x| AgencyChoice {
            chosen: x.code == parent,
            code: x.code,
            name: x.name,
        })
        .collect();
    let hours = state.db.office_hours(&a.code).await?;
    Ok(render(&AgencyPage {
        ui: page.ui.clone(),
        custom_hours: hours.is_some(),
        periods: hours.as_ref().map_or_else(
            || "07:00-11:30,13:30-17:00".to_owned(),
            |h| h.periods.clone(),
        ),
        saturday: hours.as_ref().is_some_and(|h| h.saturday),
        cutoff: hours.as_ref().map_or_else(
            || "15:00".to_owned(),
            |h| h.cutoff.clone().unwrap_or_default(),
        ),
        history: state.db.agency_history(&a.code).await?,
        code: a.code,
        name: a.name,
        kind: a.kind,
        parent,
        others,
        error,
        done,
    }))
}

async fn agency(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    page.admin()?;
    agency_page(&state, &page, &code, None, None).await
}

#[derive(Deserialize)]
struct AgencyForm {
    csrf: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    periods: String,
    #[serde(default)]
    saturday: Option<String>,
    #[serde(default)]
    cutoff: String,
}

async fn agency_action(
    State(state): State<AppState>,
    page: Page,
    Path((code, action)): Path<(String, String)>,
    Form(form): Form<AgencyForm>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = actor(page.check_csrf(&form.csrf)?);
    let value = form.value.trim().to_owned();
    if matches!(action.as_str(), "gio-lam-viec" | "gio-mac-dinh") {
        let hours = (action == "gio-lam-viec").then(|| motcua_store::StoredOfficeHours {
            agency_code: code.clone(),
            periods: form.periods.trim().to_owned(),
            saturday: form.saturday.is_some(),
            cutoff: Some(form.cutoff.trim().to_owned()).filter(|c| !c.is_empty()),
        });
        return match state.app.set_office_hours(&by, &code, hours).await {
            Ok(()) => {
                let done = page
                    .ui
                    .t("Đã lưu giờ làm việc.", "Office hours saved.")
                    .to_owned();
                agency_page(&state, &page, &code, None, Some(done)).await
            }
            Err(motcua_app::AppError::Invalid(e)) => {
                agency_page(&state, &page, &code, Some(e), None).await
            }
            Err(e) => Err(ApiError::from(e).into()),
        };
    }
    if action == "sap-nhap" {
        // The merger says what it moved: the administrator checks it against the unit's work.
        return match state.app.merge_agency(&by, &code, &value).await {
            Ok(m) => {
                let done = match page.ui.lang {
                    crate::pages::Lang::En => format!(
                        "Merged {} into {}: {} open dossiers moved to the successor; its staff act for it now.",
                        m.from, m.into, m.dossiers_moved
                    ),
                    crate::pages::Lang::Vi => format!(
                        "Đã sáp nhập {} vào {}: {} hồ sơ đang giải quyết đã chuyển sang đơn vị kế thừa; cán bộ của đơn vị cũ nay thuộc đơn vị kế thừa.",
                        m.from, m.into, m.dossiers_moved
                    ),
                };
                agency_page(&state, &page, &m.into, None, Some(done)).await
            }
            Err(motcua_app::AppError::Invalid(e) | motcua_app::AppError::NotFound(e)) => {
                agency_page(&state, &page, &code, Some(e), None).await
            }
            Err(e) => Err(ApiError::from(e).into()),
        };
    }
    let change = match action.as_str() {
        "doi-ten" => motcua_app::AgencyChange::Rename {
            code: code.clone(),
            name: value,
        },
        "doi-ma" => motcua_app::AgencyChange::Recode {
            code: code.clone(),
            new_code: value,
        },
        "chuyen" => motcua_app::AgencyChange::Move {
            code: code.clone(),
            parent: Some(value).filter(|v| !v.is_empty()),
        },
        _ => return Err(ApiError::NotFound.into()),
    };
    let shown_code = match &change {
        motcua_app::AgencyChange::Recode { new_code, .. } => new_code.clone(),
        _ => code.clone(),
    };
    match state.app.change_agency(&by, change).await {
        Ok(()) => {
            let done = page.ui.t("Đã lưu thay đổi.", "Saved.").to_owned();
            agency_page(&state, &page, &shown_code, None, Some(done)).await
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            agency_page(&state, &page, &code, Some(e), None).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}
