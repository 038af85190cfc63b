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
    essaim_server::cli::run_with(|cli| {
        if !cli.serves() {
            hand_memory_back_soon();
        }
    })
}

/// For a command that runs once and exits (a synthesis, an import, an export): memory freed
/// goes back to the system after 10 ms, on ordinary pages. mimalloc 3 otherwise keeps it a
/// second (its purge delay) and backs its arenas with transparent huge pages, which suits
/// the server under load but held a synthesis of the national corpus 50 to 70 MB higher at
/// its peak (docs/benchmarks.md). 10 ms (mimalloc 2's delay) rather than 0: handing back at
/// once cost the synthesis 3 % of its time for 10 MB.
fn hand_memory_back_soon() {
    // The numbers of these options in mimalloc 3's `mi_option_t` (include/mimalloc.h): the
    // Rust binding names only some of them.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;
    // SAFETY: plain setters of the allocator's options, valid at any time; an option read
    // later by another thread sees either value, both valid.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
        libmimalloc_sys::mi_option_set(ALLOW_THP, 0);
    }
}
