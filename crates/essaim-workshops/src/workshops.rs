//! Workshops (*ateliers*): one per consultation, theme and phase, with its place and time, its
//! facilitators, its state, its attendance and its report — and who may see and change what
//! (docs/workshops.md).
//!
//! A facilitator sees and writes only the workshops they are assigned to; staff and
//! administrators see and write all of them. Every function that takes the asking account
//! checks it on the record itself ([`workshop_for`]), so no route can forget.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::themes_of;
use essaim_core::domain::{Account, Channel, Role, Theme};
use essaim_core::schema::{accounts, themes, workshop_entries, workshop_facilitators, workshops};
use essaim_core::{CoreError, CoreResult, ValidationErrors};
use serde::{Deserialize, Serialize};

pub mod setup;

/// Longest place name.
pub const MAX_PLACE_CHARS: usize = 200;
/// Longest report, in characters (about five pages).
pub const MAX_REPORT_CHARS: usize = 10_000;
/// Most organisations listed as present.
pub const MAX_ORGANISATIONS: usize = 300;
/// Longest organisation name in the attendance: the core's, one for every form.
pub use essaim_core::domain::contribution::MAX_ORGANISATION_CHARS;
/// Largest headcount accepted (a typing slip beyond it).
pub const MAX_HEADCOUNT: i32 = 100_000;
/// Most facilitators of one workshop.
pub const MAX_FACILITATORS: usize = 10;

essaim_core::text_enum! {
    /// When a workshop takes place in the consultation.
    WorkshopPhase {
        /// A launch workshop, before the questionnaire.
        Launch => ("launch", "Atelier de lancement"),
        /// A workshop of the regional conference.
        Conference => ("conference", "Atelier de la conférence"),
    }
}

impl WorkshopPhase {
    /// The channel of the contributions captured in it.
    pub fn channel(self) -> Channel {
        match self {
            WorkshopPhase::Launch => Channel::LaunchWorkshop,
            WorkshopPhase::Conference => Channel::ConferenceWorkshop,
        }
    }

    fn order(self) -> u8 {
        match self {
            WorkshopPhase::Launch => 0,
            WorkshopPhase::Conference => 1,
        }
    }
}

essaim_core::text_enum! {
    /// Where a workshop stands.
    WorkshopState {
        /// Not started: nothing is captured yet.
        Planned => ("planned", "Prévu"),
        /// Under way: entries are captured, corrected or deleted.
        Open => ("open", "Ouvert"),
        /// Over: its entries are frozen (staff may reopen it).
        Closed => ("closed", "Clos"),
    }
}

/// One workshop.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = workshops)]
pub struct Workshop {
    /// Identifier.
    pub id: Id,
    /// The consultation.
    pub consultation_id: Id,
    /// Its theme.
    pub theme_id: Id,
    /// Launch or conference.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub phase: WorkshopPhase,
    /// Where it takes place.
    pub place: String,
    /// When it starts: the local time of the place, as typed (a wall-clock time).
    pub starts_at: Option<NaiveDateTime>,
    /// Planned, open, closed.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: WorkshopState,
    /// How many people attended.
    pub headcount: Option<i32>,
    /// The organisations present, one per line.
    pub organisations_present: String,
    /// The short report.
    pub report: String,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

impl Workshop {
    /// The organisations present, in the order typed.
    pub fn organisations(&self) -> Vec<String> {
        organisation_lines(&self.organisations_present)
    }
}

fn organisation_lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Why a workshop action was refused.
#[derive(Debug, thiserror::Error)]
pub enum WorkshopError {
    /// No such workshop or entry.
    #[error("atelier ou entrée introuvable")]
    NotFound,
    /// The account is not one of the workshop's facilitators (nor staff).
    #[error("vous n'animez pas cet atelier")]
    Forbidden,
    /// Not possible in the workshop's state; the message (French) says why.
    #[error("{0}")]
    State(String),
    /// Anything the core refused (validation, conflict) or failed at.
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<diesel::result::Error> for WorkshopError {
    fn from(e: diesel::result::Error) -> Self {
        WorkshopError::Core(CoreError::from(e))
    }
}

/// Staff and administrators see and write every workshop.
pub fn is_staff(who: &Account) -> bool {
    matches!(who.role, Role::Admin | Role::Staff)
}

/// Whether `account` is one of the workshop's facilitators.
pub fn is_facilitator_of(conn: &mut DbConnection, workshop: Id, account: Id) -> CoreResult<bool> {
    let n: i64 = workshop_facilitators::table
        .filter(workshop_facilitators::workshop_id.eq(workshop))
        .filter(workshop_facilitators::account_id.eq(account))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A workshop by id.
pub fn find_workshop(conn: &mut DbConnection, id: Id) -> CoreResult<Option<Workshop>> {
    Ok(workshops::table.find(id).select(Workshop::as_select()).first(conn).optional()?)
}

/// The workshop, if `who` may see and write it: staff, or one of its facilitators. Unknown:
/// [`WorkshopError::NotFound`]; another facilitator's: [`WorkshopError::Forbidden`].
pub fn workshop_for(conn: &mut DbConnection, id: Id, who: &Account) -> Result<Workshop, WorkshopError> {
    let workshop = find_workshop(conn, id)?.ok_or(WorkshopError::NotFound)?;
    if who.disabled_at.is_some() {
        return Err(WorkshopError::Forbidden);
    }
    if is_staff(who) || (who.role == Role::Facilitator && is_facilitator_of(conn, id, who.id)?) {
        Ok(workshop)
    } else {
        Err(WorkshopError::Forbidden)
    }
}

/// A workshop with what its pages show around it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkshopSummary {
    /// The workshop.
    pub workshop: Workshop,
    /// Its theme.
    pub theme: Theme,
    /// Its facilitators (id, name), by name.
    pub facilitators: Vec<(Id, String)>,
    /// Entries captured and not deleted.
    pub entries: i64,
}

impl WorkshopSummary {
    /// "Atelier de lancement — thème 2 : Un mode d'entreprendre…".
    pub fn title(&self) -> String {
        title_of(&self.workshop, &self.theme)
    }

    /// The facilitators' names, joined.
    pub fn facilitator_names(&self) -> String {
        let names: Vec<&str> = self.facilitators.iter().map(|(_, n)| n.as_str()).collect();
        names.join(", ")
    }
}

/// A workshop's title: its phase and theme.
pub fn title_of(workshop: &Workshop, theme: &Theme) -> String {
    format!("{} — thème {} : {}", workshop.phase.label(), theme.position, theme.title)
}

fn summaries(conn: &mut DbConnection, list: Vec<Workshop>) -> CoreResult<Vec<WorkshopSummary>> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Id> = list.iter().map(|w| w.id).collect();
    let theme_ids: Vec<Id> = list.iter().map(|w| w.theme_id).collect();
    let theme_rows: Vec<Theme> =
        themes::table.filter(themes::id.eq_any(&theme_ids)).select(Theme::as_select()).load(conn)?;
    let people: Vec<(Id, Id, String)> = workshop_facilitators::table
        .inner_join(accounts::table)
        .filter(workshop_facilitators::workshop_id.eq_any(&ids))
        .order(accounts::display_name.asc())
        .select((workshop_facilitators::workshop_id, accounts::id, accounts::display_name))
        .load(conn)?;
    let counts: HashMap<Id, i64> = workshop_entries::table
        .filter(workshop_entries::workshop_id.eq_any(&ids))
        .filter(workshop_entries::deleted_at.is_null())
        .group_by(workshop_entries::workshop_id)
        .select((workshop_entries::workshop_id, count_star()))
        .load::<(Id, i64)>(conn)?
        .into_iter()
        .collect();
    let mut out: Vec<WorkshopSummary> = list
        .into_iter()
        .filter_map(|workshop| {
            let theme = theme_rows.iter().find(|t| t.id == workshop.theme_id)?.clone();
            let facilitators =
                people.iter().filter(|(w, _, _)| *w == workshop.id).map(|(_, a, n)| (*a, n.clone())).collect();
            let entries = counts.get(&workshop.id).copied().unwrap_or(0);
            Some(WorkshopSummary { workshop, theme, facilitators, entries })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.workshop.consultation_id, a.workshop.phase.order(), a.theme.position, a.workshop.starts_at, a.workshop.id)
            .cmp(&(
                b.workshop.consultation_id,
                b.workshop.phase.order(),
                b.theme.position,
                b.workshop.starts_at,
                b.workshop.id,
            ))
    });
    Ok(out)
}

/// Every workshop of a consultation: launch ones first, then by theme.
pub fn workshops_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<WorkshopSummary>> {
    let list = workshops::table
        .filter(workshops::consultation_id.eq(consultation))
        .select(Workshop::as_select())
        .load(conn)?;
    summaries(conn, list)
}

/// The workshops `who` works on ("mes ateliers"): a facilitator's own, every one for staff.
pub fn workshops_for(conn: &mut DbConnection, who: &Account) -> CoreResult<Vec<WorkshopSummary>> {
    let list = if is_staff(who) {
        workshops::table.select(Workshop::as_select()).load(conn)?
    } else {
        workshops::table
            .inner_join(workshop_facilitators::table)
            .filter(workshop_facilitators::account_id.eq(who.id))
            .select(Workshop::as_select())
            .load(conn)?
    };
    summaries(conn, list)
}

/// One workshop with its theme, facilitators and count, if `who` may see it.
pub fn summary_for(conn: &mut DbConnection, id: Id, who: &Account) -> Result<WorkshopSummary, WorkshopError> {
    let workshop = workshop_for(conn, id, who)?;
    summaries(conn, vec![workshop])?.pop().ok_or(WorkshopError::NotFound)
}

/// The accounts that can be assigned to a workshop: facilitators not disabled, by name.
pub fn facilitator_accounts(conn: &mut DbConnection) -> CoreResult<Vec<Account>> {
    Ok(accounts::table
        .filter(accounts::role.eq(Role::Facilitator))
        .filter(accounts::disabled_at.is_null())
        .order(accounts::display_name.asc())
        .select(Account::as_select())
        .load(conn)?)
}

/// The staff form of a workshop, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WorkshopForm {
    /// The theme's position (1 to 5).
    pub theme: String,
    /// `launch` or `conference`.
    pub phase: String,
    /// Where.
    pub place: String,
    /// The date, `AAAA-MM-JJ`.
    pub date: String,
    /// The time, `HH:MM` (optional).
    pub time: String,
    /// `planned`, `open` or `closed`.
    pub state: String,
    /// The ids of the facilitators assigned.
    pub facilitators: Vec<String>,
}

impl WorkshopForm {
    /// The form filled with a stored workshop.
    pub fn of(workshop: &Workshop, theme: &Theme, facilitators: &[(Id, String)]) -> Self {
        WorkshopForm {
            theme: theme.position.to_string(),
            phase: workshop.phase.as_str().to_owned(),
            place: workshop.place.clone(),
            date: workshop.starts_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            time: workshop.starts_at.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
            state: workshop.state.as_str().to_owned(),
            facilitators: facilitators.iter().map(|(id, _)| id.to_string()).collect(),
        }
    }
}

struct CheckedForm {
    theme_id: Id,
    phase: WorkshopPhase,
    place: String,
    starts_at: Option<NaiveDateTime>,
    state: WorkshopState,
    facilitators: Vec<Id>,
}

fn check_form(conn: &mut DbConnection, consultation: Id, form: &WorkshopForm) -> CoreResult<CheckedForm> {
    let mut errors = ValidationErrors::default();
    let themes = themes_of(conn, consultation)?;
    let theme = themes.iter().find(|t| t.position.to_string() == form.theme.trim());
    if theme.is_none() {
        errors.add("theme", "Choisissez le thème de l'atelier.");
    }
    let phase = WorkshopPhase::parse(form.phase.trim());
    if phase.is_none() {
        errors.add("phase", "Choisissez la phase : atelier de lancement ou atelier de la conférence.");
    }
    let place = form.place.trim().to_owned();
    if place.chars().count() > MAX_PLACE_CHARS || place.chars().any(char::is_control) {
        errors.add("place", format!("Le lieu compte au plus {MAX_PLACE_CHARS} caractères, sur une ligne."));
    }
    let date = form.date.trim();
    let time = form.time.trim();
    let starts_at = match (date, time) {
        ("", "") => None,
        ("", _) => {
            errors.add("date", "Indiquez la date de l'atelier, ou effacez l'heure.");
            None
        }
        (date, time) => match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Err(_) => {
                errors.add("date", "La date s'écrit AAAA-MM-JJ, par exemple 2016-06-28.");
                None
            }
            Ok(day) if time.is_empty() => day.and_hms_opt(0, 0, 0),
            Ok(day) => match NaiveTime::parse_from_str(time, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M:%S"))
            {
                Ok(t) => Some(day.and_time(t)),
                Err(_) => {
                    errors.add("time", "L'heure s'écrit HH:MM, par exemple 14:30.");
                    None
                }
            },
        },
    };
    let state = WorkshopState::parse(form.state.trim());
    if state.is_none() {
        errors.add("state", "Choisissez l'état de l'atelier : prévu, ouvert ou clos.");
    }
    let choices = facilitator_accounts(conn)?;
    let mut facilitators = Vec::new();
    for raw in form.facilitators.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        match raw.parse::<Id>().ok().filter(|id| choices.iter().any(|a| a.id == *id)) {
            Some(id) if !facilitators.contains(&id) => facilitators.push(id),
            Some(_) => {}
            None => {
                errors.add("facilitators", "Choisissez les animateurs parmi les comptes d'animateurs actifs.");
                break;
            }
        }
    }
    if facilitators.len() > MAX_FACILITATORS {
        errors.add("facilitators", format!("Un atelier a au plus {MAX_FACILITATORS} animateurs."));
    }
    errors.into_result()?;
    Ok(CheckedForm {
        theme_id: theme.map(|t| t.id).unwrap_or_default(),
        phase: phase.unwrap_or(WorkshopPhase::Launch),
        place,
        starts_at,
        state: state.unwrap_or(WorkshopState::Planned),
        facilitators,
    })
}

fn facilitator_ids(conn: &mut DbConnection, workshop: Id) -> CoreResult<Vec<Id>> {
    Ok(workshop_facilitators::table
        .filter(workshop_facilitators::workshop_id.eq(workshop))
        .select(workshop_facilitators::account_id)
        .load(conn)?)
}

fn set_facilitators(conn: &mut DbConnection, workshop: Id, people: &[Id]) -> CoreResult<()> {
    diesel::delete(workshop_facilitators::table.filter(workshop_facilitators::workshop_id.eq(workshop)))
        .execute(conn)?;
    for account in people {
        diesel::insert_into(workshop_facilitators::table)
            .values((workshop_facilitators::workshop_id.eq(workshop), workshop_facilitators::account_id.eq(*account)))
            .execute(conn)?;
    }
    Ok(())
}

fn described(w: &Workshop, facilitators: &[Id]) -> serde_json::Value {
    serde_json::json!({
        "theme_id": w.theme_id.to_string(),
        "phase": w.phase.as_str(),
        "place": w.place,
        "starts_at": w.starts_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
        "state": w.state.as_str(),
        "facilitators": facilitators.iter().map(Id::to_string).collect::<Vec<_>>(),
    })
}

/// Creates a workshop from the staff form, with its facilitators; audited
/// (`workshop.create`). Each refused field has its French message.
pub fn create_workshop(
    conn: &mut DbConnection,
    consultation: Id,
    form: &WorkshopForm,
    actor: Id,
) -> CoreResult<Workshop> {
    insert_workshop(conn, consultation, form, Some(actor))
}

/// Creates a workshop from the form; audited when someone asked (not an import's, whose
/// consultation is new).
pub(crate) fn insert_workshop(
    conn: &mut DbConnection,
    consultation: Id,
    form: &WorkshopForm,
    actor: Option<Id>,
) -> CoreResult<Workshop> {
    write_transaction(conn, |conn| {
        let checked = check_form(conn, consultation, form)?;
        let at = now();
        let workshop = Workshop {
            id: Id::new(),
            consultation_id: consultation,
            theme_id: checked.theme_id,
            phase: checked.phase,
            place: checked.place,
            starts_at: checked.starts_at,
            state: checked.state,
            headcount: None,
            organisations_present: String::new(),
            report: String::new(),
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(workshops::table).values(workshop.clone()).execute(conn)?;
        set_facilitators(conn, workshop.id, &checked.facilitators)?;
        if actor.is_some() {
            record(
                conn,
                AuditEvent::new(actor, "workshop.create", "workshop", Some(workshop.id.to_string()))
                    .with_details(described(&workshop, &checked.facilitators)),
            )?;
        }
        Ok(workshop)
    })
}

/// Changes a workshop from the staff form (theme, phase, place, time, state, facilitators);
/// audited with what it was (`workshop.update`). The theme or phase of a workshop that has
/// entries cannot change: its contributions were recorded under them.
pub fn update_workshop(conn: &mut DbConnection, id: Id, form: &WorkshopForm, actor: Id) -> CoreResult<Workshop> {
    write_transaction(conn, |conn| {
        let before = find_workshop(conn, id)?.ok_or_else(|| CoreError::NotFound("atelier".into()))?;
        let checked = check_form(conn, before.consultation_id, form)?;
        let entries: i64 =
            workshop_entries::table.filter(workshop_entries::workshop_id.eq(id)).count().get_result(conn)?;
        if entries > 0 && (checked.theme_id != before.theme_id || checked.phase != before.phase) {
            let mut errors = ValidationErrors::default();
            errors.add(
                "theme",
                "Cet atelier a déjà des entrées, enregistrées sous son thème et sa phase : ils ne peuvent plus changer. Créez un autre atelier.",
            );
            return Err(CoreError::Validation(errors));
        }
        let old_people = facilitator_ids(conn, id)?;
        let after = Workshop {
            theme_id: checked.theme_id,
            phase: checked.phase,
            place: checked.place,
            starts_at: checked.starts_at,
            state: checked.state,
            updated_at: now(),
            ..before.clone()
        };
        diesel::update(workshops::table.find(id))
            .set((
                workshops::theme_id.eq(after.theme_id),
                workshops::phase.eq(after.phase),
                workshops::place.eq(&after.place),
                workshops::starts_at.eq(after.starts_at),
                workshops::state.eq(after.state),
                workshops::updated_at.eq(after.updated_at),
            ))
            .execute(conn)?;
        set_facilitators(conn, id, &checked.facilitators)?;
        record(
            conn,
            AuditEvent::new(Some(actor), "workshop.update", "workshop", Some(id.to_string())).with_details(
                serde_json::json!({
                    "before": described(&before, &old_people),
                    "after": described(&after, &checked.facilitators),
                }),
            ),
        )?;
        Ok(after)
    })
}

/// The states a workshop in `state` may move to when `who` asks: the buttons its page offers,
/// and the rule [`set_state`] keeps (staff may also set any state by hand).
pub fn next_states(state: WorkshopState, who: &Account) -> Vec<WorkshopState> {
    match state {
        WorkshopState::Planned => vec![WorkshopState::Open],
        WorkshopState::Open => vec![WorkshopState::Closed],
        WorkshopState::Closed if is_staff(who) => vec![WorkshopState::Open],
        WorkshopState::Closed => Vec::new(),
    }
}

/// Opens or closes a workshop. A facilitator of it may open a planned workshop and close an
/// open one; staff may set any state (reopen a closed one). Audited (`workshop.state`).
pub fn set_state(
    conn: &mut DbConnection,
    id: Id,
    who: &Account,
    state: WorkshopState,
) -> Result<Workshop, WorkshopError> {
    write_transaction(conn, |conn| {
        let before = workshop_for(conn, id, who)?;
        if before.state == state {
            return Ok(before);
        }
        let allowed = is_staff(who) || next_states(before.state, who).contains(&state);
        if !allowed {
            return Err(WorkshopError::State(
                "Un atelier clos ne peut être rouvert que par l'équipe Région / État.".into(),
            ));
        }
        let at = now();
        diesel::update(workshops::table.find(id))
            .set((workshops::state.eq(state), workshops::updated_at.eq(at)))
            .execute(conn)?;
        record(
            conn,
            AuditEvent::new(Some(who.id), "workshop.state", "workshop", Some(id.to_string()))
                .with_details(serde_json::json!({ "from": before.state.as_str(), "to": state.as_str() })),
        )?;
        Ok(Workshop { state, updated_at: at, ..before })
    })
}

/// The attendance and report form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AttendanceForm {
    /// How many people, as typed.
    pub headcount: String,
    /// The organisations present, one per line.
    pub organisations: String,
    /// The short report.
    pub report: String,
}

impl AttendanceForm {
    /// The form filled with a stored workshop.
    pub fn of(workshop: &Workshop) -> Self {
        AttendanceForm {
            headcount: workshop.headcount.map(|n| n.to_string()).unwrap_or_default(),
            organisations: workshop.organisations_present.clone(),
            report: workshop.report.clone(),
        }
    }
}

/// Records a workshop's attendance (headcount, organisations present) and its report, by one
/// of its facilitators or staff, in any state (a report is often written after closing).
/// Audited with the previous values (`workshop.attendance`).
pub fn record_attendance(
    conn: &mut DbConnection,
    id: Id,
    who: &Account,
    form: &AttendanceForm,
) -> Result<Workshop, WorkshopError> {
    let mut errors = ValidationErrors::default();
    let headcount = match form.headcount.trim() {
        "" => None,
        raw => match raw.parse::<i32>() {
            Ok(n) if (0..=MAX_HEADCOUNT).contains(&n) => Some(n),
            _ => {
                errors.add("headcount", format!("Indiquez un nombre de participants entre 0 et {MAX_HEADCOUNT}."));
                None
            }
        },
    };
    let organisations = organisation_lines(&form.organisations.replace('\r', "\n"));
    if organisations.len() > MAX_ORGANISATIONS {
        errors.add("organisations", format!("Listez au plus {MAX_ORGANISATIONS} organisations."));
    } else if let Some(long) = organisations.iter().find(|o| o.chars().count() > MAX_ORGANISATION_CHARS) {
        errors.add(
            "organisations",
            format!(
                "Chaque organisation compte au plus {MAX_ORGANISATION_CHARS} caractères (« {}… »).",
                long.chars().take(30).collect::<String>()
            ),
        );
    }
    let report: String = form
        .report
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim()
        .to_owned();
    let report_chars = report.chars().count();
    if report_chars > MAX_REPORT_CHARS {
        errors.add("report", format!("Le compte rendu compte {report_chars} caractères, {MAX_REPORT_CHARS} au plus."));
    }
    write_transaction(conn, |conn| {
        let before = workshop_for(conn, id, who)?;
        errors.into_result()?;
        let organisations_present = organisations.join("\n");
        let at = now();
        diesel::update(workshops::table.find(id))
            .set((
                workshops::headcount.eq(headcount),
                workshops::organisations_present.eq(&organisations_present),
                workshops::report.eq(&report),
                workshops::updated_at.eq(at),
            ))
            .execute(conn)?;
        record(
            conn,
            AuditEvent::new(Some(who.id), "workshop.attendance", "workshop", Some(id.to_string())).with_details(
                serde_json::json!({
                    "old_headcount": before.headcount,
                    "old_organisations": before.organisations(),
                    "old_report": before.report,
                    "headcount": headcount,
                    "organisations": organisations,
                }),
            ),
        )?;
        Ok(Workshop { headcount, organisations_present, report, updated_at: at, ..before })
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use essaim_core::domain::account::{create_account, NewAccount};
    use essaim_core::domain::audit::history_of;
    use essaim_core::domain::find_account;
    use essaim_core::testing::{demo, demo_account, TestDb};

    pub(crate) fn account(conn: &mut DbConnection, role: &str) -> Account {
        let id = demo_account(conn, role);
        find_account(conn, id).unwrap().unwrap()
    }

    pub(crate) fn other_facilitator(conn: &mut DbConnection) -> Account {
        let input = NewAccount {
            email: "autre.animateur@example.fr".into(),
            display_name: "Autre Animateur".into(),
            role: "facilitator".into(),
            password: "un mot de passe assez long".into(),
        };
        create_account(conn, &input, None).unwrap()
    }

    fn form(theme: &str, facilitators: Vec<String>) -> WorkshopForm {
        WorkshopForm {
            theme: theme.into(),
            phase: "launch".into(),
            place: "Nantes, salle 2".into(),
            date: "2016-04-12".into(),
            time: "14:00".into(),
            state: "planned".into(),
            facilitators,
        }
    }

    #[test]
    fn staff_create_a_workshop_and_a_facilitator_sees_only_their_own() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        let fatou = account(&mut conn, "facilitator");
        let other = other_facilitator(&mut conn);
        let mine = create_workshop(&mut conn, consultation, &form("1", vec![fatou.id.to_string()]), staff.id).unwrap();
        let theirs =
            create_workshop(&mut conn, consultation, &form("2", vec![other.id.to_string()]), staff.id).unwrap();
        assert_eq!(mine.starts_at.unwrap().format("%Y-%m-%d %H:%M").to_string(), "2016-04-12 14:00");

        let seen: Vec<Id> = workshops_for(&mut conn, &fatou).unwrap().iter().map(|s| s.workshop.id).collect();
        assert_eq!(seen, [mine.id]);
        assert_eq!(workshops_for(&mut conn, &staff).unwrap().len(), 2);
        assert!(workshop_for(&mut conn, mine.id, &fatou).is_ok());
        assert!(matches!(workshop_for(&mut conn, theirs.id, &fatou), Err(WorkshopError::Forbidden)));
        assert!(matches!(workshop_for(&mut conn, Id::new(), &fatou), Err(WorkshopError::NotFound)));
        let refused = record_attendance(&mut conn, theirs.id, &fatou, &AttendanceForm::default());
        assert!(matches!(refused, Err(WorkshopError::Forbidden)));
        assert_eq!(history_of(&mut conn, "workshop", &mine.id.to_string()).unwrap()[0].action, "workshop.create");
    }

    #[test]
    fn the_form_says_what_is_wrong_field_by_field() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        let bad = WorkshopForm {
            theme: "9".into(),
            phase: "pleniere".into(),
            place: "x".repeat(MAX_PLACE_CHARS + 1),
            date: "28/06/2016".into(),
            time: "".into(),
            state: "fini".into(),
            facilitators: vec![staff.id.to_string()],
        };
        let Err(CoreError::Validation(errors)) = create_workshop(&mut conn, consultation, &bad, staff.id) else {
            panic!("refused")
        };
        for field in ["theme", "phase", "place", "date", "state", "facilitators"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert!(workshops_of(&mut conn, consultation).unwrap().is_empty());
    }

    #[test]
    fn a_facilitator_opens_and_closes_and_only_staff_reopen() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        let fatou = account(&mut conn, "facilitator");
        let w = create_workshop(&mut conn, consultation, &form("3", vec![fatou.id.to_string()]), staff.id).unwrap();
        // What the page offers is what the rule allows.
        assert_eq!(next_states(WorkshopState::Planned, &fatou), [WorkshopState::Open]);
        assert_eq!(next_states(WorkshopState::Closed, &fatou), []);
        assert_eq!(next_states(WorkshopState::Closed, &staff), [WorkshopState::Open]);
        assert_eq!(set_state(&mut conn, w.id, &fatou, WorkshopState::Open).unwrap().state, WorkshopState::Open);
        assert_eq!(set_state(&mut conn, w.id, &fatou, WorkshopState::Closed).unwrap().state, WorkshopState::Closed);
        assert!(matches!(set_state(&mut conn, w.id, &fatou, WorkshopState::Open), Err(WorkshopError::State(_))));
        assert_eq!(set_state(&mut conn, w.id, &staff, WorkshopState::Open).unwrap().state, WorkshopState::Open);
    }

    #[test]
    fn attendance_is_checked_and_audited_with_the_old_values() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        let fatou = account(&mut conn, "facilitator");
        let w = create_workshop(&mut conn, consultation, &form("4", vec![fatou.id.to_string()]), staff.id).unwrap();
        let bad = AttendanceForm {
            headcount: "-3".into(),
            organisations: String::new(),
            report: "é".repeat(MAX_REPORT_CHARS + 1),
        };
        let Err(WorkshopError::Core(CoreError::Validation(errors))) = record_attendance(&mut conn, w.id, &fatou, &bad)
        else {
            panic!("refused")
        };
        assert!(errors.get("headcount").is_some() && errors.get("report").is_some());
        let good = AttendanceForm {
            headcount: "23".into(),
            organisations: "Les Ecossolies\r\n\r\n  CRESS Pays de la Loire  \n".into(),
            report: "Un atelier vivant.".into(),
        };
        let saved = record_attendance(&mut conn, w.id, &fatou, &good).unwrap();
        assert_eq!(saved.headcount, Some(23));
        assert_eq!(saved.organisations(), ["Les Ecossolies", "CRESS Pays de la Loire"]);
        let stored = find_workshop(&mut conn, w.id).unwrap().unwrap();
        assert_eq!(stored.report, "Un atelier vivant.");
        let history = history_of(&mut conn, "workshop", &w.id.to_string()).unwrap();
        assert_eq!(history[0].action, "workshop.attendance");
        assert!(history[0].details.contains("\"old_headcount\":null"));
    }
}
