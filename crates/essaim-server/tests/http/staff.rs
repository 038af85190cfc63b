//! The staff's way in: `/staff`, each consultation's staff home linking every staff page, and
//! contributions without a theme given one.

use actix_web::http::StatusCode;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::contribution::{count_without_theme, find_contribution};
use essaim_core::testing::{contribution, record};

use crate::common::{browser, FACILITATOR, STAFF};

#[actix_web::test]
async fn staff_find_every_staff_page_from_their_home_and_every_link_answers() {
    let mut b = browser().await;
    assert_eq!(b.get("/staff").await.status, StatusCode::SEE_OTHER, "anonymous: to the login");
    b.login(FACILITATOR).await;
    assert_eq!(b.get("/staff").await.status, StatusCode::FORBIDDEN);
    b.login(STAFF).await;
    let dashboard = b.get("/staff").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("href=\"/staff\" aria-current=\"page\""), "in the main navigation");
    let home_link = format!("href=\"/staff/consultations/{DEMO_SLUG}\"");
    assert!(dashboard.body.contains(&home_link), "{}", dashboard.body);

    let home = b.get(&format!("/staff/consultations/{DEMO_SLUG}")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains("Thème 1 à synthétiser"), "the demo's themes wait for their synthesis");
    let links: Vec<String> = home
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with("/staff/") || href.starts_with("/pleniere/"))
        .map(str::to_owned)
        .collect();
    for page in ["synthese", "moderation", "questionnaire", "questionnaire/resultats", "ateliers", "stands"] {
        assert!(links.contains(&format!("/staff/consultations/{DEMO_SLUG}/{page}")), "{page} linked: {links:?}");
    }
    assert!(links.contains(&format!("/pleniere/{DEMO_SLUG}")) && links.contains(&"/staff/courriels".to_owned()));
    for link in &links {
        let page = b.get(link).await;
        assert_eq!(page.status, StatusCode::OK, "{link}");
    }
}

#[actix_web::test]
async fn contributions_without_a_theme_get_one_from_the_staff_home() {
    let mut b = browser().await;
    let (consultation, themes) = {
        let mut conn = b.db.conn();
        let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
        let themes = essaim_core::domain::consultation::themes_of(&mut conn, consultation.id).unwrap();
        (consultation, themes)
    };
    let loose: Vec<String> = (0..3)
        .map(|n| {
            let mut input =
                contribution(consultation.id, themes[0].id, &format!("Réponse ouverte n° {n} de la dernière page"));
            input.theme_id = None;
            record(&mut b.db.conn(), input).id.to_string()
        })
        .collect();
    b.login(STAFF).await;
    let synthesis = b.get(&format!("/staff/consultations/{DEMO_SLUG}/synthese")).await;
    assert!(
        synthesis.text().contains("3 contribution(s) sans thème ne sont lues par aucune synthèse"),
        "the synthesis says how many wait"
    );
    let home = b.get(&format!("/staff/consultations/{DEMO_SLUG}")).await;
    assert!(home.text().contains("3 contribution(s) sans thème"), "{}", home.text());
    assert!(home.body.contains("Réponse ouverte n° 2 de la dernière page"));
    let token = b.csrf().await;
    let path = format!("/staff/consultations/{DEMO_SLUG}/sans-theme");
    let no_theme = b.post(&path, &[("csrf_token", &token), ("contribution", &loose[0]), ("theme", "")]).await;
    assert_eq!(no_theme.status, StatusCode::UNPROCESSABLE_ENTITY, "a theme is required");
    let given = b
        .post(
            &path,
            &[("csrf_token", &token), ("contribution", &loose[0]), ("contribution", &loose[1]), ("theme", "4")],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER);
    let back = b.get(given.location()).await;
    assert!(back.text().contains("2 contribution(s) ont reçu leur thème."));
    assert!(back.text().contains("1 contribution(s) sans thème"));
    let moved = find_contribution(&mut b.db.conn(), loose[0].parse().unwrap()).unwrap().unwrap();
    assert_eq!(moved.theme_id, Some(themes[3].id));
    assert_eq!(count_without_theme(&mut b.db.conn(), consultation.id).unwrap(), 1);
    let forged = b.post(&path, &[("contribution", &loose[2]), ("theme", "4")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "CSRF checked");
}
