//! Questions: add one of a kind to a section, change it (never its identifier nor its kind, so
//! that answers already given keep their meaning), move it across sections, delete it. A
//! question's condition may only test questions before it, so every move and deletion is
//! checked against the conditions that depend on it.

use essaim_core::{CoreResult, ValidationErrors};

use super::consistency::{checked, dependent_outside, moved, question_place, section_index};
use super::fields::{build_question, code_from, invalid, refuse, unique};
use super::view::{earlier_than_question, earlier_than_section_end};
use super::{blank_kind, Context, Direction, Outcome, QuestionInput};
use crate::questionnaire::definition::{identifier, Definition, QuestionKind, MAX_QUESTIONS, OTHER};

/// Adds a question of a kind (its code) at the end of a section.
pub fn add_question(
    definition: &Definition,
    section: &str,
    kind: &str,
    input: &QuestionInput,
    context: &Context,
) -> CoreResult<Outcome> {
    let at = section_index(definition, section)?;
    let blank = blank_kind(kind).ok_or_else(|| invalid("kind", "Choisissez un type de question dans la liste."))?;
    let mut errors = ValidationErrors::default();
    let used = |c: &str| context.question_ids.contains(c) || definition.question(c).is_some();
    let wanted = input.id.trim();
    let id = if wanted.is_empty() {
        unique(code_from(&input.label, "question"), used)
    } else {
        if let Err(e) = identifier(wanted, "") {
            refuse(&mut errors, "id", e.0);
        } else if used(wanted) {
            refuse(
                &mut errors,
                "id",
                format!("L'identifiant « {wanted} » est déjà pris, dans cette version ou une précédente : choisissez-en un autre, ou laissez le champ vide."),
            );
        }
        wanted.to_owned()
    };
    if matches!(blank, QuestionKind::Organisation) {
        if let Some((_, q)) = definition.questions().find(|(_, q)| matches!(q.kind, QuestionKind::Organisation)) {
            refuse(
                &mut errors,
                "kind",
                format!(
                    "Le questionnaire a déjà un bloc d'identité de la structure (« {} ») : il n'en a qu'un.",
                    q.label
                ),
            );
        }
    }
    if definition.questions().count() >= MAX_QUESTIONS {
        refuse(
            &mut errors,
            "kind",
            format!("Le questionnaire a déjà {MAX_QUESTIONS} questions, le plus qu'il puisse avoir."),
        );
    }
    let earlier = earlier_than_section_end(definition, section);
    let question = build_question(&id, &blank, input, &earlier, context, &mut errors);
    errors.into_result()?;
    let mut definition = definition.clone();
    definition.sections[at].questions.push(question);
    checked(definition, Some(id))
}

/// Changes a question: everything but its identifier and its kind.
pub fn update_question(
    definition: &Definition,
    id: &str,
    input: &QuestionInput,
    context: &Context,
) -> CoreResult<Outcome> {
    let (s, q) = question_place(definition, id)?;
    let old = &definition.sections[s].questions[q];
    let mut errors = ValidationErrors::default();
    let earlier = earlier_than_question(definition, id);
    let question = build_question(id, &old.kind, input, &earlier, context, &mut errors);
    // A later question's condition must still find the answers it tests.
    if let Some(values) = question.kind.condition_values() {
        for (_, later) in definition.questions() {
            let Some(condition) = later.condition.as_ref().filter(|c| c.question == id) else { continue };
            if let Some(gone) = condition.any_of.iter().find(|v| !values.contains(v)) {
                let field = if gone == OTHER { "other" } else { "options" };
                refuse(
                    &mut errors,
                    field,
                    format!(
                        "La question « {} » s'affiche selon la réponse « {gone} » : gardez cette réponse, ou modifiez d'abord sa condition.",
                        later.label
                    ),
                );
            }
        }
    }
    errors.into_result()?;
    let mut definition = definition.clone();
    definition.sections[s].questions[q] = question;
    checked(definition, Some(id.to_owned()))
}

/// Deletes a question, unless another question's condition tests it.
pub fn delete_question(definition: &Definition, id: &str) -> CoreResult<Outcome> {
    let (s, q) = question_place(definition, id)?;
    if let Some((dependent, _)) = dependent_outside(definition, &[id]) {
        return Err(invalid(
            "form",
            format!(
                "La question « {} » s'affiche selon la réponse à celle-ci : modifiez d'abord sa condition.",
                dependent.label
            ),
        ));
    }
    let mut definition = definition.clone();
    definition.sections[s].questions.remove(q);
    checked(definition, Some(id.to_owned()))
}

/// Moves a question one place up or down; from the top of a section up to the end of the
/// previous one, from the bottom down to the start of the next (nothing at either end).
pub fn move_question(definition: &Definition, id: &str, direction: Direction) -> CoreResult<Outcome> {
    let (s, q) = question_place(definition, id)?;
    let mut definition = definition.clone();
    let count = definition.sections[s].questions.len();
    match direction {
        Direction::Up if q > 0 => definition.sections[s].questions.swap(q, q - 1),
        Direction::Up if s > 0 => {
            let question = definition.sections[s].questions.remove(q);
            definition.sections[s - 1].questions.push(question);
        }
        Direction::Down if q + 1 < count => definition.sections[s].questions.swap(q, q + 1),
        Direction::Down if s + 1 < definition.sections.len() => {
            let question = definition.sections[s].questions.remove(q);
            definition.sections[s + 1].questions.insert(0, question);
        }
        _ => return Ok(Outcome { definition, subject: Some(id.to_owned()) }),
    }
    moved(definition, id)
}

#[cfg(test)]
mod tests {
    use essaim_core::CoreError;

    use super::super::test_support::{context_of, demo, field, text_input};
    use super::super::{condition_choices, condition_summary, kind_code, move_section};
    use super::*;
    use crate::questionnaire::definition::{Choice, Condition, ContributionLink};

    #[test]
    fn a_question_of_each_kind_is_added_with_a_new_stable_id() {
        let def = demo();
        let ctx = context_of(&def);
        let mut def = def;
        let cases: Vec<(&str, QuestionInput)> = vec![
            ("short_text", text_input("Votre ville")),
            (
                "long_text",
                QuestionInput { contribution_kind: "proposition".into(), theme: "2".into(), ..text_input("Une idée") },
            ),
            (
                "single_choice",
                QuestionInput {
                    options: "Oui vraiment\nbof | Pas trop\n".into(),
                    other: true,
                    ..text_input("Un choix")
                },
            ),
            ("multiple_choice", QuestionInput { options: "A\nB\n".into(), ..text_input("Plusieurs") }),
            ("yes_no", text_input("D'accord ?")),
            (
                "scale",
                QuestionInput {
                    min_label: "Pas du tout".into(),
                    max_label: "Tout à fait".into(),
                    ..text_input("Échelle")
                },
            ),
            ("number", QuestionInput { min: "0".into(), max: "2,5".into(), ..text_input("Combien ?") }),
            ("ranking", QuestionInput { options: "Un\nDeux\n".into(), ..text_input("Classez") }),
            (
                "grid",
                QuestionInput {
                    rows: "DLA\n".into(), columns: "Connu\nUtilisé\n".into(), ..text_input("Dispositifs")
                },
            ),
        ];
        for (kind, input) in cases {
            let out = add_question(&def, "dispositifs", kind, &input, &ctx).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            let id = out.subject.clone().unwrap();
            assert!(!ctx.question_ids.contains(&id), "{id} is new");
            let added = out.definition.question(&id).unwrap();
            assert_eq!(kind_code(&added.kind), kind);
            def = out.definition;
        }
        let choice = def.question("un_choix").unwrap();
        assert_eq!(
            choice.kind,
            QuestionKind::SingleChoice {
                options: vec![
                    Choice { value: "oui_vraiment".into(), label: "Oui vraiment".into() },
                    Choice { value: "bof".into(), label: "Pas trop".into() }
                ],
                other: true
            }
        );
        assert_eq!(def.question("combien").unwrap().kind, QuestionKind::Number { min: Some(0.0), max: Some(2.5) });
        assert_eq!(
            def.question("une_idee").unwrap().contribution,
            Some(ContributionLink { theme: Some(2), kind: "proposition".into() })
        );
        // The demo has its identity block: a second one is refused.
        let again = add_question(&def, "dispositifs", "organisation", &text_input("Encore"), &ctx).unwrap_err();
        assert!(field(again, "kind").contains("déjà un bloc d'identité"));
        def.check().unwrap();
    }

    #[test]
    fn an_id_used_by_any_version_is_never_given_again() {
        let def = demo();
        let mut ctx = context_of(&def);
        ctx.question_ids.insert("votre_ville".into());
        let out = add_question(&def, "structure", "short_text", &text_input("Votre ville"), &ctx).unwrap();
        assert_eq!(out.subject.as_deref(), Some("votre_ville_2"));
        let wanted = QuestionInput { id: "role".into(), ..text_input("Autre rôle") };
        let refused = add_question(&def, "structure", "short_text", &wanted, &ctx).unwrap_err();
        assert!(field(refused, "id").contains("déjà pris"));
        let bad = QuestionInput { id: "é".into(), ..text_input("Autre rôle") };
        assert!(field(add_question(&def, "structure", "short_text", &bad, &ctx).unwrap_err(), "id").contains("1 à 40"));
    }

    #[test]
    fn an_edit_keeps_the_id_and_the_option_codes() {
        let def = demo();
        let ctx = context_of(&def);
        let mut input = QuestionInput::from_question(def.question("role").unwrap());
        assert!(input.options.contains("dirigeant | Dirigeant·e salarié·e\n"));
        input.label = "Vous êtes…".into();
        input.options = input.options.replace("Bénévole", "Bénévole actif·ve") + "Stagiaire\n";
        let out = update_question(&def, "role", &input, &ctx).unwrap();
        let role = out.definition.question("role").unwrap();
        assert_eq!(role.label, "Vous êtes…");
        let QuestionKind::SingleChoice { options, other: true } = &role.kind else { panic!("{:?}", role.kind) };
        assert_eq!(
            options.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(),
            ["dirigeant", "elu", "salarie", "benevole", "stagiaire"]
        );
        assert_eq!(options[3].label, "Bénévole actif·ve");
        // Unchanged form, unchanged definition.
        let same =
            update_question(&def, "role", &QuestionInput::from_question(def.question("role").unwrap()), &ctx).unwrap();
        assert_eq!(same.definition, def);
    }

    #[test]
    fn an_invalid_question_is_refused_field_by_field() {
        let def = demo();
        let ctx = context_of(&def);
        let input = QuestionInput { label: "  ".into(), options: "Un\nDeux\nun\n".into(), ..QuestionInput::default() };
        let Err(CoreError::Validation(errors)) = add_question(&def, "structure", "single_choice", &input, &ctx) else {
            panic!("refused")
        };
        assert_eq!(errors.get("label"), Some("L'intitulé est vide."));
        assert!(errors.get("options").unwrap().contains("Ligne 3 : « un » est déjà à la ligne 1"), "{errors:?}");
        let codes = QuestionInput { options: "a | Un\na | Deux\n".into(), ..text_input("X") };
        let message = field(add_question(&def, "structure", "multiple_choice", &codes, &ctx).unwrap_err(), "options");
        assert_eq!(message, "La valeur « a » est en double.");
        let empty = field(
            add_question(
                &def,
                "structure",
                "ranking",
                &QuestionInput { options: "Un".into(), ..text_input("X") },
                &ctx,
            )
            .unwrap_err(),
            "options",
        );
        assert_eq!(empty, "Il faut au moins 2 options à classer.");
        let grid = QuestionInput { rows: String::new(), columns: "Oui\n".into(), ..text_input("G") };
        let Err(CoreError::Validation(errors)) = add_question(&def, "structure", "grid", &grid, &ctx) else { panic!() };
        assert_eq!(errors.get("rows"), Some("Il faut au moins 1 lignes."));
        assert_eq!(errors.get("columns"), Some("Il faut au moins 2 colonnes."));
        let scale = QuestionInput { min_label: "Peu".into(), ..text_input("S") };
        assert_eq!(
            field(add_question(&def, "structure", "scale", &scale, &ctx).unwrap_err(), "max_label"),
            "Le libellé de 5 est vide."
        );
        let number = QuestionInput { min: "dix".into(), max: "1".into(), ..text_input("N") };
        assert!(field(add_question(&def, "structure", "number", &number, &ctx).unwrap_err(), "min")
            .starts_with("Le minimum doit être un nombre"));
        let reversed = QuestionInput { min: "10".into(), max: "1".into(), ..text_input("N") };
        assert_eq!(
            field(add_question(&def, "structure", "number", &reversed, &ctx).unwrap_err(), "max"),
            "Le minimum dépasse le maximum."
        );
        let link = QuestionInput { contribution_kind: "avis".into(), ..text_input("T") };
        assert!(field(add_question(&def, "structure", "long_text", &link, &ctx).unwrap_err(), "contribution_kind")
            .contains("inconnu"));
        let theme = QuestionInput { contribution_kind: "constat".into(), theme: "9".into(), ..text_input("T") };
        assert!(field(add_question(&def, "structure", "long_text", &theme, &ctx).unwrap_err(), "theme")
            .contains("pas un thème"));
        let closed = QuestionInput { contribution_kind: "constat".into(), ..text_input("T") };
        assert!(field(add_question(&def, "structure", "yes_no", &closed, &ctx).unwrap_err(), "contribution_kind")
            .contains("ouverte"));
        assert!(matches!(
            add_question(&def, "nulle-part", "yes_no", &text_input("T"), &ctx),
            Err(CoreError::NotFound(_))
        ));
        assert!(field(add_question(&def, "structure", "dessin", &text_input("T"), &ctx).unwrap_err(), "kind")
            .contains("type"));
    }

    #[test]
    fn a_condition_tests_an_earlier_question_only() {
        let def = demo();
        let ctx = context_of(&def);
        // t2_besoin is shown "si oui" to t2_projet (theme2); t5_visibilite is later.
        let later = QuestionInput { condition: vec!["t5_visibilite=1".into()], ..text_input("Pourquoi ?") };
        let message = field(add_question(&def, "theme2", "long_text", &later, &ctx).unwrap_err(), "condition");
        assert_eq!(message, "La condition porte sur « t5_visibilite », qui n'est pas une question précédente.");
        let two =
            QuestionInput { condition: vec!["t2_projet=oui".into(), "role=elu".into()], ..text_input("Pourquoi ?") };
        assert!(field(add_question(&def, "theme2", "long_text", &two, &ctx).unwrap_err(), "condition")
            .contains("une seule question"));
        let text = QuestionInput { condition: vec!["t1_proposition=x".into()], ..text_input("Pourquoi ?") };
        assert!(field(add_question(&def, "theme2", "long_text", &text, &ctx).unwrap_err(), "condition")
            .contains("ne peut porter que"));
        let good =
            QuestionInput { condition: vec!["role=autre".into(), "role=elu".into()], ..text_input("Pourquoi ?") };
        let out = add_question(&def, "theme2", "long_text", &good, &ctx).unwrap();
        let added = out.definition.question("pourquoi").unwrap();
        assert_eq!(
            added.condition,
            Some(Condition { question: "role".into(), any_of: vec!["elu".into(), "autre".into()] })
        );
        assert_eq!(
            condition_summary(&out.definition, added).unwrap(),
            "si « Élu·e ou administrateur·rice bénévole » ou « Autre » à « Vous répondez en tant que… »"
        );
        // Removing an option a later condition tests is refused on the options field.
        let mut role = QuestionInput::from_question(out.definition.question("role").unwrap());
        role.options = role.options.replace("elu | Élu·e ou administrateur·rice bénévole\n", "");
        assert!(field(update_question(&out.definition, "role", &role, &ctx).unwrap_err(), "options")
            .contains("« Pourquoi ? »"));
        role = QuestionInput::from_question(out.definition.question("role").unwrap());
        role.other = false;
        assert!(
            field(update_question(&out.definition, "role", &role, &ctx).unwrap_err(), "other").contains("« autre »")
        );
        // The choices offered are those before the question.
        let offered: Vec<&str> =
            condition_choices(&earlier_than_question(&def, "t2_besoin")).iter().map(|(q, _)| q.id.as_str()).collect();
        assert_eq!(offered, ["role", "t1_relation", "t1_interlocuteurs", "t2_projet"]);
    }

    #[test]
    fn moves_keep_conditions_after_what_they_test() {
        let def = demo();
        // t2_besoin depends on t2_projet, just before it.
        let refused = move_question(&def, "t2_besoin", Direction::Up).unwrap_err();
        assert!(field(refused, "form").starts_with("Déplacement refusé"));
        let down = move_question(&def, "t2_projet", Direction::Down).unwrap_err();
        assert!(field(down, "form").contains("doit rester avant"));
        // The first question of a section goes up to the end of the previous one.
        let out = move_question(&def, "t1_relation", Direction::Up).unwrap();
        assert_eq!(out.definition.sections[0].questions.last().unwrap().id, "t1_relation");
        let back = move_question(&out.definition, "t1_relation", Direction::Down).unwrap();
        assert_eq!(back.definition, def);
        // At the very top, nothing moves.
        assert_eq!(move_question(&def, "identite", Direction::Up).unwrap().definition, def);
        let sections = move_section(&def, "theme5", Direction::Up).unwrap();
        let ids: Vec<&str> = sections.definition.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(&ids[3..6], ["theme3", "theme5", "theme4"]);
        let swapped = move_section(&def, "theme2", Direction::Down).unwrap();
        assert_eq!(swapped.definition.sections[2].id, "theme3");
    }
}
