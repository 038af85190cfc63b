//! The facilitator's pages (staff see them too): "mes ateliers", a workshop, live capture,
//! correcting or deleting an entry, and the report's download.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Lane;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation_by_id, Consultation};
use essaim_core::domain::contribution::MAX_CONTRIBUTION_CHARS;
use essaim_core::domain::{Account, ContributionKind};
use essaim_core::{CoreError, FieldError, ValidationErrors};
use essaim_workshops::capture::{
    capture, delete_entry, edit_entry, entries_of, entry_for, Entry, EntryInput, MAX_ORGANISATION_CHARS,
};
use essaim_workshops::export::territory_names;
use essaim_workshops::report::{workshop_report, ReportFormat};
use essaim_workshops::workshops::{
    is_staff, next_states, record_attendance, set_state, summary_for, workshops_for, AttendanceForm, MAX_REPORT_CHARS,
};
use essaim_workshops::{WorkshopError, WorkshopState, WorkshopSummary};
use serde::Deserialize;

use super::id_of;
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, SignedIn, CONTRIBUTION_FORM_LIMIT};
use crate::views::{forms, render, Layout};

/// A workshop as the pages show it.
pub(super) struct Head {
    pub id: String,
    pub title: String,
    pub theme: String,
    pub phase: &'static str,
    pub place: String,
    pub when: String,
    pub state_label: &'static str,
    pub facilitators: String,
    pub entries: i64,
    pub open: bool,
    /// The state changes this account may make: (code, button label).
    pub moves: Vec<(&'static str, &'static str)>,
}

/// "28 juin 2016 à 14 h 00", or "date à préciser".
pub(super) fn when(summary: &WorkshopSummary) -> String {
    match summary.workshop.starts_at {
        Some(t) if t.time() == chrono::NaiveTime::MIN => crate::views::french_date(t.date()),
        Some(t) => format!("{} à {}", crate::views::french_date(t.date()), t.format("%H h %M")),
        None => "date à préciser".to_owned(),
    }
}

pub(super) fn head(summary: &WorkshopSummary, who: &Account) -> Head {
    let w = &summary.workshop;
    let moves = next_states(w.state, who)
        .into_iter()
        .map(|to| {
            let label = match (w.state, to) {
                (WorkshopState::Closed, _) => "Rouvrir l'atelier",
                (_, WorkshopState::Closed) => "Clore l'atelier",
                _ => "Ouvrir l'atelier",
            };
            (to.as_str(), label)
        })
        .collect();
    Head {
        id: w.id.to_string(),
        title: summary.title(),
        theme: format!("{}. {}", summary.theme.position, summary.theme.title),
        phase: w.phase.label(),
        place: if w.place.is_empty() { "lieu à préciser".to_owned() } else { w.place.clone() },
        when: when(summary),
        state_label: w.state.label(),
        facilitators: if summary.facilitators.is_empty() { "aucun".to_owned() } else { summary.facilitator_names() },
        entries: summary.entries,
        open: w.state == WorkshopState::Open,
        moves,
    }
}

struct Line {
    title: String,
    href: String,
    when: String,
    place: String,
    state: &'static str,
    facilitators: String,
    entries: i64,
}

#[derive(Template)]
#[template(path = "workshops/mine.html")]
struct MinePage {
    layout: Layout,
    staff: bool,
    lines: Vec<Line>,
}

/// `GET /ateliers`: "mes ateliers" — a facilitator's own workshops (every one for staff).
pub async fn mine(req: HttpRequest, who: SignedIn, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let account = who.0;
    let staff = is_staff(&account);
    let list = state.db(move |conn| workshops_for(conn, &account).map_err(AppError::from)).await?;
    let lines = list
        .iter()
        .map(|s| Line {
            title: s.title(),
            href: format!("/ateliers/{}", s.workshop.id),
            when: when(s),
            place: s.workshop.place.clone(),
            state: s.workshop.state.label(),
            facilitators: s.facilitator_names(),
            entries: s.entries,
        })
        .collect();
    render(&MinePage { layout: Layout::for_request(&req, "Mes ateliers", "workshops"), staff, lines }, StatusCode::OK)
}

pub(super) struct EntryLine {
    pub id: String,
    pub kind: &'static str,
    pub body: String,
    pub speaker: String,
    pub time: String,
    pub just_saved: bool,
}

/// The entries, newest first, their times in the consultation's time zone.
fn lines_of(loaded: &Loaded, saved: Option<&str>) -> Vec<EntryLine> {
    let (entries, territories) = (&loaded.entries, &loaded.territories);
    entries
        .iter()
        .rev()
        .map(|e| {
            let mut who = Vec::new();
            if let Some(o) = &e.organisation {
                who.push(o.clone());
            }
            if let Some(code) = &e.territory {
                who.push(territories.iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or(code.clone()));
            }
            EntryLine {
                id: e.id.to_string(),
                kind: e.kind.map(|k| k.label()).unwrap_or(""),
                body: e.body.clone(),
                speaker: who.join(", "),
                time: loaded.consultation.local(e.created_at).format("%H h %M").to_string(),
                just_saved: saved == Some(e.id.to_string().as_str()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "workshops/workshop.html")]
struct WorkshopPage {
    layout: Layout,
    w: Head,
    staff: bool,
    edit_href: String,
    form: AttendanceForm,
    errors: Vec<FieldError>,
    flash: Option<&'static str>,
    entries: Vec<EntryLine>,
    max_report: usize,
}

impl WorkshopPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// The confirmation shown after an action (`?fait=…`).
#[derive(Debug, Deserialize)]
pub struct Done {
    fait: Option<String>,
}

fn flash(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "presence" => Some("La présence et le compte rendu sont enregistrés."),
        "etat" => Some("L'état de l'atelier est changé."),
        "supprimee" => Some("L'entrée est supprimée."),
        "corrigee" => Some("L'entrée est corrigée."),
        _ => None,
    }
}

struct Loaded {
    summary: WorkshopSummary,
    entries: Vec<Entry>,
    territories: Vec<(String, String)>,
    consultation: Consultation,
}

fn load(conn: &mut DbConnection, id: Id, who: &Account) -> Result<Loaded, AppError> {
    let summary = summary_for(conn, id, who)?;
    let entries = entries_of(conn, id, who)?;
    let territories = territory_names(conn, summary.workshop.consultation_id)?;
    let consultation = find_consultation_by_id(conn, summary.workshop.consultation_id)?;
    Ok(Loaded { summary, entries, territories, consultation })
}

fn workshop_page(
    req: &HttpRequest,
    who: &Account,
    loaded: Loaded,
    form: Option<AttendanceForm>,
    errors: ValidationErrors,
    done: Option<&str>,
) -> WorkshopPage {
    let title =
        if errors.is_empty() { loaded.summary.title() } else { format!("Erreur — {}", loaded.summary.title()) };
    WorkshopPage {
        layout: Layout::for_request(req, title, "workshops"),
        w: head(&loaded.summary, who),
        staff: is_staff(who),
        edit_href: format!("/staff/ateliers/{}/modifier", loaded.summary.workshop.id),
        form: form.unwrap_or_else(|| AttendanceForm::of(&loaded.summary.workshop)),
        errors: errors.0,
        flash: flash(done),
        entries: lines_of(&loaded, None),
        max_report: MAX_REPORT_CHARS,
    }
}

/// `GET /ateliers/{id}`: the workshop, its attendance and report form, its entries.
pub async fn workshop(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let account = who.0;
    let viewer = account.clone();
    let loaded = state.db(move |conn| load(conn, id, &viewer)).await?;
    let page = workshop_page(&req, &account, loaded, None, ValidationErrors::default(), done.fait.as_deref());
    render(&page, StatusCode::OK)
}

fn see_other(target: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, target)).finish()
}

/// `POST /ateliers/{id}/presence`: attendance and report; refused fields come back with
/// what was typed.
pub async fn attendance(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<AttendanceForm, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let account = who.0;
    let form = form.into_inner();
    let (actor, typed) = (account.clone(), form.clone());
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            match record_attendance(conn, id, &actor, &typed) {
                Ok(_) => Ok(None),
                Err(WorkshopError::Core(CoreError::Validation(errors))) => Ok(Some((load(conn, id, &actor)?, errors))),
                Err(other) => Err(other.into()),
            }
        })
        .await?;
    match outcome {
        None => Ok(see_other(format!("/ateliers/{id}?fait=presence#presence"))),
        Some((loaded, errors)) => {
            let page = workshop_page(&req, &account, loaded, Some(form), errors, None);
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// The state form: the state wanted and where to come back.
#[derive(Debug, Deserialize)]
pub struct StateFields {
    #[serde(default)]
    state: String,
    #[serde(default)]
    retour: String,
}

/// `POST /ateliers/{id}/etat`: opens or closes the workshop (a facilitator opens and closes,
/// staff also reopen).
pub async fn state(
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<StateFields>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let form = form.into_inner();
    let wanted = WorkshopState::parse(form.state.trim())
        .ok_or_else(|| AppError::invalid("state", "Choisissez l'état de l'atelier : prévu, ouvert ou clos."))?;
    let account = who.0;
    state.db(move |conn| set_state(conn, id, &account, wanted).map_err(AppError::from)).await?;
    let target =
        if form.retour == "saisie" { format!("/ateliers/{id}/saisie") } else { format!("/ateliers/{id}?fait=etat") };
    Ok(see_other(target))
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "workshops/capture.html")]
struct CapturePage {
    layout: Layout,
    w: Head,
    kinds: Vec<forms::Choice>,
    territories: Vec<Choice>,
    organisations: Vec<String>,
    form: EntryInput,
    errors: Vec<FieldError>,
    saved: bool,
    entries: Vec<EntryLine>,
    api: String,
    max_chars: usize,
    max_organisation: usize,
}

impl CapturePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// The errors as the summary links them: the type to its chosen radio, the text to the
    /// text's box.
    fn linked_errors(&self) -> Vec<FieldError> {
        crate::views::forms::linked(&self.errors, |field| match field {
            "kind" => format!("kind-{}", self.form.kind),
            "organisation" | "territory" => field.to_owned(),
            _ => "body".to_owned(),
        })
    }
}

fn capture_page_of(
    req: &HttpRequest,
    who: &Account,
    loaded: Loaded,
    form: EntryInput,
    errors: ValidationErrors,
    saved: Option<&str>,
) -> CapturePage {
    let title = if errors.is_empty() {
        format!("Saisie — {}", loaded.summary.title())
    } else {
        format!("Erreur — Saisie — {}", loaded.summary.title())
    };
    let kind = if form.kind.is_empty() { "constat".to_owned() } else { form.kind.clone() };
    CapturePage {
        layout: Layout::for_request(req, title, "workshops"),
        w: head(&loaded.summary, who),
        kinds: ContributionKind::ALL
            .iter()
            .map(|k| forms::Choice::new(k.as_str(), k.label(), kind == k.as_str()))
            .collect(),
        territories: loaded
            .territories
            .iter()
            .map(|(code, name)| Choice {
                value: code.clone(),
                label: format!("{name} ({code})"),
                selected: form.territory == *code,
            })
            .collect(),
        organisations: loaded.summary.workshop.organisations(),
        errors: errors.0,
        saved: saved.is_some(),
        entries: lines_of(&loaded, saved),
        api: format!("/api/v1/workshops/{}/entries", loaded.summary.workshop.id),
        max_chars: MAX_CONTRIBUTION_CHARS,
        max_organisation: MAX_ORGANISATION_CHARS,
        form: EntryInput { device_id: Id(uuid::Uuid::new_v4()).to_string(), kind, ..form },
    }
}

/// The capture page's address query: the entry just saved, and the choices to keep.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CaptureQuery {
    ok: String,
    #[serde(rename = "type")]
    kind: String,
    org: String,
    dep: String,
}

/// `GET /ateliers/{id}/saisie`: the capture page (a fresh device id in the form).
pub async fn capture_page(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<CaptureQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let account = who.0;
    let viewer = account.clone();
    let loaded = state.db(move |conn| load(conn, id, &viewer)).await?;
    let query = query.into_inner();
    let form = EntryInput { kind: query.kind, organisation: query.org, territory: query.dep, ..EntryInput::default() };
    let saved = Some(query.ok.as_str()).filter(|s| !s.is_empty());
    let page = capture_page_of(&req, &account, loaded, form, ValidationErrors::default(), saved);
    render(&page, StatusCode::OK)
}

/// `POST /ateliers/{id}/saisie`: records the entry (once per device id, in the group
/// commit), then back to the page with it listed; a refused entry comes back with its text.
pub async fn capture_send(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<EntryInput, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let account = who.0;
    let mut form = form.into_inner();
    form.captured_at = None;
    let (actor, typed) = (account.clone(), form.clone());
    // A second press of the button (the same device id) goes where the first went.
    let lane = Lane::of(&typed.device_id);
    let outcome = state
        .commit(lane, move |conn| -> Result<Result<Id, ValidationErrors>, AppError> {
            match capture(conn, id, &actor, typed) {
                Ok(captured) => Ok(Ok(captured.entry().id)),
                Err(WorkshopError::Core(CoreError::Validation(errors))) => Ok(Err(errors)),
                Err(WorkshopError::State(message)) => {
                    let mut errors = ValidationErrors::default();
                    errors.add("body", message);
                    Ok(Err(errors))
                }
                Err(WorkshopError::Core(CoreError::Conflict(_))) => {
                    let mut errors = ValidationErrors::default();
                    errors.add("body", "Ce formulaire a déjà servi dans un autre atelier : envoyez de nouveau votre texte, il sera enregistré comme une nouvelle entrée.");
                    Ok(Err(errors))
                }
                Err(other) => Err(other.into()),
            }
        })
        .await?;
    match outcome {
        Ok(entry) => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("ok", &entry.to_string())
                .append_pair("type", form.kind.trim())
                .append_pair("org", form.organisation.trim())
                .append_pair("dep", form.territory.trim())
                .finish();
            Ok(see_other(format!("/ateliers/{id}/saisie?{query}#saisie")))
        }
        Err(errors) => {
            let viewer = account.clone();
            let loaded = state.db(move |conn| load(conn, id, &viewer)).await?;
            let page = capture_page_of(&req, &account, loaded, form, errors, None);
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

#[derive(Template)]
#[template(path = "workshops/entry.html")]
struct EntryPage {
    layout: Layout,
    w: Head,
    entry: String,
    kinds: Vec<forms::Choice>,
    body: String,
    errors: Vec<FieldError>,
    max_chars: usize,
}

impl EntryPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// The errors as the summary links them: the type to its first radio, the rest to the text.
    fn linked_errors(&self) -> Vec<FieldError> {
        crate::views::forms::linked(&self.errors, |field| {
            if field == "kind" { "kind-constat" } else { "body" }.to_owned()
        })
    }
}

fn entry_page(
    req: &HttpRequest,
    who: &Account,
    summary: &WorkshopSummary,
    entry: Id,
    kind: &str,
    body: String,
    errors: ValidationErrors,
) -> EntryPage {
    EntryPage {
        layout: Layout::for_request(
            req,
            if errors.is_empty() {
                "Corriger une entrée".to_owned()
            } else {
                "Erreur — Corriger une entrée".to_owned()
            },
            "workshops",
        ),
        w: head(summary, who),
        entry: entry.to_string(),
        kinds: ContributionKind::ALL
            .iter()
            .map(|k| forms::Choice::new(k.as_str(), k.label(), kind == k.as_str()))
            .collect(),
        body,
        errors: errors.0,
        max_chars: MAX_CONTRIBUTION_CHARS,
    }
}

/// `GET /ateliers/{id}/entrees/{entry}/modifier`: the correction form, and the deletion.
pub async fn edit_form(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, entry) = path.into_inner();
    let (id, entry) = (id_of(&id)?, id_of(&entry)?);
    let account = who.0;
    let viewer = account.clone();
    let (summary, found) = state
        .db(move |conn| -> Result<_, AppError> {
            Ok((summary_for(conn, id, &viewer)?, entry_for(conn, id, entry, &viewer)?))
        })
        .await?;
    let kind = found.kind.map(|k| k.as_str()).unwrap_or("constat");
    let page = entry_page(&req, &account, &summary, entry, kind, found.body, ValidationErrors::default());
    render(&page, StatusCode::OK)
}

/// The correction form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditFields {
    kind: String,
    body: String,
}

/// `POST /ateliers/{id}/entrees/{entry}/modifier`: corrects the entry while the workshop is
/// open (audited with the old text by the core).
pub async fn edit_send(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<EditFields, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let (id, entry) = path.into_inner();
    let (id, entry) = (id_of(&id)?, id_of(&entry)?);
    let account = who.0;
    let form = form.into_inner();
    let (actor, kind, body) = (account.clone(), form.kind.clone(), form.body.clone());
    let refused = state
        .db(move |conn| -> Result<_, AppError> {
            match edit_entry(conn, id, entry, &actor, &kind, &body) {
                Ok(_) => Ok(None),
                Err(WorkshopError::Core(CoreError::Validation(errors))) => {
                    Ok(Some((summary_for(conn, id, &actor)?, errors)))
                }
                Err(other) => Err(other.into()),
            }
        })
        .await?;
    match refused {
        None => Ok(see_other(format!("/ateliers/{id}?fait=corrigee#entrees"))),
        Some((summary, errors)) => {
            let page = entry_page(&req, &account, &summary, entry, &form.kind, form.body, errors);
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `POST /ateliers/{id}/entrees/{entry}/supprimer`: deletes the entry while the workshop is
/// open (audited with its text by the core).
pub async fn delete(
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<crate::extract::NoFields>,
) -> Result<HttpResponse, AppError> {
    let (id, entry) = path.into_inner();
    let (id, entry) = (id_of(&id)?, id_of(&entry)?);
    let account = who.0;
    state.db(move |conn| delete_entry(conn, id, entry, &account).map_err(AppError::from)).await?;
    Ok(see_other(format!("/ateliers/{id}?fait=supprimee#entrees")))
}

/// `GET /ateliers/{id}/compte-rendu/{pdf|docx|odt}`: the workshop's report, in one click.
pub async fn report(
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let id = id_of(&id)?;
    let format = ReportFormat::parse(&format).ok_or(AppError::NotFound)?;
    let account = who.0;
    let report = state.db(move |conn| workshop_report(conn, id, &account).map_err(AppError::from)).await?;
    // Laying out a document takes a while: off the async workers, like database work.
    let (name, bytes) =
        web::block(move || report.render(format)).await?.map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::views::download(format.format().content_type(), &name, bytes))
}
