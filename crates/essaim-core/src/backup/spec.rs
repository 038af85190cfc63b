//! The tables to save and the type of each column, read from `schema.rs` itself.
//!
//! `schema.rs` is the one hand-kept, typed description of the tables both backends share
//! (docs/architecture.md): reading the backup's table list from it, rather than from a second
//! list kept by hand, means a table added there is saved without anyone remembering the backup.
//! A table the database holds but `schema.rs` does not, or a column type this module does not
//! know, stops the backup with its name (`catalog::check_against_spec`); a test compares this
//! list with the tables the migrations create, on both backends.

use std::sync::OnceLock;

use super::BackupError;

/// The text of the schema, compiled in.
const SCHEMA_SOURCE: &str = include_str!("../schema.rs");

/// The type of a column, as the archive names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier: native `uuid` on PostgreSQL, text on SQLite.
    Uuid,
    /// Text.
    Text,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    BigInt,
    /// A boolean (0/1 on SQLite).
    Bool,
    /// An instant in UTC, at the microsecond.
    Timestamp,
    /// A calendar date.
    Date,
    /// Bytes.
    Binary,
}

impl Kind {
    /// The name used in the archive's header.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Uuid => "uuid",
            Kind::Text => "text",
            Kind::Integer => "integer",
            Kind::BigInt => "bigint",
            Kind::Bool => "boolean",
            Kind::Timestamp => "timestamp",
            Kind::Date => "date",
            Kind::Binary => "binary",
        }
    }

    /// The kind named `name` in an archive's header.
    pub fn parse(name: &str) -> Option<Kind> {
        [Kind::Uuid, Kind::Text, Kind::Integer, Kind::BigInt, Kind::Bool, Kind::Timestamp, Kind::Date, Kind::Binary]
            .into_iter()
            .find(|k| k.as_str() == name)
    }

    /// The kind of a diesel SQL type as written in `schema.rs`.
    fn from_diesel(name: &str) -> Option<Kind> {
        Some(match name {
            "SqlUuid" => Kind::Uuid,
            "Text" => Kind::Text,
            "Integer" => Kind::Integer,
            "BigInt" => Kind::BigInt,
            "Bool" => Kind::Bool,
            "Timestamp" => Kind::Timestamp,
            "Date" => Kind::Date,
            "Binary" => Kind::Binary,
            _ => return None,
        })
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Its name.
    pub name: String,
    /// Its type.
    pub kind: Kind,
    /// Whether it may be NULL.
    pub nullable: bool,
}

/// One table: its columns in the schema's order and its primary key (the backup's page order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    /// Its name.
    pub name: String,
    /// Its columns.
    pub columns: Vec<ColumnSpec>,
    /// The columns of its primary key, in order.
    pub primary_key: Vec<String>,
}

impl TableSpec {
    /// The positions of the primary key's columns among `columns`.
    pub fn key_positions(&self) -> Vec<usize> {
        self.primary_key.iter().filter_map(|k| self.columns.iter().position(|c| &c.name == k)).collect()
    }
}

/// Every table of the schema, sorted by name; parsed once.
pub fn tables() -> Result<&'static [TableSpec], BackupError> {
    static TABLES: OnceLock<Result<Vec<TableSpec>, String>> = OnceLock::new();
    match TABLES.get_or_init(|| parse_schema(SCHEMA_SOURCE)) {
        Ok(tables) => Ok(tables),
        Err(reason) => Err(BackupError::Schema(reason.clone())),
    }
}

/// Reads every `diesel::table!` block of a schema file.
pub fn parse_schema(source: &str) -> Result<Vec<TableSpec>, String> {
    let mut tables = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("diesel::table!") {
        rest = &rest[start + "diesel::table!".len()..];
        let mut current: Option<TableSpec> = None;
        let mut consumed = 0;
        for line in rest.lines() {
            consumed += line.len() + 1;
            let line = line.trim();
            if line.is_empty() || line == "{" || line.starts_with("use ") || line.starts_with("//") {
                continue;
            }
            match &mut current {
                None => current = Some(parse_table_line(line)?),
                Some(table) => {
                    if line == "}" {
                        break;
                    }
                    table.columns.push(parse_column_line(&table.name, line)?);
                }
            }
        }
        rest = &rest[consumed.min(rest.len())..];
        let table = current.ok_or("bloc diesel::table! vide")?;
        for key in &table.primary_key {
            if !table.columns.iter().any(|c| &c.name == key) {
                return Err(format!("table {} : clé primaire {key} absente des colonnes", table.name));
            }
        }
        tables.push(table);
    }
    if tables.is_empty() {
        return Err("aucune table dans schema.rs".into());
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tables)
}

/// `name (key, key) {`
fn parse_table_line(line: &str) -> Result<TableSpec, String> {
    let (name, rest) = line.split_once('(').ok_or_else(|| format!("ligne de table illisible : {line}"))?;
    let (keys, _) = rest.split_once(')').ok_or_else(|| format!("ligne de table illisible : {line}"))?;
    let name = name.trim();
    if !is_identifier(name) {
        return Err(format!("nom de table illisible : {line}"));
    }
    let primary_key: Vec<String> = keys.split(',').map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()).collect();
    if primary_key.is_empty() || !primary_key.iter().all(|k| is_identifier(k)) {
        return Err(format!("table {name} : clé primaire illisible"));
    }
    Ok(TableSpec { name: name.to_owned(), columns: Vec::new(), primary_key })
}

/// `column -> Nullable<Type>,`
fn parse_column_line(table: &str, line: &str) -> Result<ColumnSpec, String> {
    let (name, ty) = line.split_once("->").ok_or_else(|| format!("table {table} : colonne illisible : {line}"))?;
    let name = name.trim();
    let ty = ty.trim().trim_end_matches(',').trim();
    let (inner, nullable) = match ty.strip_prefix("Nullable<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => (inner.trim(), true),
        None => (ty, false),
    };
    let kind = Kind::from_diesel(inner)
        .ok_or_else(|| format!("table {table}, colonne {name} : type {inner} inconnu de la sauvegarde"))?;
    if !is_identifier(name) {
        return Err(format!("table {table} : nom de colonne illisible : {line}"));
    }
    Ok(ColumnSpec { name: name.to_owned(), kind, nullable })
}

/// Lower-case SQL identifiers only: names are put in SQL text (quoted), never values.
fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_parses_with_known_types() {
        let tables = tables().expect("schema.rs parses");
        let contributions = tables.iter().find(|t| t.name == "contributions").expect("contributions");
        assert_eq!(contributions.primary_key, vec!["id"]);
        assert_eq!(contributions.columns[0], ColumnSpec { name: "id".into(), kind: Kind::Uuid, nullable: false });
        let theme = contributions.columns.iter().find(|c| c.name == "theme_id").expect("theme_id");
        assert!(theme.nullable);
        let looks = tables.iter().find(|t| t.name == "consultation_looks").expect("looks");
        assert!(looks.columns.iter().any(|c| c.kind == Kind::Binary));
        let hits = tables.iter().find(|t| t.name == "throttle_hits").expect("throttle_hits");
        assert_eq!(hits.primary_key, vec!["key", "window_start", "shard"]);
    }

    #[test]
    fn an_unknown_type_is_refused_by_name() {
        let source = "diesel::table! {\n    t (id) {\n        id -> Text,\n        x -> Jsonb,\n    }\n}\n";
        let error = parse_schema(source).expect_err("refused");
        assert!(error.contains("Jsonb") && error.contains("x"), "{error}");
    }
}
