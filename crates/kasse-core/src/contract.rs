//! The gateway's widget API (`/kasse/v1`) where its shape is Kasse's own: the types both the
//! gateway's handlers and the widget use, so the two cannot drift.

use serde::{Deserialize, Serialize};

/// The request header that carries an order's token on every call after registration.
pub const ORDER_TOKEN_HEADER: &str = "Kasse-Order-Token";

/// The request header that carries a prepaid order's voucher: a JWT (HS256) the publisher's
/// server signs after taking the payment (claims `offer`, `amount`, `currency`, `transactionId`,
/// `merchantId`, `exp`, `jti`).
pub const PREPAYMENT_HEADER: &str = "Kasse-Prepayment";

/// The request header that carries the widget's attempt id where the vendor's payload has no
/// idempotency key of its own (S4 order creation): the same key and body answer the first answer.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// What registering a ConnectID order answers: the vendor's order id and the token that later
/// calls on the order must carry. A replayed registration answers the same token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectIdOrderRegistered {
    /// The vendor's order id.
    pub order_id: i64,
    /// The order's token (send it as [`ORDER_TOKEN_HEADER`]).
    pub order_token: String,
}
