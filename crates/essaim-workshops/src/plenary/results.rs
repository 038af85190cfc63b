//! The plenary's results as staff download them: one row per orientation put to the room —
//! its theme, where its vote stands and when it opened and closed, the counts, the room's
//! verdict and when it was recorded, how many amendments phones proposed and the texts of
//! those retained, and how far the room agrees (`essaim_core::domain::agreement`). CSV (every cell through the spreadsheet rule) or JSON; each download is
//! recorded in the audit log (`plenary.export`), as the workshop contributions' export is.

use std::collections::HashMap;

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::agreement::{room_agreement, Agreement};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::{themes_of, Consultation};
use essaim_core::domain::orientation::find_orientation;
use essaim_core::domain::plenary::VoteState;
use essaim_core::domain::plenary::{items_of, plenary_of, retained_amendments, tallies_of};
use essaim_core::CoreError;
use essaim_documents::spreadsheet::csv_bytes;
use serde::Serialize;

use super::votes::amendments_proposed;
use super::PlenaryResult;
use crate::export::{Export, ExportFormat};

/// One orientation put to the plenary, as exported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlenaryResultRow {
    /// The theme's position (1 to 5).
    pub theme: i32,
    /// The theme's wording.
    pub theme_title: String,
    /// The orientation.
    pub orientation_id: String,
    /// Its title.
    pub orientation_title: String,
    /// `open` or `closed`.
    pub vote_state: &'static str,
    /// When its vote was (last) opened, UTC, ISO 8601.
    pub opened_at: String,
    /// When it closed (empty while open).
    pub closed_at: String,
    /// Votes "confirmée".
    pub votes_confirmed: i64,
    /// Votes "à amender".
    pub votes_to_amend: i64,
    /// Votes "non confirmée".
    pub votes_not_confirmed: i64,
    /// Every vote.
    pub votes_total: i64,
    /// How far the room agrees, 0 to 1 (Tastle and Wierman's consensus; `None` below
    /// `essaim_core::domain::agreement::MIN_VOTES` votes).
    pub consensus: Option<f64>,
    /// How the room stands: `broad_agreement`, `nuanced`, `divided` or `too_few_votes`.
    pub agreement: &'static str,
    /// The room's verdict code (`confirmed`, `to_amend`, `not_confirmed`; empty if none yet).
    pub verdict: &'static str,
    /// Its French wording.
    pub verdict_label: &'static str,
    /// When it was recorded.
    pub verdict_at: String,
    /// Amendments proposed with a vote.
    pub amendments_proposed: usize,
    /// The texts of the amendments retained, in the order they were retained.
    pub amendments_retained: Vec<String>,
}

/// The CSV's columns: a French file, so states and verdicts are written in words (the JSON
/// keeps the codes, for programs).
const HEADERS: [&str; 17] = [
    "theme",
    "theme_intitule",
    "orientation",
    "orientation_intitule",
    "etat_du_vote",
    "vote_ouvert_le_utc",
    "vote_clos_le_utc",
    "votes_confirmee",
    "votes_a_amender",
    "votes_non_confirmee",
    "votes_total",
    "consensus",
    "accord_de_la_salle",
    "verdict",
    "verdict_le_utc",
    "amendements_proposes",
    "amendements_retenus",
];

fn iso(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Every orientation put to the consultation's plenary, theme by theme in the order of the
/// themes, then in the order their votes were first opened. None without a plenary.
pub fn plenary_results(conn: &mut DbConnection, consultation: Id) -> PlenaryResult<Vec<PlenaryResultRow>> {
    let Some(plenary) = plenary_of(conn, consultation)? else { return Ok(Vec::new()) };
    let themes: HashMap<Id, (i32, String)> =
        themes_of(conn, consultation)?.into_iter().map(|t| (t.id, (t.position, t.title))).collect();
    let tallies = tallies_of(conn, plenary.id)?;
    let mut rows = Vec::new();
    for item in items_of(conn, plenary.id)? {
        // An orientation deleted since keeps no row: there is nothing left to name.
        let Some(orientation) = find_orientation(conn, item.orientation_id)? else { continue };
        let (theme, theme_title) = themes.get(&orientation.theme_id).cloned().unwrap_or((0, String::new()));
        let tally = tallies.get(&item.id).copied().unwrap_or_default();
        let verdict = item.verdict();
        let room = room_agreement(&tally);
        rows.push(PlenaryResultRow {
            theme,
            theme_title,
            orientation_id: orientation.id.to_string(),
            orientation_title: orientation.title,
            vote_state: item.vote_state.as_str(),
            opened_at: iso(item.opened_at),
            closed_at: item.closed_at.map(iso).unwrap_or_default(),
            votes_confirmed: tally.confirmed,
            votes_to_amend: tally.to_amend,
            votes_not_confirmed: tally.not_confirmed,
            votes_total: tally.total(),
            consensus: room.consensus,
            agreement: room.agreement.as_str(),
            verdict: verdict.map(|v| v.as_str()).unwrap_or(""),
            verdict_label: verdict.map(|v| v.label()).unwrap_or(""),
            verdict_at: item.verdict_at.map(iso).unwrap_or_default(),
            amendments_proposed: amendments_proposed(conn, item.id)?.len(),
            amendments_retained: retained_amendments(conn, item.id)?.into_iter().map(|a| a.text).collect(),
        });
    }
    // Stable: within a theme, the order of `items_of` (first opened first) is kept.
    rows.sort_by_key(|r| r.theme);
    Ok(rows)
}

fn internal(what: &str, e: impl std::fmt::Display) -> crate::WorkshopError {
    CoreError::Internal(format!("{what} : {e}")).into()
}

/// The rows as CSV (the retained amendments in one cell, one per line) or JSON (an array).
pub fn render_results(rows: &[PlenaryResultRow], format: ExportFormat) -> PlenaryResult<Vec<u8>> {
    match format {
        ExportFormat::Json => serde_json::to_vec_pretty(rows).map_err(|e| internal("JSON", e)),
        ExportFormat::Csv => csv_bytes(
            &HEADERS,
            rows.iter().map(|r| {
                [
                    r.theme.to_string(),
                    r.theme_title.clone(),
                    r.orientation_id.clone(),
                    r.orientation_title.clone(),
                    VoteState::parse(r.vote_state).map_or(r.vote_state, VoteState::label).to_owned(),
                    r.opened_at.clone(),
                    r.closed_at.clone(),
                    r.votes_confirmed.to_string(),
                    r.votes_to_amend.to_string(),
                    r.votes_not_confirmed.to_string(),
                    r.votes_total.to_string(),
                    r.consensus.map(|c| c.to_string()).unwrap_or_default(),
                    Agreement::parse(r.agreement).map_or(r.agreement, Agreement::label).to_owned(),
                    r.verdict_label.to_owned(),
                    r.verdict_at.clone(),
                    r.amendments_proposed.to_string(),
                    r.amendments_retained.join("\n"),
                ]
            }),
        )
        .map_err(|e| internal("CSV", e)),
    }
}

/// The plenary's results of a consultation for a staff download, recorded in the audit log
/// (`plenary.export`: format, rows, who).
pub fn download_results(
    conn: &mut DbConnection,
    consultation: &Consultation,
    format: ExportFormat,
    actor: Id,
) -> PlenaryResult<Export> {
    let rows = plenary_results(conn, consultation.id)?;
    let bytes = render_results(&rows, format)?;
    record(
        conn,
        AuditEvent::new(Some(actor), "plenary.export", "consultation", Some(consultation.id.to_string()))
            .with_details(serde_json::json!({ "format": format.as_str(), "rows": rows.len(), "via": "web" })),
    )?;
    Ok(Export {
        bytes,
        file_name: format!("resultats-pleniere-{}.{}", consultation.slug, format.as_str()),
        rows: rows.len(),
    })
}
