//! Moderation decides what is read: a contribution waiting for a moderator, or rejected, is
//! neither read by a run, nor placed, nor counted in any export; the themes say how many were
//! left out; once accepted, the next run places it. On the backend of `ESSAIM_TEST_DATABASE_URL`.

use essaim_core::db::Id;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::contribution::{moderate, moderation_counts, Decision};
use essaim_core::domain::orientation::theme_standing;
use essaim_core::domain::{Channel, ContributionKind, NewContribution, Submitter};
use essaim_core::testing::{contribution, demo, demo_account, record, TestDb};
use essaim_synthesis::drafts;
use essaim_synthesis::export::{render, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::{synthesize, SynthesisOutput};

const WAITING_REF: &str = "attente-moderation-1";
const REJECTED_REF: &str = "rejet-moderation-1";
/// Words no demo contribution uses: if they reach an export, the contribution was read.
const WAITING_TEXT: &str =
    "Créer des groupements d'employeurs entre associations pour partager des emplois qualifiés, dit Zéphyrine.";
const REJECTED_TEXT: &str = "Quasimodo ornithorynque : message publicitaire sans rapport avec l'emploi.";

const ALL_FORMATS: [Format; 7] =
    [Format::Json, Format::Csv, Format::Markdown, Format::Html, Format::Odt, Format::Docx, Format::Pdf];

struct Setup {
    db: TestDb,
    consultation: Id,
    theme: Id,
    theme_name: String,
    staff: Id,
    waiting: Id,
    rejected: Id,
    /// Accepted contributions of the theme, and of the consultation.
    accepted_theme: usize,
    accepted_all: usize,
}

fn setup() -> Setup {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let staff = demo_account(&mut conn, "staff");
    let theme = themes[2].id;
    let accepted_theme = moderation_counts(&mut conn, consultation, Some(theme)).unwrap().accepted as usize;
    let accepted_all = moderation_counts(&mut conn, consultation, None).unwrap().accepted as usize;
    // Typed on the public form by someone without an account: it waits.
    let waiting = record(
        &mut conn,
        NewContribution::new(
            consultation,
            Channel::Online,
            ContributionKind::Proposition,
            WAITING_TEXT,
            Submitter::Public,
        )
        .theme(theme)
        .external_ref(WAITING_REF),
    );
    assert_eq!(waiting.moderation_status, essaim_core::domain::ModerationStatus::Pending);
    // Imported, then rejected by a moderator.
    let rejected = record(&mut conn, contribution(consultation, theme, REJECTED_TEXT).external_ref(REJECTED_REF));
    moderate(&mut conn, rejected.id, Decision::Reject("Publicité.".into()), staff).unwrap();
    drop(conn);
    Setup {
        db,
        consultation,
        theme,
        theme_name: themes[2].title.clone(),
        staff,
        waiting: waiting.id,
        rejected: rejected.id,
        accepted_theme,
        accepted_all,
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The bytes of an export, with the XML of ODT and DOCX packages unzipped (the PDF stays as
/// it is: its text is compressed, so only the figures of the other formats are read there).
fn readable(bytes: &[u8], format: Format) -> Vec<u8> {
    use std::io::Read;
    if !matches!(format, Format::Odt | Format::Docx) {
        return bytes.to_vec();
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        if file.name().is_ok_and(|n| n.ends_with(".xml")) {
            file.read_to_end(&mut out).unwrap();
        }
    }
    out
}

/// Neither text nor reference of the two left-out contributions is in any format, and the
/// participation figures are those of the accepted contributions.
fn assert_left_out_of_every_export(s: &Setup, output: &SynthesisOutput, what: &str) {
    let read: usize = output.inputs.iter().map(|(_, items)| items.len()).sum();
    assert_eq!(read, s.accepted_all, "{what}: only accepted contributions are read");
    for format in ALL_FORMATS {
        let (name, bytes) = render(&output.document, &output.inputs, format).unwrap();
        let text = readable(&bytes, format);
        for needle in [WAITING_REF, REJECTED_REF, "Zéphyrine", "Quasimodo", "ornithorynque"] {
            assert!(!contains(&text, needle), "{what}: {needle} in {name}");
        }
        let figures = [
            // "57 contributions lues." (Markdown, HTML, ODT, DOCX: one writer of figures.)
            format!("{} contributions lues.", s.accepted_all),
            "1 en attente de modération et 1 rejetée(s) ne sont ni lues ni comptées.".to_owned(),
        ];
        match format {
            Format::Markdown | Format::Html | Format::Odt | Format::Docx => {
                for figure in &figures {
                    let escaped = figure.replace('\'', "&apos;");
                    assert!(contains(&text, figure) || contains(&text, &escaped), "{what}: « {figure} » in {name}");
                }
            }
            Format::Csv => {
                let lines = String::from_utf8(text).unwrap().lines().count();
                assert_eq!(lines, 1 + s.accepted_all, "{what}: a header and one line per accepted contribution");
            }
            Format::Json | Format::Pdf => {}
        }
    }
    let json: serde_json::Value =
        serde_json::from_slice(&render(&output.document, &output.inputs, Format::Json).unwrap().1).unwrap();
    let theme = json["themes"].as_array().unwrap().iter().find(|t| t["theme"] == s.theme_name.as_str()).unwrap();
    assert_eq!(theme["contributions"], s.accepted_theme, "{what}");
    assert_eq!(theme["pending_moderation"], 1, "{what}");
    assert_eq!(theme["rejected"], 1, "{what}");
    let traced: usize = theme["orientations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["contributions"].as_array().unwrap().len())
        .sum::<usize>()
        + theme["not_grouped"].as_array().unwrap().len();
    assert_eq!(traced, s.accepted_theme, "{what}: every accepted contribution traced once, no other");
}

#[test]
fn a_waiting_or_rejected_contribution_is_not_read_counted_or_placed_until_accepted() {
    let s = setup();
    let mut conn = s.db.conn();

    // A synthesis over the consultation.
    let output = synthesize(&mut conn, DEMO_SLUG, None, &Params::default()).unwrap();
    let theme = output.document.themes.iter().find(|t| t.theme == s.theme_name).unwrap();
    assert_eq!(theme.contributions, s.accepted_theme);
    assert_eq!((theme.pending_moderation, theme.rejected), (1, 1));
    let others: usize = output.document.themes.iter().map(|t| t.pending_moderation + t.rejected).sum();
    assert_eq!(others, 2, "the other themes have none left out");
    assert_left_out_of_every_export(&s, &output, "synthesize");

    // A stored run of the theme.
    let report =
        drafts::run_theme(&mut conn, s.consultation, s.theme, &s.theme_name, &Params::default(), Some(s.staff))
            .unwrap();
    assert_eq!(report.new_contributions, s.accepted_theme, "the run read accepted contributions only");
    let view = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    assert_eq!(view.contributions(), s.accepted_theme);
    let placed = essaim_core::domain::orientation::placements_of_theme(&mut conn, s.theme).unwrap();
    assert!(placed.iter().all(|p| p.contribution_id != s.waiting && p.contribution_id != s.rejected));
    let standing = theme_standing(&mut conn, s.theme).unwrap();
    assert_eq!(standing.contributions, s.accepted_theme as i64);
    assert_eq!(standing.unplaced, 0);
    let output = drafts::drafts_document(&mut conn, DEMO_SLUG).unwrap();
    assert_left_out_of_every_export(&s, &output, "drafts_document");

    // Accepted now: the next run reads it and places it; the rejected one still waits outside.
    moderate(&mut conn, s.waiting, Decision::Accept, s.staff).unwrap();
    let standing = theme_standing(&mut conn, s.theme).unwrap();
    assert_eq!((standing.contributions, standing.unplaced), (s.accepted_theme as i64 + 1, 1));
    let report =
        drafts::run_theme(&mut conn, s.consultation, s.theme, &s.theme_name, &Params::default(), Some(s.staff))
            .unwrap();
    assert_eq!(report.new_contributions, 1);
    // Alone among the new, it joins an orientation or is set aside (too few to group).
    assert_eq!((report.attached + report.set_aside, report.changed_meanwhile), (1, 0), "{report:?}");
    let placed = essaim_core::domain::orientation::placements_of_theme(&mut conn, s.theme).unwrap();
    assert!(placed.iter().any(|p| p.contribution_id == s.waiting), "placed once accepted");
    assert!(placed.iter().all(|p| p.contribution_id != s.rejected));
    let view = drafts::theme_drafts(&mut conn, s.consultation, s.theme).unwrap();
    assert_eq!(view.contributions(), s.accepted_theme + 1);
    assert!(view.unplaced.is_empty());
    let document = drafts::drafts_document(&mut conn, DEMO_SLUG).unwrap().document;
    let theme = document.themes.iter().find(|t| t.theme == s.theme_name).unwrap();
    assert_eq!((theme.contributions, theme.pending_moderation, theme.rejected), (s.accepted_theme + 1, 0, 1));
    let traced: bool = theme.orientations.iter().any(|o| o.contributions.iter().any(|r| r == WAITING_REF))
        || theme.not_grouped.iter().any(|n| n.reference == WAITING_REF && n.reason != "not_yet_placed");
    assert!(traced, "the accepted contribution is traced in the drafts' export");
}
