//! The ConnectID order rules, written from the vendor's client-order documentation independently
//! of kasse-core, so that a rule the client gets wrong shows up as
//! a rejected order.
//!
//! Types are checked strictly against ConnectID's example order (a string where the sample has a string,
//! an integer where it has an integer): the point of the sandbox is to catch a client that sends
//! `"51"` for `51`, even though a lenient Java mapper might coerce it.

use crate::errors::CidError;
use crate::seed::Seed;
use crate::util::{is_email, is_phone_like, money_cents, MoneyError};
use serde_json::{Map, Value};

mod lines;

use lines::order_lines;

/// What the sandbox keeps from a valid order.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidOrder {
    /// `externalOrderId`.
    pub external_order_id: Option<String>,
    /// `paymentMethod`.
    pub payment_method: String,
    /// `recurring`.
    pub recurring: bool,
    /// `prepaid`.
    pub prepaid: bool,
    /// Sum of quantity × unit price (coupon price where a coupon line has no unitPrice), minor units.
    pub amount_cents: i64,
    /// `currency`.
    pub currency: Option<String>,
    /// `payer.customerNumber`.
    pub customer_number: Option<i64>,
}

pub(super) type Obj = Map<String, Value>;

pub(super) fn opt_str<'a>(obj: &'a Obj, key: &str, path: &str) -> Result<Option<&'a str>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(CidError::validation(format!("{path}{key} must be a string"))),
    }
}

pub(super) fn opt_nonblank<'a>(obj: &'a Obj, key: &str, path: &str) -> Result<Option<&'a str>, CidError> {
    Ok(opt_str(obj, key, path)?.filter(|s| !s.trim().is_empty()))
}

pub(super) fn opt_int(obj: &Obj, key: &str, path: &str) -> Result<Option<i64>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| CidError::validation(format!("{path}{key} must be an integer"))),
    }
}

pub(super) fn opt_bool(obj: &Obj, key: &str, path: &str) -> Result<Option<bool>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(CidError::validation(format!("{path}{key} must be a boolean"))),
    }
}

pub(super) fn opt_money(obj: &Obj, key: &str, path: &str) -> Result<Option<i64>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => money_cents(v).map(Some).map_err(|e| {
            CidError::validation(match e {
                MoneyError::NotANumber => {
                    format!("{path}{key} must be a number (major units, e.g. 149.5)")
                }
                MoneyError::OutOfRange => format!("{path}{key} must be zero or positive"),
                MoneyError::TooPrecise => format!("{path}{key} has more than two decimals"),
            })
        }),
    }
}

pub(super) fn opt_strings<'a>(obj: &'a Obj, key: &str, path: &str) -> Result<Vec<&'a str>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .ok_or_else(|| CidError::validation(format!("{path}{key}[{i}] must be a string")))
            })
            .collect(),
        Some(_) => Err(CidError::validation(format!("{path}{key} must be an array of strings"))),
    }
}

/// The "commonly required fields" of a payer (and of a line's receiver, which has the same shape).
pub(super) fn validate_party(value: &Value, name: &str) -> Result<Option<i64>, CidError> {
    let party = value
        .as_object()
        .ok_or_else(|| CidError::validation(format!("{name} must be an object")))?;
    let p = format!("{name}.");
    if opt_nonblank(party, "companyName", &p)?.is_none() && opt_nonblank(party, "lastName", &p)?.is_none() {
        return Err(CidError::validation(format!(
            "{name}: companyName or lastName is required"
        )));
    }
    if opt_nonblank(party, "postalCode", &p)?.is_none() {
        return Err(CidError::validation(format!("{name}.postalCode is required")));
    }
    let emails = opt_strings(party, "emails", &p)?;
    let phones = opt_strings(party, "phoneNumbers", &p)?;
    if emails.is_empty() && phones.is_empty() {
        return Err(CidError::validation(format!(
            "{name}: emails or phoneNumbers is required"
        )));
    }
    for (i, e) in emails.iter().enumerate() {
        if !is_email(e) {
            return Err(CidError::validation(format!(
                "{name}.emails[{i}] is not a valid e-mail address"
            )));
        }
    }
    for (i, n) in phones.iter().enumerate() {
        if !is_phone_like(n) {
            return Err(CidError::validation(format!(
                "{name}.phoneNumbers[{i}] is not a valid phone number"
            )));
        }
    }
    if let Some(e) = opt_str(party, "invoiceEmailAddress", &p)? {
        if !is_email(e) {
            return Err(CidError::validation(format!(
                "{name}.invoiceEmailAddress is not a valid e-mail address"
            )));
        }
    }
    if let Some(cc) = opt_str(party, "countryCode", &p)? {
        if !(2..=3).contains(&cc.len()) || !cc.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(CidError::validation(format!(
                "{name}.countryCode must be 2 or 3 upper-case letters"
            )));
        }
    }
    for key in ["streetNumber", "floor", "birthDate"] {
        opt_int(party, key, &p)?;
    }
    opt_int(party, "customerNumber", &p)
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
    let (payment_method, recurring, prepaid) = check_method(order, seed)?;
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
        recurring,
        prepaid,
        amount_cents: sum_cents,
        currency,
        customer_number,
    })
}

/// The payment method and what it supports (ConnectID's payment-method table; seed.toml says how
/// its blank cells are read); a prepaid order carries the payment made before.
fn check_method<'a>(order: &'a Obj, seed: &Seed) -> Result<(&'a str, bool, bool), CidError> {
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
        let has_payment_info = order
            .iter()
            .any(|(k, v)| k.starts_with("paymentInfo") && v.as_object().is_some_and(|o| !o.is_empty()));
        if !has_payment_info {
            return Err(CidError::validation(
                "a prepaid order needs the payment made before: a paymentInfo object (e.g. paymentInfoPayEx)",
            ));
        }
    }
    Ok((payment_method, recurring, prepaid))
}

fn check_currency(order: &Obj) -> Result<Option<String>, CidError> {
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

fn check_marketing_coupon(order: &Obj, seed: &Seed) -> Result<(), CidError> {
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
fn check_amount(order: &Obj, sum_cents: i64, line_without_price: Option<usize>) -> Result<(), CidError> {
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
                crate::util::money_json(amount),
                crate::util::money_json(sum_cents)
            ),
        ));
    }
    Ok(())
}
