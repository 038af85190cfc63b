//! "Suivre mes contributions": the page a respondent's follow link opens.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::follow::{followed, revoke_follow, Followed, Stage};
use essaim_contributions::questionnaire::links::{open_link, LinkTarget};
use essaim_contributions::questionnaire::responses::{response_for_link, InvitationState};
use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::find_consultation_by_id;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::LinkForm;
use crate::views::{french_in, render, Layout};

struct Line {
    theme: String,
    received: String,
    text: String,
    stage: &'static str,
    detail: Option<String>,
    /// The suite donnée: its label, and what follows it.
    answer: Option<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "questionnaire/follow.html")]
struct FollowPage {
    layout: Layout,
    items: Vec<Line>,
    revoke_action: Option<String>,
    /// "Mes données" under the same link.
    data_link: String,
}

fn line((f, received): (Followed, String)) -> Line {
    let (stage, detail) = match f.stage {
        Stage::Received => ("Reçue", Some("Elle attend la relecture d'un modérateur.".to_owned())),
        Stage::Accepted => ("Retenue", Some("Elle sera lue par la prochaine synthèse du thème.".to_owned())),
        Stage::Feeds(o) => (
            "Elle nourrit une orientation :",
            Some(format!(
                "« {} », portée par {} contribution{}.",
                o.title,
                o.contributions,
                if o.contributions > 1 { "s" } else { "" }
            )),
        ),
        Stage::NotKept(reason) => ("Non retenue", reason.map(|r| format!("Motif : {r}"))),
    };
    let answer = f.answer.map(|a| {
        let mut detail = match a.orientation {
            Some(title) => format!("Orientation « {title} »."),
            None => String::new(),
        };
        if !a.text.is_empty() {
            if !detail.is_empty() {
                detail.push(' ');
            }
            detail.push_str(&a.text);
        }
        (a.label, detail)
    });
    Line {
        answer,
        theme: f.theme.unwrap_or_else(|| "Thème à préciser".into()),
        received,
        text: f.contribution.body,
        stage,
        detail,
    }
}

/// Each contribution with when it was received, as the clocks of its consultation read it
/// (a follow's contributions are those of one consultation: one look-up).
fn dated(conn: &mut DbConnection, items: Vec<Followed>) -> Result<Vec<(Followed, String)>, AppError> {
    let Some(first) = items.first() else { return Ok(Vec::new()) };
    let consultation = find_consultation_by_id(conn, first.contribution.consultation_id)?;
    Ok(items
        .into_iter()
        .map(|f| {
            let received = french_in(&consultation, f.contribution.created_at);
            (f, received)
        })
        .collect())
}

fn page(
    req: &HttpRequest,
    items: Vec<(Followed, String)>,
    revoke_action: Option<String>,
    data_link: String,
) -> Result<HttpResponse, AppError> {
    render(
        &FollowPage {
            layout: Layout::for_request(req, "Suivre mes contributions", "questionnaire"),
            items: items.into_iter().map(line).collect(),
            revoke_action,
            data_link,
        },
        StatusCode::OK,
    )
}

/// `GET /suivi/{token}`: the e-mailed follow link.
pub async fn by_follow_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let lookup = token.clone();
    let items = state
        .db(move |conn| -> Result<_, AppError> {
            match open_link(conn, &lookup)? {
                Ok(LinkTarget::Follow(follow)) => {
                    let items = followed(conn, follow)?;
                    dated(conn, items)
                }
                _ => Err(AppError::NotFound),
            }
        })
        .await?;
    page(&req, items, Some(format!("/suivi/{token}/desactiver")), format!("/suivi/{token}/mes-donnees"))
}

/// `POST /suivi/{token}/desactiver`: the link stops working.
pub async fn revoke(
    state: web::Data<AppState>,
    token: web::Path<String>,
    _form: LinkForm,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    state
        .db(move |conn| -> Result<_, AppError> {
            match open_link(conn, &token)? {
                Ok(LinkTarget::Follow(follow)) => Ok(revoke_follow(conn, follow)?),
                _ => Err(AppError::NotFound),
            }
        })
        .await?;
    Ok(HttpResponse::SeeOther().insert_header((actix_web::http::header::LOCATION, "/?suivi=desactive")).finish())
}

/// `GET /questionnaire/r/{token}/suivi`: the same page, from the response's own link.
pub async fn by_response_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let data_link = format!("/questionnaire/r/{token}/mes-donnees");
    let items = state
        .db(move |conn| -> Result<_, AppError> {
            let Ok(InvitationState::Response(response)) = response_for_link(conn, &token)? else {
                return Err(AppError::NotFound);
            };
            match response.follow_id {
                Some(follow) => {
                    let items = followed(conn, follow)?;
                    dated(conn, items)
                }
                None => Ok(Vec::new()),
            }
        })
        .await?;
    page(&req, items, None, data_link)
}
