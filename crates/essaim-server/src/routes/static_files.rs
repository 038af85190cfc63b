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

const QUESTIONNAIRE_SCRIPT: &str = include_str!("../../../../frontend/static/questionnaire.js");

/// `GET /static/questionnaire.js`: saves the draft as one types and hides the questions
/// whose condition does not hold; the pages work without it.
pub async fn questionnaire_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(QUESTIONNAIRE_SCRIPT)
}
