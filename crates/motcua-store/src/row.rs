//! Decoding rows from either driver into plain structs.
//!
//! sqlx's `FromRow` derive would pull in its proc-macro crate, which links both database
//! drivers a second time (minutes of build on two cores). A row struct here lists its
//! columns once in [`db_row!`]; the macro writes the same field-by-field decoding for each
//! driver's row type.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// A struct that can be read from a row of either database.
pub(crate) trait DbRow: Sized {
    fn from_sqlite(row: &SqliteRow) -> Result<Self, sqlx::Error>;
    fn from_pg(row: &PgRow) -> Result<Self, sqlx::Error>;
}

/// Implements [`DbRow`] for a struct whose fields are named like its columns.
macro_rules! db_row {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $crate::row::DbRow for $ty {
            fn from_sqlite(row: &sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row as _;
                Ok(Self { $($field: row.try_get(stringify!($field))?),* })
            }
            fn from_pg(row: &sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row as _;
                Ok(Self { $($field: row.try_get(stringify!($field))?),* })
            }
        }
    };
}
pub(crate) use db_row;
