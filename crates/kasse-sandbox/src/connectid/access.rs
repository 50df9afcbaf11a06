//! The access check (`POST /v1/customer/access`, user token): does the logged-in reader already
//! have a product? A checkout asks before selling or starting one the reader has.

use super::*;
use crate::store::Purchase;

/// `POST /capi/v1/customer/access` (user token), body `{product, …}` → `{access, accesses}`.
/// `accesses` lists what gives the reader the product: `{product, source, …}` with `source`
/// `seed` (the seed's `access_products`), `order` (`orderId`: a completed order of hers) or
/// `subscription` (`subscriptionId`: one started for her). Other body fields are accepted and
/// ignored (the vendor's are not documented); an unknown product is simply not held.
pub(super) async fn customer_access(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, CidError> {
    let obj = &parse_object(&body)?;
    let product = field_str(obj, "product", 12, true)?.unwrap_or_default().trim();
    let user = caller.unique_user_id.clone().unwrap_or_default();
    let mut accesses: Vec<Value> = state
        .seed
        .user(&user)
        .map(|u| u.access_products.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|p| p.as_str() == product)
        .map(|p| json!({"product": p, "source": "seed"}))
        .collect();
    for purchase in state.store.purchases(&user)? {
        if products_of(&state, &purchase).iter().any(|p| p == product) {
            let id_key = if purchase.source == "order" {
                "orderId"
            } else {
                "subscriptionId"
            };
            accesses.push(json!({"product": product, "source": purchase.source, id_key: purchase.id}));
        }
    }
    Ok(Json(json!({"access": !accesses.is_empty(), "accesses": accesses})).into_response())
}

/// The products a purchase gives: for a coupon, its product and the access product it grants;
/// for a product or issue line, its `product`; for a subscription, its `product` and its coupon's.
fn products_of(state: &AppState, purchase: &Purchase) -> Vec<String> {
    let body = &purchase.body;
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(String::from);
    if purchase.source == "subscription" {
        let mut out: Vec<String> = text(body, "product").into_iter().collect();
        out.extend(coupon_products(state, body, "couponCode", "couponNumber"));
        return out;
    }
    let lines = body.get("orderLines").and_then(Value::as_array);
    let mut out = Vec::new();
    for line in lines.into_iter().flatten() {
        match line.get("productSpecType").and_then(Value::as_str) {
            Some("coupon") => out.extend(coupon_products(state, line, "productSpecCode", "productSpecNo")),
            Some("product" | "issue") => out.extend(text(line, "product")),
            _ => {}
        }
    }
    out
}

/// The product and access product of the seed coupon a body names by code and number.
fn coupon_products(state: &AppState, v: &Value, code_key: &str, number_key: &str) -> Vec<String> {
    let code = v.get(code_key).and_then(Value::as_str).unwrap_or_default();
    let number = v.get(number_key).and_then(Value::as_i64).unwrap_or_default();
    match state.seed.coupon(code, number) {
        Some(c) => std::iter::once(c.product.clone())
            .chain(c.access_product.clone())
            .collect(),
        None => Vec::new(),
    }
}
