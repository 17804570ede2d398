//! The `motcua` binary as its users run it: the real executable, its output and exit status.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: an unwrap failing is the test failing"
)]

mod backup;
mod calendar;
mod catalog_audit;
mod demo;
mod files;
mod import;
mod import_files;
mod import_table;
mod init;
mod land;

/// Runs the binary in `dir` with `args`, on the database there (the environment's ignored).
pub(crate) fn motcua(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .output()
        .unwrap()
}
