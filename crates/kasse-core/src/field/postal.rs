//! Postal codes of the Nordic countries, and a permissive shape for the rest.

use crate::error_code::{ErrorCode, Limits};

/// Checks a postal code for `country` and returns its wire form: NO and DK 4 digits; FI 5 digits;
/// SE 5 digits, typed with or without the customary space (`123 45`), sent without it; other or
/// unknown countries: 1–10 letters, digits, spaces or dashes, as typed (trimmed).
pub fn normalize_postal_code(input: &str, country: &str) -> Result<String, ErrorCode> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ErrorCode::Required);
    }
    let digits_only = |v: &str, n: usize| v.len() == n && v.bytes().all(|b| b.is_ascii_digit());
    match country.trim().to_ascii_uppercase().as_str() {
        "NO" | "DK" => digits_only(s, 4)
            .then(|| s.to_owned())
            .ok_or(ErrorCode::InvalidPostalCode),
        "FI" => digits_only(s, 5)
            .then(|| s.to_owned())
            .ok_or(ErrorCode::InvalidPostalCode),
        "SE" => {
            let joined = match (s.get(..3), s.get(3..4), s.get(4..)) {
                (Some(a), Some(" "), Some(b)) => [a, b].concat(),
                _ => s.to_owned(),
            };
            digits_only(&joined, 5)
                .then_some(joined)
                .ok_or(ErrorCode::InvalidPostalCode)
        }
        _ => {
            if s.chars().count() > Limits::POSTAL_CODE {
                Err(ErrorCode::TooLong)
            } else if s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-') {
                Ok(s.to_owned())
            } else {
                Err(ErrorCode::InvalidPostalCode)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes() {
        assert_eq!(normalize_postal_code("0101", "NO").as_deref(), Ok("0101"));
        assert_eq!(normalize_postal_code(" 0101 ", "no").as_deref(), Ok("0101"));
        assert_eq!(normalize_postal_code("101", "NO"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(normalize_postal_code("01010", "NO"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(normalize_postal_code("2100", "DK").as_deref(), Ok("2100"));
        assert_eq!(normalize_postal_code("123 45", "SE").as_deref(), Ok("12345"));
        assert_eq!(normalize_postal_code("12345", "SE").as_deref(), Ok("12345"));
        assert_eq!(normalize_postal_code("1234 5", "SE"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(
            normalize_postal_code("123  45", "SE"),
            Err(ErrorCode::InvalidPostalCode)
        );
        assert_eq!(normalize_postal_code("00100", "FI").as_deref(), Ok("00100"));
        assert_eq!(normalize_postal_code("001 00", "FI"), Err(ErrorCode::InvalidPostalCode));
        assert_eq!(normalize_postal_code("SW1A 1AA", "GB").as_deref(), Ok("SW1A 1AA"));
        assert_eq!(normalize_postal_code("12345678901", "DE"), Err(ErrorCode::TooLong));
        assert_eq!(normalize_postal_code("", "NO"), Err(ErrorCode::Required));
        assert_eq!(normalize_postal_code("1234;", "XX"), Err(ErrorCode::InvalidPostalCode));
    }
}
