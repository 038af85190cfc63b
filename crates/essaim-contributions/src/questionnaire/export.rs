//! The submitted responses of a questionnaire as a spreadsheet: CSV and XLSX, one row per
//! response, for the staff who analyse them (docs/questionnaire-exports.md).
//!
//! The columns follow the definition and stay put across versions (Decidim #13201): they are
//! the union of the questions of every published version, the latest version's order first,
//! then the questions only older versions asked, appended. A response answers the columns of
//! its own version and leaves the others blank. A choice question keeps both the option chosen
//! and the text of « Autre » (Decidim #6087); a multiple choice has one column per option.
//!
//! Responses are read by pages of [`PAGE`] in the order they were submitted (keyset
//! pagination on `(submitted_at, id)`, never `OFFSET`) and written as they come, so memory
//! stays flat whatever their number; the XLSX worksheet is written in `rust_xlsxwriter`'s
//! constant-memory mode (rows go to a temporary file as they are written). Every cell goes
//! through [`safe_cell`], in the XLSX too (written as strings, never formulas), so that a
//! sheet saved again as CSV stays safe.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::Path;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::{find_consultation, territories_of};
use essaim_core::domain::LegalFamily;
use essaim_core::schema::{questionnaire_versions, responses};
use essaim_core::{CoreError, CoreResult};
use essaim_documents::files::CONTRIBUTIONS_MODE;
use essaim_documents::spreadsheet::{safe_cell, CsvWriter};

use super::answers::{Answers, EMPLOYEES_BANDS, ORGANISATION_FIELDS, OUTSIDE};
use super::definition::{Choice, Definition, Question, QuestionKind, OTHER};
use super::responses::{ResponseStatus, StoredAnswers};
use super::store::{questionnaire_of, Version};

/// Responses read per query.
pub const PAGE: i64 = 1_000;

/// The most columns a worksheet holds (Excel's limit).
pub const XLSX_MAX_COLUMNS: usize = 16_384;
/// The most responses a worksheet holds, below its header (Excel's limit, 1,048,576 rows).
pub const XLSX_MAX_RESPONSES: usize = 1_048_575;
/// The longest text of one XLSX cell, in UTF-16 units (Excel's limit).
const XLSX_MAX_CELL: usize = 32_767;

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// UTF-8 with a BOM, every field quoted.
    Csv,
    /// One worksheet, « Réponses ».
    Xlsx,
}

impl ExportFormat {
    /// `csv` or `xlsx` (any case); the error is French.
    pub fn parse(raw: &str) -> Result<ExportFormat, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            other => Err(format!("format « {other} » inconnu (formats : csv, xlsx)")),
        }
    }

    /// `csv` or `xlsx`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    /// The media type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Why an export could not be made, in French.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// No consultation has this short name.
    #[error("la consultation « {0} » n'existe pas")]
    UnknownConsultation(String),
    /// The consultation has no questionnaire.
    #[error("la consultation « {0} » n'a pas de questionnaire : aucune réponse à exporter")]
    NoQuestionnaire(String),
    /// More columns than a worksheet holds.
    #[error("l'export compte {0} colonnes, plus qu'un classeur XLSX n'en accepte (16 384) : exportez en CSV")]
    TooManyColumns(usize),
    /// More responses than a worksheet holds.
    #[error("plus de 1 048 575 réponses : un classeur XLSX n'en accepte pas davantage, exportez en CSV")]
    TooManyRows,
    /// Writing the file failed.
    #[error("écriture de l'export : {0}")]
    Write(#[from] std::io::Error),
    /// Writing the workbook failed.
    #[error("écriture du classeur XLSX : {0}")]
    Xlsx(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for ExportError {
    fn from(e: diesel::result::Error) -> Self {
        ExportError::Store(e.into())
    }
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        match e {
            rust_xlsxwriter::XlsxError::IoError(io) => ExportError::Write(io),
            other => ExportError::Xlsx(other.to_string()),
        }
    }
}

/// The kind of question a column is taken from. A response fills a column only when its own
/// version asks that question in that kind (a question whose kind changed between versions
/// gets the columns of each kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    Text,
    Number,
    YesNo,
    Scale,
    Single,
    Multiple,
    Ranking,
    Grid,
    Organisation,
}

impl Shape {
    fn of(kind: &QuestionKind) -> Shape {
        match kind {
            QuestionKind::ShortText | QuestionKind::LongText => Shape::Text,
            QuestionKind::Number { .. } => Shape::Number,
            QuestionKind::YesNo => Shape::YesNo,
            QuestionKind::Scale { .. } => Shape::Scale,
            QuestionKind::SingleChoice { .. } => Shape::Single,
            QuestionKind::MultipleChoice { .. } => Shape::Multiple,
            QuestionKind::Ranking { .. } => Shape::Ranking,
            QuestionKind::Grid { .. } => Shape::Grid,
            QuestionKind::Organisation => Shape::Organisation,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Shape::Text => "texte",
            Shape::Number => "nombre",
            Shape::YesNo => "oui / non",
            Shape::Scale => "échelle",
            Shape::Single => "choix unique",
            Shape::Multiple => "choix multiple",
            Shape::Ranking => "classement",
            Shape::Grid => "grille",
            Shape::Organisation => "identité de la structure",
        }
    }
}

/// Which part of the answer a column holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    /// The answer (text, number, Oui/Non, the scale's digit, the option's label).
    Whole,
    /// The text of « Autre, précisez ».
    OtherText,
    /// A multiple choice's option (« Oui » when ticked) or a ranked option (its rank).
    Option(String),
    /// A grid's row (the label of the column chosen).
    Row(String),
    /// A part of the identity block.
    Sub(&'static str),
}

/// What a column is, beyond its header.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    ResponseId,
    SubmittedAt,
    Version,
    Departement,
    LegalFamily,
    Answer { question: String, shape: Shape, part: Part },
}

/// One column of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header, as written (already through [`safe_cell`]).
    pub header: String,
    key: Key,
}

/// A version, ready to fill rows: for each column, the question it reads, if this version
/// asks it in that kind.
struct VersionPlan {
    number: i32,
    definition: Definition,
    /// Per column: the index of its question in `definition.questions()`.
    sources: Vec<Option<usize>>,
}

/// An export being made: its columns, the versions its responses answer, and where their
/// département codes come from.
pub struct ResponsesExport {
    questionnaire: Id,
    columns: Vec<Column>,
    versions: HashMap<Id, VersionPlan>,
    territories: HashMap<Id, String>,
    /// The identity block's territories, code → label.
    places: HashMap<String, String>,
}

/// A response as the export reads it.
type Row = (Id, Id, String, Option<NaiveDateTime>, Option<Id>, Option<String>);

/// One space for any run of whitespace (a header stays on one line).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn label_of<'a>(choices: &'a [Choice], value: &'a str) -> &'a str {
    choices.iter().find(|c| c.value == value).map_or(value, |c| c.label.as_str())
}

/// The columns one question gives, with their headers.
fn columns_of(question: &Question) -> Vec<(Key, String)> {
    let id = question.id.as_str();
    let label = one_line(&question.label);
    let shape = Shape::of(&question.kind);
    let key = |part: Part| Key::Answer { question: id.to_owned(), shape, part };
    let whole = || (key(Part::Whole), format!("{label} [{id}]"));
    let other_text = || (key(Part::OtherText), format!("{label} — Autre (précisez) [{id}.{OTHER}]"));
    match &question.kind {
        QuestionKind::ShortText
        | QuestionKind::LongText
        | QuestionKind::Number { .. }
        | QuestionKind::YesNo
        | QuestionKind::Scale { .. } => vec![whole()],
        QuestionKind::SingleChoice { other, .. } => {
            let mut columns = vec![whole()];
            if *other {
                columns.push(other_text());
            }
            columns
        }
        QuestionKind::MultipleChoice { options, other } => {
            let mut columns: Vec<(Key, String)> = options
                .iter()
                .map(|o| {
                    (key(Part::Option(o.value.clone())), format!("{label} — {} [{id}={}]", one_line(&o.label), o.value))
                })
                .collect();
            if *other {
                columns.push((key(Part::Option(OTHER.to_owned())), format!("{label} — Autre [{id}={OTHER}]")));
                columns.push(other_text());
            }
            columns
        }
        QuestionKind::Ranking { options } => options
            .iter()
            .map(|o| {
                (
                    key(Part::Option(o.value.clone())),
                    format!("{label} — {} (rang) [{id}.{}]", one_line(&o.label), o.value),
                )
            })
            .collect(),
        QuestionKind::Grid { rows, .. } => rows
            .iter()
            .map(|r| (key(Part::Row(r.value.clone())), format!("{label} — {} [{id}.{}]", one_line(&r.label), r.value)))
            .collect(),
        QuestionKind::Organisation => ORGANISATION_FIELDS
            .iter()
            .map(|(suffix, sub, _)| (key(Part::Sub(suffix)), format!("{label} — {sub} [{id}.{suffix}]")))
            .collect(),
    }
}

/// The columns of an export over these definitions, newest first: the fixed leading columns,
/// then each question's columns. Questions come in the newest definition's order, then those
/// only older ones asked, appended; within a question, the newest definition's options first,
/// then options only older ones had. Headers come from the newest definition having them.
fn union_columns(newest_first: &[&Definition]) -> Vec<Column> {
    let mut groups: Vec<(String, Vec<(Key, String)>)> = Vec::new();
    for definition in newest_first {
        for (_, question) in definition.questions() {
            let at = match groups.iter().position(|(id, _)| *id == question.id) {
                Some(at) => at,
                None => {
                    groups.push((question.id.clone(), Vec::new()));
                    groups.len() - 1
                }
            };
            let group = &mut groups[at].1;
            for (key, header) in columns_of(question) {
                if !group.iter().any(|(k, _)| *k == key) {
                    group.push((key, header));
                }
            }
        }
    }
    let leading = [
        (Key::ResponseId, "Identifiant de la réponse".to_owned()),
        (Key::SubmittedAt, "Envoyée le (UTC)".to_owned()),
        (Key::Version, "Version du questionnaire".to_owned()),
        (Key::Departement, "Département (code)".to_owned()),
        (Key::LegalFamily, "Famille juridique".to_owned()),
    ];
    let mut columns: Vec<(Key, String)> = leading.into_iter().collect();
    columns.extend(groups.into_iter().flat_map(|(_, group)| group));
    // A question whose kind changed keeps one header per kind: say which is which.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (_, header) in &columns {
        *seen.entry(header.clone()).or_default() += 1;
    }
    columns
        .into_iter()
        .map(|(key, header)| {
            let header = match &key {
                Key::Answer { shape, .. } if seen.get(&header).is_some_and(|n| *n > 1) => {
                    format!("{header} ({})", shape.label())
                }
                _ => header,
            };
            Column { header: safe_cell(&header).into_owned(), key }
        })
        .collect()
}

fn plan_version(number: i32, definition: Definition, columns: &[Column]) -> VersionPlan {
    let questions: Vec<&Question> = definition.questions().map(|(_, q)| q).collect();
    let sources = columns
        .iter()
        .map(|column| match &column.key {
            Key::Answer { question, shape, .. } => {
                questions.iter().position(|q| q.id == *question && Shape::of(&q.kind) == *shape)
            }
            _ => None,
        })
        .collect();
    VersionPlan { number, definition, sources }
}

impl ResponsesExport {
    /// The export of a consultation's questionnaire, by the consultation's short name.
    pub fn for_consultation(conn: &mut DbConnection, slug: &str) -> Result<ResponsesExport, ExportError> {
        let consultation = match find_consultation(conn, slug) {
            Ok(c) => c,
            Err(CoreError::NotFound(_)) => return Err(ExportError::UnknownConsultation(slug.to_owned())),
            Err(e) => return Err(e.into()),
        };
        let questionnaire =
            questionnaire_of(conn, consultation.id)?.ok_or_else(|| ExportError::NoQuestionnaire(slug.to_owned()))?;
        let territories = territories_of(conn, consultation.id)?;
        let places = territories
            .iter()
            .map(|t| (t.code.clone(), essaim_core::domain::territory::label(t)))
            .chain(std::iter::once((OUTSIDE.to_owned(), "Hors du territoire de la consultation".to_owned())))
            .collect();
        let territories = territories.into_iter().map(|t| (t.id, t.code)).collect();
        Self::new(conn, questionnaire.id, territories, places)
    }

    fn new(
        conn: &mut DbConnection,
        questionnaire: Id,
        territories: HashMap<Id, String>,
        places: HashMap<String, String>,
    ) -> Result<ResponsesExport, ExportError> {
        let versions: Vec<Version> = questionnaire_versions::table
            .filter(questionnaire_versions::questionnaire_id.eq(questionnaire))
            .order(questionnaire_versions::number.desc())
            .select(Version::as_select())
            .load(conn)?;
        let parsed: Vec<(Id, i32, bool, Definition)> = versions
            .iter()
            .map(|v| Ok((v.id, v.number, v.published_at.is_some(), v.parsed()?)))
            .collect::<CoreResult<_>>()?;
        // Only published versions have responses; the one staff are editing adds no column.
        let published: Vec<&Definition> = parsed.iter().filter(|(_, _, p, _)| *p).map(|(.., d)| d).collect();
        let columns = union_columns(&published);
        let versions = parsed
            .into_iter()
            .map(|(id, number, _, definition)| (id, plan_version(number, definition, &columns)))
            .collect();
        Ok(ResponsesExport { questionnaire, columns, versions, territories, places })
    }

    /// The questionnaire exported.
    pub fn questionnaire(&self) -> Id {
        self.questionnaire
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The headers, in order (through [`safe_cell`]).
    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.header.as_str()).collect()
    }

    /// One page of submitted responses, after the last one read.
    fn page(&self, conn: &mut DbConnection, after: Option<(NaiveDateTime, Id)>) -> CoreResult<Vec<Row>> {
        let mut query = responses::table
            .filter(responses::questionnaire_id.eq(self.questionnaire))
            .filter(responses::status.eq(ResponseStatus::Submitted))
            .filter(responses::submitted_at.is_not_null())
            .into_boxed();
        if let Some((at, id)) = after {
            // `(submitted_at, id) > (at, id)`, written so that an index on
            // `(questionnaire_id, status, submitted_at, id)` serves the first condition as a
            // range on either backend; the second only sorts out the ties.
            query = query
                .filter(responses::submitted_at.ge(at))
                .filter(responses::submitted_at.gt(at).or(responses::id.gt(id)));
        }
        Ok(query
            .order((responses::submitted_at.asc(), responses::id.asc()))
            .limit(PAGE)
            .select((
                responses::id,
                responses::version_id,
                responses::answers,
                responses::submitted_at,
                responses::territory_id,
                responses::legal_family,
            ))
            .load(conn)?)
    }

    /// The cells of one response, each through [`safe_cell`], into `cells`.
    fn fill(&self, row: &Row, cells: &mut [String]) {
        let (id, version_id, json, submitted_at, territory, legal_family) = row;
        let version = self.versions.get(version_id);
        let mut answers = serde_json::from_str::<StoredAnswers>(json).unwrap_or_default().answers;
        let questions: Vec<&Question> = match version {
            Some(v) => {
                // Cleared at submission already; cleared again so that a hidden answer can
                // never reach a spreadsheet.
                answers.clear_hidden(&v.definition);
                v.definition.questions().map(|(_, q)| q).collect()
            }
            None => Vec::new(),
        };
        for (n, (column, cell)) in self.columns.iter().zip(cells.iter_mut()).enumerate() {
            let value: Option<String> = match &column.key {
                Key::ResponseId => Some(id.to_string()),
                Key::SubmittedAt => submitted_at.map(|at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                Key::Version => version.map(|v| v.number.to_string()),
                Key::Departement => territory.and_then(|t| self.territories.get(&t).cloned()),
                Key::LegalFamily => {
                    legal_family.as_deref().map(|code| LegalFamily::parse(code).map_or(code, |f| f.label()).to_owned())
                }
                Key::Answer { part, .. } => version
                    .and_then(|v| v.sources[n])
                    .and_then(|q| questions.get(q))
                    .and_then(|q| answer_cell(q, part, &answers, &self.places)),
            };
            cell.clear();
            if let Some(value) = value {
                cell.push_str(&safe_cell(&value));
            }
        }
    }

    /// Reads the submitted responses page by page, oldest submission first, and hands each
    /// row's cells to `emit`; returns how many rows.
    pub fn for_each_row(
        &self,
        conn: &mut DbConnection,
        mut emit: impl FnMut(&[String]) -> Result<(), ExportError>,
    ) -> Result<usize, ExportError> {
        let mut cells = vec![String::new(); self.columns.len()];
        let mut after = None;
        let mut count = 0;
        loop {
            let rows = self.page(conn, after)?;
            for row in &rows {
                self.fill(row, &mut cells);
                emit(&cells)?;
                count += 1;
            }
            match rows.last() {
                Some((id, _, _, Some(at), ..)) if rows.len() as i64 == PAGE => after = Some((*at, *id)),
                _ => return Ok(count),
            }
        }
    }

    /// Writes the CSV (UTF-8 with a BOM, every field quoted) into `out`; returns the number of
    /// responses.
    pub fn write_csv<W: Write>(&self, conn: &mut DbConnection, out: W) -> Result<usize, ExportError> {
        let csv_error = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(io) => ExportError::Write(io),
            other => ExportError::Write(std::io::Error::other(format!("{other:?}"))),
        };
        let mut writer = CsvWriter::new(out, self.headers()).map_err(csv_error)?;
        let rows = self.for_each_row(conn, |cells| writer.row(cells).map_err(csv_error))?;
        writer.finish().map_err(csv_error)?;
        Ok(rows)
    }

    /// Writes the XLSX workbook into `out`: one worksheet « Réponses », a bold frozen header,
    /// every cell a string. Rows go to a temporary file as they are written (constant-memory
    /// mode), then the workbook is zipped into `out`. Returns the number of responses.
    pub fn write_xlsx<W: Write + Send>(&self, conn: &mut DbConnection, out: W) -> Result<usize, ExportError> {
        if self.columns.len() > XLSX_MAX_COLUMNS {
            return Err(ExportError::TooManyColumns(self.columns.len()));
        }
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold().set_text_wrap();
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("Réponses")?;
        // Widths and panes before the first row: in constant-memory mode rows are final once
        // written.
        let last = (self.columns.len() - 1) as u16;
        sheet.set_column_range_width(0, last, 24)?;
        sheet.set_column_width(0, 38)?;
        sheet.set_freeze_panes(1, 0)?;
        for (c, header) in self.headers().iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, xlsx_text(header), &bold)?;
        }
        let mut row: u32 = 0;
        let rows = self.for_each_row(conn, |cells| {
            if row as usize >= XLSX_MAX_RESPONSES {
                return Err(ExportError::TooManyRows);
            }
            row += 1;
            for (c, cell) in cells.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(row, c as u16, xlsx_text(cell))?;
                }
            }
            Ok(())
        })?;
        workbook.save_to_writer(out)?;
        Ok(rows)
    }

    /// Writes the export into `out` in `format`.
    pub fn write<W: Write + Send>(
        &self,
        conn: &mut DbConnection,
        format: ExportFormat,
        out: W,
    ) -> Result<usize, ExportError> {
        match format {
            ExportFormat::Csv => self.write_csv(conn, out),
            ExportFormat::Xlsx => self.write_xlsx(conn, out),
        }
    }

    /// Writes the export to `path` atomically, like `essaim_documents::files::write_atomic`
    /// but streamed: a temporary file with a random name created exclusively in the target's
    /// folder (a link planted there is never followed), mode 0640 set before anything is
    /// written (exports hold personal data), flushed to disk, then renamed into place. A
    /// failed export leaves the previous file as it was. Returns the number of responses.
    pub fn save(&self, conn: &mut DbConnection, format: ExportFormat, path: &Path) -> Result<usize, ExportError> {
        let error =
            |e: std::io::Error| ExportError::Write(std::io::Error::new(e.kind(), format!("{} : {e}", path.display())));
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let file = tempfile::Builder::new().prefix(".essaim-").tempfile_in(dir).map_err(error)?;
        set_mode(file.as_file()).map_err(error)?;
        let mut out = BufWriter::with_capacity(256 * 1024, file.as_file());
        let rows = self.write(conn, format, &mut out)?;
        out.flush().map_err(error)?;
        drop(out);
        file.as_file().sync_all().map_err(error)?;
        file.persist(path).map_err(|e| error(e.error))?;
        sync_dir(dir).map_err(error)?;
        Ok(rows)
    }

    /// Writes the export to an anonymous temporary file (gone when closed), rewound: for a
    /// download streamed from disk rather than held in memory. Returns it and the number of
    /// responses.
    pub fn to_temp_file(&self, conn: &mut DbConnection, format: ExportFormat) -> Result<(File, usize), ExportError> {
        let mut file = tempfile::tempfile()?;
        let mut out = BufWriter::with_capacity(256 * 1024, &file);
        let rows = self.write(conn, format, &mut out)?;
        out.flush()?;
        drop(out);
        file.rewind()?;
        Ok((file, rows))
    }
}

/// The text of one answer's cell, before [`safe_cell`]; `None` when blank.
/// `places`: the consultation's territories, code → label.
fn answer_cell(
    question: &Question,
    part: &Part,
    answers: &Answers,
    places: &HashMap<String, String>,
) -> Option<String> {
    let id = question.id.as_str();
    let field = |suffix: &str| format!("{id}.{suffix}");
    let text = match (&question.kind, part) {
        (QuestionKind::YesNo, Part::Whole) => answers.value(id).map(|v| match v {
            "oui" => "Oui".to_owned(),
            "non" => "Non".to_owned(),
            other => other.to_owned(),
        }),
        (QuestionKind::SingleChoice { options, .. }, Part::Whole) => {
            answers.value(id).map(|v| if v == OTHER { "Autre".to_owned() } else { label_of(options, v).to_owned() })
        }
        (_, Part::Whole) => answers.value(id).map(str::to_owned),
        (_, Part::OtherText) => answers.value(&field(OTHER)).map(str::to_owned),
        (QuestionKind::MultipleChoice { .. }, Part::Option(value)) => {
            answers.values(id).iter().any(|v| v.trim() == value).then(|| "Oui".to_owned())
        }
        (QuestionKind::Ranking { .. }, Part::Option(value)) => answers.value(&field(value)).map(str::to_owned),
        (QuestionKind::Grid { columns, .. }, Part::Row(row)) => {
            answers.value(&field(row)).map(|c| label_of(columns, c).to_owned())
        }
        (QuestionKind::Organisation, Part::Sub(sub)) => answers.value(&field(sub)).map(|v| {
            match *sub {
                "famille" => LegalFamily::parse(v).map_or(v, |f| f.label()),
                "departement" => places.get(v).map_or(v, String::as_str),
                "effectif" => EMPLOYEES_BANDS.iter().find(|(c, _)| *c == v).map_or(v, |(_, n)| *n),
                _ => v,
            }
            .to_owned()
        }),
        _ => None,
    };
    text.filter(|t| !t.is_empty())
}

/// A cell as a worksheet holds it: at most 32,767 UTF-16 units (a 20,000-character answer
/// of emoji would pass that; it is cut, the CSV keeps it whole).
fn xlsx_text(cell: &str) -> &str {
    if cell.len() <= XLSX_MAX_CELL {
        return cell;
    }
    let mut units = 0;
    for (at, c) in cell.char_indices() {
        units += c.len_utf16();
        if units > XLSX_MAX_CELL {
            return &cell[..at];
        }
    }
    cell
}

#[cfg(unix)]
fn set_mode(file: &File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(CONTRIBUTIONS_MODE))
}

#[cfg(not(unix))]
fn set_mode(_file: &File) -> std::io::Result<()> {
    let _ = CONTRIBUTIONS_MODE;
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Records an export in the audit log: who, which questionnaire, the format and how many
/// responses (an export carries personal data out of the platform).
pub fn record_export(
    conn: &mut DbConnection,
    questionnaire: Id,
    format: ExportFormat,
    rows: usize,
    actor: Option<Id>,
    via: &str,
) -> CoreResult<()> {
    record(
        conn,
        AuditEvent::new(actor, "questionnaire.export", "questionnaire", Some(questionnaire.to_string()))
            .with_details(serde_json::json!({ "format": format.as_str(), "rows": rows, "via": via })),
    )
}

/// An export ready to download: the file (rewound), its name and what it holds.
pub struct Download {
    /// The export, in an anonymous temporary file.
    pub file: File,
    /// Its size in bytes.
    pub size: u64,
    /// The file name to offer (`reponses-SLUG.csv`).
    pub file_name: String,
    /// How many responses.
    pub rows: usize,
}

/// The export of a consultation's questionnaire for a staff download, recorded in the audit
/// log under the staff member's account.
pub fn download(conn: &mut DbConnection, slug: &str, format: ExportFormat, actor: Id) -> Result<Download, ExportError> {
    let export = ResponsesExport::for_consultation(conn, slug)?;
    let (file, rows) = export.to_temp_file(conn, format)?;
    let size = file.metadata()?.len();
    record_export(conn, export.questionnaire(), format, rows, Some(actor), "web")?;
    Ok(Download { file, size, file_name: file_name(slug, format), rows })
}

/// What a download of this export would be called, checking only that there is one to make:
/// the answer to a `HEAD`, which must neither build the export nor record one.
pub fn download_name(conn: &mut DbConnection, slug: &str, format: ExportFormat) -> Result<String, ExportError> {
    ResponsesExport::for_consultation(conn, slug)?;
    Ok(file_name(slug, format))
}

fn file_name(slug: &str, format: ExportFormat) -> String {
    let safe_slug: String =
        slug.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    format!("reponses-{safe_slug}.{}", format.as_str())
}

// ----- Seeding, for benchmarks -----

#[derive(Insertable)]
#[diesel(table_name = responses)]
#[diesel(treat_none_as_default_value = false)]
struct SeededResponse {
    id: Id,
    questionnaire_id: Id,
    version_id: Id,
    invitation_id: Option<Id>,
    answers: String,
    revision: i32,
    status: String,
    submit_key: Option<String>,
    email: Option<String>,
    territory_id: Option<Id>,
    legal_family: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    submitted_at: Option<NaiveDateTime>,
    follow_id: Option<Id>,
}

/// A small deterministic mix of `n` and `salt` (no randomness: the same count seeds the same
/// answers).
fn mix(n: u64, salt: u64) -> u64 {
    let mut x = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 29)
}

const SEED_TEXTS: &[&str] = &[
    "Mutualiser les fonctions support entre structures du territoire permettrait de dégager du temps pour le projet associatif.",
    "Les appels à projets annuels fragilisent les emplois : des conventions pluriannuelles d'objectifs donneraient de la visibilité.",
    "Un guichet unique pour les porteurs de projets de l'ESS, avec un interlocuteur identifié par département.",
    "Former les bénévoles dirigeants à la gestion et au droit du travail, au plus près des territoires ruraux.",
    "=HYPERLINK(\"http://exemple.invalid\";\"cliquez\") — un texte qu'un tableur ne doit jamais exécuter.",
    "Faire connaître l'ESS dans les lycées et les CFA par des interventions de structures locales.",
];

/// Answers to every question of a definition that its conditions show, varied with `n`.
/// `codes`: the consultation's territory codes, in order.
fn seeded_answers(definition: &Definition, codes: &[String], n: u64) -> Answers {
    let mut answers = Answers::default();
    for (q, (_, question)) in definition.questions().enumerate() {
        if !answers.shows(question) {
            continue;
        }
        let r = mix(n, q as u64);
        let id = question.id.clone();
        let mut put = |field: String, value: String| answers.0.entry(field).or_default().push(value);
        match &question.kind {
            QuestionKind::ShortText => put(id, format!("Réponse courte {n}")),
            QuestionKind::LongText => {
                if !r.is_multiple_of(4) {
                    put(id, format!("{} (réponse {n})", SEED_TEXTS[(r as usize / 4) % SEED_TEXTS.len()]));
                }
            }
            QuestionKind::SingleChoice { options, other } => {
                if *other && r.is_multiple_of(9) {
                    put(id.clone(), OTHER.to_owned());
                    put(format!("{id}.{OTHER}"), format!("Autre précision {n}"));
                } else {
                    put(id, options[(r as usize) % options.len()].value.clone());
                }
            }
            QuestionKind::MultipleChoice { options, other } => {
                for (o, option) in options.iter().enumerate() {
                    if (r >> o) & 1 == 1 {
                        put(id.clone(), option.value.clone());
                    }
                }
                if *other && r.is_multiple_of(11) {
                    put(id.clone(), OTHER.to_owned());
                    put(format!("{id}.{OTHER}"), format!("Autre réseau {n}"));
                }
            }
            QuestionKind::YesNo => put(id, if r.is_multiple_of(3) { "non" } else { "oui" }.to_owned()),
            QuestionKind::Scale { .. } => put(id, (1 + r % 5).to_string()),
            QuestionKind::Number { min, max } => {
                let low = min.unwrap_or(0.0).max(0.0) as u64;
                let high = max.unwrap_or(1_000.0).max(low as f64) as u64;
                put(id, (low + r % (high - low + 1).min(50)).to_string());
            }
            QuestionKind::Ranking { options } => {
                let k = options.len();
                for (o, option) in options.iter().enumerate() {
                    put(format!("{id}.{}", option.value), (1 + (o + r as usize) % k).to_string());
                }
            }
            QuestionKind::Grid { rows, columns } => {
                for (w, row) in rows.iter().enumerate() {
                    let pick = &columns[(mix(r, w as u64) as usize) % columns.len()];
                    put(format!("{id}.{}", row.value), pick.value.clone());
                }
            }
            QuestionKind::Organisation => {
                let departement = codes.get((r as usize) % codes.len().max(1)).map_or(OUTSIDE, String::as_str);
                let family = LegalFamily::ALL[(r as usize / 7) % LegalFamily::ALL.len()];
                let band = EMPLOYEES_BANDS[(r as usize / 3) % EMPLOYEES_BANDS.len()].0;
                put(format!("{id}.nom"), format!("Structure de l'ESS n° {n}"));
                put(format!("{id}.famille"), family.as_str().to_owned());
                put(format!("{id}.departement"), departement.to_owned());
                put(format!("{id}.effectif"), band.to_owned());
                put(format!("{id}.secteur"), "Action sociale".to_owned());
            }
        }
    }
    answers
}

/// **For benchmarks only.** Inserts `count` submitted responses to the published version of
/// the consultation's questionnaire, with varied valid answers, by transactions of 1,000 rows.
/// They bypass the submission (no contribution recorded, no e-mail): they exist to measure the
/// export. Returns how many were inserted.
pub fn seed_submitted(conn: &mut DbConnection, slug: &str, count: usize) -> Result<usize, ExportError> {
    let consultation = match find_consultation(conn, slug) {
        Ok(c) => c,
        Err(CoreError::NotFound(_)) => return Err(ExportError::UnknownConsultation(slug.to_owned())),
        Err(e) => return Err(e.into()),
    };
    let questionnaire =
        questionnaire_of(conn, consultation.id)?.ok_or_else(|| ExportError::NoQuestionnaire(slug.to_owned()))?;
    let version = super::store::published_version(conn, questionnaire.id)?
        .ok_or_else(|| CoreError::Conflict("le questionnaire n'est pas encore publié".into()))?;
    let definition = version.parsed()?;
    let territories: HashMap<String, Id> =
        territories_of(conn, consultation.id)?.into_iter().map(|t| (t.code, t.id)).collect();
    let mut codes: Vec<String> = territories.keys().cloned().collect();
    codes.sort_unstable();
    let organisation = definition.questions().find(|(_, q)| matches!(q.kind, QuestionKind::Organisation));
    let start = now() - chrono::Duration::milliseconds(count as i64);
    let mut done = 0;
    while done < count {
        let batch: Vec<SeededResponse> = (done..count.min(done + 1_000))
            .map(|n| {
                let answers = seeded_answers(&definition, &codes, n as u64);
                let at = start + chrono::Duration::milliseconds(n as i64);
                let identity = |suffix: &str| {
                    organisation.and_then(|(_, q)| answers.value(&format!("{}.{suffix}", q.id))).map(str::to_owned)
                };
                let territory_id = identity("departement").and_then(|code| territories.get(&code).copied());
                let legal_family = identity("famille");
                let stored = StoredAnswers { answers, changed: Default::default(), last_page: None };
                SeededResponse {
                    id: Id::new(),
                    questionnaire_id: questionnaire.id,
                    version_id: version.id,
                    invitation_id: None,
                    answers: serde_json::to_string(&stored).unwrap_or_default(),
                    revision: 1,
                    status: ResponseStatus::Submitted.as_str().to_owned(),
                    submit_key: None,
                    email: None,
                    territory_id,
                    legal_family,
                    created_at: at,
                    updated_at: at,
                    submitted_at: Some(at),
                    follow_id: None,
                }
            })
            .collect();
        let inserted = batch.len();
        write_transaction(conn, |conn| -> Result<(), ExportError> {
            match conn {
                DbConnection::Sqlite(c) => diesel::insert_into(responses::table).values(&batch).execute(c)?,
                DbConnection::Postgresql(c) => diesel::insert_into(responses::table).values(&batch).execute(c)?,
            };
            Ok(())
        })?;
        done += inserted;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str, label: &str, kind: QuestionKind) -> Question {
        Question {
            id: id.into(),
            label: label.into(),
            help: String::new(),
            required: false,
            kind,
            condition: None,
            contribution: None,
        }
    }

    fn definition(questions: Vec<Question>) -> Definition {
        Definition {
            format: super::super::definition::FORMAT.into(),
            title: "Q".into(),
            introduction: String::new(),
            anonymous: false,
            sections: vec![super::super::definition::Section {
                id: "s".into(),
                title: "S".into(),
                description: String::new(),
                questions,
            }],
        }
    }

    #[test]
    fn a_question_whose_kind_changed_gets_the_columns_of_each_kind_and_says_which() {
        let old = definition(vec![question("role", "Votre rôle", QuestionKind::ShortText)]);
        let options = vec![Choice { value: "elu".into(), label: "Élu".into() }];
        let new =
            definition(vec![question("role", "Votre rôle", QuestionKind::SingleChoice { options, other: false })]);
        let columns = union_columns(&[&new, &old]);
        let headers: Vec<&str> = columns[5..].iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers, ["Votre rôle [role] (choix unique)", "Votre rôle [role] (texte)"]);
        let answers = Answers([("role".to_owned(), vec!["elu".to_owned()])].into_iter().collect());
        let new_plan = plan_version(2, new, &columns);
        assert_eq!(new_plan.sources[5..], [Some(0), None]);
        let old_plan = plan_version(1, old, &columns);
        assert_eq!(old_plan.sources[5..], [None, Some(0)]);
        let q = new_plan.definition.question("role").unwrap();
        assert_eq!(answer_cell(q, &Part::Whole, &answers, &HashMap::new()).as_deref(), Some("Élu"));
    }

    #[test]
    fn headers_are_one_line_and_defused() {
        let d = definition(vec![question("q", "=SOMME(A1)\n  sur deux lignes", QuestionKind::YesNo)]);
        assert_eq!(union_columns(&[&d])[5].header, "'=SOMME(A1) sur deux lignes [q]");
    }

    #[test]
    fn an_xlsx_cell_is_cut_at_excel_s_limit_in_utf16_units() {
        let short = "é".repeat(20_000);
        assert_eq!(xlsx_text(&short), short);
        let emoji = "🐝".repeat(20_000);
        let cut = xlsx_text(&emoji);
        assert_eq!(cut.chars().count(), XLSX_MAX_CELL / 2);
        assert!(cut.encode_utf16().count() <= XLSX_MAX_CELL);
    }
}
