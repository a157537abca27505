//! Editor accounts: roles, passwords (argon2id, the crate's OWASP-level defaults) and API tokens
//! (random, shown once, stored only as a SHA-256 hash).

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;
const TOKEN_PREFIX: &str = "desk_";

/// The 10,000 most common passwords (from Django's list, itself from leaked-password corpora).
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common-passwords.txt").lines().collect());

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "editor" => Some(Self::Editor),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must be at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("this password is on the list of the most common passwords; choose another")]
    Common,
    #[error("could not hash the password: {0}")]
    Hash(String),
}

/// Checks the password policy; the common-password check ignores case.
pub fn check_password_policy(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    if COMMON_PASSWORDS.contains(password)
        || COMMON_PASSWORDS.contains(password.to_lowercase().as_str())
    {
        return Err(PasswordError::Common);
    }
    Ok(())
}

/// Checks the policy, then hashes with argon2id and a random salt (a PHC string).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    check_password_policy(password)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new random secret: 160 bits, hex.
fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(hex::encode(buf))
}

/// A password for generated accounts (CLI and demo data): 24 hex characters.
pub fn generate_password() -> Result<String, getrandom::Error> {
    random_hex(12)
}

/// A new API token, as shown once to its owner.
pub fn generate_token() -> Result<String, getrandom::Error> {
    Ok(format!("{TOKEN_PREFIX}{}", random_hex(20)?))
}

/// What we store of a token. Tokens are long and random, so a fast hash is safe here.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_refuses_short_long_and_common_passwords() {
        assert_eq!(check_password_policy("short"), Err(PasswordError::TooShort));
        assert_eq!(
            check_password_policy(&"x".repeat(129)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            check_password_policy("1qaz2wsx3edc"),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_password_policy("Q1W2E3R4T5Y6"),
            Err(PasswordError::Common)
        );
        assert!(check_password_policy("correct horse battery staple").is_ok());
        assert!(COMMON_PASSWORDS.len() >= 10_000);
    }

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash_password("correct horse battery staple").expect("hash");
        let b = hash_password("correct horse battery staple").expect("hash");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "a random salt per hash");
        assert!(verify_password("correct horse battery staple", &a));
        assert!(!verify_password("correct horse battery stapler", &a));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let token = generate_token().expect("token");
        assert!(token.starts_with("desk_") && token.len() == 45);
        assert_ne!(token, generate_token().expect("token"));
        assert_eq!(token_hash(&token).len(), 64);
        assert!(!token_hash(&token).contains(&token[5..]));
    }
}
