//! Desk intake: pick the procedure, enter the applicant (CCCD checked), tick the documents
//! received (originals, copies, the scan that digitises it), see the fees; receiving prints the receipt (Mẫu 01).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use motcua_core::catalog::{Channel, Procedure};
use motcua_core::dossier::{Applicant, DossierDocument, DossierId, NewDossier};
use motcua_core::ids::{AgencyCode, CitizenId, TaxCode};
use motcua_core::limits;

use super::fields::{self, FieldErrors};
use super::reuse::{self, Reusable};
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
    originals: String,
    copies: String,
    mandatory: bool,
    /// Ticked as received.
    received: bool,
    /// The catalogue says it is received only with its scan.
    must_digitise: bool,
    /// The digest of a scan held from the refused form, sent again with the form.
    held: String,
    /// Its size, for the officer to recognise it.
    held_kb: usize,
    /// What the applicant already holds that could stand for it (after a lookup).
    reuse: Vec<ReuseOption>,
}

struct ReuseOption {
    key: String,
    label: String,
    selected: bool,
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
    errors: FieldErrors,
    values: HashMap<String, String>,
    /// The applicant's similar dossiers, when the desk must confirm a new one.
    duplicates: Vec<String>,
    /// The officer asked what the applicant already holds.
    looked_up: bool,
    /// Why the national store's documents are missing, when it did not answer.
    store_note: String,
    /// The procedure changes the land register: the desk names the certificate.
    land: bool,
}

impl IntakeForm {
    /// A submitted value, to refill the form after an error.
    fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    /// The message for a field, empty when it is fine.
    fn err(&self, name: &str) -> String {
        self.errors.get(name).unwrap_or_default().to_owned()
    }
    fn has_err(&self, name: &str) -> bool {
        self.errors.get(name).is_some()
    }
    /// The messages on one document's row: its scan, its counts.
    fn doc_errors(&self, index: usize) -> Vec<String> {
        ["file", "originals", "copies"]
            .iter()
            .filter_map(|f| self.errors.get(&format!("doc{index}_{f}")))
            .map(str::to_owned)
            .collect()
    }
    /// Whether any document has something to reuse.
    fn any_reuse(&self) -> bool {
        self.docs.iter().any(|d| !d.reuse.is_empty())
    }
    /// Whether any scan is held from the refused form.
    fn any_held(&self) -> bool {
        self.docs.iter().any(|d| !d.held.is_empty())
    }
}

/// Scans held for a refused form: the document's index, the digest and the size.
type Held = HashMap<usize, (String, usize)>;

async fn build(
    state: &AppState,
    page: &Page,
    code: &str,
    errors: FieldErrors,
    values: HashMap<String, String>,
    held: &Held,
    mine: &[Reusable],
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
    let fresh = values.is_empty();
    let value = |k: String, default: u32| {
        values
            .get(&k)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
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
                originals: value(format!("doc{index}_originals"), d.originals),
                copies: value(format!("doc{index}_copies"), d.copies),
                mandatory: d.mandatory,
                // A fresh form ticks what the procedure requires; a refused one keeps the ticks.
                received: if fresh {
                    d.mandatory
                } else {
                    values.contains_key(&format!("doc{index}"))
                },
                must_digitise: d.digitise,
                held: held.get(&index).map(|h| h.0.clone()).unwrap_or_default(),
                held_kb: held.get(&index).map_or(0, |h| h.1.div_ceil(1024)),
                reuse: reuse::options(mine, d)
                    .map(|r| ReuseOption {
                        key: r.key.clone(),
                        label: format!("{} ({})", r.name, r.origin),
                        selected: values.get(&format!("doc{index}_reuse")) == Some(&r.key),
                    })
                    .collect(),
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
        errors,
        values,
        duplicates: Vec::new(),
        looked_up: false,
        store_note: String::new(),
        land: proc_.land_change.is_some(),
    })
}

async fn form(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let mut f = build(
        &state,
        &page,
        &code,
        FieldErrors::default(),
        HashMap::new(),
        &Held::new(),
        &[],
    )
    .await?;
    // The visitor being served at this officer's counter gave their CCCD at the kiosk.
    let by = crate::service::actor(page.user()?);
    if let Some(number) = state
        .app
        .counter_ticket(&by)
        .await?
        .and_then(|t| t.id_number)
    {
        f.values.insert("number".into(), number);
    }
    Ok(render(&f))
}

/// A scan sent with the form, or held from the time it was refused.
struct Scan {
    index: usize,
    bytes: Vec<u8>,
    /// Its content hash: the name it will have in the store.
    digest: String,
    /// The held digest it came from, let go once the dossier is received.
    held: Option<String>,
}

/// Reads each document's scan: the file sent now (checked as the store would), else the
/// one held for this officer from a refused try. A refused file is reported on its field.
async fn scans(
    state: &AppState,
    owner: &str,
    documents: usize,
    values: &HashMap<String, String>,
    sent: Vec<super::upload::UploadedFile>,
    errors: &mut FieldErrors,
) -> Vec<Scan> {
    let mut out = Vec::new();
    for f in sent {
        let Some(index) = f
            .field
            .strip_prefix("doc")
            .and_then(|r| r.strip_suffix("_file"))
            .and_then(|i| i.parse::<usize>().ok())
            .filter(|i| *i < documents)
        else {
            continue;
        };
        match state.files.check(&f.bytes).await {
            Ok(()) => out.push(Scan {
                index,
                digest: crate::files::digest(&f.bytes),
                bytes: f.bytes,
                held: None,
            }),
            Err(e) => errors.add(f.field, format!("Tệp \"{}\": {e}", f.name)),
        }
    }
    for index in 0..documents {
        if out.iter().any(|s| s.index == index) {
            continue;
        }
        let Some(digest) = values.get(&format!("doc{index}_held")) else {
            continue;
        };
        if let Some(bytes) = state.files.held(owner, digest).await {
            out.push(Scan {
                index,
                digest: crate::files::digest(&bytes),
                bytes,
                held: Some(digest.clone()),
            });
        }
    }
    out
}

async fn receive(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let form = super::upload::read(multipart).await?;
    let values = form.values;
    let p = page
        .check_csrf(values.get("csrf").map_or("", String::as_str))?
        .clone();
    let proc_ = state
        .app
        .procedure(&code, None)
        .await
        .map_err(ApiError::from)?;
    let mut errors = FieldErrors::default();
    let scans = scans(
        &state,
        &p.id,
        proc_.documents.len(),
        &values,
        form.files,
        &mut errors,
    )
    .await;
    // What the applicant already holds, for the officer's choice (asked, or chosen before).
    let number: String = values
        .get("number")
        .map(|n| n.chars().filter(|c| !c.is_whitespace()).collect())
        .unwrap_or_default();
    let lookup = values.get("action").map(String::as_str) == Some("lookup");
    let wants_reuse = (0..proc_.documents.len()).any(|i| {
        values
            .get(&format!("doc{i}_reuse"))
            .is_some_and(|k| !k.is_empty())
    });
    let (mine, store_note) = if (lookup || wants_reuse)
        && (CitizenId::parse(&number).is_ok() || TaxCode::parse(&number).is_ok())
    {
        // The desk receiving for this person reads what they hold: logged like any read.
        if p.role != motcua_core::catalog::Role::DeskOfficer {
            return Err(ApiError::Forbidden(
                "Bộ phận Một cửa tiếp nhận hồ sơ và tra giấy tờ người nộp đã có".into(),
            )
            .into());
        }
        state
            .app
            .record_read(&service::actor(&p), &number, None, "reuse-lookup")
            .await
            .map_err(ApiError::from)?;
        reuse::mine(&state, &number, reuse::Asker::Desk).await?
    } else {
        (Vec::new(), None)
    };
    if lookup {
        let mut held = Held::new();
        for s in &scans {
            if let Ok(digest) = state.files.hold(&p.id, &s.bytes).await {
                held.insert(s.index, (digest, s.bytes.len()));
            }
        }
        if CitizenId::parse(&number).is_err() && TaxCode::parse(&number).is_err() {
            errors.add(
                "number",
                "Nhập số định danh cá nhân (12 chữ số) hoặc mã số thuế để tìm giấy tờ đã có.",
            );
        }
        let mut f = build(&state, &page, &code, errors, values, &held, &mine).await?;
        f.looked_up = true;
        f.store_note = store_note.unwrap_or_default();
        return Ok(render(&f));
    }
    let picked = picks(&state, &number, &proc_, &values, &scans, &mine, &mut errors).await?;
    let today = motcua_core::calendar::deadline::local(state.clock.now()).date();
    let mut checked = intake_from(&p, &proc_, &values, &scans, &picked, today, &mut errors);
    // A land procedure's certificate, found in the register by its serial (not re-typed).
    let serial = values.get("gcn_serial").map_or("", |s| s.trim());
    if serial.chars().count() > 30 {
        errors.add(
            "gcn_serial",
            "Số phát hành Giấy chứng nhận dài quá 30 ký tự.",
        );
    } else if let Some(intake) = checked.as_mut()
        && !serial.is_empty()
        && proc_.land_change.is_some()
    {
        match state.app.certificate_ref(serial).await.map_err(ApiError::from)? {
            Some(r) => intake.new.land = Some(r),
            None => errors.add(
                "gcn_serial",
                format!("Không có Giấy chứng nhận số phát hành {serial} còn hiệu lực trong sổ địa chính."),
            ),
        }
    }
    let mut outcome = Err(ApiError::Invalid(String::new()));
    let mut staged = crate::files::Staged::default();
    let mut duplicates = Vec::new();
    if let (Some(intake), true) = (checked, errors.is_empty()) {
        if !values.contains_key("confirm_duplicate") {
            duplicates = similar(&state, &intake).await?;
        }
        if duplicates.is_empty() {
            outcome = store_scans(&state, &mut staged, &scans).await;
            if outcome.is_ok() {
                outcome = service::open(&state, &p, intake, None).await.map(Some);
            }
        } else {
            errors.add(
                "confirm_duplicate",
                "Người nộp này đã có hồ sơ cùng thủ tục đang giải quyết hoặc vừa nộp trong 24 giờ \
                 (xem danh sách bên dưới). Hãy kiểm tra để không tiếp nhận trùng; nếu đây là yêu \
                 cầu khác, đánh dấu ô xác nhận rồi gửi lại.",
            );
        }
    }
    match outcome {
        Ok(Some(d)) => {
            for s in &scans {
                if let Some(digest) = &s.held {
                    state.files.release(&p.id, digest).await;
                }
                // A scan that is a digitally signed document is verified now; the verdict
                // shows on its row.
                if let Some(index) = d
                    .documents
                    .iter()
                    .position(|x| x.file.as_deref() == Some(s.digest.as_str()))
                {
                    // The dossier is received whatever happens here: a check that could
                    // not run is logged, and the document stays unsigned.
                    if let Err(e) = state
                        .app
                        .check_signature_if_present(
                            d.id,
                            motcua_core::dossier::SignedTarget::Document { index },
                            &s.bytes,
                        )
                        .await
                    {
                        tracing::warn!(dossier = %d.code, index, error = %e, "signature check not recorded");
                    }
                }
            }
            Ok(Redirect::to(&format!("/dossiers/{}/forms/01", d.id.0)).into_response())
        }
        Ok(None) => Err(ApiError::Internal("intake without a dossier".into()).into()),
        Err(ApiError::Invalid(message) | ApiError::Forbidden(message)) => {
            // Nothing enters the store from a refused form; its good scans wait for the
            // officer, so the form comes back whole.
            state.files.discard(staged).await;
            if !message.is_empty() {
                errors.add("", message);
            }
            let mut held = Held::new();
            for s in &scans {
                if let Ok(digest) = state.files.hold(&p.id, &s.bytes).await {
                    held.insert(s.index, (digest, s.bytes.len()));
                }
            }
            let mut f = build(&state, &page, &code, errors, values, &held, &mine).await?;
            f.duplicates = duplicates;
            f.store_note = store_note.unwrap_or_default();
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&f)).into_response())
        }
        Err(e) => {
            state.files.discard(staged).await;
            Err(e.into())
        }
    }
}

/// A document the officer took from what the applicant already holds instead of paper.
struct Picked {
    /// Its file's digest here.
    file: String,
    /// What the dossier names as its source.
    source: String,
    /// Downloaded from the national portal's personal data store just now.
    from_store: bool,
}

/// The documents the officer chose to reuse (a scan sent for the same row wins): each is
/// taken now, a store document downloaded and checked; a choice that cannot be taken is
/// reported on its row.
async fn picks(
    state: &AppState,
    owner: &str,
    proc_: &Procedure,
    values: &HashMap<String, String>,
    scans: &[Scan],
    mine: &[Reusable],
    errors: &mut FieldErrors,
) -> Result<HashMap<usize, Picked>, ApiError> {
    let mut out = HashMap::new();
    for i in 0..proc_.documents.len() {
        let Some(key) = values
            .get(&format!("doc{i}_reuse"))
            .filter(|k| !k.is_empty())
        else {
            continue;
        };
        if scans.iter().any(|s| s.index == i) {
            continue;
        }
        let Some(r) = mine.iter().find(|r| &r.key == key) else {
            errors.add(
                format!("doc{i}_file"),
                "Giấy tờ đã chọn không thuộc người nộp này (kiểm tra số định danh).",
            );
            continue;
        };
        match reuse::take(state, owner, r).await {
            Ok(file) => {
                out.insert(
                    i,
                    Picked {
                        file,
                        source: r.source.clone(),
                        from_store: r.from_store,
                    },
                );
            }
            Err(ApiError::Invalid(m)) => {
                errors.add(format!("doc{i}_file"), format!("\"{}\": {m}.", r.name));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The applicant's open or just-filed dossiers for this procedure, as lines for the warning.
async fn similar(state: &AppState, intake: &service::Intake) -> Result<Vec<String>, ApiError> {
    let found = state
        .app
        .similar_filings(
            &intake.province,
            intake.new.applicant.number(),
            &intake.procedure,
        )
        .await?;
    let mut out = Vec::with_capacity(found.len());
    for d in found {
        let agency = match motcua_core::ids::AgencyCode::parse(&d.receiving_agency) {
            Ok(code) => super::dossier::agency_name(state, &code).await,
            Err(_) => d.receiving_agency.clone(),
        };
        let status = motcua_core::dossier::Status::parse(&d.status)
            .map_or_else(|| d.status.clone(), |s| s.label_vi().to_owned());
        out.push(format!(
            "{} — {status} — nộp {} tại {agency}",
            d.code,
            super::when(d.submitted_at)
        ));
    }
    Ok(out)
}

/// Puts the scans in the store (under the digests the documents already name).
async fn store_scans(
    state: &AppState,
    staged: &mut crate::files::Staged,
    scans: &[Scan],
) -> Result<Option<motcua_core::dossier::Dossier>, ApiError> {
    for s in scans {
        state.files.stage(staged, &s.bytes).await?;
    }
    Ok(None)
}

/// Checks every field of the intake form; each problem is recorded on its field, and the
/// intake comes back only when there is none.
fn intake_from(
    p: &crate::auth::Principal,
    proc_: &Procedure,
    v: &HashMap<String, String>,
    scans: &[Scan],
    picked: &HashMap<usize, Picked>,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<Intake> {
    let get = |k: &str| v.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let organisation = get("kind") == "organisation";
    let name_limit = if organisation {
        limits::ORGANISATION_NAME
    } else {
        limits::PERSON_NAME
    };
    let name = errors.take(
        "name",
        fields::text(
            name_limit,
            &get("name"),
            Some("Cần nhập họ tên người nộp hồ sơ (hoặc tên tổ chức)."),
        ),
    );
    let born = match get("born").as_str() {
        "" => None,
        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) if d <= today && d.year() >= 1900 => Some(d),
            _ => {
                errors.add("born", "Ngày sinh không hợp lệ (không sau hôm nay).");
                None
            }
        },
    };
    let phone = errors.take("phone", fields::phone(&get("phone"))).flatten();
    let email = errors.take("email", fields::email(&get("email"))).flatten();
    let address = errors.take(
        "address",
        fields::text(
            limits::ADDRESS,
            &get("address"),
            Some("Cần ghi địa chỉ của người nộp hồ sơ."),
        ),
    );
    let representative = errors.take(
        "representative",
        fields::text(limits::REPRESENTATIVE, &get("representative"), None),
    );
    // Officers copy numbers as printed, in groups ("048 190 000 001"); the digits are the number.
    let number: String = get("number")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let applicant = if organisation {
        let tax_code = errors.take(
            "number",
            TaxCode::parse(&number).map_err(|_| {
                "Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, dấu gạch và 3 chữ số).".to_owned()
            }),
        );
        match (tax_code, name, address, representative) {
            (Some(tax_code), Some(name), Some(address), Some(representative)) => {
                Some(Applicant::Organisation {
                    tax_code,
                    name,
                    address,
                    representative,
                    phone,
                    email,
                })
            }
            _ => None,
        }
    } else {
        let id = errors.take(
            "number",
            CitizenId::parse(&number)
                .map_err(|_| "Số định danh cá nhân (CCCD) gồm 12 chữ số.".to_owned())
                .and_then(|id| match born {
                    Some(b) => id.check_birth(b).map(|()| id).map_err(|e| e.to_string()),
                    None => Ok(id),
                }),
        );
        match (id, name, address) {
            (Some(id), Some(name), Some(address)) => Some(Applicant::Person {
                id,
                name,
                born,
                address,
                phone,
                email,
                from_population_data: false,
            }),
            _ => None,
        }
    };
    let area_m2 = errors.take(
        "area_m2",
        fields::amount(&get("area_m2"), "Diện tích (m²)", false),
    );
    let declared_value = errors.take(
        "declared_value",
        fields::amount(&get("declared_value"), "Giá trị kê khai (đồng)", false),
    );
    let mut documents = Vec::new();
    for (i, d) in proc_.documents.iter().enumerate() {
        let originals = errors.take(
            &format!("doc{i}_originals"),
            fields::count(&get(&format!("doc{i}_originals")), d.originals),
        );
        let copies = errors.take(
            &format!("doc{i}_copies"),
            fields::count(&get(&format!("doc{i}_copies")), d.copies),
        );
        let held = picked.get(&i);
        if !v.contains_key(&format!("doc{i}")) && held.is_none() {
            continue;
        }
        let file = scans
            .iter()
            .find(|s| s.index == i)
            .map(|s| s.digest.clone())
            .or_else(|| held.map(|h| h.file.clone()));
        // Digitised means a scan of it is here; what the catalogue says must be digitised is
        // received only with its scan.
        if file.is_none() && d.digitise {
            errors.add(
                format!("doc{i}_file"),
                format!(
                    "\"{}\" phải được số hóa khi tiếp nhận: đính kèm bản quét đã đối chiếu với bản giấy.",
                    d.name
                ),
            );
        }
        documents.push(DossierDocument {
            code: d.code.clone(),
            name: d.name.clone(),
            originals: originals.unwrap_or(0),
            copies: copies.unwrap_or(0),
            digitised: file.is_some(),
            file,
            // Taken from what the applicant already holds: reused (4.3), and from the
            // personal data store (4.4) only when downloaded from it for this receipt.
            reused_from: held.map(|h| h.source.clone()),
            from_personal_store: held.is_some_and(|h| h.from_store),
            signed: false,
            digitised_by: None,
            digitised_at: None,
            replaced_by: None,
        });
    }
    let resolving = errors.take(
        "resolving_agency",
        AgencyCode::parse(&get("resolving_agency"))
            .map_err(|_| "Cần chọn cơ quan giải quyết.".to_owned()),
    );
    let receiving = p.units.first().and_then(|u| AgencyCode::parse(u).ok());
    if receiving.is_none() {
        errors.add("", "Tài khoản chưa thuộc Bộ phận Một cửa nào.");
    }
    let (Some(applicant), Some(resolving), Some(receiving), Some(area_m2), Some(declared_value)) =
        (applicant, resolving, receiving, area_m2, declared_value)
    else {
        return None;
    };
    if !errors.is_empty() {
        return None;
    }
    Some(Intake {
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
            area_m2,
            declared_value,
            remote_commune: v.contains_key("remote_commune"),
            land: None,
        },
    })
}
