//! Personal data removed from quotes before anything is published: e-mail addresses, phone
//! numbers, and names of persons (after a civility, or names known as authors).

/// What replaces an e-mail address.
pub const EMAIL_MASK: &str = "[courriel masqué]";
/// What replaces a phone number.
pub const PHONE_MASK: &str = "[téléphone masqué]";
/// What replaces a person's name.
pub const NAME_MASK: &str = "[nom masqué]";

const CIVILITIES: [&str; 8] = ["m.", "mme", "mme.", "mlle", "monsieur", "madame", "mademoiselle", "dr"];

fn is_email(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    match w.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !domain.starts_with('.'),
        None => false,
    }
}

/// Masks phone numbers: 9 to 15 digits written with spaces, dots, dashes, or `+33`.
fn mask_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts =
            chars[i].is_ascii_digit() || (chars[i] == '+' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
        let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        if starts && word_start {
            let mut j = i + 1;
            let mut digits = usize::from(chars[i].is_ascii_digit());
            while j < chars.len() && (chars[j].is_ascii_digit() || matches!(chars[j], ' ' | '.' | '-')) {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                }
                j += 1;
            }
            // Trailing separators belong to the sentence, not the number.
            while j > i && !chars[j - 1].is_ascii_digit() {
                j -= 1;
            }
            let grouped = chars[i..j].iter().any(|c| matches!(c, ' ' | '.' | '-')) || chars[i] == '+' || digits == 10;
            let ends_word = j == chars.len() || !chars[j].is_alphanumeric();
            if (9..=15).contains(&digits) && grouped && ends_word {
                out.push_str(PHONE_MASK);
                i = j;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Removes personal data from a text; `known_names` are persons' names recorded as authors.
pub fn scrub(text: &str, known_names: &[String]) -> String {
    let mut masked: Vec<String> = Vec::new();
    let mut after_civility = false;
    for word in text.split(' ') {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
        // Punctuation after the word belongs to the sentence and stays.
        let tail: String =
            word.chars().rev().take_while(|c| !c.is_alphanumeric()).collect::<Vec<_>>().into_iter().rev().collect();
        if is_email(word) {
            masked.push(format!("{EMAIL_MASK}{tail}"));
            after_civility = false;
            continue;
        }
        let capitalised = bare.chars().next().is_some_and(char::is_uppercase);
        if after_civility && capitalised {
            masked.push(format!("{NAME_MASK}{tail}"));
            after_civility = false;
            continue;
        }
        after_civility = CIVILITIES.contains(&bare.to_lowercase().as_str());
        masked.push(word.to_owned());
    }
    let mut result = mask_phones(&masked.join(" "));
    for name in known_names.iter().filter(|n| n.trim().chars().count() >= 3) {
        result = replace_ignoring_case(&result, name.trim(), NAME_MASK);
    }
    result
}

fn replace_ignoring_case(text: &str, needle: &str, replacement: &str) -> String {
    let lower_text = text.to_lowercase();
    let lower_needle = needle.to_lowercase();
    // Lowercasing can change byte lengths (rare letters): then leave the text as it is.
    if lower_text.len() != text.len() || lower_needle.len() != needle.len() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(found) = lower_text[rest..].find(&lower_needle) {
        let start = rest + found;
        let end = start + needle.len();
        let boundary_before = text[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let boundary_after = text[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&text[rest..start]);
        out.push_str(if boundary_before && boundary_after { replacement } else { &text[start..end] });
        rest = end;
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_phones_and_names_are_masked() {
        let text =
            "Contactez M. Dupont au 06 12 34 56 78 ou jean.dupont@exemple.fr, ou Claire Martin (+33 2 40 00 00 00).";
        let scrubbed = scrub(text, &["Claire Martin".to_owned()]);
        assert_eq!(
            scrubbed,
            "Contactez M. [nom masqué] au [téléphone masqué] ou [courriel masqué], ou [nom masqué] ([téléphone masqué])."
        );
    }

    #[test]
    fn ordinary_numbers_and_words_stay() {
        let text = "En 2016, 152 500 emplois, soit 14 % ; la loi du 31 juillet 2014. Mme la Maire a raison.";
        assert_eq!(scrub(text, &[]), text);
        assert_eq!(scrub("Martine travaille", &["Martin".to_owned()]), "Martine travaille");
    }
}
