//! CSV of every contribution with its orientation: for spreadsheets and open data.
//! Cells that a spreadsheet would run as a formula are defused
//! (`essaim_documents::spreadsheet::safe_cell`).

use std::collections::HashMap;

use essaim_documents::spreadsheet::CsvWriter;

use crate::pipeline::Item;
use crate::run::SynthesisDocument;
use crate::scrub::scrub;

/// French meaning of a not-grouped reason code.
pub fn reason_label(code: &str) -> &'static str {
    match code {
        "no_content" => "sans contenu (RAS, non, je ne sais pas…)",
        "no_shared_terms" => "aucun terme partagé avec d'autres contributions",
        "too_few" => "trop peu de contributions dans le thème",
        "not_yet_placed" => "arrivée après la dernière synthèse, pas encore placée",
        "theme_not_synthesised" => "thème pas encore synthétisé",
        "discarded" => "son orientation a été écartée par l'équipe",
        _ => "autre",
    }
}

/// The CSV text (UTF-8 with a BOM, so that spreadsheets read accents right).
pub fn contributions_csv(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = CsvWriter::new(
        Vec::new(),
        [
            "theme",
            "orientation_numero",
            "orientation_titre",
            "reference",
            "statut",
            "motif",
            "canal",
            "territoire",
            "type",
            "texte",
            "verdict_pleniere",
            "votes_confirmee",
            "votes_a_amender",
            "votes_non_confirmee",
            "amendements_retenus",
        ],
    )?;
    for theme in &document.themes {
        let items: HashMap<&str, &Item> = inputs
            .iter()
            .filter(|(t, _)| *t == theme.theme)
            .flat_map(|(_, items)| items.iter().map(|i| (i.reference.as_str(), i)))
            .collect();
        let mut rows: Vec<[String; 6]> = Vec::new();
        let mut plenary: HashMap<String, [String; 5]> = HashMap::new();
        for (n, orientation) in theme.orientations.iter().enumerate() {
            if let Some(p) = &orientation.plenary {
                plenary.insert(
                    (n + 1).to_string(),
                    [
                        p.verdict.as_deref().map(super::report::verdict_label).unwrap_or_default().to_owned(),
                        p.votes_confirmed.to_string(),
                        p.votes_to_amend.to_string(),
                        p.votes_not_confirmed.to_string(),
                        p.amendments.join(" | "),
                    ],
                );
            }
            for reference in &orientation.contributions {
                rows.push([
                    (n + 1).to_string(),
                    orientation.title.clone(),
                    reference.clone(),
                    "groupee".into(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        for left in &theme.not_grouped {
            rows.push([
                String::new(),
                String::new(),
                left.reference.clone(),
                "non_groupee".into(),
                reason_label(&left.reason).into(),
                String::new(),
            ]);
        }
        for [number, title, reference, status, reason, _] in rows {
            let item = items.get(reference.as_str());
            let [verdict, confirmed, to_amend, not_confirmed, amendments] =
                plenary.get(&number).cloned().unwrap_or_default();
            let cells = [
                theme.theme.clone(),
                number,
                title,
                reference.clone(),
                status,
                reason,
                item.map(|i| i.channel.clone()).unwrap_or_default(),
                item.and_then(|i| i.territory.clone()).unwrap_or_default(),
                item.map(|i| i.kind.clone()).unwrap_or_default(),
                item.map(|i| scrub(&i.text, &[])).unwrap_or_default(),
                verdict,
                confirmed,
                to_amend,
                not_confirmed,
                amendments,
            ];
            writer.row(cells)?;
        }
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_field_is_quoted_so_a_semicolon_cannot_start_a_cell() {
        use crate::run::{RunInfo, SynthesisDocument};
        let document = SynthesisDocument {
            run: RunInfo {
                consultation: "c".into(),
                consultation_title: "C".into(),
                software_version: "0".into(),
                input_sha256: String::new(),
                parameters: crate::pipeline::Params::default(),
                method: String::new(),
                organisers: String::new(),
            },
            themes: vec![crate::pipeline::ThemeSynthesis {
                theme: "T".into(),
                contributions: 1,
                groups: 0,
                groups_chosen_automatically: false,
                orientations: Vec::new(),
                not_grouped: vec![
                    crate::pipeline::NotGrouped { reference: "r1".into(), reason: "no_content".into() },
                    crate::pipeline::NotGrouped { reference: "r2".into(), reason: "no_content".into() },
                ],
                notes: Vec::new(),
                pending_moderation: 0,
                rejected: 0,
            }],
        };
        let item = crate::pipeline::Item {
            reference: "r1".into(),
            text: "Bonne idée;=cmd|' /C calc'!A0".into(),
            channel: "online".into(),
            territory: None,
            legal_family: None,
            kind: "proposition".into(),
        };
        // A formula behind an ideographic space and a full-width sign: defused in the export.
        let hidden =
            crate::pipeline::Item { reference: "r2".into(), text: "\u{3000}＝SOMME(A1)".into(), ..item.clone() };
        let bytes = super::contributions_csv(&document, &[("T".into(), vec![item, hidden])]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"Bonne idée;=cmd|' /C calc'!A0\""), "{text}");
        assert!(text.contains("\"'\u{3000}＝SOMME(A1)\""), "{text}");
    }
}
