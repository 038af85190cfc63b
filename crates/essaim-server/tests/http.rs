//! The web application end to end, on the backend named by `ESSAIM_TEST_DATABASE_URL`.

mod common;

use actix_web::http::StatusCode;
use common::{browser, ADMIN, FACILITATOR, STAFF};
use essaim_core::demo::{DEMO_SLUG, DEMO_TITLE, FIVE_THEMES};

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
    assert!(!text.contains("contributions</span>"));
}

#[actix_web::test]
async fn staff_see_participation_counts_on_the_consultation_page() {
    let mut b = browser().await;
    assert_eq!(b.login(STAFF).await.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/consultations/{DEMO_SLUG}")).await;
    // The demo holds 12, 12, 12, 10 and 11 contributions per theme.
    for count in ["12 contributions", "10 contributions", "11 contributions"] {
        assert!(page.body.contains(&format!("<span class=\"badge\">{count}</span>")), "{count}");
    }
}

#[actix_web::test]
async fn unknown_addresses_get_a_french_404_page_or_a_json_error() {
    let mut b = browser().await;
    let page = b.get("/nulle-part").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page introuvable"));
    assert!(page.body.contains("lang=\"fr\""));
    let missing = b.get("/consultations/inconnue").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let api = b.get("/api/v1/nulle-part").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["error"]["code"], "not_found");
    let api = b.get("/api/v1/consultations/inconnue").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&api.body).unwrap()["error"]["code"], "not_found");
}

#[actix_web::test]
async fn healthz_api_and_openapi_describe_the_service() {
    let mut b = browser().await;
    let health = b.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&health.body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["backend"], b.db.url.backend().as_str());
    assert_eq!(json["version"], essaim_core::VERSION);

    let list: serde_json::Value = serde_json::from_str(&b.get("/api/v1/consultations").await.body).unwrap();
    assert_eq!(list[0]["slug"], DEMO_SLUG);
    let detail: serde_json::Value =
        serde_json::from_str(&b.get(&format!("/api/v1/consultations/{DEMO_SLUG}")).await.body).unwrap();
    let themes: Vec<&str> = detail["themes"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(themes, FIVE_THEMES);
    assert_eq!(detail["phases"].as_array().unwrap().len(), 8);

    let doc: serde_json::Value = serde_json::from_str(&b.get("/api/openapi.json").await.body).unwrap();
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
async fn login_needs_its_csrf_token() {
    let mut b = browser().await;
    b.get("/login").await;
    let reply = b.post("/login", &[("email", STAFF.0), ("password", STAFF.1)]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.text().contains("Formulaire expiré"));
    let reply = b
        .post(
            "/login",
            &[("csrf_token", "0123456789abcdef0123456789abcdef"), ("email", STAFF.0), ("password", STAFF.1)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "a token that is not this browser's");
    assert!(!b.cookies.contains_key("essaim_session"));
}

#[actix_web::test]
async fn staff_log_in_see_their_name_and_log_out() {
    let mut b = browser().await;
    let before = b.csrf().await;
    let reply = b.login(STAFF).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/");
    assert_ne!(b.cookies["essaim_csrf"], before, "CSRF cookie renewed at login");
    assert_ne!(b.csrf().await, before, "forms carry a new token once logged in");
    let home = b.get("/").await;
    assert!(home.text().contains("Samuel Chargé de mission"));
    assert!(home.body.contains("Se déconnecter"));

    let session = b.cookies["essaim_session"].clone();
    let token = b.csrf().await;
    let home = b.get("/").await;
    assert_eq!(home.headers.get("cache-control").unwrap(), "no-store", "logged-in pages are not cached");
    let out = b.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("essaim_session"));
    assert!(b.get(out.location()).await.text().contains("Vous êtes déconnecté"));
    // The old token opens nothing any more, even if replayed.
    b.cookies.insert("essaim_session".into(), session);
    let home = b.get("/").await;
    assert!(!home.body.contains("Se déconnecter"));
}

#[actix_web::test]
async fn login_redirects_back_to_local_pages_only() {
    let mut b = browser().await;
    let token = b.csrf().await;
    let reply = b
        .post(
            "/login",
            &[("csrf_token", &token), ("email", ADMIN.0), ("password", ADMIN.1), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(reply.location(), "/");
    let mut b = browser().await;
    let anonymous = b.get("/admin").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/login?next=%2Fadmin");
    let form = b.get(anonymous.location()).await;
    assert!(form.body.contains("name=\"next\" value=\"/admin\""));
    let token = b.csrf().await;
    let reply = b
        .post("/login", &[("csrf_token", &token), ("email", ADMIN.0), ("password", ADMIN.1), ("next", "/admin")])
        .await;
    assert_eq!(reply.location(), "/admin");
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_get_the_same_page() {
    let mut b = browser().await;
    let unknown = b.login(("personne@demo.essaim.fr", "un mot de passe quelconque")).await;
    let wrong = b.login((STAFF.0, "un mot de passe quelconque")).await;
    assert_eq!(unknown.status, wrong.status);
    assert!(wrong.text().contains("Adresse e-mail ou mot de passe incorrect."));
    // Identical but for the e-mail typed, which is kept in the field.
    assert_eq!(unknown.body.replace("personne@demo.essaim.fr", "E"), wrong.body.replace(STAFF.0, "E"));
}

#[actix_web::test]
async fn repeated_failed_logins_get_429() {
    let mut b = browser().await;
    for _ in 0..10 {
        let reply = b.login((STAFF.0, "pas le bon mot de passe")).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let blocked = b.login(STAFF).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS, "even the right password, while throttled");
    assert_eq!(blocked.headers.get("retry-after").unwrap(), "900");
    assert!(blocked.text().contains("Trop de tentatives"));
}

#[actix_web::test]
async fn only_admins_reach_the_administration() {
    let mut b = browser().await;
    b.login(FACILITATOR).await;
    for path in ["/admin", "/admin/accounts/new"] {
        let reply = b.get(path).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert!(reply.text().contains("Accès refusé"));
    }
    let token = b.csrf().await;
    let reply = b
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", &token),
                ("email", "x@region.fr"),
                ("role", "admin"),
                ("password", "une longue phrase de passe"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "no account creation by a facilitator");

    let mut b = browser().await;
    b.login(STAFF).await;
    assert_eq!(b.get("/admin").await.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn admins_create_accounts_and_bad_input_keeps_what_was_typed() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    let list = b.get("/admin").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("animation@demo.essaim.fr"));
    assert_eq!(b.get("/admin/accounts/new").await.status, StatusCode::OK);

    let token = b.csrf().await;
    let bad = b
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", &token),
                ("email", "claire@region"),
                ("display_name", "Claire Martin"),
                ("role", "staff"),
                ("password", "court"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    assert!(text.contains("Cette adresse e-mail n'est pas valide"));
    assert!(text.contains("au moins 12 caractères"));
    assert!(text.contains("value=\"claire@region\""), "e-mail kept");
    assert!(text.contains("value=\"Claire Martin\""), "name kept");
    assert!(text.contains("id=\"role-staff\" name=\"role\" value=\"staff\" checked"), "role kept");
    assert!(!text.contains("value=\"court\""), "password never echoed");
    assert!(text.contains("aria-invalid=\"true\""));

    let no_token = b
        .post(
            "/admin/accounts",
            &[("email", "claire@region.fr"), ("role", "staff"), ("password", "une longue phrase de passe")],
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);

    let name = "<script>alert('x')</script> Claire";
    let good = b
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", &token),
                ("email", "claire@region.fr"),
                ("display_name", name),
                ("role", "staff"),
                ("password", "une longue phrase de passe"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let list = b.get(good.location()).await;
    assert!(list.text().contains("Le compte claire@region.fr a été créé."));
    assert!(!list.body.contains("<script>alert"), "names are escaped");
    assert!(list.body.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; Claire"));
}

#[actix_web::test]
async fn a_malformed_form_gets_a_french_page_not_a_trace() {
    let mut b = browser().await;
    let token = b.csrf().await;
    let huge = "x".repeat(70 * 1024);
    let reply = b.post("/login", &[("csrf_token", &token), ("email", &huge), ("password", "x")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.text().contains("Requête invalide"));
}

#[actix_web::test]
async fn admins_disable_an_account_which_is_logged_out_at_once() {
    let mut staff = browser().await;
    staff.login(STAFF).await;
    // The same database, seen by an admin in another browser.
    let mut admin = common::Browser {
        app: staff.app,
        cookies: Default::default(),
        ip: "192.0.2.20".into(),
        db: staff.db,
        jobs: staff.jobs,
    };
    admin.login(ADMIN).await;
    let list = admin.get("/admin").await;
    let marker = "action=\"/admin/accounts/";
    let forms: Vec<&str> = list.body.split(marker).skip(1).collect();
    let staff_form = forms
        .iter()
        .find(|f| f.split("</form>").next().unwrap().contains(STAFF.0))
        .expect("a form for the staff account");
    let id = &staff_form[..36];
    let token = admin.csrf().await;
    let no_token = admin.post(&format!("/admin/accounts/{id}/disable"), &[]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let done = admin.post(&format!("/admin/accounts/{id}/disable"), &[("csrf_token", &token)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(admin.get(done.location()).await.text().contains("Le compte a été désactivé"));

    // The staff browser's session no longer works.
    let mut staff = common::Browser {
        app: admin.app,
        cookies: staff.cookies,
        ip: "192.0.2.10".into(),
        db: admin.db,
        jobs: admin.jobs,
    };
    assert!(!staff.get("/").await.body.contains("Se déconnecter"));
    assert_eq!(staff.login(STAFF).await.status, StatusCode::OK, "login refused like a wrong password");
}

/// The id in the first `action="{prefix}ID/…"` of a page.
fn first_id_after(body: &str, prefix: &str) -> String {
    let start = body.find(prefix).unwrap_or_else(|| panic!("{prefix} in page")) + prefix.len();
    body[start..start + 36].to_owned()
}

#[actix_web::test]
async fn staff_run_the_synthesis_and_edit_orientations_facilitators_cannot() {
    let mut b = browser().await;
    b.login(FACILITATOR).await;
    let base = format!("/staff/consultations/{DEMO_SLUG}/synthese");
    assert_eq!(b.get(&base).await.status, StatusCode::FORBIDDEN);
    let token = b.csrf().await;
    assert_eq!(b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await.status, StatusCode::FORBIDDEN);

    let mut b = browser().await;
    b.login(STAFF).await;
    let consultation = b.get(&format!("/consultations/{DEMO_SLUG}")).await;
    assert!(consultation.body.contains(&format!("href=\"{base}\"")));
    let overview = b.get(&base).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.text().contains("Soutien et développement de l'emploi"));

    let token = b.csrf().await;
    assert_eq!(b.post(&format!("{base}/3/run"), &[]).await.status, StatusCode::FORBIDDEN, "CSRF");
    let ran = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER);
    let page = b.get(ran.location()).await;
    assert!(page.text().contains("La synthèse a été faite"));
    let first = first_id_after(&page.body, "action=\"/staff/orientations/");

    // Rename, with a bad title first: the page says why and nothing changes.
    let bad = b
        .post(&format!("/staff/orientations/{first}/edit"), &[("csrf_token", &token), ("title", " "), ("body", "")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("Donnez un titre"));
    let renamed = b
        .post(
            &format!("/staff/orientations/{first}/edit"),
            &[("csrf_token", &token), ("title", "Soutenir <l'emploi>"), ("body", "Texte")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let page = b.get(renamed.location()).await;
    assert!(page.body.contains("Soutenir &#60;l&#39;emploi&#62;"), "escaped title");

    // The contributions behind it, one click away; split one off.
    let behind = b.get(&format!("/staff/orientations/{first}")).await;
    assert_eq!(behind.status, StatusCode::OK);
    let contribution = first_id_after(&behind.body, "name=\"contribution\" value=\"");
    let split = b
        .post(
            &format!("/staff/orientations/{first}/split"),
            &[("csrf_token", &token), ("title", "Détachée"), ("contribution", &contribution)],
        )
        .await;
    assert!(
        split.status == StatusCode::SEE_OTHER || split.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        split.status
    );

    // Add one by hand, then merge it into the first.
    let added = b
        .post(
            &format!("{base}/3/orientations"),
            &[("csrf_token", &token), ("title", "Observatoire de l'emploi"), ("body", "")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let page = b.get(added.location()).await;
    assert!(page.text().contains("Observatoire de l'emploi"));
    let audited: i64 = {
        use diesel::prelude::*;
        essaim_core::schema::audit_log::table
            .filter(essaim_core::schema::audit_log::action.like("orientation.%"))
            .count()
            .get_result(&mut b.db.conn())
            .unwrap()
    };
    assert!(audited >= 2, "edits are audited");
    assert_eq!(b.get("/staff/orientations/00000000-0000-0000-0000-000000000000").await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("{base}/9")).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn staff_export_the_drafts_as_they_edited_them() {
    let mut b = browser().await;
    b.login(STAFF).await;
    let base = format!("/staff/consultations/{DEMO_SLUG}/synthese");
    let token = b.csrf().await;
    let ran = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    let page = b.get(ran.location()).await;
    let first = first_id_after(&page.body, "action=\"/staff/orientations/");
    b.post(
        &format!("/staff/orientations/{first}/edit"),
        &[("csrf_token", &token), ("title", "Titre de l'équipe"), ("body", "=SOMME(A1)")],
    )
    .await;

    let html = b.get(&format!("{base}/export/html")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.headers.get("content-disposition").unwrap().to_str().unwrap().contains("synthese.html"));
    assert!(html.text().contains("Titre de l'équipe"));
    let csv = b.get(&format!("{base}/export/csv")).await;
    assert!(csv.body.contains("Titre de l'équipe"));
    assert!(csv.body.contains("arrivée après la dernière synthèse"), "themes not yet run are listed as not placed");
    let json: serde_json::Value = serde_json::from_str(&b.get(&format!("{base}/export/json")).await.body).unwrap();
    let theme = &json["themes"][2];
    assert_eq!(theme["orientations"][0]["title"], "Titre de l'équipe");
    assert_eq!(theme["orientations"][0]["text"], "=SOMME(A1)");
    let odt = b.get(&format!("{base}/export/odt")).await;
    assert_eq!(odt.headers.get("content-type").unwrap(), "application/vnd.oasis.opendocument.text");
    let docx = b.get(&format!("{base}/export/docx")).await;
    assert_eq!(docx.status, StatusCode::OK);
    assert_eq!(
        docx.headers.get("content-type").unwrap(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(docx.headers.get("content-disposition").unwrap().to_str().unwrap().contains("synthese.docx"));
    let pdf = b.get(&format!("{base}/export/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
    assert!(pdf.body.starts_with("%PDF-1.7"));
    assert_eq!(b.get(&format!("{base}/export/xlsx")).await.status, StatusCode::NOT_FOUND);

    let mut anonymous = browser().await;
    assert_eq!(anonymous.get(&format!("{base}/export/json")).await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn once_logged_in_a_csrf_token_planted_in_the_cookie_is_worthless() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    // An attacker able to set cookies for the domain plants a token they know.
    let planted = "0123456789abcdef0123456789abcdef";
    b.cookies.insert("essaim_csrf".into(), planted.into());
    let forged = b
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", planted),
                ("email", "x@region.fr"),
                ("role", "admin"),
                ("password", "une longue phrase de passe"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let token = b.csrf().await;
    assert_ne!(token, planted);
    let genuine = b
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", &token),
                ("email", "x@region.fr"),
                ("role", "admin"),
                ("password", "une longue phrase de passe"),
            ],
        )
        .await;
    assert_eq!(genuine.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_large_orientation_is_shown_a_hundred_contributions_per_page() {
    use diesel::prelude::*;
    use essaim_core::clock::now;
    use essaim_core::db::Id;
    use essaim_core::domain::consultation::{find_consultation, themes_of};
    use essaim_core::domain::contribution::insert_contribution;
    use essaim_core::domain::{AuthorKind, Channel, Contribution, ContributionKind, ModerationStatus};
    use essaim_core::schema::orientation_members;

    let mut b = browser().await;
    let mut conn = b.db.conn();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let theme = themes_of(&mut conn, consultation.id).unwrap()[2].id;
    // Varied texts (not near-duplicates of each other), each word in well under half of them.
    let verbs = ["Mutualiser", "Financer", "Former", "Pérenniser", "Soutenir", "Développer", "Sécuriser"];
    let objects = ["les emplois", "les postes", "les salariés", "les bénévoles", "les dirigeants", "les apprentis"];
    let places = ["en Vendée", "en Sarthe", "en Mayenne", "à Nantes", "à Angers"];
    for n in 0..240 {
        let c = Contribution {
            id: Id::new(),
            consultation_id: consultation.id,
            theme_id: Some(theme),
            kind: ContributionKind::Proposition,
            channel: Channel::Online,
            body: format!("{} {} {}", verbs[n % 7], objects[(n / 7) % 6], places[n % 5]),
            author_kind: AuthorKind::Anonymous,
            organisation_id: None,
            author_name: None,
            territory_id: None,
            logged_by: None,
            created_at: now(),
            moderation_status: ModerationStatus::Published,
            external_ref: Some(format!("lot-{n:03}")),
            idempotency_key: None,
        };
        insert_contribution(&mut conn, &c).unwrap();
    }
    b.login(STAFF).await;
    let base = format!("/staff/consultations/{DEMO_SLUG}/synthese");
    let token = b.csrf().await;
    let ran = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    let page = b.get(ran.location()).await;
    let first = first_id_after(&page.body, "action=\"/staff/orientations/");
    // Every placed contribution of the theme into one orientation.
    let target: Id = first.parse().unwrap();
    let placed = diesel::update(orientation_members::table.filter(orientation_members::orientation_id.is_not_null()))
        .set(orientation_members::orientation_id.eq(Some(target)))
        .execute(&mut conn)
        .unwrap();
    assert!(placed > 200, "a campaign of 240 copies is placed, not set aside: {placed}");

    let rows = |body: &str| body.matches("name=\"contribution\" value=\"").count();
    let one = b.get(&format!("/staff/orientations/{first}")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(rows(&one.body), 100);
    assert!(one.text().contains(&format!("Contributions 1 à 100 sur {placed}")));
    assert!(one.body.contains(&format!("href=\"/staff/orientations/{first}?page=2\" rel=\"next\"")));
    assert!(!one.body.contains("rel=\"prev\""));
    let last_page = placed.div_ceil(100);
    let last = b.get(&format!("/staff/orientations/{first}?page={last_page}")).await;
    assert_eq!(rows(&last.body), placed - 100 * (last_page - 1));
    assert!(last.body.contains("rel=\"prev\"") && !last.body.contains("rel=\"next\""));
    // An unreadable or too large page number still shows a page.
    assert_eq!(rows(&b.get(&format!("/staff/orientations/{first}?page=abc")).await.body), 100);
    assert_eq!(b.get(&format!("/staff/orientations/{first}?page=9999")).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_large_theme_is_grouped_in_the_background_one_run_at_a_time() {
    use essaim_core::domain::consultation::{find_consultation, themes_of};

    let mut b = common::browser_background_runs().await;
    let theme = {
        let mut conn = b.db.conn();
        let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
        themes_of(&mut conn, consultation.id).unwrap()[2].id
    };
    b.login(STAFF).await;
    let base = format!("/staff/consultations/{DEMO_SLUG}/synthese");
    let token = b.csrf().await;

    // While a run is under way, the page says so and a second one is refused.
    assert!(b.jobs.start(theme, "09:00".into()));
    let page = b.get(&format!("{base}/3")).await;
    assert!(page.text().contains("Synthèse en cours depuis 09:00"));
    assert!(!page.body.contains(&format!("action=\"{base}/3/run\"")), "no second run button");
    let refused = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text().contains("déjà en cours"));
    b.jobs.finish(theme, Err("La base de données n'a pas répondu : relancez la synthèse.".into()));
    let failed = b.get(&format!("{base}/3")).await;
    assert!(failed.text().contains("n'a pas répondu"), "a failed run is reported");
    assert!(!b.get(&format!("{base}/3")).await.text().contains("n'a pas répondu"), "once");

    // A real run: the request returns at once, the page then shows the result.
    let ran = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER);
    assert!(ran.location().ends_with("?fait=lancee"));
    let mut finished = None;
    for _ in 0..400 {
        let page = b.get(&format!("{base}/3")).await;
        if !page.text().contains("Synthèse en cours") {
            finished = Some(page);
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let page = finished.expect("the background run ends");
    assert!(page.text().contains("La synthèse lancée en arrière-plan est terminée"), "{}", page.text());
    assert!(page.body.contains("Voir les contributions"));
}
