//! The editors' side: accounts, API tokens and the editor API. (The HTML dashboard builds on the
//! same service functions.)

pub mod accounts;
pub mod api;
pub mod auth;
pub mod contact;
pub mod entry;
pub mod export;
pub mod filters;
pub mod http;
pub mod pages;
pub mod password;
pub mod repo;
pub mod sessions;

use accounts::{PasswordError, Role};
use repo::UserRow;

use crate::routing::Routing;
use crate::storage::{Db, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0:?} is not a valid email address")]
    InvalidEmail(String),
    #[error("a user with the email {0} already exists")]
    Exists(String),
    #[error("no user has the email {0}")]
    NoSuchUser(String),
    #[error("no desk is called {0:?} (see the routing file)")]
    NoSuchDesk(String),
    #[error("no token has the id {0}, or it was already revoked")]
    NoSuchToken(i64),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("the system random number generator failed")]
    Randomness,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for AccountError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Storage(StorageError::Query(error))
    }
}

/// A signed-in editor, as handlers and services see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub desk_ids: Vec<i64>,
}

impl Editor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Need to know: reporters' contact details are for the editors of the report's desk and
    /// for admins. A report on no desk is for admins only.
    pub fn may_see_contact(&self, desk_id: Option<i64>) -> bool {
        self.is_admin() || desk_id.is_some_and(|desk| self.desk_ids.contains(&desk))
    }

    /// How events name this editor.
    pub fn actor(&self) -> String {
        format!("editor:{}", self.email)
    }

    fn from_row(row: UserRow, desk_ids: Vec<i64>) -> Self {
        Self {
            id: row.id,
            role: Role::parse(&row.role).unwrap_or(Role::Editor),
            email: row.email,
            display_name: row.display_name,
            desk_ids,
        }
    }
}

fn normalize_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    if email.parse::<lettre::Address>().is_err() {
        return Err(AccountError::InvalidEmail(email));
    }
    Ok(email)
}

/// Creates an account, member of the named desks.
pub fn create_user(
    db: &Db,
    routing: &Routing,
    email: &str,
    display_name: &str,
    role: Role,
    password: &str,
    desks: &[String],
) -> Result<Editor, AccountError> {
    let email = normalize_email(email)?;
    let desk_ids = desks
        .iter()
        .map(|slug| {
            routing
                .desk_id(slug)
                .ok_or_else(|| AccountError::NoSuchDesk(slug.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let hash = accounts::hash_password(password)?;
    let now = crate::storage::now();
    db.write_blocking(|conn| {
        if repo::find_user_by_email(conn, &email)?.is_some() {
            return Err(AccountError::Exists(email.clone()));
        }
        let user = repo::insert_user(conn, &email, display_name.trim(), role.as_str(), &hash, now)?;
        for desk in &desk_ids {
            repo::add_membership(conn, user.id, *desk)?;
        }
        Ok(Editor::from_row(user, desk_ids.clone()))
    })
}

fn user_id(db: &Db, email: &str) -> Result<i64, AccountError> {
    let email = normalize_email(email)?;
    db.write_blocking(|conn| {
        repo::find_user_by_email(conn, &email)?
            .map(|u| u.id)
            .ok_or_else(|| AccountError::NoSuchUser(email.clone()))
    })
}

/// What ending an account's access undid: sessions ended, tokens revoked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ended {
    pub sessions: usize,
    pub tokens: usize,
}

/// Ends every session of the account and revokes every token, recording `kind`; in the caller's
/// transaction, with whatever change made them stale.
fn end_access(
    conn: &mut crate::storage::DbConn,
    id: i64,
    email: &str,
    kind: &str,
    client_hash: Option<&str>,
) -> Result<Ended, AccountError> {
    let now = crate::storage::now();
    let ended = Ended {
        sessions: repo::delete_sessions_of(conn, id, now)?,
        tokens: repo::revoke_tokens_of(conn, id, now)?,
    };
    repo::record_auth_event(conn, Some(id), email, kind, client_hash, now)?;
    Ok(ended)
}

/// An operator sets a new password (CLI): every session of the account ends, every token is
/// revoked (whoever held the old password may hold those too).
pub fn change_password(db: &Db, email: &str, password: &str) -> Result<Ended, AccountError> {
    let id = user_id(db, email)?;
    let email = normalize_email(email)?;
    let hash = accounts::hash_password(password)?;
    db.write_blocking(|conn| {
        repo::set_password(conn, id, &hash)?;
        end_access(conn, id, &email, "password_set_by_operator", None)
    })
}

/// Disables an account: it can no longer sign in, its sessions end and its tokens are revoked.
pub fn disable_user(db: &Db, email: &str) -> Result<Ended, AccountError> {
    let id = user_id(db, email)?;
    let email = normalize_email(email)?;
    db.write_blocking(|conn| {
        repo::set_disabled(conn, id, true)?;
        end_access(conn, id, &email, "account_disabled", None)
    })
}

/// A signed-in editor changed their own password (already checked): every session of the
/// account ends and its tokens are revoked; the caller keeps its own session with
/// [`auth::keep_this_session`].
pub async fn change_own_password(
    db: &Db,
    editor: &Editor,
    new_password: String,
    client_hash: Option<String>,
) -> Result<Ended, AccountError> {
    let hash = tokio::task::spawn_blocking(move || accounts::hash_password(&new_password))
        .await
        .map_err(|_| StorageError::Cancelled)??;
    let (id, email) = (editor.id, editor.email.clone());
    db.write(move |conn| {
        repo::set_password(conn, id, &hash)?;
        end_access(conn, id, &email, "password_changed", client_hash.as_deref())
    })
    .await
}

/// Creates an API token for the user; returns its id and the token, which is shown only now.
pub fn create_token(db: &Db, email: &str, name: &str) -> Result<(i64, String), AccountError> {
    let id = user_id(db, email)?;
    let token = accounts::generate_token().map_err(|_| AccountError::Randomness)?;
    let hash = accounts::token_hash(&token);
    let now = crate::storage::now();
    let token_id = db.write_blocking(|conn| {
        repo::insert_token(conn, id, name, &hash, now).map_err(AccountError::from)
    })?;
    Ok((token_id, token))
}

pub fn revoke_token(db: &Db, token_id: i64) -> Result<(), AccountError> {
    let now = crate::storage::now();
    if db.write_blocking(|conn| {
        repo::revoke_token(conn, token_id, now).map_err(AccountError::from)
    })? {
        Ok(())
    } else {
        Err(AccountError::NoSuchToken(token_id))
    }
}

/// The editor behind a bearer token, if the token is live and the account enabled.
pub async fn authenticate_token(db: &Db, token: String) -> Result<Option<Editor>, StorageError> {
    let hash = accounts::token_hash(&token);
    db.write(move |conn| {
        let Some((token_id, user)) = repo::user_for_token(conn, &hash)? else {
            return Ok(None);
        };
        repo::touch_token(conn, token_id, crate::storage::now())?;
        let desks = repo::desks_of(conn, user.id)?;
        Ok(Some(Editor::from_row(user, desks)))
    })
    .await
}

/// An account by email, for assignment.
pub async fn find_editor(db: &Db, email: String) -> Result<Option<Editor>, StorageError> {
    db.read(move |conn| {
        let Some(user) = repo::find_user_by_email(conn, &email.trim().to_lowercase())? else {
            return Ok(None);
        };
        if user.disabled {
            return Ok(None);
        }
        let desks = repo::desks_of(conn, user.id)?;
        Ok(Some(Editor::from_row(user, desks)))
    })
    .await
}

pub async fn find_editor_by_id(db: &Db, id: i64) -> Result<Option<Editor>, StorageError> {
    db.read(move |conn| {
        let Some(user) = repo::find_user(conn, id)?.filter(|u| !u.disabled) else {
            return Ok(None);
        };
        let desks = repo::desks_of(conn, user.id)?;
        Ok(Some(Editor::from_row(user, desks)))
    })
    .await
}

/// Every account: `(editor, disabled)`, by display name. For assignment choices and exports.
pub async fn roster(db: &Db) -> Result<Vec<(Editor, bool)>, StorageError> {
    db.read(|conn| {
        Ok(repo::all_users_with_desks(conn)?
            .into_iter()
            .map(|(user, desks)| {
                let disabled = user.disabled;
                (Editor::from_row(user, desks), disabled)
            })
            .collect())
    })
    .await
}
