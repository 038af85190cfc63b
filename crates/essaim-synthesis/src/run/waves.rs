//! Grouping the themes wave after wave, and reading each wave's contributions while the wave
//! before it is grouped.

use essaim_core::db::{without_memory_map, DbConnection, Id};
use essaim_core::CoreError;

use super::read::read_items;
use super::{input_hash, RunError};
use crate::pipeline::{synthesize_theme, Item, Params, ThemeSynthesis};

/// A theme to read and group: its title, its id, and how many contributions it is expected
/// to hold (its accepted count; room made at once).
pub(super) struct PlannedTheme {
    pub title: String,
    pub id: Id,
    pub expected: usize,
}

/// What [`read_and_synthesize`] gives.
pub(super) struct ReadAndGrouped {
    /// Each theme's title and contributions, as read.
    pub inputs: Vec<(String, Vec<Item>)>,
    /// Each theme's synthesis, in the same order.
    pub results: Vec<ThemeSynthesis>,
    /// [`input_hash`] of the inputs.
    pub input_sha256: String,
}

/// Reads and synthesises every theme: each theme's contributions as read and its synthesis,
/// in the input's order, and the input's hash ([`input_hash`], taken beside the last wave).
///
/// Not every theme at once: a large theme's working set (folded texts, shingles, features,
/// weights) is what the run's memory peaks on, and the two largest themes of the national
/// corpus grouped together held both (475 MB at the peak, against 350 MB one after the
/// other). So themes are grouped in waves of at most the largest theme's number of
/// contributions, run wave after wave, the themes of a wave in parallel: the largest theme
/// alone, smaller ones side by side. Each theme also uses the cores within (near-duplicates,
/// normalisation, the k-means runs, the assignment and the orientations are parallel).
///
/// Reading is the database's work on one core, one statement at a time: the next wave is
/// read on a thread of its own while a wave is grouped, instead of every theme first with
/// the other core idle (0.9 s of a 6.9 s run on the national corpus).
pub(super) fn read_and_synthesize(
    conn: &mut DbConnection,
    consultation: Id,
    themes: &[PlannedTheme],
    params: &Params,
    names: &[String],
) -> Result<ReadAndGrouped, RunError> {
    use rayon::prelude::*;
    let order = waves(&themes.iter().map(|t| t.expected).collect::<Vec<_>>());
    let read = |conn: &mut DbConnection, wave: &[usize]| -> Result<Vec<(usize, Vec<Item>)>, RunError> {
        without_memory_map(conn, |conn| {
            wave.iter().map(|&i| Ok((i, read_items(conn, consultation, themes[i].id, themes[i].expected)?.1))).collect()
        })
    };
    let mut inputs: Vec<(String, Vec<Item>)> = themes.iter().map(|t| (t.title.clone(), Vec::new())).collect();
    let mut done: Vec<Option<ThemeSynthesis>> = vec![None; themes.len()];
    let group = |inputs: &[(String, Vec<Item>)], wave: &[usize]| -> Result<Vec<(usize, ThemeSynthesis)>, RunError> {
        Ok(wave
            .par_iter()
            .map(|&i| synthesize_theme(&inputs[i].0, &inputs[i].1, params, names).map(|t| (i, t)))
            .collect::<Result<_, _>>()?)
    };
    let Some((last, before_last)) = order.split_last() else {
        return Ok(ReadAndGrouped { inputs, results: Vec::new(), input_sha256: input_hash(&[]) });
    };
    let started = std::time::Instant::now();
    let mut next = read(conn, order.first().unwrap_or(last))?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "synthèse : première vague lue");
    let hash = std::thread::scope(|scope| -> Result<String, RunError> {
        let mut conn = Some(conn);
        for (w, wave) in before_last.iter().enumerate() {
            for (i, items) in std::mem::take(&mut next) {
                inputs[i].1 = items;
            }
            // The connection goes to the reading thread and comes back with what it read.
            let (following, c) = (order.get(w + 1).unwrap_or(last), conn.take());
            let reading = scope.spawn(move || {
                let c = c.ok_or_else(|| CoreError::Internal("connexion de lecture perdue".into()))?;
                let read = read(&mut *c, following);
                Ok::<_, RunError>((c, read))
            });
            let grouped = group(&inputs, wave);
            let (c, read) =
                reading.join().map_err(|_| CoreError::Internal("lecture des contributions interrompue".into()))??;
            conn = Some(c);
            next = read?;
            for (i, theme) in grouped? {
                done[i] = Some(theme);
            }
        }
        for (i, items) in next {
            inputs[i].1 = items;
        }
        // Everything is read: the input's hash is taken beside the last wave.
        let hashing = scope.spawn(|| input_hash(&inputs));
        let grouped = group(&inputs, last);
        let hash = hashing.join().map_err(|_| CoreError::Internal("empreinte des contributions interrompue".into()))?;
        for (i, theme) in grouped? {
            done[i] = Some(theme);
        }
        Ok(hash)
    })?;
    Ok(ReadAndGrouped { inputs, results: done.into_iter().flatten().collect(), input_sha256: hash })
}

/// Themes (by position) in waves whose sizes add up to at most the largest size, the largest
/// themes first; each theme in the first wave where it fits.
fn waves(sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let budget = order.first().map_or(0, |&i| sizes[i]);
    let mut waves: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in order {
        match waves.iter_mut().find(|(total, _)| total + sizes[i] <= budget) {
            Some((total, wave)) => {
                *total += sizes[i];
                wave.push(i);
            }
            None => waves.push((sizes[i], vec![i])),
        }
    }
    waves.into_iter().map(|(_, wave)| wave).collect()
}

#[cfg(test)]
mod tests {
    use super::waves;

    #[test]
    fn the_largest_theme_runs_alone_and_smaller_ones_side_by_side() {
        // The national corpus' four themes, in the consultation's order.
        assert_eq!(waves(&[186_924, 143_719, 35_814, 62_655]), [vec![0], vec![1, 2], vec![3]]);
        // Equal themes: one at a time, in order.
        assert_eq!(waves(&[10, 10, 10]), [vec![0], vec![1], vec![2]]);
        // Many small themes beside one large one share waves.
        assert_eq!(waves(&[5, 100, 40, 60, 30]), [vec![1], vec![3, 2], vec![4, 0]]);
        assert!(waves(&[]).is_empty());
    }
}
