//! The payment: method (ConnectID's payment-method table), prepayment, currency, the marketing
//! coupon, and `orderAmount` against the lines.

use super::fields::{opt_bool, opt_int, opt_money, opt_nonblank, opt_str, Obj};
use crate::errors::CidError;
use crate::seed::Seed;
use crate::util::money_json;

/// The payment method and whether the order is prepaid. What a method supports is ConnectID's
/// payment-method table (seed.toml says how its blank cells are read).
pub(super) fn check_method<'a>(order: &'a Obj, seed: &Seed) -> Result<(&'a str, bool), CidError> {
    let payment_method =
        opt_nonblank(order, "paymentMethod", "")?.ok_or_else(|| CidError::validation("paymentMethod is required"))?;
    let method = seed.payment_method(payment_method).ok_or_else(|| {
        CidError::bad(
            "InvalidPaymentMethodException",
            format!("paymentMethod {payment_method} is not a known payment method"),
        )
    })?;
    let recurring = opt_bool(order, "recurring", "")?.unwrap_or(false);
    let prepaid = opt_bool(order, "prepaid", "")?.unwrap_or(false);
    if recurring && !method.recurring || !recurring && !method.non_recurring {
        return Err(CidError::bad(
            "PaymentMethodNotSupportedException",
            format!("paymentMethod {payment_method} does not support recurring={recurring}"),
        ));
    }
    if prepaid && !method.prepaid {
        return Err(CidError::bad(
            "PaymentMethodNotSupportedException",
            format!("paymentMethod {payment_method} does not support prepaid=true"),
        ));
    }
    if prepaid {
        check_payment_info(order)?;
    }
    Ok((payment_method, prepaid))
}

/// A prepaid order carries the payment made before: a non-empty `paymentInfo…` object (the
/// documented `paymentInfoPayEx`, or a sibling for another provider).
fn check_payment_info(order: &Obj) -> Result<(), CidError> {
    if !has_payment_info(order) {
        return Err(CidError::validation(
            "a prepaid order needs the payment made before: a paymentInfo object (e.g. paymentInfoPayEx)",
        ));
    }
    Ok(())
}

/// Whether the order carries a payment made before it: a non-empty `paymentInfo…` object.
pub(crate) fn has_payment_info(order: &Obj) -> bool {
    order
        .iter()
        .any(|(k, v)| k.starts_with("paymentInfo") && v.as_object().is_some_and(|o| !o.is_empty()))
}

/// `currency`, when given: ISO 4217.
pub(super) fn check_currency(order: &Obj) -> Result<Option<String>, CidError> {
    let currency = opt_str(order, "currency", "")?.map(String::from);
    if let Some(c) = &currency {
        if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
            return Err(CidError::validation(format!(
                "currency {c:?} must be three upper-case letters (ISO 4217)"
            )));
        }
    }
    Ok(currency)
}

/// `marketingCouponCode` and `marketingCouponNumber`: both or neither, naming a known coupon.
pub(super) fn check_marketing_coupon(order: &Obj, seed: &Seed) -> Result<(), CidError> {
    let mc_code = opt_nonblank(order, "marketingCouponCode", "")?;
    let mc_number = opt_int(order, "marketingCouponNumber", "")?;
    match (mc_code, mc_number) {
        (Some(code), Some(number)) => {
            if seed.coupon(code, number).is_none() {
                return Err(CidError::bad(
                    "CouponNotFoundException",
                    format!("marketing coupon {code}/{number} not found"),
                ));
            }
            Ok(())
        }
        (None, None) => Ok(()),
        _ => Err(CidError::validation(
            "marketingCouponCode and marketingCouponNumber must be given together",
        )),
    }
}

/// `orderAmount`, when given, is the sum over the lines, each of which then names its price.
pub(super) fn check_amount(order: &Obj, sum_cents: i64, line_without_price: Option<usize>) -> Result<(), CidError> {
    let Some(amount) = opt_money(order, "orderAmount", "")? else {
        return Ok(());
    };
    if let Some(i) = line_without_price {
        return Err(CidError::validation(format!(
            "orderLines[{i}].unitPrice is required when orderAmount is given"
        )));
    }
    if amount != sum_cents {
        return Err(CidError::bad(
            "InvalidOrderAmountException",
            format!(
                "orderAmount {} does not equal the sum of quantity × unitPrice over the order lines ({})",
                money_json(amount),
                money_json(sum_cents)
            ),
        ));
    }
    Ok(())
}
