//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    modifiers(&Contract),
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
        super::land::find_parcel,
        super::land::get_parcel,
        super::land::get_certificate,
        super::land::history,
        super::land::prepare,
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
        super::wire::ReturnBody,
        super::wire::ReturnToStepBody,
        super::wire::TransferBody,
        super::wire::ChargeBody,
        super::wire::TaxNoticeBody,
        super::wire::PaymentBody,
        super::wire::ResultBody,
        super::wire::RecordResultBody,
        super::wire::DigitiseBody,
        super::wire::ExtendBody,
        super::wire::RateBody,
        super::dossier_body::DossierBody,
        super::read_bodies::DossierListBody,
        super::read_bodies::DossierSummaryBody,
        super::read_bodies::PublicViewBody,
        super::read_bodies::PublicStepBody,
        super::read_bodies::SessionBody,
        super::files::StoredFile,
        super::land::LandAnswer,
    )),
    tags(
        (name = "session", description = "Staff sign-in"),
        (name = "admin", description = "Administration: staff accounts, agencies, the administrative log (administrators)"),
        (name = "catalogue", description = "Procedures and agencies (public)"),
        (name = "dossiers", description = "Dossiers and their commands"),
        (name = "public", description = "Public lookup"),
        (name = "reports", description = "The periodic report and the Decision 766 indicators (leaders, supervisors)"),
        (name = "payments", description = "Callbacks from the payment gateway (HMAC-signed)"),
        (name = "inter-agency", description = "Tax notices and treasury confirmations (HMAC-signed)"),
        (name = "land", description = "The land register (sổ địa chính): parcels, certificates and their history, as of any instant (staff, or tokens with the land.read scope); a land dossier's change")
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// What every operation shares, written once instead of on each handler: the ways to
/// authenticate, and the problem documents any request may get (a body the server cannot
/// read, a control character, a wrong content type, no sign-in), so a client generated from
/// the document — or a tester like schemathesis — knows every answer it can see.
struct Contract;

/// Operations open to anyone (the catalogue, the lookup, signing in) or authenticated by
/// their own signature (the gateway's and the tax authority's callbacks).
fn is_open(path: &str, method: &str) -> bool {
    path.starts_with("/api/v1/procedures")
        || path.starts_with("/api/v1/agencies")
        || path.starts_with("/api/v1/lookup/")
        || path.starts_with("/api/v1/payments/")
        || path.starts_with("/api/v1/lien-thong/")
        || (path == "/api/v1/session" && method == "post")
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

impl Modify for Contract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "motcua_session",
                "Staff session from POST /api/v1/session; changes also send X-CSRF-Token",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's CSRF token (csrf_token of POST /api/v1/session)",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.schemas.insert(
            "Problem".into(),
            ObjectBuilder::new()
                .description(Some("An RFC 9457 problem document"))
                .property("type", ObjectBuilder::new().schema_type(Type::String))
                .property("title", ObjectBuilder::new().schema_type(Type::String))
                .property("status", ObjectBuilder::new().schema_type(Type::Integer))
                .property("detail", ObjectBuilder::new().schema_type(Type::String))
                .required("type")
                .required("title")
                .required("status")
                .into(),
        );
        for (path, item) in &mut openapi.paths.paths {
            let operations = [
                ("get", item.get.as_mut()),
                ("post", item.post.as_mut()),
                ("put", item.put.as_mut()),
                ("delete", item.delete.as_mut()),
                ("patch", item.patch.as_mut()),
            ];
            for (method, op) in operations {
                let Some(op) = op else { continue };
                let responses = &mut op.responses.responses;
                // Every error answer is a problem document.
                for (status, response) in responses.iter_mut() {
                    if status.starts_with('4') || status.starts_with('5') {
                        let description = match response {
                            RefOr::T(r) => r.description.clone(),
                            RefOr::Ref(_) => String::new(),
                        };
                        *response = problem(&description);
                    }
                }
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.into())
                        .or_insert_with(|| problem(description));
                };
                add(
                    "422",
                    "A field over its limit, a control character, or a rule refused",
                );
                add("400", "A parameter or the body cannot be read");
                if op.request_body.is_some() {
                    add("413", "The body is too large");
                    add("415", "The body is not of the declared content type");
                }
                if path.contains('{') {
                    add("404", "Not found, or not visible to the caller");
                }
                if is_open(path, method) {
                    if path.starts_with("/api/v1/payments/")
                        || path.starts_with("/api/v1/lien-thong/")
                    {
                        add("401", "The signature does not verify");
                    }
                    continue;
                }
                add("401", "Not signed in, or the sign-in is not complete");
                add("403", "The caller's role or units may not do this");
                let session = if method == "get" {
                    SecurityRequirement::new("session", Vec::<String>::new())
                } else {
                    SecurityRequirement::new("session", Vec::<String>::new())
                        .add("csrf", Vec::<String>::new())
                };
                op.security = Some(vec![
                    session,
                    SecurityRequirement::new("bearer", Vec::<String>::new()),
                ]);
            }
        }
    }
}
