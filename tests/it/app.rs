//! The HTTP app in process: health, readiness, metrics and shutdown.

use rhythm::app::App;
use rhythm::config::Settings;
use rhythm_testing::TestDb;
use tokio_util::sync::CancellationToken;

struct Running {
    base: String,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    db: TestDb,
}

async fn spawn_app() -> Running {
    let db = TestDb::new().await;
    let mut settings = Settings::default();
    settings.http.listen = "127.0.0.1:0".parse().unwrap();
    let app = App::with_store(&settings, db.store.clone())
        .await
        .expect("the app binds");
    let base = format!("http://{}", app.address());
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(app.run(shutdown.clone()));
    Running {
        base,
        shutdown,
        task,
        db,
    }
}

#[tokio::test]
async fn healthz_and_readyz_answer_when_the_database_does() {
    let app = spawn_app().await;
    let health = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok\n");
    let ready = reqwest::get(format!("{}/readyz", app.base)).await.unwrap();
    assert_eq!(ready.status(), 200);
    app.shutdown.cancel();
    app.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn readyz_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.store.close().await;
    let ready = reqwest::get(format!("{}/readyz", app.base)).await.unwrap();
    assert_eq!(ready.status(), 503);
    assert!(ready.text().await.unwrap().contains("database"));
    let health = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(
        health.status(),
        200,
        "liveness does not depend on the database"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_in_prometheus_format() {
    let app = spawn_app().await;
    reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    let missing = reqwest::get(format!("{}/no/such/page", app.base))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let metrics = reqwest::get(format!("{}/metrics", app.base)).await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(
        metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"),
        "{text}"
    );
    assert!(
        text.contains("route=\"unmatched\",status=\"404\""),
        "{text}"
    );
    assert!(text.contains("rhythm_build_info{version="), "{text}");
    assert!(
        !text.contains("/no/such/page"),
        "raw paths never become labels"
    );
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let app = spawn_app().await;
    app.shutdown.cancel();
    app.task.await.unwrap().unwrap();
    assert!(reqwest::get(format!("{}/healthz", app.base)).await.is_err());
}

/// Every metric the code records is described for `/metrics` readers and in the README.
#[test]
fn every_metric_is_described_and_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut recorded = std::collections::BTreeSet::new();
    let mut dirs: Vec<std::path::PathBuf> = ["src", "bot/src", "scheduler/src", "store/src"]
        .iter()
        .map(|dir| root.join(dir))
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for kind in ["counter!(", "gauge!(", "histogram!("] {
                    for after in text.split(&format!("metrics::{kind}")).skip(1) {
                        let name = after.trim_start().trim_start_matches('"');
                        let name: String = name
                            .chars()
                            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                            .collect();
                        recorded.insert(name);
                    }
                }
            }
        }
    }
    assert!(recorded.len() > 20, "found the metrics: {recorded:?}");
    let telemetry = std::fs::read_to_string(root.join("src/telemetry.rs")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for name in &recorded {
        // Named in telemetry.rs only where it is described (the build info also sets it).
        let described = telemetry.contains(&format!("\"{name}\""));
        assert!(described, "{name} is described in src/telemetry.rs");
        assert!(
            readme.contains(&format!("`{name}")),
            "{name} is in the README"
        );
    }
}
