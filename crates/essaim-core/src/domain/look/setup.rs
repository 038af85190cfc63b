//! The look and the legal pages in the consultation's set-up file (docs/consultation-json.md):
//! `look` (accent colour, logo in base64 with its media type and text alternative) and
//! `legal_pages` (only the pages someone wrote; the others keep their default text).

use base64::Engine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::db::{DbConnection, Id};
use crate::error::{CoreResult, ValidationErrors};

use super::legal::{check_page, LegalKind};
use super::logo::{check_alt, prepare_logo, LOGO_MEDIA_TYPE};
use super::{colour::check_accent, customised_pages, logo_of, look_of, write_page};
use crate::schema::consultation_looks;
use diesel::prelude::*;

/// The consultation's look.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookSetup {
    /// Accent colour of links and buttons, `#rrggbb`, at least 4.5:1 on white.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_colour: Option<String>,
    /// The organisers' logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<LogoSetup>,
}

/// A logo: a PNG or an SVG (without script), at most 512 Kio; an SVG is drawn as a PNG.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoSetup {
    /// `image/png` or `image/svg+xml` (exports always write `image/png`).
    pub media_type: String,
    /// The file, in base64.
    pub data: String,
    /// Its text alternative, e.g. « Région Bretagne ».
    pub alt: String,
}

/// The legal pages someone wrote (text with `## ` headings, `- ` lists and bare links); an
/// absent page keeps its default text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalPagesSetup {
    /// *Mentions légales*.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentions_legales: Option<String>,
    /// *Données personnelles*.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donnees_personnelles: Option<String>,
    /// *Déclaration d'accessibilité*.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibilite: Option<String>,
}

impl LegalPagesSetup {
    /// No page written.
    pub fn is_empty(&self) -> bool {
        self.pages().is_empty()
    }

    fn pages(&self) -> Vec<(LegalKind, &'static str, &String)> {
        [
            (LegalKind::MentionsLegales, "mentions_legales", &self.mentions_legales),
            (LegalKind::DonneesPersonnelles, "donnees_personnelles", &self.donnees_personnelles),
            (LegalKind::Accessibilite, "accessibilite", &self.accessibilite),
        ]
        .into_iter()
        .filter_map(|(kind, field, body)| Some((kind, field, body.as_ref()?)))
        .collect()
    }
}

/// What an import writes, once checked.
#[derive(Debug, Default)]
pub struct CheckedLook {
    accent_colour: Option<String>,
    logo: Option<(Vec<u8>, String)>,
    pages: Vec<(LegalKind, String)>,
}

/// Checks the look and the pages of a file, adding each refusal under its field
/// (`look.accent_colour`, `look.logo`, `look.logo.alt`, `legal_pages.accessibilite`).
pub fn check(look: Option<&LookSetup>, pages: &LegalPagesSetup, errors: &mut ValidationErrors) -> CheckedLook {
    let mut checked = CheckedLook::default();
    if let Some(look) = look {
        if let Some(raw) = &look.accent_colour {
            match check_accent(raw) {
                Ok(colour) => checked.accent_colour = Some(colour),
                Err(message) => errors.add("look.accent_colour", message),
            }
        }
        if let Some(logo) = &look.logo {
            let media = logo.media_type.trim().to_ascii_lowercase();
            let compact: String = logo.data.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes());
            match bytes {
                _ if media != "image/png" && media != "image/svg+xml" => errors.add(
                    "look.logo.media_type",
                    format!("Logo : type « {} » refusé ; image/png ou image/svg+xml.", logo.media_type),
                ),
                Err(_) => errors.add("look.logo.data", "Logo : le contenu n'est pas écrit en base64."),
                Ok(bytes) => match prepare_logo(&bytes) {
                    Ok(prepared) => match check_alt(&logo.alt) {
                        Ok(alt) => checked.logo = Some((prepared.png, alt)),
                        Err(message) => errors.add("look.logo.alt", message),
                    },
                    Err(message) => errors.add("look.logo", message),
                },
            }
        }
    }
    for (kind, field, body) in pages.pages() {
        match check_page(kind, body) {
            Ok(body) => checked.pages.push((kind, body)),
            Err(message) => errors.add(&format!("legal_pages.{field}"), message),
        }
    }
    checked
}

/// Writes what [`check`] accepted, inside the import's transaction.
pub fn write(conn: &mut DbConnection, consultation: Id, checked: &CheckedLook) -> CoreResult<()> {
    if checked.accent_colour.is_some() || checked.logo.is_some() {
        diesel::insert_into(consultation_looks::table)
            .values((
                consultation_looks::consultation_id.eq(consultation),
                consultation_looks::accent_colour.eq(&checked.accent_colour),
                consultation_looks::logo.eq(checked.logo.as_ref().map(|(png, _)| png)),
                consultation_looks::logo_alt.eq(checked.logo.as_ref().map_or("", |(_, alt)| alt.as_str())),
                consultation_looks::updated_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
    }
    for (kind, body) in &checked.pages {
        write_page(conn, Some(consultation), *kind, Some(body))?;
    }
    Ok(())
}

/// The look and the written pages of a consultation, as a file carries them.
pub fn read(conn: &mut DbConnection, consultation: Id) -> CoreResult<(Option<LookSetup>, LegalPagesSetup)> {
    let look = look_of(conn, consultation)?;
    let logo = match (&look.logo_alt, logo_of(conn, consultation)?) {
        (Some(alt), Some(png)) => Some(LogoSetup {
            media_type: LOGO_MEDIA_TYPE.to_owned(),
            data: base64::engine::general_purpose::STANDARD.encode(png),
            alt: alt.clone(),
        }),
        _ => None,
    };
    let look = (look.accent_colour.is_some() || logo.is_some())
        .then_some(LookSetup { accent_colour: look.accent_colour, logo });
    let mut pages = LegalPagesSetup::default();
    for (kind, body) in customised_pages(conn, consultation)? {
        let slot = match kind {
            LegalKind::MentionsLegales => &mut pages.mentions_legales,
            LegalKind::DonneesPersonnelles => &mut pages.donnees_personnelles,
            LegalKind::Accessibilite => &mut pages.accessibilite,
        };
        *slot = Some(body);
    }
    Ok((look, pages))
}
