//! Import of LimeSurvey structure files (`.lss`, LimeSurvey 3.x to 6.x) into a questionnaire
//! [`Definition`].
//!
//! A `.lss` file is an XML dump of LimeSurvey's tables: each table is a `<name>` element holding
//! `<rows><row><column>value</column>…</row></rows>`. Files of LimeSurvey 3.x (DBVersion below
//! 400) keep texts in the structural tables (`questions.question`, `groups.group_name`,
//! `answers.answer`, one row per language); files of 4.x and later keep them apart
//! (`question_l10ns`, `group_l10ns`, `answer_l10ns`). Both are read the same way: rows of one
//! entity are grouped, the survey's base language is preferred, and the texts come from the
//! `_l10ns` table when it has rows for the entity, from the row itself otherwise.
//!
//! What maps onto what (the table of docs/questionnaire.md):
//!
//! | LimeSurvey | Essaim |
//! | --- | --- |
//! | `S` texte court | Texte court |
//! | `T` texte long, `U` texte très long | Texte long |
//! | `L` liste (radio), `!` liste déroulante | Choix unique (options = réponses ; `other` = « Autre, précisez ») |
//! | `M` choix multiples, `P` choix multiples avec commentaires | Choix multiple (options = sous-questions ; les commentaires de `P` sont perdus, signalé) |
//! | `Y` oui / non | Oui / non |
//! | `5` choix sur 5 points | Échelle de 1 à 5 (libellés « 1 » et « 5 ») |
//! | `N` numérique | Nombre (bornes `min_num_value_n` / `max_num_value_n`) |
//! | `R` classement | Classement (options = réponses) |
//! | `F` tableau, `H` tableau par colonne | Grille (lignes = sous-questions, colonnes = réponses) |
//! | `A` tableau 5 points, `B` tableau 10 points | Grille (colonnes 1 à 5, 1 à 10) |
//! | `C` tableau Oui / Incertain / Non | Grille (colonnes Oui, Incertain, Non) |
//! | `E` tableau Augmenter / Sans changement / Diminuer | Grille (ces trois colonnes) |
//! | `G` genre | Choix unique (Femme, Homme) |
//! | `X` `D` `\|` `*` `K` `Q` `;` `:` `O` `1` `I`, types inconnus | écartés, avec la raison |
//!
//! Also skipped: questions hidden in LimeSurvey (attribute `hidden`), questions beyond
//! [`MAX_QUESTIONS`], lists with more than [`MAX_OPTIONS`] options or too few to be usable,
//! questions whose group is missing. Groups left without questions are dropped. `mandatory` `Y`
//! makes a question required; `S` (LimeSurvey 6's "soft" mandatory, which lets the respondent
//! go on) does not. Codes become identifiers with [`identifier_from`], made unique with `_2`,
//! `_3`…; option values never take `autre`, kept for "Autre, précisez".
//!
//! Conditions: a `relevance` made only of `CODE == "value"` tests joined by `or` (with or
//! without `.NAOK`, by code or by LimeSurvey 3's `sidXgidXqid` name, and `CODE_SUB == "Y"` for
//! an option of a multiple choice) on one earlier question taken as a choice, a yes / no or a
//! scale becomes a [`Condition`]. Any other relevance keeps the question unconditional and adds
//! a line to [`ImportReport::warnings`] (a separate list: the question itself was taken).
//!
//! Texts are HTML in LimeSurvey: they are turned into plain text (tags stripped, `<script>` and
//! `<style>` dropped with their content, entities decoded, whitespace collapsed, capped at
//! [`MAX_LABEL_CHARS`]) so that no markup crosses the import (LimeSurvey's own #20697 was an XSS
//! through a `.lss` import). A `<` decoded from `&lt;` that could open a tag becomes `‹`.
//!
//! [`MAX_QUESTIONS`]: super::definition::MAX_QUESTIONS
//! [`MAX_OPTIONS`]: super::definition::MAX_OPTIONS
//! [`MAX_LABEL_CHARS`]: super::definition::MAX_LABEL_CHARS
//! [`identifier_from`]: super::definition::identifier_from
//! [`Condition`]: super::definition::Condition

mod build;
mod html;
mod kinds;
mod relevance;
mod tables;

use roxmltree::{Document, Node, ParsingOptions};

use super::definition::{Definition, DefinitionError};
use build::Import;
use html::shorten;
use kinds::type_name;
use tables::{cell_text, Lss};

/// What an import produced: the definition, and what it could not take.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// The imported questionnaire, checked.
    pub definition: Definition,
    /// The questions left out, in the order of the import (groups, then questions).
    pub skipped: Vec<Skipped>,
    /// How many questions were taken.
    pub taken: usize,
    /// What was taken only in part (a condition, comments, a bound…), in French.
    pub warnings: Vec<String>,
}

/// A LimeSurvey question left out of the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The LimeSurvey code (`title` column).
    pub code: String,
    /// The LimeSurvey type letter (`type` column).
    pub limesurvey_type: String,
    /// The question's text, plain.
    pub title: String,
    /// Why, in French.
    pub reason: String,
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum LssError {
    /// Not XML, or XML that is not a LimeSurvey survey structure.
    #[error("Ce fichier n'est pas une structure LimeSurvey (.lss) : {0}")]
    NotLss(String),
    /// A survey, but nothing in it maps onto the questionnaire.
    #[error("Aucune question de ce questionnaire LimeSurvey n'a pu être reprise ({} écartée(s)).", .0.len())]
    NoQuestion(Vec<Skipped>),
    /// The imported definition does not pass [`Definition::check`].
    #[error("Le questionnaire importé de LimeSurvey est refusé : {0}")]
    Invalid(#[source] DefinitionError),
}

impl ImportReport {
    /// The report shown after an import, in French, one line per skipped question or warning.
    pub fn summary(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| if n > 1 { many.to_owned() } else { one.to_owned() };
        let mut out = format!(
            "Import LimeSurvey : {} {} {}, {} {}.",
            self.taken,
            plural(self.taken, "question", "questions"),
            plural(self.taken, "reprise", "reprises"),
            self.skipped.len(),
            plural(self.skipped.len(), "écartée", "écartées"),
        );
        if !self.skipped.is_empty() {
            out.push_str("\nQuestions écartées :");
            for s in &self.skipped {
                out.push_str(&format!(
                    "\n- {} « {} » (type « {} », {}) : {}",
                    s.code,
                    shorten(&s.title, 80),
                    s.limesurvey_type,
                    type_name(&s.limesurvey_type),
                    s.reason
                ));
            }
        }
        if !self.warnings.is_empty() {
            out.push_str("\nÀ vérifier :");
            for w in &self.warnings {
                out.push_str(&format!("\n- {w}"));
            }
        }
        out
    }
}

/// Imports a LimeSurvey structure file (`.lss`). Never panics: whatever the input, a report or
/// an error.
pub fn import_lss(xml: &str) -> Result<ImportReport, LssError> {
    // A byte-order mark is what some editors add in front; roxmltree would refuse it.
    let xml = xml.trim_start_matches('\u{feff}');
    let options = ParsingOptions { allow_dtd: false, nodes_limit: NODES_LIMIT, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(xml, options).map_err(xml_error)?;
    let root = survey_root(&doc)?;
    let lss = Lss::read(root);
    let mut import = Import::default();
    import.anonymity(&lss);
    for group in lss.sorted_groups() {
        import.section(&lss, group);
    }
    import.orphans(&lss);
    import.finish(&lss)
}

/// Far above any real survey (a 500-question one is some 200,000 nodes), and a bound on the
/// memory a hostile file can take.
const NODES_LIMIT: u32 = 5_000_000;

fn xml_error(e: roxmltree::Error) -> LssError {
    // roxmltree's own messages are English: the French ones keep only what helps a person.
    let at = e.pos();
    let why = match e {
        roxmltree::Error::DtdDetected => {
            "il contient une déclaration <!DOCTYPE …>, refusée par sécurité (une structure LimeSurvey n'en a pas)."
                .into()
        }
        roxmltree::Error::NodesLimitReached => "il est bien trop grand pour un questionnaire.".into(),
        roxmltree::Error::EntityReferenceLoop(_) => "il contient des entités qui se répètent sans fin.".into(),
        roxmltree::Error::NoRootNode => "il est vide ou n'est pas du XML.".into(),
        roxmltree::Error::UnclosedRootNode => "il s'arrête avant la fin (fichier tronqué ?).".into(),
        _ if at.row == 1 && at.col == 1 => "il n'est pas du XML.".into(),
        _ => format!("le XML est illisible ligne {}, colonne {} (fichier tronqué ou abîmé ?).", at.row, at.col),
    };
    LssError::NotLss(why)
}

/// The `<document>` root, once it says it holds a whole survey.
fn survey_root<'a, 'i>(doc: &'a Document<'i>) -> Result<Node<'a, 'i>, LssError> {
    let root = doc.root_element();
    if root.tag_name().name() != "document" {
        return Err(LssError::NotLss(format!(
            "l'élément racine est <{}> au lieu de <document>.",
            shorten(root.tag_name().name(), 40)
        )));
    }
    let kind = root.children().find(|n| n.has_tag_name("LimeSurveyDocType")).map(cell_text);
    match kind.as_deref().map(str::trim) {
        Some("Survey") => Ok(root),
        Some("Group") => Err(LssError::NotLss(
            "c'est un groupe de questions (.lsg) ; exportez le questionnaire entier (.lss).".into(),
        )),
        Some("Question") => {
            Err(LssError::NotLss("c'est une question seule (.lsq) ; exportez le questionnaire entier (.lss).".into()))
        }
        Some(other) => Err(LssError::NotLss(format!("le type de document « {} » est inconnu.", shorten(other, 40)))),
        None => Err(LssError::NotLss("il manque <LimeSurveyDocType>Survey</LimeSurveyDocType>.".into())),
    }
}
