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

/// Characters in the longest of [`EMPTY_ANSWERS`].
const LONGEST_EMPTY_ANSWER: usize = 18;

/// True when an answer says nothing the synthesis could group.
pub fn is_empty_content(text: &str) -> bool {
    // Most answers settle within their first words, without the normalised copy: a letter
    // and more word characters than the longest empty answer has is content, as the
    // normalised text would say (it keeps every word character, lowercased one for one).
    let (mut word_chars, mut letter) = (0, false);
    for c in text.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '’' {
            word_chars += 1;
            letter |= c.to_lowercase().next().unwrap_or(c).is_alphabetic();
            if letter && word_chars > LONGEST_EMPTY_ANSWER {
                return false;
            }
        }
    }
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
    fn the_quick_answer_agrees_with_the_normalised_text() {
        let longest = EMPTY_ANSWERS.iter().map(|a| a.chars().count()).max().unwrap();
        assert_eq!(longest, LONGEST_EMPTY_ANSWER);
        // Past the longest empty answer, by one character and by many, and just under it.
        for text in [
            "Pas de commentaire",
            "Pas de commentaires",
            "PAS DE COMMENTAIRE !!!",
            "1234567890123456789 a",
            "12345678901234567890",
            "Je ne sais pas, vraiment pas",
            "Sans avis sur la question posée",
        ] {
            let slow = normalise(text).chars().all(|c| !c.is_alphabetic())
                || EMPTY_ANSWERS.contains(&normalise(text).as_str());
            assert_eq!(is_empty_content(text), slow, "{text:?}");
        }
        assert!(is_empty_content("Pas de commentaire."), "the longest one is still empty");
        assert!(is_empty_content("1234567890 1234567890 12345"), "digits alone are no content");
    }

    #[test]
    fn normalisation_folds_case_punctuation_and_spaces() {
        assert_eq!(normalise("  L’ESS, c'est  l'AVENIR !"), "l'ess c'est l'avenir");
    }
}
