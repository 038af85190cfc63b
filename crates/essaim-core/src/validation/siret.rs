//! SIRET numbers (14 digits, Luhn checksum; La Poste's establishments use a digit sum instead).

/// A checked SIRET, digits only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Siret(String);

/// La Poste's SIREN: its 10,000+ establishments break the Luhn rule and use a digit sum ≡ 0 (mod 5).
const LA_POSTE_SIREN: &str = "356000000";

impl Siret {
    /// Parses a SIRET, accepting spaces between groups; the error is a French message.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("Le SIRET compte 14 chiffres (exemple : 732 829 320 00074).".into());
        }
        let valid = if digits.starts_with(LA_POSTE_SIREN) {
            digits.bytes().map(|b| u32::from(b - b'0')).sum::<u32>().is_multiple_of(5)
        } else {
            luhn_valid(&digits)
        };
        if !valid {
            return Err("Ce SIRET n'existe pas : vérifiez les chiffres (la clé de contrôle ne correspond pas).".into());
        }
        Ok(Siret(digits))
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::Siret;

    #[test]
    fn luhn_checked_siret() {
        // Known valid SIRET numbers (public registry).
        assert!(Siret::parse("73282932000074").is_ok());
        assert_eq!(Siret::parse("732 829 320 00074").unwrap().as_str(), "73282932000074");
        assert!(Siret::parse("73282932000075").is_err(), "wrong check digit");
        assert!(Siret::parse("7328293200007").is_err(), "13 digits");
        assert!(Siret::parse("7328293200007A").is_err());
    }

    #[test]
    fn la_poste_establishments_use_their_own_rule() {
        // Digit sums: 3+5+6+1 = 15 (multiple of 5, accepted); 3+5+6+4+8 = 26 (refused).
        assert!(Siret::parse("35600000000010").is_ok());
        assert!(Siret::parse("35600000000048").is_err());
    }
}
