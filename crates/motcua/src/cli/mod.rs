//! Command-line arguments and the shared pieces of every command: language, output, database.

mod accounts;
mod audit;
mod backup;
mod backup_format;
mod bench;
mod calendar;
mod catalog;
mod deadline;
mod demo;
mod export;
mod files;
mod import;
mod import_files;
mod import_table;
mod init;
mod land;
mod lunar;
mod progress;
mod pull;
mod reconcile;
mod report;
mod serve;
mod sheet;
mod targets;
mod units;
mod worker;

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};
use motcua_core::calendar::{CalendarData, builtin_data, parse_document};
use motcua_store::Db;

/// motcua — hệ thống một cửa điện tử (electronic one-stop shop for administrative procedures).
#[derive(Debug, Parser)]
#[command(name = "motcua", version, about)]
pub struct Cli {
    /// Database URL: sqlite:PATH (default) or postgres://…
    #[arg(
        long,
        global = true,
        env = "MOTCUA_DATABASE_URL",
        default_value = "sqlite:motcua.db"
    )]
    pub database_url: String,
    /// Language of human output.
    #[arg(long, global = true, value_enum, default_value = "vi")]
    pub lang: Lang,
    /// Print JSON for machines instead of text for people.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// Output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Tiếng Việt.
    Vi,
    /// English.
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up a database for a province: units, agencies, catalogue, first administrator.
    Init(init::InitArgs),
    /// Create or update the database schema.
    Migrate,
    /// Run the web service (REST API, pages) on the database.
    Serve(Box<serve::ServeArgs>),
    /// Benchmark harness: seed a database with realistic dossiers.
    Bench(bench::BenchArgs),
    /// Open the dossiers citizens filed on the national portal since the last pull.
    Pull(pull::PullArgs),
    /// Compare every dossier with the national portal's copy; list the differences.
    Reconcile(reconcile::ReconcileArgs),
    /// Deliver the outbox's messages (notifications, national-portal sync) without serving pages.
    Worker(worker::WorkerArgs),
    /// Seed a demo province (once) and run the service on it.
    Demo(demo::DemoArgs),
    /// Days off and swapped working days of a year; import schedules.
    Calendar(calendar::CalendarArgs),
    /// Convert a solar date to the Vietnamese lunar calendar.
    Lunar(lunar::LunarArgs),
    /// Convert a lunar date to the solar calendar.
    Solar(lunar::SolarArgs),
    /// Compute a due instant from a receipt instant and a statutory time.
    Deadline(deadline::DeadlineArgs),
    /// The procedure catalogue: validate, import, export, diff.
    #[command(subcommand)]
    Catalog(catalog::CatalogAction),
    /// Administrative units (provinces and communes).
    #[command(subcommand)]
    Units(units::UnitsAction),
    /// Agencies and their electronic identifiers.
    #[command(subcommand)]
    Agencies(units::AgenciesAction),
    /// The periodic report (and, as text, the Decision 766 indicators) for a period.
    Report(report::ReportArgs),
    /// The Decision 766 indicators held in dossiers for a period.
    Kpi(report::ReportArgs),
    /// The plans' targets: import a plan file, list, delete.
    #[command(subcommand)]
    Targets(targets::TargetsAction),
    /// Staff accounts: create, list, disable, unlock, reset password or second factor.
    #[command(subcommand)]
    Accounts(accounts::AccountsAction),
    /// The land register: import a province's register files, write the demo's sample.
    #[command(subcommand)]
    Land(land::LandAction),
    /// Write the dossiers out as the national portal's records (what `import` reads).
    #[command(subcommand)]
    Export(export::ExportAction),
    /// Bring in another system's data: dossiers from its exports.
    #[command(subcommand)]
    Import(import::ImportAction),
    /// Recompute every dossier's hash chain; fails naming the first broken link.
    VerifyAudit,
    /// Write an encrypted, consistent backup of the database and the scans, taken online.
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty place, then check it (verify-audit, counts, scans).
    Restore(backup::RestoreArgs),
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        database_url: cli.database_url,
        lang: cli.lang,
        json: cli.json,
    };
    match cli.command {
        Command::Migrate => {
            open_db(&ctx.database_url).await?;
            ctx.print(&match ctx.lang {
                Lang::Vi => format!(
                    "Cơ sở dữ liệu đã được cập nhật: {}",
                    redact(&ctx.database_url)
                ),
                Lang::En => format!("Database is up to date: {}", redact(&ctx.database_url)),
            })
        }
        Command::Init(args) => init::run(&ctx, args).await,
        Command::Accounts(action) => accounts::run(&ctx, action).await,
        Command::Report(args) => report::run(&ctx, args).await,
        Command::Kpi(mut args) => {
            args.kpi = true;
            report::run(&ctx, args).await
        }
        Command::Targets(action) => targets::run(&ctx, action).await,
        Command::Serve(args) => serve::run(&ctx, *args).await,
        Command::Worker(args) => worker::run(&ctx, args).await,
        Command::Reconcile(args) => reconcile::run(&ctx, args).await,
        Command::Pull(args) => pull::run(&ctx, args).await,
        Command::Bench(args) => bench::run(&ctx, args).await,
        Command::Demo(args) => demo::run(&ctx, args).await,
        Command::Calendar(args) => calendar::run(&ctx, args).await,
        Command::Lunar(args) => lunar::run_lunar(&ctx, &args),
        Command::Solar(args) => lunar::run_solar(&ctx, &args),
        Command::Deadline(args) => deadline::run(&ctx, args).await,
        Command::Catalog(action) => catalog::run(&ctx, action).await,
        Command::Units(action) => units::run_units(&ctx, action).await,
        Command::Agencies(action) => units::run_agencies(&ctx, action).await,
        Command::Land(action) => land::run(&ctx, action).await,
        Command::Import(action) => import::run(&ctx, action).await,
        Command::Export(action) => export::run(&ctx, action).await,
        Command::VerifyAudit => audit::run(&ctx).await,
        Command::Backup(args) => backup::backup(&ctx, args).await,
        Command::Restore(args) => backup::restore(&ctx, args).await,
    }
}

/// What every command needs to know about the invocation.
pub struct Ctx {
    pub database_url: String,
    pub lang: Lang,
    pub json: bool,
}

impl Ctx {
    /// Writes a line to stdout; a closed pipe (`| head`) is not an error.
    pub fn print(&self, text: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{text}") {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        }
    }

    /// Prints a JSON value.
    pub fn print_json(&self, value: &serde_json::Value) -> Result<()> {
        self.print(&serde_json::to_string_pretty(value)?)
    }

    /// Vietnamese or English, as asked.
    pub fn pick<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// The shipped holiday data plus what an administrator imported, if the database exists.
    /// Reading never creates a database.
    pub async fn calendar_data(&self) -> Result<Arc<CalendarData>> {
        let mut data = builtin_data().context("dữ liệu lịch kèm theo bản phát hành bị lỗi")?;
        if database_exists(&self.database_url) {
            let db = open_db(&self.database_url).await?;
            for doc in db.calendar_documents().await? {
                data.add(parse_document(&doc.name, &doc.body)?);
            }
            db.close().await;
        }
        Ok(Arc::new(data))
    }
}

/// Connects and migrates.
pub async fn open_db(url: &str) -> Result<Db> {
    let db = Db::connect(url)
        .await
        .with_context(|| format!("không kết nối được cơ sở dữ liệu {}", redact(url)))?;
    db.migrate()
        .await
        .context("không cập nhật được lược đồ cơ sở dữ liệu")?;
    Ok(db)
}

/// A PostgreSQL URL names a server that exists; a SQLite URL, a file that may not.
fn database_exists(url: &str) -> bool {
    match url.strip_prefix("sqlite:") {
        Some(rest) => {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or(path);
            path != ":memory:" && Path::new(path).exists()
        }
        None => true,
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = url.get(scheme + 3..at).unwrap_or("");
            let user = userinfo.split(':').next().unwrap_or("");
            format!(
                "{}{user}:***{}",
                url.get(..scheme + 3).unwrap_or(""),
                url.get(at..).unwrap_or("")
            )
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite:motcua.db"), "sqlite:motcua.db");
    }

    #[test]
    fn a_missing_sqlite_file_is_not_opened_for_reading() {
        assert!(!database_exists("sqlite:/nonexistent/motcua.db"));
        assert!(!database_exists("sqlite::memory:"));
        assert!(database_exists("postgres://h/db"));
    }
}
