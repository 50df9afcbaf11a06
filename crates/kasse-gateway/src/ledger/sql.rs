//! [`OrderStore`] in portable SQL through sqlx's `Any` driver: SQLite for one gateway instance,
//! PostgreSQL for several sharing one ledger. The schema is embedded (`migrations/`) and applied
//! at start.

use kasse_core::lifecycle::{OrderState, Route};
use kasse_core::offer::Backend;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use super::open::{create_private, engine_url, sqlite_file};
use super::{CredentialHash, OrderRecord, OrderStore, Retention, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The engine behind a [`SqlStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// One file, one gateway instance.
    Sqlite,
    /// A server shared by several gateway instances.
    Postgres,
}

/// The ledger in a SQL database.
pub struct SqlStore {
    pub(super) pool: AnyPool,
    engine: Engine,
}

impl SqlStore {
    /// Opens the store at `url` (`sqlite:PATH` or `postgres://…`), creating a SQLite file and the
    /// schema when missing.
    pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
        sqlx::any::install_default_drivers();
        let (engine, url) = engine_url(url)?;
        if let Some(path) = sqlite_file(&url) {
            create_private(path)?;
        }
        let pool = match engine {
            // SQLite takes one writer at a time anyway; one connection keeps every statement in
            // order and never meets SQLITE_BUSY from itself. Kept open for good: an in-memory
            // database lives exactly as long as its connection.
            Engine::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL with synchronous=NORMAL: a commit is in the log before the answer
                        // goes out, so a killed or crashed gateway loses nothing; only a power
                        // cut may lose the last commits (the log is synced at checkpoints), for a
                        // commit that costs microseconds instead of an fsync each.
                        sqlx::query("PRAGMA synchronous = NORMAL").execute(conn).await?;
                        Ok(())
                    })
                }),
            Engine::Postgres => AnyPoolOptions::new().max_connections(16),
        }
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect(&url)
        .await
        .map_err(engine_error)?;
        if engine == Engine::Sqlite {
            // WAL: a commit is one append, and readers of the file (backups) do not block it.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(engine_error)?;
        }
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Engine(e.to_string()))?;
        let store = SqlStore { pool, engine };
        if engine == Engine::Sqlite {
            store.release_dead_leases().await?;
        }
        Ok(store)
    }

    /// Which engine this is.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub(super) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A SQLite file has one gateway instance, so at its start every in-flight attempt belongs to
    /// a process that is gone (killed mid-call): the next retry may lead at once instead of
    /// waiting out the lease.
    async fn release_dead_leases(&self) -> Result<(), StoreError> {
        sqlx::query("UPDATE attempts SET lease_until_ms = 0 WHERE phase = 'in_flight'")
            .execute(&self.pool)
            .await
            .map_err(engine_error)?;
        Ok(())
    }
}

pub(super) fn engine_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate,
        _ => StoreError::Engine(e.to_string()),
    }
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::ConnectId => "connectid",
        Backend::S4 => "s4",
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Engine(format!("a stored order has an unreadable {what}"))
}

fn hash_of(text: &str, what: &str) -> Result<[u8; 32], StoreError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).map_err(|_| corrupt(what))?;
    Ok(out)
}

fn record_of(row: &AnyRow) -> Result<OrderRecord, StoreError> {
    let get = |col: &str| row.try_get::<String, _>(col).map_err(engine_error);
    let backend = match get("backend")?.as_str() {
        "connectid" => Backend::ConnectId,
        "s4" => Backend::S4,
        _ => return Err(corrupt("backend")),
    };
    let credentials = get("credentials")?
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| hash_of(c, "credential"))
        .collect::<Result<Vec<CredentialHash>, _>>()?;
    Ok(OrderRecord {
        backend,
        vendor_order_id: get("vendor_order_id")?,
        offer: get("offer")?,
        method: get("method")?,
        route: serde_json::from_str::<Route>(&get("route")?).map_err(|_| corrupt("route"))?,
        amount_minor: row.try_get("amount_minor").map_err(engine_error)?,
        currency: get("currency")?,
        state: OrderState::parse(&get("state")?).ok_or_else(|| corrupt("state"))?,
        idempotency_key: get("idempotency_key")?,
        body_hash: hash_of(&get("body_hash")?, "body hash")?,
        answer: get("answer")?,
        credentials,
        token_hash: hash_of(&get("token_hash")?, "token hash")?,
        created_ms: row.try_get("created_ms").map_err(engine_error)?,
        updated_ms: row.try_get("updated_ms").map_err(engine_error)?,
    })
}

/// An order's row selected by `$where` (a literal, so every statement is static SQL).
macro_rules! select_order {
    ($where:literal) => {
        concat!(
            "SELECT backend, vendor_order_id, offer, method, route, amount_minor, currency, state, ",
            "idempotency_key, body_hash, answer, credentials, token_hash, created_ms, updated_ms FROM orders WHERE ",
            $where
        )
    };
}

#[async_trait::async_trait]
impl OrderStore for SqlStore {
    async fn insert(&self, r: OrderRecord) -> Result<(), StoreError> {
        let credentials: Vec<String> = r.credentials.iter().map(hex::encode).collect();
        let route = serde_json::to_string(&r.route).map_err(|e| StoreError::Engine(e.to_string()))?;
        sqlx::query(
            "INSERT INTO orders (backend, vendor_order_id, offer, method, route, amount_minor, currency, \
             state, idempotency_key, body_hash, answer, credentials, token_hash, created_ms, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(backend_name(r.backend))
        .bind(r.vendor_order_id)
        .bind(r.offer)
        .bind(r.method)
        .bind(route)
        .bind(r.amount_minor)
        .bind(r.currency)
        .bind(r.state.as_str())
        .bind(r.idempotency_key)
        .bind(hex::encode(r.body_hash))
        .bind(r.answer)
        .bind(credentials.join(","))
        .bind(hex::encode(r.token_hash))
        .bind(r.created_ms)
        .bind(r.updated_ms)
        .execute(&self.pool)
        .await
        .map_err(engine_error)?;
        Ok(())
    }

    async fn find(&self, backend: Backend, vendor_order_id: &str) -> Result<Option<OrderRecord>, StoreError> {
        let row = sqlx::query(select_order!("backend = $1 AND vendor_order_id = $2"))
            .bind(backend_name(backend))
            .bind(vendor_order_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(engine_error)?;
        row.as_ref().map(record_of).transpose()
    }

    async fn find_by_key(&self, backend: Backend, key: &str) -> Result<Option<OrderRecord>, StoreError> {
        let row = sqlx::query(select_order!("backend = $1 AND idempotency_key = $2"))
            .bind(backend_name(backend))
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(engine_error)?;
        row.as_ref().map(record_of).transpose()
    }

    async fn transition(
        &self,
        backend: Backend,
        vendor_order_id: &str,
        from: OrderState,
        to: OrderState,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE orders SET state = $1, updated_ms = $2 \
             WHERE backend = $3 AND vendor_order_id = $4 AND state = $5",
        )
        .bind(to.as_str())
        .bind(now_ms)
        .bind(backend_name(backend))
        .bind(vendor_order_id)
        .bind(from.as_str())
        .execute(&self.pool)
        .await
        .map_err(engine_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn claim_voucher(&self, jti: &str, key: &str, expires_ms: i64) -> Result<bool, StoreError> {
        sqlx::query(
            "INSERT INTO vouchers (jti, attempt_key, expires_ms) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING",
        )
        .bind(jti)
        .bind(key)
        .bind(expires_ms)
        .execute(&self.pool)
        .await
        .map_err(engine_error)?;
        let holder: String = sqlx::query_scalar("SELECT attempt_key FROM vouchers WHERE jti = $1")
            .bind(jti)
            .fetch_one(&self.pool)
            .await
            .map_err(engine_error)?;
        Ok(holder == key)
    }

    async fn release_voucher(&self, jti: &str, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM vouchers WHERE jti = $1 AND attempt_key = $2")
            .bind(jti)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(engine_error)?;
        Ok(())
    }

    async fn prune(&self, retention: Retention, now_ms: i64) -> Result<u64, StoreError> {
        let statements: [(&str, i64); 6] = [
            ("DELETE FROM orders WHERE created_ms < $1", now_ms - retention.orders_ms),
            // Its checks drop a row within a day; this bounds a row whose drop failed.
            (
                "DELETE FROM pending_access WHERE created_ms < $1",
                now_ms - kasse_core::lifecycle::ACCESS_KEPT_MS,
            ),
            (
                // An in-flight row past its lease by as long is abandoned as well.
                "DELETE FROM attempts WHERE created_ms < $1 AND (phase <> 'in_flight' OR lease_until_ms < $1)",
                now_ms - retention.answers_ms,
            ),
            ("DELETE FROM vouchers WHERE expires_ms < $1", now_ms),
            ("DELETE FROM login_states WHERE expires_ms < $1", now_ms),
            ("DELETE FROM sessions WHERE expires_ms < $1", now_ms),
        ];
        let mut gone = 0;
        for (sql, bound) in statements {
            let done = sqlx::query(sql)
                .bind(bound)
                .execute(&self.pool)
                .await
                .map_err(engine_error)?;
            gone += done.rows_affected();
        }
        Ok(gone)
    }

    async fn attempt_begin(
        &self,
        key: &str,
        body_hash: &str,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<bool, StoreError> {
        self.begin_attempt(key, body_hash, now_ms, lease_until_ms).await
    }

    async fn attempt(&self, key: &str) -> Result<Option<super::AttemptRow>, StoreError> {
        self.read_attempt(key).await
    }

    async fn attempt_take_over(
        &self,
        key: &str,
        generation: i64,
        body_hash: &str,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<bool, StoreError> {
        self.take_over_attempt(key, generation, body_hash, now_ms, lease_until_ms)
            .await
    }

    async fn attempt_renew(
        &self,
        key: &str,
        generation: i64,
        lease_until_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.renew_attempt(key, generation, lease_until_ms, now_ms).await
    }

    async fn attempt_finish(
        &self,
        key: &str,
        generation: i64,
        phase: kasse_core::attempt::AttemptPhase,
        answer: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.finish_attempt(key, generation, phase, answer, now_ms).await
    }

    async fn meta_value(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query("INSERT INTO store_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await
            .map_err(engine_error)?;
        sqlx::query_scalar("SELECT value FROM store_meta WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(engine_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls() {
        assert_eq!(
            engine_url("sqlite:/var/lib/kasse/ledger.db").unwrap(),
            (Engine::Sqlite, "sqlite:///var/lib/kasse/ledger.db?mode=rwc".to_string())
        );
        assert_eq!(engine_url("sqlite:ledger.db").unwrap().1, "sqlite://ledger.db?mode=rwc");
        assert_eq!(
            engine_url("postgres://u@127.0.0.1:5432/kasse").unwrap().0,
            Engine::Postgres
        );
        for bad in ["sqlite:", "sqlite:x.db?mode=ro", "mysql://x", "ledger.db"] {
            assert!(engine_url(bad).is_err(), "{bad}");
        }
    }
}
