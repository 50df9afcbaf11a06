//! The ConnectID client order built from the reader's form.

use super::{blame_offer, opt, validate_form, CheckoutForm, ChosenMethod, ValidForm};
use crate::connectid::{validate_client_order, ClientOrder, OrderLine, Party, ProductSpecType};
use crate::error_code::{ErrorCode, FieldError};
use crate::offer::{Backend, Offer, ProductSpec};

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
    let line = order_line(offer)?;
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
        payer: payer(v),
        order_lines: vec![line],
        payment_info_pay_ex: None,
    };
    // The form was valid, so anything refused here comes from the offer.
    validate_client_order(&order).map_err(blame_offer)?;
    Ok(order)
}

/// The offer's one line: quantity 1 at the offer's price, its coupon or product, its access grant.
fn order_line(offer: &Offer) -> Result<OrderLine, Vec<FieldError>> {
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
    Ok(line)
}

/// The reader as the order's payer.
fn payer(v: ValidForm) -> Party {
    Party {
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
    }
}
