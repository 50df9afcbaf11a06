//! Authorization codes of the login page: single use, bound to a client, a redirect URI and a PKCE
//! challenge.

use super::*;

/// A stored authorization code.
#[derive(Debug, Clone)]
pub struct CodeRow {
    /// Client the code was issued to.
    pub client_id: String,
    /// Redirect URI it was issued for.
    pub redirect_uri: String,
    /// PKCE code challenge; empty when the client sent none (then the exchange needs the secret).
    pub challenge: String,
    /// `S256` or `plain`.
    pub method: String,
    /// The logged-in user.
    pub unique_user_id: String,
    /// Expiry, epoch ms.
    pub expires_ms: i64,
}

impl Store {
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
}
