//! Records (Lưu trữ): the retention rules the administrator keeps (Quản trị → Thời hạn bảo
//! quản), and the destruction lists (danh mục tài liệu hết giá trị) — proposed by a supervisor
//! or an administrator from an agency's files whose period ended, approved or refused by a
//! leader of that agency; approval destroys the files and the list stays as the record.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_core::catalog::Role;
use motcua_core::retention::{ANY_TYPE, DestructionList, Item, ListStatus, Rule};
use serde::Deserialize;
use uuid::Uuid;

use super::{Page, PageError, Ui, render, when};
use crate::{ApiError, AppState, service};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/admin/luu-tru", get(rules).post(save_rules))
        .route("/luu-tru", get(records))
        .route("/luu-tru/danh-muc", post(propose))
        .route("/luu-tru/danh-muc/{id}", get(list))
        .route("/luu-tru/danh-muc/{id}/quyet-dinh", post(decide))
}

struct RuleRow {
    index: usize,
    doc_type: String,
    /// What the catalogue calls documents of this type.
    names: String,
    /// As typed: a number of years, "vĩnh viễn", or empty (the general rule).
    years: String,
    basis: String,
}

#[derive(Template)]
#[template(path = "admin_retention.html")]
struct RulesPage {
    ui: Ui,
    rows: Vec<RuleRow>,
    error: String,
    done: bool,
}

/// Every type the catalogue uses, with the names it goes by, the general rule first.
async fn known_types(state: &AppState) -> Result<Vec<(String, String)>, ApiError> {
    let mut names: Vec<(String, Vec<String>)> = vec![(ANY_TYPE.into(), Vec::new())];
    let mut add = |t: String, name: &str| match names.iter_mut().find(|(x, _)| *x == t) {
        Some((_, list)) => {
            if !list.iter().any(|n| n == name) {
                list.push(name.to_owned());
            }
        }
        None => names.push((t, vec![name.to_owned()])),
    };
    for p in state.app.current_procedures().await? {
        for d in &p.documents {
            add(motcua_core::retention::document_type(&p, &d.code), &d.name);
        }
        add(
            motcua_core::retention::result_type(&p),
            &format!("Kết quả: {}", p.result.name),
        );
    }
    Ok(names
        .into_iter()
        .map(|(t, n)| {
            let label = if t == ANY_TYPE {
                "Mọi loại chưa có quy tắc riêng".to_owned()
            } else {
                n.join("; ")
            };
            (t, label)
        })
        .collect())
}

async fn rules_page(
    state: &AppState,
    page: &Page,
    typed: Option<&HashMap<String, String>>,
    error: String,
    done: bool,
) -> Result<Response, PageError> {
    let saved = state.app.retention_rules().await.map_err(ApiError::from)?;
    let mut types = known_types(state).await?;
    for r in &saved {
        if !types.iter().any(|(t, _)| *t == r.doc_type) {
            types.push((r.doc_type.clone(), String::new()));
        }
    }
    let rows = types
        .into_iter()
        .enumerate()
        .map(|(index, (doc_type, names))| {
            let rule = saved.iter().find(|r| r.doc_type == doc_type);
            let typed_value = |k: &str| typed.and_then(|t| t.get(&format!("{k}{index}")).cloned());
            RuleRow {
                index,
                years: typed_value("years").unwrap_or_else(|| match rule {
                    Some(Rule { years: Some(y), .. }) => y.to_string(),
                    Some(Rule { years: None, .. }) => "vĩnh viễn".into(),
                    None => String::new(),
                }),
                basis: typed_value("basis")
                    .unwrap_or_else(|| rule.map(|r| r.basis.clone()).unwrap_or_default()),
                doc_type,
                names,
            }
        })
        .collect();
    let status = status_of(&error);
    Ok((
        status,
        render(&RulesPage {
            ui: page.ui.clone(),
            rows,
            error,
            done,
        }),
    )
        .into_response())
}

#[derive(Deserialize)]
struct Done {
    #[serde(default)]
    luu: Option<String>,
}

async fn rules(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    page.admin()?;
    rules_page(&state, &page, None, String::new(), q.luu.is_some()).await
}

/// Reads the rows typed: a number of years, "vĩnh viễn", or nothing (no rule of its own).
fn typed_rules(form: &HashMap<String, String>) -> Result<Vec<Rule>, String> {
    let mut out = Vec::new();
    for i in 0..500 {
        let Some(doc_type) = form.get(&format!("type{i}")) else {
            break;
        };
        let years = form
            .get(&format!("years{i}"))
            .map(|s| s.trim().to_lowercase())
            .unwrap_or_default();
        let basis = form
            .get(&format!("basis{i}"))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
        let years = match years.as_str() {
            "" if doc_type == ANY_TYPE => {
                return Err("Quy tắc chung cần có thời hạn (số năm hoặc \"vĩnh viễn\").".into());
            }
            "" => continue,
            "vĩnh viễn" | "vinh vien" | "vv" => None,
            n => Some(n.parse::<u16>().map_err(|_| {
                format!("\"{doc_type}\": thời hạn là số năm (1–100) hoặc \"vĩnh viễn\".")
            })?),
        };
        out.push(Rule {
            doc_type: doc_type.clone(),
            years,
            basis,
        });
    }
    Ok(out)
}

async fn save_rules(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    page.admin()?;
    let by = service::actor(page.check_csrf(form.get("csrf").map_or("", String::as_str))?);
    let outcome = match typed_rules(&form) {
        Ok(rules) => state.app.set_retention_rules(&by, rules).await,
        Err(e) => Err(motcua_app::AppError::Invalid(e)),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to("/admin/luu-tru?luu=1").into_response()),
        Err(motcua_app::AppError::Invalid(e)) => {
            rules_page(&state, &page, Some(&form), e, false).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

/// A page shown again with what was refused is answered 422.
fn status_of(error: &str) -> axum::http::StatusCode {
    if error.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Records are read by supervisors, administrators and leaders.
fn may_read(p: &crate::auth::Principal) -> Result<(), PageError> {
    if matches!(
        p.role,
        Role::Supervisor | Role::Administrator | Role::Leader
    ) {
        Ok(())
    } else {
        Err(
            ApiError::Forbidden("Lưu trữ do lãnh đạo, cán bộ giám sát và quản trị quản lý".into())
                .into(),
        )
    }
}

struct ItemRow {
    dossier_id: String,
    code: String,
    name: String,
    doc_type: String,
    years: u16,
    expires_on: String,
}

struct ListRow {
    id: String,
    agency: String,
    proposed: String,
    items: usize,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordsPage {
    ui: Ui,
    agencies: Vec<(String, String)>,
    agency: String,
    expired: Vec<ItemRow>,
    lists: Vec<ListRow>,
    may_propose: bool,
    error: String,
}

fn status_label(s: ListStatus, ui: &Ui) -> &'static str {
    match s {
        ListStatus::Proposed => ui.t("Chờ lãnh đạo phê duyệt", "Awaiting a leader"),
        ListStatus::Refused => ui.t("Không phê duyệt", "Refused"),
        ListStatus::Approved => ui.t("Đã phê duyệt, đang hủy", "Approved, being destroyed"),
        ListStatus::Destroyed => ui.t("Đã hủy", "Destroyed"),
    }
}

fn item_rows(items: &[motcua_core::retention::ListItem]) -> Vec<ItemRow> {
    items
        .iter()
        .map(|i| ItemRow {
            dossier_id: i.dossier.0.to_string(),
            code: i.code.clone(),
            name: match i.expired.item {
                Item::Result => format!("Kết quả: {}", i.expired.name),
                Item::Document { .. } => i.expired.name.clone(),
            },
            doc_type: i.expired.doc_type.clone(),
            years: i.expired.years,
            expires_on: i.expired.expires_on.format("%d/%m/%Y").to_string(),
        })
        .collect()
}

async fn agency_name(state: &AppState, code: &str) -> String {
    state
        .db
        .agency(code)
        .await
        .ok()
        .flatten()
        .map_or_else(|| code.to_owned(), |a| a.name)
}

#[derive(Deserialize)]
struct RecordsQuery {
    #[serde(default)]
    agency: Option<String>,
}

async fn records_page(
    state: &AppState,
    page: &Page,
    agency: Option<String>,
    error: String,
) -> Result<Response, PageError> {
    let p = page.user()?;
    may_read(p)?;
    // Leaders see their own agencies; supervisors and administrators the province's.
    let codes: Vec<String> = if p.role == Role::Leader {
        p.units.clone()
    } else {
        state
            .db
            .agencies(&p.province)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect()
    };
    let mut agencies = Vec::new();
    for c in &codes {
        agencies.push((c.clone(), agency_name(state, c).await));
    }
    let agency = agency.filter(|a| codes.contains(a)).unwrap_or_default();
    let expired = if agency.is_empty() {
        Vec::new()
    } else {
        item_rows(
            &state
                .app
                .expired_files(&agency)
                .await
                .map_err(ApiError::from)?,
        )
    };
    let mut lists = Vec::new();
    for l in state.db.destruction_lists(Some(&codes), 200).await? {
        lists.push(ListRow {
            id: l.id.to_string(),
            agency: agency_name(state, &l.agency).await,
            proposed: when(l.proposed_at),
            items: l.items.len(),
            status: status_label(l.status, &page.ui),
        });
    }
    let status = status_of(&error);
    Ok((
        status,
        render(&RecordsPage {
            ui: page.ui.clone(),
            agencies,
            agency,
            expired,
            lists,
            may_propose: matches!(p.role, Role::Supervisor | Role::Administrator),
            error,
        }),
    )
        .into_response())
}

async fn records(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<RecordsQuery>,
) -> Result<Response, PageError> {
    records_page(&state, &page, q.agency, String::new()).await
}

#[derive(Deserialize)]
struct ProposeForm {
    csrf: String,
    agency: String,
}

async fn propose(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<ProposeForm>,
) -> Result<Response, PageError> {
    let p = page.check_csrf(&form.csrf)?;
    may_read(p)?;
    match state
        .app
        .propose_destruction(&service::actor(p), &form.agency)
        .await
    {
        Ok(list) => Ok(Redirect::to(&format!("/luu-tru/danh-muc/{}", list.id)).into_response()),
        Err(motcua_app::AppError::Invalid(e)) => {
            records_page(&state, &page, Some(form.agency), e).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Template)]
#[template(path = "records_list.html")]
struct ListPage {
    ui: Ui,
    id: String,
    agency: String,
    status: &'static str,
    as_of: String,
    proposed_by: String,
    proposed: String,
    decided_by: String,
    decided: String,
    note: String,
    destroyed: String,
    deleted_files: u32,
    kept_shared: u32,
    items: Vec<ItemRow>,
    may_decide: bool,
    error: String,
}

async fn list_page(
    state: &AppState,
    page: &Page,
    l: &DestructionList,
    error: String,
) -> Result<Response, PageError> {
    let p = page.user()?;
    may_read(p)?;
    let in_province = state
        .db
        .agency(&l.agency)
        .await?
        .is_some_and(|a| a.province_code == p.province);
    if !in_province || (p.role == Role::Leader && !p.units.contains(&l.agency)) {
        return Err(ApiError::NotFound.into());
    }
    let status = status_of(&error);
    let view = ListPage {
        ui: page.ui.clone(),
        id: l.id.to_string(),
        agency: agency_name(state, &l.agency).await,
        status: status_label(l.status, &page.ui),
        as_of: l.as_of.format("%d/%m/%Y").to_string(),
        proposed_by: l.proposed_by_name.clone(),
        proposed: when(l.proposed_at),
        decided_by: l.decided_by_name.clone().unwrap_or_default(),
        decided: l.decided_at.map(when).unwrap_or_default(),
        note: l.note.clone().unwrap_or_default(),
        destroyed: l.destroyed_at.map(when).unwrap_or_default(),
        deleted_files: l.deleted_files,
        kept_shared: l.kept_shared,
        items: item_rows(&l.items),
        may_decide: l.status == ListStatus::Proposed
            && p.role == Role::Leader
            && p.units.contains(&l.agency),
        error,
    };
    Ok((status, render(&view)).into_response())
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    may_read(page.user()?)?;
    let l = state
        .db
        .destruction_list(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    list_page(&state, &page, &l, String::new()).await
}

#[derive(Deserialize)]
struct DecideForm {
    csrf: String,
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    let p = page.check_csrf(&form.csrf)?.clone();
    may_read(&p)?;
    let outcome = state
        .app
        .decide_destruction(
            &service::actor(&p),
            &p.units,
            id,
            form.decision == "approve",
            Some(form.note.clone()),
        )
        .await;
    match outcome {
        Ok((_, deletable)) => {
            // The bytes go last: the record of the destruction is already kept.
            state.files.destroy(&deletable).await;
            Ok(Redirect::to(&format!("/luu-tru/danh-muc/{id}")).into_response())
        }
        Err(motcua_app::AppError::Invalid(e)) => {
            let l = state
                .db
                .destruction_list(id)
                .await?
                .ok_or(ApiError::NotFound)?;
            list_page(&state, &page, &l, e).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}
