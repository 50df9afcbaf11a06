//! Info-Subscription S4: template-package orders with product choices, price override and
//! Vipps/MobilePay/SwedbankPay payment agreements.

mod method;
mod order;
mod rules;
mod steps;
mod subscriber;

pub use method::*;
pub use order::*;
pub use rules::{validate_s4_order, validate_s4_order_body};
pub use steps::*;
pub use subscriber::*;
