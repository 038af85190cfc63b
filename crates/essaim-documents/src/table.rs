//! What every renderer needs to know of a table: how many columns, the cells padded to that
//! count, and how wide each column should be.

use crate::text::{Face, Metrics};

/// A table's cells as renderers read them: every row, header included, `columns` cells long.
pub(crate) struct Grid<'a> {
    pub(crate) columns: usize,
    pub(crate) header: Vec<&'a str>,
    pub(crate) rows: Vec<Vec<&'a str>>,
}

impl<'a> Grid<'a> {
    /// The grid of a table: as many columns as its widest row or its header, missing cells
    /// empty. `None` for a table with no column at all, which renderers leave out.
    pub(crate) fn new(header: &'a [String], rows: &'a [Vec<String>]) -> Option<Grid<'a>> {
        let columns = rows.iter().map(Vec::len).chain(std::iter::once(header.len())).max().unwrap_or(0);
        if columns == 0 {
            return None;
        }
        let pad = |cells: &'a [String]| (0..columns).map(|c| cells.get(c).map_or("", String::as_str)).collect();
        Some(Grid { columns, header: pad(header), rows: rows.iter().map(|r| pad(r)).collect() })
    }

    /// Whether every body cell of column `c` that is not empty is a figure (and one is): such
    /// columns are aligned to the right.
    pub(crate) fn is_figures(&self, c: usize) -> bool {
        let mut cells = self.rows.iter().map(|r| r[c]).filter(|cell| !cell.trim().is_empty()).peekable();
        cells.peek().is_some() && cells.all(crate::numbers::is_figure)
    }

    /// Each column's share of the table's width (they add up to 1), from its content the way
    /// browsers lay out an automatic table: every column gets at least its widest word (up to
    /// an equal share), and the room left goes to the columns whose text would wrap, in
    /// proportion to how much more they need.
    pub(crate) fn shares(&self, metrics: &Metrics) -> Vec<f32> {
        // Measured in points at the PDF's table size, on a text width of 17 cm; only the
        // proportions matter to the other formats.
        let size = 9.5;
        let pad = 8.0;
        let total = 481.9;
        let n = self.columns as f32;
        let mut least = vec![0.0f32; self.columns];
        let mut most = vec![0.0f32; self.columns];
        for (row, face) in
            std::iter::once((&self.header, Face::Bold)).chain(self.rows.iter().map(|r| (r, Face::Regular)))
        {
            for (c, cell) in row.iter().enumerate() {
                let cell = metrics.printable(cell);
                least[c] = least[c].max(metrics.widest_word(face, size, &cell, total / n) + pad);
                most[c] = most[c].max((metrics.width(face, size, &cell) + pad).min(total));
            }
        }
        for c in 0..self.columns {
            least[c] = least[c].min(total / n);
            most[c] = most[c].max(least[c]);
        }
        let (sum_least, sum_most): (f32, f32) = (least.iter().sum(), most.iter().sum());
        let widths: Vec<f32> = if sum_most <= total {
            // Everything fits on one line: the room left is spread in proportion.
            most.iter().map(|m| m * total / sum_most).collect()
        } else {
            // Some text wraps: each column gets its least, and the rest by what it lacks.
            let room = total - sum_least;
            let wanted = sum_most - sum_least;
            least.iter().zip(&most).map(|(l, m)| l + if wanted > 0.0 { room * (m - l) / wanted } else { 0.0 }).collect()
        };
        let sum: f32 = widths.iter().sum();
        if sum <= 0.0 {
            return vec![1.0 / n; self.columns];
        }
        widths.iter().map(|w| w / sum).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn rows_are_padded_to_the_widest_and_an_empty_table_has_no_grid() {
        let header = strings(&["A", "B"]);
        let rows = vec![strings(&["1"]), strings(&["1", "2", "3"])];
        let grid = Grid::new(&header, &rows).unwrap();
        assert_eq!(grid.columns, 3);
        assert_eq!(grid.header, ["A", "B", ""]);
        assert_eq!(grid.rows[0], ["1", "", ""]);
        assert!(Grid::new(&[], &[]).is_none());
        assert!(Grid::new(&[], &[Vec::new()]).is_none());
    }

    #[test]
    fn figure_columns_are_recognised() {
        let header = strings(&["Canal", "Contributions"]);
        let rows = vec![strings(&["Questionnaire", "10\u{202f}517"]), strings(&["Atelier", "3"])];
        let grid = Grid::new(&header, &rows).unwrap();
        assert!(!grid.is_figures(0));
        assert!(grid.is_figures(1));
    }

    #[test]
    fn columns_share_the_width_by_their_content() {
        let m = Metrics::new().unwrap();
        let header = strings(&["Canal", "Contributions"]);
        let rows = vec![strings(&["Questionnaire aux acteurs de l'ESS", "12"])];
        let shares = Grid::new(&header, &rows).unwrap().shares(&m);
        assert_eq!(shares.len(), 2);
        assert!((shares.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        assert!(shares[0] > shares[1], "{shares:?}");
        // A huge cell does not squeeze its neighbour below its widest word.
        let header = strings(&["Paramètre", "Valeur"]);
        let rows = vec![strings(&["Empreinte", &"x".repeat(30_000)])];
        let shares = Grid::new(&header, &rows).unwrap().shares(&m);
        let needed = m.width(Face::Bold, 9.5, "Paramètre") + 8.0;
        assert!(shares[0] * 481.9 >= needed, "{shares:?}");
        // Equal content, equal columns.
        let rows = vec![strings(&["abc", "abc", "abc"])];
        let shares = Grid::new(&strings(&["x", "x", "x"]), &rows).unwrap().shares(&m);
        assert!(shares.iter().all(|s| (s - 1.0 / 3.0).abs() < 1e-4), "{shares:?}");
    }
}
