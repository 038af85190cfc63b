//! What a run reads: each theme's accepted contributions, and the names of the persons who
//! contributed.

use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::ModerationStatus;
use essaim_core::schema::{contributions, organisations, territories};

use super::RunError;
use crate::pipeline::Item;

/// Reads the accepted contributions of one theme (waiting and rejected ones are not read), in
/// the order of their ids.
pub fn load_items(conn: &mut DbConnection, consultation: Id, theme: Id) -> Result<Vec<Item>, RunError> {
    Ok(read_items(conn, consultation, theme, 0)?.1)
}

/// Reads the accepted contributions of one theme with their ids, in the order of their ids.
pub fn load_items_with_ids(conn: &mut DbConnection, consultation: Id, theme: Id) -> Result<Vec<(Id, Item)>, RunError> {
    let (ids, items) = read_items(conn, consultation, theme, 0)?;
    let mut read = Vec::with_capacity(ids.len());
    read.extend(ids.into_iter().zip(items));
    Ok(read)
}

/// The accepted contributions of one theme and their ids, in the order of the ids: one query,
/// whatever the size. `expected` is room to make at once (the theme's count, when known).
///
/// Not the drafts' query: where each contribution stands in the drafts is not needed here,
/// and that join cost a lookup per row. Rows are taken one at a time into vectors of the
/// exact size, so the read never holds the rows and the items together, nor a vector grown
/// by doubling (90 MB of 152 MB unused at 429,112 answers, when the items were collected in
/// place from the rows).
pub(super) fn read_items(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    expected: usize,
) -> Result<(Vec<Id>, Vec<Item>), RunError> {
    type Row = (Id, Option<String>, String, String, String, Option<String>, Option<String>);
    let rows = contributions::table
        .left_join(territories::table)
        .left_join(organisations::table)
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::theme_id.eq(theme))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .select((
            contributions::id,
            contributions::external_ref,
            contributions::body,
            contributions::channel,
            contributions::kind,
            territories::code.nullable(),
            organisations::legal_family.nullable(),
        ))
        .load_iter::<Row, diesel::connection::DefaultLoadingMode>(conn)?;
    let (mut ids, mut items) = (Vec::with_capacity(expected), Vec::with_capacity(expected));
    for row in rows {
        let (id, reference, text, channel, kind, territory, legal_family) = row?;
        let reference = reference.unwrap_or_else(|| id.to_string());
        ids.push(id);
        items.push(Item { reference, text, channel, territory, legal_family, kind });
    }
    // A count read earlier may differ by what was moderated since: no room kept beyond need.
    ids.shrink_to_fit();
    items.shrink_to_fit();
    // Sorted here, not by the database: SQLite sorted every row, its text with it, through a
    // temporary tree (0.1 to 0.17 s for the corpus' largest theme). Rows mostly come in the
    // order of their ids already (ids grow with time, and so does the storage order). Ids are
    // unique and compare as both databases compare them (the UUID's bytes; SQLite's
    // hyphenated lowercase text).
    if !ids.is_sorted() {
        use rayon::prelude::*;
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.par_sort_unstable_by_key(|&i| ids[i]);
        permute(&mut items, order);
        ids.par_sort_unstable();
    }
    Ok((ids, items))
}

/// Puts `items[order[j]]` at `j`, in place, following each cycle of the permutation.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut current = start;
        loop {
            let source = order[current];
            // Marked done: a later start on this cycle stops at once.
            order[current] = current;
            if source == start {
                break;
            }
            items.swap(current, source);
            current = source;
        }
    }
}

/// Names of persons who contributed, to scrub from quotes.
pub fn person_names(conn: &mut DbConnection, consultation: Id) -> Result<Vec<String>, RunError> {
    let mut names: Vec<String> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        // Written out, not bound: the partial index `contributions_person_names_idx` serves a
        // query whose condition says its own, and a plan made without the value (SQLite's
        // planner stability guarantee, PostgreSQL's generic plans) could not know it does.
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("contributions.author_kind = 'person'"))
        .filter(contributions::author_name.is_not_null())
        .select(contributions::author_name.assume_not_null())
        .distinct()
        .load(conn)?;
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn a_permutation_puts_each_item_where_the_order_says() {
        for order in [vec![], vec![0], vec![1, 0], vec![2, 0, 1], vec![3, 1, 4, 0, 2], vec![5, 4, 3, 2, 1, 0]] {
            let mut items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            permute(&mut items, order);
            assert_eq!(items, expected);
        }
    }
}
