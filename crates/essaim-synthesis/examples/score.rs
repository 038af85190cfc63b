//! Quality of a synthesis against known labels: NMI and ARI between the orientations of each
//! theme and the `question_id` of `labelled_dev.csv`. Used by `scripts/bench-synthesis`.
//!
//! Usage: score LABELS.csv SYNTHESIS.json [SYNTHESIS.json …]
//! Contributions left "not grouped" form one extra group per theme. Prints, per theme and in
//! all, `nmi=… ari=…`: the mean over themes, and the pooled score (labels made distinct per
//! theme). Then the readability of what is proposed (checked here, apart from the pipeline's
//! own code): the share of orientations whose title is found word for word in one of their
//! contributions (case, accents and spacing aside) with 2 to 14 words and no "a — b" pair;
//! the share whose text has 2 to 4 sentences each found in one of their contributions; the
//! pairs of titles alike within a theme (same words, or four fifths of them shared).
//! `score --stances LABELS.csv SYNTHESIS.json…` reads labels `object/side` instead and prints
//! how often opposite stances on one object share a group.

use std::collections::{BTreeMap, HashMap};

use essaim_synthesis::cluster::metrics::{ari, nmi};
use essaim_synthesis::run::SynthesisDocument;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: score LABELS.csv SYNTHESIS.json [SYNTHESIS.json …]");
        std::process::exit(2);
    }
    if args[0] == "--stances" {
        return stances::report(&args[1], &args[2..]);
    }
    let mut reader = csv::Reader::from_path(&args[0]).expect("labels CSV");
    let mut truth: HashMap<String, (String, String)> = HashMap::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    for record in reader.records() {
        let record = record.expect("CSV record");
        truth.insert(record[0].to_owned(), (record[1].to_owned(), record[2].to_owned()));
        texts.insert(record[0].to_owned(), readability::comparable(&record[3]));
    }
    let mut readable = readability::Tally::default();
    let mut per_theme: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for path in &args[1..] {
        let text = std::fs::read_to_string(path).expect("synthesis.json");
        let document: SynthesisDocument = serde_json::from_str(&text).expect("synthesis.json schema");
        for theme in &document.themes {
            readable.add(theme, &texts);
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
    println!("{}", readable.line());
}

mod readability {
    use std::collections::{HashMap, HashSet};

    use essaim_synthesis::pipeline::ThemeSynthesis;
    use essaim_synthesis::text::fold_accents;

    /// Folded, lowercase, spaces collapsed.
    pub fn comparable(text: &str) -> String {
        fold_accents(&text.to_lowercase()).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn words(text: &str) -> HashSet<String> {
        comparable(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
    }

    fn found(piece: &str, references: &[String], texts: &HashMap<String, String>) -> bool {
        let piece = comparable(piece);
        !piece.is_empty() && references.iter().any(|r| texts.get(r).is_some_and(|t| t.contains(&piece)))
    }

    #[derive(Default)]
    pub struct Tally {
        orientations: usize,
        titles: usize,
        texts: usize,
        alike: usize,
    }

    impl Tally {
        pub fn add(&mut self, theme: &ThemeSynthesis, texts: &HashMap<String, String>) {
            for o in &theme.orientations {
                self.orientations += 1;
                let n = o.title.split_whitespace().count();
                if (2..=14).contains(&n) && !o.title.contains(" — ") && found(&o.title, &o.contributions, texts) {
                    self.titles += 1;
                }
                let sentences: Vec<&str> = o
                    .text
                    .split_inclusive(['.', '!', '?', '…'])
                    .map(str::trim)
                    // "!." or "..." close one sentence, not three.
                    .filter(|s| s.chars().any(char::is_alphanumeric))
                    .collect();
                if (2..=4).contains(&sentences.len())
                    && sentences
                        .iter()
                        .all(|s| found(s.trim_end_matches(['.', '!', '?', '…']), &o.contributions, texts))
                {
                    self.texts += 1;
                }
            }
            let titles: Vec<HashSet<String>> = theme.orientations.iter().map(|o| words(&o.title)).collect();
            for (i, a) in titles.iter().enumerate() {
                for b in &titles[i + 1..] {
                    let shared = a.intersection(b).count();
                    if a == b || shared * 5 >= 4 * a.len().max(b.len()) {
                        self.alike += 1;
                    }
                }
            }
        }

        pub fn line(&self) -> String {
            let share = |n: usize| n as f64 / self.orientations.max(1) as f64;
            format!(
                "orientations={} readable_titles={:.4} extractive_texts={:.4} alike_title_pairs={}",
                self.orientations,
                share(self.titles),
                share(self.texts),
                self.alike
            )
        }
    }
}

mod stances {
    use std::collections::HashMap;

    use essaim_synthesis::run::SynthesisDocument;

    /// Labels `object/side`: of the pairs of contributions on one object and opposite sides,
    /// the share placed in one group (lower is better; 1/K by chance); and of the groups
    /// holding both sides of an object (each at least 20 % and 3), the share that say so.
    pub fn report(labels: &str, paths: &[String]) {
        let mut reader = csv::Reader::from_path(labels).expect("stance labels CSV");
        let mut label: HashMap<String, (String, String)> = HashMap::new();
        for record in reader.records() {
            let record = record.expect("CSV record");
            let (object, side) = record[2].split_once('/').expect("object/side");
            label.insert(record[0].to_owned(), (object.to_owned(), side.to_owned()));
        }
        // object → side → group → count
        let mut placed: HashMap<String, HashMap<String, HashMap<String, usize>>> = HashMap::new();
        let (mut mixed, mut flagged) = (0, 0);
        for path in paths {
            let document: SynthesisDocument =
                serde_json::from_str(&std::fs::read_to_string(path).expect("synthesis.json")).expect("schema");
            for theme in &document.themes {
                for (n, o) in theme.orientations.iter().enumerate() {
                    let group = format!("{}/{n}", theme.theme);
                    let mut here: HashMap<&str, [usize; 2]> = HashMap::new();
                    for reference in &o.contributions {
                        if let Some((object, side)) = label.get(reference) {
                            *placed
                                .entry(object.clone())
                                .or_default()
                                .entry(side.clone())
                                .or_default()
                                .entry(group.clone())
                                .or_insert(0) += 1;
                            let sides = here.entry(object).or_default();
                            sides[usize::from(side != "a")] += 1;
                        }
                    }
                    if here.values().any(|[a, b]| a.min(b) >= &3 && (*a.min(b) as f64) >= 0.2 * (a + b) as f64) {
                        mixed += 1;
                        if o.stances.is_some() {
                            flagged += 1;
                        }
                    }
                }
            }
        }
        let (mut together, mut pairs) = (0usize, 0usize);
        for sides in placed.values() {
            let (Some(a), Some(b)) = (sides.get("a"), sides.get("b")) else { continue };
            let (na, nb): (usize, usize) = (a.values().sum(), b.values().sum());
            pairs += na * nb;
            together += a.iter().map(|(g, n)| n * b.get(g).copied().unwrap_or(0)).sum::<usize>();
        }
        println!(
            "stance_pairs={pairs} stance_mixing={:.4} mixed_groups={mixed} mixed_groups_flagged={flagged}",
            together as f64 / pairs.max(1) as f64
        );
    }
}
