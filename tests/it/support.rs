//! Running the real `rhythm` executable against a test database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rhythm_testing::TestDb;
use tempfile::TempDir;

/// A scratch directory and a fresh database, and a way to run `rhythm` against them.
pub(crate) struct Rhythm {
    pub(crate) db: TestDb,
    pub(crate) dir: TempDir,
}

/// What a run of `rhythm` did.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Rhythm {
    pub(crate) async fn new() -> Self {
        Self {
            db: TestDb::new().await,
            dir: tempfile::tempdir().expect("a scratch directory"),
        }
    }

    /// `rhythm` in the scratch directory, with a clean environment pointing at the test
    /// database.
    pub(crate) fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rhythm"));
        command
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.db.url)
            .env("USER", "hr-tester");
        command
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    pub(crate) fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command();
        command.args(args);
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().expect("rhythm runs").into()
    }

    /// Writes `text` to `name` in the scratch directory.
    pub(crate) fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a directory for the file");
        }
        std::fs::write(&path, text).expect("the file is written");
        path
    }

    /// `people import --csv FILE ARGS…` on `text`.
    pub(crate) fn import(&self, text: &str, args: &[&str]) -> Run {
        let path = self.file("people.csv", text);
        let mut all = vec!["people", "import", "--csv", path_str(&path)];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// The directory as `people list --json` prints it.
    pub(crate) fn people(&self) -> serde_json::Value {
        let run = self.run(&["people", "list", "--json"]);
        assert_eq!(run.code, 0, "people list fails: {}", run.stderr);
        serde_json::from_str(&run.stdout).expect("people list prints JSON")
    }
}

pub(crate) fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// Sends SIGTERM to `child` and waits for it; its exit code.
pub(crate) async fn terminate(mut child: std::process::Child) -> Option<i32> {
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success(), "SIGTERM is delivered");
    tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("the wait does not panic")
        .expect("the child is waited for")
        .code()
}
