//! What the plenary shows: part 1's projection, one orientation per screen with its key
//! figures (accepted contributions behind it, by channel, and its quotes), and the agenda of
//! part 2 (every draft orientation, theme by theme, with where its vote stands). The
//! orientations are the consultation's current drafts, read from the core when the page is
//! opened: an orientation the synthesis proposes or staff add later is on the agenda at once.

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{themes_of, Theme};
use essaim_core::domain::orientation::{orientations_of_theme, references_behind, theme_counts, Orientation, Quote};
use essaim_core::domain::plenary::{items_of, tallies_of, Plenary};
use essaim_core::domain::{Channel, OrientationStatus};

use super::{PlenaryItem, PlenaryResult, Tally};

/// One orientation on the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Slide {
    /// The orientation.
    pub orientation: Orientation,
    /// Accepted contributions behind it.
    pub contributions: i64,
    /// Of which, by channel (largest first).
    pub by_channel: Vec<(Channel, i64)>,
    /// Its quotes whose contribution is still behind it.
    pub quotes: Vec<Quote>,
    /// Its item in the plenary, once its vote was opened.
    pub item: Option<PlenaryItem>,
    /// The votes cast on it.
    pub tally: Tally,
}

/// A theme and its orientations, in the order of the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeSlides {
    /// The theme.
    pub theme: Theme,
    /// Its draft orientations.
    pub slides: Vec<Slide>,
}

fn slides_of(
    conn: &mut DbConnection,
    theme: &Theme,
    items: &[PlenaryItem],
    tallies: &std::collections::HashMap<Id, Tally>,
) -> PlenaryResult<Vec<Slide>> {
    let counts = theme_counts(conn, theme.id)?;
    let mut slides = Vec::new();
    for orientation in orientations_of_theme(conn, theme.id, OrientationStatus::Draft)? {
        let mut by_channel: Vec<(Channel, i64)> = counts
            .by_orientation
            .iter()
            .filter(|c| c.orientation_id == orientation.id)
            .map(|c| (c.channel, c.count))
            .collect();
        by_channel.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
        let quotes = orientation.quote_list();
        let references: Vec<String> = quotes.iter().map(|q| q.reference.clone()).collect();
        let behind = references_behind(conn, orientation.id, &references)?;
        let item = items.iter().find(|i| i.orientation_id == orientation.id).cloned();
        let tally = item.as_ref().and_then(|i| tallies.get(&i.id).copied()).unwrap_or_default();
        slides.push(Slide {
            contributions: by_channel.iter().map(|(_, n)| n).sum(),
            by_channel,
            quotes: quotes.into_iter().filter(|q| behind.contains(&q.reference)).collect(),
            orientation,
            item,
            tally,
        });
    }
    Ok(slides)
}

/// Every theme of the plenary's consultation with its draft orientations.
pub fn agenda(conn: &mut DbConnection, plenary: &Plenary) -> PlenaryResult<Vec<ThemeSlides>> {
    let items = items_of(conn, plenary.id)?;
    let tallies = tallies_of(conn, plenary.id)?;
    let mut out = Vec::new();
    for theme in themes_of(conn, plenary.consultation_id)? {
        let slides = slides_of(conn, &theme, &items, &tallies)?;
        out.push(ThemeSlides { theme, slides });
    }
    Ok(out)
}

/// One theme (by position) with its draft orientations; `None` when there is no such theme.
pub fn theme_slides(conn: &mut DbConnection, plenary: &Plenary, position: i32) -> PlenaryResult<Option<ThemeSlides>> {
    let Some(theme) = themes_of(conn, plenary.consultation_id)?.into_iter().find(|t| t.position == position) else {
        return Ok(None);
    };
    let items = items_of(conn, plenary.id)?;
    let tallies = tallies_of(conn, plenary.id)?;
    let slides = slides_of(conn, &theme, &items, &tallies)?;
    Ok(Some(ThemeSlides { theme, slides }))
}

/// The orientations whose vote is open now, with their theme, in the order they were opened.
pub fn open_votes(conn: &mut DbConnection, plenary: &Plenary) -> PlenaryResult<Vec<(PlenaryItem, Orientation, Theme)>> {
    let themes = themes_of(conn, plenary.consultation_id)?;
    let mut out = Vec::new();
    for item in items_of(conn, plenary.id)? {
        if item.vote_state != super::VoteState::Open {
            continue;
        }
        let Ok(orientation) = super::orientation_of(conn, plenary, item.orientation_id) else { continue };
        let Some(theme) = themes.iter().find(|t| t.id == orientation.theme_id).cloned() else { continue };
        out.push((item, orientation, theme));
    }
    Ok(out)
}
