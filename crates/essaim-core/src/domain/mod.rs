//! Domain types and their storage, named after PRODUCT.md's words.

pub mod account;
pub mod agreement;
pub mod attention;
pub mod audit;
pub mod consultation;
pub mod contribution;
pub mod installation;
pub mod journal;
pub mod look;
pub mod organisation;
pub mod orientation;
pub mod plenary;
pub mod publication;
pub mod scope;
pub mod session;
pub mod setup;
pub mod stand;
pub mod territory;
mod text_enum;
pub mod throttle;
pub mod vocab;

pub use account::{
    create_account, find_account, find_account_by_email, list_accounts, set_account_disabled, Account, NewAccount,
};
pub use audit::{record, AuditEntry, AuditEvent};
pub use consultation::{create_consultation, Consultation, NewConsultation, Phase, Territory, Theme};
pub use contribution::{record_contribution, Author, Contribution, NewContribution, Recorded, Submitter};
pub use organisation::{create_organisation, NewOrganisation, Organisation};
pub use orientation::{Orientation, Quote};
pub use vocab::{
    AuthorKind, Channel, ConsultationState, ContributionKind, JobKind, JobState, LegalFamily, MailState,
    ModerationStatus, OrientationOrigin, OrientationStatus, PhaseKind, PlacedBy, Role, SetAsideReason, TerritoryKind,
};
