//! Order tokens: the capability to act on one order.
//!
//! Vendor order ids are sequential, so knowing one proves nothing. Registration answers a random
//! token (128 bits, URL-safe base64) beside the order id; every later call on the order (complete,
//! assign user, status) must carry it in the `Kasse-Order-Token` header. The gateway keeps only the
//! token's SHA-256, so its store cannot be used to act on orders; a missing or wrong token is
//! answered as if the order did not exist.

use base64::Engine;
use sha2::{Digest, Sha256};

/// The request header that carries an order's token.
pub const HEADER: &str = "kasse-order-token";

/// SHA-256 of a token, as stored.
pub type TokenHash = [u8; 32];

/// A fresh token and its hash.
pub fn issue() -> (String, TokenHash) {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
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

    #[test]
    fn a_token_matches_its_hash_only() {
        let (token, stored) = issue();
        assert_eq!(token.len(), 22, "128 bits in URL-safe base64 without padding");
        assert!(matches(&stored, Some(&token)));
        assert!(!matches(&stored, None));
        assert!(!matches(&stored, Some("")));
        assert!(!matches(&stored, Some(&token[1..])));
        assert!(!matches(&stored, Some(&format!("{token}x"))));
        let (other, _) = issue();
        assert_ne!(token, other);
        assert!(!matches(&stored, Some(&other)));
    }
}
