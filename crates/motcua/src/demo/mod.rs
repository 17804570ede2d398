//! `motcua demo`: a working province to try the system on — Thành phố Đà Nẵng with its
//! agencies, staff of every role, the seed catalogue, and a few hundred dossiers in every
//! state (some overdue, some paused), made by running real commands through the decider over
//! the past weeks. Seeding happens once; later runs reuse the database.

mod generate;
pub mod land;
mod seed;

pub use generate::{generate_bulk, generate_dossiers};
/// The demo's sample scan: a valid one-page PDF that says it is demo data.
pub fn sample_pdf() -> Vec<u8> {
    motcua_web::sample_pdf::one_page_pdf(
        "motcua - ban quet mau (du lieu demo, khong phai giay to that)",
    )
}
pub use seed::{DEMO_PASSWORD, STAFF, seed_reference, trust_sim_ca};
