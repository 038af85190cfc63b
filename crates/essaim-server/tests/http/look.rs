//! Look and legal pages: the footer's three links on every page, the default pages, the
//! staff's appearance page (colour, logo upload) and the editing of the pages.

use actix_web::http::{header, StatusCode};
use actix_web::test::TestRequest;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::look::{logo_of, look_of};

use crate::common::{browser, ADMIN, STAFF};

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#1d4ed8"/></svg>"##;

/// A `multipart/form-data` body: text fields, then the logo file.
fn multipart(fields: &[(&str, &str)], logo: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----essaimLimite7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let (filename, data) = logo.unwrap_or(("", b""));
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn upload(path: &str, fields: &[(&str, &str)], logo: Option<(&str, &[u8])>) -> TestRequest {
    let (content_type, body) = multipart(fields, logo);
    TestRequest::post().uri(path).insert_header((header::CONTENT_TYPE, content_type)).set_payload(body)
}

/// A refused upload: its fields, its file, the answer's status and message.
type Refusal<'a> = (&'a [(&'a str, &'a str)], Option<(&'a str, &'a [u8])>, StatusCode, &'a str);

fn footer(body: &str) -> &str {
    &body[body.find("<footer").expect("a footer")..]
}

#[actix_web::test]
async fn every_page_links_the_three_legal_pages_of_its_consultation_or_of_the_installation() {
    let mut b = browser().await;
    for path in ["/", "/login", "/consultations/inconnue"] {
        let page = b.get(path).await;
        let footer = footer(&page.body);
        for kind in ["mentions-legales", "donnees-personnelles", "accessibilite"] {
            assert!(footer.contains(&format!("href=\"/{kind}\"")), "{path}: {kind}");
        }
    }
    let page = b.get(&format!("/consultations/{DEMO_SLUG}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let questionnaire = b.get(&format!("/consultations/{DEMO_SLUG}/questionnaire")).await;
    assert_eq!(questionnaire.status, StatusCode::OK);
    assert!(footer(&questionnaire.body).contains(&format!("href=\"/consultations/{DEMO_SLUG}/accessibilite\"")));
    for kind in ["mentions-legales", "donnees-personnelles", "accessibilite"] {
        let link = format!("/consultations/{DEMO_SLUG}/{kind}");
        assert!(footer(&page.body).contains(&format!("href=\"{link}\"")), "{kind}");
        let legal = b.get(&link).await;
        assert_eq!(legal.status, StatusCode::OK, "{link}");
        assert!(footer(&legal.body).contains(&format!("href=\"{link}\"")), "the page links itself");
        let installation = b.get(&format!("/{kind}")).await;
        assert_eq!(installation.status, StatusCode::OK, "/{kind}");
    }

    let personal = b.get(&format!("/consultations/{DEMO_SLUG}/donnees-personnelles")).await.text();
    for part in [
        "<h1>Données personnelles</h1>",
        "<h2>Responsable du traitement</h2>",
        "<h2>Base légale</h2>",
        "loi n° 2014-856 du 31 juillet 2014",
        "<h2>Vos droits</h2>",
        "<h2>Réclamation auprès de la CNIL</h2>",
        "<a href=\"https://www.cnil.fr/fr/plaintes\">",
    ] {
        assert!(personal.contains(part), "{part}");
    }
    let organisers = find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap().organisers;
    assert!(personal.contains(&format!("est {organisers}.")), "the controller is the organisers");
    let accessibility = b.get("/accessibilite").await.text();
    for part in ["<h1>Déclaration d'accessibilité</h1>", "<h2>État de conformité</h2>", "<h2>Voies de recours</h2>"]
    {
        assert!(accessibility.contains(part), "{part}");
    }
}

#[actix_web::test]
async fn staff_set_a_colour_and_a_logo_and_bad_ones_are_refused_with_nothing_written() {
    let mut b = browser().await;
    let id = find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap().id;
    let path = format!("/staff/consultations/{DEMO_SLUG}/apparence");
    assert_eq!(b.get(&path).await.status, StatusCode::SEE_OTHER, "anonymous: to the login");
    b.login(STAFF).await;
    let home = b.get(&format!("/staff/consultations/{DEMO_SLUG}")).await;
    assert!(home.body.contains(&format!("href=\"{path}\"")), "linked from the staff home");
    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let token = b.csrf().await;

    // Without its token, nothing.
    let forged = b.request(upload(&path, &[("accent_colour", "#1d4ed8")], None)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let refusals: [Refusal; 5] = [
        (
            &[("accent_colour", "#777777")],
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Couleur d'accent : #777777 a un contraste de 4,48:1 sur fond blanc, il faut au moins 4,5:1",
        ),
        (
            &[("logo_alt", "Région")],
            Some((
                "logo.svg",
                br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#,
            )),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Logo : ce SVG contient un script",
        ),
        (
            &[("logo_alt", "Région")],
            Some(("logo.pdf", b"%PDF-1.7 not an image")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Logo : ce fichier n'est ni une image PNG ni une image SVG",
        ),
        (
            &[("logo_alt", "Région")],
            Some(("grand.png", &[b'a'; 600 * 1024])),
            StatusCode::PAYLOAD_TOO_LARGE,
            "Logo : le fichier dépasse 512 Kio",
        ),
        (
            &[("logo_alt", "")],
            Some(("logo.svg", SVG.as_bytes())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Texte alternatif du logo : obligatoire",
        ),
    ];
    for (fields, logo, status, message) in refusals {
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        let reply = b.request(upload(&path, &all, logo)).await;
        assert_eq!(reply.status, status, "{message}");
        assert!(reply.text().contains(message), "{message}: {}", reply.text());
        assert!(reply.text().contains("Rien n'a été enregistré"), "{message}");
        let mut conn = b.db.conn();
        assert_eq!(look_of(&mut conn, id).unwrap(), Default::default(), "nothing written: {message}");
    }

    let kept = b
        .request(upload(
            &path,
            &[("csrf_token", &token), ("accent_colour", "#1D4ED8"), ("logo_alt", "Région des Pays de la Loire")],
            Some(("logo.svg", SVG.as_bytes())),
        ))
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    let public = b.get(&format!("/consultations/{DEMO_SLUG}")).await;
    let logo_src = format!("/consultations/{DEMO_SLUG}/logo?v=");
    assert!(public.body.contains(&format!("<img src=\"{logo_src}")), "the logo in the header");
    assert!(public.text().contains("alt=\"Région des Pays de la Loire\""));
    let sheet_start =
        public.body.find(&format!("/consultations/{DEMO_SLUG}/apparence.css?v=")).expect("its stylesheet");
    let sheet_href: String = public.body[sheet_start..].chars().take_while(|c| *c != '"').collect();
    let sheet = b.get(&sheet_href).await;
    assert!(sheet.content_type().starts_with("text/css"));
    assert!(sheet.body.contains("--color-primary: #1d4ed8;"), "{}", sheet.body);

    let logo = b.request(TestRequest::get().uri(&format!("/consultations/{DEMO_SLUG}/logo"))).await;
    assert_eq!(logo.status, StatusCode::OK);
    assert_eq!(logo.content_type(), "image/png");
    assert_eq!(logo.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert!(logo.headers.get(header::CACHE_CONTROL).is_some());
    let stored = logo_of(&mut b.db.conn(), id).unwrap().unwrap();
    assert!(stored.starts_with(b"\x89PNG\r\n\x1a\n"), "an SVG is served as the PNG drawn from it");

    // Removing the logo; the colour stays.
    let removed = b
        .request(upload(&path, &[("csrf_token", &token), ("accent_colour", "#1d4ed8"), ("remove_logo", "1")], None))
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get(&format!("/consultations/{DEMO_SLUG}/logo")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(look_of(&mut b.db.conn(), id).unwrap().accent_colour.as_deref(), Some("#1d4ed8"));
}

#[actix_web::test]
async fn legal_pages_are_edited_escaped_and_reset() {
    let mut b = browser().await;
    b.login(STAFF).await;
    let token = b.csrf().await;
    let edit = format!("/staff/consultations/{DEMO_SLUG}/pages-legales/mentions-legales");
    let form = b.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("## Éditeur"), "the default text to start from");
    assert_eq!(
        b.get(&format!("/staff/consultations/{DEMO_SLUG}/pages-legales/autre")).await.status,
        StatusCode::NOT_FOUND
    );

    let empty = b.post(&edit, &[("csrf_token", &token), ("body", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("Texte de la page « Mentions légales » : il est vide"));

    let text = "## Éditeur <em>x</em>\nRégion <script>alert(1)</script>\n\n- https://exemple.fr/a?b=1&c=\"2\"\n- javascript:alert(1)";
    let saved = b.post(&edit, &[("csrf_token", &token), ("body", text)]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/consultations/{DEMO_SLUG}/mentions-legales")).await.body;
    assert!(
        page.contains("<h2>Éditeur &#60;em&#62;x&#60;/em&#62;</h2>")
            || page.contains("<h2>Éditeur &lt;em&gt;x&lt;/em&gt;</h2>"),
        "{page}"
    );
    assert!(!page.contains("<script>alert") && !page.contains("<em>x"), "escaped");
    assert!(!page.contains("href=\"javascript"), "no script link");
    assert!(
        page.contains("<a href=\"https://exemple.fr/a?b=1&#38;c=&#34;2&#34;\">")
            || page.contains("<a href=\"https://exemple.fr/a?b=1&amp;c=&quot;2&quot;\">"),
        "{page}"
    );

    let reset = b.post(&format!("{edit}/defaut"), &[("csrf_token", &token)]).await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/consultations/{DEMO_SLUG}/mentions-legales")).await.text();
    assert!(page.contains("<h2>Direction de la publication</h2>") && !page.contains("exemple.fr"));

    // The installation's pages are the administrators'.
    let admin_edit = "/admin/pages-legales/accessibilite";
    assert_eq!(b.get(admin_edit).await.status, StatusCode::FORBIDDEN);
    b.cookies.clear();
    b.login(ADMIN).await;
    let token = b.csrf().await;
    assert_eq!(b.get(admin_edit).await.status, StatusCode::OK);
    let saved =
        b.post(admin_edit, &[("csrf_token", &token), ("body", "## État de conformité\nAudit prévu en 2027.")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(b.get("/accessibilite").await.text().contains("Audit prévu en 2027."));
    assert!(
        !b.get(&format!("/consultations/{DEMO_SLUG}/accessibilite")).await.text().contains("Audit prévu"),
        "a consultation keeps its own"
    );
    assert_eq!(b.post(&format!("{admin_edit}/defaut"), &[("csrf_token", &token)]).await.status, StatusCode::SEE_OTHER);
    assert!(!b.get("/accessibilite").await.text().contains("Audit prévu"));
}
