//! The REST API's request bodies, apart from the domain's types: what a client may send is
//! written here (and described in the OpenAPI document), and turned into the domain's values
//! with their checks. The domain can change its types without changing the contract by
//! accident; a contract change is a change to this file and to the OpenAPI snapshot.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::placeholder_code;
use motcua_core::catalog::Channel;
use motcua_core::dossier::{
    Action, Applicant, Charge, Collector, Command, DossierDocument, DossierId, NewDossier,
    PaymentPurpose, ResultRecord, Satisfaction,
};
use motcua_core::ids::{AgencyCode, CitizenId, DossierCode, TaxCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::{ApiError, AppState, service};

/// The applicant of a new dossier.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum ApplicantBody {
    /// A person.
    Person {
        /// CCCD (12 digits).
        id: String,
        /// Full name.
        name: String,
        /// Date of birth (checked against the CCCD).
        #[serde(default)]
        born: Option<NaiveDate>,
        /// Address.
        address: String,
        /// Phone, for notifications.
        #[serde(default)]
        phone: Option<String>,
        /// E-mail, for notifications.
        #[serde(default)]
        email: Option<String>,
    },
    /// An organisation.
    Organisation {
        /// Tax code.
        tax_code: String,
        /// Name.
        name: String,
        /// Address.
        address: String,
        /// Legal representative.
        representative: String,
        /// Phone.
        #[serde(default)]
        phone: Option<String>,
        /// E-mail.
        #[serde(default)]
        email: Option<String>,
    },
}

impl ApplicantBody {
    fn into_domain(self) -> Result<Applicant, ApiError> {
        let invalid = |e: motcua_core::ids::IdError| ApiError::Invalid(e.to_string());
        Ok(match self {
            Self::Person {
                id,
                name,
                born,
                address,
                phone,
                email,
            } => Applicant::Person {
                id: CitizenId::parse(&id).map_err(invalid)?,
                name,
                born,
                address,
                phone,
                email,
                // Only a registry lookup made by this system proves it, never a caller.
                from_population_data: false,
            },
            Self::Organisation {
                tax_code,
                name,
                address,
                representative,
                phone,
                email,
            } => Applicant::Organisation {
                tax_code: TaxCode::parse(&tax_code).map_err(invalid)?,
                name,
                address,
                representative,
                phone,
                email,
            },
        })
    }
}

/// A document received. Whether it is digitised follows from its scan; whether it is
/// signed, from a verified signature: neither is the caller's to say.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    /// The required document's code in the procedure, or `khac`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Originals received.
    #[serde(default)]
    pub originals: u32,
    /// Copies received.
    #[serde(default)]
    pub copies: u32,
    /// Content hash of a stored scan (`POST /api/v1/files`); with it the document counts as
    /// digitised.
    #[serde(default)]
    pub file: Option<String>,
    /// Reused from a document already accepted: the code of the applicant's earlier dossier
    /// it came from (checked: it must exist, be the same applicant's, and have been received);
    /// `chung-thuc:<id>` for an electronic copy certified for the applicant (with that copy's
    /// file); or `kho:<id>` for a document of the applicant's personal data store on the
    /// national portal — the service downloads it, checks it against the hash the store lists
    /// (and against `file`, when given) and marks it `from_personal_store`.
    #[serde(default)]
    pub reused_from: Option<String>,
}

impl From<DocumentBody> for DossierDocument {
    fn from(d: DocumentBody) -> Self {
        Self {
            code: d.code,
            name: d.name,
            originals: d.originals,
            copies: d.copies,
            digitised: d.file.is_some(),
            file: d.file,
            reused_from: d.reused_from,
            // The citizen's personal data store is not connected: nothing comes from it.
            from_personal_store: false,
            signed: false,
            digitised_by: None,
            digitised_at: None,
            replaced_by: None,
        }
    }
}

/// A new dossier.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateDossier {
    /// Procedure code.
    pub procedure_code: String,
    /// `counter`, `online`, `post` or `national_portal`.
    pub channel: String,
    /// The desk that receives it.
    pub receiving_agency: String,
    /// The agency competent to resolve it.
    pub resolving_agency: String,
    /// The applicant.
    pub applicant: ApplicantBody,
    /// Documents received.
    #[serde(default)]
    pub documents: Vec<DocumentBody>,
    /// Area in m², for fees charged by area.
    #[serde(default)]
    pub area_m2: i64,
    /// Declared value in đồng.
    #[serde(default)]
    pub declared_value: i64,
    /// Land in a remote commune.
    #[serde(default)]
    pub remote_commune: bool,
    /// Another system's code.
    #[serde(default)]
    pub external_code: Option<String>,
    /// The serial of the certificate a land dossier concerns (found in the land register;
    /// its parcel and holders are not sent).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub land_certificate: Option<String>,
}

impl CreateDossier {
    /// The procedure code and the dossier's facts in the domain's terms (id and code are
    /// placeholders the use case replaces).
    pub(crate) fn into_new(self) -> Result<(String, NewDossier), ApiError> {
        let agency =
            |code: &str| AgencyCode::parse(code).map_err(|e| ApiError::Invalid(e.to_string()));
        let channel = Channel::parse(&self.channel).ok_or_else(|| {
            ApiError::Invalid(format!(
                "kênh \"{}\" không hợp lệ (counter | online | post | national_portal)",
                self.channel
            ))
        })?;
        let resolving = agency(&self.resolving_agency)?;
        let new = NewDossier {
            id: DossierId(uuid::Uuid::nil()),
            code: placeholder_code(&resolving),
            external_code: self.external_code,
            channel,
            receiving_agency: agency(&self.receiving_agency)?,
            resolving_agency: resolving,
            applicant: self.applicant.into_domain()?,
            documents: self.documents.into_iter().map(Into::into).collect(),
            area_m2: self.area_m2,
            declared_value: self.declared_value,
            remote_commune: self.remote_commune,
            land: None,
        };
        Ok((self.procedure_code, new))
    }
}

/// `request_supplement`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RequestSupplementBody {
    /// Everything missing, item by item (all at once).
    pub missing: Vec<String>,
    /// Why.
    pub reason: String,
}

/// `submit_supplement`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SubmitSupplementBody {
    /// Documents added.
    #[serde(default)]
    pub documents: Vec<DocumentBody>,
}

/// `refuse`, `withdraw`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReasonBody {
    /// Why (for a refusal: the reasons and the legal basis).
    pub reason: String,
}

/// `assign`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AssignBody {
    /// The officer's username.
    pub username: String,
}

/// `complete_step`, `approve`, `sign`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NoteBody {
    /// Remarks for the control sheet.
    #[serde(default)]
    pub note: Option<String>,
}

/// `return_to_step`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReturnToStepBody {
    /// The step's position in the procedure.
    pub index: usize,
    /// Why.
    pub reason: String,
}

/// `transfer_to_agency`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TransferBody {
    /// The agency.
    pub agency: String,
    /// The sub-dossier's code.
    pub sub_code: String,
}

/// An amount due.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChargeBody {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Amount in đồng.
    pub amount: i64,
}

/// `record_tax_notice`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TaxNoticeBody {
    /// Notice number.
    pub notice: String,
    /// Amounts.
    pub obligations: Vec<ChargeBody>,
}

/// `record_payment`: a payment taken at the desk. Payments made online are recorded by the
/// gateway's and the treasury's signed callbacks, never by this command.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// Unique reference.
    pub reference: String,
    /// `fees` or `obligation`.
    pub purpose: String,
    /// Amount in đồng.
    pub amount: i64,
}

/// The result document. It is electronic when its file is attached; it is signed only when a
/// signature on it has been verified, which no caller can claim.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultBody {
    /// Name or number.
    pub name: String,
    /// Content hash of the stored file (`POST /api/v1/files`).
    #[serde(default)]
    pub file: Option<String>,
}

/// `record_result`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecordResultBody {
    /// The result.
    pub result: ResultBody,
}

/// `digitise_document`: the scan of a document received on paper, uploaded first through
/// `POST /api/v1/files`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DigitiseBody {
    /// The document's position in the dossier's `documents`.
    pub index: usize,
    /// The stored scan's SHA-256 (hex), as the upload answered.
    #[schema(max_length = 64)]
    pub file: String,
}

/// `extend_with_apology`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ExtendBody {
    /// The new due instant.
    pub new_due: DateTime<Utc>,
    /// The reason for the delay.
    pub reason: String,
}

/// `return_result`: who collected the result. Without a body, the applicant did.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    /// `applicant` (default) or `representative`.
    #[serde(default)]
    pub collected_by: Option<String>,
    /// The representative's full name.
    #[serde(default)]
    pub name: Option<String>,
    /// The number of the identity paper the representative showed.
    #[serde(default)]
    pub id_number: Option<String>,
}

impl ReturnBody {
    /// The collector it names.
    pub fn collector(self) -> Result<Collector, ApiError> {
        match self.collected_by.as_deref().unwrap_or("applicant") {
            "applicant" => Ok(Collector::Applicant),
            "representative" => Ok(Collector::Representative {
                name: self.name.unwrap_or_default().trim().to_owned(),
                id_number: self.id_number.unwrap_or_default().trim().to_owned(),
            }),
            other => Err(ApiError::Invalid(format!(
                "người nhận kết quả \"{other}\" không hợp lệ (applicant, representative)"
            ))),
        }
    }
}

/// `rate`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RateBody {
    /// `very_satisfied`, `satisfied` or `unsatisfied`.
    pub satisfaction: String,
}

fn body<T: DeserializeOwned>(name: &str, fields: &[u8]) -> Result<T, ApiError> {
    let fields = if fields.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        fields
    };
    serde_json::from_slice(fields)
        .map_err(|e| ApiError::Invalid(format!("lệnh \"{name}\" không hợp lệ: {e}")))
}

fn parse<T>(value: Option<T>, what: &str, text: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::Invalid(format!("{what} \"{text}\" không hợp lệ")))
}

/// The command named `name` with the fields in `fields` (a JSON object, or empty).
pub(crate) async fn command(
    state: &AppState,
    name: &str,
    fields: &[u8],
) -> Result<Command, ApiError> {
    let action = Action::parse(name)
        .filter(|a| !a.creates())
        .ok_or_else(|| ApiError::Invalid(format!("không có lệnh \"{name}\"")))?;
    Ok(match action {
        // The verdict on a signature is this system's own: no caller may say it.
        Action::RecordSignatureCheck => {
            return Err(ApiError::Forbidden(
                "chữ ký số chỉ được ghi nhận khi hệ thống xác minh được, không do người gửi khai"
                    .into(),
            ));
        }
        // Destruction follows a list a leader approved, carried out by this system.
        Action::DestroyFiles => {
            return Err(ApiError::Forbidden(
                "tài liệu chỉ được tiêu hủy theo danh mục đã được lãnh đạo phê duyệt \
                 (trang Lưu trữ — Tiêu hủy)"
                    .into(),
            ));
        }
        // A dossier changes unit only when the administrator merges its unit away.
        Action::MoveToSuccessor => {
            return Err(ApiError::Forbidden(
                "hồ sơ chỉ chuyển đơn vị khi quản trị sáp nhập đơn vị (thao tác sáp nhập)".into(),
            ));
        }
        Action::Acknowledge => Command::Acknowledge,
        Action::ReturnResult => Command::ReturnResult {
            collector: body::<ReturnBody>(name, fields)?.collector()?,
        },
        Action::RequestSupplement => {
            let b: RequestSupplementBody = body(name, fields)?;
            Command::RequestSupplement {
                missing: b.missing,
                reason: b.reason,
            }
        }
        Action::SubmitSupplement => {
            let b: SubmitSupplementBody = body(name, fields)?;
            Command::SubmitSupplement {
                documents: b.documents.into_iter().map(Into::into).collect(),
            }
        }
        Action::Refuse => Command::Refuse {
            reason: body::<ReasonBody>(name, fields)?.reason,
        },
        Action::Withdraw => Command::Withdraw {
            reason: body::<ReasonBody>(name, fields)?.reason,
        },
        Action::Assign => {
            let b: AssignBody = body(name, fields)?;
            Command::Assign {
                officer: service::officer(state, &b.username).await?,
            }
        }
        Action::CompleteStep => Command::CompleteStep {
            note: body::<NoteBody>(name, fields)?.note,
        },
        Action::Approve => Command::Approve {
            note: body::<NoteBody>(name, fields)?.note,
        },
        Action::Sign => Command::Sign {
            note: body::<NoteBody>(name, fields)?.note,
        },
        Action::ReturnToStep => {
            let b: ReturnToStepBody = body(name, fields)?;
            Command::ReturnToStep {
                index: b.index,
                reason: b.reason,
            }
        }
        Action::TransferToAgency => {
            let b: TransferBody = body(name, fields)?;
            Command::TransferToAgency {
                agency: AgencyCode::parse(&b.agency)
                    .map_err(|e| ApiError::Invalid(e.to_string()))?,
                sub_code: DossierCode::parse(&b.sub_code)
                    .map_err(|e| ApiError::Invalid(e.to_string()))?,
            }
        }
        Action::RecordTaxNotice => {
            let b: TaxNoticeBody = body(name, fields)?;
            Command::RecordTaxNotice {
                notice: b.notice,
                obligations: b
                    .obligations
                    .into_iter()
                    .map(|c| Charge {
                        code: c.code,
                        name: c.name,
                        amount: c.amount,
                    })
                    .collect(),
            }
        }
        Action::RecordPayment => {
            let b: PaymentBody = body(name, fields)?;
            Command::RecordPayment {
                purpose: parse(PaymentPurpose::parse(&b.purpose), "mục đích", &b.purpose)?,
                reference: b.reference,
                amount: b.amount,
            }
        }
        Action::RecordResult | Action::DraftResult => {
            let b: RecordResultBody = body(name, fields)?;
            let result = ResultRecord {
                name: b.result.name,
                electronic: b.result.file.is_some(),
                file: b.result.file,
                signed: false,
            };
            if action == Action::DraftResult {
                Command::DraftResult { result }
            } else {
                Command::RecordResult { result }
            }
        }
        Action::DigitiseDocument => {
            let b: DigitiseBody = body(name, fields)?;
            Command::DigitiseDocument {
                index: b.index,
                file: b.file,
            }
        }
        Action::ExtendWithApology => {
            let b: ExtendBody = body(name, fields)?;
            Command::ExtendWithApology {
                new_due: b.new_due,
                reason: b.reason,
            }
        }
        Action::Rate => {
            let b: RateBody = body(name, fields)?;
            Command::Rate {
                satisfaction: parse(
                    Satisfaction::parse(&b.satisfaction),
                    "mức độ hài lòng",
                    &b.satisfaction,
                )?,
            }
        }
        Action::SubmitOnline | Action::ReceiveAtCounter | Action::OpenSubDossier => {
            return Err(ApiError::Invalid(
                "hồ sơ mới được tạo qua POST /api/v1/dossiers".into(),
            ));
        }
    })
}
