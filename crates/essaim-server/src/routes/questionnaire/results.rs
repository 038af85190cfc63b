//! `GET /staff/consultations/{slug}/questionnaire/resultats[?departement=44&famille=association]`:
//! the team's figures (participation, coverage, per-question results), staff only (a
//! facilitator gets 403). A GET form filters without JavaScript. Every chart is an inline SVG
//! with its `<title>` and `<desc>`, followed by a table of the same figures.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::results::{
    chart_svg, open_answers, percent, results_for, Figures, OpenAnswers, QuestionResult, Results, ResultsFilter,
    NO_DEPARTEMENT, UNKNOWN_DEPARTEMENT,
};
use essaim_core::domain::LegalFamily;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Staff;
use crate::views::{render, Layout};

/// Query of the page.
#[derive(Deserialize)]
pub struct ResultsQuery {
    departement: Option<String>,
    famille: Option<String>,
    /// Words searched for in the open answers.
    #[serde(default)]
    texte: String,
    /// The page of the open answers (1-based; anything else is the first).
    #[serde(default)]
    page: String,
}

/// The open answers' section: the words searched, a page of answers, and the other pages.
struct OpenSection {
    words: String,
    answers: OpenAnswers,
    previous: Option<String>,
    next: Option<String>,
}

impl OpenSection {
    fn new(slug: &str, filter: &ResultsFilter, words: String, answers: OpenAnswers) -> OpenSection {
        let url = |page: usize| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            if let Some(d) = &filter.departement {
                query.append_pair("departement", d);
            }
            if let Some(f) = filter.famille {
                query.append_pair("famille", f.as_str());
            }
            if !words.trim().is_empty() {
                query.append_pair("texte", words.trim());
            }
            query.append_pair("page", &page.to_string());
            format!("/staff/consultations/{slug}/questionnaire/resultats?{}#reponses-ouvertes", query.finish())
        };
        let page = answers.page;
        let previous = (page > 1).then(|| url((page - 1).min(answers.pages)));
        let next = (page < answers.pages).then(|| url(page + 1));
        OpenSection { words, answers, previous, next }
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// A table of figures: a caption, column headers, rows (header cell, figure cells).
struct FigureTable {
    caption: String,
    first: String,
    headers: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

struct CoverageCell {
    text: String,
    missing: bool,
}

struct CoverageLine {
    name: String,
    invited: String,
    cells: Vec<CoverageCell>,
    total: String,
    missing: bool,
}

struct QuestionView {
    id: String,
    label: String,
    kind: &'static str,
    shown: String,
    answered: String,
    summary: Vec<String>,
    chart: Option<String>,
    table: Option<FigureTable>,
}

#[derive(Template)]
#[template(path = "questionnaire/results.html")]
struct ResultsPage {
    layout: Layout,
    open: OpenSection,
    slug: String,
    consultation: String,
    filtered: bool,
    filter_text: String,
    departements: Vec<Choice>,
    familles: Vec<Choice>,
    figures: Vec<(&'static str, String)>,
    by_departement_chart: String,
    by_departement: FigureTable,
    by_family: FigureTable,
    coverage_families: Vec<String>,
    coverage: Vec<CoverageLine>,
    missing_cells: usize,
    questions: Vec<QuestionView>,
}

/// "1 234", as every document writes figures.
fn n(value: usize) -> String {
    essaim_documents::numbers::number(value)
}

/// A decimal in French: "3,5" (at most `digits` decimals, trailing zeros dropped).
fn decimal(value: f64, digits: usize) -> String {
    let text = format!("{value:.digits$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    text.replace('.', ",").replace('-', "\u{2212}")
}

/// "42,9 %", or "—" when the whole is 0.
fn pct(part: usize, whole: usize) -> String {
    percent(part, whole).map_or("—".to_owned(), |p| format!("{}\u{a0}%", decimal(p, 1)))
}

fn question_view(q: &QuestionResult) -> QuestionView {
    let answered = q.answered;
    let share = "Part des répondants à la question".to_owned();
    let mut summary = Vec::new();
    let mut chart = None;
    let table = match &q.figures {
        Figures::Text => {
            summary.push("Les textes sont plus bas, dans « Réponses ouvertes », où l'on peut les chercher.".into());
            None
        }
        Figures::Choices { multiple, options } => {
            if *multiple {
                summary.push("Plusieurs réponses possibles : les parts peuvent dépasser 100 % au total.".into());
            }
            let bars: Vec<(String, usize)> = options.iter().map(|o| (o.label.clone(), o.count)).collect();
            chart = (answered > 0).then(|| chart_svg(&q.label, &bars));
            Some(FigureTable {
                caption: format!("Réponses à « {} »", q.label),
                first: "Réponse".into(),
                headers: vec!["Répondants".into(), share],
                rows: options.iter().map(|o| (o.label.clone(), vec![n(o.count), pct(o.count, answered)])).collect(),
            })
        }
        Figures::Scale { min_label, max_label, counts } => {
            if let Some(mean) = q.figures.mean() {
                summary.push(format!("Moyenne : {} sur 5.", decimal(mean, 2)));
            }
            let label = |k: usize| match k {
                1 => format!("1 ({min_label})"),
                5 => format!("5 ({max_label})"),
                k => k.to_string(),
            };
            let bars: Vec<(String, usize)> = counts.iter().enumerate().map(|(i, c)| (label(i + 1), *c)).collect();
            chart = (answered > 0).then(|| chart_svg(&q.label, &bars));
            Some(FigureTable {
                caption: format!("Répartition des réponses à « {} »", q.label),
                first: "Valeur".into(),
                headers: vec!["Répondants".into(), share],
                rows: counts.iter().enumerate().map(|(i, c)| (label(i + 1), vec![n(*c), pct(*c, answered)])).collect(),
            })
        }
        Figures::Number { values } => {
            let none = || "—".to_owned();
            Some(FigureTable {
                caption: format!("Nombres répondus à « {} »", q.label),
                first: "Mesure".into(),
                headers: vec!["Valeur".into()],
                rows: vec![
                    ("Nombres donnés".into(), vec![n(values.len())]),
                    ("Moyenne".into(), vec![q.figures.mean().map_or_else(none, |m| decimal(m, 2))]),
                    ("Médiane".into(), vec![q.figures.median().map_or_else(none, |m| decimal(m, 2))]),
                ],
            })
        }
        Figures::Ranking { options } => {
            summary.push(
                "Rang moyen : 1 est la première place ; plus il est petit, plus la proposition est jugée importante."
                    .into(),
            );
            Some(FigureTable {
                caption: format!("Rang moyen de chaque proposition de « {} »", q.label),
                first: "Proposition".into(),
                headers: vec!["Rang moyen".into(), "Classée par".into()],
                rows: options
                    .iter()
                    .map(|o| (o.label.clone(), vec![o.mean_rank().map_or("—".into(), |m| decimal(m, 2)), n(o.ranked)]))
                    .collect(),
            })
        }
        Figures::Grid { columns, rows } => Some(FigureTable {
            caption: format!("Réponses à « {} », par ligne", q.label),
            first: "Ligne".into(),
            headers: columns.iter().map(|c| c.1.clone()).chain(["Réponses à la ligne".to_owned()]).collect(),
            rows: rows
                .iter()
                .map(|r| {
                    let mut cells: Vec<String> =
                        r.counts.iter().map(|c| format!("{} ({})", n(*c), pct(*c, r.answered()))).collect();
                    cells.push(n(r.answered()));
                    (r.label.clone(), cells)
                })
                .collect(),
        }),
    };
    QuestionView {
        id: q.id.clone(),
        label: q.label.clone(),
        kind: q.kind,
        shown: n(q.shown),
        answered: format!("{} ({} de ceux à qui elle a été posée)", n(answered), pct(answered, q.shown)),
        summary,
        chart,
        table,
    }
}

fn filter_text(results: &Results) -> String {
    let filter = &results.filter;
    let mut parts = Vec::new();
    if let Some(code) = &filter.departement {
        parts.push(match results.departements.iter().find(|(c, _)| c == code) {
            Some((c, name)) => format!("{name} ({c})"),
            None if code == NO_DEPARTEMENT => UNKNOWN_DEPARTEMENT.to_owned(),
            None => format!("département « {code} », inconnu de la consultation"),
        });
    }
    if let Some(f) = filter.famille {
        parts.push(f.label().to_owned());
    }
    parts.join(", ")
}

fn coverage_lines(results: &Results) -> (Vec<CoverageLine>, usize) {
    let unknown = results.coverage.families.len().saturating_sub(1);
    let mut missing_cells = 0;
    let lines = results
        .coverage
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .answered
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    // The unknown family is not a family whose voice can be missing.
                    let missing = *c == 0 && i != unknown;
                    missing_cells += usize::from(missing);
                    CoverageCell { text: if missing { "0 — aucune réponse".into() } else { n(*c) }, missing }
                })
                .collect();
            CoverageLine {
                name: row.name.clone(),
                invited: if row.invited == 0 {
                    "aucune".into()
                } else {
                    format!("{} (dont {} ont répondu)", n(row.invited), n(row.invited_answered))
                },
                cells,
                total: n(row.total()),
                missing: row.total() == 0,
            }
        })
        .collect();
    (lines, missing_cells)
}

fn page(req: &HttpRequest, results: &Results, open: OpenSection) -> ResultsPage {
    let filter = &results.filter;
    let p = &results.participation;
    let inv = p.invitations;
    let mut departements: Vec<Choice> = results
        .departements
        .iter()
        .map(|(code, name)| Choice {
            value: code.clone(),
            label: format!("{name} ({code})"),
            selected: filter.departement.as_deref() == Some(code),
        })
        .collect();
    departements.push(Choice {
        value: NO_DEPARTEMENT.into(),
        label: UNKNOWN_DEPARTEMENT.into(),
        selected: filter.departement.as_deref() == Some(NO_DEPARTEMENT),
    });
    let familles = LegalFamily::ALL
        .iter()
        .map(|f| Choice { value: f.as_str().into(), label: f.label().into(), selected: filter.famille == Some(*f) })
        .collect();
    let figures = vec![
        ("Réponses envoyées", n(p.submitted)),
        ("Brouillons commencés, non envoyés (tout le questionnaire)", n(p.drafts)),
        (
            "Taux de complétion (envoyées ÷ envoyées et brouillons, tout le questionnaire)",
            pct(p.submitted_all, p.submitted_all + p.drafts),
        ),
        ("Invitations envoyées", n(inv.sent)),
        ("Invitations ouvertes", format!("{} ({} des envoyées)", n(inv.opened), pct(inv.opened, inv.sent))),
        ("Invitations ayant répondu", format!("{} ({} des envoyées)", n(inv.submitted), pct(inv.submitted, inv.sent))),
    ];
    let bars: Vec<(String, usize)> = p.by_departement.iter().map(|(_, name, c)| (name.clone(), *c)).collect();
    let by_departement = FigureTable {
        caption: "Réponses envoyées par département".into(),
        first: "Département".into(),
        headers: vec!["Réponses".into(), "Part des réponses".into()],
        rows: p.by_departement.iter().map(|(_, name, c)| (name.clone(), vec![n(*c), pct(*c, p.submitted)])).collect(),
    };
    let by_family = FigureTable {
        caption: "Réponses envoyées par famille juridique".into(),
        first: "Famille juridique".into(),
        headers: vec!["Réponses".into(), "Part des réponses".into()],
        rows: p.by_family.iter().map(|(_, label, c)| (label.clone(), vec![n(*c), pct(*c, p.submitted)])).collect(),
    };
    let (coverage, missing_cells) = coverage_lines(results);
    ResultsPage {
        layout: Layout::for_request(req, format!("Résultats du questionnaire — {}", results.consultation), "home"),
        open,
        slug: results.slug.clone(),
        consultation: results.consultation.clone(),
        filtered: !filter.is_empty(),
        filter_text: filter_text(results),
        departements,
        familles,
        figures,
        by_departement_chart: chart_svg("Réponses envoyées par département", &bars),
        by_departement,
        by_family,
        coverage_families: results.coverage.families.iter().map(|f| f.1.clone()).collect(),
        coverage,
        missing_cells,
        questions: results.questions.iter().map(question_view).collect(),
    }
}

/// The page.
pub async fn show(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<ResultsQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = ResultsFilter::parse(query.departement.as_deref(), query.famille.as_deref());
    let slug = slug.into_inner();
    let words = query.texte.chars().take(200).collect::<String>();
    let number = query.page.trim().parse::<usize>().unwrap_or(1);
    let (shown, searched) = (filter.clone(), words.clone());
    let (results, open) = state
        .db(move |conn| -> Result<_, AppError> {
            let results = results_for(conn, &slug, &shown)?;
            let open = open_answers(conn, &slug, &shown, &searched, number)?;
            Ok(results.map(|r| (r, open)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let open = OpenSection::new(&results.slug, &filter, words, open);
    render(&page(&req, &results, open), StatusCode::OK)
}
