//! `rhythm run`

use anyhow::Context as _;
use rhythm_store::redact;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::config::Config;
use crate::error::CliError;

/// Migrates, serves, and stops cleanly on SIGINT or SIGTERM.
pub(super) async fn run(config: &Config) -> Result<(), CliError> {
    let app = App::build(&config.settings)
        .await?
        .with_platforms(&config.settings, &config.secrets);
    tracing::info!(
        http.address = %app.address(),
        database = %redact(&config.settings.database.url),
        config = %config.source(),
        version = env!("CARGO_PKG_VERSION"),
        "rhythm is running; stop it with Ctrl-C"
    );
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    app.run(shutdown).await.context("running")?;
    Ok(())
}

/// Cancels `shutdown` on the first SIGINT or SIGTERM.
async fn stop_on_signal(shutdown: CancellationToken) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(error = %error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => tracing::info!("SIGINT received; shutting down"),
        () = terminate => tracing::info!("SIGTERM received; shutting down"),
    }
    shutdown.cancel();
}
