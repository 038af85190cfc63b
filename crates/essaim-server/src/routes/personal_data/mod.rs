//! "Mes données": from a follow link (`/suivi/{token}/mes-donnees`) or a questionnaire link
//! (`/questionnaire/r/{token}/mes-donnees`), a person downloads what Essaim holds about them
//! and erases it; administrators do the same for a person who asked by mail (`admin`). The
//! rules are `essaim_contributions::personal_data`'s; docs/personal-data.md.

pub mod admin;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::personal_data::{
    contributions_of, erase_link, export, subject_of_link, ErasureChoice, ErasureRefused, Subject,
};
use essaim_core::db::DbConnection;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::CsrfForm;
use crate::views::{download, render, Layout};

/// The person's routes, under both link prefixes (their answers are never cached:
/// `auth::carries_personal_token`).
pub fn register(cfg: &mut web::ServiceConfig) {
    for prefix in ["/suivi/{token}/mes-donnees", "/questionnaire/r/{token}/mes-donnees"] {
        cfg.service(super::get(prefix, page))
            .service(super::get(&format!("{prefix}/telecharger"), download_json))
            .service(super::post(&format!("{prefix}/effacer"), confirm))
            .service(super::post(&format!("{prefix}/effacer/confirmer"), erase));
    }
    cfg.service(super::get("/donnees-effacees", erased_page));
    admin::register(cfg);
}

/// What the page says is held.
pub(crate) struct Held {
    pub email: Option<String>,
    pub responses: usize,
    pub invitations: usize,
    pub follows: usize,
    pub contributions: usize,
    pub mails: usize,
}

pub(crate) fn held(conn: &mut DbConnection, subject: &Subject) -> Result<Held, AppError> {
    let mails = match (&subject.address, subject.address_proven) {
        (Some(address), true) => essaim_core::privacy::mails_to(conn, address)?.len(),
        _ => 0,
    };
    Ok(Held {
        email: subject.address.clone(),
        responses: subject.responses.len(),
        invitations: subject.invitations.len(),
        follows: subject.follows.len(),
        contributions: contributions_of(conn, subject)?.len(),
        mails,
    })
}

/// The address of the person's pages, under the prefix the request came by.
fn base_of(req: &HttpRequest, token: &str) -> String {
    if req.path().starts_with("/suivi/") {
        format!("/suivi/{token}/mes-donnees")
    } else {
        format!("/questionnaire/r/{token}/mes-donnees")
    }
}

#[derive(Template)]
#[template(path = "personal_data/page.html")]
struct DataPage {
    layout: Layout,
    base: String,
    held: Held,
}

#[derive(Template)]
#[template(path = "personal_data/gone.html")]
struct GonePage {
    layout: Layout,
    message: &'static str,
}

fn gone(req: &HttpRequest, refused: ErasureRefused) -> Result<HttpResponse, AppError> {
    let status = match refused {
        ErasureRefused::Gone => StatusCode::NOT_FOUND,
        ErasureRefused::Published => StatusCode::CONFLICT,
    };
    render(
        &GonePage { layout: Layout::for_request(req, "Mes données", "questionnaire"), message: refused.message() },
        status,
    )
}

/// `GET …/mes-donnees`: what is held, the download, the erasure.
pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let found = state
        .db(move |conn| -> Result<Option<Held>, AppError> {
            match subject_of_link(conn, &token)? {
                Some(subject) => Ok(Some(held(conn, &subject)?)),
                None => Ok(None),
            }
        })
        .await?;
    let Some(held) = found else { return gone(&req, ErasureRefused::Gone) };
    let token = req.match_info().get("token").unwrap_or_default().to_owned();
    render(
        &DataPage {
            layout: Layout::for_request(&req, "Mes données", "questionnaire"),
            base: base_of(&req, &token),
            held,
        },
        StatusCode::OK,
    )
}

/// `GET …/mes-donnees/telecharger`: the JSON file, made now from what this link opens.
pub async fn download_json(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let made = state
        .db(move |conn| -> Result<Option<Vec<u8>>, AppError> {
            let Some(subject) = subject_of_link(conn, &token)? else { return Ok(None) };
            let data = export(conn, &subject)?;
            Ok(Some(serde_json::to_vec_pretty(&data).map_err(|e| AppError::Internal(e.to_string()))?))
        })
        .await?;
    match made {
        Some(bytes) => Ok(download("application/json; charset=utf-8", "mes-donnees-essaim.json", bytes)),
        None => gone(&req, ErasureRefused::Gone),
    }
}

/// The erasure form: what becomes of the contributions.
#[derive(Debug, Deserialize)]
pub struct ErasureForm {
    #[serde(default)]
    choix: String,
}

pub(crate) fn choice_of(raw: &str) -> Option<ErasureChoice> {
    match raw {
        "anonymiser" => Some(ErasureChoice::Anonymise),
        "supprimer" => Some(ErasureChoice::Delete),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "personal_data/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    action: String,
    back: String,
    choice: &'static str,
    deletes: bool,
    /// The address (staff page only: the person's own page does not repeat it).
    email: Option<String>,
}

/// `POST …/mes-donnees/effacer`: the confirmation step.
pub async fn confirm(
    req: HttpRequest,
    token: web::Path<String>,
    form: CsrfForm<ErasureForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let base = base_of(&req, &token);
    let Some(choice) = choice_of(&form.into_inner().choix) else {
        return Err(AppError::BadRequest(
            "Choisissez ce que deviennent vos contributions : anonymisées ou supprimées.".into(),
        ));
    };
    render(
        &ConfirmPage {
            layout: Layout::for_request(&req, "Confirmer l'effacement", "questionnaire"),
            action: format!("{base}/effacer/confirmer"),
            back: base,
            choice: if choice == ErasureChoice::Delete { "supprimer" } else { "anonymiser" },
            deletes: choice == ErasureChoice::Delete,
            email: None,
        },
        StatusCode::OK,
    )
}

/// `POST …/mes-donnees/effacer/confirmer`: erases, once; asked again, a clear message.
pub async fn erase(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: CsrfForm<ErasureForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let Some(choice) = choice_of(&form.into_inner().choix) else {
        return Err(AppError::BadRequest(
            "Choisissez ce que deviennent vos contributions : anonymisées ou supprimées.".into(),
        ));
    };
    let outcome = state.db(move |conn| erase_link(conn, &token, choice).map_err(AppError::from)).await?;
    match outcome {
        Ok(_) => Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/donnees-effacees")).finish()),
        Err(refused) => gone(&req, refused),
    }
}

#[derive(Template)]
#[template(path = "personal_data/erased.html")]
struct ErasedPage {
    layout: Layout,
}

/// `GET /donnees-effacees`: said once the erasure is done (no token: the links are gone).
pub async fn erased_page(req: HttpRequest) -> Result<HttpResponse, AppError> {
    render(&ErasedPage { layout: Layout::for_request(&req, "Données effacées", "questionnaire") }, StatusCode::OK)
}
