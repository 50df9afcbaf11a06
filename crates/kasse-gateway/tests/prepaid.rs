//! A prepaid order's voucher (the publisher's proof of the payment it took) is bound to one order
//! attempt, and freed again only when the vendor refused that attempt's order as invalid: nothing
//! was bought with it then, and the reader's corrected order may use it.

mod common;

use common::*;
use kasse_core::offer::ProductSpec;

const ORDERS: &str = "/kasse/v1/connectid/orders";

#[tokio::test]
async fn a_voucher_whose_order_the_vendor_refused_serves_the_next_attempt() {
    // A catalog the vendor disagrees with: it refuses the gift's product code.
    let stack = Stack::start_with(Default::default(), |s| {
        let gift = s.offers.get_mut("gift-3m").expect("the demo's gift");
        gift.product_spec = Some(ProductSpec::Coupon {
            code: "UNKNOWN".into(),
            number: 9999,
        });
    })
    .await;
    let voucher = voucher("gift-3m", 39_900, "T-9", "jti-refused");
    let (status, v) = stack
        .post_voucher(ORDERS, &voucher, &prepaid_order(&stack, "prepaid-refused-1", "T-9"))
        .await;
    assert!(
        (400..500).contains(&status) && error_code(&v) != "prepayment_invalid",
        "{status} {v}"
    );
    // The next attempt with the same voucher reaches the vendor (before, 403 prepayment_invalid).
    let (status, again) = stack
        .post_voucher(ORDERS, &voucher, &prepaid_order(&stack, "prepaid-refused-2", "T-9"))
        .await;
    assert_eq!((status, error_code(&again)), (status, error_code(&v)), "{again}");
    let registrations = stack.sandbox_list("requests").await;
    let calls = registrations
        .iter()
        .filter(|r| r["path"] == "/capi/v1/client/order")
        .count();
    assert_eq!(calls, 2, "both attempts reached the vendor");
    assert_eq!(stack.sandbox_order_count().await, 0);
    stack.shutdown().await;
}
