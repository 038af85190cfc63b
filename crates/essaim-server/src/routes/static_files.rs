//! Our stylesheet, compiled into the binary so that one file is the whole application.

use actix_web::HttpResponse;

const STYLESHEET: &str = include_str!("../../../../frontend/static/essaim.css");

/// `GET /static/essaim.css`
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLESHEET)
}
