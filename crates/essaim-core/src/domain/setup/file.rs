//! The set-up file's shape. Its JSON Schema is derived from these types
//! (`docs/consultation.schema.json`, pinned by a test), so the documentation cannot drift.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::look::setup::{LegalPagesSetup, LookSetup};
use crate::domain::vocab::{ConsultationState, LegalFamily, PhaseKind};
use crate::mail::texts::MailTextSetup;

/// The format's name and version, first field of every file.
pub const FORMAT: &str = "essaim-consultation/1";

/// A consultation's whole set-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupFile {
    /// Always `essaim-consultation/1`.
    pub format: String,
    /// The consultation itself.
    pub consultation: ConsultationSetup,
    /// Its phases, in order (the seed's sequence: launch workshops, questionnaire, conference,
    /// plenary part 1, treasure hunt, plenary part 2, synthesis, publication).
    #[serde(default)]
    pub phases: Vec<PhaseSetup>,
    /// Its themes, in order: 1 to 12.
    pub themes: Vec<ThemeSetup>,
    /// Its territories: départements and régions of the Code officiel géographique by code
    /// (`44`; a région as `R` and its code, `R53`), or custom ones with a code and a name.
    pub territories: Vec<TerritorySetup>,
    /// The legal families its forms offer, in order (all five when absent).
    #[serde(default = "all_legal_families")]
    pub legal_families: Vec<LegalFamily>,
    /// The modules' sections, by key: `questionnaire` (docs/questionnaire-json.md, with
    /// `published`), `stands`. A key no module reads is refused.
    #[serde(default)]
    pub sections: BTreeMap<String, Value>,
    /// The mails' own texts, by kind (`invitation`, `relance`, `lien-reprise`,
    /// `nouveaux-liens`, `copie-reponses`, `contribution-en-ligne`, `strategie-publiee`): only
    /// those changed from the default French text (docs/mails.md).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mails: BTreeMap<String, MailTextSetup>,
    /// Accent colour and logo (docs/look-and-legal.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look: Option<LookSetup>,
    /// The legal pages someone wrote; absent ones keep their default text.
    #[serde(default, skip_serializing_if = "LegalPagesSetup::is_empty")]
    pub legal_pages: LegalPagesSetup,
}

fn all_legal_families() -> Vec<LegalFamily> {
    LegalFamily::ALL.to_vec()
}

/// The consultation's own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationSetup {
    /// Short id used in addresses: 3 to 80 lowercase letters, digits and dashes.
    pub slug: String,
    /// Full title, e.g. « Stratégie régionale de l'ESS — Bretagne 2027 ».
    pub title: String,
    /// The Région running it, e.g. « Bretagne ».
    #[serde(default)]
    pub region: String,
    /// Who organises it, as a sentence names them, e.g. « la Région Bretagne et l'État ».
    #[serde(default)]
    pub organisers: String,
    /// A short presentation.
    #[serde(default)]
    pub description: String,
    /// First day (YYYY-MM-DD).
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// The day after which personal data must be erased.
    #[serde(default)]
    pub retention_until: Option<NaiveDate>,
    /// `draft` (seen by its staff only) or `open`; `closed` and `archived` too.
    #[serde(default)]
    pub state: ConsultationState,
    /// IANA time zone its dates and times are shown in.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// The name its mails come from (the installation's when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sender_name: String,
    /// The address its mails come from (the installation's when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sender_address: String,
}

fn default_time_zone() -> String {
    crate::domain::consultation::DEFAULT_TIME_ZONE.to_owned()
}

/// A phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseSetup {
    /// Which phase.
    pub kind: PhaseKind,
    /// Title shown to people (the kind's French name when empty).
    #[serde(default)]
    pub title: String,
    /// First day.
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Where it takes place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeSetup {
    /// Exact wording.
    pub title: String,
    /// A short description or guiding questions.
    #[serde(default)]
    pub description: String,
}

/// A territory: an official code alone, or a custom code with its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerritorySetup {
    /// `44`, `2A`, `R53`, or a custom code (`PAYS-BREST`).
    pub code: String,
    /// A custom territory's name; absent for an official one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
