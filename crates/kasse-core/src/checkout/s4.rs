//! The S4 order built from the reader's form: the vendor's `POST /order` body and the contact that
//! becomes its subscriber.

use serde::{Deserialize, Serialize};

use super::{blame_offer, validate_form, CheckoutForm, ChosenMethod, ValidForm};
use crate::contract::S4OrderRequest;
use crate::error_code::{ErrorCode, FieldError};
use crate::offer::{Backend, Offer, S4Template};
use crate::s4::{
    self, Contact, OrderCreate, PayExEcommerceParameters, PaymentAgreementParameters, S4PaymentMethod,
    TemplatePackageChoices, VippsMobilePayParameters,
};

/// Where an S4 agreement sends the reader and the vendor's callbacks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S4Urls {
    /// Vipps/MobilePay `merchantAgreementUrl` (the publisher's, from the gateway).
    pub merchant_agreement_url: String,
    /// Back to the article: Vipps/MobilePay `merchantRedirectUrl`, SwedbankPay `completeUrl`.
    pub complete_url: String,
    /// SwedbankPay `cancelUrl` (the article too, marked as a cancel).
    pub cancel_url: String,
    /// SwedbankPay `callbackUrl` (the gateway's, from the gateway).
    pub callback_url: String,
    /// Payment window culture (`nb-NO`); see [`crate::i18n::Locale::culture`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub culture: Option<String>,
}

/// Builds what the widget posts for an S4 offer: the offer's template with the reader's product
/// choice (in the catalog's order, so the same choice is the same body) and the catalog's price
/// override, a payment agreement for the chosen method (Vipps/MobilePay with the reader's phone
/// pre-filled, SwedbankPay with `urls`), and the reader's contact. No subscriber: the gateway
/// finds or creates it from the contact.
pub fn build_s4_request(offer: &Offer, form: &CheckoutForm, urls: &S4Urls) -> Result<S4OrderRequest, Vec<FieldError>> {
    let Some(t) = offer.s4.as_ref().filter(|_| offer.backend == Backend::S4) else {
        return Err(vec![FieldError::new("offer", ErrorCode::BackendMismatch)]);
    };
    let v = validate_form(offer, form)?;
    let ChosenMethod::S4(method) = v.method else {
        return Err(vec![FieldError::new("method", ErrorCode::InvalidValue)]);
    };
    let products = chosen_products(t, &form.products);
    let choices = TemplatePackageChoices {
        products: (!products.is_empty()).then_some(products),
        price_override: t.price_override.then_some(offer.price),
        ..TemplatePackageChoices::default()
    };
    let has_choices = choices != TemplatePackageChoices::default();
    let order = OrderCreate {
        template_package_id: t.template_package_id.clone(),
        template_package_choices: has_choices.then_some(choices),
        organization_id: t.organization_id.clone(),
        payment_agreement_parameters: Some(agreement(method, v.phone.as_ref(), urls)),
        ..OrderCreate::default()
    };
    s4::validate_s4_order_body(&order).map_err(blame_offer)?;
    let contact = contact(&v);
    s4::validate_contact(&contact).map_err(blame_offer)?;
    Ok(S4OrderRequest { order, contact })
}

/// The products the order names: the reader's choice in the catalog's order, or the offer's
/// fixed set.
fn chosen_products(t: &S4Template, chosen: &[String]) -> Vec<String> {
    if t.choices.is_empty() {
        return t.products.clone();
    }
    t.choices
        .iter()
        .filter(|c| chosen.iter().any(|p| p.eq_ignore_ascii_case(&c.product)))
        .map(|c| c.product.clone())
        .collect()
}

/// The reader's contact as S4 stores it: one name, the street as an address line.
fn contact(v: &ValidForm) -> Contact {
    let person = [v.first_name.as_deref(), v.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = v.company_name.clone().or((!person.is_empty()).then_some(person));
    Contact {
        name,
        email: v.email.clone(),
        phone: v.phone.clone(),
        address_lines: v.street.iter().cloned().collect(),
        zip: (!v.postal_code.is_empty()).then(|| v.postal_code.clone()),
        city: v.postal_place.clone(),
        country: Some(v.country_code.clone()),
    }
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
