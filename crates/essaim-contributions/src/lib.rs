//! The questionnaire aux acteurs and online contributions: the questionnaire itself (its
//! versioned definitions, responses kept as drafts, the personal invitation links e-mailed to
//! organisations, receipts), the public contribution form and the follow-up pages.
//!
//! What does not live here, on purpose: recording, moderating and counting contributions. Every
//! channel — the questionnaire included, when it comes — records through the core's one entry
//! point, [`essaim_core::domain::contribution::record_contribution`] (or
//! [`record_bulk`](essaim_core::domain::contribution::record_bulk) for an import), after the
//! same checks ([`NewContribution::validate`](essaim_core::domain::contribution::NewContribution::validate))
//! and with its moderation status from the same rule
//! ([`initial_status`](essaim_core::domain::contribution::initial_status)); moderators decide
//! with [`moderate`](essaim_core::domain::contribution::moderate). Participation figures are
//! the core's too: [`counts_by_channel`](essaim_core::domain::contribution::counts_by_channel)
//! (accepted contributions per channel),
//! [`counts_by_theme`](essaim_core::domain::contribution::counts_by_theme) and
//! [`moderation_counts`](essaim_core::domain::contribution::moderation_counts) (accepted,
//! waiting, rejected). This crate re-exports none of them, so there is one way to do each.

pub mod demo;
pub mod online;
pub mod personal_data;
pub mod questionnaire;
pub mod retention;
