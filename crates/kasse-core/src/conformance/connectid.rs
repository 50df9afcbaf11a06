//! A ConnectID client order against its offer.

use super::refuse_present;
use crate::connectid::{validate_client_order, ClientOrder, OrderLine, PaymentMethod, ProductSpecType};
use crate::error_code::{ErrorCode, Errors, FieldError};
use crate::offer::{Backend, Offer, ProductSpec};

/// The longest `campaignParameters` accepted: a campaign's query string, not a payload.
pub const MAX_CAMPAIGN_PARAMETERS: usize = 200;

/// Checks a ConnectID order against its offer (and [`validate_client_order`]).
///
/// Refused: another back end; currency, price, amount, quantity (must be 1), line count (must be
/// 1), product/coupon, marketing coupon, access grant, recurring or prepaid that differ from the
/// offer; a method the offer does not show or that cannot carry the combination; and line fields
/// the widget never sets and that could change price or access (`voucherCode`, `promotionCode`,
/// rewards, `articleDetail`).
pub fn check_order_against_offer(order: &ClientOrder, offer: &Offer) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.extend(validate_client_order(order));
    if offer.backend != Backend::ConnectId {
        e.push("paymentMethod", ErrorCode::BackendMismatch);
        return e.finish();
    }
    check_terms(order, offer, &mut e);
    if order.order_lines.len() > 1 {
        e.push("orderLines", ErrorCode::InvalidQuantity);
    }
    if let Some(line) = order.order_lines.first() {
        check_line(line, offer, "orderLines[0]", &mut e);
    }
    check_order_fields(order, &mut e);
    e.finish()
}

/// What the order costs and how it is paid: currency, amount, recurring/prepaid, payment facts,
/// method and marketing coupon, each as the offer has it.
fn check_terms(order: &ClientOrder, offer: &Offer, e: &mut Errors) {
    if !order.currency.eq_ignore_ascii_case(offer.currency.code()) {
        e.push("currency", ErrorCode::CurrencyMismatch);
    }
    if order.order_amount != offer.price {
        e.push("orderAmount", ErrorCode::PriceMismatch);
    }
    if order.recurring.unwrap_or(false) != offer.recurring {
        e.push("recurring", ErrorCode::RecurringMismatch);
    }
    if order.prepaid.unwrap_or(false) != offer.prepaid {
        e.push("prepaid", ErrorCode::PrepaidMismatch);
    }
    // Payment facts belong to a prepaid order only: on any other they would claim a payment the
    // vendor never took.
    if !offer.prepaid && order.payment_info_pay_ex.is_some() {
        e.push("paymentInfoPayEx", ErrorCode::UnexpectedField);
    }
    if !PaymentMethod::for_offer(offer).contains(&order.payment_method) {
        e.push("paymentMethod", ErrorCode::MethodNotAllowed);
    }
    let (code, number) = match &offer.marketing_coupon {
        Some(c) => (Some(c.code.as_str()), Some(c.number)),
        None => (None, None),
    };
    if order.marketing_coupon_code.as_deref() != code || order.marketing_coupon_number != number {
        e.push("marketingCouponCode", ErrorCode::CouponMismatch);
    }
}

/// The one order line: quantity 1 at the offer's price, the offer's product and access grant, and
/// none of the fields that would change price, delivery or receiver.
fn check_line(line: &OrderLine, offer: &Offer, p: &str, e: &mut Errors) {
    if line.quantity != 1 {
        e.push(format!("{p}.quantity"), ErrorCode::InvalidQuantity);
    }
    if line.unit_price != Some(offer.price) {
        e.push(format!("{p}.unitPrice"), ErrorCode::PriceMismatch);
    }
    check_line_product(line, offer.product_spec.as_ref(), p, e);
    let access = offer.access.as_ref();
    if line.allow_access_product.as_deref() != access.map(|a| a.product.as_str())
        || line.allow_access_seconds != access.map(|a| a.seconds)
        || line.allow_access_category_type.as_deref() != access.and_then(|a| a.category_type.as_deref())
    {
        e.push(format!("{p}.allowAccessProduct"), ErrorCode::AccessMismatch);
    }
    refuse_present(
        e,
        &format!("{p}."),
        &[
            ("voucherCode", line.voucher_code.is_some()),
            ("promotionCode", line.promotion_code.is_some()),
            ("rewardPartnerId", line.reward_partner_id.is_some()),
            ("rewardId", line.reward_id.is_some()),
            ("articleDetail", line.article_detail.is_some()),
            // A start date and a receiver change what is delivered to whom: only what the
            // offer sells (a gift offer has a receiver).
            ("startInfo", line.start_info.is_some()),
            ("receiver", line.receiver.is_some() && !offer.gift),
        ],
    );
}

/// The line buys the offer's coupon (code + number) or product, and nothing of the other kind.
fn check_line_product(line: &OrderLine, spec: Option<&ProductSpec>, p: &str, e: &mut Errors) {
    match spec {
        Some(ProductSpec::Coupon { code, number }) => {
            if line.product_spec_type != ProductSpecType::Coupon {
                e.push(format!("{p}.productSpecType"), ErrorCode::ProductMismatch);
            }
            if line.product_spec_code.as_deref() != Some(code.as_str()) {
                e.push(format!("{p}.productSpecCode"), ErrorCode::ProductMismatch);
            }
            if line.product_spec_no != Some(*number) {
                e.push(format!("{p}.productSpecNo"), ErrorCode::ProductMismatch);
            }
            if line.product.is_some() {
                e.push(format!("{p}.product"), ErrorCode::UnexpectedField);
            }
        }
        Some(ProductSpec::Product { product }) => {
            if line.product_spec_type != ProductSpecType::Product {
                e.push(format!("{p}.productSpecType"), ErrorCode::ProductMismatch);
            }
            if line.product.as_deref() != Some(product.as_str()) {
                e.push(format!("{p}.product"), ErrorCode::ProductMismatch);
            }
            if line.product_spec_code.is_some() || line.product_spec_no.is_some() {
                e.push(format!("{p}.productSpecCode"), ErrorCode::UnexpectedField);
            }
        }
        None => e.push(format!("{p}.productSpecType"), ErrorCode::ProductMismatch),
    }
}

/// The order's fields that no offer sets: binding the order to an existing customer or user,
/// another merchant, seller or sales channel is the publisher's business (its gateway sets them
/// from configuration), never the browser's. Campaign parameters are free text, bounded.
fn check_order_fields(order: &ClientOrder, e: &mut Errors) {
    refuse_present(
        e,
        "",
        &[
            ("payer.customerNumber", order.payer.customer_number.is_some()),
            ("uniqueUserId", order.unique_user_id.is_some()),
            ("merchantId", order.merchant_id.is_some()),
            ("companyCode", order.company_code.is_some()),
            ("seller", order.seller.is_some()),
            ("salesMethod", order.sales_method.is_some()),
        ],
    );
    if let Some(c) = &order.campaign_parameters {
        if c.chars().count() > MAX_CAMPAIGN_PARAMETERS {
            e.push("campaignParameters", ErrorCode::TooLong);
        } else if c.chars().any(char::is_control) {
            e.push("campaignParameters", ErrorCode::InvalidValue);
        }
    }
}
