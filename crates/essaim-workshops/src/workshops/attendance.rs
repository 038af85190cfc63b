//! What facilitators write after a workshop: the headcount, the organisations present and the
//! short report, in any state (a report is often written after closing), audited with the
//! previous values.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::Account;
use essaim_core::schema::workshops;
use essaim_core::text::clean;
use essaim_core::ValidationErrors;
use serde::Deserialize;

use super::{
    organisation_lines, workshop_for, Workshop, WorkshopError, MAX_HEADCOUNT, MAX_ORGANISATIONS,
    MAX_ORGANISATION_CHARS, MAX_REPORT_CHARS,
};

/// The attendance and report form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AttendanceForm {
    /// How many people, as typed.
    pub headcount: String,
    /// The organisations present, one per line.
    pub organisations: String,
    /// The short report.
    pub report: String,
}

impl AttendanceForm {
    /// The form filled with a stored workshop.
    pub fn of(workshop: &Workshop) -> Self {
        AttendanceForm {
            headcount: workshop.headcount.map(|n| n.to_string()).unwrap_or_default(),
            organisations: workshop.organisations_present.clone(),
            report: workshop.report.clone(),
        }
    }
}

/// Records a workshop's attendance (headcount, organisations present) and its report, by one
/// of its facilitators or staff, in any state (a report is often written after closing).
/// Audited with the previous values (`workshop.attendance`).
pub fn record_attendance(
    conn: &mut DbConnection,
    id: Id,
    who: &Account,
    form: &AttendanceForm,
) -> Result<Workshop, WorkshopError> {
    let mut errors = ValidationErrors::default();
    let headcount = match form.headcount.trim() {
        "" => None,
        raw => match raw.parse::<i32>() {
            Ok(n) if (0..=MAX_HEADCOUNT).contains(&n) => Some(n),
            _ => {
                errors.add("headcount", format!("Indiquez un nombre de participants entre 0 et {MAX_HEADCOUNT}."));
                None
            }
        },
    };
    let organisations = organisation_lines(&form.organisations.replace('\r', "\n"));
    if organisations.len() > MAX_ORGANISATIONS {
        errors.add("organisations", format!("Listez au plus {MAX_ORGANISATIONS} organisations."));
    } else if let Some(long) = organisations.iter().find(|o| o.chars().count() > MAX_ORGANISATION_CHARS) {
        errors.add(
            "organisations",
            format!(
                "Chaque organisation compte au plus {MAX_ORGANISATION_CHARS} caractères (« {}… »).",
                long.chars().take(30).collect::<String>()
            ),
        );
    }
    // Line breaks as `\n` alone; what no text keeps goes by the core's one rule.
    let report = clean(&form.report.replace("\r\n", "\n").replace('\r', "\n")).trim().to_owned();
    let report_chars = report.chars().count();
    if report_chars > MAX_REPORT_CHARS {
        errors.add("report", format!("Le compte rendu compte {report_chars} caractères, {MAX_REPORT_CHARS} au plus."));
    }
    write_transaction(conn, |conn| {
        let before = workshop_for(conn, id, who)?;
        errors.into_result()?;
        let organisations_present = organisations.join("\n");
        let at = now();
        diesel::update(workshops::table.find(id))
            .set((
                workshops::headcount.eq(headcount),
                workshops::organisations_present.eq(&organisations_present),
                workshops::report.eq(&report),
                workshops::updated_at.eq(at),
            ))
            .execute(conn)?;
        record(
            conn,
            AuditEvent::new(Some(who.id), "workshop.attendance", "workshop", Some(id.to_string())).with_details(
                serde_json::json!({
                    "old_headcount": before.headcount,
                    "old_organisations": before.organisations(),
                    "old_report": before.report,
                    "headcount": headcount,
                    "organisations": organisations,
                }),
            ),
        )?;
        Ok(Workshop { headcount, organisations_present, report, updated_at: at, ..before })
    })
}

#[cfg(test)]
mod tests {
    use essaim_core::domain::audit::history_of;
    use essaim_core::testing::{demo, TestDb};
    use essaim_core::CoreError;

    use super::super::tests::{account, form};
    use super::super::{create_workshop, find_workshop};
    use super::*;

    #[test]
    fn attendance_is_checked_and_audited_with_the_old_values() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        let fatou = account(&mut conn, "facilitator");
        let w = create_workshop(&mut conn, consultation, &form("4", vec![fatou.id.to_string()]), staff.id).unwrap();
        let bad = AttendanceForm {
            headcount: "-3".into(),
            organisations: String::new(),
            report: "é".repeat(MAX_REPORT_CHARS + 1),
        };
        let Err(WorkshopError::Core(CoreError::Validation(errors))) = record_attendance(&mut conn, w.id, &fatou, &bad)
        else {
            panic!("refused")
        };
        assert!(errors.get("headcount").is_some() && errors.get("report").is_some());
        let good = AttendanceForm {
            headcount: "23".into(),
            organisations: "Les Ecossolies\r\n\r\n  CRESS Pays de la Loire  \n".into(),
            report: "Un atelier vivant.".into(),
        };
        let saved = record_attendance(&mut conn, w.id, &fatou, &good).unwrap();
        assert_eq!(saved.headcount, Some(23));
        assert_eq!(saved.organisations(), ["Les Ecossolies", "CRESS Pays de la Loire"]);
        let stored = find_workshop(&mut conn, w.id).unwrap().unwrap();
        assert_eq!(stored.report, "Un atelier vivant.");
        let history = history_of(&mut conn, "workshop", &w.id.to_string()).unwrap();
        assert_eq!(history[0].action, "workshop.attendance");
        assert!(history[0].details.contains("\"old_headcount\":null"));
    }

    #[test]
    fn the_report_loses_what_the_core_drops_and_keeps_its_lines() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        let w = create_workshop(&mut conn, consultation, &form("5", Vec::new()), staff.id).unwrap();
        let typed = AttendanceForm {
            report: "  Bilan\u{0} :\r\n\tvoir\u{202E}fdp.exe\u{202C}\rfin\u{7}  ".into(),
            ..AttendanceForm::default()
        };
        let saved = record_attendance(&mut conn, w.id, &staff, &typed).unwrap();
        assert_eq!(saved.report, "Bilan :\n\tvoirfdp.exe\nfin");
        assert_eq!(find_workshop(&mut conn, w.id).unwrap().unwrap().report, saved.report);
    }
}
