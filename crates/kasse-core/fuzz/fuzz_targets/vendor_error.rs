//! The error-body parser reads vendor (or proxy) bodies and headers: never panic, and the
//! classification is consistent.
#![no_main]

use kasse_core::vendor_error::{parse_vendor_error_at, VendorError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, String, String, String, Option<i64>)| {
    let (status, retry_after, reset, body, now) = input;
    let headers = [("Retry-After", retry_after.as_str()), ("X-RateLimit-Reset", reset.as_str())];
    let e = parse_vendor_error_at(status, &headers, &body, now);
    if status == 429 {
        assert!(matches!(e, VendorError::RateLimited { .. }));
        assert!(e.retryable());
    } else {
        assert_eq!(e.status(), status);
        assert!(e.retry_after_secs().is_none());
    }
    let _ = (e.code(), e.message_key(), e.field_errors(), e.needs_new_token());
});
