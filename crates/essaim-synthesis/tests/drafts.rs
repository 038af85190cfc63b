//! Draft orientations that staff edit, on the backend named by `ESSAIM_TEST_DATABASE_URL`.

use diesel::prelude::*;
use essaim_core::db::Id;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::orientation::theme_counts;
use essaim_core::domain::PlacedBy;
use essaim_core::schema::audit_log;
use essaim_core::testing::{contribution, demo, demo_account, record, TestDb};
use essaim_synthesis::drafts::{self, DraftError};
use essaim_synthesis::pipeline::Params;

struct Setup {
    db: TestDb,
    consultation: Id,
    theme: Id,
    theme_name: String,
    other_theme: Id,
    staff: Id,
}

fn setup() -> Setup {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let staff = demo_account(&mut conn, "staff");
    drop(conn);
    Setup {
        db,
        consultation,
        theme: themes[2].id,
        theme_name: themes[2].title.clone(),
        other_theme: themes[3].id,
        staff,
    }
}

fn audited(s: &Setup, action: &str) -> i64 {
    audit_log::table.filter(audit_log::action.eq(action)).count().get_result(&mut s.db.conn()).unwrap()
}

fn add_contribution(s: &Setup, reference: &str, text: &str) -> Id {
    record(&mut s.db.conn(), contribution(s.consultation, s.theme, text).external_ref(reference)).id
}

#[test]
fn a_first_run_proposes_orientations_and_places_every_contribution() {
    let s = setup();
    let report =
        drafts::run_theme(&mut s.db.conn(), s.consultation, s.theme, &s.theme_name, &Params::default(), Some(s.staff))
            .unwrap();
    assert_eq!(report.new_contributions, 12);
    assert!(report.proposed >= 2);
    let view = drafts::theme_drafts(&mut s.db.conn(), s.consultation, s.theme).unwrap();
    let placed: usize = view.drafts.iter().map(|d| d.members.len()).sum::<usize>() + view.set_aside.len();
    assert_eq!(placed, 12);
    assert!(view.unplaced.is_empty());
    assert!(view.drafts.iter().all(|d| !d.orientation.title.is_empty()));
    assert_eq!(audited(&s, "synthesis.run"), 1);
}

#[test]
fn staff_edits_are_audited_and_survive_a_new_run_on_new_contributions() {
    let s = setup();
    let mut conn = s.db.conn();
    drafts::run_theme(&mut conn, s.consultation, s.theme, &s.theme_name, &Params::default(), None).unwrap();
    let view = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    assert!(view.drafts.len() >= 3, "{} drafts", view.drafts.len());
    let (a, b, c) = (view.drafts[0].orientation.id, view.drafts[1].orientation.id, view.drafts[2].orientation.id);

    drafts::edit(&mut conn, a, "Soutenir l'emploi associatif", "La Région et l'État soutiennent…", s.staff).unwrap();
    let merged_members = view.drafts[2].members.len();
    drafts::merge(&mut conn, c, b, s.staff).unwrap();
    let a_members: Vec<Id> = view.drafts[0].members.iter().map(|m| m.id).collect();
    let split_off = if a_members.len() > 1 {
        Some(drafts::split(&mut conn, a, &a_members[..1], "Former les dirigeants", s.staff).unwrap())
    } else {
        None
    };
    let manual =
        drafts::add(&mut conn, s.consultation, s.theme, "Observatoire de l'emploi dans l'ESS", "", s.staff).unwrap();
    let moved = view.drafts[1].members[0].id;
    drafts::move_contribution(&mut conn, moved, manual, s.staff).unwrap();

    let after = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    let find = |id: Id| after.drafts.iter().find(|d| d.orientation.id == id);
    assert_eq!(find(a).unwrap().orientation.title, "Soutenir l'emploi associatif");
    assert!(find(c).is_none(), "merged away");
    assert_eq!(find(b).unwrap().members.len(), view.drafts[1].members.len() + merged_members - 1);
    assert_eq!(find(manual).unwrap().members[0].id, moved);
    assert_eq!(find(manual).unwrap().members[0].placed_by, Some(PlacedBy::Staff));
    if let Some(id) = split_off {
        assert_eq!(find(id).unwrap().members.len(), 1);
    }
    for action in ["orientation.edit", "orientation.merge", "orientation.add", "contribution.move"] {
        assert_eq!(audited(&s, action), 1, "{action}");
    }

    // New contributions arrive; a new run keeps every edit and places only them.
    let near = add_contribution(
        &s,
        "new-1",
        "Développer les groupements d'employeurs entre petites associations du territoire",
    );
    let far = add_contribution(&s, "new-2", "Zygomatique ornithorynque");
    let report =
        drafts::run_theme(&mut conn, s.consultation, s.theme, &s.theme_name, &Params::default(), None).unwrap();
    assert_eq!(report.new_contributions, 2);
    let again = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    let find = |id: Id| again.drafts.iter().find(|d| d.orientation.id == id);
    assert_eq!(find(a).unwrap().orientation.title, "Soutenir l'emploi associatif", "the rename survives");
    assert!(find(c).is_none(), "the merge survives");
    assert_eq!(find(manual).unwrap().members[0].id, moved, "the move survives");
    let near_placed = again.drafts.iter().any(|d| d.members.iter().any(|m| m.id == near));
    assert!(near_placed, "a close new contribution joins an existing orientation");
    let far_set_aside = again.set_aside.iter().any(|(m, _)| m.id == far);
    assert!(far_set_aside, "an unrelated one is set aside, not forced in");
    assert_eq!(report.attached, 1);
}

#[test]
fn impossible_edits_are_refused_with_a_reason() {
    let s = setup();
    let mut conn = s.db.conn();
    drafts::run_theme(&mut conn, s.consultation, s.theme, &s.theme_name, &Params::default(), None).unwrap();
    let view = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    let a = &view.drafts[0];
    assert!(matches!(drafts::edit(&mut conn, a.orientation.id, "  ", "", s.staff), Err(DraftError::Invalid(_))));
    assert!(matches!(
        drafts::merge(&mut conn, a.orientation.id, a.orientation.id, s.staff),
        Err(DraftError::Invalid(_))
    ));
    let all: Vec<Id> = a.members.iter().map(|m| m.id).collect();
    let Err(DraftError::Invalid(message)) = drafts::split(&mut conn, a.orientation.id, &all, "Tout", s.staff) else {
        panic!("splitting everything off is refused")
    };
    assert!(message.contains("fusionnez"));
    // Ticking the same contributions twice changes nothing to that rule.
    let twice: Vec<Id> = all.iter().chain(all.iter()).copied().collect();
    assert!(matches!(drafts::split(&mut conn, a.orientation.id, &twice, "Tout", s.staff), Err(DraftError::Invalid(_))));
    let long = "x".repeat(drafts::MAX_BODY_CHARS + 1);
    assert!(matches!(
        drafts::add(&mut conn, s.consultation, s.theme, "Titre", &long, s.staff),
        Err(DraftError::Invalid(_))
    ));
    let elsewhere = drafts::add(&mut conn, s.consultation, s.other_theme, "Autre thème", "", s.staff).unwrap();
    assert!(matches!(drafts::merge(&mut conn, a.orientation.id, elsewhere, s.staff), Err(DraftError::Invalid(_))));
    assert!(matches!(
        drafts::move_contribution(&mut conn, a.members[0].id, elsewhere, s.staff),
        Err(DraftError::Invalid(_))
    ));
    let before = theme_counts(&mut conn, s.theme).unwrap();
    drafts::discard(&mut conn, a.orientation.id, s.staff).unwrap();
    // The counts follow: its contributions leave the placed ones for the discarded ones, and
    // its sizes by channel leave the drafts'.
    let counts = theme_counts(&mut conn, s.theme).unwrap();
    let size = a.members.len() as i64;
    assert_eq!(counts.standing.placed, before.standing.placed - size);
    assert_eq!(counts.standing.discarded, before.standing.discarded + size);
    assert_eq!(counts.standing.set_aside, before.standing.set_aside);
    assert_eq!(counts.standing.orientations, before.standing.orientations - 1);
    assert!(counts.by_orientation.iter().all(|c| c.orientation_id != a.orientation.id));
    assert_eq!(counts.by_orientation.iter().map(|c| c.count).sum::<i64>(), counts.standing.placed);
    assert!(matches!(drafts::edit(&mut conn, a.orientation.id, "Titre", "", s.staff), Err(DraftError::NotFound(_))));
    let after = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    assert_eq!(after.discarded.len(), 1);
    // Its contributions stay traced: the export lists them as set aside with their orientation.
    let document = drafts::drafts_document(&mut conn, DEMO_SLUG).unwrap().document;
    let theme = document.themes.iter().find(|t| t.theme == s.theme_name).unwrap();
    let discarded: Vec<&str> =
        theme.not_grouped.iter().filter(|n| n.reason == "discarded").map(|n| n.reference.as_str()).collect();
    assert_eq!(discarded.len(), a.members.len());
    let traced: usize =
        theme.orientations.iter().map(|o| o.contributions.len()).sum::<usize>() + theme.not_grouped.len();
    assert_eq!(traced, theme.contributions, "every contribution appears once");
}

#[test]
fn staff_editing_at_the_same_instant_all_succeed() {
    // Two people editing the same theme at once. On SQLite, a transaction that reads before
    // writing fails at once with "database is locked" if the other one committed in between,
    // unless it takes the write lock first; on PostgreSQL, rows lock as usual.
    let s = setup();
    drafts::run_theme(&mut s.db.conn(), s.consultation, s.theme, &s.theme_name, &Params::default(), Some(s.staff))
        .unwrap();
    let view = drafts::theme_drafts(&mut s.db.conn(), s.consultation, s.theme).unwrap();
    let ids: Vec<Id> = view.drafts.iter().take(2).map(|d| d.orientation.id).collect();
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|scope| {
        let workers: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(w, id)| {
                let (db, barrier, staff) = (&s.db, &barrier, s.staff);
                scope.spawn(move || {
                    let mut conn = db.conn();
                    barrier.wait();
                    for round in 0..40 {
                        drafts::edit(&mut conn, *id, &format!("Titre {w}.{round}"), "", staff)
                            .unwrap_or_else(|e| panic!("edit {w}.{round} refused: {e}"));
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
    });
    let view = drafts::theme_drafts(&mut s.db.conn(), s.consultation, s.theme).unwrap();
    let titles: Vec<&str> = view.drafts.iter().map(|d| d.orientation.title.as_str()).collect();
    assert!(titles.contains(&"Titre 0.39") && titles.contains(&"Titre 1.39"), "{titles:?}");
    assert_eq!(audited(&s, "orientation.edit"), 80);
}

/// Three topics, eight contributions each, in a consultation of their own: the groups a run
/// makes of them, and where it puts a new contribution on one of them, are known in advance.
const TOPIC_TEXTS: [[&str; 8]; 3] = [
    [
        "Créer des pistes cyclables sécurisées entre les villages et le collège.",
        "Des pistes cyclables continues pour aller au travail à vélo.",
        "Aménager des garages à vélos sécurisés près des gares.",
        "Financer l'achat de vélos électriques pour les salariés des associations.",
        "Un atelier de réparation de vélos solidaire dans chaque quartier.",
        "Relier les pistes cyclables des communes voisines.",
        "Prêter des vélos électriques aux demandeurs d'emploi.",
        "Former les jeunes à la réparation de vélos.",
    ],
    [
        "Servir des produits bio et locaux dans les cantines scolaires.",
        "Les cantines scolaires doivent acheter aux maraîchers locaux.",
        "Une légumerie coopérative pour fournir les cantines en légumes locaux.",
        "Former les cuisiniers des cantines à cuisiner les produits bio.",
        "Réduire le gaspillage alimentaire dans les cantines scolaires.",
        "Des repas bio et locaux à la cantine, au même prix pour les familles.",
        "Contractualiser avec les maraîchers bio pour les cantines.",
        "Des légumes locaux de saison dans les repas des cantines.",
    ],
    [
        "Construire des logements sociaux pour les jeunes travailleurs.",
        "Des logements sociaux adaptés aux personnes âgées dans les bourgs.",
        "Rénover les logements vacants des centres-bourgs en logements sociaux.",
        "Un habitat partagé entre jeunes travailleurs et personnes âgées.",
        "Faciliter l'accès au logement des saisonniers.",
        "Des logements temporaires pour les jeunes en formation.",
        "Soutenir les coopératives d'habitants pour le logement abordable.",
        "Mobiliser les logements vacants pour les jeunes travailleurs.",
    ],
];

#[test]
fn a_run_never_clobbers_what_staff_changed_while_it_computed() {
    use essaim_core::domain::consultation::{create_consultation, NewConsultation};
    use essaim_core::domain::contribution::{moderate, Decision};
    use essaim_core::domain::orientation::{find_orientation, placements_of_theme};

    let db = TestDb::new();
    let mut conn = db.conn();
    let (_, _) = demo(&mut conn);
    let staff = demo_account(&mut conn, "staff");
    let input = NewConsultation {
        slug: "mobilite-cantines-logement".into(),
        title: "Trois sujets".into(),
        region: "Pays de la Loire".into(),
        description: String::new(),
        starts_on: None,
        ends_on: None,
        retention_until: None,
        ..Default::default()
    };
    let (consultation, themes) = create_consultation(&mut conn, &input, &["Vivre au pays".to_owned()]).unwrap();
    let (consultation, theme, theme_name) = (consultation.id, themes[0].id, themes[0].title.clone());
    let mut firsts = Vec::new();
    for (t, texts) in TOPIC_TEXTS.iter().enumerate() {
        for (n, text) in texts.iter().enumerate() {
            let c = record(&mut conn, contribution(consultation, theme, text).external_ref(format!("s{t}-{n}")));
            if n == 0 {
                firsts.push(c.id);
            }
        }
    }
    let three = Params { groups: Some(3), ..Params::default() };
    drafts::run_theme(&mut conn, consultation, theme, &theme_name, &three, None).unwrap();
    // The orientation of each topic, found by its first contribution.
    let placements = placements_of_theme(&mut conn, theme).unwrap();
    let orientation_of = |c: Id| placements.iter().find(|p| p.contribution_id == c).unwrap().orientation_id.unwrap();
    let (bikes, canteens, housing) = (orientation_of(firsts[0]), orientation_of(firsts[1]), orientation_of(firsts[2]));
    assert!(bikes != canteens && canteens != housing && bikes != housing, "one orientation per topic");

    // New contributions, each close to one topic.
    let mut new = |text: &str, reference: &str| {
        record(&mut conn, contribution(consultation, theme, text).external_ref(reference)).id
    };
    let moved = new("Des pistes cyclables sécurisées et des garages à vélos près du collège.", "n-moved");
    let into_merged = new("Des légumes bio et locaux des maraîchers dans les cantines scolaires.", "n-merged");
    let into_discarded = new("Des logements sociaux pour les jeunes travailleurs dans les bourgs.", "n-discarded");
    let rejected = new("Des vélos électriques et des pistes cyclables pour les salariés.", "n-rejected");
    let untouched = new("Réparer et prêter des vélos électriques, relier les pistes cyclables.", "n-untouched");

    // The run reads and computes…
    let state = drafts::read_theme(&mut conn, consultation, theme, &theme_name).unwrap();
    let plan = drafts::plan_run(&state, &Params::default()).unwrap();
    drop(state);

    // …while staff work on the theme and a moderator rejects one of the new contributions.
    let manual = drafts::add(&mut conn, consultation, theme, "Vélo et emploi", "", staff).unwrap();
    drafts::move_contribution(&mut conn, moved, manual, staff).unwrap();
    drafts::merge(&mut conn, canteens, bikes, staff).unwrap();
    drafts::discard(&mut conn, housing, staff).unwrap();
    moderate(&mut conn, rejected, Decision::Reject("Doublon d'une autre réponse.".into()), staff).unwrap();
    let housing_before =
        placements_of_theme(&mut conn, theme).unwrap().iter().filter(|p| p.orientation_id == Some(housing)).count();

    let report = drafts::store_run(&mut conn, plan, None, |_, _| Ok(())).unwrap();
    assert_eq!(report.new_contributions, 5);
    assert_eq!(
        (report.attached, report.changed_meanwhile, report.proposed, report.set_aside),
        (1, 4, 0, 0),
        "the untouched one joins the bikes; the four others changed meanwhile: {report:?}"
    );
    let after = placements_of_theme(&mut conn, theme).unwrap();
    let place = |c: Id| after.iter().find(|p| p.contribution_id == c);
    let kept = place(moved).unwrap();
    assert_eq!((kept.orientation_id, kept.placed_by), (Some(manual), PlacedBy::Staff), "staff's move kept");
    assert!(place(rejected).is_none(), "a rejected contribution is not placed");
    assert!(find_orientation(&mut conn, canteens).unwrap().is_none(), "merged away");
    assert!(after.iter().all(|p| p.orientation_id != Some(canteens)), "nothing goes into a merged-away one");
    assert!(place(into_merged).is_none(), "left for the next run, not put where it no longer fits");
    assert!(place(into_discarded).is_none(), "nothing goes into a discarded orientation");
    assert_eq!(after.iter().filter(|p| p.orientation_id == Some(housing)).count(), housing_before);
    let joined = place(untouched).unwrap();
    assert_eq!((joined.orientation_id, joined.placed_by), (Some(bikes), PlacedBy::Run));

    // The next run places what was left, and still not the rejected one.
    let report = drafts::run_theme(&mut conn, consultation, theme, &theme_name, &Params::default(), None).unwrap();
    assert_eq!((report.new_contributions, report.changed_meanwhile), (2, 0), "{report:?}");
    let view = drafts::theme_drafts(&mut conn, consultation, theme).unwrap();
    assert!(view.unplaced.is_empty());
    let after = placements_of_theme(&mut conn, theme).unwrap();
    assert!(after.iter().any(|p| p.contribution_id == into_merged && p.orientation_id == Some(bikes)));
    assert!(after.iter().any(|p| p.contribution_id == into_discarded && p.orientation_id != Some(housing)));
    assert!(after.iter().all(|p| p.contribution_id != rejected));
}

#[test]
fn a_run_proposes_titles_and_texts_people_wrote_and_staff_rewriting_ends_the_proposal() {
    let s = setup();
    let mut conn = s.db.conn();
    drafts::run_theme(&mut conn, s.consultation, s.theme, &s.theme_name, &Params::default(), None).unwrap();
    let view = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    let fold = |t: &str| t.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    let with_text: Vec<_> = view.drafts.iter().filter(|d| !d.orientation.body.is_empty()).collect();
    assert!(!with_text.is_empty(), "some orientation gets a proposed text");
    for d in &view.drafts {
        assert!(!d.orientation.title.contains(" — "), "no keyword pairs: {}", d.orientation.title);
        assert_eq!(d.orientation.body_proposed, !d.orientation.body.is_empty());
    }
    let d = with_text[0];
    let first_sentence = d.orientation.body.split_inclusive(['.', '!', '?']).next().unwrap().trim();
    let wanted = fold(first_sentence.trim_end_matches(['.', '!', '?']));
    let texts: Vec<String> = essaim_core::schema::contributions::table
        .filter(essaim_core::schema::contributions::theme_id.eq(s.theme))
        .select(essaim_core::schema::contributions::body)
        .load::<String>(&mut conn)
        .unwrap();
    assert!(texts.iter().any(|t| fold(t).contains(&wanted)), "drawn from a contribution: {first_sentence}");

    // Saving the same text keeps it marked as proposed; rewriting it ends the proposal.
    let id = d.orientation.id;
    drafts::edit(&mut conn, id, &d.orientation.title, &d.orientation.body, s.staff).unwrap();
    let again = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    assert!(again.drafts.iter().find(|x| x.orientation.id == id).unwrap().orientation.body_proposed);
    drafts::edit(&mut conn, id, &d.orientation.title, "Texte de l'équipe.", s.staff).unwrap();
    let again = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    let edited = &again.drafts.iter().find(|x| x.orientation.id == id).unwrap().orientation;
    assert!(!edited.body_proposed);
    assert_eq!(edited.body, "Texte de l'équipe.");
}
