//! One of the citizen's dossiers: where it stands and its history, what they owe and the
//! online payment, the supplement asked of them (answered online), the result to download,
//! and the satisfaction rating once it is returned. Only the applicant sees it.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use motcua_core::dossier::{
    Action, Command, Dossier, DossierDocument, DossierId, PaymentPurpose, Satisfaction, Status,
};
use motcua_core::notify::outstanding;
use serde::Deserialize;
use uuid::Uuid;

use crate::citizen::CitizenPrincipal;
use crate::pages::dossier::channel_label;
use crate::pages::{Page, PageError, Ui, money, render, upload, when};
use crate::service;
use crate::{ApiError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/cong-dan/ho-so/{id}", get(show))
        .route("/cong-dan/ho-so/{id}/thanh-toan", post(pay))
        .route("/cong-dan/ho-so/{id}/bo-sung", post(supplement))
        .route("/cong-dan/ho-so/{id}/danh-gia", post(rate))
        .route("/cong-dan/ho-so/{id}/ket-qua", get(result_file))
        .route("/cong-dan/ho-so/{id}/giay-to/{index}", get(document_file))
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
}

/// The citizen's own dossier; any other answers 404.
async fn own(state: &AppState, c: &CitizenPrincipal, id: Uuid) -> Result<Dossier, ApiError> {
    state
        .db
        .dossier(DossierId(id))
        .await?
        .filter(|d| c.owns(d))
        .ok_or(ApiError::NotFound)
}

struct TimelineRow {
    at: String,
    text: String,
}

struct ChargeRow {
    name: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "portal_dossier.html")]
struct Track {
    ui: Ui,
    /// The form just refused ("supplement", "pay", "rate"), why, and the note typed.
    failed_form: &'static str,
    failed_message: String,
    failed_note: String,
    id: String,
    code: String,
    check: String,
    procedure: String,
    status: String,
    status_key: String,
    channel: String,
    submitted: String,
    acknowledge_by: String,
    due: String,
    timeline: Vec<TimelineRow>,
    /// Who in the administration opened this dossier's data, and why (the access log).
    reads: Vec<TimelineRow>,
    fees: Vec<ChargeRow>,
    obligations: Vec<ChargeRow>,
    payments: Vec<ChargeRow>,
    fees_left: i64,
    obligation_left: i64,
    fees_left_text: String,
    obligation_left_text: String,
    can_pay: bool,
    missing: Vec<String>,
    supplement_reason: String,
    result_name: String,
    has_result_file: bool,
    /// Who signed the result digitally and when, as verified here ("" when not signed).
    result_signed_by: String,
    can_rate: bool,
    rating: String,
    documents: Vec<String>,
    fresh: bool,
    paid_back: bool,
}

/// The history in a citizen's words (internal hand-overs summarised).
fn timeline(events: &[motcua_store::StoredEvent]) -> Vec<TimelineRow> {
    events
        .iter()
        .filter_map(|e| {
            let p = &e.payload.0;
            let text = match e.kind.as_str() {
                "opened" => match p.get("channel").and_then(|s| s.as_str()) {
                    Some("online" | "national_portal") => "Đã nộp hồ sơ trực tuyến".to_owned(),
                    Some("post") => "Đã gửi hồ sơ qua dịch vụ bưu chính".to_owned(),
                    _ => "Đã nộp hồ sơ tại Bộ phận Một cửa".to_owned(),
                },
                "accepted" => "Bộ phận Một cửa đã tiếp nhận hồ sơ".to_owned(),
                "step_started" => format!(
                    "Chuyển xử lý: {}",
                    p.pointer("/step/name")
                        .and_then(|s| s.as_str())
                        .unwrap_or("")
                ),
                "supplement_requested" => "Yêu cầu bổ sung hồ sơ".to_owned(),
                "supplement_received" => "Đã nhận hồ sơ bổ sung".to_owned(),
                "tax_notice_recorded" => "Có thông báo nghĩa vụ tài chính".to_owned(),
                "payment_recorded" => format!(
                    "Đã nhận thanh toán {}",
                    money(
                        p.pointer("/payment/amount")
                            .and_then(serde_json::Value::as_i64)
                            .unwrap_or(0)
                    )
                ),
                "obligation_settled" => "Đã hoàn thành nghĩa vụ tài chính".to_owned(),
                "result_recorded" => "Đã có kết quả".to_owned(),
                "result_returned" => "Đã trả kết quả".to_owned(),
                "extended" => "Cơ quan xin lỗi và hẹn lại ngày trả kết quả".to_owned(),
                "closed" => format!(
                    "Kết thúc: {}",
                    p.get("reason").and_then(|s| s.as_str()).unwrap_or("")
                ),
                "rated" => "Đã đánh giá mức độ hài lòng".to_owned(),
                _ => return None,
            };
            Some(TimelineRow {
                at: when(e.recorded_at),
                text,
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct ShowQuery {
    #[serde(default)]
    moi: Option<String>,
    #[serde(default)]
    da_thanh_toan: Option<String>,
}

fn charges(list: &[motcua_core::dossier::Charge]) -> Vec<ChargeRow> {
    list.iter()
        .map(|c| ChargeRow {
            name: c.name.clone(),
            amount: money(c.amount),
        })
        .collect()
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    Ok(render(&view(&state, &page, id, &q, None).await?))
}

/// What the citizen tried that was refused: which form, why, and the note typed into it.
struct Failed {
    form: &'static str,
    message: String,
    note: String,
}

/// Answers a refused request with the dossier page, the message beside the form it came
/// from, rather than a page with nowhere to go.
async fn refused(
    state: &AppState,
    page: &Page,
    id: Uuid,
    form: &'static str,
    note: String,
    e: ApiError,
) -> Result<Response, PageError> {
    let message = match e {
        ApiError::Invalid(m) | ApiError::Forbidden(m) | ApiError::Conflict(m) => m,
        other => return Err(other.into()),
    };
    let failed = Failed {
        form,
        message: crate::pages::fields::capitalised(&message),
        note,
    };
    let q = ShowQuery {
        moi: None,
        da_thanh_toan: None,
    };
    let view = view(state, page, id, &q, Some(failed)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
}

async fn view(
    state: &AppState,
    page: &Page,
    id: Uuid,
    q: &ShowQuery,
    failed: Option<Failed>,
) -> Result<Track, PageError> {
    let c = page.citizen()?;
    let d = own(state, c, id).await?;
    let events = state.db.dossier_events(d.id).await?;
    let procedure = state
        .app
        .procedure(d.procedure.as_str(), Some(d.procedure_version))
        .await
        .map_or_else(|_| d.procedure.to_string(), |p| p.name.clone());
    let fees_left = outstanding(&d, PaymentPurpose::Fees);
    let obligation_left = if d.tax_notice.is_some() {
        outstanding(&d, PaymentPurpose::Obligation)
    } else {
        0
    };
    // What the applicant may do is the decider's answer, not a rule repeated here.
    let actions = service::available(state, &c.actor(), &d).await?;
    let open_round = d
        .supplements
        .last()
        .filter(|_| actions.contains(&Action::SubmitSupplement));
    let page_data = Track {
        ui: page.ui.clone(),
        id: d.id.0.to_string(),
        code: d.code.to_string(),
        check: motcua_core::dossier::lookup_check(d.id),
        procedure,
        status: d.status.label_vi().to_owned(),
        status_key: d.status.as_str().to_owned(),
        channel: channel_label(d.channel, &page.ui).to_owned(),
        submitted: when(d.submitted_at),
        acknowledge_by: d
            .acknowledge_by
            .filter(|_| d.status == Status::Submitted)
            .map(when)
            .unwrap_or_default(),
        due: d
            .appointment
            .as_ref()
            .map(|a| when(a.current_due))
            .unwrap_or_default(),
        timeline: timeline(&events),
        reads: state
            .app
            .reads_of_dossier(d.id.0)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|r| TimelineRow {
                at: super::super::when(r.at),
                text: format!("{} — {}", r.actor_name, r.purpose),
            })
            .collect(),
        fees: charges(&d.fees),
        obligations: charges(&d.obligations),
        payments: d
            .payments
            .iter()
            .map(|p| ChargeRow {
                name: format!(
                    "{} — {}{}",
                    when(p.at),
                    p.reference,
                    if p.online { " (trực tuyến)" } else { "" }
                ),
                amount: money(p.amount),
            })
            .collect(),
        fees_left,
        obligation_left,
        fees_left_text: money(fees_left),
        obligation_left_text: money(obligation_left),
        can_pay: !d.status.is_terminal(),
        missing: open_round.map(|r| r.missing.clone()).unwrap_or_default(),
        supplement_reason: open_round.map(|r| r.reason.clone()).unwrap_or_default(),
        result_name: d
            .result
            .as_ref()
            .filter(|_| matches!(d.status, Status::ResultReady | Status::Returned))
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        result_signed_by: d
            .signatures
            .iter()
            .rev()
            .find(|c| c.valid && c.target == motcua_core::dossier::SignedTarget::Result)
            .filter(|_| d.result.as_ref().is_some_and(|r| r.signed))
            .map(|c| {
                format!(
                    "{}{}",
                    c.signer,
                    c.signed_at
                        .map(|t| format!(" — {}", super::super::when(t)))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        has_result_file: d.result_file().is_some()
            && matches!(d.status, Status::ResultReady | Status::Returned),
        can_rate: actions.contains(&Action::Rate),
        rating: match d.rating {
            Some(Satisfaction::VerySatisfied) => "Rất hài lòng",
            Some(Satisfaction::Satisfied) => "Hài lòng",
            Some(Satisfaction::Unsatisfied) => "Không hài lòng",
            None => "",
        }
        .to_owned(),
        documents: d
            .documents
            .iter()
            .map(|x| {
                let mut s = x.name.clone();
                if x.reused_from.is_some() {
                    s.push_str(" (tái sử dụng)");
                }
                s
            })
            .collect(),
        fresh: q.moi.is_some(),
        paid_back: q.da_thanh_toan.is_some(),
        failed_form: failed.as_ref().map_or("", |f| f.form),
        failed_message: failed
            .as_ref()
            .map(|f| f.message.clone())
            .unwrap_or_default(),
        failed_note: failed.map(|f| f.note).unwrap_or_default(),
    };
    Ok(page_data)
}

#[derive(Deserialize)]
struct PayForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    purpose: String,
}

/// Makes an order at the gateway for what is still owed and sends the citizen there.
async fn pay(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Form(f): Form<PayForm>,
) -> Result<Response, PageError> {
    let c = page.check_citizen_csrf(&f.csrf)?;
    let d = own(&state, c, id).await?;
    if d.status.is_terminal() {
        let e = ApiError::Invalid("Hồ sơ đã kết thúc, không thanh toán được.".into());
        return refused(&state, &page, id, "pay", String::new(), e).await;
    }
    let purpose = PaymentPurpose::parse(&f.purpose).unwrap_or(PaymentPurpose::Fees);
    let label = purpose.as_str();
    let amount = outstanding(&d, purpose);
    if amount <= 0 {
        let e = ApiError::Invalid("Không còn khoản nào phải nộp.".into());
        return refused(&state, &page, id, "pay", String::new(), e).await;
    }
    let systems = state.systems()?;
    let description = match purpose {
        PaymentPurpose::Fees => format!("Phí, lệ phí hồ sơ {}", d.code),
        PaymentPurpose::Obligation => format!("Nghĩa vụ tài chính hồ sơ {}", d.code),
    };
    let return_url = format!(
        "{}/cong-dan/ho-so/{}?da_thanh_toan=1",
        systems.config.public_url, d.id.0
    );
    let order = systems
        .create_order(
            d.code.as_str(),
            amount,
            &description,
            &return_url,
            purpose == PaymentPurpose::Obligation,
        )
        .await?;
    state
        .db
        .create_payment_order(&motcua_store::PaymentOrder {
            transaction_id: order.transaction_id.clone(),
            dossier_id: d.id.0,
            purpose: label.into(),
            amount,
            created_at: state.clock.now(),
            paid_at: None,
            callbacks: 0,
        })
        .await?;
    Ok(Redirect::to(&order.payment_url).into_response())
}

/// The citizen answers a supplement request with the documents asked for.
async fn supplement(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    page.citizen()?;
    let form = upload::read(multipart).await?;
    let values = form.values;
    let documents: Vec<(String, Vec<u8>)> = form
        .files
        .into_iter()
        .filter(|f| f.field == "file")
        .map(|f| (f.name, f.bytes))
        .collect();
    let c = page
        .check_citizen_csrf(values.get("csrf").map_or("", String::as_str))?
        .clone();
    let d = own(&state, &c, id).await?;
    let note = values
        .get("note")
        .map(|n| n.trim().to_owned())
        .unwrap_or_default();
    if documents.is_empty() {
        let e = ApiError::Invalid("Cần đính kèm ít nhất một tệp bổ sung.".into());
        return refused(&state, &page, id, "supplement", note, e).await;
    }
    if let Err(m) = motcua_core::limits::DOCUMENT_NAME.check(&note) {
        return refused(&state, &page, id, "supplement", note, ApiError::Invalid(m)).await;
    }
    let mut added = Vec::new();
    let mut staged = crate::files::Staged::default();
    for (file_name, bytes) in &documents {
        let file = match state.files.stage(&mut staged, bytes).await {
            Ok(digest) => Some(digest),
            Err(e) => {
                state.files.discard(staged).await;
                let e = match e {
                    ApiError::Invalid(m) => ApiError::Invalid(format!("Tệp \"{file_name}\": {m}")),
                    other => other,
                };
                return refused(&state, &page, id, "supplement", note, e).await;
            }
        };
        added.push(DossierDocument {
            code: "bo-sung".into(),
            name: if note.is_empty() {
                format!("Tài liệu bổ sung: {file_name}")
            } else {
                format!("Tài liệu bổ sung: {note}")
            },
            originals: 0,
            copies: 0,
            digitised: file.is_some(),
            file,
            reused_from: None,
            from_personal_store: false,
            signed: false,
            digitised_by: None,
            digitised_at: None,
            replaced_by: None,
        });
    }
    if let Err(e) = service::command_as(
        &state,
        &c.actor(),
        &d,
        None,
        Command::SubmitSupplement { documents: added },
    )
    .await
    {
        state.files.discard(staged).await;
        return refused(&state, &page, id, "supplement", note, e).await;
    }
    Ok(Redirect::to(&format!("/cong-dan/ho-so/{}", d.id.0)).into_response())
}

#[derive(Deserialize)]
struct RateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    rating: String,
}

async fn rate(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Form(f): Form<RateForm>,
) -> Result<Response, PageError> {
    let c = page.check_citizen_csrf(&f.csrf)?;
    let d = own(&state, c, id).await?;
    let Some(satisfaction) = Satisfaction::parse(&f.rating) else {
        let e = ApiError::Invalid("Cần chọn mức độ hài lòng.".into());
        return refused(&state, &page, id, "rate", String::new(), e).await;
    };
    let rated =
        service::command_as(&state, &c.actor(), &d, None, Command::Rate { satisfaction }).await;
    if let Err(e) = rated {
        return refused(&state, &page, id, "rate", String::new(), e).await;
    }
    Ok(Redirect::to(&format!("/cong-dan/ho-so/{}", d.id.0)).into_response())
}

async fn send_file(state: &AppState, digest: &str, name: &str) -> Result<Response, PageError> {
    let bytes = state.files.get(digest).await?;
    let kind = crate::files::Kind::sniff(&bytes);
    let media = kind.map_or("application/octet-stream", crate::files::Kind::media_type);
    let ext = match kind {
        Some(crate::files::Kind::Pdf) => "pdf",
        Some(crate::files::Kind::Jpeg) => "jpg",
        Some(crate::files::Kind::Png) => "png",
        None => "bin",
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn result_file(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let c = page.citizen()?;
    let d = own(&state, c, id).await?;
    let digest = d
        .result_file()
        .filter(|_| matches!(d.status, Status::ResultReady | Status::Returned))
        .ok_or(ApiError::NotFound)?
        .to_owned();
    send_file(&state, &digest, &format!("ket-qua-{}", d.code)).await
}

async fn document_file(
    State(state): State<AppState>,
    page: Page,
    Path((id, index)): Path<(Uuid, usize)>,
) -> Result<Response, PageError> {
    let c = page.citizen()?;
    let d = own(&state, c, id).await?;
    let digest = d.document_file(index).ok_or(ApiError::NotFound)?.to_owned();
    send_file(&state, &digest, &format!("giay-to-{}-{index}", d.code)).await
}
