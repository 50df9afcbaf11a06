//! The ledger: the gateway's record of every order it registers.
//!
//! Each later step on an order (complete, assign user, status) is checked against its record: the
//! order token, the lifecycle's state, the credentials allowed to claim it. The record also holds
//! the answer a retried registration replays. Personal data is kept only as hashes (credentials,
//! the order token).
//!
//! Storage sits behind [`OrderStore`] so an engine that survives restarts and serves several
//! gateway instances can replace [`MemoryStore`] without touching the handlers.

mod memory;

pub use memory::MemoryStore;

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
    /// The store is full; nothing was written (a bounded store refuses rather than forget orders
    /// that may still be paid for).
    #[error("the order store is full")]
    Full,
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
    /// Forgets orders registered before `older_than_ms` and vouchers expired before `now_ms`;
    /// returns how many records went.
    async fn prune(&self, older_than_ms: i64, now_ms: i64) -> Result<usize, StoreError>;
}
