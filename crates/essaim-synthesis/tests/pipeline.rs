//! The synthesis of a theme, without a database.

use essaim_synthesis::pipeline::{synthesize_theme, Item, Params, SynthesisError};

fn item(reference: &str, text: &str, channel: &str, territory: Option<&str>) -> Item {
    Item {
        reference: reference.into(),
        text: text.into(),
        channel: channel.into(),
        territory: territory.map(str::to_owned),
        legal_family: None,
        kind: "proposition".into(),
    }
}

fn corpus() -> Vec<Item> {
    let transport = [
        "Développer les transports en commun dans les zones rurales",
        "Des transports en commun gratuits pour les jeunes",
        "Plus de bus et de trains régionaux, des transports en commun fréquents",
        "Les transports en commun doivent desservir les petites communes",
        "Financer les transports en commun plutôt que les routes",
    ];
    let employment = [
        "Créer des groupements d'employeurs entre associations pour l'emploi",
        "Soutenir l'emploi associatif par des aides au poste",
        "L'emploi dans les structures d'insertion doit être pérennisé",
        "Former les salariés et sécuriser l'emploi des associations",
        "Des contrats aidés pour l'emploi dans l'ESS",
    ];
    let mut items = Vec::new();
    for (i, t) in transport.iter().enumerate() {
        items.push(item(&format!("t{i}"), t, "questionnaire", Some(if i % 2 == 0 { "44" } else { "49" })));
    }
    for (i, t) in employment.iter().enumerate() {
        items.push(item(&format!("e{i}"), t, if i % 2 == 0 { "launch_workshop" } else { "treasure_hunt" }, Some("72")));
    }
    items.push(item("x1", "RAS", "questionnaire", None));
    items.push(item("x2", "Je ne sais pas.", "questionnaire", None));
    items.push(item("d1", "Des transports en commun gratuits pour les jeunes !", "online", Some("85")));
    items.push(item("z1", "Zygomatique", "online", None));
    items
}

#[test]
fn two_clear_themes_make_two_orientations_with_traceable_support() {
    let params = Params { groups: Some(2), ..Params::default() };
    let result = synthesize_theme("Test", &corpus(), &params, &[]).unwrap();
    assert_eq!(result.orientations.len(), 2);
    let transport = result.orientations.iter().find(|o| o.contributions.contains(&"t0".to_owned())).unwrap();
    for r in ["t1", "t2", "t3", "t4", "d1"] {
        assert!(transport.contributions.contains(&r.to_owned()), "{r} with the transport group");
    }
    assert!(transport.key_phrases.iter().any(|p| p.contains("transports en commun")), "{:?}", transport.key_phrases);
    assert_eq!(transport.duplicate_groups, [vec!["d1".to_owned(), "t1".to_owned()]]);
    assert_eq!(transport.support.total, 6);
    assert_eq!(transport.support.distinct, 5);
    assert_eq!(transport.support.by_channel["online"], 1);
    assert!((3..=5).contains(&transport.quotes.len()));
    let employment = result.orientations.iter().find(|o| o.contributions.contains(&"e0".to_owned())).unwrap();
    assert_eq!(employment.support.by_territory["72"], 5);
    // Every contribution is in exactly one orientation or not grouped.
    let mut seen: Vec<String> = result.orientations.iter().flat_map(|o| o.contributions.clone()).collect();
    seen.extend(result.not_grouped.iter().map(|n| n.reference.clone()));
    seen.sort();
    let mut all: Vec<String> = corpus().into_iter().map(|i| i.reference).collect();
    all.sort();
    assert_eq!(seen, all);
    let reasons: Vec<(&str, &str)> =
        result.not_grouped.iter().map(|n| (n.reference.as_str(), n.reason.as_str())).collect();
    assert_eq!(reasons, [("x1", "no_content"), ("x2", "no_content"), ("z1", "no_shared_terms")]);
}

#[test]
fn the_same_input_in_any_order_gives_the_same_output() {
    let params = Params::default();
    let a = synthesize_theme("Test", &corpus(), &params, &[]).unwrap();
    let mut shuffled = corpus();
    shuffled.reverse();
    let b = synthesize_theme("Test", &shuffled, &params, &[]).unwrap();
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert!(a.groups_chosen_automatically);
    assert!((2..=12).contains(&a.groups));
}

#[test]
fn too_few_contributions_and_too_many_groups_are_explained() {
    let one = vec![item("a", "Développer les transports en commun", "online", None)];
    let result = synthesize_theme("Seul", &one, &Params::default(), &[]).unwrap();
    assert!(result.orientations.is_empty());
    assert_eq!(result.not_grouped[0].reason, "too_few");
    assert!(result.notes[0].contains("au moins deux"));

    let none = synthesize_theme("Vide", &[], &Params::default(), &[]).unwrap();
    assert!(none.notes[0].contains("aucune contribution"));

    let empty_only = vec![item("a", "RAS", "online", None), item("b", "non", "online", None)];
    let result = synthesize_theme("Rien", &empty_only, &Params::default(), &[]).unwrap();
    assert!(result.orientations.is_empty());
    assert!(result.not_grouped.iter().all(|n| n.reason == "no_content"));
    assert!(!result.notes.is_empty());

    let err = synthesize_theme("Test", &corpus(), &Params { groups: Some(50), ..Params::default() }, &[]).unwrap_err();
    assert!(matches!(err, SynthesisError::TooManyGroups { available: 10, .. }), "{err:?}");
    assert!(err.to_string().contains("--groups 10 au plus"));
}

#[test]
fn quotes_are_scrubbed_of_personal_data() {
    let mut items = corpus();
    items[0].text = "Développer les transports en commun, écrivez-moi à claire@exemple.fr".into();
    let result = synthesize_theme("Test", &items, &Params { groups: Some(2), ..Params::default() }, &[]).unwrap();
    let all_quotes: Vec<&str> =
        result.orientations.iter().flat_map(|o| o.quotes.iter().map(|q| q.text.as_str())).collect();
    assert!(all_quotes.iter().all(|q| !q.contains("claire@exemple.fr")));
}

#[test]
fn a_campaign_of_copies_with_words_nobody_else_uses_is_an_orientation_not_set_aside() {
    // 30 people paste the same text, whose words no other contribution uses: one voice in the
    // grouping, but its terms are written by 30 contributions and must count.
    let mut items = corpus();
    for n in 0..30 {
        items.push(item(&format!("c{n:02}"), "Moratoire sur les méthaniseurs agricoles géants", "online", None));
    }
    let result = synthesize_theme("Thème", &items, &Params::default(), &[]).unwrap();
    let campaign = result
        .orientations
        .iter()
        .find(|o| o.contributions.contains(&"c00".to_owned()))
        .unwrap_or_else(|| panic!("campaign set aside: {:?}", &result.not_grouped));
    assert_eq!(campaign.contributions.iter().filter(|r| r.starts_with('c')).count(), 30);
    assert_eq!(campaign.support.total, 30);
    assert_eq!(campaign.support.distinct, 1);
}
