//! Invitations: a file of organisations checked line by line (nothing kept if one is bad,
//! duplicates merged), each invited by an e-mail that a real SMTP server receives and whose
//! link opens the questionnaire; reminders never more than one per interval; an anonymous
//! response forgets its invitation.

use chrono::Duration;
use diesel::prelude::*;
use essaim_contributions::demo::seed_questionnaire;
use essaim_contributions::questionnaire::invitations::{
    invitations_of, invite, parse_invitees, remind, InviteFileError,
};
use essaim_contributions::questionnaire::responses::{response_for_link, InvitationState};
use essaim_contributions::questionnaire::store::questionnaire_of;
use essaim_core::mail::outbox::deliver_due;
use essaim_core::mail::Mailer;
use essaim_core::schema::{invitations, outbox};
use essaim_core::testing::{demo, smtp_sink, TestDb};

const BASE: &str = "https://essaim.exemple.fr";

fn setup() -> (TestDb, essaim_core::db::Id, essaim_core::db::Id) {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    seed_questionnaire(&mut conn, consultation).unwrap();
    let questionnaire = questionnaire_of(&mut conn, consultation).unwrap().unwrap().id;
    drop(conn);
    (db, consultation, questionnaire)
}

#[test]
fn a_bad_line_is_named_and_nothing_is_kept_and_duplicates_are_merged() {
    let (db, consultation, _) = setup();
    let mut conn = db.conn();
    let bad = "organisation;email;territory\nLes Écossolies;contact@ecossolies.fr;44\n;vide@exemple.fr;\nCRESS;pas-une-adresse;49\nIRESA;iresa@exemple.fr;99\n";
    let Err(InviteFileError::Lines(errors)) = parse_invitees(&mut conn, consultation, bad).unwrap() else {
        panic!("refused")
    };
    let lines: Vec<usize> = errors.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(errors[2].1.contains("territoire « 99 » inconnu"));
    let good = "organisation,email\nLes Écossolies,contact@ecossolies.fr\nEcossolies (doublon),CONTACT@ecossolies.fr \nCRESS,cress@exemple.fr\n";
    let invitees = parse_invitees(&mut conn, consultation, good).unwrap().unwrap();
    assert_eq!(invitees.len(), 2);
    assert_eq!(invitees[0].organisation, "Les Écossolies");
    let Err(InviteFileError::File(message)) = parse_invitees(&mut conn, consultation, "name,mail_pro\nx,y\n").unwrap()
    else {
        panic!("columns")
    };
    assert!(message.contains("organisation, email"));
}

#[test]
fn an_invitation_reaches_a_real_smtp_server_and_its_link_opens_the_questionnaire() {
    let (db, consultation, questionnaire) = setup();
    let mut conn = db.conn();
    let file = "organisation,email\nLes Écossolies <b>Nantes</b>,contact@ecossolies.fr\nCRESS,cress@exemple.fr\n";
    let invitees = parse_invitees(&mut conn, consultation, file).unwrap().unwrap();
    let done = invite(&mut conn, questionnaire, "Questionnaire aux acteurs", &invitees, BASE, None).unwrap();
    assert_eq!((done.sent, done.already), (2, 0));
    // Sending the same file again invites nobody twice.
    let again = invite(&mut conn, questionnaire, "Questionnaire aux acteurs", &invitees, BASE, None).unwrap();
    assert_eq!((again.sent, again.already), (0, 2));
    let html: String = outbox::table
        .filter(outbox::recipient.eq("contact@ecossolies.fr"))
        .select(outbox::html_body.assume_not_null())
        .first(&mut conn)
        .unwrap();
    assert!(html.contains("Les Écossolies &lt;b&gt;Nantes&lt;/b&gt;") && !html.contains("<b>Nantes"), "{html}");
    drop(conn);
    let (port, received) = smtp_sink(false);
    let mut config = essaim_core::config::Config::from_env().unwrap();
    config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let mailer = Mailer::from_config(&config).unwrap();
    let sent = deliver_due(&db.pool, &mailer, "Essaim <essaim@exemple.fr>", "essai", &[]).unwrap();
    assert_eq!(sent, 2);
    let messages = received.lock().unwrap().clone();
    let message = messages.iter().find(|m| m.contains("contact@ecossolies.fr")).expect("received");
    // The link, as the organisation reads it (quoted-printable may fold long lines).
    let unfolded = message.replace("=\r\n", "").replace("=3D", "=");
    let at = unfolded.find("/questionnaire/invitation/").expect("a link");
    let token: String =
        unfolded[at + "/questionnaire/invitation/".len()..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 32);
    let mut conn = db.conn();
    let Ok(InvitationState::Response(response)) = response_for_link(&mut conn, &token).unwrap() else {
        panic!("the link opens a draft")
    };
    assert!(response.invitation_id.is_some());
    // Opening it twice (two tabs) gives the same draft.
    let Ok(InvitationState::Response(same)) = response_for_link(&mut conn, &token).unwrap() else { panic!() };
    assert_eq!(same.id, response.id);
    let opened: i64 =
        invitations::table.filter(invitations::opened_at.is_not_null()).count().get_result(&mut conn).unwrap();
    assert_eq!(opened, 1);
}

#[test]
fn reminders_go_to_those_who_have_not_answered_never_twice_per_interval() {
    let (db, consultation, questionnaire) = setup();
    let mut conn = db.conn();
    let invitees = parse_invitees(&mut conn, consultation, "organisation,email\nA,a@exemple.fr\nB,b@exemple.fr\n")
        .unwrap()
        .unwrap();
    invite(&mut conn, questionnaire, "Q", &invitees, BASE, None).unwrap();
    // Just invited: too soon for a reminder a day apart.
    assert_eq!(remind(&mut conn, questionnaire, "Q", Duration::days(1), BASE, None).unwrap(), 0);
    // B has answered.
    diesel::update(invitations::table.filter(invitations::email.eq("b@exemple.fr")))
        .set(invitations::submitted_at.eq(essaim_core::clock::now()))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(remind(&mut conn, questionnaire, "Q", Duration::zero(), BASE, None).unwrap(), 1);
    assert_eq!(remind(&mut conn, questionnaire, "Q", Duration::hours(1), BASE, None).unwrap(), 0, "once per interval");
    let reminders: Vec<String> =
        outbox::table.filter(outbox::topic.eq("relance")).select(outbox::recipient).load(&mut conn).unwrap();
    assert_eq!(reminders, ["a@exemple.fr"]);
    // The reminder carries a new link; the first one still works.
    let texts: Vec<String> =
        outbox::table.filter(outbox::recipient.eq("a@exemple.fr")).select(outbox::text_body).load(&mut conn).unwrap();
    let tokens: Vec<String> = texts
        .iter()
        .map(|t| {
            let at = t.find("/questionnaire/invitation/").unwrap() + "/questionnaire/invitation/".len();
            t[at..at + 32].to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1]);
    for token in &tokens {
        assert!(matches!(response_for_link(&mut conn, token).unwrap(), Ok(InvitationState::Response(_))));
    }
    assert_eq!(invitations_of(&mut conn, questionnaire).unwrap().len(), 2);
}

#[test]
fn an_anonymous_response_keeps_no_link_to_its_invitation() {
    use essaim_contributions::demo::demo_definition;
    use essaim_contributions::questionnaire::answers::Answers;
    use essaim_contributions::questionnaire::links::{create_link, LinkTarget};
    use essaim_contributions::questionnaire::responses::{save_section, submit, SubmitContext};
    use essaim_contributions::questionnaire::store::{publish, save_definition};
    let (db, consultation, questionnaire) = setup();
    let mut conn = db.conn();
    let mut definition = demo_definition();
    definition.anonymous = true;
    save_definition(&mut conn, consultation, &definition, None).unwrap();
    assert_eq!(
        publish(&mut conn, consultation, None).unwrap().number,
        2,
        "editing a published one makes a new version"
    );
    let invitees = parse_invitees(&mut conn, consultation, "organisation,email\nA,a@exemple.fr\n").unwrap().unwrap();
    invite(&mut conn, questionnaire, "Q", &invitees, BASE, None).unwrap();
    let invitation = invitations_of(&mut conn, questionnaire).unwrap()[0].id;
    let token = create_link(&mut conn, LinkTarget::Invitation(invitation), None).unwrap();
    let Ok(InvitationState::Response(draft)) = response_for_link(&mut conn, &token).unwrap() else { panic!() };
    let fields: &[(&str, &str)] = &[
        ("identite.nom", "A"),
        ("identite.famille", "mutuelle"),
        ("identite.departement", "85"),
        ("t1_relation", "3"),
        ("t2_projet", "non"),
        ("t4_cooperation", "non"),
        ("t5_visibilite", "1"),
        ("dispositifs.dla", "connu"),
        ("dispositifs.dasess", "connu"),
        ("dispositifs.fonds_conseil", "connu"),
        ("dispositifs.innovation_sociale", "connu"),
        ("dispositifs.finance_solidaire", "connu"),
        ("dispositifs.contrat_impact", "connu"),
        ("dispositifs.iae", "connu"),
        ("t4_constat", "Trop de réunions."),
    ];
    let mut answers = Answers::default();
    for (k, v) in fields {
        answers.0.entry((*k).to_owned()).or_default().push((*v).to_owned());
    }
    for section in 0..definition.sections.len() {
        let current = essaim_contributions::questionnaire::responses::find_response(&mut conn, draft.id).unwrap();
        save_section(&mut conn, draft.id, section, &answers, current.revision).unwrap();
    }
    let sent = submit(
        &mut conn,
        draft.id,
        &SubmitContext { base_url: BASE, requester: &essaim_core::mail::limits::Requester("test".into()) },
    )
    .unwrap()
    .unwrap();
    assert!(sent.first_time);
    assert_eq!(sent.response.invitation_id, None);
    assert_eq!(sent.response.email, None, "the address it was sent to is forgotten too");
    let used: Option<chrono::NaiveDateTime> =
        invitations::table.find(invitation).select(invitations::submitted_at).first(&mut conn).unwrap();
    assert!(used.is_some(), "the invitation records that it was used");
    assert!(matches!(response_for_link(&mut conn, &token).unwrap(), Ok(InvitationState::SubmittedAnonymously)));
    // The copy of the answers went to the invited address before it was forgotten.
    let copies: i64 = outbox::table.filter(outbox::topic.eq("copie-reponses")).count().get_result(&mut conn).unwrap();
    assert_eq!(copies, 1);
    // The draft opened once version 2 was published: it answers, and keeps, version 2.
    let version: i32 =
        essaim_contributions::questionnaire::store::version(&mut conn, sent.response.version_id).unwrap().number;
    assert_eq!(version, 2);
}

#[test]
fn columns_pasted_from_a_spreadsheet_are_read_with_french_headers_or_none() {
    let (db, consultation, _) = setup();
    let mut conn = db.conn();
    let french = "Structure;Courriel;Département\nLes Écossolies;contact@ecossolies.fr;44\n";
    let invitees = parse_invitees(&mut conn, consultation, french).unwrap().unwrap();
    assert_eq!((invitees[0].organisation.as_str(), invitees[0].territory_id.is_some()), ("Les Écossolies", true));
    // Copied cells: tabs, no header, the documented order; a bad line named as pasted.
    let pasted = "IRESA\tiresa@exemple.fr\t49\nCEAS\tceas@exemple.fr\t72\n";
    let invitees = parse_invitees(&mut conn, consultation, pasted).unwrap().unwrap();
    let names: Vec<&str> = invitees.iter().map(|i| i.organisation.as_str()).collect();
    assert_eq!(names, ["IRESA", "CEAS"], "the first line is an invitee, not a header");
    let two_columns = "IRESA\tiresa@exemple.fr\nCEAS\tpas-une-adresse\n";
    let Err(InviteFileError::Lines(errors)) = parse_invitees(&mut conn, consultation, two_columns).unwrap() else {
        panic!("refused")
    };
    assert_eq!(errors.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [2], "line 2 of what was pasted");
}

#[test]
fn an_invited_organisation_finds_its_name_and_territory_already_on_page_one() {
    use essaim_contributions::questionnaire::responses::open_invitation;
    let (db, consultation, questionnaire) = setup();
    let mut conn = db.conn();
    let invitees =
        parse_invitees(&mut conn, consultation, "organisation,email,territoire\nLabel ESS 85,label@exemple.fr,85\n")
            .unwrap()
            .unwrap();
    invite(&mut conn, questionnaire, "Questionnaire", &invitees, BASE, None).unwrap();
    let invitation: essaim_core::db::Id = invitations::table.select(invitations::id).first(&mut conn).unwrap();
    let Ok(InvitationState::Response(response)) = open_invitation(&mut conn, invitation) else { panic!("opened") };
    let answers = response.stored().answers;
    assert_eq!(answers.values("identite.nom"), ["Label ESS 85"]);
    assert_eq!(answers.values("identite.departement"), ["85"]);
}

#[test]
fn the_page_and_the_command_share_one_rule_publish_first_and_nothing_sent_from_a_bad_list() {
    use essaim_contributions::demo::demo_definition;
    use essaim_contributions::questionnaire::invitations::{invite_list, remind_all, InviteRefusal};
    use essaim_contributions::questionnaire::store::save_definition;
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    let list = "organisation,email\nA,a@exemple.fr\n";
    assert_eq!(invite_list(&mut conn, consultation, list, BASE, None).unwrap(), Err(InviteRefusal::NoQuestionnaire));
    save_definition(&mut conn, consultation, &demo_definition(), None).unwrap();
    let refused = invite_list(&mut conn, consultation, list, BASE, None).unwrap();
    assert_eq!(refused, Err(InviteRefusal::NotPublished));
    assert_eq!(refused.unwrap_err().to_string(), "publiez le questionnaire avant d'inviter");
    essaim_contributions::questionnaire::store::publish(&mut conn, consultation, None).unwrap();
    let bad =
        invite_list(&mut conn, consultation, "organisation,email\nA,a@exemple.fr\nB,pas-une-adresse\n", BASE, None)
            .unwrap()
            .unwrap_err();
    assert!(bad.to_string().starts_with("1 ligne(s) refusée(s), rien n'a été envoyé\n  ligne 3 : adresse"), "{bad}");
    let mails: i64 = outbox::table.count().get_result(&mut conn).unwrap();
    assert_eq!(mails, 0, "nothing sent from a bad list");
    assert_eq!(invite_list(&mut conn, consultation, list, BASE, None).unwrap().unwrap().sent, 1);
    assert_eq!(remind_all(&mut conn, consultation, 0, BASE, None).unwrap(), Err(InviteRefusal::Interval));
    assert!(remind_all(&mut conn, consultation, 24, BASE, None).unwrap().is_ok());
}

#[test]
fn the_invitation_names_the_closing_date_and_a_custom_text_is_the_one_queued() {
    use essaim_core::mail::texts::{save_text, set_sender, MailKind, MailText, Sender};
    let (db, consultation, questionnaire) = setup();
    let mut conn = db.conn();
    let first = parse_invitees(&mut conn, consultation, "organisation,email\nA,a@exemple.fr\n").unwrap().unwrap();
    invite(&mut conn, questionnaire, "Questionnaire aux acteurs", &first, BASE, None).unwrap();
    let (subject, text): (String, String) = outbox::table
        .filter(outbox::recipient.eq("a@exemple.fr"))
        .select((outbox::subject, outbox::text_body))
        .first(&mut conn)
        .unwrap();
    assert_eq!(subject, "Invitation : Questionnaire aux acteurs");
    // The demo's questionnaire phase ends on 15 June 2016.
    assert!(text.contains("Vous pouvez répondre jusqu'au 15 juin 2016."), "{text}");

    let custom = MailText {
        subject: "{organisation}, votre avis d'ici le {date_limite}".into(),
        body: "Madame, Monsieur,\n\n{organisation} est attendue sur « {questionnaire} » :\n{lien}".into(),
    };
    save_text(&mut conn, consultation, MailKind::Invitation, &custom, None).unwrap();
    set_sender(&mut conn, consultation, &Sender { name: "Région".into(), address: "ess@region.fr".into() }, None)
        .unwrap();
    let second =
        parse_invitees(&mut conn, consultation, "organisation,email\nB <i>coop</i>,b@exemple.fr\n").unwrap().unwrap();
    invite(&mut conn, questionnaire, "Questionnaire aux acteurs", &second, BASE, None).unwrap();
    let (subject, text, html, sender): (String, String, String, Option<String>) = outbox::table
        .filter(outbox::recipient.eq("b@exemple.fr"))
        .select((outbox::subject, outbox::text_body, outbox::html_body.assume_not_null(), outbox::sender_address))
        .first(&mut conn)
        .unwrap();
    assert_eq!(subject, "B <i>coop</i>, votre avis d'ici le 15 juin 2016");
    assert!(text.starts_with("Madame, Monsieur,\n\nB <i>coop</i> est attendue sur « Questionnaire aux acteurs » :\nhttps://essaim.exemple.fr/questionnaire/invitation/"), "{text}");
    assert!(html.contains("B &lt;i&gt;coop&lt;/i&gt; est attendue") && !html.contains("<i>coop"), "{html}");
    assert!(html.contains("<a href=\"https://essaim.exemple.fr/questionnaire/invitation/"), "{html}");
    assert_eq!(sender.as_deref(), Some("ess@region.fr"));
}
