//! Kasse's order domain: vendor payload types, validation, conformance to the offer, the
//! registration flows, vendor errors and reader-facing messages. Pure: no web, no I/O, no clock
//! (times are epoch milliseconds passed in), so it runs the same natively, in the gateway and in
//! the browser bundle.
//!
//! Every rule lives here once: the widget validates and builds payloads with it, the gateway
//! re-checks what the browser sent with [`conformance`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod attempt;
pub mod checkout;
pub mod conformance;
pub mod connectid;
pub mod contract;
pub mod decimal;
pub mod error_code;
pub mod field;
pub mod i18n;
pub mod lifecycle;
pub mod money;
pub mod offer;
pub mod s4;
pub mod vendor_error;

pub use checkout::{build_client_order, build_s4_request, CheckoutForm};
pub use conformance::{check_order_against_offer, check_s4_request_against_offer};
pub use connectid::{
    decide_flow, fulfillment_url, next_steps, parse_fulfillment_return, validate_client_order, Flow, FulfillmentStatus,
    PaymentMethod, Step,
};
pub use error_code::{ErrorCode, FieldError};
pub use i18n::{format_price, t, Locale, MessageKey};
pub use money::{Currency, Money};
pub use offer::{Backend, Offer};
pub use s4::S4PaymentMethod;
pub use vendor_error::{parse_vendor_error, VendorError};
