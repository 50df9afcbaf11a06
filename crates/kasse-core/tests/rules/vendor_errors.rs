//! Vendor error bodies and headers, parsed into one classified type.

use kasse_core::i18n::MessageKey;
use kasse_core::vendor_error::{parse_vendor_error, parse_vendor_error_at, VendorError};

#[test]
fn connectid_errors_are_rejections() {
    let e = parse_vendor_error(
        400,
        &[],
        r#"{"exceptionType":"ValidationException","errorMessage":"postalCode is required"}"#,
    );
    assert!(matches!(&e, VendorError::ConnectId { exception_type, .. } if exception_type == "ValidationException"));
    assert!(!e.retryable());
    assert_eq!(e.code(), "rejected");
    assert_eq!(e.message_key(), MessageKey::ErrOrderRejected);
}

#[test]
fn oauth_errors_need_a_new_token() {
    let e = parse_vendor_error(
        401,
        &[("Content-Type", "application/json")],
        r#"{"error":"invalid_token","error_description":"expired"}"#,
    );
    assert!(
        matches!(&e, VendorError::OAuth { error, description: Some(d), .. } if error == "invalid_token" && d == "expired")
    );
    assert!(!e.retryable());
    assert!(e.needs_new_token());
    assert_eq!(e.message_key(), MessageKey::ErrServiceConfig);
}

#[test]
fn rate_limits_say_when_to_retry() {
    let e = parse_vendor_error(429, &[("retry-after", "7"), ("X-RateLimit-Reset", "30")], "");
    assert_eq!(
        e,
        VendorError::RateLimited {
            retry_after_secs: Some(7)
        }
    );
    assert!(e.retryable());
    assert_eq!(e.retry_after_secs(), Some(7));
    assert_eq!(e.code(), "rate_limited");
    assert_eq!(e.message_key(), MessageKey::ErrTryAgainLater);
    assert_eq!(e.to_string(), "429 rate limited, retry after 7 s");
    assert_eq!(parse_vendor_error(429, &[], "").to_string(), "429 rate limited");
    assert_eq!(
        parse_vendor_error(429, &[("X-RateLimit-Reset", "3")], "").retry_after_secs(),
        Some(3)
    );
    // Epoch seconds need a clock: ignored without, converted (rounded up) with one.
    assert_eq!(
        parse_vendor_error(429, &[("X-RateLimit-Reset", "1700000010")], "").retry_after_secs(),
        None
    );
    assert_eq!(
        parse_vendor_error_at(429, &[("X-RateLimit-Reset", "1700000010")], "", Some(1_700_000_000_500))
            .retry_after_secs(),
        Some(10)
    );
    assert_eq!(
        parse_vendor_error_at(
            429,
            &[("X-RateLimit-Reset", "1700000010000")],
            "",
            Some(1_700_000_000_000)
        )
        .retry_after_secs(),
        Some(10)
    );
    assert_eq!(
        parse_vendor_error_at(429, &[("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")], "", None).retry_after_secs(),
        None
    );
    assert_eq!(parse_vendor_error(429, &[], "").retry_after_secs(), None);
}

#[test]
fn s4_and_problem_details_errors_name_their_fields() {
    let e = parse_vendor_error(
        400,
        &[],
        r#"{"message":"Validation failed","errors":[{"field":"templatePackageId","message":"unknown"}]}"#,
    );
    assert_eq!(e.field_errors().len(), 1);
    assert_eq!(e.field_errors()[0].field, "templatePackageId");
    assert!(matches!(e, VendorError::S4 { .. }));

    let e = parse_vendor_error(
        422,
        &[("content-type", "application/problem+json")],
        r#"{"type":"https://example.net/validation","title":"Invalid","status":422,"detail":"bad","errors":{"Culture":["must be ll-CC"]}}"#,
    );
    assert!(matches!(&e, VendorError::Problem { title: Some(t), .. } if t == "Invalid"));
    assert_eq!(e.field_errors()[0].field, "Culture");
    assert_eq!(e.code(), "rejected");
}

#[test]
fn http_errors_are_classified_by_status() {
    let e = parse_vendor_error(503, &[("Retry-After", "2")], "<html>Service Unavailable</html>");
    assert!(matches!(e, VendorError::Http { status: 503, .. }));
    assert!(e.retryable());
    assert_eq!(e.message_key(), MessageKey::ErrVendorUnavailable);
    assert_eq!(
        parse_vendor_error(500, &[], r#"{"exceptionType":"NullPointerException"}"#).code(),
        "vendor_unavailable"
    );
    assert!(!parse_vendor_error(501, &[], "").retryable());
    assert_eq!(
        parse_vendor_error(403, &[], "").message_key(),
        MessageKey::ErrServiceConfig
    );
    assert_eq!(parse_vendor_error(404, &[], "[]").code(), "not_found");
    // Serialisable for the gateway's logs and the widget's events.
    let json = serde_json::to_value(parse_vendor_error(429, &[("Retry-After", "1")], "")).unwrap();
    assert_eq!(json["kind"], "rate_limited");
}
