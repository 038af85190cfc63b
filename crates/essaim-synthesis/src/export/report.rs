//! The draft strategy as a reader sees it, independent of the file format: participation,
//! each theme's orientations, and the two annexes (method, traceability). Markdown, HTML and
//! the office formats are renderings of this one structure.

use std::collections::BTreeMap;

use super::csv::reason_label;
use super::labels;
use crate::pipeline::Item;
use crate::run::SynthesisDocument;

/// Counts of one facet, labelled, largest first.
pub type Facet = Vec<(String, usize)>;

/// Participation over every contribution read.
pub struct Participation {
    /// Contributions read.
    pub total: usize,
    /// By channel.
    pub by_channel: Facet,
    /// By département.
    pub by_territory: Facet,
    /// By legal family.
    pub by_legal_family: Facet,
}

fn facet(items: &[&Item], key: impl Fn(&Item) -> String, label: impl Fn(&str) -> String) -> Facet {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        *counts.entry(key(item)).or_insert(0) += 1;
    }
    super::charts::bars(&counts, label)
}

/// Participation from the contributions read.
pub fn participation(inputs: &[(String, Vec<Item>)]) -> Participation {
    let items: Vec<&Item> = inputs.iter().flat_map(|(_, items)| items.iter()).collect();
    Participation {
        total: items.len(),
        by_channel: facet(&items, |i| i.channel.clone(), labels::channel),
        by_territory: facet(
            &items,
            |i| i.territory.clone().unwrap_or_else(|| "non_renseigne".into()),
            labels::territory,
        ),
        by_legal_family: facet(
            &items,
            |i| i.legal_family.clone().unwrap_or_else(|| "non_renseigne".into()),
            labels::legal_family,
        ),
    }
}

/// One line of support figures: "12 contributions (10 voix distinctes) — canaux : …".
pub fn support_lines(support: &crate::pipeline::Support) -> Vec<String> {
    let join = |counts: &BTreeMap<String, usize>, label: &dyn Fn(&str) -> String| {
        super::charts::bars(counts, label).iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", ")
    };
    vec![
        format!(
            "{} contribution(s), {} voix distincte(s)",
            labels::number(support.total),
            labels::number(support.distinct)
        ),
        format!("Canaux : {}", join(&support.by_channel, &labels::channel)),
        format!("Territoires : {}", join(&support.by_territory, &labels::territory)),
        format!("Familles juridiques : {}", join(&support.by_legal_family, &labels::legal_family)),
        format!("Types : {}", join(&support.by_kind, &labels::kind)),
    ]
}

/// The parameters of the run, in French, for the method annex.
pub fn parameter_lines(document: &SynthesisDocument) -> Vec<(String, String)> {
    let p = &document.run.parameters;
    vec![
        (
            "Nombre de groupes par thème".into(),
            match p.groups {
                Some(k) => k.to_string(),
                None => format!("choisi automatiquement entre {} et {} (silhouette)", p.min_groups, p.max_groups),
            },
        ),
        ("Graine".into(), p.seed.to_string()),
        ("Essais de k-moyennes".into(), p.restarts.to_string()),
        ("Itérations au plus".into(), p.max_iterations.to_string()),
        ("Fréquence minimale d'un terme".into(), format!("{} contributions", p.min_df)),
        ("Fréquence maximale d'un terme".into(), format!("{} ‰ des contributions", p.max_df_per_mille)),
        ("Paires de mots".into(), if p.bigrams { "oui".into() } else { "non".into() }),
        ("Échantillon d'apprentissage".into(), format!("{} textes au plus", labels::number(p.fit_sample))),
        ("Citations par orientation".into(), format!("{} au plus", p.quotes)),
        ("Version d'Essaim".into(), document.run.software_version.clone()),
        ("Empreinte SHA-256 des contributions lues".into(), document.run.input_sha256.clone()),
    ]
}

/// "non groupée : motif" lines of a theme.
pub fn not_grouped_lines(theme: &crate::pipeline::ThemeSynthesis) -> Vec<String> {
    theme.not_grouped.iter().map(|n| format!("{} ({})", n.reference, reason_label(&n.reason))).collect()
}
