//! Verified prepayment: a prepaid order is registered only with the publisher's proof of payment.
//!
//! A prepaid offer (ConnectID flows 2a/2b) is paid before the order exists, by the publisher's own
//! payment integration. The page then sends the payment's facts (`paymentInfoPayEx`), and the
//! vendor completes the order on those facts alone: a page that could write them could read for
//! free. So the publisher's server, having taken the payment, signs a short-lived voucher (a JWT,
//! HS256, with a secret it shares with the gateway) naming the offer, the amount, the currency and
//! the payment; the page passes it on in the `Kasse-Prepayment` header, and the gateway registers
//! the order only when the signature holds, the voucher has not expired, every claim matches the
//! order, and its `jti` was never used before (the caller checks that against the order store).

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The longest a voucher may be valid for: long enough for a reader to finish the checkout, short
/// enough that a leaked one is soon worthless.
pub const MAX_LIFETIME_SECS: i64 = 3600;
/// Clock difference tolerated between the publisher's server and the gateway.
const LEEWAY_SECS: i64 = 30;

/// A voucher's claims.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoucherClaims {
    /// The catalog's offer id.
    pub offer: String,
    /// The amount paid, minor units (`14900` for 149 kr).
    pub amount: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// The payment's transaction id, as it appears in `paymentInfoPayEx`.
    #[serde(rename = "transactionId")]
    pub transaction_id: String,
    /// The merchant that took the payment, as in `paymentInfoPayEx`.
    #[serde(rename = "merchantId")]
    pub merchant_id: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// A unique id: a voucher pays for one order only.
    pub jti: String,
}

/// What the order says, to be matched by the voucher's claims.
#[derive(Clone, Copy, Debug)]
pub struct PaidOrder<'a> {
    /// The offer the order is for.
    pub offer: &'a str,
    /// `orderAmount`, minor units.
    pub amount: i64,
    /// The order's currency.
    pub currency: &'a str,
    /// `paymentInfoPayEx.transactionId`.
    pub transaction_id: &'a str,
    /// `paymentInfoPayEx.merchantId`.
    pub merchant_id: &'a str,
}

/// Why a voucher was refused. The reader's page sees one code (`prepayment_invalid`); the reason
/// is for the gateway's log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VoucherError {
    /// Not a JWT, a wrong algorithm, or claims missing or of the wrong type.
    #[error("the voucher is malformed")]
    Malformed,
    /// The HS256 signature does not hold with the configured secret.
    #[error("the voucher's signature does not hold")]
    BadSignature,
    /// `exp` has passed.
    #[error("the voucher has expired")]
    Expired,
    /// `exp` is further ahead than [`MAX_LIFETIME_SECS`].
    #[error("the voucher is valid for too long")]
    TooLong,
    /// A claim differs from the order.
    #[error("the voucher's `{0}` does not match the order")]
    Mismatch(&'static str),
}

/// The shared secret vouchers are signed with, ready for both directions.
#[derive(Clone)]
pub struct VoucherKey {
    decoding: DecodingKey,
    encoding: EncodingKey,
}

impl VoucherKey {
    /// `None` for an empty secret (HS256 with no key proves nothing).
    pub fn new(secret: &[u8]) -> Option<VoucherKey> {
        Some(VoucherKey {
            decoding: DecodingKey::from_secret(secret).ok()?,
            encoding: EncodingKey::from_secret(secret).ok()?,
        })
    }
}

impl std::fmt::Debug for VoucherKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoucherKey(***)")
    }
}

/// Checks a voucher against the order it is sent with, at `now` (seconds since the epoch).
/// The caller still checks that `jti` is new.
pub fn verify(key: &VoucherKey, token: &str, order: &PaidOrder<'_>, now: i64) -> Result<VoucherClaims, VoucherError> {
    let mut validation = Validation::new(Algorithm::HS256);
    // Expiry is checked below against the caller's clock, so tests and the store agree on `now`.
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["exp"]);
    let claims = decode::<VoucherClaims>(token, &key.decoding, &validation)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => VoucherError::BadSignature,
            _ => VoucherError::Malformed,
        })?
        .claims;
    if claims.exp + LEEWAY_SECS < now {
        return Err(VoucherError::Expired);
    }
    if claims.exp > now + MAX_LIFETIME_SECS + LEEWAY_SECS {
        return Err(VoucherError::TooLong);
    }
    let checks: [(&'static str, bool); 5] = [
        ("offer", claims.offer == order.offer),
        ("amount", claims.amount == order.amount),
        ("currency", claims.currency.eq_ignore_ascii_case(order.currency)),
        ("transactionId", claims.transaction_id == order.transaction_id),
        ("merchantId", claims.merchant_id == order.merchant_id),
    ];
    if let Some((name, _)) = checks.iter().find(|(_, ok)| !ok) {
        return Err(VoucherError::Mismatch(name));
    }
    if claims.jti.trim().is_empty() || claims.jti.len() > 128 {
        return Err(VoucherError::Malformed);
    }
    Ok(claims)
}

/// Signs a voucher: what a publisher's server does after taking a payment (and what
/// `kasse-gateway voucher` prints for testing).
pub fn sign(key: &VoucherKey, claims: &VoucherClaims) -> String {
    encode(&Header::new(Algorithm::HS256), claims, &key.encoding).expect("HS256 signing of plain claims cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> VoucherKey {
        VoucherKey::new(b"kasse-demo-prepayment-secret").unwrap()
    }
    const NOW: i64 = 1_800_000_000;

    fn claims() -> VoucherClaims {
        VoucherClaims {
            offer: "gift-year".into(),
            amount: 149_000,
            currency: "NOK".into(),
            transaction_id: "tx-81f3".into(),
            merchant_id: "avis-merchant".into(),
            exp: NOW + 600,
            jti: "4c1d6a1e-0d6f-4b1e-9a57-2f2f0b9c7a11".into(),
        }
    }

    fn order() -> PaidOrder<'static> {
        PaidOrder {
            offer: "gift-year",
            amount: 149_000,
            currency: "NOK",
            transaction_id: "tx-81f3",
            merchant_id: "avis-merchant",
        }
    }

    #[test]
    fn an_empty_secret_is_no_key() {
        assert!(VoucherKey::new(b"").is_none());
    }

    #[test]
    fn a_signed_voucher_matching_the_order_passes() {
        let token = sign(&key(), &claims());
        assert_eq!(verify(&key(), &token, &order(), NOW), Ok(claims()));
    }

    #[test]
    fn a_voucher_signed_with_another_secret_or_altered_is_refused() {
        let token = sign(&VoucherKey::new(b"another-secret").unwrap(), &claims());
        assert_eq!(verify(&key(), &token, &order(), NOW), Err(VoucherError::BadSignature));
        let good = sign(&key(), &claims());
        let mut parts: Vec<String> = good.split('.').map(String::from).collect();
        let forged = VoucherClaims { amount: 1, ..claims() };
        parts[1] = sign(&key(), &forged).split('.').nth(1).unwrap().to_string();
        assert_eq!(
            verify(&key(), &parts.join("."), &order(), NOW),
            Err(VoucherError::BadSignature)
        );
        assert_eq!(verify(&key(), "not-a-jwt", &order(), NOW), Err(VoucherError::Malformed));
    }

    #[test]
    fn the_none_algorithm_and_other_algorithms_are_refused() {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let body = b64.encode(serde_json::to_vec(&claims()).unwrap());
        for alg in ["none", "HS512"] {
            let header = b64.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
            let token = format!("{header}.{body}.");
            assert_eq!(
                verify(&key(), &token, &order(), NOW),
                Err(VoucherError::Malformed),
                "{alg}"
            );
        }
    }

    #[test]
    fn expiry_is_checked_both_ways() {
        let expired = sign(
            &key(),
            &VoucherClaims {
                exp: NOW - 120,
                ..claims()
            },
        );
        assert_eq!(verify(&key(), &expired, &order(), NOW), Err(VoucherError::Expired));
        let forever = sign(
            &key(),
            &VoucherClaims {
                exp: NOW + 2 * MAX_LIFETIME_SECS,
                ..claims()
            },
        );
        assert_eq!(verify(&key(), &forever, &order(), NOW), Err(VoucherError::TooLong));
    }

    #[test]
    fn every_claim_must_match_the_order() {
        let token = sign(&key(), &claims());
        let cases: [(PaidOrder<'static>, &str); 5] = [
            (
                PaidOrder {
                    offer: "digital-month",
                    ..order()
                },
                "offer",
            ),
            (PaidOrder { amount: 100, ..order() }, "amount"),
            (
                PaidOrder {
                    currency: "SEK",
                    ..order()
                },
                "currency",
            ),
            (
                PaidOrder {
                    transaction_id: "tx-other",
                    ..order()
                },
                "transactionId",
            ),
            (
                PaidOrder {
                    merchant_id: "someone-else",
                    ..order()
                },
                "merchantId",
            ),
        ];
        for (paid, claim) in cases {
            assert_eq!(verify(&key(), &token, &paid, NOW), Err(VoucherError::Mismatch(claim)));
        }
    }

    #[test]
    fn unknown_or_missing_claims_are_malformed() {
        let mut extra = serde_json::to_value(claims()).unwrap();
        extra["admin"] = true.into();
        let token = encode(&Header::new(Algorithm::HS256), &extra, &key().encoding).unwrap();
        assert_eq!(verify(&key(), &token, &order(), NOW), Err(VoucherError::Malformed));
        let mut missing = serde_json::to_value(claims()).unwrap();
        missing.as_object_mut().unwrap().remove("jti");
        let token = encode(&Header::new(Algorithm::HS256), &missing, &key().encoding).unwrap();
        assert_eq!(verify(&key(), &token, &order(), NOW), Err(VoucherError::Malformed));
    }
}
