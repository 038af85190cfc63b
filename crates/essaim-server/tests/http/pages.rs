//! Public pages, the JSON API and what every page carries.

use actix_web::http::StatusCode;
use essaim_core::demo::{DEMO_SLUG, DEMO_TITLE, FIVE_THEMES};

use crate::common::{browser, FACILITATOR, STAFF};

#[actix_web::test]
async fn home_and_consultation_show_the_demo_and_its_five_themes() {
    let mut b = browser().await;
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains(DEMO_TITLE));
    assert!(home.body.contains("<html lang=\"fr\">"));
    assert!(home.body.contains("href=\"#contenu\""), "skip link");

    let page = b.get(&format!("/consultations/{DEMO_SLUG}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    for theme in FIVE_THEMES {
        assert!(
            text.contains(&format!("<span class=\"theme-title\">{theme}</span>")),
            "theme {theme:?} in exact wording"
        );
    }
    assert!(text.contains("<time datetime=\"2016-06-28\">28 juin 2016</time>"));
    assert!(text.contains("Angers"));
    // Counts are for staff only.
    assert!(!text.contains("acceptées</span>"));
    assert!(!text.contains("class=\"badge\""));
}

#[actix_web::test]
async fn staff_see_participation_counts_on_the_consultation_page() {
    let mut b = browser().await;
    assert_eq!(b.login(STAFF).await.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/consultations/{DEMO_SLUG}")).await;
    // The demo holds 12, 12, 12, 10 and 11 accepted contributions per theme.
    for count in ["12 contributions acceptées", "10 contributions acceptées", "11 contributions acceptées"] {
        assert!(page.body.contains(&format!("<span class=\"badge\">{count}</span>")), "{count}");
    }
}

#[actix_web::test]
async fn healthz_api_and_openapi_describe_the_service() {
    let mut b = browser().await;
    let health = b.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    let json = health.json();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["backend"], b.db.url.backend().as_str());
    assert_eq!(json["version"], essaim_core::VERSION);

    let list = b.get("/api/v1/consultations").await.json();
    assert_eq!(list[0]["slug"], DEMO_SLUG);
    let detail = b.get(&format!("/api/v1/consultations/{DEMO_SLUG}")).await.json();
    let themes: Vec<&str> = detail["themes"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(themes, FIVE_THEMES);
    assert_eq!(detail["phases"].as_array().unwrap().len(), 8);

    let doc = b.get("/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/healthz", "/api/v1/consultations", "/api/v1/consultations/{slug}"] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
}

#[actix_web::test]
async fn pages_carry_security_headers_and_cookies_are_http_only_lax() {
    let mut b = browser().await;
    let page = b.get("/login").await;
    assert_eq!(page.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(page.headers.get("content-security-policy").unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
    let csrf = page.set_cookies().into_iter().find(|c| c.starts_with("essaim_csrf=")).expect("CSRF cookie set");
    assert!(csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"), "{csrf}");
    let login = b.login(STAFF).await;
    let session = login.set_cookies().into_iter().find(|c| c.starts_with("essaim_session=")).expect("session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
}

#[actix_web::test]
async fn a_draft_consultation_is_seen_by_staff_only_and_open_ones_come_first() {
    let mut b = browser().await;
    let mut file = essaim_core::demo::demo_setup();
    file.sections.clear();
    file.consultation.slug = "ess-bretagne-2027".into();
    file.consultation.title = "Stratégie régionale de l'ESS — Bretagne 2027".into();
    file.consultation.state = essaim_core::domain::ConsultationState::Draft;
    essaim_core::domain::setup::import(&mut b.db.conn(), &file, &[]).unwrap();
    file.consultation.slug = "ess-bretagne-2021".into();
    file.consultation.title = "Stratégie régionale de l'ESS — Bretagne 2021".into();
    file.consultation.starts_on = chrono::NaiveDate::from_ymd_opt(2030, 1, 1);
    file.consultation.ends_on = chrono::NaiveDate::from_ymd_opt(2030, 12, 31);
    file.consultation.state = essaim_core::domain::ConsultationState::Closed;
    essaim_core::domain::setup::import(&mut b.db.conn(), &file, &[]).unwrap();

    let home = b.get("/").await.text();
    assert!(!home.contains("Bretagne 2027"), "a draft is not listed");
    let (open, past) = (home.find(DEMO_TITLE).unwrap(), home.find("Bretagne 2021").unwrap());
    assert!(open < past, "open consultations first, though the closed one starts later");
    assert_eq!(b.get("/consultations/ess-bretagne-2027").await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/api/v1/consultations/ess-bretagne-2027").await.status, StatusCode::NOT_FOUND);
    assert!(!b.get("/api/v1/consultations").await.text().contains("ess-bretagne-2027"));

    b.login(FACILITATOR).await;
    let page = b.get("/consultations/ess-bretagne-2027").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "a facilitator is not its staff");
    b.login(STAFF).await;
    let page = b.get("/consultations/ess-bretagne-2027").await;
    assert_eq!(page.status, StatusCode::OK, "its staff see it");
}

#[actix_web::test]
async fn the_public_page_follows_the_set_up_its_themes_its_current_phase_and_its_state() {
    use essaim_core::domain::consultation::{find_consultation, set_state};
    use essaim_core::domain::setup::ThemeSetup;
    let mut b = browser().await;
    let mut file = essaim_core::demo::demo_setup();
    file.sections.clear();
    file.consultation.slug = "ess-bretagne-2027".into();
    file.consultation.title = "Stratégie régionale de l'ESS — Bretagne 2027".into();
    let today = chrono::Utc::now().date_naive();
    file.consultation.starts_on = Some(today - chrono::Duration::days(60));
    file.consultation.ends_on = Some(today + chrono::Duration::days(200));
    for (n, phase) in file.phases.iter_mut().enumerate() {
        let start = today + chrono::Duration::days(40 * n as i64 - 45);
        (phase.starts_on, phase.ends_on) = (Some(start), Some(start + chrono::Duration::days(39)));
    }
    file.themes.push(ThemeSetup { title: "Transition écologique".into(), description: String::new() });
    essaim_core::domain::setup::import(&mut b.db.conn(), &file, &[]).unwrap();

    let page = b.get("/consultations/ess-bretagne-2027").await;
    let text = page.text();
    assert!(text.contains("Les 6 thèmes du socle de la stratégie"), "the number of themes, not « cinq »");
    let current: Vec<&str> = page.body.split("aria-current=\"step\"").skip(1).collect();
    assert_eq!(current.len(), 1, "one phase under way today");
    assert!(current[0].contains("Questionnaire aux acteurs"), "the second phase is the current one");
    assert!(text.contains("/consultations/ess-bretagne-2027/contribuer/6"), "open: the forms are offered");

    let id = find_consultation(&mut b.db.conn(), "ess-bretagne-2027").unwrap().id;
    set_state(&mut b.db.conn(), id, essaim_core::domain::ConsultationState::Closed, None).unwrap();
    let page = b.get("/consultations/ess-bretagne-2027").await;
    assert!(page.text().contains("La consultation est close"), "{}", page.text());
    assert!(!page.body.contains("/contribuer/"), "no form offered once closed");
    let form = b.get("/consultations/ess-bretagne-2027/contribuer/1").await;
    let csrf = form.body.split("name=\"csrf_token\" value=\"").nth(1).map(|r| r.split('"').next().unwrap().to_owned());
    let csrf = csrf.unwrap_or(b.csrf().await);
    let sent = b
        .post(
            "/consultations/ess-bretagne-2027/contribuer/1",
            &[("csrf_token", &csrf), ("kind", "proposition"), ("body", "Arrivée après la clôture"), ("email", "")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::CONFLICT);
    assert!(sent.text().contains("est close : elle ne reçoit plus de contributions"), "{}", sent.text());
}
