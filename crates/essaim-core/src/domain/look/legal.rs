//! The three legal pages every footer links: *mentions légales*, *données personnelles*,
//! *déclaration d'accessibilité*. Each consultation has its own, and the installation has its
//! own for the pages outside any consultation (home, login, administration). A page nobody
//! wrote shows its default text, filled with the consultation's values.
//!
//! A page is plain text with three marks, so staff need no HTML and nothing they write can
//! become markup: a line `## Titre` (or `### Titre`) is a heading, lines `- …` a list, a blank
//! line ends a paragraph, and an address starting `https://`, `http://` or `mailto:` is a link.
//! [`blocks`] reads it; the server's template escapes every piece.

use crate::domain::consultation::Consultation;

/// Longest legal page, in characters.
pub const MAX_PAGE_CHARS: usize = 40_000;

/// One of the three legal pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LegalKind {
    /// *Mentions légales* (LCEN, article 6).
    MentionsLegales,
    /// *Données personnelles* (RGPD, articles 13 and 14).
    DonneesPersonnelles,
    /// *Déclaration d'accessibilité* (RGAA 4.1's model).
    Accessibilite,
}

impl LegalKind {
    /// The three, in the footer's order.
    pub const ALL: [LegalKind; 3] =
        [LegalKind::MentionsLegales, LegalKind::DonneesPersonnelles, LegalKind::Accessibilite];

    /// Its address segment and stored code: `mentions-legales`, `donnees-personnelles`,
    /// `accessibilite`.
    pub fn slug(self) -> &'static str {
        match self {
            LegalKind::MentionsLegales => "mentions-legales",
            LegalKind::DonneesPersonnelles => "donnees-personnelles",
            LegalKind::Accessibilite => "accessibilite",
        }
    }

    /// The kind an address segment names.
    pub fn from_slug(slug: &str) -> Option<LegalKind> {
        LegalKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// Its name in the footer.
    pub fn footer_label(self) -> &'static str {
        match self {
            LegalKind::MentionsLegales => "Mentions légales",
            LegalKind::DonneesPersonnelles => "Données personnelles",
            LegalKind::Accessibilite => "Accessibilité",
        }
    }

    /// The page's heading.
    pub fn heading(self) -> &'static str {
        match self {
            LegalKind::MentionsLegales => "Mentions légales",
            LegalKind::DonneesPersonnelles => "Données personnelles",
            LegalKind::Accessibilite => "Déclaration d'accessibilité",
        }
    }
}

/// Checks a page's text before it is kept; returns it with its line ends made `\n`.
pub fn check_page(kind: LegalKind, raw: &str) -> Result<String, String> {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.is_empty() {
        return Err(format!(
            "Texte de la page « {} » : il est vide ; pour revenir au texte par défaut, utilisez « Revenir au texte par défaut ».",
            kind.heading()
        ));
    }
    if text.chars().count() > MAX_PAGE_CHARS {
        return Err(format!("Texte de la page « {} » : {MAX_PAGE_CHARS} caractères au plus.", kind.heading()));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(format!("Texte de la page « {} » : il contient des caractères de contrôle.", kind.heading()));
    }
    Ok(text.to_owned())
}

/// A piece of a line: text, or a link whose address is its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// What is shown.
    pub text: String,
    /// Where it leads (`https://`, `http://` or `mailto:` only).
    pub href: Option<String>,
}

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `## …`
    Heading2,
    /// `### …`
    Heading3,
    /// Lines that follow one another.
    Paragraph,
    /// Lines `- …`.
    List,
}

/// A block of a page: a heading and a paragraph have one line, a list one line an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Heading, paragraph or list.
    pub kind: BlockKind,
    /// Its lines.
    pub lines: Vec<Vec<Span>>,
}

impl Block {
    /// The HTML element it is shown as: `h2`, `h3`, `p`, `ul`.
    pub fn tag(&self) -> &'static str {
        match self.kind {
            BlockKind::Heading2 => "h2",
            BlockKind::Heading3 => "h3",
            BlockKind::Paragraph => "p",
            BlockKind::List => "ul",
        }
    }
}

/// Reads a page's text as blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block { kind: BlockKind::Paragraph, lines: vec![spans(&paragraph.join(" "))] });
            paragraph.clear();
        }
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut paragraph, &mut out);
        } else if let Some(title) = line.strip_prefix("### ") {
            flush(&mut paragraph, &mut out);
            out.push(Block { kind: BlockKind::Heading3, lines: vec![spans(title.trim())] });
        } else if let Some(title) = line.strip_prefix("## ") {
            flush(&mut paragraph, &mut out);
            out.push(Block { kind: BlockKind::Heading2, lines: vec![spans(title.trim())] });
        } else if let Some(item) = line.strip_prefix("- ") {
            flush(&mut paragraph, &mut out);
            match out.last_mut() {
                Some(list) if list.kind == BlockKind::List => list.lines.push(spans(item.trim())),
                _ => out.push(Block { kind: BlockKind::List, lines: vec![spans(item.trim())] }),
            }
        } else {
            if out.last().is_some_and(|b| b.kind == BlockKind::List) && paragraph.is_empty() {
                // A line right after a list item continues it.
                if let Some(last) = out.last_mut().and_then(|l| l.lines.last_mut()) {
                    last.push(Span { text: " ".into(), href: None });
                    last.extend(spans(line));
                    continue;
                }
            }
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

/// A line cut into text and links.
fn spans(line: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut text = String::new();
    for (index, word) in line.split(' ').enumerate() {
        if index > 0 {
            text.push(' ');
        }
        let lower = word.to_ascii_lowercase();
        let is_link = ["https://", "http://", "mailto:"].iter().any(|p| lower.starts_with(p) && word.len() > p.len());
        if !is_link {
            text.push_str(word);
            continue;
        }
        let address = word.trim_end_matches(['.', ',', ';', ':', ')', '»', '!', '?']);
        let rest = &word[address.len()..];
        if !text.is_empty() {
            out.push(Span { text: std::mem::take(&mut text), href: None });
        }
        let shown = address.strip_prefix("mailto:").unwrap_or(address);
        out.push(Span { text: shown.to_owned(), href: Some(address.to_owned()) });
        text.push_str(rest);
    }
    if !text.is_empty() {
        out.push(Span { text, href: None });
    }
    out
}

use crate::clock::french_date;

/// The default text of a page: a consultation's, or the installation's (`None`).
pub fn default_page(kind: LegalKind, consultation: Option<&Consultation>) -> String {
    let who = match consultation {
        Some(c) if !c.organisers.trim().is_empty() => c.organisers.trim().to_owned(),
        Some(c) if !c.region.trim().is_empty() => format!("la Région {}", c.region.trim()),
        Some(_) => "les organisateurs de la consultation".to_owned(),
        None => "l'organisme qui exploite cette plateforme (à compléter)".to_owned(),
    };
    let site = match consultation {
        Some(c) => format!("le site de la consultation « {} »", c.title.trim()),
        None => "cette plateforme de consultation".to_owned(),
    };
    let retention = match consultation.and_then(|c| c.retention_until) {
        Some(date) => format!(
            "Les données personnelles sont conservées jusqu'au {}, puis effacées.",
            french_date(date)
        ),
        None => "Les données personnelles sont conservées le temps de la consultation et de l'élaboration de la stratégie, puis effacées ; la date d'effacement est à compléter.".to_owned(),
    };
    match kind {
        LegalKind::MentionsLegales => format!(
            "\
## Éditeur

Ce site est {site}, édité par {who}.

Adresse postale, téléphone et adresse électronique de contact : à compléter.

## Direction de la publication

À compléter : la personne qui répond de ce qui est publié, et sa fonction.

## Hébergement

À compléter : nom ou raison sociale, adresse et téléphone de l'hébergeur.

## Contributions

Les contributions publiées restent celles de leurs auteurs ; elles sont lues avant d'être publiées, et celles qui ne respectent pas la loi ou les personnes ne le sont pas.

## Données personnelles et accessibilité

Le traitement des données personnelles est décrit sur la page « Données personnelles », l'accessibilité du site sur la page « Accessibilité ».

## Logiciel

Ce site fonctionne avec Essaim, plateforme de consultation pour les stratégies régionales de l'économie sociale et solidaire."
        ),
        LegalKind::DonneesPersonnelles => format!(
            "\
## Responsable du traitement

Le responsable du traitement des données personnelles recueillies par {site} est {who}.

## Base légale

Le traitement est nécessaire à l'exécution d'une mission d'intérêt public (article 6.1.e du règlement général sur la protection des données, RGPD) : l'élaboration de la stratégie régionale de l'économie sociale et solidaire que prévoit l'article 7 de la loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire.

## Finalités

- recueillir les contributions, les réponses au questionnaire et les idées des ateliers, des stands et de la plénière ;
- vous envoyer les courriels que vous demandez (confirmation, lien pour reprendre le questionnaire, suivi de vos contributions) ;
- établir la synthèse et le projet de stratégie, dont les citations sont publiées sans nom, adresse ni téléphone ;
- protéger le site contre les abus (les compteurs ne gardent pas votre adresse IP, seulement un pseudonyme).

## Données recueillies

Votre nom ou celui de votre structure, votre adresse électronique si vous la donnez, votre territoire, la famille juridique de votre structure, le texte de vos contributions et vos réponses. Le site dépose seulement les cookies nécessaires à son fonctionnement (session et protection des formulaires), aucun cookie de mesure d'audience ni de publicité.

## Destinataires

Les équipes de {who} chargées de la consultation, et l'hébergeur du site, qui agit pour leur compte.

## Durée de conservation

{retention}

## Vos droits

Vous pouvez accéder aux données qui vous concernent, les faire rectifier ou effacer, vous opposer à leur traitement et en demander la limitation (articles 15 à 21 du RGPD).

## Contact

Pour exercer ces droits ou pour toute question sur vos données : à compléter (adresse électronique ou postale du délégué à la protection des données de {who}).

## Réclamation auprès de la CNIL

Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de l'informatique et des libertés (CNIL) : https://www.cnil.fr/fr/plaintes"
        ),
        LegalKind::Accessibilite => format!(
            "\
{who} s'engage à rendre ses sites internet accessibles conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.

Cette déclaration d'accessibilité s'applique à {site}.

## État de conformité

Ce site est non conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1 : il n'a pas encore été audité. Il a été conçu pour respecter le RGAA 4.1 et les critères de niveau AA des WCAG 2.1, et vérifié par des tests automatiques.

## Résultats des tests

À compléter après l'audit : le taux de critères respectés, et qui a réalisé l'audit.

## Contenus non accessibles

### Non-conformités

À compléter après l'audit.

### Dérogations pour charge disproportionnée

Aucune.

### Contenus non soumis à l'obligation d'accessibilité

Aucun.

## Établissement de cette déclaration d'accessibilité

Cette déclaration a été établie le : à compléter (date).

### Technologies utilisées pour la réalisation du site

- HTML5
- CSS
- JavaScript (pour quelques compléments seulement : chaque formulaire fonctionne sans)

## Retour d'information et contact

Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter {who} pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme : à compléter (adresse électronique, formulaire ou adresse postale).

## Voies de recours

Cette procédure est à utiliser dans le cas suivant : vous avez signalé au responsable du site un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un des services, et vous n'avez pas obtenu de réponse satisfaisante.

- Écrire un message au Défenseur des droits : https://formulaire.defenseurdesdroits.fr/
- Contacter le délégué du Défenseur des droits dans votre région : https://www.defenseurdesdroits.fr/saisir/delegues
- Envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(text: &str) -> Vec<String> {
        blocks(text)
            .into_iter()
            .filter(|b| matches!(b.kind, BlockKind::Heading2 | BlockKind::Heading3))
            .map(|b| b.lines[0].iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn the_default_pages_have_the_required_parts() {
        let personal = default_page(LegalKind::DonneesPersonnelles, None);
        for heading in
            ["Responsable du traitement", "Base légale", "Finalités", "Durée de conservation", "Vos droits", "Contact"]
        {
            assert!(headings(&personal).iter().any(|h| h == heading), "{heading}");
        }
        assert!(personal.contains("loi n° 2014-856 du 31 juillet 2014"));
        assert!(personal.contains("6.1.e"));
        for right in ["accéder", "rectifier", "effacer", "vous opposer", "limitation"] {
            assert!(personal.contains(right), "{right}");
        }
        assert!(personal.contains("CNIL"));
        let accessibility = default_page(LegalKind::Accessibilite, None);
        for heading in [
            "État de conformité",
            "Contenus non accessibles",
            "Établissement de cette déclaration d'accessibilité",
            "Retour d'information et contact",
            "Voies de recours",
        ] {
            assert!(headings(&accessibility).iter().any(|h| h == heading), "{heading}");
        }
        assert!(accessibility.contains("RGAA), version 4.1"));
        assert!(accessibility.contains("Défenseur des droits"));
        let legal = default_page(LegalKind::MentionsLegales, None);
        for heading in ["Éditeur", "Direction de la publication", "Hébergement"] {
            assert!(headings(&legal).iter().any(|h| h == heading), "{heading}");
        }
        for kind in LegalKind::ALL {
            assert!(check_page(kind, &default_page(kind, None)).is_ok());
        }
    }

    #[test]
    fn the_text_reads_as_headings_paragraphs_lists_and_links() {
        let read = blocks("## Titre\nune ligne\nsuite <b>\n\n- un\n- deux https://cnil.fr/x.\n  suite\n\n### Petit\nmailto:dpo@region.fr");
        assert_eq!(read.iter().map(Block::tag).collect::<Vec<_>>(), ["h2", "p", "ul", "h3", "p"]);
        assert_eq!(read[1].lines[0], vec![Span { text: "une ligne suite <b>".into(), href: None }]);
        assert_eq!(read[2].lines.len(), 2);
        assert_eq!(
            read[2].lines[1][1],
            Span { text: "https://cnil.fr/x".into(), href: Some("https://cnil.fr/x".into()) }
        );
        assert_eq!(
            read[2].lines[1].iter().map(|s| s.text.as_str()).collect::<String>(),
            "deux https://cnil.fr/x. suite"
        );
        assert_eq!(read[4].lines[0][0].href.as_deref(), Some("mailto:dpo@region.fr"));
        assert_eq!(read[4].lines[0][0].text, "dpo@region.fr");
        assert!(blocks("javascript:alert(1) https:").iter().all(|b| b
            .lines
            .iter()
            .flatten()
            .all(|s| s.href.is_none())));
    }

    #[test]
    fn a_page_is_checked() {
        assert!(check_page(LegalKind::MentionsLegales, " \n ").unwrap_err().contains("vide"));
        assert!(check_page(LegalKind::MentionsLegales, &"a".repeat(MAX_PAGE_CHARS + 1)).is_err());
        assert_eq!(check_page(LegalKind::MentionsLegales, "a\r\nb\r\n").unwrap(), "a\nb");
        assert_eq!(LegalKind::from_slug("accessibilite"), Some(LegalKind::Accessibilite));
        assert_eq!(LegalKind::from_slug("autre"), None);
    }
}
