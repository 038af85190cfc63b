//! The outbox page: staff see every e-mail and the failed ones with their reason, and send a
//! failed one again.

use actix_web::http::StatusCode;
use essaim_core::domain::MailState;
use essaim_core::mail::outbox::{enqueue_mail, mark_attempt_failed, recent_mail, OutgoingMail};

use crate::common::{browser, FACILITATOR, STAFF};

#[actix_web::test]
async fn staff_see_a_failed_mail_with_its_reason_and_send_it_again() {
    let mut b = browser().await;
    let id = {
        let mut conn = b.db.conn();
        let id = enqueue_mail(
            &mut conn,
            &OutgoingMail {
                topic: "invitation".into(),
                recipient: "inconnu@exemple.fr".into(),
                subject: "Votre lien <b>pour répondre</b>".into(),
                text: "Bonjour".into(),
                html: None,
            },
        )
        .unwrap();
        assert_eq!(
            mark_attempt_failed(&mut conn, id, "550 5.1.1 destinataire inconnu", &[]).unwrap(),
            MailState::Failed
        );
        id
    };
    b.login(FACILITATOR).await;
    assert_eq!(b.get("/staff/courriels").await.status, StatusCode::FORBIDDEN);
    let token = b.csrf().await;
    assert_eq!(
        b.post(&format!("/staff/courriels/{id}/relancer"), &[("csrf_token", &token)]).await.status,
        StatusCode::FORBIDDEN
    );
    b.post("/logout", &[("csrf_token", &token)]).await;
    b.login(STAFF).await;
    let page = b.get("/staff/courriels?etat=echec").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("inconnu@exemple.fr") && text.contains("550 5.1.1 destinataire inconnu"), "{text}");
    assert!(!page.body.contains("<b>pour") && page.body.contains("pour répondre"), "subjects are escaped");
    let token = b.csrf().await;
    let sent = b.post(&format!("/staff/courriels/{id}/relancer"), &[("csrf_token", &token)]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(b.get(sent.location()).await.text().contains("de nouveau dans la file"));
    let pending = recent_mail(&mut b.db.conn(), Some(MailState::Pending), 10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, id);
}
