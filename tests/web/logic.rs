//! Plain logic run in the browser: the API's retry backoff (Retry-After, a limit, final refusals)
//! and kasse-core's URL cases on the browser's own `URL`.

use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn retries_back_off_honour_retry_after_and_stop() {
    use kasse_widget::api::{retry_delay_ms, ApiFailure};
    let busy = |retry_after| ApiFailure::Http {
        status: 429,
        code: "rate_limited".into(),
        message_key: None,
        retry_after,
        field: None,
        price: None,
    };
    assert_eq!(retry_delay_ms(&ApiFailure::Network, 1), Some(500));
    assert_eq!(retry_delay_ms(&ApiFailure::Network, 2), Some(1000));
    assert_eq!(retry_delay_ms(&ApiFailure::Network, 3), Some(2000));
    assert_eq!(
        retry_delay_ms(&ApiFailure::Network, 4),
        None,
        "three retries, then the reader decides"
    );
    assert_eq!(
        retry_delay_ms(&busy(Some(3)), 1),
        Some(3000),
        "the gateway's retryAfter wins over backoff"
    );
    assert_eq!(
        retry_delay_ms(&busy(Some(60)), 1),
        None,
        "too long to sit through: show it"
    );
    let refused = ApiFailure::Http {
        status: 422,
        code: "price_mismatch".into(),
        message_key: Some("err_offer_changed".into()),
        retry_after: None,
        field: Some("orderLines[0].unitPrice".into()),
        price: None,
    };
    assert_eq!(retry_delay_ms(&refused, 1), None, "a final refusal is never retried");
    assert_eq!(refused.message_key(), kasse_core::MessageKey::ErrOfferChanged);
}

/// kasse-core's URL functions use the browser's own `URL` on wasm32: the same cases as natively.
#[wasm_bindgen_test]
fn urls_parse_in_the_browser_as_natively() {
    kasse_core::field::url_cases::run_all();
}
