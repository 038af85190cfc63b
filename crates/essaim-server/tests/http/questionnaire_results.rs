//! The team's figures page: staff see participation, coverage and per-question results, with
//! charts each followed by their table, labels escaped, filters by a GET form; a facilitator
//! cannot.

use actix_web::http::StatusCode;
use essaim_contributions::demo::demo_definition;
use essaim_contributions::questionnaire::definition::QuestionKind;
use essaim_contributions::questionnaire::export::seed_submitted;
use essaim_contributions::questionnaire::results::{results_for, Figures, Results, ResultsFilter};
use essaim_contributions::questionnaire::store::{publish, save_definition};
use essaim_core::db::DbConnection;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::find_consultation;

use crate::common::{browser, FACILITATOR, STAFF};

fn address(query: &str) -> String {
    format!("/staff/consultations/{DEMO_SLUG}/questionnaire/resultats{query}")
}

/// Version 2 of the demo, whose « t5_mois » option « parfois » has a label with markup.
fn publish_label_with_markup(conn: &mut DbConnection) {
    let consultation = find_consultation(conn, DEMO_SLUG).unwrap().id;
    let mut definition = demo_definition();
    for section in &mut definition.sections {
        for question in &mut section.questions {
            if let (true, QuestionKind::SingleChoice { options, .. }) = (question.id == "t5_mois", &mut question.kind) {
                for o in options.iter_mut().filter(|o| o.value == "parfois") {
                    o.label = "Parfois <script>alert(1)</script>".into();
                }
            }
        }
    }
    save_definition(conn, consultation, &definition, None).unwrap();
    publish(conn, consultation, None).unwrap();
}

fn figures(conn: &mut DbConnection, filter: &ResultsFilter) -> Results {
    results_for(conn, DEMO_SLUG, filter).unwrap().unwrap()
}

#[actix_web::test]
async fn a_facilitator_is_refused_and_a_visitor_sent_to_the_login() {
    let mut visitor = browser().await;
    let anonymous = visitor.get(&address("")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/login"), "{}", anonymous.location());

    let mut b = browser().await;
    seed_submitted(&mut b.db.conn(), DEMO_SLUG, 3).unwrap();
    b.login(FACILITATOR).await;
    let refused = b.get(&address("")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains("Résultats par question"));
}

#[actix_web::test]
async fn staff_see_the_figures_with_charts_and_tables_escaped_and_filtered() {
    let mut b = browser().await;
    publish_label_with_markup(&mut b.db.conn());
    seed_submitted(&mut b.db.conn(), DEMO_SLUG, 40).unwrap();
    b.login(STAFF).await;
    let page = b.get(&address("")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("<h1>Résultats du questionnaire</h1>"));
    assert!(body.contains("<dt>Réponses envoyées</dt><dd>40</dd>"), "submitted count");

    // Each option's count as the module computes it (itself checked against the CSV export).
    let all = figures(&mut b.db.conn(), &ResultsFilter::default());
    let role = all.questions.iter().find(|q| q.id == "role").unwrap();
    let Figures::Choices { options, .. } = &role.figures else { panic!("choices") };
    for o in options {
        let row = format!("<th scope=\"row\">{}</th><td class=\"n\">{}</td>", o.label, o.count);
        assert!(body.contains(&row), "{row}");
    }
    // A chart with its accessible name and its description in words, then its table.
    let chart = body
        .find("<title>Vous répondez en tant que…</title><desc>Vous répondez en tant que… (diagramme en barres) :")
        .expect("a chart");
    let table = body.find("<caption>Réponses à « Vous répondez en tant que… »</caption>").expect("its table");
    assert!(chart < table, "the table follows the chart");
    assert!(body.contains("role=\"img\""));

    // Labels are escaped, in the tables and in the charts.
    assert!(body.contains("Parfois &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!body.contains("<script>alert(1)"));

    // Scale: a mean; texts: a count, and the texts in « Réponses ouvertes » (issue 19).
    assert!(body.contains("Moyenne : "));
    assert!(body.contains("Les textes sont plus bas, dans « Réponses ouvertes »"));
    assert!(body.contains("Invitations et réponses envoyées, par département et famille juridique"));

    // Filtered by the GET form: the figures of the filter, and missing voices said in words.
    let filtered = b.get(&address("?departement=44&famille=association")).await;
    assert_eq!(filtered.status, StatusCode::OK);
    let expected = figures(&mut b.db.conn(), &ResultsFilter::parse(Some("44"), Some("association")));
    let submitted = expected.participation.submitted;
    assert!(submitted < 40);
    assert!(filtered.body.contains(&format!("<dt>Réponses envoyées</dt><dd>{submitted}</dd>")), "filtered count");
    assert!(filtered.body.contains("Filtre appliqué : Loire-Atlantique (44), Association."));
    assert!(filtered.body.contains("<option value=\"44\" selected>"));
    assert!(filtered.body.contains("<option value=\"association\" selected>"));
    assert!(filtered.body.contains("0 — aucune réponse"), "empty cells said in text");

    // The management page leads to it.
    let manage = b.get(&format!("/staff/consultations/{DEMO_SLUG}/questionnaire")).await;
    assert!(manage.body.contains(&format!("href=\"{}\"", address(""))), "linked from the management page");

    let unknown = b.get("/staff/consultations/nulle-part/questionnaire/resultats").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_open_answers_are_on_the_page_searchable_and_paginated() {
    use essaim_contributions::questionnaire::results::{open_answers, OPEN_ANSWERS_PAGE};
    let mut b = browser().await;
    seed_submitted(&mut b.db.conn(), DEMO_SLUG, 40).unwrap();
    let all = open_answers(&mut b.db.conn(), DEMO_SLUG, &ResultsFilter::default(), "", 1).unwrap();
    assert!(all.total > OPEN_ANSWERS_PAGE, "more than a page: {}", all.total);
    b.login(STAFF).await;

    let page = b.get(&address("")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let text = page.text();
    assert!(text.contains("Réponses ouvertes"));
    assert!(!text.contains("Les textes ne sont pas montrés ici"), "no longer only in the export");
    assert!(text.contains(&all.items[0].text), "the first answer is shown");
    assert_eq!(page.body.matches("<li><p class=\"card-meta\">").count(), OPEN_ANSWERS_PAGE, "one page of them");
    assert!(text.contains(&format!("{} réponses ouvertes — page 1 sur {}", all.total, all.pages)));
    assert!(page.body.contains("Réponses suivantes"));

    // The next page: the answers after the first page's.
    let second = b.get(&address("?page=2")).await;
    let second_page = open_answers(&mut b.db.conn(), DEMO_SLUG, &ResultsFilter::default(), "", 2).unwrap();
    assert!(second.text().contains(&second_page.items[0].text));
    assert!(second.body.contains("Réponses précédentes"));

    // Searched by a GET query, without case.
    let target = all.items[0].text.clone();
    let words = target.to_uppercase();
    let query: String = url::form_urlencoded::byte_serialize(words.as_bytes()).collect();
    let searched = b.get(&address(&format!("?texte={query}"))).await;
    let found = searched.text();
    let start = found.find("Réponses ouvertes</h2>").unwrap();
    let found = &found[start..];
    assert!(found.contains(&target), "{found}");
    assert!(found.contains(&format!("contenant « {words} »")));
    let matching = open_answers(&mut b.db.conn(), DEMO_SLUG, &ResultsFilter::default(), &words, 1).unwrap();
    assert!(matching.total >= 1 && matching.total < all.total, "only what matches: {}", matching.total);
    assert_eq!(found.matches("<li><p class=\"card-meta\">").count(), matching.items.len());
    let none = b.get(&address("?texte=introuvable-%3Cb%3E")).await.text();
    assert!(none.contains("Aucune réponse ouverte ne contient « introuvable-&#60;b&#62; »"), "escaped: {none}");
    // The département filter applies to them too; a page past the last is empty, not an error.
    let filtered = b.get(&address("?departement=00&page=999")).await;
    assert_eq!(filtered.status, StatusCode::OK);
    assert!(filtered.text().contains("Aucune réponse ouverte."));
}
