//! Passwords: a length rule and a list of common ones (NIST SP 800-63B), no composition
//! rules; stored as argon2id at the argon2 crate's defaults (m=19456, t=2, p=1).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::CoreError;

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in characters (bounds the hashing work per request).
pub const MAX_PASSWORD_CHARS: usize = 256;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Checks a new password; the error is a French message for the form.
pub fn check_password_policy(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Le mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères ({chars} saisis). Une phrase facile à retenir convient très bien."
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("Le mot de passe doit compter au plus {MAX_PASSWORD_CHARS} caractères."));
    }
    let lowered = password.to_lowercase();
    let is_common = COMMON_PASSWORDS.lines().any(|l| !l.starts_with('#') && l == lowered);
    let is_email =
        !email.is_empty() && (lowered == email.to_lowercase() || Some(lowered.as_str()) == email.split('@').next());
    let one_repeated_char = lowered.chars().all(|c| lowered.starts_with(c));
    if is_common || is_email || one_repeated_char {
        return Err("Ce mot de passe est trop courant ou trop facile à deviner : choisissez-en un autre.".into());
    }
    Ok(())
}

/// Hashes a password with argon2id at the crate's defaults, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, CoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(format!("hachage du mot de passe : {e}")))
}

/// Checks a password against a stored PHC hash. A malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when the account does not exist, so that
/// an unknown e-mail costs the same time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&crate::security::random_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_at_the_crate_defaults() {
        let hash = hash_password("une phrase de passe solide").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("une phrase de passe solide", &hash));
        assert!(!verify_password("une phrase de passe solidE", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn policy_is_length_and_common_list_only() {
        assert!(check_password_policy("court", "a@b.fr").unwrap_err().contains("au moins 12"));
        assert!(check_password_policy("azertyuiop123", "a@b.fr").is_err(), "common");
        assert!(check_password_policy("Motdepasse2024", "a@b.fr").is_err(), "common, any case");
        assert!(check_password_policy("aaaaaaaaaaaaaa", "a@b.fr").is_err());
        assert!(check_password_policy("claire.martin", "claire.martin@region.fr").is_err());
        // No composition rule: a long lowercase phrase is fine.
        assert!(check_password_policy("le chat dort sur le canapé", "a@b.fr").is_ok());
    }
}
