//! The figures of a questionnaire for the team (« Suivi pour l'équipe »): participation, the
//! coverage of départements × legal families (where voices are missing), and per-question
//! results of the published versions. Staff only; docs/questionnaire.md defines each figure.
//!
//! Counts by département and family are SQL groupings. Per-question figures stream the
//! submitted responses by pages of [`PAGE`] (keyset on `id`, never `OFFSET`): only the running
//! totals stay in memory, plus the numbers answered to a number question (for the median).
//!
//! Every figure equals what one recomputes from the CSV export ([`super::export`]): the same
//! responses (submitted), the same answers (hidden ones cleared again), the same reading of a
//! field (its first non-blank value, trimmed).

use std::collections::HashMap;

use diesel::dsl::{count, count_star};
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation, territories_of};
use essaim_core::domain::LegalFamily;
use essaim_core::schema::{invitations, questionnaire_versions, responses};
use essaim_core::{CoreError, CoreResult};

use super::answers::{parse_number, Answers};
use super::definition::{Choice, Definition, Question, QuestionKind, OTHER};
use super::responses::{ResponseStatus, StoredAnswers};
use super::store::{questionnaire_of, Version};

/// Responses read per query.
pub const PAGE: i64 = 1_000;

/// The value of the département filter for responses without a département of the
/// consultation (« Hors région », or none given).
pub const NO_DEPARTEMENT: &str = "aucun";

/// The label of the coverage column whose family is unknown.
pub const UNKNOWN_FAMILY: &str = "Non renseignée";
/// The label of the coverage row of responses and invitations without a département of the
/// consultation.
pub const UNKNOWN_DEPARTEMENT: &str = "Hors région ou non renseigné";

/// Which responses the figures count. Drafts and invitations know no legal family (it is
/// copied from the identity block at submission), so the family filter leaves them out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultsFilter {
    /// A département's code (`44`), or [`NO_DEPARTEMENT`].
    pub departement: Option<String>,
    /// A legal family.
    pub famille: Option<LegalFamily>,
}

impl ResultsFilter {
    /// The filter of a page's query: unknown or blank values are no filter.
    pub fn parse(departement: Option<&str>, famille: Option<&str>) -> ResultsFilter {
        let departement = departement.map(str::trim).filter(|d| !d.is_empty() && d.len() <= 10).map(str::to_owned);
        let famille = famille.map(str::trim).and_then(LegalFamily::parse);
        ResultsFilter { departement, famille }
    }

    /// Whether no filter applies.
    pub fn is_empty(&self) -> bool {
        self.departement.is_none() && self.famille.is_none()
    }
}

/// Where the département filter points, once read against the consultation's territories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Any,
    Territory(Id),
    None,
    /// A code the consultation does not have: nothing matches.
    Nowhere,
}

impl Place {
    fn matches(self, territory: Option<Id>, known: &HashMap<Id, String>) -> bool {
        match self {
            Place::Any => true,
            Place::Territory(id) => territory == Some(id),
            Place::None => territory.is_none_or(|t| !known.contains_key(&t)),
            Place::Nowhere => false,
        }
    }
}

/// Counts of invitations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvitationCounts {
    /// Invitations recorded.
    pub invited: usize,
    /// Whose first e-mail went out.
    pub sent: usize,
    /// Whose link was opened.
    pub opened: usize,
    /// Answered (the response submitted).
    pub submitted: usize,
}

/// Participation figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Participation {
    /// Submitted responses matching the filter.
    pub submitted: usize,
    /// Submitted responses, whole questionnaire (for the completion rate).
    pub submitted_all: usize,
    /// Drafts started and not submitted, whole questionnaire.
    pub drafts: usize,
    /// Submitted responses matching the filter, per département: (code, name, count), the
    /// consultation's départements in order, then [`UNKNOWN_DEPARTEMENT`] (code `aucun`).
    pub by_departement: Vec<(String, String, usize)>,
    /// Submitted responses matching the filter, per family: (code, label, count), every
    /// family, then [`UNKNOWN_FAMILY`] (code empty).
    pub by_family: Vec<(String, String, usize)>,
    /// Invitations (the département filter applies; the family filter cannot).
    pub invitations: InvitationCounts,
}

impl Participation {
    /// Completion rate, in percent: submitted / (submitted + drafts), whole questionnaire.
    pub fn completion_rate(&self) -> Option<f64> {
        percent(self.submitted_all, self.submitted_all + self.drafts)
    }
}

/// One row of the coverage table: a département.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRow {
    /// The département's code (`aucun` for the last row).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Invitations of the département (their family is unknown: column « non renseignée »).
    pub invited: usize,
    /// Of which answered.
    pub invited_answered: usize,
    /// Submitted responses per family, in the order of [`Coverage::families`].
    pub answered: Vec<usize>,
}

impl CoverageRow {
    /// Submitted responses of the row, every family.
    pub fn total(&self) -> usize {
        self.answered.iter().sum()
    }
}

/// Départements × legal families: who was invited, who answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The columns: (code, label), every family then [`UNKNOWN_FAMILY`] (code empty).
    pub families: Vec<(String, String)>,
    /// One row per département, then [`UNKNOWN_DEPARTEMENT`].
    pub rows: Vec<CoverageRow>,
}

/// One option with its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionCount {
    /// The stored value (`autre` for « Autre »).
    pub value: String,
    /// Its label.
    pub label: String,
    /// Respondents who chose it.
    pub count: usize,
}

/// A ranked option.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedOption {
    /// The stored value.
    pub value: String,
    /// Its label.
    pub label: String,
    /// Respondents who gave it a rank.
    pub ranked: usize,
    /// The sum of its ranks.
    pub rank_sum: usize,
}

impl RankedOption {
    /// Mean rank (1 = first), over those who ranked it.
    pub fn mean_rank(&self) -> Option<f64> {
        (self.ranked > 0).then(|| self.rank_sum as f64 / self.ranked as f64)
    }
}

/// A row of a grid: the counts of each column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRow {
    /// The row's value.
    pub value: String,
    /// Its label.
    pub label: String,
    /// Per column of the grid.
    pub counts: Vec<usize>,
}

impl GridRow {
    /// Respondents who answered the row.
    pub fn answered(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// The figures of one question, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Figures {
    /// Single or multiple choice, yes/no: each option (« Autre » last when offered).
    Choices {
        /// Several options may be ticked (percentages may sum above 100).
        multiple: bool,
        /// The options with their counts.
        options: Vec<OptionCount>,
    },
    /// Scale 1–5.
    Scale {
        /// The label of 1.
        min_label: String,
        /// The label of 5.
        max_label: String,
        /// Respondents per value 1…5.
        counts: [usize; 5],
    },
    /// A number.
    Number {
        /// The numbers answered, sorted.
        values: Vec<f64>,
    },
    /// A ranking.
    Ranking {
        /// The options.
        options: Vec<RankedOption>,
    },
    /// A grid.
    Grid {
        /// The columns: (value, label).
        columns: Vec<(String, String)>,
        /// The rows.
        rows: Vec<GridRow>,
    },
    /// A free text: only the number of answers.
    Text,
}

/// The results of one question (over every published version asking it in this kind).
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    /// Its identifier.
    pub id: String,
    /// Its label (the newest version's).
    pub label: String,
    /// The French name of its kind.
    pub kind: &'static str,
    /// Submitted responses that were shown it (their version asks it, its condition held).
    pub shown: usize,
    /// Of those, who answered it.
    pub answered: usize,
    /// The figures.
    pub figures: Figures,
}

impl Figures {
    /// Mean of a scale (1–5) or a number.
    pub fn mean(&self) -> Option<f64> {
        match self {
            Figures::Scale { counts, .. } => {
                let n: usize = counts.iter().sum();
                (n > 0).then(|| counts.iter().enumerate().map(|(i, c)| (i + 1) * c).sum::<usize>() as f64 / n as f64)
            }
            Figures::Number { values } => {
                (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
            }
            _ => None,
        }
    }

    /// Median of a number (the mean of the two middle values for an even count).
    pub fn median(&self) -> Option<f64> {
        match self {
            Figures::Number { values } => median(values),
            _ => None,
        }
    }
}

/// Median of sorted values.
pub fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// `part / whole` in percent; none when `whole` is 0.
pub fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// A bar chart of these bars as inline SVG (the one chart drawer): its `<title>` is `title`,
/// its `<desc>` the figures in words; every label escaped. A table of the same figures must
/// follow it on the page.
pub fn chart_svg(title: &str, bars: &[(String, usize)]) -> String {
    essaim_documents::charts::bar_chart_svg(title, bars)
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The consultation's title.
    pub consultation: String,
    /// Its short name.
    pub slug: String,
    /// The filter applied.
    pub filter: ResultsFilter,
    /// The consultation's départements: (code, name), for the filter's list.
    pub departements: Vec<(String, String)>,
    /// Participation.
    pub participation: Participation,
    /// Coverage.
    pub coverage: Coverage,
    /// Per question, in the newest version's order, then questions only older versions asked.
    pub questions: Vec<QuestionResult>,
}

/// The results of a consultation's questionnaire; `None` when it has none.
pub fn results_for(conn: &mut DbConnection, slug: &str, filter: &ResultsFilter) -> CoreResult<Option<Results>> {
    let consultation = find_consultation(conn, slug)?;
    let Some(questionnaire) = questionnaire_of(conn, consultation.id)? else { return Ok(None) };
    let territories = territories_of(conn, consultation.id)?;
    let known: HashMap<Id, String> = territories.iter().map(|t| (t.id, t.code.clone())).collect();
    let place = match filter.departement.as_deref() {
        None => Place::Any,
        Some(NO_DEPARTEMENT) => Place::None,
        Some(code) => territories.iter().find(|t| t.code == code).map_or(Place::Nowhere, |t| Place::Territory(t.id)),
    };

    // Submitted responses by (département, family): one grouped query.
    let groups: Vec<(Option<Id>, Option<String>, i64)> = responses::table
        .filter(responses::questionnaire_id.eq(questionnaire.id))
        .filter(responses::status.eq(ResponseStatus::Submitted))
        .group_by((responses::territory_id, responses::legal_family))
        .select((responses::territory_id, responses::legal_family, count_star()))
        .load(conn)?;
    let drafts: i64 = responses::table
        .filter(responses::questionnaire_id.eq(questionnaire.id))
        .filter(responses::status.eq(ResponseStatus::Draft))
        .count()
        .get_result(conn)?;
    let invited: Vec<(Option<Id>, i64, i64, i64, i64)> = invitations::table
        .filter(invitations::questionnaire_id.eq(questionnaire.id))
        .group_by(invitations::territory_id)
        .select((
            invitations::territory_id,
            count_star(),
            count(invitations::sent_at),
            count(invitations::opened_at),
            count(invitations::submitted_at),
        ))
        .load(conn)?;

    let family_of = |code: &Option<String>| code.as_deref().and_then(LegalFamily::parse);
    let family_matches = |code: &Option<String>| filter.famille.is_none_or(|f| family_of(code) == Some(f));
    let family_columns: Vec<(String, String)> = LegalFamily::ALL
        .iter()
        .map(|f| (f.as_str().to_owned(), f.label().to_owned()))
        .chain([(String::new(), UNKNOWN_FAMILY.to_owned())])
        .collect();
    let column_of = |code: &Option<String>| match family_of(code) {
        Some(f) => LegalFamily::ALL.iter().position(|x| *x == f).unwrap_or(LegalFamily::ALL.len()),
        None => LegalFamily::ALL.len(),
    };
    let mut places: Vec<(String, String, Place)> =
        territories.iter().map(|t| (t.code.clone(), t.name.clone(), Place::Territory(t.id))).collect();
    places.push((NO_DEPARTEMENT.to_owned(), UNKNOWN_DEPARTEMENT.to_owned(), Place::None));

    let mut rows = Vec::new();
    for (code, name, row_place) in &places {
        if !(place == Place::Any || place == *row_place) {
            continue;
        }
        let in_row = |t: Option<Id>| row_place.matches(t, &known);
        let mut answered = vec![0; family_columns.len()];
        for (t, family, n) in &groups {
            if in_row(*t) && family_matches(family) {
                answered[column_of(family)] += *n as usize;
            }
        }
        // Invitations know no family: with a family filter, none is counted.
        let (mut inv, mut inv_answered) = (0, 0);
        if filter.famille.is_none() {
            for (t, all, _, _, submitted) in &invited {
                if in_row(*t) {
                    inv += *all as usize;
                    inv_answered += *submitted as usize;
                }
            }
        }
        rows.push(CoverageRow {
            code: code.clone(),
            name: name.clone(),
            invited: inv,
            invited_answered: inv_answered,
            answered,
        });
    }
    let coverage = Coverage { families: family_columns.clone(), rows };

    let submitted_all = groups.iter().map(|g| g.2 as usize).sum();
    let by_departement = coverage.rows.iter().map(|r| (r.code.clone(), r.name.clone(), r.total())).collect();
    let by_family = family_columns
        .iter()
        .enumerate()
        .map(|(i, (code, label))| (code.clone(), label.clone(), coverage.rows.iter().map(|r| r.answered[i]).sum()))
        .collect::<Vec<_>>();
    let submitted = coverage.rows.iter().map(CoverageRow::total).sum();
    let mut invitation_counts = InvitationCounts::default();
    for (t, all, sent, opened, answered) in &invited {
        if place.matches(*t, &known) {
            invitation_counts.invited += *all as usize;
            invitation_counts.sent += *sent as usize;
            invitation_counts.opened += *opened as usize;
            invitation_counts.submitted += *answered as usize;
        }
    }
    let participation = Participation {
        submitted,
        submitted_all,
        drafts: drafts as usize,
        by_departement,
        by_family,
        invitations: invitation_counts,
    };

    let questions = question_results(conn, questionnaire.id, place, filter.famille, &known)?;
    Ok(Some(Results {
        consultation: consultation.title,
        slug: consultation.slug,
        filter: filter.clone(),
        departements: territories.into_iter().map(|t| (t.code, t.name)).collect(),
        participation,
        coverage,
        questions,
    }))
}

/// The empty figures of a question, with its options.
fn empty_figures(question: &Question) -> Option<Figures> {
    let options = |choices: &[Choice], other: bool| {
        let mut out: Vec<OptionCount> =
            choices.iter().map(|c| OptionCount { value: c.value.clone(), label: c.label.clone(), count: 0 }).collect();
        if other {
            out.push(OptionCount { value: OTHER.to_owned(), label: "Autre".to_owned(), count: 0 });
        }
        out
    };
    Some(match &question.kind {
        QuestionKind::ShortText | QuestionKind::LongText => Figures::Text,
        QuestionKind::SingleChoice { options: o, other } => {
            Figures::Choices { multiple: false, options: options(o, *other) }
        }
        QuestionKind::MultipleChoice { options: o, other } => {
            Figures::Choices { multiple: true, options: options(o, *other) }
        }
        QuestionKind::YesNo => Figures::Choices {
            multiple: false,
            options: vec![
                OptionCount { value: "oui".into(), label: "Oui".into(), count: 0 },
                OptionCount { value: "non".into(), label: "Non".into(), count: 0 },
            ],
        },
        QuestionKind::Scale { min_label, max_label } => {
            Figures::Scale { min_label: min_label.clone(), max_label: max_label.clone(), counts: [0; 5] }
        }
        QuestionKind::Number { .. } => Figures::Number { values: Vec::new() },
        QuestionKind::Ranking { options } => Figures::Ranking {
            options: options
                .iter()
                .map(|o| RankedOption { value: o.value.clone(), label: o.label.clone(), ranked: 0, rank_sum: 0 })
                .collect(),
        },
        QuestionKind::Grid { rows, columns } => Figures::Grid {
            columns: columns.iter().map(|c| (c.value.clone(), c.label.clone())).collect(),
            rows: rows
                .iter()
                .map(|r| GridRow { value: r.value.clone(), label: r.label.clone(), counts: vec![0; columns.len()] })
                .collect(),
        },
        // The identity block is counted by the participation and the coverage.
        QuestionKind::Organisation => return None,
    })
}

/// Adds to `into` the options, rows and columns of an older version's question it lacks
/// (appended, as the export's columns are; « Autre » stays last).
fn merge_options(into: &mut Figures, older: Figures) {
    match (into, older) {
        (Figures::Choices { options, .. }, Figures::Choices { options: old, .. }) => {
            for o in old {
                if !options.iter().any(|x| x.value == o.value) {
                    let at = options.iter().position(|x| x.value == OTHER).unwrap_or(options.len());
                    if o.value == OTHER {
                        options.push(o);
                    } else {
                        options.insert(at, o);
                    }
                }
            }
        }
        (Figures::Ranking { options }, Figures::Ranking { options: old }) => {
            for o in old {
                if !options.iter().any(|x| x.value == o.value) {
                    options.push(o);
                }
            }
        }
        (Figures::Grid { columns, rows }, Figures::Grid { columns: old_columns, rows: old_rows }) => {
            for c in old_columns {
                if !columns.iter().any(|x| x.0 == c.0) {
                    columns.push(c);
                }
            }
            for r in old_rows {
                if !rows.iter().any(|x| x.value == r.value) {
                    rows.push(GridRow { value: r.value, label: r.label, counts: Vec::new() });
                }
            }
            let n = columns.len();
            for r in rows.iter_mut() {
                r.counts.resize(n, 0);
            }
        }
        _ => {}
    }
}

/// Adds one response's answer to a question's figures; returns whether it answered.
fn add(figures: &mut Figures, question: &Question, answers: &Answers) -> bool {
    let id = question.id.as_str();
    let field = |suffix: &str| format!("{id}.{suffix}");
    match figures {
        Figures::Text => answers.value(id).is_some(),
        Figures::Choices { multiple: false, options } => {
            let Some(value) = answers.value(id) else { return false };
            if let Some(o) = options.iter_mut().find(|o| o.value == value) {
                o.count += 1;
            }
            true
        }
        Figures::Choices { multiple: true, options } => {
            let chosen = answers.values(id);
            let mut any = false;
            for o in options.iter_mut() {
                if chosen.iter().any(|v| v.trim() == o.value) {
                    o.count += 1;
                    any = true;
                }
            }
            any
        }
        Figures::Scale { counts, .. } => {
            let Some(value) = answers.value(id) else { return false };
            if let Some(n) = value.parse::<usize>().ok().filter(|n| (1..=5).contains(n)) {
                counts[n - 1] += 1;
            }
            true
        }
        Figures::Number { values } => {
            let Some(value) = answers.value(id) else { return false };
            if let Some(n) = parse_number(value) {
                values.push(n);
            }
            true
        }
        Figures::Ranking { options } => {
            let mut any = false;
            for o in options.iter_mut() {
                if let Some(rank) = answers.value(&field(&o.value)) {
                    any = true;
                    if let Ok(r) = rank.parse::<usize>() {
                        o.ranked += 1;
                        o.rank_sum += r;
                    }
                }
            }
            any
        }
        Figures::Grid { columns, rows } => {
            let mut any = false;
            for r in rows.iter_mut() {
                if let Some(chosen) = answers.value(&field(&r.value)) {
                    any = true;
                    if let Some(c) = columns.iter().position(|c| c.0 == chosen) {
                        r.counts[c] += 1;
                    }
                }
            }
            any
        }
    }
}

/// A published version ready to count: each of its questions with the result it feeds.
struct Plan {
    definition: Definition,
    /// (index in `definition.questions()`, index in the results)
    targets: Vec<(usize, usize)>,
}

fn question_results(
    conn: &mut DbConnection,
    questionnaire: Id,
    place: Place,
    famille: Option<LegalFamily>,
    known: &HashMap<Id, String>,
) -> CoreResult<Vec<QuestionResult>> {
    let versions: Vec<Version> = questionnaire_versions::table
        .filter(questionnaire_versions::questionnaire_id.eq(questionnaire))
        .filter(questionnaire_versions::published_at.is_not_null())
        .order(questionnaire_versions::number.desc())
        .select(Version::as_select())
        .load(conn)?;
    let mut results: Vec<QuestionResult> = Vec::new();
    let mut plans: HashMap<Id, Plan> = HashMap::new();
    for version in &versions {
        let definition = version.parsed()?;
        let mut targets = Vec::new();
        for (n, (_, question)) in definition.questions().enumerate() {
            let Some(figures) = empty_figures(question) else { continue };
            // A question is one result per kind, as the export gives it columns per kind.
            let kind = question.kind.label();
            let at = match results.iter().position(|r| r.id == question.id && r.kind == kind) {
                Some(at) => {
                    merge_options(&mut results[at].figures, figures);
                    at
                }
                None => {
                    results.push(QuestionResult {
                        id: question.id.clone(),
                        label: question.label.clone(),
                        kind,
                        shown: 0,
                        answered: 0,
                        figures,
                    });
                    results.len() - 1
                }
            };
            targets.push((n, at));
        }
        plans.insert(version.id, Plan { definition, targets });
    }
    if place == Place::Nowhere {
        return Ok(results);
    }

    let mut after: Option<Id> = None;
    loop {
        let mut query = responses::table
            .filter(responses::questionnaire_id.eq(questionnaire))
            .filter(responses::status.eq(ResponseStatus::Submitted))
            .into_boxed();
        if let Place::Territory(t) = place {
            query = query.filter(responses::territory_id.eq(t));
        }
        if let Some(f) = famille {
            query = query.filter(responses::legal_family.eq(f.as_str()));
        }
        if let Some(id) = after {
            query = query.filter(responses::id.gt(id));
        }
        let page: Vec<(Id, Id, Option<Id>, String)> = query
            .order(responses::id.asc())
            .limit(PAGE)
            .select((responses::id, responses::version_id, responses::territory_id, responses::answers))
            .load(conn)?;
        for (_, version, territory, json) in &page {
            // "Hors région" is matched here (no département, or one the consultation lacks).
            if !place.matches(*territory, known) {
                continue;
            }
            let Some(plan) = plans.get(version) else { continue };
            let mut answers = serde_json::from_str::<StoredAnswers>(json)
                .map_err(|e| CoreError::Internal(format!("réponse illisible : {e}")))?
                .answers;
            // Cleared at submission already; cleared again, as the export does.
            answers.clear_hidden(&plan.definition);
            let questions: Vec<&Question> = plan.definition.questions().map(|(_, q)| q).collect();
            for (n, at) in &plan.targets {
                let question = questions[*n];
                if !answers.shows(question) {
                    continue;
                }
                let result = &mut results[*at];
                result.shown += 1;
                if add(&mut result.figures, question, &answers) {
                    result.answered += 1;
                }
            }
        }
        match page.last() {
            Some((id, ..)) if page.len() as i64 == PAGE => after = Some(*id),
            _ => break,
        }
    }
    for result in &mut results {
        if let Figures::Number { values } = &mut result.figures {
            values.sort_by(f64::total_cmp);
        }
    }
    Ok(results)
}

/// Open answers a page of the results shows.
pub const OPEN_ANSWERS_PAGE: usize = 20;

/// One answer to a text question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAnswer {
    /// The question's label (in the version the respondent answered).
    pub question: String,
    /// The answer, as written.
    pub text: String,
}

/// A page of the open answers, and how many match in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenAnswers {
    /// The answers of the page, in the order the responses arrived, then of the questions.
    pub items: Vec<OpenAnswer>,
    /// Answers matching the filter and the words, on every page.
    pub total: usize,
    /// The page asked for (1-based; past the last, it is empty).
    pub page: usize,
    /// Pages in all (at least 1).
    pub pages: usize,
}

/// The answers to the text questions (short and long) of the submitted responses that
/// `filter` keeps, whose text contains `words` (compared in Rust's lowercase, so the same on
/// both backends), [`OPEN_ANSWERS_PAGE`] a page: until issue 19 only the export had them.
/// Streams the responses as [`results_for`] does; only the page's answers stay in memory.
pub fn open_answers(
    conn: &mut DbConnection,
    slug: &str,
    filter: &ResultsFilter,
    words: &str,
    page: usize,
) -> CoreResult<OpenAnswers> {
    let consultation = find_consultation(conn, slug)?;
    let page = page.max(1);
    let Some(questionnaire) = questionnaire_of(conn, consultation.id)? else {
        return Ok(OpenAnswers { page, pages: 1, ..Default::default() });
    };
    let territories = territories_of(conn, consultation.id)?;
    let known: HashMap<Id, String> = territories.iter().map(|t| (t.id, t.code.clone())).collect();
    let place = match filter.departement.as_deref() {
        None => Place::Any,
        Some(NO_DEPARTEMENT) => Place::None,
        Some(code) => territories.iter().find(|t| t.code == code).map_or(Place::Nowhere, |t| Place::Territory(t.id)),
    };
    let words = words.trim().to_lowercase();
    let (skip, mut total, mut items) = ((page - 1) * OPEN_ANSWERS_PAGE, 0, Vec::new());
    let versions: Vec<Version> = questionnaire_versions::table
        .filter(questionnaire_versions::questionnaire_id.eq(questionnaire.id))
        .filter(questionnaire_versions::published_at.is_not_null())
        .select(Version::as_select())
        .load(conn)?;
    let mut definitions: HashMap<Id, Definition> = HashMap::new();
    for version in &versions {
        definitions.insert(version.id, version.parsed()?);
    }
    if place == Place::Nowhere {
        return Ok(OpenAnswers { page, pages: 1, ..Default::default() });
    }
    let mut after: Option<Id> = None;
    loop {
        let mut query = responses::table
            .filter(responses::questionnaire_id.eq(questionnaire.id))
            .filter(responses::status.eq(ResponseStatus::Submitted))
            .into_boxed();
        if let Place::Territory(t) = place {
            query = query.filter(responses::territory_id.eq(t));
        }
        if let Some(f) = filter.famille {
            query = query.filter(responses::legal_family.eq(f.as_str()));
        }
        if let Some(id) = after {
            query = query.filter(responses::id.gt(id));
        }
        let rows: Vec<(Id, Id, Option<Id>, String)> = query
            .order(responses::id.asc())
            .limit(PAGE)
            .select((responses::id, responses::version_id, responses::territory_id, responses::answers))
            .load(conn)?;
        for (_, version, territory, json) in &rows {
            if !place.matches(*territory, &known) {
                continue;
            }
            let Some(definition) = definitions.get(version) else { continue };
            let mut answers = serde_json::from_str::<StoredAnswers>(json)
                .map_err(|e| CoreError::Internal(format!("réponse illisible : {e}")))?
                .answers;
            answers.clear_hidden(definition);
            for (_, question) in definition.questions() {
                let open = matches!(question.kind, QuestionKind::ShortText | QuestionKind::LongText);
                if !open || !answers.shows(question) {
                    continue;
                }
                let Some(text) = answers.value(&question.id) else { continue };
                if !words.is_empty() && !text.to_lowercase().contains(&words) {
                    continue;
                }
                if total >= skip && items.len() < OPEN_ANSWERS_PAGE {
                    items.push(OpenAnswer { question: question.label.clone(), text: text.to_owned() });
                }
                total += 1;
            }
        }
        match rows.last() {
            Some((id, ..)) if rows.len() as i64 == PAGE => after = Some(*id),
            _ => break,
        }
    }
    Ok(OpenAnswers { items, total, page, pages: total.div_ceil(OPEN_ANSWERS_PAGE).max(1) })
}
