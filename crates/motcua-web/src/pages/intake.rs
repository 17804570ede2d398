//! Desk intake: pick the procedure, enter the applicant (CCCD checked), tick the documents
//! received (originals, copies, digitised), see the fees; receiving prints the receipt (Mẫu 01).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDate;
use motcua_core::catalog::{Channel, Procedure};
use motcua_core::dossier::{Applicant, DossierDocument, DossierId, NewDossier};
use motcua_core::ids::{AgencyCode, CitizenId, TaxCode};

use super::{Page, PageError, Ui, money, render};
use crate::service::{self, Intake};
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/desk/intake", get(pick))
        .route("/desk/intake/{code}", get(form).post(receive))
        // Scans travel with the form: room for several 10 MB files.
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
}

struct Choice {
    code: String,
    name: String,
    days: u32,
}

#[derive(Template)]
#[template(path = "intake_pick.html")]
struct Pick {
    ui: Ui,
    procedures: Vec<Choice>,
}

async fn pick(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.user()?;
    let mut procedures = Vec::new();
    for p in state
        .app
        .current_procedures()
        .await
        .map_err(ApiError::from)?
    {
        procedures.push(Choice {
            code: p.code.to_string(),
            name: p.name.clone(),
            days: p.statutory_days,
        });
    }
    Ok(render(&Pick {
        ui: page.ui,
        procedures,
    }))
}

struct DocRow {
    index: usize,
    name: String,
    form: String,
    originals: u32,
    copies: u32,
    mandatory: bool,
}

struct FeeRow {
    name: String,
    amount: String,
}

struct AgencyChoice {
    code: String,
    name: String,
}

#[derive(Template)]
#[template(path = "intake_form.html")]
struct IntakeForm {
    ui: Ui,
    code: String,
    name: String,
    days: u32,
    docs: Vec<DocRow>,
    fees: Vec<FeeRow>,
    agencies: Vec<AgencyChoice>,
    error: Option<String>,
    values: HashMap<String, String>,
}

impl IntakeForm {
    /// A submitted value, to refill the form after an error.
    fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    /// Whether a checkbox was ticked (ticked by default on a fresh form).
    fn checked(&self, name: &str) -> bool {
        self.values.is_empty() || self.values.contains_key(name)
    }
}

async fn build(
    state: &AppState,
    page: &Page,
    code: &str,
    error: Option<String>,
    values: HashMap<String, String>,
) -> Result<IntakeForm, PageError> {
    let p = page.user()?;
    let proc_ = state
        .app
        .procedure(code, None)
        .await
        .map_err(ApiError::from)?;
    let agencies = state
        .app
        .resolving_agencies(&proc_, &p.province)
        .await?
        .into_iter()
        .map(|a| AgencyChoice {
            code: a.code,
            name: a.name,
        })
        .collect();
    Ok(IntakeForm {
        ui: page.ui.clone(),
        code: proc_.code.to_string(),
        name: proc_.name.clone(),
        days: proc_.statutory_days,
        docs: proc_
            .documents
            .iter()
            .enumerate()
            .map(|(index, d)| DocRow {
                index,
                name: d.name.clone(),
                form: d.form.clone().unwrap_or_default(),
                originals: d.originals,
                copies: d.copies,
                mandatory: d.mandatory,
            })
            .collect(),
        fees: proc_
            .fees
            .iter()
            .map(|f| FeeRow {
                name: f.name.clone(),
                amount: money(f.amount(0, 0, false)),
            })
            .collect(),
        agencies,
        error,
        values,
    })
}

async fn form(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let f = build(&state, &page, &code, None, HashMap::new()).await?;
    Ok(render(&f))
}

async fn receive(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let form = super::upload::read(multipart).await?;
    let values = form.values;
    let scans: Vec<(String, Vec<u8>)> = form
        .files
        .into_iter()
        .filter(|f| f.field.ends_with("_file"))
        .map(|f| (f.field, f.bytes))
        .collect();
    let p = page
        .check_csrf(values.get("csrf").map_or("", String::as_str))?
        .clone();
    let proc_ = state
        .app
        .procedure(&code, None)
        .await
        .map_err(ApiError::from)?;
    let mut files = HashMap::new();
    let mut staged = crate::files::Staged::default();
    let mut outcome = Ok(());
    for (name, bytes) in &scans {
        match state.files.stage(&mut staged, bytes).await {
            Ok(digest) => {
                files.insert(name.trim_end_matches("_file").to_owned(), digest);
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    let outcome = match outcome
        .and_then(|()| intake_from(&p, &proc_, &values, &files).map_err(ApiError::Invalid))
    {
        Ok(intake) => service::open(&state, &p, intake, None).await,
        Err(e) => Err(e),
    };
    if outcome.is_err() {
        // Nothing is kept from a refused form.
        state.files.discard(staged).await;
    }
    match outcome {
        Ok(d) => Ok(Redirect::to(&format!("/dossiers/{}/forms/01", d.id.0)).into_response()),
        Err(ApiError::Invalid(message) | ApiError::Forbidden(message)) => {
            let f = build(&state, &page, &code, Some(message), values).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&f)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn intake_from(
    p: &crate::auth::Principal,
    proc_: &Procedure,
    v: &HashMap<String, String>,
    files: &HashMap<String, String>,
) -> Result<Intake, String> {
    let get = |k: &str| v.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let name = get("name");
    if name.is_empty() {
        return Err("Cần nhập họ tên người nộp hồ sơ.".into());
    }
    let born = match get("born").as_str() {
        "" => None,
        text => Some(
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("Ngày sinh không hợp lệ: {text}"))?,
        ),
    };
    let phone = Some(get("phone")).filter(|s| !s.is_empty());
    let email = Some(get("email")).filter(|s| !s.is_empty());
    let applicant = if get("kind") == "organisation" {
        Applicant::Organisation {
            tax_code: TaxCode::parse(&get("number")).map_err(|e| e.to_string())?,
            name,
            address: get("address"),
            representative: get("representative"),
            phone,
            email,
        }
    } else {
        Applicant::Person {
            id: CitizenId::parse(&get("number")).map_err(|e| e.to_string())?,
            name,
            born,
            address: get("address"),
            phone,
            email,
            from_population_data: false,
        }
    };
    let number = |k: &str| -> Result<i64, String> {
        let t = get(k);
        if t.is_empty() {
            Ok(0)
        } else {
            t.replace(['.', ','], "")
                .parse()
                .map_err(|_| format!("Số không hợp lệ: {t}"))
        }
    };
    let mut documents = Vec::new();
    for (i, d) in proc_.documents.iter().enumerate() {
        if !v.contains_key(&format!("doc{i}")) {
            continue;
        }
        let count = |k: String, default: u32| get(&k).parse().unwrap_or(default);
        let file = files.get(&format!("doc{i}")).cloned();
        // Digitised means a scan of it is here: a ticked box without one is refused.
        if file.is_none() && v.contains_key(&format!("doc{i}_digitised")) {
            return Err(format!(
                "\"{}\" được đánh dấu đã số hóa nhưng chưa đính kèm bản quét.",
                d.name
            ));
        }
        documents.push(DossierDocument {
            code: d.code.clone(),
            name: d.name.clone(),
            originals: count(format!("doc{i}_originals"), d.originals),
            copies: count(format!("doc{i}_copies"), d.copies),
            digitised: file.is_some(),
            file,
            reused_from: None,
            from_personal_store: false,
            signed: false,
        });
    }
    let resolving = AgencyCode::parse(&get("resolving_agency"))
        .map_err(|_| "Cần chọn cơ quan giải quyết.".to_owned())?;
    let receiving = p
        .units
        .first()
        .and_then(|u| AgencyCode::parse(u).ok())
        .ok_or_else(|| "Tài khoản chưa thuộc Bộ phận Một cửa nào.".to_owned())?;
    Ok(Intake {
        procedure: proc_.code.to_string(),
        province: p.province.clone(),
        new: NewDossier {
            id: DossierId(uuid::Uuid::nil()),
            code: service::placeholder_code(&resolving),
            external_code: None,
            channel: Channel::Counter,
            receiving_agency: receiving,
            resolving_agency: resolving,
            applicant,
            documents,
            area_m2: number("area_m2")?,
            declared_value: number("declared_value")?,
            remote_commune: v.contains_key("remote_commune"),
        },
    })
}
