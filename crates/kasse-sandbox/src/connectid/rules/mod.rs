//! The ConnectID order rules, written from the vendor's client-order documentation independently
//! of kasse-core, so that a rule the client gets wrong shows up as a rejected order. One module per
//! rule family: the payer (and line receivers), the payment, the order lines.
//!
//! Types are checked strictly against ConnectID's example order (a string where the sample has a string,
//! an integer where it has an integer): the point of the sandbox is to catch a client that sends
//! `"51"` for `51`, even though a lenient Java mapper might coerce it.

use crate::errors::CidError;
use crate::seed::Seed;
use serde_json::Value;

mod fields;
mod lines;
mod party;
mod payment;

pub(crate) use payment::has_payment_info;

use fields::{opt_int, opt_str};
use lines::order_lines;
use party::validate_party;
use payment::{check_amount, check_currency, check_marketing_coupon, check_method};

/// What the sandbox keeps from a valid order.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidOrder {
    /// `externalOrderId`.
    pub external_order_id: Option<String>,
    /// `paymentMethod`.
    pub payment_method: String,
    /// `prepaid`.
    pub prepaid: bool,
    /// Sum of quantity × unit price (coupon price where a coupon line has no unitPrice), minor units.
    pub amount_cents: i64,
    /// `currency`.
    pub currency: Option<String>,
    /// `payer.customerNumber`.
    pub customer_number: Option<i64>,
}

/// Validates a register-order body (client mode and user mode share the rules).
pub fn validate_order(body: &Value, seed: &Seed) -> Result<ValidOrder, CidError> {
    let order = body
        .as_object()
        .ok_or_else(|| CidError::validation("the request body must be a JSON object"))?;
    let external_order_id = opt_str(order, "externalOrderId", "")?.map(String::from);
    if external_order_id.as_deref().is_some_and(|e| e.trim().is_empty()) {
        return Err(CidError::validation("externalOrderId must not be blank"));
    }
    opt_int(order, "orderDate", "")?;
    let (payment_method, prepaid) = check_method(order, seed)?;
    let currency = check_currency(order)?;
    check_marketing_coupon(order, seed)?;
    opt_str(order, "campaignParameters", "")?;
    opt_str(order, "companyCode", "")?;
    opt_str(order, "customerReference", "")?;
    let payer = order
        .get("payer")
        .filter(|v| !v.is_null())
        .ok_or_else(|| CidError::validation("payer is required"))?;
    let customer_number = validate_party(payer, "payer")?;
    let (sum_cents, line_without_price) = order_lines(order, seed, currency.as_deref())?;
    check_amount(order, sum_cents, line_without_price)?;
    Ok(ValidOrder {
        external_order_id,
        payment_method: payment_method.to_string(),
        prepaid,
        amount_cents: sum_cents,
        currency,
        customer_number,
    })
}
