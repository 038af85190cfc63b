//! Whether the room agrees on an orientation or is divided by it, read from the plenary's
//! votes. Shown on the plenary's results, in the strategy's documents and in the open data, so
//! it is computed here, once, from a [`Tally`].
//!
//! The measure is Tastle and Wierman's *consensus* for an ordinal scale (Tastle, W. J.,
//! Wierman, M. J., "Consensus and dissention: A measure of ordinal dispersion", International
//! Journal of Approximate Reasoning 45, 2007): the three choices are points on a scale,
//! « non confirmée » = −1, « à amender » = 0, « confirmée » = +1, and
//!
//! `consensus = 1 + Σ pᵢ · log₂(1 − |xᵢ − μ| / 2)`
//!
//! where pᵢ is the share of choice i, μ the mean position and 2 the width of the scale. It is 1
//! when every vote is the same, 0 when the room splits in two equal halves at both ends, and in
//! between grows as votes gather around one position. Unlike the share of the largest choice,
//! it knows that « à amender » lies between the two others: a room split between « confirmée »
//! and « non confirmée » is more divided than one split between « confirmée » and « à amender ».
//!
//! Reading (docs/plenary.md): below [`MIN_VOTES`] votes nothing is said; at
//! [`BROAD_AGREEMENT`] or more, broad agreement (on the position most chosen); at
//! [`DIVIDED`] or less, a divided room; in between, nuanced views.

use serde::Serialize;

use super::plenary::Tally;

/// Fewer votes than this say nothing about a room: three people agreeing are not a consensus.
pub const MIN_VOTES: i64 = 10;

/// From this consensus up, the room broadly agrees (e.g. 80 % one choice and 20 % the next one
/// gives 0.73; three quarters confirmed and a quarter to amend gives 0.69).
pub const BROAD_AGREEMENT: f64 = 0.65;

/// From this consensus down, the room is divided (e.g. a third on each choice gives 0.33; 70 %
/// confirmed against 20 % not confirmed gives 0.27).
pub const DIVIDED: f64 = 0.35;

crate::text_enum! {
    /// How the room stands on one orientation.
    Agreement {
        /// Fewer than [`MIN_VOTES`] votes: nothing is said.
        TooFewVotes => ("too_few_votes", "Trop peu de votes pour conclure"),
        /// Consensus at or above [`BROAD_AGREEMENT`].
        Broad => ("broad_agreement", "Accord large"),
        /// Between the two thresholds.
        Nuanced => ("nuanced", "Avis nuancés"),
        /// Consensus at or below [`DIVIDED`].
        Divided => ("divided", "Salle divisée"),
    }
}

/// The room's agreement on one orientation: the measure, and how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoomAgreement {
    /// Tastle and Wierman's consensus, 0 to 1, rounded to two decimals; `None` below
    /// [`MIN_VOTES`] votes.
    pub consensus: Option<f64>,
    /// How it reads.
    #[serde(serialize_with = "code")]
    pub agreement: Agreement,
}

fn code<S: serde::Serializer>(agreement: &Agreement, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(agreement.as_str())
}

impl RoomAgreement {
    /// A short French sentence for people: « Accord large (consensus 0,82) ».
    pub fn describe(&self) -> String {
        match self.consensus {
            Some(c) => format!("{} (consensus {})", self.agreement.label(), format!("{c:.2}").replace('.', ",")),
            None => self.agreement.label().to_owned(),
        }
    }
}

/// Tastle and Wierman's consensus of a tally, unrounded; `None` without any vote.
pub fn consensus(tally: &Tally) -> Option<f64> {
    let total = tally.total();
    if total <= 0 {
        return None;
    }
    let n = total as f64;
    let points = [(-1.0, tally.not_confirmed), (0.0, tally.to_amend), (1.0, tally.confirmed)];
    let mean: f64 = points.iter().map(|&(x, count)| x * count as f64 / n).sum();
    let dispersion: f64 = points
        .iter()
        .filter(|&&(_, count)| count > 0)
        .map(|&(x, count)| (count as f64 / n) * (1.0 - (x - mean).abs() / 2.0).log2())
        .sum();
    Some((1.0 + dispersion).clamp(0.0, 1.0))
}

/// How the room stands, from its votes.
pub fn room_agreement(tally: &Tally) -> RoomAgreement {
    match consensus(tally) {
        Some(c) if tally.total() >= MIN_VOTES => {
            let agreement = if c >= BROAD_AGREEMENT {
                Agreement::Broad
            } else if c <= DIVIDED {
                Agreement::Divided
            } else {
                Agreement::Nuanced
            };
            RoomAgreement { consensus: Some((c * 100.0).round() / 100.0), agreement }
        }
        _ => RoomAgreement { consensus: None, agreement: Agreement::TooFewVotes },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(confirmed: i64, to_amend: i64, not_confirmed: i64) -> Tally {
        Tally { confirmed, to_amend, not_confirmed }
    }

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.005
    }

    #[test]
    fn the_measure_has_its_published_values() {
        // Unanimity, an even split at both ends, a third on each choice.
        assert_eq!(consensus(&tally(12, 0, 0)), Some(1.0));
        assert_eq!(consensus(&tally(0, 0, 7)), Some(1.0));
        assert!(near(consensus(&tally(10, 0, 10)).unwrap(), 0.0));
        assert!(near(consensus(&tally(10, 10, 10)).unwrap(), 1.0 / 3.0));
        assert_eq!(consensus(&tally(0, 0, 0)), None);
        // The middle choice counts as nearer: confirmed/to amend is less divided than
        // confirmed/not confirmed with the same shares.
        assert!(consensus(&tally(10, 10, 0)).unwrap() > consensus(&tally(10, 0, 10)).unwrap());
        assert!(near(consensus(&tally(8, 2, 0)).unwrap(), 0.73));
        assert!(near(consensus(&tally(7, 1, 2)).unwrap(), 0.27));
    }

    #[test]
    fn a_room_reads_as_agreeing_nuanced_or_divided_and_says_nothing_on_few_votes() {
        assert_eq!(room_agreement(&tally(9, 0, 0)).agreement, Agreement::TooFewVotes);
        assert_eq!(room_agreement(&tally(9, 0, 0)).consensus, None);
        assert_eq!(room_agreement(&tally(16, 4, 0)).agreement, Agreement::Broad);
        assert_eq!(room_agreement(&tally(12, 8, 0)).agreement, Agreement::Nuanced);
        assert_eq!(room_agreement(&tally(11, 1, 8)).agreement, Agreement::Divided);
        assert_eq!(room_agreement(&tally(0, 2, 18)).agreement, Agreement::Broad);
        let broad = room_agreement(&tally(16, 4, 0));
        assert_eq!(broad.consensus, Some(0.73));
        assert_eq!(broad.describe(), "Accord large (consensus 0,73)");
        assert_eq!(room_agreement(&tally(1, 0, 1)).describe(), "Trop peu de votes pour conclure");
        let json = serde_json::to_value(broad).unwrap();
        assert_eq!(json["agreement"], "broad_agreement");
        assert_eq!(json["consensus"], 0.73);
    }
}
