//! The running application: built from a configuration, bound to its address, and run until
//! told to stop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use rhythm_domain::clock::SystemClock;
use rhythm_store::{ConnectOptions, Store, redact};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::http::{AppState, router};
use crate::telemetry;

/// Rhythm, built and bound, not yet serving.
pub struct App {
    listener: TcpListener,
    address: SocketAddr,
    store: Store,
    shutdown_grace: Duration,
}

impl App {
    /// Opens and migrates the database, and binds `[http] listen` (port 0 picks a free port).
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = open_store(settings, true).await?;
        store.migrate().await.context("migrating the database")?;
        Self::with_store(settings, store).await
    }

    /// Binds the listener for an already opened, migrated store.
    pub async fn with_store(settings: &Settings, store: Store) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.http.listen)
            .await
            .with_context(|| format!("listening on {}", settings.http.listen))?;
        let address = listener.local_addr().context("reading the bound address")?;
        Ok(Self {
            listener,
            address,
            store,
            shutdown_grace: settings.http.shutdown_grace.as_std(),
        })
    }

    /// The address the HTTP server is bound to.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until `shutdown` is cancelled, then lets requests in flight finish (up to
    /// `[http] shutdown_grace`) and closes the database.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let state = AppState {
            store: self.store.clone(),
            metrics: telemetry::metrics(),
        };
        let server = axum::serve(self.listener, router(state))
            .with_graceful_shutdown(shutdown.clone().cancelled_owned());
        let grace = self.shutdown_grace;
        let forced = async {
            shutdown.cancelled().await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            served = server => served.context("serving HTTP")?,
            () = forced => tracing::warn!(grace_ms = grace.as_millis() as u64, "requests still running after the shutdown grace; stopping anyway"),
        }
        self.store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Opens the database the settings name; `create` makes a missing SQLite file.
pub async fn open_store(settings: &Settings, create: bool) -> anyhow::Result<Store> {
    let options = ConnectOptions {
        url: settings.database.url.clone(),
        max_connections: settings.database.max_connections,
        busy_timeout: settings.database.busy_timeout.as_std(),
        create_if_missing: create,
    };
    Store::connect(&options, Arc::new(SystemClock))
        .await
        .with_context(|| format!("opening the database {}", redact(&settings.database.url)))
}
