//! Secrets at rest: readers' ConnectID tokens (bound to their session) and the credential an
//! order's access goes to (bound to the order), sealed with ChaCha20-Poly1305 under keys derived
//! from the order-token secret, one per purpose, so a copy of the database alone gives no
//! reader's account or address away (unless the secret is the ledger's own: configure it).

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use base64::Engine as _;

use crate::order_token::TokenKey;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Seals and opens secrets of one purpose.
pub struct Sealer(LessSafeKey);

impl Sealer {
    /// The sealer of readers' session tokens under this gateway's secret.
    pub fn new(key: &TokenKey) -> Sealer {
        Sealer::for_purpose(key, "session-tokens")
    }

    /// A sealer with a key of its own for `purpose` (a seal of one purpose opens in no other).
    pub fn for_purpose(key: &TokenKey, purpose: &str) -> Sealer {
        let bytes = key.derive(purpose);
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, &bytes).expect("a 32-byte key");
        Sealer(LessSafeKey::new(unbound))
    }

    /// `plain` sealed for session (or order) `session_hash`: a random nonce, then the ciphertext and tag.
    pub fn seal(&self, session_hash: &str, plain: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("a random source");
        let mut out = plain.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(session_hash.as_bytes()),
                &mut out,
            )
            .expect("sealing a short message");
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&out);
        B64.encode(sealed)
    }

    /// What [`Sealer::seal`] sealed for the same session; `None` for anything else.
    pub fn open(&self, session_hash: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = B64.decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = body.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(session_hash.as_bytes()), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(secret: &[u8]) -> Sealer {
        Sealer::new(&TokenKey::new(secret).unwrap())
    }

    #[test]
    fn only_the_same_key_and_session_open_a_seal() {
        let s = sealer(b"kasse-demo-order-token-secret-0123456789");
        let sealed = s.seal("session-a", b"{\"accessToken\":\"secret\"}");
        assert!(!sealed.contains("secret"));
        assert_eq!(s.open("session-a", &sealed).unwrap(), b"{\"accessToken\":\"secret\"}");
        assert_eq!(s.open("session-b", &sealed), None, "bound to its session");
        let other = sealer(b"another-gateway-secret-0123456789abcdef");
        assert_eq!(other.open("session-a", &sealed), None);
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(s.open("session-a", std::str::from_utf8(&tampered).unwrap()), None);
        assert_ne!(
            s.seal("session-a", b"x"),
            s.seal("session-a", b"x"),
            "a fresh nonce each time"
        );
    }
}
