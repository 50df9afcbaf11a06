//! Readers logged in through the gateway: the `state` of each login begun (taken once by the
//! callback) and each session's sealed tokens, in the same database as the orders.

use super::sql::{engine_error, SqlStore};
use super::StoreError;

/// One session as stored: the tokens sealed (see [`crate::login::seal`]), and their times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    /// The reader's ConnectID tokens, sealed.
    pub sealed_tokens: String,
    /// When the access token expires (epoch ms).
    pub access_expires_ms: i64,
    /// When the session ends: its refresh token's end (epoch ms).
    pub expires_ms: i64,
}

/// A login begun: where the reader goes back to, and the PKCE verifier where PKCE is configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginBegun {
    /// The article to return to.
    pub return_url: String,
    /// The PKCE `code_verifier`.
    pub pkce_verifier: Option<String>,
}

/// Where logins and sessions live.
#[async_trait::async_trait]
pub trait SessionStore: Send + Sync + 'static {
    /// Records a login begun with `state_hash`, going back to `return_url`.
    async fn login_begin(&self, state_hash: &str, login: &LoginBegun, expires_ms: i64) -> Result<(), StoreError>;

    /// Takes the login begun with `state_hash` (once: a second take finds nothing), if not expired.
    async fn login_take(&self, state_hash: &str, now_ms: i64) -> Result<Option<LoginBegun>, StoreError>;

    /// Stores (or replaces) session `id_hash`.
    async fn session_put(&self, id_hash: &str, row: &SessionRow, now_ms: i64) -> Result<(), StoreError>;

    /// Session `id_hash`, if it has not ended.
    async fn session_get(&self, id_hash: &str, now_ms: i64) -> Result<Option<SessionRow>, StoreError>;

    /// Ends session `id_hash`.
    async fn session_delete(&self, id_hash: &str) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl SessionStore for SqlStore {
    async fn login_begin(&self, state_hash: &str, login: &LoginBegun, expires_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO login_states (state_hash, return_url, pkce_verifier, expires_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(state_hash)
        .bind(&login.return_url)
        .bind(login.pkce_verifier.as_deref())
        .bind(expires_ms)
        .execute(&self.pool)
        .await
        .map_err(engine_error)?;
        Ok(())
    }

    async fn login_take(&self, state_hash: &str, now_ms: i64) -> Result<Option<LoginBegun>, StoreError> {
        use sqlx::Row;
        let row = sqlx::query("SELECT return_url, pkce_verifier, expires_ms FROM login_states WHERE state_hash = $1")
            .bind(state_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(engine_error)?;
        let Some(row) = row else { return Ok(None) };
        // Whoever deletes the row took it: two callbacks racing with one state get one session.
        let taken = sqlx::query("DELETE FROM login_states WHERE state_hash = $1")
            .bind(state_hash)
            .execute(&self.pool)
            .await
            .map_err(engine_error)?;
        let expires: i64 = row.try_get("expires_ms").map_err(engine_error)?;
        if taken.rows_affected() != 1 || expires < now_ms {
            return Ok(None);
        }
        Ok(Some(LoginBegun {
            return_url: row.try_get("return_url").map_err(engine_error)?,
            pkce_verifier: row.try_get("pkce_verifier").map_err(engine_error)?,
        }))
    }

    async fn session_put(&self, id_hash: &str, row: &SessionRow, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(engine_error)?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, sealed_tokens, access_expires_ms, expires_ms, created_ms, updated_ms)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id_hash)
        .bind(&row.sealed_tokens)
        .bind(row.access_expires_ms)
        .bind(row.expires_ms)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(engine_error)?;
        Ok(())
    }

    async fn session_get(&self, id_hash: &str, now_ms: i64) -> Result<Option<SessionRow>, StoreError> {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT sealed_tokens, access_expires_ms, expires_ms FROM sessions WHERE id_hash = $1 AND expires_ms >= $2",
        )
        .bind(id_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(engine_error)?;
        row.map(|r| {
            Ok(SessionRow {
                sealed_tokens: r.try_get("sealed_tokens").map_err(engine_error)?,
                access_expires_ms: r.try_get("access_expires_ms").map_err(engine_error)?,
                expires_ms: r.try_get("expires_ms").map_err(engine_error)?,
            })
        })
        .transpose()
    }

    async fn session_delete(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(engine_error)?;
        Ok(())
    }
}
