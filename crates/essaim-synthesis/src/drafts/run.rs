//! A run on a theme, stored: the first run proposes orientations; later runs keep every staff
//! edit and only place contributions no run has seen, in the nearest existing orientation when
//! it is close enough, otherwise in new proposed orientations.
//!
//! A run never blocks the platform: it reads the theme ([`read_theme`]), computes without any
//! transaction or connection ([`plan_run`]), and only then takes the write lock, briefly, to
//! store its result ([`store_run`]) — re-checking what staff changed meanwhile: a contribution
//! staff placed, or one no longer accepted, is left where it is; an orientation merged away
//! or discarded receives nothing.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::{ModerationStatus, OrientationOrigin, OrientationStatus, PlacedBy, SetAsideReason};
use essaim_core::schema::{contributions, orientation_members, orientations, synthesis_runs};
use serde::Serialize;

use super::model::Orientation;
use super::{placed_items, DraftError, PlacedItem};
use crate::cluster::kmeans::Vectors;
use crate::pipeline::{synthesize_theme, vectorise, Item, Params};
use crate::run::{input_hash, person_names};

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
    /// Contributions left as they were because staff changed them while the run computed.
    #[serde(default)]
    pub changed_meanwhile: usize,
}

/// A theme as a run reads it.
pub struct ThemeState {
    consultation: Id,
    theme: Id,
    theme_name: String,
    items: Vec<PlacedItem>,
    drafts: Vec<Orientation>,
    names: Vec<String>,
}

/// Reads what a run needs, in one short read.
pub fn read_theme(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    theme_name: &str,
) -> Result<ThemeState, DraftError> {
    let items = placed_items(conn, consultation, theme)?;
    let drafts = essaim_core::domain::orientation::orientations_of_theme(conn, theme, OrientationStatus::Draft)?;
    let names = person_names(conn, consultation)?;
    Ok(ThemeState { consultation, theme, theme_name: theme_name.to_owned(), items, drafts, names })
}

struct Proposal {
    orientation: Orientation,
    members: Vec<Id>,
}

/// What a run decided, before it is stored.
pub struct RunPlan {
    consultation: Id,
    theme: Id,
    run_id: Id,
    sha: String,
    params: Params,
    new_contributions: usize,
    attach: Vec<(Id, Id)>,
    proposals: Vec<Proposal>,
    set_aside: Vec<(Id, SetAsideReason)>,
}

/// Computes a run: pure CPU, no database.
pub fn plan_run(state: &ThemeState, params: &Params) -> Result<RunPlan, DraftError> {
    let items = &state.items;
    let fresh: Vec<&PlacedItem> = items.iter().filter(|p| p.placed_by.is_none()).collect();
    let run_id = Id::new();
    let sha = input_hash(&[(state.theme_name.clone(), items.iter().map(|p| p.item.clone()).collect())]);
    let mut plan = RunPlan {
        consultation: state.consultation,
        theme: state.theme,
        run_id,
        sha,
        params: params.clone(),
        new_contributions: fresh.len(),
        attach: Vec::new(),
        proposals: Vec::new(),
        set_aside: Vec::new(),
    };

    // Later runs: new contributions first try the existing orientations.
    let mut remaining: Vec<&PlacedItem> = fresh.clone();
    if !state.drafts.is_empty() && !fresh.is_empty() {
        let texts: Vec<&str> = items.iter().map(|p| p.item.text.as_str()).collect();
        let rows = vectorise(&texts, params);
        let mut centres: Vec<(Id, Vec<f32>)> = Vec::new();
        for draft in &state.drafts {
            let mut centre = vec![0.0f32; rows.columns];
            for (r, placed) in items.iter().enumerate() {
                if placed.orientation == Some(draft.id) {
                    rows.for_each(r, |d, v| centre[d] += v);
                }
            }
            let norm = centre.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                centre.iter_mut().for_each(|x| *x /= norm);
                centres.push((draft.id, centre));
            }
        }
        let row_of: HashMap<Id, usize> = items.iter().enumerate().map(|(r, p)| (p.id, r)).collect();
        remaining.clear();
        for entry in &fresh {
            let r = row_of[&entry.id];
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
                Some((orientation, score)) if score >= ATTACH_THRESHOLD => plan.attach.push((entry.id, orientation)),
                _ => remaining.push(entry),
            }
        }
    }

    // What is left (everything, on a first run) is grouped afresh.
    if !remaining.is_empty() {
        let by_reference: HashMap<&str, Id> = remaining.iter().map(|p| (p.item.reference.as_str(), p.id)).collect();
        let subset: Vec<Item> = remaining.iter().map(|p| p.item.clone()).collect();
        let result = synthesize_theme(&state.theme_name, &subset, params, &state.names)?;
        for proposal in &result.orientations {
            let at = now();
            let orientation = Orientation {
                id: Id::new(),
                consultation_id: state.consultation,
                theme_id: state.theme,
                run_id: Some(run_id),
                title: proposal.title.clone(),
                body: proposal.text.clone(),
                body_proposed: proposal.text_proposed,
                stances: proposal.stances.as_ref().and_then(|s| serde_json::to_string(s).ok()).unwrap_or_default(),
                key_phrases: serde_json::to_string(&proposal.key_phrases).unwrap_or_else(|_| "[]".into()),
                quotes: serde_json::to_string(&proposal.quotes).unwrap_or_else(|_| "[]".into()),
                origin: OrientationOrigin::Proposed,
                status: OrientationStatus::Draft,
                created_at: at,
                updated_at: at,
            };
            let members = proposal.contributions.iter().filter_map(|r| by_reference.get(r.as_str()).copied()).collect();
            plan.proposals.push(Proposal { orientation, members });
        }
        for left in &result.not_grouped {
            if let (Some(id), Some(reason)) =
                (by_reference.get(left.reference.as_str()), SetAsideReason::parse(&left.reason))
            {
                plan.set_aside.push((*id, reason));
            }
        }
    }
    Ok(plan)
}

/// Stores a plan in one short write transaction, re-checking what changed since it was read,
/// then runs `within` in the same transaction (a background job marks itself done there, so
/// the result and the job's end are one commit).
pub fn store_run(
    conn: &mut DbConnection,
    plan: RunPlan,
    actor: Option<Id>,
    within: impl FnOnce(&mut DbConnection, &RunReport) -> Result<(), DraftError>,
) -> Result<RunReport, DraftError> {
    // What the re-check needs is read before taking the write lock; inside it, a few counts
    // tell whether anything changed since, and only then is it read again. The lock is held
    // for the writes, not for reading 150,000 rows twice.
    let before = Snapshot::read(conn, plan.theme)?;
    let (theme, locked) = (plan.theme, std::time::Instant::now());
    let stored = write_transaction(conn, |conn| {
        let Snapshot { accepted, placed, drafts, .. } = match Fingerprint::read(conn, plan.theme)? {
            now if now == before.fingerprint => before,
            _ => Snapshot::read(conn, plan.theme)?,
        };
        let still_free = |c: &Id| accepted.contains(c) && !placed.contains(c);
        let mut report = RunReport { new_contributions: plan.new_contributions, ..Default::default() };
        let mut rows: Vec<(Id, Option<Id>, Option<SetAsideReason>)> = Vec::new();

        diesel::insert_into(synthesis_runs::table)
            .values((
                synthesis_runs::id.eq(plan.run_id),
                synthesis_runs::consultation_id.eq(plan.consultation),
                synthesis_runs::theme_id.eq(plan.theme),
                synthesis_runs::parameters.eq(serde_json::to_string(&plan.params).unwrap_or_default()),
                synthesis_runs::input_sha256.eq(&plan.sha),
                synthesis_runs::software_version.eq(essaim_core::VERSION),
                synthesis_runs::started_by.eq(actor),
                synthesis_runs::created_at.eq(now()),
            ))
            .execute(conn)?;
        for (contribution, orientation) in &plan.attach {
            if still_free(contribution) && drafts.contains(orientation) {
                rows.push((*contribution, Some(*orientation), None));
                report.attached += 1;
            } else {
                report.changed_meanwhile += 1;
            }
        }
        for proposal in &plan.proposals {
            let members: Vec<Id> = proposal.members.iter().copied().filter(|c| still_free(c)).collect();
            report.changed_meanwhile += proposal.members.len() - members.len();
            if members.is_empty() {
                continue;
            }
            diesel::insert_into(orientations::table).values(proposal.orientation.clone()).execute(conn)?;
            rows.extend(members.into_iter().map(|c| (c, Some(proposal.orientation.id), None)));
            report.proposed += 1;
        }
        for (contribution, reason) in &plan.set_aside {
            if still_free(contribution) {
                rows.push((*contribution, None, Some(*reason)));
                report.set_aside += 1;
            } else {
                report.changed_meanwhile += 1;
            }
        }
        // In key order, each insert lands next to the previous one in the primary key's B-tree
        // instead of at a random page: half the time under the lock (docs/benchmarks.md).
        rows.sort_unstable_by_key(|(contribution, _, _)| *contribution);
        insert_placements(conn, &rows, PlacedBy::Run)?;
        diesel::update(synthesis_runs::table.find(plan.run_id))
            .set(synthesis_runs::summary.eq(serde_json::to_string(&report).unwrap_or_default()))
            .execute(conn)?;
        record(
            conn,
            AuditEvent::new(actor, "synthesis.run", "theme", Some(plan.theme.to_string())).with_details(
                serde_json::json!({ "run": plan.run_id.to_string(), "input_sha256": plan.sha, "report": report }),
            ),
        )?;
        within(conn, &report)?;
        Ok(report)
    });
    // The window during which every other writer waits (benchmarks quote it).
    tracing::info!(theme = %theme, write_lock_ms = locked.elapsed().as_millis() as u64, "synthèse enregistrée");
    stored
}

/// A few figures of a theme that change whenever staff or moderation change what a stored run
/// must respect: which contributions are accepted, which are placed, which orientations are
/// drafts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    accepted: i64,
    last_moderated: Option<chrono::NaiveDateTime>,
    placed: i64,
    orientations: i64,
    last_edited: Option<chrono::NaiveDateTime>,
}

impl Fingerprint {
    fn read(conn: &mut DbConnection, theme: Id) -> Result<Self, DraftError> {
        use diesel::dsl::{count_star, max};
        let accepted: i64 = contributions::table
            .filter(contributions::theme_id.eq(theme))
            .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
            .count()
            .get_result(conn)?;
        let last_moderated = contributions::table
            .filter(contributions::theme_id.eq(theme))
            .select(max(contributions::moderated_at))
            .first(conn)?;
        let placed: i64 = orientation_members::table
            .inner_join(contributions::table)
            .filter(contributions::theme_id.eq(theme))
            .count()
            .get_result(conn)?;
        let (orientations, last_edited): (i64, Option<chrono::NaiveDateTime>) = orientations::table
            .filter(orientations::theme_id.eq(theme))
            .select((count_star(), max(orientations::updated_at)))
            .first(conn)?;
        Ok(Fingerprint { accepted, last_moderated, placed, orientations, last_edited })
    }
}

/// The sets a stored run is checked against, with the fingerprint read just before them.
struct Snapshot {
    fingerprint: Fingerprint,
    accepted: HashSet<Id>,
    placed: HashSet<Id>,
    drafts: HashSet<Id>,
}

impl Snapshot {
    fn read(conn: &mut DbConnection, theme: Id) -> Result<Self, DraftError> {
        let fingerprint = Fingerprint::read(conn, theme)?;
        let accepted = contributions::table
            .filter(contributions::theme_id.eq(theme))
            .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
            .select(contributions::id)
            .load::<Id>(conn)?
            .into_iter()
            .collect();
        let placed = essaim_core::domain::orientation::placements_of_theme(conn, theme)?
            .into_iter()
            .map(|p| p.contribution_id)
            .collect();
        let drafts = essaim_core::domain::orientation::orientations_of_theme(conn, theme, OrientationStatus::Draft)?
            .into_iter()
            .map(|o| o.id)
            .collect();
        Ok(Snapshot { fingerprint, accepted, placed, drafts })
    }
}

/// Rows per multi-row insert of placements (4 columns each).
const PLACEMENT_CHUNK: usize = 2_000;

/// Stores placements of contributions that have none yet, with multi-row inserts: a first run
/// of 150,000 contributions is 75 statements, not 150,000.
fn insert_placements(
    conn: &mut DbConnection,
    rows: &[(Id, Option<Id>, Option<SetAsideReason>)],
    by: PlacedBy,
) -> Result<(), DraftError> {
    for chunk in rows.chunks(PLACEMENT_CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(contribution, orientation, reason)| {
                (
                    orientation_members::contribution_id.eq(*contribution),
                    orientation_members::orientation_id.eq(*orientation),
                    orientation_members::set_aside_reason.eq(reason.map(|r| r.as_str())),
                    orientation_members::placed_by.eq(by.as_str()),
                )
            })
            .collect();
        // `MultiBackend` has no multi-row insert for SQLite: the same statement per backend.
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(orientation_members::table).values(values).execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(orientation_members::table).values(values).execute(c)?,
        };
    }
    Ok(())
}

/// Runs the synthesis of one theme and stores its proposals, keeping staff edits: read, plan,
/// store, on one connection (small themes, the command line, tests).
pub fn run_theme(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    theme_name: &str,
    params: &Params,
    actor: Option<Id>,
) -> Result<RunReport, DraftError> {
    run_theme_with(conn, (consultation, theme, theme_name), params, actor, |_, _| Ok(()))
}

/// [`run_theme`], with `within` run in the storing transaction (a job marks itself done).
pub fn run_theme_with(
    conn: &mut DbConnection,
    (consultation, theme, theme_name): (Id, Id, &str),
    params: &Params,
    actor: Option<Id>,
    within: impl FnOnce(&mut DbConnection, &RunReport) -> Result<(), DraftError>,
) -> Result<RunReport, DraftError> {
    let state = read_theme(conn, consultation, theme, theme_name)?;
    let plan = plan_run(&state, params)?;
    drop(state);
    store_run(conn, plan, actor, within)
}

/// Puts a contribution in an orientation (or sets it aside with a reason), replacing any
/// previous place, saying who placed it.
pub(super) fn place_by(
    conn: &mut DbConnection,
    contribution: Id,
    orientation: Option<Id>,
    reason: Option<SetAsideReason>,
    placed_by: PlacedBy,
) -> Result<(), DraftError> {
    diesel::delete(orientation_members::table.find(contribution)).execute(conn)?;
    diesel::insert_into(orientation_members::table)
        .values((
            orientation_members::contribution_id.eq(contribution),
            orientation_members::orientation_id.eq(orientation),
            orientation_members::set_aside_reason.eq(reason.map(|r| r.as_str())),
            orientation_members::placed_by.eq(placed_by),
        ))
        .execute(conn)?;
    Ok(())
}
