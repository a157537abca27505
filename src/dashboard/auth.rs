//! Signing in to the dashboard: password check with throttling, session set-up and teardown,
//! CSRF tokens, and the `SignedIn` extractor for pages.

use std::sync::LazyLock;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::NaiveDateTime;
use futures_util::future::LocalBoxFuture;

use super::{Editor, accounts, repo};
use crate::config::DashboardSettings;
use crate::error::{AppError, HtmlError};
use crate::startup::AppState;
use crate::storage::{Db, StorageError, now};

const USER_ID: &str = "user_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const CSRF: &str = "csrf";

/// Verified against when the account does not exist, so both cases take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    accounts::hash_password("no such account, no such password").unwrap_or_default()
});

#[derive(Debug, PartialEq, Eq)]
pub enum SignIn {
    Accepted(Editor),
    /// Unknown account or wrong password: one answer for both.
    Refused,
    Throttled {
        retry_after_secs: u64,
    },
}

/// How long a key must wait before its next try, given its recent failures.
pub fn throttle_delay(failures: i64, free: i64, max_secs: u64) -> u64 {
    if failures < free {
        return 0;
    }
    let exponent = (failures - free).clamp(0, 20) as u32;
    (1u64 << exponent).min(max_secs)
}

fn remaining(last: Option<NaiveDateTime>, delay_secs: u64, at: NaiveDateTime) -> u64 {
    last.map(|last| (last + chrono::Duration::seconds(delay_secs as i64) - at).num_seconds())
        .unwrap_or(0)
        .max(0) as u64
}

pub async fn sign_in(
    db: &Db,
    settings: &DashboardSettings,
    email: &str,
    password: String,
    client_hash: Option<String>,
) -> Result<SignIn, StorageError> {
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let client_key = client_hash.as_ref().map(|h| format!("client:{h}"));
    let free = i64::from(settings.login_free_attempts.max(1));
    let window = chrono::Duration::seconds(settings.login_window_secs as i64);
    let (max_account_delay, max_client_delay) =
        (settings.login_max_delay_secs, settings.login_window_secs);

    let (lookup_email, keys) = (email.clone(), (account_key.clone(), client_key.clone()));
    let (user, wait) = db
        .read(move |conn| {
            let at = now();
            let (account_failures, account_last) =
                repo::failures_since(conn, &keys.0, at - window)?;
            let mut wait = remaining(
                account_last,
                throttle_delay(account_failures, free, max_account_delay),
                at,
            );
            if let Some(client_key) = &keys.1 {
                // A client trying many accounts is slowed separately, and for longer.
                let (failures, last) = repo::failures_since(conn, client_key, at - window)?;
                wait = wait.max(remaining(
                    last,
                    throttle_delay(failures, free * 4, max_client_delay),
                    at,
                ));
            }
            let user = repo::find_user_by_email(conn, &lookup_email)?;
            Ok::<_, StorageError>((user, wait))
        })
        .await?;
    if wait > 0 {
        record(
            db,
            user.as_ref().map(|u| u.id),
            &email,
            "login_throttled",
            client_hash,
        )
        .await?;
        return Ok(SignIn::Throttled {
            retry_after_secs: wait,
        });
    }
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let verified =
        tokio::task::spawn_blocking(move || accounts::verify_password(&password, &stored))
            .await
            .map_err(|_| StorageError::Cancelled)?;
    match user.filter(|u| verified && !u.disabled) {
        Some(user) => {
            let (id, hash) = (user.id, client_hash.clone());
            let desks = db
                .write(move |conn| {
                    repo::clear_failures(conn, &account_key)?;
                    repo::record_auth_event(
                        conn,
                        Some(id),
                        &email,
                        "login",
                        hash.as_deref(),
                        now(),
                    )?;
                    Ok::<_, StorageError>(repo::desks_of(conn, id)?)
                })
                .await?;
            Ok(SignIn::Accepted(Editor::from_row(user, desks)))
        }
        None => {
            db.write(move |conn| {
                let at = now();
                repo::record_failure(conn, &account_key, at)?;
                if let Some(client_key) = &client_key {
                    repo::record_failure(conn, client_key, at)?;
                }
                repo::record_auth_event(
                    conn,
                    None,
                    &email,
                    "login_failed",
                    client_hash.as_deref(),
                    at,
                )?;
                Ok::<_, StorageError>(())
            })
            .await?;
            Ok(SignIn::Refused)
        }
    }
}

pub async fn record(
    db: &Db,
    user_id: Option<i64>,
    email: &str,
    kind: &'static str,
    client_hash: Option<String>,
) -> Result<(), StorageError> {
    let email = email.to_string();
    db.write(move |conn| {
        Ok::<_, StorageError>(repo::record_auth_event(
            conn,
            user_id,
            &email,
            kind,
            client_hash.as_deref(),
            now(),
        )?)
    })
    .await
}

/// Starts the signed-in session: a new session id (no fixation), the user, the time.
pub fn start_session(session: &Session, editor: &Editor) -> Result<(), AppError> {
    session.renew();
    let failed =
        |e: actix_session::SessionInsertError| AppError::Internal(anyhow::anyhow!("session: {e}"));
    session.insert(USER_ID, editor.id).map_err(failed)?;
    session
        .insert(SIGNED_IN_AT, now().and_utc().timestamp())
        .map_err(failed)?;
    session.remove(CSRF);
    Ok(())
}

/// The session's CSRF token, created on first use.
pub fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Ok(Some(token)) = session.get::<String>(CSRF) {
        return Ok(token);
    }
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("randomness: {e}")))?;
    let token = hex::encode(bytes);
    session
        .insert(CSRF, &token)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(token)
}

/// Every state-changing form carries the session's token; a form from another site cannot.
pub fn check_csrf(session: &Session, submitted: &str) -> Result<(), AppError> {
    match session.get::<String>(CSRF) {
        Ok(Some(expected)) if crate::signing::tokens_match(&expected, submitted) => Ok(()),
        _ => Err(AppError::Forbidden(
            "This form has expired or did not come from this site. Reload the page and try again."
                .into(),
        )),
    }
}

/// A signed-in editor on a dashboard page; others are sent to the sign-in page.
pub struct SignedIn {
    pub editor: Editor,
    pub session: Session,
}

impl FromRequest for SignedIn {
    type Error = HtmlError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let next = req.uri().path().to_string();
        Box::pin(async move {
            let sign_in = || HtmlError(AppError::SignInRequired { next: next.clone() });
            let state = state.ok_or_else(sign_in)?;
            let user_id = session
                .get::<i64>(USER_ID)
                .ok()
                .flatten()
                .ok_or_else(sign_in)?;
            let signed_in_at = session.get::<i64>(SIGNED_IN_AT).ok().flatten().unwrap_or(0);
            let age = now().and_utc().timestamp() - signed_in_at;
            if age > state.settings.dashboard.absolute_timeout_secs as i64 {
                session.purge();
                return Err(sign_in());
            }
            match super::find_editor_by_id(&state.db, user_id)
                .await
                .map_err(AppError::from)?
            {
                Some(editor) => Ok(Self { editor, session }),
                None => {
                    session.purge();
                    Err(sign_in())
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_and_is_capped() {
        assert_eq!(throttle_delay(0, 5, 60), 0);
        assert_eq!(throttle_delay(4, 5, 60), 0);
        assert_eq!(throttle_delay(5, 5, 60), 1);
        assert_eq!(throttle_delay(7, 5, 60), 4);
        assert_eq!(throttle_delay(50, 5, 60), 60, "never more than the cap");
    }
}
