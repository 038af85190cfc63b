//! French text analysis for the synthesis.

mod analyzer;
pub mod space;
mod stopwords;

pub use analyzer::{fold_accents, fold_char, Analyzer, Token};
pub use stopwords::FRENCH_STOP_WORDS;
