//! The five-theme workshop and debate module: the per-theme overview, the workshops
//! (*ateliers*) with their facilitators, attendance and report, live capture of their entries
//! (each a contribution recorded through the core), the workshop report as a document, and the
//! staff overview and exports (docs/workshops.md). Stands and the plenary come with their
//! parts of issue 9.

pub mod capture;
pub mod demo;
mod error;
pub mod export;
mod overview;
pub mod passport;
pub mod report;
pub mod stands;
pub mod workshops;

pub use error::WorkshopError;
pub use overview::{theme_overview, ThemeSummary};
pub use workshops::{Workshop, WorkshopPhase, WorkshopState, WorkshopSummary};
pub mod plenary;
