//! Configuration as an operator meets it: bad keys and values are named, secrets stay out of
//! files.

use crate::support::{Rhythm, path_str};

async fn with_config(text: &str) -> (Rhythm, String) {
    let rhythm = Rhythm::new().await;
    let path = rhythm.file("rhythm.toml", text);
    let path = path_str(&path).to_owned();
    (rhythm, path)
}

#[tokio::test]
async fn an_unknown_key_is_refused_by_name() {
    let (rhythm, path) = with_config("[database]\nurl = \"sqlite://x.db\"\npool_size = 3\n").await;
    let run = rhythm.run(&["--config", &path, "migrate"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let expected = "`database.pool_size`: unknown key `pool_size`; \
                    the known keys here are url, max_connections, busy_timeout";
    assert!(run.stderr.contains(expected), "{}", run.stderr);
}

#[tokio::test]
async fn a_database_url_for_another_database_is_bad_input() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.run_with(
        &["migrate"],
        &[("DATABASE_URL", "mysql://root:pw@localhost/rhythm")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let expected = "`database.url`: the database URL must start with sqlite:// or postgres://";
    assert!(run.stderr.contains(expected), "{}", run.stderr);
    assert!(!run.stderr.contains(":pw@"), "{}", run.stderr);
}

#[tokio::test]
async fn a_bad_value_is_refused_naming_the_key_and_the_file() {
    let (rhythm, path) = with_config("[people]\ndefault_timezone = \"Moon/Base\"\n").await;
    let run = rhythm.run(&["--config", &path, "migrate"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`people.default_timezone`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown time zone `Moon/Base`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("rhythm.toml"), "{}", run.stderr);

    let (rhythm, path) = with_config("[http]\nlisten = \"everywhere\"\n").await;
    let run = rhythm.run(&["--config", &path, "migrate"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`http.listen`"), "{}", run.stderr);
}

#[tokio::test]
async fn an_environment_override_is_checked_like_the_file() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.run_with(
        &["migrate"],
        &[("RHYTHM__DATABASE__MAX_CONNECTIONS", "lots")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`database.max_connections`"),
        "{}",
        run.stderr
    );
    let run = rhythm.run_with(&["migrate"], &[("RHYTHM__DATABASE__MAX_CONNECTIONS", "0")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("between 1 and 1000"), "{}", run.stderr);
}

#[tokio::test]
async fn a_token_in_the_file_is_refused_with_where_it_belongs() {
    let (rhythm, path) = with_config("[slack]\nbot_token = \"xoxb-not-a-real-token\"\n").await;
    let run = rhythm.run(&["--config", &path, "doctor"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`slack.bot_token`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("set SLACK_BOT_TOKEN instead"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("xoxb-not-a-real"),
        "the secret is echoed: {}",
        run.stderr
    );

    let (rhythm, path) = with_config("[slack]\napi_url = \"xoxb-not-a-real-token\"\n").await;
    let run = rhythm.run(&["--config", &path, "doctor"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("holds a secret"), "{}", run.stderr);

    let (rhythm, path) =
        with_config("[database]\nurl = \"postgres://rhythm:hunter2@db/rhythm\"\n").await;
    let run = rhythm.run(&["--config", &path, "doctor"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("DATABASE_URL"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}

#[tokio::test]
async fn a_missing_config_file_is_bad_input() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.run(&["--config", "missing.toml", "doctor"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("config file missing.toml does not exist"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn the_example_config_is_valid_and_config_rhythm_toml_is_read_by_default() {
    let rhythm = Rhythm::new().await;
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/rhythm.example.toml"
    ))
    .expect("the example config exists");
    rhythm.file("config/rhythm.toml", &example);
    let run = rhythm.run(&["doctor"]);
    assert!(
        run.stdout.contains("loaded from config/rhythm.toml"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

#[tokio::test]
async fn scheduler_settings_are_checked() {
    let rhythm = Rhythm::new().await;
    let run = rhythm.run_with(&["migrate"], &[("RHYTHM__SCHEDULER__LEASE", "0s")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("`scheduler.lease`: must be at least 1s"),
        "{}",
        run.stderr
    );
    let run = rhythm.run_with(&["migrate"], &[("RHYTHM__SCHEDULER__PLANNER_BATCH", "0")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("`scheduler.planner_batch`: must be between 1 and 10000"),
        "{}",
        run.stderr
    );
    let run = rhythm.run_with(
        &["migrate"],
        &[("RHYTHM__SLACK__MESSAGES_PER_SECOND_PER_CHANNEL", "0")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("`slack.messages_per_second_per_channel`: must be a rate above 0"),
        "{}",
        run.stderr
    );
    let run = rhythm.run_with(&["migrate"], &[("RHYTHM__SCHEDULER__RETENTION", "forever")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`scheduler.retention`"),
        "{}",
        run.stderr
    );
}
