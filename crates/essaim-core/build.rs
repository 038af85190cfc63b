//! The migrations are embedded at compile time (`embed_migrations!`), which does not tell
//! cargo to look at their folder: without this, a migration added later is missing from an
//! incremental build until something else in the crate changes.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
