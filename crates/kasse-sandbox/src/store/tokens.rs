//! Access and refresh tokens of both vendors. Expired tokens stay, so a caller can be told
//! "expired" rather than "unknown". A revoked token is removed with every token of its login.

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

impl Store {
    /// Stores a user token with the login (grant) it belongs to: the access and refresh tokens of
    /// one authorization code, and every pair refreshed from them, share a grant, so revoking any
    /// of them ends the whole login.
    pub fn insert_grant_token(&self, token: &str, grant_id: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO token_grants (token, grant_id) VALUES (?1, ?2)",
            params![token, grant_id],
        )?;
        Ok(())
    }

    /// The grant of a token, if it has one (client tokens have none).
    pub fn grant_of(&self, token: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT grant_id FROM token_grants WHERE token = ?1",
                params![token],
                |r| r.get(0),
            )
            .optional()
    }

    /// Revokes a token and every token of its grant; returns how many tokens were removed.
    /// Removed, not flagged: a revoked token is then unknown, which every endpoint already refuses.
    pub fn revoke(&self, token: &str) -> rusqlite::Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let grant: Option<String> = tx
            .query_row(
                "SELECT grant_id FROM token_grants WHERE token = ?1",
                params![token],
                |r| r.get(0),
            )
            .optional()?;
        let removed = match grant {
            Some(g) => {
                let n = tx.execute(
                    "DELETE FROM tokens WHERE token IN (SELECT token FROM token_grants WHERE grant_id = ?1)",
                    params![g],
                )?;
                tx.execute("DELETE FROM token_grants WHERE grant_id = ?1", params![g])?;
                n
            }
            None => tx.execute("DELETE FROM tokens WHERE token = ?1", params![token])?,
        };
        tx.commit()?;
        Ok(removed)
    }
}
