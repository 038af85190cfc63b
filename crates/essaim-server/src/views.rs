//! Page models and the templates they fill (askama: compiled, HTML-escaped by default).

pub mod forms;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use essaim_core::domain::look::Look;
use essaim_core::domain::{Account, Role};

use crate::auth::{csrf_token, current_user};
use crate::error::AppError;

/// The logged-in person, as the header shows them.
#[derive(Debug, Clone)]
pub struct UserView {
    /// Display name.
    pub name: String,
    /// Role, in French.
    pub role_label: &'static str,
    /// Shows the administration link.
    pub is_admin: bool,
    /// Shows the staff's link (administrators and staff).
    pub is_staff: bool,
}

/// What the common layout needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Page title (before " — Essaim").
    pub title: String,
    /// Who is logged in.
    pub user: Option<UserView>,
    /// Token for the forms of the page.
    pub csrf_token: String,
    /// Which navigation entry is current.
    pub nav: &'static str,
    /// False on error pages, which do not know who is asking.
    pub show_account: bool,
    /// Where the footer's legal pages are: `` (the installation's: `/mentions-legales`…) or
    /// `/consultations/{slug}` (the consultation's).
    pub legal_base: String,
    /// The consultation's stylesheet (its accent colour), loaded after `essaim.css`.
    pub stylesheet: Option<String>,
    /// The organisers' logo in the header.
    pub logo: Option<LogoView>,
}

/// The organisers' logo as the header shows it.
#[derive(Debug, Clone)]
pub struct LogoView {
    /// Its address.
    pub src: String,
    /// Its text alternative.
    pub alt: String,
    /// Where it leads: the consultation's page.
    pub href: String,
}

impl Layout {
    /// The layout for a page served to `req`.
    pub fn for_request(req: &HttpRequest, title: impl Into<String>, nav: &'static str) -> Self {
        Layout {
            title: title.into(),
            user: current_user(req).map(|a: Account| UserView {
                name: a.display_name,
                role_label: a.role.label(),
                is_admin: a.role == Role::Admin,
                is_staff: matches!(a.role, Role::Admin | Role::Staff),
            }),
            csrf_token: csrf_token(req),
            nav,
            show_account: true,
            legal_base: String::new(),
            stylesheet: None,
            logo: None,
        }
    }

    /// The layout of a page that belongs to a consultation: its legal pages in the footer, its
    /// accent colour, its logo.
    pub fn for_consultation(mut self, slug: &str, look: &Look) -> Self {
        let base = format!("/consultations/{slug}");
        let version = look.version();
        if look.accent_colour.is_some() {
            self.stylesheet = Some(format!("{base}/apparence.css?v={version}"));
        }
        self.logo = look.logo_alt.as_ref().map(|alt| LogoView {
            src: format!("{base}/logo?v={version}"),
            alt: alt.clone(),
            href: base.clone(),
        });
        self.legal_base = base;
        self
    }
}

/// Renders a page with a status.
pub fn render<T: Template>(page: &T, status: StatusCode) -> Result<HttpResponse, AppError> {
    let html = page.render().map_err(|e| AppError::Internal(format!("gabarit : {e}")))?;
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html))
}

/// An error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Layout.
    pub layout: Layout,
    /// HTTP status code.
    pub code: u16,
    /// Heading.
    pub heading: &'static str,
    /// Explanation and what to do (escaped by the template).
    pub message: String,
}

impl ErrorPage {
    /// An error page for a status.
    pub fn new(status: StatusCode, heading: &'static str, message: String) -> Self {
        ErrorPage {
            layout: Layout {
                title: heading.to_owned(),
                user: None,
                csrf_token: String::new(),
                nav: "",
                show_account: false,
                legal_base: String::new(),
                stylesheet: None,
                logo: None,
            },
            code: status.as_u16(),
            heading,
            message,
        }
    }
}

/// Renders an error page; falls back to plain text if the template itself fails.
pub fn render_error_page(page: &ErrorPage) -> HttpResponse {
    let status = StatusCode::from_u16(page.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    render(page, status).unwrap_or_else(|_| {
        HttpResponse::build(status).content_type("text/plain; charset=utf-8").body(page.message.clone())
    })
}

/// "28 juin 2016", "1er avril 2016" (the core's, shared with mails and legal pages).
pub use essaim_core::clock::french_date;

/// "du 1er avril au 30 avril 2016", "28 juin 2016", or nothing.
pub fn french_period(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Option<String> {
    match (start, end) {
        (Some(s), Some(e)) if s == e => Some(french_date(s)),
        (Some(s), Some(e)) => Some(format!("du {} au {}", french_date(s), french_date(e))),
        (Some(s), None) => Some(format!("à partir du {}", french_date(s))),
        (None, Some(e)) => Some(format!("jusqu'au {}", french_date(e))),
        (None, None) => None,
    }
}

/// "28 juin 2016 à 14 h 05 (UTC)": for what belongs to no consultation (a staff account's
/// last login).
pub fn french_instant(at: NaiveDateTime) -> String {
    format!("{} à {} (UTC)", french_date(at.date()), at.format("%H h %M"))
}

/// "28 juin 2016 à 14 h 05": an instant stored in UTC, as the clocks of the consultation
/// read it (its time zone, Europe/Paris unless it names another).
pub fn french_in(consultation: &essaim_core::domain::consultation::Consultation, at: NaiveDateTime) -> String {
    french_local(consultation.local(at))
}

/// "28 juin 2016 à 14 h 05": an instant stored in UTC, as read in Paris, for the pages that
/// belong to no one consultation (the outbox), which say so.
pub fn french_paris(at: NaiveDateTime) -> String {
    french_local(at.and_utc().with_timezone(&chrono_tz::Europe::Paris).naive_local())
}

/// "28 juin 2016 à 14 h 05", an instant already in the consultation's time zone
/// (`Consultation::local`).
pub fn french_local(at: NaiveDateTime) -> String {
    format!("{} à {}", french_date(at.date()), at.format("%H h %M"))
}

/// A contribution kind offered by a public form (a radio button), checked if it was chosen.
pub struct KindChoice {
    /// `constat`, `proposition`, …
    pub value: &'static str,
    /// Its French label.
    pub label: &'static str,
    /// Chosen in what was sent.
    pub checked: bool,
}

/// The four kinds, in their order, `selected` checked: the same list on every public form.
pub fn kind_choices(selected: &str) -> Vec<KindChoice> {
    essaim_core::domain::ContributionKind::ALL
        .iter()
        .map(|k| KindChoice { value: k.as_str(), label: k.label(), checked: selected == k.as_str() })
        .collect()
}

/// A département offered by a form's list, selected if it was chosen.
pub struct TerritoryChoice {
    /// Its code (`44`).
    pub code: String,
    /// « Loire-Atlantique (44) ».
    pub label: String,
    /// Chosen in what was sent.
    pub selected: bool,
}

/// The consultation's départements as a form's list, `selected` chosen.
pub fn territory_choices(
    territories: &[essaim_core::domain::consultation::Territory],
    selected: &str,
) -> Vec<TerritoryChoice> {
    territories
        .iter()
        .map(|t| TerritoryChoice {
            code: t.code.clone(),
            label: essaim_core::domain::territory::label(t),
            selected: selected == t.code,
        })
        .collect()
}

/// A file to download (an export, a report): saved under `file_name`, never cached — it is
/// bound to the staff session that asked for it (Decidim GHSA-767h-63j4-5226).
pub fn download(content_type: &str, file_name: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((actix_web::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_in_french() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(french_date(d(2016, 6, 28).unwrap()), "28 juin 2016");
        assert_eq!(french_period(d(2016, 11, 1), d(2016, 11, 30)).unwrap(), "du 1er novembre 2016 au 30 novembre 2016");
        assert_eq!(french_period(d(2016, 6, 28), d(2016, 6, 28)).unwrap(), "28 juin 2016");
        assert_eq!(french_period(None, None), None);
    }

    #[test]
    fn an_instant_reads_in_the_consultation_s_time_zone_without_utc() {
        use essaim_core::domain::consultation::Consultation;
        use essaim_core::domain::vocab::ConsultationState;
        let at = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_opt(13, 5, 0).unwrap();
        let mut consultation = Consultation {
            id: essaim_core::db::Id::new(),
            slug: "c".into(),
            title: "C".into(),
            region: String::new(),
            description: String::new(),
            starts_on: None,
            ends_on: None,
            retention_until: None,
            created_at: at,
            organisers: String::new(),
            state: ConsultationState::Open,
            time_zone: "Europe/Paris".into(),
        };
        assert_eq!(french_in(&consultation, at), "6 décembre 2026 à 14 h 05");
        consultation.time_zone = "America/Cayenne".into();
        assert_eq!(french_in(&consultation, at), "6 décembre 2026 à 10 h 05");
        assert_eq!(french_paris(at), "6 décembre 2026 à 14 h 05");
        let summer = NaiveDate::from_ymd_opt(2027, 7, 1).unwrap().and_hms_opt(13, 5, 0).unwrap();
        assert_eq!(french_paris(summer), "1er juillet 2027 à 15 h 05");
    }
}
