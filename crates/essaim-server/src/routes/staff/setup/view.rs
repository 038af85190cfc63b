//! The set-up page's view: what is stored, or what was just typed in the form that was
//! refused, with the messages beside their fields.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::domain::consultation::{
    find_consultation, legal_families_of, phases_of, territories_of, themes_of, Consultation,
};
use essaim_core::domain::territory::{departements_of, official};
use essaim_core::domain::vocab::{ConsultationState, LegalFamily, PhaseKind, TerritoryKind};
use essaim_core::FieldError;

use super::{ConsultationForm, FamiliesForm, PhasesForm, TerritoriesForm, ThemeForm};
use crate::app::AppState;
use crate::error::AppError;
use crate::views::{render, Layout};

/// The form that was refused, shown again as typed.
pub enum Typed {
    None,
    Consultation(ConsultationForm),
    Phases(PhasesForm),
    NewTheme(ThemeForm),
    Theme(i32, ThemeForm),
    Territories(TerritoriesForm),
    Families(FamiliesForm),
}

/// A phase row of the calendar.
pub struct PhaseRow {
    pub index: usize,
    pub kind: String,
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub location: String,
}

impl PhaseRow {
    /// Its two dates: name, label, value.
    pub fn dates(&self) -> Vec<(&'static str, &'static str, String)> {
        vec![("starts_on", "Du", self.starts_on.clone()), ("ends_on", "Au", self.ends_on.clone())]
    }
}

/// A theme and its form.
pub struct ThemeRow {
    pub index: usize,
    pub position: i32,
    pub title: String,
    pub description: String,
    pub first: bool,
    pub last: bool,
}

/// A territory to tick.
pub struct Tick {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

/// A région and its départements.
pub struct RegionGroup {
    pub legend: String,
    pub ticks: Vec<Tick>,
    pub open: bool,
}

/// A state button.
pub struct StateButton {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "staff/setup.html")]
pub struct SetupPage {
    pub layout: Layout,
    pub slug: String,
    pub title: String,
    pub state: &'static str,
    pub state_buttons: Vec<StateButton>,
    pub done: Option<&'static str>,
    pub errors: Vec<FieldError>,
    pub consultation: ConsultationForm,
    pub phases: Vec<PhaseRow>,
    pub phase_kinds: Vec<(&'static str, &'static str)>,
    pub themes: Vec<ThemeRow>,
    pub new_theme: ThemeForm,
    pub new_theme_index: usize,
    pub max_themes: usize,
    pub regions: Vec<RegionGroup>,
    pub custom: Vec<(usize, String, String)>,
    pub families: Vec<Tick>,
}

impl SetupPage {
    /// The message for `field`, if refused.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// Every message about a part (`territories`, `legal_families`), shown above its form.
    pub fn errors_of(&self, prefix: &str) -> Vec<&str> {
        self.errors.iter().filter(|e| e.field.starts_with(prefix)).map(|e| e.message.as_str()).collect()
    }

    /// A field's name as the core gives it: `consultation.title`, `phases[2].ends_on`.
    pub fn path(&self, part: &str, name: &str) -> String {
        format!("{part}.{name}")
    }

    /// The name of a field of a row: `phases[2].ends_on`.
    pub fn path_at(&self, part: &str, index: impl std::borrow::Borrow<usize>, name: &str) -> String {
        format!("{part}[{}].{name}", index.borrow())
    }

    /// The consultation's text fields: name, label, value, hint.
    pub fn text_fields(&self) -> Vec<(&'static str, &'static str, String, &'static str)> {
        let c = &self.consultation;
        vec![
            ("title", "Titre", c.title.clone(), "Par exemple : Stratégie régionale de l'ESS — Bretagne 2027."),
            ("region", "Région", c.region.clone(), "Par exemple : Bretagne."),
            (
                "organisers",
                "Organisateurs",
                c.organisers.clone(),
                "Tels qu'une phrase les nomme : la Région Bretagne et l'État.",
            ),
            (
                "time_zone",
                "Fuseau horaire",
                c.time_zone.clone(),
                "Europe/Paris, sauf outre-mer (America/Cayenne, Indian/Reunion…).",
            ),
        ]
    }

    /// The consultation's dates: name, label, value.
    pub fn date_fields(&self) -> Vec<(&'static str, &'static str, String)> {
        let c = &self.consultation;
        vec![
            ("starts_on", "Premier jour", c.starts_on.clone()),
            ("ends_on", "Dernier jour", c.ends_on.clone()),
            ("retention_until", "Données personnelles effacées après le", c.retention_until.clone()),
        ]
    }

    /// The id of a field's input, from the core's name of it (`phases[2].ends_on` →
    /// `f-phases-2-ends_on`): the error summary links there.
    pub fn id_of(&self, field: &str) -> String {
        field_id(field)
    }

    /// The errors as the summary links them: to their inputs' ids.
    pub fn linked_errors(&self) -> Vec<FieldError> {
        crate::views::forms::linked(&self.errors, field_id)
    }

    /// The `aria-describedby` and `aria-invalid` of a field that was refused, else nothing.
    pub fn invalid(&self, field: &str) -> String {
        match self.error(field) {
            Some(_) => format!(" aria-invalid=\"true\" aria-describedby=\"{}-error\"", field_id(field)),
            None => String::new(),
        }
    }
}

fn field_id(field: &str) -> String {
    let mut id = String::from("f-");
    for c in field.chars() {
        match c {
            '[' | '.' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

fn iso(day: Option<chrono::NaiveDate>) -> String {
    day.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn consultation_form(c: &Consultation) -> ConsultationForm {
    ConsultationForm {
        title: c.title.clone(),
        region: c.region.clone(),
        organisers: c.organisers.clone(),
        description: c.description.clone(),
        starts_on: iso(c.starts_on),
        ends_on: iso(c.ends_on),
        retention_until: iso(c.retention_until),
        time_zone: c.time_zone.clone(),
    }
}

/// The notice after a save, by the part saved.
fn done_notice(part: &str) -> Option<&'static str> {
    Some(match part {
        "consultation" => "La consultation est enregistrée.",
        "calendrier" => "Le calendrier est enregistré.",
        "themes" => "Les thèmes sont enregistrés.",
        "territoires" => "Les territoires sont enregistrés : les formulaires les proposent dès maintenant.",
        "familles" => "Les familles juridiques sont enregistrées.",
        "etat" => "L'état de la consultation est changé.",
        _ => return None,
    })
}

/// Renders the page: what is stored, with `typed` in place of its form.
pub async fn render_page(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    typed: Typed,
    errors: Vec<FieldError>,
    done: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (consultation, phases, themes, territories, families) = state
        .db(move |conn| -> Result<_, AppError> {
            let c = find_consultation(conn, &slug)?;
            Ok((
                c.clone(),
                phases_of(conn, c.id)?,
                themes_of(conn, c.id)?,
                territories_of(conn, c.id)?,
                legal_families_of(conn, c.id)?,
            ))
        })
        .await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };

    let mut phase_rows: Vec<PhaseRow> = match &typed {
        Typed::Phases(form) => form
            .rows()
            .into_iter()
            .filter(|r| !r[0].trim().is_empty())
            .enumerate()
            .map(|(index, [kind, title, starts_on, ends_on, location])| PhaseRow {
                index,
                kind,
                title,
                starts_on,
                ends_on,
                location,
            })
            .collect(),
        _ => phases
            .iter()
            .enumerate()
            .map(|(index, p)| PhaseRow {
                index,
                kind: p.kind.as_str().to_owned(),
                title: p.title.clone(),
                starts_on: iso(p.starts_on),
                ends_on: iso(p.ends_on),
                location: p.location.clone().unwrap_or_default(),
            })
            .collect(),
    };
    // Two empty rows to add phases without JavaScript.
    for _ in 0..2 {
        let index = phase_rows.len();
        phase_rows.push(PhaseRow {
            index,
            kind: String::new(),
            title: String::new(),
            starts_on: String::new(),
            ends_on: String::new(),
            location: String::new(),
        });
    }

    let count = themes.len();
    let theme_rows = themes
        .iter()
        .enumerate()
        .map(|(index, t)| {
            let (title, description) = match &typed {
                Typed::Theme(position, form) if *position == t.position => {
                    (form.title.clone(), form.description.clone())
                }
                _ => (t.title.clone(), t.description.clone()),
            };
            ThemeRow { index, position: t.position, title, description, first: index == 0, last: index + 1 == count }
        })
        .collect();

    let chosen: Vec<String> = match &typed {
        Typed::Territories(form) => form.territoire.clone(),
        _ => territories.iter().filter(|t| t.kind != TerritoryKind::Other).map(|t| t.code.clone()).collect(),
    };
    let regions = official()
        .iter()
        .filter(|t| t.kind == TerritoryKind::Region)
        .map(|region| {
            let mut ticks = vec![Tick {
                code: region.code.clone(),
                label: format!("Toute la région {}", region.name),
                checked: chosen.contains(&region.code),
            }];
            ticks.extend(departements_of(&region.code).into_iter().map(|d| Tick {
                code: d.code.clone(),
                label: format!("{} ({})", d.name, d.code),
                checked: chosen.contains(&d.code),
            }));
            let open = ticks.iter().any(|t| t.checked);
            RegionGroup { legend: region.name.clone(), ticks, open }
        })
        .collect();
    let mut custom: Vec<(String, String)> = match &typed {
        Typed::Territories(form) => form.custom_rows(),
        _ => territories
            .iter()
            .filter(|t| t.kind == TerritoryKind::Other)
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect(),
    };
    custom.retain(|(c, n)| !(c.trim().is_empty() && n.trim().is_empty()));
    custom.extend([(String::new(), String::new()), (String::new(), String::new())]);

    let ticked: Vec<String> = match &typed {
        Typed::Families(form) => form.famille.clone(),
        _ => families.iter().map(|f| f.as_str().to_owned()).collect(),
    };
    let families = LegalFamily::ALL
        .iter()
        .map(|f| Tick {
            code: f.as_str().to_owned(),
            label: f.label().to_owned(),
            checked: ticked.iter().any(|t| t == f.as_str()),
        })
        .collect();

    let page = SetupPage {
        layout: Layout::for_request(req, format!("Paramétrage — {}", consultation.title), "staff"),
        slug: consultation.slug.clone(),
        title: consultation.title.clone(),
        state: consultation.state.label(),
        state_buttons: consultation
            .state
            .next_states()
            .iter()
            .map(|s| StateButton { code: s.as_str(), label: state_action(*s) })
            .collect(),
        done: done.as_deref().and_then(done_notice),
        consultation: match &typed {
            Typed::Consultation(form) => form.clone(),
            _ => consultation_form(&consultation),
        },
        phases: phase_rows,
        phase_kinds: PhaseKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        new_theme_index: count,
        new_theme: match &typed {
            Typed::NewTheme(form) => form.clone(),
            _ => ThemeForm::default(),
        },
        themes: theme_rows,
        max_themes: essaim_core::domain::setup::MAX_THEMES,
        regions,
        custom: custom.into_iter().enumerate().map(|(i, (c, n))| (i, c, n)).collect(),
        families,
        errors,
    };
    render(&page, status)
}

fn state_action(state: ConsultationState) -> &'static str {
    match state {
        ConsultationState::Draft => "Repasser en préparation",
        ConsultationState::Open => "Ouvrir la consultation",
        ConsultationState::Closed => "Clore la consultation",
        ConsultationState::Archived => "Archiver (lecture seule, définitif)",
    }
}
