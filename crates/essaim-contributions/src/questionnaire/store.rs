//! The questionnaire of a consultation and its versions.
//!
//! Staff edit one unpublished version; publishing freezes it, and the next edit starts a new
//! version from it. A response keeps the version it answered, so an answer is always read
//! with the questions that were asked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::schema::{questionnaire_versions, questionnaires};
use essaim_core::{CoreError, CoreResult};

use super::definition::Definition;

essaim_core::text_enum! {
    /// Whether a questionnaire takes answers.
    QuestionnaireStatus {
        /// Not open yet: only staff see it (preview).
        Draft => ("draft", "En préparation"),
        /// Answers accepted.
        Open => ("open", "Ouvert"),
        /// Answers refused; drafts are kept.
        Closed => ("closed", "Clos"),
    }
}

/// A consultation's questionnaire.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = questionnaires)]
pub struct Questionnaire {
    /// Identifier.
    pub id: Id,
    /// Its consultation (one questionnaire each).
    pub consultation_id: Id,
    /// Whether it takes answers.
    #[diesel(deserialize_as = String)]
    pub status: QuestionnaireStatus,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// One version of a definition.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = questionnaire_versions)]
pub struct Version {
    /// Identifier.
    pub id: Id,
    /// Its questionnaire.
    pub questionnaire_id: Id,
    /// 1, 2, …
    pub number: i32,
    /// The definition, as JSON.
    pub definition: String,
    /// Who wrote it.
    pub created_by: Option<Id>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// When published (then frozen).
    pub published_at: Option<NaiveDateTime>,
}

impl Version {
    /// The definition, read back (it was checked when stored).
    pub fn parsed(&self) -> CoreResult<Definition> {
        Definition::from_json(&self.definition)
            .map_err(|e| CoreError::Internal(format!("version {} illisible : {e}", self.number)))
    }
}

/// The questionnaire of a consultation, if it has one.
pub fn questionnaire_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Option<Questionnaire>> {
    Ok(questionnaires::table
        .filter(questionnaires::consultation_id.eq(consultation))
        .select(Questionnaire::as_select())
        .first(conn)
        .optional()?)
}

/// The version answers are taken on: the last published one.
pub fn published_version(conn: &mut DbConnection, questionnaire: Id) -> CoreResult<Option<Version>> {
    Ok(questionnaire_versions::table
        .filter(questionnaire_versions::questionnaire_id.eq(questionnaire))
        .filter(questionnaire_versions::published_at.is_not_null())
        .order(questionnaire_versions::number.desc())
        .select(Version::as_select())
        .first(conn)
        .optional()?)
}

/// The last published version of `questionnaire` (its id) and its definition, parsed once per
/// process: a published version never changes, and every submission reads it. The version's
/// id is read each time (a newer version may be published), its definition — the largest
/// value the submission path reads, stored compressed — only the first time.
pub fn published_definition(conn: &mut DbConnection, questionnaire: Id) -> CoreResult<Option<(Id, Arc<Definition>)>> {
    static PUBLISHED: OnceLock<Mutex<HashMap<Id, Arc<Definition>>>> = OnceLock::new();
    let Some(id) = questionnaire_versions::table
        .filter(questionnaire_versions::questionnaire_id.eq(questionnaire))
        .filter(questionnaire_versions::published_at.is_not_null())
        .order(questionnaire_versions::number.desc())
        .select(questionnaire_versions::id)
        .first::<Id>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let cache = PUBLISHED.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(&id).cloned()) {
        return Ok(Some((id, found)));
    }
    let version: Version = questionnaire_versions::table.find(id).select(Version::as_select()).first(conn)?;
    let parsed = Arc::new(version.parsed()?);
    if let Ok(mut c) = cache.lock() {
        c.insert(id, parsed.clone());
    }
    Ok(Some((id, parsed)))
}

/// The version staff see when editing: the unpublished one, else the last published.
pub fn latest_version(conn: &mut DbConnection, questionnaire: Id) -> CoreResult<Option<Version>> {
    Ok(questionnaire_versions::table
        .filter(questionnaire_versions::questionnaire_id.eq(questionnaire))
        .order(questionnaire_versions::number.desc())
        .select(Version::as_select())
        .first(conn)
        .optional()?)
}

/// Every version of a questionnaire, the oldest first.
pub fn versions_of(conn: &mut DbConnection, questionnaire: Id) -> CoreResult<Vec<Version>> {
    Ok(questionnaire_versions::table
        .filter(questionnaire_versions::questionnaire_id.eq(questionnaire))
        .order(questionnaire_versions::number.asc())
        .select(Version::as_select())
        .load(conn)?)
}

/// A version by its identifier.
pub fn version(conn: &mut DbConnection, id: Id) -> CoreResult<Version> {
    questionnaire_versions::table
        .find(id)
        .select(Version::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("version du questionnaire".into()))
}

/// Stores a definition as the unpublished version of the consultation's questionnaire
/// (creating the questionnaire, or a new version after a published one). Checked first:
/// nothing is stored if it does not hold.
pub fn save_definition(
    conn: &mut DbConnection,
    consultation: Id,
    definition: &Definition,
    actor: Option<Id>,
) -> CoreResult<Version> {
    save_definition_with(conn, consultation, definition, actor, None)
}

/// [`save_definition`], with what was changed in the audit entry's details (the editor's
/// operation and the section or question it touched).
pub fn save_definition_with(
    conn: &mut DbConnection,
    consultation: Id,
    definition: &Definition,
    actor: Option<Id>,
    details: Option<serde_json::Value>,
) -> CoreResult<Version> {
    definition.check().map_err(|e| CoreError::invalid("definition", e.0))?;
    let json = serde_json::to_string(definition).map_err(|e| CoreError::Internal(e.to_string()))?;
    write_transaction(conn, |conn| {
        let at = now();
        let questionnaire = match questionnaire_of(conn, consultation)? {
            Some(q) => q.id,
            None => {
                let id = Id::new();
                diesel::insert_into(questionnaires::table)
                    .values((
                        questionnaires::id.eq(id),
                        questionnaires::consultation_id.eq(consultation),
                        questionnaires::status.eq(QuestionnaireStatus::Draft),
                        questionnaires::created_at.eq(at),
                        questionnaires::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                id
            }
        };
        let latest = latest_version(conn, questionnaire)?;
        let version = match latest {
            Some(v) if v.published_at.is_none() => {
                diesel::update(questionnaire_versions::table.find(v.id))
                    .set((
                        questionnaire_versions::definition.eq(&json),
                        questionnaire_versions::created_by.eq(actor),
                        questionnaire_versions::created_at.eq(at),
                    ))
                    .execute(conn)?;
                v.id
            }
            other => {
                let id = Id::new();
                diesel::insert_into(questionnaire_versions::table)
                    .values((
                        questionnaire_versions::id.eq(id),
                        questionnaire_versions::questionnaire_id.eq(questionnaire),
                        questionnaire_versions::number.eq(other.map_or(1, |v| v.number + 1)),
                        questionnaire_versions::definition.eq(&json),
                        questionnaire_versions::created_by.eq(actor),
                        questionnaire_versions::created_at.eq(at),
                    ))
                    .execute(conn)?;
                id
            }
        };
        diesel::update(questionnaires::table.find(questionnaire))
            .set(questionnaires::updated_at.eq(at))
            .execute(conn)?;
        let mut event = AuditEvent::new(actor, "questionnaire.edit", "questionnaire", Some(questionnaire.to_string()));
        if let Some(details) = details {
            event = event.with_details(details);
        }
        record(conn, event)?;
        self::version(conn, version)
    })
}

/// Publishes the unpublished version (it is frozen from now on) and opens the questionnaire
/// if it was in preparation.
pub fn publish(conn: &mut DbConnection, consultation: Id, actor: Option<Id>) -> CoreResult<Version> {
    write_transaction(conn, |conn| {
        let questionnaire =
            questionnaire_of(conn, consultation)?.ok_or_else(|| CoreError::NotFound("questionnaire".into()))?;
        let Some(draft) = latest_version(conn, questionnaire.id)?.filter(|v| v.published_at.is_none()) else {
            return Err(CoreError::Conflict(
                "aucune modification à publier : la dernière version est déjà publiée".into(),
            ));
        };
        let at = now();
        diesel::update(questionnaire_versions::table.find(draft.id))
            .set(questionnaire_versions::published_at.eq(at))
            .execute(conn)?;
        if questionnaire.status == QuestionnaireStatus::Draft {
            set_status_in(conn, questionnaire.id, QuestionnaireStatus::Open)?;
        }
        record(
            conn,
            AuditEvent::new(actor, "questionnaire.publish", "questionnaire", Some(questionnaire.id.to_string()))
                .with_details(serde_json::json!({ "version": draft.number })),
        )?;
        version(conn, draft.id)
    })
}

/// Opens or closes the questionnaire (closing keeps every draft).
pub fn set_status(
    conn: &mut DbConnection,
    consultation: Id,
    status: QuestionnaireStatus,
    actor: Option<Id>,
) -> CoreResult<()> {
    write_transaction(conn, |conn| {
        let questionnaire =
            questionnaire_of(conn, consultation)?.ok_or_else(|| CoreError::NotFound("questionnaire".into()))?;
        if status == QuestionnaireStatus::Open && published_version(conn, questionnaire.id)?.is_none() {
            return Err(CoreError::Conflict("publiez une version avant d'ouvrir le questionnaire".into()));
        }
        set_status_in(conn, questionnaire.id, status)?;
        record(
            conn,
            AuditEvent::new(actor, "questionnaire.status", "questionnaire", Some(questionnaire.id.to_string()))
                .with_details(serde_json::json!({ "status": status.as_str() })),
        )
    })
}

fn set_status_in(conn: &mut DbConnection, questionnaire: Id, status: QuestionnaireStatus) -> CoreResult<()> {
    diesel::update(questionnaires::table.find(questionnaire))
        .set((questionnaires::status.eq(status), questionnaires::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// A questionnaire by id.
pub fn find_questionnaire(conn: &mut DbConnection, id: Id) -> CoreResult<Questionnaire> {
    questionnaires::table
        .find(id)
        .select(Questionnaire::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("questionnaire".into()))
}
