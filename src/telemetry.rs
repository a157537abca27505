//! Logging set-up: readable in development, JSON for collectors in production.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};

/// Installs the global subscriber once; later calls (tests) are ignored. `RUST_LOG` wins over config.
pub fn init(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour(std::io::stderr().is_terminal()))
        .with_writer(std::io::stderr);
    let _ = match settings.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// Colour codes only for a person at a terminal: a log file, a pipe or journald gets plain text.
fn colour(stderr_is_terminal: bool) -> bool {
    stderr_is_terminal
}

#[cfg(test)]
mod tests {
    #[test]
    fn colour_only_on_a_terminal() {
        assert!(super::colour(true));
        assert!(!super::colour(false));
    }
}
