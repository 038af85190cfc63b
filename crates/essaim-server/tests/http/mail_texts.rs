//! « Courriels types »: each kind's text previewed with sample values (nothing saved), saved,
//! refused with an unknown placeholder (the field named), reset to the default; the sender's
//! form; a staff account limited to another consultation gets 404.

use actix_web::http::StatusCode;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::account::NewAccount;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::scope::create_limited_account;
use essaim_core::mail::texts::{sender_of, text_for, MailKind};

use crate::common::{browser, STAFF};

#[actix_web::test]
async fn staff_preview_save_and_reset_a_mail_text_and_set_the_sender() {
    let mut b = browser().await;
    b.login(STAFF).await;
    let consultation = find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap().id;
    let home = b.get(&format!("/staff/consultations/{DEMO_SLUG}")).await;
    let list_path = format!("/staff/consultations/{DEMO_SLUG}/courriels-types");
    assert!(home.body.contains(&format!("href=\"{list_path}\"")), "linked from the staff home");
    let list = b.get(&list_path).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains("Invitation au questionnaire") && list.text().contains("texte par défaut"));

    let path = format!("{list_path}/invitation");
    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("{date_limite}") && form.body.contains("Répondre au questionnaire :"), "the default");
    let token = b.csrf().await;

    // Preview: sample values, the text and HTML parts, nothing saved.
    let body = "Bonjour {organisation},\n\nRépondez avant le {date_limite} :\n{lien}";
    let preview = b
        .post(
            &path,
            &[
                ("csrf_token", &token),
                ("subject", "Invitation : {questionnaire}"),
                ("body", body),
                ("action", "previsualiser"),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    let text = preview.text();
    assert!(text.contains("Bonjour Les Écossolies,") && text.contains("15 mars 2027"), "{text}");
    assert!(preview.body.contains("<a href=\"https://essaim.exemple.fr/questionnaire/invitation/"), "the HTML part");
    assert!(text.contains("Invitation : Questionnaire aux acteurs de l'ESS"), "the subject");
    assert_eq!(
        text_for(&mut b.db.conn(), consultation, MailKind::Invitation).unwrap(),
        MailKind::Invitation.default_text()
    );

    // An unknown placeholder: refused, the field named and described, nothing saved.
    let refused = b
        .post(&path, &[("csrf_token", &token), ("subject", "Pour {nom}"), ("body", body), ("action", "enregistrer")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("aria-describedby=\"champs subject-error\""), "{}", refused.body);
    assert!(refused.text().contains("{nom}") && refused.body.contains("value=\"Pour {nom}\""), "typed text kept");
    assert_eq!(
        text_for(&mut b.db.conn(), consultation, MailKind::Invitation).unwrap(),
        MailKind::Invitation.default_text()
    );

    // Saved.
    let saved = b
        .post(
            &path,
            &[("csrf_token", &token), ("subject", "À vous, {organisation}"), ("body", body), ("action", "enregistrer")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored = text_for(&mut b.db.conn(), consultation, MailKind::Invitation).unwrap();
    assert_eq!((stored.subject.as_str(), stored.body.as_str()), ("À vous, {organisation}", body));
    let list = b.get(saved.location()).await;
    assert!(list.text().contains("Texte enregistré") && list.text().contains("propre à la consultation"));

    // Reset.
    let reset = b.post(&format!("{path}/retablir"), &[("csrf_token", &token)]).await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(
        text_for(&mut b.db.conn(), consultation, MailKind::Invitation).unwrap(),
        MailKind::Invitation.default_text()
    );
    assert_eq!(b.get(&format!("{list_path}/inconnu")).await.status, StatusCode::NOT_FOUND);

    // The sender: a bad address refused, a good one kept.
    let sender_path = format!("{list_path}/expediteur");
    let bad =
        b.post(&sender_path, &[("csrf_token", &token), ("sender_name", "Région"), ("sender_address", "region@")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"sender_address-error\""), "{}", bad.body);
    let good = b
        .post(
            &sender_path,
            &[
                ("csrf_token", &token),
                ("sender_name", "Région Pays de la Loire"),
                ("sender_address", "ess@paysdelaloire.fr"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(sender_of(&mut b.db.conn(), consultation).unwrap().address, "ess@paysdelaloire.fr");
}

#[actix_web::test]
async fn a_staff_account_limited_to_another_consultation_gets_404() {
    let mut b = browser().await;
    let mut file = essaim_core::demo::demo_setup();
    file.sections.clear();
    file.consultation.slug = "ess-bretagne-2027".into();
    essaim_core::domain::setup::import(&mut b.db.conn(), &file, &[]).unwrap();
    let bretagne = find_consultation(&mut b.db.conn(), "ess-bretagne-2027").unwrap().id;
    let password = "une longue phrase de passe pour l'essai";
    let input = NewAccount {
        email: "breton@region.bzh".into(),
        display_name: "Breton".into(),
        role: "staff".into(),
        password: password.into(),
    };
    create_limited_account(&mut b.db.conn(), &input, &[bretagne], None).unwrap();
    b.login(("breton@region.bzh", password)).await;
    let token = b.csrf().await;
    let demo = format!("/staff/consultations/{DEMO_SLUG}/courriels-types");
    assert_eq!(b.get(&demo).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("{demo}/invitation")).await.status, StatusCode::NOT_FOUND);
    let save =
        b.post(&format!("{demo}/invitation"), &[("csrf_token", &token), ("subject", "x"), ("body", "{lien}")]).await;
    assert_eq!(save.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/staff/consultations/ess-bretagne-2027/courriels-types/invitation").await.status, StatusCode::OK);
}
