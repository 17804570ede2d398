//! `motcua demo`: a working province to try the system on — Thành phố Đà Nẵng with its
//! agencies, staff of every role, the seed catalogue, and a few hundred dossiers in every
//! state (some overdue, some paused), made by running real commands through the decider over
//! the past weeks. Seeding happens once; later runs reuse the database.

mod generate;
mod scan;
mod seed;

pub use generate::{generate_bulk, generate_dossiers};
pub use scan::sample_pdf;
pub use seed::{DEMO_PASSWORD, STAFF, seed_reference};
