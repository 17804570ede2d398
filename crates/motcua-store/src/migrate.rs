//! Schema migrations: two folders of plain SQL (one per engine) compiled into the binary.
//!
//! Both folders must describe the same schema; the parity test in `tests/it` compares them.
//! Migrations follow expand/contract: a release's migrations must work with the previous
//! release's code, because they run before the new code serves.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::db::Db;
use crate::error::StoreError;

/// (version, description, SQLite text, PostgreSQL text)
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "calendar",
        include_str!("../migrations/sqlite/0001_calendar.sql"),
        include_str!("../migrations/postgres/0001_calendar.sql"),
    ),
    (
        2,
        "units catalog dossiers",
        include_str!("../migrations/sqlite/0002_units_catalog_dossiers.sql"),
        include_str!("../migrations/postgres/0002_units_catalog_dossiers.sql"),
    ),
    (
        3,
        "accounts",
        include_str!("../migrations/sqlite/0003_accounts.sql"),
        include_str!("../migrations/postgres/0003_accounts.sql"),
    ),
    (
        4,
        "current step",
        include_str!("../migrations/sqlite/0004_current_step.sql"),
        include_str!("../migrations/postgres/0004_current_step.sql"),
    ),
    (
        5,
        "clock stopped",
        include_str!("../migrations/sqlite/0005_clock_stopped.sql"),
        include_str!("../migrations/postgres/0005_clock_stopped.sql"),
    ),
    (
        6,
        "citizens",
        include_str!("../migrations/sqlite/0006_citizens.sql"),
        include_str!("../migrations/postgres/0006_citizens.sql"),
    ),
    (
        7,
        "dead letters",
        include_str!("../migrations/sqlite/0007_dead_letters.sql"),
        include_str!("../migrations/postgres/0007_dead_letters.sql"),
    ),
    (
        8,
        "message log",
        include_str!("../migrations/sqlite/0008_message_log.sql"),
        include_str!("../migrations/postgres/0008_message_log.sql"),
    ),
    (
        9,
        "external code",
        include_str!("../migrations/sqlite/0009_external_code.sql"),
        include_str!("../migrations/postgres/0009_external_code.sql"),
    ),
    (
        10,
        "work queue",
        include_str!("../migrations/sqlite/0010_work_queue.sql"),
        include_str!("../migrations/postgres/0010_work_queue.sql"),
    ),
    (
        11,
        "public view",
        include_str!("../migrations/sqlite/0011_public_view.sql"),
        include_str!("../migrations/postgres/0011_public_view.sql"),
    ),
    (
        12,
        "registry evidence",
        include_str!("../migrations/sqlite/0012_registry_evidence.sql"),
        include_str!("../migrations/postgres/0012_registry_evidence.sql"),
    ),
    (
        13,
        "province setup",
        include_str!("../migrations/sqlite/0013_province_setup.sql"),
        include_str!("../migrations/postgres/0013_province_setup.sql"),
    ),
    (
        14,
        "second factor",
        include_str!("../migrations/sqlite/0014_second_factor.sql"),
        include_str!("../migrations/postgres/0014_second_factor.sql"),
    ),
    (
        15,
        "token last use",
        include_str!("../migrations/sqlite/0015_token_last_use.sql"),
        include_str!("../migrations/postgres/0015_token_last_use.sql"),
    ),
    (
        16,
        "agency settings",
        include_str!("../migrations/sqlite/0016_agency_settings.sql"),
        include_str!("../migrations/postgres/0016_agency_settings.sql"),
    ),
    (
        17,
        "kpi rollup",
        include_str!("../migrations/sqlite/0017_kpi_rollup.sql"),
        include_str!("../migrations/postgres/0017_kpi_rollup.sql"),
    ),
    (
        18,
        "sign-in throttle",
        include_str!("../migrations/sqlite/0018_sign_in_throttle.sql"),
        include_str!("../migrations/postgres/0018_sign_in_throttle.sql"),
    ),
    (
        19,
        "search terms",
        include_str!("../migrations/sqlite/0019_search_terms.sql"),
        include_str!("../migrations/postgres/0019_search_terms.sql"),
    ),
    (
        20,
        "queue tickets",
        include_str!("../migrations/sqlite/0020_queue_tickets.sql"),
        include_str!("../migrations/postgres/0020_queue_tickets.sql"),
    ),
    (
        21,
        "feedback",
        include_str!("../migrations/sqlite/0021_feedback.sql"),
        include_str!("../migrations/postgres/0021_feedback.sql"),
    ),
    (
        22,
        "signing requests",
        include_str!("../migrations/sqlite/0022_signing_requests.sql"),
        include_str!("../migrations/postgres/0022_signing_requests.sql"),
    ),
    (
        23,
        "certified copies",
        include_str!("../migrations/sqlite/0023_certified_copies.sql"),
        include_str!("../migrations/postgres/0023_certified_copies.sql"),
    ),
    (
        24,
        "personal data reads",
        include_str!("../migrations/sqlite/0024_personal_data_reads.sql"),
        include_str!("../migrations/postgres/0024_personal_data_reads.sql"),
    ),
    (
        25,
        "destruction lists",
        include_str!("../migrations/sqlite/0025_destruction_lists.sql"),
        include_str!("../migrations/postgres/0025_destruction_lists.sql"),
    ),
    (
        26,
        "land register",
        include_str!("../migrations/sqlite/0026_land_register.sql"),
        include_str!("../migrations/postgres/0026_land_register.sql"),
    ),
    (
        27,
        "land change sets",
        include_str!("../migrations/sqlite/0027_land_change_sets.sql"),
        include_str!("../migrations/postgres/0027_land_change_sets.sql"),
    ),
    (
        28,
        "land links and names",
        include_str!("../migrations/sqlite/0028_land_links.sql"),
        include_str!("../migrations/postgres/0028_land_links.sql"),
    ),
    (
        29,
        "token scopes",
        include_str!("../migrations/sqlite/0029_token_scopes.sql"),
        include_str!("../migrations/postgres/0029_token_scopes.sql"),
    ),
    (
        30,
        "land lookup entries where a key begins",
        include_str!("../migrations/sqlite/0030_land_keyed.sql"),
        include_str!("../migrations/postgres/0030_land_keyed.sql"),
    ),
    (
        31,
        "land versions closed by their successor or a tombstone",
        include_str!("../migrations/sqlite/0031_land_tombstones.sql"),
        include_str!("../migrations/postgres/0031_land_tombstones.sql"),
    ),
];

fn migrator(postgres: bool) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, description, sqlite, pg)| {
                let sql = if postgres { pg } else { sqlite };
                Migration::new(
                    *version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

impl Db {
    /// Brings the schema up to date. Safe to run concurrently (PostgreSQL takes a lock).
    /// Data a migration asked to derive from what is stored (the KPI rollup of the dossiers
    /// already there) is built here, once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(pool, _) => migrator(false).run(pool).await?,
            Self::Postgres(pool) => migrator(true).run(pool).await?,
        }
        self.build_rollup_if_needed().await?;
        self.build_search_terms_if_needed().await?;
        Ok(())
    }
}
