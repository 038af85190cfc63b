//! A document shaped like the ones the modules write (a draft strategy: participation with
//! charts and their tables, five themes, two annexes), for the renderers' tests.

#![allow(dead_code)]

use essaim_documents::{Block, Document};

/// The sample; `poison` becomes the first orientation's title (hostile text).
pub fn sample(poison: Option<&str>) -> Document {
    let title = "Projet de stratégie — Stratégie régionale de l'ESS".to_owned();
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Paragraph("Synthèse des contributions, pour la revue en plénière.".into()),
        Block::Heading { level: 1, text: "Participation".into() },
        Block::Paragraph("10\u{202f}517 contributions lues.".into()),
    ];
    for (caption, column, bars) in [
        ("Contributions par canal", "Canal", vec![("Questionnaire".to_owned(), 9_000), ("Atelier".to_owned(), 1_517)]),
        (
            "Contributions par département",
            "Département",
            (1..=30).map(|n| (format!("Département ({n:02})"), 400 - n)).collect(),
        ),
        ("Contributions par famille juridique", "Famille juridique", vec![("Association".to_owned(), 10_517)]),
    ] {
        blocks.push(Block::Chart { title: caption.into(), bars: bars.clone() });
        blocks.push(Block::Table {
            name: caption.into(),
            header: vec![column.into(), "Contributions".into()],
            rows: bars.iter().map(|(l, n)| vec![l.clone(), essaim_documents::numbers::number(*n)]).collect(),
        });
    }
    for t in 1..=5 {
        blocks.push(Block::Heading { level: 1, text: format!("Thème {t} — Acteurs de l'ESS et territoires") });
        blocks.push(Block::Paragraph(format!("{t}0 contributions, 2 orientation(s) proposée(s), 1 non groupée(s).")));
        for o in 1..=2 {
            let name = match (t, o, poison) {
                (1, 1, Some(poison)) => poison.to_owned(),
                _ => "Développer les coopérations".to_owned(),
            };
            blocks.push(Block::Heading { level: 2, text: format!("Orientation {t}.{o} — {name}") });
            blocks.push(Block::Paragraph("Mots-clés : coopération, territoire, emploi".into()));
            blocks.push(Block::List(vec![
                "12 contribution(s), 10 voix distincte(s)".into(),
                "Canaux : Questionnaire 10, Atelier 2".into(),
            ]));
            blocks.push(Block::Quote(format!("« Il faut coopérer davantage entre structures. » (réf. demo-{t}{o})")));
        }
    }
    blocks.push(Block::Heading { level: 1, text: "Annexe 1 — Méthode".into() });
    blocks.push(Block::Table {
        name: "Paramètres".into(),
        header: vec!["Paramètre".into(), "Valeur".into()],
        rows: vec![
            vec!["Graine".into(), "42".into()],
            vec!["Empreinte SHA-256 des contributions lues".into(), "ab".repeat(32)],
        ],
    });
    blocks.push(Block::Heading { level: 1, text: "Annexe 2 — Traçabilité".into() });
    blocks.push(Block::Heading { level: 2, text: "Thème 1 — Acteurs de l'ESS et territoires".into() });
    blocks.push(Block::List(vec!["Orientation 1.1 : demo-001, demo-002".into()]));
    Document { title, language: "fr-FR".into(), blocks }
}
