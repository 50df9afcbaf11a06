//! The attempt keys' rows in SQL. Each write is one statement conditioned on the row's
//! generation, so two requests (or two gateway instances) racing on one key cannot both lead.

use kasse_core::attempt::AttemptPhase;
use sqlx::Row;

use super::sql::{engine_error, SqlStore};
use super::{AttemptRow, StoreError};

impl SqlStore {
    pub(super) async fn begin_attempt(
        &self,
        key: &str,
        body_hash: &str,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO attempts (attempt_key, body_hash, generation, phase, lease_until_ms, answer, \
             created_ms, updated_ms) VALUES ($1, $2, 0, 'in_flight', $3, NULL, $4, $4) \
             ON CONFLICT (attempt_key) DO NOTHING",
        )
        .bind(key)
        .bind(body_hash)
        .bind(lease_until_ms)
        .bind(now_ms)
        .execute(self.pool())
        .await
        .map_err(engine_error)?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn read_attempt(&self, key: &str) -> Result<Option<AttemptRow>, StoreError> {
        let row = sqlx::query(
            "SELECT body_hash, generation, phase, lease_until_ms, answer, created_ms FROM attempts \
             WHERE attempt_key = $1",
        )
        .bind(key)
        .fetch_optional(self.pool())
        .await
        .map_err(engine_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let phase: String = row.try_get("phase").map_err(engine_error)?;
        Ok(Some(AttemptRow {
            body_hash: row.try_get("body_hash").map_err(engine_error)?,
            generation: row.try_get("generation").map_err(engine_error)?,
            phase: AttemptPhase::parse(&phase)
                .ok_or_else(|| StoreError::Engine("an attempt has an unreadable phase".into()))?,
            lease_until_ms: row.try_get("lease_until_ms").map_err(engine_error)?,
            answer: row.try_get("answer").map_err(engine_error)?,
            created_ms: row.try_get("created_ms").map_err(engine_error)?,
        }))
    }

    pub(super) async fn take_over_attempt(
        &self,
        key: &str,
        generation: i64,
        body_hash: &str,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE attempts SET generation = generation + 1, phase = 'in_flight', body_hash = $1, \
             lease_until_ms = $2, answer = NULL, created_ms = $3, updated_ms = $3 \
             WHERE attempt_key = $4 AND generation = $5",
        )
        .bind(body_hash)
        .bind(lease_until_ms)
        .bind(now_ms)
        .bind(key)
        .bind(generation)
        .execute(self.pool())
        .await
        .map_err(engine_error)?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn renew_attempt(
        &self,
        key: &str,
        generation: i64,
        lease_until_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE attempts SET lease_until_ms = $1, updated_ms = $2 \
             WHERE attempt_key = $3 AND generation = $4 AND phase = 'in_flight'",
        )
        .bind(lease_until_ms)
        .bind(now_ms)
        .bind(key)
        .bind(generation)
        .execute(self.pool())
        .await
        .map_err(engine_error)?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn finish_attempt(
        &self,
        key: &str,
        generation: i64,
        phase: AttemptPhase,
        answer: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE attempts SET phase = $1, answer = $2, lease_until_ms = 0, updated_ms = $3 \
             WHERE attempt_key = $4 AND generation = $5",
        )
        .bind(phase.as_str())
        .bind(answer)
        .bind(now_ms)
        .bind(key)
        .bind(generation)
        .execute(self.pool())
        .await
        .map_err(engine_error)?;
        Ok(done.rows_affected() == 1)
    }
}
