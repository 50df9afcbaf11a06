//! Coupon price and the coupons of a product.

use super::*;

/// `POST /capi/v1/client/coupon/price`.
pub(super) async fn coupon_price(
    State(state): State<Arc<AppState>>,
    Extension(_caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    let obj = &parse_object(&body)?;
    let code = field_str(obj, "couponCode", 12, true)?.unwrap_or_default();
    let number = obj
        .get("couponNumber")
        .and_then(Value::as_i64)
        .ok_or_else(|| CidError::validation("couponNumber is required and must be an integer"))?;
    field_str(obj, "countryCode", 3, false)?;
    field_str(obj, "postalCode", 10, false)?;
    let customer_number = field_int(obj, "customerNumber", false)?;
    let coupon = state
        .seed
        .coupon(code, number)
        .ok_or_else(|| CidError::bad("CouponNotFoundException", format!("coupon {code}/{number} not found")))?;
    let price = coupon.price_cents();
    // The price includes VAT: vat = price × p / (100 + p), rounded to øre.
    let vat = ((price as f64) * coupon.vat_percent / (100.0 + coupon.vat_percent)).round() as i64;
    Ok(Json(json!({
        "companyCode": coupon.company_code,
        "product": coupon.product,
        "price": money_json(price),
        "vatAmount": money_json(vat),
        "vatpercent": coupon.vat_percent,
        "vatInclude": true,
        "currency": coupon.currency,
        "distAmount": 0,
        "distAmountvat": 0,
        "customerNumber": customer_number,
    }))
    .into_response())
}

/// `GET /capi/v1/client/coupon/{productId}`: the coupons that sell a product.
pub(super) async fn coupons_of_product(
    State(state): State<Arc<AppState>>,
    Extension(_caller): Extension<Caller>,
    Path(product_id): Path<String>,
) -> Result<Response, CidError> {
    if !state.seed.has_product(&product_id) {
        return Err(CidError {
            status: StatusCode::NOT_FOUND,
            exception_type: "ProductNotFoundException",
            message: format!("product {product_id} not found"),
        });
    }
    let coupons: Vec<Value> = state
        .seed
        .connectid
        .coupons
        .iter()
        .filter(|c| c.product == product_id)
        .map(|c| {
            json!({
                "couponCode": c.code,
                "couponNumber": c.number,
                "description": c.description,
                "couponPrice": money_json(c.price_cents()),
                "currency": c.currency,
                "periodLength": c.period_length,
                "periodType": c.period_type,
                "extraProducts": [],
            })
        })
        .collect();
    Ok(Json(json!({"coupons": coupons})).into_response())
}
