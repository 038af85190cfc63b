//! A questionnaire's definition: sections of typed questions, as staff write it and as it is
//! exported and imported in JSON (schema in docs/questionnaire-json.md).
//!
//! A definition is plain data, checked by [`Definition::check`] before it is stored: every
//! identifier unique and usable as a form field name, every condition pointing to an earlier
//! question, every choice question with options. A published version is never changed again.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// The version of the JSON format written by the export and read by the import.
pub const FORMAT: &str = "essaim-questionnaire/1";

/// The longest text a definition may hold in one label, help or option (characters).
pub const MAX_LABEL_CHARS: usize = 2_000;
/// The most questions one definition may hold.
pub const MAX_QUESTIONS: usize = 500;
/// The most options, rows or columns one question may hold.
pub const MAX_OPTIONS: usize = 100;

/// A whole questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Always [`FORMAT`].
    pub format: String,
    /// Shown as the page title.
    pub title: String,
    /// Shown on the first page, before the first section.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub introduction: String,
    /// Anonymous: a submitted response keeps no link to its invitation.
    #[serde(default)]
    pub anonymous: bool,
    /// One page each, in order.
    pub sections: Vec<Section>,
}

/// A page of the questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Stable identifier (letters, digits, `_`, `-`).
    pub id: String,
    /// Shown as the page's heading.
    pub title: String,
    /// Shown under the heading.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// In order.
    pub questions: Vec<Question>,
}

/// One question. (No `deny_unknown_fields` here: serde cannot combine it with the flattened
/// `kind`, so a question's unknown fields are ignored; every other level refuses them.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable identifier (letters, digits, `_`, `-`): the export's column names derive from it.
    pub id: String,
    /// The question as asked.
    pub label: String,
    /// Help shown under the label.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// Must be answered (when shown).
    #[serde(default)]
    pub required: bool,
    /// What kind of answer, with what that kind needs.
    #[serde(flatten)]
    pub kind: QuestionKind,
    /// Shown only when an earlier answer says so ("si oui…").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// Each answer to this (open) question becomes a contribution of this theme and kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contribution: Option<ContributionLink>,
}

/// The kinds of question and what each needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One line of text.
    ShortText,
    /// Several lines of text.
    LongText,
    /// One option among several, and "Autre, précisez" when `other`.
    SingleChoice {
        /// The options, in order.
        options: Vec<Choice>,
        /// Adds "Autre, précisez" with a text field.
        #[serde(default)]
        other: bool,
    },
    /// Any number of options, and "Autre, précisez" when `other`.
    MultipleChoice {
        /// The options, in order.
        options: Vec<Choice>,
        /// Adds "Autre, précisez" with a text field.
        #[serde(default)]
        other: bool,
    },
    /// Oui / Non.
    YesNo,
    /// 1 to 5, with labelled ends.
    Scale {
        /// The label of 1.
        min_label: String,
        /// The label of 5.
        max_label: String,
    },
    /// A number, optionally bounded.
    Number {
        /// Smallest accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// The options ranked: each gets a distinct rank 1..n.
    Ranking {
        /// The options to rank.
        options: Vec<Choice>,
    },
    /// One column chosen per row (e.g. dispositifs × "je connais / j'ai utilisé / pas concerné").
    Grid {
        /// The rows (one answer each).
        rows: Vec<Choice>,
        /// The columns (the possible answers of each row).
        columns: Vec<Choice>,
    },
    /// The organisation's identity: name, legal family, SIRET (optional, checked), département,
    /// sector, employees band.
    Organisation,
}

/// An option, a row or a column: a stable value and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stable code (letters, digits, `_`, `-`): stored in answers and exports.
    pub value: String,
    /// Shown to the respondent and in the exports' labels.
    pub label: String,
}

/// When a question is shown: an earlier question's answer is one of `any_of` (for a yes/no
/// question the values are `oui` and `non`; for a scale, `1`…`5`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The earlier question.
    pub question: String,
    /// The answers that show this question.
    pub any_of: Vec<String>,
}

/// Where the answers of an open question go in the synthesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionLink {
    /// The theme's position in the consultation (1 to 5), as in the contribution import;
    /// none: a contribution not classified yet (staff give it a theme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<i32>,
    /// `constat`, `proposition`, `experience` or `question`.
    pub kind: String,
}

/// Why a definition was refused: a French message naming the place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DefinitionError(pub String);

impl QuestionKind {
    /// The French name of the kind, as the admin pages and import reports show it.
    pub fn label(&self) -> &'static str {
        match self {
            QuestionKind::ShortText => "Texte court",
            QuestionKind::LongText => "Texte long",
            QuestionKind::SingleChoice { .. } => "Choix unique",
            QuestionKind::MultipleChoice { .. } => "Choix multiple",
            QuestionKind::YesNo => "Oui / non",
            QuestionKind::Scale { .. } => "Échelle de 1 à 5",
            QuestionKind::Number { .. } => "Nombre",
            QuestionKind::Ranking { .. } => "Classement",
            QuestionKind::Grid { .. } => "Grille",
            QuestionKind::Organisation => "Identité de la structure",
        }
    }

    /// Whether the answer is free text (the only kinds that can feed contributions).
    pub fn is_open(&self) -> bool {
        matches!(self, QuestionKind::ShortText | QuestionKind::LongText)
    }

    /// The values a condition on this question may test, if it can be tested at all.
    pub fn condition_values(&self) -> Option<Vec<String>> {
        match self {
            QuestionKind::SingleChoice { options, other } | QuestionKind::MultipleChoice { options, other } => {
                let mut values: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
                if *other {
                    values.push(OTHER.to_owned());
                }
                Some(values)
            }
            QuestionKind::YesNo => Some(vec!["oui".into(), "non".into()]),
            QuestionKind::Scale { .. } => Some((1..=5).map(|n| n.to_string()).collect()),
            _ => None,
        }
    }
}

/// The value of "Autre, précisez" among a choice question's options.
pub const OTHER: &str = "autre";

impl Definition {
    /// Reads a definition from its JSON, checked.
    pub fn from_json(json: &str) -> Result<Definition, DefinitionError> {
        let definition: Definition = serde_json::from_str(json).map_err(|e| {
            DefinitionError(format!(
                "Le fichier n'est pas une définition de questionnaire Essaim (ligne {}, colonne {}) : {}.",
                e.line(),
                e.column(),
                e
            ))
        })?;
        definition.check()?;
        Ok(definition)
    }

    /// The definition as pretty JSON (the export).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Every question, in order, with its section.
    pub fn questions(&self) -> impl Iterator<Item = (&Section, &Question)> {
        self.sections.iter().flat_map(|s| s.questions.iter().map(move |q| (s, q)))
    }

    /// A question by its identifier.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().map(|(_, q)| q).find(|q| q.id == id)
    }

    /// Checks everything the pages, the answers and the exports rely on.
    pub fn check(&self) -> Result<(), DefinitionError> {
        let fail = |m: String| Err(DefinitionError(m));
        if self.format != FORMAT {
            return fail(format!("Format « {} » inconnu : attendu « {FORMAT} ».", self.format));
        }
        text(&self.title, "Le titre du questionnaire", true)?;
        text(&self.introduction, "L'introduction", false)?;
        if self.sections.is_empty() {
            return fail("Le questionnaire n'a aucune section.".into());
        }
        let total: usize = self.sections.iter().map(|s| s.questions.len()).sum();
        if total > MAX_QUESTIONS {
            return fail(format!("Le questionnaire a {total} questions : au plus {MAX_QUESTIONS}."));
        }
        let mut sections = HashSet::new();
        let mut seen: Vec<&Question> = Vec::new();
        let mut organisation = false;
        for (s, section) in self.sections.iter().enumerate() {
            let at = format!("Section {}", s + 1);
            identifier(&section.id, &at)?;
            if !sections.insert(section.id.as_str()) {
                return fail(format!("{at} : l'identifiant « {} » est déjà pris.", section.id));
            }
            text(&section.title, &format!("{at} : le titre"), true)?;
            text(&section.description, &format!("{at} : la description"), false)?;
            for question in &section.questions {
                let at = format!("Question « {} »", question.id);
                identifier(&question.id, "Une question")?;
                if seen.iter().any(|q| q.id == question.id) {
                    return fail(format!("{at} : l'identifiant est déjà pris."));
                }
                text(&question.label, &format!("{at} : l'intitulé"), true)?;
                text(&question.help, &format!("{at} : l'aide"), false)?;
                check_kind(&question.kind, &at)?;
                if matches!(question.kind, QuestionKind::Organisation) {
                    if organisation {
                        return fail(format!("{at} : le questionnaire a déjà un bloc d'identité de la structure."));
                    }
                    organisation = true;
                }
                if let Some(condition) = &question.condition {
                    check_condition(condition, &seen, &at)?;
                }
                if let Some(link) = &question.contribution {
                    check_contribution(&question.kind, link, &at)?;
                }
                seen.push(question);
            }
        }
        Ok(())
    }
}

/// Where a message is: `at : rest`, or the rest alone, capitalised, when `at` is empty (the
/// editor puts its messages next to their field, which says where).
fn placed(at: &str, rest: &str) -> String {
    if at.is_empty() {
        let mut chars = rest.chars();
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
    } else {
        format!("{at} : {rest}")
    }
}

/// A condition's rules: on an earlier question (`seen`, in order) that can be tested, with
/// possible answers only.
pub(crate) fn check_condition(condition: &Condition, seen: &[&Question], at: &str) -> Result<(), DefinitionError> {
    let fail = |rest: String| Err(DefinitionError(placed(at, &rest)));
    let Some(earlier) = seen.iter().find(|q| q.id == condition.question) else {
        return fail(format!(
            "la condition porte sur « {} », qui n'est pas une question précédente.",
            condition.question
        ));
    };
    let Some(values) = earlier.kind.condition_values() else {
        return fail("une condition ne peut porter que sur un choix, un oui / non ou une échelle.".into());
    };
    if condition.any_of.is_empty() {
        return fail("la condition ne donne aucune réponse.".into());
    }
    if let Some(bad) = condition.any_of.iter().find(|v| !values.contains(v)) {
        return fail(format!("la condition attend « {bad} », qui n'est pas une réponse possible."));
    }
    Ok(())
}

/// A contribution link's rules: an open question, a theme position, a known kind.
pub(crate) fn check_contribution(
    kind: &QuestionKind,
    link: &ContributionLink,
    at: &str,
) -> Result<(), DefinitionError> {
    let fail = |rest: String| Err(DefinitionError(placed(at, &rest)));
    if !kind.is_open() {
        return fail("seule une question ouverte peut devenir une contribution.".into());
    }
    if let Some(theme) = link.theme.filter(|t| !(1..=99).contains(t)) {
        return fail(format!("le thème {theme} n'existe pas."));
    }
    if essaim_core::domain::ContributionKind::parse(&link.kind).is_none() {
        return fail(format!(
            "le type de contribution « {} » est inconnu (constat, proposition, experience, question).",
            link.kind
        ));
    }
    Ok(())
}

/// A list of options, rows or columns: `min` to [`MAX_OPTIONS`] of them, values usable as
/// identifiers and distinct (`autre` reserved), labels not empty.
pub(crate) fn check_choices(choices: &[Choice], what: &str, min: usize, at: &str) -> Result<(), DefinitionError> {
    let fail = |rest: String| Err(DefinitionError(placed(at, &rest)));
    if choices.len() < min {
        return fail(format!("il faut au moins {min} {what}."));
    }
    if choices.len() > MAX_OPTIONS {
        return fail(format!("au plus {MAX_OPTIONS} {what}."));
    }
    let mut values = HashSet::new();
    for choice in choices {
        identifier(&choice.value, &placed(at, "une valeur"))?;
        if choice.value == OTHER {
            return fail(format!("la valeur « {OTHER} » est réservée à « Autre, précisez »."));
        }
        if !values.insert(choice.value.as_str()) {
            return fail(format!("la valeur « {} » est en double.", choice.value));
        }
        let label = format!("le libellé de « {} »", choice.value);
        text(&choice.label, &placed(at, &label), true)?;
    }
    Ok(())
}

/// What each kind of question needs.
pub(crate) fn check_kind(kind: &QuestionKind, at: &str) -> Result<(), DefinitionError> {
    match kind {
        QuestionKind::SingleChoice { options, .. } | QuestionKind::MultipleChoice { options, .. } => {
            check_choices(options, "options", 1, at)
        }
        QuestionKind::Ranking { options } => check_choices(options, "options à classer", 2, at),
        QuestionKind::Grid { rows, columns } => {
            check_choices(rows, "lignes", 1, at)?;
            check_choices(columns, "colonnes", 2, at)
        }
        QuestionKind::Scale { min_label, max_label } => {
            text(min_label, &placed(at, "le libellé de 1"), true)?;
            text(max_label, &placed(at, "le libellé de 5"), true)
        }
        QuestionKind::Number { min: Some(min), max: Some(max) } if min > max => {
            Err(DefinitionError(placed(at, "le minimum dépasse le maximum.")))
        }
        QuestionKind::Number { min, max }
            if min.is_some_and(|v| !v.is_finite()) || max.is_some_and(|v| !v.is_finite()) =>
        {
            Err(DefinitionError(placed(at, "les bornes doivent être des nombres.")))
        }
        _ => Ok(()),
    }
}

/// An identifier usable in a form field's name and an export's column: 1 to 40 ASCII letters,
/// digits, `_` or `-`, starting with a letter.
pub(crate) fn identifier(id: &str, at: &str) -> Result<(), DefinitionError> {
    let ok = (1..=40).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        let rest = format!(
            "l'identifiant « {} » doit faire 1 à 40 caractères, lettres sans accent, chiffres, « _ » ou « - », et commencer par une lettre.",
            id.chars().take(60).collect::<String>()
        );
        Err(DefinitionError(placed(at, &rest)))
    }
}

pub(crate) fn text(value: &str, what: &str, required: bool) -> Result<(), DefinitionError> {
    if required && value.trim().is_empty() {
        return Err(DefinitionError(format!("{what} est vide.")));
    }
    if value.chars().count() > MAX_LABEL_CHARS {
        return Err(DefinitionError(format!("{what} dépasse {MAX_LABEL_CHARS} caractères.")));
    }
    Ok(())
}

/// Turns any text into an identifier (for imports whose codes do not fit): ASCII letters and
/// digits, accents dropped, at most 40 characters, starting with a letter.
pub fn identifier_from(raw: &str, prefix: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Decomposed, "é" is "e" then a combining accent, which is not ASCII and is dropped.
    let ascii: String = raw
        .nfd()
        .filter(|c| c.is_ascii() || !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    let mut out: String = ascii.trim_matches('_').chars().take(40).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out = format!("{prefix}{out}").chars().take(40).collect();
    }
    out
}
