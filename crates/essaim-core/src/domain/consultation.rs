//! A consultation (one edition of the strategy process), its phases, themes and territories.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConnection, Id};
use crate::domain::vocab::{ConsultationState, LegalFamily, PhaseKind, TerritoryKind};
use crate::error::{CoreError, CoreResult};
use crate::schema::{
    consultation_legal_families, consultation_territories, consultations, phases, territories, themes,
};

/// One edition of the strategy process.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    /// Identifier.
    pub id: Id,
    /// Short name used in addresses, e.g. `ess-pays-de-la-loire-2016`.
    pub slug: String,
    /// Full title.
    pub title: String,
    /// The Région running it.
    pub region: String,
    /// A short presentation.
    pub description: String,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Date after which personal data must be erased (GDPR).
    pub retention_until: Option<NaiveDate>,
    /// When it was created (UTC).
    pub created_at: NaiveDateTime,
    /// Who runs it, as shown to people, e.g. « Région Bretagne et État ».
    pub organisers: String,
    /// Draft, open, closed or archived.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: ConsultationState,
    /// The IANA time zone its dates and times are shown in.
    pub time_zone: String,
}

impl Consultation {
    /// An instant stored in UTC as the clocks of the consultation read it (its time zone,
    /// Europe/Paris unless it names another).
    pub fn local(&self, at: NaiveDateTime) -> NaiveDateTime {
        let zone: chrono_tz::Tz = self.time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
        at.and_utc().with_timezone(&zone).naive_local()
    }
}

/// A phase of a consultation.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = phases)]
pub struct Phase {
    /// Identifier.
    pub id: Id,
    /// The consultation.
    pub consultation_id: Id,
    /// Order within the consultation, from 1.
    pub position: i32,
    /// Which phase.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: PhaseKind,
    /// Title shown to people.
    pub title: String,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Where it takes place.
    pub location: Option<String>,
}

impl Phase {
    /// Whether `day` falls within the phase (a phase with no dates is never current; one with
    /// a single date lasts that day).
    pub fn covers(&self, day: NaiveDate) -> bool {
        match (self.starts_on, self.ends_on) {
            (Some(start), Some(end)) => start <= day && day <= end,
            (Some(only), None) | (None, Some(only)) => only == day,
            (None, None) => false,
        }
    }
}

impl Consultation {
    /// Whether it takes new contributions: open, or a draft its staff are trying out
    /// ([`ensure_accepting`] refuses the others).
    pub fn accepts_contributions(&self) -> bool {
        matches!(self.state, ConsultationState::Open | ConsultationState::Draft)
    }

    /// Today, on the consultation's clocks.
    pub fn today(&self) -> NaiveDate {
        self.local(crate::clock::now()).date()
    }
}

/// One of the themes forming the *socle* of the strategy.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = themes)]
pub struct Theme {
    /// Identifier.
    pub id: Id,
    /// The consultation.
    pub consultation_id: Id,
    /// Order, from 1.
    pub position: i32,
    /// Exact wording.
    pub title: String,
    /// A short presentation.
    pub description: String,
}

/// A territory (a département, usually).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = territories)]
pub struct Territory {
    /// Identifier.
    pub id: Id,
    /// Official code, e.g. `44`.
    pub code: String,
    /// Name, e.g. `Loire-Atlantique`.
    pub name: String,
    /// Kind of territory.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: TerritoryKind,
}

/// Every consultation, most recent first.
pub fn list_consultations(conn: &mut DbConnection) -> CoreResult<Vec<Consultation>> {
    Ok(consultations::table
        .order((consultations::starts_on.desc(), consultations::title.asc()))
        .select(Consultation::as_select())
        .load(conn)?)
}

/// The consultations the public sees, open ones first, then the past ones (closed,
/// archived), each group most recent first. A draft is seen by its staff only.
pub fn public_consultations(conn: &mut DbConnection) -> CoreResult<Vec<Consultation>> {
    let mut listed = list_consultations(conn)?;
    listed.retain(|c| c.state != ConsultationState::Draft);
    // Stable: the date order stays within each group.
    listed.sort_by_key(|c| c.state != ConsultationState::Open);
    Ok(listed)
}

/// One consultation by its slug, as a visitor may see it: a draft is not found unless
/// `staff` (signed in) asks.
pub fn find_visible_consultation(conn: &mut DbConnection, slug: &str, staff: bool) -> CoreResult<Consultation> {
    let consultation = find_consultation(conn, slug)?;
    if consultation.state == ConsultationState::Draft && !staff {
        return Err(CoreError::NotFound(format!("consultation « {slug} »")));
    }
    Ok(consultation)
}

/// Proof that a consultation took contributions when [`ensure_accepting`] read it: what
/// `record_bulk` asks for, so a bulk write cannot skip the check, and a caller on a hot path
/// (the questionnaire API's group commit) makes it before the write, off the committing thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepting(Id);

impl Accepting {
    /// The consultation checked.
    pub fn consultation(&self) -> Id {
        self.0
    }
}

/// Refuses a new contribution to a consultation that is closed or archived, with the French
/// message people read; a draft (staff trying its forms) and an open one take them. One read
/// of the consultation's row, every time: a consultation closed by one server process is
/// closed for all at once.
pub fn ensure_accepting(conn: &mut DbConnection, consultation: Id) -> CoreResult<Accepting> {
    let (title, state): (String, String) =
        consultations::table.find(consultation).select((consultations::title, consultations::state)).first(conn)?;
    match ConsultationState::parse(&state) {
        Some(ConsultationState::Closed) => Err(CoreError::Closed(format!(
            "La consultation « {title} » est close : elle ne reçoit plus de contributions. Merci de votre intérêt."
        ))),
        Some(ConsultationState::Archived) => Err(CoreError::Closed(format!(
            "La consultation « {title} » est archivée : on peut la lire, plus y contribuer."
        ))),
        _ => Ok(Accepting(consultation)),
    }
}

/// Moves a consultation to another state (docs/consultation-json.md) along
/// [`ConsultationState::next_states`]: a draft opens, an open one closes, either is archived,
/// and an archived one stays so. Audited (`consultation.state`).
pub fn set_state(
    conn: &mut DbConnection,
    consultation: Id,
    state: ConsultationState,
    actor: Option<Id>,
) -> CoreResult<Consultation> {
    crate::db::write_transaction(conn, |conn| {
        let before = find_consultation_by_id(conn, consultation)?;
        if before.state == ConsultationState::Archived && state != ConsultationState::Archived {
            return Err(CoreError::Conflict(format!(
                "la consultation « {} » est archivée : elle ne se rouvre pas (préparez la suivante à partir de son paramétrage)",
                before.title
            )));
        }
        if before.state != state && !before.state.next_states().contains(&state) {
            return Err(CoreError::Conflict(format!(
                "la consultation « {} » est « {} » : elle ne passe pas à « {} »",
                before.title,
                before.state.label(),
                state.label()
            )));
        }
        diesel::update(consultations::table.find(consultation)).set(consultations::state.eq(state)).execute(conn)?;
        // The retention of personal data counts from the closing (docs/personal-data.md).
        match (before.state, state) {
            (
                ConsultationState::Draft | ConsultationState::Open,
                ConsultationState::Closed | ConsultationState::Archived,
            ) => {
                diesel::update(consultations::table.find(consultation))
                    .set(consultations::closed_at.eq(crate::clock::now()))
                    .execute(conn)?;
            }
            (_, ConsultationState::Open) => {
                diesel::update(consultations::table.find(consultation))
                    .set(consultations::closed_at.eq(None::<chrono::NaiveDateTime>))
                    .execute(conn)?;
            }
            _ => {}
        }
        crate::domain::audit::record(
            conn,
            crate::domain::audit::AuditEvent::new(
                actor,
                "consultation.state",
                "consultation",
                Some(consultation.to_string()),
            )
            .with_details(serde_json::json!({ "before": before.state.as_str(), "after": state.as_str() })),
        )?;
        Ok(Consultation { state, ..before })
    })
}

/// One consultation by its slug.
pub fn find_consultation(conn: &mut DbConnection, slug: &str) -> CoreResult<Consultation> {
    consultations::table
        .filter(consultations::slug.eq(slug))
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound(format!("consultation « {slug} »")))
}

/// One consultation by its id.
pub fn find_consultation_by_id(conn: &mut DbConnection, id: Id) -> CoreResult<Consultation> {
    consultations::table
        .find(id)
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("consultation".into()))
}

/// The themes of a consultation, in order.
pub fn themes_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Theme>> {
    Ok(themes::table
        .filter(themes::consultation_id.eq(consultation))
        .order(themes::position.asc())
        .select(Theme::as_select())
        .load(conn)?)
}

/// The legal families a consultation's forms offer, in their order.
pub fn legal_families_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<LegalFamily>> {
    let codes: Vec<String> = consultation_legal_families::table
        .filter(consultation_legal_families::consultation_id.eq(consultation))
        .order(consultation_legal_families::position.asc())
        .select(consultation_legal_families::legal_family)
        .load(conn)?;
    Ok(codes.iter().filter_map(|c| LegalFamily::parse(c)).collect())
}

/// A consultation's themes, territories and legal families: what its forms offer and check.
#[derive(Debug)]
pub struct ConsultationFrame {
    /// The themes, in order.
    pub themes: Vec<Theme>,
    /// The territories, by code.
    pub territories: Vec<Territory>,
    /// The legal families offered, in order.
    pub legal_families: Vec<LegalFamily>,
}

/// The frame of a consultation, kept by each process while its set-up version stays the same:
/// a questionnaire submission needs it, and one read of a single column instead of three
/// queries counts under load (docs/benchmarks.md). Every edit of the set-up
/// ([`crate::domain::setup::edit`]) raises the version in its transaction, so a frame edited
/// by one process is read again by all of them. An unknown consultation gets an empty frame,
/// never kept.
pub fn frame_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<std::sync::Arc<ConsultationFrame>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Kept = HashMap<Id, (i32, Arc<ConsultationFrame>)>;
    static FRAMES: OnceLock<Mutex<Kept>> = OnceLock::new();
    let frames = FRAMES.get_or_init(|| Mutex::new(HashMap::new()));
    let version: Option<i32> =
        consultations::table.find(consultation).select(consultations::setup_version).first(conn).optional()?;
    if let Some(version) = version {
        let kept = frames.lock().ok().and_then(|f| f.get(&consultation).cloned());
        if let Some((kept_version, frame)) = kept {
            if kept_version == version {
                return Ok(frame);
            }
        }
    }
    let frame = Arc::new(ConsultationFrame {
        themes: themes_of(conn, consultation)?,
        territories: territories_of(conn, consultation)?,
        legal_families: legal_families_of(conn, consultation)?,
    });
    if let Some(version) = version {
        if let Ok(mut f) = frames.lock() {
            f.insert(consultation, (version, frame.clone()));
        }
    }
    Ok(frame)
}

/// Raises the set-up version of a consultation, inside the transaction that edits its frame.
pub fn touch_setup(conn: &mut DbConnection, consultation: Id) -> CoreResult<()> {
    diesel::update(consultations::table.find(consultation))
        .set(consultations::setup_version.eq(consultations::setup_version + 1))
        .execute(conn)?;
    Ok(())
}

/// The phases of a consultation, in order.
pub fn phases_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Phase>> {
    Ok(phases::table
        .filter(phases::consultation_id.eq(consultation))
        .order(phases::position.asc())
        .select(Phase::as_select())
        .load(conn)?)
}

/// The territories of a consultation, by code.
pub fn territories_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Territory>> {
    Ok(territories::table
        .inner_join(consultation_territories::table)
        .filter(consultation_territories::consultation_id.eq(consultation))
        .order(territories::code.asc())
        .select(Territory::as_select())
        .load(conn)?)
}

/// A consultation to create, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewConsultation {
    /// Short name used in addresses.
    pub slug: String,
    /// Full title.
    pub title: String,
    /// The Région running it.
    pub region: String,
    /// A short presentation.
    pub description: String,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Date after which personal data must be erased.
    pub retention_until: Option<NaiveDate>,
    /// Who runs it, as shown to people.
    pub organisers: String,
    /// Where it stands (open unless said).
    pub state: ConsultationState,
    /// The IANA time zone; Europe/Paris when empty.
    pub time_zone: String,
    /// The legal families its forms offer; every one when empty.
    pub legal_families: Vec<LegalFamily>,
}

/// The time zone of a consultation that names none.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Paris";

/// Longest theme title, in characters.
pub const MAX_THEME_TITLE_CHARS: usize = 300;

/// Creates a consultation and its themes, in this order, in one transaction (a savepoint
/// inside the caller's). A slug already taken is a conflict; bad fields are named.
pub fn create_consultation(
    conn: &mut DbConnection,
    input: &NewConsultation,
    theme_titles: &[String],
) -> CoreResult<(Consultation, Vec<Theme>)> {
    let mut errors = crate::error::ValidationErrors::default();
    let slug = input.slug.trim();
    if let Err(message) = validate_slug(slug) {
        errors.add("slug", message);
    }
    let title = crate::validation::required_text(&input.title, "le titre de la consultation", 300)
        .map_err(|m| errors.add("title", m))
        .ok();
    let mut seen = std::collections::HashSet::new();
    for theme in theme_titles {
        let trimmed = theme.trim();
        if trimmed.is_empty() || trimmed.chars().count() > MAX_THEME_TITLE_CHARS {
            errors.add("themes", format!("Chaque thème a un intitulé de 1 à {MAX_THEME_TITLE_CHARS} caractères."));
            break;
        }
        if !seen.insert(trimmed.to_lowercase()) {
            errors.add("themes", format!("Le thème « {trimmed} » est donné deux fois."));
            break;
        }
    }
    errors.into_result()?;
    crate::db::write_transaction(conn, |conn| {
        let taken: i64 = consultations::table.filter(consultations::slug.eq(slug)).count().get_result(conn)?;
        if taken > 0 {
            return Err(CoreError::Conflict(format!("la consultation « {slug} » existe déjà")));
        }
        let consultation = Consultation {
            id: Id::new(),
            slug: slug.to_owned(),
            title: title.clone().unwrap_or_default(),
            region: input.region.trim().to_owned(),
            description: input.description.trim().to_owned(),
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            retention_until: input.retention_until,
            created_at: crate::clock::now(),
            organisers: input.organisers.trim().to_owned(),
            state: input.state,
            time_zone: match input.time_zone.trim() {
                "" => DEFAULT_TIME_ZONE.to_owned(),
                zone => zone.to_owned(),
            },
        };
        diesel::insert_into(consultations::table).values(consultation.clone()).execute(conn)?;
        let families = if input.legal_families.is_empty() { LegalFamily::ALL } else { &input.legal_families[..] };
        for (index, family) in families.iter().enumerate() {
            diesel::insert_into(consultation_legal_families::table)
                .values((
                    consultation_legal_families::consultation_id.eq(consultation.id),
                    consultation_legal_families::legal_family.eq(*family),
                    consultation_legal_families::position.eq(index as i32 + 1),
                ))
                .execute(conn)?;
        }
        let mut themes = Vec::with_capacity(theme_titles.len());
        for (index, name) in theme_titles.iter().enumerate() {
            let theme = Theme {
                id: Id::new(),
                consultation_id: consultation.id,
                position: index as i32 + 1,
                title: name.trim().to_owned(),
                description: String::new(),
            };
            diesel::insert_into(themes::table).values(&theme).execute(conn)?;
            themes.push(theme);
        }
        Ok((consultation, themes))
    })
}

/// Adds a theme after a consultation's others, as [`create_consultation`] makes them: for an
/// import that meets the themes of a new consultation as it reads its file.
pub fn append_theme(conn: &mut DbConnection, consultation: Id, title: &str) -> CoreResult<Theme> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_THEME_TITLE_CHARS {
        let mut errors = crate::error::ValidationErrors::default();
        errors.add("themes", format!("Chaque thème a un intitulé de 1 à {MAX_THEME_TITLE_CHARS} caractères."));
        return Err(CoreError::Validation(errors));
    }
    let last: Option<i32> = themes::table
        .filter(themes::consultation_id.eq(consultation))
        .select(diesel::dsl::max(themes::position))
        .first(conn)?;
    let theme = Theme {
        id: Id::new(),
        consultation_id: consultation,
        position: last.unwrap_or(0) + 1,
        title: title.to_owned(),
        description: String::new(),
    };
    diesel::insert_into(themes::table).values(&theme).execute(conn)?;
    Ok(theme)
}

/// Checks a slug: lowercase letters, digits and dashes, 3 to 80 characters.
pub fn validate_slug(slug: &str) -> Result<(), String> {
    let ok_chars = slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !(3..=80).contains(&slug.len()) || !ok_chars || slug.starts_with('-') || slug.ends_with('-') {
        return Err(
            "L'identifiant court doit faire de 3 à 80 caractères : lettres minuscules sans accent, chiffres et tirets."
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate_slug;

    #[test]
    fn instants_read_in_the_consultation_s_time_zone() {
        let db = crate::testing::TestDb::new();
        let mut conn = db.conn();
        crate::testing::demo(&mut conn);
        let mut consultation = super::find_consultation(&mut conn, crate::demo::DEMO_SLUG).unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2016, 6, 28).unwrap().and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(consultation.local(at).format("%H:%M").to_string(), "14:00", "Paris in summer");
        consultation.time_zone = "Indian/Reunion".into();
        assert_eq!(consultation.local(at).format("%H:%M").to_string(), "16:00");
    }

    #[test]
    fn slugs_are_address_safe() {
        assert!(validate_slug("ess-pays-de-la-loire-2016").is_ok());
        assert!(validate_slug("ES").is_err());
        assert!(validate_slug("été-2016").is_err());
        assert!(validate_slug("-abc").is_err());
        assert!(validate_slug("a/b/c").is_err());
    }

    #[test]
    fn the_frame_is_read_once_and_an_unknown_consultation_is_not_kept() {
        use super::{frame_of, territories_of, themes_of};
        let db = crate::testing::TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = crate::testing::demo(&mut conn);
        let first = frame_of(&mut conn, consultation).unwrap();
        assert_eq!(first.themes, themes);
        assert_eq!(first.territories, territories_of(&mut conn, consultation).unwrap());
        assert!(!first.territories.is_empty());
        assert!(std::sync::Arc::ptr_eq(&first, &frame_of(&mut conn, consultation).unwrap()), "kept");
        let unknown = crate::db::Id::new();
        let empty = frame_of(&mut conn, unknown).unwrap();
        assert!(empty.themes.is_empty() && themes_of(&mut conn, unknown).unwrap().is_empty());
        assert!(!std::sync::Arc::ptr_eq(&empty, &frame_of(&mut conn, unknown).unwrap()), "read again");
        // An edit raises the version: every process reads the frame again.
        super::touch_setup(&mut conn, consultation).unwrap();
        let edited = frame_of(&mut conn, consultation).unwrap();
        assert!(!std::sync::Arc::ptr_eq(&first, &edited), "read again after an edit");
        assert!(std::sync::Arc::ptr_eq(&edited, &frame_of(&mut conn, consultation).unwrap()), "then kept");
    }
}
