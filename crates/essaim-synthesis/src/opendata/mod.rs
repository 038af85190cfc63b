//! The open data of a published strategy (issue 18, item 4; docs/open-data.md): the tables
//! anyone may download and reuse under the Licence Ouverte 2.0, described by a Data Package.
//!
//! Everything here is read from the **published snapshot** (what staff published, the
//! orientations, their verdicts and the contributions behind them) and from the contributions
//! that are **accepted now**: a contribution rejected or erased after publication leaves the
//! open data at once, as it leaves the public pages (Decidim #6398 published moderated
//! content). No person's name, e-mail or phone ever enters a file: texts go through the
//! scrubber with the names of the persons known as authors, authors' names are not a column,
//! and an organisation is named only where it answered as an organisation. Votes are those the
//! snapshot published (closed votes only, see the publication), never a live tally (Decidim
//! #12348 published hidden figures).
//!
//! Files are built at each request, from the database as it is: there is nothing to keep in
//! step when a person erases their data.

mod tables;

use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::Consultation;
use essaim_core::domain::publication::{current_publication, Publication, Snapshot};
use essaim_core::CoreError;
use essaim_documents::datapackage::{DataTable, PackageMeta};

use crate::commitments::commitments_of;

pub use tables::{
    commitments_table, contributions_table, links_table, orientations_table, votes_table, COMMITMENTS, CONTRIBUTIONS,
    LINKS, ORIENTATIONS, VOTES,
};

/// The open data of a consultation's current publication; none when nothing is published
/// (never published, or withdrawn).
pub struct OpenData {
    /// The publication it describes.
    pub publication: Publication,
    /// What it published.
    pub snapshot: Snapshot,
    /// The tables of the synthesis module, in the order the page lists them.
    pub tables: Vec<DataTable>,
}

/// The synthesis module's tables of the consultation's current publication: orientations, the
/// links from orientations to contributions, the accepted contributions, the plenary's votes
/// and the commitments — or only the one named `only` (a file's download: the contributions,
/// scrubbed in full, are read only for the two tables that need them). The questionnaire's
/// aggregated results are the questionnaire module's
/// (`essaim_contributions::questionnaire::opendata`).
pub fn open_data(
    conn: &mut DbConnection,
    consultation: &Consultation,
    only: Option<&str>,
) -> Result<Option<OpenData>, CoreError> {
    let Some(publication) = current_publication(conn, consultation.id)? else { return Ok(None) };
    let snapshot = publication.snapshot()?;
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    let contributions = if wanted(LINKS) || wanted(CONTRIBUTIONS) {
        tables::accepted_contributions(conn, consultation)?
    } else {
        Vec::new()
    };
    let mut tables = Vec::new();
    if wanted(ORIENTATIONS) {
        tables.push(orientations_table(&publication, &snapshot));
    }
    if wanted(LINKS) {
        tables.push(links_table(&snapshot, &contributions));
    }
    if wanted(CONTRIBUTIONS) {
        tables.push(contributions_table(consultation, &contributions));
    }
    if wanted(VOTES) {
        tables.push(votes_table(&snapshot));
    }
    if wanted(COMMITMENTS) {
        tables.push(commitments_table(&snapshot, &commitments_of(conn, consultation.id)?));
    }
    Ok(Some(OpenData { publication, snapshot, tables }))
}

/// What the package says of itself: the consultation, its organisers, the page it is
/// published on, the version of the strategy and the time it was made.
pub fn package_meta(consultation: &Consultation, publication: &Publication, homepage: String) -> PackageMeta {
    PackageMeta {
        name: consultation.slug.clone(),
        title: format!("{} — données ouvertes", consultation.title),
        description: format!(
            "Les orientations publiées de la stratégie (version {}), les contributions acceptées qui les ont \
             nourries, sans donnée personnelle, les votes de la plénière, les engagements et les résultats \
             agrégés du questionnaire.",
            publication.version
        ),
        homepage,
        publisher: if consultation.organisers.trim().is_empty() {
            consultation.title.clone()
        } else {
            consultation.organisers.clone()
        },
        created: essaim_core::clock::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        version: publication.version.to_string(),
    }
}

#[cfg(test)]
mod tests;
