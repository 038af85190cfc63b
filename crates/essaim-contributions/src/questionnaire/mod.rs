//! The questionnaire aux acteurs: its versioned definitions, its invitations, its responses
//! (drafts resumed from an e-mailed link, submitted once), and what its open answers record.

pub mod answers;
pub mod definition;
pub mod editor;
pub mod export;
pub mod follow;
pub mod import;
pub mod invitations;
pub mod limesurvey;
pub mod links;
pub mod mail;
pub mod opendata;
pub mod responses;
pub mod results;
pub mod setup;
pub mod store;
