//! `essaim`: the server and its command line.

use std::process::ExitCode;

/// mimalloc rather than the system allocator: under load the server's threads (HTTP workers,
/// blocking pool, the committing thread) spent a tenth of their time in glibc's malloc and
/// free, much of it waiting on its arena locks (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // First, while this is the only thread (see the function's comment).
    essaim_core::db::configure_sqlite_for_process();
    essaim_server::cli::run()
}
