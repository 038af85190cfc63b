//! Territories: the official list of régions and départements (INSEE's Code officiel
//! géographique, shipped as data in `cog-2026.tsv` with its source and year), and the custom
//! territories a consultation names itself (a pays, an EPCI).
//!
//! Codes are those of the COG for départements (`44`, `2A`, `971`). A région's code is its COG
//! code behind an `R` (`R53` for Bretagne): région and département codes overlap in the COG
//! (`53` is both Bretagne and Mayenne) and a territory is found by its code alone. A custom
//! territory's code is the consultation's choice, so long as it is not an official one.

use std::sync::OnceLock;

use diesel::prelude::*;

use crate::db::{DbConnection, Id};
use crate::domain::consultation::Territory;
use crate::domain::vocab::TerritoryKind;
use crate::error::{CoreError, CoreResult};
use crate::schema::territories;

/// The COG file, compiled in.
const COG: &str = include_str!("cog-2026.tsv");

/// The year of the COG shipped.
pub const COG_YEAR: i32 = 2026;

/// Longest custom territory code, in characters.
pub const MAX_CUSTOM_CODE_CHARS: usize = 30;
/// Longest custom territory name, in characters.
pub const MAX_CUSTOM_NAME_CHARS: usize = 150;

/// An official territory of the COG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Official {
    /// Our code: the COG code, behind `R` for a région.
    pub code: String,
    /// Its name, e.g. `Loire-Atlantique`.
    pub name: String,
    /// Région or département.
    pub kind: TerritoryKind,
    /// For a département, our code of its région (`R52`).
    pub region: Option<String>,
}

/// Every official région and département, régions first, each in COG order.
pub fn official() -> &'static [Official] {
    static LIST: OnceLock<Vec<Official>> = OnceLock::new();
    LIST.get_or_init(|| {
        COG.lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let (kind, code, name, region) = (fields.next()?, fields.next()?, fields.next()?, fields.next());
                Some(match kind {
                    "region" => Official {
                        code: format!("R{code}"),
                        name: name.to_owned(),
                        kind: TerritoryKind::Region,
                        region: None,
                    },
                    _ => Official {
                        code: code.to_owned(),
                        name: name.to_owned(),
                        kind: TerritoryKind::Departement,
                        region: region.filter(|r| !r.is_empty()).map(|r| format!("R{r}")),
                    },
                })
            })
            .collect()
    })
}

/// The official territory of this code, if any (a map, built once: exports ask it per row).
pub fn find_official(code: &str) -> Option<&'static Official> {
    static BY_CODE: OnceLock<std::collections::HashMap<&'static str, &'static Official>> = OnceLock::new();
    BY_CODE.get_or_init(|| official().iter().map(|t| (t.code.as_str(), t)).collect()).get(code).copied()
}

/// How an official code reads: « Loire-Atlantique (44) », « Région Bretagne »; `None` for a code
/// the COG does not have (a custom territory, shown by its consultation's name).
pub fn official_label(code: &str) -> Option<String> {
    find_official(code).map(|t| match t.kind {
        TerritoryKind::Region => format!("Région {}", t.name),
        _ => format!("{} ({})", t.name, t.code),
    })
}

/// The départements of a région, given by our code of the région (`R53`).
pub fn departements_of(region: &str) -> Vec<&'static Official> {
    official().iter().filter(|t| t.region.as_deref() == Some(region)).collect()
}

/// How a territory reads in pages and exports: « Loire-Atlantique (44) », « Région Bretagne »,
/// or a custom territory's name.
pub fn label(territory: &Territory) -> String {
    match territory.kind {
        TerritoryKind::Departement => format!("{} ({})", territory.name, territory.code),
        TerritoryKind::Region => format!("Région {}", territory.name),
        TerritoryKind::Other => territory.name.clone(),
    }
}

/// A territory a consultation names: an official code, or a custom one with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerritoryChoice {
    /// A région or département of the COG, by our code.
    Official(String),
    /// A custom territory: code and name.
    Custom {
        /// Its code, chosen by the consultation.
        code: String,
        /// Its name.
        name: String,
    },
}

/// Checks a custom territory: a code of letters, digits and dashes that is not an official
/// one, and a name. Returns the French message when it is refused.
pub fn check_custom(code: &str, name: &str) -> Result<(), String> {
    let code_ok = !code.is_empty()
        && code.chars().count() <= MAX_CUSTOM_CODE_CHARS
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !code_ok {
        return Err(format!(
            "Le code d'un territoire fait de 1 à {MAX_CUSTOM_CODE_CHARS} caractères : lettres sans accent, chiffres et tirets (« {code} »)."
        ));
    }
    if find_official(code).is_some() {
        return Err(format!(
            "« {code} » est le code officiel d'un département ou d'une région : choisissez-le dans la liste officielle, ou donnez un autre code au territoire « {name} »."
        ));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_CUSTOM_NAME_CHARS {
        return Err(format!("Le nom du territoire « {code} » fait de 1 à {MAX_CUSTOM_NAME_CHARS} caractères."));
    }
    Ok(())
}

/// The stored territory for a choice, made when no consultation used it before. Territories
/// are shared between consultations (a département is the same for every edition); a custom
/// code already stored under another name is refused rather than renamed under another
/// consultation's feet.
pub fn ensure_territory(conn: &mut DbConnection, choice: &TerritoryChoice) -> CoreResult<Territory> {
    let (code, name, kind) = match choice {
        TerritoryChoice::Official(code) => {
            let official = find_official(code).ok_or_else(|| {
                CoreError::invalid(
                    "territories",
                    format!("Territoire inconnu : « {code} » n'est ni un département ni une région du Code officiel géographique {COG_YEAR} (une région s'écrit R suivi de son code, par exemple R53)."),
                )
            })?;
            (official.code.as_str(), official.name.as_str(), official.kind)
        }
        TerritoryChoice::Custom { code, name } => {
            check_custom(code, name).map_err(|m| CoreError::invalid("territories", m))?;
            (code.as_str(), name.trim(), TerritoryKind::Other)
        }
    };
    let existing =
        territories::table.filter(territories::code.eq(code)).select(Territory::as_select()).first(conn).optional()?;
    match existing {
        Some(found) if found.kind == TerritoryKind::Other && kind == TerritoryKind::Other && found.name != name => {
            Err(CoreError::invalid(
                "territories",
                format!("Le code de territoire « {code} » est déjà pris par « {} » : choisissez-en un autre pour « {name} ».", found.name),
            ))
        }
        Some(found) => Ok(found),
        None => {
            let territory = Territory { id: Id::new(), code: code.to_owned(), name: name.to_owned(), kind };
            diesel::insert_into(territories::table).values(territory.clone()).execute(conn)?;
            Ok(territory)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cog_has_every_region_and_departement() {
        let regions = official().iter().filter(|t| t.kind == TerritoryKind::Region).count();
        let departements = official().iter().filter(|t| t.kind == TerritoryKind::Departement).count();
        assert_eq!((regions, departements), (18, 101));
        assert_eq!(find_official("R53").map(|t| t.name.as_str()), Some("Bretagne"));
        assert_eq!(find_official("53").map(|t| t.name.as_str()), Some("Mayenne"));
        assert_eq!(find_official("2A").and_then(|t| t.region.as_deref()), Some("R94"));
        let bretagne: Vec<&str> = departements_of("R53").iter().map(|t| t.code.as_str()).collect();
        assert_eq!(bretagne, ["22", "29", "35", "56"]);
        assert!(official().iter().all(|t| t.kind == TerritoryKind::Region || t.region.is_some()));
    }

    #[test]
    fn custom_territories_keep_clear_of_official_codes() {
        assert!(check_custom("PAYS-ANCENIS", "Pays d'Ancenis").is_ok());
        assert!(check_custom("244400404", "Communauté de communes").is_ok());
        assert!(check_custom("44", "Autre chose").unwrap_err().contains("code officiel"));
        assert!(check_custom("R53", "Autre chose").is_err());
        assert!(check_custom("a b", "X").is_err());
        assert!(check_custom("PAYS", "  ").is_err());
    }

    #[test]
    fn territories_are_made_once_and_custom_codes_are_not_renamed() {
        let db = crate::testing::TestDb::new();
        let mut conn = db.conn();
        let finistere = ensure_territory(&mut conn, &TerritoryChoice::Official("29".into())).unwrap();
        assert_eq!(label(&finistere), "Finistère (29)");
        let again = ensure_territory(&mut conn, &TerritoryChoice::Official("29".into())).unwrap();
        assert_eq!(finistere, again);
        assert!(ensure_territory(&mut conn, &TerritoryChoice::Official("99".into())).is_err());
        let pays = TerritoryChoice::Custom { code: "PAYS-BREST".into(), name: "Pays de Brest".into() };
        let made = ensure_territory(&mut conn, &pays).unwrap();
        assert_eq!((made.kind, label(&made).as_str()), (TerritoryKind::Other, "Pays de Brest"));
        let other = TerritoryChoice::Custom { code: "PAYS-BREST".into(), name: "Autre pays".into() };
        let Err(CoreError::Validation(errors)) = ensure_territory(&mut conn, &other) else { panic!("refused") };
        assert!(errors.get("territories").is_some_and(|m| m.contains("déjà pris")), "{errors:?}");
    }
}
