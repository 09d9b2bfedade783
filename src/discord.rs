//! Discord, wired into `rhythm run` when `DISCORD_TOKEN` is set: deliveries as DMs, the
//! slash commands registered at start, the gateway (one replica at a time), and in `http`
//! mode the interactions endpoint. The gateway connects in both modes: reactions (the kudos
//! emoji) arrive only over it; interactions arrive over it in `gateway` mode, and at the
//! endpoint instead once Discord is given its URL.

use rhythm_bot::follow_ups::Context;
use std::sync::Arc;

use rhythm_bot::discord::client::DiscordApi;
use rhythm_bot::discord::commands;
use rhythm_bot::discord::connection::{self, Lease};
use rhythm_bot::discord::gateway::{DEFAULT_INTENTS, GatewayConfig, Reconnect};
use rhythm_bot::discord::handler::DiscordHandler;
use rhythm_bot::discord::http::{DiscordHttp, routes as discord_routes};
use rhythm_bot::discord::verify::Verifier;
use rhythm_domain::clock::{Clock, SystemClock};
use rhythm_scheduler::pace::Limits;
use rhythm_store::Store;
use secrecy::ExposeSecret as _;
use tokio_util::sync::CancellationToken;

use crate::config::{DiscordMode, Secrets, Settings};

/// Discord, when `DISCORD_TOKEN` and `DISCORD_APPLICATION_ID` are set.
pub struct Discord {
    /// The REST client.
    pub api: DiscordApi,
    /// The rate limits sends are held to.
    pub limits: Limits,
    /// Where slash commands are registered: a server, or everywhere.
    guild: Option<String>,
    /// Where the gateway is, and the token it identifies with.
    gateway: GatewayConfig,
    /// The HTTP interactions endpoint's verifier (the application's public key), in `http`
    /// mode.
    endpoint: Option<Verifier>,
}

impl Discord {
    /// Discord as the settings and secrets configure it; `None` (logged) if it is not, or
    /// cannot be.
    pub fn from_settings(settings: &Settings, secrets: &Secrets) -> Option<Self> {
        let token = secrets.discord_token.as_ref()?;
        let Some(application_id) = &secrets.discord_application_id else {
            tracing::error!(
                "DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not: Discord is not connected (the id is on the Developer Portal's General Information page)"
            );
            return None;
        };
        let api_url = settings.discord.api_url.as_str().trim_end_matches('/');
        let api = match DiscordApi::new(api_url, token.expose_secret(), application_id) {
            Ok(api) => api,
            Err(error) => {
                tracing::error!(error = %error, "Discord is not connected");
                return None;
            }
        };
        let endpoint = match (settings.discord.mode, &secrets.discord_public_key) {
            (DiscordMode::Gateway, _) => None,
            (DiscordMode::Http, Some(key)) => match Verifier::new(key) {
                Ok(verifier) => Some(verifier),
                Err(error) => {
                    tracing::error!(error = %error, "DISCORD_PUBLIC_KEY is not usable: /discord/interactions is not served");
                    None
                }
            },
            (DiscordMode::Http, None) => {
                tracing::error!(
                    "[discord] mode is \"http\" but DISCORD_PUBLIC_KEY is not set: Discord's requests cannot be verified, so /discord/interactions is not served"
                );
                None
            }
        };
        Some(Self {
            api,
            limits: settings.discord.limits(),
            guild: settings.discord.guild_id.clone(),
            gateway: GatewayConfig {
                api_url: api_url.to_owned(),
                token: token.expose_secret().to_owned(),
                intents: DEFAULT_INTENTS,
                reconnect: Reconnect::default(),
            },
            endpoint,
        })
    }

    /// Registers the slash commands, in the background; a failure is logged (the commands
    /// registered before stay).
    pub fn register_commands(&self) {
        let (api, guild) = (self.api.clone(), self.guild.clone());
        tokio::spawn(async move {
            match api
                .register_commands(guild.as_deref(), &commands::definitions())
                .await
            {
                Ok(()) => tracing::info!(
                    discord.guild = guild.as_deref().unwrap_or("global"),
                    "Discord slash commands registered"
                ),
                Err(error) => {
                    tracing::warn!(error = %error, "could not register the Discord slash commands");
                }
            }
        });
    }

    /// Receives what Discord sends: the gateway, held by one replica at a time (returned as
    /// a task), and in `http` mode the interactions endpoint's routes (merged into `routes`).
    pub fn serve(
        &self,
        store: &Store,
        routes: axum::Router,
        context: &Context,
        shutdown: &CancellationToken,
    ) -> (axum::Router, tokio::task::JoinHandle<()>) {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let handler = Arc::new(
            DiscordHandler::new(self.api.clone(), store.clone(), Arc::clone(&clock))
                .in_context(context.clone()),
        );
        let routes = match &self.endpoint {
            Some(verifier) => {
                let http = DiscordHttp::new(Arc::clone(&handler), verifier.clone(), clock.clone());
                routes.merge(discord_routes(Arc::new(http)))
            }
            None => routes,
        };
        let task = connection::run(
            handler,
            self.gateway.clone(),
            store.clone(),
            replica_id(),
            Lease::default(),
            clock,
            shutdown.clone(),
        );
        let task = tokio::spawn(async move {
            if let Err(reason) = task.await {
                tracing::error!(reason = %reason, "the Discord gateway stopped for good; reactions (and in gateway mode, interactions) will not arrive until Rhythm restarts");
            }
        });
        (routes, task)
    }
}

/// This process, as a lease holder: host and process id, and a random part so that a
/// restarted process with a reused pid is not mistaken for the one before.
fn replica_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "rhythm".to_owned());
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!("{host}:{}:{nonce:08x}", std::process::id())
}
