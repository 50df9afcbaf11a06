//! The rules S4's order API documents for an order body, checked all at once.

use super::{
    OrderCreate, PayExEcommerceParameters, PaymentAgreementParameters, S4PaymentMethod, TemplatePackageChoices,
    VippsMobilePayParameters,
};
use crate::error_code::{at, item, ErrorCode, Errors, FieldError};
use crate::field::{check_absolute_https, is_e164, is_uuid};

/// Vipps/MobilePay profile scopes (Vipps Login userinfo scopes); anything else would make the
/// agreement request fail at Vipps.
const PROFILE_SCOPES: &[&str] = &[
    "name",
    "address",
    "email",
    "phoneNumber",
    "birthDate",
    "nin",
    "accountNumbers",
];

/// Checks an S4 order; returns every violation at once.
pub fn validate_s4_order(order: &OrderCreate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    let has = |o: &Option<String>| o.as_deref().is_some_and(|s| !s.trim().is_empty());
    if !has(&order.subscriber_id) && !has(&order.external_subscriber_id) && !has(&order.subscriber_number) {
        e.push("subscriberId", ErrorCode::SubscriberRequired);
    }
    e.extend(validate_s4_order_body(order));
    e.finish()
}

/// Checks an S4 order before it names its subscriber (what the browser sends: the gateway
/// attaches the subscriber); every violation but the missing subscriber.
pub fn validate_s4_order_body(order: &OrderCreate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if order.template_package_id.trim().is_empty() {
        e.push("templatePackageId", ErrorCode::Required);
    } else if !is_uuid(&order.template_package_id) {
        e.push("templatePackageId", ErrorCode::InvalidUuid);
    }
    for (path, v) in [
        ("subscriberId", &order.subscriber_id),
        ("organizationId", &order.organization_id),
        ("paymentAgreementId", &order.payment_agreement_id),
        ("invoiceContactId", &order.invoice_contact_id),
    ] {
        if let Some(v) = v {
            if !is_uuid(v) {
                e.push(path, ErrorCode::InvalidUuid);
            }
        }
    }
    if order.payment_agreement_id.is_some() && order.payment_agreement_parameters.is_some() {
        e.push("paymentAgreementParameters", ErrorCode::Conflict);
    }
    if let Some(c) = &order.template_package_choices {
        check_choices(&mut e, c);
    }
    if let Some(pa) = &order.payment_agreement_parameters {
        check_agreement(&mut e, pa);
    }
    e.finish()
}

/// `templatePackageChoices`: GUIDs where S4 takes GUIDs, products neither empty nor repeated, a
/// price override the wire carries exactly, counts of at least one.
fn check_choices(e: &mut Errors, c: &TemplatePackageChoices) {
    let p = "templatePackageChoices";
    if let Some(products) = &c.products {
        if products.is_empty() {
            e.push(at(p, "products"), ErrorCode::Required);
        }
        for (i, id) in products.iter().enumerate() {
            if !is_uuid(id) {
                e.push(item(&at(p, "products"), i), ErrorCode::InvalidUuid);
            } else if products[..i].iter().any(|o| o.eq_ignore_ascii_case(id)) {
                e.push(item(&at(p, "products"), i), ErrorCode::Duplicate);
            }
        }
    }
    if let Some(m) = c.price_override {
        if m.minor() < 0 || !m.is_exact_on_wire() {
            e.push(at(p, "priceOverride"), ErrorCode::InvalidAmount);
        }
    }
    for (name, v) in [
        ("billingFrequencyId", &c.billing_frequency_id),
        ("billingPlanId", &c.billing_plan_id),
        ("enterprisePlanId", &c.enterprise_plan_id),
        ("permanentDiscountId", &c.permanent_discount_id),
    ] {
        if let Some(v) = v {
            if !is_uuid(v) {
                e.push(at(p, name), ErrorCode::InvalidUuid);
            }
        }
    }
    for (name, v) in [("numberOfEditions", c.number_of_editions), ("units", c.units)] {
        if v.is_some_and(|n| n < 1) {
            e.push(at(p, name), ErrorCode::InvalidValue);
        }
    }
}

/// `paymentAgreementParameters`: the parameters object the method takes (S4's order examples:
/// `vippsMobilePayParameters` for Vipps and MobilePay, `payExEcommerceParameters` for
/// SwedbankPay), and no other.
fn check_agreement(e: &mut Errors, pa: &PaymentAgreementParameters) {
    let p = "paymentAgreementParameters";
    let vipps_like = matches!(pa.payment_method, S4PaymentMethod::Vipps | S4PaymentMethod::MobilePay);
    let swedbank = pa.payment_method == S4PaymentMethod::SwedbankPay;
    match (&pa.vipps_mobile_pay_parameters, vipps_like) {
        (None, true) => e.push(at(p, "vippsMobilePayParameters"), ErrorCode::Required),
        (Some(_), false) => e.push(at(p, "vippsMobilePayParameters"), ErrorCode::UnexpectedField),
        (Some(v), true) => check_vipps(e, &at(p, "vippsMobilePayParameters"), v),
        (None, false) => {}
    }
    match (&pa.pay_ex_ecommerce_parameters, swedbank) {
        (None, true) => e.push(at(p, "payExEcommerceParameters"), ErrorCode::Required),
        (Some(_), false) => e.push(at(p, "payExEcommerceParameters"), ErrorCode::UnexpectedField),
        (Some(x), true) => check_payex(e, &at(p, "payExEcommerceParameters"), x),
        (None, false) => {}
    }
}

/// Vipps/MobilePay: https URLs, an E.164 phone, known profile scopes, a non-blank account.
fn check_vipps(e: &mut Errors, q: &str, v: &VippsMobilePayParameters) {
    for (name, url) in [
        ("merchantAgreementUrl", &v.merchant_agreement_url),
        ("merchantRedirectUrl", &v.merchant_redirect_url),
    ] {
        if let Err(code) = check_absolute_https(url) {
            e.push(at(q, name), code);
        }
    }
    if let Some(ph) = &v.customer_phone_number {
        if !is_e164(ph) {
            e.push(at(q, "customerPhoneNumber"), ErrorCode::InvalidPhone);
        }
    }
    if let Some(scope) = &v.profile_scope {
        let tokens: Vec<&str> = scope.split(' ').collect();
        if tokens.iter().any(|t| !PROFILE_SCOPES.contains(t)) {
            e.push(at(q, "profileScope"), ErrorCode::InvalidValue);
        }
    }
    if v.account_id.as_deref().is_some_and(|s| s.trim().is_empty()) {
        e.push(at(q, "accountId"), ErrorCode::Required);
    }
}

/// SwedbankPay: https URLs, an `ll-CC` culture, a non-blank account.
fn check_payex(e: &mut Errors, q: &str, x: &PayExEcommerceParameters) {
    for (name, url) in [
        ("callbackUrl", &x.callback_url),
        ("cancelUrl", &x.cancel_url),
        ("completeUrl", &x.complete_url),
    ] {
        if let Err(code) = check_absolute_https(url) {
            e.push(at(q, name), code);
        }
    }
    if let Some(c) = &x.culture {
        if !is_culture(c) {
            e.push(at(q, "culture"), ErrorCode::InvalidValue);
        }
    }
    if x.pay_ex_account_id.as_deref().is_some_and(|s| s.trim().is_empty()) {
        e.push(at(q, "payExAccountId"), ErrorCode::Required);
    }
}

/// `ll-CC` as SwedbankPay's `culture` takes it (`nb-NO`, `sv-SE`, `en-US`).
fn is_culture(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[0].is_ascii_lowercase()
        && b[1].is_ascii_lowercase()
        && b[2] == b'-'
        && b[3].is_ascii_uppercase()
        && b[4].is_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s4::*;

    /// A MobilePay order with a bad redirect URL, phone and profile scope, and SwedbankPay
    /// parameters it must not carry.
    fn mobile_pay_order() -> OrderCreate {
        OrderCreate {
            external_subscriber_id: Some("r-1".into()),
            template_package_id: "10000000-0000-0000-0000-000000000000".into(),
            payment_agreement_parameters: Some(PaymentAgreementParameters {
                payment_method: S4PaymentMethod::MobilePay,
                vipps_mobile_pay_parameters: Some(VippsMobilePayParameters {
                    customer_phone_number: Some("4512345678".into()),
                    merchant_agreement_url: "https://x.example.dk/a".into(),
                    merchant_redirect_url: "ftp://x.example.dk/r".into(),
                    account_id: None,
                    profile_scope: Some("name shoeSize".into()),
                }),
                pay_ex_ecommerce_parameters: Some(PayExEcommerceParameters::default()),
            }),
            ..OrderCreate::default()
        }
    }

    fn errors(o: &OrderCreate) -> Vec<(String, ErrorCode)> {
        validate_s4_order(o)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.path, e.code))
            .collect()
    }

    const P: &str = "paymentAgreementParameters";

    #[test]
    fn vipps_mobile_pay_agreement_rules() {
        assert_eq!(
            errors(&mobile_pay_order()),
            vec![
                (
                    format!("{P}.vippsMobilePayParameters.merchantRedirectUrl"),
                    ErrorCode::InvalidUrl
                ),
                (
                    format!("{P}.vippsMobilePayParameters.customerPhoneNumber"),
                    ErrorCode::InvalidPhone
                ),
                (
                    format!("{P}.vippsMobilePayParameters.profileScope"),
                    ErrorCode::InvalidValue
                ),
                (format!("{P}.payExEcommerceParameters"), ErrorCode::UnexpectedField),
            ]
        );
    }

    #[test]
    fn swedbank_pay_agreement_rules() {
        let mut o = mobile_pay_order();
        o.payment_agreement_parameters = Some(PaymentAgreementParameters {
            payment_method: S4PaymentMethod::SwedbankPay,
            vipps_mobile_pay_parameters: None,
            pay_ex_ecommerce_parameters: Some(PayExEcommerceParameters {
                callback_url: "https://g.example.no/cb".into(),
                cancel_url: "https://g.example.no/c".into(),
                complete_url: "http://127.0.0.1:8080/done".into(),
                pay_ex_account_id: None,
                culture: Some("nb_NO".into()),
            }),
        });
        o.payment_agreement_id = Some("44444444-5555-6666-7777-000000000000".into());
        o.external_subscriber_id = None;
        assert_eq!(
            errors(&o),
            vec![
                ("subscriberId".to_string(), ErrorCode::SubscriberRequired),
                (P.to_string(), ErrorCode::Conflict),
                (format!("{P}.payExEcommerceParameters.culture"), ErrorCode::InvalidValue),
            ]
        );
    }
}
