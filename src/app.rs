//! The running application: built from a configuration, bound to its address, and run until
//! told to stop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use rhythm_bot::console::ConsoleMessenger;
use rhythm_bot::couriers::Couriers;
use rhythm_bot::discord::messenger::DiscordMessenger;
use rhythm_bot::follow_ups::Context;
use rhythm_bot::routed::Routed;
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::SlackHandler;
use rhythm_bot::slack::http::{SlackHttp, routes as slack_routes};
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_bot::slack::verify::Verifier;
use rhythm_domain::clock::{Clock, SystemClock};
use rhythm_domain::ports::Commit;
use rhythm_domain::ports::{Announcer, Messenger};
use rhythm_domain::sync::{SyncReport, sync_slack};
use rhythm_scheduler::digests::{DigestPoster, DigestSettings};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::maintenance::Maintenance;
use rhythm_scheduler::notices::NoticePoster;
use rhythm_scheduler::pace::{Limits, Paced};
use rhythm_scheduler::planner::Planner;
use rhythm_store::{ConnectOptions, Store, redact};
use secrecy::ExposeSecret as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{SchedulerSettings, Secrets, Settings, SlackMode};
use crate::discord::Discord;
use crate::http::{AppState, PlatformCheck, router};
use crate::telemetry;

/// Rhythm, built and bound, not yet serving.
pub struct App {
    listener: TcpListener,
    address: SocketAddr,
    store: Store,
    shutdown_grace: Duration,
    scheduler: SchedulerSettings,
    slack: Option<Slack>,
    discord: Option<Discord>,
}

/// Slack, when `SLACK_BOT_TOKEN` is set.
struct Slack {
    api: SlackApi,
    limits: Limits,
    /// The HTTP Events API's routes, when `[slack] mode = "http"` and the signing secret is
    /// set.
    verifier: Option<Verifier>,
    /// The app-level token, when `[slack] mode = "socket"`.
    app_token: Option<String>,
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
            scheduler: settings.scheduler.clone(),
            slack: None,
            discord: None,
        })
    }

    /// Connects the chat platforms whose secrets are set: with `SLACK_BOT_TOKEN`, deliveries
    /// go to Slack as DMs instead of the console, and in `[slack] mode = "http"` the Events
    /// API routes are served (with `SLACK_SIGNING_SECRET`), in `"socket"` mode Socket Mode
    /// is opened (with `SLACK_APP_TOKEN`).
    pub fn with_platforms(mut self, settings: &Settings, secrets: &Secrets) -> Self {
        self.discord = Discord::from_settings(settings, secrets);
        let Some(token) = &secrets.slack_bot_token else {
            return self;
        };
        let verifier = match (settings.slack.mode, &secrets.slack_signing_secret) {
            (SlackMode::Http, Some(secret)) => Some(Verifier::new(secret.expose_secret())),
            (SlackMode::Http, None) => {
                tracing::error!(
                    "[slack] mode is \"http\" but SLACK_SIGNING_SECRET is not set: Slack's requests cannot be verified, so /slack/* is not served"
                );
                None
            }
            (SlackMode::Socket, _) => None,
        };
        let app_token = match (settings.slack.mode, &secrets.slack_app_token) {
            (SlackMode::Socket, Some(token)) => Some(token.expose_secret().to_owned()),
            (SlackMode::Socket, None) => {
                tracing::error!(
                    "[slack] mode is \"socket\" but SLACK_APP_TOKEN is not set: no events will arrive from Slack (deliveries are sent)"
                );
                None
            }
            (SlackMode::Http, _) => None,
        };
        self.slack = Some(Slack {
            api: SlackApi::new(settings.slack.api_url.as_str(), token.expose_secret()),
            limits: settings.slack.limits(),
            verifier,
            app_token,
        });
        self
    }

    /// The address the HTTP server is bound to.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves HTTP and runs the scheduler (planner and dispatcher) until `shutdown` is
    /// cancelled, then lets requests in flight finish (up to `[http] shutdown_grace`), waits
    /// for the scheduler's current step, and closes the database.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        // The recorder first: anything counted before it is installed is lost.
        let metrics = telemetry::metrics();
        let scheduler = self.spawn_scheduler(&shutdown);
        let retention = chrono::Duration::from_std(self.scheduler.retention.as_std())
            .context("reading [scheduler] retention")?;
        let mut housekeeping =
            Maintenance::new(self.store.clone(), Arc::new(SystemClock), retention)
                .start()
                .await
                .context("starting housekeeping")?;
        let mut platforms: Vec<PlatformCheck> = Vec::new();
        if let Some(slack) = &self.slack {
            metrics::gauge!("rhythm_platform_up", "platform" => "slack").set(1.0);
            let api = slack.api.clone();
            platforms.push(Arc::new(move || {
                api.refused().map(|reason| {
                    format!("Slack refused the bot token ({reason}); set a valid SLACK_BOT_TOKEN and restart")
                })
            }));
        }
        if let Some(discord) = &self.discord {
            metrics::gauge!("rhythm_platform_up", "platform" => "discord").set(1.0);
            let api = discord.api.clone();
            platforms.push(Arc::new(move || {
                api.refused().map(|reason| {
                    format!("Discord refused the bot token ({reason}); set a valid DISCORD_TOKEN and restart")
                })
            }));
            discord.register_commands();
        }
        let state = AppState {
            store: self.store.clone(),
            metrics,
            platforms,
        };
        if let Some(slack) = &self.slack {
            tokio::spawn(sync_with_slack(
                slack.api.clone(),
                self.store.clone(),
                shutdown.clone(),
            ));
        }
        let mut listeners = Vec::new();
        let context = Context::new(TaskTracker::new(), self.couriers());
        if let Some(Slack {
            api,
            app_token: Some(token),
            ..
        }) = &self.slack
        {
            let handler = SlackHandler::new(api.clone(), self.store.clone(), Arc::new(SystemClock))
                .in_context(context.clone());
            listeners.push(tokio::spawn(rhythm_bot::slack::socket::run(
                api.clone(),
                token.clone(),
                handler,
                shutdown.clone(),
            )));
        }
        let mut routes = router(state);
        if let Some(Slack {
            api,
            verifier: Some(verifier),
            ..
        }) = &self.slack
        {
            let clock: Arc<dyn Clock> = Arc::new(SystemClock);
            let handler = SlackHandler::new(api.clone(), self.store.clone(), Arc::clone(&clock))
                .in_context(context.clone());
            routes = routes.merge(slack_routes(Arc::new(SlackHttp::new(
                handler,
                verifier.clone(),
                clock,
            ))));
        }
        if let Some(discord) = &self.discord {
            let (merged, gateway) = discord.serve(&self.store, routes, &context, &shutdown);
            routes = merged;
            listeners.push(gateway);
        }
        let server = axum::serve(self.listener, routes)
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
        shutdown.cancel();
        if let Err(error) = housekeeping.shutdown().await {
            tracing::warn!(error = %error, "housekeeping did not stop cleanly");
        }
        for task in scheduler.into_iter().chain(listeners) {
            if let Err(error) = task.await {
                tracing::error!(error = %error, "a scheduler task panicked");
            }
        }
        let follow_ups = &context.follow_ups;
        follow_ups.close();
        if tokio::time::timeout(grace, follow_ups.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                calls = follow_ups.len(),
                "chat platform calls still running after the shutdown grace; stopping anyway"
            );
        }
        self.store.close().await;
        tracing::info!("stopped");
        Ok(())
    }

    /// One-off DMs (link codes) on each connected platform.
    fn couriers(&self) -> Couriers {
        let mut couriers = Couriers::none();
        if let Some(slack) = &self.slack {
            couriers =
                couriers.with_slack(SlackMessenger::new(slack.api.clone(), self.store.clone()));
        }
        if let Some(discord) = &self.discord {
            couriers = couriers.with_discord(DiscordMessenger::new(
                discord.api.clone(),
                self.store.clone(),
            ));
        }
        couriers
    }

    /// Starts the planner, the dispatcher and the digest posters: deliveries go to the chat
    /// platforms connected (each person's own), else to the console.
    fn spawn_scheduler(&self, shutdown: &CancellationToken) -> Vec<tokio::task::JoinHandle<()>> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let slack = self.slack.as_ref().map(|slack| {
            let messenger = SlackMessenger::new(slack.api.clone(), self.store.clone());
            Arc::new(Paced::new(messenger, slack.limits, Arc::clone(&clock)))
        });
        let discord = self.discord.as_ref().map(|discord| {
            let messenger = DiscordMessenger::new(discord.api.clone(), self.store.clone());
            Arc::new(Paced::new(messenger, discord.limits, Arc::clone(&clock)))
        });
        let mut tasks = Vec::new();
        if let Some(slack) = &slack {
            tasks.extend(self.spawn_posters(Arc::clone(slack), &clock, shutdown));
        }
        if let Some(discord) = &discord {
            tasks.extend(self.spawn_posters(Arc::clone(discord), &clock, shutdown));
        }
        match (slack, discord) {
            (None, None) => {
                tracing::info!(
                    "scheduler started; no chat platform is connected, so deliveries are printed to the console"
                );
                let console = Arc::new(ConsoleMessenger::stdout());
                tasks.extend(self.spawn_posters(Arc::clone(&console), &clock, shutdown));
                tasks.extend(self.spawn_with(console, clock, shutdown));
            }
            (Some(slack), None) => {
                tracing::info!("scheduler started; deliveries go to Slack");
                tasks.extend(self.spawn_with(slack, clock, shutdown));
            }
            (None, Some(discord)) => {
                tracing::info!("scheduler started; deliveries go to Discord");
                tasks.extend(self.spawn_with(discord, clock, shutdown));
            }
            (slack, discord) => {
                tracing::info!(
                    "scheduler started; deliveries go to each person's chat platform (Slack if they have both)"
                );
                let routed = Arc::new(Routed::new(self.store.clone(), slack, discord));
                tasks.extend(self.spawn_with(routed, clock, shutdown));
            }
        }
        tasks
    }

    /// The digest and notice posters posting through `announcer` (the same one the
    /// deliveries go through, so all keep to one set of rate limits).
    fn spawn_posters<A: Announcer + 'static>(
        &self,
        announcer: Arc<A>,
        clock: &Arc<dyn Clock>,
        shutdown: &CancellationToken,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks = Vec::new();
        if let Some(notices) = NoticePoster::new(
            self.store.clone(),
            Arc::clone(&announcer),
            Arc::clone(clock),
        ) {
            tasks.push(tokio::spawn(notices.run(shutdown.clone())));
        }
        let digests = DigestPoster::new(
            self.store.clone(),
            announcer,
            Arc::clone(clock),
            DigestSettings::default(),
        );
        tasks.push(tokio::spawn(digests.run(shutdown.clone())));
        tasks
    }

    /// The planner, and the dispatcher sending through `messenger`.
    fn spawn_with<M: Messenger + 'static>(
        &self,
        messenger: Arc<M>,
        clock: Arc<dyn Clock>,
        shutdown: &CancellationToken,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let dispatcher = Dispatcher::new(
            self.store.clone(),
            messenger,
            Arc::clone(&clock),
            DispatchSettings {
                lease: self.scheduler.lease.as_std(),
                retry_backoff: self.scheduler.retry_backoff.as_std(),
                batch: self.scheduler.dispatch_batch,
                concurrency: self.scheduler.dispatch_concurrency,
                ..DispatchSettings::default()
            },
        );
        let planner = Planner::new(self.store.clone(), clock, self.scheduler.planner_batch)
            .notify_when_planned(dispatcher.waker());
        vec![
            tokio::spawn(planner.run(shutdown.clone())),
            tokio::spawn(dispatcher.run(DISPATCH_POLL, shutdown.clone())),
        ]
    }
}

/// How often the dispatcher looks for deliveries coming due (it is also woken by the
/// planner).
const DISPATCH_POLL: Duration = Duration::from_secs(1);

/// Links people to their Slack accounts and takes the zones nobody chose, once, in the
/// background (`rhythm slack sync` does the same on demand). A failure is logged, never
/// fatal: the next start, or the command, tries again.
async fn sync_with_slack(api: SlackApi, store: Store, shutdown: CancellationToken) {
    let sync = async {
        let members = api.members().await?;
        anyhow::Ok(sync_slack(&store, &members, Commit::Write, "slack-sync").await?)
    };
    tokio::select! {
        synced = sync => match synced {
            Ok(SyncReport { plan, .. }) => tracing::info!(
                slack.members = plan.members,
                slack.linked = plan.linked.len(),
                slack.timezones = plan.timezones.len(),
                slack.conflicts = plan.conflicts.len(),
                slack.users_without_person = plan.slack_users_without_person.len(),
                people.without_slack = plan.people_without_slack.len(),
                "directory synced with Slack; `rhythm slack sync --dry-run` lists what did not match"
            ),
            Err(error) => tracing::warn!(
                error = format!("{error:#}"),
                "could not sync the directory with Slack; `rhythm slack sync` tries again and says why"
            ),
        },
        () = shutdown.cancelled() => {}
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
