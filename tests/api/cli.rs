//! The binary's commands, run as an operator would.

use std::process::Command;

fn desk() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_disinfo-desk"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DESK_ENV")
        .env_remove("RUST_LOG")
        .env("RUST_BACKTRACE", "0");
    command
}

#[test]
fn check_config_prints_the_effective_config_with_secrets_masked() {
    let output = desk()
        .arg("check-config")
        .env("DESK__SERVER__BIND", "127.0.0.1:9999")
        .env("DESK__PUBLISHER__HOSTS", "news.example,www.news.example")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("127.0.0.1:9999"),
        "env overrides apply: {text}"
    );
    assert!(text.contains("www.news.example"), "lists from env: {text}");
    assert!(text.contains("********"));
    assert!(
        !text.contains("dev-only-secret-key"),
        "secret masked: {text}"
    );
}

#[test]
fn production_refuses_the_development_secret() {
    let output = desk()
        .arg("check-config")
        .env("DESK_ENV", "production")
        .env(
            "DESK__SERVER__SECRET_KEY",
            "dev-only-secret-key-do-not-use-in-production-0000",
        )
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("development key"));

    let output = desk()
        .arg("check-config")
        .env("DESK_ENV", "production")
        .env(
            "DESK__SERVER__SECRET_KEY",
            "a-long-random-production-secret-value-1234567890",
        )
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn migrate_creates_the_sqlite_database_and_is_repeatable() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("nested/desk.db");
    let url = format!("sqlite://{}", path.display());
    let first = desk()
        .arg("migrate")
        .env("DESK__DATABASE__URL", &url)
        .output()
        .expect("runs");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied"));
    assert!(path.exists());
    let second = desk()
        .arg("migrate")
        .env("DESK__DATABASE__URL", &url)
        .output()
        .expect("runs");
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("up to date"));
}

#[test]
fn unknown_database_schemes_are_refused_clearly() {
    let output = desk()
        .arg("migrate")
        .env("DESK__DATABASE__URL", "mysql://db/desk")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("unsupported database URL scheme \"mysql\"")
    );
}

#[tokio::test]
async fn export_streams_reports_with_their_events_and_personal_data_only_on_request() {
    let app = crate::helpers::spawn_app().await;
    for _ in 0..3 {
        assert_eq!(
            app.post_report(&crate::helpers::valid_report())
                .await
                .status(),
            201
        );
    }
    let export = |args: &[&str]| {
        let output = desk()
            .arg("export")
            .args(args)
            .env("DESK_ENV", "test")
            .env("DESK__DATABASE__URL", &app.database_url)
            .output()
            .expect("runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, jsonl, stderr) = export(&[]);
    assert!(ok, "{stderr}");
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["events"][0]["kind"], "created");
    assert_eq!(lines[0]["desk"], "world");
    assert!(lines[0].get("reporter").is_none(), "{}", lines[0]);
    assert!(
        !jsonl.contains("ana@example.org"),
        "no personal data by default"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no progress bar when not on a terminal"
    );

    let (ok, with_data, _) = export(&["--with-personal-data"]);
    assert!(ok);
    assert!(
        with_data.contains(r#""email":"ana@example.org""#),
        "{with_data}"
    );

    let (ok, csv, _) = export(&["--format", "csv"]);
    assert!(ok);
    let mut rows = csv.lines();
    assert!(
        rows.next()
            .is_some_and(|h| h.starts_with(r#""tracking_code","received_at""#))
    );
    assert_eq!(rows.count(), 3);
    assert!(!csv.contains("ana@example.org"));

    let (ok, none, _) = export(&["--since", "2999-01-01"]);
    assert!(ok);
    assert!(none.is_empty());
    let (ok, _, error) = export(&["--since", "last tuesday"]);
    assert!(!ok);
    assert!(error.contains("--since"), "{error}");
}

/// A log written to a file (here: stderr is a file, not a terminal) carries no colour codes.
#[test]
fn the_log_is_plain_text_when_stderr_is_not_a_terminal() {
    use std::io::BufRead;

    let dir = tempfile::tempdir().expect("tmp");
    let log_path = dir.path().join("desk.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut server = desk()
        .arg("serve")
        .env("DESK__SERVER__BIND", "127.0.0.1:0")
        .env(
            "DESK__DATABASE__URL",
            format!("sqlite://{}", dir.path().join("desk.db").display()),
        )
        .env("DESK__MAIL__FILE_DIR", dir.path().join("mail"))
        .env("DESK__NOTIFY__WORKER", "false")
        .stdout(std::process::Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("starts");
    // `serve` prints its address on stdout once it listens, after logging that it started.
    let mut line = String::new();
    let read = std::io::BufReader::new(server.stdout.take().expect("stdout")).read_line(&mut line);
    let _ = server.kill();
    let _ = server.wait();
    let text = std::fs::read_to_string(&log_path).expect("log");
    assert!(
        matches!(read, Ok(n) if n > 0) && line.contains("serving on port"),
        "{line} {text}"
    );
    assert!(text.contains("disinfo-desk started"), "{text}");
    assert!(!text.contains('\u{1b}'), "no escape codes: {text:?}");
}
