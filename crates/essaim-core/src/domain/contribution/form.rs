//! The contribution form, parsed once: kind, text, organisation and territory, as every
//! channel that takes a contribution typed by someone (online, a stand's idea, a workshop's
//! entry) receives them. [`ContributionForm::parse`] checks them against the consultation's
//! frame and gives a [`CheckedForm`], or every refusal at once, field by field (`kind`,
//! `body`, `organisation`, `territory`), in French. A channel adds what is its own (an e-mail,
//! a stand, a device's time) and hands [`CheckedForm::into_new`] to [`super::record_contribution`].

use crate::db::Id;
use crate::domain::consultation::ConsultationFrame;
use crate::domain::territory::label;
use crate::domain::vocab::{Channel, ContributionKind};
use crate::error::ValidationErrors;

use super::moderation::Submitter;
use super::record::{clean_text, Author, NewContribution};

/// Longest organisation name, in characters, everywhere an organisation is named: a
/// contribution's, a stand's, a workshop's, an invitation's, the register's.
pub const MAX_ORGANISATION_CHARS: usize = 200;

/// The message for a missing or unknown kind, the same in every channel.
pub const KIND_MESSAGE: &str = "Choisissez le type : constat, proposition, expérience ou question.";

/// An organisation's name as given: trimmed, 1 to [`MAX_ORGANISATION_CHARS`] characters, no
/// control character (a line break, a NUL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationName(String);

impl OrganisationName {
    /// Parses a name; the error is the French message for the field.
    pub fn parse(raw: &str) -> Result<OrganisationName, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Indiquez le nom de l'organisation.".into());
        }
        if name.chars().count() > MAX_ORGANISATION_CHARS {
            return Err(format!("Le nom de l'organisation compte au plus {MAX_ORGANISATION_CHARS} caractères."));
        }
        if name.chars().any(char::is_control) {
            return Err("Le nom de l'organisation tient sur une ligne, sans caractère de contrôle.".into());
        }
        Ok(OrganisationName(name.to_owned()))
    }

    /// Parses an optional name: empty (or blank) is none.
    pub fn parse_optional(raw: &str) -> Result<Option<OrganisationName>, String> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            OrganisationName::parse(raw).map(Some)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A territory of the consultation, chosen by its code (a département's `44`, a région's
/// `R52`, a custom territory's own code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenTerritory {
    /// The territory's id.
    pub id: Id,
    /// Its code, as stored.
    pub code: String,
}

impl ChosenTerritory {
    /// Finds `raw` (trimmed) among the consultation's territories; empty is none. An unknown
    /// code — another consultation's territory included — is refused with the one message
    /// naming the consultation's territories.
    pub fn parse(raw: &str, frame: &ConsultationFrame) -> Result<Option<ChosenTerritory>, String> {
        let code = raw.trim();
        if code.is_empty() {
            return Ok(None);
        }
        match frame.territories.iter().find(|t| t.code == code) {
            Some(t) => Ok(Some(ChosenTerritory { id: t.id, code: t.code.clone() })),
            None => Err(unknown_territory(frame)),
        }
    }
}

fn unknown_territory(frame: &ConsultationFrame) -> String {
    if frame.territories.is_empty() {
        return "Cette consultation ne propose pas de territoire : laissez ce champ vide.".into();
    }
    let names: Vec<String> = frame.territories.iter().map(label).collect();
    format!("Choisissez un territoire de la consultation : {}.", names.join(", "))
}

/// Whether the channel requires the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrganisationField {
    /// May be left empty.
    #[default]
    Optional,
    /// Must be given.
    Required,
}

/// The form as typed: strings, so that a refused page shows them back.
#[derive(Debug, Clone, Copy, Default)]
pub struct ContributionForm<'a> {
    /// The kind's code (`constat`, `proposition`, `experience`, `question`).
    pub kind: &'a str,
    /// The text.
    pub body: &'a str,
    /// The organisation one speaks for.
    pub organisation: &'a str,
    /// The code of a territory of the consultation (optional).
    pub territory: &'a str,
    /// Whether the organisation must be given.
    pub organisation_field: OrganisationField,
}

/// A form that passed [`ContributionForm::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedForm {
    /// The kind.
    pub kind: ContributionKind,
    /// The text, cleaned ([`clean_text`]).
    pub body: String,
    /// The organisation, if given.
    pub organisation: Option<OrganisationName>,
    /// The territory, if chosen.
    pub territory: Option<ChosenTerritory>,
}

impl ContributionForm<'_> {
    /// Checks every field against `frame` (the consultation's, [`crate::domain::consultation::frame_of`]);
    /// all refusals at once, each under its field's name.
    pub fn parse(&self, frame: &ConsultationFrame) -> Result<CheckedForm, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = ContributionKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", KIND_MESSAGE);
        }
        let body = clean_text(self.body).map_err(|m| errors.add("body", m)).ok();
        let organisation = match self.organisation_field {
            OrganisationField::Optional => OrganisationName::parse_optional(self.organisation),
            OrganisationField::Required => OrganisationName::parse(self.organisation).map(Some),
        }
        .map_err(|m| errors.add("organisation", m))
        .ok()
        .flatten();
        let territory =
            ChosenTerritory::parse(self.territory, frame).map_err(|m| errors.add("territory", m)).ok().flatten();
        match (kind, body) {
            (Some(kind), Some(body)) if errors.is_empty() => Ok(CheckedForm { kind, body, organisation, territory }),
            _ => Err(errors),
        }
    }
}

impl CheckedForm {
    /// The contribution to record: the organisation as its author (by name), the territory.
    pub fn into_new(self, consultation: Id, channel: Channel, submitter: Submitter) -> NewContribution {
        let mut new = NewContribution::new(consultation, channel, self.kind, self.body, submitter);
        if let Some(organisation) = self.organisation {
            new = new.author(Author::NamedOrganisation(organisation.into_string()));
        }
        new.territory_id = self.territory.map(|t| t.id);
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consultation::Territory;
    use crate::domain::vocab::TerritoryKind;

    fn territory(code: &str, name: &str, kind: TerritoryKind) -> Territory {
        Territory { id: Id::new(), code: code.into(), name: name.into(), kind }
    }

    fn frame() -> ConsultationFrame {
        ConsultationFrame {
            themes: vec![],
            territories: vec![
                territory("44", "Loire-Atlantique", TerritoryKind::Departement),
                territory("R52", "Pays de la Loire", TerritoryKind::Region),
                territory("pays-retz", "Pays de Retz", TerritoryKind::Other),
            ],
            legal_families: vec![],
        }
    }

    fn form<'a>(kind: &'a str, body: &'a str, organisation: &'a str, territory: &'a str) -> ContributionForm<'a> {
        ContributionForm { kind, body, organisation, territory, organisation_field: OrganisationField::Optional }
    }

    #[test]
    fn a_full_form_is_parsed_trimmed() {
        let frame = frame();
        let checked = form(" proposition ", "  Mutualiser.  ", "  Les Ecossolies ", " 44 ").parse(&frame).unwrap();
        assert_eq!(checked.kind, ContributionKind::Proposition);
        assert_eq!(checked.body, "Mutualiser.");
        assert_eq!(checked.organisation.as_ref().map(OrganisationName::as_str), Some("Les Ecossolies"));
        assert_eq!(checked.territory, Some(ChosenTerritory { id: frame.territories[0].id, code: "44".into() }));
        let new = checked.into_new(Id::new(), Channel::Online, Submitter::Public);
        assert_eq!(new.author, Author::NamedOrganisation("Les Ecossolies".into()));
        assert_eq!(new.territory_id, Some(frame.territories[0].id));
    }

    #[test]
    fn optional_fields_may_be_empty() {
        let checked = form("constat", "Un texte.", "  ", "").parse(&frame()).unwrap();
        assert_eq!((checked.organisation, checked.territory), (None, None));
        let new = form("constat", "Un texte.", "", "").parse(&frame()).unwrap().into_new(
            Id::new(),
            Channel::Online,
            Submitter::Public,
        );
        assert_eq!(new.author, Author::Anonymous);
    }

    #[test]
    fn every_refusal_comes_at_once_under_its_field() {
        let long = "o".repeat(MAX_ORGANISATION_CHARS + 1);
        let errors = form("avis", "   ", &long, "85").parse(&frame()).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "body", "organisation", "territory"]);
        assert_eq!(errors.get("kind"), Some(KIND_MESSAGE));
        assert_eq!(errors.get("body"), Some("Écrivez votre contribution."));
        assert_eq!(errors.get("organisation"), Some("Le nom de l'organisation compte au plus 200 caractères."));
        assert_eq!(
            errors.get("territory"),
            Some("Choisissez un territoire de la consultation : Loire-Atlantique (44), Région Pays de la Loire, Pays de Retz.")
        );
        assert_eq!(form("", "x", "", "").parse(&frame()).unwrap_err().get("kind"), Some(KIND_MESSAGE));
    }

    #[test]
    fn organisation_boundaries() {
        let at_limit = "é".repeat(MAX_ORGANISATION_CHARS);
        assert_eq!(OrganisationName::parse(&format!("  {at_limit}  ")).unwrap().as_str(), at_limit);
        assert!(OrganisationName::parse(&"é".repeat(MAX_ORGANISATION_CHARS + 1)).is_err());
        assert_eq!(OrganisationName::parse(" ").unwrap_err(), "Indiquez le nom de l'organisation.");
        assert_eq!(OrganisationName::parse_optional(" ").unwrap(), None);
        assert!(OrganisationName::parse("Les\nEcossolies").unwrap_err().contains("caractère de contrôle"));
        assert!(OrganisationName::parse("Les\u{0}Ecossolies").is_err());
        let required =
            ContributionForm { organisation_field: OrganisationField::Required, ..form("constat", "x", "", "") };
        assert_eq!(
            required.parse(&frame()).unwrap_err().get("organisation"),
            Some("Indiquez le nom de l'organisation.")
        );
    }

    #[test]
    fn body_boundaries_are_the_cores() {
        use super::super::MAX_CONTRIBUTION_CHARS;
        assert!(form("question", &"a".repeat(MAX_CONTRIBUTION_CHARS), "", "").parse(&frame()).is_ok());
        let errors = form("question", &"a".repeat(MAX_CONTRIBUTION_CHARS + 1), "", "").parse(&frame()).unwrap_err();
        assert!(errors.get("body").unwrap().contains("découpez-la"));
    }

    #[test]
    fn territories_are_the_consultations() {
        let frame = frame();
        // A custom territory, by its own code.
        let custom = ChosenTerritory::parse(" pays-retz ", &frame).unwrap().unwrap();
        assert_eq!(custom.id, frame.territories[2].id);
        assert_eq!(ChosenTerritory::parse("R52", &frame).unwrap().unwrap().code, "R52");
        // A territory of another consultation (Vendée) or a name instead of a code: refused.
        assert!(ChosenTerritory::parse("85", &frame).unwrap_err().starts_with("Choisissez un territoire"));
        assert!(ChosenTerritory::parse("Loire-Atlantique", &frame).is_err());
        let none = ConsultationFrame { themes: vec![], territories: vec![], legal_families: vec![] };
        assert!(ChosenTerritory::parse("44", &none).unwrap_err().contains("laissez ce champ vide"));
        assert_eq!(ChosenTerritory::parse("", &none).unwrap(), None);
    }
}
