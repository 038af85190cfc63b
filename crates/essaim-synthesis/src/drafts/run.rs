//! A run on a theme, stored: the first run proposes orientations; later runs keep every staff
//! edit and only place contributions no run has seen, in the nearest existing orientation when
//! it is close enough, otherwise in new proposed orientations.

use std::collections::HashMap;

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::schema::{orientation_members, orientations, synthesis_runs};
use serde::Serialize;

use super::model::Orientation;
use super::DraftError;
use crate::cluster::kmeans::Vectors;
use crate::pipeline::{synthesize_theme, vectorise, Item, Params};
use crate::run::{input_hash, load_items_with_ids, person_names};

/// A new contribution joins an existing orientation when its cosine with the orientation's
/// centre is at least this; below, it is grouped with the other new ones.
pub const ATTACH_THRESHOLD: f32 = 0.2;

/// What a stored run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// Contributions the run had not seen before.
    pub new_contributions: usize,
    /// Of those, placed in existing orientations.
    pub attached: usize,
    /// Orientations proposed.
    pub proposed: usize,
    /// Contributions set aside (no content, no shared term, too few).
    pub set_aside: usize,
}

/// Runs the synthesis of one theme and stores its proposals, keeping staff edits.
pub fn run_theme(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    theme_name: &str,
    params: &Params,
    actor: Option<Id>,
) -> Result<RunReport, DraftError> {
    write_transaction(conn, |conn| {
        let items = load_items_with_ids(conn, consultation, theme)?;
        let placed: HashMap<Id, Option<Id>> = orientation_members::table
            .inner_join(essaim_core::schema::contributions::table)
            .filter(essaim_core::schema::contributions::theme_id.eq(theme))
            .select((orientation_members::contribution_id, orientation_members::orientation_id))
            .load::<(Id, Option<Id>)>(conn)?
            .into_iter()
            .collect();
        let drafts: Vec<Orientation> = orientations::table
            .filter(orientations::theme_id.eq(theme))
            .filter(orientations::status.eq("draft"))
            .order(orientations::created_at.asc())
            .select(Orientation::as_select())
            .load(conn)?;
        let fresh: Vec<&(Id, Item)> = items.iter().filter(|(id, _)| !placed.contains_key(id)).collect();
        let mut report = RunReport { new_contributions: fresh.len(), ..Default::default() };

        let run_id = Id::new();
        let sha = input_hash(&[(theme_name.to_owned(), items.iter().map(|(_, i)| i.clone()).collect())]);
        diesel::insert_into(synthesis_runs::table)
            .values((
                synthesis_runs::id.eq(run_id),
                synthesis_runs::consultation_id.eq(consultation),
                synthesis_runs::theme_id.eq(theme),
                synthesis_runs::parameters.eq(serde_json::to_string(params).unwrap_or_default()),
                synthesis_runs::input_sha256.eq(&sha),
                synthesis_runs::software_version.eq(essaim_core::VERSION),
                synthesis_runs::started_by.eq(actor),
                synthesis_runs::created_at.eq(now()),
            ))
            .execute(conn)?;

        // Later runs: new contributions first try the existing orientations.
        let mut remaining: Vec<&(Id, Item)> = fresh.clone();
        if !drafts.is_empty() && !fresh.is_empty() {
            let texts: Vec<&str> = items.iter().map(|(_, i)| i.text.as_str()).collect();
            let rows = vectorise(&texts, params);
            let row_of: HashMap<Id, usize> = items.iter().enumerate().map(|(r, (id, _))| (*id, r)).collect();
            let mut centres: Vec<(Id, Vec<f32>)> = Vec::new();
            for draft in &drafts {
                let mut centre = vec![0.0f32; rows.columns];
                for (contribution, orientation) in &placed {
                    if *orientation == Some(draft.id) {
                        if let Some(&r) = row_of.get(contribution) {
                            rows.for_each(r, |d, v| centre[d] += v);
                        }
                    }
                }
                let norm = centre.iter().map(|x| x * x).sum::<f32>().sqrt();
                if norm > 0.0 {
                    centre.iter_mut().for_each(|x| *x /= norm);
                    centres.push((draft.id, centre));
                }
            }
            remaining.clear();
            for entry in &fresh {
                let r = row_of[&entry.0];
                let best = centres
                    .iter()
                    .map(|(id, c)| {
                        let mut s = 0.0;
                        rows.for_each(r, |d, v| s += v * c[d]);
                        (*id, s)
                    })
                    .fold(None, |best: Option<(Id, f32)>, x| match best {
                        Some(b) if b.1 >= x.1 => Some(b),
                        _ => Some(x),
                    });
                match best {
                    Some((orientation, score)) if score >= ATTACH_THRESHOLD => {
                        place(conn, entry.0, Some(orientation), None)?;
                        report.attached += 1;
                    }
                    _ => remaining.push(entry),
                }
            }
        }

        // What is left (everything, on a first run) is grouped afresh.
        if !remaining.is_empty() {
            let by_reference: HashMap<&str, Id> = remaining.iter().map(|(id, i)| (i.reference.as_str(), *id)).collect();
            let subset: Vec<Item> = remaining.iter().map(|(_, i)| i.clone()).collect();
            let names = person_names(conn, consultation)?;
            let result = synthesize_theme(theme_name, &subset, params, &names)?;
            for proposal in &result.orientations {
                let at = now();
                let orientation = Orientation {
                    id: Id::new(),
                    consultation_id: consultation,
                    theme_id: theme,
                    run_id: Some(run_id),
                    title: proposal.title.clone(),
                    body: String::new(),
                    key_phrases: serde_json::to_string(&proposal.key_phrases).unwrap_or_else(|_| "[]".into()),
                    quotes: serde_json::to_string(&proposal.quotes).unwrap_or_else(|_| "[]".into()),
                    origin: "proposed".into(),
                    status: "draft".into(),
                    created_at: at,
                    updated_at: at,
                };
                diesel::insert_into(orientations::table).values(&orientation).execute(conn)?;
                for reference in &proposal.contributions {
                    place(conn, by_reference[reference.as_str()], Some(orientation.id), None)?;
                }
                report.proposed += 1;
            }
            for left in &result.not_grouped {
                place(conn, by_reference[left.reference.as_str()], None, Some(&left.reason))?;
                report.set_aside += 1;
            }
        }
        diesel::update(synthesis_runs::table.find(run_id))
            .set(synthesis_runs::summary.eq(serde_json::to_string(&report).unwrap_or_default()))
            .execute(conn)?;
        record(
            conn,
            AuditEvent::new(actor, "synthesis.run", "theme", Some(theme.to_string()))
                .with_details(serde_json::json!({ "run": run_id.to_string(), "input_sha256": sha, "report": report })),
        )?;
        Ok(report)
    })
}

/// Puts a contribution in an orientation (or sets it aside with a reason), replacing any
/// previous place.
pub(super) fn place(
    conn: &mut DbConnection,
    contribution: Id,
    orientation: Option<Id>,
    reason: Option<&str>,
) -> Result<(), DraftError> {
    place_by(conn, contribution, orientation, reason, "run")
}

/// Like [`place`], saying who placed it (`run` or `staff`).
pub(super) fn place_by(
    conn: &mut DbConnection,
    contribution: Id,
    orientation: Option<Id>,
    reason: Option<&str>,
    placed_by: &str,
) -> Result<(), DraftError> {
    diesel::delete(orientation_members::table.find(contribution)).execute(conn)?;
    diesel::insert_into(orientation_members::table)
        .values((
            orientation_members::contribution_id.eq(contribution),
            orientation_members::orientation_id.eq(orientation),
            orientation_members::set_aside_reason.eq(reason),
            orientation_members::placed_by.eq(placed_by),
        ))
        .execute(conn)?;
    Ok(())
}
