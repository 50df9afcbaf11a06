//! Info-Subscription "S4" orders (seed `001_…txt`): template-package orders with product choices,
//! price override and Vipps/MobilePay/SwedbankPay payment agreements.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::offer::{Backend, Offer};
use crate::validate::{check_absolute_https, is_e164, is_uuid, ErrorCode, Errors, FieldError};

/// An S4 payment method (`paymentAgreementParameters.paymentMethod`), PascalCase on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum S4PaymentMethod {
    /// Paper or e-mail invoice.
    Invoice,
    /// Vipps recurring agreement.
    Vipps,
    /// MobilePay recurring agreement.
    MobilePay,
    /// SwedbankPay (PayEx) card agreement.
    SwedbankPay,
    /// AvtaleGiro (registered by the reader in their bank).
    AvtaleGiro,
    /// eFaktura (registered by the reader in their bank).
    #[serde(rename = "eFaktura")]
    EFaktura,
    /// EHF e-invoice.
    #[serde(rename = "EHF")]
    Ehf,
    /// Invoice by e-mail.
    Email,
    /// OIO (Danish e-invoice).
    #[serde(rename = "OIO")]
    Oio,
    /// Autogiro (Sweden).
    Autogiro,
    /// BetalingsService (Denmark).
    BetalingsService,
    /// Mollie.
    Mollie,
}

impl S4PaymentMethod {
    /// The wire name (`"SwedbankPay"`).
    pub fn wire_name(self) -> &'static str {
        match self {
            S4PaymentMethod::Invoice => "Invoice",
            S4PaymentMethod::Vipps => "Vipps",
            S4PaymentMethod::MobilePay => "MobilePay",
            S4PaymentMethod::SwedbankPay => "SwedbankPay",
            S4PaymentMethod::AvtaleGiro => "AvtaleGiro",
            S4PaymentMethod::EFaktura => "eFaktura",
            S4PaymentMethod::Ehf => "EHF",
            S4PaymentMethod::Email => "Email",
            S4PaymentMethod::Oio => "OIO",
            S4PaymentMethod::Autogiro => "Autogiro",
            S4PaymentMethod::BetalingsService => "BetalingsService",
            S4PaymentMethod::Mollie => "Mollie",
        }
    }

    /// Every method.
    pub const ALL: [S4PaymentMethod; 12] = [
        S4PaymentMethod::Invoice,
        S4PaymentMethod::Vipps,
        S4PaymentMethod::MobilePay,
        S4PaymentMethod::SwedbankPay,
        S4PaymentMethod::AvtaleGiro,
        S4PaymentMethod::EFaktura,
        S4PaymentMethod::Ehf,
        S4PaymentMethod::Email,
        S4PaymentMethod::Oio,
        S4PaymentMethod::Autogiro,
        S4PaymentMethod::BetalingsService,
        S4PaymentMethod::Mollie,
    ];

    /// Parses a wire name exactly.
    pub fn from_wire(s: &str) -> Option<S4PaymentMethod> {
        S4PaymentMethod::ALL.into_iter().find(|m| m.wire_name() == s)
    }

    /// Whether the reader is sent to `terminalRedirectUrl` to approve (Vipps, MobilePay,
    /// SwedbankPay). The bank-registered ones (AvtaleGiro, eFaktura, Autogiro,
    /// BetalingsService) and invoices have no interactive step in the order API.
    pub fn is_interactive(self) -> bool {
        matches!(self, S4PaymentMethod::Vipps | S4PaymentMethod::MobilePay | S4PaymentMethod::SwedbankPay)
    }
}

/// `POST /order` body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreate {
    /// Existing subscriber GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber_id: Option<String>,
    /// Instead of `subscriberId`: the order creates a subscriber with this external id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_subscriber_id: Option<String>,
    /// Instead of `subscriberId`: subscriber number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber_number: Option<String>,
    /// Template plan GUID (required).
    #[serde(default)]
    pub template_package_id: String,
    /// Product subset, price override and plan choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_package_choices: Option<TemplatePackageChoices>,
    /// Organization GUID; default: the tenant's first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Existing payment agreement GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_agreement_id: Option<String>,
    /// A new payment agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_agreement_parameters: Option<PaymentAgreementParameters>,
    /// Existing invoice contact GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_contact_id: Option<String>,
    /// The shop's reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reference: Option<String>,
    /// Free tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// `templatePackageChoices`.
///
/// `priceOverride` is the SDK's name and what Kasse writes. The seed's example spells it
/// `priceOveride` (one `r`); that spelling is accepted when reading so the seed's own body and any
/// integration copied from it parse, but never written: the vendor's generated SDK (and so its
/// model binder) uses `priceOverride`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplatePackageChoices {
    /// Product GUIDs chosen out of the template's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<String>>,
    /// Price instead of the template's (only when the template allows it).
    #[serde(default, alias = "priceOveride", skip_serializing_if = "Option::is_none")]
    pub price_override: Option<Money>,
    /// Billing frequency GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_frequency_id: Option<String>,
    /// Billing plan GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_plan_id: Option<String>,
    /// Enterprise plan GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_plan_id: Option<String>,
    /// Permanent discount GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permanent_discount_id: Option<String>,
    /// Editions per delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_editions: Option<i64>,
    /// Units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<i64>,
    /// Start (ISO 8601 date-time, as the .NET SDK writes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
}

/// `paymentAgreementParameters`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentAgreementParameters {
    /// Which method.
    pub payment_method: S4PaymentMethod,
    /// For Vipps and MobilePay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vipps_mobile_pay_parameters: Option<VippsMobilePayParameters>,
    /// For SwedbankPay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_ex_ecommerce_parameters: Option<PayExEcommerceParameters>,
}

/// `vippsMobilePayParameters`. The URL fields default to empty when missing so that validation
/// reports them as `required` with their path instead of a parse error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VippsMobilePayParameters {
    /// E.164 number to pre-fill in the Vipps dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_phone_number: Option<String>,
    /// The publisher's self-service agreement page.
    #[serde(default)]
    pub merchant_agreement_url: String,
    /// Where the app returns the reader.
    #[serde(default)]
    pub merchant_redirect_url: String,
    /// Vipps/MobilePay account (recommended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Space-separated profile scopes (`"name address email"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_scope: Option<String>,
}

/// `payExEcommerceParameters`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayExEcommerceParameters {
    /// Payment status callbacks.
    #[serde(default)]
    pub callback_url: String,
    /// Where a cancelled payment returns.
    #[serde(default)]
    pub cancel_url: String,
    /// Where a completed payment returns.
    #[serde(default)]
    pub complete_url: String,
    /// SwedbankPay account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_ex_account_id: Option<String>,
    /// Payment window culture (`nb-NO`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub culture: Option<String>,
}

/// S4 order status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    /// Waiting (for the reader's approval, or for completion).
    InProgress,
    /// Done.
    Completed,
    /// Cancelled.
    Cancelled,
    /// Refused.
    Rejected,
    /// A status this version does not know (read only, so a new vendor status is not an error).
    #[serde(other)]
    Unknown,
}

/// `OrderView`: the response of create/read order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    /// Order GUID.
    pub id: String,
    /// Status.
    pub status: OrderStatus,
    /// Where to send the reader to approve the agreement (SwedbankPay, Vipps, MobilePay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_redirect_url: Option<String>,
    /// Subscriber GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber_id: Option<String>,
    /// Subscription GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// Agreement GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_agreement_id: Option<String>,
    /// Method, as the vendor wrote it (kept as text: a response must not fail on a new method).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
}

/// What to do with an S4 order after creating (or re-reading) it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum S4Next {
    /// Send the reader to the vendor's terminal (agreement approval) at this URL.
    Redirect(String),
    /// Nothing for the reader to approve: `POST /order/{id}/complete`.
    Complete,
    /// Completed.
    Done,
    /// Cancelled, rejected, an unknown status, or a terminal URL that is not absolute https.
    Failed,
}

/// Decides the next step from an `OrderView`: an in-progress order with a `terminalRedirectUrl`
/// sends the reader there (the URL must be absolute https, http only on loopback: a vendor answer
/// must not be able to send the reader to `javascript:`); without one it is completed by API.
pub fn next_step(view: &OrderView) -> S4Next {
    match view.status {
        OrderStatus::Completed => S4Next::Done,
        OrderStatus::Cancelled | OrderStatus::Rejected | OrderStatus::Unknown => S4Next::Failed,
        OrderStatus::InProgress => match view.terminal_redirect_url.as_deref() {
            None | Some("") => S4Next::Complete,
            Some(u) => match check_absolute_https(u) {
                Ok(parsed) => S4Next::Redirect(parsed.into()),
                Err(_) => S4Next::Failed,
            },
        },
    }
}

/// `POST /order/{id}/complete` body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteOrder {
    /// Milliseconds to wait for completion; 0 = asynchronous; the vendor caps it near 60 s.
    pub max_polling_timeout: u32,
}

/// A template package as S4 describes it (seed 001's template example).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplatePackage {
    /// Template GUID.
    pub id: String,
    /// Products with list prices.
    #[serde(default)]
    pub products: Vec<TemplateProduct>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One product of a template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateProduct {
    /// Product GUID.
    pub product_id: String,
    /// List price.
    pub full_price: Money,
    /// VAT percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_percent: Option<i64>,
}

/// Vipps/MobilePay profile scopes (Vipps Login userinfo scopes); anything else would make the
/// agreement request fail at Vipps.
const PROFILE_SCOPES: &[&str] = &["name", "address", "email", "phoneNumber", "birthDate", "nin", "accountNumbers"];

/// Checks an S4 order; returns every violation at once.
pub fn validate_s4_order(order: &OrderCreate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    let has = |o: &Option<String>| o.as_deref().is_some_and(|s| !s.trim().is_empty());
    if !has(&order.subscriber_id) && !has(&order.external_subscriber_id) && !has(&order.subscriber_number) {
        e.push("subscriberId", ErrorCode::SubscriberRequired);
    }
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
        let p = "templatePackageChoices";
        if let Some(products) = &c.products {
            if products.is_empty() {
                e.push(format!("{p}.products"), ErrorCode::Required);
            }
            for (i, id) in products.iter().enumerate() {
                if !is_uuid(id) {
                    e.push(format!("{p}.products[{i}]"), ErrorCode::InvalidUuid);
                } else if products[..i].iter().any(|o| o.eq_ignore_ascii_case(id)) {
                    e.push(format!("{p}.products[{i}]"), ErrorCode::Duplicate);
                }
            }
        }
        if let Some(m) = c.price_override {
            if m.minor() < 0 || !m.is_exact_on_wire() {
                e.push(format!("{p}.priceOverride"), ErrorCode::InvalidAmount);
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
                    e.push(format!("{p}.{name}"), ErrorCode::InvalidUuid);
                }
            }
        }
        for (name, v) in [("numberOfEditions", c.number_of_editions), ("units", c.units)] {
            if v.is_some_and(|n| n < 1) {
                e.push(format!("{p}.{name}"), ErrorCode::InvalidValue);
            }
        }
    }
    if let Some(pa) = &order.payment_agreement_parameters {
        check_agreement(&mut e, pa);
    }
    e.finish()
}

fn check_agreement(e: &mut Errors, pa: &PaymentAgreementParameters) {
    let p = "paymentAgreementParameters";
    let vipps_like = matches!(pa.payment_method, S4PaymentMethod::Vipps | S4PaymentMethod::MobilePay);
    let swedbank = pa.payment_method == S4PaymentMethod::SwedbankPay;
    match (&pa.vipps_mobile_pay_parameters, vipps_like) {
        (None, true) => e.push(format!("{p}.vippsMobilePayParameters"), ErrorCode::Required),
        (Some(_), false) => e.push(format!("{p}.vippsMobilePayParameters"), ErrorCode::UnexpectedField),
        (Some(v), true) => {
            let q = format!("{p}.vippsMobilePayParameters");
            for (name, url) in [("merchantAgreementUrl", &v.merchant_agreement_url), ("merchantRedirectUrl", &v.merchant_redirect_url)] {
                if let Err(code) = check_absolute_https(url) {
                    e.push(format!("{q}.{name}"), code);
                }
            }
            if let Some(ph) = &v.customer_phone_number {
                if !is_e164(ph) {
                    e.push(format!("{q}.customerPhoneNumber"), ErrorCode::InvalidPhone);
                }
            }
            if let Some(scope) = &v.profile_scope {
                let tokens: Vec<&str> = scope.split(' ').collect();
                if tokens.iter().any(|t| !PROFILE_SCOPES.contains(t)) {
                    e.push(format!("{q}.profileScope"), ErrorCode::InvalidValue);
                }
            }
            if v.account_id.as_deref().is_some_and(|s| s.trim().is_empty()) {
                e.push(format!("{q}.accountId"), ErrorCode::Required);
            }
        }
        (None, false) => {}
    }
    match (&pa.pay_ex_ecommerce_parameters, swedbank) {
        (None, true) => e.push(format!("{p}.payExEcommerceParameters"), ErrorCode::Required),
        (Some(_), false) => e.push(format!("{p}.payExEcommerceParameters"), ErrorCode::UnexpectedField),
        (Some(x), true) => {
            let q = format!("{p}.payExEcommerceParameters");
            for (name, url) in [("callbackUrl", &x.callback_url), ("cancelUrl", &x.cancel_url), ("completeUrl", &x.complete_url)] {
                if let Err(code) = check_absolute_https(url) {
                    e.push(format!("{q}.{name}"), code);
                }
            }
            if let Some(c) = &x.culture {
                if !is_culture(c) {
                    e.push(format!("{q}.culture"), ErrorCode::InvalidValue);
                }
            }
            if x.pay_ex_account_id.as_deref().is_some_and(|s| s.trim().is_empty()) {
                e.push(format!("{q}.payExAccountId"), ErrorCode::Required);
            }
        }
        (None, false) => {}
    }
}

/// `ll-CC` as SwedbankPay's `culture` takes it (`nb-NO`, `sv-SE`, `en-US`).
fn is_culture(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && b[0].is_ascii_lowercase() && b[1].is_ascii_lowercase() && b[2] == b'-'
        && b[3].is_ascii_uppercase() && b[4].is_ascii_uppercase()
}

/// Which S4 methods an S4 offer may show (empty for a ConnectID offer). Only the methods that
/// Kasse can take through the order API are kept: Invoice and the interactive agreements;
/// bank-registered methods (AvtaleGiro, eFaktura, Autogiro, BetalingsService) are set up by the
/// reader in their bank, out of band.
pub fn methods_for_offer(offer: &Offer) -> Vec<S4PaymentMethod> {
    let Some(t) = offer.s4.as_ref().filter(|_| offer.backend == Backend::S4) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &m in &t.payment_methods {
        if (m.is_interactive() || m == S4PaymentMethod::Invoice) && !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_view_parses_with_redirect_and_tolerates_new_statuses() {
        let v: OrderView = serde_json::from_str(
            r#"{"id":"50000000-0000-0000-0000-000000000001","status":"InProgress",
                "terminalRedirectUrl":"https://ecom.payex.com/paymentmenu/abc","paymentMethod":"SwedbankPay",
                "subscriberId":"11111111-2222-3333-4444-000000000000","extra":1}"#,
        )
        .unwrap();
        assert_eq!(v.status, OrderStatus::InProgress);
        assert_eq!(v.terminal_redirect_url.as_deref(), Some("https://ecom.payex.com/paymentmenu/abc"));
        for (s, want) in [("Completed", OrderStatus::Completed), ("Cancelled", OrderStatus::Cancelled), ("Rejected", OrderStatus::Rejected), ("OnHold", OrderStatus::Unknown)] {
            let v: OrderView = serde_json::from_str(&format!(r#"{{"id":"x","status":"{s}"}}"#)).unwrap();
            assert_eq!(v.status, want);
        }
    }

    #[test]
    fn next_steps_after_create() {
        let view = |status: OrderStatus, url: Option<&str>| OrderView {
            id: "x".into(),
            status,
            terminal_redirect_url: url.map(str::to_owned),
            subscriber_id: None,
            subscription_id: None,
            payment_agreement_id: None,
            payment_method: None,
        };
        let pay = "https://ecom.payex.com/paymentmenu/abc";
        assert_eq!(next_step(&view(OrderStatus::InProgress, Some(pay))), S4Next::Redirect(pay.into()));
        assert_eq!(next_step(&view(OrderStatus::InProgress, None)), S4Next::Complete);
        assert_eq!(next_step(&view(OrderStatus::InProgress, Some("javascript:alert(1)"))), S4Next::Failed);
        assert_eq!(next_step(&view(OrderStatus::InProgress, Some("http://pay.example.com/"))), S4Next::Failed);
        assert_eq!(next_step(&view(OrderStatus::Completed, Some(pay))), S4Next::Done);
        assert_eq!(next_step(&view(OrderStatus::Rejected, None)), S4Next::Failed);
        assert_eq!(next_step(&view(OrderStatus::Unknown, None)), S4Next::Failed);
    }

    #[test]
    fn method_wire_names() {
        for m in S4PaymentMethod::ALL {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.wire_name()));
            assert_eq!(S4PaymentMethod::from_wire(m.wire_name()), Some(m));
        }
        assert_eq!(S4PaymentMethod::from_wire("vipps"), None);
    }

    #[test]
    fn agreement_rules() {
        let mut o = OrderCreate {
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
        };
        let errs: Vec<_> = validate_s4_order(&o).unwrap_err().into_iter().map(|e| (e.path, e.code)).collect();
        let p = "paymentAgreementParameters";
        assert_eq!(
            errs,
            vec![
                (format!("{p}.vippsMobilePayParameters.merchantRedirectUrl"), ErrorCode::InvalidUrl),
                (format!("{p}.vippsMobilePayParameters.customerPhoneNumber"), ErrorCode::InvalidPhone),
                (format!("{p}.vippsMobilePayParameters.profileScope"), ErrorCode::InvalidValue),
                (format!("{p}.payExEcommerceParameters"), ErrorCode::UnexpectedField),
            ]
        );
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
        let errs: Vec<_> = validate_s4_order(&o).unwrap_err().into_iter().map(|e| (e.path, e.code)).collect();
        assert_eq!(
            errs,
            vec![
                ("subscriberId".to_string(), ErrorCode::SubscriberRequired),
                (p.to_string(), ErrorCode::Conflict),
                (format!("{p}.payExEcommerceParameters.culture"), ErrorCode::InvalidValue),
            ]
        );
    }
}
