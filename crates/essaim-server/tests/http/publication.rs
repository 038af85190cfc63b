//! Publishing the strategy and the suite donnée, end to end (docs/publication.md): the preview,
//! the publication, a second version and what changed, the refusals, the withdrawal, the
//! visitor's pages and downloads with no account, nothing unpublished leaking (pending,
//! rejected, discarded), the answers one by one, in bulk and by rule, the follow page, and one
//! mail per follower, once.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::orientation::Orientation;
use essaim_core::schema::{audit_log, contributions, orientation_members, orientations, outbox};
use essaim_core::testing::{contribution, demo, record};

use crate::common::{browser, STAFF};
use crate::plenary::add_orientation;

const SLUG: &str = "ess-pays-de-la-loire-2016";

pub(crate) struct Fixture {
    pub kept: Orientation,
    pub discarded: Orientation,
    pub accepted: Vec<Id>,
    pub pending: Id,
    pub rejected: Id,
}

fn place(conn: &mut DbConnection, contribution: Id, orientation: Id) {
    diesel::insert_into(orientation_members::table)
        .values((
            orientation_members::contribution_id.eq(contribution),
            orientation_members::orientation_id.eq(Some(orientation)),
            orientation_members::placed_by.eq("staff"),
        ))
        .execute(conn)
        .unwrap();
}

fn with_status(conn: &mut DbConnection, id: Id, status: &str) {
    diesel::update(contributions::table.find(id))
        .set(contributions::moderation_status.eq(status))
        .execute(conn)
        .unwrap();
}

/// One orientation of theme 1 with three accepted contributions (one naming an address), a
/// pending and a rejected one placed in it too, and a discarded orientation with its own.
pub(crate) fn fixture(conn: &mut DbConnection) -> Fixture {
    let (consultation, themes) = demo(conn);
    let theme = themes[0].id;
    let kept = add_orientation(conn, 1, "Reconnaître les acteurs de l'ESS");
    let discarded = add_orientation(conn, 1, "Une orientation écartée par l'équipe");
    diesel::update(orientations::table.find(discarded.id))
        .set(orientations::status.eq("discarded"))
        .execute(conn)
        .unwrap();
    let mut accepted = Vec::new();
    for text in [
        "Un guichet unique pour les porteurs de projets ; écrivez-moi à claire.martin@example.org",
        "Former les élus locaux à l'économie sociale et solidaire",
        "Mutualiser les locaux des associations d'un même quartier",
    ] {
        let c = record(conn, contribution(consultation, theme, text));
        place(conn, c.id, kept.id);
        accepted.push(c.id);
    }
    let pending = record(conn, contribution(consultation, theme, "Texte en attente de modération zzpending")).id;
    with_status(conn, pending, "pending");
    place(conn, pending, kept.id);
    let rejected = record(conn, contribution(consultation, theme, "Texte rejeté par la modération zzrejected")).id;
    with_status(conn, rejected, "rejected");
    place(conn, rejected, kept.id);
    let behind_discarded = record(conn, contribution(consultation, theme, "Texte derrière l'écartée zzdiscarded")).id;
    place(conn, behind_discarded, discarded.id);
    Fixture { kept, discarded, accepted, pending, rejected }
}

fn audited(conn: &mut DbConnection, action: &str) -> i64 {
    audit_log::table.filter(audit_log::action.eq(action)).count().get_result(conn).unwrap()
}

fn strategy_mails(conn: &mut DbConnection) -> Vec<String> {
    let mut to: Vec<String> =
        outbox::table.filter(outbox::topic.eq("strategie-publiee")).select(outbox::recipient).load(conn).unwrap();
    to.sort();
    to
}

#[actix_web::test]
async fn staff_preview_publish_version_and_withdraw_and_visitors_read_only_what_was_published() {
    let mut b = browser().await;
    let f = fixture(&mut b.db.conn());
    let strategy = format!("/consultations/{SLUG}/strategie");
    let kept_page = format!("{strategy}/orientations/{}", f.kept.id);

    // Nothing published yet: the visitor gets 404, the consultation page has no link.
    assert_eq!(b.get(&strategy).await.status, StatusCode::NOT_FOUND);
    assert!(!b.get(&format!("/consultations/{SLUG}")).await.body.contains("/strategie\""));

    b.login(STAFF).await;
    let home = b.get(&format!("/staff/consultations/{SLUG}")).await;
    assert!(home.body.contains(&format!("/staff/consultations/{SLUG}/publication")), "linked from the staff home");
    let preview = b.get(&format!("/staff/consultations/{SLUG}/publication")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("Reconnaître les acteurs de l&#39;ESS")
            || preview.body.contains("Reconnaître les acteurs de l'ESS")
    );
    assert!(!preview.body.contains("Une orientation écartée"), "the discarded one is not previewed");
    assert!(preview.body.contains("Première publication."));

    let token = b.csrf().await;
    let done = b
        .post(
            &format!("/staff/consultations/{SLUG}/publication/publier"),
            &[("csrf_token", &token), ("expected", "aucune")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // A second click made against the same preview is refused, nothing published twice.
    let again = b
        .post(
            &format!("/staff/consultations/{SLUG}/publication/publier"),
            &[("csrf_token", &token), ("expected", "aucune")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Une autre publication a eu lieu entre-temps"), "{}", again.body);
    assert_eq!(audited(&mut b.db.conn(), "publication.publish"), 1);

    // The visitor, with no account.
    b.cookies.clear();
    assert!(
        b.get(&format!("/consultations/{SLUG}")).await.body.contains(&format!("{strategy}\"")),
        "linked from the consultation page"
    );
    let page = b.get(&strategy).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Version 1"), "{}", page.body);
    assert!(page.body.contains(&f.kept.id.to_string()));
    assert!(!page.body.contains(&f.discarded.id.to_string()) && !page.body.contains("écartée par"));
    let orientation = b.get(&kept_page).await;
    assert_eq!(orientation.status, StatusCode::OK);
    assert!(orientation.body.contains("Former les élus locaux"), "accepted contributions are shown");
    assert!(
        orientation.body.contains("[courriel masqué]") && !orientation.body.contains("claire.martin@example.org"),
        "scrubbed"
    );
    for hidden in ["zzpending", "zzrejected", "zzdiscarded"] {
        assert!(!orientation.body.contains(hidden), "{hidden} leaked");
        assert!(!page.body.contains(hidden), "{hidden} leaked");
    }
    assert!(!orientation.body.contains(&f.pending.to_string()) && !orientation.body.contains(&f.rejected.to_string()));
    assert!(orientation.body.contains("Suite donnée :</strong> Retenue"), "the rule answered them");
    assert_eq!(b.get(&format!("{strategy}/orientations/{}", f.discarded.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("{strategy}/orientations/pas-un-id")).await.status, StatusCode::NOT_FOUND);
    let pdf = b.get(&format!("{strategy}/telecharger/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
    assert!(pdf.body.starts_with("%PDF"));
    for format in ["odt", "docx"] {
        let file = b.get(&format!("{strategy}/telecharger/{format}")).await;
        assert_eq!(file.status, StatusCode::OK, "{format}");
        assert!(file.body.starts_with("PK"), "{format} is a zip");
    }
    assert_eq!(b.get(&format!("{strategy}/telecharger/exe")).await.status, StatusCode::NOT_FOUND);

    // A new version: one orientation renamed, one added; the list says what changed.
    {
        let mut conn = b.db.conn();
        diesel::update(orientations::table.find(f.kept.id))
            .set(orientations::title.eq("Reconnaître et soutenir les acteurs de l'ESS"))
            .execute(&mut conn)
            .unwrap();
        add_orientation(&mut conn, 2, "Essaimer les coopératives");
    }
    b.login(STAFF).await;
    let token = b.csrf().await;
    let done = b
        .post(&format!("/staff/consultations/{SLUG}/publication/publier"), &[("csrf_token", &token), ("expected", "1")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let list = b.get(&format!("/staff/consultations/{SLUG}/publication?fait=publiee")).await;
    assert!(list.body.contains("La stratégie est publiée."));
    assert!(list.body.contains("1 orientation ajoutée, 1 orientation renommée"), "{}", list.body);
    assert!(list.body.contains("Ajoutée : Essaimer les coopératives"));
    b.cookies.clear();
    let page = b.get(&strategy).await;
    assert!(page.body.contains("Version 2") && page.body.contains("Essaimer les coopératives"));

    // Withdrawn: the visitor is told, nothing is shown.
    b.login(STAFF).await;
    let token = b.csrf().await;
    let done = b.post(&format!("/staff/consultations/{SLUG}/publication/retirer"), &[("csrf_token", &token)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let again = b.post(&format!("/staff/consultations/{SLUG}/publication/retirer"), &[("csrf_token", &token)]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Aucune stratégie publiée à retirer"));
    assert_eq!(audited(&mut b.db.conn(), "publication.withdraw"), 1);
    b.cookies.clear();
    let gone = b.get(&strategy).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.body.contains("retirée"));
    assert!(!gone.body.contains("Essaimer les coopératives"));
    assert_eq!(b.get(&kept_page).await.status, StatusCode::GONE);
    assert_eq!(b.get(&format!("{strategy}/telecharger/pdf")).await.status, StatusCode::GONE);
    assert!(!b.get(&format!("/consultations/{SLUG}")).await.body.contains(&format!("{strategy}\"")));
    // Visitors cannot publish.
    let token = b.csrf().await;
    let refused = b
        .post(&format!("/staff/consultations/{SLUG}/publication/publier"), &[("csrf_token", &token), ("expected", "2")])
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "to the login page");
    assert!(refused.location().starts_with("/login"));
}

#[actix_web::test]
async fn nothing_to_publish_is_refused_in_french() {
    let mut b = browser().await;
    b.login(STAFF).await;
    let token = b.csrf().await;
    let refused = b
        .post(
            &format!("/staff/consultations/{SLUG}/publication/publier"),
            &[("csrf_token", &token), ("expected", "aucune")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Aucune orientation à publier"), "{}", refused.body);
    assert_eq!(audited(&mut b.db.conn(), "publication.publish"), 0);
    assert_eq!(b.get(&format!("/consultations/{SLUG}/strategie")).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn answers_one_by_one_in_bulk_and_by_rule_reach_the_follow_page_and_one_mail_per_follower_once() {
    use essaim_contributions::questionnaire::follow::start_follow;
    let mut b = browser().await;
    let f = fixture(&mut b.db.conn());
    let (marie_token, other) = {
        let mut conn = b.db.conn();
        let (_, marie) = start_follow(&mut conn, &[f.accepted[0], f.accepted[1]], Some("marie@example.org")).unwrap();
        // A second follow of the same address: still one mail.
        start_follow(&mut conn, &[f.accepted[1]], Some("marie@example.org")).unwrap();
        let (_, paul) = start_follow(&mut conn, &[f.accepted[2]], Some("paul@example.org")).unwrap();
        (marie, paul)
    };
    let _ = other;
    b.login(STAFF).await;
    let token = b.csrf().await;
    let answer = format!("/staff/contributions/{}/reponse", f.accepted[1]);
    // Refusals: no reason for « non retenue », markup, an unknown answer.
    let refused = b.post(&answer, &[("csrf_token", &token), ("answer", "not_retained"), ("text", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Dites pourquoi"), "{}", refused.body);
    let refused = b
        .post(&answer, &[("csrf_token", &token), ("answer", "not_retained"), ("text", "<script>alert(1)</script>")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("balises"));
    let refused = b.post(&answer, &[("csrf_token", &token), ("answer", "peut-etre")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A reusable text: markup refused, a plain one kept and used.
    let texts = format!("/staff/consultations/{SLUG}/reponses-types");
    let refused = b
        .post(
            &texts,
            &[("csrf_token", &token), ("answer", "not_retained"), ("title", "Hors compétence"), ("body", "<b>non</b>")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = b
        .post(
            &texts,
            &[
                ("csrf_token", &token),
                ("answer", "not_retained"),
                ("title", "Hors compétence"),
                ("body", "Cela ne relève pas de la compétence régionale (si a < b)."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let listed = b.get(&texts).await;
    assert!(listed.body.contains("Hors compétence"), "{}", listed.body);
    assert!(
        listed.body.contains("(si a &lt; b)") || listed.body.contains("(si a &#60; b)"),
        "escaped, not interpreted: {}",
        listed.body
    );
    let text_id = crate::first_id_after(&listed.body, "reponses-types/");
    let given = b
        .post(
            &answer,
            &[
                ("csrf_token", &token),
                ("answer", "not_retained"),
                ("text", ""),
                ("text_id", &text_id),
                ("back", &format!("/staff/orientations/{}", f.kept.id)),
            ],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    assert_eq!(given.location(), format!("/staff/orientations/{}", f.kept.id));
    let staff_page = b.get(&format!("/staff/orientations/{}", f.kept.id)).await;
    assert!(staff_page.body.contains("Non retenue — Cela ne relève pas"), "{}", staff_page.body);

    // Publication: the rule answers the others « retenue »; one mail per address.
    let done = b
        .post(
            &format!("/staff/consultations/{SLUG}/publication/publier"),
            &[("csrf_token", &token), ("expected", "aucune")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(strategy_mails(&mut b.db.conn()), ["marie@example.org", "paul@example.org"]);
    let body: String = outbox::table
        .filter(outbox::recipient.eq("marie@example.org"))
        .select(outbox::text_body)
        .first(&mut b.db.conn())
        .unwrap();
    assert!(body.contains(&format!("/consultations/{SLUG}/strategie")), "{body}");
    assert!(body.contains("Retenue : elle nourrit l'orientation « Reconnaître les acteurs de l'ESS »"), "{body}");
    assert!(body.contains("Non retenue. Cela ne relève pas"), "{body}");
    assert!(!body.contains("/suivi/"), "no personal link kept in the outbox");

    // Publishing again with no answer changed mails nobody.
    let done = b
        .post(&format!("/staff/consultations/{SLUG}/publication/publier"), &[("csrf_token", &token), ("expected", "1")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(strategy_mails(&mut b.db.conn()).len(), 2);

    // In bulk: every contribution of the orientation « fusionnée »; a new version mails both
    // addresses whose answers changed, once each.
    let bulk = b
        .post(
            &format!("/staff/orientations/{}/reponses", f.kept.id),
            &[("csrf_token", &token), ("answer", "merged"), ("text", "Réunie avec des propositions voisines.")],
        )
        .await;
    assert_eq!(bulk.status, StatusCode::SEE_OTHER, "{}", bulk.body);
    assert!(bulk.location().ends_with("?reponses=3"), "{}", bulk.location());
    assert_eq!(audited(&mut b.db.conn(), "answer.bulk"), 1);
    let done = b
        .post(&format!("/staff/consultations/{SLUG}/publication/publier"), &[("csrf_token", &token), ("expected", "2")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        strategy_mails(&mut b.db.conn()),
        ["marie@example.org", "marie@example.org", "paul@example.org", "paul@example.org"]
    );

    // The follower reads the answers on the follow page; the public on the orientation page.
    b.cookies.clear();
    let follow = b.get(&format!("/suivi/{marie_token}")).await;
    assert_eq!(follow.status, StatusCode::OK);
    assert!(follow.body.contains("Suite donnée : Fusionnée."), "{}", follow.body);
    assert!(follow.body.contains("Réunie avec des propositions voisines."));
    let public = b.get(&format!("/consultations/{SLUG}/strategie/orientations/{}", f.kept.id)).await;
    assert!(public.body.contains("Suite donnée :</strong> Fusionnée"), "{}", public.body);
}

#[actix_web::test]
async fn a_draft_consultations_published_strategy_stays_404_for_visitors() {
    use essaim_core::schema::consultations;
    let mut b = browser().await;
    let f = fixture(&mut b.db.conn());
    essaim_synthesis::publication::publish(&mut b.db.conn(), SLUG, None, None, "https://essaim.exemple.fr").unwrap();
    assert_eq!(b.get(&format!("/consultations/{SLUG}/strategie")).await.status, StatusCode::OK);
    diesel::update(consultations::table.filter(consultations::slug.eq(SLUG)))
        .set(consultations::state.eq("draft"))
        .execute(&mut b.db.conn())
        .unwrap();
    for path in [
        format!("/consultations/{SLUG}/strategie"),
        format!("/consultations/{SLUG}/strategie/orientations/{}", f.kept.id),
        format!("/consultations/{SLUG}/strategie/telecharger/pdf"),
    ] {
        assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}
