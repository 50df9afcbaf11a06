//! Coupon price, a product's coupons, and start subscription.

use super::*;

pub(super) fn field_str<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    max: usize,
    required: bool,
) -> Result<Option<&'a str>, CidError> {
    match obj.get(key) {
        None | Some(Value::Null) if required => Err(CidError::validation(format!("{key} is required"))),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > max => {
            Err(CidError::validation(format!("{key} must be at most {max} characters")))
        }
        Some(Value::String(s)) if required && s.trim().is_empty() => {
            Err(CidError::validation(format!("{key} is required")))
        }
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(CidError::validation(format!("{key} must be a string"))),
    }
}

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
    let customer_number = match obj.get("customerNumber") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| CidError::validation("customerNumber must be an integer"))?,
        ),
    };
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

/// `POST /capi/v1/subscription` (user token): ConnectID's start subscription.
pub(super) async fn start_subscription(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    let obj = &parse_object(&body)?;
    field_str(obj, "companyCode", 12, false)?;
    let product = field_str(obj, "product", 12, true)?.unwrap_or_default();
    let code = field_str(obj, "couponCode", 12, true)?.unwrap_or_default();
    field_str(obj, "customerReference", 37, false)?;
    let int = |key: &str, required: bool| -> Result<Option<i64>, CidError> {
        match obj.get(key) {
            None | Some(Value::Null) if required => Err(CidError::validation(format!("{key} is required"))),
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| CidError::validation(format!("{key} must be an integer"))),
        }
    };
    let start = int("startTime", true)?.unwrap_or_default();
    let end = int("endTime", false)?;
    let number = int("couponNumber", true)?.unwrap_or_default();
    // ConnectID's start-subscription example sends `"copies": "1"` for an integer field: the vendor's Java mapper
    // coerces numeric strings, so the sandbox accepts that one spelling too.
    let copies = match obj.get("copies") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        None | Some(Value::Null) => return Err(CidError::validation("copies is required")),
        Some(_) => None,
    }
    .ok_or_else(|| CidError::validation("copies must be an integer"))?;
    if copies < 1 {
        return Err(CidError::validation("copies must be at least 1"));
    }
    if end.is_some_and(|e| e <= start) {
        return Err(CidError::validation("endTime must be after startTime"));
    }
    let coupon = state
        .seed
        .coupon(code, number)
        .ok_or_else(|| CidError::bad("CouponNotFoundException", format!("coupon {code}/{number} not found")))?;
    if coupon.product != product {
        return Err(CidError::validation(format!(
            "product {product} is not the product of coupon {code}/{number}"
        )));
    }
    let user = caller.unique_user_id.clone().unwrap_or_default();
    state
        .store
        .insert_subscription(&caller.client_id, &user, &String::from_utf8_lossy(&body))?;
    Ok(Json(json!({"status": "OK"})).into_response())
}
