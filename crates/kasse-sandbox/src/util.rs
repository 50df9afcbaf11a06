//! Small helpers shared by the vendor simulations: time, money, URL and credential checks, a PRNG.

use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch (the vendors' timestamp unit).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A fresh opaque token (access token, code, …).
pub fn random_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Why a money value was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a JSON number.
    NotANumber,
    /// Negative, infinite or absurdly large.
    OutOfRange,
    /// More than two decimals.
    TooPrecise,
}

/// Converts a JSON number in major units (150, 149.5) to minor units.
pub fn money_cents(value: &Value) -> Result<i64, MoneyError> {
    let f = value.as_f64().ok_or(MoneyError::NotANumber)?;
    if !f.is_finite() || !(0.0..1e13).contains(&f) {
        return Err(MoneyError::OutOfRange);
    }
    let scaled = f * 100.0;
    let cents = scaled.round();
    if (scaled - cents).abs() > 1e-6 {
        return Err(MoneyError::TooPrecise);
    }
    Ok(cents as i64)
}

/// Minor units back to a JSON number in major units: whole amounts as integers (`150`), as the
/// vendor's own examples print them.
pub fn money_json(cents: i64) -> Value {
    if cents % 100 == 0 {
        Value::from(cents / 100)
    } else {
        Value::from(cents as f64 / 100.0)
    }
}

/// Formats minor units for a page: `149.00`.
pub fn money_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

/// Parses an absolute http(s) URL; anything else (relative, `javascript:`, `data:`) is refused.
pub fn absolute_http_url(text: &str) -> Option<url::Url> {
    let parsed = url::Url::parse(text).ok()?;
    let host_ok = parsed.host_str().is_some_and(|h| !h.is_empty());
    (matches!(parsed.scheme(), "http" | "https") && host_ok).then_some(parsed)
}

/// Appends query parameters to a URL, keeping the ones it already has.
pub fn with_query(mut url: url::Url, params: &[(&str, &str)]) -> String {
    {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in params {
            pairs.append_pair(k, v);
        }
    }
    url.to_string()
}

/// E-mail sanity as a vendor checks it: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// A phone number in +E.164 form: `+`, a non-zero digit, 7 to 15 digits in all.
pub fn is_e164(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0')
}

/// A loose phone number as order payers carry them: optional `+`, digits and spaces, 5–20 long.
pub fn is_phone_like(text: &str) -> bool {
    let digits = text.strip_prefix('+').unwrap_or(text);
    let count = digits.chars().filter(|c| c.is_ascii_digit()).count();
    (5..=20).contains(&count) && digits.chars().all(|c| c.is_ascii_digit() || c == ' ')
}

/// Whether the text is a GUID (`8-4-4-4-12` hex).
pub fn is_guid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok() && text.len() == 36
}

/// SplitMix64: a tiny, well-known deterministic generator. Fault injection must repeat exactly for
/// a given seed, which is all it needs; no cryptographic quality is wanted.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn money_parses_major_units() {
        assert_eq!(money_cents(&json!(150)), Ok(15000));
        assert_eq!(money_cents(&json!(149.5)), Ok(14950));
        assert_eq!(money_cents(&json!(0.1)), Ok(10));
        assert_eq!(money_cents(&json!(1.005)), Err(MoneyError::TooPrecise));
        assert_eq!(money_cents(&json!(-1)), Err(MoneyError::OutOfRange));
        assert_eq!(money_cents(&json!("150")), Err(MoneyError::NotANumber));
        assert_eq!(money_json(15000), json!(150));
        assert_eq!(money_json(14950), json!(149.5));
        assert_eq!(money_text(14900), "149.00");
    }

    #[test]
    fn url_checks() {
        assert!(absolute_http_url("https://shop.example/return?x=1").is_some());
        assert!(absolute_http_url("http://127.0.0.1:8080/r").is_some());
        assert!(absolute_http_url("/relative").is_none());
        assert!(absolute_http_url("javascript:alert(1)").is_none());
        assert!(absolute_http_url("ftp://x.example/").is_none());
        let u = absolute_http_url("https://a.example/r?x=1").unwrap();
        assert_eq!(
            with_query(u, &[("fulfillmentStatus", "success")]),
            "https://a.example/r?x=1&fulfillmentStatus=success"
        );
    }

    #[test]
    fn credential_checks() {
        assert!(is_email("kari.nordmann@gmail.com"));
        assert!(!is_email("kari.nordmann@gmail"));
        assert!(!is_email("kari nordmann@gmail.com"));
        assert!(!is_email("@gmail.com"));
        assert!(!is_email("a@b@c.com"));
        assert!(is_e164("+4791234567"));
        assert!(!is_e164("91234567"));
        assert!(!is_e164("+47 912"));
        assert!(is_phone_like("+4787654321"));
        assert!(is_phone_like("912 34 567"));
        assert!(!is_phone_like("call me"));
        assert!(is_guid("00000000-0000-0000-0000-0000000000aa"));
        assert!(!is_guid("SOMETENANT"));
    }

    #[test]
    fn splitmix_is_deterministic() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        let mut c = SplitMix64::new(43);
        assert_ne!(xs[0], c.next_u64());
        let f = SplitMix64::new(1).next_f64();
        assert!((0.0..1.0).contains(&f));
    }
}
