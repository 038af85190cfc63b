//! `/admin/donnees-personnelles`: for a person who asks by mail, an administrator finds what
//! is tied to their address, downloads it and erases it. The address travels in POST bodies
//! only (never in an address bar, a log or the audit log: the audit names it by its keyed
//! pseudonym).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::personal_data::{erase, export, subject_of_address, ErasureChoice};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::privacy::address_pseudonym;
use essaim_core::validation::Email;
use serde::Deserialize;

use super::{choice_of, held, ConfirmPage, Held};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm};
use crate::views::{download, render, Layout};

const BASE: &str = "/admin/donnees-personnelles";

pub(super) fn register(cfg: &mut web::ServiceConfig) {
    use super::super::{get, post};
    cfg.service(get(BASE, search_page))
        .service(post(&format!("{BASE}/recherche"), search))
        .service(post(&format!("{BASE}/telecharger"), download_json))
        .service(post(&format!("{BASE}/effacer"), confirm))
        .service(post(&format!("{BASE}/effacer/confirmer"), erase_now));
}

#[derive(Template)]
#[template(path = "personal_data/admin.html")]
struct AdminPage {
    layout: Layout,
    email: String,
    error: Option<String>,
    held: Option<Held>,
    notice: Option<String>,
}

fn admin_page(
    req: &HttpRequest,
    email: String,
    error: Option<String>,
    held: Option<Held>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render(
        &AdminPage {
            layout: Layout::for_request(req, "Données personnelles d'une personne", "admin"),
            email,
            error,
            held,
            notice,
        },
        status,
    )
}

/// `GET /admin/donnees-personnelles`: the search form.
pub async fn search_page(req: HttpRequest, _admin: Admin) -> Result<HttpResponse, AppError> {
    admin_page(&req, String::new(), None, None, None, StatusCode::OK)
}

/// The address asked about.
#[derive(Debug, Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    choix: String,
}

fn checked(raw: &str) -> Result<String, String> {
    Email::parse(raw.trim()).map(|e| e.as_str().to_owned()).map_err(|m| m.to_string())
}

/// `POST …/recherche`: what is tied to the address.
pub async fn search(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    form: CsrfForm<AddressForm>,
) -> Result<HttpResponse, AppError> {
    let raw = form.into_inner().email;
    let email = match checked(&raw) {
        Ok(email) => email,
        Err(message) => return admin_page(&req, raw, Some(message), None, None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let lookup = email.clone();
    let found = state
        .db(move |conn| -> Result<Held, AppError> {
            let subject = subject_of_address(conn, &lookup)?;
            held(conn, &subject)
        })
        .await?;
    admin_page(&req, email, None, Some(found), None, StatusCode::OK)
}

/// `POST …/telecharger`: the person's file, audited under the address's pseudonym.
pub async fn download_json(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    form: CsrfForm<AddressForm>,
) -> Result<HttpResponse, AppError> {
    let email = checked(&form.into_inner().email).map_err(AppError::BadRequest)?;
    let bytes = state
        .db(move |conn| -> Result<Vec<u8>, AppError> {
            let subject = subject_of_address(conn, &email)?;
            let data = export(conn, &subject)?;
            let person = address_pseudonym(conn, &email)?;
            record(conn, AuditEvent::new(Some(admin.id), "personal_data.export", "person", Some(person)))?;
            serde_json::to_vec_pretty(&data).map_err(|e| AppError::Internal(e.to_string()))
        })
        .await?;
    Ok(download("application/json; charset=utf-8", "donnees-personnelles.json", bytes))
}

/// `POST …/effacer`: the confirmation step.
pub async fn confirm(req: HttpRequest, _admin: Admin, form: CsrfForm<AddressForm>) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = checked(&form.email).map_err(AppError::BadRequest)?;
    let Some(choice) = choice_of(&form.choix) else {
        return Err(AppError::BadRequest(
            "Choisissez ce que deviennent les contributions : anonymisées ou supprimées.".into(),
        ));
    };
    render(
        &ConfirmPage {
            layout: Layout::for_request(&req, "Confirmer l'effacement", "admin"),
            action: format!("{BASE}/effacer/confirmer"),
            back: BASE.to_owned(),
            choice: if choice == ErasureChoice::Delete { "supprimer" } else { "anonymiser" },
            deletes: choice == ErasureChoice::Delete,
            email: Some(email),
        },
        StatusCode::OK,
    )
}

/// `POST …/effacer/confirmer`: erases, audited; asked again, a clear message.
pub async fn erase_now(
    req: HttpRequest,
    Admin(admin): Admin,
    state: web::Data<AppState>,
    form: CsrfForm<AddressForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = checked(&form.email).map_err(AppError::BadRequest)?;
    let Some(choice) = choice_of(&form.choix) else {
        return Err(AppError::BadRequest(
            "Choisissez ce que deviennent les contributions : anonymisées ou supprimées.".into(),
        ));
    };
    let address = email.clone();
    let outcome = state.db(move |conn| erase(conn, &address, choice, admin.id).map_err(AppError::from)).await?;
    match outcome {
        Ok(done) => {
            let notice = format!(
                "Les données de cette adresse sont effacées : {} contribution(s) anonymisée(s), {} supprimée(s), {} réponse(s), {} invitation(s), {} suivi(s), {} courriel(s).",
                done.anonymised, done.deleted, done.responses, done.invitations, done.follows, done.mails
            );
            admin_page(&req, String::new(), None, None, Some(notice), StatusCode::OK)
        }
        Err(refused) => {
            let status = match refused {
                essaim_contributions::personal_data::ErasureRefused::Gone => StatusCode::NOT_FOUND,
                essaim_contributions::personal_data::ErasureRefused::Published => StatusCode::CONFLICT,
            };
            let message = match refused {
                essaim_contributions::personal_data::ErasureRefused::Gone => "Aucune donnée n'est rattachée à cette adresse : rien à effacer (elle a peut-être déjà été effacée).".to_owned(),
                other => other.message().to_owned(),
            };
            admin_page(&req, email, Some(message), None, None, status)
        }
    }
}
