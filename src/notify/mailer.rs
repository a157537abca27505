//! Mail transports: SMTP (lettre, async) and `.eml` files for development.

use std::path::PathBuf;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailSettings, MailTransport, SmtpTls};

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("mail.smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// How a delivery attempt failed: a temporary failure is retried, a permanent one is not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("temporary failure: {0}")]
    Transient(String),
    #[error("permanent failure: {0}")]
    Permanent(String),
}

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Writes each message to `<dir>/<message token>.eml`; a retry overwrites, never duplicates.
    File(PathBuf),
}

impl Mailer {
    pub fn from_settings(mail: &MailSettings) -> Result<Self, MailerError> {
        match mail.transport {
            MailTransport::File => Ok(Self::File(mail.file_dir.clone())),
            MailTransport::Smtp => {
                let smtp = &mail.smtp;
                let builder = match smtp.tls {
                    SmtpTls::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                    SmtpTls::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?
                    }
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
                };
                let mut builder = builder
                    .port(smtp.port)
                    .timeout(Some(Duration::from_secs(smtp.timeout_secs.max(1))));
                if !smtp.username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        smtp.username.clone(),
                        smtp.password.expose().to_string(),
                    ));
                }
                Ok(Self::Smtp(builder.build()))
            }
        }
    }

    /// Delivers one message. `token` names the file for the file transport.
    pub async fn send(&self, message: Message, token: &str) -> Result<(), SendError> {
        match self {
            Self::Smtp(transport) => transport.send(message).await.map(|_| ()).map_err(classify),
            Self::File(dir) => write_eml(dir, token, &message.formatted()).await,
        }
    }
}

/// 5xx answers are permanent; 4xx, timeouts and connection failures are worth retrying.
fn classify(error: lettre::transport::smtp::Error) -> SendError {
    if error.is_permanent() {
        SendError::Permanent(error.to_string())
    } else {
        SendError::Transient(error.to_string())
    }
}

async fn write_eml(dir: &std::path::Path, token: &str, bytes: &[u8]) -> Result<(), SendError> {
    let io = |e: std::io::Error| SendError::Transient(format!("writing to {}: {e}", dir.display()));
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    // Write then rename, so a reader never sees half a message.
    let partial = dir.join(format!(".{token}.eml.partial"));
    tokio::fs::write(&partial, bytes).await.map_err(io)?;
    tokio::fs::rename(&partial, dir.join(format!("{token}.eml")))
        .await
        .map_err(io)
}
