//! The questionnaire's own fields and its sections: create it, retitle it, add, change, move
//! and delete a section. A section's identifier is made once from its first title and never
//! changes, since answers and exports refer to it.

use essaim_core::{CoreResult, ValidationErrors};

use super::consistency::{checked, dependent_outside, moved, section_index};
use super::fields::{code_from, invalid, refuse, section_from, unique};
use super::{Context, Direction, GeneralInput, Outcome, SectionInput};
use crate::questionnaire::definition::{text, Definition, Section, FORMAT};

/// A new questionnaire (title, introduction, a first empty section), or the title and
/// introduction of an existing one changed.
pub fn set_general(current: Option<&Definition>, input: &GeneralInput, context: &Context) -> CoreResult<Outcome> {
    let mut errors = ValidationErrors::default();
    let (title, introduction) = (input.title.trim().to_owned(), input.introduction.trim().to_owned());
    if let Err(e) = text(&title, "Le titre du questionnaire", true) {
        refuse(&mut errors, "title", e.0);
    }
    if let Err(e) = text(&introduction, "L'introduction", false) {
        refuse(&mut errors, "introduction", e.0);
    }
    let definition = match current {
        Some(current) => Definition { title, introduction, ..current.clone() },
        None => {
            let first = input.first_section.trim().to_owned();
            if let Err(e) = text(&first, "Le titre de la première section", true) {
                refuse(&mut errors, "first_section", e.0);
            }
            let id = unique(code_from(&first, "section"), |c| context.section_ids.contains(c));
            Definition {
                format: FORMAT.to_owned(),
                title,
                introduction,
                anonymous: false,
                sections: vec![Section { id, title: first, description: String::new(), questions: Vec::new() }],
            }
        }
    };
    errors.into_result()?;
    checked(definition, None)
}

/// Adds a section at the end; its identifier is new.
pub fn add_section(definition: &Definition, input: &SectionInput, context: &Context) -> CoreResult<Outcome> {
    let mut errors = ValidationErrors::default();
    let (title, description) = section_from(input, &mut errors);
    errors.into_result()?;
    let id = unique(code_from(&title, "section"), |c| {
        context.section_ids.contains(c) || definition.sections.iter().any(|s| s.id == c)
    });
    let mut definition = definition.clone();
    definition.sections.push(Section { id: id.clone(), title, description, questions: Vec::new() });
    checked(definition, Some(id))
}

/// Changes a section's title and introduction.
pub fn update_section(definition: &Definition, id: &str, input: &SectionInput) -> CoreResult<Outcome> {
    let at = section_index(definition, id)?;
    let mut errors = ValidationErrors::default();
    let (title, description) = section_from(input, &mut errors);
    errors.into_result()?;
    let mut definition = definition.clone();
    definition.sections[at].title = title;
    definition.sections[at].description = description;
    checked(definition, Some(id.to_owned()))
}

/// Deletes a section and its questions, unless another question's condition tests one of
/// them, or it is the only section.
pub fn delete_section(definition: &Definition, id: &str) -> CoreResult<Outcome> {
    let at = section_index(definition, id)?;
    if definition.sections.len() == 1 {
        return Err(invalid(
            "form",
            "Le questionnaire doit garder au moins une section : ajoutez-en une autre avant de supprimer celle-ci.",
        ));
    }
    let leaving: Vec<&str> = definition.sections[at].questions.iter().map(|q| q.id.as_str()).collect();
    if let Some((dependent, tested)) = dependent_outside(definition, &leaving) {
        return Err(invalid(
            "form",
            format!(
                "La question « {} » s'affiche selon la réponse à « {} », qui est dans cette section : modifiez d'abord sa condition.",
                dependent.label, tested.label
            ),
        ));
    }
    let mut definition = definition.clone();
    definition.sections.remove(at);
    checked(definition, Some(id.to_owned()))
}

/// Moves a section one place up or down (nothing at either end).
pub fn move_section(definition: &Definition, id: &str, direction: Direction) -> CoreResult<Outcome> {
    let at = section_index(definition, id)?;
    let to = match direction {
        Direction::Up if at > 0 => at - 1,
        Direction::Down if at + 1 < definition.sections.len() => at + 1,
        _ => return Ok(Outcome { definition: definition.clone(), subject: Some(id.to_owned()) }),
    };
    let mut definition = definition.clone();
    definition.sections.swap(at, to);
    moved(definition, id)
}

#[cfg(test)]
mod tests {
    use essaim_core::CoreError;

    use super::super::test_support::{context_of, demo, field, text_input};
    use super::super::{add_question, delete_question, QuestionInput};
    use super::*;

    #[test]
    fn sections_are_added_changed_and_deleted_unless_something_depends_on_them() {
        let def = demo();
        let ctx = context_of(&def);
        let out =
            add_section(&def, &SectionInput { title: "Votre structure".into(), description: String::new() }, &ctx)
                .unwrap();
        assert_eq!(out.subject.as_deref(), Some("votre_structure"));
        let empty = add_section(&def, &SectionInput::default(), &ctx).unwrap_err();
        assert_eq!(field(empty, "title"), "Le titre de la section est vide.");
        let changed =
            update_section(&def, "theme1", &SectionInput { title: "Relations".into(), description: "Intro".into() })
                .unwrap();
        assert_eq!(changed.definition.sections[1].title, "Relations");
        assert_eq!(changed.definition.sections[1].id, "theme1");
        let deleted = delete_section(&def, "theme1").unwrap();
        assert!(deleted.definition.question("t1_relation").is_none());
        // A question elsewhere depending on a question of the section keeps it.
        let ctx = context_of(&def);
        let input = QuestionInput { condition: vec!["t2_projet=oui".into()], ..text_input("Suite") };
        let with_dependent = add_question(&def, "theme3", "short_text", &input, &ctx).unwrap().definition;
        assert!(field(delete_section(&with_dependent, "theme2").unwrap_err(), "form").contains("« Suite »"));
        assert!(field(delete_question(&with_dependent, "t2_projet").unwrap_err(), "form").contains("modifiez d'abord"));
        assert!(delete_question(&with_dependent, "suite").is_ok());
        let one = set_general(
            None,
            &GeneralInput { title: "Q".into(), introduction: String::new(), first_section: "Début".into() },
            &Context::default(),
        )
        .unwrap();
        assert!(field(delete_section(&one.definition, "debut").unwrap_err(), "form").contains("au moins une section"));
        let none = set_general(None, &GeneralInput::default(), &Context::default()).unwrap_err();
        assert!(
            matches!(&none, CoreError::Validation(e) if e.get("title").is_some() && e.get("first_section").is_some())
        );
    }
}
