//! Coupon price: what a coupon costs a reader.

use serde::{Deserialize, Serialize};

use crate::error_code::{ErrorCode, Errors, FieldError, Limits};

/// `POST /v1/client/coupon/price`: what a coupon costs for a reader (ConnectID documents the
/// field limits on this endpoint).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CouponPriceRequest {
    /// Coupon code, ≤ 12.
    pub coupon_code: String,
    /// Coupon number.
    pub coupon_number: i64,
    /// Existing customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<i64>,
    /// Country, ≤ 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Postal code, ≤ 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

/// Checks a coupon-price request against the length limits ConnectID documents for it.
pub fn validate_coupon_price(req: &CouponPriceRequest) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.required_len("couponCode", &req.coupon_code, Limits::COUPON_CODE);
    if req.coupon_number < 0 {
        e.push("couponNumber", ErrorCode::InvalidValue);
    }
    e.optional_len("countryCode", req.country_code.as_ref(), Limits::COUNTRY_CODE);
    e.optional_len("postalCode", req.postal_code.as_ref(), Limits::POSTAL_CODE);
    e.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coupon_price_limits() {
        let ok = CouponPriceRequest {
            coupon_code: "ABCDEFGHIJKL".into(),
            coupon_number: 1001,
            customer_number: None,
            country_code: Some("NOR".into()),
            postal_code: Some("0123456789".into()),
        };
        assert_eq!(validate_coupon_price(&ok), Ok(()));
        let bad = CouponPriceRequest {
            coupon_code: "ABCDEFGHIJKLM".into(),
            country_code: Some("NORW".into()),
            postal_code: Some("01234567890".into()),
            ..ok
        };
        let errs: Vec<_> = validate_coupon_price(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.path, e.code))
            .collect();
        assert_eq!(
            errs,
            vec![
                ("couponCode".to_string(), ErrorCode::TooLong),
                ("countryCode".to_string(), ErrorCode::TooLong),
                ("postalCode".to_string(), ErrorCode::TooLong),
            ]
        );
    }
}
