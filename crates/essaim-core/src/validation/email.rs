//! E-mail addresses, normalised on entry so that one person has one account.

/// A syntactically valid e-mail address, trimmed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses an address; the error is a French message for the form.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err("Indiquez une adresse e-mail.".into());
        }
        if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).".into());
        }
        // Defer the fine print of RFC 5322 to lettre, which will have to send to it.
        match value.parse::<lettre::Address>() {
            Ok(address) if address.domain().contains('.') => Ok(Email(value)),
            _ => Err("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).".into()),
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn addresses_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Claire.Martin@Region-PDL.fr ").unwrap().as_str(), "claire.martin@region-pdl.fr");
        assert!(Email::parse("").is_err());
        assert!(Email::parse("claire").is_err());
        assert!(Email::parse("claire@localhost").is_err());
        assert!(Email::parse("a b@exemple.fr").is_err());
    }
}
