//! A test app over a fresh database, and a small cookie-keeping client around it.
#![allow(dead_code)]

use actix_web::body::to_bytes;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::{test, App};
use essaim_core::config::Config;
use essaim_core::demo::seed_demo;
use essaim_core::mail::Mailer;
use essaim_core::testing::TestDb;
use essaim_server::app::{configure, AppState};
use essaim_server::jobs::Jobs;
use std::collections::BTreeMap;

pub const ADMIN: (&str, &str) = ("admin@demo.essaim.fr", "essaim-demo-admin");
pub const STAFF: (&str, &str) = ("equipe@demo.essaim.fr", "essaim-demo-equipe");
pub const FACILITATOR: (&str, &str) = ("animation@demo.essaim.fr", "essaim-demo-animation");

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
    /// The app's background runs, to look at or to stage.
    pub jobs: Jobs,
}

pub async fn browser(
) -> Browser<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    browser_with(Jobs::default()).await
}

/// A browser on an app whose themes all run their synthesis in the background.
pub async fn browser_background_runs(
) -> Browser<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    browser_with(Jobs::new(0)).await
}

async fn browser_with(
    jobs: Jobs,
) -> Browser<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> {
    let db = TestDb::new();
    seed_demo(&mut db.conn()).expect("seed demo");
    let mut config = Config::from_env().expect("config");
    config.database_url = db.url.clone();
    let outbox = std::env::temp_dir().join(format!("essaim-test-outbox-{}", uuid::Uuid::new_v4()));
    let state = AppState { pool: db.pool.clone(), config, mailer: Mailer::Outbox(outbox), jobs: jobs.clone() };
    let app = test::init_service(App::new().configure(configure(state))).await;
    Browser { app, cookies: BTreeMap::new(), ip: "192.0.2.10".into(), db, jobs }
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
