//! The questionnaire aux acteurs: answering (public start, e-mailed links, one page per
//! section, review, confirmation), following one's contributions, and its management by
//! staff (versions, invitations, exports).

pub(super) mod answer;
mod editor;
mod follow;
mod form;
mod manage;
mod results;
mod staff;

use actix_web::web;

use super::{get, get_post, post};

/// The questionnaire's routes.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(get_post("/consultations/{slug}/questionnaire", answer::start_page, answer::start))
        .service(get("/questionnaire/invitation/{token}", answer::open_link))
        .service(get("/questionnaire/reprendre/{token}", answer::open_link))
        .service(post("/questionnaire/nouveau-lien", answer::new_link))
        .service(get_post("/questionnaire/r/{token}/page/{page}", answer::show_page, answer::save_page))
        .service(get_post("/questionnaire/r/{token}/envoi", answer::show_review, answer::send))
        .service(get("/questionnaire/r/{token}/merci", answer::thanks))
        .service(post("/questionnaire/r/{token}/lien", answer::mail_link))
        .service(get("/questionnaire/r/{token}/suivi", follow::by_response_link))
        .service(get("/suivi/{token}", follow::by_follow_link))
        .service(post("/suivi/{token}/desactiver", follow::revoke))
        .service(get("/staff/consultations/{slug}/questionnaire/export/reponses.csv", staff::export_csv))
        .service(get("/staff/consultations/{slug}/questionnaire/export/reponses.xlsx", staff::export_xlsx))
        .service(get("/staff/consultations/{slug}/questionnaire", manage::show))
        .service(get("/staff/consultations/{slug}/questionnaire/apercu", manage::preview))
        .service(get("/staff/consultations/{slug}/questionnaire/resultats", results::show))
        .service(get("/staff/consultations/{slug}/questionnaire/definition.json", manage::export))
        .service(post("/staff/consultations/{slug}/questionnaire/definition", manage::import))
        .service(post("/staff/consultations/{slug}/questionnaire/publier", manage::publish_version))
        .service(post("/staff/consultations/{slug}/questionnaire/ouvrir", manage::open))
        .service(post("/staff/consultations/{slug}/questionnaire/clore", manage::close))
        .service(post("/staff/consultations/{slug}/questionnaire/invitations", manage::send_invitations))
        .service(post("/staff/consultations/{slug}/questionnaire/relances", manage::send_reminders));
    // The editor, section by section and question by question (administrators).
    cfg.service(get("/staff/consultations/{slug}/questionnaire/editeur", editor::index))
        .service(get_post(
            "/staff/consultations/{slug}/questionnaire/editeur/general",
            editor::general_form,
            editor::general_save,
        ))
        .service(get_post(
            "/staff/consultations/{slug}/questionnaire/editeur/nouvelle-section",
            editor::new_section_form,
            editor::add_section,
        ))
        .service(get_post(
            "/staff/consultations/{slug}/questionnaire/editeur/sections/{section}",
            editor::section_form,
            editor::update_section,
        ))
        .service(get_post(
            "/staff/consultations/{slug}/questionnaire/editeur/sections/{section}/supprimer",
            editor::confirm_delete_section,
            editor::delete_section,
        ))
        .service(post(
            "/staff/consultations/{slug}/questionnaire/editeur/sections/{section}/deplacer",
            editor::move_section,
        ))
        .service(get_post(
            "/staff/consultations/{slug}/questionnaire/editeur/sections/{section}/nouvelle-question",
            editor::new_question_form,
            editor::add_question,
        ))
        .service(get_post(
            "/staff/consultations/{slug}/questionnaire/editeur/questions/{question}",
            editor::question_form,
            editor::update_question,
        ))
        .service(get_post(
            "/staff/consultations/{slug}/questionnaire/editeur/questions/{question}/supprimer",
            editor::confirm_delete_question,
            editor::delete_question,
        ))
        .service(post(
            "/staff/consultations/{slug}/questionnaire/editeur/questions/{question}/deplacer",
            editor::move_question,
        ));
}
