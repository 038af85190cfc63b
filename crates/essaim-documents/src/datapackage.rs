//! Open data as a Frictionless **Data Package** (<https://datapackage.org>): tables, each
//! written as CSV (through the one CSV writer, [`crate::spreadsheet::CsvWriter`]) and as JSON,
//! and a `datapackage.json` that describes them — a Table Schema per table (field types,
//! descriptions, constraints, primary and foreign keys), the licence, the generation date and
//! the row counts. The modules say what their tables hold; this writes them, the same way for
//! every table, so the files and their description cannot disagree.
//!
//! The CSV keeps the writer's byte-order mark (Excel in French reads the accents right) and
//! its formula guard: a text cell starting with `=`, `+`, `-` or `@` gets a leading
//! apostrophe. Numbers and dates never start so; the JSON files carry texts as written.

use serde_json::{json, Map, Value};

use crate::spreadsheet::CsvWriter;

/// The Table Schema type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A decimal number (`.` as separator, as Table Schema reads it).
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// An instant, `YYYY-MM-DDTHH:MM:SSZ`.
    Datetime,
}

impl FieldType {
    fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
        }
    }
}

/// One column of a table, as its Table Schema describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The column's name (the CSV header, the JSON key).
    pub name: &'static str,
    /// A short French title.
    pub title: &'static str,
    /// What it holds, in French.
    pub description: &'static str,
    /// Its type.
    pub kind: FieldType,
    /// Never empty.
    pub required: bool,
    /// The only values it takes, when it is a code list.
    pub values: Vec<String>,
    /// Smallest value of a number.
    pub minimum: Option<i64>,
    /// Largest value of a number.
    pub maximum: Option<i64>,
}

impl Field {
    /// A field of this type, optional and unconstrained.
    pub fn new(name: &'static str, kind: FieldType, title: &'static str, description: &'static str) -> Field {
        Field { name, title, description, kind, required: false, values: Vec::new(), minimum: None, maximum: None }
    }

    /// Never empty.
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// Takes only these values.
    pub fn one_of<I: IntoIterator<Item = S>, S: Into<String>>(mut self, values: I) -> Field {
        self.values = values.into_iter().map(Into::into).collect();
        self
    }

    /// A number between these bounds.
    pub fn between(mut self, minimum: i64, maximum: Option<i64>) -> Field {
        self.minimum = Some(minimum);
        self.maximum = maximum;
        self
    }

    fn schema(&self) -> Value {
        let mut field = json!({
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "type": self.kind.name(),
        });
        if self.kind == FieldType::Datetime {
            field["format"] = json!("%Y-%m-%dT%H:%M:%SZ");
        }
        let mut constraints = Map::new();
        if self.required {
            constraints.insert("required".into(), json!(true));
        }
        if !self.values.is_empty() {
            constraints.insert("enum".into(), json!(self.values));
        }
        if let Some(min) = self.minimum {
            constraints.insert("minimum".into(), json!(min));
        }
        if let Some(max) = self.maximum {
            constraints.insert("maximum".into(), json!(max));
        }
        if !constraints.is_empty() {
            field["constraints"] = Value::Object(constraints);
        }
        field
    }
}

/// A cell: typed, so the JSON file keeps numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (also dates and instants, already written in their field's format).
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Number(f64),
    /// Nothing (an empty CSV cell, a JSON `null`).
    Empty,
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Integer(n) => n.to_string(),
            // Table Schema reads `.` as the decimal separator; two decimals are enough for a
            // share or a mean.
            Cell::Number(x) => format!("{:.2}", x),
            Cell::Empty => String::new(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Cell::Text(t) => json!(t),
            Cell::Integer(n) => json!(n),
            Cell::Number(x) => json!((x * 100.0).round() / 100.0),
            Cell::Empty => Value::Null,
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Integer(n)
    }
}

impl From<Option<String>> for Cell {
    fn from(text: Option<String>) -> Cell {
        text.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}

/// A reference from a column to another table's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The column here.
    pub field: &'static str,
    /// The table it points to.
    pub resource: &'static str,
    /// The column there.
    pub reference: &'static str,
}

/// One table of open data.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    /// Its name: lower case, digits and `-` (the file is `{name}.csv` and `{name}.json`).
    pub name: &'static str,
    /// A short French title.
    pub title: &'static str,
    /// What one row is, in French.
    pub description: String,
    /// The columns.
    pub fields: Vec<Field>,
    /// The columns that identify a row.
    pub primary_key: Vec<&'static str>,
    /// References to other tables of the package.
    pub foreign_keys: Vec<ForeignKey>,
    /// The rows, each with one cell per field.
    pub rows: Vec<Vec<Cell>>,
}

impl DataTable {
    /// The table as CSV, UTF-8 with a byte-order mark, comma-separated, every field quoted.
    pub fn csv(&self) -> Vec<u8> {
        let write = || -> csv::Result<Vec<u8>> {
            let mut writer = CsvWriter::new(Vec::new(), self.fields.iter().map(|f| f.name))?;
            for row in &self.rows {
                writer.row(row.iter().map(Cell::csv))?;
            }
            writer.finish()
        };
        // Writing into memory fails only if memory does.
        write().expect("CSV into memory")
    }

    /// The table as JSON: an array of objects keyed by the fields' names.
    pub fn json(&self) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|row| {
                    Value::Object(
                        self.fields.iter().zip(row).map(|(f, cell)| (f.name.to_owned(), cell.json())).collect(),
                    )
                })
                .collect(),
        )
    }

    fn schema(&self) -> Value {
        let mut schema = json!({ "fields": self.fields.iter().map(Field::schema).collect::<Vec<_>>() });
        if !self.primary_key.is_empty() {
            schema["primaryKey"] = json!(self.primary_key);
        }
        if !self.foreign_keys.is_empty() {
            schema["foreignKeys"] = Value::Array(
                self.foreign_keys
                    .iter()
                    .map(|k| json!({"fields": [k.field], "reference": {"resource": k.resource, "fields": [k.reference]}}))
                    .collect(),
            );
        }
        schema
    }
}

/// What the package says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageMeta {
    /// Its name: lower case, digits, `-`, `_` and `.` (the consultation's short id).
    pub name: String,
    /// Its title.
    pub title: String,
    /// What it is, in French.
    pub description: String,
    /// The page it is published on, absolute.
    pub homepage: String,
    /// Who publishes it.
    pub publisher: String,
    /// When it was made, `YYYY-MM-DDTHH:MM:SSZ`.
    pub created: String,
    /// The version of what it describes (the published strategy's).
    pub version: String,
}

/// The Licence Ouverte 2.0 of Etalab, the French State's open licence for public data.
pub const LICENCE_NAME: &str = "etalab-2.0";
/// Its page.
pub const LICENCE_PATH: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";
/// Its title.
pub const LICENCE_TITLE: &str = "Licence Ouverte / Open Licence version 2.0";

/// The `datapackage.json` of these tables: each table is two resources, its CSV
/// (`{name}.csv`, the tabular one, with its schema and row count, which the keys refer to) and
/// its JSON (`{name}.json`, the same rows; a validator counts rows of tabular resources only).
pub fn descriptor(meta: &PackageMeta, tables: &[DataTable]) -> Value {
    let licence = json!([{ "name": LICENCE_NAME, "path": LICENCE_PATH, "title": LICENCE_TITLE }]);
    let mut resources = Vec::new();
    for table in tables {
        resources.push(json!({
            "name": table.name,
            "path": format!("{}.csv", table.name),
            "title": table.title,
            "description": table.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "dialect": { "delimiter": ",", "quoteChar": "\"", "header": true },
            "schema": table.schema(),
            "licenses": licence,
            "rows": table.rows.len(),
        }));
        resources.push(json!({
            "name": format!("{}-json", table.name),
            "path": format!("{}.json", table.name),
            "title": format!("{} (JSON)", table.title),
            "description": format!("{} Les mêmes lignes que {}.csv, en JSON : un tableau d'objets.", table.description, table.name),
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "licenses": licence,
        }));
    }
    json!({
        "profile": "data-package",
        "name": meta.name,
        "title": meta.title,
        "description": meta.description,
        "homepage": meta.homepage,
        "version": meta.version,
        "created": meta.created,
        "licenses": licence,
        "contributors": [{ "title": meta.publisher, "role": "publisher" }],
        "resources": resources,
    })
}

/// The table's file by its name: `{name}.csv` or `{name}.json`, with its media type.
pub fn file_of(tables: &[DataTable], file: &str) -> Option<(Vec<u8>, &'static str)> {
    let (name, extension) = file.rsplit_once('.')?;
    let table = tables.iter().find(|t| t.name == name)?;
    match extension {
        "csv" => Some((table.csv(), "text/csv; charset=utf-8")),
        "json" => Some((serde_json::to_vec_pretty(&table.json()).ok()?, "application/json")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> DataTable {
        DataTable {
            name: "orientations",
            title: "Orientations",
            description: "Une ligne par orientation.".into(),
            fields: vec![
                Field::new("id", FieldType::String, "Identifiant", "L'identifiant.").required(),
                Field::new("contributions", FieldType::Integer, "Contributions", "Leur nombre.").between(0, None),
                Field::new("verdict", FieldType::String, "Verdict", "Le verdict.").one_of(["confirmee", "a_amender"]),
            ],
            primary_key: vec!["id"],
            foreign_keys: vec![],
            rows: vec![
                vec!["o1".into(), 3.into(), "confirmee".into()],
                vec!["=HYPERLINK(\"x\")".into(), 0.into(), Cell::Empty],
            ],
        }
    }

    #[test]
    fn the_csv_guards_formulas_and_the_json_keeps_numbers_and_texts_as_written() {
        let t = table();
        let csv = String::from_utf8(t.csv()).unwrap();
        assert!(csv.starts_with("\u{feff}\"id\",\"contributions\",\"verdict\"\n"), "{csv}");
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\",\"0\",\"\""), "{csv}");
        let json = t.json();
        assert_eq!(json[0]["contributions"], json!(3));
        assert_eq!(json[1]["id"], json!("=HYPERLINK(\"x\")"));
        assert_eq!(json[1]["verdict"], Value::Null);
    }

    #[test]
    fn the_descriptor_describes_each_table_twice_with_its_licence_and_rows() {
        let meta = PackageMeta {
            name: "demo".into(),
            title: "Demo".into(),
            description: "D".into(),
            homepage: "https://example.org/consultations/demo/donnees".into(),
            publisher: "Région".into(),
            created: "2026-12-07T10:00:00Z".into(),
            version: "1".into(),
        };
        let d = descriptor(&meta, &[table()]);
        assert_eq!(d["licenses"][0]["name"], json!("etalab-2.0"));
        assert_eq!(d["resources"].as_array().unwrap().len(), 2);
        assert_eq!(d["resources"][0]["path"], json!("orientations.csv"));
        assert_eq!(d["resources"][0]["rows"], json!(2));
        assert_eq!(d["resources"][0]["schema"]["fields"][1]["constraints"]["minimum"], json!(0));
        assert_eq!(d["resources"][0]["schema"]["fields"][2]["constraints"]["enum"], json!(["confirmee", "a_amender"]));
        assert_eq!(d["resources"][1]["path"], json!("orientations.json"));
        assert!(file_of(&[table()], "orientations.json").is_some());
        assert!(file_of(&[table()], "orientations.xml").is_none());
        assert!(file_of(&[table()], "autre.csv").is_none());
    }
}
