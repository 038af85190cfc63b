//! Draft orientations that staff edit, on the backend named by `ESSAIM_TEST_DATABASE_URL`.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::Id;
use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::contribution::insert_contribution;
use essaim_core::domain::{
    find_account_by_email, AuthorKind, Channel, Contribution, ContributionKind, ModerationStatus,
};
use essaim_core::schema::audit_log;
use essaim_core::testing::TestDb;
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
    seed_demo(&mut db.conn()).unwrap();
    let mut conn = db.conn();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let themes = themes_of(&mut conn, consultation.id).unwrap();
    let staff = find_account_by_email(&mut conn, "equipe@demo.essaim.fr").unwrap().unwrap().id;
    drop(conn);
    Setup {
        db,
        consultation: consultation.id,
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
    let c = Contribution {
        id: Id::new(),
        consultation_id: s.consultation,
        theme_id: Some(s.theme),
        kind: ContributionKind::Proposition,
        channel: Channel::Online,
        body: text.into(),
        author_kind: AuthorKind::Anonymous,
        organisation_id: None,
        author_name: None,
        territory_id: None,
        logged_by: None,
        created_at: now(),
        moderation_status: ModerationStatus::Published,
        external_ref: Some(reference.into()),
        idempotency_key: None,
    };
    insert_contribution(&mut s.db.conn(), &c).unwrap();
    c.id
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
    assert_eq!(find(manual).unwrap().members[0].placed_by, "staff");
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
    drafts::discard(&mut conn, a.orientation.id, s.staff).unwrap();
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
