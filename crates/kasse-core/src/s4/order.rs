//! S4 order API bodies: create, view, complete, and the template packages an order names.

use serde::{Deserialize, Serialize};

use super::S4PaymentMethod;
use crate::money::Money;

/// `POST /order` body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
/// `priceOverride` is the SDK's name and what Kasse writes. S4's order example spells it
/// `priceOveride` (one `r`); that spelling is accepted when reading so that example's body and any
/// integration copied from it parse, but never written: the vendor's generated SDK (and so its
/// model binder) uses `priceOverride`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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

/// `POST /order/{id}/complete` body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteOrder {
    /// Milliseconds to wait for completion; 0 = asynchronous; the vendor caps it near 60 s.
    pub max_polling_timeout: u32,
}

/// A template package as S4 describes it (S4's template example).
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

/// `PackageDraft`: what `POST /package/{id}/validate` answers for a set of choices — the price
/// S4 itself would charge, checked before an order is made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageDraft {
    /// The price of the choices (after any price override).
    pub price: Money,
    /// The list price of the chosen products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_price: Option<Money>,
    /// ISO 4217 currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
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
        assert_eq!(
            v.terminal_redirect_url.as_deref(),
            Some("https://ecom.payex.com/paymentmenu/abc")
        );
        for (s, want) in [
            ("Completed", OrderStatus::Completed),
            ("Cancelled", OrderStatus::Cancelled),
            ("Rejected", OrderStatus::Rejected),
            ("OnHold", OrderStatus::Unknown),
        ] {
            let v: OrderView = serde_json::from_str(&format!(r#"{{"id":"x","status":"{s}"}}"#)).unwrap();
            assert_eq!(v.status, want);
        }
    }
}
