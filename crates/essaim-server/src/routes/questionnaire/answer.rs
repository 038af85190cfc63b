//! Answering: the public start, the e-mailed links, one page per section, the review before
//! sending, the confirmation. Every address after the start carries the respondent's link
//! token, which identifies the response (no account) and protects its forms.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::answers::{check_all, check_section, readable, Answers, FieldError};
use essaim_contributions::questionnaire::definition::Definition;
use essaim_contributions::questionnaire::links::LinkProblem;
use essaim_contributions::questionnaire::responses::{
    mail_resume_link, response_for_link, save_section, send_new_links, start_public_with_link, submit, InvitationState,
    Mailed, Refused, Response, ResponseStatus, Saved, SubmitContext,
};
use essaim_contributions::questionnaire::store::{
    find_questionnaire, published_version, questionnaire_of, version, QuestionnaireStatus,
};
use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::{find_consultation, frame_of, ConsultationFrame};
use essaim_core::mail::limits::Requester;
use serde::Deserialize;

use super::form::{posted_answers, question_view, Control, QuestionView};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, LinkForm};
use crate::views::{render, Layout};

/// What every answering page needs, read in one go.
struct Context {
    token: String,
    response: Response,
    definition: Definition,
    /// The consultation's themes, territories and legal families.
    frame: std::sync::Arc<ConsultationFrame>,
    open: bool,
    /// The consultation's short id and look (its footer's legal pages, colour and logo).
    slug: String,
    look: essaim_core::domain::look::Look,
}

/// Why a link opens no response page.
enum Unopened {
    Link(LinkProblem),
    AnsweredAnonymously,
}

fn load(conn: &mut DbConnection, token: &str) -> Result<Result<Context, Unopened>, AppError> {
    let response = match response_for_link(conn, token)? {
        Ok(InvitationState::Response(response)) => *response,
        Ok(InvitationState::SubmittedAnonymously) => return Ok(Err(Unopened::AnsweredAnonymously)),
        Err(problem) => return Ok(Err(Unopened::Link(problem))),
    };
    let definition = version(conn, response.version_id)?.parsed()?;
    let questionnaire = find_questionnaire(conn, response.questionnaire_id)?;
    let open = questionnaire.status == QuestionnaireStatus::Open;
    let frame = frame_of(conn, questionnaire.consultation_id)?;
    let slug = essaim_core::domain::consultation::find_consultation_by_id(conn, questionnaire.consultation_id)?.slug;
    let look = essaim_core::domain::look::look_of(conn, questionnaire.consultation_id)?;
    Ok(Ok(Context { token: token.to_owned(), response, definition, frame, open, slug, look }))
}

async fn context(state: &AppState, token: String) -> Result<Result<Context, Unopened>, AppError> {
    state.db(move |conn| load(conn, &token)).await
}

fn page_url(token: &str, page: usize) -> String {
    format!("/questionnaire/r/{token}/page/{page}")
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}

#[derive(Template)]
#[template(path = "questionnaire/link_problem.html")]
struct LinkProblemPage {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
    sent: bool,
}

fn unopened(req: &HttpRequest, why: Unopened) -> Result<HttpResponse, AppError> {
    let (heading, message, status) = match why {
        Unopened::Link(LinkProblem::Expired) => (
            "Ce lien a expiré",
            "Pour des raisons de sécurité, les liens de reprise ne durent qu'un temps. Vos réponses sont conservées : indiquez votre adresse pour recevoir un nouveau lien.",
            StatusCode::GONE,
        ),
        Unopened::Link(LinkProblem::Unknown) => (
            "Ce lien n'est pas valide",
            "Il a peut-être été mal copié, ou remplacé. Indiquez l'adresse à laquelle vous avez reçu le questionnaire : nous y enverrons un nouveau lien.",
            StatusCode::NOT_FOUND,
        ),
        Unopened::AnsweredAnonymously => (
            "Votre réponse a bien été reçue",
            "La réponse envoyée avec ce lien a bien été reçue, et ne sera pas comptée deux fois. Ce questionnaire est anonyme : elle n'est plus rattachée à ce lien ni à une adresse, et personne ne peut la relire ni la modifier.",
            StatusCode::OK,
        ),
    };
    // A sent anonymous response has nothing to resume: no form for a new link.
    let sent = matches!(why, Unopened::AnsweredAnonymously);
    render(
        &LinkProblemPage { layout: Layout::for_request(req, heading, "questionnaire"), heading, message, sent },
        status,
    )
}

/// `GET /consultations/{slug}/questionnaire`: what the questionnaire is, and a button to start.
pub async fn start_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (consultation, definition, open, look) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let questionnaire = questionnaire_of(conn, consultation.id)?.ok_or(AppError::NotFound)?;
            let published = published_version(conn, questionnaire.id)?.ok_or(AppError::NotFound)?;
            let look = essaim_core::domain::look::look_of(conn, consultation.id)?;
            Ok((consultation, published.parsed()?, questionnaire.status == QuestionnaireStatus::Open, look))
        })
        .await?;
    let sections: Vec<String> = definition.sections.iter().map(|s| s.title.clone()).collect();
    render(
        &StartPage {
            layout: Layout::for_request(&req, definition.title.clone(), "questionnaire")
                .for_consultation(&consultation.slug, &look),
            slug: consultation.slug,
            consultation: consultation.title,
            title: definition.title,
            introduction: definition.introduction,
            anonymous: definition.anonymous,
            sections,
            open,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "questionnaire/start.html")]
struct StartPage {
    layout: Layout,
    slug: String,
    consultation: String,
    title: String,
    introduction: String,
    anonymous: bool,
    sections: Vec<String>,
    open: bool,
}

/// `POST /consultations/{slug}/questionnaire`: starts a response through the public link.
pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _form: CsrfForm<crate::extract::NoFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let client = Requester(state.client_pseudonym(&req).await?);
    let token = state
        .db(move |conn| -> Result<String, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let questionnaire = questionnaire_of(conn, consultation.id)?.ok_or(AppError::NotFound)?;
            Ok(start_public_with_link(conn, questionnaire.id, &client)?.1)
        })
        .await?;
    Ok(see_other(page_url(&token, 1)))
}

/// `GET /questionnaire/invitation/{token}` and `/questionnaire/reprendre/{token}`: the
/// e-mailed links, which lead to the page the respondent saved last (the first for a new
/// draft), or to the confirmation once sent.
pub async fn open_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    match context(&state, token.clone()).await? {
        Ok(c) if c.response.status == ResponseStatus::Submitted => {
            Ok(see_other(format!("/questionnaire/r/{token}/merci")))
        }
        Ok(c) => Ok(see_other(page_url(&token, c.response.stored().resume_page(c.definition.sections.len())))),
        Err(why) => unopened(&req, why),
    }
}

#[derive(Template)]
#[template(path = "questionnaire/page.html")]
struct SectionPage {
    layout: Layout,
    token: String,
    title: String,
    page: usize,
    pages: usize,
    section_title: String,
    description: String,
    questions: Vec<QuestionView>,
    errors: Vec<FieldError>,
    revision: i32,
    notice: Option<String>,
    conflict: bool,
    email: Option<String>,
    percent: usize,
}

fn section_page(
    req: &HttpRequest,
    c: &Context,
    page: usize,
    answers: &Answers,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<SectionPage, AppError> {
    let section = c.definition.sections.get(page - 1).ok_or(AppError::NotFound)?;
    let questions = section
        .questions
        .iter()
        // A question whose condition depends on an earlier page is shown only if it holds;
        // one that depends on this page is shown, with its condition said (and a script hides it).
        .filter(|q| {
            q.condition
                .as_ref()
                .is_none_or(|cond| section.questions.iter().any(|other| other.id == cond.question) || answers.shows(q))
        })
        .map(|q| question_view(&c.definition, &c.frame, q, answers, &errors))
        .collect();
    let pages = c.definition.sections.len();
    Ok(SectionPage {
        layout: Layout::for_request(req, format!("{} — page {page} sur {pages}", section.title), "questionnaire")
            .for_consultation(&c.slug, &c.look),
        token: c.token.clone(),
        title: c.definition.title.clone(),
        page,
        pages,
        section_title: section.title.clone(),
        description: section.description.clone(),
        questions,
        errors,
        revision: c.response.revision,
        notice,
        conflict: false,
        email: c.response.email.clone(),
        percent: (page - 1) * 100 / pages.max(1),
    })
}

/// What a page was redirected with.
#[derive(Deserialize)]
pub struct PageQuery {
    enregistre: Option<String>,
    lien: Option<String>,
}

/// `GET /questionnaire/r/{token}/page/{n}`: one section.
pub async fn show_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let (token, page) = path.into_inner();
    let c = match context(&state, token.clone()).await? {
        Ok(c) => c,
        Err(why) => return unopened(&req, why),
    };
    if c.response.status == ResponseStatus::Submitted {
        return Ok(see_other(format!("/questionnaire/r/{token}/merci")));
    }
    if page == 0 || page > c.definition.sections.len() {
        return Err(AppError::NotFound);
    }
    let notice = if !c.open {
        Some(
            "Le questionnaire est clos : vos réponses restent enregistrées, mais ne peuvent plus être envoyées."
                .to_owned(),
        )
    } else if query.lien.as_deref() == Some("limite") {
        Some("Votre adresse est enregistrée, mais le lien n'a pas été envoyé : plusieurs messages ont déjà été demandés dans l'heure pour cette adresse ou depuis votre connexion. Réessayez dans une heure ; vos réponses restent enregistrées.".to_owned())
    } else if query.lien.is_some() {
        Some("Le lien pour reprendre vos réponses vient d'être envoyé à votre adresse.".to_owned())
    } else if query.enregistre.is_some() {
        Some("Vos réponses de cette page sont enregistrées.".to_owned())
    } else {
        None
    };
    let answers = c.response.stored().answers;
    render(&section_page(&req, &c, page, &answers, Vec::new(), notice)?, StatusCode::OK)
}

/// Where the respondent goes after saving a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Previous,
    Following,
    Stay,
    /// The script saving as one types: answer with the new revision, no page.
    Draft,
}

fn next_of(form: &[(String, String)]) -> Next {
    match form.iter().find(|(k, _)| k == "aller").map(|(_, v)| v.as_str()) {
        Some("precedente") => Next::Previous,
        Some("enregistrer") => Next::Stay,
        Some("brouillon") => Next::Draft,
        _ => Next::Following,
    }
}

/// `POST /questionnaire/r/{token}/page/{n}`: saves the section, whatever it holds (a refused
/// page keeps everything typed), then goes on only if it holds.
pub async fn save_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
    form: LinkForm,
) -> Result<HttpResponse, AppError> {
    let (token, page) = path.into_inner();
    let fields = form.0;
    let next = next_of(&fields);
    let base_revision = fields.iter().find(|(k, _)| k == "revision").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let posted = posted_answers(&fields);
    let sent = posted.clone();
    let lookup = token.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let c = match load(conn, &lookup)? {
                Ok(c) => c,
                Err(why) => return Ok(Err(why)),
            };
            if page == 0 || page > c.definition.sections.len() {
                return Err(AppError::NotFound);
            }
            let saved = save_section(conn, c.response.id, page - 1, &sent, base_revision)?;
            Ok(Ok((c, saved)))
        })
        .await?;
    let (mut c, saved) = match outcome {
        Ok(found) => found,
        Err(why) => return unopened(&req, why),
    };
    let conflicts = match saved {
        Saved::AlreadySubmitted(_) => return Ok(see_other(format!("/questionnaire/r/{token}/merci"))),
        Saved::Saved(response) => {
            c.response = response;
            Vec::new()
        }
        Saved::Conflict(response, questions) => {
            c.response = response;
            questions
        }
    };
    if next == Next::Draft {
        let body = serde_json::json!({ "revision": c.response.revision, "conflicts": conflicts });
        return Ok(HttpResponse::Ok().json(body));
    }
    let answers = c.response.stored().answers;
    if !conflicts.is_empty() {
        let mut view = section_page(&req, &c, page, &answers, Vec::new(), None)?;
        for q in view.questions.iter_mut().filter(|q| conflicts.contains(&q.id)) {
            let mine = c.definition.question(&q.id).and_then(|question| readable(question, &c.frame, &posted));
            q.typed_elsewhere = Some(mine.unwrap_or_else(|| "(vide)".into()));
        }
        view.conflict = true;
        return render(&view, StatusCode::CONFLICT);
    }
    let errors = check_section(&c.definition, &c.frame, page - 1, &answers);
    if next == Next::Following && !errors.is_empty() {
        return render(&section_page(&req, &c, page, &answers, errors, None)?, StatusCode::UNPROCESSABLE_ENTITY);
    }
    Ok(see_other(match next {
        Next::Previous if page > 1 => page_url(&token, page - 1),
        Next::Following if page < c.definition.sections.len() => page_url(&token, page + 1),
        Next::Following => format!("/questionnaire/r/{token}/envoi"),
        _ => format!("{}?enregistre=1", page_url(&token, page)),
    }))
}

struct ReviewSection {
    page: usize,
    title: String,
    answers: Vec<(String, String)>,
}

struct ReviewError {
    href: String,
    message: String,
}

#[derive(Template)]
#[template(path = "questionnaire/review.html")]
struct ReviewPage {
    layout: Layout,
    token: String,
    title: String,
    sections: Vec<ReviewSection>,
    errors: Vec<ReviewError>,
    open: bool,
    refused: Option<String>,
    pages: usize,
}

fn review_page(
    req: &HttpRequest,
    c: &Context,
    errors: Vec<(usize, FieldError)>,
    refused: Option<String>,
) -> ReviewPage {
    let answers = c.response.stored().answers;
    let sections = c
        .definition
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| ReviewSection {
            page: i + 1,
            title: s.title.clone(),
            answers: s
                .questions
                .iter()
                .filter(|q| answers.shows(q))
                .map(|q| (q.label.clone(), readable(q, &c.frame, &answers).unwrap_or_else(|| "Sans réponse".into())))
                .collect(),
        })
        .collect();
    ReviewPage {
        layout: Layout::for_request(req, format!("Vérifier et envoyer — {}", c.definition.title), "questionnaire")
            .for_consultation(&c.slug, &c.look),
        token: c.token.clone(),
        title: c.definition.title.clone(),
        sections,
        errors: errors
            .into_iter()
            .map(|(s, e)| ReviewError {
                href: format!("{}#{}", page_url(&c.token, s + 1), e.field),
                message: format!("Page {} : {}", s + 1, e.message),
            })
            .collect(),
        open: c.open,
        refused,
        pages: c.definition.sections.len(),
    }
}

/// `GET /questionnaire/r/{token}/envoi`: every answer, what is missing (linked to its page),
/// and the button that sends.
pub async fn show_review(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let c = match context(&state, token.clone()).await? {
        Ok(c) => c,
        Err(why) => return unopened(&req, why),
    };
    if c.response.status == ResponseStatus::Submitted {
        return Ok(see_other(format!("/questionnaire/r/{token}/merci")));
    }
    let mut answers = c.response.stored().answers;
    answers.clear_hidden(&c.definition);
    let errors = check_all(&c.definition, &c.frame, &answers);
    render(&review_page(&req, &c, errors, None), StatusCode::OK)
}

/// `POST /questionnaire/r/{token}/envoi`: sends, once. A second click, a refresh or a retry
/// lands on the same confirmation.
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    _form: LinkForm,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let base_url = state.config.base_url.clone();
    let requester = Requester(state.client_pseudonym(&req).await?);
    let lookup = token.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let c = match load(conn, &lookup)? {
                Ok(c) => c,
                Err(why) => return Ok(Err(why)),
            };
            let result = submit(conn, c.response.id, &SubmitContext { base_url: &base_url, requester: &requester })?;
            Ok(Ok((c, result)))
        })
        .await?;
    let (c, result) = match outcome {
        Ok(found) => found,
        Err(why) => return unopened(&req, why),
    };
    match result {
        Ok(submitted) if submitted.mail_withheld => Ok(see_other(format!("/questionnaire/r/{token}/merci?courriel=retenu"))),
        Ok(_) => Ok(see_other(format!("/questionnaire/r/{token}/merci"))),
        Err(Refused::Closed) => render(
            &review_page(
                &req,
                &c,
                Vec::new(),
                Some("Le questionnaire a été clos avant l'envoi : votre réponse n'a pas pu être envoyée. Vos réponses restent enregistrées ; contactez l'équipe de la consultation.".into()),
            ),
            StatusCode::CONFLICT,
        ),
        Err(Refused::Invalid(errors)) => render(
            &review_page(&req, &c, errors, Some("Votre réponse n'est pas encore envoyée : complétez les réponses signalées.".into())),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

#[derive(Template)]
#[template(path = "questionnaire/thanks.html")]
struct ThanksPage {
    layout: Layout,
    token: String,
    title: String,
    email: Option<String>,
    /// The copy of the answers was not mailed (the limits of anonymous mails).
    mail_withheld: bool,
    follows: bool,
}

/// The confirmation's query: `courriel=retenu` when the copy was not mailed.
#[derive(Deserialize)]
pub struct ThanksQuery {
    #[serde(default)]
    courriel: String,
}

/// `GET /questionnaire/r/{token}/merci`: the confirmation (as often as it is opened).
pub async fn thanks(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: web::Query<ThanksQuery>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let c = match context(&state, token.clone()).await? {
        Ok(c) => c,
        Err(why) => return unopened(&req, why),
    };
    if c.response.status != ResponseStatus::Submitted {
        return Ok(see_other(format!("/questionnaire/r/{token}/envoi")));
    }
    render(
        &ThanksPage {
            layout: Layout::for_request(&req, "Réponse envoyée", "questionnaire"),
            token,
            title: c.definition.title.clone(),
            email: c.response.email.clone(),
            mail_withheld: query.courriel == "retenu",
            follows: c.response.follow_id.is_some(),
        },
        StatusCode::OK,
    )
}

/// The address form.
#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /questionnaire/r/{token}/lien`: e-mails the resume link of a public draft.
pub async fn mail_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: LinkForm,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let email = form.0.iter().find(|(k, _)| k == "email").map(|(_, v)| v.clone()).unwrap_or_default();
    let page: usize = form.0.iter().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(1);
    let base_url = state.config.base_url.clone();
    let requester = Requester(state.client_pseudonym(&req).await?);
    let lookup = token.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let c = match load(conn, &lookup)? {
                Ok(c) => c,
                Err(why) => return Ok(Err(why)),
            };
            let mailed =
                mail_resume_link(conn, c.response.id, &email, (&c.definition.title, &lookup, &base_url), &requester)?;
            Ok(Ok(mailed))
        })
        .await;
    match outcome {
        Ok(Ok(Mailed::Queued)) => Ok(see_other(format!("{}?lien=envoye", page_url(&token, page)))),
        Ok(Ok(Mailed::Withheld)) => Ok(see_other(format!("{}?lien=limite", page_url(&token, page)))),
        Ok(Err(why)) => unopened(&req, why),
        Err(AppError::Invalid(errors)) => {
            let c = match context(&state, token.clone()).await? {
                Ok(c) => c,
                Err(why) => return unopened(&req, why),
            };
            let answers = c.response.stored().answers;
            let message = errors.get("email").unwrap_or("Adresse e-mail invalide.").to_owned();
            let notice = Some(format!("Le lien n'a pas été envoyé : {message}"));
            render(
                &section_page(&req, &c, page.clamp(1, c.definition.sections.len()), &answers, Vec::new(), notice)?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e),
    }
}

/// `POST /questionnaire/nouveau-lien`: sends fresh links to an address that lost its own.
pub async fn new_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let email = form.into_inner().email;
    let base_url = state.config.base_url.clone();
    let requester = Requester(state.client_pseudonym(&req).await?);
    let mailed =
        state.db(move |conn| send_new_links(conn, &email, &base_url, &requester).map_err(AppError::from)).await?;
    let (heading, message, status) = match mailed {
        Mailed::Queued => (
            "Vérifiez votre messagerie",
            "Si cette adresse a reçu une invitation ou a demandé un lien de reprise, un nouveau lien vient de lui être envoyé. Il peut mettre quelques minutes à arriver.",
            StatusCode::OK,
        ),
        Mailed::Withheld => (
            "Trop de demandes",
            "Plusieurs messages ont déjà été demandés dans l'heure pour cette adresse ou depuis votre connexion : aucun nouveau message n'est envoyé. Réessayez dans une heure ; vos réponses restent enregistrées.",
            StatusCode::TOO_MANY_REQUESTS,
        ),
    };
    render(
        &LinkProblemPage {
            layout: Layout::for_request(&req, "Nouveau lien", "questionnaire"),
            heading,
            message,
            sent: true,
        },
        status,
    )
}
