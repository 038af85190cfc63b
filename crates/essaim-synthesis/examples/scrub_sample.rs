//! What the scrubber masks in a corpus: how many masks of each kind, how long the scrubbing
//! took, and every masked span with its context, to check by hand. Used by
//! `scripts/bench-scrub` (docs/benchmarks.md).
//!
//! Usage: scrub_sample TEXTS.csv[.gz] [--limit N] [--spans OUT.tsv]
//! Reads the `text` column of the first N rows (all by default). Prints
//! `texts=… masks=… names=… phones=… emails=… scrub_ms=…`; the time counts the scrubbing only,
//! not the reading. OUT.tsv gets one line per mask: row, kind, the span, the text around it.

use std::io::{BufWriter, Read, Write};
use std::time::Instant;

use essaim_synthesis::scrub::{Scrubber, EMAIL_MASK, NAME_MASK, PHONE_MASK};

/// Characters of context kept on each side of a span.
const CONTEXT: usize = 40;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: scrub_sample TEXTS.csv[.gz] [--limit N] [--spans OUT.tsv]");
        std::process::exit(2);
    };
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let limit: usize = option("--limit").map_or(usize::MAX, |n| n.parse().expect("--limit N"));
    let file = std::fs::File::open(path).expect("texts file");
    let input: Box<dyn Read> =
        if path.ends_with(".gz") { Box::new(flate2::read::GzDecoder::new(file)) } else { Box::new(file) };
    let mut reader = csv::Reader::from_reader(input);
    let column = reader.headers().expect("CSV header").iter().position(|h| h == "text").expect("a text column");
    let texts: Vec<String> = reader.records().take(limit).map(|r| r.expect("CSV record")[column].to_owned()).collect();

    let scrubber = Scrubber::default();
    let _ = scrubber.scrub("Jean Dupont"); // builds the first-name set outside the timing
    let started = Instant::now();
    let found: Vec<_> = texts.iter().map(|t| std::hint::black_box(scrubber.masked(t))).collect();
    let elapsed = started.elapsed();

    let count = |mask: &str| found.iter().flatten().filter(|(_, m)| *m == mask).count();
    println!(
        "texts={} masks={} names={} phones={} emails={} scrub_ms={:.1}",
        texts.len(),
        found.iter().map(Vec::len).sum::<usize>(),
        count(NAME_MASK),
        count(PHONE_MASK),
        count(EMAIL_MASK),
        elapsed.as_secs_f64() * 1000.0
    );
    if let Some(out) = option("--spans") {
        let mut out = BufWriter::new(std::fs::File::create(out).expect("spans file"));
        let flat = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        for (row, (text, spans)) in texts.iter().zip(&found).enumerate() {
            for (range, mask) in spans {
                let before: String =
                    text[..range.start].chars().rev().take(CONTEXT).collect::<Vec<_>>().into_iter().rev().collect();
                let after: String = text[range.end..].chars().take(CONTEXT).collect();
                let kind = match *mask {
                    NAME_MASK => "nom",
                    PHONE_MASK => "téléphone",
                    _ => "courriel",
                };
                writeln!(
                    out,
                    "{row}\t{kind}\t{}\t{}⟦{}⟧{}",
                    flat(&text[range.clone()]),
                    flat(&before),
                    flat(&text[range.clone()]),
                    flat(&after)
                )
                .expect("write spans");
            }
        }
    }
}
