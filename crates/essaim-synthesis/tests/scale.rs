//! A national-size theme on SQLite: 40,000 accepted contributions. SQLite refuses more than
//! 32,766 bound parameters in one statement, so any query binding one parameter per
//! contribution (an `IN (…)` over ids) fails here; every read and write of the drafts must
//! join and group instead. Always on SQLite, whatever `ESSAIM_TEST_DATABASE_URL` says: it is
//! the backend with the limit.

use std::time::Instant;

use essaim_core::domain::contribution::moderation_counts;
use essaim_core::domain::orientation::{
    channel_counts_of_theme, member_count, members_page, orientations_of_theme, theme_standing,
};
use essaim_core::domain::OrientationStatus;
use essaim_core::testing::{contribution, demo, demo_account, record, record_many, TestDb};
use essaim_synthesis::drafts;
use essaim_synthesis::pipeline::Params;

/// More than SQLite's 32,766 parameters.
const NATIONAL: usize = 40_000;

const SUBJECTS: [&str; 8] = [
    "Les associations",
    "Les coopératives",
    "Les mutuelles",
    "Les entreprises d'insertion",
    "Les collectivités",
    "Les fondations",
    "Les SCOP du territoire",
    "Les jeunes bénévoles",
];
const VERBS: [&str; 6] = [
    "doivent développer",
    "veulent mutualiser",
    "peuvent soutenir",
    "demandent de financer",
    "proposent d'organiser",
    "souhaitent renforcer",
];
const OBJECTS: [&str; 10] = [
    "l'emploi local",
    "les circuits courts alimentaires",
    "la mobilité en zone rurale",
    "le réemploi des objets",
    "les tiers-lieux",
    "la formation des bénévoles",
    "l'accès au numérique",
    "le logement des jeunes travailleurs",
    "la transition écologique",
    "les achats publics responsables",
];
const PLACES: [&str; 8] = [
    "en Loire-Atlantique",
    "en Vendée",
    "dans la Sarthe",
    "en Mayenne",
    "en Maine-et-Loire",
    "dans les quartiers prioritaires",
    "en milieu rural",
    "sur le littoral",
];
const ENDS: [&str; 7] = [
    ".",
    " avec l'appui de la Région.",
    " grâce à des conventions pluriannuelles.",
    " en lien avec les habitants.",
    " dès cette année, sans attendre.",
    " : c'est une priorité.",
    " pour créer des emplois durables.",
];

/// A varied French sentence for contribution `i` (cheap: no allocation but the result).
fn text(i: usize) -> String {
    let pick = |list: &[&'static str], n: usize| list[n % list.len()];
    let (a, b, c, d, e) = (i, i / 8, i / 48, i / 480, i / 3840);
    format!(
        "{} {} {} {}{}",
        pick(&SUBJECTS, a),
        pick(&VERBS, b + a),
        pick(&OBJECTS, c + 3 * a),
        pick(&PLACES, d + b),
        pick(&ENDS, e + c)
    )
}

fn elapsed(what: &str, since: Instant) {
    println!("{what} : {:.1} s", since.elapsed().as_secs_f64());
}

#[test]
fn a_theme_of_forty_thousand_contributions_is_run_read_edited_and_exported_on_sqlite() {
    let db = TestDb::sqlite();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let staff = demo_account(&mut conn, "staff");
    let (theme, theme_name) = (themes[3].id, themes[3].title.clone());
    let start = Instant::now();
    record_many(&mut conn, consultation, theme, NATIONAL, text);
    elapsed("enregistrement", start);
    let total = moderation_counts(&mut conn, consultation, Some(theme)).unwrap().accepted;
    assert!(total > NATIONAL as i64);
    // The limit this test is about: a statement with one parameter per contribution fails.
    {
        use diesel::prelude::*;
        use essaim_core::schema::contributions;
        let ids: Vec<essaim_core::db::Id> = contributions::table
            .filter(contributions::theme_id.eq(theme))
            .select(contributions::id)
            .load(&mut conn)
            .unwrap();
        let one_per_contribution =
            contributions::table.filter(contributions::id.eq_any(&ids)).count().get_result::<i64>(&mut conn);
        assert!(one_per_contribution.is_err(), "SQLite refuses {} parameters", ids.len());
    }

    // Before any run: everything is waiting to be placed.
    let standing = theme_standing(&mut conn, theme).unwrap();
    assert_eq!((standing.contributions, standing.unplaced, standing.orientations), (total, total, 0));
    let view = drafts::theme_drafts(&mut conn, consultation, theme).unwrap();
    assert_eq!(view.unplaced.len() as i64, total);

    // A run, small enough to be quick unoptimised: three groups learnt on a sample.
    let params = Params { groups: Some(3), fit_sample: 1_000, restarts: 1, max_iterations: 20, ..Params::default() };
    let start = Instant::now();
    let report = drafts::run_theme(&mut conn, consultation, theme, &theme_name, &params, Some(staff)).unwrap();
    elapsed("première synthèse", start);
    assert_eq!(report.new_contributions as i64, total);
    assert_eq!(report.changed_meanwhile, 0);
    assert!(report.proposed >= 2, "{report:?}");

    // The core's counting queries, as the staff pages use them.
    let start = Instant::now();
    let standing = theme_standing(&mut conn, theme).unwrap();
    assert_eq!(standing.contributions, total);
    assert_eq!(standing.placed + standing.set_aside, total, "{standing:?}");
    assert_eq!(standing.unplaced, 0);
    assert_eq!(standing.orientations, report.proposed as i64);
    let by_channel = channel_counts_of_theme(&mut conn, theme).unwrap();
    assert_eq!(by_channel.iter().map(|c| c.count).sum::<i64>(), standing.placed);
    let orientations = orientations_of_theme(&mut conn, theme, OrientationStatus::Draft).unwrap();
    let mut behind = 0;
    for orientation in &orientations {
        let count = member_count(&mut conn, orientation.id).unwrap();
        behind += count;
        let first = members_page(&mut conn, orientation.id, 0, 50).unwrap();
        assert_eq!(first.len() as i64, count.min(50));
        let last = members_page(&mut conn, orientation.id, count - 10, 50).unwrap();
        assert_eq!(last.len() as i64, count.min(10));
        assert!(first.iter().chain(&last).all(|m| m.placed_by == essaim_core::domain::PlacedBy::Run));
    }
    assert_eq!(behind, standing.placed);
    elapsed("lectures du cœur", start);

    // The drafts as exports read them.
    let start = Instant::now();
    let view = drafts::theme_drafts(&mut conn, consultation, theme).unwrap();
    assert_eq!(view.contributions() as i64, total);
    assert!(view.unplaced.is_empty());
    let biggest = view.drafts.iter().map(|d| d.members.len()).max().unwrap();
    assert!(biggest > 32_766 / 3, "an orientation large enough to matter: {biggest}");
    let document = drafts::drafts_document(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap();
    let exported = document.document.themes.iter().find(|t| t.theme == theme_name).unwrap();
    assert_eq!(exported.contributions as i64, total);
    let traced: usize =
        exported.orientations.iter().map(|o| o.contributions.len()).sum::<usize>() + exported.not_grouped.len();
    assert_eq!(traced as i64, total, "every contribution traced once");
    elapsed("projets et document", start);

    // Staff merge two large orientations (one statement, whatever their size), then new
    // contributions arrive and a later run places only them, re-checking the whole theme.
    let start = Instant::now();
    let merged =
        member_count(&mut conn, orientations[0].id).unwrap() + member_count(&mut conn, orientations[1].id).unwrap();
    drafts::merge(&mut conn, orientations[1].id, orientations[0].id, staff).unwrap();
    assert_eq!(member_count(&mut conn, orientations[0].id).unwrap(), merged);
    for n in 0..5 {
        record(&mut conn, contribution(consultation, theme, &text(n * 7 + 1)).external_ref(format!("nouvelle-{n}")));
    }
    let report = drafts::run_theme(&mut conn, consultation, theme, &theme_name, &params, Some(staff)).unwrap();
    assert_eq!((report.new_contributions, report.changed_meanwhile), (5, 0), "{report:?}");
    let standing = theme_standing(&mut conn, theme).unwrap();
    assert_eq!((standing.contributions, standing.unplaced), (total + 5, 0));
    elapsed("fusion et seconde synthèse", start);
}
