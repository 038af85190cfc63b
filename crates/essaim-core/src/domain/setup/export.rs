//! Writing a consultation's set-up as a file: what the import reads back, never a
//! contribution, a response or a person.

use std::collections::BTreeMap;

use crate::db::DbConnection;
use crate::domain::consultation::{find_consultation, legal_families_of, phases_of, territories_of, themes_of};
use crate::domain::vocab::TerritoryKind;
use crate::error::CoreResult;

use super::file::{ConsultationSetup, PhaseSetup, SetupFile, TerritorySetup, ThemeSetup, FORMAT};
use super::{SetupContext, SetupSection};

/// The set-up of the consultation `slug`, with each module's section.
pub fn export(conn: &mut DbConnection, slug: &str, sections: &[&dyn SetupSection]) -> CoreResult<SetupFile> {
    let consultation = find_consultation(conn, slug)?;
    let themes = themes_of(conn, consultation.id)?;
    let territories = territories_of(conn, consultation.id)?;
    let sender = crate::mail::texts::sender_of(conn, consultation.id)?;
    let mut exported = BTreeMap::new();
    let context = SetupContext { consultation: &consultation, themes: &themes, territories: &territories };
    for section in sections {
        if let Some(value) = section.export(conn, &context)? {
            exported.insert(section.key().to_owned(), value);
        }
    }
    let (look, legal_pages) = crate::domain::look::setup::read(conn, consultation.id)?;
    Ok(SetupFile {
        look,
        legal_pages,
        format: FORMAT.to_owned(),
        phases: phases_of(conn, consultation.id)?
            .into_iter()
            .map(|p| PhaseSetup {
                kind: p.kind,
                title: p.title,
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                location: p.location,
            })
            .collect(),
        themes: themes
            .iter()
            .map(|t| ThemeSetup { title: t.title.clone(), description: t.description.clone() })
            .collect(),
        territories: territories
            .iter()
            .map(|t| TerritorySetup {
                code: t.code.clone(),
                name: (t.kind == TerritoryKind::Other).then(|| t.name.clone()),
            })
            .collect(),
        legal_families: legal_families_of(conn, consultation.id)?,
        sections: exported,
        mails: crate::mail::texts::export_mails(conn, consultation.id)?,
        consultation: ConsultationSetup {
            slug: consultation.slug,
            title: consultation.title,
            region: consultation.region,
            organisers: consultation.organisers,
            description: consultation.description,
            starts_on: consultation.starts_on,
            ends_on: consultation.ends_on,
            retention_until: consultation.retention_until,
            state: consultation.state,
            time_zone: consultation.time_zone,
            sender_name: sender.name,
            sender_address: sender.address,
        },
    })
}
