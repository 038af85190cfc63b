//! The five-theme workshop and debate module. For now it gives the per-theme overview that
//! workshops, stands and the plenary are organised around; attendance, reports, stands and the
//! plenary judgement of orientations come with their issues (docs/architecture.md).

mod overview;

pub use overview::{theme_overview, ThemeSummary};
