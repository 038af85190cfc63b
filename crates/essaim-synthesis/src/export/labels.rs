//! French labels of the codes that exports show to people.

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

/// Territory code → label (département codes shown as they are).
pub fn territory(code: &str) -> String {
    match code {
        "non_renseigne" => "non renseigné".to_owned(),
        other => other.to_owned(),
    }
}

/// "1 234" with a narrow no-break space, as French typography wants.
pub fn number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

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
    }
}
