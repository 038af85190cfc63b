//! What the synthesis reads and what it proposes. Serialised as `synthesis.json`
//! (schema in docs/synthesis-json.md): no clock time, no random value, sorted maps.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One contribution as the synthesis sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// External reference (the `id` given at import), or the contribution id.
    pub reference: String,
    /// The text.
    pub text: String,
    /// Channel code.
    pub channel: String,
    /// Territory code, if known.
    pub territory: Option<String>,
    /// Legal family code of the author organisation, if known.
    pub legal_family: Option<String>,
    /// Kind code.
    pub kind: String,
}

/// Parameters of a run; recorded with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Fixed number of groups per theme; `None` chooses it within the bounds.
    pub groups: Option<usize>,
    /// Fewest groups when chosen automatically.
    pub min_groups: usize,
    /// Most groups when chosen automatically.
    pub max_groups: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// k-means runs; the best is kept.
    pub restarts: usize,
    /// Iterations at most per run.
    pub max_iterations: usize,
    /// A term must appear in at least this many contributions.
    pub min_df: usize,
    /// …and in at most this per mille of them.
    pub max_df_per_mille: usize,
    /// Pairs of consecutive words as terms, besides single words.
    pub bigrams: bool,
    /// Groups are learnt on at most this many texts, then every text is assigned.
    pub fit_sample: usize,
    /// Quotes per orientation, at most.
    pub quotes: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            groups: None,
            min_groups: 2,
            max_groups: 12,
            seed: 20_160_628,
            restarts: 10,
            max_iterations: 100,
            min_df: 2,
            max_df_per_mille: 500,
            bigrams: true,
            fit_sample: 10_000,
            quotes: 5,
        }
    }
}

/// A quote, scrubbed of personal data (the core's type: orientations store their quotes).
pub use essaim_core::domain::orientation::Quote;

/// How many contributions stand behind an orientation, by facet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Support {
    /// All contributions, duplicates included.
    pub total: usize,
    /// Distinct voices: a group of near-duplicates counts once.
    pub distinct: usize,
    /// By channel code.
    pub by_channel: BTreeMap<String, usize>,
    /// By territory code (`non_renseigne` when unknown).
    pub by_territory: BTreeMap<String, usize>,
    /// By legal family code (`non_renseigne` when unknown).
    pub by_legal_family: BTreeMap<String, usize>,
    /// By kind code.
    pub by_kind: BTreeMap<String, usize>,
}

/// A draft orientation proposed from one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedOrientation {
    /// Proposed title (or staff's, once edited).
    pub title: String,
    /// The orientation's text: on a fresh run, two to four sentences drawn from its
    /// contributions (`text_proposed`), for staff to rewrite; once edited, staff's.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Whether `text` is the run's proposal, not yet rewritten by staff.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub text_proposed: bool,
    /// Key phrases, as people wrote them.
    pub key_phrases: Vec<String>,
    /// Representative quotes: central first, then diverse.
    pub quotes: Vec<Quote>,
    /// References of every contribution behind it.
    pub contributions: Vec<String>,
    /// Groups of near-duplicates among them (two references or more each).
    pub duplicate_groups: Vec<Vec<String>>,
    /// Figures.
    pub support: Support,
    /// Opposite positions held within the group, when both sides are held by enough of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stances: Option<Stances>,
    /// What the plenary said of it (only in the staff export, once it was put to the plenary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plenary: Option<PlenaryOutcome>,
}

/// Opposite positions within one group ("baisser les impôts" / "augmenter les impôts").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stances {
    /// Which pair of opposite verbs: 0 lower / raise, 1 abolish / keep.
    #[serde(default)]
    pub axis: usize,
    /// The object's stem ("impot"), to find each contribution's side again when staff split.
    #[serde(default)]
    pub object: String,
    /// Contributions of the group that take a position on the object, one side or the other.
    pub taking_position: usize,
    /// The two sides.
    pub sides: Vec<StanceSide>,
}

/// One side of opposite stances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StanceSide {
    /// The position as most of its contributions wrote it, lowercase ("baisser les impôts").
    pub position: String,
    /// Contributions holding it.
    pub contributions: usize,
    /// Their share of those taking a position, in per cent (rounded).
    pub percent: u32,
    /// A quote of its most central contribution, scrubbed.
    pub quote: Quote,
}

/// The plenary's outcome for one orientation: the room's verdict, the phones' votes, the
/// amendments retained (read through `essaim_core::domain::plenary`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlenaryOutcome {
    /// `confirmed`, `to_amend` or `not_confirmed`; none until the facilitator records it.
    pub verdict: Option<String>,
    /// True once the vote is closed.
    pub vote_closed: bool,
    /// Votes "confirmée".
    pub votes_confirmed: i64,
    /// Votes "à amender".
    pub votes_to_amend: i64,
    /// Votes "non confirmée".
    pub votes_not_confirmed: i64,
    /// The texts of the amendments retained, in the order they were retained.
    pub amendments: Vec<String>,
}

/// A contribution left out of the groups, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotGrouped {
    /// Reference.
    #[serde(rename = "ref")]
    pub reference: String,
    /// `no_content` (RAS, non, je ne sais pas…), `no_shared_terms` (no word shared with other
    /// contributions), `too_few` (fewer than two contributions to group in the theme).
    pub reason: String,
}

/// The synthesis of one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeSynthesis {
    /// Theme name.
    pub theme: String,
    /// Contributions read.
    pub contributions: usize,
    /// Number of groups used.
    pub groups: usize,
    /// Whether the number of groups was chosen automatically.
    pub groups_chosen_automatically: bool,
    /// Draft orientations, largest first.
    pub orientations: Vec<ProposedOrientation>,
    /// Contributions not grouped.
    pub not_grouped: Vec<NotGrouped>,
    /// Remarks for staff, in French.
    pub notes: Vec<String>,
    /// Contributions of the theme not read because they wait for a moderator.
    #[serde(default)]
    pub pending_moderation: usize,
    /// Contributions of the theme not read because moderation rejected them.
    #[serde(default)]
    pub rejected: usize,
}
