//! Both migration sets must produce exactly the tables and columns that `schema.rs` declares.

use std::collections::BTreeSet;

use disinfo_desk::storage::{Backend, introspect_columns};

use crate::helpers::spawn_app;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    table: String,
    column: String,
    diesel_type: String,
    nullable: bool,
}

/// Reads `diesel::table!` blocks from schema.rs: `name (pk) { column -> Type, ... }`.
fn declared_columns() -> (BTreeSet<Column>, BTreeSet<(String, String)>) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/storage/schema.rs"
    ))
    .expect("schema.rs readable");
    let mut columns = BTreeSet::new();
    let mut primary_keys = BTreeSet::new();
    let mut table: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some((name, rest)) = line.split_once(" (")
            && rest.ends_with(") {")
            && !name.contains(' ')
        {
            let pk = rest.trim_end_matches(") {").to_string();
            primary_keys.insert((name.to_string(), pk));
            table = Some(name.to_string());
            continue;
        }
        if line == "}" {
            table = None;
            continue;
        }
        if let (Some(table), Some((column, ty))) = (&table, line.split_once(" -> ")) {
            let ty = ty.trim_end_matches(',');
            let (nullable, inner) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (true, inner.trim_end_matches('>')),
                None => (false, ty),
            };
            columns.insert(Column {
                table: table.clone(),
                column: column.to_string(),
                diesel_type: inner.to_string(),
                nullable,
            });
        }
    }
    assert!(
        columns.len() > 20,
        "parsed too few columns from schema.rs: {columns:?}"
    );
    (columns, primary_keys)
}

/// The SQL type each backend must declare for a diesel type.
fn expected_sql_type(backend: Backend, diesel_type: &str, is_primary_key: bool) -> &'static str {
    match (backend, diesel_type) {
        // An SQLite rowid key must be declared INTEGER to be the rowid; it holds 64 bits.
        (Backend::Sqlite, "BigInt") if is_primary_key => "integer",
        (Backend::Sqlite, "BigInt") | (Backend::Postgres, "BigInt") => "bigint",
        (_, "Integer") => "integer",
        (_, "Text") => "text",
        (_, "Bool") => "boolean",
        (Backend::Sqlite, "Binary") => "blob",
        (Backend::Postgres, "Binary") => "bytea",
        (Backend::Sqlite, "Timestamp") => "timestamp",
        (Backend::Postgres, "Timestamp") => "timestamp without time zone",
        (_, other) => {
            panic!("schema.rs uses {other}, which this test does not know for both backends")
        }
    }
}

#[tokio::test]
async fn migrations_match_schema_rs() {
    let app = spawn_app().await;
    let backend = app.db.backend();
    let (declared, primary_keys) = declared_columns();
    let expected: BTreeSet<(String, String, String, bool)> = declared
        .iter()
        .map(|c| {
            let pk = primary_keys.contains(&(c.table.clone(), c.column.clone()));
            (
                c.table.clone(),
                c.column.clone(),
                expected_sql_type(backend, &c.diesel_type, pk).to_string(),
                c.nullable,
            )
        })
        .collect();
    let db = app.db.clone();
    let live: BTreeSet<(String, String, String, bool)> = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().expect("connection");
        introspect_columns(&mut conn).expect("introspection")
    })
    .await
    .expect("task")
    .into_iter()
    .map(|c| (c.table, c.column, c.sql_type, c.nullable))
    .collect();
    let missing: Vec<_> = expected.difference(&live).collect();
    let extra: Vec<_> = live.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{backend:?} migrations differ from schema.rs\n declared but not in the database: {missing:#?}\n in the database but not declared: {extra:#?}"
    );
}

#[test]
fn both_migration_folders_have_the_same_migrations() {
    let names = |dir: &str| -> BTreeSet<String> {
        std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
            .expect("migrations dir")
            .flatten()
            .filter(|e| e.path().join("up.sql").exists() && e.path().join("down.sql").exists())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
}
