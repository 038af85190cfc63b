//! The questionnaire and contribution service: every channel records contributions through
//! [`submit`], so that a workshop note, a questionnaire answer and a stand idea are the same
//! thing to the synthesis. The questionnaire itself (questions, drafts, e-mailed links) comes
//! with its issue; see docs/architecture.md.

mod participation;
mod submit;

pub use participation::{participation_by_channel, ChannelCount};
pub use submit::{submit, SubmitOutcome, SubmittedContribution, MAX_CONTRIBUTION_CHARS};
