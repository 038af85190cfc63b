//! Public pages: the list of consultations and one consultation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::store::{questionnaire_of, QuestionnaireStatus};
use essaim_core::domain::consultation::{find_visible_consultation, phases_of, public_consultations, territories_of};
use essaim_core::domain::look::look_of;
use essaim_core::domain::{ConsultationState, Role};
use essaim_workshops::theme_overview;

use crate::app::AppState;
use crate::auth::current_user;
use crate::error::AppError;
use crate::views::{french_date, french_period, render, Layout};

struct ConsultationCard {
    slug: String,
    title: String,
    region: String,
    description: String,
    period: Option<String>,
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    layout: Layout,
    consultations: Vec<ConsultationCard>,
    logged_out: bool,
}

/// Query of the home page.
#[derive(serde::Deserialize)]
pub struct HomeQuery {
    /// Set after logout, to confirm it.
    deconnexion: Option<String>,
}

/// `GET /`: the consultations.
pub async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    let consultations = state.db(|conn| public_consultations(conn).map_err(AppError::from)).await?;
    let page = HomePage {
        layout: Layout::for_request(&req, "Consultations", "home"),
        consultations: consultations
            .into_iter()
            .map(|c| ConsultationCard {
                period: french_period(c.starts_on, c.ends_on),
                slug: c.slug,
                title: c.title,
                region: c.region,
                description: c.description,
            })
            .collect(),
        logged_out: query.deconnexion.is_some() && current_user(&req).is_none(),
    };
    render(&page, StatusCode::OK)
}

struct ThemeLine {
    position: i32,
    title: String,
    contributions: i64,
    pending: i64,
    rejected: i64,
}

struct PhaseLine {
    /// Trusted HTML: `<time>` elements built here from dates, nothing typed by anyone.
    dates: String,
    title: String,
    location: Option<String>,
    /// Today falls within it (in the consultation's time zone).
    current: bool,
}

#[derive(Template)]
#[template(path = "public/consultation.html")]
struct ConsultationPage {
    layout: Layout,
    slug: String,
    title: String,
    description: String,
    region: String,
    period: Option<String>,
    territories: String,
    themes: Vec<ThemeLine>,
    show_counts: bool,
    questionnaire_open: bool,
    /// The forms are offered (open, or a draft its staff try).
    accepting: bool,
    /// Closed or archived: no form is offered, a notice says why.
    closed_notice: Option<String>,
    /// « Les 6 thèmes du socle de la stratégie ».
    themes_heading: String,
    phases: Vec<PhaseLine>,
    /// The published strategy's version, when one is current.
    strategy_version: Option<i32>,
}

fn time_element(date: chrono::NaiveDate) -> String {
    format!("<time datetime=\"{}\">{}</time>", date.format("%Y-%m-%d"), french_date(date))
}

fn phase_dates(start: Option<chrono::NaiveDate>, end: Option<chrono::NaiveDate>) -> String {
    match (start, end) {
        (Some(s), Some(e)) if s == e => time_element(s),
        (Some(s), Some(e)) => format!("du {} au {}", time_element(s), time_element(e)),
        (Some(s), None) => format!("à partir du {}", time_element(s)),
        (None, Some(e)) => format!("jusqu'au {}", time_element(e)),
        (None, None) => "dates à préciser".to_owned(),
    }
}

/// `GET /consultations/{slug}`: themes and phases of one consultation.
pub async fn consultation(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    // Drafts and counts are for the people who run the consultation, not for facilitators
    // nor the public.
    let staff = current_user(&req).is_some_and(|a| matches!(a.role, Role::Admin | Role::Staff));
    let (consultation, overview, phases, territories, questionnaire_open, look, strategy_version) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_visible_consultation(conn, &slug, staff)?;
            let overview = theme_overview(conn, consultation.id)?;
            let phases = phases_of(conn, consultation.id)?;
            let territories = territories_of(conn, consultation.id)?;
            let questionnaire_open =
                questionnaire_of(conn, consultation.id)?.is_some_and(|q| q.status == QuestionnaireStatus::Open);
            let look = look_of(conn, consultation.id)?;
            let strategy_version =
                essaim_core::domain::publication::current_publication(conn, consultation.id)?.map(|p| p.version);
            Ok((consultation, overview, phases, territories, questionnaire_open, look, strategy_version))
        })
        .await?;
    let show_counts = staff;
    let accepting = consultation.accepts_contributions();
    let today = consultation.today();
    let closed_notice = match consultation.state {
        ConsultationState::Closed => Some("La consultation est close : elle ne reçoit plus de contributions. Merci à toutes celles et ceux qui y ont pris part."),
        ConsultationState::Archived => Some("Cette consultation est archivée : elle se lit, elle ne reçoit plus de contributions."),
        _ => None,
    }
    .map(str::to_owned);
    let themes_heading = match overview.len() {
        1 => "Le thème de la stratégie".to_owned(),
        n => format!("Les {n} thèmes du socle de la stratégie"),
    };
    let page = ConsultationPage {
        layout: Layout::for_request(&req, consultation.title.clone(), "home")
            .for_consultation(&consultation.slug, &look),
        period: french_period(consultation.starts_on, consultation.ends_on),
        slug: consultation.slug,
        title: consultation.title,
        description: consultation.description,
        region: consultation.region,
        territories: territories.iter().map(essaim_core::domain::territory::label).collect::<Vec<_>>().join(", "),
        themes: overview
            .into_iter()
            .map(|s| ThemeLine {
                position: s.theme.position,
                title: s.theme.title,
                contributions: s.contributions,
                pending: s.pending,
                rejected: s.rejected,
            })
            .collect(),
        show_counts,
        questionnaire_open: questionnaire_open && accepting,
        accepting,
        closed_notice,
        themes_heading,
        strategy_version,
        phases: phases
            .into_iter()
            .map(|p| PhaseLine {
                current: p.covers(today),
                dates: phase_dates(p.starts_on, p.ends_on),
                title: p.title,
                location: p.location,
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}
