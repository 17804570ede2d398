//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        description = "Hệ thống một cửa điện tử — electronic one-stop shop. Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `type` and Vietnamese `title` and `detail`. Staff sign in with a session cookie and send `X-CSRF-Token` on changes; external systems use `Authorization: Bearer <token>`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        super::session::create_session,
        super::session::get_session,
        super::session::delete_session,
        super::session::change_password,
        super::session::second_factor,
        super::session::enrol,
        super::session::confirm,
        super::admin::list_accounts,
        super::admin::create_account,
        super::admin::update_account,
        super::admin::account_action,
        super::admin::import_agencies,
        super::admin::agency_action,
        super::admin::admin_log,
        super::admin::publish_procedure,
        super::admin::set_procedure_agencies,
        super::admin::set_portal_code,
        super::admin::set_office_hours,
        super::admin::calendar_documents,
        super::admin::import_calendar,
        super::admin::remove_calendar,
        super::admin::list_tokens,
        super::admin::create_token,
        super::admin::revoke_token,
        super::reports::periodic,
        super::reports::kpi,
        super::reports::import_plan,
        super::reports::list_plans,
        super::catalog::list_procedures,
        super::catalog::get_procedure,
        super::catalog::list_agencies,
        super::dossiers::create_dossier,
        super::dossiers::list_dossiers,
        super::dossiers::get_dossier,
        super::dossiers::run_command,
        super::dossiers::lookup_dossier,
        super::files::upload,
        super::payments::payment_callback,
        super::interagency::tax_notice,
        super::interagency::treasury_confirmation,
    ),
    components(schemas(
        super::session::SignInRequest,
        super::session::PasswordChange,
        super::session::SecondFactorCode,
        super::admin::AccountBody,
        super::admin::StaffBody,
        super::admin::TokenBody,
        super::admin::NewTokenBody,
        super::admin::AgencyChangeBody,
        super::admin::ProcedureAgenciesBody,
        super::admin::PortalCodeBody,
        super::admin::OfficeHoursBody,
        super::wire::CreateDossier,
        super::wire::ApplicantBody,
        super::wire::DocumentBody,
        super::wire::RequestSupplementBody,
        super::wire::SubmitSupplementBody,
        super::wire::ReasonBody,
        super::wire::AssignBody,
        super::wire::NoteBody,
        super::wire::ReturnToStepBody,
        super::wire::TransferBody,
        super::wire::ChargeBody,
        super::wire::TaxNoticeBody,
        super::wire::PaymentBody,
        super::wire::ResultBody,
        super::wire::RecordResultBody,
        super::wire::ExtendBody,
        super::wire::RateBody,
        super::dossier_body::DossierBody,
        super::files::StoredFile,
    )),
    tags(
        (name = "session", description = "Staff sign-in"),
        (name = "admin", description = "Administration: staff accounts, agencies, the administrative log (administrators)"),
        (name = "catalogue", description = "Procedures and agencies (public)"),
        (name = "dossiers", description = "Dossiers and their commands"),
        (name = "public", description = "Public lookup"),
        (name = "reports", description = "The periodic report and the Decision 766 indicators (leaders, supervisors)"),
        (name = "payments", description = "Callbacks from the payment gateway (HMAC-signed)"),
        (name = "inter-agency", description = "Tax notices and treasury confirmations (HMAC-signed)")
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
