//! How a command fails, and the exit code each failure gets.

use std::process::ExitCode;

use crate::config::ConfigError;

/// A command's failure. The text is shown to the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input was wrong (a file, a flag, the configuration) and nothing was changed:
    /// exit code 2.
    #[error("{0}")]
    BadInput(String),
    /// Already explained in full on the terminal (every problem of an import, every failed
    /// check of `doctor`): exit with 2 if the input was at fault, else 1, printing nothing
    /// more.
    #[error("")]
    Reported {
        /// Whether the input was at fault.
        bad_input: bool,
    },
    /// Something failed that the input did not cause: exit code 1.
    #[error(transparent)]
    Failure(#[from] anyhow::Error),
}

impl CliError {
    /// 2 for bad input, 1 for any other failure.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::BadInput(_) | CliError::Reported { bad_input: true } => ExitCode::from(2),
            CliError::Failure(_) | CliError::Reported { bad_input: false } => ExitCode::FAILURE,
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(error: ConfigError) -> Self {
        CliError::BadInput(format!("configuration: {error}"))
    }
}
