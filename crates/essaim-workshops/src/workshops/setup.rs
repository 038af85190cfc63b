//! The workshops plan in a consultation's set-up file (docs/consultation-json.md): each planned
//! workshop's theme (by position), phase, place, day and time. What happened in a workshop is
//! never written — its state, attendance, organisations present, report and entries — nor who
//! facilitates it: facilitators are accounts (a name, an e-mail), personal data that stays with
//! the edition they were given for; staff assign them in the new one. An imported workshop is
//! planned, without facilitators.

use chrono::{Duration, NaiveDate, NaiveTime};
use essaim_core::db::DbConnection;
use essaim_core::domain::setup::{SetupContext, SetupSection};
use essaim_core::{CoreError, CoreResult, ValidationErrors};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{insert_workshop, workshops_of, WorkshopForm, WorkshopState};

/// The section `workshops`.
pub struct WorkshopsSection;

/// One planned workshop, as the file gives it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkshopSetup {
    /// The theme's position in the consultation, from 1.
    theme: i32,
    /// `launch` or `conference`.
    phase: String,
    /// Where it takes place, in words.
    #[serde(default)]
    place: String,
    /// Its day, `AAAA-MM-JJ` (none: not fixed yet).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    date: String,
    /// Its start, `HH:MM`, the place's local time (none: the day only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    time: String,
}

impl SetupSection for WorkshopsSection {
    fn key(&self) -> &'static str {
        "workshops"
    }

    fn export(&self, conn: &mut DbConnection, context: &SetupContext<'_>) -> CoreResult<Option<Value>> {
        let plan: Vec<WorkshopSetup> = workshops_of(conn, context.consultation.id)?
            .into_iter()
            .map(|s| WorkshopSetup {
                theme: s.theme.position,
                phase: s.workshop.phase.as_str().to_owned(),
                place: s.workshop.place,
                date: s.workshop.starts_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                time: s
                    .workshop
                    .starts_at
                    .filter(|t| t.time() != NaiveTime::MIN)
                    .map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_default(),
            })
            .collect();
        if plan.is_empty() {
            return Ok(None);
        }
        serde_json::to_value(plan).map(Some).map_err(|e| CoreError::Internal(e.to_string()))
    }

    fn import(&self, conn: &mut DbConnection, context: &SetupContext<'_>, section: &Value) -> CoreResult<()> {
        let Value::Array(items) = section else {
            return Err(CoreError::invalid("", "Le plan des ateliers est une liste d'ateliers."));
        };
        // Every workshop is tried, so that every refusal is listed at once; the import's
        // transaction undoes what was written before the first.
        let mut errors = ValidationErrors::default();
        for (index, item) in items.iter().enumerate() {
            let workshop: WorkshopSetup = match serde_json::from_value(item.clone()) {
                Ok(w) => w,
                Err(e) => {
                    let (field, message) = unreadable(&e, "Atelier illisible");
                    let field = if field.is_empty() { format!("[{index}]") } else { format!("[{index}].{field}") };
                    errors.add(&field, message);
                    continue;
                }
            };
            let form = WorkshopForm {
                theme: workshop.theme.to_string(),
                phase: workshop.phase.clone(),
                place: workshop.place,
                date: workshop.date,
                time: workshop.time,
                state: WorkshopState::Planned.as_str().to_owned(),
                facilitators: Vec::new(),
            };
            match insert_workshop(conn, context.consultation.id, &form, None) {
                Ok(_) => {}
                Err(CoreError::Validation(refused)) => {
                    for error in refused.0 {
                        let message = match error.field.as_str() {
                            "theme" => format!(
                                "Thème n° {} inconnu : la consultation a {} thème(s), numérotés à partir de 1.",
                                workshop.theme,
                                context.themes.len()
                            ),
                            "phase" => format!(
                                "Phase « {} » inconnue : launch (atelier de lancement) ou conference (atelier de la conférence).",
                                workshop.phase
                            ),
                            _ => error.message,
                        };
                        errors.add(&format!("[{index}].{}", error.field), message);
                    }
                }
                Err(other) => return Err(other),
            }
        }
        errors.into_result()
    }

    fn shift_dates(&self, section: &mut Value, days: i64) {
        let Value::Array(items) = section else { return };
        for item in items {
            let Some(Value::String(date)) = item.get_mut("date") else { continue };
            if let Ok(day) = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
                *date = (day + Duration::days(days)).format("%Y-%m-%d").to_string();
            }
        }
    }
}

/// A section's part serde could not read, in French: the field it names (empty: the part
/// itself) and why.
pub(crate) fn unreadable(error: &serde_json::Error, what: &str) -> (String, String) {
    let message = error.to_string();
    let named = message.split('`').nth(1).unwrap_or_default().to_owned();
    if message.starts_with("unknown field") {
        let why = match named.as_str() {
            "facilitators" | "facilitator" | "animateurs" => {
                " : les animateurs ne sont pas dans le fichier (ce sont des comptes, des données personnelles) ; l'équipe les affecte dans la nouvelle consultation"
            }
            _ => "",
        };
        (named.clone(), format!("Champ inconnu : « {named} »{why}."))
    } else if message.starts_with("missing field") {
        (named.clone(), format!("Champ obligatoire absent : « {named} »."))
    } else {
        (String::new(), format!("{what} : {message}."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::seed_demo_workshops;
    use crate::plenary::demo::seed_demo_plenary;
    use crate::plenary::setup::PlenarySection;
    use crate::workshops::WorkshopPhase;
    use diesel::prelude::*;
    use essaim_core::demo::DEMO_SLUG;
    use essaim_core::domain::consultation::{find_consultation, phases_of};
    use essaim_core::domain::setup::{export, import, next_edition, NextEdition, SetupFile};
    use essaim_core::domain::PhaseKind;
    use essaim_core::schema::{consultations, plenaries, workshop_facilitators, workshops};
    use essaim_core::testing::{demo, TestDb};

    const SECTIONS: [&dyn SetupSection; 2] = [&WorkshopsSection, &PlenarySection];

    fn seeded(conn: &mut DbConnection) {
        demo(conn);
        seed_demo_workshops(conn).unwrap();
        seed_demo_plenary(conn).unwrap();
    }

    fn json(file: &SetupFile) -> Value {
        serde_json::to_value(file).unwrap()
    }

    fn counts(conn: &mut DbConnection) -> (i64, i64, i64) {
        (
            consultations::table.count().get_result(conn).unwrap(),
            workshops::table.count().get_result(conn).unwrap(),
            plenaries::table.count().get_result(conn).unwrap(),
        )
    }

    #[test]
    fn the_demo_exports_its_workshops_plan_and_plenary_settings_and_nothing_personal() {
        let db = TestDb::new();
        let mut conn = db.conn();
        seeded(&mut conn);
        let file = export(&mut conn, DEMO_SLUG, &SECTIONS).unwrap();
        let plan = file.sections["workshops"].as_array().unwrap();
        assert_eq!(plan.len(), 10);
        assert_eq!(
            plan[0],
            serde_json::json!({"theme": 1, "phase": "launch",
                "place": "Nantes (44) — Maison de l'économie sociale et solidaire",
                "date": "2016-04-05", "time": "14:00"})
        );
        assert_eq!(plan[9]["phase"], "conference");
        assert_eq!(plan[9]["theme"], 5);
        assert_eq!(file.sections["plenary"], serde_json::json!({"results_mode": "live"}));
        let text = serde_json::to_string(&json(&file)).unwrap();
        assert!(!text.contains("@demo.essaim.fr"), "no account nor any address");
        assert!(!holds_a_uuid(&text), "no stored id");
        let sections = serde_json::to_string(&file.sections).unwrap();
        let code = plenaries::table.select(plenaries::code).first::<String>(&mut conn).unwrap();
        for absent in ["Animat", "state", "closed", "open", "headcount", "report", "facilitators", &code] {
            assert!(!sections.contains(absent), "{absent} in {sections}");
        }
    }

    /// Whether a text holds a UUID (8-4-4-4-12 hexadecimal digits).
    fn holds_a_uuid(text: &str) -> bool {
        let shape = [8, 4, 4, 4, 12];
        text.split(|c: char| !(c.is_ascii_hexdigit() || c == '-')).any(|word| {
            let parts: Vec<&str> = word.split('-').collect();
            parts.len() == 5 && parts.iter().zip(shape).all(|(p, n)| p.len() == n)
        })
    }

    #[test]
    fn an_exported_plan_imports_planned_without_facilitators_and_exports_the_same() {
        let db = TestDb::new();
        let mut conn = db.conn();
        seeded(&mut conn);
        let mut file = export(&mut conn, DEMO_SLUG, &SECTIONS).unwrap();
        file.consultation.slug = "ess-bretagne-2027".into();
        file.consultation.title = "Stratégie régionale de l'ESS — Bretagne 2027".into();
        let made = import(&mut conn, &file, &SECTIONS).unwrap();
        let again = export(&mut conn, "ess-bretagne-2027", &SECTIONS).unwrap();
        assert_eq!(json(&again), json(&file), "exported again, the same file");
        let plan = workshops_of(&mut conn, made.id).unwrap();
        assert_eq!(plan.len(), 10);
        assert!(plan.iter().all(|s| s.workshop.state == WorkshopState::Planned && s.facilitators.is_empty()));
        assert!(plan.iter().all(|s| s.workshop.headcount.is_none() && s.entries == 0));
        let theirs = plenaries::table.filter(plenaries::consultation_id.ne(made.id)).select(plenaries::code);
        let ours = plenaries::table.filter(plenaries::consultation_id.eq(made.id)).select(plenaries::code);
        assert_ne!(ours.first::<String>(&mut conn).unwrap(), theirs.first::<String>(&mut conn).unwrap());
        let facilitated: i64 = workshop_facilitators::table
            .inner_join(workshops::table)
            .filter(workshops::consultation_id.eq(made.id))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(facilitated, 0);
    }

    #[test]
    fn a_bad_plan_is_refused_naming_each_field_and_nothing_is_written() {
        let db = TestDb::new();
        let mut conn = db.conn();
        seeded(&mut conn);
        let mut file = export(&mut conn, DEMO_SLUG, &SECTIONS).unwrap();
        file.consultation.slug = "ess-bretagne-2027".into();
        let plan = file.sections.get_mut("workshops").unwrap();
        plan[2]["theme"] = serde_json::json!(9);
        plan[0]["date"] = serde_json::json!("28/06/2016");
        plan[4]["phase"] = serde_json::json!("pleniere");
        plan[5]["facilitators"] = serde_json::json!(["fatou@example.fr"]);
        let before = counts(&mut conn);
        let Err(CoreError::Validation(errors)) = import(&mut conn, &file, &SECTIONS) else { panic!("refused") };
        assert_eq!(counts(&mut conn), before, "nothing written");
        assert!(find_consultation(&mut conn, "ess-bretagne-2027").is_err());
        let theme = errors.get("sections.workshops[2].theme").unwrap_or_else(|| panic!("{errors:?}"));
        assert!(theme.contains("Thème n° 9 inconnu"), "{theme}");
        assert!(errors.get("sections.workshops[0].date").is_some_and(|m| m.contains("AAAA-MM-JJ")), "{errors:?}");
        assert!(errors.get("sections.workshops[4].phase").is_some_and(|m| m.contains("pleniere")), "{errors:?}");
        let facilitators = errors.get("sections.workshops[5].facilitators").unwrap_or_default();
        assert!(facilitators.contains("Champ inconnu : « facilitators »"), "{errors:?}");

        // The plenary's settings (a section's first refusal stops the import: the plan is right).
        let mut file = export(&mut conn, DEMO_SLUG, &SECTIONS).unwrap();
        file.consultation.slug = "ess-bretagne-2027".into();
        file.sections.insert("plenary".into(), serde_json::json!({"results_mode": "a_la_fin"}));
        let Err(CoreError::Validation(errors)) = import(&mut conn, &file, &SECTIONS) else { panic!("refused") };
        let mode = errors.get("sections.plenary.results_mode").expect("the mode named");
        assert!(mode.contains("a_la_fin") && mode.contains("after_close"), "{mode}");
        assert_eq!(counts(&mut conn), before, "nothing written");
    }

    #[test]
    fn the_next_edition_moves_the_workshops_by_the_start_offset() {
        let db = TestDb::new();
        let mut conn = db.conn();
        seeded(&mut conn);
        let next = NextEdition {
            slug: "ess-pays-de-la-loire-2021".into(),
            title: "Stratégie régionale de l'ESS — Pays de la Loire 2021".into(),
            // The demo starts on 2016-04-01: 1,826 days later.
            starts_on: NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
        };
        let made = next_edition(&mut conn, DEMO_SLUG, &next, &SECTIONS).unwrap();
        let source = find_consultation(&mut conn, DEMO_SLUG).unwrap();
        let offset = next.starts_on - source.starts_on.unwrap();
        let old = workshops_of(&mut conn, source.id).unwrap();
        let new = workshops_of(&mut conn, made.id).unwrap();
        assert_eq!(old.len(), new.len());
        for (o, n) in old.iter().zip(&new) {
            assert_eq!(n.workshop.starts_at, o.workshop.starts_at.map(|t| t + offset));
            assert_eq!(
                (n.theme.position, n.workshop.phase, &n.workshop.place),
                (o.theme.position, o.workshop.phase, &o.workshop.place)
            );
        }
        let conference = new.iter().find(|s| s.workshop.phase == WorkshopPhase::Conference).unwrap();
        assert_eq!(conference.workshop.starts_at.unwrap().format("%Y-%m-%d %H:%M").to_string(), "2021-06-28 14:00");
        // The plenary's days are the phases of its two parts, moved by the core.
        let part2 = phases_of(&mut conn, made.id).unwrap().into_iter().find(|p| p.kind == PhaseKind::PlenaryPart2);
        assert_eq!(part2.unwrap().starts_on, NaiveDate::from_ymd_opt(2021, 6, 28));
    }

    #[test]
    fn shifting_leaves_what_it_cannot_read_for_the_import_to_refuse() {
        let mut section = serde_json::json!([{"theme": 1, "phase": "launch", "date": "2016-12-31"},
            {"theme": 2, "phase": "launch", "date": "demain"}, {"theme": 3, "phase": "launch"}]);
        WorkshopsSection.shift_dates(&mut section, 1);
        assert_eq!(section[0]["date"], "2017-01-01");
        assert_eq!(section[1]["date"], "demain");
        assert!(section[2].get("date").is_none());
    }
}
