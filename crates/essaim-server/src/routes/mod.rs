//! The route table.

mod admin;
pub(crate) mod api;
mod login;
mod pages;
mod staff;
mod static_files;

use actix_web::web;

pub use api::{ConsultationDetail, ConsultationSummary, Health, PhaseView, TerritoryView, ThemeView};

/// Every route; anything else gets the French 404 page (or a JSON 404 under `/api`).
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(static_files::stylesheet)
        .service(api::healthz)
        .service(api::openapi_json)
        .service(
            web::scope("/api/v1")
                .service(api::list_consultations_api)
                .service(api::get_consultation)
                .default_service(web::to(api::not_found)),
        )
        .service(pages::home)
        .service(pages::consultation)
        .service(login::login_form)
        .service(login::login_submit)
        .service(login::logout)
        .service(admin::accounts)
        .service(admin::new_account_form)
        .service(admin::create_account)
        .service(admin::disable_account)
        .service(admin::enable_account)
        .service(staff::synthesis_view)
        .service(staff::export_drafts)
        .service(staff::theme_view)
        .service(staff::run_theme)
        .service(staff::add_orientation)
        .service(staff::orientation_view)
        .service(staff::edit_orientation)
        .service(staff::merge_orientation)
        .service(staff::discard_orientation)
        .service(staff::split_orientation)
        .service(staff::move_contribution)
        .default_service(web::to(pages::not_found));
}
