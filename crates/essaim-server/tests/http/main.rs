//! The web application end to end, on the backend named by `ESSAIM_TEST_DATABASE_URL`: one
//! test binary, one file per feature.

#[path = "../common/mod.rs"]
mod common;

mod account;
mod admin;
mod commitments;
mod contributions;
mod errors;
mod forms;
mod input;
mod jobs;
mod journal;
mod look;
mod mail;
mod mail_texts;
mod openapi;
mod opendata;
mod pages;
mod personal_data;
mod plenary;
mod publication;
mod questionnaire;
mod questionnaire_api;
mod questionnaire_export;
mod questionnaire_manage;
mod questionnaire_results;
mod scope;
mod setup;
mod staff;
mod stands;
mod stands_api;
mod synthesis;
mod unavailable;
mod workshops;
mod workshops_capture;

/// The id in the first `{prefix}ID` of a page (an `action="…/ID/…"`, a `value="ID"`).
pub fn first_id_after(body: &str, prefix: &str) -> String {
    let start = body.find(prefix).unwrap_or_else(|| panic!("{prefix} in page")) + prefix.len();
    body[start..start + 36].to_owned()
}
