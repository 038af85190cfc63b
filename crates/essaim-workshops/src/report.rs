//! The workshop report: the record of one workshop — theme, phase, place and time,
//! facilitators, attendance, organisations present, the entries grouped by kind, the report
//! text — as a document of the documents crate, rendered to PDF, DOCX or ODT by its renderers.

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{territories_of, Consultation};
use essaim_core::domain::{Account, ContributionKind};
use essaim_core::schema::consultations;
use essaim_documents::numbers::number as french_count;
use essaim_documents::{render, Block, Document, DocumentError, Format};

use crate::capture::{entries_of_workshop, Entry};
use crate::workshops::{summary_for, WorkshopError, WorkshopSummary};

/// The formats a workshop report is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// PDF, to print or send.
    Pdf,
    /// Word.
    Docx,
    /// OpenDocument (LibreOffice).
    Odt,
}

impl ReportFormat {
    /// From the address's extension: `pdf`, `docx`, `odt`.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "pdf" => Some(ReportFormat::Pdf),
            "docx" => Some(ReportFormat::Docx),
            "odt" => Some(ReportFormat::Odt),
            _ => None,
        }
    }

    /// The documents crate's format.
    pub fn format(self) -> Format {
        match self {
            ReportFormat::Pdf => Format::Pdf,
            ReportFormat::Docx => Format::Docx,
            ReportFormat::Odt => Format::Odt,
        }
    }
}

/// A report ready to render: the document and the file name to offer (without extension).
#[derive(Debug, Clone)]
pub struct Report {
    /// The document.
    pub document: Document,
    /// `compte-rendu-atelier-lancement-theme-2`.
    pub file_stem: String,
}

impl Report {
    /// The file: its name and bytes.
    pub fn render(&self, format: ReportFormat) -> Result<(String, Vec<u8>), DocumentError> {
        let format = format.format();
        Ok((format!("{}.{}", self.file_stem, format.extension()), render(&self.document, format)?))
    }
}

/// The report of a workshop `who` may see.
pub fn workshop_report(conn: &mut DbConnection, workshop: Id, who: &Account) -> Result<Report, WorkshopError> {
    use diesel::prelude::*;
    let summary = summary_for(conn, workshop, who)?;
    let consultation: Consultation =
        consultations::table.find(summary.workshop.consultation_id).select(Consultation::as_select()).first(conn)?;
    let entries = entries_of_workshop(conn, workshop)?;
    let territories = territories_of(conn, consultation.id)?;
    let name_of = |code: &str| {
        territories.iter().find(|t| t.code == code).map(|t| format!("{} ({})", t.name, t.code)).unwrap_or(code.into())
    };
    Ok(Report {
        document: report_document(&consultation, &summary, &entries, &name_of),
        file_stem: format!(
            "compte-rendu-atelier-{}-theme-{}",
            match summary.workshop.phase {
                crate::WorkshopPhase::Launch => "lancement",
                crate::WorkshopPhase::Conference => "conference",
            },
            summary.theme.position
        ),
    })
}

/// The document of a workshop's report (what it says; the renderers decide how it looks).
pub fn report_document(
    consultation: &Consultation,
    summary: &WorkshopSummary,
    entries: &[Entry],
    territory_name: &dyn Fn(&str) -> String,
) -> Document {
    let w = &summary.workshop;
    let title = format!("Compte rendu — {}", summary.title());
    let mut doc = Document::new(title.clone());
    doc.blocks.push(Block::Title(title));
    doc.blocks.push(Block::Paragraph(consultation.title.clone()));
    let mut facts = vec![
        vec!["Thème".to_owned(), format!("{}. {}", summary.theme.position, summary.theme.title)],
        vec!["Phase".to_owned(), w.phase.label().to_owned()],
        vec!["Lieu".to_owned(), if w.place.is_empty() { "Non précisé".to_owned() } else { w.place.clone() }],
        vec![
            "Date et heure".to_owned(),
            w.starts_at.map(|t| t.format("%d/%m/%Y à %H h %M").to_string()).unwrap_or_else(|| "Non précisées".into()),
        ],
        vec!["État".to_owned(), w.state.label().to_owned()],
        vec![
            "Animation".to_owned(),
            if summary.facilitators.is_empty() { "Non précisée".to_owned() } else { summary.facilitator_names() },
        ],
        vec![
            "Participants".to_owned(),
            w.headcount.map(|n| french_count(n.max(0) as usize)).unwrap_or_else(|| "Non relevé".into()),
        ],
    ];
    facts.push(vec!["Entrées".to_owned(), french_count(entries.len())]);
    // Real column headers: blank ones were drawn as an empty shaded first row in the PDF (and
    // an empty header row in ODT and DOCX), and a table needs headers to be read aloud (issue 19).
    let header = vec!["Rubrique".to_owned(), "Détail".to_owned()];
    doc.blocks.push(Block::Table { name: "L'atelier".to_owned(), header, rows: facts });

    doc.blocks.push(Block::Heading { level: 2, text: "Organisations présentes".to_owned() });
    let organisations = w.organisations();
    if organisations.is_empty() {
        doc.blocks.push(Block::Paragraph("Aucune organisation relevée.".to_owned()));
    } else {
        doc.blocks.push(Block::List(organisations));
    }

    doc.blocks.push(Block::Heading { level: 2, text: "Compte rendu".to_owned() });
    if w.report.trim().is_empty() {
        doc.blocks.push(Block::Paragraph("Pas encore de compte rendu.".to_owned()));
    } else {
        for paragraph in w.report.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            doc.blocks.push(Block::Paragraph(paragraph.to_owned()));
        }
    }

    doc.blocks.push(Block::Heading { level: 1, text: "Les contributions de l'atelier".to_owned() });
    if entries.is_empty() {
        doc.blocks.push(Block::Paragraph("Aucune contribution n'a été saisie.".to_owned()));
    }
    for kind in ContributionKind::ALL {
        let of_kind: Vec<&Entry> = entries.iter().filter(|e| e.kind == Some(*kind)).collect();
        if of_kind.is_empty() {
            continue;
        }
        doc.blocks
            .push(Block::Heading { level: 2, text: format!("{} ({})", kind.label(), french_count(of_kind.len())) });
        doc.blocks.push(Block::List(
            of_kind
                .iter()
                .map(|e| {
                    let mut who = Vec::new();
                    if let Some(o) = &e.organisation {
                        who.push(o.clone());
                    }
                    if let Some(t) = &e.territory {
                        who.push(territory_name(t));
                    }
                    if who.is_empty() {
                        e.body.clone()
                    } else {
                        format!("{} — {}", e.body, who.join(", "))
                    }
                })
                .collect(),
        ));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{capture, EntryInput};
    use crate::workshops::{create_workshop, record_attendance, AttendanceForm, WorkshopForm};
    use essaim_core::testing::{demo, TestDb};
    use std::io::Read;

    fn zipped_xml(bytes: &[u8], part: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        archive.by_name(part).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn the_report_holds_attendance_and_entries_by_kind_in_every_format() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = crate::workshops::tests::account(&mut conn, "staff");
        let fatou = crate::workshops::tests::account(&mut conn, "facilitator");
        let form = WorkshopForm {
            theme: "5".into(),
            phase: "conference".into(),
            place: "Angers, salle Loire".into(),
            state: "open".into(),
            facilitators: vec![fatou.id.to_string()],
            ..WorkshopForm::default()
        };
        let w = create_workshop(&mut conn, consultation, &form, staff.id).unwrap();
        for (kind, body) in [
            ("question", "Qui finance la communication ?"),
            ("proposition", "Un mois de l'ESS dans chaque département."),
        ] {
            let input = EntryInput {
                device_id: Id::new().to_string(),
                kind: kind.into(),
                body: body.into(),
                territory: "49".into(),
                ..EntryInput::default()
            };
            capture(&mut conn, w.id, &fatou, input).unwrap();
        }
        let attendance = AttendanceForm {
            headcount: "31".into(),
            organisations: "Label ESS 85\nIcroacoa".into(),
            report: "Les participants demandent une campagne commune.".into(),
        };
        record_attendance(&mut conn, w.id, &fatou, &attendance).unwrap();

        let report = workshop_report(&mut conn, w.id, &fatou).unwrap();
        // No table starts with an empty header row (the PDF drew it as a blank shaded band).
        for block in &report.document.blocks {
            if let essaim_documents::Block::Table { name, header, .. } = block {
                assert!(header.iter().all(|h| !h.trim().is_empty()), "a blank header in « {name} »: {header:?}");
            }
        }
        let text = format!("{:?}", report.document.blocks);
        for expected in [
            "Angers, salle Loire",
            "Fatou Animatrice",
            "31",
            "Label ESS 85",
            "campagne commune",
            "Question (1)",
            "Proposition (1)",
            "Maine-et-Loire (49)",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        let (name, docx) = report.render(ReportFormat::Docx).unwrap();
        assert_eq!(name, "compte-rendu-atelier-conference-theme-5.docx");
        let xml = zipped_xml(&docx, "word/document.xml");
        assert!(
            xml.contains("Qui finance la communication ?") && xml.contains("Un mois de l&apos;ESS")
                || xml.contains("Un mois de l'ESS"),
            "{xml}"
        );
        let (_, odt) = report.render(ReportFormat::Odt).unwrap();
        let xml = zipped_xml(&odt, "content.xml");
        assert!(xml.contains("Qui finance la communication ?"));
        let (name, pdf) = report.render(ReportFormat::Pdf).unwrap();
        assert!(name.ends_with(".pdf") && pdf.starts_with(b"%PDF"));
        // poppler reads the text back when it is installed (CI installs it).
        let path = std::env::temp_dir().join(format!("essaim-report-{}.pdf", Id::new()));
        std::fs::write(&path, &pdf).unwrap();
        if let Ok(out) = std::process::Command::new("pdftotext").arg(&path).arg("-").output() {
            let text = String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains("Qui finance la communication ?"), "{text}");
            assert!(text.contains("Label ESS 85"), "{text}");
        }
        let _ = std::fs::remove_file(&path);
        assert_eq!(ReportFormat::parse("xlsx"), None);
    }
}
