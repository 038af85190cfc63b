//! « Paramétrage » — a consultation's set-up on the pages, one form per part: the consultation
//! itself, its calendar of phases, its themes, its territories, its legal families, and its
//! state. Every rule is the core's (essaim_core::domain::setup::edit): the same checks as an
//! imported file, refusals naming the field. Staff of the consultation and administrators
//! (the scope middleware refuses the others); works without JavaScript.

mod view;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation, set_state, themes_of};
use essaim_core::domain::setup::edit::{
    add_theme, delete_theme, edit_consultation, edit_legal_families, edit_phases, edit_territories, edit_theme,
    move_theme, ConsultationFields,
};
use essaim_core::domain::setup::{PhaseSetup, TerritorySetup, ThemeSetup};
use essaim_core::domain::vocab::{ConsultationState, LegalFamily, PhaseKind};
use essaim_core::{CoreError, FieldError};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, Staff};

use view::{render_page, Typed};

/// Which part was just saved, for the page's notice (`?fait=`).
#[derive(Deserialize)]
pub struct SetupQuery {
    fait: Option<String>,
}

/// `GET /staff/consultations/{slug}/parametrage`
pub async fn page(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<SetupQuery>,
) -> Result<HttpResponse, AppError> {
    render_page(&req, &state, slug.into_inner(), Typed::None, Vec::new(), query.into_inner().fait).await
}

/// Runs an edit of the consultation `slug`; a refusal shows the page again with what was
/// typed and the messages (422), a success goes back to the page with its notice.
async fn save(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    typed: Typed,
    done: &str,
    edit: impl FnOnce(&mut DbConnection, Id) -> Result<(), CoreError> + Send + 'static,
) -> Result<HttpResponse, AppError> {
    let lookup = slug.clone();
    let outcome = state
        .db(move |conn| -> Result<Result<(), CoreError>, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            Ok(edit(conn, consultation.id))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/staff/consultations/{slug}/parametrage?fait={done}#{done}")))
            .finish()),
        Err(CoreError::Validation(errors)) => render_page(req, state, slug, typed, errors.0, None).await,
        Err(other) => Err(other.into()),
    }
}

/// A day typed in a date field (2027-03-01) or by hand where the browser has none (01/03/2027).
fn day(typed: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(typed, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(typed, "%d/%m/%Y"));
    if parsed.is_err() {
        errors.push(FieldError {
            field: field.to_owned(),
            message: format!("Date illisible : « {typed} » (jj/mm/aaaa)."),
        });
    }
    parsed.ok()
}

/// The consultation's own fields, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ConsultationForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub organisers: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub retention_until: String,
    #[serde(default)]
    pub time_zone: String,
}

/// `POST /staff/consultations/{slug}/parametrage/consultation`
pub async fn save_consultation(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<ConsultationForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = Vec::new();
    let fields = ConsultationFields {
        title: form.title.clone(),
        region: form.region.clone(),
        organisers: form.organisers.clone(),
        description: form.description.clone(),
        starts_on: day(&form.starts_on, "consultation.starts_on", &mut errors),
        ends_on: day(&form.ends_on, "consultation.ends_on", &mut errors),
        retention_until: day(&form.retention_until, "consultation.retention_until", &mut errors),
        time_zone: form.time_zone.clone(),
    };
    let typed = Typed::Consultation(form);
    if !errors.is_empty() {
        return render_page(&req, &state, slug.into_inner(), typed, errors, None).await;
    }
    let actor = Some(staff.0.id);
    save(&req, &state, slug.into_inner(), typed, "consultation", move |conn, id| {
        edit_consultation(conn, id, &fields, actor).map(|_| ())
    })
    .await
}

/// The calendar, one row per phase (rows whose kind is left empty are dropped).
#[derive(Deserialize, Default, Clone)]
pub struct PhasesForm {
    #[serde(default)]
    pub kind: Vec<String>,
    #[serde(default)]
    pub title: Vec<String>,
    #[serde(default)]
    pub starts_on: Vec<String>,
    #[serde(default)]
    pub ends_on: Vec<String>,
    #[serde(default)]
    pub location: Vec<String>,
}

impl PhasesForm {
    /// The rows as typed, each field's value (empty when absent).
    pub fn rows(&self) -> Vec<[String; 5]> {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..self.kind.len())
            .map(|i| {
                [
                    at(&self.kind, i),
                    at(&self.title, i),
                    at(&self.starts_on, i),
                    at(&self.ends_on, i),
                    at(&self.location, i),
                ]
            })
            .collect()
    }
}

/// `POST /staff/consultations/{slug}/parametrage/calendrier`
pub async fn save_phases(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<PhasesForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = Vec::new();
    let mut phases = Vec::new();
    for [kind, title, starts_on, ends_on, location] in form.rows() {
        if kind.trim().is_empty() {
            continue;
        }
        let index = phases.len();
        let Some(kind) = PhaseKind::parse(kind.trim()) else {
            errors.push(FieldError {
                field: format!("phases[{index}].kind"),
                message: "Choisissez une étape de la liste.".into(),
            });
            continue;
        };
        phases.push(PhaseSetup {
            kind,
            title,
            starts_on: day(&starts_on, &format!("phases[{index}].starts_on"), &mut errors),
            ends_on: day(&ends_on, &format!("phases[{index}].ends_on"), &mut errors),
            location: Some(location).filter(|l| !l.trim().is_empty()),
        });
    }
    let typed = Typed::Phases(form);
    if !errors.is_empty() {
        return render_page(&req, &state, slug.into_inner(), typed, errors, None).await;
    }
    let actor = Some(staff.0.id);
    save(&req, &state, slug.into_inner(), typed, "calendrier", move |conn, id| {
        edit_phases(conn, id, &phases, actor).map(|_| ())
    })
    .await
}

/// A theme's wording and description, and what to do with it.
#[derive(Deserialize, Default, Clone)]
pub struct ThemeForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `enregistrer` (default), `monter`, `descendre` or `supprimer`.
    #[serde(default)]
    pub action: String,
}

/// `POST /staff/consultations/{slug}/parametrage/themes`: adds a theme after the others.
pub async fn new_theme(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<ThemeForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let theme = ThemeSetup { title: form.title.clone(), description: form.description.clone() };
    let actor = Some(staff.0.id);
    save(&req, &state, slug.into_inner(), Typed::NewTheme(form), "themes", move |conn, id| {
        add_theme(conn, id, &theme, actor).map(|_| ())
    })
    .await
}

/// `POST /staff/consultations/{slug}/parametrage/themes/{position}`: renames, moves or
/// deletes the theme at that position.
pub async fn change_theme(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    form: CsrfForm<ThemeForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, position) = path.into_inner();
    let form = form.into_inner();
    let actor = Some(staff.0.id);
    let theme = ThemeSetup { title: form.title.clone(), description: form.description.clone() };
    let action = form.action.clone();
    save(&req, &state, slug, Typed::Theme(position, form), "themes", move |conn, id| {
        let found = themes_of(conn, id)?
            .into_iter()
            .find(|t| t.position == position)
            .ok_or_else(|| CoreError::NotFound("thème".into()))?;
        match action.as_str() {
            "monter" => move_theme(conn, id, found.id, true, actor),
            "descendre" => move_theme(conn, id, found.id, false, actor),
            "supprimer" => delete_theme(conn, id, found.id, actor),
            _ => edit_theme(conn, id, found.id, &theme, actor).map(|_| ()),
        }
    })
    .await
}

/// The territories: the official codes ticked, and custom ones by code and name (a row left
/// empty is dropped; emptying a row removes that territory).
#[derive(Deserialize, Default, Clone)]
pub struct TerritoriesForm {
    #[serde(default)]
    pub territoire: Vec<String>,
    #[serde(default)]
    pub custom_code: Vec<String>,
    #[serde(default)]
    pub custom_name: Vec<String>,
}

impl TerritoriesForm {
    /// What the core is asked to keep: the official codes, then the custom rows.
    pub fn chosen(&self) -> Vec<TerritorySetup> {
        let official = self
            .territoire
            .iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| TerritorySetup { code: c.trim().to_owned(), name: None });
        let custom = self.custom_rows().into_iter().filter(|(c, n)| !(c.trim().is_empty() && n.trim().is_empty()));
        official.chain(custom.map(|(code, name)| TerritorySetup { code, name: Some(name) })).collect()
    }

    /// The custom rows as typed.
    pub fn custom_rows(&self) -> Vec<(String, String)> {
        self.custom_code
            .iter()
            .enumerate()
            .map(|(i, code)| (code.clone(), self.custom_name.get(i).cloned().unwrap_or_default()))
            .collect()
    }
}

/// `POST /staff/consultations/{slug}/parametrage/territoires`
pub async fn save_territories(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<TerritoriesForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let chosen = form.chosen();
    let actor = Some(staff.0.id);
    save(&req, &state, slug.into_inner(), Typed::Territories(form), "territoires", move |conn, id| {
        edit_territories(conn, id, &chosen, actor)
    })
    .await
}

/// The legal families ticked, in the list's order.
#[derive(Deserialize, Default, Clone)]
pub struct FamiliesForm {
    #[serde(default)]
    pub famille: Vec<String>,
}

/// `POST /staff/consultations/{slug}/parametrage/familles`
pub async fn save_families(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<FamiliesForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let families: Vec<LegalFamily> = form.famille.iter().filter_map(|f| LegalFamily::parse(f.trim())).collect();
    let actor = Some(staff.0.id);
    save(&req, &state, slug.into_inner(), Typed::Families(form), "familles", move |conn, id| {
        edit_legal_families(conn, id, &families, actor)
    })
    .await
}

/// The state asked for.
#[derive(Deserialize)]
pub struct StateForm {
    #[serde(default)]
    etat: String,
}

/// `POST /staff/consultations/{slug}/parametrage/etat`: opens, closes, archives (or takes
/// back to draft) the consultation, as the core allows.
pub async fn change_state(
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<StateForm>,
) -> Result<HttpResponse, AppError> {
    let wanted = ConsultationState::parse(form.into_inner().etat.trim())
        .ok_or_else(|| AppError::from(CoreError::invalid("etat", "Choisissez un état proposé.")))?;
    let actor = Some(staff.0.id);
    let slug = slug.into_inner();
    let lookup = slug.clone();
    state
        .db(move |conn| -> Result<(), AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            set_state(conn, consultation.id, wanted, actor)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/staff/consultations/{slug}/parametrage?fait=etat#etat")))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_days_read_both_ways_and_refuse_the_rest() {
        let mut errors = Vec::new();
        assert_eq!(day("2027-03-01", "d", &mut errors), NaiveDate::from_ymd_opt(2027, 3, 1));
        assert_eq!(day("01/03/2027", "d", &mut errors), NaiveDate::from_ymd_opt(2027, 3, 1));
        assert_eq!(day("  ", "d", &mut errors), None);
        assert!(errors.is_empty());
        assert_eq!(day("1er mars", "d", &mut errors), None);
        assert_eq!(errors[0].field, "d");
    }
}
