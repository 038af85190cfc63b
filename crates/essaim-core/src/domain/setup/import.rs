//! Creating a consultation from a set-up file: every field checked first, then one write
//! transaction with new ids (ids are never read from a file).

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::consultation::{
    create_consultation, Consultation, NewConsultation, Phase, Territory, MAX_THEME_TITLE_CHARS,
};
use crate::domain::territory::{ensure_territory, TerritoryChoice};
use crate::error::{CoreError, CoreResult, ValidationErrors};
use crate::schema::{consultation_territories, phases, themes};

use super::file::SetupFile;
use super::{SetupContext, SetupSection};

/// Most themes a consultation has.
pub const MAX_THEMES: usize = 12;
/// Longest theme description, in characters.
pub const MAX_THEME_DESCRIPTION_CHARS: usize = 2_000;
/// Longest consultation description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// Creates the consultation a set-up file describes, all or nothing. A short id already
/// taken is a [`CoreError::Conflict`]; every other refusal names its field.
pub fn import(conn: &mut DbConnection, file: &SetupFile, sections: &[&dyn SetupSection]) -> CoreResult<Consultation> {
    let mut errors = ValidationErrors::default();
    let look = crate::domain::look::setup::check(file.look.as_ref(), &file.legal_pages, &mut errors);
    match check(file, sections) {
        Err(CoreError::Validation(refused)) => errors.0.extend(refused.0),
        Err(other) => return Err(other),
        Ok(()) => {}
    }
    errors.into_result()?;
    write_transaction(conn, |conn| {
        let c = &file.consultation;
        let input = NewConsultation {
            slug: c.slug.trim().to_owned(),
            title: c.title.clone(),
            region: c.region.clone(),
            description: c.description.clone(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            retention_until: c.retention_until,
            organisers: c.organisers.clone(),
            state: c.state,
            time_zone: c.time_zone.clone(),
            legal_families: file.legal_families.clone(),
        };
        let titles: Vec<String> = file.themes.iter().map(|t| t.title.clone()).collect();
        let (consultation, mut created_themes) = create_consultation(conn, &input, &titles).map_err(|e| match e {
            CoreError::Conflict(_) => CoreError::invalid(
                "consultation.slug",
                format!(
                    "Une consultation a déjà l'identifiant court « {} » : donnez-en un autre dans le fichier.",
                    input.slug
                ),
            ),
            other => other,
        })?;
        for (theme, setup) in created_themes.iter_mut().zip(&file.themes) {
            let description = setup.description.trim();
            if !description.is_empty() {
                diesel::update(themes::table.find(theme.id)).set(themes::description.eq(description)).execute(conn)?;
                theme.description = description.to_owned();
            }
        }
        for (index, phase) in file.phases.iter().enumerate() {
            let title = match phase.title.trim() {
                "" => phase.kind.label().to_owned(),
                title => title.to_owned(),
            };
            let row = Phase {
                id: Id::new(),
                consultation_id: consultation.id,
                position: index as i32 + 1,
                kind: phase.kind,
                title,
                starts_on: phase.starts_on,
                ends_on: phase.ends_on,
                location: phase.location.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned),
            };
            diesel::insert_into(phases::table).values(row).execute(conn)?;
        }
        let mut territories: Vec<Territory> = Vec::with_capacity(file.territories.len());
        for (index, setup) in file.territories.iter().enumerate() {
            let choice = match &setup.name {
                None => TerritoryChoice::Official(setup.code.trim().to_owned()),
                Some(name) => TerritoryChoice::Custom { code: setup.code.trim().to_owned(), name: name.clone() },
            };
            let territory =
                ensure_territory(conn, &choice).map_err(|e| prefixed(e, &format!("territories[{index}]")))?;
            diesel::insert_into(consultation_territories::table)
                .values((
                    consultation_territories::consultation_id.eq(consultation.id),
                    consultation_territories::territory_id.eq(territory.id),
                ))
                .execute(conn)?;
            territories.push(territory);
        }
        territories.sort_by(|a, b| a.code.cmp(&b.code));
        crate::mail::texts::import_mails(conn, consultation.id, &file.mails)?;
        let sender = crate::mail::texts::Sender { name: c.sender_name.clone(), address: c.sender_address.clone() };
        if sender != crate::mail::texts::Sender::default() {
            crate::mail::texts::set_sender(conn, consultation.id, &sender, None)
                .map_err(|e| prefixed(e, "consultation"))?;
        }
        let context = SetupContext { consultation: &consultation, themes: &created_themes, territories: &territories };
        for (key, value) in &file.sections {
            let section = sections.iter().find(|s| s.key() == key).ok_or_else(|| unknown_section(key))?;
            section.import(conn, &context, value).map_err(|e| prefixed(e, &format!("sections.{key}")))?;
        }
        crate::domain::look::setup::write(conn, consultation.id, &look)?;
        Ok(consultation)
    })
}

fn unknown_section(key: &str) -> CoreError {
    CoreError::invalid(&format!("sections.{key}"), format!("Section « {key} » inconnue : aucun module ne la lit."))
}

/// Puts where a refusal happened in front of its field: `territories[3]`, `sections.stands[2].title`.
fn prefixed(error: CoreError, prefix: &str) -> CoreError {
    match error {
        CoreError::Validation(errors) => CoreError::Validation(ValidationErrors(
            errors
                .0
                .into_iter()
                .map(|mut e| {
                    e.field = match e.field.as_str() {
                        "" | "territories" => prefix.to_owned(),
                        field if field.starts_with('[') => format!("{prefix}{field}"),
                        field => format!("{prefix}.{field}"),
                    };
                    e
                })
                .collect(),
        )),
        other => other,
    }
}

/// Everything that can be checked without the database, all refusals at once.
pub(super) fn check(file: &SetupFile, sections: &[&dyn SetupSection]) -> CoreResult<()> {
    let mut errors = ValidationErrors::default();
    let c = &file.consultation;
    if let Err(message) = crate::domain::consultation::validate_slug(c.slug.trim()) {
        errors.add("consultation.slug", message);
    }
    if c.title.trim().is_empty() || c.title.chars().count() > 300 {
        errors.add("consultation.title", "Le titre de la consultation fait de 1 à 300 caractères.");
    }
    if c.description.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.add(
            "consultation.description",
            format!("La présentation fait au plus {MAX_DESCRIPTION_CHARS} caractères."),
        );
    }
    if c.time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.add(
            "consultation.time_zone",
            format!("Fuseau horaire inconnu : « {} » (par exemple Europe/Paris, America/Cayenne).", c.time_zone),
        );
    }
    if let (Some(start), Some(end)) = (c.starts_on, c.ends_on) {
        if end < start {
            errors.add("consultation.ends_on", "La consultation finit avant de commencer.");
        }
    }
    for (index, phase) in file.phases.iter().enumerate() {
        if let (Some(start), Some(end)) = (phase.starts_on, phase.ends_on) {
            if end < start {
                errors.add(
                    &format!("phases[{index}].ends_on"),
                    format!("La phase « {} » finit ({end}) avant de commencer ({start}).", phase.kind.label()),
                );
            }
        }
        if phase.title.chars().count() > 300 {
            errors.add(&format!("phases[{index}].title"), "Le titre d'une phase fait au plus 300 caractères.");
        }
    }
    if file.themes.is_empty() || file.themes.len() > MAX_THEMES {
        errors.add("themes", format!("Une consultation a de 1 à {MAX_THEMES} thèmes ({} ici).", file.themes.len()));
    }
    let mut seen = HashSet::new();
    for (index, theme) in file.themes.iter().enumerate() {
        let title = theme.title.trim();
        if title.is_empty() || title.chars().count() > MAX_THEME_TITLE_CHARS {
            errors.add(
                &format!("themes[{index}].title"),
                format!("Chaque thème a un intitulé de 1 à {MAX_THEME_TITLE_CHARS} caractères."),
            );
        } else if !seen.insert(title.to_lowercase()) {
            errors.add(&format!("themes[{index}].title"), format!("Le thème « {title} » est donné deux fois."));
        }
        if theme.description.chars().count() > MAX_THEME_DESCRIPTION_CHARS {
            errors.add(
                &format!("themes[{index}].description"),
                format!("La description d'un thème fait au plus {MAX_THEME_DESCRIPTION_CHARS} caractères."),
            );
        }
    }
    if file.territories.is_empty() {
        errors
            .add("territories", "Donnez au moins un territoire (un département, une région ou un territoire à vous).");
    }
    let mut codes = HashSet::new();
    for (index, territory) in file.territories.iter().enumerate() {
        let code = territory.code.trim();
        let refusal = match &territory.name {
            None if crate::domain::territory::find_official(code).is_none() => Some(format!(
                "Territoire inconnu : « {code} » n'est ni un département ni une région du Code officiel géographique {} ; un territoire à vous (pays, EPCI) a un code et un nom (\"name\").",
                crate::domain::territory::COG_YEAR
            )),
            None => None,
            Some(name) => crate::domain::territory::check_custom(code, name).err(),
        };
        if let Some(message) = refusal {
            errors.add(&format!("territories[{index}]"), message);
        } else if !codes.insert(code.to_owned()) {
            errors.add(&format!("territories[{index}]"), format!("Le territoire « {code} » est donné deux fois."));
        }
    }
    if file.legal_families.is_empty() {
        errors.add("legal_families", "Proposez au moins une famille juridique.");
    }
    let mut families = HashSet::new();
    for family in &file.legal_families {
        if !families.insert(*family) {
            errors.add("legal_families", format!("La famille « {} » est donnée deux fois.", family.label()));
        }
    }
    let sender = crate::mail::texts::Sender { name: c.sender_name.clone(), address: c.sender_address.clone() };
    if let Err(refused) = crate::mail::texts::check_sender(&sender) {
        for e in refused.0 {
            errors.add(&format!("consultation.{}", e.field), e.message);
        }
    }
    crate::mail::texts::check_mails(&file.mails, &mut errors);
    for key in file.sections.keys() {
        if !sections.iter().any(|s| s.key() == key) {
            if let CoreError::Validation(refused) = unknown_section(key) {
                errors.0.extend(refused.0);
            }
        }
    }
    errors.into_result()
}
