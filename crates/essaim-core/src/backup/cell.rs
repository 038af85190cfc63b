//! One value of one column: read from either backend, written to the archive in a
//! backend-neutral encoding, read back and bound to an `INSERT` on either backend.
//!
//! | kind | archive (JSON) | SQLite | PostgreSQL |
//! | --- | --- | --- | --- |
//! | uuid | `"0193…"` (hyphenated, lower case) | text | uuid |
//! | text | string | text | text |
//! | integer, bigint | number | integer | integer, bigint |
//! | boolean | `true` / `false` | 0 / 1 | boolean |
//! | timestamp | `"2026-12-07T14:03:59.123456Z"` (UTC, 6 digits) | diesel's text | timestamp |
//! | date | `"2026-12-07"` | text | date |
//! | binary | base64 (standard, padded) | blob | bytea |
//!
//! NULL is JSON `null` whatever the kind.

use base64::Engine;
use chrono::{NaiveDate, NaiveDateTime, Timelike};
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Binary, Bool, Date, Integer, Nullable, Text, Timestamp};
use serde_json::Value;

use super::spec::Kind;
use crate::db::{Backend, Id, MultiBackend, SqlUuid};

/// A typed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// NULL.
    Null,
    /// An identifier.
    Uuid(Id),
    /// Text.
    Text(String),
    /// A 32-bit integer.
    Integer(i32),
    /// A 64-bit integer.
    BigInt(i64),
    /// A boolean.
    Bool(bool),
    /// An instant in UTC.
    Timestamp(NaiveDateTime),
    /// A date.
    Date(NaiveDate),
    /// Bytes.
    Binary(Vec<u8>),
}

/// A query whose binds are added one by one, whatever their number.
pub type Query = BoxedSqlQuery<'static, MultiBackend, SqlQuery>;

const TIMESTAMP_OUT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// The SQL expression that puts `column` into the JSON array the database builds for a row:
/// as it is, except what JSON cannot hold or each backend writes its own way.
pub fn select_expression(kind: Kind, column: &str, backend: Backend) -> String {
    let quoted = format!("\"{column}\"");
    match (backend, kind) {
        (Backend::Sqlite, Kind::Binary) => format!("CASE WHEN {quoted} IS NULL THEN NULL ELSE hex({quoted}) END"),
        (Backend::Postgresql, Kind::Binary) => format!("encode({quoted}, 'hex')"),
        (Backend::Postgresql, Kind::Uuid) => format!("{quoted}::text"),
        _ => quoted,
    }
}

/// A value as the database's JSON array gave it (see [`select_expression`]).
pub fn from_database(kind: Kind, value: &Value) -> Result<Cell, String> {
    if value.is_null() {
        return Ok(Cell::Null);
    }
    let text = || value.as_str().ok_or_else(|| format!("{kind:?} attendu, trouvé {value}"));
    Ok(match kind {
        Kind::Uuid => Cell::Uuid(text()?.parse().map_err(|e| format!("identifiant illisible : {e}"))?),
        Kind::Text => Cell::Text(text()?.to_owned()),
        Kind::Integer | Kind::BigInt => integer(kind, value)?,
        Kind::Bool => match value {
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) if n.as_i64() == Some(0) => Cell::Bool(false),
            Value::Number(n) if n.as_i64() == Some(1) => Cell::Bool(true),
            _ => return Err(format!("booléen attendu, trouvé {value}")),
        },
        Kind::Timestamp => Cell::Timestamp(parse_timestamp(text()?)?),
        Kind::Date => Cell::Date(parse_date(text()?)?),
        Kind::Binary => Cell::Binary(hex::decode(text()?).map_err(|e| format!("octets illisibles : {e}"))?),
    })
}

/// The archive's encoding of a value.
pub fn to_archive(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Uuid(id) => Value::String(id.to_string()),
        Cell::Text(text) => Value::String(text.clone()),
        Cell::Integer(n) => Value::from(*n),
        Cell::BigInt(n) => Value::from(*n),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Timestamp(t) => Value::String(t.format(TIMESTAMP_OUT).to_string()),
        Cell::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
        Cell::Binary(bytes) => Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
    }
}

/// A value read back from an archive, strictly: the archive's own encoding only.
pub fn from_archive(kind: Kind, nullable: bool, value: &Value) -> Result<Cell, String> {
    if value.is_null() {
        return if nullable { Ok(Cell::Null) } else { Err("valeur vide dans une colonne obligatoire".into()) };
    }
    let text = || value.as_str().ok_or_else(|| format!("texte attendu, trouvé {value}"));
    Ok(match kind {
        Kind::Uuid => Cell::Uuid(text()?.parse().map_err(|e| format!("identifiant illisible : {e}"))?),
        Kind::Text => Cell::Text(text()?.to_owned()),
        Kind::Integer | Kind::BigInt => integer(kind, value)?,
        Kind::Bool => Cell::Bool(value.as_bool().ok_or_else(|| format!("booléen attendu, trouvé {value}"))?),
        Kind::Timestamp => {
            let raw = text()?;
            let stripped = raw.strip_suffix('Z').ok_or_else(|| format!("instant sans « Z » : {raw}"))?;
            Cell::Timestamp(
                NaiveDateTime::parse_from_str(stripped, "%Y-%m-%dT%H:%M:%S%.f")
                    .map_err(|e| format!("instant illisible « {raw} » : {e}"))?,
            )
        }
        Kind::Date => Cell::Date(parse_date(text()?)?),
        Kind::Binary => Cell::Binary(
            base64::engine::general_purpose::STANDARD.decode(text()?).map_err(|e| format!("base64 illisible : {e}"))?,
        ),
    })
}

/// Adds `cell` as the next bind of `query`, typed as its column (a NULL too: PostgreSQL
/// refuses a NULL typed as text in a uuid column).
pub fn bind(query: Query, kind: Kind, cell: Cell) -> Result<Query, String> {
    Ok(match (kind, cell) {
        (Kind::Uuid, Cell::Uuid(v)) => query.bind::<Nullable<SqlUuid>, _>(Some(v)),
        (Kind::Uuid, Cell::Null) => query.bind::<Nullable<SqlUuid>, _>(None::<Id>),
        (Kind::Text, Cell::Text(v)) => query.bind::<Nullable<Text>, _>(Some(v)),
        (Kind::Text, Cell::Null) => query.bind::<Nullable<Text>, _>(None::<String>),
        (Kind::Integer, Cell::Integer(v)) => query.bind::<Nullable<Integer>, _>(Some(v)),
        (Kind::Integer, Cell::Null) => query.bind::<Nullable<Integer>, _>(None::<i32>),
        (Kind::BigInt, Cell::BigInt(v)) => query.bind::<Nullable<BigInt>, _>(Some(v)),
        (Kind::BigInt, Cell::Null) => query.bind::<Nullable<BigInt>, _>(None::<i64>),
        (Kind::Bool, Cell::Bool(v)) => query.bind::<Nullable<Bool>, _>(Some(v)),
        (Kind::Bool, Cell::Null) => query.bind::<Nullable<Bool>, _>(None::<bool>),
        (Kind::Timestamp, Cell::Timestamp(v)) => query.bind::<Nullable<Timestamp>, _>(Some(v)),
        (Kind::Timestamp, Cell::Null) => query.bind::<Nullable<Timestamp>, _>(None::<NaiveDateTime>),
        (Kind::Date, Cell::Date(v)) => query.bind::<Nullable<Date>, _>(Some(v)),
        (Kind::Date, Cell::Null) => query.bind::<Nullable<Date>, _>(None::<NaiveDate>),
        (Kind::Binary, Cell::Binary(v)) => query.bind::<Nullable<Binary>, _>(Some(v)),
        (Kind::Binary, Cell::Null) => query.bind::<Nullable<Binary>, _>(None::<Vec<u8>>),
        (kind, cell) => return Err(format!("valeur {cell:?} dans une colonne {}", kind.as_str())),
    })
}

fn integer(kind: Kind, value: &Value) -> Result<Cell, String> {
    let n = value.as_i64().ok_or_else(|| format!("entier attendu, trouvé {value}"))?;
    Ok(match kind {
        Kind::Integer => Cell::Integer(i32::try_from(n).map_err(|_| format!("entier hors limites : {n}"))?),
        _ => Cell::BigInt(n),
    })
}

/// An instant as either backend writes it: `2026-12-07 14:03:59.123456` (diesel on SQLite,
/// SQLite's own `CURRENT_TIMESTAMP` without fraction) or `2026-12-07T14:03:59.123456`
/// (PostgreSQL's JSON). Kept at the microsecond, PostgreSQL's precision.
fn parse_timestamp(raw: &str) -> Result<NaiveDateTime, String> {
    let normalised = raw.replacen(' ', "T", 1);
    let normalised = normalised.trim_end_matches('Z');
    let parsed = NaiveDateTime::parse_from_str(normalised, "%Y-%m-%dT%H:%M:%S%.f")
        .map_err(|e| format!("instant illisible « {raw} » : {e}"))?;
    let micros = parsed.nanosecond() / 1000 * 1000;
    parsed.with_nanosecond(micros).ok_or_else(|| format!("instant illisible « {raw} »"))
}

fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|e| format!("date illisible « {raw} » : {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_the_archive() {
        let cells = [
            (Kind::Uuid, Cell::Uuid(Id::new())),
            (Kind::Text, Cell::Text("« été » \n\"x\"".into())),
            (Kind::Integer, Cell::Integer(-7)),
            (Kind::BigInt, Cell::BigInt(1 << 40)),
            (Kind::Bool, Cell::Bool(true)),
            (Kind::Timestamp, Cell::Timestamp(parse_timestamp("2026-12-07 14:03:59.123456").expect("ts"))),
            (Kind::Date, Cell::Date(parse_date("2026-12-07").expect("date"))),
            (Kind::Binary, Cell::Binary(vec![0, 159, 255])),
            (Kind::Text, Cell::Null),
        ];
        for (kind, cell) in cells {
            let encoded = to_archive(&cell);
            assert_eq!(from_archive(kind, true, &encoded).expect("decodes"), cell, "{kind:?}");
        }
    }

    #[test]
    fn both_backends_timestamps_read_alike() {
        let sqlite = from_database(Kind::Timestamp, &Value::from("2026-12-07 14:03:59.1")).expect("sqlite");
        let postgres = from_database(Kind::Timestamp, &Value::from("2026-12-07T14:03:59.1")).expect("pg");
        assert_eq!(sqlite, postgres);
        assert_eq!(to_archive(&sqlite), Value::from("2026-12-07T14:03:59.100000Z"));
        assert!(from_archive(Kind::Integer, false, &Value::Null).is_err());
    }
}
