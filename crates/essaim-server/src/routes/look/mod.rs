//! Look and legal pages (docs/look-and-legal.md): the three legal pages of the installation
//! and of each consultation, the consultation's logo and stylesheet, and the pages where staff
//! change them (administrators for the installation's). The rules are in
//! `essaim_core::domain::look`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::domain::consultation::{find_consultation, find_visible_consultation, Consultation};
use essaim_core::domain::look::legal::{blocks, Block};
use essaim_core::domain::look::logo::{too_large, MAX_ALT_CHARS, MAX_LOGO_BYTES};
use essaim_core::domain::look::{change_look, legal_page, logo_of, look_of, set_legal_page, LegalKind, LookChange};
use essaim_core::domain::Role;
use essaim_core::{CoreError, FieldError};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::current_user;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm, CsrfMultipart, NoFields, Staff};
use crate::views::{render, Layout};

/// The largest appearance form: the logo and a few short fields.
pub const APPEARANCE_LIMIT: usize = MAX_LOGO_BYTES + 16 * 1024;
/// The largest legal page form: 40,000 characters, URL-encoded.
pub const PAGE_FORM_LIMIT: usize = 512 * 1024;

fn kind_in_path(req: &HttpRequest) -> Result<LegalKind, AppError> {
    req.match_info()
        .get("kind")
        .or_else(|| req.path().rsplit('/').next())
        .and_then(LegalKind::from_slug)
        .ok_or(AppError::NotFound)
}

fn is_staff(req: &HttpRequest) -> bool {
    current_user(req).is_some_and(|a| matches!(a.role, Role::Admin | Role::Staff))
}

#[derive(Template)]
#[template(path = "look/legal.html")]
struct LegalPageView {
    layout: Layout,
    heading: &'static str,
    /// (slug, title) of the consultation the page belongs to.
    consultation: Option<(String, String)>,
    blocks: Vec<Block>,
}

/// `GET /mentions-legales`, `/donnees-personnelles`, `/accessibilite`: the installation's.
pub async fn installation_page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let kind = kind_in_path(&req)?;
    let page = state.db(move |conn| legal_page(conn, None, kind).map_err(AppError::from)).await?;
    let view = LegalPageView {
        layout: Layout::for_request(&req, kind.heading(), ""),
        heading: kind.heading(),
        consultation: None,
        blocks: blocks(&page.body),
    };
    render(&view, StatusCode::OK)
}

/// `GET /consultations/{slug}/mentions-legales` (and the two others): the consultation's.
pub async fn consultation_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_in_path(&req)?;
    let staff = is_staff(&req);
    let slug = slug.into_inner();
    let (consultation, look, page) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_visible_consultation(conn, &slug, staff)?;
            let look = look_of(conn, consultation.id)?;
            let page = legal_page(conn, Some(&consultation), kind)?;
            Ok((consultation, look, page))
        })
        .await?;
    let view = LegalPageView {
        layout: Layout::for_request(&req, format!("{} — {}", kind.heading(), consultation.title), "home")
            .for_consultation(&consultation.slug, &look),
        heading: kind.heading(),
        consultation: Some((consultation.slug, consultation.title)),
        blocks: blocks(&page.body),
    };
    render(&view, StatusCode::OK)
}

/// `GET /consultations/{slug}/logo`: the organisers' logo, a PNG encoded by the server.
pub async fn logo(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let staff = is_staff(&req);
    let slug = slug.into_inner();
    let png = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_visible_consultation(conn, &slug, staff)?;
            Ok(logo_of(conn, consultation.id)?)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        .body(png))
}

/// `GET /consultations/{slug}/apparence.css`: the consultation's accent colour as the theme's
/// custom properties (empty without one).
pub async fn stylesheet(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let staff = is_staff(&req);
    let slug = slug.into_inner();
    let look = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_visible_consultation(conn, &slug, staff)?;
            Ok(look_of(conn, consultation.id)?)
        })
        .await?;
    let css = look.accent_colour.as_deref().map(essaim_core::domain::look::colour::stylesheet).unwrap_or_default();
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(css))
}

/// A legal page in the staff's list.
struct PageLine {
    slug: &'static str,
    heading: &'static str,
    customised: bool,
}

#[derive(Template)]
#[template(path = "look/appearance.html")]
struct AppearancePage {
    layout: Layout,
    slug: String,
    title: String,
    organisers: String,
    accent_colour: String,
    logo_alt: String,
    logo_src: Option<String>,
    errors: Vec<FieldError>,
    done: bool,
    pages: Vec<PageLine>,
    max_kib: usize,
    max_alt: usize,
}

impl AppearancePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// What the appearance page was redirected with.
#[derive(Deserialize)]
pub struct DoneQuery {
    /// Set after a change was kept.
    fait: Option<String>,
}

/// What was typed, shown again after a refusal.
struct Typed {
    accent_colour: String,
    logo_alt: String,
}

async fn appearance(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    typed: Option<Typed>,
    errors: Vec<FieldError>,
    done: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (consultation, look, pages) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let look = look_of(conn, consultation.id)?;
            let mut pages = Vec::new();
            for kind in LegalKind::ALL {
                let page = legal_page(conn, Some(&consultation), kind)?;
                pages.push(PageLine { slug: kind.slug(), heading: kind.heading(), customised: page.customised });
            }
            Ok((consultation, look, pages))
        })
        .await?;
    let typed = typed.unwrap_or_else(|| Typed {
        accent_colour: look.accent_colour.clone().unwrap_or_default(),
        logo_alt: look.logo_alt.clone().unwrap_or_default(),
    });
    let page = AppearancePage {
        layout: Layout::for_request(req, format!("Apparence — {}", consultation.title), "staff")
            .for_consultation(&consultation.slug, &look),
        logo_src: look
            .logo_alt
            .as_ref()
            .map(|_| format!("/consultations/{}/logo?v={}", consultation.slug, look.version())),
        slug: consultation.slug,
        title: consultation.title,
        organisers: consultation.organisers,
        accent_colour: typed.accent_colour,
        logo_alt: typed.logo_alt,
        errors,
        done,
        pages,
        max_kib: MAX_LOGO_BYTES / 1024,
        max_alt: MAX_ALT_CHARS,
    };
    render(&page, status)
}

/// `GET /staff/consultations/{slug}/apparence`: colour, logo and legal pages.
pub async fn appearance_form(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    appearance(&req, &state, slug.into_inner(), None, Vec::new(), query.fait.is_some(), StatusCode::OK).await
}

/// `POST /staff/consultations/{slug}/apparence` (multipart: the logo file): all or nothing.
pub async fn appearance_save(
    req: HttpRequest,
    Staff(account): Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfMultipart<APPEARANCE_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let parts = match form {
        CsrfMultipart::TooLarge => {
            let errors = vec![FieldError { field: "logo".into(), message: too_large() }];
            return appearance(&req, &state, slug, None, errors, false, StatusCode::PAYLOAD_TOO_LARGE).await;
        }
        CsrfMultipart::Checked(parts) => parts,
    };
    let text = |name: &str| CsrfMultipart::<APPEARANCE_LIMIT>::text(&parts, name).unwrap_or_default();
    let typed = Typed { accent_colour: text("accent_colour"), logo_alt: text("logo_alt") };
    let logo = parts
        .iter()
        .find(|p| p.name == "logo" && !(p.data.is_empty() && p.filename.as_deref().is_none_or(str::is_empty)))
        .map(|p| p.data.clone());
    let change = LookChange {
        accent_colour: Some(typed.accent_colour.clone()),
        logo,
        logo_alt: Some(typed.logo_alt.clone()),
        remove_logo: text("remove_logo") == "1",
    };
    let target = slug.clone();
    let saved = state
        .db(move |conn| -> Result<_, CoreError> {
            let consultation = find_consultation(conn, &target)?;
            change_look(conn, Some(account.id), consultation.id, &change)
        })
        .await;
    match saved {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/staff/consultations/{slug}/apparence?fait=1")))
            .finish()),
        Err(CoreError::Validation(refused)) => {
            appearance(&req, &state, slug, Some(typed), refused.0, false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "look/edit_page.html")]
struct EditPage {
    layout: Layout,
    heading: &'static str,
    /// Where the form is sent (its reset is `{action}/defaut`).
    action: String,
    /// Back to the consultation's appearance page, or the administration.
    back: String,
    back_label: String,
    /// Where the page is read.
    public: String,
    body: String,
    customised: bool,
    error: Option<String>,
    done: Option<&'static str>,
}

/// The text of a legal page, as sent.
#[derive(Deserialize)]
pub struct PageForm {
    #[serde(default)]
    body: String,
}

/// What the edit page was redirected with.
#[derive(Deserialize)]
pub struct EditQuery {
    /// `enregistree` or `defaut`.
    fait: Option<String>,
}

struct EditTarget {
    consultation: Option<Consultation>,
    kind: LegalKind,
}

impl EditTarget {
    fn action(&self) -> String {
        match &self.consultation {
            Some(c) => format!("/staff/consultations/{}/pages-legales/{}", c.slug, self.kind.slug()),
            None => format!("/admin/pages-legales/{}", self.kind.slug()),
        }
    }
}

/// What the edit page shows besides the page: the text typed (after a refusal), the refusal,
/// what was just done.
#[derive(Default)]
struct Shown<'a> {
    typed: Option<String>,
    error: Option<String>,
    done: Option<&'a str>,
}

async fn edit_page(
    req: &HttpRequest,
    state: &AppState,
    slug: Option<String>,
    kind: LegalKind,
    shown: Shown<'_>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let Shown { typed, error, done } = shown;
    let (target, page, look) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = slug.map(|s| find_consultation(conn, &s)).transpose()?;
            let page = legal_page(conn, consultation.as_ref(), kind)?;
            let look = match &consultation {
                Some(c) => Some(look_of(conn, c.id)?),
                None => None,
            };
            Ok((EditTarget { consultation, kind }, page, look))
        })
        .await?;
    let layout = Layout::for_request(
        req,
        format!("Modifier : {}", kind.heading()),
        if target.consultation.is_some() { "staff" } else { "admin" },
    );
    let (layout, back, back_label, public) = match (&target.consultation, &look) {
        (Some(c), Some(look)) => (
            layout.for_consultation(&c.slug, look),
            format!("/staff/consultations/{}/apparence", c.slug),
            format!("Apparence et pages légales — {}", c.title),
            format!("/consultations/{}/{}", c.slug, kind.slug()),
        ),
        _ => (layout, "/admin".to_owned(), "Administration".to_owned(), format!("/{}", kind.slug())),
    };
    let page = EditPage {
        layout,
        heading: kind.heading(),
        action: target.action(),
        back,
        back_label,
        public,
        body: typed.unwrap_or(page.body),
        customised: page.customised,
        error,
        done: match done {
            Some("enregistree") => Some("La page est enregistrée."),
            Some("defaut") => Some("La page a repris son texte par défaut."),
            _ => None,
        },
    };
    render(&page, status)
}

async fn save_page(
    req: &HttpRequest,
    state: &AppState,
    actor: essaim_core::db::Id,
    slug: Option<String>,
    kind: LegalKind,
    body: Option<String>,
) -> Result<HttpResponse, AppError> {
    let target_slug = slug.clone();
    let text = body.clone();
    let saved = state
        .db(move |conn| -> Result<_, CoreError> {
            let consultation = target_slug.map(|s| find_consultation(conn, &s)).transpose()?;
            set_legal_page(conn, Some(actor), consultation.as_ref().map(|c| c.id), kind, text.as_deref())?;
            Ok(consultation.map(|c| c.slug))
        })
        .await;
    match saved {
        Ok(saved_slug) => {
            let target = EditTarget { consultation: None, kind };
            let action = match saved_slug {
                Some(s) => format!("/staff/consultations/{s}/pages-legales/{}", kind.slug()),
                None => target.action(),
            };
            let done = if body.is_some() { "enregistree" } else { "defaut" };
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("{action}?fait={done}"))).finish())
        }
        Err(CoreError::Validation(refused)) => {
            let message = refused.0.into_iter().next().map(|e| e.message);
            edit_page(
                req,
                state,
                slug,
                kind,
                Shown { typed: body, error: message, done: None },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /staff/consultations/{slug}/pages-legales/{kind}`.
pub async fn page_form(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_in_path(&req)?;
    let (slug, _) = path.into_inner();
    let shown = Shown { done: query.fait.as_deref(), ..Shown::default() };
    edit_page(&req, &state, Some(slug), kind, shown, StatusCode::OK).await
}

/// `POST /staff/consultations/{slug}/pages-legales/{kind}`.
pub async fn page_save(
    req: HttpRequest,
    Staff(account): Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<PageForm, PAGE_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_in_path(&req)?;
    let (slug, _) = path.into_inner();
    save_page(&req, &state, account.id, Some(slug), kind, Some(form.into_inner().body)).await
}

/// `POST /staff/consultations/{slug}/pages-legales/{kind}/defaut`: back to the default text.
pub async fn page_reset(
    req: HttpRequest,
    Staff(account): Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_in_path(&req)?;
    let (slug, _) = path.into_inner();
    save_page(&req, &state, account.id, Some(slug), kind, None).await
}

/// `GET /admin/pages-legales/{kind}`: the installation's page.
pub async fn installation_form(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_in_path(&req)?;
    let shown = Shown { done: query.fait.as_deref(), ..Shown::default() };
    edit_page(&req, &state, None, kind, shown, StatusCode::OK).await
}

/// `POST /admin/pages-legales/{kind}`.
pub async fn installation_save(
    req: HttpRequest,
    Admin(account): Admin,
    state: web::Data<AppState>,
    form: CsrfForm<PageForm, PAGE_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_in_path(&req)?;
    save_page(&req, &state, account.id, None, kind, Some(form.into_inner().body)).await
}

/// `POST /admin/pages-legales/{kind}/defaut`.
pub async fn installation_reset(
    req: HttpRequest,
    Admin(account): Admin,
    state: web::Data<AppState>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_in_path(&req)?;
    save_page(&req, &state, account.id, None, kind, None).await
}

/// Registers the routes.
pub fn register(cfg: &mut web::ServiceConfig) {
    for kind in LegalKind::ALL {
        cfg.service(super::get(&format!("/{}", kind.slug()), installation_page));
        cfg.service(super::get(&format!("/consultations/{{slug}}/{}", kind.slug()), consultation_page));
    }
    cfg.service(super::get("/consultations/{slug}/logo", logo))
        .service(super::get("/consultations/{slug}/apparence.css", stylesheet))
        .service(super::get_post("/staff/consultations/{slug}/apparence", appearance_form, appearance_save))
        .service(super::get_post("/staff/consultations/{slug}/pages-legales/{kind}", page_form, page_save))
        .service(super::post("/staff/consultations/{slug}/pages-legales/{kind}/defaut", page_reset))
        .service(super::get_post("/admin/pages-legales/{kind}", installation_form, installation_save))
        .service(super::post("/admin/pages-legales/{kind}/defaut", installation_reset));
}
