//! Every endpoint forwards to a real sandbox; idempotency on `externalOrderId`. One test binary,
//! one module per subject: the offers and health, ConnectID orders, S4 orders, idempotency.

#[path = "../common/mod.rs"]
mod common;

mod connectid;
mod idempotency;
mod offers;
mod preview;
mod s4;
