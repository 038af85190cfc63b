//! The treasure hunt end to end: a stand's public page and its ideas (pending moderation, once
//! per key, limited per device and per address), revoked and unknown codes, the passport, and
//! the staff pages (list, create, edit, revoke, posters).

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{header, StatusCode};
use diesel::prelude::*;
use essaim_core::domain::audit::history_of;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::throttle::{hit, throttle_key};
use essaim_core::domain::{Channel, Contribution, ModerationStatus};
use essaim_core::schema::{contributions, stand_contributions, throttle_hits};
use essaim_core::security::AddressPseudonyms;
use essaim_workshops::stands::ideas::{ADDRESS_LIMIT, ADDRESS_PURPOSE, DEVICE_LIMIT};
use essaim_workshops::stands::{stands_of, Stand};

use crate::common::{browser, value_of, Browser, FACILITATOR, STAFF};

const SLUG: &str = "ess-pays-de-la-loire-2016";

/// The demo circuit's stands, in order.
pub fn demo_stands<S>(b: &Browser<S>) -> Vec<Stand> {
    let mut conn = b.db.conn();
    let consultation = find_consultation(&mut conn, SLUG).unwrap();
    stands_of(&mut conn, consultation.id).unwrap()
}

fn stored_with_text<S>(b: &Browser<S>, text: &str) -> Vec<Contribution> {
    contributions::table
        .filter(contributions::body.eq(text))
        .select(Contribution::as_select())
        .load(&mut b.db.conn())
        .unwrap()
}

/// Opens the stand's page; returns its CSRF token and idempotency key.
async fn open<S>(b: &mut Browser<S>, stand: &Stand) -> (String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let page = b.get(&stand.path()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (value_of(&page.body, "csrf_token"), value_of(&page.body, "idempotency_key"))
}

#[actix_web::test]
async fn an_idea_left_at_a_stand_waits_in_the_moderation_queue_linked_to_its_stand() {
    let mut b = browser().await;
    let stands = demo_stands(&b);
    assert_eq!(stands.len(), 13, "the demo circuit");
    let stand = &stands[8];
    let page = b.get(&stand.path()).await;
    let text = page.text();
    assert!(text.contains("L'incubateur des Ecossolies"), "{text}");
    assert!(text.contains("stand 9 sur 13"));
    assert!(text.contains("Un mode d'entreprendre à essaimer et développer"), "the stand's theme");
    assert!(page.body.contains("name=\"viewport\""), "made for a phone");
    let (csrf, key) = open(&mut b, stand).await;
    let idea = "Un <b>guichet</b> d'amorçage & des locaux partagés 7781";
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("idempotency_key", key.as_str()),
        ("kind", "proposition"),
        ("body", idea),
        ("organisation", "SCIC Les Jardins"),
        ("territory", "44"),
    ];
    let sent = b.post(&stand.path(), &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(sent.location().starts_with(&format!("/s/{}/merci?cle=", stand.code)), "{}", sent.location());
    let again = b.post(&stand.path(), &fields).await;
    assert_eq!(again.location(), sent.location(), "a double tap gets the same confirmation");
    let thanks = b.get(sent.location()).await;
    assert_eq!(thanks.status, StatusCode::OK);
    assert!(thanks.body.contains("Merci, votre idée est enregistrée"));
    assert!(thanks.body.contains("&#60;b&#62;guichet") && !thanks.body.contains("<b>guichet"), "escaped");

    let stored = stored_with_text(&b, idea);
    assert_eq!(stored.len(), 1, "recorded once");
    let c = &stored[0];
    assert_eq!((c.channel, c.moderation_status), (Channel::TreasureHunt, ModerationStatus::Pending));
    assert_eq!(c.theme_id, Some(stand.theme_id));
    assert_eq!(c.author_name.as_deref(), Some("SCIC Les Jardins"));
    let linked: String = stand_contributions::table
        .filter(stand_contributions::contribution_id.eq(c.id))
        .select(stand_contributions::stand_id)
        .first::<essaim_core::db::Id>(&mut b.db.conn())
        .unwrap()
        .to_string();
    assert_eq!(linked, stand.id.to_string(), "linked to its stand");

    b.login(STAFF).await;
    let queue = b.get(&format!("/staff/consultations/{SLUG}/moderation")).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&c.id.to_string()), "the moderation queue shows it");
    assert!(queue.text().contains("d'amorçage & des locaux partagés 7781"));
    let named = format!("laissée au stand {} — {} ({})", stand.position, stand.title, stand.organisation);
    assert!(queue.text().contains(&named), "the queue names the stand: {named}");
    let list = b.get(&format!("/staff/consultations/{SLUG}/stands")).await;
    assert!(list.text().contains("L'incubateur des Ecossolies"));
}

#[actix_web::test]
async fn a_refused_idea_keeps_what_was_typed_with_messages_next_to_the_fields() {
    let mut b = browser().await;
    let stand = demo_stands(&b).remove(0);
    let (csrf, key) = open(&mut b, &stand).await;
    let refused = b
        .post(
            &stand.path(),
            &[
                ("csrf_token", &csrf),
                ("idempotency_key", &key),
                ("kind", ""),
                ("body", "   "),
                ("organisation", "Coopérative <Alpha>"),
                ("territory", "75"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#body\">Écrivez votre contribution.</a>"), "{}", refused.body);
    assert!(refused.body.contains("href=\"#kind-constat\">"));
    assert!(refused.body.contains("id=\"territory-error\""));
    assert!(refused.text().contains("value=\"Coopérative &#60;Alpha&#62;\""), "kept, escaped");
    let long = "é".repeat(20_001);
    let refused = b
        .post(&stand.path(), &[("csrf_token", &csrf), ("idempotency_key", &key), ("kind", "question"), ("body", &long)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("20000 au plus"));
    assert!(refused.body.contains(&long), "the long text is kept");
    // Without its CSRF token: refused, nothing recorded.
    let forged = b.post(&stand.path(), &[("idempotency_key", &key), ("kind", "constat"), ("body", "Sans jeton")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(stored_with_text(&b, "Sans jeton").is_empty());
}

#[actix_web::test]
async fn a_flood_from_one_device_or_one_address_gets_429_with_the_text_kept() {
    let mut b = browser().await;
    let stand = demo_stands(&b).remove(3);
    let (csrf, _) = open(&mut b, &stand).await;
    for n in 0..DEVICE_LIMIT.max {
        let idea = format!("Idée numéro {n}");
        let sent = b
            .post(
                &stand.path(),
                &[("csrf_token", &csrf), ("idempotency_key", &format!("k-{n}")), ("kind", "constat"), ("body", &idea)],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{n}: {}", sent.body);
    }
    let flood = "Une idée de trop <mais gardée>";
    let refused = b
        .post(
            &stand.path(),
            &[("csrf_token", &csrf), ("idempotency_key", "k-over"), ("kind", "constat"), ("body", flood)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.get(header::RETRY_AFTER).is_some());
    assert!(refused.text().contains("Trop d'idées ont été envoyées depuis cet appareil"), "{}", refused.body);
    assert!(refused.body.contains("Une idée de trop &#60;mais gardée&#62;</textarea>"), "the text is kept");
    assert!(stored_with_text(&b, flood).is_empty(), "nothing recorded");

    // Another phone on the same Wi-Fi (a browser with its own cookies) is not refused…
    b.cookies.clear();
    let mut other = b;
    let (csrf, _) = open(&mut other, &stand).await;
    let fine = other
        .post(
            &stand.path(),
            &[("csrf_token", &csrf), ("idempotency_key", "k-o1"), ("kind", "constat"), ("body", "Autre téléphone")],
        )
        .await;
    assert_eq!(fine.status, StatusCode::SEE_OTHER, "{}", fine.body);
    // The counters know the address only by its pseudonym, keyed by the installation's
    // secret: neither the address nor its plain hash is in the table.
    let counted: Vec<String> = throttle_hits::table.select(throttle_hits::key).load(&mut other.db.conn()).unwrap();
    assert!(!counted.is_empty());
    assert!(counted.iter().all(|k| !k.contains(&other.ip)));
    assert!(!counted.contains(&throttle_key(ADDRESS_PURPOSE, &other.ip)), "no unkeyed hash of the address");
    // …until the address is over its own limit, counted by any server on the database (a
    // second process reads the same secret, so the same pseudonym).
    let pseudonym = AddressPseudonyms::new().of(&mut other.db.conn(), &other.ip).unwrap();
    let key = throttle_key(ADDRESS_PURPOSE, &pseudonym);
    assert!(counted.contains(&key), "the address's counter, under its pseudonym");
    for _ in 0..ADDRESS_LIMIT.max {
        hit(&mut other.db.conn(), &key, ADDRESS_LIMIT).unwrap();
    }
    let refused = other
        .post(
            &stand.path(),
            &[("csrf_token", &csrf), ("idempotency_key", "k-o2"), ("kind", "constat"), ("body", "Encore")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // From another address, the same phone's new idea passes the address limit.
    let elsewhere = other
        .post_from(
            "198.51.100.9",
            &stand.path(),
            &[("csrf_token", &csrf), ("idempotency_key", "k-o3"), ("kind", "constat"), ("body", "Ailleurs")],
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER, "{}", elsewhere.body);
}

#[actix_web::test]
async fn unknown_and_revoked_codes_are_the_french_404_and_a_restored_code_works_again() {
    let mut b = browser().await;
    let stand = demo_stands(&b).remove(0);
    let unknown = b.get("/s/ZZZZZ").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // Not the generic 404: the visitor is told what to check (issue 19).
    assert!(unknown.text().contains("Stand introuvable"), "{}", unknown.body);
    assert!(unknown.text().contains("Vérifiez le code affiché sur le stand"));
    assert!(!unknown.body.contains("Page introuvable"));
    assert_eq!(b.get("/s/%3Cscript%3E").await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("/s/{}", stand.code.to_lowercase())).await.status, StatusCode::OK, "typed in lowercase");

    b.login(STAFF).await;
    let edit = b.get(&format!("/staff/stands/{}", stand.id)).await;
    let csrf = value_of(&edit.body, "csrf_token");
    let revoked = b.post(&format!("/staff/stands/{}/revoquer", stand.id), &[("csrf_token", &csrf)]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let list = b.get(revoked.location()).await;
    assert!(list.text().contains(&format!("L'adresse du stand {} est révoquée", stand.code)));
    let gone = b.get(&stand.path()).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.text().contains("Vérifiez le code affiché sur le stand"));
    let post = b.post(&stand.path(), &[("csrf_token", &csrf), ("kind", "constat"), ("body", "Après révocation")]).await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    assert!(stored_with_text(&b, "Après révocation").is_empty());
    let api = b.get(&format!("/api/v1/consultations/{SLUG}/stands")).await;
    assert!(!api.body.contains(&stand.code), "not listed once revoked");

    b.post(&format!("/staff/stands/{}/retablir", stand.id), &[("csrf_token", &csrf)]).await;
    assert_eq!(b.get(&stand.path()).await.status, StatusCode::OK);
    let actions: Vec<String> =
        history_of(&mut b.db.conn(), "stand", &stand.id.to_string()).unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"stand.revoke".to_owned()) && actions.contains(&"stand.restore".to_owned()));
}

#[actix_web::test]
async fn staff_create_and_edit_stands_with_french_messages_and_others_cannot() {
    let mut b = browser().await;
    let list = format!("/staff/consultations/{SLUG}/stands");
    let new = format!("{list}/nouveau");
    let anonymous = b.get(&list).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "anonymous: to the login page");
    b.login(FACILITATOR).await;
    assert_eq!(b.get(&list).await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get(&new).await.status, StatusCode::FORBIDDEN);
    let stand = demo_stands(&b).remove(0);
    assert_eq!(b.get(&format!("/staff/stands/{}/affiche", stand.id)).await.status, StatusCode::FORBIDDEN);
    let csrf = b.csrf().await;
    let forbidden = b.post(&format!("/staff/stands/{}/revoquer", stand.id), &[("csrf_token", &csrf)]).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(demo_stands(&b)[0].is_active());
    b.post("/logout", &[("csrf_token", &csrf)]).await;

    b.login(STAFF).await;
    let form = b.get(&new).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(value_of(&form.body, "position"), "14", "next place on the circuit");
    let csrf = value_of(&form.body, "csrf_token");
    let refused = b
        .post(
            &new,
            &[
                ("csrf_token", &csrf),
                ("theme", ""),
                ("position", "zéro"),
                ("title", "La Ressourcerie <du Val>"),
                ("organisation", ""),
                ("description", "Réemploi et emplois d'insertion."),
                ("location", "Hall C"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Choisissez le thème du stand."));
    assert!(refused.text().contains("Indiquez l'organisation."));
    assert!(refused.text().contains("value=\"La Ressourcerie &#60;du Val&#62;\""), "kept, escaped");
    assert!(refused.body.contains("value=\"zéro\""));
    let created = b
        .post(
            &new,
            &[
                ("csrf_token", &csrf),
                ("theme", "3"),
                ("position", "14"),
                ("title", "La Ressourcerie du Val"),
                ("organisation", "Association du Val"),
                ("description", "Réemploi et emplois d'insertion."),
                ("location", "Hall C"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let stand = demo_stands(&b).into_iter().find(|s| s.title == "La Ressourcerie du Val").expect("created");
    assert!(b.get(created.location()).await.text().contains(&format!("Le stand {} a été créé.", stand.code)));
    let edited = b
        .post(
            &format!("/staff/stands/{}", stand.id),
            &[
                ("csrf_token", &csrf),
                ("theme", "4"),
                ("position", "2"),
                ("title", "La Ressourcerie du Val"),
                ("organisation", "Association du Val"),
                ("description", "Réemploi, réparation et emplois d'insertion."),
                ("location", ""),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let after = demo_stands(&b).into_iter().find(|s| s.id == stand.id).unwrap();
    assert_eq!((after.position, after.code.as_str(), after.location.as_str()), (2, stand.code.as_str(), ""));
    let actions: Vec<String> =
        history_of(&mut b.db.conn(), "stand", &stand.id.to_string()).unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"stand.create".to_owned()) && actions.contains(&"stand.update".to_owned()));
    assert_eq!(b.get("/staff/stands/pas-un-id").await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_poster_carries_the_qr_code_and_the_short_address_of_the_stand() {
    let mut b = browser().await;
    let stand = demo_stands(&b).remove(11);
    b.login(STAFF).await;
    let poster = b.get(&format!("/staff/stands/{}/affiche", stand.id)).await;
    assert_eq!(poster.status, StatusCode::OK);
    let base = essaim_core::config::Config::from_env().unwrap().base_url;
    let address = format!("{base}/s/{}", stand.code);
    assert!(poster.body.contains(&format!("data-address=\"{address}\"")), "{}", poster.body);
    assert!(poster.body.contains("<svg aria-hidden=\"true\""), "an inline SVG QR code");
    let short = address.trim_start_matches("http://").trim_start_matches("https://");
    assert!(poster.body.contains(&format!("<p class=\"poster-address\">{short}</p>")));
    assert!(poster.text().contains("La finance solidaire"));
    let all = b.get(&format!("/staff/consultations/{SLUG}/stands/affiches")).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.body.matches("<article class=\"poster\"").count(), 13, "one poster per active stand");
    // The same posters as an A4 PDF, one page per stand (the QR code scans back: see
    // essaim-documents' tests/pdf.rs, with pdftoppm and zbarimg).
    assert!(all.body.contains(&format!("/staff/consultations/{SLUG}/stands/affiches.pdf")));
    let pdf = b.get(&format!("/staff/consultations/{SLUG}/stands/affiches.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    // Thirteen pages (each "/Type/Page") and their tree ("/Type/Pages").
    assert_eq!(pdf.body.matches("/Type/Page").count(), 14, "one page per active stand");
    let one = b.get(&format!("/staff/stands/{}/affiche.pdf", stand.id)).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.headers.get("content-disposition").unwrap().to_str().unwrap().contains("affiche-stand-"));
    b.login(FACILITATOR).await;
    assert_eq!(b.get(&format!("/staff/stands/{}/affiche.pdf", stand.id)).await.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_passport_counts_the_stands_stamped_without_any_personal_data() {
    let mut b = browser().await;
    let stands = demo_stands(&b);
    let passport = format!("/consultations/{SLUG}/passeport");
    assert!(b.get(&passport).await.text().contains("0 stand visité sur 13"));
    let (csrf, _) = open(&mut b, &stands[0]).await;
    let stamped = b.post(&format!("{}/tampon", stands[0].path()), &[("csrf_token", &csrf)]).await;
    assert_eq!(stamped.status, StatusCode::SEE_OTHER);
    assert!(stamped.set_cookies().iter().any(|c| c.starts_with("essaim_passeport=") && c.contains("HttpOnly")));
    let back = b.get(stamped.location()).await;
    assert!(back.text().contains("Ce stand est tamponné dans votre passeport."));
    // Stamping comes first on a stand's page, before the longer idea form (issue 19).
    let fresh = b.get(&stands[1].path()).await.body;
    let stamp_at = fresh.find("Tamponner mon passeport").expect("the stamp button");
    assert!(stamp_at < fresh.find("Envoyer mon idée").expect("the idea form"), "stamping first");
    assert!(stamp_at < fresh.find("name=\"body\"").unwrap());
    b.post(&format!("{}/tampon", stands[0].path()), &[("csrf_token", &csrf)]).await;
    b.post(&format!("{}/tampon", stands[4].path()), &[("csrf_token", &csrf)]).await;
    let page = b.get(&passport).await;
    assert!(page.text().contains("2 stands visités sur 13"), "{}", page.body);
    assert_eq!(page.body.matches("<span class=\"badge\">Tamponné</span>").count(), 2);
    // Each stand's name leads to its page (issue 19).
    for stand in &stands {
        assert!(page.body.contains(&format!("<a href=\"{}\">", stand.path())), "a link to {}", stand.path());
    }
    // Another visitor has their own, empty passport.
    b.cookies.remove("essaim_passeport");
    assert!(b.get(&passport).await.text().contains("0 stand visité sur 13"));
}
