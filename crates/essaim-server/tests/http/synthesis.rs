//! The synthesis as staff use it: run a theme, edit its draft orientations, export the draft
//! strategy; and the same pages at national size.

use std::time::Instant;

use actix_web::http::StatusCode;
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::schema::{contributions, orientation_members, orientations};
use essaim_core::testing::{demo, demo_account, record_many};

use crate::common::{browser, FACILITATOR, STAFF};
use crate::first_id_after;

fn base() -> String {
    format!("/staff/consultations/{DEMO_SLUG}/synthese")
}

/// The ids of the accepted contributions of a theme, oldest first.
fn contributions_of_theme(conn: &mut DbConnection, theme: Id) -> Vec<Id> {
    contributions::table
        .filter(contributions::theme_id.eq(theme))
        .order(contributions::id.asc())
        .select(contributions::id)
        .load(conn)
        .unwrap()
}

/// The contributions behind an orientation, as stored.
fn members_of(conn: &mut DbConnection, orientation: Id) -> Vec<Id> {
    let mut ids: Vec<Id> = orientation_members::table
        .filter(orientation_members::orientation_id.eq(orientation))
        .select(orientation_members::contribution_id)
        .load(conn)
        .unwrap();
    ids.sort();
    ids
}

fn orientation_titled(conn: &mut DbConnection, title: &str) -> Id {
    orientations::table.filter(orientations::title.eq(title)).select(orientations::id).first(conn).unwrap()
}

#[actix_web::test]
async fn staff_run_the_synthesis_and_edit_orientations_facilitators_cannot() {
    let base = base();
    let mut b = browser().await;
    b.login(FACILITATOR).await;
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
    assert!(bad.content_type().starts_with("text/html"));
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

    // The contributions behind it, one click away.
    let behind = b.get(&format!("/staff/orientations/{first}")).await;
    assert_eq!(behind.status, StatusCode::OK);
    assert!(behind.body.contains("name=\"contribution\" value=\""));

    // Add one by hand.
    let added = b
        .post(
            &format!("{base}/3/orientations"),
            &[("csrf_token", &token), ("title", "Observatoire de l'emploi"), ("body", "")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let page = b.get(added.location()).await;
    assert!(page.text().contains("Observatoire de l'emploi"));
    let audited: i64 = essaim_core::schema::audit_log::table
        .filter(essaim_core::schema::audit_log::action.like("orientation.%"))
        .count()
        .get_result(&mut b.db.conn())
        .unwrap();
    assert!(audited >= 2, "edits are audited");
    assert_eq!(b.get("/staff/orientations/00000000-0000-0000-0000-000000000000").await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("{base}/9")).await.status, StatusCode::NOT_FOUND);
}

/// The split form sends its ticked contributions as a repeated `contribution` field; read
/// through `CsrfForm`, every one of them (and each once) moves to the new orientation.
#[actix_web::test]
async fn the_split_form_moves_every_ticked_contribution_and_only_those() {
    let base = base();
    let mut b = browser().await;
    b.login(STAFF).await;
    let token = b.csrf().await;
    let added = b
        .post(&format!("{base}/3/orientations"), &[("csrf_token", &token), ("title", "À scinder"), ("body", "")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let (whole, theme_contributions) = {
        let mut conn = b.db.conn();
        let (_, themes) = demo(&mut conn);
        (orientation_titled(&mut conn, "À scinder"), contributions_of_theme(&mut conn, themes[2].id))
    };
    // Four contributions moved in one by one, through the move form.
    for contribution in &theme_contributions[..4] {
        let moved = b
            .post(
                &format!("/staff/contributions/{contribution}/move"),
                &[("csrf_token", &token), ("target", &whole.to_string())],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
    }
    assert_eq!(members_of(&mut b.db.conn(), whole).len(), 4);

    let page = b.get(&format!("/staff/orientations/{whole}")).await;
    assert_eq!(page.body.matches("name=\"contribution\" value=\"").count(), 4);
    let ticked: Vec<String> =
        page.body.split("name=\"contribution\" value=\"").skip(1).take(2).map(|rest| rest[..36].to_owned()).collect();
    let split = b
        .post(
            &format!("/staff/orientations/{whole}/split"),
            &[
                ("csrf_token", &token),
                ("contribution", &ticked[0]),
                ("title", "Détachées"),
                ("contribution", &ticked[1]),
                ("contribution", &ticked[0]),
            ],
        )
        .await;
    assert_eq!(split.status, StatusCode::SEE_OTHER, "{}", split.text());
    assert!(split.location().ends_with("?fait=scindee"));
    let mut conn = b.db.conn();
    let detached = orientation_titled(&mut conn, "Détachées");
    let mut expected: Vec<Id> = ticked.iter().map(|t| t.parse().unwrap()).collect();
    expected.sort();
    assert_eq!(members_of(&mut conn, detached), expected, "the two ticked, once each");
    assert_eq!(members_of(&mut conn, whole).len(), 2, "the others stay");
    drop(conn);

    // Ticking none, or all that is left, is refused on the page, and nothing moves.
    let none =
        b.post(&format!("/staff/orientations/{whole}/split"), &[("csrf_token", &token), ("title", "Rien")]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.text().contains("Cochez les contributions à détacher."));
    let left: Vec<String> = members_of(&mut b.db.conn(), whole).iter().map(Id::to_string).collect();
    let all = b
        .post(
            &format!("/staff/orientations/{whole}/split"),
            &[("csrf_token", &token), ("title", "Tout"), ("contribution", &left[0]), ("contribution", &left[1])],
        )
        .await;
    assert_eq!(all.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(all.text().contains("Laissez au moins une contribution"));
    let unreadable = b
        .post(
            &format!("/staff/orientations/{whole}/split"),
            &[("csrf_token", &token), ("title", "Illisible"), ("contribution", "pas-un-id")],
        )
        .await;
    assert_eq!(unreadable.status, StatusCode::BAD_REQUEST);
    assert!(unreadable.text().contains("Requête invalide"));
    assert_eq!(members_of(&mut b.db.conn(), whole).len(), 2);
}

#[actix_web::test]
async fn staff_export_the_drafts_as_they_edited_them() {
    let base = base();
    let mut b = browser().await;
    b.login(STAFF).await;
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
    // Themes never synthesised say so; "arrivée après la dernière synthèse" is for a theme
    // that had one.
    assert!(csv.body.contains("thème pas encore synthétisé"), "themes not yet run are listed as not placed");
    assert!(!csv.body.contains("arrivée après la dernière synthèse"), "no theme had a contribution after its run");
    let json = b.get(&format!("{base}/export/json")).await.json();
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
    let unknown = b.get(&format!("{base}/export/xlsx")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.text().contains("Page introuvable"));

    let mut anonymous = browser().await;
    assert_eq!(anonymous.get(&format!("{base}/export/json")).await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_large_orientation_is_shown_a_hundred_contributions_per_page() {
    let base = base();
    let mut b = browser().await;
    {
        let mut conn = b.db.conn();
        let (consultation, themes) = demo(&mut conn);
        // Varied texts (not near-duplicates of each other), each word in well under half of them.
        let verbs = ["Mutualiser", "Financer", "Former", "Pérenniser", "Soutenir", "Développer", "Sécuriser"];
        let objects = ["les emplois", "les postes", "les salariés", "les bénévoles", "les dirigeants", "les apprentis"];
        let places = ["en Vendée", "en Sarthe", "en Mayenne", "à Nantes", "à Angers"];
        record_many(&mut conn, consultation, themes[2].id, 240, |n| {
            format!("{} {} {}", verbs[n % 7], objects[(n / 7) % 6], places[n % 5])
        });
    }
    b.login(STAFF).await;
    let token = b.csrf().await;
    let ran = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    let page = b.get(ran.location()).await;
    let first = first_id_after(&page.body, "action=\"/staff/orientations/");
    // Every placed contribution of the theme into one orientation.
    let target: Id = first.parse().unwrap();
    let placed = diesel::update(orientation_members::table.filter(orientation_members::orientation_id.is_not_null()))
        .set(orientation_members::orientation_id.eq(Some(target)))
        .execute(&mut b.db.conn())
        .unwrap();
    assert!(placed > 200, "a campaign of 240 is placed, not set aside: {placed}");

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

/// Places contributions with multi-row inserts, as a run stores them (2,000 rows of 4
/// values a statement, under SQLite's limit of bound parameters).
fn place(conn: &mut DbConnection, ids: &[Id], orientation: Option<Id>, reason: Option<&str>) {
    for chunk in ids.chunks(2_000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|id| {
                (
                    orientation_members::contribution_id.eq(*id),
                    orientation_members::orientation_id.eq(orientation),
                    orientation_members::set_aside_reason.eq(reason),
                    orientation_members::placed_by.eq("run"),
                )
            })
            .collect();
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(orientation_members::table).values(values).execute(c),
            DbConnection::Postgresql(c) => diesel::insert_into(orientation_members::table).values(values).execute(c),
        }
        .unwrap();
    }
}

/// A theme of national size (40,000 accepted contributions, more than the 32,766 parameters
/// SQLite binds in one statement): every staff page and the exports still answer.
#[actix_web::test]
async fn a_theme_of_national_size_keeps_every_staff_page_and_export_answering() {
    const SIZE: usize = 40_000;
    let base = base();
    let mut b = browser().await;
    let (big, small) = {
        let mut conn = b.db.conn();
        let (consultation, themes) = demo(&mut conn);
        let theme = themes[2].id;
        let started = Instant::now();
        let words = ["emploi", "formation", "financement", "coopération", "territoire", "mutualisation", "insertion"];
        record_many(&mut conn, consultation, theme, SIZE, |n| {
            format!("Contribution {n} sur {} et {} en Pays de la Loire", words[n % 7], words[(n / 7) % 7])
        });
        let staff = demo_account(&mut conn, "staff");
        let big =
            essaim_synthesis::drafts::add(&mut conn, consultation, theme, "Grande orientation", "", staff).unwrap();
        let small =
            essaim_synthesis::drafts::add(&mut conn, consultation, theme, "Petite orientation", "", staff).unwrap();
        let ids = contributions_of_theme(&mut conn, theme);
        assert_eq!(ids.len(), SIZE + 12, "the demo's 12 and the new ones");
        place(&mut conn, &ids[..30_000], Some(big), None);
        place(&mut conn, &ids[30_000..39_000], Some(small), None);
        place(&mut conn, &ids[39_000..40_000], None, Some("no_content"));
        eprintln!("national size: {SIZE} contributions recorded and placed in {:?}", started.elapsed());
        (big, small)
    };
    b.login(STAFF).await;
    let timed = |what: &str, started: Instant| eprintln!("national size: {what} in {:?}", started.elapsed());

    let started = Instant::now();
    let overview = b.get(&base).await;
    timed("overview", started);
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.text());
    assert!(overview.body.contains(&format!("<td>{}</td>", SIZE + 12)));

    let started = Instant::now();
    let theme = b.get(&format!("{base}/3")).await;
    timed("theme page", started);
    assert_eq!(theme.status, StatusCode::OK, "{}", theme.text());
    let text = theme.text();
    assert!(text.contains(&format!("{} contribution(s) ; 2 orientation(s) ; 1000 écartée(s)", SIZE + 12)), "{text}");
    assert!(text.contains("12 pas encore placée(s)"));
    assert!(text.contains("<strong>30000 contribution(s)</strong>"));
    assert!(text.contains("<strong>9000 contribution(s)</strong>"));

    let rows = |body: &str| body.matches("name=\"contribution\" value=\"").count();
    let started = Instant::now();
    let first = b.get(&format!("/staff/orientations/{big}")).await;
    timed("orientation, page 1", started);
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first.body), 100);
    assert!(first.text().contains("Contributions 1 à 100 sur 30000 — page 1 sur 300"));
    let started = Instant::now();
    let late = b.get(&format!("/staff/orientations/{big}?page=299")).await;
    timed("orientation, page 299", started);
    assert_eq!(late.status, StatusCode::OK);
    assert_eq!(rows(&late.body), 100);
    assert!(late.text().contains("Contributions 29801 à 29900 sur 30000 — page 299 sur 300"));
    let last = b.get(&format!("/staff/orientations/{small}?page=90")).await;
    assert_eq!(last.status, StatusCode::OK);
    assert_eq!(rows(&last.body), 100);

    let started = Instant::now();
    let csv = b.get(&format!("{base}/export/csv")).await;
    timed("CSV export", started);
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.lines().count() > SIZE, "a line per contribution");
    assert!(csv.body.contains("Grande orientation") && csv.body.contains("Petite orientation"));

    let started = Instant::now();
    let pdf = b.get(&format!("{base}/export/pdf")).await;
    timed("PDF export", started);
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
    assert!(pdf.body.starts_with("%PDF-1.7"));
}

#[actix_web::test]
async fn a_group_holding_opposite_stances_says_so_and_staff_split_it_in_one_click() {
    use essaim_synthesis::pipeline::{Quote, StanceSide, Stances};
    let base = base();
    let mut b = browser().await;
    b.login(STAFF).await;
    let token = b.csrf().await;
    let added = b
        .post(&format!("{base}/3/orientations"), &[("csrf_token", &token), ("title", "Cotisations"), ("body", "")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let texts = [
        "Baisser les cotisations des associations employeuses",
        "Il faut baisser les cotisations sociales",
        "Diminuer les cotisations des petites structures",
        "Augmenter les cotisations des grandes entreprises",
        "Augmenter les cotisations pour financer la protection sociale",
        "Ne pas baisser les cotisations, elles financent nos droits",
    ];
    let (whole, ids) = {
        let mut conn = b.db.conn();
        let (consultation, themes) = demo(&mut conn);
        let ids: Vec<Id> = texts
            .iter()
            .map(|t| {
                essaim_core::testing::record(
                    &mut conn,
                    essaim_core::testing::contribution(consultation, themes[2].id, t),
                )
                .id
            })
            .collect();
        (orientation_titled(&mut conn, "Cotisations"), ids)
    };
    for id in &ids {
        let moved = b
            .post(&format!("/staff/contributions/{id}/move"), &[("csrf_token", &token), ("target", &whole.to_string())])
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
    }
    // Splitting an orientation that holds no opposite stances is refused in French.
    let refused = b.post(&format!("/staff/orientations/{whole}/split-stances"), &[("csrf_token", &token)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("ne réunit pas de positions opposées"));

    // What a run found in the group, as it stores it.
    let side = |position: &str, n: usize, reference: &str| StanceSide {
        position: position.into(),
        contributions: n,
        percent: 50,
        quote: Quote { reference: reference.into(), text: format!("Il faut {position}") },
    };
    let stances = Stances {
        axis: 0,
        // The stem of "cotisations", as the synthesis's analyser gives it.
        object: "coti".into(),
        taking_position: 6,
        sides: vec![side("baisser les cotisations", 3, "a"), side("augmenter les cotisations", 3, "b")],
    };
    diesel::update(orientations::table.find(whole))
        .set(orientations::stances.eq(serde_json::to_string(&stances).unwrap()))
        .execute(&mut b.db.conn())
        .unwrap();
    let page = b.get(&format!("{base}/3")).await;
    assert!(page.text().contains("Positions opposées dans ce groupe"), "{}", page.text());
    assert!(page.text().contains("« baisser les cotisations » (50 %, 3 contributions)"));
    assert!(page.body.contains(&format!("/staff/orientations/{whole}/split-stances")));

    let mut f = browser().await;
    f.login(FACILITATOR).await;
    let f_token = f.csrf().await;
    let forbidden = f.post(&format!("/staff/orientations/{whole}/split-stances"), &[("csrf_token", &f_token)]).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let split = b.post(&format!("/staff/orientations/{whole}/split-stances"), &[("csrf_token", &token)]).await;
    assert_eq!(split.status, StatusCode::SEE_OTHER, "{}", split.text());
    assert!(split.location().ends_with("?fait=positions-separees"));
    let mut conn = b.db.conn();
    let raised = orientation_titled(&mut conn, "Augmenter les cotisations");
    let mut expected = vec![ids[3], ids[4], ids[5]];
    expected.sort();
    assert_eq!(members_of(&mut conn, raised), expected, "the second side, the negated « ne pas baisser » included");
    let mut left = vec![ids[0], ids[1], ids[2]];
    left.sort();
    assert_eq!(members_of(&mut conn, whole), left);
    drop(conn);
    let page = b.get(&format!("{base}/3")).await;
    assert!(!page.body.contains(&format!("/staff/orientations/{whole}/split-stances")), "the sides now stand apart");
}
