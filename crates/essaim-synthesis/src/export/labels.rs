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

/// Territory code → label: an official code (the core's Code officiel géographique) gets its
/// name, anything else is shown as given.
pub fn territory(code: &str) -> String {
    match code {
        "non_renseigne" => "non renseigné".to_owned(),
        other => essaim_core::domain::territory::official_label(other).unwrap_or_else(|| other.to_owned()),
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
        assert_eq!(territory("R53"), "Région Bretagne");
    }
}
