//! The modules' sections of a consultation's set-up file, in the order the file gives them.
//! Only wiring: each section's rules live in its module (docs/consultation-json.md).

use essaim_contributions::questionnaire::setup::QuestionnaireSection;
use essaim_core::domain::setup::SetupSection;
use essaim_workshops::stands::setup::StandsSection;

/// Every module's section.
pub static SECTIONS: &[&dyn SetupSection] = &[&QuestionnaireSection, &StandsSection];
