//! The land register's staff pages (Sổ địa chính): search, a parcel with its state, history,
//! open dossiers and map; and a land dossier's change — the specialist states it from the
//! register, everyone sees it as before/after lines, the signing step writes it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDate;
use motcua_core::dossier::DossierId;
use motcua_core::land::display::{OpView, area, lines, rrr_name, title};
use motcua_core::land::{
    ChangeKind, Crs, Intent, LandObject, NewCertificate, NewHolder, Parcel, ParcelNumber,
    PartyKind, Source,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{Page, PageError, Ui, render, when};
use crate::{ApiError, AppState, service};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/dia-chinh", get(search))
        .route("/dia-chinh/thua/{id}", get(parcel))
        .route("/dossiers/{id}/dia-chinh", get(dossier_land).post(prepare))
}

/// The longest search text.
const QUERY_LIMIT: usize = 100;
/// The longest free-text field of a change.
const TEXT_LIMIT: usize = 300;

/// One parcel in a list.
pub(crate) struct ParcelRow {
    pub id: String,
    pub number: String,
    pub area: String,
    pub purpose: String,
    pub address: String,
    pub certificates: String,
    pub holders: String,
    /// Each holder with their address, as the register records them.
    pub holder_details: String,
}

/// Puts the commune's name where a text names it by code ("xã/phường 20242" → "Phường Hải
/// Châu"): the register keys communes by their 2025 code, people read names.
pub(crate) async fn commune_names(state: &AppState, text: &str) -> String {
    const MARK: &str = "xã/phường ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let digits: String = after
            .get(MARK.len()..)
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        match state.db.admin_unit_name(&digits).await {
            Ok(Some(name)) if !digits.is_empty() => out.push_str(&name),
            _ => {
                out.push_str(MARK);
                out.push_str(&digits);
            }
        }
        rest = after.get(MARK.len() + digits.len()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

pub(crate) fn parcel_row(h: &motcua_app::ParcelHit) -> ParcelRow {
    let (number, area_text, purpose, address) = match &h.parcel.value {
        LandObject::Parcel(p) => (
            format!(
                "Thửa {} · tờ {} · xã/phường {}",
                p.number.number, p.number.sheet, p.number.commune
            ),
            area(p.area_dm2),
            p.purpose.clone(),
            p.address.clone(),
        ),
        _ => Default::default(),
    };
    ParcelRow {
        id: h.parcel.object.id.to_string(),
        number,
        area: area_text,
        purpose,
        address,
        certificates: h
            .certificates
            .iter()
            .filter_map(|c| match &c.value {
                LandObject::Certificate(c) => Some(c.serial.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", "),
        holders: h
            .holders
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
            .join("; "),
        holder_details: h
            .holders
            .iter()
            .map(|p| format!("{} — {}", p.name, p.address))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[derive(Template)]
#[template(path = "land_search.html")]
struct SearchPage {
    ui: Ui,
    q: String,
    rows: Vec<ParcelRow>,
    searched: bool,
    error: String,
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let mut error = String::new();
    let mut rows = Vec::new();
    let text = q.q.trim().to_owned();
    if text.chars().count() > QUERY_LIMIT {
        error = format!("Nội dung tìm kiếm dài quá {QUERY_LIMIT} ký tự.");
    } else if !text.is_empty() {
        match state.app.land_search(&service::actor(p), &text).await {
            Ok(hits) => {
                for h in &hits {
                    let mut row = parcel_row(h);
                    row.number = commune_names(&state, &row.number).await;
                    rows.push(row);
                }
            }
            Err(e) => error = ApiError::from(e).to_string(),
        }
    }
    Ok(render(&SearchPage {
        ui: page.ui.clone(),
        searched: !text.is_empty(),
        q: text,
        rows,
        error,
    }))
}

/// One version of an object, for a history table.
struct HistoryRow {
    object: String,
    version: u32,
    begin: String,
    end: String,
    dossier: String,
    summary: String,
}

/// What bears on the parcel now.
struct LinkedRow {
    title: String,
    lines: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "land_parcel.html")]
struct ParcelPage {
    ui: Ui,
    id: String,
    title: String,
    facts: Vec<(&'static str, String)>,
    crs: String,
    map: String,
    linked: Vec<LinkedRow>,
    history: Vec<HistoryRow>,
    pending: Vec<(String, String)>,
    as_of: String,
}

#[derive(Deserialize)]
struct ParcelQuery {
    /// A date (YYYY-MM-DD): the register as it stood at the end of that day.
    #[serde(default)]
    ngay: String,
}

async fn parcel(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Query(q): Query<ParcelQuery>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let at = match q.ngay.trim() {
        "" => None,
        day => Some(
            NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(23, 59, 59))
                .map(motcua_core::calendar::deadline::utc)
                .ok_or_else(|| ApiError::Invalid("ngày cần theo dạng YYYY-MM-DD".into()))?,
        ),
    };
    let v = state
        .app
        .parcel_view(&service::actor(p), id, at)
        .await
        .map_err(ApiError::from)?
        .ok_or(ApiError::NotFound)?;
    let name = |id: Uuid| v.name(id);
    let (heading, facts, crs) = match &v.parcel.value {
        LandObject::Parcel(x) => (
            title(&v.parcel.value),
            lines(&v.parcel.value, &name),
            x.crs.as_str().to_owned(),
        ),
        _ => Default::default(),
    };
    let mut versions: Vec<&motcua_core::land::Version> =
        v.history.iter().chain(&v.linked_history).collect();
    // Newest first, by the instant (not its text).
    versions.sort_by(|a, b| b.begin.cmp(&a.begin).then(b.version.cmp(&a.version)));
    let history: Vec<HistoryRow> = versions
        .into_iter()
        .map(|h| HistoryRow {
            object: title(&h.value),
            version: h.version,
            begin: when(h.begin),
            end: h.end.map(when).unwrap_or_default(),
            dossier: h.dossier.clone().unwrap_or_default(),
            summary: lines(&h.value, &name)
                .into_iter()
                .map(|(l, x)| format!("{l}: {x}"))
                .collect::<Vec<_>>()
                .join(" · "),
        })
        .collect();
    let mut pending = Vec::new();
    for d in &v.pending {
        if let Some(x) = state.db.dossier(DossierId(*d)).await? {
            pending.push((d.to_string(), x.code.to_string()));
        }
    }
    let heading = commune_names(&state, &heading).await;
    let label = format!("Bản đồ: {heading}");
    Ok(render(&ParcelPage {
        ui: page.ui.clone(),
        id: id.to_string(),
        map: super::land_map::svg(&v.parcel, &v.neighbours, &label).unwrap_or_default(),
        title: heading,
        facts,
        crs,
        linked: v
            .linked
            .iter()
            .map(|l| LinkedRow {
                title: title(&l.value),
                lines: lines(&l.value, &name),
            })
            .collect(),
        history,
        pending,
        as_of: q.ngay,
    }))
}

/// A debt that the specialist may mark paid.
struct DebtChoice {
    id: String,
    label: String,
}

/// A holder named on the certificate.
struct HolderChoice {
    id: String,
    name: String,
    number: String,
    address: String,
}

#[derive(Template)]
#[template(path = "land_dossier.html")]
struct DossierLandPage {
    ui: Ui,
    id: String,
    code: String,
    kind: String,
    certificate: Vec<(&'static str, String)>,
    serial: String,
    parcels: Vec<(String, String)>,
    holders: Vec<HolderChoice>,
    debts: Vec<DebtChoice>,
    ops: Vec<OpView>,
    prepared: String,
    applied: String,
    may_prepare: bool,
    error: String,
    values: HashMap<String, String>,
    applicant_number: String,
    applicant_name: String,
    applicant_address: String,
    issuer: String,
}

impl DossierLandPage {
    fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
}

async fn dossier_land(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    Ok(render(
        &land_page(&state, &page, id, String::new(), HashMap::new()).await?,
    ))
}

async fn land_page(
    state: &AppState,
    page: &Page,
    id: Uuid,
    error: String,
    values: HashMap<String, String>,
) -> Result<DossierLandPage, PageError> {
    let p = page.user()?;
    let d = service::visible(state, p, DossierId(id)).await?;
    let procedure = state
        .app
        .procedure(d.procedure.as_str(), Some(d.procedure_version))
        .await
        .map_err(ApiError::from)?;
    let kind = procedure
        .land_change
        .ok_or_else(|| ApiError::Invalid("thủ tục của hồ sơ không thay đổi sổ địa chính".into()))?;
    let holding = match &d.land {
        Some(r) => state.app.land_holding(Some(r.certificate), &[]).await.ok(),
        None => None,
    };
    let name = |pid: Uuid| {
        holding
            .as_ref()
            .and_then(|h| h.party(pid))
            .map_or_else(|| "—".to_owned(), |x| x.name.clone())
    };
    let certificate = holding
        .as_ref()
        .and_then(|h| h.certificate.as_ref())
        .map(|c| lines(&c.value, &name))
        .unwrap_or_default();
    if let Some(h) = &holding {
        let shown: Vec<&motcua_core::land::Party> = h
            .parties
            .iter()
            .filter_map(|v| match &v.value {
                LandObject::Party(x) => Some(x),
                _ => None,
            })
            .collect();
        state
            .app
            .log_land_read(&service::actor(p), &shown, Some(id), "land-dossier")
            .await
            .map_err(ApiError::from)?;
    }
    let mut parcels: Vec<(String, String)> = Vec::new();
    for x in holding.iter().flat_map(|h| h.parcels.iter()) {
        parcels.push((
            x.object.id.to_string(),
            commune_names(state, &title(&x.value)).await,
        ));
    }
    let holders = holding
        .as_ref()
        .and_then(|h| {
            let LandObject::Certificate(c) = &h.certificate.as_ref()?.value else {
                return None;
            };
            Some(
                c.holders
                    .iter()
                    .filter_map(|x| {
                        h.party(x.party).map(|p| HolderChoice {
                            id: x.party.to_string(),
                            name: p.name.clone(),
                            number: p.number.clone(),
                            address: p.address.clone(),
                        })
                    })
                    .collect(),
            )
        })
        .unwrap_or_default();
    let debts = holding
        .as_ref()
        .map(|h| {
            h.rrrs
                .iter()
                .filter_map(|v| match &v.value {
                    LandObject::Rrr(r) if r.amount.is_some() => Some(DebtChoice {
                        id: v.object.id.to_string(),
                        label: format!(
                            "{}: {}",
                            rrr_name(r.kind),
                            motcua_core::notify::money(r.amount.unwrap_or_default())
                        ),
                    }),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let view = state
        .app
        .land_change_view(&d)
        .await
        .map_err(ApiError::from)?;
    let may_prepare = d
        .current_step()
        .is_some_and(|s| s.kind == motcua_core::catalog::StepKind::Process)
        && service::available(state, &service::actor(p), &d)
            .await?
            .contains(&motcua_core::dossier::Action::CompleteStep)
        && view.as_ref().is_none_or(|v| v.applied_at.is_none());
    let issuer = state
        .db
        .agency(d.resolving_agency.as_str())
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    Ok(DossierLandPage {
        ui: page.ui.clone(),
        id: id.to_string(),
        code: d.code.to_string(),
        kind: kind.as_str().to_owned(),
        certificate,
        serial: d
            .land
            .as_ref()
            .map(|r| r.serial.clone())
            .unwrap_or_default(),
        parcels,
        holders,
        debts,
        prepared: view
            .as_ref()
            .map(|v| format!("{} — {}", v.prepared_by, when(v.prepared_at)))
            .unwrap_or_default(),
        applied: view
            .as_ref()
            .and_then(|v| v.applied_at)
            .map(when)
            .unwrap_or_default(),
        ops: view.map(|v| v.ops).unwrap_or_default(),
        may_prepare,
        error,
        values,
        applicant_number: d.applicant.number().to_owned(),
        applicant_name: d.applicant.name().to_owned(),
        applicant_address: match &d.applicant {
            motcua_core::dossier::Applicant::Person { address, .. }
            | motcua_core::dossier::Applicant::Organisation { address, .. } => address.clone(),
        },
        issuer,
    })
}

/// Reads the specialist's form into an intent, or says which field is wrong.
fn intent(kind: ChangeKind, form: &[(String, String)]) -> Result<Intent, String> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.trim())
    };
    if form.iter().any(|(_, v)| v.chars().count() > TEXT_LIMIT) {
        return Err(format!("mỗi ô nhập tối đa {TEXT_LIMIT} ký tự"));
    }
    let date = |k: &str| -> Result<Option<NaiveDate>, String> {
        match get(k) {
            "" => Ok(None),
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| "ngày cần theo dạng YYYY-MM-DD".to_owned()),
        }
    };
    let source = |kind: &str| -> Result<Source, String> {
        let reference = get("source_ref");
        if reference.is_empty() {
            return Err("cần ghi số, ký hiệu giấy tờ làm căn cứ".into());
        }
        Ok(Source {
            kind: match get("source_kind") {
                "" => kind.to_owned(),
                k => k.to_owned(),
            },
            reference: reference.to_owned(),
            date: date("source_date")?,
        })
    };
    let share = |s: &str| -> Result<u32, String> {
        let s = s.replace(',', ".");
        let pct: f64 = s
            .parse()
            .map_err(|_| "phần sở hữu ghi bằng phần trăm, ví dụ 50".to_owned())?;
        if !(0.0..=100.0).contains(&pct) {
            return Err("phần sở hữu từ 0 đến 100%".into());
        }
        // Basis points, rounded to the nearest.
        Ok((pct * 100.0).round() as u32)
    };
    let holders = || -> Result<Vec<NewHolder>, String> {
        let mut out = Vec::new();
        for i in 0..4 {
            let number = get(&format!("h{i}_number"));
            let name = get(&format!("h{i}_name"));
            if number.is_empty() && name.is_empty() {
                continue;
            }
            out.push(NewHolder {
                kind: if number.len() == 12 {
                    PartyKind::Person
                } else {
                    PartyKind::Organisation
                },
                number: number.to_owned(),
                name: name.to_owned(),
                address: get(&format!("h{i}_address")).to_owned(),
                share_bp: share(match get(&format!("h{i}_share")) {
                    "" => "100",
                    s => s,
                })?,
            });
        }
        Ok(out)
    };
    let certificate = |required: bool| -> Result<Option<NewCertificate>, String> {
        let serial = get("new_serial");
        if serial.is_empty() {
            return if required {
                Err("cần số phát hành Giấy chứng nhận mới".into())
            } else {
                Ok(None)
            };
        }
        Ok(Some(NewCertificate {
            serial: serial.to_owned(),
            entry: get("new_entry").to_owned(),
            issued_on: date("new_issued_on")?.ok_or("cần ngày cấp Giấy chứng nhận")?,
            issuer: get("issuer").to_owned(),
        }))
    };
    match kind {
        ChangeKind::HolderInfo => Ok(Intent::HolderInfo {
            party: get("party")
                .parse()
                .map_err(|_| "chọn người đứng tên cần thay đổi".to_owned())?,
            name: get("name").to_owned(),
            number: get("number").to_owned(),
            address: get("address").to_owned(),
            source: source("Giấy tờ chứng minh thay đổi")?,
        }),
        ChangeKind::Transfer => Ok(Intent::Transfer {
            to: holders()?,
            new_certificate: certificate(false)?,
            source: source("Hợp đồng, văn bản chuyển quyền")?,
        }),
        ChangeKind::ClearDebt => Ok(Intent::ClearDebt {
            debts: form
                .iter()
                .filter(|(k, _)| k == "debt")
                .filter_map(|(_, v)| v.parse().ok())
                .collect(),
            source: source("Chứng từ nộp tiền vào ngân sách")?,
        }),
        ChangeKind::FirstRegistration => {
            let num = |k: &str| -> Result<u32, String> {
                get(k)
                    .parse()
                    .map_err(|_| "số tờ, số thửa là số nguyên dương".to_owned())
            };
            let area_m2: f64 = get("area")
                .replace(',', ".")
                .parse()
                .map_err(|_| "diện tích ghi bằng m², ví dụ 120,5".to_owned())?;
            if !(0.1..=100_000_000.0).contains(&area_m2) {
                return Err("diện tích không hợp lệ".into());
            }
            Ok(Intent::FirstRegistration {
                parcel: Parcel {
                    number: ParcelNumber {
                        commune: get("commune").to_owned(),
                        sheet: num("sheet")?,
                        number: num("parcel_number")?,
                    },
                    area_dm2: (area_m2 * 10.0).round() as u64,
                    purpose: get("purpose").to_owned(),
                    term_until: date("term_until")?,
                    origin: get("origin").to_owned(),
                    address: get("parcel_address").to_owned(),
                    geometry: None,
                    crs: Crs::Vn2000,
                },
                holders: holders()?,
                certificate: certificate(true)?.ok_or("cần Giấy chứng nhận mới")?,
                source: source("Quyết định công nhận, giấy tờ về quyền sử dụng đất")?,
            })
        }
    }
}

async fn prepare(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = form
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    let p = page.check_csrf(csrf)?.clone();
    let values: HashMap<String, String> = form
        .iter()
        .filter(|(k, _)| k != "csrf" && k != "debt")
        .cloned()
        .collect();
    let d = service::visible(&state, &p, DossierId(id)).await?;
    let procedure = state
        .app
        .procedure(d.procedure.as_str(), Some(d.procedure_version))
        .await
        .map_err(ApiError::from)?;
    let Some(kind) = procedure.land_change else {
        return Err(ApiError::NotFound.into());
    };
    let outcome = match intent(kind, &form) {
        Ok(i) => state
            .app
            .prepare_land_intent(&service::actor(&p), &d, &i)
            .await
            .map_err(|e| ApiError::from(e).to_string()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/dossiers/{id}/dia-chinh")).into_response()),
        Err(message) => Ok(render(
            &land_page(
                &state,
                &page,
                id,
                super::fields::capitalised(&message),
                values,
            )
            .await?,
        )),
    }
}
