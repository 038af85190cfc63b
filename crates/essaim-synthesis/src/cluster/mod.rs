//! Grouping machinery: sparse TF-IDF, seeded spherical k-means, agreement metrics.

pub mod kmeans;
pub mod metrics;
pub mod rng;
pub mod sparse;
