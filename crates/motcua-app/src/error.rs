//! Why a use case did not happen, in the domain's words; the edges map these to HTTP statuses,
//! page messages or exit codes.

use motcua_core::dossier::DossierError;
use motcua_store::{CommandError, StoreError};

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The domain refused it.
    #[error(transparent)]
    Domain(#[from] DossierError),
    /// Someone else changed the dossier first (stale version).
    #[error("hồ sơ đã được người khác cập nhật (phiên bản hiện tại {current})")]
    Conflict {
        /// The version now stored.
        current: u64,
    },
    /// No such procedure (or version) in the catalogue.
    #[error("không có thủ tục {0}")]
    UnknownProcedure(String),
    /// The actor may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The input breaks a rule (said in Vietnamese, for the person who typed it).
    #[error("{0}")]
    Invalid(String),
    /// No such object.
    #[error("{0}")]
    NotFound(String),
    /// The database failed, or a stored record could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CommandError> for AppError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Domain(d) => Self::Domain(d),
            CommandError::Conflict { current } => Self::Conflict { current },
            CommandError::Store(s) => Self::Store(s),
        }
    }
}
