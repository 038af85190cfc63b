//! Reading a `.lss` file's tables into rows, and rows into entities: whichever LimeSurvey wrote
//! it (texts in the structural tables, one row per language, or apart in `_l10ns` tables),
//! what the rest of the import reads is one structural row and one row of texts per entity, in
//! the survey's base language.

use std::collections::HashMap;

use roxmltree::Node;

/// One row of a LimeSurvey table: column → text (an absent column reads as empty).
#[derive(Debug, Clone, Default)]
pub(super) struct Row(HashMap<String, String>);

impl Row {
    pub(super) fn get(&self, column: &str) -> &str {
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
pub(super) struct Entity {
    pub(super) row: Row,
    pub(super) text: Row,
}

/// The tables the import needs, read once.
pub(super) struct Lss {
    pub(super) survey: Row,
    pub(super) settings: Row,
    pub(super) groups: Vec<Entity>,
    /// Questions with `parent_qid` 0, in file order.
    pub(super) parents: Vec<Entity>,
    /// Subquestions by parent qid, in file order.
    children: HashMap<String, Vec<Entity>>,
    /// Answer options by qid, in file order.
    answers: HashMap<String, Vec<Entity>>,
    /// Attribute rows by qid.
    attributes: HashMap<String, Vec<Row>>,
    base: String,
}

impl Lss {
    pub(super) fn read(root: Node) -> Lss {
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
    pub(super) fn sorted_groups(&self) -> Vec<&Entity> {
        let mut groups: Vec<&Entity> = self.groups.iter().collect();
        groups.sort_by_key(|g| (g.row.num("group_order"), g.row.num("gid")));
        groups
    }

    /// A group's questions by `question_order`, then qid.
    pub(super) fn questions_of(&self, gid: &str) -> Vec<&Entity> {
        let mut questions: Vec<&Entity> = self.parents.iter().filter(|q| q.row.get("gid") == gid).collect();
        questions.sort_by_key(|q| (q.row.num("question_order"), q.row.num("qid")));
        questions
    }

    /// A question's subquestions on one axis (`scale_id` 0: the rows, the options).
    pub(super) fn subquestions(&self, qid: &str, scale: &str) -> Vec<&Entity> {
        let mut subs: Vec<&Entity> =
            self.children.get(qid).into_iter().flatten().filter(|s| scale_is(&s.row, scale)).collect();
        subs.sort_by_key(|s| (s.row.num("question_order"), s.row.num("qid")));
        subs
    }

    /// A question's answer options on one scale, by `sortorder`.
    pub(super) fn answer_options(&self, qid: &str, scale: &str) -> Vec<&Entity> {
        let mut answers: Vec<&Entity> =
            self.answers.get(qid).into_iter().flatten().filter(|a| scale_is(&a.row, scale)).collect();
        answers.sort_by_key(|a| a.row.num("sortorder"));
        answers
    }

    /// A question attribute, the base language's when it is translated.
    pub(super) fn attribute(&self, qid: &str, name: &str) -> &str {
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
pub(super) fn cell_text(node: Node) -> String {
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
