//! The opening of every strategy document (the draft and each published version): a cover
//! that says what the document is, and a short account, in plain words, of how the draft was
//! made — where the contributions came from, how they were grouped, how to trace an
//! orientation back. The technical method goes to an annex, for those who want it.

use essaim_documents::Block;

use super::labels;

/// What the cover says.
pub struct CoverLines {
    /// The document's title.
    pub title: String,
    /// The line under it.
    pub subtitle: String,
    /// Who organised the consultation (may be empty).
    pub organisers: String,
    /// « Version de travail du 7 décembre 2026 », « Version 2 publiée le … ».
    pub version: String,
}

/// The cover, then the table of contents.
pub fn opening(cover: CoverLines) -> Vec<Block> {
    let mut details = Vec::new();
    if !cover.organisers.trim().is_empty() {
        details.push(format!("Consultation organisée par {}", cover.organisers.trim()));
    }
    details.push(cover.version);
    vec![Block::Cover { title: cover.title, subtitle: cover.subtitle, details }, Block::Contents]
}

/// The figures the account gives.
pub struct AccountFigures<'a> {
    /// Contributions read, accepted by moderation.
    pub contributions: usize,
    /// Contributions by channel, labelled, largest first.
    pub by_channel: &'a [(String, usize)],
    /// Départements the contributions came from (known ones).
    pub territories: usize,
    /// Themes.
    pub themes: usize,
    /// Orientations proposed.
    pub orientations: usize,
}

/// « Comment ce projet a été construit »: a heading and a few paragraphs anyone can read.
pub fn plain_account(figures: &AccountFigures<'_>, heading: &str) -> Vec<Block> {
    let channels: Vec<String> = figures
        .by_channel
        .iter()
        .map(|(label, n)| format!("{} ({})", label.to_lowercase(), labels::number(*n)))
        .collect();
    let mut blocks = vec![Block::Heading { level: 1, text: heading.to_owned() }];
    blocks.push(Block::Paragraph(format!(
        "Ce document rassemble ce que les acteurs de l'économie sociale et solidaire ont dit pendant la consultation : {} contribution(s) acceptée(s), venues de {}{}.",
        labels::number(figures.contributions),
        match channels.len() {
            0 => "aucun canal".to_owned(),
            1 => format!("un canal : {}", channels[0]),
            n => format!("{n} canaux : {}", channels.join(", ")),
        },
        match figures.territories {
            0 => String::new(),
            1 => ", d'un département".to_owned(),
            n => format!(", de {n} départements"),
        }
    )));
    blocks.push(Block::Paragraph(format!(
        "Pour chacun des {} thèmes, les contributions qui parlent des mêmes choses, avec les mêmes mots, ont été réunies en groupes ; chaque groupe est devenu une orientation proposée ({} en tout). Une contribution envoyée plusieurs fois, ou copiée presque à l'identique, compte pour une seule voix. Le titre et le texte d'une orientation sont d'abord des phrases tirées des contributions elles-mêmes ; l'équipe les relit et les réécrit. Quand un groupe réunit des avis opposés, le document le dit, avec la part de chacun.",
        figures.themes,
        labels::number(figures.orientations)
    )));
    blocks.push(Block::Paragraph(
        "Chaque orientation indique combien de contributions la nourrissent, par canal et par territoire, et en cite quelques-unes. La liste complète des contributions de chaque orientation figure dans le tableau des contributions (CSV) et dans les données ouvertes, sous le numéro de l'orientation : on peut ainsi retrouver, pour chacune, ce qui a été dit.".into(),
    ));
    blocks.push(Block::Paragraph(
        "Seules les contributions acceptées par la modération sont lues. Le détail de la méthode (le calcul des groupes et ses réglages) est donné en annexe.".into(),
    ));
    blocks
}

/// How the room's agreement is measured (`essaim_core::domain::agreement`), for the annexes.
pub const AGREEMENT_METHOD: &str = "Accord de la salle : mesure de consensus de Tastle et Wierman (2007) sur les votes de la plénière, les trois réponses placées sur une échelle (non confirmée, à amender, confirmée) ; de 0 (salle coupée en deux aux extrêmes) à 1 (unanimité). Accord large à partir de 0,65, salle divisée à 0,35 ou moins, avis nuancés entre les deux ; rien n'est dit en dessous de 10 votes.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_gives_the_figures_in_plain_words() {
        let by_channel = vec![("Questionnaire".to_owned(), 1_200), ("Atelier".to_owned(), 35)];
        let figures = AccountFigures {
            contributions: 1_235,
            by_channel: &by_channel,
            territories: 5,
            themes: 5,
            orientations: 42,
        };
        let blocks = plain_account(&figures, "Comment ce projet a été construit");
        assert_eq!(blocks[0], Block::Heading { level: 1, text: "Comment ce projet a été construit".into() });
        let Block::Paragraph(first) = &blocks[1] else { panic!("{:?}", blocks[1]) };
        assert!(first.contains("1\u{202f}235 contribution(s)"), "{first}");
        assert!(first.contains("2 canaux : questionnaire (1\u{202f}200), atelier (35)"), "{first}");
        assert!(first.contains("de 5 départements"), "{first}");
        let text: String =
            blocks.iter().filter_map(|b| if let Block::Paragraph(p) = b { Some(p.as_str()) } else { None }).collect();
        assert!(text.contains("(42 en tout)") && text.contains("données ouvertes"));
        for jargon in ["Jaccard", "MinHash", "TF-IDF", "k-moyennes", "SHA-256"] {
            assert!(!text.contains(jargon), "{jargon} belongs in the annex");
        }
    }

    #[test]
    fn the_opening_is_a_cover_then_the_contents() {
        let blocks = opening(CoverLines {
            title: "Projet de stratégie — ESS".into(),
            subtitle: "Synthèse".into(),
            organisers: "Région et État".into(),
            version: "Version de travail du 7 décembre 2026".into(),
        });
        assert_eq!(
            blocks,
            [
                Block::Cover {
                    title: "Projet de stratégie — ESS".into(),
                    subtitle: "Synthèse".into(),
                    details: vec![
                        "Consultation organisée par Région et État".into(),
                        "Version de travail du 7 décembre 2026".into()
                    ],
                },
                Block::Contents
            ]
        );
    }
}
