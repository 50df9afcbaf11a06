//! The rules for `orderLines`: each line's product spec, price, access and receiver.

use super::fields::{opt_int, opt_money, opt_nonblank, Obj};
use super::party::validate_party;
use crate::errors::CidError;
use crate::seed::Seed;
use crate::util::money_json;
use serde_json::Value;

/// Checks every line; returns the sum of quantity × unit price and the first line without a price.
pub(super) fn order_lines(order: &Obj, seed: &Seed, currency: Option<&str>) -> Result<(i64, Option<usize>), CidError> {
    let lines = match order.get("orderLines") {
        Some(Value::Array(lines)) if !lines.is_empty() => lines,
        Some(Value::Array(_)) | None | Some(Value::Null) => {
            return Err(CidError::validation("orderLines must contain at least one order line"))
        }
        Some(_) => return Err(CidError::validation("orderLines must be an array")),
    };
    let mut sum_cents: i64 = 0;
    let mut line_without_price: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        let line = line
            .as_object()
            .ok_or_else(|| CidError::validation(format!("orderLines[{i}] must be an object")))?;
        let (price, quantity) = order_line(i, line, seed, currency)?;
        match price {
            Some(unit) => sum_cents += unit * quantity,
            None => {
                line_without_price.get_or_insert(i);
            }
        }
    }
    Ok((sum_cents, line_without_price))
}

/// One line: its unit price (the coupon's, for a coupon line) and quantity.
fn order_line(i: usize, line: &Obj, seed: &Seed, currency: Option<&str>) -> Result<(Option<i64>, i64), CidError> {
    let p = format!("orderLines[{i}].");
    let spec_type = opt_nonblank(line, "productSpecType", &p)?
        .ok_or_else(|| CidError::validation(format!("{p}productSpecType is required")))?;
    let quantity = opt_int(line, "quantity", &p)?.unwrap_or(1);
    if quantity < 1 {
        return Err(CidError::validation(format!("{p}quantity must be at least 1")));
    }
    let unit_price = opt_money(line, "unitPrice", &p)?;
    let price = match spec_type {
        "coupon" => Some(coupon_line(&p, line, seed, unit_price, currency)?),
        "product" | "issue" => {
            product_line(&p, line, seed, spec_type)?;
            unit_price
        }
        "article" => match line.get("articleDetail") {
            Some(Value::Object(detail)) if !detail.is_empty() => unit_price,
            _ => {
                return Err(CidError::validation(format!(
                    "{p}articleDetail is required for productSpecType article"
                )))
            }
        },
        other => {
            return Err(CidError::validation(format!(
                "{p}productSpecType {other:?} must be one of coupon, product, issue, article"
            )))
        }
    };
    access_and_extras(&p, i, line)?;
    Ok((price, quantity))
}

/// A coupon line names a known coupon; a unit price and currency, when given, are the coupon's.
fn coupon_line(
    p: &str,
    line: &Obj,
    seed: &Seed,
    unit_price: Option<i64>,
    currency: Option<&str>,
) -> Result<i64, CidError> {
    let (Some(code), Some(number)) = (
        opt_nonblank(line, "productSpecCode", p)?,
        opt_int(line, "productSpecNo", p)?,
    ) else {
        return Err(CidError::validation(format!(
            "{p}productSpecCode and {p}productSpecNo are required for productSpecType coupon"
        )));
    };
    let coupon = seed.coupon(code, number).ok_or_else(|| {
        CidError::bad(
            "CouponNotFoundException",
            format!("{p}coupon {code}/{number} not found"),
        )
    })?;
    if let Some(up) = unit_price {
        if up != coupon.price_cents() {
            return Err(CidError::bad(
                "InvalidPriceException",
                format!(
                    "{p}unitPrice {} does not match the price {} of coupon {code}/{number}",
                    money_json(up),
                    money_json(coupon.price_cents())
                ),
            ));
        }
    }
    if let Some(c) = currency {
        if c != coupon.currency {
            return Err(CidError::validation(format!(
                "currency {c} does not match the currency {} of coupon {code}/{number}",
                coupon.currency
            )));
        }
    }
    Ok(coupon.price_cents())
}

/// A product or issue line names a known product (an issue also its spec code and number).
fn product_line(p: &str, line: &Obj, seed: &Seed, spec_type: &str) -> Result<(), CidError> {
    let spec_code = opt_nonblank(line, "productSpecCode", p)?;
    let spec_no = opt_int(line, "productSpecNo", p)?;
    let product = opt_nonblank(line, "product", p)?;
    if spec_type == "issue" && (spec_code.is_none() || spec_no.is_none() || product.is_none()) {
        return Err(CidError::validation(format!(
            "{p}productSpecCode, {p}productSpecNo and {p}product are required for productSpecType issue"
        )));
    }
    let product =
        product.ok_or_else(|| CidError::validation(format!("{p}product is required for productSpecType product")))?;
    if !seed.has_product(product) {
        return Err(CidError::bad(
            "ProductNotFoundException",
            format!("{p}product {product} not found"),
        ));
    }
    Ok(())
}

/// Temporary access is a pair (a product to open and for how long); `startInfo` and `receiver`
/// are checked for shape.
fn access_and_extras(p: &str, i: usize, line: &Obj) -> Result<(), CidError> {
    let access_product = opt_nonblank(line, "allowAccessProduct", p)?;
    let access_seconds = opt_int(line, "allowAccessSeconds", p)?;
    if access_product.is_some() != access_seconds.is_some() {
        return Err(CidError::validation(format!(
            "{p}allowAccessProduct and {p}allowAccessSeconds must be given together"
        )));
    }
    if access_seconds.is_some_and(|s| s <= 0) {
        return Err(CidError::validation(format!("{p}allowAccessSeconds must be positive")));
    }
    if let Some(start) = line.get("startInfo").filter(|v| !v.is_null()) {
        let start = start
            .as_object()
            .ok_or_else(|| CidError::validation(format!("{p}startInfo must be an object")))?;
        opt_int(start, "startDate", &format!("{p}startInfo."))?;
    }
    if let Some(receiver) = line.get("receiver").filter(|v| !v.is_null()) {
        validate_party(receiver, &format!("orderLines[{i}].receiver"))?;
    }
    Ok(())
}
