//! Following the commitments (docs/commitments.md): staff attach actions to the published
//! orientations, change them, write dated news; the public reads them per orientation and for
//! the whole strategy, and downloads them as CSV. Refusals name the field and keep what was
//! typed; nothing is attached to an orientation that is not published.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use essaim_core::schema::{audit_log, commitments};

use crate::common::{browser, STAFF};
use crate::publication::fixture;

const SLUG: &str = "ess-pays-de-la-loire-2016";

#[actix_web::test]
async fn staff_follow_the_commitments_of_published_orientations_and_the_public_reads_them() {
    let mut b = browser().await;
    let f = fixture(&mut b.db.conn());
    let staff_page = format!("/staff/consultations/{SLUG}/engagements");
    let public = format!("/consultations/{SLUG}/strategie/engagements");
    b.login(STAFF).await;
    let before = b.get(&staff_page).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(before.text().contains("n'est pas publiée"), "{}", before.text());
    assert_eq!(b.get(&public).await.status, StatusCode::NOT_FOUND);
    // Nothing attaches to an orientation before it is published.
    let token = b.csrf().await;
    let form = [
        ("csrf_token", token.as_str()),
        ("action", "Créer un fonds de garantie régional"),
        ("carrier", "Région"),
        ("status", "in_progress"),
        ("progress", "40"),
    ];
    let add = format!("{staff_page}/orientations/{}", f.kept.id);
    assert_eq!(b.post(&add, &form).await.status, StatusCode::NOT_FOUND);

    essaim_synthesis::publication::publish(&mut b.db.conn(), SLUG, None, None, "http://essaim.test").unwrap();
    let page = b.get(&staff_page).await;
    assert!(page.text().contains("Reconnaître les acteurs de l'ESS"), "{}", page.text());
    assert!(!page.text().contains("Une orientation écartée"), "only published orientations");
    let sent = b.post(&add, &form).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(sent.location().contains("fait=ajoute"));
    assert_eq!(commitments::table.count().get_result::<i64>(&mut b.db.conn()).unwrap(), 1);
    // A discarded orientation takes none.
    let discarded = format!("{staff_page}/orientations/{}", f.discarded.id);
    assert_eq!(b.post(&discarded, &form).await.status, StatusCode::NOT_FOUND);

    // Refused: the field is named, what was typed stays, nothing is written.
    let refused = b
        .post(
            &add,
            &[
                ("csrf_token", token.as_str()),
                ("action", "Former <b>les</b> élus"),
                ("carrier", "CRESS"),
                ("status", "in_progress"),
                ("progress", "140"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("L'avancement est un nombre entier de 0 à 100."), "{}", refused.text());
    let typed = refused.body.find("Former").map(|i| &refused.body[i..i + 40]).unwrap_or("");
    assert!(typed.starts_with("Former &#60;b&#62;les&#60;"), "typed text kept, escaped: {typed}");
    assert!(!refused.body.contains("<b>les</b>"));
    assert!(refused.body.contains(&format!("href=\"#ajout-{}-progress\"", f.kept.id)));
    assert_eq!(commitments::table.count().get_result::<i64>(&mut b.db.conn()).unwrap(), 1);

    let id: String =
        commitments::table.select(commitments::id).first::<essaim_core::db::Id>(&mut b.db.conn()).unwrap().to_string();
    let news = b
        .post(
            &format!("{staff_page}/{id}/actualites"),
            &[
                ("csrf_token", token.as_str()),
                ("happened_on", "2017-03-15"),
                ("body", "Premier comité du fonds réuni."),
            ],
        )
        .await;
    assert_eq!(news.status, StatusCode::SEE_OTHER, "{}", news.body);
    let bad_date = b
        .post(
            &format!("{staff_page}/{id}/actualites"),
            &[("csrf_token", token.as_str()), ("happened_on", "demain"), ("body", "x")],
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.text().contains("Donnez la date de l'actualité"));
    // Carried out: 100 % whatever was typed.
    let done = b
        .post(
            &format!("{staff_page}/{id}"),
            &[
                ("csrf_token", token.as_str()),
                ("action", "Créer un fonds de garantie régional"),
                ("carrier", "Région et Bpifrance"),
                ("status", "done"),
                ("progress", "60"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let stored: (String, i32) =
        commitments::table.select((commitments::status, commitments::progress)).first(&mut b.db.conn()).unwrap();
    assert_eq!(stored, ("done".to_owned(), 100));
    let audited: i64 =
        audit_log::table.filter(audit_log::action.like("commitment.%")).count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(audited, 3, "added, news, changed");

    // The public, with no account.
    b.post("/logout", &[("csrf_token", token.as_str())]).await;
    let all = b.get(&public).await;
    assert_eq!(all.status, StatusCode::OK);
    let text = all.text();
    assert!(text.contains("Créer un fonds de garantie régional") && text.contains("Région et Bpifrance"), "{text}");
    assert!(text.contains("Réalisé") && text.contains("100 %") && text.contains("Premier comité du fonds réuni."));
    assert!(text.contains("15 mars 2017"));
    let one = b.get(&format!("{public}/{}", f.kept.id)).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.text().contains("Créer un fonds de garantie régional"));
    assert_eq!(b.get(&format!("{public}/{}", f.discarded.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("{public}/pas-un-id")).await.status, StatusCode::NOT_FOUND);
    let csv = b.get(&format!("{public}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(
        csv.body
            .contains("\"Région et Bpifrance\",\"Réalisé\",\"100\",\"2017-03-15\",\"Premier comité du fonds réuni.\""),
        "{}",
        csv.body
    );
    // The published orientation's page links to its commitments.
    let orientation = b.get(&format!("/consultations/{SLUG}/strategie/orientations/{}", f.kept.id)).await;
    assert!(orientation.body.contains(&format!("{public}/{}", f.kept.id)));

    // Deleted by staff, with its news.
    b.login(STAFF).await;
    let token = b.csrf().await;
    let deleted = b.post(&format!("{staff_page}/{id}/supprimer"), &[("csrf_token", token.as_str())]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(commitments::table.count().get_result::<i64>(&mut b.db.conn()).unwrap(), 0);
    assert!(b.get(&public).await.text().contains("Aucun engagement"));
}
