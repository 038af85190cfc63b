//! The questionnaire's aggregated results as an open-data table (docs/open-data.md): the same
//! figures as the team's results page without filter ([`super::results`]), never a response,
//! never a named organisation, never a free text — only how many answered.

use essaim_core::db::DbConnection;
use essaim_core::CoreResult;
use essaim_documents::datapackage::{Cell, DataTable, Field, FieldType};

use super::results::{results_for, Figures, ResultsFilter};

/// The table's name.
pub const QUESTIONNAIRE_RESULTS: &str = "questionnaire-resultats";

fn row(
    question: &super::results::QuestionResult,
    item: Option<(String, String)>,
    column: Option<(String, String)>,
    respondents: Option<usize>,
    mean: Option<f64>,
    median: Option<f64>,
) -> Vec<Cell> {
    let (item_value, item_label) = item.map(|(v, l)| (Some(v), Some(l))).unwrap_or_default();
    let (column_value, column_label) = column.map(|(v, l)| (Some(v), Some(l))).unwrap_or_default();
    vec![
        question.id.clone().into(),
        question.label.clone().into(),
        question.kind.into(),
        Cell::Integer(question.shown as i64),
        Cell::Integer(question.answered as i64),
        item_value.into(),
        item_label.into(),
        column_value.into(),
        column_label.into(),
        respondents.map(|n| Cell::Integer(n as i64)).unwrap_or(Cell::Empty),
        mean.map(Cell::Number).unwrap_or(Cell::Empty),
        median.map(Cell::Number).unwrap_or(Cell::Empty),
    ]
}

/// The aggregated results of the consultation's questionnaire (submitted responses of its
/// published versions), one row per question (its summary) and one per option, scale value,
/// ranked option or grid cell; none when the consultation has no questionnaire.
pub fn results_table(conn: &mut DbConnection, slug: &str) -> CoreResult<Option<DataTable>> {
    let Some(results) = results_for(conn, slug, &ResultsFilter::default())? else { return Ok(None) };
    let mut rows = Vec::new();
    for q in &results.questions {
        rows.push(row(q, None, None, None, q.figures.mean(), q.figures.median()));
        match &q.figures {
            Figures::Choices { options, .. } => {
                for o in options {
                    rows.push(row(q, Some((o.value.clone(), o.label.clone())), None, Some(o.count), None, None));
                }
            }
            Figures::Scale { min_label, max_label, counts } => {
                for (i, n) in counts.iter().enumerate() {
                    let label = match i {
                        0 => min_label.clone(),
                        4 => max_label.clone(),
                        _ => String::new(),
                    };
                    rows.push(row(q, Some(((i + 1).to_string(), label)), None, Some(*n), None, None));
                }
            }
            Figures::Ranking { options } => {
                for o in options {
                    let item = Some((o.value.clone(), o.label.clone()));
                    rows.push(row(q, item, None, Some(o.ranked), o.mean_rank(), None));
                }
            }
            Figures::Grid { columns, rows: grid } => {
                for r in grid {
                    for (column, n) in columns.iter().zip(&r.counts) {
                        let item = Some((r.value.clone(), r.label.clone()));
                        rows.push(row(q, item, Some(column.clone()), Some(*n), None, None));
                    }
                }
            }
            Figures::Number { .. } | Figures::Text => {}
        }
    }
    Ok(Some(DataTable {
        name: QUESTIONNAIRE_RESULTS,
        title: "Résultats agrégés du questionnaire aux acteurs",
        description: "Les chiffres du questionnaire sur l'ensemble des réponses envoyées : pour chaque question, \
                      une ligne de synthèse (sans option), puis une ligne par option, valeur d'échelle, option classée \
                      ou case de grille. Aucune réponse individuelle, aucun texte libre."
            .into(),
        fields: vec![
            Field::new("question_id", FieldType::String, "Question", "Identifiant de la question.").required(),
            Field::new("question", FieldType::String, "Intitulé", "Intitulé de la question.").required(),
            Field::new("kind", FieldType::String, "Type", "Type de question, en toutes lettres.").required(),
            Field::new(
                "shown",
                FieldType::Integer,
                "Répondants concernés",
                "Réponses envoyées à qui la question a été posée.",
            )
            .required()
            .between(0, None),
            Field::new("answered", FieldType::Integer, "Ont répondu", "Parmi eux, ceux qui y ont répondu.")
                .required()
                .between(0, None),
            Field::new(
                "item_value",
                FieldType::String,
                "Option (code)",
                "Option, valeur d'échelle ou ligne de grille ; vide sur la ligne de synthèse.",
            ),
            Field::new("item_label", FieldType::String, "Option", "Son libellé."),
            Field::new("column_value", FieldType::String, "Colonne (code)", "Colonne d'une grille."),
            Field::new("column_label", FieldType::String, "Colonne", "Son libellé."),
            Field::new(
                "respondents",
                FieldType::Integer,
                "Répondants",
                "Répondants qui ont choisi l'option (ou classé, ou coché la case).",
            )
            .between(0, None),
            Field::new(
                "mean",
                FieldType::Number,
                "Moyenne",
                "Moyenne d'une échelle ou d'un nombre (ligne de synthèse) ; rang moyen d'une option classée.",
            ),
            Field::new("median", FieldType::Number, "Médiane", "Médiane d'un nombre (ligne de synthèse)."),
        ],
        primary_key: vec![],
        foreign_keys: vec![],
        rows,
    }))
}
