//! Idempotent order creation keyed by `externalOrderId`.
//!
//! The widget makes one `externalOrderId` per checkout attempt and resends the same body when a
//! request failed or the reader double-clicked. The first request with a key is the *leader*: it
//! forwards upstream. A request with the same key and the same body either waits for the leader's
//! answer (while it is in flight) or gets the stored answer (afterwards) — never a second upstream
//! call. The same key with a different body is a conflict (409).
//!
//! Final answers (success, 4xx refusals) are kept for the TTL and replayed. Answers a retry can
//! change (429, 5xx, timeouts) are handed to the requests already waiting and then forgotten, so
//! the next retry goes upstream again; the vendor deduplicates on `externalOrderId` too, which
//! covers an order stored upstream whose answer was lost on the way back.
//!
//! The store is in process memory. A deployment with more than one gateway instance needs a shared
//! store (Redis, a database row per key) instead, or sticky routing by key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::sync::watch;

/// SHA-256 of a request's canonical form.
pub type BodyHash = [u8; 32];

/// Hashes a JSON value with object keys sorted at every level, so the same order written with
/// its keys in another order is the same request.
pub fn canonical_hash(parts: &[&serde_json::Value]) -> BodyHash {
    let mut h = Sha256::new();
    for part in parts {
        write_canonical(part, &mut h);
        h.update([0xff]);
    }
    h.finalize().into()
}

fn write_canonical(v: &serde_json::Value, h: &mut Sha256) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            h.update(b"{");
            for k in keys {
                h.update(serde_json::to_string(k).unwrap_or_default().as_bytes());
                h.update(b":");
                write_canonical(&map[k], h);
                h.update(b",");
            }
            h.update(b"}");
        }
        Value::Array(items) => {
            h.update(b"[");
            for item in items {
                write_canonical(item, h);
                h.update(b",");
            }
            h.update(b"]");
        }
        other => h.update(other.to_string().as_bytes()),
    }
}

struct Entry<T> {
    hash: BodyHash,
    created: Instant,
    generation: u64,
    rx: watch::Receiver<Option<T>>,
}

struct Inner<T> {
    map: HashMap<String, Entry<T>>,
    next_generation: u64,
    last_purge: Instant,
}

/// The in-memory idempotency store. Cheap to clone (shared).
pub struct IdempotencyStore<T> {
    ttl: Duration,
    capacity: usize,
    inner: Arc<Mutex<Inner<T>>>,
}

/// Keys held at most by default: a day of a large publisher's checkouts, a few MB.
pub const DEFAULT_CAPACITY: usize = 100_000;

impl<T> Clone for IdempotencyStore<T> {
    fn clone(&self) -> Self {
        IdempotencyStore {
            ttl: self.ttl,
            capacity: self.capacity,
            inner: self.inner.clone(),
        }
    }
}

/// What a request with a key may do.
pub enum Claim<T> {
    /// First with this key: forward, then [`Leader::finish`].
    Leader(Leader<T>),
    /// Same key, same body, answered before (or by the leader just now): send this.
    Replay(T),
    /// Same key, different body.
    Conflict,
}

/// The right (and duty) to answer for a key. Dropped without [`Leader::finish`] (a panic, a
/// cancelled task), the key is released and waiting requests try again.
pub struct Leader<T> {
    inner: Arc<Mutex<Inner<T>>>,
    key: String,
    generation: u64,
    tx: Option<watch::Sender<Option<T>>>,
}

impl<T> Leader<T> {
    /// Publishes the answer to waiting requests; keeps it for replay when `keep` (a final answer)
    /// or forgets the key (a retryable failure) so the next attempt goes upstream.
    pub fn finish(mut self, answer: T, keep: bool) {
        if let Some(tx) = self.tx.take() {
            // Waiters hold receivers; send_replace works even when none are waiting.
            tx.send_replace(Some(answer));
        }
        if !keep {
            self.release();
        }
    }

    fn release(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner
            .map
            .get(&self.key)
            .is_some_and(|e| e.generation == self.generation)
        {
            inner.map.remove(&self.key);
        }
    }
}

impl<T> Drop for Leader<T> {
    fn drop(&mut self) {
        if self.tx.is_some() {
            // Unfinished: drop the sender first so waiters wake up with an error and retry.
            self.tx = None;
            self.release();
        }
    }
}

impl<T: Clone + Send + Sync + 'static> IdempotencyStore<T> {
    /// A store that keeps final answers for `ttl`, at most [`DEFAULT_CAPACITY`] keys.
    pub fn new(ttl: Duration) -> IdempotencyStore<T> {
        IdempotencyStore::with_capacity(ttl, DEFAULT_CAPACITY)
    }

    /// A store that keeps final answers for `ttl`, at most `capacity` keys. When full, the oldest
    /// answered key is forgotten first: a retry of it then reaches the vendor, which deduplicates
    /// on the same key.
    pub fn with_capacity(ttl: Duration, capacity: usize) -> IdempotencyStore<T> {
        IdempotencyStore {
            ttl,
            capacity,
            inner: Arc::new(Mutex::new(Inner {
                map: HashMap::new(),
                next_generation: 0,
                last_purge: Instant::now(),
            })),
        }
    }

    /// Number of keys held (in flight or answered).
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).map.len()
    }

    /// True when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Claims `key` for a request whose canonical body hashes to `hash`.
    pub async fn claim(&self, key: &str, hash: BodyHash) -> Claim<T> {
        loop {
            let mut rx = {
                let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                self.purge(&mut inner, now);
                let expired = inner
                    .map
                    .get(key)
                    .is_some_and(|e| now.duration_since(e.created) > self.ttl && e.rx.borrow().is_some());
                if expired {
                    inner.map.remove(key);
                }
                match inner.map.get(key) {
                    Some(e) if e.hash != hash => return Claim::Conflict,
                    Some(e) => e.rx.clone(),
                    None => {
                        if inner.map.len() >= self.capacity {
                            forget_oldest_answer(&mut inner.map);
                        }
                        let (tx, rx) = watch::channel(None);
                        let generation = inner.next_generation;
                        inner.next_generation += 1;
                        inner.map.insert(
                            key.to_owned(),
                            Entry {
                                hash,
                                created: now,
                                generation,
                                rx,
                            },
                        );
                        return Claim::Leader(Leader {
                            inner: self.inner.clone(),
                            key: key.to_owned(),
                            generation,
                            tx: Some(tx),
                        });
                    }
                }
            };
            let answer = rx.wait_for(Option::is_some).await.map(|a| a.clone());
            match answer {
                Ok(Some(a)) => return Claim::Replay(a),
                // The leader went away without an answer; the key was released: try again.
                _ => continue,
            }
        }
    }

    /// Drops answered entries older than the TTL, at most once a minute (each call is O(n)).
    fn purge(&self, inner: &mut Inner<T>, now: Instant) {
        if now.duration_since(inner.last_purge) < Duration::from_secs(60) {
            return;
        }
        inner.last_purge = now;
        let ttl = self.ttl;
        inner
            .map
            .retain(|_, e| e.rx.borrow().is_none() || now.duration_since(e.created) <= ttl);
    }
}

/// Removes the answered entry created first (in-flight ones have waiters and stay).
fn forget_oldest_answer<T>(map: &mut HashMap<String, Entry<T>>) {
    let oldest = map
        .iter()
        .filter(|(_, e)| e.rx.borrow().is_some())
        .min_by_key(|(_, e)| e.created)
        .map(|(k, _)| k.clone());
    if let Some(key) = oldest {
        map.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn canonical_hash_ignores_key_order_but_not_values() {
        let a = json!({"a": 1, "b": {"x": [1, 2], "y": "z"}});
        let b = json!({"b": {"y": "z", "x": [1, 2]}, "a": 1});
        let c = json!({"b": {"y": "z", "x": [2, 1]}, "a": 1});
        assert_eq!(canonical_hash(&[&a]), canonical_hash(&[&b]));
        assert_ne!(canonical_hash(&[&a]), canonical_hash(&[&c]));
        assert_ne!(canonical_hash(&[&json!("x"), &a]), canonical_hash(&[&json!("y"), &a]));
    }

    #[tokio::test]
    async fn replays_final_answers_and_refuses_other_bodies() {
        let store: IdempotencyStore<u32> = IdempotencyStore::new(Duration::from_secs(60));
        let Claim::Leader(l) = store.claim("k", [1; 32]).await else {
            panic!("first is leader")
        };
        l.finish(7, true);
        assert!(matches!(store.claim("k", [1; 32]).await, Claim::Replay(7)));
        assert!(matches!(store.claim("k", [2; 32]).await, Claim::Conflict));
    }

    #[tokio::test]
    async fn a_full_store_forgets_its_oldest_answer_and_keeps_keys_in_flight() {
        let store: IdempotencyStore<u32> = IdempotencyStore::with_capacity(Duration::from_secs(60), 2);
        let Claim::Leader(in_flight) = store.claim("a", [1; 32]).await else {
            panic!()
        };
        let Claim::Leader(l) = store.claim("b", [1; 32]).await else {
            panic!()
        };
        l.finish(2, true);
        let Claim::Leader(l) = store.claim("c", [1; 32]).await else {
            panic!("room was made")
        };
        l.finish(3, true);
        assert_eq!(store.len(), 2);
        assert!(
            matches!(store.claim("b", [1; 32]).await, Claim::Leader(_)),
            "b was forgotten"
        );
        in_flight.finish(1, true);
    }

    #[tokio::test]
    async fn retryable_answers_are_shared_then_forgotten() {
        let store: IdempotencyStore<u32> = IdempotencyStore::new(Duration::from_secs(60));
        let Claim::Leader(l) = store.claim("k", [1; 32]).await else {
            panic!()
        };
        let s2 = store.clone();
        let waiter = tokio::spawn(async move { s2.claim("k", [1; 32]).await });
        tokio::task::yield_now().await;
        l.finish(500, false);
        assert!(matches!(waiter.await.unwrap(), Claim::Replay(500)));
        assert!(matches!(store.claim("k", [1; 32]).await, Claim::Leader(_)));
    }

    #[tokio::test]
    async fn concurrent_duplicates_elect_one_leader() {
        let store: IdempotencyStore<usize> = IdempotencyStore::new(Duration::from_secs(60));
        let forwards = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let store = store.clone();
            let forwards = forwards.clone();
            tasks.push(tokio::spawn(async move {
                match store.claim("same", [9; 32]).await {
                    Claim::Leader(l) => {
                        let n = forwards.fetch_add(1, Ordering::SeqCst) + 1;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        l.finish(n, true);
                        n
                    }
                    Claim::Replay(n) => n,
                    Claim::Conflict => panic!("same body"),
                }
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 1);
        }
        assert_eq!(forwards.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn abandoned_leader_releases_the_key() {
        let store: IdempotencyStore<u32> = IdempotencyStore::new(Duration::from_secs(60));
        let Claim::Leader(l) = store.claim("k", [1; 32]).await else {
            panic!()
        };
        let s2 = store.clone();
        let waiter = tokio::spawn(async move {
            match s2.claim("k", [1; 32]).await {
                Claim::Leader(l2) => {
                    l2.finish(2, true);
                    2
                }
                Claim::Replay(n) => n,
                Claim::Conflict => panic!(),
            }
        });
        tokio::task::yield_now().await;
        drop(l);
        assert_eq!(waiter.await.unwrap(), 2);
    }

    #[tokio::test]
    async fn expired_answers_are_forgotten() {
        let store: IdempotencyStore<u32> = IdempotencyStore::new(Duration::from_millis(10));
        let Claim::Leader(l) = store.claim("k", [1; 32]).await else {
            panic!()
        };
        l.finish(1, true);
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert!(matches!(store.claim("k", [2; 32]).await, Claim::Leader(_)));
    }
}
