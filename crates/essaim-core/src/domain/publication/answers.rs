//! The answer given to every contribution (*suite donnée*): *retenue* (with the orientation it
//! feeds), *fusionnée*, *non retenue* (with a reason), *hors sujet*. Given one by one, in bulk
//! for every contribution of an orientation, or by rule when the strategy is published (the
//! contributions of published orientations with no answer become *retenues*). Reusable answer
//! texts per consultation save typing the same reason again. A text is plain: one holding
//! markup is refused, and every text is escaped where it is shown.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::clock::now;
use crate::db::{DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::domain::vocab::{ModerationStatus, OrientationStatus};
use crate::error::{CoreError, CoreResult, ValidationErrors};
use crate::schema::{answer_texts, contribution_answers, contributions, orientation_members, orientations};

use super::Snapshot;

/// Longest answer text, in characters.
pub const MAX_ANSWER_CHARS: usize = 2_000;
/// Longest title of a reusable answer text.
pub const MAX_ANSWER_TITLE_CHARS: usize = 120;

crate::text_enum! {
    /// The public answer to a contribution.
    Answer {
        /// Kept: it feeds an orientation.
        Retained => ("retained", "Retenue"),
        /// Merged with others saying the same.
        Merged => ("merged", "Fusionnée"),
        /// Not kept, with a reason.
        NotRetained => ("not_retained", "Non retenue"),
        /// Outside the consultation's subject.
        OffTopic => ("off_topic", "Hors sujet"),
    }
}

crate::text_enum! {
    /// Who gave an answer.
    AnswerOrigin {
        /// A staff member.
        Staff => ("staff", "Équipe"),
        /// The rule applied at publication.
        Rule => ("rule", "Règle de publication"),
    }
}

/// The answer of one contribution, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = contribution_answers)]
pub struct ContributionAnswer {
    /// The contribution.
    pub contribution_id: Id,
    /// Its consultation.
    pub consultation_id: Id,
    /// The answer.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub answer: Answer,
    /// The orientation it feeds (retenue) or was merged into (fusionnée).
    pub orientation_id: Option<Id>,
    /// The reason or answer shown to the public (plain text).
    pub text: String,
    /// Who gave it.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub origin: AnswerOrigin,
    /// The staff member who gave it.
    pub set_by: Option<Id>,
    /// When.
    pub updated_at: NaiveDateTime,
}

impl ContributionAnswer {
    /// What a follower was told, to know whether it changed since ([`super::notices`]).
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}",
            self.answer.as_str(),
            self.orientation_id.map(|id| id.to_string()).unwrap_or_default(),
            self.text
        )
    }
}

/// An answer as staff give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerInput {
    /// The answer.
    pub answer: Answer,
    /// The orientation (retenue: the one it is placed in when none is given).
    pub orientation: Option<Id>,
    /// The reason or answer text.
    pub text: String,
}

/// True when a text holds what a browser would read as markup (`<b>`, `</p>`, `<!--`, `<?`).
pub fn holds_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

/// Checks an answer text: plain, at most [`MAX_ANSWER_CHARS`]; returns it trimmed.
pub fn check_answer_text(field: &str, text: &str, errors: &mut ValidationErrors) -> String {
    let text = text.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_ANSWER_CHARS {
        errors.add(field, format!("Le texte de la réponse dépasse {MAX_ANSWER_CHARS} caractères."));
    } else if holds_markup(&text) {
        errors.add(
            field,
            "Le texte de la réponse ne peut pas contenir de balises (« < » suivi d'une lettre) : écrivez-le en texte simple.",
        );
    }
    text
}

/// The orientation a contribution is placed in, if it is a draft one.
fn placed_in(conn: &mut DbConnection, contribution: Id) -> CoreResult<Option<Id>> {
    Ok(orientation_members::table
        .inner_join(orientations::table)
        .filter(orientation_members::contribution_id.eq(contribution))
        .filter(orientations::status.eq(OrientationStatus::Draft))
        .select(orientations::id)
        .first(conn)
        .optional()?)
}

/// Checks an answer for a contribution of `consultation`; returns the orientation to store.
fn check_input(
    conn: &mut DbConnection,
    consultation: Id,
    contribution: Option<Id>,
    input: &AnswerInput,
) -> CoreResult<(Option<Id>, String)> {
    let mut errors = ValidationErrors::default();
    let text = check_answer_text("text", &input.text, &mut errors);
    // Only a retained or merged contribution names an orientation.
    let mut orientation = input.orientation.filter(|_| matches!(input.answer, Answer::Retained | Answer::Merged));
    if orientation.is_none() && input.answer == Answer::Retained {
        if let Some(contribution) = contribution {
            orientation = placed_in(conn, contribution)?;
        }
    }
    match input.answer {
        Answer::Retained if orientation.is_none() => {
            errors.add("orientation", "Une contribution retenue nourrit une orientation : choisissez-la.")
        }
        Answer::NotRetained if text.is_empty() => {
            errors.add("text", "Dites pourquoi la contribution n'est pas retenue.")
        }
        _ => {}
    }
    if let Some(id) = orientation {
        let found: Option<(Id, String)> = orientations::table
            .find(id)
            .select((orientations::consultation_id, orientations::status))
            .first(conn)
            .optional()?;
        match found {
            Some((c, status)) if c == consultation && status == OrientationStatus::Draft.as_str() => {}
            _ => errors.add("orientation", "Cette orientation n'est pas une orientation de la consultation."),
        }
    }
    errors.into_result()?;
    Ok((orientation, text))
}

fn store(conn: &mut DbConnection, answer: &ContributionAnswer) -> CoreResult<()> {
    diesel::delete(contribution_answers::table.find(answer.contribution_id)).execute(conn)?;
    diesel::insert_into(contribution_answers::table).values(answer.clone()).execute(conn)?;
    Ok(())
}

/// Gives one contribution of `consultation` its answer (replacing any), audited
/// (`answer.set`). The caller runs it in a transaction.
pub fn set_answer(
    conn: &mut DbConnection,
    consultation: Id,
    contribution: Id,
    input: &AnswerInput,
    actor: Option<Id>,
) -> CoreResult<ContributionAnswer> {
    let owner: Option<Id> =
        contributions::table.find(contribution).select(contributions::consultation_id).first(conn).optional()?;
    if owner != Some(consultation) {
        return Err(CoreError::NotFound("contribution".into()));
    }
    let (orientation, text) = check_input(conn, consultation, Some(contribution), input)?;
    let answer = ContributionAnswer {
        contribution_id: contribution,
        consultation_id: consultation,
        answer: input.answer,
        orientation_id: orientation,
        text,
        origin: AnswerOrigin::Staff,
        set_by: actor,
        updated_at: now(),
    };
    store(conn, &answer)?;
    record(
        conn,
        AuditEvent::new(actor, "answer.set", "contribution", Some(contribution.to_string()))
            .with_details(serde_json::json!({ "answer": input.answer.as_str() })),
    )?;
    Ok(answer)
}

/// Gives every accepted contribution behind an orientation the same answer (for *retenue*,
/// that orientation), audited once (`answer.bulk`); returns how many. In a transaction.
pub fn set_answers_of_orientation(
    conn: &mut DbConnection,
    orientation: Id,
    input: &AnswerInput,
    actor: Option<Id>,
) -> CoreResult<usize> {
    let consultation: Id = orientations::table
        .find(orientation)
        .select(orientations::consultation_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("orientation".into()))?;
    let mut input = input.clone();
    if input.answer == Answer::Retained && input.orientation.is_none() {
        input.orientation = Some(orientation);
    }
    let (target, text) = check_input(conn, consultation, None, &input)?;
    let members: Vec<Id> = orientation_members::table
        .inner_join(contributions::table)
        .filter(orientation_members::orientation_id.eq(orientation))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .select(contributions::id)
        .load(conn)?;
    let at = now();
    for &contribution in &members {
        store(
            conn,
            &ContributionAnswer {
                contribution_id: contribution,
                consultation_id: consultation,
                answer: input.answer,
                orientation_id: target,
                text: text.clone(),
                origin: AnswerOrigin::Staff,
                set_by: actor,
                updated_at: at,
            },
        )?;
    }
    record(
        conn,
        AuditEvent::new(actor, "answer.bulk", "orientation", Some(orientation.to_string()))
            .with_details(serde_json::json!({ "answer": input.answer.as_str(), "contributions": members.len() })),
    )?;
    Ok(members.len())
}

/// The rule at publication: every contribution of a published orientation that has no answer
/// becomes *retenue*, feeding that orientation. Returns how many were answered. In the
/// publication's transaction.
pub fn apply_publication_rule(conn: &mut DbConnection, consultation: Id, snapshot: &Snapshot) -> CoreResult<usize> {
    let answered: std::collections::HashSet<Id> = contribution_answers::table
        .filter(contribution_answers::consultation_id.eq(consultation))
        .select(contribution_answers::contribution_id)
        .load::<Id>(conn)?
        .into_iter()
        .collect();
    let at = now();
    let mut n = 0;
    for (_, orientation) in snapshot.orientations() {
        for &contribution in &orientation.contributions {
            if answered.contains(&contribution) {
                continue;
            }
            diesel::insert_into(contribution_answers::table)
                .values(ContributionAnswer {
                    contribution_id: contribution,
                    consultation_id: consultation,
                    answer: Answer::Retained,
                    orientation_id: Some(orientation.id),
                    text: String::new(),
                    origin: AnswerOrigin::Rule,
                    set_by: None,
                    updated_at: at,
                })
                .execute(conn)?;
            n += 1;
        }
    }
    Ok(n)
}

/// The answers of these contributions (a page lists a handful), by contribution.
pub fn answers_of(conn: &mut DbConnection, ids: &[Id]) -> CoreResult<HashMap<Id, ContributionAnswer>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<ContributionAnswer> = contribution_answers::table
            .filter(contribution_answers::contribution_id.eq_any(chunk))
            .select(ContributionAnswer::as_select())
            .load(conn)?;
        out.extend(rows.into_iter().map(|a| (a.contribution_id, a)));
    }
    Ok(out)
}

/// How many contributions of a consultation have each answer.
pub fn answer_counts(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<(Answer, i64)>> {
    let rows: Vec<(String, i64)> = contribution_answers::table
        .filter(contribution_answers::consultation_id.eq(consultation))
        .group_by(contribution_answers::answer)
        .select((contribution_answers::answer, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(a, n)| Answer::parse(&a).map(|a| (a, n))).collect())
}

/// A reusable answer text of a consultation.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = answer_texts)]
pub struct AnswerText {
    /// Identifier.
    pub id: Id,
    /// Its consultation.
    pub consultation_id: Id,
    /// The answer it goes with.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub answer: Answer,
    /// A short title, to pick it in a list.
    pub title: String,
    /// The text.
    pub body: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// The reusable answer texts of a consultation, by answer then title.
pub fn answer_texts_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<AnswerText>> {
    let mut texts: Vec<AnswerText> = answer_texts::table
        .filter(answer_texts::consultation_id.eq(consultation))
        .select(AnswerText::as_select())
        .load(conn)?;
    texts.sort_by(|a, b| a.answer.cmp(&b.answer).then(a.title.cmp(&b.title)));
    Ok(texts)
}

/// One reusable answer text of a consultation.
pub fn find_answer_text(conn: &mut DbConnection, consultation: Id, id: Id) -> CoreResult<AnswerText> {
    answer_texts::table
        .find(id)
        .filter(answer_texts::consultation_id.eq(consultation))
        .select(AnswerText::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("texte de réponse".into()))
}

/// Adds (`id` none) or changes a reusable answer text, checked and audited
/// (`answer_text.save`).
pub fn save_answer_text(
    conn: &mut DbConnection,
    consultation: Id,
    id: Option<Id>,
    answer: Answer,
    title: &str,
    body: &str,
    actor: Option<Id>,
) -> CoreResult<AnswerText> {
    let mut errors = ValidationErrors::default();
    let title = title.trim().to_owned();
    if title.is_empty() {
        errors.add("title", "Donnez un titre au texte.");
    } else if title.chars().count() > MAX_ANSWER_TITLE_CHARS {
        errors.add("title", format!("Le titre dépasse {MAX_ANSWER_TITLE_CHARS} caractères."));
    } else if holds_markup(&title) {
        errors.add("title", "Le titre ne peut pas contenir de balises : écrivez-le en texte simple.");
    }
    let body = check_answer_text("body", body, &mut errors);
    if body.is_empty() && errors.get("body").is_none() {
        errors.add("body", "Écrivez le texte de la réponse.");
    }
    errors.into_result()?;
    let at = now();
    let text = match id {
        Some(id) => {
            let old = find_answer_text(conn, consultation, id)?;
            diesel::update(answer_texts::table.find(id))
                .set((
                    answer_texts::answer.eq(answer),
                    answer_texts::title.eq(&title),
                    answer_texts::body.eq(&body),
                    answer_texts::updated_at.eq(at),
                ))
                .execute(conn)?;
            AnswerText { answer, title, body, updated_at: at, ..old }
        }
        None => {
            let text = AnswerText {
                id: Id::new(),
                consultation_id: consultation,
                answer,
                title,
                body,
                created_at: at,
                updated_at: at,
            };
            diesel::insert_into(answer_texts::table).values(text.clone()).execute(conn)?;
            text
        }
    };
    record(conn, AuditEvent::new(actor, "answer_text.save", "answer_text", Some(text.id.to_string())))?;
    Ok(text)
}

/// Deletes a reusable answer text (answers already given keep their words), audited.
pub fn delete_answer_text(conn: &mut DbConnection, consultation: Id, id: Id, actor: Option<Id>) -> CoreResult<()> {
    find_answer_text(conn, consultation, id)?;
    diesel::delete(answer_texts::table.find(id)).execute(conn)?;
    record(conn, AuditEvent::new(actor, "answer_text.delete", "answer_text", Some(id.to_string())))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_told_from_plain_comparisons() {
        assert!(holds_markup("<b>gras</b>"));
        assert!(holds_markup("voir </p>"));
        assert!(holds_markup("<!-- x -->"));
        assert!(!holds_markup("si a < 3 et b > 2"));
        assert!(!holds_markup("moins de <5 %"));
    }
}
