//! ConnectID (Mediaconnect / Unite): the client order with the vendor's wire names, the rules its
//! API documents, the payment-method table, the four registration flows, the hosted fulfillment
//! page, the calls on a registered order, coupon price and start subscription.

mod calls;
mod consent;
mod coupon;
mod customer;
mod flow;
mod fulfillment;
mod method;
mod order;
mod rules;
mod subscription;

pub use calls::*;
pub use consent::*;
pub use coupon::*;
pub use customer::*;
pub use flow::*;
pub use fulfillment::*;
pub use method::*;
pub use order::*;
pub use rules::validate_client_order;
pub use subscription::*;
