//! The land register (sổ địa chính), modelled on LADM (ISO 19152): parties (người sử dụng
//! đất: persons, organisations, households and groups with shares), parcels (thửa đất) with
//! their shapes, attached assets (tài sản gắn liền với đất), certificates (Giấy chứng nhận,
//! GCN) and the rights, restrictions and responsibilities (RRR) that bind them, each backed by
//! its source document.
//!
//! Every object is kept as versions with a lifespan (begin, end): a change never overwrites,
//! it ends the current version and begins the next, naming the dossier that made it. So the
//! register reads as it stood at any instant ([`history::as_of`]), and a change set prepared
//! against one state is refused once another has moved an object it touches
//! ([`change::ChangeSet::apply`]).
//!
//! Pure: no I/O, no clock; instants come in from the caller.

pub mod change;
pub mod csv;
pub mod display;
pub mod history;
pub mod import;
pub mod intent;
#[cfg(test)]
mod intent_tests;
mod model;
#[cfg(test)]
mod tests;

pub use change::{ChangeSet, Conflict, LandWrite, Op};
pub use history::{Version, as_of, current};
pub use intent::{ChangeKind, Holding, Intent, NewCertificate, NewHolder, build};
pub use model::{
    Asset, Certificate, Crs, Holder, LandObject, LandRef, ObjectId, ObjectKind, Parcel,
    ParcelNumber, Party, PartyKind, Rrr, RrrKind, Source,
};
