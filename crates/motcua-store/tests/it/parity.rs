//! The two migration folders must build the same schema: same tables, same columns in the
//! same order, same nullability, and types of the same kind.

use std::collections::BTreeMap;

use motcua_store::Db;
use sqlx::Row;

use crate::support;

type Schema = BTreeMap<String, Vec<(String, String, bool)>>;

/// Maps an engine's type name to the kind both engines share.
fn kind(ty: &str) -> String {
    match ty.to_ascii_lowercase().as_str() {
        "text" | "character varying" => "text",
        "integer" | "bigint" | "int8" | "int4" => "integer",
        "timestamp with time zone" => "instant (TEXT on SQLite)",
        "date" => "date (TEXT on SQLite)",
        "jsonb" => "json (TEXT on SQLite)",
        "uuid" => "uuid (BLOB on SQLite)",
        "boolean" => "boolean",
        "real" | "double precision" => "real",
        "blob" | "bytea" => "bytes",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// SQLite declares instants, dates and JSON as TEXT; accept those where PostgreSQL has them.
fn compatible(sqlite: &str, pg: &str) -> bool {
    sqlite == pg
        || (sqlite == "text" && pg.ends_with("(TEXT on SQLite)"))
        || (sqlite == "bytes" && pg == "uuid (BLOB on SQLite)")
        || (sqlite == "integer" && pg == "boolean")
}

async fn describe(db: &Db) -> Schema {
    let mut schema = Schema::new();
    match db {
        Db::Sqlite(pool, _) => {
            let tables = sqlx::query(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for t in tables {
                let table: String = t.get("name");
                let cols =
                    sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
                        .bind(&table)
                        .fetch_all(pool)
                        .await
                        .unwrap();
                let cols = cols
                    .iter()
                    .map(|c| {
                        let not_null = c.get::<i64, _>("notnull") == 1 || c.get::<i64, _>("pk") > 0;
                        (c.get("name"), kind(&c.get::<String, _>("type")), not_null)
                    })
                    .collect();
                schema.insert(table, cols);
            }
        }
        Db::Postgres(pool) => {
            let cols = sqlx::query(
                "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty, \
                 is_nullable::text AS n FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
                 ORDER BY table_name, ordinal_position",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for c in cols {
                schema.entry(c.get("t")).or_default().push((
                    c.get("c"),
                    kind(&c.get::<String, _>("ty")),
                    c.get::<String, _>("n") == "NO",
                ));
            }
        }
    }
    schema
}

#[tokio::test]
async fn both_migration_folders_build_the_same_schema() {
    let sqlite = support::sqlite().await;
    let lite = describe(&sqlite.db).await;
    assert!(lite.contains_key("calendar_documents"));
    let Some(pg) = support::postgres().await else {
        sqlite.finish().await;
        return;
    };
    let post = describe(&pg.db).await;
    assert_eq!(
        lite.keys().collect::<Vec<_>>(),
        post.keys().collect::<Vec<_>>(),
        "tables differ"
    );
    for (table, lite_cols) in &lite {
        let pg_cols = &post[table];
        assert_eq!(lite_cols.len(), pg_cols.len(), "{table}: column count");
        for (l, p) in lite_cols.iter().zip(pg_cols) {
            assert_eq!(l.0, p.0, "{table}: column order");
            assert!(
                compatible(&l.1, &p.1),
                "{table}.{}: {} vs {}",
                l.0,
                l.1,
                p.1
            );
            assert_eq!(l.2, p.2, "{table}.{}: nullability", l.0);
        }
    }
    sqlite.finish().await;
    pg.finish().await;
}
