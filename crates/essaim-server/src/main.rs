//! `essaim`: the server and its command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    essaim_server::cli::run()
}
