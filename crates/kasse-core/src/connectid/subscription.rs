//! Start subscription (ConnectID's "Start subscription" page): `POST /v1/subscription` for a
//! logged-in reader.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error_code::{ErrorCode, Errors, FieldError, Limits};

/// `POST /v1/subscription` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartSubscription {
    /// Company code, ≤ 12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_code: Option<String>,
    /// Product, ≤ 12 (required).
    pub product: String,
    /// Epoch milliseconds (required).
    pub start_time: i64,
    /// Epoch milliseconds, after `startTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// Number of copies, ≥ 1 (required). ConnectID's parameter table says integer, its example sends
    /// `"1"`: both are read, an integer is written (the table is the schema; the example was typed
    /// by hand).
    #[serde(deserialize_with = "int_or_string")]
    pub copies: i64,
    /// Coupon code, ≤ 12 (required).
    pub coupon_code: String,
    /// Coupon number (required).
    pub coupon_number: i64,
    /// Customer reference, ≤ 37.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_reference: Option<String>,
}

/// `{"status": "OK"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartSubscriptionResponse {
    /// `OK` on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

fn int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IntOrString {
        Int(i64),
        Str(String),
    }
    match IntOrString::deserialize(d)? {
        IntOrString::Int(i) => Ok(i),
        IntOrString::Str(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

/// Checks a start-subscription request against the required fields and length limits ConnectID
/// documents for it.
pub fn validate_start_subscription(req: &StartSubscription) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.optional_len("companyCode", req.company_code.as_ref(), Limits::COMPANY_CODE);
    e.required_len("product", &req.product, Limits::PRODUCT);
    if req.start_time < 0 {
        e.push("startTime", ErrorCode::InvalidDate);
    }
    if let Some(end) = req.end_time {
        if end <= req.start_time {
            e.push("endTime", ErrorCode::InvalidDate);
        }
    }
    if req.copies < 1 {
        e.push("copies", ErrorCode::InvalidQuantity);
    }
    e.required_len("couponCode", &req.coupon_code, Limits::COUPON_CODE);
    if req.coupon_number < 0 {
        e.push("couponNumber", ErrorCode::InvalidValue);
    }
    e.optional_len(
        "customerReference",
        req.customer_reference.as_ref(),
        Limits::CUSTOMER_REFERENCE,
    );
    e.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example body of ConnectID's "Start subscription" page (`copies` is a string there).
    const VENDOR_EXAMPLE: &str = r#"{
        "companyCode": "468979834", "product": "CO27409", "startTime": 1560336440000,
        "endTime": 1591958840000, "copies": "1", "couponCode": "WMDigi", "couponNumber": 5223,
        "customerReference": "cvxgds"}"#;

    #[test]
    fn vendor_example_parses_and_validates() {
        let req: StartSubscription = serde_json::from_str(VENDOR_EXAMPLE).unwrap();
        assert_eq!(req.copies, 1);
        assert_eq!(validate_start_subscription(&req), Ok(()));
        let back = serde_json::to_value(&req).unwrap();
        assert_eq!(back["copies"], serde_json::json!(1));
    }

    #[test]
    fn missing_required_field_is_a_parse_error() {
        let no_product = VENDOR_EXAMPLE.replace(r#""product": "CO27409","#, "");
        assert!(serde_json::from_str::<StartSubscription>(&no_product).is_err());
    }

    #[test]
    fn every_limit_reported_at_once() {
        let mut req: StartSubscription = serde_json::from_str(VENDOR_EXAMPLE).unwrap();
        req.company_code = Some("1234567890123".into());
        req.product = "ABCDEFGHIJKLM".into();
        req.coupon_code = "".into();
        req.customer_reference = Some("x".repeat(38));
        req.copies = 0;
        req.end_time = Some(req.start_time);
        let errs = validate_start_subscription(&req).unwrap_err();
        let got: Vec<(&str, ErrorCode)> = errs.iter().map(|e| (e.path.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("companyCode", ErrorCode::TooLong),
                ("product", ErrorCode::TooLong),
                ("endTime", ErrorCode::InvalidDate),
                ("copies", ErrorCode::InvalidQuantity),
                ("couponCode", ErrorCode::Required),
                ("customerReference", ErrorCode::TooLong),
            ]
        );
        // Exactly at the limits is fine.
        req.company_code = Some("123456789012".into());
        req.product = "ABCDEFGHIJKL".into();
        req.coupon_code = "ABCDEFGHIJKL".into();
        req.customer_reference = Some("x".repeat(37));
        req.copies = 1;
        req.end_time = None;
        assert_eq!(validate_start_subscription(&req), Ok(()));
    }
}
