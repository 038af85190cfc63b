//! "Suivre mes contributions": the page a respondent's follow link opens.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::follow::{followed, revoke_follow, Followed, Stage};
use essaim_contributions::questionnaire::links::{open_link, LinkTarget};
use essaim_contributions::questionnaire::responses::{response_for_link, InvitationState};

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::LinkForm;
use crate::views::{french_instant, render, Layout};

struct Line {
    theme: String,
    received: String,
    text: String,
    stage: &'static str,
    detail: Option<String>,
}

#[derive(Template)]
#[template(path = "questionnaire/follow.html")]
struct FollowPage {
    layout: Layout,
    items: Vec<Line>,
    revoke_action: Option<String>,
}

fn line(f: Followed) -> Line {
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
    Line {
        theme: f.theme.unwrap_or_else(|| "Thème à préciser".into()),
        received: french_instant(f.contribution.created_at),
        text: f.contribution.body,
        stage,
        detail,
    }
}

fn page(req: &HttpRequest, items: Vec<Followed>, revoke_action: Option<String>) -> Result<HttpResponse, AppError> {
    render(
        &FollowPage {
            layout: Layout::for_request(req, "Suivre mes contributions", "questionnaire"),
            items: items.into_iter().map(line).collect(),
            revoke_action,
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
                Ok(LinkTarget::Follow(follow)) => Ok(followed(conn, follow)?),
                _ => Err(AppError::NotFound),
            }
        })
        .await?;
    page(&req, items, Some(format!("/suivi/{token}/desactiver")))
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
    let items = state
        .db(move |conn| -> Result<_, AppError> {
            let Ok(InvitationState::Response(response)) = response_for_link(conn, &token)? else {
                return Err(AppError::NotFound);
            };
            match response.follow_id {
                Some(follow) => Ok(followed(conn, follow)?),
                None => Ok(Vec::new()),
            }
        })
        .await?;
    page(&req, items, None)
}
