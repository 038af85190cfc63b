//! A response's answers and their checks.
//!
//! Answers are kept as the form sends them: each field name with its values (a multiple choice
//! has several). That shape is the same for a page without JavaScript, for the draft saved as
//! one types and for the API, so a refused page can be shown again exactly as it was typed.
//! Field names derive from the question's identifier:
//!
//! | question | fields |
//! | --- | --- |
//! | text, yes/no (`oui`/`non`), scale (`1`…`5`), number | `q` |
//! | single or multiple choice | `q` (the options' values, `autre`), `q.autre` (its text) |
//! | ranking | `q.<option>`: the option's rank |
//! | grid | `q.<row>`: the column chosen |
//! | organisation | `q.nom`, `q.famille`, `q.siret`, `q.departement`, `q.secteur`, `q.effectif` |

use std::collections::BTreeMap;

use essaim_core::domain::consultation::ConsultationFrame;
use essaim_core::domain::contribution::MAX_CONTRIBUTION_CHARS;
use essaim_core::domain::LegalFamily;
use essaim_core::validation::Siret;
use serde::{Deserialize, Serialize};

use super::definition::{Choice, Definition, Question, QuestionKind, OTHER};

/// The answers of a response: field name → values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Vec<String>>);

/// The longest short text (characters).
pub const MAX_SHORT_TEXT_CHARS: usize = 500;

/// The code of the identity block's last territory: somewhere the consultation does not cover.
pub const OUTSIDE: &str = "autre";

/// The territories a respondent can name: the consultation's, then « Hors territoire »
/// (code, label).
pub fn identity_territories(frame: &ConsultationFrame) -> Vec<(String, String)> {
    frame
        .territories
        .iter()
        .map(|t| (t.code.clone(), essaim_core::domain::territory::label(t)))
        .chain(std::iter::once((OUTSIDE.to_owned(), "Hors du territoire de la consultation".to_owned())))
        .collect()
}

/// The legal families a respondent can choose: the consultation's (code, label).
pub fn identity_families(frame: &ConsultationFrame) -> Vec<(String, String)> {
    frame.legal_families.iter().map(|f| (f.as_str().to_owned(), f.label().to_owned())).collect()
}

/// The employees bands of the identity block.
pub const EMPLOYEES_BANDS: &[(&str, &str)] = &[
    ("0", "Aucun salarié"),
    ("1-9", "1 à 9 salariés"),
    ("10-49", "10 à 49 salariés"),
    ("50-249", "50 à 249 salariés"),
    ("250+", "250 salariés et plus"),
];

/// The parts of the identity block: (suffix, French label, required when the block is).
pub const ORGANISATION_FIELDS: &[(&str, &str, bool)] = &[
    ("nom", "Nom de la structure", true),
    ("famille", "Famille juridique", true),
    ("siret", "SIRET (facultatif)", false),
    ("departement", "Département", true),
    ("secteur", "Secteur d'activité", false),
    ("effectif", "Nombre de salariés", false),
];

/// One refused field: its name (the anchor of the error summary) and the French message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The question.
    pub question: String,
    /// The field the message is tied to (its `id` on the page).
    pub field: String,
    /// What is wrong, in French.
    pub message: String,
}

impl Answers {
    /// Answers from (field, value) pairs, a field repeated for several values (as a form
    /// posts checkboxes).
    pub fn from_pairs(fields: &[(&str, &str)]) -> Answers {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (field, value) in fields {
            map.entry((*field).to_owned()).or_default().push((*value).to_owned());
        }
        Answers(map)
    }

    /// The values of a field (none when unanswered).
    pub fn values(&self, field: &str) -> &[String] {
        self.0.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first value of a field, trimmed, if not blank.
    pub fn value(&self, field: &str) -> Option<&str> {
        self.values(field).iter().map(|v| v.trim()).find(|v| !v.is_empty())
    }

    /// Replaces what a question holds by what `posted` holds for it (a saved page).
    pub fn replace_question(&mut self, question: &Question, posted: &Answers) {
        self.0.retain(|field, _| !belongs_to(field, &question.id));
        for (field, values) in &posted.0 {
            if belongs_to(field, &question.id) {
                let kept: Vec<String> = values.iter().filter(|v| !v.trim().is_empty()).cloned().collect();
                if !kept.is_empty() {
                    self.0.insert(field.clone(), kept);
                }
            }
        }
    }

    /// What a question holds, for comparison (two tabs).
    pub fn of_question(&self, question: &str) -> BTreeMap<&str, &[String]> {
        self.0.iter().filter(|(f, _)| belongs_to(f, question)).map(|(f, v)| (f.as_str(), v.as_slice())).collect()
    }

    /// Whether a question has any answer.
    pub fn answered(&self, question: &str) -> bool {
        self.0.iter().any(|(f, v)| belongs_to(f, question) && v.iter().any(|x| !x.trim().is_empty()))
    }

    /// Keeps only the fields the definition knows, without blanks, each value bounded, so
    /// that stored drafts never grow with fields a client invented.
    pub fn retain_known(&mut self, definition: &Definition) {
        self.0.retain(|field, _| {
            let question = field.split('.').next().unwrap_or_default();
            definition.question(question).is_some_and(|q| field_allowed(q, field))
        });
        // A blank field is no answer: "" and absent compare equal (two tabs, a resend).
        for values in self.0.values_mut() {
            values.retain(|v| !v.trim().is_empty());
        }
        self.0.retain(|_, values| !values.is_empty());
        for values in self.0.values_mut() {
            values.truncate(MAX_VALUES);
            for v in values.iter_mut() {
                if v.chars().count() > MAX_CONTRIBUTION_CHARS {
                    *v = v.chars().take(MAX_CONTRIBUTION_CHARS).collect();
                }
            }
        }
    }

    /// Clears the answers of every question that its condition now hides (an answer typed
    /// before the respondent changed their mind is not kept, and exports blank).
    pub fn clear_hidden(&mut self, definition: &Definition) {
        for (_, question) in definition.questions() {
            if !self.shows(question) {
                self.0.retain(|field, _| !belongs_to(field, &question.id));
            }
        }
    }

    /// Whether a question is shown, given the answers so far.
    pub fn shows(&self, question: &Question) -> bool {
        match &question.condition {
            None => true,
            Some(condition) => self.values(&condition.question).iter().any(|v| condition.any_of.contains(v)),
        }
    }
}

/// The most values one field may hold (a multiple choice's options).
const MAX_VALUES: usize = 100;

fn belongs_to(field: &str, question: &str) -> bool {
    field == question || field.strip_prefix(question).is_some_and(|rest| rest.starts_with('.'))
}

fn field_allowed(question: &Question, field: &str) -> bool {
    let suffix = field.strip_prefix(question.id.as_str()).unwrap_or_default();
    let part = suffix.strip_prefix('.');
    match (&question.kind, part) {
        (_, None) if suffix.is_empty() => !matches!(
            question.kind,
            QuestionKind::Ranking { .. } | QuestionKind::Grid { .. } | QuestionKind::Organisation
        ),
        (
            QuestionKind::SingleChoice { other: true, .. } | QuestionKind::MultipleChoice { other: true, .. },
            Some(p),
        ) => p == OTHER,
        (QuestionKind::Ranking { options }, Some(p)) => options.iter().any(|o| o.value == p),
        (QuestionKind::Grid { rows, .. }, Some(p)) => rows.iter().any(|r| r.value == p),
        (QuestionKind::Organisation, Some(p)) => ORGANISATION_FIELDS.iter().any(|(s, _, _)| *s == p),
        _ => false,
    }
}

/// Checks the answers to one section's shown questions.
/// The identity block's choices are the consultation's (`frame`).
pub fn check_section(
    definition: &Definition,
    frame: &ConsultationFrame,
    section: usize,
    answers: &Answers,
) -> Vec<FieldError> {
    let Some(section) = definition.sections.get(section) else { return Vec::new() };
    section.questions.iter().filter(|q| answers.shows(q)).flat_map(|q| check_question(q, frame, answers)).collect()
}

/// Checks the whole response: every section, in order, with the section of each error.
pub fn check_all(definition: &Definition, frame: &ConsultationFrame, answers: &Answers) -> Vec<(usize, FieldError)> {
    (0..definition.sections.len())
        .flat_map(|s| check_section(definition, frame, s, answers).into_iter().map(move |e| (s, e)))
        .collect()
}

fn check_question(question: &Question, frame: &ConsultationFrame, answers: &Answers) -> Vec<FieldError> {
    let id = question.id.as_str();
    let error = |field: String, message: String| FieldError { question: id.to_owned(), field, message };
    let mut errors = Vec::new();
    let required = question.required;
    let missing = |what: &str| format!("{what} : cette question est obligatoire.");
    match &question.kind {
        QuestionKind::ShortText | QuestionKind::LongText => {
            let limit = if matches!(question.kind, QuestionKind::ShortText) {
                MAX_SHORT_TEXT_CHARS
            } else {
                MAX_CONTRIBUTION_CHARS
            };
            match answers.value(id) {
                None if required => errors.push(error(id.into(), missing("Répondez"))),
                Some(text) if text.chars().count() > limit => errors.push(error(
                    id.into(),
                    format!("Votre réponse compte {} caractères : {limit} au plus.", text.chars().count()),
                )),
                _ => {}
            }
        }
        QuestionKind::SingleChoice { options, other } | QuestionKind::MultipleChoice { options, other } => {
            let chosen = answers.values(id);
            let multiple = matches!(question.kind, QuestionKind::MultipleChoice { .. });
            let known = |v: &String| options.iter().any(|o| &o.value == v) || (*other && v == OTHER);
            if chosen.is_empty() && required {
                errors.push(error(
                    id.into(),
                    missing(if multiple { "Cochez au moins une réponse" } else { "Choisissez une réponse" }),
                ));
            } else if chosen.iter().any(|v| !known(v)) || (!multiple && chosen.len() > 1) {
                errors.push(error(id.into(), "Choisissez parmi les réponses proposées.".into()));
            }
            let other_field = format!("{id}.{OTHER}");
            if *other && chosen.iter().any(|v| v == OTHER) && answers.value(&other_field).is_none() {
                errors.push(error(other_field.clone(), "Vous avez choisi « Autre » : précisez.".into()));
            }
            if answers.value(&other_field).is_some_and(|t| t.chars().count() > MAX_SHORT_TEXT_CHARS) {
                errors.push(error(other_field, format!("Précisez en {MAX_SHORT_TEXT_CHARS} caractères au plus.")));
            }
        }
        QuestionKind::YesNo => one_of(answers, id, &["oui", "non"], required, &mut errors),
        QuestionKind::Scale { .. } => one_of(answers, id, &["1", "2", "3", "4", "5"], required, &mut errors),
        QuestionKind::Number { min, max } => match answers.value(id) {
            None if required => errors.push(error(id.into(), missing("Indiquez un nombre"))),
            None => {}
            Some(raw) => match parse_number(raw) {
                None => errors.push(error(id.into(), "Écrivez un nombre, par exemple 12 ou 3,5.".into())),
                Some(n) if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) => errors.push(error(
                    id.into(),
                    match (min, max) {
                        (Some(a), Some(b)) => format!("Indiquez un nombre entre {a} et {b}."),
                        (Some(a), None) => format!("Indiquez un nombre supérieur ou égal à {a}."),
                        (None, Some(b)) => format!("Indiquez un nombre inférieur ou égal à {b}."),
                        (None, None) => String::new(),
                    },
                )),
                Some(_) => {}
            },
        },
        QuestionKind::Ranking { options } => check_ranking(id, options, answers, required, &mut errors),
        QuestionKind::Grid { rows, columns } => {
            for row in rows {
                let field = format!("{id}.{}", row.value);
                match answers.value(&field) {
                    None if required => {
                        errors.push(error(field, format!("« {} » : choisissez une réponse.", row.label)))
                    }
                    Some(v) if !columns.iter().any(|c| c.value == v) => errors
                        .push(error(field, format!("« {} » : choisissez parmi les réponses proposées.", row.label))),
                    _ => {}
                }
            }
        }
        QuestionKind::Organisation => check_organisation(id, frame, answers, required, &mut errors),
    }
    errors
}

fn one_of(answers: &Answers, id: &str, allowed: &[&str], required: bool, errors: &mut Vec<FieldError>) {
    let message = match answers.value(id) {
        None if required => "Choisissez une réponse : cette question est obligatoire.",
        Some(v) if !allowed.contains(&v) => "Choisissez parmi les réponses proposées.",
        _ => return,
    };
    errors.push(FieldError { question: id.into(), field: id.into(), message: message.into() });
}

fn check_ranking(id: &str, options: &[Choice], answers: &Answers, required: bool, errors: &mut Vec<FieldError>) {
    let ranks: Vec<Option<&str>> = options.iter().map(|o| answers.value(&format!("{id}.{}", o.value))).collect();
    let given: Vec<&str> = ranks.iter().flatten().copied().collect();
    let first = options.first().map(|o| format!("{id}.{}", o.value)).unwrap_or_else(|| id.to_owned());
    let fail = |message: String| FieldError { question: id.into(), field: first.clone(), message };
    if given.is_empty() {
        if required {
            errors.push(fail("Classez les propositions : cette question est obligatoire.".into()));
        }
        return;
    }
    let n = options.len();
    let mut numbers: Vec<usize> = given.iter().filter_map(|r| r.parse().ok()).filter(|r| (1..=n).contains(r)).collect();
    numbers.sort_unstable();
    let complete = given.len() == n && numbers.len() == n && numbers.windows(2).all(|w| w[0] != w[1]);
    if !complete {
        errors.push(fail(format!("Donnez à chaque proposition un rang différent, de 1 à {n}.")));
    }
}

fn check_organisation(
    id: &str,
    frame: &ConsultationFrame,
    answers: &Answers,
    required: bool,
    errors: &mut Vec<FieldError>,
) {
    for (suffix, label, needed) in ORGANISATION_FIELDS {
        let field = format!("{id}.{suffix}");
        let value = answers.value(&field);
        let message = match (*suffix, value) {
            (_, None) if required && *needed => Some(format!("{label} : ce champ est obligatoire.")),
            ("famille", Some(v)) if !LegalFamily::parse(v).is_some_and(|f| frame.legal_families.contains(&f)) => {
                Some("Famille juridique : choisissez parmi les familles proposées.".into())
            }
            ("departement", Some(v)) if v != OUTSIDE && !frame.territories.iter().any(|t| t.code == v) => {
                Some("Territoire : choisissez parmi les territoires proposés.".into())
            }
            ("effectif", Some(v)) if !EMPLOYEES_BANDS.iter().any(|(code, _)| *code == v) => {
                Some("Nombre de salariés : choisissez une tranche proposée.".into())
            }
            ("siret", Some(v)) => Siret::parse(v).err().map(|m| format!("SIRET : {m}")),
            (_, Some(v)) if v.chars().count() > MAX_SHORT_TEXT_CHARS => {
                Some(format!("{label} : {MAX_SHORT_TEXT_CHARS} caractères au plus."))
            }
            _ => None,
        };
        if let Some(message) = message {
            errors.push(FieldError { question: id.into(), field, message });
        }
    }
}

/// Reads a number as French speakers write it: `3,5`, `1 200`, `-2`.
pub fn parse_number(raw: &str) -> Option<f64> {
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace()).map(|c| if c == ',' { '.' } else { c }).collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn label_of<'a>(choices: &'a [Choice], value: &'a str) -> &'a str {
    choices.iter().find(|c| c.value == value).map_or(value, |c| c.label.as_str())
}

/// An answer as a person reads it (the copy e-mailed, the confirmation page, the exports'
/// labels): `None` when unanswered.
pub fn readable(question: &Question, frame: &ConsultationFrame, answers: &Answers) -> Option<String> {
    let id = question.id.as_str();
    let other = || answers.value(&format!("{id}.{OTHER}")).map(|t| format!("Autre : {t}"));
    let text = match &question.kind {
        QuestionKind::ShortText | QuestionKind::LongText | QuestionKind::Number { .. } => {
            answers.value(id).map(str::to_owned)
        }
        QuestionKind::YesNo => answers.value(id).map(|v| if v == "oui" { "Oui".into() } else { "Non".into() }),
        QuestionKind::Scale { min_label, max_label } => answers.value(id).map(|v| match v {
            "1" => format!("1 ({min_label})"),
            "5" => format!("5 ({max_label})"),
            other => other.to_owned(),
        }),
        QuestionKind::SingleChoice { options, .. } | QuestionKind::MultipleChoice { options, .. } => {
            let parts: Vec<String> = answers
                .values(id)
                .iter()
                .filter_map(|v| if v == OTHER { other() } else { Some(label_of(options, v).to_owned()) })
                .collect();
            (!parts.is_empty()).then(|| parts.join(" ; "))
        }
        QuestionKind::Ranking { options } => {
            let mut ranked: Vec<(usize, &str)> = options
                .iter()
                .filter_map(|o| {
                    answers
                        .value(&format!("{id}.{}", o.value))
                        .and_then(|r| r.parse().ok())
                        .map(|r| (r, o.label.as_str()))
                })
                .collect();
            ranked.sort_unstable();
            (!ranked.is_empty())
                .then(|| ranked.iter().map(|(r, l)| format!("{r}. {l}")).collect::<Vec<_>>().join(" ; "))
        }
        QuestionKind::Grid { rows, columns } => {
            let parts: Vec<String> = rows
                .iter()
                .filter_map(|r| {
                    answers
                        .value(&format!("{id}.{}", r.value))
                        .map(|c| format!("{} : {}", r.label, label_of(columns, c)))
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join(" ; "))
        }
        QuestionKind::Organisation => {
            let parts: Vec<String> = ORGANISATION_FIELDS
                .iter()
                .filter_map(|(suffix, label, _)| {
                    let value = answers.value(&format!("{id}.{suffix}"))?;
                    let shown = match *suffix {
                        "famille" => LegalFamily::parse(value).map_or(value, |f| f.label()).to_owned(),
                        "departement" => identity_territories(frame)
                            .into_iter()
                            .find(|(code, _)| code == value)
                            .map_or_else(|| value.to_owned(), |(_, label)| label),
                        "effectif" => {
                            EMPLOYEES_BANDS.iter().find(|(c, _)| *c == value).map_or(value, |(_, n)| *n).to_owned()
                        }
                        _ => value.to_owned(),
                    };
                    Some(format!("{label} : {shown}"))
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join(" ; "))
        }
    };
    text.filter(|t| !t.is_empty())
}
