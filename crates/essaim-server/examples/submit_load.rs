//! Load generator of `scripts/bench-submit`: `clients` threads, each on one keep-alive
//! connection, submit complete responses of the demo questionnaire through the API for
//! `seconds`, each with its own idempotency key. Prints one JSON line: acknowledged responses
//! (201), errors, and latency percentiles. Standard library only, so that the client costs
//! little next to the server it measures.
//!
//! `cargo run --release --example submit_load -- ADDRESSES SLUG CLIENTS SECONDS`
//! (ADDRESSES comma-separated: several `essaim serve` on one database, each client on one of
//! them in turn).

use std::time::{Duration, Instant};

#[path = "load/client.rs"]
mod client;

use client::{percentile, Client};

const ANSWERS: &str = r#"{"identite.nom":["Coopérative de charge"],"identite.famille":["cooperative"],"identite.departement":["49"],"role":["dirigeant"],"t1_relation":["3"],"t1_interlocuteurs":["region","intercommunalite"],"t1_proposition":["Associer les réseaux de l'ESS aux comités de pilotage des politiques régionales dès leur conception."],"t2_projet":["oui"],"t2_besoin":["financement"],"t2_experience":["Une SCIC de mobilité solidaire créée avec trois communes et une association d'insertion."],"t3_effectif":["2"],"t3_difficultes.recrutement":["2"],"t3_difficultes.financement":["1"],"t3_difficultes.formation":["3"],"t3_difficultes.fidelisation":["4"],"t3_proposition":["Pérenniser les postes aidés dans les structures d'utilité sociale."],"t4_cooperation":["oui"],"t4_reseaux":["cress","ptce"],"t4_constat":["Chacun répond seul aux appels à projets : la mise en concurrence freine la coopération."],"t5_visibilite":["2"],"t5_mois":["chaque_annee"],"t5_proposition":["Des interventions de structures de l'ESS dans les lycées et les CFA."],"dispositifs.dla":["utilise"],"dispositifs.dasess":["connu"],"dispositifs.fonds_conseil":["connu"],"dispositifs.innovation_sociale":["inconnu"],"dispositifs.finance_solidaire":["connu"],"dispositifs.contrat_impact":["inconnu"],"dispositifs.iae":["non_concerne"],"mot_de_la_fin":["Merci pour cette démarche."]}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage : submit_load ADRESSE SLUG CLIENTS SECONDES");
        std::process::exit(2);
    }
    let addresses: Vec<String> = args[1].split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect();
    let slug = args[2].clone();
    let clients: usize = args[3].parse().unwrap_or(64);
    let seconds: u64 = args[4].parse().unwrap_or(30);
    let path = format!("/api/v1/consultations/{slug}/questionnaire/responses");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|n| {
            let (address, path) = (addresses[n % addresses.len()].clone(), path.clone());
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut client = match Client::connect(&address) {
                    Ok(c) => c,
                    Err(_) => return (latencies, 1usize),
                };
                let mut i = 0u64;
                while Instant::now() < deadline {
                    i += 1;
                    let body = format!(r#"{{"idempotency_key":"banc-{n}-{i}","answers":{ANSWERS}}}"#);
                    let sent = Instant::now();
                    match client.send("POST", &address, &path, "", &body).map(|(status, _)| status) {
                        Ok(201) => latencies.push(sent.elapsed().as_secs_f64() * 1000.0),
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            match Client::connect(&address) {
                                Ok(c) => client = c,
                                Err(_) => break,
                            }
                        }
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in threads {
        if let Ok((latencies, e)) = t.join() {
            all.extend(latencies);
            errors += e;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    println!(
        "{{\"acknowledged\":{},\"errors\":{},\"seconds\":{:.2},\"p50_ms\":{:.1},\"p99_ms\":{:.1},\"max_ms\":{:.1}}}",
        all.len(),
        errors,
        elapsed,
        percentile(&all, 50.0),
        percentile(&all, 99.0),
        all.last().copied().unwrap_or(0.0)
    );
}
