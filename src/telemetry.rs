//! Structured logs (text or JSON, to stderr) and the Prometheus recorder.

use std::io::IsTerminal as _;
use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};

/// Sends logs to stderr, filtered by `RUST_LOG` if set, else by `[log] level`.
pub fn init_logging(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second call (tests build several apps in one process) keeps the first subscriber.
    let _already_set = match settings.format {
        LogFormat::Text => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The process's Prometheus recorder, installed on first use.
pub fn metrics() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(&[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0])
                .expect("static histogram buckets are valid")
                .install_recorder()
                .expect("no other metrics recorder is installed");
            metrics::describe_counter!(
                "http_requests_total",
                "HTTP requests answered, by route and status"
            );
            metrics::describe_histogram!(
                "http_request_duration_seconds",
                metrics::Unit::Seconds,
                "Time to answer an HTTP request, by route"
            );
            metrics::describe_gauge!(
                "rhythm_build_info",
                "Always 1; labelled with the running version"
            );
            metrics::gauge!("rhythm_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            describe_scheduler();
            describe_platforms();
            handle
        })
        .clone()
}

/// What the scheduler's metrics mean, for `/metrics` readers.
fn describe_scheduler() {
    metrics::describe_counter!(
        "rhythm_occurrences_total",
        "Schedule occurrences this process claimed: fired, missed (past the grace window), \
         or already_claimed by another planner"
    );
    metrics::describe_counter!(
        "rhythm_deliveries_planned_total",
        "Deliveries the planner wrote to the outbox"
    );
    metrics::describe_counter!(
        "rhythm_deliveries_total",
        "Deliveries the dispatcher finished: sent, retried, dead (parked with a reason), \
         lease_lost (sent but not recorded: another dispatcher had taken it) or lease_expired \
         (not sent: the lease ran out first)"
    );
    metrics::describe_counter!(
        "rhythm_planner_lost_races_total",
        "Planner steps rolled back because a schedule changed under them"
    );
    metrics::describe_gauge!(
        "rhythm_deliveries_pending",
        "Deliveries not yet sent, due or not (refreshed every minute)"
    );
    metrics::describe_gauge!(
        "rhythm_deliveries_due",
        "Deliveries due now and not yet sent"
    );
    metrics::describe_gauge!(
        "rhythm_dead_letters",
        "Deliveries parked with a reason, waiting for HR"
    );
    metrics::describe_gauge!(
        "rhythm_oldest_due_delivery_age_seconds",
        "How long the oldest due delivery has waited; alert if it grows"
    );
    metrics::describe_histogram!(
        "rhythm_fire_lag_seconds",
        metrics::Unit::Seconds,
        "From a delivery falling due to its being sent"
    );
}

/// What the chat platforms' metrics mean.
fn describe_platforms() {
    metrics::describe_gauge!(
        "rhythm_platform_up",
        "1 while the platform accepts Rhythm's token, 0 once it refused it (by platform)"
    );
    metrics::describe_counter!(
        "rhythm_digests_total",
        "Check-in digests posted, to retry, or failed"
    );
    metrics::describe_counter!(
        "rhythm_notices_total",
        "Notices (kudos announcements and DMs) posted, skipped, to retry, or failed"
    );
    metrics::describe_histogram!(
        "rhythm_send_paced_seconds",
        metrics::Unit::Seconds,
        "How long a send waited for the platform's rate limit before going out"
    );
    metrics::describe_counter!(
        "rhythm_slack_rejected_total",
        "Slack HTTP requests refused before handling: bad signature or malformed"
    );
    metrics::describe_counter!(
        "rhythm_discord_rejected_total",
        "Discord interactions refused before handling: bad signature or malformed"
    );
    metrics::describe_counter!(
        "rhythm_slack_socket_connects_total",
        "Socket Mode connections opened"
    );
    metrics::describe_counter!(
        "rhythm_slack_socket_disconnects_total",
        "Socket Mode connections ended, by reason (Slack's disconnect reasons, errors)"
    );
    metrics::describe_gauge!(
        "rhythm_discord_gateway_held",
        "1 on the replica holding the Discord gateway lease; exactly one replica should"
    );
    metrics::describe_gauge!(
        "rhythm_discord_gateway_connected",
        "1 while the Discord gateway connection is up"
    );
    metrics::describe_counter!(
        "rhythm_discord_gateway_connects_total",
        "Discord gateway sessions started (identify) or resumed (resume)"
    );
    metrics::describe_counter!(
        "rhythm_discord_gateway_disconnects_total",
        "Discord gateway connections ended, by cause"
    );
    metrics::describe_counter!(
        "rhythm_discord_gateway_dispatches_total",
        "Discord gateway events received, by event name"
    );
    metrics::describe_gauge!(
        "rhythm_discord_gateway_heartbeat_latency_seconds",
        "Time from the last gateway heartbeat to its acknowledgement"
    );
}
