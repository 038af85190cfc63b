//! The modules' sections of a consultation's set-up file, in the order the file gives them.
//! Only wiring: each section's rules live in its module (docs/consultation-json.md).

use essaim_contributions::questionnaire::setup::QuestionnaireSection;
use essaim_core::domain::setup::SetupSection;
use essaim_workshops::plenary::setup::PlenarySection;
use essaim_workshops::stands::setup::StandsSection;
use essaim_workshops::workshops::setup::WorkshopsSection;

/// Every module's section.
pub static SECTIONS: &[&dyn SetupSection] =
    &[&QuestionnaireSection, &StandsSection, &WorkshopsSection, &PlenarySection];
