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

use std::collections::{HashMap, HashSet};

use roxmltree::{Document, Node, ParsingOptions};

use super::definition::{
    identifier_from, Choice, Condition, Definition, DefinitionError, Question, QuestionKind, Section, FORMAT,
    MAX_LABEL_CHARS, MAX_OPTIONS, MAX_QUESTIONS, OTHER,
};

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

// ----- Reading the tables -----

/// One row of a LimeSurvey table: column → text (an absent column reads as empty).
#[derive(Debug, Clone, Default)]
struct Row(HashMap<String, String>);

impl Row {
    fn get(&self, column: &str) -> &str {
        self.0.get(column).map(String::as_str).unwrap_or("").trim()
    }

    /// A number column; LimeSurvey writes integers, a missing or odd one sorts first.
    fn num(&self, column: &str) -> i64 {
        self.get(column).parse().unwrap_or(0)
    }
}

/// An entity (question, group, answer): its structural row and its texts, both in the base
/// language when the file has it.
#[derive(Debug, Clone)]
struct Entity {
    row: Row,
    text: Row,
}

/// The tables the import needs, read once.
struct Lss {
    survey: Row,
    settings: Row,
    groups: Vec<Entity>,
    /// Questions with `parent_qid` 0, in file order.
    parents: Vec<Entity>,
    /// Subquestions by parent qid, in file order.
    children: HashMap<String, Vec<Entity>>,
    /// Answer options by qid, in file order.
    answers: HashMap<String, Vec<Entity>>,
    /// Attribute rows by qid.
    attributes: HashMap<String, Vec<Row>>,
    base: String,
}

impl Lss {
    fn read(root: Node) -> Lss {
        let survey = table(root, "surveys").into_iter().next().unwrap_or_default();
        let base = base_language(root, &survey);
        let settings = pick(table(root, "surveys_languagesettings"), "surveyls_language", &base).unwrap_or_default();
        let groups =
            entities(table(root, "groups"), |r| r.get("gid").to_owned(), &by(root, "group_l10ns", "gid"), &base);
        let question_rows: Vec<Row> = table(root, "questions").into_iter().chain(table(root, "subquestions")).collect();
        let texts = by(root, "question_l10ns", "qid");
        let (parents, subs): (Vec<Entity>, Vec<Entity>) =
            entities(question_rows, |r| r.get("qid").to_owned(), &texts, &base)
                .into_iter()
                .partition(|q| matches!(q.row.get("parent_qid"), "" | "0"));
        let answer_key = |r: &Row| format!("{}\u{0}{}\u{0}{}", r.get("qid"), r.get("scale_id"), r.get("code"));
        let answers = entities(table(root, "answers"), answer_key, &by(root, "answer_l10ns", "aid"), &base);
        Lss {
            survey,
            settings,
            groups,
            parents,
            children: group_by(subs, |q| q.row.get("parent_qid").to_owned()),
            answers: group_by(answers, |a| a.row.get("qid").to_owned()),
            attributes: group_by(table(root, "question_attributes"), |r| r.get("qid").to_owned()),
            base,
        }
    }

    /// Groups by `group_order`, then gid.
    fn sorted_groups(&self) -> Vec<&Entity> {
        let mut groups: Vec<&Entity> = self.groups.iter().collect();
        groups.sort_by_key(|g| (g.row.num("group_order"), g.row.num("gid")));
        groups
    }

    /// A group's questions by `question_order`, then qid.
    fn questions_of(&self, gid: &str) -> Vec<&Entity> {
        let mut questions: Vec<&Entity> = self.parents.iter().filter(|q| q.row.get("gid") == gid).collect();
        questions.sort_by_key(|q| (q.row.num("question_order"), q.row.num("qid")));
        questions
    }

    /// A question's subquestions on one axis (`scale_id` 0: the rows, the options).
    fn subquestions(&self, qid: &str, scale: &str) -> Vec<&Entity> {
        let mut subs: Vec<&Entity> =
            self.children.get(qid).into_iter().flatten().filter(|s| scale_is(&s.row, scale)).collect();
        subs.sort_by_key(|s| (s.row.num("question_order"), s.row.num("qid")));
        subs
    }

    /// A question's answer options on one scale, by `sortorder`.
    fn answer_options(&self, qid: &str, scale: &str) -> Vec<&Entity> {
        let mut answers: Vec<&Entity> =
            self.answers.get(qid).into_iter().flatten().filter(|a| scale_is(&a.row, scale)).collect();
        answers.sort_by_key(|a| a.row.num("sortorder"));
        answers
    }

    /// A question attribute, the base language's when it is translated.
    fn attribute(&self, qid: &str, name: &str) -> &str {
        let rows: Vec<&Row> =
            self.attributes.get(qid).into_iter().flatten().filter(|r| r.get("attribute") == name).collect();
        let chosen =
            rows.iter().find(|r| r.get("language").is_empty() || r.get("language") == self.base).or(rows.first());
        chosen.map(|r| r.get("value")).unwrap_or("")
    }
}

fn scale_is(row: &Row, scale: &str) -> bool {
    let value = row.get("scale_id");
    value == scale || (value.is_empty() && scale == "0")
}

/// The survey's language, else the first listed: texts in it are preferred.
fn base_language(root: Node, survey: &Row) -> String {
    if !survey.get("language").is_empty() {
        return survey.get("language").to_owned();
    }
    let languages = root.children().find(|n| n.has_tag_name("languages"));
    let first = languages.and_then(|l| l.children().find(|n| n.has_tag_name("language")));
    first.map(|n| cell_text(n).trim().to_owned()).unwrap_or_default()
}

/// Every row of the table `name` (a direct child of the root).
fn table(root: Node, name: &str) -> Vec<Row> {
    root.children()
        .filter(|n| n.has_tag_name(name))
        .flat_map(|t| t.children().filter(|n| n.has_tag_name("rows")))
        .flat_map(|rows| rows.children().filter(|n| n.has_tag_name("row")))
        .map(|row| {
            Row(row
                .children()
                .filter(Node::is_element)
                .map(|c| (c.tag_name().name().to_owned(), cell_text(c)))
                .collect())
        })
        .collect()
}

/// A cell's text: CDATA and plain text alike, concatenated.
fn cell_text(node: Node) -> String {
    node.descendants().filter(Node::is_text).filter_map(|n| n.text()).collect()
}

/// The rows of a `_l10ns` table by their key column.
fn by(root: Node, name: &str, key: &str) -> HashMap<String, Vec<Row>> {
    group_by(table(root, name), |r| r.get(key).to_owned())
}

fn group_by<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> HashMap<String, Vec<T>> {
    let mut map: HashMap<String, Vec<T>> = HashMap::new();
    for item in items {
        map.entry(key(&item)).or_default().push(item);
    }
    map
}

/// The row in the base language, else the first one.
fn pick(mut rows: Vec<Row>, language_column: &str, base: &str) -> Option<Row> {
    if rows.is_empty() {
        return None;
    }
    let at = rows.iter().position(|r| r.get(language_column) == base).unwrap_or(0);
    Some(rows.swap_remove(at))
}

/// Rows grouped by entity (3.x files repeat an entity once per language), in first-seen order,
/// each with its texts: from its `_l10ns` rows (joined on the structural row's `qid`, `gid` or
/// `aid`) when there are any, from the row itself otherwise.
fn entities(
    rows: Vec<Row>,
    key: impl Fn(&Row) -> String,
    l10ns: &HashMap<String, Vec<Row>>,
    base: &str,
) -> Vec<Entity> {
    let mut order: Vec<String> = Vec::new();
    let mut variants: HashMap<String, Vec<Row>> = HashMap::new();
    for row in rows {
        let k = key(&row);
        if !variants.contains_key(&k) {
            order.push(k.clone());
        }
        variants.entry(k).or_default().push(row);
    }
    let join_key =
        |row: &Row| ["aid", "qid", "gid"].iter().map(|c| row.get(c)).find(|v| !v.is_empty()).unwrap_or("").to_owned();
    order
        .into_iter()
        .filter_map(|k| pick(variants.remove(&k)?, "language", base))
        .map(|row| {
            let translated = l10ns.get(&join_key(&row)).cloned().unwrap_or_default();
            let text = pick(translated, "language", base).unwrap_or_else(|| row.clone());
            Entity { row, text }
        })
        .collect()
}

// ----- Building the definition -----

/// A question taken, as later conditions need it.
struct Taken {
    qid: String,
    code: String,
    id: String,
    kind: QuestionKind,
    /// LimeSurvey answer or subquestion code → our option value.
    values: HashMap<String, String>,
}

/// What a LimeSurvey question type became.
struct Mapped {
    kind: QuestionKind,
    values: HashMap<String, String>,
    warning: Option<String>,
}

#[derive(Default)]
struct Import {
    sections: Vec<Section>,
    skipped: Vec<Skipped>,
    warnings: Vec<String>,
    taken: Vec<Taken>,
    question_ids: HashSet<String>,
    section_ids: HashSet<String>,
    anonymous: bool,
}

impl Import {
    /// `anonymized` is `Y` or `N`; 6.x files may say `I` (inherited from a survey group the file
    /// does not hold), which is read as not anonymous and flagged.
    fn anonymity(&mut self, lss: &Lss) {
        match lss.survey.get("anonymized") {
            "Y" => self.anonymous = true,
            "I" => self.warnings.push(
                "L'anonymat est hérité d'un groupe de questionnaires LimeSurvey absent du fichier : \
                 le questionnaire est importé comme non anonyme, vérifiez ce réglage."
                    .into(),
            ),
            _ => {}
        }
    }

    /// One group → one section (dropped when nothing in it was taken).
    fn section(&mut self, lss: &Lss, group: &Entity) {
        let gid = group.row.get("gid");
        let mut questions = Vec::new();
        for q in lss.questions_of(gid) {
            if let Some(question) = self.question(lss, q) {
                questions.push(question);
            }
        }
        if questions.is_empty() {
            return;
        }
        let title = plain(group.text.get("group_name"));
        let title = if title.is_empty() { format!("Section {}", self.sections.len() + 1) } else { title };
        if !trivial(group.row.get("grelevance")) {
            self.warnings.push(format!(
                "Section « {} » : condition d'affichage non reprise (« {} ») ; la section sera toujours montrée.",
                shorten(&title, 80),
                quoted(group.row.get("grelevance"))
            ));
        }
        let id = unique(identifier_from(&format!("g{gid}"), "g"), &mut self.section_ids);
        self.sections.push(Section { id, title, description: plain(group.text.get("description")), questions });
    }

    /// Questions whose group is not in the file: LimeSurvey would not show them either.
    fn orphans(&mut self, lss: &Lss) {
        let gids: HashSet<&str> = lss.groups.iter().map(|g| g.row.get("gid")).collect();
        for q in lss.parents.iter().filter(|q| !gids.contains(q.row.get("gid"))) {
            self.skip(q, "son groupe de questions est absent du fichier.".into());
        }
    }

    fn skip(&mut self, q: &Entity, reason: String) {
        self.skipped.push(Skipped {
            code: q.row.get("title").to_owned(),
            limesurvey_type: q.row.get("type").to_owned(),
            title: plain(q.text.get("question")),
            reason,
        });
    }

    /// One LimeSurvey question, mapped, or recorded as skipped.
    fn question(&mut self, lss: &Lss, q: &Entity) -> Option<Question> {
        let qid = q.row.get("qid");
        if self.taken.len() >= MAX_QUESTIONS {
            self.skip(q, format!("le questionnaire Essaim est limité à {MAX_QUESTIONS} questions."));
            return None;
        }
        if lss.attribute(qid, "hidden") == "1" {
            self.skip(q, "question masquée dans LimeSurvey (jamais montrée aux répondants).".into());
            return None;
        }
        let mapped = match map_kind(lss, q) {
            Ok(mapped) => mapped,
            Err(reason) => {
                self.skip(q, reason);
                return None;
            }
        };
        let code = q.row.get("title");
        let label = plain(q.text.get("question"));
        let id = unique(identifier_from(code, "q"), &mut self.question_ids);
        if let Some(w) = mapped.warning {
            self.warnings.push(format!("Question « {code} » : {w}"));
        }
        let condition = self.condition(code, q.row.get("relevance"));
        let question = Question {
            id: id.clone(),
            label: if label.is_empty() { code_label(code) } else { label },
            help: plain(q.text.get("help")),
            required: q.row.get("mandatory") == "Y",
            kind: mapped.kind.clone(),
            condition,
            contribution: None,
        };
        self.taken.push(Taken {
            qid: qid.to_owned(),
            code: code.to_owned(),
            id,
            kind: mapped.kind,
            values: mapped.values,
        });
        Some(question)
    }

    /// The question's relevance as a condition, when it is one we can express.
    fn condition(&mut self, code: &str, relevance: &str) -> Option<Condition> {
        if trivial(relevance) {
            return None;
        }
        let condition = parse_relevance(relevance).and_then(|tests| self.resolve(&tests));
        if condition.is_none() {
            self.warnings.push(format!(
                "Question « {code} » : condition d'affichage non reprise (« {} ») ; la question sera toujours posée.",
                quoted(relevance)
            ));
        }
        condition
    }

    /// `or`-joined tests onto one earlier question taken: a condition.
    fn resolve(&self, tests: &[(String, String)]) -> Option<Condition> {
        let mut target: Option<&Taken> = None;
        let mut any_of: Vec<String> = Vec::new();
        for (variable, literal) in tests {
            let (taken, value) = self.test(variable, literal)?;
            if target.is_some_and(|t| t.id != taken.id) {
                return None;
            }
            target = Some(taken);
            if !any_of.contains(&value) {
                any_of.push(value);
            }
        }
        let target = target?;
        let allowed = target.kind.condition_values()?;
        any_of.iter().all(|v| allowed.contains(v)).then(|| Condition { question: target.id.clone(), any_of })
    }

    /// One `variable == "literal"` test: the question it reads and our value it expects.
    fn test(&self, variable: &str, literal: &str) -> Option<(&Taken, String)> {
        let name = [".NAOK", ".value", ".code"].iter().find_map(|s| variable.strip_suffix(s)).unwrap_or(variable);
        if let Some(t) = self.taken.iter().find(|t| t.code == name) {
            return Some((t, answer_value(t, literal)?));
        }
        // An option of a multiple choice: `CODE_SUB == "Y"`.
        for (at, _) in name.match_indices('_') {
            if let Some(t) = self.taken.iter().find(|t| t.code == name[..at]) {
                return Some((t, option_value(t, &name[at + 1..], literal)?));
            }
        }
        self.sgqa(name, literal)
    }

    /// LimeSurvey 3 names answers `sidXgidXqid`, followed by the subquestion code if any.
    fn sgqa(&self, name: &str, literal: &str) -> Option<(&Taken, String)> {
        let mut parts = name.splitn(3, 'X');
        let (sid, gid, rest) = (parts.next()?, parts.next()?, parts.next()?);
        if !all_digits(sid) || !all_digits(gid) {
            return None;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        (1..=digits).rev().find_map(|n| {
            let t = self.taken.iter().find(|t| t.qid == rest[..n])?;
            let sub = &rest[n..];
            let value = if sub.is_empty() { answer_value(t, literal) } else { option_value(t, sub, literal) };
            Some((t, value?))
        })
    }

    fn finish(self, lss: &Lss) -> Result<ImportReport, LssError> {
        if self.taken.is_empty() {
            return Err(LssError::NoQuestion(self.skipped));
        }
        let title = plain(lss.settings.get("surveyls_title"));
        // The description is LimeSurvey's first words to respondents; the welcome text stands in
        // for it when empty.
        let mut introduction = plain(lss.settings.get("surveyls_description"));
        if introduction.is_empty() {
            introduction = plain(lss.settings.get("surveyls_welcometext"));
        }
        let definition = Definition {
            format: FORMAT.to_owned(),
            title: if title.is_empty() { "Questionnaire importé de LimeSurvey".into() } else { title },
            introduction,
            anonymous: self.anonymous,
            sections: self.sections,
        };
        definition.check().map_err(LssError::Invalid)?;
        Ok(ImportReport { definition, skipped: self.skipped, taken: self.taken.len(), warnings: self.warnings })
    }
}

/// An expression as the report quotes it: one line, short, and no `<` that could open a tag.
fn quoted(expression: &str) -> String {
    shorten(&defuse(&expression.split_whitespace().collect::<Vec<_>>().join(" ")), 150)
}

/// `1`, empty or `(1)`: always shown.
fn trivial(relevance: &str) -> bool {
    let bare: String = relevance.chars().filter(|c| !c.is_whitespace() && *c != '(' && *c != ')').collect();
    bare.is_empty() || bare == "1"
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Our value for a LimeSurvey answer code of a single choice, yes / no or scale.
fn answer_value(t: &Taken, literal: &str) -> Option<String> {
    match &t.kind {
        QuestionKind::MultipleChoice { .. } => None,
        QuestionKind::Scale { .. } => Some(literal.to_owned()),
        _ => t.values.get(literal).cloned(),
    }
}

/// Our value for an option of a multiple choice tested as ticked (`"Y"`).
fn option_value(t: &Taken, sub: &str, literal: &str) -> Option<String> {
    if !matches!(t.kind, QuestionKind::MultipleChoice { .. }) || literal != "Y" {
        return None;
    }
    // `CODE_other` holds the text typed, never "Y": it has no value here.
    t.values.get(sub).cloned()
}

/// A label from a code when LimeSurvey had no text.
fn code_label(code: &str) -> String {
    if code.is_empty() {
        "(sans intitulé)".into()
    } else {
        shorten(&plain(code), MAX_LABEL_CHARS)
    }
}

/// `base`, or `base_2`, `base_3`…, kept within the 40 characters of an identifier.
fn unique(base: String, used: &mut HashSet<String>) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!("_{n}");
            let head: String = base.chars().take(40 - suffix.len()).collect();
            format!("{head}{suffix}")
        })
        .find(|candidate| used.insert(candidate.clone()))
        .unwrap_or(base)
}

// ----- Question types -----

/// The LimeSurvey type's Essaim kind, or why it has none.
fn map_kind(lss: &Lss, q: &Entity) -> Result<Mapped, String> {
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
fn type_name(kind: &str) -> &'static str {
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

// ----- Relevance -----

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Literal(String),
    Equals,
    Or,
    Open,
    Close,
}

/// `CODE == "value"` tests joined by `or`, in any parentheses; anything else (and, not,
/// comparisons, functions…) is `None`.
fn parse_relevance(expression: &str) -> Option<Vec<(String, String)>> {
    let tokens = tokenize(expression)?;
    let mut at = 0;
    let tests = disjunction(&tokens, &mut at, 0)?;
    (at == tokens.len()).then_some(tests)
}

fn tokenize(expression: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = expression.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '=' if chars.next_if(|&(_, n)| n == '=').is_some() => tokens.push(Token::Equals),
            '|' if chars.next_if(|&(_, n)| n == '|').is_some() => tokens.push(Token::Or),
            '"' | '\'' => {
                let end = expression[i + 1..].find(c)? + i + 1;
                tokens.push(Token::Literal(expression[i + 1..end].to_owned()));
                while chars.next_if(|&(j, _)| j <= end).is_some() {}
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some((j, n)) = chars.next_if(|&(_, n)| n.is_ascii_alphanumeric() || n == '_' || n == '.') {
                    end = j + n.len_utf8();
                }
                tokens.push(word(&expression[i..end]));
            }
            _ => return None,
        }
    }
    Some(tokens)
}

fn word(word: &str) -> Token {
    match word.to_ascii_lowercase().as_str() {
        "or" => Token::Or,
        "eq" => Token::Equals,
        _ if word.bytes().all(|b| b.is_ascii_digit() || b == b'.') => Token::Literal(word.to_owned()),
        _ => Token::Name(word.to_owned()),
    }
}

/// Parentheses nest at most this deep: a hostile relevance must not exhaust the stack.
const MAX_DEPTH: usize = 32;

fn disjunction(tokens: &[Token], at: &mut usize, depth: usize) -> Option<Vec<(String, String)>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut tests = term(tokens, at, depth)?;
    while tokens.get(*at) == Some(&Token::Or) {
        *at += 1;
        tests.extend(term(tokens, at, depth)?);
    }
    Some(tests)
}

fn term(tokens: &[Token], at: &mut usize, depth: usize) -> Option<Vec<(String, String)>> {
    if tokens.get(*at) == Some(&Token::Open) {
        *at += 1;
        let tests = disjunction(tokens, at, depth + 1)?;
        (tokens.get(*at) == Some(&Token::Close)).then_some(())?;
        *at += 1;
        return Some(tests);
    }
    let test = match (tokens.get(*at)?, tokens.get(*at + 1)?, tokens.get(*at + 2)?) {
        (Token::Name(n), Token::Equals, Token::Literal(l)) | (Token::Literal(l), Token::Equals, Token::Name(n)) => {
            (n.clone(), l.clone())
        }
        _ => return None,
    };
    *at += 3;
    Some(vec![test])
}

// ----- HTML to plain text -----

/// LimeSurvey's HTML as plain text: no tag, no script, entities decoded, one line, capped at
/// [`MAX_LABEL_CHARS`].
fn plain(html: &str) -> String {
    let text = defuse(&decode_entities(&strip_tags(html)));
    let cleaned: String = text.chars().map(|c| if c.is_control() || invisible(c) { ' ' } else { c }).collect();
    let one_line = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    shorten(&one_line, MAX_LABEL_CHARS)
}

/// Characters that show nothing but can reorder or hide text (bidi overrides, zero widths).
fn invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// At most `max` characters, an ellipsis marking the cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Tags removed; `<script>` and `<style>` with their content; comments. Block tags leave a
/// space so that words on two lines stay two words.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some((len, name)) = tag(tail) else {
            out.push('<');
            rest = &tail[1..];
            continue;
        };
        rest = &tail[len..];
        if name == "script" || name == "style" {
            rest = after_closing(rest, &name);
        }
        if BLOCKS.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

const BLOCKS: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "dd",
    "dt",
    "!--",
    "script",
    "style",
];

/// The length and lowercased name of the tag `text` starts with (a `<`), or `None` when that
/// `<` opens no tag ("a < b"). An unterminated tag runs to the end: what follows is dropped.
fn tag(text: &str) -> Option<(usize, String)> {
    if let Some(body) = text.strip_prefix("<!--") {
        return Some((body.find("-->").map_or(text.len(), |end| end + 7), "!--".into()));
    }
    let after = text[1..].strip_prefix('/').unwrap_or(&text[1..]);
    let first = text[1..].chars().next()?;
    if !(first.is_ascii_alphabetic() || matches!(first, '/' | '!' | '?')) {
        return None;
    }
    let name: String = after.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    let closing = text[1..].starts_with('/');
    Some((tag_end(text), if closing { format!("/{name}") } else { name }))
}

/// Where a tag ends: its `>` outside quoted attribute values.
fn tag_end(text: &str) -> usize {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in text.char_indices().skip(1) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '>' => return i + 1,
            None if (c == '"' || c == '\'') && previous == '=' => quote = Some(c),
            None => {}
        }
        if !c.is_whitespace() {
            previous = c;
        }
    }
    text.len()
}

/// What follows `</name…>`, or nothing when it never closes.
fn after_closing<'a>(text: &'a str, name: &str) -> &'a str {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` hold in `text`.
    let lower = text.to_ascii_lowercase();
    let Some(start) = lower.find(&format!("</{name}")) else {
        return "";
    };
    &text[start + tag_end(&text[start..])..]
}

/// `&amp;`, `&eacute;`, `&#233;`, `&#xE9;`… decoded; an unknown one is kept as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let tail = &rest[start + 1..];
        match entity(tail) {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of the entity `text` starts with (after its `&`) and the length up to its `;`.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.char_indices().take(12).find(|&(_, c)| c == ';')?.0;
    let name = &text[..end];
    let c = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        char::from_u32(code).unwrap_or('\u{fffd}')
    } else {
        named_entity(name)?
    };
    Some((c, end + 1))
}

fn named_entity(name: &str) -> Option<char> {
    NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
}

/// The entities LimeSurvey's editor writes in French, English and the common typography.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", ' '),
    ("ensp", ' '),
    ("emsp", ' '),
    ("thinsp", ' '),
    ("shy", '\u{ad}'),
    ("eacute", 'é'),
    ("egrave", 'è'),
    ("ecirc", 'ê'),
    ("euml", 'ë'),
    ("agrave", 'à'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("auml", 'ä'),
    ("ccedil", 'ç'),
    ("icirc", 'î'),
    ("iuml", 'ï'),
    ("iacute", 'í'),
    ("ocirc", 'ô'),
    ("ouml", 'ö'),
    ("oacute", 'ó'),
    ("ugrave", 'ù'),
    ("ucirc", 'û'),
    ("uuml", 'ü'),
    ("uacute", 'ú'),
    ("yuml", 'ÿ'),
    ("ntilde", 'ñ'),
    ("szlig", 'ß'),
    ("oelig", 'œ'),
    ("aelig", 'æ'),
    ("Eacute", 'É'),
    ("Egrave", 'È'),
    ("Ecirc", 'Ê'),
    ("Agrave", 'À'),
    ("Acirc", 'Â'),
    ("Ccedil", 'Ç'),
    ("Icirc", 'Î'),
    ("Ocirc", 'Ô'),
    ("Ucirc", 'Û'),
    ("OElig", 'Œ'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("bull", '•'),
    ("middot", '·'),
    ("euro", '€'),
    ("deg", '°'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("times", '×'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
];

/// A decoded `<` that could open a tag (`&lt;script&gt;`) becomes `‹`: the text is plain, and
/// stays harmless even where someone would forget to escape it.
fn defuse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let opens = c == '<' && chars.peek().is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        out.push(if opens { '‹' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_from_html() {
        assert_eq!(plain("Text for <strong>first question</strong>"), "Text for first question");
        assert_eq!(plain("Caf&eacute;&nbsp;&amp; th&#233; &#x2013; fin"), "Café & thé – fin");
        assert_eq!(plain("un<br/>deux<p>trois</p>"), "un deux trois");
        assert_eq!(plain("a < b et c > d"), "a < b et c > d");
        assert_eq!(plain("<script>alert(1)</script>Bonjour<style>p{}</style> !"), "Bonjour !");
        assert_eq!(plain("<SCRIPT type='x'>alert('</p>')</SCRIPT>ok"), "ok");
        assert_eq!(plain("<img alt=\"a>b\" src=x onerror=alert(1)>Oui"), "Oui");
        assert_eq!(plain("&lt;script&gt;alert(1)&lt;/script&gt;"), "‹script>alert(1)‹/script>");
        assert_eq!(plain("avant <!-- <b>commentaire</b> --> après"), "avant après");
        assert_eq!(plain("coupé <b"), "coupé");
        assert_eq!(plain("&unknown; &amp"), "&unknown; &amp");
        assert_eq!(plain("l'avis de l’équipe"), "l'avis de l’équipe");
        assert_eq!(plain("a\u{202e}b\u{200b}c"), "a b c");
    }

    #[test]
    fn labels_are_capped() {
        let long = "x".repeat(MAX_LABEL_CHARS + 10);
        assert_eq!(plain(&long).chars().count(), MAX_LABEL_CHARS);
    }

    #[test]
    fn relevance_forms() {
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(parse_relevance("((Q1.NAOK == \"Y\"))"), Some(vec![pair("Q1.NAOK", "Y")]));
        assert_eq!(parse_relevance("Q1 == 'A1' or Q1 == 'A2'"), Some(vec![pair("Q1", "A1"), pair("Q1", "A2")]));
        assert_eq!(
            parse_relevance("((123X4X56.NAOK == \"A1\") || (123X4X56.NAOK == \"A2\"))"),
            Some(vec![pair("123X4X56.NAOK", "A1"), pair("123X4X56.NAOK", "A2")])
        );
        assert_eq!(parse_relevance("Q2 == 3"), Some(vec![pair("Q2", "3")]));
        assert_eq!(parse_relevance("Q1 == \"Y\" and Q2 == \"N\""), None);
        assert_eq!(parse_relevance("Q1 > 3"), None);
        assert_eq!(parse_relevance("!is_empty(Q1)"), None);
        assert_eq!(parse_relevance("Q1 == \"Y"), None);
        assert_eq!(parse_relevance("(Q1 == \"Y\""), None);
        assert!(trivial(" ( 1 ) ") && trivial("") && !trivial("Q1 == 1"));
        let deep = format!("{}Q1 == \"Y\"{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(parse_relevance(&deep), None);
        let fine = format!("{}Q1 == \"Y\"{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse_relevance(&fine).is_some());
    }

    #[test]
    fn unique_identifiers_stay_short() {
        let mut used = HashSet::new();
        let long = "a".repeat(40);
        assert_eq!(unique(long.clone(), &mut used), long);
        let second = unique(long, &mut used);
        assert_eq!(second.len(), 40);
        assert!(second.ends_with("_2"));
    }
}
