//! The rules ConnectID's client order API documents for a register-order body, checked all at
//! once so the reader sees every problem together.

use crate::connectid::{CardDetails, ClientOrder, OrderLine, Party, ProductSpecType};
use crate::error_code::{at, item, ErrorCode, Errors, FieldError, Limits};
use crate::field::{is_e164, is_iso_country, is_valid_email, normalize_postal_code};
use crate::money::is_iso_currency;

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// Checks a ConnectID client order against every rule ConnectID documents; returns all
/// violations at once.
pub fn validate_client_order(order: &ClientOrder) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    check_header(&mut e, order);
    check_party(&mut e, "payer", &order.payer);
    if order.order_lines.is_empty() {
        e.push("orderLines", ErrorCode::Required);
    }
    let mut sum: Option<i64> = Some(0);
    for (i, line) in order.order_lines.iter().enumerate() {
        check_line(&mut e, &item("orderLines", i), line);
        sum = match (sum, line.unit_price) {
            (Some(s), Some(p)) => p.minor().checked_mul(line.quantity).and_then(|v| s.checked_add(v)),
            _ => None,
        };
    }
    // The vendor (and the sandbox) check orderAmount == Σ quantity × unitPrice; only decidable when
    // every line carries a price.
    if let Some(sum) = sum {
        if !order.order_lines.is_empty() && sum != order.order_amount.minor() {
            e.push("orderAmount", ErrorCode::AmountMismatch);
        }
    }
    if let Some(card) = order.payment_info_pay_ex.as_ref().and_then(|i| i.card_details.as_ref()) {
        check_card(&mut e, card);
    }
    e.finish()
}

/// The order's own fields: id, date, currency, amount, marketing coupon (both or neither), the
/// documented lengths, and a method the support table allows for recurring/prepaid.
fn check_header(e: &mut Errors, order: &ClientOrder) {
    if let Some(id) = &order.external_order_id {
        if id.trim().is_empty() {
            e.push("externalOrderId", ErrorCode::Required);
        }
    }
    if let Some(d) = order.order_date {
        if d < 0 {
            e.push("orderDate", ErrorCode::InvalidDate);
        }
    }
    if !is_iso_currency(&order.currency) {
        e.push("currency", ErrorCode::InvalidCurrency);
    }
    if order.order_amount.minor() < 0 || !order.order_amount.is_exact_on_wire() {
        e.push("orderAmount", ErrorCode::InvalidAmount);
    }
    match (&order.marketing_coupon_code, order.marketing_coupon_number) {
        (None, None) => {}
        (Some(code), Some(_)) => e.required_len("marketingCouponCode", code, Limits::COUPON_CODE),
        (Some(_), None) => e.push("marketingCouponNumber", ErrorCode::CouponIncomplete),
        (None, Some(_)) => e.push("marketingCouponCode", ErrorCode::CouponIncomplete),
    }
    e.optional_len("companyCode", order.company_code.as_ref(), Limits::COMPANY_CODE);
    e.optional_len(
        "customerReference",
        order.customer_reference.as_ref(),
        Limits::CUSTOMER_REFERENCE,
    );
    if !order
        .payment_method
        .supports(order.recurring.unwrap_or(false), order.prepaid.unwrap_or(false))
    {
        e.push("paymentMethod", ErrorCode::MethodUnsupported);
    }
}

/// A prepaid order's card expiry: month 1–12, year in two or four digits.
fn check_card(e: &mut Errors, card: &CardDetails) {
    if let Some(m) = &card.exp_month {
        let ok = m.len() <= 2 && m.parse::<u8>().is_ok_and(|v| (1..=12).contains(&v));
        if !ok {
            e.push("paymentInfoPayEx.cardDetails.expMonth", ErrorCode::InvalidValue);
        }
    }
    if let Some(y) = &card.exp_year {
        let ok = (y.len() == 2 || y.len() == 4) && y.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            e.push("paymentInfoPayEx.cardDetails.expYear", ErrorCode::InvalidValue);
        }
    }
}

fn check_party(e: &mut Errors, path: &str, p: &Party) {
    if blank(&p.company_name) && blank(&p.last_name) {
        e.push(at(path, "lastName"), ErrorCode::NameRequired);
    }
    let country = p.country_code.as_deref().unwrap_or("");
    if let Some(c) = &p.country_code {
        if !is_iso_country(c) {
            e.push(at(path, "countryCode"), ErrorCode::InvalidCountry);
        }
    }
    match &p.postal_code {
        None => e.push(at(path, "postalCode"), ErrorCode::Required),
        Some(pc) => {
            if let Err(code) = normalize_postal_code(pc, country) {
                e.push(at(path, "postalCode"), code);
            }
        }
    }
    if let Some(pc) = &p.postal_address_postal_code {
        if let Err(code) = normalize_postal_code(pc, country) {
            e.push(at(path, "postalAddressPostalCode"), code);
        }
    }
    let emails = p.emails.as_deref().unwrap_or(&[]);
    let phones = p.phone_numbers.as_deref().unwrap_or(&[]);
    if emails.is_empty() && phones.is_empty() {
        e.push(at(path, "emails"), ErrorCode::ContactRequired);
    }
    for (i, m) in emails.iter().enumerate() {
        if !is_valid_email(m) {
            e.push(item(&at(path, "emails"), i), ErrorCode::InvalidEmail);
        }
    }
    for (i, ph) in phones.iter().enumerate() {
        if !is_e164(ph) {
            e.push(item(&at(path, "phoneNumbers"), i), ErrorCode::InvalidPhone);
        }
    }
    if let Some(m) = &p.invoice_email_address {
        if !is_valid_email(m) {
            e.push(at(path, "invoiceEmailAddress"), ErrorCode::InvalidEmail);
        }
    }
}

/// One order line: what its `productSpecType` requires (ConnectID's table), quantity, price,
/// lengths, a complete access grant, and its receiver like a payer.
fn check_line(e: &mut Errors, path: &str, l: &OrderLine) {
    check_line_product(e, path, l);
    if l.quantity < 1 {
        e.push(at(path, "quantity"), ErrorCode::InvalidQuantity);
    }
    if let Some(p) = l.unit_price {
        if p.minor() < 0 || !p.is_exact_on_wire() {
            e.push(at(path, "unitPrice"), ErrorCode::InvalidAmount);
        }
    }
    e.optional_len(&at(path, "voucherCode"), l.voucher_code.as_ref(), Limits::VOUCHER_CODE);
    let any_access =
        l.allow_access_product.is_some() || l.allow_access_seconds.is_some() || l.allow_access_category_type.is_some();
    if any_access {
        if blank(&l.allow_access_product) {
            e.push(at(path, "allowAccessProduct"), ErrorCode::AccessIncomplete);
        }
        match l.allow_access_seconds {
            None => e.push(at(path, "allowAccessSeconds"), ErrorCode::AccessIncomplete),
            Some(s) if s <= 0 => e.push(at(path, "allowAccessSeconds"), ErrorCode::InvalidValue),
            Some(_) => {}
        }
    }
    if let Some(a) = &l.article_detail {
        e.optional_len(
            &at(path, "articleDetail.companyCode"),
            a.company_code.as_ref(),
            Limits::COMPANY_CODE,
        );
        e.optional_len(&at(path, "articleDetail.product"), a.product.as_ref(), Limits::PRODUCT);
    }
    if let Some(r) = &l.receiver {
        check_party(e, &at(path, "receiver"), r);
    }
}

/// The fields each `productSpecType` requires (coupon: code + number; issue: code + number +
/// product; product: product; article: articleDetail), and their lengths.
fn check_line_product(e: &mut Errors, path: &str, l: &OrderLine) {
    let product_missing = blank(&l.product);
    match l.product_spec_type {
        ProductSpecType::Coupon | ProductSpecType::Issue => {
            if blank(&l.product_spec_code) {
                e.push(at(path, "productSpecCode"), ErrorCode::Required);
            }
            if l.product_spec_no.is_none() {
                e.push(at(path, "productSpecNo"), ErrorCode::Required);
            }
            if l.product_spec_type == ProductSpecType::Issue && product_missing {
                e.push(at(path, "product"), ErrorCode::Required);
            }
        }
        ProductSpecType::Product => {
            if product_missing {
                e.push(at(path, "product"), ErrorCode::Required);
            }
        }
        ProductSpecType::Article => {
            if l.article_detail.is_none() {
                e.push(at(path, "articleDetail"), ErrorCode::Required);
            }
        }
    }
    if l.product_spec_type == ProductSpecType::Coupon {
        if let Some(c) = &l.product_spec_code {
            if !c.trim().is_empty() && c.chars().count() > Limits::COUPON_CODE {
                e.push(at(path, "productSpecCode"), ErrorCode::TooLong);
            }
        }
    }
    if let Some(p) = &l.product {
        if !p.trim().is_empty() && p.chars().count() > Limits::PRODUCT {
            e.push(at(path, "product"), ErrorCode::TooLong);
        }
    }
    if let Some(n) = l.product_spec_no {
        if n < 0 {
            e.push(at(path, "productSpecNo"), ErrorCode::InvalidValue);
        }
    }
}
