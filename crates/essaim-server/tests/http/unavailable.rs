//! PostgreSQL going away under the server: requests are answered 503 with `Retry-After`
//! within 2 s (never 500, never a hang), and writes resume by themselves once it is back.
//! The database "goes away" behind a loopback TCP relay that the test cuts and restores, so
//! the shared PostgreSQL of the other tests keeps running. SQLite is a file in the process:
//! there is no server to lose, and the test says so and stops.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::{header, StatusCode};
use actix_web::test;
use essaim_core::db::DatabaseUrl;
use serde_json::json;

use super::stands::demo_stands;
use crate::common::{browser_on, state_for, STAFF};

/// A TCP relay to the database that can be cut (open connections closed, new ones closed at
/// once) and restored.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (up2, open2) = (up.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else { continue };
                let mut open = open2.lock().unwrap();
                open.push(client.try_clone().unwrap());
                open.push(server.try_clone().unwrap());
                pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                pipe(server, client);
            }
        });
        Relay { port, up, open }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buffer) {
            if n == 0 || to.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Both);
    });
}

#[actix_web::test]
async fn postgresql_gone_answers_503_with_retry_after_within_two_seconds_and_writes_resume() {
    let db = essaim_core::testing::TestDb::new();
    let DatabaseUrl::Postgresql(raw) = db.url.clone() else {
        eprintln!("SQLite: no database server to lose; this test runs on PostgreSQL (ESSAIM_TEST_DATABASE_URL)");
        return;
    };
    let mut url = url::Url::parse(&raw).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap_or("127.0.0.1"), url.port().unwrap_or(5432));
    let relay = Relay::start(target);
    url.set_port(Some(relay.port)).unwrap();
    let relayed = DatabaseUrl::Postgresql(url.to_string());

    let mut state = state_for(&db, essaim_synthesis::drafts::BACKGROUND_FROM);
    let pool = essaim_core::db::connect(&relayed, 4).unwrap();
    state = essaim_server::app::AppState::new(pool, {
        let mut config = state.config.clone();
        config.database_url = relayed;
        config
    });
    let mut b = browser_on(db, state, None).await;
    let stand = demo_stands(&b).remove(2);
    assert_eq!(b.get("/api/v1/consultations").await.status, StatusCode::OK);
    // Signed in, so that pages go through the session's lookup too.
    b.login(STAFF).await;

    relay.cut();
    for path in ["/api/v1/consultations", "/consultations/ess-pays-de-la-loire-2016"] {
        let started = Instant::now();
        let reply = b.get(path).await;
        let waited = started.elapsed();
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {}", reply.body);
        assert!(reply.headers.contains_key(header::RETRY_AFTER), "{path}: Retry-After");
        assert!(waited < Duration::from_secs(2), "{path} answered after {waited:?}");
    }
    let idea = |key: &str| {
        test::TestRequest::post().uri(&format!("/api/v1/stands/{}/ideas", stand.code)).set_json(json!({
            "kind": "proposition", "body": "Un fonds de garantie régional pour les coopératives.",
            "territory": "72", "idempotency_key": key, "device_id": "phone-relay"}))
    };
    let refused = b.request(idea("0190c5a4-7d2e-7000-8000-00000000a001")).await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.body);
    assert_eq!(refused.json()["error"]["code"], "service_unavailable");

    relay.restore();
    // A client does what Retry-After says. The pool's connections cut with the relay fail once
    // each (they are dropped then), so a few tries may still meet 503; within seconds the
    // write is stored, once.
    let mut statuses = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let reply = b.request(idea("0190c5a4-7d2e-7000-8000-00000000a001")).await;
        statuses.push(reply.status);
        if reply.status != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(statuses.last(), Some(&StatusCode::CREATED), "{statuses:?}");
    assert!(statuses.len() <= 5, "at most one failure per pooled connection: {statuses:?}");
    let replay = b.request(idea("0190c5a4-7d2e-7000-8000-00000000a001")).await;
    assert_eq!(replay.status, StatusCode::OK, "stored once: the same key is a replay");
}
