//! An S4 order against its offer.

use super::{refuse_present, url_has_allowed_prefix};
use crate::contract::{S4OrderRequest, S4Public};
use crate::error_code::{ErrorCode, Errors, FieldError};
use crate::offer::{s4_check_choice, Backend, Offer, S4Template};
use crate::s4::{self, OrderCreate, PaymentAgreementParameters, S4PaymentMethod};

/// What the gateway knows that the browser's order must match: where return URLs may point, and
/// the publisher's own agreement and callback URLs.
#[derive(Clone, Copy, Debug)]
pub struct S4Expect<'a> {
    /// Return URLs must start with one of these (e.g. `https://news.example.no/kasse/`).
    pub url_prefixes: &'a [String],
    /// The publisher's `merchantAgreementUrl` and `callbackUrl`, exactly.
    pub public: &'a S4Public,
}

/// Checks the widget's S4 request (order and contact) against its offer; order paths are
/// prefixed `order.`, contact paths `contact.`.
pub fn check_s4_request_against_offer(
    req: &S4OrderRequest,
    offer: &Offer,
    expect: S4Expect<'_>,
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if let Err(errs) = check_s4_order_against_offer(&req.order, offer, expect) {
        for f in errs {
            e.push(format!("order.{}", f.path), f.code);
        }
    }
    e.extend(s4::validate_contact(&req.contact));
    e.finish()
}

/// Checks an S4 order as the browser sends it against its offer (and
/// [`s4::validate_s4_order_body`]).
///
/// Refused: another template or organization; products outside the offer's choices or its
/// limits (or a different set when the offer fixes one); a price override the offer does not
/// carry or that differs from the offer's price; a method the offer does not show; any subscriber
/// (`subscriberId`, `externalSubscriberId`, `subscriberNumber`: the gateway attaches the
/// subscriber it made from the reader's contact), `paymentAgreementId`, `invoiceContactId`,
/// `orderReference` and `tag` (the gateway's); agreement return URLs outside the allowed
/// prefixes, and agreement or callback URLs other than the publisher's.
pub fn check_s4_order_against_offer(
    order: &OrderCreate,
    offer: &Offer,
    expect: S4Expect<'_>,
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.extend(s4::validate_s4_order_body(order));
    let Some(t) = offer.s4.as_ref().filter(|_| offer.backend == Backend::S4) else {
        e.push("templatePackageId", ErrorCode::BackendMismatch);
        return e.finish();
    };
    check_identity(order, t, &mut e);
    check_choices(order, offer, t, &mut e);
    match &order.payment_agreement_parameters {
        None => e.push("paymentAgreementParameters", ErrorCode::Required),
        Some(pa) => check_agreement(pa, offer, expect, &mut e),
    }
    e.finish()
}

/// The template and organization are the offer's; the order attaches to no existing subscriber,
/// agreement or invoice contact.
fn check_identity(order: &OrderCreate, t: &S4Template, e: &mut Errors) {
    if !order.template_package_id.eq_ignore_ascii_case(&t.template_package_id) {
        e.push("templatePackageId", ErrorCode::ProductMismatch);
    }
    if order.organization_id.as_deref().map(str::to_ascii_lowercase)
        != t.organization_id.as_deref().map(str::to_ascii_lowercase)
    {
        e.push("organizationId", ErrorCode::ProductMismatch);
    }
    refuse_present(
        e,
        "",
        &[
            ("subscriberId", order.subscriber_id.is_some()),
            ("paymentAgreementId", order.payment_agreement_id.is_some()),
            ("invoiceContactId", order.invoice_contact_id.is_some()),
            // An existing subscriber by number is not the browser's to choose.
            ("subscriberNumber", order.subscriber_number.is_some()),
            ("externalSubscriberId", order.external_subscriber_id.is_some()),
            ("orderReference", order.order_reference.is_some()),
            ("tag", order.tag.is_some()),
        ],
    );
}

/// `templatePackageChoices`: the offer's products, its price override (or none), and none of the
/// plan choices the offer does not set.
fn check_choices(order: &OrderCreate, offer: &Offer, t: &S4Template, e: &mut Errors) {
    let choices = order.template_package_choices.clone().unwrap_or_default();
    let p = "templatePackageChoices";
    let chosen = choices.products.clone().unwrap_or_default();
    let lower = |v: &[String]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_ascii_lowercase()).collect();
        v.sort();
        v
    };
    if !t.choices.is_empty() {
        s4_check_choice(t, &chosen, &format!("{p}.products"), e);
    } else if lower(&chosen) != lower(&t.products) {
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
    refuse_present(
        e,
        &format!("{p}."),
        &[
            ("billingFrequencyId", choices.billing_frequency_id.is_some()),
            ("billingPlanId", choices.billing_plan_id.is_some()),
            ("enterprisePlanId", choices.enterprise_plan_id.is_some()),
            ("permanentDiscountId", choices.permanent_discount_id.is_some()),
            ("numberOfEditions", choices.number_of_editions.is_some()),
            ("units", choices.units.is_some()),
            ("startTime", choices.start_time.is_some()),
        ],
    );
}

/// A method the offer shows, and agreement URLs on the publisher's allowed prefixes.
fn check_agreement(pa: &PaymentAgreementParameters, offer: &Offer, expect: S4Expect<'_>, e: &mut Errors) {
    if !S4PaymentMethod::for_offer(offer).contains(&pa.payment_method) {
        e.push("paymentAgreementParameters.paymentMethod", ErrorCode::MethodNotAllowed);
    }
    let mut urls: Vec<(String, &str)> = Vec::new();
    let mut publishers: Vec<(String, &str, Option<&String>)> = Vec::new();
    if let Some(v) = &pa.vipps_mobile_pay_parameters {
        let q = "paymentAgreementParameters.vippsMobilePayParameters";
        let expected = expect.public.merchant_agreement_url.as_ref();
        publishers.push((format!("{q}.merchantAgreementUrl"), &v.merchant_agreement_url, expected));
        urls.push((format!("{q}.merchantRedirectUrl"), &v.merchant_redirect_url));
    }
    if let Some(x) = &pa.pay_ex_ecommerce_parameters {
        let q = "paymentAgreementParameters.payExEcommerceParameters";
        publishers.push((
            format!("{q}.callbackUrl"),
            &x.callback_url,
            expect.public.callback_url.as_ref(),
        ));
        urls.push((format!("{q}.cancelUrl"), &x.cancel_url));
        urls.push((format!("{q}.completeUrl"), &x.complete_url));
    }
    for (path, u) in urls {
        if !u.is_empty() && !url_has_allowed_prefix(u, expect.url_prefixes) {
            e.push(path, ErrorCode::UrlNotAllowed);
        }
    }
    // The publisher's own pages are not the browser's to choose at all.
    for (path, u, expected) in publishers {
        if !u.is_empty() && expected.is_none_or(|x| x != u) {
            e.push(path, ErrorCode::UrlNotAllowed);
        }
    }
    // Which merchant account the money goes to is the publisher's (its gateway sets it).
    refuse_present(
        e,
        "paymentAgreementParameters.",
        &[
            (
                "vippsMobilePayParameters.accountId",
                pa.vipps_mobile_pay_parameters
                    .as_ref()
                    .is_some_and(|v| v.account_id.is_some()),
            ),
            (
                "payExEcommerceParameters.payExAccountId",
                pa.pay_ex_ecommerce_parameters
                    .as_ref()
                    .is_some_and(|x| x.pay_ex_account_id.is_some()),
            ),
        ],
    );
}
