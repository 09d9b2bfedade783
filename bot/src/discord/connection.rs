//! The gateway connection, held by one replica at a time.
//!
//! Discord delivers each interaction to one gateway connection, and a bot may hold only so
//! many, so with several replicas on one database only the holder of the `discord.gateway`
//! lease connects. It renews the lease every [`Lease::renew_every`]; a replica that cannot
//! renew (the database is gone, or another took over after a pause) closes its connection
//! before the lease it had would lapse. The others try to take the lease at the same pace,
//! and one of them connects once the holder's lease has lapsed.
//!
//! Each `INTERACTION_CREATE` goes to the same handler as the HTTP endpoint, and its answer
//! is posted as the interaction's callback.

use std::sync::Arc;
use std::time::Duration;

use rhythm_domain::clock::Clock;
use rhythm_domain::ports::{ChatStore, Leases};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::gateway::{self, GatewayConfig};
use super::handler::DiscordHandler;
use super::inbound::{self, Inbound};

/// The lease's name.
pub const LEASE: &str = "discord.gateway";

/// How the lease is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// How long a taken or renewed lease lasts.
    pub ttl: Duration,
    /// How often the holder renews it, and the others try to take it.
    pub renew_every: Duration,
}

impl Default for Lease {
    /// 30 s, renewed every 10 s: a dead holder is replaced within about 40 s.
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(30),
            renew_every: Duration::from_secs(10),
        }
    }
}

/// Runs the gateway whenever this replica (`holder`) holds the lease, until `shutdown`;
/// returns early only if Discord refuses the connection for good (a bad token, intents not
/// enabled), with the reason.
pub async fn run<S, L>(
    handler: Arc<DiscordHandler<S>>,
    config: GatewayConfig,
    leases: L,
    holder: String,
    lease: Lease,
    clock: Arc<dyn Clock>,
    shutdown: CancellationToken,
) -> Result<(), String>
where
    S: ChatStore + Send + Sync + 'static,
    L: Leases,
{
    let mut connection: Option<Held> = None;
    loop {
        let now = clock.now();
        let until = now + chrono::Duration::from_std(lease.ttl).unwrap_or_default();
        let holds = match leases.take_lease(LEASE, &holder, now, until).await {
            Ok(holds) => holds,
            Err(error) => {
                tracing::warn!(error = %error, "could not renew the Discord gateway lease");
                false
            }
        };
        match (&mut connection, holds) {
            (None, true) => {
                tracing::info!(holder = %holder, "holding the Discord gateway lease: connecting");
                metrics::gauge!("rhythm_discord_gateway_held").set(1.0);
                connection = Some(Held::start(Arc::clone(&handler), config.clone(), &shutdown));
            }
            (Some(held), false) => {
                tracing::warn!(holder = %holder, "lost the Discord gateway lease: disconnecting");
                metrics::gauge!("rhythm_discord_gateway_held").set(0.0);
                held.stop.cancel();
                connection = None;
            }
            _ => {}
        }
        if let Some(held) = &mut connection
            && held.task.is_finished()
        {
            let stopped = (&mut held.task).await;
            if let Err(error) = leases.release_lease(LEASE, &holder).await {
                tracing::warn!(error = %error, "could not release the Discord gateway lease");
            }
            return match stopped {
                Ok(Ok(())) => Ok(()),
                Ok(Err(reason)) => Err(reason),
                Err(panic) => Err(format!("the gateway task panicked: {panic}")),
            };
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = tokio::time::sleep(lease.renew_every) => {}
        }
    }
    if let Some(mut held) = connection {
        held.stop.cancel();
        let _ = (&mut held.task).await;
        if let Err(error) = leases.release_lease(LEASE, &holder).await {
            tracing::warn!(error = %error, "could not release the Discord gateway lease");
        }
    }
    metrics::gauge!("rhythm_discord_gateway_held").set(0.0);
    Ok(())
}

/// A running gateway connection, and how to stop it.
struct Held {
    stop: CancellationToken,
    task: tokio::task::JoinHandle<Result<(), String>>,
}

impl Held {
    fn start<S>(
        handler: Arc<DiscordHandler<S>>,
        config: GatewayConfig,
        shutdown: &CancellationToken,
    ) -> Self
    where
        S: ChatStore + Send + Sync + 'static,
    {
        let stop = shutdown.child_token();
        let on_dispatch = move |event: String, data: Value| {
            let handler = Arc::clone(&handler);
            async move {
                match event.as_str() {
                    "INTERACTION_CREATE" => interaction(&handler, &data).await,
                    "MESSAGE_REACTION_ADD" => reaction(&handler, &data).await,
                    _ => {}
                }
            }
        };
        let running = gateway::run(config, on_dispatch, None, stop.clone());
        let task =
            tokio::spawn(async move { running.await.map_err(|stopped| stopped.to_string()) });
        Self { stop, task }
    }
}

impl Drop for Held {
    /// A connection outlives no replica's loop: if `run` is dropped (aborted, or its
    /// runtime shut down), the gateway closes too, so no replica holds a connection without
    /// the lease.
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Handles one `MESSAGE_REACTION_ADD`: the kudos emoji gives kudos.
async fn reaction<S>(handler: &Arc<DiscordHandler<S>>, data: &Value)
where
    S: ChatStore + Send + Sync + 'static,
{
    match inbound::reaction(data) {
        Ok((user, reaction)) => {
            if let Err(error) = handler.react(&user, &reaction).await {
                tracing::error!(error = %error, "could not handle a Discord reaction");
            }
        }
        Err(bad) => {
            metrics::counter!("rhythm_discord_rejected_total", "reason" => "malformed")
                .increment(1);
            tracing::warn!(error = %bad, "a malformed reaction from the gateway");
        }
    }
}

/// Handles one `INTERACTION_CREATE` and posts its answer as the callback.
async fn interaction<S>(handler: &Arc<DiscordHandler<S>>, data: &Value)
where
    S: ChatStore + Send + Sync + 'static,
{
    let inbound = match inbound::interaction(data) {
        Ok(inbound) => inbound,
        Err(bad) => {
            metrics::counter!("rhythm_discord_rejected_total", "reason" => "malformed")
                .increment(1);
            tracing::warn!(error = %bad, "a malformed interaction from the gateway");
            return;
        }
    };
    let ids = match &inbound {
        Inbound::Command { id, token, .. } | Inbound::Interaction { id, token, .. } => {
            Some((id.clone(), token.clone()))
        }
        Inbound::Ping | Inbound::Ignored(_) => None,
    };
    match handler.handle(inbound).await {
        Ok(Some(response)) => {
            if let Some((id, token)) = ids
                && let Err(error) = handler.api().respond(&id, &token, &response).await
            {
                tracing::warn!(discord.interaction = %id, error = %error, "could not answer an interaction");
            }
        }
        Ok(None) => {}
        Err(error) => {
            tracing::error!(error = %error, "could not handle a Discord interaction");
        }
    }
}
