//! Staff pages of the treasure hunt: the circuit's stands, the form to create or edit one,
//! revoking and restoring a stand's address, and the printable A4 posters.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Id;
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::{Consultation, Theme};
use essaim_core::{CoreError, FieldError, ValidationErrors};
use essaim_workshops::stands::poster::{posters_pdf, qr_svg, PosterSheet};
use essaim_workshops::stands::{
    consultation_of, create_stand, find_stand, idea_counts, set_stand_revoked, stands_of, update_stand, Stand,
    StandForm, MAX_DESCRIPTION_CHARS, MAX_POSITION,
};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, Staff};
use crate::views::{render, Layout};

struct Row {
    id: String,
    position: i32,
    code: String,
    title: String,
    organisation: String,
    theme_position: i32,
    location: String,
    ideas: i64,
    active: bool,
}

#[derive(Template)]
#[template(path = "stands/list.html")]
struct ListPage {
    layout: Layout,
    slug: String,
    consultation: String,
    rows: Vec<Row>,
    flash: Option<String>,
}

/// Query of the list: the confirmation of the last change.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `cree`, `modifie`, `revoque` or `retabli`.
    #[serde(default)]
    fait: String,
    /// The stand's code.
    #[serde(default)]
    code: String,
}

fn theme_position(themes: &[Theme], stand: &Stand) -> i32 {
    themes.iter().find(|t| t.id == stand.theme_id).map(|t| t.position).unwrap_or(0)
}

/// `GET /staff/consultations/{slug}/stands`: the circuit, revoked stands included.
pub async fn list(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (consultation, themes, stands, counts) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let themes = themes_of(conn, consultation.id)?;
            let stands = stands_of(conn, consultation.id)?;
            let counts = idea_counts(conn, consultation.id)?;
            Ok((consultation, themes, stands, counts))
        })
        .await?;
    let rows = stands
        .iter()
        .map(|s| Row {
            id: s.id.to_string(),
            position: s.position,
            code: s.code.clone(),
            title: s.title.clone(),
            organisation: s.organisation.clone(),
            theme_position: theme_position(&themes, s),
            location: s.location.clone(),
            ideas: counts.iter().find(|(id, _)| *id == s.id).map(|(_, n)| *n).unwrap_or(0),
            active: s.is_active(),
        })
        .collect();
    let ListQuery { fait, code } = query.into_inner();
    let flash = match fait.as_str() {
        "cree" => Some(format!("Le stand {code} a été créé.")),
        "modifie" => Some(format!("Le stand {code} a été modifié.")),
        "revoque" => {
            Some(format!("L'adresse du stand {code} est révoquée : elle mène désormais à une page introuvable."))
        }
        "retabli" => Some(format!("L'adresse du stand {code} fonctionne de nouveau.")),
        _ => None,
    };
    render(
        &ListPage {
            layout: Layout::for_request(&req, "Stands de la chasse aux trésors", "home"),
            slug: consultation.slug,
            consultation: consultation.title,
            rows,
            flash,
        },
        StatusCode::OK,
    )
}

struct ThemeChoice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "stands/form.html")]
struct FormPage {
    layout: Layout,
    slug: String,
    consultation: String,
    /// None when creating.
    stand: Option<(String, String, bool)>,
    action: String,
    themes: Vec<ThemeChoice>,
    form: StandForm,
    errors: Vec<FieldError>,
    max_position: i32,
    max_description: usize,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn form_page(
    req: &HttpRequest,
    consultation: &Consultation,
    themes: &[Theme],
    stand: Option<&Stand>,
    form: StandForm,
    errors: ValidationErrors,
) -> FormPage {
    let name = match stand {
        Some(s) => format!("Modifier le stand {}", s.code),
        None => "Nouveau stand".to_owned(),
    };
    let title = if errors.is_empty() { name } else { format!("Erreur — {name}") };
    FormPage {
        layout: Layout::for_request(req, title, "home"),
        slug: consultation.slug.clone(),
        consultation: consultation.title.clone(),
        action: match stand {
            Some(s) => format!("/staff/stands/{}", s.id),
            None => format!("/staff/consultations/{}/stands/nouveau", consultation.slug),
        },
        stand: stand.map(|s| (s.id.to_string(), s.code.clone(), s.is_active())),
        themes: themes
            .iter()
            .map(|t| ThemeChoice {
                value: t.position.to_string(),
                label: format!("{}. {}", t.position, t.title),
                selected: form.theme == t.position.to_string(),
            })
            .collect(),
        form,
        errors: errors.0,
        max_position: MAX_POSITION,
        max_description: MAX_DESCRIPTION_CHARS,
    }
}

/// The fields of the stand form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Fields {
    theme: String,
    position: String,
    title: String,
    organisation: String,
    description: String,
    location: String,
}

impl From<Fields> for StandForm {
    fn from(f: Fields) -> Self {
        StandForm {
            theme: f.theme,
            position: f.position,
            title: f.title,
            organisation: f.organisation,
            description: f.description,
            location: f.location,
        }
    }
}

fn list_url(slug: &str, done: &str, code: &str) -> String {
    format!("/staff/consultations/{slug}/stands?fait={done}&code={code}")
}

/// `GET /staff/consultations/{slug}/stands/nouveau`.
pub async fn new_form(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (consultation, themes, next) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let themes = themes_of(conn, consultation.id)?;
            let next = stands_of(conn, consultation.id)?.iter().map(|s| s.position).max().unwrap_or(0) + 1;
            Ok((consultation, themes, next))
        })
        .await?;
    let form = StandForm { position: next.to_string(), ..StandForm::default() };
    render(&form_page(&req, &consultation, &themes, None, form, ValidationErrors::default()), StatusCode::OK)
}

/// `POST /staff/consultations/{slug}/stands/nouveau`: creates the stand with a fresh code.
pub async fn create(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    fields: CsrfForm<Fields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let form: StandForm = fields.into_inner().into();
    let typed = form.clone();
    let actor = staff.0.id;
    let (consultation, themes, outcome) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let themes = themes_of(conn, consultation.id)?;
            let outcome = match create_stand(conn, &consultation, &typed, Some(actor)) {
                Ok(stand) => Ok(stand),
                Err(CoreError::Validation(errors)) => Err(errors),
                Err(other) => return Err(other.into()),
            };
            Ok((consultation, themes, outcome))
        })
        .await?;
    match outcome {
        Ok(stand) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, list_url(&consultation.slug, "cree", &stand.code)))
            .finish()),
        Err(errors) => {
            render(&form_page(&req, &consultation, &themes, None, form, errors), StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

fn stand_id(raw: &str) -> Result<Id, AppError> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

/// `GET /staff/stands/{id}`: the edit form, with the revoke or restore button.
pub async fn edit_form(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = stand_id(&id)?;
    let (consultation, themes, stand) = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = find_stand(conn, id)?;
            let consultation = consultation_of(conn, &stand)?;
            let themes = themes_of(conn, consultation.id)?;
            Ok((consultation, themes, stand))
        })
        .await?;
    let form = StandForm::of(&stand, &themes);
    render(&form_page(&req, &consultation, &themes, Some(&stand), form, ValidationErrors::default()), StatusCode::OK)
}

/// `POST /staff/stands/{id}`: saves the edit (the code stays).
pub async fn update(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    fields: CsrfForm<Fields>,
) -> Result<HttpResponse, AppError> {
    let id = stand_id(&id)?;
    let form: StandForm = fields.into_inner().into();
    let typed = form.clone();
    let actor = staff.0.id;
    let (consultation, themes, stand, outcome) = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = find_stand(conn, id)?;
            let consultation = consultation_of(conn, &stand)?;
            let themes = themes_of(conn, consultation.id)?;
            let outcome = match update_stand(conn, id, &typed, actor) {
                Ok(_) => Ok(()),
                Err(CoreError::Validation(errors)) => Err(errors),
                Err(other) => return Err(other.into()),
            };
            Ok((consultation, themes, stand, outcome))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, list_url(&consultation.slug, "modifie", &stand.code)))
            .finish()),
        Err(errors) => render(
            &form_page(&req, &consultation, &themes, Some(&stand), form, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

async fn set_revoked(
    state: web::Data<AppState>,
    staff: Staff,
    id: &str,
    revoke: bool,
) -> Result<HttpResponse, AppError> {
    let id = stand_id(id)?;
    let actor = staff.0.id;
    let (slug, code) = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = set_stand_revoked(conn, id, revoke, actor)?;
            Ok((consultation_of(conn, &stand)?.slug, stand.code))
        })
        .await?;
    let done = if revoke { "revoque" } else { "retabli" };
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, list_url(&slug, done, &code))).finish())
}

/// `POST /staff/stands/{id}/revoquer`: the stand's address answers 404 from now on.
pub async fn revoke(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    set_revoked(state, staff, &id, true).await
}

/// `POST /staff/stands/{id}/retablir`: the stand's address works again.
pub async fn restore(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    set_revoked(state, staff, &id, false).await
}

struct Poster {
    position: i32,
    code: String,
    title: String,
    organisation: String,
    location: String,
    theme_position: i32,
    theme: String,
    /// The address without its scheme, as one types it.
    short_address: String,
    address: String,
    qr: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "stands/poster.html")]
struct PosterPage {
    title: String,
    consultation: String,
    back: String,
    /// The same posters as an A4 PDF.
    pdf: String,
    posters: Vec<Poster>,
}

fn poster(base_url: &str, themes: &[Theme], stand: &Stand) -> Result<Poster, AppError> {
    let address = stand.address(base_url);
    let short_address =
        address.trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.").to_owned();
    let theme = themes.iter().find(|t| t.id == stand.theme_id);
    Ok(Poster {
        position: stand.position,
        code: stand.code.clone(),
        title: stand.title.clone(),
        organisation: stand.organisation.clone(),
        location: stand.location.clone(),
        theme_position: theme.map(|t| t.position).unwrap_or(0),
        theme: theme.map(|t| t.title.clone()).unwrap_or_default(),
        short_address,
        qr: qr_svg(&address)?,
        address,
        active: stand.is_active(),
    })
}

/// What a stand's printed poster says.
fn sheet(base_url: &str, themes: &[Theme], stand: &Stand) -> PosterSheet {
    let address = stand.address(base_url);
    let theme = themes.iter().find(|t| t.id == stand.theme_id);
    PosterSheet {
        position: stand.position,
        title: stand.title.clone(),
        organisation: stand.organisation.clone(),
        location: stand.location.clone(),
        theme: theme.map(|t| format!("Thème {} : {}", t.position, t.title)).unwrap_or_default(),
        short_address: address
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.")
            .to_owned(),
        address,
        code: stand.code.clone(),
    }
}

fn pdf(name: String, bytes: Vec<u8>) -> HttpResponse {
    crate::views::download("application/pdf", &name, bytes)
}

/// `GET /staff/stands/{id}/affiche.pdf`: the stand's poster as an A4 PDF.
pub async fn poster_pdf(
    _staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = stand_id(&id)?;
    let base_url = state.config.base_url.clone();
    let (name, bytes) = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = find_stand(conn, id)?;
            let consultation = consultation_of(conn, &stand)?;
            let themes = themes_of(conn, consultation.id)?;
            let bytes = posters_pdf(&consultation.title, &[sheet(&base_url, &themes, &stand)])?;
            Ok((format!("affiche-stand-{}.pdf", stand.position), bytes))
        })
        .await?;
    Ok(pdf(name, bytes))
}

/// `GET /staff/consultations/{slug}/stands/affiches.pdf`: every active stand's poster, one A4
/// page each.
pub async fn posters_pdf_all(
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let base_url = state.config.base_url.clone();
    let (name, bytes) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let themes = themes_of(conn, consultation.id)?;
            let sheets: Vec<PosterSheet> = stands_of(conn, consultation.id)?
                .iter()
                .filter(|s| s.is_active())
                .map(|s| sheet(&base_url, &themes, s))
                .collect();
            Ok((format!("affiches-stands-{}.pdf", consultation.slug), posters_pdf(&consultation.title, &sheets)?))
        })
        .await?;
    Ok(pdf(name, bytes))
}

/// `GET /staff/stands/{id}/affiche`: the stand's A4 poster, to print.
pub async fn poster_page(
    _staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = stand_id(&id)?;
    let base_url = state.config.base_url.clone();
    let page = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = find_stand(conn, id)?;
            let consultation = consultation_of(conn, &stand)?;
            let themes = themes_of(conn, consultation.id)?;
            Ok(PosterPage {
                title: format!("Affiche du stand {} — {}", stand.position, stand.title),
                back: format!("/staff/stands/{}", stand.id),
                pdf: format!("/staff/stands/{}/affiche.pdf", stand.id),
                posters: vec![poster(&base_url, &themes, &stand)?],
                consultation: consultation.title,
            })
        })
        .await?;
    render(&page, StatusCode::OK)
}

/// `GET /staff/consultations/{slug}/stands/affiches`: every active stand's poster, one per page.
pub async fn posters_page(
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let base_url = state.config.base_url.clone();
    let page = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let themes = themes_of(conn, consultation.id)?;
            let posters = stands_of(conn, consultation.id)?
                .iter()
                .filter(|s| s.is_active())
                .map(|s| poster(&base_url, &themes, s))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(PosterPage {
                title: "Affiches des stands de la chasse aux trésors".into(),
                back: format!("/staff/consultations/{}/stands", consultation.slug),
                pdf: format!("/staff/consultations/{}/stands/affiches.pdf", consultation.slug),
                posters,
                consultation: consultation.title,
            })
        })
        .await?;
    render(&page, StatusCode::OK)
}
