//! Signing in to the dashboard: password check with throttling, session set-up and teardown,
//! CSRF tokens, and the `SignedIn` extractor for pages.

use std::sync::LazyLock;

use actix_session::{Session, SessionExt};
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::NaiveDateTime;
use diesel::QueryResult;
use futures_util::future::LocalBoxFuture;

use super::{Editor, accounts, repo};
use crate::config::{DashboardSettings, Secret};
use crate::error::{AppError, HtmlError};
use crate::storage::{Db, StorageError, now};
use crate::web::state::AppState;

pub(crate) const USER_ID: &str = "user_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const CSRF: &str = "csrf";
/// Binds a sign-in form's token to its cookie, under the server's secret.
const LOGIN_FORM_PURPOSE: &str = "login-form";

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

/// Whole seconds left of a wait, rounded up: a wait of 1 s is not over after 300 ms.
fn remaining(last: Option<NaiveDateTime>, delay_secs: u64, at: NaiveDateTime) -> u64 {
    let Some(last) = last else { return 0 };
    let left = (last + chrono::Duration::seconds(delay_secs as i64) - at).num_milliseconds();
    if left <= 0 {
        0
    } else {
        (left as u64).div_ceil(1000)
    }
}

/// The counters a password guess is charged to, each with its free attempts and its longest wait.
struct Throttle {
    /// This account from this client: a stranger's guesses slow the stranger, not the editor.
    pair: (String, i64, u64),
    /// This account from everywhere: higher, so that guesses from many clients are slowed too.
    account: (String, i64, u64),
    /// This client on any account: a client trying many accounts waits longer.
    client: Option<(String, i64, u64)>,
}

impl Throttle {
    fn new(settings: &DashboardSettings, email: &str, client_hash: Option<&str>) -> Self {
        let free = i64::from(settings.login_free_attempts.max(1));
        let account_free = i64::from(settings.login_account_free_attempts).max(free);
        let max = settings.login_max_delay_secs;
        Self {
            pair: (
                format!("pair:{}:{email}", client_hash.unwrap_or("-")),
                free,
                max,
            ),
            account: (format!("account:{email}"), account_free, max),
            client: client_hash
                .map(|h| (format!("client:{h}"), free * 4, settings.login_window_secs)),
        }
    }

    fn keys(&self) -> impl Iterator<Item = &(String, i64, u64)> {
        [&self.pair, &self.account].into_iter().chain(&self.client)
    }

    /// Seconds before the next try may be checked (0: now).
    fn wait(
        &self,
        conn: &mut crate::storage::DbConn,
        window: chrono::Duration,
    ) -> QueryResult<u64> {
        let at = now();
        let mut wait = 0;
        for (key, free, max) in self.keys() {
            let (failures, last) = repo::failures_since(conn, key, at - window)?;
            wait = wait.max(remaining(last, throttle_delay(failures, *free, *max), at));
        }
        Ok(wait)
    }

    fn record_failure(
        &self,
        conn: &mut crate::storage::DbConn,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        for (key, _, _) in self.keys() {
            repo::record_failure(conn, key, at)?;
        }
        Ok(())
    }
}

/// What a password check is for, and so how its events are named.
#[derive(Clone, Copy)]
enum Purpose {
    SignIn,
    /// A signed-in editor confirming their password (to change it).
    Confirm,
}

impl Purpose {
    fn failed(self) -> &'static str {
        match self {
            Self::SignIn => "login_failed",
            Self::Confirm => "password_confirm_failed",
        }
    }
    fn throttled(self) -> &'static str {
        match self {
            Self::SignIn => "login_throttled",
            Self::Confirm => "password_confirm_throttled",
        }
    }
}

pub async fn sign_in(
    db: &Db,
    settings: &DashboardSettings,
    email: &str,
    password: String,
    client_hash: Option<String>,
) -> Result<SignIn, StorageError> {
    check_password(db, settings, email, password, client_hash, Purpose::SignIn).await
}

/// A signed-in editor's password, checked (and throttled) like a sign-in: a stolen session must
/// not become a way to guess the password.
pub async fn confirm_password(
    db: &Db,
    settings: &DashboardSettings,
    editor: &Editor,
    password: String,
    client_hash: Option<String>,
) -> Result<SignIn, StorageError> {
    check_password(
        db,
        settings,
        &editor.email,
        password,
        client_hash,
        Purpose::Confirm,
    )
    .await
}

async fn check_password(
    db: &Db,
    settings: &DashboardSettings,
    email: &str,
    password: String,
    client_hash: Option<String>,
    purpose: Purpose,
) -> Result<SignIn, StorageError> {
    let email = email.trim().to_lowercase();
    let throttle = std::sync::Arc::new(Throttle::new(settings, &email, client_hash.as_deref()));
    let window = chrono::Duration::seconds(settings.login_window_secs as i64);

    let (lookup_email, checked) = (email.clone(), throttle.clone());
    let (user, wait) = db
        .read(move |conn| {
            let wait = checked.wait(conn, window)?;
            let user = repo::find_user_by_email(conn, &lookup_email)?;
            Ok::<_, StorageError>((user, wait))
        })
        .await?;
    if wait > 0 {
        record(
            db,
            user.as_ref().map(|u| u.id),
            &email,
            purpose.throttled(),
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
    let known_id = user.as_ref().map(|u| u.id);
    match user.filter(|u| verified && !u.disabled) {
        Some(user) => {
            let (id, hash) = (user.id, client_hash.clone());
            let desks = db
                .write(move |conn| {
                    // Only this client's count is forgiven: the account-wide one keeps counting
                    // a spread-out attack whatever the real editor does.
                    repo::clear_failures(conn, &throttle.pair.0)?;
                    if matches!(purpose, Purpose::SignIn) {
                        repo::record_auth_event(
                            conn,
                            Some(id),
                            &email,
                            "login",
                            hash.as_deref(),
                            now(),
                        )?;
                    }
                    Ok::<_, StorageError>(repo::desks_of(conn, id)?)
                })
                .await?;
            Ok(SignIn::Accepted(Editor::from_row(user, desks)))
        }
        None => {
            db.write(move |conn| {
                let at = now();
                throttle.record_failure(conn, at)?;
                // A failed sign-in names no account (it may not exist); a signed-in editor's
                // failed confirmation is theirs.
                let user_id = known_id.filter(|_| matches!(purpose, Purpose::Confirm));
                repo::record_auth_event(
                    conn,
                    user_id,
                    &email,
                    purpose.failed(),
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

/// After a password change: this session gets a new id (and so a new row, written when the
/// response leaves), the account's other sessions having been deleted.
pub fn keep_this_session(session: &Session) {
    session.renew();
}

/// The sign-in form's cookie: `__Host-` and Secure like the session cookie when
/// `cookie_secure` is on.
pub fn login_cookie_name(settings: &DashboardSettings) -> &'static str {
    if settings.cookie_secure {
        "__Host-desk_login"
    } else {
        "desk_login"
    }
}

fn login_cookie(settings: &DashboardSettings, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build(login_cookie_name(settings), value)
        .path("/")
        .secure(settings.cookie_secure)
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(max_age_secs))
        .finish()
}

/// `nonce.expires.mac`: the nonce is the form's token, the MAC (under the server's secret) makes
/// the cookie impossible to forge, so a token is only good with a cookie this server issued.
fn login_cookie_value(secret: &Secret, nonce: &str, expires: i64) -> String {
    let signed = format!("{nonce}.{expires}");
    let mac = crate::signing::keyed_hex(secret, LOGIN_FORM_PURPOSE, signed.as_bytes());
    format!("{signed}.{mac}")
}

fn login_form_valid(secret: &Secret, cookie: &str, submitted: &str, at: i64) -> bool {
    let mut parts = cookie.split('.');
    let (Some(nonce), Some(expires), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(expires) = expires.parse::<i64>() else {
        return false;
    };
    nonce.len() == 48
        && expires > at
        && crate::signing::tokens_match(&login_cookie_value(secret, nonce, expires), cookie)
        && crate::signing::tokens_match(nonce, submitted)
}

/// A new sign-in form token and the cookie that vouches for it. Nothing is stored: a stranger
/// loading the sign-in page costs the database nothing (the session stays empty until sign-in).
pub fn issue_login_form(
    secret: &Secret,
    settings: &DashboardSettings,
) -> Result<(String, Cookie<'static>), AppError> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("randomness: {e}")))?;
    let nonce = hex::encode(bytes);
    let ttl = settings.login_form_ttl_secs.max(60) as i64;
    let expires = now().and_utc().timestamp() + ttl;
    let cookie = login_cookie(settings, login_cookie_value(secret, &nonce, expires), ttl);
    Ok((nonce, cookie))
}

/// The sign-in form came from our page, in this browser, recently (double-submit, signed).
pub fn check_login_form(
    req: &HttpRequest,
    secret: &Secret,
    settings: &DashboardSettings,
    submitted: &str,
) -> Result<(), AppError> {
    let valid = req.cookie(login_cookie_name(settings)).is_some_and(|c| {
        login_form_valid(secret, c.value(), submitted, now().and_utc().timestamp())
    });
    if valid { Ok(()) } else { Err(form_expired()) }
}

/// Removes the sign-in form's cookie once it has done its work.
pub fn clear_login_cookie(settings: &DashboardSettings) -> Cookie<'static> {
    login_cookie(settings, String::new(), 0)
}

fn form_expired() -> AppError {
    AppError::Forbidden(
        "This form has expired or did not come from this site. Reload the page and try again."
            .into(),
    )
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
        _ => Err(form_expired()),
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

    #[test]
    fn a_wait_is_rounded_up_never_down() {
        let at = now();
        let ms = chrono::Duration::milliseconds;
        assert_eq!(remaining(None, 8, at), 0);
        assert_eq!(remaining(Some(at - ms(300)), 1, at), 1);
        assert_eq!(remaining(Some(at - ms(1000)), 1, at), 0);
        assert_eq!(remaining(Some(at - ms(1500)), 4, at), 3);
    }

    fn settings() -> DashboardSettings {
        DashboardSettings {
            cookie_secure: false,
            idle_timeout_secs: 60,
            absolute_timeout_secs: 600,
            login_free_attempts: 5,
            login_account_free_attempts: 50,
            login_window_secs: 900,
            login_max_delay_secs: 60,
            login_form_ttl_secs: 3600,
            counted_word_matches: 5000,
        }
    }

    #[test]
    fn failures_count_per_account_and_client_per_account_and_per_client() {
        let throttle = Throttle::new(&settings(), "ed@example.com", Some("c1"));
        let keys: Vec<_> = throttle
            .keys()
            .map(|(k, free, _)| (k.as_str(), *free))
            .collect();
        assert_eq!(
            keys,
            [
                ("pair:c1:ed@example.com", 5),
                ("account:ed@example.com", 50),
                ("client:c1", 20)
            ]
        );
        let mut low = settings();
        low.login_account_free_attempts = 1;
        let throttle = Throttle::new(&low, "ed@example.com", None);
        assert_eq!(
            throttle.account.1, 5,
            "the account ceiling is never below a client's"
        );
        assert_eq!(throttle.pair.0, "pair:-:ed@example.com");
        assert!(throttle.client.is_none());
    }

    #[test]
    fn a_sign_in_form_token_needs_its_own_signed_unexpired_cookie() {
        let secret = Secret::new("k1");
        let nonce = "ab".repeat(24);
        let cookie = login_cookie_value(&secret, &nonce, 1000);
        assert!(login_form_valid(&secret, &cookie, &nonce, 999));
        assert!(!login_form_valid(&secret, &cookie, &nonce, 1000), "expired");
        assert!(
            !login_form_valid(&secret, &cookie, &"cd".repeat(24), 999),
            "another token"
        );
        assert!(
            !login_form_valid(&Secret::new("k2"), &cookie, &nonce, 999),
            "another key"
        );
        let later = cookie.replacen(".1000.", ".9000.", 1);
        assert!(
            !login_form_valid(&secret, &later, &nonce, 999),
            "expiry is signed"
        );
        let forged = format!("{nonce}.9000.{}", "0".repeat(32));
        assert!(!login_form_valid(&secret, &forged, &nonce, 999));
        assert!(!login_form_valid(&secret, "", "", 0));
    }
}
