//! Server-side sessions in our own database, behind actix-session: logging out really ends a
//! session, and any instance can serve any session. Only a hash of the session key is stored, so
//! a copy of the database holds no live session. Each row also names its account (read from the
//! state), so that a password change or a disable can end every session of that account at once.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::storage::schema::sessions;
use crate::storage::{Db, StorageError, now};

#[derive(Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn key_hash(key: &SessionKey) -> String {
    hex::encode(Sha256::digest(key.as_ref().as_bytes()))
}

fn expiry(ttl: &Duration) -> NaiveDateTime {
    now() + chrono::Duration::seconds(ttl.whole_seconds().max(1))
}

fn new_key() -> Result<SessionKey, anyhow::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random session key: {e}"))?;
    SessionKey::try_from(hex::encode(bytes)).map_err(|e| anyhow::anyhow!("{e}"))
}

type State = HashMap<String, String>;

/// The signed-in account of a session state (values are JSON, as actix-session writes them).
fn account_of(state: &State) -> Option<i64> {
    state
        .get(super::auth::USER_ID)
        .and_then(|value| serde_json::from_str::<i64>(value).ok())
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let hash = key_hash(session_key);
        let state: Option<String> = self
            .db
            .read(move |conn| {
                sessions::table
                    .find(&hash)
                    .filter(sessions::expires_at.gt(now()))
                    .select(sessions::state)
                    .first(conn)
                    .optional()
                    .map_err(StorageError::from)
            })
            .await
            .map_err(|e| LoadError::Other(e.into()))?;
        state
            .map(|s| serde_json::from_str(&s).map_err(|e| LoadError::Deserialization(e.into())))
            .transpose()
    }

    async fn save(&self, session_state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let key = new_key().map_err(SaveError::Other)?;
        let user_id = account_of(&session_state);
        let state = serde_json::to_string(&session_state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        let (hash, expires) = (key_hash(&key), expiry(ttl));
        self.db
            .write(move |conn| {
                diesel::insert_into(sessions::table)
                    .values((
                        sessions::key_hash.eq(hash),
                        sessions::state.eq(state),
                        sessions::expires_at.eq(expires),
                        sessions::created_at.eq(now()),
                        sessions::user_id.eq(user_id),
                    ))
                    .execute(conn)
                    .map_err(StorageError::from)
            })
            .await
            .map_err(|e| SaveError::Other(e.into()))?;
        Ok(key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let user_id = account_of(&session_state);
        let state = serde_json::to_string(&session_state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        let (hash, expires) = (key_hash(&session_key), expiry(ttl));
        let updated = self
            .db
            .write(move |conn| {
                diesel::update(sessions::table.find(hash))
                    .set((
                        sessions::state.eq(state),
                        sessions::expires_at.eq(expires),
                        sessions::user_id.eq(user_id),
                    ))
                    .execute(conn)
                    .map_err(StorageError::from)
            })
            .await
            .map_err(|e| UpdateError::Other(e.into()))?;
        if updated != 1 {
            // The session was ended meanwhile (sign-out elsewhere, a password change, expiry) by
            // a request that overlapped this one: it stays ended. The cookie now names no row,
            // so the next request starts afresh.
            tracing::debug!("a session ended while a request was using it");
        }
        Ok(session_key)
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &Duration,
    ) -> Result<(), anyhow::Error> {
        let (hash, expires) = (key_hash(session_key), expiry(ttl));
        self.db
            .write(move |conn| {
                diesel::update(sessions::table.find(hash))
                    .set(sessions::expires_at.eq(expires))
                    .execute(conn)
                    .map_err(StorageError::from)
            })
            .await?;
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let hash = key_hash(session_key);
        self.db
            .write(move |conn| {
                // Expired sessions go too: cheap with the index, and keeps the table small.
                diesel::delete(
                    sessions::table.filter(
                        sessions::key_hash
                            .eq(hash)
                            .or(sessions::expires_at.le(now())),
                    ),
                )
                .execute(conn)
                .map_err(StorageError::from)
            })
            .await?;
        Ok(())
    }
}
