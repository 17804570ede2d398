//! The dossier (hồ sơ) as a decider: `decide(state, command, context) -> events` and
//! `apply(state, event) -> state`. The events are the legal history (the control sheet,
//! Mẫu 05, is drawn from them); the state is their fold. No I/O, no clock.

mod action;
mod apply;
mod change;
mod command;
mod decide;
mod event;
mod model;
mod public;
pub mod search;
mod signature;
#[cfg(test)]
mod tests;

pub use action::{Action, available_actions, guard};
pub use apply::{apply, replay};
pub use change::Change;
pub use command::{Actor, ActorKind, Command, Context, ExternalSystem, NewDossier};
pub use decide::decide;
pub use event::Event;
pub use model::*;
pub use public::{PublicStep, PublicView, check_matches, lookup_check, mask_name};
pub use signature::{SignatureCheck, SignedTarget};

use crate::calendar::deadline::DeadlineError;

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DossierError {
    /// No dossier with that id.
    #[error("không tìm thấy hồ sơ")]
    NotFound,
    /// The dossier exists already.
    #[error("hồ sơ đã tồn tại")]
    AlreadyExists,
    /// Handling is over.
    #[error("hồ sơ đã kết thúc ({})", .0.label_vi())]
    Terminal(Status),
    /// The command does not apply in this status.
    #[error("không thể thực hiện \"{command}\" khi hồ sơ ở trạng thái \"{}\"", .status.label_vi())]
    NotAllowed {
        /// The command.
        command: &'static str,
        /// The status.
        status: Status,
    },
    /// The current step is not of the kind the command handles.
    #[error("bước hiện tại là \"{actual}\", không phải bước loại {expected}")]
    WrongStep {
        /// The kind needed.
        expected: &'static str,
        /// The current step's name.
        actual: String,
    },
    /// There is no step in progress.
    #[error("hồ sơ không có bước đang xử lý")]
    NoCurrentStep,
    /// The actor may not do this.
    #[error("không có quyền: {0}")]
    Forbidden(String),
    /// The request itself is wrong.
    #[error("{0}")]
    Invalid(String),
    /// A payment reference was recorded already.
    #[error("khoản thanh toán {0} đã được ghi nhận")]
    DuplicatePayment(String),
    /// The result cannot be returned before the fees are paid.
    #[error("chưa nộp đủ phí, lệ phí: cần {due} đồng, đã nộp {paid} đồng")]
    FeesUnpaid {
        /// Amount due.
        due: i64,
        /// Amount paid.
        paid: i64,
    },
    /// A due instant could not be computed.
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
    /// Handled on another system (the ministry's central one): held here to read only.
    #[error("hồ sơ được giải quyết trên {0}; tại đây chỉ để tra cứu và thống kê")]
    HandledElsewhere(String),
    /// A stored history is inconsistent.
    #[error("lịch sử hồ sơ không hợp lệ: {0}")]
    InvalidHistory(&'static str),
}
