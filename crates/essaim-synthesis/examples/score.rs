//! Quality of a synthesis against known labels: NMI and ARI between the orientations of each
//! theme and the `question_id` of `labelled_dev.csv`. Used by `scripts/bench-synthesis`.
//!
//! Usage: score LABELS.csv SYNTHESIS.json [SYNTHESIS.json …]
//! Contributions left "not grouped" form one extra group per theme. Prints, per theme and in
//! all, `nmi=… ari=…`: the mean over themes, and the pooled score (labels made distinct per
//! theme).

use std::collections::{BTreeMap, HashMap};

use essaim_synthesis::cluster::metrics::{ari, nmi};
use essaim_synthesis::run::SynthesisDocument;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: score LABELS.csv SYNTHESIS.json [SYNTHESIS.json …]");
        std::process::exit(2);
    }
    let mut reader = csv::Reader::from_path(&args[0]).expect("labels CSV");
    let mut truth: HashMap<String, (String, String)> = HashMap::new();
    for record in reader.records() {
        let record = record.expect("CSV record");
        truth.insert(record[0].to_owned(), (record[1].to_owned(), record[2].to_owned()));
    }
    let mut per_theme: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for path in &args[1..] {
        let text = std::fs::read_to_string(path).expect("synthesis.json");
        let document: SynthesisDocument = serde_json::from_str(&text).expect("synthesis.json schema");
        for theme in &document.themes {
            let entry = per_theme.entry(theme.theme.clone()).or_default();
            let mut add = |reference: &str, group: String| {
                if let Some((_, question)) = truth.get(reference) {
                    entry.0.push(question.clone());
                    entry.1.push(group);
                }
            };
            for (n, orientation) in theme.orientations.iter().enumerate() {
                for reference in &orientation.contributions {
                    add(reference, format!("o{n}"));
                }
            }
            for left in &theme.not_grouped {
                add(&left.reference, "not_grouped".to_owned());
            }
        }
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut id = |s: String| {
        let next = index.len();
        *index.entry(s).or_insert(next)
    };
    let (mut pooled_truth, mut pooled_groups) = (Vec::new(), Vec::new());
    let (mut sum_nmi, mut sum_ari) = (0.0, 0.0);
    for (theme, (questions, groups)) in &per_theme {
        let q: Vec<usize> = questions.iter().map(|x| id(format!("{theme}/q/{x}"))).collect();
        let g: Vec<usize> = groups.iter().map(|x| id(format!("{theme}/g/{x}"))).collect();
        let (n, a) = (nmi(&q, &g), ari(&q, &g));
        println!("theme={theme:?} n={} nmi={n:.4} ari={a:.4}", q.len());
        sum_nmi += n;
        sum_ari += a;
        pooled_truth.extend(q);
        pooled_groups.extend(g);
    }
    let themes = per_theme.len().max(1) as f64;
    println!(
        "mean_nmi={:.4} mean_ari={:.4} pooled_nmi={:.4} pooled_ari={:.4}",
        sum_nmi / themes,
        sum_ari / themes,
        nmi(&pooled_truth, &pooled_groups),
        ari(&pooled_truth, &pooled_groups)
    );
}
