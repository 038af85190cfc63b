//! The route table: one folder per module (`public`, `account`, `admin`, `staff`,
//! `synthesis`, `mail`, `api`, `questionnaire`, `contributions`, `workshops`, `stands`,
//! `plenary`). A known path asked with another
//! method gets 405 with `Allow`; an unknown one the French 404 (JSON under `/api`).

mod account;
mod admin;
pub(crate) mod api;
mod commitments;
mod contributions;
mod look;
mod mail;
mod opendata;
mod personal_data;
pub mod plenary;
mod public;
mod publication;
mod questionnaire;
mod staff;
pub(crate) mod stands;
mod static_files;
mod synthesis;
pub(crate) mod workshops;

use actix_web::dev::Handler;
use actix_web::{middleware, web, FromRequest, Resource, Responder};

use crate::error::AppError;

pub use api::{ConsultationDetail, ConsultationSummary, Health, PhaseView, TerritoryView, ThemeView};

/// Every route registered, as (method, path pattern): the route table a test walks (a limited
/// account refused on every staff and facilitator route), filled as the routes are registered.
static ROUTES: std::sync::Mutex<Vec<(&'static str, String)>> = std::sync::Mutex::new(Vec::new());

fn record(method: &'static str, path: &str) {
    if let Ok(mut routes) = ROUTES.lock() {
        if !routes.iter().any(|(m, p)| *m == method && p == path) {
            routes.push((method, path.to_owned()));
        }
    }
}

/// The route table, once the app was configured: (method, path pattern with `{…}` parameters).
pub fn route_table() -> Vec<(&'static str, String)> {
    ROUTES.lock().map(|r| r.clone()).unwrap_or_default()
}

fn not_allowed(
    allowed: &'static str,
) -> impl Fn() -> std::future::Ready<Result<actix_web::HttpResponse, AppError>> + Clone {
    move || std::future::ready(Err(AppError::MethodNotAllowed(allowed)))
}

/// A page read with GET (and HEAD).
fn get<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args> + Clone,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    record("GET", path);
    web::resource(path)
        .route(web::get().to(handler.clone()))
        .route(web::head().to(handler))
        .default_service(web::to(not_allowed("GET, HEAD")))
}

/// An action sent with POST.
fn post<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    record("POST", path);
    web::resource(path).route(web::post().to(handler)).default_service(web::to(not_allowed("POST")))
}

/// A page with its form: GET shows it, POST sends it.
fn get_post<F, A, G, B>(path: &str, show: F, send: G) -> Resource
where
    F: Handler<A> + Clone,
    A: FromRequest + 'static,
    F::Output: Responder + 'static,
    G: Handler<B>,
    B: FromRequest + 'static,
    G::Output: Responder + 'static,
{
    record("GET", path);
    record("POST", path);
    web::resource(path)
        .route(web::get().to(show.clone()))
        .route(web::head().to(show))
        .route(web::post().to(send))
        .default_service(web::to(not_allowed("GET, HEAD, POST")))
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Every route.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(get("/static/essaim.css", static_files::stylesheet))
        .service(get("/static/questionnaire.js", static_files::questionnaire_script))
        .service(get("/healthz", api::healthz).wrap(middleware::from_fn(crate::error::json_errors)))
        .service(
            web::scope("/api")
                .wrap(middleware::from_fn(crate::error::json_errors))
                .service(get("/openapi.json", api::openapi_json))
                .service(get("/v1/consultations", api::list_consultations))
                .service(get("/v1/consultations/{slug}", api::get_consultation))
                .service(get("/v1/consultations/{slug}/questionnaire", api::questionnaire::definition))
                .service(post("/v1/consultations/{slug}/questionnaire/responses", api::questionnaire::submit_response))
                .service(post("/v1/consultations/{slug}/questionnaire/drafts", api::questionnaire::start_draft))
                .service(get("/v1/questionnaire/drafts/{token}", api::questionnaire::get_draft))
                .service(
                    // Recorded for the route table, as `get` and `post` do (the document's test).
                    web::resource({
                        record("PUT", "/v1/questionnaire/drafts/{token}/sections/{section}");
                        "/v1/questionnaire/drafts/{token}/sections/{section}"
                    })
                    .route(web::put().to(api::questionnaire::save_draft_section))
                    .default_service(web::to(not_allowed("PUT"))),
                )
                .service(post("/v1/questionnaire/drafts/{token}/submit", api::questionnaire::submit_draft))
                .configure(workshops::register_api)
                .configure(stands::register_api)
                .configure(plenary::register_api)
                .default_service(web::to(not_found)),
        )
        // Public pages.
        .service(get("/", public::home))
        .service(get("/consultations/{slug}", public::consultation))
        // Look and legal pages: the installation's and each consultation's.
        .configure(look::register)
        // Accounts.
        .service(get_post("/login", account::login_form, account::login_submit))
        .service(post("/logout", account::logout))
        .service(get("/admin", admin::accounts))
        .service(get("/admin/accounts/new", admin::new_account_form))
        .service(get("/admin/journal", admin::journal::page))
        .service(get("/admin/journal.csv", admin::journal::csv))
        .service(get_post(
            "/admin/consultations/nouvelle",
            admin::consultations::new_form,
            admin::consultations::create,
        ))
        .service(post("/admin/consultations/creer", admin::consultations::create_blank_consultation))
        .service(post("/admin/accounts", admin::create_account))
        .service(post("/admin/accounts/{id}/disable", admin::disable_account))
        .service(post("/admin/accounts/{id}/enable", admin::enable_account))
        // Synthesis (staff).
        .service(get("/staff/consultations/{slug}/synthese", synthesis::overview))
        .service(get("/staff/consultations/{slug}/synthese/export/{format}", synthesis::export_drafts))
        .service(get("/staff/consultations/{slug}/synthese/{position}", synthesis::theme_view))
        .service(post("/staff/consultations/{slug}/synthese/{position}/run", synthesis::run_theme))
        .service(post("/staff/consultations/{slug}/synthese/{position}/orientations", synthesis::add_orientation))
        .service(get("/staff/orientations/{id}", synthesis::orientation_view))
        .service(post("/staff/orientations/{id}/edit", synthesis::edit_orientation))
        .service(post("/staff/orientations/{id}/merge", synthesis::merge_orientation))
        .service(post("/staff/orientations/{id}/discard", synthesis::discard_orientation))
        .service(post("/staff/orientations/{id}/split", synthesis::split_orientation))
        .service(post("/staff/orientations/{id}/split-stances", synthesis::split_stances))
        .service(post("/staff/contributions/{id}/move", synthesis::move_contribution))
        // E-mail (staff).
        .service(get("/staff", staff::dashboard))
        .service(get("/staff/consultations/{slug}", staff::home))
        .service(post("/staff/consultations/{slug}/sans-theme", staff::assign))
        // The set-up of a consultation, part by part.
        .service(get("/staff/consultations/{slug}/parametrage", staff::setup::page))
        .service(post("/staff/consultations/{slug}/parametrage/consultation", staff::setup::save_consultation))
        .service(post("/staff/consultations/{slug}/parametrage/calendrier", staff::setup::save_phases))
        .service(post("/staff/consultations/{slug}/parametrage/themes", staff::setup::new_theme))
        .service(post("/staff/consultations/{slug}/parametrage/themes/{position}", staff::setup::change_theme))
        .service(post("/staff/consultations/{slug}/parametrage/territoires", staff::setup::save_territories))
        .service(post("/staff/consultations/{slug}/parametrage/familles", staff::setup::save_families))
        .service(post("/staff/consultations/{slug}/parametrage/etat", staff::setup::change_state))
        // The consultation's mail texts and sender.
        .service(get("/staff/consultations/{slug}/courriels-types", staff::mails::list))
        .service(post("/staff/consultations/{slug}/courriels-types/expediteur", staff::mails::save_sender))
        .service(get_post("/staff/consultations/{slug}/courriels-types/{kind}", staff::mails::edit, staff::mails::send))
        .service(post("/staff/consultations/{slug}/courriels-types/{kind}/retablir", staff::mails::reset))
        .service(get("/staff/courriels", mail::outbox))
        .service(post("/staff/courriels/{id}/relancer", mail::retry))
        // The questionnaire aux acteurs.
        .configure(questionnaire::register)
        // "Mes données": a person's download and erasure; the administrators' page.
        .configure(personal_data::register)
        // Online contributions and their moderation.
        .configure(contributions::register)
        // Workshops: capture, attendance, reports; staff overview and exports.
        .configure(workshops::register)
        // The treasure hunt: stands, ideas, passport.
        .configure(stands::register)
        // The plenary: projection, votes, tally, verdicts.
        .configure(plenary::register)
        // The published strategy and the suite donnée.
        .configure(publication::register)
        // After publication: the commitments, and the open data.
        .configure(commitments::register)
        .configure(opendata::register)
        .default_service(web::to(not_found));
}
