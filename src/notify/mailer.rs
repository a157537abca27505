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
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The longest one delivery may take, start to end (`mail.smtp.timeout_secs`). lettre's
        /// own timeout bounds only connecting (lettre 0.11, issue #1027), and the worker's lease
        /// check in `Settings::validate` relies on every send ending within this.
        deadline: Duration,
    },
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
                let deadline = Duration::from_secs(smtp.timeout_secs.max(1));
                let mut builder = builder.port(smtp.port).timeout(Some(deadline));
                if !smtp.username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        smtp.username.clone(),
                        smtp.password.expose().to_string(),
                    ));
                }
                Ok(Self::Smtp {
                    transport: builder.build(),
                    deadline,
                })
            }
        }
    }

    /// Delivers one message. `token` names the file for the file transport.
    pub async fn send(&self, message: Message, token: &str) -> Result<(), SendError> {
        match self {
            Self::Smtp {
                transport,
                deadline,
            } => match tokio::time::timeout(*deadline, transport.send(message)).await {
                Ok(sent) => sent.map(|_| ()).map_err(classify),
                // The server may have taken the message without answering: a retry can deliver
                // it twice, which its stable Message-ID lets the recipient's side detect.
                Err(_) => Err(SendError::Transient(format!(
                    "no answer from the SMTP server within {} s",
                    deadline.as_secs()
                ))),
            },
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
