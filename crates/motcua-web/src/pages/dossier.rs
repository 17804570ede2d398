//! The dossier page: applicant, documents, fees, the control sheet (Mẫu 05) as a timeline,
//! and the actions the dossier's state and the user's role allow — found by asking the
//! decider, so the page never offers what would be refused.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDateTime;
use motcua_core::calendar::deadline;
use motcua_core::catalog::Role;
use motcua_core::dossier::{
    Action, Charge, Collector, Command, Dossier, DossierId, PaymentPurpose, ResultRecord,
    Satisfaction, SignedTarget,
};
use motcua_core::ids::AgencyCode;
use uuid::Uuid;

use super::{Page, PageError, Ui, money, render, role_label, when, when_opt};
use crate::service;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/dossiers/{id}", get(show))
        .route("/dossiers/{id}/actions/{name}", post(act))
        .route("/dossiers/{id}/documents/{index}", get(document))
        .route(
            "/dossiers/{id}/result",
            get(result_file)
                .post(record_result)
                .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
}

/// Records the result with its file (the signed electronic result the applicant downloads).
async fn record_result(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    page.user()?;
    let (file, values) = super::upload::read_one(multipart, "result_file").await?;
    let p = page
        .check_csrf(values.get("csrf").map_or("", String::as_str))?
        .clone();
    let mut staged = crate::files::Staged::default();
    let result_bytes = file.clone();
    let mut digest = match file {
        Some(bytes) => match state.files.stage(&mut staged, &bytes).await {
            Ok(d) => Some(d),
            Err(e) => return refused(&state, &page, id, "record_result", values, e).await,
        },
        None => None,
    };
    let mut name = values
        .get("result_name")
        .map(|n| n.trim().to_owned())
        .unwrap_or_default();
    // The signed draft as the result: its file is stored already, and the verdict on its
    // signature carries over to the result in the decider.
    if digest.is_none() && values.get("use_draft").is_some_and(|v| v == "1") {
        let d = service::visible(&state, &p, DossierId(id)).await?;
        if let Some(draft) = d.draft_result {
            digest = draft.file;
            if name.is_empty() {
                name = draft.name;
            }
        }
    }
    let command = Command::RecordResult {
        // Electronic when its file is here; signed only when a signature is verified, which
        // no form can claim.
        result: ResultRecord {
            name,
            electronic: digest.is_some(),
            file: digest,
            signed: false,
        },
    };
    let d = match service::command(&state, &p, DossierId(id), None, command, None).await {
        Ok(d) => d,
        Err(e) => {
            state.files.discard(staged).await;
            return refused(&state, &page, id, "record_result", values, e).await;
        }
    };
    // A result file that carries a digital signature is verified at once; the verdict
    // (signed, or why not) shows on the page.
    if let Some(bytes) = &result_bytes {
        state
            .app
            .check_signature_if_present(d.id, SignedTarget::Result, bytes)
            .await
            .map_err(ApiError::from)?;
    }
    Ok(Redirect::to(&format!("/dossiers/{}", d.id.0)).into_response())
}

/// One row of the control sheet.
pub struct StepView {
    pub name: String,
    pub role: String,
    pub assignee: String,
    pub started: String,
    pub budget: u32,
    pub due: String,
    pub finished: String,
    pub by: String,
    pub note: String,
    pub class: &'static str,
}

struct DocView {
    index: usize,
    has_file: bool,
    name: String,
    originals: u32,
    copies: u32,
    flags: String,
    /// The latest signature verdict, for people ("" when none was checked).
    signature: String,
    /// Who attached the scan and when ("" without one).
    digitised: String,
    /// Its scan is here but restricted to the officers handling the dossier.
    restricted: bool,
    /// The user may attach its scan here (a paper without one).
    can_digitise: bool,
}

/// The latest verdict on `target`'s signature, as a line for people.
fn verdict(d: &motcua_core::dossier::Dossier, target: SignedTarget, ui: &Ui) -> String {
    let Some(c) = d.signatures.iter().rev().find(|c| c.target == target) else {
        return String::new();
    };
    if c.valid {
        format!(
            "{}: {}{}",
            ui.t("Chữ ký số hợp lệ", "Valid digital signature"),
            c.signer,
            c.signed_at
                .map(|t| format!(" ({})", super::when(t)))
                .unwrap_or_default()
        )
    } else {
        format!(
            "{}: {}",
            ui.t("Chữ ký số không hợp lệ", "Invalid digital signature"),
            c.reason.clone().unwrap_or_default()
        )
    }
}

struct Line {
    name: String,
    amount: String,
}

struct OfficerChoice {
    username: String,
    name: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    ui: Ui,
    id: String,
    code: String,
    check: String,
    procedure: String,
    status: String,
    channel: String,
    applicant: String,
    applicant_number: String,
    address: String,
    received: String,
    due: String,
    statutory_due: String,
    completion: String,
    /// The printable forms the dossier has reached: number and title.
    forms: Vec<(&'static str, &'static str)>,
    closing_reason: String,
    /// For a dossier imported from another system: where from, when, its code there and
    /// that system's claims on graded facts, in one line ("" otherwise).
    imported: String,
    /// One line per move to a merged unit's successor.
    moves: Vec<String>,
    docs: Vec<DocView>,
    fees: Vec<Line>,
    obligations: Vec<Line>,
    payments: Vec<Line>,
    fees_left: i64,
    /// The same, as people read money.
    fees_left_text: String,
    obligation_left: i64,
    steps: Vec<StepView>,
    actions: Vec<&'static str>,
    officers: Vec<OfficerChoice>,
    result_name: String,
    /// The recorded result: its name, whether its file is here, electronic, signed.
    result: Option<ResultView>,
    /// The draft result, while there is one.
    draft: Option<ResultView>,
    /// The leader may sign the draft digitally here (signing is set up, the draft exists).
    sign_digitally: bool,
    /// The remote signature request waiting for the leader's phone ("" when none).
    signing_waiting: String,
    /// Who opened this citizen's data lately, for leaders, supervisors and administrators.
    reads: Vec<ReadView>,
    /// Handling is over: the archival package can be made.
    finished: bool,
    /// The procedure changes the land register (the card and its link show).
    land: bool,
    /// The certificate it concerns ("" when none).
    land_serial: String,
    /// The prepared change, as before/after lines.
    ops: Vec<motcua_core::land::display::OpView>,
    /// When it was written to the register ("" until then).
    land_applied: String,
    /// Who collected the result and when ("" until it is returned).
    returned: String,
    /// The applicant's rating ("" until rated).
    rating: String,
    /// The action that was just refused, with why and what was typed into it.
    failed: Option<Failed>,
}

/// The actions this page has a form for (the others are the API's: returning to a step,
/// transferring to another agency), so the actions card is never an empty box.
const ON_PAGE: [&str; 15] = [
    "acknowledge",
    "digitise_document",
    "draft_result",
    "assign",
    "complete_step",
    "approve",
    "sign",
    "record_tax_notice",
    "record_payment",
    "record_result",
    "return_result",
    "request_supplement",
    "extend_with_apology",
    "refuse",
    "withdraw",
];

/// One line of the personal-data access log.
struct ReadView {
    at: String,
    who: String,
    what: String,
    why: String,
}

/// The result as the page shows it.
struct ResultView {
    name: String,
    has_file: bool,
    flags: String,
    signature: String,
}

/// A refused action: the page comes back with its form open, the reason and what was typed.
pub struct Failed {
    action: String,
    message: String,
    values: HashMap<String, String>,
}

impl DossierPage {
    /// Whether this action's form is the one just refused.
    fn failed_for(&self, action: &str) -> bool {
        self.failed.as_ref().is_some_and(|f| f.action == action)
    }
    /// What was typed into a field of the refused action's form ("" for the other forms).
    fn fv(&self, action: &str, field: &str) -> String {
        self.failed
            .as_ref()
            .filter(|f| f.action == action)
            .and_then(|f| f.values.get(field).cloned())
            .unwrap_or_default()
    }
    /// Why the action was refused.
    fn failed_message(&self) -> String {
        self.failed
            .as_ref()
            .map(|f| f.message.clone())
            .unwrap_or_default()
    }
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

/// What the page says of an imported dossier: the other system's claims are shown, and said
/// not to count.
fn imported_line(d: &Dossier, ui: &Ui) -> String {
    let Some(o) = &d.imported else {
        return String::new();
    };
    let c = &o.claims;
    let code = d.external_code.as_deref().unwrap_or_default();
    let (source, at) = (&o.source, when(o.imported_at));
    let (digitised, reused, paid, signed) = (c.digitised, c.reused, c.paid_online, c.signed);
    if o.read_only {
        return match ui.lang {
            super::Lang::En => format!(
                "Handled on {source} (code there: {code}), pulled in on {at} for the province's reports and lookup: it is read-only here."
            ),
            super::Lang::Vi => format!(
                "Hồ sơ được giải quyết trên {source} (mã hồ sơ trên hệ thống đó: {code}), lấy về lúc {at} để tra cứu và thống kê của tỉnh: tại đây chỉ xem, không xử lý."
            ),
        };
    }
    match ui.lang {
        super::Lang::En => format!(
            "Imported from {source} on {at} (code there: {code}). That system recorded {digitised} digitised and {reused} reused documents, {paid} online payments and {signed} signed results; none of it counts in the indicators here without its evidence."
        ),
        super::Lang::Vi => format!(
            "Nhập từ {source} lúc {at} (mã hồ sơ trên hệ thống cũ: {code}). Hệ thống cũ ghi nhận {digitised} giấy tờ đã số hóa, {reused} giấy tờ tái sử dụng, {paid} khoản thanh toán trực tuyến, {signed} kết quả ký số; các ghi nhận này không được tính vào chỉ số khi chưa có bằng chứng trên hệ thống này."
        ),
    }
}

/// The control sheet rows, with names for the officers' ids.
pub fn step_views(d: &Dossier, ui: &Ui, names: &HashMap<String, String>) -> Vec<StepView> {
    d.steps
        .iter()
        .map(|s| {
            let late = s
                .finished_at
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
                > s.due_at
                && s.budget_hours > 0;
            let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
            StepView {
                name: s.name.clone(),
                role: role_label(Some(s.role), ui.lang).to_owned(),
                assignee: s
                    .assignee
                    .as_ref()
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                started: when(s.started_at),
                budget: s.budget_hours,
                due: when(s.due_at),
                finished: when_opt(s.finished_at),
                by: s.finished_by.as_deref().map(name_of).unwrap_or_default(),
                note: s.note.clone().unwrap_or_default(),
                class: if late && s.finished_at.is_some() {
                    "late"
                } else {
                    ""
                },
            }
        })
        .collect()
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let d = service::visible(&state, p, DossierId(id)).await?;
    read_logged(&state, p, &d, "dossier").await?;
    Ok(render(&view(&state, &page, id, None).await?))
}

/// The dossier page; after a refused action, with that action's form open and refilled.
async fn view(
    state: &AppState,
    page: &Page,
    id: Uuid,
    failed: Option<Failed>,
) -> Result<DossierPage, PageError> {
    let p = page.user()?;
    let d = service::visible(state, p, DossierId(id)).await?;
    let procedure = state
        .app
        .procedure(d.procedure.as_str(), Some(d.procedure_version))
        .await
        .map_err(ApiError::from)?;
    let accounts = state.db.accounts(&p.province).await?;
    let names: HashMap<String, String> = accounts
        .iter()
        .map(|a| (a.id.to_string(), a.full_name.clone()))
        .collect();
    let step_role = d.current_step().map(|s| s.role);
    let officers: Vec<OfficerChoice> = accounts
        .iter()
        .filter(|a| {
            Some(a.role.as_str()) == step_role.map(Role::as_str)
                && a.units
                    .0
                    .iter()
                    .any(|u| u == d.resolving_agency.as_str() || u == d.receiving_agency.as_str())
        })
        .map(|a| OfficerChoice {
            username: a.username.clone(),
            name: a.full_name.clone(),
        })
        .collect();
    // The decider's guards say what this user may do now; assigning also needs someone to
    // assign to.
    let actions: Vec<&'static str> = service::available(state, &service::actor(p), &d)
        .await?
        .into_iter()
        .filter(|a| *a != Action::Assign || !officers.is_empty())
        .map(Action::as_str)
        .filter(|a| ON_PAGE.contains(a))
        .collect();
    let can_sign = actions.contains(&"sign");
    let me = service::actor(p);
    let can_digitise = actions.contains(&"digitise_document");
    let ui = page.ui.clone();
    let fees_due: i64 = d.fees.iter().map(|c| c.amount).sum();
    let obligation_due: i64 = d.obligations.iter().map(|c| c.amount).sum();
    let line = |c: &Charge| Line {
        name: c.name.clone(),
        amount: money(c.amount),
    };
    let land_view = if procedure.land_change.is_some() {
        state
            .app
            .land_change_view(&d)
            .await
            .map_err(ApiError::from)?
    } else {
        None
    };
    let view = DossierPage {
        id: id.to_string(),
        code: d.code.to_string(),
        check: motcua_core::dossier::lookup_check(d.id),
        procedure: format!("{} — {}", d.procedure, procedure.name),
        status: d.status.label_vi().to_owned(),
        channel: channel_label(d.channel, &page.ui).to_owned(),
        applicant: d.applicant.name().to_owned(),
        applicant_number: d.applicant.number().to_owned(),
        address: match &d.applicant {
            motcua_core::dossier::Applicant::Person { address, .. }
            | motcua_core::dossier::Applicant::Organisation { address, .. } => address.clone(),
        },
        received: when_opt(d.received_at),
        due: when_opt(d.appointment.as_ref().map(|a| a.current_due)),
        statutory_due: when_opt(d.appointment.as_ref().map(|a| a.statutory_due)),
        completion: d
            .completion
            .map(|c| c.label_vi().to_owned())
            .unwrap_or_default(),
        forms: super::forms::available(&d)
            .into_iter()
            .map(|f| (f.number, f.title))
            .collect(),
        closing_reason: d.closing_reason.clone().unwrap_or_default(),
        imported: imported_line(&d, &page.ui),
        moves: d
            .moves
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let at = when(m.at);
                let new = d
                    .moves
                    .get(i + 1)
                    .map_or(&d.resolving_agency, |next| &next.resolving);
                let old = &m.resolving;
                match page.ui.lang {
                    super::Lang::En => format!(
                        "Moved from unit {old} to its successor {new} on {at}, when the units merged."
                    ),
                    super::Lang::Vi => format!(
                        "Chuyển từ đơn vị {old} sang đơn vị kế thừa {new} lúc {at} (sáp nhập đơn vị)."
                    ),
                }
            })
            .collect(),
        docs: d
            .documents
            .iter()
            .enumerate()
            .map(|(index, x)| DocView {
                index,
                has_file: d.document_file(index).is_some()
                    && d.may_open_document(index, &procedure, &me),
                restricted: d.document_file(index).is_some()
                    && !d.may_open_document(index, &procedure, &me),
                name: x.name.clone(),
                originals: x.originals,
                copies: x.copies,
                flags: [
                    (x.digitised, ui.t("đã số hóa", "digitised")),
                    (x.reused_from.is_some(), ui.t("tái sử dụng", "reused")),
                    (x.signed, ui.t("ký số", "signed")),
                    (
                        x.replaced_by.is_some(),
                        ui.t(
                            "bản cũ, đã được thay bằng bản bổ sung",
                            "earlier version, replaced by a supplement",
                        ),
                    ),
                    (
                        x.from_personal_store,
                        ui.t("lấy từ kho dữ liệu cá nhân", "from the personal data store"),
                    ),
                    (
                        d.document_destroyed(index).is_some(),
                        ui.t(
                            "tệp đã tiêu hủy (hết thời hạn bảo quản)",
                            "file destroyed (retention ended)",
                        ),
                    ),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join(", "),
                signature: verdict(&d, SignedTarget::Document { index }, &ui),
                digitised: match (&x.digitised_by, x.digitised_at) {
                    (Some(by), Some(at)) => format!(
                        "{} {} — {}",
                        ui.t("số hóa bởi", "digitised by"),
                        names.get(by).map_or(by.as_str(), String::as_str),
                        when(at)
                    ),
                    _ => String::new(),
                },
                can_digitise: x.file.is_none() && can_digitise,
            })
            .collect(),
        fees: d.fees.iter().map(line).collect(),
        obligations: d.obligations.iter().map(line).collect(),
        payments: d
            .payments
            .iter()
            .map(|p| Line {
                name: format!(
                    "{} ({})",
                    p.reference,
                    if p.online {
                        ui.t("trực tuyến", "online")
                    } else {
                        ui.t("trực tiếp", "in person")
                    }
                ),
                amount: money(p.amount),
            })
            .collect(),
        fees_left: (fees_due - d.paid(PaymentPurpose::Fees)).max(0),
        fees_left_text: super::money((fees_due - d.paid(PaymentPurpose::Fees)).max(0)),
        obligation_left: (obligation_due - d.paid(PaymentPurpose::Obligation)).max(0),
        steps: step_views(&d, &ui, &names),
        actions,
        officers,
        result_name: procedure.result.name.clone(),
        result: d.result.as_ref().map(|r| ResultView {
            name: r.name.clone(),
            has_file: d.result_file().is_some(),
            flags: [
                (r.electronic, ui.t("kết quả điện tử", "electronic")),
                (r.signed, ui.t("đã ký số", "digitally signed")),
                (
                    d.result_destroyed().is_some(),
                    ui.t(
                        "tệp đã tiêu hủy (hết thời hạn bảo quản)",
                        "file destroyed (retention ended)",
                    ),
                ),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join(", "),
            signature: verdict(&d, SignedTarget::Result, &ui),
        }),
        draft: d.draft_result.as_ref().map(|r| ResultView {
            name: r.name.clone(),
            has_file: r.file.is_some(),
            flags: if r.signed {
                ui.t("đã ký số", "digitally signed").to_owned()
            } else {
                String::new()
            },
            signature: verdict(&d, SignedTarget::Draft, &ui),
        }),
        sign_digitally: can_sign
            && d.draft_result.is_some()
            && (state.app.result_signer_kind().is_some()
                || d.draft_result.as_ref().is_some_and(|r| r.signed)),
        signing_waiting: state
            .app
            .signing_request(&d)
            .await
            .map_err(ApiError::from)?
            .map(|r| r.request)
            .unwrap_or_default(),
        reads: if matches!(
            p.role,
            Role::Leader | Role::Supervisor | Role::Administrator
        ) {
            state
                .app
                .reads_of_dossier(d.id.0)
                .await
                .map_err(ApiError::from)?
                .into_iter()
                .map(|r| ReadView {
                    at: when(r.at),
                    who: r.actor_name,
                    what: read_object(&r.object, &d, &ui),
                    why: r.purpose,
                })
                .collect()
        } else {
            Vec::new()
        },
        finished: d.status.is_terminal(),
        land: procedure.land_change.is_some(),
        land_serial: d
            .land
            .as_ref()
            .map(|r| r.serial.clone())
            .unwrap_or_default(),
        ops: land_view
            .as_ref()
            .map(|v| v.ops.clone())
            .unwrap_or_default(),
        land_applied: land_view
            .as_ref()
            .and_then(|v| v.applied_at)
            .map(when)
            .unwrap_or_default(),
        returned: returned_text(&d, &ui),
        rating: d
            .rating
            .map(|r| match r {
                Satisfaction::VerySatisfied => ui.t("Rất hài lòng", "Very satisfied"),
                Satisfaction::Satisfied => ui.t("Hài lòng", "Satisfied"),
                Satisfaction::Unsatisfied => ui.t("Không hài lòng", "Unsatisfied"),
            })
            .unwrap_or_default()
            .to_owned(),
        failed,
        ui,
    };
    Ok(view)
}

/// What was opened, for people.
fn read_object(object: &str, d: &Dossier, ui: &Ui) -> String {
    match object {
        "dossier" => ui.t("Trang hồ sơ", "Dossier page").to_owned(),
        "result" => ui.t("Tệp kết quả", "Result file").to_owned(),
        "draft" => ui.t("Tệp dự thảo kết quả", "Draft result file").to_owned(),
        other => other
            .strip_prefix("document:")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| d.documents.get(i))
            .map_or_else(|| other.to_owned(), |x| x.name.clone()),
    }
}

/// "Trả cho người nộp hồ sơ lúc …" or the representative's name and paper.
fn returned_text(d: &motcua_core::dossier::Dossier, ui: &Ui) -> String {
    let Some(at) = d.returned_at else {
        return String::new();
    };
    let who = match &d.returned_to {
        Some(Collector::Applicant) => format!(
            "{} {}",
            ui.t("người nộp hồ sơ", "the applicant"),
            d.applicant.name()
        ),
        Some(Collector::Representative { name, id_number }) => format!(
            "{} {name} ({} {id_number})",
            ui.t("người nhận thay", "representative"),
            ui.t("giấy tờ số", "id paper")
        ),
        None => ui
            .t("(không ghi người nhận)", "(collector not recorded)")
            .to_owned(),
    };
    format!("{who} — {}", when(at))
}

/// Answers a refused action with the page itself: the message beside the form, the form
/// open with what was typed (no dead end, nothing to type again). Other errors go on.
pub(super) async fn refused(
    state: &AppState,
    page: &Page,
    id: Uuid,
    action: &str,
    values: HashMap<String, String>,
    e: ApiError,
) -> Result<Response, PageError> {
    let (status, message) = match e {
        ApiError::Invalid(m) | ApiError::Forbidden(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
        ApiError::Conflict(m) => (StatusCode::CONFLICT, m),
        ApiError::PreconditionFailed => (
            StatusCode::CONFLICT,
            ApiError::PreconditionFailed.to_string(),
        ),
        other => return Err(other.into()),
    };
    let mut values = values;
    values.remove("csrf");
    let failed = Failed {
        action: action.to_owned(),
        message: super::fields::capitalised(&message),
        values,
    };
    let view = view(state, page, id, Some(failed)).await?;
    Ok((status, render(&view)).into_response())
}

async fn act(
    State(state): State<AppState>,
    page: Page,
    Path((id, name)): Path<(Uuid, String)>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let p = page
        .check_csrf(v.get("csrf").map_or("", String::as_str))?
        .clone();
    let outcome = match command_of(&state, &name, &v).await {
        Ok(command) => service::command(&state, &p, DossierId(id), None, command, None).await,
        Err(ApiError::NotFound) => return Err(ApiError::NotFound.into()),
        Err(e) => Err(e),
    };
    let d = match outcome {
        Ok(d) => d,
        Err(e) => return refused(&state, &page, id, &name, v, e).await,
    };
    let form = match name.as_str() {
        "request_supplement" => Some("02"),
        "refuse" => Some("03"),
        "extend_with_apology" => Some("04"),
        _ => None,
    };
    let to = match form {
        Some(f) => format!("/dossiers/{}/forms/{f}", d.id.0),
        None => format!("/dossiers/{}", d.id.0),
    };
    Ok(Redirect::to(&to).into_response())
}

/// The command a dossier page's form asks for; a value that cannot be read is refused here.
async fn command_of(
    state: &AppState,
    name: &str,
    v: &HashMap<String, String>,
) -> Result<Command, ApiError> {
    let get = |k: &str| v.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let amount = |k: &str| {
        get(k)
            .replace(['.', ','], "")
            .parse::<i64>()
            .map_err(|_| ApiError::Invalid(format!("Số tiền không hợp lệ: {}", get(k))))
    };
    let note = Some(get("note")).filter(|n| !n.is_empty());
    Ok(match name {
        "acknowledge" => Command::Acknowledge,
        "complete_step" => Command::CompleteStep { note },
        "approve" => Command::Approve { note },
        "sign" => Command::Sign { note },
        "assign" => Command::Assign {
            officer: service::officer(state, &get("username")).await?,
        },
        "request_supplement" => Command::RequestSupplement {
            missing: get("missing")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            reason: get("reason"),
        },
        "refuse" => Command::Refuse {
            reason: get("reason"),
        },
        "withdraw" => Command::Withdraw {
            reason: get("reason"),
        },
        "extend_with_apology" => {
            let local = NaiveDateTime::parse_from_str(&get("new_due"), "%Y-%m-%dT%H:%M")
                .map_err(|_| ApiError::Invalid("Ngày hẹn mới không hợp lệ".into()))?;
            Command::ExtendWithApology {
                new_due: deadline::utc(local),
                reason: get("reason"),
            }
        }
        "record_tax_notice" => Command::RecordTaxNotice {
            notice: get("notice"),
            obligations: vec![
                Charge {
                    code: "le-phi-truoc-ba".into(),
                    name: "Lệ phí trước bạ".into(),
                    amount: amount("registration_fee")?,
                },
                Charge {
                    code: "thue-tncn".into(),
                    name: "Thuế thu nhập cá nhân".into(),
                    amount: amount("income_tax")?,
                },
                Charge {
                    code: "tien-su-dung-dat".into(),
                    name: "Tiền sử dụng đất".into(),
                    amount: amount("land_use_fee")?,
                },
            ]
            .into_iter()
            .filter(|c| c.amount > 0)
            .collect(),
        },
        "record_payment" => Command::RecordPayment {
            reference: get("reference"),
            purpose: if get("purpose") == "obligation" {
                PaymentPurpose::Obligation
            } else {
                PaymentPurpose::Fees
            },
            amount: amount("amount")?,
        },
        "record_result" => Command::RecordResult {
            result: ResultRecord {
                name: get("result_name"),
                file: None,
                electronic: false,
                signed: false,
            },
        },
        "return_result" => Command::ReturnResult {
            collector: if get("collected_by") == "representative" {
                Collector::Representative {
                    name: get("collector_name"),
                    id_number: get("collector_id"),
                }
            } else {
                Collector::Applicant
            },
        },
        _ => return Err(ApiError::NotFound),
    })
}

/// The result's file, for those who can see the dossier.
async fn result_file(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let d = service::visible(&state, p, DossierId(id)).await?;
    let digest = d.result_file().ok_or(ApiError::NotFound)?.to_owned();
    read_logged(&state, p, &d, "result").await?;
    scan(&state, &digest).await
}

/// Logs that the user opened this part of the dossier's personal data.
pub(super) async fn read_logged(
    state: &AppState,
    p: &crate::auth::Principal,
    d: &Dossier,
    object: &str,
) -> Result<(), ApiError> {
    Ok(state
        .app
        .record_read(
            &service::actor(p),
            d.applicant.number(),
            Some(d.id.0),
            object,
        )
        .await?)
}

/// A stored scan with its media type, read from its content.
async fn scan(state: &AppState, digest: &str) -> Result<Response, PageError> {
    let bytes = state.files.get(digest).await?;
    let media = crate::files::Kind::sniff(&bytes)
        .map_or("application/octet-stream", crate::files::Kind::media_type);
    Ok(([(axum::http::header::CONTENT_TYPE, media)], bytes).into_response())
}

/// A document's scan, for those who can see the dossier.
async fn document(
    State(state): State<AppState>,
    page: Page,
    Path((id, index)): Path<(Uuid, usize)>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let d = service::visible(&state, p, DossierId(id)).await?;
    let digest = d.document_file(index).ok_or(ApiError::NotFound)?.to_owned();
    let procedure = state
        .app
        .procedure(d.procedure.as_str(), Some(d.procedure_version))
        .await
        .map_err(ApiError::from)?;
    if !d.may_open_document(index, &procedure, &service::actor(p)) {
        return Err(ApiError::Forbidden(
            "Thành phần này thuộc loại hạn chế truy cập: chỉ cán bộ giải quyết hồ sơ và lãnh đạo được mở"
                .into(),
        )
        .into());
    }
    read_logged(&state, p, &d, &format!("document:{index}")).await?;
    scan(&state, &digest).await
}

/// How a dossier came in, for people.
pub fn channel_label(channel: motcua_core::catalog::Channel, ui: &Ui) -> &'static str {
    use motcua_core::catalog::Channel;
    match channel {
        Channel::Counter => ui.t("Trực tiếp tại Bộ phận Một cửa", "At the one-stop desk"),
        Channel::Online => ui.t("Trực tuyến", "Online"),
        Channel::Post => ui.t("Qua bưu chính công ích", "By post"),
        Channel::NationalPortal => ui.t(
            "Cổng Dịch vụ công quốc gia",
            "National public service portal",
        ),
    }
}

/// The agency's name, or its code.
pub async fn agency_name(state: &AppState, code: &AgencyCode) -> String {
    state
        .db
        .agency(code.as_str())
        .await
        .ok()
        .flatten()
        .map_or_else(|| code.to_string(), |a| a.name)
}
