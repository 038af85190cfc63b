//! Building the definition from the entities: groups become sections, questions are mapped or
//! skipped with their reason, identifiers made unique, and each relevance turned into a
//! condition on an earlier question when it can be, or a warning.

use std::collections::{HashMap, HashSet};

use super::html::{defuse, plain, shorten};
use super::kinds::map_kind;
use super::relevance::parse_relevance;
use super::tables::{Entity, Lss};
use super::{ImportReport, LssError, Skipped};
use crate::questionnaire::definition::{
    identifier_from, Condition, Definition, Question, QuestionKind, Section, FORMAT, MAX_LABEL_CHARS, MAX_QUESTIONS,
};

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
pub(super) struct Mapped {
    pub(super) kind: QuestionKind,
    pub(super) values: HashMap<String, String>,
    pub(super) warning: Option<String>,
}

#[derive(Default)]
pub(super) struct Import {
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
    pub(super) fn anonymity(&mut self, lss: &Lss) {
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
    pub(super) fn section(&mut self, lss: &Lss, group: &Entity) {
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
    pub(super) fn orphans(&mut self, lss: &Lss) {
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

    pub(super) fn finish(self, lss: &Lss) -> Result<ImportReport, LssError> {
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
pub(super) fn trivial(relevance: &str) -> bool {
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
pub(super) fn code_label(code: &str) -> String {
    if code.is_empty() {
        "(sans intitulé)".into()
    } else {
        shorten(&plain(code), MAX_LABEL_CHARS)
    }
}

/// `base`, or `base_2`, `base_3`…, kept within the 40 characters of an identifier.
pub(super) fn unique(base: String, used: &mut HashSet<String>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
