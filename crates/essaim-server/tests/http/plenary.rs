//! The plenary end to end: votes from two devices (one changing its vote), the close, the
//! tally, the verdict and the retained amendment, and the draft strategy's DOCX and PDF that
//! carry them; the vote page's refusals (closed, forged device, flood); who may run it; the
//! tally's event stream; the projection.

use std::io::Read;

use actix_web::body::MessageBody;
use actix_web::dev::Service;
use actix_web::http::{header, StatusCode};
use actix_web::test;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::orientation::Orientation;
use essaim_core::domain::plenary::{item_of, plenary_of, Plenary};
use essaim_core::domain::{Channel, OrientationOrigin, OrientationStatus};
use essaim_core::schema::{contributions, orientations};
use serde_json::json;

use crate::common::{browser, FACILITATOR, STAFF};

const SLUG: &str = "ess-pays-de-la-loire-2016";

/// A draft orientation of theme `theme` (1 to 5) of the demo, added by hand.
pub fn add_orientation(conn: &mut DbConnection, theme: i32, title: &str) -> Orientation {
    let consultation = find_consultation(conn, SLUG).unwrap();
    let themes = essaim_core::domain::consultation::themes_of(conn, consultation.id).unwrap();
    let at = now();
    let o = Orientation {
        id: Id::new(),
        consultation_id: consultation.id,
        theme_id: themes[(theme - 1) as usize].id,
        run_id: None,
        title: title.into(),
        body: "Soutenir dans la durée les postes des structures d'utilité sociale.".into(),
        key_phrases: "[]".into(),
        body_proposed: false,
        stances: String::new(),
        quotes: "[]".into(),
        origin: OrientationOrigin::Manual,
        status: OrientationStatus::Draft,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(orientations::table).values(o.clone()).execute(conn).unwrap();
    o
}

fn plenary(conn: &mut DbConnection) -> Plenary {
    let consultation = find_consultation(conn, SLUG).unwrap();
    plenary_of(conn, consultation.id).unwrap().expect("a plenary")
}

fn vote_req(code: &str, orientation: Id, token: &str, body: serde_json::Value) -> test::TestRequest {
    test::TestRequest::put()
        .uri(&format!("/api/v1/plenaries/{code}/orientations/{orientation}/vote"))
        .insert_header(("X-Device-Token", token.to_owned()))
        .set_json(body)
}

/// Raw bytes of a GET with the browser's cookies (the test client reads bodies as text).
async fn bytes_of<S>(b: &crate::common::Browser<S>, path: &str) -> (StatusCode, Vec<u8>)
where
    S: Service<actix_http::Request, Response = actix_web::dev::ServiceResponse, Error = actix_web::Error>,
{
    let cookies: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let req = test::TestRequest::get()
        .uri(path)
        .peer_addr("192.0.2.10:40000".parse().unwrap())
        .insert_header((header::COOKIE, cookies.join("; ")))
        .to_request();
    let res = test::call_service(&b.app, req).await;
    let status = res.status();
    (status, actix_web::body::to_bytes(res.into_body()).await.unwrap_or_default().to_vec())
}

fn zipped(bytes: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(part).unwrap().read_to_string(&mut text).unwrap();
    text
}

fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synthese.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" "))
}

async fn staff_with_plenary<S>(b: &mut crate::common::Browser<S>) -> (Plenary, Orientation)
where
    S: Service<actix_http::Request, Response = actix_web::dev::ServiceResponse, Error = actix_web::Error>,
{
    let o = add_orientation(&mut b.db.conn(), 3, "Pérenniser les emplois aidés");
    b.login(STAFF).await;
    let token = b.csrf().await;
    let created = b.post(&format!("/pleniere/{SLUG}"), &[("csrf_token", &token)]).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    (plenary(&mut b.db.conn()), o)
}

#[actix_web::test]
async fn two_devices_vote_one_changes_the_vote_closes_and_the_draft_strategy_carries_the_verdict() {
    let mut b = browser().await;
    let (plenary, o) = staff_with_plenary(&mut b).await;
    let token = b.csrf().await;
    let console = b.get(&format!("/pleniere/{SLUG}")).await;
    assert_eq!(console.status, StatusCode::OK);
    assert!(console.text().contains("Pérenniser les emplois aidés"));
    assert!(console.body.contains(&format!("/p/{}", plenary.code)) && console.body.contains("<svg"), "QR and address");
    let open = b.post(&format!("/pleniere/{SLUG}/orientations/{}/ouvrir", o.id), &[("csrf_token", &token)]).await;
    assert_eq!(open.status, StatusCode::SEE_OTHER);

    // Two phones get their device tokens.
    let mut devices = Vec::new();
    for _ in 0..2 {
        let req = test::TestRequest::post().uri(&format!("/api/v1/plenaries/{}/devices", plenary.code));
        let made = b.request_from("198.51.100.7", req).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        devices.push(made.json()["device_token"].as_str().unwrap().to_owned());
    }
    let (a, d2) = (&devices[0], &devices[1]);
    let first = b.request_from("198.51.100.7", vote_req(&plenary.code, o.id, a, json!({"choice": "confirmed"}))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = b
        .request_from(
            "198.51.100.8",
            vote_req(
                &plenary.code,
                o.id,
                d2,
                json!({"choice": "to_amend", "amendment": "Ajouter les SCIC d'insertion"}),
            ),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    // A changes its vote, and the same request replayed: the same vote, changed, never a second.
    for _ in 0..2 {
        let changed =
            b.request_from("198.51.100.7", vote_req(&plenary.code, o.id, a, json!({"choice": "not_confirmed"}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.json()["id"], first.json()["id"]);
        assert_eq!(changed.json()["changed"], true);
    }
    // A forged token: no vote.
    let forged = b
        .request_from(
            "198.51.100.9",
            vote_req(&plenary.code, o.id, &essaim_core::security::random_token(), json!({"choice": "confirmed"})),
        )
        .await;
    assert_eq!(
        (forged.status, forged.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("unknown_device"))
    );
    let bad = b.request_from("198.51.100.7", vote_req(&plenary.code, o.id, a, json!({"choice": "bof"}))).await;
    assert_eq!(
        (bad.status, bad.json()["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("choice"))
    );

    let tally_path = format!("/api/v1/plenaries/{}/orientations/{}/tally", plenary.code, o.id);
    let tally = b.get(&tally_path).await.json();
    assert_eq!((tally["state"].as_str(), tally["total"].as_i64()), (Some("open"), Some(2)));
    assert_eq!(
        (tally["confirmed"].as_i64(), tally["to_amend"].as_i64(), tally["not_confirmed"].as_i64()),
        (Some(0), Some(1), Some(1))
    );

    // The facilitator closes the vote: a vote now is refused, with a French message.
    let close = b.post(&format!("/pleniere/{SLUG}/orientations/{}/clore", o.id), &[("csrf_token", &token)]).await;
    assert_eq!(close.status, StatusCode::SEE_OTHER);
    let late = b.request_from("198.51.100.8", vote_req(&plenary.code, o.id, d2, json!({"choice": "confirmed"}))).await;
    assert_eq!((late.status, late.json()["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("vote_closed")));
    assert!(late.json()["error"]["message"].as_str().unwrap().contains("clos"));
    let tally = b.get(&tally_path).await.json();
    assert_eq!(
        (tally["state"].as_str(), tally["total"].as_i64(), tally["to_amend"].as_i64()),
        (Some("closed"), Some(2), Some(1))
    );
    let page = b.get(&format!("/p/{}/decompte/{}", plenary.code, o.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("Vote clos") && page.body.contains("data-tally-count=\"to_amend\">1<"),
        "{}",
        page.body
    );

    // The verdict, and the amendment retained: a contribution of the plenary debate.
    let verdict = b
        .post(
            &format!("/pleniere/{SLUG}/orientations/{}/verdict", o.id),
            &[("csrf_token", &token), ("verdict", "to_amend")],
        )
        .await;
    assert_eq!(verdict.status, StatusCode::SEE_OTHER, "{}", verdict.body);
    let item = item_of(&mut b.db.conn(), plenary.id, o.id).unwrap().unwrap();
    let proposed = essaim_workshops::plenary::votes::amendments_proposed(&mut b.db.conn(), item.id).unwrap();
    let vote_id = proposed[0].id.to_string();
    // "Retenir" with nothing ticked nor typed says so, instead of reporting success.
    let nothing = b
        .post(
            &format!("/pleniere/{SLUG}/orientations/{}/amendements", o.id),
            &[("csrf_token", &token), ("texte", "  "), ("cle", "k0")],
        )
        .await;
    assert_ne!(nothing.status, StatusCode::SEE_OTHER, "{}", nothing.body);
    assert!(nothing.text().contains("Aucun amendement à retenir"), "{}", nothing.body);
    let kept = b
        .post(
            &format!("/pleniere/{SLUG}/orientations/{}/amendements", o.id),
            &[("csrf_token", &token), ("retenir", &vote_id), ("texte", ""), ("cle", "k")],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER);
    let channel: String = contributions::table
        .filter(contributions::body.eq("Ajouter les SCIC d'insertion"))
        .select(contributions::channel)
        .first(&mut b.db.conn())
        .unwrap();
    assert_eq!(channel, Channel::PlenaryDebate.as_str());
    let console = b.get(&format!("/pleniere/{SLUG}/orientations/{}", o.id)).await;
    assert!(console.text().contains("Verdict enregistré : <strong>À amender</strong>"), "{}", console.body);

    // The draft strategy's exports carry the verdict, the counts and the amendment.
    let expected = "Plénière — verdict de la salle : à amender. Votes : 0 confirmée, 1 à amender, 1 non confirmée.";
    let (status, docx) = bytes_of(&b, &format!("/staff/consultations/{SLUG}/synthese/export/docx")).await;
    assert_eq!(status, StatusCode::OK);
    let xml = zipped(&docx, "word/document.xml").replace("&apos;", "'").replace("&#39;", "'");
    assert!(xml.contains(expected), "DOCX carries the verdict");
    assert!(xml.contains("Ajouter les SCIC d'insertion"), "DOCX carries the amendment");
    let (_, pdf) = bytes_of(&b, &format!("/staff/consultations/{SLUG}/synthese/export/pdf")).await;
    assert!(pdf.starts_with(b"%PDF"));
    match pdf_text(&pdf) {
        Some(text) => {
            assert!(text.contains("verdict de la salle : à amender"), "PDF carries the verdict: {text}");
            assert!(text.contains("1 à amender, 1 non confirmée"), "PDF carries the counts");
        }
        None => panic!("pdftotext (poppler-utils) is needed to read the PDF back"),
    }
    let json = b.get(&format!("/staff/consultations/{SLUG}/synthese/export/json")).await.json();
    let found = json["themes"][2]["orientations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"] == "Pérenniser les emplois aidés")
        .cloned()
        .unwrap();
    assert_eq!(found["plenary"]["verdict"], "to_amend");
    assert_eq!(found["plenary"]["votes_not_confirmed"], 1);
    let csv = b.get(&format!("/staff/consultations/{SLUG}/synthese/export/csv")).await;
    assert!(csv.body.contains("\"verdict_pleniere\""), "CSV header");
    // The plenary's results, as staff download them: the counts, the verdict, the amendment.
    let console = b.get(&format!("/pleniere/{SLUG}")).await;
    assert!(console.body.contains(&format!("/staff/consultations/{SLUG}/pleniere/export/csv")), "linked");
    let results = b.get(&format!("/staff/consultations/{SLUG}/pleniere/export/csv")).await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.starts_with('\u{feff}'), "UTF-8 with a BOM, as every CSV");
    assert!(results.body.contains("\"etat_du_vote\"") && results.body.contains("\"verdict\""), "{}", results.body);
    assert_eq!(results.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    assert!(results
        .headers
        .get(header::CONTENT_DISPOSITION)
        .is_some_and(|v| v.to_str().unwrap().contains("resultats-pleniere-")));
    let line = results.body.lines().find(|l| l.contains("Pérenniser les emplois aidés")).expect("a row");
    // Counts, then the room's agreement (two votes say nothing yet), then the verdict.
    assert!(
        line.contains("\"Vote clos\"")
            && line.contains("\"0\",\"1\",\"1\",\"2\",\"\",\"Trop peu de votes pour conclure\",\"À amender\""),
        "{line}"
    );
    assert!(!line.contains("\"closed\"") && !line.contains("to_amend"), "no raw code in a French file: {line}");
    let results = b.get(&format!("/staff/consultations/{SLUG}/pleniere/export/json")).await.json();
    let row = results.as_array().unwrap().iter().find(|r| r["orientation_id"] == o.id.to_string()).unwrap().clone();
    assert_eq!((row["votes_total"].as_i64(), row["verdict"].as_str()), (Some(2), Some("to_amend")));
    assert_eq!((row["agreement"].as_str(), row["consensus"].is_null()), (Some("too_few_votes"), true));
    assert_eq!(row["amendments_retained"][0], "Ajouter les SCIC d'insertion");
    assert_eq!(b.get(&format!("/staff/consultations/{SLUG}/pleniere/export/xlsx")).await.status, StatusCode::NOT_FOUND);
    let history =
        essaim_core::domain::audit::history_of(&mut b.db.conn(), "plenary_item", &item.id.to_string()).unwrap();
    for action in ["plenary.vote.open", "plenary.vote.close", "plenary.verdict", "plenary.amendment.retain"] {
        assert!(history.iter().any(|h| h.action == action), "{action} audited");
    }
}

#[actix_web::test]
async fn the_vote_page_works_without_javascript_and_keeps_what_was_typed_when_refused() {
    let mut b = browser().await;
    let (plenary, o) = staff_with_plenary(&mut b).await;
    let token = b.csrf().await;
    b.post(&format!("/pleniere/{SLUG}/orientations/{}/ouvrir", o.id), &[("csrf_token", &token)]).await;
    b.post("/logout", &[("csrf_token", &token)]).await;
    // A phone: the page gives it a device cookie, the form votes, the page shows the vote.
    let page = b.get(&format!("/p/{}", plenary.code.to_lowercase())).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.set_cookies().iter().any(|c| c.starts_with("essaim_appareil=") && c.contains("HttpOnly")));
    assert!(!page.body.contains("http-equiv=\"refresh\"") && !page.body.contains("plenary.js"), "never refreshed");
    let token = b.csrf().await;
    let action = format!("/p/{}/votes/{}", plenary.code, o.id);
    let voted = b.post(&action, &[("csrf_token", &token), ("choice", "confirmed"), ("amendment", "")]).await;
    assert_eq!(voted.status, StatusCode::SEE_OTHER);
    let shown = b.get(voted.location()).await;
    assert!(shown.text().contains("Votre vote est enregistré : Confirmée"), "{}", shown.body);
    let changed = b.post(&action, &[("csrf_token", &token), ("choice", "to_amend"), ("amendment", "")]).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let item = item_of(&mut b.db.conn(), plenary.id, o.id).unwrap().unwrap();
    assert_eq!(essaim_core::domain::plenary::tally(&mut b.db.conn(), item.id).unwrap().to_amend, 1);
    assert_eq!(essaim_core::domain::plenary::tally(&mut b.db.conn(), item.id).unwrap().total(), 1);
    // A refused form: the message next to the field, the text kept.
    let refused = b.post(&action, &[("csrf_token", &token), ("choice", ""), ("amendment", "Mon texte gardé")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains("Choisissez : confirmée, à amender ou non confirmée.")
            && refused.body.contains("Mon texte gardé")
    );
    // Without CSRF: refused.
    assert_eq!(b.post(&action, &[("choice", "confirmed")]).await.status, StatusCode::FORBIDDEN);
    // A forged device cookie: no vote; the page says so, keeps the text, and gives a real device.
    let real = b.cookies.insert("essaim_appareil".into(), essaim_core::security::random_token());
    let forged = b.post(&action, &[("csrf_token", &token), ("choice", "confirmed"), ("amendment", "Texte")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.text().contains("pas reconnu") && forged.body.contains("Texte"));
    assert_ne!(b.cookies.get("essaim_appareil"), real.as_ref());
    assert_eq!(essaim_core::domain::plenary::tally(&mut b.db.conn(), item.id).unwrap().total(), 1);
    // The vote closes while someone types: the vote is refused with a French message, text kept.
    let staff = essaim_core::domain::account::find_account_by_email(&mut b.db.conn(), STAFF.0).unwrap().unwrap();
    essaim_workshops::plenary::run::close_vote(&mut b.db.conn(), &plenary, o.id, &staff).unwrap();
    let late = b
        .post(&action, &[("csrf_token", &token), ("choice", "confirmed"), ("amendment", "Trop tard, mais gardé")])
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        late.text().contains("Le vote sur cette orientation est clos") && late.text().contains("Trop tard, mais gardé")
    );
    assert_eq!(b.get("/p/ZZZZZ").await.status, StatusCode::NOT_FOUND);
    let unknown = b.get("/api/v1/plenaries/ZZZZZ").await;
    assert_eq!((unknown.status, unknown.json()["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[actix_web::test]
async fn a_flood_from_one_device_is_refused_with_429() {
    let mut b = browser().await;
    let (plenary, o) = staff_with_plenary(&mut b).await;
    let token = b.csrf().await;
    b.post(&format!("/pleniere/{SLUG}/orientations/{}/ouvrir", o.id), &[("csrf_token", &token)]).await;
    let made = b.request(test::TestRequest::post().uri(&format!("/api/v1/plenaries/{}/devices", plenary.code))).await;
    let device = made.json()["device_token"].as_str().unwrap().to_owned();
    let limit = essaim_workshops::plenary::votes::VoteLimits::default().per_device.max;
    for _ in 0..limit {
        let ok = b.request(vote_req(&plenary.code, o.id, &device, json!({"choice": "confirmed"}))).await;
        assert!(ok.status.is_success(), "{}", ok.body);
    }
    let over = b.request(vote_req(&plenary.code, o.id, &device, json!({"choice": "to_amend"}))).await;
    assert_eq!(
        (over.status, over.json()["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    assert!(over.headers.get(header::RETRY_AFTER).is_some());
    let item = item_of(&mut b.db.conn(), plenary.id, o.id).unwrap().unwrap();
    assert_eq!(
        essaim_core::domain::plenary::tally(&mut b.db.conn(), item.id).unwrap().confirmed,
        1,
        "the flood changed nothing"
    );
}

#[actix_web::test]
async fn facilitators_run_the_plenary_staff_set_it_up_and_visitors_are_refused() {
    let mut b = browser().await;
    let o = add_orientation(&mut b.db.conn(), 2, "Essaimer les coopératives");
    assert_eq!(b.get(&format!("/pleniere/{SLUG}")).await.status, StatusCode::SEE_OTHER, "login first");
    b.login(FACILITATOR).await;
    let token = b.csrf().await;
    assert_eq!(b.post(&format!("/pleniere/{SLUG}"), &[("csrf_token", &token)]).await.status, StatusCode::FORBIDDEN);
    essaim_workshops::plenary::demo::seed_demo_plenary(&mut b.db.conn()).unwrap();
    let plenary = plenary(&mut b.db.conn());
    let console = b.get(&format!("/pleniere/{SLUG}")).await;
    assert_eq!(console.status, StatusCode::OK);
    assert!(!console.body.contains("name=\"results_mode\""), "no setting for a facilitator");
    let settings =
        b.post(&format!("/pleniere/{SLUG}/reglages"), &[("csrf_token", &token), ("results_mode", "after_close")]).await;
    assert_eq!(settings.status, StatusCode::FORBIDDEN);
    assert_eq!(
        b.post(&format!("/pleniere/{SLUG}/orientations/{}/ouvrir", o.id), &[("csrf_token", &token)]).await.status,
        StatusCode::SEE_OTHER
    );
    // Projection, part 1: one orientation per screen with its figures and links.
    let slide = b.get(&format!("/pleniere/{SLUG}/projection/2")).await;
    assert_eq!(slide.status, StatusCode::OK);
    assert!(slide.text().contains("Essaimer les coopératives") && slide.text().contains("orientation 1 sur 1"));
    // The room's screen: the QR code to vote, nothing of the signed-in account, no footer.
    assert!(slide.body.contains("<svg") && slide.body.contains(&format!("code <strong>{}</strong>", plenary.code)));
    for hidden in ["Fatou Animatrice", "Se déconnecter", "Mentions légales", "réf. "] {
        assert!(!slide.text().contains(hidden), "{hidden} on the projection");
    }
    assert!(
        slide.body.contains("rel=\"next\" href=\"/pleniere/ess-pays-de-la-loire-2016/projection/3\""),
        "next theme"
    );
    assert_eq!(b.get(&format!("/pleniere/{SLUG}/projection/2/2")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("/pleniere/{SLUG}/projection/9")).await.status, StatusCode::NOT_FOUND);
    let export = format!("/staff/consultations/{SLUG}/pleniere/export/csv");
    assert_eq!(b.get(&export).await.status, StatusCode::FORBIDDEN, "the results' export is for staff");
    // Results after close: the tally gives the total, not the counts, while the vote is open.
    b.login(STAFF).await;
    let token = b.csrf().await;
    let settings =
        b.post(&format!("/pleniere/{SLUG}/reglages"), &[("csrf_token", &token), ("results_mode", "after_close")]).await;
    assert_eq!(settings.status, StatusCode::SEE_OTHER);
    let made = b.request(test::TestRequest::post().uri(&format!("/api/v1/plenaries/{}/devices", plenary.code))).await;
    let device = made.json()["device_token"].as_str().unwrap().to_owned();
    b.request(vote_req(&plenary.code, o.id, &device, json!({"choice": "confirmed"}))).await;
    let tally = b.get(&format!("/api/v1/plenaries/{}/orientations/{}/tally", plenary.code, o.id)).await.json();
    assert_eq!(
        (tally["total"].as_i64(), tally["shown"].as_bool(), tally["confirmed"].is_null()),
        (Some(1), Some(false), true)
    );
    // Closed, the tally page says so and no longer promises live results.
    b.post(&format!("/pleniere/{SLUG}/orientations/{}/clore", o.id), &[("csrf_token", &token)]).await;
    let closed = b.get(&format!("/p/{}/decompte/{}", plenary.code, o.id)).await;
    assert!(closed.text().contains("Vote clos"), "{}", closed.body);
    assert!(!closed.text().contains("en direct"), "{}", closed.body);
    assert!(closed.text().contains("Trop peu de votes pour conclure"), "{}", closed.body);
    let item = b.get(&format!("/pleniere/{SLUG}/orientations/{}", o.id)).await;
    assert!(!item.text().contains("s'affichent en direct") && item.text().contains("Les votes sont figés"));
    let doc = b.get("/api/openapi.json").await.json();
    assert!(
        doc["paths"]["/api/v1/plenaries/{code}/orientations/{orientation}/vote"]["put"]["responses"]["409"].is_object()
    );
}

#[actix_web::test]
async fn the_tally_stream_sends_the_counts_when_they_change() {
    let mut b = browser().await;
    let (plenary, o) = staff_with_plenary(&mut b).await;
    let token = b.csrf().await;
    b.post(&format!("/pleniere/{SLUG}/orientations/{}/ouvrir", o.id), &[("csrf_token", &token)]).await;
    let req = test::TestRequest::get().uri(&format!("/p/{}/decompte/{}/flux", plenary.code, o.id)).to_request();
    let res = test::call_service(&b.app, req).await;
    assert_eq!(res.headers().get(header::CONTENT_TYPE).unwrap(), "text/event-stream");
    let mut body = std::pin::pin!(res.into_body());
    async fn next(body: &mut std::pin::Pin<&mut actix_web::body::BoxBody>) -> String {
        let chunk = tokio::time::timeout(
            std::time::Duration::from_secs(2),
            futures_util::future::poll_fn(|cx| body.as_mut().poll_next(cx)),
        )
        .await
        .expect("an event within 2 s");
        String::from_utf8(chunk.unwrap().unwrap().to_vec()).unwrap()
    }
    assert!(next(&mut body).await.starts_with("retry:"));
    let first = next(&mut body).await;
    assert!(first.starts_with("event: tally\ndata: ") && first.contains("\"total\":0"), "{first}");
    let made = b.request(test::TestRequest::post().uri(&format!("/api/v1/plenaries/{}/devices", plenary.code))).await;
    let device = made.json()["device_token"].as_str().unwrap().to_owned();
    let sent = std::time::Instant::now();
    b.request(vote_req(&plenary.code, o.id, &device, json!({"choice": "to_amend"}))).await;
    let update = next(&mut body).await;
    assert!(update.contains("\"total\":1") && update.contains("\"to_amend\":1"), "{update}");
    assert!(sent.elapsed() < std::time::Duration::from_secs(1), "within a second");
}

#[actix_web::test]
async fn listeners_of_a_tally_share_one_poll_and_a_client_holds_a_bounded_number_of_streams() {
    let db = essaim_core::testing::TestDb::new();
    let state = crate::common::state_for(&db, essaim_synthesis::drafts::BACKGROUND_FROM);
    let hub = state.tally_hub.clone();
    let mut b = crate::common::browser_on(db, state, None).await;
    let (plenary, o) = staff_with_plenary(&mut b).await;
    let token = b.csrf().await;
    b.post(&format!("/pleniere/{SLUG}/orientations/{}/ouvrir", o.id), &[("csrf_token", &token)]).await;
    let mut streams = Vec::new();
    for _ in 0..5 {
        let req = test::TestRequest::get().uri(&format!("/p/{}/decompte/{}/flux", plenary.code, o.id)).to_request();
        let res = test::call_service(&b.app, req).await;
        assert_eq!(res.status(), StatusCode::OK);
        streams.push(res);
    }
    assert_eq!(hub.polls(), 1, "five listeners, one poll of the database");
    drop(streams);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while hub.polls() > 0 && std::time::Instant::now() < deadline {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(hub.polls(), 0, "the poll stops when its last listener leaves");

    let cap = essaim_server::routes::plenary::hub::STREAMS_PER_CLIENT;
    let held: Vec<_> = (0..cap).map(|_| hub.open_stream("client-a").expect("within the cap")).collect();
    assert!(matches!(hub.open_stream("client-a"), Err(essaim_server::error::AppError::RateLimited(_))));
    assert!(hub.open_stream("client-b").is_ok(), "another client is not held back");
    drop(held);
    assert!(hub.open_stream("client-a").is_ok(), "places come back when streams end");
}

#[actix_web::test]
async fn a_binding_vote_takes_one_card_per_phone_from_the_page_and_the_api_and_staff_print_the_cards() {
    let mut b = browser().await;
    let (plenary, o) = staff_with_plenary(&mut b).await;
    let token = b.csrf().await;
    let set = b
        .post(
            &format!("/pleniere/{SLUG}/votants"),
            &[("csrf_token", &token), ("presents", "2"), ("codes_requis", "oui")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let bad = b.post(&format!("/pleniere/{SLUG}/votants"), &[("csrf_token", &token), ("presents", "beaucoup")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let made = b.post(&format!("/pleniere/{SLUG}/codes"), &[("csrf_token", &token), ("nombre", "2")]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let console = b.get(&format!("/pleniere/{SLUG}")).await;
    assert!(
        console.text().contains("Codes de vote exigés") && console.text().contains("2 code(s) générés, 0 utilisé(s)")
    );
    // The cards: a PDF whose text has both codes; the CSV for badges, one row per code.
    let codes = essaim_workshops::plenary::codes::codes_of(&mut b.db.conn(), plenary.id).unwrap();
    let (status, pdf) = bytes_of(&b, &format!("/pleniere/{SLUG}/codes/pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = pdf_text(&pdf) {
        assert!(codes.iter().all(|c| text.contains(&c.printed())), "{text}");
    }
    let csv = b.get(&format!("/pleniere/{SLUG}/codes/csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    assert!(csv.body.contains(&format!("/p/{}?carte={}", plenary.code, codes[0].code)));
    b.post(&format!("/pleniere/{SLUG}/orientations/{}/ouvrir", o.id), &[("csrf_token", &token)]).await;
    b.post("/logout", &[("csrf_token", &token)]).await;

    // A phone without a code sees the code form, not the votes; the card's QR fills it in.
    let page = b.get(&format!("/p/{}?carte={}", plenary.code, codes[0].code)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Votre code de vote") && !page.text().contains("Pérenniser les emplois aidés"));
    assert!(page.body.contains(&format!("value=\"{}\"", codes[0].code)));
    let token = b.csrf().await;
    let action = format!("/p/{}/votes/{}", plenary.code, o.id);
    let early = b.post(&action, &[("csrf_token", &token), ("choice", "confirmed")]).await;
    assert_eq!(early.status, StatusCode::FORBIDDEN);
    assert!(early.text().contains("demande un code de vote"));
    let wrong = b.post(&format!("/p/{}/carte", plenary.code), &[("csrf_token", &token), ("carte", "zzzz-zzzz")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().contains("n'est pas valable") && wrong.body.contains("zzzz-zzzz"), "what was typed is kept");
    let right =
        b.post(&format!("/p/{}/carte", plenary.code), &[("csrf_token", &token), ("carte", &codes[0].printed())]).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    let votes = b.get(right.location()).await;
    assert!(votes.text().contains("Pérenniser les emplois aidés") && !votes.text().contains("Votre code de vote"));
    assert_eq!(b.post(&action, &[("csrf_token", &token), ("choice", "confirmed")]).await.status, StatusCode::SEE_OTHER);

    // An API client: no code, 403 voting_code_required; the used card, 422; its own card, 201.
    let req = test::TestRequest::post().uri(&format!("/api/v1/plenaries/{}/devices", plenary.code));
    let device = b.request_from("198.51.100.7", req).await.json()["device_token"].as_str().unwrap().to_owned();
    let none =
        b.request_from("198.51.100.7", vote_req(&plenary.code, o.id, &device, json!({"choice": "confirmed"}))).await;
    assert_eq!(
        (none.status, none.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("voting_code_required"))
    );
    let used = json!({"choice": "confirmed", "voting_code": codes[0].code});
    let taken = b.request_from("198.51.100.7", vote_req(&plenary.code, o.id, &device, used)).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", taken.body);
    let own = json!({"choice": "not_confirmed", "voting_code": codes[1].printed()});
    let cast = b.request_from("198.51.100.7", vote_req(&plenary.code, o.id, &device, own)).await;
    assert_eq!(cast.status, StatusCode::CREATED, "{}", cast.body);
    let item = item_of(&mut b.db.conn(), plenary.id, o.id).unwrap().unwrap();
    assert_eq!(essaim_core::domain::plenary::tally(&mut b.db.conn(), item.id).unwrap().total(), 2);

    // The facilitator sees the devices against the room; the cards are staff's.
    b.login(FACILITATOR).await;
    let console = b.get(&format!("/pleniere/{SLUG}/orientations/{}", o.id)).await;
    assert!(console.text().contains("2 appareils ont voté, pour 2 présents dans la salle."), "{}", console.text());
    assert_eq!(b.get(&format!("/pleniere/{SLUG}/codes/csv")).await.status, StatusCode::FORBIDDEN);
    let token = b.csrf().await;
    let generate = b.post(&format!("/pleniere/{SLUG}/codes"), &[("csrf_token", &token), ("nombre", "5")]).await;
    assert_eq!(generate.status, StatusCode::FORBIDDEN);
}
