//! Administration of accounts (admins only).

use actix_web::http::StatusCode;
use essaim_core::domain::find_account_by_email;

use crate::common::{browser, Browser, ADMIN, FACILITATOR, STAFF};

/// The form fields of a new account.
fn new_account<'a>(token: &'a str, email: &'a str, name: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("csrf_token", token),
        ("email", email),
        ("display_name", name),
        ("role", "staff"),
        ("password", "une longue phrase de passe"),
    ]
}

#[actix_web::test]
async fn only_admins_reach_the_administration() {
    let mut b = browser().await;
    b.login(FACILITATOR).await;
    for path in ["/admin", "/admin/accounts/new"] {
        let reply = b.get(path).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert!(reply.content_type().starts_with("text/html"));
        assert!(reply.text().contains("Accès refusé"));
    }
    let token = b.csrf().await;
    let reply = b.post("/admin/accounts", &new_account(&token, "x@region.fr", "")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "no account creation by a facilitator");
    assert!(find_account_by_email(&mut b.db.conn(), "x@region.fr").unwrap().is_none());
    let admin_id = essaim_core::testing::demo_account(&mut b.db.conn(), "admin");
    for action in ["disable", "enable"] {
        let reply = b.post(&format!("/admin/accounts/{admin_id}/{action}"), &[("csrf_token", &token)]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert!(find_account_by_email(&mut b.db.conn(), ADMIN.0).unwrap().unwrap().disabled_at.is_none());

    let mut b = browser().await;
    b.login(STAFF).await;
    assert_eq!(b.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get("/admin/accounts/new").await.status, StatusCode::FORBIDDEN);
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
    assert!(no_token.text().contains("Formulaire expiré"));
    assert!(find_account_by_email(&mut b.db.conn(), "claire@region.fr").unwrap().is_none(), "nothing created");

    let name = "<script>alert('x')</script> Claire";
    let good = b.post("/admin/accounts", &new_account(&token, "Claire@Region.FR", name)).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let stored = find_account_by_email(&mut b.db.conn(), "claire@region.fr").unwrap().expect("account created");
    assert_eq!(good.location(), format!("/admin?created={}", stored.id), "the notice names the account by its id");
    let list = b.get(good.location()).await;
    assert!(list.text().contains(&format!("Le compte {} a été créé.", stored.email)), "the e-mail as stored");
    assert!(!list.body.contains("<script>alert"), "names are escaped");
    assert!(list.body.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; Claire"));

    // The same address again: refused on its field.
    let again = b.post("/admin/accounts", &new_account(&token, "claire@region.fr", "Claire")).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().contains("Un compte existe déjà avec cette adresse e-mail."));
}

/// `?created=` names an account by its id; any other text shows no notice at all, so a link
/// cannot make the administration page say what its author wants.
#[actix_web::test]
async fn the_accounts_page_shows_no_notice_written_in_its_address() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    for created in [
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "Vous%20avez%20gagn%C3%A9",
        "Vous+avez+gagn%C3%A9",
        "00000000-0000-0000-0000-000000000000",
        "",
    ] {
        let page = b.get(&format!("/admin?created={created}")).await;
        assert_eq!(page.status, StatusCode::OK, "{created}");
        let text = page.text();
        assert!(!text.contains("notice-success"), "no notice for {created:?}");
        assert!(!text.contains("a été créé"), "{created}");
        assert!(!text.contains("<script>alert(1)"), "{created}");
        assert!(!text.contains("alert(1)"), "{created}");
        assert!(!text.contains("Vous avez gagné"), "{created}");
    }
    let page = b.get("/admin?changed=Vous%20avez%20gagn%C3%A9").await;
    assert!(!page.text().contains("notice-success") && !page.text().contains("Vous avez gagné"));
}

#[actix_web::test]
async fn admins_disable_an_account_which_is_logged_out_at_once() {
    let mut staff = browser().await;
    staff.login(STAFF).await;
    // The same app and database, seen by an admin in another browser.
    let mut admin =
        Browser { app: staff.app, cookies: Default::default(), ip: "192.0.2.20".into(), db: staff.db, worker: None };
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
    assert!(find_account_by_email(&mut admin.db.conn(), STAFF.0).unwrap().unwrap().disabled_at.is_none());
    let done = admin.post(&format!("/admin/accounts/{id}/disable"), &[("csrf_token", &token)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(admin.get(done.location()).await.text().contains("Le compte a été désactivé"));

    // The staff browser's session no longer works.
    let mut staff =
        Browser { app: admin.app, cookies: staff.cookies, ip: "192.0.2.10".into(), db: admin.db, worker: None };
    assert!(!staff.get("/").await.body.contains("Se déconnecter"));
    assert_eq!(staff.login(STAFF).await.status, StatusCode::OK, "login refused like a wrong password");
}

#[actix_web::test]
async fn once_logged_in_a_csrf_token_planted_in_the_cookie_is_worthless() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    // An attacker able to set cookies for the domain plants a token they know.
    let planted = "0123456789abcdef0123456789abcdef";
    b.cookies.insert("essaim_csrf".into(), planted.into());
    let forged = b.post("/admin/accounts", &new_account(planted, "x@region.fr", "")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(find_account_by_email(&mut b.db.conn(), "x@region.fr").unwrap().is_none());
    let token = b.csrf().await;
    assert_ne!(token, planted);
    let genuine = b.post("/admin/accounts", &new_account(&token, "x@region.fr", "")).await;
    assert_eq!(genuine.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn an_old_accounts_id_in_the_address_announces_nothing() {
    use diesel::prelude::*;
    use essaim_core::schema::accounts;
    let mut b = crate::common::browser().await;
    b.login(crate::common::ADMIN).await;
    let staff = essaim_core::testing::demo_account(&mut b.db.conn(), "staff");
    let fresh = b.get(&format!("/admin?created={staff}")).await;
    assert!(fresh.text().contains("equipe@demo.essaim.fr a été créé"), "a just-created account is announced");
    let long_ago = essaim_core::clock::now() - chrono::Duration::days(3);
    diesel::update(accounts::table.find(staff))
        .set(accounts::created_at.eq(long_ago))
        .execute(&mut b.db.conn())
        .unwrap();
    let old = b.get(&format!("/admin?created={staff}")).await;
    assert!(!old.text().contains("a été créé"), "an old link says nothing untrue");
}

#[actix_web::test]
async fn an_admin_limits_a_new_account_to_the_consultations_ticked() {
    let mut b = crate::common::browser().await;
    b.login(crate::common::ADMIN).await;
    let form = b.get("/admin/accounts/new").await;
    assert!(form.body.contains("value=\"ess-pays-de-la-loire-2016\""), "the consultations to tick");
    let token = b.csrf().await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("email", "limitee@region.fr"),
        ("display_name", "Chargée de mission"),
        ("role", "staff"),
        ("password", "une longue phrase de passe"),
        ("consultation", "ess-pays-de-la-loire-2016"),
    ];
    let created = b.post("/admin/accounts", &fields).await;
    assert_eq!(created.status, actix_web::http::StatusCode::SEE_OTHER, "{}", created.body);
    let account = essaim_core::domain::find_account_by_email(&mut b.db.conn(), "limitee@region.fr").unwrap().unwrap();
    let limits = essaim_core::domain::scope::limits_of(&mut b.db.conn(), &account).unwrap().expect("limited");
    let demo =
        essaim_core::domain::consultation::find_consultation(&mut b.db.conn(), essaim_core::demo::DEMO_SLUG).unwrap();
    assert_eq!(limits, [demo.id]);
    let mut unknown = fields;
    unknown[1] = ("email", "autre@region.fr");
    unknown[5] = ("consultation", "inconnue");
    let refused = b.post("/admin/accounts", &unknown).await;
    assert_eq!(refused.status, actix_web::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Choisissez des consultations de la liste."));
    assert!(essaim_core::domain::find_account_by_email(&mut b.db.conn(), "autre@region.fr").unwrap().is_none());
}

#[actix_web::test]
async fn an_admin_starts_the_next_edition_from_the_pages_in_a_few_fields() {
    use essaim_core::domain::consultation::{find_consultation, phases_of};
    let mut b = crate::common::browser().await;
    b.login(crate::common::STAFF).await;
    assert_eq!(b.get("/admin/consultations/nouvelle").await.status, actix_web::http::StatusCode::FORBIDDEN);
    b.login(crate::common::ADMIN).await;
    let home = b.get(&format!("/staff/consultations/{}", essaim_core::demo::DEMO_SLUG)).await;
    let link = format!("/admin/consultations/nouvelle?depuis={}", essaim_core::demo::DEMO_SLUG);
    assert!(home.body.contains(&link), "offered from the staff home");
    let form = b.get(&link).await;
    assert!(form.body.contains(&format!("value=\"{}\" selected", essaim_core::demo::DEMO_SLUG)), "the source chosen");
    let token = b.csrf().await;
    let refused = b
        .post(
            "/admin/consultations/nouvelle",
            &[
                ("csrf_token", &token),
                ("depuis", essaim_core::demo::DEMO_SLUG),
                ("slug", "Pas Valide"),
                ("title", "Suite"),
                ("starts_on", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, actix_web::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains("Indiquez la date de début") && refused.body.contains("value=\"Suite\""),
        "kept as typed"
    );
    let made = b
        .post(
            "/admin/consultations/nouvelle",
            &[
                ("csrf_token", &token),
                ("depuis", essaim_core::demo::DEMO_SLUG),
                ("slug", "ess-pays-de-la-loire-2021"),
                ("title", "Stratégie régionale de l'ESS — Pays de la Loire 2021"),
                ("starts_on", "01/04/2021"),
            ],
        )
        .await;
    assert_eq!(made.status, actix_web::http::StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location(), "/staff/consultations/ess-pays-de-la-loire-2021");
    let next = find_consultation(&mut b.db.conn(), "ess-pays-de-la-loire-2021").unwrap();
    assert_eq!(next.state, essaim_core::domain::ConsultationState::Draft);
    assert!(phases_of(&mut b.db.conn(), next.id)
        .unwrap()
        .iter()
        .any(|p| p.starts_on == chrono::NaiveDate::from_ymd_opt(2021, 6, 28)));
    assert_eq!(b.get(made.location()).await.status, actix_web::http::StatusCode::OK);
}
