//! The synthesis exporter: from contributions to traceable draft orientations. For now it holds
//! the first step every analysis shares, setting aside answers with no content; grouping,
//! orientations and exports come with their issue (docs/architecture.md).

pub mod cluster;
pub mod commitments;
pub mod content;
pub mod dedup;
pub mod drafts;
pub mod export;
pub mod import;
pub mod opendata;
pub mod pipeline;
pub mod publication;
pub mod run;
pub mod scrub;
pub mod text;
