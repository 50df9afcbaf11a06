//! The reader's form, its validation, and the vendor payloads built from it.

use serde::{Deserialize, Serialize};

use crate::connectid::{validate_client_order, ClientOrder, OrderLine, Party, PaymentMethod, ProductSpecType};
use crate::error_code::{ErrorCode, Errors, FieldError};
use crate::field::{is_iso_country, is_valid_email, normalize_phone, normalize_postal_code};
use crate::offer::{Backend, Offer, ProductSpec};
use crate::s4::{
    self, OrderCreate, PayExEcommerceParameters, PaymentAgreementParameters, S4PaymentMethod, TemplatePackageChoices,
    VippsMobilePayParameters,
};

/// What the reader typed, as typed. Field names (camelCase) are the error paths.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckoutForm {
    /// First name (optional for the vendor).
    pub first_name: String,
    /// Last name: required unless a company name is given.
    pub last_name: String,
    /// Company name.
    pub company_name: Option<String>,
    /// E-mail: this or phone is required.
    pub email: String,
    /// Phone in any Nordic local or international form: this or e-mail is required.
    pub phone: String,
    /// Street address (required when the offer delivers paper).
    pub street: String,
    /// Postal code, checked against `country_code`.
    pub postal_code: String,
    /// Postal place (required when the offer delivers paper).
    pub postal_place: String,
    /// ISO 3166-1 alpha-2.
    pub country_code: String,
    /// Chosen method's wire name (`creditcardPayex` for ConnectID, `Vipps` for S4).
    pub method: String,
    /// Terms accepted.
    pub accept_terms: bool,
}

/// A form that passed validation, normalised (trimmed, E.164 phone, wire postal code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidForm {
    /// Trimmed, `None` when blank.
    pub first_name: Option<String>,
    /// Trimmed, `None` when blank.
    pub last_name: Option<String>,
    /// Trimmed, `None` when blank.
    pub company_name: Option<String>,
    /// Trimmed, `None` when blank.
    pub email: Option<String>,
    /// E.164, `None` when blank.
    pub phone: Option<String>,
    /// Trimmed, `None` when blank.
    pub street: Option<String>,
    /// Wire form.
    pub postal_code: String,
    /// Trimmed, `None` when blank.
    pub postal_place: Option<String>,
    /// Upper case ISO code.
    pub country_code: String,
    /// The chosen method.
    pub method: ChosenMethod,
}

/// The method the reader chose, for the offer's back end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChosenMethod {
    /// A ConnectID method.
    ConnectId(PaymentMethod),
    /// An S4 method.
    S4(S4PaymentMethod),
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The reader's method, by wire name, among the offer's: one rule for both back ends.
fn choose_method<M: PartialEq>(wire: &str, parse: fn(&str) -> Option<M>, allowed: &[M]) -> Result<M, ErrorCode> {
    let wire = wire.trim();
    match parse(wire) {
        None if wire.is_empty() => Err(ErrorCode::Required),
        None => Err(ErrorCode::InvalidValue),
        Some(m) if !allowed.contains(&m) => Err(ErrorCode::MethodNotAllowed),
        Some(m) => Ok(m),
    }
}

/// Validates the reader's form for an offer; every error at once, at the form's field names.
pub fn validate_form(offer: &Offer, form: &CheckoutForm) -> Result<ValidForm, Vec<FieldError>> {
    let mut e = Errors::default();
    let company = form.company_name.as_deref().and_then(opt);
    let last = opt(&form.last_name);
    if last.is_none() && company.is_none() {
        e.push("lastName", ErrorCode::NameRequired);
    }
    let country = form.country_code.trim().to_ascii_uppercase();
    if country.is_empty() {
        e.push("countryCode", ErrorCode::Required);
    } else if !is_iso_country(&country) {
        e.push("countryCode", ErrorCode::InvalidCountry);
    }
    let email = opt(&form.email);
    let phone_in = opt(&form.phone);
    if email.is_none() && phone_in.is_none() {
        e.push("email", ErrorCode::ContactRequired);
        e.push("phone", ErrorCode::ContactRequired);
    }
    if let Some(m) = &email {
        if !is_valid_email(m) {
            e.push("email", ErrorCode::InvalidEmail);
        }
    }
    let phone = match &phone_in {
        None => None,
        Some(p) => match normalize_phone(p, &country) {
            Ok(v) => Some(v),
            Err(code) => {
                e.push("phone", code);
                None
            }
        },
    };
    let postal_code = match normalize_postal_code(&form.postal_code, &country) {
        Ok(v) => v,
        Err(code) => {
            e.push("postalCode", code);
            String::new()
        }
    };
    let street = opt(&form.street);
    let postal_place = opt(&form.postal_place);
    if offer.requires_address {
        if street.is_none() {
            e.push("street", ErrorCode::Required);
        }
        if postal_place.is_none() {
            e.push("postalPlace", ErrorCode::Required);
        }
    }
    let chosen = match offer.backend {
        Backend::ConnectId => choose_method(&form.method, PaymentMethod::from_wire, &PaymentMethod::for_offer(offer))
            .map(ChosenMethod::ConnectId),
        Backend::S4 => choose_method(
            &form.method,
            S4PaymentMethod::from_wire,
            &S4PaymentMethod::for_offer(offer),
        )
        .map(ChosenMethod::S4),
    };
    let method = match chosen {
        Ok(m) => Some(m),
        Err(code) => {
            e.push("method", code);
            None
        }
    };
    if !form.accept_terms {
        e.push("acceptTerms", ErrorCode::TermsNotAccepted);
    }
    e.finish()?;
    Ok(ValidForm {
        first_name: opt(&form.first_name),
        last_name: last,
        company_name: company,
        email,
        phone,
        street,
        postal_code,
        postal_place,
        country_code: country,
        // Reached only without errors, so a method was chosen.
        method: method.ok_or_else(|| vec![FieldError::new("method", ErrorCode::Required)])?,
    })
}

/// Builds the ConnectID client order for `offer` from the reader's form: one line of quantity 1
/// at the offer's price, the offer's coupon/product, marketing coupon, access grant and
/// recurring/prepaid flags. Errors are the form's (paths are form fields); an offer that is not a
/// ConnectID offer, or a built order that fails [`validate_client_order`] (a bad offer), is
/// reported at path `offer`.
pub fn build_client_order(
    offer: &Offer,
    form: &CheckoutForm,
    external_order_id: &str,
    now_ms: i64,
) -> Result<ClientOrder, Vec<FieldError>> {
    if offer.backend != Backend::ConnectId {
        return Err(vec![FieldError::new("offer", ErrorCode::BackendMismatch)]);
    }
    let v = validate_form(offer, form)?;
    let ChosenMethod::ConnectId(method) = v.method else {
        return Err(vec![FieldError::new("method", ErrorCode::InvalidValue)]);
    };
    let mut line = OrderLine {
        product_spec_type: ProductSpecType::Product,
        product_spec_code: None,
        product_spec_no: None,
        product: None,
        quantity: 1,
        unit_price: Some(offer.price),
        promotion_code: None,
        category_code: None,
        voucher_code: None,
        allow_access_product: None,
        allow_access_category_type: None,
        allow_access_seconds: None,
        start_info: None,
        reward_partner_id: None,
        reward_id: None,
        article_detail: None,
        receiver: None,
    };
    match &offer.product_spec {
        Some(ProductSpec::Coupon { code, number }) => {
            line.product_spec_type = ProductSpecType::Coupon;
            line.product_spec_code = Some(code.clone());
            line.product_spec_no = Some(*number);
        }
        Some(ProductSpec::Product { product }) => line.product = Some(product.clone()),
        None => return Err(vec![FieldError::new("offer", ErrorCode::ProductMismatch)]),
    }
    if let Some(a) = &offer.access {
        line.allow_access_product = Some(a.product.clone());
        line.allow_access_seconds = Some(a.seconds);
        line.allow_access_category_type = a.category_type.clone();
    }
    let payer = Party {
        company_name: v.company_name,
        first_name: v.first_name,
        last_name: v.last_name,
        street: v.street,
        postal_code: Some(v.postal_code),
        postal_place: v.postal_place,
        country_code: Some(v.country_code),
        emails: v.email.map(|m| vec![m]),
        phone_numbers: v.phone.map(|p| vec![p]),
        ..Party::default()
    };
    let order = ClientOrder {
        external_order_id: opt(external_order_id),
        order_date: Some(now_ms),
        payment_method: method,
        merchant_id: None,
        order_amount: offer.price,
        currency: offer.currency.code().to_owned(),
        marketing_coupon_code: offer.marketing_coupon.as_ref().map(|c| c.code.clone()),
        marketing_coupon_number: offer.marketing_coupon.as_ref().map(|c| c.number),
        campaign_parameters: None,
        company_code: None,
        customer_reference: None,
        unique_user_id: None,
        seller: None,
        sales_method: None,
        recurring: Some(offer.recurring),
        prepaid: Some(offer.prepaid),
        payer,
        order_lines: vec![line],
        payment_info_pay_ex: None,
    };
    // The form was valid, so anything refused here comes from the offer: say so rather than
    // pointing the reader at a field they cannot fix.
    validate_client_order(&order).map_err(|errs| {
        errs.into_iter()
            .map(|e| FieldError::new(format!("offer.{}", e.path), e.code))
            .collect::<Vec<_>>()
    })?;
    Ok(order)
}

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
    /// Vipps/MobilePay `accountId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vipps_account_id: Option<String>,
    /// SwedbankPay `payExAccountId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_ex_account_id: Option<String>,
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
    let params = match method {
        S4PaymentMethod::Vipps | S4PaymentMethod::MobilePay => Some(PaymentAgreementParameters {
            payment_method: method,
            vipps_mobile_pay_parameters: Some(VippsMobilePayParameters {
                customer_phone_number: v.phone.clone(),
                merchant_agreement_url: urls.merchant_agreement_url.clone(),
                merchant_redirect_url: urls.complete_url.clone(),
                account_id: urls.vipps_account_id.clone(),
                profile_scope: None,
            }),
            pay_ex_ecommerce_parameters: None,
        }),
        S4PaymentMethod::SwedbankPay => Some(PaymentAgreementParameters {
            payment_method: method,
            vipps_mobile_pay_parameters: None,
            pay_ex_ecommerce_parameters: Some(PayExEcommerceParameters {
                callback_url: urls.callback_url.clone(),
                cancel_url: urls.cancel_url.clone(),
                complete_url: urls.complete_url.clone(),
                pay_ex_account_id: urls.pay_ex_account_id.clone(),
                culture: urls.culture.clone(),
            }),
        }),
        other => Some(PaymentAgreementParameters {
            payment_method: other,
            vipps_mobile_pay_parameters: None,
            pay_ex_ecommerce_parameters: None,
        }),
    };
    let order = OrderCreate {
        external_subscriber_id: opt(external_subscriber_id),
        template_package_id: t.template_package_id.clone(),
        template_package_choices: has_choices.then_some(choices),
        organization_id: t.organization_id.clone(),
        payment_agreement_parameters: params,
        ..OrderCreate::default()
    };
    s4::validate_s4_order(&order).map_err(|errs| {
        errs.into_iter()
            .map(|e| FieldError::new(format!("offer.{}", e.path), e.code))
            .collect::<Vec<_>>()
    })?;
    Ok(order)
}
