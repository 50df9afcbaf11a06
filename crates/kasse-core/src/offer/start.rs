//! An offer that starts a subscription for a logged-in reader through a coupon (ConnectID's
//! "Start subscription", `POST /v1/subscription`): access included with a paper subscription, or
//! a free trial. Nothing is paid through the widget, so such an offer costs 0.

use serde::{Deserialize, Serialize};

use super::{Coupon, Offer};
use crate::error_code::{ErrorCode, Errors, Limits};

/// `startSubscription` of an offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartSpec {
    /// The product started (≤ 12).
    pub product: String,
    /// The coupon it is started through.
    pub coupon: Coupon,
    /// Copies (at least 1).
    #[serde(default = "one")]
    pub copies: u32,
    /// Ends this many days after it starts; absent: runs until stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Company code (≤ 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_code: Option<String>,
}

fn one() -> u32 {
    1
}

/// Milliseconds in a day, for `endTime`.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A start-subscription offer: ConnectID's limits, at least one copy and day, a price of 0, and
/// nothing of an order (methods, order line).
pub(super) fn check_start_offer(offer: &Offer, s: &StartSpec, e: &mut Errors) {
    e.required_len("startSubscription.product", &s.product, Limits::PRODUCT);
    e.required_len("startSubscription.coupon.code", &s.coupon.code, Limits::COUPON_CODE);
    if s.coupon.number < 0 {
        e.push("startSubscription.coupon.number", ErrorCode::InvalidValue);
    }
    e.optional_len(
        "startSubscription.companyCode",
        s.company_code.as_ref(),
        Limits::COMPANY_CODE,
    );
    if s.copies == 0 {
        e.push("startSubscription.copies", ErrorCode::InvalidQuantity);
    }
    if s.days == Some(0) {
        e.push("startSubscription.days", ErrorCode::InvalidValue);
    }
    if offer.price.minor() != 0 {
        e.push("price", ErrorCode::PriceMismatch);
    }
    if !offer.allowed_methods.is_empty() {
        e.push("allowedMethods", ErrorCode::UnexpectedField);
    }
    if offer.product_spec.is_some() {
        e.push("productSpec", ErrorCode::UnexpectedField);
    }
}
