//! The visitor's side of the treasure hunt: a stand's page (made for a phone) with its idea
//! form, the confirmation, the passport stamp and the passport page. No account.

use actix_web::cookie::time;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::{territories_of, themes_of};
use essaim_core::domain::contribution::MAX_CONTRIBUTION_CHARS;
use essaim_core::domain::{Consultation, Territory, Theme};
use essaim_core::security::random_token;
use essaim_core::{CoreError, FieldError, ValidationErrors};
use essaim_workshops::passport::{is_passport_id, new_passport_id, passport_of, stamp as stamp_passport};
use essaim_workshops::stands::ideas::{idea_with_key, leave_idea, IdeaForm, IdeaOutcome, Sender};
use essaim_workshops::stands::{consultation_of, stand_by_code, Stand};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{secure_cookie, CSRF_COOKIE};
use crate::error::{minutes, AppError};
use crate::extract::{CsrfForm, NoFields, CONTRIBUTION_FORM_LIMIT};
use crate::views::{
    kind_choices, render, render_error_page, territory_choices, ErrorPage, KindChoice, Layout, TerritoryChoice,
};

/// The cookie holding the visitor's passport id (random; nothing personal).
pub const PASSPORT_COOKIE: &str = "essaim_passeport";

/// What a stand's page needs besides the stand.
struct Context {
    consultation: Consultation,
    theme: Theme,
    territories: Vec<Territory>,
    total: usize,
    stamped: bool,
}

fn context(conn: &mut DbConnection, stand: &Stand, passport: Option<&str>) -> Result<Context, AppError> {
    let consultation = consultation_of(conn, stand)?;
    let theme = themes_of(conn, consultation.id)?
        .into_iter()
        .find(|t| t.id == stand.theme_id)
        .ok_or_else(|| AppError::Internal("thème du stand absent".into()))?;
    let territories = territories_of(conn, consultation.id)?;
    let passport = passport_of(conn, consultation.id, passport)?;
    Ok(Context { stamped: passport.has(stand.id), total: passport.total(), consultation, theme, territories })
}

fn passport_cookie(req: &HttpRequest) -> Option<String> {
    req.cookie(PASSPORT_COOKIE).map(|c| c.value().to_owned()).filter(|v| is_passport_id(v))
}

#[derive(Template)]
#[template(path = "stands/stand.html")]
struct StandPage {
    layout: Layout,
    slug: String,
    consultation: String,
    code: String,
    position: i32,
    total: usize,
    title: String,
    organisation: String,
    description: String,
    location: String,
    theme_position: i32,
    theme: String,
    kinds: Vec<KindChoice>,
    territories: Vec<TerritoryChoice>,
    form: IdeaForm,
    errors: Vec<FieldError>,
    limited: Option<String>,
    stamped: bool,
    just_stamped: bool,
    max_chars: usize,
}

impl StandPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn anchor(field: &str) -> &str {
    match field {
        "kind" => "kind-constat",
        "body" | "organisation" | "territory" => field,
        _ => "body",
    }
}

fn stand_page(
    req: &HttpRequest,
    stand: Stand,
    ctx: Context,
    form: IdeaForm,
    errors: ValidationErrors,
    limited: Option<String>,
    just_stamped: bool,
) -> StandPage {
    let refused = !errors.is_empty() || limited.is_some();
    let title =
        if refused { format!("Erreur — Stand : {}", stand.title) } else { format!("Stand : {}", stand.title) };
    StandPage {
        layout: Layout::for_request(req, title, "home"),
        slug: ctx.consultation.slug,
        consultation: ctx.consultation.title,
        code: stand.code,
        position: stand.position,
        total: ctx.total,
        title: stand.title,
        organisation: stand.organisation,
        description: stand.description,
        location: stand.location,
        theme_position: ctx.theme.position,
        theme: ctx.theme.title,
        kinds: kind_choices(&form.kind),
        territories: territory_choices(&ctx.territories, &form.territory),
        form,
        errors: errors.0.into_iter().map(|e| FieldError { field: anchor(&e.field).to_owned(), ..e }).collect(),
        limited,
        stamped: ctx.stamped,
        just_stamped,
        max_chars: MAX_CONTRIBUTION_CHARS,
    }
}

/// A stand code that leads to no stand (mistyped from the poster, or revoked): still a 404,
/// but one that says what to do rather than the generic « Page introuvable ».
fn unknown_stand() -> HttpResponse {
    render_error_page(&ErrorPage::new(
        StatusCode::NOT_FOUND,
        "Stand introuvable",
        "Aucun stand de la chasse aux trésors ne porte ce code. Vérifiez le code affiché sur le stand (sur son affiche, sous le code QR) et tapez-le de nouveau, ou flashez le code QR.".into(),
    ))
}

/// Query of a stand's page.
#[derive(Debug, Default, Deserialize)]
pub struct StandQuery {
    /// `1` right after the passport was stamped.
    #[serde(default)]
    tampon: String,
}

/// `GET /s/{code}`: the stand and its idea form, with a fresh idempotency key. An unknown or
/// revoked code is the French 404.
pub async fn stand(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<StandQuery>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let passport = passport_cookie(&req);
    let found = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = stand_by_code(conn, &code)?;
            let ctx = context(conn, &stand, passport.as_deref())?;
            Ok((stand, ctx))
        })
        .await;
    let (stand, ctx) = match found {
        Err(AppError::NotFound) => return Ok(unknown_stand()),
        other => other?,
    };
    let form = IdeaForm { idempotency_key: random_token(), ..IdeaForm::default() };
    let just_stamped = query.tampon == "1" && ctx.stamped;
    render(&stand_page(&req, stand, ctx, form, ValidationErrors::default(), None, just_stamped), StatusCode::OK)
}

/// The fields of the idea form, as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Fields {
    kind: String,
    body: String,
    organisation: String,
    territory: String,
    idempotency_key: String,
}

fn thanks_url(code: &str, key: &str) -> String {
    let key: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
    format!("/s/{code}/merci?cle={key}")
}

/// The message of a refusal for too many sendings, next to the kept text.
pub fn limited_message(retry_after_secs: i64) -> String {
    let m = minutes(retry_after_secs);
    format!(
        "Trop d'idées ont été envoyées depuis cet appareil ou cette connexion en peu de temps. Votre texte est conservé ci-dessous : envoyez-le de nouveau dans {m} minute{}.",
        if m > 1 { "s" } else { "" }
    )
}

/// `POST /s/{code}`: leaves the idea (once per key) and shows its confirmation; a refused
/// form comes back with everything typed (422), as does one over the limits (429).
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    fields: CsrfForm<Fields, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let fields = fields.into_inner();
    let mut form = IdeaForm {
        kind: fields.kind,
        body: fields.body,
        organisation: fields.organisation,
        territory: fields.territory,
        idempotency_key: fields.idempotency_key.trim().to_owned(),
    };
    if form.idempotency_key.is_empty() {
        form.idempotency_key = random_token();
    }
    // The device is the browser's own random cookie (the form could not be sent without it).
    let sender = Sender {
        device: req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default(),
        address: state.client_pseudonym(&req).await?,
    };
    let passport = passport_cookie(&req);
    let typed = form.clone();
    let (stand, ctx, outcome) = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = stand_by_code(conn, &code)?;
            let outcome = match leave_idea(conn, &stand, &typed, &sender) {
                Ok(IdeaOutcome::Recorded { .. }) => Ok(()),
                Ok(IdeaOutcome::Limited { retry_after_secs }) => Err((ValidationErrors::default(), Some(retry_after_secs), false)),
                Err(CoreError::Validation(errors)) => Err((errors, None, false)),
                Err(CoreError::Conflict(_)) => {
                    let mut errors = ValidationErrors::default();
                    errors.add(
                        "body",
                        "Ce formulaire a déjà servi à envoyer une autre idée. Vérifiez votre texte, puis envoyez-le de nouveau : il sera enregistré comme une nouvelle idée.",
                    );
                    Err((errors, None, true))
                }
                Err(other) => return Err(other.into()),
            };
            let ctx = context(conn, &stand, passport.as_deref())?;
            Ok((stand, ctx, outcome))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, thanks_url(&stand.code, &form.idempotency_key)))
            .finish()),
        Err((errors, Some(retry), _)) => {
            let mut response = render(
                &stand_page(&req, stand, ctx, form, errors, Some(limited_message(retry)), false),
                StatusCode::TOO_MANY_REQUESTS,
            )?;
            if let Ok(value) = header::HeaderValue::from_str(&retry.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        Err((errors, None, conflict)) => {
            let status = if conflict {
                form.idempotency_key = random_token();
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render(&stand_page(&req, stand, ctx, form, errors, None, false), status)
        }
    }
}

#[derive(Template)]
#[template(path = "stands/thanks.html")]
struct ThanksPage {
    layout: Layout,
    slug: String,
    consultation: String,
    code: String,
    title: String,
    theme: String,
    kind: &'static str,
    body: String,
    stamped: bool,
}

/// Query of the confirmation page.
#[derive(Debug, Deserialize)]
pub struct ThanksQuery {
    #[serde(default)]
    cle: String,
}

/// `GET /s/{code}/merci?cle=…`: the confirmation, the same however many times it was sent.
pub async fn thanks(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<ThanksQuery>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let key = query.into_inner().cle;
    let passport = passport_cookie(&req);
    let (stand, ctx, idea) = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = stand_by_code(conn, &code)?;
            let idea = idea_with_key(conn, &stand, &key)?.ok_or(AppError::NotFound)?;
            let ctx = context(conn, &stand, passport.as_deref())?;
            Ok((stand, ctx, idea))
        })
        .await?;
    render(
        &ThanksPage {
            layout: Layout::for_request(&req, "Idée reçue", "home"),
            slug: ctx.consultation.slug,
            consultation: ctx.consultation.title,
            code: stand.code,
            title: stand.title,
            theme: ctx.theme.title,
            kind: idea.kind.label(),
            body: idea.body,
            stamped: ctx.stamped,
        },
        StatusCode::OK,
    )
}

/// `POST /s/{code}/tampon`: stamps the stand in the visitor's passport (made now if they have
/// none: a random id in a cookie), then back to the stand.
pub async fn stamp(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let existing = passport_cookie(&req);
    let passport = existing.clone().unwrap_or_else(new_passport_id);
    let id = passport.clone();
    let stand = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = stand_by_code(conn, &code)?;
            stamp_passport(conn, &id, &stand)?;
            Ok(stand)
        })
        .await?;
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, format!("{}?tampon=1#passeport", stand.path())));
    if existing.is_none() {
        let mut cookie = secure_cookie(PASSPORT_COOKIE, passport, state.config.behind_tls());
        // Kept through the conference day even if the phone's browser is closed.
        cookie.set_max_age(time::Duration::days(7));
        response.cookie(cookie);
    }
    Ok(response.finish())
}

struct PassportItem {
    /// The stand's code: its page is `/s/{code}`.
    code: String,
    position: i32,
    title: String,
    organisation: String,
    location: String,
    theme_position: i32,
    visited: bool,
}

#[derive(Template)]
#[template(path = "stands/passport.html")]
struct PassportPage {
    layout: Layout,
    slug: String,
    consultation: String,
    items: Vec<PassportItem>,
    visited: usize,
    total: usize,
}

/// `GET /consultations/{slug}/passeport`: the circuit, with the stands this visitor stamped.
pub async fn passport(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let id = passport_cookie(&req);
    let (consultation, themes, passport) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = essaim_core::domain::consultation::find_consultation(conn, &slug)?;
            let themes = themes_of(conn, consultation.id)?;
            let passport = passport_of(conn, consultation.id, id.as_deref())?;
            Ok((consultation, themes, passport))
        })
        .await?;
    let (visited, total) = (passport.visited(), passport.total());
    let items = passport
        .lines
        .into_iter()
        .map(|l| PassportItem {
            code: l.stand.code,
            position: l.stand.position,
            theme_position: themes.iter().find(|t| t.id == l.stand.theme_id).map(|t| t.position).unwrap_or(0),
            title: l.stand.title,
            organisation: l.stand.organisation,
            location: l.stand.location,
            visited: l.stamped_at.is_some(),
        })
        .collect();
    render(
        &PassportPage {
            layout: Layout::for_request(&req, "Mon passeport de la chasse aux trésors", "home"),
            slug: consultation.slug,
            consultation: consultation.title,
            items,
            visited,
            total,
        },
        StatusCode::OK,
    )
}
