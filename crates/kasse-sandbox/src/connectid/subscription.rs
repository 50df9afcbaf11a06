//! Start subscription: a logged-in reader starts a product through a coupon.

use super::*;

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
    let start = field_int(obj, "startTime", true)?.unwrap_or_default();
    let end = field_int(obj, "endTime", false)?;
    let number = field_int(obj, "couponNumber", true)?.unwrap_or_default();
    copies(obj)?;
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

/// `copies`, at least 1. ConnectID's start-subscription example sends `"copies": "1"` for an integer
/// field: the vendor's Java mapper coerces numeric strings, so the sandbox accepts that one spelling too.
fn copies(obj: &Map<String, Value>) -> Result<i64, CidError> {
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
    Ok(copies)
}
