//! Tokens, authorization codes and users.

use super::*;

/// Token kinds: ConnectID client credentials, ConnectID user (authorization code), refresh, S4.
pub mod kind {
    /// ConnectID client-credentials access token.
    pub const CLIENT: &str = "client";
    /// ConnectID user access token.
    pub const USER: &str = "user";
    /// ConnectID refresh token.
    pub const REFRESH: &str = "refresh";
    /// S4 access token.
    pub const S4: &str = "s4";
}

/// A stored token.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// Kind (see [`kind`]).
    pub kind: String,
    /// Owning client.
    pub client_id: String,
    /// The user, for user tokens.
    pub unique_user_id: Option<String>,
    /// Expiry, epoch ms.
    pub expires_ms: i64,
}

/// A stored authorization code.
#[derive(Debug, Clone)]
pub struct CodeRow {
    /// Client the code was issued to.
    pub client_id: String,
    /// Redirect URI it was issued for.
    pub redirect_uri: String,
    /// PKCE code challenge.
    pub challenge: String,
    /// `S256` or `plain`.
    pub method: String,
    /// The logged-in user.
    pub unique_user_id: String,
    /// Expiry, epoch ms.
    pub expires_ms: i64,
}

/// A ConnectID user.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// `uniqueUserId`.
    pub unique_user_id: String,
    /// Whether a password is set.
    pub password_set: bool,
}

impl Store {
    /// Inserts the seed's test users unless they exist.
    pub fn seed_users(&self, users: &[User]) -> rusqlite::Result<()> {
        let conn = self.conn();
        for u in users {
            conn.execute(
                "INSERT OR IGNORE INTO users (unique_user_id, email, phone, password, seeded, created_ms)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![u.unique_user_id, u.email.to_lowercase(), u.phone, u.password, now_ms()],
            )?;
        }
        Ok(())
    }

    /// Stores a token.
    pub fn insert_token(
        &self,
        token: &str,
        kind: &str,
        client_id: &str,
        unique_user_id: Option<&str>,
        expires_ms: i64,
    ) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO tokens (token, kind, client_id, unique_user_id, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token, kind, client_id, unique_user_id, expires_ms],
        )?;
        Ok(())
    }

    /// Looks a token up (expired ones included: the caller tells "expired" from "unknown").
    pub fn token(&self, token: &str) -> rusqlite::Result<Option<TokenRow>> {
        self.conn()
            .query_row(
                "SELECT kind, client_id, unique_user_id, expires_ms FROM tokens WHERE token = ?1",
                params![token],
                |r| {
                    Ok(TokenRow {
                        kind: r.get(0)?,
                        client_id: r.get(1)?,
                        unique_user_id: r.get(2)?,
                        expires_ms: r.get(3)?,
                    })
                },
            )
            .optional()
    }

    /// Stores an authorization code.
    pub fn insert_code(&self, code: &str, row: &CodeRow) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO auth_codes (code, client_id, redirect_uri, challenge, method, unique_user_id, expires_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                code,
                row.client_id,
                row.redirect_uri,
                row.challenge,
                row.method,
                row.unique_user_id,
                row.expires_ms
            ],
        )?;
        Ok(())
    }

    /// Takes (and deletes) an authorization code: codes are single use.
    pub fn take_code(&self, code: &str) -> rusqlite::Result<Option<CodeRow>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT client_id, redirect_uri, challenge, method, unique_user_id, expires_ms
                 FROM auth_codes WHERE code = ?1",
                params![code],
                |r| {
                    Ok(CodeRow {
                        client_id: r.get(0)?,
                        redirect_uri: r.get(1)?,
                        challenge: r.get(2)?,
                        method: r.get(3)?,
                        unique_user_id: r.get(4)?,
                        expires_ms: r.get(5)?,
                    })
                },
            )
            .optional()?;
        conn.execute("DELETE FROM auth_codes WHERE code = ?1", params![code])?;
        Ok(row)
    }

    /// The user with this e-mail and password (login page).
    pub fn login(&self, email: &str, password: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT unique_user_id FROM users WHERE email = ?1 AND password = ?2",
                params![email.trim().to_lowercase(), password],
                |r| r.get(0),
            )
            .optional()
    }

    /// Finds the user with this credential (e-mail or phone) or creates one.
    /// Returns the user and whether it was created now.
    pub fn user_for_credential(&self, credential: &str) -> rusqlite::Result<(UserRow, bool)> {
        let conn = self.conn();
        let is_email = credential.contains('@');
        let normalized = if is_email {
            credential.trim().to_lowercase()
        } else {
            credential.trim().to_string()
        };
        let column = if is_email { "email" } else { "phone" };
        let existing = conn
            .query_row(
                &format!("SELECT unique_user_id, password FROM users WHERE {column} = ?1"),
                params![normalized],
                |r| {
                    Ok(UserRow {
                        unique_user_id: r.get(0)?,
                        password_set: r.get::<_, Option<String>>(1)?.is_some(),
                    })
                },
            )
            .optional()?;
        if let Some(user) = existing {
            return Ok((user, false));
        }
        let id = uuid::Uuid::new_v4().to_string();
        conn.execute(
            &format!(
                "INSERT INTO users (unique_user_id, {column}, password, seeded, created_ms) VALUES (?1, ?2, NULL, 0, ?3)"
            ),
            params![id, normalized, now_ms()],
        )?;
        Ok((
            UserRow {
                unique_user_id: id,
                password_set: false,
            },
            true,
        ))
    }
}
