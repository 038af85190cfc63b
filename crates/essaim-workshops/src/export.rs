//! The staff overview of a consultation's participation (accepted contributions per theme and
//! channel, the workshops with their attendance and entries) and the export of the workshop
//! contributions as CSV and JSON, each download recorded in the audit log.

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::{territories_of, themes_of, Consultation};
use essaim_core::domain::contribution::counts_by_theme_and_channel;
use essaim_core::domain::{Channel, ContributionKind, Theme};
use essaim_core::CoreResult;
use essaim_documents::spreadsheet::csv_bytes;
use serde::Serialize;

use crate::capture::entries_of_workshop;
use crate::workshops::{workshops_of, WorkshopError, WorkshopPhase, WorkshopSummary};

/// One row of the theme × channel table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeRow {
    /// The theme (none: contributions not classified).
    pub theme: Option<Theme>,
    /// Accepted contributions per channel, in [`Channel::ALL`]'s order.
    pub counts: Vec<i64>,
    /// Their sum.
    pub total: i64,
}

/// What the staff overview shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    /// The channels, as the columns.
    pub channels: Vec<Channel>,
    /// One row per theme, then the unclassified row when there are any.
    pub rows: Vec<ThemeRow>,
    /// Per channel, over every theme.
    pub channel_totals: Vec<i64>,
    /// Every workshop with its attendance and entries.
    pub workshops: Vec<WorkshopSummary>,
}

/// The overview of a consultation: the theme × channel counts come from one grouped query
/// of the core.
pub fn consultation_overview(conn: &mut DbConnection, consultation: Id) -> CoreResult<Overview> {
    let counts = counts_by_theme_and_channel(conn, consultation)?;
    let channels: Vec<Channel> = Channel::ALL.to_vec();
    let row = |theme: Option<Theme>| {
        let id = theme.as_ref().map(|t| t.id);
        let counts: Vec<i64> = channels
            .iter()
            .map(|c| counts.iter().filter(|r| r.theme_id == id && r.channel == *c).map(|r| r.count).sum())
            .collect();
        let total = counts.iter().sum();
        ThemeRow { theme, counts, total }
    };
    let mut rows: Vec<ThemeRow> = themes_of(conn, consultation)?.into_iter().map(|t| row(Some(t))).collect();
    let unclassified = row(None);
    if unclassified.total > 0 {
        rows.push(unclassified);
    }
    let channel_totals = (0..channels.len()).map(|i| rows.iter().map(|r| r.counts[i]).sum()).collect();
    Ok(Overview { channels, rows, channel_totals, workshops: workshops_of(conn, consultation)? })
}

/// Formats of the workshop contributions' export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV (UTF-8, every cell quoted, formulas defused).
    Csv,
    /// JSON: an array of objects.
    Json,
}

impl ExportFormat {
    /// From the address: `csv` or `json`.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "csv" => Some(ExportFormat::Csv),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }

    /// `csv` or `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
}

/// One workshop contribution, as exported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedEntry {
    /// The workshop.
    pub workshop_id: String,
    /// `launch` or `conference`.
    pub phase: &'static str,
    /// The theme's position.
    pub theme: i32,
    /// The theme's wording.
    pub theme_title: String,
    /// Where the workshop took place.
    pub place: String,
    /// The entry (the device's id).
    pub entry_id: String,
    /// The contribution.
    pub contribution_id: String,
    /// `constat`, `proposition`, `experience`, `question`.
    pub kind: &'static str,
    /// The text.
    pub text: String,
    /// The organisation that spoke.
    pub organisation: String,
    /// The département's code.
    pub departement: String,
    /// When it was said, UTC, ISO 8601.
    pub created_at: String,
}

const HEADERS: [&str; 12] = [
    "atelier",
    "phase",
    "theme",
    "theme_intitule",
    "lieu",
    "entree",
    "contribution",
    "type",
    "texte",
    "organisation",
    "departement",
    "saisie_le_utc",
];

/// Every entry of a consultation's workshops, workshop by workshop.
pub fn workshop_contributions(conn: &mut DbConnection, consultation: Id) -> Result<Vec<ExportedEntry>, WorkshopError> {
    let mut out = Vec::new();
    for summary in workshops_of(conn, consultation)? {
        for entry in entries_of_workshop(conn, summary.workshop.id)? {
            out.push(ExportedEntry {
                workshop_id: summary.workshop.id.to_string(),
                phase: summary.workshop.phase.as_str(),
                theme: summary.theme.position,
                theme_title: summary.theme.title.clone(),
                place: summary.workshop.place.clone(),
                entry_id: entry.id.to_string(),
                contribution_id: entry.contribution_id.map(|c| c.to_string()).unwrap_or_default(),
                kind: entry.kind.map(|k| k.as_str()).unwrap_or(""),
                text: entry.body,
                organisation: entry.organisation.unwrap_or_default(),
                departement: entry.territory.unwrap_or_default(),
                created_at: entry.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            });
        }
    }
    Ok(out)
}

/// The export as bytes, the file name to offer and how many rows.
pub struct Export {
    /// The file.
    pub bytes: Vec<u8>,
    /// `contributions-ateliers-SLUG.csv`.
    pub file_name: String,
    /// Rows.
    pub rows: usize,
}

/// Renders the rows: CSV with every cell through [`safe_cell`] (a spreadsheet shows text,
/// never runs a formula), or JSON.
pub fn render_export(rows: &[ExportedEntry], format: ExportFormat) -> Result<Vec<u8>, WorkshopError> {
    match format {
        ExportFormat::Json => serde_json::to_vec_pretty(rows)
            .map_err(|e| WorkshopError::Core(essaim_core::CoreError::Internal(format!("JSON : {e}")))),
        // A French file: the phase and the kind in words (the JSON keeps the codes).
        ExportFormat::Csv => csv_bytes(
            &HEADERS,
            rows.iter().map(|r| {
                [
                    r.workshop_id.clone(),
                    WorkshopPhase::parse(r.phase).map_or(r.phase, WorkshopPhase::label).to_owned(),
                    r.theme.to_string(),
                    r.theme_title.clone(),
                    r.place.clone(),
                    r.entry_id.clone(),
                    r.contribution_id.clone(),
                    ContributionKind::parse(r.kind).map_or(r.kind, ContributionKind::label).to_owned(),
                    r.text.clone(),
                    r.organisation.clone(),
                    r.departement.clone(),
                    r.created_at.clone(),
                ]
            }),
        )
        .map_err(|e| WorkshopError::Core(essaim_core::CoreError::Internal(format!("CSV : {e}")))),
    }
}

/// The export of a consultation's workshop contributions for a staff download, recorded in
/// the audit log (`workshops.export`: format, rows, who).
pub fn download(
    conn: &mut DbConnection,
    consultation: &Consultation,
    format: ExportFormat,
    actor: Id,
) -> Result<Export, WorkshopError> {
    let rows = workshop_contributions(conn, consultation.id)?;
    let bytes = render_export(&rows, format)?;
    record(
        conn,
        AuditEvent::new(Some(actor), "workshops.export", "consultation", Some(consultation.id.to_string()))
            .with_details(serde_json::json!({ "format": format.as_str(), "rows": rows.len(), "via": "web" })),
    )?;
    Ok(Export {
        bytes,
        file_name: format!("contributions-ateliers-{}.{}", consultation.slug, format.as_str()),
        rows: rows.len(),
    })
}

/// The départements of a consultation by code, for pages that name them.
pub fn territory_names(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<(String, String)>> {
    Ok(territories_of(conn, consultation)?.into_iter().map(|t| (t.code, t.name)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{capture, EntryInput};
    use crate::workshops::{create_workshop, WorkshopForm};
    use essaim_core::domain::audit::history_of;
    use essaim_core::domain::consultation::find_consultation;
    use essaim_core::testing::{demo, TestDb};

    #[test]
    fn the_overview_counts_and_the_exports_defuse_formulas_and_are_audited() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = crate::workshops::tests::account(&mut conn, "staff");
        let before = consultation_overview(&mut conn, consultation).unwrap();
        let form =
            WorkshopForm { theme: "1".into(), phase: "launch".into(), state: "open".into(), ..WorkshopForm::default() };
        let w = create_workshop(&mut conn, consultation, &form, staff.id).unwrap();
        for body in ["=HYPERLINK(\"http://x\")", "Une idée simple."] {
            let input = EntryInput {
                device_id: Id::new().to_string(),
                kind: "constat".into(),
                body: body.into(),
                ..EntryInput::default()
            };
            capture(&mut conn, w.id, &staff, input).unwrap();
        }
        let after = consultation_overview(&mut conn, consultation).unwrap();
        let launch = after.channels.iter().position(|c| *c == Channel::LaunchWorkshop).unwrap();
        assert_eq!(after.rows[0].counts[launch] - before.rows[0].counts[launch], 2);
        assert_eq!(after.channel_totals[launch] - before.channel_totals[launch], 2);
        assert_eq!(after.workshops.len(), 1);
        assert_eq!(after.workshops[0].entries, 2);

        let c = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap();
        let csv = download(&mut conn, &c, ExportFormat::Csv, staff.id).unwrap();
        let text = String::from_utf8(csv.bytes).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
        assert!(text.contains("Une idée simple."));
        assert_eq!(csv.rows, 2);
        let json = download(&mut conn, &c, ExportFormat::Json, staff.id).unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
        assert_eq!(rows.as_array().unwrap().len(), 2);
        assert_eq!(rows[0]["text"], "=HYPERLINK(\"http://x\")", "JSON keeps the text as typed");
        let audit = history_of(&mut conn, "consultation", &consultation.to_string()).unwrap();
        let exports: Vec<_> = audit.iter().filter(|a| a.action == "workshops.export").collect();
        assert_eq!(exports.len(), 2);
        assert!(exports[0].details.contains("\"rows\":2"));
    }
}
