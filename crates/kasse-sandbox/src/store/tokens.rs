//! Access and refresh tokens of both vendors. Expired tokens stay, so a caller can be told
//! "expired" rather than "unknown".

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

impl Store {
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
}
