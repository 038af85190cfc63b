//! The public side: a theme's contribution form, its confirmation, and the page of the
//! theme's accepted contributions.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::online::{submit_online, submitted_with_key, OnlineForm};
use essaim_core::db::Id;
use essaim_core::domain::consultation::territories_of;
use essaim_core::domain::contribution::{accepted_of_theme, moderation_counts, MAX_CONTRIBUTION_CHARS, PAGE_SIZE};
use essaim_core::domain::Territory;
use essaim_core::mail::limits::Requester;
use essaim_core::security::random_token;
use essaim_core::{CoreError, FieldError, ValidationErrors};
use essaim_synthesis::scrub::Scrubber;
use serde::Deserialize;

use super::consultation_theme;
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, CONTRIBUTION_FORM_LIMIT};
use crate::views::{french_date, kind_choices, render, territory_choices, KindChoice, Layout, TerritoryChoice};

/// The fields of the public form, as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Fields {
    kind: String,
    body: String,
    organisation: String,
    territory: String,
    email: String,
    idempotency_key: String,
}

#[derive(Template)]
#[template(path = "contributions/form.html")]
struct FormPage {
    layout: Layout,
    slug: String,
    consultation: String,
    position: i32,
    theme: String,
    theme_description: String,
    kinds: Vec<KindChoice>,
    territories: Vec<TerritoryChoice>,
    form: OnlineForm,
    errors: Vec<FieldError>,
    max_chars: usize,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// Where each field's error sends the summary's link.
fn anchor(field: &str) -> &str {
    match field {
        "kind" => "kind-constat",
        "body" | "organisation" | "territory" | "email" => field,
        _ => "body",
    }
}

fn form_page(
    req: &HttpRequest,
    consultation: &essaim_core::domain::Consultation,
    theme: &essaim_core::domain::Theme,
    territories: &[Territory],
    form: OnlineForm,
    errors: ValidationErrors,
) -> FormPage {
    let title = if errors.is_empty() {
        format!("Contribuer : {}", theme.title)
    } else {
        format!("Erreur — Contribuer : {}", theme.title)
    };
    FormPage {
        layout: Layout::for_request(req, title, "home"),
        slug: consultation.slug.clone(),
        consultation: consultation.title.clone(),
        position: theme.position,
        theme: theme.title.clone(),
        theme_description: theme.description.clone(),
        kinds: kind_choices(&form.kind),
        territories: territory_choices(territories, &form.territory),
        form,
        errors: errors.0.into_iter().map(|e| FieldError { field: anchor(&e.field).to_owned(), ..e }).collect(),
        max_chars: MAX_CONTRIBUTION_CHARS,
    }
}

/// `GET /consultations/{slug}/contribuer/{position}`: the form, with a fresh idempotency key.
pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, position) = path.into_inner();
    let (consultation, theme, territories) = state
        .db(move |conn| -> Result<_, AppError> {
            let (consultation, theme) = consultation_theme(conn, &slug, &position)?;
            let territories = territories_of(conn, consultation.id)?;
            Ok((consultation, theme, territories))
        })
        .await?;
    let form = OnlineForm { idempotency_key: random_token(), ..OnlineForm::default() };
    render(&form_page(&req, &consultation, &theme, &territories, form, ValidationErrors::default()), StatusCode::OK)
}

fn thanks_url(slug: &str, position: i32, key: &str) -> String {
    let key: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
    format!("/consultations/{slug}/contribuer/{position}/merci?cle={key}")
}

/// `POST /consultations/{slug}/contribuer/{position}`: records the contribution (once per
/// key), then shows its confirmation; a refused form comes back with everything typed.
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    fields: CsrfForm<Fields, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let (slug, position) = path.into_inner();
    let fields = fields.into_inner();
    let mut form = OnlineForm {
        kind: fields.kind,
        body: fields.body,
        organisation: fields.organisation,
        territory: fields.territory,
        email: fields.email,
        idempotency_key: fields.idempotency_key.trim().to_owned(),
    };
    if form.idempotency_key.is_empty() {
        // A client that sent no key still gets a confirmation page to come back to.
        form.idempotency_key = random_token();
    }
    let base_url = state.config.base_url.clone();
    let requester = Requester(state.client_pseudonym(&req).await?);
    let typed = form.clone();
    let (consultation, theme, territories, outcome) = state
        .db(move |conn| -> Result<_, AppError> {
            let (consultation, theme) = consultation_theme(conn, &slug, &position)?;
            let territories = territories_of(conn, consultation.id)?;
            let outcome = match submit_online(conn, &consultation, &theme, &typed, &base_url, &requester) {
                Ok(submitted) => Ok(submitted.mail_withheld),
                Err(CoreError::Validation(errors)) => Err((errors, StatusCode::UNPROCESSABLE_ENTITY)),
                // Over the limit of this client: the form comes back with the text kept.
                Err(CoreError::Limited { retry_after_secs }) => {
                    let minutes = (retry_after_secs + 59) / 60;
                    let mut errors = ValidationErrors::default();
                    errors.add(
                        "body",
                        format!("Beaucoup de contributions sont arrivées de cette connexion en peu de temps : réessayez dans {minutes} min. Votre texte est conservé ci-dessous ; rien n'a été enregistré."),
                    );
                    Err((errors, StatusCode::TOO_MANY_REQUESTS))
                }
                Err(CoreError::Conflict(_)) => {
                    let mut errors = ValidationErrors::default();
                    errors.add(
                        "body",
                        "Ce formulaire a déjà servi à envoyer une autre contribution. Vérifiez votre texte, puis envoyez-le de nouveau : il sera enregistré comme une nouvelle contribution.",
                    );
                    Err((errors, StatusCode::CONFLICT))
                }
                Err(other) => return Err(other.into()),
            };
            Ok((consultation, theme, territories, outcome))
        })
        .await?;
    match outcome {
        Ok(mail_withheld) => {
            let mut location = thanks_url(&consultation.slug, theme.position, &form.idempotency_key);
            if mail_withheld {
                // Only what the page says changes: the contribution is recorded either way.
                location.push_str("&courriel=retenu");
            }
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish())
        }
        Err((errors, status)) => {
            if status == StatusCode::CONFLICT {
                form.idempotency_key = random_token();
            }
            render(&form_page(&req, &consultation, &theme, &territories, form, errors), status)
        }
    }
}

#[derive(Template)]
#[template(path = "contributions/thanks.html")]
struct ThanksPage {
    layout: Layout,
    slug: String,
    consultation: String,
    position: i32,
    theme: String,
    kind: &'static str,
    body: String,
    followed: bool,
    mail_withheld: bool,
}

/// Query of the confirmation page.
#[derive(Debug, Deserialize)]
pub struct ThanksQuery {
    #[serde(default)]
    cle: String,
    /// `retenu` when the confirmation mail was withheld (too many mails in the hour).
    #[serde(default)]
    courriel: String,
}

/// `GET /consultations/{slug}/contribuer/{position}/merci?cle=…`: the confirmation, the same
/// however many times the form was sent.
pub async fn thanks(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ThanksQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, position) = path.into_inner();
    let query = query.into_inner();
    let (key, mail_withheld) = (query.cle, query.courriel == "retenu");
    let (consultation, theme, submitted) = state
        .db(move |conn| -> Result<_, AppError> {
            let (consultation, theme) = consultation_theme(conn, &slug, &position)?;
            if key.trim().is_empty() {
                return Err(AppError::NotFound);
            }
            let submitted = submitted_with_key(conn, &theme, &key)?.ok_or(AppError::NotFound)?;
            Ok((consultation, theme, submitted))
        })
        .await?;
    render(
        &ThanksPage {
            layout: Layout::for_request(&req, "Contribution reçue", "home"),
            slug: consultation.slug,
            consultation: consultation.title,
            position: theme.position,
            theme: theme.title,
            kind: submitted.contribution.kind.label(),
            body: submitted.contribution.body,
            mail_withheld: mail_withheld && !submitted.followed,
            followed: submitted.followed,
        },
        StatusCode::OK,
    )
}

struct AcceptedLine {
    kind: &'static str,
    date: String,
    territory: Option<String>,
    text: String,
}

#[derive(Template)]
#[template(path = "contributions/accepted.html")]
struct AcceptedPage {
    layout: Layout,
    slug: String,
    consultation: String,
    position: i32,
    theme: String,
    total: i64,
    items: Vec<AcceptedLine>,
    first_page: bool,
    next: Option<String>,
}

/// Query of the accepted contributions' page.
#[derive(Debug, Deserialize)]
pub struct AcceptedQuery {
    /// The last contribution of the previous page.
    apres: Option<String>,
}

/// `GET /consultations/{slug}/contributions/{position}`: the accepted contributions of a
/// theme, personal data masked, by pages.
pub async fn accepted(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<AcceptedQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, position) = path.into_inner();
    let after = match query.into_inner().apres.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(raw.parse::<Id>().map_err(|_| AppError::NotFound)?),
    };
    let (consultation, theme, territories, page, total) = state
        .db(move |conn| -> Result<_, AppError> {
            let (consultation, theme) = consultation_theme(conn, &slug, &position)?;
            let territories = territories_of(conn, consultation.id)?;
            let page = accepted_of_theme(conn, consultation.id, theme.id, after, PAGE_SIZE)?;
            let total = moderation_counts(conn, consultation.id, Some(theme.id))?.accepted;
            Ok((consultation, theme, territories, page, total))
        })
        .await?;
    let scrubber = Scrubber::default();
    let items = page
        .items
        .into_iter()
        .map(|c| AcceptedLine {
            kind: c.kind.label(),
            date: french_date(c.created_at.date()),
            territory: c.territory_id.and_then(|id| territories.iter().find(|t| t.id == id)).map(|t| t.name.clone()),
            text: scrubber.scrub(&c.body),
        })
        .collect();
    render(
        &AcceptedPage {
            layout: Layout::for_request(&req, format!("Contributions retenues : {}", theme.title), "home"),
            next: page
                .next
                .map(|id| format!("/consultations/{}/contributions/{}?apres={id}", consultation.slug, theme.position)),
            slug: consultation.slug,
            consultation: consultation.title,
            position: theme.position,
            theme: theme.title,
            total,
            items,
            first_page: after.is_none(),
        },
        StatusCode::OK,
    )
}
