//! Domain types and their storage, named after PRODUCT.md's words.

pub mod account;
pub mod audit;
pub mod consultation;
pub mod contribution;
pub mod organisation;
pub mod session;
mod text_enum;
pub mod vocab;

pub use account::{
    create_account, find_account, find_account_by_email, list_accounts, set_account_disabled, Account, NewAccount,
};
pub use audit::{record, AuditEntry, AuditEvent};
pub use consultation::{Consultation, Phase, Territory, Theme};
pub use contribution::Contribution;
pub use organisation::{create_organisation, NewOrganisation, Organisation};
pub use vocab::{AuthorKind, Channel, ContributionKind, LegalFamily, ModerationStatus, PhaseKind, Role, TerritoryKind};
