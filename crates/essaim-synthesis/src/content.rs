//! Recognising answers that say nothing ("RAS", "non", "je ne sais pas", punctuation), which a
//! synthesis must count but not group.

/// Answers that carry no content once normalised (lowercase, accents kept, punctuation removed).
const EMPTY_ANSWERS: &[&str] = &[
    "ras",
    "r a s",
    "rien a signaler",
    "rien à signaler",
    "non",
    "oui",
    "aucun",
    "aucune",
    "rien",
    "sans avis",
    "sans objet",
    "nsp",
    "je ne sais pas",
    "ne sais pas",
    "pas d avis",
    "pas d'avis",
    "aucune idée",
    "aucune idee",
    "idem",
    "néant",
    "neant",
    "non merci",
    "pas de commentaire",
    "ok",
    "x",
    "n a",
    "na",
    "sans opinion",
    "je sais pas",
];

/// Lowercases, turns punctuation into spaces and folds runs of spaces.
pub fn normalise(text: &str) -> String {
    let lowered: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '\'' || c == '’' { c.to_lowercase().next().unwrap_or(c) } else { ' ' })
        .map(|c| if c == '’' { '\'' } else { c })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when an answer says nothing the synthesis could group.
pub fn is_empty_content(text: &str) -> bool {
    let normalised = normalise(text);
    normalised.chars().all(|c| !c.is_alphabetic()) || EMPTY_ANSWERS.contains(&normalised.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_answers_are_recognised() {
        for text in ["RAS", "r.a.s.", "Non.", "Je ne sais pas !", "...", "  ", "12", "Sans avis", "Aucune idée"] {
            assert!(is_empty_content(text), "{text:?}");
        }
        for text in ["Non au cumul des mandats", "Créer un fonds de garantie", "Plus de DLA en Mayenne"] {
            assert!(!is_empty_content(text), "{text:?}");
        }
    }

    #[test]
    fn normalisation_folds_case_punctuation_and_spaces() {
        assert_eq!(normalise("  L’ESS, c'est  l'AVENIR !"), "l'ess c'est l'avenir");
    }
}
