//! Order tokens: the capability to act on one order.
//!
//! Vendor order ids are sequential, so knowing one proves nothing. Registration answers a token
//! (128 bits, URL-safe base64) beside the order id; every later call on the order (complete,
//! assign user, status) must carry it in the `Kasse-Order-Token` header. A missing or wrong token
//! is answered as if the order did not exist.
//!
//! The token is HMAC-SHA256 of the order's idempotency key under the gateway's token secret, cut to
//! 128 bits: unpredictable without the secret (the key is the reader's own random attempt id), and
//! the same when a retry of the registration is answered from the record, on any gateway instance
//! that shares the secret, after a restart too. The gateway stores only the token's SHA-256, so
//! whoever reads its store (which holds the idempotency keys) still cannot act on an order.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The request header that carries an order's token.
pub const HEADER: &str = "kasse-order-token";

/// SHA-256 of a token, as stored.
pub type TokenHash = [u8; 32];

/// The shortest token secret accepted: 32 bytes, the HMAC-SHA256 block's worth of key strength.
pub const MIN_SECRET_LEN: usize = 32;

/// The gateway's token secret.
#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

impl TokenKey {
    /// `None` when the secret is shorter than [`MIN_SECRET_LEN`].
    pub fn new(secret: &[u8]) -> Option<TokenKey> {
        (secret.len() >= MIN_SECRET_LEN).then(|| TokenKey(secret.to_vec()))
    }
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(***)")
    }
}

impl TokenKey {
    /// A 32-byte key for `purpose`, derived from the secret (HMAC-SHA256), so one configured
    /// secret serves order tokens and other keys without reuse.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(b"kasse-derived-key:");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// The token of the order registered with `idempotency_key` at `backend` (`"connectid"`,
/// `"s4"`), and its hash.
pub fn issue(key: &TokenKey, backend: &str, idempotency_key: &str) -> (String, TokenHash) {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes a key of any length");
    for part in ["kasse-order-token", backend, idempotency_key] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    let tag = mac.finalize().into_bytes();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag[..16]);
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of `token`.
pub fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether `presented` is the token whose hash is `stored`, compared in constant time.
pub fn matches(stored: &TokenHash, presented: Option<&str>) -> bool {
    let Some(presented) = presented.filter(|t| t.len() <= 64) else {
        return false;
    };
    let candidate = hash(presented);
    stored
        .iter()
        .zip(candidate.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> TokenKey {
        TokenKey::new(b"kasse-demo-order-token-secret-0123456789").unwrap()
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(TokenKey::new(b"short").is_none());
        assert!(TokenKey::new(&[7u8; MIN_SECRET_LEN]).is_some());
    }

    #[test]
    fn a_token_is_the_same_for_the_same_order_and_differs_otherwise() {
        let (a, _) = issue(&key(), "connectid", "attempt-1234567890");
        assert_eq!(issue(&key(), "connectid", "attempt-1234567890").0, a);
        assert_ne!(issue(&key(), "s4", "attempt-1234567890").0, a);
        assert_ne!(issue(&key(), "connectid", "attempt-1234567891").0, a);
        let other = TokenKey::new(b"another-gateway-secret-0123456789abcdef").unwrap();
        assert_ne!(issue(&other, "connectid", "attempt-1234567890").0, a);
        // Length-prefixed parts: moving a character between them changes the token.
        assert_ne!(
            issue(&key(), "connectidx", "attempt").0,
            issue(&key(), "connectid", "xattempt").0
        );
    }

    #[test]
    fn a_token_matches_its_hash_only() {
        let (token, stored) = issue(&key(), "connectid", "attempt-1234567890");
        assert_eq!(token.len(), 22, "128 bits in URL-safe base64 without padding");
        assert!(matches(&stored, Some(&token)));
        assert!(!matches(&stored, None));
        assert!(!matches(&stored, Some("")));
        assert!(!matches(&stored, Some(&token[1..])));
        assert!(!matches(&stored, Some(&format!("{token}x"))));
        let (other, _) = issue(&key(), "connectid", "attempt-other-123456");
        assert_ne!(token, other);
        assert!(!matches(&stored, Some(&other)));
    }
}
