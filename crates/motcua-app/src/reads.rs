//! The personal-data access log as a use case (DOMAIN.md §11, Law 91/2025): every time staff
//! open a citizen's dossier, one of its documents, its result or a certified copy, who, when,
//! what and why is appended. The purpose is the actor's part in the matter, named by their
//! role; a citizen reading their own data is not logged.

use motcua_core::catalog::Role;
use motcua_core::dossier::{Actor, ActorKind};
use motcua_store::PersonalDataRead;

use crate::{App, AppError};

/// Why someone in `role` opens a citizen's data.
fn purpose(kind: &ActorKind) -> &'static str {
    match kind {
        ActorKind::Staff(Role::DeskOfficer) => "Tiếp nhận, trả kết quả hồ sơ",
        ActorKind::Staff(Role::Specialist) => "Thẩm định, giải quyết hồ sơ",
        ActorKind::Staff(Role::Leader) => "Chỉ đạo, phê duyệt, ký kết quả",
        ActorKind::Staff(Role::Supervisor) => "Giám sát, theo dõi, báo cáo",
        ActorKind::Staff(Role::Administrator) => "Quản trị hệ thống",
        ActorKind::Applicant => "Người nộp hồ sơ xem hồ sơ của mình",
        ActorKind::System(_) => "Hệ thống liên thông",
    }
}

impl App {
    /// Logs that `who` opened `object` of `subject`'s data (in `dossier`, when it is one's).
    pub async fn record_read(
        &self,
        who: &Actor,
        subject: &str,
        dossier: Option<uuid::Uuid>,
        object: &str,
    ) -> Result<(), AppError> {
        if matches!(who.kind, ActorKind::Applicant) && who.is_person(subject) {
            return Ok(());
        }
        let read = PersonalDataRead {
            at: self.now(),
            actor_id: who.id.clone(),
            actor_name: who.name.clone(),
            subject: subject.to_owned(),
            dossier,
            object: object.to_owned(),
            purpose: purpose(&who.kind).to_owned(),
        };
        Ok(self.db().record_read(&read).await?)
    }

    /// The latest openings of a dossier's data.
    pub async fn reads_of_dossier(
        &self,
        dossier: uuid::Uuid,
    ) -> Result<Vec<PersonalDataRead>, AppError> {
        Ok(self.db().reads_of_dossier(dossier, 50).await?)
    }
}
