//! The e-form (tờ khai điện tử) of a procedure, generated from the catalogue: the applicant
//! prefilled from the e-ID and the population registry, where to file and who resolves it
//! (any desk of the province), the facts the fees depend on, and each required document —
//! uploaded (PDF, JPEG, PNG checked by content) or picked from documents already accepted
//! ("giấy tờ của tôi", then marked reused). Saved as a draft or submitted online.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use motcua_core::catalog::{Channel, FeeRule, OnlineLevel, Procedure};
use motcua_core::dossier::{Applicant, DossierDocument, DossierId, NewDossier};
use motcua_core::ids::{AgencyCode, CitizenId};
use motcua_core::limits;
use serde::Deserialize;
use uuid::Uuid;

use super::check_contact;
use crate::pages::{Page, PageError, Ui, money, render, reuse, upload, when};
use crate::service::{self, Intake};
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/cong-dan/nop/{code}", get(show).post(save_or_submit))
        .route("/cong-dan/giay-to", get(my_documents))
        .route("/cong-dan/ban-sao/{id}", get(my_copy))
        .route("/cong-dan/kho-du-lieu/{id}", get(my_stored))
        // Documents travel with the form: room for several 10 MB files.
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
}

struct Choice {
    code: String,
    name: String,
}

struct ReuseOption {
    key: String,
    label: String,
    selected: bool,
}

struct DocField {
    index: usize,
    name: String,
    form: String,
    /// Where to download its blank form, when the province uploaded one.
    blank: String,
    mandatory: bool,
    attached: bool,
    reuse: Vec<ReuseOption>,
    error: String,
}

struct FeeRow {
    name: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "portal_form.html")]
struct EForm {
    ui: Ui,
    code: String,
    name: String,
    days: u32,
    online_level: String,
    fees: Vec<FeeRow>,
    needs_area: bool,
    needs_value: bool,
    person_name: String,
    id_number: String,
    birth: String,
    gender: String,
    desks: Vec<Choice>,
    resolvers: Vec<Choice>,
    docs: Vec<DocField>,
    values: HashMap<String, String>,
    errors: BTreeMap<String, String>,
    draft_id: String,
    saved: bool,
    /// Why the national store's documents are missing, when it did not answer.
    store_note: String,
    /// The certificate the form starts from, as the register reads (no re-typing).
    land: Vec<(&'static str, String)>,
}

/// Fills the certificate's card from the register, and picks the store's copy of the
/// certificate for the component that asks for it.
async fn land_card(
    state: &AppState,
    who: &motcua_core::dossier::Actor,
    form: &mut EForm,
) -> Result<(), ApiError> {
    let Some(cert) = form
        .values
        .get("land_certificate")
        .and_then(|s| s.parse::<Uuid>().ok())
    else {
        form.values.remove("land_certificate");
        return Ok(());
    };
    // Only a certificate the citizen holds is shown (a forged or stale value is dropped).
    if !state.app.holds_certificate(who, cert).await? {
        form.values.remove("land_certificate");
        return Ok(());
    }
    let holding = match state.app.land_holding(Some(cert), &[]).await {
        Ok(h) => h,
        Err(_) => return Ok(()),
    };
    let name = |id: Uuid| {
        holding
            .party(id)
            .map_or_else(|| "—".to_owned(), |p| p.name.clone())
    };
    let mut lines = Vec::new();
    if let Some(c) = &holding.certificate {
        lines.extend(motcua_core::land::display::lines(&c.value, &name));
    }
    for p in &holding.parcels {
        let named =
            super::super::land::commune_names(state, &motcua_core::land::display::title(&p.value))
                .await;
        lines.push(("Thửa đất", named));
        lines.extend(
            motcua_core::land::display::lines(&p.value, &name)
                .into_iter()
                .take(2),
        );
    }
    form.land = lines;
    Ok(())
}

impl EForm {
    fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    fn err(&self, name: &str) -> String {
        self.errors.get(name).cloned().unwrap_or_default()
    }
    fn has_err(&self, name: &str) -> bool {
        self.errors.contains_key(name)
    }
}

/// What a draft holds: the typed values and the files attached so far.
#[derive(Debug, Default, serde::Serialize, Deserialize)]
struct DraftData {
    values: HashMap<String, String>,
    files: HashMap<String, String>,
}

async fn current_procedure(state: &AppState, code: &str) -> Result<Arc<Procedure>, ApiError> {
    Ok(state.app.procedure(code, None).await?)
}

/// The provinces the installation serves; none is an installation not set up yet.
async fn provinces(state: &AppState) -> Result<Vec<motcua_app::Province>, ApiError> {
    let all = state.app.provinces().await?;
    if all.is_empty() {
        return Err(ApiError::Unavailable(
            "hệ thống chưa được khởi tạo cho tỉnh nào".into(),
        ));
    }
    Ok(all)
}

/// Desks that receive (any in the province) and agencies competent for the procedure, in
/// every province the installation serves (each named with its province when there are
/// several: the citizen files in the province of the agency chosen).
async fn agencies(state: &AppState, p: &Procedure) -> Result<(Vec<Choice>, Vec<Choice>), ApiError> {
    let provinces = provinces(state).await?;
    let several = provinces.len() > 1;
    let named = |name: String, province: &motcua_app::Province| {
        if several {
            format!("{name} — {}", province.name)
        } else {
            name
        }
    };
    let (mut desks, mut resolvers) = (Vec::new(), Vec::new());
    for province in &provinces {
        let all = state.db.agencies(&province.code).await?;
        desks.extend(
            all.iter()
                .filter(|a| {
                    matches!(
                        a.kind.as_str(),
                        "public_service_centre" | "commune_service_centre"
                    )
                })
                .map(|a| Choice {
                    code: a.code.clone(),
                    name: named(a.name.clone(), province),
                }),
        );
        resolvers.extend(
            state
                .app
                .resolving_agencies(p, &province.code)
                .await?
                .into_iter()
                .map(|a| Choice {
                    code: a.code,
                    name: named(a.name, province),
                }),
        );
    }
    Ok((desks, resolvers))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one place builds the form from its parts"
)]
async fn build(
    state: &AppState,
    page: &Page,
    p: &Procedure,
    data: &DraftData,
    errors: BTreeMap<String, String>,
    draft_id: Uuid,
    saved: bool,
    mine: &[reuse::Reusable],
) -> Result<EForm, PageError> {
    let c = page.citizen()?;
    let account = state
        .db
        .citizen(&c.id_number)
        .await?
        .ok_or(PageError::CitizenSignIn)?;
    let (desks, resolvers) = agencies(state, p).await?;
    let mut values = data.values.clone();
    // Prefill from the registry and the account; what the citizen typed wins.
    let prefill = [
        ("address", account.address.clone()),
        ("phone", account.phone.clone().unwrap_or_default()),
        ("email", account.email.clone().unwrap_or_default()),
        ("channel", account.notify_channel.clone()),
    ];
    for (k, v) in prefill {
        values.entry(k.to_owned()).or_insert(v);
    }
    let mut blanks = Vec::new();
    for d in p.documents.iter().filter(|d| d.form.is_some()) {
        if state
            .app
            .blank_form(p.code.as_str(), &d.code)
            .await?
            .is_some()
        {
            blanks.push(format!("/thu-tuc/{}/mau/{}", p.code, d.code));
        }
    }
    let docs = p
        .documents
        .iter()
        .enumerate()
        .map(|(index, d)| {
            let mut chosen = values
                .get(&format!("doc{index}_reuse"))
                .cloned()
                .unwrap_or_default();
            // Starting from a certificate: its copy in the citizen's store stands for it.
            if chosen.is_empty()
                && values.contains_key("land_certificate")
                && d.reusable_type.as_deref() == Some("land_certificate")
            {
                chosen = reuse::options(mine, d)
                    .next()
                    .map(|r| r.key.clone())
                    .unwrap_or_default();
            }
            DocField {
                index,
                name: d.name.clone(),
                form: d.form.clone().unwrap_or_default(),
                blank: blanks
                    .iter()
                    .find(|b| b.ends_with(&format!("/mau/{}", d.code)))
                    .cloned()
                    .unwrap_or_default(),
                mandatory: d.mandatory,
                attached: data.files.contains_key(&format!("doc{index}")),
                // Documents of the same kind first.
                reuse: reuse::options(mine, d)
                    .map(|r| ReuseOption {
                        key: r.key.clone(),
                        label: format!("{} ({})", r.name, r.origin),
                        selected: r.key == chosen,
                    })
                    .collect(),
                error: errors
                    .get(&format!("doc{index}"))
                    .cloned()
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(EForm {
        ui: page.ui.clone(),
        code: p.code.to_string(),
        name: p.name.clone(),
        days: p.statutory_days,
        online_level: match p.online {
            OnlineLevel::Full => "Dịch vụ công trực tuyến toàn trình",
            OnlineLevel::Partial => "Dịch vụ công trực tuyến một phần",
            OnlineLevel::None => "",
        }
        .to_owned(),
        fees: p
            .fees
            .iter()
            .map(|f| FeeRow {
                name: f.name.clone(),
                amount: match f.rule {
                    FeeRule::Fixed { .. } => money(f.amount(0, 0, true)),
                    _ => f.basis.clone(),
                },
            })
            .collect(),
        needs_area: p
            .fees
            .iter()
            .any(|f| matches!(f.rule, FeeRule::PerArea { .. })),
        needs_value: p
            .fees
            .iter()
            .any(|f| matches!(f.rule, FeeRule::ShareOfValue { .. })),
        person_name: account.full_name,
        id_number: account.id_number,
        birth: account
            .birth_date
            .map(|b| b.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        gender: account.gender,
        desks,
        resolvers,
        docs,
        values,
        errors,
        draft_id: draft_id.to_string(),
        saved,
        store_note: String::new(),
        land: Vec::new(),
    })
}

#[derive(Deserialize)]
struct ShowQuery {
    #[serde(default)]
    draft: Option<Uuid>,
    #[serde(default)]
    saved: Option<String>,
    /// A certificate the citizen holds, chosen in "my land": the form starts from it.
    #[serde(default)]
    gcn: Option<Uuid>,
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let c = page.citizen()?;
    let p = current_procedure(&state, &code).await?;
    let (draft_id, data) = match q.draft {
        Some(id) => {
            let draft = state
                .db
                .draft(id, &c.id_number)
                .await?
                .ok_or(ApiError::NotFound)?;
            (id, serde_json::from_value(draft.data.0).unwrap_or_default())
        }
        None => {
            let mut data = DraftData::default();
            if let Some(cert) = q.gcn {
                let who = c.actor();
                if p.land_change.is_some()
                    && state
                        .app
                        .holds_certificate(&who, cert)
                        .await
                        .map_err(ApiError::from)?
                {
                    data.values
                        .insert("land_certificate".into(), cert.to_string());
                }
            }
            (Uuid::now_v7(), data)
        }
    };
    let (mine, store_note) = reuse::mine(&state, &c.id_number, reuse::Asker::Owner).await?;
    let mut form = build(
        &state,
        &page,
        &p,
        &data,
        BTreeMap::new(),
        draft_id,
        q.saved.is_some(),
        &mine,
    )
    .await?;
    form.store_note = store_note.unwrap_or_default();
    land_card(&state, &c.actor(), &mut form).await?;
    Ok(render(&form))
}

/// Stores the files that pass the content check; a refused one is reported on its field and
/// never stored.
async fn store_files(
    state: &AppState,
    files: Vec<(String, Vec<u8>)>,
) -> Result<(HashMap<String, String>, BTreeMap<String, String>), ApiError> {
    let mut stored = HashMap::new();
    let mut errors = BTreeMap::new();
    for (doc, bytes) in files {
        match state.files.put(&bytes).await {
            Ok(digest) => {
                stored.insert(doc, digest);
            }
            Err(ApiError::Invalid(m)) => {
                errors.insert(doc, m);
            }
            Err(e) => return Err(e),
        }
    }
    Ok((stored, errors))
}

async fn save_or_submit(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    // An ended session sends the citizen to sign in before anything is read or stored.
    page.citizen()?;
    let form = upload::read(multipart).await?;
    let values = form.values;
    let raw_files: Vec<(String, Vec<u8>)> = form
        .files
        .into_iter()
        .filter_map(|f| Some((f.field.strip_suffix("_file")?.to_owned(), f.bytes)))
        .collect();
    let c = page
        .check_citizen_csrf(values.get("csrf").map_or("", String::as_str))?
        .clone();
    let (uploaded, mut errors) = store_files(&state, raw_files).await?;
    let p = current_procedure(&state, &code).await?;
    let draft_id = values
        .get("draft_id")
        .and_then(|d| Uuid::parse_str(d).ok())
        .unwrap_or_else(Uuid::now_v7);
    let previous: DraftData = match state.db.draft(draft_id, &c.id_number).await? {
        Some(d) => serde_json::from_value(d.data.0).unwrap_or_default(),
        None => DraftData::default(),
    };
    let mut files = previous.files;
    files.extend(uploaded);
    // A draft keeps the fields this form has, nothing else a request may add.
    let kept: HashMap<String, String> = values
        .iter()
        .filter(|(k, _)| is_form_field(k, p.documents.len()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let data = DraftData {
        values: kept,
        files,
    };
    let (mine, _) = reuse::mine(&state, &c.id_number, reuse::Asker::Owner).await?;
    let now = state.clock.now();
    if values.get("action").map(String::as_str) == Some("save") {
        let json = serde_json::to_value(&data).map_err(|e| ApiError::Internal(e.to_string()))?;
        state
            .db
            .save_draft(draft_id, &c.id_number, p.code.as_str(), &json, now)
            .await?;
        if errors.is_empty() {
            return Ok(Redirect::to(&format!(
                "/cong-dan/nop/{}?draft={draft_id}&saved=1",
                p.code
            ))
            .into_response());
        }
        let mut form = build(&state, &page, &p, &data, errors, draft_id, true, &mine).await?;
        land_card(&state, &c.actor(), &mut form).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&form)).into_response());
    }
    let new = match validate(&state, &p, &c.id_number, &data, &mine).await? {
        Ok(new) if errors.is_empty() => new,
        Ok(_) => {
            let mut form = build(&state, &page, &p, &data, errors, draft_id, false, &mine).await?;
            land_card(&state, &c.actor(), &mut form).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&form)).into_response());
        }
        Err(more) => {
            for (k, m) in more {
                errors.entry(k).or_insert(m);
            }
            let mut form = build(&state, &page, &p, &data, errors, draft_id, false, &mine).await?;
            land_card(&state, &c.actor(), &mut form).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&form)).into_response());
        }
    };
    let (phone, email, channel) = (
        new.applicant_phone.clone(),
        new.applicant_email.clone(),
        new.channel.clone(),
    );
    // Filed in the province of the agency that resolves it (the use case checks it is one).
    let province = match state
        .db
        .agency(new.dossier.resolving_agency.as_str())
        .await?
    {
        Some(a) => a.province_code,
        None => provinces(&state)
            .await?
            .first()
            .map(|p| p.code.clone())
            .unwrap_or_default(),
    };
    let d = state
        .app
        .open(
            &c.actor(),
            Intake {
                procedure: p.code.to_string(),
                province,
                new: new.dossier,
            },
        )
        .await
        .map_err(ApiError::from)?;
    state
        .db
        .set_citizen_contact(
            &c.id_number,
            phone.as_deref(),
            email.as_deref(),
            &channel,
            now,
        )
        .await?;
    state.db.delete_draft(draft_id, &c.id_number).await?;
    Ok(Redirect::to(&format!("/cong-dan/ho-so/{}?moi=1", d.id.0)).into_response())
}

struct Validated {
    dossier: NewDossier,
    applicant_phone: Option<String>,
    applicant_email: Option<String>,
    channel: String,
}

/// The e-form's own fields: the applicant's contact, the agencies, the figures, and per
/// required document its file and its reuse choice.
fn is_form_field(name: &str, documents: usize) -> bool {
    const FIXED: [&str; 8] = [
        "phone",
        "email",
        "channel",
        "address",
        "receiving_agency",
        "resolving_agency",
        "area_m2",
        // The certificate the dossier starts from (checked against the register).
        "land_certificate",
    ];
    if FIXED.contains(&name) || name == "declared_value" {
        return true;
    }
    name.strip_prefix("doc")
        .and_then(|rest| rest.strip_suffix("_reuse"))
        .and_then(|i| i.parse::<usize>().ok())
        .is_some_and(|i| i < documents)
}

/// Checks every field; the errors name the field they belong to.
async fn validate(
    state: &AppState,
    p: &Procedure,
    id_number: &str,
    data: &DraftData,
    mine: &[reuse::Reusable],
) -> Result<Result<Validated, BTreeMap<String, String>>, ApiError> {
    let get = |k: &str| {
        data.values
            .get(k)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let mut errors = BTreeMap::new();
    let account = state
        .db
        .citizen(id_number)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let (phone, email, channel) = match check_contact(&get("phone"), &get("email"), &get("channel"))
    {
        Ok(ok) => ok,
        Err(list) => {
            for (k, m) in list {
                errors.entry(k.to_owned()).or_insert(m);
            }
            (None, None, "sms".into())
        }
    };
    let address = get("address");
    if let Err(m) = limits::ADDRESS.check(&address) {
        errors.insert("address".into(), m);
    } else if address.chars().count() < 5 {
        errors.insert(
            "address".into(),
            "Cần ghi địa chỉ liên hệ (số nhà, đường, xã/phường, tỉnh/thành phố).".into(),
        );
    }
    let (desks, resolvers) = agencies(state, p).await?;
    let receiving = get("receiving_agency");
    if !desks.iter().any(|d| d.code == receiving) {
        errors.insert(
            "receiving_agency".into(),
            "Cần chọn nơi tiếp nhận hồ sơ.".into(),
        );
    }
    let resolving = get("resolving_agency");
    if !resolvers.iter().any(|d| d.code == resolving) {
        errors.insert(
            "resolving_agency".into(),
            "Cần chọn cơ quan giải quyết.".into(),
        );
    }
    let mut number = |k: &str, needed: bool, label: &str| -> i64 {
        let text = get(k).replace(['.', ',', ' '], "");
        match text.parse::<i64>() {
            Ok(n) if n > 0 => n,
            _ if !needed && text.is_empty() => 0,
            _ => {
                errors.insert(k.to_owned(), format!("{label} phải là số nguyên dương."));
                0
            }
        }
    };
    let needs_area = p
        .fees
        .iter()
        .any(|f| matches!(f.rule, FeeRule::PerArea { .. }));
    let needs_value = p
        .fees
        .iter()
        .any(|f| matches!(f.rule, FeeRule::ShareOfValue { .. }));
    let area_m2 = number("area_m2", needs_area, "Diện tích (m²)");
    let declared_value = number("declared_value", needs_value, "Giá trị kê khai (đồng)");
    let mut documents = Vec::new();
    let mut from_store = std::collections::HashSet::new();
    for (i, d) in p.documents.iter().enumerate() {
        let key = format!("doc{i}");
        let reuse = get(&format!("doc{i}_reuse"));
        let (file, reused_from) = if let Some(f) = data.files.get(&key) {
            (Some(f.clone()), None)
        } else if reuse.is_empty() {
            (None, None)
        } else if let Some(r) = mine.iter().find(|r| r.key == reuse) {
            match reuse::take(state, id_number, r).await {
                Ok(file) => {
                    if r.from_store {
                        from_store.insert(i);
                    }
                    (Some(file), Some(r.source.clone()))
                }
                Err(ApiError::Invalid(m)) => {
                    errors.insert(key.clone(), format!("\"{}\": {m}.", r.name));
                    (None, None)
                }
                Err(e) => return Err(e),
            }
        } else {
            errors.insert(key.clone(), "Giấy tờ đã chọn không còn dùng được.".into());
            (None, None)
        };
        if file.is_none() {
            if d.mandatory {
                errors.entry(key).or_insert_with(|| {
                    format!("Cần đính kèm \"{}\" hoặc chọn từ giấy tờ của tôi.", d.name)
                });
            }
            continue;
        }
        documents.push(DossierDocument {
            code: d.code.clone(),
            name: d.name.clone(),
            originals: 0,
            copies: 0,
            // Its file is here (uploaded now, or the stored scan of a document accepted before).
            digitised: file.is_some(),
            file,
            // "Giấy tờ của tôi" lists documents accepted in earlier dossiers (reuse, 4.3) and
            // the national store's (4.4): taken from there only when it was downloaded from
            // there just now and matched the store's hash.
            from_personal_store: from_store.contains(&i),
            reused_from,
            signed: false,
            digitised_by: None,
            digitised_at: None,
            replaced_by: None,
        });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    // The certificate the dossier starts from (chosen in "my land"): its serial comes from
    // the register; whether the citizen holds it is checked when the dossier is filed.
    let land = match get("land_certificate").as_str() {
        "" => None,
        text => {
            let who = motcua_core::dossier::Actor::applicant(
                format!("citizen:{id_number}"),
                String::new(),
            );
            let held = match text.parse::<Uuid>() {
                Ok(cid) => state.app.land_ref_held(&who, cid).await?,
                Err(_) => None,
            };
            match held {
                Some(r) => Some(r),
                None => {
                    errors.insert(
                        "land_certificate".into(),
                        "Giấy chứng nhận đã chọn không còn hiệu lực hoặc không đứng tên bạn."
                            .into(),
                    );
                    return Ok(Err(errors));
                }
            }
        }
    };
    let id = CitizenId::parse(id_number).map_err(|e| ApiError::Invalid(e.to_string()))?;
    let resolving = AgencyCode::parse(&resolving).map_err(|e| ApiError::Invalid(e.to_string()))?;
    let receiving = AgencyCode::parse(&receiving).map_err(|e| ApiError::Invalid(e.to_string()))?;
    Ok(Ok(Validated {
        dossier: NewDossier {
            id: DossierId(Uuid::nil()),
            code: service::placeholder_code(&resolving),
            external_code: None,
            channel: Channel::Online,
            receiving_agency: receiving,
            resolving_agency: resolving,
            applicant: Applicant::Person {
                id,
                name: account.full_name,
                born: account.birth_date,
                address,
                phone: phone.clone(),
                email: email.clone(),
                // Data from the population registry (KPI: "dữ liệu dân cư") only when the
                // registry returned this person at sign-in.
                from_population_data: account.in_registry,
            },
            documents,
            area_m2,
            declared_value,
            remote_commune: false,
            land,
        },
        applicant_phone: phone,
        applicant_email: email,
        channel,
    }))
}

struct DocRow {
    name: String,
    source: String,
    href: String,
}

#[derive(Template)]
#[template(path = "portal_documents.html")]
struct MyDocuments {
    ui: Ui,
    docs: Vec<DocRow>,
    updated: String,
    /// Why the national store's documents are missing, when it did not answer.
    store_note: String,
}

async fn my_documents(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let c = page.citizen()?;
    let (mine, store_note) = reuse::mine(&state, &c.id_number, reuse::Asker::Owner).await?;
    let docs = mine
        .into_iter()
        .map(|r| DocRow {
            name: r.name,
            source: r.origin,
            href: r.href,
        })
        .collect();
    Ok(render(&MyDocuments {
        ui: page.ui.clone(),
        docs,
        updated: when(state.clock.now()),
        store_note: store_note.unwrap_or_default(),
    }))
}

/// A certified copy issued to the signed-in citizen.
async fn my_copy(
    State(state): State<AppState>,
    page: Page,
    axum::extract::Path(id): axum::extract::Path<Uuid>,
) -> Result<Response, PageError> {
    let c = page.citizen()?;
    let copy = state
        .db
        .certified_copy(id)
        .await?
        .filter(|x| x.holder == c.id_number)
        .ok_or(ApiError::NotFound)?;
    super::super::certify::pdf_of(&state, &copy).await
}

/// A document of the signed-in citizen's personal data store, fetched from the national portal
/// (and checked against the hash it lists) for them to open.
async fn my_stored(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let c = page.citizen()?;
    let systems = state.systems.as_ref().ok_or(ApiError::NotFound)?;
    let id: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(100)
        .collect();
    let (_, bytes) = systems
        .personal_document(&c.id_number, &id)
        .await
        .map_err(|e| match e {
            motcua_integrations::SystemError::Status { status: 404, .. } => ApiError::NotFound,
            e => ApiError::Unavailable(e.to_string()),
        })?;
    let kind = crate::files::Kind::sniff(&bytes).ok_or(ApiError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, kind.media_type()),
            (axum::http::header::CONTENT_DISPOSITION, "inline"),
        ],
        bytes,
    )
        .into_response())
}
