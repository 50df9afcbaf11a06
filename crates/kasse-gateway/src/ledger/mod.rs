//! The ledger: the gateway's record of every order it registers.
//!
//! Each later step on an order (complete, assign user, status) is checked against its record: the
//! order token, the lifecycle's state, the credentials allowed to claim it. The record also holds
//! the answer a retried registration replays. Personal data is kept only as hashes (credentials,
//! the order token); the one exception, a credential kept sealed until the gateway gives the
//! access it was bought for, is [`PendingAccessStore`]'s.
//!
//! Storage sits behind [`OrderStore`], with one implementation in portable SQL ([`SqlStore`]) on
//! two engines: SQLite (one gateway instance, the default) and PostgreSQL (several instances
//! sharing one ledger). The same trait holds the attempt keys' rows ([`AttemptRow`]) that make
//! order creation idempotent across instances and restarts (see [`crate::idempotency`]).

mod attempts;
mod open;
mod pending;
mod sessions;
mod sql;

pub use pending::{PendingAccess, PendingAccessStore};
pub use sessions::{LoginBegun, SessionRow, SessionStore};
pub use sql::SqlStore;

use kasse_core::attempt::AttemptPhase;
use kasse_core::lifecycle::{OrderState, Route};
use kasse_core::offer::Backend;

use crate::order_token::TokenHash;

/// SHA-256 of a normalised credential (e-mail or phone) allowed to claim an order.
pub type CredentialHash = [u8; 32];

/// What the gateway knows of one order it registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    /// The vendor the order is registered with.
    pub backend: Backend,
    /// The vendor's order id (ConnectID's number as text, S4's GUID in lower case).
    pub vendor_order_id: String,
    /// The catalog's offer id.
    pub offer: String,
    /// The payment method's wire name.
    pub method: String,
    /// How the order is paid and gives access.
    pub route: Route,
    /// The order's amount, minor units.
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Where the order stands.
    pub state: OrderState,
    /// The widget's attempt id (`externalOrderId` for ConnectID).
    pub idempotency_key: String,
    /// SHA-256 of the registration request's canonical form.
    pub body_hash: [u8; 32],
    /// The registration's answer, JSON, replayed to a retry (without the order token).
    pub answer: String,
    /// Hashes of the credentials that may claim the order (assign user).
    pub credentials: Vec<CredentialHash>,
    /// SHA-256 of the order token.
    pub token_hash: TokenHash,
    /// When the order was registered, milliseconds since the epoch.
    pub created_ms: i64,
    /// When the record last changed.
    pub updated_ms: i64,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An order with this vendor id or idempotency key is recorded already.
    #[error("an order with this id or key is recorded already")]
    Duplicate,
    /// Another request held the key longer than its lease allows; try again.
    #[error("the attempt is still being worked on")]
    Busy,
    /// The engine failed.
    #[error("the order store failed: {0}")]
    Engine(String),
}

/// Where order records live.
#[async_trait::async_trait]
pub trait OrderStore: Send + Sync + 'static {
    /// Records a newly registered order.
    async fn insert(&self, record: OrderRecord) -> Result<(), StoreError>;
    /// The record of a vendor order, if this gateway registered it.
    async fn find(&self, backend: Backend, vendor_order_id: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// The record registered under an idempotency key.
    async fn find_by_key(&self, backend: Backend, key: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// Moves an order from `from` to `to`; `false` when it was no longer in `from` (another
    /// request moved it first), so two racing requests cannot both act on one state.
    async fn transition(
        &self,
        backend: Backend,
        vendor_order_id: &str,
        from: OrderState,
        to: OrderState,
        now_ms: i64,
    ) -> Result<bool, StoreError>;
    /// Records that the order attempt `key` pays with the prepayment voucher `jti`; `false` when
    /// another attempt used it before (the same attempt, retried, may claim it again).
    async fn claim_voucher(&self, jti: &str, key: &str, expires_ms: i64) -> Result<bool, StoreError>;
    /// Frees voucher `jti` from attempt `key` (the vendor refused that attempt's order, so nothing
    /// was bought with it); another attempt may then use it.
    async fn release_voucher(&self, jti: &str, key: &str) -> Result<(), StoreError>;
    /// Forgets what is past its time at `now_ms`: orders registered more than `retention.orders_ms`
    /// ago, attempt answers older than `retention.answers_ms`, expired vouchers. Returns how many
    /// rows went.
    async fn prune(&self, retention: Retention, now_ms: i64) -> Result<u64, StoreError>;

    /// Starts attempt `key` as its first leader (generation 0), unless the key has a row already:
    /// `false` then.
    async fn attempt_begin(
        &self,
        key: &str,
        body_hash: &str,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<bool, StoreError>;
    /// The row of attempt `key`.
    async fn attempt(&self, key: &str) -> Result<Option<AttemptRow>, StoreError>;
    /// Makes the caller the leader of generation `generation + 1` for a request hashing to
    /// `body_hash`, if the row is still at `generation`: `false` when another request was first.
    async fn attempt_take_over(
        &self,
        key: &str,
        generation: i64,
        body_hash: &str,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<bool, StoreError>;
    /// Extends the lease of the in-flight leader of `generation` to `lease_until_ms`; `false`
    /// when the key has another leader by now (or an answer), so the caller must not go on.
    async fn attempt_renew(
        &self,
        key: &str,
        generation: i64,
        lease_until_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError>;
    /// Records the leader's answer (`None`: it gave up without one) and the phase it leaves the
    /// key in; `false` when the row has another leader by now.
    async fn attempt_finish(
        &self,
        key: &str,
        generation: i64,
        phase: AttemptPhase,
        answer: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError>;
    /// The store's value `name`, set to `candidate` if it had none (the first writer wins, on
    /// every instance).
    async fn meta_value(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}

/// Now, milliseconds since the epoch (the ledger's clock).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// How long what the store keeps is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Order records: at least as long as a reader may come back from a payment or a publisher
    /// may ask about an order.
    pub orders_ms: i64,
    /// Replay answers of attempt keys.
    pub answers_ms: i64,
}

/// The row of one attempt key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptRow {
    /// Hex SHA-256 of the canonical request the key was (last) led with.
    pub body_hash: String,
    /// The current leader's generation.
    pub generation: i64,
    /// Where the attempt stands.
    pub phase: AttemptPhase,
    /// Until when the in-flight leader may work.
    pub lease_until_ms: i64,
    /// The recorded answer, JSON.
    pub answer: Option<String>,
    /// When the current leader started.
    pub created_ms: i64,
}
