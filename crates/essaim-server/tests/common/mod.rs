//! A test app over a fresh database, and a small cookie-keeping client around it.
#![allow(dead_code)]

use actix_web::body::to_bytes;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::{test, App};
use essaim_core::config::Config;
use essaim_core::demo::seed_demo;
use essaim_core::jobs::{JobWorker, WorkerOptions};
use essaim_core::testing::TestDb;
use essaim_server::app::{configure, AppState};
use std::collections::BTreeMap;
use std::time::Duration;

pub const ADMIN: (&str, &str) = ("admin@demo.essaim.fr", "essaim-demo-admin");
pub const STAFF: (&str, &str) = ("equipe@demo.essaim.fr", "essaim-demo-equipe");
pub const FACILITATOR: (&str, &str) = ("animation@demo.essaim.fr", "essaim-demo-animation");

/// The value of the form field `name` in a page (its first `name="…" value="…"`).
pub fn value_of(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body.find(&marker).unwrap_or_else(|| panic!("a {name} field")) + marker.len();
    body[at..].chars().take_while(|c| *c != '"').collect()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
    /// The body with HTML entities for quotes decoded, to compare with plain text.
    pub fn text(&self) -> String {
        self.body
            .replace("&#39;", "'")
            .replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    }
}

/// A browser: keeps cookies between requests, from a fixed client address.
pub struct Browser<S> {
    pub app: S,
    pub cookies: BTreeMap<String, String>,
    pub ip: String,
    pub db: TestDb,
    /// The app's job worker (as `serve` runs one), when the test wants one.
    pub worker: Option<JobWorker>,
}

/// An app on a fresh database with the demo, its large themes running in the background.
pub async fn browser(
) -> Browser<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    browser_with(TestDb::new(), essaim_synthesis::drafts::BACKGROUND_FROM, false).await
}

/// An app whose themes all run their synthesis in the background, with a job worker.
pub async fn browser_background_runs(
) -> Browser<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    browser_with(TestDb::new(), 0, true).await
}

/// A job worker as `serve` starts one, polling fast and declaring a job interrupted after
/// `stale_after` without heartbeat.
pub fn job_worker(db: &TestDb, stale_after: Duration) -> JobWorker {
    let options =
        WorkerOptions { poll: Duration::from_millis(20), stale_after, concurrency: 1, ..WorkerOptions::default() };
    JobWorker::start(db.pool.clone(), essaim_server::workers::job_handlers(), options).expect("job worker")
}

/// The app's state over a database (the demo seeded).
pub fn state_for(db: &TestDb, background_from: usize) -> AppState {
    seed_demo(&mut db.conn(), &[]).expect("seed demo");
    essaim_contributions::demo::seed_demo_questionnaire(&mut db.conn()).expect("seed demo questionnaire");
    essaim_workshops::stands::demo::seed_demo_stands(&mut db.conn()).expect("seed demo stands");
    let mut config = Config::from_env().expect("config");
    config.database_url = db.url.clone();
    let mut state = AppState::new(db.pool.clone(), config);
    state.background_from = background_from;
    state
}

/// A browser on an app over `db`, from this state.
pub async fn browser_on(
    db: TestDb,
    state: AppState,
    worker: Option<JobWorker>,
) -> Browser<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    let app = test::init_service(App::new().configure(configure(state))).await;
    Browser { app, cookies: BTreeMap::new(), ip: "192.0.2.10".into(), db, worker }
}

async fn browser_with(
    db: TestDb,
    background_from: usize,
    with_worker: bool,
) -> Browser<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    let state = state_for(&db, background_from);
    let worker = with_worker.then(|| job_worker(&db, Duration::from_secs(60)));
    browser_on(db, state, worker).await
}

impl<S> Browser<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: test::TestRequest) -> Reply {
        let mut req = req.peer_addr(format!("{}:40000", self.ip).parse().unwrap());
        if !self.cookies.is_empty() {
            req = req.insert_header((header::COOKIE, self.cookie_header()));
        }
        let res = test::call_service(&self.app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = String::from_utf8_lossy(&to_bytes(res.into_body()).await.unwrap_or_default()).into_owned();
        let reply = Reply { status, headers, body };
        for raw in reply.set_cookies() {
            let cookie = actix_web::cookie::Cookie::parse_encoded(raw).expect("cookie");
            if cookie.max_age() == Some(actix_web::cookie::time::Duration::ZERO) {
                self.cookies.remove(cookie.name());
            } else {
                self.cookies.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        reply
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(test::TestRequest::get().uri(path)).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        self.send(
            test::TestRequest::post()
                .uri(path)
                .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .set_payload(body),
        )
        .await
    }

    /// The CSRF token the server puts in this browser's forms (read from a page's form).
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/login").await;
        let marker = "name=\"csrf_token\" value=\"";
        let start = page.body.find(marker).expect("a form with a CSRF token") + marker.len();
        page.body[start..start + 32].to_owned()
    }

    pub async fn login(&mut self, (email, password): (&str, &str)) -> Reply {
        let token = self.csrf().await;
        self.post("/login", &[("csrf_token", &token), ("email", email), ("password", password)]).await
    }
}

// Helpers of the split HTTP tests (tests/http/).

impl Reply {
    /// The `Content-Type` of the answer ("" when none).
    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
    /// The body read as JSON, failing the test when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The `Allow` header ("" when none).
    pub fn allow(&self) -> &str {
        self.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// Builds a [`Reply`] from a service response.
async fn reply_of(res: ServiceResponse) -> Reply {
    let status = res.status();
    let headers = res.headers().clone();
    let body = String::from_utf8_lossy(&to_bytes(res.into_body()).await.unwrap_or_default()).into_owned();
    Reply { status, headers, body }
}

impl<S> Browser<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    /// Any request (another method, another body type), with this browser's cookies and
    /// address; the cookies of the answer are kept, as for `get` and `post`.
    pub async fn request(&mut self, req: test::TestRequest) -> Reply {
        self.send(req).await
    }

    /// A request with this browser's cookies but from another address, keeping none of the
    /// cookies of the answer: takes `&self`, so that many can be sent at once (`join_all`).
    pub async fn request_from(&self, ip: &str, req: test::TestRequest) -> Reply {
        let mut req = req.peer_addr(format!("{ip}:40000").parse().expect("an IP address"));
        if !self.cookies.is_empty() {
            req = req.insert_header((header::COOKIE, self.cookie_header()));
        }
        reply_of(test::call_service(&self.app, req.to_request()).await).await
    }

    /// `GET path` from `ip`, see [`Browser::request_from`].
    pub async fn get_from(&self, ip: &str, path: &str) -> Reply {
        self.request_from(ip, test::TestRequest::get().uri(path)).await
    }

    /// A form `POST` from `ip`, see [`Browser::request_from`].
    pub async fn post_from(&self, ip: &str, path: &str, form: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let req = test::TestRequest::post()
            .uri(path)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(body);
        self.request_from(ip, req).await
    }
}
