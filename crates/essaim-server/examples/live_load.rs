//! Load generator of `scripts/bench-live`: `clients` threads, each on one keep-alive
//! connection and with its own plenary device, alternate live-capture entries (the workshop
//! capture API, with a logged-in facilitator's session) and plenary votes (the vote API, on
//! the open orientations in turn, changing choice each time) for `seconds`. One more thread
//! listens to the tally stream of a probe orientation while a probe device votes on it twice a
//! second, and times each vote until the stream shows it. Prints one JSON line: acknowledged
//! entries and votes, errors, latency percentiles, the tally expected from the acknowledged
//! votes (the last choice of each device per orientation), and the tally delays. Standard
//! library only, like `submit_load`.
//!
//! `live_load ADDRESSES CLIENTS SECONDS WORKSHOP COOKIE CSRF CODE ORIENTATIONS PROBE`
//! (ADDRESSES comma-separated: several `essaim serve` on one database, each client on one of
//! them in turn, the probe on the first; ORIENTATIONS comma-separated; COOKIE the `Cookie` header of the facilitator's session).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "load/client.rs"]
mod client;

use client::{percentile, Client};

/// A UUID (version 4 layout) from a client number and a counter: unique per entry.
fn entry_id(client: usize, n: u64, salt: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        salt as u32,
        client & 0xffff,
        (n >> 48) & 0xfff,
        (n >> 36) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

fn token_of(body: &str) -> Option<String> {
    let at = body.find("\"device_token\":\"")? + 16;
    Some(body[at..at + 32].to_owned())
}

const CHOICES: [&str; 3] = ["confirmed", "to_amend", "not_confirmed"];

#[derive(Default)]
struct Outcome {
    latencies: Vec<f64>,
    entries: usize,
    votes: usize,
    errors: usize,
    /// Refusals by request and status (`vote 500`; status 0: the connection failed).
    statuses: HashMap<String, usize>,
    /// Last acknowledged choice per orientation (index into CHOICES).
    last: HashMap<String, usize>,
}

/// Listens to the probe's tally stream and votes on it; returns the delays in ms.
fn probe(address: String, code: String, orientation: String, stop: Arc<AtomicBool>) -> Vec<f64> {
    let mut delays = Vec::new();
    let Ok(mut api) = Client::connect(&address) else { return delays };
    let Ok((201, body)) = api.send("POST", &address, &format!("/api/v1/plenaries/{code}/devices"), "", "") else {
        return delays;
    };
    let Some(token) = token_of(&body) else { return delays };
    let Ok(stream) = TcpStream::connect(&address) else { return delays };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return delays,
    };
    let _ = write!(
        writer,
        "GET /p/{code}/decompte/{orientation}/flux HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    );
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // Skip the answer's head.
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let (choice, want) = if n.is_multiple_of(2) {
            ("confirmed", "\"confirmed\":1")
        } else {
            ("not_confirmed", "\"not_confirmed\":1")
        };
        let sent = Instant::now();
        let path = format!("/api/v1/plenaries/{code}/orientations/{orientation}/vote");
        let headers = format!("X-Device-Token: {token}\r\n");
        match api.send("PUT", &address, &path, &headers, &format!("{{\"choice\":\"{choice}\"}}")) {
            Ok((200 | 201, _)) => {}
            _ => break,
        }
        // Read events until one shows this vote (chunk sizes and blank lines are skipped).
        let deadline = sent + Duration::from_secs(5);
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || Instant::now() > deadline {
                return delays;
            }
            if line.starts_with("data: ") && line.contains(want) {
                delays.push(sent.elapsed().as_secs_f64() * 1000.0);
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    delays
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 10 {
        eprintln!("usage : live_load ADRESSE CLIENTS SECONDES ATELIER COOKIE CSRF CODE ORIENTATIONS SONDE");
        std::process::exit(2);
    }
    let addresses: Vec<String> = args[1].split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect();
    let address = addresses[0].clone();
    let clients: usize = args[2].parse().unwrap_or(200);
    let seconds: u64 = args[3].parse().unwrap_or(30);
    let (workshop, cookie, csrf, code) = (args[4].clone(), args[5].clone(), args[6].clone(), args[7].clone());
    let orientations: Vec<String> = args[8].split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect();
    let probe_orientation = args[9].clone();
    let salt =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(7);
    let stop = Arc::new(AtomicBool::new(false));
    let prober = {
        let (address, code, stop) = (address.clone(), code.clone(), stop.clone());
        std::thread::spawn(move || probe(address, code, probe_orientation, stop))
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let address = addresses[c % addresses.len()].clone();
            let (workshop, cookie, csrf, code, orientations) =
                (workshop.clone(), cookie.clone(), csrf.clone(), code.clone(), orientations.clone());
            std::thread::spawn(move || {
                let mut out = Outcome::default();
                let Ok(mut client) = Client::connect(&address) else {
                    out.errors += 1;
                    return out;
                };
                let token = match client.send("POST", &address, &format!("/api/v1/plenaries/{code}/devices"), "", "") {
                    Ok((201, body)) => token_of(&body),
                    Ok((status, _)) => {
                        *out.statuses.entry(format!("device {status}")).or_default() += 1;
                        None
                    }
                    Err(_) => {
                        *out.statuses.entry("device 0".into()).or_default() += 1;
                        None
                    }
                };
                let Some(token) = token else {
                    out.errors += 1;
                    return out;
                };
                let capture_headers = format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n");
                let vote_headers = format!("X-Device-Token: {token}\r\n");
                let capture_path = format!("/api/v1/workshops/{workshop}/entries");
                let mut i = 0u64;
                while Instant::now() < deadline {
                    i += 1;
                    let sent = Instant::now();
                    let result = if i.is_multiple_of(2) || orientations.is_empty() {
                        let body = format!(
                            r#"{{"device_id":"{}","kind":"proposition","body":"Entrée de banc {c}-{i} : mutualiser les fonctions support entre structures."}}"#,
                            entry_id(c, i, salt)
                        );
                        client.send("POST", &address, &capture_path, &capture_headers, &body).map(|(s, _)| (s, None))
                    } else {
                        let o = &orientations[(i as usize / 2) % orientations.len()];
                        let choice = (c + i as usize / 2) % 3;
                        let path = format!("/api/v1/plenaries/{code}/orientations/{o}/vote");
                        let body = format!(r#"{{"choice":"{}"}}"#, CHOICES[choice]);
                        client.send("PUT", &address, &path, &vote_headers, &body).map(|(s, _)| (s, Some((o.clone(), choice))))
                    };
                    match result {
                        Ok((200 | 201, vote)) => {
                            out.latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                            match vote {
                                Some((o, choice)) => {
                                    out.votes += 1;
                                    out.last.insert(o, choice);
                                }
                                None => out.entries += 1,
                            }
                        }
                        Ok((status, vote)) => {
                            out.errors += 1;
                            let what = if vote.is_some() { "vote" } else { "entry" };
                            *out.statuses.entry(format!("{what} {status}")).or_default() += 1;
                        }
                        Err(_) => {
                            out.errors += 1;
                            *out.statuses.entry("connection 0".into()).or_default() += 1;
                            match Client::connect(&address) {
                                Ok(c) => client = c,
                                Err(_) => break,
                            }
                        }
                    }
                }
                out
            })
        })
        .collect();
    let mut all = Vec::new();
    let (mut entries, mut votes, mut errors) = (0, 0, 0);
    let mut statuses: HashMap<String, usize> = HashMap::new();
    let mut expected: HashMap<String, [usize; 3]> = HashMap::new();
    for t in threads {
        if let Ok(out) = t.join() {
            all.extend(out.latencies);
            entries += out.entries;
            votes += out.votes;
            errors += out.errors;
            for (status, n) in out.statuses {
                *statuses.entry(status).or_default() += n;
            }
            for (o, choice) in out.last {
                expected.entry(o).or_default()[choice] += 1;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut delays = prober.join().unwrap_or_default();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    delays.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let expected: Vec<String> = expected.iter().map(|(o, [c, a, n])| format!("\"{o}\":[{c},{a},{n}]")).collect();
    println!(
        "{{\"entries\":{entries},\"votes\":{votes},\"errors\":{errors},\"error_statuses\":{{{}}},\"seconds\":{elapsed:.2},\"p50_ms\":{:.1},\"p99_ms\":{:.1},\"max_ms\":{:.1},\"expected\":{{{}}},\"probes\":{},\"tally_delay_p50_ms\":{:.1},\"tally_delay_max_ms\":{:.1}}}",
        statuses.iter().map(|(s, n)| format!("\"{s}\":{n}")).collect::<Vec<_>>().join(","),
        percentile(&all, 50.0),
        percentile(&all, 99.0),
        all.last().copied().unwrap_or(0.0),
        expected.join(","),
        delays.len(),
        percentile(&delays, 50.0),
        delays.last().copied().unwrap_or(0.0),
    );
}
