//! An [`OrderStore`] in process memory: one gateway instance, forgotten on restart.

use std::collections::HashMap;
use std::sync::Mutex;

use kasse_core::lifecycle::OrderState;
use kasse_core::offer::Backend;

use super::{OrderRecord, OrderStore, StoreError};

#[derive(Default)]
struct Tables {
    orders: HashMap<(Backend, String), OrderRecord>,
    keys: HashMap<(Backend, String), String>,
    vouchers: HashMap<String, (String, i64)>,
}

/// Orders in a map, bounded by a number of records.
pub struct MemoryStore {
    capacity: usize,
    retention_ms: i64,
    tables: Mutex<Tables>,
}

impl MemoryStore {
    /// A store holding at most `capacity` orders (and as many vouchers). When full, it first
    /// forgets orders registered more than `retention_ms` before the one being added.
    pub fn new(capacity: usize, retention_ms: i64) -> MemoryStore {
        MemoryStore {
            capacity,
            retention_ms,
            tables: Mutex::new(Tables::default()),
        }
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        // A panic while holding the lock leaves whole records behind (every write is one insert),
        // so the data is still consistent.
        self.tables.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait::async_trait]
impl OrderStore for MemoryStore {
    async fn insert(&self, record: OrderRecord) -> Result<(), StoreError> {
        let mut t = self.tables();
        let id = (record.backend, record.vendor_order_id.clone());
        let key = (record.backend, record.idempotency_key.clone());
        if t.orders.contains_key(&id) || t.keys.contains_key(&key) {
            return Err(StoreError::Duplicate);
        }
        if t.orders.len() >= self.capacity {
            forget_before(&mut t, record.created_ms - self.retention_ms, record.created_ms);
        }
        if t.orders.len() >= self.capacity {
            return Err(StoreError::Full);
        }
        t.keys.insert(key, record.vendor_order_id.clone());
        t.orders.insert(id, record);
        Ok(())
    }

    async fn find(&self, backend: Backend, vendor_order_id: &str) -> Result<Option<OrderRecord>, StoreError> {
        Ok(self
            .tables()
            .orders
            .get(&(backend, vendor_order_id.to_string()))
            .cloned())
    }

    async fn find_by_key(&self, backend: Backend, key: &str) -> Result<Option<OrderRecord>, StoreError> {
        let t = self.tables();
        let Some(id) = t.keys.get(&(backend, key.to_string())) else {
            return Ok(None);
        };
        Ok(t.orders.get(&(backend, id.clone())).cloned())
    }

    async fn transition(
        &self,
        backend: Backend,
        vendor_order_id: &str,
        from: OrderState,
        to: OrderState,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        match t.orders.get_mut(&(backend, vendor_order_id.to_string())) {
            Some(record) if record.state == from => {
                record.state = to;
                record.updated_ms = now_ms;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn claim_voucher(&self, jti: &str, key: &str, expires_ms: i64) -> Result<bool, StoreError> {
        let mut t = self.tables();
        if let Some((holder, _)) = t.vouchers.get(jti) {
            return Ok(holder == key);
        }
        if t.vouchers.len() >= self.capacity {
            return Err(StoreError::Full);
        }
        t.vouchers.insert(jti.to_string(), (key.to_string(), expires_ms));
        Ok(true)
    }

    async fn prune(&self, older_than_ms: i64, now_ms: i64) -> Result<usize, StoreError> {
        Ok(forget_before(&mut self.tables(), older_than_ms, now_ms))
    }
}

/// Forgets orders registered before `older_than_ms` and vouchers expired before `now_ms`.
fn forget_before(t: &mut Tables, older_than_ms: i64, now_ms: i64) -> usize {
    let before = t.orders.len() + t.vouchers.len();
    t.orders.retain(|_, r| r.created_ms >= older_than_ms);
    let Tables { orders, keys, vouchers } = t;
    keys.retain(|(backend, _), id| orders.contains_key(&(*backend, id.clone())));
    vouchers.retain(|_, (_, expires)| *expires >= now_ms);
    before - (t.orders.len() + t.vouchers.len())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use kasse_core::connectid::Flow;
    use kasse_core::lifecycle::Route;

    /// A record as the gateway writes one for a card order.
    pub(crate) fn card_order(id: &str, key: &str, created_ms: i64) -> OrderRecord {
        OrderRecord {
            backend: Backend::ConnectId,
            vendor_order_id: id.into(),
            offer: "digital-month".into(),
            method: "creditcardPayex".into(),
            route: Route::ConnectIdHosted {
                flow: Flow::OneB,
                assign_user: true,
            },
            amount_minor: 14_900,
            currency: "NOK".into(),
            state: OrderState::AwaitingPayment,
            idempotency_key: key.into(),
            body_hash: [1; 32],
            answer: format!(r#"{{"orderId":{id}}}"#),
            credentials: vec![[2; 32]],
            token_hash: [3; 32],
            created_ms,
            updated_ms: created_ms,
        }
    }

    #[tokio::test]
    async fn records_are_found_by_id_and_key_and_never_twice() {
        let store = MemoryStore::new(10, 1_000_000);
        store.insert(card_order("7", "attempt-7", 1_000)).await.unwrap();
        let by_id = store.find(Backend::ConnectId, "7").await.unwrap().unwrap();
        assert_eq!(by_id, card_order("7", "attempt-7", 1_000));
        assert_eq!(
            store.find_by_key(Backend::ConnectId, "attempt-7").await.unwrap(),
            Some(by_id)
        );
        assert_eq!(store.find(Backend::S4, "7").await.unwrap(), None);
        assert!(matches!(
            store.insert(card_order("7", "attempt-x", 1_000)).await,
            Err(StoreError::Duplicate)
        ));
        assert!(matches!(
            store.insert(card_order("8", "attempt-7", 1_000)).await,
            Err(StoreError::Duplicate)
        ));
    }

    #[tokio::test]
    async fn a_transition_happens_once_from_the_state_it_names() {
        let store = MemoryStore::new(10, 1_000_000);
        store.insert(card_order("7", "attempt-7", 1_000)).await.unwrap();
        let (from, to) = (OrderState::AwaitingPayment, OrderState::Paid);
        assert!(store
            .transition(Backend::ConnectId, "7", from, to, 2_000)
            .await
            .unwrap());
        assert!(!store
            .transition(Backend::ConnectId, "7", from, to, 3_000)
            .await
            .unwrap());
        assert!(!store
            .transition(Backend::ConnectId, "9", from, to, 3_000)
            .await
            .unwrap());
        let record = store.find(Backend::ConnectId, "7").await.unwrap().unwrap();
        assert_eq!((record.state, record.updated_ms), (OrderState::Paid, 2_000));
    }

    #[tokio::test]
    async fn vouchers_are_used_once_and_the_store_is_bounded_and_pruned() {
        let store = MemoryStore::new(2, 1_000_000);
        assert!(store.claim_voucher("jti-1", "attempt-a", 5_000).await.unwrap());
        assert!(
            store.claim_voucher("jti-1", "attempt-a", 5_000).await.unwrap(),
            "a retry of the same attempt"
        );
        assert!(
            !store.claim_voucher("jti-1", "attempt-b", 5_000).await.unwrap(),
            "another attempt"
        );
        store.insert(card_order("1", "attempt-1", 1_000)).await.unwrap();
        store.insert(card_order("2", "attempt-2", 2_000)).await.unwrap();
        assert!(matches!(
            store.insert(card_order("3", "attempt-3", 3_000)).await,
            Err(StoreError::Full)
        ));
        assert_eq!(
            store.prune(1_500, 6_000).await.unwrap(),
            2,
            "order 1 and the expired voucher"
        );
        assert_eq!(store.find_by_key(Backend::ConnectId, "attempt-1").await.unwrap(), None);
        store.insert(card_order("3", "attempt-3", 3_000)).await.unwrap();
        assert!(store.claim_voucher("jti-2", "attempt-c", 9_000).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_store_forgets_orders_past_their_retention_first() {
        let store = MemoryStore::new(2, 10_000);
        store.insert(card_order("1", "attempt-1", 1_000)).await.unwrap();
        store.insert(card_order("2", "attempt-2", 8_000)).await.unwrap();
        assert!(matches!(
            store.insert(card_order("3", "attempt-3", 9_000)).await,
            Err(StoreError::Full)
        ));
        store.insert(card_order("3", "attempt-3", 12_000)).await.unwrap();
        assert_eq!(
            store.find(Backend::ConnectId, "1").await.unwrap(),
            None,
            "past its retention"
        );
        assert!(store.find(Backend::ConnectId, "2").await.unwrap().is_some());
    }
}
