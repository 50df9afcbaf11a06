//! Idempotent order creation keyed by the widget's attempt id (`externalOrderId` for ConnectID,
//! the `Idempotency-Key` header for S4), durable and shared by every gateway instance.
//!
//! The widget makes one key per checkout attempt and resends the same body when a request failed
//! or the reader double-clicked. The key's row in the ledger is claimed before any vendor call:
//! the first request *leads* (forwards upstream, records the answer before the reader gets it); a
//! request with the same key and body waits while the leader works, then replays its answer — on
//! any instance, after a restart too. Another body is a conflict (409). kasse-core's
//! [`decide_claim`] says which; this module runs the loop around it.
//!
//! Final answers (success, refusals) are kept for the TTL. Answers a retry can change (429, 5xx,
//! timeouts) go to the requests that waited on that leader; the next request leads again. A leader
//! that vanished (crash, SIGKILL) is replaced once its lease runs out (at once on SQLite, which has
//! one instance); its successor calls the vendor again, and ConnectID's dedupe on
//! `externalOrderId` answers the order the first call made.

use std::sync::Arc;
use std::time::Duration;

use kasse_core::attempt::{decide_claim, AttemptPhase, AttemptView, ClaimDecision};
use sha2::{Digest, Sha256};

use crate::ledger::{now_ms, OrderStore, StoreError};

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

/// The attempt keys of the ledger, with their lease and answer lifetimes.
#[derive(Clone)]
pub struct Attempts {
    store: Arc<dyn OrderStore>,
    ttl_ms: i64,
    lease_ms: i64,
}

/// What a request with a key may do.
pub enum Claim {
    /// First with this key (or the successor of a leader that went away): forward, then
    /// [`Leader::finish`].
    Leader(Leader),
    /// Same key, same body, answered before: send this answer (JSON as the leader recorded it).
    Replay(String),
    /// Same key, different body.
    Conflict,
}

/// The right (and duty) to answer for a key. Dropped without [`Leader::finish`] (a panic), the
/// key is released so the next request leads at once.
pub struct Leader {
    store: Arc<dyn OrderStore>,
    key: String,
    generation: i64,
    lease_ms: i64,
    finished: bool,
}

impl Leader {
    /// Starts a fresh lease just before a vendor call that cannot be repeated safely, and says
    /// whether the key is still this leader's. A leader whose earlier calls were slow may have
    /// been replaced meanwhile: it must stop there, or the vendor would get the call twice.
    pub async fn renew(&self) -> Result<bool, StoreError> {
        let now = now_ms();
        self.store
            .attempt_renew(&self.key, self.generation, now + self.lease_ms, now)
            .await
    }

    /// Records the answer for the key: kept for replay when `keep` (final), or handed to the
    /// requests waiting now and then led again (retryable). The answer is recorded before the
    /// reader gets it, so a crash after this point loses nothing.
    pub async fn finish(mut self, answer: &str, keep: bool) -> Result<(), StoreError> {
        self.finished = true;
        let phase = if keep {
            AttemptPhase::Answered
        } else {
            AttemptPhase::Retryable
        };
        let ours = self
            .store
            .attempt_finish(&self.key, self.generation, phase, Some(answer), now_ms())
            .await?;
        if !ours {
            tracing::warn!(attempt = %self.key, "an attempt's lease ran out before its answer was recorded");
        }
        Ok(())
    }
}

impl Drop for Leader {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let (store, key, generation) = (self.store.clone(), std::mem::take(&mut self.key), self.generation);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = store
                    .attempt_finish(&key, generation, AttemptPhase::Retryable, None, now_ms())
                    .await;
            });
        }
    }
}

/// How long a waiting request sleeps between looks at the row, at most.
const LONGEST_PAUSE: Duration = Duration::from_millis(250);

impl Attempts {
    /// Attempts in `store`, answers kept `ttl`, a leader's lease `lease` (longer than any vendor
    /// call of a registration may take, so a live leader is never replaced).
    pub fn new(store: Arc<dyn OrderStore>, ttl: Duration, lease: Duration) -> Attempts {
        Attempts {
            store,
            ttl_ms: ttl.as_millis() as i64,
            lease_ms: lease.as_millis() as i64,
        }
    }

    /// Claims `key` for a request whose canonical body hashes to `hash`. Waits while another
    /// leader works, at most its lease and a second.
    pub async fn claim(&self, key: &str, hash: BodyHash) -> Result<Claim, StoreError> {
        let hash = hex::encode(hash);
        let deadline = now_ms() + self.lease_ms + 1_000;
        let mut waited_on = None;
        let mut pause = Duration::from_millis(10);
        while now_ms() <= deadline {
            let now = now_ms();
            if self.store.attempt_begin(key, &hash, now, now + self.lease_ms).await? {
                return Ok(self.leader(key, 0));
            }
            // Pruned between the two statements: begin again.
            let Some(row) = self.store.attempt(key).await? else {
                continue;
            };
            let view = AttemptView {
                phase: row.phase,
                same_body: row.body_hash == hash,
                generation: row.generation,
                lease_until_ms: row.lease_until_ms,
                created_ms: row.created_ms,
                has_answer: row.answer.is_some(),
            };
            match decide_claim(&view, now, self.ttl_ms, waited_on) {
                ClaimDecision::Conflict => return Ok(Claim::Conflict),
                ClaimDecision::Replay => return Ok(Claim::Replay(row.answer.unwrap_or_default())),
                ClaimDecision::TakeOver => {
                    let next = now_ms();
                    let took = self
                        .store
                        .attempt_take_over(key, row.generation, &hash, next, next + self.lease_ms)
                        .await?;
                    if took {
                        return Ok(self.leader(key, row.generation + 1));
                    }
                }
                ClaimDecision::Wait => {
                    waited_on = Some(row.generation);
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LONGEST_PAUSE);
                }
            }
        }
        Err(StoreError::Busy)
    }

    fn leader(&self, key: &str, generation: i64) -> Claim {
        Claim::Leader(Leader {
            store: self.store.clone(),
            key: key.to_string(),
            generation,
            lease_ms: self.lease_ms,
            finished: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_hash_ignores_key_order_but_not_values() {
        let a = json!({"a": 1, "b": {"x": [1, 2], "y": "z"}});
        let b = json!({"b": {"y": "z", "x": [1, 2]}, "a": 1});
        let c = json!({"b": {"y": "z", "x": [2, 1]}, "a": 1});
        assert_eq!(canonical_hash(&[&a]), canonical_hash(&[&b]));
        assert_ne!(canonical_hash(&[&a]), canonical_hash(&[&c]));
        assert_ne!(canonical_hash(&[&json!("x"), &a]), canonical_hash(&[&json!("y"), &a]));
    }
}
