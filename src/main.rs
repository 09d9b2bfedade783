//! `rhythm`: parses the command line and hands it to [`rhythm::commands::execute`].

use std::process::ExitCode;

use clap::Parser as _;
use rhythm::cli::Cli;
use rhythm::error::CliError;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with code 2.
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(rhythm::commands::execute(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error @ CliError::Reported { .. }) => error.exit_code(),
        Err(error) => {
            eprintln!("error: {error:#}");
            error.exit_code()
        }
    }
}
