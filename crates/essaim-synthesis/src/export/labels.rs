//! French labels of the synthesis's codes that exports show to people.

use essaim_core::domain::{Channel, ContributionKind, LegalFamily};

/// Channel code → label.
pub fn channel(code: &str) -> String {
    Channel::parse(code).map(|c| c.label().to_owned()).unwrap_or_else(|| code.to_owned())
}

/// Kind code → label.
pub fn kind(code: &str) -> String {
    ContributionKind::parse(code).map(|c| c.label().to_owned()).unwrap_or_else(|| code.to_owned())
}

/// Legal family code → label.
pub fn legal_family(code: &str) -> String {
    match code {
        "non_renseigne" => "non renseignée".to_owned(),
        other => LegalFamily::parse(other).map(|f| f.label().to_owned()).unwrap_or_else(|| other.to_owned()),
    }
}

/// The départements by their official code (COG), so exports read "Loire-Atlantique (44)"
/// rather than a bare number. Sorted by code for the binary search.
const DEPARTEMENTS: &[(&str, &str)] = &[
    ("01", "Ain"),
    ("02", "Aisne"),
    ("03", "Allier"),
    ("04", "Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes"),
    ("06", "Alpes-Maritimes"),
    ("07", "Ardèche"),
    ("08", "Ardennes"),
    ("09", "Ariège"),
    ("10", "Aube"),
    ("11", "Aude"),
    ("12", "Aveyron"),
    ("13", "Bouches-du-Rhône"),
    ("14", "Calvados"),
    ("15", "Cantal"),
    ("16", "Charente"),
    ("17", "Charente-Maritime"),
    ("18", "Cher"),
    ("19", "Corrèze"),
    ("21", "Côte-d'Or"),
    ("22", "Côtes-d'Armor"),
    ("23", "Creuse"),
    ("24", "Dordogne"),
    ("25", "Doubs"),
    ("26", "Drôme"),
    ("27", "Eure"),
    ("28", "Eure-et-Loir"),
    ("29", "Finistère"),
    ("2A", "Corse-du-Sud"),
    ("2B", "Haute-Corse"),
    ("30", "Gard"),
    ("31", "Haute-Garonne"),
    ("32", "Gers"),
    ("33", "Gironde"),
    ("34", "Hérault"),
    ("35", "Ille-et-Vilaine"),
    ("36", "Indre"),
    ("37", "Indre-et-Loire"),
    ("38", "Isère"),
    ("39", "Jura"),
    ("40", "Landes"),
    ("41", "Loir-et-Cher"),
    ("42", "Loire"),
    ("43", "Haute-Loire"),
    ("44", "Loire-Atlantique"),
    ("45", "Loiret"),
    ("46", "Lot"),
    ("47", "Lot-et-Garonne"),
    ("48", "Lozère"),
    ("49", "Maine-et-Loire"),
    ("50", "Manche"),
    ("51", "Marne"),
    ("52", "Haute-Marne"),
    ("53", "Mayenne"),
    ("54", "Meurthe-et-Moselle"),
    ("55", "Meuse"),
    ("56", "Morbihan"),
    ("57", "Moselle"),
    ("58", "Nièvre"),
    ("59", "Nord"),
    ("60", "Oise"),
    ("61", "Orne"),
    ("62", "Pas-de-Calais"),
    ("63", "Puy-de-Dôme"),
    ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"),
    ("66", "Pyrénées-Orientales"),
    ("67", "Bas-Rhin"),
    ("68", "Haut-Rhin"),
    ("69", "Rhône"),
    ("70", "Haute-Saône"),
    ("71", "Saône-et-Loire"),
    ("72", "Sarthe"),
    ("73", "Savoie"),
    ("74", "Haute-Savoie"),
    ("75", "Paris"),
    ("76", "Seine-Maritime"),
    ("77", "Seine-et-Marne"),
    ("78", "Yvelines"),
    ("79", "Deux-Sèvres"),
    ("80", "Somme"),
    ("81", "Tarn"),
    ("82", "Tarn-et-Garonne"),
    ("83", "Var"),
    ("84", "Vaucluse"),
    ("85", "Vendée"),
    ("86", "Vienne"),
    ("87", "Haute-Vienne"),
    ("88", "Vosges"),
    ("89", "Yonne"),
    ("90", "Territoire de Belfort"),
    ("91", "Essonne"),
    ("92", "Hauts-de-Seine"),
    ("93", "Seine-Saint-Denis"),
    ("94", "Val-de-Marne"),
    ("95", "Val-d'Oise"),
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
];

/// Territory code → label: a département code gets its name, anything else is shown as given.
pub fn territory(code: &str) -> String {
    match code {
        "non_renseigne" => "non renseigné".to_owned(),
        other => match DEPARTEMENTS.binary_search_by(|(c, _)| (*c).cmp(other)) {
            Ok(i) => format!("{} ({other})", DEPARTEMENTS[i].1),
            Err(_) => other.to_owned(),
        },
    }
}

/// "1 234" with a narrow no-break space, as French typography wants (shared by every
/// document renderer).
pub use essaim_documents::numbers::number;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_numbers_read_in_french() {
        assert_eq!(channel("treasure_hunt"), "Chasse aux trésors");
        assert_eq!(kind("experience"), "Expérience / bonne pratique");
        assert_eq!(legal_family("non_renseigne"), "non renseignée");
        assert_eq!(number(429_112), "429\u{202f}112");
        assert_eq!(number(57), "57");
        assert_eq!(territory("44"), "Loire-Atlantique (44)");
        assert_eq!(territory("2A"), "Corse-du-Sud (2A)");
        assert_eq!(territory("974"), "La Réunion (974)");
        assert_eq!(territory("Nantes Métropole"), "Nantes Métropole");
        assert_eq!(territory("non_renseigne"), "non renseigné");
        assert!(DEPARTEMENTS.windows(2).all(|w| w[0].0 < w[1].0), "sorted for the binary search");
        assert_eq!(DEPARTEMENTS.len(), 101);
    }
}
