//! The short code of a stand's address: five characters typed from a poster on a phone, so
//! none that reads like another (no 0/O, 1/I/L) and case does not matter.

use rand::Rng;

/// The characters of a code: capitals and digits without 0, 1, I, L and O (31 characters, so
/// 31⁵ ≈ 28.6 million codes).
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code made now. Codes of 4 to 6 characters are read.
pub const CODE_LEN: usize = 5;

/// A random code.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// The code as stored, from what was typed: spaces and dashes around or inside ignored,
/// capitals; none if it cannot be a code.
pub fn normalize_code(raw: &str) -> Option<String> {
    let code: String =
        raw.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    let fits = (4..=6).contains(&code.len()) && code.bytes().all(|b| ALPHABET.contains(&b));
    fits.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_avoid_characters_that_read_alike() {
        for c in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!ALPHABET.contains(&c));
        }
        assert_eq!(ALPHABET.len(), 31);
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(code.len(), CODE_LEN);
            assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn what_is_typed_is_read_kindly_and_nothing_else() {
        assert_eq!(normalize_code(" k7qp3 ").as_deref(), Some("K7QP3"));
        assert_eq!(normalize_code("K7Q-P3").as_deref(), Some("K7QP3"));
        assert_eq!(normalize_code("K7Q"), None, "too short");
        assert_eq!(normalize_code("K7QP3AB"), None, "too long");
        assert_eq!(normalize_code("K0QP3"), None, "0 is never in a code");
        assert_eq!(normalize_code("K7QP%"), None);
        assert_eq!(normalize_code("ÉÉÉÉ"), None);
    }
}
