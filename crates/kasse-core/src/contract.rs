//! The gateway's widget API (`/kasse/v1`) where its shape is Kasse's own: the types both the
//! gateway's handlers and the widget use, so the two cannot drift.

use serde::{Deserialize, Serialize};

use crate::offer::Offer;

/// The request header that carries an order's token on every call after registration.
pub const ORDER_TOKEN_HEADER: &str = "Kasse-Order-Token";

/// The request header that carries a prepaid order's voucher: a JWT (HS256) the publisher's
/// server signs after taking the payment (claims `offer`, `amount`, `currency`, `transactionId`,
/// `merchantId`, `exp`, `jti`).
pub const PREPAYMENT_HEADER: &str = "Kasse-Prepayment";

/// The request header that carries the widget's attempt id where the vendor's payload has no
/// idempotency key of its own (S4 order creation): the same key and body answer the first answer.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Whether `key` is a usable attempt id (`externalOrderId`, `Idempotency-Key`): 8 to 64 of
/// `A-Z a-z 0-9 - _`. Long enough not to collide by chance, short and plain enough to store and log.
pub fn is_attempt_key(key: &str) -> bool {
    (8..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// How far an order's `orderDate` may be from the gateway's clock: a day covers every clock a
/// reader's device may have and a checkout left open overnight; beyond it a date is made up.
pub const ORDER_DATE_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

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

/// What `GET /kasse/v1/offers/{id}` answers: the offer and what the widget needs to act on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferInfo {
    /// The offer, as the gateway's catalog has it.
    pub offer: Offer,
    /// The payment methods the widget may show, after the vendor's support table (wire names).
    #[serde(default)]
    pub methods: Vec<String>,
    /// ConnectID's public half: client id and hosted fulfillment page. Absent for S4 offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "connectid"), serde(skip_deserializing))]
    pub connect_id: Option<ConnectIdPublic>,
    /// S4's public half: the publisher's URLs an S4 agreement carries. Absent for ConnectID offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "s4"), serde(skip_deserializing))]
    pub s4: Option<S4Public>,
}

/// The publisher's URLs on an S4 agreement that are not the article page: the widget writes them
/// into the order and the gateway refuses any other.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S4Public {
    /// Vipps/MobilePay `merchantAgreementUrl`: the publisher's page where a reader manages the
    /// agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_agreement_url: Option<String>,
    /// SwedbankPay `callbackUrl`: the gateway's callback endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// The body of `POST /kasse/v1/s4/orders`: the vendor's order as the browser built it, and the
/// reader's contact, which becomes the S4 subscriber the gateway attaches the order to (the
/// browser never names a subscriber).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct S4OrderRequest {
    /// S4's `POST /order` body, without a subscriber.
    pub order: crate::s4::OrderCreate,
    /// The new subscriber's contact.
    pub contact: crate::s4::Contact,
}

/// What the S4 order calls answer: the vendor's order id and status, where to send the reader to
/// approve, and (on creation) the order's token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S4OrderAnswer {
    /// The vendor's order GUID.
    pub id: String,
    /// S4's status.
    pub status: crate::s4::OrderStatus,
    /// The vendor's approval page (Vipps, MobilePay, SwedbankPay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_redirect_url: Option<String>,
    /// The order's token (send it as [`ORDER_TOKEN_HEADER`]); only on creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_token: Option<String>,
}

/// Body of `POST /kasse/v1/s4/orders/{id}/complete` (optional): how long S4 may hold the call
/// waiting for the reader's approval.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct S4CompleteRequest {
    /// Milliseconds (the gateway caps it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_polling_timeout: Option<u32>,
}

/// ConnectID facts that may be public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectIdPublic {
    /// The publisher's client id (it goes on the fulfillment URL).
    pub client_id: String,
    /// The hosted fulfillment page; the widget redirects to no other host.
    pub fulfillment_url: String,
    /// Readers can log in through the gateway (`/kasse/v1/login`).
    #[serde(default)]
    pub login: bool,
}

/// `{"error": ErrorBody}`: what the API answers on failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// The one error shape of the API. Only `code` and `message` are always present; `code` is
/// stable, `message` is English for developers (never shown to readers, never personal data);
/// `retryAfter` (seconds) is present exactly when retrying the same request may succeed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `price_mismatch`.
    pub code: String,
    /// Developer-facing English explanation.
    #[serde(default)]
    pub message: String,
    /// The offending field, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before retrying; only when a retry can help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// The kasse-core message key for the reader-facing text, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_key: Option<String>,
    /// Every field problem when there is more than one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldProblem>,
    /// The price the vendor quotes now, when it is not the one the reader was shown
    /// (`price_changed`): the widget shows it and asks again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<crate::money::Money>,
}

/// One field problem, as reported in `details`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// Path of the field, e.g. `orderLines[0].unitPrice`.
    pub field: String,
    /// Stable code, e.g. `price_mismatch`.
    pub code: String,
}

/// The request header the widget sends on every call that uses the reader's session (with
/// `credentials: "include"`): a custom header forces a CORS preflight, so only an allowed origin's
/// script can make a call that carries the session cookie.
pub const SESSION_HEADER: &str = "Kasse-Session";

/// What `GET /kasse/v1/session` answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// Whether the reader is logged in through this gateway.
    pub logged_in: bool,
    /// The reader's details to prefill, when logged in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ReaderProfile>,
}

/// A logged-in reader's details as the form uses them (no tokens, no ids beyond the customer
/// number).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReaderProfile {
    /// First (and middle) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone (E.164 as the vendor holds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// ConnectID's customer number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<String>,
}

/// What `GET /kasse/v1/offers/{id}/access` answers for a logged-in reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessInfo {
    /// The reader has the offer's product already: show that, not a form.
    pub has_access: bool,
}

/// What `GET /kasse/v1/offers/{id}/consent` answers: the consent's active text in the reader's
/// language, shown beside an unticked box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentInfo {
    /// The consent's id.
    pub consent_id: String,
    /// The text the reader agrees to by ticking.
    pub text: String,
}

/// `GET /kasse/v1/offers/{id}/preview`: the checkout's first screen, rendered by the gateway from
/// the widget's views, that the loader shows until the widget has started (`loader/kasse.js`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewInfo {
    /// The widget's root element with the form, as the widget renders it for a new reader.
    pub html: String,
    /// The widget's stylesheet, adopted by the shadow root as the widget does.
    pub css: String,
    /// The language tag it is in (`nb`, `sv`…): `kasse:ready`'s `locale`.
    pub locale: String,
    /// The status line's text while a press waits for the widget ("Processing …").
    pub busy: String,
    /// The status line's text when the widget's code could not be loaded ("reload the page").
    pub failed: String,
    /// The offer as `GET /kasse/v1/offers/{id}` answers it: the widget starts from it, and the
    /// loader need not ask for it apart (one request per new reader, not two).
    pub offer: OfferInfo,
}

/// The body of `POST /kasse/v1/logout`: where ConnectID's logout page sends the reader back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogoutRequest {
    /// The article page (on an allowed prefix).
    pub return_url: String,
}

/// What logout answers: the session is over at the gateway; the widget sends the reader to
/// `logoutUrl` (ConnectID's hosted logout) to end it there too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogoutAnswer {
    /// ConnectID's logout page, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logout_url: Option<String>,
}

/// The body of assign user: the reader's credential only; how the reader is told (message, link
/// URLs, lifetime) is the gateway's configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignUserBody {
    /// The payer's (or a gift's receiver's) e-mail or E.164 phone.
    pub credential: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_keys_are_plain_and_long_enough() {
        assert!(is_attempt_key("6f1c2b7e-0d6f-4b1e-9a57-2f2f0b9c7a11"));
        assert!(is_attempt_key("attempt_01"));
        for bad in [
            "short",
            "",
            "has space 123",
            "ünïcode-key",
            "a/b/c/d/e/f",
            &"x".repeat(65),
        ] {
            assert!(!is_attempt_key(bad), "{bad:?}");
        }
    }
}
