//! The S4 order built from the reader's form.

use serde::{Deserialize, Serialize};

use super::{blame_offer, opt, validate_form, CheckoutForm, ChosenMethod};
use crate::error_code::{ErrorCode, FieldError};
use crate::offer::{Backend, Offer};
use crate::s4::{
    self, OrderCreate, PayExEcommerceParameters, PaymentAgreementParameters, S4PaymentMethod, TemplatePackageChoices,
    VippsMobilePayParameters,
};

/// Where an S4 agreement sends the reader and the vendor's callbacks: publisher configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S4Urls {
    /// Vipps/MobilePay `merchantAgreementUrl` (self-service page).
    pub merchant_agreement_url: String,
    /// Vipps/MobilePay `merchantRedirectUrl`; also SwedbankPay's `completeUrl`.
    pub complete_url: String,
    /// SwedbankPay `cancelUrl`.
    pub cancel_url: String,
    /// SwedbankPay `callbackUrl`.
    pub callback_url: String,
    /// Payment window culture (`nb-NO`); see [`crate::i18n::Locale::culture`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub culture: Option<String>,
}

/// Builds the S4 `OrderCreate` for an S4 offer: a new subscriber by `external_subscriber_id`, the
/// offer's template, product choices and price override, and a payment agreement for the chosen
/// method (Vipps/MobilePay with the reader's phone pre-filled, SwedbankPay with `urls`).
pub fn build_s4_order(
    offer: &Offer,
    form: &CheckoutForm,
    external_subscriber_id: &str,
    urls: &S4Urls,
) -> Result<OrderCreate, Vec<FieldError>> {
    let Some(t) = offer.s4.as_ref().filter(|_| offer.backend == Backend::S4) else {
        return Err(vec![FieldError::new("offer", ErrorCode::BackendMismatch)]);
    };
    let v = validate_form(offer, form)?;
    let ChosenMethod::S4(method) = v.method else {
        return Err(vec![FieldError::new("method", ErrorCode::InvalidValue)]);
    };
    let choices = TemplatePackageChoices {
        products: (!t.products.is_empty()).then(|| t.products.clone()),
        price_override: t.price_override.then_some(offer.price),
        ..TemplatePackageChoices::default()
    };
    let has_choices = choices != TemplatePackageChoices::default();
    let order = OrderCreate {
        external_subscriber_id: opt(external_subscriber_id),
        template_package_id: t.template_package_id.clone(),
        template_package_choices: has_choices.then_some(choices),
        organization_id: t.organization_id.clone(),
        payment_agreement_parameters: Some(agreement(method, v.phone.as_ref(), urls)),
        ..OrderCreate::default()
    };
    s4::validate_s4_order(&order).map_err(blame_offer)?;
    Ok(order)
}

/// The payment agreement for `method`: Vipps/MobilePay with the reader's phone pre-filled,
/// SwedbankPay with the publisher's URLs, any other method bare.
fn agreement(method: S4PaymentMethod, phone: Option<&String>, urls: &S4Urls) -> PaymentAgreementParameters {
    let mut params = PaymentAgreementParameters {
        payment_method: method,
        vipps_mobile_pay_parameters: None,
        pay_ex_ecommerce_parameters: None,
    };
    match method {
        S4PaymentMethod::Vipps | S4PaymentMethod::MobilePay => {
            params.vipps_mobile_pay_parameters = Some(VippsMobilePayParameters {
                customer_phone_number: phone.cloned(),
                merchant_agreement_url: urls.merchant_agreement_url.clone(),
                merchant_redirect_url: urls.complete_url.clone(),
                // The merchant account is the publisher's: its gateway sets it.
                account_id: None,
                profile_scope: None,
            })
        }
        S4PaymentMethod::SwedbankPay => {
            params.pay_ex_ecommerce_parameters = Some(PayExEcommerceParameters {
                callback_url: urls.callback_url.clone(),
                cancel_url: urls.cancel_url.clone(),
                complete_url: urls.complete_url.clone(),
                pay_ex_account_id: None,
                culture: urls.culture.clone(),
            })
        }
        _ => {}
    }
    params
}
