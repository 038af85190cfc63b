//! Parse, don't validate: types that cannot hold invalid values past the edge.

mod email;
mod siret;

pub use email::Email;
pub use siret::Siret;

/// Trims a required text field; the error is a French message naming the field.
pub fn required_text(raw: &str, label: &str, max_chars: usize) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(format!("Indiquez {label}."));
    }
    if value.chars().count() > max_chars {
        return Err(format!("{} : {max_chars} caractères au plus.", capitalise(label)));
    }
    Ok(value.to_owned())
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::required_text;

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required_text("  Ecossolies ", "le nom", 10).unwrap(), "Ecossolies");
        assert_eq!(required_text("   ", "le nom", 10).unwrap_err(), "Indiquez le nom.");
        assert!(required_text("abcdefghijk", "le nom", 10).unwrap_err().starts_with("Le nom"));
    }
}
