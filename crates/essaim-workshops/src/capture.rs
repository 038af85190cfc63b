//! Live capture: the entries a facilitator types during a workshop.
//!
//! Every entry is a contribution (channel `launch_workshop` or `conference_workshop` after the
//! workshop's phase, theme the workshop's), recorded through the core's one entry point with
//! the device's id as idempotency key, plus a row of `workshop_entries` under that same id. A
//! replay — the device sending again an entry whose answer it never got, a second tab, the
//! form posted twice — finds the first entry and gets it back; nothing is written twice. A
//! deleted entry keeps its row as a tombstone, so a late replay does not bring it back.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::consultation::frame_of;
use essaim_core::domain::contribution::{
    delete_contribution, edit_contribution, find_contribution, record_contribution, ContributionForm,
    OrganisationField, Recorded, KIND_MESSAGE,
};
use essaim_core::domain::{Account, AuthorKind, ContributionKind, Submitter};
use essaim_core::schema::{contributions, territories, workshop_entries};
use essaim_core::CoreError;
use serde::{Deserialize, Serialize};

use crate::workshops::{workshop_for, Workshop, WorkshopError, WorkshopState};

/// Longest organisation name on an entry: the core's, one for every form.
pub use essaim_core::domain::contribution::MAX_ORGANISATION_CHARS;
/// How far back a device's capture time is believed (an entry typed offline during a
/// workshop is sent within hours; an older or future time is replaced by the arrival time).
pub const MAX_CAPTURE_AGE_HOURS: i64 = 72;

/// One entry as the capture form or the API hands it over.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EntryInput {
    /// The id the device generated (a UUID, `crypto.randomUUID()`); the server's form makes
    /// one when JavaScript is off.
    pub device_id: String,
    /// `constat`, `proposition`, `experience` or `question`.
    pub kind: String,
    /// The text.
    pub body: String,
    /// The organisation that spoke (optional).
    pub organisation: String,
    /// The département's code (optional).
    pub territory: String,
    /// When it was typed on the device, if it waited offline.
    pub captured_at: Option<NaiveDateTime>,
}

/// An entry of a workshop, as its pages and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The device's id of the entry.
    pub id: Id,
    /// The workshop.
    pub workshop_id: Id,
    /// The contribution it recorded (none once deleted).
    pub contribution_id: Option<Id>,
    /// Its kind (none once deleted).
    pub kind: Option<ContributionKind>,
    /// Its text (empty once deleted).
    pub body: String,
    /// The organisation that spoke.
    pub organisation: Option<String>,
    /// The département's code.
    pub territory: Option<String>,
    /// When it was said (UTC).
    pub created_at: NaiveDateTime,
    /// Deleted by a facilitator.
    pub deleted: bool,
}

/// What [`capture`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Captured {
    /// Recorded now.
    New(Entry),
    /// Recorded by an earlier call with the same id: the entry as it stands.
    Again(Entry),
}

impl Captured {
    /// The entry, whichever call recorded it.
    pub fn entry(&self) -> &Entry {
        match self {
            Captured::New(e) | Captured::Again(e) => e,
        }
    }
}

/// The idempotency key of an entry's contribution: namespaced, so that no other channel's
/// key can meet it.
pub fn contribution_key(device_id: Id) -> String {
    format!("atelier:{device_id}")
}

type EntryRow = (Id, Id, Option<Id>, NaiveDateTime, Option<NaiveDateTime>);
/// Entry id, workshop, contribution, kind, text, author kind, author name, territory, time.
type JoinedRow = (Id, Id, Id, String, String, String, Option<String>, Option<Id>, NaiveDateTime);

fn entry_row(conn: &mut DbConnection, id: Id) -> Result<Option<EntryRow>, WorkshopError> {
    Ok(workshop_entries::table
        .find(id)
        .select((
            workshop_entries::id,
            workshop_entries::workshop_id,
            workshop_entries::contribution_id,
            workshop_entries::created_at,
            workshop_entries::deleted_at,
        ))
        .first(conn)
        .optional()?)
}

fn entry_of(conn: &mut DbConnection, row: EntryRow) -> Result<Entry, WorkshopError> {
    let (id, workshop_id, contribution_id, created_at, deleted_at) = row;
    let contribution = match contribution_id {
        Some(c) => find_contribution(conn, c)?,
        None => None,
    };
    let territory = match contribution.as_ref().and_then(|c| c.territory_id) {
        Some(t) => territories::table.find(t).select(territories::code).first(conn).optional()?,
        None => None,
    };
    Ok(Entry {
        id,
        workshop_id,
        contribution_id: contribution.as_ref().map(|c| c.id),
        kind: contribution.as_ref().map(|c| c.kind),
        body: contribution.as_ref().map(|c| c.body.clone()).unwrap_or_default(),
        organisation: contribution.as_ref().and_then(|c| c.author_name.clone()),
        territory,
        created_at: contribution.as_ref().map(|c| c.created_at).unwrap_or(created_at),
        deleted: deleted_at.is_some() || contribution.is_none(),
    })
}

/// Refuses entries in a workshop that is not open, in French.
fn require_open(workshop: &Workshop) -> Result<(), WorkshopError> {
    match workshop.state {
        WorkshopState::Open => Ok(()),
        WorkshopState::Planned => Err(WorkshopError::State(
            "L'atelier n'est pas encore ouvert : ouvrez-le pour saisir, corriger ou supprimer des entrées.".into(),
        )),
        WorkshopState::Closed => Err(WorkshopError::State(
            "L'atelier est clos : ses entrées ne peuvent plus être saisies, corrigées ni supprimées.".into(),
        )),
    }
}

/// Parses the device's id: a UUID, in French when it is not.
pub fn parse_device_id(raw: &str) -> Result<Id, CoreError> {
    raw.trim().parse::<Id>().map_err(|_| {
        CoreError::invalid("device_id", "L'identifiant de l'entrée doit être un UUID (généré par l'appareil).")
    })
}

/// Records one entry in a workshop, by one of its facilitators (or staff), while it is open;
/// once per device id. Runs in its own (nested) write transaction: the contribution and its
/// link are stored together or not at all.
pub fn capture(
    conn: &mut DbConnection,
    workshop_id: Id,
    who: &Account,
    input: EntryInput,
) -> Result<Captured, WorkshopError> {
    write_transaction(conn, |conn| {
        let workshop = workshop_for(conn, workshop_id, who)?;
        let device_id = parse_device_id(&input.device_id)?;
        if let Some(row) = entry_row(conn, device_id)? {
            if row.1 != workshop.id {
                return Err(
                    CoreError::Conflict("cet identifiant d'entrée a déjà servi dans un autre atelier".into()).into()
                );
            }
            return Ok(Captured::Again(entry_of(conn, row)?));
        }
        require_open(&workshop)?;
        let frame = frame_of(conn, workshop.consultation_id)?;
        let checked = ContributionForm {
            kind: &input.kind,
            body: &input.body,
            organisation: &input.organisation,
            territory: &input.territory,
            organisation_field: OrganisationField::Optional,
        }
        .parse(&frame)
        .map_err(CoreError::Validation)?;
        let at = now();
        let said_at = input
            .captured_at
            .filter(|t| *t <= at + Duration::minutes(5) && *t >= at - Duration::hours(MAX_CAPTURE_AGE_HOURS))
            .unwrap_or(at);
        let new = checked
            .into_new(workshop.consultation_id, workshop.phase.channel(), Submitter::Account(who.id))
            .theme(workshop.theme_id)
            .received_at(said_at)
            .idempotency_key(contribution_key(device_id));
        let contribution = match record_contribution(conn, new)? {
            Recorded::New(c) | Recorded::Again(c) => c,
        };
        diesel::insert_into(workshop_entries::table)
            .values((
                workshop_entries::id.eq(device_id),
                workshop_entries::workshop_id.eq(workshop.id),
                workshop_entries::contribution_id.eq(Some(contribution.id)),
                workshop_entries::created_at.eq(at),
            ))
            .execute(conn)?;
        let row = entry_row(conn, device_id)?.ok_or(WorkshopError::NotFound)?;
        Ok(Captured::New(entry_of(conn, row)?))
    })
}

/// The entries of a workshop that `who` may see, oldest first, deleted ones left out.
pub fn entries_of(conn: &mut DbConnection, workshop_id: Id, who: &Account) -> Result<Vec<Entry>, WorkshopError> {
    let workshop = workshop_for(conn, workshop_id, who)?;
    entries_of_workshop(conn, workshop.id)
}

/// The entries of a workshop, oldest first, deleted ones left out (no access check: for
/// callers that checked, and for the report and exports).
pub fn entries_of_workshop(conn: &mut DbConnection, workshop: Id) -> Result<Vec<Entry>, WorkshopError> {
    let rows: Vec<JoinedRow> = workshop_entries::table
        .inner_join(contributions::table)
        .filter(workshop_entries::workshop_id.eq(workshop))
        .filter(workshop_entries::deleted_at.is_null())
        .order((contributions::created_at.asc(), workshop_entries::id.asc()))
        .select((
            workshop_entries::id,
            workshop_entries::workshop_id,
            contributions::id,
            contributions::kind,
            contributions::body,
            contributions::author_kind,
            contributions::author_name,
            contributions::territory_id,
            contributions::created_at,
        ))
        .load(conn)?;
    let codes: Vec<(Id, String)> = territories::table.select((territories::id, territories::code)).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, workshop_id, contribution, kind, body, author_kind, author_name, territory, created_at)| Entry {
            id,
            workshop_id,
            contribution_id: Some(contribution),
            kind: ContributionKind::parse(&kind),
            body,
            organisation: author_name.filter(|_| author_kind == AuthorKind::Organisation.as_str()),
            territory: territory.and_then(|t| codes.iter().find(|(id, _)| *id == t).map(|(_, c)| c.clone())),
            created_at,
            deleted: false,
        })
        .collect())
}

/// One entry of a workshop `who` may see (deleted ones are not found).
pub fn entry_for(conn: &mut DbConnection, workshop_id: Id, entry: Id, who: &Account) -> Result<Entry, WorkshopError> {
    let workshop = workshop_for(conn, workshop_id, who)?;
    let row = entry_row(conn, entry)?.filter(|r| r.1 == workshop.id).ok_or(WorkshopError::NotFound)?;
    let entry = entry_of(conn, row)?;
    if entry.deleted {
        return Err(WorkshopError::NotFound);
    }
    Ok(entry)
}

/// Corrects an entry's text and kind while its workshop is open, by one of its facilitators
/// or staff; the core checks the text and audits the change with the old text.
pub fn edit_entry(
    conn: &mut DbConnection,
    workshop_id: Id,
    entry: Id,
    who: &Account,
    kind: &str,
    body: &str,
) -> Result<Entry, WorkshopError> {
    write_transaction(conn, |conn| {
        let workshop = workshop_for(conn, workshop_id, who)?;
        let current = entry_for(conn, workshop.id, entry, who)?;
        require_open(&workshop)?;
        let Some(kind) = ContributionKind::parse(kind.trim()) else {
            return Err(CoreError::invalid("kind", KIND_MESSAGE).into());
        };
        let contribution = current.contribution_id.ok_or(WorkshopError::NotFound)?;
        edit_contribution(conn, contribution, kind, body, Some(who.id))?;
        entry_for(conn, workshop.id, entry, who)
    })
}

/// Deletes an entry while its workshop is open, by one of its facilitators or staff: its
/// contribution is deleted (audited with its text by the core), its row stays as a tombstone.
pub fn delete_entry(
    conn: &mut DbConnection,
    workshop_id: Id,
    entry: Id,
    who: &Account,
) -> Result<Entry, WorkshopError> {
    write_transaction(conn, |conn| {
        let workshop = workshop_for(conn, workshop_id, who)?;
        let current = entry_for(conn, workshop.id, entry, who)?;
        require_open(&workshop)?;
        diesel::update(workshop_entries::table.find(entry))
            .set((
                workshop_entries::deleted_at.eq(Some(now())),
                workshop_entries::deleted_by.eq(Some(who.id)),
                workshop_entries::contribution_id.eq(None::<Id>),
            ))
            .execute(conn)?;
        if let Some(contribution) = current.contribution_id {
            delete_contribution(conn, contribution, Some(who.id))?;
        }
        Ok(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshops::{create_workshop, set_state, WorkshopForm};
    use essaim_core::domain::audit::history_of;
    use essaim_core::domain::contribution::contributions_of;
    use essaim_core::domain::find_account;
    use essaim_core::domain::Channel;
    use essaim_core::testing::{demo, demo_account, TestDb};

    fn account(conn: &mut DbConnection, role: &str) -> Account {
        demo(conn);
        let id = demo_account(conn, role);
        find_account(conn, id).unwrap().unwrap()
    }

    fn open_workshop(conn: &mut DbConnection, phase: &str, facilitator: &Account) -> (Id, Workshop) {
        let (consultation, _) = demo(conn);
        let staff = account(conn, "staff");
        let form = WorkshopForm {
            theme: "2".into(),
            phase: phase.into(),
            state: "open".into(),
            facilitators: vec![facilitator.id.to_string()],
            ..WorkshopForm::default()
        };
        (consultation, create_workshop(conn, consultation, &form, staff.id).unwrap())
    }

    fn input(id: Id, body: &str) -> EntryInput {
        EntryInput {
            device_id: id.to_string(),
            kind: "proposition".into(),
            body: body.into(),
            organisation: "Les Ecossolies".into(),
            territory: "44".into(),
            captured_at: None,
        }
    }

    #[test]
    fn an_entry_is_a_contribution_of_the_workshop_and_a_replay_writes_nothing() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let fatou = account(&mut conn, "facilitator");
        let (consultation, workshop) = open_workshop(&mut conn, "conference", &fatou);
        let before = contributions_of(&mut conn, consultation).unwrap().len();
        let id = Id(uuid::Uuid::new_v4());
        let first = capture(&mut conn, workshop.id, &fatou, input(id, "  Mutualiser les locaux.  ")).unwrap();
        let Captured::New(entry) = first.clone() else { panic!("new") };
        assert_eq!(entry.body, "Mutualiser les locaux.");
        assert_eq!(entry.organisation.as_deref(), Some("Les Ecossolies"));
        assert_eq!(entry.territory.as_deref(), Some("44"));
        let again = capture(&mut conn, workshop.id, &fatou, input(id, "  Mutualiser les locaux.  ")).unwrap();
        assert_eq!(again, Captured::Again(entry.clone()));
        let all = contributions_of(&mut conn, consultation).unwrap();
        assert_eq!(all.len(), before + 1);
        let stored = find_contribution(&mut conn, entry.contribution_id.unwrap()).unwrap().unwrap();
        assert_eq!(stored.channel, Channel::ConferenceWorkshop);
        assert_eq!(stored.theme_id, Some(workshop.theme_id));
        assert_eq!(stored.logged_by, Some(fatou.id));
        assert_eq!(stored.idempotency_key, Some(contribution_key(id)));
        assert_eq!(entries_of(&mut conn, workshop.id, &fatou).unwrap(), [entry]);
    }

    #[test]
    fn a_launch_workshop_records_launch_contributions() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let fatou = account(&mut conn, "facilitator");
        let (_, workshop) = open_workshop(&mut conn, "launch", &fatou);
        let entry = capture(&mut conn, workshop.id, &fatou, input(Id::new(), "Une idée.")).unwrap();
        let c = find_contribution(&mut conn, entry.entry().contribution_id.unwrap()).unwrap().unwrap();
        assert_eq!(c.channel, Channel::LaunchWorkshop);
    }

    #[test]
    fn bad_input_is_refused_field_by_field_and_nothing_is_stored() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let fatou = account(&mut conn, "facilitator");
        let (consultation, workshop) = open_workshop(&mut conn, "launch", &fatou);
        let before = contributions_of(&mut conn, consultation).unwrap().len();
        let bad = EntryInput {
            device_id: Id::new().to_string(),
            kind: "avis".into(),
            body: "   ".into(),
            organisation: "o".repeat(MAX_ORGANISATION_CHARS + 1),
            territory: "75".into(),
            captured_at: None,
        };
        let Err(WorkshopError::Core(CoreError::Validation(errors))) = capture(&mut conn, workshop.id, &fatou, bad)
        else {
            panic!("refused")
        };
        for field in ["kind", "body", "organisation", "territory"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        let no_id = EntryInput { device_id: "pas-un-uuid".into(), ..input(Id::new(), "Texte") };
        let Err(WorkshopError::Core(CoreError::Validation(errors))) = capture(&mut conn, workshop.id, &fatou, no_id)
        else {
            panic!("refused")
        };
        assert!(errors.get("device_id").is_some());
        assert_eq!(contributions_of(&mut conn, consultation).unwrap().len(), before);
    }

    #[test]
    fn another_facilitator_is_refused_and_a_closed_workshop_takes_nothing() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let fatou = account(&mut conn, "facilitator");
        let staff = account(&mut conn, "staff");
        let other = crate::workshops::tests::other_facilitator(&mut conn);
        let (_, workshop) = open_workshop(&mut conn, "launch", &fatou);
        let refused = capture(&mut conn, workshop.id, &other, input(Id::new(), "Intrus."));
        assert!(matches!(refused, Err(WorkshopError::Forbidden)), "{refused:?}");
        let kept = capture(&mut conn, workshop.id, &fatou, input(Id::new(), "Avant la clôture.")).unwrap();
        set_state(&mut conn, workshop.id, &staff, WorkshopState::Closed).unwrap();
        assert!(matches!(
            capture(&mut conn, workshop.id, &fatou, input(Id::new(), "Trop tard.")),
            Err(WorkshopError::State(_))
        ));
        // A replay of what was recorded before closing still gets its answer.
        let replay = capture(&mut conn, workshop.id, &fatou, input(kept.entry().id, "Avant la clôture.")).unwrap();
        assert!(matches!(replay, Captured::Again(_)));
        let id = kept.entry().id;
        assert!(matches!(edit_entry(&mut conn, workshop.id, id, &fatou, "constat", "x"), Err(WorkshopError::State(_))));
        assert!(matches!(delete_entry(&mut conn, workshop.id, id, &fatou), Err(WorkshopError::State(_))));
        assert!(matches!(delete_entry(&mut conn, workshop.id, id, &other), Err(WorkshopError::Forbidden)));
    }

    #[test]
    fn edits_and_deletes_are_audited_and_a_deleted_entry_does_not_come_back() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let fatou = account(&mut conn, "facilitator");
        let (consultation, workshop) = open_workshop(&mut conn, "launch", &fatou);
        let id = Id(uuid::Uuid::new_v4());
        let entry = capture(&mut conn, workshop.id, &fatou, input(id, "Premier jet.")).unwrap().entry().clone();
        let refused = edit_entry(&mut conn, workshop.id, id, &fatou, "constat", " ");
        assert!(matches!(refused, Err(WorkshopError::Core(CoreError::Validation(_)))));
        let edited = edit_entry(&mut conn, workshop.id, id, &fatou, "constat", "Texte corrigé.").unwrap();
        assert_eq!((edited.body.as_str(), edited.kind), ("Texte corrigé.", Some(ContributionKind::Constat)));
        let contribution = entry.contribution_id.unwrap().to_string();
        let history = history_of(&mut conn, "contribution", &contribution).unwrap();
        assert!(history[0].details.contains("Premier jet."), "{}", history[0].details);
        assert_eq!(history[0].actor_id, Some(fatou.id));

        let before = contributions_of(&mut conn, consultation).unwrap().len();
        delete_entry(&mut conn, workshop.id, id, &fatou).unwrap();
        assert_eq!(contributions_of(&mut conn, consultation).unwrap().len(), before - 1);
        assert!(entries_of(&mut conn, workshop.id, &fatou).unwrap().is_empty());
        let history = history_of(&mut conn, "contribution", &contribution).unwrap();
        assert_eq!(history[0].action, "contribution.delete");
        // The device sends it again (its answer was lost): it stays deleted.
        let replay = capture(&mut conn, workshop.id, &fatou, input(id, "Premier jet.")).unwrap();
        assert!(matches!(replay, Captured::Again(ref e) if e.deleted), "{replay:?}");
        assert_eq!(contributions_of(&mut conn, consultation).unwrap().len(), before - 1);
    }
}
