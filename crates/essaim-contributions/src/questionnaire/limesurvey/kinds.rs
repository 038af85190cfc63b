//! What each LimeSurvey question type becomes (the table in the module's documentation), with
//! its options, bounds or grid, or the French reason it is left out.

use std::collections::{HashMap, HashSet};

use super::build::{code_label, unique, Mapped};
use super::html::{plain, shorten};
use super::tables::{Entity, Lss};
use crate::questionnaire::definition::{identifier_from, Choice, QuestionKind, MAX_OPTIONS, OTHER};

/// The LimeSurvey type's Essaim kind, or why it has none.
pub(super) fn map_kind(lss: &Lss, q: &Entity) -> Result<Mapped, String> {
    let qid = q.row.get("qid");
    let other = q.row.get("other") == "Y";
    let plain_kind = |kind| Ok(Mapped { kind, values: HashMap::new(), warning: None });
    match q.row.get("type") {
        "S" => plain_kind(QuestionKind::ShortText),
        "T" | "U" => plain_kind(QuestionKind::LongText),
        "L" | "!" => single_choice(options(lss.answer_options(qid, "0"), "answer")?, other),
        "G" => single_choice(gender(), false),
        "M" | "P" => multiple_choice(lss, q, other),
        "Y" => Ok(Mapped { kind: QuestionKind::YesNo, values: yes_no(), warning: None }),
        "5" => plain_kind(QuestionKind::Scale { min_label: "1".into(), max_label: "5".into() }),
        "N" => number(lss, qid),
        "R" => ranking(lss, qid),
        "F" | "H" => grid(lss, qid, options(lss.answer_options(qid, "0"), "answer")?),
        "A" => grid(lss, qid, fixed((1..=5).map(|n| (n.to_string(), n.to_string())))),
        "B" => grid(lss, qid, fixed((1..=10).map(|n| (n.to_string(), n.to_string())))),
        "C" => grid(lss, qid, fixed([("Y", "Oui"), ("U", "Incertain"), ("N", "Non")].map(owned))),
        "E" => grid(lss, qid, fixed([("I", "Augmenter"), ("S", "Sans changement"), ("D", "Diminuer")].map(owned))),
        other => Err(unsupported(other).into()),
    }
}

fn owned((code, label): (&str, &str)) -> (String, String) {
    (code.to_owned(), label.to_owned())
}

/// Why a type is not imported.
fn unsupported(kind: &str) -> &'static str {
    match kind {
        "X" => "simple texte affiché, sans réponse à recueillir.",
        "*" => "équation calculée par LimeSurvey, sans réponse du répondant.",
        "D" => "les dates ne sont pas un type de question Essaim.",
        "|" => "l'envoi de fichiers n'est pas possible dans le questionnaire Essaim.",
        "K" => "plusieurs nombres dans une même question : créez une question « Nombre » par valeur.",
        "Q" => "plusieurs textes courts dans une même question : créez une question « Texte court » par champ.",
        ";" | ":" => "tableau de saisies libres : une grille Essaim n'offre qu'un choix par ligne.",
        "O" => "liste avec commentaire : pas d'équivalent (un choix unique avec « Autre, précisez » s'en approche).",
        "1" => "tableau à double échelle : une grille Essaim n'a qu'une échelle.",
        "I" => "choix de la langue, propre à LimeSurvey.",
        _ => "type de question LimeSurvey inconnu.",
    }
}

/// The French name of a LimeSurvey question type, for the report.
pub(super) fn type_name(kind: &str) -> &'static str {
    match kind {
        "1" => "tableau à double échelle",
        "5" => "choix sur 5 points",
        "A" => "tableau à 5 points",
        "B" => "tableau à 10 points",
        "C" => "tableau oui / incertain / non",
        "D" => "date",
        "E" => "tableau augmenter / sans changement / diminuer",
        "F" => "tableau",
        "G" => "genre",
        "H" => "tableau par colonne",
        "I" => "changement de langue",
        "K" => "numérique multiple",
        "L" => "liste",
        "M" => "choix multiples",
        "N" => "numérique",
        "O" => "liste avec commentaire",
        "P" => "choix multiples avec commentaires",
        "Q" => "textes courts multiples",
        "R" => "classement",
        "S" => "texte court",
        "T" => "texte long",
        "U" => "texte très long",
        "X" => "affichage de texte",
        "Y" => "oui / non",
        "!" => "liste déroulante",
        ":" => "tableau de nombres",
        ";" => "tableau de textes",
        "|" => "envoi de fichier",
        "*" => "équation",
        _ => "type inconnu",
    }
}

/// Choices from answers (`text_column` "answer") or subquestions ("question"), with the map from
/// LimeSurvey codes to our values. Values are unique and never [`OTHER`].
fn options(items: Vec<&Entity>, text_column: &str) -> Result<(Vec<Choice>, HashMap<String, String>), String> {
    let code_column = if text_column == "answer" { "code" } else { "title" };
    let pairs = items.iter().map(|e| (e.row.get(code_column).to_owned(), plain(e.text.get(text_column))));
    too_many(fixed(pairs))
}

/// Choices from (code, label) pairs.
fn fixed(pairs: impl IntoIterator<Item = (String, String)>) -> (Vec<Choice>, HashMap<String, String>) {
    let mut used: HashSet<String> = HashSet::from([OTHER.to_owned()]);
    let mut values = HashMap::new();
    let choices = pairs
        .into_iter()
        .map(|(code, label)| {
            let value = unique(identifier_from(&code, "o"), &mut used);
            values.insert(code.clone(), value.clone());
            Choice { value, label: if label.is_empty() { code_label(&code) } else { label } }
        })
        .collect();
    (choices, values)
}

fn too_many(
    (choices, values): (Vec<Choice>, HashMap<String, String>),
) -> Result<(Vec<Choice>, HashMap<String, String>), String> {
    if choices.len() > MAX_OPTIONS {
        return Err(format!("{} options, lignes ou colonnes : au plus {MAX_OPTIONS}.", choices.len()));
    }
    Ok((choices, values))
}

fn single_choice((options, mut values): (Vec<Choice>, HashMap<String, String>), other: bool) -> Result<Mapped, String> {
    if options.is_empty() {
        return Err("liste sans aucune option.".into());
    }
    if other {
        values.insert("-oth-".into(), OTHER.into());
    }
    Ok(Mapped { kind: QuestionKind::SingleChoice { options, other }, values, warning: None })
}

fn multiple_choice(lss: &Lss, q: &Entity, other: bool) -> Result<Mapped, String> {
    let (options, values) = options(lss.subquestions(q.row.get("qid"), "0"), "question")?;
    if options.is_empty() {
        return Err("choix multiples sans aucune option.".into());
    }
    let warning = (q.row.get("type") == "P").then(|| "les commentaires des options ne sont pas repris.".to_owned());
    Ok(Mapped { kind: QuestionKind::MultipleChoice { options, other }, values, warning })
}

/// LimeSurvey's gender question: `F` and `M`, and no other answer.
fn gender() -> (Vec<Choice>, HashMap<String, String>) {
    fixed([("F", "Femme"), ("M", "Homme")].map(owned))
}

fn yes_no() -> HashMap<String, String> {
    HashMap::from([("Y".into(), "oui".into()), ("N".into(), "non".into())])
}

fn number(lss: &Lss, qid: &str) -> Result<Mapped, String> {
    let mut notes = Vec::new();
    let mut bound = |name: &str, what: &str| {
        let raw = lss.attribute(qid, name);
        let value = raw.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite());
        if !raw.is_empty() && value.is_none() {
            notes.push(format!("{what} « {} » n'est pas un nombre et n'est pas repris", shorten(raw, 60)));
        }
        value
    };
    let (mut min, mut max) = (bound("min_num_value_n", "le minimum"), bound("max_num_value_n", "le maximum"));
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            notes.push(format!("le minimum {lo} dépasse le maximum {hi} : aucune borne n'est reprise"));
            (min, max) = (None, None);
        }
    }
    let warning = (!notes.is_empty()).then(|| format!("{}.", notes.join(" ; ")));
    Ok(Mapped { kind: QuestionKind::Number { min, max }, values: HashMap::new(), warning })
}

fn ranking(lss: &Lss, qid: &str) -> Result<Mapped, String> {
    let (options, values) = options(lss.answer_options(qid, "0"), "answer")?;
    if options.len() < 2 {
        return Err("classement de moins de deux options.".into());
    }
    Ok(Mapped { kind: QuestionKind::Ranking { options }, values, warning: None })
}

/// Rows from the subquestions, columns as given.
fn grid(lss: &Lss, qid: &str, (columns, _): (Vec<Choice>, HashMap<String, String>)) -> Result<Mapped, String> {
    let (rows, _) = options(lss.subquestions(qid, "0"), "question")?;
    if rows.is_empty() {
        return Err("tableau sans aucune ligne (sous-question).".into());
    }
    if columns.len() < 2 {
        return Err("tableau de moins de deux colonnes (réponses).".into());
    }
    if columns.len() > MAX_OPTIONS {
        return Err(format!("{} colonnes : au plus {MAX_OPTIONS}.", columns.len()));
    }
    Ok(Mapped { kind: QuestionKind::Grid { rows, columns }, values: HashMap::new(), warning: None })
}
