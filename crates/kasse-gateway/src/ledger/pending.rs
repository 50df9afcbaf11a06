//! Orders whose access the gateway gives by itself if the reader's browser never asks (see
//! `kasse_core::lifecycle::access_check`): the credential sealed, and when the next check is due.

use super::sql::{engine_error, SqlStore};
use super::StoreError;

/// One order awaiting its access, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingAccess {
    /// ConnectID's order id.
    pub order_id: String,
    /// The credential the access goes to, sealed for this order.
    pub sealed_credential: String,
    /// Checks taken so far.
    pub checks: i64,
    /// When the order was registered (epoch ms): the checks' schedule counts from here.
    pub created_ms: i64,
}

/// Where orders awaiting their access live.
#[async_trait::async_trait]
pub trait PendingAccessStore: Send + Sync + 'static {
    /// Remembers `row` (checks 0), first due at `next_check_ms`; a second put of the same order
    /// (a replayed registration) keeps the first.
    async fn pending_put(&self, row: &PendingAccess, next_check_ms: i64) -> Result<(), StoreError>;

    /// At most `limit` orders whose next check is due at `now_ms`, the longest waiting first.
    async fn pending_due(&self, now_ms: i64, limit: i64) -> Result<Vec<PendingAccess>, StoreError>;

    /// Takes the check after `row.checks` for this caller and schedules the one after it at
    /// `next_check_ms`: `false` when another instance took it first (it does the check).
    async fn pending_take(&self, row: &PendingAccess, next_check_ms: i64) -> Result<bool, StoreError>;

    /// Forgets order `order_id`'s credential (access given, nothing left to give, checks over).
    async fn pending_drop(&self, order_id: &str) -> Result<(), StoreError>;

    /// Forgets every kept credential (the publisher turned `unasked` off).
    async fn pending_drop_all(&self) -> Result<u64, StoreError>;
}

#[async_trait::async_trait]
impl PendingAccessStore for SqlStore {
    async fn pending_put(&self, row: &PendingAccess, next_check_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO pending_access (order_id, sealed_credential, checks, next_check_ms, created_ms)
             VALUES ($1, $2, 0, $3, $4) ON CONFLICT (order_id) DO NOTHING",
        )
        .bind(&row.order_id)
        .bind(&row.sealed_credential)
        .bind(next_check_ms)
        .bind(row.created_ms)
        .execute(&self.pool)
        .await
        .map_err(engine_error)?;
        Ok(())
    }

    async fn pending_due(&self, now_ms: i64, limit: i64) -> Result<Vec<PendingAccess>, StoreError> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT order_id, sealed_credential, checks, created_ms FROM pending_access
             WHERE next_check_ms <= $1 ORDER BY next_check_ms LIMIT $2",
        )
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(engine_error)?;
        rows.iter()
            .map(|r| {
                Ok(PendingAccess {
                    order_id: r.try_get("order_id").map_err(engine_error)?,
                    sealed_credential: r.try_get("sealed_credential").map_err(engine_error)?,
                    checks: r.try_get("checks").map_err(engine_error)?,
                    created_ms: r.try_get("created_ms").map_err(engine_error)?,
                })
            })
            .collect()
    }

    async fn pending_take(&self, row: &PendingAccess, next_check_ms: i64) -> Result<bool, StoreError> {
        let taken = sqlx::query(
            "UPDATE pending_access SET checks = checks + 1, next_check_ms = $1 WHERE order_id = $2 AND checks = $3",
        )
        .bind(next_check_ms)
        .bind(&row.order_id)
        .bind(row.checks)
        .execute(&self.pool)
        .await
        .map_err(engine_error)?;
        Ok(taken.rows_affected() == 1)
    }

    async fn pending_drop(&self, order_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM pending_access WHERE order_id = $1")
            .bind(order_id)
            .execute(&self.pool)
            .await
            .map_err(engine_error)?;
        Ok(())
    }

    async fn pending_drop_all(&self) -> Result<u64, StoreError> {
        let gone = sqlx::query("DELETE FROM pending_access")
            .execute(&self.pool)
            .await
            .map_err(engine_error)?;
        Ok(gone.rows_affected())
    }
}
