//! Passwords, tokens and the rules around them.

mod password;
mod pseudonym;
mod slots;
mod token;

pub use password::{
    check_password_policy, decoy_hash, hash_password, verify_password, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
};
pub use pseudonym::{pseudonym_of, AddressPseudonyms};
pub use slots::{verify_slots, SlotGuard, Slots};
pub use token::{constant_time_eq, hash_token, random_token};
