//! Template packages: `GET /package/{id}` (what a package holds and its rules) and
//! `POST /package/{id}/validate` (the price of a set of choices, or 400), as S4 documents them.
//! Prices are priced by the same rules as order creation, so a validated price is the order's.

use super::*;

/// The tenant's template package `id`, or 404.
fn package<'t>(state: &'t AppState, caller: &S4Caller, id: &str) -> Result<&'t S4Template, S4Error> {
    state
        .seed
        .s4_tenant(&caller.tenant_id)
        .and_then(|t| t.templates.iter().find(|p| p.id.eq_ignore_ascii_case(id)))
        .ok_or_else(|| S4Error::plain(StatusCode::NOT_FOUND, format!("Template package {id} not found.")))
}

/// `templatePackageRules` as S4 names them.
fn rules(t: &S4Template) -> Vec<Value> {
    let max = t.max_products.unwrap_or(t.products.len());
    let mut rules = vec![if t.min_products == max {
        json!({"packageRuleId": "FixedNumberOfProducts", "value": max})
    } else {
        json!({"packageRuleId": "FreeNumberOfProducts", "value": max})
    }];
    if t.allows_price_override {
        rules.push(json!({"packageRuleId": "AllowPriceOverride", "value": true}));
    }
    rules
}

fn cents(price: f64) -> i64 {
    (price * 100.0).round() as i64
}

fn product_json(p: &crate::seed::S4Product) -> Value {
    json!({"productId": p.product_id, "name": p.name, "fullPrice": p.full_price, "taxPercent": p.tax_percent})
}

/// Tax included in `products`' full prices, in cents (Nordic consumer prices include VAT).
fn tax_cents(products: &[&crate::seed::S4Product]) -> i64 {
    products
        .iter()
        .map(|p| (cents(p.full_price) as f64 * p.tax_percent / (100.0 + p.tax_percent)).round() as i64)
        .sum()
}

/// `GET /package/{id}`: `TemplatePackageView`.
pub(super) async fn read_package(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
) -> Result<Response, S4Error> {
    let t = package(&state, &caller, &id)?;
    let all: Vec<&crate::seed::S4Product> = t.products.iter().collect();
    let full: i64 = all.iter().map(|p| cents(p.full_price)).sum();
    Ok(Json(json!({
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "currency": t.currency,
        "fullPrice": money_json(full),
        "tax": money_json(tax_cents(&all)),
        "products": all.iter().map(|p| product_json(p)).collect::<Vec<_>>(),
        "templatePackageRules": rules(t),
    }))
    .into_response())
}

/// `POST /package/{id}/validate`: the `PackageDraft` of a `TemplatePackageChoices`, or 400 with
/// every problem.
pub(super) async fn validate_package(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<S4Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, S4Error> {
    let t = package(&state, &caller, &id)?;
    let choices: Value = serde_json::from_slice(&body).map_err(|e| {
        S4Error::validation(vec![FieldError {
            field: "$".into(),
            message: format!("Malformed JSON: {e}"),
        }])
    })?;
    let order = json!({ "templatePackageChoices": choices });
    let mut errors = Vec::new();
    let price = price_of_choices(order.as_object().expect("an object"), Some(t), &mut errors);
    if !errors.is_empty() {
        return Err(S4Error::validation(errors));
    }
    let chosen: Vec<&crate::seed::S4Product> = match choices.get("products").and_then(Value::as_array) {
        Some(ids) => t
            .products
            .iter()
            .filter(|p| {
                ids.iter()
                    .any(|i| i.as_str().is_some_and(|i| i.eq_ignore_ascii_case(&p.product_id)))
            })
            .collect(),
        None => t.products.iter().collect(),
    };
    let full: i64 = chosen.iter().map(|p| cents(p.full_price)).sum();
    Ok(Json(json!({
        "templatePackageId": t.id,
        "products": chosen.iter().map(|p| product_json(p)).collect::<Vec<_>>(),
        "price": money_json(price),
        "fullPrice": money_json(full),
        "tax": money_json(tax_cents(&chosen)),
        "currency": t.currency,
    }))
    .into_response())
}
