//! Does an order that arrived from a browser buy exactly what the offer sells?
//!
//! The widget builds the vendor payload in the browser, so the gateway must not trust it: these
//! checks compare every field that affects price, product, access or payment with the offer from
//! the gateway's own catalog. Each check also runs the payload's validation, so one call returns
//! every problem.

use crate::connectid::{validate_client_order, ClientOrder, PaymentMethod, ProductSpecType};
use crate::error_code::{ErrorCode, Errors, FieldError};
use crate::offer::{Backend, Offer, ProductSpec};
use crate::s4::{self, OrderCreate, S4PaymentMethod};

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
    if !order.currency.eq_ignore_ascii_case(offer.currency.code()) {
        e.push("currency", ErrorCode::CurrencyMismatch);
    }
    if order.order_amount != offer.price {
        e.push("orderAmount", ErrorCode::PriceMismatch);
    }
    let recurring = order.recurring.unwrap_or(false);
    let prepaid = order.prepaid.unwrap_or(false);
    if recurring != offer.recurring {
        e.push("recurring", ErrorCode::RecurringMismatch);
    }
    if prepaid != offer.prepaid {
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
    if order.order_lines.len() > 1 {
        e.push("orderLines", ErrorCode::InvalidQuantity);
    }
    if let Some(line) = order.order_lines.first() {
        let p = "orderLines[0]";
        if line.quantity != 1 {
            e.push(format!("{p}.quantity"), ErrorCode::InvalidQuantity);
        }
        if line.unit_price != Some(offer.price) {
            e.push(format!("{p}.unitPrice"), ErrorCode::PriceMismatch);
        }
        match &offer.product_spec {
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
        let access = offer.access.as_ref();
        if line.allow_access_product.as_deref() != access.map(|a| a.product.as_str())
            || line.allow_access_seconds != access.map(|a| a.seconds)
            || line.allow_access_category_type.as_deref() != access.and_then(|a| a.category_type.as_deref())
        {
            e.push(format!("{p}.allowAccessProduct"), ErrorCode::AccessMismatch);
        }
        for (name, present) in [
            ("voucherCode", line.voucher_code.is_some()),
            ("promotionCode", line.promotion_code.is_some()),
            ("rewardPartnerId", line.reward_partner_id.is_some()),
            ("rewardId", line.reward_id.is_some()),
            ("articleDetail", line.article_detail.is_some()),
            // A start date and a receiver change what is delivered to whom: only what the
            // offer sells (a gift offer has a receiver).
            ("startInfo", line.start_info.is_some()),
            ("receiver", line.receiver.is_some() && !offer.gift),
        ] {
            if present {
                e.push(format!("{p}.{name}"), ErrorCode::UnexpectedField);
            }
        }
    }
    check_order_fields(order, &mut e);
    e.finish()
}

/// The order's fields that no offer sets: binding the order to an existing customer or user,
/// another merchant, seller or sales channel is the publisher's business (its gateway sets them
/// from configuration), never the browser's. Campaign parameters are free text, bounded.
fn check_order_fields(order: &ClientOrder, e: &mut Errors) {
    for (name, present) in [
        ("payer.customerNumber", order.payer.customer_number.is_some()),
        ("uniqueUserId", order.unique_user_id.is_some()),
        ("merchantId", order.merchant_id.is_some()),
        ("companyCode", order.company_code.is_some()),
        ("seller", order.seller.is_some()),
        ("salesMethod", order.sales_method.is_some()),
    ] {
        if present {
            e.push(name, ErrorCode::UnexpectedField);
        }
    }
    if let Some(c) = &order.campaign_parameters {
        if c.chars().count() > MAX_CAMPAIGN_PARAMETERS {
            e.push("campaignParameters", ErrorCode::TooLong);
        } else if c.chars().any(char::is_control) {
            e.push("campaignParameters", ErrorCode::InvalidValue);
        }
    }
}

/// The longest `campaignParameters` accepted: a campaign's query string, not a payload.
pub const MAX_CAMPAIGN_PARAMETERS: usize = 200;

/// Checks an S4 order against its offer (and [`s4::validate_s4_order`]).
///
/// Refused: another template or organization; products outside the offer's choice (or a
/// different set when the offer fixes one); a price override the offer does not carry or that
/// differs from the offer's price; a method the offer does not show; `subscriberId` and
/// `paymentAgreementId` (a browser must not attach an order to someone else's subscriber or
/// agreement: new subscribers come by `externalSubscriberId`); and agreement URLs that do not
/// start with one of `allowed_url_prefixes` (e.g. `https://news.example.no/kasse/`).
pub fn check_s4_order_against_offer(
    order: &OrderCreate,
    offer: &Offer,
    allowed_url_prefixes: &[String],
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.extend(s4::validate_s4_order(order));
    let Some(t) = offer.s4.as_ref().filter(|_| offer.backend == Backend::S4) else {
        e.push("templatePackageId", ErrorCode::BackendMismatch);
        return e.finish();
    };
    if !order.template_package_id.eq_ignore_ascii_case(&t.template_package_id) {
        e.push("templatePackageId", ErrorCode::ProductMismatch);
    }
    if order.organization_id.as_deref().map(str::to_ascii_lowercase)
        != t.organization_id.as_deref().map(str::to_ascii_lowercase)
    {
        e.push("organizationId", ErrorCode::ProductMismatch);
    }
    if order.subscriber_id.is_some() {
        e.push("subscriberId", ErrorCode::UnexpectedField);
    }
    if order.payment_agreement_id.is_some() {
        e.push("paymentAgreementId", ErrorCode::UnexpectedField);
    }
    if order.invoice_contact_id.is_some() {
        e.push("invoiceContactId", ErrorCode::UnexpectedField);
    }
    // An existing subscriber by number is not the browser's to choose.
    if order.subscriber_number.is_some() {
        e.push("subscriberNumber", ErrorCode::UnexpectedField);
    }
    let choices = order.template_package_choices.clone().unwrap_or_default();
    let p = "templatePackageChoices";
    let chosen = choices.products.clone().unwrap_or_default();
    let lower = |v: &[String]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_ascii_lowercase()).collect();
        v.sort();
        v
    };
    if lower(&chosen) != lower(&t.products) {
        for (i, id) in chosen.iter().enumerate() {
            if !t.products.iter().any(|o| o.eq_ignore_ascii_case(id)) {
                e.push(format!("{p}.products[{i}]"), ErrorCode::ProductNotAllowed);
            }
        }
        e.push(format!("{p}.products"), ErrorCode::ProductMismatch);
    }
    match (choices.price_override, t.price_override) {
        (None, false) => {}
        (Some(price), true) if price == offer.price => {}
        (Some(_), true) => e.push(format!("{p}.priceOverride"), ErrorCode::PriceMismatch),
        (None, true) => e.push(format!("{p}.priceOverride"), ErrorCode::Required),
        (Some(_), false) => e.push(format!("{p}.priceOverride"), ErrorCode::PriceOverrideNotAllowed),
    }
    // Plan choices change what is billed; the offer does not set them, so the browser must not.
    for (name, present) in [
        ("billingFrequencyId", choices.billing_frequency_id.is_some()),
        ("billingPlanId", choices.billing_plan_id.is_some()),
        ("enterprisePlanId", choices.enterprise_plan_id.is_some()),
        ("permanentDiscountId", choices.permanent_discount_id.is_some()),
        ("numberOfEditions", choices.number_of_editions.is_some()),
        ("units", choices.units.is_some()),
        ("startTime", choices.start_time.is_some()),
    ] {
        if present {
            e.push(format!("{p}.{name}"), ErrorCode::UnexpectedField);
        }
    }
    let allowed = S4PaymentMethod::for_offer(offer);
    match &order.payment_agreement_parameters {
        None => e.push("paymentAgreementParameters", ErrorCode::Required),
        Some(pa) => {
            if !allowed.contains(&pa.payment_method) {
                e.push("paymentAgreementParameters.paymentMethod", ErrorCode::MethodNotAllowed);
            }
            let mut urls: Vec<(String, &str)> = Vec::new();
            if let Some(v) = &pa.vipps_mobile_pay_parameters {
                let q = "paymentAgreementParameters.vippsMobilePayParameters";
                urls.push((format!("{q}.merchantAgreementUrl"), &v.merchant_agreement_url));
                urls.push((format!("{q}.merchantRedirectUrl"), &v.merchant_redirect_url));
            }
            if let Some(x) = &pa.pay_ex_ecommerce_parameters {
                let q = "paymentAgreementParameters.payExEcommerceParameters";
                urls.push((format!("{q}.callbackUrl"), &x.callback_url));
                urls.push((format!("{q}.cancelUrl"), &x.cancel_url));
                urls.push((format!("{q}.completeUrl"), &x.complete_url));
            }
            for (path, u) in urls {
                if !u.is_empty() && !url_has_allowed_prefix(u, allowed_url_prefixes) {
                    e.push(path, ErrorCode::UrlNotAllowed);
                }
            }
        }
    }
    e.finish()
}

/// Whether `candidate` may be sent on: an absolute URL already in the WHATWG parser's normal
/// form (so what was checked is byte for byte what is forwarded), without user info, backslashes,
/// whitespace or control characters, on the origin (scheme, host, port) of one of the prefixes and
/// under its path. A prefix should end in `/`, so `https://news.example.no.evil.com/` cannot pass
/// for `https://news.example.no`; prefixes without a path get one.
pub fn url_has_allowed_prefix(candidate: &str, allowed_prefixes: &[String]) -> bool {
    if candidate
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let Ok(c) = url::Url::parse(candidate) else {
        return false;
    };
    if c.as_str() != candidate || !c.username().is_empty() || c.password().is_some() {
        return false;
    }
    allowed_prefixes.iter().any(|prefix| match url::Url::parse(prefix) {
        Ok(p) => c.as_str().starts_with(p.as_str()) && c.origin() == p.origin(),
        Err(_) => false,
    })
}
